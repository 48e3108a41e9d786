/* nlsock.c — a libmnl socket: request/ack with extended-ack text, dumps, and the
 * rtnetlink link/address/route requests shared by kern/ and netns-lab. See nlsock.h.
 */
#include "nlsock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int nlsock_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int nlsock_open(struct nlsock *nl, int bus, char *err, size_t errlen)
{
	struct timeval tv = { .tv_sec = 3 };
	int one = 1, e;

	nl->sk = mnl_socket_open2(bus, SOCK_CLOEXEC);
	if (!nl->sk)
		return nlsock_errf(err, errlen, "netlink socket: %s", strerror(errno));
	if (mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		e = errno;
		mnl_socket_close(nl->sk);
		nl->sk = NULL;
		errno = e;
		return nlsock_errf(err, errlen, "netlink bind: %s", strerror(e));
	}
	nl->portid = mnl_socket_get_portid(nl->sk);
	nl->seq = (unsigned)time(NULL);
	/* Extended acks carry the kernel's own reason text. */
	mnl_socket_setsockopt(nl->sk, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(nl->sk), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return 0;
}

void nlsock_close(struct nlsock *nl)
{
	if (nl->sk)
		mnl_socket_close(nl->sk);
	nl->sk = NULL;
}

struct nlmsghdr *nlsock_req(char *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	return nlh;
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

struct talk_arg {
	mnl_cb_t cb;
	void *data;
	char kmsg[128];
};

static int talk_data_cb(const struct nlmsghdr *nlh, void *p)
{
	struct talk_arg *a = p;

	return a->cb ? a->cb(nlh, a->data) : MNL_CB_OK;
}

static int talk_ack_cb(const struct nlmsghdr *nlh, void *p)
{
	struct talk_arg *a = p;

	return ack_cb(nlh, a->kmsg);
}

int nlsock_talk_cb(struct nlsock *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data, const char *what,
		   char *err, size_t errlen)
{
	char buf[MNL_SOCKET_DUMP_SIZE];
	struct talk_arg a = { .cb = cb, .data = data };
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = { 0 };
	unsigned seq = ++nl->seq;
	int rc;

	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		return nlsock_errf(err, errlen, "%s: netlink send: %s", what, strerror(errno));
	ctl[NLMSG_ERROR] = talk_ack_cb;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sk, buf, sizeof(buf));

		if (n < 0)
			return nlsock_errf(err, errlen, "%s: netlink receive: %s", what, strerror(errno));
		errno = 0;
		rc = mnl_cb_run2(buf, (size_t)n, seq, nl->portid, talk_data_cb, &a, ctl, NLMSG_MIN_TYPE);
		if (rc == MNL_CB_STOP)
			return 0;
		if (rc < 0) {
			int e = errno ? errno : EPROTO;

			nlsock_errf(err, errlen, "%s: %s%s%s", what, strerror(e), a.kmsg[0] ? " — " : "", a.kmsg);
			errno = e;      /* callers test EEXIST */
			return -1;
		}
	}
}

int nlsock_talk(struct nlsock *nl, struct nlmsghdr *nlh, const char *what, char *err, size_t errlen)
{
	return nlsock_talk_cb(nl, nlh, NULL, NULL, what, err, errlen);
}

int nlsock_dump(struct nlsock *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_DUMP_SIZE];
	unsigned seq = ++nl->seq;
	int rc;

	nlh->nlmsg_flags |= NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		return nlsock_errf(err, errlen, "netlink dump: %s", strerror(errno));
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sk, buf, sizeof(buf));

		if (n < 0)
			return nlsock_errf(err, errlen, "netlink dump: netlink receive: %s", strerror(errno));
		errno = 0;
		rc = mnl_cb_run(buf, (size_t)n, seq, nl->portid, cb, data);
		if (rc == MNL_CB_STOP)
			return 0;
		if (rc < 0) {
			int e = errno ? errno : EPROTO;

			nlsock_errf(err, errlen, "netlink dump: %s", strerror(e));
			errno = e;
			return -1;
		}
	}
}

/* --- rtnetlink ------------------------------------------------------------------ */

static struct ifinfomsg *link_msg(struct nlmsghdr *nlh, int ifindex)
{
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));

	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	return ifm;
}

int nlsock_link_set_up(struct nlsock *nl, int ifindex, int up, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[48];
	struct nlmsghdr *nlh = nlsock_req(buf, RTM_NEWLINK, 0);
	struct ifinfomsg *ifm = link_msg(nlh, ifindex);

	ifm->ifi_flags = up ? IFF_UP : 0;
	ifm->ifi_change = IFF_UP;
	snprintf(what, sizeof(what), "set link %d %s", ifindex, up ? "up" : "down");
	return nlsock_talk(nl, nlh, what, err, errlen);
}

