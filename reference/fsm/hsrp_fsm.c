/* hsrp_fsm.c — one HSRP standby group: the RFC 2281 §5.7 table, its timers, tracking and
 * preemption, the receive checks, IOS-worded logs and `show standby` (see hsrp_fsm.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "hsrp_fsm.h"
#include "windows.h"

/* RFC 2281 §5.5 events */
enum hsrp_ev {
	EV_A, EV_B, EV_C, EV_D, EV_E, EV_F, EV_G, EV_H, EV_I, EV_J, EV_K, EV_L,
};

/* IOS says "Init" where RFC 2281 (codec/hsrp.c) says "Initial" */
const char *hsrp_fsm_state_name(enum hsrp_state s)
{
	return s == HSRP_INITIAL ? "Init" : hsrp_state_name(s);
}

/* the IP redundancy client's view (seed 001: "Redundancy "VPNHA" state Init -> Backup") */
static const char *hsrp_redundancy_name(enum hsrp_state s)
{
	return s == HSRP_LEARN || s == HSRP_LISTEN ? "Backup" : hsrp_fsm_state_name(s);
}

static const char *const hsrp_drop_names[HSRP_DROP_MAX] = {
	"decode", "version", "group", "auth", "timers", "own", "opcode", "inactive",
};

const char *hsrp_drop_name(enum hsrp_drop d)
{
	return (unsigned)d < HSRP_DROP_MAX ? hsrp_drop_names[d] : "unknown";
}

void hsrp_fsm_vmac(uint8_t version, uint16_t group, uint8_t mac[6])
{
	mac[0] = 0x00;
	mac[1] = 0x00;
	mac[2] = 0x0c;
	if (version == 2) {
		/* 0000.0c9f.fXXX (Cisco HSRPv2, groups 0..4095) */
		mac[3] = 0x9f;
		mac[4] = (uint8_t)(0xf0 | ((group >> 8) & 0x0f));
		mac[5] = (uint8_t)group;
	} else {
		/* RFC 2281 §6.1: 00 00 0C 07 AC XX, XX the group */
		mac[3] = 0x07;
		mac[4] = 0xac;
		mac[5] = (uint8_t)group;
	}
}

/* ---- output ---- */

static void hsrp_out_reset(struct hsrp_out *out)
{
	out->n = 0;
	out->next_ms = HSRP_NEVER;
}

static struct hsrp_action *hsrp_push(struct hsrp_out *out, enum hsrp_act_type type)
{
	struct hsrp_action *a;

	/* log lines give way to packets and state actions when the list runs short */
	if (out->n >= HSRP_MAX_ACTIONS || (type == HSRP_ACT_LOG && out->n >= HSRP_MAX_ACTIONS - 8))
		return NULL;
	a = &out->act[out->n++];
	memset(a, 0, sizeof(*a));
	a->type = type;
	return a;
}

/* "Fa0/0" from "FastEthernet0/0", as `debug standby` prints interfaces */
static const char *hsrp_short_if(const char *ifname, char *buf, size_t len)
{
	static const struct { const char *full, *abbr; } ab[] = {
		{ "FastEthernet", "Fa" }, { "GigabitEthernet", "Gi" }, { "TenGigabitEthernet", "Te" },
		{ "Ethernet", "Et" }, { "Serial", "Se" }, { "Vlan", "Vl" }, { "Port-channel", "Po" },
	};
	size_t i;

	for (i = 0; i < sizeof(ab) / sizeof(ab[0]); i++) {
		size_t n = strlen(ab[i].full);

		if (strncmp(ifname, ab[i].full, n) == 0) {
			snprintf(buf, len, "%s%s", ab[i].abbr, ifname + n);
			return buf;
		}
	}
	snprintf(buf, len, "%s", ifname);
	return buf;
}

static void __attribute__((format(printf, 2, 0)))
hsrp_vlog(struct hsrp_out *out, const char *fmt, va_list ap)
{
	struct hsrp_action *a = hsrp_push(out, HSRP_ACT_LOG);

	if (a)
		vsnprintf(a->text, sizeof(a->text), fmt, ap);
}

/* a raw line ("%HSRP-6-STATECHANGE: …") */
static void __attribute__((format(printf, 2, 3))) hsrp_log(struct hsrp_out *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hsrp_vlog(out, fmt, ap);
	va_end(ap);
}

/* a `debug standby events` line: "HSRP: Fa0/0 Grp 1 …" */
static void __attribute__((format(printf, 3, 4)))
hsrp_glog(const struct hsrp_grp *g, struct hsrp_out *out, const char *fmt, ...)
{
	char line[HSRP_LOG_LEN], sif[32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	hsrp_log(out, "HSRP: %s Grp %u %s", hsrp_short_if(g->cfg.ifname, sif, sizeof(sif)),
		 g->cfg.group, line);
}

static void hsrp_ip_str(uint32_t ip, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff);
}

