/* check_l2.c — Check suite for the ESP header / UDP 4500 classifier, VRRP v2/v3 and
 * HSRP v1/v2 codecs: known-answer bytes built by hand from the RFC layouts.
 */
#include <check.h>
#include <stdlib.h>
#include "codec_testutil.h"

static struct codec_err err;

START_TEST(test_esp)
{
	uint8_t b[64];
	struct esp_hdr e;
	size_t n = tu_esp(b, 0x1000, 1, 20), cut;

	ck_assert_int_eq(esp_decode(b, n, &e, &err), 0);
	ck_assert_uint_eq(e.spi, 0x1000);
	ck_assert_uint_eq(e.seq, 1);
	ck_assert_ptr_eq(e.payload, b + 8);
	ck_assert_uint_eq(e.payload_len, 20);
	for (cut = 0; cut < 8; cut++) {
		ck_assert_int_eq(esp_decode(b, cut, &e, &err), -1);
		ck_assert_int_eq(err.reason, CODEC_TRUNCATED);
	}
	/* RFC 4303 §2.1: SPI 0 and 1–255 */
	tu_put32(b, 0);
	ck_assert_int_eq(esp_decode(b, n, &e, &err), -1);
	ck_assert_int_eq(err.reason, CODEC_BAD_VALUE);
	tu_put32(b, 255);
	ck_assert_int_eq(esp_decode(b, n, &e, &err), -1);
	tu_put32(b, 256);
	ck_assert_int_eq(esp_decode(b, n, &e, &err), 0);
}
END_TEST

START_TEST(test_udp4500)
{
	uint8_t b[64] = { 0 };
	enum udp4500_kind k;
	const uint8_t *in;
	size_t inl;

	/* RFC 3948 §2.3 keepalive */
	b[0] = 0xFF;
	ck_assert_int_eq(udp4500_classify(b, 1, &k, &in, &inl, &err), 0);
	ck_assert_int_eq(k, UDP4500_KEEPALIVE);
	/* RFC 3948 §2.2 non-ESP marker */
	memset(b, 0, 40);
	b[4] = 0x11;
	ck_assert_int_eq(udp4500_classify(b, 40, &k, &in, &inl, &err), 0);
	ck_assert_int_eq(k, UDP4500_IKE);
	ck_assert_ptr_eq(in, b + 4);
	ck_assert_uint_eq(inl, 36);
	/* ESP */
	tu_esp(b, 0x2000, 5, 16);
	ck_assert_int_eq(udp4500_classify(b, 24, &k, &in, &inl, &err), 0);
	ck_assert_int_eq(k, UDP4500_ESP);
	ck_assert_ptr_eq(in, b);
	ck_assert_uint_eq(inl, 24);
	/* too short for anything */
	ck_assert_int_eq(udp4500_classify(b, 0, &k, &in, &inl, &err), -1);
	ck_assert_int_eq(udp4500_classify(b, 3, &k, &in, &inl, &err), -1);
	ck_assert_int_eq(err.reason, CODEC_TRUNCATED);
	b[0] = 0xFF;
	ck_assert_int_eq(udp4500_classify(b, 2, &k, &in, &inl, &err), -1);
}
END_TEST

/* RFC 3768 §5.1 by hand: 0x21, VRID 1, prio 100, 1 address, auth 0, adver 1 s,
 * checksum, 192.168.0.1, 8 zero bytes of auth data. One's-complement sum of the
 * words 2101 6401 0001 0000 c0a8 0001 = 0x145ac → 0x45ad → checksum 0xba52. */
