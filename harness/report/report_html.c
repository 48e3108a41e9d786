/* report_html.c — timeline.html: a self-contained page (inline CSS and SVG, no script)
 * with the run as a picture — time axis, an actions lane whose lines cross every lane,
 * one lane per node (VRRP/HSRP state band, SA bars per SPI, MM/QM exchanges, DPD probes,
 * log lines), one lane per ping probe with the outage shaded and measured, and the
 * expectation windows as brackets — then the verdict, the expectations, ping summaries,
 * files and the full event list.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report_int.h"

#define SVG_W     1400
#define LEFT      150
#define RIGHT     24
#define PLOT_W    (SVG_W - LEFT - RIGHT)
#define AXIS_H    26
#define ACT_H     40
#define PING_H    48
#define EXP_ROW   22
#define SA_ROW    15
#define SA_MAXROW 4
#define CHAR_W    6.4          /* ~ width of one character at 11px sans-serif */
#define MAX_NODES 32

#define COL_MASTER "#2e9e4f"
#define COL_BACKUP "#aab0b8"
#define COL_FAULT  "#d64545"
#define COL_INIT   "#e3d6a4"
#define COL_OK     "#2ca02c"
#define COL_LOST   "#d62728"
#define COL_RUT    "#1f5fbf"
#define COL_ACK    "#12a3a3"
#define COL_WARN   "#d98b00"

static const char *const spi_palette[] = {
	"#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#17becf", "#e377c2", "#bcbd22", "#2f4b7c",
};
#define NPAL (sizeof(spi_palette) / sizeof(spi_palette[0]))

struct hv {
	const struct report_ctx *c;
	FILE *f;
	double dur;
	char nodes[MAX_NODES][32];
	int nnodes;
	int lane_y[MAX_NODES], lane_h[MAX_NODES], sa_rows[MAX_NODES];
	int has_ha[MAX_NODES];        /* the lane's state row shows VRRP/HSRP (else SA states) */
	int plot_top, plot_bot;       /* where action lines and grid run */
	uint32_t *spis;               /* SPIs in order of first appearance (colour index) */
	size_t nspis;
};

static double hv_x(const struct hv *h, int64_t t)
{
	double s = report_rel(h->c, t);
	double x = LEFT + s / h->dur * PLOT_W;
	if (x < LEFT - 4)
		x = LEFT - 4;
	if (x > LEFT + PLOT_W + 4)
		x = LEFT + PLOT_W + 4;
	return x;
}

static double hv_xs(const struct hv *h, double s)
{
	double x = LEFT + s / h->dur * PLOT_W;
	return x < LEFT - 4 ? LEFT - 4 : x > LEFT + PLOT_W + 4 ? LEFT + PLOT_W + 4 : x;
}

static void hv_e(const struct hv *h, const char *s) { report_xml_escape(h->f, s); }

static void hv_title(const struct hv *h, const char *s)
{
	fputs("<title>", h->f);
	hv_e(h, s);
	fputs("</title>", h->f);
}

static int hv_node(const struct hv *h, const char *name)
{
	for (int i = 0; i < h->nnodes; i++)
		if (!strcmp(h->nodes[i], name))
			return i;
	return -1;
}

static const char *hv_spi_color(const struct hv *h, uint32_t spi)
{
	for (size_t i = 0; i < h->nspis; i++)
		if (h->spis[i] == spi)
			return spi_palette[i % NPAL];
	return spi_palette[0];
}

static double hv_textw(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return (double)n * CHAR_W;
}

