/* kern_steer.c — steering protected traffic into the TUN (Linux): nftables marks from
 * the crypto ACL selectors, an ip rule fwmark → table, and in that table a default
 * route through the TUN. Layout (what `nft list table ip refgw` shows):
 *
 *   table ip refgw {
 *     chain pre { type filter hook prerouting priority mangle; policy accept;
 *       iifname "TUN" accept                  # decrypted traffic is never re-steered
 *       ip saddr S/s ip daddr D/d [ip protocol P] meta mark set FWMARK   # per selector
 *     }
 *     chain out { type route hook output priority mangle; policy accept;
 *       meta mark KERN_MARK_OWN accept        # refgw's own IKE/ESP sockets
 *       ip saddr S/s ip daddr D/d [ip protocol P] meta mark set FWMARK
 *     }
 *   }
 *   ip rule: priority KERN_STEER_PRIO fwmark FWMARK lookup TABLE proto KERN_RTPROT_STEER
 *   ip route: default dev TUN table TABLE proto KERN_RTPROT_STEER
 *
 * The output chain has type route so the kernel routes a locally generated packet
 * again once its mark changed (it needs a first route: the main table's default).
 *
 * steer_set replaces the previous set without a window: the new route and rule go in
 * first, the nftables table is replaced in one transaction (create, delete, create:
 * the batch succeeds whether or not the table existed), then routes and rules of an
 * earlier set that differ are removed. Routes and rules are found again by their
 * protocol, so nothing is kept in memory between calls.
 */
#include "kern_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/fib_rules.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#define STEER_MAX_OLD 32

/* --- nftables ------------------------------------------------------------------------- */

static void put_table(struct nlsock_batch *bt, uint16_t type, uint16_t flags)
{
	struct nftnl_table *t = nftnl_table_alloc();

	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_IPV4);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, KERN_NFT_TABLE);
	nftnl_table_nlmsg_build_payload(nlsock_batch_msg(bt, type, NFPROTO_IPV4, flags), t);
	nlsock_batch_next(bt);
	nftnl_table_free(t);
}

static void put_chain(struct nlsock_batch *bt, const char *name, uint32_t hook, const char *type)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_IPV4);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, KERN_NFT_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, NF_IP_PRI_MANGLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, type);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	nftnl_chain_nlmsg_build_payload(nlsock_batch_msg(bt, NFT_MSG_NEWCHAIN, NFPROTO_IPV4, NLM_F_CREATE), c);
	nlsock_batch_next(bt);
	nftnl_chain_free(c);
}

static struct nftnl_rule *rule_new(const char *chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, KERN_NFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	return r;
}

static void put_rule(struct nlsock_batch *bt, struct nftnl_rule *r)
{
	nftnl_rule_nlmsg_build_payload(
		nlsock_batch_msg(bt, NFT_MSG_NEWRULE, NFPROTO_IPV4, NLM_F_CREATE | NLM_F_APPEND), r);
	nlsock_batch_next(bt);
	nftnl_rule_free(r);
}

/* ip saddr/daddr within net/plen: load 4 bytes at offset, mask, compare. */
static void match_prefix(struct nftnl_rule *r, uint32_t offset, uint32_t net, uint8_t plen)
{
	uint32_t mask = plen ? htonl(0xffffffffu << (32 - plen)) : 0;
	uint32_t want = htonl(net) & mask;

	if (plen == 0)
		return;                 /* any */
	nlsock_nft_payload(r, NFT_PAYLOAD_NETWORK_HEADER, offset, 4);
	if (plen < 32)
		nlsock_nft_mask(r, &mask, 4);
	nlsock_nft_cmp(r, NFT_CMP_EQ, &want, 4);
}

static void put_selector(struct nlsock_batch *bt, const char *chain, const struct kern_steer *s, uint32_t fwmark)
{
	struct nftnl_rule *r = rule_new(chain);

	match_prefix(r, 12, s->src, s->src_plen);      /* RFC 791: source address at 12 */
	match_prefix(r, 16, s->dst, s->dst_plen);      /* destination at 16 */
	if (s->proto) {
		nlsock_nft_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 9, 1);
		nlsock_nft_cmp(r, NFT_CMP_EQ, &s->proto, 1);
	}
	nlsock_nft_meta_set(r, NFT_META_MARK, fwmark);
	put_rule(bt, r);
}

