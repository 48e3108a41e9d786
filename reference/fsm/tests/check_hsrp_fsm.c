/* check_hsrp_fsm.c — the HSRP group machine (hsrp_fsm.h): table rows of RFC 2281 §5.7 on
 * one engine, and two or three engines back to back over a simulated segment (every
 * message encoded by codec/hsrp.c and decoded again) on a simulated clock, with times
 * checked against windows.c. CONFORMANCE.md assertions covered are cited as [#N].
 * With --mutation: mutated encoded messages through decode → engine (label mutation). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hsrp_fsm.h"
#include "windows.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define VIP     IP(172, 16, 172, 53)
#define IP_VXR1 IP(172, 16, 172, 52)
#define IP_VXR2 IP(172, 16, 172, 54)
#define IP_R3   IP(172, 16, 172, 60)

static uint64_t ms(double s)
{
	return (uint64_t)(s * 1000.0 + 0.5);
}

static uint32_t xorshift(void *ctx)
{
	uint32_t *x = ctx;

	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* seed 001's `standby 1 …` lines for 7204VXR-1 (priority 200, track Fa0/1 150) */
static struct hsrp_cfg cfg_of(uint32_t ip, uint8_t prio, bool preempt)
{
	struct hsrp_cfg c;

	memset(&c, 0, sizeof(c));
	snprintf(c.ifname, sizeof(c.ifname), "FastEthernet0/0");
	snprintf(c.name, sizeof(c.name), "VPNHA");
	c.version = 1;
	c.group = 1;
	c.vip = VIP;
	c.priority = prio;
	c.preempt = preempt;
	c.real_ip = ip;
	c.real_mac[5] = (uint8_t)ip;
	return c;
}

/* ---- the simulated segment ------------------------------------------------------- */

#define NN 3
#define QN 4096
#define LOGN (256 * 1024)

struct node {
	struct hsrp_grp g;
	bool present;
	uint32_t rng;
	uint64_t next;
	unsigned coups, resigns, hellos, garps, becomes, leaves;
	uint64_t active_at, last_hello;
	uint64_t gaps_min, gaps_max;   /* between Hellos sent in Active */
	uint64_t prev_active_hello;
	unsigned ngaps;
};

struct msg {
	uint64_t at;
	int from;
	uint8_t b[64];
	size_t len;
};

struct sim {
	struct node n[NN];
	int nn;
	struct msg q[QN];
	unsigned qh, qt;
	uint64_t now;
	uint32_t mut;           /* != 0: mutate delivered messages (mutation test) */
	char log[LOGN];
	size_t loglen;
};

static void sim_handle(struct sim *s, int i, const struct hsrp_out *out)
{
	struct node *nd = &s->n[i];
	unsigned k;

	ck_assert_uint_le(out->n, HSRP_MAX_ACTIONS);
	for (k = 0; k < out->n; k++) {
		const struct hsrp_action *a = &out->act[k];

		switch (a->type) {
		case HSRP_ACT_LOG:
			if (s->loglen < LOGN - 256)
				s->loglen += (size_t)snprintf(s->log + s->loglen, LOGN - s->loglen,
							      "%8llu R%d %s\n", (unsigned long long)s->now,
							      i + 1, a->text);
			break;
		case HSRP_ACT_SEND: {
			struct msg *m = &s->q[s->qt % QN];
			int len = hsrp_encode(&a->pkt, m->b, sizeof(m->b));

			ck_assert_int_gt(len, 0);
			ck_assert_uint_lt(s->qt - s->qh, QN);
			m->len = (size_t)len;
			m->at = s->now;
			m->from = i;
			s->qt++;
			if (a->pkt.op == HSRP_OP_HELLO) {
				/* [#43] Hellos only from Speak, Standby, Active; [#44] vMAC iff Active */
				ck_assert_int_ge(a->pkt.state, HSRP_SPEAK);
				ck_assert_int_eq(a->use_vmac, a->pkt.state == HSRP_ACTIVE);
				/* [#41] the Hello carries the timers in use, Hold > Hello */
				ck_assert_uint_gt(a->pkt.hold_ms, a->pkt.hello_ms);
				nd->hellos++;
				nd->last_hello = s->now;
				if (a->pkt.state == HSRP_ACTIVE) {
					if (nd->prev_active_hello) {
						uint64_t gap = s->now - nd->prev_active_hello;

						if (nd->ngaps == 0 || gap < nd->gaps_min)
							nd->gaps_min = gap;
						if (gap > nd->gaps_max)
							nd->gaps_max = gap;
						nd->ngaps++;
					}
					nd->prev_active_hello = s->now;
				} else {
					nd->prev_active_hello = 0;
				}
			} else if (a->pkt.op == HSRP_OP_COUP) {
				nd->coups++;
			} else if (a->pkt.op == HSRP_OP_RESIGN) {
				nd->resigns++;
				ck_assert(a->use_vmac);
			}
			break;
		}
		case HSRP_ACT_BECOME_ACTIVE:
			nd->becomes++;
			nd->active_at = s->now;
			break;
		case HSRP_ACT_GARP:
			/* [#45] gratuitous ARP once Active */
			ck_assert_int_eq(nd->g.state, HSRP_ACTIVE);
			nd->garps++;
			break;
		case HSRP_ACT_LEAVE_ACTIVE:
			nd->leaves++;
			nd->prev_active_hello = 0;
			break;
		}
	}
	ck_assert(out->next_ms == HSRP_NEVER || out->next_ms >= s->now);
	nd->next = out->next_ms;
}

static void sim_init(struct sim *s, int nn, const struct hsrp_cfg *cfgs)
{
	int i;

	memset(s, 0, sizeof(*s));
	s->nn = nn;
	for (i = 0; i < nn; i++) {
		s->n[i].rng = 0x9e3779b9u * (uint32_t)(i + 1);
		hsrp_fsm_init(&s->n[i].g, &cfgs[i], xorshift, &s->n[i].rng);
		s->n[i].present = true;
		s->n[i].next = HSRP_NEVER;
	}
}

