/* check_ike_mutation.c — deterministic mutation test of the IKE engine (label mutation).
 *
 * Two engines establish Main Mode + Quick Mode (group 2, PFS) and exchange DPD; every
 * message is recorded. Then ≥ 50,000 mutants of those messages — truncations, bit and
 * byte flips, header and payload length lies, next-payload loops, wrong versions,
 * flags and exchange types, inserted and appended bytes, and hand-built Main Mode
 * messages with huge or tiny KE and nonce payloads — are fed (on ports 500 and 4500)
 * to three targets: a fresh responder (re-seeded with the genuine MM1 every 512
 * mutants so later messages meet a live half-open SA), and both established engines.
 * Nothing may crash (the sanitizer build checks memory and UB), every mutant that is
 * not a genuine message must be dropped and counted, the established ISAKMP SA must
 * still be listed in QM_IDLE with its children, and a fresh Quick Mode must still
 * work afterwards. A fixed seed makes every run identical.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/provider.h>
#include "ike_testnet.h"
#include "isakmp.h"

#define MUTANTS 60000

static uint64_t rng = 0x1b3f0f29c0ffee11ULL;

static uint32_t rnd(void)
{
	/* xorshift64*: deterministic, no libc rand state */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545F4914F6CDD1DULL) >> 32);
}

static int failures;

#define CHECK(cond, ...) do { if (!(cond)) { printf("FAIL %s:%d: ", __FILE__, __LINE__); \
	printf(__VA_ARGS__); printf("\n"); failures++; } } while (0)

static int drop_everything(struct tn *n, const struct tn_msg *m, unsigned index)
{
	(void)n;
	(void)m;
	(void)index;
	return 1;
}

/* Offsets of the generic payload headers of a cleartext message (walking lengths). */
static unsigned payload_offsets(const uint8_t *m, size_t len, size_t *off, unsigned max)
{
	size_t o = 28;
	unsigned n = 0;
	uint8_t np = len >= 28 ? m[16] : 0;

	while (np && o + 4 <= len && n < max) {
		size_t pl = (size_t)m[o + 2] << 8 | m[o + 3];

		off[n++] = o;
		np = m[o];
		if (pl < 4)
			break;
		o += pl;
	}
	return n;
}

static uint64_t total_drops(const struct ike *e)
{
	const struct ike_stats *st = ike_get_stats(e);
	uint64_t d = 0;
	int k;

	for (k = 0; k < IKE_DROP_MAX; k++)
		d += st->dropped[k];
	return d;
}

static unsigned accepted_mm1, accepted_auth;
static uint8_t sa_cookies[16];

/* Feed one mutant. Anything not dropped (and counted) must be a new, well-formed Main
 * Mode message 1 (it carries no authentication and only opens a capped half-open SA),
 * a bit-identical copy of a captured message, or an encrypted message of the
 * established SA — which the engine only accepts after its HASH verified, i.e. a
 * genuine message not seen before whose padding (outside the HASH) was changed. */
static void feed(struct ike *e, uint64_t now, const struct ike_endpoint *l, const struct ike_endpoint *r,
		 const uint8_t *buf, size_t len, const struct tn_msg *const *corpus, unsigned ncorpus)
{
	static const uint8_t zero[8];
	uint64_t before = total_drops(e);
	unsigned k;

	ike_input(e, now, l, r, buf, len);
	if (total_drops(e) != before)
		return;
	for (k = 0; k < ncorpus; k++)
		if (corpus[k]->len == len && !memcmp(corpus[k]->data, buf, len))
			return;
	if (len >= 28 && buf[18] == 2 && !(buf[19] & 1) && !memcmp(buf + 8, zero, 8)) {
		accepted_mm1++;
		return;
	}
	if (len >= 28 && (buf[19] & 1) && (buf[18] == 5 || buf[18] == 32) && !memcmp(buf, sa_cookies, 16)) {
		accepted_auth++;
		return;
	}
	CHECK(0, "mutant accepted without a drop: exchange %u flags %u len %zu", len >= 28 ? buf[18] : 0,
	      len >= 28 ? buf[19] : 0, len);
}

