/* ios_route.c — static-route resolution as IOS does it, as a pure function: for every
 * `ip route` the outgoing interface and the connected next hop, found by recursive
 * lookup (longest match) among the connected networks of the interfaces that are up and
 * the other static routes that resolve. The daemon installs the result through
 * rtnetlink; unresolvable routes are reported, not installed.
 *
 * Method: (1) the routes that have at least one resolution chain ending on a connected
 * network are found as a least fixpoint (so a chain that only closes on itself never
 * counts); (2) each of them picks its best candidate (longest prefix, then connected
 * before static, then lower distance, then configuration order); (3) if those picks form
 * a cycle, the routes on it are a LOOP and (1)-(3) run again without them.
 */
#include "ios_int.h"

#include <stdio.h>
#include <string.h>

struct net { uint32_t addr, mask; int iface; };

struct rctx {
	const struct ios_cfg *cfg;
	const bool *up;
	struct net nets[IOS_MAX_IFACES * IOS_MAX_ADDRS];
	int nnets;
	/* per route */
	bool fixed[IOS_MAX_ROUTES];      /* status decided (interface route, own address, loop) */
	bool in[IOS_MAX_ROUTES];         /* resolvable in the current round */
	int parent[IOS_MAX_ROUTES];      /* -1 - net index, or a route index */
};

static bool iface_up(const struct rctx *x, int i)
{
	return x->up ? x->up[i] : !x->cfg->ifaces[i].shutdown;
}

static bool own_address(const struct rctx *x, uint32_t a)
{
	int i;

	for (i = 0; i < x->cfg->nifaces; i++) {
		const struct ios_iface *f = &x->cfg->ifaces[i];
		int k;

		if (!iface_up(x, i))
			continue;
		for (k = 0; k < f->naddrs; k++)
			if (f->addrs[k].addr == a)
				return true;
	}
	return false;
}

/* Best candidate for next hop `nh` of route r: a route index (>= 0), -1 - net index for
 * a connected network, or NO_CAND. `only_in` restricts routes to those marked
 * resolvable; otherwise every other route counts. */
#define NO_CAND (-1000000)

static int best_candidate(const struct rctx *x, int r, uint32_t nh, bool only_in)
{
	const struct ios_cfg *c = x->cfg;
	int best = NO_CAND, best_plen = -1, i;
	unsigned best_dist = 0;

	for (i = 0; i < x->nnets; i++) {
		int pl = ios_mask_plen(x->nets[i].mask);

		if ((nh & x->nets[i].mask) != x->nets[i].addr || pl <= best_plen)
			continue;
		best = -1 - i;
		best_plen = pl;
		best_dist = 0;
	}
	for (i = 0; i < c->nroutes; i++) {
		const struct ios_route *s = &c->routes[i];
		int pl = ios_mask_plen(s->dst.mask);

		if (i == r || (nh & s->dst.mask) != s->dst.addr)
			continue;
		if (only_in && !x->in[i])
			continue;
		if (pl < best_plen || (pl == best_plen && (best < 0 || s->distance >= best_dist)))
			continue;
		best = i;
		best_plen = pl;
		best_dist = s->distance;
	}
	return best;
}

/* (1): least fixpoint of "has a chain to a connected network" */
static void mark_resolvable(struct rctx *x, const struct ios_route_res *res)
{
	const struct ios_cfg *c = x->cfg;
	bool changed = true;
	int i, j;

	for (i = 0; i < c->nroutes; i++)
		x->in[i] = x->fixed[i] && res[i].status == IOS_ROUTE_OK;
	while (changed) {
		changed = false;
		for (i = 0; i < c->nroutes; i++) {
			uint32_t nh = c->routes[i].nexthop;
			bool ok = false;

			if (x->in[i] || x->fixed[i])
				continue;
			for (j = 0; j < x->nnets && !ok; j++)
				ok = (nh & x->nets[j].mask) == x->nets[j].addr;
			for (j = 0; j < c->nroutes && !ok; j++)
				ok = j != i && x->in[j] && (nh & c->routes[j].dst.mask) == c->routes[j].dst.addr;
			if (ok) {
				x->in[i] = true;
				changed = true;
			}
		}
	}
}

/* Does following best candidates (among all routes) from r come back to r? */
static bool closes_on_itself(const struct rctx *x, int r)
{
	int cur = r, steps;

	for (steps = 0; steps <= x->cfg->nroutes; steps++) {
		int nxt;

		if (x->cfg->routes[cur].ifname[0])
			return false;
		nxt = best_candidate(x, cur, x->cfg->routes[cur].nexthop, false);
		if (nxt < 0)
			return false;
		if (nxt == r)
			return true;
		cur = nxt;
	}
	return true;
}

static void set_res(struct ios_route_res *o, enum ios_route_status st, int iface, uint32_t gw, int via)
{
	o->status = st;
	o->iface = iface;
	o->gateway = gw;
	o->via = via;
}

