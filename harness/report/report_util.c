/* report_util.c — shared by the report writers: sorted event view, SPI and probe
 * summaries, folding of packet runs into timeline rows, escaping (see report_int.h).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "report_int.h"
#include "json.h"

const char *exp_status_name(enum exp_status s)
{
	switch (s) {
	case EXP_PASS: return "pass";
	case EXP_FAIL: return "fail";
	case EXP_SKIP: return "skip";
	case EXP_ERROR: return "error";
	}
	return "error";
}

const char *report_verdict_name(int verdict)
{
	switch (verdict) {
	case 0: return "pass";
	case 1: return "fail";
	case 3: return "skip";
	default: return "error";
	}
}

static int report_cmp_time(const void *a, const void *b)
{
	const struct ev *x = *(const struct ev *const *)a, *y = *(const struct ev *const *)b;
	if (x->t_ns != y->t_ns)
		return x->t_ns < y->t_ns ? -1 : 1;
	return x < y ? -1 : (x > y);   /* stable: original order */
}

int report_ctx_init(struct report_ctx *c, const struct run_report *r)
{
	memset(c, 0, sizeof(*c));
	c->r = r;
	size_t n = r->events ? r->events->n : 0;
	if (n) {
		c->ev = malloc(n * sizeof(*c->ev));
		if (!c->ev)
			return -1;
		for (size_t i = 0; i < n; i++)
			c->ev[i] = &r->events->v[i];
		qsort(c->ev, n, sizeof(*c->ev), report_cmp_time);
		c->n = n;
	}
	c->t0 = r->start_ns ? r->start_ns : (n ? c->ev[0]->t_ns : 0);
	c->t1 = r->end_ns ? r->end_ns : (n ? c->ev[n - 1]->t_ns : c->t0);
	if (c->t1 < c->t0)
		c->t1 = c->t0;
	return 0;
}

void report_ctx_free(struct report_ctx *c)
{
	free(c->ev);
	c->ev = NULL;
	c->n = 0;
}

double report_rel(const struct report_ctx *c, int64_t t_ns)
{
	return (double)(t_ns - c->t0) / 1e9;
}

double report_duration(const struct report_ctx *c)
{
	return (double)(c->t1 - c->t0) / 1e9;
}

void report_iso8601(int64_t ns, char *buf, size_t len)
{
	time_t s = (time_t)(ns / 1000000000);
	int64_t rem = ns % 1000000000;
	if (rem < 0) {
		rem += 1000000000;
		s--;
	}
	struct tm tm;
	gmtime_r(&s, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(rem / 1000000));
}

int report_icontains(const char *hay, const char *needle)
{
	size_t nl = strlen(needle);
	if (!nl)
		return 1;
	for (const char *p = hay; *p; p++)
		if (strncasecmp(p, needle, nl) == 0)
			return 1;
	return 0;
}

int report_dpd_kind(const struct ev *e)
{
	if (e->notify == REPORT_NOTIFY_R_U_THERE)
		return 1;
	if (e->notify == REPORT_NOTIFY_R_U_THERE_ACK)
		return 2;
	if (e->type != EV_DPD)
		return 0;
	return report_icontains(e->text, "ACK") ? 2 : 1;
}