/* "mm:ss"-free seconds label; step chosen from 1-2-5 so there are 10–20 ticks. */
static double hv_step(double dur)
{
	double raw = dur / 14.0, p = pow(10, floor(log10(raw > 0 ? raw : 1e-3)));
	double m = raw / p;
	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

static void hv_axis(const struct hv *h, int y, int top)
{
	double step = hv_step(h->dur);
	int dec = step >= 1 ? 0 : step >= 0.1 ? 1 : step >= 0.01 ? 2 : 3;
	for (double s = 0; s <= h->dur + step * 1e-6; s += step) {
		double x = hv_xs(h, s);
		if (top)
			fprintf(h->f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n",
				x, h->plot_top, x, h->plot_bot);
		fprintf(h->f, "<line class=\"tick\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
			"<text class=\"axis\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.*f s</text>\n",
			x, top ? y + AXIS_H - 6 : y, x, top ? y + AXIS_H : y + 6, x, top ? y + 14 : y + 18,
			dec, s);
	}
}

/* ---- node lanes ---- */

struct band { int64_t t0, t1; enum report_ha ha; const char *label, *col; };

/* HA state of one node over time: from its EV_STATE (and HSRP state) events when it has
 * any, else from its VRRP adverts (sending adverts = Master, a member that is silent =
 * Backup; priority 0 = Master resigning). */
static size_t hv_bands(const struct hv *h, const char *node, struct band *b, size_t max)
{
	const struct report_ctx *c = h->c;
	size_t n = 0;
	int have_state = 0;
	for (size_t i = 0; i < c->n; i++) {
		const struct ev *e = c->ev[i];
		if (strcmp(e->node, node))
			continue;
		enum report_ha ha = REPORT_HA_NONE;
		if (e->type == EV_STATE || e->type == EV_HSRP)
			ha = report_ha_state(e->state);
		if (ha == REPORT_HA_NONE && e->type == EV_STATE)
			ha = report_ha_state(e->text);
		if (ha == REPORT_HA_NONE)
			continue;
		have_state = 1;
		if (n && b[n - 1].ha == ha)
			continue;
		if (n)
			b[n - 1].t1 = e->t_ns;
		if (n == max)
			break;
		b[n] = (struct band){ e->t_ns, c->t1, ha, NULL, NULL };
		n++;
	}
	if (have_state)
		return n;
	/* adverts: runs separated by more than 3.5 intervals */
	double gaps[64];
	size_t ng = 0;
	int64_t prev = 0;
	for (size_t i = 0; i < c->n && ng < 64; i++) {
		const struct ev *e = c->ev[i];
		if (e->type != EV_VRRP || strcmp(e->node, node))
			continue;
		if (prev)
			gaps[ng++] = (double)(e->t_ns - prev) / 1e9;
		prev = e->t_ns;
	}
	if (!prev)
		return 0;
	double ivl = 1.0;
	if (ng) {
		for (size_t i = 1; i < ng; i++)   /* insertion sort, ng ≤ 64 */
			for (size_t j = i; j > 0 && gaps[j] < gaps[j - 1]; j--) {
				double t = gaps[j]; gaps[j] = gaps[j - 1]; gaps[j - 1] = t;
			}
		ivl = gaps[ng / 2];
	}
	int64_t ivl_ns = (int64_t)(ivl * 1e9), cur = c->t0;
	int64_t run0 = 0, last = 0;
	for (size_t i = 0; i <= c->n; i++) {
		const struct ev *e = i < c->n ? c->ev[i] : NULL;
		if (e && (e->type != EV_VRRP || strcmp(e->node, node)))
			continue;
		int ends = !e || (last && (e->t_ns - last > (int64_t)(3.5 * ivl_ns)));
		if (last && ends) {
			int64_t end = last + ivl_ns;
			if (run0 > cur && n < max)
				b[n++] = (struct band){ cur, run0, REPORT_HA_BACKUP, NULL, NULL };
			if (n < max)
				b[n++] = (struct band){ run0, end < c->t1 ? end : c->t1, REPORT_HA_MASTER, NULL, NULL };
			cur = end;
			last = 0;
		}
		if (!e)
			break;
		if (!last)
			run0 = e->t_ns;
		last = e->t_ns;
		if (e->value == 0)   /* RFC 3768 §6.4.3: priority 0 = the Master leaves */
			last = e->t_ns - 4 * ivl_ns;   /* close the run at this advert */
	}
	if (cur < c->t1 && n < max)
		b[n++] = (struct band){ cur, c->t1, REPORT_HA_BACKUP, NULL, NULL };
	return n;
}

static const char *hv_ha_color(enum report_ha ha)
{
	return ha == REPORT_HA_MASTER ? COL_MASTER : ha == REPORT_HA_BACKUP ? COL_BACKUP : ha == REPORT_HA_FAULT ? COL_FAULT : COL_INIT;
}

/* A node without VRRP/HSRP (the branch) shows its SA state in the state row instead:
 * each non-HA EV_STATE lasts until the next one. */
static size_t hv_sa_bands(const struct hv *h, const char *node, struct band *b, size_t max)
{
	const struct report_ctx *c = h->c;
	size_t n = 0;
	for (size_t i = 0; i < c->n && n < max; i++) {
		const struct ev *e = c->ev[i];
		if (e->type != EV_STATE || strcmp(e->node, node) || report_ha_state(e->state) != REPORT_HA_NONE ||
		    report_ha_state(e->text) != REPORT_HA_NONE)
			continue;
		const char *lab = e->state[0] ? e->state : e->text;
		if (n)
			b[n - 1].t1 = e->t_ns;
		int down = report_icontains(lab, "down") || report_icontains(lab, "delet") || report_icontains(lab, "dead");
		int up = !down && (report_icontains(lab, "up") || report_icontains(lab, "establish") ||
				   report_icontains(lab, "install"));
		b[n++] = (struct band){ e->t_ns, c->t1, REPORT_HA_NONE, lab, up ? "#52606d" : down ? "#e29a9a" : COL_INIT };
	}
	return n;
}

static void hv_band_draw(const struct hv *h, int y, const struct band *b, size_t n, const char *node)
{
	for (size_t i = 0; i < n; i++) {
		double x0 = hv_x(h, b[i].t0), x1 = hv_x(h, b[i].t1);
		if (x1 - x0 < 0.5)
			continue;
		const char *lab = b[i].label ? b[i].label : report_ha_name(b[i].ha);
		const char *col = b[i].col ? b[i].col : hv_ha_color(b[i].ha);
		char t[200];
		snprintf(t, sizeof(t), "%s %s from +%.3f s to +%.3f s", node, lab,
			 report_rel(h->c, b[i].t0), report_rel(h->c, b[i].t1));
		fprintf(h->f, "<rect class=\"band\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"%s\">",
			x0, y, x1 - x0, col);
		hv_title(h, t);
		fputs("</rect>", h->f);
		if (x1 - x0 > hv_textw(lab) + 10) {
			fprintf(h->f, "<text class=\"bandt%s\" x=\"%.1f\" y=\"%d\">",
				!strcmp(col, COL_INIT) ? " dark" : "", x0 + 5, y + 12);
			hv_e(h, lab);
			fputs("</text>", h->f);
		}
		fputc('\n', h->f);
	}
}

/* SA bars: one per (SPI, sending node), packed into rows so labels never overlap. */
struct sabar { const struct report_spi *s; int row; double x0, x1, lw; int inside; };

static int hv_sa_layout(const struct hv *h, const struct report_spi *s, size_t ns, const char *node,
			struct sabar *bars, size_t *nb)
{
	double row_end[SA_MAXROW];
	int rows = 0;
	*nb = 0;
	for (size_t i = 0; i < ns; i++) {
		if (strcmp(s[i].node, node))
			continue;
		struct sabar *b = &bars[(*nb)++];
		char lab[80];
		snprintf(lab, sizeof(lab), "0x%08" PRIx32 " \u2192 %s", s[i].spi, s[i].peer);
		b->s = &s[i];
		b->x0 = hv_x(h, s[i].t_first);
		b->x1 = hv_x(h, s[i].t_last);
		if (b->x1 - b->x0 < 3)
			b->x1 = b->x0 + 3;
		b->lw = hv_textw(lab) + 10;
		b->inside = b->x1 - b->x0 >= b->lw;
		double end = b->inside ? b->x1 : b->x1 + b->lw;
		int r;
		for (r = 0; r < rows; r++)
			if (row_end[r] + 4 < b->x0)
				break;
		if (r == rows) {
			if (rows < SA_MAXROW)
				rows++;
			else
				r = rows - 1;
		}
		row_end[r] = end;
		b->row = r;
	}
	return rows ? rows : 1;
}

static void hv_sa_draw(const struct hv *h, int y, const struct sabar *bars, size_t nb)
{
	const struct report_ctx *c = h->c;
	for (size_t i = 0; i < nb; i++) {
		const struct sabar *b = &bars[i];
		const struct report_spi *s = b->s;
		int by = y + b->row * SA_ROW;
		const char *col = hv_spi_color(h, s->spi);
		char t[240];
		snprintf(t, sizeof(t), "ESP spi 0x%08" PRIx32 " sent by %s, seq %" PRIu32 "\u2013%" PRIu32
			 ", %zu packets, +%.3f \u2026 +%.3f s", s->spi, s->node, s->seq_lo, s->seq_hi,
			 s->packets, report_rel(c, s->t_first), report_rel(c, s->t_last));
		fprintf(h->f, "<g class=\"sa\"><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"12\" rx=\"3\" fill=\"%s\">",
			b->x0, by, b->x1 - b->x0, col);
		hv_title(h, t);
		fputs("</rect>", h->f);
		fprintf(h->f, "<text class=\"%s\" x=\"%.1f\" y=\"%d\"", b->inside ? "sal" : "salo",
			b->inside ? b->x0 + 4 : b->x1 + 4, by + 10);
		if (!b->inside)
			fprintf(h->f, " fill=\"%s\"", col);
		fprintf(h->f, ">0x%08" PRIx32 " \u2192 ", s->spi);
		hv_e(h, s->peer);
		fputs("</text>", h->f);
		/* where the receiver changes (the old SA now reaches the other box) */
		char peer[32];
		snprintf(peer, sizeof(peer), "%s", s->peer);
		for (size_t k = 0; k < c->n; k++) {
			const struct ev *e = c->ev[k];
			if (e->type != EV_ESP || e->spi != s->spi || strcmp(e->node, s->node) ||
			    !strcmp(e->peer, peer))
				continue;
			double x = hv_x(h, e->t_ns);
			snprintf(peer, sizeof(peer), "%s", e->peer);
			fprintf(h->f, "<line class=\"pchg\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>",
				x, by - 2, x, by + 14);
			if (b->x1 - x > hv_textw(peer) + 20) {
				fprintf(h->f, "<text class=\"sal\" x=\"%.1f\" y=\"%d\">\u2192 ", x + 4, by + 10);
				hv_e(h, peer);
				fputs("</text>", h->f);
			}
		}
		fputs("</g>\n", h->f);
	}
}

/* ISAKMP exchanges clustered per cookie pair / message id, drawn on both ends' lanes. */
struct ikecl {
	int64_t t0, t1;
	uint8_t exch;
	int a, b;                 /* lane indexes (-1 unknown) */
	uint8_t icookie[8];
	uint32_t msgid;
	int maxmsg, nmsg;
};

static int hv_zero8(const uint8_t *c)
{
	for (int i = 0; i < 8; i++)
		if (c[i])
			return 0;
	return 1;
}

static size_t hv_ike_clusters(const struct hv *h, struct ikecl **out)
{
	const struct report_ctx *c = h->c;
	struct ikecl *v = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < c->n; i++) {
		const struct ev *e = c->ev[i];
		if (e->type != EV_IKE || !(e->exch == REPORT_EXCH_MAIN || e->exch == REPORT_EXCH_AGGRESSIVE ||
					   e->exch == REPORT_EXCH_QUICK))
			continue;
		int a = hv_node(h, e->node), b = hv_node(h, e->peer);
		size_t k = n, lim = n > 64 ? n - 64 : 0;
		while (k > lim) {
			struct ikecl *x = &v[k - 1];
			int same_pair = (x->a == a && x->b == b) || (x->a == b && x->b == a);
			if (x->exch == e->exch && same_pair && e->t_ns - x->t1 <= 10000000000LL &&
			    (hv_zero8(x->icookie) || hv_zero8(e->icookie) ||
			     !memcmp(x->icookie, e->icookie, 8)) &&
			    (e->exch != REPORT_EXCH_QUICK || !x->msgid || !e->msgid || x->msgid == e->msgid) &&
			    (e->msgno == 0 || e->msgno > x->maxmsg))
				break;
			k--;
		}
		if (k == lim) {
			if (n == cap) {
				cap = cap ? cap * 2 : 32;
				struct ikecl *nv = realloc(v, cap * sizeof(*nv));
				if (!nv)
					break;
				v = nv;
			}
			struct ikecl *x = &v[n++];
			memset(x, 0, sizeof(*x));
			x->t0 = e->t_ns;
			x->exch = e->exch;
			x->a = a;
			x->b = b;
			memcpy(x->icookie, e->icookie, 8);
			x->msgid = e->msgid;
			k = n;
		}
		struct ikecl *x = &v[k - 1];
		x->t1 = e->t_ns;
		x->nmsg++;
		if (e->msgno > x->maxmsg)
			x->maxmsg = e->msgno;
		if (hv_zero8(x->icookie))
			memcpy(x->icookie, e->icookie, 8);
	}
	*out = v;
	return n;
}

