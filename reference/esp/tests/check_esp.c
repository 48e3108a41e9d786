/* check_esp.c — unit tests of the ESP data plane (esp_sa.h, esp_replay.h, esp_hmac.h):
 * round trips for every algorithm combination and inner sizes 20..1500 in 1-byte steps,
 * each packet also checked by the reference decoder of esp_testutil.h (and reference
 * packets decapsulated by the data plane); the replay window (duplicate, old, slide, out
 * of order, sizes 32/64/1024, seq 0); a bad ICV does not move the window; bad padding;
 * Next Header 59 and others; short and non-block-multiple; inner checks; unknown SPI;
 * sequence wrap; SA parameter errors; the SA database; in-place operation; IVs; HMAC
 * known answers (RFC 2202, RFC 4231); allocations per packet.
 */
#include <check.h>
#include "esp_int.h"
#include "esp_testutil.h"

/* For the hot loops: Check's ck_assert records every passing assertion (a write per
 * call), which dominates a loop of thousands of packets, under ASan most of all. */
#define REQUIRE(cond, ...) do { if (!(cond)) ck_abort_msg(__VA_ARGS__); } while (0)

#define SPI 0x1000ABCDu
#define BUF 70000

static uint8_t inner[BUF], pkt[BUF], out[BUF], ref[BUF];

/* A matched pair: outbound and inbound SA with the same keys and SPI. */
struct pair { struct esp_sa *o, *i; const struct tu_alg *a; struct tu_keys k; };

static void pair_new(struct pair *p, const struct tu_alg *a, unsigned window)
{
	p->a = a;
	tu_keys(&p->k, 1);
	p->o = tu_sa(a, &p->k, SPI, ESP_DIR_OUT, window);
	p->i = tu_sa(a, &p->k, SPI, ESP_DIR_IN, window);
}

static void pair_free(struct pair *p)
{
	esp_sa_free(p->o);
	esp_sa_free(p->i);
}

static size_t align_of(const struct tu_alg *a) { return a->block > 4 ? a->block : 4; }

/* Encapsulate an inner packet of len bytes on p->o; returns the ESP length. */
static size_t enc(struct pair *p, size_t len, uint16_t id)
{
	ssize_t n;

	tu_inner(inner, len, id);
	n = esp_encap(p->o, inner, len, pkt, sizeof(pkt));
	REQUIRE(n > 0, "%s: encap of %zu bytes failed", p->a->name, len);
	return (size_t)n;
}

static ssize_t dec(struct pair *p, const uint8_t *e, size_t n, enum esp_drop *why)
{
	return esp_decap(p->i, e, n, out, sizeof(out), why);
}

/* --- round trips ------------------------------------------------------------------- */

START_TEST(test_roundtrip_all_sizes)
{
	const struct tu_alg *a = &tu_algs[_i];
	struct pair p;
	uint8_t last_iv[16] = { 0 };
	size_t len, ivl = a->cipher ? a->block : 0;
	uint32_t seq = 0;

	pair_new(&p, a, 0);
	for (len = 20; len <= 1500; len++) {
		size_t n = enc(&p, len, (uint16_t)len), pad = (align_of(a) - (len + 2) % align_of(a)) % align_of(a);
		const char *why = "";
		enum esp_drop d;
		ssize_t r;

		seq++;
		/* RFC 4303 §2 layout: SPI, Seq, IV, minimal padding, ICV */
		REQUIRE(n == 8 + ivl + len + pad + 2 + a->icv, "%s len %zu: ESP length %zu", a->name, len, n);
		REQUIRE(n <= len + esp_overhead_max(p.o), "%s len %zu: over esp_overhead_max", a->name, len);
		REQUIRE(tu_get32(pkt) == SPI && tu_get32(pkt + 4) == seq, "%s len %zu: SPI/seq", a->name, len);
		if (ivl) {
			REQUIRE(memcmp(last_iv, pkt + 8, ivl) != 0, "%s: IV repeated at %zu", a->name, len);
			memcpy(last_iv, pkt + 8, ivl);
		}
		/* the reference decoder (fresh context, packet IV, EVP_Q_mac) agrees */
		r = tu_ref_decap(a, &p.k, pkt, n, ref, &why);
		REQUIRE(r == (ssize_t)len, "%s len %zu: reference decap: %s", a->name, len, why);
		REQUIRE(memcmp(ref, inner, len) == 0, "%s len %zu: reference plaintext differs", a->name, len);
		/* and so does ours */
		r = dec(&p, pkt, n, &d);
		REQUIRE(r == (ssize_t)len && d == ESP_DROP_NONE, "%s len %zu: decap %zd (%s)", a->name, len, r,
			esp_drop_name(d));
		REQUIRE(memcmp(out, inner, len) == 0, "%s len %zu: decap plaintext differs", a->name, len);
	}
	ck_assert_uint_eq(esp_sa_seq(p.o), seq);
	ck_assert_uint_eq(esp_sa_seq(p.i), seq);
	ck_assert_uint_eq(esp_sa_counters(p.o)->pkts, seq);
	ck_assert_uint_eq(esp_sa_counters(p.i)->pkts, seq);
	ck_assert_uint_eq(esp_sa_counters(p.i)->bytes, (20 + 1500) * 1481 / 2);
	pair_free(&p);
}
END_TEST

/* Packets built by the reference encoder (random-looking IVs, larger-than-needed padding
 * as RFC 4303 §2.4 allows up to 255 bytes) decapsulate. */
