/* ios_cmd_acl.c — access lists: numbered (`access-list N …`, standard 1-99/1300-1999,
 * extended 100-199/2000-2699) and named (`ip access-list extended|standard NAME` + its
 * entries), and the conversion of an entry into IPsec selectors (RFC 4301 §4.4.1: a
 * selector is an address range; refgw's ID payloads carry address/prefix, so the
 * wildcard must be contiguous).
 */
#include "ios_int.h"

#include <stdio.h>
#include <string.h>

#define FORM_ACL      "'access-list N {permit|deny|remark} …'"
#define FORM_ADDR     "'any', 'host A.B.C.D' or 'A.B.C.D WILDCARD'"
#define FORM_PROTO    "a protocol (ip, tcp, udp, icmp, esp, ahp, gre, ospf … or 0-255)"
#define FORM_PORT     "a port 0-65535 or a port name (www, isakmp, non500-isakmp …)"
#define FORM_OPTS     "'log', 'log-input', 'established' or 'fragments'"

struct name_num { const char *name; unsigned num; };

static const struct name_num protos[] = {
	{ "icmp", 1 }, { "igmp", 2 }, { "ipinip", 4 }, { "tcp", 6 }, { "udp", 17 }, { "gre", 47 },
	{ "esp", 50 }, { "ahp", 51 }, { "eigrp", 88 }, { "ospf", 89 }, { "nos", 94 }, { "pim", 103 },
	{ "pcp", 108 },
};

/* TCP/UDP port names IOS prints in show-run */
static const struct name_num ports[] = {
	{ "echo", 7 }, { "discard", 9 }, { "daytime", 13 }, { "chargen", 19 }, { "ftp-data", 20 },
	{ "ftp", 21 }, { "telnet", 23 }, { "smtp", 25 }, { "time", 37 }, { "tacacs", 49 },
	{ "domain", 53 }, { "bootps", 67 }, { "bootpc", 68 }, { "tftp", 69 }, { "gopher", 70 },
	{ "finger", 79 }, { "www", 80 }, { "pop2", 109 }, { "pop3", 110 }, { "sunrpc", 111 },
	{ "ident", 113 }, { "nntp", 119 }, { "ntp", 123 }, { "netbios-ns", 137 },
	{ "netbios-dgm", 138 }, { "netbios-ss", 139 }, { "snmp", 161 }, { "snmptrap", 162 },
	{ "xdmcp", 177 }, { "bgp", 179 }, { "irc", 194 }, { "isakmp", 500 }, { "exec", 512 },
	{ "biff", 512 }, { "login", 513 }, { "who", 513 }, { "cmd", 514 }, { "syslog", 514 },
	{ "lpd", 515 }, { "talk", 517 }, { "rip", 520 }, { "uucp", 540 }, { "klogin", 543 },
	{ "kshell", 544 }, { "mobile-ip", 434 }, { "pim-auto-rp", 496 }, { "non500-isakmp", 4500 },
	{ "drip", 3949 },
};

static const struct name_num icmp_types[] = {
	{ "echo-reply", 0 }, { "unreachable", 3 }, { "source-quench", 4 }, { "redirect", 5 },
	{ "echo", 8 }, { "router-advertisement", 9 }, { "router-solicitation", 10 },
	{ "time-exceeded", 11 }, { "ttl-exceeded", 11 }, { "parameter-problem", 12 },
	{ "timestamp-request", 13 }, { "timestamp-reply", 14 }, { "information-request", 15 },
	{ "information-reply", 16 }, { "mask-request", 17 }, { "mask-reply", 18 },
};

static int lookup(const struct name_num *t, size_t n, const char *w, unsigned *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ios_word_is(w, t[i].name)) {
			*out = t[i].num;
			return 0;
		}
	return -1;
}

#define LOOKUP(t, w, out) lookup((t), sizeof(t) / sizeof((t)[0]), (w), (out))

static const char *tok_at(const struct ios_parser *p, int i)
{
	return i < p->ntok ? p->tok[i] : "";
}

/* ---- the ACL table ------------------------------------------------------------------------- */

