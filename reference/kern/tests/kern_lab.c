/* kern_lab.c — the Linux kern_ops against a real kernel (label "lab", needs root; exit
 * 77 otherwise). Two namespaces joined by a veth:
 *
 *   ihhdev-kern-b (a host)  vb 10.9.1.2/24 ──── va 10.9.1.1/24  ihhdev-kern-a (a gateway)
 *                           default via 10.9.1.1                 refgw0 (TUN), default via 10.9.1.2
 *
 * In a, through kern_linux(): TUN, addresses, routes, steering of 10.9.1.0/24 →
 * 20.1.1.0/24 into the TUN. Then: a ping from b to 20.1.1.1 is forwarded by a and read
 * from the TUN fd (the ICMP bytes compared); a packet a generates itself from 10.9.1.1
 * lands on the TUN too (output chain) unless it comes from refgw's own marked socket;
 * a packet written into the TUN reaches b; the raw ESP socket receives proto 50 sent
 * from b and sends from a chosen source; the UDP socket reports the local address
 * (IP_PKTINFO) and answers from it; route_dump lists connected and static routes;
 * steer_set replaces a set; steer_clear removes table, rule and route (checked with
 * nft(8) and ip(8) as independent witnesses).
 *
 * The parent process builds and removes the namespaces; the test body runs in a child,
 * so the namespaces go whatever the body does (fail, crash, sanitizer abort).
 */
#include "kern.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cksum.h"

#define NS_A "ihhdev-kern-a"
#define NS_B "ihhdev-kern-b"
#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

#define A_ADDR  IP(10, 9, 1, 1)
#define A_ADDR2 IP(10, 9, 1, 3)
#define B_ADDR  IP(10, 9, 1, 2)
#define REMOTE  IP(20, 1, 1, 1)

static int failures;
static int ns_a = -1, ns_b = -1;
static char err[512];