START_TEST(test_reference_packets_decap)
{
	const struct tu_alg *a = &tu_algs[_i];
	struct pair p;
	uint8_t iv[16];
	size_t len, extra, i;

	pair_new(&p, a, 0);
	for (i = 0; i < sizeof(iv); i++)
		iv[i] = (uint8_t)(0xC3 ^ i * 17);
	for (len = 20; len <= 1500; len += 37) {
		for (extra = 0; extra <= 240; extra += align_of(a) * 5) {
			uint32_t seq = esp_sa_seq(p.i) + 1;
			enum esp_drop d;
			ssize_t n, r;

			tu_inner(inner, len, (uint16_t)seq);
			iv[0] = (uint8_t)seq;
			n = tu_ref_encap(a, &p.k, SPI, seq, iv, inner, len, 4, extra, 0, 0, pkt);
			REQUIRE(n > 0, "%s: reference encap", a->name);
			r = dec(&p, pkt, (size_t)n, &d);
			REQUIRE(r == (ssize_t)len, "%s len %zu pad +%zu: %s", a->name, len, extra,
				      esp_drop_name(d));
			REQUIRE(memcmp(out, inner, len) == 0, "%s len %zu: plaintext differs", a->name, len);
		}
	}
	pair_free(&p);
}
END_TEST

/* Zero-copy layouts: encap with the inner packet already at out + header, decap in place. */
START_TEST(test_in_place)
{
	const struct tu_alg *a = &tu_algs[_i];
	struct pair p;
	size_t len, h;

	pair_new(&p, a, 0);
	h = esp_header_len(p.o);
	ck_assert_uint_eq(h, 8 + (a->cipher ? a->block : 0));
	for (len = 20; len < 200; len += 7) {
		enum esp_drop d;
		ssize_t n, r;

		tu_inner(inner, len, 1);
		memcpy(pkt + h, inner, len);
		n = esp_encap(p.o, pkt + h, len, pkt, sizeof(pkt));
		ck_assert_int_gt(n, 0);
		r = esp_decap(p.i, pkt, (size_t)n, pkt + h, (size_t)n - h, &d);
		ck_assert_msg(r == (ssize_t)len, "%s: in place %s", a->name, esp_drop_name(d));
		ck_assert_mem_eq(pkt + h, inner, len);
		/* in at the very start of out also works (moved before the header is written) */
		memcpy(pkt, inner, len);
		n = esp_encap(p.o, pkt, len, pkt, sizeof(pkt));
		ck_assert_int_gt(n, 0);
		ck_assert_int_eq(dec(&p, pkt, (size_t)n, &d), (ssize_t)len);
		ck_assert_mem_eq(out, inner, len);
	}
	pair_free(&p);
}
END_TEST

/* IVs: E_K(counter) with a random start (esp_sa.c "IVs"): consecutive IVs decrypt under
 * the SA key to consecutive counter values, and two SAs with the same key start apart. */
START_TEST(test_iv_construction)
{
	const struct tu_alg *a = tu_alg_by_name("aes128-sha1");
	struct pair p, q;
	uint8_t prev[16], cur[16], zero[16] = { 0 }, first_q[16];
	int i, j;

	pair_new(&p, a, 0);
	pair_new(&q, a, 0);
	enc(&q, 100, 1);
	memcpy(first_q, pkt + 8, 16);
	for (i = 0; i < 1000; i++) {
		size_t n = enc(&p, 20 + (size_t)i, 1);

		REQUIRE(tu_ref_cbc(a, &p.k, 0, zero, pkt + 8, 16, cur) == 0, "decrypt IV");  /* D_K(IV) */
		if (i == 0) {
			ck_assert_msg(memcmp(pkt + 8, first_q, 16) != 0, "two SAs, same key, same first IV");
		} else {
			/* cur = prev + 1 as a 128-bit big-endian number */
			for (j = 15; j >= 0; j--)
				if (++prev[j] != 0)
					break;
			REQUIRE(memcmp(cur, prev, 16) == 0, "IV %d is not E_K(counter + 1)", i);
		}
		memcpy(prev, cur, 16);
		(void)n;
	}
	pair_free(&p);
	pair_free(&q);
}
END_TEST

/* --- replay ------------------------------------------------------------------------ */

/* n packets seq 1..n on p, kept in bufs. */
static uint8_t stash[1200][160];
static size_t stash_len[1200];

static void fill_stash(struct pair *p, int n)
{
	int s;

	for (s = 1; s <= n; s++) {
		stash_len[s] = enc(p, 60, (uint16_t)s);
		REQUIRE(stash_len[s] <= sizeof(stash[0]), "stash");
		memcpy(stash[s], pkt, stash_len[s]);
	}
}

static enum esp_drop deliver(struct pair *p, int s)
{
	enum esp_drop d;
	ssize_t r = dec(p, stash[s], stash_len[s], &d);

	REQUIRE((r >= 0) == (d == ESP_DROP_NONE), "return and reason disagree");
	return d;
}