static int nft_replace(const char *tun, uint32_t fwmark, const struct kern_steer *s, unsigned n, char *err,
		       size_t errlen)
{
	struct nlsock nl = { 0 };
	struct nlsock_batch bt = { 0 };
	struct nftnl_rule *r;
	char name[IFNAMSIZ] = { 0 };
	uint32_t own = KERN_MARK_OWN;
	unsigned i;
	int rc = -1;

	if (nlsock_open(&nl, NETLINK_NETFILTER, err, errlen) < 0)
		return -1;
	if (nlsock_batch_start(&bt) < 0) {
		nlsock_errf(err, errlen, "steer: out of memory");
		goto out;
	}
	put_table(&bt, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	put_table(&bt, NFT_MSG_DELTABLE, 0);
	if (n) {
		put_table(&bt, NFT_MSG_NEWTABLE, NLM_F_CREATE);
		put_chain(&bt, "pre", NF_INET_PRE_ROUTING, "filter");
		put_chain(&bt, "out", NF_INET_LOCAL_OUT, "route");
		snprintf(name, sizeof(name), "%s", tun);
		r = rule_new("pre");
		nlsock_nft_meta(r, NFT_META_IIFNAME);
		nlsock_nft_cmp(r, NFT_CMP_EQ, name, sizeof(name));
		nlsock_nft_verdict(r, NF_ACCEPT);
		put_rule(&bt, r);
		r = rule_new("out");
		nlsock_nft_meta(r, NFT_META_MARK);
		nlsock_nft_cmp(r, NFT_CMP_EQ, &own, sizeof(own));
		nlsock_nft_verdict(r, NF_ACCEPT);
		put_rule(&bt, r);
		for (i = 0; i < n; i++) {
			put_selector(&bt, "pre", &s[i], fwmark);
			put_selector(&bt, "out", &s[i], fwmark);
		}
	}
	rc = nlsock_batch_send(&nl, &bt, NULL, NULL, n ? "steer: table ip " KERN_NFT_TABLE
			       : "steer: delete table ip " KERN_NFT_TABLE, err, errlen);
out:
	nlsock_batch_free(&bt);
	nlsock_close(&nl);
	return rc;
}

/* --- ip rules ------------------------------------------------------------------------- */

static int rule_req(struct nlsock *nl, uint16_t type, uint16_t flags, uint32_t fwmark, uint32_t table,
		    char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[80];
	struct nlmsghdr *nlh = nlsock_req(buf, type, flags);
	struct fib_rule_hdr *frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));

	frh->family = AF_INET;
	frh->action = FR_ACT_TO_TBL;
	frh->table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	mnl_attr_put_u32(nlh, FRA_TABLE, table);
	mnl_attr_put_u32(nlh, FRA_FWMARK, fwmark);
	mnl_attr_put_u32(nlh, FRA_FWMASK, 0xffffffffu);
	mnl_attr_put_u32(nlh, FRA_PRIORITY, KERN_STEER_PRIO);
	mnl_attr_put_u8(nlh, FRA_PROTOCOL, KERN_RTPROT_STEER);
	snprintf(what, sizeof(what), "steer: %s rule fwmark 0x%x lookup %u", type == RTM_NEWRULE ? "add" : "delete",
		 fwmark, table);
	return nlsock_talk(nl, nlh, what, err, errlen);
}

struct old_rule { uint32_t fwmark, table; };

struct old_set {
	struct old_rule rules[STEER_MAX_OLD];
	int nrules;
	struct nlsock_route routes[STEER_MAX_OLD];
	int nroutes;
};

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct old_set *o = data;
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	struct old_rule r = { 0, 0 };
	int ours = 0;

	if (nlh->nlmsg_type != RTM_NEWRULE || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*frh)))
		return MNL_CB_OK;
	r.table = frh->table;
	mnl_attr_for_each(a, nlh, sizeof(*frh)) {
		switch (mnl_attr_get_type(a)) {
		case FRA_PROTOCOL:
			ours = mnl_attr_validate(a, MNL_TYPE_U8) == 0 && mnl_attr_get_u8(a) == KERN_RTPROT_STEER;
			break;
		case FRA_FWMARK:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				r.fwmark = mnl_attr_get_u32(a);
			break;
		case FRA_TABLE:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				r.table = mnl_attr_get_u32(a);
			break;
		}
	}
	if (ours && o->nrules < STEER_MAX_OLD)
		o->rules[o->nrules++] = r;
	return MNL_CB_OK;
}

