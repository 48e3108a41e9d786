/* check_esp_mutation.c — deterministic mutation test of the ESP receive path (CTest
 * label "mutation"): valid packets from esp_encap on four established SAs
 * (aes128-sha1, 3des-md5 with window 32, null-sha256, and aes128 without integrity) are
 * mutated by a fixed-seed PRNG — bit flips, byte sets, truncations, garbage extensions,
 * SPI and sequence number rewrites, IV swaps, replays of untouched older packets — and
 * fed to esp_sadb_input. Half of the mutants of integrity-protected SAs are then given a
 * valid ICV again (the test knows the keys), so decryption, padding, Next Header and
 * inner checks are reached too.
 *
 * Every outcome (accepted with which bytes, or the drop reason) is compared with a
 * reference model written the plain way: EVP_Q_mac for the ICV, a fresh cipher context
 * with the packet's IV, and a replay window kept as a set of accepted numbers.
 * Asserts: no crash; every drop has a reason and it is the model's; a mutant that was
 * not re-signed is accepted on an integrity-protected SA only if it is an untouched
 * packet whose number is new to the window; afterwards a fresh valid packet still
 * decapsulates on every SA. Prints counts per reason.
 */
#include <time.h>
#include "esp_testutil.h"

#define MUTANTS     120000
#define NSA         4
#define POOL        64
#define RESET_EVERY 3000          /* SAs are replaced now and then (esp_sadb_del/add) */

static const char *const m_alg[NSA] = { "aes128-sha1", "3des-md5", "null-sha256", "aes128-none" };
static const unsigned m_window[NSA] = { 64, 32, 1024, 0 };
static const uint32_t m_spi[NSA] = { 0x00010001, 0x00020002, 0x00030003, 0x00040004 };

/* --- PRNG: xorshift64*, fixed seed ---------------------------------------------------- */
static uint64_t rng_state = 0x243F6A8885A308D3ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1Dull;
}

static size_t rng_below(size_t n) { return n ? (size_t)(rng() % n) : 0; }

/* --- the reference model's replay window: accepted numbers in an open-addressing set -- */
#define SET_SIZE (1u << 15)
struct model {
	const struct tu_alg *a;
	struct tu_keys k;
	uint32_t top, window;
	uint32_t set[SET_SIZE];       /* 0 = empty (0 is never accepted) */
	unsigned nset;
};

static int set_has(const struct model *m, uint32_t s)
{
	uint32_t h = (s * 0x9E3779B1u) & (SET_SIZE - 1);

	while (m->set[h]) {
		if (m->set[h] == s)
			return 1;
		h = (h + 1) & (SET_SIZE - 1);
	}
	return 0;
}

static void set_add(struct model *m, uint32_t s)
{
	uint32_t h = (s * 0x9E3779B1u) & (SET_SIZE - 1);

	while (m->set[h] && m->set[h] != s)
		h = (h + 1) & (SET_SIZE - 1);
	if (!m->set[h]) {
		m->set[h] = s;
		m->nset++;
	}
}

/* The expected outcome: the inner length (plaintext at out) or -1 with *why. */
static ssize_t model_input(struct model *ms, const uint8_t *p, size_t len, uint8_t *out, enum esp_drop *why)
{
	struct model *m = NULL;
	size_t ivl, al, ct_len, pad, i, inner;
	uint32_t spi, seq;
	uint8_t icv[16];
	int replay_on;

	if (len < 8) {
		*why = ESP_DROP_SHORT;
		return -1;
	}
	spi = tu_get32(p);
	seq = tu_get32(p + 4);
	for (i = 0; i < NSA; i++)
		if (spi == m_spi[i])
			m = &ms[i];
	*why = ESP_DROP_UNKNOWN_SPI;
	if (m == NULL)
		return -1;
	ivl = m->a->cipher ? m->a->block : 0;
	al = m->a->block > 4 ? m->a->block : 4;
	replay_on = m->a->icv != 0;
	*why = ESP_DROP_SHORT;
	if (len < 8 + ivl + al + m->a->icv)
		return -1;
	ct_len = len - 8 - ivl - m->a->icv;
	*why = ESP_DROP_BAD_BLOCK;
	if (ct_len % al)
		return -1;
	*why = ESP_DROP_REPLAY;
	if (replay_on && (seq == 0 || (seq <= m->top && (m->top - seq >= m->window || set_has(m, seq)))))
		return -1;
	*why = ESP_DROP_AUTH;
	if (m->a->icv && (tu_ref_icv(m->a, &m->k, p, len - m->a->icv, icv) != 0 ||
			  memcmp(icv, p + len - m->a->icv, m->a->icv) != 0))
		return -1;
	if (seq > m->top)
		m->top = seq;
	set_add(m, seq);
	if (ivl) {
		if (tu_ref_cbc(m->a, &m->k, 0, p + 8, p + 8 + ivl, ct_len, out) != 0)
			abort();
	} else {
		memcpy(out, p + 8, ct_len);
	}
	*why = ESP_DROP_DUMMY;
	if (out[ct_len - 1] == 59)
		return -1;
	pad = out[ct_len - 2];
	*why = ESP_DROP_PAD;
	if (pad + 2 > ct_len)
		return -1;
	inner = ct_len - 2 - pad;
	for (i = 0; i < pad; i++)
		if (out[inner + i] != (uint8_t)(i + 1))
			return -1;
	*why = ESP_DROP_NEXT_HDR;
	if (out[ct_len - 1] != 4)
		return -1;
	*why = ESP_DROP_INNER;
	if (inner < 20 || out[0] >> 4 != 4 || (out[0] & 15) < 5 || (size_t)(out[0] & 15) * 4 > inner ||
	    (size_t)(out[2] << 8 | out[3]) != inner)
		return -1;
	*why = ESP_DROP_NONE;
	return (ssize_t)inner;
}

