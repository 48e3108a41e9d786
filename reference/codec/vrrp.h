/* vrrp.h — VRRP advertisements, version 2 (RFC 3768 §5) and 3 (RFC 5798 §5), IPv4. */
#ifndef CODEC_VRRP_H
#define CODEC_VRRP_H

#include <stddef.h>
#include <stdint.h>
#include "codec_err.h"

#define VRRP_PROTO       112
#define VRRP_GROUP_V4    0xE0000012u   /* 224.0.0.18 */
#define VRRP_MAX_ADDRS   16

struct vrrp_pkt {
	uint8_t version;        /* 2 or 3 */
	uint8_t type;           /* 1 = ADVERTISEMENT */
	uint8_t vrid, priority, naddrs;
	uint8_t auth_type;      /* v2 only */
	uint16_t adver_int_cs;  /* advertisement interval in centiseconds (v2: seconds*100) */
	uint16_t checksum;
	int checksum_ok;        /* v2: over the VRRP message; v3: with the IPv4 pseudo-header */
	uint32_t addrs[VRRP_MAX_ADDRS];   /* host order */
};

/* src/dst (host order) are needed for the v3 pseudo-header checksum. */
int vrrp_decode(const uint8_t *buf, size_t len, uint32_t ip_src, uint32_t ip_dst,
		struct vrrp_pkt *v, struct codec_err *err);
/* Encode; computes the checksum. Returns bytes written or -1. */
int vrrp_encode(const struct vrrp_pkt *v, uint32_t ip_src, uint32_t ip_dst, uint8_t *buf, size_t cap);

#endif
