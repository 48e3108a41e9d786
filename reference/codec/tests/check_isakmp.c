/* check_isakmp.c — Check suite for the ISAKMP codec: builder round trips, every
 * payload type, truncation at every length, lying length fields, chain overruns,
 * header rules (RFC 2408 §3.1, §5.1), names.
 */
#include <check.h>
#include <stdlib.h>
#include "codec_testutil.h"

static struct isakmp_msg msg;   /* large: keep off the stack */
static uint8_t buf[8192];
static struct codec_err err;

static int dec(const uint8_t *p, size_t n)
{
	memset(&err, 0, sizeof(err));
	return isakmp_decode(p, n, &msg, &err);
}

/* Set the header Length to the buffer length (for tests that resize a message). */
static void fix_len(uint8_t *p, size_t n) { tu_put32(p + 24, (uint32_t)n); }

START_TEST(test_mm1_roundtrip)
{
	int n = tu_build_mm1(buf, sizeof(buf), 0);
	const struct isakmp_sa *sa;
	const struct isakmp_transform *t;
	static struct isakmp_sa want;
	uint8_t again[1024];
	struct isakmp_builder b;
	struct isakmp_hdr h;
	int m;

	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(dec(buf, (size_t)n), 0);
	ck_assert_mem_eq(msg.hdr.icookie, tu_icookie, 8);
	ck_assert_int_eq(msg.hdr.maj_ver, 1);
	ck_assert_int_eq(msg.hdr.min_ver, 0);
	ck_assert_int_eq(msg.hdr.exchange, ISAKMP_EXCH_MAIN);
	ck_assert_int_eq(msg.hdr.next_payload, ISAKMP_PL_SA);
	ck_assert_uint_eq(msg.hdr.length, (unsigned)n);
	ck_assert_int_eq(msg.encrypted, 0);
	ck_assert_int_eq(msg.npayloads, 3);
	ck_assert_int_eq(msg.nsas, 1);
	ck_assert_int_eq(msg.pl[0].type, ISAKMP_PL_SA);
	ck_assert_int_eq(msg.pl[0].u.sa_index, 0);
	ck_assert_uint_eq(msg.pl[0].offset, 28);
	sa = &msg.sas[0];
	ck_assert_uint_eq(sa->doi, 1);
	ck_assert_uint_eq(sa->situation, 1);
	ck_assert_ptr_eq(sa->body, msg.pl[0].body);
	ck_assert_uint_eq(sa->body_len, msg.pl[0].body_len);
	ck_assert_int_eq(sa->nproposals, 1);
	ck_assert_int_eq(sa->proposals[0].protocol, ISAKMP_PROTO_ISAKMP);
	ck_assert_int_eq(sa->proposals[0].spi_size, 0);
	ck_assert_int_eq(sa->proposals[0].ntransforms, 1);
	t = &sa->proposals[0].transforms[0];
	ck_assert_int_eq(t->id, 1);
	ck_assert_int_eq(t->nattrs, 7);
	ck_assert_int_eq(t->attrs[0].type, 1);
	ck_assert_int_eq(t->attrs[0].basic, 1);
	ck_assert_uint_eq(t->attrs[0].value, 7);
	ck_assert_int_eq(t->attrs[4].type, 4);
	ck_assert_uint_eq(t->attrs[4].value, 14);
	ck_assert_int_eq(t->attrs[6].type, 12);
	ck_assert_int_eq(t->attrs[6].basic, 0);
	ck_assert_uint_eq(t->attrs[6].data_len, 4);
	ck_assert_uint_eq(t->attrs[6].value, 86400);
	ck_assert_ptr_nonnull(t->attrs[6].data);
	ck_assert_int_eq(msg.pl[1].type, ISAKMP_PL_VID);
	ck_assert_uint_eq(msg.pl[1].body_len, 16);
	ck_assert_mem_eq(msg.pl[1].body, isakmp_vid_dpd, 16);
	ck_assert_mem_eq(msg.pl[2].body, isakmp_vid_rfc3947, 16);
	ck_assert_ptr_eq(isakmp_find(&msg, ISAKMP_PL_VID), &msg.pl[1]);
	ck_assert_ptr_null(isakmp_find(&msg, ISAKMP_PL_KE));

	/* re-encode the decoded SA: identical bytes */
	tu_p1_sa(&want);
	memcpy(&want, sa, sizeof(want));
	tu_hdr(&h, ISAKMP_EXCH_MAIN, 0, 0, 0);
	isakmp_build_init(&b, again, sizeof(again), &h);
	ck_assert_int_eq(isakmp_build_sa(&b, &want), 0);
	isakmp_build_payload(&b, ISAKMP_PL_VID, isakmp_vid_dpd, 16);
	isakmp_build_payload(&b, ISAKMP_PL_VID, isakmp_vid_rfc3947, 16);
	m = isakmp_build_finish(&b);
	ck_assert_int_eq(m, n);
	ck_assert_mem_eq(again, buf, (size_t)n);
}
END_TEST

