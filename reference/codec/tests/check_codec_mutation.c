/* check_codec_mutation.c — deterministic mutation test of every codec decoder (CTest
 * label "mutation"): valid seeds (ISAKMP Main Mode 1 / Quick-Mode-like chain /
 * Informational N+D / every payload type, ESP, VRRP v2/v3, HSRP v1/v2 and full
 * Ethernet/SLL frames of each kind) are mutated by a fixed-seed PRNG (bit flips, byte
 * sets, truncations, garbage extensions, length fields set to 0/1/3/4/huge/off-by-one,
 * next-payload set to the payload's own type, type fields set to unknown values).
 *
 * Asserts: no crash; on success every pointer/length in the result lies inside the
 * input and every count is within its MAX; on failure err.reason is a real reason and
 * err.offset ≤ input length. Prints accepted/rejected counts per seed and reason.
 */
#include <stdlib.h>
#include <time.h>
#include "codec_testutil.h"

#define MUT_PER_SEED   10000
#define MUT_BUF        4096
#define MAX_FIELDS     256

enum seed_kind { SK_ISAKMP, SK_ESP, SK_VRRP, SK_HSRP, SK_FRAME };

struct seed {
	const char *name;
	enum seed_kind kind;
	int linktype;
	uint8_t bytes[MUT_BUF];
	size_t len;
	/* fields worth aiming at, found by walking the valid seed */
	size_t len16[MAX_FIELDS]; int nlen16;     /* 16-bit length fields */
	size_t len32[8]; int nlen32;               /* 32-bit length fields */
	size_t type8[MAX_FIELDS]; int ntype8;      /* 8-bit type / next-payload fields */
	size_t np_off[MAX_FIELDS]; uint8_t np_own[MAX_FIELDS]; int nloop;   /* "loop" targets */
	unsigned long accepted, rejected, by_reason[CODEC_REASON_MAX];
};

static struct seed seeds[32];
static int nseeds;
static struct isakmp_msg msg;
static int failures;

/* --- PRNG: xorshift64*, fixed seed ------------------------------------------------- */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1Dull;
}

static size_t rng_below(size_t n) { return n ? (size_t)(rng() % n) : 0; }

/* --- seeds ------------------------------------------------------------------------- */

static void add_len16(struct seed *s, size_t off) { if (s->nlen16 < MAX_FIELDS) s->len16[s->nlen16++] = off; }
static void add_type8(struct seed *s, size_t off) { if (s->ntype8 < MAX_FIELDS) s->type8[s->ntype8++] = off; }

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

/* Record the ISAKMP fields of a valid message that starts at `base` in s->bytes. */
static void seed_isakmp_fields(struct seed *s, size_t base)
{
	const uint8_t *m = s->bytes + base;
	struct codec_err e;
	uint8_t i;

	if (isakmp_decode(m, s->len - base, &msg, &e) != 0) {
		fprintf(stderr, "seed %s does not decode: %s\n", s->name, e.text);
		exit(1);
	}
	if (s->nlen32 < 8)
		s->len32[s->nlen32++] = base + 24;
	add_type8(s, base + 16);   /* first next payload */
	add_type8(s, base + 17);   /* version */
	add_type8(s, base + 18);   /* exchange */
	add_type8(s, base + 19);   /* flags */
	for (i = 0; i < msg.npayloads; i++) {
		const struct isakmp_payload *p = &msg.pl[i];
		size_t off = base + p->offset;

		add_len16(s, off + 2);
		add_type8(s, off);
		add_type8(s, off + 1);
		if (s->nloop < MAX_FIELDS) {
			/* the header's / previous payload's next-payload names this one; make
			 * this payload name itself as next */
			s->np_off[s->nloop] = off;
			s->np_own[s->nloop++] = p->type;
		}
		if (p->type == ISAKMP_PL_SA) {
			size_t po = off + 4 + 8, pend = off + p->length;

			while (po + 8 <= pend) {   /* proposals */
				size_t plen = rd16(s->bytes + po + 2), to;

				add_len16(s, po + 2);
				add_type8(s, po);
				add_type8(s, po + 5);   /* protocol */
				add_type8(s, po + 6);   /* SPI size */
				add_type8(s, po + 7);   /* #transforms */
				to = po + 8 + s->bytes[po + 6];
				while (to + 8 <= po + plen) {   /* transforms */
					size_t tlen = rd16(s->bytes + to + 2), ao = to + 8;

					add_len16(s, to + 2);
					add_type8(s, to);
					while (ao + 4 <= to + tlen) {   /* attributes */
						add_type8(s, ao);
						if (s->bytes[ao] & 0x80) {
							ao += 4;
						} else {
							add_len16(s, ao + 2);
							ao += 4 + rd16(s->bytes + ao + 2);
						}
					}
					to += tlen;
				}
				po += plen;
			}
		}
		if (p->type == ISAKMP_PL_N || p->type == ISAKMP_PL_D) {
			add_type8(s, off + 4 + 5);          /* SPI size */
			add_len16(s, off + 4 + 6);          /* D: #SPIs; N: type */
		}
	}
}

