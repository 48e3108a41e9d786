/* check_testcase.c — the testcase and node formats: the shipped testcases load, and
 * every kind of mistake is reported with file:line and the expected form. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "testcase.h"

static char tmpdir[256];

static const char *topo =
	"node A\n"
	"  interface GigabitEthernet0/0 address 10.0.0.1/24\n"
	"  interface Loopback0 address 2.2.2.2/32\n"
	"node B\n"
	"  interface GigabitEthernet0/0 address 10.0.0.2/24\n"
	"link ab A:GigabitEthernet0/0 B:GigabitEthernet0/0 capture\n";

static const char *node_a =
	"daemon strongswan\n"
	"ike local 10.0.0.1 peer 10.0.0.2\n"
	"ike pre-shared-key \"k e y\"\n"
	"ike dpd interval 3 retry 3 periodic\n"
	"ipsec flow 2.2.2.2/32 3.3.3.3/32\n"
	"initiate\n";

static void put(const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ihh-tc-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	char nodes[300];
	snprintf(nodes, sizeof(nodes), "%s/nodes", tmpdir);
	mkdir(nodes, 0755);
	put("topology.lab", topo);
	put("nodes/A.node", node_a);
}

static void teardown(void)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Load a testcase.conf made of a fixed header and `body`; return the error text. */
static int load(const char *body, char *err, size_t len)
{
	char conf[4096];
	snprintf(conf, sizeof(conf), "testcase t\nlabels lab\ntimeline\n%s", body);
	put("testcase.conf", conf);
	struct testcase *tc = calloc(1, sizeof(*tc));
	err[0] = '\0';
	int rc = tc_load(tmpdir, tc, err, len);
	free(tc);
	return rc;
}

START_TEST(shipped_testcases_load)
{
	const char *names[] = { "rbm-switchover-no-dpd", "rbm-switchover-dpd" };
	for (size_t i = 0; i < 2; i++) {
		char dir[512], err[LAB_ERR_MAX];
		struct testcase *tc = calloc(1, sizeof(*tc));
		snprintf(dir, sizeof(dir), "%s/testcases/%s", IHH_SOURCE_DIR, names[i]);
		ck_assert_msg(tc_load(dir, tc, err, sizeof(err)) == 0, "%s", err);
		ck_assert_str_eq(tc->name, names[i]);
		ck_assert_int_eq(tc->topo.nnodes, 3);
		const struct node_spec *f = tc_node_spec(tc, "F1060");
		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(f->initiate, 1);
		ck_assert_int_eq(f->dpd.style, i ? DPD_COMWARE : DPD_OFF);
		const struct node_spec *g = tc_node_spec(tc, "F1090-2");
		ck_assert_int_eq(g->nvrrp, 1);
		ck_assert_int_eq(g->vrrp[0].priority, 100);
		ck_assert_int_eq(g->ike_local, 0x01010102);
		ck_assert_int_eq(tc->act[tc->nact - 1].kind, ACT_END);
		ck_assert_int_ge(tc->nexp, 8);
		free(tc);
	}
}
END_TEST

START_TEST(good_minimal)
{
	char err[LAB_ERR_MAX];
	int rc = load("at 0 start all\n"
		      "at +1 ping P from A source 2.2.2.2 to 10.0.0.2 interval 0.2\n"
		      "at +2 shutdown B GigabitEthernet0/0 as CUT\n"
		      "at +1 drop A interface Gi0/0 ike in loss 50 as D\n"
		      "at +1 undrop D\n"
		      "at +0 check route A 10.0.0.0/24 dev GigabitEthernet0/0\n"
		      "at +0 check route B 2.2.2.2/32 absent\n"
		      "at +5 end\n"
		      "expect first mm1 from A after CUT within dpd-detect(A) plus 0..2\n"
		      "expect none r-u-there-ack to A after CUT\n"
		      "expect count >= 2 esp from A before CUT\n"
		      "expect esp from A to B after CUT spi new\n"
		      "expect ping P recovers after CUT within 0..20\n"
		      "expect ping P outage after CUT until end\n", err, sizeof(err));
	ck_assert_msg(rc == 0, "%s", err);
}
END_TEST

#define BAD(body, want) do { \
	char err[LAB_ERR_MAX]; \
	ck_assert_int_eq(load(body, err, sizeof(err)), -1); \
	ck_assert_msg(strstr(err, want) != NULL, "got '%s', want '%s'", err, want); \
} while (0)

