/* ios_parse.c — the line loop of the IOS configuration parser: splitting and tokenising
 * lines, comments and show-run headers, the mode machine (which block a line belongs
 * to, see ios_cfg.h), dispatch to the command handlers, not-applied bookkeeping, and the
 * checks that run after the last line.
 */
#include "ios_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- blocks ------------------------------------------------------------------------- */

static void close_block(struct ios_parser *p)
{
	p->mode = IOS_M_GLOBAL;
	p->cur = -1;
	p->ctx = 0;
	p->bang = false;
}

int ios_enter(struct ios_parser *p, enum ios_mode m, int cur)
{
	uint32_t off;

	if (ios_pool_words(p, 0, &off) < 0)
		return -1;
	p->mode = m;
	p->cur = cur;
	p->ctx = off;
	p->bang = false;
	return 0;
}

/* ---- which lines are global-mode commands ---------------------------------------------- */

/* First words of global configuration mode that never start a sub-mode line of the
 * blocks refgw reads (`ip`, `crypto` and `logging` are decided below). */
static const char *const global_words[] = {
	"hostname", "interface", "router", "line", "version", "boot", "boot-start-marker",
	"boot-end-marker", "access-list", "route-map", "end", "enable", "username", "aaa",
	"snmp-server", "banner", "alias", "key", "class-map", "policy-map", "control-plane",
	"track", "archive", "dial-peer", "voice", "object-group", "parameter-map", "zone",
	"zone-pair", "template", "event", "call-home", "vtp", "memory-size", "license",
	"hw-module", "card", "scheduler", "mac-address-table", "errdisable", "diagnostic",
	"tacacs-server", "radius-server", "tacacs", "radius", "exception", "process-max-time",
	"sntp", "multilink", "vpdn", "vpdn-group", "chat-script", "config-register", "controller",
	"pseudowire-class", "l2tp-class", "dialer-list", "queue-list", "priority-list", "webvpn",
	"telephony-service", "gatekeeper", "application", "fhrp", "file", "warm-reboot", "netconf",
	"restconf", "ike",
};

/* Global commands whose first word also starts interface lines (cdp enable, mpls ip,
 * spanning-tree portfast, service-instance …): global everywhere but in an interface. */
static const char *const global_but_iface_words[] = {
	"service", "spanning-tree", "cdp", "lldp", "mls", "udld", "mpls", "ntp", "rmon",
	"security", "redundancy", "platform",
};

/* `ipv6 X …` words that are global even inside an interface block. */
static const char *const ipv6_global_words[] = {
	"route", "unicast-routing", "access-list", "cef", "prefix-list", "router", "host",
	"general-prefix", "local", "multicast-routing", "name-server", "dhcp", "nd", "icmp",
};

/* `ip X …` words that are global even inside an interface block. */
static const char *const ip_global_words[] = {
	"route", "classless", "subnet-zero", "cef", "http", "domain", "domain-name",
	"domain-lookup", "domain-list", "host", "access-list", "prefix-list", "name-server",
	"source-route", "ssh", "dhcp", "forward-protocol", "multicast-routing", "bootp", "finger",
	"sla", "scp", "ftp", "tftp", "default-gateway", "default-network", "vrf", "dns",
	"flow-export", "flow-cache", "flow-top-talkers", "community-list", "as-path",
	"extcommunity-list", "explicit-path", "rcmd", "options", "icmp", "identd",
	"gratuitous-arps", "local", "routing", "audit", "ips", "telnet", "radius", "tacacs",
	"nat", "tcp", "inspect",
};

static bool in_list(const char *w, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ios_word_is(w, list[i]))
			return true;
	return false;
}

#define IN(w, list) in_list((w), (list), sizeof(list) / sizeof((list)[0]))

static const char *tok_at(const struct ios_parser *p, int i)
{
	return i < p->ntok ? p->tok[i] : "";
}

