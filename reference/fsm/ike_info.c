/* ike_info.c — Informational exchanges (RFC 2409 §5.7: HDR*, HASH(1), N/D): the ones
 * received, and the INVALID-SPI notifies the data plane asks for.
 *
 * After phase 1 an Informational is only believed when it is encrypted and
 * HASH(1) = prf(SKEYID_a, M-ID | N/D) verifies; its IV is hash(last phase-1 block | M-ID)
 * (App. B). Honoured: Delete of the ISAKMP SA (protocol 1, SPI = cookies) and of IPsec
 * SAs (protocol 3, the sender's inbound SPI = our outbound one), INITIAL-CONTACT, DPD
 * R-U-THERE (answered with R-U-THERE-ACK echoing the sequence, RFC 3706 §5.2–5.3),
 * R-U-THERE-ACK (recorded for the DPD hook) and INVALID-SPI (protocol 3, the SPI our
 * outbound SA uses: that pair is removed). Nothing else is answered: RFC 2409 §9 —
 * no Notify in reply to a Notify or Delete. Cleartext Informationals (a peer's
 * NO-PROPOSAL-CHOSEN before keys exist) are logged and counted, never acted on.
 *
 * Sending INVALID-SPI (RFC 2408 §5.5: "MAY be sent to the transmitting entity"; the
 * packet itself is dropped, RFC 4303 §3.4.2): only under an established ISAKMP SA,
 * at most one per peer per second. With `invalid-spi-recovery` and no ISAKMP SA, a
 * Main Mode to the sender is started (one per peer at a time) and the notify waits
 * for it (isn_wait).
 */
#include <string.h>
#include <openssl/crypto.h>
#include "ike_int.h"

/* N(INVALID-SPI) from an authenticated peer: it has no SA for the SPI we send with.
 * RFC 2408 §3.14: Protocol-ID ESP, the SPI in the SPI field (size 4); a 4-octet SPI in
 * the data with SPI size 0 is read the same way. */
static void ike_info_invalid_spi_rx(struct ike *e, struct ike_sa *sa, const struct isakmp_notify_pl *n)
{
	struct ike_child_rec *hit = NULL;
	uint32_t spi;
	int i;

	e->stats.invalid_spi_received++;
	if (n->proto == ISAKMP_PROTO_ESP && n->spi_size == 4)
		spi = ike_rd32(n->spi);
	else if (n->proto == ISAKMP_PROTO_ESP && n->spi_size == 0 && n->data_len == 4)
		spi = ike_rd32(n->data);
	else {
		e->stats.invalid_spi_unmatched++;
		ike_log_sa(e, sa, "processing NOTIFY INVALID_SPI protocol %u spi_size %u from %s: not an ESP "
			   "SPI, ignored", n->proto, n->spi_size, ike_ip(sa->remote.addr));
		return;
	}
	for (i = 0; i < IKE_MAX_CHILD && !hit; i++)
		if (e->children[i].used && e->children[i].c.remote.addr == sa->remote.addr &&
		    e->children[i].c.spi_out == spi)
			hit = &e->children[i];
	if (!hit) {
		e->stats.invalid_spi_unmatched++;
		ike_log_sa(e, sa, "processing NOTIFY INVALID_SPI protocol 3 spi 0x%08X(%u) from %s: no IPsec SA "
			   "of ours uses it, ignored", spi, spi, ike_ip(sa->remote.addr));
		return;
	}
	ike_log_sa(e, sa, "processing NOTIFY INVALID_SPI protocol 3 spi 0x%08X(%u) from %s: the peer has no "
		   "such SA, deleting the pair (inbound 0x%08X)", spi, spi, ike_ip(sa->remote.addr),
		   hit->c.spi_in);
	ike_child_remove(e, hit, "peer reported invalid SPI");
}

