/* frame.c — dissect one captured frame: link layer (Ethernet + one 802.1Q tag, Linux
 * SLL, raw IPv4), ARP, IPv4 (RFC 791 header checks and checksum), then ICMP, UDP
 * (500 ISAKMP, 4500 NAT-T per RFC 3948 §2, 1985 HSRP), ESP, VRRP and OSPF.
 *
 * Never fails: unknown things become FRAME_OTHER / FRAME_IPV4 / FRAME_UDP; a known
 * protocol whose bytes do not parse sets `malformed` and `err` (offset from frame start).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "bufrd.h"
#include "cksum.h"
#include "frame.h"
#include "isakmp.h"

#define FRAME_ETH_HDR_LEN   14
#define FRAME_VLAN_TAG_LEN  4
#define FRAME_SLL_HDR_LEN   16
#define FRAME_IP_MIN_HDR    20
#define FRAME_UDP_HDR_LEN   8
#define FRAME_ICMP_HDR_LEN  8
#define FRAME_ARP_ETH_LEN   28

#define ETHERTYPE_IPV4  0x0800
#define ETHERTYPE_ARP   0x0806
#define ETHERTYPE_VLAN  0x8100

#define IPPROTO_ICMP_   1
#define IPPROTO_UDP_    17
#define IPPROTO_ESP_    50
#define IPPROTO_OSPF_   89

#define IP_MF           0x2000
#define IP_OFFMASK      0x1FFF

static void frame_bad(struct frame_info *fi, enum codec_reason r, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void frame_bad(struct frame_info *fi, enum codec_reason r, size_t off, const char *fmt, ...)
{
	va_list ap;

	fi->malformed = 1;
	fi->err.reason = r;
	fi->err.offset = off;
	va_start(ap, fmt);
	vsnprintf(fi->err.text, sizeof(fi->err.text), fmt, ap);
	va_end(ap);
}

/* A nested decoder failed on bytes that start at `base` in the frame. */
static void frame_nested_bad(struct frame_info *fi, size_t base)
{
	fi->malformed = 1;
	fi->err.offset += base;
}

static void frame_arp(struct frame_info *fi, const uint8_t *p, size_t len, size_t base)
{
	struct frame_arp *a = &fi->u.arp;
	struct bufrd r;
	uint16_t htype = 0, ptype = 0;
	uint8_t hlen = 0, plen = 0;
	uint32_t spa = 0, tpa = 0;

	bufrd_init(&r, p, len);
	if (len < 8) {
		fi->kind = FRAME_ARP;
		frame_bad(fi, CODEC_TRUNCATED, base, "ARP header needs 8 bytes, have %zu", len);
		return;
	}
	bufrd_u16(&r, &htype);
	bufrd_u16(&r, &ptype);
	bufrd_u8(&r, &hlen);
	bufrd_u8(&r, &plen);
	/* RFC 826: only Ethernet/IPv4 ARP is dissected */
	if (htype != 1 || ptype != ETHERTYPE_IPV4 || hlen != 6 || plen != 4)
		return;
	fi->kind = FRAME_ARP;
	if (len < FRAME_ARP_ETH_LEN) {
		frame_bad(fi, CODEC_TRUNCATED, base + len, "Ethernet/IPv4 ARP needs 28 bytes, have %zu", len);
		return;
	}
	/* bytes after 28 are Ethernet padding */
	bufrd_u16(&r, &a->op);
	bufrd_copy(&r, a->sha, 6);
	bufrd_u32(&r, &spa);
	bufrd_copy(&r, a->tha, 6);
	bufrd_u32(&r, &tpa);
	a->spa = spa;
	a->tpa = tpa;
	a->gratuitous = spa == tpa;   /* RFC 5227 §3: sender and target protocol address equal */
}

static void frame_icmp(struct frame_info *fi, const uint8_t *p, size_t len, size_t base)
{
	struct frame_icmp *ic = &fi->u.icmp;
	struct bufrd r;
	uint16_t ck = 0;

	fi->kind = FRAME_ICMP;
	if (len < FRAME_ICMP_HDR_LEN) {
		frame_bad(fi, CODEC_TRUNCATED, base + len, "ICMP header needs 8 bytes, have %zu", len);
		return;
	}
	bufrd_init(&r, p, len);
	bufrd_u8(&r, &ic->type);
	bufrd_u8(&r, &ic->code);
	bufrd_u16(&r, &ck);
	if (ic->type == 0 || ic->type == 8) {   /* RFC 792: echo reply / echo */
		bufrd_u16(&r, &ic->id);
		bufrd_u16(&r, &ic->seq);
	}
	/* RFC 792: checksum over the whole ICMP message (not verifiable on a fragment) */
	ic->checksum_ok = !fi->ip_first_frag && cksum_finish(cksum_add(0, p, len)) == 0;
}