static bool ip_is_global(const struct ios_parser *p, int i)
{
	const char *w = tok_at(p, i), *w1 = tok_at(p, i + 1);

	if (p->mode != IOS_M_IFACE)
		return true;
	if (!IN(w, ip_global_words))
		return false;
	if (ios_word_is(w, "nat"))      /* interface: ip nat inside|outside */
		return !((ios_word_is(w1, "inside") || ios_word_is(w1, "outside")) &&
			 !ios_word_is(tok_at(p, i + 2), "source"));
	if (ios_word_is(w, "tcp"))      /* interface: ip tcp adjust-mss|header-compression */
		return !ios_word_is(w1, "adjust-mss") && !ios_word_is(w1, "header-compression");
	if (ios_word_is(w, "inspect"))  /* interface: ip inspect NAME in|out */
		return !(ios_word_is(tok_at(p, i + 2), "in") || ios_word_is(tok_at(p, i + 2), "out"));
	if (ios_word_is(w, "dhcp"))     /* interface: ip dhcp relay|client … */
		return !ios_word_is(w1, "relay") && !ios_word_is(w1, "client");
	return true;
}

static bool crypto_is_global(const struct ios_parser *p, int i)
{
	int rest = p->ntok - i;

	if (p->mode != IOS_M_IFACE)
		return true;
	/* interface: crypto map NAME [redundancy GROUP …] (and `no crypto map`) */
	if (ios_word_is(tok_at(p, i), "map"))
		return !(rest <= 2 || ios_word_is(tok_at(p, i + 2), "redundancy"));
	/* interface: crypto ipsec df-bit|fragmentation … */
	if (ios_word_is(tok_at(p, i), "ipsec") &&
	    (ios_word_is(tok_at(p, i + 1), "df-bit") || ios_word_is(tok_at(p, i + 1), "fragmentation")))
		return false;
	return true;
}

static bool is_global(const struct ios_parser *p)
{
	int i = (p->ntok > 1 && ios_word_is(p->tok[0], "no")) ? 1 : 0;
	const char *w = p->tok[i], *w1 = tok_at(p, i + 1);

	if (ios_word_is(w, "ip"))
		return ip_is_global(p, i + 1);
	if (ios_word_is(w, "ipv6"))
		return p->mode != IOS_M_IFACE || IN(w1, ipv6_global_words);
	if (ios_word_is(w, "crypto"))
		return crypto_is_global(p, i + 1);
	if (ios_word_is(w, "logging"))   /* line: logging synchronous; interface: logging event */
		return !ios_word_is(w1, "synchronous") && !ios_word_is(w1, "event");
	if (ios_word_is(w, "clock"))     /* interface/controller: clock rate|source */
		return ios_word_is(w1, "timezone") || ios_word_is(w1, "summer-time") ||
		       ios_word_is(w1, "calendar-valid");
	if (ios_word_is(w, "vrf"))       /* interface: vrf forwarding */
		return ios_word_is(w1, "definition");
	if (IN(w, global_but_iface_words))
		return p->mode != IOS_M_IFACE;
	return IN(w, global_words);
}

static bool sub_known(const struct ios_parser *p)
{
	switch (p->mode) {
	case IOS_M_IFACE:  return ios_sub_interface_known(p);
	case IOS_M_POLICY: return ios_sub_policy_known(p);
	case IOS_M_TSET:   return ios_sub_tset_known(p);
	case IOS_M_MAP:    return ios_sub_map_known(p);
	case IOS_M_ACL:    return ios_sub_acl_known(p);
	case IOS_M_OSPF:   return ios_sub_ospf_known(p);
	case IOS_M_RMAP:   return ios_sub_rmap_known(p);
	default:           return false;
	}
}

static struct ios_parser *fake_parser(const char *text)
{
	struct ios_parser *p = calloc(1, sizeof(*p));
	size_t n = strlen(text);
	char *s;

	if (!p || n > IOS_LINE_MAX) {
		free(p);
		return NULL;
	}
	memcpy(p->buf, text, n + 1);
	for (s = strtok(p->buf, " "); s && p->ntok < IOS_TOKENS_MAX; s = strtok(NULL, " "))
		p->tok[p->ntok++] = s;
	return p;
}

