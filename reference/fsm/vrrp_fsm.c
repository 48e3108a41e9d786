/* vrrp_fsm.c — the VRRP state machine of one virtual router (see vrrp_fsm.h). Durations
 * come from windows.c only; this file decides which of them applies now. */
#include "vrrp_fsm.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "windows.h"

#define VRRP_DROP_LOG_EVERY_MS 10000u

/* Legal transitions (STYLE §4), RFC 3768 §6.4 / RFC 5798 §6.4; every change goes
 * through set_state, which logs it once. */
static const bool vrrp_legal[VRRP_ST_MAX][VRRP_ST_MAX] = {
	/*                  INIT   BACKUP MASTER */
	[VRRP_ST_INIT]   = { false, true,  true  },
	[VRRP_ST_BACKUP] = { true,  false, true  },
	[VRRP_ST_MASTER] = { true,  true,  false },
};

static const char *const state_names[VRRP_ST_MAX] = { "Init", "Backup", "Master" };

static const char *const drop_names[VRRP_DROP_MAX] = {
	[VRRP_DROP_DECODE] = "decode",     [VRRP_DROP_TTL] = "ttl",
	[VRRP_DROP_VERSION] = "version",   [VRRP_DROP_CHECKSUM] = "checksum",
	[VRRP_DROP_VRID] = "vrid",         [VRRP_DROP_AUTH] = "auth",
	[VRRP_DROP_INTERVAL] = "interval", [VRRP_DROP_ADDRS] = "addresses",
	[VRRP_DROP_OWN] = "own",           [VRRP_DROP_INACTIVE] = "inactive",
};

const char *vrrp_state_name(enum vrrp_state s)
{
	return (unsigned)s < VRRP_ST_MAX ? state_names[s] : "?";
}

const char *vrrp_drop_name(enum vrrp_drop d)
{
	return (unsigned)d < VRRP_DROP_MAX ? drop_names[d] : "?";
}

static uint64_t ms_of(double seconds)
{
	return seconds <= 0 ? 0 : (uint64_t)(seconds * 1000.0 + 0.5);
}

static void ip_str(uint32_t ip, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xFF, (ip >> 8) & 0xFF, ip & 0xFF);
}

/* ---- output ---------------------------------------------------------------------- */

static struct vrrp_action *push(struct vrrp_out *out, enum vrrp_act_type t)
{
	struct vrrp_action *a;

	if (out->n >= VRRP_MAX_ACTIONS)
		abort();        /* a broken local invariant: no path emits that many */
	a = &out->act[out->n++];
	memset(a, 0, sizeof(*a));
	a->type = t;
	return a;
}

__attribute__((format(printf, 3, 4)))
static void emit_log(const struct vrrp_rtr *r, struct vrrp_out *out, const char *fmt, ...)
{
	struct vrrp_action *a = push(out, VRRP_ACT_LOG);
	va_list ap;
	int n;

	n = snprintf(a->text, sizeof(a->text), "%s Grp %u ", r->cfg.ifname, r->cfg.vrid);
	if (n < 0 || (size_t)n >= sizeof(a->text))
		return;
	va_start(ap, fmt);
	vsnprintf(a->text + n, sizeof(a->text) - (size_t)n, fmt, ap);
	va_end(ap);
}

static void set_state(struct vrrp_rtr *r, enum vrrp_state to, struct vrrp_out *out)
{
	struct vrrp_action *a;

	if (!vrrp_legal[r->state][to])
		abort();        /* a broken local invariant, never input from the network */
	a = push(out, VRRP_ACT_LOG);
	/* IOS: "%VRRP-6-STATECHANGE: Fa0/0 Grp 1 state Backup -> Master" */
	snprintf(a->text, sizeof(a->text), "%%VRRP-6-STATECHANGE: %s Grp %u state %s -> %s",
		 r->cfg.ifname, r->cfg.vrid, state_names[r->state], state_names[to]);
	r->state = to;
}

static void finish(const struct vrrp_rtr *r, struct vrrp_out *out)
{
	out->next_ms = vrrp_next_ms(r);
}

static void begin(struct vrrp_out *out)
{
	out->n = 0;
	out->next_ms = VRRP_NEVER;
}

/* ---- configuration --------------------------------------------------------------- */

