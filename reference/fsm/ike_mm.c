/* ike_mm.c — Main Mode with pre-shared keys (RFC 2409 §5.4), initiator and responder:
 *
 *   I→R  HDR, SA, VID(DPD), VID(RFC 3947)        R→I  HDR, SA, VID…
 *   I→R  HDR, KE, Ni [, NAT-D, NAT-D]            R→I  HDR, KE, Nr [, NAT-D, NAT-D]
 *   I→R  HDR*, IDii, HASH_I [, N(INITIAL-CONTACT)]  R→I  HDR*, IDir, HASH_R
 *
 * The initiator offers every isakmp policy (one proposal, one transform each, priority
 * order); the responder takes the first of its policies that one of the transforms
 * matches and returns that transform unchanged. NAT-D (RFC 3947 §3.2) is sent when both
 * sides sent the RFC 3947 VID; a mismatch moves the exchange to port 4500 from MM5 on.
 * The state machine is the table ike_mm_steps: the state an SA waits in, whether the
 * expected message is encrypted, and the handler; anything else is a counted drop, and
 * an exact repeat of the message that produced our last reply gets that reply again
 * (RFC 2409 §10: the IV does not move).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include "ike_int.h"

static const uint8_t ike_zero_cookie[8];

/* --- phase-1 attributes (RFC 2409 App. A) ------------------------------------- */

struct ike_p1_attrs {
	unsigned enc, key_bits, hash, auth, group;
	uint32_t life_s;        /* 0 = not proposed */
	int unknown;            /* an attribute we do not implement */
};

static void ike_p1_parse(const struct isakmp_transform *t, struct ike_p1_attrs *a)
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
		case IKE_ATTR_ENC: a->enc = (unsigned)v; break;
		case IKE_ATTR_HASH: a->hash = (unsigned)v; break;
		case IKE_ATTR_AUTH: a->auth = (unsigned)v; break;
		case IKE_ATTR_GROUP: a->group = (unsigned)v; break;
		case IKE_ATTR_KEY_LEN: a->key_bits = (unsigned)v; break;
		case IKE_ATTR_LIFE_TYPE: life_type = (unsigned)v; break;
		case IKE_ATTR_LIFE_DURATION:
			/* RFC 2409 App. A: the duration follows its Life Type; kilobytes are
			 * accepted and not enforced for phase 1 */
			if (life_type == IKE_LIFE_SECONDS)
				a->life_s = v > 0xffffffffu ? 0xffffffffu : (uint32_t)v;
			break;
		default:
			a->unknown = 1;
		}
	}
	if (a->enc == IKE_ENC_AES_CBC && !a->key_bits)
		a->key_bits = 128;
}

static int ike_p1_match(const struct ike_p1_attrs *a, const struct ike_policy *p)
{
	unsigned pbits = p->enc == IKE_ENC_AES_CBC ? (p->key_bits ? p->key_bits : 128) : 0;
	unsigned abits = a->enc == IKE_ENC_AES_CBC ? a->key_bits : 0;

	return !a->unknown && a->enc == (unsigned)p->enc && abits == pbits &&
	       a->hash == (unsigned)p->hash && a->auth == (unsigned)p->auth && a->group == p->group &&
	       ikc_key_bytes((enum ike_enc)a->enc, a->key_bits) && ikc_hash_len((enum ike_hash)a->hash) &&
	       ikc_dh_group_bytes(a->group);
}

static const char *ike_enc_name(unsigned enc, unsigned bits)
{
	switch (enc) {
	case IKE_ENC_DES: return "DES-CBC";
	case IKE_ENC_3DES: return "3DES-CBC";
	case IKE_ENC_AES_CBC:
		return bits == 256 ? "AES-CBC-256" : bits == 192 ? "AES-CBC-192" : "AES-CBC-128";
	}
	return "unknown";
}