static void sim_up(struct sim *s, int i)
{
	struct hsrp_out out;

	hsrp_fsm_admin(&s->n[i].g, s->now, true, &out);
	sim_handle(s, i, &out);
	hsrp_fsm_link(&s->n[i].g, s->now, true, &out);
	sim_handle(s, i, &out);
}

static void sim_link(struct sim *s, int i, bool up)
{
	struct hsrp_out out;

	hsrp_fsm_link(&s->n[i].g, s->now, up, &out);
	sim_handle(s, i, &out);
}

static void sim_admin(struct sim *s, int i, bool up)
{
	struct hsrp_out out;

	hsrp_fsm_admin(&s->n[i].g, s->now, up, &out);
	sim_handle(s, i, &out);
}

static void sim_track(struct sim *s, int i, const char *ifname, bool up)
{
	struct hsrp_out out;

	hsrp_fsm_track(&s->n[i].g, s->now, ifname, up, &out);
	sim_handle(s, i, &out);
}

static void sim_mutate(struct sim *s, uint8_t *b, size_t *len)
{
	uint32_t r = xorshift(&s->mut);
	unsigned k, n = 1 + r % 4;

	if (r % 8 == 0) {
		*len = r % (*len + 1);
		return;
	}
	for (k = 0; k < n && *len; k++) {
		r = xorshift(&s->mut);
		b[r % *len] ^= (uint8_t)(1u << (r >> 8) % 8);
	}
}

/* deliver messages and fire timers in time order until `until` */
static void sim_run(struct sim *s, uint64_t until)
{
	int guard;

	for (guard = 0; guard < 1000000; guard++) {
		uint64_t t = HSRP_NEVER;
		int i, who = -1;

		if (s->qh != s->qt)
			t = s->q[s->qh % QN].at;
		for (i = 0; i < s->nn; i++)
			if (s->n[i].present && s->n[i].next < t) {
				t = s->n[i].next;
				who = i;
			}
		if (t > until)
			break;
		s->now = t;
		if (who < 0) {
			struct msg m = s->q[s->qh % QN];

			s->qh++;
			for (i = 0; i < s->nn; i++) {
				struct hsrp_out out;
				uint8_t b[64];
				size_t len = m.len;

				if (i == m.from || !s->n[i].present)
					continue;
				memcpy(b, m.b, m.len);
				if (s->mut && xorshift(&s->mut) % 4 == 0)
					sim_mutate(s, b, &len);
				hsrp_fsm_input_bytes(&s->n[i].g, s->now, b, len, s->n[m.from].g.cfg.real_ip, &out);
				sim_handle(s, i, &out);
			}
		} else {
			struct hsrp_out out;

			hsrp_fsm_timer(&s->n[who].g, s->now, &out);
			sim_handle(s, who, &out);
		}
	}
	ck_assert_int_lt(guard, 1000000);
	s->now = until;
}

static int count_state(const struct sim *s, enum hsrp_state st)
{
	int i, n = 0;

	for (i = 0; i < s->nn; i++)
		if (s->n[i].present && s->n[i].g.state == st)
			n++;
	return n;
}

static bool log_has(const struct sim *s, const char *needle)
{
	return strstr(s->log, needle) != NULL;
}

/* seed 001's pair: 7204VXR-1 priority 200 preempt track Fa0/1 150; 7204VXR-2 default 100
 * preempt; both up at 0, steady state after 60 s */
static void sim_seed001(struct sim *s, bool preempt1)
{
	struct hsrp_cfg c[2] = { cfg_of(IP_VXR1, 200, preempt1), cfg_of(IP_VXR2, 100, true) };

	c[0].ntrack = 1;
	snprintf(c[0].track[0].ifname, sizeof(c[0].track[0].ifname), "FastEthernet0/1");
	c[0].track[0].decrement = 150;
	c[1].ntrack = 1;
	snprintf(c[1].track[0].ifname, sizeof(c[1].track[0].ifname), "FastEthernet1/0");
	sim_init(s, 2, c);
	sim_up(s, 0);
	sim_up(s, 1);
	sim_run(s, 60000);
}

static struct sim S;   /* big: keep it off the stack */

/* [#49] election: one Active (the higher priority), one Standby */
START_TEST(election_v1)
{
	sim_seed001(&S, true);
	ck_assert_int_eq(S.n[0].g.state, HSRP_ACTIVE);
	ck_assert_int_eq(S.n[1].g.state, HSRP_STANDBY);
	ck_assert_uint_eq(S.n[0].becomes, 1);
	ck_assert_uint_eq(S.n[1].becomes, 0);
	ck_assert_uint_eq(S.n[0].garps, 1);
	ck_assert(log_has(&S, "R1 %HSRP-6-STATECHANGE: FastEthernet0/0 Grp 1 state Standby -> Active"));
	ck_assert(log_has(&S, "R1 HSRP: Fa0/0 Grp 1 Init: a/HSRP enabled"));
	ck_assert(log_has(&S, "R1 HSRP: Fa0/0 Grp 1 Redundancy \"VPNHA\" state Init -> Backup"));
	ck_assert_uint_eq(S.n[0].g.standby_ip, IP_VXR2);
	ck_assert_uint_eq(S.n[1].g.active_ip, IP_VXR1);
	/* 60 more seconds: nothing moves */
	sim_run(&S, 120000);
	ck_assert_int_eq(S.n[0].g.state, HSRP_ACTIVE);
	ck_assert_int_eq(S.n[1].g.state, HSRP_STANDBY);
	ck_assert_uint_eq(S.n[0].becomes + S.n[1].becomes, 1);
}
END_TEST

