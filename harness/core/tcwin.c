/* tcwin.c — expectation windows (see tcwin.h). */
#include <stdio.h>
#include <string.h>
#include "tcwin.h"

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
		if (!s || !s->nvrrp) {
			snprintf(out->what, sizeof(out->what), "%s has no vrrp line", w->node);
			return -1;
		}
		const struct node_vrrp *v = &s->vrrp[0];
		struct time_window tw = vrrp_takeover_window(v->version, v->priority, v->adver_int_s, 0);
		out->f_lo = tw.lo_s;
		out->f_hi = tw.hi_s;
		out->slack_s = TCWIN_SLACK_S;
		snprintf(out->what, sizeof(out->what), "VRRPv%d prio %d adv %g s: MDI %.3f s", v->version, v->priority,
			 v->adver_int_s, vrrp_master_down_s(v->version, v->priority, v->adver_int_s));
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
