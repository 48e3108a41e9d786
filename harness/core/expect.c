/* expect.c — judge a run: every expectation of the testcase against the merged event
 * timeline and the prober records, in the order written, so that an `expect … as NAME`
 * anchors the ones after it. Windows come from the node configs through
 * reference/fsm/windows.c — a node's DPD as in force at the window's anchor, so the
 * windows anchored after a `configure` use its settings — combined with slack, allowance
 * and time scale by tcwin.c. */
#include <glob.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "run.h"
#include "../../reference/codec/isakmp.h"
#include "../analyze/an_fhrp.h"
#include "../../reference/codec/hsrp.h"

#define NS 1e9

/* How many actions of the timeline had run at time a (they run one after the other). */
static int actions_before(const struct run *r, int64_t a)
{
	int n = 0;
	for (int i = 0; i < r->tc->nact; i++)
		if (r->act_ns[i] && r->act_ns[i] <= a)
			n = i + 1;
	return n;
}

int expect_window(const struct run *r, const struct tc_window *w, int64_t anchor_ns, double *lo, double *hi,
		  char *desc, size_t len)
{
	struct tcwin tw;
	if (tcwin_eval_at(r->tc, w, actions_before(r, anchor_ns), r->scale, &tw)) {
		snprintf(desc, len, "%s", tw.what);
		return -1;
	}
	*lo = tw.lo;
	*hi = tw.hi;
	snprintf(desc, len, "%s", tw.desc);
	return 0;
}

/* Index of the expectation named `name` (`as NAME`), or -1. */
static int anchor_exp(const struct run *r, const char *name)
{
	for (int i = 0; i < r->tc->nexp; i++)
		if (!strcmp(r->tc->exp[i].name, name))
			return i;
	return -1;
}

static int64_t anchor_ns(const struct run *r, const char *name)
{
	if (!name[0] || !strcmp(name, "start"))
		return r->t0_ns;
	if (!strcmp(name, "end"))
		return r->end_ns;
	for (int i = 0; i < r->tc->nact; i++)
		if (!strcmp(r->tc->act[i].name, name))
			return r->act_ns[i];
	int k = anchor_exp(r, name);
	return k >= 0 ? r->exp_ns[k] : 0;
}

/* Numeric fields for the picture: seconds from the run start. */
static void set_anchor(const struct run *r, struct exp_result *o, const char *name, int64_t a)
{
	o->has_anchor = 1;
	o->anchor_s = (a - r->t0_ns) / NS;
	snprintf(o->anchor, sizeof(o->anchor), "%s", name);
}

static void set_window(const struct run *r, struct exp_result *o, int64_t a, double lo, double hi,
		       const struct tc_expect *x)
{
	snprintf(o->window_name, sizeof(o->window_name), "%s", x->win.text);
	o->before_window = x->win_before;
	o->has_window = 1;
	o->win_lo_s = (a - r->t0_ns) / NS + lo;
	o->win_hi_s = (a - r->t0_ns) / NS + hi;
}

static void set_measured(const struct run *r, struct exp_result *o, int64_t t)
{
	o->has_measured = 1;
	o->measured_s = (t - r->t0_ns) / NS;
}

