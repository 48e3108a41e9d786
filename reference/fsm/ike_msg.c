/* ike_msg.c — message plumbing for the IKEv1 engine: headers, sending and keeping the
 * last message for retransmission, sealing (zero padding + CBC, RFC 2409 App. B) and
 * opening encrypted messages (the IV is the caller's copy: nothing advances until the
 * caller has verified the HASH, RFC 2409 §10), ID payload bodies (RFC 2407 §4.6.2) and
 * the Informational exchange sender (RFC 2409 §5.7: HDR*, HASH(1), N/D).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ike_int.h"

uint32_t ike_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint16_t ike_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

void ike_wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void ike_hdr(const struct ike_sa *sa, struct isakmp_hdr *h, uint8_t exch, uint32_t msgid, int enc)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->icookie, sa->icookie, 8);
	memcpy(h->rcookie, sa->rcookie, 8);
	h->maj_ver = 1;             /* RFC 2408 §3.1: MjVer 1, MnVer 0 */
	h->min_ver = 0;
	h->exchange = exch;
	h->flags = enc ? ISAKMP_FLAG_E : 0;
	h->msgid = msgid;
}

void ike_digest(const uint8_t *msg, size_t len, uint8_t out[32])
{
	struct ikc_iov v = { msg, len };

	if (ikc_hash(IKE_HASH_SHA256, &v, 1, out))
		memset(out, 0, 32);
}

void ike_xmit_free(struct ike_xmit *x)
{
	free(x->buf);
	memset(x, 0, sizeof(*x));
}

void ike_send(struct ike *e, struct ike_sa *sa, struct ike_xmit *x, const uint8_t *msg, size_t len,
	      int keep, const char *state_name)
{
	if (x && msg != x->buf) {
		/* the last message of an exchange is kept either way: a duplicate of the
		 * peer's request is answered with it (RFC 2409 §10); `keep` arms the back-off
		 * timer. Copied before the callback runs, which may build other messages. */
		uint8_t *copy = malloc(len ? len : 1);

		free(x->buf);
		x->buf = copy;
		x->len = copy ? len : 0;
		if (copy)
			memcpy(copy, msg, len);
		x->armed = keep && copy;
		x->count = 0;
		x->next_ms = e->now + ike_retrans_delay(e, 0);
		msg = copy ? copy : msg;
	}
	ike_log_sa(e, sa, "sending packet to %s my_port %u peer_port %u (%c) %s", ike_ip(sa->remote.addr),
		   sa->local.port, sa->remote.port, sa->initiator ? 'I' : 'R', state_name);
	if (e->ops.send)
		e->ops.send(e->ops.ctx, &sa->local, &sa->remote, msg, len);
	e->stats.tx++;
}

int ike_seal(const struct ike_sa *sa, uint8_t *msg, size_t len, uint8_t *iv)
{
	size_t body = len - ISAKMP_HDR_LEN, bs = sa->block;
	size_t padded = (body + bs - 1) / bs * bs;

	if (len < ISAKMP_HDR_LEN || !bs || ISAKMP_HDR_LEN + padded > IKE_MSG_MAX + 32)
		return -1;
	/* RFC 2409 App. B: pad with 0x00 to the block size; Length includes the padding */
	memset(msg + len, 0, padded - body);
	if (ikc_cbc(sa->enc, sa->key_bits, sa->ka, iv, msg + ISAKMP_HDR_LEN, padded,
		    msg + ISAKMP_HDR_LEN, 1))
		return -1;
	memcpy(iv, msg + ISAKMP_HDR_LEN + padded - bs, bs);
	msg[19] |= ISAKMP_FLAG_E;
	ike_wr32(msg + 24, (uint32_t)(ISAKMP_HDR_LEN + padded));
	return (int)(ISAKMP_HDR_LEN + padded);
}