bool vrrp_is_owner(const struct vrrp_cfg *c)
{
	unsigned i;

	for (i = 0; i < c->nvips && i < VRRP_MAX_ADDRS; i++)
		if (c->vips[i] == c->primary_ip)
			return true;
	return false;
}

int vrrp_cfg_check(const struct vrrp_cfg *c, char *why, size_t len)
{
	const char *e = NULL;
	char tmp[96];

	if (c->version != 2 && c->version != 3)
		e = "version must be 2 or 3";
	else if (c->vrid == 0)
		e = "group (VRID) must be 1-255";   /* RFC 3768 §5.3.3 */
	else if (c->nvips == 0 || c->nvips > VRRP_MAX_ADDRS)
		e = "one to 16 virtual addresses";
	else if (c->priority == 0)
		e = "priority must be 1-254";       /* RFC 3768 §5.3.4: 0 means stopping */
	else if (c->priority == VRRP_PRIO_OWNER && !vrrp_is_owner(c))
		e = "priority 255 is for the address owner only";   /* RFC 3768 §5.3.4 */
	else if (c->primary_ip == 0)
		e = "the interface needs a primary address";
	else if (c->version == 2 && (c->adver_int_cs == 0 || c->adver_int_cs % 100 != 0 ||
				     c->adver_int_cs > 25500)) {
		/* RFC 3768 §5.3.7: Adver Int in seconds, one octet */
		snprintf(tmp, sizeof(tmp),
			 "v2 advertise interval must be whole seconds 1-255, have %u cs", c->adver_int_cs);
		e = tmp;
	} else if (c->version == 3 && (c->adver_int_cs == 0 || c->adver_int_cs > 0x0FFF)) {
		/* RFC 5798 §5.2.7: 12-bit centiseconds */
		snprintf(tmp, sizeof(tmp),
			 "v3 advertise interval must be 1-4095 cs, have %u cs", c->adver_int_cs);
		e = tmp;
	}
	if (!e)
		return 0;
	if (why && len)
		snprintf(why, len, "%s", e);
	return -1;
}

int vrrp_init(struct vrrp_rtr *r, const struct vrrp_cfg *c)
{
	unsigned d;

	memset(r, 0, sizeof(*r));
	if (vrrp_cfg_check(c, NULL, 0) < 0)
		return -1;
	r->cfg = *c;
	r->state = VRRP_ST_INIT;
	r->master_adver_cs = c->adver_int_cs;
	r->adver_timer_ms = VRRP_NEVER;
	r->master_down_ms = VRRP_NEVER;
	for (d = 0; d < VRRP_DROP_MAX; d++)
		r->drop_logged_ms[d] = VRRP_NEVER;
	return 0;
}

uint8_t vrrp_priority(const struct vrrp_rtr *r)
{
	return vrrp_is_owner(&r->cfg) ? VRRP_PRIO_OWNER : r->cfg.priority;
}

bool vrrp_answers_arp(const struct vrrp_rtr *r)
{
	return r->state == VRRP_ST_MASTER;
}

bool vrrp_accepts_vip_traffic(const struct vrrp_rtr *r)
{
	return r->state == VRRP_ST_MASTER && (vrrp_is_owner(&r->cfg) || r->cfg.accept_mode);
}

void vrrp_vmac(uint8_t vrid, uint8_t mac[6])
{
	/* RFC 3768 §7.3 / RFC 5798 §7.3 (IPv4): 00-00-5E-00-01-{VRID} */
	mac[0] = 0x00;
	mac[1] = 0x00;
	mac[2] = 0x5E;
	mac[3] = 0x00;
	mac[4] = 0x01;
	mac[5] = vrid;
}

/* RFC 3768 §6.1: the interval is the configured one; RFC 5798 §6.1: the Master's. */
static double adver_s(const struct vrrp_rtr *r)
{
	return (r->cfg.version == 3 ? r->master_adver_cs : r->cfg.adver_int_cs) / 100.0;
}

uint64_t vrrp_skew_ms(const struct vrrp_rtr *r)
{
	return ms_of(vrrp_skew_s(r->cfg.version, vrrp_priority(r), adver_s(r)));
}

uint64_t vrrp_master_down_ms(const struct vrrp_rtr *r)
{
	return ms_of(vrrp_master_down_s(r->cfg.version, vrrp_priority(r), adver_s(r)));
}