static struct seed *new_seed(const char *name, enum seed_kind kind, int linktype)
{
	struct seed *s = &seeds[nseeds++];

	memset(s, 0, sizeof(*s));
	s->name = name;
	s->kind = kind;
	s->linktype = linktype;
	return s;
}

static void seed_isakmp(const char *name, int n, const uint8_t *b)
{
	struct seed *s = new_seed(name, SK_ISAKMP, 0);

	memcpy(s->bytes, b, (size_t)n);
	s->len = (size_t)n;
	seed_isakmp_fields(s, 0);
}

/* A frame seed; `isakmp_at` is the offset of an ISAKMP message inside, or 0. */
static void seed_frame(const char *name, int linktype, const uint8_t *b, size_t n, size_t ip_at,
		       size_t isakmp_at)
{
	struct seed *s = new_seed(name, SK_FRAME, linktype);

	memcpy(s->bytes, b, n);
	s->len = n;
	if (linktype == FRAME_LINKTYPE_ETHERNET)
		add_type8(s, 12);
	if (ip_at) {
		add_type8(s, ip_at);        /* version/IHL */
		add_type8(s, ip_at + 9);    /* protocol */
		add_type8(s, ip_at + 6);    /* flags/fragment */
		add_len16(s, ip_at + 2);    /* total length */
		if (s->bytes[ip_at + 9] == 17) {
			add_len16(s, ip_at + 20 + 4);   /* UDP length */
			add_len16(s, ip_at + 20 + 2);   /* UDP dport */
		}
		add_type8(s, ip_at + 20);   /* first byte of l4 (VRRP ver/type, ICMP type) */
		add_type8(s, ip_at + 23);   /* VRRP count */
	}
	if (isakmp_at)
		seed_isakmp_fields(s, isakmp_at);
}

