/* badinput_lab.c — refgw under a flood of malformed ISAKMP and ESP while its SA carries
 * a ping (label "lab", needs root; exit 77 otherwise).
 *
 *   gwa 192.0.2.1 ──┐                      gwa protects 10.10.1.1, 10.10.2.1 (loopbacks)
 *   gwb 192.0.2.2 ──┼── segment "outside"  gwb protects 10.20.1.1, 10.20.2.1
 *   attacker .66 ───┘                      (badinput.lab, badinput-gw{a,b}.cfg)
 *
 * 1. lab_up, two refgw (time scale 1, stderr to a file), a ping 10.10.1.1 → 10.20.1.1
 *    every 100 ms from gwa's namespace: the first packet starts Main Mode + Quick Mode.
 *    A packet socket in gwa's namespace records the phase-1 exchange (the last
 *    phase-1 CBC block: MM6's last ciphertext block, RFC 2409 App. B) and gwb's ESP.
 * 2. SPIs and cookies from `json show crypto ipsec sa` / `isakmp sa`, the phase-1
 *    encryption key from gwa's Wireshark key table, counters before.
 * 3. From the attacker's namespace, at gwa's outside address, a seeded shuffle of
 *    ≥ 1,000 malformed ISAKMP datagrams (UDP 500, and UDP 4500 behind the non-ESP
 *    marker: truncated headers, lying Lengths, chains that overrun or loop, unknown
 *    payload types, versions and exchanges, huge KE/Nonce up to ~60 KB, random
 *    mutations; with the ESTABLISHED SA's cookies, sent from gwb's address through an
 *    IP_TRANSPARENT socket: garbage bodies, cleartext Deletes, Informationals and Quick
 *    Modes correctly encrypted under the phase-1 key but with a wrong HASH(1)) and
 *    ≥ 500 malformed ESP packets (raw protocol 50 and UDP 4500: unknown SPIs, SPIs
 *    0..255, the real inbound SPI with a bad ICV / too short / not a block multiple /
 *    sequence number 0, zero-length and truncated packets, a captured valid packet of
 *    gwb's replayed).
 * 4. Asserts: both refgw alive with the same PIDs, the same SPIs on both sides and the
 *    same ISAKMP SA (no other one, not floated to 4500), ≥ 95 % ping replies during the
 *    flood and 100 % after, IKE drops ≥ the malformed ISAKMP sent − (1 % + what gwa's
 *    kernel dropped on a full socket buffer, itself ≤ 5 %), hash drops ≥ the forged
 *    encrypted messages, ESP drops > 0 for every reason a kind was sent for (and ≥ the
 *    unknown-SPI / replay / bad-ICV packets sent, same tolerance); then a second flow
 *    gets its Quick Mode over the same ISAKMP SA; SIGTERM → exit 0; no sanitizer report
 *    in refgw's stderr. The per-reason table is printed.
 * 5. The parent process owns the lab (and is the child subreaper): whatever the test
 *    body does (fail, crash, sanitizer abort, timeout), it kills the refgws by PID and
 *    runs lab_down.
 *
 * BADINPUT_SEED=N in the environment replays another shuffle/mutation sequence.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cksum.h"
#include "ctl.h"
#include "ipsec_doi.h"
#include "isakmp.h"
#include "lab.h"

#ifndef BADINPUT_DIR
#define BADINPUT_DIR "."
#endif
#ifndef BADINPUT_OUT
#define BADINPUT_OUT "/tmp/badinput_lab"
#endif
#ifndef REFGW_BIN
#define REFGW_BIN "refgw"
#endif

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define GWA_ADDR    IP(192, 0, 2, 1)
#define GWB_ADDR    IP(192, 0, 2, 2)
#define ATK_ADDR    IP(192, 0, 2, 66)
#define A_LO1       IP(10, 10, 1, 1)
#define B_LO1       IP(10, 20, 1, 1)
#define A_LO2       IP(10, 10, 2, 1)
#define B_LO2       IP(10, 20, 2, 1)

#define BLOCK       16          /* AES-CBC (phase 1 and ESP) */
#define HASH_LEN    20          /* SHA-1: HASH payloads of the phase-1 SA */
#define ESP_ICV     12          /* HMAC-SHA-1-96 */
#define NATT_BUF    4096        /* refgw's per-datagram buffer on UDP 4500 (gw.h GW_BUF):
                                   a larger datagram is a gateway "short" drop */
#define IKE_MAX     8192        /* refgw's largest ISAKMP message (fsm IKE_MSG_MAX) */
#define PKT_MAX     65536
#define PING_MAX    4096

static int failures;

#define CHECK(cond, ...) check_((cond), __LINE__, #cond, __VA_ARGS__)

