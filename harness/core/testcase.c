/* testcase.c — parse a testcase folder (see testcase.h and README.md). */
#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "testcase.h"
#include "tok.h"
#include "tcwin.h"
#include "../drivers/driver.h"
#include "rt_show.h"

struct pctx {
	const char *file;
	int line;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3)))
static int fail(struct pctx *c, const char *fmt, ...)
{
	va_list ap;
	int o = snprintf(c->err, c->errlen, "%s:%d: ", c->file, c->line);
	va_start(ap, fmt);
	if (o > 0 && (size_t)o < c->errlen)
		vsnprintf(c->err + o, c->errlen - o, fmt, ap);
	va_end(ap);
	return -1;
}

const struct node_spec *tc_node_spec(const struct testcase *tc, const char *node)
{
	int i = lab_find_node(&tc->topo, node);
	return (i >= 0 && tc->nodes[i].name[0]) ? &tc->nodes[i] : NULL;
}

static int check_node(struct pctx *c, const struct testcase *tc, const char *node, int allow_all)
{
	if (allow_all && !strcmp(node, "all"))
		return 0;
	if (lab_find_node(&tc->topo, node) < 0)
		return fail(c, "unknown node '%s' (not in %s)", node, tc->topo_file);
	return 0;
}

static int check_if(struct pctx *c, const struct testcase *tc, const char *node, const char *ifname)
{
	int n = lab_find_node(&tc->topo, node);
	if (n < 0)
		return fail(c, "unknown node '%s'", node);
	if (lab_find_if(&tc->topo.nodes[n], ifname) < 0)
		return fail(c, "node %s has no interface '%s'", node, ifname);
	return 0;
}

/* Strip a trailing `as NAME` into a->name. */
static int take_as(struct pctx *c, struct tok_line *t, char *name)
{
	if (t->n >= 2 && !strcmp(t->w[t->n - 2], "as")) {
		if (strlen(t->w[t->n - 1]) >= TC_NAME_MAX)
			return fail(c, "name '%s' longer than %d characters", t->w[t->n - 1], TC_NAME_MAX - 1);
		snprintf(name, TC_NAME_MAX, "%s", t->w[t->n - 1]);
		t->n -= 2;
	}
	return 0;
}

/* Anchor names are one namespace: actions' and expectations' `as NAME`. */
static int name_taken(struct pctx *c, const struct testcase *tc, const char *name)
{
	if (!name[0])
		return 0;
	if (!strcmp(name, "start") || !strcmp(name, "end"))
		return fail(c, "'%s' is a reserved anchor name (the run's start and end)", name);
	for (int i = 0; i < tc->nact; i++)
		if (!strcmp(tc->act[i].name, name))
			return fail(c, "name '%s' already used on line %d", name, tc->act[i].line);
	for (int i = 0; i < tc->nexp; i++)
		if (!strcmp(tc->exp[i].name, name))
			return fail(c, "name '%s' already used on line %d", name, tc->exp[i].line);
	return 0;
}

struct dpd_cfg tc_node_dpd_after(const struct testcase *tc, const char *node, int upto, int *by)
{
	const struct node_spec *s = tc_node_spec(tc, node);
	struct dpd_cfg d;
	memset(&d, 0, sizeof(d));
	if (s)
		d = s->dpd;
	if (by)
		*by = -1;
	for (int i = 0; i < upto && i < tc->nact; i++)
		if (tc->act[i].kind == ACT_CONFIGURE && tc->act[i].cfg_dpd_changed && !strcmp(tc->act[i].node, node)) {
			d = tc->act[i].cfg_dpd;
			if (by)
				*by = i;
		}
	return d;
}

/* The daemon a `configure` talks to: the node's gateway (the first daemon that is not
 * keepalived or bird), else its first daemon. */
static const char *gateway_daemon(const struct node_spec *s)
{
	for (int i = 0; i < s->ndaemons; i++)
		if (strcmp(s->daemons[i], "keepalived") && strcmp(s->daemons[i], "bird"))
			return s->daemons[i];
	return s->daemons[0];
}

/* configure NODE "LINE" ["LINE"…] — configuration-mode lines for the node's gateway at run
 * time, in order (refgw: `refgwctl configure`). The lines refgw's configuration parser
 * takes (`[no] crypto …`, `[no] ike …`) are checked here with that parser, and the DPD
 * settings they leave are recorded for the windows anchored after this action; the
 * others (interface X, shutdown, …) are refgw's to accept or refuse at run time. */
static int parse_configure(struct pctx *c, struct testcase *tc, struct tc_action *a, char **w, int n)
{
	static const char *f = "expected 'configure NODE \"LINE\" [\"LINE\"…] [as NAME]' (each quoted LINE one "
			       "line of the gateway's configuration mode, e.g. configure Branch \"crypto isakmp "
			       "keepalive 10 periodic\")";
	a->kind = ACT_CONFIGURE;
	if (n < 2)
		return fail(c, "%s", f);
	snprintf(a->node, sizeof(a->node), "%s", w[0]);
	if (check_node(c, tc, a->node, 0))
		return -1;
	const struct node_spec *s = tc_node_spec(tc, a->node);
	if (!s)
		return fail(c, "node %s runs no daemon, there is nothing to configure", a->node);
	const char *gw = gateway_daemon(s);
	snprintf(a->daemon, sizeof(a->daemon), "%s", gw);
	const struct driver *d = driver_find(gw);
	if (!d || !d->configure)
		return fail(c, "%s's daemon %s cannot be configured at run time (the 'configure' action needs a driver "
			    "that can: refgw)", a->node, gw);
	if (n - 1 > TC_CFG_MAX_LINES)
		return fail(c, "%s; at most %d lines", f, TC_CFG_MAX_LINES);
	size_t o = 0;
	for (int i = 1; i < n; i++) {
		size_t l = strlen(w[i]);
		if (!l || strspn(w[i], " \t") == l)
			return fail(c, "%s; line %d is empty", f, i);
		if (l >= NODE_CFG_LINE_MAX)
			return fail(c, "%s; line %d is longer than %d characters", f, i, NODE_CFG_LINE_MAX - 1);
		if (o + l + 1 >= sizeof(a->cfg_lines))
			return fail(c, "%s; more than %zu characters of lines", f, sizeof(a->cfg_lines) - 1);
		memcpy(a->cfg_lines + o, w[i], l);
		o += l;
		a->cfg_lines[o++] = '\n';
		a->ncfg_lines++;
	}
	a->cfg_lines[o] = '\0';
	a->cfg_dpd = tc_node_dpd_after(tc, a->node, tc->nact, NULL);
	if (s->config[0]) {
		char perr[512];
		int bad;
		if (node_config_dpd(s, a->cfg_lines, &a->cfg_dpd, &a->cfg_dpd_changed, &bad, perr, sizeof(perr))) {
			if (!bad)
				return fail(c, "configure %s: %s", a->node, perr);
			const char *line = a->cfg_lines;
			for (int k = 1; k < bad; k++)
				line = strchr(line, '\n') + 1;
			return fail(c, "configure %s: %s would refuse line %d \"%.*s\": %s", a->node, gw, bad,
				    (int)strcspn(line, "\n"), line, perr);
		}
	}
	return 0;
}

