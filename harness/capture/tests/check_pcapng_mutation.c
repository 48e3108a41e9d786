/* check_pcapng_mutation.c — deterministic mutation test of the pcapng / classic pcap
 * reader (the CI stand-in for fuzz/fuzz_pcapng.c): valid files are mutated by a seeded
 * PRNG (bit flips, interesting 32-bit values at block-length offsets, truncation,
 * deletion, duplication) and read to the end. The reader must terminate, return packets
 * inside the input only, and never crash (run it under -DIHH_SANITIZE=ON to catch reads
 * past the buffer: pcapng_open_mem copies into an exact-size allocation).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcapng.h"
#include "pcap_build.h"

#define MUTATIONS_PER_SEED 12500       /* x 5 seed files = 62,500 mutations */

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64*: deterministic across platforms */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static size_t rnd(size_t n)
{
	return n ? (size_t)(rng() % n) : 0;
}

/* A writer-produced file plus hand-built extras (two sections, BE, unknown block). */
static size_t seed_pcapng_writer(uint8_t *out, size_t cap)
{
	char path[] = "/tmp/check_pcapng_mut.XXXXXX";
	int fd = mkstemp(path);
	struct pcapng_writer w;
	uint8_t d[200];
	size_t n;
	FILE *f;

	ck_assert_int_ge(fd, 0);
	close(fd);
	for (size_t i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)i;
	ck_assert_int_eq(pcapng_open_write(&w, path, 1, "ge0-0", "seed"), 0);
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(pcapng_write(&w, 1700000000000000000LL + i, d, (size_t)(i * 37) % 200, 200), 0);
	ck_assert_int_eq(pcapng_close(&w), 0);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	n = fread(out, 1, cap, f);
	fclose(f);
	unlink(path);
	return n;
}

static size_t seed_pcapng_built(uint8_t *out, size_t cap, int be)
{
	static const uint8_t d[40] = { 0x45 };
	struct pb p = { .be = be };

	pb_shb(&p);
	pb_idb(&p, 1, 0x80 | 20, 3);
	pb_idb(&p, 113, -1, 0);
	pb_epb(&p, 0, 12345, d, 40, 60);
	pb_begin(&p, 0x40000BADu);
	pb_u32(&p, 1);
	pb_end(&p);
	pb_epb(&p, 1, 99, d, 13, 13);
	pb_begin(&p, 3);
	pb_u32(&p, 9);
	pb_bytes(&p, d, 9);
	pb_end(&p);
	pb_shb(&p);
	pb_idb(&p, 1, 12, 0);
	pb_epb(&p, 0, 1, d, 7, 7);
	ck_assert_uint_le(p.n, cap);
	memcpy(out, p.b, p.n);
	return p.n;
}

static size_t seed_pcap(uint8_t *out, size_t cap, int be, int nano)
{
	static const uint8_t d[64] = { 1, 2, 3 };
	struct pb p = { .be = be };

	pb_pcap_hdr(&p, nano, 1);
	for (uint32_t i = 0; i < 5; i++)
		pb_pcap_rec(&p, 1700000000 + i, i * 1000, d, 10 + i * 11, 64);
	ck_assert_uint_le(p.n, cap);
	memcpy(out, p.b, p.n);
	return p.n;
}

static void put_u32(uint8_t *b, size_t off, uint32_t v, int be)
{
	for (int i = 0; i < 4; i++)
		b[off + (size_t)i] = (uint8_t)(be ? v >> (24 - 8 * i) : v >> (8 * i));
}

