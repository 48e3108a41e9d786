/* lab_bringup.c — the lab test (label "lab", needs root): brings up the five-node
 * topology, pings across a segment, a p2p link and several routed hops, proves the
 * root namespace did not change, times bring-up + teardown, exercises every fault
 * (interface down, cable pull/plug, IKE/ESP drops, 50 % loss), checks that lab_down
 * kills processes left inside, and that lab_clean_stale removes a SIGKILLed run and
 * leaves live runs and young orphans alone. Every namespace goes, even on failure.
 */
#include "lab.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct lab_topo topo;
static struct lab_run run;
static char child_runid[16];
static int failures;

static void cleanup(void)
{
	if (run.runid[0])
		lab_down(&run);
	if (child_runid[0])
		lab_down_runid(child_runid, NULL, 0);
}

static void on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Each evaluates cond exactly once. */
#define CHECK(cond, ...) check_((cond), __FILE__, __LINE__, #cond, __VA_ARGS__)
#define REQUIRE(cond, ...) do {                                            \
		if (!check_((cond), __FILE__, __LINE__, #cond, __VA_ARGS__)) { \
			cleanup();                                         \
			exit(1);                                           \
		}                                                          \
	} while (0)

static int check_(int ok, const char *file, int line, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int check_(int ok, const char *file, int line, const char *what, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return 1;
	fprintf(stderr, "FAIL %s:%d: %s: ", file, line, what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	failures++;
	return 0;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ping -c1 -W1 from inside a node; 1 if answered. */
static int ping(const char *node, const char *addr)
{
	int fd = lab_node_fd(&run, node), st;
	pid_t pid;

	if (fd < 0)
		return 0;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		if (lab_enter_ns(fd) < 0)
			_exit(127);
		execlp("ping", "ping", "-n", "-q", "-c1", "-W1", addr, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return 0;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Ping with a few tries, for moments right after a link comes back. */
static int ping_soon(const char *node, const char *addr)
{
	int i;

	for (i = 0; i < 3; i++)
		if (ping(node, addr))
			return 1;
	return 0;
}

/* --- sockets opened inside node namespaces ------------------------------------- */

struct sock_arg { int type, proto; uint16_t port; int fd; };

static int open_sock_cb(void *p)
{
	struct sock_arg *a = p;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(a->port) };
	int one = 1;

	a->fd = socket(AF_INET, a->type | SOCK_CLOEXEC | SOCK_NONBLOCK, a->proto);
	if (a->fd < 0)
		return -1;
	setsockopt(a->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (a->type == SOCK_DGRAM && bind(a->fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		close(a->fd);
		a->fd = -1;
		return -1;
	}
	return 0;
}

static int sock_in(const char *node, int type, int proto, uint16_t port)
{
	struct sock_arg a = { .type = type, .proto = proto, .port = port, .fd = -1 };

	if (lab_in_ns(lab_node_fd(&run, node), open_sock_cb, &a) < 0)
		return -1;
	return a.fd;
}

/* Send n datagrams (or raw proto-50 packets) whose first 4 bytes are `marker`. */
static void send_n(int fd, const char *dst, uint16_t port, uint32_t marker, int n)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	uint8_t buf[64];
	int i;

	inet_pton(AF_INET, dst, &sin.sin_addr);
	memset(buf, 0xab, sizeof(buf));
	memcpy(buf, &marker, 4);
	for (i = 0; i < n; i++) {
		/* A drop on the sender's own output returns EPERM: expected, ignore. */
		if (sendto(fd, buf, sizeof(buf), 0, (struct sockaddr *)&sin, sizeof(sin)) < 0 && errno == EAGAIN) {
			usleep(1000);
			i--;
		}
		if (i % 50 == 49)
			usleep(2000);
	}
}

/* Count what arrives within ~300 ms of quiet. */
static int recv_count(int fd)
{
	uint8_t buf[2048];
	int n = 0;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (poll(&pfd, 1, 300) > 0)
		while (recv(fd, buf, sizeof(buf), 0) > 0)
			n++;
	return n;
}

static int udp_through(const char *from, const char *to, const char *addr, uint16_t port, uint32_t marker,
		       int n)
{
	int tx = sock_in(from, SOCK_DGRAM, 0, 40000), rx = sock_in(to, SOCK_DGRAM, 0, port), got;

	REQUIRE(tx >= 0 && rx >= 0, "udp sockets: %s", strerror(errno));
	send_n(tx, addr, port, marker, n);
	got = recv_count(rx);
	close(tx);
	close(rx);
	return got;
}

static int esp_through(const char *from, const char *to, const char *addr, int n)
{
	int tx = sock_in(from, SOCK_RAW, IPPROTO_ESP, 0), rx = sock_in(to, SOCK_RAW, IPPROTO_ESP, 0), got;

	REQUIRE(tx >= 0 && rx >= 0, "raw ESP sockets: %s", strerror(errno));
	send_n(tx, addr, 0, htonl(0x1000), n);
	got = recv_count(rx);
	close(tx);
	close(rx);
	return got;
}

static int ns_exists(const char *runid, const char *suffix)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "/run/netns/ihh-%s-%s", runid, suffix);
	return stat(path, &st) == 0;
}

static int run_ns_count(const char *runid)
{
	char names[LAB_MAX_NODES + LAB_MAX_LINKS][LAB_NAME_MAX + 32];

	return lab_run_namespaces(runid, names, LAB_MAX_NODES + LAB_MAX_LINKS);
}

/* --- the steps ----------------------------------------------------------------- */

static void test_timing(void)
{
	char err[LAB_ERR_MAX];
	double best = 1e9, t0, t1, t2;
	int i;

	for (i = 0; i < 3; i++) {
		t0 = now_ms();
		REQUIRE(lab_up(&run, &topo, NULL, err, sizeof(err)) == 0, "%s", err);
		t1 = now_ms();
		REQUIRE(lab_down(&run) == 0, "lab_down");
		t2 = now_ms();
		run.runid[0] = '\0';
		printf("timing: 5-node bring-up %.1f ms, teardown %.1f ms, total %.1f ms\n", t1 - t0, t2 - t1,
		       t2 - t0);
		if (t2 - t0 < best)
			best = t2 - t0;
	}
	CHECK(best < 1000.0, "bring-up + teardown took %.1f ms", best);
}

static void test_pings(void)
{
	CHECK(ping("branch", "202.101.1.2"), "segment outside: branch -> hq1");
	CHECK(ping("branch", "202.101.1.3"), "segment outside: branch -> hq2");
	CHECK(ping("hq1", "172.16.0.2"), "p2p sync: hq1 -> hq2");
	CHECK(ping("r3", "10.3.0.2"), "p2p stub: r3 -> host");
	CHECK(ping("host", "99.99.99.99"), "routed: host -> branch loopback (4 hops)");
	CHECK(ping("host", "1.1.1.1"), "routed: host -> hq1 loopback");
}

static void test_if_down(void)
{
	char err[LAB_ERR_MAX];
	int admin = -1, carrier = -1;

	REQUIRE(lab_if_set_up(&run, "hq1", "Serial0/0", 0, err, sizeof(err)) == 0, "%s", err);
	CHECK(lab_if_state(&run, "hq1", "se0-0", &admin, &carrier, err, sizeof(err)) == 0 && admin == 0,
	      "hq1 se0-0 admin down (%s)", err);
	CHECK(!ping("hq2", "172.16.0.1"), "ping over a shut interface answered");
	REQUIRE(lab_if_set_up(&run, "hq1", "Serial0/0", 1, err, sizeof(err)) == 0, "%s", err);
	CHECK(ping_soon("hq2", "172.16.0.1"), "ping after no shutdown");
	/* Static route through a shut interface comes back with it. */
	REQUIRE(lab_if_set_up(&run, "hq1", "Gi0/0", 0, err, sizeof(err)) == 0, "%s", err);
	CHECK(!ping("host", "99.99.99.99"), "host -> branch with hq1 Gi0/0 shut");
	REQUIRE(lab_if_set_up(&run, "hq1", "Gi0/0", 1, err, sizeof(err)) == 0, "%s", err);
	CHECK(ping_soon("host", "99.99.99.99"), "host -> branch after hq1 Gi0/0 up (static route restored)");
	CHECK(lab_if_set_up(&run, "hq1", "Gi9/9", 0, err, sizeof(err)) == -1, "unknown interface accepted");
	printf("if down/up: ok (error for unknown: %s)\n", err);
}

static void test_cable(void)
{
	char err[LAB_ERR_MAX];
	int admin = -1, carrier = -1;

	/* segment port */
	REQUIRE(lab_cable(&run, "branch", "Fa0/0", 0, err, sizeof(err)) == 0, "%s", err);
	REQUIRE(lab_if_state(&run, "branch", "Fa0/0", &admin, &carrier, err, sizeof(err)) == 0, "%s", err);
	CHECK(admin == 1 && carrier == 0, "pulled segment cable: admin %d carrier %d (want 1 0)", admin, carrier);
	CHECK(!ping("branch", "202.101.1.2"), "ping over a pulled cable answered");
	REQUIRE(lab_cable(&run, "branch", "Fa0/0", 1, err, sizeof(err)) == 0, "%s", err);
	REQUIRE(lab_if_state(&run, "branch", "Fa0/0", &admin, &carrier, err, sizeof(err)) == 0, "%s", err);
	CHECK(admin == 1 && carrier == 1, "plugged segment cable: admin %d carrier %d", admin, carrier);
	CHECK(ping_soon("branch", "202.101.1.2"), "ping after plug");
	/* p2p link */
	REQUIRE(lab_cable(&run, "hq1", "Se0/0", 0, err, sizeof(err)) == 0, "%s", err);
	REQUIRE(lab_if_state(&run, "hq1", "Se0/0", &admin, &carrier, err, sizeof(err)) == 0, "%s", err);
	CHECK(admin == 1 && carrier == 0, "pulled p2p cable: admin %d carrier %d (want 1 0)", admin, carrier);
	CHECK(!ping("hq1", "172.16.0.2"), "ping over a pulled p2p cable answered");
	REQUIRE(lab_cable(&run, "hq1", "Se0/0", 1, err, sizeof(err)) == 0, "%s", err);
	CHECK(ping_soon("hq1", "172.16.0.2"), "ping after p2p plug");
	CHECK(lab_cable(&run, "hq1", "Lo0", 0, err, sizeof(err)) == -1, "cable on a loopback accepted");
	printf("cable pull/plug: ok\n");
}

static void test_drop_ike(void)
{
	char err[LAB_ERR_MAX];
	struct lab_drop d = { .node = "hq1", .match = LAB_MATCH_IKE, .dir = LAB_DIR_IN, .loss_pct = 100 };
	uint64_t h = 0;
	int n500, n4500z, n4500e, n5000;

	CHECK(udp_through("branch", "hq1", "202.101.1.2", 500, 0x01020304, 5) == 5, "udp 500 before the drop");
	REQUIRE(lab_drop_add(&run, &d, &h, err, sizeof(err)) == 0, "%s", err);
	n500 = udp_through("branch", "hq1", "202.101.1.2", 500, 0x01020304, 5);
	n4500z = udp_through("branch", "hq1", "202.101.1.2", 4500, 0, 5);
	n4500e = udp_through("branch", "hq1", "202.101.1.2", 4500, htonl(0x1000), 5);
	n5000 = udp_through("branch", "hq1", "202.101.1.2", 5000, 0, 5);
	CHECK(n500 == 0, "IKE drop: %d of 5 udp/500 arrived", n500);
	CHECK(n4500z == 0, "IKE drop: %d of 5 udp/4500 with non-ESP marker arrived", n4500z);
	CHECK(n4500e == 5, "IKE drop: %d of 5 ESP-in-UDP arrived (should pass)", n4500e);
	CHECK(n5000 == 5, "IKE drop: %d of 5 udp/5000 arrived (should pass)", n5000);
	CHECK(lab_drop_del(&run, "hq1", h, err, sizeof(err)) == 0, "%s", err);
	CHECK(udp_through("branch", "hq1", "202.101.1.2", 500, 0x01020304, 5) == 5, "udp 500 after delete");
	CHECK(lab_drop_del(&run, "hq1", h, err, sizeof(err)) == -1, "second delete of %llu succeeded",
	      (unsigned long long)h);
	printf("drop ike (handle %llu): 500 %d/5, 4500+marker %d/5, 4500 esp %d/5, 5000 %d/5\n",
	       (unsigned long long)h, n500, n4500z, n4500e, n5000);
}

static void test_drop_esp(void)
{
	char err[LAB_ERR_MAX];
	struct lab_drop d = { .node = "hq1", .ifname = "GigabitEthernet0/0", .match = LAB_MATCH_ESP,
			      .dir = LAB_DIR_BOTH, .loss_pct = 100 };
	uint64_t h = 0;
	int before, esp, e4500, z4500, ike;

	before = esp_through("branch", "hq1", "202.101.1.2", 5);
	CHECK(before == 5, "raw ESP before the drop: %d of 5", before);
	REQUIRE(lab_drop_add(&run, &d, &h, err, sizeof(err)) == 0, "%s", err);
	esp = esp_through("branch", "hq1", "202.101.1.2", 5);
	e4500 = udp_through("branch", "hq1", "202.101.1.2", 4500, htonl(0x1000), 5);
	z4500 = udp_through("branch", "hq1", "202.101.1.2", 4500, 0, 5);
	ike = udp_through("branch", "hq1", "202.101.1.2", 500, 0, 5);
	CHECK(esp == 0, "ESP drop: %d of 5 proto-50 packets arrived", esp);
	CHECK(e4500 == 0, "ESP drop: %d of 5 ESP-in-UDP arrived", e4500);
	CHECK(z4500 == 5, "ESP drop: %d of 5 IKE on 4500 arrived (should pass)", z4500);
	CHECK(ike == 5, "ESP drop: %d of 5 udp/500 arrived (should pass)", ike);
	/* Out direction too: hq1 -> branch ESP leaves through Gi0/0. */
	CHECK(esp_through("hq1", "branch", "202.101.1.1", 5) == 0, "ESP drop out: packets left hq1");
	CHECK(lab_drop_del(&run, "hq1", h, err, sizeof(err)) == 0, "%s", err);
	CHECK(esp_through("branch", "hq1", "202.101.1.2", 5) == 5, "raw ESP after delete");
	printf("drop esp (handle %llu): proto50 %d/5 (before %d), 4500 esp %d/5, 4500 ike %d/5, 500 %d/5\n",
	       (unsigned long long)h, esp, before, e4500, z4500, ike);
}

static void test_loss(void)
{
	char err[LAB_ERR_MAX];
	struct lab_drop d = { .node = "hq1", .match = LAB_MATCH_ALL, .dir = LAB_DIR_IN, .loss_pct = 50 };
	struct lab_drop o = { .node = "branch", .match = LAB_MATCH_ALL, .dir = LAB_DIR_OUT, .loss_pct = 100 };
	uint64_t h = 0, ho = 0;
	int got;

	REQUIRE(lab_drop_add(&run, &d, &h, err, sizeof(err)) == 0, "%s", err);
	got = udp_through("branch", "hq1", "202.101.1.2", 5000, 0, 200);
	CHECK(got >= 60 && got <= 140, "50%% loss: %d of 200 arrived", got);
	CHECK(lab_drop_del(&run, "hq1", h, err, sizeof(err)) == 0, "%s", err);
	printf("loss 50%%: %d of 200 arrived\n", got);
	REQUIRE(lab_drop_add(&run, &o, &ho, err, sizeof(err)) == 0, "%s", err);
	CHECK(!ping("branch", "202.101.1.2"), "drop all out on branch: ping answered");
	CHECK(ping("hq1", "202.101.1.2"), "drop all out on branch: hq1 talking to itself was dropped");
	CHECK(lab_drop_del(&run, "branch", ho, err, sizeof(err)) == 0, "%s", err);
	CHECK(ping("branch", "202.101.1.2"), "ping after deleting the out drop");
}

/* A process left inside a node must die with lab_down. */
static pid_t spawn_sleeper(const char *node)
{
	int fd = lab_node_fd(&run, node);
	pid_t pid = fork();

	if (pid == 0) {
		if (lab_enter_ns(fd) < 0)
			_exit(127);
		execlp("sleep", "sleep", "300", (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void test_clean_stale(void)
{
	char err[LAB_ERR_MAX], id[16];
	int pfd[2], n;
	pid_t pid;
	char c;

	/* 1. A run whose owner was SIGKILLed goes. */
	lab_new_runid(child_runid);
	REQUIRE(pipe(pfd) == 0, "pipe");
	pid = fork();
	REQUIRE(pid >= 0, "fork");
	if (pid == 0) {
		struct lab_run cr;
		char cerr[LAB_ERR_MAX];

		close(pfd[0]);
		if (lab_up(&cr, &topo, child_runid, cerr, sizeof(cerr)) < 0) {
			fprintf(stderr, "child: %s\n", cerr);
			_exit(1);
		}
		c = 'u';
		if (write(pfd[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(pfd[1]);
	REQUIRE(read(pfd[0], &c, 1) == 1 && c == 'u', "child lab_up failed");
	close(pfd[0]);
	CHECK(run_ns_count(child_runid) == 7, "child run has %d namespaces", run_ns_count(child_runid));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	n = lab_clean_stale(err, sizeof(err));
	CHECK(n >= 7, "lab_clean_stale removed %d (%s)", n, err);
	CHECK(run_ns_count(child_runid) == 0, "stale run still has %d namespaces", run_ns_count(child_runid));
	CHECK(!ns_exists(child_runid, "hq1") && !ns_exists(child_runid, "sw-outside"), "stale namespaces left");
	{
		char path[64];
		struct stat st;

		snprintf(path, sizeof(path), LAB_RUN_DIR "/%s.owner", child_runid);
		CHECK(stat(path, &st) < 0, "owner file of the stale run left");
	}
	/* 2. The live run (this process) is untouched. */
	CHECK(run_ns_count(run.runid) == 7, "live run lost namespaces: %d", run_ns_count(run.runid));
	printf("clean_stale: SIGKILLed run %s removed (%d namespaces), live run %s kept\n", child_runid, n,
	       run.runid);
	child_runid[0] = '\0';

	/* 3. A young orphan (namespaces, no owner file) stays; lab_down_runid removes it. */
	lab_new_runid(id);
	snprintf(child_runid, sizeof(child_runid), "%s", id);
	{
		static struct lab_topo one;
		struct lab_run o;
		char path[64];

		REQUIRE(lab_topo_parse("orphan.lab", "node x\n", &one, err, sizeof(err)) == 0, "%s", err);
		REQUIRE(lab_up(&o, &one, id, err, sizeof(err)) == 0, "%s", err);
		lab_detach(&o);
		snprintf(path, sizeof(path), LAB_RUN_DIR "/%s.owner", id);
		unlink(path);
	}
	n = lab_clean_stale(err, sizeof(err));
	CHECK(run_ns_count(id) == 1, "young orphan removed (clean returned %d)", n);
	CHECK(lab_down_runid(id, err, sizeof(err)) == 1, "down of orphan: %s", err);
	child_runid[0] = '\0';
	printf("clean_stale: young orphan %s kept, removed by lab_down_runid\n", id);
}

int main(int argc, char **argv)
{
	char err[LAB_ERR_MAX], report[4096];
	static struct lab_root_snapshot before, during, after;
	const char *path = argc > 1 ? argv[1] : LAB_TEST_DIR "/five.lab";
	double t0, t1;
	pid_t sleeper;
	int n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		printf("lab_bringup: needs root, skipped\n");
		return 77;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	REQUIRE(lab_topo_load(path, &topo, err, sizeof(err)) == 0, "%s", err);
	n = lab_clean_stale(err, sizeof(err));
	printf("clean_stale at start: %d namespace(s)\n", n);
	REQUIRE(lab_root_snapshot(&before, err, sizeof(err)) == 0, "%s", err);
	printf("root snapshot: %d links, %d addresses, %d routes%s\n", before.nifs, before.naddrs, before.nroutes,
	       before.truncated ? " (truncated)" : "");

	test_timing();

	t0 = now_ms();
	REQUIRE(lab_up(&run, &topo, NULL, err, sizeof(err)) == 0, "%s", err);
	t1 = now_ms();
	printf("run %s up in %.1f ms\n", run.runid, t1 - t0);
	REQUIRE(lab_root_snapshot(&during, err, sizeof(err)) == 0, "%s", err);
	CHECK(lab_root_compare(&before, &during, err, sizeof(err)) == 0, "with the lab up: %s", err);

	test_pings();
	test_if_down();
	test_cable();
	test_drop_ike();
	test_drop_esp();
	test_loss();
	test_clean_stale();

	sleeper = spawn_sleeper("hq2");
	usleep(50000);
	t0 = now_ms();
	CHECK(lab_down(&run) == 0, "lab_down");
	t1 = now_ms();
	printf("run down in %.1f ms (with a process inside to kill)\n", t1 - t0);
	if (sleeper > 0) {
		int st = 0;

		CHECK(waitpid(sleeper, &st, 0) == sleeper && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		      "process inside hq2 not killed by lab_down");
	}
	CHECK(run_ns_count(run.runid) == 0, "namespaces left after lab_down");
	run.runid[0] = '\0';

	REQUIRE(lab_root_snapshot(&after, err, sizeof(err)) == 0, "%s", err);
	CHECK(lab_root_compare(&before, &after, err, sizeof(err)) == 0, "after the lab: %s", err);
	lab_root_report(&before, &after, report, sizeof(report));
	printf("root namespace unchanged; packet counters (host traffic, reported only):\n%s", report);
	cleanup();
	printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}
