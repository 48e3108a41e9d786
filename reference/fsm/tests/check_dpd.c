/* check_dpd.c — the DPD machine (dpd.h) driven through every phase, for each style and
 * mode, with the times checked against windows.c (the same numbers the harness uses). */
#include <check.h>
#include <stdlib.h>
#include "dpd.h"

static uint64_t ms(double s)
{
	return (uint64_t)(s * 1000.0 + 0.5);
}

static struct dpd_cfg cfg_of(enum dpd_style st, enum dpd_mode m, double i, double r)
{
	struct dpd_cfg c = { st, m, i, r, 0 };
	return c;
}

static struct dpd_result step(struct dpd_sa *s, uint64_t now, uint64_t in, uint64_t out, bool ack)
{
	struct dpd_input x = { now, in, out, ack };
	return dpd_step(s, &x);
}

/* Silent peer from `last_in`: follow the machine's own deadlines, record the time of every
 * action; returns the number recorded (probe, retransmissions…, dead). */
static int run_silent(const struct dpd_cfg *c, uint64_t last_in, uint64_t last_out, uint64_t *t,
		      enum dpd_action *a, int max)
{
	struct dpd_sa s;
	uint64_t now = last_in;
	int n = 0, guard;

	dpd_init(&s, c);
	for (guard = 0; guard < 1000 && n < max; guard++) {
		struct dpd_result r = step(&s, now, last_in, last_out, false);

		if (r.action != DPD_ACT_NONE) {
			t[n] = now;
			a[n++] = r.action;
			if (r.action == DPD_ACT_DEAD)
				break;
		}
		if (r.next_ms == DPD_NEVER)
			break;
		ck_assert_uint_ge(r.next_ms, now);
		now = r.next_ms;
	}
	return n;
}

/* Every style × mode: first probe one INTERVAL after the last packet in (traffic went out
 * for on-demand), N retransmissions at k·RETRY, dead at dpd_probe_to_dead_s() — exact. */
START_TEST(schedule_matches_windows)
{
	static const struct { enum dpd_style st; double i, r; int n; } v[] = {
		{ DPD_IOS, 10, 2, 5 }, { DPD_IOS, 15, 2, 5 }, { DPD_IOS, 10, 60, 5 },
		{ DPD_COMWARE, 3, 3, 2 }, { DPD_COMWARE, 1, 5, 2 }, { DPD_COMWARE, 300, 1, 2 },
	};
	unsigned k;

	for (k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
		int m;

		for (m = 0; m < 2; m++) {
			struct dpd_cfg c = cfg_of(v[k].st, m ? DPD_PERIODIC : DPD_ON_DEMAND, v[k].i, v[k].r);
			uint64_t t[16], last_in = 123457;
			enum dpd_action a[16];
			int n = run_silent(&c, last_in, last_in + 1, t, a, 16), j;

			ck_assert_int_eq(dpd_retransmissions(&c), v[k].n);
			ck_assert_int_eq(n, v[k].n + 2);
			ck_assert_int_eq(a[0], DPD_ACT_PROBE);
			/* on-demand: INTERVAL after the first packet out (last_in + 1 here) */
			ck_assert_uint_eq(t[0], last_in + (m ? 0 : 1) + ms(dpd_idle_to_probe_s(&c)));
			for (j = 1; j <= v[k].n; j++) {
				ck_assert_int_eq(a[j], DPD_ACT_RETRANSMIT);
				ck_assert_uint_eq(t[j] - t[0], ms(dpd_step_after_probe_s(&c, j)));
				ck_assert_uint_eq(t[j] - t[0], ms(j * v[k].r));
			}
			ck_assert_int_eq(a[n - 1], DPD_ACT_DEAD);
			ck_assert_uint_eq(t[n - 1] - t[0], ms(dpd_probe_to_dead_s(&c)));
			ck_assert_uint_eq(t[n - 1] - t[0], ms((v[k].n + 1) * v[k].r));
		}
	}
}
END_TEST