START_TEST(test_replay_window)
{
	const struct tu_alg *a = tu_alg_by_name("aes128-sha1");
	struct pair p;
	int s;

	pair_new(&p, a, 0);                      /* default 64 */
	fill_stash(&p, 300);
	ck_assert_int_eq(deliver(&p, 1), ESP_DROP_NONE);
	ck_assert_int_eq(deliver(&p, 1), ESP_DROP_REPLAY);            /* duplicate */
	ck_assert_int_eq(deliver(&p, 10), ESP_DROP_NONE);             /* gap */
	for (s = 9; s >= 2; s--)                                      /* out of order, in window */
		ck_assert_int_eq(deliver(&p, s), ESP_DROP_NONE);
	for (s = 1; s <= 10; s++)
		ck_assert_int_eq(deliver(&p, s), ESP_DROP_REPLAY);
	ck_assert_uint_eq(esp_sa_seq(p.i), 10);
	/* slide: right edge 100; window (36, 100] */
	ck_assert_int_eq(deliver(&p, 100), ESP_DROP_NONE);
	ck_assert_int_eq(deliver(&p, 36), ESP_DROP_REPLAY);           /* left of the window */
	ck_assert_int_eq(deliver(&p, 37), ESP_DROP_NONE);             /* leftmost slot */
	ck_assert_int_eq(deliver(&p, 37), ESP_DROP_REPLAY);
	ck_assert_int_eq(deliver(&p, 99), ESP_DROP_NONE);
	ck_assert_int_eq(deliver(&p, 64), ESP_DROP_NONE);
	ck_assert_int_eq(deliver(&p, 100), ESP_DROP_REPLAY);
	/* a jump by more than the ring: everything before is forgotten or out of window */
	ck_assert_int_eq(deliver(&p, 290), ESP_DROP_NONE);
	ck_assert_int_eq(deliver(&p, 226), ESP_DROP_REPLAY);
	for (s = 227; s < 290; s++)
		ck_assert_int_eq(deliver(&p, s), ESP_DROP_NONE);
	for (s = 227; s <= 290; s++)
		ck_assert_int_eq(deliver(&p, s), ESP_DROP_REPLAY);
	ck_assert_uint_eq(esp_sa_counters(p.i)->drops[ESP_DROP_REPLAY], 1 + 10 + 1 + 1 + 1 + 1 + 64);
	pair_free(&p);
}
END_TEST

/* Window sizes 32 and 1024 against a model (a plain array of "seen" flags). */
START_TEST(test_replay_model)
{
	static const unsigned windows[] = { 32, 64, 100, 1024 };
	static uint8_t seen[1 << 23];
	unsigned w = windows[_i];
	struct esp_replay r;
	uint32_t top = 0, s, span = w + w / 8 + 10;
	uint64_t x = 12345;
	int i;

	ck_assert_int_eq(esp_replay_init(&r, w), 0);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < 300000 && top < sizeof(seen) - 8 * w; i++) {
		int expect_ok, got_ok;

		x = x * 6364136223846793005ull + 1442695040888963407ull;
		/* mostly inside or just right of the window, sometimes a long jump */
		s = top + (uint32_t)((x >> 33) % span) - w - 5;
		if ((x >> 20) % 97 == 0)
			s += 3 * w;
		if ((int32_t)s < 0)
			continue;
		expect_ok = s != 0 && !seen[s] && (s > top || top - s < w);
		got_ok = esp_replay_check(&r, s) == 0;
		REQUIRE(expect_ok == got_ok, "window %u top %u seq %u: model %d replay %d", w, top, s,
			      expect_ok, got_ok);
		if (got_ok && (x >> 40) % 8) {          /* some fail their ICV: no update */
			esp_replay_update(&r, s);
			seen[s] = 1;
			if (s > top)
				top = s;
		}
		REQUIRE(r.top == top, "window %u: top %u, model %u", w, r.top, top);
	}
	ck_assert_int_gt(i, 100000);
}
END_TEST

START_TEST(test_replay_edges)
{
	struct esp_replay r;

	ck_assert_int_eq(esp_replay_init(&r, 16), -1);
	ck_assert_int_eq(esp_replay_init(&r, 1025), -1);
	ck_assert_int_eq(esp_replay_init(&r, 0), 0);
	ck_assert_uint_eq(r.window, 64);
	ck_assert_int_eq(esp_replay_check(&r, 0), -1);       /* §3.3.3: seq 0 never sent */
	ck_assert_int_eq(esp_replay_check(&r, 1), 0);
	esp_replay_update(&r, UINT32_MAX);                   /* the last legal number */
	ck_assert_int_eq(esp_replay_check(&r, UINT32_MAX), -1);
	ck_assert_int_eq(esp_replay_check(&r, UINT32_MAX - 1), 0);
	ck_assert_int_eq(esp_replay_check(&r, UINT32_MAX - 64), -1);
	esp_replay_update(&r, UINT32_MAX - 63);
	ck_assert_int_eq(esp_replay_check(&r, UINT32_MAX - 63), -1);
}
END_TEST

/* RFC 4303 §3.4.3: "The receive window is updated only if the integrity verification
 * succeeds". */
START_TEST(test_bad_icv_keeps_window)
{
	const struct tu_alg *a = &tu_algs[_i];
	struct pair p;
	enum esp_drop d;
	uint8_t bad[200];

	if (a->auth == ESP_AUTH_NONE)
		return;
	pair_new(&p, a, 0);
	fill_stash(&p, 200);
	ck_assert_int_eq(deliver(&p, 5), ESP_DROP_NONE);
	/* seq 200 with a broken ICV: dropped, the edge stays at 5 */
	memcpy(bad, stash[200], stash_len[200]);
	bad[stash_len[200] - 1] ^= 0x01;
	ck_assert_int_eq(dec(&p, bad, stash_len[200], &d), -1);
	ck_assert_int_eq(d, ESP_DROP_AUTH);
	ck_assert_uint_eq(esp_sa_seq(p.i), 5);
	/* so 6 (would be left of a window at 200) is still accepted, and 200 itself */
	ck_assert_int_eq(deliver(&p, 6), ESP_DROP_NONE);
	/* a forged sequence number: the ICV covers it */
	memcpy(bad, stash[7], stash_len[7]);
	tu_put32(bad + 4, 150);
	ck_assert_int_eq(dec(&p, bad, stash_len[7], &d), -1);
	ck_assert_int_eq(d, ESP_DROP_AUTH);
	ck_assert_uint_eq(esp_sa_seq(p.i), 6);
	ck_assert_int_eq(deliver(&p, 150), ESP_DROP_NONE);
	ck_assert_int_eq(deliver(&p, 200), ESP_DROP_NONE);
	ck_assert_uint_eq(esp_sa_counters(p.i)->drops[ESP_DROP_AUTH], 2);
	pair_free(&p);
}
END_TEST