/* RFC 2281 §5.2 / CONFORMANCE §3: equal priority goes to the higher IP; three routers */
START_TEST(tie_higher_ip)
{
	struct hsrp_cfg c[3] = { cfg_of(IP_VXR1, 100, false), cfg_of(IP_R3, 100, false),
				 cfg_of(IP_VXR2, 100, false) };

	sim_init(&S, 3, c);
	sim_up(&S, 0);
	sim_up(&S, 1);
	sim_up(&S, 2);
	sim_run(&S, 90000);
	ck_assert_int_eq(S.n[1].g.state, HSRP_ACTIVE);    /* .60 */
	ck_assert_int_eq(S.n[2].g.state, HSRP_STANDBY);   /* .54 */
	ck_assert_int_eq(S.n[0].g.state, HSRP_LISTEN);    /* .52 */
	ck_assert_int_eq(count_state(&S, HSRP_ACTIVE), 1);
	ck_assert_int_eq(count_state(&S, HSRP_STANDBY), 1);
}
END_TEST

/* a lone router: Listen -c-> Speak -d-> Standby -c-> Active, seed 001's sequence, Active
 * exactly 2 × Holdtime after event a */
START_TEST(lone_router_sequence)
{
	struct hsrp_cfg c = cfg_of(IP_VXR1, 200, true);
	const char *seq[] = {
		"Init -> Listen", "Listen: c/Active timer expired (unknown)", "Listen -> Speak",
		"Speak: d/Standby timer expired (unknown)", "Standby router is local", "Speak -> Standby",
		"Standby: c/Active timer expired (unknown)", "Active router is local",
		"Standby router is unknown, was local", "Standby -> Active",
	};
	const char *at = NULL;
	size_t i;

	sim_init(&S, 1, &c);
	S.now = 5000;
	sim_up(&S, 0);
	sim_run(&S, 60000);
	ck_assert_int_eq(S.n[0].g.state, HSRP_ACTIVE);
	ck_assert_uint_eq(S.n[0].active_at, 5000 + 2 * HSRP_HOLD_DEFAULT_MS);
	at = S.log;
	for (i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		const char *p = strstr(at, seq[i]);

		ck_assert_msg(p != NULL, "missing in order: %s\n%s", seq[i], S.log);
		at = p;
	}
}
END_TEST

/* [#46] Standby → Active exactly Holdtime after the last Hello heard, inside
 * hsrp_takeover_window(); seed 001: Fa0/0 shut on VXR-1 (no Resign can leave) */
START_TEST(takeover_exact_hold)
{
	static const uint64_t fail_at[] = { 61234, 62999, 63000, 65432 };
	size_t k;

	for (k = 0; k < sizeof(fail_at) / sizeof(fail_at[0]); k++) {
		struct time_window w = hsrp_takeover_window(3, 10, 0);
		uint64_t last;

		sim_seed001(&S, true);
		sim_run(&S, fail_at[k]);
		last = S.n[0].last_hello;
		sim_link(&S, 0, false);
		ck_assert_int_eq(S.n[0].g.state, HSRP_INITIAL);
		ck_assert_uint_eq(S.n[0].resigns, 0);
		ck_assert(log_has(&S, "R1 HSRP: Fa0/0 Grp 1 Active: b/HSRP disabled"));
		ck_assert(log_has(&S, "R1 HSRP: Fa0/0 Grp 1 Active router is unknown, was local"));
		ck_assert(log_has(&S, "R1 HSRP: Fa0/0 Grp 1 Standby router is unknown, was 172.16.172.54"));
		ck_assert(log_has(&S, "R1 %HSRP-6-STATECHANGE: FastEthernet0/0 Grp 1 state Active -> Init"));
		ck_assert_uint_eq(S.n[0].leaves, 1);
		sim_run(&S, fail_at[k] + 20000);
		ck_assert_int_eq(S.n[1].g.state, HSRP_ACTIVE);
		ck_assert_uint_eq(S.n[1].active_at, last + HSRP_HOLD_DEFAULT_MS);
		ck_assert_uint_ge(S.n[1].active_at - fail_at[k], ms(w.lo_s));
		ck_assert_uint_le(S.n[1].active_at - fail_at[k], ms(w.hi_s));
		ck_assert(log_has(&S, "R2 HSRP: Fa0/0 Grp 1 Standby: c/Active timer expired (172.16.172.52)"));
		ck_assert(log_has(&S, "R2 HSRP: Fa0/0 Grp 1 Active router is local, was 172.16.172.52"));
		ck_assert(log_has(&S, "R2 HSRP: Fa0/0 Grp 1 Standby router is unknown, was local"));
		ck_assert(log_has(&S, "R2 %HSRP-6-STATECHANGE: FastEthernet0/0 Grp 1 state Standby -> Active"));
		ck_assert_uint_eq(S.n[1].garps, 1);
	}
}
END_TEST

/* [#47] Fa0/0 back on VXR-1: it preempts with a Coup at the first Hello of the lower
 * Active, which Resigns and goes to Speak, then Standby */
