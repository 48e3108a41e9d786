/* check_expect.c — judging a run (expect.c) on a synthetic timeline: an `expect … as
 * NAME` anchors later expectations, and one that matched nothing makes its dependants
 * errors that say so; dpd-probe-to-dead windows at --time-scale 1 and 0.1 (±20 ms real
 * floor); `before FORMULA(NODE)` passes only ahead of the window's lower bound and
 * reports the margin; DPD windows use the settings a `configure` left in force at their
 * anchor. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "run.h"
#include "../../reference/codec/isakmp.h"

#define T0 1700000000000000000LL
#define S(x) ((int64_t)((x) * 1e9 + 0.5))

static char tmpdir[256];

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
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ihh-exp-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	char nodes[300];
	snprintf(nodes, sizeof(nodes), "%s/nodes", tmpdir);
	mkdir(nodes, 0755);
	put("topology.lab", "node A\n  interface GigabitEthernet0/0 address 10.0.0.1/24\n"
	    "  interface Loopback0 address 2.2.2.2/32\nnode B\n  interface GigabitEthernet0/0 address 10.0.0.2/24\n"
	    "link ab A:GigabitEthernet0/0 B:GigabitEthernet0/0 capture\n");
	/* strongSwan's own knobs: first probe → dead 12 s; detection [10, 22] s */
	put("nodes/A.node", "daemon strongswan\nike local 10.0.0.1 peer 10.0.0.2\nike pre-shared-key k\n"
	    "dpd delay 10 timeout 12\nipsec flow 2.2.2.2/32 3.3.3.3/32\n");
}

static void teardown(void)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *conf =
	"testcase e\n"                                                                      /* 1 */
	"timeline\n"                                                                        /* 2 */
	"at 0 start all\n"                                                                  /* 3 */
	"at +1 ping P from A source 2.2.2.2 to 10.0.0.2 interval 1\n"                       /* 4 */
	"at +2 shutdown B GigabitEthernet0/0 as CUT\n"                                      /* 5 */
	"at +30 end\n"                                                                      /* 6 */
	"expect first r-u-there from A to B after CUT within 0..20 as PROBE\n"              /* 7 */
	"expect first delete from A after PROBE within dpd-probe-to-dead(A) plus -0.15..0.15\n"
	"expect first notify from A after CUT within 0..5 as NEVER\n"                       /* 9 */
	"expect some delete after NEVER\n"                                                  /* 10 */
	"expect ping P recovers after CUT before dpd-detect(A) as UP\n"                     /* 11 */
	"expect some mm1 from A after UP\n";                                                /* 12 */

static struct ev *push(struct run *r, double t, enum ev_type type, const char *node, const char *peer)
{
	struct ev e;
	memset(&e, 0, sizeof(e));
	e.t_ns = T0 + S(t);
	e.type = type;
	snprintf(e.node, sizeof(e.node), "%s", node);
	snprintf(e.peer, sizeof(e.peer), "%s", peer);
	return ev_push(&r->ev, &e);
}

/* The story at time scale `sc` (every time below is in testcase seconds): CUT at 3,
 * R-U-THERE at 7, Delete `dead_after` after it, echoes every second from 1 with the one
 * at 4 lost — or those from 4 to `back - 1` — answered again from `back`, Main Mode 1
 * half a second after that. */
static struct run *story(double sc, double dead_after, double back)
{
	struct run *r = calloc(1, sizeof(*r));
	struct testcase *tc = calloc(1, sizeof(*tc));
	char err[LAB_ERR_MAX];
	put("testcase.conf", conf);
	ck_assert_msg(tc_load(tmpdir, tc, err, sizeof(err)) == 0, "%s", err);
	r->tc = tc;
	r->scale = sc;
	r->t0_ns = T0;
	r->end_ns = T0 + S(33 * sc);
	r->act_ns[0] = T0;
	r->act_ns[1] = T0 + S(1 * sc);
	r->act_ns[2] = T0 + S(3 * sc);
	r->act_ns[3] = r->end_ns;
	ev_list_init(&r->ev);
	struct ev *e = push(r, 7 * sc, EV_DPD, "A", "B");
	e->notify = ISAKMP_N_R_U_THERE;
	push(r, (7 + dead_after) * sc, EV_IKE_DELETE, "A", "B");
	e = push(r, (back + 0.5) * sc, EV_IKE, "A", "B");
	e->exch = ISAKMP_EXCH_MAIN;
	e->msgno = 1;
	ev_sort(&r->ev);
	struct run_probe *p = &r->probes[r->nprobes++];
	snprintf(p->name, sizeof(p->name), "P");
	p->rec = calloc(30, sizeof(*p->rec));
	for (int k = 0; k < 30; k++) {
		double t = (1 + k) * sc;
		p->rec[k].seq = (uint16_t)k;
		p->rec[k].sent_ns = T0 + S(t);
		p->rec[k].reply_ns = (1 + k >= 4 && 1 + k < back) ? 0 : T0 + S(t + 0.002);
	}
	p->nrec = 30;
	expect_evaluate(r);
	return r;
}