struct banner_state { char delim[3]; int line; };
static int banner_start(struct ios_parser *p, struct banner_state *b);

int ios_banner_open(const char *text, char delim[3])
{
	struct ios_parser *p = fake_parser(text);
	struct banner_state b;
	int open = 0;

	if (p && p->ntok && ios_word_is(p->tok[0], "banner") && banner_start(p, &b) == 1) {
		memcpy(delim, b.delim, 3);
		open = 1;
	}
	free(p);
	return open;
}

bool ios_would_stay(enum ios_owner block, const char *text)
{
	static const enum ios_mode by_owner[] = {
		[IOS_OWN_NONE] = IOS_M_GLOBAL, [IOS_OWN_IFACE] = IOS_M_IFACE,
		[IOS_OWN_POLICY] = IOS_M_POLICY, [IOS_OWN_TSET] = IOS_M_TSET, [IOS_OWN_MAP] = IOS_M_MAP,
		[IOS_OWN_ACL] = IOS_M_ACL, [IOS_OWN_KEPT] = IOS_M_KEPT, [IOS_OWN_OSPF] = IOS_M_OSPF,
		[IOS_OWN_RMAP] = IOS_M_RMAP, [IOS_OWN_TRACK] = IOS_M_TRACK,
	};
	struct ios_parser *p = fake_parser(text);
	bool stay;

	if (!p)
		return true;
	p->mode = by_owner[block];
	stay = p->ntok > 0 && p->mode != IOS_M_GLOBAL && !is_global(p) && sub_known(p);
	free(p);
	return stay;
}

/* Kept top-level commands whose sub-mode lines follow them. */
static bool opens_block(const struct ios_parser *p)
{
	static const char *const blocks[] = {
		"router", "line", "route-map", "class-map", "policy-map", "control-plane",
		"redundancy", "track", "archive", "dial-peer", "object-group", "parameter-map",
		"zone-pair", "template", "call-home", "controller", "pseudowire-class",
		"l2tp-class", "webvpn", "telephony-service", "gatekeeper", "application", "voice",
		"event",
	};
	const char *w = p->tok[0], *w1 = tok_at(p, 1), *w2 = tok_at(p, 2);

	if (IN(w, blocks))
		return true;
	if (ios_word_is(w, "key"))
		return ios_word_is(w1, "chain");
	if (ios_word_is(w, "vrf"))
		return ios_word_is(w1, "definition");
	if (ios_word_is(w, "zone"))
		return ios_word_is(w1, "security");
	if (ios_word_is(w, "aaa"))
		return ios_word_is(w1, "group");
	if (ios_word_is(w, "vlan"))
		return w1[0] >= '0' && w1[0] <= '9';
	if (ios_word_is(w, "ipv6"))
		return ios_word_is(w1, "router") || ios_word_is(w1, "access-list") ||
		       (ios_word_is(w1, "dhcp") && ios_word_is(w2, "pool"));
	if (ios_word_is(w, "ip"))
		return ios_word_is(w1, "vrf") || ios_word_is(w1, "sla") ||
		       ios_word_is(w1, "explicit-path") ||
		       (ios_word_is(w1, "dhcp") && ios_word_is(w2, "pool")) ||
		       ios_word_is(w1, "access-list");
	if (ios_word_is(w, "crypto"))
		return ios_word_is(w1, "pki") || ios_word_is(w1, "ca") ||
		       ios_word_is(w1, "dynamic-map") || ios_word_is(w1, "keyring") ||
		       ios_word_is(w1, "ikev2") || ios_word_is(w1, "gdoi") ||
		       ios_word_is(w1, "map") ||
		       (ios_word_is(w1, "isakmp") && (ios_word_is(w2, "profile") ||
						      ios_word_is(w2, "client"))) ||
		       (ios_word_is(w1, "ipsec") && ios_word_is(w2, "profile")) ||
		       (ios_word_is(w1, "key") && ios_word_is(w2, "pubkey-chain"));
	return false;
}

