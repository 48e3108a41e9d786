/* kern_mock.c — kern_ops that change nothing in the kernel: every call becomes one text
 * line (kern.h lists the forms), and a small model of links, addresses and routes
 * answers the queries, so the daemon's tests assert on what it asked for (strongSwan's
 * kernel interface mock, STYLE.md §1).
 */
#include "kern_int.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MOCK_LINKS  32
#define MOCK_ADDRS  64
#define MOCK_ROUTES 256
#define MOCK_FDS    64
#define MOCK_LINE   512

struct mock_link {
	char name[16];
	int index, admin_up, carrier, has_mac;
	uint8_t mac[6];
};

struct mock_addr {
	int link;               /* index into links */
	uint32_t addr;
	uint8_t plen;
};

struct kern_mock {
	struct kern_ops ops;
	char **lines;
	size_t nlines, cap;
	struct mock_link links[MOCK_LINKS];
	int nlinks;
	struct mock_addr addrs[MOCK_ADDRS];
	int naddrs;
	struct kern_route routes[MOCK_ROUTES];
	int nroutes;
	struct { int fd, peer; } fds[MOCK_FDS];
	int nfds;
	char fail_op[32];
	int fail_errno;
};

static void record(struct kern_mock *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void record(struct kern_mock *m, const char *fmt, ...)
{
	char buf[MOCK_LINE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (m->nlines == m->cap) {
		size_t n = m->cap ? m->cap * 2 : 64;
		char **p = realloc(m->lines, n * sizeof(*p));

		if (!p)
			return;
		m->lines = p;
		m->cap = n;
	}
	m->lines[m->nlines] = strdup(buf);
	if (m->lines[m->nlines])
		m->nlines++;
}

/* An injected failure for op, once. */
static int failing(struct kern_mock *m, const char *op, char *err, size_t errlen)
{
	if (!m->fail_op[0] || strcmp(m->fail_op, op) != 0)
		return 0;
	m->fail_op[0] = 0;
	nlsock_errf(err, errlen, "%s: %s (injected)", op, strerror(m->fail_errno));
	errno = m->fail_errno;
	return 1;
}

static struct mock_link *find_link(struct kern_mock *m, const char *name)
{
	int i;

	for (i = 0; i < m->nlinks; i++)
		if (strcmp(m->links[i].name, name) == 0)
			return &m->links[i];
	return NULL;
}

static struct mock_link *add_link(struct kern_mock *m, const char *name)
{
	struct mock_link *l = find_link(m, name);

	if (l || m->nlinks == MOCK_LINKS)
		return l;
	l = &m->links[m->nlinks];
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->index = 10 + m->nlinks++;
	return l;
}

/* A datagram socketpair: one end for the caller, one kept for the test. */
static int new_fd(struct kern_mock *m, char *err, size_t errlen)
{
	int sv[2];

	if (m->nfds == MOCK_FDS)
		return nlsock_errf(err, errlen, "mock: too many fds");
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
		return nlsock_errf(err, errlen, "mock: socketpair: %s", strerror(errno));
	m->fds[m->nfds].fd = sv[0];
	m->fds[m->nfds].peer = sv[1];
	m->nfds++;
	return sv[0];
}

static int mk_tun_open(void *k, const char *name, unsigned mtu, int *ifindex, char *err, size_t errlen)
{
	struct kern_mock *m = k;
	struct mock_link *l;
	int fd;

	record(m, "tun_open %s mtu %u", name, mtu);
	if (failing(m, "tun_open", err, errlen))
		return -1;
	if (!(l = add_link(m, name)))
		return nlsock_errf(err, errlen, "mock: too many links");
	if ((fd = new_fd(m, err, errlen)) < 0)
		return -1;
	l->admin_up = l->carrier = 1;
	*ifindex = l->index;
	return fd;
}

static int mk_link_index(void *k, const char *ifname)
{
	struct kern_mock *m = k;
	struct mock_link *l = find_link(m, ifname);

	record(m, "link_index %s", ifname);
	return l ? l->index : -1;
}

static int mk_link_set_up(void *k, const char *ifname, int up, char *err, size_t errlen)
{
	struct kern_mock *m = k;
	struct mock_link *l = find_link(m, ifname);

	record(m, "link_set_up %s %s", ifname, up ? "up" : "down");
	if (failing(m, "link_set_up", err, errlen))
		return -1;
	if (!l) {
		errno = ENODEV;
		return nlsock_errf(err, errlen, "no interface %s", ifname);
	}
	l->admin_up = up;
	return 0;
}

static int mk_link_state(void *k, const char *ifname, int *admin_up, int *carrier)
{
	struct kern_mock *m = k;
	struct mock_link *l = find_link(m, ifname);

	record(m, "link_state %s", ifname);
	if (failing(m, "link_state", NULL, 0))
		return -1;
	if (!l) {
		errno = ENODEV;
		return -1;
	}
	if (admin_up)
		*admin_up = l->admin_up;
	if (carrier)
		*carrier = l->admin_up && l->carrier;
	return 0;
}

static int mk_link_mac(void *k, const char *ifname, uint8_t mac[6])
{
	struct kern_mock *m = k;
	struct mock_link *l = find_link(m, ifname);

	record(m, "link_mac %s", ifname);
	if (failing(m, "link_mac", NULL, 0))
		return -1;
	if (!l || !l->has_mac) {
		errno = l ? EADDRNOTAVAIL : ENODEV;
		return -1;
	}
	memcpy(mac, l->mac, 6);
	return 0;
}

static int mk_addr(struct kern_mock *m, int add, const char *ifname, uint32_t addr, uint8_t plen, char *err,
		   size_t errlen)
{
	struct mock_link *l = find_link(m, ifname);
	char ip[16];
	int i;

	record(m, "%s %s %s/%u", add ? "addr_add" : "addr_del", ifname, kern_ip_str(addr, ip), plen);
	if (failing(m, add ? "addr_add" : "addr_del", err, errlen))
		return -1;
	if (!l) {
		errno = ENODEV;
		return nlsock_errf(err, errlen, "no interface %s", ifname);
	}
	for (i = 0; i < m->naddrs; i++) {
		struct mock_addr *a = &m->addrs[i];

		if (a->link == (int)(l - m->links) && a->addr == addr && a->plen == plen) {
			if (add) {
				errno = EEXIST;
				return nlsock_errf(err, errlen, "address %s/%u exists", ip, plen);
			}
			*a = m->addrs[--m->naddrs];
			return 0;
		}
	}
	if (!add) {
		errno = EADDRNOTAVAIL;
		return nlsock_errf(err, errlen, "no address %s/%u on %s", ip, plen, ifname);
	}
	if (m->naddrs == MOCK_ADDRS)
		return nlsock_errf(err, errlen, "mock: too many addresses");
	m->addrs[m->naddrs++] = (struct mock_addr){ (int)(l - m->links), addr, plen };
	return 0;
}

static int mk_addr_add(void *k, const char *ifname, uint32_t addr, uint8_t plen, char *err, size_t errlen)
{
	return mk_addr(k, 1, ifname, addr, plen, err, errlen);
}

static int mk_addr_del(void *k, const char *ifname, uint32_t addr, uint8_t plen, char *err, size_t errlen)
{
	return mk_addr(k, 0, ifname, addr, plen, err, errlen);
}

/* The kernel's identity of a route: table, prefix and metric. */
static int same_route(const struct kern_route *a, const struct kern_route *b)
{
	uint32_t ta = a->table ? a->table : RT_TABLE_MAIN, tb = b->table ? b->table : RT_TABLE_MAIN;

	return ta == tb && a->dst == b->dst && a->plen == b->plen && a->metric == b->metric;
}

static int mk_route_add(void *k, const struct kern_route *r, char *err, size_t errlen)
{
	struct kern_mock *m = k;
	char text[200];
	int i;

	record(m, "route_add %s", kern_route_str(r, text, sizeof(text)));
	if (failing(m, "route_add", err, errlen))
		return -1;
	for (i = 0; i < m->nroutes && !same_route(&m->routes[i], r); i++)
		;
	if (i == MOCK_ROUTES)
		return nlsock_errf(err, errlen, "mock: too many routes");
	m->routes[i] = *r;             /* replace */
	if (!m->routes[i].table)
		m->routes[i].table = RT_TABLE_MAIN;
	if (!m->routes[i].protocol)
		m->routes[i].protocol = RTPROT_STATIC;
	if (i == m->nroutes)
		m->nroutes++;
	return 0;
}

static int mk_route_del(void *k, const struct kern_route *r, char *err, size_t errlen)
{
	struct kern_mock *m = k;
	char text[200];
	int i;

	record(m, "route_del %s", kern_route_str(r, text, sizeof(text)));
	if (failing(m, "route_del", err, errlen))
		return -1;
	for (i = 0; i < m->nroutes; i++) {
		if (same_route(&m->routes[i], r)) {
			m->routes[i] = m->routes[--m->nroutes];
			return 0;
		}
	}
	errno = ESRCH;
	return nlsock_errf(err, errlen, "no route %s", text);
}

static int mk_route_dump(void *k, uint32_t table, void (*cb)(void *arg, const struct kern_route *r, int connected),
			 void *arg)
{
	struct kern_mock *m = k;
	int i;

	record(m, "route_dump %u", table ? table : RT_TABLE_MAIN);
	if (failing(m, "route_dump", NULL, 0))
		return -1;
	if (!table || table == RT_TABLE_MAIN) {
		for (i = 0; i < m->naddrs; i++) {
			const struct mock_addr *a = &m->addrs[i];
			struct kern_route r = { .plen = a->plen, .table = RT_TABLE_MAIN, .protocol = RTPROT_KERNEL };

			if (!m->links[a->link].admin_up || a->plen >= 32)
				continue;
			r.dst = a->plen ? a->addr & (0xffffffffu << (32 - a->plen)) : 0;
			snprintf(r.oif, sizeof(r.oif), "%s", m->links[a->link].name);
			cb(arg, &r, 1);
		}
	}
	for (i = 0; i < m->nroutes; i++)
		if (m->routes[i].table == (table ? table : RT_TABLE_MAIN))
			cb(arg, &m->routes[i], 0);
	return 0;
}

static int mk_steer_set(void *k, const char *tun_ifname, uint32_t fwmark, uint32_t table, const struct kern_steer *s,
			unsigned n, char *err, size_t errlen)
{
	struct kern_mock *m = k;
	char line[MOCK_LINE], a[16], b[16];
	size_t len;
	unsigned i;

	len = (size_t)snprintf(line, sizeof(line), "steer_set %s mark 0x%x table %u", tun_ifname, fwmark, table);
	for (i = 0; i < n && len < sizeof(line); i++) {
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %s/%u>%s/%u", kern_ip_str(s[i].src, a),
					s[i].src_plen, kern_ip_str(s[i].dst, b), s[i].dst_plen);
		if (s[i].proto && len < sizeof(line))
			len += (size_t)snprintf(line + len, sizeof(line) - len, "/proto %u", s[i].proto);
	}
	record(m, "%s", line);
	return failing(m, "steer_set", err, errlen) ? -1 : 0;
}

static int mk_steer_clear(void *k, char *err, size_t errlen)
{
	struct kern_mock *m = k;

	record(m, "steer_clear");
	return failing(m, "steer_clear", err, errlen) ? -1 : 0;
}

static int mk_udp_socket(void *k, uint32_t addr, uint16_t port, char *err, size_t errlen)
{
	struct kern_mock *m = k;
	char ip[16];

	record(m, "udp_socket %s:%u", kern_ip_str(addr, ip), port);
	if (failing(m, "udp_socket", err, errlen))
		return -1;
	return new_fd(m, err, errlen);
}

static int mk_esp_socket(void *k, char *err, size_t errlen)
{
	struct kern_mock *m = k;

	record(m, "esp_socket");
	if (failing(m, "esp_socket", err, errlen))
		return -1;
	return new_fd(m, err, errlen);
}

static int mk_sysctl(void *k, const char *path, const char *val, char *err, size_t errlen)
{
	struct kern_mock *m = k;

	record(m, "sysctl %s=%s", path, val);
	return failing(m, "sysctl", err, errlen) ? -1 : 0;
}

static int mk_macvlan_add(void *k, const char *parent, const char *name, const uint8_t mac[6], char *err,
			  size_t errlen)
{
	struct kern_mock *m = k;
	struct mock_link *l;

	record(m, "macvlan_add %s on %s mac %02x:%02x:%02x:%02x:%02x:%02x", name, parent, mac[0], mac[1], mac[2],
	       mac[3], mac[4], mac[5]);
	if (failing(m, "macvlan_add", err, errlen))
		return -1;
	if (!find_link(m, parent))
		return nlsock_errf(err, errlen, "no interface %s", parent);
	if (find_link(m, name)) {
		errno = EEXIST;
		return nlsock_errf(err, errlen, "macvlan %s: File exists", name);
	}
	l = add_link(m, name);
	if (l) {
		l->has_mac = 1;
		memcpy(l->mac, mac, 6);
		l->carrier = 1;
	}
	return 0;
}

static int mk_link_del(void *k, const char *ifname, char *err, size_t errlen)
{
	struct kern_mock *m = k;
	struct mock_link *l;

	record(m, "link_del %s", ifname);
	if (failing(m, "link_del", err, errlen))
		return -1;
	if (!(l = find_link(m, ifname))) {
		errno = ENODEV;
		return nlsock_errf(err, errlen, "no interface %s", ifname);
	}
	l->name[0] = '\0';     /* forgotten (its index is not reused) */
	return 0;
}

static int mk_fhrp_socket(void *k, const char *ifname, char *err, size_t errlen)
{
	struct kern_mock *m = k;

	record(m, "fhrp_socket %s", ifname);
	if (failing(m, "fhrp_socket", err, errlen))
		return -1;
	return new_fd(m, err, errlen);
}

static int mk_link_watch(void *k, char *err, size_t errlen)
{
	struct kern_mock *m = k;

	record(m, "link_watch");
	if (failing(m, "link_watch", err, errlen))
		return -1;
	return new_fd(m, err, errlen);
}

struct kern_mock *kern_mock_new(void)
{
	struct kern_mock *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->ops = (struct kern_ops){
		.tun_open = mk_tun_open, .link_index = mk_link_index, .link_set_up = mk_link_set_up,
		.link_state = mk_link_state, .link_mac = mk_link_mac, .addr_add = mk_addr_add,
		.addr_del = mk_addr_del, .route_add = mk_route_add, .route_del = mk_route_del,
		.route_dump = mk_route_dump, .steer_set = mk_steer_set, .steer_clear = mk_steer_clear,
		.udp_socket = mk_udp_socket, .esp_socket = mk_esp_socket, .sysctl = mk_sysctl,
		.macvlan_add = mk_macvlan_add, .link_del = mk_link_del, .fhrp_socket = mk_fhrp_socket,
		.link_watch = mk_link_watch, .k = m,
	};
	return m;
}

void kern_mock_free(struct kern_mock *m)
{
	int i;

	if (!m)
		return;
	kern_mock_clear(m);
	free(m->lines);
	for (i = 0; i < m->nfds; i++)
		close(m->fds[i].peer);      /* the caller's ends are the caller's to close */
	free(m);
}

const struct kern_ops *kern_mock_ops(struct kern_mock *m)
{
	return &m->ops;
}

size_t kern_mock_count(const struct kern_mock *m)
{
	return m->nlines;
}

const char *kern_mock_line(const struct kern_mock *m, size_t i)
{
	return i < m->nlines ? m->lines[i] : NULL;
}

int kern_mock_find(const struct kern_mock *m, size_t from, const char *prefix)
{
	size_t i, n = strlen(prefix);

	for (i = from; i < m->nlines; i++)
		if (strncmp(m->lines[i], prefix, n) == 0)
			return (int)i;
	return -1;
}

void kern_mock_clear(struct kern_mock *m)
{
	size_t i;

	for (i = 0; i < m->nlines; i++)
		free(m->lines[i]);
	m->nlines = 0;
}

void kern_mock_fail(struct kern_mock *m, const char *op, int e)
{
	snprintf(m->fail_op, sizeof(m->fail_op), "%s", op);
	m->fail_errno = e;
}

void kern_mock_link(struct kern_mock *m, const char *ifname, int admin_up, int carrier, const uint8_t *mac)
{
	struct mock_link *l = add_link(m, ifname);

	if (!l)
		return;
	l->admin_up = admin_up;
	l->carrier = carrier;
	if (mac) {
		memcpy(l->mac, mac, 6);
		l->has_mac = 1;
	}
}

int kern_mock_peer(const struct kern_mock *m, int fd)
{
	int i;

	for (i = m->nfds - 1; i >= 0; i--)     /* newest first: fd numbers are reused */
		if (m->fds[i].fd == fd)
			return m->fds[i].peer;
	return -1;
}