#define CHECK(cond, ...) check_((cond), __LINE__, #cond, __VA_ARGS__)
#define REQUIRE(cond, ...) do {                                      \
		if (!check_((cond), __LINE__, #cond, __VA_ARGS__))   \
			exit(1);                                     \
	} while (0)

static int check_(int ok, int line, const char *what, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int check_(int ok, int line, const char *what, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return 1;
	fprintf(stderr, "FAIL kern_lab.c:%d: %s: ", line, what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	failures++;
	return 0;
}

/* Run a shell command; returns its exit status (-1 if it did not exit). */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Output of a command (first 8 KiB). */
static void sh_out(char *out, size_t len, const char *cmd)
{
	FILE *f = popen(cmd, "r");
	size_t n = 0;

	out[0] = 0;
	if (!f)
		return;
	n = fread(out, 1, len - 1, f);
	out[n] = 0;
	pclose(f);
}

static void enter(int fd)
{
	REQUIRE(setns(fd, CLONE_NEWNET) == 0, "setns: %s", strerror(errno));
}

static int readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

/* Read TUN packets for up to ms until one with this protocol and destination. */
static int tun_wait(int tun, uint8_t proto, uint32_t dst, uint8_t *buf, size_t cap, struct kern_ipv4 *ip, int ms)
{
	struct kern_pkt p = { .buf = buf, .cap = cap };
	int waited = 0;

	while (waited < ms) {
		if (!readable(tun, 50)) {
			waited += 50;
			continue;
		}
		while (kern_tun_read(tun, &p, 1) == 1) {
			if (p.drop == CODEC_OK && kern_ipv4_parse(buf, p.len, ip) == CODEC_OK && ip->proto == proto &&
			    ip->dst == dst)
				return (int)p.len;
		}
	}
	return -1;
}

static void ip_header(uint8_t *p, size_t tot, uint8_t proto, uint32_t src, uint32_t dst)
{
	uint16_t ck;

	memset(p, 0, 20);
	p[0] = 0x45;
	p[2] = (uint8_t)(tot >> 8);
	p[3] = (uint8_t)tot;
	p[8] = 64;
	p[9] = proto;
	for (int i = 0; i < 4; i++) {
		p[12 + i] = (uint8_t)(src >> (24 - 8 * i));
		p[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
	}
	ck = cksum_finish(cksum_add(0, p, 20));
	p[10] = (uint8_t)(ck >> 8);
	p[11] = (uint8_t)ck;
}

static struct sockaddr_in sin_of(uint32_t a, uint16_t port)
{
	struct sockaddr_in s = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(a) };

	return s;
}

struct dump {
	int n, connected_lan, static_ok, rri_ok, default_ok, steer_ok;
};

static void dump_cb(void *arg, const struct kern_route *r, int connected)
{
	struct dump *d = arg;
	char text[160];

	d->n++;
	printf("  route: %s%s\n", kern_route_str(r, text, sizeof(text)), connected ? " (connected)" : "");
	if (connected && r->dst == IP(10, 9, 1, 0) && r->plen == 24 && strcmp(r->oif, "va") == 0)
		d->connected_lan = 1;
	if (!connected && r->dst == IP(20, 2, 0, 0) && r->plen == 16 && r->via == B_ADDR && r->metric == 5 &&
	    r->realm == 99 && r->protocol == RTPROT_STATIC)
		d->static_ok = 1;
	if (r->dst == IP(20, 3, 0, 0) && r->plen == 16 && strcmp(r->oif, "refgw0") == 0 &&
	    r->protocol == KERN_RTPROT_RRI && r->realm == 99)
		d->rri_ok = 1;
	if (r->plen == 0 && r->via == B_ADDR)
		d->default_ok = 1;
	if (r->plen == 0 && strcmp(r->oif, "refgw0") == 0 && r->protocol == KERN_RTPROT_STEER)
		d->steer_ok = 1;
}

static int body(void)
{
	const struct kern_ops *ops = kern_linux();
	void *k = ops->k;
	struct kern_steer sel = { .src = IP(10, 9, 1, 0), .src_plen = 24, .dst = IP(20, 1, 1, 0), .dst_plen = 24 };
	struct kern_steer sel2[2] = {
		{ IP(10, 9, 1, 0), 24, IP(20, 1, 1, 0), 24, IPPROTO_ICMP },
		{ IP(10, 9, 1, 0), 24, IP(20, 4, 0, 0), 16, 0 },
	};
	struct kern_route r;
	struct kern_ipv4 ip;
	struct dump d;
	uint8_t buf[2048], mac[6];
	char out[8192];
	int tun, tunidx, admin = -1, carrier = -1, i, esp, udp, icmp_b, esp_b, udp_b, s;
	int vaidx;

	/* --- b: a host behind the gateway ---------------------------------------------- */
	enter(ns_b);
	REQUIRE(ops->link_set_up(k, "lo", 1, err, sizeof(err)) == 0, "%s", err);
	REQUIRE(ops->link_set_up(k, "vb", 1, err, sizeof(err)) == 0, "%s", err);
	REQUIRE(ops->addr_add(k, "vb", B_ADDR, 24, err, sizeof(err)) == 0, "%s", err);
	r = (struct kern_route){ .via = A_ADDR };
	REQUIRE(ops->route_add(k, &r, err, sizeof(err)) == 0, "%s", err);
	icmp_b = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	esp_b = socket(AF_INET, SOCK_RAW, IPPROTO_ESP);
	udp_b = socket(AF_INET, SOCK_DGRAM, 0);
	REQUIRE(icmp_b >= 0 && esp_b >= 0 && udp_b >= 0, "sockets in b: %s", strerror(errno));
	{
		struct sockaddr_in me = sin_of(B_ADDR, 7777);

		REQUIRE(bind(udp_b, (struct sockaddr *)&me, sizeof(me)) == 0, "bind b: %s", strerror(errno));
	}

	/* --- a: the gateway -------------------------------------------------------------- */
	enter(ns_a);
	REQUIRE(ops->sysctl(k, "net/ipv4/ip_forward", "1", err, sizeof(err)) == 0, "%s", err);
	REQUIRE(ops->sysctl(k, "net/ipv4/conf/all/rp_filter", "0", err, sizeof(err)) == 0, "%s", err);
	REQUIRE(ops->link_set_up(k, "lo", 1, err, sizeof(err)) == 0, "%s", err);
	REQUIRE(ops->link_set_up(k, "va", 1, err, sizeof(err)) == 0, "%s", err);
	REQUIRE(ops->addr_add(k, "va", A_ADDR, 24, err, sizeof(err)) == 0, "%s", err);
	CHECK(ops->addr_add(k, "va", A_ADDR, 24, err, sizeof(err)) == -1 && errno == EEXIST, "duplicate address: %s",
	      err);
	CHECK(ops->addr_add(k, "nosuch0", A_ADDR, 24, err, sizeof(err)) == -1 && strstr(err, "nosuch0"),
	      "unknown interface: %s", err);
	tun = ops->tun_open(k, "refgw0", 1400, &tunidx, err, sizeof(err));
	REQUIRE(tun >= 0, "tun_open: %s", err);
	CHECK(fcntl(tun, F_GETFL) & O_NONBLOCK, "TUN fd is blocking");
	CHECK(ops->link_index(k, "refgw0") == tunidx, "link_index refgw0 %d, tun_open said %d",
	      ops->link_index(k, "refgw0"), tunidx);
	CHECK(ops->link_index(k, "nosuch0") == -1, "link_index of a missing link");
	vaidx = ops->link_index(k, "va");
	CHECK(ops->link_state(k, "refgw0", &admin, &carrier) == 0 && admin == 1, "TUN admin %d", admin);
	sh_out(out, sizeof(out), "cat /proc/sys/net/ipv4/conf/refgw0/rp_filter");
	CHECK(strcmp(out, "0\n") == 0, "TUN rp_filter %s", out);
	sh_out(out, sizeof(out), "ip -n " NS_A " link show refgw0");
	CHECK(strstr(out, "mtu 1400 ") && strstr(out, ",UP"), "TUN link: %s", out);
	CHECK(ops->link_mac(k, "va", mac) == 0 && (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]),
	      "va has a MAC");
	CHECK(ops->link_mac(k, "refgw0", mac) == -1, "a TUN has no MAC");
	for (i = 0; i < 40 && !(ops->link_state(k, "va", &admin, &carrier) == 0 && carrier); i++)
		usleep(25000);
	CHECK(admin == 1 && carrier == 1, "va admin %d carrier %d", admin, carrier);

	r = (struct kern_route){ .dst = IP(20, 2, 0, 0), .plen = 16, .via = B_ADDR, .metric = 5, .realm = 99 };
	CHECK(ops->route_add(k, &r, err, sizeof(err)) == 0, "static route: %s", err);
	CHECK(ops->route_add(k, &r, err, sizeof(err)) == 0, "route_add replaces: %s", err);
	r = (struct kern_route){ .dst = IP(20, 3, 0, 0), .plen = 16, .oif = "refgw0", .protocol = KERN_RTPROT_RRI,
				 .realm = 99 };
	CHECK(ops->route_add(k, &r, err, sizeof(err)) == 0, "RRI route: %s", err);
	r = (struct kern_route){ .via = B_ADDR };
	CHECK(ops->route_add(k, &r, err, sizeof(err)) == 0, "default route: %s", err);

	/* route_dump: connected and static routes of main */
	memset(&d, 0, sizeof(d));
	printf("route_dump main:\n");
	CHECK(ops->route_dump(k, 0, dump_cb, &d) == 0, "route_dump");
	CHECK(d.connected_lan, "connected 10.9.1.0/24 dev va missing");
	CHECK(d.static_ok, "static 20.2.0.0/16 via 10.9.1.2 metric 5 realm 99 missing");
	CHECK(d.rri_ok, "RRI 20.3.0.0/16 dev refgw0 proto rri realm 99 missing");
	CHECK(d.default_ok, "default via 10.9.1.2 missing");

	/* --- steering -------------------------------------------------------------------- */
	REQUIRE(ops->steer_set(k, "refgw0", 0x50, 150, &sel, 1, err, sizeof(err)) == 0, "steer_set: %s", err);
	CHECK(sh("ip netns exec " NS_A " nft list table ip refgw >/dev/null 2>&1") == 0, "nft table missing");
	sh_out(out, sizeof(out), "ip -n " NS_A " rule show");
	CHECK(strstr(out, "fwmark 0x50 lookup 150") != NULL, "ip rule missing:\n%s", out);
	memset(&d, 0, sizeof(d));
	printf("route_dump 150:\n");
	CHECK(ops->route_dump(k, 150, dump_cb, &d) == 0 && d.steer_ok && d.n == 1, "table 150: %d routes", d.n);

	/* forwarded: b pings 20.1.1.1, a steers it into the TUN */
	{
		uint8_t icmp[8 + 18];
		struct sockaddr_in to = sin_of(REMOTE, 0);
		uint16_t ck;
		int n;

		memset(icmp, 0, sizeof(icmp));
		icmp[0] = 8;                         /* echo request */
		icmp[4] = 0x4b; icmp[5] = 0x4e;      /* id */
		icmp[7] = 1;                         /* seq */
		memcpy(icmp + 8, "kern-lab-forwarded", 18);
		ck = cksum_finish(cksum_add(0, icmp, sizeof(icmp)));
		icmp[2] = (uint8_t)(ck >> 8);
		icmp[3] = (uint8_t)ck;
		CHECK(sendto(icmp_b, icmp, sizeof(icmp), 0, (struct sockaddr *)&to, sizeof(to)) == (ssize_t)sizeof(icmp),
		      "ping from b: %s", strerror(errno));
		n = tun_wait(tun, IPPROTO_ICMP, REMOTE, buf, sizeof(buf), &ip, 2000);
		CHECK(n > 0, "the ping from b did not come out of the TUN");
		if (n > 0) {
			CHECK(ip.src == B_ADDR, "forwarded ping source %08x", ip.src);
			CHECK(buf[8] == 63, "TTL %u: not forwarded once", buf[8]);
			CHECK(ip.tot_len - ip.hlen == sizeof(icmp) && memcmp(buf + ip.hlen, icmp, sizeof(icmp)) == 0,
			      "ICMP bytes differ");
			printf("forwarded ping read from the TUN: %d bytes, id 0x4b4e seq 1\n", n);
		}
	}

	/* locally generated from 10.9.1.1: the output chain re-routes it into the TUN */
	s = socket(AF_INET, SOCK_DGRAM, 0);
	{
		struct sockaddr_in me = sin_of(A_ADDR, 0), to = sin_of(IP(20, 1, 1, 7), 9999);
		int n;

		REQUIRE(s >= 0 && bind(s, (struct sockaddr *)&me, sizeof(me)) == 0, "bind: %s", strerror(errno));
		CHECK(sendto(s, "kern-lab-local", 14, 0, (struct sockaddr *)&to, sizeof(to)) == 14, "send: %s",
		      strerror(errno));
		n = tun_wait(tun, IPPROTO_UDP, IP(20, 1, 1, 7), buf, sizeof(buf), &ip, 2000);
		CHECK(n > 0 && ip.src == A_ADDR && memcmp(buf + ip.hlen + 8, "kern-lab-local", 14) == 0,
		      "locally generated packet not on the TUN (%d)", n);
		close(s);
	}
	/* … but refgw's own sockets (KERN_MARK_OWN) are never steered */
	udp = ops->udp_socket(k, 0, 4500, err, sizeof(err));
	REQUIRE(udp >= 0, "udp_socket: %s", err);
	{
		struct kern_pkt p = { .buf = (uint8_t *)"own", .len = 3, .src = A_ADDR, .dst = IP(20, 1, 1, 7),
				      .dport = 4500 };

		CHECK(kern_send(udp, &p, 1) == 1, "send from the own socket: %s", strerror(errno));
		CHECK(tun_wait(tun, IPPROTO_UDP, IP(20, 1, 1, 7), buf, sizeof(buf), &ip, 300) < 0,
		      "a packet of refgw's own socket was steered into the TUN");
	}

	/* written into the TUN: a routes it to b */
	{
		uint8_t pkt[20 + 8 + 12];
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		char got[64];
		ssize_t n;

		ip_header(pkt, sizeof(pkt), IPPROTO_UDP, REMOTE, B_ADDR);
		pkt[20] = 5555 >> 8; pkt[21] = 5555 & 255;
		pkt[22] = 7777 >> 8; pkt[23] = 7777 & 255;
		pkt[24] = 0; pkt[25] = 20;           /* UDP length; checksum 0: none (RFC 768) */
		pkt[26] = pkt[27] = 0;
		memcpy(pkt + 28, "from-the-tun", 12);
		CHECK(kern_tun_write(tun, pkt, sizeof(pkt)) == 0, "TUN write: %s", strerror(errno));
		CHECK(readable(udp_b, 2000), "the packet written into the TUN did not reach b");
		n = recvfrom(udp_b, got, sizeof(got), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		CHECK(n == 12 && memcmp(got, "from-the-tun", 12) == 0 && ntohl(from.sin_addr.s_addr) == REMOTE,
		      "b got %zd bytes", n);
	}

	/* raw ESP: b sends protocol 50 to a */
	esp = ops->esp_socket(k, err, sizeof(err));
	REQUIRE(esp >= 0, "esp_socket: %s", err);
	{
		static const uint8_t espb[24] = { 0, 0, 0x10, 0, 0, 0, 0, 1, 'e', 's', 'p', '-', 'f', 'r', 'o', 'm',
						  '-', 'b', 0, 0, 0, 0, 0, 0 };
		struct sockaddr_in to = sin_of(A_ADDR, 0);
		struct kern_pkt p[4];
		uint8_t bufs[4][256];
		int n;

		CHECK(sendto(esp_b, espb, sizeof(espb), 0, (struct sockaddr *)&to, sizeof(to)) == (ssize_t)sizeof(espb),
		      "ESP from b: %s", strerror(errno));
		CHECK(readable(esp, 2000), "no ESP on the raw socket");
		for (i = 0; i < 4; i++)
			p[i] = (struct kern_pkt){ .buf = bufs[i], .cap = sizeof(bufs[i]) };
		n = kern_esp_recv(esp, p, 4);
		CHECK(n == 1 && p[0].drop == CODEC_OK && p[0].src == B_ADDR && p[0].dst == A_ADDR &&
		      p[0].len == sizeof(espb) && memcmp(p[0].buf + p[0].off, espb, sizeof(espb)) == 0,
		      "ESP receive: n %d drop %d src %08x len %zu", n, p[0].drop, p[0].src, p[0].len);
		CHECK(p[0].ifindex == vaidx, "ESP arrival ifindex %d, va is %d", p[0].ifindex, vaidx);
	}

	/* raw ESP from a chosen source: a second address, two packets in one sendmmsg */
	CHECK(ops->addr_add(k, "va", A_ADDR2, 24, err, sizeof(err)) == 0, "second address: %s", err);
	{
		uint8_t e1[16] = { 0, 0, 0x20, 0, 0, 0, 0, 1 }, e2[16] = { 0, 0, 0x20, 0, 0, 0, 0, 2 };
		struct kern_pkt p[2] = {
			{ .buf = e1, .len = sizeof(e1), .src = A_ADDR2, .dst = B_ADDR },
			{ .buf = e2, .len = sizeof(e2), .src = A_ADDR2, .dst = B_ADDR },
		};

		CHECK(kern_send(esp, p, 2) == 2, "ESP send: %s", strerror(errno));
		for (i = 0; i < 2; i++) {
			ssize_t n;

			CHECK(readable(esp_b, 2000), "ESP %d did not reach b", i);
			n = recv(esp_b, buf, sizeof(buf), MSG_DONTWAIT);
			CHECK(n > 0 && kern_ipv4_parse(buf, (size_t)n, &ip) == CODEC_OK && ip.src == A_ADDR2 &&
			      ip.proto == IPPROTO_ESP && ip.tot_len - ip.hlen == 16 && buf[ip.hlen + 7] == i + 1,
			      "ESP %d at b: %zd bytes from %08x", i, n, ip.src);
		}
	}

	/* UDP with IP_PKTINFO: the local address a datagram was sent to; answer from it */
	{
		struct sockaddr_in to = sin_of(A_ADDR2, 4500), from;
		socklen_t fl = sizeof(from);
		uint8_t rb[256];
		struct kern_pkt p = { .buf = rb, .cap = sizeof(rb) };
		ssize_t n;

		CHECK(sendto(udp_b, "hello-4500", 10, 0, (struct sockaddr *)&to, sizeof(to)) == 10, "b send: %s",
		      strerror(errno));
		CHECK(readable(udp, 2000), "nothing on UDP 4500");
		CHECK(kern_udp_recv(udp, &p, 1) == 1 && p.len == 10 && memcmp(rb, "hello-4500", 10) == 0,
		      "UDP receive");
		CHECK(p.dst == A_ADDR2 && p.src == B_ADDR && p.sport == 7777 && p.ifindex == vaidx,
		      "PKTINFO: local %08x src %08x:%u if %d", p.dst, p.src, p.sport, p.ifindex);
		p = (struct kern_pkt){ .buf = (uint8_t *)"reply", .len = 5, .src = p.dst, .dst = p.src, .dport = p.sport };
		CHECK(kern_send(udp, &p, 1) == 1, "UDP reply: %s", strerror(errno));
		CHECK(readable(udp_b, 2000), "no reply at b");
		n = recvfrom(udp_b, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		CHECK(n == 5 && ntohl(from.sin_addr.s_addr) == A_ADDR2 && ntohs(from.sin_port) == 4500,
		      "reply from %08x:%u", ntohl(from.sin_addr.s_addr), ntohs(from.sin_port));
	}

	/* deleting */
	r = (struct kern_route){ .dst = IP(20, 2, 0, 0), .plen = 16, .via = B_ADDR, .metric = 5 };
	CHECK(ops->route_del(k, &r, err, sizeof(err)) == 0, "route_del: %s", err);
	CHECK(ops->route_del(k, &r, err, sizeof(err)) == -1, "route_del twice");
	CHECK(ops->addr_del(k, "va", A_ADDR2, 24, err, sizeof(err)) == 0, "addr_del: %s", err);
	memset(&d, 0, sizeof(d));
	printf("route_dump main after deletes:\n");
	CHECK(ops->route_dump(k, 0, dump_cb, &d) == 0 && !d.static_ok && d.connected_lan, "after deletes");

	/* steer_set replaces: new mark, new table, two selectors; the old rule and route go */
	CHECK(ops->steer_set(k, "refgw0", 0x51, 151, sel2, 2, err, sizeof(err)) == 0, "steer_set again: %s", err);
	sh_out(out, sizeof(out), "ip -n " NS_A " rule show");
	CHECK(strstr(out, "fwmark 0x51 lookup 151") && !strstr(out, "fwmark 0x50"), "ip rules:\n%s", out);
	memset(&d, 0, sizeof(d));
	CHECK(ops->route_dump(k, 150, dump_cb, &d) == 0 && d.n == 0, "table 150 still has %d routes", d.n);
	memset(&d, 0, sizeof(d));
	printf("route_dump 151:\n");
	CHECK(ops->route_dump(k, 151, dump_cb, &d) == 0 && d.steer_ok, "table 151 has no route via the TUN");
	sh_out(out, sizeof(out), "ip netns exec " NS_A " nft list table ip refgw");
	{
		int marks = 0;
		const char *p = out;

		while ((p = strstr(p, "meta mark set 0x00000051")) != NULL) {
			marks++;
			p++;
		}
		CHECK(marks == 4, "expected 2 selectors × 2 chains, got %d mark rules:\n%s", marks, out);
		printf("%s", out);
	}

	/* steer_clear: table, rule and route gone; b's ping is no longer steered */
	CHECK(ops->steer_clear(k, err, sizeof(err)) == 0, "steer_clear: %s", err);
	CHECK(ops->steer_clear(k, err, sizeof(err)) == 0, "steer_clear twice: %s", err);
	CHECK(sh("ip netns exec " NS_A " nft list table ip refgw >/dev/null 2>&1") != 0, "nft table still there");
	sh_out(out, sizeof(out), "ip -n " NS_A " rule show");
	CHECK(!strstr(out, "fwmark"), "ip rule left:\n%s", out);
	memset(&d, 0, sizeof(d));
	CHECK(ops->route_dump(k, 151, dump_cb, &d) == 0 && d.n == 0, "table 151 still has %d routes", d.n);
	{
		uint8_t icmp[8] = { 8, 0, 0, 0, 0x4b, 0x4e, 0, 2 };
		struct sockaddr_in to = sin_of(REMOTE, 0);
		uint16_t ck = cksum_finish(cksum_add(0, icmp, sizeof(icmp)));

		icmp[2] = (uint8_t)(ck >> 8);
		icmp[3] = (uint8_t)ck;
		CHECK(sendto(icmp_b, icmp, sizeof(icmp), 0, (struct sockaddr *)&to, sizeof(to)) == 8, "ping: %s",
		      strerror(errno));
		CHECK(tun_wait(tun, IPPROTO_ICMP, REMOTE, buf, sizeof(buf), &ip, 300) < 0,
		      "steered after steer_clear");
	}
	CHECK(ops->steer_set(k, "nosuch0", 0x50, 150, &sel, 1, err, sizeof(err)) == -1 && strstr(err, "nosuch0"),
	      "steer_set on a missing TUN: %s", err);
	CHECK(ops->steer_set(k, "refgw0", 0x50, 254, &sel, 1, err, sizeof(err)) == -1, "steer_set into main");

	CHECK(ops->link_set_up(k, "va", 0, err, sizeof(err)) == 0, "link down: %s", err);
	CHECK(ops->link_state(k, "va", &admin, &carrier) == 0 && admin == 0, "va admin %d after down", admin);

	close(esp);
	close(udp);
	close(tun);
	close(icmp_b);
	close(esp_b);
	close(udp_b);
	return failures ? 1 : 0;
}

static void cleanup(void)
{
	sh("ip netns del " NS_A " 2>/dev/null");
	sh("ip netns del " NS_B " 2>/dev/null");
}

static pid_t child;

static void on_signal(int sig)
{
	if (child > 0)
		kill(child, SIGKILL);
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

int main(void)
{
	int st;

	if (geteuid() != 0) {
		printf("kern_lab: needs root (namespaces, TUN), skipped\n");
		return 77;
	}
	if (access("/dev/net/tun", R_OK | W_OK) != 0 || sh("ip -V >/dev/null 2>&1") != 0 ||
	    sh("nft --version >/dev/null 2>&1") != 0) {
		printf("kern_lab: needs /dev/net/tun, ip(8) and nft(8), skipped\n");
		return 77;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	cleanup();                  /* what a killed earlier run left */
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (sh("ip netns add " NS_A) != 0 || sh("ip netns add " NS_B) != 0 ||
	    sh("ip -n " NS_A " link add va type veth peer name vb netns " NS_B) != 0) {
		fprintf(stderr, "kern_lab: cannot build the namespaces\n");
		cleanup();
		return 1;
	}
	ns_a = open("/run/netns/" NS_A, O_RDONLY | O_CLOEXEC);
	ns_b = open("/run/netns/" NS_B, O_RDONLY | O_CLOEXEC);
	if (ns_a < 0 || ns_b < 0) {
		fprintf(stderr, "kern_lab: open namespaces: %s\n", strerror(errno));
		cleanup();
		return 1;
	}
	fflush(NULL);
	child = fork();
	if (child == 0)
		exit(body());      /* exit, not _exit: LeakSanitizer checks the body too */
	while (waitpid(child, &st, 0) < 0 && errno == EINTR)
		;
	close(ns_a);
	close(ns_b);
	cleanup();
	if (sh("ip netns list | grep -q '^ihhdev-kern-'") == 0) {
		fprintf(stderr, "kern_lab: namespaces left behind\n");
		return 1;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "kern_lab: FAILED (%s %d)\n", WIFEXITED(st) ? "exit" : "signal",
			WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		return 1;
	}
	printf("kern_lab: all checks passed\n");
	return 0;
}
