/* gw.h — refgw, the daemon: the glue between the layers (not a library contract).
 *
 *   gw_main.c   arguments, start-up order, signals, shutdown
 *   gw_apply.c  IOS configuration → kernel (interfaces, addresses, routes, steering)
 *               and → the IKE engine's configuration (policies, keys, crypto maps)
 *   gw_io.c     the sockets: UDP 500/4500 (IKE, NAT-T ESP) and raw ESP, the TUN device
 *   gw_dp.c     the ESP data plane: TUN → crypto ACL → SA → ESP out; ESP in → TUN
 *   gw_sa.c     the IKE engine's callbacks: child SAs into the data plane, key tables
 *   gw_show.c   control requests: show / clear / configure / initiate (text and JSON)
 *   gw_log.c    the log: "YYYY-MM-DD HH:MM:SS.mmm TEXT", TEXT like IOS debug output
 */
#ifndef REFGW_GW_H
#define REFGW_GW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ctl.h"
#include "dpd.h"
#include "esp_sa.h"
#include "ike.h"
#include "ios_cfg.h"
#include "kern.h"
#include "loop.h"

#define GW_MAX_CHILDREN 256
#define GW_MAX_FLOWS    64
#define GW_TUN_NAME     "refgw0"
#define GW_TUN_MTU      1400
#define GW_FWMARK       0x1e5c
#define GW_STEER_TABLE  150
#define GW_PKT_MAX      65600
#define GW_BATCH        KERN_BATCH_MAX
#define GW_BUF          4096          /* per batched packet; TUN MTU 1400 + ESP overhead fits */
#define GW_TUN_BATCH    32            /* TUN reads per round: with offloads, TCP GSO packets */

/* Drops the gateway counts itself (the ESP and IKE layers count their own). */
enum gw_drop {
	GW_DROP_NO_SA,          /* matched a crypto ACL, no SA yet: negotiation started */
	GW_DROP_NOT_IPV4,       /* from the TUN: not an IPv4 packet */
	GW_DROP_NO_FLOW,        /* from the TUN: matches no crypto ACL line (should not happen) */
	GW_DROP_POLICY,         /* decrypted packet outside the SA's selectors (RFC 4301 §5.2) */
	GW_DROP_SHORT,          /* a raw/UDP datagram too short for its headers */
	GW_DROP_SEND,           /* sendto failed */
	GW_DROP_TUN_WRITE,      /* writing into the TUN failed */
	GW_DROP_NOT_ACTIVE,     /* IKE/ESP for a virtual address, or traffic of a crypto map
	                           coupled to a group, while not Active/Master (gw_redund.c) */
	GW_DROP_MAX
};

/* A crypto-ACL line of a crypto map entry: the unit IOS negotiates an SA pair for. */
struct gw_flow {
	unsigned conn, sel;               /* index into ike_cfg.conns / conns[conn].sel */
	struct ike_selector s;
	struct gw_child *out;             /* current outbound SA pair, NULL: none */
	uint64_t acquired_ms;             /* last acquire sent to the engine */
};

/* An installed SA pair. The inbound esp_sa lives in the SADB (by spi_in). */
struct gw_child {
	int used;
	struct ike_child c;               /* as the engine reported it (keys wiped after use) */
	struct esp_sa *out;
	struct esp_sa *in;                /* owned by the SADB */
	struct gw_flow *flow;
	uint64_t created_ms;
	uint64_t send_errors;
	uint32_t id;                      /* conn id for `show crypto ipsec sa` */
	uint64_t last_out_ms;             /* last packet encrypted on it (DPD on-demand) */
	uint64_t pend_in, pend_out;       /* bytes not yet reported to the IKE engine */
	int dirty;                        /* on gw.dirty[] */
};

/* DPD of one ISAKMP SA (gw_dpd.c): fsm/dpd.h's machine with the settings in force when
 * the SA was established */
#define GW_MAX_DPD 64
struct gw_dpd {
	int used, seen;
	unsigned conn_id;
	uint32_t peer;
	int peer_dpd;                     /* the peer sent the DPD vendor ID (else never probed) */
	uint32_t seq;                     /* outstanding R-U-THERE */
	struct dpd_sa sm;
};