static int check_(int ok, int line, const char *what, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int check_(int ok, int line, const char *what, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return 1;
	fprintf(stderr, "FAIL badinput_lab.c:%d: %s: ", line, what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	failures++;
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int64_t ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static const char *ipstr(uint32_t a)
{
	static char buf[4][16];
	static unsigned n;
	char *b = buf[n++ % 4];

	snprintf(b, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
	return b;
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* --- deterministic generator (xorshift64*) ----------------------------------------- */

static uint64_t rng = 0x1bad5eedULL;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

static uint32_t rnd_below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static void rnd_fill(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = (uint8_t)rnd();
}

/* --- state shared with the parent ----------------------------------------------------- */

struct shared {
	pid_t refgw[2];                 /* gwa, gwb: killed by the parent if still there */
};
static struct shared *shm;

/* --- lab ------------------------------------------------------------------------------ */

static struct lab_topo topo;
static struct lab_run run;
static int ns_gwa = -1, ns_gwb = -1, ns_atk = -1;
static const char *const gw_names[2] = { "gwa", "gwb" };

static void node_dir(int gw, char *out, size_t len)
{
	snprintf(out, len, "%s/%s", BADINPUT_OUT, gw_names[gw]);
}

static void node_file(int gw, const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s/%s/%s", BADINPUT_OUT, gw_names[gw], name);
}

static int prepare_dirs(void)
{
	static const char *const files[] = { "refgw.log", "refgw.err", "ikev1_decryption_table", "esp_sa" };
	char path[512];
	int gw;
	size_t i;

	if (mkdir(BADINPUT_OUT, 0755) < 0 && errno != EEXIST)
		return -1;
	for (gw = 0; gw < 2; gw++) {
		node_dir(gw, path, sizeof(path));
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -1;
		for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			node_file(gw, files[i], path, sizeof(path));
			unlink(path);
		}
	}
	return 0;
}

static pid_t spawn_refgw(int gw, int ns_fd)
{
	char cfg[512], log[512], errf[512], dir[512];
	pid_t pid;

	snprintf(cfg, sizeof(cfg), "%s/badinput-%s.cfg", BADINPUT_DIR, gw_names[gw]);
	node_file(gw, "refgw.log", log, sizeof(log));
	node_file(gw, "refgw.err", errf, sizeof(errf));
	node_dir(gw, dir, sizeof(dir));
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd;

		if (setns(ns_fd, CLONE_NEWNET) < 0)
			_exit(126);
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0) {
			dup2(fd, 0);
			close(fd);
		}
		fd = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			_exit(126);
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		setsid();
		signal(SIGPIPE, SIG_DFL);
		execl(REFGW_BIN, "refgw", "-f", cfg, "--log", log, "--keys", dir, "--time-scale", "1", (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Still running (a dead one is reaped here, and forgotten by the parent). */
static int alive(int gw, pid_t pid)
{
	int st;

	if (pid <= 0)
		return 0;
	if (waitpid(pid, &st, WNOHANG) == 0)
		return 1;
	if (shm->refgw[gw] == pid)
		shm->refgw[gw] = 0;
	return 0;
}

/* --- control channel ------------------------------------------------------------------ */

struct ctl_call {
	const char *req;
	char *body;
	int status;
	char err[256];
};

static int ctl_call_fn(void *arg)
{
	struct ctl_call *c = arg;

	return ctl_request(NULL, c->req, &c->body, &c->status, c->err, sizeof(c->err));
}

/* The body of a refgw answer (malloc'd), or NULL (daemon unreachable / error status). */
static char *gw_ctl(int ns_fd, const char *req)
{
	struct ctl_call c = { .req = req };

	if (lab_in_ns(ns_fd, ctl_call_fn, &c) < 0) {
		free(c.body);
		return NULL;
	}
	if (c.status != 0) {
		free(c.body);
		return NULL;
	}
	return c.body;
}

static int wait_ready(int gw, int ns_fd, pid_t pid, int timeout_ms)
{
	int64_t end = now_ms() + timeout_ms;

	while (now_ms() < end) {
		char *b = gw_ctl(ns_fd, "show version");

		if (b) {
			free(b);
			return 0;
		}
		if (!alive(gw, pid))
			return -1;
		sleep_ms(50);
	}
	return -1;
}

/* --- minimal JSON reading (refgw's own output) -------------------------------------- */

/* After "key": in [p, end): the value's first character, or NULL. */
static const char *json_value(const char *p, const char *end, const char *key)
{
	char pat[80];
	size_t pl;

	snprintf(pat, sizeof(pat), "\"%s\"", key);
	pl = strlen(pat);
	for (; p && p + pl <= end; p++) {
		const char *q;

		p = memmem(p, (size_t)(end - p), pat, pl);
		if (!p)
			return NULL;
		q = p + pl;
		while (q < end && (*q == ' ' || *q == '\n' || *q == '\t'))
			q++;
		if (q < end && *q == ':') {
			q++;
			while (q < end && (*q == ' ' || *q == '\n' || *q == '\t'))
				q++;
			return q < end ? q : NULL;
		}
	}
	return NULL;
}

/* p at '{' or '[': the position just after the matching bracket. */
static const char *json_skip(const char *p, const char *end)
{
	int depth = 0, str = 0;

	for (; p < end; p++) {
		if (str) {
			if (*p == '\\')
				p++;
			else if (*p == '"')
				str = 0;
			continue;
		}
		if (*p == '"')
			str = 1;
		else if (*p == '{' || *p == '[')
			depth++;
		else if ((*p == '}' || *p == ']') && --depth == 0)
			return p + 1;
	}
	return end;
}

/* The object or array under key: [*b, *e). */
static int json_sub(const char *p, const char *end, const char *key, const char **b, const char **e)
{
	const char *v = json_value(p, end, key);

	if (!v || (*v != '{' && *v != '['))
		return -1;
	*b = v;
	*e = json_skip(v, end);
	return 0;
}

static int json_str(const char *p, const char *end, const char *key, char *out, size_t len)
{
	const char *v = json_value(p, end, key);
	size_t i = 0;

	if (!v || *v != '"' || !len)
		return -1;
	for (v++; v < end && *v != '"' && i + 1 < len; v++)
		out[i++] = *v;
	out[i] = '\0';
	return 0;
}

struct kv {
	char name[40];
	uint64_t v;
};

#define KV_MAX 32

/* The "name": number pairs of a flat object [b, e). */
static int json_flat(const char *b, const char *e, struct kv *out, int max)
{
	const char *p = b + 1;
	int n = 0;

	while (p < e && n < max) {
		const char *q = memchr(p, '"', (size_t)(e - p)), *r;
		size_t l;

		if (!q)
			break;
		r = memchr(q + 1, '"', (size_t)(e - q - 1));
		if (!r)
			break;
		l = (size_t)(r - q - 1);
		p = r + 1;
		while (p < e && (*p == ' ' || *p == ':' || *p == '\n'))
			p++;
		if (p < e && (*p == '-' || (*p >= '0' && *p <= '9'))) {
			snprintf(out[n].name, sizeof(out[n].name), "%.*s", (int)l, q + 1);
			out[n].v = strtoull(p, NULL, 10);
			n++;
		}
	}
	return n;
}

struct counters {
	struct kv ike[KV_MAX], esp[KV_MAX], gw[KV_MAX];
	int nike, nesp, ngw;
	uint64_t ike_rx;
};

static int read_counters(int ns_fd, struct counters *c)
{
	char *body = gw_ctl(ns_fd, "json show counters");
	const char *end, *b, *e, *ib, *ie;
	const char *rx;

	memset(c, 0, sizeof(*c));
	if (!body)
		return -1;
	end = body + strlen(body);
	if (json_sub(body, end, "ike", &ib, &ie) == 0) {
		if (json_sub(ib, ie, "dropped", &b, &e) == 0)
			c->nike = json_flat(b, e, c->ike, KV_MAX);
		rx = json_value(ib, ie, "rx");
		if (rx)
			c->ike_rx = strtoull(rx, NULL, 10);
	}
	if (json_sub(body, end, "esp_dropped", &b, &e) == 0)
		c->nesp = json_flat(b, e, c->esp, KV_MAX);
	if (json_sub(body, end, "gw_dropped", &b, &e) == 0)
		c->ngw = json_flat(b, e, c->gw, KV_MAX);
	free(body);
	return c->nike && c->nesp && c->ngw ? 0 : -1;
}

static uint64_t kv_get(const struct kv *kv, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(kv[i].name, name))
			return kv[i].v;
	return 0;
}

static uint64_t kv_sum(const struct kv *kv, int n)
{
	uint64_t s = 0;
	int i;

	for (i = 0; i < n; i++)
		s += kv[i].v;
	return s;
}

struct ipsec_sa {
	uint32_t spi_in, spi_out;
	char peer[16], mode[32];
};

struct ipsec_list {
	struct ipsec_sa sa[8];
	int n;
};

static int read_ipsec(int ns_fd, struct ipsec_list *l)
{
	char *body = gw_ctl(ns_fd, "json show crypto ipsec sa");
	const char *end, *b, *e, *p;

	memset(l, 0, sizeof(*l));
	if (!body)
		return -1;
	end = body + strlen(body);
	if (json_sub(body, end, "ipsec_sa", &b, &e) < 0) {
		free(body);
		return -1;
	}
	for (p = b + 1; p < e && l->n < 8; ) {
		const char *o = memchr(p, '{', (size_t)(e - p)), *oe;
		char v[32];

		if (!o)
			break;
		oe = json_skip(o, e);
		if (json_str(o, oe, "spi_in", v, sizeof(v)) == 0)
			l->sa[l->n].spi_in = (uint32_t)strtoul(v, NULL, 16);
		if (json_str(o, oe, "spi_out", v, sizeof(v)) == 0)
			l->sa[l->n].spi_out = (uint32_t)strtoul(v, NULL, 16);
		json_str(o, oe, "peer", l->sa[l->n].peer, sizeof(l->sa[l->n].peer));
		json_str(o, oe, "mode", l->sa[l->n].mode, sizeof(l->sa[l->n].mode));
		l->n++;
		p = oe;
	}
	free(body);
	return 0;
}

struct isakmp_sa_info {
	uint8_t icookie[8], rcookie[8];
	char state[16];
	int initiator;
	unsigned remote_port;
};

struct isakmp_list {
	struct isakmp_sa_info sa[8];
	int n;
};

static void unhex(const char *s, uint8_t *out, size_t n)
{
	size_t i;
	unsigned b;

	memset(out, 0, n);
	for (i = 0; i < n && s[2 * i] && s[2 * i + 1]; i++)
		if (sscanf(s + 2 * i, "%2x", &b) == 1)
			out[i] = (uint8_t)b;
}

static int read_isakmp(int ns_fd, struct isakmp_list *l)
{
	char *body = gw_ctl(ns_fd, "json show crypto isakmp sa");
	const char *end, *b, *e, *p;

	memset(l, 0, sizeof(*l));
	if (!body)
		return -1;
	end = body + strlen(body);
	if (json_sub(body, end, "isakmp_sa", &b, &e) < 0) {
		free(body);
		return -1;
	}
	for (p = b + 1; p < e && l->n < 8; ) {
		const char *o = memchr(p, '{', (size_t)(e - p)), *oe, *iv;
		char v[40];

		if (!o)
			break;
		oe = json_skip(o, e);
		if (json_str(o, oe, "icookie", v, sizeof(v)) == 0)
			unhex(v, l->sa[l->n].icookie, 8);
		if (json_str(o, oe, "rcookie", v, sizeof(v)) == 0)
			unhex(v, l->sa[l->n].rcookie, 8);
		json_str(o, oe, "state", l->sa[l->n].state, sizeof(l->sa[l->n].state));
		iv = json_value(o, oe, "initiator");
		l->sa[l->n].initiator = iv && !strncmp(iv, "true", 4);
		iv = json_value(o, oe, "remote_port");
		l->sa[l->n].remote_port = iv ? (unsigned)strtoul(iv, NULL, 10) : 0;
		l->n++;
		p = oe;
	}
	free(body);
	return 0;
}

/* The kernel's UDP RcvbufErrors in a namespace (/proc/thread-self/net: the calling
 * thread's namespace): datagrams refgw never saw because its socket was full. */
struct snmp_req {
	uint64_t rcvbuf_errors;
};

static int snmp_fn(void *arg)
{
	struct snmp_req *r = arg;
	char names[1024], values[1024], *ns, *vs, *n, *v;
	FILE *f = fopen("/proc/thread-self/net/snmp", "r");
	int rc = -1;

	if (!f)
		return -1;
	while (fgets(names, sizeof(names), f) && fgets(values, sizeof(values), f)) {
		if (strncmp(names, "Udp:", 4) || strncmp(values, "Udp:", 4))
			continue;
		n = strtok_r(names + 4, " \n", &ns);
		v = strtok_r(values + 4, " \n", &vs);
		for (; n && v; n = strtok_r(NULL, " \n", &ns), v = strtok_r(NULL, " \n", &vs))
			if (!strcmp(n, "RcvbufErrors")) {
				r->rcvbuf_errors = strtoull(v, NULL, 10);
				rc = 0;
			}
		break;
	}
	fclose(f);
	return rc;
}

static uint64_t udp_rcvbuf_errors(int ns_fd)
{
	struct snmp_req r = { 0 };

	lab_in_ns(ns_fd, snmp_fn, &r);
	return r.rcvbuf_errors;
}

/* --- ping over the SA ------------------------------------------------------------------ */

enum ping_phase { PH_SETUP, PH_PRE, PH_FLOOD, PH_POST, PH_MAX };

struct pinger {
	int fd;
	uint32_t src, dst;
	uint16_t id;
	int interval_ms;
	pthread_t thread;
	pthread_mutex_t mu;
	int phase, sending, stop;
	unsigned nsent;
	int64_t sent_ms[PING_MAX];
	uint8_t sent_phase[PING_MAX], replied[PING_MAX];
	unsigned replies;
};

struct sock_req {
	int domain, type, proto;
	int fd;
};

static int sock_fn(void *arg)
{
	struct sock_req *r = arg;

	r->fd = socket(r->domain, r->type | SOCK_CLOEXEC, r->proto);
	return r->fd < 0 ? -1 : 0;
}

static int socket_in(int ns_fd, int domain, int type, int proto)
{
	struct sock_req r = { domain, type, proto, -1 };

	if (lab_in_ns(ns_fd, sock_fn, &r) < 0)
		return -1;
	return r.fd;
}

static int ping_open(struct pinger *p, int ns_fd, uint32_t src, uint32_t dst, uint16_t id)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };

	memset(p, 0, sizeof(*p));
	p->fd = socket_in(ns_fd, AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (p->fd < 0)
		return -1;
	sa.sin_addr.s_addr = htonl(src);
	if (bind(p->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(p->fd);
		return -1;
	}
	p->src = src;
	p->dst = dst;
	p->id = id;
	p->interval_ms = 100;
	pthread_mutex_init(&p->mu, NULL);
	return 0;
}

static void ping_send(struct pinger *p)
{
	uint8_t pkt[64] = { 8, 0 };
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(p->dst) };
	unsigned seq = p->nsent;
	uint16_t ck;

	if (seq >= PING_MAX)
		return;
	pkt[4] = (uint8_t)(p->id >> 8);
	pkt[5] = (uint8_t)p->id;
	pkt[6] = (uint8_t)(seq >> 8);
	pkt[7] = (uint8_t)seq;
	memcpy(pkt + 8, "ihh badinput_lab ping payload ..........................", 56);
	ck = cksum_finish(cksum_add(0, pkt, sizeof(pkt)));
	pkt[2] = (uint8_t)(ck >> 8);
	pkt[3] = (uint8_t)ck;
	p->sent_ms[seq] = now_ms();
	p->sent_phase[seq] = (uint8_t)p->phase;
	p->nsent++;
	sendto(p->fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to));
}

static void ping_recv(struct pinger *p)
{
	uint8_t buf[2048];
	ssize_t n;

	while ((n = recv(p->fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		size_t hl = (size_t)(buf[0] & 15) * 4;
		unsigned seq;

		if ((size_t)n < hl + 8 || rd32(buf + 12) != p->dst || buf[hl] != 0)
			continue;
		if ((uint16_t)(buf[hl + 4] << 8 | buf[hl + 5]) != p->id)
			continue;
		seq = (unsigned)(buf[hl + 6] << 8 | buf[hl + 7]);
		pthread_mutex_lock(&p->mu);
		if (seq < p->nsent && !p->replied[seq]) {
			p->replied[seq] = 1;
			p->replies++;
		}
		pthread_mutex_unlock(&p->mu);
	}
}

static void *ping_thread(void *arg)
{
	struct pinger *p = arg;
	int64_t next = now_ms();

	for (;;) {
		struct pollfd pfd = { p->fd, POLLIN, 0 };
		int64_t t = now_ms(), wait;
		int stop, sending;

		pthread_mutex_lock(&p->mu);
		stop = p->stop;
		sending = p->sending;
		if (sending && t >= next) {
			ping_send(p);
			next += p->interval_ms;
			if (next < t)
				next = t + p->interval_ms;
		}
		pthread_mutex_unlock(&p->mu);
		if (stop)
			break;
		wait = sending ? next - now_ms() : 20;
		if (wait < 0)
			wait = 0;
		if (wait > 20)
			wait = 20;
		if (poll(&pfd, 1, (int)wait) > 0)
			ping_recv(p);
	}
	return NULL;
}

static void ping_set(struct pinger *p, int phase, int sending)
{
	pthread_mutex_lock(&p->mu);
	p->phase = phase;
	p->sending = sending;
	pthread_mutex_unlock(&p->mu);
}

static unsigned ping_replies(struct pinger *p)
{
	unsigned r;

	pthread_mutex_lock(&p->mu);
	r = p->replies;
	pthread_mutex_unlock(&p->mu);
	return r;
}

static void ping_stats(struct pinger *p, int phase, unsigned *sent, unsigned *ok)
{
	unsigned i;

	*sent = *ok = 0;
	pthread_mutex_lock(&p->mu);
	for (i = 0; i < p->nsent; i++)
		if (p->sent_phase[i] == phase) {
			(*sent)++;
			*ok += p->replied[i];
		}
	pthread_mutex_unlock(&p->mu);
}

static void ping_close(struct pinger *p)
{
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	close(p->fd);
	pthread_mutex_destroy(&p->mu);
}

/* Ping until the first reply (the first packets start IKE and are dropped). */
static int ping_until_reply(struct pinger *p, int timeout_ms)
{
	int64_t end = now_ms() + timeout_ms;

	ping_set(p, PH_SETUP, 1);
	while (now_ms() < end) {
		if (ping_replies(p) > 0)
			return 0;
		sleep_ms(20);
	}
	return -1;
}

/* --- what the packet socket saw in gwa's namespace ------------------------------------ */

struct capture {
	uint8_t p1_last[BLOCK];         /* MM6's last ciphertext block */
	int have_p1_last;
	uint8_t esp[2048];              /* a valid ESP packet gwb sent to gwa's inbound SPI */
	size_t esp_len;
	unsigned esp_seen;
};

static int capture_open(int ns_fd)
{
	int fd = socket_in(ns_fd, AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK, htons(ETH_P_IP));
	int big = 8 << 20;

	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	return fd;
}

/* Drain the packet socket; keep MM6 of the SA (icookie, rcookie, sent by `responder`)
 * and the newest ESP packet to gwa with SPI spi_in. */
static void capture_drain(int fd, struct capture *c, const uint8_t icookie[8], const uint8_t rcookie[8],
			  uint32_t responder, uint32_t spi_in)
{
	static uint8_t buf[PKT_MAX];
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		size_t hl = (size_t)(buf[0] & 15) * 4, tot;
		uint32_t src, dst;

		if ((size_t)n < 20 || buf[0] >> 4 != 4 || hl < 20 || (size_t)n < hl)
			continue;
		tot = (size_t)(buf[2] << 8 | buf[3]);
		if (tot > (size_t)n || tot < hl)
			continue;
		src = rd32(buf + 12);
		dst = rd32(buf + 16);
		if (buf[9] == 50 && src == GWB_ADDR && dst == GWA_ADDR && tot - hl >= 8 &&
		    rd32(buf + hl) == spi_in && tot - hl <= sizeof(c->esp)) {
			memcpy(c->esp, buf + hl, tot - hl);
			c->esp_len = tot - hl;
			c->esp_seen++;
		} else if (buf[9] == 17 && tot - hl >= 8 + ISAKMP_HDR_LEN) {
			const uint8_t *u = buf + hl, *m = u + 8;
			uint16_t sport = (uint16_t)(u[0] << 8 | u[1]), dport = (uint16_t)(u[2] << 8 | u[3]);
			size_t ml = tot - hl - 8, len;

			if (sport != 500 && sport != 4500 && dport != 500 && dport != 4500)
				continue;
			if ((sport == 4500 || dport == 4500) && ml >= 4 && rd32(m) == 0) {
				m += 4;         /* RFC 3948 §2.2: non-ESP marker */
				ml -= 4;
			}
			if (ml < ISAKMP_HDR_LEN || src != responder || m[18] != ISAKMP_EXCH_MAIN ||
			    !(m[19] & ISAKMP_FLAG_E) || memcmp(m, icookie, 8) || memcmp(m + 8, rcookie, 8))
				continue;
			len = rd32(m + 24);
			if (len > ml || len < ISAKMP_HDR_LEN + BLOCK)
				continue;
			/* RFC 2409 App. B: phase 2 IVs start from the last phase-1 CBC output block */
			memcpy(c->p1_last, m + len - BLOCK, BLOCK);
			c->have_p1_last = 1;
		}
	}
}

/* gwa's phase-1 encryption key from its Wireshark table ("icookie,key" per line). */
static int read_p1_key(const uint8_t icookie[8], uint8_t *key, size_t *klen)
{
	char path[512], line[512], ic[17];
	FILE *f;
	int found = -1;
	unsigned i;

	node_file(0, "ikev1_decryption_table", path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return -1;
	for (i = 0; i < 8; i++)
		snprintf(ic + 2 * i, 3, "%02x", icookie[i]);
	while (fgets(line, sizeof(line), f)) {
		char *comma = strchr(line, ',');
		size_t hl;

		if (!comma || strncmp(line, ic, 16))
			continue;
		hl = strcspn(comma + 1, "\r\n");
		if (hl % 2 || hl / 2 > 64)
			continue;
		*klen = hl / 2;
		unhex(comma + 1, key, *klen);
		found = 0;
	}
	fclose(f);
	return found;
}

/* --- phase-1 protection of forged messages (OpenSSL, independent of refgw's code) ---- */

struct p1 {
	uint8_t icookie[8], rcookie[8];
	uint8_t key[64];
	size_t key_len;
	uint8_t last[BLOCK];
};

/* RFC 2409 App. B: IV = hash(last phase-1 CBC block | M-ID), truncated to the block. */
static int p2_iv(const struct p1 *k, uint32_t msgid, uint8_t iv[BLOCK])
{
	uint8_t in[BLOCK + 4], d[EVP_MAX_MD_SIZE];
	unsigned dl = 0;

	memcpy(in, k->last, BLOCK);
	wr32(in + BLOCK, msgid);
	if (!EVP_Digest(in, sizeof(in), d, &dl, EVP_sha1(), NULL) || dl < BLOCK)
		return -1;
	memcpy(iv, d, BLOCK);
	return 0;
}

/* Pad the payloads after the header with zeros to whole blocks, encrypt them with
 * AES-128-CBC under the phase-1 key and fix the Length. Returns the new length. */
static size_t p1_seal(const struct p1 *k, uint8_t *msg, size_t len, uint32_t msgid, size_t cap)
{
	uint8_t iv[BLOCK];
	size_t body = len - ISAKMP_HDR_LEN, padded = (body + BLOCK - 1) / BLOCK * BLOCK;
	EVP_CIPHER_CTX *ctx;
	int n = 0, ok;

	if (ISAKMP_HDR_LEN + padded > cap || p2_iv(k, msgid, iv) < 0)
		return 0;
	memset(msg + len, 0, padded - body);
	ctx = EVP_CIPHER_CTX_new();
	ok = ctx && EVP_EncryptInit_ex(ctx, k->key_len == 32 ? EVP_aes_256_cbc() : k->key_len == 24 ?
				       EVP_aes_192_cbc() : EVP_aes_128_cbc(), NULL, k->key, iv) &&
	     EVP_CIPHER_CTX_set_padding(ctx, 0) &&
	     EVP_EncryptUpdate(ctx, msg + ISAKMP_HDR_LEN, &n, msg + ISAKMP_HDR_LEN, (int)padded) &&
	     (size_t)n == padded;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok)
		return 0;
	wr32(msg + 24, (uint32_t)(ISAKMP_HDR_LEN + padded));
	return ISAKMP_HDR_LEN + padded;
}

/* --- ISAKMP messages ------------------------------------------------------------------- */

static void hdr_init(struct isakmp_hdr *h, const uint8_t ic[8], const uint8_t rc[8], uint8_t exch, uint8_t flags,
		     uint32_t msgid)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->icookie, ic, 8);
	if (rc)
		memcpy(h->rcookie, rc, 8);
	h->maj_ver = 1;
	h->exchange = exch;
	h->flags = flags;
	h->msgid = msgid;
}

/* A plausible Main Mode MM1 (AES-128/SHA-1/PSK/group 2 offer, a VID), optionally with a
 * KE and a Nonce of the given sizes (which MM1 must not carry). */
static size_t mm1_build(uint8_t *buf, size_t cap, size_t ke_len, size_t nonce_len)
{
	static struct isakmp_sa sa;
	static uint8_t big[PKT_MAX];
	struct isakmp_transform *t;
	struct isakmp_builder b;
	struct isakmp_hdr h;
	uint8_t ic[8];
	int len;

	rnd_fill(ic, 8);
	ic[0] |= 1;                     /* never the zero cookie */
	hdr_init(&h, ic, NULL, ISAKMP_EXCH_MAIN, 0, 0);
	memset(&sa, 0, sizeof(sa));
	sa.doi = IPSEC_DOI;
	sa.situation = IPSEC_SIT_IDENTITY_ONLY;
	sa.nproposals = 1;
	sa.proposals[0].number = 1;
	sa.proposals[0].protocol = ISAKMP_PROTO_ISAKMP;
	sa.proposals[0].ntransforms = 1;
	t = &sa.proposals[0].transforms[0];
	t->number = 1;
	t->id = IKE_KEY_ISAKMP;
	t->nattrs = 6;
	t->attrs[0] = (struct isakmp_attr){ .type = IKE_ATTR_ENC, .basic = 1, .value = IKE_ENC_AES_CBC };
	t->attrs[1] = (struct isakmp_attr){ .type = IKE_ATTR_KEY_LEN, .basic = 1, .value = 128 };
	t->attrs[2] = (struct isakmp_attr){ .type = IKE_ATTR_HASH, .basic = 1, .value = IKE_HASH_SHA1 };
	t->attrs[3] = (struct isakmp_attr){ .type = IKE_ATTR_AUTH, .basic = 1, .value = IKE_AUTH_PSK };
	t->attrs[4] = (struct isakmp_attr){ .type = IKE_ATTR_GROUP, .basic = 1, .value = 2 };
	t->attrs[5] = (struct isakmp_attr){ .type = IKE_ATTR_LIFE_TYPE, .basic = 1, .value = IKE_LIFE_SECONDS };
	isakmp_build_init(&b, buf, cap, &h);
	isakmp_build_sa(&b, &sa);
	if (ke_len) {
		rnd_fill(big, ke_len);
		isakmp_build_payload(&b, ISAKMP_PL_KE, big, ke_len);
	}
	if (nonce_len) {
		rnd_fill(big, nonce_len);
		isakmp_build_payload(&b, ISAKMP_PL_NONCE, big, nonce_len);
	}
	isakmp_build_payload(&b, ISAKMP_PL_VID, isakmp_vid_rfc3947, 16);
	len = isakmp_build_finish(&b);
	return len < 0 ? 0 : (size_t)len;
}

/* Offsets of the generic payload headers of a cleartext message. */
static int chain_offsets(const uint8_t *m, size_t len, size_t *off, int max)
{
	size_t at = ISAKMP_HDR_LEN;
	int n = 0;
	uint8_t np = m[16];

	while (np && at + 4 <= len && n < max) {
		size_t pl = (size_t)(m[at + 2] << 8 | m[at + 3]);

		off[n++] = at;
		np = m[at];
		if (pl < 4)
			break;
		at += pl;
	}
	return n;
}

static uint8_t unknown_payload_type(void)
{
	static const uint8_t pick[] = { 14, 15, 16, 17, 18, 19, 22, 23, 40, 99, 127, 128, 129, 132, 200, 255 };

	return pick[rnd_below(sizeof(pick))];
}

static uint8_t unknown_exchange(void)
{
	static const uint8_t pick[] = { 0, 1, 3, 4, 6, 7, 31, 34, 35, 64, 128, 240, 255 };

	return pick[rnd_below(sizeof(pick))];
}

/* --- the flood -------------------------------------------------------------------------- */

enum kind {
	/* ISAKMP, from the attacker's own address */
	K_TRUNC_HDR, K_LEN_LONGER, K_LEN_SHORTER, K_LEN_SILLY, K_CHAIN_OVERRUN, K_CHAIN_LOOP, K_CHAIN_MANY,
	K_UNKNOWN_NP, K_BAD_VERSION, K_UNKNOWN_EXCH, K_HUGE_KE, K_HUGE_NONCE, K_HUGE_NATT, K_MUTATED,
	K_ZERO_ICOOKIE, K_REAL_COOKIES_ATK,
	/* ISAKMP with the established SA's cookies, from gwb's address */
	K_REAL_GARBAGE, K_REAL_MM_CLEAR, K_REAL_INFO_CLEAR, K_REAL_INFO_BADHASH, K_REAL_QM_BADHASH,
	K_REAL_QM_HUGE,
	/* ESP */
	E_UNKNOWN_SPI, E_LOW_SPI_RAW, E_LOW_SPI_UDP, E_BAD_ICV, E_TRUNC, E_TRUNC_UDP_TINY, E_SHORT_REAL,
	E_BAD_BLOCK, E_SEQ0, E_REPLAY_CAPTURED, E_ZERO_LEN,
	K_MAX
};

struct kind_info {
	const char *name;
	const char *expect;             /* the counter(s) it should land in */
	unsigned count;
	int esp;                        /* 0: ISAKMP */
	unsigned sent, sent_ike;        /* sent; of which refgw's IKE engine sees */
};

static struct kind_info kinds[K_MAX] = {
	[K_TRUNC_HDR] = { "isakmp truncated header (0..27 B)", "ike malformed", 60, 0, 0, 0 },
	[K_LEN_LONGER] = { "isakmp Length > datagram", "ike malformed", 70, 0, 0, 0 },
	[K_LEN_SHORTER] = { "isakmp Length < datagram", "ike malformed/…", 50, 0, 0, 0 },
	[K_LEN_SILLY] = { "isakmp Length 0..27, 2^31, 2^32-1", "ike malformed", 40, 0, 0, 0 },
	[K_CHAIN_OVERRUN] = { "isakmp payload overruns the message", "ike malformed", 80, 0, 0, 0 },
	[K_CHAIN_LOOP] = { "isakmp payload length 0..3 (loop)", "ike malformed", 60, 0, 0, 0 },
	[K_CHAIN_MANY] = { "isakmp 33..2000 chained payloads", "ike malformed", 30, 0, 0, 0 },
	[K_UNKNOWN_NP] = { "isakmp unknown next-payload type", "ike malformed", 90, 0, 0, 0 },
	[K_BAD_VERSION] = { "isakmp wrong major/minor version", "ike bad version/…", 80, 0, 0, 0 },
	[K_UNKNOWN_EXCH] = { "isakmp unknown exchange type", "ike unknown exchange", 80, 0, 0, 0 },
	[K_HUGE_KE] = { "isakmp KE 1..60 KB (UDP 500)", "ike too big/bad payload", 24, 0, 0, 0 },
	[K_HUGE_NONCE] = { "isakmp Nonce 1..60 KB (UDP 500)", "ike too big/bad payload", 24, 0, 0, 0 },
	[K_HUGE_NATT] = { "isakmp 5..60 KB on UDP 4500", "gw short", 6, 0, 0, 0 },
	[K_MUTATED] = { "isakmp MM1 with 1..8 random bytes", "ike (any)", 250, 0, 0, 0 },
	[K_ZERO_ICOOKIE] = { "isakmp zero initiator cookie", "ike malformed", 20, 0, 0, 0 },
	[K_REAL_COOKIES_ATK] = { "isakmp real cookies, attacker's address", "ike unknown cookie", 30, 0, 0, 0 },
	[K_REAL_GARBAGE] = { "isakmp real cookies, garbage E body", "ike decrypt/state/…", 120, 0, 0, 0 },
	[K_REAL_MM_CLEAR] = { "isakmp real cookies, cleartext MM", "ike state", 20, 0, 0, 0 },
	[K_REAL_INFO_CLEAR] = { "isakmp real cookies, clear Delete", "ike unprotected", 30, 0, 0, 0 },
	[K_REAL_INFO_BADHASH] = { "isakmp real cookies, INFO bad HASH(1)", "ike hash failed", 40, 0, 0, 0 },
	[K_REAL_QM_BADHASH] = { "isakmp real cookies, QM1 bad HASH(1)", "ike hash failed", 20, 0, 0, 0 },
	[K_REAL_QM_HUGE] = { "isakmp real cookies, QM1 9..60 KB", "ike too big", 4, 0, 0, 0 },
	[E_UNKNOWN_SPI] = { "esp unknown SPI", "esp unknown-spi", 100, 1, 0, 0 },
	[E_LOW_SPI_RAW] = { "esp SPI 0..255 (raw 50)", "esp unknown-spi", 256, 1, 0, 0 },
	[E_LOW_SPI_UDP] = { "esp SPI 1..255 (UDP 4500)", "esp unknown-spi", 51, 1, 0, 0 },
	[E_BAD_ICV] = { "esp real SPI, bad ICV", "esp auth", 100, 1, 0, 0 },
	[E_TRUNC] = { "esp 1..7 B (raw 50, UDP 4500)", "esp short", 36, 1, 0, 0 },
	[E_TRUNC_UDP_TINY] = { "udp 4500 0..3 B, not keepalive", "gw short", 10, 1, 0, 0 },
	[E_SHORT_REAL] = { "esp real SPI, < IV+block+ICV", "esp short", 30, 1, 0, 0 },
	[E_BAD_BLOCK] = { "esp real SPI, not a block multiple", "esp bad-block", 30, 1, 0, 0 },
	[E_SEQ0] = { "esp real SPI, sequence number 0", "esp replay", 20, 1, 0, 0 },
	[E_REPLAY_CAPTURED] = { "esp captured packet replayed", "esp replay", 60, 1, 0, 0 },
	[E_ZERO_LEN] = { "esp zero-length (raw 50)", "esp short", 10, 1, 0, 0 },
};

struct attacker {
	int u500, u4500;                /* from the attacker's address */
	int s500, s4500;                /* from gwb's address (IP_TRANSPARENT) */
	int raw50;
};

struct flood_ctx {
	struct attacker a;
	struct p1 p1;
	uint32_t spi_in, spi_out;       /* gwa's */
	struct capture cap;
};

static int udp_bound(uint32_t addr, uint16_t port, int transparent)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(addr) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), one = 1, big = 4 << 20;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if ((transparent && setsockopt(fd, SOL_IP, IP_TRANSPARENT, &one, sizeof(one)) < 0) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int attacker_fn(void *arg)
{
	struct attacker *a = arg;
	int big = 4 << 20;

	a->u500 = udp_bound(ATK_ADDR, 500, 0);
	a->u4500 = udp_bound(ATK_ADDR, 4500, 0);
	a->s500 = udp_bound(GWB_ADDR, 500, 1);
	a->s4500 = udp_bound(GWB_ADDR, 4500, 1);
	a->raw50 = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ESP);
	if (a->raw50 >= 0)
		setsockopt(a->raw50, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
	return a->u500 < 0 || a->u4500 < 0 || a->s500 < 0 || a->s4500 < 0 || a->raw50 < 0 ? -1 : 0;
}

static void attacker_close(struct attacker *a)
{
	int *fds[] = { &a->u500, &a->u4500, &a->s500, &a->s4500, &a->raw50 };
	size_t i;

	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}

static unsigned send_errors;

static void tx(int fd, uint16_t dport, const uint8_t *p, size_t len)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(dport), .sin_addr.s_addr = htonl(GWA_ADDR) };

	if (sendto(fd, p, len, 0, (struct sockaddr *)&to, sizeof(to)) != (ssize_t)len) {
		if (send_errors++ < 5)
			fprintf(stderr, "badinput_lab: sendto %zu bytes to port %u: %s\n", len, dport, strerror(errno));
	}
}

