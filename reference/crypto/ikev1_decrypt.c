/* ikev1_decrypt.c — decrypt captured IKEv1 messages from (icookie, encryption key), the
 * way Wireshark's IKEv1 decryption table does, with the IVs computed from the exchange
 * itself (RFC 2409 Appendix B). See ikev1_decrypt.h for the contract.
 *
 * State per ISAKMP SA: the negotiated cipher and hash (responder's choice in MM2), the
 * two KE values, the running phase-1 IV, the last phase-1 CBC block, one running IV per
 * phase-2/Informational M-ID, and a small memory of ciphertexts already decrypted so a
 * retransmission decrypts with the IV it was first decrypted with and never moves the
 * chain (RFC 2409 §10). All crypto through OpenSSL EVP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include "ikev1_decrypt.h"

/* RFC 2409 App. A attribute classes */
#define IKEV1_ATTR_ENC      1
#define IKEV1_ATTR_HASH     2
#define IKEV1_ATTR_KEY_LEN  14

static int ikev1_dec_legacy_tried;
static OSSL_PROVIDER *ikev1_dec_prov_default, *ikev1_dec_prov_legacy;   /* kept for the process */

static void ikev1_dec_unload_providers(void)
{
	if (ikev1_dec_prov_legacy)
		OSSL_PROVIDER_unload(ikev1_dec_prov_legacy);
	if (ikev1_dec_prov_default)
		OSSL_PROVIDER_unload(ikev1_dec_prov_default);
	ikev1_dec_prov_legacy = ikev1_dec_prov_default = NULL;
}

/* Single DES lives in OpenSSL 3's legacy provider, loaded once and only when a DES SA is
 * met; loading any provider explicitly stops the implicit default one, so load that too.
 * Unloaded at exit (otherwise the provider's allocations show up as leaks). */
static void ikev1_dec_load_legacy(void)
{
	if (ikev1_dec_legacy_tried)
		return;
	ikev1_dec_legacy_tried = 1;
	ikev1_dec_prov_default = OSSL_PROVIDER_load(NULL, "default");
	ikev1_dec_prov_legacy = OSSL_PROVIDER_load(NULL, "legacy");
	atexit(ikev1_dec_unload_providers);
}

static void ikev1_dec_fail(struct ikev1_dec *d, const char *why)
{
	snprintf(d->last_error, sizeof(d->last_error), "%s", why);
}

size_t ikev1_dec_block_size(enum ikev1_cipher c)
{
	switch (c) {
	case IKEV1_CIPHER_DES:
	case IKEV1_CIPHER_3DES:
		return 8;
	case IKEV1_CIPHER_AES_CBC:
		return 16;
	default:
		return 0;
	}
}

size_t ikev1_dec_key_bytes(const struct ikev1_dec *d)
{
	switch (d->cipher) {
	case IKEV1_CIPHER_DES:
		return 8;
	case IKEV1_CIPHER_3DES:
		return 24;
	case IKEV1_CIPHER_AES_CBC:
		/* RFC 3602 §5 / RFC 2409 App. A: Key Length attribute in bits; without it, take
		 * the table key's length (Wireshark does the same) */
		if (d->key_bits == 128 || d->key_bits == 192 || d->key_bits == 256)
			return d->key_bits / 8;
		if (d->key_len == 16 || d->key_len == 24 || d->key_len == 32)
			return d->key_len;
		return 16;
	default:
		return 0;
	}
}

static const EVP_CIPHER *ikev1_dec_evp_cipher(const struct ikev1_dec *d)
{
	switch (d->cipher) {
	case IKEV1_CIPHER_DES:
		ikev1_dec_load_legacy();
		return EVP_get_cipherbyname("DES-CBC");
	case IKEV1_CIPHER_3DES:
		return EVP_des_ede3_cbc();
	case IKEV1_CIPHER_AES_CBC:
		switch (ikev1_dec_key_bytes(d)) {
		case 16: return EVP_aes_128_cbc();
		case 24: return EVP_aes_192_cbc();
		case 32: return EVP_aes_256_cbc();
		}
		return NULL;
	default:
		return NULL;
	}
}

static const EVP_MD *ikev1_dec_evp_md(enum ikev1_hash h)
{
	switch (h) {
	case IKEV1_HASH_MD5: return EVP_md5();
	case IKEV1_HASH_SHA1: return EVP_sha1();
	case IKEV1_HASH_SHA256: return EVP_sha256();
	case IKEV1_HASH_SHA384: return EVP_sha384();
	case IKEV1_HASH_SHA512: return EVP_sha512();
	default: return NULL;
	}
}

