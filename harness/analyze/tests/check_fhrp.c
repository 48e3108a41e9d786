/* check_fhrp.c — CONFORMANCE.md assertions 40–59 (an_fhrp.c) on pcapng files written
 * here with the codecs (hsrp_encode, vrrp_encode) and read back through an_file: one
 * good HSRP and one good VRRP sequence where every judged assertion passes, then one
 * mutation per assertion that must fail it (and only the sequences' own assertions are
 * judged: the other protocol's stay not-applicable).
 *
 * Lab: r1 10.0.0.2 (02:00:00:00:00:01), r2 10.0.0.3 (…:02), host h 10.0.0.10 (…:0a);
 * virtual address 10.0.0.1; HSRP group 1 (v1) / 5 (v2), VRRP VRID 1. Times in seconds.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "analyze.h"
#include "an_fhrp.h"
#include "hsrp.h"
#include "vrrp.h"
#include "windows.h"
#include "pcapng.h"

#define R1   0x0A000002u
#define R2   0x0A000003u
#define HOST 0x0A00000Au
#define VIP  0x0A000001u
#define T0   1700000000LL

static const uint8_t mac_r1[6] = { 2, 0, 0, 0, 0, 1 }, mac_r2[6] = { 2, 0, 0, 0, 0, 2 },
		     mac_h[6] = { 2, 0, 0, 0, 0, 0x0a }, mac_mc[6] = { 1, 0, 0x5e, 0, 0, 2 },
		     mac_bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static struct lab_topo topo;

static void make_topo(void)
{
	static const char *const names[] = { "r1", "r2", "h" };
	const uint8_t *macs[] = { mac_r1, mac_r2, mac_h };
	const uint32_t ips[] = { R1, R2, HOST };
	memset(&topo, 0, sizeof(topo));
	topo.nnodes = 3;
	for (int n = 0; n < 3; n++) {
		struct lab_node *nd = &topo.nodes[n];
		snprintf(nd->name, sizeof(nd->name), "%s", names[n]);
		nd->nifs = 1;
		memcpy(nd->ifs[0].mac, macs[n], 6);
		nd->ifs[0].addrs[0].addr = ips[n];
		nd->ifs[0].addrs[0].plen = 24;
		nd->ifs[0].naddrs = 1;
	}
}

/* --- frames -------------------------------------------------------------------------- */

struct scen {
	char path[64];
	struct pcapng_writer w;
};

