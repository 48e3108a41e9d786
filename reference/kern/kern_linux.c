/* kern_linux.c — the Linux kern_ops: TUN, links, addresses, routes (rtnetlink through
 * nlsock), the IKE/ESP sockets and sysctls. Steering lives in kern_steer.c.
 *
 * Stateless: every call opens its netlink socket in the calling thread's namespace, so
 * a caller that moved into another namespace acts there.
 */
#include "kern_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define KERN_SOCKBUF (4 << 20)   /* 4 MiB: bursts at ≥ 1 Gbit/s between two wakeups */

char *kern_ip_str(uint32_t a, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
	return buf;
}

int kern_rt_open(struct nlsock *nl, char *err, size_t errlen)
{
	return nlsock_open(nl, NETLINK_ROUTE, err, errlen);
}

int kern_ifindex(const char *ifname, char *err, size_t errlen)
{
	unsigned idx = ifname && ifname[0] ? if_nametoindex(ifname) : 0;

	if (idx == 0) {
		nlsock_errf(err, errlen, "no interface %s", ifname ? ifname : "(null)");
		errno = ENODEV;
		return -1;
	}
	return (int)idx;
}

/* --- TUN -------------------------------------------------------------------------- */

static int lx_tun_open(void *k, const char *name, unsigned mtu, int *ifindex, char *err, size_t errlen)
{
	struct ifreq ifr;
	struct nlsock nl = { 0 };
	char path[96];
	int fd, idx, e;

	(void)k;
	if (!name || !name[0] || strlen(name) >= IFNAMSIZ)
		return nlsock_errf(err, errlen, "TUN name '%s': expected 1 to %d characters", name ? name : "",
				   IFNAMSIZ - 1);
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return nlsock_errf(err, errlen, "open /dev/net/tun: %s", strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	/* bare IPv4 packets (no 4-byte tun_pi) behind a virtio-net header, which lets the data
	 * path write coalesced TCP runs as GSO packets (kern_tun_write_batch, kern_io.c) */
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI | IFF_VNET_HDR;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		ifr.ifr_flags = IFF_TUN | IFF_NO_PI;      /* a kernel without it: plain packets */
		if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
			nlsock_errf(err, errlen, "TUNSETIFF %s: %s", name, strerror(errno));
			goto fail;
		}
	}
	kern_tun_vnet_mark(fd, (ifr.ifr_flags & IFF_VNET_HDR) != 0);
	if ((idx = kern_ifindex(ifr.ifr_name, err, errlen)) < 0 || kern_rt_open(&nl, err, errlen) < 0)
		goto fail;
	if (mtu && nlsock_link_set_mtu(&nl, idx, mtu, err, errlen) < 0)
		goto fail;
	/* Decrypted packets come out of the TUN with remote sources that the main table may
	 * route elsewhere: no reverse-path filter on it. No IPv6 either (no RS/MLD to read). */
	snprintf(path, sizeof(path), "net/ipv4/conf/%s/rp_filter", ifr.ifr_name);
	if (nlsock_sysctl(path, "0", err, errlen) < 0)
		goto fail;
	snprintf(path, sizeof(path), "net/ipv6/conf/%s/disable_ipv6", ifr.ifr_name);
	nlsock_sysctl(path, "1", NULL, 0);
	if (nlsock_link_set_up(&nl, idx, 1, err, errlen) < 0)
		goto fail;
	nlsock_close(&nl);
	*ifindex = idx;
	return fd;
fail:
	e = errno;
	nlsock_close(&nl);
	kern_tun_vnet_mark(fd, 0);
	close(fd);
	errno = e;
	return -1;
}

/* --- links -------------------------------------------------------------------------- */

static int lx_link_index(void *k, const char *ifname)
{
	(void)k;
	return kern_ifindex(ifname, NULL, 0);
}

static int lx_link_set_up(void *k, const char *ifname, int up, char *err, size_t errlen)
{
	struct nlsock nl = { 0 };
	int idx, rc;

	(void)k;
	if ((idx = kern_ifindex(ifname, err, errlen)) < 0 || kern_rt_open(&nl, err, errlen) < 0)
		return -1;
	rc = nlsock_link_set_up(&nl, idx, up, err, errlen);
	nlsock_close(&nl);
	return rc;
}

static int link_get(const char *ifname, struct nlsock_link *l)
{
	struct nlsock nl = { 0 };
	int rc;

	if (kern_rt_open(&nl, NULL, 0) < 0)
		return -1;
	rc = nlsock_link_get(&nl, 0, ifname, l, NULL, 0);
	nlsock_close(&nl);
	return rc;
}

