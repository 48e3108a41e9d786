/* gw_redund.c — IPsec coupled to HSRP/VRRP: `crypto map M redundancy NAME` (stateless
 * IPsec failover, seed 001).
 *
 * Owns, per crypto map entry (ike_cfg.conns[i]): which FHRP group it is coupled to (the
 * group called NAME on the map's interface, gw_fhrp_find) and whether that group is
 * Active/Master now. gw_apply.c gives a coupled entry the group's virtual address as its
 * local address (IKE and ESP use it as address and identity); here:
 *   - only the Active/Master negotiates for a coupled entry: gw_redund_allowed() gates
 *     acquires (gw_dp.c), gw_redund_local_allowed() gates IKE and ESP received for the
 *     virtual address (gw_io.c, gw_dp.c) — dropped and counted (GW_DROP_NOT_ACTIVE);
 *   - leaving Active clears the entry's ISAKMP and IPsec SAs locally, no Delete sent: the
 *     virtual address has moved on, the peer finds out by DPD or by its own traffic
 *     (seed 001: "%CRYPTO-5-SESSION_STATUS: Crypto tunnel is DOWN. Peer A:500 Id: A"
 *     right after "Redundancy "VPNHA" state Active -> Init"), and removes the entry's
 *     RRI routes;
 *   - entering Active arms the entry: nothing is negotiated until traffic or a peer
 *     arrives, but the RRI routes that need no SA are installed (gw_rri.c, seed 001:
 *     "VPN Route Added" right after "state Standby -> Active").
 * An entry is coupled when its interface's `redundancy NAME` names a configured group;
 * until that group runs and becomes Active (gw_fhrp_start comes after the flows are
 * built) the entry is not allowed. A NAME no group carries couples nothing (gw_apply.c
 * logs it; the interface address is used).
 */
#include "gw.h"

#include <stdlib.h>
#include <string.h>

#define REDUND_CONNS 16         /* = ike_cfg.conns[] */

struct gw_redund {
	unsigned nconns;
	int fhrp[REDUND_CONNS];         /* cfg->fhrp index, -1 = not coupled */
	bool active[REDUND_CONNS];      /* last state of the group (true when not coupled) */
	bool routes[REDUND_CONNS];      /* its SA-less RRI routes are installed */
	unsigned ncoupled;
};

/* The group conns[conn] is coupled to, -1 if none. */
static int coupled_group(const struct gw *g, unsigned conn)
{
	const struct ios_iface *ifc;

	if (conn >= g->ike_cfg.nconns)
		return -1;
	ifc = ios_cfg_map_iface(g->cfg, g->ike_cfg.conns[conn].map, NULL);
	if (!ifc || !ifc->redundancy[0])
		return -1;
	return gw_fhrp_find(g, (int)(ifc - g->cfg->ifaces), ifc->redundancy);
}

static void redund_route_set(struct gw *g, struct gw_redund *r, unsigned conn, bool on)
{
	if (r->routes[conn] == on)
		return;
	if (on)
		gw_rri_static_add(g, conn);
	else
		gw_rri_static_del(g, conn);
	r->routes[conn] = on;
}

void gw_redund_sync(struct gw *g)
{
	struct gw_redund *r = g->redund;
	unsigned c;

	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r) {
			gw_log(g, "%%CRYPTO-3-REDUNDANCY: out of memory: crypto map redundancy not coupled");
			return;
		}
		g->redund = r;
		gw_rri_mode_log(g);
	}
	/* routes of entries that are gone or changed go first */
	for (c = 0; c < REDUND_CONNS; c++)
		if (c >= g->ike_cfg.nconns && r->routes[c])
			redund_route_set(g, r, c, false);
	r->nconns = g->ike_cfg.nconns < REDUND_CONNS ? g->ike_cfg.nconns : REDUND_CONNS;
	r->ncoupled = 0;
	for (c = 0; c < r->nconns; c++) {
		int idx = coupled_group(g, c);

		r->fhrp[c] = idx;
		r->active[c] = idx < 0 || gw_fhrp_is_active(g, idx);
		if (idx >= 0)
			r->ncoupled++;
		redund_route_set(g, r, c, r->active[c] && gw_rri_static_wanted(g, c));
	}
}