/* "local", "unknown" or the dotted address, as the seed's logs name routers */
static const char *hsrp_who(const struct hsrp_grp *g, uint32_t ip, char *buf, size_t len)
{
	if (ip == 0)
		return "unknown";
	if (ip == g->cfg.real_ip)
		return "local";
	hsrp_ip_str(ip, buf, len);
	return buf;
}

/* ---- who is Active / Standby (logs and show) ---- */

static void hsrp_set_router(struct hsrp_grp *g, struct hsrp_out *out, bool active, uint32_t ip,
			    uint32_t prio)
{
	uint32_t *cur = active ? &g->active_ip : &g->standby_ip;
	char a[16], b[16];

	if (active)
		g->active_prio = prio;
	else
		g->standby_prio = prio;
	if (*cur == ip)
		return;
	if (*cur)
		hsrp_glog(g, out, "%s router is %s, was %s", active ? "Active" : "Standby",
			  hsrp_who(g, ip, a, sizeof(a)), hsrp_who(g, *cur, b, sizeof(b)));
	else
		hsrp_glog(g, out, "%s router is %s", active ? "Active" : "Standby",
			  hsrp_who(g, ip, a, sizeof(a)));
	*cur = ip;
	/* the Standby router we knew is Active now (seed 001's order: Active line first) */
	if (active && ip != 0 && g->standby_ip == ip)
		hsrp_set_router(g, out, false, 0, 0);
}

/* ---- the one state setter (STYLE 4) ---- */

static void hsrp_set_state(struct hsrp_grp *g, uint64_t now, enum hsrp_state to, struct hsrp_out *out)
{
	enum hsrp_state from = g->state;

	if (from == to)
		return;
	/* who the group's routers are, before the state line (seed 001's order) */
	if (to == HSRP_ACTIVE) {
		hsrp_set_router(g, out, true, g->cfg.real_ip, g->priority);
		if (g->standby_ip == g->cfg.real_ip)
			hsrp_set_router(g, out, false, 0, 0);
	} else if (to == HSRP_STANDBY) {
		hsrp_set_router(g, out, false, g->cfg.real_ip, g->priority);
	} else if (to == HSRP_INITIAL) {
		hsrp_set_router(g, out, true, 0, 0);
		hsrp_set_router(g, out, false, 0, 0);
	}
	if (from == HSRP_ACTIVE && g->active_ip == g->cfg.real_ip)
		hsrp_set_router(g, out, true, 0, 0);
	if (from == HSRP_STANDBY && to != HSRP_STANDBY && g->standby_ip == g->cfg.real_ip)
		hsrp_set_router(g, out, false, 0, 0);

	hsrp_glog(g, out, "%s -> %s", hsrp_fsm_state_name(from), hsrp_fsm_state_name(to));
	if (from == HSRP_ACTIVE || to == HSRP_ACTIVE)
		hsrp_log(out, "%%HSRP-6-STATECHANGE: %s Grp %u state %s -> %s", g->cfg.ifname,
			 g->cfg.group, hsrp_fsm_state_name(from), hsrp_fsm_state_name(to));
	if (g->cfg.name[0])
		hsrp_glog(g, out, "Redundancy \"%s\" state %s -> %s", g->cfg.name,
			  hsrp_redundancy_name(from), hsrp_redundancy_name(to));
	/* seed 001 counts 1 change at Standby, 2 at Active, 3 back in Init: entries into
	 * Standby, Active and Init are what `show standby` counts */
	if (to == HSRP_STANDBY || to == HSRP_ACTIVE || to == HSRP_INITIAL)
		g->changes++;
	g->last_change_ms = now;
	g->state = to;
	if (from == HSRP_ACTIVE)
		hsrp_push(out, HSRP_ACT_LEAVE_ACTIVE);
	if (to == HSRP_ACTIVE)
		hsrp_push(out, HSRP_ACT_BECOME_ACTIVE);
}

/* ---- RFC 2281 §5.6 actions ---- */

static uint64_t hsrp_hello_gap(struct hsrp_grp *g)
{
	uint64_t jmax = (uint64_t)(hsrp_hello_jitter_max_s(g->hello_ms / 1000.0) * 1000.0);
	uint64_t j = 0;

	/* RFC 2281 §5.4: "The Hello timer MUST be jittered" — early only (windows.h) */
	if (g->rnd && jmax > 0)
		j = g->rnd(g->rnd_ctx) % (jmax + 1);
	return g->hello_ms - j;
}

/* A: from an authenticated Hello of the Active router its Holdtime, else ours */
static void hsrp_act_a(struct hsrp_grp *g, uint64_t now, const struct hsrp_pkt *p)
{
	g->active_due = now + (p ? p->hold_ms : g->hold_ms);
}

