/* hsrp_fsm.h — one HSRP standby group (RFC 2281; v2 as Cisco runs it), pure and clock-free.
 *
 * Owns the six-state machine of RFC 2281 §5.3 driven by the events a..l of §5.5 through
 * the table of §5.7 (actions A..I of §5.6), its three timers (Active, Standby, Hello —
 * the Hello timer jittered through an injected random function), the Active/Standby
 * router it has heard of, priority tracking, preemption (with IOS `preempt delay
 * minimum`), the receive checks (group, version, authentication, timers, own packets)
 * and the counters of dropped messages; log lines in IOS `debug standby events` wording.
 *
 * Not owned here: sockets, the IOS configuration lines (the cfg layer fills hsrp_cfg),
 * the VIP / virtual MAC / gratuitous ARP (the caller acts on HSRP_ACT_BECOME_ACTIVE and
 * HSRP_ACT_LEAVE_ACTIVE), the IP header (the caller sends to 224.0.0.2 (v1) or
 * 224.0.0.102 (v2), UDP 1985, TTL 1, from the interface's own address; from the virtual
 * MAC when the action says so, RFC 2281 §6.1).
 *
 * Usage: hsrp_fsm_init(); hsrp_fsm_link() / hsrp_fsm_admin() as the interface and the
 * group come and go (the first time both are up is event a); hsrp_fsm_track() when a
 * tracked interface changes; hsrp_fsm_input() (or hsrp_fsm_input_bytes()) for each
 * message received on UDP 1985; hsrp_fsm_timer() at or after out->next_ms. Every call
 * fills an hsrp_out: the actions to perform, in order, and the next deadline.
 * Times are milliseconds of the caller's (possibly scaled) clock.
 *
 * Timers follow the table literally: a timer that expires in a state with no action for
 * it stays expired and fires on entering a state that has one (seed 001: "Speak:
 * d/Standby timer expired" is followed at once by "Standby: c/Active timer expired").
 * A lone router is therefore Active 2 × Holdtime after event a.
 */
#ifndef FSM_HSRP_FSM_H
#define FSM_HSRP_FSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hsrp.h"

#define HSRP_NEVER          UINT64_MAX
#define HSRP_PRIO_DEFAULT   100
#define HSRP_HELLO_DEFAULT_MS 3000u    /* RFC 2281 §5.1: Hellotime 3 s RECOMMENDED */
#define HSRP_HOLD_DEFAULT_MS  10000u   /* RFC 2281 §5.1: Holdtime 10 s RECOMMENDED */
#define HSRP_TRACK_DEFAULT_DEC 10      /* IOS `standby N track IF` without a decrement */
#define HSRP_MAX_TRACK      4
#define HSRP_MAX_ACTIONS    24
#define HSRP_LOG_LEN        160

/* What the IOS lines of one group say (`standby N ip A`, `standby N priority P`,
 * `standby N preempt [delay minimum S]`, `standby N timers [msec] H [msec] D`,
 * `standby N name NAME`, `standby N track IF [DEC]`, `standby N authentication TEXT`,
 * `standby version 2`); the cfg layer fills it. */
struct hsrp_cfg {
	char ifname[32];           /* "FastEthernet0/0" (logs abbreviate it to "Fa0/0") */
	char name[32];             /* `standby N name`: what `crypto map … redundancy` names */
	uint8_t version;           /* 1 or 2 */
	uint16_t group;            /* v1 0..255, v2 0..4095 */
	uint32_t vip;              /* host order; 0 = not configured: learned (state Learn) */
	uint8_t priority;          /* 1..255; 0 = the default 100 */
	bool preempt;
	uint32_t preempt_delay_ms; /* `preempt delay minimum S`: no Coup before S after event a */
	uint32_t hello_ms, hold_ms;/* 0 = not configured: defaults, learned from the Active */
	char auth[9];              /* text authentication, default "cisco" when empty */
	uint32_t real_ip;          /* the interface's own address (host order) */
	uint8_t real_mac[6];       /* the interface's MAC (v2 identifier) */
	unsigned ntrack;
	struct { char ifname[32]; uint8_t decrement; } track[HSRP_MAX_TRACK];
};

/* Why a received message was dropped (the counter key). */
enum hsrp_drop {
	HSRP_DROP_DECODE = 0,   /* the codec refused it (hsrp_fsm_input_bytes only) */
	HSRP_DROP_VERSION,      /* not the configured version */
	HSRP_DROP_GROUP,        /* not our group */
	HSRP_DROP_AUTH,         /* RFC 2281 §5.1: authentication data differ */
	HSRP_DROP_TIMERS,       /* RFC 2281 §5.1: Holdtime MUST be greater than Hellotime */
	HSRP_DROP_OWN,          /* our own message looped back */
	HSRP_DROP_OPCODE,       /* Advertise (op 3) or MD5 authentication: not handled */
	HSRP_DROP_INACTIVE,     /* received in Initial (interface or group down) */
	HSRP_DROP_MAX
};

