/* gw_rri.c — Reverse Route Injection (dynamic: `reverse-route` in a crypto map entry).
 *
 * While an IPsec SA of the entry exists, the remote proxy of that SA (the destination of
 * the ACL line it was negotiated for) is routed via the peer, as IOS does ("IPSEC(rte_mgr):
 * VPN Route Added 20.1.1.0 255.255.255.0 via 172.16.172.69 in IP DEFAULT TABLE", seed 001);
 * the route goes when the last SA for that proxy goes ("VPN Route Removed …"). Linux
 * needs a next hop on a connected network, so the peer is resolved through the main table
 * (IOS resolves it recursively the same way). The kernel route carries protocol
 * KERN_RTPROT_RRI and the entry's `set reverse-route tag N` as its realm, which BIRD reads
 * as krt_realm. An SA negotiated before `reverse-route` was configured gets no route
 * (seed 000: RRI applies at the next negotiation) — the entry is read when the SA comes up.
 * Static RRI (`reverse-route static`) and `remote-peer` are not implemented yet: they are
 * logged once as such.
 */
#include "gw.h"

#include <string.h>

struct nh_ctx { uint32_t peer, via; int plen; };

static void nh_cb(void *arg, const struct kern_route *r, int connected)
{
	struct nh_ctx *c = arg;
	uint32_t mask = gw_plen_mask(r->plen);

	(void)connected;
	if (r->table && r->table != 254)
		return;
	if ((c->peer & mask) != (r->dst & mask) || (int)r->plen <= c->plen)
		return;
	c->plen = r->plen;
	c->via = r->via ? r->via : c->peer;      /* on-link: the peer itself */
}

static const struct ios_map_entry *entry_of(const struct gw *g, const struct ike_child *c)
{
	return c->conn ? ios_cfg_map_find(g->cfg, c->conn->map, c->conn->seq) : NULL;
}

static int rri_route(struct gw *g, const struct ike_child *c, struct kern_route *r)
{
	const struct ios_map_entry *e = entry_of(g, c);
	struct nh_ctx nh = { c->remote.addr, 0, -1 };

	if (!e || e->rri == IOS_RRI_NONE)
		return -1;
	if (e->rri != IOS_RRI_DYNAMIC) {
		if (!g->rri_warned) {
			gw_log(g, "IPSEC(rte_mgr): crypto map %s %u: reverse-route %s not implemented yet", e->map, e->seq,
			       e->rri == IOS_RRI_STATIC ? "static" : "remote-peer");
			g->rri_warned = 1;
		}
		return -1;
	}
	memset(r, 0, sizeof(*r));
	r->dst = c->local_sel.dst;
	r->plen = c->local_sel.dst_plen;
	g->kern->route_dump(g->kern->k, 254, nh_cb, &nh);
	r->via = nh.plen >= 0 ? nh.via : c->remote.addr;
	r->protocol = KERN_RTPROT_RRI;
	r->metric = 1;                           /* IOS: [1/0] */
	r->realm = e->has_rri_tag ? e->rri_tag : 0;
	return 0;
}

/* Another live SA (not `c`) needs the same route? */
static int route_still_needed(const struct gw *g, const struct ike_child *c)
{
	unsigned i;

	for (i = 0; i < GW_MAX_CHILDREN; i++) {
		const struct ike_child *o = &g->children[i].c;

		if (g->children[i].used && o->spi_in != c->spi_in && o->conn_index == c->conn_index &&
		    o->local_sel.dst == c->local_sel.dst && o->local_sel.dst_plen == c->local_sel.dst_plen)
			return 1;
	}
	return 0;
}

void gw_rri_child_up(struct gw *g, const struct ike_child *c)
{
	struct kern_route r;
	char err[256];

	if (rri_route(g, c, &r) < 0)
		return;
	if (g->kern->route_add(g->kern->k, &r, err, sizeof(err)) < 0) {
		gw_log(g, "IPSEC(rte_mgr): VPN Route to %s/%u not added: %s", gw_ip(r.dst), r.plen, err);
		return;
	}
	gw_log(g, "IPSEC(rte_mgr): VPN Route Added %s %s via %s in IP DEFAULT TABLE%s", gw_ip(r.dst),
	       gw_ip(gw_plen_mask(r.plen)), gw_ip(c->remote.addr), r.realm ? " (tag set)" : "");
}

void gw_rri_child_down(struct gw *g, const struct ike_child *c)
{
	struct kern_route r;
	char err[256];

	if (rri_route(g, c, &r) < 0 || route_still_needed(g, c))
		return;
	if (g->kern->route_del(g->kern->k, &r, err, sizeof(err)) < 0) {
		gw_log(g, "IPSEC(rte_mgr): VPN Route to %s/%u not removed: %s", gw_ip(r.dst), r.plen, err);
		return;
	}
	gw_log(g, "IPSEC(rte_mgr): VPN Route Removed %s %s via %s in IP DEFAULT TABLE", gw_ip(r.dst),
	       gw_ip(gw_plen_mask(r.plen)), gw_ip(c->remote.addr));
}