int ike_open(struct ike *e, const struct ike_sa *sa, struct isakmp_msg *m, const uint8_t *iv)
{
	struct codec_err err;
	uint8_t ivc[IKC_MAX_BLOCK];

	if (!sa->block || !sa->ka_len) {
		ike_drop(e, IKE_DROP_STATE, "encrypted message before keys exist (%s)",
			 isakmp_exch_name(m->hdr.exchange));
		return -1;
	}
	/* RFC 2409 App. B: the encrypted part is a whole number of blocks */
	if (m->body_len == 0 || m->body_len % sa->block || m->body_len > sizeof(e->scratch)) {
		ike_drop(e, IKE_DROP_DECRYPT, "encrypted body of %zu bytes is not a multiple of %zu",
			 m->body_len, sa->block);
		return -1;
	}
	memcpy(ivc, iv, sa->block);
	if (ikc_cbc(sa->enc, sa->key_bits, sa->ka, ivc, m->body, m->body_len, e->scratch, 0)) {
		ike_drop(e, IKE_DROP_DECRYPT, "cipher failed");
		return -1;
	}
	m->npayloads = 0;
	m->nsas = 0;
	if (isakmp_decode_payloads(m->hdr.next_payload, e->scratch, m->body_len, 1, m, &err)) {
		/* wrong key, wrong IV or garbage: the plaintext does not parse */
		ike_drop(e, IKE_DROP_DECRYPT, "%s from %s does not decrypt to valid payloads: %s",
			 isakmp_exch_name(m->hdr.exchange), ike_ip(sa->remote.addr), err.text);
		return -1;
	}
	if (m->npayloads == 0) {
		ike_drop(e, IKE_DROP_DECRYPT, "%s decrypts to no payload", isakmp_exch_name(m->hdr.exchange));
		return -1;
	}
	return 0;
}

size_t ike_chain_end(const struct isakmp_msg *m)
{
	const struct isakmp_payload *last;

	if (m->npayloads == 0)
		return 0;
	last = &m->pl[m->npayloads - 1];
	return last->offset + last->length;
}

static uint32_t ike_mask(uint8_t plen)
{
	return plen == 0 ? 0 : plen >= 32 ? 0xffffffffu : ~((1u << (32 - plen)) - 1);
}

size_t ike_id_body(uint8_t *out, uint32_t addr, uint8_t plen, uint8_t proto, uint16_t port)
{
	/* RFC 2407 §4.6.2: ID type, Protocol ID, Port, data; a host is ID_IPV4_ADDR, a
	 * network ID_IPV4_ADDR_SUBNET (address, mask) */
	out[0] = plen >= 32 ? IPSEC_ID_IPV4_ADDR : IPSEC_ID_IPV4_ADDR_SUBNET;
	out[1] = proto;
	out[2] = (uint8_t)(port >> 8);
	out[3] = (uint8_t)port;
	ike_wr32(out + 4, addr & ike_mask(plen));
	if (plen >= 32)
		return 8;
	ike_wr32(out + 8, ike_mask(plen));
	return 12;
}

int ike_id_parse(const struct isakmp_id *id, uint32_t *addr, uint8_t *plen)
{
	uint32_t mask;
	uint8_t n = 0;

	if (id->type == IPSEC_ID_IPV4_ADDR && id->data_len == 4) {
		*addr = ike_rd32(id->data);
		*plen = 32;
		return 0;
	}
	if (id->type == IPSEC_ID_IPV4_ADDR_SUBNET && id->data_len == 8) {
		mask = ike_rd32(id->data + 4);
		while (n < 32 && (mask & (0x80000000u >> n)))
			n++;
		if (mask != ike_mask(n))
			return -1;            /* not a contiguous mask */
		*addr = ike_rd32(id->data) & mask;
		*plen = n;
		return 0;
	}
	if (id->type == IPSEC_ID_IPV4_ADDR_RANGE && id->data_len == 8) {
		/* a range that is exactly one prefix is accepted as that prefix */
		uint32_t lo = ike_rd32(id->data), hi = ike_rd32(id->data + 4);

		for (n = 0; n <= 32; n++)
			if ((lo & ike_mask(n)) == lo && (lo | ~ike_mask(n)) == hi) {
				*addr = lo;
				*plen = n;
				return 0;
			}
	}
	return -1;
}

int ike_mid_seen(const struct ike_sa *sa, uint32_t msgid)
{
	unsigned i;

	for (i = 0; i < 32; i++)
		if (sa->mid_seen[i] == msgid && msgid)
			return 1;
	return 0;
}

void ike_mid_remember(struct ike_sa *sa, uint32_t msgid)
{
	if (!ike_mid_seen(sa, msgid))
		sa->mid_seen[sa->mid_next++ % 32] = msgid;
}