/* Transform body for one policy: enc, [key length], hash, auth, group, life. */
static size_t ike_p1_policy_attrs(uint8_t *p, const struct ike_policy *pol)
{
	size_t n = 0;

	n += ike_attr_tv(p + n, IKE_ATTR_ENC, (uint16_t)pol->enc);
	if (pol->enc == IKE_ENC_AES_CBC)
		n += ike_attr_tv(p + n, IKE_ATTR_KEY_LEN, (uint16_t)(pol->key_bits ? pol->key_bits : 128));
	n += ike_attr_tv(p + n, IKE_ATTR_HASH, (uint16_t)pol->hash);
	n += ike_attr_tv(p + n, IKE_ATTR_AUTH, (uint16_t)pol->auth);
	n += ike_attr_tv(p + n, IKE_ATTR_GROUP, (uint16_t)pol->group);
	n += ike_attr_tv(p + n, IKE_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
	n += ike_attr_num(p + n, IKE_ATTR_LIFE_DURATION, pol->lifetime_s);
	return n;
}

/* --- helpers ------------------------------------------------------------------ */

/* RFC 3947 §3.2: HASH(CKY-I | CKY-R | IP | Port) with the negotiated hash */
static int ike_natd(const struct ike_sa *sa, uint32_t addr, uint16_t port, uint8_t *out)
{
	uint8_t ap[6];
	struct ikc_iov v[3] = { { sa->icookie, 8 }, { sa->rcookie, 8 }, { ap, 6 } };

	ike_wr32(ap, addr);
	ap[4] = (uint8_t)(port >> 8);
	ap[5] = (uint8_t)port;
	return ikc_hash(sa->hash, v, 3, out);
}

static void ike_vids(struct ike_sa *sa, const struct isakmp_msg *m)
{
	uint8_t i;

	for (i = 0; i < m->npayloads; i++) {
		const struct isakmp_payload *pl = &m->pl[i];

		if (pl->type != ISAKMP_PL_VID || pl->body_len != 16)
			continue;
		if (!memcmp(pl->body, isakmp_vid_dpd, 16))
			sa->peer_dpd = 1;
		else if (!memcmp(pl->body, isakmp_vid_rfc3947, 16))
			sa->peer_natt = 1;
	}
}

/* Append VID DPD (RFC 3706 §5.1) and, with NAT-T on, VID RFC 3947 (§3.1). */
static void ike_put_vids(struct ike *e, struct isakmp_builder *b, int natt)
{
	isakmp_build_payload(b, ISAKMP_PL_VID, isakmp_vid_dpd, 16);
	if (natt && e->cfg.natt)
		isakmp_build_payload(b, ISAKMP_PL_VID, isakmp_vid_rfc3947, 16);
}

static int ike_natt_on(const struct ike *e, const struct ike_sa *sa)
{
	return e->cfg.natt && sa->peer_natt;
}

/* NAT-D pair: the destination (peer) first, then our own address (RFC 3947 §3.2). */
static void ike_put_natd(const struct ike_sa *sa, struct isakmp_builder *b)
{
	uint8_t h[IKC_MAX_PRF];

	if (ike_natd(sa, sa->remote.addr, sa->remote.port, h) == 0)
		isakmp_build_payload(b, ISAKMP_PL_NATD, h, sa->hlen ? sa->hlen : ikc_hash_len(sa->hash));
	if (ike_natd(sa, sa->local.addr, sa->local.port, h) == 0)
		isakmp_build_payload(b, ISAKMP_PL_NATD, h, sa->hlen ? sa->hlen : ikc_hash_len(sa->hash));
}

/* Compare the received NAT-D payloads with our view of the addresses. */
static void ike_check_natd(struct ike *e, struct ike_sa *sa, const struct isakmp_msg *m,
			   const struct ike_endpoint *local, const struct ike_endpoint *remote)
{
	uint8_t mine[IKC_MAX_PRF], theirs[IKC_MAX_PRF];
	size_t hl = ikc_hash_len(sa->hash);
	int first = 1, seen = 0, remote_ok = 0, local_ok = 0;
	uint8_t i;

	if (!ike_natt_on(e, sa) || ike_natd(sa, local->addr, local->port, mine) ||
	    ike_natd(sa, remote->addr, remote->port, theirs))
		return;
	for (i = 0; i < m->npayloads; i++) {
		const struct isakmp_payload *pl = &m->pl[i];

		if (pl->type != ISAKMP_PL_NATD && pl->type != ISAKMP_PL_NATD_DRAFT)
			continue;
		seen++;
		if (first) {
			/* the first one is the sender's view of us (the destination) */
			local_ok = pl->body_len == hl && !memcmp(pl->body, mine, hl);
			first = 0;
		} else if (pl->body_len == hl && !memcmp(pl->body, theirs, hl)) {
			remote_ok = 1;
		}
	}
	if (seen < 2)
		return;
	sa->natd_seen = 1;
	sa->nat_local = !local_ok;
	sa->nat_remote = !remote_ok;
	sa->natt = sa->nat_local || sa->nat_remote;
	if (sa->natt)
		ike_log_sa(e, sa, "NAT-D: NAT detected (%s%s%s)", sa->nat_local ? "we are behind NAT" : "",
			   sa->nat_local && sa->nat_remote ? ", " : "",
			   sa->nat_remote ? "peer is behind NAT" : "");
}

/* KE must equal the group size, the nonce 8..256 octets (RFC 2409 §5). */
static int ike_take_ke_nonce(struct ike *e, struct ike_sa *sa, const struct isakmp_msg *m,
			     uint8_t *ke_out, uint8_t *nonce_out, size_t *nonce_len)
{
	const struct isakmp_payload *ke = isakmp_find(m, ISAKMP_PL_KE);
	const struct isakmp_payload *no = isakmp_find(m, ISAKMP_PL_NONCE);
	size_t gb = ikc_dh_group_bytes(sa->group);

	if (!ke || !no) {
		ike_drop(e, IKE_DROP_BAD_PAYLOAD, "Main Mode from %s without %s", ike_ip(sa->remote.addr),
			 !ke ? "KE" : "NONCE");
		return -1;
	}
	if (ke->body_len != gb) {
		ike_drop(e, ke->body_len > gb ? IKE_DROP_TOO_BIG : IKE_DROP_BAD_PAYLOAD,
			 "KE of %zu bytes from %s, group %u needs %zu", ke->body_len, ike_ip(sa->remote.addr),
			 sa->group, gb);
		return -1;
	}
	if (no->body_len < IKE_NONCE_MIN || no->body_len > IKE_NONCE_MAX) {
		ike_drop(e, no->body_len > IKE_NONCE_MAX ? IKE_DROP_TOO_BIG : IKE_DROP_BAD_PAYLOAD,
			 "nonce of %zu bytes from %s (8..256)", no->body_len, ike_ip(sa->remote.addr));
		return -1;
	}
	memcpy(ke_out, ke->body, gb);
	memcpy(nonce_out, no->body, no->body_len);
	*nonce_len = no->body_len;
	return 0;
}

/* g^xy, SKEYID, SKEYID_d/a/e, Ka and the phase-1 IV (RFC 2409 §5, App. B). */
static int ike_mm_keys(struct ike *e, struct ike_sa *sa, const uint8_t *peer_pub)
{
	uint8_t gxy[IKC_MAX_DH];
	int ok;

	if (ikc_dh_shared(sa->dh, peer_pub, sa->glen, gxy, sizeof(gxy)) != (int)sa->glen) {
		ike_drop(e, IKE_DROP_BAD_PAYLOAD, "KE from %s is not a valid public value",
			 ike_ip(sa->remote.addr));
		return -1;
	}
	sa->hlen = ikc_hash_len(sa->hash);
	sa->ka_len = ikc_key_bytes(sa->enc, sa->key_bits);
	sa->block = ikc_block_size(sa->enc);
	ok = ikc_skeyid_psk(sa->hash, sa->psk, sa->psk_len, sa->ni, sa->ni_len, sa->nr, sa->nr_len,
			    sa->skeyid) == 0 &&
	     ikc_skeyid_dae(sa->hash, sa->skeyid, gxy, sa->glen, sa->icookie, sa->rcookie,
			    sa->skeyid_d, sa->skeyid_a, sa->skeyid_e) == 0 &&
	     ikc_enc_key(sa->hash, sa->skeyid_e, sa->ka_len, sa->ka) == 0 &&
	     ikc_p1_iv(sa->hash, sa->gxi, sa->glen, sa->gxr, sa->glen, sa->block, sa->iv) == 0;
	OPENSSL_cleanse(gxy, sizeof(gxy));
	if (!ok) {
		ike_log_sa(e, sa, "key derivation failed");
		return -1;
	}
	ike_log_sa(e, sa, "SKEYID state generated");
	if (e->ops.ike_keys)
		e->ops.ike_keys(e->ops.ctx, sa->icookie, sa->rcookie, sa->ka, sa->ka_len, sa->enc, sa->hash);
	return 0;
}

/* HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b)
 * HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b)   (RFC 2409 §5) */
static int ike_auth_hash(const struct ike_sa *sa, int of_initiator, const uint8_t *id_b, size_t id_len,
			 uint8_t *out)
{
	struct ikc_iov v[6];

	v[0] = (struct ikc_iov){ of_initiator ? sa->gxi : sa->gxr, sa->glen };
	v[1] = (struct ikc_iov){ of_initiator ? sa->gxr : sa->gxi, sa->glen };
	v[2] = (struct ikc_iov){ of_initiator ? sa->icookie : sa->rcookie, 8 };
	v[3] = (struct ikc_iov){ of_initiator ? sa->rcookie : sa->icookie, 8 };
	v[4] = (struct ikc_iov){ sa->sai_b, sa->sai_b_len };
	v[5] = (struct ikc_iov){ id_b, id_len };
	return ikc_prf(sa->hash, sa->skeyid, sa->hlen, v, 6, out);
}

/* Our phase-1 ID: ID_IPV4_ADDR, UDP/500 like IOS (RFC 2407 §4.6.2: 0/0 or 17/500). */
static size_t ike_my_id(const struct ike_sa *sa, uint8_t *out)
{
	return ike_id_body(out, sa->local.addr, 32, 17, 500);
}

/* Check the peer's ID and HASH_x in MM5/MM6. 0 = authenticated. */
static int ike_check_auth(struct ike *e, struct ike_sa *sa, const struct isakmp_msg *m, int of_initiator)
{
	const struct isakmp_payload *id = isakmp_find(m, ISAKMP_PL_ID);
	const struct isakmp_payload *hash = isakmp_find(m, ISAKMP_PL_HASH);
	uint8_t want[IKC_MAX_PRF];

	if (!id || !hash) {
		ike_drop(e, IKE_DROP_BAD_PAYLOAD, "MM%d from %s without %s", of_initiator ? 5 : 6,
			 ike_ip(sa->remote.addr), !id ? "ID" : "HASH");
		return -1;
	}
	/* pre-shared keys are looked up by address: only ID_IPV4_ADDR, protocol 0 or UDP,
	 * port 0, 500 or (after floating) 4500 */
	if (id->u.id.type != IPSEC_ID_IPV4_ADDR || (id->u.id.proto != 0 && id->u.id.proto != 17) ||
	    (id->u.id.port != 0 && id->u.id.port != 500 && id->u.id.port != 4500)) {
		ike_drop(e, IKE_DROP_BAD_ID, "phase-1 ID type %u proto %u port %u from %s",
			 id->u.id.type, id->u.id.proto, id->u.id.port, ike_ip(sa->remote.addr));
		return -1;
	}
	if (hash->body_len != sa->hlen || ike_auth_hash(sa, of_initiator, id->body, id->body_len, want) ||
	    CRYPTO_memcmp(want, hash->body, sa->hlen)) {
		ike_drop(e, IKE_DROP_HASH, "%s from %s: hash does not verify (wrong pre-shared key?)",
			 of_initiator ? "HASH_I" : "HASH_R", ike_ip(sa->remote.addr));
		return -1;
	}
	if (ike_rd32(id->u.id.data) != sa->remote.addr)
		ike_log_sa(e, sa, "peer ID %s differs from its address %s (NAT)", ike_ip(ike_rd32(id->u.id.data)),
			   ike_ip(sa->remote.addr));
	return 0;
}

static int ike_build_finish_send(struct ike *e, struct ike_sa *sa, struct isakmp_builder *b, int keep)
{
	int len = isakmp_build_finish(b);

	if (len < 0) {
		ike_log_sa(e, sa, "message too big to build");
		return -1;
	}
	ike_send(e, sa, &sa->x, e->out, (size_t)len, keep, ike_show_state(sa->state));
	return 0;
}

/* --- initiator ---------------------------------------------------------------- */

struct ike_sa *ike_mm_start(struct ike *e, uint32_t local_addr, uint32_t peer)
{
	const struct ike_psk *k = ike_psk_for(e, peer);
	struct isakmp_builder b;
	struct isakmp_hdr h;
	struct ike_sa *sa;
	uint8_t body[8 + 8 + 16 * 48];
	size_t n, sa_at, plen;
	unsigned i;
	int j, have_sa = 0;

	if (!k) {
		ike_log(e, "ISAKMP: No pre-shared key with %s!: Main Mode not started", ike_ip(peer));
		return NULL;
	}
	if (!e->cfg.npolicies) {
		ike_log(e, "ISAKMP: no isakmp policy: Main Mode with %s not started", ike_ip(peer));
		return NULL;
	}
	sa = ike_sa_new(e, 1);
	if (!sa) {
		ike_log(e, "ISAKMP: no room for another ISAKMP SA: Main Mode with %s not started", ike_ip(peer));
		return NULL;
	}
	sa->local = (struct ike_endpoint){ local_addr, ISAKMP_PORT };
	sa->remote = (struct ike_endpoint){ peer, ISAKMP_PORT };
	snprintf(sa->psk, sizeof(sa->psk), "%s", k->key);
	sa->psk_len = strlen(sa->psk);
	sa->noffered = e->cfg.npolicies;
	memcpy(sa->offered, e->cfg.policies, sizeof(sa->offered));
	/* RFC 2407 §4.6.3.3: INITIAL-CONTACT when we hold no SA with the peer */
	for (j = 0; j < IKE_MAX_SA; j++)
		if (&e->sas[j] != sa && e->sas[j].used && e->sas[j].state == IKE_P1_COMPLETE &&
		    e->sas[j].remote.addr == peer)
			have_sa = 1;
	for (j = 0; j < IKE_MAX_CHILD; j++)
		if (e->children[j].used && e->children[j].c.remote.addr == peer)
			have_sa = 1;
	sa->send_ic = !have_sa;
	ike_log_sa(e, sa, "beginning Main Mode exchange");

	/* MM1: HDR, SA (one proposal, one transform per policy), VIDs */
	ike_wr32(body, IPSEC_DOI);
	ike_wr32(body + 4, IPSEC_SIT_IDENTITY_ONLY);
	n = 8;
	plen = 0;
	for (i = 0; i < sa->noffered; i++) {
		uint8_t attrs[64];
		size_t al = ike_p1_policy_attrs(attrs, &sa->offered[i]);

		/* transforms go after the 8-byte proposal header */
		plen += ike_transform(body + n + 8 + plen, i + 1 == sa->noffered, (uint8_t)(i + 1),
				      IKE_KEY_ISAKMP, attrs, al);
	}
	n += ike_proposal_hdr(body + n, 1, 1, ISAKMP_PROTO_ISAKMP, NULL, 0, (uint8_t)sa->noffered, plen);
	n += plen;
	ike_hdr(sa, &h, ISAKMP_EXCH_MAIN, 0, 0);
	isakmp_build_init(&b, e->out, IKE_MSG_MAX, &h);
	sa_at = isakmp_build_begin(&b, ISAKMP_PL_SA);
	isakmp_build_bytes(&b, body, n);
	isakmp_build_end(&b, sa_at);
	sa->sai_b_len = n;
	sa->sai_b = malloc(n);
	if (!sa->sai_b) {
		ike_sa_delete(e, sa, "no memory", 0);
		return NULL;
	}
	memcpy(sa->sai_b, body, n);
	ike_put_vids(e, &b, 1);
	ike_sa_state(e, sa, IKE_I_MM1);
	if (ike_build_finish_send(e, sa, &b, 1)) {
		ike_sa_delete(e, sa, "build failed", 0);
		return NULL;
	}
	return sa;
}

/* MM3 / MM4: KE, Nonce [, NAT-D, NAT-D] (RFC 2409 §5, RFC 3947 §3.2), then the next state. */
static int ike_mm_send_ke_nonce(struct ike *e, struct ike_sa *sa, const uint8_t *gx, const uint8_t *nonce,
				size_t nonce_len, int natd, enum ike_state next)
{
	struct isakmp_builder b;
	struct isakmp_hdr h;

	ike_hdr(sa, &h, ISAKMP_EXCH_MAIN, 0, 0);
	isakmp_build_init(&b, e->out, IKE_MSG_MAX, &h);
	isakmp_build_payload(&b, ISAKMP_PL_KE, gx, sa->glen);
	isakmp_build_payload(&b, ISAKMP_PL_NONCE, nonce, nonce_len);
	if (natd)
		ike_put_natd(sa, &b);
	ike_sa_state(e, sa, next);
	return ike_build_finish_send(e, sa, &b, 1);
}

/* MM2: the responder's choice must be one transform we offered. */
static int ike_mm_i_mm2(struct ike *e, struct ike_sa *sa, const struct isakmp_msg *m,
			const struct ike_endpoint *local, const struct ike_endpoint *remote)
{
	const struct isakmp_payload *sap = m->npayloads ? &m->pl[0] : NULL;
	const struct isakmp_sa *s;
	struct ike_p1_attrs a;
	const struct ike_policy *pol = NULL;
	unsigned i;

	(void)local;
	(void)remote;
	if (!sap || sap->type != ISAKMP_PL_SA) {
		ike_drop(e, IKE_DROP_BAD_PAYLOAD, "MM2 from %s does not start with SA", ike_ip(sa->remote.addr));
		return -1;
	}
	s = &m->sas[sap->u.sa_index];
	/* RFC 2409 §5: one proposal, one transform, chosen from ours */
	if (s->doi != IPSEC_DOI || s->nproposals != 1 || s->proposals[0].ntransforms != 1 ||
	    s->proposals[0].protocol != ISAKMP_PROTO_ISAKMP ||
	    s->proposals[0].transforms[0].id != IKE_KEY_ISAKMP) {
		ike_drop(e, IKE_DROP_NO_PROPOSAL, "MM2 from %s: not one ISAKMP transform", ike_ip(sa->remote.addr));
		return -1;
	}
	ike_p1_parse(&s->proposals[0].transforms[0], &a);
	for (i = 0; i < sa->noffered && !pol; i++)
		if (ike_p1_match(&a, &sa->offered[i]))
			pol = &sa->offered[i];
	if (!pol) {
		ike_drop(e, IKE_DROP_NO_PROPOSAL, "MM2 from %s chose a transform we did not offer",
			 ike_ip(sa->remote.addr));
		return -1;
	}
	memcpy(sa->rcookie, m->hdr.rcookie, 8);
	sa->enc = pol->enc;
	sa->key_bits = pol->enc == IKE_ENC_AES_CBC ? (pol->key_bits ? pol->key_bits : 128) : 0;
	sa->hash = pol->hash;
	sa->auth = pol->auth;
	sa->group = pol->group;
	sa->lifetime_s = pol->lifetime_s;
	if (a.life_s && a.life_s < sa->lifetime_s)
		sa->lifetime_s = a.life_s;
	ike_log_sa(e, sa, "atts are acceptable. Next payload is 0");
	ike_log_sa(e, sa, "encryption %s, hash %s, group %u, auth pre-share, life %u s (policy %u)",
		   ike_enc_name(sa->enc, sa->key_bits), ikc_hash_name(sa->hash), sa->group, sa->lifetime_s,
		   pol->priority);
	ike_vids(sa, m);
	if (sa->peer_dpd)
		ike_log_sa(e, sa, "peer supports DPD (RFC 3706 VID)");
	/* MM3: KE, Ni [, NAT-D, NAT-D] */
	sa->glen = ikc_dh_group_bytes(sa->group);
	sa->dh = ikc_dh_new(sa->group);
	sa->ni_len = IKE_NONCE_LEN;
	if (!sa->dh || ikc_dh_public(sa->dh, sa->gxi, sizeof(sa->gxi)) != (int)sa->glen ||
	    ikc_random(sa->ni, sa->ni_len)) {
		ike_log_sa(e, sa, "DH group %u key generation failed", sa->group);
		return -1;
	}
	return ike_mm_send_ke_nonce(e, sa, sa->gxi, sa->ni, sa->ni_len, ike_natt_on(e, sa), IKE_I_MM3);
}

/* MM4: keys, NAT-D, then MM5 (first encrypted message). */
static int ike_mm_i_mm4(struct ike *e, struct ike_sa *sa, const struct isakmp_msg *m,
			const struct ike_endpoint *local, const struct ike_endpoint *remote)
{
	struct isakmp_builder b;
	struct isakmp_hdr h;
	uint8_t id[12], hash[IKC_MAX_PRF], spi[16];
	size_t idl;
	int len;

	if (ike_take_ke_nonce(e, sa, m, sa->gxr, sa->nr, &sa->nr_len))
		return -1;
	if (ike_mm_keys(e, sa, sa->gxr))
		return -1;
	ike_check_natd(e, sa, m, local, remote);
	if (sa->natt) {
		/* RFC 3947 §4: float to port 4500 from MM5 on */
		sa->local.port = ISAKMP_NATT_PORT;
		sa->remote.port = ISAKMP_NATT_PORT;
	}
	/* MM5: HDR*, IDii, HASH_I [, N(INITIAL-CONTACT)] */
	idl = ike_my_id(sa, id);
	if (ike_auth_hash(sa, 1, id, idl, hash))
		return -1;
	ike_hdr(sa, &h, ISAKMP_EXCH_MAIN, 0, 0);
	isakmp_build_init(&b, e->out, IKE_MSG_MAX, &h);
	isakmp_build_payload(&b, ISAKMP_PL_ID, id, idl);
	isakmp_build_payload(&b, ISAKMP_PL_HASH, hash, sa->hlen);
	if (sa->send_ic) {
		memcpy(spi, sa->icookie, 8);
		memcpy(spi + 8, sa->rcookie, 8);
		/* RFC 2407 §4.6.3.3: DOI 1, protocol ISAKMP, SPI = the cookies, no data */
		isakmp_build_notify(&b, IPSEC_DOI, ISAKMP_PROTO_ISAKMP, ISAKMP_N_INITIAL_CONTACT, spi, 16,
				    NULL, 0);
	}
	len = isakmp_build_finish(&b);
	if (len < 0 || (len = ike_seal(sa, e->out, (size_t)len, sa->iv)) < 0)
		return -1;
	ike_sa_state(e, sa, IKE_I_MM5);
	ike_send(e, sa, &sa->x, e->out, (size_t)len, 1, ike_show_state(sa->state));
	return 0;
}

/* MM6: HASH_R; the phase-1 IV chain ends here. */
static int ike_mm_i_mm6(struct ike *e, struct ike_sa *sa, const struct isakmp_msg *m,
			const struct ike_endpoint *local, const struct ike_endpoint *remote)
{
	(void)local;
	(void)remote;
	if (ike_check_auth(e, sa, m, 0))
		return -1;
	/* RFC 2409 App. B: the next IV / the last phase-1 block is MM6's last ciphertext block */
	memcpy(sa->iv, m->body + m->body_len - sa->block, sa->block);
	memcpy(sa->p1_last, sa->iv, sa->block);
	/* nothing answers MM6: a repeated MM6 is a counted duplicate, not a reason to send
	 * MM5 again (which would start a ping-pong with the responder's MM6) */
	free(sa->x.buf);
	sa->x.buf = NULL;
	sa->x.len = 0;
	ike_sa_established(e, sa);
	return 0;
}

/* --- responder ---------------------------------------------------------------- */

/* MM1: choose a policy; returns the new SA or NULL (drop counted). */
static void ike_mm_r_mm1(struct ike *e, const struct ike_endpoint *local, const struct ike_endpoint *remote,
			 const uint8_t *raw, size_t len, const struct isakmp_msg *m)
{
	const struct isakmp_payload *sap = m->npayloads ? &m->pl[0] : NULL;
	const struct ike_psk *k;
	const struct isakmp_sa *s;
	const struct isakmp_proposal *prop = NULL;
	const struct isakmp_transform *chosen = NULL;
	const struct ike_policy *pol = NULL;
	struct ike_p1_attrs a, ca = { 0 };
	struct isakmp_builder b;
	struct isakmp_hdr h;
	struct ike_sa *sa;
	uint8_t attrs[1024], body[1200];
	size_t al, tl, n, sa_at;
	unsigned pi, ti;
	uint8_t p;

	if (m->encrypted || !sap || sap->type != ISAKMP_PL_SA || m->hdr.msgid != 0) {
		ike_drop(e, IKE_DROP_BAD_PAYLOAD, "Main Mode from %s does not start with SA",
			 ike_ip(remote->addr));
		return;
	}
	s = &m->sas[sap->u.sa_index];
	if (s->doi != IPSEC_DOI || s->situation != IPSEC_SIT_IDENTITY_ONLY) {
		ike_drop(e, IKE_DROP_NO_PROPOSAL, "MM1 from %s: DOI %u situation %u", ike_ip(remote->addr),
			 s->doi, s->situation);
		return;
	}
	if (s->body_len > IKE_SAI_MAX) {
		ike_drop(e, IKE_DROP_TOO_BIG, "MM1 SA payload of %zu bytes from %s", s->body_len,
			 ike_ip(remote->addr));
		return;
	}
	k = ike_psk_for(e, remote->addr);
	if (!k) {
		ike_drop(e, IKE_DROP_NO_PSK, "No pre-shared key with %s!", ike_ip(remote->addr));
		return;
	}
	ike_log(e, "ISAKMP (0:0): received packet from %s dport %u sport %u Global (N) NEW SA",
		ike_ip(remote->addr), local->port, remote->port);
	ike_log(e, "ISAKMP: Found a peer struct for %s, peer port %u", ike_ip(remote->addr), remote->port);
	/* IOS order: each policy by priority against each transform of the proposal(s) */
	for (pi = 0; pi < e->cfg.npolicies && !chosen; pi++) {
		for (p = 0; p < s->nproposals && !chosen; p++) {
			const struct isakmp_proposal *pr = &s->proposals[p];

			if (pr->protocol != ISAKMP_PROTO_ISAKMP)
				continue;
			for (ti = 0; ti < pr->ntransforms && !chosen; ti++) {
				const struct isakmp_transform *t = &pr->transforms[ti];

				if (t->id != IKE_KEY_ISAKMP)
					continue;
				ike_p1_parse(t, &a);
				ike_log(e, "ISAKMP: Checking ISAKMP transform %u against priority %u policy",
					t->number, e->cfg.policies[pi].priority);
				if (ike_p1_match(&a, &e->cfg.policies[pi])) {
					chosen = t;
					prop = pr;
					pol = &e->cfg.policies[pi];
					ca = a;
				} else {
					ike_log(e, "ISAKMP: atts are not acceptable. Next payload is %u",
						ti + 1 < pr->ntransforms ? 3 : 0);
				}
			}
		}
	}
	if (!chosen) {
		uint8_t rc[8];

		ike_drop(e, IKE_DROP_NO_PROPOSAL, "MM1 from %s: no offered transform matches a policy",
			 ike_ip(remote->addr));
		/* RFC 2408 §5.4: NO-PROPOSAL-CHOSEN MAY be sent; in clear, no keys exist yet */
		if (!ikc_random(rc, 8))
			ike_send_clear_notify(e, m->hdr.icookie, rc, local, remote, ISAKMP_N_NO_PROPOSAL_CHOSEN);
		return;
	}
	sa = ike_sa_new(e, 0);
	if (!sa) {
		ike_drop(e, IKE_DROP_NO_RESOURCES, "no room for a responder SA for %s", ike_ip(remote->addr));
		return;
	}
	memcpy(sa->icookie, m->hdr.icookie, 8);
	sa->local = *local;
	sa->remote = *remote;
	snprintf(sa->psk, sizeof(sa->psk), "%s", k->key);
	sa->psk_len = strlen(sa->psk);
	sa->enc = pol->enc;
	sa->key_bits = pol->enc == IKE_ENC_AES_CBC ? ca.key_bits : 0;
	sa->hash = pol->hash;
	sa->auth = pol->auth;
	sa->group = pol->group;
	/* lifetime: accept the proposal, keep the smaller */
	sa->lifetime_s = pol->lifetime_s;
	if (ca.life_s && ca.life_s < sa->lifetime_s)
		sa->lifetime_s = ca.life_s;
	ike_log_sa(e, sa, "atts are acceptable. Next payload is 0");
	ike_log_sa(e, sa, "encryption %s, hash %s, group %u, auth pre-share, life %u s (policy %u)",
		   ike_enc_name(sa->enc, sa->key_bits), ikc_hash_name(sa->hash), sa->group, sa->lifetime_s,
		   pol->priority);
	sa->sai_b = malloc(s->body_len);
	if (!sa->sai_b) {
		ike_sa_delete(e, sa, "no memory", 0);
		return;
	}
	memcpy(sa->sai_b, s->body, s->body_len);
	sa->sai_b_len = s->body_len;
	ike_vids(sa, m);
	ike_digest(raw, len, sa->x.rx_digest);
	sa->x.have_rx = 1;

	/* MM2: HDR, SA (the chosen transform, unchanged), VIDs */
	al = ike_attrs_copy(attrs, sizeof(attrs), chosen);
	ike_wr32(body, IPSEC_DOI);
	ike_wr32(body + 4, IPSEC_SIT_IDENTITY_ONLY);
	n = 8;
	tl = ike_transform(body + n + 8, 1, chosen->number, chosen->id, attrs, al);
	n += ike_proposal_hdr(body + n, 1, prop->number, ISAKMP_PROTO_ISAKMP, NULL, 0, 1, tl);
	n += tl;
	ike_hdr(sa, &h, ISAKMP_EXCH_MAIN, 0, 0);
	isakmp_build_init(&b, e->out, IKE_MSG_MAX, &h);
	sa_at = isakmp_build_begin(&b, ISAKMP_PL_SA);
	isakmp_build_bytes(&b, body, n);
	isakmp_build_end(&b, sa_at);
	ike_put_vids(e, &b, sa->peer_natt);
	ike_sa_state(e, sa, IKE_R_MM2);
	if (ike_build_finish_send(e, sa, &b, 1))
		ike_sa_delete(e, sa, "build failed", 0);
}

/* MM3: KE, Ni, NAT-D → keys, MM4. */
static int ike_mm_r_mm3(struct ike *e, struct ike_sa *sa, const struct isakmp_msg *m,
			const struct ike_endpoint *local, const struct ike_endpoint *remote)
{
	sa->glen = ikc_dh_group_bytes(sa->group);
	if (ike_take_ke_nonce(e, sa, m, sa->gxi, sa->ni, &sa->ni_len))
		return -1;
	if (!sa->dh) {
		sa->dh = ikc_dh_new(sa->group);
		if (!sa->dh || ikc_dh_public(sa->dh, sa->gxr, sizeof(sa->gxr)) != (int)sa->glen) {
			ike_log_sa(e, sa, "DH group %u key generation failed", sa->group);
			return -1;
		}
	}
	sa->nr_len = IKE_NONCE_LEN;
	if (ikc_random(sa->nr, sa->nr_len) || ike_mm_keys(e, sa, sa->gxi))
		return -1;
	ike_check_natd(e, sa, m, local, remote);
	/* MM4: KE, Nr [, NAT-D, NAT-D] */
	return ike_mm_send_ke_nonce(e, sa, sa->gxr, sa->nr, sa->nr_len, ike_natt_on(e, sa) && sa->natd_seen,
				    IKE_R_MM4);
}

/* MM5: HASH_I, INITIAL-CONTACT, then MM6. */
static int ike_mm_r_mm5(struct ike *e, struct ike_sa *sa, const struct isakmp_msg *m,
			const struct ike_endpoint *local, const struct ike_endpoint *remote)
{
	struct isakmp_builder b;
	struct isakmp_hdr h;
	uint8_t id[12], hash[IKC_MAX_PRF];
	size_t idl;
	int len, ic = 0;
	uint8_t i;

	if (ike_check_auth(e, sa, m, 1))
		return -1;
	/* authenticated: the IV moves to MM5's last ciphertext block (App. B) */
	memcpy(sa->iv, m->body + m->body_len - sa->block, sa->block);
	/* RFC 3947 §4: the peer floated to 4500; answer where it came from */
	if (local->port == ISAKMP_NATT_PORT || remote->port != sa->remote.port) {
		sa->local = *local;
		sa->remote = *remote;
		if (local->port == ISAKMP_NATT_PORT)
			sa->natt = 1;
	}
	for (i = 0; i < m->npayloads; i++)
		if (m->pl[i].type == ISAKMP_PL_N && m->pl[i].u.n.type == ISAKMP_N_INITIAL_CONTACT)
			ic = 1;
	/* MM6: HDR*, IDir, HASH_R */
	idl = ike_my_id(sa, id);
	if (ike_auth_hash(sa, 0, id, idl, hash))
		return -1;
	ike_hdr(sa, &h, ISAKMP_EXCH_MAIN, 0, 0);
	isakmp_build_init(&b, e->out, IKE_MSG_MAX, &h);
	isakmp_build_payload(&b, ISAKMP_PL_ID, id, idl);
	isakmp_build_payload(&b, ISAKMP_PL_HASH, hash, sa->hlen);
	len = isakmp_build_finish(&b);
	if (len < 0 || (len = ike_seal(sa, e->out, (size_t)len, sa->iv)) < 0)
		return -1;
	memcpy(sa->p1_last, sa->iv, sa->block);
	/* the last message of Main Mode: kept for a repeated MM5, not retransmitted */
	ike_send(e, sa, &sa->x, e->out, (size_t)len, 0, "QM_IDLE");
	ike_sa_established(e, sa);
	if (ic)
		ike_initial_contact(e, sa);
	return 0;
}

/* --- dispatch ----------------------------------------------------------------- */

typedef int (*ike_mm_fn)(struct ike *e, struct ike_sa *sa, const struct isakmp_msg *m,
			 const struct ike_endpoint *local, const struct ike_endpoint *remote);

/* STYLE §4: the Main Mode steps as a table — the state an SA waits in, whether the
 * message it waits for is encrypted (RFC 2409 §5.4: MM5/MM6), and its handler. */
static const struct { enum ike_state st; int encrypted; ike_mm_fn fn; const char *what; } ike_mm_steps[] = {
	{ IKE_I_MM1, 0, ike_mm_i_mm2, "MM2" },
	{ IKE_I_MM3, 0, ike_mm_i_mm4, "MM4" },
	{ IKE_I_MM5, 1, ike_mm_i_mm6, "MM6" },
	{ IKE_R_MM2, 0, ike_mm_r_mm3, "MM3" },
	{ IKE_R_MM4, 1, ike_mm_r_mm5, "MM5" },
};

void ike_mm_input(struct ike *e, const struct ike_endpoint *local, const struct ike_endpoint *remote,
		  const uint8_t *raw, size_t len, struct isakmp_msg *m)
{
	struct ike_sa *sa = NULL;
	uint8_t dg[32];
	size_t k;
	int i;

	if (m->hdr.msgid != 0) {
		/* RFC 2408 §3.1: phase-1 Message ID is 0 */
		ike_drop(e, IKE_DROP_MALFORMED, "Main Mode from %s with M-ID %u", ike_ip(remote->addr),
			 m->hdr.msgid);
		return;
	}
	if (!memcmp(m->hdr.rcookie, ike_zero_cookie, 8)) {
		for (i = 0; i < IKE_MAX_SA && !sa; i++) {
			struct ike_sa *s = &e->sas[i];

			if (s->used && !memcmp(s->icookie, m->hdr.icookie, 8) &&
			    (s->initiator || s->remote.addr == remote->addr))
				sa = s;
		}
		if (!sa) {
			ike_mm_r_mm1(e, local, remote, raw, len, m);
			return;
		}
		if (sa->initiator) {
			/* our own cookie with no responder cookie: reflected or forged */
			ike_drop(e, IKE_DROP_STATE, "Main Mode from %s with our own initiator cookie",
				 ike_ip(remote->addr));
			return;
		}
	} else {
		for (i = 0; i < IKE_MAX_SA && !sa; i++) {
			struct ike_sa *s = &e->sas[i];

			if (!s->used || memcmp(s->icookie, m->hdr.icookie, 8))
				continue;
			if (!memcmp(s->rcookie, m->hdr.rcookie, 8) ||
			    (s->initiator && s->state == IKE_I_MM1 && !memcmp(s->rcookie, ike_zero_cookie, 8)))
				sa = s;
		}
	}
	if (!sa || sa->remote.addr != remote->addr) {
		/* not an MM1 (that has a zero R-cookie): seed 003's words */
		ike_drop(e, IKE_DROP_UNKNOWN_COOKIE, "Received Main Mode exchange packet from %s dport %u sport %u, "
			 IKE_NO_SA_TEXT, ike_ip(remote->addr), local->port, remote->port);
		return;
	}
	if (sa->state == IKE_DEST_SA) {
		ike_drop(e, IKE_DROP_STATE, "Main Mode from %s for deleted SA (0:%u)", ike_ip(remote->addr),
			 sa->conn_id);
		return;
	}
	ike_log_rx(e, sa, local, remote);
	/* RFC 2409 §10: a retransmission of the message we answered gets the same answer */
	ike_digest(raw, len, dg);
	if (sa->x.have_rx && !memcmp(dg, sa->x.rx_digest, 32)) {
		ike_drop(e, IKE_DROP_DUPLICATE, "retransmitted Main Mode packet from %s (0:%u)",
			 ike_ip(remote->addr), sa->conn_id);
		if (sa->x.buf) {
			ike_log_sa(e, sa, "retransmitting our last phase 1 packet for the duplicate");
			ike_send(e, sa, NULL, sa->x.buf, sa->x.len, 0, ike_show_state(sa->state));
		}
		return;
	}
	for (k = 0; k < sizeof(ike_mm_steps) / sizeof(ike_mm_steps[0]); k++)
		if (ike_mm_steps[k].st == sa->state)
			break;
	if (k == sizeof(ike_mm_steps) / sizeof(ike_mm_steps[0]) || ike_mm_steps[k].encrypted != m->encrypted) {
		ike_drop(e, IKE_DROP_STATE, "%s Main Mode packet from %s in state %s (0:%u)",
			 m->encrypted ? "encrypted" : "cleartext", ike_ip(remote->addr),
			 ike_show_state(sa->state), sa->conn_id);
		return;
	}
	if (m->encrypted && ike_open(e, sa, m, sa->iv))
		return;
	if (ike_mm_steps[k].fn(e, sa, m, local, remote) == 0) {
		memcpy(sa->x.rx_digest, dg, 32);
		sa->x.have_rx = 1;
		sa->last_inbound_ms = e->now;
	}
}
