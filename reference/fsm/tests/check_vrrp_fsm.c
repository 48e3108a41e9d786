/* check_vrrp_fsm.c — the VRRP machine (vrrp_fsm.h): two or three routers back to back on
 * a simulated LAN (adverts go through vrrp_encode/vrrp_decode), a simulated clock, and
 * every time checked against windows.c (the numbers the harness uses). CONFORMANCE.md §6
 * assertions covered are cited as [#N]. With --mutation: mutated adverts through
 * decode → engine (label mutation).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vrrp_fsm.h"
#include "windows.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define VIP      IP(10, 0, 0, 254)
#define MAXR     3
#define MAXQ     64

static uint64_t ms(double s)
{
	return (uint64_t)(s * 1000.0 + 0.5);
}

static struct vrrp_cfg cfg_of(int version, uint8_t prio, bool preempt, uint16_t adv_cs, uint32_t ip)
{
	struct vrrp_cfg c;

	memset(&c, 0, sizeof(c));
	snprintf(c.ifname, sizeof(c.ifname), "Fa0/0");
	c.version = (uint8_t)version;
	c.vrid = 1;
	c.priority = prio;
	c.preempt = preempt;
	c.adver_int_cs = adv_cs;
	c.primary_ip = ip;
	c.nvips = 1;
	c.vips[0] = VIP;
	return c;
}

/* ---- the simulated LAN ------------------------------------------------------------ */

struct frame { uint8_t buf[128]; int len; uint32_t src; int from; };

struct net {
	struct vrrp_rtr r[MAXR];
	int n;
	uint64_t now;
	bool partitioned;                  /* nothing is delivered */
	struct frame q[MAXQ];
	int qn;
	/* per router, what the caller saw */
	uint64_t master_at[MAXR], left_at[MAXR], last_adv_ms[MAXR];
	int adverts[MAXR], prio0[MAXR], masters[MAXR], leaves[MAXR];
	char last_log[MAXR][VRRP_LOG_LEN];
};

static void net_init(struct net *nt, int n, const struct vrrp_cfg *cfgs)
{
	int i;

	memset(nt, 0, sizeof(*nt));
	nt->n = n;
	for (i = 0; i < n; i++)
		ck_assert_int_eq(vrrp_init(&nt->r[i], &cfgs[i]), 0);
}

static void handle(struct net *nt, int i, const struct vrrp_out *o)
{
	unsigned k;

	ck_assert_uint_le(o->n, VRRP_MAX_ACTIONS);
	for (k = 0; k < o->n; k++) {
		const struct vrrp_action *a = &o->act[k];

		switch (a->type) {
		case VRRP_ACT_LOG:
			snprintf(nt->last_log[i], sizeof(nt->last_log[i]), "%s", a->text);
			if (getenv("VRRP_TRACE"))
				printf("%8llu r%d %s\n", (unsigned long long)nt->now, i, a->text);
			break;
		case VRRP_ACT_SEND_ADVERT: {
			struct frame *f;

			/* [#53] only the Master advertises (or a Master stopping, priority 0) */
			ck_assert(nt->r[i].state == VRRP_ST_MASTER || a->pkt.priority == 0);
			nt->adverts[i]++;
			nt->last_adv_ms[i] = nt->now;
			if (a->pkt.priority == 0)
				nt->prio0[i]++;
			ck_assert_int_lt(nt->qn, MAXQ);
			f = &nt->q[nt->qn++];
			f->len = vrrp_encode(&a->pkt, nt->r[i].cfg.primary_ip, VRRP_GROUP_V4, f->buf, sizeof(f->buf));
			ck_assert_int_gt(f->len, 0);
			f->src = nt->r[i].cfg.primary_ip;
			f->from = i;
			break;
		}
		case VRRP_ACT_BECOME_MASTER:
			nt->masters[i]++;
			nt->master_at[i] = nt->now;
			break;
		case VRRP_ACT_LEAVE_MASTER:
			nt->leaves[i]++;
			nt->left_at[i] = nt->now;
			break;
		}
	}
	if (o->next_ms != VRRP_NEVER)
		ck_assert_uint_ge(o->next_ms, nt->now);
}

/* Deliver every queued frame to every other router whose link is up (TTL 255). */
static void deliver(struct net *nt)
{
	while (nt->qn > 0) {
		struct frame f = nt->q[0];
		int j;

		memmove(nt->q, nt->q + 1, (size_t)(nt->qn - 1) * sizeof(nt->q[0]));
		nt->qn--;
		if (nt->partitioned)
			continue;
		for (j = 0; j < nt->n; j++) {
			struct vrrp_out o;

			if (j == f.from || !nt->r[j].link_up)
				continue;
			vrrp_input_bytes(&nt->r[j], nt->now, f.buf, (size_t)f.len, f.src, VRRP_GROUP_V4, 255, &o);
			handle(nt, j, &o);
		}
	}
}