static void ike_info_notify(struct ike *e, struct ike_sa *sa, const struct isakmp_notify_pl *n)
{
	uint8_t cookies[16];
	int ours;

	memcpy(cookies, sa->icookie, 8);
	memcpy(cookies + 8, sa->rcookie, 8);
	ours = n->spi_size == 16 && !memcmp(n->spi, cookies, 16);
	switch (n->type) {
	case ISAKMP_N_R_U_THERE:
		/* RFC 3706 §5.3: protocol ISAKMP, SPI = CKY-I | CKY-R, 4-octet sequence */
		if (!ours || n->data_len != 4) {
			ike_drop(e, IKE_DROP_BAD_PAYLOAD, "R-U-THERE from %s with wrong cookies or data",
				 ike_ip(sa->remote.addr));
			return;
		}
		ike_log_sa(e, sa, "received DPD/R-U-THERE from peer %s, sequence 0x%08X", ike_ip(sa->remote.addr),
			   ike_rd32(n->data));
		ike_send_info_notify(e, sa, ISAKMP_N_R_U_THERE_ACK, ISAKMP_PROTO_ISAKMP, cookies, 16, n->data, 4);
		return;
	case ISAKMP_N_R_U_THERE_ACK:
		if (!ours || n->data_len != 4) {
			ike_drop(e, IKE_DROP_BAD_PAYLOAD, "R-U-THERE-ACK from %s with wrong cookies or data",
				 ike_ip(sa->remote.addr));
			return;
		}
		/* §6: an ACK with a sequence we did not send is no proof of life */
		if (!sa->dpd_started || ike_rd32(n->data) != sa->dpd_seq) {
			ike_log_sa(e, sa, "DPD/R-U-THERE-ACK from %s with unexpected sequence 0x%08X, ignored",
				   ike_ip(sa->remote.addr), ike_rd32(n->data));
			return;
		}
		sa->dpd_acked = sa->dpd_seq;
		ike_log_sa(e, sa, "received DPD/R-U-THERE-ACK from peer %s, sequence 0x%08X",
			   ike_ip(sa->remote.addr), sa->dpd_seq);
		return;
	case ISAKMP_N_INITIAL_CONTACT:
		ike_initial_contact(e, sa);
		return;
	case ISAKMP_N_INVALID_SPI:
		ike_info_invalid_spi_rx(e, sa, n);
		return;
	default:
		ike_log_sa(e, sa, "processing NOTIFY %s protocol %u spi_size %u from %s (no action)",
			   isakmp_notify_name(n->type), n->proto, n->spi_size, ike_ip(sa->remote.addr));
	}
}

static void ike_info_delete(struct ike *e, struct ike_sa *sa, const struct isakmp_delete_pl *d)
{
	uint16_t k;
	int i;

	if (d->proto == ISAKMP_PROTO_ISAKMP && d->spi_size == 16) {
		/* RFC 2408 §3.15: ISAKMP SA identified by CKY-I | CKY-R */
		for (k = 0; k < d->nspis; k++) {
			const uint8_t *c = d->spis + 16u * k;

			for (i = 0; i < IKE_MAX_SA; i++) {
				struct ike_sa *s = &e->sas[i];

				if (s->used && s->state != IKE_DEST_SA && s->remote.addr == sa->remote.addr &&
				    !memcmp(s->icookie, c, 8) && !memcmp(s->rcookie, c + 8, 8)) {
					ike_log_sa(e, s, "received DELETE for ISAKMP SA from %s",
						   ike_ip(sa->remote.addr));
					ike_sa_delete(e, s, "peer delete", 0);
				}
			}
		}
		return;
	}
	if (d->proto == ISAKMP_PROTO_ESP && d->spi_size == 4) {
		/* the sender's SPI, i.e. its inbound = our outbound; the other one if a peer
		 * names ours (seen in the field) */
		for (k = 0; k < d->nspis; k++) {
			uint32_t spi = ike_rd32(d->spis + 4u * k);
			struct ike_child_rec *hit = NULL;

			for (i = 0; i < IKE_MAX_CHILD && !hit; i++)
				if (e->children[i].used && e->children[i].c.remote.addr == sa->remote.addr &&
				    e->children[i].c.spi_out == spi)
					hit = &e->children[i];
			for (i = 0; i < IKE_MAX_CHILD && !hit; i++)
				if (e->children[i].used && e->children[i].c.remote.addr == sa->remote.addr &&
				    e->children[i].c.spi_in == spi)
					hit = &e->children[i];
			if (!hit) {
				ike_log_sa(e, sa, "received DELETE for unknown IPsec SA 0x%08X from %s", spi,
					   ike_ip(sa->remote.addr));
				continue;
			}
			ike_log_sa(e, sa, "received DELETE for IPsec SA 0x%08X from %s", spi, ike_ip(sa->remote.addr));
			ike_child_remove(e, hit, "peer delete");
		}
		return;
	}
	ike_log_sa(e, sa, "DELETE protocol %u spi_size %u from %s ignored", d->proto, d->spi_size,
		   ike_ip(sa->remote.addr));
}

