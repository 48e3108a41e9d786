/* gw_dpd.c — Dead Peer Detection (RFC 3706) for refgw: one fsm/dpd.h machine per
 * established ISAKMP SA, driven by one loop timer armed at the earliest deadline (no
 * polling quantum), and what the machines decide done through the IKE engine
 * (R-U-THERE, "peer not responding" → every SA with the peer deleted).
 *
 * Settings: IOS `crypto isakmp keepalive SECS [RETRY] [periodic|on-demand]` (5
 * retransmissions, "attempt N of 5") or Comware `ike dpd interval I [retry R]
 * {periodic|on-demand}` (2 retransmissions, seed 003); semantics and times in dpd.h and
 * windows.c:
 *
 *   periodic   probe when nothing came in from the peer for SECS
 *   on-demand  probe only when something was sent to the peer since the last thing that
 *              came in, and nothing came in for SECS
 *   then       an unanswered R-U-THERE is repeated every RETRY (N times); RETRY after the
 *              last one the peer is dead: every SA with it is deleted ("peer not
 *              responding", "Bring down phase 2's") and the next packet of a flow
 *              negotiates again (with the next `set peer`).
 *
 * Each ISAKMP SA keeps the settings in force when it was established (seed 000: "DPD 特性
 * 并不会影响已经建立的安全关联,只会在下一次 ISAKMP 协商之后才会生效"). SAs are found by a
 * scan of the engine's list; gw_dpd_sync() gives every SA established so far the current
 * settings, and `configure` calls it before changing them, so the snapshot is exact.
 *
 * When this file runs:
 *   - at each SA's deadline (probe due, retransmission, death): exact;
 *   - a scan for new SAs at most one INTERVAL of the current settings after the last
 *     one: an SA's first deadline is one interval after its last inbound packet, which
 *     is not before its establishment, so it is always found in time;
 *   - gw_dpd_kick(): the engine or the data plane saw traffic (call it where the engine
 *     timer is re-armed, gw_ike_schedule). It re-evaluates at once only while an SA is
 *     probing (an answer ends the round now, not at the next deadline) or an on-demand
 *     SA, quiet for its interval with nothing sent, waits for a packet to go out. Until
 *     the first kick arrives (hook not wired), a check every GW_DPD_OUTBOUND_POLL_MS
 *     stands in for the on-demand case, only while such an SA exists; answers are then
 *     taken into account at the next deadline, before anything is retransmitted.
 * Only peers that sent the DPD vendor ID are probed
 * (RFC 3706 §5.1; the engine refuses the others): a peer without DPD keeps its SAs, and
 * so does the side that does not run DPD (seed 000's asymmetry).
 */
#include "gw.h"

#include <string.h>

#define GW_DPD_OUTBOUND_POLL_MS 100   /* virtual ms; only without gw_dpd_kick() calls */

void gw_dpd_settings(const struct gw *g, struct dpd_cfg *out)
{
	dpd_cfg_from_ios(&g->cfg->keepalive, out);
}

const struct gw_dpd *gw_dpd_find(const struct gw *g, unsigned conn_id)
{
	unsigned i;

	for (i = 0; i < GW_MAX_DPD; i++)
		if (g->dpd[i].used && g->dpd[i].conn_id == conn_id)
			return &g->dpd[i];
	return NULL;
}

static int established(const struct ike_sa_info *sa)
{
	return !sa->deleted && !strcmp(sa->state, "QM_IDLE");
}

/* List the ISAKMP SAs; give new established ones the current settings; forget the
 * records of SAs that went away. idx[k] = position in sa[] of record k, or -1. */
static size_t dpd_scan(struct gw *g, struct ike_sa_info *sa, size_t max, int idx[GW_MAX_DPD])
{
	size_t n = ike_list_isakmp(g->ike, loop_now_ms(g->loop), sa, max), i;
	struct dpd_cfg now_cfg;
	unsigned k;

	gw_dpd_settings(g, &now_cfg);
	for (k = 0; k < GW_MAX_DPD; k++)
		idx[k] = -1;
	for (i = 0; i < n; i++) {
		int free_slot = -1, found = -1;

		if (!established(&sa[i]))
			continue;
		for (k = 0; k < GW_MAX_DPD && found < 0; k++) {
			if (g->dpd[k].used && g->dpd[k].conn_id == sa[i].conn_id)
				found = (int)k;
			else if (!g->dpd[k].used && free_slot < 0)
				free_slot = (int)k;
		}
		if (found < 0) {
			struct gw_dpd *d;

			if (free_slot < 0)
				continue;       /* cannot happen: as many slots as the engine has SAs */
			d = &g->dpd[free_slot];
			memset(d, 0, sizeof(*d));
			d->used = 1;
			d->conn_id = sa[i].conn_id;
			d->peer = gw_sa_peer(&sa[i]);
			dpd_init(&d->sm, &now_cfg);
			found = free_slot;
		}
		g->dpd[found].peer_dpd = sa[i].dpd_peer;
		idx[found] = (int)i;
	}
	for (k = 0; k < GW_MAX_DPD; k++)
		if (g->dpd[k].used && idx[k] < 0)
			g->dpd[k].used = 0;
	return n;
}

/* Last time anything was encrypted towards peer (on-demand needs "traffic went out"). */
static uint64_t last_out_to(const struct gw *g, uint32_t peer)
{
	uint64_t t = 0;
	unsigned i;

	for (i = 0; i < GW_MAX_CHILDREN; i++)
		if (g->children[i].used && g->children[i].c.remote.addr == peer && g->children[i].last_out_ms > t)
			t = g->children[i].last_out_ms;
	return t;
}

static const char *mode_name(const struct dpd_cfg *c)
{
	return c->mode == DPD_PERIODIC ? "periodic" : "on-demand";
}