/* One mutation of buf (len in/out, capacity cap). */
static void mutate(uint8_t *buf, size_t *len, size_t cap)
{
	static const uint32_t interesting[] = { 0, 1, 3, 4, 8, 11, 12, 13, 16, 20, 24, 27, 28, 32,
						0x7F, 0x80, 0xFF, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000u,
						0xFFFFFFF0u, 0xFFFFFFFCu, 0xFFFFFFFFu };
	size_t n = *len;

	switch (rnd(8)) {
	case 0:         /* bit flip */
		if (n)
			buf[rnd(n)] ^= (uint8_t)(1u << rnd(8));
		break;
	case 1:         /* random byte */
		if (n)
			buf[rnd(n)] = (uint8_t)rng();
		break;
	case 2:         /* interesting value at an aligned offset (lengths, ids, caplens) */
	case 3:
		if (n >= 4) {
			size_t off = rnd(n / 4) * 4;
			uint32_t v = interesting[rnd(sizeof(interesting) / sizeof(interesting[0]))];

			if (rnd(4) == 0)
				v = (uint32_t)(n - off + rnd(9)) - 4;   /* near "what remains" */
			put_u32(buf, off, v, (int)rnd(2));
		}
		break;
	case 4:         /* truncate */
		*len = rnd(n + 1);
		break;
	case 5:         /* delete a range */
		if (n) {
			size_t a = rnd(n), k = 1 + rnd(n - a < 16 ? n - a : 16);

			memmove(buf + a, buf + a + k, n - a - k);
			*len = n - k;
		}
		break;
	case 6:         /* duplicate a range */
		if (n) {
			size_t a = rnd(n), k = 1 + rnd(n - a < 64 ? n - a : 64);

			if (n + k <= cap) {
				memmove(buf + a + k, buf + a, n - a);
				*len = n + k;
			}
		}
		break;
	default:        /* swap the byte order of a word */
		if (n >= 4) {
			size_t off = rnd(n - 3);
			uint8_t t0 = buf[off], t1 = buf[off + 1];

			buf[off] = buf[off + 3];
			buf[off + 1] = buf[off + 2];
			buf[off + 2] = t1;
			buf[off + 3] = t0;
		}
		break;
	}
}

/* Read everything; returns the number of packets, asserts termination and bounds. */
static long read_all(const uint8_t *buf, size_t len, long *errors)
{
	char err[256];
	struct pcapng_reader *r = pcapng_open_mem(buf, len, err, sizeof(err));
	struct pcapng_pkt p;
	long n = 0;
	int rc;

	if (!r) {
		(*errors)++;
		return 0;
	}
	while ((rc = pcapng_next(r, &p, err, sizeof(err))) == 1) {
		ck_assert_uint_le(p.caplen, len);
		ck_assert(p.caplen == 0 || p.data != NULL);
		n++;
		ck_assert_int_le(n, (long)len / 12 + 1);    /* every packet consumes >= 12 bytes */
	}
	if (rc < 0)
		(*errors)++;
	pcapng_close_read(r);
	return n;
}

static void run_seed(const uint8_t *seed, size_t seedlen, uint64_t s, long expect_packets)
{
	static uint8_t buf[16384];
	long errors = 0, packets = 0;

	ck_assert_int_eq(read_all(seed, seedlen, &errors), expect_packets);
	ck_assert_int_eq(errors, 0);
	rng_state = s;
	for (int i = 0; i < MUTATIONS_PER_SEED; i++) {
		size_t len = seedlen;
		int k = 1 + (int)rnd(4);

		memcpy(buf, seed, seedlen);
		while (k--)
			mutate(buf, &len, sizeof(buf));
		packets += read_all(buf, len, &errors);
	}
	/* the mutations must hit both outcomes: some files still read, many are rejected */
	ck_assert_int_gt(errors, MUTATIONS_PER_SEED / 10);
	ck_assert_int_gt(packets, 0);
}

START_TEST(mutate_pcapng_writer)
{
	static uint8_t seed[8192];
	size_t n = seed_pcapng_writer(seed, sizeof(seed));

	run_seed(seed, n, 0x9E3779B97F4A7C15ULL, 6);
}
END_TEST

START_TEST(mutate_pcapng_built)
{
	static uint8_t seed[8192];

	run_seed(seed, seed_pcapng_built(seed, sizeof(seed), 0), 0xD1B54A32D192ED03ULL, 4);
	run_seed(seed, seed_pcapng_built(seed, sizeof(seed), 1), 0x8CB92BA72F3D8DD7ULL, 4);
}
END_TEST

START_TEST(mutate_pcap)
{
	static uint8_t seed[8192];

	run_seed(seed, seed_pcap(seed, sizeof(seed), 0, 0), 0xABCDEF0123456789ULL, 5);
	run_seed(seed, seed_pcap(seed, sizeof(seed), 1, 1), 0x0123456789ABCDEFULL, 5);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("pcapng_mutation");
	TCase *tc = tcase_create("mutation");

	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, mutate_pcapng_writer);
	tcase_add_test(tc, mutate_pcapng_built);
	tcase_add_test(tc, mutate_pcap);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