static void frame_udp(struct frame_info *fi, const uint8_t *p, size_t len, size_t base)
{
	struct bufrd r;
	uint16_t ulen = 0, ck = 0;
	const uint8_t *pl;
	size_t pl_len, pl_base = base + FRAME_UDP_HDR_LEN;

	fi->kind = FRAME_UDP;
	if (len < FRAME_UDP_HDR_LEN) {
		frame_bad(fi, CODEC_TRUNCATED, base + len, "UDP header needs 8 bytes, have %zu", len);
		return;
	}
	bufrd_init(&r, p, len);
	bufrd_u16(&r, &fi->sport);
	bufrd_u16(&r, &fi->dport);
	bufrd_u16(&r, &ulen);
	bufrd_u16(&r, &ck);
	fi->has_udp = 1;
	/* RFC 768: Length counts header and data, so ≥ 8 and equal to the IP payload */
	if (ulen < FRAME_UDP_HDR_LEN) {
		frame_bad(fi, CODEC_BAD_LENGTH, base + 4, "UDP length %u below 8", ulen);
		return;
	}
	if (fi->ip_first_frag && ulen > len) {
		pl_len = len - FRAME_UDP_HDR_LEN;   /* rest is in later fragments */
	} else if (ulen != len) {
		frame_bad(fi, CODEC_BAD_LENGTH, base + 4, "UDP length %u, IP payload %zu", ulen, len);
		return;
	} else {
		pl_len = (size_t)ulen - FRAME_UDP_HDR_LEN;
	}
	bufrd_ptr(&r, &pl, pl_len);
	fi->l7 = pl;
	fi->l7_len = pl_len;

	if (fi->dport == ISAKMP_NATT_PORT || fi->sport == ISAKMP_NATT_PORT) {
		enum udp4500_kind k;
		const uint8_t *inner;
		size_t inner_len;

		fi->natt = 1;
		if (udp4500_classify(pl, pl_len, &k, &inner, &inner_len, &fi->err)) {
			frame_nested_bad(fi, pl_base);
			return;
		}
		if (k == UDP4500_KEEPALIVE) {
			fi->kind = FRAME_NATT_KEEPALIVE;
		} else if (k == UDP4500_IKE) {
			/* RFC 3948 §2.2: IKE after the 4-byte non-ESP marker */
			fi->kind = FRAME_ISAKMP;
			fi->l7 = inner;
			fi->l7_len = inner_len;
		} else {
			fi->kind = FRAME_ESP;
			if (esp_decode(pl, pl_len, &fi->u.esp, &fi->err))
				frame_nested_bad(fi, pl_base);
		}
	} else if (fi->dport == ISAKMP_PORT || fi->sport == ISAKMP_PORT) {
		fi->kind = FRAME_ISAKMP;   /* RFC 2408 §2.5.1; decoded by the caller */
	} else if (fi->dport == HSRP_PORT || fi->sport == HSRP_PORT) {
		fi->kind = FRAME_HSRP;
		if (hsrp_decode(pl, pl_len, &fi->u.hsrp, &fi->err))
			frame_nested_bad(fi, pl_base);
	}
}