START_TEST(test_every_payload_type)
{
	int n = tu_build_all(buf, sizeof(buf));
	static const uint8_t types[] = { 1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 20, 21, 130, 131, 200 };
	const struct isakmp_payload *p;
	size_t i;

	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(dec(buf, (size_t)n), 0);
	ck_assert_int_eq(msg.npayloads, sizeof(types));
	for (i = 0; i < sizeof(types); i++) {
		ck_assert_int_eq(msg.pl[i].type, types[i]);
		ck_assert_uint_eq(msg.pl[i].length, msg.pl[i].body_len + 4);
		ck_assert_ptr_eq(msg.pl[i].body, buf + msg.pl[i].offset + 4);
	}
	p = isakmp_find(&msg, ISAKMP_PL_KE);
	ck_assert_uint_eq(p->body_len, 32);
	p = isakmp_find(&msg, ISAKMP_PL_ID);
	ck_assert_int_eq(p->u.id.type, 1);
	ck_assert_int_eq(p->u.id.proto, 17);
	ck_assert_int_eq(p->u.id.port, 500);
	ck_assert_uint_eq(p->u.id.data_len, 4);
	ck_assert_int_eq(p->u.id.data[0], 192);
	ck_assert_int_eq(isakmp_find(&msg, ISAKMP_PL_CERT)->u.cert.encoding, 4);
	ck_assert_int_eq(isakmp_find(&msg, ISAKMP_PL_CR)->u.cert.encoding, 4);
	ck_assert_uint_eq(isakmp_find(&msg, ISAKMP_PL_SIG)->body_len, 40);
	ck_assert_uint_eq(isakmp_find(&msg, ISAKMP_PL_NONCE)->body_len, 16);
	p = isakmp_find(&msg, ISAKMP_PL_N);
	ck_assert_uint_eq(p->u.n.doi, 1);
	ck_assert_int_eq(p->u.n.proto, 1);
	ck_assert_int_eq(p->u.n.spi_size, 16);
	ck_assert_int_eq(p->u.n.type, ISAKMP_N_INITIAL_CONTACT);
	ck_assert_mem_eq(p->u.n.spi, tu_icookie, 8);
	ck_assert_uint_eq(p->u.n.data_len, 0);
	p = isakmp_find(&msg, ISAKMP_PL_D);
	ck_assert_int_eq(p->u.d.proto, 1);
	ck_assert_int_eq(p->u.d.spi_size, 16);
	ck_assert_int_eq(p->u.d.nspis, 1);
	ck_assert_mem_eq(p->u.d.spis + 8, tu_rcookie, 8);
	p = isakmp_find(&msg, ISAKMP_PL_NATOA);
	ck_assert_int_eq(p->u.natoa.type, 1);
	ck_assert_uint_eq(p->u.natoa.addr_len, 4);
	ck_assert_int_eq(p->u.natoa.addr[0], 198);
	p = isakmp_find(&msg, ISAKMP_PL_NATOA_DRAFT);
	ck_assert_int_eq(p->u.natoa.type, 5);
	ck_assert_uint_eq(p->u.natoa.addr_len, 16);
	ck_assert_uint_eq(isakmp_find(&msg, ISAKMP_PL_NATD_DRAFT)->body_len, 16);
	ck_assert_uint_eq(isakmp_find(&msg, 200)->body_len, 5);
}
END_TEST

