/* esp_testutil.h — shared by the ESP tests: the algorithm table, deterministic keys, an
 * inner IPv4/ICMP packet builder, and a reference ESP encoder/decoder written the plain
 * way (a fresh cipher context with the packet's IV, EVP_Q_mac for the HMAC), so the
 * data plane's shortcuts (chained IVs, precomputed HMAC states) are checked against
 * something that does not share them. Header-only (static inline).
 */
#ifndef ESP_TESTUTIL_H
#define ESP_TESTUTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include "esp_sa.h"

struct tu_alg {
	const char *name;                 /* "aes128-sha1" */
	enum esp_enc_alg enc; size_t ekey;
	enum esp_auth_alg auth; size_t akey;
	const char *cipher, *digest;      /* OpenSSL names for the reference path */
	size_t block, icv;
	const char *ws_encr, *ws_auth;    /* Wireshark 4.0 esp_sa UAT names */
};

#define TU_WS_DES    "DES-CBC [RFC2405]"
#define TU_WS_3DES   "TripleDES-CBC [RFC2451]"
#define TU_WS_AES    "AES-CBC [RFC3602]"
#define TU_WS_NULLE  "NULL"
#define TU_WS_MD5    "HMAC-MD5-96 [RFC2403]"
#define TU_WS_SHA1   "HMAC-SHA-1-96 [RFC2404]"
#define TU_WS_SHA256 "HMAC-SHA-256-128 [RFC4868]"
#define TU_WS_NULLA  "NULL"

/* Every supported combination: 5 ciphers × 3 HMACs, NULL encryption × 3 HMACs, and
 * confidentiality-only for each cipher. */
static const struct tu_alg tu_algs[] = {
#define TU_E(n, e, k, c, b, w) \
	{ n "-md5", e, k, ESP_AUTH_HMAC_MD5, 16, c, "MD5", b, 12, w, TU_WS_MD5 }, \
	{ n "-sha1", e, k, ESP_AUTH_HMAC_SHA1, 20, c, "SHA1", b, 12, w, TU_WS_SHA1 }, \
	{ n "-sha256", e, k, ESP_AUTH_HMAC_SHA256, 32, c, "SHA2-256", b, 16, w, TU_WS_SHA256 }, \
	{ n "-none", e, k, ESP_AUTH_NONE, 0, c, NULL, b, 0, w, TU_WS_NULLA }
	TU_E("des", ESP_ENC_DES, 8, "DES-CBC", 8, TU_WS_DES),
	TU_E("3des", ESP_ENC_3DES, 24, "DES-EDE3-CBC", 8, TU_WS_3DES),
	TU_E("aes128", ESP_ENC_AES_CBC, 16, "AES-128-CBC", 16, TU_WS_AES),
	TU_E("aes192", ESP_ENC_AES_CBC, 24, "AES-192-CBC", 16, TU_WS_AES),
	TU_E("aes256", ESP_ENC_AES_CBC, 32, "AES-256-CBC", 16, TU_WS_AES),
#undef TU_E
	{ "null-md5", ESP_ENC_NULL, 0, ESP_AUTH_HMAC_MD5, 16, NULL, "MD5", 1, 12, TU_WS_NULLE, TU_WS_MD5 },
	{ "null-sha1", ESP_ENC_NULL, 0, ESP_AUTH_HMAC_SHA1, 20, NULL, "SHA1", 1, 12, TU_WS_NULLE, TU_WS_SHA1 },
	{ "null-sha256", ESP_ENC_NULL, 0, ESP_AUTH_HMAC_SHA256, 32, NULL, "SHA2-256", 1, 16, TU_WS_NULLE, TU_WS_SHA256 },
};
#define TU_NALGS (sizeof(tu_algs) / sizeof(tu_algs[0]))

static inline const struct tu_alg *tu_alg_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < TU_NALGS; i++)
		if (strcmp(tu_algs[i].name, name) == 0)
			return &tu_algs[i];
	return NULL;
}

/* Deterministic key material: byte i of key `which` is a simple mix of both. */
struct tu_keys { uint8_t enc[32], auth[32]; };

static inline void tu_keys(struct tu_keys *k, unsigned which)
{
	size_t i;

	for (i = 0; i < 32; i++) {
		k->enc[i] = (uint8_t)(0x11 * which + 7 * i + 1);
		k->auth[i] = (uint8_t)(0x5B * which + 13 * i + 3);
	}
}

