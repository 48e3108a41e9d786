/* report_timeline.c — the terminal view of a run: header, one line per interesting
 * event relative to the start (ESP, ping, adverts and ICMP folded into runs, plain ARP
 * and uninteresting log lines left out), the expectations and the verdict. At most
 * REPORT_COLS columns per line.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report_int.h"

#define REPORT_COLS 120

#define C_RESET "\033[0m"
#define C_BOLD  "\033[1m"
#define C_DIM   "\033[2m"
#define C_RED   "\033[31m"
#define C_GREEN "\033[32m"
#define C_YEL   "\033[33m"
#define C_BLUE  "\033[34m"
#define C_MAG   "\033[35m"
#define C_CYAN  "\033[36m"

/* Cut `s` after `cols` code points, ending it with "…" when something was cut. */
static void report_clip(char *s, size_t cols)
{
	size_t n = 0;
	for (char *p = s; *p; p++) {
		if (((unsigned char)*p & 0xc0) == 0x80)
			continue;
		if (n == cols - 1) {
			/* is there more than one more code point? */
			const char *q = p + 1;
			while (((unsigned char)*q & 0xc0) == 0x80)
				q++;
			if (*q)
				strcpy(p, "\u2026");
			return;
		}
		n++;
	}
}

static size_t report_cols(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static const char *report_type_color(const struct report_row *w)
{
	switch (w->e->type) {
	case EV_IKE: return C_CYAN;
	case EV_DPD: return C_MAG;
	case EV_IKE_DELETE: case EV_IKE_NOTIFY: return C_YEL;
	case EV_ACTION: return C_BOLD C_YEL;
	case EV_STATE: return C_BOLD;
	case EV_PING: return w->lost ? C_RED : C_GREEN;
	case EV_ESP: return C_BLUE;
	case EV_LOG: return C_DIM;
	default: return "";
	}
}

static void report_print_rows(const struct report_ctx *c, FILE *out, int color)
{
	struct report_row *rows;
	size_t n = report_rows(c, 1, &rows);
	int nw = 5;
	for (int i = 0; i < c->r->nnodes && i < 32; i++) {
		int l = (int)strlen(c->r->nodes[i]);
		if (l > nw)
			nw = l;
	}
	if (nw > 12)
		nw = 12;
	for (size_t i = 0; i < n; i++) {
		const struct report_row *w = &rows[i];
		const struct ev *e = w->e;
		char when[48], who[80], what[400], line[600];
		if (w->count > 1)
			snprintf(when, sizeof(when), "+%.3f \u2026 +%.3f s", report_rel(c, w->t0), report_rel(c, w->t1));
		else
			snprintf(when, sizeof(when), "+%.3f s", report_rel(c, w->t0));
		if (e->type == EV_ACTION)
			snprintf(who, sizeof(who), "%-*s   %-*s", nw, "harness", nw, e->node);
		else if (e->type == EV_PING)
			snprintf(who, sizeof(who), "%-*.*s %s %-*.*s", nw, nw, e->node, e->peer[0] ? "\u2192" : " ",
				 nw, nw, e->peer);
		else if (e->peer[0])
			snprintf(who, sizeof(who), "%-*.*s \u2192 %-*.*s", nw, nw, e->node, nw, nw, e->peer);
		else
			snprintf(who, sizeof(who), "%-*.*s   %-*s", nw, nw, e->node[0] ? e->node : "-", nw, "");
		report_row_text(c, w, what, sizeof(what));
		if (e->type == EV_ACTION) {
			char t[320];
			snprintf(t, sizeof(t), "%s %s%s%s", "\u25b6", e->label[0] ? e->label : "action",
				 e->text[0] && strcmp(e->text, e->label) ? ": " : "",
				 e->text[0] && strcmp(e->text, e->label) ? e->text : "");
			snprintf(what, sizeof(what), "%s", t);
		} else if (e->type == EV_STATE && e->state[0] && !report_icontains(what, e->state)) {
			size_t l = strlen(what);
			snprintf(what + l, sizeof(what) - l, " [%s]", e->state);
		}
		/* control characters must not reach the terminal */
		for (char *p = what; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = ' ';
		int wl = (int)report_cols(when);
		snprintf(line, sizeof(line), "%s%*s  %s  %s", when, wl < 22 ? 22 - wl : 0, "", who, what);
		report_clip(line, REPORT_COLS);
		if (color) {
			/* colour the text part only: find it after the fixed columns */
			size_t pre = strlen(when) + (size_t)(wl < 22 ? 22 - wl : 0) + 2 + strlen(who) + 2;
			if (pre > strlen(line))
				pre = strlen(line);
			fprintf(out, C_DIM "%.*s" C_RESET "%s%s" C_RESET "\n", (int)pre, line,
				report_type_color(w), line + pre);
		} else {
			fprintf(out, "%s\n", line);
		}
	}
	free(rows);
}

static const char *report_status_color(enum exp_status s)
{
	return s == EXP_PASS ? C_GREEN : s == EXP_FAIL ? C_RED : C_YEL;
}

static void report_print_exps(const struct run_report *r, FILE *out, int color)
{
	for (int i = 0; i < r->nexps; i++) {
		const struct exp_result *x = &r->exps[i];
		char st[8], line[1024], br[512];
		snprintf(st, sizeof(st), "%s", exp_status_name(x->status));
		for (char *p = st; *p; p++)
			*p = (char)(*p - 'a' + 'A');
		int num = x->has_measured && x->has_window && isfinite(x->measured_s) &&
			  isfinite(x->win_lo_s) && isfinite(x->win_hi_s);
		if (num && x->before_window && x->has_anchor && isfinite(x->anchor_s))   /* side by side */
			snprintf(br, sizeof(br), "[measured %.3f s from %s | %s window %.3f\u2013%.3f s: %.3f s %s]",
				 x->measured_s - x->anchor_s, x->anchor[0] ? x->anchor : "anchor",
				 x->window_name[0] ? x->window_name : "the", x->win_lo_s - x->anchor_s,
				 x->win_hi_s - x->anchor_s, fabs(x->margin_s), x->margin_s > 0 ? "sooner" : "too late");
		else if (num && x->has_anchor && isfinite(x->anchor_s))   /* relative to the anchor */
			snprintf(br, sizeof(br), "[measured %.3f s in window %.3f\u2013%.3f s from %s]",
				 x->measured_s - x->anchor_s, x->win_lo_s - x->anchor_s,
				 x->win_hi_s - x->anchor_s, x->anchor[0] ? x->anchor : "anchor");
		else if (num)                                        /* from the run start */
			snprintf(br, sizeof(br), "[measured +%.3f s in window +%.3f\u2013+%.3f s]",
				 x->measured_s, x->win_lo_s, x->win_hi_s);
		else if (x->measured[0] || x->window[0])
			snprintf(br, sizeof(br), "[measured %s%s%s]", x->measured[0] ? x->measured : "nothing",
				 x->window[0] ? " in window " : "", x->window);
		else
			br[0] = 0;
		snprintf(line, sizeof(line), "%-5s  %s", st, x->name);
		if (report_cols(line) + 2 + report_cols(br) <= REPORT_COLS) {
			size_t l = strlen(line);
			snprintf(line + l, sizeof(line) - l, "  %s", br);
			br[0] = 0;
		}
		report_clip(line, REPORT_COLS);
		if (color)
			fprintf(out, "%s%s%s%s\n", report_status_color(x->status), st, C_RESET, line + strlen(st));
		else
			fprintf(out, "%s\n", line);
		if (br[0]) {
			snprintf(line, sizeof(line), "       %s", br);
			report_clip(line, REPORT_COLS);
			fprintf(out, "%s\n", line);
		}
		if (x->status != EXP_PASS && x->detail[0]) {
			snprintf(line, sizeof(line), "       %s", x->detail);
			for (char *p = line; *p; p++)
				if ((unsigned char)*p < 0x20 || *p == 0x7f)
					*p = ' ';
			report_clip(line, REPORT_COLS);
			fprintf(out, "%s\n", line);
		}
		if (x->status != EXP_PASS && x->file[0]) {
			snprintf(line, sizeof(line), "       at %s:%d", x->file, x->line);
			report_clip(line, REPORT_COLS);
			fprintf(out, "%s\n", line);
		}
	}
}

/* Every outage of every ping probe: start, end, duration, lost echoes. */
static void report_print_outages(const struct report_ctx *c, FILE *out)
{
	struct report_probe *p;
	size_t np = report_probes(c, &p);
	for (size_t i = 0; i < np; i++) {
		size_t shown = 0, total = 0;
		for (size_t j = 0; j < p[i].nruns; j++) {
			const struct report_prun *run = &p[i].runs[j];
			char line[320], seqs[48];
			if (!run->lost)
				continue;
			if (++total > 8)
				continue;
			shown++;
			if (run->count > 1)
				snprintf(seqs, sizeof(seqs), "seq %" PRIu32 "\u2013%" PRIu32, run->seq_lo, run->seq_hi);
			else
				snprintf(seqs, sizeof(seqs), "seq %" PRIu32, run->seq_lo);
			snprintf(line, sizeof(line), "%s outage  +%.3f s \u2192 +%.3f s  %s%.3f s  %s  %zu lost%s",
				 p[i].label, report_rel(c, run->t_first), report_rel(c, run->t_end),
				 run->recovered ? "" : "\u2265 ", (double)(run->t_end - run->t_first) / 1e9, seqs,
				 run->count, run->recovered ? "" : "  (not recovered)");
			report_clip(line, REPORT_COLS);
			fprintf(out, "%s\n", line);
		}
		if (total > shown)
			fprintf(out, "%s: %zu more outages (report.json lists them)\n", p[i].label, total - shown);
	}
	report_probes_free(p, np);
}

void report_print_timeline(const struct run_report *r, FILE *out, int color)
{
	struct report_ctx c;
	if (report_ctx_init(&c, r) < 0)
		return;
	char iso[40], line[512];
	report_iso8601(c.t0, iso, sizeof(iso));
	snprintf(line, sizeof(line), "%s%s%s  run %s  time scale %g  start %s  duration %.3f s  %zu events",
		 r->testcase, r->variant[0] ? "/" : "", r->variant, r->run_id, r->time_scale, iso,
		 report_duration(&c), c.n);
	report_clip(line, REPORT_COLS);
	fprintf(out, "%s%s%s\n", color ? C_BOLD : "", line, color ? C_RESET : "");
	report_print_rows(&c, out, color);
	if (r->nping > 0)
		fprintf(out, "\n");
	for (int i = 0; i < r->nping && i < 8; i++) {
		snprintf(line, sizeof(line), "%s", r->ping_summary[i]);
		report_clip(line, REPORT_COLS);
		fprintf(out, "%s\n", line);
	}
	report_print_outages(&c, out);
	if (r->leak[0]) {
		snprintf(line, sizeof(line), "leak guard: %s", r->leak);
		report_clip(line, REPORT_COLS);
		fprintf(out, "%s\n", line);
	}
	fprintf(out, "\n");
	report_print_exps(r, out, color);
	const char *v = report_verdict_name(r->verdict);
	char V[8];
	char vline[640];
	snprintf(V, sizeof(V), "%s", v);
	for (char *p = V; *p; p++)
		*p = (char)(*p - 'a' + 'A');
	const char *vc = r->verdict == 0 ? C_GREEN : r->verdict == 1 ? C_RED : C_YEL;
	const char *why = r->verdict == 3 ? r->skip_reason : r->verdict == 2 ? r->error : "";
	char var[48] = "";
	if (r->variant[0])
		snprintf(var, sizeof(var), " (variant %s)", r->variant);
	snprintf(vline, sizeof(vline), "VERDICT: %s%s%s%s", V, var, why[0] ? " \u2014 " : "", why);
	report_clip(vline, REPORT_COLS);
	if (color)
		fprintf(out, C_BOLD "%s%s" C_RESET "\n", vc, vline);
	else
		fprintf(out, "%s\n", vline);
	report_ctx_free(&c);
}

char *report_timeline_string(const struct run_report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	report_print_timeline(r, f, 0);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
