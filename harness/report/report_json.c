/* report_json.c — report.json: the run, its verdict and every expectation for CI and
 * tools, summaries (ESP per SPI, ping per probe, event counts), the folded timeline and
 * the raw event list (capped at REPORT_MAX_EVENTS).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "report_int.h"
#include "json.h"

FILE *report_open_tmp(const char *path, char *tmp, size_t len)
{
	if ((size_t)snprintf(tmp, len, "%s.tmp", path) >= len)
		return NULL;
	return fopen(tmp, "w");
}

int report_close_tmp(FILE *f, const char *tmp, const char *path, int ok)
{
	if (fflush(f) != 0 || ferror(f))
		ok = 0;
	if (fclose(f) != 0)
		ok = 0;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static void report_json_time(struct json_w *w, const char *key, int64_t ns)
{
	char iso[40];
	report_iso8601(ns, iso, sizeof(iso));
	json_key(w, key);
	json_begin_object(w);
	json_kv_string(w, "iso", iso);
	json_kv_int(w, "epoch_ns", ns);
	json_end_object(w);
}

static void report_json_hex(struct json_w *w, const char *key, uint32_t v)
{
	json_key(w, key);
	json_stringf(w, "0x%08" PRIx32, v);
}

static int report_hex_cookie(const uint8_t c[8])
{
	for (int i = 0; i < 8; i++)
		if (c[i])
			return 1;
	return 0;
}

/* One event as an object; its type decides which numeric fields matter. */
static void report_json_event(struct json_w *w, const struct report_ctx *c, const struct ev *e)
{
	json_begin_object(w);
	json_kv_double(w, "t", report_rel(c, e->t_ns), 3);
	json_kv_string(w, "type", ev_type_name(e->type));
	if (e->node[0])
		json_kv_string(w, "node", e->node);
	if (e->peer[0])
		json_kv_string(w, "peer", e->peer);
	if (e->link[0])
		json_kv_string(w, "link", e->link);
	if (e->label[0])
		json_kv_string(w, "label", e->label);
	char text[256];
	report_ev_text(e, text, sizeof(text));
	json_kv_string(w, "text", text);
	switch (e->type) {
	case EV_ESP:
		report_json_hex(w, "spi", e->spi);
		json_kv_int(w, "seq", e->seq);
		break;
	case EV_IKE_DELETE:
		if (e->spi)
			report_json_hex(w, "spi", e->spi);
		break;
	case EV_DPD:
		json_kv_string(w, "dpd", report_dpd_kind(e) == 2 ? "ack" : "r-u-there");
		report_json_hex(w, "seq", e->seq);
		break;
	case EV_PING:
		json_kv_int(w, "seq", e->seq);
		if (e->value >= 0)
			json_kv_double(w, "rtt_ms", e->value / 1000.0, 3);
		else
			json_kv_bool(w, "lost", 1);
		break;
	case EV_VRRP: case EV_HSRP:
		json_kv_int(w, "priority", e->value);
		break;
	default:
		break;
	}
	if (e->type == EV_IKE || e->type == EV_DPD || e->type == EV_IKE_NOTIFY ||
	    e->type == EV_IKE_DELETE) {
		if (e->exch)
			json_kv_int(w, "exch", e->exch);
		if (e->msgno)
			json_kv_int(w, "msgno", e->msgno);
		if (e->notify)
			json_kv_int(w, "notify", e->notify);
		if (report_hex_cookie(e->icookie)) {
			char ck[40];
			for (int i = 0; i < 8; i++)
				snprintf(ck + 2 * i, 3, "%02x", e->icookie[i]);
			json_kv_string(w, "icookie", ck);
		}
		if (e->natt)
			json_kv_bool(w, "natt", 1);
	}
	if (e->state[0])
		json_kv_string(w, "state", e->state);
	json_end_object(w);
}

static void report_json_exp(struct json_w *w, const struct exp_result *x)
{
	json_begin_object(w);
	json_kv_string(w, "name", x->name);
	json_kv_string(w, "file", x->file);
	json_kv_int(w, "line", x->line);
	json_kv_string(w, "status", exp_status_name(x->status));
	json_kv_string(w, "measured", x->measured);
	json_kv_string(w, "window", x->window);
	json_kv_string(w, "detail", x->detail);
	json_kv_double(w, "seconds", x->seconds, 3);
	if (x->has_measured)
		json_kv_double(w, "measured_s", x->measured_s, 3);
	if (x->has_window) {
		json_key(w, "window_s");
		json_begin_array(w);
		json_double(w, x->win_lo_s, 3);
		json_double(w, x->win_hi_s, 3);
		json_end_array(w);
	}
	if (x->has_anchor) {
		json_kv_string(w, "anchor", x->anchor);
		json_kv_double(w, "anchor_s", x->anchor_s, 3);
	}
	if (x->window_name[0])
		json_kv_string(w, "window_name", x->window_name);
	if (x->before_window) {
		/* the measured time beside the window it had to beat, both from the anchor */
		json_key(w, "comparison");
		json_begin_object(w);
		json_kv_string(w, "kind", "before-window");
		json_kv_string(w, "window", x->window_name);
		if (x->has_measured && x->has_anchor)
			json_kv_double(w, "measured_after_anchor_s", x->measured_s - x->anchor_s, 3);
		if (x->has_window && x->has_anchor) {
			json_key(w, "window_after_anchor_s");
			json_begin_array(w);
			json_double(w, x->win_lo_s - x->anchor_s, 3);
			json_double(w, x->win_hi_s - x->anchor_s, 3);
			json_end_array(w);
		}
		json_kv_double(w, "sooner_by_s", x->margin_s, 3);
		json_end_object(w);
	}
	json_end_object(w);
}

