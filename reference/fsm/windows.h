/* windows.h — every timing formula of the product, in one place.
 *
 * refgw's timers and the harness's expectation windows both come from here, so a
 * measured time is always judged against the same arithmetic the configuration implies.
 * Times are in seconds (double); a window is [lo, hi] relative to a named moment.
 */
#ifndef FSM_WINDOWS_H
#define FSM_WINDOWS_H

/* How a configuration line describes DPD; each vendor's semantics differ. */
enum dpd_style {
	DPD_OFF = 0,
	DPD_IOS,          /* crypto isakmp keepalive SECS [RETRY] [periodic|on-demand]: retransmit
	                     every RETRY, 5 times, then dead (seed 001 debug, seed 000) */
	DPD_COMWARE,      /* ike dpd interval I retry R {periodic|on-demand}: 2 retransmissions,
	                     dead R after the last (HPE MSR guide; seed 003) */
	DPD_STRONGSWAN,   /* swanctl dpd_delay D, dpd_timeout T (IKEv1): probe once nothing came in
	                     for D, new probe every D (no retransmission), dead at the first
	                     probe time with nothing received for T */
};
enum dpd_mode { DPD_ON_DEMAND = 0, DPD_PERIODIC = 1 };

struct dpd_cfg {
	enum dpd_style style;
	enum dpd_mode mode;
	double interval_s;   /* IOS SECS, Comware I, strongSwan dpd_delay */
	double retry_s;      /* IOS RETRY (default 2), Comware R (default 5) */
	double timeout_s;    /* strongSwan dpd_timeout */
};

struct time_window { double lo_s, hi_s; };

/* Retransmissions after the first unanswered probe before the peer is dead. */
int dpd_retransmissions(const struct dpd_cfg *c);
/* RETRY as the vendor reads it: retry_s, or the default when 0 (IOS 2 s, Comware 5 s). */
double dpd_retry_s(const struct dpd_cfg *c);
/* From the last packet received from the peer to the first R-U-THERE (IOS/Comware: the
 * interval, periodic or on-demand with traffic going out; strongSwan: dpd_delay). */
double dpd_idle_to_probe_s(const struct dpd_cfg *c);
/* The k-th step after the first unanswered probe (IOS/Comware): k = 1..N is the k-th
 * retransmission, k = N + 1 the "peer dead" moment; k·RETRY. 0 for other styles. */
double dpd_step_after_probe_s(const struct dpd_cfg *c, int k);
/* From the first unanswered probe to "peer dead" (= dpd_step_after_probe_s(c, N + 1)). */
double dpd_probe_to_dead_s(const struct dpd_cfg *c);
/* From the moment the peer goes silent (last packet received from it) to "peer dead",
 * for a periodic sender or an on-demand sender with outbound traffic flowing. */
struct time_window dpd_detect_window(const struct dpd_cfg *c);
/* The same DPD intent translated to strongSwan's knobs (delay/timeout) for its driver. */
void dpd_to_strongswan(const struct dpd_cfg *c, double *delay_s, double *timeout_s);

/* VRRP (RFC 3768 §6.1 v2: skew independent of the interval; RFC 5798 §6.1 v3: scaled). */
double vrrp_skew_s(int version, int priority, double adver_int_s);
double vrrp_master_down_s(int version, int priority, double adver_int_s);
/* Backup → Master after the Master's last advertisement: [MDI − one interval of phase, MDI]
 * widened by `slack_s` (scheduling, capture timestamps). */
struct time_window vrrp_takeover_window(int version, int priority, double adver_int_s, double slack_s);

/* HSRP (RFC 2281 §5.7 event c): Standby → Active within [Hold − Hello, Hold] of the failure. */
struct time_window hsrp_takeover_window(double hello_s, double hold_s, double slack_s);
/* HSRP Hello jitter (RFC 2281 §5.4: the Hello timer MUST be jittered): refgw sends each
 * Hello up to this much early, never late, so Hold − Hello still bounds detection. */
double hsrp_hello_jitter_max_s(double hello_s);
/* Gap between two Hellos of one router: [Hello − jitter, Hello] widened by slack_s. */
struct time_window hsrp_hello_gap_window(double hello_s, double slack_s);

/* Scale a window (harness --time-scale). */
struct time_window window_scale(struct time_window w, double scale);

#endif
