/* ike_crypto.c — IKEv1 key schedule and ciphers over OpenSSL 3 (see ike_crypto.h).
 *
 * DH: the MODP primes below are RFC 2409 §6.1 (group 1), §6.2 (group 2) and RFC 3526
 * §2 (group 5), §3 (group 14), generator 2. Parameters are built with OSSL_PARAM_BLD
 * (p, g = 2, a 256-bit private exponent); the peer's public value is
 * range-checked (1 < y < p-1) before it is used. prf = HMAC through EVP_MAC. Ciphers
 * through EVP_CIPHER with padding off; DES-CBC comes from the legacy provider.
 */
#include <stdlib.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/dh.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include "ike_crypto.h"

/* --- MODP groups ------------------------------------------------------------------ */

/* RFC 2409 §6.1: 2^768 - 2^704 - 1 + 2^64 * { [2^638 pi] + 149686 } */
static const char ikc_modp768[] =
	"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
	"EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A3620FFFFFFFFFFFFFFFF";
/* RFC 2409 §6.2: 2^1024 - 2^960 - 1 + 2^64 * { [2^894 pi] + 129093 } */
static const char ikc_modp1024[] =
	"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
	"EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF";
/* RFC 3526 §2: 2^1536 - 2^1472 - 1 + 2^64 * { [2^1406 pi] + 741804 } */
static const char ikc_modp1536[] =
	"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
	"EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
	"83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA237327FFFFFFFFFFFFFFFF";
/* RFC 3526 §3: 2^2048 - 2^1984 - 1 + 2^64 * { [2^1918 pi] + 124476 } */
static const char ikc_modp2048[] =
	"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
	"EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
	"83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
	"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
	"15728E5A8AACAA68FFFFFFFFFFFFFFFF";

struct ikc_group { unsigned id; size_t bytes; const char *hex; uint8_t bin[IKC_MAX_DH]; int ready; };

static struct ikc_group ikc_groups[] = {
	{ 1, 96, ikc_modp768, { 0 }, 0 },
	{ 2, 128, ikc_modp1024, { 0 }, 0 },
	{ 5, 192, ikc_modp1536, { 0 }, 0 },
	{ 14, 256, ikc_modp2048, { 0 }, 0 },
};

static struct ikc_group *ikc_group(unsigned id)
{
	size_t i;

	for (i = 0; i < sizeof(ikc_groups) / sizeof(ikc_groups[0]); i++) {
		struct ikc_group *g = &ikc_groups[i];

		if (g->id != id)
			continue;
		if (!g->ready) {
			size_t k;

			for (k = 0; k < g->bytes; k++) {
				unsigned v = 0;
				char c[3] = { g->hex[2 * k], g->hex[2 * k + 1], 0 };

				v = (unsigned)strtoul(c, NULL, 16);
				g->bin[k] = (uint8_t)v;
			}
			g->ready = 1;
		}
		return g;
	}
	return NULL;
}

size_t ikc_dh_group_bytes(unsigned group)
{
	const struct ikc_group *g = ikc_group(group);

	return g ? g->bytes : 0;
}

const uint8_t *ikc_dh_prime(unsigned group)
{
	const struct ikc_group *g = ikc_group(group);

	return g ? g->bin : NULL;
}

struct ikc_dh {
	const struct ikc_group *g;
	EVP_PKEY *params;
	EVP_PKEY *key;
};

/* p and g = 2, optionally the public value. Without q, OpenSSL draws the private
 * exponent with exactly DH_PRIV_LEN bits. */