static void scen_open(struct scen *s)
{
	snprintf(s->path, sizeof(s->path), "/tmp/ihhdev-harn5-fhrp-XXXXXX");
	int fd = mkstemp(s->path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(pcapng_open_write(&s->w, s->path, 1, "lan", NULL), 0);
}

static size_t eth_ip(uint8_t *f, const uint8_t *src_mac, const uint8_t *dst_mac, uint32_t src, uint32_t dst,
		     uint8_t proto, uint8_t ttl, const uint8_t *pl, size_t plen)
{
	size_t iplen = 20 + plen;
	uint32_t sum = 0;
	memcpy(f, dst_mac, 6);
	memcpy(f + 6, src_mac, 6);
	f[12] = 0x08, f[13] = 0x00;
	uint8_t *ip = f + 14;
	memset(ip, 0, 20);
	ip[0] = 0x45, ip[2] = (uint8_t)(iplen >> 8), ip[3] = (uint8_t)iplen, ip[8] = ttl, ip[9] = proto;
	for (int i = 0; i < 4; i++) {
		ip[12 + i] = (uint8_t)(src >> (24 - 8 * i));
		ip[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
	}
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ip[10] = (uint8_t)(~sum >> 8), ip[11] = (uint8_t)~sum;
	memcpy(ip + 20, pl, plen);
	return 14 + iplen;
}

static void put(struct scen *s, double t, const uint8_t *f, size_t n)
{
	ck_assert_int_eq(pcapng_write(&s->w, T0 * 1000000000LL + (int64_t)(t * 1e9 + 0.5), f, n, n), 0);
}

/* HSRP message from r (1 or 2) */
struct hs { int ver, op, state, prio, group, hello_ms, hold_ms, ttl, vmac, dst; };

static void hsrp(struct scen *s, double t, int r, struct hs h)
{
	struct hsrp_pkt p;
	uint8_t msg[128], udp[136], f[256], vm[6];
	memset(&p, 0, sizeof(p));
	p.version = (uint8_t)(h.ver ? h.ver : 1);
	p.op = (uint8_t)h.op;
	p.state = (enum hsrp_state)h.state;
	p.group = (uint16_t)h.group;
	p.priority = (uint32_t)h.prio;
	p.hello_ms = (uint32_t)(h.hello_ms ? h.hello_ms : 3000);
	p.hold_ms = (uint32_t)(h.hold_ms ? h.hold_ms : 10000);
	p.vip = VIP;
	p.ipver = 4;
	memcpy(p.identifier, r == 1 ? mac_r1 : mac_r2, 6);
	snprintf(p.auth, sizeof(p.auth), "cisco");
	int n = hsrp_encode(&p, msg, sizeof(msg));
	ck_assert_int_gt(n, 0);
	udp[0] = 1985 >> 8, udp[1] = 1985 & 255, udp[2] = 1985 >> 8, udp[3] = 1985 & 255;
	udp[4] = (uint8_t)((8 + n) >> 8), udp[5] = (uint8_t)(8 + n), udp[6] = udp[7] = 0;
	memcpy(udp + 8, msg, (size_t)n);
	an_hsrp_vmac(p.version, p.group, vm);
	uint32_t dst = h.dst ? (uint32_t)h.dst : p.version == 2 ? HSRP_V2_GROUP : HSRP_V1_GROUP;
	size_t fl = eth_ip(f, h.vmac ? vm : r == 1 ? mac_r1 : mac_r2, mac_mc, r == 1 ? R1 : R2, dst, 17,
			   (uint8_t)(h.ttl ? h.ttl : 1), udp, 8 + (size_t)n);
	put(s, t, f, fl);
}

static void arp(struct scen *s, double t, int op, const uint8_t *eth_src, const uint8_t *sha, uint32_t spa,
		uint32_t tpa)
{
	uint8_t f[64];
	memset(f, 0, sizeof(f));
	memcpy(f, op == 2 && tpa != spa ? mac_h : mac_bc, 6);
	memcpy(f + 6, eth_src, 6);
	f[12] = 0x08, f[13] = 0x06;
	uint8_t *a = f + 14;
	a[1] = 1, a[2] = 0x08, a[4] = 6, a[5] = 4, a[7] = (uint8_t)op;
	memcpy(a + 8, sha, 6);
	for (int i = 0; i < 4; i++) {
		a[14 + i] = (uint8_t)(spa >> (24 - 8 * i));
		a[24 + i] = (uint8_t)(tpa >> (24 - 8 * i));
	}
	put(s, t, f, 60);
}

static void garp_hsrp(struct scen *s, double t, int ver, int group)
{
	uint8_t vm[6];
	an_hsrp_vmac((unsigned)ver, (unsigned)group, vm);
	arp(s, t, 1, vm, vm, VIP, VIP);
}

static void garp_vrrp(struct scen *s, double t)
{
	uint8_t vm[6];
	an_vrrp_vmac(1, vm);
	arp(s, t, 1, vm, vm, VIP, VIP);
}

struct vr { int ver, prio, adv_cs, ttl, realmac, badck; };

static void vrrp(struct scen *s, double t, int r, struct vr v)
{
	struct vrrp_pkt p;
	uint8_t msg[64], f[128], vm[6];
	memset(&p, 0, sizeof(p));
	p.version = (uint8_t)(v.ver ? v.ver : 2);
	p.type = 1;
	p.vrid = 1;
	p.priority = (uint8_t)v.prio;
	p.naddrs = 1;
	p.addrs[0] = VIP;
	p.adver_int_cs = (uint16_t)(v.adv_cs ? v.adv_cs : 100);
	int n = vrrp_encode(&p, r == 1 ? R1 : R2, VRRP_GROUP_V4, msg, sizeof(msg));
	ck_assert_int_gt(n, 0);
	if (v.badck)
		msg[7] ^= 0x55;
	an_vrrp_vmac(1, vm);
	const uint8_t mc[6] = { 1, 0, 0x5e, 0, 0, 0x12 };
	size_t fl = eth_ip(f, v.realmac ? (r == 1 ? mac_r1 : mac_r2) : vm, mc, r == 1 ? R1 : R2, VRRP_GROUP_V4, 112,
			   (uint8_t)(v.ttl ? v.ttl : 255), msg, (size_t)n);
	put(s, t, f, fl);
}

static void icmp_redirect(struct scen *s, double t, int r)
{
	uint8_t m[36], f[128];
	memset(m, 0, sizeof(m));
	m[0] = 5, m[1] = 1;
	m[8] = 0x45;
	size_t fl = eth_ip(f, r == 1 ? mac_r1 : mac_r2, mac_h, r == 1 ? R1 : R2, HOST, 1, 64, m, sizeof(m));
	put(s, t, f, fl);
}

/* Close, analyze, judge. */
static int counted_not_r2(const char *node, void *arg)
{
	(void)arg;
	return strcmp(node, "r2") != 0;
}

static void judge_file(struct scen *s, struct an_chk out[AN_FHRP_N], const struct an_fhrp_cfg *cfg, int ncfg,
		       int waive_r2)
{
	struct ev_list l;
	struct an_stats st;
	char err[256] = "";
	ck_assert_int_eq(pcapng_close(&s->w), 0);
	ev_list_init(&l);
	memset(&st, 0, sizeof(st));
	ck_assert_msg(an_file(s->path, "lan", &topo, NULL, &l, &st, err, sizeof(err)) == 0, "%s", err);
	unlink(s->path);
	ck_assert_uint_eq(st.malformed, 0);
	struct an_fhrp_opts o = { .scale = 1, .tol_s = 0.05, .cfg = cfg, .ncfg = ncfg,
				  .counted = waive_r2 ? counted_not_r2 : NULL };
	an_fhrp_check(&l, &o, out);
	if (getenv("AN_DUMP"))
		for (int i = 0; i < AN_FHRP_N; i++)
			printf("#%d %-14s %lu judged, %lu failed; %s frame %u: %s %s\n", out[i].id,
			       an_chk_status_name(out[i].status), out[i].checked, out[i].failed, out[i].link,
			       out[i].frame, out[i].detail, out[i].waived_detail);
	ev_list_free(&l);
}

#define ST(id) (out[(id) - AN_FHRP_FIRST].status)
#define ASSERT_ST(id, want)                                                                                    \
	ck_assert_msg(ST(id) == (want), "#%d is %s (want %s): %s", (id), an_chk_status_name(ST(id)),          \
		      an_chk_status_name(want), out[(id) - AN_FHRP_FIRST].detail)

/* --- HSRP ------------------------------------------------------------------------------ */

/* The good sequence (v1, group 1, Hello 3 Hold 10), with one mutation:
 * r1 (110, preempt) Active from t=0, r2 (100) Standby; r1 silent after 12 → r2 Active at
 * 22 (Hold after the last Hello); r1 back at 40: Speak, Coup, r2 Resign, r1 Active. */
enum hm { HM_NONE, HM_TTL, HM_HOLD, HM_NOJITTER, HM_LISTEN, HM_REALMAC, HM_STBVMAC, HM_NOGARP, HM_LATE,
	  HM_LOWCOUP, HM_NORESIGN, HM_RESIGN_STB, HM_DUAL, HM_REDIRECT, HM_LEN };

static void hsrp_seq(struct scen *s, enum hm m)
{
	static const double jit[] = { 0, 0.12, 0.05, 0.21, 0.0, 0.17, 0.09 };
	double t;
	int k = 0;
	/* r1 Active, jittered Hello (RFC 2281 §5.4) */
	garp_hsrp(s, 0.001, 1, 1);
	for (t = 0; t <= 12.01; t += 3.0 - (m == HM_NOJITTER ? 0 : jit[k++ % 7]))
		hsrp(s, t, 1, (struct hs){ .state = m == HM_LISTEN && t > 5 ? HSRP_LISTEN : HSRP_ACTIVE, .prio = 110,
					   .group = 1, .vmac = m != HM_REALMAC, .ttl = m == HM_TTL ? 2 : 1,
					   .hold_ms = m == HM_HOLD ? 3000 : 0 });
	for (t = 0.5, k = 0; t <= 21.9; t += 3.0 - jit[(k++ + 3) % 7])
		hsrp(s, t, 2, (struct hs){ .state = HSRP_STANDBY, .prio = 100, .group = 1, .vmac = m == HM_STBVMAC });
	if (m == HM_DUAL)   /* r1 goes on as Active beside r2 */
		for (t = 14; t < 39; t += 2.9)
			hsrp(s, t, 1, (struct hs){ .state = HSRP_ACTIVE, .prio = 110, .group = 1, .vmac = 1 });
	/* r2 takes over Hold after r1's last Hello (12 - jitter sum) */
	double last1 = 0;
	for (t = 0, k = 0; t <= 12.01; t += 3.0 - (m == HM_NOJITTER ? 0 : jit[k++ % 7]))
		last1 = t;
	double act2 = last1 + (m == HM_LATE ? 11.5 : 9.9);
	if (m != HM_NOGARP)
		garp_hsrp(s, act2 + 0.001, 1, 1);
	for (t = act2, k = 0; t < 40.4; t += 3.0 - jit[(k++ + 1) % 7])
		hsrp(s, t, 2, (struct hs){ .state = HSRP_ACTIVE, .prio = 100, .group = 1, .vmac = 1 });
	if (m == HM_RESIGN_STB)   /* r2 resigns while Standby */
		hsrp(s, 10.2, 2, (struct hs){ .op = HSRP_OP_RESIGN, .state = HSRP_STANDBY, .prio = 100, .group = 1 });
	/* r1 returns, preempts */
	hsrp(s, 40.0, 1, (struct hs){ .state = HSRP_SPEAK, .prio = 110, .group = 1 });
	hsrp(s, 40.5, 1, (struct hs){ .op = HSRP_OP_COUP, .state = HSRP_SPEAK, .prio = m == HM_LOWCOUP ? 90 : 110,
				      .group = 1 });
	if (m != HM_NORESIGN)
		hsrp(s, 40.51, 2, (struct hs){ .op = HSRP_OP_RESIGN, .state = HSRP_ACTIVE, .prio = 100, .group = 1,
					       .vmac = 1 });
	hsrp(s, 40.52, 1, (struct hs){ .state = HSRP_ACTIVE, .prio = 110, .group = 1, .vmac = 1 });
	garp_hsrp(s, 40.521, 1, 1);
	hsrp(s, 40.53, 2, (struct hs){ .state = HSRP_SPEAK, .prio = 100, .group = 1 });
	for (t = m == HM_NOJITTER ? 43.52 : 43.4, k = 0; t < 50; t += 3.0 - (m == HM_NOJITTER ? 0 : jit[k++ % 7]))
		hsrp(s, t, 1, (struct hs){ .state = HSRP_ACTIVE, .prio = 110, .group = 1, .vmac = 1 });
	for (t = 43.3, k = 0; t < 50; t += 3.0 - jit[(k++ + 2) % 7])
		hsrp(s, t, 2, (struct hs){ .state = HSRP_STANDBY, .prio = 100, .group = 1 });
	if (m == HM_REDIRECT)
		icmp_redirect(s, 45, 1);
}

START_TEST(test_hsrp_good)
{
	struct scen s;
	struct an_chk out[AN_FHRP_N];
	struct an_fhrp_cfg cfg[] = { { "r1", 0, 1, 1 }, { "r2", 0, 1, 0 } };
	scen_open(&s);
	hsrp_seq(&s, HM_NONE);
	judge_file(&s, out, cfg, 2, 0);
	for (int id = 40; id <= 49; id++)
		ASSERT_ST(id, AN_CHK_PASS);
	for (int id = 50; id <= 59; id++)
		ASSERT_ST(id, AN_CHK_NA);
	ck_assert_uint_eq(out[46 - 40].checked, 1);
	ck_assert_uint_eq(out[47 - 40].checked, 1);
	ck_assert_str_eq(out[0].link, "lan");
	ck_assert_uint_ge(out[0].frame, 1);
}
END_TEST

START_TEST(test_hsrp_bad)
{
	static const struct { enum hm m; int id; } cases[] = {
		{ HM_TTL, 40 }, { HM_HOLD, 41 }, { HM_NOJITTER, 42 }, { HM_LISTEN, 43 }, { HM_REALMAC, 44 },
		{ HM_STBVMAC, 44 }, { HM_NOGARP, 45 }, { HM_LATE, 46 }, { HM_LOWCOUP, 47 }, { HM_NORESIGN, 47 },
		{ HM_RESIGN_STB, 48 }, { HM_DUAL, 49 }, { HM_REDIRECT, 49 },
	};
	struct an_chk out[AN_FHRP_N];
	struct an_fhrp_cfg cfg[] = { { "r1", 0, 1, 1 }, { "r2", 0, 1, 0 } };
	struct scen s;
	scen_open(&s);
	hsrp_seq(&s, cases[_i].m);
	judge_file(&s, out, cfg, 2, 0);
	ASSERT_ST(cases[_i].id, AN_CHK_FAIL);
	ck_assert_uint_ge(out[cases[_i].id - 40].frame, 1);
	ck_assert(out[cases[_i].id - 40].detail[0]);
}
END_TEST

/* Coup by a router whose configuration has no preempt (#47) */
START_TEST(test_hsrp_coup_no_preempt)
{
	struct an_chk out[AN_FHRP_N];
	struct an_fhrp_cfg cfg[] = { { "r1", 0, 1, 0 } };
	struct scen s;
	scen_open(&s);
	hsrp_seq(&s, HM_NONE);
	judge_file(&s, out, cfg, 1, 0);
	ASSERT_ST(47, AN_CHK_FAIL);
}
END_TEST

/* HSRPv2 (#50): group 5, v2 vMAC 0000.0c9f.f005, 224.0.0.102; a v2 Hello to 224.0.0.2 fails */
START_TEST(test_hsrp_v2)
{
	struct an_chk out[AN_FHRP_N];
	struct scen s;
	for (int bad = 0; bad < 2; bad++) {
		scen_open(&s);
		garp_hsrp(&s, 0.001, 2, 5);
		for (int k = 0; k < 5; k++) {
			hsrp(&s, k * 2.9 + (k & 1) * 0.05, 1, (struct hs){ .ver = 2, .state = HSRP_ACTIVE, .prio = 110,
									  .group = 5, .vmac = 1,
									  .dst = bad && k == 3 ? (int)HSRP_V1_GROUP : 0 });
			hsrp(&s, k * 2.9 + 0.4 + (k & 1) * 0.08, 2, (struct hs){ .ver = 2, .state = HSRP_STANDBY,
										  .prio = 100, .group = 5 });
		}
		judge_file(&s, out, NULL, 0, 0);
		ASSERT_ST(40, AN_CHK_NA);
		ASSERT_ST(44, AN_CHK_PASS);
		ASSERT_ST(45, AN_CHK_PASS);
		ASSERT_ST(50, bad ? AN_CHK_FAIL : AN_CHK_PASS);
	}
}
END_TEST

/* --- VRRP ------------------------------------------------------------------------------ */

/* Good v2 sequence: r1 (200) Master every 1 s to 10; silent → r2 (100) Master after
 * MDI 3.609 s; r1 back at 20.3 preempts, r2 steps down; r1 priority 0 at 25 → r2 Master
 * after Skew 0.609 s; an ARP reply for the VIP from the vMAC at 27. */
enum vm { VM_NONE, VM_TTL, VM_CKSUM, VM_REALMAC, VM_GAP, VM_EARLY, VM_SKEW, VM_NOGARP, VM_BACKUP_ARP,
	  VM_NOPREEMPT_CFG, VM_NOSTEP, VM_LOWPREEMPT };

static void vrrp_seq(struct scen *s, enum vm m)
{
	double t;
	double mdi = vrrp_master_down_s(2, 100, 1.0), skew = vrrp_skew_s(2, 100, 1.0);
	garp_vrrp(s, 0.001);
	for (t = 0; t <= 10.001; t += (m == VM_GAP && t > 4 && t < 6) ? 1.5 : 1.0)
		vrrp(s, t, 1, (struct vr){ .prio = 200, .ttl = m == VM_TTL ? 64 : 0, .badck = m == VM_CKSUM && t > 3,
					   .realmac = m == VM_REALMAC });
	double a2 = 10 + (m == VM_EARLY ? 3.0 : mdi);
	if (m != VM_NOGARP)
		garp_vrrp(s, a2 + 0.002);
	for (t = a2; t < 20.3; t += 1.0)
		vrrp(s, t, 2, (struct vr){ .prio = 100 });
	if (m == VM_NOSTEP)
		for (t = 20.3 + 0.7; t < 22.5; t += 1.0)
			vrrp(s, t, 2, (struct vr){ .prio = 100 });
	/* r1 back (VM_LOWPREEMPT: with a lower priority than the live Master) */
	garp_vrrp(s, 20.301);
	for (t = 20.3; t < 25; t += 1.0)
		vrrp(s, t, 1, (struct vr){ .prio = m == VM_LOWPREEMPT ? 50 : 200 });
	vrrp(s, 25.0, 1, (struct vr){ .prio = 0 });
	double a3 = 25.0 + (m == VM_SKEW ? 2.0 : skew);
	garp_vrrp(s, a3 + 0.001);
	for (t = a3; t < 30; t += 1.0)
		vrrp(s, t, 2, (struct vr){ .prio = 100 });
	uint8_t vm[6];
	an_vrrp_vmac(1, vm);
	arp(s, 27.2, 2, vm, vm, VIP, HOST);
	if (m == VM_BACKUP_ARP)
		arp(s, 27.3, 2, mac_r1, mac_r1, VIP, HOST);
}

START_TEST(test_vrrp_good)
{
	struct scen s;
	struct an_chk out[AN_FHRP_N];
	scen_open(&s);
	vrrp_seq(&s, VM_NONE);
	judge_file(&s, out, NULL, 0, 0);
	for (int id = 40; id <= 50; id++)
		ASSERT_ST(id, AN_CHK_NA);
	for (int id = 51; id <= 58; id++)
		ASSERT_ST(id, AN_CHK_PASS);
	ASSERT_ST(59, AN_CHK_NA);
	ck_assert_uint_eq(out[54 - 40].checked, 1);
	ck_assert_uint_eq(out[55 - 40].checked, 2);   /* the priority 0 from a Master, the takeover */
}
END_TEST

START_TEST(test_vrrp_bad)
{
	static const struct { enum vm m; int id; } cases[] = {
		{ VM_TTL, 51 }, { VM_CKSUM, 52 }, { VM_REALMAC, 53 }, { VM_GAP, 53 }, { VM_EARLY, 54 },
		{ VM_SKEW, 55 }, { VM_NOGARP, 56 }, { VM_BACKUP_ARP, 56 }, { VM_NOPREEMPT_CFG, 57 },
		{ VM_NOSTEP, 58 }, { VM_LOWPREEMPT, 57 },
	};
	struct an_chk out[AN_FHRP_N];
	struct an_fhrp_cfg cfg[] = { { "r1", 1, 1, 0 } };
	struct scen s;
	scen_open(&s);
	vrrp_seq(&s, cases[_i].m);
	judge_file(&s, out, cfg, cases[_i].m == VM_NOPREEMPT_CFG ? 1 : 0, 0);
	ASSERT_ST(cases[_i].id, AN_CHK_FAIL);
	ck_assert(out[cases[_i].id - 40].detail[0]);
}
END_TEST

/* A node not under test (keepalived without use_vmac) advertising from its own MAC: the
 * failure is reported as waived, not counted. */
START_TEST(test_vrrp_waived)
{
	struct scen s;
	struct an_chk out[AN_FHRP_N];
	scen_open(&s);
	garp_vrrp(&s, 0.001);
	for (int k = 0; k < 5; k++)
		vrrp(&s, k, 2, (struct vr){ .prio = 100, .realmac = 1 });
	judge_file(&s, out, NULL, 0, 1);
	ASSERT_ST(53, AN_CHK_WAIVED);
	ck_assert_uint_eq(out[53 - 40].failed, 0);
	ck_assert_uint_eq(out[53 - 40].waived, 5);
	ck_assert(strstr(out[53 - 40].waived_detail, "r2"));
}
END_TEST

/* #59: v3, r2 configured with 2 s takes over on r1's 1 s (learned Master_Adver_Interval);
 * v2 with a mismatched AdverInt: the Master keeps advertising (discards) or not (fail). */
START_TEST(test_vrrp_adverint)
{
	struct scen s;
	struct an_chk out[AN_FHRP_N];
	for (int learned = 0; learned < 2; learned++) {
		scen_open(&s);
		garp_vrrp(&s, 0.001);
		for (int k = 0; k <= 5; k++)
			vrrp(&s, k, 1, (struct vr){ .ver = 3, .prio = 200, .adv_cs = 100 });
		double mdi = vrrp_master_down_s(3, 100, learned ? 1.0 : 2.0);
		garp_vrrp(&s, 5 + mdi + 0.001);
		for (int k = 0; k < 3; k++)
			vrrp(&s, 5 + mdi + 2 * k, 2, (struct vr){ .ver = 3, .prio = 100, .adv_cs = 200 });
		judge_file(&s, out, NULL, 0, 0);
		ASSERT_ST(52, AN_CHK_PASS);   /* v3 checksums with the pseudo-header */
		ASSERT_ST(59, learned ? AN_CHK_PASS : AN_CHK_FAIL);
	}
	for (int discards = 0; discards < 2; discards++) {
		scen_open(&s);
		garp_vrrp(&s, 0.001);
		vrrp(&s, 3.5, 2, (struct vr){ .prio = 250, .adv_cs = 200 });
		for (int k = 0; k <= 6; k++)
			if (discards || k <= 3)
				vrrp(&s, k, 1, (struct vr){ .prio = 200, .adv_cs = 100 });
		judge_file(&s, out, NULL, 0, 0);
		ASSERT_ST(59, discards ? AN_CHK_PASS : AN_CHK_FAIL);
	}
}
END_TEST

/* Time scale: refgw at --time-scale 0.1 sends Hello 3 s on the wire every 0.3 s. */
START_TEST(test_scaled)
{
	struct scen s;
	struct an_chk out[AN_FHRP_N];
	struct ev_list l;
	struct an_stats st;
	char err[256];
	scen_open(&s);
	garp_hsrp(&s, 0.0001, 1, 1);
	for (int k = 0; k < 8; k++)
		hsrp(&s, k * 0.3 - (k & 1) * 0.02, 1, (struct hs){ .state = HSRP_ACTIVE, .prio = 110, .group = 1,
								    .vmac = 1 });
	ck_assert_int_eq(pcapng_close(&s.w), 0);
	ev_list_init(&l);
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(an_file(s.path, "lan", &topo, NULL, &l, &st, err, sizeof(err)), 0);
	unlink(s.path);
	struct an_fhrp_opts o = { .scale = 0.1, .tol_s = 0.02 };
	an_fhrp_check(&l, &o, out);
	ASSERT_ST(42, AN_CHK_PASS);
	o.scale = 1;
	an_fhrp_check(&l, &o, out);
	ASSERT_ST(42, AN_CHK_FAIL);
	ev_list_free(&l);
}
END_TEST

/* The analyzer's fields (event.h) as the checks read them. */
START_TEST(test_event_fields)
{
	struct scen s;
	struct ev_list l;
	struct an_stats st;
	char err[256];
	scen_open(&s);
	hsrp(&s, 1, 1, (struct hs){ .state = HSRP_ACTIVE, .prio = 110, .group = 7, .vmac = 1 });
	vrrp(&s, 2, 2, (struct vr){ .ver = 3, .prio = 100, .adv_cs = 150, .badck = 1 });
	garp_vrrp(&s, 3);
	ck_assert_int_eq(pcapng_close(&s.w), 0);
	ev_list_init(&l);
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(an_file(s.path, "lan", &topo, NULL, &l, &st, err, sizeof(err)), 0);
	unlink(s.path);
	ck_assert_uint_eq(l.n, 3);
	const struct ev *h = &l.v[0], *v = &l.v[1], *a = &l.v[2];
	ck_assert_str_eq(h->node, "r1");
	ck_assert_uint_eq(h->frame, 1);
	ck_assert_uint_eq(h->ver, 1);
	ck_assert_uint_eq(h->op, HSRP_OP_HELLO);
	ck_assert_uint_eq(h->fhrp_state, HSRP_ACTIVE);
	ck_assert_uint_eq(h->group, 7);
	ck_assert_uint_eq(h->hello_ms, 3000);
	ck_assert_uint_eq(h->hold_ms, 10000);
	ck_assert_uint_eq(h->vip, VIP);
	ck_assert_uint_eq(h->ttl, 1);
	ck_assert_uint_eq(h->dport, 1985);
	ck_assert_uint_eq(h->l7_len, 20);
	ck_assert_uint_eq(h->eth_src[5], 0x07);
	ck_assert_int_eq(h->value, 110);
	ck_assert_str_eq(v->node, "r2");
	ck_assert_uint_eq(v->frame, 2);
	ck_assert_uint_eq(v->ver, 3);
	ck_assert_uint_eq(v->group, 1);
	ck_assert_uint_eq(v->hello_ms, 1500);
	ck_assert_uint_eq(v->ttl, 255);
	ck_assert_int_eq(v->cksum_bad, 1);
	ck_assert_uint_eq(v->nvips, 1);
	ck_assert_uint_eq(v->vips[0], VIP);
	ck_assert_int_eq(a->garp, 1);
	ck_assert_str_eq(a->node, "r2");   /* the vMAC's holder: the VRRP advert's sender */
	ck_assert_uint_eq(a->op, 1);
	ck_assert_uint_eq(a->arp_sha[0], 0);
	ck_assert_uint_eq(a->arp_sha[2], 0x5e);
	ev_list_free(&l);
}
END_TEST


/* tshark, an independent dissector, reads the same fields from the same frames: HSRP v1
 * and v2 version, opcode, state (wire values), group, priority, Hello/Hold, VRRP version,
 * VRID, priority, interval, checksum status, TTL, Ethernet source, gratuitous ARP. */
static unsigned hsrp_wire_state(int ver, int st)
{
	static const unsigned v1[] = { 0, 1, 2, 4, 8, 16 };
	return ver == 2 ? (unsigned)st + 1 : v1[st];
}

START_TEST(test_vs_tshark)
{
	struct scen s;
	struct ev_list l;
	struct an_stats st;
	char err[256], cmd[1024], line[1024];
	if (access("/usr/bin/tshark", X_OK) < 0) {
		fprintf(stderr, "check_fhrp: tshark not installed, cross-check not run (make deps)\n");
		return;
	}
	scen_open(&s);
	hsrp(&s, 1, 1, (struct hs){ .state = HSRP_ACTIVE, .prio = 110, .group = 7, .vmac = 1 });
	hsrp(&s, 1.5, 2, (struct hs){ .op = HSRP_OP_COUP, .state = HSRP_SPEAK, .prio = 120, .group = 7, .hello_ms = 1000,
				      .hold_ms = 4000 });
	hsrp(&s, 2, 1, (struct hs){ .ver = 2, .state = HSRP_STANDBY, .prio = 100, .group = 300, .hello_ms = 250,
				    .hold_ms = 1000 });
	vrrp(&s, 3, 2, (struct vr){ .prio = 100, .adv_cs = 200 });
	vrrp(&s, 4, 1, (struct vr){ .ver = 3, .prio = 254, .adv_cs = 150 });
	vrrp(&s, 5, 1, (struct vr){ .ver = 3, .prio = 0, .adv_cs = 100, .badck = 1, .ttl = 64 });
	garp_vrrp(&s, 6);
	arp(&s, 7, 2, mac_r1, mac_r1, R1, HOST);
	ck_assert_int_eq(pcapng_close(&s.w), 0);
	ev_list_init(&l);
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(an_file(s.path, "lan", &topo, NULL, &l, &st, err, sizeof(err)), 0);
	ck_assert_uint_eq(l.n, 8);
	snprintf(cmd, sizeof(cmd), "tshark -n -r '%s' -o vrrp.v3_checksum_as_in_v2:FALSE -T fields -E separator='|' "
		 "-e frame.number -e ip.ttl -e eth.src -e hsrp.version -e hsrp.opcode -e hsrp.state -e hsrp.group "
		 "-e hsrp.priority -e hsrp.hellotime -e hsrp.holdtime -e hsrp2.version -e hsrp2.opcode -e hsrp2.state "
		 "-e hsrp2.group -e hsrp2.priority -e hsrp2.hellotime -e hsrp2.holdtime -e vrrp.version "
		 "-e vrrp.virt_rtr_id -e vrrp.prio -e vrrp.adver_int -e vrrp.checksum.status -e arp.isgratuitous "
		 "-e vrrp.short_adver_int 2>/dev/null", s.path);
	if (getenv("AN_KEEP"))
		fprintf(stderr, "kept %s\n", s.path);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	int rows = 0;
	while (fgets(line, sizeof(line), p)) {
		char *f[24] = { 0 }, *c = line;
		int nf = 0;
		line[strcspn(line, "\n")] = '\0';
		while (nf < 24) {
			f[nf++] = c;
			c = strchr(c, '|');
			if (!c)
				break;
			*c++ = '\0';
		}
		ck_assert_int_eq(nf, 24);
		const struct ev *e = &l.v[rows++];
		ck_assert_uint_eq(e->frame, strtoul(f[0], NULL, 10));
		char mac[18];
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", e->eth_src[0], e->eth_src[1], e->eth_src[2],
			 e->eth_src[3], e->eth_src[4], e->eth_src[5]);
		ck_assert_str_eq(mac, f[2]);
		if (e->type == EV_HSRP && e->ver == 1) {
			ck_assert_uint_eq(e->ttl, strtoul(f[1], NULL, 10));
			ck_assert_uint_eq(strtoul(f[3], NULL, 0), 0);
			ck_assert_uint_eq(e->op, strtoul(f[4], NULL, 0));
			ck_assert_uint_eq(hsrp_wire_state(1, e->fhrp_state), strtoul(f[5], NULL, 0));
			ck_assert_uint_eq(e->group, strtoul(f[6], NULL, 0));
			ck_assert_uint_eq((unsigned)e->value, strtoul(f[7], NULL, 0));
			ck_assert_uint_eq(e->hello_ms, strtoul(f[8], NULL, 0) * 1000);
			ck_assert_uint_eq(e->hold_ms, strtoul(f[9], NULL, 0) * 1000);
		} else if (e->type == EV_HSRP) {
			ck_assert_uint_eq(strtoul(f[10], NULL, 0), 2);
			ck_assert_uint_eq(e->op, strtoul(f[11], NULL, 0));
			ck_assert_uint_eq(hsrp_wire_state(2, e->fhrp_state), strtoul(f[12], NULL, 0));
			ck_assert_uint_eq(e->group, strtoul(f[13], NULL, 0));
			ck_assert_uint_eq((unsigned)e->value, strtoul(f[14], NULL, 0));
			ck_assert_uint_eq(e->hello_ms, strtoul(f[15], NULL, 0));
			ck_assert_uint_eq(e->hold_ms, strtoul(f[16], NULL, 0));
			ck_assert_int_eq(e->tlv_ok, 1);
		} else if (e->type == EV_VRRP) {
			ck_assert_uint_eq(e->ttl, strtoul(f[1], NULL, 10));
			ck_assert_uint_eq(e->ver, strtoul(f[17], NULL, 0));
			ck_assert_uint_eq(e->group, strtoul(f[18], NULL, 0));
			ck_assert_uint_eq((unsigned)e->value, strtoul(f[19], NULL, 0));
			/* v2 seconds, v3 centiseconds */
			ck_assert_uint_eq(e->hello_ms, e->ver == 2 ? strtoul(f[20], NULL, 0) * 1000 : strtoul(f[23], NULL, 0) * 10);
			/* Wireshark checksum status: 0 bad, 1 good */
			ck_assert_int_eq(e->cksum_bad, strtoul(f[21], NULL, 0) == 0);
		} else {
			ck_assert_int_eq(e->type, EV_ARP);
			ck_assert_int_eq(e->garp, strtoul(f[22], NULL, 0) == 1);
		}
	}
	pclose(p);
	if (!getenv("AN_KEEP"))
		unlink(s.path);
	ck_assert_int_eq(rows, 8);
	ev_list_free(&l);
}
END_TEST

static Suite *fhrp_suite(void)
{
	Suite *s = suite_create("fhrp");
	TCase *tc = tcase_create("core");
	make_topo();
	tcase_add_test(tc, test_hsrp_good);
	tcase_add_loop_test(tc, test_hsrp_bad, 0, 13);
	tcase_add_test(tc, test_hsrp_coup_no_preempt);
	tcase_add_test(tc, test_hsrp_v2);
	tcase_add_test(tc, test_vrrp_good);
	tcase_add_loop_test(tc, test_vrrp_bad, 0, 11);
	tcase_add_test(tc, test_vrrp_waived);
	tcase_add_test(tc, test_vrrp_adverint);
	tcase_add_test(tc, test_scaled);
	tcase_add_test(tc, test_event_fields);
	tcase_add_test(tc, test_vs_tshark);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(fhrp_suite());
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
