/* bufrd.h — the one bounded reader every decoder in codec/ goes through.
 *
 * House rule (STYLE.md §3): never trust a length field. A reader never reads past
 * its end; every getter fails (returns -1) instead, and a failed reader stays failed,
 * so a decoder can chain reads and check `r->err` once. No allocation, no I/O.
 */
#ifndef CODEC_BUFRD_H
#define CODEC_BUFRD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct bufrd {
	const uint8_t *p;   /* start of the window */
	size_t len;         /* bytes in the window */
	size_t off;         /* read position, 0..len */
	int err;            /* sticky: set by the first read that did not fit */
};

static inline void bufrd_init(struct bufrd *r, const void *p, size_t len)
{
	r->p = p; r->len = len; r->off = 0; r->err = 0;
}

static inline size_t bufrd_left(const struct bufrd *r) { return r->err ? 0 : r->len - r->off; }

static inline int bufrd_need(struct bufrd *r, size_t n)
{
	if (r->err || n > r->len - r->off) { r->err = 1; return -1; }
	return 0;
}

static inline int bufrd_u8(struct bufrd *r, uint8_t *v)
{
	if (bufrd_need(r, 1)) return -1;
	*v = r->p[r->off++];
	return 0;
}

static inline int bufrd_u16(struct bufrd *r, uint16_t *v)
{
	if (bufrd_need(r, 2)) return -1;
	*v = (uint16_t)(r->p[r->off] << 8 | r->p[r->off + 1]);
	r->off += 2;
	return 0;
}

static inline int bufrd_u32(struct bufrd *r, uint32_t *v)
{
	if (bufrd_need(r, 4)) return -1;
	*v = (uint32_t)r->p[r->off] << 24 | (uint32_t)r->p[r->off + 1] << 16 |
	     (uint32_t)r->p[r->off + 2] << 8 | r->p[r->off + 3];
	r->off += 4;
	return 0;
}

/* Copy n bytes out. */
static inline int bufrd_copy(struct bufrd *r, void *dst, size_t n)
{
	if (bufrd_need(r, n)) return -1;
	memcpy(dst, r->p + r->off, n);
	r->off += n;
	return 0;
}

/* Point at n bytes in place (valid while the underlying buffer lives). */
static inline int bufrd_ptr(struct bufrd *r, const uint8_t **dst, size_t n)
{
	if (bufrd_need(r, n)) return -1;
	*dst = r->p + r->off;
	r->off += n;
	return 0;
}

static inline int bufrd_skip(struct bufrd *r, size_t n)
{
	if (bufrd_need(r, n)) return -1;
	r->off += n;
	return 0;
}

/* Carve a sub-reader of exactly n bytes and advance past them. */
static inline int bufrd_sub(struct bufrd *r, struct bufrd *sub, size_t n)
{
	if (bufrd_need(r, n)) { sub->err = 1; sub->p = NULL; sub->len = sub->off = 0; return -1; }
	bufrd_init(sub, r->p + r->off, n);
	r->off += n;
	return 0;
}

#endif
