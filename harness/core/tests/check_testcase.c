/* check_testcase.c — the testcase and node formats: the shipped testcases load, and
 * every kind of mistake is reported with file:line and the expected form. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "testcase.h"
#include "tcwin.h"
#include "driver.h"
#include "rt_show.h"

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

static void rmdir_in(const char *sub)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/%s'", tmpdir, sub);
	ck_assert_int_eq(system(cmd), 0);
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
	    "testcase.conf:6: no action or earlier expectation named 'NOPE'");
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

/* Load testcase.conf = `conf` in variant `variant` (NULL = default). */
static int load_full(const char *conf, const char *variant, struct testcase *tc, char *err, size_t len)
{
	put("testcase.conf", conf);
	err[0] = '\0';
	return tc_load_variant(tmpdir, variant, tc, err, len);
}

static void mkdir_in(const char *sub)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, sub);
	mkdir(path, 0755);
}

static const char *variant_conf =
	"testcase v\n"
	"labels   lab\n"
	"variants sw refgw\n"
	"only refgw: labels refgw\n"
	"only sw:    labels interop realtime\n"
	"realtime-run yes\n"
	"only sw: realtime-run no\n"
	"only refgw: summary refgw plays A\n"
	"summary  the common summary\n"
	"timeline\n"
	"at 0 start all\n"
	"only sw: at +1 shutdown B GigabitEthernet0/0 as CUT\n"
	"only refgw: at +1 pull B GigabitEthernet0/0 as CUT\n"
	"only sw,refgw: at +1 check route A 10.0.0.0/24\n"
	"at +1 end\n"
	"expect some r-u-there from A after CUT\n"
	"only refgw: expect first delete from A after CUT within dpd-probe-to-dead(A) plus -0.15..0.15\n";