void ike_info_input(struct ike *e, struct ike_sa *sa, const struct ike_endpoint *local,
		    const struct ike_endpoint *remote, const uint8_t *raw, size_t len, struct isakmp_msg *m)
{
	uint8_t iv[IKC_MAX_BLOCK], want[IKC_MAX_PRF], mid[4];
	struct ikc_iov v[2];
	size_t start, end;
	int i;

	(void)local;
	(void)raw;
	(void)len;
	if (!m->encrypted) {
		const struct isakmp_payload *n = isakmp_find(m, ISAKMP_PL_N);

		/* RFC 2408 §5.15 / RFC 3706 §5.2: unprotected Deletes and DPD are refused; a
		 * cleartext notify is only information */
		ike_drop(e, IKE_DROP_UNPROTECTED, "unprotected Informational from %s (%s%s) ignored",
			 ike_ip(remote->addr), n ? "NOTIFY " : "no notify",
			 n ? isakmp_notify_name(n->u.n.type) : "");
		return;
	}
	if (sa->state != IKE_P1_COMPLETE) {
		/* seed 003 (Comware): "Received informational exchange packet, but IKE SA is
		 * inexistent or incomplete." */
		ike_drop(e, IKE_DROP_STATE, "Received informational exchange packet from %s, " IKE_NO_SA_TEXT
			 " (0:%u %s)", ike_ip(remote->addr), sa->conn_id, ike_show_state(sa->state));
		return;
	}
	/* RFC 2409 §5.7: an Informational has its own M-ID, never the one of a Quick Mode
	 * (whose HASH(1) would otherwise verify here too), and is not repeated */
	if (m->hdr.msgid == 0) {
		ike_drop(e, IKE_DROP_MALFORMED, "Informational from %s with M-ID 0", ike_ip(remote->addr));
		return;
	}
	for (i = 0; i < IKE_MAX_QM; i++)
		if (e->qms[i].used && e->qms[i].sa == sa && e->qms[i].msgid == m->hdr.msgid) {
			ike_drop(e, IKE_DROP_STATE, "Informational from %s with the M-ID of Quick Mode %u",
				 ike_ip(remote->addr), m->hdr.msgid);
			return;
		}
	if (ike_mid_seen(sa, m->hdr.msgid)) {
		ike_drop(e, IKE_DROP_DUPLICATE, "Informational M-ID %u from %s seen before", m->hdr.msgid,
			 ike_ip(remote->addr));
		return;
	}
	if (ikc_p2_iv(sa->hash, sa->p1_last, sa->block, m->hdr.msgid, iv) || ike_open(e, sa, m, iv))
		return;
	/* RFC 2409 §5.7: HASH(1) first, over M-ID | the N/D payloads */
	if (m->pl[0].type != ISAKMP_PL_HASH || m->pl[0].body_len != sa->hlen) {
		ike_drop(e, IKE_DROP_BAD_PAYLOAD, "Informational from %s without HASH(1) first",
			 ike_ip(remote->addr));
		return;
	}
	start = m->pl[0].offset + m->pl[0].length;
	end = ike_chain_end(m);
	ike_wr32(mid, m->hdr.msgid);
	v[0] = (struct ikc_iov){ mid, 4 };
	v[1] = (struct ikc_iov){ e->scratch + start, end - start };
	if (ikc_prf(sa->hash, sa->skeyid_a, sa->hlen, v, 2, want) ||
	    CRYPTO_memcmp(want, m->pl[0].body, sa->hlen)) {
		ike_drop(e, IKE_DROP_HASH, "Informational HASH(1) from %s (M-ID %u) does not verify",
			 ike_ip(remote->addr), m->hdr.msgid);
		return;
	}
	sa->last_inbound_ms = e->now;
	ike_mid_remember(sa, m->hdr.msgid);
	for (i = 1; i < (int)m->npayloads; i++) {
		if (m->pl[i].type == ISAKMP_PL_N)
			ike_info_notify(e, sa, &m->pl[i].u.n);
		else if (m->pl[i].type == ISAKMP_PL_D)
			ike_info_delete(e, sa, &m->pl[i].u.d);
	}
}

/* --- INVALID-SPI for the data plane (RFC 2408 §3.14, §5.5; RFC 2409 §5.7) ---- */