START_TEST(preempt_coup_resign)
{
	uint64_t up_at;

	sim_seed001(&S, true);
	sim_link(&S, 0, false);
	sim_run(&S, 90000);
	ck_assert_int_eq(S.n[1].g.state, HSRP_ACTIVE);
	up_at = S.now;
	sim_link(&S, 0, true);
	ck_assert_int_eq(S.n[0].g.state, HSRP_LISTEN);
	sim_run(&S, up_at + 3000);   /* one Hello interval: the Coup has happened */
	ck_assert_int_eq(S.n[0].g.state, HSRP_ACTIVE);
	ck_assert_uint_eq(S.n[0].coups, 1);
	ck_assert_uint_eq(S.n[1].resigns, 1);
	ck_assert_int_eq(S.n[1].g.state, HSRP_SPEAK);
	ck_assert(log_has(&S, "R1 HSRP: Fa0/0 Grp 1 Listen: h/Hello rcvd from lower pri Active router (100/172.16.172.54)"));
	ck_assert(log_has(&S, "R2 HSRP: Fa0/0 Grp 1 Active: j/Coup rcvd from higher pri router (200/172.16.172.52)"));
	ck_assert(log_has(&S, "R2 %HSRP-6-STATECHANGE: FastEthernet0/0 Grp 1 state Active -> Speak"));
	sim_run(&S, up_at + 30000);
	ck_assert_int_eq(S.n[0].g.state, HSRP_ACTIVE);
	ck_assert_int_eq(S.n[1].g.state, HSRP_STANDBY);
	ck_assert_uint_eq(S.n[1].leaves, 1);
}
END_TEST

/* [#47] without `preempt` the recovered higher-priority router stays Standby */
START_TEST(no_preempt_stays)
{
	sim_seed001(&S, false);
	ck_assert_int_eq(S.n[0].g.state, HSRP_ACTIVE);
	sim_link(&S, 0, false);
	sim_run(&S, 90000);
	sim_link(&S, 0, true);
	sim_run(&S, 150000);
	ck_assert_int_eq(S.n[1].g.state, HSRP_ACTIVE);
	ck_assert_int_eq(S.n[0].g.state, HSRP_STANDBY);
	ck_assert_uint_eq(S.n[0].coups, 0);
}
END_TEST

/* IOS `preempt delay minimum S`: no Coup before S after the group came up */
START_TEST(preempt_delay)
{
	uint64_t up_at;

	sim_seed001(&S, true);
	S.n[0].g.cfg.preempt_delay_ms = 20000;
	sim_link(&S, 0, false);
	sim_run(&S, 90000);
	up_at = S.now;
	sim_link(&S, 0, true);
	sim_run(&S, up_at + 19999);
	ck_assert_uint_eq(S.n[0].coups, 0);
	ck_assert_int_ne(S.n[0].g.state, HSRP_ACTIVE);
	sim_run(&S, up_at + 24000);   /* the first Hello of the Active after the delay */
	ck_assert_uint_eq(S.n[0].coups, 1);
	ck_assert_int_eq(S.n[0].g.state, HSRP_ACTIVE);
	ck_assert_uint_ge(S.n[0].active_at, up_at + 20000);
}
END_TEST

/* seed 001 tracked-interface variant: Fa0/1 down on VXR-1, priority 200 − 150 = 50,
 * VXR-2 (preempt) takes over with a Coup within one Hello; back up: VXR-1 preempts again */
START_TEST(track_failover)
{
	char buf[2048];
	uint64_t t;

	sim_seed001(&S, true);
	t = S.now;
	sim_track(&S, 0, "FastEthernet0/1", false);
	ck_assert_uint_eq(S.n[0].g.priority, 50);
	ck_assert(log_has(&S, "R1 HSRP: Fa0/0 Grp 1 Priority 200 -> 50"));
	hsrp_fsm_show(&S.n[0].g, S.now, buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "Priority 50 (configured 200)\n"));
	ck_assert_ptr_nonnull(strstr(buf, "Track interface FastEthernet0/1 state Down decrement 150\n"));
	sim_run(&S, t + 3000);
	ck_assert_int_eq(S.n[1].g.state, HSRP_ACTIVE);
	ck_assert_uint_eq(S.n[1].coups, 1);
	ck_assert_uint_eq(S.n[0].resigns, 1);
	ck_assert_uint_le(S.n[1].active_at - t, 3000);
	sim_run(&S, t + 30000);
	ck_assert_int_eq(S.n[0].g.state, HSRP_STANDBY);
	/* tracked interface back: 200 again, preempt */
	t = S.now;
	sim_track(&S, 0, "FastEthernet0/1", true);
	sim_run(&S, t + 3000);
	ck_assert_int_eq(S.n[0].g.state, HSRP_ACTIVE);
	sim_run(&S, t + 30000);
	ck_assert_int_eq(S.n[1].g.state, HSRP_STANDBY);
	/* unknown interface: nothing */
	sim_track(&S, 0, "Serial0/0", false);
	ck_assert_uint_eq(S.n[0].g.priority, 200);
}
END_TEST

/* [#48] `no standby 1` on the Active (interface up): Resign; the Standby takes over at
 * once (event i, CFI/6) */
START_TEST(admin_resign)
{
	uint64_t t;

	sim_seed001(&S, true);
	t = S.now;
	sim_admin(&S, 0, false);
	ck_assert_uint_eq(S.n[0].resigns, 1);
	ck_assert_int_eq(S.n[0].g.state, HSRP_INITIAL);
	sim_run(&S, t);
	ck_assert_int_eq(S.n[1].g.state, HSRP_ACTIVE);
	ck_assert_uint_eq(S.n[1].active_at, t);
	ck_assert(log_has(&S, "R2 HSRP: Fa0/0 Grp 1 Standby: i/Resign rcvd (200/172.16.172.52)"));
}
END_TEST

/* [#42] Hello gaps jittered inside hsrp_hello_gap_window(), and not all equal */
START_TEST(hello_jitter)
{
	struct time_window w = hsrp_hello_gap_window(3, 0);

	sim_seed001(&S, true);
	sim_run(&S, 300000);
	ck_assert_uint_gt(S.n[0].ngaps, 50);
	ck_assert_uint_ge(S.n[0].gaps_min, ms(w.lo_s));
	ck_assert_uint_le(S.n[0].gaps_max, ms(w.hi_s));
	ck_assert_uint_lt(S.n[0].gaps_min, S.n[0].gaps_max);
}
END_TEST