static int acl_get(struct ios_parser *p, int tokname, const char *name, bool extended,
		   bool numbered)
{
	struct ios_cfg *c = p->cfg;
	struct ios_acl *a;
	int i;

	for (i = 0; i < c->nacls; i++) {
		a = &c->acls[i];
		if (strcmp(a->name, name) != 0)
			continue;
		if (a->extended != extended)
			return ios_perr(p, tokname, extended ? "the name of an extended ACL (this one is standard)"
							     : "the name of a standard ACL (this one is extended)");
		return i;
	}
	if (strlen(name) >= IOS_NAME_MAX)
		return ios_perr(p, tokname, "an ACL name of at most 63 characters");
	if (c->nacls >= IOS_MAX_ACLS) {
		char what[48];

		snprintf(what, sizeof(what), "at most %d access lists", IOS_MAX_ACLS);
		return ios_perr(p, tokname, what);
	}
	a = &c->acls[c->nacls];
	memset(a, 0, sizeof(*a));
	strcpy(a->name, name);
	a->extended = extended;
	a->numbered = numbered;
	a->line = p->line;
	return c->nacls++;
}

/* ---- entries ---------------------------------------------------------------------------------- */

static int read_addr(struct ios_parser *p, int *i, uint32_t *addr, uint32_t *wild, bool standard)
{
	const char *w = tok_at(p, *i);

	if (ios_word_is(w, "any")) {
		*addr = 0;
		*wild = 0xffffffffu;
		(*i)++;
		return 0;
	}
	if (ios_word_is(w, "host")) {
		if (ios_read_ip(tok_at(p, *i + 1), addr) < 0)
			return ios_perr(p, *i + 1, "'host A.B.C.D'");
		*wild = 0;
		*i += 2;
		return 0;
	}
	if (ios_read_ip(w, addr) < 0)
		return ios_perr(p, *i, FORM_ADDR);
	if (ios_read_ip(tok_at(p, *i + 1), wild) < 0) {
		if (!standard)
			return ios_perr(p, *i + 1, "a wildcard A.B.C.D such as 0.0.0.255");
		*wild = 0;     /* standard ACL: a lone address is a host */
		(*i)++;
	} else {
		*i += 2;
	}
	*addr &= ~*wild;   /* IOS drops the bits the wildcard ignores */
	return 0;
}

static int read_port(struct ios_parser *p, int i, uint16_t *out)
{
	uint32_t v;
	unsigned n;

	if (ios_read_u32(tok_at(p, i), 0, 65535, &v) == 0) {
		*out = (uint16_t)v;
		return 0;
	}
	if (LOOKUP(ports, tok_at(p, i), &n) == 0) {
		*out = (uint16_t)n;
		return 0;
	}
	return ios_perr(p, i, FORM_PORT);
}

static int read_ports(struct ios_parser *p, int *i, struct ios_ports *pr)
{
	const char *w = tok_at(p, *i);

	pr->op = IOS_PORT_ANY;
	if (ios_word_is(w, "range")) {
		if (read_port(p, *i + 1, &pr->lo) < 0 || read_port(p, *i + 2, &pr->hi) < 0)
			return -1;
		if (pr->hi < pr->lo)
			return ios_perr(p, *i + 2, "an upper port not below the lower one");
		pr->op = IOS_PORT_RANGE;
		*i += 3;
		return 0;
	}
	if (ios_word_is(w, "eq")) pr->op = IOS_PORT_EQ;
	else if (ios_word_is(w, "neq")) pr->op = IOS_PORT_NEQ;
	else if (ios_word_is(w, "lt")) pr->op = IOS_PORT_LT;
	else if (ios_word_is(w, "gt")) pr->op = IOS_PORT_GT;
	else return 0;
	if (read_port(p, *i + 1, &pr->lo) < 0)
		return -1;
	pr->hi = pr->lo;
	*i += 2;
	return 0;
}

static int seq_used(const struct ios_cfg *c, int acl, unsigned seq)
{
	int k;

	for (k = 0; k < c->naces; k++)
		if (c->aces[k].acl == acl && c->aces[k].seq == seq)
			return 1;
	return 0;
}

static unsigned next_seq(const struct ios_cfg *c, int acl)
{
	unsigned m = 0;
	int k;

	for (k = 0; k < c->naces; k++)
		if (c->aces[k].acl == acl && c->aces[k].seq > m)
			m = c->aces[k].seq;
	return m + 10;
}