int report_interesting_log(const char *text)
{
	static const char *const words[] = {
		"established", "deleting", "deleted", "DPD", "dead", "timed out", "timeout",
		"invalid", "MASTER", "BACKUP", "FAULT", "not responding", "inexistent",
		"no IKE SA", "Active", "Standby",
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (report_icontains(text, words[i]))
			return 1;
	return 0;
}

enum report_ha report_ha_state(const char *s)
{
	if (!s || !*s)
		return REPORT_HA_NONE;
	if (!strcasecmp(s, "MASTER") || !strcasecmp(s, "ACTIVE"))
		return REPORT_HA_MASTER;
	if (!strcasecmp(s, "BACKUP") || !strcasecmp(s, "STANDBY") || !strcasecmp(s, "SPEAK") ||
	    !strcasecmp(s, "LISTEN") || !strcasecmp(s, "LEARN"))
		return REPORT_HA_BACKUP;
	if (!strcasecmp(s, "FAULT"))
		return REPORT_HA_FAULT;
	if (!strcasecmp(s, "INIT") || !strcasecmp(s, "INITIALIZE") || !strcasecmp(s, "INITIAL"))
		return REPORT_HA_INIT;
	return REPORT_HA_NONE;
}

const char *report_ha_name(enum report_ha h)
{
	switch (h) {
	case REPORT_HA_INIT: return "INIT";
	case REPORT_HA_BACKUP: return "BACKUP";
	case REPORT_HA_MASTER: return "MASTER";
	case REPORT_HA_FAULT: return "FAULT";
	default: return "";
	}
}

void report_ev_text(const struct ev *e, char *buf, size_t len)
{
	if (e->text[0]) {
		snprintf(buf, len, "%s", e->text);
		return;
	}
	switch (e->type) {
	case EV_ESP:
		snprintf(buf, len, "ESP spi 0x%08" PRIx32 " seq %" PRIu32, e->spi, e->seq);
		break;
	case EV_PING:
		if (e->value >= 0)
			snprintf(buf, len, "ping %s seq %" PRIu32 " ok %.1f ms", e->label, e->seq,
				 e->value / 1000.0);
		else
			snprintf(buf, len, "ping %s seq %" PRIu32 " lost", e->label, e->seq);
		break;
	case EV_DPD:
		snprintf(buf, len, "%s seq 0x%08" PRIx32, report_dpd_kind(e) == 2 ? "R-U-THERE-ACK" :
			 "R-U-THERE", e->seq);
		break;
	case EV_VRRP:
		snprintf(buf, len, "VRRP advert prio %d", (int)e->value);
		break;
	case EV_STATE:
		snprintf(buf, len, "state %s", e->state);
		break;
	case EV_ACTION:
		snprintf(buf, len, "%s", e->label);
		break;
	default:
		snprintf(buf, len, "%s", ev_type_name(e->type));
		break;
	}
}

/* ---- SPIs ---- */

size_t report_spis(const struct report_ctx *c, int by_peer, struct report_spi **out)
{
	struct report_spi *v = NULL;
	size_t n = 0, cap = 0;
	*out = NULL;
	for (size_t i = 0; i < c->n; i++) {
		const struct ev *e = c->ev[i];
		if (e->type != EV_ESP)
			continue;
		size_t k;
		for (k = 0; k < n; k++)
			if (v[k].spi == e->spi && !strcmp(v[k].node, e->node) &&
			    (!by_peer || !strcmp(v[k].peer, e->peer)))
				break;
		if (k == n) {
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 16;
				struct report_spi *nv = realloc(v, nc * sizeof(*nv));
				if (!nv)
					break;
				v = nv;
				cap = nc;
			}
			memset(&v[n], 0, sizeof(v[n]));
			v[n].spi = e->spi;
			snprintf(v[n].node, sizeof(v[n].node), "%s", e->node);
			snprintf(v[n].peer, sizeof(v[n].peer), "%s", by_peer ? e->peer : "");
			v[n].t_first = e->t_ns;
			v[n].seq_lo = v[n].seq_hi = e->seq;
			n++;
		}
		struct report_spi *s = &v[k];
		s->t_last = e->t_ns;
		if (e->seq < s->seq_lo)
			s->seq_lo = e->seq;
		if (e->seq > s->seq_hi)
			s->seq_hi = e->seq;
		s->packets++;
	}
	*out = v;
	return n;
}

/* ---- probes ---- */

static int report_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

