/* check_ios_cfg.c — Check suite for refgw's IOS configuration: every seed config
 * (tests/seeds/, cut verbatim from the seed documents, see SOURCES.md) loads and carries
 * the facts the documents print; defaults; the block rules; not-applied lines with their
 * line numbers; show-run output read back; interface names; crypto ACL selectors; static
 * route resolution; and broken lines, each with its exact "file:line: expected …" message.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ios_cfg.h"

static struct ios_cfg *cfg;
static char err[1024];

static void setup(void)
{
	cfg = ios_cfg_alloc();
	ck_assert_ptr_nonnull(cfg);
	err[0] = '\0';
}

static void teardown(void)
{
	ios_cfg_free(cfg);
	cfg = NULL;
}

static int parse_as(const char *fname, const char *text)
{
	return ios_cfg_parse(text, strlen(text), fname, cfg, err, sizeof(err));
}

static int parse(const char *text)
{
	return parse_as("t.cfg", text);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_msg(fp != NULL, "cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

/* Parse a seed under its own file name (messages read "vpn7200.cfg:57: …"). */
static void load_seed(const char *name)
{
	char path[512];
	size_t len;
	char *text;

	snprintf(path, sizeof(path), "%s/%s", CFG_SEED_DIR, name);
	text = slurp(path, &len);
	ck_assert_msg(ios_cfg_parse(text, len, name, cfg, err, sizeof(err)) == 0, "%s", err);
	free(text);
}

static uint32_t ip(const char *s)
{
	unsigned a, b, c, d;

	ck_assert_int_eq(sscanf(s, "%u.%u.%u.%u", &a, &b, &c, &d), 4);
	return a << 24 | b << 16 | c << 8 | d;
}

/* Is "LINE: TEXT (CTX)" in the not-applied list? */
static bool kept(int line, const char *text, const char *ctx)
{
	size_t i;

	for (i = 0; i < ios_cfg_unapplied_count(cfg); i++) {
		struct ios_unapplied u;

		ck_assert_int_eq(ios_cfg_unapplied(cfg, i, &u), 0);
		if (u.line == line && strcmp(u.text, text) == 0 && strcmp(u.ctx, ctx) == 0)
			return true;
	}
	return false;
}

static char *not_applied_text(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	ios_cfg_not_applied(cfg, fp);
	fclose(fp);
	return buf;
}

/* ---- the seeds -------------------------------------------------------------------------- */

static const char *const seeds[] = {
	"vpn7200.cfg", "7204VXR-1.cfg", "7204VXR-2.cfg", "7206-1.cfg", "Branch.cfg", "HQ-1.cfg",
	"HQ-2.cfg",
};

START_TEST(seed_loads)
{
	const char *name = seeds[_i];
	char path[512], host[64];
	struct ios_cfg *c;

	snprintf(path, sizeof(path), "%s/%s", CFG_SEED_DIR, name);
	c = ios_cfg_load_file(path, err, sizeof(err));
	ck_assert_msg(c != NULL, "%s", err);
	snprintf(host, sizeof(host), "%.*s", (int)(strlen(name) - 4), name);
	ck_assert_str_eq(ios_cfg_hostname(c), host);
	ck_assert_str_eq(c->fname, path);
	ios_cfg_free(c);
}
END_TEST

START_TEST(seed_vpn7200)
{
	struct ios_ike_params ike;
	struct ios_esp_params esp;
	struct ios_flow fl[4];
	const struct ios_map_entry *e;
	const struct ios_iface *f;
	const struct ios_isakmp_key *k;
	struct ios_route_res res[IOS_MAX_ROUTES];
	int i;

	load_seed("vpn7200.cfg");
	/* policy 1 says only `hash md5` + `authentication pre-share`: the rest are IOS defaults */
	ck_assert_int_eq(cfg->npolicies, 1);
	ck_assert_int_eq(ios_cfg_policy_ike(cfg, 1, &ike), 0);
	ck_assert_int_eq(ike.enc, IKE_ENC_DES);
	ck_assert_uint_eq(ike.key_bits, 0);
	ck_assert_int_eq(ike.hash, IKE_HASH_MD5);
	ck_assert_int_eq(ike.auth, IOS_AUTH_PSK);
	ck_assert_uint_eq(ike.group, 1);
	ck_assert_uint_eq(ike.lifetime, 86400);
	ck_assert_int_eq(ios_cfg_policy_ike(cfg, 2, &ike), -1);
	k = ios_cfg_key_find(cfg, ip("172.16.172.53"));
	ck_assert_ptr_nonnull(k);
	ck_assert_str_eq(k->key, "cisco123");
	ck_assert_int_eq(k->line, 23);
	ck_assert_ptr_null(ios_cfg_key_find(cfg, ip("172.16.172.54")));
	/* crypto isakmp keepalive 10: retry 2 s and on-demand by default */
	ck_assert(cfg->keepalive.enabled);
	ck_assert_uint_eq(cfg->keepalive.interval, 10);
	ck_assert_uint_eq(cfg->keepalive.retry, 2);
	ck_assert_int_eq(cfg->keepalive.mode, IOS_DPD_ON_DEMAND);
	ck_assert_int_eq(ios_cfg_tset_esp(cfg, "myset", &esp), 0);
	ck_assert_int_eq(esp.enc, ESP_ENC_DES);
	ck_assert_uint_eq(esp.key_bits, 0);
	ck_assert_int_eq(esp.auth, ESP_AUTH_HMAC_MD5);
	ck_assert_int_eq(esp.mode, IPSEC_ENCAP_TUNNEL);
	ck_assert_int_eq(ios_cfg_tset_esp(cfg, "yourset", &esp), -1);
	ck_assert_uint_eq(cfg->sa_lifetime_s, 3600);
	ck_assert_uint_eq(cfg->sa_lifetime_kb, 4608000);
	/* crypto map vpn 10 */
	e = ios_cfg_map_next(cfg, "vpn", NULL);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->seq, 10);
	ck_assert_int_eq(e->line, 37);
	ck_assert_int_eq(e->npeers, 1);
	ck_assert_uint_eq(e->peers[0], ip("172.16.172.53"));
	ck_assert_int_eq(e->ntsets, 1);
	ck_assert_str_eq(e->tsets[0], "myset");
	ck_assert_str_eq(e->acl, "101");
	ck_assert_uint_eq(e->pfs_group, 0);
	ck_assert_int_eq(e->rri, IOS_RRI_NONE);
	ck_assert_ptr_null(ios_cfg_map_next(cfg, "vpn", e));
	ck_assert_ptr_eq(ios_cfg_map_find(cfg, "vpn", 10), e);
	/* ACL 101: two lines, as selectors */
	ck_assert_uint_eq(ios_cfg_acl_find(cfg, "101")->naces, 2);
	ck_assert_int_eq(ios_acl_flows(cfg, "101", fl, 4, err, sizeof(err)), 2);
	ck_assert(fl[0].permit);
	ck_assert_uint_eq(fl[0].src, ip("20.1.1.0"));
	ck_assert_uint_eq(fl[0].src_plen, 24);
	ck_assert_uint_eq(fl[0].dst, ip("10.1.1.0"));
	ck_assert_uint_eq(fl[0].dst_plen, 24);
	ck_assert_uint_eq(fl[0].proto, 0);
	ck_assert_uint_eq(fl[0].dport_hi, 65535);
	ck_assert_int_eq(fl[0].line, 62);
	ck_assert_uint_eq(fl[1].dst, ip("99.99.99.99"));
	ck_assert_uint_eq(fl[1].dst_plen, 32);
	/* Fa0/1 holds the map */
	f = ios_cfg_map_iface(cfg, "vpn", NULL);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->name, "FastEthernet0/1");
	ck_assert_str_eq(f->lnx, "fa0-1");
	ck_assert_str_eq(f->redundancy, "");
	ck_assert_ptr_null(ios_cfg_map_iface(cfg, "vpn", f));
	ck_assert_ptr_eq(ios_cfg_iface_find(cfg, "Fa0/1"), f);
	ck_assert_ptr_eq(ios_cfg_iface_find(cfg, "fa0-1"), f);
	ck_assert_ptr_eq(ios_cfg_iface_find(cfg, "fastethernet0/1"), f);
	ck_assert_uint_eq(f->addrs[0].addr, ip("172.16.172.69"));
	ck_assert_uint_eq(f->addrs[0].mask, ip("255.255.255.240"));
	f = ios_cfg_iface_find(cfg, "Lo0");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->lnx, "loop0");
	/* every route resolves via 172.16.172.65 on FastEthernet0/1 */
	ck_assert_int_eq(cfg->nroutes, 3);
	ck_assert_int_eq(ios_route_resolve(cfg, NULL, res, IOS_MAX_ROUTES), 3);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(res[i].status, IOS_ROUTE_OK);
		ck_assert_uint_eq(res[i].gateway, ip("172.16.172.65"));
		ck_assert_str_eq(cfg->ifaces[res[i].iface].name, "FastEthernet0/1");
		ck_assert_int_eq(res[i].via, -1);
	}
	ck_assert(kept(47, "duplex full", "interface FastEthernet0/0"));
	ck_assert(kept(5, "version 12.2", ""));
	ck_assert(kept(69, "login", "line vty 0 4"));
}
END_TEST

START_TEST(seed_7204vxr1)
{
	const struct ios_fhrp *g;
	const struct ios_iface *f;
	const struct ios_map_entry *e;
	struct ios_route_res res[IOS_MAX_ROUTES];
	bool up[IOS_MAX_IFACES];
	char *text;
	int i;

	load_seed("7204VXR-1.cfg");
	f = ios_cfg_iface_find(cfg, "Fa0/0");
	ck_assert_ptr_nonnull(f);
	f = ios_cfg_iface_find(cfg, "Fa0/0");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->crypto_map, "vpn");
	ck_assert_str_eq(f->redundancy, "VPNHA");
	ck_assert_int_eq(f->map_line, 65);
	e = ios_cfg_map_find(cfg, "vpn", 10);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->rri, IOS_RRI_DYNAMIC);
	ck_assert(!e->has_rri_tag);
	ck_assert_uint_eq(e->peers[0], ip("172.16.172.69"));
	ck_assert_uint_eq(cfg->keepalive.interval, 10);
	f = ios_cfg_iface_find(cfg, "ATM1/0");
	ck_assert_ptr_nonnull(f);
	ck_assert(f->shutdown);
	ck_assert_int_eq(f->naddrs, 0);
	ck_assert_str_eq(f->lnx, "atm1-0");
	ck_assert_int_eq(cfg->nifaces, 5);
	/* HSRP group 1 (seed 001): the Active by priority, coupled by name, tracking Fa0/1 */
	g = ios_cfg_fhrp_next(cfg, ios_cfg_iface_index(cfg, "Fa0/0"), NULL);
	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(g->proto, IOS_FHRP_HSRP);
	ck_assert_uint_eq(g->group, 1);
	ck_assert_int_eq(g->line, 60);
	ck_assert_uint_eq(g->version, 1);
	ck_assert_int_eq(g->nvips, 1);
	ck_assert_uint_eq(g->vips[0], ip("172.16.172.53"));
	ck_assert_uint_eq(g->priority, 200);
	ck_assert(g->preempt);
	ck_assert_uint_eq(g->preempt_delay_s, 0);
	ck_assert_str_eq(g->name, "VPNHA");
	ck_assert_uint_eq(g->hello_ms, 0);                /* default 3 s / 10 s */
	ck_assert_str_eq(g->auth_text, "");               /* default "cisco" */
	ck_assert_int_eq(g->ntracks, 1);
	ck_assert_str_eq(g->tracks[0].ifname, "FastEthernet0/1");
	ck_assert_uint_eq(g->tracks[0].object, 0);
	ck_assert_uint_eq(g->tracks[0].decrement, 150);
	ck_assert_int_eq(g->tracks[0].line, 64);
	ck_assert_int_eq(cfg->nfhrp, 1);
	ck_assert_ptr_null(ios_cfg_fhrp_next(cfg, -1, g));
	ck_assert_ptr_eq(ios_cfg_fhrp_find(cfg, ios_cfg_iface_index(cfg, "Fa0/0"), "VPNHA"), g);
	ck_assert_ptr_eq(ios_cfg_fhrp_find(cfg, -1, "VPNHA"), g);
	ck_assert_ptr_null(ios_cfg_fhrp_find(cfg, ios_cfg_iface_index(cfg, "Fa0/1"), "VPNHA"));
	ck_assert_ptr_null(ios_cfg_fhrp_find(cfg, -1, "vpnha"));
	/* OSPF 1: redistribute static subnets (RRI routes), network 10.1.1.0/24 area 0 */
	ck_assert(cfg->ospf.on);
	ck_assert_uint_eq(cfg->ospf.pid, 1);
	ck_assert_int_eq(cfg->ospf.line, 94);
	ck_assert(cfg->ospf.log_adjacency && !cfg->ospf.log_adjacency_detail);
	ck_assert(cfg->ospf.redist_static.on && cfg->ospf.redist_static.subnets);
	ck_assert_uint_eq(cfg->ospf.redist_static.metric, 20);
	ck_assert_uint_eq(cfg->ospf.redist_static.metric_type, 2);
	ck_assert_str_eq(cfg->ospf.redist_static.route_map, "");
	ck_assert(!cfg->ospf.redist_connected.on && !cfg->ospf.default_originate);
	ck_assert_int_eq(cfg->ospf.nnets, 1);
	ck_assert_uint_eq(cfg->ospf.nets[0].addr, ip("10.1.1.0"));
	ck_assert_uint_eq(cfg->ospf.nets[0].wild, ip("0.0.0.255"));
	ck_assert_uint_eq(cfg->ospf.nets[0].area, 0);
	ck_assert_int_eq(cfg->ospf.nets[0].line, 97);
	ck_assert(kept(23, "ip cef!", ""));
	ck_assert(kept(85, "no atm ilmi-keepalive", "interface ATM6/0"));
	ck_assert(kept(99, "ip classless", ""));
	ck_assert_int_eq(cfg->nkept, 26);
	text = not_applied_text();
	ck_assert_msg(strstr(text, "7204VXR-1.cfg:58: not applied: duplex full (interface FastEthernet0/0)\n") &&
		      !strstr(text, "standby") && !strstr(text, "ospf"), "%s", text);
	free(text);
	/* ip route 172.16.172.64/28 172.16.172.49: connected via Fa0/0; not with Fa0/0 down */
	ck_assert_int_eq(ios_route_resolve(cfg, NULL, res, IOS_MAX_ROUTES), 1);
	ck_assert_int_eq(res[0].status, IOS_ROUTE_OK);
	ck_assert_str_eq(cfg->ifaces[res[0].iface].name, "FastEthernet0/0");
	ck_assert_uint_eq(res[0].gateway, ip("172.16.172.49"));
	for (i = 0; i < cfg->nifaces; i++)
		up[i] = !cfg->ifaces[i].shutdown;
	up[ios_cfg_iface_index(cfg, "FastEthernet0/0")] = false;
	ck_assert_int_eq(ios_route_resolve(cfg, up, res, IOS_MAX_ROUTES), 1);
	ck_assert_int_eq(res[0].status, IOS_ROUTE_UNREACHABLE);
	ck_assert_int_eq(ios_route_resolve(cfg, NULL, res, 0), -1);
}
END_TEST