static void build_seeds(void)
{
	static uint8_t b[MUT_BUF], f[MUT_BUF];
	struct seed *s;
	int n;
	size_t fl;
	uint32_t src = TU_IP(192, 0, 2, 1), dst = TU_IP(198, 51, 100, 2);

	n = tu_build_mm1(b, sizeof(b), 1);
	seed_isakmp("isakmp-mm1-sa-vid-natd", n, b);
	fl = tu_eth_udp(f, src, dst, 500, 500, b, (size_t)n);
	seed_frame("eth-udp500-mm1", FRAME_LINKTYPE_ETHERNET, f, fl, 14, 42);
	n = tu_build_qm(b, sizeof(b));
	seed_isakmp("isakmp-qm-chain", n, b);
	n = tu_build_info(b, sizeof(b), 1);
	seed_isakmp("isakmp-info-n-d", n, b);
	/* NAT-T: marker + Informational */
	memmove(b + 4, b, (size_t)n);
	memset(b, 0, 4);
	fl = tu_eth_udp(f, src, dst, 4500, 4500, b, (size_t)n + 4);
	seed_frame("eth-udp4500-ike", FRAME_LINKTYPE_ETHERNET, f, fl, 14, 46);
	n = tu_build_all(b, sizeof(b));
	seed_isakmp("isakmp-all-types", n, b);
	/* encrypted header + padded plaintext-looking body */
	{
		struct isakmp_builder bl;
		struct isakmp_hdr h;
		uint8_t hash[20] = { 1 };

		tu_hdr(&h, ISAKMP_EXCH_INFO, ISAKMP_FLAG_E, 77, 1);
		isakmp_build_init(&bl, b, sizeof(b), &h);
		isakmp_build_payload(&bl, ISAKMP_PL_HASH, hash, sizeof(hash));
		isakmp_build_notify(&bl, 1, 1, ISAKMP_N_R_U_THERE, tu_icookie, 8, "\0\0\0\7", 4);
		n = isakmp_build_finish(&bl);
		memset(b + n, 0, 8);
		n += 8;
		tu_put32(b + 24, (uint32_t)n);
		seed_isakmp("isakmp-encrypted-info", n, b);
	}

	s = new_seed("esp", SK_ESP, 0);
	s->len = tu_esp(s->bytes, 0x01020304, 42, 40);
	add_type8(s, 0); add_type8(s, 3);
	fl = tu_eth_ip(f, 50, src, dst, 64, s->bytes, s->len);
	seed_frame("eth-esp", FRAME_LINKTYPE_ETHERNET, f, fl, 14, 0);
	fl = tu_eth_udp(f, src, dst, 4500, 4500, s->bytes, s->len);
	seed_frame("eth-udp4500-esp", FRAME_LINKTYPE_ETHERNET, f, fl, 14, 0);
	b[0] = 0xFF;
	fl = tu_eth_udp(f, src, dst, 4500, 4500, b, 1);
	seed_frame("eth-udp4500-keepalive", FRAME_LINKTYPE_ETHERNET, f, fl, 14, 0);

	s = new_seed("vrrp-v2", SK_VRRP, 0);
	s->len = (size_t)tu_vrrp(s->bytes, sizeof(s->bytes), 2);
	add_type8(s, 0); add_type8(s, 3); add_type8(s, 5);
	fl = tu_eth_ip(f, 112, TU_IP(192, 168, 0, 10), VRRP_GROUP_V4, 255, s->bytes, s->len);
	seed_frame("eth-vrrp-v2", FRAME_LINKTYPE_ETHERNET, f, fl, 14, 0);
	s = new_seed("vrrp-v3", SK_VRRP, 0);
	s->len = (size_t)tu_vrrp(s->bytes, sizeof(s->bytes), 3);
	add_type8(s, 0); add_type8(s, 3); add_type8(s, 4);
	fl = tu_eth_ip(f, 112, TU_IP(192, 168, 0, 10), VRRP_GROUP_V4, 255, s->bytes, s->len);
	seed_frame("eth-vrrp-v3", FRAME_LINKTYPE_ETHERNET, f, fl, 14, 0);

	s = new_seed("hsrp-v1", SK_HSRP, 0);
	s->len = (size_t)tu_hsrp(s->bytes, sizeof(s->bytes), 1);
	add_type8(s, 0); add_type8(s, 1); add_type8(s, 2);
	fl = tu_eth_udp(f, src, HSRP_V1_GROUP, 1985, 1985, s->bytes, s->len);
	seed_frame("eth-hsrp-v1", FRAME_LINKTYPE_ETHERNET, f, fl, 14, 0);
	s = new_seed("hsrp-v2", SK_HSRP, 0);
	s->len = (size_t)tu_hsrp(s->bytes, sizeof(s->bytes), 2);
	add_type8(s, 0); add_type8(s, 1); add_type8(s, 4); add_type8(s, 42); add_type8(s, 43);
	fl = tu_eth_udp(f, src, HSRP_V2_GROUP, 1985, 1985, s->bytes, s->len);
	seed_frame("eth-hsrp-v2", FRAME_LINKTYPE_ETHERNET, f, fl, 14, 0);

	/* ARP, ICMP, 802.1Q, SLL */
	{
		uint8_t arp[28] = { 0, 1, 8, 0, 6, 4, 0, 2 }, icmp[16] = { 8 };
		static const uint8_t bc[6] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

		memcpy(arp + 8, tu_mac_a, 6);
		tu_put32(arp + 14, TU_IP(10, 0, 0, 1));
		tu_put32(arp + 24, TU_IP(10, 0, 0, 1));
		fl = tu_eth(f, bc, tu_mac_a, 0x0806, arp, 28);
		seed_frame("eth-arp", FRAME_LINKTYPE_ETHERNET, f, fl, 0, 0);
		tu_put16(icmp + 2, cksum_finish(cksum_add(0, icmp, 16)));
		fl = tu_eth_ip(f, 1, src, dst, 64, icmp, 16);
		seed_frame("eth-icmp", FRAME_LINKTYPE_ETHERNET, f, fl, 14, 0);
	}
	n = tu_build_mm1(b, sizeof(b), 0);
	fl = tu_eth_udp(f, src, dst, 500, 500, b, (size_t)n);
	memmove(f + 16, f + 12, fl - 12);
	tu_put16(f + 12, 0x8100);
	tu_put16(f + 14, 10);
	seed_frame("eth-vlan-udp500", FRAME_LINKTYPE_ETHERNET, f, fl + 4, 18, 46);
	memmove(f + 16, f + 18, fl - 14);
	memset(f, 0, 16);
	tu_put16(f + 2, 1);
	tu_put16(f + 4, 6);
	tu_put16(f + 14, 0x0800);
	seed_frame("sll-udp500", FRAME_LINKTYPE_LINUX_SLL, f, fl + 2, 16, 44);
	seed_frame("raw-udp500", FRAME_LINKTYPE_RAW, f + 16, fl - 14, 0, 28);
}