/* Labels in one row of one lane, placed left to right without overlapping. */
struct labrow { double end[MAX_NODES]; };

/* Returns where the label goes, or -1 when it would land too far from its mark (the
 * mark's tooltip still has it). */
static double hv_place(double *end, double x, double w)
{
	double want = x;
	if (x < *end + 3)
		x = *end + 3;
	if (x - want > 40)
		return -1;
	*end = x + w;
	return x;
}

/* MM and QM of one negotiation sit a few pixels apart: one label for the group. */
struct ikepend { int active, inc; char text[64]; double boxend; int y; };

static void hv_ike_flush(const struct hv *h, struct ikepend *p, struct labrow *lr, int ln)
{
	if (!p->active)
		return;
	p->active = 0;
	double lx = hv_place(&lr->end[ln], p->boxend + 3, hv_textw(p->text) * 1.4);   /* bold caps */
	if (lx < 0)
		return;
	fprintf(h->f, "<text class=\"ikel%s\" x=\"%.1f\" y=\"%d\">%s</text>\n", p->inc ? " incl" : "",
		lx, p->y + 10, p->text);
}

static void hv_ike_draw(const struct hv *h, const struct ikecl *cl, size_t ncl, struct labrow *lr)
{
	const struct report_ctx *c = h->c;
	struct ikepend pend[MAX_NODES];
	memset(pend, 0, sizeof(pend));
	for (size_t i = 0; i < ncl; i++) {
		const struct ikecl *x = &cl[i];
		const char *nm = x->exch == REPORT_EXCH_MAIN ? "MM" : x->exch == REPORT_EXCH_QUICK ? "QM" : "AM";
		int full = x->exch == REPORT_EXCH_MAIN ? 6 : 3;
		int done = x->maxmsg >= full;
		char lab[32], t[200];
		if (done)
			snprintf(lab, sizeof(lab), "%s", nm);
		else
			snprintf(lab, sizeof(lab), "%s %d/%d", nm, x->maxmsg, full);
		snprintf(t, sizeof(t), "%s %s\u2194%s, %d message%s (up to #%d), +%.3f \u2026 +%.3f s%s",
			 x->exch == REPORT_EXCH_MAIN ? "Main Mode" : x->exch == REPORT_EXCH_QUICK ? "Quick Mode" :
			 "Aggressive Mode", x->a >= 0 ? h->nodes[x->a] : "?", x->b >= 0 ? h->nodes[x->b] : "?",
			 x->nmsg, x->nmsg == 1 ? "" : "s", x->maxmsg, report_rel(c, x->t0), report_rel(c, x->t1),
			 done ? "" : " \u2014 incomplete");
		double x0 = hv_x(h, x->t0), x1 = hv_x(h, x->t1);
		if (x1 - x0 < 4)
			x1 = x0 + 4;
		for (int side = 0; side < 2; side++) {
			int ln = side ? x->b : x->a;
			if (ln < 0 || (side && x->b == x->a))
				continue;
			int y = h->lane_y[ln] + 24 + h->sa_rows[ln] * SA_ROW + 2;
			fprintf(h->f, "<g class=\"ike\"><rect class=\"%s%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"13\" rx=\"2\">",
				x->exch == REPORT_EXCH_QUICK ? "qm" : "mm", done ? "" : " inc", x0, y, x1 - x0);
			hv_title(h, t);
			fputs("</rect>", h->f);
			fputs("</g>\n", h->f);
			struct ikepend *p = &pend[ln];
			if (p->active && x0 <= p->boxend + hv_textw(p->text) + 8 &&
			    strlen(p->text) + strlen(lab) + 2 < sizeof(p->text)) {
				strcat(p->text, "+");
				strcat(p->text, lab);
				if (x1 > p->boxend)
					p->boxend = x1;
				p->inc |= !done;
			} else {
				hv_ike_flush(h, p, lr, ln);
				*p = (struct ikepend){ 1, !done, "", x1, y };
				snprintf(p->text, sizeof(p->text), "%s", lab);
			}
		}
	}
	for (int ln = 0; ln < h->nnodes; ln++)
		hv_ike_flush(h, &pend[ln], lr, ln);
	/* per-message ticks on the sender's lane */
	for (size_t i = 0; i < c->n; i++) {
		const struct ev *e = c->ev[i];
		if (e->type != EV_IKE)
			continue;
		int ln = hv_node(h, e->node);
		if (ln < 0)
			continue;
		int y = h->lane_y[ln] + 24 + h->sa_rows[ln] * SA_ROW + 2;
		double x = hv_x(h, e->t_ns);
		char t[400];
		snprintf(t, sizeof(t), "+%.3f s %s \u2192 %s: %s", report_rel(c, e->t_ns), e->node, e->peer, e->text);
		if (e->exch == REPORT_EXCH_MAIN || e->exch == REPORT_EXCH_QUICK || e->exch == REPORT_EXCH_AGGRESSIVE) {
			fprintf(h->f, "<line class=\"msg\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\">", x, y - 1, x, y + 14);
		} else {   /* informational we could not decrypt, or anything else */
			fprintf(h->f, "<path class=\"info\" d=\"M%.1f %dl4 5l-4 5l-4 -5z\">", x, y + 1);
		}
		hv_title(h, t);
		fputs(e->exch == REPORT_EXCH_MAIN || e->exch == REPORT_EXCH_QUICK || e->exch == REPORT_EXCH_AGGRESSIVE ?
		      "</line>\n" : "</path>\n", h->f);
	}
}