static int parse_action(struct pctx *c, struct testcase *tc, struct tok_line *t)
{
	static const char *form = "expected 'at [+]SECONDS ACTION …' where ACTION is start, stop, wait sa, ping, "
				  "stop-ping, shutdown, no-shutdown, pull, plug, drop, undrop, kill, restart, "
				  "initiate, clear, configure, check sa, check route, wait route or end";
	if (tc->nact == TC_MAX_ACTIONS)
		return fail(c, "more than %d actions", TC_MAX_ACTIONS);
	struct tc_action *a = &tc->act[tc->nact];
	memset(a, 0, sizeof(*a));
	a->line = c->line;
	if (t->n < 3 || strcmp(t->w[0], "at"))
		return fail(c, "%s", form);
	const char *ts = t->w[1];
	if (*ts == '+') {
		a->relative = 1;
		ts++;
	}
	if (tok_double(ts, &a->at_s) || a->at_s < 0)
		return fail(c, "expected a time in seconds after 'at', got '%s'", t->w[1]);
	if (take_as(c, t, a->name))
		return -1;
	const char *k = t->w[2];
	int n = t->n - 3;          /* words after the keyword */
	char **w = &t->w[3];

	if (!strcmp(k, "start") || !strcmp(k, "stop")) {
		a->kind = !strcmp(k, "start") ? ACT_START : ACT_STOP;
		if (n != 1)
			return fail(c, "expected '%s all|NODE'", k);
		snprintf(a->node, sizeof(a->node), "%s", w[0]);
		if (check_node(c, tc, a->node, 1))
			return -1;
	} else if ((!strcmp(k, "check") || !strcmp(k, "wait")) && n >= 1 && !strcmp(w[0], "route")) {
		/* check route NODE PREFIX [via A] [dev IF] [tag T] [type S|O|IA|E1|E2|N1|N2|C] [absent]
		 * wait route NODE PREFIX [the same] timeout S — a route (or none with absent) matching
		 * all the given conditions, in the node's kernel tables */
		const int wait = !strcmp(k, "wait");
		const char *f = wait ? "expected 'wait route NODE A.B.C.D/LEN [via A.B.C.D] [dev IFNAME] [tag T] "
				       "[type S|O|IA|E1|E2|N1|N2|C] [absent] timeout SECONDS'" :
				       "expected 'check route NODE A.B.C.D/LEN [via A.B.C.D] [dev IFNAME] [tag T] "
				       "[type S|O|IA|E1|E2|N1|N2|C] [absent]'";
		a->kind = wait ? ACT_WAIT_ROUTE : ACT_CHECK_ROUTE;
		if (n < 3 || tok_prefix(w[2], &a->prefix, &a->plen))
			return fail(c, "%s", f);
		snprintf(a->node, sizeof(a->node), "%s", w[1]);
		if (check_node(c, tc, a->node, 0))
			return -1;
		for (int i = 3; i < n; i++) {
			enum rt_kind rk;
			int tag;
			if (!strcmp(w[i], "absent"))
				a->absent = 1;
			else if (i + 1 < n && !strcmp(w[i], "via") && !tok_ipv4(w[i + 1], &a->via))
				i++;
			else if (i + 1 < n && !strcmp(w[i], "dev"))
				snprintf(a->dev, sizeof(a->dev), "%s", w[++i]);
			else if (i + 1 < n && !strcmp(w[i], "tag") && !tok_int(w[i + 1], &tag) && tag >= 0) {
				a->has_tag = 1;
				a->tag = (unsigned)tag;
				i++;
			} else if (i + 1 < n && !strcmp(w[i], "type") && !rt_kind_parse(w[i + 1], &rk)) {
				a->has_rtype = 1;
				a->rtype = (int)rk;
				i++;
			} else if (wait && i + 1 < n && !strcmp(w[i], "timeout") && !tok_double(w[i + 1], &a->timeout_s) &&
				   a->timeout_s > 0)
				i++;
			else
				return fail(c, "%s, got '%s'", f, w[i]);
		}
		if (wait && a->timeout_s <= 0)
			return fail(c, "%s: the timeout is missing", f);
	} else if (!strcmp(k, "wait") || !strcmp(k, "check")) {
		/* wait sa NODE established|none [peer IP] [timeout S] */
		const char *f = !strcmp(k, "wait") ?
			"expected 'wait sa NODE established|none [peer A.B.C.D] timeout SECONDS'" :
			"expected 'check sa NODE established|none [peer A.B.C.D] [encaps >= N] [decaps >= N]'";
		a->kind = !strcmp(k, "wait") ? ACT_WAIT_SA : ACT_CHECK_SA;
		if (n < 3 || strcmp(w[0], "sa"))
			return fail(c, "%s", f);
		snprintf(a->node, sizeof(a->node), "%s", w[1]);
		if (check_node(c, tc, a->node, 0))
			return -1;
		if (!strcmp(w[2], "established"))
			a->want_established = 1;
		else if (strcmp(w[2], "none"))
			return fail(c, "%s, got '%s'", f, w[2]);
		a->timeout_s = 30;
		a->min_encaps = a->min_decaps = -1;
		for (int i = 3; i < n; i += 2) {
			if (i + 1 < n && !strcmp(w[i], "peer") && !tok_ipv4(w[i + 1], &a->peer))
				continue;
			if (i + 2 < n && a->kind == ACT_CHECK_SA && (!strcmp(w[i], "encaps") || !strcmp(w[i], "decaps")) &&
			    !strcmp(w[i + 1], ">=") && sscanf(w[i + 2], "%ld", !strcmp(w[i], "encaps") ?
							      &a->min_encaps : &a->min_decaps) == 1) {
				i++;
				continue;
			}
			if (i + 1 < n && a->kind == ACT_WAIT_SA && !strcmp(w[i], "timeout") &&
			    !tok_double(w[i + 1], &a->timeout_s) && a->timeout_s > 0)
				continue;
			return fail(c, "%s, got '%s'", f, w[i]);
		}
		if (!tc_node_spec(tc, a->node))
			return fail(c, "node %s runs no daemon, it has no SAs to check", a->node);
	} else if (!strcmp(k, "ping")) {
		/* ping NAME from NODE [source IP] to IP [interval S] */
		static const char *f = "expected 'ping NAME from NODE [source A.B.C.D] to A.B.C.D [interval SECONDS]'";
		a->kind = ACT_PING;
		a->interval_s = 1;
		if (n < 5 || strcmp(w[1], "from"))
			return fail(c, "%s", f);
		snprintf(a->probe, sizeof(a->probe), "%s", w[0]);
		snprintf(a->node, sizeof(a->node), "%s", w[2]);
		if (check_node(c, tc, a->node, 0))
			return -1;
		int i = 3;
		if (i + 1 < n && !strcmp(w[i], "source")) {
			if (tok_ipv4(w[i + 1], &a->src))
				return fail(c, "%s: bad source address '%s'", f, w[i + 1]);
			i += 2;
		}
		if (i + 1 >= n || strcmp(w[i], "to") || tok_ipv4(w[i + 1], &a->dst))
			return fail(c, "%s", f);
		i += 2;
		if (i + 1 < n && !strcmp(w[i], "interval")) {
			if (tok_double(w[i + 1], &a->interval_s) || a->interval_s < 0.01)
				return fail(c, "%s: interval must be ≥ 0.01 s", f);
			i += 2;
		}
		if (i != n)
			return fail(c, "%s, got '%s'", f, w[i]);
	} else if (!strcmp(k, "stop-ping")) {
		a->kind = ACT_PING_STOP;
		if (n != 1)
			return fail(c, "expected 'stop-ping NAME'");
		snprintf(a->probe, sizeof(a->probe), "%s", w[0]);
	} else if (!strcmp(k, "shutdown") || !strcmp(k, "no-shutdown") || !strcmp(k, "pull") || !strcmp(k, "plug")) {
		a->kind = !strcmp(k, "shutdown") ? ACT_SHUTDOWN : !strcmp(k, "no-shutdown") ? ACT_NO_SHUTDOWN :
			  !strcmp(k, "pull") ? ACT_PULL : ACT_PLUG;
		if (n != 2)
			return fail(c, "expected '%s NODE INTERFACE'", k);
		snprintf(a->node, sizeof(a->node), "%s", w[0]);
		snprintf(a->ifname, sizeof(a->ifname), "%s", w[1]);
		if (check_if(c, tc, a->node, a->ifname))
			return -1;
	} else if (!strcmp(k, "drop")) {
		/* drop NODE [interface IF] all|ike|esp [in|out|both] [loss PCT] */
		static const char *f = "expected 'drop NODE [interface IFNAME] all|ike|esp [in|out|both] [loss PERCENT] as NAME'";
		a->kind = ACT_DROP;
		if (n < 2)
			return fail(c, "%s", f);
		snprintf(a->drop.node, sizeof(a->drop.node), "%s", w[0]);
		snprintf(a->node, sizeof(a->node), "%s", w[0]);
		if (check_node(c, tc, a->node, 0))
			return -1;
		a->drop.loss_pct = 100;
		int i = 1;
		if (i + 1 < n && !strcmp(w[i], "interface")) {
			snprintf(a->drop.ifname, sizeof(a->drop.ifname), "%s", w[i + 1]);
			if (check_if(c, tc, a->node, w[i + 1]))
				return -1;
			i += 2;
		}
		if (i >= n)
			return fail(c, "%s", f);
		if (!strcmp(w[i], "all"))
			a->drop.match = LAB_MATCH_ALL;
		else if (!strcmp(w[i], "ike"))
			a->drop.match = LAB_MATCH_IKE;
		else if (!strcmp(w[i], "esp"))
			a->drop.match = LAB_MATCH_ESP;
		else
			return fail(c, "%s, got '%s'", f, w[i]);
		for (i++; i < n; i++) {
			int pct;
			if (!strcmp(w[i], "in"))
				a->drop.dir = LAB_DIR_IN;
			else if (!strcmp(w[i], "out"))
				a->drop.dir = LAB_DIR_OUT;
			else if (!strcmp(w[i], "both"))
				a->drop.dir = LAB_DIR_BOTH;
			else if (i + 1 < n && !strcmp(w[i], "loss") && !tok_int(w[i + 1], &pct) && pct >= 1 && pct <= 100)
				a->drop.loss_pct = (unsigned)pct, i++;
			else
				return fail(c, "%s, got '%s'", f, w[i]);
		}
		if (!a->name[0])
			return fail(c, "a drop needs 'as NAME' so that 'undrop NAME' can lift it");
	} else if (!strcmp(k, "undrop")) {
		a->kind = ACT_UNDROP;
		if (n != 1)
			return fail(c, "expected 'undrop NAME'");
		snprintf(a->ref, sizeof(a->ref), "%s", w[0]);
		int found = 0;
		for (int i = 0; i < tc->nact; i++)
			found |= tc->act[i].kind == ACT_DROP && !strcmp(tc->act[i].name, a->ref);
		if (!found)
			return fail(c, "no earlier 'drop … as %s'", a->ref);
	} else if (!strcmp(k, "kill") || !strcmp(k, "restart")) {
		a->kind = !strcmp(k, "kill") ? ACT_KILL : ACT_RESTART;
		if (n != 2)
			return fail(c, "expected '%s NODE DAEMON'", k);
		snprintf(a->node, sizeof(a->node), "%s", w[0]);
		snprintf(a->daemon, sizeof(a->daemon), "%s", w[1]);
		if (check_node(c, tc, a->node, 0))
			return -1;
		const struct node_spec *s = tc_node_spec(tc, a->node);
		/* also the BIRD a refgw config with `router ospf` brings along */
		const char *ds[NODE_MAX_DAEMONS];
		char derr[512];
		int nd = s ? driver_node_daemons(s, ds, derr, sizeof(derr)) : 0, runs = 0;
		for (int i = 0; i < nd; i++)
			runs |= !strcmp(ds[i], a->daemon);
		if (!runs)
			return fail(c, "node %s does not run '%s'", a->node, a->daemon);
	} else if (!strcmp(k, "clear")) {
		a->kind = ACT_CLEAR;
		if (n != 1)
			return fail(c, "expected 'clear NODE' (delete every SA of the node's gateway)");
		snprintf(a->node, sizeof(a->node), "%s", w[0]);
		if (check_node(c, tc, a->node, 0))
			return -1;
		if (!tc_node_spec(tc, a->node))
			return fail(c, "node %s runs no daemon, it has no SAs to clear", a->node);
	} else if (!strcmp(k, "configure")) {
		if (parse_configure(c, tc, a, w, n))
			return -1;
	} else if (!strcmp(k, "initiate")) {
		a->kind = ACT_INITIATE;
		if (n != 1)
			return fail(c, "expected 'initiate NODE'");
		snprintf(a->node, sizeof(a->node), "%s", w[0]);
		if (check_node(c, tc, a->node, 0))
			return -1;
	} else if (!strcmp(k, "end")) {
		a->kind = ACT_END;
		if (n != 0)
			return fail(c, "expected 'end' alone");
	} else {
		return fail(c, "%s; got '%s'", form, k);
	}
	if (name_taken(c, tc, a->name))
		return -1;
	tc->nact++;
	return 0;
}