/* --- the test --------------------------------------------------------------------------- */

struct orig { uint8_t b[1600]; size_t len; uint32_t seq; int sa; };

static struct model models[NSA];
static struct esp_sa *out_sa[NSA];
static struct orig pool[NSA][POOL];
static unsigned npool[NSA];
static struct esp_sadb *db;
static unsigned long by_reason[ESP_DROP_MAX], accepted_untouched, accepted_resigned, accepted_noauth, resigned;
static uint8_t inner_buf[1600], mut[2048], out_ours[70000], out_model[70000];

static void sas_reset(unsigned gen)
{
	int i;

	for (i = 0; i < NSA; i++) {
		struct model *m = &models[i];

		if (out_sa[i]) {
			esp_sa_free(out_sa[i]);
			if (esp_sadb_del(db, m_spi[i]) != 0)
				abort();
		}
		memset(m, 0, sizeof(*m));
		m->a = tu_alg_by_name(m_alg[i]);
		m->window = m_window[i] ? m_window[i] : 64;
		tu_keys(&m->k, gen * 7 + (unsigned)i);
		out_sa[i] = tu_sa(m->a, &m->k, m_spi[i], ESP_DIR_OUT, 0);
		if (esp_sadb_add(db, tu_sa(m->a, &m->k, m_spi[i], ESP_DIR_IN, m_window[i])) != 0)
			abort();
		npool[i] = 0;
	}
}

/* A fresh valid packet on SA i, remembered in its pool. */
static struct orig *fresh(int i)
{
	struct orig *o = &pool[i][npool[i]++ % POOL];
	size_t len = rng_below(8) == 0 ? 1000 + rng_below(400) : 20 + rng_below(160);
	ssize_t n;

	tu_inner(inner_buf, len, (uint16_t)rng());
	n = esp_encap(out_sa[i], inner_buf, len, o->b, sizeof(o->b));
	if (n < 0)
		abort();
	o->len = (size_t)n;
	o->seq = tu_get32(o->b + 4);
	o->sa = i;
	return o;
}

static void mutate(uint8_t *b, size_t *len, const struct orig *o)
{
	int ops = 1 + (int)rng_below(3), j;

	for (j = 0; j < ops; j++) {
		size_t n = *len;

		switch (rng_below(10)) {
		case 0: case 1:                       /* bit flips */
			if (n)
				b[rng_below(n)] ^= (uint8_t)(1u << rng_below(8));
			break;
		case 2:                               /* byte set */
			if (n)
				b[rng_below(n)] = (uint8_t)rng();
			break;
		case 3:                               /* truncation */
			*len = rng_below(n + 1);
			break;
		case 4:                               /* garbage extension */
			{
				size_t add = 1 + rng_below(40), i;

				if (n + add <= 1800) {
					for (i = 0; i < add; i++)
						b[n + i] = (uint8_t)rng();
					*len = n + add;
				}
			}
			break;
		case 5:                               /* SPI: another SA, unknown, reserved */
			if (n >= 4) {
				static const uint32_t spis[] = { 0, 1, 255, 256, 0xFFFFFFFF, 0x00010001,
								 0x00020002, 0x00030003, 0x00040004 };
				tu_put32(b, rng_below(2) ? spis[rng_below(9)] : (uint32_t)rng());
			}
			break;
		case 6:                               /* sequence number */
			if (n >= 8) {
				uint32_t s = tu_get32(b + 4);
				static const int32_t d[] = { 0, 1, -1, 31, 32, 33, 63, 64, 65, 1023, 1024, 1025 };

				switch (rng_below(4)) {
				case 0: s = 0; break;
				case 1: s += (uint32_t)d[rng_below(12)]; break;
				case 2: s -= (uint32_t)d[rng_below(12)]; break;
				default: s = (uint32_t)rng(); break;
				}
				tu_put32(b + 4, s);
			}
			break;
		case 7:                               /* IV from another packet of the pool */
			if (n >= 24 && npool[o->sa]) {
				const struct orig *x = &pool[o->sa][rng_below(npool[o->sa] < POOL ? npool[o->sa] : POOL)];

				if (x->len >= 24)
					memcpy(b + 8, x->b + 8, 16);
			}
			break;
		case 8:                               /* a 16-byte block from elsewhere in the packet */
			if (n >= 48) {
				size_t from = rng_below(n - 16), to = rng_below(n - 16);

				memmove(b + to, b + from, 16);
			}
			break;
		default:                              /* zero run */
			if (n) {
				size_t at = rng_below(n), k = 1 + rng_below(8);

				memset(b + at, 0, at + k <= n ? k : n - at);
			}
			break;
		}
	}
}