/* IOS keepalive 10 periodic: "attempt n of 5" numbering, dead 12 s after the probe */
START_TEST(ios_periodic_attempts)
{
	struct dpd_cfg c = cfg_of(DPD_IOS, DPD_PERIODIC, 10, 2);
	struct dpd_sa s;
	struct dpd_result r;
	unsigned k;

	dpd_init(&s, &c);
	r = step(&s, 0, 0, 0, false);
	ck_assert_int_eq(r.action, DPD_ACT_NONE);
	ck_assert_uint_eq(r.next_ms, 10000);
	ck_assert(!r.wait_outbound);
	r = step(&s, 9999, 0, 0, false);
	ck_assert_int_eq(r.action, DPD_ACT_NONE);
	r = step(&s, 10000, 0, 0, false);
	ck_assert_int_eq(r.action, DPD_ACT_PROBE);
	ck_assert_uint_eq(r.attempts, 5);
	ck_assert_uint_eq(r.next_ms, 12000);
	ck_assert_int_eq(s.phase, DPD_PH_PROBING);
	for (k = 1; k <= 5; k++) {
		r = step(&s, 10000 + 2000 * k - 1, 0, 0, false);   /* 1 ms early: nothing */
		ck_assert_int_eq(r.action, DPD_ACT_NONE);
		ck_assert_uint_eq(r.next_ms, 10000 + 2000 * k);
		r = step(&s, 10000 + 2000 * k, 0, 0, false);
		ck_assert_int_eq(r.action, DPD_ACT_RETRANSMIT);
		ck_assert_uint_eq(r.attempt, k);
		ck_assert_uint_eq(r.attempts, 5);
	}
	ck_assert_uint_eq(r.next_ms, 22000);
	r = step(&s, 22000, 0, 0, false);
	ck_assert_int_eq(r.action, DPD_ACT_DEAD);
	ck_assert_uint_eq(r.next_ms, DPD_NEVER);
	ck_assert_int_eq(s.phase, DPD_PH_DEAD);
	/* dead is final, whatever comes in later */
	r = step(&s, 30000, 29000, 29000, true);
	ck_assert_int_eq(r.action, DPD_ACT_NONE);
	ck_assert_uint_eq(r.next_ms, DPD_NEVER);
}
END_TEST

/* seed 003: ike dpd interval 3 retry 3 periodic — retransmit twice, then delete (9 s) */
START_TEST(comware_seed003)
{
	struct dpd_cfg c = cfg_of(DPD_COMWARE, DPD_PERIODIC, 3, 3);
	struct dpd_sa s;
	struct dpd_result r;

	dpd_init(&s, &c);
	r = step(&s, 3000, 0, 0, false);
	ck_assert_int_eq(r.action, DPD_ACT_PROBE);
	ck_assert_uint_eq(r.attempts, 2);
	r = step(&s, 6000, 0, 0, false);
	ck_assert_int_eq(r.action, DPD_ACT_RETRANSMIT);
	ck_assert_uint_eq(r.attempt, 1);
	r = step(&s, 9000, 0, 0, false);
	ck_assert_int_eq(r.action, DPD_ACT_RETRANSMIT);
	ck_assert_uint_eq(r.attempt, 2);
	ck_assert_uint_eq(r.next_ms, 12000);
	r = step(&s, 12000, 0, 0, false);
	ck_assert_int_eq(r.action, DPD_ACT_DEAD);
	ck_assert_uint_eq(12000 - 3000, ms(dpd_probe_to_dead_s(&c)));
	/* retry left out: Comware's default 5 s */
	c.retry_s = 0;
	ck_assert_double_eq_tol(dpd_retry_s(&c), 5, 1e-9);
	ck_assert_double_eq_tol(dpd_probe_to_dead_s(&c), 15, 1e-9);
	c.style = DPD_IOS;
	ck_assert_double_eq_tol(dpd_retry_s(&c), 2, 1e-9);
}
END_TEST

