/* ios_cmd_routing.c — the routing lines refgw hands to the OSPF daemon beside it: the one
 * `router ospf N` process (networks and areas, router id, passive interfaces, static and
 * connected redistribution, the default route) and `route-map` entries with their
 * `match tag` / `set tag|metric|metric-type` lines (RRI's tagged routes, seed 000).
 */
#include "ios_int.h"

#include <stdio.h>
#include <string.h>

#define FORM_ROUTER  "'router ospf 1-65535'"
#define FORM_NET     "'network A.B.C.D WILDCARD area {0-4294967295|A.B.C.D}'"
#define FORM_RID     "'router-id A.B.C.D'"
#define FORM_LOGADJ  "'log-adjacency-changes [detail]'"
#define FORM_PASSIVE "'passive-interface {default|INTERFACE}'"
#define FORM_REDIST  "'redistribute {static|connected} [subnets] [metric 0-16777214] [metric-type {1|2}] [tag 0-4294967295] [route-map NAME]'"
#define FORM_DEFORIG "'default-information originate [always] [metric 0-16777214] [metric-type {1|2}]'"
#define FORM_RMAP    "'route-map NAME [permit|deny] [0-65535]'"
#define FORM_MTAG    "'match tag 0-4294967295 …' (at most 8)"
#define FORM_STAG    "'set tag 0-4294967295'"
#define FORM_SMETRIC "'set metric 0-4294967295'"
#define FORM_SMTYPE  "'set metric-type {type-1|type-2}'"

#define OSPF_METRIC_MAX 16777214u      /* RFC 2328 §A.4.5: 24-bit metric, LSInfinity excluded */

static const char *tok_at(const struct ios_parser *p, int i)
{
	return i < p->ntok ? p->tok[i] : "";
}

static int limit_err(struct ios_parser *p, int i, int max, const char *what)
{
	char w[96];

	snprintf(w, sizeof(w), "at most %d %s", max, what);
	return ios_perr(p, i, w);
}

static void redist_defaults(struct ios_redist *r)
{
	memset(r, 0, sizeof(*r));
	r->metric = 20;          /* IOS: external routes redistributed into OSPF, metric 20 … */
	r->metric_type = 2;      /* … as type 2 (RFC 2328 §A.4.5 E bit set) */
}

void ios_ospf_defaults(struct ios_ospf *o)
{
	memset(o, 0, sizeof(*o));
	redist_defaults(&o->redist_static);
	redist_defaults(&o->redist_connected);
	o->default_metric = 1;
	o->default_metric_type = 2;
}

/* ---- router ospf ----------------------------------------------------------------------- */

int ios_cmd_router(struct ios_parser *p, bool *kept)
{
	struct ios_ospf *o = &p->cfg->ospf;
	uint32_t pid;

	*kept = false;
	if (!ios_word_is(tok_at(p, 1), "ospf")) {
		*kept = true;                    /* router eigrp|bgp|rip …: a kept block */
		return 0;
	}
	if (ios_read_u32(tok_at(p, 2), 1, 65535, &pid) < 0)
		return ios_perr(p, 2, FORM_ROUTER);
	if (p->ntok > 3) {
		if (ios_word_is(p->tok[3], "vrf")) {
			*kept = true;            /* a VRF's process: kept */
			return 0;
		}
		return ios_perr(p, 3, FORM_ROUTER);
	}
	if (o->on && o->pid != pid) {
		char what[96];

		snprintf(what, sizeof(what), "'router ospf %u' (refgw runs one OSPF process)", o->pid);
		return ios_perr(p, 2, what);
	}
	if (!o->on) {
		o->on = true;
		o->pid = pid;
		o->line = p->line;
	}
	return ios_enter(p, IOS_M_OSPF, 0);
}