/* Keep the current global line; it may open a kept block. */
static int keep_global(struct ios_parser *p)
{
	struct ios_cfg *c = p->cfg;

	if (ios_keep(p, 0) < 0)
		return -1;
	c->kept[c->nkept - 1].block = opens_block(p);
	p->mode = c->kept[c->nkept - 1].block ? IOS_M_KEPT : IOS_M_KEPT_INDENT;
	p->cur = c->nkept - 1;
	p->ctx = c->kept[c->nkept - 1].text;
	p->bang = false;
	return 0;
}

/* ---- banners: `banner motd ^C … ^C` spans lines until the delimiter comes back ---------- */

static const char *const banner_types[] = {
	"motd", "login", "exec", "incoming", "slip-ppp", "prompt-timeout", "config-save",
};

/* Returns 1 if the banner stays open after this line, 0 if closed, -1 on error. */
static int banner_start(struct ios_parser *p, struct banner_state *b)
{
	int i = 1;
	char rest[IOS_LINE_MAX + 1];
	const char *d;

	if (i < p->ntok && IN(p->tok[i], banner_types))
		i++;
	if (i >= p->ntok)
		return ios_perr(p, i, "'banner [motd|login|exec] DELIMITER TEXT DELIMITER'");
	d = p->tok[i];
	if (d[0] == '^' && d[1] == 'C') {
		memcpy(b->delim, "^C", 3);
	} else {
		b->delim[0] = d[0];
		b->delim[1] = '\0';
	}
	b->line = p->line;
	if (ios_join(p, i, rest, sizeof(rest)) < 0)
		return ios_perr(p, i, "a shorter banner line");
	return strstr(rest + strlen(b->delim), b->delim) ? 0 : 1;
}

/* ---- global commands ---------------------------------------------------------------------- */

static int cmd_hostname(struct ios_parser *p)
{
	struct ios_cfg *c = p->cfg;

	if (p->ntok != 2)
		return ios_perr(p, p->ntok < 2 ? 1 : 2, "'hostname NAME'");
	if (strlen(p->tok[1]) >= sizeof(c->hostname))
		return ios_perr(p, 1, "a host name of at most 63 characters");
	strcpy(c->hostname, p->tok[1]);
	c->hostname_line = p->line;
	return 0;
}

static int do_global(struct ios_parser *p)
{
	const char *w = p->tok[0];
	bool kept = false;
	int rc;

	if (ios_word_is(w, "end")) {
		if (p->ntok != 1)
			return ios_perr(p, 1, "'end'");
		p->end_line = p->line;
		return 0;
	}
	if (ios_word_is(w, "exit") && p->ntok == 1)
		return 0;
	if (ios_word_is(w, "hostname"))
		return cmd_hostname(p);
	if (ios_word_is(w, "interface"))
		return ios_cmd_interface(p);
	if (ios_word_is(w, "access-list")) {
		rc = ios_cmd_access_list(p, &kept);
		if (rc < 0 || !kept)
			return rc;
		return keep_global(p);
	}
	if (ios_word_is(w, "ip") && p->ntok >= 2 && ios_word_is(p->tok[1], "route")) {
		rc = ios_cmd_route(p, &kept);
		if (rc < 0 || !kept)
			return rc;
		return keep_global(p);
	}
	if (ios_word_is(w, "ip") && p->ntok >= 2 && ios_word_is(p->tok[1], "access-list") &&
	    p->ntok >= 3 && (ios_word_is(p->tok[2], "extended") || ios_word_is(p->tok[2], "standard")))
		return ios_cmd_ip_access_list(p);
	if (ios_word_is(w, "crypto")) {
		rc = ios_cmd_crypto(p, &kept);
		if (rc < 0 || !kept)
			return rc;
		return keep_global(p);
	}
	if (ios_word_is(w, "ike")) {
		rc = ios_cmd_ike(p, &kept);
		if (rc < 0 || !kept)
			return rc;
		return keep_global(p);
	}
	if (ios_word_is(w, "router") || ios_word_is(w, "track") || ios_word_is(w, "fhrp")) {
		rc = ios_word_is(w, "router") ? ios_cmd_router(p, &kept) :
		     ios_word_is(w, "track") ? ios_cmd_track(p, &kept) : ios_cmd_fhrp(p, &kept);
		if (rc < 0 || !kept)
			return rc;
		return keep_global(p);
	}
	if (ios_word_is(w, "route-map"))
		return ios_cmd_route_map(p);
	if (ios_word_is(w, "no") && p->ntok == 1)
		return ios_perr(p, 1, "'no COMMAND'");
	return keep_global(p);
}