START_TEST(test_qm_and_info)
{
	int n = tu_build_qm(buf, sizeof(buf));
	const struct isakmp_proposal *p;

	ck_assert_int_eq(dec(buf, (size_t)n), 0);
	ck_assert_int_eq(msg.npayloads, 8);
	ck_assert_int_eq(msg.pl[0].type, ISAKMP_PL_HASH);
	ck_assert_int_eq(msg.pl[1].type, ISAKMP_PL_SA);
	ck_assert_uint_eq(msg.hdr.msgid, 0x01020304);
	p = &msg.sas[0].proposals[0];
	ck_assert_int_eq(p->protocol, ISAKMP_PROTO_ESP);
	ck_assert_int_eq(p->spi_size, 4);
	ck_assert_int_eq(p->spi[0], 0xC0);
	ck_assert_int_eq(p->ntransforms, 2);
	ck_assert_int_eq(p->transforms[1].id, 3);
	ck_assert_uint_eq(p->transforms[0].attrs[3].value, 3600);
	ck_assert_int_eq(msg.pl[4].u.id.type, 4);
	ck_assert_uint_eq(msg.pl[4].u.id.data_len, 8);

	n = tu_build_info(buf, sizeof(buf), 1);
	ck_assert_int_eq(dec(buf, (size_t)n), 0);
	ck_assert_int_eq(msg.npayloads, 2);
	ck_assert_int_eq(msg.pl[0].u.n.type, ISAKMP_N_R_U_THERE);
	ck_assert_uint_eq(msg.pl[0].u.n.data_len, 4);
	ck_assert_int_eq(msg.pl[0].u.n.data[0], 0x12);
	ck_assert_int_eq(msg.pl[1].u.d.proto, ISAKMP_PROTO_ESP);
	ck_assert_int_eq(msg.pl[1].u.d.nspis, 2);
	ck_assert_int_eq(msg.pl[1].u.d.spis[7], 0x02);
}
END_TEST

/* Every shorter length: the header Length no longer matches (RFC 2408 §5.1); with the
 * Length patched to match, the chain itself must notice the truncation. */
START_TEST(test_truncation_every_length)
{
	int (*builders[])(uint8_t *, size_t) = { tu_build_all, tu_build_qm };
	static uint8_t copy[8192];
	size_t bi, cut;

	for (bi = 0; bi < 2; bi++) {
		int n = builders[bi](buf, sizeof(buf));

		for (cut = 0; cut < (size_t)n; cut++) {
			ck_assert_int_eq(dec(buf, cut), -1);
			ck_assert_int_eq(err.reason, cut < 28 ? CODEC_TRUNCATED : CODEC_BAD_LENGTH);
			ck_assert_uint_le(err.offset, cut);
			if (cut >= 28) {
				memcpy(copy, buf, cut);
				fix_len(copy, cut);
				ck_assert_msg(dec(copy, cut) == -1, "cut %zu accepted", cut);
				ck_assert_uint_le(err.offset, cut);
				ck_assert(err.reason == CODEC_TRUNCATED || err.reason == CODEC_BAD_LENGTH ||
					  err.reason == CODEC_BAD_VALUE || err.reason == CODEC_TRAILING);
				/* the payload decoder on the body alone, too */
				ck_assert_int_eq(isakmp_decode_payloads(buf[16], buf + 28, cut - 28, 0, &msg, &err), -1);
			}
		}
		ck_assert_int_eq(dec(buf, (size_t)n), 0);
	}
}
END_TEST

