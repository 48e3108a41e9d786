/* rt_kern.c — a routing table of the calling thread's namespace into an rt_list
 * (rtnetlink dump through ihh_nl), multipath routes included: one entry per next hop,
 * merged by rt_list_add. Every attribute is length-checked before it is read. */
#include "rt_show.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include "nlsock.h"

struct rd_ctx {
	struct rt_list *l;
	uint32_t table;                   /* 0: every table but local */
	int full;
};

static void ifname_of(uint32_t idx, char out[RT_IFNAME_MAX])
{
	char b[IF_NAMESIZE];

	if (!idx)
		out[0] = '\0';
	else if (if_indextoname(idx, b))
		snprintf(out, RT_IFNAME_MAX, "%s", b);
	else
		snprintf(out, RT_IFNAME_MAX, "if%u", idx);
}

static void add(struct rd_ctx *c, uint32_t dst, uint8_t plen, uint32_t via, uint32_t oif, uint8_t proto,
		uint32_t metric, uint32_t realm, bool connected)
{
	char ifn[RT_IFNAME_MAX];

	ifname_of(oif, ifn);
	if (rt_list_add(c->l, dst, plen, via, ifn, proto, metric, realm, connected))
		c->full = 1;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rd_ctx *c = data;
	const struct rtmsg *rtm;
	const struct nlattr *a, *mp = NULL;
	uint32_t table, dst = 0, via = 0, oif = 0, metric = 0, realm = 0;

	if (nlh->nlmsg_type != RTM_NEWROUTE || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*rtm)))
		return MNL_CB_OK;
	rtm = mnl_nlmsg_get_payload(nlh);
	if (rtm->rtm_family != AF_INET || (rtm->rtm_flags & RTM_F_CLONED) || rtm->rtm_type != RTN_UNICAST ||
	    rtm->rtm_dst_len > 32)
		return MNL_CB_OK;
	table = rtm->rtm_table;
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		int t = mnl_attr_get_type(a);

		if (t == RTA_MULTIPATH) {
			mp = a;
			continue;
		}
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			continue;
		switch (t) {
		case RTA_TABLE:    table = mnl_attr_get_u32(a); break;
		case RTA_DST:      dst = ntohl(mnl_attr_get_u32(a)); break;
		case RTA_GATEWAY:  via = ntohl(mnl_attr_get_u32(a)); break;
		case RTA_OIF:      oif = mnl_attr_get_u32(a); break;
		case RTA_PRIORITY: metric = mnl_attr_get_u32(a); break;
		case RTA_FLOW:     realm = mnl_attr_get_u32(a); break;
		}
	}
	if (c->table ? table != c->table : table == RT_TABLE_LOCAL)
		return MNL_CB_OK;
	if (!mp) {
		add(c, dst, rtm->rtm_dst_len, via, oif, rtm->rtm_protocol, metric, realm,
		    rtm->rtm_protocol == RTPROT_KERNEL && rtm->rtm_scope == RT_SCOPE_LINK && !via);
		return MNL_CB_OK;
	}
	/* RTA_MULTIPATH: struct rtnexthop records, each followed by its own attributes */
	const char *p = mnl_attr_get_payload(mp);
	size_t left = mnl_attr_get_payload_len(mp);

	while (left >= sizeof(struct rtnexthop)) {
		struct rtnexthop nh;
		uint32_t nvia = 0, nrealm = realm;
		size_t off;

		memcpy(&nh, p, sizeof(nh));
		if (nh.rtnh_len < sizeof(nh) || nh.rtnh_len > left)
			break;
		for (off = RTNH_ALIGN(sizeof(nh)); off + sizeof(struct nlattr) <= nh.rtnh_len; ) {
			struct nlattr na;

			memcpy(&na, p + off, sizeof(na));
			if (na.nla_len < sizeof(na) || off + na.nla_len > nh.rtnh_len)
				break;
			if ((na.nla_type & NLA_TYPE_MASK) == RTA_GATEWAY && na.nla_len == sizeof(na) + 4) {
				memcpy(&nvia, p + off + sizeof(na), 4);
				nvia = ntohl(nvia);
			} else if ((na.nla_type & NLA_TYPE_MASK) == RTA_FLOW && na.nla_len == sizeof(na) + 4) {
				memcpy(&nrealm, p + off + sizeof(na), 4);   /* a realm per next hop */
			}
			off += NLA_ALIGN(na.nla_len);
		}
		add(c, dst, rtm->rtm_dst_len, nvia, (uint32_t)nh.rtnh_ifindex, rtm->rtm_protocol, metric, nrealm, false);
		if ((size_t)RTNH_ALIGN(nh.rtnh_len) >= left)
			break;
		left -= (size_t)RTNH_ALIGN(nh.rtnh_len);
		p += RTNH_ALIGN(nh.rtnh_len);
	}
	return MNL_CB_OK;
}

/* A /32 address (a Loopback) has no route in the main table, only in local; IOS shows
 * it as connected ("C 99.99.99.99 is directly connected, Loopback0", seed 001). */
static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rd_ctx *c = data;
	const struct ifaddrmsg *ifa;
	const struct nlattr *a;
	uint32_t addr = 0;
	int have = 0;

	if (nlh->nlmsg_type != RTM_NEWADDR || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifa)))
		return MNL_CB_OK;
	ifa = mnl_nlmsg_get_payload(nlh);
	if (ifa->ifa_family != AF_INET || ifa->ifa_prefixlen != 32)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*ifa)) {
		if (mnl_attr_get_type(a) == IFA_LOCAL && mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
			addr = ntohl(mnl_attr_get_u32(a));
			have = 1;
		}
	}
	if (have && (addr >> 24) != 127 && !rt_list_find(c->l, addr, 32))
		add(c, addr, 32, 0, ifa->ifa_index, RTPROT_KERNEL, 0, 0, true);
	return MNL_CB_OK;
}

int rt_kern_read(struct rt_list *l, uint32_t table, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct rd_ctx c = { l, table, 0 };
	struct nlsock nl;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	int rc;

	memset(&nl, 0, sizeof(nl));
	if (nlsock_open(&nl, NETLINK_ROUTE, err, errlen) < 0)
		return -1;
	nlh = nlsock_req(buf, RTM_GETROUTE, 0);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rc = nlsock_dump(&nl, nlh, route_cb, &c, err, errlen);
	if (rc == 0 && (table == RT_KERN_MAIN || table == RT_KERN_ALL)) {
		struct ifaddrmsg *ifm;

		nlh = nlsock_req(buf, RTM_GETADDR, 0);
		ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
		ifm->ifa_family = AF_INET;
		rc = nlsock_dump(&nl, nlh, addr_cb, &c, err, errlen);
	}
	nlsock_close(&nl);
	if (rc == 0 && c.full)
		return nlsock_errf(err, errlen, "more than %d routes", RT_MAX_ROUTES);
	return rc < 0 ? -1 : 0;
}