static void report_json_probes(struct json_w *w, const struct report_ctx *c)
{
	struct report_probe *p;
	size_t np = report_probes(c, &p);
	json_key(w, "probes");
	json_begin_array(w);
	for (size_t i = 0; i < np; i++) {
		json_begin_object(w);
		json_kv_string(w, "probe", p[i].label);
		json_kv_string(w, "node", p[i].node);
		json_kv_string(w, "peer", p[i].peer);
		json_kv_int(w, "sent", p[i].sent);
		json_kv_int(w, "received", p[i].ok);
		json_kv_int(w, "lost", p[i].sent - p[i].ok);
		json_kv_double(w, "interval_s", p[i].interval_s, 3);
		json_kv_double(w, "longest_outage_s", p[i].longest_outage_s, 3);
		if (p[i].ok) {
			json_kv_double(w, "rtt_min_ms", p[i].rtt_min_ms, 3);
			json_kv_double(w, "rtt_avg_ms", p[i].rtt_avg_ms, 3);
			json_kv_double(w, "rtt_max_ms", p[i].rtt_max_ms, 3);
		}
		json_key(w, "runs");
		json_begin_array(w);
		for (size_t j = 0; j < p[i].nruns; j++) {
			const struct report_prun *run = &p[i].runs[j];
			json_begin_object(w);
			json_kv_string(w, "fate", run->lost ? "lost" : "ok");
			json_kv_int(w, "seq_first", run->seq_lo);
			json_kv_int(w, "seq_last", run->seq_hi);
			json_kv_int(w, "count", (int64_t)run->count);
			json_kv_double(w, "t_first", report_rel(c, run->t_first), 3);
			json_kv_double(w, "t_last", report_rel(c, run->t_last), 3);
			if (run->lost) {
				json_kv_double(w, "t_end", report_rel(c, run->t_end), 3);
				json_kv_double(w, "outage_s", (double)(run->t_end - run->t_first) / 1e9, 3);
				json_kv_bool(w, "recovered", run->recovered);
			}
			json_end_object(w);
		}
		json_end_array(w);
		json_end_object(w);
	}
	json_end_array(w);
	report_probes_free(p, np);
}

static void report_json_spis(struct json_w *w, const struct report_ctx *c)
{
	struct report_spi *s;
	size_t ns = report_spis(c, 1, &s);
	json_key(w, "esp");
	json_begin_array(w);
	for (size_t i = 0; i < ns; i++) {
		json_begin_object(w);
		report_json_hex(w, "spi", s[i].spi);
		json_kv_string(w, "node", s[i].node);
		json_kv_string(w, "peer", s[i].peer);
		json_kv_int(w, "packets", (int64_t)s[i].packets);
		json_kv_int(w, "seq_first", s[i].seq_lo);
		json_kv_int(w, "seq_last", s[i].seq_hi);
		json_kv_double(w, "t_first", report_rel(c, s[i].t_first), 3);
		json_kv_double(w, "t_last", report_rel(c, s[i].t_last), 3);
		json_end_object(w);
	}
	json_end_array(w);
	free(s);
}

static void report_json_timeline(struct json_w *w, const struct report_ctx *c)
{
	struct report_row *rows;
	size_t n = report_rows(c, 0, &rows);
	json_key(w, "timeline");
	json_begin_array(w);
	for (size_t i = 0; i < n; i++) {
		const struct report_row *row = &rows[i];
		if (row->kind == REPORT_ROW_EVENT) {
			report_json_event(w, c, row->e);
			continue;
		}
		char text[256];
		report_row_text(c, row, text, sizeof(text));
		json_begin_object(w);
		json_kv_double(w, "t", report_rel(c, row->t0), 3);
		json_kv_double(w, "t_end", report_rel(c, row->t1), 3);
		json_kv_string(w, "type", ev_type_name(row->e->type));
		json_kv_bool(w, "folded", 1);
		if (row->e->node[0])
			json_kv_string(w, "node", row->e->node);
		if (row->e->peer[0])
			json_kv_string(w, "peer", row->e->peer);
		if (row->e->link[0])
			json_kv_string(w, "link", row->e->link);
		if (row->kind == REPORT_ROW_PING) {
			json_kv_string(w, "label", row->e->label);
			json_kv_string(w, "fate", row->lost ? "lost" : "ok");
		}
		json_kv_string(w, "text", text);
		if (row->kind == REPORT_ROW_ESP)
			report_json_hex(w, "spi", row->e->spi);
		json_kv_int(w, "seq_first", row->seq_lo);
		json_kv_int(w, "seq_last", row->seq_hi);
		json_kv_int(w, "count", (int64_t)row->count);
		json_end_object(w);
	}
	json_end_array(w);
	free(rows);
}