static EVP_PKEY *ikc_dh_build(const struct ikc_group *g, const uint8_t *pub, size_t pub_len)
{
	OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
	OSSL_PARAM *prm = NULL;
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
	BIGNUM *p = BN_bin2bn(g->bin, (int)g->bytes, NULL), *gen = BN_new();
	BIGNUM *y = pub ? BN_bin2bn(pub, (int)pub_len, NULL) : NULL;
	EVP_PKEY *k = NULL;

	if (!b || !c || !p || !gen || (pub && !y))
		goto out;
	if (!BN_set_word(gen, 2))
		goto out;
	if (!OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_FFC_P, p) ||
	    !OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_FFC_G, gen))
		goto out;
	/* a 2×security-strength exponent is what OpenSSL picks for its named safe-prime
	 * groups; 256 bits covers all four groups */
	if (!pub && !OSSL_PARAM_BLD_push_int(b, OSSL_PKEY_PARAM_DH_PRIV_LEN, 256))
		goto out;
	if (y && !OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PUB_KEY, y))
		goto out;
	prm = OSSL_PARAM_BLD_to_param(b);
	if (!prm || EVP_PKEY_fromdata_init(c) != 1 ||
	    EVP_PKEY_fromdata(c, &k, pub ? EVP_PKEY_PUBLIC_KEY : EVP_PKEY_KEY_PARAMETERS, prm) != 1)
		k = NULL;
out:
	OSSL_PARAM_free(prm);
	OSSL_PARAM_BLD_free(b);
	EVP_PKEY_CTX_free(c);
	BN_free(p);
	BN_free(gen);
	BN_free(y);
	return k;
}

struct ikc_dh *ikc_dh_new(unsigned group)
{
	const struct ikc_group *g = ikc_group(group);
	struct ikc_dh *d;
	EVP_PKEY_CTX *c = NULL;

	if (!g)
		return NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->g = g;
	d->params = ikc_dh_build(g, NULL, 0);
	if (!d->params)
		goto fail;
	c = EVP_PKEY_CTX_new_from_pkey(NULL, d->params, NULL);
	if (!c || EVP_PKEY_keygen_init(c) != 1 || EVP_PKEY_generate(c, &d->key) != 1)
		goto fail;
	EVP_PKEY_CTX_free(c);
	return d;
fail:
	EVP_PKEY_CTX_free(c);
	ikc_dh_free(d);
	return NULL;
}

void ikc_dh_free(struct ikc_dh *d)
{
	if (!d)
		return;
	EVP_PKEY_free(d->key);
	EVP_PKEY_free(d->params);
	free(d);
}

int ikc_dh_public(const struct ikc_dh *d, uint8_t *out, size_t cap)
{
	BIGNUM *y = NULL;
	int r = -1;

	if (!d || !d->key || cap < d->g->bytes)
		return -1;
	if (EVP_PKEY_get_bn_param(d->key, OSSL_PKEY_PARAM_PUB_KEY, &y) != 1)
		return -1;
	/* RFC 2409 §5: the KE payload is zero-padded to the group length */
	if (BN_bn2binpad(y, out, (int)d->g->bytes) == (int)d->g->bytes)
		r = (int)d->g->bytes;
	BN_free(y);
	return r;
}

/* 1 < y < p-1, big-endian, both g->bytes long. */
static int ikc_dh_in_range(const struct ikc_group *g, const uint8_t *y)
{
	size_t i;
	int gt_one = 0;

	for (i = 0; i + 1 < g->bytes; i++)
		if (y[i])
			gt_one = 1;
	if (!gt_one && y[g->bytes - 1] <= 1)
		return 0;
	/* p - 1 differs from p only in the last octet (p is odd) */
	for (i = 0; i < g->bytes; i++) {
		uint8_t pm1 = (uint8_t)(i + 1 == g->bytes ? g->bin[i] - 1 : g->bin[i]);

		if (y[i] != pm1)
			return y[i] < pm1;
	}
	return 0;   /* y == p-1 */
}

