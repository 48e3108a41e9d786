/* ike.c — the IKEv1 engine's core: lifecycle, input dispatch by exchange and cookies,
 * counted and rate-limited drops, IOS-style logs, the ISAKMP and Quick Mode state
 * setters (each transition checked against a table and logged once), timers
 * (retransmission back-off RFC 2408 §5.1, lifetimes, phase-2 rekey), acquire with
 * multi-peer failover, clear/shutdown with Deletes (RFC 2408 §3.15), INITIAL-CONTACT
 * (RFC 2407 §4.6.3.3) and the introspection used by `show crypto isakmp sa`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ike_int.h"

static void ike_enter(struct ike *e);
static void ike_leave(struct ike *e);

/* --- names, logs, drops -------------------------------------------------------- */

static const char *const ike_state_names[IKE_STATE_MAX] = {
	[IKE_READY] = "IKE_READY", [IKE_I_MM1] = "IKE_I_MM1", [IKE_I_MM3] = "IKE_I_MM3",
	[IKE_I_MM5] = "IKE_I_MM5", [IKE_R_MM2] = "IKE_R_MM2", [IKE_R_MM4] = "IKE_R_MM4",
	[IKE_P1_COMPLETE] = "IKE_P1_COMPLETE", [IKE_DEST_SA] = "IKE_DEST_SA",
};

static const char *const ike_qm_state_names[IKE_QM_STATE_MAX] = {
	[IKE_QM_READY] = "IKE_QM_READY", [IKE_QM_I_QM1] = "IKE_QM_I_QM1",
	[IKE_QM_R_QM2] = "IKE_QM_R_QM2", [IKE_QM_PHASE2_COMPLETE] = "IKE_QM_PHASE2_COMPLETE",
};

/* Legal transitions (STYLE §4): allowed[old] is a bit set of new states. */
#define B(s) (1u << (s))
static const unsigned ike_state_allowed[IKE_STATE_MAX] = {
	[IKE_READY] = B(IKE_I_MM1) | B(IKE_R_MM2) | B(IKE_DEST_SA),
	[IKE_I_MM1] = B(IKE_I_MM3) | B(IKE_DEST_SA),
	[IKE_I_MM3] = B(IKE_I_MM5) | B(IKE_DEST_SA),
	[IKE_I_MM5] = B(IKE_P1_COMPLETE) | B(IKE_DEST_SA),
	[IKE_R_MM2] = B(IKE_R_MM4) | B(IKE_DEST_SA),
	[IKE_R_MM4] = B(IKE_P1_COMPLETE) | B(IKE_DEST_SA),
	[IKE_P1_COMPLETE] = B(IKE_DEST_SA),
	[IKE_DEST_SA] = 0,
};
static const unsigned ike_qm_state_allowed[IKE_QM_STATE_MAX] = {
	[IKE_QM_READY] = B(IKE_QM_I_QM1) | B(IKE_QM_R_QM2),
	[IKE_QM_I_QM1] = B(IKE_QM_PHASE2_COMPLETE),
	[IKE_QM_R_QM2] = B(IKE_QM_PHASE2_COMPLETE),
	[IKE_QM_PHASE2_COMPLETE] = 0,
};
#undef B

static const char *const ike_drop_names[IKE_DROP_MAX] = {
	[IKE_DROP_MALFORMED] = "malformed", [IKE_DROP_BAD_VERSION] = "bad version",
	[IKE_DROP_UNKNOWN_EXCHANGE] = "unknown exchange", [IKE_DROP_UNKNOWN_COOKIE] = "unknown cookie",
	[IKE_DROP_DECRYPT] = "decrypt failed", [IKE_DROP_HASH] = "hash failed",
	[IKE_DROP_DUPLICATE] = "duplicate", [IKE_DROP_NO_PROPOSAL] = "no proposal chosen",
	[IKE_DROP_NO_PSK] = "no psk", [IKE_DROP_STATE] = "state mismatch",
	[IKE_DROP_TOO_BIG] = "too big", [IKE_DROP_BAD_PAYLOAD] = "bad payload",
	[IKE_DROP_BAD_ID] = "bad id", [IKE_DROP_NO_RESOURCES] = "no resources",
	[IKE_DROP_UNPROTECTED] = "unprotected", [IKE_DROP_SHUTDOWN] = "shutdown",
};

const char *ike_drop_name(int reason)
{
	if (reason < 0 || reason >= IKE_DROP_MAX)
		return "unknown";
	return ike_drop_names[reason];
}

