/* report_int.h — what the report writers share (not installed, not for other modules):
 * a time-sorted view of the run's events, ESP/SPI and ping-probe summaries, folding of
 * noisy packet runs into rows, classification helpers and XML/HTML escaping.
 */
#ifndef HARNESS_REPORT_INT_H
#define HARNESS_REPORT_INT_H

#include <stdio.h>
#include <stdint.h>
#include "report.h"

#define REPORT_NOTIFY_R_U_THERE     36136   /* RFC 3706 §5.3 */
#define REPORT_NOTIFY_R_U_THERE_ACK 36137
#define REPORT_EXCH_MAIN       2
#define REPORT_EXCH_AGGRESSIVE 4
#define REPORT_EXCH_INFO       5
#define REPORT_EXCH_QUICK      32

struct report_ctx {
	const struct run_report *r;
	const struct ev **ev;    /* every event, stable-sorted by time */
	size_t n;
	int64_t t0, t1;          /* run start/end (from the events when the report has none) */
};

int report_ctx_init(struct report_ctx *c, const struct run_report *r);
void report_ctx_free(struct report_ctx *c);
double report_rel(const struct report_ctx *c, int64_t t_ns);   /* seconds since start */
double report_duration(const struct report_ctx *c);
void report_iso8601(int64_t ns, char *buf, size_t len);    /* 2022-08-23T15:42:42.734Z */

/* ESP traffic of one SPI from one sender (and one receiver when by_peer). */
struct report_spi {
	uint32_t spi;
	char node[32], peer[32];
	int64_t t_first, t_last;
	uint32_t seq_lo, seq_hi;
	size_t packets;
};
size_t report_spis(const struct report_ctx *c, int by_peer, struct report_spi **out);

/* One prober (EV_PING label): runs of equal fate, outages. */
struct report_prun {
	uint32_t seq_lo, seq_hi;
	size_t count;
	int lost;
	int recovered;                    /* a probe of the other fate followed */
	int64_t t_first, t_last, t_end;   /* t_end: next probe of the other fate, or estimate */
};
struct report_probe {
	char label[32], node[32], peer[32];
	unsigned sent, ok;
	double rtt_min_ms, rtt_avg_ms, rtt_max_ms;
	double interval_s;                /* median spacing */
	double longest_outage_s;
	struct report_prun *runs;
	size_t nruns;
};
size_t report_probes(const struct report_ctx *c, struct report_probe **out);
void report_probes_free(struct report_probe *p, size_t n);

/* A line of the folded timeline. */
enum report_row_kind { REPORT_ROW_EVENT, REPORT_ROW_ESP, REPORT_ROW_PING, REPORT_ROW_ADVERT, REPORT_ROW_ICMP };
struct report_row {
	enum report_row_kind kind;
	const struct ev *e;            /* first event of the row */
	const struct ev *last;
	int64_t t0, t1, t_end;
	size_t count;
	uint32_t seq_lo, seq_hi;
	int lost;                      /* REPORT_ROW_PING */
	double rtt_min, rtt_max, rtt_sum;   /* REPORT_ROW_PING ok, ms */
	int open;
};
/* terminal = 1: also fold VRRP/HSRP adverts and ICMP, drop plain ARP and uninteresting
 * log lines. terminal = 0 (JSON): fold only ESP and ping. */
size_t report_rows(const struct report_ctx *c, int terminal, struct report_row **out);
/* "ESP spi 0xc1a2b3c4 seq 1–34 (34 packets)" (no times, no node names). */
void report_row_text(const struct report_ctx *c, const struct report_row *w, char *buf, size_t len);

int report_dpd_kind(const struct ev *e);        /* 1 R-U-THERE, 2 ACK, 0 other */
int report_interesting_log(const char *text);
enum report_ha { REPORT_HA_NONE = -1, REPORT_HA_INIT, REPORT_HA_BACKUP, REPORT_HA_MASTER, REPORT_HA_FAULT };
enum report_ha report_ha_state(const char *state);  /* VRRP/HSRP names; REPORT_HA_NONE for SA states */
const char *report_ha_name(enum report_ha h);
int report_icontains(const char *hay, const char *needle);
/* An event's own line: its text, or one made from its fields when the text is empty. */
void report_ev_text(const struct ev *e, char *buf, size_t len);

/* XML/HTML text: & < > " ' as entities, control characters other than tab/newline/CR
 * dropped, bytes that are not valid UTF-8 replaced by U+FFFD. */
void report_xml_escape(FILE *f, const char *s);
void report_xml_escape_n(FILE *f, const char *s, size_t n);

/* Write to path.tmp and rename it over path on success, so a reader never sees half a
 * report; report_close_tmp returns 0, or -1 (and removes the temporary) when !ok or I/O failed. */
FILE *report_open_tmp(const char *path, char *tmp, size_t len);
/* What every writer starts with: the context and the temporary file; NULL (nothing to
 * free) on failure. */
FILE *report_begin(struct report_ctx *c, const struct run_report *r, const char *path, char *tmp, size_t len);
int report_close_tmp(FILE *f, const char *tmp, const char *path, int ok);

/* The terminal view into a malloc'd string (for junit's system-out). */
char *report_timeline_string(const struct run_report *r);

#endif