static int sel_match(const struct tc_sel *s, const struct ev *e)
{
	if (s->from[0] && strcmp(s->from, e->node))
		return 0;
	if (s->to[0] && strcmp(s->to, e->peer))
		return 0;
	if (s->has_group && ((e->type != EV_HSRP && e->type != EV_VRRP) || e->group != s->group))
		return 0;
	switch (s->kind) {
	case SEL_MM:
		return e->type == EV_IKE && e->exch == ISAKMP_EXCH_MAIN && (!s->msgno || e->msgno == s->msgno);
	case SEL_QM:
		return e->type == EV_IKE && e->exch == ISAKMP_EXCH_QUICK && (!s->msgno || e->msgno == s->msgno);
	case SEL_AM:
		return e->type == EV_IKE && e->exch == ISAKMP_EXCH_AGGRESSIVE;
	case SEL_INFO:
		return (e->type == EV_IKE || e->type == EV_DPD || e->type == EV_IKE_DELETE || e->type == EV_IKE_NOTIFY) &&
		       e->exch == ISAKMP_EXCH_INFO;
	case SEL_R_U_THERE:
		return e->type == EV_DPD && e->notify == ISAKMP_N_R_U_THERE;
	case SEL_R_U_THERE_ACK:
		return e->type == EV_DPD && e->notify == ISAKMP_N_R_U_THERE_ACK;
	case SEL_DELETE:
		return e->type == EV_IKE_DELETE;
	case SEL_NOTIFY:
		return e->type == EV_IKE_NOTIFY;
	case SEL_ESP:
		return e->type == EV_ESP;
	case SEL_VRRP:
		return e->type == EV_VRRP;
	case SEL_HSRP:
		return e->type == EV_HSRP;
	case SEL_GARP:
		return e->type == EV_ARP && strstr(e->text, "gratuitous");
	case SEL_ARP:
		return e->type == EV_ARP;
	case SEL_ECHO_REQUEST:
		return e->type == EV_ICMP && strstr(e->text, "echo request");
	case SEL_ECHO_REPLY:
		return e->type == EV_ICMP && strstr(e->text, "echo reply");
	case SEL_LOG:
		return e->type == EV_LOG && strstr(e->text, s->text);
	case SEL_STATE:
		return e->type == EV_STATE && (strstr(e->state, s->text) || strstr(e->text, s->text));
	case SEL_HSRP_HELLO:
		return e->type == EV_HSRP && e->op == HSRP_OP_HELLO;
	case SEL_HSRP_COUP:
		return e->type == EV_HSRP && e->op == HSRP_OP_COUP;
	case SEL_HSRP_RESIGN:
		return e->type == EV_HSRP && e->op == HSRP_OP_RESIGN;
	case SEL_HSRP_ACTIVE:
		return e->type == EV_HSRP && e->op == HSRP_OP_HELLO && e->fhrp_state == HSRP_ACTIVE;
	case SEL_VRRP_ADVERT:
		return e->type == EV_VRRP && e->value != 0;
	case SEL_VRRP_PRIO0:
		return e->type == EV_VRRP && e->value == 0;
	}
	return 0;
}

static int op_holds(const char *op, long a, long b)
{
	if (!strcmp(op, "=="))
		return a == b;
	if (!strcmp(op, ">="))
		return a >= b;
	if (!strcmp(op, "<="))
		return a <= b;
	return 0;
}

static const struct run_probe *find_probe(const struct run *r, const char *name)
{
	for (int i = 0; i < r->nprobes; i++)
		if (!strcmp(r->probes[i].name, name))
			return &r->probes[i];
	return NULL;
}

static void eval_count(const struct run *r, const struct tc_expect *x, struct exp_result *o, int64_t *mark)
{
	int64_t a = x->after[0] ? anchor_ns(r, x->after) : INT64_MIN;
	int64_t b = x->before[0] ? anchor_ns(r, x->before) : INT64_MAX;
	long n = 0;
	const struct ev *first = NULL;
	for (size_t i = 0; i < r->ev.n; i++) {
		const struct ev *e = &r->ev.v[i];
		if (e->t_ns >= a && e->t_ns < b && sel_match(&x->sel, e)) {
			if (!first)
				first = e;
			n++;
		}
	}
	snprintf(o->measured, sizeof(o->measured), "%ld matching event%s", n, n == 1 ? "" : "s");
	snprintf(o->window, sizeof(o->window), "count %s %ld", x->op, x->n);
	o->status = op_holds(x->op, n, x->n) ? EXP_PASS : EXP_FAIL;
	if (first)
		*mark = first->t_ns;
	if (first)
		snprintf(o->detail, sizeof(o->detail), "first at +%.3f s: %s -> %s %s",
			 (first->t_ns - r->t0_ns) / NS, first->node, first->peer, first->text);
}

/* The expectation's window into o (text and numbers); -1 = it cannot be computed. */
static int window_of(const struct run *r, const struct tc_expect *x, struct exp_result *o, int64_t a,
		     double *lo, double *hi)
{
	char desc[sizeof(o->window)];
	if (expect_window(r, &x->win, a, lo, hi, desc, sizeof(desc))) {
		o->status = EXP_ERROR;
		snprintf(o->detail, sizeof(o->detail), "cannot compute the window %s%s%s", x->win.text,
			 desc[0] ? ": " : "", desc);
		return -1;
	}
	snprintf(o->window, sizeof(o->window), "%s%s", x->win_before ? "before " : "", desc);
	set_anchor(r, o, x->after, a);
	set_window(r, o, a, *lo, *hi, x);
	return 0;
}