int ikc_dh_shared(struct ikc_dh *d, const uint8_t *peer, size_t peer_len, uint8_t *out, size_t cap)
{
	EVP_PKEY *pk = NULL;
	EVP_PKEY_CTX *c = NULL;
	size_t len = cap;
	int r = -1;

	if (!d || !d->key || !peer || peer_len != d->g->bytes || cap < d->g->bytes)
		return -1;
	if (!ikc_dh_in_range(d->g, peer))
		return -1;
	pk = ikc_dh_build(d->g, peer, peer_len);
	c = pk ? EVP_PKEY_CTX_new_from_pkey(NULL, d->key, NULL) : NULL;
	if (!c || EVP_PKEY_derive_init(c) != 1 || EVP_PKEY_CTX_set_dh_pad(c, 1) != 1 ||
	    EVP_PKEY_derive_set_peer_ex(c, pk, 0) != 1 || EVP_PKEY_derive(c, out, &len) != 1)
		goto out;
	if (len == d->g->bytes)
		r = (int)len;
out:
	EVP_PKEY_CTX_free(c);
	EVP_PKEY_free(pk);
	return r;
}

/* --- hash and prf ---------------------------------------------------------------- */

static const char *ikc_md_name(enum ike_hash h)
{
	switch (h) {
	case IKE_HASH_MD5: return "MD5";
	case IKE_HASH_SHA1: return "SHA1";
	case IKE_HASH_SHA256: return "SHA256";
	}
	return NULL;
}

size_t ikc_hash_len(enum ike_hash h)
{
	switch (h) {
	case IKE_HASH_MD5: return 16;
	case IKE_HASH_SHA1: return 20;
	case IKE_HASH_SHA256: return 32;
	}
	return 0;
}

const char *ikc_hash_name(enum ike_hash h)
{
	switch (h) {
	case IKE_HASH_MD5: return "md5";
	case IKE_HASH_SHA1: return "sha";
	case IKE_HASH_SHA256: return "sha256";
	}
	return "unknown";
}

int ikc_hash(enum ike_hash h, const struct ikc_iov *v, size_t nv, uint8_t *out)
{
	const char *name = ikc_md_name(h);
	EVP_MD_CTX *c;
	EVP_MD *md;
	unsigned ol = 0;
	size_t i;
	int ok;

	if (!name)
		return -1;
	md = EVP_MD_fetch(NULL, name, NULL);
	c = EVP_MD_CTX_new();
	ok = md && c && EVP_DigestInit_ex(c, md, NULL);
	for (i = 0; ok && i < nv; i++)
		ok = EVP_DigestUpdate(c, v[i].p, v[i].n);
	ok = ok && EVP_DigestFinal_ex(c, out, &ol) && ol == ikc_hash_len(h);
	EVP_MD_CTX_free(c);
	EVP_MD_free(md);
	return ok ? 0 : -1;
}

int ikc_prf(enum ike_hash h, const uint8_t *key, size_t klen, const struct ikc_iov *v, size_t nv,
	    uint8_t *out)
{
	const char *name = ikc_md_name(h);
	EVP_MAC *mac;
	EVP_MAC_CTX *c = NULL;
	OSSL_PARAM prm[2];
	size_t i, ol = 0;
	int ok;

	if (!name)
		return -1;
	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (mac)
		c = EVP_MAC_CTX_new(mac);
	prm[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)name, 0);
	prm[1] = OSSL_PARAM_construct_end();
	/* an empty key is legal HMAC input; OpenSSL wants a non-NULL pointer */
	ok = c && EVP_MAC_init(c, klen ? key : (const uint8_t *)"", klen, prm);
	for (i = 0; ok && i < nv; i++)
		ok = v[i].n == 0 || EVP_MAC_update(c, v[i].p, v[i].n);
	ok = ok && EVP_MAC_final(c, out, &ol, IKC_MAX_PRF) && ol == ikc_hash_len(h);
	EVP_MAC_CTX_free(c);
	EVP_MAC_free(mac);
	return ok ? 0 : -1;
}

/* --- phase 1 ------------------------------------------------------------------- */

int ikc_skeyid_psk(enum ike_hash h, const void *psk, size_t psk_len, const uint8_t *ni, size_t ni_len,
		   const uint8_t *nr, size_t nr_len, uint8_t *skeyid)
{
	/* RFC 2409 §5: SKEYID = prf(pre-shared-key, Ni_b | Nr_b) */
	struct ikc_iov v[2] = { { ni, ni_len }, { nr, nr_len } };

	return ikc_prf(h, psk, psk_len, v, 2, skeyid);
}