bool ios_sub_ospf_known(const struct ios_parser *p)
{
	int i = ios_word_is(p->tok[0], "no") && p->ntok > 1 ? 1 : 0;
	const char *w = p->tok[i];

	return ios_word_is(w, "network") || ios_word_is(w, "router-id") ||
	       ios_word_is(w, "log-adjacency-changes") || ios_word_is(w, "passive-interface") ||
	       ios_word_is(w, "redistribute") || ios_word_is(w, "default-information");
}

/* [no] network A W area N; b = index of `network` */
static int ospf_network(struct ios_parser *p, struct ios_ospf *o, bool neg, int b)
{
	struct ios_ospf_net n;
	int k;

	memset(&n, 0, sizeof(n));
	if (ios_read_ip(tok_at(p, b + 1), &n.addr) < 0)
		return ios_perr(p, b + 1, FORM_NET);
	if (ios_read_ip(tok_at(p, b + 2), &n.wild) < 0)
		return ios_perr(p, b + 2, FORM_NET);
	if (!ios_word_is(tok_at(p, b + 3), "area"))
		return ios_perr(p, b + 3, FORM_NET);
	/* RFC 2328 §C.2: an area ID is 32 bits, written as a number or a dotted quad */
	if (ios_read_u32(tok_at(p, b + 4), 0, 0xffffffffu, &n.area) < 0 &&
	    ios_read_ip(tok_at(p, b + 4), &n.area) < 0)
		return ios_perr(p, b + 4, FORM_NET);
	if (p->ntok > b + 5)
		return ios_perr(p, b + 5, FORM_NET);
	n.line = p->line;
	for (k = 0; k < o->nnets; k++)
		if (o->nets[k].addr == n.addr && o->nets[k].wild == n.wild)
			break;
	if (neg) {
		if (k < o->nnets) {
			memmove(&o->nets[k], &o->nets[k + 1], (size_t)(o->nnets - k - 1) * sizeof(o->nets[0]));
			o->nnets--;
		}
		return 0;
	}
	if (k < o->nnets) {
		o->nets[k].area = n.area;        /* the same range again: its area changes */
		return 0;
	}
	if (o->nnets >= IOS_MAX_OSPF_NETS)
		return limit_err(p, 1, IOS_MAX_OSPF_NETS, "OSPF network lines");
	o->nets[o->nnets++] = n;
	return 0;
}

static int passive_find(const struct ios_ospf *o, const char *name)
{
	int k;

	for (k = 0; k < o->npassive; k++)
		if (ios_ifname_same(o->passive[k], name))
			return k;
	return -1;
}

/* [no] passive-interface …; b = index of `passive-interface` */
static int ospf_passive(struct ios_parser *p, struct ios_ospf *o, bool neg, int b)
{
	const char *w = tok_at(p, b + 1);
	bool listed;
	int k;

	if (p->ntok != b + 2)
		return ios_perr(p, p->ntok < b + 2 ? b + 1 : b + 2, FORM_PASSIVE);
	if (ios_word_is(w, "default")) {
		o->passive_default = !neg;   /* the list is emptied either way, as IOS does */
		o->npassive = 0;
		return 0;
	}
	if (!ios_ifname_syntax(w))
		return ios_perr(p, b + 1, FORM_PASSIVE);
	if (strlen(w) >= IOS_NAME_MAX)
		return ios_perr(p, b + 1, "an interface name of at most 63 characters");
	/* the list holds the exceptions to the default: passive ones, or under
	 * `passive-interface default` the ones made active again */
	listed = neg == o->passive_default;
	k = passive_find(o, w);
	if (!listed) {
		if (k >= 0) {
			memmove(&o->passive[k], &o->passive[k + 1], (size_t)(o->npassive - k - 1) * sizeof(o->passive[0]));
			o->npassive--;
		}
		return 0;
	}
	if (k >= 0)
		return 0;
	if (o->npassive >= IOS_MAX_OSPF_PASSIVE)
		return limit_err(p, b + 1, IOS_MAX_OSPF_PASSIVE, "passive-interface lines");
	strcpy(o->passive[o->npassive++], w);
	return 0;
}