START_TEST(seed_7204vxr2)
{
	const struct ios_fhrp *g;
	const struct ios_iface *f;

	load_seed("7204VXR-2.cfg");
	f = ios_cfg_iface_find(cfg, "FastEthernet0/0");
	ck_assert_str_eq(f->crypto_map, "vpn");
	ck_assert_str_eq(f->redundancy, "VPNHA");
	ck_assert_uint_eq(f->addrs[0].addr, ip("172.16.172.54"));
	ck_assert(ios_cfg_iface_find(cfg, "Fa3/0")->shutdown);
	ck_assert(!ios_cfg_iface_find(cfg, "Fa1/0")->shutdown);
	ck_assert_int_eq(ios_cfg_map_find(cfg, "vpn", 10)->rri, IOS_RRI_DYNAMIC);
	/* the Standby: default priority 100, tracking Fa1/0 with the default decrement 10 */
	g = ios_cfg_fhrp_find(cfg, ios_cfg_iface_index(cfg, "Fa0/0"), "VPNHA");
	ck_assert_ptr_nonnull(g);
	ck_assert_uint_eq(g->group, 1);
	ck_assert_uint_eq(g->vips[0], ip("172.16.172.53"));
	ck_assert_uint_eq(g->priority, 100);
	ck_assert(g->preempt);
	ck_assert_int_eq(g->ntracks, 1);
	ck_assert_str_eq(g->tracks[0].ifname, "FastEthernet1/0");
	ck_assert_uint_eq(g->tracks[0].decrement, 10);
	ck_assert(cfg->ospf.on && cfg->ospf.redist_static.on && cfg->ospf.redist_static.subnets);
	ck_assert_int_eq(cfg->ospf.nnets, 1);
	ck_assert_uint_eq(cfg->ospf.nets[0].addr, ip("10.1.1.0"));
	ck_assert(kept(47, "ip directed-broadcast", "interface FastEthernet0/0"));
	ck_assert(kept(21, "ip host rund 10.48.92.61", ""));
	ck_assert(kept(13, "boot system flash disk1:c7200-a3jk9s-mz.123-7.T1", ""));
	ck_assert(!kept(66, "router ospf 1", ""));
	ck_assert(kept(84, "transport preferred all", "line con 0"));
	ck_assert(kept(94, "transport input all", "line vty 0 4"));
}
END_TEST

START_TEST(seed_7206)
{
	const struct ios_iface *f;

	load_seed("7206-1.cfg");
	ck_assert_int_eq(cfg->npolicies + cfg->nentries + cfg->ntsets + cfg->nkeys, 0);
	ck_assert(!cfg->keepalive.enabled);
	f = ios_cfg_iface_find(cfg, "Loopback0");
	ck_assert_uint_eq(f->addrs[0].addr, ip("99.99.99.99"));
	ck_assert_uint_eq(f->addrs[0].mask, 0xffffffffu);
	f = ios_cfg_iface_find(cfg, "Fa0/0");
	ck_assert(f->shutdown);
	ck_assert_int_eq(f->naddrs, 0);
	/* OSPF 1 inside: Loopback0 passive, two networks, no redistribution */
	ck_assert(cfg->ospf.on && cfg->ospf.log_adjacency);
	ck_assert(!cfg->ospf.passive_default);
	ck_assert_int_eq(cfg->ospf.npassive, 1);
	ck_assert_str_eq(cfg->ospf.passive[0], "Loopback0");
	ck_assert_int_eq(cfg->ospf.nnets, 2);
	ck_assert_uint_eq(cfg->ospf.nets[0].addr, ip("10.1.1.0"));
	ck_assert_uint_eq(cfg->ospf.nets[0].wild, ip("0.0.0.255"));
	ck_assert_uint_eq(cfg->ospf.nets[1].addr, ip("99.99.99.99"));
	ck_assert_uint_eq(cfg->ospf.nets[1].wild, 0);
	ck_assert_uint_eq(cfg->ospf.nets[1].area, 0);
	ck_assert_int_eq(cfg->ospf.nets[1].line, 39);
	ck_assert(!cfg->ospf.redist_static.on && !cfg->ospf.redist_connected.on);
	ck_assert_int_eq(cfg->nfhrp, 0);
}
END_TEST

START_TEST(seed_branch)
{
	const struct ios_map_entry *e;
	struct ios_ike_params ike;
	struct ios_esp_params esp;
	struct ios_flow fl[4];
	const struct ios_acl *acl;

	load_seed("Branch.cfg");
	/* policy 10 with only pre-share: DES and SHA, as `show crypto engine` prints "SHA+DES" */
	ck_assert_int_eq(ios_cfg_policy_ike(cfg, 10, &ike), 0);
	ck_assert_int_eq(ike.enc, IKE_ENC_DES);
	ck_assert_int_eq(ike.hash, IKE_HASH_SHA1);
	ck_assert_int_eq(ike.auth, IOS_AUTH_PSK);
	ck_assert_uint_eq(ike.group, 1);
	ck_assert_int_eq(cfg->nkeys, 2);
	ck_assert_str_eq(ios_cfg_key_find(cfg, ip("202.101.1.1"))->key, "cisco123");
	ck_assert_str_eq(ios_cfg_key_find(cfg, ip("60.137.1.2"))->key, "cisco123");
	ck_assert_int_eq(ios_cfg_tset_esp(cfg, "MYTRANS", &esp), 0);
	ck_assert_int_eq(esp.enc, ESP_ENC_AES_CBC);
	ck_assert_uint_eq(esp.key_bits, 128);
	ck_assert_int_eq(esp.auth, ESP_AUTH_HMAC_MD5);
	ck_assert_int_eq(esp.mode, IPSEC_ENCAP_TUNNEL);
	/* two `set peer`, HQ-1 first */
	e = ios_cfg_map_find(cfg, "MYMAP", 10);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->npeers, 2);
	ck_assert_uint_eq(e->peers[0], ip("202.101.1.1"));
	ck_assert_uint_eq(e->peers[1], ip("60.137.1.2"));
	ck_assert_int_eq(e->peer_lines[0], 15);
	ck_assert_int_eq(e->peer_lines[1], 16);
	ck_assert_str_eq(e->acl, "VPN");
	ck_assert_int_eq(e->rri, IOS_RRI_NONE);
	acl = ios_cfg_acl_find(cfg, "VPN");
	ck_assert(acl->extended && !acl->numbered);
	ck_assert_int_eq(ios_acl_flows(cfg, "VPN", fl, 4, err, sizeof(err)), 2);
	ck_assert_uint_eq(fl[0].src, ip("10.3.0.0"));
	ck_assert_uint_eq(fl[0].src_plen, 16);
	ck_assert_uint_eq(fl[0].dst, ip("10.1.0.0"));
	ck_assert_uint_eq(fl[1].src, ip("10.4.0.0"));
	ck_assert_uint_eq(fl[1].dst_plen, 16);
	/* the RRI chapter's keepalive: periodic */
	ck_assert(cfg->keepalive.enabled);
	ck_assert_uint_eq(cfg->keepalive.interval, 10);
	ck_assert_int_eq(cfg->keepalive.mode, IOS_DPD_PERIODIC);
	ck_assert_int_eq(cfg->nkept, 0);
}
END_TEST

static void check_hq(const char *name)
{
	const struct ios_map_entry *e;
	const struct ios_rmap_entry *hit;

	load_seed(name);
	ck_assert_int_eq(cfg->nentries, 1);     /* re-entering `crypto map MYMAP 10` edits it */
	e = ios_cfg_map_find(cfg, "MYMAP", 10);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->npeers, 1);
	ck_assert_uint_eq(e->peers[0], ip("1.3.1.1"));
	ck_assert_int_eq(e->rri, IOS_RRI_DYNAMIC);
	ck_assert(e->has_rri_tag);
	ck_assert_uint_eq(e->rri_tag, 99);
	ck_assert_str_eq(e->tsets[0], "MYTRANS");
	ck_assert_int_eq(cfg->keepalive.mode, IOS_DPD_PERIODIC);
	ck_assert_uint_eq(cfg->keepalive.interval, 10);
	/* route-map RRI_to_OSPF permit 10 / match tag 99 (`route-map NAME` alone is permit 10) */
	ck_assert_int_eq(cfg->nrmap, 1);
	ck_assert_str_eq(cfg->rmap[0].name, "RRI_to_OSPF");
	ck_assert(cfg->rmap[0].permit);
	ck_assert_uint_eq(cfg->rmap[0].seq, 10);
	ck_assert_int_eq(cfg->rmap[0].line, 22);
	ck_assert_int_eq(cfg->rmap[0].ntags, 1);
	ck_assert_uint_eq(cfg->rmap[0].tags[0], 99);
	ck_assert_int_eq(ios_rmap_match_tag(cfg, "RRI_to_OSPF", true, 99, &hit), 1);
	ck_assert_ptr_eq(hit, &cfg->rmap[0]);
	ck_assert_int_eq(ios_rmap_match_tag(cfg, "RRI_to_OSPF", true, 98, &hit), 0);
	ck_assert_ptr_null(hit);
	ck_assert_int_eq(ios_rmap_match_tag(cfg, "RRI_to_OSPF", false, 0, NULL), 0);
	ck_assert_int_eq(ios_rmap_match_tag(cfg, "nosuch", true, 99, &hit), 0);
	/* router ospf 1 twice: one process, both lines applied */
	ck_assert(cfg->ospf.on);
	ck_assert_uint_eq(cfg->ospf.pid, 1);
	ck_assert_int_eq(cfg->ospf.line, 24);
	ck_assert(cfg->ospf.redist_static.on && cfg->ospf.redist_static.subnets);
	ck_assert_str_eq(cfg->ospf.redist_static.route_map, "RRI_to_OSPF");
	ck_assert_int_eq(cfg->ospf.redist_static.line, 25);
	ck_assert(cfg->ospf.default_originate && !cfg->ospf.default_always);
	ck_assert_uint_eq(cfg->ospf.default_metric, 1);
	ck_assert_uint_eq(cfg->ospf.default_metric_type, 2);
	ck_assert_int_eq(cfg->ospf.default_line, 27);
	ck_assert_int_eq(cfg->ospf.nnets, 0);
	ck_assert_int_eq(cfg->nkept, 0);
}

START_TEST(seed_hq1)
{
	check_hq("HQ-1.cfg");    /* redistribute static subnets route-map RRI_to_OSPF */
}
END_TEST

START_TEST(seed_hq2)
{
	check_hq("HQ-2.cfg");    /* redistribute static route-map RRI_to_OSPF subnets */
}
END_TEST

/* show-run output of a seed reads back to the same model, and writing that again gives
 * the same text */
START_TEST(seed_write_roundtrip)
{
	char *t1 = NULL, *t2 = NULL;
	size_t l1 = 0, l2 = 0;
	FILE *fp;
	struct ios_cfg *c2 = ios_cfg_alloc();
	int i;

	load_seed(seeds[_i]);
	fp = open_memstream(&t1, &l1);
	ios_cfg_write(cfg, fp);
	fclose(fp);
	ck_assert_msg(ios_cfg_parse(t1, l1, "w.cfg", c2, err, sizeof(err)) == 0, "%s\n%s", err, t1);
	fp = open_memstream(&t2, &l2);
	ios_cfg_write(c2, fp);
	fclose(fp);
	ck_assert_str_eq(t1, t2);
	ck_assert_str_eq(c2->hostname, cfg->hostname);
	ck_assert_int_eq(c2->nifaces, cfg->nifaces);
	ck_assert_int_eq(c2->nroutes, cfg->nroutes);
	ck_assert_int_eq(c2->naces, cfg->naces);
	ck_assert_int_eq(c2->nentries, cfg->nentries);
	ck_assert_int_eq(c2->nkept, cfg->nkept);
	for (i = 0; i < cfg->nentries; i++) {
		ck_assert_int_eq(c2->entries[i].npeers, cfg->entries[i].npeers);
		ck_assert_int_eq(c2->entries[i].rri, cfg->entries[i].rri);
	}
	for (i = 0; i < cfg->npolicies; i++)
		ck_assert_mem_eq(&c2->policies[i].ike, &cfg->policies[i].ike, sizeof(cfg->policies[i].ike));
	for (i = 0; i < cfg->nkept; i++) {
		struct ios_unapplied a, b;

		ios_cfg_unapplied(cfg, (size_t)i, &a);
		ios_cfg_unapplied(c2, (size_t)i, &b);
		ck_assert_str_eq(a.text, b.text);
		ck_assert_str_eq(a.ctx, b.ctx);
	}
	free(t1);
	free(t2);
	ios_cfg_free(c2);
}
END_TEST