int ikc_skeyid_dae(enum ike_hash h, const uint8_t *skeyid, const uint8_t *gxy, size_t gxy_len,
		   const uint8_t cky_i[8], const uint8_t cky_r[8],
		   uint8_t *skeyid_d, uint8_t *skeyid_a, uint8_t *skeyid_e)
{
	static const uint8_t n0 = 0, n1 = 1, n2 = 2;
	size_t hl = ikc_hash_len(h);
	struct ikc_iov v[5];

	if (!hl)
		return -1;
	/* RFC 2409 §5: SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0) */
	v[0] = (struct ikc_iov){ gxy, gxy_len };
	v[1] = (struct ikc_iov){ cky_i, 8 };
	v[2] = (struct ikc_iov){ cky_r, 8 };
	v[3] = (struct ikc_iov){ &n0, 1 };
	if (ikc_prf(h, skeyid, hl, v, 4, skeyid_d))
		return -1;
	/* SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1) */
	v[0] = (struct ikc_iov){ skeyid_d, hl };
	v[1] = (struct ikc_iov){ gxy, gxy_len };
	v[2] = (struct ikc_iov){ cky_i, 8 };
	v[3] = (struct ikc_iov){ cky_r, 8 };
	v[4] = (struct ikc_iov){ &n1, 1 };
	if (ikc_prf(h, skeyid, hl, v, 5, skeyid_a))
		return -1;
	/* SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2) */
	v[0] = (struct ikc_iov){ skeyid_a, hl };
	v[4] = (struct ikc_iov){ &n2, 1 };
	return ikc_prf(h, skeyid, hl, v, 5, skeyid_e);
}

int ikc_enc_key(enum ike_hash h, const uint8_t *skeyid_e, size_t need, uint8_t *ka)
{
	static const uint8_t zero = 0;
	size_t hl = ikc_hash_len(h), have = 0;
	uint8_t k[IKC_MAX_PRF];
	struct ikc_iov v;

	if (!hl || need > IKC_MAX_KEY)
		return -1;
	if (need <= hl) {
		memcpy(ka, skeyid_e, need);
		return 0;
	}
	/* RFC 2409 App. B: Ka = K1 | K2 | …, K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, Kn-1) */
	v = (struct ikc_iov){ &zero, 1 };
	while (have < need) {
		size_t take = need - have < hl ? need - have : hl;

		if (ikc_prf(h, skeyid_e, hl, &v, 1, k))
			return -1;
		memcpy(ka + have, k, take);
		have += take;
		v = (struct ikc_iov){ k, hl };
	}
	return 0;
}

int ikc_p1_iv(enum ike_hash h, const uint8_t *gxi, size_t gxi_len, const uint8_t *gxr,
	      size_t gxr_len, size_t block, uint8_t *iv)
{
	struct ikc_iov v[2] = { { gxi, gxi_len }, { gxr, gxr_len } };
	uint8_t d[IKC_MAX_PRF];

	/* RFC 2409 App. B: IV = hash(g^xi | g^xr), truncated to the block size */
	if (block > ikc_hash_len(h) || ikc_hash(h, v, 2, d))
		return -1;
	memcpy(iv, d, block);
	return 0;
}

int ikc_p2_iv(enum ike_hash h, const uint8_t *last_p1_block, size_t block, uint32_t msgid,
	      uint8_t *iv)
{
	uint8_t mid[4] = { (uint8_t)(msgid >> 24), (uint8_t)(msgid >> 16), (uint8_t)(msgid >> 8),
			   (uint8_t)msgid };
	struct ikc_iov v[2] = { { last_p1_block, block }, { mid, 4 } };
	uint8_t d[IKC_MAX_PRF];

	/* RFC 2409 App. B: IV = hash(last phase-1 CBC output block | M-ID) */
	if (block > ikc_hash_len(h) || ikc_hash(h, v, 2, d))
		return -1;
	memcpy(iv, d, block);
	return 0;
}

