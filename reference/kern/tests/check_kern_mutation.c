/* check_kern_mutation.c — deterministic mutation test of kern_ipv4_parse (CTest label
 * "mutation"): valid IPv4 headers (ESP, UDP 4500, with IP options) are mutated by a
 * fixed-seed PRNG — bit flips, byte sets, truncations, garbage extensions, the version/
 * IHL byte and Total Length set to edge values. Asserts: no crash; an accepted header
 * frames bytes inside the input (20 ≤ hlen ≤ tot_len ≤ length); a refusal is one of the
 * three reasons. Prints accepted/refused counts per reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kern.h"

#define MUTATIONS 200000
#define BUF 256

static uint64_t rng_state = 0x6b65726e6d757431ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1Dull;
}

static const uint8_t esp[] = {
	0x45, 0x00, 0x00, 0x24, 0x12, 0x34, 0x40, 0x00, 0x40, 0x32, 0x00, 0x00,
	10, 9, 1, 2, 10, 9, 1, 1,
	0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4,
};
static const uint8_t udp4500[] = {
	0x45, 0x00, 0x00, 0x24, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
	1, 1, 1, 2, 1, 1, 1, 1,
	0x11, 0x94, 0x11, 0x94, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0, 0, 0, 1,
};
static const uint8_t options[] = {       /* IHL 6: one 4-byte option (NOP NOP NOP EOL) */
	0x46, 0x00, 0x00, 0x20, 0x00, 0x02, 0x00, 0x00, 0x40, 0x32, 0x00, 0x00,
	10, 0, 0, 1, 10, 0, 0, 2, 0x01, 0x01, 0x01, 0x00,
	0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x07,
};

int main(void)
{
	const struct { const uint8_t *p; size_t len; } seeds[] = {
		{ esp, sizeof(esp) }, { udp4500, sizeof(udp4500) }, { options, sizeof(options) },
	};
	static const uint16_t lens[] = { 0, 1, 19, 20, 21, 23, 24, 35, 36, 37, 255, 256, 0x7fff, 0xffff };
	unsigned long by_reason[CODEC_REASON_MAX] = { 0 };
	uint8_t buf[BUF];
	int i, failures = 0;

	for (i = 0; i < MUTATIONS; i++) {
		size_t s = (size_t)i % 3, len = seeds[s].len, k;
		struct kern_ipv4 ip;
		int rc, n = 1 + (int)(rng() % 4);

		memset(buf, 0, sizeof(buf));
		memcpy(buf, seeds[s].p, len);
		while (n--) {
			uint64_t r = rng();

			switch (r % 6) {
			case 0: buf[(r >> 8) % len] ^= (uint8_t)(1u << ((r >> 16) % 8)); break;
			case 1: buf[(r >> 8) % len] = (uint8_t)(r >> 16); break;
			case 2: len = (size_t)((r >> 8) % (len + 1)); break;                     /* truncate */
			case 3:                                                                  /* extend */
				for (k = len; k < BUF && k < len + (size_t)((r >> 8) % 64); k++)
					buf[k] = (uint8_t)rng();
				len = k;
				break;
			case 4: buf[0] = (uint8_t)(0x40 | ((r >> 8) & 0x0f)); break;            /* IHL */
			case 5: {
				uint16_t v = lens[(r >> 8) % (sizeof(lens) / sizeof(lens[0]))];

				buf[2] = (uint8_t)(v >> 8);
				buf[3] = (uint8_t)v;
				break;
			}
			}
			if (len == 0)
				break;
		}
		rc = kern_ipv4_parse(buf, len, &ip);
		if (rc < 0 || rc >= CODEC_REASON_MAX) {
			fprintf(stderr, "mutation %d: reason %d out of range\n", i, rc);
			failures++;
			continue;
		}
		by_reason[rc]++;
		if (rc == CODEC_OK && (ip.hlen < 20 || ip.hlen > ip.tot_len || ip.tot_len > len)) {
			fprintf(stderr, "mutation %d: accepted hlen %zu tot %zu len %zu\n", i, ip.hlen, ip.tot_len, len);
			failures++;
		}
		if (rc != CODEC_OK && rc != CODEC_TRUNCATED && rc != CODEC_BAD_VERSION && rc != CODEC_BAD_LENGTH) {
			fprintf(stderr, "mutation %d: unexpected reason %s\n", i, codec_reason_name(rc));
			failures++;
		}
	}
	printf("kern_ipv4_parse: %d mutations:", MUTATIONS);
	for (i = 0; i < CODEC_REASON_MAX; i++)
		if (by_reason[i])
			printf(" %s %lu", i == CODEC_OK ? "accepted" : codec_reason_name(i), by_reason[i]);
	printf("\n");
	return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
