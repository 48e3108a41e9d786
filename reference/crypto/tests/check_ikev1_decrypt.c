/* check_ikev1_decrypt.c — known-answer tests for ikev1_dec.
 *
 * The test plays both peers of an IKEv1 Main Mode with pre-shared key and a Quick Mode,
 * with OpenSSL only: DH (group 2 / 14, EVP), SKEYID, SKEYID_d/a/e (RFC 2409 §5),
 * Ka expansion (App. B), HASH_I/HASH_R, the phase-1 IV hash(g^xi | g^xr) and the
 * phase-2 IV hash(last phase-1 block | M-ID). It encrypts MM5, MM6, QM1, QM2 and an
 * Informational (DPD R-U-THERE) itself and checks that ikev1_dec, given only the
 * initiator cookie and Ka and fed the messages in order, recovers the plaintexts —
 * also with a retransmitted message and a corrupt one in between (RFC 2409 §10).
 * Plus a known answer from strongSwan 5.9.8's log (Ka expansion for 3DES/SHA1).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/dh.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include "ikev1_decrypt.h"

/* RFC 2409 §6.2 (group 2, 1024-bit MODP) and RFC 3526 §3 (group 14, 2048-bit MODP) */
static const char *const modp1024 =
	"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
	"EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF";
static const char *const modp2048 =
	"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
	"EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
	"83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
	"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
	"15728E5A8AACAA68FFFFFFFFFFFFFFFF";

struct kat {
	const char *name;
	enum ikev1_cipher cipher;
	unsigned key_bits;          /* Key Length attribute, 0 = none */
	enum ikev1_hash hash;
	int group;
	size_t key_len, block;
	const char *md;
};

static const struct kat kats[] = {
	{ "3des-sha1-modp1024", IKEV1_CIPHER_3DES, 0, IKEV1_HASH_SHA1, 2, 24, 8, "SHA1" },
	{ "aes128-sha1-modp2048", IKEV1_CIPHER_AES_CBC, 128, IKEV1_HASH_SHA1, 14, 16, 16, "SHA1" },
	{ "aes256-sha1-modp2048", IKEV1_CIPHER_AES_CBC, 256, IKEV1_HASH_SHA1, 14, 32, 16, "SHA1" },
	{ "aes128-sha256-modp2048", IKEV1_CIPHER_AES_CBC, 128, IKEV1_HASH_SHA256, 14, 16, 16, "SHA256" },
	{ "des-md5-modp1024", IKEV1_CIPHER_DES, 0, IKEV1_HASH_MD5, 2, 8, 8, "MD5" },
};

/* --- the two peers ------------------------------------------------------------- */

struct peers {
	const struct kat *k;
	uint8_t cki[8], ckr[8];
	uint8_t gxi[256], gxr[256], gxy[256]; size_t glen;
	uint8_t ni[16], nr[16];
	uint8_t skeyid[64], skeyid_d[64], skeyid_a[64], skeyid_e[64]; size_t prf_len;
	uint8_t ka[64];
	uint8_t sai_b[64]; size_t sai_b_len;
	uint8_t iv[16];             /* running phase-1 IV of the two peers */
	uint8_t last_p1[16];
	uint8_t qm_iv[16];          /* running IV of the Quick Mode */
};

static void prf(const struct peers *p, const uint8_t *key, size_t klen, const uint8_t *data,
		size_t dlen, uint8_t *out)
{
	size_t ol = 0;

	ck_assert_ptr_nonnull(EVP_Q_mac(NULL, "HMAC", NULL, p->k->md, NULL, key, klen, data, dlen,
					out, 64, &ol));
	ck_assert_uint_eq(ol, p->prf_len);
}

static void hash2(const struct peers *p, const uint8_t *a, size_t al, const uint8_t *b, size_t bl,
		  uint8_t *out)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	uint8_t h[EVP_MAX_MD_SIZE];
	unsigned hl;

	ck_assert(EVP_DigestInit_ex(c, EVP_get_digestbyname(p->k->md), NULL));
	ck_assert(EVP_DigestUpdate(c, a, al) && EVP_DigestUpdate(c, b, bl));
	ck_assert(EVP_DigestFinal_ex(c, h, &hl));
	EVP_MD_CTX_free(c);
	memcpy(out, h, p->k->block);
}

