/* nl.c — rtnetlink through libmnl: a socket bound to one namespace, requests with acks,
 * dumps, and the link/address/route requests lab_up and the faults need.
 *
 * A netlink socket belongs to the namespace of the thread that created it, so
 * lab_nl_open creates it inside the target namespace (lab_in_ns) and every request
 * on it acts there, whichever namespace the caller is in afterwards.
 */
#include "lab_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

int lab_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

struct open_arg {
	int bus;
	struct mnl_socket *sk;
	int saved_errno;
};

static int open_cb(void *p)
{
	struct open_arg *a = p;

	a->sk = mnl_socket_open2(a->bus, SOCK_CLOEXEC);
	if (!a->sk) {
		a->saved_errno = errno;
		return -1;
	}
	if (mnl_socket_bind(a->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		a->saved_errno = errno;
		mnl_socket_close(a->sk);
		a->sk = NULL;
		return -1;
	}
	return 0;
}

int lab_nl_open(struct lab_nl *nl, int bus, int ns_fd, char *err, size_t errlen)
{
	struct open_arg a = { .bus = bus };
	int rc, one = 1;
	struct timeval tv = { .tv_sec = 3 };

	rc = ns_fd >= 0 ? lab_in_ns(ns_fd, open_cb, &a) : open_cb(&a);
	if (rc < 0 || !a.sk)
		return lab_errf(err, errlen, "netlink socket: %s", strerror(a.saved_errno ? a.saved_errno : errno));
	nl->sk = a.sk;
	nl->portid = mnl_socket_get_portid(a.sk);
	nl->seq = (unsigned)time(NULL);
	/* Extended acks carry the kernel's own reason text. */
	mnl_socket_setsockopt(a.sk, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(a.sk), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return 0;
}

void lab_nl_close(struct lab_nl *nl)
{
	if (nl->sk)
		mnl_socket_close(nl->sk);
	nl->sk = NULL;
}

/* Pull the error and the extack message out of an NLMSG_ERROR. */
static int ack_cb(const struct nlmsghdr *nlh, void *data)
{
	char *msg = data;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	size_t off;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return MNL_CB_ERROR;
	if (e->error == 0)
		return MNL_CB_STOP;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		off = (nlh->nlmsg_flags & NLM_F_CAPPED) ? sizeof(*e)
			: sizeof(*e) + e->msg.nlmsg_len - sizeof(struct nlmsghdr);
		if (mnl_nlmsg_size(off) <= nlh->nlmsg_len) {
			mnl_attr_for_each(attr, nlh, off) {
				if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
				    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
					snprintf(msg, 128, "%s", mnl_attr_get_str(attr));
			}
		}
	}
	errno = -e->error;
	return MNL_CB_ERROR;
}

static int run_answers(struct lab_nl *nl, unsigned seq, mnl_cb_t cb, void *data, const char *what, char *err,
		       size_t errlen)
{
	char buf[MNL_SOCKET_DUMP_SIZE];
	int rc;

	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sk, buf, sizeof(buf));

		if (n < 0)
			return lab_errf(err, errlen, "%s: netlink receive: %s", what, strerror(errno));
		errno = 0;
		rc = mnl_cb_run(buf, (size_t)n, seq, nl->portid, cb, data);
		if (rc == MNL_CB_STOP)
			return 0;
		if (rc < 0)
			return lab_errf(err, errlen, "%s: %s", what, strerror(errno ? errno : EPROTO));
	}
}

int lab_nl_talk(struct lab_nl *nl, struct nlmsghdr *nlh, const char *what, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	char kmsg[128] = "";
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = { 0 };
	unsigned seq = ++nl->seq;
	int rc;

	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		return lab_errf(err, errlen, "%s: netlink send: %s", what, strerror(errno));
	ctl[NLMSG_ERROR] = ack_cb;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sk, buf, sizeof(buf));

		if (n < 0)
			return lab_errf(err, errlen, "%s: netlink receive: %s", what, strerror(errno));
		errno = 0;
		rc = mnl_cb_run2(buf, (size_t)n, seq, nl->portid, NULL, kmsg, ctl, NLMSG_MIN_TYPE);
		if (rc == MNL_CB_STOP)
			return 0;
		if (rc < 0) {
			int e = errno ? errno : EPROTO;

			lab_errf(err, errlen, "%s: %s%s%s", what, strerror(e), kmsg[0] ? " — " : "", kmsg);
			errno = e;      /* callers test EEXIST */
			return -1;
		}
	}
}

int lab_nl_dump(struct lab_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data, char *err, size_t errlen)
{
	unsigned seq = ++nl->seq;

	nlh->nlmsg_flags |= NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		return lab_errf(err, errlen, "netlink dump: %s", strerror(errno));
	return run_answers(nl, seq, cb, data, "netlink dump", err, errlen);
}

static struct nlmsghdr *new_req(char *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	return nlh;
}