START_TEST(test_vrrp_v2_known_answer)
{
	static const uint8_t want[] = {
		0x21, 0x01, 0x64, 0x01, 0x00, 0x01, 0xBA, 0x52,
		0xC0, 0xA8, 0x00, 0x01,
		0, 0, 0, 0, 0, 0, 0, 0,
	};
	struct vrrp_pkt v, d;
	uint8_t b[64];
	int n;

	memset(&v, 0, sizeof(v));
	v.version = 2; v.type = 1; v.vrid = 1; v.priority = 100; v.naddrs = 1;
	v.adver_int_cs = 100;
	v.addrs[0] = TU_IP(192, 168, 0, 1);
	n = vrrp_encode(&v, TU_IP(192, 168, 0, 2), VRRP_GROUP_V4, b, sizeof(b));
	ck_assert_int_eq(n, sizeof(want));
	ck_assert_mem_eq(b, want, sizeof(want));
	ck_assert_int_eq(vrrp_decode(want, sizeof(want), 0, 0, &d, &err), 0);
	ck_assert_int_eq(d.version, 2);
	ck_assert_int_eq(d.vrid, 1);
	ck_assert_int_eq(d.priority, 100);
	ck_assert_int_eq(d.naddrs, 1);
	ck_assert_uint_eq(d.adver_int_cs, 100);
	ck_assert_uint_eq(d.checksum, 0xBA52);
	ck_assert_int_eq(d.checksum_ok, 1);
	ck_assert_uint_eq(d.addrs[0], TU_IP(192, 168, 0, 1));
	b[2] = 101;   /* priority changed, checksum not */
	ck_assert_int_eq(vrrp_decode(b, (size_t)n, 0, 0, &d, &err), 0);
	ck_assert_int_eq(d.checksum_ok, 0);
}
END_TEST

/* RFC 5798 §5.1/§5.2.8 by hand: pseudo-header 192.168.0.2 → 224.0.0.18, 0, 112, len 12:
 * c0a8+0002+e000+0012+0070+000c = 0x1a138; message 3101 6401 0064 0000 c0a8 0001 =
 * 0x1560f; total 0x2f747 → 0xf749 → checksum 0x08b6. */
START_TEST(test_vrrp_v3_known_answer)
{
	static const uint8_t want[] = {
		0x31, 0x01, 0x64, 0x01, 0x00, 0x64, 0x08, 0xB6,
		0xC0, 0xA8, 0x00, 0x01,
	};
	struct vrrp_pkt v, d;
	uint8_t b[64];
	int n;

	memset(&v, 0, sizeof(v));
	v.version = 3; v.type = 1; v.vrid = 1; v.priority = 100; v.naddrs = 1;
	v.adver_int_cs = 100;
	v.addrs[0] = TU_IP(192, 168, 0, 1);
	n = vrrp_encode(&v, TU_IP(192, 168, 0, 2), VRRP_GROUP_V4, b, sizeof(b));
	ck_assert_int_eq(n, sizeof(want));
	ck_assert_mem_eq(b, want, sizeof(want));
	ck_assert_int_eq(vrrp_decode(want, sizeof(want), TU_IP(192, 168, 0, 2), VRRP_GROUP_V4, &d, &err), 0);
	ck_assert_int_eq(d.version, 3);
	ck_assert_uint_eq(d.adver_int_cs, 100);
	ck_assert_int_eq(d.checksum_ok, 1);
	/* the pseudo-header matters: another source fails */
	ck_assert_int_eq(vrrp_decode(want, sizeof(want), TU_IP(192, 168, 0, 3), VRRP_GROUP_V4, &d, &err), 0);
	ck_assert_int_eq(d.checksum_ok, 0);
	/* reserved bits of Max Adver Int are ignored on reception (RFC 5798 §5.2.5) */
	memcpy(b, want, sizeof(want));
	b[4] |= 0xF0;
	ck_assert_int_eq(vrrp_decode(b, sizeof(want), 0, 0, &d, &err), 0);
	ck_assert_uint_eq(d.adver_int_cs, 100);
}
END_TEST

