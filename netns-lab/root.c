/* root.c — the root-namespace guard: a snapshot of the root namespace's links (with
 * packet counters), addresses and routes of every table, taken with rtnetlink, and a
 * comparison that fails if a link, address or route appeared, vanished or changed.
 * Counters are only reported (the host's own traffic moves them).
 */
#include "lab_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct snap_ctx {
	struct lab_root_snapshot *s;
	int idx[64];                   /* ifindex of s->ifs[i] */
};

static const char *ifname_of(const struct snap_ctx *c, int index, char buf[16])
{
	int i;

	for (i = 0; i < c->s->nifs; i++)
		if (c->idx[i] == index)
			return c->s->ifs[i].name;
	snprintf(buf, 16, "if%d", index);
	return buf;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct snap_ctx *c = data;
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	int i;

	if (nlh->nlmsg_type != RTM_NEWLINK || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifm)))
		return MNL_CB_OK;
	if (c->s->nifs >= 64) {
		c->s->truncated = 1;
		return MNL_CB_OK;
	}
	i = c->s->nifs++;
	c->idx[i] = ifm->ifi_index;
	snprintf(c->s->ifs[i].name, sizeof(c->s->ifs[i].name), "if%d", ifm->ifi_index);
	mnl_attr_for_each(a, nlh, sizeof(*ifm)) {
		switch (mnl_attr_get_type(a)) {
		case IFLA_IFNAME:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				snprintf(c->s->ifs[i].name, sizeof(c->s->ifs[i].name), "%s", mnl_attr_get_str(a));
			break;
		case IFLA_STATS64:
			if (mnl_attr_get_payload_len(a) >= sizeof(struct rtnl_link_stats64)) {
				struct rtnl_link_stats64 st;

				memcpy(&st, mnl_attr_get_payload(a), sizeof(st));
				c->s->ifs[i].rx_packets = st.rx_packets;
				c->s->ifs[i].tx_packets = st.tx_packets;
			}
			break;
		}
	}
	return MNL_CB_OK;
}

static void addr_text(int family, const void *p, char *out, size_t len)
{
	if (!inet_ntop(family, p, out, (socklen_t)len))
		snprintf(out, len, "?");
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct snap_ctx *c = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	char addr[64] = "?", nb[16];

	if (nlh->nlmsg_type != RTM_NEWADDR || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifa)))
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*ifa)) {
		int t = mnl_attr_get_type(a);
		uint16_t plen = mnl_attr_get_payload_len(a);

		if ((t == IFA_LOCAL || (t == IFA_ADDRESS && addr[0] == '?')) &&
		    plen == (ifa->ifa_family == AF_INET ? 4 : 16))
			addr_text(ifa->ifa_family, mnl_attr_get_payload(a), addr, sizeof(addr));
	}
	if (c->s->naddrs >= 64) {
		c->s->truncated = 1;
		return MNL_CB_OK;
	}
	snprintf(c->s->addrs[c->s->naddrs++], 64, "%s/%u dev %s", addr, ifa->ifa_prefixlen,
		 ifname_of(c, (int)ifa->ifa_index, nb));
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct snap_ctx *c = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	char dst[64], gw[64] = "", nb[16];
	const char *dev = "-";
	uint32_t table;
	size_t alen;

	if (nlh->nlmsg_type != RTM_NEWROUTE || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*rtm)))
		return MNL_CB_OK;
	if (rtm->rtm_flags & RTM_F_CLONED)
		return MNL_CB_OK;
	alen = rtm->rtm_family == AF_INET ? 4 : 16;
	snprintf(dst, sizeof(dst), rtm->rtm_family == AF_INET ? "0.0.0.0" : "::");
	table = rtm->rtm_table;
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		switch (mnl_attr_get_type(a)) {
		case RTA_DST:
			if (mnl_attr_get_payload_len(a) == alen)
				addr_text(rtm->rtm_family, mnl_attr_get_payload(a), dst, sizeof(dst));
			break;
		case RTA_GATEWAY:
			if (mnl_attr_get_payload_len(a) == alen) {
				char g[48];

				addr_text(rtm->rtm_family, mnl_attr_get_payload(a), g, sizeof(g));
				snprintf(gw, sizeof(gw), " via %s", g);
			}
			break;
		case RTA_OIF:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				dev = ifname_of(c, (int)mnl_attr_get_u32(a), nb);
			break;
		case RTA_TABLE:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				table = mnl_attr_get_u32(a);
			break;
		}
	}
	if (c->s->nroutes >= 128) {
		c->s->truncated = 1;
		return MNL_CB_OK;
	}
	snprintf(c->s->routes[c->s->nroutes++], 96, "%s/%u%s dev %s table %u", dst, rtm->rtm_dst_len, gw, dev,
		 table);
	return MNL_CB_OK;
}

