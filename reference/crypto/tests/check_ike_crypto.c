/* check_ike_crypto.c — known-answer tests for ike_crypto (ikc_*).
 *
 * Every derived value is recomputed here independently with raw OpenSSL calls (BN for
 * DH, EVP_Q_mac for HMAC, EVP_Digest for hashes, EVP ciphers) and compared; plus
 * published vectors: HMAC-MD5/SHA1 (RFC 2202 case 1), HMAC-SHA256 (RFC 4231 case 1),
 * AES-128-CBC (NIST SP 800-38A F.2.1), the Ka expansion from strongSwan 5.9.8's log
 * (as in check_ikev1_decrypt.c), and the MODP primes checked against OpenSSL's own
 * RFC 3526 groups and for being safe primes. Finally ikev1_dec (the capture decryptor)
 * must decrypt what ikc_cbc encrypted with ikc-derived keys and IVs.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include "ike_crypto.h"
#include "ikev1_decrypt.h"

static void hex(const char *s, uint8_t *out, size_t n)
{
	size_t i;

	ck_assert_uint_eq(strlen(s), 2 * n);
	for (i = 0; i < n; i++) {
		unsigned v;

		ck_assert(sscanf(s + 2 * i, "%2x", &v) == 1);
		out[i] = (uint8_t)v;
	}
}

static const char *md_name(enum ike_hash h)
{
	return h == IKE_HASH_MD5 ? "MD5" : h == IKE_HASH_SHA1 ? "SHA1" : "SHA256";
}

/* independent HMAC over a|b|c|d|e */
static size_t ref_prf(enum ike_hash h, const uint8_t *k, size_t kl, const void *a, size_t al,
		      const void *b, size_t bl, const void *c, size_t cl, const void *d, size_t dl,
		      const void *e, size_t el, uint8_t *out)
{
	uint8_t buf[2048];
	size_t n = 0, ol = 0;

	memcpy(buf + n, a, al); n += al;
	if (bl) { memcpy(buf + n, b, bl); n += bl; }
	if (cl) { memcpy(buf + n, c, cl); n += cl; }
	if (dl) { memcpy(buf + n, d, dl); n += dl; }
	if (el) { memcpy(buf + n, e, el); n += el; }
	ck_assert_ptr_nonnull(EVP_Q_mac(NULL, "HMAC", NULL, md_name(h), NULL, k, kl, buf, n, out, 64, &ol));
	return ol;
}

static const unsigned groups[] = { 1, 2, 5, 14 };
static const size_t group_bytes[] = { 96, 128, 192, 256 };