START_TEST(test_length_lies)
{
	int n = tu_build_mm1(buf, sizeof(buf), 1);
	static uint8_t c[8192];
	/* first payload (SA) generic header at 28; proposal at 28+12; transform at 28+20 */
	const size_t sa = 28, prop = 40, tr = 48;
	static const uint32_t bad[] = { 0, 1, 3, 4, 7, 0xFFFF };
	size_t i;

	/* header Length: zero, small, big, off by one either way */
	for (i = 0; i < 5; i++) {
		uint32_t v[] = { 0, 27, (uint32_t)n - 1, (uint32_t)n + 1, 0xFFFFFFFFu };

		memcpy(c, buf, (size_t)n);
		tu_put32(c + 24, v[i]);
		ck_assert_int_eq(dec(c, (size_t)n), -1);
		ck_assert_int_eq(err.reason, CODEC_BAD_LENGTH);
	}
	/* the SA payload length */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(c, buf, (size_t)n);
		tu_put16(c + sa + 2, (uint16_t)bad[i]);
		ck_assert_int_eq(dec(c, (size_t)n), -1);
		ck_assert_int_eq(err.reason, CODEC_BAD_LENGTH);
	}
	/* SA length one too small / one too big: the chain no longer lines up */
	memcpy(c, buf, (size_t)n);
	tu_put16(c + sa + 2, (uint16_t)(buf[sa + 2] << 8 | buf[sa + 3]) - 1);
	ck_assert_int_eq(dec(c, (size_t)n), -1);
	memcpy(c, buf, (size_t)n);
	tu_put16(c + sa + 2, (uint16_t)((buf[sa + 2] << 8 | buf[sa + 3]) + 1));
	ck_assert_int_eq(dec(c, (size_t)n), -1);
	/* proposal and transform lengths */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(c, buf, (size_t)n);
		tu_put16(c + prop + 2, (uint16_t)bad[i]);
		ck_assert_int_eq(dec(c, (size_t)n), -1);
		ck_assert_int_eq(err.reason, CODEC_BAD_LENGTH);
		memcpy(c, buf, (size_t)n);
		tu_put16(c + tr + 2, (uint16_t)bad[i]);
		ck_assert_int_eq(dec(c, (size_t)n), -1);
		ck_assert_int_eq(err.reason, CODEC_BAD_LENGTH);
	}
	/* the TLV life-duration attribute is the last 8 bytes of the transform */
	{
		size_t tr_len = (size_t)(buf[tr + 2] << 8 | buf[tr + 3]);
		size_t at = tr + tr_len - 8;

		ck_assert_int_eq(buf[at + 1], 12);
		memcpy(c, buf, (size_t)n);
		tu_put16(c + at + 2, 5);
		ck_assert_int_eq(dec(c, (size_t)n), -1);
		ck_assert_int_eq(err.reason, CODEC_BAD_LENGTH);
		ck_assert_uint_eq(err.offset, at + 2);
		memcpy(c, buf, (size_t)n);
		tu_put16(c + at + 2, 2);   /* short: 2 bytes left over, too few for an attribute */
		ck_assert_int_eq(dec(c, (size_t)n), -1);
		ck_assert_int_eq(err.reason, CODEC_TRUNCATED);
	}
	/* proposal claims 2 transforms, carries 1 */
	memcpy(c, buf, (size_t)n);
	c[prop + 7] = 2;
	ck_assert_int_eq(dec(c, (size_t)n), -1);
	ck_assert_int_eq(err.reason, CODEC_BAD_VALUE);
	/* proposal SPI size beyond the proposal */
	memcpy(c, buf, (size_t)n);
	c[prop + 6] = 200;
	ck_assert_int_eq(dec(c, (size_t)n), -1);
	ck_assert_int_eq(err.reason, CODEC_BAD_LENGTH);
}
END_TEST

