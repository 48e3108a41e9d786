/* ike_crypto.h — the IKEv1 key schedule and ciphers for refgw's IKE engine (prefix ikc_).
 *
 * Owns: Diffie-Hellman over the MODP groups 1, 2 (RFC 2409 §6.1–6.2), 5 and 14
 * (RFC 3526 §2–3) through OpenSSL EVP_PKEY, with the public value and the shared secret
 * left-padded to the group size (RFC 2409 §5); the prf (HMAC of the negotiated hash,
 * RFC 2409 §5); SKEYID for pre-shared keys and SKEYID_d/_a/_e (§5); the expansion of
 * SKEYID_e into the cipher key Ka (App. B); the phase-1 and phase-2 IVs (App. B); KEYMAT
 * with and without PFS (§5.5); CBC for DES, 3DES and AES-128/192/256 without cipher
 * padding; random bytes. Nothing here keeps state between calls except the OpenSSL
 * providers (single DES needs the legacy provider, loaded once on first use).
 *
 * All functions return 0 (or a length) on success and -1 on failure; no function aborts.
 */
#ifndef CRYPTO_IKE_CRYPTO_H
#define CRYPTO_IKE_CRYPTO_H

#include <stddef.h>
#include <stdint.h>
#include "../codec/ipsec_doi.h"

#define IKC_MAX_PRF     32     /* SHA-256 output */
#define IKC_MAX_DH      256    /* MODP 2048 */
#define IKC_MAX_BLOCK   16     /* AES */
#define IKC_MAX_KEY     32     /* AES-256 */

/* One piece of a concatenated prf/hash input: prf(K, a | b | c …). */
struct ikc_iov { const void *p; size_t n; };

/* --- Diffie-Hellman (RFC 2409 §5, §6; RFC 3526) --------------------------------- */

/* Do once, at start-up, what the first negotiation would otherwise pay for: load the
 * providers (default + legacy for DES), seed the DRBG, fetch the digests and ciphers and
 * make one key pair per group in `groups` (n entries). A daemon answers its first Main
 * Mode as fast as the later ones (at --time-scale 0.1 IKE retransmits after 100 ms).
 * 0, or -1 if something is unavailable (then the first use reports it). */
int ikc_warm_up(const unsigned *groups, size_t n);

struct ikc_dh;
/* Size in octets of a MODP group's prime (96, 128, 192, 256), 0 if unsupported. */
size_t ikc_dh_group_bytes(unsigned group);
/* The group's prime as big-endian bytes (ikc_dh_group_bytes long), NULL if unsupported. */
const uint8_t *ikc_dh_prime(unsigned group);
/* A fresh key pair in `group`; NULL if unsupported or OpenSSL fails. */
struct ikc_dh *ikc_dh_new(unsigned group);
void ikc_dh_free(struct ikc_dh *d);
/* g^x, left-padded to the group size; returns that size or -1. */
int ikc_dh_public(const struct ikc_dh *d, uint8_t *out, size_t cap);
/* g^xy from the peer's public value (exactly group-size octets, 1 < y < p-1);
 * left-padded to the group size; returns that size or -1. */
int ikc_dh_shared(struct ikc_dh *d, const uint8_t *peer, size_t peer_len, uint8_t *out, size_t cap);

/* --- hash and prf ------------------------------------------------------------------ */

/* Output length of the hash (16, 20, 32), 0 if unsupported. */
size_t ikc_hash_len(enum ike_hash h);
const char *ikc_hash_name(enum ike_hash h);     /* "md5", "sha", "sha256" (IOS spelling) */
/* hash(iov[0] | iov[1] | …) into out (ikc_hash_len bytes). */
int ikc_hash(enum ike_hash h, const struct ikc_iov *v, size_t nv, uint8_t *out);
/* prf(key, iov…) = HMAC-hash (RFC 2409 §5: the HMAC version of the negotiated hash). */
int ikc_prf(enum ike_hash h, const uint8_t *key, size_t klen, const struct ikc_iov *v, size_t nv,
	    uint8_t *out);

/* --- phase 1 key schedule (RFC 2409 §5) -------------------------------------------- */

/* SKEYID = prf(pre-shared-key, Ni_b | Nr_b) */
int ikc_skeyid_psk(enum ike_hash h, const void *psk, size_t psk_len, const uint8_t *ni, size_t ni_len,
		   const uint8_t *nr, size_t nr_len, uint8_t *skeyid);
/* SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
 * SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
 * SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2) */
int ikc_skeyid_dae(enum ike_hash h, const uint8_t *skeyid, const uint8_t *gxy, size_t gxy_len,
		   const uint8_t cky_i[8], const uint8_t cky_r[8],
		   uint8_t *skeyid_d, uint8_t *skeyid_a, uint8_t *skeyid_e);
/* Ka: the first `need` bytes of SKEYID_e if long enough, else K1 | K2 | … with
 * K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, Kn-1) (App. B). */
int ikc_enc_key(enum ike_hash h, const uint8_t *skeyid_e, size_t need, uint8_t *ka);
/* Phase-1 IV = hash(g^xi | g^xr) truncated to the block size (App. B). */
int ikc_p1_iv(enum ike_hash h, const uint8_t *gxi, size_t gxi_len, const uint8_t *gxr,
	      size_t gxr_len, size_t block, uint8_t *iv);
/* Quick Mode / Informational IV = hash(last phase-1 CBC block | M-ID) (App. B). */
int ikc_p2_iv(enum ike_hash h, const uint8_t *last_p1_block, size_t block, uint32_t msgid,
	      uint8_t *iv);

/* --- phase 2 (RFC 2409 §5.5) ------------------------------------------------------- */

/* KEYMAT = K1 | K2 | … truncated to `need`:
 * K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b),
 * Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b).
 * gxy NULL = no PFS. spi is the receiving side's SPI (host order). */
int ikc_keymat(enum ike_hash h, const uint8_t *skeyid_d, const uint8_t *gxy, size_t gxy_len,
	       uint8_t protocol, uint32_t spi, const uint8_t *ni, size_t ni_len,
	       const uint8_t *nr, size_t nr_len, size_t need, uint8_t *out);

/* --- ciphers ----------------------------------------------------------------------- */

/* Block size (8 DES/3DES, 16 AES), 0 if unsupported. */
size_t ikc_block_size(enum ike_enc c);
/* Key octets: 8 DES, 24 3DES, key_bits/8 for AES (128/192/256; 0 means 128), 0 if bad. */
size_t ikc_key_bytes(enum ike_enc c, unsigned key_bits);
/* CBC over len bytes (a multiple of the block size) with no cipher padding
 * (RFC 2409 App. B pads the message itself). out may equal in. */
int ikc_cbc(enum ike_enc c, unsigned key_bits, const uint8_t *key, const uint8_t *iv,
	    const uint8_t *in, size_t len, uint8_t *out, int encrypt);

/* ESP key lengths for KEYMAT (RFC 2405/2451/3602; RFC 2403/2404/4868). 0 if unsupported. */
size_t ikc_esp_enc_key_bytes(enum esp_enc_alg a, unsigned key_bits);
size_t ikc_esp_auth_key_bytes(enum esp_auth_alg a);

/* Cryptographically strong random bytes (RAND_bytes). */
int ikc_random(void *out, size_t n);

#endif