/* An ISAKMP message to UDP 500, or to UDP 4500 behind the non-ESP marker (RFC 3948 §2.2). */
static void tx_ike(struct flood_ctx *f, enum kind k, int spoofed, int natt, const uint8_t *m, size_t len)
{
	static uint8_t buf[PKT_MAX + 4];

	if (natt) {
		if (len + 4 > sizeof(buf))
			return;
		memset(buf, 0, 4);
		memcpy(buf + 4, m, len);
		tx(spoofed ? f->a.s4500 : f->a.u4500, 4500, buf, len + 4);
		kinds[k].sent++;
		if (len + 4 <= NATT_BUF)
			kinds[k].sent_ike++;
	} else {
		tx(spoofed ? f->a.s500 : f->a.u500, 500, m, len);
		kinds[k].sent++;
		kinds[k].sent_ike++;
	}
}

static void tx_esp(struct flood_ctx *f, enum kind k, int udp, const uint8_t *p, size_t len)
{
	if (udp)
		tx(f->a.u4500, 4500, p, len);
	else
		tx(f->a.raw50, 0, p, len);
	kinds[k].sent++;
}

/* An encrypted Informational with the SA's cookies and a wrong HASH(1): Deletes of the
 * IPsec SA (both SPIs) or of the ISAKMP SA, or an R-U-THERE / INITIAL-CONTACT — none may
 * act (RFC 2409 §5.7: HASH(1) verified first). */