START_TEST(test_chain_overrun)
{
	static uint8_t c[8192];
	int n = tu_build_info(buf, sizeof(buf), 0);
	struct isakmp_builder b;
	struct isakmp_hdr h;
	int i;

	/* last payload says another follows: nothing left */
	memcpy(c, buf, (size_t)n);
	c[28] = ISAKMP_PL_VID;
	ck_assert_int_eq(dec(c, (size_t)n), -1);
	ck_assert_int_eq(err.reason, CODEC_TRUNCATED);
	ck_assert_uint_eq(err.offset, (size_t)n);
	/* "loop": the payload names itself as next */
	c[28] = ISAKMP_PL_N;
	ck_assert_int_eq(dec(c, (size_t)n), -1);
	/* chain ends early: bytes left over */
	n = tu_build_info(buf, sizeof(buf), 1);
	memcpy(c, buf, (size_t)n);
	c[28] = ISAKMP_PL_NONE;
	ck_assert_int_eq(dec(c, (size_t)n), -1);
	ck_assert_int_eq(err.reason, CODEC_TRAILING);
	/* 33 payloads > ISAKMP_MAX_PAYLOADS */
	tu_hdr(&h, ISAKMP_EXCH_MAIN, 0, 0, 0);
	isakmp_build_init(&b, buf, sizeof(buf), &h);
	for (i = 0; i < ISAKMP_MAX_PAYLOADS + 1; i++)
		isakmp_build_payload(&b, ISAKMP_PL_VID, isakmp_vid_dpd, 16);
	n = isakmp_build_finish(&b);
	ck_assert_int_eq(dec(buf, (size_t)n), -1);
	ck_assert_int_eq(err.reason, CODEC_TOO_MANY);
	/* exactly the maximum is fine */
	isakmp_build_init(&b, buf, sizeof(buf), &h);
	for (i = 0; i < ISAKMP_MAX_PAYLOADS; i++)
		isakmp_build_payload(&b, ISAKMP_PL_VID, isakmp_vid_dpd, 16);
	n = isakmp_build_finish(&b);
	ck_assert_int_eq(dec(buf, (size_t)n), 0);
	ck_assert_int_eq(msg.npayloads, ISAKMP_MAX_PAYLOADS);
	/* 5 SA payloads > ISAKMP_MAX_SA */
	{
		static struct isakmp_sa sa;

		tu_p1_sa(&sa);
		isakmp_build_init(&b, buf, sizeof(buf), &h);
		for (i = 0; i < ISAKMP_MAX_SA + 1; i++)
			isakmp_build_sa(&b, &sa);
		n = isakmp_build_finish(&b);
		ck_assert_int_eq(dec(buf, (size_t)n), -1);
		ck_assert_int_eq(err.reason, CODEC_TOO_MANY);
	}
}
END_TEST

START_TEST(test_header_rules)
{
	static uint8_t c[8192];
	int n = tu_build_mm1(buf, sizeof(buf), 0);

	/* RFC 2408 §3.1: MjVer must be 1 */
	memcpy(c, buf, (size_t)n);
	c[17] = 0x20;
	ck_assert_int_eq(dec(c, (size_t)n), -1);
	ck_assert_int_eq(err.reason, CODEC_BAD_VERSION);
	c[17] = 0x00;
	ck_assert_int_eq(dec(c, (size_t)n), -1);
	ck_assert_int_eq(err.reason, CODEC_BAD_VERSION);
	c[17] = 0x11;   /* minor version is recorded, not refused */
	ck_assert_int_eq(dec(c, (size_t)n), 0);
	ck_assert_int_eq(msg.hdr.min_ver, 1);
	/* unknown flag bits */
	memcpy(c, buf, (size_t)n);
	c[19] = 0x08;
	ck_assert_int_eq(dec(c, (size_t)n), -1);
	ck_assert_int_eq(err.reason, CODEC_BAD_RESERVED);
	ck_assert_uint_eq(err.offset, 19);
	c[19] = ISAKMP_FLAG_C | ISAKMP_FLAG_A;
	ck_assert_int_eq(dec(c, (size_t)n), 0);
	/* generic RESERVED */
	memcpy(c, buf, (size_t)n);
	c[29] = 1;
	ck_assert_int_eq(dec(c, (size_t)n), -1);
	ck_assert_int_eq(err.reason, CODEC_BAD_RESERVED);
	ck_assert_uint_eq(err.offset, 29);
	/* transform RESERVED2 */
	memcpy(c, buf, (size_t)n);
	c[48 + 7] = 1;
	ck_assert_int_eq(dec(c, (size_t)n), -1);
	ck_assert_int_eq(err.reason, CODEC_BAD_RESERVED);
	/* unknown exchange: just a number */
	memcpy(c, buf, (size_t)n);
	c[18] = 77;
	ck_assert_int_eq(dec(c, (size_t)n), 0);
	ck_assert_int_eq(msg.hdr.exchange, 77);
	ck_assert_str_eq(isakmp_exch_name(msg.hdr.exchange), "type 77");
	/* too short for a header */
	ck_assert_int_eq(dec(buf, 27), -1);
	ck_assert_int_eq(err.reason, CODEC_TRUNCATED);
	ck_assert_int_eq(dec(buf, 0), -1);
}
END_TEST

