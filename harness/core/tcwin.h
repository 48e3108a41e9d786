/* tcwin.h — the time window of one expectation, in one rule: the formula of a node's
 * configuration (reference/fsm/windows.c; DPD as in force at the window's anchor, so a
 * run-time `configure` counts from the moment it ran) or a literal, widened by the harness's slack
 * and the testcase's `plus LO..HI` allowance, scaled by --time-scale, and never asking
 * for better than TCWIN_MIN_REAL_S of real scheduling accuracy on either side
 * (README, "Windows and the time scale").
 */
#ifndef HARNESS_TCWIN_H
#define HARNESS_TCWIN_H

#include "testcase.h"

/* Scheduling and capture-timestamp allowance added on both sides of the timer formulas
 * that run on a peer's clock (dpd-detect, vrrp-takeover), in testcase seconds: daemons
 * run their timers on a busy 2-core machine. dpd-probe-to-dead and literal windows get
 * none: the testcase says its tolerance with `plus LO..HI`. */
#define TCWIN_SLACK_S 0.3
/* The least tolerance of a window bound, in real seconds, whatever the time scale:
 * `plus -0.15..0.15` is ±150 ms at --time-scale 1 and ±20 ms (not ±15 ms) at 0.1. */
#define TCWIN_MIN_REAL_S 0.02

struct tcwin {
	double f_lo, f_hi;   /* the formula's own bounds (testcase seconds) */
	double slack_s;      /* TCWIN_SLACK_S or 0 */
	double lo, hi;       /* the accepted window after the anchor, real seconds */
	int floored;         /* a bound was widened to TCWIN_MIN_REAL_S */
	char what[160];      /* what the formula read: "IOS keepalive 10 s retry 2 s (5 retransmissions)" */
	char desc[224];      /* "[lo s, hi s] — TEXT (WHAT, …)" for reports */
};

/* Evaluate w for testcase tc at time scale `scale` with the DPD settings of the node's
 * configuration at start; 0, or -1 when the formula's node lacks what it reads (no DPD /
 * no vrrp line; out->what says so). */
int tcwin_eval(const struct testcase *tc, const struct tc_window *w, double scale, struct tcwin *out);
/* The same with the node's DPD settings in force at the window's anchor: after the first
 * `upto` actions of the timeline (those that ran before the anchor), so a `configure`
 * that changed DPD moves the dpd-* windows anchored after it (tc_node_dpd_after). */
int tcwin_eval_at(const struct testcase *tc, const struct tc_window *w, int upto, double scale, struct tcwin *out);

/* One HSRP/VRRP group of a node as its files say: the node file's `vrrp` lines, then the
 * refgw configuration's `standby N …` / `vrrp N …` groups (reference/cfg struct ios_fhrp,
 * IOS defaults filled: Hello 3 s, Hold 10 s, AdverInt 1 s). */
struct tcwin_fhrp {
	int vrrp;                  /* 1 VRRP, 0 HSRP */
	unsigned group, version;
	int priority, preempt;
	double hello_s, hold_s;    /* HSRP */
	double adver_s;            /* VRRP */
	char src[64];              /* "F1090-1.node:3", "7204VXR-1.cfg:60" */
};
/* Up to max groups of `node` into out; returns how many (0: none, or unreadable config). */
int tcwin_node_fhrp(const struct testcase *tc, const char *node, struct tcwin_fhrp *out, int max);

#endif
