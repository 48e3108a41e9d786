/* node.c — parse a testcase's nodes/<NODE>.node (format in README.md, "Node files").
 *
 * Lines say what the node does in implementation-neutral terms; the DPD line is kept in
 * the vocabulary of the document it comes from (Comware `ike dpd interval I retry R
 * periodic`, IOS `crypto isakmp keepalive N [R] [periodic|on-demand]`, or strongSwan's
 * `dpd delay D timeout T`), because each vendor's semantics differ (fsm/windows.h).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "node.h"
#include "dpd.h"
#include "ios_cfg.h"
#include "tok.h"

static const char *const known_daemons[] = { "strongswan", "keepalived", "bird", "libreswan", "refgw", NULL };

__attribute__((format(printf, 5, 6)))
static int fail(char *err, size_t len, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int o = snprintf(err, len, "%s:%d: ", file, line);
	va_start(ap, fmt);
	if (o > 0 && (size_t)o < len)
		vsnprintf(err + o, len - o, fmt, ap);
	va_end(ap);
	return -1;
}

/* The words of a configuration-mode line, lower-cased, at most `max` (the rest ignored). */
static int cfg_words(const char *s, char w[][16], int max)
{
	int n = 0;
	while (n < max) {
		s += strspn(s, " \t");
		size_t l = strcspn(s, " \t");
		if (!l)
			break;
		snprintf(w[n], 16, "%.*s", (int)(l < 15 ? l : 15), s);
		for (char *c = w[n]; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		n++;
		s += l;
	}
	return n;
}

/* What refgw's `configure` (reference/refgw/gw_apply.c) does with a line: 1 global (the
 * first word, after an optional `no`, is `crypto` or `ike`: its configuration parser
 * takes it), 2 a global line that sets or removes DPD (`crypto isakmp keepalive …`,
 * `ike dpd …`), 0 anything else (interface, shutdown, …: refgw's business). */
static int cfg_line_kind(const char *s)
{
	char w[4][16];
	int n = cfg_words(s, w, 4), i = n && !strcmp(w[0], "no");
	if (i >= n || (strcmp(w[i], "crypto") && strcmp(w[i], "ike")))
		return 0;
	if ((n >= i + 3 && !strcmp(w[i], "crypto") && !strcmp(w[i + 1], "isakmp") && !strcmp(w[i + 2], "keepalive")) ||
	    (n >= i + 2 && !strcmp(w[i], "ike") && !strcmp(w[i + 1], "dpd")))
		return 2;
	return 1;
}

int node_config_dpd(const struct node_spec *n, const char *lines, struct dpd_cfg *dpd, int *changed,
		    int *bad_line, char *err, size_t errlen)
{
	char cerr[512];
	*bad_line = 0;
	*changed = 0;
	if (!n->config[0]) {
		snprintf(err, errlen, "node %s has no refgw configuration", n->name);
		return -1;
	}
	struct ios_cfg *cfg = ios_cfg_load_file(n->config, cerr, sizeof(cerr));
	if (!cfg) {
		snprintf(err, errlen, "config %s: %s", n->config, cerr);
		return -1;
	}
	int k = 0, rc = 0;
	for (const char *p = lines; *p && rc == 0; ) {
		size_t l = strcspn(p, "\n");
		char line[NODE_CFG_LINE_MAX];
		snprintf(line, sizeof(line), "%.*s", (int)(l < sizeof(line) ? l : sizeof(line) - 1), p);
		p += l + (p[l] == '\n');
		k++;
		int kind = cfg_line_kind(line);
		if (!kind)
			continue;
		if (ios_cfg_apply_global_line(cfg, line, "configure", k, cerr, sizeof(cerr))) {
			*bad_line = k;
			snprintf(err, errlen, "%s", cerr);
			rc = -1;
		} else if (kind == 2) {
			/* every keepalive / ike dpd line gives the whole setting (or none) */
			dpd_cfg_from_ios(&cfg->keepalive, dpd);
			*changed = 1;
		}
	}
	ios_cfg_free(cfg);
	return rc;
}

int node_has_daemon(const struct node_spec *n, const char *daemon)
{
	for (int i = 0; i < n->ndaemons; i++)
		if (!strcmp(n->daemons[i], daemon))
			return 1;
	return 0;
}

static int parse_flow(struct tok_line *t, struct node_spec *n, const char *file, int line,
		      char *err, size_t len)
{
	/* ipsec flow LOCAL/LEN REMOTE/LEN */
	unsigned a, b;
	int la, lb;
	if (t->n != 4 || tok_prefix(t->w[2], &a, &la) || tok_prefix(t->w[3], &b, &lb))
		return fail(err, len, file, line, "expected 'ipsec flow LOCAL/LEN REMOTE/LEN'");
	if (n->nflows == NODE_MAX_FLOWS)
		return fail(err, len, file, line, "more than %d flows", NODE_MAX_FLOWS);
	n->flows[n->nflows].local = (struct lab_prefix){ a, (uint8_t)la };
	n->flows[n->nflows].remote = (struct lab_prefix){ b, (uint8_t)lb };
	n->nflows++;
	return 0;
}

/* The DPD lines of both vendors: `KEYWORDS… SECS [RETRY] [periodic|on-demand]`, where
 * Comware spells the numbers `interval I retry R` and IOS gives them bare. Words from
 * t->w[first] on. */
static int parse_dpd(struct tok_line *t, int first, enum dpd_style style, struct node_spec *n,
		     const char *file, int line, char *err, size_t len)
{
	const int comware = style == DPD_COMWARE;
	const char *form = comware ? "expected 'ike dpd interval SECS [retry SECS] periodic|on-demand'" :
				     "expected 'crypto isakmp keepalive SECS [RETRY] [periodic|on-demand]'";
	struct dpd_cfg *d = &n->dpd;
	int i = first;

	d->style = style;
	d->retry_s = comware ? 5 : 2;   /* the vendors' default retry intervals */
	d->mode = DPD_ON_DEMAND;        /* both default to on-demand */
	if (comware && (i >= t->n || strcmp(t->w[i++], "interval")))
		return fail(err, len, file, line, "%s", form);
	if (i >= t->n || tok_double(t->w[i], &d->interval_s) || d->interval_s <= 0)
		return fail(err, len, file, line, "%s", form);
	i++;
	if (comware && i + 1 < t->n && !strcmp(t->w[i], "retry")) {
		if (tok_double(t->w[i + 1], &d->retry_s) || d->retry_s <= 0)
			return fail(err, len, file, line, "%s", form);
		i += 2;
	} else if (!comware && i < t->n && tok_double(t->w[i], &d->retry_s) == 0) {
		if (d->retry_s <= 0)
			return fail(err, len, file, line, "%s", form);
		i++;
	}
	if (i < t->n && !strcmp(t->w[i], "periodic"))
		d->mode = DPD_PERIODIC, i++;
	else if (i < t->n && !strcmp(t->w[i], "on-demand"))
		i++;
	if (i != t->n)
		return fail(err, len, file, line, "%s, got '%s'", form, t->w[i]);
	return 0;
}

static int parse_vrrp(struct tok_line *t, struct node_spec *n, const char *file, int line,
		      char *err, size_t len)
{
	/* vrrp VRID interface IF virtual-ip A.B.C.D [priority P] [advertise S] [preempt|no-preempt] [version 2|3] */
	static const char *form = "expected 'vrrp VRID interface IFNAME virtual-ip A.B.C.D [priority 1-254] "
				  "[advertise SECS] [preempt|no-preempt] [version 2|3]'";
	if (n->nvrrp == NODE_MAX_VRRP)
		return fail(err, len, file, line, "more than %d vrrp groups", NODE_MAX_VRRP);
	struct node_vrrp *v = &n->vrrp[n->nvrrp];
	memset(v, 0, sizeof(*v));
	v->priority = 100;
	v->adver_int_s = 1;
	v->preempt = 1;
	v->version = 2;
	v->line = line;
	if (t->n < 6 || tok_int(t->w[1], &v->vrid) || v->vrid < 1 || v->vrid > 255 ||
	    strcmp(t->w[2], "interface") || strcmp(t->w[4], "virtual-ip") || tok_ipv4(t->w[5], &v->vip))
		return fail(err, len, file, line, "%s", form);
	snprintf(v->ifname, sizeof(v->ifname), "%s", t->w[3]);
	for (int i = 6; i < t->n; i++) {
		const char *k = t->w[i];
		if (!strcmp(k, "preempt"))
			v->preempt = 1;
		else if (!strcmp(k, "no-preempt"))
			v->preempt = 0;
		else if (i + 1 < t->n && !strcmp(k, "priority") && !tok_int(t->w[i + 1], &v->priority) &&
			 v->priority >= 1 && v->priority <= 255)
			i++;
		else if (i + 1 < t->n && !strcmp(k, "advertise") && !tok_double(t->w[i + 1], &v->adver_int_s) &&
			 v->adver_int_s > 0)
			i++;
		else if (i + 1 < t->n && !strcmp(k, "version") && !tok_int(t->w[i + 1], &v->version) &&
			 (v->version == 2 || v->version == 3))
			i++;
		else
			return fail(err, len, file, line, "%s, got '%s'", form, k);
	}
	n->nvrrp++;
	return 0;
}

static int parse_line(struct tok_line *t, struct node_spec *n, const char *file, int line,
		      char *err, size_t len)
{
	const char *k = t->w[0];

	if (!strcmp(k, "daemon")) {
		if (t->n != 2)
			return fail(err, len, file, line, "expected 'daemon NAME'");
		int ok = 0;
		for (int i = 0; known_daemons[i]; i++)
			ok |= !strcmp(known_daemons[i], t->w[1]);
		if (!ok)
			return fail(err, len, file, line, "unknown daemon '%s' (expected strongswan, keepalived, "
				    "bird, libreswan or refgw)", t->w[1]);
		if (n->ndaemons == NODE_MAX_DAEMONS)
			return fail(err, len, file, line, "more than %d daemons", NODE_MAX_DAEMONS);
		snprintf(n->daemons[n->ndaemons++], sizeof(n->daemons[0]), "%s", t->w[1]);
		return 0;
	}
	if (!strcmp(k, "ike") && t->n >= 2) {
		const char *s = t->w[1];
		n->has_ike = 1;
		if (!strcmp(s, "local")) {
			if (t->n != 5 || tok_ipv4(t->w[2], &n->ike_local) || strcmp(t->w[3], "peer") ||
			    tok_ipv4(t->w[4], &n->ike_peer))
				return fail(err, len, file, line, "expected 'ike local A.B.C.D peer A.B.C.D'");
			return 0;
		}
		if (!strcmp(s, "pre-shared-key")) {
			if (t->n != 3 || strlen(t->w[2]) >= sizeof(n->psk) || !t->w[2][0])
				return fail(err, len, file, line, "expected 'ike pre-shared-key \"SECRET\"'");
			snprintf(n->psk, sizeof(n->psk), "%s", t->w[2]);
			return 0;
		}
		if (!strcmp(s, "proposal")) {
			if (t->n != 3 || strlen(t->w[2]) >= sizeof(n->ike_proposal))
				return fail(err, len, file, line, "expected 'ike proposal ENC-HASH-GROUP' "
					    "(e.g. aes128-sha1-modp2048)");
			snprintf(n->ike_proposal, sizeof(n->ike_proposal), "%s", t->w[2]);
			return 0;
		}
		if (!strcmp(s, "mode")) {
			if (t->n != 3 || (strcmp(t->w[2], "main") && strcmp(t->w[2], "aggressive")))
				return fail(err, len, file, line, "expected 'ike mode main|aggressive'");
			n->aggressive = !strcmp(t->w[2], "aggressive");
			return 0;
		}
		if (!strcmp(s, "lifetime")) {
			if (t->n != 3 || tok_int(t->w[2], &n->ike_lifetime_s) || n->ike_lifetime_s < 60)
				return fail(err, len, file, line, "expected 'ike lifetime SECONDS' (≥ 60)");
			return 0;
		}
		if (!strcmp(s, "dpd"))
			return parse_dpd(t, 2, DPD_COMWARE, n, file, line, err, len);
	}
	if (!strcmp(k, "crypto")) {
		if (t->n < 3 || strcmp(t->w[1], "isakmp") || strcmp(t->w[2], "keepalive"))
			return fail(err, len, file, line, "expected 'crypto isakmp keepalive SECS [RETRY] "
				    "[periodic|on-demand]'");
		return parse_dpd(t, 3, DPD_IOS, n, file, line, err, len);
	}
	if (!strcmp(k, "dpd")) {
		/* dpd delay D timeout T — strongSwan's own knobs */
		if (t->n != 5 || strcmp(t->w[1], "delay") || tok_double(t->w[2], &n->dpd.interval_s) ||
		    strcmp(t->w[3], "timeout") || tok_double(t->w[4], &n->dpd.timeout_s) ||
		    n->dpd.interval_s <= 0 || n->dpd.timeout_s <= 0)
			return fail(err, len, file, line, "expected 'dpd delay SECS timeout SECS'");
		n->dpd.style = DPD_STRONGSWAN;
		n->dpd.mode = DPD_PERIODIC;
		return 0;
	}
	if (!strcmp(k, "ipsec") && t->n >= 2) {
		if (!strcmp(t->w[1], "flow"))
			return parse_flow(t, n, file, line, err, len);
		if (!strcmp(t->w[1], "proposal")) {
			if (t->n != 3 || strlen(t->w[2]) >= sizeof(n->esp_proposal))
				return fail(err, len, file, line, "expected 'ipsec proposal ENC-INTEG' (e.g. aes128-sha1)");
			snprintf(n->esp_proposal, sizeof(n->esp_proposal), "%s", t->w[2]);
			return 0;
		}
		if (!strcmp(t->w[1], "lifetime")) {
			if (t->n != 3 || tok_int(t->w[2], &n->ipsec_lifetime_s) || n->ipsec_lifetime_s < 60)
				return fail(err, len, file, line, "expected 'ipsec lifetime SECONDS' (≥ 60)");
			return 0;
		}
		return fail(err, len, file, line, "expected 'ipsec flow …', 'ipsec proposal …' or 'ipsec lifetime …'");
	}
	if (!strcmp(k, "config")) {
		/* config FILE — an IOS configuration for refgw, relative to the node file */
		const char *slash = strrchr(file, '/');
		int dirlen = slash ? (int)(slash - file) : 0;
		if (t->n != 2 || !t->w[1][0])
			return fail(err, len, file, line, "expected 'config FILE' (an IOS configuration, "
				    "relative to the node file)");
		if (t->w[1][0] == '/' || !slash)
			snprintf(n->config, sizeof(n->config), "%s", t->w[1]);
		else
			snprintf(n->config, sizeof(n->config), "%.*s/%s", dirlen, file, t->w[1]);
		n->config_line = line;
		return 0;
	}
	if (!strcmp(k, "initiate")) {
		if (t->n != 1)
			return fail(err, len, file, line, "expected 'initiate' alone");
		n->initiate = 1;
		return 0;
	}
	if (!strcmp(k, "vrrp"))
		return parse_vrrp(t, n, file, line, err, len);
	if (!strcmp(k, "ospf")) {
		int plen, area;
		unsigned a;
		if (t->n == 3 && !strcmp(t->w[1], "router-id") && !tok_ipv4(t->w[2], &n->router_id))
			return 0;
		if (t->n == 5 && !strcmp(t->w[1], "network") && !tok_prefix(t->w[2], &a, &plen) &&
		    !strcmp(t->w[3], "area") && !tok_int(t->w[4], &area) && area >= 0) {
			if (n->nospf == NODE_MAX_OSPF)
				return fail(err, len, file, line, "more than %d ospf networks", NODE_MAX_OSPF);
			n->ospf[n->nospf].net = (struct lab_prefix){ a, (uint8_t)plen };
			n->ospf[n->nospf].area = (uint32_t)area;
			n->nospf++;
			return 0;
		}
		return fail(err, len, file, line, "expected 'ospf router-id A.B.C.D' or 'ospf network A.B.C.D/LEN area N'");
	}
	return fail(err, len, file, line, "unknown line '%s' (expected daemon, ike, ipsec, crypto isakmp keepalive, "
		    "dpd, initiate, vrrp or ospf)", k);
}

int node_spec_load(const char *path, struct node_spec *n, char *err, size_t errlen)
{
	char *text = tok_slurp(path);
	if (!text) {
		snprintf(err, errlen, "%s: cannot read node file", path);
		return -1;
	}
	int rc = node_spec_parse(path, text, n, err, errlen);
	free(text);
	return rc;
}

int node_spec_parse(const char *path, char *text, struct node_spec *n, char *err, size_t errlen)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	memset(n, 0, sizeof(*n));
	snprintf(n->file, sizeof(n->file), "%s", path);
	snprintf(n->name, sizeof(n->name), "%.*s", (int)strcspn(base, "."), base);
	n->line = 1;

	int line = 0, rc = 0;
	for (char *p = text; *p && rc == 0; ) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		line++;
		struct tok_line t;
		if (tok_split(p, &t))
			rc = fail(err, errlen, path, line, "unterminated quote or too many words");
		else if (t.n)
			rc = parse_line(&t, n, path, line, err, errlen);
		if (nl)
			*nl = '\n';
		p = nl ? nl + 1 : p + strlen(p);
	}
	if (rc)
		return rc;
	if (n->ndaemons == 0)
		return fail(err, errlen, path, 1, "no 'daemon NAME' line: which implementation plays this node?");
	if (n->has_ike && (!n->ike_local || !n->ike_peer || !n->psk[0] || !n->nflows))
		return fail(err, errlen, path, line, "an IKE node needs 'ike local … peer …', "
			    "'ike pre-shared-key …' and at least one 'ipsec flow …'");
	if (node_has_daemon(n, "refgw") && !n->config[0])
		return fail(err, errlen, path, line, "a refgw node needs 'config FILE' (its IOS configuration)");
	if (n->config[0] && n->dpd.style == DPD_OFF) {
		/* refgw: DPD as its configuration says (IOS `crypto isakmp keepalive` or Comware
		 * `ike dpd interval`), so the expectation windows come from the same lines refgw
		 * runs (at start-up; `configure` changes apply to new SAs only) */
		char cerr[512];
		struct ios_cfg *cfg = ios_cfg_load_file(n->config, cerr, sizeof(cerr));
		if (!cfg)
			return fail(err, errlen, path, n->config_line, "config %s: %s", n->config, cerr);
		dpd_cfg_from_ios(&cfg->keepalive, &n->dpd);
		ios_cfg_free(cfg);
	}
	if (n->config[0] && !node_has_daemon(n, "refgw") && !node_has_daemon(n, "bird"))
		return fail(err, errlen, path, n->config_line, "'config FILE' is for refgw and bird nodes "
			    "(add 'daemon refgw', or 'daemon bird' for an OSPF router from its `router ospf`)");
	if (n->has_ike && !n->ike_proposal[0])
		snprintf(n->ike_proposal, sizeof(n->ike_proposal), "aes128-sha1-modp2048");
	if (n->has_ike && !n->esp_proposal[0])
		snprintf(n->esp_proposal, sizeof(n->esp_proposal), "aes128-sha1");
	return 0;
}