static int do_sub(struct ios_parser *p)
{
	switch (p->mode) {
	case IOS_M_IFACE:  return ios_sub_interface(p);
	case IOS_M_POLICY: return ios_sub_policy(p);
	case IOS_M_TSET:   return ios_sub_tset(p);
	case IOS_M_MAP:    return ios_sub_map(p);
	case IOS_M_ACL:    return ios_sub_acl(p);
	case IOS_M_OSPF:   return ios_sub_ospf(p);
	case IOS_M_RMAP:   return ios_sub_rmap(p);
	default:           return ios_keep(p, p->ctx);   /* kept blocks, track objects */
	}
}

static int dispatch(struct ios_parser *p)
{
	if (p->mode != IOS_M_GLOBAL) {
		bool sub;

		if (p->ntok == 1 && ios_word_is(p->tok[0], "exit")) {
			close_block(p);
			return 0;
		}
		if (p->indented)
			sub = true;
		else if (is_global(p) || p->mode == IOS_M_KEPT_INDENT)
			sub = false;
		else if (p->bang && !sub_known(p))
			sub = false;
		else
			sub = true;
		if (sub)
			return do_sub(p);
		close_block(p);
	}
	return do_global(p);
}

/* ---- lines ------------------------------------------------------------------------------ */

/* Width of the blank at s[i] (space, tab, CR, VT, FF, U+00A0, U+3000), 0 if none. */
static size_t blank_at(const char *s, size_t n, size_t i)
{
	unsigned char c = (unsigned char)s[i];

	if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f')
		return 1;
	if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0)
		return 2;
	if (c == 0xE3 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x80)
		return 3;
	return 0;
}

/* Split s[0..n) into words in p->buf. Returns 0 or -1 (error set). */
static int tokenize(struct ios_parser *p, const char *s, size_t n)
{
	size_t i = 0, o = 0;

	p->ntok = 0;
	while (i < n) {
		size_t w = blank_at(s, n, i);

		if (w) {
			i += w;
			continue;
		}
		if (p->ntok >= IOS_TOKENS_MAX)
			return ios_perrf(p, "expected at most %d words on a line, got more", IOS_TOKENS_MAX);
		p->tok[p->ntok++] = p->buf + o;
		while (i < n && !blank_at(s, n, i)) {
			unsigned char c = (unsigned char)s[i];

			if (c < 0x20 || c == 0x7f)
				return ios_perrf(p, "expected printable text, got byte 0x%02x", c);
			p->buf[o++] = (char)c;
			i++;
		}
		p->buf[o++] = '\0';
	}
	return 0;
}

