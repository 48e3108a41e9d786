/* check_redund.c — crypto map redundancy (gw_redund.c) and Reverse Route Injection
 * (gw_rri.c) over the kern mock, with a fake HSRP group and, for the stateless failover,
 * a real IKE engine pair (fsm/tests/ike_testnet): the virtual address from the model,
 * gating while not Active, SAs cleared without a Delete on leaving Active with seed 001's
 * "Crypto tunnel is DOWN", static RRI from the ACL (per `version`, seed 001 vs seed 000)
 * installed at start / while Active and removed on leaving Active and at shutdown.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gw.h"
#include "ike_testnet.h"

/* --- fakes for what the tested files call outside themselves -------------------------- */

static bool fake_active[IOS_MAX_FHRP];

int gw_fhrp_find(const struct gw *g, int iface, const char *name)
{
	int i;

	for (i = 0; i < g->cfg->nfhrp; i++)
		if (g->cfg->fhrp[i].iface == iface && !strcmp(g->cfg->fhrp[i].name, name))
			return i;
	return -1;
}

bool gw_fhrp_is_active(const struct gw *g, int idx)
{
	(void)g;
	return idx >= 0 && idx < IOS_MAX_FHRP && fake_active[idx];
}

void gw_ike_schedule(struct gw *g)
{
	(void)g;
}

void gw_dpd_settings(const struct gw *g, struct dpd_cfg *out)
{
	(void)g;
	memset(out, 0, sizeof(*out));
}

void gw_dpd_sync(struct gw *g)
{
	(void)g;
}

void gw_dpd_reschedule(struct gw *g)
{
	(void)g;
}

/* --- set-up ---------------------------------------------------------------------------- */

static const char cfg_text[] =
	"VERSION\n"
	"hostname 7204VXR-2\n"
	"crypto isakmp policy 1\n"
	" hash md5\n"
	" authentication pre-share\n"
	"crypto isakmp key cisco123 address 192.0.2.1\n"
	"crypto ipsec transform-set myset esp-des esp-md5-hmac\n"
	"crypto map vpn 10 ipsec-isakmp\n"
	" set peer 192.0.2.1\n"
	" set transform-set myset\n"
	" match address 101\n"
	" RRI\n"
	" set reverse-route tag 7\n"
	"interface FastEthernet0/0\n"
	" ip address 192.0.2.54 255.255.255.0\n"
	" standby 1 ip 192.0.2.2\n"
	" standby 1 name VPNHA\n"
	" COUPLE\n"
	"access-list 101 permit ip 10.1.1.0 0.0.0.255 20.1.1.0 0.0.0.255\n"
	"access-list 101 permit ip host 99.99.99.99 20.1.1.0 0.0.0.255\n"
	"access-list 101 permit ip 10.1.1.0 0.0.0.255 20.2.0.0 0.0.255.255\n";

struct fx {
	struct gw g;
	struct kern_mock *m;
	char logbuf[65536];
};

static void subst(char *s, const char *key, const char *val)
{
	char *p = strstr(s, key), tail[4096];

	ck_assert_ptr_nonnull(p);
	snprintf(tail, sizeof(tail), "%s", p + strlen(key));
	sprintf(p, "%s%s", val, tail);
}

/* version: "version 12.3" or ""; rri: "reverse-route" / "reverse-route static" / "";
 * coupled: `crypto map vpn redundancy VPNHA` (else `crypto map vpn`) */
static void fx_init(struct fx *f, const char *version, const char *rri, int coupled)
{
	char text[4096], err[512];

	memset(f, 0, sizeof(*f));
	memset(fake_active, 0, sizeof(fake_active));
	snprintf(text, sizeof(text), "%s", cfg_text);
	subst(text, "VERSION", version[0] ? version : "!");
	subst(text, "RRI", rri[0] ? rri : "!");
	subst(text, "COUPLE", coupled ? "crypto map vpn redundancy VPNHA" : "crypto map vpn");
	f->g.cfg = ios_cfg_alloc();
	ck_assert_int_eq(ios_cfg_parse(text, strlen(text), "vxr2.cfg", f->g.cfg, err, sizeof(err)), 0);
	if (!f->g.cfg->nfhrp) {           /* the model of the standby lines (cfg5) not there yet */
		struct ios_fhrp *h = &f->g.cfg->fhrp[f->g.cfg->nfhrp++];

		h->proto = IOS_FHRP_HSRP;
		h->iface = 0;
		h->group = 1;
		h->nvips = 1;
		h->vips[0] = TN_B_ADDR;
		snprintf(h->name, sizeof(h->name), "VPNHA");
	}
	f->g.log = fmemopen(f->logbuf, sizeof(f->logbuf), "w");
	setvbuf(f->g.log, NULL, _IONBF, 0);
	f->g.loop = loop_new(1.0);
	f->m = kern_mock_new();
	kern_mock_link(f->m, "fa0-0", 1, 1, NULL);
	f->g.kern = kern_mock_ops(f->m);
	ck_assert_int_eq(gw_apply_config(&f->g, err, sizeof(err)), 0);
	ck_assert_int_eq(gw_build_ike_cfg(&f->g, &f->g.ike_cfg, err, sizeof(err)), 0);
	ck_assert_uint_eq(f->g.ike_cfg.nconns, 1);
	kern_mock_clear(f->m);
}

