/* tcwin.c — expectation windows (see tcwin.h). */
#include <stdio.h>
#include <string.h>
#include "tcwin.h"

struct dpd_cfg tcwin_effective_dpd(const struct node_spec *s)
{
	struct dpd_cfg d = s->dpd;
	if (d.style != DPD_OFF && node_has_daemon(s, "strongswan") && d.style != DPD_STRONGSWAN) {
		/* strongSwan runs the intent with its own semantics (drivers/drv_strongswan.c) */
		double delay, timeout;
		dpd_to_strongswan(&s->dpd, &delay, &timeout);
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
	const struct node_spec *s = w->node[0] ? tc_node_spec(tc, w->node) : NULL;

	memset(out, 0, sizeof(*out));
	switch (w->formula) {
	case F_LITERAL:
		out->f_lo = w->lo;
		out->f_hi = w->hi;
		snprintf(out->what, sizeof(out->what), "literal");
		break;
	case F_DPD_DETECT: {
		if (!s || s->dpd.style == DPD_OFF)
			return -1;
		struct dpd_cfg d = tcwin_effective_dpd(s);
		struct time_window tw = dpd_detect_window(&d);
		out->f_lo = tw.lo_s;
		out->f_hi = tw.hi_s;
		out->slack_s = TCWIN_SLACK_S;
		dpd_what(&d, out->what, sizeof(out->what));
		break;
	}
	case F_DPD_PROBE_TO_DEAD: {
		if (!s || s->dpd.style == DPD_OFF)
			return -1;
		struct dpd_cfg d = tcwin_effective_dpd(s);
		/* one value: first unanswered probe → peer dead (RFC 3706 §5.5 and the vendors'
		 * retransmission counts, fsm/windows.c) */
		out->f_lo = out->f_hi = dpd_probe_to_dead_s(&d);
		char what[120];
		dpd_what(&d, what, sizeof(what));
		snprintf(out->what, sizeof(out->what), "%s: first probe to dead %g s", what, out->f_lo);
		break;
	}
	case F_VRRP_TAKEOVER: {
		if (!s || !s->nvrrp)
			return -1;
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
