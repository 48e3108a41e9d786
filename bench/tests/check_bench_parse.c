/* check_bench_parse.c — the benchmark's readers (bench.h): iperf3 -J reports, log
 * timestamps, the n-th matching log line; plus a deterministic mutation pass (every
 * truncation and byte flips of a real report) that must never crash or read past the end.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

/* Trimmed from a real iperf 3.12 -J client report (the keys the benchmark reads, their
 * neighbours, and an interval whose "sum" must not be taken for "sum_sent"). */
static const char report[] =
	"{\n\t\"start\":\t{\n\t\t\"connected\":\t[{\n\t\t\t\t\"socket\":\t5,\n"
	"\t\t\t\t\"local_host\":\t\"10.1.0.2\"\n\t\t\t}],\n\t\t\"version\":\t\"iperf 3.12\",\n"
	"\t\t\"cookie\":\t\"u7t2gyvh2yffwnh2\\\"zym4\"\n\t},\n"
	"\t\"intervals\":\t[{\n\t\t\t\"sum\":\t{\n\t\t\t\t\"bytes\":\t1,\n"
	"\t\t\t\t\"bits_per_second\":\t2\n\t\t\t}\n\t\t}],\n"
	"\t\"end\":\t{\n\t\t\"streams\":\t[{\n\t\t\t\t\"sender\":\t{\n\t\t\t\t\t\"bytes\":\t3,\n"
	"\t\t\t\t\t\"bits_per_second\":\t4\n\t\t\t\t}\n\t\t\t}],\n"
	"\t\t\"sum_sent\":\t{\n\t\t\t\"start\":\t0,\n\t\t\t\"end\":\t5.00397,\n"
	"\t\t\t\"bytes\":\t280363008,\n\t\t\t\"bits_per_second\":\t448224922.21176386,\n"
	"\t\t\t\"retransmits\":\t3649,\n\t\t\t\"sender\":\ttrue\n\t\t},\n"
	"\t\t\"sum_received\":\t{\n\t\t\t\"start\":\t0,\n\t\t\t\"seconds\":\t5.015346,\n"
	"\t\t\t\"bytes\":\t259129344,\n\t\t\t\"bits_per_second\":\t413338332.390228,\n"
	"\t\t\t\"sender\":\ttrue\n\t\t}\n\t}\n}\n";

START_TEST(iperf_report)
{
	struct bench_iperf ip;

	ck_assert_int_eq(bench_iperf_parse(report, &ip), 0);
	ck_assert(ip.rx_bps > 413338332.0 && ip.rx_bps < 413338333.0);
	ck_assert(ip.tx_bps > 448224922.0 && ip.tx_bps < 448224923.0);
	ck_assert(ip.tx_bytes == 280363008.0);
	ck_assert(ip.rx_bytes == 259129344.0);
	ck_assert_int_eq(ip.retransmits, 3649);
	ck_assert_str_eq(ip.error, "");
}
END_TEST

START_TEST(iperf_error)
{
	static const char e[] = "{\n\t\"start\":\t{},\n\t\"intervals\":\t[],\n\t\"end\":\t{},\n"
				"\t\"error\":\t\"unable to connect to server: Connection refused\"\n}\n";
	struct bench_iperf ip;

	ck_assert_int_eq(bench_iperf_parse(e, &ip), -1);
	ck_assert_str_eq(ip.error, "unable to connect to server: Connection refused");
	ck_assert_int_eq(bench_iperf_parse("", &ip), -1);
	ck_assert(strstr(ip.error, "sum_sent") != NULL);
	ck_assert_int_eq(bench_iperf_parse("not json at all", &ip), -1);
}
END_TEST

START_TEST(json_number_scoping)
{
	double v = 0;

	/* only depth-1 members of the named object count */
	ck_assert_int_eq(bench_json_number("{\"a\": {\"b\": {\"x\": 1}, \"x\": 2}}", "a", "x", &v), 0);
	ck_assert(v == 2.0);
	ck_assert_int_eq(bench_json_number("{\"a\": {\"b\": {\"x\": 1}}, \"x\": 2}", "a", "x", &v), -1);
	/* a value that is not a number, an object that is not one, a key in a string */
	ck_assert_int_eq(bench_json_number("{\"a\": {\"x\": \"1\"}}", "a", "x", &v), -1);
	ck_assert_int_eq(bench_json_number("{\"a\": 5}", "a", "x", &v), -1);
	ck_assert_int_eq(bench_json_number("{\"s\": \"\\\"a\\\": {\\\"x\\\": 9}\", \"a\": {\"x\": 3}}", "a", "x", &v), 0);
	ck_assert(v == 3.0);
	/* unterminated */
	ck_assert_int_eq(bench_json_number("{\"a\": {\"x\"", "a", "x", &v), -1);
	ck_assert_int_eq(bench_json_number("{\"a\": {\"x\": ", "a", "x", &v), -1);
	ck_assert_int_eq(bench_json_number("{\"a", "a", "x", &v), -1);
}
END_TEST