/* An ACK ends the round; the next periodic probe is one interval after it. */
START_TEST(ack_is_alive)
{
	struct dpd_cfg c = cfg_of(DPD_IOS, DPD_PERIODIC, 10, 2);
	struct dpd_sa s;
	struct dpd_result r;

	dpd_init(&s, &c);
	ck_assert_int_eq(step(&s, 10000, 0, 0, false).action, DPD_ACT_PROBE);
	/* the engine records the ACK as inbound too (authenticated Informational) */
	r = step(&s, 10040, 10040, 0, true);
	ck_assert_int_eq(r.action, DPD_ACT_ALIVE);
	ck_assert_int_eq(s.phase, DPD_PH_IDLE);
	ck_assert_uint_eq(r.next_ms, 20040);
	ck_assert_int_eq(step(&s, 20039, 10040, 0, false).action, DPD_ACT_NONE);
	r = step(&s, 20040, 10040, 0, false);
	ck_assert_int_eq(r.action, DPD_ACT_PROBE);
	/* seen late (at the next deadline): the next probe still hangs off the ACK's time */
	r = step(&s, 22040, 20060, 0, true);
	ck_assert_int_eq(r.action, DPD_ACT_ALIVE);
	ck_assert_uint_eq(r.next_ms, 30060);
	ck_assert_int_eq(step(&s, 30060, 20060, 0, false).action, DPD_ACT_PROBE);
	/* an ACK flag alone (no inbound time) also counts, from the moment it is seen */
	r = step(&s, 30100, 20060, 0, true);
	ck_assert_int_eq(r.action, DPD_ACT_ALIVE);
	ck_assert_uint_eq(r.next_ms, 40100);
}
END_TEST

/* Anything authenticated after the probe is proof of life: no retransmission follows. */
START_TEST(inbound_after_probe_is_alive)
{
	struct dpd_cfg c = cfg_of(DPD_IOS, DPD_PERIODIC, 10, 2);
	struct dpd_sa s;
	struct dpd_result r;

	dpd_init(&s, &c);
	ck_assert_int_eq(step(&s, 10000, 0, 0, false).action, DPD_ACT_PROBE);
	ck_assert_int_eq(step(&s, 12000, 0, 0, false).action, DPD_ACT_RETRANSMIT);
	/* ESP from the peer at 13.5 s, seen at the 14 s deadline */
	r = step(&s, 14000, 13500, 0, false);
	ck_assert_int_eq(r.action, DPD_ACT_ALIVE);
	ck_assert_uint_eq(r.next_ms, 23500);
	/* inbound exactly at the probe's millisecond is not "after" it */
	ck_assert_int_eq(step(&s, 23500, 13500, 0, false).action, DPD_ACT_PROBE);
	ck_assert_int_eq(step(&s, 25500, 23500, 0, false).action, DPD_ACT_RETRANSMIT);
}
END_TEST

/* Inbound traffic moves the probe deadline. */
START_TEST(inbound_postpones)
{
	struct dpd_cfg c = cfg_of(DPD_COMWARE, DPD_PERIODIC, 3, 3);
	struct dpd_sa s;
	struct dpd_result r;

	dpd_init(&s, &c);
	r = step(&s, 0, 0, 0, false);
	ck_assert_uint_eq(r.next_ms, 3000);
	r = step(&s, 3000, 2500, 0, false);
	ck_assert_int_eq(r.action, DPD_ACT_NONE);
	ck_assert_uint_eq(r.next_ms, 5500);
	ck_assert_int_eq(step(&s, 5500, 2500, 0, false).action, DPD_ACT_PROBE);
}
END_TEST

/* on-demand: pings both ways for a minute → not a single probe */
START_TEST(on_demand_silent_while_traffic_flows)
{
	struct dpd_cfg c = cfg_of(DPD_IOS, DPD_ON_DEMAND, 15, 2);
	struct dpd_sa s;
	uint64_t t, in = 0, out = 0, next = 0;

	dpd_init(&s, &c);
	for (t = 0; t <= 60000; t++) {
		bool ev = false;

		if (t % 1000 == 0 && t) {         /* echo request out */
			out = t;
			ev = true;
		}
		if (t % 1000 == 20 && t > 1000) { /* echo reply in, 20 ms later */
			in = t;
			ev = true;
		}
		if (ev || t == next) {
			struct dpd_result r = step(&s, t, in, out, false);

			ck_assert_msg(r.action == DPD_ACT_NONE, "action %s at %llu",
				      dpd_action_name(r.action), (unsigned long long)t);
			next = r.next_ms;
		}
	}
	ck_assert_int_eq(s.phase, DPD_PH_IDLE);
}
END_TEST

