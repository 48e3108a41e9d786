/* vrrp_fsm.h — one VRRP virtual router (RFC 3768 v2, RFC 5798 v3, IPv4), pure and clock-free.
 *
 * Owns the Initialize/Backup/Master machine of RFC 3768 §6.3-6.4 / RFC 5798 §6.4, its two
 * timers (Adver_Timer, Master_Down_Timer), the receive checks of §7.1 and the counters of
 * dropped advertisements. Durations come from windows.c (vrrp_skew_s, vrrp_master_down_s),
 * so refgw's timers and the harness's takeover windows are the same arithmetic.
 *
 * Not owned here: sockets, the IOS configuration lines (the cfg layer fills vrrp_cfg),
 * the VIP / virtual MAC / gratuitous ARP (the caller acts on VRRP_ACT_BECOME_MASTER and
 * VRRP_ACT_LEAVE_MASTER), the IP header (the caller sends to 224.0.0.18 with TTL 255 from
 * the primary address and the virtual MAC, and passes the received TTL in).
 *
 * Usage: vrrp_init(); vrrp_link() / vrrp_admin() as the interface and `shutdown` change
 * (the first time both are up is the Startup event); vrrp_input() (or vrrp_input_bytes())
 * for each advertisement received on the interface; vrrp_timer() at or after out->next_ms.
 * Every call fills a vrrp_out: the actions to perform, in order, and the next deadline.
 * Times are milliseconds of the caller's (possibly scaled) clock.
 */
#ifndef FSM_VRRP_FSM_H
#define FSM_VRRP_FSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vrrp.h"

#define VRRP_NEVER          UINT64_MAX
#define VRRP_PRIO_OWNER     255       /* RFC 3768 §5.3.4: the address owner */
#define VRRP_PRIO_DEFAULT   100
#define VRRP_PRIO_STOP      0         /* "the current Master has stopped participating" */
#define VRRP_MAX_ACTIONS    8
#define VRRP_LOG_LEN        160

/* What the IOS lines of one group say (`vrrp N ip A [secondary]`, `vrrp N priority P`,
 * `[no] vrrp N preempt [delay minimum S]`, `vrrp N timers advertise [msec] T`,
 * `vrrp N name NAME`; v3: `fhrp version vrrp v3` + `vrrp N address-family ipv4`); the cfg
 * layer fills it. */
struct vrrp_cfg {
	char ifname[16];           /* "Fa0/0": log prefix, as IOS prints it */
	char name[32];             /* `vrrp N name`: what `crypto map … redundancy` refers to */
	uint8_t version;           /* 2 or 3 */
	uint8_t vrid;              /* 1..255 */
	uint8_t priority;          /* 1..254; 255 only if a VIP is the primary address */
	bool preempt;              /* RFC 3768 §6.1 Preempt_Mode, default true */
	uint32_t preempt_delay_ms; /* Backup waits this long after entering Backup before it
	                              ignores a lower-priority Master (0 = at once) */
	bool accept_mode;          /* RFC 5798 §6.1 Accept_Mode, default false */
	uint16_t adver_int_cs;     /* Advertisement_Interval; v2: whole seconds × 100 */
	uint32_t primary_ip;       /* the interface's own address (host order) */
	uint8_t nvips;
	uint32_t vips[VRRP_MAX_ADDRS];   /* host order, as sent in the advertisement */
};

enum vrrp_state { VRRP_ST_INIT = 0, VRRP_ST_BACKUP, VRRP_ST_MASTER, VRRP_ST_MAX };

/* Why a received advertisement was dropped (the counter key; RFC 3768 §7.1 / 5798 §7.1). */
enum vrrp_drop {
	VRRP_DROP_DECODE = 0,   /* the codec refused it (vrrp_input_bytes only) */
	VRRP_DROP_TTL,          /* IP TTL ≠ 255 */
	VRRP_DROP_VERSION,      /* not the configured version */
	VRRP_DROP_CHECKSUM,
	VRRP_DROP_VRID,         /* not our group */
	VRRP_DROP_AUTH,         /* v2 Auth Type ≠ 0 (RFC 3768 §5.3.6: 1 and 2 are reserved) */
	VRRP_DROP_INTERVAL,     /* v2 Adver Int ≠ ours; v3 interval 0 */
	VRRP_DROP_ADDRS,        /* address list ≠ ours from a non-owner */
	VRRP_DROP_OWN,          /* our own advertisement looped back */
	VRRP_DROP_INACTIVE,     /* received in Initialize (interface or group down) */
	VRRP_DROP_MAX
};