/* dt after the anchor against the window: inside it, or (`before FORMULA`) ahead of it. */
static void judge(const struct tc_expect *x, struct exp_result *o, double dt, double lo, double hi)
{
	if (!x->win_before) {
		o->status = (dt >= lo && dt <= hi) ? EXP_PASS : EXP_FAIL;
		return;
	}
	o->margin_s = lo - dt;
	o->status = dt < lo ? EXP_PASS : EXP_FAIL;
	size_t l = strlen(o->measured);
	if (dt < lo)
		snprintf(o->measured + l, sizeof(o->measured) - l, ", %.3f s before %s opens", lo - dt, x->win.text);
	else
		snprintf(o->measured + l, sizeof(o->measured) - l, ", not before %s (%.3f s %s its lower bound)",
			 x->win.text, dt - lo, dt > hi ? "past" : "after");
}

static void eval_first(const struct run *r, const struct tc_expect *x, struct exp_result *o, int64_t *mark)
{
	int64_t a = anchor_ns(r, x->after);
	int64_t b = x->before[0] ? anchor_ns(r, x->before) : INT64_MAX;
	double lo, hi;
	if (window_of(r, x, o, a, &lo, &hi))
		return;
	for (size_t i = 0; i < r->ev.n; i++) {
		const struct ev *e = &r->ev.v[i];
		if (e->t_ns >= a && e->t_ns < b && sel_match(&x->sel, e)) {
			double dt = (e->t_ns - a) / NS;
			set_measured(r, o, e->t_ns);
			*mark = e->t_ns;
			snprintf(o->measured, sizeof(o->measured), "%.3f s after %s", dt, x->after);
			snprintf(o->detail, sizeof(o->detail), "%s -> %s %s", e->node, e->peer, e->text);
			judge(x, o, dt, lo, hi);
			return;
		}
	}
	snprintf(o->measured, sizeof(o->measured), "never");
	snprintf(o->detail, sizeof(o->detail), "no matching event after %s", x->after);
	o->status = EXP_FAIL;
}

static void eval_esp_spi(const struct run *r, const struct tc_expect *x, struct exp_result *o)
{
	int64_t a = anchor_ns(r, x->after);
	uint32_t before[64];
	int nb = 0;
	long after_n = 0, after_old = 0;
	uint32_t last_spi = 0;
	for (size_t i = 0; i < r->ev.n; i++) {
		const struct ev *e = &r->ev.v[i];
		if (e->type != EV_ESP || strcmp(e->node, x->sel.from))
			continue;
		if (e->t_ns < a) {
			int seen = 0;
			for (int k = 0; k < nb; k++)
				seen |= before[k] == e->spi;
			if (!seen && nb < 64)
				before[nb++] = e->spi;
			continue;
		}
		if (x->sel.to[0] && strcmp(e->peer, x->sel.to))
			continue;
		int old = 0;
		for (int k = 0; k < nb; k++)
			old |= before[k] == e->spi;
		after_n++;
		after_old += old;
		last_spi = e->spi;
	}
	char old_list[96] = "";
	for (int k = 0; k < nb && k < 4; k++) {
		size_t l = strlen(old_list);
		snprintf(old_list + l, sizeof(old_list) - l, "%s0x%08x", k ? "," : "", before[k]);
	}
	if (!after_n) {
		o->status = EXP_FAIL;
		snprintf(o->measured, sizeof(o->measured), "no ESP from %s%s%s after %s", x->sel.from,
			 x->sel.to[0] ? " to " : "", x->sel.to, x->after);
		return;
	}
	snprintf(o->measured, sizeof(o->measured), "%ld ESP packets after %s, %ld on an old SPI; last SPI 0x%08x",
		 after_n, x->after, after_old, last_spi);
	snprintf(o->window, sizeof(o->window), x->spi_new ? "last SPI not among {%s}" : "every SPI among {%s}", old_list);
	if (x->spi_new) {
		int old = 0;
		for (int k = 0; k < nb; k++)
			old |= before[k] == last_spi;
		o->status = old ? EXP_FAIL : EXP_PASS;
	} else {
		o->status = after_old == after_n ? EXP_PASS : EXP_FAIL;
	}
}