static int dump(struct nlsock *nl, uint16_t type, int family, mnl_cb_t cb, struct snap_ctx *c, char *err,
		size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	if (type == RTM_GETLINK) {
		struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));

		ifm->ifi_family = (uint8_t)family;
	} else if (type == RTM_GETADDR) {
		struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

		ifa->ifa_family = (uint8_t)family;
	} else {
		struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

		rtm->rtm_family = (uint8_t)family;
	}
	return nlsock_dump(nl, nlh, cb, c, err, errlen);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

int lab_root_snapshot(struct lab_root_snapshot *s, char *err, size_t errlen)
{
	struct snap_ctx c;
	struct nlsock nl = { 0 };
	struct stat self, init;
	int rc = -1;

	memset(s, 0, sizeof(*s));
	if (stat("/proc/thread-self/ns/net", &self) == 0 && stat("/proc/1/ns/net", &init) == 0 &&
	    self.st_ino != init.st_ino)
		return lab_errf(err, errlen, "root snapshot: the calling thread is not in the root namespace");
	memset(&c, 0, sizeof(c));
	c.s = s;
	if (lab_nl_open(&nl, NETLINK_ROUTE, -1, err, errlen) < 0)
		return -1;
	if (dump(&nl, RTM_GETLINK, AF_UNSPEC, link_cb, &c, err, errlen) < 0 ||
	    dump(&nl, RTM_GETADDR, AF_UNSPEC, addr_cb, &c, err, errlen) < 0 ||
	    dump(&nl, RTM_GETROUTE, AF_INET, route_cb, &c, err, errlen) < 0 ||
	    dump(&nl, RTM_GETROUTE, AF_INET6, route_cb, &c, err, errlen) < 0)
		goto out;
	qsort(s->routes, (size_t)s->nroutes, sizeof(s->routes[0]), cmp_str);
	qsort(s->addrs, (size_t)s->naddrs, sizeof(s->addrs[0]), cmp_str);
	rc = 0;
out:
	nlsock_close(&nl);
	return rc;
}

static int has(const char *tab, size_t stride, int n, const char *s)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(tab + (size_t)i * stride, s) == 0)
			return 1;
	return 0;
}

struct diff { char *buf; size_t len, used; int n; };

static void note(struct diff *d, const char *kind, const char *what)
{
	int w;

	d->n++;
	if (!d->buf || d->used >= d->len)
		return;
	w = snprintf(d->buf + d->used, d->len - d->used, "%s%s %s", d->used ? "; " : "root namespace changed: ",
		     kind, what);
	if (w > 0)
		d->used += (size_t)w;
}

static void diff_set(struct diff *d, const char *a, const char *b, size_t stride, int na, int nb,
		     const char *gone, const char *added)
{
	int i;

	for (i = 0; i < na; i++)
		if (!has(b, stride, nb, a + (size_t)i * stride))
			note(d, gone, a + (size_t)i * stride);
	for (i = 0; i < nb; i++)
		if (!has(a, stride, na, b + (size_t)i * stride))
			note(d, added, b + (size_t)i * stride);
}

int lab_root_compare(const struct lab_root_snapshot *before, const struct lab_root_snapshot *after, char *err,
		     size_t errlen)
{
	struct diff d = { .buf = err, .len = errlen };
	char names_a[64][16], names_b[64][16];
	int i;

	if (err && errlen)
		err[0] = '\0';
	for (i = 0; i < before->nifs; i++)
		memcpy(names_a[i], before->ifs[i].name, 16);
	for (i = 0; i < after->nifs; i++)
		memcpy(names_b[i], after->ifs[i].name, 16);
	diff_set(&d, names_a[0], names_b[0], 16, before->nifs, after->nifs, "link removed", "link added");
	diff_set(&d, before->addrs[0], after->addrs[0], 64, before->naddrs, after->naddrs, "address removed",
		 "address added");
	diff_set(&d, before->routes[0], after->routes[0], 96, before->nroutes, after->nroutes, "route removed",
		 "route added");
	return d.n ? -1 : 0;
}

void lab_root_report(const struct lab_root_snapshot *before, const struct lab_root_snapshot *after, char *buf,
		     size_t len)
{
	size_t used = 0;
	int i, j;

	if (!buf || !len)
		return;
	buf[0] = '\0';
	for (i = 0; i < after->nifs && used < len; i++) {
		uint64_t rx0 = 0, tx0 = 0;
		int w;

		for (j = 0; j < before->nifs; j++) {
			if (strcmp(before->ifs[j].name, after->ifs[i].name) == 0) {
				rx0 = before->ifs[j].rx_packets;
				tx0 = before->ifs[j].tx_packets;
			}
		}
		w = snprintf(buf + used, len - used, "%s: rx +%llu tx +%llu packets\n", after->ifs[i].name,
			     (unsigned long long)(after->ifs[i].rx_packets - rx0),
			     (unsigned long long)(after->ifs[i].tx_packets - tx0));
		if (w > 0)
			used += (size_t)w;
	}
}
