/* bench.c — `ihh-bench`, run by `make bench`: TCP throughput and IKEv1 set-up time of
 * refgw ↔ refgw against strongSwan ↔ strongSwan, with the bare veth path as the ceiling.
 *
 * Each run builds the same four-namespace path with netns-lab (bench/lab/topology.lab):
 *
 *     hostA 10.1.0.2 ── gwA ══ 192.0.2.0/24 ══ gwB ── 10.2.0.2 hostB
 *
 * and measures, one after the other so they do not share the two CPUs:
 *   bare        the gateways route in clear (routes added to the topology);
 *   refgw       two refgw (bench/lab/refgw/gw?.cfg: IKE aes128/sha/group 14, ESP
 *               esp-aes 128 esp-sha-hmac), driven through the harness's refgw driver;
 *   strongswan  two charon with kernel-libipsec (bench/lab/strongswan/gw?.node:
 *               aes128-sha1-modp2048, esp aes128-sha1), through the strongswan driver.
 * Throughput: iperf3 -c from hostA to an iperf3 -s on hostB (one TCP stream, -t SECS),
 * the receiver's rate; the tunnel's SA byte counter must have carried what was sent.
 * Set-up time: from just before `refgwctl initiate` / `swanctl --initiate` to the later of
 * the two gateways' log lines saying the IPsec SAs are installed (refgw: the second
 * "IPSEC(create_sa)", in and out; charon: "CHILD_SA … established"), both logs having
 * millisecond timestamps. It spans Main Mode (with the group-14/modp2048 DH) and Quick
 * Mode, plus the start of the control tool (a few ms, the same for both).
 *
 * Isolation and clean-up: every namespace is ihh-<runid>-<node> (netns-lab), nothing
 * touches the root namespace; stale runs of a crashed bench are removed at start
 * (lab_clean_stale), and Ctrl-C / SIGTERM stop the current step, stop the daemons and
 * tear the lab down before exiting.
 *
 * Output: a table, then exactly one line
 *   refgw_mbps=N strongswan_mbps=M bare_mbps=B refgw_setup_ms=S strongswan_setup_ms=T
 * (0 for a run that failed). Exit status 0 when every run measured, 1 otherwise, 130
 * when interrupted.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "driver.h"
#include "lab.h"
#include "node.h"

#ifndef BENCH_LAB_DIR
#define BENCH_LAB_DIR "bench/lab"
#endif

#define BENCH_SERVER     "10.2.0.2"          /* hostB */
#define BENCH_SETUP_MAX_MS 20000

enum scen { SC_BARE, SC_REFGW, SC_SWAN, SC_MAX };

static const char *const scen_name[SC_MAX] = { "bare", "refgw", "strongswan" };
static const char *const scen_label[SC_MAX] = { "bare veth (no IPsec)", "refgw <-> refgw",
						 "strongSwan <-> strongSwan" };

struct result {
	int ran, ok;
	struct bench_iperf ip;
	double setup_ms;                /* -1: not measured */
	uint64_t sa_bytes_out;          /* gwA's outbound SA after the run */
	double cpu_s;                   /* iperf3 + gateway daemons during the run */
	char note[256];
};

struct bench {
	/* options */
	int secs;
	char lab_dir[512], out_dir[512];
	int want[SC_MAX];
	/* the current run */
	struct lab_topo topo;
	struct lab_run run;
	int lab_is_up;
	char runid[16], dir[768];
	struct node_spec spec[2];
	struct drv_node gw[2];
	int ngw;
	struct result res[SC_MAX];
};

static volatile sig_atomic_t bench_stop;

static void on_signal(int sig)
{
	(void)sig;
	bench_stop = 1;
}

static int64_t real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleep ms unless asked to stop; returns -1 when stopping. */
static int nap(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	if (bench_stop)
		return -1;
	nanosleep(&ts, NULL);
	return bench_stop ? -1 : 0;
}

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