/* ---- reading rules ----------------------------------------------------------------------- */

START_TEST(defaults_and_variants)
{
	struct ios_ike_params ike;
	struct ios_esp_params esp;
	const struct ios_map_entry *e;

	ck_assert_msg(parse("crypto isakmp policy 20\n"
			    "crypto isakmp policy 5\n encryption aes 256\n hash sha256\n group 14\n lifetime 3600\n"
			    "crypto isakmp policy 7\n encr 3des\n authentication rsa-encr\n"
			    "crypto isakmp keepalive 15 2\n"
			    "crypto ipsec transform-set t1 esp-aes 192 esp-sha-hmac\n mode transport\n"
			    "crypto ipsec transform-set t2 esp-sha256-hmac\n"
			    "crypto ipsec transform-set t3 esp-3des\n"
			    "crypto ipsec security-association lifetime seconds 1800\n"
			    "crypto ipsec security-association lifetime kilobytes 10000\n"
			    "crypto map m 20 ipsec-isakmp\n set pfs\n set peer 1.1.1.1\n set peer 2.2.2.2 default\n"
			    " set peer 1.1.1.1\n set security-association lifetime seconds 600\n reverse-route static\n"
			    " description to the branch\n set transform-set t1 t2\n"
			    "crypto map m 10 ipsec-isakmp\n set pfs group14\n reverse-route remote-peer 3.3.3.3 gateway\n"
			    "crypto map a 5\n"
			    "crypto isakmp key 0 s3cret address 10.0.0.0 255.0.0.0 no-xauth\n"
			    "crypto isakmp key other address 10.1.0.0 255.255.0.0\n") == 0, "%s", err);
	/* policies sorted by priority; policy 20 all defaults */
	ck_assert_uint_eq(ios_cfg_policy_next(cfg, NULL)->prio, 5);
	ck_assert_uint_eq(ios_cfg_policy_next(cfg, ios_cfg_policy_next(cfg, NULL))->prio, 7);
	ck_assert_int_eq(ios_cfg_policy_ike(cfg, 20, &ike), 0);
	ck_assert_int_eq(ike.enc, IKE_ENC_DES);
	ck_assert_int_eq(ike.hash, IKE_HASH_SHA1);
	ck_assert_int_eq(ike.auth, IOS_AUTH_RSA_SIG);   /* unusable with PSK: the daemon says so */
	ck_assert_uint_eq(ike.group, 1);
	ck_assert_uint_eq(ike.lifetime, 86400);
	ck_assert_int_eq(ios_cfg_policy_ike(cfg, 5, &ike), 0);
	ck_assert_int_eq(ike.enc, IKE_ENC_AES_CBC);
	ck_assert_uint_eq(ike.key_bits, 256);
	ck_assert_int_eq(ike.hash, IKE_HASH_SHA256);
	ck_assert_uint_eq(ike.group, 14);
	ck_assert_uint_eq(ike.lifetime, 3600);
	ck_assert_int_eq(ios_cfg_policy_ike(cfg, 7, &ike), 0);
	ck_assert_int_eq(ike.enc, IKE_ENC_3DES);
	ck_assert_int_eq(ike.auth, IOS_AUTH_RSA_ENCR);
	/* keepalive 15 2: the seed's on-demand example */
	ck_assert_uint_eq(cfg->keepalive.interval, 15);
	ck_assert_uint_eq(cfg->keepalive.retry, 2);
	ck_assert_int_eq(cfg->keepalive.mode, IOS_DPD_ON_DEMAND);
	ck_assert_int_eq(ios_cfg_tset_esp(cfg, "t1", &esp), 0);
	ck_assert_int_eq(esp.enc, ESP_ENC_AES_CBC);
	ck_assert_uint_eq(esp.key_bits, 192);
	ck_assert_int_eq(esp.auth, ESP_AUTH_HMAC_SHA1);
	ck_assert_int_eq(esp.mode, IPSEC_ENCAP_TRANSPORT);
	ck_assert_int_eq(ios_cfg_tset_esp(cfg, "t2", &esp), 0);
	ck_assert_int_eq(esp.enc, ESP_ENC_NULL);
	ck_assert_int_eq(esp.auth, ESP_AUTH_HMAC_SHA256);
	ck_assert_int_eq(ios_cfg_tset_esp(cfg, "t3", &esp), 0);
	ck_assert_int_eq(esp.auth, ESP_AUTH_NONE);
	ck_assert_uint_eq(cfg->sa_lifetime_s, 1800);
	ck_assert_uint_eq(cfg->sa_lifetime_kb, 10000);
	/* map entries in sequence order, maps in order of appearance */
	e = ios_cfg_map_next(cfg, NULL, NULL);
	ck_assert(strcmp(e->map, "m") == 0 && e->seq == 10);
	ck_assert_uint_eq(e->pfs_group, 14);
	ck_assert_int_eq(e->rri, IOS_RRI_REMOTE_PEER);
	ck_assert_uint_eq(e->rri_remote_peer, ip("3.3.3.3"));
	ck_assert(e->rri_gateway);
	e = ios_cfg_map_next(cfg, NULL, e);
	ck_assert(strcmp(e->map, "m") == 0 && e->seq == 20);
	ck_assert_uint_eq(e->pfs_group, 1);             /* `set pfs` alone is group1 */
	ck_assert_int_eq(e->npeers, 2);                  /* the duplicate is ignored */
	ck_assert_uint_eq(e->peers[0], ip("2.2.2.2"));   /* `default` goes first */
	ck_assert_uint_eq(e->sa_lifetime_s, 600);
	ck_assert_int_eq(e->rri, IOS_RRI_STATIC);
	ck_assert_str_eq(e->description, "to the branch");
	ck_assert_int_eq(e->ntsets, 2);
	e = ios_cfg_map_next(cfg, NULL, e);
	ck_assert(strcmp(e->map, "a") == 0 && e->seq == 5);
	ck_assert_ptr_null(ios_cfg_map_next(cfg, NULL, e));
	/* longest mask wins */
	ck_assert_str_eq(ios_cfg_key_find(cfg, ip("10.1.2.3"))->key, "other");
	ck_assert_str_eq(ios_cfg_key_find(cfg, ip("10.2.2.3"))->key, "s3cret");
	ck_assert(ios_cfg_key_find(cfg, ip("10.2.2.3"))->no_xauth);
}
END_TEST

/* seed 003's Comware DPD line and refgw's invalid-SPI recovery option */
START_TEST(comware_dpd_and_recovery)
{
	ck_assert_msg(parse("crypto isakmp keepalive 10\nike dpd interval 3 retry 3 periodic\n"
			    "crypto isakmp invalid-spi-recovery\n") == 0, "%s", err);
	ck_assert(cfg->keepalive.enabled && cfg->keepalive.comware);     /* the last line wins */
	ck_assert_uint_eq(cfg->keepalive.interval, 3);
	ck_assert_uint_eq(cfg->keepalive.retry, 3);
	ck_assert_int_eq(cfg->keepalive.mode, IOS_DPD_PERIODIC);
	ck_assert_int_eq(cfg->keepalive.line, 2);
	ck_assert_int_eq(cfg->invalid_spi_recovery_line, 3);
	ck_assert_msg(parse("ike dpd interval 20 on-demand\n") == 0, "%s", err);
	ck_assert_uint_eq(cfg->keepalive.retry, 5);                       /* Comware default */
	ck_assert_int_eq(cfg->keepalive.mode, IOS_DPD_ON_DEMAND);
	ck_assert_int_eq(cfg->invalid_spi_recovery_line, 0);
	ck_assert_msg(parse("ike proposal 1\n") == 0, "%s", err);         /* other ike lines: kept */
	ck_assert(!cfg->keepalive.enabled);
}
END_TEST

/* refgwctl `configure`: one global line into a loaded model (ios_cfg_apply_global_line) */
static char *write_str(void)
{
	char *t = NULL;
	size_t l = 0;
	FILE *fp = open_memstream(&t, &l);

	ck_assert_ptr_nonnull(fp);
	ios_cfg_write(cfg, fp);
	fclose(fp);
	return t;
}

START_TEST(runtime_global_lines)
{
	char *t;
	const char *ka, *ts;

	ck_assert_msg(parse("hostname Branch\ncrypto isakmp policy 10\n authentication pre-share\n"
			    "crypto isakmp key k address 1.1.1.1\n"
			    "crypto ipsec transform-set T esp-3des esp-sha-hmac\n") == 0, "%s", err);
	ck_assert(!cfg->keepalive.enabled);
	/* IOS keepalive, placed where IOS prints it: before the transform set */
	ck_assert_msg(ios_cfg_apply_global_line(cfg, "crypto isakmp keepalive 10 periodic", "configure", 1,
						err, sizeof(err)) == 0, "%s", err);
	ck_assert(cfg->keepalive.enabled && !cfg->keepalive.comware);
	ck_assert_uint_eq(cfg->keepalive.interval, 10);
	ck_assert_uint_eq(cfg->keepalive.retry, 2);
	ck_assert_int_eq(cfg->keepalive.mode, IOS_DPD_PERIODIC);
	t = write_str();
	ka = strstr(t, "crypto isakmp keepalive 10 periodic\n");
	ts = strstr(t, "crypto ipsec transform-set T");
	ck_assert_msg(ka && ts && ka < ts && ka > strstr(t, "crypto isakmp key k"), "%s", t);
	free(t);
	/* replaced in place by the Comware form (one setting), then by IOS on-demand */
	ck_assert_msg(ios_cfg_apply_global_line(cfg, "  ike dpd interval 3 retry 3 periodic\r\n", "configure", 2,
						err, sizeof(err)) == 0, "%s", err);
	ck_assert(cfg->keepalive.comware);
	ck_assert_uint_eq(cfg->keepalive.retry, 3);
	t = write_str();
	ck_assert_msg(strstr(t, "ike dpd interval 3 retry 3 periodic\n") && !strstr(t, "keepalive"), "%s", t);
	free(t);
	ck_assert_int_eq(ios_cfg_apply_global_line(cfg, "crypto isakmp keepalive 15 2", NULL, 3, err,
						   sizeof(err)), 0);
	ck_assert(!cfg->keepalive.comware);
	ck_assert_int_eq(cfg->keepalive.mode, IOS_DPD_ON_DEMAND);
	/* errors leave the model alone and say what was expected */
	ck_assert_int_eq(ios_cfg_apply_global_line(cfg, "crypto isakmp keepalive 5", "configure", 4, err,
						   sizeof(err)), -1);
	ck_assert_str_eq(err, "configure:4: expected 'crypto isakmp keepalive 10-3600 [2-60] "
			      "[periodic|on-demand]', got '5'");
	ck_assert_uint_eq(cfg->keepalive.interval, 15);
	ck_assert_int_eq(ios_cfg_apply_global_line(cfg, "ike dpd interval 3 retry 3", "configure", 5, err,
						   sizeof(err)), -1);
	ck_assert_str_eq(err, "configure:5: expected 'ike dpd interval 1-300 [retry 1-60] "
			      "{periodic|on-demand}', got end of line");
	ck_assert_int_eq(ios_cfg_apply_global_line(cfg, "crypto isakmp policy 20", "configure", 6, err,
						   sizeof(err)), -1);
	ck_assert_msg(strstr(err, "configure:6: expected 'crypto isakmp keepalive …', 'ike dpd …' or "
				  "'crypto isakmp invalid-spi-recovery' (or 'no' before one of them), got 'policy'"),
		      "%s", err);
	ck_assert_int_eq(ios_cfg_apply_global_line(cfg, "interface Fa0/0", "configure", 7, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "got 'interface'"), "%s", err);
	ck_assert_int_eq(ios_cfg_apply_global_line(cfg, "no", "configure", 8, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "got end of line"), "%s", err);
	ck_assert_int_eq(ios_cfg_apply_global_line(cfg, "crypto isakmp invalid-spi-recovery now", "configure", 9,
						   err, sizeof(err)), -1);
	ck_assert_str_eq(err, "configure:9: expected 'crypto isakmp invalid-spi-recovery', got 'now'");
	/* no forms (IOS ignores the arguments of the line being removed) */
	ck_assert_int_eq(ios_cfg_apply_global_line(cfg, "no crypto isakmp keepalive 15 2", "configure", 10, err,
						   sizeof(err)), 0);
	ck_assert(!cfg->keepalive.enabled);
	ck_assert_int_eq(ios_cfg_apply_global_line(cfg, "no ike dpd", "configure", 11, err, sizeof(err)), 0);
	ck_assert(!cfg->keepalive.enabled);
	/* invalid-spi-recovery on and off */
	ck_assert_int_eq(ios_cfg_apply_global_line(cfg, "crypto isakmp invalid-spi-recovery", "configure", 12,
						   err, sizeof(err)), 0);
	ck_assert_int_ne(cfg->invalid_spi_recovery_line, 0);
	t = write_str();
	ck_assert_msg(strstr(t, "crypto isakmp invalid-spi-recovery\n") && !strstr(t, "keepalive"), "%s", t);
	free(t);
	ck_assert_int_eq(ios_cfg_apply_global_line(cfg, "no crypto isakmp invalid-spi-recovery", "configure", 13,
						   err, sizeof(err)), 0);
	ck_assert_int_eq(cfg->invalid_spi_recovery_line, 0);
	/* without transform sets or maps the line goes last, and show-run reads back */
	ck_assert_msg(parse("hostname X\ninterface Fa0/0\n ip address 10.0.0.1 255.255.255.0\n") == 0, "%s", err);
	ck_assert_int_eq(ios_cfg_apply_global_line(cfg, "ike dpd interval 10 on-demand", "configure", 1, err,
						   sizeof(err)), 0);
	ck_assert_int_gt(cfg->keepalive.line, cfg->ifaces[0].line);
	t = write_str();
	ck_assert_msg(parse(t) == 0, "%s\n%s", err, t);
	ck_assert(cfg->keepalive.enabled && cfg->keepalive.comware);
	ck_assert_uint_eq(cfg->keepalive.interval, 10);
	free(t);
}
END_TEST

