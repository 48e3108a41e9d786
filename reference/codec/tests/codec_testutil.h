/* codec_testutil.h — sample messages and frame builders shared by the codec tests,
 * the mutation test and the tshark cross-check. Header-only (static inline).
 */
#ifndef CODEC_TESTUTIL_H
#define CODEC_TESTUTIL_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "cksum.h"
#include "esp.h"
#include "frame.h"
#include "hsrp.h"
#include "isakmp.h"
#include "vrrp.h"

#define TU_IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

static const uint8_t tu_icookie[8] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
static const uint8_t tu_rcookie[8] = { 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xF0, 0x01 };
static const uint8_t tu_mac_a[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0A };
static const uint8_t tu_mac_b[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0B };

static inline void tu_put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void tu_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

static inline void tu_hdr(struct isakmp_hdr *h, uint8_t exch, uint8_t flags, uint32_t msgid, int with_r)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->icookie, tu_icookie, 8);
	if (with_r)
		memcpy(h->rcookie, tu_rcookie, 8);
	h->maj_ver = 1;
	h->min_ver = 0;
	h->exchange = exch;
	h->flags = flags;
	h->msgid = msgid;
}

/* Phase-1 SA: IPsec DOI, SIT_IDENTITY_ONLY, one ISAKMP proposal, one KEY_IKE transform
 * with AES-128/SHA1/PSK/group 14 and a life duration as a 4-byte TLV (RFC 2409 App. A). */
static inline void tu_p1_sa(struct isakmp_sa *sa)
{
	struct isakmp_transform *t;

	memset(sa, 0, sizeof(*sa));
	sa->doi = 1;
	sa->situation = 1;
	sa->nproposals = 1;
	sa->proposals[0].number = 1;
	sa->proposals[0].protocol = ISAKMP_PROTO_ISAKMP;
	sa->proposals[0].ntransforms = 1;
	t = &sa->proposals[0].transforms[0];
	t->number = 1;
	t->id = 1;   /* KEY_IKE */
	t->nattrs = 7;
	t->attrs[0] = (struct isakmp_attr){ .type = 1, .basic = 1, .value = 7 };     /* AES-CBC */
	t->attrs[1] = (struct isakmp_attr){ .type = 14, .basic = 1, .value = 128 };  /* key length */
	t->attrs[2] = (struct isakmp_attr){ .type = 2, .basic = 1, .value = 2 };     /* SHA */
	t->attrs[3] = (struct isakmp_attr){ .type = 3, .basic = 1, .value = 1 };     /* PSK */
	t->attrs[4] = (struct isakmp_attr){ .type = 4, .basic = 1, .value = 14 };    /* group 14 */
	t->attrs[5] = (struct isakmp_attr){ .type = 11, .basic = 1, .value = 1 };    /* seconds */
	t->attrs[6] = (struct isakmp_attr){ .type = 12, .basic = 0, .value = 86400, .data_len = 4 };
}

/* Phase-2 SA: ESP proposal with a 4-byte SPI and two transforms. */
static inline void tu_p2_sa(struct isakmp_sa *sa)
{
	static const uint8_t spi[4] = { 0xC0, 0xFF, 0xEE, 0x01 };
	struct isakmp_proposal *p;

	memset(sa, 0, sizeof(*sa));
	sa->doi = 1;
	sa->situation = 1;
	sa->nproposals = 1;
	p = &sa->proposals[0];
	p->number = 1;
	p->protocol = ISAKMP_PROTO_ESP;
	p->spi_size = 4;
	p->spi = spi;
	p->ntransforms = 2;
	p->transforms[0].number = 1;
	p->transforms[0].id = 12;   /* ESP_AES */
	p->transforms[0].nattrs = 4;
	p->transforms[0].attrs[0] = (struct isakmp_attr){ .type = 4, .basic = 1, .value = 1 };   /* tunnel */
	p->transforms[0].attrs[1] = (struct isakmp_attr){ .type = 5, .basic = 1, .value = 2 };   /* HMAC-SHA */
	p->transforms[0].attrs[2] = (struct isakmp_attr){ .type = 6, .basic = 1, .value = 256 }; /* key len */
	p->transforms[0].attrs[3] = (struct isakmp_attr){ .type = 2, .basic = 0, .value = 3600, .data_len = 2 };
	p->transforms[1].number = 2;
	p->transforms[1].id = 3;    /* ESP_3DES */
	p->transforms[1].nattrs = 2;
	p->transforms[1].attrs[0] = (struct isakmp_attr){ .type = 4, .basic = 1, .value = 1 };
	p->transforms[1].attrs[1] = (struct isakmp_attr){ .type = 5, .basic = 1, .value = 1 };
}