/* [#50] v2: group 4095, `standby 4095 timers msec 300 msec 1000`; takeover exact */
START_TEST(v2_msec)
{
	struct hsrp_cfg c[2] = { cfg_of(IP_VXR1, 150, true), cfg_of(IP_VXR2, 100, true) };
	uint8_t buf[64], mac[6];
	struct hsrp_pkt p;
	struct hsrp_out out;
	uint64_t last;
	int i, len;

	for (i = 0; i < 2; i++) {
		c[i].version = 2;
		c[i].group = 4095;
		c[i].hello_ms = 300;
		c[i].hold_ms = 1000;
	}
	sim_init(&S, 2, c);
	sim_up(&S, 0);
	sim_up(&S, 1);
	sim_run(&S, 10000);
	ck_assert_int_eq(S.n[0].g.state, HSRP_ACTIVE);
	ck_assert_int_eq(S.n[1].g.state, HSRP_STANDBY);
	/* the wire: Group State TLV type 1 length 40, version 2, ms timers, identifier */
	hsrp_fsm_timer(&S.n[0].g, S.n[0].next, &out);
	for (i = 0; i < (int)out.n && out.act[i].type != HSRP_ACT_SEND; i++)
		;
	ck_assert_int_lt(i, (int)out.n);
	len = hsrp_encode(&out.act[i].pkt, buf, sizeof(buf));
	ck_assert_int_ge(len, 42);
	ck_assert_uint_eq(buf[0], 1);
	ck_assert_uint_eq(buf[1], 40);
	ck_assert_uint_eq(buf[2], 2);
	ck_assert_int_eq(hsrp_decode(buf, (size_t)len, &p, NULL), 0);
	ck_assert_uint_eq(p.group, 4095);
	ck_assert_uint_eq(p.hello_ms, 300);
	ck_assert_uint_eq(p.hold_ms, 1000);
	ck_assert_uint_eq(p.identifier[5], (uint8_t)IP_VXR1);
	ck_assert_str_eq(p.auth, "cisco");
	sim_handle(&S, 0, &out);
	sim_run(&S, 12345);
	last = S.n[0].last_hello;
	sim_link(&S, 0, false);
	sim_run(&S, 20000);
	ck_assert_int_eq(S.n[1].g.state, HSRP_ACTIVE);
	ck_assert_uint_eq(S.n[1].active_at, last + 1000);
	hsrp_fsm_vmac(2, 4095, mac);
	ck_assert_uint_eq(mac[3], 0x9f);
	ck_assert_uint_eq(mac[4], 0xff);
	ck_assert_uint_eq(mac[5], 0xff);
	hsrp_fsm_vmac(2, 0x123, mac);
	ck_assert_uint_eq(mac[4], 0xf1);
	ck_assert_uint_eq(mac[5], 0x23);
	hsrp_fsm_vmac(1, 1, mac);
	ck_assert(mac[0] == 0 && mac[1] == 0 && mac[2] == 0x0c && mac[3] == 0x07 && mac[4] == 0xac &&
		  mac[5] == 1);
}
END_TEST

/* `show standby` in seed 001's format */
START_TEST(show_standby)
{
	char buf[2048];

	sim_seed001(&S, true);
	hsrp_fsm_show(&S.n[0].g, S.now, buf, sizeof(buf));
	ck_assert_msg(strncmp(buf, "FastEthernet0/0 - Group 1\nState is Active\n", 42) == 0, "%s", buf);
	ck_assert_ptr_nonnull(strstr(buf, "\n2 state changes, last state change 00:00:"));
	ck_assert_ptr_nonnull(strstr(buf, "\nVirtual IP address is 172.16.172.53\n"
					  "Active virtual MAC address is 0000.0c07.ac01\n"
					  "Local virtual MAC address is 0000.0c07.ac01 (v1 default)\n"
					  "Hello time 3 sec, hold time 10 sec\nNext hello sent in "));
	ck_assert_ptr_nonnull(strstr(buf, "\nPreemption enabled\nActive router is local\n"
					  "Standby router is 172.16.172.54, \n   priority 100 (expires in "));
	ck_assert_ptr_nonnull(strstr(buf, "\nPriority 200 (configured 200)\n"
					  "Track interface FastEthernet0/1 state Up decrement 150\n"
					  "IP redundancy name is \"VPNHA\" (cfgd)\n"));
	hsrp_fsm_show(&S.n[1].g, S.now, buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "State is Standby\n1 state change, last state change"));
	ck_assert_ptr_nonnull(strstr(buf, "\nActive router is 172.16.172.52, \n   priority 200 (expires in "));
	ck_assert_ptr_nonnull(strstr(buf, "\nStandby router is local\nPriority 100 (default 100)\n"
					  "Track interface FastEthernet1/0 state Up decrement 10\n"));
	sim_link(&S, 0, false);
	hsrp_fsm_show(&S.n[0].g, S.now, buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "State is Init (interface down)\n3 state changes"));
	ck_assert_ptr_nonnull(strstr(buf, "Active virtual MAC address is unknown\n"));
	ck_assert_ptr_null(strstr(buf, "Next hello"));
	/* too small a buffer: truncated, terminated */
	hsrp_fsm_show(&S.n[0].g, S.now, buf, 10);
	ck_assert_uint_eq(strlen(buf), 9);
}
END_TEST

/* ---- one engine, hand-made messages: rows of the RFC 2281 §5.7 table ---------------- */

static struct hsrp_pkt mk(uint8_t op, enum hsrp_state st, uint32_t prio)
{
	struct hsrp_pkt p;

	memset(&p, 0, sizeof(p));
	p.version = 1;
	p.op = op;
	p.state = st;
	p.group = 1;
	p.priority = prio;
	p.hello_ms = 3000;
	p.hold_ms = 10000;
	p.vip = VIP;
	p.ipver = 4;
	memcpy(p.auth, "cisco", 6);
	return p;
}

