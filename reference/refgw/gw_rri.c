/* gw_rri.c — Reverse Route Injection (`reverse-route [static]`, `set reverse-route tag N`
 * in a crypto map entry).
 *
 * SA-bound (dynamic): while an IPsec SA of the entry exists, the remote proxy of that SA
 * (the destination of the ACL line it was negotiated for) is routed via the peer, as IOS
 * does ("IPSEC(rte_mgr): VPN Route Added 20.1.1.0 255.255.255.0 via 172.16.172.69 in IP
 * DEFAULT TABLE", seed 001); the route goes when the last SA for that proxy goes ("VPN
 * Route Removed …"). An SA negotiated before `reverse-route` was configured gets no route
 * (seed 000: RRI applies at the next negotiation) — the entry is read when the SA comes up.
 *
 * Static (SA-less): one route per permit line of the entry's ACL, to its destination (the
 * remote proxy) via the entry's first `set peer`, with or without an SA; installed at
 * start, or — when the map is coupled to an HSRP/VRRP group — only while Active
 * (gw_redund.c decides when, this file how). `reverse-route static` always works so.
 * Plain `reverse-route` did too before IOS 12.4(15)T on a static crypto map: seed 001
 * (IOS 12.x, `version 12.3`-era 7200s) shows "VPN Route Added" on 7204VXR-2 right when it
 * becomes HSRP Active, before any SA exists, and "Removed" when it leaves Active; seed 000
 * (IOS 15) shows the SA-bound behaviour. So the configuration's `version X.Y` line decides:
 * ≤ 12.3 → plain `reverse-route` is static; later, or no version line → SA-bound. Logged
 * once at start.
 *
 * Linux needs a next hop on a connected network, so the peer is resolved through the main
 * table (IOS resolves it recursively the same way: the document's CEF "via 172.16.172.69
 * … next hop 172.16.172.49"). The kernel route carries protocol KERN_RTPROT_RRI and the
 * tag as its realm, which BIRD reads as krt_realm. `reverse-route remote-peer` is not
 * implemented: logged once as such.
 */
#include "gw.h"

#include <errno.h>
#include <stdlib.h>
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

/* The IOS release of `version X.Y` (kept line), as X * 100 + Y; 0 = no version line. */
static unsigned ios_release(const struct gw *g)
{
	size_t n = ios_cfg_unapplied_count(g->cfg), k;

	for (k = 0; k < n; k++) {
		struct ios_unapplied u;
		unsigned maj, min;

		if (ios_cfg_unapplied(g->cfg, k, &u) == 0 && !u.ctx[0] && !strncmp(u.text, "version ", 8) &&
		    sscanf(u.text + 8, "%u.%u", &maj, &min) == 2 && maj < 1000 && min < 100)
			return maj * 100 + min;
	}
	return 0;
}

/* Plain `reverse-route` installs routes from the ACL, SA or not (IOS ≤ 12.3, seed 001)? */
static bool rri_legacy(const struct gw *g)
{
	unsigned rel = ios_release(g);

	return rel && rel <= 1203;
}

/* What the entry's RRI does: IOS_RRI_NONE, _DYNAMIC (SA-bound) or _STATIC (SA-less). */
static enum ios_rri rri_mode(struct gw *g, const struct ios_map_entry *e)
{
	if (!e)
		return IOS_RRI_NONE;
	switch (e->rri) {
	case IOS_RRI_NONE:
		return IOS_RRI_NONE;
	case IOS_RRI_STATIC:
		return IOS_RRI_STATIC;
	case IOS_RRI_DYNAMIC:
		return rri_legacy(g) ? IOS_RRI_STATIC : IOS_RRI_DYNAMIC;
	case IOS_RRI_REMOTE_PEER:
		break;
	}
	if (!g->rri_warned) {
		gw_log(g, "IPSEC(rte_mgr): crypto map %s %u: reverse-route remote-peer not implemented yet", e->map,
		       e->seq);
		g->rri_warned = 1;
	}
	return IOS_RRI_NONE;
}