static int parse_sel(struct pctx *c, const struct testcase *tc, char **w, int n, int *used, struct tc_sel *s)
{
	static const struct { const char *name; enum tc_sel_kind kind; int msgno; } kinds[] = {
		{ "main-mode", SEL_MM, 0 }, { "mm1", SEL_MM, 1 }, { "mm2", SEL_MM, 2 }, { "mm3", SEL_MM, 3 },
		{ "mm4", SEL_MM, 4 }, { "mm5", SEL_MM, 5 }, { "mm6", SEL_MM, 6 },
		{ "quick-mode", SEL_QM, 0 }, { "qm1", SEL_QM, 1 }, { "qm2", SEL_QM, 2 }, { "qm3", SEL_QM, 3 },
		{ "aggressive-mode", SEL_AM, 0 }, { "informational", SEL_INFO, 0 },
		{ "r-u-there", SEL_R_U_THERE, 0 }, { "r-u-there-ack", SEL_R_U_THERE_ACK, 0 },
		{ "delete", SEL_DELETE, 0 }, { "notify", SEL_NOTIFY, 0 }, { "esp", SEL_ESP, 0 },
		{ "vrrp", SEL_VRRP, 0 }, { "hsrp", SEL_HSRP, 0 }, { "garp", SEL_GARP, 0 }, { "arp", SEL_ARP, 0 },
		{ "echo-request", SEL_ECHO_REQUEST, 0 }, { "echo-reply", SEL_ECHO_REPLY, 0 },
		{ "log", SEL_LOG, 0 }, { "state", SEL_STATE, 0 },
		{ "hsrp-hello", SEL_HSRP_HELLO, 0 }, { "hsrp-coup", SEL_HSRP_COUP, 0 },
		{ "hsrp-resign", SEL_HSRP_RESIGN, 0 }, { "hsrp-active", SEL_HSRP_ACTIVE, 0 },
		{ "vrrp-advert", SEL_VRRP_ADVERT, 0 }, { "vrrp-prio0", SEL_VRRP_PRIO0, 0 },
	};
	int i = 0;
	memset(s, 0, sizeof(*s));
	if (n < 1)
		return fail(c, "expected an event kind (mm1…mm6, qm1…qm3, main-mode, quick-mode, r-u-there, "
			    "r-u-there-ack, delete, notify, esp, vrrp, vrrp-advert, vrrp-prio0, hsrp, hsrp-hello, "
			    "hsrp-coup, hsrp-resign, hsrp-active, garp, arp, echo-request, echo-reply, "
			    "log \"TEXT\", state \"TEXT\")");
	size_t k;
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (!strcmp(w[0], kinds[k].name))
			break;
	if (k == sizeof(kinds) / sizeof(kinds[0]))
		return fail(c, "unknown event kind '%s' (expected mm1…mm6, qm1…qm3, main-mode, quick-mode, "
			    "informational, r-u-there, r-u-there-ack, delete, notify, esp, vrrp, vrrp-advert, "
			    "vrrp-prio0, hsrp, hsrp-hello, hsrp-coup, hsrp-resign, hsrp-active, garp, arp, "
			    "echo-request, echo-reply, log \"TEXT\", state \"TEXT\")", w[0]);
	s->kind = kinds[k].kind;
	s->msgno = kinds[k].msgno;
	i = 1;
	if (s->kind == SEL_LOG || s->kind == SEL_STATE) {
		if (n < 2)
			return fail(c, "expected '%s \"TEXT\"'", w[0]);
		snprintf(s->text, sizeof(s->text), "%s", w[1]);
		i = 2;
	}
	const int hsrp = s->kind == SEL_HSRP || (s->kind >= SEL_HSRP_HELLO && s->kind <= SEL_HSRP_ACTIVE);
	const int vrrp = s->kind == SEL_VRRP || s->kind == SEL_VRRP_ADVERT || s->kind == SEL_VRRP_PRIO0;
	while (i + 1 < n && (!strcmp(w[i], "from") || !strcmp(w[i], "to") || !strcmp(w[i], "group") ||
			     !strcmp(w[i], "vrid"))) {
		if (!strcmp(w[i], "group") || !strcmp(w[i], "vrid")) {
			/* HSRP groups 0-4095 (v2), VRRP VRIDs 1-255 */
			int g;
			int is_group = !strcmp(w[i], "group");
			if ((is_group && !hsrp) || (!is_group && !vrrp))
				return fail(c, "'%s N' goes with %s events", w[i], is_group ? "HSRP (hsrp, hsrp-hello, …)" :
					    "VRRP (vrrp, vrrp-advert, vrrp-prio0)");
			if (tok_int(w[i + 1], &g) || g < (is_group ? 0 : 1) || g > (is_group ? 4095 : 255))
				return fail(c, "expected '%s %s', got '%s'", w[i], is_group ? "0-4095" : "1-255", w[i + 1]);
			s->has_group = 1;
			s->group = (unsigned)g;
			i += 2;
			continue;
		}
		char *dst = !strcmp(w[i], "from") ? s->from : s->to;
		snprintf(dst, LAB_NAME_MAX, "%s", w[i + 1]);
		if (check_node(c, tc, dst, 0))
			return -1;
		i += 2;
	}
	*used = i;
	return 0;
}

