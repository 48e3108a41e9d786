/* capture_lab.c — lab test of capture + prober + root guard in real namespaces.
 *
 *   ihhdev-cap-a  ab0 198.18.1.1/24 ==veth== ab0 198.18.1.2/24  ihhdev-cap-b
 *                 seg0 198.18.2.1/24 --+          +-- seg0 198.18.2.2/24
 *                                      pa  br0  pb   (ihhdev-cap-s, the segment)
 *
 * Every veth is created with both ends already inside lab namespaces (`ip link add …
 * netns NS1 type veth peer name … netns NS2`): nothing touches the root namespace.
 * Run 1: 50 echoes at 20 ms over the p2p link and over the segment, both captured;
 * files counted with our reader and with tshark. Run 2 (120 echoes): a blackhole route (p2p) and a
 * bridge port down (segment) in the middle; the summaries must show the lost range.
 * The root guard watches 198.18.1.0/24 + 198.18.2.0/24 all along and must see 0; a
 * second guard on 127.0.0.0/8 with a loopback ping in the root namespace is the
 * positive control (it must see > 0).
 * Namespaces are removed at exit, also on failure (atexit + signal handlers).
 * Usage: capture_lab OUTDIR. Exit 77 (skip) when not root.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "pcapng.h"
#include "prober.h"

#define NS_A    "ihhdev-cap-a"
#define NS_B    "ihhdev-cap-b"
#define NS_S    "ihhdev-cap-s"
#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

static const char *const all_ns[] = { NS_A, NS_B, NS_S };
static int fds[3] = { -1, -1, -1 };
static int failures;

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		failures++; \
	} \
} while (0)

#define REQUIRE(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "FATAL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		exit(1); \
	} \
} while (0)

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc != 0)
		fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
	return rc;
}

static void cleanup(void)
{
	char cmd[128];

	for (int i = 0; i < 3; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
	for (int i = 0; i < 3; i++) {
		snprintf(cmd, sizeof(cmd), "ip netns del %s 2>/dev/null", all_ns[i]);
		if (system(cmd) != 0) {
			/* not there: fine */
		}
	}
}

static void on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void setup_lab(void)
{
	for (int i = 0; i < 3; i++) {
		REQUIRE(sh("ip netns add %s", all_ns[i]) == 0, "netns add");
		/* no IPv6 noise (router/neighbour solicitations) in the captures */
		REQUIRE(sh("ip netns exec %s sysctl -qw net.ipv6.conf.all.disable_ipv6=1 "
			   "net.ipv6.conf.default.disable_ipv6=1", all_ns[i]) == 0, "sysctl");
		REQUIRE(sh("ip -n %s link set lo up", all_ns[i]) == 0, "lo up");
	}
	/* veth ends are created directly in their namespaces */
	REQUIRE(sh("ip link add ab0 netns " NS_A " type veth peer name ab0 netns " NS_B) == 0, "veth ab");
	REQUIRE(sh("ip link add seg0 netns " NS_A " type veth peer name pa netns " NS_S) == 0, "veth a-s");
	REQUIRE(sh("ip link add seg0 netns " NS_B " type veth peer name pb netns " NS_S) == 0, "veth b-s");
	REQUIRE(sh("ip -n " NS_S " link add br0 type bridge stp_state 0 mcast_snooping 0") == 0, "bridge");
	REQUIRE(sh("ip -n " NS_S " link set pa master br0 && ip -n " NS_S " link set pb master br0") == 0, "ports");
	REQUIRE(sh("ip -n " NS_S " link set br0 up && ip -n " NS_S " link set pa up && ip -n " NS_S " link set pb up") == 0, "s up");
	REQUIRE(sh("ip -n " NS_A " addr add 198.18.1.1/24 dev ab0 && ip -n " NS_A " addr add 198.18.2.1/24 dev seg0") == 0, "a addr");
	REQUIRE(sh("ip -n " NS_B " addr add 198.18.1.2/24 dev ab0 && ip -n " NS_B " addr add 198.18.2.2/24 dev seg0") == 0, "b addr");
	REQUIRE(sh("ip -n " NS_A " link set ab0 up && ip -n " NS_A " link set seg0 up") == 0, "a up");
	REQUIRE(sh("ip -n " NS_B " link set ab0 up && ip -n " NS_B " link set seg0 up") == 0, "b up");
	for (int i = 0; i < 3; i++) {
		char path[64];

		snprintf(path, sizeof(path), "/run/netns/%s", all_ns[i]);
		fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		REQUIRE(fds[i] >= 0, "open %s: %s", path, strerror(errno));
	}
}