/* --- mutations --------------------------------------------------------------------- */

static const uint32_t len_values[] = { 0, 1, 3, 4, 0xFFFF, 0xFFFFFFFFu };

static size_t mutate(const struct seed *s, uint8_t *b, size_t len)
{
	int op = (int)rng_below(11);
	size_t off = len ? rng_below(len) : 0;

	switch (op) {
	case 0:   /* bit flip */
		if (len) b[off] ^= (uint8_t)(1u << rng_below(8));
		break;
	case 1:
		if (len) b[off] = 0x00;
		break;
	case 2:
		if (len) b[off] = 0xFF;
		break;
	case 3:
		if (len) b[off] = (uint8_t)rng();
		break;
	case 4:   /* truncation */
		return rng_below(len + 1);
	case 5: { /* extension with garbage */
		size_t add = 1 + rng_below(64), i;

		if (len + add > MUT_BUF)
			add = MUT_BUF - len;
		for (i = 0; i < add; i++)
			b[len + i] = (uint8_t)rng();
		return len + add;
	}
	case 6:   /* 16-bit length field: 0/1/3/4/huge/off-by-one */
		if (s->nlen16) {
			size_t at = s->len16[rng_below((size_t)s->nlen16)];
			int pick = (int)rng_below(8);
			uint16_t v;

			if (at + 2 > len)
				break;
			v = rd16(b + at);
			v = pick < 5 ? (uint16_t)len_values[pick] : pick == 5 ? (uint16_t)(v + 1) :
			    pick == 6 ? (uint16_t)(v - 1) : (uint16_t)rng();
			tu_put16(b + at, v);
		}
		break;
	case 7:   /* 32-bit length field (ISAKMP header Length) */
		if (s->nlen32) {
			size_t at = s->len32[rng_below((size_t)s->nlen32)];
			int pick = (int)rng_below(8);
			uint32_t v;

			if (at + 4 > len)
				break;
			v = (uint32_t)b[at] << 24 | (uint32_t)b[at + 1] << 16 | (uint32_t)b[at + 2] << 8 | b[at + 3];
			v = pick < 6 ? len_values[pick] : pick == 6 ? v + 1 : v - 1;
			tu_put32(b + at, v);
		}
		break;
	case 8:   /* next payload = the payload's own type: a "loop" */
		if (s->nloop) {
			int i = (int)rng_below((size_t)s->nloop);

			if (s->np_off[i] < len)
				b[s->np_off[i]] = s->np_own[i];
		}
		break;
	case 9:   /* type field to an unknown value */
		if (s->ntype8) {
			size_t at = s->type8[rng_below((size_t)s->ntype8)];
			static const uint8_t odd[] = { 0, 2, 3, 14, 19, 22, 64, 127, 128, 130, 131, 200, 255 };

			if (at < len)
				b[at] = rng_below(2) ? odd[rng_below(sizeof(odd))] : (uint8_t)rng();
		}
		break;
	default:  /* a random 16-bit value anywhere */
		if (len >= 2) {
			off = rng_below(len - 1);
			tu_put16(b + off, (uint16_t)rng());
		}
		break;
	}
	return len;
}

/* --- checks ------------------------------------------------------------------------ */

#define FAIL(...) do { fprintf(stderr, "FAIL %s iter %d: ", s->name, iter); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); failures++; } while (0)

static int inside(const uint8_t *p, size_t n, const uint8_t *buf, size_t len)
{
	if (n == 0)
		return 1;
	return p != NULL && p >= buf && p <= buf + len && n <= (size_t)(buf + len - p);
}

static void check_err(const struct seed *s, int iter, const struct codec_err *e, size_t len)
{
	if (e->reason <= CODEC_OK || e->reason >= CODEC_REASON_MAX)
		FAIL("reason %d out of range", (int)e->reason);
	if (e->offset > len)
		FAIL("err offset %zu > len %zu (%s)", e->offset, len, e->text);
}