/* B: the same for the Standby router */
static void hsrp_act_b(struct hsrp_grp *g, uint64_t now, const struct hsrp_pkt *p)
{
	g->standby_due = now + (p ? p->hold_ms : g->hold_ms);
}

/* E: learn the VIP (if not configured) and the timers (if not configured) from the
 * Active router; the Active router itself never learns (RFC 2281 §5.1) */
static void hsrp_act_e(struct hsrp_grp *g, struct hsrp_out *out, const struct hsrp_pkt *p)
{
	char a[16];

	if (g->cfg.vip == 0 && p->vip != 0 && g->vip != p->vip) {
		g->vip = p->vip;
		hsrp_ip_str(p->vip, a, sizeof(a));
		hsrp_glog(g, out, "Learnt virtual IP address %s", a);
	}
	if (g->cfg.hello_ms == 0 && g->state != HSRP_ACTIVE) {
		g->hello_ms = p->hello_ms;
		g->hold_ms = p->hold_ms;
	}
}

/* F (Hello), G (Coup), H (Resign): the message with our current parameters */
static void hsrp_send(struct hsrp_grp *g, uint64_t now, enum hsrp_op op, struct hsrp_out *out)
{
	struct hsrp_action *a = hsrp_push(out, HSRP_ACT_SEND);

	if (!a)
		return;
	a->pkt.version = g->cfg.version;
	a->pkt.op = (uint8_t)op;
	/* a Coup claims the Active role, a Resign leaves it: both carry Active */
	a->pkt.state = op == HSRP_OP_HELLO ? g->state : HSRP_ACTIVE;
	a->pkt.group = g->cfg.group;
	a->pkt.priority = g->priority;
	a->pkt.hello_ms = g->hello_ms;
	a->pkt.hold_ms = g->hold_ms;
	a->pkt.vip = g->vip;
	a->pkt.ipver = 4;
	memcpy(a->pkt.identifier, g->cfg.real_mac, 6);
	memcpy(a->pkt.auth, g->cfg.auth, sizeof(a->pkt.auth));
	/* RFC 2281 §6.1: the virtual MAC as source iff Active */
	a->use_vmac = g->state == HSRP_ACTIVE;
	g->tx++;
	if (op == HSRP_OP_HELLO)
		g->hello_due = now + hsrp_hello_gap(g);
}

/* I: gratuitous ARP for the VIP from the virtual MAC */
static void hsrp_act_i(struct hsrp_out *out)
{
	hsrp_push(out, HSRP_ACT_GARP);
}

/* BGFI/6: preempt a lower-priority Active router (RFC 2281 §5.7 note *) */
static void hsrp_coup(struct hsrp_grp *g, uint64_t now, struct hsrp_out *out)
{
	hsrp_act_b(g, now, NULL);
	hsrp_send(g, now, HSRP_OP_COUP, out);
	hsrp_set_state(g, now, HSRP_ACTIVE, out);
	hsrp_send(g, now, HSRP_OP_HELLO, out);
	hsrp_act_i(out);
}

/* ---- the RFC 2281 §5.7 table ---- */

/* sender (prio, ip) above us: higher priority, a tie to the higher IP (RFC 2281 §5.2) */
static bool hsrp_higher(const struct hsrp_grp *g, uint32_t prio, uint32_t ip)
{
	return prio > g->priority || (prio == g->priority && ip > g->cfg.real_ip);
}

static bool hsrp_may_preempt(const struct hsrp_grp *g, uint64_t now)
{
	return g->cfg.preempt && now >= g->enabled_ms + g->cfg.preempt_delay_ms;
}

/* the event line of `debug standby events`, for events that change something */
static void hsrp_ev_log(struct hsrp_grp *g, struct hsrp_out *out, enum hsrp_ev ev,
			const struct hsrp_pkt *p, uint32_t src)
{
	const char *st = hsrp_fsm_state_name(g->state);
	char a[16];

	hsrp_ip_str(src, a, sizeof(a));
	switch (ev) {
	case EV_F: hsrp_glog(g, out, "%s: f/Hello rcvd from higher pri Speak router (%u/%s)", st, p->priority, a); break;
	case EV_G: hsrp_glog(g, out, "%s: g/Hello rcvd from higher pri Active router (%u/%s)", st, p->priority, a); break;
	case EV_H: hsrp_glog(g, out, "%s: h/Hello rcvd from lower pri Active router (%u/%s)", st, p->priority, a); break;
	case EV_I: hsrp_glog(g, out, "%s: i/Resign rcvd (%u/%s)", st, p->priority, a); break;
	case EV_J: hsrp_glog(g, out, "%s: j/Coup rcvd from higher pri router (%u/%s)", st, p->priority, a); break;
	case EV_K: hsrp_glog(g, out, "%s: k/Hello rcvd from higher pri Standby router (%u/%s)", st, p->priority, a); break;
	case EV_L: hsrp_glog(g, out, "%s: l/Hello rcvd from lower pri Standby router (%u/%s)", st, p->priority, a); break;
	default: break;
	}
}

