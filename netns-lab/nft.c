/* nft.c — selective drops with nftables (libnftnl; one batch per change through
 * reference/kern/nlsock, which also holds the expression builders).
 *
 * Layout in each node namespace, created on first use:
 *
 *   table inet ihh
 *     chain in  { type filter hook prerouting  priority -300; policy accept; }
 *     chain out { type filter hook postrouting priority -300; policy accept; }
 *
 * "in" is every packet the node receives (delivered locally or forwarded), matched
 * on the input interface; "out" every packet it sends (locally generated or
 * forwarded), matched on the output interface. Without an interface the loopback
 * (ifindex 1) is excluded, so a node's talk to itself is never dropped.
 *
 * One lab_drop can need several rules (an nftables rule is a conjunction; IKE is "udp
 * port 500 either way, or udp port 4500 either way with a zero non-ESP marker").
 * All rules of one drop carry the same comment "ihh-drop <random tag> ..."; the
 * handle returned is the first rule's (learned through NLM_F_ECHO), and lab_drop_del
 * removes every rule that carries that rule's comment.
 *
 *   IKE: udp dport 500 | udp sport 500 | udp dport 4500 @th,64,32 0 | udp sport 4500 @th,64,32 0
 *   ESP: meta l4proto 50 | udp dport 4500 @th,64,32 != 0 | udp sport 4500 @th,64,32 != 0
 *   loss: ... numgen random mod 100 < N drop       (RFC 3948 §2.2: non-ESP marker = 4 zero octets)
 */
#include "lab_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define NFT_TABLE   "ihh"
#define NFT_PRIO    (-300)
#define MAX_RULES   16
#define UDATA_COMMENT 0      /* NFTNL_UDATA_RULE_COMMENT in nft(8): shows in `nft list` */

enum { PORT_NONE, PORT_DPORT, PORT_SPORT };
enum { MARK_ANY, MARK_ZERO, MARK_NONZERO };

struct alt { int l4proto; int port_field; uint16_t port; int marker; };

static const struct alt alts_all[] = { { 0, PORT_NONE, 0, MARK_ANY } };
static const struct alt alts_ike[] = {
	{ IPPROTO_UDP, PORT_DPORT, 500, MARK_ANY },  { IPPROTO_UDP, PORT_SPORT, 500, MARK_ANY },
	{ IPPROTO_UDP, PORT_DPORT, 4500, MARK_ZERO }, { IPPROTO_UDP, PORT_SPORT, 4500, MARK_ZERO },
};
static const struct alt alts_esp[] = {
	{ IPPROTO_ESP, PORT_NONE, 0, MARK_ANY },
	{ IPPROTO_UDP, PORT_DPORT, 4500, MARK_NONZERO }, { IPPROTO_UDP, PORT_SPORT, 4500, MARK_NONZERO },
};

static void add_loss(struct nftnl_rule *r, unsigned pct)
{
	struct nftnl_expr *e = nftnl_expr_alloc("numgen");
	uint32_t be = htonl(pct);

	nftnl_expr_set_u32(e, NFTNL_EXPR_NG_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NG_MODULUS, 100);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NG_TYPE, NFT_NG_RANDOM);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NG_OFFSET, 0);
	nftnl_rule_add_expr(r, e);
	/* cmp lt compares bytes (memcmp): bring the host-order number to big endian. */
	e = nftnl_expr_alloc("byteorder");
	nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_OP, NFT_BYTEORDER_HTON);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_LEN, 4);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_SIZE, 4);
	nftnl_rule_add_expr(r, e);
	nlsock_nft_cmp(r, NFT_CMP_LT, &be, 4);
}

static struct nftnl_rule *build_rule(const char *chain, int in, const char *ifname, const struct alt *a,
				     unsigned loss, const struct nftnl_udata_buf *ud)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	if (ifname[0]) {
		char name[IFNAMSIZ] = { 0 };

		snprintf(name, sizeof(name), "%s", ifname);
		nlsock_nft_meta(r, in ? NFT_META_IIFNAME : NFT_META_OIFNAME);
		nlsock_nft_cmp(r, NFT_CMP_EQ, name, sizeof(name));
	} else {
		uint32_t lo = 1;

		nlsock_nft_meta(r, in ? NFT_META_IIF : NFT_META_OIF);
		nlsock_nft_cmp(r, NFT_CMP_NEQ, &lo, sizeof(lo));
	}
	if (a->l4proto) {
		uint8_t proto = (uint8_t)a->l4proto;

		nlsock_nft_meta(r, NFT_META_L4PROTO);
		nlsock_nft_cmp(r, NFT_CMP_EQ, &proto, 1);
	}
	if (a->port_field != PORT_NONE) {
		uint16_t port = htons(a->port);

		nlsock_nft_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, a->port_field == PORT_SPORT ? 0 : 2, 2);
		nlsock_nft_cmp(r, NFT_CMP_EQ, &port, 2);
	}
	if (a->marker != MARK_ANY) {
		uint32_t zero = 0;

		/* the first 4 octets after the UDP header */
		nlsock_nft_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 8, 4);
		nlsock_nft_cmp(r, a->marker == MARK_ZERO ? NFT_CMP_EQ : NFT_CMP_NEQ, &zero, 4);
	}
	if (loss < 100)
		add_loss(r, loss);
	nlsock_nft_counter(r);
	nlsock_nft_verdict(r, NF_DROP);
	nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(ud), nftnl_udata_buf_len(ud));
	return r;
}

