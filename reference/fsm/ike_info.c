/* ike_info.c — received Informational exchanges (RFC 2409 §5.7: HDR*, HASH(1), N/D).
 *
 * After phase 1 an Informational is only believed when it is encrypted and
 * HASH(1) = prf(SKEYID_a, M-ID | N/D) verifies; its IV is hash(last phase-1 block | M-ID)
 * (App. B). Honoured: Delete of the ISAKMP SA (protocol 1, SPI = cookies) and of IPsec
 * SAs (protocol 3, the sender's inbound SPI = our outbound one), INITIAL-CONTACT, DPD
 * R-U-THERE (answered with R-U-THERE-ACK echoing the sequence, RFC 3706 §5.2–5.3) and
 * R-U-THERE-ACK (recorded for the DPD hook). Nothing else is answered: RFC 2409 §9 —
 * no Notify in reply to a Notify or Delete. Cleartext Informationals (a peer's
 * NO-PROPOSAL-CHOSEN before keys exist) are logged and counted, never acted on.
 */
#include <string.h>
#include <openssl/crypto.h>
#include "ike_int.h"

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
		ike_drop(e, IKE_DROP_STATE, "encrypted Informational from %s before phase 1 completed",
			 ike_ip(remote->addr));
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
