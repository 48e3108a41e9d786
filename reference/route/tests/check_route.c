/* check_route.c — Check suite for route/: bird.conf from the seed configs (seed 001's
 * 7204VXR-1 and 7206-1, seed 000's HQ-1 with its route-map) and `show ip route` text and
 * JSON from route lists shaped like the documents' tables (seed 001 lines 455-545).
 *
 * The seed configs are parsed by refgw's parser; when the model's `router ospf` part is
 * still empty (the parser keeps those lines), the test fills it as the lines say, so the
 * translation is checked either way.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "rt_bird.h"
#include "rt_show.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

static struct ios_cfg *cfg;
static char err[512];

static void load(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", CFG_SEED_DIR, name);
	cfg = ios_cfg_load_file(path, err, sizeof(err));
	ck_assert_msg(cfg != NULL, "%s", err);
}

static void teardown(void)
{
	ios_cfg_free(cfg);
	cfg = NULL;
}

static void add_net(uint32_t a, uint32_t w, uint32_t area)
{
	struct ios_ospf_net *n = &cfg->ospf.nets[cfg->ospf.nnets++];

	n->addr = a;
	n->wild = w;
	n->area = area;
	n->line = 1;
}

/* The model as cfg5's parser fills it (used only while the parser keeps the lines). */
static void ospf_default(unsigned pid)
{
	cfg->ospf.on = true;
	cfg->ospf.pid = pid;
	cfg->ospf.line = 1;
	cfg->ospf.default_metric = 1;
	cfg->ospf.default_metric_type = 2;
	cfg->ospf.redist_static.metric = cfg->ospf.redist_connected.metric = 20;
	cfg->ospf.redist_static.metric_type = cfg->ospf.redist_connected.metric_type = 2;
}

/* BIRD itself reads the file (`bird -p`: parse only) when it is installed. */
static void bird_parses(const char *text)
{
	char path[] = "/tmp/check_route_XXXXXX", cmd[600], out[4096] = "";
	int fd;
	FILE *f, *p;
	size_t n;

	if (access("/usr/sbin/bird", X_OK))
		return;
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "/usr/sbin/bird -p -c %s 2>&1", path);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	int rc = pclose(p);
	unlink(path);
	ck_assert_msg(rc == 0, "bird -p refused the configuration: %s\n%s", out, text);
}

