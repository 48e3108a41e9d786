/* check_prober_summary.c — probe_summarize / probe_format / probe_bangs /
 * probe_lost_ranges on synthetic records: none lost, all lost, loss at the start, at
 * the end, several runs (the longest wins, the first on a tie), send errors, rounding.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "prober.h"

#define T0      1700000000000000000LL
#define IV      200000000LL             /* 200 ms */

/* pattern: '!' answered with rtt_ms[i % 4], '.' lost, 'U' send error */
static size_t make(const char *pat, struct probe_rec *r, const double *rtt_ms)
{
	size_t n = strlen(pat);

	for (size_t i = 0; i < n; i++) {
		r[i].seq = (uint16_t)i;
		r[i].sent_ns = T0 + (int64_t)i * IV;
		r[i].reply_ns = pat[i] == '!' ? r[i].sent_ns + (int64_t)(rtt_ms[i % 4] * 1e6) : 0;
		r[i].send_errno = pat[i] == 'U' ? ENETUNREACH : 0;
	}
	return n;
}

static const double rtt1[4] = { 1, 2, 4, 1 };

START_TEST(none_lost)
{
	struct probe_rec r[16];
	struct probe_summary s;
	char buf[128];
	size_t n = make("!!!!!", r, rtt1);

	probe_summarize(r, n, &s);
	ck_assert_uint_eq(s.sent, 5);
	ck_assert_uint_eq(s.received, 5);
	ck_assert_uint_eq(s.percent, 100);
	ck_assert_uint_eq(s.lost_run, 0);
	ck_assert_uint_eq(s.lost_runs, 0);
	ck_assert(s.longest_outage_s == 0);
	ck_assert(s.outage_start_ns == 0 && s.outage_end_ns == 0);
	ck_assert_double_eq_tol(s.rtt_min_ms, 1, 1e-9);
	ck_assert_double_eq_tol(s.rtt_max_ms, 4, 1e-9);
	ck_assert_double_eq_tol(s.rtt_avg_ms, 1.8, 1e-9);
	probe_format(&s, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Success rate is 100 percent (5/5), round-trip min/avg/max = 1/2/4 ms");
	probe_bangs(r, n, buf, sizeof(buf));
	ck_assert_str_eq(buf, "!!!!!");
	probe_lost_ranges(r, n, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(ios_example)
{
	struct probe_rec r[16];
	struct probe_summary s;
	char buf[128];
	size_t n = make(".!!!!", r, (const double[4]){ 2, 1, 2, 4 });

	/* IOS: ".!!!!" → "Success rate is 80 percent (4/5), round-trip min/avg/max = 1/2/4 ms" */
	probe_summarize(r, n, &s);
	ck_assert_uint_eq(s.percent, 80);
	probe_format(&s, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Success rate is 80 percent (4/5), round-trip min/avg/max = 1/2/4 ms");
	/* lost at the start: outage from the first lost echo's send time */
	ck_assert_uint_eq(s.lost_run, 1);
	ck_assert_uint_eq(s.lost_first, 0);
	ck_assert_uint_eq(s.lost_last, 0);
	ck_assert(s.outage_start_ns == T0);
	ck_assert(s.outage_end_ns == T0 + IV);
	ck_assert_double_eq_tol(s.longest_outage_s, 0.2, 1e-9);
	probe_bangs(r, n, buf, sizeof(buf));
	ck_assert_str_eq(buf, ".!!!!");
}
END_TEST

START_TEST(all_lost)
{
	struct probe_rec r[16];
	struct probe_summary s;
	char buf[128];
	size_t n = make(".....", r, rtt1);

	probe_summarize(r, n, &s);
	ck_assert_uint_eq(s.received, 0);
	ck_assert_uint_eq(s.percent, 0);
	ck_assert_uint_eq(s.lost_run, 5);
	ck_assert_uint_eq(s.lost_runs, 1);
	ck_assert_uint_eq(s.lost_first, 0);
	ck_assert_uint_eq(s.lost_last, 4);
	/* first send to last send + interval */
	ck_assert(s.outage_start_ns == T0);
	ck_assert(s.outage_end_ns == T0 + 5 * IV);
	ck_assert_double_eq_tol(s.longest_outage_s, 1.0, 1e-9);
	ck_assert(s.rtt_min_ms == 0 && s.rtt_avg_ms == 0 && s.rtt_max_ms == 0);
	probe_format(&s, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Success rate is 0 percent (0/5)");
	probe_lost_ranges(r, n, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0-4");
}
END_TEST

START_TEST(lost_at_end)
{
	struct probe_rec r[16];
	struct probe_summary s;
	size_t n = make("!!!!!!...", r, rtt1);

	probe_summarize(r, n, &s);
	ck_assert_uint_eq(s.percent, 66);       /* floor(600/9) */
	ck_assert_uint_eq(s.lost_first, 6);
	ck_assert_uint_eq(s.lost_last, 8);
	/* from the last answered send (seq 5) to last send + interval */
	ck_assert(s.outage_start_ns == T0 + 5 * IV);
	ck_assert(s.outage_end_ns == T0 + 9 * IV);
	ck_assert_double_eq_tol(s.longest_outage_s, 0.8, 1e-9);
}
END_TEST

START_TEST(several_runs)
{
	struct probe_rec r[32];
	struct probe_summary s;
	char buf[128];
	size_t n = make("!..!!...!.!!...!!", r, rtt1);

	probe_summarize(r, n, &s);
	ck_assert_uint_eq(s.sent, 17);
	ck_assert_uint_eq(s.received, 8);
	ck_assert_uint_eq(s.percent, 47);       /* floor(800/17) = 47 */
	ck_assert_uint_eq(s.lost_runs, 4);
	/* two runs of 3 (5-7 and 12-14): the first wins */
	ck_assert_uint_eq(s.lost_run, 3);
	ck_assert_uint_eq(s.lost_first, 5);
	ck_assert_uint_eq(s.lost_last, 7);
	ck_assert(s.outage_start_ns == T0 + 4 * IV);
	ck_assert(s.outage_end_ns == T0 + 8 * IV);
	ck_assert_double_eq_tol(s.longest_outage_s, 0.8, 1e-9);
	probe_bangs(r, n, buf, sizeof(buf));
	ck_assert_str_eq(buf, "!..!!...!.!!...!!");
	probe_lost_ranges(r, n, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1-2, 5-7, 9, 12-14");
	/* bangs truncated to the buffer */
	probe_bangs(r, n, buf, 5);
	ck_assert_str_eq(buf, "!..!");
}
END_TEST

START_TEST(send_errors_and_wrap)
{
	struct probe_rec r[16];
	struct probe_summary s;
	char buf[128];
	size_t n = make("!!UUU.!!", r, rtt1);

	for (size_t i = 0; i < n; i++)
		r[i].seq = (uint16_t)(65533 + i);      /* sequence numbers wrap */
	probe_summarize(r, n, &s);
	ck_assert_uint_eq(s.send_errors, 3);
	ck_assert_uint_eq(s.received, 4);
	ck_assert_uint_eq(s.percent, 50);
	ck_assert_uint_eq(s.lost_run, 4);
	ck_assert_uint_eq(s.lost_first, 65535);
	ck_assert_uint_eq(s.lost_last, 2);
	ck_assert(s.outage_start_ns == T0 + 1 * IV);
	ck_assert(s.outage_end_ns == T0 + 6 * IV);
	probe_lost_ranges(r, n, buf, sizeof(buf));
	ck_assert_str_eq(buf, "65535-2");
}
END_TEST

START_TEST(empty_and_rounding)
{
	struct probe_rec r[4] = { { 0 } };
	struct probe_summary s;
	char buf[128];
	size_t n;

	probe_summarize(r, 0, &s);
	ck_assert_uint_eq(s.sent, 0);
	ck_assert_uint_eq(s.percent, 0);
	probe_format(&s, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Success rate is 0 percent (0/0)");
	probe_bangs(r, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");

	n = make("!!!", r, (const double[4]){ 0.04, 0.6, 1.49, 0 });
	probe_summarize(r, n, &s);
	probe_format(&s, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Success rate is 100 percent (3/3), round-trip min/avg/max = 0/1/1 ms");
	/* a tiny buffer is never overrun */
	probe_format(&s, buf, 10);
	ck_assert_str_eq(buf, "Success r");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("prober_summary");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, none_lost);
	tcase_add_test(tc, ios_example);
	tcase_add_test(tc, all_lost);
	tcase_add_test(tc, lost_at_end);
	tcase_add_test(tc, several_runs);
	tcase_add_test(tc, send_errors_and_wrap);
	tcase_add_test(tc, empty_and_rounding);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