static EVP_PKEY *dh_params(int group)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
	OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
	OSSL_PARAM *prm;
	BIGNUM *pbn = NULL, *gbn = BN_new();
	EVP_PKEY *k = NULL;

	ck_assert(BN_hex2bn(&pbn, group == 2 ? modp1024 : modp2048));
	BN_set_word(gbn, 2);
	OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_FFC_P, pbn);
	OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_FFC_G, gbn);
	prm = OSSL_PARAM_BLD_to_param(b);
	ck_assert(EVP_PKEY_fromdata_init(c) == 1);
	ck_assert(EVP_PKEY_fromdata(c, &k, EVP_PKEY_KEY_PARAMETERS, prm) == 1);
	OSSL_PARAM_free(prm);
	OSSL_PARAM_BLD_free(b);
	BN_free(pbn);
	BN_free(gbn);
	EVP_PKEY_CTX_free(c);
	return k;
}

static EVP_PKEY *dh_keygen(EVP_PKEY *params, uint8_t *pub, size_t glen)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, params, NULL);
	EVP_PKEY *k = NULL;
	BIGNUM *bn = NULL;

	ck_assert(EVP_PKEY_keygen_init(c) == 1);
	ck_assert(EVP_PKEY_generate(c, &k) == 1);
	ck_assert(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_PUB_KEY, &bn) == 1);
	/* RFC 2409 §5: KE is zero-padded to the group length */
	ck_assert(BN_bn2binpad(bn, pub, (int)glen) == (int)glen);
	BN_free(bn);
	EVP_PKEY_CTX_free(c);
	return k;
}

/* buf = a|b|c… helper */
static size_t cat(uint8_t *buf, size_t off, const void *p, size_t n)
{
	memcpy(buf + off, p, n);
	return off + n;
}

static void peers_setup(struct peers *p, const struct kat *k)
{
	EVP_PKEY *prm, *ki, *kr;
	EVP_PKEY_CTX *c;
	uint8_t buf[1024];
	size_t n, gl = 0, have;
	static const char psk[] = "ihh-test-psk";
	uint8_t zero = 0, one = 1, two = 2;

	memset(p, 0, sizeof(*p));
	p->k = k;
	p->glen = k->group == 2 ? 128 : 256;
	p->prf_len = (size_t)EVP_MD_get_size(EVP_get_digestbyname(k->md));
	RAND_bytes(p->cki, 8);
	RAND_bytes(p->ckr, 8);
	RAND_bytes(p->ni, sizeof(p->ni));
	RAND_bytes(p->nr, sizeof(p->nr));

	prm = dh_params(k->group);
	ki = dh_keygen(prm, p->gxi, p->glen);
	kr = dh_keygen(prm, p->gxr, p->glen);
	c = EVP_PKEY_CTX_new_from_pkey(NULL, ki, NULL);
	ck_assert(EVP_PKEY_derive_init(c) == 1);
	ck_assert(EVP_PKEY_CTX_set_dh_pad(c, 1) == 1);
	ck_assert(EVP_PKEY_derive_set_peer(c, kr) == 1);
	gl = sizeof(p->gxy);
	ck_assert(EVP_PKEY_derive(c, p->gxy, &gl) == 1);
	ck_assert_uint_eq(gl, p->glen);
	EVP_PKEY_CTX_free(c);
	EVP_PKEY_free(ki);
	EVP_PKEY_free(kr);
	EVP_PKEY_free(prm);

	/* RFC 2409 §5: SKEYID = prf(pre-shared-key, Ni_b | Nr_b) */
	n = cat(buf, 0, p->ni, sizeof(p->ni));
	n = cat(buf, n, p->nr, sizeof(p->nr));
	prf(p, (const uint8_t *)psk, strlen(psk), buf, n, p->skeyid);
	/* SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0) */
	n = cat(buf, 0, p->gxy, p->glen);
	n = cat(buf, n, p->cki, 8);
	n = cat(buf, n, p->ckr, 8);
	n = cat(buf, n, &zero, 1);
	prf(p, p->skeyid, p->prf_len, buf, n, p->skeyid_d);
	/* SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1) */
	n = cat(buf, 0, p->skeyid_d, p->prf_len);
	n = cat(buf, n, p->gxy, p->glen);
	n = cat(buf, n, p->cki, 8);
	n = cat(buf, n, p->ckr, 8);
	n = cat(buf, n, &one, 1);
	prf(p, p->skeyid, p->prf_len, buf, n, p->skeyid_a);
	/* SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2) */
	n = cat(buf, 0, p->skeyid_a, p->prf_len);
	n = cat(buf, n, p->gxy, p->glen);
	n = cat(buf, n, p->cki, 8);
	n = cat(buf, n, p->ckr, 8);
	n = cat(buf, n, &two, 1);
	prf(p, p->skeyid, p->prf_len, buf, n, p->skeyid_e);
	/* RFC 2409 App. B: a key longer than SKEYID_e is Ka = K1 | K2 | …,
	 * K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, Kn-1); else the first bytes of SKEYID_e */
	if (p->prf_len >= k->key_len) {
		memcpy(p->ka, p->skeyid_e, k->key_len);
	} else {
		uint8_t kn[64];

		prf(p, p->skeyid_e, p->prf_len, &zero, 1, kn);
		for (have = 0;;) {
			size_t take = k->key_len - have < p->prf_len ? k->key_len - have : p->prf_len;

			memcpy(p->ka + have, kn, take);
			have += take;
			if (have == k->key_len)
				break;
			prf(p, p->skeyid_e, p->prf_len, kn, p->prf_len, kn);
		}
	}
	/* RFC 2409 App. B: phase-1 IV = hash(g^xi | g^xr), truncated to the block size */
	hash2(p, p->gxi, p->glen, p->gxr, p->glen, p->iv);
}

