/* pcapng.c — pcapng writer and bounded pcapng / classic pcap reader.
 *
 * Block layout (pcapng spec, draft-ietf-opsawg-pcapng §3.1): block type (4), block
 * total length (4), body padded to 32 bits, block total length again (4). Options are
 * code (2), length (2), value padded to 32 bits; opt_endofopt ends the list.
 * The reader never casts file bytes to structs: every field goes through rd16/rd32
 * with the section's byte order, after a bounds check against the block it lies in.
 */
#include "pcapng.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define PCAPNG_BT_SHB   0x0A0D0D0Au
#define PCAPNG_BT_IDB   0x00000001u
#define PCAPNG_BT_PB    0x00000002u     /* obsolete Packet Block */
#define PCAPNG_BT_SPB   0x00000003u
#define PCAPNG_BT_EPB   0x00000006u
#define PCAPNG_BOM      0x1A2B3C4Du

#define OPT_ENDOFOPT    0
#define OPT_COMMENT     1
#define OPT_SHB_USERAPPL 4
#define OPT_IF_NAME     2
#define OPT_IF_TSRESOL  9
#define OPT_IF_TSOFFSET 14

#define PCAP_MAGIC_US   0xA1B2C3D4u
#define PCAP_MAGIC_NS   0xA1B23C4Du

#define PCAPNG_MAX_IFS  4096            /* per section; each IDB costs >= 20 bytes anyway */

/* --- writer ------------------------------------------------------------------- */

static size_t pad4(size_t n)
{
	return (n + 3u) & ~(size_t)3u;
}

static int put(struct pcapng_writer *w, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, w->f) != n)
		return -1;
	return 0;
}

static int put32(struct pcapng_writer *w, uint32_t v)
{
	return put(w, &v, 4);
}

static int put_pad(struct pcapng_writer *w, size_t n)
{
	static const uint8_t zero[4];
	return put(w, zero, pad4(n) - n);
}

/* Size of one option on disk (header + padded value). */
static size_t opt_size(size_t len)
{
	return 4 + pad4(len);
}

static int put_opt(struct pcapng_writer *w, uint16_t code, const void *val, size_t len)
{
	uint16_t h[2] = { code, (uint16_t)len };

	if (put(w, h, 4) || put(w, val, len) || put_pad(w, len))
		return -1;
	return 0;
}

int pcapng_open_write(struct pcapng_writer *w, const char *path, int linktype,
		      const char *ifname, const char *comment)
{
	static const char appl[] = "ipsec-ha-harness";
	size_t nlen = ifname ? strlen(ifname) : 0, clen = comment ? strlen(comment) : 0;
	uint32_t len;
	uint16_t v16[2];
	uint64_t seclen = UINT64_MAX;   /* section length not specified */
	uint8_t tsresol = 9;            /* 10^-9: nanoseconds */

	memset(w, 0, sizeof(*w));
	if (nlen > 0xFFFF || clen > 0xFFFF || linktype < 0 || linktype > 0xFFFF) {
		errno = EINVAL;
		return -1;
	}
	w->f = fopen(path, "wb");
	if (!w->f)
		return -1;
	w->linktype = linktype;

	/* Section Header Block: 28 bytes + shb_userappl + opt_endofopt */
	len = (uint32_t)(28 + opt_size(sizeof(appl) - 1) + 4);
	v16[0] = 1;     /* major */
	v16[1] = 0;     /* minor */
	if (put32(w, PCAPNG_BT_SHB) || put32(w, len) || put32(w, PCAPNG_BOM) ||
	    put(w, v16, 4) || put(w, &seclen, 8) ||
	    put_opt(w, OPT_SHB_USERAPPL, appl, sizeof(appl) - 1) ||
	    put_opt(w, OPT_ENDOFOPT, NULL, 0) || put32(w, len))
		goto fail;

	/* Interface Description Block: 20 bytes + options */
	len = 20 + (uint32_t)opt_size(1) + 4;
	if (nlen)
		len += (uint32_t)opt_size(nlen);
	if (clen)
		len += (uint32_t)opt_size(clen);
	v16[0] = (uint16_t)linktype;
	v16[1] = 0;
	if (put32(w, PCAPNG_BT_IDB) || put32(w, len) || put(w, v16, 4) || put32(w, 0 /* snaplen: no limit */))
		goto fail;
	if (nlen && put_opt(w, OPT_IF_NAME, ifname, nlen))
		goto fail;
	if (put_opt(w, OPT_IF_TSRESOL, &tsresol, 1))
		goto fail;
	if (clen && put_opt(w, OPT_COMMENT, comment, clen))
		goto fail;
	if (put_opt(w, OPT_ENDOFOPT, NULL, 0) || put32(w, len))
		goto fail;
	return 0;
fail:
	{
		int e = errno ? errno : EIO;
		fclose(w->f);
		w->f = NULL;
		errno = e;
	}
	return -1;
}

