/* gw_dpd.c — Dead Peer Detection with IOS `crypto isakmp keepalive SECS [RETRY]
 * [periodic|on-demand]` semantics (RFC 3706; the timings of reference/fsm/windows.c):
 *
 *   periodic   probe when nothing came in from the peer for SECS
 *   on-demand  probe only when something was sent to the peer since the last thing that
 *              came in, and nothing came in for SECS
 *   then       an unanswered R-U-THERE is repeated every RETRY (5 times, as IOS's "attempt
 *              N of 5"); after the fifth the peer is dead: every SA with it is deleted
 *              ("peer not responding", "Bring down phase 2's") and the next packet of a flow
 *              negotiates again (with the next `set peer`).
 *
 * Only peers that sent the DPD vendor ID are probed (the engine refuses the others). The
 * engine sends the R-U-THERE and records ACKs and inbound traffic (last_inbound_ms); this
 * file decides when, on one timer.
 */
#include "gw.h"

#include <string.h>

#define GW_DPD_TICK_MS 100       /* virtual ms between checks */

static struct gw_dpd *dpd_find(struct gw *g, unsigned conn_id, int create)
{
	struct gw_dpd *free_slot = NULL;
	unsigned i;

	for (i = 0; i < GW_MAX_DPD; i++) {
		if (g->dpd[i].used && g->dpd[i].conn_id == conn_id)
			return &g->dpd[i];
		if (!g->dpd[i].used && !free_slot)
			free_slot = &g->dpd[i];
	}
	if (!create || !free_slot)
		return NULL;
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->used = 1;
	free_slot->conn_id = conn_id;
	return free_slot;
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

static void dpd_check(struct gw *g, const struct ike_sa_info *sa, uint64_t now)
{
	const struct ios_keepalive *ka = &g->cfg->keepalive;
	uint32_t peer = gw_sa_peer(sa);
	uint64_t interval = (uint64_t)ka->interval * 1000, retry = (uint64_t)(ka->retry ? ka->retry : 2) * 1000;
	struct gw_dpd *d = dpd_find(g, sa->conn_id, 1);

	if (!d)
		return;
	if (d->probing) {
		/* RFC 3706 §6: an ACK with our sequence number (or any authenticated message from
		 * the peer after the probe) is proof of liveness */
		if (sa->dpd_seq_acked == d->seq || sa->last_inbound_ms > d->probe_ms) {
			gw_log(g, "ISAKMP (0:%u): DPD: peer %s answered (R-U-THERE-ACK, sequence 0x%08X)", sa->conn_id,
			       gw_ip(peer), d->seq);
			d->probing = 0;
			return;
		}
		if (now < d->next_ms)
			return;
		if (d->attempt >= GW_DPD_RETRANSMITS) {
			gw_log(g, "ISAKMP (0:%u): peer %s not responding!", sa->conn_id, gw_ip(peer));
			gw_log(g, "ISAKMP (0:%u): Bring down phase 2's with %s, delete the ISAKMP SA (DPD)", sa->conn_id,
			       gw_ip(peer));
			d->used = 0;
			ike_peer_dead(g->ike, now, peer, "peer not responding (DPD)");
			gw_ike_schedule(g);
			return;
		}
		d->attempt++;
		gw_log(g, "ISAKMP (0:%u): incrementing error counter on sa, attempt %u of %u: DPD retransmit to %s",
		       sa->conn_id, d->attempt, GW_DPD_RETRANSMITS, gw_ip(peer));
		d->seq = ike_dpd_probe(g->ike, now, sa->conn_id);
		d->next_ms = now + retry;
		return;
	}
	if (now < sa->last_inbound_ms + interval)
		return;
	if (ka->mode == IOS_DPD_ON_DEMAND && last_out_to(g, peer) <= sa->last_inbound_ms)
		return;                 /* on-demand: nothing sent, nothing to worry about */
	d->seq = ike_dpd_probe(g->ike, now, sa->conn_id);
	if (!d->seq)
		return;
	d->probing = 1;
	d->attempt = 0;
	d->probe_ms = now;
	d->next_ms = now + retry;
	gw_log(g, "ISAKMP (0:%u): DPD: nothing from %s for %u s, sending R-U-THERE (sequence 0x%08X, %s)",
	       sa->conn_id, gw_ip(peer), (unsigned)((now - sa->last_inbound_ms) / 1000), d->seq,
	       ka->mode == IOS_DPD_PERIODIC ? "periodic" : "on-demand");
}

static void dpd_tick(void *arg)
{
	struct gw *g = arg;
	struct ike_sa_info sa[64];
	uint64_t now = loop_now_ms(g->loop);
	size_t n = ike_list_isakmp(g->ike, now, sa, 64), i;
	unsigned k;

	for (k = 0; k < GW_MAX_DPD; k++)
		g->dpd[k].seen = 0;
	for (i = 0; i < n; i++) {
		struct gw_dpd *d;

		if (sa[i].deleted || strcmp(sa[i].state, "QM_IDLE") || !sa[i].dpd_peer)
			continue;
		dpd_check(g, &sa[i], now);
		d = dpd_find(g, sa[i].conn_id, 0);
		if (d)
			d->seen = 1;
	}
	for (k = 0; k < GW_MAX_DPD; k++)          /* SAs that went away */
		if (g->dpd[k].used && !g->dpd[k].seen)
			g->dpd[k].used = 0;
	loop_timer_in(g->loop, &g->dpd_timer, GW_DPD_TICK_MS);
}

void gw_dpd_start(struct gw *g)
{
	const struct ios_keepalive *ka = &g->cfg->keepalive;

	if (!ka->enabled)
		return;
	gw_log(g, "ISAKMP: DPD: crypto isakmp keepalive %u %u %s", ka->interval, ka->retry ? ka->retry : 2,
	       ka->mode == IOS_DPD_PERIODIC ? "periodic" : "on-demand");
	loop_timer_init(&g->dpd_timer, dpd_tick, g);
	loop_timer_in(g->loop, &g->dpd_timer, GW_DPD_TICK_MS);
}