/* Rule handles the kernel echoes back (NLM_F_ECHO) for the rules of one drop. */
struct echoed {
	uint64_t handles[MAX_RULES];
	int n;
};

static int echo_cb(const struct nlmsghdr *nlh, void *data)
{
	struct echoed *ec = data;
	struct nftnl_rule *r;

	if ((nlh->nlmsg_type & 0xff) != NFT_MSG_NEWRULE)
		return MNL_CB_OK;
	r = nftnl_rule_alloc();
	if (r && nftnl_rule_nlmsg_parse(nlh, r) == 0 && ec->n < MAX_RULES)
		ec->handles[ec->n++] = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

static struct nlmsghdr *batch_msg(struct nlsock_batch *bt, uint16_t type, uint16_t flags)
{
	return nlsock_batch_msg(bt, type, NFPROTO_INET, flags);
}

static void put_table_and_chains(struct nlsock_batch *bt)
{
	static const struct { const char *name; uint32_t hook; } chains[] = {
		{ "in", NF_INET_PRE_ROUTING }, { "out", NF_INET_POST_ROUTING },
	};
	struct nftnl_table *t = nftnl_table_alloc();
	size_t i;

	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE);
	nftnl_table_nlmsg_build_payload(batch_msg(bt, NFT_MSG_NEWTABLE, NLM_F_CREATE), t);
	nlsock_batch_next(bt);
	nftnl_table_free(t);
	for (i = 0; i < 2; i++) {
		struct nftnl_chain *c = nftnl_chain_alloc();

		nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NFT_TABLE);
		nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, chains[i].name);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, chains[i].hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, NFT_PRIO);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
		nftnl_chain_nlmsg_build_payload(batch_msg(bt, NFT_MSG_NEWCHAIN, NLM_F_CREATE), c);
		nlsock_batch_next(bt);
		nftnl_chain_free(c);
	}
}

static const char *match_name(enum lab_match m)
{
	return m == LAB_MATCH_IKE ? "ike" : m == LAB_MATCH_ESP ? "esp" : "all";
}

static const char *dir_name(enum lab_dir d)
{
	return d == LAB_DIR_IN ? "in" : d == LAB_DIR_OUT ? "out" : "both";
}

int lab_drop_add(struct lab_run *r, const struct lab_drop *d, uint64_t *handle, char *err, size_t errlen)
{
	const struct alt *alts;
	size_t nalts, i;
	int ni, ii = -1, dir, rc = -1;
	const char *lname = "";
	struct nlsock nl = { 0 };
	struct nlsock_batch bt = { 0 };
	struct echoed ec = { 0 };
	struct nftnl_udata_buf *ud = NULL;
	char comment[128], what[200];
	uint32_t tag;

	if (!r->topo || !r->up)
		return lab_errf(err, errlen, "run is not up");
	ni = lab_find_node(r->topo, d->node);
	if (ni < 0)
		return lab_errf(err, errlen, "run %s: unknown node '%s'", r->runid, d->node);
	if (d->ifname[0]) {
		ii = lab_find_if(&r->topo->nodes[ni], d->ifname);
		if (ii < 0)
			return lab_errf(err, errlen, "run %s: node %s has no interface '%s'", r->runid, d->node,
					d->ifname);
		lname = r->topo->nodes[ni].ifs[ii].linux_name;
	}
	if (d->loss_pct < 1 || d->loss_pct > 100)
		return lab_errf(err, errlen, "loss_pct %u out of range 1..100", d->loss_pct);
	switch (d->match) {
	case LAB_MATCH_IKE: alts = alts_ike; nalts = sizeof(alts_ike) / sizeof(alts_ike[0]); break;
	case LAB_MATCH_ESP: alts = alts_esp; nalts = sizeof(alts_esp) / sizeof(alts_esp[0]); break;
	default:            alts = alts_all; nalts = 1; break;
	}
	if (getrandom(&tag, sizeof(tag), 0) != (ssize_t)sizeof(tag))
		tag = (uint32_t)rand();
	snprintf(comment, sizeof(comment), "ihh-drop %08x %s %s %s %u%%", tag, match_name(d->match),
		 dir_name(d->dir), lname[0] ? lname : "*", d->loss_pct);
	snprintf(what, sizeof(what), "node %s drop %s", d->node, comment + 18);
	ud = nftnl_udata_buf_alloc(256);
	if (!ud || !nftnl_udata_put_strz(ud, UDATA_COMMENT, comment)) {
		lab_errf(err, errlen, "out of memory");
		goto out;
	}
	if (lab_nl_open(&nl, NETLINK_NETFILTER, r->node_fd[ni], err, errlen) < 0 || nlsock_batch_start(&bt) < 0)
		goto out;
	put_table_and_chains(&bt);
	for (dir = 0; dir < 2; dir++) {
		int in = dir == 0;

		if ((in && d->dir == LAB_DIR_OUT) || (!in && d->dir == LAB_DIR_IN))
			continue;
		for (i = 0; i < nalts; i++) {
			struct nftnl_rule *rule = build_rule(in ? "in" : "out", in, lname, &alts[i], d->loss_pct, ud);

			nftnl_rule_nlmsg_build_payload(
				batch_msg(&bt, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND | NLM_F_ECHO), rule);
			nlsock_batch_next(&bt);
			nftnl_rule_free(rule);
		}
	}
	if (nlsock_batch_send(&nl, &bt, echo_cb, &ec, what, err, errlen) < 0)
		goto out;
	if (ec.n == 0) {
		lab_errf(err, errlen, "%s: kernel echoed no rule handle", what);
		goto out;
	}
	*handle = ec.handles[0];
	rc = 0;
out:
	if (ud)
		nftnl_udata_buf_free(ud);
	nlsock_batch_free(&bt);
	nlsock_close(&nl);
	return rc;
}

