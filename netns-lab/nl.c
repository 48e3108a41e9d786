/* nl.c — netlink sockets opened inside a lab namespace, and the link creation lab_up
 * needs (veth pairs straight into two namespaces, bridges, ifb). The request/ack/dump
 * layer and the address/route requests are reference/kern/nlsock (shared with refgw).
 *
 * A netlink socket belongs to the namespace of the thread that created it, so
 * lab_nl_open creates it inside the target namespace (lab_in_ns) and every request
 * on it acts there, whichever namespace the caller is in afterwards.
 */
#include "lab_int.h"

#include <errno.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

struct open_arg {
	struct nlsock *nl;
	int bus;
	char *err;
	size_t errlen;
	int entered;
};

static int open_cb(void *p)
{
	struct open_arg *a = p;

	a->entered = 1;
	return nlsock_open(a->nl, a->bus, a->err, a->errlen);
}

int lab_nl_open(struct nlsock *nl, int bus, int ns_fd, char *err, size_t errlen)
{
	struct open_arg a = { .nl = nl, .bus = bus, .err = err, .errlen = errlen };

	if (ns_fd < 0)
		return open_cb(&a);
	if (lab_in_ns(ns_fd, open_cb, &a) < 0)
		return a.entered ? -1 : lab_errf(err, errlen, "netlink socket: enter namespace: %s", strerror(errno));
	return 0;
}

int lab_nl_link_add(struct nlsock *nl, const struct lab_nl_link *l, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[64];
	struct nlmsghdr *nlh = nlsock_req(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
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
	return nlsock_talk(nl, nlh, what, err, errlen);
}