static void check_isakmp(const struct seed *s, int iter, const struct isakmp_msg *m,
			 const uint8_t *buf, size_t len)
{
	int i, j, k, a;

	if (m->npayloads > ISAKMP_MAX_PAYLOADS || m->nsas > ISAKMP_MAX_SA)
		FAIL("counts %u/%u", m->npayloads, m->nsas);
	if (!inside(m->body, m->body_len, buf, len))
		FAIL("msg body outside");
	for (i = 0; i < m->npayloads && i < ISAKMP_MAX_PAYLOADS; i++) {
		const struct isakmp_payload *p = &m->pl[i];

		if (!inside(p->body, p->body_len, buf, len) || p->body_len + 4 != p->length)
			FAIL("payload %d body outside", i);
		switch (p->type) {
		case ISAKMP_PL_SA:
			if (p->u.sa_index < 0 || p->u.sa_index >= m->nsas)
				FAIL("sa_index %d", p->u.sa_index);
			break;
		case ISAKMP_PL_ID:
			if (!inside(p->u.id.data, p->u.id.data_len, buf, len))
				FAIL("ID data outside");
			break;
		case ISAKMP_PL_N:
			if (!inside(p->u.n.spi, p->u.n.spi_size, buf, len) ||
			    !inside(p->u.n.data, p->u.n.data_len, buf, len))
				FAIL("N outside");
			break;
		case ISAKMP_PL_D:
			if (p->u.d.nspis > ISAKMP_MAX_SPIS ||
			    !inside(p->u.d.spis, (size_t)p->u.d.nspis * p->u.d.spi_size, buf, len))
				FAIL("D outside");
			break;
		case ISAKMP_PL_NATOA:
		case ISAKMP_PL_NATOA_DRAFT:
			if (!inside(p->u.natoa.addr, p->u.natoa.addr_len, buf, len))
				FAIL("NAT-OA outside");
			break;
		}
	}
	for (i = 0; i < m->nsas && i < ISAKMP_MAX_SA; i++) {
		const struct isakmp_sa *sa = &m->sas[i];

		if (!inside(sa->body, sa->body_len, buf, len) || sa->nproposals > ISAKMP_MAX_PROPOSALS)
			FAIL("SA %d outside", i);
		for (j = 0; j < sa->nproposals && j < ISAKMP_MAX_PROPOSALS; j++) {
			const struct isakmp_proposal *pr = &sa->proposals[j];

			if (!inside(pr->spi, pr->spi_size, buf, len) || pr->ntransforms > ISAKMP_MAX_TRANSFORMS)
				FAIL("proposal outside");
			for (k = 0; k < pr->ntransforms && k < ISAKMP_MAX_TRANSFORMS; k++) {
				const struct isakmp_transform *t = &pr->transforms[k];

				if (t->nattrs > ISAKMP_MAX_ATTRS)
					FAIL("nattrs %u", t->nattrs);
				for (a = 0; a < t->nattrs && a < ISAKMP_MAX_ATTRS; a++)
					if (!t->attrs[a].basic &&
					    !inside(t->attrs[a].data, t->attrs[a].data_len, buf, len))
						FAIL("attr data outside");
			}
		}
	}
}

/* isakmp_decode, then the payloads of an encrypted body as the fuzz target does. */
static int run_isakmp(const struct seed *s, int iter, const uint8_t *buf, size_t len)
{
	struct codec_err e;
	int rc;

	memset(&e, 0, sizeof(e));
	rc = isakmp_decode(buf, len, &msg, &e);
	if (rc == 0) {
		check_isakmp(s, iter, &msg, buf, len);
		if (msg.encrypted) {
			if (isakmp_decode_payloads(msg.hdr.next_payload, msg.body, msg.body_len, 1, &msg, &e) == 0) {
				check_isakmp(s, iter, &msg, buf, len);
				if (msg.padding > msg.body_len)
					FAIL("padding %zu", msg.padding);
			} else {
				check_err(s, iter, &e, msg.body_len);
			}
		}
		return 0;
	}
	if (rc != -1)
		FAIL("rc %d", rc);
	check_err(s, iter, &e, len);
	return (int)e.reason;
}

