/* esp_bench.c — micro-benchmark of the ESP data plane (not a test): for each algorithm,
 * encapsulate and decapsulate 1400-byte inner packets on one core for a fixed time and
 * print the throughput in Mbit/s of inner bytes: encap alone, decap alone, and one
 * encap + one decap per packet (what a packet costs the two gateways of a tunnel).
 *
 *   esp_bench [seconds-per-alg (0.5)] [inner-bytes (1400)] [alg …]
 */
#include <time.h>
#include "esp_int.h"
#include "esp_testutil.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint8_t inner[65536], pkt[65536 + 256], out[65536 + 256];

/* Runs encap (what & 1) and/or decap (what & 2) for about secs; returns ns per packet.
 * For decap alone, a pool of pre-made packets is replayed each round, after resetting
 * the inbound SA's anti-replay window (so it accepts them again). */
static double run(const struct tu_alg *a, size_t len, double secs, int what)
{
	enum { POOL = 1024 };
	static uint8_t pool[POOL][1600];
	static size_t pool_len[POOL];
	struct tu_keys k;
	struct esp_sa *o, *in;
	double t0, t1;
	long n = 0;
	int i;

	tu_keys(&k, 1);
	o = tu_sa(a, &k, 0x1234, ESP_DIR_OUT, 0);
	in = tu_sa(a, &k, 0x1234, ESP_DIR_IN, 0);
	tu_inner(inner, len, 1);
	if (what == 2) {
		if (len + esp_overhead_max(o) > sizeof(pool[0])) {
			fprintf(stderr, "decap-only pool holds up to 1500-byte packets\n");
			exit(2);
		}
		for (i = 0; i < POOL; i++)
			pool_len[i] = (size_t)esp_encap(o, inner, len, pool[i], sizeof(pool[0]));
	}
	t0 = now();
	do {
		for (i = 0; i < POOL; i++) {
			ssize_t e = 0;

			if (what & 1) {
				e = esp_encap(o, inner, len, pkt, sizeof(pkt));
				if (e < 0)
					exit(1);
			}
			if (what == 3 && esp_decap(in, pkt, (size_t)e, out, sizeof(out), NULL) != (ssize_t)len)
				exit(1);
			if (what == 2 && esp_decap(in, pool[i], pool_len[i], out, sizeof(out), NULL) != (ssize_t)len)
				exit(1);
		}
		n += POOL;
		if (what == 2)
			esp_replay_init(&in->replay, 0);
		t1 = now();
	} while (t1 - t0 < secs);
	esp_sa_free(o);
	esp_sa_free(in);
	return (t1 - t0) / (double)n * 1e9;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 0.5;
	size_t len = argc > 2 ? (size_t)atoi(argv[2]) : 1400, i;
	int first = 3;

	if (secs <= 0 || len < 28 || len > 60000) {
		fprintf(stderr, "usage: esp_bench [seconds-per-alg] [inner-bytes 28..60000] [alg …]\n");
		return 2;
	}
	printf("%-14s %12s %12s %14s %10s   (%zu-byte inner packets, one core)\n", "alg", "encap Mb/s",
	       "decap Mb/s", "enc+dec Mb/s", "ns/pkt", len);
	for (i = 0; i < TU_NALGS; i++) {
		const struct tu_alg *a = &tu_algs[i];
		double e, d, ed;
		int j, want = argc <= first;

		for (j = first; j < argc; j++)
			if (strcmp(argv[j], a->name) == 0)
				want = 1;
		if (!want)
			continue;
		e = run(a, len, secs / 3, 1);
		d = len <= 1500 ? run(a, len, secs / 3, 2) : 0;
		ed = run(a, len, secs / 3, 3);
		printf("%-14s %12.0f %12.0f %14.0f %10.0f\n", a->name, len * 8 / e * 1e3,
		       d ? len * 8 / d * 1e3 : 0, len * 8 / ed * 1e3, ed);
		fflush(stdout);
	}
	return 0;
}