/* `expect hsrp hello-interval …`: every gap between two consecutive Hellos of one router
 * (per group and link) in the same state, with no Coup/Resign of the group between them
 * (those send at once, RFC 2281 §5.7), lies in the window (hsrp-hello-gap(NODE): RFC 2281
 * §5.4's jittered Hello timer). */
static void eval_hello_interval(const struct run *r, const struct tc_expect *x, struct exp_result *o)
{
	int64_t a = x->after[0] ? anchor_ns(r, x->after) : r->t0_ns;
	int64_t b = x->before[0] ? anchor_ns(r, x->before) : INT64_MAX;
	double lo, hi;
	char desc[sizeof(o->window)];
	if (expect_window(r, &x->win, a, &lo, &hi, desc, sizeof(desc))) {
		o->status = EXP_ERROR;
		snprintf(o->detail, sizeof(o->detail), "cannot compute the window %s: %s", x->win.text, desc);
		return;
	}
	snprintf(o->window, sizeof(o->window), "every Hello gap in %s", desc);
	struct { uint32_t ip; unsigned group; char link[32]; int64_t t, coup; int state; } last[32];
	int nl = 0;
	long gaps = 0, out = 0;
	double gmin = 0, gmax = 0;
	int64_t coup = 0;
	for (size_t i = 0; i < r->ev.n; i++) {
		const struct ev *e = &r->ev.v[i];
		if (e->type != EV_HSRP || e->t_ns < a || e->t_ns >= b)
			continue;
		if (e->op == HSRP_OP_COUP || e->op == HSRP_OP_RESIGN)
			coup = e->t_ns;
		struct tc_sel hs = x->sel;
		hs.kind = SEL_HSRP_HELLO;
		if (!sel_match(&hs, e))
			continue;
		int k;
		for (k = 0; k < nl; k++)
			if (last[k].ip == e->src_ip && last[k].group == e->group && !strcmp(last[k].link, e->link))
				break;
		if (k == nl) {
			if (nl == 32)
				continue;
			last[nl].ip = e->src_ip;
			last[nl].group = e->group;
			snprintf(last[nl].link, sizeof(last[nl].link), "%s", e->link);
			last[nl].t = 0;
			nl++;
		} else if (last[k].state == e->fhrp_state && last[k].t > coup) {
			double g = (e->t_ns - last[k].t) / NS;
			if (!gaps || g < gmin)
				gmin = g;
			if (!gaps || g > gmax)
				gmax = g;
			gaps++;
			if (g < lo || g > hi) {
				if (!out++) {
					set_measured(r, o, e->t_ns);
					snprintf(o->detail, sizeof(o->detail), "first outside: %.3f s before %s's Hello at "
						 "+%.3f s (%s frame %u)", g, e->node, (e->t_ns - r->t0_ns) / NS, e->link, e->frame);
				}
			}
		}
		last[k].t = e->t_ns;
		last[k].state = e->fhrp_state;
	}
	snprintf(o->measured, sizeof(o->measured), "%ld gaps, %.3f-%.3f s, %ld outside", gaps, gmin, gmax, out);
	o->status = gaps && !out ? EXP_PASS : EXP_FAIL;
	if (!gaps)
		snprintf(o->detail, sizeof(o->detail), "no two consecutive Hellos in one state to measure");
}

/* `expect hsrp vmac-only-active …` (RFC 2281 §6.1: the virtual MAC if and only if Active)
 * and `expect vrrp vmac-only …` (RFC 3768 §7.3: every advert from 00-00-5E-00-01-VRID). */
