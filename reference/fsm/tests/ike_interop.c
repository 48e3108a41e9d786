/* ike_interop.c — the IKEv1 engine against a real strongSwan 5.9.8 (label "interop").
 *
 * Namespaces ihhdev-ike-a (this program: the engine on UDP 500 and 4500 of
 * 192.168.99.1, with the 4-byte non-ESP marker on 4500) and ihhdev-ike-b (charon with
 * kernel-libipsec, a private /run, swanctl over vici at 192.168.99.2), one veth between
 * them, nothing in the root namespace. kernel-libipsec fakes NAT, so from Main Mode
 * message 5 on everything runs on 4500 (RFC 3947).
 *
 * Cases, in order:
 *   1. engine initiates (aes128-sha1-modp2048 / esp aes128-sha1): child_up; swanctl
 *      --list-sas shows the IKE SA ESTABLISHED and the CHILD INSTALLED with the SPIs the
 *      engine reported (strongSwan's in = our out); the engine's R-U-THERE is answered.
 *   2. engine initiates a PFS flow (group 14) on the same ISAKMP SA.
 *   3. engine clear_all: strongSwan removes every SA (Deletes honoured).
 *   4. strongSwan initiates (swanctl --initiate): the engine reports child_up, both
 *      list the same SPIs.
 *   4b. strongSwan initiates a PFS child (modp2048) on the same IKE SA.
 *   5. strongSwan --terminate: the engine gets child_down("peer delete") for both.
 *   6. engine reconfigured to 3des-sha1-modp1024 / esp 3des-sha1 and initiates.
 * Needs root and charon; exit 77 (skip) without them. Work files in /tmp/ihhdev-ike-*.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
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
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/provider.h>
#include "ike.h"

#define NS_A "ihhdev-ike-a"
#define NS_B "ihhdev-ike-b"
#define ADDR_A "192.168.99.1"
#define ADDR_B "192.168.99.2"
#define CHARON "/usr/lib/ipsec/charon"
#define LIBIPSEC "/usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so"
#define PSK "ihh-interop-psk"

static char workdir[256];
static pid_t charon_pid;
static int fd500 = -1, fd4500 = -1;
static struct ike *eng;
static int failures;

struct rec {
	struct ike_child up[32]; unsigned nup;
	struct ike_child down[32]; char reason[32][32]; unsigned ndown;
};
static struct rec R;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("ike_interop: ");
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	va_end(ap);
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	r = system(cmd);
	return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

static void cleanup(void)
{
	if (charon_pid > 0) {
		int i;

		kill(charon_pid, SIGTERM);
		for (i = 0; i < 30 && waitpid(charon_pid, NULL, WNOHANG) == 0; i++)
			usleep(100000);
		kill(charon_pid, SIGKILL);
		waitpid(charon_pid, NULL, 0);
		charon_pid = 0;
	}
	if (fd500 >= 0)
		close(fd500);
	if (fd4500 >= 0)
		close(fd4500);
	fd500 = fd4500 = -1;
	sh("ip netns del " NS_A " 2>/dev/null; ip netns del " NS_B " 2>/dev/null");
	if (workdir[0] && !getenv("IKE_INTEROP_KEEP"))
		sh("rm -rf '%s'", workdir);
}

static void on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("ike_interop: FAIL: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	failures++;
}

/* --- engine I/O ---------------------------------------------------------------- */