/* Confidentiality-only: no anti-replay (§3.4.3), duplicates pass. */
START_TEST(test_no_integrity_no_replay)
{
	struct pair p;

	pair_new(&p, tu_alg_by_name("aes128-none"), 0);
	fill_stash(&p, 3);
	ck_assert_uint_eq(esp_overhead_max(p.o), 8 + 16 + 15 + 2);
	ck_assert_int_eq(deliver(&p, 2), ESP_DROP_NONE);
	ck_assert_int_eq(deliver(&p, 2), ESP_DROP_NONE);
	ck_assert_int_eq(deliver(&p, 1), ESP_DROP_NONE);
	ck_assert_uint_eq(esp_sa_seq(p.i), 2);
	pair_free(&p);
}
END_TEST

/* --- trailer and inner checks ------------------------------------------------------- */

/* Encrypt an arbitrary (aligned) plaintext with a valid ICV. */
static size_t raw_pkt(struct pair *p, uint32_t seq, const uint8_t *pt, size_t ct_len)
{
	const struct tu_alg *a = p->a;
	size_t ivl = a->cipher ? a->block : 0;
	uint8_t iv[16] = { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6 };

	tu_put32(pkt, SPI);
	tu_put32(pkt + 4, seq);
	if (ivl) {
		memcpy(pkt + 8, iv, ivl);
		ck_assert_int_eq(tu_ref_cbc(a, &p->k, 1, iv, pt, ct_len, pkt + 8 + ivl), 0);
	} else {
		memcpy(pkt + 8, pt, ct_len);
	}
	if (a->icv)
		ck_assert_int_eq(tu_ref_icv(a, &p->k, pkt, 8 + ivl + ct_len, pkt + 8 + ivl + ct_len), 0);
	return 8 + ivl + ct_len + a->icv;
}

static enum esp_drop try_ref(struct pair *p, size_t len, uint8_t nh, size_t extra, int bad_pad)
{
	uint8_t iv[16] = { 1 };
	enum esp_drop d;
	ssize_t n;

	n = tu_ref_encap(p->a, &p->k, SPI, esp_sa_seq(p->i) + 1, iv, inner, len, nh, extra, bad_pad, 0, pkt);
	ck_assert_int_gt(n, 0);
	dec(p, pkt, (size_t)n, &d);
	return d;
}

START_TEST(test_trailer)
{
	const struct tu_alg *a = &tu_algs[_i];
	size_t al = align_of(a), i;
	struct pair p;
	uint8_t pt[256];
	enum esp_drop d;
	ssize_t n;

	pair_new(&p, a, 0);
	tu_inner(inner, 84, 1);
	ck_assert_int_eq(try_ref(&p, 84, 4, 0, 0), ESP_DROP_NONE);
	/* padding bytes not 1, 2, 3, … (§2.4) */
	ck_assert_int_eq(try_ref(&p, 84, 4, al * 2, 1), ESP_DROP_PAD);
	ck_assert_int_eq(try_ref(&p, 85, 4, al, 1), ESP_DROP_PAD);
	/* Next Header: 59 is a dummy (§2.6), 41 (IPv6) and 6 are not our tunnel */
	ck_assert_int_eq(try_ref(&p, 84, 59, 0, 0), ESP_DROP_DUMMY);
	ck_assert_int_eq(try_ref(&p, 84, 41, 0, 0), ESP_DROP_NEXT_HDR);
	ck_assert_int_eq(try_ref(&p, 84, 6, 0, 0), ESP_DROP_NEXT_HDR);
	/* a dummy need not be well-formed otherwise: bad padding still counts as dummy */
	ck_assert_int_eq(try_ref(&p, 85, 59, 0, 1), ESP_DROP_DUMMY);
	/* Pad Length larger than the plaintext */
	memset(pt, 0, sizeof(pt));
	pt[al * 2 - 2] = (uint8_t)(al * 2 - 1);
	pt[al * 2 - 1] = 4;
	n = (ssize_t)raw_pkt(&p, esp_sa_seq(p.i) + 1, pt, al * 2);
	ck_assert_int_eq(dec(&p, pkt, (size_t)n, &d), -1);
	ck_assert_int_eq(d, ESP_DROP_PAD);
	pt[al * 2 - 2] = 255;
	n = (ssize_t)raw_pkt(&p, esp_sa_seq(p.i) + 1, pt, al * 2);
	ck_assert_int_eq(dec(&p, pkt, (size_t)n, &d), -1);
	ck_assert_int_eq(d, ESP_DROP_PAD);
	/* Pad Length = whole plaintext − 2 with correct bytes: inner is empty → inner */
	for (i = 0; i < al * 2 - 2; i++)
		pt[i] = (uint8_t)(i + 1);
	pt[al * 2 - 2] = (uint8_t)(al * 2 - 2);
	n = (ssize_t)raw_pkt(&p, esp_sa_seq(p.i) + 1, pt, al * 2);
	ck_assert_int_eq(dec(&p, pkt, (size_t)n, &d), -1);
	ck_assert_int_eq(d, ESP_DROP_INNER);
	/* inner: not IPv4, IHL < 5, IHL beyond the packet, total length off by one */
	tu_inner(inner, 84, 1);
	inner[0] = 0x65;
	ck_assert_int_eq(try_ref(&p, 84, 4, 0, 0), ESP_DROP_INNER);
	inner[0] = 0x44;
	ck_assert_int_eq(try_ref(&p, 84, 4, 0, 0), ESP_DROP_INNER);
	tu_inner(inner, 40, 1);
	inner[0] = 0x4F;                             /* 60-byte header in a 40-byte packet */
	ck_assert_int_eq(try_ref(&p, 40, 4, 0, 0), ESP_DROP_INNER);
	tu_inner(inner, 84, 1);
	tu_put16(inner + 2, 83);
	ck_assert_int_eq(try_ref(&p, 84, 4, 0, 0), ESP_DROP_INNER);
	tu_put16(inner + 2, 85);
	ck_assert_int_eq(try_ref(&p, 84, 4, 0, 0), ESP_DROP_INNER);
	tu_inner(inner, 19 + 1, 1);
	ck_assert_int_eq(try_ref(&p, 20, 4, 0, 0), ESP_DROP_NONE);
	/* counted by reason */
	ck_assert_uint_eq(esp_sa_counters(p.i)->drops[ESP_DROP_PAD], 4);
	ck_assert_uint_eq(esp_sa_counters(p.i)->drops[ESP_DROP_DUMMY], 2);
	ck_assert_uint_eq(esp_sa_counters(p.i)->drops[ESP_DROP_NEXT_HDR], 2);
	ck_assert_uint_eq(esp_sa_counters(p.i)->drops[ESP_DROP_INNER], 6);
	ck_assert_uint_eq(esp_sa_counters(p.i)->pkts, 2);
	/* our own dummy packets (§2.6: a transmitter MUST be able to send them) */
	p.o->seq = esp_sa_seq(p.i);          /* the reference packets above used the numbers */
	n = esp_encap_dummy(p.o, 100, pkt, sizeof(pkt));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(dec(&p, pkt, (size_t)n, &d), -1);
	ck_assert_int_eq(d, ESP_DROP_DUMMY);
	pair_free(&p);
}
END_TEST