START_TEST(test_vrrp_errors)
{
	uint8_t b[128];
	struct vrrp_pkt d;
	int n = tu_vrrp(b, sizeof(b), 2);
	size_t cut;

	ck_assert_int_eq(n, 8 + 8 + 8);
	for (cut = 0; cut < (size_t)n; cut++) {
		ck_assert_int_eq(vrrp_decode(b, cut, 0, 0, &d, &err), -1);
		ck_assert_int_eq(err.reason, CODEC_TRUNCATED);
		ck_assert_uint_le(err.offset, cut);
	}
	ck_assert_int_eq(vrrp_decode(b, (size_t)n + 1, 0, 0, &d, &err), -1);
	ck_assert_int_eq(err.reason, CODEC_TRAILING);
	b[0] = 0x41;
	ck_assert_int_eq(vrrp_decode(b, (size_t)n, 0, 0, &d, &err), -1);
	ck_assert_int_eq(err.reason, CODEC_BAD_VERSION);
	b[0] = 0x22;
	ck_assert_int_eq(vrrp_decode(b, (size_t)n, 0, 0, &d, &err), -1);
	ck_assert_int_eq(err.reason, CODEC_BAD_TYPE);
	b[0] = 0x21;
	b[3] = 17;
	ck_assert_int_eq(vrrp_decode(b, sizeof(b), 0, 0, &d, &err), -1);
	ck_assert_int_eq(err.reason, CODEC_TOO_MANY);
	b[3] = 3;   /* count says 3, 2 present */
	ck_assert_int_eq(vrrp_decode(b, (size_t)n, 0, 0, &d, &err), -1);
	ck_assert_int_eq(err.reason, CODEC_TRUNCATED);
	n = tu_vrrp(b, sizeof(b), 3);
	ck_assert_int_eq(n, 8 + 8);
	ck_assert_int_eq(vrrp_decode(b, (size_t)n, TU_IP(192, 168, 0, 10), VRRP_GROUP_V4, &d, &err), 0);
	ck_assert_int_eq(d.checksum_ok, 1);
	ck_assert_int_eq(d.naddrs, 2);
}
END_TEST

/* RFC 2281 §5.1: version 0, Hello, Active (16), hello 3, hold 10, prio 100, group 1,
 * "cisco", VIP 172.16.172.53 */
START_TEST(test_hsrp_v1_known_bytes)
{
	static const uint8_t want[20] = {
		0x00, 0x00, 0x10, 0x03, 0x0A, 0x64, 0x01, 0x00,
		0x63, 0x69, 0x73, 0x63, 0x6F, 0x00, 0x00, 0x00,
		0xAC, 0x10, 0xAC, 0x35,
	};
	uint8_t b[64];
	struct hsrp_pkt h;
	size_t cut;

	ck_assert_int_eq(tu_hsrp(b, sizeof(b), 1), 20);
	ck_assert_mem_eq(b, want, 20);
	ck_assert_int_eq(hsrp_decode(want, 20, &h, &err), 0);
	ck_assert_int_eq(h.version, 1);
	ck_assert_int_eq(h.op, HSRP_OP_HELLO);
	ck_assert_int_eq(h.state, HSRP_ACTIVE);
	ck_assert_uint_eq(h.hello_ms, 3000);
	ck_assert_uint_eq(h.hold_ms, 10000);
	ck_assert_uint_eq(h.priority, 100);
	ck_assert_uint_eq(h.group, 1);
	ck_assert_str_eq(h.auth, "cisco");
	ck_assert_uint_eq(h.vip, TU_IP(172, 16, 172, 53));
	ck_assert_str_eq(hsrp_state_name(h.state), "Active");
	ck_assert_str_eq(hsrp_op_name(h.op), "Hello");
	ck_assert_str_eq(hsrp_op_name(9), "op 9");
	for (cut = 0; cut < 20; cut++)
		ck_assert_int_eq(hsrp_decode(want, cut, &h, &err), -1);
	ck_assert_int_eq(hsrp_decode(b, 21, &h, &err), -1);
	ck_assert_int_eq(err.reason, CODEC_TRAILING);
	/* every wire state maps and back */
	{
		static const uint8_t wire[] = { 0, 1, 2, 4, 8, 16 };
		int i;

		for (i = 0; i < 6; i++) {
			memcpy(b, want, 20);
			b[2] = wire[i];
			ck_assert_int_eq(hsrp_decode(b, 20, &h, &err), 0);
			ck_assert_int_eq(h.state, i);
			ck_assert_int_eq(hsrp_encode(&h, b + 32, 32), 20);
			ck_assert_mem_eq(b + 32, b, 20);
		}
	}
	memcpy(b, want, 20);
	b[2] = 3;
	ck_assert_int_eq(hsrp_decode(b, 20, &h, &err), -1);
	ck_assert_int_eq(err.reason, CODEC_BAD_VALUE);
	b[2] = 16;
	b[1] = 4;
	ck_assert_int_eq(hsrp_decode(b, 20, &h, &err), -1);
	ck_assert_int_eq(err.reason, CODEC_BAD_TYPE);
	b[0] = 7;
	ck_assert_int_eq(hsrp_decode(b, 20, &h, &err), -1);
	ck_assert_int_eq(err.reason, CODEC_BAD_VERSION);
}
END_TEST

