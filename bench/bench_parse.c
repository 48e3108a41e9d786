/* bench_parse.c — reading iperf3's JSON report and the gateways' log timestamps (bench.h).
 *
 * The JSON reader is a bounded scanner, not a general parser: it finds a named object,
 * walks its members at depth 1 (skipping strings with their escapes and nested values)
 * and reads one number. That is all the benchmark needs from iperf3 -J, and it never
 * reads past the terminating NUL whatever the input.
 */
#include "bench.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* p at an opening quote: the character after the closing one (or at the NUL). The
 * string's contents, without unescaping, go to out (truncated) when out is not NULL. */
static const char *json_string(const char *p, char *out, size_t outlen)
{
	size_t n = 0;

	for (p++; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1])
			p++;
		if (out && n + 1 < outlen)
			out[n++] = *p;
	}
	if (out && outlen)
		out[n] = '\0';
	return *p ? p + 1 : p;
}

/* p after "name": (at the value): the start of the object's first member, or NULL when
 * the value is not an object. */
static const char *json_object_body(const char *p)
{
	p = skip_ws(p);
	return *p == '{' ? p + 1 : NULL;
}

/* Find the member "name": anywhere in json as a key (a string followed by ':'); returns
 * where its value starts, or NULL. */
static const char *json_find_key(const char *json, const char *name)
{
	size_t nl = strlen(name);
	const char *p = json;

	while ((p = strchr(p, '"')) != NULL) {
		const char *end = json_string(p, NULL, 0);

		if ((size_t)(end - p) == nl + 2 && !strncmp(p + 1, name, nl)) {
			const char *q = skip_ws(end);

			if (*q == ':')
				return q + 1;
		}
		p = end;
		if (!*p)
			break;
	}
	return NULL;
}

int bench_json_number(const char *json, const char *object, const char *key, double *out)
{
	const char *p = json_find_key(json, object);
	int depth = 1;
	char name[64];

	if (!p || !(p = json_object_body(p)))
		return -1;
	while (*p && depth > 0) {
		if (*p == '"') {
			p = json_string(p, name, sizeof(name));
			if (depth == 1 && !strcmp(name, key)) {
				const char *q = skip_ws(p);
				char *end;

				if (*q != ':')
					continue;
				q = skip_ws(q + 1);
				*out = strtod(q, &end);
				return end == q ? -1 : 0;
			}
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']')
			depth--;
		p++;
	}
	return -1;
}

int bench_iperf_parse(const char *json, struct bench_iperf *out)
{
	const char *e;
	double v;

	memset(out, 0, sizeof(*out));
	out->retransmits = -1;
	e = json_find_key(json, "error");
	if (e && *(e = skip_ws(e)) == '"') {
		json_string(e, out->error, sizeof(out->error));
		return -1;
	}
	if (bench_json_number(json, "sum_received", "bits_per_second", &out->rx_bps) < 0 ||
	    bench_json_number(json, "sum_sent", "bits_per_second", &out->tx_bps) < 0 ||
	    bench_json_number(json, "sum_sent", "bytes", &out->tx_bytes) < 0 ||
	    bench_json_number(json, "sum_received", "bytes", &out->rx_bytes) < 0) {
		snprintf(out->error, sizeof(out->error), "no end.sum_sent/sum_received in the iperf3 report");
		return -1;
	}
	if (bench_json_number(json, "sum_sent", "retransmits", &v) == 0)
		out->retransmits = (long)v;
	return 0;
}

/* n decimal digits at p → *v; -1 unless all are digits. */
static int digits(const char *p, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return -1;
		*v = *v * 10 + (p[i] - '0');
	}
	return 0;
}

int64_t bench_log_ts_ms(const char *line)
{
	/* "YYYY-MM-DD HH:MM:SS.mmm": separators at fixed places */
	static const struct { int at, len; char after; } f[7] = {
		{ 0, 4, '-' }, { 5, 2, '-' }, { 8, 2, ' ' }, { 11, 2, ':' }, { 14, 2, ':' }, { 17, 2, '.' },
		{ 20, 3, 0 },
	};
	int v[7], i;
	struct tm tm;
	time_t t;

	for (i = 0; i < 7; i++) {
		if (strnlen(line, (size_t)(f[i].at + f[i].len + 1)) < (size_t)(f[i].at + f[i].len) ||
		    digits(line + f[i].at, f[i].len, &v[i]) < 0)
			return -1;
		if (f[i].after && line[f[i].at + f[i].len] != f[i].after)
			return -1;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1)
		return -1;
	return (int64_t)t * 1000 + v[6];
}

int bench_log_nth(const char *text, const char *marker1, const char *marker2, int n, int64_t *ts_ms)
{
	const char *line = text;
	int seen = 0;

	while (*line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		char buf[1024];

		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, line, len);
		buf[len] = '\0';
		if (strstr(buf, marker1) && (!marker2 || strstr(buf, marker2)) && ++seen == n) {
			*ts_ms = bench_log_ts_ms(buf);
			return *ts_ms < 0 ? -1 : 1;
		}
		if (!eol)
			break;
		line = eol + 1;
	}
	return 0;
}