struct gw {
	/* configuration */
	char cfg_path[512];
	struct ios_cfg *cfg;
	struct ike_cfg ike_cfg;
	char hostname[64];
	/* layers */
	struct loop *loop;
	const struct kern_ops *kern;
	struct ike *ike;
	struct esp_sadb *sadb;
	struct ctl_server *ctl;
	struct loop_timer ike_timer, dpd_timer;
	struct gw_dpd dpd[GW_MAX_DPD];
	int dpd_wait_out, dpd_probing;    /* some SA waits for outbound traffic / is probing */
	int dpd_kicked;                   /* gw_dpd_kick() is being called */
	int rri_warned;                   /* static/remote-peer RRI reported once */
	struct gw_rri *rri;               /* the RRI routes installed (gw_rri.c) */
	struct gw_fhrp_set *fhrp;         /* HSRP/VRRP groups (gw_fhrp.c), NULL = none */
	struct gw_redund *redund;         /* crypto map redundancy coupling (gw_redund.c) */
	/* sockets */
	int tun_fd, udp500, udp4500, esp_raw;
	/* data plane */
	struct gw_flow flows[GW_MAX_FLOWS];
	unsigned nflows;
	struct gw_child children[GW_MAX_CHILDREN];
	uint32_t next_child_id;
	uint64_t drops[GW_DROP_MAX];
	uint64_t batch_now;               /* virtual ms of the batch being processed */
	unsigned flow_hint;               /* index of the flow the last packet matched */
	struct gw_child *in_hint;         /* the child the last ESP packet belonged to */
	struct gw_child *dirty[GW_MAX_CHILDREN];   /* children with traffic to report */
	unsigned ndirty;
	uint64_t esp_retired_drops[ESP_DROP_MAX];   /* per-SA drops of SAs already deleted */
	uint64_t ike_rx, ike_tx, natt_keepalives;
	uint8_t *pkt;                     /* GW_PKT_MAX: one IKE datagram on UDP 500 */
	uint8_t *rxbuf, *txbuf;           /* GW_BATCH × GW_BUF: batched data-plane I/O */
	struct kern_pkt rx[GW_BATCH], tx_raw[GW_BATCH], tx_udp[GW_BATCH];
	struct kern_pkt tun_out[GW_BATCH]; /* decrypted, for the TUN (in txbuf slots) */
	unsigned ntun_out;
	uint8_t *tunbuf;                  /* GW_TUN_BATCH × KERN_TUN_GSO_BUF: TUN reads (gw_io.c) */
	struct kern_pkt tun_rx[GW_TUN_BATCH];
	/* outputs */
	FILE *log;
	char keys_dir[512];
	uint64_t start_real_ms;
	int stopping;
};