int ios_route_resolve(const struct ios_cfg *cfg, const bool *if_up, struct ios_route_res *out,
		      size_t nout)
{
	struct rctx x_mem, *x;     /* ~8 KB on the stack: no allocation, no globals */
	int i, j, n = cfg->nroutes;
	bool again = true;

	if (nout < (size_t)n)
		return -1;
	x = &x_mem;
	memset(x, 0, sizeof(*x));
	x->cfg = cfg;
	x->up = if_up;
	for (i = 0; i < cfg->nifaces; i++) {
		const struct ios_iface *f = &cfg->ifaces[i];
		int k;

		if (!iface_up(x, i))
			continue;
		for (k = 0; k < f->naddrs; k++) {
			x->nets[x->nnets].addr = f->addrs[k].addr & f->addrs[k].mask;
			x->nets[x->nnets].mask = f->addrs[k].mask;
			x->nets[x->nnets].iface = i;
			x->nnets++;
		}
	}
	for (i = 0; i < n; i++) {
		const struct ios_route *r = &cfg->routes[i];

		out[i].route = i;
		set_res(&out[i], IOS_ROUTE_UNREACHABLE, -1, 0, -1);
		if (r->nexthop && own_address(x, r->nexthop)) {
			set_res(&out[i], IOS_ROUTE_OWN_ADDR, -1, 0, -1);
			x->fixed[i] = true;
		} else if (r->ifname[0]) {
			/* an interface route is up when its interface is */
			x->fixed[i] = true;
			if (r->iface >= 0 && iface_up(x, r->iface))
				set_res(&out[i], IOS_ROUTE_OK, r->iface, r->nexthop, -1);
			else
				set_res(&out[i], IOS_ROUTE_IFACE_DOWN, -1, 0, -1);
		}
	}
	while (again) {
		again = false;
		mark_resolvable(x, out);
		for (i = 0; i < n; i++)
			if (!x->fixed[i] && x->in[i])
				x->parent[i] = best_candidate(x, i, cfg->routes[i].nexthop, true);
		/* (3): walk each pick chain; a chain that meets itself is a loop */
		for (i = 0; i < n && !again; i++) {
			int cur = i, steps = 0;

			if (x->fixed[i] || !x->in[i])
				continue;
			while (cur >= 0 && !x->fixed[cur] && steps++ <= n)
				cur = x->parent[cur];
			if (steps > n) {
				/* on or behind a cycle: mark the cycle's members */
				int k = i, m;

				for (m = 0; m < n; m++)
					k = x->parent[k];   /* now inside the cycle */
				j = k;
				do {
					set_res(&out[j], IOS_ROUTE_LOOP, -1, 0, -1);
					x->fixed[j] = true;
					j = x->parent[j];
				} while (j != k);
				again = true;
			}
		}
	}
	/* resolve the picks in dependency order (the pick graph is acyclic now) */
	for (j = 0; j <= n; j++) {
		bool progress = false;

		for (i = 0; i < n; i++) {
			int par;

			if (x->fixed[i] || !x->in[i] || out[i].status == IOS_ROUTE_OK)
				continue;
			par = x->parent[i];
			if (par == NO_CAND)
				continue;
			if (par < 0) {
				set_res(&out[i], IOS_ROUTE_OK, x->nets[-1 - par].iface, cfg->routes[i].nexthop, -1);
				progress = true;
			} else if (out[par].status == IOS_ROUTE_OK) {
				set_res(&out[i], IOS_ROUTE_OK, out[par].iface,
					out[par].gateway ? out[par].gateway : cfg->routes[i].nexthop, par);
				progress = true;
			}
		}
		if (!progress)
			break;
	}
	for (i = 0; i < n; i++)
		if (out[i].status == IOS_ROUTE_UNREACHABLE && !cfg->routes[i].ifname[0] &&
		    closes_on_itself(x, i))
			out[i].status = IOS_ROUTE_LOOP;
	return n;
}

const char *ios_route_status_str(enum ios_route_status st)
{
	switch (st) {
	case IOS_ROUTE_OK:          return "resolved";
	case IOS_ROUTE_IFACE_DOWN:  return "interface down";
	case IOS_ROUTE_UNREACHABLE: return "next hop unreachable";
	case IOS_ROUTE_LOOP:        return "recursive routing loop";
	case IOS_ROUTE_OWN_ADDR:    return "next hop is this router's own address";
	}
	return "?";
}

void ios_route_res_str(const struct ios_cfg *cfg, const struct ios_route_res *res, char *buf,
		       size_t len)
{
	const struct ios_route *r = &cfg->routes[res->route];
	char d[16], nh[16], gw[16];
	int n;

	n = snprintf(buf, len, "%s:%d: ip route %s/%d", cfg->fname, r->line, ios_ip_str(r->dst.addr, d),
		     ios_mask_plen(r->dst.mask));
	if (n < 0 || (size_t)n >= len)
		return;
	if (r->nexthop)
		n += snprintf(buf + n, len - (size_t)n, " via %s", ios_ip_str(r->nexthop, nh));
	if (r->ifname[0] && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " %s", r->ifname);
	if ((size_t)n >= len)
		return;
	if (res->status == IOS_ROUTE_OK)
		snprintf(buf + n, len - (size_t)n, ": resolved, gateway %s dev %s",
			 res->gateway ? ios_ip_str(res->gateway, gw) : "on-link",
			 cfg->ifaces[res->iface].name);
	else
		snprintf(buf + n, len - (size_t)n, ": not installed: %s", ios_route_status_str(res->status));
}
