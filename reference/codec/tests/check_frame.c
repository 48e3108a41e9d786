/* check_frame.c — Check suite for frame_decode: hand-built Ethernet / 802.1Q / SLL /
 * raw IPv4 frames of every kind, NAT-T ESP vs non-ESP marker vs keepalive, fragments,
 * IPv4 header checks, ARP and ICMP.
 */
#include <check.h>
#include <stdlib.h>
#include "codec_testutil.h"

static uint8_t f[4096], pl[2048];
static struct frame_info fi;

#define SRC TU_IP(192, 0, 2, 1)
#define DST TU_IP(198, 51, 100, 2)

START_TEST(test_isakmp_500)
{
	int n = tu_build_mm1(pl, sizeof(pl), 0);
	size_t fl = tu_eth_udp(f, SRC, DST, 500, 500, pl, (size_t)n);

	ck_assert_int_eq(frame_decode(f, fl, FRAME_LINKTYPE_ETHERNET, &fi), 0);
	ck_assert_int_eq(fi.malformed, 0);
	ck_assert_int_eq(fi.kind, FRAME_ISAKMP);
	ck_assert_int_eq(fi.has_eth, 1);
	ck_assert_mem_eq(fi.eth_src, tu_mac_a, 6);
	ck_assert_uint_eq(fi.ethertype, 0x0800);
	ck_assert_int_eq(fi.has_ip, 1);
	ck_assert_uint_eq(fi.ip_src, SRC);
	ck_assert_uint_eq(fi.ip_dst, DST);
	ck_assert_int_eq(fi.ip_proto, 17);
	ck_assert_int_eq(fi.ip_ttl, 64);
	ck_assert_int_eq(fi.ip_checksum_ok, 1);
	ck_assert_int_eq(fi.has_udp, 1);
	ck_assert_int_eq(fi.sport, 500);
	ck_assert_int_eq(fi.natt, 0);
	ck_assert_ptr_eq(fi.l7, f + 42);
	ck_assert_uint_eq(fi.l7_len, (size_t)n);
	/* broken IP checksum is reported, not fatal */
	f[14 + 10] ^= 0xFF;
	ck_assert_int_eq(frame_decode(f, fl, FRAME_LINKTYPE_ETHERNET, &fi), 0);
	ck_assert_int_eq(fi.ip_checksum_ok, 0);
	ck_assert_int_eq(fi.kind, FRAME_ISAKMP);
}
END_TEST

START_TEST(test_natt_kinds)
{
	uint8_t inner[512];
	int n = tu_build_info(inner + 4, sizeof(inner) - 4, 0);
	size_t fl;

	/* non-ESP marker + IKE (RFC 3948 §2.2) */
	memset(inner, 0, 4);
	fl = tu_eth_udp(f, SRC, DST, 4500, 4500, inner, (size_t)n + 4);
	frame_decode(f, fl, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.malformed, 0);
	ck_assert_int_eq(fi.kind, FRAME_ISAKMP);
	ck_assert_int_eq(fi.natt, 1);
	ck_assert_ptr_eq(fi.l7, f + 42 + 4);
	ck_assert_uint_eq(fi.l7_len, (size_t)n);
	/* ESP in UDP (RFC 3948 §2.1) */
	fl = tu_esp(pl, 0xABCD0001, 7, 48);
	fl = tu_eth_udp(f, SRC, DST, 4500, 4500, pl, fl);
	frame_decode(f, fl, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.malformed, 0);
	ck_assert_int_eq(fi.kind, FRAME_ESP);
	ck_assert_int_eq(fi.natt, 1);
	ck_assert_uint_eq(fi.u.esp.spi, 0xABCD0001);
	ck_assert_uint_eq(fi.u.esp.seq, 7);
	ck_assert_uint_eq(fi.u.esp.payload_len, 48);
	/* keepalive (RFC 3948 §2.3) */
	pl[0] = 0xFF;
	fl = tu_eth_udp(f, SRC, DST, 4500, 4500, pl, 1);
	frame_decode(f, fl, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.malformed, 0);
	ck_assert_int_eq(fi.kind, FRAME_NATT_KEEPALIVE);
	ck_assert_int_eq(fi.natt, 1);
	/* ESP with a reserved SPI over 4500: malformed, still ESP */
	tu_esp(pl, 0x00000010, 1, 8);
	fl = tu_eth_udp(f, SRC, DST, 4500, 4500, pl, 16);
	frame_decode(f, fl, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.kind, FRAME_ESP);
	ck_assert_int_eq(fi.malformed, 1);
	ck_assert_int_eq(fi.err.reason, CODEC_BAD_VALUE);
	ck_assert_uint_eq(fi.err.offset, 42);
	/* 2 bytes on 4500: neither */
	fl = tu_eth_udp(f, SRC, DST, 4500, 4500, pl, 2);
	frame_decode(f, fl, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.malformed, 1);
	ck_assert_int_eq(fi.err.reason, CODEC_TRUNCATED);
}
END_TEST