static void frame_ipv4(struct frame_info *fi, const uint8_t *p, size_t len, size_t base)
{
	struct bufrd r;
	uint8_t vihl = 0, tos = 0;
	uint16_t ck = 0;
	size_t ihl;
	const uint8_t *l4;
	size_t l4_len, l4_base;

	fi->kind = FRAME_IPV4;
	if (len < FRAME_IP_MIN_HDR) {
		frame_bad(fi, CODEC_TRUNCATED, base + len, "IPv4 header needs 20 bytes, have %zu", len);
		return;
	}
	bufrd_init(&r, p, len);
	bufrd_u8(&r, &vihl);
	if (vihl >> 4 != 4) {
		frame_bad(fi, CODEC_BAD_VERSION, base, "IP version %u in an IPv4 frame", vihl >> 4);
		return;
	}
	/* RFC 791 §3.1: IHL counts 32-bit words, minimum 5 */
	ihl = (size_t)(vihl & 0x0F) * 4;
	if (ihl < FRAME_IP_MIN_HDR) {
		frame_bad(fi, CODEC_BAD_LENGTH, base, "IPv4 IHL %zu bytes below 20", ihl);
		return;
	}
	if (ihl > len) {
		frame_bad(fi, CODEC_TRUNCATED, base + len, "IPv4 header of %zu bytes, %zu captured", ihl, len);
		return;
	}
	bufrd_u8(&r, &tos);
	bufrd_u16(&r, &fi->ip_len);
	bufrd_u16(&r, &fi->ip_id);
	bufrd_u16(&r, &fi->ip_frag);
	bufrd_u8(&r, &fi->ip_ttl);
	bufrd_u8(&r, &fi->ip_proto);
	bufrd_u16(&r, &ck);
	bufrd_u32(&r, &fi->ip_src);
	bufrd_u32(&r, &fi->ip_dst);
	fi->has_ip = 1;
	fi->ip_checksum_ok = cksum_finish(cksum_add(0, p, ihl)) == 0;
	/* RFC 791: Total Length covers header and data; bytes beyond it are link padding */
	if (fi->ip_len < ihl) {
		frame_bad(fi, CODEC_BAD_LENGTH, base + 2, "IPv4 total length %u below header %zu",
			  fi->ip_len, ihl);
		return;
	}
	if (fi->ip_len > len) {
		frame_bad(fi, CODEC_TRUNCATED, base + 2, "IPv4 total length %u, %zu captured",
			  fi->ip_len, len);
		return;
	}
	/* only the first fragment carries the upper-layer header */
	if (fi->ip_frag & IP_OFFMASK)
		return;
	fi->ip_first_frag = (fi->ip_frag & IP_MF) != 0;
	l4 = p + ihl;
	l4_len = fi->ip_len - ihl;
	l4_base = base + ihl;

	switch (fi->ip_proto) {
	case IPPROTO_ICMP_:
		frame_icmp(fi, l4, l4_len, l4_base);
		break;
	case IPPROTO_UDP_:
		frame_udp(fi, l4, l4_len, l4_base);
		break;
	case IPPROTO_ESP_:
		fi->kind = FRAME_ESP;
		fi->l7 = l4;
		fi->l7_len = l4_len;
		if (esp_decode(l4, l4_len, &fi->u.esp, &fi->err))
			frame_nested_bad(fi, l4_base);
		break;
	case VRRP_PROTO:
		fi->kind = FRAME_VRRP;
		fi->l7 = l4;
		fi->l7_len = l4_len;
		if (vrrp_decode(l4, l4_len, fi->ip_src, fi->ip_dst, &fi->u.vrrp, &fi->err))
			frame_nested_bad(fi, l4_base);
		break;
	case IPPROTO_OSPF_:
		fi->kind = FRAME_OSPF;
		fi->l7 = l4;
		fi->l7_len = l4_len;
		break;
	default:
		break;
	}
}

int frame_decode(const uint8_t *pkt, size_t len, int linktype, struct frame_info *fi)
{
	struct bufrd r;
	uint16_t et = 0;

	memset(fi, 0, sizeof(*fi));
	fi->linktype = linktype;
	fi->kind = FRAME_OTHER;
	bufrd_init(&r, pkt, len);

	switch (linktype) {
	case FRAME_LINKTYPE_ETHERNET:
		if (len < FRAME_ETH_HDR_LEN) {
			frame_bad(fi, CODEC_TRUNCATED, len, "Ethernet header needs 14 bytes, have %zu", len);
			return 0;
		}
		bufrd_copy(&r, fi->eth_dst, 6);
		bufrd_copy(&r, fi->eth_src, 6);
		bufrd_u16(&r, &et);
		fi->has_eth = 1;
		break;
	case FRAME_LINKTYPE_LINUX_SLL: {
		uint16_t hatype = 0, halen = 0;
		uint8_t addr[8];

		if (len < FRAME_SLL_HDR_LEN) {
			frame_bad(fi, CODEC_TRUNCATED, len, "SLL header needs 16 bytes, have %zu", len);
			return 0;
		}
		bufrd_u16(&r, &fi->sll_pkttype);
		bufrd_u16(&r, &hatype);
		bufrd_u16(&r, &halen);
		bufrd_copy(&r, addr, 8);
		bufrd_u16(&r, &et);
		fi->has_sll = 1;
		if (halen == 6)
			memcpy(fi->eth_src, addr, 6);
		break;
	}
	case FRAME_LINKTYPE_RAW:
		/* raw IP: the version nibble says which */
		if (len > 0 && pkt[0] >> 4 == 4)
			et = ETHERTYPE_IPV4;
		break;
	default:
		return 0;
	}
	/* IEEE 802.1Q: one tag (TPID 0x8100, TCI with the 12-bit VID) */
	if (et == ETHERTYPE_VLAN && linktype != FRAME_LINKTYPE_RAW) {
		uint16_t tci = 0;

		if (bufrd_u16(&r, &tci) || bufrd_u16(&r, &et)) {
			frame_bad(fi, CODEC_TRUNCATED, len, "802.1Q tag truncated");
			return 0;
		}
		fi->has_vlan = 1;
		fi->vlan_id = tci & 0x0FFF;
	}
	fi->ethertype = et;
	if (et == ETHERTYPE_IPV4)
		frame_ipv4(fi, pkt + r.off, bufrd_left(&r), r.off);
	else if (et == ETHERTYPE_ARP)
		frame_arp(fi, pkt + r.off, bufrd_left(&r), r.off);
	return 0;
}

char *frame_ip_str(uint32_t ip, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xFF, (ip >> 8) & 0xFF, ip & 0xFF);
	return buf;
}

char *frame_mac_str(const uint8_t mac[6], char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}