/* DH: ikc against a raw-BN peer, both directions, both sides agree. */
START_TEST(test_dh_groups)
{
	unsigned g = groups[_i];
	size_t gb = group_bytes[_i];
	struct ikc_dh *a = ikc_dh_new(g), *b = ikc_dh_new(g);
	uint8_t pa[256], pb[256], sab[256], sba[256], raw_pub[256], raw_sh[256], sh[256];
	BIGNUM *p = BN_bin2bn(ikc_dh_prime(g), (int)gb, NULL), *x = BN_new(), *y = BN_new();
	BIGNUM *two = BN_new(), *peer = NULL, *s = BN_new();
	BN_CTX *bc = BN_CTX_new();

	ck_assert_uint_eq(ikc_dh_group_bytes(g), gb);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(ikc_dh_public(a, pa, sizeof(pa)), (int)gb);
	ck_assert_int_eq(ikc_dh_public(b, pb, sizeof(pb)), (int)gb);
	ck_assert_int_eq(ikc_dh_shared(a, pb, gb, sab, sizeof(sab)), (int)gb);
	ck_assert_int_eq(ikc_dh_shared(b, pa, gb, sba, sizeof(sba)), (int)gb);
	ck_assert_mem_eq(sab, sba, gb);

	/* an independent peer: x random, y = 2^x mod p; shared = pa^x mod p */
	BN_set_word(two, 2);
	ck_assert(BN_rand(x, 256, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY));
	ck_assert(BN_mod_exp(y, two, x, p, bc));
	ck_assert_int_eq(BN_bn2binpad(y, raw_pub, (int)gb), (int)gb);
	peer = BN_bin2bn(pa, (int)gb, NULL);
	ck_assert(BN_mod_exp(s, peer, x, p, bc));
	ck_assert_int_eq(BN_bn2binpad(s, raw_sh, (int)gb), (int)gb);
	ck_assert_int_eq(ikc_dh_shared(a, raw_pub, gb, sh, sizeof(sh)), (int)gb);
	ck_assert_mem_eq(sh, raw_sh, gb);

	/* RFC 2409 §5 / range: 0, 1, p-1, p and a wrong length are refused */
	memset(raw_pub, 0, gb);
	ck_assert_int_eq(ikc_dh_shared(a, raw_pub, gb, sh, sizeof(sh)), -1);
	raw_pub[gb - 1] = 1;
	ck_assert_int_eq(ikc_dh_shared(a, raw_pub, gb, sh, sizeof(sh)), -1);
	raw_pub[gb - 1] = 2;
	ck_assert_int_eq(ikc_dh_shared(a, raw_pub, gb, sh, sizeof(sh)), (int)gb);
	memcpy(raw_pub, ikc_dh_prime(g), gb);
	ck_assert_int_eq(ikc_dh_shared(a, raw_pub, gb, sh, sizeof(sh)), -1);
	raw_pub[gb - 1]--;
	ck_assert_int_eq(ikc_dh_shared(a, raw_pub, gb, sh, sizeof(sh)), -1);
	raw_pub[gb - 1]--;
	ck_assert_int_eq(ikc_dh_shared(a, raw_pub, gb, sh, sizeof(sh)), (int)gb);
	ck_assert_int_eq(ikc_dh_shared(a, pb, gb - 1, sh, sizeof(sh)), -1);
	memset(raw_pub, 0xff, gb);
	ck_assert_int_eq(ikc_dh_shared(a, raw_pub, gb, sh, sizeof(sh)), -1);

	BN_free(p); BN_free(x); BN_free(y); BN_free(two); BN_free(peer); BN_free(s);
	BN_CTX_free(bc);
	ikc_dh_free(a);
	ikc_dh_free(b);
}
END_TEST

/* The primes: safe primes with the RFC structure (64 high and low bits set); groups 5
 * and 14 equal OpenSSL's built-in RFC 3526 groups; group 2 equals the constant of
 * check_ikev1_decrypt.c. */
START_TEST(test_dh_primes)
{
	unsigned g = groups[_i];
	size_t gb = group_bytes[_i], i;
	const uint8_t *pr = ikc_dh_prime(g);
	BIGNUM *p = BN_bin2bn(pr, (int)gb, NULL), *q = BN_new();
	BN_CTX *bc = BN_CTX_new();

	for (i = 0; i < 8; i++) {
		ck_assert_uint_eq(pr[i], 0xff);
		ck_assert_uint_eq(pr[gb - 1 - i], 0xff);
	}
	ck_assert_int_eq(BN_check_prime(p, bc, NULL), 1);
	ck_assert(BN_rshift1(q, p));
	ck_assert_int_eq(BN_check_prime(q, bc, NULL), 1);
	if (g == 5 || g == 14) {
		EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
		EVP_PKEY *k = NULL;
		BIGNUM *op = NULL;

		ck_assert(EVP_PKEY_paramgen_init(c) == 1);
		ck_assert(EVP_PKEY_CTX_set_group_name(c, g == 5 ? "modp_1536" : "modp_2048") == 1);
		ck_assert(EVP_PKEY_paramgen(c, &k) == 1);
		ck_assert(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_FFC_P, &op) == 1);
		ck_assert_int_eq(BN_cmp(op, p), 0);
		BN_free(op);
		EVP_PKEY_free(k);
		EVP_PKEY_CTX_free(c);
	}
	if (g == 2) {
		uint8_t want[128];

		hex("FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
		    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
		    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF", want, 128);
		ck_assert_mem_eq(pr, want, 128);
	}
	BN_free(p);
	BN_free(q);
	BN_CTX_free(bc);
}
END_TEST