/* A route to dst/plen via peer (resolved recursively through the main table). */
static void rri_fill(struct gw *g, const struct ios_map_entry *e, uint32_t dst, uint8_t plen, uint32_t peer,
		     struct kern_route *r)
{
	struct nh_ctx nh = { peer, 0, -1 };

	memset(r, 0, sizeof(*r));
	r->dst = dst & gw_plen_mask(plen);
	r->plen = plen;
	g->kern->route_dump(g->kern->k, 254, nh_cb, &nh);
	r->via = nh.plen >= 0 ? nh.via : peer;
	r->protocol = KERN_RTPROT_RRI;
	r->metric = 1;                           /* IOS: [1/0] */
	r->realm = e->has_rri_tag ? e->rri_tag : 0;
}

static int rri_route(struct gw *g, const struct ike_child *c, struct kern_route *r)
{
	const struct ios_map_entry *e = entry_of(g, c);

	if (rri_mode(g, e) != IOS_RRI_DYNAMIC)
		return -1;
	rri_fill(g, e, c->local_sel.dst, c->local_sel.dst_plen, c->remote.addr, r);
	return 0;
}

/* The routes installed, as installed: a route is removed with the next hop it was added
 * with (the resolution may differ by then), and an interface going down may have taken
 * it out of the kernel already (ESRCH: gone all the same). */
#define RRI_MAX 128
struct gw_rri {
	struct rri_rt {
		int used, is_static;
		unsigned conn;
		uint32_t peer;
		struct kern_route r;
	} rt[RRI_MAX];
};

static struct rri_rt *rri_find(struct gw *g, uint32_t dst, uint8_t plen, unsigned conn, int is_static)
{
	unsigned i;

	for (i = 0; g->rri && i < RRI_MAX; i++) {
		struct rri_rt *t = &g->rri->rt[i];

		if (t->used && t->r.dst == (dst & gw_plen_mask(plen)) && t->r.plen == plen && t->conn == conn &&
		    t->is_static == is_static)
			return t;
	}
	return NULL;
}

static void rri_add(struct gw *g, const struct kern_route *r, uint32_t peer, unsigned conn, int is_static)
{
	struct rri_rt *t = rri_find(g, r->dst, r->plen, conn, is_static);
	char err[256];
	unsigned i;

	if (!g->rri && !(g->rri = calloc(1, sizeof(*g->rri)))) {
		gw_log(g, "IPSEC(rte_mgr): VPN Route to %s/%u not added: out of memory", gw_ip(r->dst), r->plen);
		return;
	}
	for (i = 0; !t && i < RRI_MAX; i++)
		if (!g->rri->rt[i].used)
			t = &g->rri->rt[i];
	if (!t) {
		gw_log(g, "IPSEC(rte_mgr): VPN Route to %s/%u not added: more than %d RRI routes", gw_ip(r->dst),
		       r->plen, RRI_MAX);
		return;
	}
	if (g->kern->route_add(g->kern->k, r, err, sizeof(err)) < 0) {
		gw_log(g, "IPSEC(rte_mgr): VPN Route to %s/%u not added: %s", gw_ip(r->dst), r->plen, err);
		return;
	}
	*t = (struct rri_rt){ 1, is_static, conn, peer, *r };
	gw_log(g, "IPSEC(rte_mgr): VPN Route Added %s %s via %s in IP DEFAULT TABLE%s", gw_ip(r->dst),
	       gw_ip(gw_plen_mask(r->plen)), gw_ip(peer), r->realm ? " (tag set)" : "");
}

static void rri_remove(struct gw *g, struct rri_rt *t)
{
	char err[256];

	if (g->kern->route_del(g->kern->k, &t->r, err, sizeof(err)) < 0 && errno != ESRCH)
		gw_log(g, "IPSEC(rte_mgr): VPN Route to %s/%u not removed: %s", gw_ip(t->r.dst), t->r.plen, err);
	else
		gw_log(g, "IPSEC(rte_mgr): VPN Route Removed %s %s via %s in IP DEFAULT TABLE", gw_ip(t->r.dst),
		       gw_ip(gw_plen_mask(t->r.plen)), gw_ip(t->peer));
	t->used = 0;
}