/* Do what the machine says; returns 1 if the peer was declared dead. */
static int dpd_act(struct gw *g, struct gw_dpd *d, const struct ike_sa_info *sa, const struct dpd_result *r,
		   uint64_t now)
{
	switch (r->action) {
	case DPD_ACT_NONE:
		return 0;
	case DPD_ACT_PROBE:
		d->seq = ike_dpd_probe(g->ike, now, d->conn_id);
		gw_log(g, "ISAKMP (0:%u): DPD: nothing from %s for %.3f s, sending R-U-THERE (sequence 0x%08X, %s)",
		       d->conn_id, gw_ip(d->peer), (double)(now - sa->last_inbound_ms) / 1000.0, d->seq,
		       mode_name(&d->sm.cfg));
		return 0;
	case DPD_ACT_RETRANSMIT:
		d->seq = ike_dpd_probe(g->ike, now, d->conn_id);
		gw_log(g, "ISAKMP (0:%u): incrementing error counter on sa, attempt %u of %u: DPD retransmit to %s "
		       "(sequence 0x%08X)", d->conn_id, r->attempt, r->attempts, gw_ip(d->peer), d->seq);
		return 0;
	case DPD_ACT_ALIVE:
		gw_log(g, "ISAKMP (0:%u): DPD: peer %s answered (%s)", d->conn_id, gw_ip(d->peer),
		       sa->dpd_seq_acked == d->seq ? "R-U-THERE-ACK" : "authenticated traffic after the probe");
		return 0;
	case DPD_ACT_DEAD:
		gw_log(g, "ISAKMP (0:%u): peer %s not responding!", d->conn_id, gw_ip(d->peer));
		gw_log(g, "ISAKMP (0:%u): Bring down phase 2's with %s, delete the ISAKMP SA (DPD)", d->conn_id,
		       gw_ip(d->peer));
		d->used = 0;
		ike_peer_dead(g->ike, now, d->peer, "peer not responding (DPD)");
		gw_ike_schedule(g);
		return 1;
	}
	return 0;
}

static void dpd_run(struct gw *g)
{
	struct ike_sa_info sa[64];
	int idx[GW_MAX_DPD];
	uint32_t dead[GW_MAX_DPD];
	unsigned ndead = 0, k, j, waiting = 0, probing = 0;
	uint64_t now = loop_now_ms(g->loop), next = DPD_NEVER;
	struct dpd_cfg cur;

	dpd_scan(g, sa, 64, idx);
	for (k = 0; k < GW_MAX_DPD; k++) {
		struct gw_dpd *d = &g->dpd[k];
		const struct ike_sa_info *s;
		struct dpd_input in;
		struct dpd_result r;
		int skip = 0;

		if (!d->used || idx[k] < 0 || !d->peer_dpd)
			continue;
		for (j = 0; j < ndead; j++)
			skip |= dead[j] == d->peer;
		if (skip)
			continue;           /* its SAs went with the peer */
		s = &sa[idx[k]];
		in.now_ms = now;
		in.last_in_ms = s->last_inbound_ms;
		in.last_out_ms = last_out_to(g, d->peer);
		in.ack = d->seq && s->dpd_seq_acked == d->seq;
		r = dpd_step(&d->sm, &in);
		if (dpd_act(g, d, s, &r, now)) {
			dead[ndead++] = d->peer;
			continue;
		}
		if (r.wait_outbound)
			waiting++;
		if (d->sm.phase == DPD_PH_PROBING)
			probing++;
		if (r.next_ms < next)
			next = r.next_ms;
	}
	/* new SAs: found within one interval of their establishment (header comment) */
	gw_dpd_settings(g, &cur);
	if (dpd_active(&cur) && now + (uint64_t)(cur.interval_s * 1000.0) < next)
		next = now + (uint64_t)(cur.interval_s * 1000.0);
	g->dpd_wait_out = waiting > 0;
	g->dpd_probing = probing > 0;
	if (waiting && !g->dpd_kicked && now + GW_DPD_OUTBOUND_POLL_MS < next)
		next = now + GW_DPD_OUTBOUND_POLL_MS;
	if (next == DPD_NEVER)
		loop_timer_stop(g->loop, &g->dpd_timer);
	else
		loop_timer_at(g->loop, &g->dpd_timer, next);
}

static void dpd_timer_cb(void *arg)
{
	dpd_run(arg);
}

void gw_dpd_sync(struct gw *g)
{
	struct ike_sa_info sa[64];
	int idx[GW_MAX_DPD];

	if (g->ike)
		dpd_scan(g, sa, 64, idx);
}

void gw_dpd_reschedule(struct gw *g)
{
	if (g->ike && g->dpd_timer.cb)
		dpd_run(g);
}

void gw_dpd_kick(struct gw *g)
{
	g->dpd_kicked = 1;
	if ((g->dpd_wait_out || g->dpd_probing) && g->dpd_timer.cb) {
		uint64_t now = loop_now_ms(g->loop);

		if (!loop_timer_pending(&g->dpd_timer) || g->dpd_timer.deadline > now)
			loop_timer_at(g->loop, &g->dpd_timer, now);
	}
}

void gw_dpd_start(struct gw *g)
{
	struct dpd_cfg c;
	char b[64];

	gw_dpd_settings(g, &c);
	if (dpd_active(&c))
		gw_log(g, "ISAKMP: DPD: %s (%d retransmissions, dead %.0f s after an unanswered R-U-THERE), for "
		       "ISAKMP SAs established from now on", dpd_cfg_describe(&c, b, sizeof(b)),
		       dpd_retransmissions(&c), dpd_probe_to_dead_s(&c));
	loop_timer_init(&g->dpd_timer, dpd_timer_cb, g);
	dpd_run(g);
}