/* Free with EVP_CIPHER_free (a no-op for the built-in ones). */
static EVP_CIPHER *cipher_of(const struct kat *k)
{
	switch (k->cipher) {
	case IKEV1_CIPHER_DES: return EVP_CIPHER_fetch(NULL, "DES-CBC", "provider=legacy");
	case IKEV1_CIPHER_3DES: return EVP_CIPHER_fetch(NULL, "DES-EDE3-CBC", NULL);
	default: return EVP_CIPHER_fetch(NULL, k->key_len == 32 ? "AES-256-CBC" : "AES-128-CBC", NULL);
	}
}

/* Encrypt a built cleartext message in place: pad the body with zeros to the block size
 * (RFC 2409 App. B: Length includes the padding), CBC with iv, set E, patch Length.
 * Copies the plaintext body (with padding) to pt. Returns the new length. */
static size_t seal(const struct peers *p, uint8_t *msg, size_t len, const uint8_t *iv,
		   uint8_t *pt, size_t *pt_len)
{
	size_t body = len - ISAKMP_HDR_LEN, bs = p->k->block;
	size_t padded = (body + bs - 1) / bs * bs;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n1 = 0, n2 = 0;
	EVP_CIPHER *ci = cipher_of(p->k);

	ck_assert_ptr_nonnull(ci);
	memset(msg + len, 0, padded - body);
	memcpy(pt, msg + ISAKMP_HDR_LEN, padded);
	*pt_len = padded;
	ck_assert(EVP_EncryptInit_ex(c, ci, NULL, p->ka, iv));
	EVP_CIPHER_CTX_set_padding(c, 0);
	ck_assert(EVP_EncryptUpdate(c, msg + ISAKMP_HDR_LEN, &n1, pt, (int)padded));
	ck_assert(EVP_EncryptFinal_ex(c, msg + ISAKMP_HDR_LEN + n1, &n2));
	ck_assert_uint_eq((size_t)(n1 + n2), padded);
	EVP_CIPHER_CTX_free(c);
	EVP_CIPHER_free(ci);
	msg[19] |= ISAKMP_FLAG_E;
	len = ISAKMP_HDR_LEN + padded;
	msg[24] = (uint8_t)(len >> 24);
	msg[25] = (uint8_t)(len >> 16);
	msg[26] = (uint8_t)(len >> 8);
	msg[27] = (uint8_t)len;
	return len;
}

static void hdr(const struct peers *p, struct isakmp_hdr *h, uint8_t exch, uint32_t msgid, int r)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->icookie, p->cki, 8);
	if (r)
		memcpy(h->rcookie, p->ckr, 8);
	h->maj_ver = 1;
	h->exchange = exch;
	h->msgid = msgid;
}

/* Phase-1 SA payload body with one proposal, one transform (RFC 2408 §3.4–3.6,
 * RFC 2409 App. A attributes). */