static int lx_link_state(void *k, const char *ifname, int *admin_up, int *carrier)
{
	struct nlsock_link l;

	(void)k;
	if (link_get(ifname, &l) < 0)
		return -1;
	if (admin_up)
		*admin_up = l.admin_up;
	if (carrier)
		*carrier = l.carrier;
	return 0;
}

static int lx_link_mac(void *k, const char *ifname, uint8_t mac[6])
{
	struct nlsock_link l;

	(void)k;
	if (link_get(ifname, &l) < 0)
		return -1;
	if (!l.has_mac) {
		errno = EADDRNOTAVAIL;      /* a TUN has no link-layer address */
		return -1;
	}
	memcpy(mac, l.mac, 6);
	return 0;
}

/* --- addresses and routes ---------------------------------------------------------------- */

static int addr_req(uint16_t type, const char *ifname, uint32_t addr, uint8_t plen, char *err, size_t errlen)
{
	struct nlsock nl = { 0 };
	int idx, rc;

	if (plen > 32)
		return nlsock_errf(err, errlen, "prefix length %u: expected 0..32", plen);
	if ((idx = kern_ifindex(ifname, err, errlen)) < 0 || kern_rt_open(&nl, err, errlen) < 0)
		return -1;
	rc = nlsock_addr(&nl, type, idx, addr, plen, err, errlen);
	nlsock_close(&nl);
	return rc;
}

static int lx_addr_add(void *k, const char *ifname, uint32_t addr, uint8_t plen, char *err, size_t errlen)
{
	(void)k;
	return addr_req(RTM_NEWADDR, ifname, addr, plen, err, errlen);
}

static int lx_addr_del(void *k, const char *ifname, uint32_t addr, uint8_t plen, char *err, size_t errlen)
{
	(void)k;
	return addr_req(RTM_DELADDR, ifname, addr, plen, err, errlen);
}

static int route_req(uint16_t type, uint16_t flags, const struct kern_route *r, char *err, size_t errlen)
{
	struct nlsock_route nr = {
		.dst = r->dst, .plen = r->plen, .via = r->via, .table = r->table, .metric = r->metric,
		.protocol = r->protocol, .realm = r->realm,
	};
	struct nlsock nl = { 0 };
	int rc;

	if (r->plen > 32)
		return nlsock_errf(err, errlen, "prefix length %u: expected 0..32", r->plen);
	if (r->oif[0] && (nr.oif = kern_ifindex(r->oif, err, errlen)) < 0)
		return -1;
	if (kern_rt_open(&nl, err, errlen) < 0)
		return -1;
	rc = nlsock_route(&nl, type, flags, &nr, err, errlen);
	nlsock_close(&nl);
	return rc;
}

static int lx_route_add(void *k, const struct kern_route *r, char *err, size_t errlen)
{
	(void)k;
	return route_req(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, r, err, errlen);
}

static int lx_route_del(void *k, const struct kern_route *r, char *err, size_t errlen)
{
	(void)k;
	return route_req(RTM_DELROUTE, 0, r, err, errlen);
}

struct dump_arg {
	uint32_t table;
	void (*cb)(void *arg, const struct kern_route *r, int connected);
	void *arg;
};

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_arg *d = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	struct kern_route r;
	uint32_t table;

	if (nlh->nlmsg_type != RTM_NEWROUTE || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*rtm)))
		return MNL_CB_OK;
	if (rtm->rtm_family != AF_INET || (rtm->rtm_flags & RTM_F_CLONED) || rtm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	memset(&r, 0, sizeof(r));
	table = rtm->rtm_table;
	r.plen = rtm->rtm_dst_len;
	r.protocol = rtm->rtm_protocol;
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		int t = mnl_attr_get_type(a);
		uint32_t v;

		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			continue;       /* every attribute read here is 4 bytes */
		v = mnl_attr_get_u32(a);
		switch (t) {
		case RTA_TABLE:    table = v; break;
		case RTA_DST:      r.dst = ntohl(v); break;
		case RTA_GATEWAY:  r.via = ntohl(v); break;
		case RTA_PRIORITY: r.metric = v; break;
		case RTA_FLOW:     r.realm = v; break;
		case RTA_OIF:
			if (!if_indextoname(v, r.oif))
				snprintf(r.oif, sizeof(r.oif), "if%u", v);
			break;
		}
	}
	if (table != d->table)
		return MNL_CB_OK;
	r.table = table;
	d->cb(d->arg, &r, r.protocol == RTPROT_KERNEL && rtm->rtm_scope == RT_SCOPE_LINK && !r.via);
	return MNL_CB_OK;
}

