/* kern.h — refgw's kernel interface (STYLE.md §1): everything the daemon asks of the
 * kernel goes through one ops table, so tests swap in a mock that records the calls.
 *
 * Owns: the TUN device that carries cleartext traffic (the kernel here has no ESP, so
 * protected traffic is steered into the TUN and refgw does ESP in userspace); links,
 * addresses and routes (rtnetlink, RRI routes tagged for BIRD through the realm);
 * steering: nftables marks from the crypto ACL selectors + an ip rule + a table whose
 * default route is the TUN (DESIGN.md "Facts"); the UDP 500/4500 and raw ESP sockets and
 * the packet I/O helpers the data path uses on them (batched: recvmmsg/sendmmsg, several
 * TUN reads per wakeup).
 *
 * kern_linux() acts on the calling thread's network namespace: each call opens its
 * netlink socket there. All addresses are IPv4 in host order. Ops return 0 (or an fd /
 * an index) on success, -1 with a message in err and errno set.
 */
#ifndef IHH_KERN_H
#define IHH_KERN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "codec_err.h"          /* drop reasons of kern_ipv4_parse */

/* Route protocol numbers (rtm_protocol) of what refgw installs; BIRD's kernel protocol
 * can import by them (`krt_source`). 201/202 are unassigned in iproute2's rt_protos. */
#define KERN_RTPROT_RRI    201    /* Reverse Route Injection routes */
#define KERN_RTPROT_STEER  202    /* the steering table's default route and its ip rule */

#define KERN_NFT_TABLE     "refgw"   /* nftables: table ip refgw */
#define KERN_STEER_PRIO    100       /* ip rule priority of fwmark → table (before main, 32766) */
/* Socket mark of refgw's own IKE/ESP sockets: the output chain never steers them
 * (an "any any" selector would otherwise send the tunnel's own packets into the TUN). */
#define KERN_MARK_OWN      0x72656677u   /* "refw" */

struct kern_route {
	uint32_t dst;
	uint8_t plen;
	uint32_t via;           /* 0: a device route */
	char oif[16];           /* "" none */
	uint32_t table;         /* 0: main */
	uint32_t metric;
	uint8_t protocol;       /* RTPROT_STATIC (0 means static), KERN_RTPROT_RRI, RTPROT_KERNEL … */
	uint32_t realm;         /* carries the IOS route tag to BIRD (krt_realm) */
};

struct kern_steer {
	uint32_t src;
	uint8_t src_plen;
	uint32_t dst;
	uint8_t dst_plen;
	uint8_t proto;          /* 0 any */
};

struct kern_ops {
	/* IFF_TUN|IFF_NO_PI, non-blocking fd, MTU set, link up, rp_filter off, no IPv6. */
	int (*tun_open)(void *k, const char *name, unsigned mtu, int *ifindex, char *err, size_t errlen);
	int (*link_index)(void *k, const char *ifname);          /* -1 if none */
	int (*link_set_up)(void *k, const char *ifname, int up, char *err, size_t errlen);
	int (*link_state)(void *k, const char *ifname, int *admin_up, int *carrier);
	int (*link_mac)(void *k, const char *ifname, uint8_t mac[6]);
	int (*addr_add)(void *k, const char *ifname, uint32_t addr, uint8_t plen, char *err, size_t errlen);
	int (*addr_del)(void *k, const char *ifname, uint32_t addr, uint8_t plen, char *err, size_t errlen);
	int (*route_add)(void *k, const struct kern_route *r, char *err, size_t errlen);  /* replace */
	int (*route_del)(void *k, const struct kern_route *r, char *err, size_t errlen);
	/* Unicast IPv4 routes of one table (0: main), e.g. for `show ip route`; connected = a
	 * route the kernel made for an interface address. */
	int (*route_dump)(void *k, uint32_t table,
			  void (*cb)(void *arg, const struct kern_route *r, int connected), void *arg);
	/* nftables (libnftnl, one atomic batch): table ip refgw, chain pre (filter, hook
	 * prerouting: forwarded traffic) and chain out (type route, hook output: locally
	 * generated) setting meta mark fwmark on packets matching any selector; an ip rule
	 * fwmark → table; in table a default route via the TUN. Replaces the previous set;
	 * n = 0 is steer_clear. Packets that arrive from the TUN and packets of refgw's own
	 * sockets (KERN_MARK_OWN) are never marked. */
	int (*steer_set)(void *k, const char *tun_ifname, uint32_t fwmark, uint32_t table,
			 const struct kern_steer *s, unsigned n, char *err, size_t errlen);
	/* Removes the nftables table, the ip rule and the steering route(s). */
	int (*steer_clear)(void *k, char *err, size_t errlen);
	/* Non-blocking, IP_PKTINFO on (so the daemon learns the local address), bound. */
	int (*udp_socket)(void *k, uint32_t addr, uint16_t port, char *err, size_t errlen);
	/* Raw IPPROTO_ESP, non-blocking, IP_PKTINFO on. */
	int (*esp_socket)(void *k, char *err, size_t errlen);
	/* Write /proc/sys/PATH ("net/ipv4/ip_forward"). */
	int (*sysctl)(void *k, const char *path, const char *val, char *err, size_t errlen);
	/* --- first-hop redundancy (refgw's gw_fhrp.c) --- */
	/* A macvlan link `name` (mode bridge) on `parent` with MAC `mac`, created down: the
	 * virtual MAC of an HSRP/VRRP group (RFC 2281 §6.1, RFC 3768 §7.3). */
	int (*macvlan_add)(void *k, const char *parent, const char *name, const uint8_t mac[6], char *err,
			   size_t errlen);
	int (*link_del)(void *k, const char *ifname, char *err, size_t errlen);
	/* AF_PACKET socket bound to ifname, non-blocking: receives the IPv4 frames of VRRP
	 * (protocol 112) and of UDP port 1985 (HSRP) only (a socket filter; the 224.0.0.2,
	 * .18 and .102 MAC groups joined), sends whole Ethernet frames (send(2)). */
	int (*fhrp_socket)(void *k, const char *ifname, char *err, size_t errlen);
	/* A non-blocking fd that becomes readable when a link changes (rtnetlink RTMGRP_LINK);
	 * kern_link_watch_drain empties it, the caller then asks link_state again. */
	int (*link_watch)(void *k, char *err, size_t errlen);
	void *k;
};