int pcapng_write(struct pcapng_writer *w, int64_t t_ns, const uint8_t *data, size_t caplen, size_t origlen)
{
	uint32_t len, hdr[5];
	uint64_t ts;

	if (!w->f || t_ns < 0 || caplen > 0x7FFFFFF0u || (caplen && !data)) {
		errno = EINVAL;
		return -1;
	}
	if (origlen < caplen)
		origlen = caplen;
	if (origlen > UINT32_MAX)
		origlen = UINT32_MAX;
	ts = (uint64_t)t_ns;
	len = (uint32_t)(32 + pad4(caplen));
	hdr[0] = 0;                             /* interface id */
	hdr[1] = (uint32_t)(ts >> 32);          /* timestamp (high) */
	hdr[2] = (uint32_t)ts;                  /* timestamp (low) */
	hdr[3] = (uint32_t)caplen;
	hdr[4] = (uint32_t)origlen;
	if (put32(w, PCAPNG_BT_EPB) || put32(w, len) || put(w, hdr, sizeof(hdr)) ||
	    put(w, data, caplen) || put_pad(w, caplen) || put32(w, len))
		return -1;
	w->packets++;
	return 0;
}

int pcapng_flush(struct pcapng_writer *w)
{
	if (!w->f)
		return -1;
	return fflush(w->f) == 0 ? 0 : -1;
}

int pcapng_close(struct pcapng_writer *w)
{
	int rc = 0;

	if (!w->f)
		return 0;
	if (ferror(w->f))
		rc = -1;
	if (fclose(w->f) != 0)
		rc = -1;
	w->f = NULL;
	return rc;
}

/* --- reader ------------------------------------------------------------------- */

struct pcapng_if {
	int linktype;
	int tsres_pow2;         /* 1: units are 2^-tsres s, 0: 10^-tsres s */
	unsigned tsres;
	int64_t tsoffset_s;
};

enum pcapng_kind { RD_NONE, RD_PCAPNG, RD_PCAP };

struct pcapng_reader {
	uint8_t *buf;
	size_t len, pos;
	enum pcapng_kind kind;
	int swap;               /* file byte order differs from host */
	int failed;
	/* pcapng: interfaces of the current section */
	struct pcapng_if *ifs;
	int nifs, capifs;
	/* classic pcap */
	int pcap_linktype, pcap_nano;
};

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static uint16_t rd16(const struct pcapng_reader *r, const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return r->swap ? __builtin_bswap16(v) : v;
}

static uint32_t rd32(const struct pcapng_reader *r, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return r->swap ? __builtin_bswap32(v) : v;
}

static uint64_t rd64(const struct pcapng_reader *r, const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return r->swap ? __builtin_bswap64(v) : v;
}

/* Timestamp in interface units → nanoseconds since the epoch. */
static int64_t units_to_ns(const struct pcapng_if *ifc, uint64_t u)
{
	static const uint64_t p10[20] = {
		1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
		100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
		10000000000000ull, 100000000000000ull, 1000000000000000ull,
		10000000000000000ull, 100000000000000000ull, 1000000000000000000ull,
		10000000000000000000ull };
	uint64_t ns;

	if (ifc->tsres_pow2) {
		unsigned __int128 x = (unsigned __int128)u * 1000000000u;
		ns = (uint64_t)(x >> ifc->tsres);       /* tsres <= 127 */
	} else if (ifc->tsres <= 9) {
		ns = u * p10[9 - ifc->tsres];           /* wraps on absurd values; defined */
	} else if (ifc->tsres - 9 < 20) {
		ns = u / p10[ifc->tsres - 9];
	} else {
		ns = 0;
	}
	ns += (uint64_t)ifc->tsoffset_s * 1000000000u;
	return (int64_t)(ns & INT64_MAX);
}

