/* fuzz_esp.c — libFuzzer target for the ESP receive path, esp_sadb_input, with a fixed
 * SA database made afresh per input (so a crash reproduces from its input alone):
 *   SPI 0x00001000 aes128-sha1, SPI 0x00002000 3des-md5 (window 32),
 *   SPI 0x00003000 aes128 without integrity (raw bytes reach decryption and the
 *   trailer and inner checks), SPI 0x00004000 null-sha256.
 * The first input byte is a mode: bit 0 set → the rest is taken as SPI..ciphertext and
 * given a valid ICV for its SA (the fixed keys are known here), so the fuzzer also
 * reaches the checks after authentication on the integrity-protected SAs.
 * Asserts: a drop has a real reason; an accepted packet lies within out and is an IPv4
 * packet whose total length is the returned length.
 */
#include <stdint.h>
#include <stdlib.h>
#include "esp_testutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fz_algs[4] = { "aes128-sha1", "3des-md5", "aes128-none", "null-sha256" };
static const unsigned fz_window[4] = { 64, 32, 0, 1024 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pkt[70000], out[70000];
	struct esp_sadb *db;
	struct esp_sa *sa = NULL;
	struct tu_keys k;
	enum esp_drop why;
	size_t len, i;
	ssize_t r;

	if (size < 1 || size - 1 > sizeof(pkt) - 16)
		return 0;
	db = esp_sadb_new();
	if (db == NULL)
		abort();
	tu_keys(&k, 7);
	for (i = 0; i < 4; i++)
		if (esp_sadb_add(db, tu_sa(tu_alg_by_name(fz_algs[i]), &k, 0x1000 * (uint32_t)(i + 1),
					   ESP_DIR_IN, fz_window[i])) != 0)
			abort();
	len = size - 1;
	memcpy(pkt, data + 1, len);
	if ((data[0] & 1) && len >= 4) {
		/* append a valid ICV for the SA the SPI names, if it has integrity */
		uint32_t spi = tu_get32(pkt);

		for (i = 0; i < 4; i++) {
			const struct tu_alg *a = tu_alg_by_name(fz_algs[i]);

			if (spi == 0x1000 * (i + 1) && a->icv) {
				if (tu_ref_icv(a, &k, pkt, len, pkt + len) != 0)
					abort();
				len += a->icv;
			}
		}
	}
	r = esp_sadb_input(db, pkt, len, out, sizeof(out), &sa, &why);
	if (r < 0) {
		if (why <= ESP_DROP_NONE || why >= ESP_DROP_MAX)
			abort();
	} else {
		if (why != ESP_DROP_NONE || sa == NULL || (size_t)r > len || r < 20 || out[0] >> 4 != 4 ||
		    (size_t)(out[2] << 8 | out[3]) != (size_t)r)
			abort();
	}
	esp_sadb_free(db);
	return 0;
}