size_t report_probes(const struct report_ctx *c, struct report_probe **out)
{
	struct report_probe *v = NULL;
	size_t n = 0;
	*out = NULL;
	for (size_t i = 0; i < c->n; i++) {
		const struct ev *e = c->ev[i];
		if (e->type != EV_PING)
			continue;
		size_t k;
		for (k = 0; k < n; k++)
			if (!strcmp(v[k].label, e->label))
				break;
		if (k == n) {
			struct report_probe *nv = realloc(v, (n + 1) * sizeof(*nv));
			if (!nv)
				break;
			v = nv;
			memset(&v[n], 0, sizeof(v[n]));
			snprintf(v[n].label, sizeof(v[n].label), "%s", e->label);
			snprintf(v[n].node, sizeof(v[n].node), "%s", e->node);
			snprintf(v[n].peer, sizeof(v[n].peer), "%s", e->peer);
			n++;
		}
		struct report_probe *p = &v[k];
		int lost = e->value < 0;
		p->sent++;
		if (!lost) {
			double ms = e->value / 1000.0;
			if (!p->ok || ms < p->rtt_min_ms)
				p->rtt_min_ms = ms;
			if (!p->ok || ms > p->rtt_max_ms)
				p->rtt_max_ms = ms;
			p->rtt_avg_ms += ms;   /* sum until the end */
			p->ok++;
		}
		struct report_prun *last = p->nruns ? &p->runs[p->nruns - 1] : NULL;
		if (last && last->lost == lost) {
			last->seq_hi = e->seq;
			last->t_last = e->t_ns;
			last->count++;
			continue;
		}
		if (last) {
			last->t_end = e->t_ns;
			last->recovered = 1;
		}
		struct report_prun *nr = realloc(p->runs, (p->nruns + 1) * sizeof(*nr));
		if (!nr)
			continue;
		p->runs = nr;
		struct report_prun *run = &p->runs[p->nruns++];
		memset(run, 0, sizeof(*run));
		run->seq_lo = run->seq_hi = e->seq;
		run->t_first = run->t_last = e->t_ns;
		run->count = 1;
		run->lost = lost;
	}
	for (size_t k = 0; k < n; k++) {
		struct report_probe *p = &v[k];
		if (p->ok)
			p->rtt_avg_ms /= p->ok;
		/* median spacing of this probe's sends */
		size_t m = 0;
		double *gaps = p->sent > 1 ? malloc((p->sent - 1) * sizeof(double)) : NULL;
		int64_t prev = 0;
		int have = 0;
		for (size_t i = 0; gaps && i < c->n; i++) {
			const struct ev *e = c->ev[i];
			if (e->type != EV_PING || strcmp(e->label, p->label))
				continue;
			if (have && m < p->sent - 1)
				gaps[m++] = (double)(e->t_ns - prev) / 1e9;
			prev = e->t_ns;
			have = 1;
		}
		if (m) {
			qsort(gaps, m, sizeof(double), report_cmp_double);
			p->interval_s = gaps[m / 2];
		}
		free(gaps);
		for (size_t j = 0; j < p->nruns; j++) {
			struct report_prun *run = &p->runs[j];
			if (!run->t_end)
				run->t_end = run->t_last + (int64_t)(p->interval_s * 1e9);
			double d = (double)(run->t_end - run->t_first) / 1e9;
			if (run->lost && d > p->longest_outage_s)
				p->longest_outage_s = d;
		}
	}
	*out = v;
	return n;
}

void report_probes_free(struct report_probe *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(p[i].runs);
	free(p);
}

/* ---- folded rows ---- */

/* A run continues while the gap to the previous packet stays under four times the run's
 * mean spacing (at least 0.5 s); a run of one packet waits up to 3 s for the next. */
static int report_gap_ok(const struct report_row *w, int64_t t)
{
	double gap = (double)(t - w->t1) / 1e9;
	if (w->count < 2)
		return gap <= 3.0;
	double mean = (double)(w->t1 - w->t0) / 1e9 / (double)(w->count - 1);
	double lim = 4 * mean;
	return gap <= (lim < 0.5 ? 0.5 : lim);
}

static int report_same_fold(const struct report_row *w, const struct ev *e, enum report_row_kind k)
{
	const struct ev *f = w->e;
	if (w->kind != k || f->type != e->type)
		return 0;
	switch (k) {
	case REPORT_ROW_ESP:
		return f->spi == e->spi && !strcmp(f->node, e->node) && !strcmp(f->peer, e->peer) &&
		       e->seq >= w->seq_hi && report_gap_ok(w, e->t_ns);
	case REPORT_ROW_ICMP:
		return !strcmp(f->node, e->node) && !strcmp(f->peer, e->peer) && report_gap_ok(w, e->t_ns);
	case REPORT_ROW_ADVERT:
		return !strcmp(f->node, e->node) && f->value == e->value &&
		       !strcmp(f->state, e->state) && report_gap_ok(w, e->t_ns);
	case REPORT_ROW_PING:
		return !strcmp(f->label, e->label);
	default:
		return 0;
	}
}