static int do_line(struct ios_parser *p, const char *s, size_t n, struct banner_state *ban)
{
	size_t fb = 0, w;

	while (n > 0 && s[n - 1] == '\r')
		n--;
	if (ban->delim[0]) {             /* inside a multi-line banner */
		if (memmem(s, n, ban->delim, strlen(ban->delim)))
			ban->delim[0] = '\0';
		return 0;
	}
	while (fb < n && (w = blank_at(s, n, fb)) != 0)
		fb += w;
	if (fb == n)
		return 0;
	if (s[fb] == '!') {
		size_t i = fb + 1;

		while (i < n && (w = blank_at(s, n, i)) != 0)
			i += w;
		if (fb == 0 && i == n)
			p->bang = true;
		return 0;
	}
	if (s[fb] == '#')
		return 0;
	if (n - fb > IOS_LINE_MAX)       /* the indentation does not count */
		return ios_perrf(p, "expected at most %d characters on a line, got %zu",
				 IOS_LINE_MAX, n - fb);
	if (tokenize(p, s + fb, n - fb) < 0)
		return -1;
	p->indented = fb > 0;
	/* show-run headers: "Building configuration...", "Current configuration : N bytes" */
	if (p->ntok >= 2 && ((strcmp(p->tok[0], "Building") == 0 && strcmp(p->tok[1], "configuration...") == 0) ||
			     (strcmp(p->tok[0], "Current") == 0 && strcmp(p->tok[1], "configuration") == 0)))
		return 0;
	if (p->end_line)
		return ios_perr(p, 0, "only comments after 'end'");
	if (ios_word_is(p->tok[0], "banner") && (p->mode == IOS_M_GLOBAL || !p->indented)) {
		int open;

		if (p->mode != IOS_M_GLOBAL)
			close_block(p);
		open = banner_start(p, ban);
		if (open < 0)
			return -1;
		if (!open)
			ban->delim[0] = '\0';
		return ios_keep(p, 0);
	}
	return dispatch(p);
}

/* ---- checks after the last line ------------------------------------------------------------- */

static int check_routes(struct ios_parser *p)
{
	struct ios_cfg *c = p->cfg;
	int i;

	for (i = 0; i < c->nroutes; i++) {
		struct ios_route *r = &c->routes[i];

		if (!r->ifname[0])
			continue;
		r->iface = ios_cfg_iface_index(c, r->ifname);
		if (r->iface < 0)
			return ios_perr_at(p, r->line, "an interface configured in this file", r->ifname);
	}
	return 0;
}

static int check_maps(struct ios_parser *p)
{
	struct ios_cfg *c = p->cfg;
	int i, j;

	for (i = 0; i < c->nentries; i++) {
		const struct ios_map_entry *e = &c->entries[i];
		const struct ios_acl *acl;
		const struct ios_ace *a = NULL;

		for (j = 0; j < e->ntsets; j++)
			if (!ios_cfg_tset_find(c, e->tsets[j]))
				return ios_perr_at(p, e->tset_line,
						   "a transform set defined by 'crypto ipsec transform-set'",
						   e->tsets[j]);
		if (!e->acl[0] || !(acl = ios_cfg_acl_find(c, e->acl)))
			continue;
		while ((a = ios_cfg_ace_next(c, acl, a)) != NULL) {
			struct ios_flow f;
			char what[160], got[32], full[400];

			if (ios_ace_flow(a, &f, what, sizeof(what), got, sizeof(got)) == 0)
				continue;
			snprintf(full, sizeof(full), "%s in crypto ACL %s of crypto map %s %u",
				 what, acl->name, e->map, e->seq);
			return ios_perr_at(p, a->line, full, got);
		}
	}
	return 0;
}

/* ---- entry points ------------------------------------------------------------------------------ */

struct ios_cfg *ios_cfg_alloc(void)
{
	return calloc(1, sizeof(struct ios_cfg));
}

void ios_cfg_free(struct ios_cfg *cfg)
{
	free(cfg);
}

static void cfg_init(struct ios_cfg *c, const char *fname)
{
	memset(c, 0, offsetof(struct ios_cfg, ifaces));   /* array elements are set when added */
	snprintf(c->fname, sizeof(c->fname), "%s", fname);
	c->sa_lifetime_s = 3600;       /* IOS 12.x `crypto ipsec security-association lifetime` */
	c->sa_lifetime_kb = 4608000;
	c->keepalive.retry = 2;
	c->keepalive.mode = IOS_DPD_ON_DEMAND;
	ios_ospf_defaults(&c->ospf);
	c->pool[0] = '\0';             /* offset 0: the empty context */
	c->pool_len = 1;
}