static void eval_vmac(const struct run *r, const struct tc_expect *x, struct exp_result *o)
{
	int64_t a = x->after[0] ? anchor_ns(r, x->after) : INT64_MIN;
	int64_t b = x->before[0] ? anchor_ns(r, x->before) : INT64_MAX;
	const int hsrp = x->kind == EXPK_HSRP_VMAC;
	long n = 0, bad = 0;
	snprintf(o->window, sizeof(o->window), "%s", hsrp ? "source MAC 0000.0c07.acXX (v2 0000.0c9f.fXXX) on Active "
		 "Hellos only" : "every advert from 00-00-5E-00-01-VRID");
	for (size_t i = 0; i < r->ev.n; i++) {
		const struct ev *e = &r->ev.v[i];
		struct tc_sel hs = x->sel;
		hs.kind = hsrp ? SEL_HSRP_HELLO : SEL_VRRP_ADVERT;
		if (e->t_ns < a || e->t_ns >= b || !sel_match(&hs, e))
			continue;
		uint8_t vm[6];
		if (hsrp)
			an_hsrp_vmac(e->ver, e->group, vm);
		else
			an_vrrp_vmac(e->group, vm);
		int from_vmac = !memcmp(e->eth_src, vm, 6);
		int want = hsrp ? e->fhrp_state == HSRP_ACTIVE : 1;
		n++;
		if (from_vmac != want && !bad++) {
			set_measured(r, o, e->t_ns);
			snprintf(o->detail, sizeof(o->detail), "%s at +%.3f s (%s frame %u): %s from %02x:%02x:%02x:%02x:%02x:%02x",
				 e->node, (e->t_ns - r->t0_ns) / NS, e->link, e->frame, e->state, e->eth_src[0],
				 e->eth_src[1], e->eth_src[2], e->eth_src[3], e->eth_src[4], e->eth_src[5]);
		}
	}
	snprintf(o->measured, sizeof(o->measured), "%ld %s, %ld from the wrong MAC", n, hsrp ? "Hellos" : "adverts", bad);
	o->status = n && !bad ? EXP_PASS : EXP_FAIL;
}

/* Rows of a key table as tshark -o uat: options (one per row). */
static size_t uat_opts(const char *dir, const char *table, char *cmd, size_t o, size_t cap)
{
	char path[1100], line[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, table);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] && !strchr(line, '\'') && o < cap)
			o += (size_t)snprintf(cmd + o, cap - o, " -o 'uat:%s:%s'", table, line);
	}
	if (f)
		fclose(f);
	return o < cap ? o : cap;
}

/* tshark (an independent dissector) on every capture of the run, with the run's keys:
 * no malformed frame, no expert item of warning or error severity (Wireshark: warn
 * 0x600000, error 0x800000), every encrypted ISAKMP message and every ESP packet
 * decrypted. */
static void eval_tshark(const struct run *r, struct exp_result *o)
{
	static char cmd[65536];
	char pat[1100], line[4096];
	unsigned long frames = 0, bad = 0, isakmp_enc = 0, isakmp_dec = 0, esp = 0, esp_dec = 0;
	char first_bad[160] = "";
	glob_t gl;

	snprintf(o->window, sizeof(o->window), "every frame dissects cleanly and decrypts");
	snprintf(pat, sizeof(pat), "%s/*.pcapng", r->out_dir);
	if (access("/usr/bin/tshark", X_OK) < 0) {
		o->status = EXP_ERROR;
		snprintf(o->measured, sizeof(o->measured), "tshark is not installed (make deps)");
		return;
	}
	if (glob(pat, 0, NULL, &gl) != 0) {
		o->status = EXP_FAIL;
		snprintf(o->measured, sizeof(o->measured), "no capture files");
		return;
	}
	for (size_t i = 0; i < gl.gl_pathc; i++) {
		size_t n = (size_t)snprintf(cmd, sizeof(cmd), "tshark -n -r '%s' -o esp.enable_encryption_decode:TRUE",
					    gl.gl_pathv[i]);
		n = uat_opts(r->out_dir, "ikev1_decryption_table", cmd, n, sizeof(cmd));
		n = uat_opts(r->out_dir, "esp_sa", cmd, n, sizeof(cmd));
		snprintf(cmd + n, sizeof(cmd) - n, " -T fields -E separator='|' -E occurrence=a -E aggregator=, "
			 "-e frame.number -e _ws.malformed -e _ws.expert.severity -e isakmp.flags "
			 "-e isakmp.typepayload -e esp.spi -e ip.proto 2>/dev/null");
		FILE *p = popen(cmd, "r");
		while (p && fgets(line, sizeof(line), p)) {
			char *f[7] = { 0 }, *s2 = line;
			int nf = 0;
			line[strcspn(line, "\n")] = '\0';
			while (nf < 7) {
				f[nf++] = s2;
				s2 = strchr(s2, '|');
				if (!s2)
					break;
				*s2++ = '\0';
			}
			if (nf < 7)
				continue;
			frames++;
			int broken = f[1][0] != '\0';
			for (char *sv = f[2]; *sv;) {
				unsigned long sev = strtoul(sv, &sv, 0);
				broken |= sev >= 0x600000;
				if (*sv != ',')
					break;
				sv++;
			}
			if (f[3][0] && (strtoul(f[3], NULL, 0) & 1)) {
				isakmp_enc++;
				isakmp_dec += f[4][0] != '\0';
			}
			if (f[5][0]) {
				esp++;
				esp_dec += strchr(f[6], ',') != NULL;     /* an inner IP header was dissected */
			}
			if (broken) {
				bad++;
				if (!first_bad[0]) {
					const char *b = strrchr(gl.gl_pathv[i], '/');
					snprintf(first_bad, sizeof(first_bad), "; first: %s frame %s", b ? b + 1 : gl.gl_pathv[i], f[0]);
				}
			}
		}
		if (p)
			pclose(p);
	}
	globfree(&gl);
	snprintf(o->measured, sizeof(o->measured), "%lu frames: %lu malformed/expert warnings%s; ISAKMP encrypted "
		 "%lu, decrypted %lu; ESP %lu, decrypted %lu", frames, bad, first_bad, isakmp_enc, isakmp_dec, esp, esp_dec);
	o->status = frames > 0 && bad == 0 && isakmp_dec == isakmp_enc && esp_dec == esp ? EXP_PASS : EXP_FAIL;
}