uint64_t vrrp_next_ms(const struct vrrp_rtr *r)
{
	switch (r->state) {
	case VRRP_ST_MASTER: return r->adver_timer_ms;
	case VRRP_ST_BACKUP: return r->master_down_ms;
	default:             return VRRP_NEVER;
	}
}

/* ---- the machine ----------------------------------------------------------------- */

static void send_advert(struct vrrp_rtr *r, uint8_t prio, struct vrrp_out *out)
{
	struct vrrp_action *a = push(out, VRRP_ACT_SEND_ADVERT);
	struct vrrp_pkt *p = &a->pkt;

	p->version = r->cfg.version;
	p->type = 1;                        /* ADVERTISEMENT */
	p->vrid = r->cfg.vrid;
	p->priority = prio;
	p->naddrs = r->cfg.nvips;
	p->auth_type = 0;                   /* RFC 3768 §5.3.6: no authentication */
	p->adver_int_cs = r->cfg.adver_int_cs;   /* our Advertisement_Interval */
	memcpy(p->addrs, r->cfg.vips, sizeof(p->addrs));
	r->adverts_tx++;
	if (prio == VRRP_PRIO_STOP)
		r->prio0_tx++;
}

/* Backup: Master_Down_Timer fired — RFC 3768 §6.4.2 / RFC 5798 §6.4.2 (365)-(410). */
static void become_master(struct vrrp_rtr *r, uint64_t now, struct vrrp_out *out)
{
	set_state(r, VRRP_ST_MASTER, out);
	/* the vMAC must be in place before the advert goes out from it (RFC 3768 §7.3);
	 * BECOME_MASTER includes the gratuitous ARP per VIP */
	push(out, VRRP_ACT_BECOME_MASTER);
	send_advert(r, vrrp_priority(r), out);
	r->master_down_ms = VRRP_NEVER;
	r->adver_timer_ms = now + (uint64_t)r->cfg.adver_int_cs * 10u;
	r->master_ip = r->cfg.primary_ip;
	r->master_prio = vrrp_priority(r);
	r->became_master++;
}

static void enter_backup(struct vrrp_rtr *r, uint64_t now, struct vrrp_out *out)
{
	set_state(r, VRRP_ST_BACKUP, out);
	r->adver_timer_ms = VRRP_NEVER;
	r->backup_since_ms = now;
	r->master_down_ms = now + vrrp_master_down_ms(r);
}

/* Startup event — RFC 3768 §6.4.1 / RFC 5798 §6.4.1. */
static void startup(struct vrrp_rtr *r, uint64_t now, struct vrrp_out *out)
{
	r->master_adver_cs = r->cfg.adver_int_cs;
	r->master_ip = 0;
	r->master_prio = 0;
	if (vrrp_priority(r) == VRRP_PRIO_OWNER)
		become_master(r, now, out);     /* the owner goes Master at once */
	else
		enter_backup(r, now, out);
}

/* Shutdown event; `can_send`: the interface is still up (admin shutdown). */
static void shutdown_ev(struct vrrp_rtr *r, bool can_send, struct vrrp_out *out)
{
	if (r->state == VRRP_ST_MASTER) {
		/* RFC 3768 §6.4.3: "Send an ADVERTISEMENT with Priority = 0" */
		if (can_send)
			send_advert(r, VRRP_PRIO_STOP, out);
		push(out, VRRP_ACT_LEAVE_MASTER);
	}
	if (r->state != VRRP_ST_INIT)
		set_state(r, VRRP_ST_INIT, out);
	r->adver_timer_ms = VRRP_NEVER;
	r->master_down_ms = VRRP_NEVER;
}

static void update_running(struct vrrp_rtr *r, uint64_t now, bool link_was, bool admin_was,
			   struct vrrp_out *out)
{
	bool was = link_was && admin_was, is = r->link_up && r->admin_up;

	if (is && !was && r->state == VRRP_ST_INIT)
		startup(r, now, out);
	else if (!is && was)
		shutdown_ev(r, r->link_up, out);
}

void vrrp_link(struct vrrp_rtr *r, uint64_t now_ms, bool up, struct vrrp_out *out)
{
	bool was = r->link_up;

	begin(out);
	r->link_up = up;
	update_running(r, now_ms, was, r->admin_up, out);
	finish(r, out);
}

void vrrp_admin(struct vrrp_rtr *r, uint64_t now_ms, bool up, struct vrrp_out *out)
{
	bool was = r->admin_up;

	begin(out);
	r->admin_up = up;
	update_running(r, now_ms, r->link_up, was, out);
	finish(r, out);
}