static size_t sa_body(const struct kat *k, uint8_t *b)
{
	uint8_t attrs[64];
	size_t na = 0, n = 0;
	uint16_t tv[][2] = { { 1, (uint16_t)k->cipher }, { 14, (uint16_t)k->key_bits },
			     { 2, (uint16_t)k->hash }, { 3, 1 /* PSK */ }, { 4, (uint16_t)k->group },
			     { 11, 1 /* seconds */ }, { 12, 28800 } };
	size_t i, tlen, plen;

	for (i = 0; i < sizeof(tv) / sizeof(tv[0]); i++) {
		if (tv[i][0] == 14 && !k->key_bits)
			continue;
		attrs[na++] = (uint8_t)(0x80 | tv[i][0] >> 8);
		attrs[na++] = (uint8_t)tv[i][0];
		attrs[na++] = (uint8_t)(tv[i][1] >> 8);
		attrs[na++] = (uint8_t)tv[i][1];
	}
	tlen = 8 + na;
	plen = 8 + tlen;
	/* DOI 1, situation SIT_IDENTITY_ONLY */
	memcpy(b, "\0\0\0\1\0\0\0\1", 8);
	n = 8;
	/* proposal: NP 0, RES, len, #1, PROTO_ISAKMP, SPI size 0, 1 transform */
	b[n++] = 0; b[n++] = 0; b[n++] = (uint8_t)(plen >> 8); b[n++] = (uint8_t)plen;
	b[n++] = 1; b[n++] = 1; b[n++] = 0; b[n++] = 1;
	/* transform: NP 0, RES, len, #1, KEY_IKE, RES2 */
	b[n++] = 0; b[n++] = 0; b[n++] = (uint8_t)(tlen >> 8); b[n++] = (uint8_t)tlen;
	b[n++] = 1; b[n++] = 1; b[n++] = 0; b[n++] = 0;
	memcpy(b + n, attrs, na);
	return n + na;
}

/* Decode a cleartext message and let the decryptor observe it. */
static void feed_clear(struct ikev1_dec *d, const uint8_t *msg, size_t len, int from_i)
{
	static struct isakmp_msg m;
	struct codec_err e;

	ck_assert_msg(isakmp_decode(msg, len, &m, &e) == 0, "decode: %s", e.text);
	ikev1_dec_observe(d, &m, from_i);
}

/* Decode an encrypted message, decrypt it, compare the plaintext and walk it. */
static int feed_enc(struct ikev1_dec *d, const uint8_t *msg, size_t len, const uint8_t *want,
		    size_t want_len)
{
	static struct isakmp_msg m;
	struct codec_err e;
	uint8_t out[2048];
	int n;

	ck_assert_msg(isakmp_decode(msg, len, &m, &e) == 0, "decode: %s", e.text);
	ck_assert(m.encrypted);
	n = ikev1_dec_decrypt(d, &m, out, sizeof(out));
	if (n < 0 || !want)
		return n;
	ck_assert_int_eq(n, (int)want_len);
	ck_assert_mem_eq(out, want, want_len);
	ck_assert_msg(isakmp_decode_payloads(m.hdr.next_payload, out, (size_t)n, 1, &m, &e) == 0,
		      "payloads: %s", e.text);
	return n;
}

struct exchange {
	uint8_t mm[6][1024]; size_t mm_len[6];
	uint8_t mm_pt[2][1024]; size_t mm_pt_len[2];
	uint8_t qm[3][1024]; size_t qm_len[3];
	uint8_t qm_pt[3][1024]; size_t qm_pt_len[3];
	uint8_t inf[1024]; size_t inf_len;
	uint8_t inf_pt[1024]; size_t inf_pt_len;
	uint32_t qm_mid, inf_mid;
};

/* Build a Quick Mode / Informational message with HASH(1) first:
 * HASH(1) = prf(SKEYID_a, M-ID | everything after the HASH payload) (RFC 2409 §5.5, §5.7);
 * HASH(2) additionally covers Ni_b after the M-ID; HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b). */