START_TEST(blanks_comments_blocks)
{
	const struct ios_iface *f;

	/* CRLF, tabs, U+00A0 and U+3000 blanks; '!' and '#' comments; show-run headers */
	ck_assert_msg(parse("Building configuration...\r\n\r\nCurrent configuration : 99 bytes\r\n"
			    "!\r\n# an annotation\r\n!--- a note\r\n"
			    "interface\xc2\xa0" "FastEthernet\t0/0\r\n"
			    "\xe3\x80\x80ip address 10.0.0.1 255.255.255.0\r\n"
			    "standby 1 ip 10.0.0.3\n"
			    "no shutdown\n"
			    "!\n"
			    "snmp-server community x RO\n"
			    " an indented line\n"
			    "frobnicate now\n"
			    "interface Fa0/0\n"
			    " description uplink  to HQ\n"
			    "exit\n"
			    "weird global\n"
			    "interface Serial0/0.1 point-to-point\n"
			    "!\n"
			    "shutdown\n"
			    "vrrp 1 ip 1.1.1.1\n"
			    "key chain k\n"
			    " key 1\n"
			    "  key-string x\n"
			    "banner motd ^C\n"
			    "hostname evil\n"
			    "^C\n"
			    "banner login # one line #\n"
			    "end\n"
			    "! only comments after end\n\n") == 0, "%s", err);
	f = ios_cfg_iface_find(cfg, "Fa0/0");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->name, "FastEthernet0/0");
	ck_assert_uint_eq(f->addrs[0].addr, ip("10.0.0.1"));
	ck_assert_str_eq(f->description, "uplink to HQ");
	ck_assert_int_eq(cfg->nifaces, 2);          /* Fa0/0 re-entered as an abbreviation */
	ck_assert_uint_eq(cfg->fhrp[0].vips[0], ip("10.0.0.3"));   /* standby 1 ip, line 9 */
	ck_assert_int_eq(cfg->fhrp[0].iface, 0);
	ck_assert(kept(12, "snmp-server community x RO", ""));
	ck_assert(kept(13, "an indented line", "snmp-server community x RO"));
	ck_assert(kept(14, "frobnicate now", ""));
	ck_assert(kept(18, "weird global", ""));
	/* after a bare '!' an unknown line is global, a known interface command is not */
	ck_assert_int_eq(cfg->nfhrp, 2);
	ck_assert_int_eq(cfg->fhrp[1].proto, IOS_FHRP_VRRP);
	ck_assert_int_eq(cfg->fhrp[1].line, 22);
	ck_assert_int_eq(cfg->fhrp[1].iface, 1);
	ck_assert(ios_cfg_iface_find(cfg, "Serial0/0.1")->shutdown);
	ck_assert(kept(24, "key 1", "key chain k"));
	ck_assert(kept(25, "key-string x", "key chain k"));
	ck_assert(kept(26, "banner motd ^C", ""));
	ck_assert_str_eq(cfg->hostname, "");        /* inside the banner */
	ck_assert(kept(29, "banner login # one line #", ""));
	ck_assert_int_eq(cfg->nkept, 9);
	/* empty text is an empty configuration */
	ck_assert_int_eq(parse(""), 0);
	ck_assert_int_eq(cfg->nifaces + cfg->nkept, 0);
}
END_TEST

START_TEST(interface_lines)
{
	const struct ios_iface *f;

	ck_assert_msg(parse("interface Gi0/1\n ip address 10.0.0.1 255.255.255.0\n"
			    " ip address 10.0.1.1 255.255.255.0 secondary\n"
			    " ip address 10.0.2.1 255.255.255.0 secondary\n"
			    " no ip address 10.0.1.1 255.255.255.0 secondary\n"
			    " ip address 10.9.9.9 255.255.255.252\n"
			    " crypto map vpn redundancy VPNHA stateful SSO\n shutdown\n no shutdown\n"
			    " ip address dhcp\n ip ospf cost 10\n cdp enable\n"
			    "interface Lo1\n ip address 1.1.1.1 255.255.255.255\n no ip address\n"
			    " crypto map x\n no crypto map\n") == 0, "%s", err);
	f = ios_cfg_iface_find(cfg, "GigabitEthernet0/1");
	ck_assert_str_eq(f->lnx, "ge0-1");
	ck_assert_int_eq(f->naddrs, 2);
	ck_assert_uint_eq(f->addrs[0].addr, ip("10.9.9.9"));
	ck_assert_uint_eq(f->addrs[1].addr, ip("10.0.2.1"));
	ck_assert_str_eq(f->redundancy, "VPNHA");
	ck_assert_str_eq(f->stateful, "SSO");
	ck_assert(!f->shutdown);
	ck_assert(kept(10, "ip address dhcp", "interface Gi0/1"));
	ck_assert(kept(11, "ip ospf cost 10", "interface Gi0/1"));
	ck_assert(kept(12, "cdp enable", "interface Gi0/1"));
	f = ios_cfg_iface_find(cfg, "Loopback1");
	ck_assert_int_eq(f->naddrs, 0);
	ck_assert_str_eq(f->crypto_map, "");
}
END_TEST