static void eval_ping(const struct run *r, const struct tc_expect *x, struct exp_result *o, int64_t *mark)
{
	const struct run_probe *p = find_probe(r, x->probe);
	if (!p || !p->nrec) {
		o->status = EXP_FAIL;
		snprintf(o->measured, sizeof(o->measured), "probe %s sent nothing", x->probe);
		return;
	}
	if (x->kind == EXPK_PING_PATTERN) {
		char marks[256];
		probe_bangs(p->rec, p->nrec, marks, sizeof(marks));
		snprintf(o->window, sizeof(o->window), "first echoes %s", x->pattern);
		snprintf(o->measured, sizeof(o->measured), "%.60s (%zu echoes)", marks, p->nrec);
		o->status = !strncmp(marks, x->pattern, strlen(x->pattern)) ? EXP_PASS : EXP_FAIL;
		return;
	}
	if (x->kind == EXPK_PING_SUCCESS) {
		struct probe_summary s;
		probe_summarize(p->rec, p->nrec, &s);
		probe_format(&s, o->measured, sizeof(o->measured));
		snprintf(o->window, sizeof(o->window), "success %s %ld percent", x->op, x->n);
		o->status = op_holds(x->op, (long)s.percent, x->n) ? EXP_PASS : EXP_FAIL;
		return;
	}
	int64_t a = anchor_ns(r, x->after);
	size_t first_after = p->nrec;
	for (size_t i = 0; i < p->nrec; i++)
		if (p->rec[i].sent_ns >= a) {
			first_after = i;
			break;
		}
	if (first_after == p->nrec) {
		o->status = EXP_FAIL;
		snprintf(o->measured, sizeof(o->measured), "no echo sent after %s", x->after);
		return;
	}
	if (x->kind == EXPK_PING_OUTAGE) {
		size_t lost = 0, n = p->nrec - first_after;
		for (size_t i = first_after; i < p->nrec; i++) {
			if (!p->rec[i].reply_ns && !lost)
				*mark = p->rec[i].sent_ns;   /* `as NAME`: the first lost echo */
			lost += p->rec[i].reply_ns == 0;
		}
		double span = (p->rec[p->nrec - 1].sent_ns - a) / NS;
		snprintf(o->measured, sizeof(o->measured), "%zu/%zu echoes lost after %s (seq %u-%u), outage ≥ %.1f s",
			 lost, n, x->after, p->rec[first_after].seq, p->rec[p->nrec - 1].seq, span);
		snprintf(o->window, sizeof(o->window), "every echo after %s lost until end", x->after);
		o->status = lost == n ? EXP_PASS : EXP_FAIL;
		return;
	}
	/* recovers: first answered echo after the first lost one after the anchor */
	double lo, hi;
	if (window_of(r, x, o, a, &lo, &hi))
		return;
	size_t i = first_after;
	while (i < p->nrec && p->rec[i].reply_ns)
		i++;
	if (i == p->nrec) {
		snprintf(o->measured, sizeof(o->measured), "no echo lost after %s", x->after);
		o->status = lo <= 0 || x->win_before ? EXP_PASS : EXP_FAIL;
		if (x->win_before)
			o->margin_s = lo;
		return;
	}
	size_t first_lost = i;
	while (i < p->nrec && !p->rec[i].reply_ns)
		i++;
	if (i == p->nrec) {
		snprintf(o->measured, sizeof(o->measured), "never recovered (seq %u-%u lost)",
			 p->rec[first_lost].seq, p->rec[p->nrec - 1].seq);
		o->status = EXP_FAIL;
		return;
	}
	double dt = (p->rec[i].sent_ns - a) / NS;
	set_measured(r, o, p->rec[i].sent_ns);
	*mark = p->rec[i].sent_ns;
	snprintf(o->measured, sizeof(o->measured), "%.3f s after %s (seq %u-%u lost, %zu echoes)", dt, x->after,
		 p->rec[first_lost].seq, p->rec[i - 1].seq, i - first_lost);
	judge(x, o, dt, lo, hi);
}


