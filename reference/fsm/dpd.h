/* dpd.h — Dead Peer Detection policy for one ISAKMP SA (RFC 3706), pure and clock-free.
 *
 * Owns WHEN to probe and when the peer is dead; the IKE engine (ike.h) owns the wire
 * (R-U-THERE / R-U-THERE-ACK, sequence numbers) and the caller owns the clock and the
 * timer. Every time is in milliseconds of the caller's (possibly scaled) clock; every
 * duration comes from windows.c, so refgw's timers and the harness's expectation
 * windows are the same arithmetic.
 *
 *   periodic   probe once nothing came in from the peer for INTERVAL
 *   on-demand  probe INTERVAL after the first packet sent to the peer since the last
 *              thing that came in, if nothing came in since (seed 000: "如果路由器加密了
 *              数据并发给了对等体,但在一定时间内没有解密任何源自于对等体的数据"; its
 *              example: one echo at second 4, "等待15秒后" the probes start). Idle tunnels
 *              are not probed (RFC 3706 §5.5; seed 000: "如果一台路由器暂时不准备加密任何
 *              数据,那么它也不会发送 DPD 信息"). The first such packet is the last_out_ms
 *              seen at the first evaluation after it — exact when the caller calls
 *              dpd_step() as packets go out while wait_outbound is set.
 *   then       the unanswered R-U-THERE is retransmitted at k·RETRY after the first one,
 *              k = 1..N (IOS N = 5, "attempt k of 5"; Comware N = 2), and the peer is
 *              dead at (N + 1)·RETRY — dpd_probe_to_dead_s(). The schedule hangs off the
 *              first probe, so a late evaluation never shifts the later deadlines.
 *   alive      any R-U-THERE-ACK for the outstanding sequence, or anything authenticated
 *              from the peer after the first probe, ends the round (RFC 3706 §5.4/§6).
 *
 * Usage: dpd_init() when the SA is established, with the settings of that moment (a
 * change of keepalive settings applies to new SAs only, seed 000: "DPD 特性并不会影响已经
 * 建立的安全关联"); then call dpd_step() at (or after) the returned next_ms and whenever
 * the inputs changed; act on the returned action (send R-U-THERE, delete the SAs).
 * One action per call; call again if next_ms <= now. strongSwan-style settings (its
 * own timer model, harness only) and DPD_OFF never probe.
 */
#ifndef FSM_DPD_H
#define FSM_DPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "windows.h"

#define DPD_NEVER UINT64_MAX

enum dpd_phase {
	DPD_PH_IDLE,        /* no probe outstanding */
	DPD_PH_PROBING,     /* R-U-THERE sent, no sign of life since */
	DPD_PH_DEAD,        /* declared dead: nothing more (the SA is going away) */
};

enum dpd_action {
	DPD_ACT_NONE,       /* nothing to do now */
	DPD_ACT_PROBE,      /* send the first R-U-THERE of a round */
	DPD_ACT_RETRANSMIT, /* send another R-U-THERE: retransmission `attempt` of `attempts` */
	DPD_ACT_ALIVE,      /* the peer answered: round over (for the log) */
	DPD_ACT_DEAD,       /* the peer is dead: delete every SA with it */
};

struct dpd_sa {
	struct dpd_cfg cfg;       /* snapshot taken when the SA was established */
	enum dpd_phase phase;
	unsigned attempt;         /* retransmissions sent in this round */
	uint64_t probe_ms;        /* first R-U-THERE of the round */
	uint64_t next_ms;         /* PROBING: next retransmission or death */
	uint64_t heard_ms;        /* last ACK seen through dpd_input.ack */
	uint64_t out_since_ms;    /* on-demand: first packet out after the last sign of life */
};

struct dpd_input {
	uint64_t now_ms;
	uint64_t last_in_ms;      /* last authenticated IKE message or decrypted ESP from the peer */
	uint64_t last_out_ms;     /* last packet encrypted towards the peer (on-demand) */
	bool ack;                 /* an R-U-THERE-ACK for the outstanding sequence arrived */
};

struct dpd_result {
	enum dpd_action action;
	unsigned attempt, attempts;   /* RETRANSMIT: attempt of attempts; PROBE: 0 of N */
	uint64_t next_ms;             /* call dpd_step again then; DPD_NEVER: only on news */
	bool wait_outbound;           /* on-demand, quiet for INTERVAL, nothing sent: a packet
	                                 going out makes a probe due at once */
};

/* Start the machine for an SA just established; cfg NULL = no DPD. */
void dpd_init(struct dpd_sa *s, const struct dpd_cfg *cfg);
/* Does this snapshot ever probe? (IOS or Comware style with an interval) */
bool dpd_active(const struct dpd_cfg *cfg);
/* Evaluate at in->now_ms; see the header comment. */
struct dpd_result dpd_step(struct dpd_sa *s, const struct dpd_input *in);

struct ios_keepalive;
/* The DPD settings a configuration line gives (cfg/ios_cfg.h: IOS `crypto isakmp
 * keepalive` or Comware `ike dpd`), as refgw runs them and the harness judges them;
 * DPD_OFF when none is configured. */
void dpd_cfg_from_ios(const struct ios_keepalive *ka, struct dpd_cfg *out);

/* Settings as one line: "DPD 10/2 periodic", "DPD 3/3 periodic (Comware)",
 * "DPD 15/2 on-demand", "no DPD". Returns buf. */
const char *dpd_cfg_describe(const struct dpd_cfg *cfg, char *buf, size_t len);
const char *dpd_phase_name(enum dpd_phase p);    /* "idle", "probing", "dead" */
const char *dpd_action_name(enum dpd_action a);  /* "none", "probe", "retransmit", … */
const char *dpd_style_name(enum dpd_style st);   /* "off", "ios", "comware", "strongswan" */

#endif