void gw_redund_stop(struct gw *g)
{
	struct gw_redund *r = g->redund;
	unsigned c;

	if (!r)
		return;
	for (c = 0; c < REDUND_CONNS; c++)
		redund_route_set(g, r, c, false);
	free(r);
	g->redund = NULL;
}

/* Leaving Active: every SA on the virtual address goes, quietly. One "tunnel is DOWN"
 * per peer that had an established ISAKMP SA with it (seed 001). */
static void redund_clear(struct gw *g, uint32_t vip)
{
	static struct ike_sa_info sas[64];
	uint32_t seen[64];
	size_t n, i, k, nseen = 0;

	if (!g->ike || !vip)
		return;
	n = ike_list_isakmp(g->ike, loop_now_ms(g->loop), sas, 64);
	for (i = 0; i < n; i++) {
		uint32_t peer = gw_sa_peer(&sas[i]);

		if (sas[i].deleted || gw_sa_local(&sas[i]) != vip || strcmp(sas[i].state, "QM_IDLE"))
			continue;
		for (k = 0; k < nseen && seen[k] != peer; k++)
			;
		if (k < nseen)
			continue;
		seen[nseen++] = peer;
		gw_log(g, "%%CRYPTO-5-SESSION_STATUS: Crypto tunnel is DOWN. Peer %s:%u Id: %s", gw_ip(peer),
		       sas[i].remote_port ? sas[i].remote_port : 500, gw_ip(peer));
	}
	ike_clear_local(g->ike, loop_now_ms(g->loop), vip, "redundancy: not active");
	gw_ike_schedule(g);
}

void gw_redund_changed(struct gw *g, int idx, bool active)
{
	struct gw_redund *r;
	uint32_t cleared[REDUND_CONNS];
	unsigned c, k, ncleared = 0;
	bool reset = false;

	if (!g->redund)
		gw_redund_sync(g);
	r = g->redund;
	if (!r)
		return;
	for (c = 0; c < r->nconns; c++) {
		const struct ike_conn *ic = &g->ike_cfg.conns[c];
		uint32_t vip = ic->local_addr;

		if (r->fhrp[c] != idx || r->active[c] == active)
			continue;
		r->active[c] = active;
		if (active) {
			gw_log(g, "%%CRYPTO-6-REDUNDANCY: crypto map %s %u armed: %s is Active for %s", ic->map, ic->seq,
			       gw_ip(vip), gw_conn_ifname(g, c));
			redund_route_set(g, r, c, gw_rri_static_wanted(g, c));
			continue;
		}
		gw_log(g, "%%CRYPTO-6-REDUNDANCY: crypto map %s %u: %s no longer Active: SAs cleared, no Delete sent",
		       ic->map, ic->seq, gw_ip(vip));
		for (k = 0; k < ncleared && cleared[k] != vip; k++)
			;
		if (k == ncleared) {
			cleared[ncleared++] = vip;
			redund_clear(g, vip);   /* dynamic RRI routes go with the SAs (gw_sa.c) */
		}
		redund_route_set(g, r, c, false);
		reset = true;
	}
	if (reset) {
		/* the next packet of a cleared flow may acquire at once once Active again */
		for (k = 0; k < g->nflows; k++)
			g->flows[k].acquired_ms = 0;
	}
}

bool gw_redund_allowed(const struct gw *g, unsigned conn)
{
	const struct gw_redund *r = g->redund;
	int idx;

	if (r)
		return conn >= r->nconns || r->active[conn];
	idx = coupled_group(g, conn);
	return idx < 0 || gw_fhrp_is_active(g, idx);
}

bool gw_redund_local_allowed(const struct gw *g, uint32_t local)
{
	const struct gw_redund *r = g->redund;
	bool coupled = false;
	unsigned c;

	if (!r || !r->ncoupled)
		return true;
	/* several entries of one map share the address: allowed if one of them is */
	for (c = 0; c < r->nconns; c++)
		if (r->fhrp[c] >= 0 && g->ike_cfg.conns[c].local_addr == local) {
			if (r->active[c])
				return true;
			coupled = true;
		}
	return !coupled;
}