START_TEST(bad_lines_name_file_and_line)
{
	BAD("at 0 start all\nat x end\n", "testcase.conf:5: expected a time in seconds after 'at', got 'x'");
	BAD("at 0 start C\nat 1 end\n", "testcase.conf:4: unknown node 'C'");
	BAD("at 0 start all\nat 1 jump\nat 2 end\n", "testcase.conf:5: expected 'at [+]SECONDS ACTION");
	BAD("at 0 shutdown A Serial9/9\nat 1 end\n", "testcase.conf:4: node A has no interface 'Serial9/9'");
	BAD("at 0 drop A ike\nat 1 end\n", "testcase.conf:4: a drop needs 'as NAME'");
	BAD("at 0 start all\n", "the timeline must finish with 'at … end'");
	BAD("at 0 start all\nat 1 end\nexpect first mm1 from A after NOPE within dpd-detect(A)\n",
	    "testcase.conf:6: no action named 'NOPE'");
	BAD("at 0 start all as X\nat 1 end\nexpect first mm1 from A after X within dpd-detect(B)\n",
	    "testcase.conf:6: dpd-detect(B): node B has no DPD line");
	BAD("at 0 start all as X\nat 1 end\nexpect some bogus after X\n", "testcase.conf:6: unknown event kind 'bogus'");
	BAD("at 0 start all as X\nat 1 end\nexpect ping Q outage after X until end\n",
	    "testcase.conf:6: no earlier 'ping Q …' action");
	BAD("at 0 start all as X\nat 1 end\nexpect first mm1 after X\n",
	    "testcase.conf:6: expected 'expect first EVENT … after NAME within …'");
	BAD("at 0 start all as X\nat 1 end as X\n", "testcase.conf:5: name 'X' already used on line 4");
}
END_TEST

START_TEST(bad_node_files)
{
	char err[LAB_ERR_MAX];
	put("nodes/A.node", "daemon strongswan\nike dpd interval 3 retry three periodic\n");
	ck_assert_int_eq(load("at 0 end\n", err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "A.node:2: expected 'ike dpd interval SECS [retry SECS] periodic|on-demand'"), "%s", err);
	put("nodes/A.node", "daemon racoon\n");
	ck_assert_int_eq(load("at 0 end\n", err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "A.node:1: unknown daemon 'racoon'"), "%s", err);
	put("nodes/A.node", "daemon keepalived\nvrrp 1 interface Gi0/0 virtual-ip 10.0.0.9 priority 300\n");
	ck_assert_int_eq(load("at 0 end\n", err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "A.node:2: expected 'vrrp VRID interface IFNAME virtual-ip"), "%s", err);
	put("nodes/A.node", "daemon strongswan\nike local 10.0.0.1 peer 10.0.0.2\n");
	ck_assert_int_eq(load("at 0 end\n", err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "an IKE node needs"), "%s", err);
	put("nodes/A.node", "daemon strongswan\ncrypto isakmp keepalive 10 periodic\nike local 10.0.0.1 peer 10.0.0.2\n"
	    "ike pre-shared-key k\nipsec flow 2.2.2.2/32 3.3.3.3/32\n");
	ck_assert_msg(load("at 0 end\n", err, sizeof(err)) == 0, "%s", err);
}
END_TEST

START_TEST(dpd_lines_in_each_vendor_s_words)
{
	struct node_spec n;
	char err[LAB_ERR_MAX];
	char ios[] = "daemon strongswan\nike local 1.1.1.1 peer 1.1.1.2\nike pre-shared-key k\nipsec flow 2.2.2.2/32 3.3.3.3/32\ncrypto isakmp keepalive 15 3 periodic\n";
	ck_assert_msg(node_spec_parse("a.node", ios, &n, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(n.dpd.style, DPD_IOS);
	ck_assert_int_eq(n.dpd.mode, DPD_PERIODIC);
	ck_assert_double_eq(n.dpd.interval_s, 15);
	ck_assert_double_eq(n.dpd.retry_s, 3);
	char ios_default[] = "daemon strongswan\nike local 1.1.1.1 peer 1.1.1.2\nike pre-shared-key k\nipsec flow 2.2.2.2/32 3.3.3.3/32\ncrypto isakmp keepalive 10\n";
	ck_assert_msg(node_spec_parse("a.node", ios_default, &n, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(n.dpd.mode, DPD_ON_DEMAND);    /* IOS default */
	ck_assert_double_eq(n.dpd.retry_s, 2);          /* IOS default retry */
	char comware[] = "daemon strongswan\nike local 1.1.1.1 peer 1.1.1.2\nike pre-shared-key k\nipsec flow 2.2.2.2/32 3.3.3.3/32\nike dpd interval 10 on-demand\n";
	ck_assert_msg(node_spec_parse("a.node", comware, &n, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(n.dpd.style, DPD_COMWARE);
	ck_assert_double_eq(n.dpd.retry_s, 5);          /* Comware default retry */
	char bad[] = "daemon strongswan\nike local 1.1.1.1 peer 1.1.1.2\nike pre-shared-key k\nipsec flow 2.2.2.2/32 3.3.3.3/32\ncrypto isakmp keepalive 10 0 periodic\n";
	ck_assert_int_eq(node_spec_parse("a.node", bad, &n, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "a.node:5: expected 'crypto isakmp keepalive"), "%s", err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("testcase");
	TCase *tc = tcase_create("parse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, shipped_testcases_load);
	tcase_add_test(tc, good_minimal);
	tcase_add_test(tc, bad_lines_name_file_and_line);
	tcase_add_test(tc, bad_node_files);
	tcase_add_test(tc, dpd_lines_in_each_vendor_s_words);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