static char *conf(bool fast)
{
	struct rt_bird_opts o = { "/tmp/x/bird.log", fast, 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(rt_bird_conf(cfg, &o, f, err, sizeof(err)), 0);
	fclose(f);
	bird_parses(buf);
	return buf;
}

static void has(const char *text, const char *want)
{
	ck_assert_msg(strstr(text, want) != NULL, "missing \"%s\" in:\n%s", want, text);
}

static void hasnt(const char *text, const char *want)
{
	ck_assert_msg(strstr(text, want) == NULL, "unexpected \"%s\" in:\n%s", want, text);
}

START_TEST(vxr1_conf)
{
	load("7204VXR-1.cfg");
	if (!cfg->ospf.on) {
		ospf_default(1);
		add_net(IP(10, 1, 1, 0), IP(0, 0, 0, 255), 0);
		cfg->ospf.redist_static.on = true;
		cfg->ospf.redist_static.subnets = true;
	}
	ck_assert(rt_bird_wanted(cfg));
	/* no loopback, no router-id: the highest interface address */
	ck_assert_uint_eq(rt_bird_router_id(cfg), IP(172, 16, 172, 52));
	char *t = conf(true);
	has(t, "router id 172.16.172.52;");
	has(t, "log \"/tmp/x/bird.log\" all;");
	has(t, "area 0.0.0.0 {");
	/* FastEthernet0/1 10.1.1.1/24 is in `network 10.1.1.0 0.0.0.255 area 0`; Fa0/0 is not */
	has(t, "interface \"fa0-1\" { cost 1; hello 1; dead 4;");
	hasnt(t, "\"fa0-0\"");
	hasnt(t, "\"atm1-0\"");
	/* redistribute static subnets: RRI and refgw's statics as E2 20 with their tag */
	has(t, "if source = RTS_INHERIT && krt_source ~ [ 3, 4, 201 ] then {");
	has(t, "if defined(krt_realm) then t = krt_realm;");
	has(t, "ospf_metric2 = 20; ospf_tag = t; accept;");
	hasnt(t, "0.0.0.0/1{8,8}");                 /* subnets: no classful filter */
	has(t, "reject;\t# no default-information originate");
	hasnt(t, "protocol static ihh_default");
	/* OSPF → kernel with the kind in the metric */
	has(t, "if source = RTS_OSPF_EXT2 then {");
	has(t, "krt_metric = 4000000 + ospf_metric2;");
	has(t, "krt_realm = ospf_tag;");
	has(t, "learn;");
	has(t, "preference 254;");
	free(t);
	t = conf(false);
	has(t, "hello 10; dead 40;");
	free(t);
}
END_TEST

START_TEST(r7206_passive_loopback)
{
	load("7206-1.cfg");
	if (!cfg->ospf.on) {
		ospf_default(1);
		add_net(IP(10, 1, 1, 0), IP(0, 0, 0, 255), 0);
		add_net(IP(99, 99, 99, 99), 0, 0);
		snprintf(cfg->ospf.passive[cfg->ospf.npassive++], IOS_NAME_MAX, "Loopback0");
	}
	ck_assert_uint_eq(rt_bird_router_id(cfg), IP(99, 99, 99, 99));   /* the loopback */
	char *t = conf(true);
	has(t, "router id 99.99.99.99;");
	has(t, "interface \"loop0\" { stub yes; cost 1; };");
	has(t, "interface \"fa0-1\" { cost 1; hello 1;");
	hasnt(t, "\"fa0-0\"");                        /* shut down, no address */
	hasnt(t, "krt_source ~");                     /* no redistribution */
	free(t);
	/* passive-interface default + no passive-interface FastEthernet0/1: the same result */
	cfg->ospf.passive_default = true;
	snprintf(cfg->ospf.passive[0], IOS_NAME_MAX, "FastEthernet0/1");
	t = conf(true);
	has(t, "interface \"loop0\" { stub yes;");
	has(t, "interface \"fa0-1\" { cost 1; hello 1;");
	cfg->ospf.npassive = 0;
	free(t);
	t = conf(true);
	has(t, "interface \"fa0-1\" { stub yes;");
	free(t);
}
END_TEST

START_TEST(hq1_route_map_tag)
{
	load("HQ-1.cfg");
	if (!cfg->ospf.on) {
		struct ios_rmap_entry *e = &cfg->rmap[cfg->nrmap++];

		ospf_default(1);
		cfg->ospf.redist_static.on = true;
		cfg->ospf.redist_static.subnets = true;
		snprintf(cfg->ospf.redist_static.route_map, IOS_NAME_MAX, "RRI_to_OSPF");
		cfg->ospf.default_originate = true;
		memset(e, 0, sizeof(*e));
		snprintf(e->name, IOS_NAME_MAX, "RRI_to_OSPF");
		e->permit = true;
		e->seq = 10;
		e->ntags = 1;
		e->tags[0] = 99;
	}
	char *t = conf(true);
	has(t, "route-map RRI_to_OSPF permit 10");
	has(t, "if t ~ [ 99 ] then {");
	has(t, "\t\t\tospf_metric2 = 20; ospf_tag = t; accept;");
	has(t, "no entry matched: the route-map's implicit deny");
	/* default-information originate (not always): a table default, not OSPF's own */
	has(t, "if source ~ [ RTS_OSPF, RTS_OSPF_IA, RTS_OSPF_EXT1, RTS_OSPF_EXT2 ] then reject;");
	has(t, "ospf_metric2 = 1; ospf_tag = t; accept;");
	hasnt(t, "protocol static ihh_default");
	free(t);
	/* a deny entry first, set tag / metric / type-1 in a second, `always`, no subnets */
	struct ios_rmap_entry *d = &cfg->rmap[cfg->nrmap++];
	int first = -1;
	for (int i = 0; i < cfg->nrmap; i++)
		if (!strcmp(cfg->rmap[i].name, "RRI_to_OSPF") && first < 0)
			first = i;
	ck_assert_int_ge(first, 0);
	*d = cfg->rmap[first];
	cfg->rmap[first].permit = false;
	cfg->rmap[first].tags[0] = 7;
	d->seq = 20;
	d->has_set_tag = true;
	d->set_tag = 5;
	d->has_set_metric = true;
	d->set_metric = 30;
	d->set_metric_type = 1;
	cfg->ospf.default_always = true;
	cfg->ospf.redist_static.subnets = false;
	t = conf(true);
	char *deny = strstr(t, "if t ~ [ 7 ] then {\n\t\t\treject;");
	char *permit = strstr(t, "if t ~ [ 99 ] then {\n\t\t\tt = 5;\n\t\t\tospf_metric1 = 30;");
	ck_assert_msg(deny && permit && deny < permit, "%s", t);
	has(t, "protocol static ihh_default {");
	has(t, "0.0.0.0/1{8,8}, 128.0.0.0/2{16,16}, 192.0.0.0/3{24,24}");
	free(t);
	/* a route-map that does not exist: nothing redistributed */
	snprintf(cfg->ospf.redist_static.route_map, IOS_NAME_MAX, "NOPE");
	t = conf(true);
	has(t, "route-map not defined");
	hasnt(t, "if t ~ [ 99 ]");
	free(t);
}
END_TEST

START_TEST(no_ospf)
{
	load("vpn7200.cfg");
	if (cfg->ospf.on)
		return;
	ck_assert(!rt_bird_wanted(cfg));
	FILE *f = fopen("/dev/null", "w");
	ck_assert_int_eq(rt_bird_conf(cfg, NULL, f, err, sizeof(err)), -1);
	fclose(f);
	ck_assert_msg(strstr(err, "vpn7200.cfg: no `router ospf` process") != NULL, "%s", err);
}
END_TEST

/* --- show ip route ------------------------------------------------------------------- */

static char *show(struct rt_list *l, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	rt_list_select(l);
	if (json)
		rt_show_json(l, f);
	else
		rt_show_text(l, f, false);
	fclose(f);
	return buf;
}

static const char *ios_name(void *arg, const char *lnx)
{
	(void)arg;
	return !strcmp(lnx, "fa0-1") ? "FastEthernet0/1" : !strcmp(lnx, "fa0-0") ? "FastEthernet0/0" :
	       !strcmp(lnx, "loop0") ? "Loopback0" : NULL;
}

START_TEST(kind_encoding)
{
	unsigned d;
	uint32_t c;
	enum rt_kind k;

	ck_assert_uint_eq(rt_kmetric(RT_OSPF_E2, 20), 4000020);
	ck_assert_int_eq(rt_kind_of(RT_RTPROT_BIRD, 4000020, false, &d, &c), RT_OSPF_E2);
	ck_assert_uint_eq(d, 110);
	ck_assert_uint_eq(c, 20);
	ck_assert_int_eq(rt_kind_of(RT_RTPROT_BIRD, 1000002, false, &d, &c), RT_OSPF);
	ck_assert_uint_eq(c, 2);
	ck_assert_uint_eq(rt_kmetric(RT_OSPF_E1, 5000000), 3999999);     /* capped */
	ck_assert_int_eq(rt_kind_of(RT_RTPROT_RRI, 1, false, &d, &c), RT_STATIC);
	ck_assert_uint_eq(d, 1);
	ck_assert_int_eq(rt_kind_of(4, 5, false, &d, &c), RT_STATIC);   /* ip route … 5 */
	ck_assert_uint_eq(d, 5);
	ck_assert_int_eq(rt_kind_of(2, 0, true, &d, &c), RT_CONNECTED);
	ck_assert_int_eq(rt_kind_of(RT_RTPROT_BIRD, 32, false, &d, &c), RT_OTHER);
	ck_assert_int_eq(rt_kind_of(9, 0, false, &d, &c), RT_OTHER);
	ck_assert_int_eq(rt_kind_parse("E2", &k), 0);
	ck_assert_int_eq(k, RT_OSPF_E2);
	ck_assert_int_eq(rt_kind_parse("S", &k), 0);
	ck_assert_int_eq(k, RT_STATIC);
	ck_assert_int_eq(rt_kind_parse("X", &k), -1);
	ck_assert_str_eq(rt_kind_code(RT_OSPF_IA), "O IA");
}
END_TEST

/* 7206-1 in seed 001 (lines 520-544): a loopback, O E2 routes from both VXRs */
START_TEST(show_7206)
{
	static struct rt_list l;

	memset(&l, 0, sizeof(l));
	rt_list_add(&l, IP(99, 99, 99, 99), 32, 0, "loop0", 2, 0, 0, true);
	rt_list_add(&l, IP(20, 1, 1, 0), 24, IP(10, 1, 1, 1), "fa0-1", 12, 4000020, 99, false);
	rt_list_add(&l, IP(172, 16, 172, 64), 28, IP(10, 1, 1, 1), "fa0-1", 12, 4000020, 0, false);
	rt_list_add(&l, IP(172, 16, 172, 64), 28, IP(10, 1, 1, 2), "fa0-1", 12, 4000020, 0, false);
	rt_list_add(&l, IP(10, 1, 1, 0), 24, 0, "fa0-1", 2, 0, 0, true);
	rt_list_add(&l, IP(10, 48, 66, 0), 23, IP(10, 1, 1, 2), "fa0-1", 12, 4000020, 0, false);
	rt_list_rename(&l, ios_name, NULL);
	char *t = show(&l, false);
	ck_assert_str_eq(t,
		"Gateway of last resort is not set\n\n"
		"      10.0.0.0/8 is variably subnetted, 2 subnets, 2 masks\n"
		"C        10.1.1.0/24 is directly connected, FastEthernet0/1\n"
		"O E2     10.48.66.0/23 [110/20] via 10.1.1.2, FastEthernet0/1\n"
		"      20.0.0.0/24 is subnetted, 1 subnets\n"
		"O E2     20.1.1.0 [110/20] via 10.1.1.1, FastEthernet0/1\n"
		"      99.0.0.0/32 is subnetted, 1 subnets\n"
		"C        99.99.99.99 is directly connected, Loopback0\n"
		"      172.16.0.0/28 is subnetted, 1 subnets\n"
		"O E2     172.16.172.64 [110/20] via 10.1.1.1, FastEthernet0/1\n"
		"                       [110/20] via 10.1.1.2, FastEthernet0/1\n");
	free(t);
	const struct rt_entry *e = rt_list_find(&l, IP(20, 1, 1, 0), 24);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->tag, 99);
	t = show(&l, true);
	ck_assert_msg(strstr(t, "\"gateway_of_last_resort\": null") != NULL, "%s", t);
	ck_assert_msg(strstr(t, "\"prefix\": \"20.1.1.0/24\"") != NULL, "%s", t);
	ck_assert_msg(strstr(t, "\"code\": \"O E2\"") != NULL, "%s", t);
	ck_assert_msg(strstr(t, "\"tag\": 99") != NULL, "%s", t);
	ck_assert_msg(strstr(t, "\"interface\": \"FastEthernet0/1\"") != NULL, "%s", t);
	free(t);
}
END_TEST

