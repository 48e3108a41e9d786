/* bench.h — the throughput/setup benchmark (`make bench`): what its parsers read.
 *
 * Owns the reading of tool output the benchmark depends on: iperf3's JSON report (-J)
 * and the millisecond timestamps of the gateways' logs, from which the MM+QM set-up time
 * is measured. Both are local files written by tools we started; still, nothing here
 * trusts them: a missing key, a truncated report or a line without a timestamp is
 * reported as "not found", never read past its end.
 */
#ifndef IHH_BENCH_H
#define IHH_BENCH_H

#include <stddef.h>
#include <stdint.h>

/* What one iperf3 client run (-J) reports. */
struct bench_iperf {
	double rx_bps;          /* end.sum_received.bits_per_second: what reached the server */
	double tx_bps;          /* end.sum_sent.bits_per_second */
	double tx_bytes;        /* end.sum_sent.bytes: written by the client (some may still be queued) */
	double rx_bytes;        /* end.sum_received.bytes: payload the server read */
	long retransmits;       /* end.sum_sent.retransmits, -1 if absent */
	char error[160];        /* the report's "error" string, "" if none */
};

/* Parse an iperf3 -J report. 0 when it holds both sums; -1 otherwise (then out->error
 * says why: iperf3's own error string when it gave one). */
int bench_iperf_parse(const char *json, struct bench_iperf *out);

/* The number after "key": inside the object that follows "object": in json (the first
 * occurrence of each). 0 and *out set, or -1 if absent or not a number. */
int bench_json_number(const char *json, const char *object, const char *key, double *out);

/* A log line's leading "YYYY-MM-DD HH:MM:SS.mmm" (local time, as refgw and charon's
 * filelog write it) → milliseconds since the epoch; -1 if the line does not start so. */
int64_t bench_log_ts_ms(const char *line);

/* The timestamp of the n-th line (n ≥ 1) of text that contains every one of the
 * markers (up to 2; marker2 may be NULL). 1 and *ts_ms set when found, 0 when there
 * are fewer such lines, -1 when that line has no timestamp. */
int bench_log_nth(const char *text, const char *marker1, const char *marker2, int n, int64_t *ts_ms);

#endif