static size_t forge_info(struct flood_ctx *f, uint8_t *buf, size_t cap, unsigned variant)
{
	struct isakmp_builder b;
	struct isakmp_hdr h;
	uint8_t hash[HASH_LEN], spis[8], cookies[16], seq[4];
	uint32_t msgid = (uint32_t)rnd() | 1u;
	int len;

	hdr_init(&h, f->p1.icookie, f->p1.rcookie, ISAKMP_EXCH_INFO, ISAKMP_FLAG_E, msgid);
	rnd_fill(hash, sizeof(hash));
	memcpy(cookies, f->p1.icookie, 8);
	memcpy(cookies + 8, f->p1.rcookie, 8);
	wr32(spis, f->spi_out);
	wr32(spis + 4, f->spi_in);
	rnd_fill(seq, 4);
	isakmp_build_init(&b, buf, cap, &h);
	isakmp_build_payload(&b, ISAKMP_PL_HASH, hash, sizeof(hash));
	switch (variant % 4) {
	case 0:
		isakmp_build_delete(&b, IPSEC_DOI, ISAKMP_PROTO_ESP, 4, spis, 2);
		break;
	case 1:
		isakmp_build_delete(&b, IPSEC_DOI, ISAKMP_PROTO_ISAKMP, 16, cookies, 1);
		break;
	case 2:
		isakmp_build_notify(&b, IPSEC_DOI, ISAKMP_PROTO_ISAKMP, ISAKMP_N_R_U_THERE, cookies, 16, seq, 4);
		break;
	default:
		isakmp_build_notify(&b, IPSEC_DOI, ISAKMP_PROTO_ISAKMP, ISAKMP_N_INITIAL_CONTACT, cookies, 16, NULL, 0);
		break;
	}
	len = isakmp_build_finish(&b);
	if (len < 0)
		return 0;
	return p1_seal(&f->p1, buf, (size_t)len, msgid, cap);
}