/* on-demand and periodic while both sides are idle: only periodic probes */
START_TEST(on_demand_idle_waits_for_outbound)
{
	struct dpd_cfg c = cfg_of(DPD_IOS, DPD_ON_DEMAND, 15, 2);
	struct dpd_sa s;
	struct dpd_result r;

	dpd_init(&s, &c);
	r = step(&s, 1000, 1000, 0, false);
	ck_assert_int_eq(r.action, DPD_ACT_NONE);
	ck_assert_uint_eq(r.next_ms, DPD_NEVER);        /* nothing sent: only news matter */
	ck_assert(r.wait_outbound);
	/* a packet goes out at 50 s (seed 000: one echo): the probe comes 15 s later */
	r = step(&s, 50000, 1000, 50000, false);
	ck_assert_int_eq(r.action, DPD_ACT_NONE);
	ck_assert_uint_eq(r.next_ms, 65000);
	r = step(&s, 60000, 1000, 60000, false);        /* more packets do not move it */
	ck_assert_uint_eq(r.next_ms, 65000);
	r = step(&s, 65000, 1000, 60000, false);
	ck_assert_int_eq(r.action, DPD_ACT_PROBE);
	ck_assert_uint_eq(r.next_ms, 67000);
	/* periodic probes an idle peer on time */
	c.mode = DPD_PERIODIC;
	dpd_init(&s, &c);
	ck_assert_int_eq(step(&s, 16000, 1000, 0, false).action, DPD_ACT_PROBE);
}
END_TEST

/* on-demand after a cut (dpd-on-demand of seed 000): traffic flowed both ways until 30 s,
 * then only echo requests go out (every second) → probe 15 s after the first unanswered
 * one, dead 12 s later */
START_TEST(on_demand_after_cut)
{
	struct dpd_cfg c = cfg_of(DPD_IOS, DPD_ON_DEMAND, 15, 2);
	struct dpd_sa s;
	struct dpd_result r;
	uint64_t t, probe = 0, dead = 0, next = 0;
	unsigned retr = 0;

	dpd_init(&s, &c);
	for (t = 1000; t <= 80000 && !dead; t++) {
		uint64_t in = t < 30000 ? t - t % 1000 : 30000, out = t - t % 1000;

		if (t % 1000 && t != next)
			continue;
		r = step(&s, t, in, out, false);
		if (r.action == DPD_ACT_PROBE)
			probe = t;
		else if (r.action == DPD_ACT_RETRANSMIT)
			retr++;
		else if (r.action == DPD_ACT_DEAD)
			dead = t;
		next = r.next_ms;
	}
	ck_assert_uint_eq(probe, 46000);
	ck_assert_uint_eq(retr, 5);
	ck_assert_uint_eq(dead - probe, ms(dpd_probe_to_dead_s(&c)));
	/* from the first packet that went unanswered: the window's upper bound */
	ck_assert_uint_eq(dead - 31000, ms(dpd_detect_window(&c).hi_s));
}
END_TEST

/* A late evaluation does not shift the schedule (it hangs off the first probe). */
START_TEST(late_timer_keeps_schedule)
{
	struct dpd_cfg c = cfg_of(DPD_IOS, DPD_PERIODIC, 10, 2);
	struct dpd_sa s;
	struct dpd_result r;

	dpd_init(&s, &c);
	ck_assert_int_eq(step(&s, 10000, 0, 0, false).action, DPD_ACT_PROBE);
	r = step(&s, 13500, 0, 0, false);
	ck_assert_int_eq(r.action, DPD_ACT_RETRANSMIT);
	ck_assert_uint_eq(r.attempt, 1);
	ck_assert_uint_eq(r.next_ms, 14000);
	r = step(&s, 19000, 0, 0, false);          /* very late: one step per call */
	ck_assert_int_eq(r.action, DPD_ACT_RETRANSMIT);
	ck_assert_uint_eq(r.attempt, 2);
	ck_assert_uint_eq(r.next_ms, 16000);       /* already due: the caller calls again */
}
END_TEST