/* events f..l: a message from src; the table's cell for the current state */
static void hsrp_msg_event(struct hsrp_grp *g, uint64_t now, enum hsrp_ev ev,
			   const struct hsrp_pkt *p, uint32_t src, struct hsrp_out *out)
{
	enum hsrp_state s = g->state;

	switch (ev) {
	case EV_F:   /* higher-priority Speak: Speak, Standby B/3 */
		if (s == HSRP_SPEAK || s == HSRP_STANDBY) {
			hsrp_ev_log(g, out, ev, p, src);
			hsrp_act_b(g, now, NULL);
			hsrp_set_state(g, now, HSRP_LISTEN, out);
		}
		break;
	case EV_G:   /* higher-priority Active: Learn EAB/3; Listen..Standby EA; Active AB/4 */
		if (s == HSRP_LEARN) {
			hsrp_act_e(g, out, p);
			hsrp_act_a(g, now, p);
			hsrp_act_b(g, now, NULL);
			hsrp_set_router(g, out, true, src, p->priority);
			if (g->vip)
				hsrp_set_state(g, now, HSRP_LISTEN, out);
		} else if (s == HSRP_LISTEN || s == HSRP_SPEAK || s == HSRP_STANDBY) {
			hsrp_act_e(g, out, p);
			hsrp_act_a(g, now, p);
			hsrp_set_router(g, out, true, src, p->priority);
		} else if (s == HSRP_ACTIVE) {
			hsrp_ev_log(g, out, ev, p, src);
			hsrp_act_a(g, now, p);
			hsrp_act_b(g, now, NULL);
			hsrp_set_router(g, out, true, src, p->priority);
			hsrp_set_state(g, now, HSRP_SPEAK, out);
		}
		break;
	case EV_H:   /* lower-priority Active: Learn EAB/3; Listen..Standby A | BGFI/6; Active G */
		if (s == HSRP_LEARN) {
			hsrp_act_e(g, out, p);
			hsrp_act_a(g, now, p);
			hsrp_act_b(g, now, NULL);
			hsrp_set_router(g, out, true, src, p->priority);
			if (g->vip)
				hsrp_set_state(g, now, HSRP_LISTEN, out);
		} else if (s == HSRP_LISTEN || s == HSRP_SPEAK || s == HSRP_STANDBY) {
			if (hsrp_may_preempt(g, now)) {
				hsrp_ev_log(g, out, ev, p, src);
				hsrp_coup(g, now, out);
			} else {
				hsrp_act_a(g, now, p);
				hsrp_set_router(g, out, true, src, p->priority);
			}
		} else if (s == HSRP_ACTIVE) {
			hsrp_ev_log(g, out, ev, p, src);
			hsrp_send(g, now, HSRP_OP_COUP, out);
		}
		break;
	case EV_I:   /* Resign from the Active: Listen AB/4; Speak A; Standby CFI/6 */
		if (s == HSRP_LISTEN || s == HSRP_SPEAK || s == HSRP_STANDBY)
			hsrp_ev_log(g, out, ev, p, src);
		if (g->active_ip == src)
			hsrp_set_router(g, out, true, 0, 0);
		if (s == HSRP_LISTEN) {
			hsrp_act_a(g, now, NULL);
			hsrp_act_b(g, now, NULL);
			hsrp_set_state(g, now, HSRP_SPEAK, out);
		} else if (s == HSRP_SPEAK) {
			hsrp_act_a(g, now, NULL);
		} else if (s == HSRP_STANDBY) {
			g->active_due = HSRP_NEVER;
			hsrp_set_state(g, now, HSRP_ACTIVE, out);
			hsrp_send(g, now, HSRP_OP_HELLO, out);
			hsrp_act_i(out);
		}
		break;
	case EV_J:   /* Coup from a higher-priority router: Active ABH/4 */
		if (s == HSRP_ACTIVE) {
			hsrp_ev_log(g, out, ev, p, src);
			hsrp_act_a(g, now, NULL);
			hsrp_act_b(g, now, NULL);
			hsrp_send(g, now, HSRP_OP_RESIGN, out);
			hsrp_set_router(g, out, true, src, p->priority);
			hsrp_set_state(g, now, HSRP_SPEAK, out);
		}
		break;
	case EV_K:   /* higher-priority Standby: Listen B; Speak, Standby B/3; Active B */
		if (s == HSRP_LISTEN || s == HSRP_ACTIVE) {
			hsrp_act_b(g, now, p);
			hsrp_set_router(g, out, false, src, p->priority);
		} else if (s == HSRP_SPEAK || s == HSRP_STANDBY) {
			hsrp_ev_log(g, out, ev, p, src);
			hsrp_act_b(g, now, p);
			hsrp_set_router(g, out, false, src, p->priority);
			hsrp_set_state(g, now, HSRP_LISTEN, out);
		}
		break;
	case EV_L:   /* lower-priority Standby: Listen B/4; Speak D/5; Active B */
		if (s == HSRP_LISTEN) {
			hsrp_ev_log(g, out, ev, p, src);
			hsrp_act_b(g, now, p);
			hsrp_set_router(g, out, false, src, p->priority);
			hsrp_set_state(g, now, HSRP_SPEAK, out);
		} else if (s == HSRP_SPEAK) {
			hsrp_ev_log(g, out, ev, p, src);
			g->standby_due = HSRP_NEVER;
			hsrp_set_state(g, now, HSRP_STANDBY, out);
		} else if (s == HSRP_ACTIVE) {
			hsrp_act_b(g, now, p);
			hsrp_set_router(g, out, false, src, p->priority);
		}
		break;
	default:
		break;
	}
}