static enum report_row_kind report_fold_kind(const struct ev *e, int terminal, int *skip)
{
	*skip = 0;
	switch (e->type) {
	case EV_ESP: return REPORT_ROW_ESP;
	case EV_PING: return REPORT_ROW_PING;
	default: break;
	}
	if (!terminal)
		return REPORT_ROW_EVENT;
	switch (e->type) {
	case EV_VRRP:
		return REPORT_ROW_ADVERT;
	case EV_HSRP:
		/* hellos fold; coup / resign stay on their own line */
		return (report_icontains(e->text, "coup") || report_icontains(e->text, "resign")) ?
		       REPORT_ROW_EVENT : REPORT_ROW_ADVERT;
	case EV_ICMP:
		return REPORT_ROW_ICMP;
	case EV_ARP:
		*skip = !report_icontains(e->text, "gratuitous");
		return REPORT_ROW_EVENT;
	case EV_LOG:
		*skip = !report_interesting_log(e->text);
		return REPORT_ROW_EVENT;
	default:
		return REPORT_ROW_EVENT;
	}
}

size_t report_rows(const struct report_ctx *c, int terminal, struct report_row **out)
{
	struct report_row *v = NULL;
	size_t n = 0, cap = 0;
	/* open folds are found by scanning back over the still-open rows */
	size_t *open = NULL, nopen = 0;
	*out = NULL;
	for (size_t i = 0; i < c->n; i++) {
		const struct ev *e = c->ev[i];
		int skip;
		enum report_row_kind k = report_fold_kind(e, terminal, &skip);
		if (skip)
			continue;
		if (k != REPORT_ROW_EVENT) {
			size_t j, hit = (size_t)-1, stale = (size_t)-1;
			for (j = 0; j < nopen; j++) {
				struct report_row *w = &v[open[j]];
				if (w->kind != k || w->e->type != e->type)
					continue;
				if (report_same_fold(w, e, k)) {
					if (k == REPORT_ROW_PING && (w->lost != (e->value < 0))) {
						stale = j;   /* the ping run of the other fate ends here */
						continue;
					}
					hit = j;
					break;
				}
				/* same key but broken (gap, seq reset) → close it */
				const struct ev *f = w->e;
				if (!strcmp(f->node, e->node) && !strcmp(f->peer, e->peer) &&
				    (k != REPORT_ROW_ESP || f->spi == e->spi) &&
				    (k != REPORT_ROW_ADVERT || (f->value == e->value && !strcmp(f->state, e->state))))
					stale = j;
			}
			if (hit != (size_t)-1) {
				struct report_row *w = &v[open[hit]];
				w->last = e;
				w->t1 = e->t_ns;
				w->count++;
				if (e->seq < w->seq_lo)
					w->seq_lo = e->seq;
				if (e->seq > w->seq_hi)
					w->seq_hi = e->seq;
				if (k == REPORT_ROW_PING && !w->lost) {
					double ms = e->value / 1000.0;
					if (ms < w->rtt_min)
						w->rtt_min = ms;
					if (ms > w->rtt_max)
						w->rtt_max = ms;
					w->rtt_sum += ms;
				}
				continue;
			}
			if (stale != (size_t)-1) {
				struct report_row *w = &v[open[stale]];
				w->open = 0;
				w->t_end = e->t_ns;
				open[stale] = open[--nopen];
			}
		}
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 256;
			struct report_row *nv = realloc(v, nc * sizeof(*nv));
			size_t *no = realloc(open, nc * sizeof(*no));
			if (!nv || !no) {
				free(nv ? nv : v);
				free(no ? no : open);
				return 0;
			}
			v = nv;
			open = no;
			cap = nc;
		}
		struct report_row *w = &v[n];
		memset(w, 0, sizeof(*w));
		w->kind = k;
		w->e = w->last = e;
		w->t0 = w->t1 = e->t_ns;
		w->count = 1;
		w->seq_lo = w->seq_hi = e->seq;
		if (k == REPORT_ROW_PING) {
			w->lost = e->value < 0;
			w->rtt_min = w->rtt_max = w->rtt_sum = w->lost ? 0 : e->value / 1000.0;
		}
		if (k != REPORT_ROW_EVENT) {
			w->open = 1;
			open[nopen++] = n;
		}
		n++;
	}
	free(open);
	*out = v;
	return n;
}