static void fx_free(struct fx *f)
{
	gw_redund_stop(&f->g);
	gw_rri_stop(&f->g);
	fclose(f->g.log);
	loop_free(f->g.loop);
	kern_mock_free(f->m);
	ios_cfg_free(f->g.cfg);
}

static int mock_has(struct fx *f, const char *line)
{
	size_t i;

	for (i = 0; i < kern_mock_count(f->m); i++)
		if (!strcmp(kern_mock_line(f->m, i), line))
			return 1;
	return 0;
}

static unsigned mock_count(struct fx *f, const char *prefix)
{
	unsigned n = 0;
	int i = -1;

	while ((i = kern_mock_find(f->m, (size_t)(i + 1), prefix)) >= 0)
		n++;
	return n;
}

#define ROUTE_A "route_add 20.1.1.0/24 via 192.0.2.1 metric 1 proto rri realm 7"
#define ROUTE_B "route_add 20.2.0.0/16 via 192.0.2.1 metric 1 proto rri realm 7"

/* --- tests ----------------------------------------------------------------------------- */

/* The virtual address comes from the model: the group the interface's `redundancy` names. */
START_TEST(test_vip_from_model)
{
	static struct fx f;

	fx_init(&f, "", "reverse-route", 1);
	ck_assert_uint_eq(f.g.ike_cfg.conns[0].local_addr, TN_B_ADDR);
	ck_assert_ptr_nonnull(strstr(f.logbuf, "IKE and ESP use the virtual address 192.0.2.2 of standby group 1"));
	fx_free(&f);
	fx_init(&f, "", "reverse-route", 0);
	ck_assert_uint_eq(f.g.ike_cfg.conns[0].local_addr, TN_IP(192, 0, 2, 54));
	fx_free(&f);
}
END_TEST

/* Seed 000 (IOS 15, or no version line): plain reverse-route follows the SAs — nothing at
 * start. Seed 001 (version 12.3): installed from the ACL at start (uncoupled map), each
 * destination once, via the first peer, tag as realm; removed at shutdown. */
START_TEST(test_rri_version)
{
	static struct fx f;

	fx_init(&f, "", "reverse-route", 0);
	gw_redund_sync(&f.g);
	ck_assert_uint_eq(mock_count(&f, "route_add"), 0);
	ck_assert_ptr_nonnull(strstr(f.logbuf, "no version line: reverse-route routes follow the IPsec SAs"));
	fx_free(&f);

	fx_init(&f, "version 15.1", "reverse-route", 0);
	gw_redund_sync(&f.g);
	ck_assert_uint_eq(mock_count(&f, "route_add"), 0);
	fx_free(&f);

	fx_init(&f, "version 12.3", "reverse-route", 0);
	gw_redund_sync(&f.g);
	ck_assert_ptr_nonnull(strstr(f.logbuf, "version 12.3: reverse-route installs the ACL's routes without an SA"));
	ck_assert_uint_eq(mock_count(&f, "route_add"), 2);
	ck_assert(mock_has(&f, ROUTE_A));
	ck_assert(mock_has(&f, ROUTE_B));
	ck_assert_ptr_nonnull(strstr(f.logbuf, "IPSEC(rte_mgr): VPN Route Added 20.1.1.0 255.255.255.0 via 192.0.2.1 "
					       "in IP DEFAULT TABLE"));
	gw_redund_sync(&f.g);                  /* idempotent */
	ck_assert_uint_eq(mock_count(&f, "route_add"), 2);
	gw_redund_stop(&f.g);                  /* shutdown: gone */
	ck_assert_uint_eq(mock_count(&f, "route_del"), 2);
	ck_assert_ptr_nonnull(strstr(f.logbuf, "VPN Route Removed 20.2.0.0 255.255.0.0 via 192.0.2.1"));
	fx_free(&f);

	/* `reverse-route static` is static whatever the version */
	fx_init(&f, "version 15.1", "reverse-route static", 0);
	gw_redund_sync(&f.g);
	ck_assert_uint_eq(mock_count(&f, "route_add"), 2);
	fx_free(&f);
}
END_TEST