static size_t mutate(uint8_t *out, const uint8_t *in, size_t len, size_t cap)
{
	size_t off[32], n = len, i;
	unsigned np = payload_offsets(in, len, off, 32), k, op = rnd() % 14;

	memcpy(out, in, len);
	switch (op) {
	case 0:     /* truncation */
		n = len ? rnd() % len : 0;
		break;
	case 1:     /* bit flips */
		for (k = 1 + rnd() % 8; k && len; k--)
			out[rnd() % len] ^= (uint8_t)(1u << (rnd() % 8));
		break;
	case 2:     /* byte set */
		if (len)
			out[rnd() % len] = (uint8_t)(rnd() % 3 == 0 ? 0 : rnd() % 2 ? 0xff : rnd());
		break;
	case 3:     /* header length lie */
		if (len >= 28) {
			uint32_t v = rnd() % 3 ? (uint32_t)len + (rnd() % 64) - 32 : rnd();

			out[24] = (uint8_t)(v >> 24); out[25] = (uint8_t)(v >> 16);
			out[26] = (uint8_t)(v >> 8); out[27] = (uint8_t)v;
		}
		break;
	case 4:     /* payload length lie */
		if (np) {
			size_t o = off[rnd() % np];
			uint16_t v = (uint16_t)(rnd() % 2 ? rnd() : ((size_t)out[o + 2] << 8 | out[o + 3]) + (rnd() % 16) - 8);

			out[o + 2] = (uint8_t)(v >> 8);
			out[o + 3] = (uint8_t)v;
		} else if (len > 32) {
			i = 28 + rnd() % (len - 30);
			out[i] = (uint8_t)rnd();
			out[i + 1] = (uint8_t)rnd();
		}
		break;
	case 5:     /* next-payload loop / unknown type */
		if (np) {
			size_t o = off[rnd() % np];

			out[o] = (uint8_t)(rnd() % 2 ? out[16] : rnd() % 3 ? rnd() % 24 : rnd());
		} else if (len >= 28) {
			out[16] = (uint8_t)rnd();
		}
		break;
	case 6:     /* version */
		if (len >= 28)
			out[17] = (uint8_t)(rnd() % 2 ? 0x20 : rnd());
		break;
	case 7:     /* flags */
		if (len >= 28)
			out[19] = (uint8_t)(rnd() % 2 ? out[19] ^ 1 : rnd());
		break;
	case 8:     /* exchange type */
		if (len >= 28) {
			static const uint8_t ex[] = { 0, 1, 2, 3, 4, 5, 32, 33, 255 };

			out[18] = ex[rnd() % sizeof(ex)];
		}
		break;
	case 9:     /* message ID */
		if (len >= 28)
			out[20 + rnd() % 4] = (uint8_t)rnd();
		break;
	case 10:    /* inserted bytes, header length patched to match */
		if (len + 16 < cap && len > 28) {
			size_t at = 28 + rnd() % (len - 28), add = 1 + rnd() % 16;

			memmove(out + at + add, in + at, len - at);
			for (i = 0; i < add; i++)
				out[at + i] = (uint8_t)rnd();
			n = len + add;
			out[24] = (uint8_t)(n >> 24); out[25] = (uint8_t)(n >> 16);
			out[26] = (uint8_t)(n >> 8); out[27] = (uint8_t)n;
		}
		break;
	case 11:    /* appended garbage */
		if (len + 64 < cap) {
			size_t add = 1 + rnd() % 64;

			for (i = 0; i < add; i++)
				out[len + i] = (uint8_t)rnd();
			n = len + add;
			if (rnd() % 2 && len >= 28) {
				out[24] = (uint8_t)(n >> 24); out[25] = (uint8_t)(n >> 16);
				out[26] = (uint8_t)(n >> 8); out[27] = (uint8_t)n;
			}
		}
		break;
	case 12:    /* cookies scrambled */
		if (len >= 28)
			out[rnd() % 16] ^= (uint8_t)(1 + rnd() % 255);
		break;
	default:    /* several of the above */
		for (k = 0; k < 3 && len; k++)
			out[rnd() % len] = (uint8_t)rnd();
		break;
	}
	return n;
}

/* MM3 with a KE of ke_len and a nonce of no_len bytes, cookies from `like`. */
static size_t build_mm3(uint8_t *out, size_t cap, const uint8_t *like, size_t ke_len, size_t no_len)
{
	static uint8_t blob[4000];
	struct isakmp_builder b;
	struct isakmp_hdr h;
	size_t i;
	int n;

	for (i = 0; i < sizeof(blob); i++)
		blob[i] = (uint8_t)rnd();
	memset(&h, 0, sizeof(h));
	memcpy(h.icookie, like, 8);
	memcpy(h.rcookie, like + 8, 8);
	h.maj_ver = 1;
	h.exchange = ISAKMP_EXCH_MAIN;
	isakmp_build_init(&b, out, cap, &h);
	isakmp_build_payload(&b, ISAKMP_PL_KE, blob, ke_len);
	isakmp_build_payload(&b, ISAKMP_PL_NONCE, blob + 1, no_len);
	n = isakmp_build_finish(&b);
	return n > 0 ? (size_t)n : 0;
}