/* start-up warm-up: every configured group and algorithm available; an unknown group
 * is reported, not fatal */
START_TEST(test_warm_up)
{
	static const unsigned ok[] = { 1, 2, 5, 14 }, bad[] = { 2, 99 };

	ck_assert_int_eq(ikc_warm_up(ok, 4), 0);
	ck_assert_int_eq(ikc_warm_up(NULL, 0), 0);
	ck_assert_int_eq(ikc_warm_up(bad, 2), -1);
}
END_TEST

START_TEST(test_unsupported)
{
	uint8_t out[64], k[8] = { 0 };
	struct ikc_iov v = { "x", 1 };

	ck_assert_ptr_null(ikc_dh_new(3));
	ck_assert_uint_eq(ikc_dh_group_bytes(15), 0);
	ck_assert_ptr_null(ikc_dh_prime(0));
	ck_assert_int_eq(ikc_prf((enum ike_hash)3, k, 8, &v, 1, out), -1);
	ck_assert_int_eq(ikc_hash((enum ike_hash)9, &v, 1, out), -1);
	ck_assert_uint_eq(ikc_key_bytes(IKE_ENC_AES_CBC, 100), 0);
	ck_assert_uint_eq(ikc_block_size((enum ike_enc)2), 0);
	ck_assert_int_eq(ikc_cbc(IKE_ENC_AES_CBC, 128, out, out, out, 15, out, 1), -1);
	ck_assert_int_eq(ikc_enc_key(IKE_HASH_SHA1, out, 33, out), -1);
	ck_assert_uint_eq(ikc_esp_enc_key_bytes(ESP_ENC_AES_CBC, 0), 16);
	ck_assert_uint_eq(ikc_esp_enc_key_bytes(ESP_ENC_3DES, 0), 24);
	ck_assert_uint_eq(ikc_esp_auth_key_bytes(ESP_AUTH_HMAC_SHA256), 32);
	ck_assert_uint_eq(ikc_esp_auth_key_bytes((enum esp_auth_alg)7), 0);
}
END_TEST

/* RFC 2202 §2/§3 test case 1 and RFC 4231 §4.2 test case 1 */
START_TEST(test_prf_rfc_vectors)
{
	uint8_t key[20], out[32], want[32];
	struct ikc_iov v = { "Hi There", 8 };

	memset(key, 0x0b, sizeof(key));
	ck_assert_int_eq(ikc_prf(IKE_HASH_MD5, key, 16, &v, 1, out), 0);
	hex("9294727a3638bb1c13f48ef8158bfc9d", want, 16);
	ck_assert_mem_eq(out, want, 16);
	ck_assert_int_eq(ikc_prf(IKE_HASH_SHA1, key, 20, &v, 1, out), 0);
	hex("b617318655057264e28bc0b6fb378c8ef146be00", want, 20);
	ck_assert_mem_eq(out, want, 20);
	ck_assert_int_eq(ikc_prf(IKE_HASH_SHA256, key, 20, &v, 1, out), 0);
	hex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", want, 32);
	ck_assert_mem_eq(out, want, 32);
}
END_TEST

static const enum ike_hash hashes[] = { IKE_HASH_MD5, IKE_HASH_SHA1, IKE_HASH_SHA256 };

/* SKEYID, SKEYID_d/a/e, Ka, both IVs and KEYMAT against the RFC 2409 formulas computed
 * here with EVP_Q_mac / EVP_Digest. */
