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

#define IKEV1_DEC_MAX_MSGID 32      /* phase-2 IV slots; the oldest is reused when full */
#define IKEV1_DEC_SEEN      16      /* remembered ciphertexts, for retransmissions */

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
	/* added: */
	int transform_final;                /* cipher/hash came from the responder's choice */
	unsigned p2_next;                   /* next p2 slot to reuse once np2 == MAX */
	struct {                            /* ciphertexts already decrypted (RFC 2409 §10) */
		uint8_t digest[32];             /* SHA-256 of the encrypted body */
		uint32_t msgid;
		uint8_t iv[64];                 /* the IV it was decrypted with */
	} seen[IKEV1_DEC_SEEN];
	unsigned nseen, seen_next;
	int last_retransmit;                /* the last decrypt was a repeat of a seen message */
	char last_error[96];                /* why the last decrypt returned -1 */
};

void ikev1_dec_init(struct ikev1_dec *d, const uint8_t icookie[8], const uint8_t *key, size_t key_len);
/* Learn from a cleartext message (SA proposal/choice, KE payloads). from_initiator: sent by the
 * side whose cookie is icookie. */
void ikev1_dec_observe(struct ikev1_dec *d, const struct isakmp_msg *m, int from_initiator);
/* Decrypt an encrypted message's body into out (≥ m->body_len); advances the IV state only if
 * the plaintext passes a basic sanity check (RFC 2409 §10). Returns plaintext length or -1. */
int ikev1_dec_decrypt(struct ikev1_dec *d, const struct isakmp_msg *m, uint8_t *out, size_t cap);

/* --- added ------------------------------------------------------------------- */

/* Set the transform by hand (capture without MM1/MM2). key_bits 0 = from the key length. */
void ikev1_dec_set_transform(struct ikev1_dec *d, enum ikev1_cipher c, unsigned key_bits,
			     enum ikev1_hash h);
/* Cipher block size (8 DES/3DES, 16 AES) and key bytes in use; 0 if unknown. */
size_t ikev1_dec_block_size(enum ikev1_cipher c);
size_t ikev1_dec_key_bytes(const struct ikev1_dec *d);
/* 1 when a phase-1 encrypted message could be decrypted now (key, transform, KEs). */
int ikev1_dec_ready(const struct ikev1_dec *d);
/* "AES-CBC-128", "3DES", "DES", "SHA1" … for logs. */
const char *ikev1_dec_cipher_name(const struct ikev1_dec *d);
const char *ikev1_dec_hash_name(enum ikev1_hash h);
/* The RFC 2409 §10 sanity check used before the IV advances: the payload chain that
 * starts with `first` fits the plaintext, every RESERVED octet is 0, the chain ends
 * before the padding. Returns 1 if plausible. */
int ikev1_dec_plausible(uint8_t first, const uint8_t *pt, size_t len);

#endif