/* "LO..HI" — strtod would eat "0." of "0..2", so split at ".." first. */
static int parse_range(const char *s, double *lo, double *hi)
{
	const char *dots = strstr(s, "..");
	char a[32];
	if (!dots || (size_t)(dots - s) >= sizeof(a) || dots == s)
		return -1;
	memcpy(a, s, dots - s);
	a[dots - s] = '\0';
	return (tok_double(a, lo) || tok_double(dots + 2, hi) || !isfinite(*lo) || !isfinite(*hi) || *lo > *hi) ?
	       -1 : 0;
}

/* Does the node run DPD at start or after one of the configure actions so far? (Which
 * settings a window uses is decided at its anchor, when the run is judged.) */
static int ever_dpd(const struct testcase *tc, const struct node_spec *s, const char *node)
{
	if (!s)
		return 0;
	if (s->dpd.style != DPD_OFF)
		return 1;
	for (int i = 0; i < tc->nact; i++)
		if (tc->act[i].kind == ACT_CONFIGURE && !strcmp(tc->act[i].node, node) &&
		    tc->act[i].cfg_dpd.style != DPD_OFF)
			return 1;
	return 0;
}

/* FORMULA(NODE) [plus LO..HI] or LO..HI after `kw` (within, or before for a window to
 * beat — no literal there: `before NAME` is an anchor). */