/* --- phase 2 ------------------------------------------------------------------- */

int ikc_keymat(enum ike_hash h, const uint8_t *skeyid_d, const uint8_t *gxy, size_t gxy_len,
	       uint8_t protocol, uint32_t spi, const uint8_t *ni, size_t ni_len,
	       const uint8_t *nr, size_t nr_len, size_t need, uint8_t *out)
{
	uint8_t spib[4] = { (uint8_t)(spi >> 24), (uint8_t)(spi >> 16), (uint8_t)(spi >> 8),
			    (uint8_t)spi };
	uint8_t k[IKC_MAX_PRF];
	size_t hl = ikc_hash_len(h), have = 0;
	struct ikc_iov v[6];
	size_t nv;

	if (!hl)
		return -1;
	/* RFC 2409 §5.5: K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b),
	 * Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b) */
	while (have < need) {
		size_t take = need - have < hl ? need - have : hl;

		nv = 0;
		if (have)
			v[nv++] = (struct ikc_iov){ k, hl };
		if (gxy)
			v[nv++] = (struct ikc_iov){ gxy, gxy_len };
		v[nv++] = (struct ikc_iov){ &protocol, 1 };
		v[nv++] = (struct ikc_iov){ spib, 4 };
		v[nv++] = (struct ikc_iov){ ni, ni_len };
		v[nv++] = (struct ikc_iov){ nr, nr_len };
		if (ikc_prf(h, skeyid_d, hl, v, nv, k))
			return -1;
		memcpy(out + have, k, take);
		have += take;
	}
	return 0;
}

/* --- ciphers ------------------------------------------------------------------- */

static int ikc_legacy_tried;
static OSSL_PROVIDER *ikc_prov_default, *ikc_prov_legacy;

static void ikc_unload_providers(void)
{
	if (ikc_prov_legacy)
		OSSL_PROVIDER_unload(ikc_prov_legacy);
	if (ikc_prov_default)
		OSSL_PROVIDER_unload(ikc_prov_default);
	ikc_prov_legacy = ikc_prov_default = NULL;
}

/* Single DES lives in OpenSSL 3's legacy provider; loading a provider explicitly stops the
 * implicit default one, so load that too (as ikev1_decrypt.c does). Unloaded at exit. */
static void ikc_load_legacy(void)
{
	if (ikc_legacy_tried)
		return;
	ikc_legacy_tried = 1;
	ikc_prov_default = OSSL_PROVIDER_load(NULL, "default");
	ikc_prov_legacy = OSSL_PROVIDER_load(NULL, "legacy");
	atexit(ikc_unload_providers);
}

size_t ikc_block_size(enum ike_enc c)
{
	switch (c) {
	case IKE_ENC_DES:
	case IKE_ENC_3DES: return 8;
	case IKE_ENC_AES_CBC: return 16;
	}
	return 0;
}

size_t ikc_key_bytes(enum ike_enc c, unsigned key_bits)
{
	switch (c) {
	case IKE_ENC_DES: return 8;
	case IKE_ENC_3DES: return 24;
	case IKE_ENC_AES_CBC:
		if (key_bits == 0)
			return 16;
		if (key_bits == 128 || key_bits == 192 || key_bits == 256)
			return key_bits / 8;
		return 0;
	}
	return 0;
}

static EVP_CIPHER *ikc_cipher_fetch(enum ike_enc c, unsigned key_bits)
{
	switch (c) {
	case IKE_ENC_DES:
		ikc_load_legacy();
		return EVP_CIPHER_fetch(NULL, "DES-CBC", "provider=legacy");
	case IKE_ENC_3DES:
		return EVP_CIPHER_fetch(NULL, "DES-EDE3-CBC", NULL);
	case IKE_ENC_AES_CBC:
		switch (ikc_key_bytes(c, key_bits)) {
		case 16: return EVP_CIPHER_fetch(NULL, "AES-128-CBC", NULL);
		case 24: return EVP_CIPHER_fetch(NULL, "AES-192-CBC", NULL);
		case 32: return EVP_CIPHER_fetch(NULL, "AES-256-CBC", NULL);
		}
		return NULL;
	}
	return NULL;
}