enum vrrp_act_type {
	VRRP_ACT_LOG,           /* text: one log line */
	VRRP_ACT_SEND_ADVERT,   /* pkt: encode, send from the primary address and the vMAC */
	VRRP_ACT_BECOME_MASTER, /* add the VIPs and the vMAC, gratuitous ARP for each VIP */
	VRRP_ACT_LEAVE_MASTER,  /* remove them; stop answering ARP for the VIPs */
};

struct vrrp_action {
	enum vrrp_act_type type;
	struct vrrp_pkt pkt;          /* SEND_ADVERT */
	char text[VRRP_LOG_LEN];      /* LOG */
};

struct vrrp_out {
	unsigned n;
	struct vrrp_action act[VRRP_MAX_ACTIONS];
	uint64_t next_ms;             /* call vrrp_timer then; VRRP_NEVER: only on news */
};

/* One received advertisement, already decoded. */
struct vrrp_rx {
	const struct vrrp_pkt *pkt;
	uint32_t src_ip;              /* IP source (host order): the sender's primary address */
	uint8_t ttl;                  /* IP TTL as received */
};

struct vrrp_rtr {
	struct vrrp_cfg cfg;
	enum vrrp_state state;
	bool link_up, admin_up;
	uint16_t master_adver_cs;     /* RFC 5798 §6.1 Master_Adver_Interval (v2: = config) */
	uint64_t adver_timer_ms;      /* Master: next advertisement, else VRRP_NEVER */
	uint64_t master_down_ms;      /* Backup: Master_Down_Timer, else VRRP_NEVER */
	uint64_t backup_since_ms;     /* entered Backup (preempt delay) */
	uint32_t master_ip;           /* last Master heard (0: none), for show vrrp */
	uint8_t master_prio;
	uint64_t adverts_tx, adverts_rx, prio0_tx, prio0_rx, became_master;
	uint64_t drops[VRRP_DROP_MAX];
	uint64_t drop_logged_ms[VRRP_DROP_MAX];   /* one log line per reason per 10 s */
};

/* 0, or -1 with why (e.g. "v2 advertise interval must be whole seconds 1-255, have 150 cs"). */
int vrrp_cfg_check(const struct vrrp_cfg *c, char *why, size_t len);
/* Start in Initialize with link and admin down; -1 if vrrp_cfg_check fails. */
int vrrp_init(struct vrrp_rtr *r, const struct vrrp_cfg *c);
/* Interface up/down. Down: Shutdown event without a priority-0 advert (nothing can go out). */
void vrrp_link(struct vrrp_rtr *r, uint64_t now_ms, bool up, struct vrrp_out *out);
/* `[no] vrrp N shutdown`: shutdown sends priority 0 when Master (RFC 3768 §6.4.3). */
void vrrp_admin(struct vrrp_rtr *r, uint64_t now_ms, bool up, struct vrrp_out *out);
/* An advertisement received on the interface (decoded). */
void vrrp_input(struct vrrp_rtr *r, uint64_t now_ms, const struct vrrp_rx *rx, struct vrrp_out *out);
/* The same from bytes (IP payload): decode failures are counted as VRRP_DROP_DECODE. */
void vrrp_input_bytes(struct vrrp_rtr *r, uint64_t now_ms, const uint8_t *buf, size_t len,
		      uint32_t src_ip, uint32_t dst_ip, uint8_t ttl, struct vrrp_out *out);
/* Fire whichever timer is due at now_ms. */
void vrrp_timer(struct vrrp_rtr *r, uint64_t now_ms, struct vrrp_out *out);
/* The next deadline (VRRP_NEVER if none). */
uint64_t vrrp_next_ms(const struct vrrp_rtr *r);

/* Effective priority: 255 when a VIP is the primary address (RFC 3768 §5.3.4), else cfg. */
uint8_t vrrp_priority(const struct vrrp_rtr *r);
bool vrrp_is_owner(const struct vrrp_cfg *c);
/* Master answers ARP for the VIPs; Backup and Initialize MUST NOT (RFC 3768 §6.4.2). */
bool vrrp_answers_arp(const struct vrrp_rtr *r);
/* Master accepts packets to the VIPs only as owner or with Accept_Mode (RFC 5798 §6.4.3). */
bool vrrp_accepts_vip_traffic(const struct vrrp_rtr *r);
/* RFC 3768 §7.3: 00-00-5E-00-01-{VRID}. */
void vrrp_vmac(uint8_t vrid, uint8_t mac[6]);
/* Skew_Time and Master_Down_Interval as this router computes them now, in ms. */
uint64_t vrrp_skew_ms(const struct vrrp_rtr *r);
uint64_t vrrp_master_down_ms(const struct vrrp_rtr *r);

const char *vrrp_state_name(enum vrrp_state s);   /* IOS words: "Init", "Backup", "Master" */
const char *vrrp_drop_name(enum vrrp_drop d);     /* "decode", "ttl", "version", … */

#endif