void vrrp_timer(struct vrrp_rtr *r, uint64_t now_ms, struct vrrp_out *out)
{
	begin(out);
	if (r->state == VRRP_ST_MASTER && now_ms >= r->adver_timer_ms) {
		/* RFC 3768 §6.4.3: Adver_Timer fired → send, reset to Advertisement_Interval */
		send_advert(r, vrrp_priority(r), out);
		r->adver_timer_ms = now_ms + (uint64_t)r->cfg.adver_int_cs * 10u;
	} else if (r->state == VRRP_ST_BACKUP && now_ms >= r->master_down_ms) {
		become_master(r, now_ms, out);
	}
	finish(r, out);
}

/* Count the drop; log it at most once per reason per 10 s (STYLE §5). */
__attribute__((format(printf, 5, 6)))
static void drop(struct vrrp_rtr *r, uint64_t now, enum vrrp_drop why, struct vrrp_out *out,
		 const char *fmt, ...)
{
	char detail[96];
	va_list ap;

	r->drops[why]++;
	if (r->drop_logged_ms[why] != VRRP_NEVER && now < r->drop_logged_ms[why] + VRRP_DROP_LOG_EVERY_MS)
		return;
	r->drop_logged_ms[why] = now;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	emit_log(r, out, "advertisement dropped (%s): %s, %llu so far", drop_names[why], detail,
		 (unsigned long long)r->drops[why]);
}

static bool same_addrs(const struct vrrp_rtr *r, const struct vrrp_pkt *p)
{
	unsigned i, j;

	if (p->naddrs != r->cfg.nvips)
		return false;
	for (i = 0; i < p->naddrs; i++) {
		for (j = 0; j < r->cfg.nvips; j++)
			if (p->addrs[i] == r->cfg.vips[j])
				break;
		if (j == r->cfg.nvips)
			return false;
	}
	return true;
}

/* RFC 3768 §7.1 / RFC 5798 §7.1 receive checks; true = go on to the state's rules. */
static bool rx_valid(struct vrrp_rtr *r, uint64_t now, const struct vrrp_rx *rx, struct vrrp_out *out)
{
	const struct vrrp_pkt *p = rx->pkt;
	char src[16];

	ip_str(rx->src_ip, src, sizeof(src));
	/* RFC 3768 §7.1 / 5798 §7.1: "MUST verify that the IP TTL is 255" */
	if (rx->ttl != 255) {
		drop(r, now, VRRP_DROP_TTL, out, "from %s ttl %u, must be 255", src, rx->ttl);
		return false;
	}
	/* "MUST verify the VRRP version" */
	if (p->version != r->cfg.version) {
		drop(r, now, VRRP_DROP_VERSION, out, "from %s version %u, running %u", src,
		     p->version, r->cfg.version);
		return false;
	}
	/* "MUST verify the VRRP checksum" (v3 with the pseudo-header, done by the codec) */
	if (!p->checksum_ok) {
		drop(r, now, VRRP_DROP_CHECKSUM, out, "from %s bad checksum 0x%04x", src, p->checksum);
		return false;
	}
	/* "MUST verify that the VRID is configured on the receiving interface" */
	if (p->vrid != r->cfg.vrid) {
		drop(r, now, VRRP_DROP_VRID, out, "from %s for group %u", src, p->vrid);
		return false;
	}
	/* our own advertisement coming back (multicast loop) */
	if (rx->src_ip == r->cfg.primary_ip) {
		drop(r, now, VRRP_DROP_OWN, out, "from our own address %s", src);
		return false;
	}
	/* RFC 3768 §7.1: "MUST verify that the Auth Type matches the locally configured
	 * authentication method" (we run type 0) */
	if (p->version == 2 && p->auth_type != 0) {
		drop(r, now, VRRP_DROP_AUTH, out, "from %s auth type %u, expected 0", src, p->auth_type);
		return false;
	}
	/* RFC 3768 §7.1: "MUST verify that the Adver Interval in the packet is the same as
	 * the locally configured"; RFC 5798 learns it, but 0 would make the Master_Down_Interval
	 * a bare skew: refused */
	if ((p->version == 2 && p->adver_int_cs != r->cfg.adver_int_cs) || p->adver_int_cs == 0) {
		drop(r, now, VRRP_DROP_INTERVAL, out, "from %s advertise interval %u cs, ours %u cs",
		     src, p->adver_int_cs, r->cfg.adver_int_cs);
		return false;
	}
	/* §7.1: address list check; "If the packet was not generated by the address owner
	 * (Priority does not equal 255), the receiver MUST drop the packet" */
	if (!same_addrs(r, p) && p->priority != VRRP_PRIO_OWNER) {
		drop(r, now, VRRP_DROP_ADDRS, out, "from %s %u addresses differ from ours (misconfiguration)",
		     src, p->naddrs);
		return false;
	}
	if (r->state == VRRP_ST_INIT) {
		drop(r, now, VRRP_DROP_INACTIVE, out, "from %s while Init", src);
		return false;
	}
	return true;
}