static void net_link(struct net *nt, int i, bool up)
{
	struct vrrp_out o;

	vrrp_link(&nt->r[i], nt->now, up, &o);
	handle(nt, i, &o);
	deliver(nt);
}

static void net_admin(struct net *nt, int i, bool up)
{
	struct vrrp_out o;

	vrrp_admin(&nt->r[i], nt->now, up, &o);
	handle(nt, i, &o);
	deliver(nt);
}

static void net_start(struct net *nt, int i)
{
	net_link(nt, i, true);
	net_admin(nt, i, true);
}

/* Advance the clock to `until`, firing every deadline on the way (router order breaks ties). */
static void run_until(struct net *nt, uint64_t until)
{
	int guard;

	for (guard = 0; guard < 100000; guard++) {
		uint64_t next = VRRP_NEVER;
		int i;

		for (i = 0; i < nt->n; i++)
			if (vrrp_next_ms(&nt->r[i]) < next)
				next = vrrp_next_ms(&nt->r[i]);
		if (next == VRRP_NEVER || next > until)
			break;
		nt->now = next;
		for (i = 0; i < nt->n; i++) {
			struct vrrp_out o;

			if (vrrp_next_ms(&nt->r[i]) > nt->now)
				continue;
			vrrp_timer(&nt->r[i], nt->now, &o);
			handle(nt, i, &o);
			deliver(nt);
		}
	}
	ck_assert_int_lt(guard, 100000);
	nt->now = until;
}

static int masters_now(const struct net *nt)
{
	int i, m = 0;

	for (i = 0; i < nt->n; i++)
		m += nt->r[i].state == VRRP_ST_MASTER;
	return m;
}

/* ---- tests ------------------------------------------------------------------------- */

/* [#53][#56][#57] the address owner goes Master at Startup: vMAC + gratuitous ARP
 * (BECOME_MASTER) before the first ADVERTISEMENT, priority 255. */
START_TEST(owner_starts_master)
{
	struct vrrp_cfg c = cfg_of(2, 100, false, 100, IP(10, 0, 0, 1));
	struct vrrp_rtr r;
	struct vrrp_out o;
	uint8_t mac[6];
	static const uint8_t want_mac[6] = { 0x00, 0x00, 0x5E, 0x00, 0x01, 0x07 };

	c.vips[0] = c.primary_ip;
	ck_assert(vrrp_is_owner(&c));
	ck_assert_int_eq(vrrp_init(&r, &c), 0);
	ck_assert_uint_eq(vrrp_priority(&r), 255);
	vrrp_link(&r, 0, true, &o);
	ck_assert_uint_eq(o.n, 0);
	ck_assert_int_eq(r.state, VRRP_ST_INIT);
	vrrp_admin(&r, 0, true, &o);
	ck_assert_uint_eq(o.n, 3);
	ck_assert_int_eq(o.act[0].type, VRRP_ACT_LOG);
	ck_assert_str_eq(o.act[0].text, "%VRRP-6-STATECHANGE: Fa0/0 Grp 1 state Init -> Master");
	ck_assert_int_eq(o.act[1].type, VRRP_ACT_BECOME_MASTER);
	ck_assert_int_eq(o.act[2].type, VRRP_ACT_SEND_ADVERT);
	ck_assert_uint_eq(o.act[2].pkt.priority, 255);
	ck_assert_uint_eq(o.act[2].pkt.version, 2);
	ck_assert_uint_eq(o.act[2].pkt.type, 1);
	ck_assert_uint_eq(o.act[2].pkt.auth_type, 0);
	ck_assert_uint_eq(o.act[2].pkt.adver_int_cs, 100);
	ck_assert_uint_eq(o.act[2].pkt.naddrs, 1);
	ck_assert_uint_eq(o.act[2].pkt.addrs[0], IP(10, 0, 0, 1));
	ck_assert_uint_eq(o.next_ms, 1000);
	ck_assert(vrrp_answers_arp(&r));
	ck_assert(vrrp_accepts_vip_traffic(&r));   /* the owner accepts (RFC 5798 §6.4.3) */
	vrrp_vmac(7, mac);
	ck_assert_mem_eq(mac, want_mac, 6);
}
END_TEST