START_TEST(test_esp_vrrp_hsrp_ospf_icmp)
{
	size_t n, fl;
	int m;

	/* ESP, protocol 50 */
	n = tu_esp(pl, 0x1234, 99, 32);
	fl = tu_eth_ip(f, 50, SRC, DST, 64, pl, n);
	frame_decode(f, fl, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.kind, FRAME_ESP);
	ck_assert_int_eq(fi.natt, 0);
	ck_assert_int_eq(fi.malformed, 0);
	ck_assert_uint_eq(fi.u.esp.spi, 0x1234);
	/* VRRP v2 and v3 (v3 checksum uses the IP addresses of tu_vrrp) */
	m = tu_vrrp(pl, sizeof(pl), 2);
	fl = tu_eth_ip(f, 112, TU_IP(192, 168, 0, 10), VRRP_GROUP_V4, 255, pl, (size_t)m);
	frame_decode(f, fl, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.kind, FRAME_VRRP);
	ck_assert_int_eq(fi.malformed, 0);
	ck_assert_int_eq(fi.u.vrrp.version, 2);
	ck_assert_int_eq(fi.u.vrrp.checksum_ok, 1);
	ck_assert_int_eq(fi.ip_ttl, 255);
	m = tu_vrrp(pl, sizeof(pl), 3);
	fl = tu_eth_ip(f, 112, TU_IP(192, 168, 0, 10), VRRP_GROUP_V4, 255, pl, (size_t)m);
	frame_decode(f, fl, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.u.vrrp.version, 3);
	ck_assert_int_eq(fi.u.vrrp.checksum_ok, 1);
	/* VRRP with a bad type: malformed VRRP */
	pl[0] = 0x35;
	fl = tu_eth_ip(f, 112, TU_IP(192, 168, 0, 10), VRRP_GROUP_V4, 255, pl, (size_t)m);
	frame_decode(f, fl, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.kind, FRAME_VRRP);
	ck_assert_int_eq(fi.malformed, 1);
	ck_assert_int_eq(fi.err.reason, CODEC_BAD_TYPE);
	ck_assert_uint_eq(fi.err.offset, 34);
	/* HSRP v1 and v2 on UDP 1985 */
	m = tu_hsrp(pl, sizeof(pl), 1);
	fl = tu_eth_udp(f, SRC, HSRP_V1_GROUP, 1985, 1985, pl, (size_t)m);
	frame_decode(f, fl, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.kind, FRAME_HSRP);
	ck_assert_int_eq(fi.malformed, 0);
	ck_assert_int_eq(fi.u.hsrp.state, HSRP_ACTIVE);
	m = tu_hsrp(pl, sizeof(pl), 2);
	fl = tu_eth_udp(f, SRC, HSRP_V2_GROUP, 1985, 1985, pl, (size_t)m);
	frame_decode(f, fl, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.kind, FRAME_HSRP);
	ck_assert_int_eq(fi.u.hsrp.version, 2);
	/* OSPF identified only */
	memset(pl, 0, 24);
	fl = tu_eth_ip(f, 89, SRC, TU_IP(224, 0, 0, 5), 1, pl, 24);
	frame_decode(f, fl, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.kind, FRAME_OSPF);
	ck_assert_int_eq(fi.malformed, 0);
	/* ICMP echo request with a correct checksum */
	memset(pl, 0, 16);
	pl[0] = 8;
	tu_put16(pl + 4, 0x4242);
	tu_put16(pl + 6, 3);
	tu_put16(pl + 2, cksum_finish(cksum_add(0, pl, 16)));
	fl = tu_eth_ip(f, 1, SRC, DST, 64, pl, 16);
	frame_decode(f, fl, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.kind, FRAME_ICMP);
	ck_assert_int_eq(fi.u.icmp.type, 8);
	ck_assert_int_eq(fi.u.icmp.id, 0x4242);
	ck_assert_int_eq(fi.u.icmp.seq, 3);
	ck_assert_int_eq(fi.u.icmp.checksum_ok, 1);
	f[fl - 1] ^= 1;
	frame_decode(f, fl, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.u.icmp.checksum_ok, 0);
	/* other UDP and other IP protocols */
	fl = tu_eth_udp(f, SRC, DST, 53, 53, pl, 10);
	frame_decode(f, fl, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.kind, FRAME_UDP);
	fl = tu_eth_ip(f, 6, SRC, DST, 64, pl, 20);
	frame_decode(f, fl, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.kind, FRAME_IPV4);
	ck_assert_int_eq(fi.malformed, 0);
}
END_TEST