START_TEST(test_encrypted_and_padding)
{
	static uint8_t plain[256];
	struct isakmp_builder b;
	struct isakmp_hdr h;
	uint8_t hash[20] = { 0 };
	int n, pn, i;

	/* plaintext: HASH, N(R-U-THERE), then 6 bytes of padding (RFC 2409 App. B) */
	tu_hdr(&h, ISAKMP_EXCH_INFO, ISAKMP_FLAG_E, 0x55, 1);
	isakmp_build_init(&b, plain, sizeof(plain), &h);
	isakmp_build_payload(&b, ISAKMP_PL_HASH, hash, sizeof(hash));
	isakmp_build_notify(&b, 1, 1, ISAKMP_N_R_U_THERE_ACK, tu_icookie, 8, "\0\0\0\1", 4);
	pn = isakmp_build_finish(&b);
	for (i = 0; i < 6; i++)
		plain[pn + i] = 0;
	plain[pn + 5] = 5;
	/* the "ciphertext" message: header + same bytes */
	memcpy(buf, plain, (size_t)pn + 6);
	n = pn + 6;
	fix_len(buf, (size_t)n);
	ck_assert_int_eq(dec(buf, (size_t)n), 0);
	ck_assert_int_eq(msg.encrypted, 1);
	ck_assert_int_eq(msg.npayloads, 0);
	ck_assert_ptr_eq(msg.body, buf + 28);
	ck_assert_uint_eq(msg.body_len, (size_t)n - 28);
	ck_assert_int_eq(isakmp_decode_payloads(msg.hdr.next_payload, msg.body, msg.body_len, 1, &msg, &err), 0);
	ck_assert_int_eq(msg.npayloads, 2);
	ck_assert_uint_eq(msg.padding, 6);
	ck_assert_int_eq(msg.pl[1].u.n.type, ISAKMP_N_R_U_THERE_ACK);
	ck_assert_uint_eq(msg.pl[1].offset, 24);
	/* without allow_padding the same bytes are trailing garbage */
	msg.npayloads = 0;
	ck_assert_int_eq(isakmp_decode_payloads(msg.hdr.next_payload, msg.body, msg.body_len, 0, &msg, &err), -1);
	ck_assert_int_eq(err.reason, CODEC_TRAILING);
	ck_assert_uint_eq(err.offset, msg.body_len - 6);
}
END_TEST

START_TEST(test_payload_types_unknown)
{
	static uint8_t c[8192];
	int n = tu_build_info(buf, sizeof(buf), 0);
	static const uint8_t illegal[] = { 2, 3, 14, 19, 22, 64, 127 };
	size_t i;

	for (i = 0; i < sizeof(illegal); i++) {
		memcpy(c, buf, (size_t)n);
		c[16] = illegal[i];
		ck_assert_int_eq(dec(c, (size_t)n), -1);
		ck_assert_int_eq(err.reason, CODEC_BAD_TYPE);
		ck_assert_uint_eq(err.offset, 28);
	}
	/* private use: kept opaque */
	memcpy(c, buf, (size_t)n);
	c[16] = 128;
	ck_assert_int_eq(dec(c, (size_t)n), 0);
	ck_assert_int_eq(msg.pl[0].type, 128);
	c[16] = 255;
	ck_assert_int_eq(dec(c, (size_t)n), 0);
	ck_assert_str_eq(isakmp_pl_name(255), "type 255");
}
END_TEST

START_TEST(test_huge_and_small_bodies)
{
	static uint8_t big[2000];
	struct isakmp_builder b;
	struct isakmp_hdr h;
	int n;

	tu_fill(big, sizeof(big), 3);
	tu_hdr(&h, ISAKMP_EXCH_MAIN, 0, 0, 1);
	isakmp_build_init(&b, buf, sizeof(buf), &h);
	isakmp_build_payload(&b, ISAKMP_PL_KE, big, 2000);
	isakmp_build_payload(&b, ISAKMP_PL_NONCE, big, 2000);
	isakmp_build_payload(&b, ISAKMP_PL_NONCE, big, 4);   /* < 8: policy, not syntax */
	n = isakmp_build_finish(&b);
	ck_assert_int_eq(dec(buf, (size_t)n), 0);
	ck_assert_uint_eq(msg.pl[0].body_len, 2000);
	ck_assert_uint_eq(msg.pl[1].body_len, 2000);
	ck_assert_uint_eq(msg.pl[2].body_len, 4);
	ck_assert_mem_eq(msg.pl[1].body, big, 2000);
	/* an empty NONCE body is below the minimum */
	isakmp_build_init(&b, buf, sizeof(buf), &h);
	isakmp_build_payload(&b, ISAKMP_PL_NONCE, big, 0);
	n = isakmp_build_finish(&b);
	ck_assert_int_eq(dec(buf, (size_t)n), -1);
	ck_assert_int_eq(err.reason, CODEC_BAD_LENGTH);
	ck_assert_ptr_nonnull(strstr(err.text, "payload 1 (NONCE)"));
}
END_TEST