int main(void)
{
	unsigned long total = 0, untouched_fed = 0;
	clock_t t0 = clock();
	int failures = 0, i;
	unsigned gen = 0;

	db = esp_sadb_new();
	if (db == NULL)
		return 1;
	sas_reset(gen);
	while (total < MUTANTS) {
		int s = (int)rng_below(NSA), resign = 0, untouched;
		const struct tu_alg *a = models[s].a;
		struct orig *o;
		size_t len;
		ssize_t ours, want;
		enum esp_drop why_ours = ESP_DROP_MAX, why_model;
		struct esp_sa *sa_out = NULL;

		if (total && total % RESET_EVERY == 0)
			sas_reset(++gen);
		/* the base: mostly a fresh packet, sometimes an older one from the pool */
		if (npool[s] && rng_below(4) == 0)
			o = &pool[s][rng_below(npool[s] < POOL ? npool[s] : POOL)];
		else
			o = fresh(s);
		memcpy(mut, o->b, o->len);
		len = o->len;
		if (rng_below(16) != 0)             /* 1 in 16 goes in untouched */
			mutate(mut, &len, o);
		/* re-sign half of the integrity-protected mutants with their SA's key */
		if (a->icv && len >= 8 + a->icv && tu_get32(mut) == m_spi[s] && rng_below(2) == 0) {
			/* keeping the number: a forged far-right number would close the window for
			 * the rest of the run (the sender's key signs only what it sends) */
			memcpy(mut + 4, o->b + 4, 4);
			if (tu_ref_icv(a, &models[s].k, mut, len - a->icv, mut + len - a->icv) != 0)
				abort();
			resign = 1;
			resigned++;
		}
		untouched = len == o->len && memcmp(mut, o->b, len) == 0;
		untouched_fed += untouched;
		want = model_input(models, mut, len, out_model, &why_model);
		ours = esp_sadb_input(db, mut, len, out_ours, sizeof(out_ours), &sa_out, &why_ours);
		total++;
		if (ours != want || why_ours != why_model ||
		    (ours >= 0 && memcmp(out_ours, out_model, (size_t)ours) != 0)) {
			if (failures++ < 20)
				fprintf(stderr, "mutant %lu (sa %s, %zu bytes, resigned %d): got %zd %s, model %zd %s\n",
					total, m_alg[s], len, resign, ours, esp_drop_name(why_ours), want,
					esp_drop_name(why_model));
			continue;
		}
		if (ours < 0) {
			if (why_ours <= ESP_DROP_NONE || why_ours >= ESP_DROP_MAX) {
				failures++;
				fprintf(stderr, "mutant %lu dropped without a reason\n", total);
			}
			by_reason[why_ours]++;
			continue;
		}
		/* accepted: on an integrity-protected SA, only an untouched packet unless re-signed */
		if (resign) {
			accepted_resigned++;
		} else if (untouched) {
			accepted_untouched++;
		} else if (tu_get32(mut) == m_spi[3]) {
			accepted_noauth++;
		} else {
			failures++;
			fprintf(stderr, "mutant %lu: a modified packet was accepted on %s\n", total, m_alg[s]);
		}
	}
	/* a fresh valid packet still goes through on every SA */
	for (i = 0; i < NSA; i++) {
		struct orig *o = fresh(i);
		enum esp_drop why;
		ssize_t r = esp_sadb_input(db, o->b, o->len, out_ours, sizeof(out_ours), NULL, &why);

		if (r < 20) {
			failures++;
			fprintf(stderr, "after the mutants, a fresh packet on %s: %s\n", m_alg[i], esp_drop_name(why));
		}
	}
	printf("esp mutation: %lu mutants (%lu re-signed, %lu untouched) in %.1f s; accepted %lu untouched + "
	       "%lu re-signed + %lu modified on aes128-none\n", total, resigned, untouched_fed,
	       (double)(clock() - t0) / CLOCKS_PER_SEC, accepted_untouched, accepted_resigned, accepted_noauth);
	for (i = 1; i < ESP_DROP_MAX; i++)
		if (by_reason[i])
			printf("  dropped %-12s %lu\n", esp_drop_name((enum esp_drop)i), by_reason[i]);
	printf("  global drops: short %lu, unknown-spi %lu\n",
	       (unsigned long)esp_sadb_counters(db)->drops[ESP_DROP_SHORT],
	       (unsigned long)esp_sadb_counters(db)->drops[ESP_DROP_UNKNOWN_SPI]);
	for (i = 0; i < NSA; i++)
		esp_sa_free(out_sa[i]);
	esp_sadb_free(db);
	if (failures)
		fprintf(stderr, "esp mutation: %d failures\n", failures);
	return failures ? 1 : 0;
}