static unsigned count_act(const struct hsrp_out *o, enum hsrp_act_type t, int op)
{
	unsigned i, n = 0;

	for (i = 0; i < o->n; i++)
		if (o->act[i].type == t && (op < 0 || o->act[i].pkt.op == op))
			n++;
	return n;
}

static void lone_to(struct hsrp_grp *g, struct hsrp_out *o, uint8_t prio, bool preempt,
		    enum hsrp_state want)
{
	struct hsrp_cfg c = cfg_of(IP_VXR2, prio, preempt);
	uint64_t t;

	hsrp_fsm_init(g, &c, NULL, NULL);
	hsrp_fsm_admin(g, 0, true, o);
	hsrp_fsm_link(g, 0, true, o);
	for (t = 0; g->state != want && t < 40000; t += 100) {
		/* Standby needs an Active router heard (a lone Standby is Active at once) */
		if (want == HSRP_STANDBY && t % 3000 == 0 && g->state >= HSRP_LISTEN) {
			struct hsrp_pkt p = mk(HSRP_OP_HELLO, HSRP_ACTIVE, 255);

			hsrp_fsm_input(g, t, &p, IP(172, 16, 172, 1), o);
		}
		hsrp_fsm_timer(g, t, o);
	}
	ck_assert_int_eq(g->state, want);
}

START_TEST(table_rows)
{
	struct hsrp_grp g;
	struct hsrp_out o;
	struct hsrp_pkt p;
	unsigned i;

	/* Speak + f (higher Speak) → B/3 */
	lone_to(&g, &o, 100, false, HSRP_SPEAK);
	p = mk(HSRP_OP_HELLO, HSRP_SPEAK, 150);
	hsrp_fsm_input(&g, 15000, &p, IP_R3, &o);
	ck_assert_int_eq(g.state, HSRP_LISTEN);
	/* Listen + l (lower Standby) → B/4 Speak; Speak + l → D/5 Standby */
	p = mk(HSRP_OP_HELLO, HSRP_STANDBY, 50);
	hsrp_fsm_input(&g, 15100, &p, IP_R3, &o);
	ck_assert_int_eq(g.state, HSRP_SPEAK);
	hsrp_fsm_input(&g, 15200, &p, IP_R3, &o);
	ck_assert_int_eq(g.state, HSRP_STANDBY);
	/* Standby + k (higher Standby) → B/3 Listen */
	p = mk(HSRP_OP_HELLO, HSRP_STANDBY, 150);
	hsrp_fsm_input(&g, 15300, &p, IP_R3, &o);
	ck_assert_int_eq(g.state, HSRP_LISTEN);
	ck_assert_uint_eq(g.standby_ip, IP_R3);
	ck_assert_uint_eq(g.standby_due, 15300 + 10000);
	/* Listen + g (higher Active) → EA: timer from the message's Holdtime */
	p = mk(HSRP_OP_HELLO, HSRP_ACTIVE, 150);
	p.hold_ms = 7000;
	hsrp_fsm_input(&g, 15400, &p, IP_R3, &o);
	ck_assert_int_eq(g.state, HSRP_LISTEN);
	ck_assert_uint_eq(g.active_due, 15400 + 7000);
	ck_assert_uint_eq(g.active_ip, IP_R3);
	/* Listen + i (Resign from the Active) → AB/4 Speak */
	p = mk(HSRP_OP_RESIGN, HSRP_ACTIVE, 150);
	hsrp_fsm_input(&g, 15500, &p, IP_R3, &o);
	ck_assert_int_eq(g.state, HSRP_SPEAK);
	ck_assert_uint_eq(g.active_ip, 0);

	/* Active + g (higher Active) → AB/4 Speak, no Resign */
	lone_to(&g, &o, 100, false, HSRP_ACTIVE);
	p = mk(HSRP_OP_HELLO, HSRP_ACTIVE, 150);
	hsrp_fsm_input(&g, g.last_change_ms + 1, &p, IP_R3, &o);
	ck_assert_int_eq(g.state, HSRP_SPEAK);
	ck_assert_uint_eq(count_act(&o, HSRP_ACT_LEAVE_ACTIVE, -1), 1);
	ck_assert_uint_eq(count_act(&o, HSRP_ACT_SEND, -1), 0);
	/* Active + h (lower Active) → G: Coup, stays Active */
	lone_to(&g, &o, 100, false, HSRP_ACTIVE);
	p = mk(HSRP_OP_HELLO, HSRP_ACTIVE, 50);
	hsrp_fsm_input(&g, 30000, &p, IP_R3, &o);
	ck_assert_int_eq(g.state, HSRP_ACTIVE);
	ck_assert_uint_eq(count_act(&o, HSRP_ACT_SEND, HSRP_OP_COUP), 1);
	/* Active + j from a lower router: ignored; from a higher one: ABH/4 */
	p = mk(HSRP_OP_COUP, HSRP_ACTIVE, 50);
	hsrp_fsm_input(&g, 30100, &p, IP_R3, &o);
	ck_assert_int_eq(g.state, HSRP_ACTIVE);
	p = mk(HSRP_OP_COUP, HSRP_ACTIVE, 100);   /* tie: .60 > .54 */
	hsrp_fsm_input(&g, 30200, &p, IP_R3, &o);
	ck_assert_int_eq(g.state, HSRP_SPEAK);
	ck_assert_uint_eq(count_act(&o, HSRP_ACT_SEND, HSRP_OP_RESIGN), 1);

	/* Standby + h with preempt → BGFI/6 in that order: Coup, vMAC on, Hello, GARP */
	lone_to(&g, &o, 100, true, HSRP_STANDBY);
	p = mk(HSRP_OP_HELLO, HSRP_ACTIVE, 50);
	hsrp_fsm_input(&g, 25000, &p, IP_R3, &o);
	ck_assert_int_eq(g.state, HSRP_ACTIVE);
	{
		static const enum hsrp_act_type want[] = {
			HSRP_ACT_SEND, HSRP_ACT_BECOME_ACTIVE, HSRP_ACT_SEND, HSRP_ACT_GARP,
		};
		unsigned k = 0;

		for (i = 0; i < o.n; i++) {
			if (o.act[i].type == HSRP_ACT_LOG)
				continue;
			ck_assert_uint_lt(k, 4);
			ck_assert_int_eq(o.act[i].type, want[k]);
			if (k == 0)
				ck_assert_uint_eq(o.act[i].pkt.op, HSRP_OP_COUP);
			if (k == 2) {
				ck_assert_uint_eq(o.act[i].pkt.op, HSRP_OP_HELLO);
				ck_assert(o.act[i].use_vmac);
			}
			k++;
		}
		ck_assert_uint_eq(k, 4);
	}
	/* Standby + h without preempt → A only */
	lone_to(&g, &o, 100, false, HSRP_STANDBY);
	hsrp_fsm_input(&g, 25000, &p, IP_R3, &o);
	ck_assert_int_eq(g.state, HSRP_STANDBY);
	ck_assert_uint_eq(g.active_due, 25000 + 10000);

	/* Learn: no VIP configured; learns it (and the timers) from the Active's Hello */
	{
		struct hsrp_cfg c = cfg_of(IP_VXR2, 100, false);

		c.vip = 0;
		hsrp_fsm_init(&g, &c, NULL, NULL);
		hsrp_fsm_admin(&g, 0, true, &o);
		hsrp_fsm_link(&g, 0, true, &o);
		ck_assert_int_eq(g.state, HSRP_LEARN);
		hsrp_fsm_timer(&g, 50000, &o);   /* no timer moves Learn */
		ck_assert_int_eq(g.state, HSRP_LEARN);
		p = mk(HSRP_OP_HELLO, HSRP_ACTIVE, 150);
		p.hello_ms = 1000;
		p.hold_ms = 4000;
		hsrp_fsm_input(&g, 50100, &p, IP_R3, &o);
		ck_assert_int_eq(g.state, HSRP_LISTEN);
		ck_assert_uint_eq(g.vip, VIP);
		ck_assert_uint_eq(g.hold_ms, 4000);
		ck_assert_uint_eq(g.hello_ms, 1000);
	}
}
END_TEST