/* No DPD, strongSwan-style settings (harness only) and the per-SA snapshot. */
START_TEST(off_and_snapshot)
{
	struct dpd_cfg c = cfg_of(DPD_OFF, DPD_PERIODIC, 10, 2), ss = cfg_of(DPD_STRONGSWAN, DPD_PERIODIC, 3, 0);
	struct dpd_sa s, old;
	struct dpd_result r;

	dpd_init(&s, NULL);
	r = step(&s, 100000, 0, 0, false);
	ck_assert_int_eq(r.action, DPD_ACT_NONE);
	ck_assert_uint_eq(r.next_ms, DPD_NEVER);
	dpd_init(&s, &c);
	ck_assert_int_eq(step(&s, 100000, 0, 0, false).action, DPD_ACT_NONE);
	ss.timeout_s = 9;
	dpd_init(&s, &ss);
	ck_assert(!dpd_active(&ss));
	ck_assert_int_eq(step(&s, 100000, 0, 0, false).action, DPD_ACT_NONE);
	/* an SA keeps the settings it was established with */
	c = cfg_of(DPD_IOS, DPD_PERIODIC, 10, 2);
	dpd_init(&old, &c);
	c.interval_s = 30;
	c.mode = DPD_ON_DEMAND;
	dpd_init(&s, &c);
	ck_assert_int_eq(step(&old, 10000, 0, 0, false).action, DPD_ACT_PROBE);
	r = step(&s, 10000, 0, 0, false);
	ck_assert_int_eq(r.action, DPD_ACT_NONE);
	ck_assert(r.wait_outbound);
	r = step(&s, 10000, 0, 1000, false);
	ck_assert_uint_eq(r.next_ms, 31000);
}
END_TEST

START_TEST(names)
{
	char b[64];
	struct dpd_cfg c = cfg_of(DPD_IOS, DPD_PERIODIC, 10, 2);

	ck_assert_str_eq(dpd_cfg_describe(&c, b, sizeof(b)), "DPD 10/2 periodic");
	c = cfg_of(DPD_IOS, DPD_ON_DEMAND, 15, 0);
	ck_assert_str_eq(dpd_cfg_describe(&c, b, sizeof(b)), "DPD 15/2 on-demand");
	c = cfg_of(DPD_COMWARE, DPD_PERIODIC, 3, 3);
	ck_assert_str_eq(dpd_cfg_describe(&c, b, sizeof(b)), "DPD 3/3 periodic (Comware)");
	c.style = DPD_OFF;
	ck_assert_str_eq(dpd_cfg_describe(&c, b, sizeof(b)), "no DPD");
	ck_assert_str_eq(dpd_cfg_describe(NULL, b, sizeof(b)), "no DPD");
	ck_assert_str_eq(dpd_phase_name(DPD_PH_PROBING), "probing");
	ck_assert_str_eq(dpd_action_name(DPD_ACT_RETRANSMIT), "retransmit");
	ck_assert_str_eq(dpd_style_name(DPD_COMWARE), "comware");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dpd");
	TCase *tc = tcase_create("machine");
	tcase_add_test(tc, schedule_matches_windows);
	tcase_add_test(tc, ios_periodic_attempts);
	tcase_add_test(tc, comware_seed003);
	tcase_add_test(tc, ack_is_alive);
	tcase_add_test(tc, inbound_after_probe_is_alive);
	tcase_add_test(tc, inbound_postpones);
	tcase_add_test(tc, on_demand_silent_while_traffic_flows);
	tcase_add_test(tc, on_demand_idle_waits_for_outbound);
	tcase_add_test(tc, on_demand_after_cut);
	tcase_add_test(tc, late_timer_keeps_schedule);
	tcase_add_test(tc, off_and_snapshot);
	tcase_add_test(tc, names);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