/* Delete payloads, other notifies and non-HA states: markers with a short label. */
static void hv_marks_draw(const struct hv *h, struct labrow *lr)
{
	const struct report_ctx *c = h->c;
	for (size_t i = 0; i < c->n; i++) {
		const struct ev *e = c->ev[i];
		int ln = hv_node(h, e->node);
		if (ln < 0)
			continue;
		int y = h->lane_y[ln] + 24 + h->sa_rows[ln] * SA_ROW + 2;
		double x = hv_x(h, e->t_ns);
		char t[400], lab[40];
		snprintf(t, sizeof(t), "+%.3f s %s%s%s: %s", report_rel(c, e->t_ns), e->node,
			 e->peer[0] ? " \u2192 " : "", e->peer, e->text[0] ? e->text : e->state);
		if (e->type == EV_IKE_DELETE) {
			snprintf(lab, sizeof(lab), "DEL");
			fprintf(h->f, "<g class=\"del\"><path d=\"M%.1f %dl8 8m0 -8l-8 8\"/>", x - 4, y + 2);
		} else if (e->type == EV_IKE_NOTIFY) {
			snprintf(lab, sizeof(lab), "%.18s", e->text[0] ? e->text : "notify");
			fprintf(h->f, "<g class=\"ntf\"><path d=\"M%.1f %dl5 6l-5 6l-5 -6z\"/>", x, y);
		} else if (e->type == EV_STATE && h->has_ha[ln] && report_ha_state(e->state) == REPORT_HA_NONE &&
			   report_ha_state(e->text) == REPORT_HA_NONE) {
			snprintf(lab, sizeof(lab), "%.16s", e->state[0] ? e->state : e->text);
			fprintf(h->f, "<g class=\"stm\"><path d=\"M%.1f %dl5 -8h-10z\"/>", x, y + 12);
		} else {
			continue;
		}
		double lx = hv_place(&lr->end[ln], x + 6, hv_textw(lab));
		if (lx >= 0) {
			fprintf(h->f, "<text x=\"%.1f\" y=\"%d\">", lx, y + 10);
			hv_e(h, lab);
			fputs("</text>", h->f);
		}
		hv_title(h, t);
		fputs("</g>\n", h->f);
	}
}

#define HV_MAX_LOG_DOTS 3000

static void hv_dpd_log_draw(const struct hv *h)
{
	const struct report_ctx *c = h->c;
	size_t nlog = 0, dots = 0;
	for (size_t i = 0; i < c->n; i++)
		nlog += c->ev[i]->type == EV_LOG;
	for (size_t i = 0; i < c->n; i++) {
		const struct ev *e = c->ev[i];
		if (e->type != EV_DPD && e->type != EV_LOG)
			continue;
		/* a debug-level log would bury the picture: then only notable lines */
		if (e->type == EV_LOG && (dots >= HV_MAX_LOG_DOTS ||
					  (nlog > HV_MAX_LOG_DOTS && !report_interesting_log(e->text))))
			continue;
		dots += e->type == EV_LOG;
		int ln = hv_node(h, e->node);
		if (ln < 0)
			continue;
		int y = h->lane_y[ln] + h->lane_h[ln] - 18;
		double x = hv_x(h, e->t_ns);
		char t[400];
		snprintf(t, sizeof(t), "+%.3f s %s%s%s: %s", report_rel(c, e->t_ns), e->node,
			 e->peer[0] ? " \u2192 " : "", e->peer, e->text);
		if (e->type == EV_LOG) {
			fprintf(h->f, "<circle class=\"log%s\" cx=\"%.1f\" cy=\"%d\" r=\"2.8\">",
				report_interesting_log(e->text) ? " hot" : "", x, y + 14);
			hv_title(h, t);
			fputs("</circle>\n", h->f);
			continue;
		}
		int kind = report_dpd_kind(e);
		int answered = 0;
		if (kind == 1) {
			for (size_t k = i + 1; k < c->n && !answered; k++) {
				const struct ev *a = c->ev[k];
				answered = a->type == EV_DPD && report_dpd_kind(a) == 2 && a->seq == e->seq;
			}
		}
		if (kind == 2)
			fprintf(h->f, "<line class=\"ack\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\">", x, y + 1, x, y + 9);
		else if (answered)
			fprintf(h->f, "<line class=\"rut\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\">", x, y - 1, x, y + 9);
		else
			fprintf(h->f, "<line class=\"rutx\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\">", x, y - 3, x, y + 9);
		if (kind == 1 && !answered) {
			size_t l = strlen(t);
			snprintf(t + l, sizeof(t) - l, " \u2014 unanswered");
		}
		hv_title(h, t);
		fputs("</line>", h->f);
		if (kind == 1 && !answered)
			fprintf(h->f, "<circle class=\"rutxc\" cx=\"%.1f\" cy=\"%d\" r=\"2.5\"/>", x, y - 4);
		fputc('\n', h->f);
	}
}

/* ---- actions, ping, expectations ---- */

static void hv_actions(const struct hv *h, int y)
{
	const struct report_ctx *c = h->c;
	double end[2] = { -1e9, -1e9 };
	for (size_t i = 0; i < c->n; i++) {
		const struct ev *e = c->ev[i];
		if (e->type != EV_ACTION)
			continue;
		double x = hv_x(h, e->t_ns);
		const char *lab = e->label[0] ? e->label : e->text;
		char t[600];
		snprintf(t, sizeof(t), "+%.3f s %s%s%s", report_rel(c, e->t_ns), lab,
			 e->text[0] && strcmp(e->text, lab) ? ": " : "", e->text[0] && strcmp(e->text, lab) ? e->text : "");
		fprintf(h->f, "<g class=\"act\"><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>",
			x, y + 4, x, h->plot_bot);
		int r = end[0] < x - 2 ? 0 : end[1] < x - 2 ? 1 : (end[0] < end[1] ? 0 : 1);
		double w = hv_textw(lab) * 1.1 + 8;
		end[r] = x + w;
		fprintf(h->f, "<text x=\"%.1f\" y=\"%d\">", x + 4, y + 16 + r * 15);
		hv_e(h, lab);
		fputs("</text>", h->f);
		hv_title(h, t);
		fputs("</g>\n", h->f);
	}
}