/* --- RFC conformance of the captured HSRP/VRRP (CONFORMANCE.md §6, 40–59) -------------- */

/* A failure counts when the sender runs refgw (the implementation under test) or is not a
 * node with daemons; keepalived & co. deviating (keepalived sends VRRP from the interface
 * MAC unless use_vmac) is reported as waived. */
static int conf_counted(const char *node, void *arg)
{
	const struct run *r = arg;
	const struct node_spec *s = node[0] ? tc_node_spec(r->tc, node) : NULL;
	return !s || !s->ndaemons || node_has_daemon(s, "refgw");
}

/* Whether an unjudged row (not applicable / waived) fails a run: no — the runner's verdict
 * counts every status but pass, so these rows are EXP_PASS with the word up front. */
#define CONF_UNJUDGED EXP_PASS

/* One row per assertion 40–59 after the expectations, when the run captured any HSRP or
 * VRRP frame (a run without lists none). */
static void eval_conformance(struct run *r)
{
	struct an_fhrp_cfg cfg[LAB_MAX_NODES * 8];
	int ncfg = 0, any = 0;
	for (size_t i = 0; i < r->ev.n && !any; i++)
		any = r->ev.v[i].src == EV_SRC_CAPTURE && (r->ev.v[i].type == EV_HSRP || r->ev.v[i].type == EV_VRRP);
	if (!any)
		return;
	for (int n = 0; n < r->tc->topo.nnodes && n < LAB_MAX_NODES; n++) {
		struct tcwin_fhrp g[8];
		int ng = tcwin_node_fhrp(r->tc, r->tc->topo.nodes[n].name, g, 8);
		for (int k = 0; k < ng && ncfg < (int)(sizeof(cfg) / sizeof(cfg[0])); k++, ncfg++) {
			snprintf(cfg[ncfg].node, sizeof(cfg[ncfg].node), "%s", r->tc->topo.nodes[n].name);
			cfg[ncfg].vrrp = g[k].vrrp;
			cfg[ncfg].group = g[k].group;
			cfg[ncfg].preempt = g[k].preempt;
		}
	}
	double tol = TCWIN_SLACK_S * r->scale;
	struct an_fhrp_opts o = { .scale = r->scale, .tol_s = tol < TCWIN_MIN_REAL_S ? TCWIN_MIN_REAL_S : tol,
				  .cfg = cfg, .ncfg = ncfg, .counted = conf_counted, .arg = r };
	struct an_chk c[AN_FHRP_N];
	an_fhrp_check(&r->ev, &o, c);
	for (int i = 0; i < AN_FHRP_N && r->nres < (int)(sizeof(r->res) / sizeof(r->res[0])); i++) {
		struct exp_result *x = &r->res[r->nres++];
		memset(x, 0, sizeof(*x));
		snprintf(x->name, sizeof(x->name), "conformance #%d %s [%s]", c[i].id, c[i].title, c[i].rfc);
		snprintf(x->file, sizeof(x->file), "%s/testcase.conf", r->tc->dir);
		snprintf(x->window, sizeof(x->window), "%s (CONFORMANCE.md §6 #%d, every captured link)", c[i].rfc,
			 c[i].id);
		switch (c[i].status) {
		case AN_CHK_NA:
			x->status = CONF_UNJUDGED;
			snprintf(x->measured, sizeof(x->measured), "not applicable: nothing in the captures to judge");
			snprintf(x->detail, sizeof(x->detail), "%s", c[i].detail);
			continue;
		case AN_CHK_PASS:
			x->status = EXP_PASS;
			snprintf(x->measured, sizeof(x->measured), "%lu judged, all pass", c[i].checked);
			break;
		case AN_CHK_FAIL:
			x->status = EXP_FAIL;
			snprintf(x->measured, sizeof(x->measured), "%lu of %lu judged fail", c[i].failed, c[i].checked);
			break;
		case AN_CHK_WAIVED:
			x->status = CONF_UNJUDGED;
			snprintf(x->measured, sizeof(x->measured), "waived: %lu deviations by daemons not under test "
				 "(%lu judged)", c[i].waived, c[i].checked);
			break;
		}
		set_measured(r, x, c[i].t_ns);
		snprintf(x->detail, sizeof(x->detail), "%s frame %u at +%.3f s%s%s%s%s", c[i].link, c[i].frame,
			 (c[i].t_ns - r->t0_ns) / NS, c[i].detail[0] ? ": " : "", c[i].detail,
			 c[i].waived_detail[0] ? "; waived: " : "", c[i].waived_detail);
	}
}

