/* esp_sa.h — refgw's userspace ESP data plane: tunnel-mode ESP (RFC 4303) for one SA at a
 * time, and the inbound SA database the daemon looks SPIs up in.
 *
 * This module owns the bytes from the SPI to the ICV. UDP encapsulation (RFC 3948) is done
 * by the daemon's sockets: on UDP 4500 it strips the UDP header, classifies with
 * udp4500_classify() (codec/esp.h) and hands ESP to esp_sadb_input() unchanged.
 *
 * Packet layout (RFC 4303 §2, tunnel mode §3.1.2, Next Header 4 = IPv4):
 *
 *   SPI(4) | Seq(4) | IV(block) | E( inner IPv4 | pad 1,2,3… | PadLen | NH=4 ) | ICV
 *
 * Per-packet cost is kept small: keys are set once per SA; no allocation in this module
 * per packet; CBC IVs come without an IV reset (see esp_sa.c, "IVs"); HMAC works from the
 * precomputed inner/outer digest states (esp_hmac.h). Errors from the network never abort:
 * every -1 is counted by reason (esp_counters.drops[]). Not thread-safe: one SA belongs to
 * one thread (refgw is single-threaded).
 */
#ifndef ESP_SA_H
#define ESP_SA_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "ipsec_doi.h"

enum esp_dir { ESP_DIR_IN, ESP_DIR_OUT };

struct esp_sa_params {
	uint32_t spi;                    /* >= 256 (RFC 4303 §2.1) */
	enum esp_dir dir;
	enum esp_enc_alg enc;            /* DES 8 B key, 3DES 24 B, AES-CBC 16/24/32 B, NULL 0 */
	const uint8_t *enc_key; size_t enc_key_len;
	enum esp_auth_alg auth;          /* HMAC-MD5-96 16 B key, HMAC-SHA1-96 20 B,
	                                    HMAC-SHA256-128 32 B, or NONE (only with a cipher) */
	const uint8_t *auth_key; size_t auth_key_len;
	unsigned replay_window;          /* inbound: 0 → 64; 32..1024 (RFC 4303 §3.4.3) */
};

enum esp_drop {
	ESP_DROP_NONE,
	ESP_DROP_SHORT,          /* shorter than header + IV + one block + ICV */
	ESP_DROP_UNKNOWN_SPI,    /* no inbound SA (RFC 4303 §3.4.2), reserved SPI included */
	ESP_DROP_REPLAY,         /* duplicate, left of the window, or sequence number 0 */
	ESP_DROP_AUTH,           /* ICV mismatch (RFC 4303 §3.4.4) */
	ESP_DROP_BAD_BLOCK,      /* ciphertext not a block multiple */
	ESP_DROP_PAD,            /* Pad Length too large or pad bytes not 1,2,3… (§2.4) */
	ESP_DROP_NEXT_HDR,       /* Next Header not 4 (IPv4 tunnel) */
	ESP_DROP_DUMMY,          /* Next Header 59: dummy packet, dropped silently (§2.6) */
	ESP_DROP_INNER,          /* inner not a valid IPv4 header or length mismatch */
	ESP_DROP_SEQ_WRAP,       /* sending would cycle the sequence number (§3.3.3) */
	ESP_DROP_TOO_BIG,        /* result does not fit the caller's buffer, or > 65535 bytes */
	ESP_DROP_CRYPTO,         /* OpenSSL failed on a keyed context (not expected) */
	ESP_DROP_MAX
};

/* "none", "short", "unknown-spi", "replay", "auth", "bad-block", "pad", "next-header",
 * "dummy", "inner", "seq-wrap", "too-big", "crypto"; "?" for anything else. */
const char *esp_drop_name(enum esp_drop why);

/* Outbound SA: pkts/bytes encapsulated; inbound SA: pkts/bytes decapsulated. Bytes are
 * inner (plaintext IPv4) bytes, like IOS's "#pkts encaps/decaps". */
struct esp_counters {
	uint64_t pkts, bytes, drops[ESP_DROP_MAX];
};

struct esp_sa;