static void hv_ping(const struct hv *h, const struct report_probe *p, int y)
{
	const struct report_ctx *c = h->c;
	double pxs = p->interval_s > 0 ? p->interval_s / h->dur * PLOT_W : 4;
	double w = pxs * 0.7;
	if (w < 1.2)
		w = 1.2;
	if (w > 6)
		w = 6;
	for (size_t j = 0; j < p->nruns; j++) {
		const struct report_prun *r = &p->runs[j];
		if (!r->lost)
			continue;
		double x0 = hv_x(h, r->t_first) - w / 2, x1 = hv_x(h, r->t_end) - w / 2;
		double d = (double)(r->t_end - r->t_first) / 1e9;
		fprintf(h->f, "<rect class=\"outall\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>"
			"<rect class=\"outage\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>",
			x0, h->plot_top, x1 - x0, y - h->plot_top, x0, y + 2, x1 - x0, PING_H - 4);
		char lab[160];
		if (r->count > 1)
			snprintf(lab, sizeof(lab), "outage %s%.1f s \u00b7 seq %" PRIu32 "\u2013%" PRIu32 " (%zu lost)%s",
				 r->recovered ? "" : "\u2265 ", d, r->seq_lo, r->seq_hi, r->count,
				 r->recovered ? "" : " \u2014 not recovered");
		else
			snprintf(lab, sizeof(lab), "outage %s%.1f s \u00b7 seq %" PRIu32 " (1 lost)%s",
				 r->recovered ? "" : "\u2265 ", d, r->seq_lo, r->recovered ? "" : " \u2014 not recovered");
		double tw = hv_textw(lab) * 1.1, cx = (x0 + x1) / 2;
		if (cx - tw / 2 < LEFT)
			cx = LEFT + tw / 2;
		if (cx + tw / 2 > LEFT + PLOT_W)
			cx = LEFT + PLOT_W - tw / 2;
		fprintf(h->f, "<text class=\"outl\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
			cx, y + 42, lab);
	}
	for (size_t i = 0; i < c->n; i++) {
		const struct ev *e = c->ev[i];
		if (e->type != EV_PING || strcmp(e->label, p->label))
			continue;
		double x = hv_x(h, e->t_ns);
		char t[120];
		if (e->value >= 0)
			snprintf(t, sizeof(t), "+%.3f s ping %s seq %" PRIu32 ": %.1f ms", report_rel(c, e->t_ns),
				 p->label, e->seq, e->value / 1000.0);
		else
			snprintf(t, sizeof(t), "+%.3f s ping %s seq %" PRIu32 ": lost", report_rel(c, e->t_ns),
				 p->label, e->seq);
		fprintf(h->f, "<rect class=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"16\">",
			e->value >= 0 ? "pok" : "plost", x - w / 2, y + 12, w);
		hv_title(h, t);
		fputs("</rect>", h->f);
	}
	fputc('\n', h->f);
}

static const char *hv_status_class(enum exp_status s)
{
	return s == EXP_PASS ? "pass" : s == EXP_FAIL ? "fail" : s == EXP_SKIP ? "skip" : "error";
}

static void hv_exps(const struct hv *h, int y)
{
	const struct run_report *r = h->c->r;
	int row = 0;
	for (int i = 0; i < r->nexps; i++) {
		const struct exp_result *x = &r->exps[i];
		int has_win = x->has_window && isfinite(x->win_lo_s) && isfinite(x->win_hi_s);
		int has_meas = x->has_measured && isfinite(x->measured_s);
		int has_anch = x->has_anchor && isfinite(x->anchor_s);
		if (!has_win && !has_meas)
			continue;
		int yy = y + row * EXP_ROW + 4, ym = yy + 8;
		row++;
		const char *cls = hv_status_class(x->status);
		char t[1200];
		snprintf(t, sizeof(t), "%s: %s \u2014 measured %s, window %s%s%s", exp_status_name(x->status),
			 x->name, x->measured, x->window, x->detail[0] ? " \u2014 " : "", x->detail);
		fprintf(h->f, "<g class=\"exp %s\">", cls);
		hv_title(h, t);
		double lo = 0, hi = 0;
		if (has_win) {
			lo = hv_xs(h, x->win_lo_s);
			hi = hv_xs(h, x->win_hi_s);
			if (hi - lo < 2)
				hi = lo + 2;
			/* a window to beat is a neutral reference beside the measured time */
			fprintf(h->f, "<rect class=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"16\"/>"
				"<path class=\"%s\" d=\"M%.1f %dh-4v16h4M%.1f %dh4v16h-4M%.1f %dH%.1f\"/>",
				x->before_window ? "reff" : "winf", lo, yy, hi - lo, x->before_window ? "ref" : "win",
				lo + 4, yy, hi - 4, yy, lo, ym, hi);
			if (x->before_window && x->window_name[0] && hi - lo > hv_textw(x->window_name) + 10) {
				fprintf(h->f, "<text class=\"reft\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
					(lo + hi) / 2, yy + 12);
				hv_e(h, x->window_name);
				fputs("</text>", h->f);
			}
			if (has_anch) {
				double ax = hv_xs(h, x->anchor_s);
				fprintf(h->f, "<path class=\"anch\" d=\"M%.1f %dH%.1f\"/><circle class=\"anchc\" cx=\"%.1f\" cy=\"%d\" r=\"3\"/>",
					ax, ym, lo, ax, ym);
				if (ax < lo)
					lo = ax;
			}
		}
		double mx = 0;
		if (has_meas) {
			mx = hv_xs(h, x->measured_s);
			if (x->before_window && has_win)   /* the margin: measured → the window's lower bound */
				fprintf(h->f, "<path class=\"gap\" d=\"M%.1f %dH%.1f\"/>", mx, ym, hv_xs(h, x->win_lo_s));
			fprintf(h->f, "<path class=\"meas\" d=\"M%.1f %dl6 7l-6 7l-6 -7z\"/>", mx, yy + 1);
			if (!has_win)
				lo = hi = mx;
			if (mx > hi)
				hi = mx;
			if (mx < lo)
				lo = mx;
		}
		char st[8];
		snprintf(st, sizeof(st), "%s", exp_status_name(x->status));
		for (char *p = st; *p; p++)
			*p = (char)(*p - 'a' + 'A');
		char lab[300];
		if (x->before_window && has_win && has_meas && has_anch)
			snprintf(lab, sizeof(lab), "%s  %.90s \u2014 %.3f s vs %s %.3f\u2013%.3f s: %.3f s %s", st, x->name,
				 x->measured_s - x->anchor_s, x->window_name, x->win_lo_s - x->anchor_s,
				 x->win_hi_s - x->anchor_s, fabs(x->margin_s), x->margin_s > 0 ? "sooner" : "too late");
		else
			snprintf(lab, sizeof(lab), "%s  %.90s", st, x->name);
		double tw = hv_textw(lab);
		if (hi + 10 + tw <= LEFT + PLOT_W)
			fprintf(h->f, "<text x=\"%.1f\" y=\"%d\">", hi + 10, yy + 12);
		else
			fprintf(h->f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"end\">", lo - 10, yy + 12);
		hv_e(h, lab);
		fputs("</text></g>\n", h->f);
	}
}

/* ---- legend ---- */

/* One legend entry: a swatch (SVG drawn at the origin, 24 px wide) and its text. */
static void hv_leg(FILE *f, double *x, int *y, const char *swatch, const char *text)
{
	double need = 28 + hv_textw(text) + 18;
	if (*x + need > SVG_W - 10) {
		*x = 10;
		*y += 20;
	}
	fprintf(f, "<g transform=\"translate(%.0f,%d)\">%s<text x=\"28\" y=\"10\">%s</text></g>", *x, *y, swatch, text);
	*x += need;
}