const char *ikev1_dec_hash_name(enum ikev1_hash h)
{
	switch (h) {
	case IKEV1_HASH_MD5: return "MD5";
	case IKEV1_HASH_SHA1: return "SHA1";
	case IKEV1_HASH_SHA256: return "SHA2-256";
	case IKEV1_HASH_SHA384: return "SHA2-384";
	case IKEV1_HASH_SHA512: return "SHA2-512";
	default: return "unknown";
	}
}

const char *ikev1_dec_cipher_name(const struct ikev1_dec *d)
{
	switch (d->cipher) {
	case IKEV1_CIPHER_DES: return "DES";
	case IKEV1_CIPHER_3DES: return "3DES";
	case IKEV1_CIPHER_AES_CBC:
		switch (ikev1_dec_key_bytes(d)) {
		case 24: return "AES-CBC-192";
		case 32: return "AES-CBC-256";
		default: return "AES-CBC-128";
		}
	default: return "unknown";
	}
}

void ikev1_dec_init(struct ikev1_dec *d, const uint8_t icookie[8], const uint8_t *key, size_t key_len)
{
	memset(d, 0, sizeof(*d));
	memcpy(d->icookie, icookie, 8);
	if (key && key_len <= sizeof(d->key)) {
		memcpy(d->key, key, key_len);
		d->key_len = key_len;
	}
}

void ikev1_dec_set_transform(struct ikev1_dec *d, enum ikev1_cipher c, unsigned key_bits,
			     enum ikev1_hash h)
{
	d->cipher = c;
	d->key_bits = key_bits;
	d->hash = h;
	d->block = ikev1_dec_block_size(c);
	d->transform_final = 1;
}

/* Hash (the negotiated one) over a|b, truncated to the block size into out. */
static int ikev1_dec_hash_iv(const struct ikev1_dec *d, const uint8_t *a, size_t alen,
			     const uint8_t *b, size_t blen, uint8_t *out)
{
	const EVP_MD *md = ikev1_dec_evp_md(d->hash);
	EVP_MD_CTX *ctx;
	uint8_t h[EVP_MAX_MD_SIZE];
	unsigned hl = 0;
	int ok;

	if (!md || !d->block)
		return -1;
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return -1;
	ok = EVP_DigestInit_ex(ctx, md, NULL) && EVP_DigestUpdate(ctx, a, alen) &&
	     EVP_DigestUpdate(ctx, b, blen) && EVP_DigestFinal_ex(ctx, h, &hl);
	EVP_MD_CTX_free(ctx);
	if (!ok || hl < d->block)
		return -1;
	memcpy(out, h, d->block);
	return 0;
}

/* RFC 2409 App. B: phase-1 IV = hash(g^xi | g^xr) truncated to the block size */
static void ikev1_dec_try_p1_iv(struct ikev1_dec *d)
{
	if (d->p1_iv_ready || !d->gxi_len || !d->gxr_len || !d->block)
		return;
	if (ikev1_dec_hash_iv(d, d->gxi, d->gxi_len, d->gxr, d->gxr_len, d->p1_iv) == 0)
		d->p1_iv_ready = 1;
}

int ikev1_dec_ready(const struct ikev1_dec *d)
{
	return d->key_len && d->block && ikev1_dec_evp_md(d->hash) &&
	       d->gxi_len && d->gxr_len;
}

/* Cipher, hash and key length from one phase-1 transform (RFC 2409 App. A). */
static void ikev1_dec_take_transform(struct ikev1_dec *d, const struct isakmp_transform *t)
{
	enum ikev1_cipher c = IKEV1_CIPHER_UNKNOWN;
	enum ikev1_hash h = IKEV1_HASH_UNKNOWN;
	unsigned bits = 0;
	uint8_t i;

	for (i = 0; i < t->nattrs && i < ISAKMP_MAX_ATTRS; i++) {
		const struct isakmp_attr *a = &t->attrs[i];

		if (a->type == IKEV1_ATTR_ENC)
			c = (enum ikev1_cipher)a->value;
		else if (a->type == IKEV1_ATTR_HASH)
			h = (enum ikev1_hash)a->value;
		else if (a->type == IKEV1_ATTR_KEY_LEN)
			bits = (unsigned)a->value;
	}
	d->cipher = ikev1_dec_block_size(c) ? c : IKEV1_CIPHER_UNKNOWN;
	d->hash = ikev1_dec_evp_md(h) ? h : IKEV1_HASH_UNKNOWN;
	d->key_bits = bits;
	d->block = ikev1_dec_block_size(d->cipher);
}