static inline struct esp_sa *tu_sa(const struct tu_alg *a, const struct tu_keys *k, uint32_t spi,
				   enum esp_dir dir, unsigned window)
{
	struct esp_sa_params p = {
		.spi = spi, .dir = dir,
		.enc = a->enc, .enc_key = k->enc, .enc_key_len = a->ekey,
		.auth = a->auth, .auth_key = k->auth, .auth_key_len = a->akey,
		.replay_window = window,
	};
	char err[256];
	struct esp_sa *sa = esp_sa_new(&p, err, sizeof(err));

	if (sa == NULL) {
		fprintf(stderr, "esp_sa_new(%s): %s\n", a->name, err);
		abort();
	}
	return sa;
}

static inline void tu_put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void tu_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
static inline uint32_t tu_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint16_t tu_cksum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xFFFF) + (s >> 16);
	return (uint16_t)~s;
}

#define TU_IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

/* IPv4 header (20 bytes, checksum set) for proto and l4_len bytes of payload after it. */
static inline void tu_ip_hdr(uint8_t *p, uint8_t proto, uint32_t src, uint32_t dst, size_t l4_len, uint16_t id)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	tu_put16(p + 2, (uint16_t)(20 + l4_len));
	tu_put16(p + 4, id);
	p[8] = 64;
	p[9] = proto;
	tu_put32(p + 12, src);
	tu_put32(p + 16, dst);
	tu_put16(p + 10, tu_cksum(p, 20));
}

/* An inner IPv4 ICMP echo request of exactly len bytes (≥ 28), 10.1.1.1 → 20.1.1.1. */
static inline size_t tu_inner_icmp(uint8_t *p, size_t len, uint16_t seq)
{
	size_t i;

	tu_ip_hdr(p, 1, TU_IP(10, 1, 1, 1), TU_IP(20, 1, 1, 1), len - 20, seq);
	p[20] = 8;     /* echo request */
	p[21] = 0;
	tu_put16(p + 22, 0);
	tu_put16(p + 24, 0x4242);
	tu_put16(p + 26, seq);
	for (i = 28; i < len; i++)
		p[i] = (uint8_t)(i * 31 + seq);
	tu_put16(p + 22, tu_cksum(p + 20, len - 20));
	return len;
}

/* An inner packet of len ≥ 20 bytes: an ICMP echo when it fits, else a bare IPv4 header
 * with protocol 253 (experimental) and payload. */
static inline size_t tu_inner(uint8_t *p, size_t len, uint16_t seq)
{
	size_t i;

	if (len >= 28)
		return tu_inner_icmp(p, len, seq);
	tu_ip_hdr(p, 253, TU_IP(10, 1, 1, 1), TU_IP(20, 1, 1, 1), len - 20, seq);
	for (i = 20; i < len; i++)
		p[i] = (uint8_t)i;
	return len;
}

/* --- providers: the reference path fetches DES itself ------------------------------- */

static OSSL_PROVIDER *tu_prov_default, *tu_prov_legacy;

static inline void tu_unload_providers(void)
{
	if (tu_prov_legacy)
		OSSL_PROVIDER_unload(tu_prov_legacy);
	if (tu_prov_default)
		OSSL_PROVIDER_unload(tu_prov_default);
	tu_prov_default = tu_prov_legacy = NULL;
}

static inline void tu_load_providers(void)
{
	if (tu_prov_default)
		return;
	tu_prov_default = OSSL_PROVIDER_load(NULL, "default");
	tu_prov_legacy = OSSL_PROVIDER_load(NULL, "legacy");
	atexit(tu_unload_providers);
}

/* --- reference ESP ------------------------------------------------------------------ */

/* HMAC with EVP_Q_mac, truncated to a->icv. */
static inline int tu_ref_icv(const struct tu_alg *a, const struct tu_keys *k, const uint8_t *d, size_t n,
			     uint8_t *icv)
{
	uint8_t full[64];
	size_t fl = 0;

	if (EVP_Q_mac(NULL, "HMAC", NULL, a->digest, NULL, k->auth, a->akey, d, n, full, sizeof(full), &fl) == NULL)
		return -1;
	memcpy(icv, full, a->icv);
	return 0;
}