int report_write_json(const struct run_report *r, const char *path)
{
	struct report_ctx c;
	char tmp[1024];
	FILE *f = report_begin(&c, r, path, tmp, sizeof(tmp));
	if (!f)
		return -1;
	struct json_w w;
	json_init(&w, f, 1);
	json_begin_object(&w);
	json_kv_string(&w, "format", "ipsec-ha-harness report 1");
	json_kv_string(&w, "testcase", r->testcase);
	json_kv_string(&w, "variant", r->variant);
	json_kv_string(&w, "run_id", r->run_id);
	json_kv_double(&w, "time_scale", r->time_scale, -1);
	report_json_time(&w, "start", c.t0);
	report_json_time(&w, "end", c.t1);
	json_kv_double(&w, "duration_s", report_duration(&c), 3);
	json_kv_string(&w, "verdict", report_verdict_name(r->verdict));
	if (r->verdict == 3 || r->skip_reason[0])
		json_kv_string(&w, "skip_reason", r->skip_reason);
	if (r->verdict == 2 || r->error[0])
		json_kv_string(&w, "error", r->error);

	int cnt[4] = { 0 };
	for (int i = 0; i < r->nexps; i++)
		cnt[(unsigned)r->exps[i].status < 4 ? r->exps[i].status : EXP_ERROR]++;
	json_key(&w, "summary");
	json_begin_object(&w);
	json_kv_int(&w, "expectations", r->nexps);
	json_kv_int(&w, "pass", cnt[EXP_PASS]);
	json_kv_int(&w, "fail", cnt[EXP_FAIL]);
	json_kv_int(&w, "skip", cnt[EXP_SKIP]);
	json_kv_int(&w, "error", cnt[EXP_ERROR]);
	json_end_object(&w);

	json_key(&w, "expectations");
	json_begin_array(&w);
	for (int i = 0; i < r->nexps; i++)
		report_json_exp(&w, &r->exps[i]);
	json_end_array(&w);

	json_key(&w, "nodes");
	json_begin_array(&w);
	for (int i = 0; i < r->nnodes && i < 32; i++)
		json_string(&w, r->nodes[i]);
	json_end_array(&w);

	json_key(&w, "ping");
	json_begin_array(&w);
	for (int i = 0; i < r->nping && i < 8; i++)
		json_string(&w, r->ping_summary[i]);
	json_end_array(&w);
	report_json_probes(&w, &c);

	json_key(&w, "files");
	json_begin_array(&w);
	for (int i = 0; i < r->nfiles && i < 32; i++)
		json_string(&w, r->files[i]);
	json_end_array(&w);
	json_kv_string(&w, "leak_guard", r->leak);

	size_t by_type[EV_TYPE_MAX] = { 0 };
	for (size_t i = 0; i < c.n; i++)
		if ((unsigned)c.ev[i]->type < EV_TYPE_MAX)
			by_type[c.ev[i]->type]++;
	json_key(&w, "event_counts");
	json_begin_object(&w);
	json_kv_int(&w, "total", (int64_t)c.n);
	for (int t = 0; t < EV_TYPE_MAX; t++)
		json_kv_int(&w, ev_type_name((enum ev_type)t), (int64_t)by_type[t]);
	json_end_object(&w);

	report_json_spis(&w, &c);
	report_json_timeline(&w, &c);

	size_t cap = c.n < REPORT_MAX_EVENTS ? c.n : REPORT_MAX_EVENTS;
	json_kv_int(&w, "events_total", (int64_t)c.n);
	json_kv_bool(&w, "events_truncated", cap < c.n);
	json_key(&w, "events");
	json_begin_array(&w);
	for (size_t i = 0; i < cap; i++)
		report_json_event(&w, &c, c.ev[i]);
	json_end_array(&w);
	json_end_object(&w);
	int ok = json_finish(&w) == 0;
	report_ctx_free(&c);
	return report_close_tmp(f, tmp, path, ok);
}

int report_write_all(const struct run_report *r)
{
	char p[1024];
	int rc = 0;
	snprintf(p, sizeof(p), "%s/report.json", r->out_dir[0] ? r->out_dir : ".");
	rc |= report_write_json(r, p);
	snprintf(p, sizeof(p), "%s/junit.xml", r->out_dir[0] ? r->out_dir : ".");
	rc |= report_write_junit(r, p);
	snprintf(p, sizeof(p), "%s/timeline.html", r->out_dir[0] ? r->out_dir : ".");
	rc |= report_write_html(r, p);
	return rc ? -1 : 0;
}
