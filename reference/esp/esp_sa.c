/* esp_sa.c — one ESP SA: keying, tunnel-mode encapsulation and decapsulation (RFC 4303).
 *
 * IVs. RFC 4303 §2.3 leaves the IV to the transform; RFC 3602 §2.4 (AES-CBC) and RFC 2405
 * (DES-CBC) want it unpredictable, for CBC an IV an attacker can guess lets them test
 * guesses of plaintext blocks. We use the method of NIST SP 800-38A Appendix C: the IV is
 * the forward cipher, under the SA's own key, of a nonce that never repeats under that
 * key. The nonce is a block-wide counter that starts at a random value (RAND_bytes when
 * the SA is made) and steps once per packet, so it is unique for the SA's life (< 2^32
 * packets, §3.3.3); E_K(nonce) is unpredictable to anyone without K, and K never leaves
 * the SA. It also costs nothing: the cipher context keeps chaining across packets
 * (its state is the last ciphertext block we sent, kept in sa->chain), so feeding
 * nonce ⊕ chain as the first plaintext block yields C0 = E_K(nonce), which goes on the
 * wire as the IV, and the packet continues as plain CBC under IV C0 — one
 * EVP_EncryptUpdate per packet and no per-packet IV reset (which measured ~190 ns in
 * OpenSSL 3.0, more than an eighth of encrypting 1400 bytes). Decryption does the
 * mirror image: the received IV is fed as the first ciphertext block (its output goes to
 * a scratch block), after which the context chains from the IV.
 *
 * Receive order (§3.4.3–3.4.4): length and block checks, the preliminary replay check,
 * the ICV, then the window update, then decryption and the trailer checks.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include "esp_int.h"

#define ESP_LEN_MAX   65535   /* an IPv4 datagram: bounds every length given to EVP (int) */
#define ESP_NH_IPV4   4
#define ESP_NH_DUMMY  59      /* "no next header", RFC 4303 §2.6 */

static const char *const esp_drop_names[ESP_DROP_MAX] = {
	[ESP_DROP_NONE] = "none",
	[ESP_DROP_SHORT] = "short",
	[ESP_DROP_UNKNOWN_SPI] = "unknown-spi",
	[ESP_DROP_REPLAY] = "replay",
	[ESP_DROP_AUTH] = "auth",
	[ESP_DROP_BAD_BLOCK] = "bad-block",
	[ESP_DROP_PAD] = "pad",
	[ESP_DROP_NEXT_HDR] = "next-header",
	[ESP_DROP_DUMMY] = "dummy",
	[ESP_DROP_INNER] = "inner",
	[ESP_DROP_SEQ_WRAP] = "seq-wrap",
	[ESP_DROP_TOO_BIG] = "too-big",
	[ESP_DROP_CRYPTO] = "crypto",
};

const char *esp_drop_name(enum esp_drop why)
{
	if ((unsigned)why >= ESP_DROP_MAX || esp_drop_names[why] == NULL)
		return "?";
	return esp_drop_names[why];
}

/* --- OpenSSL providers -------------------------------------------------------------- */

static int esp_legacy_tried;
static OSSL_PROVIDER *esp_prov_default, *esp_prov_legacy;

static void esp_unload_providers(void)
{
	if (esp_prov_legacy)
		OSSL_PROVIDER_unload(esp_prov_legacy);
	if (esp_prov_default)
		OSSL_PROVIDER_unload(esp_prov_default);
	esp_prov_legacy = esp_prov_default = NULL;
}

/* Single DES lives in OpenSSL 3's legacy provider: loaded once, when the first DES SA is
 * made. Loading a provider explicitly stops the implicit default one, so load that too;
 * both are unloaded at exit (else their allocations show as leaks). */
static void esp_load_legacy(void)
{
	if (esp_legacy_tried)
		return;
	esp_legacy_tried = 1;
	esp_prov_default = OSSL_PROVIDER_load(NULL, "default");
	esp_prov_legacy = OSSL_PROVIDER_load(NULL, "legacy");
	atexit(esp_unload_providers);
}

/* --- SA ------------------------------------------------------------------------------ */