static void fill_topo(struct lab_topo *t, struct lab_run *r)
{
	static const char *const names[2] = { "a", "b" };

	for (int n = 0; n < 2; n++) {
		struct lab_node *nd = &t->nodes[n];

		snprintf(nd->name, sizeof(nd->name), "%s", names[n]);
		snprintf(nd->ifs[0].ios, sizeof(nd->ifs[0].ios), "GigabitEthernet0/0");
		snprintf(nd->ifs[0].linux_name, sizeof(nd->ifs[0].linux_name), "ab0");
		nd->ifs[0].link = 0;
		snprintf(nd->ifs[1].ios, sizeof(nd->ifs[1].ios), "GigabitEthernet0/1");
		snprintf(nd->ifs[1].linux_name, sizeof(nd->ifs[1].linux_name), "seg0");
		nd->ifs[1].link = 1;
		nd->nifs = 2;
	}
	t->nnodes = 2;
	snprintf(t->links[0].name, sizeof(t->links[0].name), "ab");
	t->links[0].kind = LAB_LINK_P2P;
	t->links[0].capture = 1;
	t->links[0].ports[0] = (struct lab_port){ .node = 0, .ifidx = 0 };
	t->links[0].ports[1] = (struct lab_port){ .node = 1, .ifidx = 0 };
	t->links[0].nports = 2;
	snprintf(t->links[1].name, sizeof(t->links[1].name), "lan");
	t->links[1].kind = LAB_LINK_SEGMENT;
	t->links[1].capture = 1;
	t->links[1].ports[0] = (struct lab_port){ .node = 0, .ifidx = 1, .sw_if = "pa" };
	t->links[1].ports[1] = (struct lab_port){ .node = 1, .ifidx = 1, .sw_if = "pb" };
	t->links[1].nports = 2;
	t->nlinks = 2;

	memset(r, 0, sizeof(*r));
	r->topo = t;
	snprintf(r->runid, sizeof(r->runid), "devcap");
	for (int i = 0; i < LAB_MAX_NODES; i++)
		r->node_fd[i] = -1;
	for (int i = 0; i < LAB_MAX_LINKS; i++)
		r->seg_fd[i] = -1;
	r->node_fd[0] = fds[0];
	r->node_fd[1] = fds[1];
	r->seg_fd[1] = fds[2];
	r->up = 1;
}

struct icmp_count { long req, rep; int64_t first_req_ns[64]; };

/* Count echo requests/replies with identifier id in an Ethernet pcapng file. */
static int count_icmp(const char *file, uint16_t id, struct icmp_count *c)
{
	char err[256];
	struct pcapng_reader *r = pcapng_open_read(file, err, sizeof(err));
	struct pcapng_pkt p;
	int rc;

	memset(c, 0, sizeof(*c));
	if (!r) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	while ((rc = pcapng_next(r, &p, err, sizeof(err))) == 1) {
		const uint8_t *b = p.data;
		size_t ihl;
		uint16_t pid, seq;

		if (p.linktype != 1 || p.caplen < 14 + 20 + 8 || b[12] != 0x08 || b[13] != 0x00)
			continue;
		ihl = (size_t)(b[14] & 15) * 4;
		if (b[14 + 9] != 1 || p.caplen < 14 + ihl + 8)
			continue;
		pid = (uint16_t)(b[14 + ihl + 4] << 8 | b[14 + ihl + 5]);
		seq = (uint16_t)(b[14 + ihl + 6] << 8 | b[14 + ihl + 7]);
		if (pid != id)
			continue;
		if (b[14 + ihl] == 8) {
			c->req++;
			if (seq < 64 && !c->first_req_ns[seq])
				c->first_req_ns[seq] = p.t_ns;
		} else if (b[14 + ihl] == 0) {
			c->rep++;
		}
	}
	pcapng_close_read(r);
	if (rc < 0)
		fprintf(stderr, "%s\n", err);
	return rc;
}

