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