static void hv_legend(FILE *f)
{
	double x = 10;
	int yy = 7, *y = &yy;
	fputs("<svg class=\"legend\" width=\"1400\" height=\"46\" viewBox=\"0 0 1400 46\" xmlns=\"http://www.w3.org/2000/svg\">\n", f);
	hv_leg(f, &x, y, "<rect width=\"24\" height=\"12\" fill=\"" COL_MASTER "\"/>", "MASTER");
	hv_leg(f, &x, y, "<rect width=\"24\" height=\"12\" fill=\"" COL_BACKUP "\"/>", "BACKUP");
	hv_leg(f, &x, y, "<rect width=\"24\" height=\"12\" fill=\"" COL_FAULT "\"/>", "FAULT");
	hv_leg(f, &x, y, "<rect width=\"24\" height=\"12\" fill=\"#52606d\"/>", "SA up (no VRRP)");
	hv_leg(f, &x, y, "<rect width=\"24\" height=\"12\" rx=\"3\" fill=\"#1f77b4\"/>", "ESP on one SPI, first\u2026last packet");
	hv_leg(f, &x, y, "<rect class=\"mm\" x=\"6\" width=\"12\" height=\"12\" rx=\"2\"/>", "Main Mode");
	hv_leg(f, &x, y, "<rect class=\"qm\" x=\"6\" width=\"12\" height=\"12\" rx=\"2\"/>", "Quick Mode");
	hv_leg(f, &x, y, "<path d=\"M8 2l8 8m0 -8l-8 8\" stroke=\"" COL_LOST "\" stroke-width=\"2.2\"/>", "Delete");
	hv_leg(f, &x, y, "<path d=\"M12 0l5 6l-5 6l-5 -6z\" fill=\"" COL_WARN "\"/>", "notify");
	hv_leg(f, &x, y, "<line class=\"rut\" x1=\"12\" y1=\"0\" x2=\"12\" y2=\"12\"/>", "R-U-THERE");
	hv_leg(f, &x, y, "<line class=\"ack\" x1=\"12\" y1=\"3\" x2=\"12\" y2=\"12\"/>", "ACK");
	hv_leg(f, &x, y, "<line class=\"rutx\" x1=\"12\" y1=\"2\" x2=\"12\" y2=\"13\"/><circle class=\"rutxc\" cx=\"12\" cy=\"1\" r=\"2.5\"/>", "unanswered");
	hv_leg(f, &x, y, "<circle class=\"log\" cx=\"6\" cy=\"6\" r=\"3\"/><circle class=\"log hot\" cx=\"17\" cy=\"6\" r=\"3\"/>", "log (notable)");
	hv_leg(f, &x, y, "<rect class=\"pok\" x=\"5\" width=\"5\" height=\"12\"/><rect class=\"plost\" x=\"14\" width=\"5\" height=\"12\"/>", "ping ok/lost");
	hv_leg(f, &x, y, "<g class=\"exp pass\"><path class=\"win\" d=\"M4 0h-4v12h4M20 0h4v12h-4M0 6H24\"/><path class=\"meas\" d=\"M12 0l5 6l-5 6l-5 -6z\"/></g>", "window/measured");
	hv_leg(f, &x, y, "<path class=\"ref\" d=\"M4 0h-4v12h4M20 0h4v12h-4\"/>", "window to beat");
	fputs("</svg>\n", f);
}

/* ---- page ---- */

static const char *hv_css =
	"body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:16px 20px;color:#1d2329;background:#fff}\n"
	"h1{font-size:22px;margin:0 0 2px}h2{font-size:17px;margin:22px 0 6px}.variant{font-weight:400;color:#56606b}\n"
	".meta{color:#56606b;margin-bottom:8px}.badge{display:inline-block;padding:1px 8px;border-radius:4px;color:#fff;font-weight:600;margin-left:8px;font-size:13px}\n"
	".pass{--c:#2e9e4f}.fail{--c:#d62728}.skip,.error{--c:#c08a00}.badge{background:var(--c)}\n"
	"svg text{font:11px sans-serif;fill:#1d2329}\n"
	".grid{stroke:#eceff2}.tick{stroke:#8a939c}.axis{fill:#56606b}\n"
	".lane0{fill:#fbfcfd}.lane1{fill:#f3f5f8}.lanel{font:bold 13px sans-serif}.lanes{fill:#8a939c;font-size:9px}\n"
	".sep{stroke:#d9dde2}\n"
	".bandt{fill:#fff;font-weight:600;font-size:10px}.bandt.dark{fill:#333}\n"
	".sal{fill:#fff;font-size:10px;font-family:monospace}.salo{font-size:10px;font-family:monospace}\n"
	".pchg{stroke:#fff;stroke-width:2}\n"
	".mm{fill:#cfe3ff;stroke:#4a78c2}.qm{fill:#e6d8f7;stroke:#7d4fbf}.inc{fill:#ffe2b8;stroke:" COL_WARN ";stroke-dasharray:3 2}\n"
	".ikel{font-weight:600;font-size:10px}.incl{fill:" COL_WARN "}\n"
	".msg{stroke:#30465e;stroke-width:1}.info{fill:#9aa3ad}\n"
	".del path{stroke:" COL_LOST ";stroke-width:2.2}.del text{fill:" COL_LOST ";font-weight:600;font-size:10px}\n"
	".ntf path{fill:" COL_WARN "}.ntf text{fill:#8a5a00;font-size:10px}.stm path{fill:#333}.stm text{font-size:10px}\n"
	".rut{stroke:" COL_RUT ";stroke-width:2}.ack{stroke:" COL_ACK ";stroke-width:2}\n"
	".rutx{stroke:" COL_LOST ";stroke-width:2.5}.rutxc{fill:#fff;stroke:" COL_LOST ";stroke-width:1.5}\n"
	".log{fill:#7d8792;opacity:.35}.log.hot{fill:" COL_WARN ";opacity:.9}\n"
	".act line{stroke:#333;stroke-width:1.2;stroke-dasharray:5 3}.act text{font-weight:bold;font-size:12px}\n"
	".pok{fill:" COL_OK "}.plost{fill:" COL_LOST "}\n"
	".outage{fill:" COL_LOST ";opacity:.13}.outall{fill:" COL_LOST ";opacity:.05}.outl{fill:#b01c1c;font-weight:bold;font-size:12px}\n"
	".exp.pass{--c:#2e9e4f}.exp.fail{--c:#d62728}.exp.skip,.exp.error{--c:#c08a00}\n"
	".win{stroke:var(--c);stroke-width:2;fill:none}.winf{fill:var(--c);opacity:.12}\n"
	".anch{stroke:var(--c);stroke-dasharray:2 3;stroke-width:1.5}.anchc{fill:#fff;stroke:var(--c);stroke-width:1.5}\n"
	".meas{fill:var(--c);stroke:#222;stroke-width:1}.exp text{fill:var(--c);font-weight:600}\n"
	".ref{stroke:#56606b;stroke-width:2;fill:none;stroke-dasharray:4 2}.reff{fill:#8a939c;opacity:.18}\n"
	".exp text.reft{fill:#3b444d;font-weight:600;font-size:10px}.gap{stroke:var(--c);stroke-width:3;opacity:.55}\n"
	"g.sa:hover rect,g.ike:hover rect{stroke:#000;stroke-width:1.5}\n"
	".verdict{font-size:44px;font-weight:800;letter-spacing:2px;color:var(--c);margin:18px 0 0}\n"
	".why{font-size:16px;color:#444}\n"
	"table{border-collapse:collapse;margin:4px 0}td,th{border:1px solid #d9dde2;padding:3px 8px;text-align:left;vertical-align:top}\n"
	"th{background:#f3f5f8}td.st{color:#fff;font-weight:700;background:var(--c);text-align:center}\n"
	"table.events td{font:12px monospace;padding:1px 6px;border:none;border-bottom:1px solid #eef0f2}\n"
	"pre{background:#f6f8fa;padding:8px;border-radius:4px}\n"
	"details summary{cursor:pointer;font-weight:600;margin:18px 0 6px}\n";