uint32_t ike_new_msgid(struct ike *e, const struct ike_sa *sa)
{
	uint32_t id = 0;
	int tries, i, clash;

	for (tries = 0; tries < 16; tries++) {
		if (ikc_random(&id, sizeof(id)))
			id = (uint32_t)(e->now * 2654435761u) ^ (uint32_t)tries;
		if (id == 0)
			continue;
		clash = ike_mid_seen(sa, id);
		for (i = 0; i < IKE_MAX_QM; i++)
			if (e->qms[i].used && e->qms[i].sa == sa && e->qms[i].msgid == id)
				clash = 1;
		if (!clash)
			return id;
	}
	return id ? id : 1;
}

/* HDR*, HASH(1), one N or D payload; HASH(1) = prf(SKEYID_a, M-ID | N/D) (RFC 2409 §5.7).
 * `put` appends the N/D payload to the builder. */
static int ike_send_info(struct ike *e, struct ike_sa *sa, int is_delete, uint8_t proto, uint16_t type,
			 const uint8_t *spi, uint8_t spi_size, uint16_t nspis, const void *data,
			 size_t data_len)
{
	struct isakmp_builder b;
	struct isakmp_hdr h;
	uint32_t msgid;
	uint8_t mid[4], iv[IKC_MAX_BLOCK], zeros[IKC_MAX_PRF] = { 0 };
	size_t hash_at, after;
	struct ikc_iov v[2];
	int len;

	if (sa->state != IKE_P1_COMPLETE || !sa->hlen)
		return -1;
	msgid = ike_new_msgid(e, sa);
	ike_mid_remember(sa, msgid);
	ike_hdr(sa, &h, ISAKMP_EXCH_INFO, msgid, 0);
	isakmp_build_init(&b, e->out, IKE_MSG_MAX, &h);
	hash_at = isakmp_build_begin(&b, ISAKMP_PL_HASH);
	isakmp_build_bytes(&b, zeros, sa->hlen);
	isakmp_build_end(&b, hash_at);
	after = b.len;
	if (is_delete)
		isakmp_build_delete(&b, IPSEC_DOI, proto, spi_size, spi, nspis);
	else
		isakmp_build_notify(&b, IPSEC_DOI, proto, type, spi, spi_size, data, data_len);
	len = isakmp_build_finish(&b);
	if (len < 0)
		return -1;
	ike_wr32(mid, msgid);
	v[0] = (struct ikc_iov){ mid, 4 };
	v[1] = (struct ikc_iov){ e->out + after, (size_t)len - after };
	if (ikc_prf(sa->hash, sa->skeyid_a, sa->hlen, v, 2, e->out + hash_at + ISAKMP_GEN_HDR_LEN))
		return -1;
	/* RFC 2409 App. B: IV = hash(last phase-1 CBC block | M-ID), as for Quick Mode */
	if (ikc_p2_iv(sa->hash, sa->p1_last, sa->block, msgid, iv))
		return -1;
	len = ike_seal(sa, e->out, (size_t)len, iv);
	if (len < 0)
		return -1;
	/* RFC 2408 §5.14–5.15: Notify and Delete are not retransmitted */
	ike_send(e, sa, NULL, e->out, (size_t)len, 0, ike_show_state(sa->state));
	return 0;
}

int ike_send_info_notify(struct ike *e, struct ike_sa *sa, uint16_t type, uint8_t proto,
			 const uint8_t *spi, uint8_t spi_size, const void *data, size_t data_len)
{
	ike_log_sa(e, sa, "sending NOTIFY %s protocol %u spi_size %u", isakmp_notify_name(type), proto,
		   spi_size);
	return ike_send_info(e, sa, 0, proto, type, spi, spi_size, 0, data, data_len);
}

int ike_send_info_delete(struct ike *e, struct ike_sa *sa, uint8_t proto, uint8_t spi_size,
			 const uint8_t *spis, uint16_t nspis)
{
	if (proto == ISAKMP_PROTO_ESP && spi_size == 4 && nspis >= 1)
		ike_log_sa(e, sa, "sending DELETE protocol 3 spi 0x%08X%s to %s", ike_rd32(spis),
			   nspis > 1 ? " …" : "", ike_ip(sa->remote.addr));
	else
		ike_log_sa(e, sa, "sending DELETE protocol %u spi_size %u to %s", proto, spi_size,
			   ike_ip(sa->remote.addr));
	return ike_send_info(e, sa, 1, proto, 0, spis, spi_size, nspis, NULL, 0);
}