START_TEST(test_short_and_block)
{
	const struct tu_alg *a = &tu_algs[_i];
	size_t al = align_of(a), ivl = a->cipher ? a->block : 0, min = 8 + ivl + al + a->icv, n, len;
	struct pair p;
	enum esp_drop d;

	pair_new(&p, a, 0);
	n = enc(&p, 20, 1);
	for (len = 0; len < min; len++) {
		ck_assert_int_eq(dec(&p, pkt, len, &d), -1);
		ck_assert_msg(d == ESP_DROP_SHORT, "%s len %zu: %s", a->name, len, esp_drop_name(d));
	}
	/* ciphertext one byte off a block multiple, either way */
	ck_assert_int_eq(dec(&p, pkt, n - 1, &d), -1);
	ck_assert_int_eq(d, ESP_DROP_BAD_BLOCK);
	pkt[n] = 0;
	ck_assert_int_eq(dec(&p, pkt, n + 1, &d), -1);
	ck_assert_int_eq(d, ESP_DROP_BAD_BLOCK);
	/* the original still goes through: nothing above touched the window */
	ck_assert_int_eq(dec(&p, pkt, n, &d), 20);
	ck_assert_uint_eq(esp_sa_counters(p.i)->drops[ESP_DROP_SHORT], min);
	ck_assert_uint_eq(esp_sa_counters(p.i)->drops[ESP_DROP_BAD_BLOCK], 2);
	pair_free(&p);
}
END_TEST

START_TEST(test_too_big)
{
	struct pair p;
	enum esp_drop d;
	ssize_t n;

	pair_new(&p, tu_alg_by_name("aes256-sha256"), 0);
	tu_inner(inner, 1400, 1);
	/* 1400 + 2 → 1408 ciphertext; + 8 + 16 + 16 = 1448 */
	ck_assert_int_eq(esp_encap(p.o, inner, 1400, pkt, 1447), -1);
	ck_assert_uint_eq(esp_sa_counters(p.o)->drops[ESP_DROP_TOO_BIG], 1);
	ck_assert_uint_eq(esp_sa_seq(p.o), 0);
	n = esp_encap(p.o, inner, 1400, pkt, 1448);
	ck_assert_int_eq(n, 1448);
	ck_assert_int_eq(esp_decap(p.i, pkt, (size_t)n, out, 1407, &d), -1);
	ck_assert_int_eq(d, ESP_DROP_TOO_BIG);
	ck_assert_int_eq(esp_decap(p.i, pkt, (size_t)n, out, 1408, &d), 1400);
	/* nothing beyond an IPv4 datagram */
	ck_assert_int_eq(esp_decap(p.i, pkt, 65536 + 40, out, sizeof(out), &d), -1);
	ck_assert_int_eq(d, ESP_DROP_TOO_BIG);
	ck_assert_int_eq(esp_encap_dummy(p.o, 65536, pkt, sizeof(pkt)), -1);
	ck_assert_uint_eq(esp_sa_counters(p.o)->drops[ESP_DROP_TOO_BIG], 2);
	/* encap refuses what is not one whole IPv4 packet */
	ck_assert_int_eq(esp_encap(p.o, inner, 1399, pkt, sizeof(pkt)), -1);
	ck_assert_int_eq(esp_encap(p.o, inner, 19, pkt, sizeof(pkt)), -1);
	inner[0] = 0x60;
	ck_assert_int_eq(esp_encap(p.o, inner, 1400, pkt, sizeof(pkt)), -1);
	ck_assert_uint_eq(esp_sa_counters(p.o)->drops[ESP_DROP_INNER], 3);
	/* the wrong direction */
	ck_assert_int_eq(esp_encap(p.i, inner, 1400, pkt, sizeof(pkt)), -1);
	ck_assert_int_eq(esp_decap(p.o, pkt, (size_t)n, out, sizeof(out), &d), -1);
	ck_assert_int_eq(d, ESP_DROP_UNKNOWN_SPI);
	pair_free(&p);
}
END_TEST

