/* an_ike.c — ISAKMP messages of a capture, followed per cookie pair.
 *
 * Owns: which side initiated (the sender of the first message with R-cookie 0, RFC 2408
 * §2.4), phase-1 message numbers (Main Mode 1–6 / Aggressive 1–3 by order and direction,
 * RFC 2409 §5.4/§5.5 layouts), Quick Mode 1–3 per M-ID (the M-ID's first sender is its
 * initiator, RFC 2409 §5.5), retransmissions (identical bytes seen again), decryption
 * through reference/crypto with the key table, and the Notify/Delete events of cleartext
 * and decrypted messages (DPD RFC 3706 §5.3, Delete RFC 2408 §3.15).
 * At most AN_MAX_SAS cookie pairs per file; the least recently used one is evicted.
 */
#include <stdio.h>
#include <string.h>
#include "an_int.h"

/* FNV-1a, 64 bit: a fingerprint to recognise a retransmission (identical bytes) */
static uint64_t an_ike_fnv(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static struct an_sa *an_ike_sa(struct an_ctx *c, const struct isakmp_hdr *h)
{
	struct an_sa *s, *victim = NULL;
	const uint8_t *key;
	size_t klen = 0, i;

	for (i = 0; i < AN_MAX_SAS; i++) {
		s = &c->sas[i];
		if (s->used && memcmp(s->icookie, h->icookie, 8) == 0) {
			s->last_use = c->nframe;
			return s;
		}
		if (!s->used) {
			if (!victim || victim->used)
				victim = s;
		} else if (!victim || (victim->used && s->last_use < victim->last_use)) {
			victim = s;
		}
	}
	/* table full: forget the least recently seen cookie pair */
	if (victim->used)
		c->st->sa_evicted++;
	s = victim;
	memset(s, 0, sizeof(*s));
	s->used = 1;
	s->last_use = c->nframe;
	memcpy(s->icookie, h->icookie, 8);
	key = an_keys_lookup(c->keys, h->icookie, &klen);
	s->has_key = key != NULL;
	ikev1_dec_init(&s->dec, h->icookie, key, key ? klen : 0);
	return s;
}

/* Next message number for a sender: the initiator's messages are odd (1, 3, 5), the
 * responder's even (2, 4, 6); 0 beyond max. */
static int8_t an_ike_next(int8_t *last, int from_initiator, int max)
{
	int n = *last + 1;

	if ((n % 2 == 1) != (from_initiator != 0))
		n++;
	if (n > max)
		return 0;
	*last = (int8_t)n;
	return (int8_t)n;
}

static int an_ike_is_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static const char *an_ike_proto(uint8_t p)
{
	switch (p) {
	case ISAKMP_PROTO_ISAKMP: return "ISAKMP";
	case ISAKMP_PROTO_AH: return "AH";
	case ISAKMP_PROTO_ESP: return "ESP";
	case ISAKMP_PROTO_IPCOMP: return "IPCOMP";
	default: return "proto?";
	}
}

static uint32_t an_ike_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* "a, b, c" payload names into buf */
static void an_ike_pl_list(const struct isakmp_msg *m, char *buf, size_t len)
{
	size_t off = 0;
	uint8_t i;

	buf[0] = 0;
	for (i = 0; i < m->npayloads && i < ISAKMP_MAX_PAYLOADS && off < len; i++) {
		int w = snprintf(buf + off, len - off, "%s%s", i ? ", " : "", isakmp_pl_name(m->pl[i].type));

		if (w < 0)
			break;
		off += (size_t)w;
	}
}

static void an_ike_hex(const uint8_t *p, size_t n, char *out, size_t cap)
{
	size_t i;

	out[0] = 0;
	for (i = 0; i < n && 2 * i + 2 < cap; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
}

/* Events for the Notify and Delete payloads of a cleartext or decrypted message. */
static void an_ike_payload_events(struct an_ctx *c, const struct ev *base, const struct isakmp_msg *m,
				  int retransmit)
{
	const char *rtx = retransmit ? " (retransmit)" : "";
	uint8_t i;

	for (i = 0; i < m->npayloads && i < ISAKMP_MAX_PAYLOADS; i++) {
		const struct isakmp_payload *pl = &m->pl[i];
		struct ev e = *base;

		e.msgno = 0;
		if (pl->type == ISAKMP_PL_N) {
			const struct isakmp_notify_pl *n = &pl->u.n;

			e.notify = n->type;
			if (n->type == ISAKMP_N_R_U_THERE || n->type == ISAKMP_N_R_U_THERE_ACK) {
				uint8_t ck[16];
				const char *note = "";

				/* RFC 3706 §5.3: SPI = CKY-I | CKY-R, 4-octet sequence number */
				memcpy(ck, m->hdr.icookie, 8);
				memcpy(ck + 8, m->hdr.rcookie, 8);
				if (n->spi_size == 16 && n->spi && memcmp(n->spi, ck, 16) != 0)
					note = " (SPI is not the cookie pair)";
				e.type = EV_DPD;
				e.seq = n->data_len == 4 ? an_ike_be32(n->data) : 0;
				snprintf(e.text, sizeof(e.text), "%s seq 0x%08x%s%s%s",
					 isakmp_notify_name(n->type), e.seq,
					 n->data_len == 4 ? "" : " (sequence not 4 octets)", note,
					 /* RFC 3706 §5.2: MUST reject unencrypted R-U-THERE/ACK */
					 m->encrypted ? "" : " (unencrypted)");
				c->st->dpd++;
			} else {
				char spi[40] = "";

				e.type = EV_IKE_NOTIFY;
				if (n->spi_size == 4 && n->spi) {
					e.spi = an_ike_be32(n->spi);
					snprintf(spi, sizeof(spi), " SPI 0x%08x", e.spi);
				}
				snprintf(e.text, sizeof(e.text), "Notify %s (%u) %s%s%s",
					 isakmp_notify_name(n->type), n->type, an_ike_proto(n->proto), spi, rtx);
				c->st->ike_notify++;
			}
			if (e.type == EV_DPD && retransmit) {
				size_t l = strlen(e.text);

				snprintf(e.text + l, sizeof(e.text) - l, "%s", rtx);
			}
			an_emit(c, &e);
		} else if (pl->type == ISAKMP_PL_D) {
			const struct isakmp_delete_pl *d = &pl->u.d;
			size_t off, k;
			int w;

			e.type = EV_IKE_DELETE;
			/* RFC 2408 §3.15: ESP carries 4-octet SPIs, ISAKMP the 16-octet cookie pair */
			if (d->spi_size == 4 && d->nspis && d->spis)
				e.spi = an_ike_be32(d->spis);
			w = snprintf(e.text, sizeof(e.text), "Delete %s SPI%s", an_ike_proto(d->proto),
				     d->nspis == 1 ? "" : "s");
			off = w > 0 ? (size_t)w : 0;
			for (k = 0; k < d->nspis && d->spis && off < sizeof(e.text); k++) {
				char hx[40];

				if (d->spi_size == 4)
					snprintf(hx, sizeof(hx), "0x%08x", an_ike_be32(d->spis + 4 * k));
				else
					an_ike_hex(d->spis + k * d->spi_size, d->spi_size, hx, sizeof(hx));
				w = snprintf(e.text + off, sizeof(e.text) - off, "%s%s", k ? ", " : " ", hx);
				if (w < 0)
					break;
				off += (size_t)w;
			}
			if (off < sizeof(e.text))
				snprintf(e.text + off, sizeof(e.text) - off, "%s", rtx);
			c->st->ike_delete++;
			an_emit(c, &e);
		}
	}
}

void an_ike(struct an_ctx *c, int64_t t_ns, const struct frame_info *fi)
{
	struct isakmp_msg *m = &c->msg;
	struct codec_err err;
	struct an_sa *s;
	struct ev e;
	uint64_t fp;
	int from_i = -1, retransmit = 0, show_pl = 0;
	int8_t msgno = 0;
	char pls[160], detail[200];
	unsigned i;

	memset(&err, 0, sizeof(err));
	if (isakmp_decode(fi->l7, fi->l7_len, m, &err)) {
		c->st->malformed++;
		return;
	}
	c->st->isakmp++;
	c->st->by_exch[m->hdr.exchange]++;
	s = an_ike_sa(c, &m->hdr);

	/* RFC 2408 §2.4 / §3.1: the first message carries a zero R-cookie; its sender is
	 * the initiator (by IP: with NAT-T the ports move from 500 to 4500 in MM5) */
	if (an_ike_is_zero(m->hdr.rcookie, 8)) {
		if (!s->init_known) {
			s->init_known = 1;
			s->init_ip = fi->ip_src;
			s->init_port = fi->sport;
		}
	} else {
		memcpy(s->rcookie, m->hdr.rcookie, 8);
	}
	if (s->init_known)
		from_i = fi->ip_src == s->init_ip;

	/* identical bytes seen before: a retransmission keeps its first number */
	fp = an_ike_fnv(fi->l7, fi->l7_len);
	for (i = 0; i < s->nfp; i++)
		if (s->fp[i].hash == fp && s->fp[i].len == fi->l7_len) {
			retransmit = 1;
			msgno = s->fp[i].msgno;
			break;
		}
	if (!retransmit) {
		uint8_t x = m->hdr.exchange;

		if (m->hdr.msgid == 0 && (x == ISAKMP_EXCH_MAIN || x == ISAKMP_EXCH_AGGRESSIVE)) {
			/* RFC 2409 §5.4 (Main, 6 messages) / §5.5… Aggressive (3 messages) */
			s->p1_exch = x;
			if (from_i >= 0)
				msgno = an_ike_next(&s->p1_last, from_i, x == ISAKMP_EXCH_MAIN ? 6 : 3);
		} else if (x == ISAKMP_EXCH_QUICK) {
			struct an_qm *q = NULL;

			for (i = 0; i < s->nqm; i++)
				if (s->qm[i].msgid == m->hdr.msgid)
					q = &s->qm[i];
			if (!q) {
				if (s->nqm < AN_QM_MAX) {
					q = &s->qm[s->nqm++];
				} else {
					q = &s->qm[s->qm_next];
					s->qm_next = (s->qm_next + 1) % AN_QM_MAX;
				}
				q->msgid = m->hdr.msgid;
				q->init_ip = fi->ip_src;
				q->init_port = fi->sport;
				q->last = 0;
			}
			/* RFC 2409 §5.5: QM1 and QM3 from the Quick Mode's initiator, QM2 back */
			msgno = an_ike_next(&q->last, fi->ip_src == q->init_ip, 3);
		}
		if (s->nfp < AN_FP_RING) {
			i = s->nfp++;
		} else {
			i = s->fp_next;
			s->fp_next = (s->fp_next + 1) % AN_FP_RING;
		}
		s->fp[i].hash = fp;
		s->fp[i].len = (uint32_t)fi->l7_len;
		s->fp[i].msgno = msgno;
	} else {
		c->st->isakmp_retransmit++;
	}

	an_ev_init(c, &e, t_ns, EV_IKE, fi);
	e.exch = m->hdr.exchange;
	e.msgno = msgno;
	e.msgid = m->hdr.msgid;
	e.natt = (int8_t)fi->natt;
	memcpy(e.icookie, m->hdr.icookie, 8);
	memcpy(e.rcookie, m->hdr.rcookie, 8);

	if (!m->encrypted) {
		if (from_i >= 0)
			ikev1_dec_observe(&s->dec, m, from_i);
		an_ike_pl_list(m, pls, sizeof(pls));
		snprintf(detail, sizeof(detail), "%s", pls);
		show_pl = 1;
	} else if (!s->has_key) {
		c->st->isakmp_undecryptable++;
		snprintf(detail, sizeof(detail), "encrypted, no key");
	} else {
		int n = ikev1_dec_decrypt(&s->dec, m, c->pt, sizeof(c->pt));

		if (n < 0) {
			c->st->isakmp_undecryptable++;
			snprintf(detail, sizeof(detail), "encrypted, not decrypted: %s", s->dec.last_error);
		} else {
			c->st->isakmp_decrypted++;
			e.decrypted = 1;
			/* RFC 2409 App. B: zero padding may follow the last payload */
			if (isakmp_decode_payloads(m->hdr.next_payload, c->pt, (size_t)n, 1, m, &err)) {
				snprintf(detail, sizeof(detail), "encrypted, decrypted, payloads malformed: %s",
					 err.text);
			} else {
				an_ike_pl_list(m, pls, sizeof(pls));
				snprintf(detail, sizeof(detail), "encrypted, decrypted: %s", pls);
				show_pl = 1;
			}
		}
	}
	if (msgno)
		snprintf(e.text, sizeof(e.text), "%s message %d (%s)%s", isakmp_exch_name(e.exch), msgno,
			 detail, retransmit ? " (retransmit)" : "");
	else
		snprintf(e.text, sizeof(e.text), "%s (%s)%s", isakmp_exch_name(e.exch), detail,
			 retransmit ? " (retransmit)" : "");
	an_emit(c, &e);
	if (show_pl)
		an_ike_payload_events(c, &e, m, retransmit);
}