int lab_nl_link_add(struct lab_nl *nl, const struct lab_nl_link *l, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[64];
	struct nlmsghdr *nlh = new_req(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	struct nlattr *linkinfo, *data, *peer;

	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = l->index;
	if (l->up) {
		ifm->ifi_flags = IFF_UP;
		ifm->ifi_change = IFF_UP;
	}
	mnl_attr_put_strz(nlh, IFLA_IFNAME, l->name);
	if (l->mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, l->mac);
	if (l->master)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)l->master);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, l->kind);
	if (strcmp(l->kind, "veth") == 0) {
		struct ifinfomsg *pifm;

		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
		/* The peer's ifinfomsg sits at the start of the nest, attributes follow. */
		pifm = (struct ifinfomsg *)((char *)nlh + nlh->nlmsg_len);
		memset(pifm, 0, sizeof(*pifm));
		nlh->nlmsg_len += MNL_ALIGN(sizeof(*pifm));
		pifm->ifi_family = AF_UNSPEC;
		pifm->ifi_index = l->peer_index;
		if (l->peer_up) {
			pifm->ifi_flags = IFF_UP;
			pifm->ifi_change = IFF_UP;
		}
		mnl_attr_put_strz(nlh, IFLA_IFNAME, l->peer_name);
		if (l->peer_mac)
			mnl_attr_put(nlh, IFLA_ADDRESS, 6, l->peer_mac);
		if (l->peer_ns_fd >= 0)
			mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)l->peer_ns_fd);
		mnl_attr_nest_end(nlh, peer);
		mnl_attr_nest_end(nlh, data);
	} else if (strcmp(l->kind, "bridge") == 0) {
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		/* No STP, no snooping: ports forward at once; VRRP/HSRP multicast floods. */
		mnl_attr_put_u32(nlh, IFLA_BR_STP_STATE, 0);
		mnl_attr_put_u8(nlh, IFLA_BR_MCAST_SNOOPING, 0);
		mnl_attr_put_u32(nlh, IFLA_BR_FORWARD_DELAY, 0);
		mnl_attr_nest_end(nlh, data);
	}
	mnl_attr_nest_end(nlh, linkinfo);
	if (l->peer_name)
		snprintf(what, sizeof(what), "create %s %s/%s", l->kind, l->name, l->peer_name);
	else
		snprintf(what, sizeof(what), "create %s %s", l->kind, l->name);
	return lab_nl_talk(nl, nlh, what, err, errlen);
}

int lab_nl_link_set_up(struct lab_nl *nl, int ifindex, int up, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[48];
	struct nlmsghdr *nlh = new_req(buf, RTM_NEWLINK, 0);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));

	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	ifm->ifi_flags = up ? IFF_UP : 0;
	ifm->ifi_change = IFF_UP;
	snprintf(what, sizeof(what), "set link %d %s", ifindex, up ? "up" : "down");
	return lab_nl_talk(nl, nlh, what, err, errlen);
}

int lab_nl_addr_add(struct lab_nl *nl, int ifindex, const struct lab_prefix *p, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[64];
	struct nlmsghdr *nlh = new_req(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	uint32_t a = htonl(p->addr);

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = p->plen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)ifindex;
	mnl_attr_put_u32(nlh, IFA_LOCAL, a);
	mnl_attr_put_u32(nlh, IFA_ADDRESS, a);
	if (p->plen < 31) {
		uint32_t host = 0xffffffffu >> p->plen;

		mnl_attr_put_u32(nlh, IFA_BROADCAST, htonl(p->addr | host));
	}
	snprintf(what, sizeof(what), "add address %u.%u.%u.%u/%u", p->addr >> 24, (p->addr >> 16) & 255,
		 (p->addr >> 8) & 255, p->addr & 255, p->plen);
	return lab_nl_talk(nl, nlh, what, err, errlen);
}

int lab_nl_route_add(struct lab_nl *nl, const struct lab_prefix *dst, uint32_t via, int oif, char *err,
		     size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[80];
	struct nlmsghdr *nlh = new_req(buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = dst->plen;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = via ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	if (dst->plen)
		mnl_attr_put_u32(nlh, RTA_DST, htonl(dst->addr));
	if (via)
		mnl_attr_put_u32(nlh, RTA_GATEWAY, htonl(via));
	if (oif)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)oif);
	snprintf(what, sizeof(what), "add route %u.%u.%u.%u/%u", dst->addr >> 24, (dst->addr >> 16) & 255,
		 (dst->addr >> 8) & 255, dst->addr & 255, dst->plen);
	return lab_nl_talk(nl, nlh, what, err, errlen);
}

struct state_arg { int index, found, admin, carrier; };

static int state_cb(const struct nlmsghdr *nlh, void *data)
{
	struct state_arg *a = data;
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWLINK || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifm)))
		return MNL_CB_OK;
	if (ifm->ifi_index == a->index) {
		a->found = 1;
		a->admin = !!(ifm->ifi_flags & IFF_UP);
		a->carrier = !!(ifm->ifi_flags & IFF_LOWER_UP);
	}
	return MNL_CB_OK;
}

int lab_nl_link_state(struct lab_nl *nl, int ifindex, int *admin_up, int *carrier, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = new_req(buf, RTM_GETLINK, 0);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	struct state_arg a = { .index = ifindex };

	ifm->ifi_family = AF_UNSPEC;
	if (lab_nl_dump(nl, nlh, state_cb, &a, err, errlen) < 0)
		return -1;
	if (!a.found)
		return lab_errf(err, errlen, "no link with index %d", ifindex);
	if (admin_up)
		*admin_up = a.admin;
	if (carrier)
		*carrier = a.carrier;
	return 0;
}
