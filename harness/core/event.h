/* event.h — the one timeline every part of a run writes into and reads from.
 *
 * Decoded packets (analyze/), node log lines (drivers' logs()), harness actions
 * (core/runner) and prober results all become events with a CLOCK_REALTIME timestamp
 * in nanoseconds, so they merge by sorting. Expectations (core/expect) query it; the
 * reports (report/) draw it.
 */
#ifndef HARNESS_EVENT_H
#define HARNESS_EVENT_H

#include <stddef.h>
#include <stdint.h>

enum ev_src { EV_SRC_CAPTURE, EV_SRC_LOG, EV_SRC_ACTION, EV_SRC_PROBE, EV_SRC_STATE };

enum ev_type {
	EV_IKE,          /* an ISAKMP message (phase 1/2, informational); see exch/msgno */
	EV_DPD,          /* R-U-THERE / R-U-THERE-ACK (decrypted); notify/dpd_seq */
	EV_IKE_NOTIFY,   /* other notify seen (decrypted or clear) */
	EV_IKE_DELETE,   /* Delete payload (decrypted); spi */
	EV_ESP,          /* ESP packet; spi/seq */
	EV_VRRP,         /* VRRP advertisement; vrid/priority */
	EV_HSRP,         /* HSRP hello/coup/resign; state/op */
	EV_ARP,          /* ARP; gratuitous flag in text */
	EV_ICMP,         /* ICMP echo etc. */
	EV_LOG,          /* a node log line */
	EV_ACTION,       /* a harness action (fault, start, ping …); label = its name */
	EV_PING,         /* prober: one sequence number's fate (seq, rtt or lost) */
	EV_STATE,        /* a state seen by a driver or derived (VRRP Master, SA up/down) */
	EV_TYPE_MAX
};

struct ev {
	int64_t t_ns;            /* CLOCK_REALTIME, ns */
	enum ev_src src;
	enum ev_type type;
	char node[32];           /* sender / owner node ("" if unknown) */
	char peer[32];           /* receiver node for packets */
	char link[32];           /* capture link */
	char label[32];          /* action name (`as NAME`), ping probe name */
	char text[240];          /* human line: "Main Mode message 1", "R-U-THERE seq 0x1a2b3c4d" */
	uint32_t src_ip, dst_ip; /* host order, packets */
	uint32_t spi, seq;       /* ESP spi/seq; PING seq; DPD seq in seq */
	uint8_t exch;            /* ISAKMP exchange type */
	int8_t msgno;            /* Main Mode 1..6, Quick Mode 1..3, 0 = n/a */
	int8_t natt;             /* carried in UDP 4500 */
	int8_t decrypted;        /* ISAKMP payloads were decrypted with a key table */
	int8_t routed;           /* a copy a router forwarded (captured again on a later hop) */
	uint16_t notify;         /* notify type (EV_DPD, EV_IKE_NOTIFY) */
	uint8_t icookie[8], rcookie[8];
	uint32_t msgid;
	int32_t value;           /* VRRP/HSRP priority; PING rtt_us (−1 lost) */
	char state[16];          /* VRRP/HSRP state, SA state */
	/* Captured frames (analyze/): what the FHRP conformance checks (analyze/an_fhrp.h)
	 * read. frame = number of the frame in its link's pcapng file (1-based, as
	 * Wireshark numbers it); eth_src = Ethernet source (zero without Ethernet). */
	uint32_t frame;
	uint8_t eth_src[6];
	uint8_t ttl;             /* IP TTL */
	uint16_t dport;          /* UDP destination port (HSRP) */
	uint16_t l7_len;         /* HSRP/VRRP message bytes */
	uint8_t ver;             /* HSRP 1|2 (v1 carries 0 on the wire), VRRP 2|3 */
	uint8_t op;              /* HSRP opcode, VRRP type, ARP opcode, ICMP type */
	uint8_t fhrp_state;      /* HSRP: enum hsrp_state */
	uint16_t group;          /* HSRP group, VRRP VRID */
	uint32_t hello_ms, hold_ms;   /* HSRP Hello/Hold; VRRP AdverInt in hello_ms */
	uint32_t vip;            /* HSRP VIP, VRRP first address; ARP sender IP */
	uint8_t nvips;           /* VRRP address count */
	uint32_t vips[4];        /* VRRP addresses (first four) */
	int8_t cksum_bad;        /* VRRP checksum did not verify */
	int8_t tlv_ok;           /* HSRPv2: the first TLV is Group State (type 1, length 40) */
	int8_t garp;             /* ARP: gratuitous (sender IP = target IP) */
	uint8_t arp_sha[6];      /* ARP sender hardware address */
};

struct ev_list {
	struct ev *v;
	size_t n, cap;
};

void ev_list_init(struct ev_list *l);
void ev_list_free(struct ev_list *l);
/* Append a copy; returns the stored event (valid until the next push) or NULL on OOM. */
struct ev *ev_push(struct ev_list *l, const struct ev *e);
/* Stable sort by time. */
void ev_sort(struct ev_list *l);
const char *ev_type_name(enum ev_type t);   /* "ike", "dpd", "esp", … */
int64_t ev_now_ns(void);                    /* CLOCK_REALTIME now */

#endif
