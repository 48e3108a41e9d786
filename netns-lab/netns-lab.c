/* netns-lab.c — the `netns-lab` command: bring a topology up or down, clean stale runs,
 * list runs, check a topology file, run a command inside a node, inject faults.
 *
 * `up` exits after bring-up; the run stays until `down` (its owner file records pid 0,
 * "held by the CLI"). Exit codes: 0 ok, 2 usage or error.
 */
#include "lab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define EXIT_USAGE 2

static struct lab_topo topo;

static int usage(void)
{
	fprintf(stderr,
		"usage: netns-lab up TOPOLOGY [--run-id ID]\n"
		"       netns-lab down RUNID\n"
		"       netns-lab clean [--all]\n"
		"       netns-lab list\n"
		"       netns-lab check TOPOLOGY\n"
		"       netns-lab exec RUNID NODE -- CMD [ARG...]\n"
		"       netns-lab fault RUNID NODE IF down|up|pull|plug\n"
		"       netns-lab drop RUNID NODE [IF] all|ike|esp [in|out|both] [PCT]\n"
		"       netns-lab undrop RUNID NODE HANDLE\n");
	return EXIT_USAGE;
}

static int fail(const char *err)
{
	fprintf(stderr, "netns-lab: %s\n", err);
	return EXIT_USAGE;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmd_check(int argc, char **argv)
{
	char err[LAB_ERR_MAX];
	int i, links = 0, segs = 0;

	if (argc != 1)
		return usage();
	if (lab_topo_load(argv[0], &topo, err, sizeof(err)) < 0)
		return fail(err);
	for (i = 0; i < topo.nlinks; i++)
		topo.links[i].kind == LAB_LINK_SEGMENT ? segs++ : links++;
	printf("%s: ok: %d nodes, %d segments, %d links\n", argv[0], topo.nnodes, segs, links);
	for (i = 0; i < topo.nnodes; i++) {
		const struct lab_node *n = &topo.nodes[i];
		int j;

		for (j = 0; j < n->nifs; j++)
			printf("  %-12s %-28s %-15s %02x:%02x:%02x:%02x:%02x:%02x%s\n", n->name, n->ifs[j].ios,
			       n->ifs[j].linux_name, n->ifs[j].mac[0], n->ifs[j].mac[1], n->ifs[j].mac[2],
			       n->ifs[j].mac[3], n->ifs[j].mac[4], n->ifs[j].mac[5],
			       n->ifs[j].loopback ? " (loopback)" : n->ifs[j].link < 0 ? " (unlinked)" : "");
	}
	return 0;
}

static int cmd_up(int argc, char **argv)
{
	char err[LAB_ERR_MAX];
	const char *runid = NULL;
	struct lab_run r;
	double t0;

	if (argc == 3 && strcmp(argv[1], "--run-id") == 0)
		runid = argv[2];
	else if (argc != 1)
		return usage();
	if (lab_topo_load(argv[0], &topo, err, sizeof(err)) < 0)
		return fail(err);
	if (lab_clean_stale(err, sizeof(err)) < 0)
		fprintf(stderr, "netns-lab: warning: clean: %s\n", err);
	t0 = now_ms();
	if (lab_up_ex(&r, &topo, runid, LAB_UP_DETACHED, err, sizeof(err)) < 0)
		return fail(err);
	fprintf(stderr, "netns-lab: run %s up in %.1f ms\n", r.runid, now_ms() - t0);
	printf("%s\n", r.runid);
	lab_detach(&r);
	return 0;
}

static int cmd_down(int argc, char **argv)
{
	char err[LAB_ERR_MAX];
	int n;

	if (argc != 1)
		return usage();
	n = lab_down_runid(argv[0], err, sizeof(err));
	if (n < 0)
		return fail(err);
	if (n == 0)
		fprintf(stderr, "netns-lab: run %s: no namespaces\n", argv[0]);
	return 0;
}

static int cmd_clean(int argc, char **argv)
{
	char err[LAB_ERR_MAX];
	int all = argc == 1 && strcmp(argv[0], "--all") == 0, n;

	if (argc > 1 || (argc == 1 && !all))
		return usage();
	n = lab_clean(all, err, sizeof(err));
	if (n < 0)
		return fail(err);
	printf("removed %d namespace(s)\n", n);
	return 0;
}

static int cmd_list(int argc, char **argv)
{
	static char names[LAB_MAX_NODES + LAB_MAX_LINKS][LAB_NAME_MAX + 32];
	char ids[64][16];
	int n = lab_list_runs(ids, 64), i, j;

	(void)argv;
	if (argc)
		return usage();
	for (i = 0; i < n; i++) {
		pid_t pid = -1;
		int st = lab_owner_status(ids[i], &pid), k;
		const char *s = st == LAB_OWNER_ALIVE ? "alive" : st == LAB_OWNER_DEAD ? "dead (stale)"
			      : st == LAB_OWNER_CLI ? "held by the CLI" : "no owner file";

		k = lab_run_namespaces(ids[i], names, LAB_MAX_NODES + LAB_MAX_LINKS);
		if (st == LAB_OWNER_ALIVE || st == LAB_OWNER_DEAD)
			printf("%s  owner pid %d %s, %d namespace(s)\n", ids[i], (int)pid, s, k);
		else
			printf("%s  %s, %d namespace(s)\n", ids[i], s, k);
		for (j = 0; j < k; j++)
			printf("    %s\n", names[j]);
	}
	return 0;
}

static int attach(struct lab_run *r, const char *runid)
{
	char err[LAB_ERR_MAX];

	if (lab_attach(r, &topo, runid, err, sizeof(err)) < 0)
		return fail(err);
	return 0;
}

static int cmd_exec(int argc, char **argv)
{
	struct lab_run r;
	int fd;

	if (argc < 4 || strcmp(argv[2], "--") != 0)
		return usage();
	if (attach(&r, argv[0]))
		return EXIT_USAGE;
	fd = lab_node_fd(&r, argv[1]);
	if (fd < 0) {
		fprintf(stderr, "netns-lab: run %s: unknown node '%s'\n", argv[0], argv[1]);
		return EXIT_USAGE;
	}
	if (lab_enter_ns(fd) < 0) {
		fprintf(stderr, "netns-lab: setns: %s\n", strerror(errno));
		return EXIT_USAGE;
	}
	lab_detach(&r);
	execvp(argv[3], argv + 3);
	fprintf(stderr, "netns-lab: exec %s: %s\n", argv[3], strerror(errno));
	return 127;
}

static int cmd_fault(int argc, char **argv)
{
	char err[LAB_ERR_MAX];
	struct lab_run r;
	int rc;

	if (argc != 4)
		return usage();
	if (attach(&r, argv[0]))
		return EXIT_USAGE;
	if (strcmp(argv[3], "down") == 0 || strcmp(argv[3], "up") == 0)
		rc = lab_if_set_up(&r, argv[1], argv[2], argv[3][0] == 'u', err, sizeof(err));
	else if (strcmp(argv[3], "pull") == 0 || strcmp(argv[3], "plug") == 0)
		rc = lab_cable(&r, argv[1], argv[2], argv[3][1] == 'l' && argv[3][2] == 'u', err, sizeof(err));
	else
		rc = -2;
	lab_detach(&r);
	if (rc == -2)
		return usage();
	return rc < 0 ? fail(err) : 0;
}

static int parse_match(const char *s, enum lab_match *m)
{
	if (strcmp(s, "all") == 0)
		*m = LAB_MATCH_ALL;
	else if (strcmp(s, "ike") == 0)
		*m = LAB_MATCH_IKE;
	else if (strcmp(s, "esp") == 0)
		*m = LAB_MATCH_ESP;
	else
		return -1;
	return 0;
}

static int cmd_drop(int argc, char **argv)
{
	char err[LAB_ERR_MAX], *end;
	struct lab_drop d = { .dir = LAB_DIR_BOTH, .loss_pct = 100 };
	struct lab_run r;
	uint64_t handle;
	int i = 2, rc;

	if (argc < 3)
		return usage();
	snprintf(d.node, sizeof(d.node), "%s", argv[1]);
	if (parse_match(argv[i], &d.match) < 0) {
		snprintf(d.ifname, sizeof(d.ifname), "%s", argv[i]);
		i++;
		if (i >= argc || parse_match(argv[i], &d.match) < 0)
			return usage();
	}
	i++;
	if (i < argc && (strcmp(argv[i], "in") == 0 || strcmp(argv[i], "out") == 0 || strcmp(argv[i], "both") == 0)) {
		d.dir = argv[i][0] == 'i' ? LAB_DIR_IN : argv[i][0] == 'o' ? LAB_DIR_OUT : LAB_DIR_BOTH;
		i++;
	}
	if (i < argc) {
		unsigned long v = strtoul(argv[i], &end, 10);

		if (*end == '%')
			end++;
		if (*end || v < 1 || v > 100)
			return usage();
		d.loss_pct = (unsigned)v;
		i++;
	}
	if (i != argc)
		return usage();
	if (attach(&r, argv[0]))
		return EXIT_USAGE;
	rc = lab_drop_add(&r, &d, &handle, err, sizeof(err));
	lab_detach(&r);
	if (rc < 0)
		return fail(err);
	printf("%llu\n", (unsigned long long)handle);
	return 0;
}

static int cmd_undrop(int argc, char **argv)
{
	char err[LAB_ERR_MAX], *end;
	struct lab_run r;
	unsigned long long h;
	int rc;

	if (argc != 3)
		return usage();
	h = strtoull(argv[2], &end, 10);
	if (*end)
		return usage();
	if (attach(&r, argv[0]))
		return EXIT_USAGE;
	rc = lab_drop_del(&r, argv[1], h, err, sizeof(err));
	lab_detach(&r);
	return rc < 0 ? fail(err) : 0;
}

int main(int argc, char **argv)
{
	static const struct { const char *name; int (*fn)(int, char **); } cmds[] = {
		{ "up", cmd_up }, { "down", cmd_down }, { "clean", cmd_clean }, { "list", cmd_list },
		{ "check", cmd_check }, { "exec", cmd_exec }, { "fault", cmd_fault }, { "drop", cmd_drop },
		{ "undrop", cmd_undrop },
	};
	size_t i;

	if (argc < 2)
		return usage();
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 2, argv + 2);
	return usage();
}
