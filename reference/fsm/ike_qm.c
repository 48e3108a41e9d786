/* ike_qm.c — Quick Mode (RFC 2409 §5.5) and the IPsec SA pairs it creates.
 *
 *   I→R  HDR*, HASH(1), SA, Ni [, KE] [, IDci, IDcr]
 *   R→I  HDR*, HASH(2), SA, Nr [, KE] [, IDci, IDcr] [, N(RESPONDER-LIFETIME)]
 *   I→R  HDR*, HASH(3)
 *
 * HASH(1) = prf(SKEYID_a, M-ID | the rest), HASH(2) = prf(SKEYID_a, M-ID | Ni_b | the rest),
 * HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b). The initiator offers one ESP proposal
 * per transform set (SPI: 4 random octets, top octet non-zero), lifetimes in seconds and
 * kilobytes, tunnel or UDP-encapsulated tunnel (RFC 3947 §5.2) and, with PFS, the group
 * in every transform. The responder looks for the crypto map entry whose ACL line holds
 * the proposed identities and whose `set peer` holds the initiator, takes the first
 * proposal that matches one of its transform sets, and says RESPONDER-LIFETIME
 * (RFC 2407 §4.6.3.1) when its own lifetime is shorter. KEYMAT per direction uses the
 * receiving side's SPI. child_up runs after QM3 is sent (initiator) or received
 * (responder). Nothing is allocated for a message before its HASH verified.
 */
#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>
#include "ike_int.h"

/* --- phase-2 attributes (RFC 2407 §4.5) ---------------------------------------- */

struct ike_p2_attrs {
	unsigned auth, key_bits, encap, group;
	uint32_t life_s; uint64_t life_kb;
	int has_life_s, has_life_kb, unknown;
};

static void ike_p2_parse(const struct isakmp_transform *t, struct ike_p2_attrs *a)
{
	unsigned life_type = 0;
	uint8_t i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < t->nattrs && i < ISAKMP_MAX_ATTRS; i++) {
		const struct isakmp_attr *at = &t->attrs[i];
		uint64_t v = at->value;

		if (!at->basic && at->data_len > 8) {
			a->unknown = 1;
			continue;
		}
		switch (at->type) {
		case IPSEC_ATTR_LIFE_TYPE: life_type = (unsigned)v; break;
		case IPSEC_ATTR_LIFE_DURATION:
			if (life_type == IKE_LIFE_SECONDS) {
				a->life_s = v > 0xffffffffu ? 0xffffffffu : (uint32_t)v;
				a->has_life_s = 1;
			} else if (life_type == IKE_LIFE_KILOBYTES) {
				a->life_kb = v;
				a->has_life_kb = 1;
			} else {
				a->unknown = 1;
			}
			break;
		case IPSEC_ATTR_GROUP: a->group = (unsigned)v; break;
		case IPSEC_ATTR_ENCAP_MODE: a->encap = (unsigned)v; break;
		case IPSEC_ATTR_AUTH_ALG: a->auth = (unsigned)v; break;
		case IPSEC_ATTR_KEY_LEN: a->key_bits = (unsigned)v; break;
		default: a->unknown = 1;
		}
	}
}

static unsigned ike_bits(unsigned enc, unsigned bits)
{
	return enc == ESP_ENC_AES_CBC ? (bits ? bits : 128) : 0;
}

static int ike_tset_match(const struct ike_tset *t, unsigned id, const struct ike_p2_attrs *a)
{
	return !a->unknown && id == (unsigned)t->enc &&
	       ike_bits(id, a->key_bits) == ike_bits(t->enc, t->key_bits) &&
	       (id == ESP_ENC_AES_CBC || a->key_bits == 0) && a->auth == (unsigned)t->auth &&
	       ikc_esp_enc_key_bytes(t->enc, t->key_bits) + ikc_esp_auth_key_bytes(t->auth) <= 64 &&
	       (t->enc != ESP_ENC_NULL || t->auth != ESP_AUTH_NONE);
}

static const char *ike_esp_enc_name(unsigned enc, unsigned bits)
{
	switch (enc) {
	case ESP_ENC_DES: return "esp-des";
	case ESP_ENC_3DES: return "esp-3des";
	case ESP_ENC_NULL: return "esp-null";
	case ESP_ENC_AES_CBC: return bits == 256 ? "esp-aes 256" : bits == 192 ? "esp-aes 192" : "esp-aes";
	}
	return "esp-?";
}

static const char *ike_esp_auth_name(unsigned auth)
{
	switch (auth) {
	case ESP_AUTH_HMAC_MD5: return "esp-md5-hmac";
	case ESP_AUTH_HMAC_SHA1: return "esp-sha-hmac";
	case ESP_AUTH_HMAC_SHA256: return "esp-sha256-hmac";
	}
	return "";
}

/* --- helpers ------------------------------------------------------------------ */

static uint32_t ike_new_spi(struct ike *e)
{
	uint32_t spi = 0;
	int tries, i, clash;

	for (tries = 0; tries < 64; tries++) {
		uint8_t b[4];

		if (ikc_random(b, 4))
			continue;
		/* RFC 4303 §2.1: 1..255 reserved; a non-zero top octet keeps us far above */
		if (b[0] == 0)
			continue;
		spi = ike_rd32(b);
		clash = 0;
		for (i = 0; i < IKE_MAX_CHILD && !clash; i++)
			clash = e->children[i].used && e->children[i].c.spi_in == spi;
		for (i = 0; i < IKE_MAX_QM && !clash; i++)
			clash = e->qms[i].used && e->qms[i].spi_in == spi;
		if (!clash)
			return spi;
	}
	return 0;
}

static struct ike_qm *ike_qm_alloc(struct ike *e)
{
	struct ike_qm *q = NULL, *old = NULL;
	int i;

	for (i = 0; i < IKE_MAX_QM && !q; i++)
		if (!e->qms[i].used)
			q = &e->qms[i];
	for (i = 0; i < IKE_MAX_QM && !q; i++) {
		struct ike_qm *c = &e->qms[i];

		if (c->state == IKE_QM_PHASE2_COMPLETE && (!old || c->done_until < old->done_until))
			old = c;
	}
	if (!q && old) {
		ike_qm_free(e, old);
		q = old;
	}
	if (q) {
		memset(q, 0, sizeof(*q));
		q->used = 1;
		q->state = IKE_QM_READY;
	}
	return q;
}