static int parse_window(struct pctx *c, const struct testcase *tc, const char *kw, char **w, int n, int *used,
			struct tc_window *win)
{
	const int before = !strcmp(kw, "before");
	char f[300];
	snprintf(f, sizeof(f), "expected '%s dpd-detect(NODE)|dpd-probe-to-dead(NODE)|dpd-idle-to-probe(NODE)|"
		 "vrrp-takeover(NODE)|hsrp-takeover(NODE)|hsrp-hello-gap(NODE) [plus LO..HI]'%s", kw,
		 before ? " or 'before NAME'" : " or 'within LO..HI'");
	memset(win, 0, sizeof(*win));
	if (n < 1)
		return fail(c, "%s", f);
	char fn[32], node[LAB_NAME_MAX];
	if (sscanf(w[0], "%31[a-z-](%31[^)])", fn, node) == 2 && w[0][strlen(w[0]) - 1] == ')') {
		if (!strcmp(fn, "dpd-detect"))
			win->formula = F_DPD_DETECT;
		else if (!strcmp(fn, "dpd-probe-to-dead"))
			win->formula = F_DPD_PROBE_TO_DEAD;
		else if (!strcmp(fn, "dpd-idle-to-probe"))
			win->formula = F_DPD_IDLE_TO_PROBE;
		else if (!strcmp(fn, "vrrp-takeover"))
			win->formula = F_VRRP_TAKEOVER;
		else if (!strcmp(fn, "hsrp-takeover"))
			win->formula = F_HSRP_TAKEOVER;
		else if (!strcmp(fn, "hsrp-hello-gap"))
			win->formula = F_HSRP_HELLO_GAP;
		else
			return fail(c, "%s; unknown formula '%s'", f, fn);
		snprintf(win->node, sizeof(win->node), "%s", node);
		if (check_node(c, tc, node, 0))
			return -1;
		const struct node_spec *s = tc_node_spec(tc, node);
		if ((win->formula == F_DPD_DETECT || win->formula == F_DPD_PROBE_TO_DEAD ||
		     win->formula == F_DPD_IDLE_TO_PROBE) && !ever_dpd(tc, s, node))
			return fail(c, "%s(%s): node %s has no DPD line (neither in its configuration nor from an "
				    "earlier 'configure %s …')", fn, node, node, node);
		if (win->formula == F_VRRP_TAKEOVER || win->formula == F_HSRP_TAKEOVER ||
		    win->formula == F_HSRP_HELLO_GAP) {
			/* the node file's vrrp lines or its refgw configuration's groups */
			struct tcwin_fhrp g[8];
			int ng = tcwin_node_fhrp(tc, node, g, 8), has = 0, want = win->formula == F_VRRP_TAKEOVER;
			for (int k = 0; k < ng; k++)
				has |= g[k].vrrp == want;
			if (!has)
				return fail(c, "%s(%s): node %s has no %s", fn, node, node,
					    want ? "vrrp line and no `vrrp N` group in its configuration" :
					    "`standby N` group in its configuration (config FILE)");
		}
		*used = 1;
		if (n >= 2 && !strcmp(w[1], "plus")) {
			if (n < 3 || parse_range(w[2], &win->plus_lo, &win->plus_hi))
				return fail(c, "%s; bad 'plus %s' (expected LO..HI in seconds, e.g. 0..2 or -0.15..0.15)",
					    f, n < 3 ? "" : w[2]);
			*used = 3;
		}
	} else if (!before && !parse_range(w[0], &win->lo, &win->hi)) {
		win->formula = F_LITERAL;
		*used = 1;
	} else {
		return fail(c, "%s, got '%s'", f, w[0]);
	}
	char *o = win->text;
	size_t left = sizeof(win->text);
	for (int i = 0; i < *used; i++) {
		int k = snprintf(o, left, "%s%s", i ? " " : "", w[i]);
		if (k < 0 || (size_t)k >= left)
			break;
		o += k;
		left -= k;
	}
	return 0;
}

static int check_anchor(struct pctx *c, const struct testcase *tc, const char *name)
{
	if (!strcmp(name, "start") || !strcmp(name, "end"))
		return 0;
	for (int i = 0; i < tc->nact; i++)
		if (!strcmp(tc->act[i].name, name))
			return 0;
	for (int i = 0; i < tc->nexp; i++)
		if (!strcmp(tc->exp[i].name, name))
			return 0;
	return fail(c, "no action or earlier expectation named '%s' (name one with 'as %s'; 'start' and 'end' "
		    "always exist)", name, name);
}

/* Trailing clauses: after A, before B, within WINDOW, before FORMULA(NODE) [plus …],
 * spi old|new, until end. */
static int parse_clauses(struct pctx *c, const struct testcase *tc, char **w, int n, struct tc_expect *e,
			 int *has_within, int *has_spi, int *has_until)
{
	for (int i = 0; i < n; ) {
		if (i + 1 < n && !strcmp(w[i], "before") && strchr(w[i + 1], '(')) {
			int used;
			if (*has_within || e->win_before)
				return fail(c, "one window per expectation: 'within …' or 'before FORMULA(NODE)'");
			if (parse_window(c, tc, "before", w + i + 1, n - i - 1, &used, &e->win))
				return -1;
			e->win_before = 1;
			i += 1 + used;
		} else if (i + 1 < n && (!strcmp(w[i], "after") || !strcmp(w[i], "before"))) {
			char *dst = !strcmp(w[i], "after") ? e->after : e->before;
			snprintf(dst, TC_NAME_MAX, "%s", w[i + 1]);
			if (check_anchor(c, tc, dst))
				return -1;
			i += 2;
		} else if (!strcmp(w[i], "within")) {
			int used;
			if (*has_within || e->win_before)
				return fail(c, "one window per expectation: 'within …' or 'before FORMULA(NODE)'");
			if (parse_window(c, tc, "within", w + i + 1, n - i - 1, &used, &e->win))
				return -1;
			*has_within = 1;
			i += 1 + used;
		} else if (i + 1 < n && !strcmp(w[i], "spi") && (!strcmp(w[i + 1], "old") || !strcmp(w[i + 1], "new"))) {
			e->spi_new = !strcmp(w[i + 1], "new");
			*has_spi = 1;
			i += 2;
		} else if (i + 1 < n && !strcmp(w[i], "until") && !strcmp(w[i + 1], "end")) {
			*has_until = 1;
			i += 2;
		} else {
			return fail(c, "unexpected '%s' (expected 'after NAME', 'before NAME', 'within …', "
				    "'before FORMULA(NODE)', 'spi old|new', 'until end' or a final 'as NAME')", w[i]);
		}
	}
	return 0;
}

