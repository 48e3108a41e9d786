/* main.c — the `harness` command.
 *
 *   harness run TESTCASE [--variant NAME] [--time-scale F] [--out DIR] [--run-id ID] [-v]
 *   harness list
 *   harness check TESTCASE...
 *
 * TESTCASE is a folder, or a name under the project's testcases/. A testcase with a
 * `variants` line runs its first variant unless --variant names another; list and check
 * go through every variant. Exit status of run:
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
	fprintf(f, "usage: harness run TESTCASE [--variant NAME] [--time-scale F] [--out DIR] [--run-id ID] [-v]\n"
		   "       harness list\n"
		   "       harness check TESTCASE...\n"
		   "TESTCASE is a folder or a name in %s/testcases; --variant picks one of its gateway\n"
		   "implementation variants (default: the first of its variants line).\n"
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

/* Load every variant of the testcase in dir (one pass for a testcase without variants);
 * each() gets the loaded testcase, or NULL and the error. Returns 0, or 2 if any failed. */
static int each_variant(const char *dir, void (*each)(const struct testcase *tc, const char *err, void *arg),
			void *arg)
{
	char err[LAB_ERR_MAX];
	struct testcase *tc = calloc(1, sizeof(*tc)), *first = calloc(1, sizeof(*first));
	int rc = 0;
	if (!tc || !first) {
		each(NULL, "out of memory", arg);
		free(tc);
		free(first);
		return 2;
	}
	if (tc_load(dir, first, err, sizeof(err))) {
		each(NULL, err, arg);
		rc = 2;
	} else if (!first->nvariants) {
		each(first, NULL, arg);
	} else {
		for (int v = 0; v < first->nvariants; v++) {
			if (tc_load_variant(dir, first->variants[v], tc, err, sizeof(err))) {
				each(NULL, err, arg);
				rc = 2;
			} else {
				each(tc, NULL, arg);
			}
		}
	}
	free(tc);
	free(first);
	return rc;
}

static void list_one(const struct testcase *tc, const char *err, void *arg)
{
	const char *folder = arg;
	char name[128];
	if (!tc) {
		printf("%-32s  (error: %s)\n", folder, err);
		return;
	}
	tc_full_name(tc, name, sizeof(name));
	printf("%-32s  seed %-4s  [%s%s%s]%s  %s\n", name, tc->seed[0] ? tc->seed : "-", tc->labels,
	       tc->variant[0] && tc->labels[0] ? " " : "", tc->variant, tc->realtime_run ? " +realtime run" : "",
	       tc->summary);
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
		char dir[1200], conf[1300];
		struct stat st;
		snprintf(dir, sizeof(dir), "%s/%s", base, names[i]->d_name);
		snprintf(conf, sizeof(conf), "%s/testcase.conf", dir);
		if (names[i]->d_name[0] != '.' && stat(conf, &st) == 0)
			each_variant(dir, list_one, names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return 0;
}

static void check_one(const struct testcase *tc, const char *err, void *arg)
{
	char name[128];
	(void)arg;
	if (!tc) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	tc_full_name(tc, name, sizeof(name));
	printf("%s: ok (%d nodes, %d links, %d actions, %d expectations)\n", name, tc->topo.nnodes,
	       tc->topo.nlinks, tc->nact, tc->nexp);
}

static int cmd_check(int argc, char **argv)
{
	int rc = 0;
	for (int i = 0; i < argc; i++) {
		char dir[1024];
		resolve(argv[i], dir, sizeof(dir));
		if (each_variant(dir, check_one, NULL))
			rc = 2;
	}
	return rc;
}

static int cmd_run(int argc, char **argv)
{
	const char *name = NULL, *out = NULL, *runid = NULL, *variant = NULL;
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
		} else if (!strcmp(argv[i], "--variant") && i + 1 < argc) {
			variant = argv[++i];
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
	if (tc_load_variant(dir, variant, tc, err, sizeof(err))) {
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
		/* captures/<testcase>/[<variant>/]<run-id>, `latest` beside the run folders */
		snprintf(r->out_dir, sizeof(r->out_dir), "%s/captures/%s/%s%s", IHH_SOURCE_DIR, tc->name, tc->variant,
			 tc->variant[0] ? "/" : "");
		r->link_latest = 1;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	char full[128];
	tc_full_name(tc, full, sizeof(full));
	fprintf(stderr, "harness: %s — %s (time scale %g)\n", full, tc->summary, scale);
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
