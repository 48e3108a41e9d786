/* kern_linux.c — the Linux kern_ops: TUN, links, addresses, routes (rtnetlink through
 * nlsock), the IKE/ESP sockets and sysctls. Steering lives in kern_steer.c.
 *
 * Stateless: every call opens its netlink socket in the calling thread's namespace, so
 * a caller that moved into another namespace acts there.
 */
#include "kern_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
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

/* --- first-hop redundancy ---------------------------------------------------------------- */

static int lx_macvlan_add(void *k, const char *parent, const char *name, const uint8_t mac[6], char *err,
			  size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[64];
	struct nlsock nl = { 0 };
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	struct nlattr *info, *data;
	int pidx, rc;

	(void)k;
	if (!name || !name[0] || strlen(name) >= IFNAMSIZ)
		return nlsock_errf(err, errlen, "macvlan name '%s': expected 1 to %d characters", name ? name : "",
				   IFNAMSIZ - 1);
	if ((pidx = kern_ifindex(parent, err, errlen)) < 0 || kern_rt_open(&nl, err, errlen) < 0)
		return -1;
	nlh = nlsock_req(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, IFLA_LINK, (uint32_t)pidx);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "macvlan");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_MACVLAN_MODE, MACVLAN_MODE_BRIDGE);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	snprintf(what, sizeof(what), "macvlan %s on %s", name, parent);
	rc = nlsock_talk(&nl, nlh, what, err, errlen);
	nlsock_close(&nl);
	return rc;
}

static int lx_link_del(void *k, const char *ifname, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[48];
	struct nlsock nl = { 0 };
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	int idx, rc;

	(void)k;
	if ((idx = kern_ifindex(ifname, err, errlen)) < 0 || kern_rt_open(&nl, err, errlen) < 0)
		return -1;
	nlh = nlsock_req(buf, RTM_DELLINK, 0);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = idx;
	snprintf(what, sizeof(what), "delete link %s", ifname);
	rc = nlsock_talk(&nl, nlh, what, err, errlen);
	nlsock_close(&nl);
	return rc;
}

/* IPv4 (no VLAN tag) and: protocol 112 (VRRP), or UDP to port 1985 (HSRP) in a first or
 * only fragment. Everything else (the data plane's traffic) never reaches the socket. */
static struct sock_filter fhrp_filter[] = {
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),                 /* ethertype */
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 9),
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 23),                 /* IP protocol */
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 112, 6, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 17, 0, 6),
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 20),                 /* fragment offset */
	BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 4, 0),
	BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 14),                /* X = IP header length */
	BPF_STMT(BPF_LD | BPF_H | BPF_IND, 16),                 /* UDP destination port */
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1985, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, 0x40000),
	BPF_STMT(BPF_RET | BPF_K, 0),
};

static int lx_fhrp_socket(void *k, const char *ifname, char *err, size_t errlen)
{
	static const uint8_t groups[][6] = {
		{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x02 },    /* HSRP v1 224.0.0.2 */
		{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x12 },    /* VRRP 224.0.0.18 */
		{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x66 },    /* HSRP v2 224.0.0.102 */
	};
	struct sock_fprog prog = { .len = sizeof(fhrp_filter) / sizeof(fhrp_filter[0]), .filter = fhrp_filter };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP) };
	char drain[64];
	int fd, idx, e;
	size_t i;

	(void)k;
	if ((idx = kern_ifindex(ifname, err, errlen)) < 0)
		return -1;
	/* protocol 0 until the filter is on, then bound: nothing unfiltered queues up */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return nlsock_errf(err, errlen, "packet socket on %s: %s", ifname, strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0) {
		nlsock_errf(err, errlen, "packet socket on %s: filter: %s", ifname, strerror(errno));
		goto fail;
	}
	sll.sll_ifindex = idx;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		nlsock_errf(err, errlen, "packet socket on %s: bind: %s", ifname, strerror(errno));
		goto fail;
	}
	while (recv(fd, drain, sizeof(drain), MSG_DONTWAIT) > 0)
		;
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		struct packet_mreq mr = { .mr_ifindex = idx, .mr_type = PACKET_MR_MULTICAST, .mr_alen = 6 };

		memcpy(mr.mr_address, groups[i], 6);
		if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0) {
			nlsock_errf(err, errlen, "packet socket on %s: multicast group: %s", ifname, strerror(errno));
			goto fail;
		}
	}
	return fd;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

static int lx_link_watch(void *k, char *err, size_t errlen)
{
	struct sockaddr_nl snl = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	int fd, e;

	(void)k;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return nlsock_errf(err, errlen, "link watch: socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&snl, sizeof(snl)) < 0) {
		e = errno;
		nlsock_errf(err, errlen, "link watch: bind: %s", strerror(e));
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int kern_link_watch_drain(int fd)
{
	char buf[8192];
	int n = 0;

	/* an overrun (ENOBUFS) also means "something changed": the caller re-reads anyway */
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0 || errno == ENOBUFS)
		if (++n > 1024)
			break;
	return n;
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
	.macvlan_add = lx_macvlan_add,
	.link_del = lx_link_del,
	.fhrp_socket = lx_fhrp_socket,
	.link_watch = lx_link_watch,
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