static int64_t local_ms(int y, int mo, int d, int h, int mi, int s, int ms)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi,
			 .tm_sec = s, .tm_isdst = -1 };

	return (int64_t)mktime(&tm) * 1000 + ms;
}

START_TEST(log_timestamps)
{
	ck_assert(bench_log_ts_ms("2026-11-21 16:01:43.423 IPSEC(create_sa): sa created") ==
		  local_ms(2026, 11, 21, 16, 1, 43, 423));
	ck_assert(bench_log_ts_ms("2026-11-21 16:01:43.007") == local_ms(2026, 11, 21, 16, 1, 43, 7));
	ck_assert(bench_log_ts_ms("2026-11-21 16:01:43") == -1);          /* no milliseconds */
	ck_assert(bench_log_ts_ms("2026-11-21 16:01:43.42") == -1);       /* truncated */
	ck_assert(bench_log_ts_ms("2026-11-21T16:01:43.423 x") == -1);
	ck_assert(bench_log_ts_ms("26-11-21 16:01:43.423 x") == -1);
	ck_assert(bench_log_ts_ms("") == -1);
	ck_assert(bench_log_ts_ms("Nov 21 16:01:43.423: ISAKMP") == -1);
}
END_TEST

START_TEST(log_nth)
{
	static const char refgw[] =
		"2026-11-21 16:01:43.397 ISAKMP (0:1): beginning Main Mode exchange\n"
		"2026-11-21 16:01:43.423 IPSEC(create_sa): sa created, (sa) sa_dest= 192.0.2.1\n"
		"2026-11-21 16:01:43.424 IPSEC(create_sa): sa created, (sa) sa_dest= 192.0.2.2";
	static const char charon[] =
		"2026-11-21 15:34:21.124 12[CHD] <ihh|1> CHILD_SA f0{1} state change: CREATED => INSTALLING\n"
		"2026-11-21 15:34:21.125 12[IKE] <ihh|1> CHILD_SA f0{1} established with SPIs 818972b3_i\n";
	int64_t ts = 0;

	ck_assert_int_eq(bench_log_nth(refgw, "IPSEC(create_sa)", NULL, 1, &ts), 1);
	ck_assert(ts == local_ms(2026, 11, 21, 16, 1, 43, 423));
	ck_assert_int_eq(bench_log_nth(refgw, "IPSEC(create_sa)", NULL, 2, &ts), 1);   /* last line, no \n */
	ck_assert(ts == local_ms(2026, 11, 21, 16, 1, 43, 424));
	ck_assert_int_eq(bench_log_nth(refgw, "IPSEC(create_sa)", NULL, 3, &ts), 0);
	ck_assert_int_eq(bench_log_nth(charon, "CHILD_SA", " established with SPIs", 1, &ts), 1);
	ck_assert(ts == local_ms(2026, 11, 21, 15, 34, 21, 125));
	ck_assert_int_eq(bench_log_nth("", "CHILD_SA", NULL, 1, &ts), 0);
	ck_assert_int_eq(bench_log_nth("garbage CHILD_SA\n", "CHILD_SA", NULL, 1, &ts), -1);
}
END_TEST

/* Mutation: every prefix of the report, and 2000 deterministic 1–4 byte corruptions,
 * each in an exactly-sized heap copy so ASan sees any read past the NUL. */
START_TEST(mutation)
{
	size_t len = strlen(report), cut;
	unsigned seed = 12345, i, k;
	struct bench_iperf ip;
	int64_t ts;

	for (cut = 0; cut <= len; cut++) {
		char *p = malloc(cut + 1);

		memcpy(p, report, cut);
		p[cut] = '\0';
		if (bench_iperf_parse(p, &ip) == 0)
			ck_assert(ip.rx_bps > 0);
		bench_log_nth(p, "\"", NULL, 3, &ts);
		bench_log_ts_ms(p);
		free(p);
	}
	for (i = 0; i < 2000; i++) {
		char *p = malloc(len + 1);
		unsigned nflip;

		memcpy(p, report, len + 1);
		seed = seed * 1103515245u + 12345u;
		nflip = 1 + (seed >> 16) % 4;
		for (k = 0; k < nflip; k++) {
			static const char pick[] = "{}[]\":\\ \t\n0e.-x";

			seed = seed * 1103515245u + 12345u;
			p[(seed >> 8) % len] = pick[(seed >> 20) % (sizeof(pick) - 1)];
		}
		bench_iperf_parse(p, &ip);
		ck_assert(strlen(ip.error) < sizeof(ip.error));
		free(p);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("bench_parse");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, iperf_report);
	tcase_add_test(tc, iperf_error);
	tcase_add_test(tc, json_number_scoping);
	tcase_add_test(tc, log_timestamps);
	tcase_add_test(tc, log_nth);
	tcase_add_test(tc, mutation);
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
