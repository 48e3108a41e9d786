/* pcap_build.h — test helper: build pcapng / classic pcap files byte by byte in either
 * byte order, to feed the reader cases the writer never produces (big-endian sections,
 * other timestamp resolutions, several interfaces, unknown blocks, lying lengths).
 */
#ifndef HARNESS_CAPTURE_TEST_PCAP_BUILD_H
#define HARNESS_CAPTURE_TEST_PCAP_BUILD_H

#include <stdint.h>
#include <string.h>

struct pb {
	uint8_t b[8192];
	size_t n;
	int be;                 /* write big endian */
	size_t blk;             /* offset of the open block */
};

static inline void pb_u8(struct pb *p, uint8_t v)
{
	if (p->n < sizeof(p->b))
		p->b[p->n++] = v;
}

static inline void pb_u16(struct pb *p, uint16_t v)
{
	if (p->be) {
		pb_u8(p, (uint8_t)(v >> 8));
		pb_u8(p, (uint8_t)v);
	} else {
		pb_u8(p, (uint8_t)v);
		pb_u8(p, (uint8_t)(v >> 8));
	}
}

static inline void pb_u32(struct pb *p, uint32_t v)
{
	if (p->be) {
		pb_u16(p, (uint16_t)(v >> 16));
		pb_u16(p, (uint16_t)v);
	} else {
		pb_u16(p, (uint16_t)v);
		pb_u16(p, (uint16_t)(v >> 16));
	}
}

static inline void pb_u64(struct pb *p, uint64_t v)
{
	if (p->be) {
		pb_u32(p, (uint32_t)(v >> 32));
		pb_u32(p, (uint32_t)v);
	} else {
		pb_u32(p, (uint32_t)v);
		pb_u32(p, (uint32_t)(v >> 32));
	}
}

static inline void pb_bytes(struct pb *p, const void *d, size_t len)
{
	const uint8_t *s = d;

	for (size_t i = 0; i < len; i++)
		pb_u8(p, s[i]);
}

static inline void pb_pad(struct pb *p)
{
	while (p->n % 4)
		pb_u8(p, 0);
}

static inline void pb_patch32(struct pb *p, size_t off, uint32_t v)
{
	struct pb t = { .be = p->be };

	pb_u32(&t, v);
	memcpy(p->b + off, t.b, 4);
}

static inline void pb_begin(struct pb *p, uint32_t type)
{
	p->blk = p->n;
	pb_u32(p, type);
	pb_u32(p, 0);
}

static inline void pb_end(struct pb *p)
{
	uint32_t len;

	pb_pad(p);
	len = (uint32_t)(p->n - p->blk + 4);
	pb_u32(p, len);
	pb_patch32(p, p->blk + 4, len);
}

static inline void pb_opt(struct pb *p, uint16_t code, const void *v, uint16_t len)
{
	pb_u16(p, code);
	pb_u16(p, len);
	pb_bytes(p, v, len);
	pb_pad(p);
}

static inline void pb_shb(struct pb *p)
{
	pb_begin(p, 0x0A0D0D0A);
	pb_u32(p, 0x1A2B3C4D);
	pb_u16(p, 1);
	pb_u16(p, 0);
	pb_u64(p, UINT64_MAX);
	pb_end(p);
}

/* tsresol < 0: no if_tsresol option (default 10^-6) */
static inline void pb_idb(struct pb *p, uint16_t linktype, int tsresol, int64_t tsoffset)
{
	pb_begin(p, 1);
	pb_u16(p, linktype);
	pb_u16(p, 0);
	pb_u32(p, 0);
	if (tsresol >= 0) {
		uint8_t r = (uint8_t)tsresol;
		pb_opt(p, 9, &r, 1);
	}
	if (tsoffset) {
		struct pb t = { .be = p->be };
		pb_u64(&t, (uint64_t)tsoffset);
		pb_opt(p, 14, t.b, 8);
	}
	pb_opt(p, 0, NULL, 0);
	pb_end(p);
}

static inline void pb_epb(struct pb *p, uint32_t ifidx, uint64_t ts, const void *d, uint32_t caplen, uint32_t origlen)
{
	pb_begin(p, 6);
	pb_u32(p, ifidx);
	pb_u32(p, (uint32_t)(ts >> 32));
	pb_u32(p, (uint32_t)ts);
	pb_u32(p, caplen);
	pb_u32(p, origlen);
	pb_bytes(p, d, caplen);
	pb_end(p);
}

static inline void pb_pcap_hdr(struct pb *p, int nano, uint32_t linktype)
{
	pb_u32(p, nano ? 0xA1B23C4D : 0xA1B2C3D4);
	pb_u16(p, 2);
	pb_u16(p, 4);
	pb_u32(p, 0);
	pb_u32(p, 0);
	pb_u32(p, 65535);
	pb_u32(p, linktype);
}

static inline void pb_pcap_rec(struct pb *p, uint32_t sec, uint32_t frac, const void *d, uint32_t caplen, uint32_t origlen)
{
	pb_u32(p, sec);
	pb_u32(p, frac);
	pb_u32(p, caplen);
	pb_u32(p, origlen);
	pb_bytes(p, d, caplen);
}

#endif