static long tshark_count(const char *file, const char *filter)
{
	char cmd[768], line[128];
	FILE *f;
	long n = 0;

	snprintf(cmd, sizeof(cmd), "tshark -r '%s' -Y '%s' -T fields -e frame.number 2>/dev/null", file, filter);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n++;
	if (pclose(f) != 0)
		return -1;
	return n;
}

static struct prober *start_probe(int ns_fd, uint32_t dst, int count)
{
	char err[256];
	struct probe_cfg pc = { .ns_fd = ns_fd, .dst = dst, .interval_s = 0.02, .timeout_s = 1.0, .count = count };
	struct prober *p = probe_start(&pc, err, sizeof(err));

	REQUIRE(p != NULL, "probe_start: %s", err);
	return p;
}

static size_t finish_probe(struct prober *p, const char *what, struct probe_summary *s, struct probe_rec **rec)
{
	char buf[256], bangs[256], lost[256];
	size_t n;

	probe_wait(p);
	n = probe_records(p, rec);
	probe_summarize(*rec, n, s);
	probe_format(s, buf, sizeof(buf));
	probe_bangs(*rec, n, bangs, sizeof(bangs));
	probe_lost_ranges(*rec, n, lost, sizeof(lost));
	printf("%s (id %u): %s\n  %s\n  lost: [%s] longest run %u (seq %u-%u), outage %.3f s, send errors %u\n",
	       what, probe_ident(p), buf, bangs, lost, s->lost_run, s->lost_first, s->lost_last,
	       s->longest_outage_s, s->send_errors);
	return n;
}

static void stop_capture(struct cap_set *c, struct cap_stats *st)
{
	REQUIRE(cap_stop(c, st) == 0, "cap_stop failed");
	for (int i = 0; i < st->n; i++) {
		char err[256];
		long n = pcapng_count(st->l[i].file, err, sizeof(err));

		printf("  capture %s: %llu packets, %llu drops -> %s\n", st->l[i].link,
		       (unsigned long long)st->l[i].packets, (unsigned long long)st->l[i].drops, st->l[i].file);
		CHECK(n == (long)st->l[i].packets, "%s: file has %ld packets, stats %llu (%s)", st->l[i].file, n,
		      (unsigned long long)st->l[i].packets, n < 0 ? err : "");
		CHECK(st->l[i].drops == 0, "%s: %llu drops", st->l[i].link, (unsigned long long)st->l[i].drops);
	}
}

/* The capture holds exactly the echoes the prober sent and got back, per tool. */
static void check_file(const char *file, uint16_t id, long req, long rep, const struct probe_rec *rec, size_t n)
{
	struct icmp_count c;
	char filter[128];
	long t;

	REQUIRE(count_icmp(file, id, &c) == 0, "read %s", file);
	CHECK(c.req == req, "%s id %u: %ld requests captured, expected %ld", file, id, c.req, req);
	CHECK(c.rep == rep, "%s id %u: %ld replies captured, expected %ld", file, id, c.rep, rep);
	snprintf(filter, sizeof(filter), "icmp.type==8 && icmp.ident==%u", id);
	t = tshark_count(file, filter);
	CHECK(t == req, "tshark %s: %ld requests, expected %ld", file, t, req);
	snprintf(filter, sizeof(filter), "icmp.type==0 && icmp.ident==%u", id);
	t = tshark_count(file, filter);
	CHECK(t == rep, "tshark %s: %ld replies, expected %ld", file, t, rep);
	/* capture and prober clocks agree (both CLOCK_REALTIME) */
	for (size_t i = 0; i < n && i < 64; i++) {
		if (!c.first_req_ns[i])
			continue;
		CHECK(c.first_req_ns[i] >= rec[i].sent_ns && c.first_req_ns[i] - rec[i].sent_ns < 100000000,
		      "seq %zu captured at %lld, sent at %lld", i, (long long)c.first_req_ns[i], (long long)rec[i].sent_ns);
	}
}