/* Timers due at now (events c, d, e). An expired timer with no action in this state stays
 * expired and fires in the next state that has one (see hsrp_fsm.h). */
static void hsrp_run_timers(struct hsrp_grp *g, uint64_t now, struct hsrp_out *out)
{
	char a[16];
	int guard;

	if (g->state == HSRP_INITIAL)
		return;
	for (guard = 0; guard < 8; guard++) {
		enum hsrp_state s = g->state;

		if (g->active_due <= now && (s == HSRP_LISTEN || s == HSRP_STANDBY)) {
			/* c: Listen AB/4; Standby CDFI/6 */
			hsrp_glog(g, out, "%s: c/Active timer expired (%s)", hsrp_fsm_state_name(s),
				  hsrp_who(g, g->active_ip, a, sizeof(a)));
			if (s == HSRP_LISTEN) {
				hsrp_set_router(g, out, true, 0, 0);
				hsrp_act_a(g, now, NULL);
				hsrp_act_b(g, now, NULL);
				hsrp_set_state(g, now, HSRP_SPEAK, out);
			} else {
				g->active_due = HSRP_NEVER;
				g->standby_due = HSRP_NEVER;
				hsrp_set_state(g, now, HSRP_ACTIVE, out);
				hsrp_send(g, now, HSRP_OP_HELLO, out);
				hsrp_act_i(out);
			}
			continue;
		}
		if (g->standby_due <= now && (s == HSRP_LISTEN || s == HSRP_SPEAK || s == HSRP_ACTIVE)) {
			/* d: Listen B/4; Speak D/5; Active: the Standby router is gone */
			if (s != HSRP_ACTIVE || g->standby_ip)
				hsrp_glog(g, out, "%s: d/Standby timer expired (%s)", hsrp_fsm_state_name(s),
					  hsrp_who(g, g->standby_ip, a, sizeof(a)));
			hsrp_set_router(g, out, false, 0, 0);
			if (s == HSRP_LISTEN) {
				hsrp_act_b(g, now, NULL);
				hsrp_set_state(g, now, HSRP_SPEAK, out);
			} else {
				g->standby_due = HSRP_NEVER;
				if (s == HSRP_SPEAK)
					hsrp_set_state(g, now, HSRP_STANDBY, out);
			}
			continue;
		}
		break;
	}
	if (g->hello_due <= now) {
		/* e: F in Speak, Standby, Active (RFC 2281 §5.3: only they send Hellos) */
		if (g->state >= HSRP_SPEAK) {
			hsrp_send(g, now, HSRP_OP_HELLO, out);
		} else {
			g->hello_due += hsrp_hello_gap(g);
			if (g->hello_due <= now)
				g->hello_due = now + hsrp_hello_gap(g);
		}
	}
}

static void hsrp_next(const struct hsrp_grp *g, struct hsrp_out *out)
{
	enum hsrp_state s = g->state;
	uint64_t n = HSRP_NEVER;

	if (s == HSRP_INITIAL) {
		out->next_ms = n;
		return;
	}
	n = g->hello_due;
	if ((s == HSRP_LISTEN || s == HSRP_STANDBY) && g->active_due < n)
		n = g->active_due;
	if ((s == HSRP_LISTEN || s == HSRP_SPEAK || s == HSRP_ACTIVE) && g->standby_due < n)
		n = g->standby_due;
	out->next_ms = n;
}

static void hsrp_settle(struct hsrp_grp *g, uint64_t now, struct hsrp_out *out)
{
	hsrp_run_timers(g, now, out);
	hsrp_next(g, out);
}

/* ---- inputs ---- */