/* RFC 4303 §3.3.3: the sender refuses to cycle the sequence number. */
START_TEST(test_seq_wrap)
{
	struct pair p;
	enum esp_drop d;
	size_t n;

	pair_new(&p, tu_alg_by_name("3des-sha1"), 0);
	p.o->seq = UINT32_MAX - 2;
	n = enc(&p, 100, 1);
	ck_assert_uint_eq(tu_get32(pkt + 4), UINT32_MAX - 1);
	ck_assert_int_eq(dec(&p, pkt, n, &d), 100);
	n = enc(&p, 100, 2);
	ck_assert_uint_eq(tu_get32(pkt + 4), UINT32_MAX);
	ck_assert_int_eq(dec(&p, pkt, n, &d), 100);
	ck_assert_uint_eq(esp_sa_seq(p.i), UINT32_MAX);
	tu_inner(inner, 100, 3);
	ck_assert_int_eq(esp_encap(p.o, inner, 100, pkt, sizeof(pkt)), -1);
	ck_assert_int_eq(esp_encap(p.o, inner, 100, pkt, sizeof(pkt)), -1);
	ck_assert_int_eq(esp_encap_dummy(p.o, 10, pkt, sizeof(pkt)), -1);
	ck_assert_uint_eq(esp_sa_counters(p.o)->drops[ESP_DROP_SEQ_WRAP], 3);
	ck_assert_uint_eq(esp_sa_seq(p.o), UINT32_MAX);
	ck_assert_uint_eq(esp_sa_counters(p.o)->pkts, 2);
	pair_free(&p);
}
END_TEST

/* --- SA parameters and the database ------------------------------------------------- */

START_TEST(test_params)
{
	static const uint8_t key[64] = { 1, 2, 3 };
	struct {
		uint32_t spi; int dir; int enc; size_t ekl; int auth; size_t akl; unsigned win;
		const char *expect;
	} bad[] = {
		{ 0, 0, ESP_ENC_AES_CBC, 16, ESP_AUTH_HMAC_SHA1, 20, 0, "reserved" },
		{ 255, 0, ESP_ENC_AES_CBC, 16, ESP_AUTH_HMAC_SHA1, 20, 0, "reserved" },
		{ 256, 2, ESP_ENC_AES_CBC, 16, ESP_AUTH_HMAC_SHA1, 20, 0, "direction" },
		{ 256, 0, ESP_ENC_AES_CBC, 20, ESP_AUTH_HMAC_SHA1, 20, 0, "16, 24 or 32" },
		{ 256, 0, ESP_ENC_DES, 7, ESP_AUTH_HMAC_SHA1, 20, 0, "8 bytes" },
		{ 256, 0, ESP_ENC_3DES, 16, ESP_AUTH_HMAC_SHA1, 20, 0, "24 bytes" },
		{ 256, 0, 99, 16, ESP_AUTH_HMAC_SHA1, 20, 0, "known transform" },
		{ 256, 0, ESP_ENC_NULL, 16, ESP_AUTH_HMAC_SHA1, 20, 0, "no key" },
		{ 256, 0, ESP_ENC_AES_CBC, 16, ESP_AUTH_HMAC_MD5, 20, 0, "expected 16" },
		{ 256, 0, ESP_ENC_AES_CBC, 16, ESP_AUTH_HMAC_SHA1, 16, 0, "expected 20" },
		{ 256, 0, ESP_ENC_AES_CBC, 16, ESP_AUTH_HMAC_SHA256, 20, 0, "expected 32" },
		{ 256, 0, ESP_ENC_AES_CBC, 16, 3, 20, 0, "HMAC-SHA2-256" },
		{ 256, 0, ESP_ENC_AES_CBC, 16, ESP_AUTH_NONE, 20, 0, "no key" },
		{ 256, 0, ESP_ENC_NULL, 0, ESP_AUTH_NONE, 0, 0, "at least one" },
		{ 256, 0, ESP_ENC_AES_CBC, 16, ESP_AUTH_HMAC_SHA1, 20, 31, "32..1024" },
		{ 256, 0, ESP_ENC_AES_CBC, 16, ESP_AUTH_HMAC_SHA1, 20, 1025, "32..1024" },
	};
	struct esp_sa_params p;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&p, 0, sizeof(p));
		p.spi = bad[i].spi;
		p.dir = (enum esp_dir)bad[i].dir;
		p.enc = (enum esp_enc_alg)bad[i].enc;
		p.enc_key = key;
		p.enc_key_len = bad[i].ekl;
		p.auth = (enum esp_auth_alg)bad[i].auth;
		p.auth_key = key;
		p.auth_key_len = bad[i].akl;
		p.replay_window = bad[i].win;
		err[0] = '\0';
		ck_assert_msg(esp_sa_new(&p, err, sizeof(err)) == NULL, "case %zu accepted", i);
		ck_assert_msg(strstr(err, bad[i].expect) != NULL, "case %zu: \"%s\" lacks \"%s\"", i, err,
			      bad[i].expect);
	}
	ck_assert_ptr_null(esp_sa_new(NULL, NULL, 0));
	/* a good one, and window 1024 */
	p.enc_key_len = 16, p.auth = ESP_AUTH_HMAC_SHA1, p.auth_key_len = 20, p.replay_window = 1024;
	p.enc = ESP_ENC_AES_CBC, p.spi = 256;
	{
		struct esp_sa *sa = esp_sa_new(&p, err, sizeof(err));

		ck_assert_ptr_nonnull(sa);
		ck_assert_uint_eq(esp_sa_spi(sa), 256);
		ck_assert_int_eq(esp_sa_dir(sa), ESP_DIR_IN);
		esp_sa_free(sa);
	}
	esp_sa_free(NULL);
}
END_TEST