int ios_cfg_parse(const char *text, size_t len, const char *fname, struct ios_cfg *out,
		  char *err, size_t errlen)
{
	struct ios_parser *p;
	struct banner_state ban = { { 0 }, 0 };
	size_t pos = 0;
	int rc = 0;

	if (!fname)
		fname = "config";
	if (err && errlen)
		err[0] = '\0';
	p = calloc(1, sizeof(*p));
	if (!p) {
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", fname);
		return -1;
	}
	cfg_init(out, fname);
	p->cfg = out;
	p->fname = out->fname;
	p->err = err;
	p->errlen = errlen;
	close_block(p);
	if (len > IOS_INPUT_MAX) {
		ios_perrf(p, "expected at most %d bytes of configuration, got %zu", IOS_INPUT_MAX, len);
		rc = -1;
		goto out;
	}
	while (pos < len) {
		const char *s = text + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;

		p->line++;
		if (do_line(p, s, n, &ban) < 0) {
			rc = -1;
			goto out;
		}
		pos += n + (nl ? 1 : 0);
	}
	if (ban.delim[0]) {
		p->line = ban.line;
		rc = ios_perrf(p, "expected the banner to end with '%s', got end of file", ban.delim);
		goto out;
	}
	close_block(p);
	if (check_routes(p) < 0 || check_maps(p) < 0 || ios_check_fhrp(p) < 0)
		rc = -1;
out:
	free(p);
	return rc;
}

struct ios_cfg *ios_cfg_load_file(const char *path, char *err, size_t errlen)
{
	struct ios_cfg *cfg = NULL;
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t n;