static size_t build_p2(const struct peers *p, uint8_t *msg, uint8_t exch, uint32_t mid, int which)
{
	struct isakmp_builder b;
	struct isakmp_hdr h;
	uint8_t zeros[64] = { 0 }, hb[2048], midb[4] = { (uint8_t)(mid >> 24), (uint8_t)(mid >> 16),
							  (uint8_t)(mid >> 8), (uint8_t)mid };
	size_t hash_start, after, n = 0;
	int len;

	hdr(p, &h, exch, mid, 1);
	isakmp_build_init(&b, msg, 1024, &h);
	hash_start = b.len;
	isakmp_build_payload(&b, ISAKMP_PL_HASH, zeros, p->prf_len);
	after = b.len;
	if (exch == ISAKMP_EXCH_INFO) {
		uint8_t spi[16], seq[4] = { 0x12, 0x34, 0x56, 0x78 };

		memcpy(spi, p->cki, 8);
		memcpy(spi + 8, p->ckr, 8);
		/* RFC 3706 §5.3: DOI 1, proto ISAKMP, SPI = CKY-I | CKY-R, 4-octet sequence */
		isakmp_build_notify(&b, 1, ISAKMP_PROTO_ISAKMP, ISAKMP_N_R_U_THERE, spi, 16, seq, 4);
	} else if (which < 3) {
		/* SA (ESP, one transform ESP_AES), nonce, IDci, IDcr */
		static const uint8_t esp_sa[] = {
			0, 0, 0, 1, 0, 0, 0, 1,
			0, 0, 0, 20, 1, 3, 4, 1, 0x11, 0x22, 0x33, 0x44,
			0, 0, 0, 8, 1, 12, 0, 0,
		};
		static const uint8_t idc[] = { 1, 0, 0, 0, 10, 1, 0, 1 };
		static const uint8_t idr[] = { 1, 0, 0, 0, 10, 2, 0, 1 };

		isakmp_build_payload(&b, ISAKMP_PL_SA, esp_sa, sizeof(esp_sa));
		isakmp_build_payload(&b, ISAKMP_PL_NONCE, which == 1 ? p->ni : p->nr, 16);
		isakmp_build_payload(&b, ISAKMP_PL_ID, idc, sizeof(idc));
		isakmp_build_payload(&b, ISAKMP_PL_ID, idr, sizeof(idr));
	}
	len = isakmp_build_finish(&b);
	ck_assert_int_gt(len, 0);
	if (which == 3) {
		hb[n++] = 0;
		n = cat(hb, n, midb, 4);
		n = cat(hb, n, p->ni, 16);
		n = cat(hb, n, p->nr, 16);
	} else {
		n = cat(hb, 0, midb, 4);
		if (which == 2)
			n = cat(hb, n, p->ni, 16);
		n = cat(hb, n, msg + after, (size_t)len - after);
	}
	prf(p, p->skeyid_a, p->prf_len, hb, n, msg + hash_start + ISAKMP_GEN_HDR_LEN);
	return (size_t)len;
}

static void build_exchange(struct peers *p, struct exchange *x)
{
	struct isakmp_builder b;
	struct isakmp_hdr h;
	uint8_t sa[128], buf[2048], hash[64];
	static const uint8_t idii[] = { 1, 17, 1, 244, 192, 0, 2, 1 };   /* IPV4_ADDR, UDP/500 */
	static const uint8_t idir[] = { 1, 17, 1, 244, 192, 0, 2, 2 };
	size_t sal = sa_body(p->k, sa), n, i;
	uint8_t qiv[16], mid[4];

	/* MM1 / MM2: HDR, SA (RFC 2409 §5.4) */
	for (i = 0; i < 2; i++) {
		hdr(p, &h, ISAKMP_EXCH_MAIN, 0, (int)i);
		isakmp_build_init(&b, x->mm[i], 1024, &h);
		isakmp_build_payload(&b, ISAKMP_PL_SA, sa, sal);
		x->mm_len[i] = (size_t)isakmp_build_finish(&b);
	}
	memcpy(p->sai_b, sa, sal);
	p->sai_b_len = sal;
	/* MM3 / MM4: HDR, KE, Nx */
	for (i = 0; i < 2; i++) {
		hdr(p, &h, ISAKMP_EXCH_MAIN, 0, 1);
		isakmp_build_init(&b, x->mm[2 + i], 1024, &h);
		isakmp_build_payload(&b, ISAKMP_PL_KE, i ? p->gxr : p->gxi, p->glen);
		isakmp_build_payload(&b, ISAKMP_PL_NONCE, i ? p->nr : p->ni, 16);
		x->mm_len[2 + i] = (size_t)isakmp_build_finish(&b);
	}
	/* MM5 / MM6: HDR*, IDix, HASH_x;
	 * HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b)
	 * HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b) */
	for (i = 0; i < 2; i++) {
		const uint8_t *id = i ? idir : idii;

		n = cat(buf, 0, i ? p->gxr : p->gxi, p->glen);
		n = cat(buf, n, i ? p->gxi : p->gxr, p->glen);
		n = cat(buf, n, i ? p->ckr : p->cki, 8);
		n = cat(buf, n, i ? p->cki : p->ckr, 8);
		n = cat(buf, n, p->sai_b, p->sai_b_len);
		n = cat(buf, n, id, 8);
		prf(p, p->skeyid, p->prf_len, buf, n, hash);
		hdr(p, &h, ISAKMP_EXCH_MAIN, 0, 1);
		isakmp_build_init(&b, x->mm[4 + i], 1024, &h);
		isakmp_build_payload(&b, ISAKMP_PL_ID, id, 8);
		isakmp_build_payload(&b, ISAKMP_PL_HASH, hash, p->prf_len);
		n = (size_t)isakmp_build_finish(&b);
		x->mm_len[4 + i] = seal(p, x->mm[4 + i], n, p->iv, x->mm_pt[i], &x->mm_pt_len[i]);
		/* App. B: the next IV is the last ciphertext block */
		memcpy(p->iv, x->mm[4 + i] + x->mm_len[4 + i] - p->k->block, p->k->block);
	}
	memcpy(p->last_p1, p->iv, p->k->block);

	/* Quick Mode: IV = hash(last phase-1 CBC block | M-ID), then chaining */
	x->qm_mid = 0x1a2b3c4d;
	x->inf_mid = 0x5e6f7081;
	mid[0] = 0x1a; mid[1] = 0x2b; mid[2] = 0x3c; mid[3] = 0x4d;
	hash2(p, p->last_p1, p->k->block, mid, 4, qiv);
	for (i = 0; i < 3; i++) {
		n = build_p2(p, x->qm[i], ISAKMP_EXCH_QUICK, x->qm_mid, (int)i + 1);
		x->qm_len[i] = seal(p, x->qm[i], n, qiv, x->qm_pt[i], &x->qm_pt_len[i]);
		memcpy(qiv, x->qm[i] + x->qm_len[i] - p->k->block, p->k->block);
	}
	/* Informational (DPD): "in exactly the same fashion as that for a Quick Mode" */
	mid[0] = 0x5e; mid[1] = 0x6f; mid[2] = 0x70; mid[3] = 0x81;
	hash2(p, p->last_p1, p->k->block, mid, 4, qiv);
	n = build_p2(p, x->inf, ISAKMP_EXCH_INFO, x->inf_mid, 1);
	x->inf_len = seal(p, x->inf, n, qiv, x->inf_pt, &x->inf_pt_len);
}