static int parse_shb(struct pcapng_reader *r, char *err, size_t errlen)
{
	const uint8_t *b = r->buf + r->pos;
	size_t remain = r->len - r->pos;
	uint32_t bom, blen, trail;
	uint16_t major;

	if (remain < 28) {
		seterr(err, errlen, "pcapng: truncated section header at offset %zu", r->pos);
		return -1;
	}
	memcpy(&bom, b + 8, 4);
	if (bom == PCAPNG_BOM)
		r->swap = 0;
	else if (bom == __builtin_bswap32(PCAPNG_BOM))
		r->swap = 1;
	else {
		seterr(err, errlen, "pcapng: bad byte-order magic at offset %zu", r->pos);
		return -1;
	}
	blen = rd32(r, b + 4);
	if (blen < 28 || blen % 4 || blen > remain) {
		seterr(err, errlen, "pcapng: bad section header length %u at offset %zu", blen, r->pos);
		return -1;
	}
	trail = rd32(r, b + blen - 4);
	if (trail != blen) {
		seterr(err, errlen, "pcapng: trailing length %u != %u at offset %zu", trail, blen, r->pos);
		return -1;
	}
	major = rd16(r, b + 12);
	if (major != 1) {
		seterr(err, errlen, "pcapng: unsupported version %u at offset %zu", major, r->pos);
		return -1;
	}
	r->nifs = 0;            /* interfaces are per section */
	r->pos += blen;
	return 0;
}

/* Walk the options of an IDB (o .. o+olen) and fill ifc. */
static int parse_idb_opts(struct pcapng_reader *r, const uint8_t *o, size_t olen, struct pcapng_if *ifc,
			  char *err, size_t errlen)
{
	size_t off = 0;

	while (off + 4 <= olen) {
		uint16_t code = rd16(r, o + off), vlen = rd16(r, o + off + 2);
		const uint8_t *v = o + off + 4;

		if (code == OPT_ENDOFOPT)
			return 0;
		if (pad4(vlen) > olen - off - 4) {
			seterr(err, errlen, "pcapng: option %u length %u overruns its block", code, vlen);
			return -1;
		}
		if (code == OPT_IF_TSRESOL && vlen >= 1) {
			ifc->tsres_pow2 = (v[0] & 0x80) != 0;
			ifc->tsres = v[0] & 0x7F;
		} else if (code == OPT_IF_TSOFFSET && vlen >= 8) {
			ifc->tsoffset_s = (int64_t)rd64(r, v);
		}
		off += 4 + pad4(vlen);
	}
	if (off != olen) {
		seterr(err, errlen, "pcapng: %zu stray option bytes", olen - off);
		return -1;
	}
	return 0;
}

static int add_if(struct pcapng_reader *r, const struct pcapng_if *ifc, char *err, size_t errlen)
{
	if (r->nifs >= PCAPNG_MAX_IFS) {
		seterr(err, errlen, "pcapng: more than %d interfaces", PCAPNG_MAX_IFS);
		return -1;
	}
	if (r->nifs == r->capifs) {
		int ncap = r->capifs ? r->capifs * 2 : 4;
		struct pcapng_if *n = realloc(r->ifs, (size_t)ncap * sizeof(*n));

		if (!n) {
			seterr(err, errlen, "pcapng: out of memory");
			return -1;
		}
		r->ifs = n;
		r->capifs = ncap;
	}
	r->ifs[r->nifs++] = *ifc;
	return 0;
}