/* 7204VXR-2 after the failover: its RRI static wins over the OSPF route to the same
 * prefix (distance 1 < 110); a static default is the gateway of last resort. */
START_TEST(show_static_wins_and_default)
{
	static struct rt_list l;

	memset(&l, 0, sizeof(l));
	rt_list_add(&l, IP(20, 1, 1, 0), 24, IP(10, 1, 1, 1), "fa1-0", 12, 4000020, 0, false);
	rt_list_add(&l, IP(20, 1, 1, 0), 24, IP(172, 16, 172, 49), "fa0-0", RT_RTPROT_RRI, 1, 0, false);
	rt_list_add(&l, 0, 0, IP(10, 48, 66, 1), "fa3-0", 4, 1, 0, false);
	rt_list_add(&l, IP(192, 168, 1, 0), 24, 0, "fa3-0", 2, 0, 0, true);
	char *t = show(&l, false);
	ck_assert_str_eq(t,
		"Gateway of last resort is 10.48.66.1 to network 0.0.0.0\n\n"
		"S*    0.0.0.0/0 [1/0] via 10.48.66.1\n"
		"      20.0.0.0/24 is subnetted, 1 subnets\n"
		"S        20.1.1.0 [1/0] via 172.16.172.49\n"
		"C     192.168.1.0/24 is directly connected, fa3-0\n");
	free(t);
	/* an OSPF default: O*E2 as R3 prints it (seed 000) */
	memset(&l, 0, sizeof(l));
	rt_list_add(&l, 0, 0, IP(192, 168, 23, 2), "e0-1", 12, 4000001, 0, false);
	t = show(&l, false);
	ck_assert_msg(strstr(t, "O*E2  0.0.0.0/0 [110/1] via 192.168.23.2, e0-1\n") != NULL, "%s", t);
	free(t);
	/* codes legend on request */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	rt_show_text(&l, f, true);
	fclose(f);
	ck_assert_msg(!strncmp(buf, "Codes: C - connected, S - static", 32), "%s", buf);
	free(buf);
}
END_TEST

