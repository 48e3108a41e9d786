/* hsrp.h — HSRP v1 (RFC 2281 §5.1, 20-octet message) and v2 (Cisco TLVs as
 * documented by Wireshark's packet-hsrp.c: Group State TLV type 1 length 40, Text Auth
 * TLV type 3, MD5 Auth TLV type 4). UDP port 1985, groups 224.0.0.2 (v1) / 224.0.0.102 (v2).
 *
 * States are kept in one enum for both versions; the wire values differ
 * (v1: 0,1,2,4,8,16; v2: 1..6) and the codec converts.
 */
#ifndef CODEC_HSRP_H
#define CODEC_HSRP_H

#include <stddef.h>
#include <stdint.h>
#include "codec_err.h"

#define HSRP_PORT      1985
#define HSRP_V1_GROUP  0xE0000002u   /* 224.0.0.2 */
#define HSRP_V2_GROUP  0xE0000066u   /* 224.0.0.102 */

enum hsrp_state { HSRP_INITIAL, HSRP_LEARN, HSRP_LISTEN, HSRP_SPEAK, HSRP_STANDBY, HSRP_ACTIVE };
enum hsrp_op { HSRP_OP_HELLO = 0, HSRP_OP_COUP = 1, HSRP_OP_RESIGN = 2, HSRP_OP_ADVERTISE = 3 };

struct hsrp_pkt {
	uint8_t version;            /* 1 or 2 (v1 carries 0 on the wire) */
	uint8_t op;                 /* enum hsrp_op */
	enum hsrp_state state;
	uint16_t group;             /* v1: 0..255; v2: 0..4095 */
	uint32_t priority;          /* v1: 0..255 */
	uint32_t hello_ms, hold_ms; /* v1: seconds * 1000 */
	uint32_t vip;               /* host order */
	uint8_t identifier[6];      /* v2: sender MAC */
	char auth[9];               /* text auth, NUL-terminated ("cisco") */
	int has_md5;                /* v2 MD5 auth TLV present */
	uint8_t ipver;              /* added: v2 Group State IP version (4 or 6); v1: 4 */
	uint8_t vip6[16];           /* added: v2 virtual address field as sent (IPv6 groups) */
};

int hsrp_decode(const uint8_t *buf, size_t len, struct hsrp_pkt *h, struct codec_err *err);
/* v1: the 20-octet message; v2: Group State TLV + Text Auth TLV when auth[0] != 0.
 * MD5 authentication (has_md5) is not encoded (needs a key): returns -1. Returns bytes
 * written or -1. */
int hsrp_encode(const struct hsrp_pkt *h, uint8_t *buf, size_t cap);
const char *hsrp_state_name(enum hsrp_state s);   /* "Active", "Standby", … */
const char *hsrp_op_name(uint8_t op);             /* "Hello", "Coup", "Resign", … */

#endif