static void feed_phase1_clear(struct ikev1_dec *d, const struct exchange *x)
{
	int i;

	for (i = 0; i < 4; i++)
		feed_clear(d, x->mm[i], x->mm_len[i], i % 2 == 0);
}

/* --- tests ---------------------------------------------------------------------- */

START_TEST(test_kat_mm_qm_info)
{
	const struct kat *k = &kats[_i];
	static struct peers p;
	static struct exchange x;
	static struct ikev1_dec d;
	int i;

	peers_setup(&p, k);
	build_exchange(&p, &x);
	ikev1_dec_init(&d, p.cki, p.ka, k->key_len);
	feed_phase1_clear(&d, &x);
	/* learned from the responder's MM2 transform */
	ck_assert_int_eq(d.cipher, k->cipher);
	ck_assert_int_eq(d.hash, k->hash);
	ck_assert_uint_eq(d.block, k->block);
	ck_assert_uint_eq(ikev1_dec_key_bytes(&d), k->key_len);
	ck_assert(ikev1_dec_ready(&d));
	ck_assert_int_eq(d.p1_iv_ready, 1);

	/* MM5, MM6 */
	for (i = 0; i < 2; i++)
		ck_assert_int_gt(feed_enc(&d, x.mm[4 + i], x.mm_len[4 + i], x.mm_pt[i],
					  x.mm_pt_len[i]), 0);
	ck_assert_mem_eq(d.last_p1_block, p.last_p1, k->block);
	/* Informational first (its own M-ID), then QM1..3 */
	ck_assert_int_gt(feed_enc(&d, x.inf, x.inf_len, x.inf_pt, x.inf_pt_len), 0);
	for (i = 0; i < 3; i++)
		ck_assert_int_gt(feed_enc(&d, x.qm[i], x.qm_len[i], x.qm_pt[i], x.qm_pt_len[i]), 0);
}
END_TEST