void expect_evaluate(struct run *r)
{
	for (int i = 0; i < r->tc->nexp && r->nres < (int)(sizeof(r->res) / sizeof(r->res[0])); i++) {
		const struct tc_expect *x = &r->tc->exp[i];
		struct exp_result *o = &r->res[r->nres++];
		memset(o, 0, sizeof(*o));
		snprintf(o->name, sizeof(o->name), "%s", x->written);
		snprintf(o->file, sizeof(o->file), "%s/testcase.conf", r->tc->dir);
		o->line = x->line;
		r->exp_ns[i] = 0;
		/* an anchor that never happened makes the expectation an error: an action the
		 * timeline never reached (aborted run), or an `expect … as NAME` that matched
		 * nothing */
		const char *missing = x->after[0] && !anchor_ns(r, x->after) ? x->after :
				      x->before[0] && !anchor_ns(r, x->before) ? x->before : NULL;
		if (missing) {
			int k = anchor_exp(r, missing);
			o->status = EXP_ERROR;
			if (k >= 0)
				snprintf(o->detail, sizeof(o->detail), "anchor %s never happened: line %d '%s' matched "
					 "nothing", missing, r->tc->exp[k].line, r->tc->exp[k].written);
			else
				snprintf(o->detail, sizeof(o->detail), "anchor %s never happened: the timeline never "
					 "reached the action named %s", missing, missing);
			snprintf(o->measured, sizeof(o->measured), "not judged: no %s", missing);
			continue;
		}
		switch (x->kind) {
		case EXPK_COUNT:
			eval_count(r, x, o, &r->exp_ns[i]);
			break;
		case EXPK_FIRST:
			eval_first(r, x, o, &r->exp_ns[i]);
			break;
		case EXPK_ESP_SPI:
			eval_esp_spi(r, x, o);
			break;
		case EXPK_TSHARK_CLEAN:
			eval_tshark(r, o);
			break;
		case EXPK_HSRP_HELLO_INTERVAL:
			eval_hello_interval(r, x, o);
			break;
		case EXPK_HSRP_VMAC:
		case EXPK_VRRP_VMAC:
			eval_vmac(r, x, o);
			break;
		default:
			eval_ping(r, x, o, &r->exp_ns[i]);
			break;
		}
	}
	eval_conformance(r);
}
