/* isakmp.h — ISAKMP / IKEv1 messages (RFC 2408, 2409, 2407 DOI, 3706 DPD, 3947 NAT-T).
 *
 * Decoding: isakmp_decode() checks the 28-octet header (RFC 2408 §3.1) and, for a
 * cleartext message, walks the payload chain with bounded readers: every generic
 * payload header must fit, its length must be ≥ 4 and ≥ the type's minimum and ≤ what
 * remains, RESERVED must be 0, and the chain must end exactly at the header Length.
 * Bodies are decoded into host-order structs; byte strings (KE, nonce, hash, VID …)
 * point into the caller's buffer, which must outlive the isakmp_msg.
 *
 * Encrypted messages (flag E): the header is decoded and `encrypted` set; the payloads
 * are decoded after decryption with isakmp_decode_payloads() on the plaintext, where
 * trailing zero padding after the last payload is allowed (RFC 2409 App. B).
 *
 * Encoding: isakmp_build_* append to a caller buffer; used by tests now and refgw later.
 */
#ifndef CODEC_ISAKMP_H
#define CODEC_ISAKMP_H

#include <stddef.h>
#include <stdint.h>
#include "codec_err.h"

#define ISAKMP_HDR_LEN        28
#define ISAKMP_GEN_HDR_LEN    4
#define ISAKMP_PORT           500
#define ISAKMP_NATT_PORT      4500
#define ISAKMP_MAX_PAYLOADS   32
#define ISAKMP_MAX_SA         4      /* SA payloads per message */
#define ISAKMP_MAX_PROPOSALS  8      /* per SA payload */
#define ISAKMP_MAX_TRANSFORMS 16     /* per proposal */
#define ISAKMP_MAX_ATTRS      24     /* per transform */
#define ISAKMP_MAX_SPIS       16     /* SPIs kept from one Delete payload */

/* Exchange types (RFC 2408 §3.1, RFC 2409 App. A) */
enum isakmp_exch {
	ISAKMP_EXCH_NONE = 0, ISAKMP_EXCH_BASE = 1, ISAKMP_EXCH_MAIN = 2 /* Identity Protection */,
	ISAKMP_EXCH_AUTH_ONLY = 3, ISAKMP_EXCH_AGGRESSIVE = 4, ISAKMP_EXCH_INFO = 5,
	ISAKMP_EXCH_QUICK = 32, ISAKMP_EXCH_NEW_GROUP = 33,
};

/* Payload types (RFC 2408 §3.1; NAT-D/NAT-OA RFC 3947 §3, draft values 130/131 too) */
enum isakmp_pl {
	ISAKMP_PL_NONE = 0, ISAKMP_PL_SA = 1, ISAKMP_PL_P = 2, ISAKMP_PL_T = 3, ISAKMP_PL_KE = 4,
	ISAKMP_PL_ID = 5, ISAKMP_PL_CERT = 6, ISAKMP_PL_CR = 7, ISAKMP_PL_HASH = 8,
	ISAKMP_PL_SIG = 9, ISAKMP_PL_NONCE = 10, ISAKMP_PL_N = 11, ISAKMP_PL_D = 12,
	ISAKMP_PL_VID = 13, ISAKMP_PL_NATD = 20, ISAKMP_PL_NATOA = 21,
	ISAKMP_PL_NATD_DRAFT = 130, ISAKMP_PL_NATOA_DRAFT = 131,
};

#define ISAKMP_FLAG_E 0x01   /* encryption */
#define ISAKMP_FLAG_C 0x02   /* commit */
#define ISAKMP_FLAG_A 0x04   /* authentication only */

/* Notify message types (RFC 2408 §3.14.1, RFC 2407 §4.6.3, RFC 3706 §5.3) */
enum isakmp_notify {
	ISAKMP_N_INVALID_PAYLOAD_TYPE = 1, ISAKMP_N_INVALID_SPI = 11,
	ISAKMP_N_NO_PROPOSAL_CHOSEN = 14, ISAKMP_N_PAYLOAD_MALFORMED = 16,
	ISAKMP_N_INVALID_ID_INFORMATION = 18, ISAKMP_N_INVALID_HASH_INFORMATION = 23,
	ISAKMP_N_AUTHENTICATION_FAILED = 24, ISAKMP_N_CONNECTED = 16384,
	ISAKMP_N_RESPONDER_LIFETIME = 24576, ISAKMP_N_REPLAY_STATUS = 24577,
	ISAKMP_N_INITIAL_CONTACT = 24578,
	ISAKMP_N_R_U_THERE = 36136, ISAKMP_N_R_U_THERE_ACK = 36137,
};

/* Protocol IDs (RFC 2407 §4.4.1) */
enum isakmp_proto { ISAKMP_PROTO_ISAKMP = 1, ISAKMP_PROTO_AH = 2, ISAKMP_PROTO_ESP = 3, ISAKMP_PROTO_IPCOMP = 4 };

/* RFC 3706 §5.1 */
extern const uint8_t isakmp_vid_dpd[16];
/* RFC 3947 §3 "RFC 3947" vendor ID (MD5 of "RFC 3947") */
extern const uint8_t isakmp_vid_rfc3947[16];

struct isakmp_hdr {
	uint8_t icookie[8];
	uint8_t rcookie[8];
	uint8_t next_payload;
	uint8_t maj_ver, min_ver;
	uint8_t exchange;
	uint8_t flags;
	uint32_t msgid;
	uint32_t length;
};

struct isakmp_attr {
	uint16_t type;          /* without the AF bit */
	uint8_t basic;          /* 1: TV (AF=1), value in `value`; 0: TLV */
	uint64_t value;         /* TV value, or a TLV value of ≤ 8 bytes as a number */
	const uint8_t *data;    /* TLV bytes (NULL for TV) */
	uint16_t data_len;
};