static int mkdir_p(const char *path)
{
	char p[768];
	size_t i;

	snprintf(p, sizeof(p), "%s", path);
	for (i = 1; p[i]; i++)
		if (p[i] == '/') {
			p[i] = '\0';
			if (mkdir(p, 0755) < 0 && errno != EEXIST)
				return -1;
			p[i] = '/';
		}
	return mkdir(p, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0) {
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)n + 1);
	if (buf) {
		size_t got = fread(buf, 1, (size_t)n, f);

		buf[got] = '\0';
	}
	fclose(f);
	return buf;
}

/* --- the lab ------------------------------------------------------------------------ */

static int add_route(struct lab_topo *t, const char *node, uint32_t dst, uint8_t plen, uint32_t via)
{
	int i = lab_find_node(t, node);
	struct lab_route *r;

	if (i < 0 || t->nodes[i].nroutes == LAB_MAX_ROUTES)
		return -1;
	r = &t->nodes[i].routes[t->nodes[i].nroutes++];
	memset(r, 0, sizeof(*r));
	r->dst.addr = dst;
	r->dst.plen = plen;
	r->via = via;
	return 0;
}

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

static int lab_start(struct bench *b, enum scen sc, char *err, size_t len)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/topology.lab", b->lab_dir);
	if (lab_topo_load(path, &b->topo, err, len) < 0)
		return -1;
	/* bare: the gateways route the other site in clear */
	if (sc == SC_BARE && (add_route(&b->topo, "gwA", IP4(10, 2, 0, 0), 24, IP4(192, 0, 2, 2)) < 0 ||
			      add_route(&b->topo, "gwB", IP4(10, 1, 0, 0), 24, IP4(192, 0, 2, 1)) < 0))
		return fail(err, len, "%s: nodes gwA and gwB expected", path);
	lab_new_runid(b->runid);
	snprintf(b->dir, sizeof(b->dir), "%s/%s-%s", b->out_dir, b->runid, scen_name[sc]);
	if (mkdir_p(b->dir) < 0)
		return fail(err, len, "%s: %s", b->dir, strerror(errno));
	if (lab_up(&b->run, &b->topo, b->runid, err, len) < 0)
		return -1;
	b->lab_is_up = 1;
	return 0;
}

static void lab_stop(struct bench *b)
{
	int i;

	for (i = 0; i < b->ngw; i++)
		if (b->gw[i].pid > 0)
			b->gw[i].drv->stop(&b->gw[i]);
	b->ngw = 0;
	if (b->lab_is_up)
		lab_down(&b->run);
	b->lab_is_up = 0;
}

/* A drv_node for a host (only its namespace matters to drv_spawn). */
static void host_node(struct bench *b, const char *node, struct drv_node *n)
{
	memset(n, 0, sizeof(*n));
	n->ns_fd = lab_node_fd(&b->run, node);
	lab_ns_name(&b->run, lab_find_node(&b->topo, node), n->ns_name, sizeof(n->ns_name));
	snprintf(n->dir, sizeof(n->dir), "%s", b->dir);
}

/* --- the gateways ------------------------------------------------------------------- */

static int gw_start(struct bench *b, const char *daemon, char *err, size_t len)
{
	static const char *const names[2] = { "gwA", "gwB" };
	const struct driver *d = driver_find(daemon);
	char why[256], path[600];
	int i, r;

	if (!d)
		return fail(err, len, "no driver '%s'", daemon);
	r = d->available(why, sizeof(why));
	if (r != 0)
		return fail(err, len, "%s cannot run here: %s", daemon, why);
	for (i = 0; i < 2; i++) {
		struct drv_node *n = &b->gw[i];
		int idx = lab_find_node(&b->topo, names[i]);

		snprintf(path, sizeof(path), "%s/%s/%s.node", b->lab_dir, daemon, names[i]);
		if (node_spec_load(path, &b->spec[i], err, len) < 0)
			return -1;
		memset(n, 0, sizeof(*n));
		n->drv = d;
		n->spec = &b->spec[i];
		n->lab = idx >= 0 ? &b->topo.nodes[idx] : NULL;
		lab_ns_name(&b->run, idx, n->ns_name, sizeof(n->ns_name));
		n->ns_fd = lab_node_fd(&b->run, names[i]);
		n->time_scale = 1.0;
		snprintf(n->dir, sizeof(n->dir), "%.200s/%s", b->dir, names[i]);
		b->ngw = i + 1;
		if (n->ns_fd < 0 || d->prepare(n, err, len) < 0 || d->start(n, err, len) < 0)
			return -1;
	}
	return 0;
}