void vrrp_input(struct vrrp_rtr *r, uint64_t now_ms, const struct vrrp_rx *rx, struct vrrp_out *out)
{
	const struct vrrp_pkt *p = rx->pkt;
	uint8_t mine = vrrp_priority(r);

	begin(out);
	if (!rx_valid(r, now_ms, rx, out)) {
		finish(r, out);
		return;
	}
	r->adverts_rx++;
	if (p->priority == VRRP_PRIO_STOP)
		r->prio0_rx++;

	if (r->state == VRRP_ST_BACKUP) {
		if (p->priority == VRRP_PRIO_STOP) {
			/* RFC 3768 §6.4.2 / 5798 (425)-(430): "Set the Master_Down_Timer to Skew_Time" */
			r->master_down_ms = now_ms + vrrp_skew_ms(r);
		} else {
			/* the owner always preempts (RFC 3768 §6.1 Preempt_Mode); a preempt delay
			 * holds off preemption for its time after entering Backup */
			bool preempt = (r->cfg.preempt || mine == VRRP_PRIO_OWNER) &&
				       now_ms >= r->backup_since_ms + r->cfg.preempt_delay_ms;

			if (!preempt || p->priority >= mine) {
				/* (445)-(460): learn the Master's interval (v3), reset the timer */
				if (r->cfg.version == 3)
					r->master_adver_cs = p->adver_int_cs;
				r->master_down_ms = now_ms + vrrp_master_down_ms(r);
				r->master_ip = rx->src_ip;
				r->master_prio = p->priority;
			}
			/* else (465)-(470): discard — the timer runs out and we take over */
		}
	} else if (r->state == VRRP_ST_MASTER) {
		if (p->priority == VRRP_PRIO_STOP) {
			/* RFC 3768 §6.4.3 / 5798 (705)-(715): answer at once, reset Adver_Timer */
			send_advert(r, mine, out);
			r->adver_timer_ms = now_ms + (uint64_t)r->cfg.adver_int_cs * 10u;
		} else if (p->priority > mine || (p->priority == mine && rx->src_ip > r->cfg.primary_ip)) {
			/* (725)-(765): a better Master; the preempt flag is not considered here */
			push(out, VRRP_ACT_LEAVE_MASTER);
			if (r->cfg.version == 3)
				r->master_adver_cs = p->adver_int_cs;
			set_state(r, VRRP_ST_BACKUP, out);
			r->adver_timer_ms = VRRP_NEVER;
			r->backup_since_ms = now_ms;
			r->master_down_ms = now_ms + vrrp_master_down_ms(r);
			r->master_ip = rx->src_ip;
			r->master_prio = p->priority;
		}
		/* else (775): discard */
	}
	finish(r, out);
}

void vrrp_input_bytes(struct vrrp_rtr *r, uint64_t now_ms, const uint8_t *buf, size_t len,
		      uint32_t src_ip, uint32_t dst_ip, uint8_t ttl, struct vrrp_out *out)
{
	struct vrrp_pkt p;
	struct codec_err err;
	struct vrrp_rx rx = { &p, src_ip, ttl };
	char src[16];

	if (vrrp_decode(buf, len, src_ip, dst_ip, &p, &err) < 0) {
		begin(out);
		ip_str(src_ip, src, sizeof(src));
		drop(r, now_ms, VRRP_DROP_DECODE, out, "from %s %s: %s", src,
		     codec_reason_name(err.reason), err.text);
		finish(r, out);
		return;
	}
	vrrp_input(r, now_ms, &rx, out);
}