static int parse_expect_body(struct pctx *c, struct testcase *tc, struct tok_line *t, const char *raw)
{
	static const char *form = "expected 'expect none|some|first|count OP N EVENT …', "
				  "'expect esp from NODE [to NODE] after NAME spi old|new' or "
				  "'expect ping NAME outage|recovers|success|pattern …', 'expect tshark clean', "
				  "'expect hsrp hello-interval|vmac-only-active …' or 'expect vrrp vmac-only …'";
	if (tc->nexp == TC_MAX_EXPECTS)
		return fail(c, "more than %d expectations", TC_MAX_EXPECTS);
	struct tc_expect *e = &tc->exp[tc->nexp];
	memset(e, 0, sizeof(*e));
	e->line = c->line;
	snprintf(e->written, sizeof(e->written), "%s", raw + strspn(raw, " \t"));
	e->written[strcspn(e->written, "#\n")] = '\0';
	for (size_t l = strlen(e->written); l && (e->written[l - 1] == ' ' || e->written[l - 1] == '\t'); l--)
		e->written[l - 1] = '\0';
	if (t->n < 2)
		return fail(c, "%s", form);
	char **w = &t->w[1];
	int n = t->n - 1, used = 0, has_within = 0, has_spi = 0, has_until = 0;

	if (!strcmp(w[0], "tshark")) {
		if (n != 2 || strcmp(w[1], "clean"))
			return fail(c, "expected 'expect tshark clean'");
		e->kind = EXPK_TSHARK_CLEAN;
		tc->nexp++;
		return 0;
	}

	if (!strcmp(w[0], "ping")) {
		if (n < 3)
			return fail(c, "%s", form);
		snprintf(e->probe, sizeof(e->probe), "%s", w[1]);
		int found = 0;
		for (int i = 0; i < tc->nact; i++)
			found |= tc->act[i].kind == ACT_PING && !strcmp(tc->act[i].probe, e->probe);
		if (!found)
			return fail(c, "no earlier 'ping %s …' action", e->probe);
		if (!strcmp(w[2], "pattern")) {
			e->kind = EXPK_PING_PATTERN;
			if (n != 4 || !w[3][0] || strspn(w[3], ".!") != strlen(w[3]) ||
			    strlen(w[3]) >= sizeof(e->pattern))
				return fail(c, "expected 'expect ping NAME pattern MARKS' (IOS marks: '!' answered, "
					    "'.' lost, e.g. .!!!!)");
			snprintf(e->pattern, sizeof(e->pattern), "%s", w[3]);
			tc->nexp++;
			return 0;
		}
		if (!strcmp(w[2], "success")) {
			e->kind = EXPK_PING_SUCCESS;
			if (n != 5 || (strcmp(w[3], ">=") && strcmp(w[3], "<=") && strcmp(w[3], "==")) ||
			    sscanf(w[4], "%ld", &e->n) != 1)
				return fail(c, "expected 'expect ping NAME success >=|<=|== PERCENT'");
			snprintf(e->op, sizeof(e->op), "%s", w[3]);
			tc->nexp++;
			return 0;
		}
		if (strcmp(w[2], "outage") && strcmp(w[2], "recovers"))
			return fail(c, "expected 'expect ping NAME outage after A until end', "
				    "'expect ping NAME recovers after A within …' or 'expect ping NAME success OP N'");
		e->kind = !strcmp(w[2], "outage") ? EXPK_PING_OUTAGE : EXPK_PING_RECOVERS;
		if (parse_clauses(c, tc, w + 3, n - 3, e, &has_within, &has_spi, &has_until))
			return -1;
		if (!e->after[0])
			return fail(c, "a ping %s expectation needs 'after NAME'", w[2]);
		if (e->kind == EXPK_PING_OUTAGE && !has_until)
			return fail(c, "expected 'expect ping NAME outage after NAME until end'");
		if (e->kind == EXPK_PING_RECOVERS && !has_within && !e->win_before)
			return fail(c, "expected 'expect ping NAME recovers after NAME within …' or "
				    "'expect ping NAME recovers after NAME before FORMULA(NODE)'");
		if (e->kind == EXPK_PING_OUTAGE && (has_within || e->win_before))
			return fail(c, "expected 'expect ping NAME outage after NAME until end' (no window)");
		tc->nexp++;
		return 0;
	}
	if ((!strcmp(w[0], "hsrp") || !strcmp(w[0], "vrrp")) && n >= 2 &&
	    (!strcmp(w[1], "hello-interval") || !strcmp(w[1], "vmac-only-active") || !strcmp(w[1], "vmac-only"))) {
		/* assertions over a span: hsrp hello-interval [from NODE] [group N] [after A] [before B]
		 * within WINDOW; hsrp vmac-only-active …; vrrp vmac-only [from NODE] [vrid N] … */
		static const char *sf = "expected 'expect hsrp hello-interval [from NODE] [group N] [after A] [before B] "
					"within WINDOW', 'expect hsrp vmac-only-active [from NODE] [group N] [after A] "
					"[before B]' or 'expect vrrp vmac-only [from NODE] [vrid N] [after A] [before B]'";
		const int is_hsrp = !strcmp(w[0], "hsrp");
		if (is_hsrp == !strcmp(w[1], "vmac-only"))
			return fail(c, "%s", sf);
		e->kind = !is_hsrp ? EXPK_VRRP_VMAC : !strcmp(w[1], "hello-interval") ? EXPK_HSRP_HELLO_INTERVAL :
			  EXPK_HSRP_VMAC;
		w[1] = w[0];   /* parse `hsrp|vrrp from … group …` as a selector */
		if (parse_sel(c, tc, w + 1, n - 1, &used, &e->sel) ||
		    parse_clauses(c, tc, w + 1 + used, n - 1 - used, e, &has_within, &has_spi, &has_until))
			return -1;
		if (e->sel.to[0] || has_spi || has_until || e->win_before ||
		    (e->kind == EXPK_HSRP_HELLO_INTERVAL) != has_within)
			return fail(c, "%s", sf);
		tc->nexp++;
		return 0;
	}
	if (!strcmp(w[0], "esp")) {
		e->kind = EXPK_ESP_SPI;
		if (parse_sel(c, tc, w, n, &used, &e->sel) ||
		    parse_clauses(c, tc, w + used, n - used, e, &has_within, &has_spi, &has_until))
			return -1;
		if (!has_spi || !e->after[0] || !e->sel.from[0] || has_within || e->win_before)
			return fail(c, "expected 'expect esp from NODE [to NODE] after NAME spi old|new'");
		tc->nexp++;
		return 0;
	}
	if (!strcmp(w[0], "none") || !strcmp(w[0], "some")) {
		e->kind = EXPK_COUNT;
		snprintf(e->op, sizeof(e->op), "%s", !strcmp(w[0], "none") ? "==" : ">=");
		e->n = !strcmp(w[0], "none") ? 0 : 1;
		w++, n--;
	} else if (!strcmp(w[0], "count")) {
		e->kind = EXPK_COUNT;
		if (n < 4 || (strcmp(w[1], "==") && strcmp(w[1], ">=") && strcmp(w[1], "<=")) ||
		    sscanf(w[2], "%ld", &e->n) != 1 || e->n < 0)
			return fail(c, "expected 'expect count ==|>=|<= N EVENT …'");
		snprintf(e->op, sizeof(e->op), "%s", w[1]);
		w += 3, n -= 3;
	} else if (!strcmp(w[0], "first")) {
		e->kind = EXPK_FIRST;
		w++, n--;
	} else {
		return fail(c, "%s", form);
	}
	if (parse_sel(c, tc, w, n, &used, &e->sel) ||
	    parse_clauses(c, tc, w + used, n - used, e, &has_within, &has_spi, &has_until))
		return -1;
	if (e->kind == EXPK_FIRST && ((!has_within && !e->win_before) || !e->after[0]))
		return fail(c, "expected 'expect first EVENT … after NAME within …' or "
			    "'expect first EVENT … after NAME before FORMULA(NODE)'");
	if (e->kind == EXPK_COUNT && (has_within || e->win_before))
		return fail(c, "a window ('within …', 'before FORMULA(NODE)') goes with 'expect first …'; "
			    "a count takes 'after NAME'/'before NAME'");
	tc->nexp++;
	return 0;
}

/* An expectation line; a final `as NAME` makes the moment it measures (the first matching
 * event, the first answered echo of a recovery, the first lost echo of an outage) an
 * anchor for later expectations. */
static int parse_expect(struct pctx *c, struct testcase *tc, struct tok_line *t, const char *raw)
{
	char name[TC_NAME_MAX] = "";
	if (take_as(c, t, name) || parse_expect_body(c, tc, t, raw))
		return -1;
	struct tc_expect *e = &tc->exp[tc->nexp - 1];
	if (!name[0])
		return 0;
	if (e->kind != EXPK_FIRST && e->kind != EXPK_COUNT && e->kind != EXPK_PING_RECOVERS &&
	    e->kind != EXPK_PING_OUTAGE)
		return fail(c, "'as NAME' goes with 'expect first|some|count …' (the first matching event) or "
			    "'expect ping NAME recovers|outage …' (the first answered / lost echo)");
	if (e->kind == EXPK_COUNT && !strcmp(e->op, "==") && e->n == 0)
		return fail(c, "'as %s' names the first matching event, but this expectation wants none", name);
	tc->nexp--;            /* not yet its own rival */
	if (name_taken(c, tc, name))
		return -1;
	tc->nexp++;
	snprintf(e->name, sizeof(e->name), "%s", name);
	return 0;
}