static void hsrp_recompute_priority(struct hsrp_grp *g)
{
	int p = g->cfg.priority;
	unsigned i;

	for (i = 0; i < g->cfg.ntrack; i++)
		if (g->track_down[i])
			p -= g->cfg.track[i].decrement;
	g->priority = (uint8_t)(p < 0 ? 0 : p);
}

void hsrp_fsm_init(struct hsrp_grp *g, const struct hsrp_cfg *cfg, hsrp_rand_fn rnd, void *rnd_ctx)
{
	unsigned i;

	memset(g, 0, sizeof(*g));
	g->cfg = *cfg;
	if (g->cfg.version != 2)
		g->cfg.version = 1;
	if (g->cfg.ntrack > HSRP_MAX_TRACK)
		g->cfg.ntrack = HSRP_MAX_TRACK;
	for (i = 0; i < g->cfg.ntrack; i++)
		if (g->cfg.track[i].decrement == 0)
			g->cfg.track[i].decrement = HSRP_TRACK_DEFAULT_DEC;
	if (g->cfg.priority == 0)
		g->cfg.priority = HSRP_PRIO_DEFAULT;
	if (g->cfg.auth[0] == '\0')
		memcpy(g->cfg.auth, "cisco", 6);   /* RFC 2281 §5.1 default */
	g->cfg.auth[8] = '\0';
	g->rnd = rnd;
	g->rnd_ctx = rnd_ctx;
	g->state = HSRP_INITIAL;
	g->vip = g->cfg.vip;
	g->hello_ms = g->cfg.hello_ms ? g->cfg.hello_ms : HSRP_HELLO_DEFAULT_MS;
	g->hold_ms = g->cfg.hold_ms ? g->cfg.hold_ms : HSRP_HOLD_DEFAULT_MS;
	g->active_due = g->standby_due = g->hello_due = HSRP_NEVER;
	hsrp_recompute_priority(g);
}

/* event a when both are up, event b when one goes down */
static void hsrp_updown(struct hsrp_grp *g, uint64_t now, struct hsrp_out *out, bool can_resign)
{
	bool up = g->link_up && g->admin_up;

	if (up && g->state == HSRP_INITIAL) {
		/* a: AB/2|3 (note +: Listen when the VIP is known, else Learn) */
		hsrp_glog(g, out, "Init: a/HSRP enabled");
		g->enabled_ms = now;
		hsrp_act_a(g, now, NULL);
		hsrp_act_b(g, now, NULL);
		g->hello_due = now + hsrp_hello_gap(g);
		hsrp_set_state(g, now, g->vip ? HSRP_LISTEN : HSRP_LEARN, out);
	} else if (!up && g->state != HSRP_INITIAL) {
		/* b: CD/1; Active CDH/1 (the Resign only if it can still leave) */
		hsrp_glog(g, out, "%s: b/HSRP disabled", hsrp_fsm_state_name(g->state));
		g->active_due = g->standby_due = g->hello_due = HSRP_NEVER;
		if (g->state == HSRP_ACTIVE && can_resign)
			hsrp_send(g, now, HSRP_OP_RESIGN, out);
		hsrp_set_state(g, now, HSRP_INITIAL, out);
	}
}

void hsrp_fsm_link(struct hsrp_grp *g, uint64_t now_ms, bool up, struct hsrp_out *out)
{
	hsrp_out_reset(out);
	g->link_up = up;
	hsrp_updown(g, now_ms, out, false);
	hsrp_settle(g, now_ms, out);
}

void hsrp_fsm_admin(struct hsrp_grp *g, uint64_t now_ms, bool up, struct hsrp_out *out)
{
	hsrp_out_reset(out);
	g->admin_up = up;
	hsrp_updown(g, now_ms, out, g->link_up);
	hsrp_settle(g, now_ms, out);
}

void hsrp_fsm_track(struct hsrp_grp *g, uint64_t now_ms, const char *ifname, bool up,
		    struct hsrp_out *out)
{
	uint8_t before = g->priority;
	unsigned i;

	hsrp_out_reset(out);
	for (i = 0; i < g->cfg.ntrack; i++) {
		if (strcmp(g->cfg.track[i].ifname, ifname) != 0 || g->track_down[i] == !up)
			continue;
		g->track_down[i] = !up;
		hsrp_glog(g, out, "Track %s state %s -> %s", ifname, up ? "Down" : "Up",
			  up ? "Up" : "Down");
	}
	hsrp_recompute_priority(g);
	if (g->priority != before)
		hsrp_glog(g, out, "Priority %u -> %u", before, g->priority);
	hsrp_settle(g, now_ms, out);
}