/* RFC 2409 §10: a retransmitted MM5 and QM1 and a corrupt message must not move the IV. */
START_TEST(test_retransmit_and_garbage)
{
	const struct kat *k = &kats[_i];
	static struct peers p;
	static struct exchange x;
	static struct ikev1_dec d;
	uint8_t bad[1024];

	peers_setup(&p, k);
	build_exchange(&p, &x);
	ikev1_dec_init(&d, p.cki, p.ka, k->key_len);
	feed_phase1_clear(&d, &x);

	/* a corrupt copy of MM5 (first ciphertext block flipped) is refused */
	memcpy(bad, x.mm[4], x.mm_len[4]);
	bad[ISAKMP_HDR_LEN] ^= 0x5a;
	bad[ISAKMP_HDR_LEN + 1] ^= 0xa5;
	bad[ISAKMP_HDR_LEN + 3] ^= 0x3c;
	ck_assert_int_lt(feed_enc(&d, bad, x.mm_len[4], NULL, 0), 0);
	ck_assert_int_gt(feed_enc(&d, x.mm[4], x.mm_len[4], x.mm_pt[0], x.mm_pt_len[0]), 0);
	ck_assert_int_eq(d.last_retransmit, 0);
	/* MM5 retransmitted: decrypts again, flagged, IV unchanged */
	ck_assert_int_gt(feed_enc(&d, x.mm[4], x.mm_len[4], x.mm_pt[0], x.mm_pt_len[0]), 0);
	ck_assert_int_eq(d.last_retransmit, 1);
	ck_assert_int_gt(feed_enc(&d, x.mm[5], x.mm_len[5], x.mm_pt[1], x.mm_pt_len[1]), 0);
	/* MM6 retransmitted after the responder saw MM5 again */
	ck_assert_int_gt(feed_enc(&d, x.mm[5], x.mm_len[5], x.mm_pt[1], x.mm_pt_len[1]), 0);
	ck_assert_int_eq(d.last_retransmit, 1);
	/* QM1, QM1 again, QM2, QM3 */
	ck_assert_int_gt(feed_enc(&d, x.qm[0], x.qm_len[0], x.qm_pt[0], x.qm_pt_len[0]), 0);
	ck_assert_int_gt(feed_enc(&d, x.qm[0], x.qm_len[0], x.qm_pt[0], x.qm_pt_len[0]), 0);
	ck_assert_int_eq(d.last_retransmit, 1);
	ck_assert_int_gt(feed_enc(&d, x.qm[1], x.qm_len[1], x.qm_pt[1], x.qm_pt_len[1]), 0);
	ck_assert_int_gt(feed_enc(&d, x.qm[2], x.qm_len[2], x.qm_pt[2], x.qm_pt_len[2]), 0);
	ck_assert_int_gt(feed_enc(&d, x.inf, x.inf_len, x.inf_pt, x.inf_pt_len), 0);
}
END_TEST

/* Wrong key, no key, no KE: refused with a reason, nothing decrypted. */
START_TEST(test_refusals)
{
	static struct peers p;
	static struct exchange x;
	static struct ikev1_dec d;
	uint8_t wrong[32];

	peers_setup(&p, &kats[1]);
	build_exchange(&p, &x);

	memcpy(wrong, p.ka, 16);
	wrong[0] ^= 1;
	ikev1_dec_init(&d, p.cki, wrong, 16);
	feed_phase1_clear(&d, &x);
	ck_assert_int_lt(feed_enc(&d, x.mm[4], x.mm_len[4], NULL, 0), 0);
	ck_assert_str_eq(d.last_error, "decrypted payloads implausible (wrong key or IV)");

	ikev1_dec_init(&d, p.cki, NULL, 0);
	feed_phase1_clear(&d, &x);
	ck_assert_int_lt(feed_enc(&d, x.mm[4], x.mm_len[4], NULL, 0), 0);
	ck_assert_str_eq(d.last_error, "no key");

	/* capture started after MM3/MM4: no IV */
	ikev1_dec_init(&d, p.cki, p.ka, 16);
	feed_clear(&d, x.mm[0], x.mm_len[0], 1);
	feed_clear(&d, x.mm[1], x.mm_len[1], 0);
	ck_assert_int_lt(feed_enc(&d, x.mm[4], x.mm_len[4], NULL, 0), 0);

	/* transform given by hand instead of MM1/MM2 */
	ikev1_dec_init(&d, p.cki, p.ka, 16);
	ikev1_dec_set_transform(&d, IKEV1_CIPHER_AES_CBC, 128, IKEV1_HASH_SHA1);
	feed_clear(&d, x.mm[2], x.mm_len[2], 1);
	feed_clear(&d, x.mm[3], x.mm_len[3], 0);
	ck_assert_int_gt(feed_enc(&d, x.mm[4], x.mm_len[4], x.mm_pt[0], x.mm_pt_len[0]), 0);
}
END_TEST

/* A long-lived SA: more Informational M-IDs than slots; the oldest slot is reused. */
START_TEST(test_many_msgids)
{
	static struct peers p;
	static struct exchange x;
	static struct ikev1_dec d;
	uint8_t qiv[16], mid[4], msg[1024], pt[1024];
	size_t n, ptl;
	uint32_t i, m;

	peers_setup(&p, &kats[1]);
	build_exchange(&p, &x);
	ikev1_dec_init(&d, p.cki, p.ka, 16);
	feed_phase1_clear(&d, &x);
	feed_enc(&d, x.mm[4], x.mm_len[4], x.mm_pt[0], x.mm_pt_len[0]);
	feed_enc(&d, x.mm[5], x.mm_len[5], x.mm_pt[1], x.mm_pt_len[1]);
	for (i = 0; i < 3 * IKEV1_DEC_MAX_MSGID; i++) {
		m = 0x70000000u + i * 7919u;
		mid[0] = (uint8_t)(m >> 24); mid[1] = (uint8_t)(m >> 16);
		mid[2] = (uint8_t)(m >> 8); mid[3] = (uint8_t)m;
		hash2(&p, p.last_p1, 16, mid, 4, qiv);
		n = build_p2(&p, msg, ISAKMP_EXCH_INFO, m, 1);
		n = seal(&p, msg, n, qiv, pt, &ptl);
		ck_assert_int_gt(feed_enc(&d, msg, n, pt, ptl), 0);
	}
	ck_assert_uint_eq(d.np2, IKEV1_DEC_MAX_MSGID);
}
END_TEST