static int steer_route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct old_set *o = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	struct nlsock_route r = { 0 };

	if (nlh->nlmsg_type != RTM_NEWROUTE || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*rtm)))
		return MNL_CB_OK;
	if (rtm->rtm_family != AF_INET || rtm->rtm_protocol != KERN_RTPROT_STEER)
		return MNL_CB_OK;
	r.plen = rtm->rtm_dst_len;
	r.table = rtm->rtm_table;
	r.protocol = KERN_RTPROT_STEER;
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			continue;
		switch (mnl_attr_get_type(a)) {
		case RTA_TABLE: r.table = mnl_attr_get_u32(a); break;
		case RTA_DST:   r.dst = ntohl(mnl_attr_get_u32(a)); break;
		case RTA_OIF:   r.oif = (int)mnl_attr_get_u32(a); break;
		}
	}
	if (o->nroutes < STEER_MAX_OLD)
		o->routes[o->nroutes++] = r;
	return MNL_CB_OK;
}

static int find_old(struct nlsock *nl, struct old_set *o, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct fib_rule_hdr *frh;
	struct rtmsg *rtm;

	memset(o, 0, sizeof(*o));
	nlh = nlsock_req(buf, RTM_GETRULE, 0);
	frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
	frh->family = AF_INET;
	if (nlsock_dump(nl, nlh, rule_cb, o, err, errlen) < 0)
		return -1;
	nlh = nlsock_req(buf, RTM_GETROUTE, 0);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	return nlsock_dump(nl, nlh, steer_route_cb, o, err, errlen);
}

/* Remove every rule and route of an earlier set except (keep_mark, keep_table, keep_oif);
 * keep_table 0 removes all. */
static int remove_old(struct nlsock *nl, uint32_t keep_mark, uint32_t keep_table, int keep_oif, char *err,
		      size_t errlen)
{
	struct old_set o;
	int i, rc = 0;

	if (find_old(nl, &o, err, errlen) < 0)
		return -1;
	for (i = 0; i < o.nrules; i++) {
		if (keep_table && o.rules[i].fwmark == keep_mark && o.rules[i].table == keep_table)
			continue;
		if (rule_req(nl, RTM_DELRULE, 0, o.rules[i].fwmark, o.rules[i].table, err, errlen) < 0 &&
		    errno != ENOENT)
			rc = -1;
	}
	for (i = 0; i < o.nroutes; i++) {
		if (keep_table && o.routes[i].table == keep_table && o.routes[i].oif == keep_oif &&
		    o.routes[i].plen == 0)
			continue;
		if (nlsock_route(nl, RTM_DELROUTE, 0, &o.routes[i], err, errlen) < 0 && errno != ESRCH)
			rc = -1;
	}
	return rc;
}

/* --- the ops ---------------------------------------------------------------------------- */

int kern_linux_steer_clear(void *k, char *err, size_t errlen)
{
	struct nlsock nl = { 0 };
	int rc;

	(void)k;
	if (nft_replace("", 0, NULL, 0, err, errlen) < 0 || kern_rt_open(&nl, err, errlen) < 0)
		return -1;
	rc = remove_old(&nl, 0, 0, 0, err, errlen);
	nlsock_close(&nl);
	return rc;
}

int kern_linux_steer_set(void *k, const char *tun_ifname, uint32_t fwmark, uint32_t table,
			 const struct kern_steer *s, unsigned n, char *err, size_t errlen)
{
	struct nlsock_route def = { .table = table, .protocol = KERN_RTPROT_STEER };
	struct nlsock nl = { 0 };
	unsigned i;
	int rc = -1;

	if (n == 0)
		return kern_linux_steer_clear(k, err, errlen);
	if (fwmark == 0 || fwmark == KERN_MARK_OWN)
		return nlsock_errf(err, errlen, "steer: fwmark 0x%x: expected a non-zero mark other than 0x%x", fwmark,
				   KERN_MARK_OWN);
	if (table == 0 || table == RT_TABLE_MAIN || table == RT_TABLE_LOCAL || table == RT_TABLE_DEFAULT)
		return nlsock_errf(err, errlen, "steer: table %u: expected a table of its own (1..252, or > 255)",
				   table);
	for (i = 0; i < n; i++)
		if (s[i].src_plen > 32 || s[i].dst_plen > 32)
			return nlsock_errf(err, errlen, "steer: selector %u: prefix length above 32", i);
	if ((def.oif = kern_ifindex(tun_ifname, err, errlen)) < 0 || kern_rt_open(&nl, err, errlen) < 0)
		return -1;
	if (nlsock_route(&nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, &def, err, errlen) < 0)
		goto out;
	if (rule_req(&nl, RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, fwmark, table, err, errlen) < 0 && errno != EEXIST)
		goto out;
	if (nft_replace(tun_ifname, fwmark, s, n, err, errlen) < 0)
		goto out;
	rc = remove_old(&nl, fwmark, table, def.oif, err, errlen);
out:
	nlsock_close(&nl);
	return rc;
}