START_TEST(cfg_checks)
{
	struct vrrp_cfg c = cfg_of(2, 100, true, 150, IP(10, 0, 0, 1));
	struct vrrp_rtr r;
	char why[128] = "";

	ck_assert_int_eq(vrrp_cfg_check(&c, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "v2 advertise interval must be whole seconds 1-255, have 150 cs");
	ck_assert_int_eq(vrrp_init(&r, &c), -1);
	c.version = 3;
	ck_assert_int_eq(vrrp_cfg_check(&c, why, sizeof(why)), 0);
	c.adver_int_cs = 4096;
	ck_assert_int_eq(vrrp_cfg_check(&c, why, sizeof(why)), -1);
	c = cfg_of(2, 255, true, 100, IP(10, 0, 0, 1));
	ck_assert_int_eq(vrrp_cfg_check(&c, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "priority 255 is for the address owner only");
	c = cfg_of(2, 0, true, 100, IP(10, 0, 0, 1));
	ck_assert_int_eq(vrrp_cfg_check(&c, NULL, 0), -1);
	c = cfg_of(2, 100, true, 100, IP(10, 0, 0, 1));
	c.vrid = 0;
	ck_assert_int_eq(vrrp_cfg_check(&c, NULL, 0), -1);
	ck_assert_str_eq(vrrp_state_name(VRRP_ST_BACKUP), "Backup");
	ck_assert_str_eq(vrrp_drop_name(VRRP_DROP_TTL), "ttl");
}
END_TEST

/* [#53][#54] two routers start together: the higher priority's shorter skew wins at
 * exactly its Master_Down_Interval; then only it advertises, every Advertisement_Interval. */
START_TEST(election_by_skew)
{
	struct vrrp_cfg c[2] = { cfg_of(2, 100, true, 100, IP(10, 0, 0, 1)),
				 cfg_of(2, 110, true, 100, IP(10, 0, 0, 2)) };
	struct net nt;

	net_init(&nt, 2, c);
	net_start(&nt, 0);
	net_start(&nt, 1);
	ck_assert_str_eq(nt.last_log[0], "%VRRP-6-STATECHANGE: Fa0/0 Grp 1 state Init -> Backup");
	ck_assert(!vrrp_answers_arp(&nt.r[0]));   /* [#56] a Backup does not answer ARP */
	run_until(&nt, 10000);
	ck_assert_int_eq(nt.masters[1], 1);
	ck_assert_uint_eq(nt.master_at[1], ms(vrrp_master_down_s(2, 110, 1.0)));
	ck_assert_int_eq(nt.masters[0], 0);
	ck_assert_int_eq(nt.r[0].state, VRRP_ST_BACKUP);
	ck_assert_uint_eq(nt.r[0].master_ip, IP(10, 0, 0, 2));
	/* first advert at takeover, then one per second up to 10 s */
	ck_assert_int_eq(nt.adverts[1], 1 + (int)((10000 - nt.master_at[1]) / 1000));
	ck_assert_int_eq(nt.adverts[0], 0);
	ck_assert_uint_eq(nt.r[0].adverts_rx, (uint64_t)nt.adverts[1]);
	ck_assert(!vrrp_accepts_vip_traffic(&nt.r[1]));   /* Accept_Mode False, not owner */
}
END_TEST

/* [#54] Master fails: the Backup takes over exactly Master_Down_Interval after the
 * Master's last advertisement, inside windows.c's takeover window; v2 and v3. */
static const struct { int ver; uint16_t adv_cs; uint8_t prio; } takeover_v[] = {
	{ 2, 100, 100 }, { 2, 300, 100 }, { 2, 100, 1 }, { 2, 100, 254 },
	{ 3, 100, 100 }, { 3, 50, 100 }, { 3, 7, 200 }, { 3, 4095, 10 },
};

START_TEST(takeover_exact_mdi)
{
	int ver = takeover_v[_i].ver;
	uint16_t adv = takeover_v[_i].adv_cs;
	uint8_t prio = takeover_v[_i].prio;
	uint8_t mprio = prio == 254 ? 254 : (uint8_t)(prio + 1);
	struct vrrp_cfg c[2] = { cfg_of(ver, prio, true, adv, IP(10, 0, 0, 1)),
				 cfg_of(ver, mprio, true, adv, IP(10, 0, 0, 2)) };
	struct net nt;
	uint64_t t_last, t_fail, mdi = ms(vrrp_master_down_s(ver, prio, adv / 100.0));
	struct time_window w = vrrp_takeover_window(ver, prio, adv / 100.0, 0.001);

	net_init(&nt, 2, c);
	net_start(&nt, 1);
	nt.now = 1;                 /* r1 first: equal priorities (254) → r1 still wins */
	net_start(&nt, 0);
	run_until(&nt, 20 * (uint64_t)adv * 10 + 10000);
	ck_assert_int_eq(nt.r[1].state, VRRP_ST_MASTER);
	ck_assert_int_eq(nt.r[0].state, VRRP_ST_BACKUP);
	t_last = nt.last_adv_ms[1];
	t_fail = t_last + (uint64_t)adv * 10 / 2;
	run_until(&nt, t_fail);
	net_link(&nt, 1, false);    /* link down: no priority 0 (nothing can go out) */
	ck_assert_int_eq(nt.prio0[1], 0);
	ck_assert_int_eq(nt.leaves[1], 1);
	run_until(&nt, t_fail + mdi + 5000);
	ck_assert_int_eq(nt.masters[0], 1);
	ck_assert_uint_eq(nt.master_at[0], t_last + mdi);
	ck_assert_uint_eq(vrrp_master_down_ms(&nt.r[0]), mdi);
	ck_assert(nt.master_at[0] - t_fail >= ms(w.lo_s));
	ck_assert(nt.master_at[0] - t_fail <= ms(w.hi_s));
}
END_TEST

/* [#55] a Master shutting down sends priority 0; the Backup takes over Skew_Time later. */
START_TEST(shutdown_priority0_skew)
{
	int ver = _i ? 3 : 2;
	struct vrrp_cfg c[2] = { cfg_of(ver, 100, true, 100, IP(10, 0, 0, 1)),
				 cfg_of(ver, 200, true, 100, IP(10, 0, 0, 2)) };
	struct net nt;
	uint64_t t;

	net_init(&nt, 2, c);
	net_start(&nt, 0);
	net_start(&nt, 1);
	run_until(&nt, 10500);
	ck_assert_int_eq(nt.r[1].state, VRRP_ST_MASTER);
	t = nt.now;
	net_admin(&nt, 1, false);
	ck_assert_int_eq(nt.prio0[1], 1);
	ck_assert_uint_eq(nt.r[1].prio0_tx, 1);
	ck_assert_int_eq(nt.leaves[1], 1);
	ck_assert_int_eq(nt.r[1].state, VRRP_ST_INIT);
	ck_assert_str_eq(nt.last_log[1], "%VRRP-6-STATECHANGE: Fa0/0 Grp 1 state Master -> Init");
	ck_assert_uint_eq(nt.r[0].prio0_rx, 1);
	run_until(&nt, t + 5000);
	ck_assert_uint_eq(nt.master_at[0], t + ms(vrrp_skew_s(ver, 100, 1.0)));
	ck_assert_uint_eq(nt.master_at[0], t + 609);   /* (256 − 100)/256 s, CONFORMANCE §4 */
	/* back up: Backup, and it preempts the priority-100 Master after its MDI [#57] */
	t = nt.now;
	net_admin(&nt, 1, true);
	ck_assert_int_eq(nt.r[1].state, VRRP_ST_BACKUP);
	run_until(&nt, t + 10000);
	ck_assert_int_eq(nt.r[1].state, VRRP_ST_MASTER);
	ck_assert_uint_eq(nt.master_at[1], t + ms(vrrp_master_down_s(ver, 200, 1.0)));
	ck_assert_int_eq(nt.r[0].state, VRRP_ST_BACKUP);
	ck_assert_uint_eq(nt.left_at[0], nt.master_at[1]);   /* [#58] steps down at once */
}
END_TEST

/* [#57] preempt: a higher priority router joining a running group takes over after its
 * MDI when Preempt_Mode is set (or it is the owner), never otherwise. */
START_TEST(preempt_modes)
{
	int mode = _i;   /* 0 preempt, 1 no preempt, 2 owner without preempt */
	struct vrrp_cfg c[2] = { cfg_of(2, 100, true, 100, IP(10, 0, 0, 1)),
				 cfg_of(2, 150, mode == 0, 100, IP(10, 0, 0, 2)) };
	struct net nt;

	if (mode == 2) {
		c[0].vips[0] = IP(10, 0, 0, 2);
		c[1].vips[0] = IP(10, 0, 0, 2);
	}
	net_init(&nt, 2, c);
	net_start(&nt, 0);
	run_until(&nt, 5000);
	ck_assert_int_eq(nt.r[0].state, VRRP_ST_MASTER);
	if (mode == 2) {
		/* the owner is Master at Startup; the other yields to its first advert */
		net_start(&nt, 1);
		ck_assert_int_eq(nt.r[1].state, VRRP_ST_MASTER);
		ck_assert_int_eq(nt.r[0].state, VRRP_ST_BACKUP);
		ck_assert_uint_eq(nt.left_at[0], 5000);
		run_until(&nt, 30000);
		ck_assert_int_eq(masters_now(&nt), 1);
		ck_assert_int_eq(nt.r[1].state, VRRP_ST_MASTER);
		return;
	}
	net_start(&nt, 1);
	run_until(&nt, 30000);
	if (mode == 0) {
		ck_assert_uint_eq(nt.master_at[1], 5000 + ms(vrrp_master_down_s(2, 150, 1.0)));
		ck_assert_uint_eq(nt.left_at[0], nt.master_at[1]);
		ck_assert_int_eq(nt.r[0].state, VRRP_ST_BACKUP);
	} else {
		ck_assert_int_eq(nt.masters[1], 0);
		ck_assert_int_eq(nt.r[1].state, VRRP_ST_BACKUP);
		ck_assert_int_eq(nt.r[0].state, VRRP_ST_MASTER);
	}
	ck_assert_int_eq(masters_now(&nt), 1);
}
END_TEST

/* Preempt delay: lower-priority adverts are honoured for the delay after entering Backup. */
START_TEST(preempt_delay)
{
	struct vrrp_cfg c[2] = { cfg_of(2, 100, true, 100, IP(10, 0, 0, 1)),
				 cfg_of(2, 150, true, 100, IP(10, 0, 0, 2)) };
	struct net nt;

	c[1].preempt_delay_ms = 5000;
	net_init(&nt, 2, c);
	net_start(&nt, 0);
	run_until(&nt, 10000);
	net_start(&nt, 1);
	run_until(&nt, 40000);
	ck_assert_int_eq(nt.r[1].state, VRRP_ST_MASTER);
	ck_assert_uint_ge(nt.master_at[1], 15000);
	ck_assert_uint_le(nt.master_at[1], 15000 + ms(vrrp_master_down_s(2, 150, 1.0)));
	ck_assert_int_eq(masters_now(&nt), 1);
}
END_TEST

/* [#58] split brain healed: equal priority, both Master while partitioned; on reunion the
 * lower primary address steps down and the higher stays. */
START_TEST(tie_higher_ip_wins)
{
	struct vrrp_cfg c[2] = { cfg_of(3, 100, true, 100, IP(10, 0, 0, 1)),
				 cfg_of(3, 100, true, 100, IP(10, 0, 0, 2)) };
	struct net nt;

	net_init(&nt, 2, c);
	nt.partitioned = true;
	net_start(&nt, 0);
	net_start(&nt, 1);
	run_until(&nt, 5000);
	ck_assert_int_eq(masters_now(&nt), 2);
	nt.partitioned = false;
	run_until(&nt, 10000);
	ck_assert_int_eq(nt.r[0].state, VRRP_ST_BACKUP);
	ck_assert_int_eq(nt.r[1].state, VRRP_ST_MASTER);
	ck_assert_int_eq(nt.leaves[0], 1);
	ck_assert_int_eq(nt.leaves[1], 0);
}
END_TEST

/* [#59] v3: a Backup learns Master_Adver_Interval and times out on it; v2: a mismatched
 * interval is dropped and counted (both end up Master: the misconfiguration is visible). */
START_TEST(interval_learn_or_drop)
{
	struct vrrp_cfg c3[2] = { cfg_of(3, 100, true, 100, IP(10, 0, 0, 1)),
				  cfg_of(3, 200, true, 50, IP(10, 0, 0, 2)) };
	struct vrrp_cfg c2[2] = { cfg_of(2, 100, true, 100, IP(10, 0, 0, 1)),
				  cfg_of(2, 200, true, 200, IP(10, 0, 0, 2)) };
	struct net nt;
	uint64_t t_last;

	net_init(&nt, 2, c3);
	net_start(&nt, 1);
	net_start(&nt, 0);
	run_until(&nt, 10000);
	ck_assert_int_eq(nt.r[1].state, VRRP_ST_MASTER);
	ck_assert_uint_eq(nt.r[0].master_adver_cs, 50);
	t_last = nt.last_adv_ms[1];
	net_link(&nt, 1, false);
	run_until(&nt, 20000);
	ck_assert_uint_eq(nt.master_at[0], t_last + ms(vrrp_master_down_s(3, 100, 0.5)));

	net_init(&nt, 2, c2);
	net_start(&nt, 1);
	net_start(&nt, 0);
	run_until(&nt, 10000);
	ck_assert_int_eq(masters_now(&nt), 2);
	ck_assert_uint_gt(nt.r[0].drops[VRRP_DROP_INTERVAL], 0);
	ck_assert_uint_gt(nt.r[1].drops[VRRP_DROP_INTERVAL], 0);
	ck_assert_uint_eq(nt.r[0].adverts_rx, 0);
}
END_TEST

/* [#51][#52] bad or foreign adverts are dropped, counted by reason, logged at most once
 * per reason per 10 s, and change nothing. */
START_TEST(bad_packets_dropped)
{
	struct vrrp_cfg c = cfg_of(2, 100, true, 100, IP(10, 0, 0, 1));
	struct vrrp_rtr r;
	struct vrrp_out o;
	struct vrrp_pkt good, p;
	struct vrrp_rx rx = { &p, IP(10, 0, 0, 2), 255 };
	uint64_t mdt;
	uint8_t buf[64];
	int len;
	unsigned d;

	memset(&good, 0, sizeof(good));
	good.version = 2;
	good.type = 1;
	good.vrid = 1;
	good.priority = 120;
	good.naddrs = 1;
	good.adver_int_cs = 100;
	good.checksum_ok = 1;
	good.addrs[0] = VIP;

	ck_assert_int_eq(vrrp_init(&r, &c), 0);
	vrrp_link(&r, 0, true, &o);
	p = good;
	vrrp_input(&r, 10, &rx, &o);              /* Init: not running */
	ck_assert_uint_eq(r.drops[VRRP_DROP_INACTIVE], 1);
	vrrp_admin(&r, 100, true, &o);
	mdt = r.master_down_ms;
	ck_assert_uint_eq(mdt, 100 + ms(vrrp_master_down_s(2, 100, 1.0)));

	rx.ttl = 64;                              /* [#51] */
	vrrp_input(&r, 200, &rx, &o);
	ck_assert_uint_eq(o.n, 1);
	ck_assert_str_eq(o.act[0].text,
			 "Fa0/0 Grp 1 advertisement dropped (ttl): from 10.0.0.2 ttl 64, must be 255, 1 so far");
	vrrp_input(&r, 300, &rx, &o);
	ck_assert_uint_eq(o.n, 0);                /* rate-limited */
	vrrp_input(&r, 10200, &rx, &o);
	ck_assert_uint_eq(o.n, 1);
	ck_assert_uint_eq(r.drops[VRRP_DROP_TTL], 3);
	rx.ttl = 255;
	ck_assert_uint_eq(r.master_down_ms, mdt);

	p = good; p.version = 3;                  /* [#52] */
	vrrp_input(&r, 400, &rx, &o);
	p = good; p.checksum_ok = 0;
	vrrp_input(&r, 400, &rx, &o);
	p = good; p.vrid = 2;
	vrrp_input(&r, 400, &rx, &o);
	p = good; p.auth_type = 1;
	vrrp_input(&r, 400, &rx, &o);
	p = good; p.adver_int_cs = 200;
	vrrp_input(&r, 400, &rx, &o);
	p = good; p.addrs[0] = IP(10, 0, 0, 253);
	vrrp_input(&r, 400, &rx, &o);
	p = good;
	rx.src_ip = c.primary_ip;
	vrrp_input(&r, 400, &rx, &o);
	rx.src_ip = IP(10, 0, 0, 2);
	len = vrrp_encode(&good, rx.src_ip, VRRP_GROUP_V4, buf, sizeof(buf));
	ck_assert_int_gt(len, 8);
	vrrp_input_bytes(&r, 400, buf, (size_t)len - 3, rx.src_ip, VRRP_GROUP_V4, 255, &o);
	ck_assert_uint_eq(o.n, 1);
	ck_assert_ptr_nonnull(strstr(o.act[0].text, "(decode)"));
	buf[7] ^= 1;                              /* checksum through the codec */
	vrrp_input_bytes(&r, 400, buf, (size_t)len, rx.src_ip, VRRP_GROUP_V4, 255, &o);
	buf[7] ^= 1;
	for (d = VRRP_DROP_DECODE; d < VRRP_DROP_MAX; d++)
		ck_assert_msg(r.drops[d] == (d == VRRP_DROP_TTL ? 3u : d == VRRP_DROP_CHECKSUM ? 2u : 1u),
			      "drop %s = %llu", vrrp_drop_name((enum vrrp_drop)d),
			      (unsigned long long)r.drops[d]);
	ck_assert_uint_eq(r.master_down_ms, mdt);
	ck_assert_uint_eq(r.adverts_rx, 0);
	ck_assert_int_eq(r.state, VRRP_ST_BACKUP);

	/* §7.1: a differing address list from the owner (255) is still processed */
	p = good; p.priority = 255; p.addrs[0] = IP(10, 0, 0, 2);
	vrrp_input(&r, 500, &rx, &o);
	ck_assert_uint_eq(r.drops[VRRP_DROP_ADDRS], 1);
	ck_assert_uint_eq(r.adverts_rx, 1);
	ck_assert_uint_eq(r.master_down_ms, 500 + ms(vrrp_master_down_s(2, 100, 1.0)));
	/* and the good one, through the bytes path */
	vrrp_input_bytes(&r, 600, buf, (size_t)len, rx.src_ip, VRRP_GROUP_V4, 255, &o);
	ck_assert_uint_eq(r.adverts_rx, 2);
	ck_assert_uint_eq(r.master_down_ms, 600 + ms(vrrp_master_down_s(2, 100, 1.0)));
}
END_TEST

/* Three routers: the best Backup takes over first and its advert holds the other back;
 * priority 0 hands over in Skew_Time; the best router back preempts. */
START_TEST(three_routers)
{
	struct vrrp_cfg c[3] = { cfg_of(2, 100, true, 100, IP(10, 0, 0, 1)),
				 cfg_of(2, 150, true, 100, IP(10, 0, 0, 2)),
				 cfg_of(2, 200, true, 100, IP(10, 0, 0, 3)) };
	struct net nt;
	uint64_t t_last, t;

	net_init(&nt, 3, c);
	net_start(&nt, 0);
	net_start(&nt, 1);
	net_start(&nt, 2);
	run_until(&nt, 10000);
	ck_assert_int_eq(nt.r[2].state, VRRP_ST_MASTER);
	ck_assert_int_eq(masters_now(&nt), 1);
	t_last = nt.last_adv_ms[2];
	net_link(&nt, 2, false);
	run_until(&nt, 20000);
	ck_assert_uint_eq(nt.master_at[1], t_last + ms(vrrp_master_down_s(2, 150, 1.0)));
	ck_assert_int_eq(nt.masters[0], 0);
	ck_assert_int_eq(masters_now(&nt), 1);
	t = nt.now;
	net_admin(&nt, 1, false);
	run_until(&nt, t + 5000);
	ck_assert_uint_eq(nt.master_at[0], t + ms(vrrp_skew_s(2, 100, 1.0)));
	t = nt.now;
	net_link(&nt, 2, true);
	run_until(&nt, t + 10000);
	ck_assert_uint_eq(nt.master_at[2], t + ms(vrrp_master_down_s(2, 200, 1.0)));
	ck_assert_int_eq(nt.r[0].state, VRRP_ST_BACKUP);
	ck_assert_int_eq(nt.r[1].state, VRRP_ST_INIT);
	ck_assert_int_eq(masters_now(&nt), 1);
	/* a Master answers a priority 0 at once */
	{
		struct vrrp_pkt p;
		struct vrrp_rx rx = { &p, IP(10, 0, 0, 9), 255 };
		struct vrrp_out o;

		memset(&p, 0, sizeof(p));
		p.version = 2; p.type = 1; p.vrid = 1; p.priority = 0; p.naddrs = 1;
		p.adver_int_cs = 100; p.checksum_ok = 1; p.addrs[0] = VIP;
		vrrp_input(&nt.r[2], nt.now + 1, &rx, &o);
		ck_assert_uint_eq(o.n, 1);
		ck_assert_int_eq(o.act[0].type, VRRP_ACT_SEND_ADVERT);
		ck_assert_uint_eq(o.act[0].pkt.priority, 200);
		ck_assert_uint_eq(o.next_ms, nt.now + 1 + 1000);
	}
}
END_TEST

/* ---- mutation: mutated encoded adverts through decode → engine ----------------------- */

static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

/* A router of `ver` in Backup (master=false) or Master at time 1000. */
static void make_rtr(struct vrrp_rtr *r, int ver, bool master)
{
	struct vrrp_cfg c = cfg_of(ver, 100, true, 100, IP(10, 0, 0, 1));
	struct vrrp_out o;

	c.nvips = 3;
	c.vips[1] = IP(10, 0, 0, 253);
	c.vips[2] = IP(10, 0, 0, 252);
	ck_assert_int_eq(vrrp_init(r, &c), 0);
	vrrp_link(r, 0, true, &o);
	vrrp_admin(r, 0, true, &o);
	if (master)
		vrrp_timer(r, r->master_down_ms, &o);
	ck_assert_int_eq(r->state, master ? VRRP_ST_MASTER : VRRP_ST_BACKUP);
}

START_TEST(mutated_adverts)
{
	static const uint8_t prios[] = { 50, 100, 150, 255, 0 };
	uint64_t seed = 0x5652525000000000ULL + (uint64_t)_i, fed = 0;
	int ver, st;
	unsigned k;

	for (ver = 2; ver <= 3; ver++) {
		for (st = 0; st < 2; st++) {
			for (k = 0; k < 25000; k++) {
				struct vrrp_rtr r;
				struct vrrp_pkt p;
				struct vrrp_out o;
				uint8_t buf[128];
				uint64_t sum = 0, now = 2000 + k;
				int len, m, nm;
				unsigned d;

				if (k % 500 == 0 || k == 0)
					make_rtr(&r, ver, st == 1);
				memset(&p, 0, sizeof(p));
				p.version = (uint8_t)ver;
				p.type = 1;
				p.vrid = 1;
				p.priority = prios[lcg(&seed) % 5];
				p.naddrs = 3;
				p.adver_int_cs = 100;
				p.addrs[0] = VIP;
				p.addrs[1] = IP(10, 0, 0, 253);
				p.addrs[2] = IP(10, 0, 0, 252);
				len = vrrp_encode(&p, IP(10, 0, 0, 2), VRRP_GROUP_V4, buf, sizeof(buf));
				ck_assert_int_gt(len, 0);
				nm = 1 + (int)(lcg(&seed) % 4);
				for (m = 0; m < nm; m++) {
					unsigned pos = (unsigned)(lcg(&seed) % (unsigned)len);

					switch (lcg(&seed) % 4) {
					case 0: buf[pos] ^= (uint8_t)(1u << (lcg(&seed) % 8)); break;
					case 1: buf[pos] = (uint8_t)lcg(&seed); break;
					case 2: len = (int)(lcg(&seed) % (unsigned)(len + 1)); break;
					default: if (len < (int)sizeof(buf)) buf[len++] = (uint8_t)lcg(&seed); break;
					}
					if (len == 0)
						break;
				}
				if (vrrp_next_ms(&r) <= now)
					vrrp_timer(&r, now, &o);   /* the clock runs on */
				vrrp_input_bytes(&r, now, buf, (size_t)len, IP(10, 0, 0, 2), VRRP_GROUP_V4,
						 lcg(&seed) % 16 ? 255 : (uint8_t)lcg(&seed), &o);
				fed++;
				ck_assert_uint_le(o.n, VRRP_MAX_ACTIONS);
				ck_assert_int_lt(r.state, VRRP_ST_MAX);
				ck_assert(o.next_ms == VRRP_NEVER || o.next_ms >= now);
				/* never further out than the longest Master_Down_Interval */
				ck_assert(o.next_ms == VRRP_NEVER || o.next_ms <= now + 3 * 40950 + 40950);
				for (d = 0; d < VRRP_DROP_MAX; d++)
					sum += r.drops[d];
				ck_assert_uint_eq(sum + r.adverts_rx, (uint64_t)(k % 500 + 1));
			}
		}
	}
	ck_assert_uint_eq(fed, 100000);
}
END_TEST

static Suite *unit_suite(void)
{
	Suite *s = suite_create("vrrp_fsm");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, owner_starts_master);
	tcase_add_test(tc, cfg_checks);
	tcase_add_test(tc, election_by_skew);
	tcase_add_loop_test(tc, takeover_exact_mdi, 0, (int)(sizeof(takeover_v) / sizeof(takeover_v[0])));
	tcase_add_loop_test(tc, shutdown_priority0_skew, 0, 2);
	tcase_add_loop_test(tc, preempt_modes, 0, 3);
	tcase_add_test(tc, preempt_delay);
	tcase_add_test(tc, tie_higher_ip_wins);
	tcase_add_test(tc, interval_learn_or_drop);
	tcase_add_test(tc, bad_packets_dropped);
	tcase_add_test(tc, three_routers);
	suite_add_tcase(s, tc);
	return s;
}

static Suite *mutation_suite(void)
{
	Suite *s = suite_create("vrrp_fsm_mutation");
	TCase *tc = tcase_create("mutation");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, mutated_adverts, 0, 2);
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
