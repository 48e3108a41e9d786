/* nlsock_nft.c — nftables through libnftnl: one batch per change (the kernel applies a
 * batch as one transaction: all of it or none), acks counted per message, and the
 * expression builders both kern/ (steering marks) and netns-lab (drops) use.
 */
#include "nlsock.h"

#include <errno.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

int nlsock_batch_start(struct nlsock_batch *bt)
{
	uint32_t r;

	bt->buf = malloc(MNL_SOCKET_BUFFER_SIZE * 4);
	if (!bt->buf)
		return -1;
	bt->b = mnl_nlmsg_batch_start(bt->buf, MNL_SOCKET_BUFFER_SIZE * 4);
	if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
		r = (uint32_t)rand();
	bt->seq = r | 1;
	bt->nmsgs = 0;
	nftnl_batch_begin(mnl_nlmsg_batch_current(bt->b), bt->seq++);
	mnl_nlmsg_batch_next(bt->b);
	return 0;
}

struct nlmsghdr *nlsock_batch_msg(struct nlsock_batch *bt, uint16_t type, uint16_t family, uint16_t flags)
{
	bt->nmsgs++;
	return nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(bt->b), type, family, flags | NLM_F_ACK, bt->seq++);
}

void nlsock_batch_next(struct nlsock_batch *bt)
{
	mnl_nlmsg_batch_next(bt->b);
}

struct reply {
	int acks;
	int error;
	mnl_cb_t data_cb;
	void *data;
};

static int reply_data_cb(const struct nlmsghdr *nlh, void *p)
{
	struct reply *rp = p;

	return rp->data_cb ? rp->data_cb(nlh, rp->data) : MNL_CB_OK;
}

static int reply_err_cb(const struct nlmsghdr *nlh, void *p)
{
	struct reply *rp = p;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return MNL_CB_ERROR;
	rp->acks++;
	if (e->error && !rp->error)
		rp->error = -e->error;
	return MNL_CB_OK;
}

int nlsock_batch_send(struct nlsock *nl, struct nlsock_batch *bt, mnl_cb_t data_cb, void *data, const char *what,
		      char *err, size_t errlen)
{
	char buf[MNL_SOCKET_DUMP_SIZE];
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = { 0 };
	struct reply rp = { .data_cb = data_cb, .data = data };

	nftnl_batch_end(mnl_nlmsg_batch_current(bt->b), bt->seq++);
	mnl_nlmsg_batch_next(bt->b);
	if (mnl_socket_sendto(nl->sk, mnl_nlmsg_batch_head(bt->b), mnl_nlmsg_batch_size(bt->b)) < 0)
		return nlsock_errf(err, errlen, "%s: nftables send: %s", what, strerror(errno));
	ctl[NLMSG_ERROR] = reply_err_cb;
	while (rp.acks < bt->nmsgs && !rp.error) {
		ssize_t n = mnl_socket_recvfrom(nl->sk, buf, sizeof(buf));

		if (n < 0)
			return nlsock_errf(err, errlen, "%s: nftables receive: %s", what, strerror(errno));
		if (mnl_cb_run2(buf, (size_t)n, 0, nl->portid, reply_data_cb, &rp, ctl, NLMSG_MIN_TYPE) < 0)
			return nlsock_errf(err, errlen, "%s: nftables reply: %s", what, strerror(errno));
	}
	if (rp.error) {
		nlsock_errf(err, errlen, "%s: nftables: %s", what, strerror(rp.error));
		errno = rp.error;
		return -1;
	}
	return 0;
}

void nlsock_batch_free(struct nlsock_batch *bt)
{
	if (bt->b)
		mnl_nlmsg_batch_stop(bt->b);
	free(bt->buf);
	bt->b = NULL;
	bt->buf = NULL;
}

/* --- expressions --------------------------------------------------------------- */

void nlsock_nft_meta(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
}

void nlsock_nft_meta_set(struct nftnl_rule *r, uint32_t key, uint32_t value)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, &value, sizeof(value));
	nftnl_rule_add_expr(r, e);
	e = nftnl_expr_alloc("meta");
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_SREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
}

void nlsock_nft_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
}

void nlsock_nft_cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	nftnl_rule_add_expr(r, e);
}

void nlsock_nft_mask(struct nftnl_rule *r, const void *mask, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("bitwise");
	static const uint8_t zero[16];

	if (len > sizeof(zero))
		len = sizeof(zero);      /* a register holds 16 bytes */
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
	nftnl_rule_add_expr(r, e);
}

void nlsock_nft_counter(struct nftnl_rule *r)
{
	nftnl_rule_add_expr(r, nftnl_expr_alloc("counter"));
}

void nlsock_nft_verdict(struct nftnl_rule *r, int verdict)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
	nftnl_rule_add_expr(r, e);
}