static int next_pcapng(struct pcapng_reader *r, struct pcapng_pkt *p, char *err, size_t errlen)
{
	while (r->pos < r->len) {
		const uint8_t *b = r->buf + r->pos;
		size_t remain = r->len - r->pos;
		uint32_t type, blen, trail;
		size_t at = r->pos;

		if (remain < 12) {
			seterr(err, errlen, "pcapng: %zu trailing bytes at offset %zu", remain, at);
			return -1;
		}
		/* the SHB's own length is read after its byte-order magic */
		memcpy(&type, b, 4);
		if (type == PCAPNG_BT_SHB) {
			if (parse_shb(r, err, errlen))
				return -1;
			continue;
		}
		type = rd32(r, b);
		blen = rd32(r, b + 4);
		if (blen < 12 || blen % 4 || blen > remain) {
			seterr(err, errlen, "pcapng: bad block length %u (type 0x%x) at offset %zu", blen, type, at);
			return -1;
		}
		trail = rd32(r, b + blen - 4);
		if (trail != blen) {
			seterr(err, errlen, "pcapng: trailing length %u != %u at offset %zu", trail, blen, at);
			return -1;
		}
		r->pos += blen;

		if (type == PCAPNG_BT_IDB) {
			struct pcapng_if ifc = { .tsres = 6 };   /* default 10^-6 */

			if (blen < 20) {
				seterr(err, errlen, "pcapng: short interface block at offset %zu", at);
				return -1;
			}
			ifc.linktype = rd16(r, b + 8);
			if (parse_idb_opts(r, b + 16, blen - 20, &ifc, err, errlen) || add_if(r, &ifc, err, errlen))
				return -1;
		} else if (type == PCAPNG_BT_EPB || type == PCAPNG_BT_PB) {
			uint32_t ifidx, caplen, origlen;
			uint64_t ts;

			if (blen < 32) {
				seterr(err, errlen, "pcapng: short packet block at offset %zu", at);
				return -1;
			}
			ifidx = type == PCAPNG_BT_EPB ? rd32(r, b + 8) : rd16(r, b + 8);
			ts = (uint64_t)rd32(r, b + 12) << 32 | rd32(r, b + 16);
			caplen = rd32(r, b + 20);
			origlen = rd32(r, b + 24);
			if (caplen > blen - 32) {
				seterr(err, errlen, "pcapng: captured length %u exceeds block at offset %zu", caplen, at);
				return -1;
			}
			if (ifidx >= (uint32_t)r->nifs) {
				seterr(err, errlen, "pcapng: packet for undeclared interface %u at offset %zu", ifidx, at);
				return -1;
			}
			p->t_ns = units_to_ns(&r->ifs[ifidx], ts);
			p->linktype = r->ifs[ifidx].linktype;
			p->data = b + 28;
			p->caplen = caplen;
			p->origlen = origlen;
			p->ifidx = (int)ifidx;
			return 1;
		} else if (type == PCAPNG_BT_SPB) {
			uint32_t origlen;
			size_t caplen;

			if (blen < 16) {
				seterr(err, errlen, "pcapng: short simple packet block at offset %zu", at);
				return -1;
			}
			if (r->nifs < 1) {
				seterr(err, errlen, "pcapng: simple packet block without interface at offset %zu", at);
				return -1;
			}
			origlen = rd32(r, b + 8);
			caplen = blen - 16;
			if (origlen < caplen)
				caplen = origlen;
			p->t_ns = 0;
			p->linktype = r->ifs[0].linktype;
			p->data = b + 12;
			p->caplen = caplen;
			p->origlen = origlen;
			p->ifidx = 0;
			return 1;
		}
		/* any other block: skipped */
	}
	return 0;
}

static int next_pcap(struct pcapng_reader *r, struct pcapng_pkt *p, char *err, size_t errlen)
{
	const uint8_t *b = r->buf + r->pos;
	size_t remain = r->len - r->pos;
	uint32_t sec, frac, caplen, origlen;

	if (remain == 0)
		return 0;
	if (remain < 16) {
		seterr(err, errlen, "pcap: truncated record header at offset %zu", r->pos);
		return -1;
	}
	sec = rd32(r, b);
	frac = rd32(r, b + 4);
	caplen = rd32(r, b + 8);
	origlen = rd32(r, b + 12);
	if (caplen > remain - 16) {
		seterr(err, errlen, "pcap: record length %u exceeds file at offset %zu", caplen, r->pos);
		return -1;
	}
	p->t_ns = (int64_t)sec * 1000000000 + (int64_t)frac * (r->pcap_nano ? 1 : 1000);
	p->linktype = r->pcap_linktype;
	p->data = b + 16;
	p->caplen = caplen;
	p->origlen = origlen;
	p->ifidx = 0;
	r->pos += 16 + (size_t)caplen;
	return 1;
}