void ikev1_dec_observe(struct ikev1_dec *d, const struct isakmp_msg *m, int from_initiator)
{
	uint8_t i;

	/* only phase 1 (M-ID 0, RFC 2408 §3.1) carries the ISAKMP SA choice and the KEs that
	 * seed the IV; a PFS KE inside Quick Mode must not replace them */
	if (m->encrypted || m->hdr.msgid != 0)
		return;
	if (m->hdr.exchange != ISAKMP_EXCH_MAIN && m->hdr.exchange != ISAKMP_EXCH_AGGRESSIVE &&
	    m->hdr.exchange != ISAKMP_EXCH_BASE)
		return;
	for (i = 0; i < m->npayloads && i < ISAKMP_MAX_PAYLOADS; i++) {
		const struct isakmp_payload *pl = &m->pl[i];

		if (pl->type == ISAKMP_PL_SA && pl->u.sa_index >= 0 && pl->u.sa_index < m->nsas) {
			const struct isakmp_sa *sa = &m->sas[pl->u.sa_index];
			const struct isakmp_proposal *p = sa->nproposals ? &sa->proposals[0] : NULL;

			if (!p || !p->ntransforms)
				continue;
			/* RFC 2409 §5: the responder returns the one transform it chose; the
			 * initiator's offer counts only while it is the only one */
			if (!from_initiator) {
				ikev1_dec_take_transform(d, &p->transforms[0]);
				d->transform_final = 1;
			} else if (!d->transform_final && sa->nproposals == 1 && p->ntransforms == 1) {
				ikev1_dec_take_transform(d, &p->transforms[0]);
			}
		} else if (pl->type == ISAKMP_PL_KE && pl->body_len <= sizeof(d->gxi)) {
			if (from_initiator) {
				memcpy(d->gxi, pl->body, pl->body_len);
				d->gxi_len = pl->body_len;
			} else {
				memcpy(d->gxr, pl->body, pl->body_len);
				d->gxr_len = pl->body_len;
			}
		}
	}
	ikev1_dec_try_p1_iv(d);
}

int ikev1_dec_plausible(uint8_t first, const uint8_t *pt, size_t len)
{
	size_t off = 0;
	uint8_t np = first;
	unsigned n = 0;

	if (np == ISAKMP_PL_NONE)
		return 0;
	while (np != ISAKMP_PL_NONE) {
		size_t plen;

		/* RFC 2408 §3.1 payload types: 1–13, NAT-D/NAT-OA (RFC 3947), private 128–255 */
		if (!((np >= 1 && np <= 13) || np == 20 || np == 21 || np >= 128))
			return 0;
		if (++n > ISAKMP_MAX_PAYLOADS || len - off < ISAKMP_GEN_HDR_LEN)
			return 0;
		/* RFC 2408 §3.2: RESERVED must be 0, Payload Length covers the header */
		plen = (size_t)pt[off + 2] << 8 | pt[off + 3];
		if (pt[off + 1] != 0 || plen < ISAKMP_GEN_HDR_LEN || plen > len - off)
			return 0;
		np = pt[off];
		off += plen;
	}
	return 1;
}

static int ikev1_dec_cbc(const struct ikev1_dec *d, const uint8_t *iv, const uint8_t *ct,
			 size_t len, uint8_t *out)
{
	const EVP_CIPHER *c = ikev1_dec_evp_cipher(d);
	EVP_CIPHER_CTX *ctx;
	int n1 = 0, n2 = 0, ok;

	if (!c || d->key_len < ikev1_dec_key_bytes(d) || len > (size_t)0x7fffffff)
		return -1;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -1;
	/* RFC 2409 App. B: no cipher padding of its own; the message is padded with zeros */
	ok = EVP_DecryptInit_ex(ctx, c, NULL, d->key, iv) && EVP_CIPHER_CTX_set_padding(ctx, 0) &&
	     EVP_DecryptUpdate(ctx, out, &n1, ct, (int)len) && EVP_DecryptFinal_ex(ctx, out + n1, &n2);
	EVP_CIPHER_CTX_free(ctx);
	return ok && (size_t)(n1 + n2) == len ? 0 : -1;
}

static void ikev1_dec_digest(const uint8_t *p, size_t len, uint8_t out[32])
{
	unsigned l = 0;

	if (!EVP_Digest(p, len, out, &l, EVP_sha256(), NULL))
		memset(out, 0, 32);
}

static int ikev1_dec_find_seen(const struct ikev1_dec *d, uint32_t msgid, const uint8_t dg[32])
{
	unsigned i;

	for (i = 0; i < d->nseen; i++)
		if (d->seen[i].msgid == msgid && memcmp(d->seen[i].digest, dg, 32) == 0)
			return (int)i;
	return -1;
}