/* `redistribute static|connected …`, words in any order; 1 = kept (another protocol) */
static int ospf_redist(struct ios_parser *p, struct ios_ospf *o, bool neg, int i)
{
	struct ios_redist r, *dst;
	const char *w = tok_at(p, i);

	if (ios_word_is(w, "static"))
		dst = &o->redist_static;
	else if (ios_word_is(w, "connected"))
		dst = &o->redist_connected;
	else if (!w[0])
		return ios_perr(p, i, FORM_REDIST);
	else
		return 1;                        /* bgp, eigrp, rip, ospf N, isis …: kept */
	if (neg) {
		redist_defaults(dst);            /* IOS removes the whole redistribution */
		return 0;
	}
	redist_defaults(&r);
	for (i++; i < p->ntok; i++) {
		w = p->tok[i];
		if (ios_word_is(w, "subnets")) {
			r.subnets = true;
		} else if (ios_word_is(w, "metric")) {
			if (ios_read_u32(tok_at(p, i + 1), 0, OSPF_METRIC_MAX, &r.metric) < 0)
				return ios_perr(p, i + 1, FORM_REDIST);
			i++;
		} else if (ios_word_is(w, "metric-type")) {
			uint32_t t;

			if (ios_read_u32(tok_at(p, i + 1), 1, 2, &t) < 0)
				return ios_perr(p, i + 1, FORM_REDIST);
			r.metric_type = t;
			i++;
		} else if (ios_word_is(w, "tag")) {
			if (ios_read_u32(tok_at(p, i + 1), 0, 0xffffffffu, &r.tag) < 0)
				return ios_perr(p, i + 1, FORM_REDIST);
			r.has_tag = true;
			i++;
		} else if (ios_word_is(w, "route-map")) {
			/* a route-map that is not configured is accepted: it matches nothing */
			if (i + 1 >= p->ntok)
				return ios_perr(p, i + 1, FORM_REDIST);
			if (strlen(p->tok[i + 1]) >= IOS_NAME_MAX)
				return ios_perr(p, i + 1, "a route-map name of at most 63 characters");
			strcpy(r.route_map, p->tok[++i]);
		} else {
			return ios_perr(p, i, FORM_REDIST);
		}
	}
	r.on = true;
	r.line = p->line;
	*dst = r;
	return 0;
}

/* `default-information originate …`; 1 = kept (`route-map NAME`) */
static int ospf_default(struct ios_parser *p, struct ios_ospf *o, bool neg, int i)
{
	bool always = false;
	uint32_t metric = 1, type = 2;

	if (!ios_word_is(tok_at(p, i), "originate"))
		return ios_perr(p, i, FORM_DEFORIG);
	if (neg) {
		o->default_originate = o->default_always = false;
		o->default_metric = 1;
		o->default_metric_type = 2;
		o->default_line = 0;
		return 0;
	}
	for (i++; i < p->ntok; i++) {
		const char *w = p->tok[i];

		if (ios_word_is(w, "always")) {
			always = true;
		} else if (ios_word_is(w, "metric")) {
			if (ios_read_u32(tok_at(p, i + 1), 0, OSPF_METRIC_MAX, &metric) < 0)
				return ios_perr(p, i + 1, FORM_DEFORIG);
			i++;
		} else if (ios_word_is(w, "metric-type")) {
			if (ios_read_u32(tok_at(p, i + 1), 1, 2, &type) < 0)
				return ios_perr(p, i + 1, FORM_DEFORIG);
			i++;
		} else if (ios_word_is(w, "route-map")) {
			return 1;
		} else {
			return ios_perr(p, i, FORM_DEFORIG);
		}
	}
	o->default_originate = true;
	o->default_always = always;
	o->default_metric = metric;
	o->default_metric_type = type;
	o->default_line = p->line;
	return 0;
}