static int run_one(struct seed *s, int iter, const uint8_t *buf, size_t len)
{
	struct codec_err e;

	memset(&e, 0, sizeof(e));
	switch (s->kind) {
	case SK_ISAKMP:
		return run_isakmp(s, iter, buf, len);
	case SK_ESP: {
		struct esp_hdr h;
		enum udp4500_kind k;
		const uint8_t *in;
		size_t inl;

		if (udp4500_classify(buf, len, &k, &in, &inl, &e) == 0 && !inside(in, inl, buf, len))
			FAIL("udp4500 inner outside");
		memset(&e, 0, sizeof(e));
		if (esp_decode(buf, len, &h, &e) == 0) {
			if (!inside(h.payload, h.payload_len, buf, len))
				FAIL("esp payload outside");
			return 0;
		}
		check_err(s, iter, &e, len);
		return (int)e.reason;
	}
	case SK_VRRP: {
		struct vrrp_pkt v;

		if (vrrp_decode(buf, len, TU_IP(192, 168, 0, 10), VRRP_GROUP_V4, &v, &e) == 0) {
			if (v.naddrs > VRRP_MAX_ADDRS || (v.version != 2 && v.version != 3))
				FAIL("vrrp counts");
			return 0;
		}
		check_err(s, iter, &e, len);
		return (int)e.reason;
	}
	case SK_HSRP: {
		struct hsrp_pkt h;

		if (hsrp_decode(buf, len, &h, &e) == 0) {
			if ((unsigned)h.state > HSRP_ACTIVE || memchr(h.auth, 0, sizeof(h.auth)) == NULL)
				FAIL("hsrp fields");
			return 0;
		}
		check_err(s, iter, &e, len);
		return (int)e.reason;
	}
	case SK_FRAME: {
		struct frame_info fi;

		if (frame_decode(buf, len, s->linktype, &fi) != 0)
			FAIL("frame_decode returned non-zero");
		if (!inside(fi.l7, fi.l7_len, buf, len))
			FAIL("l7 outside");
		if (fi.kind == FRAME_ESP && !fi.malformed && !inside(fi.u.esp.payload, fi.u.esp.payload_len, buf, len))
			FAIL("esp payload outside");
		if (fi.malformed) {
			check_err(s, iter, &fi.err, len);
			return (int)fi.err.reason;
		}
		if (fi.kind == FRAME_ISAKMP)
			return run_isakmp(s, iter, fi.l7, fi.l7_len);
		return 0;
	}
	}
	return 0;
}

int main(void)
{
	static uint8_t work[MUT_BUF];
	unsigned long total = 0;
	clock_t t0 = clock();
	int si, iter;
	int r;

	build_seeds();
	for (si = 0; si < nseeds; si++) {
		struct seed *s = &seeds[si];

		/* the seed itself must decode */
		if (run_one(s, -1, s->bytes, s->len) != 0) {
			fprintf(stderr, "FAIL seed %s rejected unmutated\n", s->name);
			failures++;
		}
		for (iter = 0; iter < MUT_PER_SEED; iter++) {
			size_t len = s->len;
			int nops = 1 + (int)rng_below(3), o;
			uint8_t *exact;

			memcpy(work, s->bytes, len);
			for (o = 0; o < nops; o++)
				len = mutate(s, work, len);
			/* an exact-size heap copy so ASan sees any over-read */
			exact = malloc(len ? len : 1);
			if (exact == NULL)
				return 2;
			memcpy(exact, work, len);
			r = run_one(s, iter, exact, len);
			free(exact);
			if (r == 0)
				s->accepted++;
			else {
				s->rejected++;
				if (r > 0 && r < CODEC_REASON_MAX)
					s->by_reason[r]++;
			}
			total++;
		}
	}

	printf("%-24s %8s %8s", "seed", "accepted", "rejected");
	for (r = 1; r < CODEC_REASON_MAX; r++)
		printf(" %12s", codec_reason_name((enum codec_reason)r));
	printf("\n");
	for (si = 0; si < nseeds; si++) {
		const struct seed *s = &seeds[si];

		printf("%-24s %8lu %8lu", s->name, s->accepted, s->rejected);
		for (r = 1; r < CODEC_REASON_MAX; r++)
			printf(" %12lu", s->by_reason[r]);
		printf("\n");
	}
	printf("mutations: %lu over %d seeds, %.2f s CPU, failures: %d\n", total, nseeds,
	       (double)(clock() - t0) / CLOCKS_PER_SEC, failures);
	return failures ? 1 : 0;
}
