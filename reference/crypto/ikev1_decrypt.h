/* ikev1_decrypt.h — decrypt captured IKEv1 messages given the encryption key, the way
 * Wireshark's "IKEv1 Decryption Table" does (cookie → key), computing the IVs from the
 * exchange itself (RFC 2409 Appendix B):
 *   phase 1: IV = hash(g^xi | g^xr) truncated to the block size, then the last
 *            ciphertext block of the previous encrypted message;
 *   phase 2 / Informational (M-ID ≠ 0): IV = hash(last phase-1 CBC block | M-ID),
 *            then chaining within that M-ID.
 * The caller feeds every message of one ISAKMP SA in capture order (ikev1_dec_observe
 * for cleartext ones so KE and the chosen transform are learned). All crypto through
 * OpenSSL (DES/3DES through the legacy provider when needed).
 */
#ifndef CRYPTO_IKEV1_DECRYPT_H
#define CRYPTO_IKEV1_DECRYPT_H

#include <stddef.h>
#include <stdint.h>
#include "../codec/isakmp.h"

#define IKEV1_DEC_MAX_MSGID 32

enum ikev1_cipher { IKEV1_CIPHER_UNKNOWN = 0, IKEV1_CIPHER_DES = 1, IKEV1_CIPHER_3DES = 5, IKEV1_CIPHER_AES_CBC = 7 };
enum ikev1_hash { IKEV1_HASH_UNKNOWN = 0, IKEV1_HASH_MD5 = 1, IKEV1_HASH_SHA1 = 2, IKEV1_HASH_SHA256 = 4, IKEV1_HASH_SHA384 = 5, IKEV1_HASH_SHA512 = 6 };

struct ikev1_dec {
	uint8_t icookie[8];
	uint8_t key[64]; size_t key_len;    /* from the key table; 0 = unknown */
	enum ikev1_cipher cipher; unsigned key_bits;   /* learned from the responder's MM2 transform */
	enum ikev1_hash hash;
	uint8_t gxi[1024]; size_t gxi_len;  /* KE of initiator (MM3) */
	uint8_t gxr[1024]; size_t gxr_len;  /* KE of responder (MM4) */
	uint8_t p1_iv[64];  size_t block;   /* running phase-1 IV */
	int p1_iv_ready;
	uint8_t last_p1_block[64];          /* last CBC block of phase 1 */
	struct { uint32_t msgid; uint8_t iv[64]; } p2[IKEV1_DEC_MAX_MSGID];
	unsigned np2;
};

void ikev1_dec_init(struct ikev1_dec *d, const uint8_t icookie[8], const uint8_t *key, size_t key_len);
/* Learn from a cleartext message (SA proposal/choice, KE payloads). from_initiator: sent by the
 * side whose cookie is icookie. */
void ikev1_dec_observe(struct ikev1_dec *d, const struct isakmp_msg *m, int from_initiator);
/* Decrypt an encrypted message's body into out (≥ m->body_len); advances the IV state only if
 * the plaintext passes a basic sanity check (RFC 2409 §10). Returns plaintext length or -1. */
int ikev1_dec_decrypt(struct ikev1_dec *d, const struct isakmp_msg *m, uint8_t *out, size_t cap);

#endif