static void hex(const char *s, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned v;

		ck_assert(sscanf(s + 2 * i, "%2x", &v) == 1);
		out[i] = (uint8_t)v;
	}
}

/* Known answer from strongSwan 5.9.8's filelog (ike = 4) for 3des-sha1-modp1024, the run
 * that made captures/reference/ikev1-mm-psk-3des-sha1: Ka = K1 | K2 truncated to 24
 * bytes, K1 = prf(SKEYID_e, 0), K2 = prf(SKEYID_e, K1) (RFC 2409 App. B). */
START_TEST(test_ka_expansion_strongswan)
{
	uint8_t skeyid_e[20], want[24], k1[20], k2[20], zero = 0;
	size_t l = 0;

	hex("caaa190673e4a8520cd69ac83ffc171b7b513908", skeyid_e, 20);
	hex("9c97ee54e80c0aaa9171e087fa522c6791c72dcffbb78678", want, 24);
	ck_assert_ptr_nonnull(EVP_Q_mac(NULL, "HMAC", NULL, "SHA1", NULL, skeyid_e, 20, &zero, 1,
					k1, 20, &l));
	ck_assert_ptr_nonnull(EVP_Q_mac(NULL, "HMAC", NULL, "SHA1", NULL, skeyid_e, 20, k1, 20,
					k2, 20, &l));
	ck_assert_mem_eq(k1, want, 20);
	ck_assert_mem_eq(k2, want + 20, 4);
}
END_TEST

START_TEST(test_plausible)
{
	/* ID(8 body) -> HASH(20 body), then 4 bytes of zero padding */
	uint8_t pt[48] = { 8, 0, 0, 12, 1, 17, 1, 244, 192, 0, 2, 1, 0, 0, 0, 24 };

	ck_assert_int_eq(ikev1_dec_plausible(ISAKMP_PL_ID, pt, sizeof(pt)), 1);
	ck_assert_int_eq(ikev1_dec_plausible(ISAKMP_PL_NONE, pt, sizeof(pt)), 0);
	ck_assert_int_eq(ikev1_dec_plausible(ISAKMP_PL_ID, pt, 30), 0);     /* HASH too long */
	ck_assert_int_eq(ikev1_dec_plausible(99, pt, sizeof(pt)), 0);        /* unknown type */
	pt[1] = 1;                                                           /* RESERVED */
	ck_assert_int_eq(ikev1_dec_plausible(ISAKMP_PL_ID, pt, sizeof(pt)), 0);
	pt[1] = 0;
	pt[3] = 3;                                                           /* length < 4 */
	ck_assert_int_eq(ikev1_dec_plausible(ISAKMP_PL_ID, pt, sizeof(pt)), 0);
	ck_assert_int_eq(ikev1_dec_plausible(ISAKMP_PL_ID, pt, 3), 0);
}
END_TEST

static Suite *ikev1_decrypt_suite(void)
{
	Suite *s = suite_create("ikev1_decrypt");
	TCase *tc = tcase_create("core");
	int nk = (int)(sizeof(kats) / sizeof(kats[0]));

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_kat_mm_qm_info, 0, nk);
	tcase_add_loop_test(tc, test_retransmit_and_garbage, 0, nk);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_many_msgids);
	tcase_add_test(tc, test_ka_expansion_strongswan);
	tcase_add_test(tc, test_plausible);
	suite_add_tcase(s, tc);
	return s;
}

static OSSL_PROVIDER *prov_default, *prov_legacy;

int main(void)
{
	SRunner *sr = srunner_create(ikev1_decrypt_suite());
	int failed;

	/* the test's own DES encryption needs the legacy provider (and then default too) */
	prov_default = OSSL_PROVIDER_load(NULL, "default");
	prov_legacy = OSSL_PROVIDER_load(NULL, "legacy");

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	OSSL_PROVIDER_unload(prov_legacy);
	OSSL_PROVIDER_unload(prov_default);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