static struct esp_sa *esp_sa_fail(struct esp_sa *sa, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static struct esp_sa *esp_sa_fail(struct esp_sa *sa, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	esp_sa_free(sa);
	return NULL;
}

void esp_sa_free(struct esp_sa *sa)
{
	if (sa == NULL)
		return;
	EVP_CIPHER_CTX_free(sa->cctx);
	EVP_CIPHER_free(sa->cipher);
	esp_hmac_free(&sa->hmac);       /* all-zero when never keyed */
	OPENSSL_cleanse(sa, sizeof(*sa));
	free(sa);
}

/* The OpenSSL cipher name for (enc, key length), or NULL with *expect naming the key
 * lengths the transform takes. */
static const char *esp_cipher_name(enum esp_enc_alg enc, size_t key_len, const char **expect)
{
	switch (enc) {
	case ESP_ENC_DES:
		*expect = "8 bytes";
		return key_len == 8 ? "DES-CBC" : NULL;
	case ESP_ENC_3DES:
		*expect = "24 bytes";
		return key_len == 24 ? "DES-EDE3-CBC" : NULL;
	case ESP_ENC_AES_CBC:
		*expect = "16, 24 or 32 bytes";
		switch (key_len) {
		case 16: return "AES-128-CBC";
		case 24: return "AES-192-CBC";
		case 32: return "AES-256-CBC";
		}
		return NULL;
	default:
		*expect = "a known transform";
		return NULL;
	}
}

static int esp_sa_cipher_init(struct esp_sa *sa, const struct esp_sa_params *p, char *err, size_t errlen)
{
	const char *name, *expect = "";
	uint8_t zero[ESP_BLOCK_MAX] = { 0 };
	int enc = p->dir == ESP_DIR_OUT;

	if (p->enc == ESP_ENC_NULL) {
		/* RFC 2410: no IV, block size 1; padding only for the 4-byte alignment */
		if (p->enc_key_len != 0) {
			snprintf(err, errlen, "ESP NULL encryption takes no key, got %zu bytes", p->enc_key_len);
			return -1;
		}
		sa->block = 1;
		sa->iv_len = 0;
		sa->align = 4;
		return 0;
	}
	name = esp_cipher_name(p->enc, p->enc_key_len, &expect);
	if (name == NULL) {
		snprintf(err, errlen, "ESP transform %d with a %zu-byte key: expected %s",
			 (int)p->enc, p->enc_key_len, expect);
		return -1;
	}
	if (p->enc_key == NULL) {
		snprintf(err, errlen, "ESP %s: no key", name);
		return -1;
	}
	if (p->enc == ESP_ENC_DES)
		esp_load_legacy();
	sa->cipher = EVP_CIPHER_fetch(NULL, name, NULL);
	if (sa->cipher == NULL) {
		snprintf(err, errlen, "ESP %s: OpenSSL has no such cipher%s", name,
			 p->enc == ESP_ENC_DES ? " (DES needs the legacy provider)" : "");
		return -1;
	}
	sa->block = (size_t)EVP_CIPHER_get_block_size(sa->cipher);
	if (sa->block < 8 || sa->block > ESP_BLOCK_MAX ||
	    (size_t)EVP_CIPHER_get_iv_length(sa->cipher) != sa->block) {
		snprintf(err, errlen, "ESP %s: unexpected block size %zu", name, sa->block);
		return -1;
	}
	sa->iv_len = sa->block;
	sa->align = sa->block > 4 ? sa->block : 4;
	/* outbound: start the chain (the context's CBC state) and the IV nonce at random */
	if (enc && (RAND_bytes(sa->chain, (int)sa->block) != 1 || RAND_bytes(sa->nonce, (int)sa->block) != 1)) {
		snprintf(err, errlen, "ESP %s: RAND_bytes failed", name);
		return -1;
	}
	sa->cctx = EVP_CIPHER_CTX_new();
	if (sa->cctx == NULL ||
	    !EVP_CipherInit_ex(sa->cctx, sa->cipher, NULL, p->enc_key, enc ? sa->chain : zero, enc) ||
	    !EVP_CIPHER_CTX_set_padding(sa->cctx, 0)) {
		snprintf(err, errlen, "ESP %s: cannot key the cipher", name);
		return -1;
	}
	return 0;
}

static int esp_sa_auth_init(struct esp_sa *sa, const struct esp_sa_params *p, char *err, size_t errlen)
{
	const char *digest;
	size_t key_len, icv_len;

	switch (p->auth) {
	case ESP_AUTH_NONE:
		if (p->auth_key_len != 0) {
			snprintf(err, errlen, "ESP without integrity takes no key, got %zu bytes", p->auth_key_len);
			return -1;
		}
		sa->icv_len = 0;
		return 0;
	case ESP_AUTH_HMAC_MD5:          /* RFC 2403 §3: 128-bit key, 96-bit ICV */
		digest = "MD5", key_len = 16, icv_len = 12;
		break;
	case ESP_AUTH_HMAC_SHA1:         /* RFC 2404 §3: 160-bit key, 96-bit ICV */
		digest = "SHA1", key_len = 20, icv_len = 12;
		break;
	case ESP_AUTH_HMAC_SHA256:       /* RFC 4868 §2.1.1, §2.6: 256-bit key, 128-bit ICV */
		digest = "SHA2-256", key_len = 32, icv_len = 16;
		break;
	default:
		snprintf(err, errlen, "ESP authentication algorithm %d: expected 1 (HMAC-MD5), "
			 "2 (HMAC-SHA1) or 5 (HMAC-SHA2-256)", (int)p->auth);
		return -1;
	}
	if (p->auth_key_len != key_len || p->auth_key == NULL) {
		snprintf(err, errlen, "ESP HMAC-%s key of %zu bytes: expected %zu", digest,
			 p->auth_key_len, key_len);
		return -1;
	}
	if (esp_hmac_init(&sa->hmac, digest, p->auth_key, key_len, icv_len) != 0) {
		snprintf(err, errlen, "ESP HMAC-%s: OpenSSL cannot key it", digest);
		return -1;
	}
	sa->icv_len = icv_len;
	return 0;
}

struct esp_sa *esp_sa_new(const struct esp_sa_params *p, char *err, size_t errlen)
{
	struct esp_sa *sa;
	char dummy[1];

	if (err == NULL || errlen == 0)
		err = dummy, errlen = sizeof(dummy);
	if (p == NULL)
		return esp_sa_fail(NULL, err, errlen, "no ESP SA parameters");
	/* RFC 4303 §2.1: SPI 0 is never sent, 1–255 are reserved */
	if (p->spi < 256)
		return esp_sa_fail(NULL, err, errlen, "ESP SPI %u is reserved: expected 256..4294967295", p->spi);
	if (p->dir != ESP_DIR_IN && p->dir != ESP_DIR_OUT)
		return esp_sa_fail(NULL, err, errlen, "ESP SA direction %d: expected in or out", (int)p->dir);
	/* RFC 4303 §5: encryption and integrity "MUST NOT both be NULL" */
	if (p->enc == ESP_ENC_NULL && p->auth == ESP_AUTH_NONE)
		return esp_sa_fail(NULL, err, errlen, "ESP with NULL encryption and no integrity: expected at least one");
	sa = calloc(1, sizeof(*sa));
	if (sa == NULL)
		return esp_sa_fail(NULL, err, errlen, "out of memory");
	sa->spi = p->spi;
	sa->dir = p->dir;
	sa->enc = p->enc;
	sa->auth = p->auth;
	if (esp_replay_init(&sa->replay, p->replay_window) != 0)
		return esp_sa_fail(sa, err, errlen, "ESP replay window %u: expected 0 (= %d) or %d..%d",
				   p->replay_window, ESP_REPLAY_DEFAULT, ESP_REPLAY_MIN, ESP_REPLAY_MAX);
	if (esp_sa_cipher_init(sa, p, err, errlen) != 0 || esp_sa_auth_init(sa, p, err, errlen) != 0) {
		esp_sa_free(sa);        /* err says why */
		return NULL;
	}
	/* RFC 4303 §3.4.3: anti-replay "MUST NOT be enabled unless the ESP integrity service
	 * also is enabled for the SA" */
	sa->replay_on = sa->dir == ESP_DIR_IN && sa->auth != ESP_AUTH_NONE;
	return sa;
}

uint32_t esp_sa_spi(const struct esp_sa *sa) { return sa->spi; }
enum esp_dir esp_sa_dir(const struct esp_sa *sa) { return sa->dir; }
const struct esp_counters *esp_sa_counters(const struct esp_sa *sa) { return &sa->cnt; }

uint32_t esp_sa_seq(const struct esp_sa *sa)
{
	return sa->dir == ESP_DIR_OUT ? sa->seq : sa->replay.top;
}

size_t esp_header_len(const struct esp_sa *sa) { return 8 + sa->iv_len; }

size_t esp_overhead_max(const struct esp_sa *sa)
{
	return 8 + sa->iv_len + (sa->align - 1) + 2 + sa->icv_len;
}

/* --- encapsulation ------------------------------------------------------------------- */

static inline void esp_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

static inline uint32_t esp_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint16_t esp_get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static ssize_t esp_out_drop(struct esp_sa *sa, enum esp_drop why)
{
	sa->cnt.drops[why]++;
	return -1;
}

/* Everything of esp_encap but the inner check: payload of len bytes at in (or zeros when
 * in is NULL) with Next Header nh. */
static ssize_t esp_encap_nh(struct esp_sa *sa, const uint8_t *in, size_t len, uint8_t nh,
			    uint8_t *out, size_t cap)
{
	size_t hdr = 8 + sa->iv_len, pad, ct_len, i;
	uint8_t *ct;
	int n;

	/* RFC 4303 §3.3.3: "MUST NOT send a packet on an SA if doing so would cause the
	 * sequence number to cycle" (the sender assumes anti-replay is on) */
	if (sa->seq == UINT32_MAX)
		return esp_out_drop(sa, ESP_DROP_SEQ_WRAP);
	/* §2.4: pad so that payload + PadLen + NH fills whole cipher blocks and ends on a
	 * 4-byte boundary */
	pad = (sa->align - (len + 2) % sa->align) % sa->align;
	ct_len = len + pad + 2;
	if (len > ESP_LEN_MAX || len > cap || ct_len + hdr + sa->icv_len > cap)
		return esp_out_drop(sa, ESP_DROP_TOO_BIG);
	ct = out + hdr;
	if (in == NULL)
		memset(ct, 0, len);
	else if (in != ct)
		memmove(ct, in, len);       /* first: in may lie inside out */
	for (i = 0; i < pad; i++)
		ct[len + i] = (uint8_t)(i + 1);   /* §2.4: default padding 1, 2, 3, … */
	ct[len + pad] = (uint8_t)pad;
	ct[len + pad + 1] = nh;
	esp_put32(out, sa->spi);
	esp_put32(out + 4, sa->seq + 1);  /* §3.3.3: the first packet carries 1 */
	if (sa->cctx) {
		uint8_t *iv = out + 8;

		/* IV = E_K(nonce): see "IVs" at the top */
		for (i = 0; i < sa->block; i++)
			iv[i] = sa->nonce[i] ^ sa->chain[i];
		if (!EVP_EncryptUpdate(sa->cctx, iv, &n, iv, (int)(sa->block + ct_len)) ||
		    (size_t)n != sa->block + ct_len) {
			/* resynchronise the context with sa->chain before reporting */
			EVP_CipherInit_ex(sa->cctx, NULL, NULL, NULL, sa->chain, 1);
			return esp_out_drop(sa, ESP_DROP_CRYPTO);
		}
		memcpy(sa->chain, ct + ct_len - sa->block, sa->block);
		for (i = sa->block; i-- > 0;)
			if (++sa->nonce[i] != 0)
				break;
	}
	if (sa->icv_len && esp_hmac_icv(&sa->hmac, out, hdr + ct_len, ct + ct_len) != 0)
		return esp_out_drop(sa, ESP_DROP_CRYPTO);
	sa->seq++;
	sa->cnt.pkts++;
	sa->cnt.bytes += len;
	return (ssize_t)(hdr + ct_len + sa->icv_len);
}

ssize_t esp_encap(struct esp_sa *sa, const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	if (sa->dir != ESP_DIR_OUT)
		return esp_out_drop(sa, ESP_DROP_UNKNOWN_SPI);
	/* tunnel mode (§3.1.2): the whole inner IPv4 packet, its total length = len */
	if (len < 20 || in[0] >> 4 != 4 || (size_t)(in[0] & 15) * 4 < 20 || esp_get16(in + 2) != len)
		return esp_out_drop(sa, ESP_DROP_INNER);
	return esp_encap_nh(sa, in, len, ESP_NH_IPV4, out, cap);
}

ssize_t esp_encap_dummy(struct esp_sa *sa, size_t len, uint8_t *out, size_t cap)
{
	if (sa->dir != ESP_DIR_OUT)
		return esp_out_drop(sa, ESP_DROP_UNKNOWN_SPI);
	return esp_encap_nh(sa, NULL, len, ESP_NH_DUMMY, out, cap);
}

/* --- decapsulation ------------------------------------------------------------------- */

static ssize_t esp_in_drop(struct esp_sa *sa, enum esp_drop d, enum esp_drop *why)
{
	sa->cnt.drops[d]++;
	if (why)
		*why = d;
	return -1;
}

ssize_t esp_decap(struct esp_sa *sa, const uint8_t *esp, size_t len, uint8_t *out, size_t cap,
		  enum esp_drop *why)
{
	size_t hdr = 8 + sa->iv_len, ct_len, pad, inner, i;
	uint8_t icv[ESP_HMAC_ICV_MAX];
	uint32_t seq;
	uint8_t nh;
	int n;

	if (why)
		*why = ESP_DROP_NONE;
	if (sa->dir != ESP_DIR_IN)
		return esp_in_drop(sa, ESP_DROP_UNKNOWN_SPI, why);
	/* at least one block holding PadLen and NH */
	if (len < hdr + sa->align + sa->icv_len)
		return esp_in_drop(sa, ESP_DROP_SHORT, why);
	if (len > ESP_LEN_MAX)
		return esp_in_drop(sa, ESP_DROP_TOO_BIG, why);
	ct_len = len - hdr - sa->icv_len;
	if (ct_len % sa->align)
		return esp_in_drop(sa, ESP_DROP_BAD_BLOCK, why);
	seq = esp_get32(esp + 4);
	/* §3.4.3: the preliminary check, before any cryptography; the window stays as is */
	if (sa->replay_on && esp_replay_check(&sa->replay, seq) != 0)
		return esp_in_drop(sa, ESP_DROP_REPLAY, why);
	if (ct_len > cap)
		return esp_in_drop(sa, ESP_DROP_TOO_BIG, why);
	if (sa->icv_len) {
		if (esp_hmac_icv(&sa->hmac, esp, len - sa->icv_len, icv) != 0)
			return esp_in_drop(sa, ESP_DROP_CRYPTO, why);
		/* §3.4.4: a mismatch MUST discard the packet; constant-time compare */
		if (CRYPTO_memcmp(icv, esp + len - sa->icv_len, sa->icv_len) != 0)
			return esp_in_drop(sa, ESP_DROP_AUTH, why);
	}
	/* §3.4.3: "The receive window is updated only if the integrity verification
	 * succeeds" — it did (or there is none and the edge is only for show) */
	esp_replay_update(&sa->replay, seq);
	if (sa->cctx) {
		if (!EVP_DecryptUpdate(sa->cctx, sa->scratch, &n, esp + 8, (int)sa->block) ||
		    !EVP_DecryptUpdate(sa->cctx, out, &n, esp + hdr, (int)ct_len) || (size_t)n != ct_len)
			return esp_in_drop(sa, ESP_DROP_CRYPTO, why);
	} else {
		memmove(out, esp + hdr, ct_len);
	}
	pad = out[ct_len - 2];
	nh = out[ct_len - 1];
	/* §2.6: dummy packets are discarded "without prejudice"; only NH need be valid */
	if (nh == ESP_NH_DUMMY)
		return esp_in_drop(sa, ESP_DROP_DUMMY, why);
	if (pad + 2 > ct_len)
		return esp_in_drop(sa, ESP_DROP_PAD, why);
	inner = ct_len - 2 - pad;
	/* §2.4: the receiver SHOULD inspect the default padding 1, 2, 3, … */
	for (i = 0; i < pad; i++)
		if (out[inner + i] != (uint8_t)(i + 1))
			return esp_in_drop(sa, ESP_DROP_PAD, why);
	/* tunnel mode, IPv4 only (§3.1.2) */
	if (nh != ESP_NH_IPV4)
		return esp_in_drop(sa, ESP_DROP_NEXT_HDR, why);
	if (inner < 20 || out[0] >> 4 != 4 || (size_t)(out[0] & 15) * 4 < 20 ||
	    (size_t)(out[0] & 15) * 4 > inner || esp_get16(out + 2) != inner)
		return esp_in_drop(sa, ESP_DROP_INNER, why);
	sa->cnt.pkts++;
	sa->cnt.bytes += inner;
	return (ssize_t)inner;
}