/* An encrypted QM1 with the SA's cookies, a wrong HASH(1), an ESP proposal and a nonce
 * of nonce_len bytes. */
static size_t forge_qm1(struct flood_ctx *f, uint8_t *buf, size_t cap, size_t nonce_len)
{
	static struct isakmp_sa sa;
	static uint8_t nonce[PKT_MAX];
	struct isakmp_builder b;
	struct isakmp_hdr h;
	struct isakmp_transform *t;
	uint8_t hash[HASH_LEN], spi[4];
	uint32_t msgid = (uint32_t)rnd() | 1u;
	int len;

	hdr_init(&h, f->p1.icookie, f->p1.rcookie, ISAKMP_EXCH_QUICK, ISAKMP_FLAG_E, msgid);
	rnd_fill(hash, sizeof(hash));
	rnd_fill(spi, 4);
	spi[0] |= 0x10;
	memset(&sa, 0, sizeof(sa));
	sa.doi = IPSEC_DOI;
	sa.situation = IPSEC_SIT_IDENTITY_ONLY;
	sa.nproposals = 1;
	sa.proposals[0].number = 1;
	sa.proposals[0].protocol = ISAKMP_PROTO_ESP;
	sa.proposals[0].spi_size = 4;
	sa.proposals[0].spi = spi;
	sa.proposals[0].ntransforms = 1;
	t = &sa.proposals[0].transforms[0];
	t->number = 1;
	t->id = ESP_ENC_AES_CBC;
	t->nattrs = 3;
	t->attrs[0] = (struct isakmp_attr){ .type = IPSEC_ATTR_ENCAP_MODE, .basic = 1, .value = IPSEC_ENCAP_TUNNEL };
	t->attrs[1] = (struct isakmp_attr){ .type = IPSEC_ATTR_AUTH_ALG, .basic = 1, .value = ESP_AUTH_HMAC_SHA1 };
	t->attrs[2] = (struct isakmp_attr){ .type = IPSEC_ATTR_KEY_LEN, .basic = 1, .value = 128 };
	rnd_fill(nonce, nonce_len);
	isakmp_build_init(&b, buf, cap, &h);
	isakmp_build_payload(&b, ISAKMP_PL_HASH, hash, sizeof(hash));
	isakmp_build_sa(&b, &sa);
	isakmp_build_payload(&b, ISAKMP_PL_NONCE, nonce, nonce_len);
	len = isakmp_build_finish(&b);
	if (len < 0)
		return 0;
	return p1_seal(&f->p1, buf, (size_t)len, msgid, cap);
}

/* ESP: SPI, sequence number, then body_len random bytes (IV, "ciphertext", "ICV"). */
static size_t esp_build(uint8_t *buf, uint32_t spi, uint32_t seq, size_t body_len)
{
	wr32(buf, spi);
	wr32(buf + 4, seq);
	rnd_fill(buf + 8, body_len);
	return 8 + body_len;
}

static uint32_t unknown_spi(const struct flood_ctx *f)
{
	uint32_t s;

	do
		s = (uint32_t)rnd();
	while (s < 256 || s == f->spi_in || s == f->spi_out);
	return s;
}