START_TEST(test_key_schedule)
{
	enum ike_hash h = hashes[_i];
	size_t hl = ikc_hash_len(h);
	static const char psk[] = "cisco123";
	uint8_t ni[20], nr[32], gxy[128], ci[8], cr[8], gxi[128], gxr[128];
	uint8_t sk[32], d[32], a[32], e[32], rsk[32], rd[32], ra[32], re[32];
	uint8_t ka[32], rka[32], k1[32], k2[32], iv[16], riv[32], last[16], km[128], rkm[128];
	uint8_t zero = 0, one = 1, two = 2, proto = 3, spi[4] = { 0x1b, 0x3f, 0x0f, 0x29 };
	uint8_t mid[4] = { 0xde, 0xad, 0xbe, 0xef }, qgxy[96];
	unsigned ol;
	size_t need, done;

	RAND_bytes(ni, sizeof(ni)); RAND_bytes(nr, sizeof(nr)); RAND_bytes(gxy, sizeof(gxy));
	RAND_bytes(ci, 8); RAND_bytes(cr, 8); RAND_bytes(gxi, sizeof(gxi)); RAND_bytes(gxr, sizeof(gxr));
	RAND_bytes(last, sizeof(last)); RAND_bytes(qgxy, sizeof(qgxy));

	ck_assert_int_eq(ikc_skeyid_psk(h, psk, strlen(psk), ni, sizeof(ni), nr, sizeof(nr), sk), 0);
	ck_assert_uint_eq(ref_prf(h, (const uint8_t *)psk, strlen(psk), ni, sizeof(ni), nr, sizeof(nr),
				  NULL, 0, NULL, 0, NULL, 0, rsk), hl);
	ck_assert_mem_eq(sk, rsk, hl);

	ck_assert_int_eq(ikc_skeyid_dae(h, sk, gxy, sizeof(gxy), ci, cr, d, a, e), 0);
	ref_prf(h, sk, hl, gxy, sizeof(gxy), ci, 8, cr, 8, &zero, 1, NULL, 0, rd);
	ref_prf(h, sk, hl, rd, hl, gxy, sizeof(gxy), ci, 8, cr, 8, &one, 1, ra);
	ref_prf(h, sk, hl, ra, hl, gxy, sizeof(gxy), ci, 8, cr, 8, &two, 1, re);
	ck_assert_mem_eq(d, rd, hl);
	ck_assert_mem_eq(a, ra, hl);
	ck_assert_mem_eq(e, re, hl);

	/* Ka for every key size: short = prefix of SKEYID_e, long = K1 | K2 … */
	for (need = 8; need <= 32; need += 8) {
		ck_assert_int_eq(ikc_enc_key(h, e, need, ka), 0);
		if (need <= hl) {
			memcpy(rka, re, need);
		} else {
			ref_prf(h, re, hl, &zero, 1, NULL, 0, NULL, 0, NULL, 0, NULL, 0, k1);
			ref_prf(h, re, hl, k1, hl, NULL, 0, NULL, 0, NULL, 0, NULL, 0, k2);
			memcpy(rka, k1, hl);
			memcpy(rka + hl, k2, need - hl);   /* need ≤ 2·hl for every hash here */
		}
		ck_assert_mem_eq(ka, rka, need);
	}

	/* phase-1 IV = hash(g^xi | g^xr), phase-2 IV = hash(last block | M-ID) */
	{
		uint8_t cat[256];

		memcpy(cat, gxi, 128);
		memcpy(cat + 128, gxr, 128);
		ck_assert(EVP_Digest(cat, 256, riv, &ol, EVP_get_digestbyname(md_name(h)), NULL));
		ck_assert_int_eq(ikc_p1_iv(h, gxi, 128, gxr, 128, 16, iv), 0);
		ck_assert_mem_eq(iv, riv, 16);
		ck_assert_int_eq(ikc_p1_iv(h, gxi, 128, gxr, 128, 8, iv), 0);
		ck_assert_mem_eq(iv, riv, 8);
		memcpy(cat, last, 16);
		memcpy(cat + 16, mid, 4);
		ck_assert(EVP_Digest(cat, 20, riv, &ol, EVP_get_digestbyname(md_name(h)), NULL));
		ck_assert_int_eq(ikc_p2_iv(h, last, 16, 0xdeadbeef, iv), 0);
		ck_assert_mem_eq(iv, riv, 16);
	}

	/* KEYMAT without and with PFS, long enough for 3 rounds */
	need = 3 * hl - 3;
	ck_assert_int_eq(ikc_keymat(h, d, NULL, 0, 3, 0x1b3f0f29, ni, sizeof(ni), nr, sizeof(nr),
				    need, km), 0);
	done = 0;
	ref_prf(h, d, hl, &proto, 1, spi, 4, ni, sizeof(ni), nr, sizeof(nr), NULL, 0, k1);
	memcpy(rkm, k1, hl); done = hl;
	while (done < need) {
		ref_prf(h, d, hl, k1, hl, &proto, 1, spi, 4, ni, sizeof(ni), nr, sizeof(nr), k2);
		memcpy(rkm + done, k2, hl);
		memcpy(k1, k2, hl);
		done += hl;
	}
	ck_assert_mem_eq(km, rkm, need);

	ck_assert_int_eq(ikc_keymat(h, d, qgxy, sizeof(qgxy), 3, 0x1b3f0f29, ni, sizeof(ni), nr,
				    sizeof(nr), need, km), 0);
	{
		uint8_t body[256];
		size_t bl = 0;

		memcpy(body, qgxy, sizeof(qgxy)); bl = sizeof(qgxy);
		body[bl++] = 3;
		memcpy(body + bl, spi, 4); bl += 4;
		ref_prf(h, d, hl, body, bl, ni, sizeof(ni), nr, sizeof(nr), NULL, 0, NULL, 0, k1);
		memcpy(rkm, k1, hl); done = hl;
		while (done < need) {
			ref_prf(h, d, hl, k1, hl, body, bl, ni, sizeof(ni), nr, sizeof(nr), NULL, 0, k2);
			memcpy(rkm + done, k2, hl);
			memcpy(k1, k2, hl);
			done += hl;
		}
	}
	ck_assert_mem_eq(km, rkm, need);
}
END_TEST