/* bad or foreign messages: dropped, counted by reason, nothing moves */
START_TEST(drops_counted)
{
	struct hsrp_grp g;
	struct hsrp_out o;
	struct hsrp_pkt p;
	uint64_t due;
	unsigned long tx;
	uint64_t now;
	unsigned d;
	static const uint8_t junk[] = { 7, 7, 7 };

	{
		struct hsrp_cfg c = cfg_of(IP_VXR2, 100, true);

		hsrp_fsm_init(&g, &c, NULL, NULL);
	}
	p = mk(HSRP_OP_HELLO, HSRP_ACTIVE, 50);
	hsrp_fsm_input(&g, 0, &p, IP_R3, &o);            /* still Initial */
	ck_assert_uint_eq(g.drops[HSRP_DROP_INACTIVE], 1);
	lone_to(&g, &o, 100, true, HSRP_STANDBY);
	due = g.active_due;
	tx = g.tx;
	now = g.last_change_ms;
	p = mk(HSRP_OP_HELLO, HSRP_ACTIVE, 50);          /* would trigger a Coup if accepted */
	p.group = 2;
	hsrp_fsm_input(&g, now, &p, IP_R3, &o);
	p = mk(HSRP_OP_HELLO, HSRP_ACTIVE, 50);
	memcpy(p.auth, "wrong", 6);
	hsrp_fsm_input(&g, now, &p, IP_R3, &o);
	ck_assert_ptr_nonnull(strstr(o.act[0].text, "%HSRP-4-BADAUTH: Bad authentication from 172.16.172.60, group 1"));
	p = mk(HSRP_OP_HELLO, HSRP_ACTIVE, 50);
	p.version = 2;
	hsrp_fsm_input(&g, now, &p, IP_R3, &o);
	p = mk(HSRP_OP_HELLO, HSRP_ACTIVE, 50);
	hsrp_fsm_input(&g, now, &p, IP_VXR2, &o);      /* our own, looped back */
	p = mk(HSRP_OP_HELLO, HSRP_ACTIVE, 50);
	p.hold_ms = 3000;                                /* Hold not above Hello */
	hsrp_fsm_input(&g, now, &p, IP_R3, &o);
	p = mk(HSRP_OP_ADVERTISE, HSRP_ACTIVE, 50);
	hsrp_fsm_input(&g, now, &p, IP_R3, &o);
	p = mk(HSRP_OP_HELLO, HSRP_ACTIVE, 50);
	p.has_md5 = 1;
	hsrp_fsm_input(&g, now, &p, IP_R3, &o);
	hsrp_fsm_input_bytes(&g, now, junk, sizeof(junk), IP_R3, &o);
	ck_assert_int_eq(g.state, HSRP_STANDBY);
	ck_assert_uint_eq(g.active_due, due);
	ck_assert_uint_eq(g.drops[HSRP_DROP_GROUP], 1);
	ck_assert_uint_eq(g.drops[HSRP_DROP_AUTH], 2);
	ck_assert_uint_eq(g.drops[HSRP_DROP_VERSION], 1);
	ck_assert_uint_eq(g.drops[HSRP_DROP_OWN], 1);
	ck_assert_uint_eq(g.drops[HSRP_DROP_TIMERS], 1);
	ck_assert_uint_eq(g.drops[HSRP_DROP_OPCODE], 1);
	ck_assert_uint_eq(g.drops[HSRP_DROP_DECODE], 1);
	ck_assert_uint_eq(g.tx, tx);
	for (d = 0; d < HSRP_DROP_MAX; d++)
		ck_assert_str_ne(hsrp_drop_name((enum hsrp_drop)d), "unknown");
	ck_assert_str_eq(hsrp_drop_name(HSRP_DROP_MAX), "unknown");
	ck_assert_str_eq(hsrp_fsm_state_name(HSRP_INITIAL), "Init");
	ck_assert_str_eq(hsrp_fsm_state_name((enum hsrp_state)9), "Unknown");
	/* a different VIP from the Active: warned once, still followed */
	p = mk(HSRP_OP_HELLO, HSRP_ACTIVE, 150);
	p.vip = IP(172, 16, 172, 99);
	hsrp_fsm_input(&g, 26000, &p, IP_R3, &o);
	ck_assert_ptr_nonnull(strstr(o.act[0].text, "%HSRP-4-DIFFVIP1"));
	ck_assert_uint_eq(g.active_due, 26000 + 10000);
}
END_TEST