/* Send item i of kind k. Returns the microseconds to wait after it. */
static long flood_one(struct flood_ctx *f, enum kind k, unsigned i)
{
	static uint8_t m[PKT_MAX + 64];
	static const uint8_t empty[4];
	size_t len, offs[64];
	int natt = (int)(i & 1), n;

	switch (k) {
	case K_TRUNC_HDR:
		len = mm1_build(m, sizeof(m), 0, 0);
		tx_ike(f, k, 0, natt, m, rnd_below(ISAKMP_HDR_LEN));
		break;
	case K_LEN_LONGER:
		len = mm1_build(m, sizeof(m), 0, 0);
		wr32(m + 24, (uint32_t)(len + 1 + rnd_below(i % 3 ? 100 : 60000)));
		tx_ike(f, k, 0, natt, m, len);
		break;
	case K_LEN_SHORTER:
		len = mm1_build(m, sizeof(m), 0, 0);
		/* the chain runs past the Length the header declares */
		wr32(m + 24, (uint32_t)(ISAKMP_HDR_LEN + 1 + rnd_below((uint32_t)(len - ISAKMP_HDR_LEN - 1))));
		tx_ike(f, k, 0, natt, m, len);
		break;
	case K_LEN_SILLY: {
		static const uint32_t silly[] = { 0, 1, 4, 27, 0x80000000u, 0xFFFFFFFFu, 0x7FFFFFFFu, 0x10000u };

		len = mm1_build(m, sizeof(m), 0, 0);
		wr32(m + 24, silly[i % (sizeof(silly) / sizeof(silly[0]))]);
		tx_ike(f, k, 0, natt, m, len);
		break;
	}
	case K_CHAIN_OVERRUN:
		len = mm1_build(m, sizeof(m), 0, 64 + rnd_below(64));
		n = chain_offsets(m, len, offs, 64);
		if (n > 0) {
			size_t at = offs[rnd_below((uint32_t)n)], left = len - at;
			uint32_t pl = i % 4 == 0 ? 0xFFFF : (uint32_t)(left + 1 + rnd_below(1000));

			if (pl > 0xFFFF)
				pl = 0xFFFF;
			m[at + 2] = (uint8_t)(pl >> 8);
			m[at + 3] = (uint8_t)pl;
		}
		tx_ike(f, k, 0, natt, m, len);
		break;
	case K_CHAIN_LOOP:
		len = mm1_build(m, sizeof(m), 0, 32);
		n = chain_offsets(m, len, offs, 64);
		if (n > 0) {
			size_t at = offs[rnd_below((uint32_t)n)];

			/* a payload of length 0..3: a parser that trusts it never advances */
			m[at + 2] = 0;
			m[at + 3] = (uint8_t)rnd_below(4);
		}
		tx_ike(f, k, 0, natt, m, len);
		break;
	case K_CHAIN_MANY: {
		struct isakmp_builder b;
		struct isakmp_hdr h;
		uint8_t ic[8];
		unsigned cnt = 33 + rnd_below(i % 2 ? 60 : 1900), c;
		int l;

		rnd_fill(ic, 8);
		ic[0] |= 1;
		hdr_init(&h, ic, NULL, i % 3 ? ISAKMP_EXCH_MAIN : ISAKMP_EXCH_INFO, 0, i % 3 ? 0 : 7);
		isakmp_build_init(&b, m, sizeof(m), &h);
		for (c = 0; c < cnt; c++)
			isakmp_build_payload(&b, c % 2 ? ISAKMP_PL_VID : ISAKMP_PL_NATD, empty, 0);
		l = isakmp_build_finish(&b);
		if (l > 0)
			tx_ike(f, k, 0, natt && l + 4 <= NATT_BUF, m, (size_t)l);
		break;
	}
	case K_UNKNOWN_NP:
		len = mm1_build(m, sizeof(m), 0, 16);
		n = chain_offsets(m, len, offs, 64);
		if (i % 3 == 0 || n == 0)
			m[16] = unknown_payload_type();
		else
			m[offs[rnd_below((uint32_t)n)]] = unknown_payload_type();
		tx_ike(f, k, 0, natt, m, len);
		break;
	case K_BAD_VERSION: {
		uint8_t maj = (uint8_t)(i % 2 ? rnd_below(16) : 1), min = (uint8_t)rnd_below(16);

		if (maj == 1 && min == 0)
			maj = 2;
		len = mm1_build(m, sizeof(m), 0, 0);
		m[17] = (uint8_t)(maj << 4 | min);
		tx_ike(f, k, 0, natt, m, len);
		break;
	}
	case K_UNKNOWN_EXCH:
		len = mm1_build(m, sizeof(m), 0, 0);
		m[18] = unknown_exchange();
		tx_ike(f, k, 0, natt, m, len);
		break;
	case K_HUGE_KE:
		len = mm1_build(m, sizeof(m), 1024 + rnd_below(59000), 32);
		tx_ike(f, k, 0, 0, m, len);
		return 15000;
	case K_HUGE_NONCE:
		len = mm1_build(m, sizeof(m), 0, i % 4 ? 1024 + rnd_below(59000) : 300 + rnd_below(7000));
		tx_ike(f, k, 0, 0, m, len);
		return 15000;
	case K_HUGE_NATT:
		len = mm1_build(m, sizeof(m), 5000 + rnd_below(55000), 0);
		tx_ike(f, k, 0, 1, m, len);
		return 15000;
	case K_MUTATED: {
		unsigned c = 1 + rnd_below(8), q;

		len = mm1_build(m, sizeof(m), i % 5 ? 0 : 128, i % 7 ? 0 : 32);
		for (q = 0; q < c; q++) {
			size_t at = rnd_below((uint32_t)len);

			if (q % 2)
				m[at] ^= (uint8_t)(1u << rnd_below(8));
			else
				m[at] = (uint8_t)rnd();
		}
		m[0] |= 1;              /* stays a non-zero cookie: the zero one is its own kind */
		tx_ike(f, k, 0, natt, m, len);
		break;
	}
	case K_ZERO_ICOOKIE:
		len = mm1_build(m, sizeof(m), 0, 0);
		memset(m, 0, 8);
		tx_ike(f, k, 0, natt, m, len);
		break;
	case K_REAL_COOKIES_ATK: {
		struct isakmp_hdr h;

		hdr_init(&h, f->p1.icookie, f->p1.rcookie, i % 2 ? ISAKMP_EXCH_QUICK : ISAKMP_EXCH_INFO, ISAKMP_FLAG_E,
			 (uint32_t)rnd() | 1u);
		len = 64;
		rnd_fill(m + ISAKMP_HDR_LEN, len);
		memcpy(m, h.icookie, 8);
		memcpy(m + 8, h.rcookie, 8);
		m[16] = ISAKMP_PL_HASH;
		m[17] = 0x10;
		m[18] = h.exchange;
		m[19] = h.flags;
		wr32(m + 20, h.msgid);
		wr32(m + 24, ISAKMP_HDR_LEN + 64);
		tx_ike(f, k, 0, natt, m, ISAKMP_HDR_LEN + 64);
		break;
	}
	case K_REAL_GARBAGE: {
		static const uint8_t exch[] = { ISAKMP_EXCH_QUICK, ISAKMP_EXCH_INFO, ISAKMP_EXCH_MAIN };
		size_t body = i % 4 == 3 ? 1 + rnd_below(300) : (size_t)(1 + rnd_below(40)) * BLOCK;

		memcpy(m, f->p1.icookie, 8);
		memcpy(m + 8, f->p1.rcookie, 8);
		m[16] = i % 5 ? ISAKMP_PL_HASH : (uint8_t)rnd();
		m[17] = 0x10;
		m[18] = exch[i % 3];
		m[19] = ISAKMP_FLAG_E;
		wr32(m + 20, exch[i % 3] == ISAKMP_EXCH_MAIN ? 0 : (uint32_t)rnd() | 1u);
		rnd_fill(m + ISAKMP_HDR_LEN, body);
		wr32(m + 24, (uint32_t)(ISAKMP_HDR_LEN + body));
		tx_ike(f, k, 1, natt, m, ISAKMP_HDR_LEN + body);
		break;
	}
	case K_REAL_MM_CLEAR: {
		struct isakmp_builder b;
		struct isakmp_hdr h;
		uint8_t ke[128];
		int l;

		hdr_init(&h, f->p1.icookie, i % 2 ? f->p1.rcookie : NULL, ISAKMP_EXCH_MAIN, 0, 0);
		rnd_fill(ke, sizeof(ke));
		isakmp_build_init(&b, m, sizeof(m), &h);
		isakmp_build_payload(&b, ISAKMP_PL_KE, ke, sizeof(ke));
		isakmp_build_payload(&b, ISAKMP_PL_NONCE, ke, 32);
		l = isakmp_build_finish(&b);
		if (l > 0)
			tx_ike(f, k, 1, natt, m, (size_t)l);
		break;
	}
	case K_REAL_INFO_CLEAR: {
		struct isakmp_builder b;
		struct isakmp_hdr h;
		uint8_t spis[8], cookies[16];
		int l;

		hdr_init(&h, f->p1.icookie, f->p1.rcookie, ISAKMP_EXCH_INFO, 0, (uint32_t)rnd() | 1u);
		wr32(spis, f->spi_out);
		wr32(spis + 4, f->spi_in);
		memcpy(cookies, f->p1.icookie, 8);
		memcpy(cookies + 8, f->p1.rcookie, 8);
		isakmp_build_init(&b, m, sizeof(m), &h);
		if (i % 2)
			isakmp_build_delete(&b, IPSEC_DOI, ISAKMP_PROTO_ESP, 4, spis, 2);
		else
			isakmp_build_delete(&b, IPSEC_DOI, ISAKMP_PROTO_ISAKMP, 16, cookies, 1);
		l = isakmp_build_finish(&b);
		if (l > 0)
			tx_ike(f, k, 1, natt, m, (size_t)l);
		break;
	}
	case K_REAL_INFO_BADHASH:
		len = forge_info(f, m, sizeof(m), i);
		if (len)
			tx_ike(f, k, 1, natt, m, len);
		break;
	case K_REAL_QM_BADHASH:
		len = forge_qm1(f, m, sizeof(m), i % 2 ? 16 + rnd_below(48) : 1000 + rnd_below(6800));
		if (len)
			tx_ike(f, k, 1, natt && len + 4 <= NATT_BUF, m, len);
		break;
	case K_REAL_QM_HUGE:
		len = forge_qm1(f, m, sizeof(m), 9000 + rnd_below(50000));
		if (len)
			tx_ike(f, k, 1, 0, m, len);
		return 15000;
	case E_UNKNOWN_SPI:
		len = esp_build(m, unknown_spi(f), 1 + rnd_below(1000), 16 + rnd_below(1400));
		tx_esp(f, k, natt, m, len);
		break;
	case E_LOW_SPI_RAW:
		len = esp_build(m, i & 255, 1 + rnd_below(1000), rnd_below(200));
		tx_esp(f, k, 0, m, len);
		break;
	case E_LOW_SPI_UDP:
		/* SPI 0 on UDP 4500 is the non-ESP marker (an IKE message): 1..255 here */
		len = esp_build(m, 1 + (i * 5) % 255, 1 + rnd_below(1000), 8 + rnd_below(200));
		tx_esp(f, k, 1, m, len);
		break;
	case E_BAD_ICV:
		/* right of the window, a valid layout, an ICV that cannot match */
		len = esp_build(m, f->spi_in, 0x40000000u + i, BLOCK + BLOCK * (1 + rnd_below(8)) + ESP_ICV);
		tx_esp(f, k, natt, m, len);
		break;
	case E_TRUNC:
		len = 1 + rnd_below(7);
		wr32(m, f->spi_in);
		rnd_fill(m + 4, 4);
		if (natt && len < 4)
			len = 4 + rnd_below(4);  /* shorter than 4 on UDP 4500 is a gateway drop */
		if (natt)
			m[0] |= 0x80;   /* never the marker */
		tx_esp(f, k, natt, m, len);
		break;
	case E_TRUNC_UDP_TINY:
		len = i % 4;
		rnd_fill(m, len);
		if (len == 1 && m[0] == 0xFF)
			m[0] = 0xFE;    /* 0xFF alone is a NAT-keepalive (RFC 3948 §2.3) */
		tx_esp(f, k, 1, m, len);
		break;
	case E_SHORT_REAL:
		len = esp_build(m, f->spi_in, 0x40000000u + i, rnd_below(BLOCK + BLOCK + ESP_ICV));
		tx_esp(f, k, 0, m, len);
		break;
	case E_BAD_BLOCK:
		len = esp_build(m, f->spi_in, 0x40000000u + i, BLOCK + BLOCK * 2 + 1 + rnd_below(BLOCK - 1) + ESP_ICV);
		tx_esp(f, k, 0, m, len);
		break;
	case E_SEQ0:
		len = esp_build(m, f->spi_in, 0, BLOCK + BLOCK * 2 + ESP_ICV);
		tx_esp(f, k, natt, m, len);
		break;
	case E_REPLAY_CAPTURED:
		tx_esp(f, k, natt, f->cap.esp, f->cap.esp_len);
		break;
	case E_ZERO_LEN:
		tx_esp(f, k, 0, m, 0);
		break;
	case K_MAX:
		break;
	}
	return 2500;
}

struct item {
	uint8_t kind;
	uint16_t idx;
};

static int flood(struct flood_ctx *f)
{
	struct item *items;
	unsigned n = 0, i, k;

	for (k = 0; k < K_MAX; k++)
		n += kinds[k].count;
	items = calloc(n, sizeof(*items));
	if (!items)
		return -1;
	n = 0;
	for (k = 0; k < K_MAX; k++)
		for (i = 0; i < kinds[k].count; i++)
			items[n++] = (struct item){ (uint8_t)k, (uint16_t)i };
	/* Fisher–Yates with the seeded generator: every kind spread over the whole flood */
	for (i = n - 1; i > 0; i--) {
		unsigned j = rnd_below(i + 1);
		struct item t = items[i];

		items[i] = items[j];
		items[j] = t;
	}
	for (i = 0; i < n; i++)
		sleep_us(flood_one(f, (enum kind)items[i].kind, items[i].idx));
	free(items);
	return 0;
}

/* --- sanitizer reports ------------------------------------------------------------------- */

static int scan_stderr(int gw)
{
	static const char *const marks[] = { "AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
					     "runtime error:", "SUMMARY:" };
	char path[512], line[1024];
	FILE *fp;
	int bad = 0;
	size_t i;

	node_file(gw, "refgw.err", path, sizeof(path));
	fp = fopen(path, "r");
	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp))
		for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
			if (strstr(line, marks[i])) {
				if (bad++ < 20)
					fprintf(stderr, "badinput_lab: %s refgw stderr: %s", gw_names[gw], line);
				break;
			}
	fclose(fp);
	return bad;
}