const char *ike_invalid_spi_name(enum ike_invalid_spi_result r)
{
	switch (r) {
	case IKE_INVALID_SPI_NOTIFIED: return "notified";
	case IKE_INVALID_SPI_RATE_LIMITED: return "rate-limited";
	case IKE_INVALID_SPI_NEGOTIATING: return "negotiating";
	case IKE_INVALID_SPI_NO_IKE_SA: return "no IKE SA";
	}
	return "unknown";
}

/* At most one INVALID-SPI per peer per second: 1 = may send now (the peer's slot is
 * taken), 0 = suppressed. With IKE_ISN_PEERS peers told within the last second the
 * table is full and everything else waits: a flood of forged ESP from many sources
 * cannot make us send more than that many notifies per second. */
static int ike_isn_rate_ok(struct ike *e, uint32_t peer)
{
	int i, slot = -1;

	for (i = 0; i < IKE_ISN_PEERS; i++) {
		if (e->isn_rate[i].used && e->isn_rate[i].peer == peer) {
			if (e->now < e->isn_rate[i].last_ms + IKE_ISN_GAP_MS)
				return 0;
			e->isn_rate[i].last_ms = e->now;
			return 1;
		}
		if (slot < 0 && (!e->isn_rate[i].used || e->now >= e->isn_rate[i].last_ms + IKE_ISN_GAP_MS))
			slot = i;
	}
	if (slot < 0)
		return 0;
	e->isn_rate[slot].used = 1;
	e->isn_rate[slot].peer = peer;
	e->isn_rate[slot].last_ms = e->now;
	return 1;
}

/* HDR*, HASH(1), N(INVALID-SPI): DOI 1, Protocol-ID ESP, SPI size 4, SPI = the unknown
 * one (RFC 2408 §3.14), under the ISAKMP SA (RFC 2409 §5.7). */
static int ike_isn_send(struct ike *e, struct ike_sa *sa, uint32_t spi)
{
	uint8_t b[4];

	ike_wr32(b, spi);
	if (ike_send_info_notify(e, sa, ISAKMP_N_INVALID_SPI, ISAKMP_PROTO_ESP, b, 4, NULL, 0))
		return -1;
	e->stats.invalid_spi_sent++;
	return 0;
}

/* The established ISAKMP SA to tell `peer`, the newest one from `local` first. */
static struct ike_sa *ike_isn_sa(struct ike *e, uint32_t local, uint32_t peer)
{
	struct ike_sa *best = NULL;
	int i;

	for (i = 0; i < IKE_MAX_SA; i++) {
		struct ike_sa *s = &e->sas[i];

		if (!s->used || s->state != IKE_P1_COMPLETE || s->remote.addr != peer)
			continue;
		if (!best || ((s->local.addr == local) > (best->local.addr == local)) ||
		    ((s->local.addr == local) == (best->local.addr == local) && s->established_ms > best->established_ms))
			best = s;
	}
	return best;
}

static void ike_isn_wait_add(struct ike_isn_wait *w, uint32_t spi)
{
	unsigned k;

	for (k = 0; k < w->nspis; k++)
		if (w->spis[k] == spi)
			return;
	if (w->nspis < IKE_ISN_SPIS)
		w->spis[w->nspis++] = spi;
}

enum ike_invalid_spi_result ike_info_invalid_spi(struct ike *e, uint32_t local, uint32_t peer, uint32_t spi)
{
	struct ike_isn_wait *w = NULL;
	struct ike_sa *sa = ike_isn_sa(e, local, peer);
	int i;