/* tok[i] is permit|deny. seq 0 = next free (highest + 10). */
static int parse_ace(struct ios_parser *p, int i, int acl, unsigned seq, const char *form)
{
	struct ios_cfg *c = p->cfg;
	struct ios_acl *l = &c->acls[acl];
	struct ios_ace a;

	memset(&a, 0, sizeof(a));
	a.acl = acl;
	a.line = p->line;
	a.proto = -1;
	a.icmp_type = a.icmp_code = -1;
	if (ios_word_is(tok_at(p, i), "permit"))
		a.permit = true;
	else if (!ios_word_is(tok_at(p, i), "deny"))
		return ios_perr(p, i, form);
	i++;
	if (l->extended) {
		const char *w = tok_at(p, i);
		uint32_t v;
		unsigned n;

		if (ios_word_is(w, "ip"))
			a.proto = -1;
		else if (LOOKUP(protos, w, &n) == 0)
			a.proto = (int)n;
		else if (ios_read_u32(w, 0, 255, &v) == 0)
			a.proto = (int)v;
		else
			return ios_perr(p, i, FORM_PROTO);
		i++;
		if (read_addr(p, &i, &a.src, &a.src_wild, false) < 0)
			return -1;
		if ((a.proto == 6 || a.proto == 17) && read_ports(p, &i, &a.sport) < 0)
			return -1;
		if (read_addr(p, &i, &a.dst, &a.dst_wild, false) < 0)
			return -1;
		if ((a.proto == 6 || a.proto == 17) && read_ports(p, &i, &a.dport) < 0)
			return -1;
		if (a.proto == 1 && i < p->ntok) {
			if (ios_read_u32(p->tok[i], 0, 255, &v) == 0) {
				a.icmp_type = (int)v;
				i++;
				if (i < p->ntok && ios_read_u32(p->tok[i], 0, 255, &v) == 0) {
					a.icmp_code = (int)v;
					i++;
				}
			} else if (LOOKUP(icmp_types, p->tok[i], &n) == 0) {
				a.icmp_type = (int)n;
				i++;
			}
		}
	} else {
		a.dst_wild = 0xffffffffu;
		if (read_addr(p, &i, &a.src, &a.src_wild, true) < 0)
			return -1;
	}
	for (; i < p->ntok; i++) {
		const char *w = p->tok[i];

		if (ios_word_is(w, "log") || ios_word_is(w, "log-input"))
			a.log = true;
		else if (l->extended && ios_word_is(w, "established") && a.proto == 6)
			a.established = true;
		else if (l->extended && ios_word_is(w, "fragments"))
			a.fragments = true;
		else
			return ios_perr(p, i, l->extended ? FORM_OPTS : "'log'");
	}
	if (seq == 0) {
		seq = next_seq(c, acl);
	} else if (seq_used(c, acl, seq)) {
		char what[128];

		snprintf(what, sizeof(what), "a sequence number not yet used in ACL %s", l->name);
		return ios_perr(p, 0, what);
	}
	a.seq = seq;
	if (c->naces >= IOS_MAX_ACES) {
		char what[64];

		snprintf(what, sizeof(what), "at most %d access-list entries", IOS_MAX_ACES);
		return ios_perr(p, 0, what);
	}
	c->aces[c->naces++] = a;
	l->naces++;
	return 0;
}

int ios_cmd_access_list(struct ios_parser *p, bool *kept)
{
	char name[16];
	uint32_t n;
	bool extended;
	int acl;

	*kept = false;
	if (ios_read_u32(tok_at(p, 1), 1, 2699, &n) < 0)
		return ios_perr(p, 1, "an access list number 1-199 or 1300-2699");
	if (n <= 99 || (n >= 1300 && n <= 1999))
		extended = false;
	else if ((n >= 100 && n <= 199) || n >= 2000)
		extended = true;
	else {
		*kept = true;    /* 200-1299: protocol-type, MAC … lists: not implemented */
		return 0;
	}
	if (ios_word_is(tok_at(p, 2), "dynamic")) {
		*kept = true;
		return 0;
	}
	if (!ios_word_is(tok_at(p, 2), "permit") && !ios_word_is(tok_at(p, 2), "deny") &&
	    !ios_word_is(tok_at(p, 2), "remark"))
		return ios_perr(p, 2, FORM_ACL);
	snprintf(name, sizeof(name), "%u", n);
	acl = acl_get(p, 1, name, extended, true);
	if (acl < 0)
		return -1;
	if (ios_word_is(p->tok[2], "remark"))
		return 0;
	return parse_ace(p, 2, acl, 0, FORM_ACL);
}

int ios_cmd_ip_access_list(struct ios_parser *p)
{
	bool extended = ios_word_is(p->tok[2], "extended");
	int acl;

	if (p->ntok != 4)
		return ios_perr(p, p->ntok < 4 ? 3 : 4, "'ip access-list {extended|standard} NAME'");
	acl = acl_get(p, 3, p->tok[3], extended, false);
	if (acl < 0)
		return -1;
	return ios_enter(p, IOS_M_ACL, acl);
}

