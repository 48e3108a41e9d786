/* prober.h — ICMP echo at a fixed interval from inside a node's namespace, optionally
 * sourced from a given address (a loopback, like the documents' `ping … source`).
 * Every sequence number's send and reply times are recorded; the summary uses the
 * documents' terms: "Success rate is 80 percent (4/5)", longest outage, lost ranges.
 */
#ifndef HARNESS_PROBER_H
#define HARNESS_PROBER_H

#include <stdint.h>
#include <stddef.h>

struct probe_rec { uint16_t seq; int64_t sent_ns, reply_ns; /* reply_ns 0 = lost */ int send_errno; };

struct prober;   /* opaque; runs in its own thread */

struct probe_cfg {
	int ns_fd;                /* namespace to ping from */
	uint32_t src, dst;        /* host order; src 0 = kernel's choice */
	double interval_s;        /* e.g. 0.2 */
	double timeout_s;         /* a reply later than this counts as lost (default 2) */
	int count;                /* 0 = until stopped */
	uint16_t ident;           /* ICMP identifier; 0 = derived from pid and a counter */
};

struct prober *probe_start(const struct probe_cfg *c, char *err, size_t errlen);
void probe_stop(struct prober *p);   /* waits for the timeout of outstanding echoes */
/* Records so far (copy, caller frees). */
size_t probe_records(struct prober *p, struct probe_rec **out);
void probe_free(struct prober *p);

struct probe_summary {
	unsigned sent, received;
	unsigned percent;                 /* floor(100*received/sent) like IOS */
	double longest_outage_s;          /* from the last reply before the longest gap to the first after */
	uint16_t lost_first, lost_last;   /* the longest run of lost seqs */
	unsigned lost_run;                /* its length */
	int64_t outage_start_ns, outage_end_ns;
	double rtt_min_ms, rtt_avg_ms, rtt_max_ms;
};
void probe_summarize(const struct probe_rec *r, size_t n, struct probe_summary *s);
/* "Success rate is 80 percent (4/5), round-trip min/avg/max = 1/2/4 ms" */
void probe_format(const struct probe_summary *s, char *buf, size_t len);
/* "!!!!!.....!!!!" like IOS, one char per record (up to len-1). */
void probe_bangs(const struct probe_rec *r, size_t n, char *buf, size_t len);

#endif
