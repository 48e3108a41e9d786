/* frame.h — one captured frame, dissected layer by layer: Ethernet (or Linux cooked
 * SLL / raw IPv4) → ARP | IPv4 → ICMP | UDP (500 ISAKMP, 4500 NAT-T ISAKMP/ESP/keepalive,
 * 1985 HSRP) | ESP (50) | VRRP (112) | OSPF (89, identified only).
 *
 * frame_decode() never fails on a packet it does not understand: it fills as many
 * layers as it can and sets `kind` and, when a known protocol's bytes are malformed,
 * `malformed` with the codec_err. ISAKMP bodies are not decoded here (the message
 * struct is large): `l7`/`l7_len` point at the ISAKMP message (marker stripped) for
 * isakmp_decode().
 */
#ifndef CODEC_FRAME_H
#define CODEC_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include "codec_err.h"
#include "esp.h"
#include "vrrp.h"
#include "hsrp.h"

/* pcap link types we accept */
#define FRAME_LINKTYPE_ETHERNET  1
#define FRAME_LINKTYPE_RAW       101
#define FRAME_LINKTYPE_LINUX_SLL 113

enum frame_kind {
	FRAME_OTHER = 0, FRAME_ARP, FRAME_ICMP, FRAME_ISAKMP, FRAME_ESP, FRAME_NATT_KEEPALIVE,
	FRAME_VRRP, FRAME_HSRP, FRAME_OSPF, FRAME_UDP, FRAME_IPV4,
};

struct frame_arp {
	uint16_t op;                /* 1 request, 2 reply */
	uint8_t sha[6], tha[6];
	uint32_t spa, tpa;          /* host order */
	int gratuitous;             /* spa == tpa */
};

struct frame_icmp {
	uint8_t type, code;
	uint16_t id, seq;           /* echo request/reply */
	int checksum_ok;
};

struct frame_info {
	int linktype;
	int has_eth;
	uint8_t eth_src[6], eth_dst[6];
	uint16_t ethertype;
	int has_vlan;               /* added: one 802.1Q tag was stripped */
	uint16_t vlan_id;           /* added: its 12-bit VID */
	int has_sll;                /* added: Linux cooked header (eth_src from its address) */
	uint16_t sll_pkttype;       /* added: 0 to us, 1 broadcast, 2 multicast, 4 outgoing */
	int has_ip;
	uint32_t ip_src, ip_dst;    /* host order */
	uint8_t ip_proto, ip_ttl;
	uint16_t ip_len, ip_id, ip_frag;   /* ip_frag: flags+offset as on the wire */
	int ip_checksum_ok;
	int ip_first_frag;          /* added: offset 0 with MF set; l4/l7 are cut short */
	int has_udp;
	uint16_t sport, dport;
	enum frame_kind kind;
	int natt;                   /* ISAKMP/ESP carried in UDP 4500 */
	const uint8_t *l7; size_t l7_len;   /* ISAKMP message / ESP packet / HSRP / VRRP bytes */
	union {
		struct frame_arp arp;
		struct frame_icmp icmp;
		struct esp_hdr esp;
		struct vrrp_pkt vrrp;
		struct hsrp_pkt hsrp;
	} u;
	int malformed;
	struct codec_err err;
};

int frame_decode(const uint8_t *pkt, size_t len, int linktype, struct frame_info *fi);

/* "1.1.1.2" into a caller buffer of ≥ 16 bytes; returns buf. */
char *frame_ip_str(uint32_t ip, char *buf);
/* "00:00:5e:00:01:01" into a caller buffer of ≥ 18 bytes; returns buf. */
char *frame_mac_str(const uint8_t mac[6], char *buf);

#endif