/* strongSwan 5.9.8 log, 3des-sha1-modp1024 (same vector as check_ikev1_decrypt.c) */
START_TEST(test_ka_strongswan)
{
	uint8_t e[20], want[24], ka[24];

	hex("caaa190673e4a8520cd69ac83ffc171b7b513908", e, 20);
	hex("9c97ee54e80c0aaa9171e087fa522c6791c72dcffbb78678", want, 24);
	ck_assert_int_eq(ikc_enc_key(IKE_HASH_SHA1, e, 24, ka), 0);
	ck_assert_mem_eq(ka, want, 24);
}
END_TEST

/* NIST SP 800-38A F.2.1/F.2.2 (CBC-AES128), then every cipher against EVP directly. */
START_TEST(test_cbc)
{
	uint8_t key[32], iv[16], pt[64], ct[64], out[64], ref[64];
	static const struct { enum ike_enc c; unsigned bits; const char *name; } cs[] = {
		{ IKE_ENC_DES, 0, "DES-CBC" }, { IKE_ENC_3DES, 0, "DES-EDE3-CBC" },
		{ IKE_ENC_AES_CBC, 128, "AES-128-CBC" }, { IKE_ENC_AES_CBC, 192, "AES-192-CBC" },
		{ IKE_ENC_AES_CBC, 256, "AES-256-CBC" },
	};
	size_t i;

	hex("2b7e151628aed2a6abf7158809cf4f3c", key, 16);
	hex("000102030405060708090a0b0c0d0e0f", iv, 16);
	hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51", pt, 32);
	hex("7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2", ref, 32);
	ck_assert_int_eq(ikc_cbc(IKE_ENC_AES_CBC, 128, key, iv, pt, 32, ct, 1), 0);
	ck_assert_mem_eq(ct, ref, 32);
	ck_assert_int_eq(ikc_cbc(IKE_ENC_AES_CBC, 0, key, iv, ct, 32, out, 0), 0);
	ck_assert_mem_eq(out, pt, 32);

	for (i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
		EVP_CIPHER *ci = EVP_CIPHER_fetch(NULL, cs[i].name,
						  cs[i].c == IKE_ENC_DES ? "provider=legacy" : NULL);
		EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
		int n1 = 0, n2 = 0;
		size_t bs = ikc_block_size(cs[i].c);

		RAND_bytes(key, sizeof(key));
		RAND_bytes(iv, sizeof(iv));
		RAND_bytes(pt, sizeof(pt));
		ck_assert_ptr_nonnull(ci);
		ck_assert(EVP_EncryptInit_ex(x, ci, NULL, key, iv));
		EVP_CIPHER_CTX_set_padding(x, 0);
		ck_assert(EVP_EncryptUpdate(x, ref, &n1, pt, 64));
		ck_assert(EVP_EncryptFinal_ex(x, ref + n1, &n2));
		EVP_CIPHER_CTX_free(x);
		EVP_CIPHER_free(ci);
		ck_assert_int_eq(ikc_cbc(cs[i].c, cs[i].bits, key, iv, pt, 64, ct, 1), 0);
		ck_assert_mem_eq(ct, ref, 64);
		/* in place */
		memcpy(out, ct, 64);
		ck_assert_int_eq(ikc_cbc(cs[i].c, cs[i].bits, key, iv, out, 64, out, 0), 0);
		ck_assert_mem_eq(out, pt, 64);
		ck_assert_int_eq(ikc_cbc(cs[i].c, cs[i].bits, key, iv, pt, bs + 1, ct, 1), -1);
	}
}
END_TEST