/* Validates the parameters (algorithm numbers, key lengths, SPI, window) and keys the
 * cipher and HMAC once. NULL with a message in err on failure. */
struct esp_sa *esp_sa_new(const struct esp_sa_params *p, char *err, size_t errlen);
void esp_sa_free(struct esp_sa *sa);

uint32_t esp_sa_spi(const struct esp_sa *sa);
enum esp_dir esp_sa_dir(const struct esp_sa *sa);
const struct esp_counters *esp_sa_counters(const struct esp_sa *sa);
/* Outbound: last sequence number sent (0 before the first). Inbound: highest authenticated
 * sequence number received (the window's right edge). */
uint32_t esp_sa_seq(const struct esp_sa *sa);
/* SPI + Seq + IV: where the ciphertext starts. */
size_t esp_header_len(const struct esp_sa *sa);
/* header + IV + largest padding + PadLen + Next Header + ICV: out needs len + this. */
size_t esp_overhead_max(const struct esp_sa *sa);

/* Tunnel mode, Next Header 4: in = one whole inner IPv4 packet (total length == len).
 * Writes SPI..ICV into out and returns its length, or -1 when dropped (counted:
 * INNER, SEQ_WRAP, TOO_BIG; UNKNOWN_SPI on an inbound SA). in may lie inside out (it
 * is moved first), e.g. at out + esp_header_len(sa) for zero-copy from a TUN read. */
ssize_t esp_encap(struct esp_sa *sa, const uint8_t *in, size_t len, uint8_t *out, size_t cap);
/* A dummy packet (Next Header 59, RFC 4303 §2.6: "A transmitter MUST be capable of
 * generating dummy packets") with len zero bytes of payload, for TFC or probing. */
ssize_t esp_encap_dummy(struct esp_sa *sa, size_t len, uint8_t *out, size_t cap);

/* esp = SPI..ICV as received. Checks length and block alignment, does the preliminary
 * replay check, verifies the ICV and only then updates the replay window (RFC 4303
 * §3.4.3–3.4.4), decrypts, checks the padding bytes 1,2,3… and the Next Header, and the
 * inner IPv4 header. Returns the inner packet length (written at out) or -1 with *why set
 * (and counted on the SA; UNKNOWN_SPI on an outbound SA). out must not overlap esp, except exactly in place at
 * esp + esp_header_len(sa). cap must be ≥ the ciphertext length (len − header − ICV). */
ssize_t esp_decap(struct esp_sa *sa, const uint8_t *esp, size_t len, uint8_t *out, size_t cap,
		  enum esp_drop *why);

/* --- SA database: inbound SAs by SPI --------------------------------------------------- */

/* Inbound SAs in a hash table keyed by SPI (O(1) lookup, grows as SAs are added), plus
 * counters for packets that match no SA: pkts/bytes = every packet handed to
 * esp_sadb_input (ESP bytes), drops[SHORT] and drops[UNKNOWN_SPI]; a packet that finds
 * its SA is counted on that SA. */
struct esp_sadb;

struct esp_sadb *esp_sadb_new(void);
void esp_sadb_free(struct esp_sadb *db);                     /* frees every SA in it */
/* Takes ownership on success (0). -1 (caller keeps the SA) if it is outbound, its SPI is
 * already present, or memory ran out. */
int esp_sadb_add(struct esp_sadb *db, struct esp_sa *in_sa);
struct esp_sa *esp_sadb_find(struct esp_sadb *db, uint32_t spi);
int esp_sadb_del(struct esp_sadb *db, uint32_t spi);        /* frees; -1 if absent */
size_t esp_sadb_count(const struct esp_sadb *db);
/* The receive path in one call: esp_decode() (codec/esp.h), find the SA, esp_decap().
 * *sa_out = the SA the SPI named (NULL if none), so the caller can log per peer. */
ssize_t esp_sadb_input(struct esp_sadb *db, const uint8_t *esp, size_t len, uint8_t *out, size_t cap,
		       struct esp_sa **sa_out, enum esp_drop *why);
const struct esp_counters *esp_sadb_counters(const struct esp_sadb *db);

#endif