/* One-shot CBC with an explicit IV, padding off; returns 0 or -1. */
static inline int tu_ref_cbc(const struct tu_alg *a, const struct tu_keys *k, int enc, const uint8_t *iv,
			     const uint8_t *in, size_t n, uint8_t *out)
{
	EVP_CIPHER *c;
	EVP_CIPHER_CTX *ctx;
	int ol = 0, ok;

	tu_load_providers();
	c = EVP_CIPHER_fetch(NULL, a->cipher, NULL);
	ctx = EVP_CIPHER_CTX_new();
	ok = c && ctx && EVP_CipherInit_ex2(ctx, c, k->enc, iv, enc, NULL) &&
	     EVP_CIPHER_CTX_set_padding(ctx, 0) && EVP_CipherUpdate(ctx, out, &ol, in, (int)n) &&
	     (size_t)ol == n;
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	return ok ? 0 : -1;
}

/* Reference encapsulation: plaintext = payload | pad (pad_fill(i) or 1,2,3…) | padlen | nh,
 * padded to the block and 4 bytes plus extra_pad bytes; iv given; ICV computed (a wrong
 * one if bad_icv). Returns the packet length or -1. */
static inline ssize_t tu_ref_encap(const struct tu_alg *a, const struct tu_keys *k, uint32_t spi,
				   uint32_t seq, const uint8_t *iv, const uint8_t *payload, size_t len,
				   uint8_t nh, size_t extra_pad, int bad_pad, int bad_icv, uint8_t *out)
{
	size_t align = a->block > 4 ? a->block : 4, ivl = a->cipher ? a->block : 0;
	size_t pad = (align - (len + 2) % align) % align + extra_pad, ct_len = len + pad + 2, i;
	uint8_t pt[70000];

	if (pad > 255 || ct_len > sizeof(pt))
		return -1;
	memcpy(pt, payload, len);
	for (i = 0; i < pad; i++)
		pt[len + i] = (uint8_t)(i + 1);
	if (bad_pad && pad)
		pt[len + pad - 1] ^= 0x80;
	pt[len + pad] = (uint8_t)pad;
	pt[len + pad + 1] = nh;
	tu_put32(out, spi);
	tu_put32(out + 4, seq);
	if (ivl) {
		memcpy(out + 8, iv, ivl);
		if (tu_ref_cbc(a, k, 1, iv, pt, ct_len, out + 8 + ivl))
			return -1;
	} else {
		memcpy(out + 8, pt, ct_len);
	}
	if (a->icv) {
		if (tu_ref_icv(a, k, out, 8 + ivl + ct_len, out + 8 + ivl + ct_len))
			return -1;
		if (bad_icv)
			out[8 + ivl + ct_len] ^= 1;
	}
	return (ssize_t)(8 + ivl + ct_len + a->icv);
}

/* Reference decapsulation for checking encap output: verifies the ICV, decrypts with the
 * packet's IV, checks padding, NH 4 and the inner length. Returns the inner length
 * (plaintext at out) or -1 with a message in why. */
static inline ssize_t tu_ref_decap(const struct tu_alg *a, const struct tu_keys *k, const uint8_t *p,
				   size_t len, uint8_t *out, const char **why)
{
	size_t ivl = a->cipher ? a->block : 0, ct_len, pad, i, inner;
	uint8_t icv[16];

	*why = "short";
	if (len < 8 + ivl + 4 + a->icv)
		return -1;
	ct_len = len - 8 - ivl - a->icv;
	*why = "alignment";
	if (ct_len % (a->block > 4 ? a->block : 4))
		return -1;
	*why = "icv";
	if (a->icv && (tu_ref_icv(a, k, p, len - a->icv, icv) || memcmp(icv, p + len - a->icv, a->icv)))
		return -1;
	*why = "decrypt";
	if (ivl ? tu_ref_cbc(a, k, 0, p + 8, p + 8 + ivl, ct_len, out) : (memcpy(out, p + 8, ct_len), 0))
		return -1;
	pad = out[ct_len - 2];
	*why = "pad";
	if (pad + 2 > ct_len)
		return -1;
	inner = ct_len - 2 - pad;
	for (i = 0; i < pad; i++)
		if (out[inner + i] != i + 1)
			return -1;
	*why = "pad not minimal";
	if (pad >= (a->block > 4 ? a->block : 4))
		return -1;
	*why = "next header";
	if (out[ct_len - 1] != 4)
		return -1;
	*why = "inner length";
	if (inner < 20 || (size_t)(out[2] << 8 | out[3]) != inner)
		return -1;
	*why = "";
	return (ssize_t)inner;
}

#endif