START_TEST(test_arp)
{
	uint8_t arp[28];
	size_t fl;
	uint8_t bcast[6] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
	uint8_t vmac[6] = { 0x00, 0x00, 0x0C, 0x07, 0xAC, 0x01 };

	/* gratuitous ARP from the HSRP vMAC (RFC 2281 §5.6 action I) */
	tu_put16(arp, 1);
	tu_put16(arp + 2, 0x0800);
	arp[4] = 6; arp[5] = 4;
	tu_put16(arp + 6, 2);
	memcpy(arp + 8, vmac, 6);
	tu_put32(arp + 14, TU_IP(172, 16, 172, 53));
	memcpy(arp + 18, bcast, 6);
	tu_put32(arp + 24, TU_IP(172, 16, 172, 53));
	fl = tu_eth(f, bcast, vmac, 0x0806, arp, 28);
	memset(f + fl, 0, 60 - fl);   /* Ethernet minimum-size padding */
	frame_decode(f, 60, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.kind, FRAME_ARP);
	ck_assert_int_eq(fi.malformed, 0);
	ck_assert_int_eq(fi.u.arp.op, 2);
	ck_assert_mem_eq(fi.u.arp.sha, vmac, 6);
	ck_assert_uint_eq(fi.u.arp.spa, TU_IP(172, 16, 172, 53));
	ck_assert_int_eq(fi.u.arp.gratuitous, 1);
	tu_put32(f + 14 + 24, TU_IP(172, 16, 172, 1));
	frame_decode(f, 60, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.u.arp.gratuitous, 0);
	frame_decode(f, 14 + 20, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.kind, FRAME_ARP);
	ck_assert_int_eq(fi.malformed, 1);
	ck_assert_int_eq(fi.err.reason, CODEC_TRUNCATED);
}
END_TEST

START_TEST(test_vlan_sll_raw)
{
	int n = tu_build_mm1(pl, sizeof(pl), 0);
	uint8_t tmp[2048];
	size_t fl, l3;

	/* 802.1Q tag, VID 100 */
	fl = tu_eth_udp(tmp, SRC, DST, 500, 500, pl, (size_t)n);
	memcpy(f, tmp, 12);
	tu_put16(f + 12, 0x8100);
	tu_put16(f + 14, 0x2064);
	memcpy(f + 16, tmp + 12, fl - 12);
	frame_decode(f, fl + 4, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.has_vlan, 1);
	ck_assert_int_eq(fi.vlan_id, 100);
	ck_assert_int_eq(fi.kind, FRAME_ISAKMP);
	ck_assert_ptr_eq(fi.l7, f + 46);
	/* Linux cooked (SLL): 16-byte header */
	l3 = fl - 14;
	memset(f, 0, 16);
	tu_put16(f, 4);          /* outgoing */
	tu_put16(f + 2, 1);      /* ARPHRD_ETHER */
	tu_put16(f + 4, 6);
	memcpy(f + 6, tu_mac_a, 6);
	tu_put16(f + 14, 0x0800);
	memcpy(f + 16, tmp + 14, l3);
	frame_decode(f, 16 + l3, FRAME_LINKTYPE_LINUX_SLL, &fi);
	ck_assert_int_eq(fi.has_sll, 1);
	ck_assert_int_eq(fi.has_eth, 0);
	ck_assert_int_eq(fi.sll_pkttype, 4);
	ck_assert_mem_eq(fi.eth_src, tu_mac_a, 6);
	ck_assert_int_eq(fi.kind, FRAME_ISAKMP);
	ck_assert_uint_eq(fi.l7_len, (size_t)n);
	/* raw IPv4 */
	frame_decode(tmp + 14, l3, FRAME_LINKTYPE_RAW, &fi);
	ck_assert_int_eq(fi.kind, FRAME_ISAKMP);
	ck_assert_ptr_eq(fi.l7, tmp + 14 + 28);
	/* unknown link type and ethertype: nothing, not malformed */
	frame_decode(tmp, fl, 228, &fi);
	ck_assert_int_eq(fi.kind, FRAME_OTHER);
	ck_assert_int_eq(fi.malformed, 0);
	tu_put16(tmp + 12, 0x86DD);
	frame_decode(tmp, fl, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.kind, FRAME_OTHER);
	ck_assert_int_eq(fi.malformed, 0);
	/* short link headers */
	frame_decode(tmp, 13, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.malformed, 1);
	frame_decode(f, 15, FRAME_LINKTYPE_LINUX_SLL, &fi);
	ck_assert_int_eq(fi.malformed, 1);
	frame_decode(f, 0, FRAME_LINKTYPE_RAW, &fi);
	ck_assert_int_eq(fi.malformed, 0);
	ck_assert_int_eq(fi.kind, FRAME_OTHER);
}
END_TEST