static void positive_control(void)
{
	char err[256], detail[1024];
	struct lab_prefix lo = { IP4(127, 0, 0, 0), 8 };
	struct cap_guard *g = cap_guard_start(&lo, 1, err, sizeof(err));
	struct prober *p;
	struct probe_summary s;
	struct probe_rec *rec;
	long n;

	REQUIRE(g != NULL, "guard 127/8: %s", err);
	/* loopback traffic of the root namespace only: a raw socket of this process */
	p = start_probe(-1, IP4(127, 0, 0, 1), 5);
	finish_probe(p, "root loopback ping", &s, &rec);
	probe_free(p);
	free(rec);
	n = cap_guard_stop(g, detail, sizeof(detail));
	printf("positive control guard: %ld (%s)\n", n, detail);
	CHECK(s.received == 5, "loopback ping: %u/5", s.received);
	CHECK(n >= 10, "guard on 127.0.0.0/8 saw %ld packets, expected the 10 echoes", n);
	CHECK(strstr(detail, "127.0.0.1->127.0.0.1") != NULL, "detail: %s", detail);
}

int main(int argc, char **argv)
{
	const char *out = argc > 1 ? argv[1] : "/tmp/capture_lab.out";
	static struct lab_topo topo;
	struct lab_run run;
	struct lab_prefix nets[2] = { { IP4(198, 18, 1, 0), 24 }, { IP4(198, 18, 2, 0), 24 } };
	char err[LAB_ERR_MAX], dir[512], detail[1024];
	struct cap_guard *guard;
	struct cap_set *cs;
	struct cap_stats st;
	struct prober *p1, *p2;
	struct probe_summary s1, s2;
	struct probe_rec *r1, *r2;
	size_t n1, n2;
	long leaked;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		printf("SKIP: capture_lab needs root (namespaces, raw sockets)\n");
		return 77;
	}
	REQUIRE(system("command -v tshark >/dev/null 2>&1") == 0, "tshark is not installed (apt-get install tshark)");
	cleanup();              /* what a killed earlier run left (our names only) */
	atexit(cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGABRT, on_signal);
	mkdir(out, 0755);

	positive_control();

	guard = cap_guard_start(nets, 2, err, sizeof(err));
	REQUIRE(guard != NULL, "guard: %s", err);
	setup_lab();
	fill_topo(&topo, &run);

	/* --- run 1: clean ------------------------------------------------------- */
	snprintf(dir, sizeof(dir), "%s/run1", out);
	mkdir(dir, 0755);
	cs = cap_start(&run, dir, err, sizeof(err));
	REQUIRE(cs != NULL, "cap_start: %s", err);
	p1 = start_probe(fds[0], IP4(198, 18, 1, 2), 50);
	p2 = start_probe(fds[0], IP4(198, 18, 2, 2), 50);
	n1 = finish_probe(p1, "run1 p2p", &s1, &r1);
	n2 = finish_probe(p2, "run1 segment", &s2, &r2);
	sleep_ms(50);
	stop_capture(cs, &st);
	REQUIRE(st.n == 2, "captured links %d", st.n);
	CHECK(n1 == 50 && s1.percent == 100 && s1.received == 50, "p2p %zu sent, %u percent", n1, s1.percent);
	CHECK(n2 == 50 && s2.percent == 100 && s2.received == 50, "segment %zu sent, %u percent", n2, s2.percent);
	CHECK(s1.lost_run == 0 && s2.lost_run == 0, "no loss expected");
	/* spacing: 49 intervals of 20 ms, no drift */
	{
		double span = (double)(r1[n1 - 1].sent_ns - r1[0].sent_ns) / 1e9;
		CHECK(span > 0.97 && span < 1.02, "50 echoes at 20 ms took %.3f s", span);
	}
	check_file(st.l[0].file, probe_ident(p1), 50, 50, r1, n1);
	check_file(st.l[1].file, probe_ident(p2), 50, 50, r2, n2);
	check_file(st.l[1].file, probe_ident(p1), 0, 0, r1, 0);   /* p2p echoes stay off the segment */
	check_file(st.l[0].file, probe_ident(p2), 0, 0, r2, 0);
	probe_free(p1);
	probe_free(p2);
	free(r1);
	free(r2);

	/* --- run 2: faults in the middle ---------------------------------------- */
	snprintf(dir, sizeof(dir), "%s/run2", out);
	mkdir(dir, 0755);
	cs = cap_start(&run, dir, err, sizeof(err));
	REQUIRE(cs != NULL, "cap_start: %s", err);
	/* 120 echoes (2.4 s): the segment needs up to ~1 s after `link set pb up` — the
	 * kernel's linkwatch may delay a veth carrier event by up to a second */
	p1 = start_probe(fds[0], IP4(198, 18, 1, 2), 120);
	p2 = start_probe(fds[0], IP4(198, 18, 2, 2), 120);
	sleep_ms(300);
	sh("ip -n " NS_A " route add blackhole 198.18.1.2/32");
	sh("ip -n " NS_S " link set pb down");
	sleep_ms(300);
	sh("ip -n " NS_A " route del blackhole 198.18.1.2/32");
	sh("ip -n " NS_S " link set pb up");
	n1 = finish_probe(p1, "run2 p2p (blackhole)", &s1, &r1);
	n2 = finish_probe(p2, "run2 segment (bridge port down)", &s2, &r2);
	sleep_ms(50);
	stop_capture(cs, &st);
	CHECK(n1 == 120 && n2 == 120, "sent %zu / %zu", n1, n2);
	CHECK(s1.lost_runs == 1 && s1.lost_run >= 10 && s1.lost_run <= 25, "p2p lost run %u (%u runs)",
	      s1.lost_run, s1.lost_runs);
	CHECK(s1.send_errors == s1.lost_run, "blackhole: %u send errors for %u lost", s1.send_errors, s1.lost_run);
	CHECK(s1.lost_first >= 10 && s1.lost_last <= 40, "p2p lost seq %u-%u", s1.lost_first, s1.lost_last);
	CHECK(s1.percent < 100 && s1.percent >= 75, "p2p %u percent", s1.percent);
	CHECK(s1.longest_outage_s > 0.2 && s1.longest_outage_s < 0.6, "p2p outage %.3f", s1.longest_outage_s);
	CHECK(s2.lost_runs == 1 && s2.lost_run >= 10 && s2.lost_run <= 85, "segment lost run %u (%u runs)",
	      s2.lost_run, s2.lost_runs);
	CHECK(s2.lost_first >= 10 && s2.lost_last <= 110, "segment lost seq %u-%u", s2.lost_first, s2.lost_last);
	CHECK(s2.percent < 100 && s2.percent >= 25, "segment %u percent", s2.percent);
	CHECK(s2.longest_outage_s > 0.2 && s2.longest_outage_s < 1.8, "segment outage %.3f", s2.longest_outage_s);
	CHECK(s2.send_errors == 0, "segment send errors %u", s2.send_errors);
	CHECK(r1[n1 - 1].reply_ns && r2[n2 - 1].reply_ns, "last echoes answered after recovery");
	/* the capture holds what was sent (blackholed echoes never left) and answered */
	check_file(st.l[0].file, probe_ident(p1), (long)(s1.sent - s1.send_errors), s1.received, r1, n1);
	{
		struct icmp_count c;

		REQUIRE(count_icmp(st.l[1].file, probe_ident(p2), &c) == 0, "read lan");
		/* the bridge saw every request (flooded while pb was down), replies = answered */
		CHECK(c.req == (long)s2.sent, "lan requests %ld, sent %u", c.req, s2.sent);
		CHECK(c.rep == (long)s2.received, "lan replies %ld, received %u", c.rep, s2.received);
	}
	probe_free(p1);
	probe_free(p2);
	free(r1);
	free(r2);

	leaked = cap_guard_stop(guard, detail, sizeof(detail));
	printf("root guard on 198.18.1.0/24, 198.18.2.0/24: %ld %s\n", leaked, detail);
	CHECK(leaked == 0, "lab packets in the root namespace: %s", detail);

	cleanup();
	if (failures) {
		printf("capture_lab: %d check(s) FAILED\n", failures);
		return 1;
	}
	printf("capture_lab: all checks passed\n");
	return 0;
}