START_TEST(test_notify_delete_fit)
{
	struct isakmp_builder b;
	struct isakmp_hdr h;
	uint8_t spis[17 * 4] = { 0 };
	uint8_t body[32];
	int n;

	tu_hdr(&h, ISAKMP_EXCH_INFO, 0, 9, 1);
	/* Notify SPI size beyond the payload */
	memset(body, 0, sizeof(body));
	body[3] = 1;
	body[5] = 16;   /* SPI size 16, only 4 bytes follow */
	isakmp_build_init(&b, buf, sizeof(buf), &h);
	isakmp_build_payload(&b, ISAKMP_PL_N, body, 12);
	n = isakmp_build_finish(&b);
	ck_assert_int_eq(dec(buf, (size_t)n), -1);
	ck_assert_int_eq(err.reason, CODEC_BAD_LENGTH);
	/* Delete: 2 SPIs of 4 declared, 12 bytes present */
	memset(body, 0, sizeof(body));
	body[4] = 3; body[5] = 4; body[7] = 2;
	isakmp_build_init(&b, buf, sizeof(buf), &h);
	isakmp_build_payload(&b, ISAKMP_PL_D, body, 8 + 12);
	n = isakmp_build_finish(&b);
	ck_assert_int_eq(dec(buf, (size_t)n), -1);
	ck_assert_int_eq(err.reason, CODEC_BAD_LENGTH);
	/* … and 7 bytes present */
	isakmp_build_init(&b, buf, sizeof(buf), &h);
	isakmp_build_payload(&b, ISAKMP_PL_D, body, 8 + 7);
	n = isakmp_build_finish(&b);
	ck_assert_int_eq(dec(buf, (size_t)n), -1);
	/* 17 SPIs > ISAKMP_MAX_SPIS */
	isakmp_build_init(&b, buf, sizeof(buf), &h);
	isakmp_build_delete(&b, 1, 3, 4, spis, 17);
	n = isakmp_build_finish(&b);
	ck_assert_int_eq(dec(buf, (size_t)n), -1);
	ck_assert_int_eq(err.reason, CODEC_TOO_MANY);
	/* 16 is fine */
	isakmp_build_init(&b, buf, sizeof(buf), &h);
	isakmp_build_delete(&b, 1, 3, 4, spis, 16);
	n = isakmp_build_finish(&b);
	ck_assert_int_eq(dec(buf, (size_t)n), 0);
	ck_assert_int_eq(msg.pl[0].u.d.nspis, 16);
	/* ID with a wrong address size; NAT-OA with a bad type or reserved */
	isakmp_build_init(&b, buf, sizeof(buf), &h);
	isakmp_build_payload(&b, ISAKMP_PL_ID, (uint8_t[]){ 1, 0, 0, 0, 10, 0, 0 }, 7);
	n = isakmp_build_finish(&b);
	ck_assert_int_eq(dec(buf, (size_t)n), -1);
	ck_assert_int_eq(err.reason, CODEC_BAD_LENGTH);
	isakmp_build_init(&b, buf, sizeof(buf), &h);
	isakmp_build_payload(&b, ISAKMP_PL_NATOA, (uint8_t[]){ 2, 0, 0, 0, 10, 0, 0, 1 }, 8);
	n = isakmp_build_finish(&b);
	ck_assert_int_eq(dec(buf, (size_t)n), -1);
	ck_assert_int_eq(err.reason, CODEC_BAD_VALUE);
	isakmp_build_init(&b, buf, sizeof(buf), &h);
	isakmp_build_payload(&b, ISAKMP_PL_NATOA, (uint8_t[]){ 1, 1, 0, 0, 10, 0, 0, 1 }, 8);
	n = isakmp_build_finish(&b);
	ck_assert_int_eq(dec(buf, (size_t)n), -1);
	ck_assert_int_eq(err.reason, CODEC_BAD_RESERVED);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(isakmp_exch_name(2), "Main Mode");
	ck_assert_str_eq(isakmp_exch_name(4), "Aggressive Mode");
	ck_assert_str_eq(isakmp_exch_name(5), "Informational");
	ck_assert_str_eq(isakmp_exch_name(32), "Quick Mode");
	ck_assert_str_eq(isakmp_exch_name(99), "type 99");
	ck_assert_str_eq(isakmp_pl_name(1), "SA");
	ck_assert_str_eq(isakmp_pl_name(20), "NAT-D");
	ck_assert_str_eq(isakmp_pl_name(21), "NAT-OA");
	ck_assert_str_eq(isakmp_pl_name(99), "type 99");
	ck_assert_str_eq(isakmp_notify_name(ISAKMP_N_R_U_THERE), "R-U-THERE");
	ck_assert_str_eq(isakmp_notify_name(ISAKMP_N_R_U_THERE_ACK), "R-U-THERE-ACK");
	ck_assert_str_eq(isakmp_notify_name(ISAKMP_N_INVALID_SPI), "INVALID-SPI");
	ck_assert_str_eq(isakmp_notify_name(ISAKMP_N_INITIAL_CONTACT), "INITIAL-CONTACT");
	ck_assert_str_eq(isakmp_notify_name(ISAKMP_N_RESPONDER_LIFETIME), "RESPONDER-LIFETIME");
	ck_assert_str_eq(isakmp_notify_name(ISAKMP_N_PAYLOAD_MALFORMED), "PAYLOAD-MALFORMED");
	ck_assert_str_eq(isakmp_notify_name(40000), "type 40000");
	ck_assert_str_eq(codec_reason_name(CODEC_BAD_LENGTH), "bad-length");
	ck_assert_str_eq(codec_reason_name(CODEC_REASON_MAX), "unknown");
	/* the VIDs as printed in the RFCs */
	ck_assert_int_eq(isakmp_vid_dpd[0], 0xAF);
	ck_assert_int_eq(isakmp_vid_dpd[15], 0x00);
	ck_assert_int_eq(isakmp_vid_rfc3947[0], 0x4A);
	ck_assert_int_eq(isakmp_vid_rfc3947[15], 0x2F);
}
END_TEST

