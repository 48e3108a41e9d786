/* esp_hmac.c — HMAC from precomputed inner/outer digest states; see esp_hmac.h. */
#include <string.h>
#include <openssl/crypto.h>
#include "esp_hmac.h"

#define ESP_HMAC_BLOCK_MAX 64          /* MD5, SHA-1 and SHA-256 all hash 64-byte blocks */

/* Safe on an all-zero struct (never keyed) and twice. */
void esp_hmac_free(struct esp_hmac *h)
{
	EVP_MD_CTX_free(h->inner);
	EVP_MD_CTX_free(h->outer);
	EVP_MD_CTX_free(h->work);
	EVP_MD_free(h->md);
	memset(h, 0, sizeof(*h));
}

int esp_hmac_init(struct esp_hmac *h, const char *digest, const uint8_t *key, size_t key_len,
		  size_t icv_len)
{
	uint8_t k[ESP_HMAC_BLOCK_MAX], ipad[ESP_HMAC_BLOCK_MAX], opad[ESP_HMAC_BLOCK_MAX];
	unsigned int klen = 0;
	int block, i, rc = -1;

	memset(h, 0, sizeof(*h));
	h->md = EVP_MD_fetch(NULL, digest, NULL);
	if (h->md == NULL)
		goto out;
	block = EVP_MD_get_block_size(h->md);
	if (block <= 0 || block > ESP_HMAC_BLOCK_MAX || icv_len > (size_t)EVP_MD_get_size(h->md) ||
	    icv_len > ESP_HMAC_ICV_MAX)
		goto out;
	h->icv_len = icv_len;
	h->inner = EVP_MD_CTX_new();
	h->outer = EVP_MD_CTX_new();
	h->work = EVP_MD_CTX_new();
	if (h->inner == NULL || h->outer == NULL || h->work == NULL)
		goto out;
	/* RFC 2104 §2: a key longer than the block is hashed first, then zero-padded */
	memset(k, 0, sizeof(k));
	if (key_len > (size_t)block) {
		if (!EVP_Digest(key, key_len, k, &klen, h->md, NULL))
			goto out;
	} else if (key_len) {
		memcpy(k, key, key_len);
	}
	for (i = 0; i < block; i++) {
		ipad[i] = k[i] ^ 0x36;
		opad[i] = k[i] ^ 0x5c;
	}
	if (!EVP_DigestInit_ex(h->inner, h->md, NULL) || !EVP_DigestUpdate(h->inner, ipad, (size_t)block) ||
	    !EVP_DigestInit_ex(h->outer, h->md, NULL) || !EVP_DigestUpdate(h->outer, opad, (size_t)block) ||
	    !EVP_MD_CTX_copy_ex(h->work, h->inner))
		goto out;
	rc = 0;
out:
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(ipad, sizeof(ipad));
	OPENSSL_cleanse(opad, sizeof(opad));
	if (rc)
		esp_hmac_free(h);
	return rc;
}

int esp_hmac_icv(struct esp_hmac *h, const uint8_t *data, size_t len, uint8_t *icv)
{
	uint8_t ih[EVP_MAX_MD_SIZE], oh[EVP_MAX_MD_SIZE];
	unsigned int n;

	if (!EVP_MD_CTX_copy_ex(h->work, h->inner) || !EVP_DigestUpdate(h->work, data, len) ||
	    !EVP_DigestFinal_ex(h->work, ih, &n) ||
	    !EVP_MD_CTX_copy_ex(h->work, h->outer) || !EVP_DigestUpdate(h->work, ih, n) ||
	    !EVP_DigestFinal_ex(h->work, oh, &n))
		return -1;
	/* RFC 2404 §2 / RFC 4868 §2.3: the ICV is the leftmost bits of the HMAC */
	memcpy(icv, oh, h->icv_len);
	return 0;
}