/* A variant name: letters, digits, '-' and '_' (it names a folder and a CTest label). */
static int variant_name_ok(const char *s)
{
	if (!*s || strlen(s) >= TC_NAME_MAX)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
	return 1;
}

static int variant_index(const struct testcase *tc, const char *name)
{
	for (int i = 0; i < tc->nvariants; i++)
		if (!strcmp(tc->variants[i], name))
			return i;
	return -1;
}

static void variant_list(const struct testcase *tc, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int i = 0; i < tc->nvariants; i++) {
		size_t l = strlen(buf);
		snprintf(buf + l, len - l, "%s%s", i ? " " : "", tc->variants[i]);
	}
}

/* variants NAME… — the first is the default; `want` ("" = default) must be one. */
static int parse_variants(struct pctx *c, struct testcase *tc, const struct tok_line *t, const char *want)
{
	static const char *f = "expected 'variants NAME…' (gateway implementations, e.g. 'variants strongswan "
			       "refgw'; the first is the default)";
	if (tc->nvariants)
		return fail(c, "a second 'variants' line (the first is line %d)", tc->variants_line);
	if (t->n < 2)
		return fail(c, "%s", f);
	if (t->n - 1 > TC_MAX_VARIANTS)
		return fail(c, "%s; at most %d variants", f, TC_MAX_VARIANTS);
	for (int i = 1; i < t->n; i++) {
		if (!variant_name_ok(t->w[i]))
			return fail(c, "%s; bad name '%s' (letters, digits, '-', '_', at most %d characters)", f,
				    t->w[i], TC_NAME_MAX - 1);
		if (variant_index(tc, t->w[i]) >= 0)
			return fail(c, "variant '%s' named twice", t->w[i]);
		snprintf(tc->variants[tc->nvariants++], TC_NAME_MAX, "%s", t->w[i]);
	}
	tc->variants_line = c->line;
	if (want[0] && variant_index(tc, want) < 0) {
		char list[TC_MAX_VARIANTS * TC_NAME_MAX];
		variant_list(tc, list, sizeof(list));
		return fail(c, "no variant '%s' (this testcase's variants: %s)", want, list);
	}
	snprintf(tc->variant, sizeof(tc->variant), "%s", want[0] ? want : tc->variants[0]);
	return 0;
}

/* `only VARIANT[,VARIANT…]: LINE` — *mine: the loaded variant is listed; *rest: LINE. */
static int parse_only(struct pctx *c, const struct testcase *tc, const char *line, const struct tok_line *t,
		      int *mine, const char **rest)
{
	static const char *f = "expected 'only VARIANT[,VARIANT…]: LINE'";
	if (!tc->nvariants)
		return fail(c, "'only …' needs the 'variants NAME…' line before it");
	*mine = 0;
	int i, done = 0;
	for (i = 1; i < t->n && !done; i++) {
		char word[256];
		snprintf(word, sizeof(word), "%s", t->w[i]);
		size_t l = strlen(word);
		if (l && word[l - 1] == ':') {
			word[--l] = '\0';
			done = 1;
		} else if (!(l && word[l - 1] == ',') && !(i + 1 < t->n && (t->w[i + 1][0] == ':' ||
									 t->w[i + 1][0] == ','))) {
			return fail(c, "%s, got '%s'", f, t->w[i]);   /* names are joined by ',' and end at ':' */
		}
		for (char *tokp = NULL, *v = strtok_r(word, ",", &tokp); v; v = strtok_r(NULL, ",", &tokp)) {
			if (!variant_name_ok(v))
				return fail(c, "%s, got '%s'", f, t->w[i]);
			if (variant_index(tc, v) < 0) {
				char list[TC_MAX_VARIANTS * TC_NAME_MAX];
				variant_list(tc, list, sizeof(list));
				return fail(c, "no variant '%s' (the variants line %d names: %s)", v, tc->variants_line, list);
			}
			*mine |= !strcmp(v, tc->variant);
		}
	}
	if (!done || i >= t->n)
		return fail(c, "%s", f);
	/* the names hold no ':', so the first one ends the prefix */
	*rest = strchr(line, ':') + 1;
	return 0;
}

/* A header value: the selected variant's `only` line wins over the common one, whatever
 * their order. */
static void set_header(char *dst, size_t len, const char *v, int from_only, int *locked)
{
	if (from_only || !*locked)
		snprintf(dst, len, "%s", v);
	*locked |= from_only;
}

/* nodes/<VARIANT>/ folders and node files: each must belong to a variant (when the
 * testcase names variants) / to a topology node. */
static int check_node_files(struct pctx *c, const struct testcase *tc, const char *sub)
{
	char path[1200];
	snprintf(path, sizeof(path), "%s/nodes%s%s", tc->dir, sub[0] ? "/" : "", sub);
	DIR *d = opendir(path);
	if (!d)
		return 0;
	int rc = 0;
	for (struct dirent *de; rc == 0 && (de = readdir(d)) != NULL; ) {
		const char *nm = de->d_name;
		char full[1500];
		struct stat st;
		if (nm[0] == '.')
			continue;
		snprintf(full, sizeof(full), "%s/%s", path, nm);
		if (stat(full, &st))
			continue;
		size_t l = strlen(nm);
		if (S_ISDIR(st.st_mode) && !sub[0]) {
			/* without a variants line a sub-folder is nobody's (a variant being prepared) */
			if (!tc->nvariants)
				continue;
			if (variant_index(tc, nm) < 0 && (c->line = tc->variants_line) > 0)
				rc = fail(c, "%s/ is the folder of variant '%s', which the variants line (line %d) does "
					  "not name", full, nm, tc->variants_line);
			else
				rc = check_node_files(c, tc, nm);
		} else if (S_ISREG(st.st_mode) && l > 5 && !strcmp(nm + l - 5, ".node")) {
			char node[LAB_NAME_MAX + 8];
			snprintf(node, sizeof(node), "%.*s", (int)(l - 5), nm);
			if (lab_find_node(&tc->topo, node) < 0) {
				snprintf(c->err, c->errlen, "%s:1: no node '%s' in %s (a node file is named after its node)",
					 full, node, tc->topo_file);
				rc = -1;
			}
		}
	}
	closedir(d);
	return rc;
}

/* The topology, then each node's file: nodes/<VARIANT>/<NODE>.node when the loaded
 * variant has one, else nodes/<NODE>.node (none = a node without daemons). */
static int load_topology_and_nodes(struct pctx *c, struct testcase *tc, const char *topo)
{
	char path[1024], err2[LAB_ERR_MAX];
	if ((size_t)snprintf(tc->topo_file, sizeof(tc->topo_file), "%s/%s", tc->dir, topo) >= sizeof(tc->topo_file))
		return fail(c, "path of the topology file too long");
	snprintf(path, sizeof(path), "%s", tc->topo_file);
	if (lab_topo_load(path, &tc->topo, err2, sizeof(err2))) {
		snprintf(c->err, c->errlen, "%s", err2);
		return -1;
	}
	for (int i = 0; i < tc->topo.nnodes; i++) {
		struct stat st;
		int found = 0;
		if (tc->variant[0]) {
			snprintf(path, sizeof(path), "%s/nodes/%s/%s.node", tc->dir, tc->variant, tc->topo.nodes[i].name);
			found = stat(path, &st) == 0;
		}
		if (!found) {
			snprintf(path, sizeof(path), "%s/nodes/%s.node", tc->dir, tc->topo.nodes[i].name);
			found = stat(path, &st) == 0;
		}
		if (found && node_spec_load(path, &tc->nodes[i], c->err, c->errlen))
			return -1;
	}
	return check_node_files(c, tc, "");
}