START_TEST(acl_lines)
{
	const struct ios_acl *l;
	const struct ios_ace *a;
	struct ios_flow fl[8];

	ck_assert_msg(parse("access-list 10 permit 10.1.1.0 0.0.0.255\naccess-list 10 deny any log\n"
			    "access-list 10 permit 10.9.9.9\n"
			    "access-list 110 remark crypto\n"
			    "access-list 110 permit tcp host 1.1.1.1 eq www 10.0.0.0 0.255.255.255 range 1000 2000 established\n"
			    "access-list 110 permit udp any eq isakmp any gt 1023 log\n"
			    "access-list 110 deny icmp any any echo-reply\n"
			    "access-list 110 permit 47 any any\n"
			    "access-list 110 permit esp 10.0.5.5 0.0.255.0 any\n"
			    "ip access-list extended N\n 30 permit ip any any\n 10 deny ip host 1.1.1.1 any\n"
			    " remark x\n permit udp any any eq non500-isakmp\n no 10\n"
			    "access-list 300 permit 1 2\n") == 0, "%s", err);
	l = ios_cfg_acl_find(cfg, "10");
	ck_assert(!l->extended && l->numbered);
	a = ios_cfg_ace_next(cfg, l, NULL);
	ck_assert(a->permit);
	ck_assert_uint_eq(a->src_wild, ip("0.0.0.255"));
	a = ios_cfg_ace_next(cfg, l, a);
	ck_assert(!a->permit && a->log && a->src_wild == 0xffffffffu);
	a = ios_cfg_ace_next(cfg, l, a);
	ck_assert_uint_eq(a->src, ip("10.9.9.9"));
	ck_assert_uint_eq(a->src_wild, 0);
	ck_assert_ptr_null(ios_cfg_ace_next(cfg, l, a));
	l = ios_cfg_acl_find(cfg, "110");
	ck_assert_uint_eq(l->naces, 5);
	a = ios_cfg_ace_next(cfg, l, NULL);
	ck_assert_int_eq(a->proto, 6);
	ck_assert(a->sport.op == IOS_PORT_EQ && a->sport.lo == 80);
	ck_assert(a->dport.op == IOS_PORT_RANGE && a->dport.lo == 1000 && a->dport.hi == 2000);
	ck_assert(a->established);
	a = ios_cfg_ace_next(cfg, l, a);
	ck_assert(a->sport.lo == 500 && a->dport.op == IOS_PORT_GT && a->log);
	a = ios_cfg_ace_next(cfg, l, a);
	ck_assert(a->proto == 1 && a->icmp_type == 0 && !a->permit);
	a = ios_cfg_ace_next(cfg, l, a);
	ck_assert_int_eq(a->proto, 47);
	a = ios_cfg_ace_next(cfg, l, a);
	ck_assert_uint_eq(a->src, ip("10.0.0.5"));     /* 10.0.5.5 & ~0.0.255.0 */
	/* named ACL: sequence order, next free number after the highest */
	l = ios_cfg_acl_find(cfg, "N");
	a = ios_cfg_ace_next(cfg, l, NULL);
	ck_assert_uint_eq(a->seq, 10);
	a = ios_cfg_ace_next(cfg, l, a);
	ck_assert_uint_eq(a->seq, 30);
	a = ios_cfg_ace_next(cfg, l, a);
	ck_assert_uint_eq(a->seq, 40);
	ck_assert(a->dport.lo == 4500);
	ck_assert(kept(15, "no 10", "ip access-list extended N"));
	ck_assert(kept(16, "access-list 300 permit 1 2", ""));
	/* selectors */
	ck_assert_int_eq(ios_acl_flows(cfg, "N", fl, 8, err, sizeof(err)), 3);
	ck_assert(!fl[0].permit && fl[0].src_plen == 32 && fl[0].dst_plen == 0);
	ck_assert(fl[2].proto == 17 && fl[2].dport_lo == 4500 && fl[2].dport_hi == 4500 && fl[2].sport_hi == 65535);
	ck_assert_int_eq(ios_acl_flows(cfg, "N", fl, 2, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "t.cfg:14: expected at most 2 entries in ACL N");
	ck_assert_int_eq(ios_acl_flows(cfg, "110", fl, 8, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "t.cfg:5: expected an entry without ICMP type, 'established' or 'fragments' "
			      "(a selector cannot express them) in crypto ACL 110, got 'established'");
	ck_assert_int_eq(ios_acl_flows(cfg, "nope", fl, 8, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "t.cfg: expected an access list named 'nope', none is configured");
	ck_assert_int_eq(ios_acl_flows(cfg, "10", fl, 8, err, sizeof(err)), 3);
	ck_assert(fl[0].src_plen == 24 && fl[0].dst_plen == 0);
}
END_TEST

START_TEST(ifnames)
{
	static const struct { const char *ios, *lnx; } ok[] = {
		{ "GigabitEthernet1/0/2", "ge1-0-2" }, { "Gi1/0/2", "ge1-0-2" }, { "FastEthernet0/0", "fa0-0" },
		{ "Fa0/0", "fa0-0" }, { "Ethernet0/1", "e0-1" }, { "Eth0/1", "e0-1" }, { "Loopback0", "loop0" },
		{ "Lo0", "loop0" }, { "Serial0/0:1", "se0-0-1" }, { "Vlan10", "vlan10" }, { "ATM1/0", "atm1-0" },
		{ "Tunnel10", "tu10" }, { "Gi0/0.100", "ge0-0.100" },
	};
	static const char *const bad[] = { "GigabitEthernet10/10/10.10000", "Gi", "Foo0/1", "G0/1", "0/1", "" };
	char out[16];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ck_assert_msg(ios_ifname_linux(ok[i].ios, out) == 0, "%s", ok[i].ios);
		ck_assert_str_eq(out, ok[i].lnx);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(ios_ifname_linux(bad[i], out) == -1, "%s", bad[i]);
	ck_assert(ios_ifname_same("Fa0/1", "FastEthernet0/1"));
	ck_assert(ios_ifname_same("fa0-1", "FastEthernet0/1"));
	ck_assert(ios_ifname_same("FastEthernet0/1", "fa0-1"));
	ck_assert(ios_ifname_same("Foo1", "foo1"));
	ck_assert(!ios_ifname_same("Fa0/1", "Fa0/10"));
	ck_assert(!ios_ifname_same("Fa0/1", "Gi0/1"));
	/* an interface of a type without a Linux name is kept, lnx empty */
	ck_assert_msg(parse("interface Async1\n ip address 1.1.1.1 255.255.255.0\n"
			    "ip route 2.0.0.0 255.0.0.0 Async1\n") == 0, "%s", err);
	ck_assert_str_eq(cfg->ifaces[0].lnx, "");
	ck_assert_int_eq(cfg->routes[0].iface, 0);
}
END_TEST

/* ---- first-hop redundancy and routing ----------------------------------------------------- */

/* parse(write(parse(x))) == parse(x) for the HSRP/VRRP/OSPF/route-map part of the model */
static void same_routing_model(const struct ios_cfg *a, const struct ios_cfg *b)
{
	int i, k;

	ck_assert_int_eq(a->nfhrp, b->nfhrp);
	for (i = 0; i < a->nfhrp; i++) {
		const struct ios_fhrp *x = &a->fhrp[i], *y = &b->fhrp[i];

		ck_assert(x->proto == y->proto && x->iface == y->iface && x->group == y->group);
		ck_assert(x->version == y->version && x->nvips == y->nvips);
		ck_assert_mem_eq(x->vips, y->vips, sizeof(x->vips[0]) * (size_t)x->nvips);
		ck_assert_int_eq(!!x->vip_line, !!y->vip_line);
		ck_assert(x->priority == y->priority && x->preempt == y->preempt);
		ck_assert(x->preempt_delay_s == y->preempt_delay_s && x->preempt_reload_s == y->preempt_reload_s &&
			  x->preempt_sync_s == y->preempt_sync_s);
		ck_assert(x->hello_ms == y->hello_ms && x->hold_ms == y->hold_ms && x->adver_ms == y->adver_ms);
		ck_assert_str_eq(x->name, y->name);
		ck_assert_str_eq(x->auth_text, y->auth_text);
		ck_assert(x->auth_md5 == y->auth_md5 && x->shutdown == y->shutdown);
		ck_assert_str_eq(x->md5_key, y->md5_key);
		ck_assert_str_eq(x->description, y->description);
		ck_assert_int_eq(x->ntracks, y->ntracks);
		for (k = 0; k < x->ntracks; k++) {
			ck_assert_str_eq(x->tracks[k].ifname, y->tracks[k].ifname);
			ck_assert(x->tracks[k].object == y->tracks[k].object &&
				  x->tracks[k].decrement == y->tracks[k].decrement);
		}
	}
	for (i = 0; i < a->nifaces; i++)
		ck_assert(a->ifaces[i].hsrp_version == b->ifaces[i].hsrp_version &&
			  a->ifaces[i].vrrp_version == b->ifaces[i].vrrp_version);
	ck_assert_int_eq(a->nobj_tracks, b->nobj_tracks);
	for (i = 0; i < a->nobj_tracks; i++) {
		ck_assert_uint_eq(a->obj_tracks[i].object, b->obj_tracks[i].object);
		ck_assert_str_eq(a->obj_tracks[i].ifname, b->obj_tracks[i].ifname);
	}
	ck_assert(a->ospf.on == b->ospf.on && a->ospf.pid == b->ospf.pid);
	ck_assert(a->ospf.router_id == b->ospf.router_id && a->ospf.log_adjacency == b->ospf.log_adjacency &&
		  a->ospf.log_adjacency_detail == b->ospf.log_adjacency_detail);
	ck_assert_int_eq(a->ospf.nnets, b->ospf.nnets);
	for (i = 0; i < a->ospf.nnets; i++)
		ck_assert(a->ospf.nets[i].addr == b->ospf.nets[i].addr && a->ospf.nets[i].wild == b->ospf.nets[i].wild &&
			  a->ospf.nets[i].area == b->ospf.nets[i].area);
	for (k = 0; k < 2; k++) {
		const struct ios_redist *x = k ? &a->ospf.redist_static : &a->ospf.redist_connected;
		const struct ios_redist *y = k ? &b->ospf.redist_static : &b->ospf.redist_connected;

		ck_assert(x->on == y->on && x->subnets == y->subnets && x->metric == y->metric &&
			  x->metric_type == y->metric_type && x->has_tag == y->has_tag && x->tag == y->tag);
		ck_assert_str_eq(x->route_map, y->route_map);
	}
	ck_assert(a->ospf.default_originate == b->ospf.default_originate &&
		  a->ospf.default_always == b->ospf.default_always &&
		  a->ospf.default_metric == b->ospf.default_metric &&
		  a->ospf.default_metric_type == b->ospf.default_metric_type);
	ck_assert(a->ospf.passive_default == b->ospf.passive_default && a->ospf.npassive == b->ospf.npassive);
	for (i = 0; i < a->ospf.npassive; i++)
		ck_assert_str_eq(a->ospf.passive[i], b->ospf.passive[i]);
	ck_assert_int_eq(a->nrmap, b->nrmap);
	for (i = 0; i < a->nrmap; i++) {
		const struct ios_rmap_entry *x = &a->rmap[i], *y = &b->rmap[i];

		ck_assert_str_eq(x->name, y->name);
		ck_assert(x->permit == y->permit && x->seq == y->seq && x->ntags == y->ntags &&
			  x->other_match == y->other_match);
		ck_assert_mem_eq(x->tags, y->tags, sizeof(x->tags[0]) * (size_t)x->ntags);
		ck_assert(x->has_set_tag == y->has_set_tag && x->set_tag == y->set_tag &&
			  x->has_set_metric == y->has_set_metric && x->set_metric == y->set_metric &&
			  x->set_metric_type == y->set_metric_type);
	}
	ck_assert_int_eq(a->nkept, b->nkept);
}

static void check_roundtrip(void)
{
	struct ios_cfg *c2 = ios_cfg_alloc();
	char *t1 = write_str(), *t2;
	size_t l2 = 0;
	FILE *fp;

	ck_assert_msg(ios_cfg_parse(t1, strlen(t1), "w.cfg", c2, err, sizeof(err)) == 0, "%s\n%s", err, t1);
	same_routing_model(cfg, c2);
	fp = open_memstream(&t2, &l2);
	ios_cfg_write(c2, fp);
	fclose(fp);
	ck_assert_str_eq(t1, t2);
	free(t1);
	free(t2);
	ios_cfg_free(c2);
}

START_TEST(fhrp_lines)
{
	const struct ios_fhrp *g;
	int fa01 = 1, fa02 = 2;

	ck_assert_msg(parse("fhrp version vrrp v3\n"
			    "track 5 interface Fa0/2 line-protocol\n delay down 3\n"
			    "track 6 ip sla 1 reachability\n"
			    "interface Fa0/0\n ip address 10.0.0.2 255.255.255.0\n"
			    " standby version 2\n"
			    " standby ip 10.0.0.1\n"                                     /* 8 */
			    " standby 300 ip 10.0.0.10\n"
			    " standby 300 ip 10.0.0.11 secondary\n"
			    " standby 300 priority 0\n"
			    " standby 300 preempt delay minimum 30 reload 60 sync 5\n"
			    " standby 300 timers msec 200 msec 750\n"
			    " standby 300 authentication md5 key-string 7 094F471A1A0A\n"
			    " standby 300 track 5 decrement 20\n"
			    " standby 300 track Fa0/1\n"
			    " standby 300 mac-address 0000.0c07.ac01\n"                  /* 17 */
			    " standby 2 ip\n"
			    " standby 2 timers 1 4\n"
			    " standby 2 authentication text s3cret\n"
			    " standby 3 authentication cisco7\n"
			    " standby 3 preempt delay 15\n"
			    " no standby 3 preempt\n"
			    " vrrp 7 ip 10.0.0.2\n"                                      /* 24 */
			    " vrrp 7 priority 120\n"
			    " vrrp 8 description backup group\n"
			    " vrrp 8 ip 10.0.0.20\n"
			    " vrrp 8 ip 10.0.0.21 secondary\n"
			    " vrrp 8 timers advertise msec 100\n"
			    " vrrp 8 priority 254\n"
			    " no vrrp 8 preempt\n"
			    " vrrp 8 authentication text abc\n"
			    " vrrp 8 name RBM\n"
			    " vrrp 8 track 5 decrement 30\n"
			    " vrrp 8 shutdown\n"
			    " vrrp 8 timers learn\n"                                     /* 36 */
			    "interface Fa0/1\n ip address 10.0.1.2 255.255.255.0\n"
			    " vrrp version 2\n"
			    " vrrp 1 ip 10.0.1.1\n"
			    " vrrp 1 preempt delay minimum 10\n"
			    " vrrp 1 timers advertise 3\n"
			    "interface Fa0/2\n ip address 10.0.2.2 255.255.255.0\n"
			    "interface Fa0/3\n standby 1 priority 100\n") == 0, "%s", err);
	ck_assert_int_eq(cfg->nobj_tracks, 1);
	ck_assert_uint_eq(cfg->obj_tracks[0].object, 5);
	ck_assert_str_eq(cfg->obj_tracks[0].ifname, "Fa0/2");
	ck_assert(kept(3, "delay down 3", "track 5 interface Fa0/2 line-protocol"));
	ck_assert(kept(4, "track 6 ip sla 1 reachability", ""));
	ck_assert_int_eq(cfg->fhrp_vrrp_v3_line, 1);
	/* HSRP version 2: group 0 (number omitted) and 300 */
	ck_assert_uint_eq(cfg->ifaces[0].hsrp_version, 2);
	g = ios_cfg_fhrp_next(cfg, 0, NULL);
	ck_assert(g->proto == IOS_FHRP_HSRP && g->group == 0 && g->version == 2 && g->line == 8);
	ck_assert_uint_eq(g->vips[0], ip("10.0.0.1"));
	ck_assert(!g->preempt && g->priority == 100);
	g = ios_cfg_fhrp_next(cfg, 0, g);
	ck_assert_uint_eq(g->group, 300);
	ck_assert_int_eq(g->nvips, 2);
	ck_assert_uint_eq(g->vips[1], ip("10.0.0.11"));
	ck_assert_uint_eq(g->priority, 0);
	ck_assert(g->preempt && g->preempt_delay_s == 30 && g->preempt_reload_s == 60 && g->preempt_sync_s == 5);
	ck_assert(g->hello_ms == 200 && g->hold_ms == 750);
	ck_assert(g->auth_md5);
	ck_assert_str_eq(g->md5_key, "cisco");          /* type 7 decoded */
	ck_assert_int_eq(g->ntracks, 2);
	ck_assert(g->tracks[0].object == 5 && g->tracks[0].decrement == 20);
	ck_assert_str_eq(g->tracks[0].ifname, "Fa0/2");  /* resolved through track 5 */
	ck_assert(g->tracks[1].object == 0 && g->tracks[1].decrement == 10);
	ck_assert(kept(17, "standby 300 mac-address 0000.0c07.ac01", "interface Fa0/0"));
	g = ios_cfg_fhrp_next(cfg, 0, g);
	ck_assert(g->group == 2 && g->nvips == 0 && g->vip_line == 18);   /* learns the address */
	ck_assert(g->hello_ms == 1000 && g->hold_ms == 4000);
	ck_assert_str_eq(g->auth_text, "s3cret");
	g = ios_cfg_fhrp_next(cfg, 0, g);
	ck_assert(g->group == 3 && !g->preempt && g->preempt_delay_s == 0);
	ck_assert_str_eq(g->auth_text, "cisco7");
	/* VRRP version 3 from the global line; 7 owns its address: 255 */
	g = ios_cfg_fhrp_next(cfg, 0, g);
	ck_assert(g->proto == IOS_FHRP_VRRP && g->group == 7 && g->version == 3);
	ck_assert_uint_eq(g->priority, 255);
	ck_assert(g->preempt && g->adver_ms == 1000);
	g = ios_cfg_fhrp_next(cfg, 0, g);
	ck_assert_uint_eq(g->group, 8);
	ck_assert_str_eq(g->description, "backup group");
	ck_assert(g->nvips == 2 && g->adver_ms == 100 && g->priority == 254 && !g->preempt && g->shutdown);
	ck_assert_str_eq(g->auth_text, "abc");
	ck_assert_str_eq(g->name, "RBM");
	ck_assert(g->ntracks == 1 && g->tracks[0].object == 5 && g->tracks[0].decrement == 30);
	ck_assert(kept(36, "vrrp 8 timers learn", "interface Fa0/0"));
	ck_assert_ptr_null(ios_cfg_fhrp_next(cfg, 0, g));
	ck_assert_ptr_eq(ios_cfg_fhrp_find(cfg, 0, "RBM"), g);
	ck_assert_ptr_eq(ios_cfg_fhrp_find(cfg, -1, "RBM"), g);
	ck_assert_ptr_null(ios_cfg_fhrp_find(cfg, fa01, "RBM"));
	ck_assert_ptr_null(ios_cfg_fhrp_find(cfg, -1, ""));
	/* Fa0/1 says `vrrp version 2` */
	g = ios_cfg_fhrp_next(cfg, fa01, NULL);
	ck_assert(g->proto == IOS_FHRP_VRRP && g->group == 1 && g->version == 2);
	ck_assert(g->preempt && g->preempt_delay_s == 10 && g->adver_ms == 3000 && g->priority == 100);
	ck_assert_ptr_null(ios_cfg_fhrp_next(cfg, fa02, NULL));
	ck_assert_int_eq(cfg->nfhrp, 8);                 /* Fa0/3's group 1 with default values */
	check_roundtrip();
}
END_TEST

START_TEST(routing_lines)
{
	const struct ios_rmap_entry *hit;
	char *t;

	ck_assert_msg(parse("interface Fa0/0\n ip address 10.0.0.1 255.255.255.0\n"
			    "router ospf 7\n"
			    " router-id 1.1.1.1\n"
			    " log-adjacency-changes detail\n"
			    " passive-interface default\n"
			    " no passive-interface Fa0/0\n"
			    " no passive-interface Fa0/1\n"
			    " passive-interface Fa0/1\n"
			    " network 10.0.0.0 0.0.255.255 area 0.0.0.1\n"
			    " network 10.1.0.0 0.0.255.255 area 5\n"
			    " network 10.2.0.0 0.0.255.255 area 0\n"
			    " no network 10.2.0.0 0.0.255.255 area 0\n"
			    " redistribute connected metric 50 metric-type 1 tag 7 subnets\n"
			    " redistribute static subnets route-map M\n"
			    " redistribute bgp 100 subnets\n"                     /* 16 */
			    " default-information originate always metric 5 metric-type 1\n"
			    " area 1 authentication message-digest\n"            /* 18 */
			    "router ospf 7\n"
			    " timers spf 1 1\n"
			    "router eigrp 10\n network 10.0.0.0\n"               /* 21 */
			    "route-map M deny 20\n match tag 5\n"
			    "route-map M permit 10\n match tag 99 100\n match tag 99\n set tag 7\n"
			    " set metric 30\n set metric-type type-1\n set ip next-hop 1.1.1.1\n"
			    "route-map M 30\n"
			    "route-map N permit 10\n match ip address 1\n") == 0, "%s", err);
	ck_assert(cfg->ospf.on && cfg->ospf.pid == 7 && cfg->ospf.line == 3);
	ck_assert_uint_eq(cfg->ospf.router_id, ip("1.1.1.1"));
	ck_assert(cfg->ospf.log_adjacency && cfg->ospf.log_adjacency_detail);
	ck_assert(cfg->ospf.passive_default);
	ck_assert_int_eq(cfg->ospf.npassive, 1);        /* the interfaces made active again */
	ck_assert_str_eq(cfg->ospf.passive[0], "Fa0/0");
	ck_assert_int_eq(cfg->ospf.nnets, 2);
	ck_assert_uint_eq(cfg->ospf.nets[0].area, 1);   /* dotted area ID */
	ck_assert_uint_eq(cfg->ospf.nets[1].area, 5);
	ck_assert(cfg->ospf.redist_connected.on && cfg->ospf.redist_connected.subnets);
	ck_assert(cfg->ospf.redist_connected.metric == 50 && cfg->ospf.redist_connected.metric_type == 1);
	ck_assert(cfg->ospf.redist_connected.has_tag && cfg->ospf.redist_connected.tag == 7);
	ck_assert_str_eq(cfg->ospf.redist_static.route_map, "M");
	ck_assert(cfg->ospf.default_originate && cfg->ospf.default_always);
	ck_assert(cfg->ospf.default_metric == 5 && cfg->ospf.default_metric_type == 1);
	ck_assert(kept(16, "redistribute bgp 100 subnets", "router ospf 7"));
	ck_assert(kept(18, "area 1 authentication message-digest", "router ospf 7"));
	ck_assert(kept(20, "timers spf 1 1", "router ospf 7"));
	ck_assert(kept(21, "router eigrp 10", ""));
	ck_assert(kept(22, "network 10.0.0.0", "router eigrp 10"));
	/* route-map entries by (map, seq) */
	ck_assert_int_eq(cfg->nrmap, 4);
	ck_assert(cfg->rmap[0].seq == 10 && cfg->rmap[0].permit && cfg->rmap[0].ntags == 2);
	ck_assert(cfg->rmap[0].has_set_tag && cfg->rmap[0].set_tag == 7);
	ck_assert(cfg->rmap[0].has_set_metric && cfg->rmap[0].set_metric == 30 && cfg->rmap[0].set_metric_type == 1);
	ck_assert(cfg->rmap[1].seq == 20 && !cfg->rmap[1].permit);
	ck_assert(cfg->rmap[2].seq == 30 && cfg->rmap[2].permit && cfg->rmap[2].ntags == 0);
	ck_assert(strcmp(cfg->rmap[3].name, "N") == 0 && cfg->rmap[3].other_match);
	ck_assert(kept(31, "set ip next-hop 1.1.1.1", "route-map M permit 10"));
	ck_assert_int_eq(ios_rmap_match_tag(cfg, "M", true, 100, &hit), 1);
	ck_assert_ptr_eq(hit, &cfg->rmap[0]);
	ck_assert_int_eq(ios_rmap_match_tag(cfg, "M", true, 5, &hit), 0);     /* deny 20 */
	ck_assert_ptr_eq(hit, &cfg->rmap[1]);
	ck_assert_int_eq(ios_rmap_match_tag(cfg, "M", true, 1, &hit), 1);     /* 30 matches all */
	ck_assert_ptr_eq(hit, &cfg->rmap[2]);
	ck_assert_int_eq(ios_rmap_match_tag(cfg, "M", false, 0, &hit), 1);
	ck_assert_ptr_eq(hit, &cfg->rmap[2]);
	ck_assert_int_eq(ios_rmap_match_tag(cfg, "N", true, 1, &hit), 0);     /* not evaluated */
	ck_assert_ptr_null(hit);
	check_roundtrip();
	t = write_str();
	ck_assert_msg(strstr(t, "router ospf 7\n router-id 1.1.1.1\n log-adjacency-changes detail\n"
			     " redistribute connected metric 50 metric-type 1 subnets tag 7\n"
			     " redistribute static subnets route-map M\n passive-interface default\n"
			     " no passive-interface Fa0/0\n network 10.0.0.0 0.0.255.255 area 1\n"), "%s", t);
	ck_assert_msg(strstr(t, "route-map M permit 10\n match tag 99 100\n set ip next-hop 1.1.1.1\n"
			     " set metric 30\n set metric-type type-1\n set tag 7\n!\n"), "%s", t);
	free(t);
	/* a redistribute naming no route-map is accepted (it matches nothing); no forms */
	ck_assert_msg(parse("router ospf 1\n redistribute static route-map NONE\n"
			    " redistribute connected\n no redistribute connected\n"
			    " log-adjacency-changes detail\n no log-adjacency-changes detail\n"
			    " default-information originate\n no default-information originate\n"
			    " default-information originate route-map X\n") == 0, "%s", err);
	ck_assert_str_eq(cfg->ospf.redist_static.route_map, "NONE");
	ck_assert_int_eq(ios_rmap_match_tag(cfg, "NONE", true, 99, NULL), 0);
	ck_assert(!cfg->ospf.redist_connected.on);
	ck_assert(cfg->ospf.log_adjacency && !cfg->ospf.log_adjacency_detail);
	ck_assert(!cfg->ospf.default_originate);
	ck_assert(kept(9, "default-information originate route-map X", "router ospf 1"));
	check_roundtrip();
}
END_TEST

/* ---- static routes ------------------------------------------------------------------------- */

START_TEST(route_resolution)
{
	struct ios_route_res res[IOS_MAX_ROUTES];
	bool up[IOS_MAX_IFACES] = { true, true, false };
	char line[256];

	ck_assert_msg(parse("interface Fa0/0\n ip address 10.0.0.1 255.255.255.0\n"
			    "interface Fa0/1\n ip address 10.0.1.1 255.255.255.0\n"
			    "interface Fa0/2\n ip address 10.0.2.1 255.255.255.0\n"
			    "ip route 0.0.0.0 0.0.0.0 10.0.0.254\n"            /* 0: connected */
			    "ip route 20.0.0.0 255.0.0.0 30.0.0.1\n"           /* 1: via 3 (longest), not 0 */
			    "ip route 30.0.0.0 255.0.0.0 10.0.1.254 tag 7 name x\n" /* 2: connected Fa0/1 */
			    "ip route 30.0.0.0 255.255.0.0 40.0.0.1\n"         /* 3: via 4 */
			    "ip route 40.0.0.0 255.0.0.0 Fa0/1\n"              /* 4: interface route, on-link */
			    "ip route 50.0.0.0 255.0.0.0 60.0.0.1\n"           /* 5: loop with 6 … */
			    "ip route 60.0.0.0 255.0.0.0 50.0.0.1\n"           /* 6: … both via 0 first */
			    "ip route 70.0.0.0 255.0.0.0 10.0.0.1\n"           /* 7: own address */
			    "ip route 80.0.0.0 255.0.0.0 10.0.2.9\n"           /* 8: Fa0/2 down -> via 0 */
			    "ip route 90.0.0.0 255.0.0.0 Fa0/2 10.0.2.9\n"     /* 9: interface down */
			    "ip route 10.0.0.0 255.255.255.0 10.0.1.9 5\n") == 0, "%s", err);
	ck_assert_int_eq(ios_route_resolve(cfg, up, res, IOS_MAX_ROUTES), 11);
	ck_assert_int_eq(res[0].status, IOS_ROUTE_OK);
	ck_assert_uint_eq(res[0].gateway, ip("10.0.0.254"));
	ck_assert_int_eq(res[0].iface, 0);
	ck_assert_int_eq(res[1].status, IOS_ROUTE_OK);
	ck_assert_int_eq(res[1].via, 3);
	ck_assert_int_eq(res[1].iface, 1);
	ck_assert_uint_eq(res[1].gateway, ip("40.0.0.1"));   /* on-link through Fa0/1 */
	ck_assert_int_eq(res[3].via, 4);
	ck_assert_int_eq(res[4].status, IOS_ROUTE_OK);
	ck_assert_uint_eq(res[4].gateway, 0);
	ck_assert_int_eq(res[5].status, IOS_ROUTE_LOOP);
	ck_assert_int_eq(res[6].status, IOS_ROUTE_LOOP);
	ck_assert_int_eq(res[7].status, IOS_ROUTE_OWN_ADDR);
	ck_assert_int_eq(res[8].status, IOS_ROUTE_OK);
	ck_assert_int_eq(res[8].via, 0);
	ck_assert_uint_eq(res[8].gateway, ip("10.0.0.254"));
	ck_assert_int_eq(res[9].status, IOS_ROUTE_IFACE_DOWN);
	/* connected 10.0.0.0/24 beats the static of the same prefix (distance 5) */
	ck_assert_int_eq(res[10].status, IOS_ROUTE_OK);
	ck_assert(cfg->routes[2].has_tag && cfg->routes[2].tag == 7);
	ck_assert_str_eq(cfg->routes[2].name, "x");
	ck_assert_uint_eq(cfg->routes[10].distance, 5);
	ios_route_res_str(cfg, &res[1], line, sizeof(line));
	ck_assert_str_eq(line, "t.cfg:8: ip route 20.0.0.0/8 via 30.0.0.1: resolved, gateway 40.0.0.1 dev Fa0/1");
	ios_route_res_str(cfg, &res[5], line, sizeof(line));
	ck_assert_str_eq(line, "t.cfg:12: ip route 50.0.0.0/8 via 60.0.0.1: not installed: recursive routing loop");
	/* Fa0/0 down: the default route's next hop is now reached through the static
	 * 10.0.0.0/24 via 10.0.1.9, and what used the default follows it */
	up[0] = false;
	ck_assert_int_eq(ios_route_resolve(cfg, up, res, IOS_MAX_ROUTES), 11);
	ck_assert_int_eq(res[0].status, IOS_ROUTE_OK);
	ck_assert_int_eq(res[0].via, 10);
	ck_assert_uint_eq(res[0].gateway, ip("10.0.1.9"));
	ck_assert_int_eq(res[0].iface, 1);
	ck_assert_int_eq(res[5].status, IOS_ROUTE_LOOP);
	ck_assert_int_eq(res[8].status, IOS_ROUTE_OK);
	ck_assert_uint_eq(res[8].gateway, ip("10.0.1.9"));
	ck_assert_int_eq(res[7].via, 10);   /* 10.0.0.1 is not ours while Fa0/0 is down */
	/* a pair of routes that only have each other is a loop; a lone one is unreachable */
	ck_assert_int_eq(parse("ip route 50.0.0.0 255.0.0.0 60.0.0.1\nip route 60.0.0.0 255.0.0.0 50.0.0.1\n"
			       "ip route 1.0.0.0 255.0.0.0 2.2.2.2\n"), 0);
	ck_assert_int_eq(ios_route_resolve(cfg, NULL, res, IOS_MAX_ROUTES), 3);
	ck_assert_int_eq(res[0].status, IOS_ROUTE_LOOP);
	ck_assert_int_eq(res[1].status, IOS_ROUTE_LOOP);
	ck_assert_int_eq(res[2].status, IOS_ROUTE_UNREACHABLE);
	/* the same route again updates it */
	ck_assert_int_eq(parse("ip route 1.0.0.0 255.0.0.0 2.2.2.2\nip route 1.0.0.0 255.0.0.0 2.2.2.2 tag 5\n"), 0);
	ck_assert_int_eq(cfg->nroutes, 1);
	ck_assert_uint_eq(cfg->routes[0].tag, 5);
}
END_TEST

/* ---- broken lines ------------------------------------------------------------------------ */

struct bad { const char *text, *msg; };

#define TS_FORM "'crypto ipsec transform-set NAME {esp-des|esp-3des|esp-aes [128|192|256]|esp-null} [esp-md5-hmac|esp-sha-hmac|esp-sha256-hmac]'"
#define KEY_FORM "'crypto isakmp key [0] KEY address A.B.C.D [MASK] [no-xauth]'"
#define KA_FORM "'crypto isakmp keepalive 10-3600 [2-60] [periodic|on-demand]'"
#define SB_FORM "'standby [GROUP] {ip|priority|preempt|timers|name|track|authentication} …'"
#define SB_PRE "'standby [GROUP] preempt [delay [minimum 0-3600] [reload 0-3600] [sync 0-3600]]'"
#define SB_TRACK "'standby [GROUP] track {INTERFACE [1-255] | 1-1000 [decrement 1-255]}'"
#define SB_AUTH "'standby [GROUP] authentication {[text] STRING | md5 key-string [0|7] KEY}'"
#define VR_FORM "'vrrp 1-255 {ip|priority|preempt|timers|name|description|authentication|shutdown|track} …'"
#define TRACK_FORM "'track 1-1000 interface INTERFACE line-protocol'"
#define NET_FORM "'network A.B.C.D WILDCARD area {0-4294967295|A.B.C.D}'"
#define REDIST_FORM "'redistribute {static|connected} [subnets] [metric 0-16777214] [metric-type {1|2}] [tag 0-4294967295] [route-map NAME]'"
#define DEFORIG_FORM "'default-information originate [always] [metric 0-16777214] [metric-type {1|2}]'"
#define ROUTE_FORM "'ip route PREFIX MASK {NEXTHOP|INTERFACE [NEXTHOP]} [DISTANCE] [tag TAG] [name NAME] [permanent]'"

static const struct bad bads[] = {
	{ "interface Fa0/0\n ip address 1.2.3 255.255.255.0\n",
	  "t.cfg:2: expected 'ip address A.B.C.D MASK [secondary]', got '1.2.3'" },
	{ "interface Fa0/0\n ip address 1.2.3.4\n",
	  "t.cfg:2: expected 'ip address A.B.C.D MASK [secondary]', got end of line" },
	{ "interface Fa0/0\n ip address 10.1.1.0 255.255.255.0\n",
	  "t.cfg:2: expected a host address of its subnet (mask 255.255.255.0), not the network or broadcast address, got '10.1.1.0'" },
	{ "interface Fa0/0\n ip address 10.1.1.1 255.0.255.0\n",
	  "t.cfg:2: expected a contiguous mask such as 255.255.255.0, got '255.0.255.0'" },
	{ "interface Fa0/0\n ip address 10.1.1.1 255.255.255.0 secundary\n",
	  "t.cfg:2: expected 'ip address A.B.C.D MASK [secondary]', got 'secundary'" },
	{ "interface Fa0/0\n shutdown now\n", "t.cfg:2: expected 'shutdown', got 'now'" },
	{ "interface Fa0/0\n crypto map vpn redundancy\n",
	  "t.cfg:2: expected 'crypto map NAME [redundancy GROUP [stateful NAME]]', got end of line" },
	{ "interface Foo\n", "t.cfg:1: expected an interface name such as FastEthernet0/0 or Loopback0, got 'Foo'" },
	{ "interface Serial0/0.1 point-to-pointy\n",
	  "t.cfg:1: expected 'interface NAME [point-to-point|multipoint]', got 'point-to-pointy'" },
	{ "hostname a b\n", "t.cfg:1: expected 'hostname NAME', got 'b'" },
	{ "crypto isakmp policy 1\n hash md6\n", "t.cfg:2: expected 'hash {md5|sha|sha256}', got 'md6'" },
	{ "crypto isakmp policy 1\n encryption blowfish\n",
	  "t.cfg:2: expected 'encryption {des|3des|aes [128|192|256]}', got 'blowfish'" },
	{ "crypto isakmp policy 1\n encryption aes 512\n",
	  "t.cfg:2: expected an AES key size 128, 192 or 256, got '512'" },
	{ "crypto isakmp policy 1\n group 3\n", "t.cfg:2: expected 'group {1|2|5|14}', got '3'" },
	{ "crypto isakmp policy 1\n lifetime 59\n", "t.cfg:2: expected 'lifetime 60-86400', got '59'" },
	{ "crypto isakmp policy 1\n lifetime 99999999999999999999\n",
	  "t.cfg:2: expected 'lifetime 60-86400', got '99999999999999999999'" },
	{ "crypto isakmp policy 1\n authentication psk\n",
	  "t.cfg:2: expected 'authentication {pre-share|rsa-sig|rsa-encr}', got 'psk'" },
	{ "crypto isakmp policy 10001\n", "t.cfg:1: expected 'crypto isakmp policy 1-10000', got '10001'" },
	{ "crypto isakmp key cisco addr 1.2.3.4\n", "t.cfg:1: expected " KEY_FORM ", got 'addr'" },
	{ "crypto isakmp key cisco address 1.2.3.256\n", "t.cfg:1: expected " KEY_FORM ", got '1.2.3.256'" },
	{ "crypto isakmp key 6 AbCd address 1.2.3.4\n",
	  "t.cfg:1: expected an unencrypted key: 'crypto isakmp key [0] KEY address A.B.C.D', got '6'" },
	{ "crypto isakmp keepalive 5\n", "t.cfg:1: expected " KA_FORM ", got '5'" },
	{ "crypto isakmp keepalive 10 61\n", "t.cfg:1: expected " KA_FORM ", got '61'" },
	{ "crypto isakmp keepalive 10 2 sometimes\n", "t.cfg:1: expected " KA_FORM ", got 'sometimes'" },
	{ "crypto ipsec transform-set ts esp-blowfish\n", "t.cfg:1: expected " TS_FORM ", got 'esp-blowfish'" },
	{ "crypto ipsec transform-set ts ah-md5-hmac esp-des\n", "t.cfg:1: expected " TS_FORM ", got 'ah-md5-hmac'" },
	{ "crypto ipsec transform-set ts esp-des esp-3des\n",
	  "t.cfg:1: expected one ESP cipher and at most one ESP HMAC, got 'esp-3des'" },
	{ "crypto ipsec transform-set ts\n", "t.cfg:1: expected " TS_FORM ", got end of line" },
	{ "crypto ipsec transform-set ts esp-des\n mode tunnle\n",
	  "t.cfg:2: expected 'mode {tunnel|transport}', got 'tunnle'" },
	{ "crypto ipsec security-association lifetime seconds 100\n",
	  "t.cfg:1: expected 'lifetime {seconds 120-86400|kilobytes 2560-4294967295}', got '100'" },
	{ "crypto map m 0 ipsec-isakmp\n", "t.cfg:1: expected 'crypto map NAME 1-65535 [ipsec-isakmp]', got '0'" },
	{ "crypto map m 10 ipsec-foo\n", "t.cfg:1: expected 'crypto map NAME 1-65535 [ipsec-isakmp]', got 'ipsec-foo'" },
	{ "crypto map m 10\n set peer x.y\n", "t.cfg:2: expected 'set peer A.B.C.D [default]', got 'x.y'" },
	{ "crypto map m 10\n set pfs group3\n",
	  "t.cfg:2: expected 'set pfs [group1|group2|group5|group14]', got 'group3'" },
	{ "crypto map m 10\n reverse-route dynamic\n",
	  "t.cfg:2: expected 'reverse-route [static|remote-peer [A.B.C.D] [gateway]]', got 'dynamic'" },
	{ "crypto map m 10\n set reverse-route tag 0\n",
	  "t.cfg:2: expected 'set reverse-route tag 1-4294967295', got '0'" },
	{ "crypto map m 10\n match address\n", "t.cfg:2: expected 'match address ACL', got end of line" },
	{ "crypto map m 10\n set transform-set t1 t2 t3 t4 t5 t6 t7\n",
	  "t.cfg:2: expected 'set transform-set NAME [NAME …]' (at most 6), got 't7'" },
	{ "crypto map m 10\n set security-association lifetime seconds 50\n",
	  "t.cfg:2: expected 'lifetime {seconds 120-86400|kilobytes 2560-4294967295}', got '50'" },
	{ "crypto map m 10\n set transform-set nosuch\n",
	  "t.cfg:2: expected a transform set defined by 'crypto ipsec transform-set', got 'nosuch'" },
	{ "crypto map m 10\n match address 101\naccess-list 101 permit ip 10.0.255.0 0.0.255.0 any\n",
	  "t.cfg:3: expected a contiguous wildcard such as 0.0.0.255 in crypto ACL 101 of crypto map m 10, got '0.0.255.0'" },
	{ "crypto\n", "t.cfg:1: expected 'crypto {isakmp|ipsec|map} …', got end of line" },
	{ "ip route 10.1.1.0 255.255.255.0\n", "t.cfg:1: expected " ROUTE_FORM ", got end of line" },
	{ "ip route 10.1.1.1 255.255.255.0 1.1.1.1\n",
	  "t.cfg:1: expected a prefix without host bits for mask 255.255.255.0, got '10.1.1.1'" },
	{ "ip route 10.1.1.0 255.0.255.0 1.1.1.1\n",
	  "t.cfg:1: expected a contiguous mask such as 255.255.255.0, got '255.0.255.0'" },
	{ "ip route 10.1.1.0 255.255.255.0 1.1.1.1 300\n",
	  "t.cfg:1: expected a distance 1-255, 'tag TAG', 'name NAME' or 'permanent', got '300'" },
	{ "ip route 10.1.1.0 255.255.255.0 nowhere\n",
	  "t.cfg:1: expected a next hop A.B.C.D or an interface name, got 'nowhere'" },
	{ "interface Fa0/0\nip route 10.1.1.0 255.255.255.0 FastEthernet9/9\n",
	  "t.cfg:2: expected an interface configured in this file, got 'FastEthernet9/9'" },
	{ "access-list 101 permit ip 10.0.0.0\n",
	  "t.cfg:1: expected a wildcard A.B.C.D such as 0.0.0.255, got end of line" },
	{ "access-list 101 permit foo any any\n",
	  "t.cfg:1: expected a protocol (ip, tcp, udp, icmp, esp, ahp, gre, ospf … or 0-255), got 'foo'" },
	{ "access-list 101 allow ip any any\n", "t.cfg:1: expected 'access-list N {permit|deny|remark} …', got 'allow'" },
	{ "access-list 101 permit tcp any any eq notaport\n",
	  "t.cfg:1: expected a port 0-65535 or a port name (www, isakmp, non500-isakmp …), got 'notaport'" },
	{ "access-list 101 permit ip any any logg\n",
	  "t.cfg:1: expected 'log', 'log-input', 'established' or 'fragments', got 'logg'" },
	{ "access-list 101 permit ip host 1.2.3 any\n", "t.cfg:1: expected 'host A.B.C.D', got '1.2.3'" },
	{ "access-list 0 permit any\n", "t.cfg:1: expected an access list number 1-199 or 1300-2699, got '0'" },
	{ "ip access-list extended\n", "t.cfg:1: expected 'ip access-list {extended|standard} NAME', got end of line" },
	{ "access-list 10 permit any\nip access-list extended 10\n",
	  "t.cfg:2: expected the name of an extended ACL (this one is standard), got '10'" },
	{ "ip access-list extended X\n 10 permit ip any any\n 10 deny ip any any\n",
	  "t.cfg:3: expected a sequence number not yet used in ACL X, got '10'" },
	{ "no\n", "t.cfg:1: expected 'no COMMAND', got end of line" },
	{ "ike dpd interval 3 retry 3\n",
	  "t.cfg:1: expected 'ike dpd interval 1-300 [retry 1-60] {periodic|on-demand}', got end of line" },
	{ "ike dpd interval 0 periodic\n",
	  "t.cfg:1: expected 'ike dpd interval 1-300 [retry 1-60] {periodic|on-demand}', got '0'" },
	{ "crypto isakmp invalid-spi-recovery now\n",
	  "t.cfg:1: expected 'crypto isakmp invalid-spi-recovery', got 'now'" },
	{ "end\nhostname x\n", "t.cfg:2: expected only comments after 'end', got 'hostname'" },
	/* standby (HSRP) */
	{ "interface Fa0/0\n standby\n", "t.cfg:2: expected " SB_FORM ", got end of line" },
	{ "interface Fa0/0\n standby 1\n", "t.cfg:2: expected " SB_FORM ", got end of line" },
	{ "interface Fa0/0\n standby 4096 ip 1.1.1.1\n", "t.cfg:2: expected an HSRP group 0-4095, got '4096'" },
	{ "interface Fa0/0\n standby 1 ip 1.1.1\n",
	  "t.cfg:2: expected 'standby [GROUP] ip [A.B.C.D [secondary]]', got '1.1.1'" },
	{ "interface Fa0/0\n standby 1 ip 1.1.1.1 secundary\n",
	  "t.cfg:2: expected 'standby [GROUP] ip [A.B.C.D [secondary]]', got 'secundary'" },
	{ "interface Fa0/0\n standby 1 ip 1.1.1.1 secondary\n",
	  "t.cfg:2: expected a primary virtual address before a secondary one, got 'secondary'" },
	{ "interface Fa0/0\n standby 1 priority 256\n", "t.cfg:2: expected 'standby [GROUP] priority 0-255', got '256'" },
	{ "interface Fa0/0\n standby 1 preempt delay\n", "t.cfg:2: expected " SB_PRE ", got end of line" },
	{ "interface Fa0/0\n standby 1 preempt delay minimum 3601\n", "t.cfg:2: expected " SB_PRE ", got '3601'" },
	{ "interface Fa0/0\n standby 1 preempt later\n", "t.cfg:2: expected " SB_PRE ", got 'later'" },
	{ "interface Fa0/0\n standby 1 timers 255 300\n",
	  "t.cfg:2: expected a hello time 1-254 (seconds) or msec 15-999, got '255'" },
	{ "interface Fa0/0\n standby 1 timers msec 10 1\n",
	  "t.cfg:2: expected a hello time 1-254 (seconds) or msec 15-999, got '10'" },
	{ "interface Fa0/0\n standby 1 timers 1 msec 3001\n",
	  "t.cfg:2: expected a hold time 1-255 (seconds) or msec 50-3000, got '3001'" },
	{ "interface Fa0/0\n standby 1 timers 5 5\n", "t.cfg:2: expected a hold time greater than the hello time, got '5'" },
	{ "interface Fa0/0\n standby 1 timers 1 msec 900\n",
	  "t.cfg:2: expected a hold time greater than the hello time, got '900'" },
	{ "interface Fa0/0\n standby 1 timers 1\n",
	  "t.cfg:2: expected a hold time 1-255 (seconds) or msec 50-3000, got end of line" },
	{ "interface Fa0/0\n standby 1 name\n", "t.cfg:2: expected 'standby [GROUP] name NAME', got end of line" },
	{ "interface Fa0/0\n standby 1 name a b\n", "t.cfg:2: expected 'standby [GROUP] name NAME', got 'b'" },
	{ "interface Fa0/0\n standby 1 track Foo\n", "t.cfg:2: expected " SB_TRACK ", got 'Foo'" },
	{ "interface Fa0/0\n standby 1 track Fa0/1 256\n", "t.cfg:2: expected " SB_TRACK ", got '256'" },
	{ "interface Fa0/0\n standby 1 track 1001\n", "t.cfg:2: expected " SB_TRACK ", got '1001'" },
	{ "interface Fa0/0\n standby 1 track 1 decrease 10\n", "t.cfg:2: expected " SB_TRACK ", got 'decrease'" },
	{ "interface Fa0/0\n standby 1 track 1 decrement 10\n",
	  "t.cfg:2: expected a track object defined by 'track N interface INTERFACE line-protocol', got '1'" },
	{ "interface Fa0/0\n standby 1 track Fa0/9\n",
	  "t.cfg:2: expected an interface configured in this file, got 'Fa0/9'" },
	{ "interface Fa0/0\n standby 1 authentication toolongpw\n",
	  "t.cfg:2: expected a string of at most 8 characters, got 'toolongpw'" },
	{ "interface Fa0/0\n standby 1 authentication text\n", "t.cfg:2: expected " SB_AUTH ", got end of line" },
	{ "interface Fa0/0\n standby 1 authentication md5 key cisco\n", "t.cfg:2: expected " SB_AUTH ", got 'key'" },
	{ "interface Fa0/0\n standby 1 authentication md5 key-string 7 XYZ\n",
	  "t.cfg:2: expected a type-7 key (two digits, then hex pairs), got 'XYZ'" },
	{ "interface Fa0/0\n standby version 3\n", "t.cfg:2: expected 'standby version {1|2}', got '3'" },
	{ "interface Fa0/0\n standby 256 ip 1.1.1.1\n",
	  "t.cfg:2: expected an HSRP group 0-255 (4095 with 'standby version 2'), got '256'" },
	/* vrrp */
	{ "interface Fa0/0\n vrrp 0 ip 1.1.1.1\n", "t.cfg:2: expected " VR_FORM ", got '0'" },
	{ "interface Fa0/0\n vrrp 1\n", "t.cfg:2: expected " VR_FORM ", got end of line" },
	{ "interface Fa0/0\n vrrp\n", "t.cfg:2: expected " VR_FORM ", got end of line" },
	{ "interface Fa0/0\n vrrp 1 ip\n", "t.cfg:2: expected 'vrrp GROUP ip A.B.C.D [secondary]', got end of line" },
	{ "interface Fa0/0\n vrrp 1 priority 255\n", "t.cfg:2: expected 'vrrp GROUP priority 1-254', got '255'" },
	{ "interface Fa0/0\n vrrp 1 preempt delay 5\n",
	  "t.cfg:2: expected '[no] vrrp GROUP preempt [delay minimum 0-3600]', got '5'" },
	{ "interface Fa0/0\n vrrp 1 timers advertise msec 1000\n",
	  "t.cfg:2: expected 'vrrp GROUP timers advertise {1-255 | msec 50-999}', got '1000'" },
	{ "interface Fa0/0\n vrrp 1 timers advertise 256\n",
	  "t.cfg:2: expected 'vrrp GROUP timers advertise {1-255 | msec 50-999}', got '256'" },
	{ "interface Fa0/0\n vrrp 1 timers 3\n",
	  "t.cfg:2: expected 'vrrp GROUP timers advertise {1-255 | msec 50-999}', got '3'" },
	{ "interface Fa0/0\n vrrp 1 name\n", "t.cfg:2: expected 'vrrp GROUP name NAME', got end of line" },
	{ "interface Fa0/0\n vrrp 1 description\n", "t.cfg:2: expected 'vrrp GROUP description TEXT', got end of line" },
	{ "interface Fa0/0\n vrrp 1 authentication cisco\n",
	  "t.cfg:2: expected 'vrrp GROUP authentication text STRING', got 'cisco'" },
	{ "interface Fa0/0\n vrrp 1 shutdown now\n", "t.cfg:2: expected '[no] vrrp GROUP shutdown', got 'now'" },
	{ "interface Fa0/0\n vrrp 1 track 1 decrement 0\n",
	  "t.cfg:2: expected 'vrrp GROUP track 1-1000 [decrement 1-255]', got '0'" },
	{ "interface Fa0/0\n vrrp 1 track Fa0/1\n",
	  "t.cfg:2: expected 'vrrp GROUP track 1-1000 [decrement 1-255]', got 'Fa0/1'" },
	{ "interface Fa0/0\n vrrp version 4\n", "t.cfg:2: expected 'vrrp version {2|3}', got '4'" },
	{ "fhrp version vrrp v4\n", "t.cfg:1: expected 'fhrp version vrrp v3', got 'v4'" },
	/* track objects */
	{ "track 0 interface Fa0/0 line-protocol\n", "t.cfg:1: expected " TRACK_FORM ", got '0'" },
	{ "track 1 interface Fa0/0\n", "t.cfg:1: expected " TRACK_FORM ", got end of line" },
	{ "track 1 interface Foo line-protocol\n", "t.cfg:1: expected " TRACK_FORM ", got 'Foo'" },
	{ "track 1 interface Fa0/0 line-protocol now\n", "t.cfg:1: expected " TRACK_FORM ", got 'now'" },
	{ "track 1 interface Fa0/9 line-protocol\n",
	  "t.cfg:1: expected an interface configured in this file, got 'Fa0/9'" },
	/* router ospf */
	{ "router ospf\n", "t.cfg:1: expected 'router ospf 1-65535', got end of line" },
	{ "router ospf 65536\n", "t.cfg:1: expected 'router ospf 1-65535', got '65536'" },
	{ "router ospf 1 extra\n", "t.cfg:1: expected 'router ospf 1-65535', got 'extra'" },
	{ "router ospf 1\nrouter ospf 2\n",
	  "t.cfg:2: expected 'router ospf 1' (refgw runs one OSPF process), got '2'" },
	{ "router ospf 1\n network 10.0.0.0 0.0.0.255\n", "t.cfg:2: expected " NET_FORM ", got end of line" },
	{ "router ospf 1\n network 10.0.0.0 0.0.0.255 area x\n", "t.cfg:2: expected " NET_FORM ", got 'x'" },
	{ "router ospf 1\n network 10.0.0 0.0.0.255 area 0\n", "t.cfg:2: expected " NET_FORM ", got '10.0.0'" },
	{ "router ospf 1\n router-id 0.0.0.0\n", "t.cfg:2: expected 'router-id A.B.C.D', got '0.0.0.0'" },
	{ "router ospf 1\n log-adjacency-changes all\n", "t.cfg:2: expected 'log-adjacency-changes [detail]', got 'all'" },
	{ "router ospf 1\n passive-interface\n", "t.cfg:2: expected 'passive-interface {default|INTERFACE}', got end of line" },
	{ "router ospf 1\n passive-interface Foo\n", "t.cfg:2: expected 'passive-interface {default|INTERFACE}', got 'Foo'" },
	{ "router ospf 1\n redistribute\n", "t.cfg:2: expected " REDIST_FORM ", got end of line" },
	{ "router ospf 1\n redistribute static subnet\n", "t.cfg:2: expected " REDIST_FORM ", got 'subnet'" },
	{ "router ospf 1\n redistribute static metric-type 3\n", "t.cfg:2: expected " REDIST_FORM ", got '3'" },
	{ "router ospf 1\n redistribute static metric 16777215\n", "t.cfg:2: expected " REDIST_FORM ", got '16777215'" },
	{ "router ospf 1\n redistribute connected route-map\n", "t.cfg:2: expected " REDIST_FORM ", got end of line" },
	{ "router ospf 1\n default-information\n", "t.cfg:2: expected " DEFORIG_FORM ", got end of line" },
	{ "router ospf 1\n default-information originate sometimes\n",
	  "t.cfg:2: expected " DEFORIG_FORM ", got 'sometimes'" },
	/* route-map */
	{ "route-map\n", "t.cfg:1: expected 'route-map NAME [permit|deny] [0-65535]', got end of line" },
	{ "route-map M allow 10\n", "t.cfg:1: expected 'route-map NAME [permit|deny] [0-65535]', got 'allow'" },
	{ "route-map M permit 65536\n", "t.cfg:1: expected 'route-map NAME [permit|deny] [0-65535]', got '65536'" },
	{ "route-map M permit 10 x\n", "t.cfg:1: expected 'route-map NAME [permit|deny] [0-65535]', got 'x'" },
	{ "route-map M\n match tag\n", "t.cfg:2: expected 'match tag 0-4294967295 …' (at most 8), got end of line" },
	{ "route-map M\n match tag x\n", "t.cfg:2: expected 'match tag 0-4294967295 …' (at most 8), got 'x'" },
	{ "route-map M\n match tag 1 2 3 4 5 6 7 8 9\n",
	  "t.cfg:2: expected 'match tag 0-4294967295 …' (at most 8), got '9'" },
	{ "route-map M\n set tag 4294967296\n", "t.cfg:2: expected 'set tag 0-4294967295', got '4294967296'" },
	{ "route-map M\n set metric x\n", "t.cfg:2: expected 'set metric 0-4294967295', got 'x'" },
	{ "route-map M\n set metric-type type-3\n", "t.cfg:2: expected 'set metric-type {type-1|type-2}', got 'type-3'" },
	{ "hostname a\x01\n", "t.cfg:1: expected printable text, got byte 0x01" },
	{ "banner motd ^C\nhello\n", "t.cfg:1: expected the banner to end with '^C', got end of file" },
};

START_TEST(broken_line)
{
	const struct bad *b = &bads[_i];

	ck_assert_msg(parse(b->text) == -1, "accepted: %s", b->text);
	ck_assert_str_eq(err, b->msg);
}
END_TEST

START_TEST(limits)
{
	char *buf = malloc(IOS_INPUT_MAX + 2), *s;
	int i;

	/* a line too long, too many words, too many interfaces, too much text */
	memset(buf, 'x', 2000);
	buf[2000] = '\0';
	ck_assert_int_eq(parse(buf), -1);
	ck_assert_str_eq(err, "t.cfg:1: expected at most 1024 characters on a line, got 2000");
	s = buf;
	for (i = 0; i < 70; i++)
		s += sprintf(s, "w ");
	ck_assert_int_eq(parse(buf), -1);
	ck_assert_str_eq(err, "t.cfg:1: expected at most 64 words on a line, got more");
	s = buf;
	for (i = 0; i < 65; i++)
		s += sprintf(s, "interface Loopback%d\n", i);
	ck_assert_int_eq(parse(buf), -1);
	ck_assert_str_eq(err, "t.cfg:65: expected at most 64 interfaces, got 'Loopback64'");
	s = buf;
	for (i = 0; i < 11; i++)
		s += sprintf(s, "%s set peer 10.0.0.%d\n", i ? "" : "crypto map m 1\n", i + 1);
	ck_assert_int_eq(parse(buf), -1);
	ck_assert_str_eq(err, "t.cfg:12: expected at most 10 peers in one crypto map entry, got '10.0.0.11'");
	s = buf;
	for (i = 0; i < 2100; i++)
		s += sprintf(s, "x%d\n", i);
	ck_assert_int_eq(parse(buf), -1);
	ck_assert_str_eq(err, "t.cfg:2049: expected at most 2048 not-applied lines, got 'x2048'");
	memset(buf, '!', IOS_INPUT_MAX + 1);
	ck_assert_int_eq(ios_cfg_parse(buf, IOS_INPUT_MAX + 1, "t.cfg", cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "t.cfg: expected at most 1048576 bytes of configuration, got 1048577");
	s = buf;
	for (i = 0; i < 257; i++)
		s += sprintf(s, "ip route 10.%d.%d.0 255.255.255.0 1.1.1.1\n", i / 256, i % 256);
	ck_assert_int_eq(parse(buf), -1);
	ck_assert_str_eq(err, "t.cfg:257: expected at most 256 static routes, got '10.1.0.0'");
	free(buf);
	ck_assert(ios_cfg_load_file("/nonexistent/x.cfg", err, sizeof(err)) == NULL);
	ck_assert_str_eq(err, "/nonexistent/x.cfg: cannot open: No such file or directory");
}
END_TEST

static Suite *cfg_suite(void)
{
	Suite *s = suite_create("ios_cfg");
	TCase *tc = tcase_create("seeds");
	TCase *tr = tcase_create("rules");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, seed_loads, 0, (int)(sizeof(seeds) / sizeof(seeds[0])));
	tcase_add_test(tc, seed_vpn7200);
	tcase_add_test(tc, seed_7204vxr1);
	tcase_add_test(tc, seed_7204vxr2);
	tcase_add_test(tc, seed_7206);
	tcase_add_test(tc, seed_branch);
	tcase_add_test(tc, seed_hq1);
	tcase_add_test(tc, seed_hq2);
	tcase_add_loop_test(tc, seed_write_roundtrip, 0, (int)(sizeof(seeds) / sizeof(seeds[0])));
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tr, setup, teardown);
	tcase_add_test(tr, defaults_and_variants);
	tcase_add_test(tr, comware_dpd_and_recovery);
	tcase_add_test(tr, runtime_global_lines);
	tcase_add_test(tr, blanks_comments_blocks);
	tcase_add_test(tr, interface_lines);
	tcase_add_test(tr, acl_lines);
	tcase_add_test(tr, ifnames);
	tcase_add_test(tr, route_resolution);
	tcase_add_test(tr, fhrp_lines);
	tcase_add_test(tr, routing_lines);
	tcase_add_loop_test(tr, broken_line, 0, (int)(sizeof(bads) / sizeof(bads[0])));
	tcase_add_test(tr, limits);
	suite_add_tcase(s, tr);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cfg_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
