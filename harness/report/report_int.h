/* report_int.h — what the report writers share (not installed, not for other modules):
 * a time-sorted view of the run's events, ESP/SPI and ping-probe summaries, folding of
 * noisy packet runs into rows, classification helpers and XML/HTML escaping.
 */
#ifndef HARNESS_REPORT_INT_H
#define HARNESS_REPORT_INT_H

#include <stdio.h>
#include <stdint.h>
#include "report.h"

#define REP_NOTIFY_R_U_THERE     36136   /* RFC 3706 §5.3 */
#define REP_NOTIFY_R_U_THERE_ACK 36137
#define REP_EXCH_MAIN       2
#define REP_EXCH_AGGRESSIVE 4
#define REP_EXCH_INFO       5
#define REP_EXCH_QUICK      32

struct rep_ctx {
	const struct run_report *r;
	const struct ev **ev;    /* every event, stable-sorted by time */
	size_t n;
	int64_t t0, t1;          /* run start/end (from the events when the report has none) */
};

int rep_ctx_init(struct rep_ctx *c, const struct run_report *r);
void rep_ctx_free(struct rep_ctx *c);
double rep_rel(const struct rep_ctx *c, int64_t t_ns);   /* seconds since start */
double rep_duration(const struct rep_ctx *c);
void rep_iso8601(int64_t ns, char *buf, size_t len);    /* 2022-08-23T15:42:42.734Z */

/* ESP traffic of one SPI from one sender (and one receiver when by_peer). */
struct rep_spi {
	uint32_t spi;
	char node[32], peer[32];
	int64_t t_first, t_last;
	uint32_t seq_lo, seq_hi;
	size_t packets;
};
size_t rep_spis(const struct rep_ctx *c, int by_peer, struct rep_spi **out);

/* One prober (EV_PING label): runs of equal fate, outages. */
struct rep_prun {
	uint32_t seq_lo, seq_hi;
	size_t count;
	int lost;
	int recovered;                    /* a probe of the other fate followed */
	int64_t t_first, t_last, t_end;   /* t_end: next probe of the other fate, or estimate */
};
struct rep_probe {
	char label[32], node[32], peer[32];
	unsigned sent, ok;
	double rtt_min_ms, rtt_avg_ms, rtt_max_ms;
	double interval_s;                /* median spacing */
	double longest_outage_s;
	struct rep_prun *runs;
	size_t nruns;
};
size_t rep_probes(const struct rep_ctx *c, struct rep_probe **out);
void rep_probes_free(struct rep_probe *p, size_t n);

/* A line of the folded timeline. */
enum rep_row_kind { ROW_EVENT, ROW_ESP, ROW_PING, ROW_ADVERT, ROW_ICMP };
struct rep_row {
	enum rep_row_kind kind;
	const struct ev *e;            /* first event of the row */
	const struct ev *last;
	int64_t t0, t1, t_end;
	size_t count;
	uint32_t seq_lo, seq_hi;
	int lost;                      /* ROW_PING */
	double rtt_min, rtt_max, rtt_sum;   /* ROW_PING ok, ms */
	int open;
};
/* terminal = 1: also fold VRRP/HSRP adverts and ICMP, drop plain ARP and uninteresting
 * log lines. terminal = 0 (JSON): fold only ESP and ping. */
size_t rep_rows(const struct rep_ctx *c, int terminal, struct rep_row **out);
/* "ESP spi 0xc1a2b3c4 seq 1–34 (34 packets)" (no times, no node names). */
void rep_row_text(const struct rep_ctx *c, const struct rep_row *w, char *buf, size_t len);

int rep_dpd_kind(const struct ev *e);        /* 1 R-U-THERE, 2 ACK, 0 other */
int rep_interesting_log(const char *text);
enum rep_ha { HA_NONE = -1, HA_INIT, HA_BACKUP, HA_MASTER, HA_FAULT };
enum rep_ha rep_ha_state(const char *state);  /* VRRP/HSRP names; HA_NONE for SA states */
const char *rep_ha_name(enum rep_ha h);
int rep_icontains(const char *hay, const char *needle);
/* An event's own line: its text, or one made from its fields when the text is empty. */
void rep_ev_text(const struct ev *e, char *buf, size_t len);

/* XML/HTML text: & < > " ' as entities, control characters other than tab/newline/CR
 * dropped, bytes that are not valid UTF-8 replaced by U+FFFD. */
void rep_xml_escape(FILE *f, const char *s);
void rep_xml_escape_n(FILE *f, const char *s, size_t n);

/* Write to path.tmp and rename it over path on success, so a reader never sees half a
 * report; rep_close_tmp returns 0, or -1 (and removes the temporary) when !ok or I/O failed. */
FILE *rep_open_tmp(const char *path, char *tmp, size_t len);
int rep_close_tmp(FILE *f, const char *tmp, const char *path, int ok);

/* The terminal view into a malloc'd string (for junit's system-out). */
char *rep_timeline_string(const struct run_report *r);

#endif