static int stop_refgw(int gw, pid_t pid)
{
	int64_t end = now_ms() + 15000;
	int st = 0;

	if (pid <= 0)
		return -1;
	kill(pid, SIGTERM);
	while (now_ms() < end) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid) {
			shm->refgw[gw] = 0;
			if (WIFEXITED(st))
				return WEXITSTATUS(st);
			fprintf(stderr, "badinput_lab: %s refgw killed by signal %d\n", gw_names[gw], WTERMSIG(st));
			return 128 + WTERMSIG(st);
		}
		sleep_ms(20);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	shm->refgw[gw] = 0;
	fprintf(stderr, "badinput_lab: %s refgw ignored SIGTERM for 15 s\n", gw_names[gw]);
	return -1;
}

/* --- the table ----------------------------------------------------------------------- */

static void print_delta(const char *what, const struct kv *b, int nb, const struct kv *a, int na)
{
	int i;

	for (i = 0; i < na; i++) {
		uint64_t before = kv_get(b, nb, a[i].name);

		/* signed: per-SA ESP drops leave `show counters` with their SA */
		if (a[i].v != before)
			printf("  %-4s %-18s %8" PRIu64 " %8" PRIu64 " %8" PRId64 "\n", what, a[i].name, before, a[i].v,
			       (int64_t)(a[i].v - before));
	}
}

static uint64_t delta(const struct kv *b, int nb, const struct kv *a, int na, const char *name)
{
	uint64_t x = kv_get(a, na, name), y = kv_get(b, nb, name);

	return x > y ? x - y : 0;
}

/* --- the test body (a child of the lab owner) ---------------------------------------- */

static int body(void)
{
	static struct flood_ctx f;
	static struct pinger ping, ping2;
	struct ipsec_list ia = { 0 }, ib = { 0 }, ia2 = { 0 }, ib2 = { 0 };
	struct isakmp_list ka = { 0 }, ka2 = { 0 };
	struct counters before, after;
	pid_t pid_a, pid_b;
	int cap_fd, i;
	unsigned sent_ike = 0, sent_esp = 0, sent_isakmp = 0, s, ok, k;
	uint64_t ike_drops, tol, kdrops;
	uint32_t responder;
	int64_t t0 = now_ms(), t_flood;
	const char *seed = getenv("BADINPUT_SEED");

	if (seed && *seed)
		rng = strtoull(seed, NULL, 0) | 1u;
	printf("badinput_lab: run %s, seed 0x%" PRIx64 ", output in %s\n", run.runid, rng, BADINPUT_OUT);
	if (prepare_dirs() < 0) {
		CHECK(0, "%s: %s", BADINPUT_OUT, strerror(errno));
		return 1;
	}
	cap_fd = capture_open(ns_gwa);
	if (!CHECK(cap_fd >= 0, "packet socket in gwa: %s", strerror(errno)))
		return 1;

	/* 1. two gateways, a ping over flow 1 */
	pid_a = shm->refgw[0] = spawn_refgw(0, ns_gwa);
	pid_b = shm->refgw[1] = spawn_refgw(1, ns_gwb);
	if (!CHECK(pid_a > 0 && pid_b > 0, "fork: %s", strerror(errno)))
		return 1;
	if (!CHECK(wait_ready(0, ns_gwa, pid_a, 15000) == 0, "gwa refgw not ready (see %s/gwa/refgw.err)", BADINPUT_OUT) ||
	    !CHECK(wait_ready(1, ns_gwb, pid_b, 15000) == 0, "gwb refgw not ready (see %s/gwb/refgw.err)", BADINPUT_OUT))
		return 1;
	if (!CHECK(ping_open(&ping, ns_gwa, A_LO1, B_LO1, (uint16_t)(getpid() ^ 0xB1)) == 0, "ping socket: %s",
		   strerror(errno)))
		return 1;
	pthread_create(&ping.thread, NULL, ping_thread, &ping);
	if (!CHECK(ping_until_reply(&ping, 15000) == 0, "no ping reply over the SA within 15 s (see %s/*/refgw.log)",
		   BADINPUT_OUT)) {
		ping_close(&ping);
		return 1;
	}
	printf("badinput_lab: SA up after %" PRId64 " ms (%u pings sent before the first reply)\n", now_ms() - t0,
	       ping.nsent);
	ping_set(&ping, PH_PRE, 1);
	sleep_ms(1000);

	/* 2. what the flood is checked against */
	CHECK(read_ipsec(ns_gwa, &ia) == 0 && ia.n == 1, "gwa: %d IPsec SA(s), expected 1", ia.n);
	CHECK(read_ipsec(ns_gwb, &ib) == 0 && ib.n == 1, "gwb: %d IPsec SA(s), expected 1", ib.n);
	CHECK(read_isakmp(ns_gwa, &ka) == 0 && ka.n == 1 && !strcmp(ka.sa[0].state, "QM_IDLE"),
	      "gwa: %d ISAKMP SA(s) (%s), expected 1 QM_IDLE", ka.n, ka.n ? ka.sa[0].state : "-");
	if (failures)
		goto out_ping;
	CHECK(ia.sa[0].spi_in == ib.sa[0].spi_out && ia.sa[0].spi_out == ib.sa[0].spi_in,
	      "SPIs do not mirror: gwa in 0x%08X out 0x%08X, gwb in 0x%08X out 0x%08X", ia.sa[0].spi_in,
	      ia.sa[0].spi_out, ib.sa[0].spi_in, ib.sa[0].spi_out);
	f.spi_in = ia.sa[0].spi_in;
	f.spi_out = ia.sa[0].spi_out;
	memcpy(f.p1.icookie, ka.sa[0].icookie, 8);
	memcpy(f.p1.rcookie, ka.sa[0].rcookie, 8);
	responder = ka.sa[0].initiator ? GWB_ADDR : GWA_ADDR;
	capture_drain(cap_fd, &f.cap, f.p1.icookie, f.p1.rcookie, responder, f.spi_in);
	close(cap_fd);
	CHECK(read_p1_key(f.p1.icookie, f.p1.key, &f.p1.key_len) == 0 && f.p1.key_len == 16,
	      "gwa's ikev1_decryption_table has no AES-128 key for the SA (%zu bytes)", f.p1.key_len);
	CHECK(f.cap.have_p1_last, "MM6 of the SA not captured in gwa's namespace");
	CHECK(f.cap.esp_len > 0, "no ESP packet of gwb to SPI 0x%08X captured", f.spi_in);
	if (failures)
		goto out_ping;
	memcpy(f.p1.last, f.cap.p1_last, BLOCK);
	printf("badinput_lab: gwa SA: spi in 0x%08X out 0x%08X (%s), ISAKMP %s (%s, peer port %u), "
	       "%u ESP packets of gwb captured\n", f.spi_in, f.spi_out, ia.sa[0].mode, ka.sa[0].state,
	       ka.sa[0].initiator ? "initiator" : "responder", ka.sa[0].remote_port, f.cap.esp_seen);
	CHECK(read_counters(ns_gwa, &before) == 0, "gwa: json show counters unreadable");
	kdrops = udp_rcvbuf_errors(ns_gwa);

	/* 3. the flood */
	f.a = (struct attacker){ -1, -1, -1, -1, -1 };
	if (!CHECK(lab_in_ns(ns_atk, attacker_fn, &f.a) == 0, "attacker sockets: %s", strerror(errno))) {
		attacker_close(&f.a);
		goto out_ping;
	}
	ping_set(&ping, PH_FLOOD, 1);
	t_flood = now_ms();
	flood(&f);
	t_flood = now_ms() - t_flood;
	attacker_close(&f.a);
	ping_set(&ping, PH_POST, 1);
	sleep_ms(2000);
	ping_set(&ping, PH_POST, 0);
	sleep_ms(1200);                 /* late replies */

	/* 4. the checks */
	CHECK(alive(0, pid_a) && shm->refgw[0] == pid_a, "gwa refgw (pid %d) is gone", (int)pid_a);
	CHECK(alive(1, pid_b) && shm->refgw[1] == pid_b, "gwb refgw (pid %d) is gone", (int)pid_b);
	CHECK(read_counters(ns_gwa, &after) == 0, "gwa: json show counters unreadable after the flood");
	kdrops = udp_rcvbuf_errors(ns_gwa) - kdrops;
	CHECK(read_ipsec(ns_gwa, &ia2) == 0 && ia2.n == 1 && ia2.sa[0].spi_in == ia.sa[0].spi_in &&
	      ia2.sa[0].spi_out == ia.sa[0].spi_out, "gwa IPsec SAs changed: %d SA(s), first in 0x%08X out 0x%08X",
	      ia2.n, ia2.sa[0].spi_in, ia2.sa[0].spi_out);
	CHECK(read_ipsec(ns_gwb, &ib2) == 0 && ib2.n == 1 && ib2.sa[0].spi_in == ib.sa[0].spi_in &&
	      ib2.sa[0].spi_out == ib.sa[0].spi_out, "gwb IPsec SAs changed: %d SA(s), first in 0x%08X out 0x%08X",
	      ib2.n, ib2.sa[0].spi_in, ib2.sa[0].spi_out);
	CHECK(read_isakmp(ns_gwa, &ka2) == 0 && ka2.n == 1 && !strcmp(ka2.sa[0].state, "QM_IDLE") &&
	      !memcmp(ka2.sa[0].icookie, f.p1.icookie, 8) && !memcmp(ka2.sa[0].rcookie, f.p1.rcookie, 8),
	      "gwa ISAKMP SAs changed: %d SA(s), first %s", ka2.n, ka2.n ? ka2.sa[0].state : "-");
	/* spoofed messages on UDP 4500 must not float the SA (RFC 3947 §4: only MM5/MM6 do) */
	CHECK(ka2.sa[0].remote_port == ka.sa[0].remote_port && !strcmp(ia2.sa[0].mode, ia.sa[0].mode),
	      "gwa's SA moved: ISAKMP peer port %u -> %u, ESP mode '%s' -> '%s'", ka.sa[0].remote_port,
	      ka2.sa[0].remote_port, ia.sa[0].mode, ia2.sa[0].mode);

	printf("\nbadinput_lab: flood of %" PRId64 " ms at gwa %s (attacker %s, spoofed source %s)\n", t_flood,
	       ipstr(GWA_ADDR), ipstr(ATK_ADDR), ipstr(GWB_ADDR));
	printf("  %-40s %6s %6s  %s\n", "kind", "sent", "to IKE", "expected counter");
	for (k = 0; k < K_MAX; k++) {
		char to_ike[16] = "";

		if (!kinds[k].esp)
			snprintf(to_ike, sizeof(to_ike), "%u", kinds[k].sent_ike);
		printf("  %-40s %6u %6s  %s\n", kinds[k].name, kinds[k].sent, to_ike, kinds[k].expect);
		if (kinds[k].esp)
			sent_esp += kinds[k].sent;
		else {
			sent_isakmp += kinds[k].sent;
			sent_ike += kinds[k].sent_ike;
		}
	}
	printf("  malformed ISAKMP sent %u (%u reach the IKE engine), malformed ESP sent %u, send errors %u,\n"
	       "  UDP datagrams gwa's kernel dropped on full socket buffers %" PRIu64 "\n",
	       sent_isakmp, sent_ike, sent_esp, send_errors, kdrops);
	printf("\n  gwa counters          before    after    delta\n");
	printf("  ike  %-18s %8" PRIu64 " %8" PRIu64 " %8" PRIu64 "\n", "received", before.ike_rx, after.ike_rx,
	       after.ike_rx - before.ike_rx);
	print_delta("ike", before.ike, before.nike, after.ike, after.nike);
	print_delta("esp", before.esp, before.nesp, after.esp, after.nesp);
	print_delta("gw", before.gw, before.ngw, after.gw, after.ngw);

	ike_drops = kv_sum(after.ike, after.nike) - kv_sum(before.ike, before.nike);
	/* a datagram the kernel dropped (refgw busy) never reached refgw: not refgw's to count */
	tol = sent_ike / 100 + 2 + kdrops;
	CHECK(kdrops * 20 <= sent_ike, "gwa's kernel dropped %" PRIu64 " datagrams on full socket buffers: refgw "
	      "did not keep up with ~300 packets/s", kdrops);
	CHECK(sent_isakmp >= 1000 && sent_esp >= 500, "flood too small: %u ISAKMP, %u ESP", sent_isakmp, sent_esp);
	CHECK(ike_drops + tol >= sent_ike, "IKE drops %" PRIu64 " < %u malformed ISAKMP sent to the engine - %" PRIu64,
	      ike_drops, sent_ike, tol);
	CHECK(delta(before.ike, before.nike, after.ike, after.nike, "hash failed") >=
	      kinds[K_REAL_INFO_BADHASH].sent + kinds[K_REAL_QM_BADHASH].sent,
	      "hash drops %" PRIu64 " < %u forged encrypted INFO/QM1 with a bad HASH(1)",
	      delta(before.ike, before.nike, after.ike, after.nike, "hash failed"),
	      kinds[K_REAL_INFO_BADHASH].sent + kinds[K_REAL_QM_BADHASH].sent);
	CHECK(delta(before.ike, before.nike, after.ike, after.nike, "unprotected") >= kinds[K_REAL_INFO_CLEAR].sent,
	      "unprotected drops < %u cleartext Deletes", kinds[K_REAL_INFO_CLEAR].sent);
	CHECK(delta(before.ike, before.nike, after.ike, after.nike, "unknown cookie") >= kinds[K_REAL_COOKIES_ATK].sent,
	      "unknown-cookie drops < %u real cookies from the attacker's address", kinds[K_REAL_COOKIES_ATK].sent);
	CHECK(delta(before.ike, before.nike, after.ike, after.nike, "too big") >= kinds[K_REAL_QM_HUGE].sent,
	      "too-big drops < %u", kinds[K_REAL_QM_HUGE].sent);
	{
		static const char *const esp_reasons[] = { "unknown-spi", "auth", "replay", "short", "bad-block" };

		for (k = 0; k < sizeof(esp_reasons) / sizeof(esp_reasons[0]); k++)
			CHECK(delta(before.esp, before.nesp, after.esp, after.nesp, esp_reasons[k]) > 0,
			      "no ESP drop counted as %s", esp_reasons[k]);
	}
	CHECK(delta(before.esp, before.nesp, after.esp, after.nesp, "unknown-spi") + tol >=
	      kinds[E_UNKNOWN_SPI].sent + kinds[E_LOW_SPI_RAW].sent + kinds[E_LOW_SPI_UDP].sent,
	      "unknown-spi drops below the %u unknown/reserved SPIs sent",
	      kinds[E_UNKNOWN_SPI].sent + kinds[E_LOW_SPI_RAW].sent + kinds[E_LOW_SPI_UDP].sent);
	CHECK(delta(before.esp, before.nesp, after.esp, after.nesp, "replay") + tol >=
	      kinds[E_SEQ0].sent + kinds[E_REPLAY_CAPTURED].sent, "replay drops below the %u replays sent",
	      kinds[E_SEQ0].sent + kinds[E_REPLAY_CAPTURED].sent);
	CHECK(delta(before.esp, before.nesp, after.esp, after.nesp, "auth") + tol >= kinds[E_BAD_ICV].sent,
	      "auth drops below the %u bad ICVs sent", kinds[E_BAD_ICV].sent);
	CHECK(delta(before.gw, before.ngw, after.gw, after.ngw, "short") >=
	      kinds[E_TRUNC_UDP_TINY].sent + kinds[K_HUGE_NATT].sent,
	      "gateway short drops below the %u tiny/oversized UDP 4500 datagrams",
	      kinds[E_TRUNC_UDP_TINY].sent + kinds[K_HUGE_NATT].sent);

	printf("\n  ping 10.10.1.1 -> 10.20.1.1 every 100 ms   sent  replies\n");
	for (i = PH_SETUP; i < PH_MAX; i++) {
		static const char *const ph[] = { "until the SA", "before the flood", "during the flood", "after the flood" };

		ping_stats(&ping, i, &s, &ok);
		printf("  %-40s %6u %8u\n", ph[i], s, ok);
		if (i == PH_FLOOD)
			CHECK(s > 0 && ok * 100 >= s * 95, "ping during the flood: %u of %u replies (< 95 %%)", ok, s);
		if (i == PH_POST)
			CHECK(s > 0 && ok == s, "ping after the flood: %u of %u replies (expected all)", ok, s);
	}
	ping_close(&ping);

	/* the ISAKMP SA still works: flow 2 gets its Quick Mode over it */
	if (CHECK(ping_open(&ping2, ns_gwa, A_LO2, B_LO2, (uint16_t)(getpid() ^ 0xB2)) == 0, "ping socket 2")) {
		pthread_create(&ping2.thread, NULL, ping_thread, &ping2);
		CHECK(ping_until_reply(&ping2, 10000) == 0, "flow 2 (10.10.2.1 -> 10.20.2.1): no reply within 10 s");
		ping_close(&ping2);
		if (CHECK(read_isakmp(ns_gwa, &ka2) == 0 && ka2.n == 1 && !memcmp(ka2.sa[0].icookie, f.p1.icookie, 8),
			  "flow 2 did not reuse the ISAKMP SA: %d ISAKMP SA(s)", ka2.n) &
		    CHECK(read_ipsec(ns_gwa, &ia2) == 0 && ia2.n == 2 &&
			  (ia2.sa[0].spi_in == f.spi_in || ia2.sa[1].spi_in == f.spi_in),
			  "after flow 2: %d IPsec SA(s) on gwa, flow 1's 0x%08X expected among 2", ia2.n, f.spi_in))
			printf("\nbadinput_lab: flow 2 negotiated over the same ISAKMP SA after the flood\n");
	}
	goto stop;

out_ping:
	ping_close(&ping);
stop:
	/* 5. SIGTERM, exit 0, nothing from the sanitizers */
	{
		int ra = stop_refgw(0, pid_a), rb = stop_refgw(1, pid_b);

		CHECK(ra == 0, "gwa refgw exit status %d (see %s/gwa/refgw.err)", ra, BADINPUT_OUT);
		CHECK(rb == 0, "gwb refgw exit status %d (see %s/gwb/refgw.err)", rb, BADINPUT_OUT);
		CHECK(scan_stderr(0) == 0, "sanitizer report in gwa's refgw stderr");
		CHECK(scan_stderr(1) == 0, "sanitizer report in gwb's refgw stderr");
	}
	printf("badinput_lab: %s in %" PRId64 " ms\n", failures ? "FAILED" : "passed", now_ms() - t0);
	return failures ? 1 : 0;
}