static int lx_route_dump(void *k, uint32_t table, void (*cb)(void *arg, const struct kern_route *r, int connected),
			 void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct dump_arg d = { .table = table ? table : RT_TABLE_MAIN, .cb = cb, .arg = arg };
	struct nlsock nl = { 0 };
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	int rc;

	(void)k;
	if (kern_rt_open(&nl, NULL, 0) < 0)
		return -1;
	nlh = nlsock_req(buf, RTM_GETROUTE, 0);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rc = nlsock_dump(&nl, nlh, route_cb, &d, NULL, 0);
	nlsock_close(&nl);
	return rc;
}

/* --- sockets ---------------------------------------------------------------------------- */

/* Options every IKE/ESP socket gets: local address of each datagram (IP_PKTINFO), the
 * mark that keeps it out of steering, large buffers, and fragmentation allowed (the
 * outer packet may exceed a path MTU the inner one respected: fragment, do not drop). */
static int sock_setup(int fd, const char *what, char *err, size_t errlen)
{
	int one = 1, buf = KERN_SOCKBUF, pmtu = IP_PMTUDISC_DONT;
	uint32_t mark = KERN_MARK_OWN;

	if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu)) < 0)
		return nlsock_errf(err, errlen, "%s: setsockopt: %s", what, strerror(errno));
	/* FORCE needs CAP_NET_ADMIN; without it the capped size is still better than none. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	return 0;
}

static int lx_udp_socket(void *k, uint32_t addr, uint16_t port, char *err, size_t errlen)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(addr) };
	char what[40], ip[16];
	int fd, one = 1, e;

	(void)k;
	snprintf(what, sizeof(what), "udp %s:%u", kern_ip_str(addr, ip), port);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return nlsock_errf(err, errlen, "%s: socket: %s", what, strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    sock_setup(fd, what, err, errlen) < 0)
		goto fail;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		nlsock_errf(err, errlen, "%s: bind: %s", what, strerror(errno));
		goto fail;
	}
	return fd;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

static int lx_esp_socket(void *k, char *err, size_t errlen)
{
	int fd, e;

	(void)k;
	fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ESP);
	if (fd < 0)
		return nlsock_errf(err, errlen, "raw ESP socket: %s", strerror(errno));
	if (sock_setup(fd, "raw ESP socket", err, errlen) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int lx_sysctl(void *k, const char *path, const char *val, char *err, size_t errlen)
{
	(void)k;
	return nlsock_sysctl(path, val, err, errlen);
}

static const struct kern_ops linux_ops = {
	.tun_open = lx_tun_open,
	.link_index = lx_link_index,
	.link_set_up = lx_link_set_up,
	.link_state = lx_link_state,
	.link_mac = lx_link_mac,
	.addr_add = lx_addr_add,
	.addr_del = lx_addr_del,
	.route_add = lx_route_add,
	.route_del = lx_route_del,
	.route_dump = lx_route_dump,
	.steer_set = kern_linux_steer_set,
	.steer_clear = kern_linux_steer_clear,
	.udp_socket = lx_udp_socket,
	.esp_socket = lx_esp_socket,
	.sysctl = lx_sysctl,
	.k = NULL,
};

const struct kern_ops *kern_linux(void)
{
	return &linux_ops;
}

/* --- text -------------------------------------------------------------------------------- */

char *kern_route_str(const struct kern_route *r, char *buf, size_t len)
{
	char dst[16], via[16];
	size_t n;

	n = (size_t)snprintf(buf, len, "%s/%u", kern_ip_str(r->dst, dst), r->plen);
	if (r->via && n < len)
		n += (size_t)snprintf(buf + n, len - n, " via %s", kern_ip_str(r->via, via));
	if (r->oif[0] && n < len)
		n += (size_t)snprintf(buf + n, len - n, " dev %s", r->oif);
	if (r->table && r->table != RT_TABLE_MAIN && n < len)
		n += (size_t)snprintf(buf + n, len - n, " table %u", r->table);
	if (r->metric && n < len)
		n += (size_t)snprintf(buf + n, len - n, " metric %u", r->metric);
	if (r->protocol && r->protocol != RTPROT_STATIC && n < len) {
		if (r->protocol == KERN_RTPROT_RRI)
			n += (size_t)snprintf(buf + n, len - n, " proto rri");
		else if (r->protocol == KERN_RTPROT_STEER)
			n += (size_t)snprintf(buf + n, len - n, " proto steer");
		else if (r->protocol == RTPROT_KERNEL)
			n += (size_t)snprintf(buf + n, len - n, " proto kernel");
		else
			n += (size_t)snprintf(buf + n, len - n, " proto %u", r->protocol);
	}
	if (r->realm && n < len)
		snprintf(buf + n, len - n, " realm %u", r->realm);
	return buf;
}