static void hsrp_drop(struct hsrp_grp *g, struct hsrp_out *out, enum hsrp_drop why,
		      uint32_t src, const char *detail)
{
	unsigned long n = ++g->drops[why];
	char a[16];

	/* rate-limited: the 1st, 2nd, 4th, 8th … drop of each reason is logged */
	if ((n & (n - 1)) != 0)
		return;
	hsrp_ip_str(src, a, sizeof(a));
	if (why == HSRP_DROP_AUTH)
		hsrp_log(out, "%%HSRP-4-BADAUTH: Bad authentication from %s, group %u (%lu dropped)",
			 a, g->cfg.group, n);
	else
		hsrp_glog(g, out, "dropped message from %s: %s%s%s (%lu dropped)", a, hsrp_drop_name(why),
			  detail ? ", " : "", detail ? detail : "", n);
}

void hsrp_fsm_input(struct hsrp_grp *g, uint64_t now_ms, const struct hsrp_pkt *p,
		    uint32_t src_ip, struct hsrp_out *out)
{
	enum hsrp_ev ev;
	bool hi;

	hsrp_out_reset(out);
	g->rx++;
	if (g->state == HSRP_INITIAL) {
		hsrp_drop(g, out, HSRP_DROP_INACTIVE, src_ip, NULL);
	} else if (p->version != g->cfg.version || p->ipver != 4) {
		hsrp_drop(g, out, HSRP_DROP_VERSION, src_ip, NULL);
	} else if (p->op > HSRP_OP_RESIGN) {
		hsrp_drop(g, out, HSRP_DROP_OPCODE, src_ip, hsrp_op_name(p->op));
	} else if (p->group != g->cfg.group) {
		hsrp_drop(g, out, HSRP_DROP_GROUP, src_ip, NULL);
	} else if (src_ip == g->cfg.real_ip) {
		hsrp_drop(g, out, HSRP_DROP_OWN, src_ip, NULL);
	} else if (p->has_md5 || strncmp(p->auth, g->cfg.auth, 8) != 0) {
		/* RFC 2281 §5.1: the authentication data must match the configured text */
		hsrp_drop(g, out, HSRP_DROP_AUTH, src_ip, NULL);
	} else if (p->hold_ms <= p->hello_ms) {
		/* RFC 2281 §5.1: "Holdtime MUST be greater than the Hellotime" */
		hsrp_drop(g, out, HSRP_DROP_TIMERS, src_ip, NULL);
	} else {
		hi = hsrp_higher(g, p->priority, src_ip);
		ev = EV_E;   /* none */
		if (p->op == HSRP_OP_HELLO) {
			switch (p->state) {
			case HSRP_ACTIVE:  ev = hi ? EV_G : EV_H; break;
			case HSRP_STANDBY: ev = hi ? EV_K : EV_L; break;
			case HSRP_SPEAK:   ev = hi ? EV_F : EV_E; break;
			default:           break;   /* Init/Learn/Listen never send */
			}
			if (p->state == HSRP_ACTIVE && g->vip && p->vip && p->vip != g->vip &&
			    p->vip != g->diffvip_logged) {
				char a[16], b[16];

				hsrp_ip_str(p->vip, a, sizeof(a));
				hsrp_ip_str(g->vip, b, sizeof(b));
				hsrp_log(out, "%%HSRP-4-DIFFVIP1: %s Grp %u active routers virtual IP "
					 "address %s is different to the locally configured address %s",
					 g->cfg.ifname, g->cfg.group, a, b);
				g->diffvip_logged = p->vip;
			}
		} else if (p->op == HSRP_OP_COUP) {
			ev = hi ? EV_J : EV_E;
		} else {
			/* i: a Resign from the Active router (by address or by its state field) */
			if (src_ip == g->active_ip || p->state == HSRP_ACTIVE)
				ev = EV_I;
		}
		if (ev != EV_E)
			hsrp_msg_event(g, now_ms, ev, p, src_ip, out);
	}
	hsrp_settle(g, now_ms, out);
}

void hsrp_fsm_input_bytes(struct hsrp_grp *g, uint64_t now_ms, const uint8_t *buf, size_t len,
			  uint32_t src_ip, struct hsrp_out *out)
{
	struct hsrp_pkt p;
	struct codec_err err;

	memset(&err, 0, sizeof(err));
	if (hsrp_decode(buf, len, &p, &err) != 0) {
		hsrp_out_reset(out);
		g->rx++;
		hsrp_drop(g, out, HSRP_DROP_DECODE, src_ip, err.text);
		hsrp_settle(g, now_ms, out);
		return;
	}
	hsrp_fsm_input(g, now_ms, &p, src_ip, out);
}

void hsrp_fsm_timer(struct hsrp_grp *g, uint64_t now_ms, struct hsrp_out *out)
{
	hsrp_out_reset(out);
	hsrp_settle(g, now_ms, out);
}

/* ---- show standby ---- */