enum hsrp_act_type {
	HSRP_ACT_LOG,           /* text: one log line */
	HSRP_ACT_SEND,          /* pkt: encode and send; from the virtual MAC iff use_vmac */
	HSRP_ACT_BECOME_ACTIVE, /* add the VIP and the virtual MAC (start forwarding for it) */
	HSRP_ACT_GARP,          /* RFC 2281 §5.6 I: gratuitous ARP, vMAC as source and inside */
	HSRP_ACT_LEAVE_ACTIVE,  /* remove them (RFC 2281 §6.1: stop accepting for the vMAC) */
};

struct hsrp_action {
	enum hsrp_act_type type;
	struct hsrp_pkt pkt;          /* SEND */
	bool use_vmac;                /* SEND: RFC 2281 §6.1, iff the sender is Active */
	char text[HSRP_LOG_LEN];      /* LOG */
};

struct hsrp_out {
	unsigned n;
	struct hsrp_action act[HSRP_MAX_ACTIONS];
	uint64_t next_ms;             /* call hsrp_fsm_timer then; HSRP_NEVER: only on news */
};

/* A random 32-bit number for the Hello jitter (tests inject a fixed sequence). */
typedef uint32_t (*hsrp_rand_fn)(void *ctx);

struct hsrp_grp {
	struct hsrp_cfg cfg;
	hsrp_rand_fn rnd;
	void *rnd_ctx;
	enum hsrp_state state;
	bool link_up, admin_up;
	uint32_t vip;                 /* configured or learned */
	uint32_t hello_ms, hold_ms;   /* in use (configured, default or learned) */
	bool track_down[HSRP_MAX_TRACK];
	uint8_t priority;             /* in use: configured minus the down tracks' decrements */
	uint64_t active_due, standby_due, hello_due;   /* HSRP_NEVER = stopped */
	uint64_t enabled_ms;          /* event a (preempt delay counts from it) */
	uint32_t active_ip;           /* 0 unknown; real_ip = local */
	uint32_t active_prio;
	uint32_t standby_ip;
	uint32_t standby_prio;
	unsigned changes;             /* state changes as `show standby` counts them */
	uint64_t last_change_ms;
	uint32_t diffvip_logged;      /* last foreign VIP warned about */
	unsigned long drops[HSRP_DROP_MAX];
	unsigned long rx, tx;
};

/* Start a group in Initial with both the interface and the group down. rnd may be NULL
 * (no jitter). The cfg is copied; defaults fill its zero fields. */
void hsrp_fsm_init(struct hsrp_grp *g, const struct hsrp_cfg *cfg, hsrp_rand_fn rnd, void *rnd_ctx);
/* Interface line protocol up/down (down: event b, no Resign can leave). */
void hsrp_fsm_link(struct hsrp_grp *g, uint64_t now_ms, bool up, struct hsrp_out *out);
/* Group enabled/disabled by configuration (disabled while Active: Resign, §5.7 b CDH). */
void hsrp_fsm_admin(struct hsrp_grp *g, uint64_t now_ms, bool up, struct hsrp_out *out);
/* A tracked interface changed: the priority in use drops by its decrement while down. */
void hsrp_fsm_track(struct hsrp_grp *g, uint64_t now_ms, const char *ifname, bool up,
		    struct hsrp_out *out);
/* A decoded message from src_ip (host order). */
void hsrp_fsm_input(struct hsrp_grp *g, uint64_t now_ms, const struct hsrp_pkt *p,
		    uint32_t src_ip, struct hsrp_out *out);
/* The UDP payload as received: decode (drops counted as HSRP_DROP_DECODE) and input. */
void hsrp_fsm_input_bytes(struct hsrp_grp *g, uint64_t now_ms, const uint8_t *buf, size_t len,
			  uint32_t src_ip, struct hsrp_out *out);
/* Run the timers due at now_ms. */
void hsrp_fsm_timer(struct hsrp_grp *g, uint64_t now_ms, struct hsrp_out *out);

/* RFC 2281 §6.1 0000.0c07.acXX (v1); 0000.0c9f.fXXX (v2, group ≤ 4095). */
void hsrp_fsm_vmac(uint8_t version, uint16_t group, uint8_t mac[6]);
/* `show standby` for this group in the format of seed 001; returns buf. */
const char *hsrp_fsm_show(const struct hsrp_grp *g, uint64_t now_ms, char *buf, size_t len);
/* IOS state names as logs print them: "Init", "Learn", "Listen", "Speak", "Standby", … */
const char *hsrp_fsm_state_name(enum hsrp_state s);
const char *hsrp_drop_name(enum hsrp_drop d);   /* "decode", "version", "group", … */

#endif