START_TEST(test_ipv4_checks_and_fragments)
{
	int n = tu_build_mm1(pl, sizeof(pl), 0);
	uint8_t l4[2048], l3[2048];
	size_t fl, ul, il, cut;

	ul = tu_udp(l4, 500, 500, pl, (size_t)n);
	/* first fragment (MF, offset 0): cut short, still ISAKMP */
	il = tu_ipv4(l3, 17, SRC, DST, 64, 0x2000, l4, 64);
	fl = tu_eth(f, tu_mac_b, tu_mac_a, 0x0800, l3, il);
	frame_decode(f, fl, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.malformed, 0);
	ck_assert_int_eq(fi.ip_first_frag, 1);
	ck_assert_int_eq(fi.kind, FRAME_ISAKMP);
	ck_assert_uint_eq(fi.l7_len, 64 - 8);
	/* a later fragment: IPv4 only */
	il = tu_ipv4(l3, 17, SRC, DST, 64, 0x0008, l4 + 64, ul - 64);
	fl = tu_eth(f, tu_mac_b, tu_mac_a, 0x0800, l3, il);
	frame_decode(f, fl, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.kind, FRAME_IPV4);
	ck_assert_int_eq(fi.has_udp, 0);
	ck_assert_int_eq(fi.malformed, 0);
	/* the whole datagram, then damaged */
	fl = tu_eth_udp(f, SRC, DST, 500, 500, pl, (size_t)n);
	f[14] = 0x44;   /* IHL 4 < 5 */
	frame_decode(f, fl, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.malformed, 1);
	ck_assert_int_eq(fi.err.reason, CODEC_BAD_LENGTH);
	f[14] = 0x65;   /* version 6 in an IPv4 ethertype */
	frame_decode(f, fl, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.err.reason, CODEC_BAD_VERSION);
	f[14] = 0x4F;   /* 60-byte header */
	frame_decode(f, 14 + 40, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.err.reason, CODEC_TRUNCATED);
	f[14] = 0x45;
	/* total length beyond the capture: truncated; below the header: bad */
	for (cut = 14; cut < fl; cut++) {
		frame_decode(f, cut, FRAME_LINKTYPE_ETHERNET, &fi);
		ck_assert_int_eq(fi.malformed, 1);
		ck_assert_uint_le(fi.err.offset, cut);
	}
	tu_put16(f + 16, 19);
	frame_decode(f, fl, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.err.reason, CODEC_BAD_LENGTH);
	/* total length shorter than the capture: the rest is link padding, but then the
	 * UDP length no longer matches */
	tu_put16(f + 16, (uint16_t)(fl - 14 - 1));
	frame_decode(f, fl, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.malformed, 1);
	ck_assert_int_eq(fi.kind, FRAME_UDP);
	/* UDP length below 8 */
	fl = tu_eth_udp(f, SRC, DST, 500, 500, pl, (size_t)n);
	tu_put16(f + 34 + 4, 7);
	frame_decode(f, fl, FRAME_LINKTYPE_ETHERNET, &fi);
	ck_assert_int_eq(fi.err.reason, CODEC_BAD_LENGTH);
	ck_assert_uint_eq(fi.err.offset, 38);
}
END_TEST

START_TEST(test_strings)
{
	char ip[16], mac[18];

	ck_assert_str_eq(frame_ip_str(TU_IP(1, 1, 1, 2), ip), "1.1.1.2");
	ck_assert_str_eq(frame_ip_str(0xFFFFFFFFu, ip), "255.255.255.255");
	ck_assert_str_eq(frame_mac_str((const uint8_t[]){ 0, 0, 0x5e, 0, 1, 1 }, mac), "00:00:5e:00:01:01");
}
END_TEST

static Suite *frame_suite(void)
{
	Suite *s = suite_create("frame");
	TCase *tc = tcase_create("codec");

	tcase_add_test(tc, test_isakmp_500);
	tcase_add_test(tc, test_natt_kinds);
	tcase_add_test(tc, test_esp_vrrp_hsrp_ospf_icmp);
	tcase_add_test(tc, test_arp);
	tcase_add_test(tc, test_vlan_sll_raw);
	tcase_add_test(tc, test_ipv4_checks_and_fragments);
	tcase_add_test(tc, test_strings);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(frame_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