START_TEST(test_drop_names)
{
	int i;

	ck_assert_str_eq(esp_drop_name(ESP_DROP_UNKNOWN_SPI), "unknown-spi");
	ck_assert_str_eq(esp_drop_name(ESP_DROP_REPLAY), "replay");
	ck_assert_str_eq(esp_drop_name(ESP_DROP_AUTH), "auth");
	ck_assert_str_eq(esp_drop_name(ESP_DROP_SEQ_WRAP), "seq-wrap");
	ck_assert_str_eq(esp_drop_name(ESP_DROP_MAX), "?");
	for (i = 0; i < ESP_DROP_MAX; i++)
		ck_assert_str_ne(esp_drop_name((enum esp_drop)i), "?");
}
END_TEST

START_TEST(test_sadb)
{
	const struct tu_alg *a = tu_alg_by_name("aes128-sha1");
	struct esp_sadb *db = esp_sadb_new();
	struct tu_keys k;
	struct esp_sa *sa, *o, *got;
	enum esp_drop d;
	uint8_t e[200];
	ssize_t n;
	uint32_t i;

	tu_keys(&k, 2);
	ck_assert_ptr_nonnull(db);
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(esp_sadb_add(db, tu_sa(a, &k, 0x100 + i * 7919, ESP_DIR_IN, 0)), 0);
	ck_assert_uint_eq(esp_sadb_count(db), 1000);
	for (i = 0; i < 1000; i++) {
		sa = esp_sadb_find(db, 0x100 + i * 7919);
		ck_assert_ptr_nonnull(sa);
		ck_assert_uint_eq(esp_sa_spi(sa), 0x100 + i * 7919);
	}
	ck_assert_ptr_null(esp_sadb_find(db, 0x101));
	/* duplicates and outbound SAs are refused and stay the caller's */
	sa = tu_sa(a, &k, 0x100, ESP_DIR_IN, 0);
	ck_assert_int_eq(esp_sadb_add(db, sa), -1);
	esp_sa_free(sa);
	o = tu_sa(a, &k, 0x5000, ESP_DIR_OUT, 0);
	ck_assert_int_eq(esp_sadb_add(db, o), -1);
	ck_assert_int_eq(esp_sadb_add(db, NULL), -1);
	for (i = 0; i < 1000; i += 2)
		ck_assert_int_eq(esp_sadb_del(db, 0x100 + i * 7919), 0);
	ck_assert_int_eq(esp_sadb_del(db, 0x100), -1);
	ck_assert_uint_eq(esp_sadb_count(db), 500);
	ck_assert_ptr_null(esp_sadb_find(db, 0x100));
	ck_assert_ptr_nonnull(esp_sadb_find(db, 0x100 + 7919));

	/* input: one SA with SPI 0x5000 */
	ck_assert_int_eq(esp_sadb_add(db, tu_sa(a, &k, 0x5000, ESP_DIR_IN, 0)), 0);
	tu_inner(inner, 100, 1);
	n = esp_encap(o, inner, 100, e, sizeof(e));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(esp_sadb_input(db, e, (size_t)n, out, sizeof(out), &got, &d), 100);
	ck_assert_int_eq(d, ESP_DROP_NONE);
	ck_assert_uint_eq(esp_sa_spi(got), 0x5000);
	ck_assert_mem_eq(out, inner, 100);
	/* replayed: counted on the SA, which is still reported */
	ck_assert_int_eq(esp_sadb_input(db, e, (size_t)n, out, sizeof(out), &got, &d), -1);
	ck_assert_int_eq(d, ESP_DROP_REPLAY);
	ck_assert_ptr_eq(got, esp_sadb_find(db, 0x5000));
	ck_assert_uint_eq(esp_sa_counters(got)->drops[ESP_DROP_REPLAY], 1);
	/* unknown SPI, reserved SPI, truncated header: counted globally */
	tu_put32(e, 0x5001);
	ck_assert_int_eq(esp_sadb_input(db, e, (size_t)n, out, sizeof(out), &got, &d), -1);
	ck_assert_int_eq(d, ESP_DROP_UNKNOWN_SPI);
	ck_assert_ptr_null(got);
	tu_put32(e, 255);
	ck_assert_int_eq(esp_sadb_input(db, e, (size_t)n, out, sizeof(out), &got, &d), -1);
	ck_assert_int_eq(d, ESP_DROP_UNKNOWN_SPI);
	ck_assert_int_eq(esp_sadb_input(db, e, 7, out, sizeof(out), NULL, &d), -1);
	ck_assert_int_eq(d, ESP_DROP_SHORT);
	ck_assert_int_eq(esp_sadb_input(db, e, 0, out, sizeof(out), NULL, NULL), -1);
	ck_assert_uint_eq(esp_sadb_counters(db)->drops[ESP_DROP_UNKNOWN_SPI], 2);
	ck_assert_uint_eq(esp_sadb_counters(db)->drops[ESP_DROP_SHORT], 2);
	ck_assert_uint_eq(esp_sadb_counters(db)->pkts, 6);
	/* short but with an SA: counted on the SA */
	tu_put32(e, 0x5000);
	ck_assert_int_eq(esp_sadb_input(db, e, 20, out, sizeof(out), &got, &d), -1);
	ck_assert_int_eq(d, ESP_DROP_SHORT);
	ck_assert_uint_eq(esp_sa_counters(got)->drops[ESP_DROP_SHORT], 1);
	esp_sa_free(o);
	esp_sadb_free(db);
	esp_sadb_free(NULL);
}
END_TEST

