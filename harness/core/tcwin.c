/* tcwin.c — expectation windows (see tcwin.h). */
#include <stdio.h>
#include <string.h>
#include "tcwin.h"
#include "ios_cfg.h"

int tcwin_node_fhrp(const struct testcase *tc, const char *node, struct tcwin_fhrp *out, int max)
{
	const struct node_spec *s = tc_node_spec(tc, node);
	int n = 0;
	if (!s)
		return 0;
	for (int i = 0; i < s->nvrrp && n < max; i++, n++) {
		const struct node_vrrp *v = &s->vrrp[i];
		memset(&out[n], 0, sizeof(out[n]));
		out[n].vrrp = 1;
		out[n].group = (unsigned)v->vrid;
		out[n].version = (unsigned)v->version;
		out[n].priority = v->priority;
		out[n].preempt = v->preempt;
		out[n].adver_s = v->adver_int_s > 0 ? v->adver_int_s : 1.0;
		const char *b = strrchr(s->file, '/');
		snprintf(out[n].src, sizeof(out[n].src), "%s:%d", b ? b + 1 : s->file, v->line);
	}
	if (!s->config[0] || n >= max)
		return n;
	char err[256];
	struct ios_cfg *cfg = ios_cfg_load_file(s->config, err, sizeof(err));
	if (!cfg)
		return n;
	const char *b = strrchr(s->config, '/');
	for (int i = 0; i < cfg->nfhrp && i < IOS_MAX_FHRP && n < max; i++, n++) {
		const struct ios_fhrp *f = &cfg->fhrp[i];
		memset(&out[n], 0, sizeof(out[n]));
		out[n].vrrp = f->proto == IOS_FHRP_VRRP;
		out[n].group = f->group;
		out[n].version = f->version;
		out[n].priority = (int)f->priority;
		out[n].preempt = f->preempt;
		/* RFC 2281 §5.1 defaults 3 / 10 s; RFC 3768 §5.3.7 1 s */
		out[n].hello_s = f->hello_ms ? f->hello_ms / 1000.0 : 3.0;
		out[n].hold_s = f->hold_ms ? f->hold_ms / 1000.0 : 10.0;
		out[n].adver_s = f->adver_ms ? f->adver_ms / 1000.0 : 1.0;
		snprintf(out[n].src, sizeof(out[n].src), "%s:%d", b ? b + 1 : s->config, f->line);
	}
	ios_cfg_free(cfg);
	return n;
}

/* The node's first group of one protocol; -1 (out->what saying why) when it has none. */
static int first_group(const struct testcase *tc, const char *node, int vrrp, struct tcwin_fhrp *g, struct tcwin *out)
{
	struct tcwin_fhrp all[8];
	int n = tcwin_node_fhrp(tc, node, all, 8);
	for (int i = 0; i < n; i++)
		if (all[i].vrrp == vrrp) {
			*g = all[i];
			return 0;
		}
	snprintf(out->what, sizeof(out->what), "%s has no %s", node,
		 vrrp ? "vrrp line nor `vrrp N` group in its configuration" : "`standby N` group in its configuration");
	return -1;
}

/* DPD settings `d` of node s as its implementation runs them: the line as written, or
 * strongSwan's delay/timeout when strongSwan plays the node (drivers/drv_strongswan.c
 * translates the intent the same way). */
static struct dpd_cfg effective(const struct node_spec *s, struct dpd_cfg d)
{
	if (d.style != DPD_OFF && node_has_daemon(s, "strongswan") && d.style != DPD_STRONGSWAN) {
		/* strongSwan runs the intent with its own semantics (drivers/drv_strongswan.c) */
		double delay, timeout;
		dpd_to_strongswan(&d, &delay, &timeout);
		d.style = DPD_STRONGSWAN;
		d.interval_s = delay;
		d.timeout_s = timeout;
	}
	return d;
}

static void dpd_what(const struct dpd_cfg *d, char *buf, size_t len)
{
	if (d->style == DPD_STRONGSWAN)
		snprintf(buf, len, "strongSwan dpd_delay %g s dpd_timeout %g s", d->interval_s, d->timeout_s);
	else
		snprintf(buf, len, "%s dpd interval %g s retry %g s (%d retransmissions)",
			 d->style == DPD_IOS ? "IOS" : "Comware", d->interval_s, d->retry_s, dpd_retransmissions(d));
}

int tcwin_eval(const struct testcase *tc, const struct tc_window *w, double scale, struct tcwin *out)
{
	return tcwin_eval_at(tc, w, 0, scale, out);
}

/* The node's DPD at the anchor into *d with where it comes from in `from`; -1 (and
 * out->what saying why) when the node runs none there. */
static int dpd_at(const struct testcase *tc, const struct node_spec *s, const char *node, int upto,
		  struct dpd_cfg *d, char *from, size_t fromlen, struct tcwin *out)
{
	int by;
	if (!s) {
		snprintf(out->what, sizeof(out->what), "%s runs no daemon", node);
		return -1;
	}
	*d = effective(s, tc_node_dpd_after(tc, node, upto, &by));
	if (by >= 0)
		snprintf(from, fromlen, ", as configured on line %d", tc->act[by].line);
	else
		from[0] = '\0';
	if (d->style == DPD_OFF) {
		snprintf(out->what, sizeof(out->what), "%s runs no DPD at this anchor (%s)", node,
			 by >= 0 ? "removed by the configure action before it" :
			 "none in its configuration at start, and no configure before the anchor gave it one");
		return -1;
	}
	return 0;
}