/* gw_log.c */
void gw_log(struct gw *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* rate-limited per reason: at most one line per second per key */
void gw_log_drop(struct gw *g, unsigned key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *gw_ip(uint32_t host_order);   /* rotating static buffers */
/* The netmask of a prefix length, host order (0 → 0.0.0.0). */
static inline uint32_t gw_plen_mask(unsigned plen)
{
	return plen ? 0xffffffffu << (32 - plen) : 0;
}

/* gw_apply.c */
int gw_apply_config(struct gw *g, char *err, size_t errlen);     /* interfaces, routes, steering */
int gw_build_ike_cfg(struct gw *g, struct ike_cfg *out, char *err, size_t errlen);
int gw_apply_steering(struct gw *g, char *err, size_t errlen);   /* crypto ACLs → TUN */
void gw_apply_routes(struct gw *g);     /* `ip route` lines (again after an interface comes up) */
int gw_configure(struct gw *g, const char *lines, FILE *out);    /* `configure` over ctl */
const char *gw_conn_ifname(const struct gw *g, unsigned conn);   /* IOS name of the map's interface */

/* gw_io.c */
int gw_io_open(struct gw *g, char *err, size_t errlen);
void gw_io_close(struct gw *g);
void gw_udp4500_packet(struct gw *g, const struct kern_pkt *p);
void gw_send_ike(struct gw *g, const struct ike_endpoint *local, const struct ike_endpoint *remote,
		 const uint8_t *msg, size_t len);

/* gw_dp.c */
void gw_dp_tun_readable(struct gw *g);
/* Decrypts one ESP packet and queues the inner one for the TUN; gw_dp_tun_flush writes
 * the queue (gw_dp_esp_readable does, after each batch). */
void gw_dp_esp_input(struct gw *g, uint32_t src, uint32_t dst, const uint8_t *esp, size_t len);
void gw_dp_tun_flush(struct gw *g);
void gw_dp_esp_readable(struct gw *g, int fd, int udp);   /* raw 50 or UDP 4500 batch */
struct gw_flow *gw_flow_lookup(struct gw *g, uint32_t src, uint32_t dst, uint8_t proto);
void gw_flows_rebuild(struct gw *g);
void gw_dp_forget(struct gw *g, struct gw_child *ch);   /* before a child is released */

/* gw_sa.c */
extern const struct ike_ops gw_ike_ops_template;
void gw_ike_schedule(struct gw *g);     /* (re)arm the engine's timer */
void gw_children_flush(struct gw *g);   /* drop every child from the data plane */

/* An ISAKMP SA as `show crypto isakmp sa` lists it: dst = responder, src = initiator. */
static inline uint32_t gw_sa_peer(const struct ike_sa_info *sa)
{
	return sa->initiator ? sa->dst : sa->src;
}

static inline uint32_t gw_sa_local(const struct ike_sa_info *sa)
{
	return sa->initiator ? sa->src : sa->dst;
}

/* gw_dpd.c */
void gw_dpd_start(struct gw *g);
/* Record the current settings for every ISAKMP SA established so far that has none yet
 * (before the settings change; before a show). */
void gw_dpd_sync(struct gw *g);
/* Re-evaluate every SA now and re-arm the timer (after a settings change). */
void gw_dpd_reschedule(struct gw *g);
/* Traffic hook (call where the engine timer is re-armed, after IKE input and data-plane
 * batches): re-evaluates at once only while an SA is probing or an on-demand SA waits
 * for outbound traffic. Cheap otherwise. */
void gw_dpd_kick(struct gw *g);
/* gw_rri.c: the VPN route of an IPsec SA (crypto map entry with `reverse-route`) */
void gw_rri_child_up(struct gw *g, const struct ike_child *c);
void gw_rri_child_down(struct gw *g, const struct ike_child *c);
/* The routes of conns[conn] that need no SA (`reverse-route static`, or plain
 * `reverse-route` under IOS ≤ 12.3): wanted at all? add / remove them (gw_redund.c says
 * when: at start, or while Active when coupled). */
bool gw_rri_static_wanted(struct gw *g, unsigned conn);
void gw_rri_static_add(struct gw *g, unsigned conn);
void gw_rri_static_del(struct gw *g, unsigned conn);
void gw_rri_mode_log(struct gw *g);    /* once at start: which RRI behaviour applies */
void gw_rri_stop(struct gw *g);        /* shutdown: every RRI route still installed goes */
/* The settings new ISAKMP SAs get (from the configuration). */
void gw_dpd_settings(const struct gw *g, struct dpd_cfg *out);
const struct gw_dpd *gw_dpd_find(const struct gw *g, unsigned conn_id);

/* gw_fhrp.c — the HSRP and VRRP groups of the configuration (`standby N …`, `vrrp N …`):
 * fsm/hsrp_fsm and fsm/vrrp_fsm driven by the loop's timers and by packets on the
 * interface; the virtual MAC (a macvlan on the interface, up only while Active/Master),
 * the virtual address on it, gratuitous ARP, tracking of interface line protocol.
 * Indices are the configuration's (cfg->fhrp[i]). */
int gw_fhrp_start(struct gw *g, char *err, size_t errlen);   /* after gw_apply_config */
void gw_fhrp_stop(struct gw *g);        /* shutdown: HSRP Resign / VRRP priority 0 */
/* The group `crypto map … redundancy NAME` on interface `iface` (cfg index) names: by
 * `standby N name` / `vrrp N name`, else -1. */
int gw_fhrp_find(const struct gw *g, int iface, const char *name);
bool gw_fhrp_is_active(const struct gw *g, int idx);          /* Active / Master */
uint32_t gw_fhrp_vip(const struct gw *g, int idx);           /* host order, 0 = not known */
/* `show standby [brief]`, `show vrrp [brief]` (text as seed 001; json) */
int gw_fhrp_show(struct gw *g, const char *what, int json, FILE *out);

/* gw_redund.c — `crypto map M redundancy NAME` (stateless IPsec failover, seed 001):
 * IKE and ESP of the map use the group's virtual address; only the Active/Master answers
 * and initiates; leaving Active clears the map's SAs ("Crypto tunnel is DOWN"),
 * entering Active arms the map (and installs its static RRI routes).
 * gw_fhrp.c calls this on every change into or out of Active/Master. */
void gw_redund_changed(struct gw *g, int idx, bool active);
/* May the crypto map entry conns[conn] negotiate now (answer or initiate)? true when the
 * map has no redundancy group. */
bool gw_redund_allowed(const struct gw *g, unsigned conn);
/* IKE or ESP received for local address `local`: false when it is the virtual address
 * of coupled entries none of which is Active now (drop it, GW_DROP_NOT_ACTIVE). */
bool gw_redund_local_allowed(const struct gw *g, uint32_t local);
/* (Re)read the coupling of every entry and install/remove the SA-less RRI routes to
 * match; called when the flows are (re)built (gw_flows_rebuild), idempotent. */
void gw_redund_sync(struct gw *g);
/* Shutdown: the SA-less RRI routes removed (gw_children_flush calls it). */
void gw_redund_stop(struct gw *g);

/* gw_show.c */
int gw_ctl_handle(void *arg, const char *request, FILE *out);

/* gw_route_show.c: `show ip route` — the kernel main table as IOS prints it (S for
 * `ip route` and RRI, O … for BIRD's OSPF routes, C connected; route/rt_show.h). */
void gw_route_show(struct gw *g, FILE *out, int json);

#endif