int nlsock_link_set_mtu(struct nlsock *nl, int ifindex, unsigned mtu, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[48];
	struct nlmsghdr *nlh = nlsock_req(buf, RTM_NEWLINK, 0);

	link_msg(nlh, ifindex);
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	snprintf(what, sizeof(what), "set link %d mtu %u", ifindex, mtu);
	return nlsock_talk(nl, nlh, what, err, errlen);
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlsock_link *l = data;
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWLINK || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifm)))
		return MNL_CB_OK;
	l->index = ifm->ifi_index;
	l->admin_up = !!(ifm->ifi_flags & IFF_UP);
	l->carrier = !!(ifm->ifi_flags & IFF_LOWER_UP);
	mnl_attr_for_each(a, nlh, sizeof(*ifm)) {
		switch (mnl_attr_get_type(a)) {
		case IFLA_IFNAME:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				snprintf(l->name, sizeof(l->name), "%s", mnl_attr_get_str(a));
			break;
		case IFLA_MTU:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				l->mtu = mnl_attr_get_u32(a);
			break;
		case IFLA_ADDRESS:
			if (mnl_attr_get_payload_len(a) == 6) {
				memcpy(l->mac, mnl_attr_get_payload(a), 6);
				l->has_mac = 1;
			}
			break;
		}
	}
	return MNL_CB_OK;
}

int nlsock_link_get(struct nlsock *nl, int ifindex, const char *name, struct nlsock_link *out, char *err,
		    size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[48];
	struct nlmsghdr *nlh = nlsock_req(buf, RTM_GETLINK, 0);

	memset(out, 0, sizeof(*out));
	link_msg(nlh, ifindex > 0 ? ifindex : 0);
	if (ifindex > 0) {
		snprintf(what, sizeof(what), "get link %d", ifindex);
	} else {
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
		snprintf(what, sizeof(what), "get link %s", name);
	}
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	if (nlsock_talk_cb(nl, nlh, link_cb, out, what, err, errlen) < 0)
		return -1;
	if (out->index == 0) {
		errno = ENODEV;
		return nlsock_errf(err, errlen, "%s: no answer", what);
	}
	return 0;
}

static void ip_text(uint32_t a, char out[16])
{
	snprintf(out, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

int nlsock_addr(struct nlsock *nl, uint16_t type, int ifindex, uint32_t addr, uint8_t plen, char *err,
		size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[64], ip[16];
	struct nlmsghdr *nlh = nlsock_req(buf, type, type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_EXCL : 0);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	uint32_t a = htonl(addr);

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = plen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)ifindex;
	mnl_attr_put_u32(nlh, IFA_LOCAL, a);
	mnl_attr_put_u32(nlh, IFA_ADDRESS, a);
	if (type == RTM_NEWADDR && plen < 31) {
		uint32_t host = 0xffffffffu >> plen;

		mnl_attr_put_u32(nlh, IFA_BROADCAST, htonl(addr | host));
	}
	ip_text(addr, ip);
	snprintf(what, sizeof(what), "%s address %s/%u", type == RTM_NEWADDR ? "add" : "delete", ip, plen);
	return nlsock_talk(nl, nlh, what, err, errlen);
}

int nlsock_route(struct nlsock *nl, uint16_t type, uint16_t flags, const struct nlsock_route *r, char *err,
		 size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[96], ip[16], gw[16];
	struct nlmsghdr *nlh = nlsock_req(buf, type, flags);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	uint32_t table = r->table ? r->table : RT_TABLE_MAIN;
	int add = type == RTM_NEWROUTE;

	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = r->plen;
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	if (add) {
		rtm->rtm_protocol = r->protocol ? r->protocol : RTPROT_STATIC;
		rtm->rtm_scope = r->via ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
		rtm->rtm_type = RTN_UNICAST;
	} else {
		rtm->rtm_protocol = r->protocol;
		rtm->rtm_scope = RT_SCOPE_NOWHERE;      /* delete: any scope */
	}
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	if (r->plen)
		mnl_attr_put_u32(nlh, RTA_DST, htonl(r->dst));
	if (r->via)
		mnl_attr_put_u32(nlh, RTA_GATEWAY, htonl(r->via));
	if (r->oif)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)r->oif);
	if (r->metric)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, r->metric);
	if (r->realm)
		mnl_attr_put_u32(nlh, RTA_FLOW, r->realm);
	ip_text(r->dst, ip);
	ip_text(r->via, gw);
	snprintf(what, sizeof(what), "%s route %s/%u%s%s table %u", add ? "add" : "delete", ip, r->plen,
		 r->via ? " via " : "", r->via ? gw : "", table);
	return nlsock_talk(nl, nlh, what, err, errlen);
}

/* --- sysctl -------------------------------------------------------------------- */

int nlsock_sysctl(const char *path, const char *val, char *err, size_t errlen)
{
	char full[256];
	int fd;
	ssize_t n;
	size_t len = strlen(val);

	snprintf(full, sizeof(full), "/proc/sys/%s", path);
	fd = open(full, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return nlsock_errf(err, errlen, "open %s: %s", full, strerror(errno));
	n = write(fd, val, len);
	close(fd);
	if (n != (ssize_t)len)
		return nlsock_errf(err, errlen, "write %s: %s", full, strerror(errno));
	return 0;
}