int tcwin_eval_at(const struct testcase *tc, const struct tc_window *w, int upto, double scale, struct tcwin *out)
{
	const struct node_spec *s = w->node[0] ? tc_node_spec(tc, w->node) : NULL;
	struct dpd_cfg d;
	char from[48];

	memset(out, 0, sizeof(*out));
	switch (w->formula) {
	case F_LITERAL:
		out->f_lo = w->lo;
		out->f_hi = w->hi;
		snprintf(out->what, sizeof(out->what), "literal");
		break;
	case F_DPD_DETECT: {
		if (dpd_at(tc, s, w->node, upto, &d, from, sizeof(from), out))
			return -1;
		struct time_window tw = dpd_detect_window(&d);
		out->f_lo = tw.lo_s;
		out->f_hi = tw.hi_s;
		out->slack_s = TCWIN_SLACK_S;
		char what[120];
		dpd_what(&d, what, sizeof(what));
		snprintf(out->what, sizeof(out->what), "%s%s", what, from);
		break;
	}
	case F_DPD_PROBE_TO_DEAD: {
		if (dpd_at(tc, s, w->node, upto, &d, from, sizeof(from), out))
			return -1;
		/* one value: first unanswered probe → peer dead (RFC 3706 §5.5 and the vendors'
		 * retransmission counts, fsm/windows.c) */
		out->f_lo = out->f_hi = dpd_probe_to_dead_s(&d);
		char what[120];
		dpd_what(&d, what, sizeof(what));
		snprintf(out->what, sizeof(out->what), "%s: first probe to dead %g s%s", what, out->f_lo, from);
		break;
	}
	case F_DPD_IDLE_TO_PROBE: {
		if (dpd_at(tc, s, w->node, upto, &d, from, sizeof(from), out))
			return -1;
		/* one value: last packet in from the peer → first R-U-THERE (RFC 3706 §5.3: the
		 * sender probes only when it has heard nothing for its interval) */
		out->f_lo = out->f_hi = dpd_idle_to_probe_s(&d);
		char what[120];
		dpd_what(&d, what, sizeof(what));
		snprintf(out->what, sizeof(out->what), "%s: idle to first probe %g s%s", what, out->f_lo, from);
		break;
	}
	case F_VRRP_TAKEOVER: {
		/* the node file's vrrp line, else the refgw configuration's first `vrrp N` */
		struct tcwin_fhrp g;
		if (first_group(tc, w->node, 1, &g, out))
			return -1;
		int ver = g.version == 3 ? 3 : 2;
		struct time_window tw = vrrp_takeover_window(ver, g.priority, g.adver_s, 0);
		out->f_lo = tw.lo_s;
		out->f_hi = tw.hi_s;
		out->slack_s = TCWIN_SLACK_S;
		snprintf(out->what, sizeof(out->what), "VRRPv%d prio %d adv %g s: MDI %.3f s (%s)", ver, g.priority,
			 g.adver_s, vrrp_master_down_s(ver, g.priority, g.adver_s), g.src);
		break;
	}
	case F_HSRP_TAKEOVER: {
		/* RFC 2281 §5.7 event c: Standby → Active within [Hold − Hello, Hold] of the failure */
		struct tcwin_fhrp g;
		if (first_group(tc, w->node, 0, &g, out))
			return -1;
		struct time_window tw = hsrp_takeover_window(g.hello_s, g.hold_s, 0);
		out->f_lo = tw.lo_s;
		out->f_hi = tw.hi_s;
		out->slack_s = TCWIN_SLACK_S;
		snprintf(out->what, sizeof(out->what), "HSRP group %u Hello %g s Hold %g s (%s)", g.group, g.hello_s,
			 g.hold_s, g.src);
		break;
	}
	case F_HSRP_HELLO_GAP: {
		/* RFC 2281 §5.4: the Hello timer is jittered (fsm/windows.c: early, never late) */
		struct tcwin_fhrp g;
		if (first_group(tc, w->node, 0, &g, out))
			return -1;
		struct time_window tw = hsrp_hello_gap_window(g.hello_s, 0);
		out->f_lo = tw.lo_s;
		out->f_hi = tw.hi_s;
		out->slack_s = TCWIN_SLACK_S;
		snprintf(out->what, sizeof(out->what), "HSRP group %u Hello %g s, jitter up to %g s early (%s)", g.group,
			 g.hello_s, hsrp_hello_jitter_max_s(g.hello_s), g.src);
		break;
	}
	default:
		return -1;
	}
	/* Each bound: the point the testcase demands (the formula moved inwards by a
	 * positive `plus LO` / negative `plus HI`) and the tolerance beyond it (the slack and
	 * an outward `plus`), scaled; the tolerance is at least TCWIN_MIN_REAL_S real. */
	double p_lo = out->f_lo + (w->plus_lo > 0 ? w->plus_lo : 0);
	double t_lo = out->slack_s + (w->plus_lo < 0 ? -w->plus_lo : 0);
	double p_hi = out->f_hi + (w->plus_hi < 0 ? w->plus_hi : 0);
	double t_hi = out->slack_s + (w->plus_hi > 0 ? w->plus_hi : 0);
	double tl = t_lo * scale, th = t_hi * scale;
	if (tl < TCWIN_MIN_REAL_S)
		tl = TCWIN_MIN_REAL_S, out->floored = 1;
	if (th < TCWIN_MIN_REAL_S)
		th = TCWIN_MIN_REAL_S, out->floored = 1;
	out->lo = p_lo * scale - tl;
	out->hi = p_hi * scale + th;
	if (out->lo < 0)
		out->lo = 0;
	char sc[32] = "";
	if (scale != 1.0)
		snprintf(sc, sizeof(sc), ", time \u00d7%g", scale);
	snprintf(out->desc, sizeof(out->desc), "[%.3f s, %.3f s] \u2014 %s (%s%s%s)", out->lo, out->hi, w->text,
		 out->what, sc, out->floored ? ", \u226520 ms real" : "");
	return 0;
}