	if (sa) {
		if (!ike_isn_rate_ok(e, peer)) {
			e->stats.invalid_spi_suppressed++;
			return IKE_INVALID_SPI_RATE_LIMITED;
		}
		ike_log_sa(e, sa, "IPsec packet from %s has invalid spi 0x%08X(%u): telling the peer",
			   ike_ip(peer), spi, spi);
		if (ike_isn_send(e, sa, spi))
			return IKE_INVALID_SPI_NO_IKE_SA;      /* could not build: nothing went out */
		return IKE_INVALID_SPI_NOTIFIED;
	}
	/* a recovery for this peer under way: the SPI joins it */
	for (i = 0; i < IKE_ISN_WAIT; i++)
		if (e->isn_wait[i].used && e->isn_wait[i].peer == peer) {
			ike_isn_wait_add(&e->isn_wait[i], spi);
			return IKE_INVALID_SPI_NEGOTIATING;
		}
	if (!e->cfg.invalid_spi_recovery) {
		e->stats.invalid_spi_no_sa++;
		return IKE_INVALID_SPI_NO_IKE_SA;
	}
	for (i = 0; i < IKE_ISN_WAIT && !w; i++)
		if (!e->isn_wait[i].used)
			w = &e->isn_wait[i];
	if (!w) {
		e->stats.invalid_spi_no_sa++;
		ike_log(e, "ISAKMP: invalid SPI 0x%08X from %s: %d recoveries under way already, none started",
			spi, ike_ip(peer), IKE_ISN_WAIT);
		return IKE_INVALID_SPI_NO_IKE_SA;
	}
	/* a Main Mode with the peer already under way (ours or the peer's) carries it */
	for (i = 0; i < IKE_MAX_SA && !sa; i++) {
		struct ike_sa *s = &e->sas[i];

		if (s->used && s->remote.addr == peer && s->state != IKE_READY && s->state != IKE_DEST_SA &&
		    s->state != IKE_P1_COMPLETE)
			sa = s;
	}
	memset(w, 0, sizeof(*w));
	w->used = 1;
	w->peer = peer;
	w->spis[w->nspis++] = spi;
	if (sa) {
		w->sa = sa;
		w->sa_conn_id = sa->conn_id;
		ike_log_sa(e, sa, "invalid SPI 0x%08X from %s: the INVALID_SPI notify waits for this Main Mode",
			   spi, ike_ip(peer));
		return IKE_INVALID_SPI_NEGOTIATING;
	}
	/* crypto isakmp invalid-spi-recovery: an ISAKMP SA only to tell the peer; it will
	 * carry INITIAL-CONTACT when we hold nothing with the peer (RFC 2407 §4.6.3.3) */
	ike_log(e, "ISAKMP: invalid SPI 0x%08X from %s and no IKE SA: invalid-spi-recovery, beginning Main "
		"Mode to tell it", spi, ike_ip(peer));
	/* registered before the start: with synchronous delivery Main Mode may complete
	 * (or die) inside ike_mm_start() */
	sa = ike_mm_start(e, local, peer);
	if (!sa) {
		memset(w, 0, sizeof(*w));
		e->stats.invalid_spi_no_sa++;
		return IKE_INVALID_SPI_NO_IKE_SA;
	}
	e->stats.invalid_spi_recoveries++;
	if (w->used && !w->sa) {
		w->sa = sa;
		w->sa_conn_id = sa->conn_id;
		if (sa->state == IKE_P1_COMPLETE)
			ike_info_isn_established(e, sa);
		else if (sa->state == IKE_DEST_SA)
			ike_info_isn_forget(e, sa);
	}
	return IKE_INVALID_SPI_NEGOTIATING;
}

void ike_info_isn_established(struct ike *e, struct ike_sa *sa)
{
	int i;

	for (i = 0; i < IKE_ISN_WAIT; i++) {
		struct ike_isn_wait w = e->isn_wait[i];
		unsigned k;

		if (!w.used || w.sa != sa || w.sa_conn_id != sa->conn_id)
			continue;
		memset(&e->isn_wait[i], 0, sizeof(e->isn_wait[i]));
		for (k = 0; k < w.nspis && sa->state == IKE_P1_COMPLETE; k++) {
			ike_log_sa(e, sa, "IKE SA with %s up: sending the INVALID_SPI notify for 0x%08X(%u)",
				   ike_ip(sa->remote.addr), w.spis[k], w.spis[k]);
			ike_isn_rate_ok(e, sa->remote.addr);     /* counts as this second's notify */
			ike_isn_send(e, sa, w.spis[k]);
		}
	}
}

void ike_info_isn_forget(struct ike *e, const struct ike_sa *sa)
{
	int i;

	for (i = 0; i < IKE_ISN_WAIT; i++)
		if (e->isn_wait[i].used && e->isn_wait[i].sa == sa && e->isn_wait[i].sa_conn_id == sa->conn_id) {
			ike_log_sa(e, sa, "Main Mode with %s failed: INVALID_SPI notify for 0x%08X not sent",
				   ike_ip(sa->remote.addr), e->isn_wait[i].spis[0]);
			memset(&e->isn_wait[i], 0, sizeof(e->isn_wait[i]));
		}
}