/* --- the lab owner ---------------------------------------------------------------------- */

int main(void)
{
	char err[LAB_ERR_MAX], path[512];
	pid_t child;
	int st = 0, rc, gw;
	int64_t deadline;

	if (geteuid() != 0) {
		printf("badinput_lab: needs root (network namespaces): skipped\n");
		return 77;
	}
	if (access(REFGW_BIN, X_OK) < 0) {
		fprintf(stderr, "badinput_lab: %s: %s\n", REFGW_BIN, strerror(errno));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		return 1;
	memset(shm, 0, sizeof(*shm));
	/* orphaned refgws come back to us, so they can be killed by PID */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	snprintf(path, sizeof(path), "%s/badinput.lab", BADINPUT_DIR);
	if (lab_topo_load(path, &topo, err, sizeof(err)) < 0) {
		fprintf(stderr, "badinput_lab: %s\n", err);
		return 1;
	}
	lab_clean_stale(err, sizeof(err));
	if (lab_up(&run, &topo, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "badinput_lab: lab_up: %s\n", err);
		lab_down(&run);
		return 1;
	}
	ns_gwa = lab_node_fd(&run, "gwa");
	ns_gwb = lab_node_fd(&run, "gwb");
	ns_atk = lab_node_fd(&run, "attacker");
	child = fork();
	if (child == 0)
		_exit(ns_gwa < 0 || ns_gwb < 0 || ns_atk < 0 ? 1 : body());
	deadline = now_ms() + 100000;
	rc = 1;
	while (child > 0) {
		pid_t r = waitpid(child, &st, WNOHANG);

		if (r == child) {
			if (WIFEXITED(st))
				rc = WEXITSTATUS(st);
			else
				fprintf(stderr, "badinput_lab: test body killed by signal %d\n", WTERMSIG(st));
			break;
		}
		if (now_ms() > deadline) {
			fprintf(stderr, "badinput_lab: test body still running after 100 s: killed\n");
			kill(child, SIGKILL);
			waitpid(child, &st, 0);
			break;
		}
		sleep_ms(50);
	}
	for (gw = 0; gw < 2; gw++)
		if (shm->refgw[gw] > 0) {
			kill(shm->refgw[gw], SIGKILL);
			waitpid(shm->refgw[gw], NULL, 0);
		}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	lab_down(&run);
	return rc;
}