int ios_sub_ospf(struct ios_parser *p)
{
	struct ios_ospf *o = &p->cfg->ospf;
	bool neg = ios_word_is(p->tok[0], "no") && p->ntok > 1;
	const char *w = p->tok[neg ? 1 : 0];
	int rc;

	if (ios_word_is(w, "network"))
		return ospf_network(p, o, neg, neg ? 1 : 0);
	if (ios_word_is(w, "router-id")) {
		uint32_t a;

		if (neg) {
			o->router_id = 0;
			return 0;
		}
		if (ios_read_ip(tok_at(p, 1), &a) < 0 || a == 0)   /* RFC 2328 §C.1: not 0.0.0.0 */
			return ios_perr(p, 1, FORM_RID);
		if (p->ntok > 2)
			return ios_perr(p, 2, FORM_RID);
		o->router_id = a;
		return 0;
	}
	if (ios_word_is(w, "log-adjacency-changes")) {
		int i = neg ? 2 : 1;

		if (i < p->ntok && (!ios_word_is(p->tok[i], "detail") || i + 1 < p->ntok))
			return ios_perr(p, ios_word_is(p->tok[i], "detail") ? i + 1 : i, FORM_LOGADJ);
		if (neg) {
			/* `no … detail` keeps the plain logging, as IOS does */
			if (i < p->ntok)
				o->log_adjacency_detail = false;
			else
				o->log_adjacency = o->log_adjacency_detail = false;
			return 0;
		}
		o->log_adjacency = true;
		o->log_adjacency_detail = i < p->ntok;
		return 0;
	}
	if (ios_word_is(w, "passive-interface"))
		return ospf_passive(p, o, neg, neg ? 1 : 0);
	if (ios_word_is(w, "redistribute")) {
		rc = ospf_redist(p, o, neg, neg ? 2 : 1);
		return rc == 1 ? ios_keep(p, p->ctx) : rc;
	}
	if (ios_word_is(w, "default-information")) {
		rc = ospf_default(p, o, neg, neg ? 2 : 1);
		return rc == 1 ? ios_keep(p, p->ctx) : rc;
	}
	return ios_keep(p, p->ctx);     /* area …, timers …, auto-cost …: kept in the block */
}

/* ---- route-map ------------------------------------------------------------------------------- */

static int rmap_entry(struct ios_parser *p, const char *name, unsigned seq)
{
	struct ios_cfg *c = p->cfg;
	struct ios_rmap_entry *e;
	int i, first = -1, pos;

	for (i = 0; i < c->nrmap; i++) {
		if (strcmp(c->rmap[i].name, name) != 0)
			continue;
		if (first < 0)
			first = i;
		if (c->rmap[i].seq == seq)
			return i;
	}
	if (c->nrmap >= IOS_MAX_RMAP_ENTRIES)
		return limit_err(p, 1, IOS_MAX_RMAP_ENTRIES, "route-map entries");
	if (first < 0) {
		pos = c->nrmap;                     /* a new map goes last */
	} else {                                /* entries of one map stay together, by seq */
		pos = first;
		while (pos < c->nrmap && strcmp(c->rmap[pos].name, name) == 0 && c->rmap[pos].seq < seq)
			pos++;
	}
	memmove(&c->rmap[pos + 1], &c->rmap[pos], (size_t)(c->nrmap - pos) * sizeof(c->rmap[0]));
	ios_owner_shift(c, IOS_OWN_RMAP, pos);
	c->nrmap++;
	e = &c->rmap[pos];
	memset(e, 0, sizeof(*e));
	strcpy(e->name, name);
	e->seq = seq;
	e->line = p->line;
	return pos;
}