START_TEST(test_builder_overflow)
{
	struct isakmp_builder b;
	struct isakmp_hdr h;
	static uint8_t big[70000], src[70000];

	tu_hdr(&h, 2, 0, 0, 0);
	isakmp_build_init(&b, buf, 20, &h);
	ck_assert_int_eq(isakmp_build_finish(&b), -1);
	isakmp_build_init(&b, buf, 40, &h);
	ck_assert_int_eq(isakmp_build_payload(&b, ISAKMP_PL_VID, isakmp_vid_dpd, 16), -1);
	ck_assert_int_eq(isakmp_build_finish(&b), -1);
	isakmp_build_init(&b, big, sizeof(big), &h);
	ck_assert_int_eq(isakmp_build_payload(&b, ISAKMP_PL_KE, src, 65531), 0);
	isakmp_build_init(&b, big, sizeof(big), &h);
	ck_assert_int_eq(isakmp_build_payload(&b, ISAKMP_PL_KE, src, 65532), -1);
}
END_TEST

static Suite *isakmp_suite(void)
{
	Suite *s = suite_create("isakmp");
	TCase *tc = tcase_create("codec");

	tcase_add_test(tc, test_mm1_roundtrip);
	tcase_add_test(tc, test_every_payload_type);
	tcase_add_test(tc, test_qm_and_info);
	tcase_add_test(tc, test_truncation_every_length);
	tcase_add_test(tc, test_length_lies);
	tcase_add_test(tc, test_chain_overrun);
	tcase_add_test(tc, test_header_rules);
	tcase_add_test(tc, test_encrypted_and_padding);
	tcase_add_test(tc, test_payload_types_unknown);
	tcase_add_test(tc, test_huge_and_small_bodies);
	tcase_add_test(tc, test_notify_delete_fit);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_builder_overflow);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(isakmp_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