/* Read and discard whatever is queued on a link_watch fd (never blocks). Returns how
 * many reads succeeded. */
int kern_link_watch_drain(int fd);

/* The Linux implementation; acts on the calling thread's namespace. */
const struct kern_ops *kern_linux(void);

/* "20.1.1.0/24 via 10.1.1.2 dev tun0 table 150 metric 1 proto rri realm 99" (fields that
 * are unset are left out); returns buf. */
char *kern_route_str(const struct kern_route *r, char *buf, size_t len);

/* --- the mock ----------------------------------------------------------------------- */

/* Records every call as one text line, e.g.
 *   tun_open refgw0 mtu 1400
 *   addr_add ge0-0 10.1.1.1/24
 *   route_add 20.1.1.0/24 via 10.1.1.2 proto rri realm 99
 *   steer_set refgw0 mark 0x50 table 150 10.9.1.0/24>20.1.1.0/24 10.9.2.0/24>20.1.1.0/24/proto 6
 *   macvlan_add fa0-0.v1 on fa0-0 mac 00:00:0c:07:ac:01      link_del fa0-0.v1
 * and keeps enough state to answer: links (known names get ifindexes from 10 on),
 * addresses (their connected routes show in route_dump) and routes. Fds it hands out
 * (tun_open, udp_socket, esp_socket, fhrp_socket, link_watch) are one end of a datagram socketpair; the test
 * holds the other (kern_mock_peer). */
struct kern_mock;

struct kern_mock *kern_mock_new(void);
void kern_mock_free(struct kern_mock *m);
const struct kern_ops *kern_mock_ops(struct kern_mock *m);
size_t kern_mock_count(const struct kern_mock *m);
const char *kern_mock_line(const struct kern_mock *m, size_t i);      /* NULL past the end */
/* Index of the first line starting with prefix at or after `from`, -1 if none. */
int kern_mock_find(const struct kern_mock *m, size_t from, const char *prefix);
void kern_mock_clear(struct kern_mock *m);                              /* forget the lines */
/* The next call of op ("route_add") fails with errno e. */
void kern_mock_fail(struct kern_mock *m, const char *op, int e);
/* Create or change a link the mock knows (mac may be NULL). */
void kern_mock_link(struct kern_mock *m, const char *ifname, int admin_up, int carrier, const uint8_t *mac);
/* The test's end of an fd the mock handed out, -1 if none. */
int kern_mock_peer(const struct kern_mock *m, int fd);

/* --- packet I/O on the sockets and the TUN --------------------------------------------- */

#define KERN_BATCH_MAX 64