/* The capture decryptor (ikev1_dec) decrypts an MM5 that ikc encrypted: both libraries
 * agree on Ka expansion and the phase-1 IV. */
START_TEST(test_cross_ikev1_dec)
{
	struct ikc_dh *a = ikc_dh_new(2), *b = ikc_dh_new(2);
	uint8_t gxi[128], gxr[128], gxy[128], ni[16], nr[16], ci[8], cr[8];
	uint8_t sk[20], d[20], aa[20], e[20], ka[24], iv[8];
	static uint8_t msg[512], out[512], mm1[512], mm3[512], mm4[512];
	static struct ikev1_dec dec;
	static struct isakmp_msg m;
	struct isakmp_builder bl;
	struct isakmp_hdr h;
	struct codec_err err;
	static const uint8_t id[] = { 1, 17, 1, 244, 192, 0, 2, 1 };
	uint8_t hash[20] = { 1, 2, 3 };
	static const uint8_t sa[] = {
		0, 0, 0, 1, 0, 0, 0, 1,
		0, 0, 0, 28, 1, 1, 0, 1,
		0, 0, 0, 20, 1, 1, 0, 0, 0x80, 1, 0, 5, 0x80, 2, 0, 2, 0x80, 4, 0, 2,
	};
	int n, n1, n3, n4;
	size_t padded;

	ck_assert_int_eq(ikc_dh_public(a, gxi, 128), 128);
	ck_assert_int_eq(ikc_dh_public(b, gxr, 128), 128);
	ck_assert_int_eq(ikc_dh_shared(a, gxr, 128, gxy, 128), 128);
	RAND_bytes(ni, 16); RAND_bytes(nr, 16); RAND_bytes(ci, 8); RAND_bytes(cr, 8);
	ck_assert_int_eq(ikc_skeyid_psk(IKE_HASH_SHA1, "k", 1, ni, 16, nr, 16, sk), 0);
	ck_assert_int_eq(ikc_skeyid_dae(IKE_HASH_SHA1, sk, gxy, 128, ci, cr, d, aa, e), 0);
	ck_assert_int_eq(ikc_enc_key(IKE_HASH_SHA1, e, 24, ka), 0);
	ck_assert_int_eq(ikc_p1_iv(IKE_HASH_SHA1, gxi, 128, gxr, 128, 8, iv), 0);

	memset(&h, 0, sizeof(h));
	memcpy(h.icookie, ci, 8);
	h.maj_ver = 1;
	h.exchange = ISAKMP_EXCH_MAIN;
	isakmp_build_init(&bl, mm1, sizeof(mm1), &h);
	isakmp_build_payload(&bl, ISAKMP_PL_SA, sa, sizeof(sa));
	n1 = isakmp_build_finish(&bl);
	memcpy(h.rcookie, cr, 8);
	isakmp_build_init(&bl, mm3, sizeof(mm3), &h);
	isakmp_build_payload(&bl, ISAKMP_PL_KE, gxi, 128);
	isakmp_build_payload(&bl, ISAKMP_PL_NONCE, ni, 16);
	n3 = isakmp_build_finish(&bl);
	isakmp_build_init(&bl, mm4, sizeof(mm4), &h);
	isakmp_build_payload(&bl, ISAKMP_PL_SA, sa, sizeof(sa));
	isakmp_build_payload(&bl, ISAKMP_PL_KE, gxr, 128);
	isakmp_build_payload(&bl, ISAKMP_PL_NONCE, nr, 16);
	n4 = isakmp_build_finish(&bl);
	h.flags = ISAKMP_FLAG_E;
	isakmp_build_init(&bl, msg, sizeof(msg), &h);
	isakmp_build_payload(&bl, ISAKMP_PL_ID, id, sizeof(id));
	isakmp_build_payload(&bl, ISAKMP_PL_HASH, hash, 20);
	n = isakmp_build_finish(&bl);
	padded = ((size_t)n - ISAKMP_HDR_LEN + 7) / 8 * 8;
	memset(msg + n, 0, padded - ((size_t)n - ISAKMP_HDR_LEN));
	memcpy(out, msg + ISAKMP_HDR_LEN, padded);
	ck_assert_int_eq(ikc_cbc(IKE_ENC_3DES, 0, ka, iv, out, padded, msg + ISAKMP_HDR_LEN, 1), 0);
	n = (int)(ISAKMP_HDR_LEN + padded);
	msg[27] = (uint8_t)n;

	ikev1_dec_init(&dec, ci, ka, 24);
	ck_assert_int_eq(isakmp_decode(mm1, (size_t)n1, &m, &err), 0);
	ikev1_dec_observe(&dec, &m, 1);
	ck_assert_int_eq(isakmp_decode(mm4, (size_t)n4, &m, &err), 0);
	ikev1_dec_observe(&dec, &m, 0);
	ck_assert_int_eq(isakmp_decode(mm3, (size_t)n3, &m, &err), 0);
	ikev1_dec_observe(&dec, &m, 1);
	ck_assert_int_eq(isakmp_decode(msg, (size_t)n, &m, &err), 0);
	ck_assert_int_eq(ikev1_dec_decrypt(&dec, &m, out, sizeof(out)), (int)padded);
	ck_assert_uint_eq(out[0], ISAKMP_PL_HASH);                 /* ID → HASH */
	ck_assert_mem_eq(out + 4, id, sizeof(id));
	ikc_dh_free(a);
	ikc_dh_free(b);
}
END_TEST

START_TEST(test_random)
{
	uint8_t a[32], b[32];

	ck_assert_int_eq(ikc_random(a, sizeof(a)), 0);
	ck_assert_int_eq(ikc_random(b, sizeof(b)), 0);
	ck_assert(memcmp(a, b, sizeof(a)) != 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ike_crypto");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	OSSL_PROVIDER *pd, *pl;
	int failed;

	/* the test's own DES reference needs the legacy provider (and then default too) */
	pd = OSSL_PROVIDER_load(NULL, "default");
	pl = OSSL_PROVIDER_load(NULL, "legacy");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_dh_groups, 0, 4);
	tcase_add_loop_test(tc, test_dh_primes, 0, 4);
	tcase_add_test(tc, test_warm_up);
	tcase_add_test(tc, test_unsupported);
	tcase_add_test(tc, test_prf_rfc_vectors);
	tcase_add_loop_test(tc, test_key_schedule, 0, 3);
	tcase_add_test(tc, test_ka_strongswan);
	tcase_add_test(tc, test_cbc);
	tcase_add_test(tc, test_cross_ikev1_dec);
	tcase_add_test(tc, test_random);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	OSSL_PROVIDER_unload(pl);
	OSSL_PROVIDER_unload(pd);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