int ikc_cbc(enum ike_enc c, unsigned key_bits, const uint8_t *key, const uint8_t *iv,
	    const uint8_t *in, size_t len, uint8_t *out, int encrypt)
{
	size_t bs = ikc_block_size(c);
	EVP_CIPHER *ci;
	EVP_CIPHER_CTX *x;
	int n1 = 0, n2 = 0, ok;

	if (!bs || len % bs || len > 0x7fffffff)
		return -1;
	if (len == 0)
		return 0;
	ci = ikc_cipher_fetch(c, key_bits);
	x = EVP_CIPHER_CTX_new();
	/* RFC 2409 App. B: no cipher padding of its own; the message is padded with zeros */
	ok = ci && x && EVP_CipherInit_ex(x, ci, NULL, key, iv, encrypt ? 1 : 0) &&
	     EVP_CIPHER_CTX_set_padding(x, 0) &&
	     EVP_CipherUpdate(x, out, &n1, in, (int)len) &&
	     EVP_CipherFinal_ex(x, out + n1, &n2) && (size_t)(n1 + n2) == len;
	EVP_CIPHER_CTX_free(x);
	EVP_CIPHER_free(ci);
	return ok ? 0 : -1;
}

size_t ikc_esp_enc_key_bytes(enum esp_enc_alg a, unsigned key_bits)
{
	switch (a) {
	case ESP_ENC_DES: return 8;       /* RFC 2405 */
	case ESP_ENC_3DES: return 24;     /* RFC 2451 */
	case ESP_ENC_NULL: return 0;
	case ESP_ENC_AES_CBC:             /* RFC 3602 §5: default 128 */
		if (key_bits == 0)
			return 16;
		if (key_bits == 128 || key_bits == 192 || key_bits == 256)
			return key_bits / 8;
		return 0;
	}
	return 0;
}

size_t ikc_esp_auth_key_bytes(enum esp_auth_alg a)
{
	switch (a) {
	case ESP_AUTH_NONE: return 0;
	case ESP_AUTH_HMAC_MD5: return 16;     /* RFC 2403 */
	case ESP_AUTH_HMAC_SHA1: return 20;    /* RFC 2404 */
	case ESP_AUTH_HMAC_SHA256: return 32;  /* RFC 4868 */
	}
	return 0;
}

int ikc_random(void *out, size_t n)
{
	if (n > 0x7fffffff)
		return -1;
	return RAND_bytes(out, (int)n) == 1 ? 0 : -1;
}

int ikc_warm_up(const unsigned *groups, size_t n)
{
	static const enum ike_hash hashes[] = { IKE_HASH_MD5, IKE_HASH_SHA1, IKE_HASH_SHA256 };
	static const enum ike_enc encs[] = { IKE_ENC_DES, IKE_ENC_3DES, IKE_ENC_AES_CBC };
	uint8_t buf[64], key[32], iv[16] = { 0 }, blk[16] = { 0 };
	struct ikc_iov v = { buf, 16 };
	int rc = 0;
	size_t i;

	memset(key, 0x5a, sizeof(key));
	ikc_load_legacy();
	if (ikc_random(buf, 16))
		rc = -1;
	for (i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++)
		if (ikc_prf(hashes[i], key, sizeof(key), &v, 1, buf) < 0)
			rc = -1;
	for (i = 0; i < sizeof(encs) / sizeof(encs[0]); i++)
		if (ikc_cbc(encs[i], 128, key, iv, blk, ikc_block_size(encs[i]), buf, 0) < 0)
			rc = -1;
	for (i = 0; i < n; i++) {
		struct ikc_dh *d = ikc_dh_new(groups[i]);

		if (!d)
			rc = -1;
		ikc_dh_free(d);
	}
	return rc;
}