static inline void tu_fill(uint8_t *p, size_t n, uint8_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

/* Main Mode message 1: SA, VID(DPD), VID(RFC 3947) [, NAT-D, NAT-D]. */
static inline int tu_build_mm1(uint8_t *buf, size_t cap, int with_natd)
{
	static struct isakmp_sa sa;
	struct isakmp_builder b;
	struct isakmp_hdr h;
	uint8_t hash[20];

	tu_hdr(&h, ISAKMP_EXCH_MAIN, 0, 0, 0);
	tu_p1_sa(&sa);
	isakmp_build_init(&b, buf, cap, &h);
	isakmp_build_sa(&b, &sa);
	isakmp_build_payload(&b, ISAKMP_PL_VID, isakmp_vid_dpd, 16);
	isakmp_build_payload(&b, ISAKMP_PL_VID, isakmp_vid_rfc3947, 16);
	if (with_natd) {
		tu_fill(hash, sizeof(hash), 0x31);
		isakmp_build_payload(&b, ISAKMP_PL_NATD, hash, sizeof(hash));
		tu_fill(hash, sizeof(hash), 0x77);
		isakmp_build_payload(&b, ISAKMP_PL_NATD, hash, sizeof(hash));
	}
	return isakmp_build_finish(&b);
}

/* A Quick-Mode-like cleartext chain: HASH, SA, NONCE, KE, IDci, IDcr, NAT-OAi, NAT-OAr. */
static inline int tu_build_qm(uint8_t *buf, size_t cap)
{
	static struct isakmp_sa sa;
	struct isakmp_builder b;
	struct isakmp_hdr h;
	uint8_t hash[20], nonce[16], ke[128], id[12];
	uint8_t oa[8] = { 1, 0, 0, 0, 10, 0, 0, 5 };

	tu_hdr(&h, ISAKMP_EXCH_QUICK, 0, 0x01020304, 1);
	tu_p2_sa(&sa);
	tu_fill(hash, sizeof(hash), 1);
	tu_fill(nonce, sizeof(nonce), 2);
	tu_fill(ke, sizeof(ke), 3);
	isakmp_build_init(&b, buf, cap, &h);
	isakmp_build_payload(&b, ISAKMP_PL_HASH, hash, sizeof(hash));
	isakmp_build_sa(&b, &sa);
	isakmp_build_payload(&b, ISAKMP_PL_NONCE, nonce, sizeof(nonce));
	isakmp_build_payload(&b, ISAKMP_PL_KE, ke, sizeof(ke));
	/* ID_IPV4_ADDR_SUBNET 10.1.0.0/16, proto 0 port 0 (RFC 2407 §4.6.2) */
	memcpy(id, (uint8_t[]){ 4, 0, 0, 0, 10, 1, 0, 0, 255, 255, 0, 0 }, 12);
	isakmp_build_payload(&b, ISAKMP_PL_ID, id, 12);
	memcpy(id, (uint8_t[]){ 4, 0, 0, 0, 10, 2, 0, 0, 255, 255, 0, 0 }, 12);
	isakmp_build_payload(&b, ISAKMP_PL_ID, id, 12);
	isakmp_build_payload(&b, ISAKMP_PL_NATOA, oa, sizeof(oa));
	oa[7] = 6;
	isakmp_build_payload(&b, ISAKMP_PL_NATOA, oa, sizeof(oa));
	return isakmp_build_finish(&b);
}

/* Informational: N(R-U-THERE, SPI = cookies, seq) and D(ESP, two SPIs). */
static inline int tu_build_info(uint8_t *buf, size_t cap, int with_delete)
{
	struct isakmp_builder b;
	struct isakmp_hdr h;
	uint8_t spi[16], seq[4] = { 0x12, 0x34, 0x56, 0x78 };
	uint8_t spis[8] = { 0xAA, 0xBB, 0xCC, 0x01, 0xAA, 0xBB, 0xCC, 0x02 };

	tu_hdr(&h, ISAKMP_EXCH_INFO, 0, 0xDEADBEEF, 1);
	memcpy(spi, tu_icookie, 8);
	memcpy(spi + 8, tu_rcookie, 8);
	isakmp_build_init(&b, buf, cap, &h);
	isakmp_build_notify(&b, 1, ISAKMP_PROTO_ISAKMP, ISAKMP_N_R_U_THERE, spi, 16, seq, 4);
	if (with_delete)
		isakmp_build_delete(&b, 1, ISAKMP_PROTO_ESP, 4, spis, 2);
	return isakmp_build_finish(&b);
}

/* A message with every payload type the codec knows plus one private type. */
static inline int tu_build_all(uint8_t *buf, size_t cap)
{
	static struct isakmp_sa sa;
	struct isakmp_builder b;
	struct isakmp_hdr h;
	uint8_t blob[40];
	uint8_t id[8] = { 1, 17, 0x01, 0xF4, 192, 0, 2, 1 };   /* ID_IPV4_ADDR, UDP/500 */
	uint8_t oa4[8] = { 1, 0, 0, 0, 198, 51, 100, 7 };
	uint8_t oa6[20] = { 5, 0, 0, 0, 0x20, 0x01, 0x0d, 0xb8 };
	uint8_t cookies[16];

	memcpy(cookies, tu_icookie, 8);
	memcpy(cookies + 8, tu_rcookie, 8);
	tu_hdr(&h, ISAKMP_EXCH_AGGRESSIVE, 0, 0, 1);
	tu_p1_sa(&sa);
	tu_fill(blob, sizeof(blob), 9);
	isakmp_build_init(&b, buf, cap, &h);
	isakmp_build_sa(&b, &sa);                                        /* 1 */
	isakmp_build_payload(&b, ISAKMP_PL_KE, blob, 32);                /* 4 */
	isakmp_build_payload(&b, ISAKMP_PL_ID, id, sizeof(id));          /* 5 */
	blob[0] = 4;   /* X.509 signature */
	isakmp_build_payload(&b, ISAKMP_PL_CERT, blob, 30);              /* 6 */
	isakmp_build_payload(&b, ISAKMP_PL_CR, blob, 1);                 /* 7 */
	isakmp_build_payload(&b, ISAKMP_PL_HASH, blob, 20);              /* 8 */
	isakmp_build_payload(&b, ISAKMP_PL_SIG, blob, 40);               /* 9 */
	isakmp_build_payload(&b, ISAKMP_PL_NONCE, blob, 16);             /* 10 */
	isakmp_build_notify(&b, 1, ISAKMP_PROTO_ISAKMP, ISAKMP_N_INITIAL_CONTACT, cookies, 16, NULL, 0); /* 11 */
	isakmp_build_delete(&b, 1, ISAKMP_PROTO_ISAKMP, 16, cookies, 1); /* 12 */
	isakmp_build_payload(&b, ISAKMP_PL_VID, isakmp_vid_dpd, 16);     /* 13 */
	isakmp_build_payload(&b, ISAKMP_PL_NATD, blob, 20);              /* 20 */
	isakmp_build_payload(&b, ISAKMP_PL_NATOA, oa4, sizeof(oa4));     /* 21 */
	isakmp_build_payload(&b, ISAKMP_PL_NATD_DRAFT, blob, 16);        /* 130 */
	isakmp_build_payload(&b, ISAKMP_PL_NATOA_DRAFT, oa6, sizeof(oa6)); /* 131 */
	isakmp_build_payload(&b, 200, blob, 5);                          /* private */
	return isakmp_build_finish(&b);
}

/* --- frames --------------------------------------------------------------------- */

/* IPv4 header (no options) + l4 into out; returns bytes. Checksum computed. */
static inline size_t tu_ipv4(uint8_t *out, uint8_t proto, uint32_t src, uint32_t dst, uint8_t ttl,
			     uint16_t frag, const uint8_t *l4, size_t l4_len)
{
	size_t tot = 20 + l4_len;

	memset(out, 0, 20);
	out[0] = 0x45;
	tu_put16(out + 2, (uint16_t)tot);
	tu_put16(out + 4, 0x1234);
	tu_put16(out + 6, frag);
	out[8] = ttl;
	out[9] = proto;
	tu_put32(out + 12, src);
	tu_put32(out + 16, dst);
	tu_put16(out + 10, cksum_finish(cksum_add(0, out, 20)));
	memmove(out + 20, l4, l4_len);
	return tot;
}

static inline size_t tu_udp(uint8_t *out, uint16_t sport, uint16_t dport, const uint8_t *pl, size_t len)
{
	tu_put16(out, sport);
	tu_put16(out + 2, dport);
	tu_put16(out + 4, (uint16_t)(8 + len));
	tu_put16(out + 6, 0);   /* RFC 768: zero = no checksum (IPv4) */
	memmove(out + 8, pl, len);
	return 8 + len;
}

static inline size_t tu_eth(uint8_t *out, const uint8_t dst[6], const uint8_t src[6], uint16_t et,
			    const uint8_t *l3, size_t l3_len)
{
	memcpy(out, dst, 6);
	memcpy(out + 6, src, 6);
	tu_put16(out + 12, et);
	memmove(out + 14, l3, l3_len);
	return 14 + l3_len;
}

/* Ethernet/IPv4/UDP frame around a payload. */
static inline size_t tu_eth_udp_ttl(uint8_t *out, uint32_t src, uint32_t dst, uint8_t ttl,
				    uint16_t sport, uint16_t dport, const uint8_t *pl, size_t len)
{
	uint8_t l4[2048], l3[2048];
	size_t n;

	n = tu_udp(l4, sport, dport, pl, len);
	n = tu_ipv4(l3, 17, src, dst, ttl, 0, l4, n);
	return tu_eth(out, tu_mac_b, tu_mac_a, 0x0800, l3, n);
}

static inline size_t tu_eth_udp(uint8_t *out, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
				const uint8_t *pl, size_t len)
{
	return tu_eth_udp_ttl(out, src, dst, 64, sport, dport, pl, len);
}

static inline size_t tu_eth_ip(uint8_t *out, uint8_t proto, uint32_t src, uint32_t dst, uint8_t ttl,
			       const uint8_t *l4, size_t len)
{
	uint8_t l3[2048];
	size_t n = tu_ipv4(l3, proto, src, dst, ttl, 0, l4, len);

	return tu_eth(out, tu_mac_b, tu_mac_a, 0x0800, l3, n);
}

/* Sample L2 protocol messages. */
static inline int tu_vrrp(uint8_t *buf, size_t cap, int version)
{
	struct vrrp_pkt v;

	memset(&v, 0, sizeof(v));
	v.version = (uint8_t)version;
	v.type = 1;
	v.vrid = 7;
	v.priority = 100;
	v.naddrs = 2;
	v.adver_int_cs = 100;
	v.addrs[0] = TU_IP(192, 168, 0, 1);
	v.addrs[1] = TU_IP(192, 168, 0, 2);
	return vrrp_encode(&v, TU_IP(192, 168, 0, 10), VRRP_GROUP_V4, buf, cap);
}

static inline int tu_hsrp(uint8_t *buf, size_t cap, int version)
{
	struct hsrp_pkt h;

	memset(&h, 0, sizeof(h));
	h.version = (uint8_t)version;
	h.op = HSRP_OP_HELLO;
	h.state = HSRP_ACTIVE;
	h.group = 1;
	h.priority = 100;
	h.hello_ms = 3000;
	h.hold_ms = 10000;
	h.vip = TU_IP(172, 16, 172, 53);
	h.ipver = 4;
	memcpy(h.identifier, tu_mac_a, 6);
	strcpy(h.auth, "cisco");
	return hsrp_encode(&h, buf, cap);
}

static inline size_t tu_esp(uint8_t *buf, uint32_t spi, uint32_t seq, size_t payload)
{
	tu_put32(buf, spi);
	tu_put32(buf + 4, seq);
	tu_fill(buf + 8, payload, 0x5A);
	return 8 + payload;
}

#endif