int ios_cmd_route_map(struct ios_parser *p)
{
	bool permit = true;
	uint32_t seq = 10;             /* IOS: `route-map NAME` is permit 10 */
	int i = 2, idx;

	if (p->ntok < 2)
		return ios_perr(p, 1, FORM_RMAP);
	if (strlen(p->tok[1]) >= IOS_NAME_MAX)
		return ios_perr(p, 1, "a route-map name of at most 63 characters");
	if (i < p->ntok && (ios_word_is(p->tok[i], "permit") || ios_word_is(p->tok[i], "deny"))) {
		permit = ios_word_is(p->tok[i], "permit");
		i++;
	}
	if (i < p->ntok) {
		if (ios_read_u32(p->tok[i], 0, 65535, &seq) < 0)
			return ios_perr(p, i, FORM_RMAP);
		i++;
	}
	if (i < p->ntok)
		return ios_perr(p, i, FORM_RMAP);
	idx = rmap_entry(p, p->tok[1], seq);
	if (idx < 0)
		return -1;
	p->cfg->rmap[idx].permit = permit;
	return ios_enter(p, IOS_M_RMAP, idx);
}

bool ios_sub_rmap_known(const struct ios_parser *p)
{
	int i = ios_word_is(p->tok[0], "no") && p->ntok > 1 ? 1 : 0;

	return ios_word_is(p->tok[i], "match") || ios_word_is(p->tok[i], "set") ||
	       ios_word_is(p->tok[i], "description") || ios_word_is(p->tok[i], "continue");
}

int ios_sub_rmap(struct ios_parser *p)
{
	struct ios_rmap_entry *e = &p->cfg->rmap[p->cur];
	const char *w = p->tok[0], *w1 = tok_at(p, 1), *w2 = tok_at(p, 2);
	uint32_t v;
	int i, k;

	if (ios_word_is(w, "match") && ios_word_is(w1, "tag")) {
		if (p->ntok < 3)
			return ios_perr(p, 2, FORM_MTAG);
		for (i = 2; i < p->ntok; i++) {
			if (ios_read_u32(p->tok[i], 0, 0xffffffffu, &v) < 0)
				return ios_perr(p, i, FORM_MTAG);
			for (k = 0; k < e->ntags && e->tags[k] != v; k++)
				;
			if (k < e->ntags)
				continue;                /* IOS lists a tag once */
			if (e->ntags >= IOS_MAX_RMAP_TAGS)
				return ios_perr(p, i, FORM_MTAG);
			e->tags[e->ntags++] = v;
		}
		return 0;
	}
	if (ios_word_is(w, "match")) {
		e->other_match = true;           /* match ip address …: kept, not evaluated */
		return ios_keep(p, p->ctx);
	}
	if (ios_word_is(w, "no") && ios_word_is(w1, "match") && ios_word_is(w2, "tag") && p->ntok == 3) {
		e->ntags = 0;
		return 0;
	}
	if (ios_word_is(w, "set") && ios_word_is(w1, "tag")) {
		if (ios_read_u32(w2, 0, 0xffffffffu, &v) < 0)
			return ios_perr(p, 2, FORM_STAG);
		if (p->ntok > 3)
			return ios_perr(p, 3, FORM_STAG);
		e->has_set_tag = true;
		e->set_tag = v;
		return 0;
	}
	if (ios_word_is(w, "set") && ios_word_is(w1, "metric") && p->ntok <= 3 &&
	    w2[0] != '+' && w2[0] != '-') {
		if (ios_read_u32(w2, 0, 0xffffffffu, &v) < 0)
			return ios_perr(p, 2, FORM_SMETRIC);
		e->has_set_metric = true;
		e->set_metric = v;
		return 0;
	}
	if (ios_word_is(w, "set") && ios_word_is(w1, "metric-type") &&
	    !ios_word_is(w2, "internal") && !ios_word_is(w2, "external")) {
		if (ios_word_is(w2, "type-1"))
			e->set_metric_type = 1;
		else if (ios_word_is(w2, "type-2"))
			e->set_metric_type = 2;
		else
			return ios_perr(p, 2, FORM_SMTYPE);
		return p->ntok > 3 ? ios_perr(p, 3, FORM_SMTYPE) : 0;
	}
	/* set metric +N / EIGRP's five values, set metric-type internal, set ip next-hop … */
	return ios_keep(p, p->ctx);
}