/* Initiate from gwA and wait for both gateways' logs to show the IPsec SAs installed. */
static int gw_setup(struct bench *b, const char *log, const char *m1, const char *m2, int nth,
		    double *setup_ms, char *err, size_t len)
{
	int64_t t0, deadline, ts[2] = { -1, -1 };
	char path[800];
	int i;

	t0 = real_ms();
	if (b->gw[0].drv->initiate(&b->gw[0], err, len) < 0)
		return -1;
	deadline = t0 + BENCH_SETUP_MAX_MS;
	for (;;) {
		int done = 0;

		for (i = 0; i < 2; i++) {
			char *text;

			if (ts[i] >= 0) {
				done++;
				continue;
			}
			snprintf(path, sizeof(path), "%s/%s", b->gw[i].dir, log);
			text = slurp(path);
			if (text && bench_log_nth(text, m1, m2, nth, &ts[i]) == 1)
				done++;
			else
				ts[i] = -1;
			free(text);
		}
		if (done == 2)
			break;
		if (real_ms() > deadline)
			return fail(err, len, "IPsec SAs not installed on both gateways %d s after initiating "
				    "(see %s/gw?/%s)", BENCH_SETUP_MAX_MS / 1000, b->dir, log);
		if (nap(5) < 0)
			return fail(err, len, "interrupted");
	}
	*setup_ms = (double)((ts[0] > ts[1] ? ts[0] : ts[1]) - t0);
	return 0;
}

/* Bytes gwA's outbound IPsec SA has encapsulated (what went through the tunnel). */
static uint64_t gw_sa_bytes_out(struct bench *b)
{
	struct sa_list l;
	char err[DRV_ERR_MAX];
	uint64_t sum = 0;
	int i;

	if (b->gw[0].drv->list_sas(&b->gw[0], &l, err, sizeof(err)) < 0)
		return 0;
	for (i = 0; i < l.n; i++)
		if (l.sa[i].kind == SA_IPSEC)
			sum += l.sa[i].bytes_out;
	return sum;
}

/* --- iperf3 ------------------------------------------------------------------------- */

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* Wait for pid until deadline (real-time ms) or a stop request; kills it then. Adds the
 * CPU time it used to *cpu_s (if not NULL). Returns its exit status, -1 if killed. */
static int wait_child(pid_t pid, int64_t deadline, double *cpu_s)
{
	struct rusage ru;
	int st;

	for (;;) {
		pid_t r = wait4(pid, &st, WNOHANG, &ru);

		if (r == pid) {
			if (cpu_s)
				*cpu_s += tv_s(ru.ru_utime) + tv_s(ru.ru_stime);
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		}
		if (r < 0 && errno != EINTR)
			return -1;
		if (bench_stop || real_ms() > deadline) {
			kill(pid, SIGKILL);
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
			return -1;
		}
		nanosleep(&(struct timespec){ 0, 50000000L }, NULL);
	}
}

/* CPU seconds a process (all its threads) has used so far, from /proc/PID/stat
 * (utime and stime, fields 14 and 15); 0 if it is gone. */