static void ikev1_dec_remember(struct ikev1_dec *d, uint32_t msgid, const uint8_t dg[32],
			       const uint8_t *iv)
{
	unsigned i;

	if (d->nseen < IKEV1_DEC_SEEN) {
		i = d->nseen++;
	} else {
		i = d->seen_next;
		d->seen_next = (d->seen_next + 1) % IKEV1_DEC_SEEN;
	}
	d->seen[i].msgid = msgid;
	memcpy(d->seen[i].digest, dg, 32);
	memcpy(d->seen[i].iv, iv, d->block);
}

static int ikev1_dec_find_p2(const struct ikev1_dec *d, uint32_t msgid)
{
	unsigned i;

	for (i = 0; i < d->np2; i++)
		if (d->p2[i].msgid == msgid)
			return (int)i;
	return -1;
}

int ikev1_dec_decrypt(struct ikev1_dec *d, const struct isakmp_msg *m, uint8_t *out, size_t cap)
{
	uint8_t iv[64], dg[32];
	size_t len = m->body_len;
	uint32_t msgid = m->hdr.msgid;
	int slot = -1, seen;

	d->last_retransmit = 0;
	d->last_error[0] = 0;
	if (!m->encrypted || !m->body) {
		ikev1_dec_fail(d, "not encrypted");
		return -1;
	}
	if (!d->key_len) {
		ikev1_dec_fail(d, "no key");
		return -1;
	}
	if (!d->block || !ikev1_dec_evp_md(d->hash)) {
		ikev1_dec_fail(d, "transform unknown (no MM1/MM2 seen)");
		return -1;
	}
	if (d->key_len < ikev1_dec_key_bytes(d)) {
		ikev1_dec_fail(d, "key shorter than the cipher needs");
		return -1;
	}
	/* RFC 2409 App. B: the encrypted part is a whole number of blocks */
	if (len == 0 || len % d->block || cap < len) {
		ikev1_dec_fail(d, "body not a multiple of the block size");
		return -1;
	}
	if (!d->p1_iv_ready) {
		ikev1_dec_fail(d, "no phase-1 IV (KE payloads not seen)");
		return -1;
	}

	/* a retransmission decrypts with the IV its first copy used and changes nothing */
	ikev1_dec_digest(m->body, len, dg);
	seen = ikev1_dec_find_seen(d, msgid, dg);
	if (seen >= 0) {
		if (ikev1_dec_cbc(d, d->seen[seen].iv, m->body, len, out)) {
			ikev1_dec_fail(d, "cipher failed");
			return -1;
		}
		d->last_retransmit = 1;
		return (int)len;
	}

	if (msgid == 0) {
		/* RFC 2409 App. B: phase 1 chains from hash(g^xi | g^xr) through the last
		 * ciphertext block of the previous message */
		memcpy(iv, d->p1_iv, d->block);
	} else {
		slot = ikev1_dec_find_p2(d, msgid);
		if (slot >= 0) {
			memcpy(iv, d->p2[slot].iv, d->block);
		} else {
			/* RFC 2409 App. B: first message of a Quick Mode / Informational:
			 * hash(last phase-1 CBC output block | M-ID) */
			uint8_t mid[4] = { (uint8_t)(msgid >> 24), (uint8_t)(msgid >> 16),
					   (uint8_t)(msgid >> 8), (uint8_t)msgid };
			const uint8_t *last = d->last_p1_block;

			if (ikev1_dec_hash_iv(d, last, d->block, mid, 4, iv)) {
				ikev1_dec_fail(d, "hash failed");
				return -1;
			}
		}
	}
	if (ikev1_dec_cbc(d, iv, m->body, len, out)) {
		ikev1_dec_fail(d, "cipher failed");
		return -1;
	}
	/* RFC 2409 §10: do not update the running IV until the message passes a sanity check */
	if (!ikev1_dec_plausible(m->hdr.next_payload, out, len)) {
		ikev1_dec_fail(d, "decrypted payloads implausible (wrong key or IV)");
		return -1;
	}
	ikev1_dec_remember(d, msgid, dg, iv);
	if (msgid == 0) {
		memcpy(d->p1_iv, m->body + len - d->block, d->block);
		memcpy(d->last_p1_block, m->body + len - d->block, d->block);
	} else {
		if (slot < 0) {
			if (d->np2 < IKEV1_DEC_MAX_MSGID) {
				slot = (int)d->np2++;
			} else {
				/* table full: reuse the oldest slot (exchanges complete quickly) */
				slot = (int)d->p2_next;
				d->p2_next = (d->p2_next + 1) % IKEV1_DEC_MAX_MSGID;
			}
			d->p2[slot].msgid = msgid;
		}
		memcpy(d->p2[slot].iv, m->body + len - d->block, d->block);
	}
	return (int)len;
}
