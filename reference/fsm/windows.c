/* windows.c — the timing formulas (see windows.h). One place, used by refgw's timers
 * and by the harness's expectation windows alike. */
#include "windows.h"

/* Retransmissions of an unanswered probe before the peer is declared dead. */
int dpd_retransmissions(const struct dpd_cfg *c)
{
	switch (c->style) {
	case DPD_IOS:     return 5;   /* seed 001: five "incrementing error counter", then dead */
	case DPD_COMWARE: return 2;   /* seed 003: "重传两次之后仍然没有收到 … 删除该IKE SA" */
	default:          return 0;
	}
}

double dpd_retry_s(const struct dpd_cfg *c)
{
	if (c->retry_s > 0)
		return c->retry_s;
	switch (c->style) {
	case DPD_IOS:     return 2;   /* crypto isakmp keepalive SECS [RETRY]: default 2 s */
	case DPD_COMWARE: return 5;   /* ike dpd interval I [retry R]: default 5 s */
	default:          return 0;
	}
}

double dpd_idle_to_probe_s(const struct dpd_cfg *c)
{
	/* RFC 3706 §5.5: worry only once nothing came in for the interval */
	return c->style == DPD_OFF ? 0 : c->interval_s;
}

double dpd_step_after_probe_s(const struct dpd_cfg *c, int k)
{
	switch (c->style) {
	case DPD_IOS:
	case DPD_COMWARE:
		/* first probe at 0, retransmissions 1..N every RETRY, dead RETRY after the last */
		if (k < 1 || k > dpd_retransmissions(c) + 1)
			return 0;
		return k * dpd_retry_s(c);
	default:
		return 0;
	}
}

double dpd_probe_to_dead_s(const struct dpd_cfg *c)
{
	switch (c->style) {
	case DPD_IOS:
	case DPD_COMWARE:
		return dpd_step_after_probe_s(c, dpd_retransmissions(c) + 1);
	case DPD_STRONGSWAN:
		return c->timeout_s;
	default:
		return 0;
	}
}

struct time_window dpd_detect_window(const struct dpd_cfg *c)
{
	struct time_window w = { 0, 0 };

	switch (c->style) {
	case DPD_IOS:
	case DPD_COMWARE:
		/* RFC 3706 §5.5: a probe goes out once nothing came in for `interval`; the
		 * peer's last packet may have come up to one interval before it fell silent
		 * (idle periodic mode) or right at that moment (traffic flowing). */
		w.lo_s = dpd_probe_to_dead_s(c);
		w.hi_s = dpd_idle_to_probe_s(c) + dpd_probe_to_dead_s(c);
		break;
	case DPD_STRONGSWAN:
		/* charon 5.9.8 (IKEv1, ike_sa.c send_dpd): a DPD job runs every dpd_delay while
		 * nothing came in for dpd_delay; each run sends a new R-U-THERE (never a
		 * retransmission) and kills the SA once nothing came in for dpd_timeout. Times
		 * are whole seconds, so "nothing for T" can hold up to 1 s early, and the peer's
		 * last packet may precede its silence by one traffic interval (≤ 1 s with the
		 * documents' pings). With traffic (or ACKs) flowing until the peer falls silent:
		 * dead in [T − 2, T + D]. Measured (rbm-switchover-dpd, D 3 T 9, ping every
		 * 0.5 s): 8.00 s and 7.85 s; idle tunnel, cut 0.33/1.51/2.73 s after an answered
		 * probe: 8.7/7.5/6.3 s (harness/drivers lab runs). */
		w.lo_s = c->timeout_s - 2;
		w.hi_s = c->timeout_s + c->interval_s;
		break;
	default:
		break;
	}
	return w;
}

void dpd_to_strongswan(const struct dpd_cfg *c, double *delay_s, double *timeout_s)
{
	if (c->style == DPD_OFF) {
		*delay_s = 0;
		*timeout_s = 0;
	} else if (c->style == DPD_STRONGSWAN) {
		*delay_s = c->interval_s;
		*timeout_s = c->timeout_s;
	} else {
		/* keep the vendor's "dead after probe + retransmissions" budget: strongSwan
		 * does not retransmit, it waits dpd_timeout after its probe */
		*delay_s = c->interval_s;
		*timeout_s = dpd_probe_to_dead_s(c);
	}
}

double vrrp_skew_s(int version, int priority, double adver_int_s)
{
	if (version == 3)
		return ((256.0 - priority) * adver_int_s) / 256.0;   /* RFC 5798 §6.1 */
	return (256.0 - priority) / 256.0;                       /* RFC 3768 §6.1 */
}

double vrrp_master_down_s(int version, int priority, double adver_int_s)
{
	/* RFC 3768 §6.1 / RFC 5798 §6.1: (3 * Advertisement_Interval) + Skew_time */
	return 3.0 * adver_int_s + vrrp_skew_s(version, priority, adver_int_s);
}

struct time_window vrrp_takeover_window(int version, int priority, double adver_int_s, double slack_s)
{
	double mdi = vrrp_master_down_s(version, priority, adver_int_s);
	struct time_window w = { mdi - adver_int_s - slack_s, mdi + slack_s };

	if (w.lo_s < 0)
		w.lo_s = 0;
	return w;
}

struct time_window hsrp_takeover_window(double hello_s, double hold_s, double slack_s)
{
	/* RFC 2281 §5.7 event c: the Active timer (Hold) runs from the last Hello heard */
	struct time_window w = { hold_s - hello_s - slack_s, hold_s + slack_s };

	if (w.lo_s < 0)
		w.lo_s = 0;
	return w;
}

double hsrp_hello_jitter_max_s(double hello_s)
{
	/* RFC 2281 §5.4 says "MUST be jittered" without an amount: up to a tenth early */
	return hello_s / 10.0;
}

struct time_window hsrp_hello_gap_window(double hello_s, double slack_s)
{
	struct time_window w = { hello_s - hsrp_hello_jitter_max_s(hello_s) - slack_s, hello_s + slack_s };

	if (w.lo_s < 0)
		w.lo_s = 0;
	return w;
}

struct time_window window_scale(struct time_window w, double scale)
{
	w.lo_s *= scale;
	w.hi_s *= scale;
	return w;
}