	if (!fp) {
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(IOS_INPUT_MAX + 1);
	cfg = ios_cfg_alloc();
	if (!buf || !cfg) {
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	n = fread(buf, 1, IOS_INPUT_MAX + 1, fp);
	if (ferror(fp)) {
		if (err && errlen)
			snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
		goto fail;
	}
	if (ios_cfg_parse(buf, n, path, cfg, err, errlen) < 0)
		goto fail;
	fclose(fp);
	free(buf);
	return cfg;
fail:
	fclose(fp);
	free(buf);
	ios_cfg_free(cfg);
	return NULL;
}

const char *ios_cfg_hostname(const struct ios_cfg *cfg)
{
	return cfg->hostname;
}

/* ---- one global line at run time (refgwctl `configure`) ------------------------------------ */

#define FORM_RUNTIME "'crypto isakmp keepalive …', 'ike dpd …' or 'crypto isakmp " \
		     "invalid-spi-recovery' (or 'no' before one of them)"

static int max_i(int a, int b)
{
	return a > b ? a : b;
}

/* Where a line added at run time sits in `show running-config`: just before the first
 * `crypto ipsec transform-set` / `crypto map` (IOS prints the isakmp lines there; on equal
 * line numbers the global settings come first), else after everything. */
static int runtime_line(const struct ios_cfg *c)
{
	int first = 0, last = max_i(max_i(c->hostname_line, c->sa_lifetime_line),
				    max_i(c->keepalive.line, c->invalid_spi_recovery_line)), i;

	for (i = 0; i < c->ntsets; i++)
		if (!first || c->tsets[i].line < first)
			first = c->tsets[i].line;
	for (i = 0; i < c->nentries; i++)
		if (!first || c->entries[i].line < first)
			first = c->entries[i].line;
	if (first)
		return first;
	for (i = 0; i < c->npolicies; i++)
		last = max_i(last, c->policies[i].line);
	for (i = 0; i < c->nkeys; i++)
		last = max_i(last, c->keys[i].line);
	for (i = 0; i < c->nifaces; i++)
		last = max_i(last, c->ifaces[i].line);
	for (i = 0; i < c->nroutes; i++)
		last = max_i(last, c->routes[i].line);
	for (i = 0; i < c->nacls; i++)
		last = max_i(last, c->acls[i].line);
	for (i = 0; i < c->naces; i++)
		last = max_i(last, c->aces[i].line);
	for (i = 0; i < c->nkept; i++)
		last = max_i(last, c->kept[i].line);
	for (i = 0; i < c->nrmap; i++)
		last = max_i(last, c->rmap[i].line);
	for (i = 0; i < c->nobj_tracks; i++)
		last = max_i(last, c->obj_tracks[i].line);
	last = max_i(last, max_i(c->ospf.line, c->fhrp_vrrp_v3_line));
	return last + 1;
}

static bool words_are(const struct ios_parser *p, int from, const char *a, const char *b, const char *c)
{
	return ios_word_is(tok_at(p, from), a) && ios_word_is(tok_at(p, from + 1), b) &&
	       (!c || ios_word_is(tok_at(p, from + 2), c));
}

int ios_cfg_apply_global_line(struct ios_cfg *cfg, const char *text, const char *src, int line,
			      char *err, size_t errlen)
{
	struct ios_parser *p;
	size_t n = strlen(text), fb = 0, w;
	bool neg, kept = false;
	int rc = -1, i;

	if (err && errlen)
		err[0] = '\0';
	p = calloc(1, sizeof(*p));
	if (!p) {
		if (err && errlen)
			snprintf(err, errlen, "%s:%d: out of memory", src ? src : "configure", line);
		return -1;
	}
	p->cfg = cfg;
	p->fname = src ? src : "configure";
	p->line = line;
	p->err = err;
	p->errlen = errlen;
	close_block(p);
	while (n > 0 && (text[n - 1] == '\r' || text[n - 1] == '\n'))
		n--;
	while (fb < n && (w = blank_at(text, n, fb)) != 0)
		fb += w;
	if (n - fb > IOS_LINE_MAX) {
		ios_perrf(p, "expected at most %d characters on a line, got %zu", IOS_LINE_MAX, n - fb);
		goto out;
	}
	if (tokenize(p, text + fb, n - fb) < 0)
		goto out;
	neg = p->ntok > 0 && ios_word_is(p->tok[0], "no");
	i = neg ? 1 : 0;
	if (words_are(p, i, "crypto", "isakmp", "keepalive") || words_are(p, i, "ike", "dpd", NULL)) {
		struct ios_keepalive *ka = &cfg->keepalive;
		bool was = ka->enabled;
		int at = ka->line;

		if (neg) {
			/* IOS takes the arguments of the line being removed and ignores them; the
			 * IOS and the Comware line are one setting (the last one wins) */
			memset(ka, 0, sizeof(*ka));
			ka->retry = 2;
			ka->mode = IOS_DPD_ON_DEMAND;
			rc = 0;
			goto out;
		}
		rc = ios_word_is(p->tok[0], "ike") ? ios_cmd_ike(p, &kept) : ios_cmd_crypto(p, &kept);
		if (rc == 0)
			ka->line = was ? at : runtime_line(cfg);
		goto out;
	}
	if (words_are(p, i, "crypto", "isakmp", "invalid-spi-recovery")) {
		if (p->ntok != i + 3) {
			ios_perr(p, i + 3, neg ? "'no crypto isakmp invalid-spi-recovery'" :
				 "'crypto isakmp invalid-spi-recovery'");
			goto out;
		}
		if (neg)
			cfg->invalid_spi_recovery_line = 0;
		else if (!cfg->invalid_spi_recovery_line)
			cfg->invalid_spi_recovery_line = runtime_line(cfg);
		rc = 0;
		goto out;
	}
	/* point at the first word that leaves the supported set */
	if (p->ntok == 0 || (neg && p->ntok == 1))
		ios_perr(p, p->ntok, FORM_RUNTIME);
	else if (!ios_word_is(p->tok[i], "crypto") && !ios_word_is(p->tok[i], "ike"))
		ios_perr(p, i, FORM_RUNTIME);
	else if (ios_word_is(p->tok[i], "ike"))
		ios_perr(p, i + 1, FORM_RUNTIME);
	else if (!ios_word_is(tok_at(p, i + 1), "isakmp"))
		ios_perr(p, i + 1, FORM_RUNTIME);
	else
		ios_perr(p, i + 2, FORM_RUNTIME);
out:
	free(p);
	return rc;
}