/* Variants: the default is the first; each loads its own node files and lines. */
START_TEST(variants_select_nodes_lines_labels)
{
	char err[LAB_ERR_MAX];
	struct testcase *tc = calloc(1, sizeof(*tc));
	mkdir_in("nodes/refgw");
	put("nodes/refgw/A.node", "daemon refgw\nconfig A.cfg      # relative to this file's folder\n");
	put("nodes/refgw/A.cfg", "hostname A\ncrypto isakmp keepalive 10 periodic\n");

	ck_assert_msg(load_full(variant_conf, NULL, tc, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(tc->variant, "sw");
	ck_assert_int_eq(tc->nvariants, 2);
	char full[128];
	tc_full_name(tc, full, sizeof(full));
	ck_assert_str_eq(full, "v/sw");
	ck_assert_str_eq(tc->labels, "lab interop realtime");
	ck_assert_str_eq(tc->summary, "the common summary");
	ck_assert_int_eq(tc->realtime_run, 0);
	ck_assert_int_eq(tc->nact, 4);
	ck_assert_int_eq(tc->act[1].kind, ACT_SHUTDOWN);
	ck_assert_int_eq(tc->nexp, 1);
	const struct node_spec *a = tc_node_spec(tc, "A");
	ck_assert_str_eq(a->daemons[0], "strongswan");

	ck_assert_msg(load_full(variant_conf, "refgw", tc, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(tc->variant, "refgw");
	ck_assert_str_eq(tc->labels, "lab refgw");
	ck_assert_str_eq(tc->summary, "refgw plays A");   /* the variant's line wins, whatever the order */
	ck_assert_int_eq(tc->realtime_run, 1);
	ck_assert_int_eq(tc->nact, 4);
	ck_assert_int_eq(tc->act[1].kind, ACT_PULL);
	ck_assert_int_eq(tc->nexp, 2);
	ck_assert_str_eq(tc->exp[1].written, "expect first delete from A after CUT within dpd-probe-to-dead(A) plus -0.15..0.15");
	ck_assert_int_eq(tc->exp[1].win.formula, F_DPD_PROBE_TO_DEAD);
	ck_assert_double_eq(tc->exp[1].win.plus_lo, -0.15);
	a = tc_node_spec(tc, "A");
	ck_assert_str_eq(a->daemons[0], "refgw");
	char want[512];
	snprintf(want, sizeof(want), "%s/nodes/refgw/A.cfg", tmpdir);
	ck_assert_str_eq(a->config, want);
	ck_assert_int_eq(a->dpd.style, DPD_IOS);      /* from the variant's IOS config */
	ck_assert_double_eq(a->dpd.interval_s, 10);

	/* a testcase without variants has one unnamed variant (nodes/refgw/ is then ignored) */
	ck_assert_msg(load_full("testcase t\ntimeline\nat 0 end\n", NULL, tc, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(tc->variant, "");
	ck_assert_int_eq(tc->nvariants, 0);
	tc_full_name(tc, full, sizeof(full));
	ck_assert_str_eq(full, "t");
	free(tc);
}
END_TEST

#define BADV(conf, variant, want) do { \
	char err_[LAB_ERR_MAX]; \
	struct testcase *tc_ = calloc(1, sizeof(*tc_)); \
	ck_assert_int_eq(load_full(conf, variant, tc_, err_, sizeof(err_)), -1); \
	ck_assert_msg(strstr(err_, want) != NULL, "got '%s', want '%s'", err_, want); \
	free(tc_); \
} while (0)

START_TEST(variant_errors_name_file_and_line)
{
	BADV(variant_conf, "kame", "testcase.conf:3: no variant 'kame' (this testcase's variants: sw refgw)");
	BADV("testcase v\ntimeline\nat 0 end\n", "refgw",
	     "testcase.conf:2: no variant 'refgw': this testcase has no 'variants' line");
	BADV("testcase v\nonly sw: labels x\nvariants sw\ntimeline\nat 0 end\n", NULL,
	     "testcase.conf:2: 'only …' needs the 'variants NAME…' line before it");
	BADV("variants sw refgw\nonly kame: labels x\ntimeline\nat 0 end\n", NULL,
	     "testcase.conf:2: no variant 'kame' (the variants line 1 names: sw refgw)");
	BADV("variants sw refgw\ntimeline\nonly sw at 0 end\n", NULL,
	     "testcase.conf:3: expected 'only VARIANT[,VARIANT…]: LINE'");
	BADV("variants sw refgw\ntimeline\nonly sw:\n", NULL, "testcase.conf:3: expected 'only VARIANT[,VARIANT…]: LINE'");
	BADV("variants sw refgw\nonly sw: variants x\ntimeline\nat 0 end\n", NULL,
	     "testcase.conf:2: 'variants' cannot be variant-only");
	BADV("variants sw sw\ntimeline\nat 0 end\n", NULL, "testcase.conf:1: variant 'sw' named twice");
	BADV("variants sw re/gw\ntimeline\nat 0 end\n", NULL, "testcase.conf:1: expected 'variants NAME…'");
	BADV("variants\ntimeline\nat 0 end\n", NULL, "testcase.conf:1: expected 'variants NAME…'");
	BADV("variants a\nvariants b\ntimeline\nat 0 end\n", NULL,
	     "testcase.conf:2: a second 'variants' line (the first is line 1)");
	BADV("realtime-run maybe\ntimeline\nat 0 end\n", NULL, "testcase.conf:1: expected 'realtime-run yes|no'");
	/* folders and node files that belong to nothing */
	mkdir_in("nodes/kame");
	BADV("variants sw refgw\ntimeline\nat 0 end\n", NULL,
	     "testcase.conf:1: ");
	BADV("variants sw refgw\ntimeline\nat 0 end\n", NULL,
	     "nodes/kame/ is the folder of variant 'kame', which the variants line (line 1) does not name");
	{   /* without a variants line, a sub-folder is a variant being prepared: ignored */
		char e2[LAB_ERR_MAX];
		struct testcase *t2 = calloc(1, sizeof(*t2));
		ck_assert_msg(load_full("timeline\nat 0 end\n", NULL, t2, e2, sizeof(e2)) == 0, "%s", e2);
		free(t2);
	}
	rmdir_in("nodes/kame");
	mkdir_in("nodes/sw");
	put("nodes/sw/C.node", "daemon strongswan\n");
	BADV("variants sw refgw\ntimeline\nat 0 end\n", NULL, "nodes/sw/C.node:1: no node 'C' in ");
}
END_TEST

/* `as NAME` on expectations, `before FORMULA(NODE)`, dpd-probe-to-dead. */
START_TEST(anchor_and_window_syntax)
{
	char lerr[LAB_ERR_MAX];
	const char *head = "at 0 start all\n"
			   "at +1 ping P from A source 2.2.2.2 to 10.0.0.2 interval 0.2\n"
			   "at +2 shutdown B GigabitEthernet0/0 as CUT\n"
			   "at +5 end\n";
	char body[2048];
	snprintf(body, sizeof(body), "%s"
		 "expect first r-u-there from A to B after CUT within 0..20 as PROBE\n"
		 "expect first delete from A after PROBE within dpd-probe-to-dead(A) plus -0.15..0.15\n"
		 "expect some mm1 from A after PROBE as MM\n"
		 "expect count >= 1 qm1 after MM before end as QM\n"
		 "expect ping P outage after CUT until end as DOWN\n"
		 "expect ping P recovers after CUT before dpd-detect(A) as UP\n"
		 "expect first mm1 from A after CUT before dpd-detect(A) plus 0..1\n"
		 "expect none delete after UP before QM\n", head);
	ck_assert_msg(load(body, lerr, sizeof(lerr)) == 0, "%s", lerr);
	struct testcase *tc = calloc(1, sizeof(*tc));
	ck_assert_int_eq(tc_load(tmpdir, tc, lerr, sizeof(lerr)), 0);
	ck_assert_str_eq(tc->exp[0].name, "PROBE");
	ck_assert_str_eq(tc->exp[1].after, "PROBE");
	ck_assert_int_eq(tc->exp[5].win_before, 1);
	ck_assert_int_eq(tc->exp[5].win.formula, F_DPD_DETECT);
	ck_assert_str_eq(tc->exp[6].win.text, "dpd-detect(A) plus 0..1");
	ck_assert_str_eq(tc->exp[0].written, "expect first r-u-there from A to B after CUT within 0..20 as PROBE");
	free(tc);

	char bad[2048];
#define BADX(line, want) do { snprintf(bad, sizeof(bad), "%s%s\n", head, line); BAD(bad, want); } while (0)
	BADX("expect tshark clean as T", "testcase.conf:8: 'as NAME' goes with 'expect first|some|count …'");
	BADX("expect none r-u-there after CUT as X", "testcase.conf:8: 'as X' names the first matching event, "
	     "but this expectation wants none");
	BADX("expect some r-u-there after CUT as CUT", "testcase.conf:8: name 'CUT' already used on line 6");
	BADX("expect some r-u-there after CUT as end", "testcase.conf:8: 'end' is a reserved anchor name");
	BADX("expect some r-u-there after LATER\nexpect some delete as LATER",
	     "testcase.conf:8: no action or earlier expectation named 'LATER'");
	BADX("expect some r-u-there after CUT as X\nexpect some delete as X", "testcase.conf:9: name 'X' already used on line 8");
	BADX("expect count >= 1 mm1 after CUT before dpd-detect(A)",
	     "testcase.conf:8: a window ('within …', 'before FORMULA(NODE)') goes with 'expect first …'");
	BADX("expect first mm1 after CUT within 0..3 before dpd-detect(A)",
	     "testcase.conf:8: one window per expectation");
	BADX("expect ping P recovers after CUT before dpd-detect(A) plus 1",
	     "testcase.conf:8: expected 'before dpd-detect(NODE)|dpd-probe-to-dead(NODE)|dpd-idle-to-probe(NODE)|"
	     "vrrp-takeover(NODE)|hsrp-takeover(NODE)|hsrp-hello-gap(NODE) [plus LO..HI]' or 'before NAME'; bad 'plus 1'");
	BADX("expect ping P recovers after CUT before dpd-sooner(A)", "testcase.conf:8: expected 'before dpd-detect(NODE)");
	BADX("expect ping P recovers after CUT", "testcase.conf:8: expected 'expect ping NAME recovers after NAME within …' "
	     "or 'expect ping NAME recovers after NAME before FORMULA(NODE)'");
	BADX("expect first delete from A after CUT within dpd-probe-to-dead(B)",
	     "testcase.conf:8: dpd-probe-to-dead(B): node B has no DPD line");
	BADX("expect first delete after CUT within dpd-detect(A) plus nan..1", "testcase.conf:8: expected 'within dpd-detect(NODE)");
	BADX("expect ping P outage after CUT until end before dpd-detect(A)",
	     "testcase.conf:8: expected 'expect ping NAME outage after NAME until end' (no window)");
#undef BADX
}
END_TEST

/* The window rule: formula, slack, allowance, time scale, and the 20 ms real floor. */
START_TEST(window_formulas_and_scaling)
{
	char err[LAB_ERR_MAX];
	struct testcase *tc = calloc(1, sizeof(*tc));
	mkdir_in("nodes/refgw");
	put("nodes/refgw/A.node", "daemon refgw\nconfig A.cfg\n");
	put("nodes/refgw/A.cfg", "hostname A\ncrypto isakmp keepalive 10 periodic\n");
	ck_assert_msg(load_full(variant_conf, "refgw", tc, err, sizeof(err)) == 0, "%s", err);
	struct tc_window w;
	struct tcwin v;
	/* IOS keepalive 10, retry 2: first probe → dead = (5 + 1) · 2 s */
	memset(&w, 0, sizeof(w));
	w.formula = F_DPD_PROBE_TO_DEAD;
	snprintf(w.node, sizeof(w.node), "A");
	snprintf(w.text, sizeof(w.text), "dpd-probe-to-dead(A) plus -0.15..0.15");
	w.plus_lo = -0.15;
	w.plus_hi = 0.15;
	ck_assert_int_eq(tcwin_eval(tc, &w, 1.0, &v), 0);
	ck_assert_double_eq_tol(v.f_lo, 12.0, 1e-9);
	ck_assert_double_eq_tol(v.lo, 11.85, 1e-9);
	ck_assert_double_eq_tol(v.hi, 12.15, 1e-9);
	ck_assert_int_eq(v.floored, 0);
	/* at 0.1 the ±0.15 s would ask for ±15 ms of real accuracy: ±20 ms instead */
	ck_assert_int_eq(tcwin_eval(tc, &w, 0.1, &v), 0);
	ck_assert_double_eq_tol(v.lo, 1.18, 1e-9);
	ck_assert_double_eq_tol(v.hi, 1.22, 1e-9);
	ck_assert_int_eq(v.floored, 1);
	ck_assert_msg(strstr(v.desc, "first probe to dead 12 s") && strstr(v.desc, "\u226520 ms real"), "%s", v.desc);
	/* dpd-detect: [probe-to-dead, interval + probe-to-dead] ± 0.3 s slack */
	w.formula = F_DPD_DETECT;
	w.plus_lo = 0;
	w.plus_hi = 2;
	ck_assert_int_eq(tcwin_eval(tc, &w, 1.0, &v), 0);
	ck_assert_double_eq_tol(v.lo, 11.7, 1e-9);
	ck_assert_double_eq_tol(v.hi, 24.3, 1e-9);
	ck_assert_int_eq(tcwin_eval(tc, &w, 0.1, &v), 0);   /* 0.3 s slack is 30 ms real: kept */
	ck_assert_double_eq_tol(v.lo, 1.17, 1e-9);
	ck_assert_double_eq_tol(v.hi, 2.43, 1e-9);
	ck_assert_int_eq(v.floored, 0);
	/* a positive `plus LO` moves the lower bound in; the slack stays beyond it */
	w.plus_lo = 1;
	ck_assert_int_eq(tcwin_eval(tc, &w, 1.0, &v), 0);
	ck_assert_double_eq_tol(v.lo, 12.7, 1e-9);
	/* literal: no slack, the real floor only */
	memset(&w, 0, sizeof(w));
	w.formula = F_LITERAL;
	w.lo = 0;
	w.hi = 1;
	ck_assert_int_eq(tcwin_eval(tc, &w, 0.1, &v), 0);
	ck_assert_double_eq_tol(v.lo, 0, 1e-9);
	ck_assert_double_eq_tol(v.hi, 0.12, 1e-9);
	/* strongSwan plays the node in the default variant: its own formula (delay 3, timeout
	 * (2 + 1) · 3 = 9 from Comware interval 3 retry 3) */
	ck_assert_msg(load_full(variant_conf, NULL, tc, err, sizeof(err)) == 0, "%s", err);
	memset(&w, 0, sizeof(w));
	w.formula = F_DPD_PROBE_TO_DEAD;
	snprintf(w.node, sizeof(w.node), "A");
	ck_assert_int_eq(tcwin_eval(tc, &w, 1.0, &v), 0);
	ck_assert_double_eq_tol(v.f_lo, 9.0, 1e-9);
	ck_assert_msg(strstr(v.what, "strongSwan dpd_delay 3 s dpd_timeout 9 s"), "%s", v.what);
	/* a node without DPD: no window */
	snprintf(w.node, sizeof(w.node), "B");
	ck_assert_int_eq(tcwin_eval(tc, &w, 1.0, &v), -1);
	free(tc);
}
END_TEST


/* HSRP/VRRP: the selectors with group/vrid, the span forms, and the formulas read from a
 * refgw configuration's `standby`/`vrrp` groups (RFC 2281 §5.7 / §5.4, RFC 3768 §6.1). */
START_TEST(fhrp_expectations_and_windows)
{
	char err[LAB_ERR_MAX];
	struct testcase *tc = calloc(1, sizeof(*tc));
	mkdir_in("nodes/refgw");
	put("nodes/refgw/A.node", "daemon refgw\nconfig A.cfg\n");
	put("nodes/refgw/A.cfg", "hostname A\ncrypto isakmp keepalive 10 periodic\ninterface GigabitEthernet0/0\n"
	    " ip address 10.0.0.1 255.255.255.0\n"
	    " standby 1 ip 10.0.0.100\n standby 1 timers 1 4\n standby 1 preempt\n"
	    " vrrp 7 ip 10.0.0.200\n vrrp 7 priority 200\n");
	char conf[4096];
	snprintf(conf, sizeof(conf), "%s"
		 "expect first hsrp-active from A group 1 after CUT within hsrp-takeover(A) as ACT\n"
		 "expect some hsrp-coup group 1 after ACT\n"
		 "expect none hsrp-resign from A\n"
		 "expect count >= 1 vrrp-advert vrid 7 after CUT\n"
		 "expect none vrrp-prio0 from A\n"
		 "expect hsrp hello-interval from A group 1 after CUT before ACT within hsrp-hello-gap(A)\n"
		 "expect hsrp vmac-only-active group 1\n"
		 "expect vrrp vmac-only from A vrid 7 after CUT\n"
		 "expect first vrrp from A after CUT within vrrp-takeover(A)\n", variant_conf);
	ck_assert_msg(load_full(conf, "refgw", tc, err, sizeof(err)) == 0, "%s", err);
	int b = tc->nexp - 9;
	ck_assert_int_eq(tc->exp[b].sel.kind, SEL_HSRP_ACTIVE);
	ck_assert_int_eq(tc->exp[b].sel.has_group, 1);
	ck_assert_uint_eq(tc->exp[b].sel.group, 1);
	ck_assert_int_eq(tc->exp[b].win.formula, F_HSRP_TAKEOVER);
	ck_assert_int_eq(tc->exp[b + 3].sel.kind, SEL_VRRP_ADVERT);
	ck_assert_uint_eq(tc->exp[b + 3].sel.group, 7);
	ck_assert_int_eq(tc->exp[b + 5].kind, EXPK_HSRP_HELLO_INTERVAL);
	ck_assert_int_eq(tc->exp[b + 5].win.formula, F_HSRP_HELLO_GAP);
	ck_assert_str_eq(tc->exp[b + 5].before, "ACT");
	ck_assert_int_eq(tc->exp[b + 6].kind, EXPK_HSRP_VMAC);
	ck_assert_int_eq(tc->exp[b + 7].kind, EXPK_VRRP_VMAC);
	ck_assert_str_eq(tc->exp[b + 7].sel.from, "A");
	/* hsrp-takeover(A): [Hold − Hello, Hold] = [3, 4] ± 0.3 s slack */
	struct tcwin v;
	ck_assert_int_eq(tcwin_eval(tc, &tc->exp[b].win, 1.0, &v), 0);
	ck_assert_double_eq_tol(v.lo, 2.7, 1e-9);
	ck_assert_double_eq_tol(v.hi, 4.3, 1e-9);
	ck_assert_msg(strstr(v.what, "Hello 1 s Hold 4 s") && strstr(v.what, "A.cfg"), "%s", v.what);
	/* hsrp-hello-gap(A): [Hello − Hello/10, Hello] */
	ck_assert_int_eq(tcwin_eval(tc, &tc->exp[b + 5].win, 1.0, &v), 0);
	ck_assert_double_eq_tol(v.f_lo, 0.9, 1e-9);
	ck_assert_double_eq_tol(v.f_hi, 1.0, 1e-9);
	/* vrrp-takeover(A) from `vrrp 7 priority 200`: MDI = 3 + 56/256 */
	ck_assert_int_eq(tcwin_eval(tc, &tc->exp[b + 8].win, 1.0, &v), 0);
	ck_assert_double_eq_tol(v.f_hi, 3.0 + 56.0 / 256.0, 1e-9);
	struct tcwin_fhrp g[4];
	ck_assert_int_eq(tcwin_node_fhrp(tc, "A", g, 4), 2);
	ck_assert_int_eq(g[0].preempt, 1);
	free(tc);

	char bad[4096];
	snprintf(bad, sizeof(bad), "%sexpect first hsrp-active from B after CUT within hsrp-takeover(B)\n", variant_conf);
	ck_assert_int_eq(load_full(bad, "refgw", tc = calloc(1, sizeof(*tc)), err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "hsrp-takeover(B): node B has no `standby N` group"), "%s", err);
	snprintf(bad, sizeof(bad), "%sexpect some esp group 1\n", variant_conf);
	ck_assert_int_eq(load_full(bad, "refgw", tc, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "'group N' goes with HSRP"), "%s", err);
	snprintf(bad, sizeof(bad), "%sexpect some vrrp vrid 300\n", variant_conf);
	ck_assert_int_eq(load_full(bad, "refgw", tc, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "expected 'vrid 1-255', got '300'"), "%s", err);
	snprintf(bad, sizeof(bad), "%sexpect hsrp hello-interval from A\n", variant_conf);
	ck_assert_int_eq(load_full(bad, "refgw", tc, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "expected 'expect hsrp hello-interval"), "%s", err);
	snprintf(bad, sizeof(bad), "%sexpect vrrp vmac-only-active\n", variant_conf);
	ck_assert_int_eq(load_full(bad, "refgw", tc, err, sizeof(err)), -1);
	free(tc);
}
END_TEST

/* configure NODE "LINE"…: the lines in order, the daemon it goes to, and the node's DPD
 * after each configure as refgw's parser reads the lines. */
START_TEST(configure_action_and_dpd_after_it)
{
	char err[LAB_ERR_MAX];
	struct testcase *tc = calloc(1, sizeof(*tc));
	put("nodes/A.node", "daemon refgw\nconfig A.cfg\n");
	put("nodes/A.cfg", "hostname A\n");                    /* no DPD at start */
	put("testcase.conf",
	    "testcase t\ntimeline\n"
	    "at 0 start all\n"                                                                     /* 3 */
	    "at +1 configure A \"crypto isakmp keepalive 10 periodic\" as KA\n"                     /* 4 */
	    "at +1 configure A \"crypto isakmp invalid-spi-recovery\"\n"                            /* 5 */
	    "at +1 configure A \"interface GigabitEthernet0/0\" shutdown \"no crypto isakmp keepalive\"\n"
	    "at +1 configure A \"ike dpd interval 3 retry 3 periodic\" as KB   # Comware words\n"   /* 7 */
	    "at +1 end\n"
	    "expect first r-u-there from A after KA within dpd-idle-to-probe(A) plus -0.1..0.1\n"
	    "expect first delete from A after KB within dpd-probe-to-dead(A)\n");
	ck_assert_msg(tc_load(tmpdir, tc, err, sizeof(err)) == 0, "%s", err);
	const struct tc_action *a = &tc->act[1];
	ck_assert_int_eq(a->kind, ACT_CONFIGURE);
	ck_assert_str_eq(a->node, "A");
	ck_assert_str_eq(a->daemon, "refgw");
	ck_assert_str_eq(a->name, "KA");
	ck_assert_int_eq(a->ncfg_lines, 1);
	ck_assert_str_eq(a->cfg_lines, "crypto isakmp keepalive 10 periodic\n");
	ck_assert_int_eq(a->cfg_dpd_changed, 1);
	ck_assert_int_eq(a->cfg_dpd.style, DPD_IOS);
	ck_assert_int_eq(a->cfg_dpd.mode, DPD_PERIODIC);
	ck_assert_double_eq(a->cfg_dpd.interval_s, 10);
	ck_assert_double_eq(a->cfg_dpd.retry_s, 2);
	ck_assert_int_eq(tc->act[2].cfg_dpd_changed, 0);            /* not a DPD line: DPD stays */
	ck_assert_double_eq(tc->act[2].cfg_dpd.interval_s, 10);
	ck_assert_int_eq(tc->act[3].ncfg_lines, 3);
	ck_assert_str_eq(tc->act[3].cfg_lines, "interface GigabitEthernet0/0\nshutdown\nno crypto isakmp keepalive\n");
	ck_assert_int_eq(tc->act[3].cfg_dpd_changed, 1);
	ck_assert_int_eq(tc->act[3].cfg_dpd.style, DPD_OFF);
	ck_assert_int_eq(tc->act[4].cfg_dpd.style, DPD_COMWARE);
	ck_assert_double_eq(tc->act[4].cfg_dpd.retry_s, 3);
	ck_assert_int_eq(tc->exp[0].win.formula, F_DPD_IDLE_TO_PROBE);

	/* the settings in force after the first `upto` actions */
	int by;
	ck_assert_int_eq(tc_node_dpd_after(tc, "A", 1, &by).style, DPD_OFF);
	ck_assert_int_eq(by, -1);
	ck_assert_double_eq(tc_node_dpd_after(tc, "A", 2, &by).interval_s, 10);
	ck_assert_int_eq(by, 1);
	ck_assert_double_eq(tc_node_dpd_after(tc, "A", 3, &by).interval_s, 10);
	ck_assert_int_eq(by, 1);
	ck_assert_int_eq(tc_node_dpd_after(tc, "A", 4, &by).style, DPD_OFF);
	ck_assert_int_eq(tc_node_dpd_after(tc, "A", 6, &by).style, DPD_COMWARE);
	ck_assert_int_eq(by, 4);

	/* windows follow them: none before KA, keepalive 10 after it, none after the `no`,
	 * Comware interval 3 retry 3 after KB */
	struct tc_window w;
	struct tcwin v;
	memset(&w, 0, sizeof(w));
	w.formula = F_DPD_IDLE_TO_PROBE;
	snprintf(w.node, sizeof(w.node), "A");
	snprintf(w.text, sizeof(w.text), "dpd-idle-to-probe(A)");
	ck_assert_int_eq(tcwin_eval_at(tc, &w, 1, 1.0, &v), -1);
	ck_assert_msg(strstr(v.what, "A runs no DPD at this anchor (none in its configuration at start"), "%s", v.what);
	ck_assert_int_eq(tcwin_eval(tc, &w, 1.0, &v), -1);         /* = at the start */
	ck_assert_int_eq(tcwin_eval_at(tc, &w, 2, 1.0, &v), 0);
	ck_assert_double_eq_tol(v.f_lo, 10, 1e-9);
	ck_assert_double_eq_tol(v.f_hi, 10, 1e-9);
	ck_assert_double_eq_tol(v.slack_s, 0, 1e-9);
	ck_assert_double_eq_tol(v.lo, 10 - TCWIN_MIN_REAL_S, 1e-9);
	ck_assert_msg(strstr(v.what, "IOS dpd interval 10 s retry 2 s (5 retransmissions): idle to first probe 10 s, "
			     "as configured on line 4"), "%s", v.what);
	ck_assert_int_eq(tcwin_eval_at(tc, &w, 4, 1.0, &v), -1);
	ck_assert_msg(strstr(v.what, "removed by the configure action before it"), "%s", v.what);
	ck_assert_int_eq(tcwin_eval_at(tc, &w, 5, 0.1, &v), 0);
	ck_assert_double_eq_tol(v.f_lo, 3, 1e-9);
	ck_assert_double_eq_tol(v.hi, 0.3 + TCWIN_MIN_REAL_S, 1e-9);
	w.formula = F_DPD_PROBE_TO_DEAD;
	ck_assert_int_eq(tcwin_eval_at(tc, &w, 5, 1.0, &v), 0);
	ck_assert_double_eq_tol(v.f_lo, 9, 1e-9);                  /* Comware (2 + 1) · 3 */
	ck_assert_msg(strstr(v.what, "as configured on line 7"), "%s", v.what);
	ck_assert_int_eq(tcwin_eval_at(tc, &w, 2, 1.0, &v), 0);
	ck_assert_double_eq_tol(v.f_lo, 12, 1e-9);                 /* IOS (5 + 1) · 2 */
	w.formula = F_DPD_DETECT;
	ck_assert_int_eq(tcwin_eval_at(tc, &w, 2, 1.0, &v), 0);
	ck_assert_double_eq_tol(v.f_hi, 22, 1e-9);
	free(tc);
}
END_TEST

START_TEST(configure_errors_name_file_and_line)
{
	/* strongSwan plays A (the fixture's node): its driver cannot take lines at run time */
	BAD("at 0 configure A \"crypto isakmp keepalive 10\"\nat 1 end\n",
	    "testcase.conf:4: A's daemon strongswan cannot be configured at run time");
	BAD("at 0 configure B \"crypto isakmp keepalive 10\"\nat 1 end\n",
	    "testcase.conf:4: node B runs no daemon, there is nothing to configure");
	BAD("at 0 configure C \"crypto isakmp keepalive 10\"\nat 1 end\n", "testcase.conf:4: unknown node 'C'");
	put("nodes/A.node", "daemon refgw\nconfig A.cfg\n");
	put("nodes/A.cfg", "hostname A\n");
	BAD("at 0 configure A\nat 1 end\n", "testcase.conf:4: expected 'configure NODE \"LINE\" [\"LINE\"…] [as NAME]'");
	BAD("at 0 configure A as KA\nat 1 end\n", "testcase.conf:4: expected 'configure NODE \"LINE\"");
	BAD("at 0 configure A \"crypto isakmp keepalive 10\" \"\"\nat 1 end\n", "testcase.conf:4: expected 'configure "
	    "NODE \"LINE\" [\"LINE\"…] [as NAME]' (each quoted LINE one line of the gateway's configuration mode, e.g. "
	    "configure Branch \"crypto isakmp keepalive 10 periodic\"); line 2 is empty");
	BAD("at 0 configure A a b c d e f g h i j k l m n o p q\nat 1 end\n", "; at most 16 lines");
	/* refgw's own parser judges the lines it would take, at check time */
	BAD("at 0 start all\nat 1 configure A shutdown \"crypto isakmp keepalive 5 periodic\"\nat 2 end\n",
	    "testcase.conf:5: configure A: refgw would refuse line 2 \"crypto isakmp keepalive 5 periodic\": "
	    "configure:2: expected 'crypto isakmp keepalive 10-3600 [2-60] [periodic|on-demand]'");
	BAD("at 0 configure A \"no ike dpd\" \"ike dpd interval 3\"\nat 1 end\n",
	    "testcase.conf:4: configure A: refgw would refuse line 2 \"ike dpd interval 3\": configure:2: expected");
	/* A has no DPD at start: a dpd-* window needs a configure before it that gives one */
	BAD("at 0 start all as X\nat 1 end\nexpect first r-u-there from A after X within dpd-idle-to-probe(A)\n",
	    "testcase.conf:6: dpd-idle-to-probe(A): node A has no DPD line (neither in its configuration nor from an "
	    "earlier 'configure A …')");
	BAD("at 0 start all as X\nat 1 configure A \"no crypto isakmp keepalive\"\nat 2 end\n"
	    "expect first r-u-there from A after X within dpd-detect(A)\n", "testcase.conf:7: dpd-detect(A): node A has no DPD line");
	char err[LAB_ERR_MAX];
	ck_assert_msg(load("at 0 start all as X\nat 1 configure A \"crypto isakmp keepalive 10\"\nat 2 end\n"
			   "expect first r-u-there from A after X within dpd-detect(A)\n", err, sizeof(err)) == 0, "%s", err);
	/* lines refgw's configuration parser does not take are refgw's to refuse at run time */
	ck_assert_msg(load("at 0 configure A \"interface Serial9/9\" \"hostname Z\"\nat 1 end\n", err,
			   sizeof(err)) == 0, "%s", err);
}
END_TEST

/* check route / wait route with tag and type; a bird node from an IOS config; the BIRD a
 * refgw config with `router ospf` brings along can be killed and restarted. */
START_TEST(route_actions_and_bird_nodes)
{
	char perr[LAB_ERR_MAX];
	struct testcase *tc = calloc(1, sizeof(*tc));
	put("nodes/A.node", "daemon refgw\nconfig A.cfg\n");
	put("nodes/A.cfg", "hostname A\ninterface GigabitEthernet0/0\n ip address 10.0.0.1 255.255.255.0\n"
	    "router ospf 1\n network 10.0.0.0 0.0.0.255 area 0\n redistribute static subnets\n");
	put("nodes/B.node", "daemon bird\nconfig B.cfg\n");
	put("nodes/B.cfg", "hostname B\nrouter ospf 1\n network 10.0.0.0 0.0.0.255 area 0\n");
	put("testcase.conf",
	    "testcase t\ntimeline\n"
	    "at 0 start all\n"
	    "at +0 wait route B 20.1.1.0/24 via 10.0.0.1 type E2 tag 99 timeout 20 as LEARNT\n"
	    "at +0 check route A 20.1.1.0/24 type S tag 99 dev Gi0/0\n"
	    "at +0 wait route B 20.1.1.0/24 absent timeout 5\n"
	    "at +0 kill A bird\n"
	    "at +1 end\n");
	ck_assert_msg(tc_load(tmpdir, tc, perr, sizeof(perr)) == 0, "%s", perr);
	const struct tc_action *a = &tc->act[1];
	ck_assert_int_eq(a->kind, ACT_WAIT_ROUTE);
	ck_assert_uint_eq(a->prefix, 0x14010100);
	ck_assert_int_eq(a->plen, 24);
	ck_assert_uint_eq(a->via, 0x0a000001);
	ck_assert_int_eq(a->has_rtype, 1);
	ck_assert_int_eq(a->rtype, RT_OSPF_E2);
	ck_assert_int_eq(a->has_tag, 1);
	ck_assert_uint_eq(a->tag, 99);
	ck_assert_double_eq(a->timeout_s, 20);
	ck_assert_str_eq(a->name, "LEARNT");
	a = &tc->act[2];
	ck_assert_int_eq(a->kind, ACT_CHECK_ROUTE);
	ck_assert_int_eq(a->rtype, RT_STATIC);
	ck_assert_str_eq(a->dev, "Gi0/0");
	ck_assert_int_eq(tc->act[3].absent, 1);
	const char *ds[NODE_MAX_DAEMONS];
	ck_assert_int_eq(driver_node_daemons(tc_node_spec(tc, "B"), ds, perr, sizeof(perr)), 1);
	ck_assert_str_eq(ds[0], "bird");
	free(tc);
	BAD("at 0 wait route B 20.1.1.0/24 type E2\nat 1 end\n",
	    "testcase.conf:4: expected 'wait route NODE A.B.C.D/LEN [via A.B.C.D] [dev IFNAME] [tag T] "
	    "[type S|O|IA|E1|E2|N1|N2|C] [absent] timeout SECONDS': the timeout is missing");
	BAD("at 0 check route B 20.1.1.0/24 type X\nat 1 end\n", "testcase.conf:4: expected 'check route NODE "
	    "A.B.C.D/LEN [via A.B.C.D] [dev IFNAME] [tag T] [type S|O|IA|E1|E2|N1|N2|C] [absent]', got 'type'");
	BAD("at 0 check route B 20.1.1.0/24 timeout 3\nat 1 end\n", "got 'timeout'");
	BAD("at 0 kill B refgw\nat 1 end\n", "node B does not run 'refgw'");
	put("nodes/B.node", "daemon strongswan\nconfig B.cfg\n");
	BAD("at 0 end\n", "B.node:2: 'config FILE' is for refgw and bird nodes");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("testcase");
	TCase *tc = tcase_create("parse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, shipped_testcases_load);
	tcase_add_test(tc, route_actions_and_bird_nodes);
	tcase_add_test(tc, good_minimal);
	tcase_add_test(tc, bad_lines_name_file_and_line);
	tcase_add_test(tc, bad_node_files);
	tcase_add_test(tc, dpd_lines_in_each_vendor_s_words);
	tcase_add_test(tc, variants_select_nodes_lines_labels);
	tcase_add_test(tc, variant_errors_name_file_and_line);
	tcase_add_test(tc, anchor_and_window_syntax);
	tcase_add_test(tc, window_formulas_and_scaling);
	tcase_add_test(tc, fhrp_expectations_and_windows);
	tcase_add_test(tc, configure_action_and_dpd_after_it);
	tcase_add_test(tc, configure_errors_name_file_and_line);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
