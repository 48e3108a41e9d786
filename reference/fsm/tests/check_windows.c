/* check_windows.c — the formulas against the numbers the documents and RFCs give. */
#include <check.h>
#include <stdlib.h>
#include "windows.h"

#define NEAR(a, b) ck_assert_double_eq_tol((a), (b), 1e-9)

START_TEST(vrrp_rfc_example)
{
	/* CONFORMANCE §4: priority 100, 1 s → MDI 3.609375 s, skew 0.609375 s */
	NEAR(vrrp_skew_s(2, 100, 1.0), 156.0 / 256.0);
	NEAR(vrrp_master_down_s(2, 100, 1.0), 3.0 + 156.0 / 256.0);
	/* v2 skew is independent of the interval, v3 skew scales with it */
	NEAR(vrrp_skew_s(2, 100, 2.0), 156.0 / 256.0);
	NEAR(vrrp_skew_s(3, 100, 2.0), 2.0 * 156.0 / 256.0);
	struct time_window w = vrrp_takeover_window(2, 100, 1.0, 0.1);
	NEAR(w.lo_s, 3.609375 - 1.0 - 0.1);
	NEAR(w.hi_s, 3.609375 + 0.1);
}
END_TEST

START_TEST(dpd_comware_seed003)
{
	/* seed 003: ike dpd interval 3 retry 3 periodic → dead 9..12 s after silence */
	struct dpd_cfg c = { DPD_COMWARE, DPD_PERIODIC, 3, 3, 0 };
	ck_assert_int_eq(dpd_retransmissions(&c), 2);
	NEAR(dpd_probe_to_dead_s(&c), 9);
	struct time_window w = dpd_detect_window(&c);
	NEAR(w.lo_s, 9);
	NEAR(w.hi_s, 12);
	double d, t;
	dpd_to_strongswan(&c, &d, &t);
	NEAR(d, 3);
	NEAR(t, 9);
}
END_TEST

START_TEST(dpd_ios_seed001)
{
	/* crypto isakmp keepalive 10 (retry 2): 5 retransmissions, dead 12 s after the first probe */
	struct dpd_cfg c = { DPD_IOS, DPD_PERIODIC, 10, 2, 0 };
	ck_assert_int_eq(dpd_retransmissions(&c), 5);
	NEAR(dpd_probe_to_dead_s(&c), 12);
	struct time_window w = dpd_detect_window(&c);
	NEAR(w.lo_s, 12);
	NEAR(w.hi_s, 22);
	/* the steps after the first probe: retransmissions at 2, 4 … 10 s, dead at 12 s */
	NEAR(dpd_idle_to_probe_s(&c), 10);
	NEAR(dpd_step_after_probe_s(&c, 1), 2);
	NEAR(dpd_step_after_probe_s(&c, 5), 10);
	NEAR(dpd_step_after_probe_s(&c, 6), dpd_probe_to_dead_s(&c));
	NEAR(dpd_step_after_probe_s(&c, 0), 0);
	NEAR(dpd_step_after_probe_s(&c, 7), 0);
	/* RETRY left out: IOS's default 2 s */
	c.retry_s = 0;
	NEAR(dpd_retry_s(&c), 2);
	NEAR(dpd_probe_to_dead_s(&c), 12);
}
END_TEST

START_TEST(hsrp_defaults)
{
	struct time_window w = hsrp_takeover_window(3, 10, 0);
	NEAR(w.lo_s, 7);
	NEAR(w.hi_s, 10);
	w = window_scale(w, 0.1);
	NEAR(w.lo_s, 0.7);
	NEAR(w.hi_s, 1.0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("windows");
	TCase *tc = tcase_create("formulas");
	tcase_add_test(tc, vrrp_rfc_example);
	tcase_add_test(tc, dpd_comware_seed003);
	tcase_add_test(tc, dpd_ios_seed001);
	tcase_add_test(tc, hsrp_defaults);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