static struct ike_qm *ike_qm_find(struct ike *e, const struct ike_sa *sa, uint32_t msgid)
{
	int i;

	for (i = 0; i < IKE_MAX_QM; i++)
		if (e->qms[i].used && e->qms[i].sa == sa && e->qms[i].msgid == msgid)
			return &e->qms[i];
	return NULL;
}

/* prf(SKEYID_a, [0 |] M-ID | [Ni_b |] a | b) */
static int ike_qm_prf(const struct ike_sa *sa, int zero_first, uint32_t msgid, const uint8_t *ni,
		      size_t ni_len, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
		      uint8_t *out)
{
	static const uint8_t zero = 0;
	uint8_t mid[4];
	struct ikc_iov v[5];
	size_t n = 0;

	ike_wr32(mid, msgid);
	if (zero_first)
		v[n++] = (struct ikc_iov){ &zero, 1 };
	v[n++] = (struct ikc_iov){ mid, 4 };
	if (ni)
		v[n++] = (struct ikc_iov){ ni, ni_len };
	v[n++] = (struct ikc_iov){ a, alen };
	if (b)
		v[n++] = (struct ikc_iov){ b, blen };
	return ikc_prf(sa->hash, sa->skeyid_a, sa->hlen, v, n, out);
}

/* The first payload is HASH and it verifies over everything after it (HASH(1)/(2)). */
static int ike_qm_check_hash(struct ike *e, const struct ike_sa *sa, const struct isakmp_msg *m,
			     const uint8_t *ni, size_t ni_len, const char *which)
{
	uint8_t want[IKC_MAX_PRF];
	size_t start, end = ike_chain_end(m);

	/* RFC 2409 §5.5: HASH immediately follows the header */
	if (m->npayloads < 1 || m->pl[0].type != ISAKMP_PL_HASH || m->pl[0].body_len != sa->hlen) {
		ike_drop(e, IKE_DROP_BAD_PAYLOAD, "Quick Mode from %s: first payload is not a %zu-byte HASH",
			 ike_ip(sa->remote.addr), sa->hlen);
		return -1;
	}
	start = m->pl[0].offset + m->pl[0].length;
	if (ike_qm_prf(sa, 0, m->hdr.msgid, ni, ni_len, e->scratch + start, end - start, NULL, 0, want) ||
	    CRYPTO_memcmp(want, m->pl[0].body, sa->hlen)) {
		ike_drop(e, IKE_DROP_HASH, "%s from %s (M-ID %u) does not verify", which,
			 ike_ip(sa->remote.addr), m->hdr.msgid);
		return -1;
	}
	return 0;
}

/* Seal and send a built QM message whose HASH payload body starts at hash_at; the HASH
 * covers M-ID | [Ni_b |] everything after the HASH payload. */
static int ike_qm_send(struct ike *e, struct ike_qm *qm, struct isakmp_builder *b, size_t hash_at,
		       const uint8_t *ni, size_t ni_len, int keep)
{
	size_t after = hash_at + ISAKMP_GEN_HDR_LEN + qm->sa->hlen;
	int len = isakmp_build_finish(b);

	if (len < 0)
		return -1;
	if (ike_qm_prf(qm->sa, 0, qm->msgid, ni, ni_len, e->out + after, (size_t)len - after, NULL, 0,
		       e->out + hash_at + ISAKMP_GEN_HDR_LEN))
		return -1;
	len = ike_seal(qm->sa, e->out, (size_t)len, qm->iv);
	if (len < 0)
		return -1;
	ike_send(e, qm->sa, &qm->x, e->out, (size_t)len, keep, "QM_IDLE");
	return 0;
}

static size_t ike_hash_placeholder(struct isakmp_builder *b, size_t hlen)
{
	static const uint8_t zeros[IKC_MAX_PRF];
	size_t at = isakmp_build_begin(b, ISAKMP_PL_HASH);

	isakmp_build_bytes(b, zeros, hlen);
	isakmp_build_end(b, at);
	return at;
}

/* Mirror a selector: ours (src = our side) → the peer's view. */
static struct ike_selector ike_mirror(const struct ike_selector *s)
{
	struct ike_selector r = *s;

	r.src = s->dst;
	r.dst = s->src;
	r.src_plen = s->dst_plen;
	r.dst_plen = s->src_plen;
	r.sport = s->dport;
	r.dport = s->sport;
	return r;
}

/* --- the SA pair -------------------------------------------------------------- */

