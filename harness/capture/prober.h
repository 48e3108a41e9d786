/* prober.h — ICMP echo at a fixed interval from inside a node's namespace, optionally
 * sourced from a given address (a loopback, like the documents' `ping … source`).
 * Every sequence number's send and reply times are recorded; the summary uses the
 * documents' terms: "Success rate is 80 percent (4/5)", longest outage, lost ranges.
 */
#ifndef HARNESS_PROBER_H
#define HARNESS_PROBER_H

#include <stdint.h>
#include <stddef.h>

/* All times CLOCK_REALTIME nanoseconds, so they merge with capture timestamps.
 * sent_ns is taken just before sendto(); reply_ns is the kernel's receive timestamp
 * (SO_TIMESTAMPNS). A send error (ENETUNREACH, EINVAL for a blackhole route …) is kept
 * in send_errno and the echo counts as lost. A reply later than timeout_s counts as lost. */
struct probe_rec { uint16_t seq; int64_t sent_ns, reply_ns; /* reply_ns 0 = lost */ int send_errno; };

/* opaque; runs two threads: a sender paced by clock_nanosleep(CLOCK_MONOTONIC,
 * TIMER_ABSTIME) on deadlines start + k*interval (no drift), and a receiver that polls
 * the socket. The raw socket (AF_INET, SOCK_RAW, IPPROTO_ICMP) is opened by the receiver
 * thread after setns(ns_fd, CLONE_NEWNET); the thread then returns to its namespace and
 * the socket stays in ns_fd's. The caller's namespace is never changed. */
struct prober;

struct probe_cfg {
	int ns_fd;                /* namespace to ping from; < 0 = the caller's */
	uint32_t src, dst;        /* host order; src 0 = kernel's choice */
	double interval_s;        /* e.g. 0.2 */
	double timeout_s;         /* a reply later than this counts as lost (default 2) */
	int count;                /* 0 = until stopped */
	uint16_t ident;           /* ICMP identifier; 0 = derived from pid and a counter */
};

/* Returns once the socket is open (bound to src if given) and sending has started. */
struct prober *probe_start(const struct probe_cfg *c, char *err, size_t errlen);
void probe_stop(struct prober *p);   /* waits for the timeout of outstanding echoes */
/* count > 0: wait until all count echoes are sent, then probe_stop(). */
void probe_wait(struct prober *p);
/* The ICMP identifier in use (for matching captures). */
uint16_t probe_ident(const struct prober *p);
/* Records so far (copy, caller frees). */
size_t probe_records(struct prober *p, struct probe_rec **out);
void probe_free(struct prober *p);

struct probe_summary {
	unsigned sent, received;
	unsigned percent;                 /* floor(100*received/sent) like IOS */
	/* Longest outage, around the longest run of lost echoes (the first one on a tie):
	 *   start = send time of the last answered echo before the run
	 *           (the run starts at the first record: send time of its first echo),
	 *   end   = send time of the first answered echo after the run
	 *           (the run reaches the last record: last send time + interval, the
	 *           interval being the mean spacing of the send times),
	 *   longest_outage_s = end - start. No loss: all 0. */
	double longest_outage_s;
	uint16_t lost_first, lost_last;   /* the longest run of lost seqs */
	unsigned lost_run;                /* its length */
	int64_t outage_start_ns, outage_end_ns;
	double rtt_min_ms, rtt_avg_ms, rtt_max_ms;   /* over answered echoes; 0 if none */
	unsigned send_errors;             /* echoes whose sendto failed */
	unsigned lost_runs;               /* number of separate runs of lost echoes */
};
void probe_summarize(const struct probe_rec *r, size_t n, struct probe_summary *s);
/* "Success rate is 80 percent (4/5), round-trip min/avg/max = 1/2/4 ms" — the round-trip
 * part only when something was received; times rounded to whole ms like IOS. */
void probe_format(const struct probe_summary *s, char *buf, size_t len);
/* "!!!!!.....!!!!" like IOS, one char per record (up to len-1). */
void probe_bangs(const struct probe_rec *r, size_t n, char *buf, size_t len);
/* The lost sequence numbers as ranges: "10-19, 33, 40-41" ("" if none). */
void probe_lost_ranges(const struct probe_rec *r, size_t n, char *buf, size_t len);

#endif