static void hsrp_fmt_time(uint32_t ms, const char *unit_s, char *buf, size_t len)
{
	if (ms % 1000 == 0)
		snprintf(buf, len, "%u %s", ms / 1000, unit_s);
	else
		snprintf(buf, len, "%u msec", ms);
}

#define HSRP_SHOW(...) do { \
		if (off < len) \
			off += (size_t)snprintf(buf + off, len - off, __VA_ARGS__); \
	} while (0)

/* "Active router is unknown | local | A.B.C.D, priority P (expires in S sec)" */
static size_t show_router(const struct hsrp_grp *g, const char *role, uint32_t ip, uint32_t prio, uint64_t due,
			  uint64_t now_ms, char *buf, size_t len, size_t off)
{
	char a[16];

	if (ip == 0) {
		HSRP_SHOW("%s router is unknown\n", role);
	} else if (ip == g->cfg.real_ip) {
		HSRP_SHOW("%s router is local\n", role);
	} else {
		hsrp_ip_str(ip, a, sizeof(a));
		HSRP_SHOW("%s router is %s, \n   priority %u (expires in %.3f sec)\n", role, a, prio,
			  due != HSRP_NEVER && due > now_ms ? (double)(due - now_ms) / 1000.0 : 0.0);
	}
	return off;
}

const char *hsrp_fsm_show(const struct hsrp_grp *g, uint64_t now_ms, char *buf, size_t len)
{
	size_t off = 0;
	uint8_t mac[6];
	char ip[16], t1[24], t2[24];
	uint64_t since = now_ms > g->last_change_ms ? now_ms - g->last_change_ms : 0;
	unsigned i;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	hsrp_fsm_vmac(g->cfg.version, g->cfg.group, mac);
	HSRP_SHOW("%s - Group %u%s\n", g->cfg.ifname, g->cfg.group, g->cfg.version == 2 ? " (version 2)" : "");
	if (g->state == HSRP_INITIAL)
		HSRP_SHOW("State is Init (%s)\n", !g->link_up ? "interface down" : "disabled");
	else
		HSRP_SHOW("State is %s\n", hsrp_fsm_state_name(g->state));
	since /= 1000;
	HSRP_SHOW("%u state change%s, last state change %02u:%02u:%02u\n", g->changes,
		  g->changes == 1 ? "" : "s", (unsigned)(since / 3600), (unsigned)(since / 60 % 60),
		  (unsigned)(since % 60));
	if (g->vip) {
		hsrp_ip_str(g->vip, ip, sizeof(ip));
		HSRP_SHOW("Virtual IP address is %s\n", ip);
	} else {
		HSRP_SHOW("Virtual IP address is unknown\n");
	}
	if (g->active_ip)
		HSRP_SHOW("Active virtual MAC address is %02x%02x.%02x%02x.%02x%02x\n",
			  mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	else
		HSRP_SHOW("Active virtual MAC address is unknown\n");
	HSRP_SHOW("Local virtual MAC address is %02x%02x.%02x%02x.%02x%02x (v%u default)\n",
		  mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], g->cfg.version);
	hsrp_fmt_time(g->hello_ms, "sec", t1, sizeof(t1));
	hsrp_fmt_time(g->hold_ms, "sec", t2, sizeof(t2));
	HSRP_SHOW("Hello time %s, hold time %s\n", t1, t2);
	if (g->state >= HSRP_SPEAK && g->hello_due != HSRP_NEVER)
		HSRP_SHOW("Next hello sent in %.3f secs\n",
			  g->hello_due > now_ms ? (double)(g->hello_due - now_ms) / 1000.0 : 0.0);
	if (g->cfg.preempt && g->cfg.preempt_delay_ms)
		HSRP_SHOW("Preemption enabled, delay min %u secs\n", g->cfg.preempt_delay_ms / 1000);
	else
		HSRP_SHOW("Preemption %s\n", g->cfg.preempt ? "enabled" : "disabled");
	off = show_router(g, "Active", g->active_ip, g->active_prio, g->active_due, now_ms, buf, len, off);
	off = show_router(g, "Standby", g->standby_ip, g->standby_prio, g->standby_due, now_ms, buf, len, off);
	HSRP_SHOW("Priority %u (%s %u)\n", g->priority,
		  g->cfg.priority == HSRP_PRIO_DEFAULT ? "default" : "configured", g->cfg.priority);
	for (i = 0; i < g->cfg.ntrack; i++)
		HSRP_SHOW("Track interface %s state %s decrement %u\n", g->cfg.track[i].ifname,
			  g->track_down[i] ? "Down" : "Up", g->cfg.track[i].decrement);
	if (g->cfg.name[0])
		HSRP_SHOW("IP redundancy name is \"%s\" (cfgd)\n", g->cfg.name);
	return buf;
}
