/* esp_hmac.h — the ESP integrity transforms (HMAC-MD5-96 RFC 2403, HMAC-SHA1-96 RFC 2404,
 * HMAC-SHA-256-128 RFC 4868) computed from precomputed digest states.
 *
 * HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m)) (RFC 2104 §2). The two keyed
 * prefixes are absorbed once per SA into `inner` and `outer`; per packet the work
 * context is copied from them, so the key schedule is never redone. All hashing goes
 * through OpenSSL's EVP digests. (OpenSSL 3.0's EVP_MD_CTX_copy_ex duplicates the
 * provider context, i.e. one small allocation inside libcrypto per copy; versions with
 * the digest copyctx hook reuse it. Measured faster than EVP_MAC_init(NULL key) per
 * packet, which does the same copies plus the MAC layer.)
 */
#ifndef ESP_HMAC_H
#define ESP_HMAC_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>

#define ESP_HMAC_ICV_MAX 16

struct esp_hmac {
	EVP_MD *md;                     /* fetched once */
	EVP_MD_CTX *inner, *outer, *work;
	size_t icv_len;                 /* truncation: 12 (MD5, SHA1) or 16 (SHA-256) */
};

/* digest: "MD5", "SHA1" or "SHA2-256". Returns -1 on any OpenSSL failure (h is then
 * released). */
int esp_hmac_init(struct esp_hmac *h, const char *digest, const uint8_t *key, size_t key_len,
		  size_t icv_len);
/* The truncated HMAC of data[0 .. len) → icv[0 .. icv_len). 0, or -1 if OpenSSL failed. */
int esp_hmac_icv(struct esp_hmac *h, const uint8_t *data, size_t len, uint8_t *icv);
void esp_hmac_free(struct esp_hmac *h);

#endif