static int parse_conf(struct pctx *c, struct testcase *tc, char *text, const char *want)
{
	int in_timeline = 0, locked_topo = 0, locked_summary = 0, locked_seed = 0, locked_rt = 0;
	char topo[256] = "topology.lab", labels_common[128] = "", labels_variant[128] = "";

	c->line = 0;
	for (char *p = text; *p; ) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		c->line++;
		struct tok_line t;
		const char *raw = p;
		int from_only = 0, skip = 0;
		if (tok_split(p, &t))
			return fail(c, "unterminated quote or too many words");
		if (t.n && !strcmp(t.w[0], "only")) {
			int mine = 0;
			if (parse_only(c, tc, p, &t, &mine, &raw))
				return -1;
			if (tok_split(raw, &t))
				return fail(c, "unterminated quote or too many words");
			if (!t.n)
				return fail(c, "expected 'only VARIANT[,VARIANT…]: LINE'");
			if (!strcmp(t.w[0], "only") || !strcmp(t.w[0], "variants") || !strcmp(t.w[0], "timeline") ||
			    !strcmp(t.w[0], "testcase"))
				return fail(c, "'%s' cannot be variant-only", t.w[0]);
			from_only = 1;
			skip = !mine;
		}
		if (t.n && !skip) {
			const char *k = t.w[0];
			if (!strcmp(k, "at")) {
				if (!in_timeline)
					return fail(c, "'at …' lines go after the 'timeline' line");
				if (!tc->topo.nnodes)
					return fail(c, "the topology must be loaded before the timeline");
				if (parse_action(c, tc, &t))
					return -1;
			} else if (!strcmp(k, "expect")) {
				if (!in_timeline)
					return fail(c, "'expect …' lines go after the 'timeline' line");
				if (parse_expect(c, tc, &t, raw))
					return -1;
			} else if (!strcmp(k, "timeline")) {
				if (t.n != 1)
					return fail(c, "expected 'timeline' alone");
				if (in_timeline)
					return fail(c, "a second 'timeline' line");
				if (want[0] && !tc->nvariants)
					return fail(c, "no variant '%s': this testcase has no 'variants' line (run it "
						    "without a variant)", want);
				/* load topology + nodes now: actions and expectations refer to them */
				if (load_topology_and_nodes(c, tc, topo))
					return -1;
				in_timeline = 1;
			} else if (in_timeline) {
				return fail(c, "expected 'at …' or 'expect …' in the timeline, got '%s'", k);
			} else if (!strcmp(k, "variants")) {
				if (parse_variants(c, tc, &t, want))
					return -1;
			} else if (!strcmp(k, "realtime-run")) {
				if (t.n != 2 || (strcmp(t.w[1], "yes") && strcmp(t.w[1], "no")))
					return fail(c, "expected 'realtime-run yes|no' (yes: CTest also runs the testcase "
						    "at --time-scale 1)");
				int v = !strcmp(t.w[1], "yes");
				if (from_only || !locked_rt)
					tc->realtime_run = v;
				locked_rt |= from_only;
			} else if (t.n >= 2 && (!strcmp(k, "testcase") || !strcmp(k, "summary") ||
						!strcmp(k, "seed") || !strcmp(k, "labels") || !strcmp(k, "topology"))) {
				char joined[256] = "";
				for (int i = 1; i < t.n; i++) {
					size_t l = strlen(joined);
					snprintf(joined + l, sizeof(joined) - l, "%s%s", i > 1 ? " " : "", t.w[i]);
				}
				if (!strcmp(k, "testcase"))
					snprintf(tc->name, sizeof(tc->name), "%s", joined);
				else if (!strcmp(k, "summary"))
					set_header(tc->summary, sizeof(tc->summary), joined, from_only, &locked_summary);
				else if (!strcmp(k, "seed"))
					set_header(tc->seed, sizeof(tc->seed), joined, from_only, &locked_seed);
				else if (!strcmp(k, "labels") && from_only) {
					size_t l = strlen(labels_variant);
					snprintf(labels_variant + l, sizeof(labels_variant) - l, "%s%s", l ? " " : "", joined);
				} else if (!strcmp(k, "labels"))
					snprintf(labels_common, sizeof(labels_common), "%s", joined);
				else
					set_header(topo, sizeof(topo), joined, from_only, &locked_topo);
			} else {
				return fail(c, "expected testcase, summary, seed, labels, topology, variants, realtime-run, "
					    "'only VARIANT: …' or timeline; got '%s'", k);
			}
		}
		if (nl)
			*nl = '\n';
		p = nl ? nl + 1 : p + strlen(p);
	}
	if (!in_timeline)
		return fail(c, "no 'timeline' section");
	if (!tc->nact || tc->act[tc->nact - 1].kind != ACT_END)
		return fail(c, "the timeline must finish with 'at … end'");
	/* the common labels, then the variant's own (CTest adds the variant's name) */
	snprintf(tc->labels, sizeof(tc->labels), "%s%s%s", labels_common,
		 labels_common[0] && labels_variant[0] ? " " : "", labels_variant);
	return 0;
}

int tc_load(const char *dir, struct testcase *tc, char *err, size_t errlen)
{
	return tc_load_variant(dir, NULL, tc, err, errlen);
}

int tc_load_variant(const char *dir, const char *variant, struct testcase *tc, char *err, size_t errlen)
{
	char path[1024];
	int dl = (int)strlen(dir);
	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	snprintf(path, sizeof(path), "%.*s/testcase.conf", dl, dir);
	char *text = tok_slurp(path);
	if (!text) {
		snprintf(err, errlen, "%s: cannot read (is %s a testcase folder?)", path, dir);
		return -1;
	}
	int rc = tc_parse_variant(dir, path, variant, text, tc, err, errlen);
	free(text);
	return rc;
}

int tc_parse(const char *dir, const char *conf_path, char *text, struct testcase *tc, char *err, size_t errlen)
{
	return tc_parse_variant(dir, conf_path, NULL, text, tc, err, errlen);
}

int tc_parse_variant(const char *dir, const char *conf_path, const char *variant, char *text, struct testcase *tc,
		     char *err, size_t errlen)
{
	memset(tc, 0, sizeof(*tc));
	snprintf(tc->dir, sizeof(tc->dir), "%s", dir);
	size_t l = strlen(tc->dir);
	while (l > 1 && tc->dir[l - 1] == '/')
		tc->dir[--l] = '\0';
	const char *base = strrchr(tc->dir, '/');
	snprintf(tc->name, sizeof(tc->name), "%s", base ? base + 1 : tc->dir);
	struct pctx c = { conf_path, 0, err, errlen };
	return parse_conf(&c, tc, text, variant ? variant : "");
}

void tc_full_name(const struct testcase *tc, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", tc->name, tc->variant[0] ? "/" : "", tc->variant);
}