static struct pcapng_reader *open_buf(uint8_t *buf, size_t len, char *err, size_t errlen)
{
	struct pcapng_reader *r = calloc(1, sizeof(*r));
	uint32_t magic;

	if (!r) {
		free(buf);
		seterr(err, errlen, "out of memory");
		return NULL;
	}
	r->buf = buf;
	r->len = len;
	if (len < 4) {
		seterr(err, errlen, "not a pcap/pcapng file (%zu bytes)", len);
		goto fail;
	}
	memcpy(&magic, buf, 4);
	if (magic == PCAPNG_BT_SHB) {
		r->kind = RD_PCAPNG;
		if (parse_shb(r, err, errlen))
			goto fail;
		return r;
	}
	if (magic == PCAP_MAGIC_US || magic == PCAP_MAGIC_NS)
		r->swap = 0;
	else if (magic == __builtin_bswap32(PCAP_MAGIC_US) || magic == __builtin_bswap32(PCAP_MAGIC_NS))
		r->swap = 1;
	else {
		seterr(err, errlen, "not a pcap/pcapng file (magic 0x%08x)", magic);
		goto fail;
	}
	if (len < 24) {
		seterr(err, errlen, "pcap: truncated file header");
		goto fail;
	}
	r->kind = RD_PCAP;
	r->pcap_nano = rd32(r, buf) == PCAP_MAGIC_NS;
	r->pcap_linktype = (int)(rd32(r, buf + 20) & 0x0FFFFFFF);   /* upper bits: FCS info */
	r->pos = 24;
	return r;
fail:
	pcapng_close_read(r);
	return NULL;
}

struct pcapng_reader *pcapng_open_mem(const void *buf, size_t len, char *err, size_t errlen)
{
	uint8_t *copy = malloc(len ? len : 1);

	if (!copy) {
		seterr(err, errlen, "out of memory");
		return NULL;
	}
	if (len)
		memcpy(copy, buf, len);
	return open_buf(copy, len, err, errlen);
}

struct pcapng_reader *pcapng_open_read(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		size_t got;

		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			uint8_t *n = realloc(buf, ncap);

			if (!n) {
				seterr(err, errlen, "%s: out of memory", path);
				goto fail;
			}
			buf = n;
			cap = ncap;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0) {
			if (ferror(f)) {
				seterr(err, errlen, "%s: read error", path);
				goto fail;
			}
			break;
		}
	}
	fclose(f);
	{
		struct pcapng_reader *r = open_buf(buf, len, err, errlen);

		if (!r && err && errlen) {
			char tmp[256];

			snprintf(tmp, sizeof(tmp), "%s", err);
			seterr(err, errlen, "%s: %s", path, tmp);
		}
		return r;
	}
fail:
	fclose(f);
	free(buf);
	return NULL;
}

int pcapng_next(struct pcapng_reader *r, struct pcapng_pkt *p, char *err, size_t errlen)
{
	int rc;

	if (r->failed) {
		seterr(err, errlen, "reader already failed");
		return -1;
	}
	memset(p, 0, sizeof(*p));
	rc = r->kind == RD_PCAP ? next_pcap(r, p, err, errlen) : next_pcapng(r, p, err, errlen);
	if (rc < 0)
		r->failed = 1;
	return rc;
}

void pcapng_close_read(struct pcapng_reader *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r->ifs);
	free(r);
}

int pcapng_linktype(const struct pcapng_reader *r, int ifidx)
{
	if (r->kind == RD_PCAP)
		return ifidx == 0 ? r->pcap_linktype : -1;
	if (ifidx < 0 || ifidx >= r->nifs)
		return -1;
	return r->ifs[ifidx].linktype;
}

long pcapng_count(const char *path, char *err, size_t errlen)
{
	struct pcapng_reader *r = pcapng_open_read(path, err, errlen);
	struct pcapng_pkt p;
	long n = 0;
	int rc;

	if (!r)
		return -1;
	while ((rc = pcapng_next(r, &p, err, errlen)) == 1)
		n++;
	pcapng_close_read(r);
	return rc < 0 ? -1 : n;
}