START_TEST(test_hsrp_v2_tlv)
{
	static const uint8_t want[52] = {
		0x01, 0x28, 0x02, 0x00, 0x06, 0x04, 0x00, 0x01,     /* TLV 1 len 40, v2, Hello, Active, IPv4, group 1 */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x0A,                 /* identifier */
		0x00, 0x00, 0x00, 0x64,                             /* priority 100 */
		0x00, 0x00, 0x0B, 0xB8, 0x00, 0x00, 0x27, 0x10,     /* hello 3000, hold 10000 ms */
		0xAC, 0x10, 0xAC, 0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0x03, 0x08, 'c', 'i', 's', 'c', 'o', 0, 0, 0,       /* text auth TLV */
	};
	uint8_t b[128];
	struct hsrp_pkt h;
	size_t cut;

	ck_assert_int_eq(tu_hsrp(b, sizeof(b), 2), 52);
	ck_assert_mem_eq(b, want, 52);
	ck_assert_int_eq(hsrp_decode(want, 52, &h, &err), 0);
	ck_assert_int_eq(h.version, 2);
	ck_assert_int_eq(h.state, HSRP_ACTIVE);
	ck_assert_int_eq(h.group, 1);
	ck_assert_uint_eq(h.priority, 100);
	ck_assert_uint_eq(h.hello_ms, 3000);
	ck_assert_uint_eq(h.hold_ms, 10000);
	ck_assert_uint_eq(h.vip, TU_IP(172, 16, 172, 53));
	ck_assert_mem_eq(h.identifier, tu_mac_a, 6);
	ck_assert_str_eq(h.auth, "cisco");
	ck_assert_int_eq(h.has_md5, 0);
	/* truncations inside a TLV fail; at the TLV boundary (42) the group TLV alone is fine */
	for (cut = 0; cut < 52; cut++)
		ck_assert_int_eq(hsrp_decode(want, cut, &h, &err), cut == 42 ? 0 : -1);
	/* MD5 TLV (type 4, length 28) instead of text auth */
	memcpy(b, want, 42);
	b[42] = 4;
	b[43] = 28;
	memset(b + 44, 0, 28);
	ck_assert_int_eq(hsrp_decode(b, 72, &h, &err), 0);
	ck_assert_int_eq(h.has_md5, 1);
	b[43] = 27;
	ck_assert_int_eq(hsrp_decode(b, 71, &h, &err), -1);
	ck_assert_int_eq(err.reason, CODEC_BAD_LENGTH);
	/* v2 states 1..6 only; group TLV length must be 40 */
	memcpy(b, want, 52);
	b[4] = 0;
	ck_assert_int_eq(hsrp_decode(b, 52, &h, &err), -1);
	ck_assert_int_eq(err.reason, CODEC_BAD_VALUE);
	b[4] = 7;
	ck_assert_int_eq(hsrp_decode(b, 52, &h, &err), -1);
	memcpy(b, want, 52);
	b[1] = 39;
	ck_assert_int_eq(hsrp_decode(b, 52, &h, &err), -1);
	ck_assert_int_eq(err.reason, CODEC_BAD_LENGTH);
	b[1] = 200;
	ck_assert_int_eq(hsrp_decode(b, 52, &h, &err), -1);
	ck_assert_int_eq(err.reason, CODEC_BAD_LENGTH);
	/* text auth TLV alone: no group state */
	ck_assert_int_eq(hsrp_decode(want + 42, 10, &h, &err), -1);
}
END_TEST

static Suite *l2_suite(void)
{
	Suite *s = suite_create("l2");
	TCase *tc = tcase_create("codec");

	tcase_add_test(tc, test_esp);
	tcase_add_test(tc, test_udp4500);
	tcase_add_test(tc, test_vrrp_v2_known_answer);
	tcase_add_test(tc, test_vrrp_v3_known_answer);
	tcase_add_test(tc, test_vrrp_errors);
	tcase_add_test(tc, test_hsrp_v1_known_bytes);
	tcase_add_test(tc, test_hsrp_v2_tlv);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(l2_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