/* One packet in a batch. The caller owns buf; recv fills len/off/addresses. */
struct kern_pkt {
	uint8_t *buf;
	size_t cap;             /* recv: room in buf */
	size_t len;             /* recv: payload bytes at buf + off; send: bytes at buf */
	size_t off;             /* recv: where the payload starts (raw ESP: after the IP header) */
	uint32_t src, dst;      /* recv: sender, and local address (IP_PKTINFO); send: source to use
	                           (0: the kernel chooses) and destination */
	uint16_t sport, dport;  /* UDP ports */
	int ifindex;            /* recv: arrival interface */
	int drop;               /* recv: CODEC_OK, or the codec_reason the IPv4 header was refused for */
	uint16_t gso_size;      /* TUN recv: 0, or a TCP GSO packet of segments of this many payload
	                           bytes, to cut with kern_tso_segment (kern_tun_offload) */
};

/* UDP: recvmmsg of up to n (≤ KERN_BATCH_MAX) datagrams without blocking. Returns how
 * many arrived (0: none pending), -1 on a socket error. */
int kern_udp_recv(int fd, struct kern_pkt *p, unsigned n);
/* Raw ESP: as kern_udp_recv, then the IP header is checked and stripped: off/len frame
 * the ESP bytes, src/dst come from the header; a refused header sets drop. */
int kern_esp_recv(int fd, struct kern_pkt *p, unsigned n);
/* sendmmsg of n packets, each from p->src (IP_PKTINFO; the kernel builds the outer IP
 * header of raw ESP; 0: the kernel chooses) to p->dst:p->dport (dst 0: the connected
 * peer). A packet the kernel refuses (no route, too big) is skipped; a full queue ends
 * the batch. Returns how many were sent, -1 if none. */
int kern_send(int fd, const struct kern_pkt *p, unsigned n);

/* TUN: up to n reads, stopping at the first EAGAIN. src/dst/len from the IPv4 header
 * (drop set for anything that is not a whole IPv4 packet). Returns the count, -1 on error.
 * After kern_tun_offload, a packet may be a TCP GSO packet (gso_size > 0) of up to
 * KERN_TUN_GSO_BUF bytes: buffers must then hold that much. */
int kern_tun_read(int fd, struct kern_pkt *p, unsigned n);

#define KERN_TUN_GSO_BUF 65600

/* Let the kernel hand this TUN (the virtio-net one kern_linux opens) whole TCP GSO
 * packets and packets with partial checksums (TUNSETOFFLOAD TSO4 + CSUM), so a bulk
 * TCP stream costs one TUN read per GSO packet instead of one per segment; kern_tun_read
 * finishes partial checksums, the caller cuts GSO packets with kern_tso_segment. 0, or -1
 * (errno set) if the fd cannot: reads then stay one segment each. */
int kern_tun_offload(int fd);
/* Segment k (from 0) of a GSO packet p as the kernel's TSO would cut it (RFC 793, RFC
 * 791): headers copied, IPv4 total length, ID + k and checksum, TCP sequence number
 * advanced, FIN/PSH only on the last segment and CWR only on the first, the TCP checksum
 * computed over the segment. Returns its length (written at out), 0 past the last
 * segment, -1 if it does not fit cap. */
ssize_t kern_tso_segment(const struct kern_pkt *p, unsigned k, uint8_t *out, size_t cap);
/* One packet into the TUN (the kernel then routes it as if it arrived on that link). */
int kern_tun_write(int fd, const void *pkt, size_t len);
/* n packets (p[i].buf, p[i].len) into the TUN, in order. On the TUN kern_linux opens
 * (virtio-net headers), a run of consecutive segments of one TCP connection — in
 * sequence, same headers and options, checksums verified — goes in as one GSO packet,
 * as the kernel's GRO would have merged them off a NIC: routed and delivered once. A
 * segment that cannot join a run is written as it is. Returns how many of the n packets
 * the kernel took. */
int kern_tun_write_batch(int fd, const struct kern_pkt *p, unsigned n);

struct kern_ipv4 {
	uint32_t src, dst;
	uint8_t proto;
	size_t hlen;            /* header bytes (IHL × 4) */
	size_t tot_len;         /* header + payload, ≤ the bytes given */
};
/* Check an IPv4 header (RFC 791 §3.1: version 4, IHL ≥ 5, IHL ≤ total length ≤ the bytes
 * present). Returns 0, or a codec_reason (TRUNCATED, BAD_VERSION, BAD_LENGTH). */
int kern_ipv4_parse(const uint8_t *pkt, size_t len, struct kern_ipv4 *out);

#endif