int report_write_html(const struct run_report *r, const char *path)
{
	struct report_ctx c;
	char tmp[1024];
	FILE *f = report_begin(&c, r, path, tmp, sizeof(tmp));
	if (!f)
		return -1;
	struct hv hh, *h = &hh;
	memset(h, 0, sizeof(*h));
	h->c = &c;
	h->f = f;
	h->dur = report_duration(&c) > 0.001 ? report_duration(&c) : 0.001;
	for (int i = 0; i < r->nnodes && i < MAX_NODES; i++)
		snprintf(h->nodes[h->nnodes++], 32, "%s", r->nodes[i]);
	if (!h->nnodes)   /* no lane order given: nodes in order of first appearance */
		for (size_t i = 0; i < c.n && h->nnodes < MAX_NODES; i++) {
			const struct ev *e = c.ev[i];
			if (e->node[0] && e->type != EV_ACTION && e->type != EV_PING && hv_node(h, e->node) < 0)
				snprintf(h->nodes[h->nnodes++], 32, "%s", e->node);
		}

	struct report_spi *spis;
	size_t nspi = report_spis(&c, 0, &spis);
	struct report_spi *spis_peer;
	size_t nspp = report_spis(&c, 1, &spis_peer);
	h->spis = calloc(nspi + 1, sizeof(*h->spis));
	for (size_t i = 0; h->spis && i < nspi; i++) {
		size_t k;
		for (k = 0; k < h->nspis && h->spis[k] != spis[i].spi; k++)
			;
		if (k == h->nspis)
			h->spis[h->nspis++] = spis[i].spi;
	}
	/* first receiver of each bar for its label */
	for (size_t i = 0; i < nspi; i++)
		for (size_t k = 0; k < nspp; k++)
			if (spis_peer[k].spi == spis[i].spi && !strcmp(spis_peer[k].node, spis[i].node)) {
				snprintf(spis[i].peer, sizeof(spis[i].peer), "%s", spis_peer[k].peer);
				break;
			}
	free(spis_peer);
	struct sabar *bars = calloc(nspi + 1, sizeof(*bars));
	size_t *nbars = calloc(MAX_NODES, sizeof(*nbars));
	struct sabar **lane_bars = calloc(MAX_NODES, sizeof(*lane_bars));
	struct report_probe *probes;
	size_t nprobe = report_probes(&c, &probes);
	int nexprow = 0;
	for (int i = 0; i < r->nexps; i++)
		nexprow += (r->exps[i].has_window && isfinite(r->exps[i].win_lo_s) && isfinite(r->exps[i].win_hi_s)) ||
			   (r->exps[i].has_measured && isfinite(r->exps[i].measured_s));

	/* vertical layout */
	int y = AXIS_H;
	int act_y = y;
	y += ACT_H;
	h->plot_top = act_y;
	size_t used = 0;
	for (int i = 0; i < h->nnodes && bars && nbars && lane_bars; i++) {
		lane_bars[i] = bars + used;
		h->sa_rows[i] = hv_sa_layout(h, spis, nspi, h->nodes[i], lane_bars[i], &nbars[i]);
		used += nbars[i];
		h->lane_y[i] = y;
		h->lane_h[i] = 24 + h->sa_rows[i] * SA_ROW + 2 + 16 + 20;
		y += h->lane_h[i];
	}
	int ping_y = y;
	y += (int)nprobe * PING_H;
	int exp_y = y;
	y += nexprow ? nexprow * EXP_ROW + 8 : 0;
	h->plot_bot = y;
	int height = y + AXIS_H + 4;

	char iso[40];
	report_iso8601(c.t0, iso, sizeof(iso));
	const char *vn = report_verdict_name(r->verdict);
	char VN[8];
	snprintf(VN, sizeof(VN), "%s", vn);
	for (char *p = VN; *p; p++)
		*p = (char)(*p - 'a' + 'A');

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", f);
	hv_e(h, r->testcase);
	if (r->variant[0]) {
		fputc('/', f);
		hv_e(h, r->variant);
	}
	fprintf(f, " \u2014 %s</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", VN, hv_css);
	hv_e(h, r->testcase);
	if (r->variant[0]) {
		fputs(" <span class=\"variant\">variant ", f);
		hv_e(h, r->variant);
		fputs("</span>", f);
	}
	fprintf(f, "<span class=\"badge %s\">%s</span></h1>\n<div class=\"meta\">run ", vn, VN);
	hv_e(h, r->run_id);
	fprintf(f, " \u00b7 start %s \u00b7 duration %.3f s \u00b7 time scale %g \u00b7 %zu events</div>\n",
		iso, report_duration(&c), r->time_scale, c.n);

	fprintf(f, "<svg class=\"timeline\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		"xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">\n", SVG_W, height, SVG_W, height);
	/* lane backgrounds and labels */
	fprintf(f, "<rect class=\"lane1\" x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\"/>"
		"<text class=\"lanel\" x=\"8\" y=\"%d\">actions</text>\n", act_y, SVG_W, ACT_H, act_y + 18);
	for (int i = 0; i < h->nnodes; i++) {
		int ly = h->lane_y[i];
		fprintf(f, "<g class=\"lane\" data-node=\"");
		hv_e(h, h->nodes[i]);
		fprintf(f, "\"><rect class=\"lane%d\" x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\"/>"
			"<line class=\"sep\" x1=\"0\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
			"<text class=\"lanel\" x=\"8\" y=\"%d\">", i % 2, ly, SVG_W, h->lane_h[i], ly, SVG_W, ly, ly + 20);
		if (strlen(h->nodes[i]) > 14) {   /* the lane label column is narrow */
			report_xml_escape_n(f, h->nodes[i], 13);
			fputs("\u2026", f);
			hv_title(h, h->nodes[i]);
		} else {
			hv_e(h, h->nodes[i]);
		}
		int yi = ly + 24 + h->sa_rows[i] * SA_ROW + 2;
		fprintf(f, "</text><text class=\"lanes\" x=\"%d\" y=\"%d\" text-anchor=\"end\">state</text>"
			"<text class=\"lanes\" x=\"%d\" y=\"%d\" text-anchor=\"end\">SA (SPI)</text>"
			"<text class=\"lanes\" x=\"%d\" y=\"%d\" text-anchor=\"end\">IKE</text>"
			"<text class=\"lanes\" x=\"%d\" y=\"%d\" text-anchor=\"end\">DPD \u00b7 log</text></g>\n",
			LEFT - 6, ly + 15, LEFT - 6, ly + 34, LEFT - 6, yi + 10, LEFT - 6, ly + h->lane_h[i] - 6);
	}
	for (size_t i = 0; i < nprobe; i++) {
		int py = ping_y + (int)i * PING_H;
		fprintf(f, "<rect class=\"lane%d\" x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\"/>"
			"<line class=\"sep\" x1=\"0\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
			"<text class=\"lanel\" x=\"8\" y=\"%d\">ping ", (h->nnodes + (int)i) % 2, py, SVG_W,
			PING_H, py, SVG_W, py, py + 20);
		hv_e(h, probes[i].label);
		fprintf(f, "</text><text class=\"lanes\" x=\"8\" y=\"%d\">", py + 34);
		hv_e(h, probes[i].node);
		if (probes[i].peer[0]) {
			fputs(" \u2192 ", f);
			hv_e(h, probes[i].peer);
		}
		fputs("</text>\n", f);
	}
	if (nexprow)
		fprintf(f, "<rect class=\"lane%d\" x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\"/>"
			"<line class=\"sep\" x1=\"0\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
			"<text class=\"lanel\" x=\"8\" y=\"%d\">expectations</text>\n",
			(h->nnodes + (int)nprobe) % 2, exp_y, SVG_W, h->plot_bot - exp_y, exp_y, SVG_W, exp_y, exp_y + 18);
	hv_axis(h, 0, 1);
	hv_axis(h, h->plot_bot, 0);

	/* contents */
	for (size_t i = 0; i < nprobe; i++)
		hv_ping(h, &probes[i], ping_y + (int)i * PING_H);
	for (int i = 0; i < h->nnodes; i++) {
		struct band b[256];
		size_t nb = hv_bands(h, h->nodes[i], b, 256);
		h->has_ha[i] = nb > 0;
		if (!nb)
			nb = hv_sa_bands(h, h->nodes[i], b, 256);
		hv_band_draw(h, h->lane_y[i] + 4, b, nb, h->nodes[i]);
		if (lane_bars && nbars)
			hv_sa_draw(h, h->lane_y[i] + 24, lane_bars[i], nbars[i]);
	}
	struct labrow lr;
	for (int i = 0; i < MAX_NODES; i++)
		lr.end[i] = -1e9;
	struct ikecl *cl;
	size_t ncl = hv_ike_clusters(h, &cl);
	hv_ike_draw(h, cl, ncl, &lr);
	free(cl);
	hv_marks_draw(h, &lr);
	hv_dpd_log_draw(h);
	hv_exps(h, exp_y);
	hv_actions(h, act_y);
	fputs("</svg>\n", f);
	hv_legend(f);

	/* below the picture */
	fprintf(f, "<div class=\"verdict %s\">%s", vn, VN);
	if (r->variant[0]) {
		fputs(" <span class=\"why\">variant ", f);
		hv_e(h, r->variant);
		fputs("</span>", f);
	}
	fputs("</div>\n", f);
	if (r->verdict == 3 && r->skip_reason[0]) {
		fputs("<div class=\"why\">skipped: ", f);
		hv_e(h, r->skip_reason);
		fputs("</div>\n", f);
	}
	if (r->error[0]) {
		fputs("<div class=\"why\">error: ", f);
		hv_e(h, r->error);
		fputs("</div>\n", f);
	}
	fprintf(f, "<h2>Expectations (%d)</h2>\n<table class=\"exps\">\n<tr><th>status</th><th>expectation</th>"
		"<th>measured</th><th>window</th><th>detail</th><th>where</th></tr>\n", r->nexps);
	for (int i = 0; i < r->nexps; i++) {
		const struct exp_result *x = &r->exps[i];
		fprintf(f, "<tr class=\"%s\"><td class=\"st\">%s</td><td>", hv_status_class(x->status),
			exp_status_name(x->status));
		hv_e(h, x->name);
		fputs("</td><td>", f);
		hv_e(h, x->measured);
		fputs("</td><td>", f);
		hv_e(h, x->window);
		fputs("</td><td>", f);
		hv_e(h, x->detail);
		fputs("</td><td>", f);
		hv_e(h, x->file);
		fprintf(f, ":%d</td></tr>\n", x->line);
	}
	fputs("</table>\n", f);
	if (r->nping || nprobe) {
		fputs("<h2>Ping</h2>\n", f);
		if (r->nping) {
			fputs("<pre>", f);
			for (int i = 0; i < r->nping && i < 8; i++) {
				hv_e(h, r->ping_summary[i]);
				fputc('\n', f);
			}
			fputs("</pre>\n", f);
		}
		if (nprobe) {
			fputs("<table><tr><th>probe</th><th>from \u2192 to</th><th>sent</th><th>received</th>"
			      "<th>longest outage</th><th>rtt min/avg/max</th></tr>\n", f);
			for (size_t i = 0; i < nprobe; i++) {
				fputs("<tr><td>", f);
				hv_e(h, probes[i].label);
				fputs("</td><td>", f);
				hv_e(h, probes[i].node);
				fputs(" \u2192 ", f);
				hv_e(h, probes[i].peer);
				fprintf(f, "</td><td>%u</td><td>%u</td><td>%.3f s</td><td>%.1f / %.1f / %.1f ms</td></tr>\n",
					probes[i].sent, probes[i].ok, probes[i].longest_outage_s, probes[i].rtt_min_ms,
					probes[i].rtt_avg_ms, probes[i].rtt_max_ms);
			}
			fputs("</table>\n", f);
			fputs("<table class=\"outages\"><tr><th>probe</th><th>outage start</th><th>end</th>"
			      "<th>duration</th><th>sequence numbers</th><th>lost</th></tr>\n", f);
			for (size_t i = 0; i < nprobe; i++)
				for (size_t j = 0; j < probes[i].nruns; j++) {
					const struct report_prun *run = &probes[i].runs[j];
					if (!run->lost)
						continue;
					fputs("<tr><td>", f);
					hv_e(h, probes[i].label);
					fprintf(f, "</td><td>+%.3f s</td><td>+%.3f s%s</td><td>%s%.3f s</td><td>%" PRIu32
						"\u2013%" PRIu32 "</td><td>%zu</td></tr>\n", report_rel(&c, run->t_first),
						report_rel(&c, run->t_end), run->recovered ? "" : " (not recovered)",
						run->recovered ? "" : "\u2265 ", (double)(run->t_end - run->t_first) / 1e9,
						run->seq_lo, run->seq_hi, run->count);
				}
			fputs("</table>\n", f);
		}
	}
	if (r->leak[0]) {
		fputs("<h2>Root-namespace leak guard</h2>\n<p>", f);
		hv_e(h, r->leak);
		fputs("</p>\n", f);
	}
	if (r->nfiles) {
		fputs("<h2>Files</h2>\n<ul>\n", f);
		for (int i = 0; i < r->nfiles && i < 32; i++) {
			const char *p = r->files[i];
			/* relative links only: "a:b" would be read as a URL scheme */
			const char *colon = strchr(p, ':'), *slash = strchr(p, '/');
			fputs("<li><a href=\"", f);
			if (colon && (!slash || colon < slash))
				fputs("./", f);
			hv_e(h, p);
			fputs("\">", f);
			hv_e(h, p);
			fputs("</a></li>\n", f);
		}
		fputs("</ul>\n", f);
	}
	size_t cap = c.n < REPORT_MAX_EVENTS ? c.n : REPORT_MAX_EVENTS;
	fprintf(f, "<details><summary>All events (%zu%s)</summary>\n<table class=\"events\">\n", c.n,
		cap < c.n ? ", first 20000 shown" : "");
	for (size_t i = 0; i < cap; i++) {
		const struct ev *e = c.ev[i];
		char text[256];
		report_ev_text(e, text, sizeof(text));
		fprintf(f, "<tr><td>+%.3f</td><td>%s</td><td>", report_rel(&c, e->t_ns), ev_type_name(e->type));
		hv_e(h, e->node);
		fputs(e->peer[0] ? " \u2192 " : "", f);
		hv_e(h, e->peer);
		fputs("</td><td>", f);
		hv_e(h, text);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n</details>\n</body>\n</html>\n", f);

	report_probes_free(probes, nprobe);
	free(spis);
	free(bars);
	free(nbars);
	free(lane_bars);
	free(h->spis);
	report_ctx_free(&c);
	return report_close_tmp(f, tmp, path, 1);
}