static void rri_del(struct gw *g, uint32_t dst, uint8_t plen, unsigned conn, int is_static)
{
	struct rri_rt *t = rri_find(g, dst, plen, conn, is_static);

	if (t)
		rri_remove(g, t);
}

void gw_rri_stop(struct gw *g)
{
	unsigned i;

	for (i = 0; g->rri && i < RRI_MAX; i++)
		if (g->rri->rt[i].used)
			rri_remove(g, &g->rri->rt[i]);
	free(g->rri);
	g->rri = NULL;
}

void gw_rri_mode_log(struct gw *g)
{
	unsigned rel = ios_release(g), c;
	bool any = false;

	for (c = 0; c < g->ike_cfg.nconns; c++) {
		const struct ike_conn *ic = &g->ike_cfg.conns[c];
		const struct ios_map_entry *e = ios_cfg_map_find(g->cfg, ic->map, ic->seq);

		any |= e && e->rri == IOS_RRI_DYNAMIC;
	}
	if (!any)
		return;
	if (rel)
		gw_log(g, "IPSEC(rte_mgr): version %u.%u: reverse-route %s", rel / 100, rel % 100,
		       rel <= 1203 ? "installs the ACL's routes without an SA (before 12.4(15)T)"
				   : "routes follow the IPsec SAs (12.4(15)T and later)");
	else
		gw_log(g, "IPSEC(rte_mgr): no version line: reverse-route routes follow the IPsec SAs "
		       "(12.4(15)T and later)");
}

/* Static RRI of conns[conn]: the ACL's permit lines, each destination once. */
static const struct ios_map_entry *static_entry(struct gw *g, unsigned conn)
{
	const struct ike_conn *ic;
	const struct ios_map_entry *e;

	if (conn >= g->ike_cfg.nconns)
		return NULL;
	ic = &g->ike_cfg.conns[conn];
	e = ios_cfg_map_find(g->cfg, ic->map, ic->seq);
	return ic->npeers && rri_mode(g, e) == IOS_RRI_STATIC ? e : NULL;
}

bool gw_rri_static_wanted(struct gw *g, unsigned conn)
{
	return static_entry(g, conn) != NULL;
}

static void static_add(struct gw *g, unsigned conn)
{
	const struct ios_map_entry *e = static_entry(g, conn);
	const struct ike_conn *ic;
	unsigned k, j;

	if (!e)
		return;
	ic = &g->ike_cfg.conns[conn];
	for (k = 0; k < ic->nsel; k++) {
		const struct ike_selector *s = &ic->sel[k];
		struct kern_route r;

		for (j = 0; j < k; j++)
			if (ic->sel[j].dst == s->dst && ic->sel[j].dst_plen == s->dst_plen)
				break;
		if (j < k)
			continue;                    /* that destination is done */
		rri_fill(g, e, s->dst, s->dst_plen, ic->peers[0], &r);
		rri_add(g, &r, ic->peers[0], conn, 1);
	}
}

void gw_rri_static_add(struct gw *g, unsigned conn)
{
	static_add(g, conn);
}

/* every SA-less route of the entry, whatever the configuration says by now */
void gw_rri_static_del(struct gw *g, unsigned conn)
{
	unsigned i;

	for (i = 0; g->rri && i < RRI_MAX; i++)
		if (g->rri->rt[i].used && g->rri->rt[i].is_static && g->rri->rt[i].conn == conn)
			rri_remove(g, &g->rri->rt[i]);
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

	if (rri_route(g, c, &r) == 0)
		rri_add(g, &r, c->remote.addr, c->conn_index, 0);
}

/* Whatever the entry says now: the route this SA brought goes with the last SA for it. */
void gw_rri_child_down(struct gw *g, const struct ike_child *c)
{
	if (!route_still_needed(g, c))
		rri_del(g, c->local_sel.dst, c->local_sel.dst_plen, c->conn_index, 0);
}