START_TEST(list_full)
{
	static struct rt_list l;

	memset(&l, 0, sizeof(l));
	for (int i = 0; i < RT_MAX_ROUTES; i++)
		ck_assert_int_eq(rt_list_add(&l, IP(10, 0, 0, 0) + ((uint32_t)i << 8), 24, 0, "x", 2, 0, 0, true), 0);
	ck_assert_int_eq(rt_list_add(&l, IP(11, 0, 0, 0), 24, 0, "x", 2, 0, 0, true), -1);
	ck_assert_int_eq(rt_list_add(&l, IP(11, 0, 0, 0), 33, 0, "x", 2, 0, 0, true), -1);
}
END_TEST

static Suite *route_suite(void)
{
	Suite *s = suite_create("route");
	TCase *b = tcase_create("bird"), *v = tcase_create("show");

	tcase_add_checked_fixture(b, NULL, teardown);
	tcase_add_test(b, vxr1_conf);
	tcase_add_test(b, r7206_passive_loopback);
	tcase_add_test(b, hq1_route_map_tag);
	tcase_add_test(b, no_ospf);
	tcase_add_test(v, kind_encoding);
	tcase_add_test(v, show_7206);
	tcase_add_test(v, show_static_wins_and_default);
	tcase_add_test(v, list_full);
	suite_add_tcase(s, b);
	suite_add_tcase(s, v);
	return s;
}

int main(void)
{
	SRunner *r = srunner_create(route_suite());
	int failed;

	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