int main(void)
{
	static struct tn n;
	static uint8_t buf[TN_MAX_MSG + 128];
	struct ike_cfg a, b;
	struct ike_sa_info info[64];
	struct ike_child ch[16];
	struct ike *fresh;
	struct ike_ops quiet = { NULL, NULL, NULL, NULL, NULL, NULL };
	const struct tn_msg *corpus[64], *mm1 = NULL, *mm3 = NULL;
	unsigned ncorpus = 0, i, fed = 0, special = 0;
	uint64_t dropped = 0, rx = 0, t, fresh_size_drops = 0;
	uint32_t spi_a, spi_b;
	uint8_t cookies[16];
	clock_t c0 = clock();
	OSSL_PROVIDER *pd = OSSL_PROVIDER_load(NULL, "default");

	tn_cfg(&a, 0, IKE_ENC_3DES, 0, IKE_HASH_SHA1, 2, ESP_ENC_AES_CBC, 128, ESP_AUTH_HMAC_SHA1, 2, 1);
	tn_cfg(&b, 1, IKE_ENC_3DES, 0, IKE_HASH_SHA1, 2, ESP_ENC_AES_CBC, 128, ESP_AUTH_HMAC_SHA1, 2, 1);
	a.conns[0].nsel = b.conns[0].nsel = 3;
	a.conns[0].sel[1] = (struct ike_selector){ TN_IP(10, 1, 1, 0), TN_IP(10, 2, 1, 0), 24, 24, 0, 0, 0 };
	b.conns[0].sel[1] = (struct ike_selector){ TN_IP(10, 2, 1, 0), TN_IP(10, 1, 1, 0), 24, 24, 0, 0, 0 };
	a.conns[0].sel[2] = (struct ike_selector){ TN_IP(10, 1, 2, 0), TN_IP(10, 2, 2, 0), 24, 24, 0, 0, 0 };
	b.conns[0].sel[2] = (struct ike_selector){ TN_IP(10, 2, 2, 0), TN_IP(10, 1, 2, 0), 24, 24, 0, 0, 0 };
	tn_init(&n, &a, &b);
	ike_acquire(n.p[0].e, n.now, 0, 0);
	tn_run(&n, 100);
	CHECK(n.p[0].nup == 1 && n.p[1].nup == 1, "no SA to start from");
	if (failures)
		return 1;
	ike_list_isakmp(n.p[0].e, n.now, info, 64);
	memcpy(cookies, info[0].icookie, 8);
	memcpy(cookies + 8, info[0].rcookie, 8);
	memcpy(sa_cookies, cookies, 16);
	ike_dpd_probe(n.p[0].e, n.now, info[0].conn_id);
	tn_run(&n, 10);
	/* messages the other side never saw (their M-IDs are new to it), so mutants reach
	 * decryption and the HASH check instead of the M-ID replay check */
	n.drop = drop_everything;
	for (i = 0; i < 8; i++) {
		ike_dpd_probe(n.p[0].e, n.now, info[0].conn_id);
		ike_list_isakmp(n.p[1].e, n.now, info + 1, 1);
		ike_dpd_probe(n.p[1].e, n.now, info[1].conn_id);
	}
	ike_acquire(n.p[0].e, n.now, 0, 1);
	ike_acquire(n.p[1].e, n.now, 0, 1);
	spi_a = n.p[0].up[0].spi_in;
	spi_b = n.p[1].up[0].spi_in;
	for (i = 0; i < n.nrec && ncorpus < 64; i++)
		corpus[ncorpus++] = n.rec[i];
	for (i = 0; i < ncorpus; i++) {
		if (!mm1 && corpus[i]->from == 0 && corpus[i]->data[18] == 2 && !(corpus[i]->data[19] & 1))
			mm1 = corpus[i];
		else if (mm1 && !mm3 && corpus[i]->from == 0 && corpus[i]->data[18] == 2 &&
			 !(corpus[i]->data[19] & 1))
			mm3 = corpus[i];
	}
	CHECK(ncorpus >= 29 && mm1 && mm3, "corpus of %u messages", ncorpus);
	printf("ike_mutation: corpus of %u captured messages\n", ncorpus);
	n.record = 0;
	fresh = ike_new(&b, &quiet);

	for (i = 0; i < MUTANTS; i++) {
		const struct tn_msg *src = corpus[rnd() % ncorpus];
		struct ike_endpoint l = { TN_B_ADDR, 500 }, r = { TN_A_ADDR, 500 };
		size_t len;

		if (i % 512 == 0) {
			/* a fresh responder with a live half-open SA for the genuine cookies */
			ike_free(fresh);
			fresh = ike_new(&b, &quiet);
			ike_input(fresh, n.now, &l, &r, mm1->data, mm1->len);
		}
		if (i % 97 == 0) {
			/* RFC 2409 §5: KE = group size, nonce 8..256 — huge and tiny ones, with
			 * the cookies of the fresh responder's half-open SA */
			static const size_t kes[] = { 0, 1, 127, 129, 2000, 128, 128, 128 };
			static const size_t nos[] = { 16, 16, 16, 16, 16, 300, 4, 3000 };
			unsigned k = special++ % 8;
			uint8_t ck[16];

			memcpy(ck, mm3->data, 16);
			if (ike_list_isakmp(fresh, n.now, info, 1) == 1) {
				memcpy(ck, info[0].icookie, 8);
				memcpy(ck + 8, info[0].rcookie, 8);
			}
			len = build_mm3(buf, sizeof(buf), ck, kes[k], nos[k]);
		} else {
			len = mutate(buf, src->data, src->len, sizeof(buf));
		}
		if (rnd() % 3 == 0) {
			l.port = 4500;
			r.port = 4500;
		}
		n.now += 1 + rnd() % 50;
		if (i % 97 == 0) {
			/* refused for its size: too big, bad payload, or (a 0-byte KE) malformed */
			const struct ike_stats *fs = ike_get_stats(fresh);
			uint64_t before = fs->dropped[IKE_DROP_TOO_BIG] + fs->dropped[IKE_DROP_BAD_PAYLOAD] +
					  fs->dropped[IKE_DROP_MALFORMED];

			feed(fresh, n.now, &l, &r, buf, len, corpus, ncorpus);
			fresh_size_drops += fs->dropped[IKE_DROP_TOO_BIG] + fs->dropped[IKE_DROP_BAD_PAYLOAD] +
					    fs->dropped[IKE_DROP_MALFORMED] - before;
		} else {
			feed(fresh, n.now, &l, &r, buf, len, corpus, ncorpus);
		}
		feed(n.p[1].e, n.now, &l, &r, buf, len, corpus, ncorpus);
		l.addr = TN_A_ADDR;
		r.addr = TN_B_ADDR;
		feed(n.p[0].e, n.now, &l, &r, buf, len, corpus, ncorpus);
		fed += 3;
		if (i % 4096 == 4095) {
			ike_tick(fresh, n.now);
			ike_tick(n.p[0].e, n.now);
			ike_tick(n.p[1].e, n.now);
		}
	}
	/* the established SAs are all still there */
	t = n.now;
	for (i = 0; i < 2; i++) {
		size_t k, cnt = ike_list_isakmp(n.p[i].e, t, info, 64), live = 0, kids;
		const struct ike_stats *st = ike_get_stats(n.p[i].e);

		for (k = 0; k < cnt; k++)
			if (!memcmp(info[k].icookie, cookies, 8) && !memcmp(info[k].rcookie, cookies + 8, 8) &&
			    !strcmp(info[k].state, "QM_IDLE") && !info[k].deleted)
				live = 1;
		CHECK(live, "side %u lost its ISAKMP SA", i);
		kids = ike_list_children(n.p[i].e, ch, 16);
		CHECK(kids == 1 && ch[0].spi_in == (i ? spi_b : spi_a), "side %u children: %zu", i, kids);
		for (k = 0; k < IKE_DROP_MAX; k++)
			dropped += st->dropped[k];
		rx += st->rx;
		printf("ike_mutation: side %c: rx %llu, dropped:", i ? 'B' : 'A', (unsigned long long)st->rx);
		for (k = 0; k < IKE_DROP_MAX; k++)
			if (st->dropped[k])
				printf(" %s=%llu", ike_drop_name((int)k), (unsigned long long)st->dropped[k]);
		printf("\n");
	}
	printf("ike_mutation: %llu of %llu inputs dropped; accepted: %u new MM1s, %u authenticated\n",
	       (unsigned long long)dropped, (unsigned long long)rx, accepted_mm1, accepted_auth);

	/* every hand-built MM3 with a wrong KE or nonce size reached the size checks */
	CHECK(fresh_size_drops == special, "size drops %llu of %u special MM3s",
	      (unsigned long long)fresh_size_drops, special);
	printf("ike_mutation: fresh responder refused %llu of %u MM3s with bad KE/nonce sizes\n",
	       (unsigned long long)fresh_size_drops, special);

	/* and they still work: a fresh Quick Mode on the same ISAKMP SA */
	n.drop = NULL;
	n.now = t + 1;
	CHECK(ike_acquire(n.p[0].e, n.now, 0, 2) == 0, "acquire refused");
	tn_run(&n, 100);
	CHECK(n.p[0].nup >= 2 && n.p[1].nup >= 2 && tn_children_match(&n, n.p[0].nup - 1, n.p[1].nup - 1),
	      "fresh Quick Mode failed (%u/%u)", n.p[0].nup, n.p[1].nup);
	ike_free(fresh);
	tn_free(&n);
	OSSL_PROVIDER_unload(pd);
	printf("ike_mutation: %u mutants, %u inputs, %.1f s, %s\n", MUTANTS, fed,
	       (double)(clock() - c0) / CLOCKS_PER_SEC, failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