static void story_free(struct run *r)
{
	free(r->probes[0].rec);
	ev_list_free(&r->ev);
	free(r->tc);
	free(r);
}

START_TEST(anchors_from_expectations)
{
	struct run *r = story(1.0, 12.05, 5);
	ck_assert_int_eq(r->nres, 6);
	ck_assert_int_eq(r->res[0].status, EXP_PASS);
	ck_assert_int_eq(r->exp_ns[0], T0 + S(7));                  /* PROBE = the first R-U-THERE */
	ck_assert_msg(r->res[1].status == EXP_PASS, "%s / %s", r->res[1].measured, r->res[1].window);
	ck_assert_str_eq(r->res[1].anchor, "PROBE");
	ck_assert_double_eq_tol(r->res[1].anchor_s, 7.0, 1e-6);
	ck_assert_double_eq_tol(r->res[1].win_lo_s, 7 + 11.85, 1e-6);
	ck_assert_double_eq_tol(r->res[1].win_hi_s, 7 + 12.15, 1e-6);
	/* NEVER matched nothing: it fails, and what hangs on it cannot be judged */
	ck_assert_int_eq(r->res[2].status, EXP_FAIL);
	ck_assert_int_eq(r->exp_ns[2], 0);
	ck_assert_int_eq(r->res[3].status, EXP_ERROR);
	ck_assert_str_eq(r->res[3].detail, "anchor NEVER never happened: line 9 'expect first notify from A after CUT "
			 "within 0..5 as NEVER' matched nothing");
	/* recovery 2 s after CUT, DPD could not have detected before 10 − 0.3 s */
	ck_assert_msg(r->res[4].status == EXP_PASS, "%s", r->res[4].measured);
	ck_assert_int_eq(r->res[4].before_window, 1);
	ck_assert_str_eq(r->res[4].window_name, "dpd-detect(A)");
	ck_assert_double_eq_tol(r->res[4].margin_s, 9.7 - 2.0, 1e-6);
	ck_assert_msg(strstr(r->res[4].measured, "7.700 s before dpd-detect(A) opens"), "%s", r->res[4].measured);
	ck_assert_msg(!strncmp(r->res[4].window, "before [9.700 s, 22.300 s]", 26), "%s", r->res[4].window);
	ck_assert_int_eq(r->exp_ns[4], T0 + S(5));                  /* UP = the first answered echo */
	ck_assert_int_eq(r->res[5].status, EXP_PASS);               /* mm1 at 5.5, after UP */
	story_free(r);
}
END_TEST