static double proc_cpu_s(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut = 0, st = 0;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');      /* the command name may hold spaces and parentheses */
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return 0;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* CPU seconds the gateways' daemons have used so far. */
static double gw_cpu_s(const struct bench *b)
{
	double s = 0;
	int i;

	for (i = 0; i < b->ngw; i++)
		if (b->gw[i].pid > 0)
			s += proc_cpu_s(b->gw[i].pid);
	return s;
}

/* One iperf3 run from hostA to hostB; *cpu_s gets the CPU time of both iperf3 processes
 * and of the gateways' daemons over the run (softirq work, forwarding included, is
 * mostly charged to whichever of them was running). */
static int run_iperf(struct bench *b, struct bench_iperf *ip, double *cpu_s, char *err, size_t len)
{
	struct drv_node ha, hb;
	char secs[16], out[800], srvlog[800];
	char *srv_argv[] = { (char *)"iperf3", (char *)"-s", (char *)"-1", (char *)"-B", (char *)BENCH_SERVER, NULL };
	char *cli_argv[] = { (char *)"iperf3", (char *)"-c", (char *)BENCH_SERVER, (char *)"-t", secs,
			     (char *)"-J", NULL };
	pid_t srv, cli;
	int attempt, rc = -1;
	double gw0 = gw_cpu_s(b), cli_s = 0;

	host_node(b, "hostA", &ha);
	host_node(b, "hostB", &hb);
	if (ha.ns_fd < 0 || hb.ns_fd < 0)
		return fail(err, len, "nodes hostA and hostB expected in the topology");
	snprintf(secs, sizeof(secs), "%d", b->secs);
	snprintf(srvlog, sizeof(srvlog), "%s/iperf3-server.txt", b->dir);
	snprintf(out, sizeof(out), "%s/iperf3.json", b->dir);
	srv = drv_spawn(&hb, srv_argv, srvlog, NULL, NULL, err, len);
	if (srv < 0)
		return -1;
	/* the server may not listen yet: a refused connection ends the client at once */
	for (attempt = 0; attempt < 30 && !bench_stop; attempt++) {
		char *json;

		unlink(out);
		cli = drv_spawn(&ha, cli_argv, out, NULL, NULL, err, len);
		if (cli < 0)
			break;
		cli_s = 0;
		wait_child(cli, real_ms() + (int64_t)b->secs * 1000 + 20000, &cli_s);
		json = slurp(out);
		rc = json ? bench_iperf_parse(json, ip) : -1;
		free(json);
		if (rc == 0 || !strstr(ip->error, "refused"))
			break;
		if (nap(100) < 0)
			break;
	}
	if (rc < 0 && !bench_stop)
		fail(err, len, "iperf3: %s (see %s)", ip->error[0] ? ip->error : "no report", out);
	else if (bench_stop)
		fail(err, len, "interrupted");
	*cpu_s = gw_cpu_s(b) - gw0 + cli_s;
	/* iperf3 -s -1 exits once the test is over */
	if (wait_child(srv, real_ms() + 2000, cpu_s) < 0)
		kill(srv, SIGTERM);
	return bench_stop ? -1 : rc;
}

/* --- one scenario ------------------------------------------------------------------- */

static void run_scen(struct bench *b, enum scen sc)
{
	struct result *r = &b->res[sc];
	char err[DRV_ERR_MAX] = "";

	r->ran = 1;
	r->setup_ms = -1;
	printf("[%s] ", scen_name[sc]);
	fflush(stdout);
	if (lab_start(b, sc, err, sizeof(err)) < 0)
		goto out;
	printf("lab %s up; ", b->runid);
	fflush(stdout);
	if (sc == SC_REFGW) {
		if (gw_start(b, "refgw", err, sizeof(err)) < 0 ||
		    gw_setup(b, "refgw.log", "IPSEC(create_sa)", NULL, 2, &r->setup_ms, err, sizeof(err)) < 0)
			goto out;
	} else if (sc == SC_SWAN) {
		if (gw_start(b, "strongswan", err, sizeof(err)) < 0 ||
		    gw_setup(b, "charon.log", "CHILD_SA", " established with SPIs", 1, &r->setup_ms, err,
			     sizeof(err)) < 0)
			goto out;
	}
	if (r->setup_ms >= 0)
		printf("SAs up in %.0f ms; ", r->setup_ms);
	printf("iperf3 %d s ... ", b->secs);
	fflush(stdout);
	if (run_iperf(b, &r->ip, &r->cpu_s, err, sizeof(err)) < 0)
		goto out;
	r->ok = 1;
	if (sc != SC_BARE) {
		/* the tunnel must have carried the stream: every payload byte hostB read went
		 * through gwA's outbound SA (whose count adds the inner IP/TCP headers) */
		r->sa_bytes_out = gw_sa_bytes_out(b);
		if ((double)r->sa_bytes_out < r->ip.rx_bytes) {
			r->ok = 0;
			snprintf(err, sizeof(err), "gwA's SA encapsulated %llu bytes, less than the %.0f hostB received",
				 (unsigned long long)r->sa_bytes_out, r->ip.rx_bytes);
		}
	}
	printf("%.0f Mbit/s\n", r->ip.rx_bps / 1e6);
out:
	if (!r->ok) {
		snprintf(r->note, sizeof(r->note), "%s", err[0] ? err : "failed");
		printf("FAILED: %s\n", r->note);
	}
	fflush(stdout);
	lab_stop(b);
}

/* --- report ------------------------------------------------------------------------- */

static double loadavg(void)
{
	FILE *f = fopen("/proc/loadavg", "r");
	double l = -1;

	if (f) {
		if (fscanf(f, "%lf", &l) != 1)
			l = -1;
		fclose(f);
	}
	return l;
}

static long mbps(const struct result *r)
{
	return r->ok ? (long)(r->ip.rx_bps / 1e6 + 0.5) : 0;
}

static long setup(const struct result *r)
{
	return r->ok && r->setup_ms >= 0 ? (long)(r->setup_ms + 0.5) : 0;
}

static void report(const struct bench *b, double load0)
{
	const struct result *rg = &b->res[SC_REFGW], *ss = &b->res[SC_SWAN];
	int sc;

	printf("\nTCP through hostA -> gwA -> gwB -> hostB, iperf3 1 stream %d s; IKEv1 aes128-sha1, "
	       "DH group 14; %ld CPUs, load average %.2f at start, %.2f at end\n",
	       b->secs, sysconf(_SC_NPROCESSORS_ONLN), load0, loadavg());
	printf("%-26s %8s %8s %9s %10s %7s %9s  %s\n", "path", "Mbit/s", "retrans", "setup ms", "SA MB out",
	       "CPU s", "Mb/CPU-s", "notes");
	for (sc = 0; sc < SC_MAX; sc++) {
		const struct result *r = &b->res[sc];
		char rt[16] = "-", st[16] = "-", mb[24] = "-", cpu[16] = "-", eff[16] = "-";

		if (!r->ran)
			continue;
		if (r->ok && r->ip.retransmits >= 0)
			snprintf(rt, sizeof(rt), "%ld", r->ip.retransmits);
		if (r->ok && r->setup_ms >= 0)
			snprintf(st, sizeof(st), "%.0f", r->setup_ms);
		if (sc != SC_BARE && r->ok)
			snprintf(mb, sizeof(mb), "%.1f", (double)r->sa_bytes_out / 1e6);
		if (r->ok && r->cpu_s > 0) {
			snprintf(cpu, sizeof(cpu), "%.1f", r->cpu_s);
			snprintf(eff, sizeof(eff), "%.0f", r->ip.rx_bytes * 8 / 1e6 / r->cpu_s);
		}
		printf("%-26s %8ld %8s %9s %10s %7s %9s  %s\n", scen_label[sc], mbps(r), rt, st, mb, cpu, eff,
		       r->ok ? "" : r->note);
	}
	printf("(CPU s: CPU time of iperf3 and the gateway daemons during the run, the kernel work done "
	       "in their context included;\n Mb/CPU-s: megabits delivered per such CPU-second, which "
	       "load from other processes hardly changes)\n");
	if (rg->ok && ss->ok && mbps(ss) > 0)
		printf("refgw / strongSwan throughput: %.2fx (goal: refgw >= 1000 Mbit/s and >= 3x strongSwan: %s)\n",
		       (double)mbps(rg) / (double)mbps(ss),
		       mbps(rg) >= 1000 && mbps(rg) >= 3 * mbps(ss) ? "met" : "NOT met");
	printf("refgw_mbps=%ld strongswan_mbps=%ld bare_mbps=%ld refgw_setup_ms=%ld strongswan_setup_ms=%ld\n",
	       mbps(rg), mbps(ss), mbps(&b->res[SC_BARE]), setup(rg), setup(ss));
}

/* --- main --------------------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f, "usage: ihh-bench [--time SECS] [--lab DIR] [--out DIR] [--only bare|refgw|strongswan]...\n"
		   "  --time SECS   iperf3 duration per path (default 10, 1..60)\n"
		   "  --lab DIR     topology and node files (default %s)\n"
		   "  --out DIR     daemon configs, logs and iperf3 reports (default /tmp/ihh-bench)\n"
		   "  --only NAME   run only this path (repeatable); default: all three\n",
		   BENCH_LAB_DIR);
}

static int parse_args(struct bench *b, int argc, char **argv)
{
	int i, only = 0, sc;

	b->secs = 10;
	snprintf(b->lab_dir, sizeof(b->lab_dir), "%s", BENCH_LAB_DIR);
	snprintf(b->out_dir, sizeof(b->out_dir), "/tmp/ihh-bench");
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--time") && i + 1 < argc) {
			char *end;
			long v = strtol(argv[++i], &end, 10);

			if (*end || v < 1 || v > 60) {
				fprintf(stderr, "ihh-bench: --time expects 1..60 seconds, got '%s'\n", argv[i]);
				return -1;
			}
			b->secs = (int)v;
		} else if (!strcmp(argv[i], "--lab") && i + 1 < argc) {
			snprintf(b->lab_dir, sizeof(b->lab_dir), "%s", argv[++i]);
		} else if (!strcmp(argv[i], "--out") && i + 1 < argc) {
			snprintf(b->out_dir, sizeof(b->out_dir), "%s", argv[++i]);
		} else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
			i++;
			for (sc = 0; sc < SC_MAX && strcmp(argv[i], scen_name[sc]); sc++)
				;
			if (sc == SC_MAX) {
				fprintf(stderr, "ihh-bench: --only expects bare, refgw or strongswan, got '%s'\n",
					argv[i]);
				return -1;
			}
			b->want[sc] = 1;
			only = 1;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			exit(0);
		} else {
			fprintf(stderr, "ihh-bench: unknown argument '%s'\n", argv[i]);
			usage(stderr);
			return -1;
		}
	}
	if (!only)
		for (sc = 0; sc < SC_MAX; sc++)
			b->want[sc] = 1;
	return 0;
}

int main(int argc, char **argv)
{
	static struct bench b;
	struct sigaction sa;
	char err[LAB_ERR_MAX];
	double load0;
	int sc, failed = 0, n;

	if (parse_args(&b, argc, argv) < 0)
		return 2;
	if (geteuid() != 0) {
		fprintf(stderr, "ihh-bench: needs root (network namespaces)\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	n = lab_clean_stale(err, sizeof(err));
	if (n > 0)
		printf("removed %d namespace(s) of crashed runs\n", n);
	if (mkdir_p(b.out_dir) < 0) {
		fprintf(stderr, "ihh-bench: %s: %s\n", b.out_dir, strerror(errno));
		return 2;
	}
	load0 = loadavg();
	for (sc = 0; sc < SC_MAX && !bench_stop; sc++)
		if (b.want[sc]) {
			run_scen(&b, (enum scen)sc);
			failed |= !b.res[sc].ok;
		}
	if (bench_stop) {
		printf("ihh-bench: interrupted; lab torn down\n");
		return 130;
	}
	printf("(daemon configs and logs, iperf3 reports: %s)\n", b.out_dir);
	report(&b, load0);       /* ends with the one summary line */
	return failed ? 1 : 0;
}