static void ike_qm_child(struct ike *e, struct ike_qm *qm)
{
	const struct ike_tset *t = &qm->conn.tsets[qm->tset_index];
	struct ike_sa *sa = qm->sa;
	struct ike_child_rec *cr = NULL;
	struct ike_child *c;
	size_t el = ikc_esp_enc_key_bytes(t->enc, t->key_bits), al = ikc_esp_auth_key_bytes(t->auth);
	const uint8_t *gxy = qm->gxy_len ? qm->gxy : NULL;
	uint64_t life_ms, jitter = 0;
	int i;

	for (i = 0; i < IKE_MAX_CHILD && !cr; i++)
		if (!e->children[i].used)
			cr = &e->children[i];
	if (!cr) {
		ike_log_sa(e, sa, "no room for another IPsec SA pair: M-ID %u not installed", qm->msgid);
		return;
	}
	memset(cr, 0, sizeof(*cr));
	c = &cr->c;
	/* RFC 2409 §5.5: "the SPI chosen by the destination of the SA" keys that direction */
	if (ikc_keymat(sa->hash, sa->skeyid_d, gxy, qm->gxy_len, ISAKMP_PROTO_ESP, qm->spi_in, qm->ni,
		       qm->ni_len, qm->nr, qm->nr_len, el + al, c->key_in) ||
	    ikc_keymat(sa->hash, sa->skeyid_d, gxy, qm->gxy_len, ISAKMP_PROTO_ESP, qm->spi_out, qm->ni,
		       qm->ni_len, qm->nr, qm->nr_len, el + al, c->key_out)) {
		ike_log_sa(e, sa, "KEYMAT derivation failed: M-ID %u not installed", qm->msgid);
		memset(cr, 0, sizeof(*cr));
		return;
	}
	OPENSSL_cleanse(qm->gxy, sizeof(qm->gxy));
	cr->used = 1;
	cr->conn = qm->conn;
	cr->sa_conn_id = sa->conn_id;
	c->spi_in = qm->spi_in;
	c->spi_out = qm->spi_out;
	c->enc = t->enc;
	c->enc_key_len = (unsigned)el;
	c->auth = t->auth;
	c->auth_key_len = (unsigned)al;
	c->local = (struct ike_endpoint){ sa->local.addr, 0 };
	c->remote = (struct ike_endpoint){ sa->remote.addr, 0 };
	if (qm->encap != IPSEC_ENCAP_TUNNEL) {
		/* RFC 3948: ESP in UDP on the floated ports */
		c->local.port = sa->local.port;
		c->remote.port = sa->remote.port;
	}
	c->local_sel = qm->local_sel;
	c->remote_sel = qm->remote_sel;
	c->conn = &cr->conn;
	c->conn_index = qm->conn_index;
	c->sel_index = qm->sel_index;
	c->lifetime_s = qm->lifetime_s;
	c->lifetime_kb = qm->lifetime_kb;
	c->created_ms = e->now;
	c->initiator = qm->initiator;
	c->tset_index = qm->tset_index;
	c->pfs_group = qm->pfs_group;
	c->encap = qm->encap;
	life_ms = (uint64_t)qm->lifetime_s * 1000;
	cr->hard_ms = e->now + life_ms;
	/* soft expiry at 90 % minus up to 5 % jitter, so both directions of a pair of
	 * gateways do not rekey in the same millisecond */
	if (life_ms >= 20) {
		uint32_t r = 0;

		ikc_random(&r, sizeof(r));
		jitter = r % (life_ms / 20 + 1);
	}
	cr->soft_ms = e->now + life_ms / 100 * IKE_SOFT_PERCENT - jitter;
	ike_log(e, "IPSEC(create_sa): sa created, (sa) sa_dest= %s, sa_prot= 50, sa_spi= 0x%08X(%u), "
		"sa_trans= %s %s , sa_conn_id= %u", ike_ip(c->local.addr), c->spi_in, c->spi_in,
		ike_esp_enc_name(t->enc, t->key_bits), ike_esp_auth_name(t->auth), sa->conn_id);
	ike_log(e, "IPSEC(create_sa): sa created, (sa) sa_dest= %s, sa_prot= 50, sa_spi= 0x%08X(%u), "
		"sa_trans= %s %s , sa_conn_id= %u", ike_ip(c->remote.addr), c->spi_out, c->spi_out,
		ike_esp_enc_name(t->enc, t->key_bits), ike_esp_auth_name(t->auth), sa->conn_id);
	if (e->ops.child_up)
		e->ops.child_up(e->ops.ctx, c);
}

static void ike_qm_done(struct ike *e, struct ike_qm *qm)
{
	qm->x.armed = 0;
	qm->done_until = e->now + ike_retrans_delay(e, e->cfg.retrans_max + 1);
	ikc_dh_free(qm->dh);
	qm->dh = NULL;
	ike_qm_state(e, qm, IKE_QM_PHASE2_COMPLETE);
	ike_qm_child(e, qm);
}

/* --- initiator ---------------------------------------------------------------- */