START_TEST(probe_to_dead_real_time_and_scaled)
{
	static const struct { double sc, dead; int pass; } cases[] = {
		{ 1.0, 12.0, 1 }, { 1.0, 11.86, 1 }, { 1.0, 12.14, 1 }, { 1.0, 11.8, 0 }, { 1.0, 12.2, 0 },
		/* at 0.1 the window is 1.2 s ± 20 ms real (not ± 15 ms): in testcase seconds ± 0.2 */
		{ 0.1, 12.0, 1 }, { 0.1, 11.83, 1 }, { 0.1, 12.18, 1 }, { 0.1, 11.75, 0 }, { 0.1, 12.25, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run *r = story(cases[i].sc, cases[i].dead, 5);
		ck_assert_msg((r->res[1].status == EXP_PASS) == cases[i].pass, "scale %g dead after %g: %s in %s",
			      cases[i].sc, cases[i].dead, r->res[1].measured, r->res[1].window);
		story_free(r);
	}
}
END_TEST

START_TEST(recovery_not_before_the_window)
{
	struct run *r = story(1.0, 12.0, 14);   /* echoes back 11 s after CUT: DPD's window opened at 9.7 */
	ck_assert_int_eq(r->res[4].status, EXP_FAIL);
	ck_assert_msg(strstr(r->res[4].measured, "not before dpd-detect(A) (1.300 s after its lower bound)"), "%s",
		      r->res[4].measured);
	ck_assert_double_eq_tol(r->res[4].margin_s, -1.3, 1e-6);
	story_free(r);
}
END_TEST

/* A window uses the node's DPD in force at its anchor: none before a `configure` gave it
 * one, the configured keepalive after it, none again after a `no …` line. */
START_TEST(windows_follow_configure)
{
	static const char *cconf =
		"testcase c\n"                                                                     /* 1 */
		"timeline\n"                                                                       /* 2 */
		"at 0 start all\n"                                                                 /* 3 */
		"at +1 configure A \"crypto isakmp keepalive 10 periodic\" as KA\n"                /* 4 */
		"at +5 shutdown B GigabitEthernet0/0 as CUT\n"                                     /* 5 */
		"at +20 configure A \"no crypto isakmp keepalive\" as OFF\n"                       /* 6 */
		"at +1 end\n"                                                                      /* 7 */
		"expect first r-u-there from A after start within dpd-idle-to-probe(A)\n"          /* 8 */
		"expect first r-u-there from A after KA within dpd-idle-to-probe(A) plus -0.1..0.1 as P\n"
		"expect first delete from A after CUT within dpd-detect(A)\n"                      /* 10 */
		"expect first delete from A after P within dpd-probe-to-dead(A) plus -0.15..0.15\n"
		"expect first delete from A after OFF within dpd-probe-to-dead(A)\n";             /* 12 */
	char err[LAB_ERR_MAX];
	put("nodes/A.node", "daemon refgw\nconfig A.cfg\n");
	put("nodes/A.cfg", "hostname A\n");
	put("testcase.conf", cconf);
	for (int k = 0; k < 2; k++) {
		double sc = k ? 0.1 : 1.0;
		struct run *r = calloc(1, sizeof(*r));
		struct testcase *tc = calloc(1, sizeof(*tc));
		ck_assert_msg(tc_load(tmpdir, tc, err, sizeof(err)) == 0, "%s", err);
		r->tc = tc;
		r->scale = sc;
		r->t0_ns = T0;
		r->act_ns[0] = T0;
		r->act_ns[1] = T0 + S(1 * sc);
		r->act_ns[2] = T0 + S(6 * sc);
		r->act_ns[3] = T0 + S(26 * sc);
		r->act_ns[4] = r->end_ns = T0 + S(27 * sc);
		ev_list_init(&r->ev);
		/* idle since KA: a probe 10 s later, then nothing answers after CUT (at 6): the
		 * one at 11 is the first unanswered, dead (5 + 1) · 2 s after it */
		struct ev *e = push(r, 11 * sc, EV_DPD, "A", "B");
		e->notify = ISAKMP_N_R_U_THERE;
		push(r, 23 * sc, EV_IKE_DELETE, "A", "B");
		ev_sort(&r->ev);
		expect_evaluate(r);
		ck_assert_int_eq(r->nres, 5);
		ck_assert_int_eq(r->res[0].status, EXP_ERROR);
		ck_assert_msg(strstr(r->res[0].detail, "cannot compute the window dpd-idle-to-probe(A): A runs no DPD at "
				     "this anchor (none in its configuration at start"), "%s", r->res[0].detail);
		ck_assert_msg(r->res[1].status == EXP_PASS, "scale %g: %s in %s", sc, r->res[1].measured, r->res[1].window);
		ck_assert_msg(strstr(r->res[1].window, "idle to first probe 10 s, as configured on line 4"), "%s",
			      r->res[1].window);
		ck_assert_msg(r->res[2].status == EXP_PASS, "scale %g: %s in %s", sc, r->res[2].measured, r->res[2].window);
		ck_assert_double_eq_tol(r->res[2].win_lo_s, (6 + 12 - 0.3) * sc, 1e-6);
		ck_assert_msg(r->res[3].status == EXP_PASS, "scale %g: %s in %s", sc, r->res[3].measured, r->res[3].window);
		ck_assert_int_eq(r->res[4].status, EXP_ERROR);
		ck_assert_msg(strstr(r->res[4].detail, "removed by the configure action before it"), "%s", r->res[4].detail);
		ev_list_free(&r->ev);
		free(tc);
		free(r);
	}
}
END_TEST

/* HSRP from the captures: the span forms (hello-interval, vmac-only-active, vmac-only) and
 * the conformance rows 40–59 after the expectations; A runs strongSwan (not under test):
 * its deviation is waived, not counted. */
static struct ev *hello(struct run *r, double t, const char *node, uint32_t ip, int state, int vmac)
{
	struct ev *e = push(r, t, EV_HSRP, node, "");
	e->src = EV_SRC_CAPTURE;
	snprintf(e->link, sizeof(e->link), "ab");
	e->src_ip = ip;
	e->dst_ip = 0xE0000002u;
	e->dport = 1985;
	e->ttl = 1;
	e->l7_len = 20;
	e->ver = 1;
	e->fhrp_state = (uint8_t)state;
	e->group = 1;
	e->hello_ms = 3000;
	e->hold_ms = 10000;
	e->vip = 0x0A000064u;
	e->value = 100;
	e->frame = (uint32_t)r->ev.n;
	uint8_t m[6] = { 0, 0, 0x0c, 0x07, 0xac, 1 }, real[6] = { 2, 0, 0, 0, 0, (uint8_t)(ip & 255) };
	memcpy(e->eth_src, vmac ? m : real, 6);
	return e;
}

START_TEST(hsrp_spans_and_conformance_rows)
{
	struct run *r = calloc(1, sizeof(*r));
	struct testcase *tc = calloc(1, sizeof(*tc));
	char err[LAB_ERR_MAX];
	put("testcase.conf", "testcase f\ntimeline\nat 0 start all\nat +20 end\n"
	    "expect hsrp hello-interval from B within 2.7..3.0\n"
	    "expect hsrp vmac-only-active from B\n"
	    "expect vrrp vmac-only\n"
	    "expect hsrp vmac-only-active\n");
	ck_assert_msg(tc_load(tmpdir, tc, err, sizeof(err)) == 0, "%s", err);
	r->tc = tc;
	r->scale = 1;
	r->t0_ns = T0;
	r->end_ns = T0 + S(20);
	r->act_ns[0] = T0;
	r->act_ns[1] = r->end_ns;
	ev_list_init(&r->ev);
	static const double jit[] = { 0, 0.1, 0.22, 0.05, 0.13, 0.27 };
	double t = 0.5;
	for (int k = 0; k < 6; t += 3.0 - jit[k], k++)
		hello(r, t, "B", 0x0A000002u, 5 /* Active */, 1);
	hello(r, 1.0, "A", 0x0A000001u, 4 /* Standby */, 1);   /* strongSwan's node: vMAC while Standby */
	ev_sort(&r->ev);
	expect_evaluate(r);
	ck_assert_int_eq(r->nres, 4 + 20);
	ck_assert_msg(r->res[0].status == EXP_PASS, "%s | %s", r->res[0].measured, r->res[0].detail);
	ck_assert_msg(strstr(r->res[0].measured, "5 gaps"), "%s", r->res[0].measured);
	ck_assert_int_eq(r->res[1].status, EXP_PASS);
	ck_assert_int_eq(r->res[2].status, EXP_FAIL);   /* no VRRP advert at all */
	ck_assert_int_eq(r->res[3].status, EXP_FAIL);   /* A's Standby Hello from the vMAC */
	ck_assert_msg(strstr(r->res[3].detail, "A at +1.000 s"), "%s", r->res[3].detail);
	const struct exp_result *c44 = &r->res[4 + 44 - 40], *c40 = &r->res[4], *c51 = &r->res[4 + 51 - 40];
	ck_assert_msg(strstr(c44->name, "conformance #44"), "%s", c44->name);
	ck_assert_int_eq(c44->status, EXP_PASS);
	ck_assert_msg(strstr(c44->measured, "waived: 1 deviation"), "%s", c44->measured);
	ck_assert_msg(strstr(c44->detail, "ab frame"), "%s", c44->detail);
	ck_assert_int_eq(c40->status, EXP_PASS);
	ck_assert_msg(strstr(c40->measured, "7 judged, all pass"), "%s", c40->measured);
	ck_assert_msg(strstr(c51->measured, "not applicable"), "%s", c51->measured);
	ev_list_free(&r->ev);
	free(tc);
	free(r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("expect");
	TCase *tc = tcase_create("judge");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, anchors_from_expectations);
	tcase_add_test(tc, hsrp_spans_and_conformance_rows);
	tcase_add_test(tc, probe_to_dead_real_time_and_scaled);
	tcase_add_test(tc, recovery_not_before_the_window);
	tcase_add_test(tc, windows_follow_configure);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