const char *ike_ip(uint32_t a)
{
	static _Thread_local char buf[8][16];
	static _Thread_local unsigned n;
	char *b = buf[n++ % 8];

	snprintf(b, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
	return b;
}

static void ike_vlog(struct ike *e, const char *prefix, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static void ike_vlog(struct ike *e, const char *prefix, const char *fmt, va_list ap)
{
	char line[512];
	int n = 0;

	if (!e->ops.log)
		return;
	if (e->cfg.hostname[0])
		n = snprintf(line, sizeof(line), "%s: ", e->cfg.hostname);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	if (prefix)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%s", prefix);
	if ((size_t)n < sizeof(line))
		vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	e->ops.log(e->ops.ctx, line);
}

void ike_log(struct ike *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ike_vlog(e, NULL, fmt, ap);
	va_end(ap);
}

void ike_log_sa(struct ike *e, const struct ike_sa *sa, const char *fmt, ...)
{
	char prefix[32];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "ISAKMP (0:%u): ", sa ? sa->conn_id : 0);
	va_start(ap, fmt);
	ike_vlog(e, prefix, fmt, ap);
	va_end(ap);
}

/* "received packet from …" is logged before the message is authenticated: anyone who
 * saw the cookies could otherwise grow the log without bound, so at most 20 such lines
 * per SA per second. */
void ike_log_rx(struct ike *e, struct ike_sa *sa, const struct ike_endpoint *local,
		const struct ike_endpoint *remote)
{
	if (e->now >= sa->rxlog_ms + 1000) {
		sa->rxlog_ms = e->now;
		sa->rxlog_n = 0;
	}
	if (sa->rxlog_n++ < 20)
		ike_log_sa(e, sa, "received packet from %s dport %u sport %u Global (%c) %s", ike_ip(remote->addr),
			   local->port, remote->port, sa->initiator ? 'I' : 'R', ike_show_state(sa->state));
}

void ike_drop(struct ike *e, enum ike_drop reason, const char *fmt, ...)
{
	char text[300];
	va_list ap;

	if ((unsigned)reason >= IKE_DROP_MAX)
		reason = IKE_DROP_MALFORMED;
	e->stats.dropped[reason]++;
	/* one line per reason per second; the count of the silent ones rides on the next */
	if (e->droplog[reason].logged && e->now < e->droplog[reason].last_ms + 1000) {
		e->droplog[reason].suppressed++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (e->droplog[reason].suppressed)
		ike_log(e, "ISAKMP: dropped (%s): %s (%u similar suppressed)", ike_drop_names[reason], text,
			e->droplog[reason].suppressed);
	else
		ike_log(e, "ISAKMP: dropped (%s): %s", ike_drop_names[reason], text);
	e->droplog[reason].logged = 1;
	e->droplog[reason].last_ms = e->now;
	e->droplog[reason].suppressed = 0;
}

const char *ike_show_state(enum ike_state st)
{
	switch (st) {
	case IKE_I_MM3: case IKE_R_MM2: return "MM_SA_SETUP";
	case IKE_I_MM5: case IKE_R_MM4: return "MM_KEY_EXCH";
	case IKE_P1_COMPLETE: return "QM_IDLE";
	default: return "MM_NO_STATE";
	}
}

void ike_sa_state(struct ike *e, struct ike_sa *sa, enum ike_state st)
{
	if ((unsigned)st >= IKE_STATE_MAX || !(ike_state_allowed[sa->state] & (1u << st))) {
		/* a broken local invariant, not peer input (STYLE §5) */
		fprintf(stderr, "ike: illegal transition %s -> %u\n", ike_state_names[sa->state], st);
		abort();
	}
	ike_log_sa(e, sa, "Old State = %s  New State = %s", ike_state_names[sa->state], ike_state_names[st]);
	sa->state = st;
}

void ike_qm_state(struct ike *e, struct ike_qm *qm, enum ike_qm_state st)
{
	if ((unsigned)st >= IKE_QM_STATE_MAX || !(ike_qm_state_allowed[qm->state] & (1u << st))) {
		fprintf(stderr, "ike: illegal QM transition %s -> %u\n", ike_qm_state_names[qm->state], st);
		abort();
	}
	ike_log_sa(e, qm->sa, "(M-ID %u) Old State = %s  New State = %s", qm->msgid,
		   ike_qm_state_names[qm->state], ike_qm_state_names[st]);
	qm->state = st;
}

/* --- configuration ------------------------------------------------------------ */

/* Structural limits: a cfg beyond them is refused as a whole. */
static int ike_cfg_ok(const struct ike_cfg *c)
{
	unsigned i;

	if (c->npolicies > 16 || c->npsks > 16 || c->nconns > 16)
		return 0;
	for (i = 0; i < c->nconns; i++)
		if (c->conns[i].npeers > 8 || c->conns[i].ntsets > 6 || c->conns[i].nsel > 16)
			return 0;
	return 1;
}

/* Entries the engine cannot use are kept (they never match) and named in the log. */
static void ike_cfg_warn(struct ike *e)
{
	const struct ike_cfg *c = &e->cfg;
	unsigned i, t;

	for (i = 0; i < c->npolicies; i++) {
		const struct ike_policy *p = &c->policies[i];

		if (!ikc_key_bytes(p->enc, p->key_bits) || !ikc_hash_len(p->hash) ||
		    !ikc_dh_group_bytes(p->group) || p->auth != IKE_AUTH_PSK)
			ike_log(e, "ISAKMP: crypto isakmp policy %u: enc %u/%u hash %u group %u auth %u not "
				"supported (expected des/3des/aes 128|192|256, md5/sha/sha256, group 1/2/5/14, "
				"pre-share): never matches", p->priority, p->enc, p->key_bits, p->hash, p->group,
				p->auth);
	}
	for (i = 0; i < c->nconns; i++) {
		const struct ike_conn *k = &c->conns[i];

		if (!k->npeers || !k->ntsets || !k->nsel)
			ike_log(e, "ISAKMP: crypto map %s %u: %s missing: the entry is incomplete", k->map, k->seq,
				!k->npeers ? "set peer" : !k->ntsets ? "set transform-set" : "match address");
		if (k->pfs_group && !ikc_dh_group_bytes(k->pfs_group))
			ike_log(e, "ISAKMP: crypto map %s %u: set pfs group%u not supported (expected group1, "
				"group2, group5 or group14)", k->map, k->seq, k->pfs_group);
		for (t = 0; t < k->ntsets; t++)
			if ((k->tsets[t].enc != ESP_ENC_NULL && !ikc_esp_enc_key_bytes(k->tsets[t].enc,
										   k->tsets[t].key_bits)) ||
			    (k->tsets[t].auth != ESP_AUTH_NONE && !ikc_esp_auth_key_bytes(k->tsets[t].auth)))
				ike_log(e, "ISAKMP: crypto map %s %u: transform-set %s not supported (expected "
					"esp-des/esp-3des/esp-aes [128|192|256] with esp-md5-hmac, esp-sha-hmac or "
					"esp-sha256-hmac)", k->map, k->seq, k->tsets[t].name);
	}
}

static void ike_cfg_defaults(struct ike_cfg *c)
{
	unsigned i;

	if (!c->retrans_base_ms)
		c->retrans_base_ms = 1000;
	if (!c->retrans_max)
		c->retrans_max = 5;
	if (c->retrans_max > 16)
		c->retrans_max = 16;
	for (i = 0; i < c->npolicies; i++) {
		if (!c->policies[i].lifetime_s)
			c->policies[i].lifetime_s = IKE_DEFAULT_P1_LIFE;
		if (c->policies[i].enc == IKE_ENC_AES_CBC && !c->policies[i].key_bits)
			c->policies[i].key_bits = 128;
		if (!c->policies[i].auth)
			c->policies[i].auth = IKE_AUTH_PSK;
	}
	for (i = 0; i < c->nconns; i++) {
		unsigned t;

		if (!c->conns[i].lifetime_s)
			c->conns[i].lifetime_s = IKE_DEFAULT_P2_LIFE;
		if (!c->conns[i].lifetime_kb)
			c->conns[i].lifetime_kb = IKE_DEFAULT_P2_KB;
		for (t = 0; t < c->conns[i].ntsets; t++)
			if (c->conns[i].tsets[t].enc == ESP_ENC_AES_CBC && !c->conns[i].tsets[t].key_bits)
				c->conns[i].tsets[t].key_bits = 128;
	}
}

struct ike *ike_new(const struct ike_cfg *cfg, const struct ike_ops *ops)
{
	struct ike *e;

	if (!cfg || !ike_cfg_ok(cfg)) {
		if (cfg && ops && ops->log)
			ops->log(ops->ctx, "ISAKMP: configuration refused: more than 16 policies, keys or "
				 "crypto map entries, or an entry with more than 8 peers, 6 transform sets "
				 "or 16 ACL lines");
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->cfg = *cfg;
	ike_cfg_defaults(&e->cfg);
	if (ops)
		e->ops = *ops;
	e->next_conn_id = 1;
	ike_cfg_warn(e);
	return e;
}

static void ike_sa_release(struct ike_sa *sa)
{
	ikc_dh_free(sa->dh);
	free(sa->sai_b);
	ike_xmit_free(&sa->x);
	memset(sa, 0, sizeof(*sa));
}

void ike_qm_free(struct ike *e, struct ike_qm *qm)
{
	(void)e;
	ikc_dh_free(qm->dh);
	ike_xmit_free(&qm->x);
	memset(qm, 0, sizeof(*qm));
}

void ike_free(struct ike *e)
{
	int i;

	if (!e)
		return;
	for (i = 0; i < IKE_MAX_SA; i++)
		if (e->sas[i].used)
			ike_sa_release(&e->sas[i]);
	for (i = 0; i < IKE_MAX_QM; i++)
		if (e->qms[i].used)
			ike_qm_free(e, &e->qms[i]);
	for (i = 0; i < (int)e->ndeferred; i++)
		free(e->deferred[i].buf);
	free(e);
}

int ike_reconfigure(struct ike *e, const struct ike_cfg *cfg)
{
	unsigned i;

	if (!e || !cfg)
		return -1;
	if (!ike_cfg_ok(cfg)) {
		ike_log(e, "ISAKMP: configuration refused (more than 16 policies, keys or crypto map "
			"entries, or an entry with more than 8 peers, 6 transform sets or 16 ACL lines): "
			"the old one stays");
		return -1;
	}
	/* a failover survives a reconfigure that leaves the entry's `set peer` list alone
	 * (no preemption); a changed list starts from its first peer */
	for (i = 0; i < 16; i++)
		if (i >= cfg->nconns || i >= e->cfg.nconns || strcmp(cfg->conns[i].map, e->cfg.conns[i].map) ||
		    cfg->conns[i].seq != e->cfg.conns[i].seq || cfg->conns[i].npeers != e->cfg.conns[i].npeers ||
		    memcmp(cfg->conns[i].peers, e->cfg.conns[i].peers, cfg->conns[i].npeers * sizeof(uint32_t)))
			e->peer_cursor[i] = 0;
	/* children, QMs and pending acquires hold their own copy of their crypto map entry */
	e->cfg = *cfg;
	ike_cfg_defaults(&e->cfg);
	ike_cfg_warn(e);
	ike_log(e, "ISAKMP: configuration changed: %u polic%s, %u key%s, %u crypto map entr%s; "
		"existing SAs kept", e->cfg.npolicies, e->cfg.npolicies == 1 ? "y" : "ies", e->cfg.npsks,
		e->cfg.npsks == 1 ? "" : "s", e->cfg.nconns, e->cfg.nconns == 1 ? "y" : "ies");
	return 0;
}

const struct ike_stats *ike_get_stats(const struct ike *e)
{
	return &e->stats;
}

uint64_t ike_retrans_delay(const struct ike *e, unsigned count)
{
	/* RFC 2408 §5.1: not a fixed timer — exponential back-off from the base */
	return (uint64_t)e->cfg.retrans_base_ms << (count < 20 ? count : 20);
}

const struct ike_psk *ike_psk_for(const struct ike *e, uint32_t peer)
{
	const struct ike_psk *best = NULL;
	unsigned i;

	/* crypto isakmp key … address A [M]: the longest matching mask wins */
	for (i = 0; i < e->cfg.npsks; i++) {
		const struct ike_psk *k = &e->cfg.psks[i];
		uint32_t m = k->mask ? k->mask : (k->addr ? 0xffffffffu : 0);

		if ((peer & m) != (k->addr & m))
			continue;
		if (!best || m > (best->mask ? best->mask : (best->addr ? 0xffffffffu : 0)))
			best = k;
	}
	return best;
}

/* --- ISAKMP SAs --------------------------------------------------------------- */

struct ike_sa *ike_sa_new(struct ike *e, int initiator)
{
	struct ike_sa *sa = NULL, *oldest_dead = NULL;
	int i, half = 0;

	for (i = 0; i < IKE_MAX_SA; i++) {
		struct ike_sa *s = &e->sas[i];

		if (!s->used) {
			if (!sa)
				sa = s;
			continue;
		}
		if (s->state == IKE_DEST_SA && (!oldest_dead || s->linger_until < oldest_dead->linger_until))
			oldest_dead = s;
		if (!s->initiator && s->state != IKE_P1_COMPLETE && s->state != IKE_DEST_SA)
			half++;
	}
	/* a flood of MM1s must not take every slot: cap the responder's half-open SAs */
	if (!initiator && half >= IKE_MAX_HALF_OPEN)
		return NULL;
	if (!sa && oldest_dead) {
		ike_sa_release(oldest_dead);
		sa = oldest_dead;
	}
	if (!sa)
		return NULL;
	memset(sa, 0, sizeof(*sa));
	sa->used = 1;
	sa->initiator = initiator;
	sa->state = IKE_READY;
	sa->conn_id = e->next_conn_id++;
	if (e->next_conn_id == 0)
		e->next_conn_id = 1;
	sa->created_ms = e->now;
	sa->last_inbound_ms = e->now;
	/* RFC 2408 §2.5.3: cookies unique and unpredictable; never all zero */
	do {
		if (ikc_random(initiator ? sa->icookie : sa->rcookie, 8))
			return NULL;
	} while (!memcmp(initiator ? sa->icookie : sa->rcookie, "\0\0\0\0\0\0\0\0", 8));
	return sa;
}

struct ike_sa *ike_sa_established_with(struct ike *e, uint32_t peer)
{
	struct ike_sa *best = NULL;
	int i;

	for (i = 0; i < IKE_MAX_SA; i++) {
		struct ike_sa *s = &e->sas[i];

		if (s->used && s->state == IKE_P1_COMPLETE && s->remote.addr == peer &&
		    (!best || s->established_ms > best->established_ms))
			best = s;
	}
	return best;
}

static void ike_pending_failover(struct ike *e, struct ike_sa *sa);
static void ike_pending_run(struct ike *e, struct ike_sa *sa);

void ike_sa_delete(struct ike *e, struct ike_sa *sa, const char *reason, int send_delete)
{
	int i;

	if (!sa->used || sa->state == IKE_DEST_SA)
		return;
	if (send_delete && sa->state == IKE_P1_COMPLETE) {
		uint8_t spi[16];

		/* RFC 2408 §3.15: ISAKMP SA: protocol 1, SPI = CKY-I | CKY-R */
		memcpy(spi, sa->icookie, 8);
		memcpy(spi + 8, sa->rcookie, 8);
		ike_send_info_delete(e, sa, ISAKMP_PROTO_ISAKMP, 16, spi, 1);
	}
	ike_log_sa(e, sa, "deleting SA reason \"%s\" state (%c) %s (peer %s)", reason,
		   sa->initiator ? 'I' : 'R', ike_show_state(sa->state), ike_ip(sa->remote.addr));
	ike_sa_state(e, sa, IKE_DEST_SA);
	sa->x.armed = 0;
	sa->linger_until = e->now + IKE_LINGER_MS;
	ikc_dh_free(sa->dh);
	sa->dh = NULL;
	/* Quick Modes on it die with it (their keys come from this SA) */
	for (i = 0; i < IKE_MAX_QM; i++)
		if (e->qms[i].used && e->qms[i].sa == sa)
			ike_qm_free(e, &e->qms[i]);
	ike_info_isn_forget(e, sa);
	ike_pending_failover(e, sa);
}

void ike_sa_established(struct ike *e, struct ike_sa *sa)
{
	sa->established_ms = e->now;
	sa->last_inbound_ms = e->now;
	sa->expires_ms = e->now + (uint64_t)sa->lifetime_s * 1000;
	sa->x.armed = 0;
	ikc_dh_free(sa->dh);        /* g^xy is folded into SKEYID_*; the private value goes */
	sa->dh = NULL;
	ike_sa_state(e, sa, IKE_P1_COMPLETE);
	ike_log_sa(e, sa, "SA has been authenticated with %s", ike_ip(sa->remote.addr));
	if (sa->natt)
		ike_log_sa(e, sa, "NAT-T: peer %s behind NAT%s, using port 4500", ike_ip(sa->remote.addr),
			   sa->nat_local ? " (and we are)" : "");
	ike_info_isn_established(e, sa);     /* an invalid-spi-recovery's notify goes first */
	ike_pending_run(e, sa);
}

void ike_child_remove(struct ike *e, struct ike_child_rec *cr, const char *reason)
{
	struct ike_child c = cr->c;

	ike_log(e, "IPSEC(delete_sa): deleting SA, (sa) sa_dest= %s, sa_prot= 50, sa_spi= 0x%08X(%u), "
		"reason \"%s\"", ike_ip(c.local.addr), c.spi_in, c.spi_in, reason);
	cr->used = 0;
	if (e->ops.child_down)
		e->ops.child_down(e->ops.ctx, &c, reason);
	memset(cr, 0, sizeof(*cr));
}

void ike_initial_contact(struct ike *e, struct ike_sa *keep)
{
	int i;

	/* RFC 2407 §4.6.3.3: the sender has no other SA with us — ours are stale */
	ike_log_sa(e, keep, "received INITIAL-CONTACT from %s: deleting older SAs with it",
		   ike_ip(keep->remote.addr));
	for (i = 0; i < IKE_MAX_CHILD; i++) {
		struct ike_child_rec *cr = &e->children[i];

		/* not the ones this very SA negotiated (INITIAL-CONTACT in a late Informational) */
		if (cr->used && cr->c.remote.addr == keep->remote.addr && cr->sa_conn_id != keep->conn_id)
			ike_child_remove(e, cr, "initial contact");
	}
	for (i = 0; i < IKE_MAX_SA; i++) {
		struct ike_sa *s = &e->sas[i];

		if (s->used && s != keep && s->remote.addr == keep->remote.addr &&
		    s->state == IKE_P1_COMPLETE)
			ike_sa_delete(e, s, "Receive initial contact", 0);
	}
}

/* --- acquire, pending flows, failover ------------------------------------------ */

static int ike_flow_busy(const struct ike *e, unsigned conn_index, unsigned sel_index)
{
	int i;

	for (i = 0; i < IKE_MAX_PENDING; i++)
		if (e->pend[i].used && e->pend[i].conn_index == conn_index && e->pend[i].sel_index == sel_index)
			return 1;
	for (i = 0; i < IKE_MAX_QM; i++) {
		const struct ike_qm *q = &e->qms[i];

		if (q->used && q->initiator && q->state == IKE_QM_I_QM1 && q->conn_index == conn_index &&
		    q->sel_index == sel_index)
			return 1;
	}
	return 0;
}

/* Start (or queue) the negotiation of one flow with the conn's current peer:
 * an established ISAKMP SA with any of the conn's peers is used as it is (the first
 * from the cursor on: after a failover new flows stay with the peer that works). */
static int ike_negotiate(struct ike *e, const struct ike_conn *conn, unsigned conn_index,
			 unsigned sel_index, unsigned tries, int rekey)
{
	unsigned cur = conn_index < 16 ? e->peer_cursor[conn_index] % conn->npeers : 0, k;
	struct ike_sa *sa = NULL;
	struct ike_pending *p = NULL;
	uint32_t local = conn->local_addr;
	int i;

	for (k = 0; k < conn->npeers && !sa; k++)
		sa = ike_sa_established_with(e, conn->peers[(cur + k) % conn->npeers]);
	if (sa) {
		if (local && sa->local.addr != local)
			sa = NULL;
	}
	if (sa)
		return ike_qm_start(e, sa, conn, conn_index, sel_index, rekey) ? 0 : -1;
	for (i = 0; i < IKE_MAX_PENDING && !p; i++)
		if (!e->pend[i].used)
			p = &e->pend[i];
	if (!p) {
		ike_log(e, "ISAKMP: too many flows waiting for phase 1: acquire dropped");
		return -1;
	}
	/* a Main Mode already under way with that peer carries this flow too */
	for (i = 0; i < IKE_MAX_SA && !sa; i++) {
		struct ike_sa *s = &e->sas[i];

		if (s->used && s->initiator && s->remote.addr == conn->peers[cur] &&
		    (s->state == IKE_I_MM1 || s->state == IKE_I_MM3 || s->state == IKE_I_MM5))
			sa = s;
	}
	/* the flow waits before Main Mode starts: with a daemon that delivers synchronously
	 * the whole exchange may complete inside ike_mm_start() */
	memset(p, 0, sizeof(*p));
	p->used = 1;
	p->conn = *conn;
	p->conn_index = conn_index;
	p->sel_index = sel_index;
	p->sa = sa;
	p->sa_conn_id = sa ? sa->conn_id : 0;
	p->tries = tries;
	p->rekey = rekey;
	if (sa)
		return 0;
	sa = ike_mm_start(e, local, conn->peers[cur]);
	if (!sa) {
		p->used = 0;
		return -1;
	}
	p->sa = sa;
	p->sa_conn_id = sa->conn_id;
	if (sa->state == IKE_P1_COMPLETE)
		ike_pending_run(e, sa);
	else if (sa->state == IKE_DEST_SA)
		ike_pending_failover(e, sa);
	return 0;
}

static int ike_acquire_body(struct ike *e, uint64_t now_ms, unsigned conn_index, unsigned sel_index)
{
	const struct ike_conn *c;
	int i;

	if (!e || e->quiet)
		return -1;
	e->now = now_ms;
	if (conn_index >= e->cfg.nconns)
		return -1;
	c = &e->cfg.conns[conn_index];
	if (sel_index >= c->nsel || c->npeers == 0 || c->ntsets == 0)
		return -1;
	if (ike_flow_busy(e, conn_index, sel_index))
		return 1;
	for (i = 0; i < IKE_MAX_CHILD; i++) {
		const struct ike_child_rec *cr = &e->children[i];

		if (cr->used && cr->c.conn_index == conn_index && cr->c.sel_index == sel_index &&
		    !strcmp(cr->conn.map, c->map) && cr->conn.seq == c->seq)
			return 1;
	}
	return ike_negotiate(e, c, conn_index, sel_index, 0, 0);
}

/* Take one flow waiting for `sa` off the list (0 if none). One at a time: what runs
 * next may add flows, allocate SAs (even reuse the slot of a deleted `sa`, hence the
 * conn-id check) or re-enter the engine. */
static int ike_pending_take(struct ike *e, unsigned sa_conn_id, const struct ike_sa *sa,
			    struct ike_pending *out)
{
	int i;

	for (i = 0; i < IKE_MAX_PENDING; i++)
		if (e->pend[i].used && e->pend[i].sa == sa && e->pend[i].sa_conn_id == sa_conn_id) {
			*out = e->pend[i];
			e->pend[i].used = 0;
			return 1;
		}
	return 0;
}

static void ike_pending_run(struct ike *e, struct ike_sa *sa)
{
	unsigned cid = sa->conn_id, k;
	struct ike_pending p;

	while (ike_pending_take(e, cid, sa, &p)) {
		/* the peer that answered is the conn's peer from now on */
		for (k = 0; k < p.conn.npeers && p.conn_index < 16; k++)
			if (p.conn.peers[k] == sa->remote.addr)
				e->peer_cursor[p.conn_index] = k;
		if (sa->state == IKE_P1_COMPLETE && sa->conn_id == cid)
			ike_qm_start(e, sa, &p.conn, p.conn_index, p.sel_index, p.rekey);
	}
}

static void ike_pending_failover(struct ike *e, struct ike_sa *sa)
{
	unsigned cid = sa->conn_id;
	uint32_t dead = sa->remote.addr;
	struct ike_pending p;

	while (ike_pending_take(e, cid, sa, &p)) {
		unsigned *cur = p.conn_index < 16 ? &e->peer_cursor[p.conn_index] : NULL;

		if (p.tries + 1 >= p.conn.npeers) {
			ike_log(e, "ISAKMP: no peer of crypto map %s %u answered: flow %u dropped", p.conn.map,
				p.conn.seq, p.sel_index);
			continue;
		}
		/* multiple `set peer`: go on with the next one and stay there */
		if (cur)
			*cur = (*cur + 1) % p.conn.npeers;
		ike_log(e, "ISAKMP: peer %s not reachable, trying %s", ike_ip(dead),
			ike_ip(p.conn.peers[cur ? *cur : 0]));
		ike_negotiate(e, &p.conn, p.conn_index, p.sel_index, p.tries + 1, p.rekey);
	}
}

/* --- input -------------------------------------------------------------------- */

static struct ike_sa *ike_sa_by_cookies(struct ike *e, const uint8_t *ic, const uint8_t *rc)
{
	int i;

	for (i = 0; i < IKE_MAX_SA; i++) {
		struct ike_sa *s = &e->sas[i];

		if (s->used && !memcmp(s->icookie, ic, 8) && !memcmp(s->rcookie, rc, 8))
			return s;
	}
	return NULL;
}

static void ike_input_one(struct ike *e, uint64_t now_ms, const struct ike_endpoint *local,
	       const struct ike_endpoint *remote, const uint8_t *msg, size_t len)
{
	static const uint8_t zero[8];
	struct isakmp_msg *m;
	struct codec_err err;
	struct ike_sa *sa;

	e->now = now_ms;
	e->stats.rx++;
	if (e->quiet) {
		ike_drop(e, IKE_DROP_SHUTDOWN, "packet from %s after shutdown", ike_ip(remote->addr));
		return;
	}
	if (len > IKE_MSG_MAX) {
		ike_drop(e, IKE_DROP_TOO_BIG, "%zu-byte message from %s", len, ike_ip(remote->addr));
		return;
	}
	m = &e->msg;
	if (isakmp_decode(msg, len, m, &err)) {
		ike_drop(e, err.reason == CODEC_BAD_VERSION ? IKE_DROP_BAD_VERSION : IKE_DROP_MALFORMED,
			 "from %s port %u: %s", ike_ip(remote->addr), remote->port, err.text);
		goto out;
	}
	if (m->hdr.exchange != ISAKMP_EXCH_MAIN && m->hdr.exchange != ISAKMP_EXCH_QUICK &&
	    m->hdr.exchange != ISAKMP_EXCH_INFO) {
		/* Aggressive Mode, Base, New Group …: not offered, not accepted */
		ike_drop(e, IKE_DROP_UNKNOWN_EXCHANGE, "%s from %s", isakmp_exch_name(m->hdr.exchange),
			 ike_ip(remote->addr));
		goto out;
	}
	if (!memcmp(m->hdr.icookie, zero, 8)) {
		/* RFC 2408 §2.5.3: the initiator cookie is never zero */
		ike_drop(e, IKE_DROP_MALFORMED, "zero initiator cookie from %s", ike_ip(remote->addr));
		goto out;
	}
	if (m->hdr.exchange == ISAKMP_EXCH_MAIN) {
		ike_mm_input(e, local, remote, msg, len, m);
		goto out;
	}
	sa = ike_sa_by_cookies(e, m->hdr.icookie, m->hdr.rcookie);
	if (!sa && m->hdr.exchange == ISAKMP_EXCH_INFO && !m->encrypted) {
		/* an unprotected Notify about our MM1 may carry a zero or fresh R-cookie */
		int i;

		for (i = 0; i < IKE_MAX_SA && !sa; i++)
			if (e->sas[i].used && e->sas[i].initiator && !memcmp(e->sas[i].icookie, m->hdr.icookie, 8))
				sa = &e->sas[i];
	}
	if (!sa || sa->remote.addr != remote->addr) {
		/* seed 003 (Comware): "Received informational exchange packet, but IKE SA is
		 * inexistent or incomplete." — e.g. a peer's DPD or Delete after we lost state;
		 * one line per second (ike_drop), every one counted */
		ike_drop(e, IKE_DROP_UNKNOWN_COOKIE, "Received %s exchange packet from %s dport %u sport %u, "
			 IKE_NO_SA_TEXT " (cookies %02x%02x%02x%02x…/%02x%02x%02x%02x…)",
			 m->hdr.exchange == ISAKMP_EXCH_INFO ? "informational" : isakmp_exch_name(m->hdr.exchange),
			 ike_ip(remote->addr), local->port, remote->port,
			 m->hdr.icookie[0], m->hdr.icookie[1], m->hdr.icookie[2], m->hdr.icookie[3],
			 m->hdr.rcookie[0], m->hdr.rcookie[1], m->hdr.rcookie[2], m->hdr.rcookie[3]);
		goto out;
	}
	if (sa->state == IKE_DEST_SA) {
		ike_drop(e, IKE_DROP_STATE, "Received %s exchange packet from %s for deleted SA (0:%u), "
			 IKE_NO_SA_TEXT, m->hdr.exchange == ISAKMP_EXCH_INFO ? "informational" :
			 isakmp_exch_name(m->hdr.exchange), ike_ip(remote->addr), sa->conn_id);
		goto out;
	}
	ike_log_rx(e, sa, local, remote);
	if (m->hdr.exchange == ISAKMP_EXCH_QUICK)
		ike_qm_input(e, sa, local, remote, msg, len, m);
	else
		ike_info_input(e, sa, local, remote, msg, len, m);
out:
	return;
}

/* Every public entry point runs between ike_enter() and ike_leave(). A message that
 * arrives meanwhile — a daemon whose callback feeds the engine synchronously, e.g. a
 * loopback, while the engine's buffers (the decoded message, the plaintext, the message
 * being built) are in use — waits and is processed when the outermost call leaves. */
static void ike_enter(struct ike *e)
{
	e->depth++;
}

static void ike_leave(struct ike *e)
{
	if (e->depth > 1) {
		e->depth--;
		return;
	}
	while (e->ndeferred) {
		struct ike_deferred d = e->deferred[0];
		unsigned i;

		for (i = 1; i < e->ndeferred; i++)
			e->deferred[i - 1] = e->deferred[i];
		e->ndeferred--;
		ike_input_one(e, d.now, &d.local, &d.remote, d.buf, d.len);
		free(d.buf);
	}
	e->depth = 0;
}

void ike_input(struct ike *e, uint64_t now_ms, const struct ike_endpoint *local,
	       const struct ike_endpoint *remote, const uint8_t *msg, size_t len)
{
	if (!e || !local || !remote || (!msg && len))
		return;
	if (e->depth) {
		uint8_t *copy = len <= IKE_MSG_MAX && e->ndeferred < 8 ? malloc(len ? len : 1) : NULL;

		if (!copy) {
			e->stats.rx++;
			ike_drop(e, IKE_DROP_NO_RESOURCES, "re-entered with more than 8 messages waiting");
			return;
		}
		memcpy(copy, msg, len);
		e->deferred[e->ndeferred].local = *local;
		e->deferred[e->ndeferred].remote = *remote;
		e->deferred[e->ndeferred].now = now_ms;
		e->deferred[e->ndeferred].len = len;
		e->deferred[e->ndeferred].buf = copy;
		e->ndeferred++;
		return;
	}
	ike_enter(e);
	ike_input_one(e, now_ms, local, remote, msg, len);
	ike_leave(e);
}

/* --- timers ------------------------------------------------------------------- */

static uint64_t ike_min(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

uint64_t ike_next_timeout(const struct ike *e)
{
	uint64_t t = UINT64_MAX;
	int i;

	if (!e || e->quiet)
		return UINT64_MAX;
	for (i = 0; i < IKE_MAX_SA; i++) {
		const struct ike_sa *s = &e->sas[i];

		if (!s->used)
			continue;
		if (s->x.armed)
			t = ike_min(t, s->x.next_ms);
		if (s->state == IKE_P1_COMPLETE)
			t = ike_min(t, s->expires_ms);
		if (s->state == IKE_DEST_SA)
			t = ike_min(t, s->linger_until);
	}
	for (i = 0; i < IKE_MAX_QM; i++) {
		const struct ike_qm *q = &e->qms[i];

		if (!q->used)
			continue;
		if (q->x.armed)
			t = ike_min(t, q->x.next_ms);
		if (q->state == IKE_QM_PHASE2_COMPLETE)
			t = ike_min(t, q->done_until);
	}
	for (i = 0; i < IKE_MAX_CHILD; i++) {
		const struct ike_child_rec *cr = &e->children[i];

		if (!cr->used)
			continue;
		if (cr->c.initiator && !cr->rekeyed)
			t = ike_min(t, cr->soft_ms);
		t = ike_min(t, cr->hard_ms);
	}
	return t;
}

static void ike_child_rekey(struct ike *e, struct ike_child_rec *cr)
{
	struct ike_conn conn = cr->conn;

	cr->rekeyed = 1;
	ike_log(e, "IPSEC(sa_expiry): SA 0x%08X to %s soft lifetime reached: rekeying", cr->c.spi_in,
		ike_ip(cr->c.remote.addr));
	/* rekey with the peer this SA runs with, first */
	if (conn.npeers && cr->c.conn_index < 16) {
		unsigned k;

		for (k = 0; k < conn.npeers; k++)
			if (conn.peers[k] == cr->c.remote.addr)
				e->peer_cursor[cr->c.conn_index] = k;
	}
	if (!ike_flow_busy(e, cr->c.conn_index, cr->c.sel_index))
		ike_negotiate(e, &conn, cr->c.conn_index, cr->c.sel_index, 0, 1);
}

static void ike_child_expire(struct ike *e, struct ike_child_rec *cr, const char *why)
{
	struct ike_sa *sa = ike_sa_established_with(e, cr->c.remote.addr);
	uint8_t spi[4];

	if (sa) {
		/* RFC 2408 §3.15: ESP, SPI size 4, the sender's (our inbound) SPI */
		ike_wr32(spi, cr->c.spi_in);
		ike_send_info_delete(e, sa, ISAKMP_PROTO_ESP, 4, spi, 1);
	}
	ike_child_remove(e, cr, why);
}

static void ike_xmit_tick(struct ike *e, struct ike_sa *sa, struct ike_xmit *x, const char *what,
			  int *gave_up)
{
	*gave_up = 0;
	if (!x->armed || e->now < x->next_ms)
		return;
	if (x->count >= e->cfg.retrans_max) {
		x->armed = 0;
		*gave_up = 1;
		return;
	}
	x->count++;
	e->stats.retransmits++;
	ike_log_sa(e, sa, "retransmitting %s (%u of %u)...", what, x->count, e->cfg.retrans_max);
	x->next_ms = e->now + ike_retrans_delay(e, x->count);
	ike_log_sa(e, sa, "sending packet to %s my_port %u peer_port %u (%c) %s", ike_ip(sa->remote.addr),
		   sa->local.port, sa->remote.port, sa->initiator ? 'I' : 'R', ike_show_state(sa->state));
	if (e->ops.send)
		e->ops.send(e->ops.ctx, &sa->local, &sa->remote, x->buf, x->len);
	e->stats.tx++;
}

static void ike_tick_body(struct ike *e, uint64_t now_ms)
{
	int i, gave_up;

	if (!e || e->quiet)
		return;
	e->now = now_ms;
	for (i = 0; i < IKE_MAX_SA; i++) {
		struct ike_sa *s = &e->sas[i];

		if (!s->used)
			continue;
		if (s->state == IKE_DEST_SA) {
			if (now_ms >= s->linger_until)
				ike_sa_release(s);
			continue;
		}
		ike_xmit_tick(e, s, &s->x, "phase 1 packet", &gave_up);
		if (gave_up) {
			ike_sa_delete(e, s, "death by retransmission P1", 0);
			continue;
		}
		if (s->state == IKE_P1_COMPLETE && now_ms >= s->expires_ms)
			/* phase-1 hard expiry: the ISAKMP SA goes, its children stay */
			ike_sa_delete(e, s, "lifetime expired", 1);
	}
	for (i = 0; i < IKE_MAX_QM; i++) {
		struct ike_qm *q = &e->qms[i];

		if (!q->used)
			continue;
		if (q->state == IKE_QM_PHASE2_COMPLETE) {
			if (now_ms >= q->done_until)
				ike_qm_free(e, q);
			continue;
		}
		ike_xmit_tick(e, q->sa, &q->x, "phase 2 packet", &gave_up);
		if (gave_up) {
			ike_log_sa(e, q->sa, "deleting node %u error TRUE reason \"death by retransmission P2\"",
				   q->msgid);
			ike_qm_free(e, q);
		}
	}
	for (i = 0; i < IKE_MAX_CHILD; i++) {
		struct ike_child_rec *cr = &e->children[i];

		if (!cr->used)
			continue;
		if (now_ms >= cr->hard_ms) {
			ike_child_expire(e, cr, "lifetime");
			continue;
		}
		if (cr->c.initiator && !cr->rekeyed && now_ms >= cr->soft_ms)
			ike_child_rekey(e, cr);
	}
}

static void ike_child_inbound_body(struct ike *e, uint64_t now_ms, uint32_t spi_in, size_t bytes)
{
	int i, j;

	if (!e)
		return;
	e->now = now_ms;
	for (i = 0; i < IKE_MAX_CHILD; i++) {
		struct ike_child_rec *cr = &e->children[i];

		if (!cr->used || cr->c.spi_in != spi_in)
			continue;
		cr->c.bytes_in += bytes;
		/* DPD hook: inbound traffic is proof of life (RFC 3706 §5.4) */
		for (j = 0; j < IKE_MAX_SA; j++)
			if (e->sas[j].used && e->sas[j].state == IKE_P1_COMPLETE &&
			    e->sas[j].remote.addr == cr->c.remote.addr)
				e->sas[j].last_inbound_ms = now_ms;
		break;
	}
	if (i == IKE_MAX_CHILD || e->quiet)
		return;
	{
		struct ike_child_rec *cr = &e->children[i];
		uint64_t kb = (cr->c.bytes_in + cr->c.bytes_out) / 1024;

		if (cr->c.lifetime_kb && kb >= cr->c.lifetime_kb)
			ike_child_expire(e, cr, "lifetime");
		else if (cr->c.lifetime_kb && cr->c.initiator && !cr->rekeyed &&
			 kb >= cr->c.lifetime_kb / 100 * IKE_SOFT_PERCENT)
			ike_child_rekey(e, cr);
	}
}

static void ike_child_outbound_body(struct ike *e, uint64_t now_ms, uint32_t spi_in, size_t bytes)
{
	int i;

	if (!e)
		return;
	e->now = now_ms;
	for (i = 0; i < IKE_MAX_CHILD; i++) {
		struct ike_child_rec *cr = &e->children[i];
		uint64_t kb;

		if (!cr->used || cr->c.spi_in != spi_in)
			continue;
		cr->c.bytes_out += bytes;
		if (e->quiet)
			return;
		kb = (cr->c.bytes_in + cr->c.bytes_out) / 1024;
		if (cr->c.lifetime_kb && kb >= cr->c.lifetime_kb)
			ike_child_expire(e, cr, "lifetime");
		else if (cr->c.lifetime_kb && cr->c.initiator && !cr->rekeyed &&
			 kb >= cr->c.lifetime_kb / 100 * IKE_SOFT_PERCENT)
			ike_child_rekey(e, cr);
		return;
	}
}

/* --- clear / shutdown --------------------------------------------------------- */

static void ike_clear_children(struct ike *e, const char *reason)
{
	int i;

	for (i = 0; i < IKE_MAX_CHILD; i++)
		if (e->children[i].used)
			ike_child_expire(e, &e->children[i], reason);
}

static void ike_clear_isakmp_body(struct ike *e, uint64_t now_ms)
{
	int i;

	if (!e || e->quiet)
		return;
	e->now = now_ms;
	for (i = 0; i < IKE_MAX_PENDING; i++)
		e->pend[i].used = 0;
	for (i = 0; i < IKE_MAX_SA; i++)
		if (e->sas[i].used && e->sas[i].state != IKE_DEST_SA)
			ike_sa_delete(e, &e->sas[i], "clear crypto isakmp", 1);
}

static void ike_clear_all_body(struct ike *e, uint64_t now_ms)
{
	if (!e || e->quiet)
		return;
	e->now = now_ms;
	ike_clear_children(e, "clear crypto sa");
	ike_clear_isakmp_body(e, now_ms);
}

/* Stateless failover (crypto map … redundancy): the local address moved to another
 * router. Everything negotiated from or to it goes without a packet sent — no Delete,
 * no retransmission, no DPD (the peer learns by its own DPD or traffic) — and waiting
 * acquires for it are dropped. */
static void ike_clear_local_body(struct ike *e, uint64_t now_ms, uint32_t local, const char *reason)
{
	int i;

	if (!e || e->quiet)
		return;
	e->now = now_ms;
	for (i = 0; i < IKE_MAX_PENDING; i++)
		if (e->pend[i].used && (e->pend[i].conn.local_addr == local ||
					(e->pend[i].sa && e->pend[i].sa->local.addr == local)))
			e->pend[i].used = 0;
	for (i = 0; i < IKE_MAX_CHILD; i++)
		if (e->children[i].used && e->children[i].c.local.addr == local)
			ike_child_remove(e, &e->children[i], reason);
	for (i = 0; i < IKE_MAX_SA; i++)
		if (e->sas[i].used && e->sas[i].state != IKE_DEST_SA && e->sas[i].local.addr == local)
			ike_sa_delete(e, &e->sas[i], reason, 0);
}

static void ike_shutdown_body(struct ike *e, uint64_t now_ms)
{
	int i;

	if (!e || e->quiet)
		return;
	ike_clear_all_body(e, now_ms);
	for (i = 0; i < IKE_MAX_QM; i++)
		if (e->qms[i].used)
			ike_qm_free(e, &e->qms[i]);
	ike_log(e, "ISAKMP: shutting down, all SAs deleted");
	e->quiet = 1;
}

static void ike_peer_dead_body(struct ike *e, uint64_t now_ms, uint32_t peer, const char *reason)
{
	uint8_t spis[IKE_MAX_CHILD * 4];
	const char *why = reason ? reason : "peer dead";
	struct ike_sa *sa;
	uint16_t n = 0;
	unsigned c;
	int i;

	if (!e || e->quiet)
		return;
	e->now = now_ms;
	/* IOS "Bring down phase 2's": the IPsec SAs first … */
	for (i = 0; i < IKE_MAX_CHILD; i++)
		if (e->children[i].used && e->children[i].c.remote.addr == peer) {
			ike_wr32(spis + 4u * n++, e->children[i].c.spi_in);
			ike_child_remove(e, &e->children[i], why);
		}
	/* … then one more packet (seed 001: "sending packet … MM_NO_STATE" after the SAs are
	 * gone): Deletes for them and for the ISAKMP SA, best effort — the peer is likely
	 * gone, but a capture shows the moment and a live peer cleans up (RFC 2408 §3.15:
	 * ESP SPI size 4, our inbound SPIs; ISAKMP SPI = the cookies) */
	sa = ike_sa_established_with(e, peer);
	for (i = 0; sa && i < n; i += 64)
		ike_send_info_delete(e, sa, ISAKMP_PROTO_ESP, 4, spis + 4 * i,
				     (uint16_t)(n - i < 64 ? n - i : 64));
	for (i = 0; i < IKE_MAX_SA; i++)
		if (e->sas[i].used && e->sas[i].remote.addr == peer && e->sas[i].state != IKE_DEST_SA)
			ike_sa_delete(e, &e->sas[i], why, 1);
	/* multiple `set peer`: an entry whose current peer died goes on with the next one
	 * now (seed 000: failover to HQ-2), and stays there — no preemption. A Main Mode
	 * that died above may have moved it on already (ike_pending_failover). */
	for (c = 0; c < e->cfg.nconns && c < 16; c++) {
		const struct ike_conn *k = &e->cfg.conns[c];
		unsigned cur;

		if (k->npeers < 2)
			continue;
		cur = e->peer_cursor[c] % k->npeers;
		if (k->peers[cur] != peer)
			continue;
		e->peer_cursor[c] = (cur + 1) % k->npeers;
		ike_log(e, "ISAKMP: crypto map %s %u: peer %s dead, next negotiation with peer %s", k->map, k->seq,
			ike_ip(peer), ike_ip(k->peers[e->peer_cursor[c]]));
	}
}

/* --- DPD hook ----------------------------------------------------------------- */

static uint32_t ike_dpd_probe_body(struct ike *e, uint64_t now_ms, unsigned conn_id)
{
	uint8_t spi[16], seq[4];
	struct ike_sa *sa = NULL;
	int i;

	if (!e || e->quiet)
		return 0;
	e->now = now_ms;
	for (i = 0; i < IKE_MAX_SA && !sa; i++)
		if (e->sas[i].used && e->sas[i].conn_id == conn_id && e->sas[i].state == IKE_P1_COMPLETE)
			sa = &e->sas[i];
	/* RFC 3706 §5.1: only to a peer that sent the DPD vendor ID */
	if (!sa || !sa->peer_dpd)
		return 0;
	if (!sa->dpd_started) {
		/* §6: the first sequence number is random, high bit 0 is a SHOULD */
		if (ikc_random(&sa->dpd_seq, 4))
			return 0;
		sa->dpd_seq &= 0x7fffffffu;
		if (!sa->dpd_seq)
			sa->dpd_seq = 1;
		sa->dpd_started = 1;
	} else {
		sa->dpd_seq++;
		if (!sa->dpd_seq)
			sa->dpd_seq = 1;
	}
	memcpy(spi, sa->icookie, 8);
	memcpy(spi + 8, sa->rcookie, 8);
	ike_wr32(seq, sa->dpd_seq);
	/* §5.3: DOI 1, protocol ISAKMP, SPI = CKY-I | CKY-R, data = sequence number */
	if (ike_send_info_notify(e, sa, ISAKMP_N_R_U_THERE, ISAKMP_PROTO_ISAKMP, spi, 16, seq, 4))
		return 0;
	return sa->dpd_seq;
}

/* --- introspection ------------------------------------------------------------ */

size_t ike_list_isakmp(const struct ike *e, uint64_t now_ms, struct ike_sa_info *out, size_t max)
{
	size_t n = 0;
	int i;

	if (!e)
		return 0;
	for (i = 0; i < IKE_MAX_SA && n < max; i++) {
		const struct ike_sa *s = &e->sas[i];
		struct ike_sa_info *o = &out[n];

		if (!s->used || s->state == IKE_READY)
			continue;
		memset(o, 0, sizeof(*o));
		o->dst = s->initiator ? s->remote.addr : s->local.addr;
		o->src = s->initiator ? s->local.addr : s->remote.addr;
		snprintf(o->state, sizeof(o->state), "%s", ike_show_state(s->state));
		o->conn_id = s->conn_id;
		o->initiator = s->initiator;
		memcpy(o->icookie, s->icookie, 8);
		memcpy(o->rcookie, s->rcookie, 8);
		o->enc = s->enc;
		o->key_bits = s->key_bits;
		o->hash = s->hash;
		o->group = s->group;
		o->auth = s->auth;
		o->lifetime_s = s->lifetime_s;
		if (s->state == IKE_P1_COMPLETE && s->expires_ms > now_ms)
			o->remaining_s = (uint32_t)((s->expires_ms - now_ms) / 1000);
		o->natt = s->natt;
		o->local_port = s->local.port;
		o->remote_port = s->remote.port;
		o->dpd_peer = s->peer_dpd;
		o->deleted = s->state == IKE_DEST_SA;
		o->last_inbound_ms = s->last_inbound_ms;
		o->dpd_seq_sent = s->dpd_seq;
		o->dpd_seq_acked = s->dpd_acked;
		n++;
	}
	return n;
}

size_t ike_list_children(const struct ike *e, struct ike_child *out, size_t max)
{
	size_t n = 0;
	int i;

	if (!e)
		return 0;
	for (i = 0; i < IKE_MAX_CHILD && n < max; i++)
		if (e->children[i].used)
			out[n++] = e->children[i].c;
	return n;
}

/* --- public entry points: one guard around each (see ike_enter) ------------- */

int ike_acquire(struct ike *e, uint64_t now_ms, unsigned conn_index, unsigned sel_index)
{
	int r;

	if (!e)
		return -1;
	ike_enter(e);
	r = ike_acquire_body(e, now_ms, conn_index, sel_index);
	ike_leave(e);
	return r;
}

void ike_tick(struct ike *e, uint64_t now_ms)
{
	if (!e)
		return;
	ike_enter(e);
	ike_tick_body(e, now_ms);
	ike_leave(e);
}

void ike_child_inbound(struct ike *e, uint64_t now_ms, uint32_t spi_in, size_t bytes)
{
	if (!e)
		return;
	ike_enter(e);
	ike_child_inbound_body(e, now_ms, spi_in, bytes);
	ike_leave(e);
}

void ike_child_outbound(struct ike *e, uint64_t now_ms, uint32_t spi_in, size_t bytes)
{
	if (!e)
		return;
	ike_enter(e);
	ike_child_outbound_body(e, now_ms, spi_in, bytes);
	ike_leave(e);
}

void ike_clear_isakmp(struct ike *e, uint64_t now_ms)
{
	if (!e)
		return;
	ike_enter(e);
	ike_clear_isakmp_body(e, now_ms);
	ike_leave(e);
}

void ike_clear_all(struct ike *e, uint64_t now_ms)
{
	if (!e)
		return;
	ike_enter(e);
	ike_clear_all_body(e, now_ms);
	ike_leave(e);
}

void ike_clear_local(struct ike *e, uint64_t now_ms, uint32_t local, const char *reason)
{
	if (!e)
		return;
	ike_enter(e);
	ike_clear_local_body(e, now_ms, local, reason ? reason : "local address gone");
	ike_leave(e);
}

void ike_shutdown(struct ike *e, uint64_t now_ms)
{
	if (!e)
		return;
	ike_enter(e);
	ike_shutdown_body(e, now_ms);
	ike_leave(e);
}

void ike_peer_dead(struct ike *e, uint64_t now_ms, uint32_t peer, const char *reason)
{
	if (!e)
		return;
	ike_enter(e);
	ike_peer_dead_body(e, now_ms, peer, reason);
	ike_leave(e);
}

enum ike_invalid_spi_result ike_invalid_spi(struct ike *e, uint64_t now_ms, uint32_t local,
					    uint32_t remote_addr, uint32_t spi)
{
	enum ike_invalid_spi_result r;

	if (!e || e->quiet)
		return IKE_INVALID_SPI_NO_IKE_SA;
	ike_enter(e);
	e->now = now_ms;
	r = ike_info_invalid_spi(e, local, remote_addr, spi);
	ike_leave(e);
	return r;
}

uint32_t ike_dpd_probe(struct ike *e, uint64_t now_ms, unsigned conn_id)
{
	uint32_t r;

	if (!e)
		return 0;
	ike_enter(e);
	r = ike_dpd_probe_body(e, now_ms, conn_id);
	ike_leave(e);
	return r;
}
