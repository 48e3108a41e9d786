/* esp_int.h — the inside of an ESP SA, shared by esp_sa.c, esp_sadb.c and the tests
 * (which set a sequence number near 2^32 to test the wrap refusal). Not for the daemon:
 * it uses esp_sa.h only.
 */
#ifndef ESP_INT_H
#define ESP_INT_H

#include <openssl/evp.h>
#include "esp_hmac.h"
#include "esp_replay.h"
#include "esp_sa.h"

#define ESP_BLOCK_MAX 16

struct esp_sa {
	struct esp_sa *next;            /* esp_sadb hash chain */
	uint32_t spi;
	enum esp_dir dir;
	enum esp_enc_alg enc;
	enum esp_auth_alg auth;
	size_t block;                   /* cipher block: 8 (DES, 3DES), 16 (AES), 1 (NULL) */
	size_t iv_len;                  /* = block for CBC, 0 for NULL */
	size_t align;                   /* what PadLen|NH must end on: max(block, 4) (§2.4) */
	size_t icv_len;                 /* 0 without integrity */
	EVP_CIPHER *cipher;             /* fetched once; NULL for ENCR_NULL */
	EVP_CIPHER_CTX *cctx;           /* keyed once, padding off */
	struct esp_hmac hmac;           /* when auth != NONE */
	int replay_on;                  /* inbound with integrity (§3.4.3) */
	struct esp_replay replay;       /* inbound */
	uint32_t seq;                   /* outbound: last sent */
	uint8_t chain[ESP_BLOCK_MAX];   /* outbound: cctx's CBC state = last ciphertext block */
	uint8_t nonce[ESP_BLOCK_MAX];   /* outbound: IV counter, random start (esp_sa.c, "IVs") */
	uint8_t scratch[ESP_BLOCK_MAX]; /* inbound: where the IV block decrypts to */
	struct esp_counters cnt;
};

#endif
