/* vrrp.c — VRRP advertisements for IPv4: version 2 (RFC 3768 §5.1, checksum over the
 * VRRP message, 8 bytes of authentication data) and version 3 (RFC 5798 §5.1,
 * centisecond Max Adver Int, checksum with the IPv4 pseudo-header of §5.2.8).
 */
#include <string.h>
#include "bufrd.h"
#include "cksum.h"
#include "vrrp.h"

#define VRRP_V2_AUTH_LEN 8

/* The sum a receiver computes: v2 over the message, v3 with the pseudo-header
 * (src, dst, zero, protocol 112, VRRP length) as in RFC 5798 §5.2.8. */
static uint32_t vrrp_sum(uint8_t version, const uint8_t *buf, size_t len,
			 uint32_t ip_src, uint32_t ip_dst)
{
	uint32_t sum = 0;

	if (version == 3) {
		uint8_t ph[12] = {
			(uint8_t)(ip_src >> 24), (uint8_t)(ip_src >> 16), (uint8_t)(ip_src >> 8), (uint8_t)ip_src,
			(uint8_t)(ip_dst >> 24), (uint8_t)(ip_dst >> 16), (uint8_t)(ip_dst >> 8), (uint8_t)ip_dst,
			0, VRRP_PROTO, (uint8_t)(len >> 8), (uint8_t)len,
		};
		sum = cksum_add(sum, ph, sizeof(ph));
	}
	return cksum_add(sum, buf, len);
}

int vrrp_decode(const uint8_t *buf, size_t len, uint32_t ip_src, uint32_t ip_dst,
		struct vrrp_pkt *v, struct codec_err *err)
{
	struct bufrd r;
	uint8_t vt = 0, b5 = 0;
	uint16_t w = 0;
	size_t want;
	uint8_t i;

	memset(v, 0, sizeof(*v));
	bufrd_init(&r, buf, len);
	if (len < 8)
		return codec_err_set(err, CODEC_TRUNCATED, 0, "VRRP header needs 8 bytes, have %zu", len);
	bufrd_u8(&r, &vt);
	v->version = vt >> 4;
	v->type = vt & 0x0F;
	/* RFC 3768 §5.3.1 / RFC 5798 §5.2.1: version 2 or 3 */
	if (v->version != 2 && v->version != 3)
		return codec_err_set(err, CODEC_BAD_VERSION, 0, "VRRP version %u", v->version);
	/* RFC 3768 §5.3.2: "A packet with unknown type MUST be discarded" */
	if (v->type != 1)
		return codec_err_set(err, CODEC_BAD_TYPE, 0, "VRRP type %u, only 1 (ADVERTISEMENT)", v->type);
	bufrd_u8(&r, &v->vrid);
	bufrd_u8(&r, &v->priority);
	bufrd_u8(&r, &v->naddrs);
	if (v->version == 2) {
		bufrd_u8(&r, &v->auth_type);
		bufrd_u8(&r, &b5);
		v->adver_int_cs = (uint16_t)(b5 * 100u);
	} else {
		/* RFC 5798 §5.2.5: 4 reserved bits "ignored on reception" + 12-bit interval */
		bufrd_u16(&r, &w);
		v->adver_int_cs = w & 0x0FFF;
	}
	bufrd_u16(&r, &v->checksum);
	if (v->naddrs > VRRP_MAX_ADDRS)
		return codec_err_set(err, CODEC_TOO_MANY, 3, "VRRP carries %u addresses, at most %d",
				     v->naddrs, VRRP_MAX_ADDRS);
	/* RFC 3768 §5.1: addresses then 8 octets of Authentication Data; RFC 5798: addresses */
	want = 8 + 4u * v->naddrs + (v->version == 2 ? VRRP_V2_AUTH_LEN : 0);
	if (len < want)
		return codec_err_set(err, CODEC_TRUNCATED, len,
				     "VRRP with %u addresses needs %zu bytes, have %zu", v->naddrs, want, len);
	if (len > want)
		return codec_err_set(err, CODEC_TRAILING, want,
				     "%zu bytes after the VRRP message", len - want);
	for (i = 0; i < v->naddrs; i++)
		bufrd_u32(&r, &v->addrs[i]);
	/* RFC 3768 §7.1 / RFC 5798 §7.1: verify the checksum (the caller decides to drop) */
	v->checksum_ok = cksum_finish(vrrp_sum(v->version, buf, len, ip_src, ip_dst)) == 0;
	return 0;
}

int vrrp_encode(const struct vrrp_pkt *v, uint32_t ip_src, uint32_t ip_dst, uint8_t *buf, size_t cap)
{
	size_t n, off = 0;
	uint8_t i;
	uint16_t ck;

	if ((v->version != 2 && v->version != 3) || v->naddrs > VRRP_MAX_ADDRS)
		return -1;
	n = 8 + 4u * v->naddrs + (v->version == 2 ? VRRP_V2_AUTH_LEN : 0);
	if (cap < n)
		return -1;
	buf[off++] = (uint8_t)(v->version << 4 | (v->type & 0x0F));
	buf[off++] = v->vrid;
	buf[off++] = v->priority;
	buf[off++] = v->naddrs;
	if (v->version == 2) {
		if (v->adver_int_cs / 100 > 255)
			return -1;
		buf[off++] = v->auth_type;
		buf[off++] = (uint8_t)(v->adver_int_cs / 100);
	} else {
		if (v->adver_int_cs > 0x0FFF)
			return -1;
		buf[off++] = (uint8_t)(v->adver_int_cs >> 8);   /* rsvd bits 0 (RFC 5798 §5.2.5) */
		buf[off++] = (uint8_t)v->adver_int_cs;
	}
	buf[off++] = 0;
	buf[off++] = 0;
	for (i = 0; i < v->naddrs; i++) {
		buf[off++] = (uint8_t)(v->addrs[i] >> 24);
		buf[off++] = (uint8_t)(v->addrs[i] >> 16);
		buf[off++] = (uint8_t)(v->addrs[i] >> 8);
		buf[off++] = (uint8_t)v->addrs[i];
	}
	if (v->version == 2) {
		memset(buf + off, 0, VRRP_V2_AUTH_LEN);   /* RFC 3768 §5.3.10: zero */
		off += VRRP_V2_AUTH_LEN;
	}
	ck = cksum_finish(vrrp_sum(v->version, buf, n, ip_src, ip_dst));
	buf[6] = (uint8_t)(ck >> 8);
	buf[7] = (uint8_t)ck;
	return (int)n;
}