/* --- HMAC known answers --------------------------------------------------------------- */

static void hex(const char *h, uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned v;

		ck_assert_int_eq(sscanf(h + 2 * i, "%2x", &v), 1);
		b[i] = (uint8_t)v;
	}
}

START_TEST(test_hmac_known_answers)
{
	/* RFC 2202 §2/§3 test cases 2 and 6, RFC 4231 §4.3 and §4.7 (full length; the ESP
	 * ICV is the leftmost 12 or 16 bytes) */
	static const struct { const char *digest; const char *key; size_t klen; const char *data; const char *mac; } v[] = {
		{ "MD5", "Jefe", 4, "what do ya want for nothing?", "750c783e6ab0b503eaa86e310a5db738" },
		{ "SHA1", "Jefe", 4, "what do ya want for nothing?", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
		{ "SHA2-256", "Jefe", 4, "what do ya want for nothing?",
		  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
		{ "MD5", NULL, 80, "Test Using Larger Than Block-Size Key - Hash Key First",
		  "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd" },
		{ "SHA1", NULL, 80, "Test Using Larger Than Block-Size Key - Hash Key First",
		  "aa4ae5e15272d00e95705637ce8a3b55ed402112" },
		{ "SHA2-256", NULL, 131, "Test Using Larger Than Block-Size Key - Hash Key First",
		  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
	};
	uint8_t key[131], want[32], got[16];
	struct esp_hmac h;
	size_t i, icv;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		if (v[i].key)
			memcpy(key, v[i].key, v[i].klen);
		else
			memset(key, 0xaa, v[i].klen);
		icv = strlen(v[i].mac) / 2 >= 32 ? 16 : 12;
		hex(v[i].mac, want, icv);
		ck_assert_int_eq(esp_hmac_init(&h, v[i].digest, key, v[i].klen, icv), 0);
		ck_assert_int_eq(esp_hmac_icv(&h, (const uint8_t *)v[i].data, strlen(v[i].data), got), 0);
		ck_assert_msg(memcmp(got, want, icv) == 0, "case %zu (%s)", i, v[i].digest);
		/* the state is reused: same answer again */
		ck_assert_int_eq(esp_hmac_icv(&h, (const uint8_t *)v[i].data, strlen(v[i].data), got), 0);
		ck_assert_msg(memcmp(got, want, icv) == 0, "case %zu (%s) second time", i, v[i].digest);
		esp_hmac_free(&h);
	}
	ck_assert_int_eq(esp_hmac_init(&h, "NO-SUCH-DIGEST", key, 4, 12), -1);
	ck_assert_int_eq(esp_hmac_init(&h, "MD5", key, 4, 17), -1);
}
END_TEST

/* --- allocations per packet ----------------------------------------------------------- */

static long crypto_allocs;

static void *count_malloc(size_t n, const char *f, int l) { (void)f, (void)l; crypto_allocs++; return malloc(n); }
static void *count_realloc(void *p, size_t n, const char *f, int l) { (void)f, (void)l; crypto_allocs++; return realloc(p, n); }
static void count_free(void *p, const char *f, int l) { (void)f, (void)l; free(p); }

/* Steady state: the cipher path allocates nothing; each HMAC costs OpenSSL 3.0's two
 * EVP_MD_CTX_copy_ex provider-context duplicates (esp_hmac.h), nothing of ours. */
START_TEST(test_allocations_per_packet)
{
	const struct tu_alg *a = &tu_algs[_i];
	struct pair p;
	long before, per;
	int i;

	pair_new(&p, a, 0);
	ck_assert_int_eq(dec(&p, pkt, enc(&p, 1400, 0), NULL), 1400);     /* warm up */
	before = crypto_allocs;
	for (i = 0; i < 100; i++) {
		ssize_t n = esp_encap(p.o, inner, 1400, pkt, sizeof(pkt));

		ck_assert_int_eq(dec(&p, pkt, (size_t)n, NULL), 1400);
	}
	per = (crypto_allocs - before) / 100;
	printf("%s: %ld OpenSSL allocations per encap+decap\n", a->name, per);
	ck_assert_int_le(per, a->auth == ESP_AUTH_NONE ? 0 : 4);
	pair_free(&p);
}
END_TEST

static Suite *esp_suite(void)
{
	Suite *s = suite_create("esp");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_roundtrip_all_sizes, 0, TU_NALGS);
	tcase_add_loop_test(tc, test_reference_packets_decap, 0, TU_NALGS);
	tcase_add_loop_test(tc, test_in_place, 0, TU_NALGS);
	tcase_add_test(tc, test_iv_construction);
	tcase_add_test(tc, test_replay_window);
	tcase_add_loop_test(tc, test_replay_model, 0, 4);
	tcase_add_test(tc, test_replay_edges);
	tcase_add_loop_test(tc, test_bad_icv_keeps_window, 0, TU_NALGS);
	tcase_add_test(tc, test_no_integrity_no_replay);
	tcase_add_loop_test(tc, test_trailer, 0, TU_NALGS);
	tcase_add_loop_test(tc, test_short_and_block, 0, TU_NALGS);
	tcase_add_test(tc, test_too_big);
	tcase_add_test(tc, test_seq_wrap);
	tcase_add_test(tc, test_params);
	tcase_add_test(tc, test_drop_names);
	tcase_add_test(tc, test_sadb);
	tcase_add_test(tc, test_hmac_known_answers);
	tcase_add_loop_test(tc, test_allocations_per_packet, 0, TU_NALGS);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	/* before OpenSSL allocates anything (test_allocations_per_packet) */
	CRYPTO_set_mem_functions(count_malloc, count_realloc, count_free);
	sr = srunner_create(esp_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