/* Coupled: nothing while not Active (gated, no routes); entering Active arms the map and
 * installs the routes (seed 001: "VPN Route Added" right after Standby -> Active);
 * leaving Active removes them. */
START_TEST(test_coupled_gating)
{
	static struct fx f;

	fx_init(&f, "version 12.3", "reverse-route", 1);
	gw_redund_sync(&f.g);
	ck_assert_uint_eq(mock_count(&f, "route_add"), 0);
	ck_assert(!gw_redund_allowed(&f.g, 0));
	ck_assert(!gw_redund_local_allowed(&f.g, TN_B_ADDR));
	ck_assert(gw_redund_local_allowed(&f.g, TN_IP(192, 0, 2, 54)));   /* the real address */
	fake_active[0] = true;
	gw_redund_changed(&f.g, 0, true);
	ck_assert(gw_redund_allowed(&f.g, 0));
	ck_assert(gw_redund_local_allowed(&f.g, TN_B_ADDR));
	ck_assert(mock_has(&f, ROUTE_A));
	ck_assert_ptr_nonnull(strstr(f.logbuf, "crypto map vpn 10 armed"));
	gw_redund_changed(&f.g, 0, true);      /* no change: nothing again */
	ck_assert_uint_eq(mock_count(&f, "route_add"), 2);
	gw_redund_changed(&f.g, 1, false);     /* another group: not ours */
	ck_assert(gw_redund_allowed(&f.g, 0));
	fake_active[0] = false;
	gw_redund_changed(&f.g, 0, false);
	ck_assert(!gw_redund_allowed(&f.g, 0));
	ck_assert_uint_eq(mock_count(&f, "route_del"), 2);
	fx_free(&f);

	/* coupled, SA-bound RRI: entering Active installs nothing */
	fx_init(&f, "", "reverse-route", 1);
	gw_redund_sync(&f.g);
	gw_redund_changed(&f.g, 0, true);
	ck_assert_uint_eq(mock_count(&f, "route_add"), 0);
	ck_assert(gw_redund_allowed(&f.g, 0));
	fx_free(&f);

	/* `redundancy NAME` naming no group couples nothing */
	fx_init(&f, "version 12.3", "reverse-route", 1);
	f.g.cfg->fhrp[0].name[0] = '\0';
	gw_redund_sync(&f.g);
	ck_assert(gw_redund_allowed(&f.g, 0));
	ck_assert(gw_redund_local_allowed(&f.g, TN_B_ADDR));
	ck_assert_uint_eq(mock_count(&f, "route_add"), 2);
	fx_free(&f);
}
END_TEST

/* Stateless failover with a real SA: B (the virtual address 192.0.2.2) leaves Active →
 * "Crypto tunnel is DOWN. Peer 192.0.2.1:500 Id: 192.0.2.1", its SAs gone, nothing sent. */
START_TEST(test_leave_active_clears)
{
	static struct fx f;
	static struct tn n;
	struct ike_cfg a, b;
	struct ike_sa_info info[4];
	size_t cnt, i, live = 0;

	tn_cfg(&a, 0, IKE_ENC_DES, 0, IKE_HASH_MD5, 1, ESP_ENC_DES, 0, ESP_AUTH_HMAC_MD5, 0, 0);
	tn_cfg(&b, 1, IKE_ENC_DES, 0, IKE_HASH_MD5, 1, ESP_ENC_DES, 0, ESP_AUTH_HMAC_MD5, 0, 0);
	tn_init(&n, &a, &b);
	fx_init(&f, "", "reverse-route", 1);
	f.g.ike = n.p[1].e;
	fake_active[0] = true;
	gw_redund_sync(&f.g);
	ck_assert_int_eq(ike_acquire(n.p[0].e, n.now, 0, 0), 0);
	tn_run(&n, 100);
	ck_assert_uint_eq(n.p[1].nup, 1);
	fake_active[0] = false;
	gw_redund_changed(&f.g, 0, false);
	ck_assert_ptr_nonnull(strstr(f.logbuf, "%CRYPTO-5-SESSION_STATUS: Crypto tunnel is DOWN. Peer 192.0.2.1:500 "
					       "Id: 192.0.2.1"));
	ck_assert_uint_eq(n.p[1].ndown, 1);
	ck_assert_uint_eq(n.qlen, 0);            /* no Delete */
	cnt = ike_list_isakmp(n.p[1].e, n.now, info, 4);
	for (i = 0; i < cnt; i++)
		live += !info[i].deleted;
	ck_assert_uint_eq(live, 0);
	f.g.ike = NULL;
	fx_free(&f);
	tn_free(&n);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("redund");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_vip_from_model);
	tcase_add_test(tc, test_rri_version);
	tcase_add_test(tc, test_coupled_gating);
	tcase_add_test(tc, test_leave_active_clears);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