bool ios_sub_acl_known(const struct ios_parser *p)
{
	uint32_t seq;
	int i = ios_read_u32(p->tok[0], 1, 2147483647u, &seq) == 0 ? 1 : 0;

	return ios_word_is(tok_at(p, i), "permit") || ios_word_is(tok_at(p, i), "deny") ||
	       ios_word_is(tok_at(p, i), "remark");
}

int ios_sub_acl(struct ios_parser *p)
{
	uint32_t seq = 0;
	int i = 0;

	if (ios_read_u32(p->tok[0], 1, 2147483647u, &seq) == 0)
		i = 1;
	else if (p->tok[0][0] >= '0' && p->tok[0][0] <= '9')
		return ios_perr(p, 0, "a sequence number 1-2147483647");
	if (ios_word_is(tok_at(p, i), "remark"))
		return 0;
	if (!ios_word_is(tok_at(p, i), "permit") && !ios_word_is(tok_at(p, i), "deny")) {
		if (i == 1)
			return ios_perr(p, 1, "'SEQ {permit|deny|remark} …'");
		return ios_keep(p, p->ctx);
	}
	return parse_ace(p, i, p->cur, seq, "'[SEQ] {permit|deny|remark} …'");
}

/* ---- selectors ------------------------------------------------------------------------------------ */

static int wild_plen(uint32_t w)
{
	int n = 0;

	if (w & (w + 1))          /* not of the form 0…01…1 */
		return -1;
	while (w) {
		n++;
		w >>= 1;
	}
	return 32 - n;
}

static int port_range(const struct ios_ports *pr, uint16_t *lo, uint16_t *hi)
{
	switch (pr->op) {
	case IOS_PORT_ANY:   *lo = 0; *hi = 65535; return 0;
	case IOS_PORT_EQ:
	case IOS_PORT_RANGE: *lo = pr->lo; *hi = pr->hi; return 0;
	case IOS_PORT_LT:    if (pr->lo == 0) return -1; *lo = 0; *hi = (uint16_t)(pr->lo - 1); return 0;
	case IOS_PORT_GT:    if (pr->lo == 65535) return -1; *lo = (uint16_t)(pr->lo + 1); *hi = 65535; return 0;
	default:             return -1;
	}
}

int ios_ace_flow(const struct ios_ace *a, struct ios_flow *f, char *what, size_t whatlen,
		 char *got, size_t gotlen)
{
	int sp = wild_plen(a->src_wild), dp = wild_plen(a->dst_wild);
	char b[16];

	memset(f, 0, sizeof(*f));
	if (sp < 0 || dp < 0) {
		snprintf(what, whatlen, "a contiguous wildcard such as 0.0.0.255");
		snprintf(got, gotlen, "%s", ios_ip_str(sp < 0 ? a->src_wild : a->dst_wild, b));
		return -1;
	}
	if (port_range(&a->sport, &f->sport_lo, &f->sport_hi) < 0 ||
	    port_range(&a->dport, &f->dport_lo, &f->dport_hi) < 0) {
		snprintf(what, whatlen, "a port operator a selector can express (eq, lt, gt, range)");
		snprintf(got, gotlen, "%s", (a->sport.op == IOS_PORT_NEQ || a->dport.op == IOS_PORT_NEQ)
					    ? "neq" : (a->sport.op == IOS_PORT_LT || a->dport.op == IOS_PORT_LT)
					    ? "lt 0" : "gt 65535");
		return -1;
	}
	if (a->icmp_type >= 0 || a->established || a->fragments) {
		snprintf(what, whatlen, "an entry without ICMP type, 'established' or 'fragments' (a selector cannot express them)");
		snprintf(got, gotlen, "%s", a->established ? "established" : a->fragments ? "fragments" : "icmp type");
		return -1;
	}
	f->permit = a->permit;
	f->src = a->src;
	f->src_plen = (unsigned)sp;
	f->dst = a->dst;
	f->dst_plen = (unsigned)dp;
	f->proto = a->proto < 0 ? 0 : (uint8_t)a->proto;
	f->line = a->line;
	return 0;
}

const char *ios_proto_name(int proto)
{
	size_t i;

	if (proto < 0)
		return "ip";
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i].num == (unsigned)proto)
			return protos[i].name;
	return NULL;
}
