/* main.c — the `harness` command.
 *
 *   harness run TESTCASE [--time-scale F] [--out DIR] [--run-id ID] [-v]
 *   harness list
 *   harness check TESTCASE...
 *
 * TESTCASE is a folder, or a name under the project's testcases/. Exit status of run:
 * 0 every expectation passed, 1 an expectation failed, 2 error (bad testcase, lab or
 * daemon failure), 77 skipped (a driver cannot run here, e.g. libreswan without kernel
 * ESP; 77 is CTest's SKIP_RETURN_CODE in this project).
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "run.h"

#ifndef IHH_SOURCE_DIR
#define IHH_SOURCE_DIR "."
#endif

extern volatile sig_atomic_t run_interrupted;

static void on_signal(int sig)
{
	(void)sig;
	run_interrupted = 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: harness run TESTCASE [--time-scale F] [--out DIR] [--run-id ID] [-v]\n"
		   "       harness list\n"
		   "       harness check TESTCASE...\n"
		   "TESTCASE is a folder or a name in %s/testcases.\n"
		   "run exits 0 pass, 1 an expectation failed, 2 error, 77 skipped.\n", IHH_SOURCE_DIR);
}

static void resolve(const char *arg, char *dir, size_t len)
{
	struct stat st;
	if (strchr(arg, '/') || (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)))
		snprintf(dir, len, "%s", arg);
	else
		snprintf(dir, len, "%s/testcases/%s", IHH_SOURCE_DIR, arg);
}

static int cmd_list(void)
{
	char base[1024];
	snprintf(base, sizeof(base), "%s/testcases", IHH_SOURCE_DIR);
	struct dirent **names;
	int n = scandir(base, &names, NULL, alphasort);
	if (n < 0) {
		perror(base);
		return 2;
	}
	for (int i = 0; i < n; i++) {
		char dir[1200], err[LAB_ERR_MAX];
		snprintf(dir, sizeof(dir), "%s/%s", base, names[i]->d_name);
		struct testcase *tc = calloc(1, sizeof(*tc));
		struct stat st;
		char conf[1300];
		snprintf(conf, sizeof(conf), "%s/testcase.conf", dir);
		if (names[i]->d_name[0] != '.' && tc && stat(conf, &st) == 0) {
			if (tc_load(dir, tc, err, sizeof(err)))
				printf("%-28s  (error: %s)\n", names[i]->d_name, err);
			else
				printf("%-28s  seed %-4s  [%s]  %s\n", tc->name, tc->seed[0] ? tc->seed : "-", tc->labels,
				       tc->summary);
		}
		free(tc);
		free(names[i]);
	}
	free(names);
	return 0;
}

static int cmd_check(int argc, char **argv)
{
	int rc = 0;
	for (int i = 0; i < argc; i++) {
		char dir[1024], err[LAB_ERR_MAX];
		struct testcase *tc = calloc(1, sizeof(*tc));
		resolve(argv[i], dir, sizeof(dir));
		if (!tc || tc_load(dir, tc, err, sizeof(err))) {
			fprintf(stderr, "%s\n", tc ? err : "out of memory");
			rc = 2;
		} else {
			printf("%s: ok (%d nodes, %d links, %d actions, %d expectations)\n", tc->name, tc->topo.nnodes,
			       tc->topo.nlinks, tc->nact, tc->nexp);
		}
		free(tc);
	}
	return rc;
}

static int cmd_run(int argc, char **argv)
{
	const char *name = NULL, *out = NULL, *runid = NULL;
	double scale = 1.0;
	int verbose = 0;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--time-scale") && i + 1 < argc) {
			char *end;
			scale = strtod(argv[++i], &end);
			if (*end || scale <= 0 || scale > 10) {
				fprintf(stderr, "harness: --time-scale takes a number in (0, 10], got '%s'\n", argv[i]);
				return 2;
			}
		} else if (!strcmp(argv[i], "--out") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "--run-id") && i + 1 < argc) {
			runid = argv[++i];
		} else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			verbose = 1;
		} else if (argv[i][0] != '-' && !name) {
			name = argv[i];
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (!name) {
		usage(stderr);
		return 2;
	}
	struct run *r = calloc(1, sizeof(*r));
	struct testcase *tc = calloc(1, sizeof(*tc));
	char dir[1024], err[LAB_ERR_MAX];
	if (!r || !tc) {
		fprintf(stderr, "harness: out of memory\n");
		return 2;
	}
	resolve(name, dir, sizeof(dir));
	if (tc_load(dir, tc, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		free(tc);
		free(r);
		return 2;
	}
	r->tc = tc;
	r->scale = scale;
	r->verbose = verbose;
	if (runid)
		snprintf(r->runid, sizeof(r->runid), "%s", runid);
	if (out) {
		snprintf(r->out_dir, sizeof(r->out_dir), "%s", out);
	} else {
		snprintf(r->out_dir, sizeof(r->out_dir), "%s/captures/%s/", IHH_SOURCE_DIR, tc->name);
		r->link_latest = 1;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	fprintf(stderr, "harness: %s — %s (time scale %g)\n", tc->name, tc->summary, scale);
	int v = run_testcase(r);
	if (v == 3)
		printf("SKIP: %s\n", r->error);
	else if (v == 2 && r->error[0] && !r->t0_ns)
		fprintf(stderr, "harness: %s\n", r->error);
	free(tc);
	free(r);
	return v == 3 ? 77 : v;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 2, argv + 2);
	if (!strcmp(argv[1], "list"))
		return cmd_list();
	if (!strcmp(argv[1], "check"))
		return cmd_check(argc - 2, argv + 2);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}