void ike_send_clear_notify(struct ike *e, const uint8_t icookie[8], const uint8_t rcookie[8],
			   const struct ike_endpoint *local, const struct ike_endpoint *remote,
			   uint16_t type)
{
	struct isakmp_builder b;
	struct isakmp_hdr h;
	uint8_t spi[16];
	int len;

	memset(&h, 0, sizeof(h));
	memcpy(h.icookie, icookie, 8);
	memcpy(h.rcookie, rcookie, 8);
	h.maj_ver = 1;
	h.exchange = ISAKMP_EXCH_INFO;
	memcpy(spi, icookie, 8);
	memcpy(spi + 8, rcookie, 8);
	isakmp_build_init(&b, e->out, IKE_MSG_MAX, &h);
	/* RFC 2408 §3.14, before the ISAKMP SA exists: in clear, SPI = the cookies */
	isakmp_build_notify(&b, IPSEC_DOI, ISAKMP_PROTO_ISAKMP, type, spi, 16, NULL, 0);
	len = isakmp_build_finish(&b);
	if (len < 0)
		return;
	ike_log(e, "ISAKMP: sending NOTIFY %s (unprotected) to %s my_port %u peer_port %u",
		isakmp_notify_name(type), ike_ip(remote->addr), local->port, remote->port);
	if (e->ops.send)
		e->ops.send(e->ops.ctx, local, remote, e->out, (size_t)len);
	e->stats.tx++;
}

/* --- SA payload bodies (RFC 2408 §3.4–3.6) ------------------------------------ */

size_t ike_attr_tv(uint8_t *p, uint16_t type, uint16_t v)
{
	/* RFC 2408 §3.3: AF = 1, the value in the length field */
	p[0] = (uint8_t)(0x80 | (type >> 8));
	p[1] = (uint8_t)type;
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return 4;
}

size_t ike_attr_num(uint8_t *p, uint16_t type, uint64_t v)
{
	/* a value that does not fit 16 bits goes as a TLV of 4 (or 8) octets */
	if (v <= 0xffff)
		return ike_attr_tv(p, type, (uint16_t)v);
	p[0] = (uint8_t)(type >> 8 & 0x7f);
	p[1] = (uint8_t)type;
	p[2] = 0;
	if (v <= 0xffffffffu) {
		p[3] = 4;
		ike_wr32(p + 4, (uint32_t)v);
		return 8;
	}
	p[3] = 8;
	ike_wr32(p + 4, (uint32_t)(v >> 32));
	ike_wr32(p + 8, (uint32_t)v);
	return 12;
}

size_t ike_attrs_copy(uint8_t *p, size_t cap, const struct isakmp_transform *t)
{
	size_t n = 0;
	uint8_t i;

	/* the responder returns the chosen transform unchanged (RFC 2409 §5) */
	for (i = 0; i < t->nattrs && i < ISAKMP_MAX_ATTRS; i++) {
		const struct isakmp_attr *a = &t->attrs[i];

		if (cap - n < 4u + (a->basic ? 0u : a->data_len))
			return 0;           /* cannot happen for a transform we accepted */
		if (a->basic) {
			n += ike_attr_tv(p + n, a->type, (uint16_t)a->value);
		} else {
			p[n] = (uint8_t)(a->type >> 8 & 0x7f);
			p[n + 1] = (uint8_t)a->type;
			p[n + 2] = (uint8_t)(a->data_len >> 8);
			p[n + 3] = (uint8_t)a->data_len;
			if (a->data_len)
				memcpy(p + n + 4, a->data, a->data_len);
			n += 4 + a->data_len;
		}
	}
	return n;
}

size_t ike_transform(uint8_t *p, int last, uint8_t number, uint8_t id, const uint8_t *attrs,
		     size_t attrs_len)
{
	size_t len = 8 + attrs_len;

	p[0] = last ? ISAKMP_PL_NONE : ISAKMP_PL_T;
	p[1] = 0;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[4] = number;
	p[5] = id;
	p[6] = p[7] = 0;
	memmove(p + 8, attrs, attrs_len);
	return len;
}

size_t ike_proposal_hdr(uint8_t *p, int last, uint8_t number, uint8_t proto, const uint8_t *spi,
			uint8_t spi_size, uint8_t ntransforms, size_t transforms_len)
{
	size_t len = 8 + spi_size + transforms_len;

	p[0] = last ? ISAKMP_PL_NONE : ISAKMP_PL_P;
	p[1] = 0;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[4] = number;
	p[5] = proto;
	p[6] = spi_size;
	p[7] = ntransforms;
	if (spi_size)
		memcpy(p + 8, spi, spi_size);
	return 8 + spi_size;
}