void report_row_text(const struct report_ctx *c, const struct report_row *w, char *buf, size_t len)
{
	const struct ev *e = w->e;
	double span = (double)(w->t1 - w->t0) / 1e9;
	switch (w->kind) {
	case REPORT_ROW_EVENT:
		report_ev_text(e, buf, len);
		break;
	case REPORT_ROW_ESP:
		if (w->count == 1)
			snprintf(buf, len, "ESP spi 0x%08" PRIx32 " seq %" PRIu32 " (1 packet)", e->spi, e->seq);
		else
			snprintf(buf, len, "ESP spi 0x%08" PRIx32 " seq %" PRIu32 "\u2013%" PRIu32 " (%zu packets)",
				 e->spi, w->seq_lo, w->seq_hi, w->count);
		break;
	case REPORT_ROW_ICMP:
		snprintf(buf, len, "ICMP %zu packet%s (%.80s)", w->count, w->count == 1 ? "" : "s", e->text);
		break;
	case REPORT_ROW_ADVERT: {
		char t[160];
		report_ev_text(e, t, sizeof(t));
		if (w->count < 2) {
			snprintf(buf, len, "%s", t);
			break;
		}
		/* the summary names the kind; keep what the first advert says beyond it */
		const char *tail = t;
		static const char *const pre[] = { "VRRP advertisement", "VRRP advert", "HSRP hello" };
		for (size_t i = 0; i < 3; i++)
			if (!strncasecmp(tail, pre[i], strlen(pre[i]))) {
				tail += strlen(pre[i]);
				break;
			}
		while (*tail == ' ' || *tail == ':')
			tail++;
		snprintf(buf, len, "%s adverts from %s every %.1f s (%zu)%s%s", e->type == EV_HSRP ?
			 "HSRP" : "VRRP", e->node, span / (double)(w->count - 1), w->count,
			 *tail ? ": " : "", tail);
		break;
	}
	case REPORT_ROW_PING: {
		char seqs[48];
		if (w->count > 1)
			snprintf(seqs, sizeof(seqs), "seq %" PRIu32 "\u2013%" PRIu32, w->seq_lo, w->seq_hi);
		else
			snprintf(seqs, sizeof(seqs), "seq %" PRIu32, w->seq_lo);
		if (w->lost) {
			int64_t end = w->t_end;
			if (!end) {
				double mean = w->count > 1 ? span / (double)(w->count - 1) : 1.0;
				end = w->t1 + (int64_t)(mean * 1e9);
			}
			if (w->t_end)
				snprintf(buf, len, "ping %s: %s lost (outage %.1f s to +%.3f s, %zu echo%s)", e->label,
					 seqs, (double)(end - w->t0) / 1e9, report_rel(c, end), w->count,
					 w->count == 1 ? "" : "es");
			else
				snprintf(buf, len, "ping %s: %s lost (outage \u2265 %.1f s, %zu echo%s, not recovered)",
					 e->label, seqs, (double)(end - w->t0) / 1e9, w->count, w->count == 1 ? "" : "es");
		} else {
			snprintf(buf, len, "ping %s: %s ok (rtt %.1f/%.1f/%.1f ms)", e->label, seqs,
				 w->rtt_min, w->rtt_sum / (double)w->count, w->rtt_max);
		}
		break;
	}
	}
	(void)c;
}

/* ---- escaping ---- */

void report_xml_escape_n(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned char ch = p[i];
		switch (ch) {
		case '&': fputs("&amp;", f); i++; continue;
		case '<': fputs("&lt;", f); i++; continue;
		case '>': fputs("&gt;", f); i++; continue;
		case '"': fputs("&quot;", f); i++; continue;
		case '\'': fputs("&#39;", f); i++; continue;
		case '\t': case '\n': case '\r': fputc(ch, f); i++; continue;
		default: break;
		}
		if (ch < 0x20 || ch == 0x7f) {   /* not allowed in XML 1.0: dropped */
			i++;
			continue;
		}
		uint32_t cp;
		size_t l = json_utf8_len(p + i, n - i, &cp);
		if (l == 0 || cp == 0xfffe || cp == 0xffff || (cp >= 0x80 && cp < 0xa0)) {
			fputs("\xef\xbf\xbd", f);   /* U+FFFD */
			i += l ? l : 1;
			continue;
		}
		fwrite(p + i, 1, l, f);
		i += l;
	}
}

void report_xml_escape(FILE *f, const char *s)
{
	if (s)
		report_xml_escape_n(f, s, strlen(s));
}

FILE *report_begin(struct report_ctx *c, const struct run_report *r, const char *path, char *tmp, size_t len)
{
	if (report_ctx_init(c, r) < 0)
		return NULL;
	FILE *f = report_open_tmp(path, tmp, len);
	if (!f)
		report_ctx_free(c);
	return f;
}