/* --- delete -------------------------------------------------------------------- */

struct dump_rule { char chain[32]; uint64_t handle; uint8_t ud[256]; uint32_t udlen; };

struct dump {
	struct dump_rule rules[256];
	int n;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *dp = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct dump_rule *dr;
	const void *ud;
	uint32_t len = 0;

	if (!r)
		return MNL_CB_ERROR;
	if (nftnl_rule_nlmsg_parse(nlh, r) < 0 || dp->n >= 256) {
		nftnl_rule_free(r);
		return MNL_CB_OK;
	}
	dr = &dp->rules[dp->n++];
	snprintf(dr->chain, sizeof(dr->chain), "%s", nftnl_rule_get_str(r, NFTNL_RULE_CHAIN));
	dr->handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
	ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
	if (ud && len <= sizeof(dr->ud)) {
		memcpy(dr->ud, ud, len);
		dr->udlen = len;
	}
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

int lab_drop_del(struct lab_run *r, const char *node, uint64_t handle, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[64];
	struct nlsock nl = { 0 };
	struct nftnl_rule *q;
	struct nlmsghdr *nlh;
	struct dump *dp = NULL;
	struct nlsock_batch bt = { 0 };
	const struct dump_rule *target = NULL;
	int ni, i, rc = -1;

	if (!r->topo || !r->up)
		return lab_errf(err, errlen, "run is not up");
	ni = lab_find_node(r->topo, node);
	if (ni < 0)
		return lab_errf(err, errlen, "run %s: unknown node '%s'", r->runid, node);
	snprintf(what, sizeof(what), "node %s: delete drop %llu", node, (unsigned long long)handle);
	dp = calloc(1, sizeof(*dp));
	if (!dp)
		return lab_errf(err, errlen, "out of memory");
	if (lab_nl_open(&nl, NETLINK_NETFILTER, r->node_fd[ni], err, errlen) < 0)
		goto out;
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, NFPROTO_INET, NLM_F_DUMP, 0);
	q = nftnl_rule_alloc();
	nftnl_rule_set_str(q, NFTNL_RULE_TABLE, NFT_TABLE);
	nftnl_rule_nlmsg_build_payload(nlh, q);
	nftnl_rule_free(q);
	if (nlsock_dump(&nl, nlh, dump_cb, dp, err, errlen) < 0) {
		lab_errf(err, errlen, "%s: no such rule (table inet " NFT_TABLE " missing)", what);
		goto out;
	}
	for (i = 0; i < dp->n; i++)
		if (dp->rules[i].handle == handle)
			target = &dp->rules[i];
	if (!target) {
		lab_errf(err, errlen, "%s: no such rule", what);
		goto out;
	}
	if (nlsock_batch_start(&bt) < 0)
		goto out;
	for (i = 0; i < dp->n; i++) {
		const struct dump_rule *dr = &dp->rules[i];

		if (dr != target && (target->udlen == 0 || dr->udlen != target->udlen ||
				     memcmp(dr->ud, target->ud, dr->udlen) != 0))
			continue;
		q = nftnl_rule_alloc();
		nftnl_rule_set_u32(q, NFTNL_RULE_FAMILY, NFPROTO_INET);
		nftnl_rule_set_str(q, NFTNL_RULE_TABLE, NFT_TABLE);
		nftnl_rule_set_str(q, NFTNL_RULE_CHAIN, dr->chain);
		nftnl_rule_set_u64(q, NFTNL_RULE_HANDLE, dr->handle);
		nftnl_rule_nlmsg_build_payload(batch_msg(&bt, NFT_MSG_DELRULE, 0), q);
		nlsock_batch_next(&bt);
		nftnl_rule_free(q);
	}
	rc = nlsock_batch_send(&nl, &bt, NULL, NULL, what, err, errlen);
out:
	nlsock_batch_free(&bt);
	nlsock_close(&nl);
	free(dp);
	return rc;
}
