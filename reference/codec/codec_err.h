/* codec_err.h — why a decoder refused its input.
 *
 * Every decoder returns 0 or -1 and, on -1, fills a codec_err: a stable reason code
 * (the drop counter key in refgw and the harness) plus the byte offset and a short
 * human text ("payload 3 (NONCE) length 4 below minimum 8").
 */
#ifndef CODEC_ERR_H
#define CODEC_ERR_H

#include <stddef.h>

enum codec_reason {
	CODEC_OK = 0,
	CODEC_TRUNCATED,        /* fewer bytes than a header or field needs */
	CODEC_BAD_LENGTH,       /* a length field disagrees with the bytes present */
	CODEC_BAD_VERSION,      /* unsupported version number */
	CODEC_BAD_RESERVED,     /* a RESERVED field is not zero where that is fatal */
	CODEC_BAD_TYPE,         /* unknown or illegal type/exchange/opcode */
	CODEC_TOO_MANY,         /* more items than the decoder's fixed tables hold */
	CODEC_TRAILING,         /* bytes left over after the last item */
	CODEC_BAD_CHECKSUM,     /* IP/ICMP/VRRP checksum wrong */
	CODEC_BAD_VALUE,        /* a field value the RFC forbids (e.g. SPI 0) */
	CODEC_REASON_MAX
};

struct codec_err {
	enum codec_reason reason;
	size_t offset;          /* byte offset in the decoder's input where it failed */
	char text[128];
};

const char *codec_reason_name(enum codec_reason r);  /* "truncated", "bad-length", … */

/* Fill *e (if not NULL) with reason, offset and a printf-style text; returns -1 so a
 * decoder can `return codec_err_set(err, CODEC_TRUNCATED, off, "...")`. */
int codec_err_set(struct codec_err *e, enum codec_reason r, size_t offset, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