struct isakmp_transform {
	uint8_t number, id;
	uint8_t nattrs;
	struct isakmp_attr attrs[ISAKMP_MAX_ATTRS];
};

struct isakmp_proposal {
	uint8_t number, protocol, spi_size, ntransforms;
	const uint8_t *spi;                 /* spi_size bytes */
	struct isakmp_transform transforms[ISAKMP_MAX_TRANSFORMS];
};

struct isakmp_sa {
	uint32_t doi, situation;
	uint8_t nproposals;
	struct isakmp_proposal proposals[ISAKMP_MAX_PROPOSALS];
	const uint8_t *body; size_t body_len;   /* SAi_b for HASH_I/HASH_R (RFC 2409 §5) */
};

struct isakmp_id {
	uint8_t type, proto; uint16_t port;   /* RFC 2407 §4.6.2 */
	const uint8_t *data; size_t data_len;
};

struct isakmp_notify_pl {
	uint32_t doi; uint8_t proto, spi_size; uint16_t type;
	const uint8_t *spi; const uint8_t *data; size_t data_len;
};

struct isakmp_delete_pl {
	uint32_t doi; uint8_t proto, spi_size; uint16_t nspis;
	const uint8_t *spis;                /* nspis * spi_size bytes, validated to fit */
};

struct isakmp_payload {
	uint8_t type;                       /* enum isakmp_pl */
	uint16_t length;                    /* including the generic header */
	size_t offset;                      /* of the generic header in the decoded buffer */
	const uint8_t *body; size_t body_len;   /* after the generic header */
	union {
		int sa_index;                   /* SA: index into isakmp_msg.sas */
		struct isakmp_id id;            /* ID */
		struct isakmp_notify_pl n;      /* N */
		struct isakmp_delete_pl d;      /* D */
		struct { uint8_t encoding; } cert;   /* CERT / CR */
		struct { uint8_t type; const uint8_t *addr; size_t addr_len; } natoa;
		/* KE, HASH, SIG, NONCE, VID, NAT-D: just body/body_len */
	} u;
};

struct isakmp_msg {
	struct isakmp_hdr hdr;
	int encrypted;                      /* E flag set: payloads not decoded yet */
	const uint8_t *body; size_t body_len;   /* bytes after the header, up to hdr.length */
	uint8_t npayloads;
	struct isakmp_payload pl[ISAKMP_MAX_PAYLOADS];
	uint8_t nsas;
	struct isakmp_sa sas[ISAKMP_MAX_SA];
	size_t padding;                     /* trailing bytes accepted after the chain */
};

/* Decode a whole ISAKMP message (no NAT-T non-ESP marker: strip it first). */
int isakmp_decode(const uint8_t *buf, size_t len, struct isakmp_msg *m, struct codec_err *err);

/* Decode a payload chain starting with `first` over buf/len into m->pl (appending),
 * e.g. on the plaintext of an encrypted message. allow_padding: trailing bytes after
 * the last payload are padding (recorded in m->padding), otherwise an error. */
int isakmp_decode_payloads(uint8_t first, const uint8_t *buf, size_t len, int allow_padding,
			   struct isakmp_msg *m, struct codec_err *err);

/* Find the first payload of a type, or NULL. */
const struct isakmp_payload *isakmp_find(const struct isakmp_msg *m, uint8_t type);

/* Names for logs and the timeline: "Main Mode" / "Quick Mode" / "Informational",
 * "SA", "NAT-D", "R-U-THERE", "INVALID-SPI" … ("type 99" for unknown). The returned
 * pointer is static or into a thread-local buffer. */
const char *isakmp_exch_name(uint8_t exch);
const char *isakmp_pl_name(uint8_t type);
const char *isakmp_notify_name(uint16_t type);

/* --- encoding ---------------------------------------------------------------- */

struct isakmp_builder {
	uint8_t *buf; size_t cap; size_t len;
	size_t last_np_off;     /* where the previous payload's next-payload byte is */
	int err;                /* sticky overflow */
};

void isakmp_build_init(struct isakmp_builder *b, uint8_t *buf, size_t cap, const struct isakmp_hdr *h);
/* Append a payload with a ready body; patches the previous next-payload field. */
int isakmp_build_payload(struct isakmp_builder *b, uint8_t type, const void *body, size_t body_len);
/* Notify and Delete bodies in their RFC layouts. */
int isakmp_build_notify(struct isakmp_builder *b, uint32_t doi, uint8_t proto, uint16_t type,
			const uint8_t *spi, uint8_t spi_size, const void *data, size_t data_len);
int isakmp_build_delete(struct isakmp_builder *b, uint32_t doi, uint8_t proto, uint8_t spi_size,
			const uint8_t *spis, uint16_t nspis);
/* Added: an SA payload from a struct (doi, situation, proposals, transforms, attrs;
 * proposal/transform Next Payload and lengths are computed). A TLV attribute with
 * data == NULL is written as `value` in data_len (1..8) big-endian bytes. */
int isakmp_build_sa(struct isakmp_builder *b, const struct isakmp_sa *sa);
/* Added: open a payload of `type` (generic header, next-payload chained), append the
 * body yourself (e.g. with isakmp_build_bytes), then close it to patch its length. */
size_t isakmp_build_begin(struct isakmp_builder *b, uint8_t type);
int isakmp_build_bytes(struct isakmp_builder *b, const void *p, size_t n);
int isakmp_build_end(struct isakmp_builder *b, size_t start);
/* Write the final Length into the header; returns the message length or -1. */
int isakmp_build_finish(struct isakmp_builder *b);

#endif