/* ---- mutation: mutated encoded messages through decode → engine ------------------- */

/* every message on the segment mutated with probability 1/4 for 10 minutes of three
 * routers (v1, then v2): no crash, invariants hold (checked in sim_handle); once the
 * mutation stops the group converges to one Active and one Standby */
START_TEST(mutation_segment)
{
	int v;

	for (v = 1; v <= 2; v++) {
		struct hsrp_cfg c[3] = { cfg_of(IP_VXR1, 200, true), cfg_of(IP_VXR2, 100, true),
					 cfg_of(IP_R3, 150, false) };
		unsigned long drops = 0, rx = 0;
		int i;
		unsigned d;

		for (i = 0; i < 3; i++)
			c[i].version = (uint8_t)v;
		sim_init(&S, 3, c);
		S.mut = 0x12345u + (uint32_t)v;
		for (i = 0; i < 3; i++)
			sim_up(&S, i);
		sim_run(&S, 600000);
		for (i = 0; i < 3; i++) {
			for (d = 0; d < HSRP_DROP_MAX; d++)
				drops += S.n[i].g.drops[d];
			rx += S.n[i].g.rx;
			ck_assert_int_le(S.n[i].g.state, HSRP_ACTIVE);
		}
		ck_assert_uint_gt(drops, 100);
		ck_assert_uint_gt(rx, drops);
		S.mut = 0;
		sim_run(&S, 700000);
		ck_assert_int_eq(count_state(&S, HSRP_ACTIVE), 1);
		ck_assert_int_eq(count_state(&S, HSRP_STANDBY), 1);
	}
}
END_TEST

/* single messages: every 1..3-byte flip and truncation of Hello/Coup/Resign in v1 and v2
 * fed to engines in each state */
START_TEST(mutation_single)
{
	static const enum hsrp_state states[] = { HSRP_LISTEN, HSRP_SPEAK, HSRP_STANDBY, HSRP_ACTIVE };
	uint32_t rng = 77;
	unsigned it;

	for (it = 0; it < 40000; it++) {
		struct hsrp_grp g;
		struct hsrp_out o;
		struct hsrp_pkt p = mk((uint8_t)(it % 3), (enum hsrp_state)(HSRP_SPEAK + it % 3),
				       xorshift(&rng) % 256);
		uint8_t b[64];
		int len, k, flips;
		unsigned long sum = 0, d;

		p.version = (uint8_t)(1 + (it / 3) % 2);
		len = hsrp_encode(&p, b, sizeof(b));
		ck_assert_int_gt(len, 0);
		flips = 1 + (int)(xorshift(&rng) % 3);
		for (k = 0; k < flips; k++)
			b[xorshift(&rng) % (uint32_t)len] ^= (uint8_t)xorshift(&rng);
		if (xorshift(&rng) % 5 == 0)
			len = (int)(xorshift(&rng) % (uint32_t)(len + 1));
		lone_to(&g, &o, (uint8_t)(1 + it % 250), it % 2, states[(it / 7) % 4]);
		hsrp_fsm_input_bytes(&g, 40000, b, (size_t)len, IP_R3, &o);
		ck_assert_uint_le(o.n, HSRP_MAX_ACTIONS);
		ck_assert_int_le(g.state, HSRP_ACTIVE);
		ck_assert(o.next_ms == HSRP_NEVER || o.next_ms >= 40000);
		for (d = 0; d < HSRP_DROP_MAX; d++)
			sum += g.drops[d];
		ck_assert_uint_le(sum, g.rx);
	}
}
END_TEST

static Suite *unit_suite(void)
{
	Suite *s = suite_create("hsrp_fsm");
	TCase *tc = tcase_create("engine");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, election_v1);
	tcase_add_test(tc, tie_higher_ip);
	tcase_add_test(tc, lone_router_sequence);
	tcase_add_test(tc, takeover_exact_hold);
	tcase_add_test(tc, preempt_coup_resign);
	tcase_add_test(tc, no_preempt_stays);
	tcase_add_test(tc, preempt_delay);
	tcase_add_test(tc, track_failover);
	tcase_add_test(tc, admin_resign);
	tcase_add_test(tc, hello_jitter);
	tcase_add_test(tc, v2_msec);
	tcase_add_test(tc, show_standby);
	tcase_add_test(tc, table_rows);
	tcase_add_test(tc, drops_counted);
	suite_add_tcase(s, tc);
	return s;
}

static Suite *mutation_suite(void)
{
	Suite *s = suite_create("hsrp_fsm_mutation");
	TCase *tc = tcase_create("mutation");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, mutation_segment);
	tcase_add_test(tc, mutation_single);
	suite_add_tcase(s, tc);
	return s;
}

int main(int argc, char **argv)
{
	bool mutation = argc > 1 && strcmp(argv[1], "--mutation") == 0;
	SRunner *sr = srunner_create(mutation ? mutation_suite() : unit_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