struct ike_qm *ike_qm_start(struct ike *e, struct ike_sa *sa, const struct ike_conn *conn,
			    unsigned conn_index, unsigned sel_index, int rekey)
{
	const struct ike_selector *sel;
	struct isakmp_builder b;
	struct isakmp_hdr h;
	struct ike_qm *qm;
	uint8_t body[1024], ke[IKC_MAX_DH], spi[4];
	size_t n, hash_at, at, np;
	unsigned i, bits;

	if (sel_index >= conn->nsel || conn->ntsets == 0 || sa->state != IKE_P1_COMPLETE)
		return NULL;
	qm = ike_qm_alloc(e);
	if (!qm) {
		ike_log_sa(e, sa, "too many Quick Modes in flight: flow not negotiated");
		return NULL;
	}
	sel = &conn->sel[sel_index];
	qm->sa = sa;
	qm->initiator = 1;
	qm->msgid = ike_new_msgid(e, sa);
	ike_mid_remember(sa, qm->msgid);
	qm->conn = *conn;
	qm->conn_index = conn_index;
	qm->sel_index = sel_index;
	qm->rekey = rekey;
	qm->local_sel = *sel;
	qm->remote_sel = ike_mirror(sel);
	/* RFC 2407 §4.6.2: IDci = our side of the ACL line, IDcr = the far side */
	qm->idci_len = ike_id_body(qm->idci, sel->src, sel->src_plen, sel->proto, sel->sport);
	qm->idcr_len = ike_id_body(qm->idcr, sel->dst, sel->dst_plen, sel->proto, sel->dport);
	qm->have_ids = 1;
	qm->spi_in = ike_new_spi(e);
	qm->ni_len = IKE_NONCE_LEN;
	qm->lifetime_s = conn->lifetime_s;
	qm->lifetime_kb = conn->lifetime_kb;
	/* RFC 3947 §5.2: UDP-encapsulated tunnel once the SA floated */
	qm->encap = sa->natt ? IPSEC_ENCAP_UDP_TUNNEL : IPSEC_ENCAP_TUNNEL;
	qm->pfs_group = conn->pfs_group;
	if (!qm->spi_in || ikc_random(qm->ni, qm->ni_len) ||
	    ikc_p2_iv(sa->hash, sa->p1_last, sa->block, qm->msgid, qm->iv))
		goto fail;
	if (qm->pfs_group) {
		qm->dh = ikc_dh_new(qm->pfs_group);
		if (!qm->dh || ikc_dh_public(qm->dh, ke, sizeof(ke)) != (int)ikc_dh_group_bytes(qm->pfs_group))
			goto fail;
	}
	ike_log_sa(e, sa, "beginning Quick Mode exchange, M-ID of %u%s", qm->msgid, rekey ? " (rekey)" : "");

	/* SA: one ESP proposal per transform set (RFC 2408 §3.5: different numbers = OR) */
	ike_wr32(body, IPSEC_DOI);
	ike_wr32(body + 4, IPSEC_SIT_IDENTITY_ONLY);
	n = 8;
	ike_wr32(spi, qm->spi_in);
	for (i = 0; i < conn->ntsets; i++) {
		const struct ike_tset *t = &conn->tsets[i];
		uint8_t attrs[96];
		size_t al = 0, tl;

		al += ike_attr_tv(attrs + al, IPSEC_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
		al += ike_attr_num(attrs + al, IPSEC_ATTR_LIFE_DURATION, qm->lifetime_s);
		al += ike_attr_tv(attrs + al, IPSEC_ATTR_LIFE_TYPE, IKE_LIFE_KILOBYTES);
		al += ike_attr_num(attrs + al, IPSEC_ATTR_LIFE_DURATION, qm->lifetime_kb);
		al += ike_attr_tv(attrs + al, IPSEC_ATTR_ENCAP_MODE, (uint16_t)qm->encap);
		if (t->auth != ESP_AUTH_NONE)
			al += ike_attr_tv(attrs + al, IPSEC_ATTR_AUTH_ALG, (uint16_t)t->auth);
		bits = ike_bits(t->enc, t->key_bits);
		if (bits)
			al += ike_attr_tv(attrs + al, IPSEC_ATTR_KEY_LEN, (uint16_t)bits);
		/* RFC 2409 §5.5: with PFS the group is in every transform */
		if (qm->pfs_group)
			al += ike_attr_tv(attrs + al, IPSEC_ATTR_GROUP, (uint16_t)qm->pfs_group);
		tl = ike_transform(body + n + 12, 1, 1, (uint8_t)t->enc, attrs, al);
		np = ike_proposal_hdr(body + n, i + 1 == conn->ntsets, (uint8_t)(i + 1), ISAKMP_PROTO_ESP,
				      spi, 4, 1, tl);
		n += np + tl;
	}
	ike_hdr(sa, &h, ISAKMP_EXCH_QUICK, qm->msgid, 0);
	isakmp_build_init(&b, e->out, IKE_MSG_MAX, &h);
	hash_at = ike_hash_placeholder(&b, sa->hlen);
	at = isakmp_build_begin(&b, ISAKMP_PL_SA);
	isakmp_build_bytes(&b, body, n);
	isakmp_build_end(&b, at);
	isakmp_build_payload(&b, ISAKMP_PL_NONCE, qm->ni, qm->ni_len);
	if (qm->pfs_group)
		isakmp_build_payload(&b, ISAKMP_PL_KE, ke, ikc_dh_group_bytes(qm->pfs_group));
	isakmp_build_payload(&b, ISAKMP_PL_ID, qm->idci, qm->idci_len);
	isakmp_build_payload(&b, ISAKMP_PL_ID, qm->idcr, qm->idcr_len);
	ike_qm_state(e, qm, IKE_QM_I_QM1);
	if (ike_qm_send(e, qm, &b, hash_at, NULL, 0, 1))
		goto fail;
	return qm;
fail:
	ike_log_sa(e, sa, "Quick Mode could not be started");
	ike_qm_free(e, qm);
	return NULL;
}

/* RESPONDER-LIFETIME (RFC 2407 §4.6.3.1): data = life type / duration attributes. */
static void ike_qm_responder_lifetime(struct ike *e, struct ike_qm *qm, const struct isakmp_notify_pl *n)
{
	struct isakmp_transform t;
	struct ike_p2_attrs a;
	size_t off = 0;

	memset(&t, 0, sizeof(t));
	/* reuse the attribute walker: the data is a list of RFC 2408 §3.3 attributes */
	while (off + 4 <= n->data_len && t.nattrs < ISAKMP_MAX_ATTRS) {
		struct isakmp_attr *at = &t.attrs[t.nattrs];
		uint16_t ty = ike_rd16(n->data + off), v = ike_rd16(n->data + off + 2);

		memset(at, 0, sizeof(*at));
		at->type = ty & 0x7fff;
		at->basic = (ty & 0x8000) != 0;
		off += 4;
		if (at->basic) {
			at->value = v;
		} else {
			uint16_t k;

			if (v > n->data_len - off || v > 8)
				break;
			at->data = n->data + off;
			at->data_len = v;
			for (k = 0; k < v; k++)
				at->value = at->value << 8 | n->data[off + k];
			off += v;
		}
		t.nattrs++;
	}
	ike_p2_parse(&t, &a);
	if (a.has_life_s && a.life_s && a.life_s < qm->lifetime_s)
		qm->lifetime_s = a.life_s;
	if (a.has_life_kb && a.life_kb && a.life_kb < qm->lifetime_kb)
		qm->lifetime_kb = a.life_kb;
	ike_log_sa(e, qm->sa, "processing RESPONDER_LIFETIME: lifetime now %u s and %llu kilobytes",
		   qm->lifetime_s, (unsigned long long)qm->lifetime_kb);
}

static int ike_qm_i_qm2(struct ike *e, struct ike_qm *qm, const struct isakmp_msg *m)
{
	struct ike_sa *sa = qm->sa;
	const struct isakmp_payload *no = NULL, *ke = NULL, *ids[2] = { NULL, NULL };
	const struct isakmp_sa *s;
	const struct isakmp_proposal *p;
	struct ike_p2_attrs a;
	struct isakmp_builder b;
	struct isakmp_hdr h;
	uint8_t hash[IKC_MAX_PRF];
	unsigned nids = 0, ti;
	uint8_t i;
	int len;

	if (ike_qm_check_hash(e, sa, m, qm->ni, qm->ni_len, "HASH(2)"))
		return -1;
	if (m->npayloads < 2 || m->pl[1].type != ISAKMP_PL_SA) {
		ike_drop(e, IKE_DROP_BAD_PAYLOAD, "QM2 from %s: SA does not follow HASH", ike_ip(sa->remote.addr));
		return -1;
	}
	for (i = 2; i < m->npayloads; i++) {
		const struct isakmp_payload *pl = &m->pl[i];

		if (pl->type == ISAKMP_PL_NONCE && !no)
			no = pl;
		else if (pl->type == ISAKMP_PL_KE && !ke)
			ke = pl;
		else if (pl->type == ISAKMP_PL_ID && nids < 2)
			ids[nids++] = pl;
	}
	if (!no || no->body_len < IKE_NONCE_MIN || no->body_len > IKE_NONCE_MAX) {
		ike_drop(e, IKE_DROP_BAD_PAYLOAD, "QM2 from %s: missing or bad nonce", ike_ip(sa->remote.addr));
		return -1;
	}
	s = &m->sas[m->pl[1].u.sa_index];
	/* one proposal back, ESP, a 4-octet SPI, one transform, from the set we offered */
	if (s->nproposals != 1 || s->proposals[0].protocol != ISAKMP_PROTO_ESP ||
	    s->proposals[0].spi_size != 4 || s->proposals[0].ntransforms != 1 ||
	    s->proposals[0].number < 1 || s->proposals[0].number > qm->conn.ntsets) {
		ike_drop(e, IKE_DROP_NO_PROPOSAL, "QM2 from %s: not one ESP proposal of ours",
			 ike_ip(sa->remote.addr));
		return -1;
	}
	p = &s->proposals[0];
	ti = (unsigned)p->number - 1;
	ike_p2_parse(&p->transforms[0], &a);
	if (!ike_tset_match(&qm->conn.tsets[ti], p->transforms[0].id, &a) ||
	    (a.encap != qm->encap && !(qm->encap == IPSEC_ENCAP_UDP_TUNNEL &&
				      a.encap == IPSEC_ENCAP_UDP_TUNNEL_DRAFT)) ||
	    a.group != qm->pfs_group) {
		ike_drop(e, IKE_DROP_NO_PROPOSAL, "QM2 from %s: transform differs from proposal %u",
			 ike_ip(sa->remote.addr), p->number);
		return -1;
	}
	qm->spi_out = ike_rd32(p->spi);
	if (qm->spi_out < 256) {
		ike_drop(e, IKE_DROP_BAD_PAYLOAD, "QM2 from %s: reserved SPI %u", ike_ip(sa->remote.addr),
			 qm->spi_out);
		return -1;
	}
	if (nids && (nids != 2 || ids[0]->body_len != qm->idci_len || ids[1]->body_len != qm->idcr_len ||
		     memcmp(ids[0]->body, qm->idci, qm->idci_len) || memcmp(ids[1]->body, qm->idcr, qm->idcr_len))) {
		ike_drop(e, IKE_DROP_BAD_ID, "QM2 from %s: identities differ from ours", ike_ip(sa->remote.addr));
		return -1;
	}
	if (qm->pfs_group) {
		size_t gb = ikc_dh_group_bytes(qm->pfs_group);

		if (!ke || ke->body_len != gb) {
			ike_drop(e, ke && ke->body_len > gb ? IKE_DROP_TOO_BIG : IKE_DROP_BAD_PAYLOAD,
				 "QM2 from %s: PFS KE missing or not %zu bytes", ike_ip(sa->remote.addr), gb);
			return -1;
		}
		if (ikc_dh_shared(qm->dh, ke->body, gb, qm->gxy, sizeof(qm->gxy)) != (int)gb) {
			ike_drop(e, IKE_DROP_BAD_PAYLOAD, "QM2 from %s: invalid PFS public value",
				 ike_ip(sa->remote.addr));
			return -1;
		}
		qm->gxy_len = gb;
	}
	memcpy(qm->nr, no->body, no->body_len);
	qm->nr_len = no->body_len;
	qm->tset_index = ti;
	if (a.has_life_s && a.life_s && a.life_s < qm->lifetime_s)
		qm->lifetime_s = a.life_s;
	if (a.has_life_kb && a.life_kb && a.life_kb < qm->lifetime_kb)
		qm->lifetime_kb = a.life_kb;
	for (i = 2; i < m->npayloads; i++)
		if (m->pl[i].type == ISAKMP_PL_N && m->pl[i].u.n.type == ISAKMP_N_RESPONDER_LIFETIME)
			ike_qm_responder_lifetime(e, qm, &m->pl[i].u.n);
	/* authenticated: the IV moves to QM2's last ciphertext block */
	memcpy(qm->iv, m->body + m->body_len - sa->block, sa->block);

	/* QM3: HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b) */
	if (ike_qm_prf(sa, 1, qm->msgid, qm->ni, qm->ni_len, qm->nr, qm->nr_len, NULL, 0, hash))
		return -1;
	ike_hdr(sa, &h, ISAKMP_EXCH_QUICK, qm->msgid, 0);
	isakmp_build_init(&b, e->out, IKE_MSG_MAX, &h);
	isakmp_build_payload(&b, ISAKMP_PL_HASH, hash, sa->hlen);
	len = isakmp_build_finish(&b);
	if (len < 0 || (len = ike_seal(sa, e->out, (size_t)len, qm->iv)) < 0)
		return -1;
	ike_send(e, sa, &qm->x, e->out, (size_t)len, 0, "QM_IDLE");
	ike_qm_done(e, qm);
	return 0;
}

/* --- responder ---------------------------------------------------------------- */

/* Does the proposed (addr/plen, proto, port) fit inside the configured side? */
static int ike_id_within(uint32_t a, uint8_t plen, uint8_t proto, uint16_t port, uint32_t ca,
			 uint8_t cplen, uint8_t cproto, uint16_t cport)
{
	uint32_t m = cplen == 0 ? 0 : cplen >= 32 ? 0xffffffffu : ~((1u << (32 - cplen)) - 1);

	return plen >= cplen && (a & m) == (ca & m) && (cproto == 0 || cproto == proto) &&
	       (cport == 0 || cport == port);
}

struct ike_qm_pick {
	unsigned conn_index, sel_index;
	struct ike_selector local_sel;
};

/* RFC 2409 §5.5 / IOS: the crypto map entry whose ACL line holds the proposed
 * identities (IDcr on our side, IDci on the peer's) and whose `set peer` holds the peer. */
static int ike_qm_find_conn(struct ike *e, const struct ike_sa *sa, uint32_t ci, uint8_t ci_plen,
			    uint32_t cr, uint8_t cr_plen, uint8_t proto, uint16_t ci_port, uint16_t cr_port,
			    struct ike_qm_pick *pick)
{
	unsigned i, j, k;

	for (i = 0; i < e->cfg.nconns; i++) {
		const struct ike_conn *c = &e->cfg.conns[i];
		int peer_ok = 0;

		for (k = 0; k < c->npeers; k++)
			if (c->peers[k] == sa->remote.addr)
				peer_ok = 1;
		if (!peer_ok || (c->local_addr && c->local_addr != sa->local.addr) || !c->ntsets)
			continue;
		for (j = 0; j < c->nsel; j++) {
			const struct ike_selector *s = &c->sel[j];

			if (ike_id_within(cr, cr_plen, proto, cr_port, s->src, s->src_plen, s->proto, s->sport) &&
			    ike_id_within(ci, ci_plen, proto, ci_port, s->dst, s->dst_plen, s->proto, s->dport)) {
				pick->conn_index = i;
				pick->sel_index = j;
				pick->local_sel = (struct ike_selector){ cr, ci, cr_plen, ci_plen, proto, cr_port,
									 ci_port };
				return 0;
			}
		}
	}
	return -1;
}

static void ike_qm_r_qm1(struct ike *e, struct ike_sa *sa, const uint8_t *raw, size_t len,
			 const struct isakmp_msg *m)
{
	const struct isakmp_payload *no = NULL, *ke = NULL, *ids[2] = { NULL, NULL }, *sap;
	const struct isakmp_sa *s;
	const struct isakmp_proposal *chosen_p = NULL;
	const struct isakmp_transform *chosen_t = NULL;
	const struct ike_conn *conn;
	struct ike_qm_pick pick;
	struct ike_p2_attrs a, ca = { 0 };
	struct isakmp_builder b;
	struct isakmp_hdr h;
	struct ike_qm *qm;
	uint32_t ci, cr, our_s, prop_s;
	uint64_t our_kb, prop_kb;
	uint8_t ci_plen, cr_plen, body[1100], attrs[1024], spi[4], kebuf[IKC_MAX_DH];
	unsigned nids = 0, tsel = 0, pfs = 0, k;
	int extra = 0;
	size_t hash_at, at, n, tl, al;
	int resp_life = 0;
	uint8_t i, p, q;

	if (ike_qm_check_hash(e, sa, m, NULL, 0, "HASH(1)"))
		return;
	sa->last_inbound_ms = e->now;
	sap = m->npayloads >= 2 ? &m->pl[1] : NULL;
	if (!sap || sap->type != ISAKMP_PL_SA) {
		ike_drop(e, IKE_DROP_BAD_PAYLOAD, "QM1 from %s: SA does not follow HASH", ike_ip(sa->remote.addr));
		return;
	}
	for (i = 2; i < m->npayloads; i++) {
		const struct isakmp_payload *pl = &m->pl[i];

		if (pl->type == ISAKMP_PL_NONCE && !no)
			no = pl;
		else if (pl->type == ISAKMP_PL_KE && !ke)
			ke = pl;
		else if (pl->type == ISAKMP_PL_ID && nids < 2)
			ids[nids++] = pl;
		else if (pl->type == ISAKMP_PL_ID || pl->type == ISAKMP_PL_SA)
			extra = 1;     /* a third ID or a second SA */
	}
	if (!no || no->body_len < IKE_NONCE_MIN || no->body_len > IKE_NONCE_MAX) {
		ike_drop(e, no && no->body_len > IKE_NONCE_MAX ? IKE_DROP_TOO_BIG : IKE_DROP_BAD_PAYLOAD,
			 "QM1 from %s: missing or bad nonce", ike_ip(sa->remote.addr));
		return;
	}
	if ((nids != 0 && nids != 2) || extra) {
		ike_drop(e, IKE_DROP_BAD_PAYLOAD, "QM1 from %s: %u ID payloads", ike_ip(sa->remote.addr), nids);
		return;
	}
	/* RFC 2409 §5.5: without IDs the identities are the ISAKMP peers' addresses */
	if (nids == 0) {
		ci = sa->remote.addr, ci_plen = 32;
		cr = sa->local.addr, cr_plen = 32;
	} else if (ids[0]->body_len > IKE_ID_MAX || ids[1]->body_len > IKE_ID_MAX ||
		   ike_id_parse(&ids[0]->u.id, &ci, &ci_plen) || ike_id_parse(&ids[1]->u.id, &cr, &cr_plen) ||
		   ids[0]->u.id.proto != ids[1]->u.id.proto) {
		ike_drop(e, IKE_DROP_BAD_ID, "QM1 from %s: unsupported identities", ike_ip(sa->remote.addr));
		ike_send_info_notify(e, sa, ISAKMP_N_INVALID_ID_INFORMATION, ISAKMP_PROTO_ESP, NULL, 0, NULL, 0);
		return;
	}
	if (ike_qm_find_conn(e, sa, ci, ci_plen, cr, cr_plen, nids ? ids[0]->u.id.proto : 0,
			     nids ? ids[0]->u.id.port : 0, nids ? ids[1]->u.id.port : 0, &pick)) {
		ike_log(e, "IPSEC(validate_transform_proposal): proxy identities not supported");
		ike_drop(e, IKE_DROP_BAD_ID, "QM1 from %s: no crypto map for %s/%u -> %s/%u",
			 ike_ip(sa->remote.addr), ike_ip(ci), ci_plen, ike_ip(cr), cr_plen);
		ike_send_info_notify(e, sa, ISAKMP_N_INVALID_ID_INFORMATION, ISAKMP_PROTO_ESP, NULL, 0, NULL, 0);
		return;
	}
	conn = &e->cfg.conns[pick.conn_index];
	s = &m->sas[sap->u.sa_index];
	/* the initiator's order first; a proposal number shared by several protocols (an
	 * AH+ESP bundle, RFC 2408 §3.5) is not supported and skipped */
	for (p = 0; p < s->nproposals && !chosen_t && s->doi == IPSEC_DOI; p++) {
		const struct isakmp_proposal *pr = &s->proposals[p];
		int bundle = 0;

		for (q = 0; q < s->nproposals; q++)
			if (q != p && s->proposals[q].number == pr->number)
				bundle = 1;
		ike_log_sa(e, sa, "Checking IPSec proposal %u", pr->number);
		if (bundle || pr->protocol != ISAKMP_PROTO_ESP || pr->spi_size != 4 || ike_rd32(pr->spi) < 256)
			continue;
		for (q = 0; q < pr->ntransforms && !chosen_t; q++) {
			const struct isakmp_transform *t = &pr->transforms[q];
			int natt = sa->natt;

			ike_p2_parse(t, &a);
			/* tunnel mode only; UDP-encapsulated when the SA floated (RFC 3947 §5.2,
			 * or the draft value strongSwan may send) */
			if (natt ? (a.encap != IPSEC_ENCAP_UDP_TUNNEL && a.encap != IPSEC_ENCAP_UDP_TUNNEL_DRAFT)
				 : (a.encap != IPSEC_ENCAP_TUNNEL && a.encap != 0))
				continue;
			if (conn->pfs_group ? (a.group != conn->pfs_group || !ke)
					    : (a.group && (!ikc_dh_group_bytes(a.group) || !ke)))
				continue;
			if (!a.group && ke)
				continue;
			for (k = 0; k < conn->ntsets && !chosen_t; k++)
				if (ike_tset_match(&conn->tsets[k], t->id, &a)) {
					chosen_t = t;
					chosen_p = pr;
					tsel = k;
					ca = a;
					ike_log_sa(e, sa, "atts are acceptable (transform-set %s)",
						   conn->tsets[k].name);
				}
		}
	}
	if (!chosen_t) {
		ike_drop(e, IKE_DROP_NO_PROPOSAL, "QM1 from %s: no proposal matches crypto map %s %u",
			 ike_ip(sa->remote.addr), conn->map, conn->seq);
		ike_send_info_notify(e, sa, ISAKMP_N_NO_PROPOSAL_CHOSEN, ISAKMP_PROTO_ESP, NULL, 0, NULL, 0);
		return;
	}
	pfs = ca.group;
	if (pfs && ke->body_len != ikc_dh_group_bytes(pfs)) {
		ike_drop(e, ke->body_len > ikc_dh_group_bytes(pfs) ? IKE_DROP_TOO_BIG : IKE_DROP_BAD_PAYLOAD,
			 "QM1 from %s: PFS KE of %zu bytes, group %u", ike_ip(sa->remote.addr), ke->body_len, pfs);
		return;
	}
	qm = ike_qm_alloc(e);
	if (!qm) {
		ike_drop(e, IKE_DROP_NO_RESOURCES, "QM1 from %s: too many Quick Modes", ike_ip(sa->remote.addr));
		return;
	}
	qm->sa = sa;
	qm->msgid = m->hdr.msgid;
	ike_mid_remember(sa, qm->msgid);
	qm->conn = *conn;
	qm->conn_index = pick.conn_index;
	qm->sel_index = pick.sel_index;
	qm->local_sel = pick.local_sel;
	qm->remote_sel = ike_mirror(&pick.local_sel);
	qm->tset_index = tsel;
	qm->encap = ca.encap ? ca.encap : IPSEC_ENCAP_TUNNEL;
	qm->spi_out = ike_rd32(chosen_p->spi);
	qm->spi_in = ike_new_spi(e);
	memcpy(qm->ni, no->body, no->body_len);
	qm->ni_len = no->body_len;
	qm->nr_len = IKE_NONCE_LEN;
	if (nids) {
		memcpy(qm->idci, ids[0]->body, ids[0]->body_len);
		qm->idci_len = ids[0]->body_len;
		memcpy(qm->idcr, ids[1]->body, ids[1]->body_len);
		qm->idcr_len = ids[1]->body_len;
		qm->have_ids = 1;
	}
	if (!qm->spi_in || ikc_random(qm->nr, qm->nr_len))
		goto fail;
	if (pfs) {
		qm->pfs_group = pfs;
		qm->dh = ikc_dh_new(pfs);
		if (!qm->dh || ikc_dh_public(qm->dh, kebuf, sizeof(kebuf)) != (int)ikc_dh_group_bytes(pfs))
			goto fail;
		if (ikc_dh_shared(qm->dh, ke->body, ke->body_len, qm->gxy, sizeof(qm->gxy)) != (int)ke->body_len) {
			ike_drop(e, IKE_DROP_BAD_PAYLOAD, "QM1 from %s: invalid PFS public value",
				 ike_ip(sa->remote.addr));
			ike_qm_free(e, qm);
			return;
		}
		qm->gxy_len = ke->body_len;
	}
	/* lifetimes: the smaller of the proposal (RFC 2407 §4.5: none = 28800 s) and ours */
	our_s = conn->lifetime_s;
	our_kb = conn->lifetime_kb;
	prop_s = ca.has_life_s && ca.life_s ? ca.life_s : IKE_RFC_P2_LIFE;
	prop_kb = ca.has_life_kb ? ca.life_kb : 0;
	qm->lifetime_s = prop_s < our_s ? prop_s : our_s;
	qm->lifetime_kb = prop_kb && prop_kb < our_kb ? prop_kb : our_kb;
	resp_life = our_s < prop_s || (our_kb && (!prop_kb || our_kb < prop_kb));
	ike_log_sa(e, sa, "Quick Mode M-ID %u: crypto map %s %u, transform %s %s, %s%s", qm->msgid, conn->map,
		   conn->seq, ike_esp_enc_name(conn->tsets[tsel].enc, conn->tsets[tsel].key_bits),
		   ike_esp_auth_name(conn->tsets[tsel].auth), pfs ? "PFS" : "no PFS",
		   qm->encap == IPSEC_ENCAP_TUNNEL ? "" : ", UDP-encapsulated");
	/* authenticated: the IV moves to QM1's last ciphertext block */
	if (ikc_p2_iv(sa->hash, sa->p1_last, sa->block, qm->msgid, qm->iv))
		goto fail;
	memcpy(qm->iv, m->body + m->body_len - sa->block, sa->block);

	/* QM2: HASH(2), SA (the chosen proposal with our SPI, transform unchanged), Nr,
	 * [KE], [IDci, IDcr], [N(RESPONDER-LIFETIME)] */
	al = ike_attrs_copy(attrs, sizeof(attrs), chosen_t);
	ike_wr32(body, IPSEC_DOI);
	ike_wr32(body + 4, IPSEC_SIT_IDENTITY_ONLY);
	ike_wr32(spi, qm->spi_in);
	n = 8;
	if (!al || 8 + 12 + 8 + al > sizeof(body))
		goto fail;
	tl = ike_transform(body + n + 12, 1, chosen_t->number, chosen_t->id, attrs, al);
	n += ike_proposal_hdr(body + n, 1, chosen_p->number, ISAKMP_PROTO_ESP, spi, 4, 1, tl);
	n += tl;
	ike_hdr(sa, &h, ISAKMP_EXCH_QUICK, qm->msgid, 0);
	isakmp_build_init(&b, e->out, IKE_MSG_MAX, &h);
	hash_at = ike_hash_placeholder(&b, sa->hlen);
	at = isakmp_build_begin(&b, ISAKMP_PL_SA);
	isakmp_build_bytes(&b, body, n);
	isakmp_build_end(&b, at);
	isakmp_build_payload(&b, ISAKMP_PL_NONCE, qm->nr, qm->nr_len);
	if (pfs)
		isakmp_build_payload(&b, ISAKMP_PL_KE, kebuf, ikc_dh_group_bytes(pfs));
	if (qm->have_ids) {
		isakmp_build_payload(&b, ISAKMP_PL_ID, qm->idci, qm->idci_len);
		isakmp_build_payload(&b, ISAKMP_PL_ID, qm->idcr, qm->idcr_len);
	}
	if (resp_life) {
		uint8_t life[24];
		size_t ll = 0;

		/* RFC 2407 §4.6.3.1: SPI = our inbound SPI (size 4), data = attributes */
		ll += ike_attr_tv(life + ll, IPSEC_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
		ll += ike_attr_num(life + ll, IPSEC_ATTR_LIFE_DURATION, qm->lifetime_s);
		ll += ike_attr_tv(life + ll, IPSEC_ATTR_LIFE_TYPE, IKE_LIFE_KILOBYTES);
		ll += ike_attr_num(life + ll, IPSEC_ATTR_LIFE_DURATION, qm->lifetime_kb);
		isakmp_build_notify(&b, IPSEC_DOI, ISAKMP_PROTO_ESP, ISAKMP_N_RESPONDER_LIFETIME, spi, 4, life, ll);
		ike_log_sa(e, sa, "responder lifetime %u s / %llu KB is shorter than proposed: sending "
			   "RESPONDER_LIFETIME", qm->lifetime_s, (unsigned long long)qm->lifetime_kb);
	}
	ike_digest(raw, len, qm->x.rx_digest);
	qm->x.have_rx = 1;
	ike_qm_state(e, qm, IKE_QM_R_QM2);
	if (ike_qm_send(e, qm, &b, hash_at, qm->ni, qm->ni_len, 1))
		goto fail;
	return;
fail:
	ike_log_sa(e, sa, "Quick Mode M-ID %u failed locally", m->hdr.msgid);
	ike_qm_free(e, qm);
}

static int ike_qm_r_qm3(struct ike *e, struct ike_qm *qm, const struct isakmp_msg *m)
{
	struct ike_sa *sa = qm->sa;
	uint8_t want[IKC_MAX_PRF];

	/* RFC 2409 §5.5: HDR*, HASH(3); the commit bit is accepted and not acted on */
	if (m->npayloads < 1 || m->pl[0].type != ISAKMP_PL_HASH || m->pl[0].body_len != sa->hlen) {
		ike_drop(e, IKE_DROP_BAD_PAYLOAD, "QM3 from %s: no HASH(3)", ike_ip(sa->remote.addr));
		return -1;
	}
	if (ike_qm_prf(sa, 1, qm->msgid, qm->ni, qm->ni_len, qm->nr, qm->nr_len, NULL, 0, want) ||
	    CRYPTO_memcmp(want, m->pl[0].body, sa->hlen)) {
		ike_drop(e, IKE_DROP_HASH, "HASH(3) from %s (M-ID %u) does not verify", ike_ip(sa->remote.addr),
			 qm->msgid);
		return -1;
	}
	ike_qm_done(e, qm);
	return 0;
}

/* --- dispatch ----------------------------------------------------------------- */

void ike_qm_input(struct ike *e, struct ike_sa *sa, const struct ike_endpoint *local,
		  const struct ike_endpoint *remote, const uint8_t *raw, size_t len, struct isakmp_msg *m)
{
	struct ike_qm *qm;
	uint8_t dg[32], iv[IKC_MAX_BLOCK];

	(void)local;
	if (sa->state != IKE_P1_COMPLETE) {
		ike_drop(e, IKE_DROP_STATE, "Received Quick Mode exchange packet from %s before phase 1 "
			 "completed (0:%u), " IKE_NO_SA_TEXT, ike_ip(remote->addr), sa->conn_id);
		return;
	}
	if (!m->encrypted || m->hdr.msgid == 0) {
		ike_drop(e, IKE_DROP_UNPROTECTED, "Quick Mode from %s %s", ike_ip(remote->addr),
			 m->encrypted ? "with M-ID 0" : "in clear");
		return;
	}
	qm = ike_qm_find(e, sa, m->hdr.msgid);
	ike_digest(raw, len, dg);
	if (qm && qm->x.have_rx && !memcmp(dg, qm->x.rx_digest, 32)) {
		ike_drop(e, IKE_DROP_DUPLICATE, "retransmitted Quick Mode packet from %s (M-ID %u)",
			 ike_ip(remote->addr), qm->msgid);
		if (qm->x.buf)
			ike_send(e, sa, NULL, qm->x.buf, qm->x.len, 0, "QM_IDLE");
		return;
	}
	if (!qm) {
		if (ike_mid_seen(sa, m->hdr.msgid)) {
			/* a finished (and forgotten) exchange replayed, or an Informational's M-ID */
			ike_drop(e, IKE_DROP_DUPLICATE, "Quick Mode from %s with the used M-ID %u",
				 ike_ip(remote->addr), m->hdr.msgid);
			return;
		}
		if (ikc_p2_iv(sa->hash, sa->p1_last, sa->block, m->hdr.msgid, iv) || ike_open(e, sa, m, iv))
			return;
		ike_qm_r_qm1(e, sa, raw, len, m);
		return;
	}
	if (qm->state == IKE_QM_PHASE2_COMPLETE ||
	    (qm->state != IKE_QM_I_QM1 && qm->state != IKE_QM_R_QM2)) {
		ike_drop(e, IKE_DROP_STATE, "Quick Mode packet from %s for finished M-ID %u",
			 ike_ip(remote->addr), qm->msgid);
		return;
	}
	if (ike_open(e, sa, m, qm->iv))
		return;
	if (qm->state == IKE_QM_I_QM1) {
		if (ike_qm_i_qm2(e, qm, m) == 0) {
			memcpy(qm->x.rx_digest, dg, 32);
			qm->x.have_rx = 1;
			sa->last_inbound_ms = e->now;
		}
	} else if (ike_qm_r_qm3(e, qm, m) == 0) {
		sa->last_inbound_ms = e->now;
	}
}