static void eng_send(void *ctx, const struct ike_endpoint *local, const struct ike_endpoint *remote,
		     const uint8_t *msg, size_t len)
{
	struct sockaddr_in to = { 0 };
	uint8_t buf[9000];
	int fd = local->port == 4500 ? fd4500 : fd500;
	size_t off = 0;

	(void)ctx;
	if (len + 4 > sizeof(buf))
		return;
	if (local->port == 4500 || remote->port == 4500) {
		/* RFC 3948 §2.2: non-ESP marker */
		memset(buf, 0, 4);
		off = 4;
		fd = fd4500;
	}
	memcpy(buf + off, msg, len);
	to.sin_family = AF_INET;
	to.sin_port = htons(remote->port);
	to.sin_addr.s_addr = htonl(remote->addr);
	if (sendto(fd, buf, len + off, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		say("sendto: %s", strerror(errno));
}

static void eng_up(void *ctx, const struct ike_child *c)
{
	(void)ctx;
	if (R.nup < 32)
		R.up[R.nup++] = *c;
	say("child_up: spi_in 0x%08x spi_out 0x%08x remote port %u", c->spi_in, c->spi_out, c->remote.port);
}

static void eng_down(void *ctx, const struct ike_child *c, const char *reason)
{
	(void)ctx;
	if (R.ndown < 32) {
		R.down[R.ndown] = *c;
		snprintf(R.reason[R.ndown], sizeof(R.reason[0]), "%s", reason);
		R.ndown++;
	}
	say("child_down: spi_in 0x%08x reason %s", c->spi_in, reason);
}

static unsigned rut_received;

static void eng_log(void *ctx, const char *line)
{
	(void)ctx;
	if (strstr(line, "received DPD/R-U-THERE from"))
		rut_received++;
	printf("  [engine %llu] %s\n", (unsigned long long)(now_ms() % 1000000), line);
}

static int bind_udp(uint16_t port)
{
	struct sockaddr_in a = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	inet_pton(AF_INET, ADDR_A, &a.sin_addr);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void pump(int wait_ms)
{
	struct pollfd p[2] = { { fd500, POLLIN, 0 }, { fd4500, POLLIN, 0 } };
	uint64_t next = ike_next_timeout(eng), t = now_ms();
	int i, to = wait_ms;

	if (next != UINT64_MAX && next <= t)
		to = 0;
	else if (next != UINT64_MAX && next - t < (uint64_t)to)
		to = (int)(next - t);
	if (poll(p, 2, to) > 0) {
		for (i = 0; i < 2; i++) {
			uint8_t buf[9000];
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t n;

			if (!(p[i].revents & POLLIN))
				continue;
			n = recvfrom(p[i].fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
			if (n <= 0)
				continue;
			{
				struct ike_endpoint local = { ntohl(inet_addr(ADDR_A)), (uint16_t)(i ? 4500 : 500) };
				struct ike_endpoint remote = { ntohl(from.sin_addr.s_addr), ntohs(from.sin_port) };

				if (i == 1) {
					/* RFC 3948: 0xFF keepalive, ESP (non-zero SPI), or marker + ISAKMP */
					if (n < 4 + 28 || memcmp(buf, "\0\0\0\0", 4))
						continue;
					ike_input(eng, now_ms(), &local, &remote, buf + 4, (size_t)n - 4);
				} else {
					ike_input(eng, now_ms(), &local, &remote, buf, (size_t)n);
				}
			}
		}
	}
	ike_tick(eng, now_ms());
}

/* --- strongSwan ---------------------------------------------------------------- */

static int write_file(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", workdir, name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static int write_confs(void)
{
	char buf[4096];

	snprintf(buf, sizeof(buf),
		 "charon {\n"
		 "  load_modular = no\n"
		 "  load = random nonce openssl aes des sha1 sha2 md5 hmac gmp kdf pem pkcs1 x509 pubkey "
		 "kernel-libipsec kernel-netlink socket-default vici\n"
		 "  install_routes = no\n"
		 "  retransmit_tries = 3\n"
		 "  plugins { vici { socket = unix://%s/run/charon.vici } }\n"
		 "  filelog {\n    ihh {\n      path = %s/charon.log\n      time_format = %%T\n"
		 "      time_add_ms = yes\n      default = 1\n      ike = 2\n      chd = 2\n      cfg = 2\n"
		 "      enc = 1\n      net = 2\n      flush_line = yes\n    }\n  }\n"
		 "}\n"
		 "swanctl { socket = unix://%s/run/charon.vici }\n", workdir, workdir, workdir);
	if (write_file("strongswan.conf", buf))
		return -1;
	snprintf(buf, sizeof(buf),
		 "connections {\n"
		 "  eng {\n"
		 "    version = 1\n    aggressive = no\n    mobike = no\n"
		 "    local_addrs = " ADDR_B "\n    remote_addrs = " ADDR_A "\n"
		 "    proposals = aes128-sha1-modp2048,3des-sha1-modp1024\n"
		 "    dpd_delay = 1s\n    dpd_timeout = 4s\n"
		 "    local {\n      auth = psk\n      id = " ADDR_B "\n    }\n"
		 "    remote {\n      auth = psk\n      id = " ADDR_A "\n    }\n"
		 "    children {\n"
		 "      c {\n        local_ts = 10.2.0.0/24\n        remote_ts = 10.1.0.0/24\n"
		 "        esp_proposals = aes128-sha1,3des-sha1\n        mode = tunnel\n"
		 "        start_action = none\n      }\n"
		 "      cpfs {\n        local_ts = 10.2.1.0/24\n        remote_ts = 10.1.1.0/24\n"
		 "        esp_proposals = aes128-sha1-modp2048\n        mode = tunnel\n"
		 "        start_action = none\n      }\n"
		 "    }\n  }\n}\n"
		 "secrets {\n  ike-eng {\n    id-1 = " ADDR_B "\n    id-2 = " ADDR_A "\n"
		 "    secret = \"" PSK "\"\n  }\n}\n");
	return write_file("swanctl.conf", buf);
}

static int start_charon(void)
{
	char cmd[1024], vici[512], out[512];
	int i;

	snprintf(cmd, sizeof(cmd), "mount --bind %s/run /run && STRONGSWAN_CONF=%s/strongswan.conf exec " CHARON,
		 workdir, workdir);
	snprintf(out, sizeof(out), "%s/charon.out", workdir);
	charon_pid = fork();
	if (charon_pid < 0)
		return -1;
	if (charon_pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		setsid();
		execlp("ip", "ip", "netns", "exec", NS_B, "unshare", "-m", "--propagation", "private", "sh", "-c",
		       cmd, (char *)NULL);
		_exit(127);
	}
	snprintf(vici, sizeof(vici), "%s/run/charon.vici", workdir);
	for (i = 0; i < 100; i++) {
		struct stat st;

		if (stat(vici, &st) == 0)
			return 0;
		usleep(100000);
	}
	return -1;
}

/* swanctl in namespace b; output into out (may be NULL). Blocking. */
static int swanctl(char *out, size_t outlen, const char *args)
{
	char cmd[1024];
	FILE *p;
	size_t n = 0;
	int r;

	snprintf(cmd, sizeof(cmd), "ip netns exec " NS_B " swanctl %s --uri unix://%s/run/charon.vici 2>&1",
		 args, workdir);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (out && outlen) {
		while (n + 1 < outlen) {
			size_t k = fread(out + n, 1, outlen - 1 - n, p);

			if (k == 0)
				break;
			n += k;
		}
		out[n] = 0;
	} else {
		char sink[4096];

		while (fread(sink, 1, sizeof(sink), p) > 0)
			;
	}
	r = pclose(p);
	return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

/* swanctl in the background (it blocks until the exchange completes, which needs the
 * engine running); returns the pid. */
static pid_t swanctl_async(const char *args)
{
	char cmd[1024];
	pid_t pid;

	snprintf(cmd, sizeof(cmd), "exec ip netns exec " NS_B " swanctl %s --uri unix://%s/run/charon.vici "
		 ">>%s/swanctl.out 2>&1", args, workdir, workdir);
	pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static int wait_async(pid_t pid, int timeout_ms, int (*done)(void))
{
	uint64_t end = now_ms() + (uint64_t)timeout_ms;
	int st = 0, exited = 0;

	while (now_ms() < end) {
		pump(50);
		if (!exited && waitpid(pid, &st, WNOHANG) == pid)
			exited = 1;
		if (exited && (!done || done()))
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	}
	if (!exited) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	return -2;
}

static unsigned want_up, want_down;
static int up_reached(void) { return R.nup >= want_up; }
static int down_reached(void) { return R.ndown >= want_down; }

static int run_until(int (*cond)(void), int timeout_ms)
{
	uint64_t end = now_ms() + (uint64_t)timeout_ms;

	while (now_ms() < end) {
		if (cond())
			return 0;
		pump(50);
	}
	return cond() ? 0 : -1;
}

static int list_sas(char *buf, size_t len)
{
	return swanctl(buf, len, "--list-sas --raw");
}

/* SPIs as swanctl --raw prints them: spi-in=c1d2e3f4 */
static int has_spi(const char *text, const char *key, uint32_t spi)
{
	char want[64];

	snprintf(want, sizeof(want), "%s=%08x", key, spi);
	return strstr(text, want) != NULL;
}

static void check_pair(const struct ike_child *c, const char *what)
{
	static char buf[65536];

	if (list_sas(buf, sizeof(buf)) != 0) {
		fail("%s: swanctl --list-sas failed", what);
		return;
	}
	if (!strstr(buf, "state=ESTABLISHED"))
		fail("%s: strongSwan shows no ESTABLISHED IKE SA:\n%s", what, buf);
	if (!strstr(buf, "state=INSTALLED"))
		fail("%s: strongSwan shows no INSTALLED CHILD SA:\n%s", what, buf);
	/* strongSwan's inbound SPI is our outbound one and vice versa */
	if (!has_spi(buf, "spi-in", c->spi_out) || !has_spi(buf, "spi-out", c->spi_in))
		fail("%s: strongSwan's SPIs differ from the engine's (in 0x%08x out 0x%08x):\n%s", what,
		     c->spi_in, c->spi_out, buf);
	else
		say("%s: strongSwan lists the CHILD with spi-in %08x spi-out %08x: ok", what, c->spi_out,
		    c->spi_in);
	if (c->remote.port != 4500)
		fail("%s: child not UDP-encapsulated (kernel-libipsec forces NAT-T)", what);
}

static int ike_gone(void)
{
	static char buf[65536];

	if (list_sas(buf, sizeof(buf)) != 0)
		return 0;
	return strstr(buf, "state=") == NULL;
}

static void engine_cfg(struct ike_cfg *c, int tdes)
{
	struct ike_conn *k;
	uint32_t a = ntohl(inet_addr(ADDR_A)), b = ntohl(inet_addr(ADDR_B));

	memset(c, 0, sizeof(*c));
	if (tdes) {
		c->npolicies = 1;
		c->policies[0] = (struct ike_policy){ 10, IKE_ENC_3DES, 0, IKE_HASH_SHA1, IKE_AUTH_PSK, 2, 86400 };
	} else {
		c->npolicies = 2;
		c->policies[0] = (struct ike_policy){ 10, IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, IKE_AUTH_PSK, 14, 86400 };
		c->policies[1] = (struct ike_policy){ 20, IKE_ENC_3DES, 0, IKE_HASH_SHA1, IKE_AUTH_PSK, 2, 86400 };
	}
	c->npsks = 1;
	c->psks[0] = (struct ike_psk){ b, 0xffffffffu, PSK };
	c->nconns = 2;
	k = &c->conns[0];
	snprintf(k->map, sizeof(k->map), "ss");
	k->seq = 10;
	k->npeers = 1;
	k->peers[0] = b;
	if (tdes) {
		k->ntsets = 1;
		k->tsets[0] = (struct ike_tset){ "3des", ESP_ENC_3DES, 0, ESP_AUTH_HMAC_SHA1 };
	} else {
		k->ntsets = 2;
		k->tsets[0] = (struct ike_tset){ "aes", ESP_ENC_AES_CBC, 128, ESP_AUTH_HMAC_SHA1 };
		k->tsets[1] = (struct ike_tset){ "3des", ESP_ENC_3DES, 0, ESP_AUTH_HMAC_SHA1 };
	}
	k->nsel = 1;
	k->sel[0] = (struct ike_selector){ 0x0a010000, 0x0a020000, 24, 24, 0, 0, 0 };
	k->local_addr = a;
	c->conns[1] = *k;
	k = &c->conns[1];
	k->seq = 20;
	k->ntsets = 1;
	k->tsets[0] = (struct ike_tset){ "aes", ESP_ENC_AES_CBC, 128, ESP_AUTH_HMAC_SHA1 };
	k->pfs_group = 14;
	k->sel[0] = (struct ike_selector){ 0x0a010100, 0x0a020100, 24, 24, 0, 0, 0 };
	c->natt = 1;
	snprintf(c->hostname, sizeof(c->hostname), "refgw");
}

static int dpd_answered_seq;
static uint32_t dpd_seq_wanted;
static int dpd_acked(void)
{
	struct ike_sa_info info[8];
	size_t n = ike_list_isakmp(eng, now_ms(), info, 8), i;

	for (i = 0; i < n; i++)
		if (info[i].dpd_seq_acked == dpd_seq_wanted && dpd_seq_wanted)
			dpd_answered_seq = 1;
	return dpd_answered_seq;
}

static int setup(void)
{
	int fd;

	sh("ip netns del " NS_A " 2>/dev/null; ip netns del " NS_B " 2>/dev/null");
	if (sh("ip netns add " NS_A) || sh("ip netns add " NS_B) ||
	    sh("ip link add ikea netns " NS_A " type veth peer name ikeb netns " NS_B) ||
	    sh("ip -n " NS_A " link set lo up && ip -n " NS_B " link set lo up") ||
	    sh("ip -n " NS_A " addr add " ADDR_A "/24 dev ikea && ip -n " NS_A " link set ikea up") ||
	    sh("ip -n " NS_B " addr add " ADDR_B "/24 dev ikeb && ip -n " NS_B " link set ikeb up") ||
	    /* charon installs routes for its CHILD_SAs with a source address inside
	     * local_ts: give ns b the protected networks on an ifb device */
	    sh("ip -n " NS_B " link add lo0 type ifb && ip -n " NS_B " addr add 10.2.0.1/24 dev lo0 && "
	       "ip -n " NS_B " addr add 10.2.1.1/24 dev lo0 && ip -n " NS_B " link set lo0 up"))
		return -1;
	snprintf(workdir, sizeof(workdir), "/tmp/ihhdev-ike-XXXXXX");
	if (!mkdtemp(workdir)) {
		workdir[0] = 0;
		return -1;
	}
	if (sh("mkdir -p %s/run", workdir) || write_confs())
		return -1;
	if (start_charon()) {
		say("charon did not start (see %s/charon.out)", workdir);
		return -1;
	}
	{
		char args[600];

		snprintf(args, sizeof(args), "--load-all --file %s/swanctl.conf", workdir);
		if (swanctl(NULL, 0, args) != 0)
			return -1;
	}
	/* this process becomes the engine's node */
	fd = open("/run/netns/" NS_A, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0)
		return -1;
	close(fd);
	fd500 = bind_udp(500);
	fd4500 = bind_udp(4500);
	return fd500 < 0 || fd4500 < 0 ? -1 : 0;
}

int main(void)
{
	struct ike_ops ops = { NULL, eng_send, eng_up, eng_down, NULL, eng_log };
	struct ike_cfg cfg;
	struct ike_sa_info info[8];
	OSSL_PROVIDER *pd;
	pid_t p;
	int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		say("skipped: needs root (namespaces)");
		return 77;
	}
	if (access(CHARON, X_OK) || access(LIBIPSEC, R_OK) || sh("command -v swanctl >/dev/null")) {
		say("skipped: strongSwan charon/kernel-libipsec/swanctl not installed");
		return 77;
	}
	atexit(cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (setup()) {
		say("setup failed");
		if (workdir[0])
			sh("cat %s/charon.out %s/charon.log 2>/dev/null | tail -40", workdir, workdir);
		return 1;
	}
	pd = OSSL_PROVIDER_load(NULL, "default");
	engine_cfg(&cfg, 0);
	eng = ike_new(&cfg, &ops);
	if (!eng)
		return 1;

	/* 1. engine as initiator */
	say("case 1: engine initiates, aes128-sha1-modp2048 / esp aes128-sha1");
	want_up = 1;
	ike_acquire(eng, now_ms(), 0, 0);
	if (run_until(up_reached, 15000))
		fail("case 1: no child_up within 15 s");
	else
		check_pair(&R.up[0], "case 1");
	if (ike_list_isakmp(eng, now_ms(), info, 8) >= 1) {
		if (!info[0].natt || info[0].remote_port != 4500)
			fail("case 1: ISAKMP SA did not float to 4500 (natt %d port %u)", info[0].natt,
			     info[0].remote_port);
		dpd_seq_wanted = ike_dpd_probe(eng, now_ms(), info[0].conn_id);
		if (!dpd_seq_wanted || run_until(dpd_acked, 5000))
			fail("case 1: R-U-THERE 0x%08x not answered by strongSwan", dpd_seq_wanted);
		else
			say("case 1: strongSwan answered R-U-THERE 0x%08x", dpd_seq_wanted);
	}

	/* strongSwan's own DPD (dpd_delay 1 s) while idle: answered, the SA stays */
	{
		uint64_t until = now_ms() + 2500;

		while (now_ms() < until)
			pump(50);
		if (!rut_received)
			fail("case 1: no R-U-THERE from strongSwan in 2.5 s idle");
		else
			say("case 1: answered %u R-U-THERE from strongSwan", rut_received);
	}

	/* 2. a PFS flow on the same ISAKMP SA */
	say("case 2: engine initiates a PFS (group 14) flow");
	want_up = R.nup + 1;
	ike_acquire(eng, now_ms(), 1, 0);
	if (run_until(up_reached, 15000))
		fail("case 2: no PFS child_up within 15 s");
	else if (R.up[R.nup - 1].pfs_group != 14)
		fail("case 2: child without PFS");
	else
		check_pair(&R.up[R.nup - 1], "case 2");

	/* 3. clear crypto sa: strongSwan must drop everything */
	say("case 3: engine clear_all");
	ike_clear_all(eng, now_ms());
	if (run_until(ike_gone, 5000))
		fail("case 3: strongSwan still lists SAs after the engine's Deletes");
	else
		say("case 3: strongSwan removed all SAs");

	/* 4. strongSwan as initiator */
	say("case 4: strongSwan initiates");
	want_up = R.nup + 1;
	p = swanctl_async("--initiate --child c --timeout 15");
	r = wait_async(p, 20000, up_reached);
	if (r != 0 || R.nup < want_up)
		fail("case 4: swanctl --initiate returned %d, engine child_up %u/%u", r, R.nup, want_up);
	else
		check_pair(&R.up[R.nup - 1], "case 4");

	/* 4b. strongSwan initiates a PFS child on the same IKE SA: the engine's conn 1 */
	say("case 4b: strongSwan initiates a PFS (modp2048) child");
	want_up = R.nup + 1;
	p = swanctl_async("--initiate --child cpfs --timeout 15");
	r = wait_async(p, 20000, up_reached);
	if (r != 0 || R.nup < want_up)
		fail("case 4b: swanctl --initiate returned %d, engine child_up %u/%u", r, R.nup, want_up);
	else if (R.up[R.nup - 1].pfs_group != 14 || R.up[R.nup - 1].conn_index != 1)
		fail("case 4b: child pfs %u conn %u", R.up[R.nup - 1].pfs_group, R.up[R.nup - 1].conn_index);
	else
		say("case 4b: PFS child up on crypto map ss 20: ok");

	/* 5. strongSwan terminates */
	say("case 5: strongSwan terminates");
	want_down = R.ndown + 2;
	p = swanctl_async("--terminate --ike eng --timeout 10");
	r = wait_async(p, 15000, down_reached);
	if (r != 0 || R.ndown < want_down)
		fail("case 5: swanctl --terminate returned %d, engine child_down %u/%u", r, R.ndown, want_down);
	else if (strcmp(R.reason[R.ndown - 1], "peer delete"))
		fail("case 5: child_down reason \"%s\"", R.reason[R.ndown - 1]);
	else
		say("case 5: engine got child_down(\"peer delete\")");
	run_until(ike_gone, 2000);

	/* 6. 3DES / SHA1 / group 2 */
	say("case 6: engine reconfigured to 3des-sha1-modp1024 / esp 3des-sha1");
	engine_cfg(&cfg, 1);
	ike_reconfigure(eng, &cfg);
	want_up = R.nup + 1;
	ike_acquire(eng, now_ms(), 0, 0);
	if (run_until(up_reached, 15000)) {
		fail("case 6: no child_up within 15 s");
	} else {
		static char buf[65536];

		check_pair(&R.up[R.nup - 1], "case 6");
		if (list_sas(buf, sizeof(buf)) == 0 && (!strstr(buf, "encr-alg=3DES_CBC") ||
							!strstr(buf, "dh-group=MODP_1024")))
			fail("case 6: strongSwan did not negotiate 3DES/MODP_1024:\n%s", buf);
	}
	{
		const struct ike_stats *st = ike_get_stats(eng);
		int k;

		for (k = 0; k < IKE_DROP_MAX; k++)
			if (st->dropped[k])
				fail("the engine dropped %llu message(s) from strongSwan as \"%s\"",
				     (unsigned long long)st->dropped[k], ike_drop_name(k));
		say("engine: rx %llu tx %llu retransmits %llu", (unsigned long long)st->rx,
		    (unsigned long long)st->tx, (unsigned long long)st->retransmits);
	}
	ike_shutdown(eng, now_ms());
	run_until(ike_gone, 3000);

	ike_free(eng);
	OSSL_PROVIDER_unload(pd);
	if (failures) {
		say("%d failure(s); charon log tail:", failures);
		sh("tail -60 %s/charon.log", workdir);
		return 1;
	}
	say("all cases passed");
	return 0;
}
