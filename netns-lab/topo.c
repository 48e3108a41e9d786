/* topo.c — the topology file parser (format in netns-lab/README.md).
 *
 * Line oriented: `node`, `interface`, `route`, `segment`, `port`, `link`; `#` starts a
 * comment; indentation is decoration (an `interface`/`route` belongs to the last
 * `node`, a `port` to the last `segment`). Every error names file:line and the
 * expected form. Semantic checks (unknown names, reuse, limits) run as lines are read,
 * so they point at the line that breaks the rule; a final pass assigns MACs and checks
 * that every segment has a port.
 */
#include "lab.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOK_MAX 16

struct parser {
	struct lab_topo *t;
	const char *name;
	int line;
	char *err;
	size_t errlen;
	enum { CTX_NONE, CTX_NODE, CTX_SEGMENT } ctx;
};

static int perr(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!p->err || p->errlen == 0)
		return -1;
	n = snprintf(p->err, p->errlen, "%s:%d: ", p->name, p->line);
	if (n < 0 || (size_t)n >= p->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int valid_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' && *s != '-')
			return 0;
	return 1;
}

static int valid_linux_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 15 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0 || strcmp(s, "lo") == 0)
		return 0;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || isspace((unsigned char)*s) || !isprint((unsigned char)*s))
			return 0;
	return 1;
}

/* Strict dotted quad: four decimal octets, no leading '+', no spaces. */
static int parse_ipv4(const char *s, uint32_t *out)
{
	uint32_t a = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned v = 0;
		int digits = 0;

		while (isdigit((unsigned char)*s) && digits < 4) {
			v = v * 10 + (unsigned)(*s++ - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255)
			return -1;
		a = a << 8 | v;
		if (i < 3 && *s++ != '.')
			return -1;
	}
	if (*s)
		return -1;
	*out = a;
	return 0;
}

static int parse_prefix(const char *s, struct lab_prefix *out)
{
	char buf[32];
	const char *slash = strchr(s, '/');
	char *end;
	long plen;

	if (!slash || (size_t)(slash - s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	if (parse_ipv4(buf, &out->addr) < 0)
		return -1;
	if (!isdigit((unsigned char)slash[1]))
		return -1;
	errno = 0;
	plen = strtol(slash + 1, &end, 10);
	if (*end || errno || plen < 0 || plen > 32)
		return -1;
	out->plen = (uint8_t)plen;
	return 0;
}

static const char *ip_str(uint32_t a, char buf[16])
{
	snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
	return buf;
}

/* Split a line (comment already cut) into whitespace-separated tokens in place. */
static int tokenize(char *s, char *tok[TOK_MAX])
{
	int n = 0;

	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			return n;
		if (n == TOK_MAX)
			return -1;
		tok[n++] = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
		if (*s)
			*s++ = '\0';
	}
}

static int name_taken(const struct lab_topo *t, const char *name)
{
	int i;

	for (i = 0; i < t->nlinks; i++)
		if (strcmp(t->links[i].name, name) == 0)
			return t->links[i].line;
	return 0;
}

static int do_node(struct parser *p, char **tok, int n)
{
	struct lab_topo *t = p->t;
	struct lab_node *nd;
	int prev;

	if (n < 2)
		return perr(p, "expected 'node NAME'");
	if (n > 2)
		return perr(p, "expected end of line after 'node %s', got '%s'", tok[1], tok[2]);
	if (!valid_name(tok[1]) || strlen(tok[1]) >= LAB_NAME_MAX)
		return perr(p, "expected 'node NAME' with NAME of 1..%d characters [A-Za-z0-9_.-], got '%s'",
			    LAB_NAME_MAX - 1, tok[1]);
	if (strncmp(tok[1], "sw-", 3) == 0)
		return perr(p, "node name '%s' may not start with 'sw-' (reserved for segment namespaces)", tok[1]);
	prev = lab_find_node(t, tok[1]);
	if (prev >= 0)
		return perr(p, "duplicate node '%s' (first at line %d)", tok[1], t->nodes[prev].line);
	if (t->nnodes >= LAB_MAX_NODES)
		return perr(p, "too many nodes (max %d)", LAB_MAX_NODES);
	nd = &t->nodes[t->nnodes++];
	snprintf(nd->name, sizeof(nd->name), "%s", tok[1]);
	nd->line = p->line;
	p->ctx = CTX_NODE;
	return 0;
}

static int do_interface(struct parser *p, char **tok, int n)
{
	struct lab_node *nd;
	struct lab_if *ifp;
	int i, k;

	if (p->ctx != CTX_NODE)
		return perr(p, "'interface' outside a node: expected 'node NAME' before it");
	nd = &p->t->nodes[p->t->nnodes - 1];
	if (n < 2)
		return perr(p, "expected 'interface IOSNAME [linux NAME] [address A.B.C.D/LEN]...'");
	if (strlen(tok[1]) >= LAB_IOS_MAX)
		return perr(p, "interface name '%s' too long (max %d characters)", tok[1], LAB_IOS_MAX - 1);
	if (nd->nifs >= LAB_MAX_IFS)
		return perr(p, "too many interfaces on node '%s' (max %d)", nd->name, LAB_MAX_IFS);
	ifp = &nd->ifs[nd->nifs];
	memset(ifp, 0, sizeof(*ifp));
	snprintf(ifp->ios, sizeof(ifp->ios), "%s", tok[1]);
	ifp->line = p->line;
	ifp->link = -1;
	ifp->loopback = strncasecmp(tok[1], "loopback", 8) == 0 ||
			(strncasecmp(tok[1], "lo", 2) == 0 && isdigit((unsigned char)tok[1][2]));
	for (k = 2; k < n; k++) {
		if (strcmp(tok[k], "linux") == 0) {
			if (k + 1 >= n)
				return perr(p, "expected 'linux NAME' after interface name");
			if (!valid_linux_name(tok[k + 1]))
				return perr(p, "expected 'linux NAME' with a Linux interface name of 1..15 characters (not 'lo', no '/', ':' or spaces), got '%s'",
					    tok[k + 1]);
			snprintf(ifp->linux_name, sizeof(ifp->linux_name), "%s", tok[k + 1]);
			k++;
		} else if (strcmp(tok[k], "address") == 0) {
			struct lab_prefix pf;

			if (k + 1 >= n)
				return perr(p, "expected 'address A.B.C.D/LEN' after 'address'");
			if (parse_prefix(tok[k + 1], &pf) < 0)
				return perr(p, "expected 'address A.B.C.D/LEN', got '%s'", tok[k + 1]);
			if (pf.plen == 0)
				return perr(p, "expected 'address A.B.C.D/LEN' with LEN 1..32, got '%s'", tok[k + 1]);
			if (ifp->naddrs >= LAB_MAX_ADDRS)
				return perr(p, "too many addresses on interface '%s' (max %d)", ifp->ios, LAB_MAX_ADDRS);
			ifp->addrs[ifp->naddrs++] = pf;
			k++;
		} else {
			return perr(p, "expected 'address A.B.C.D/LEN' after interface name, got '%s'", tok[k]);
		}
	}
	if (!ifp->linux_name[0] && lab_ifname_from_ios(ifp->ios, ifp->linux_name) < 0)
		return perr(p, "cannot derive a Linux name (max 15 characters) from interface '%s': add 'linux NAME'",
			    ifp->ios);
	for (i = 0; i < nd->nifs; i++) {
		char a[16], b[16];

		if (strcasecmp(nd->ifs[i].ios, ifp->ios) == 0 ||
		    (lab_ifname_from_ios(nd->ifs[i].ios, a) == 0 && lab_ifname_from_ios(ifp->ios, b) == 0 &&
		     strcmp(a, b) == 0))
			return perr(p, "duplicate interface '%s' on node '%s' (first at line %d)", ifp->ios,
				    nd->name, nd->ifs[i].line);
		if (strcmp(nd->ifs[i].linux_name, ifp->linux_name) == 0)
			return perr(p, "interface '%s' maps to Linux name '%s', already used by '%s' (line %d): add 'linux NAME'",
				    ifp->ios, ifp->linux_name, nd->ifs[i].ios, nd->ifs[i].line);
	}
	nd->nifs++;
	return 0;
}

static int do_route(struct parser *p, char **tok, int n)
{
	static const char form[] = "expected 'route DST/LEN via A.B.C.D' or 'route DST/LEN dev IFNAME'";
	struct lab_node *nd;
	struct lab_route *rt;

	if (p->ctx != CTX_NODE)
		return perr(p, "'route' outside a node: expected 'node NAME' before it");
	nd = &p->t->nodes[p->t->nnodes - 1];
	if (n != 4)
		return perr(p, "%s", form);
	if (nd->nroutes >= LAB_MAX_ROUTES)
		return perr(p, "too many routes on node '%s' (max %d)", nd->name, LAB_MAX_ROUTES);
	rt = &nd->routes[nd->nroutes];
	memset(rt, 0, sizeof(*rt));
	rt->line = p->line;
	if (parse_prefix(tok[1], &rt->dst) < 0)
		return perr(p, "%s, got '%s' for DST/LEN", form, tok[1]);
	if (rt->dst.addr & ~(rt->dst.plen ? 0xffffffffu << (32 - rt->dst.plen) : 0u))
		return perr(p, "route destination '%s' has host bits set", tok[1]);
	if (strcmp(tok[2], "via") == 0) {
		if (parse_ipv4(tok[3], &rt->via) < 0 || rt->via == 0)
			return perr(p, "expected 'via A.B.C.D', got '%s'", tok[3]);
	} else if (strcmp(tok[2], "dev") == 0) {
		if (lab_find_if(nd, tok[3]) < 0)
			return perr(p, "unknown interface '%s' on node '%s' (interfaces come before routes)", tok[3],
				    nd->name);
		snprintf(rt->dev, sizeof(rt->dev), "%s", tok[3]);
	} else {
		return perr(p, "%s, got '%s'", form, tok[2]);
	}
	nd->nroutes++;
	return 0;
}

static int do_segment(struct parser *p, char **tok, int n)
{
	struct lab_topo *t = p->t;
	struct lab_link *l;
	int prev;

	if (n < 2)
		return perr(p, "expected 'segment NAME [capture]'");
	if (!valid_name(tok[1]) || strlen(tok[1]) >= LAB_NAME_MAX)
		return perr(p, "expected 'segment NAME' with NAME of 1..%d characters [A-Za-z0-9_.-], got '%s'",
			    LAB_NAME_MAX - 1, tok[1]);
	if (n > 3 || (n == 3 && strcmp(tok[2], "capture") != 0))
		return perr(p, "expected 'segment NAME [capture]', got '%s'", tok[2]);
	prev = name_taken(t, tok[1]);
	if (prev)
		return perr(p, "duplicate segment/link name '%s' (first at line %d)", tok[1], prev);
	if (t->nlinks >= LAB_MAX_LINKS)
		return perr(p, "too many links and segments (max %d)", LAB_MAX_LINKS);
	l = &t->links[t->nlinks++];
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", tok[1]);
	l->kind = LAB_LINK_SEGMENT;
	l->capture = n == 3;
	l->line = p->line;
	p->ctx = CTX_SEGMENT;
	return 0;
}

/* Resolve NODE and IFNAME for a port or link end and claim the interface for link li. */
static int claim_if(struct parser *p, const char *node, const char *ifn, int li, struct lab_port *port)
{
	struct lab_topo *t = p->t;
	int ni = lab_find_node(t, node), ii;
	struct lab_if *ifp;

	if (ni < 0)
		return perr(p, "unknown node '%s'", node);
	ii = lab_find_if(&t->nodes[ni], ifn);
	if (ii < 0)
		return perr(p, "unknown interface '%s' on node '%s'", ifn, node);
	ifp = &t->nodes[ni].ifs[ii];
	if (ifp->loopback)
		return perr(p, "interface '%s' of node '%s' is a loopback and cannot be linked", ifp->ios, node);
	if (ifp->link >= 0)
		return perr(p, "interface '%s' of node '%s' already used by '%s' (line %d)", ifp->ios, node,
			    t->links[ifp->link].name, t->links[ifp->link].line);
	ifp->link = li;
	port->node = ni;
	port->ifidx = ii;
	return 0;
}

static int do_port(struct parser *p, char **tok, int n)
{
	struct lab_topo *t = p->t;
	struct lab_link *l;
	struct lab_port *pt;
	int li;

	if (p->ctx != CTX_SEGMENT)
		return perr(p, "'port' outside a segment: expected 'segment NAME' before it");
	li = t->nlinks - 1;
	l = &t->links[li];
	if (n != 3)
		return perr(p, "expected 'port NODE IFNAME'");
	if (l->nports >= LAB_MAX_PORTS)
		return perr(p, "too many ports on segment '%s' (max %d)", l->name, LAB_MAX_PORTS);
	pt = &l->ports[l->nports];
	memset(pt, 0, sizeof(*pt));
	if (claim_if(p, tok[1], tok[2], li, pt) < 0)
		return -1;
	/* Bridge-side veth: "p<port>-<node>", unique in the segment namespace. */
	{
		char node[LAB_NAME_MAX], sw[16];

		memcpy(node, t->nodes[pt->node].name, sizeof(node));
		snprintf(sw, sizeof(sw), "p%d-%.*s", l->nports, l->nports < 10 ? 12 : 11, node);
		memcpy(pt->sw_if, sw, sizeof(sw));
	}
	l->nports++;
	return 0;
}

static int split_end(struct parser *p, char *s, char **node, char **ifn)
{
	char *c = strchr(s, ':');

	if (!c || c == s || !c[1])
		return perr(p, "expected 'link NAME NODE:IFNAME NODE:IFNAME [capture]', got '%s'", s);
	*c = '\0';
	*node = s;
	*ifn = c + 1;
	return 0;
}

static int do_link(struct parser *p, char **tok, int n)
{
	static const char form[] = "expected 'link NAME NODE:IFNAME NODE:IFNAME [capture]'";
	struct lab_topo *t = p->t;
	struct lab_link *l;
	char *n0 = NULL, *i0 = NULL, *n1 = NULL, *i1 = NULL;
	int prev, li;

	p->ctx = CTX_NONE;
	if (n < 4)
		return perr(p, "%s", form);
	if (n > 5 || (n == 5 && strcmp(tok[4], "capture") != 0))
		return perr(p, "%s, got '%s'", form, tok[4]);
	if (!valid_name(tok[1]) || strlen(tok[1]) >= LAB_NAME_MAX)
		return perr(p, "%s with NAME of 1..%d characters [A-Za-z0-9_.-], got '%s'", form,
			    LAB_NAME_MAX - 1, tok[1]);
	prev = name_taken(t, tok[1]);
	if (prev)
		return perr(p, "duplicate segment/link name '%s' (first at line %d)", tok[1], prev);
	if (t->nlinks >= LAB_MAX_LINKS)
		return perr(p, "too many links and segments (max %d)", LAB_MAX_LINKS);
	if (split_end(p, tok[2], &n0, &i0) < 0 || split_end(p, tok[3], &n1, &i1) < 0)
		return -1;
	li = t->nlinks;
	l = &t->links[li];
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", tok[1]);
	l->kind = LAB_LINK_P2P;
	l->capture = n == 5;
	l->line = p->line;
	if (strcmp(n0, n1) == 0)
		return perr(p, "link '%s' connects node '%s' to itself", tok[1], n0);
	if (claim_if(p, n0, i0, li, &l->ports[0]) < 0)
		return -1;
	if (claim_if(p, n1, i1, li, &l->ports[1]) < 0) {
		t->nodes[l->ports[0].node].ifs[l->ports[0].ifidx].link = -1;
		return -1;
	}
	l->nports = 2;
	t->nlinks++;
	return 0;
}

static int do_line(struct parser *p, char *line)
{
	char *tok[TOK_MAX], *hash = strchr(line, '#');
	int n;

	if (hash)
		*hash = '\0';
	n = tokenize(line, tok);
	if (n < 0)
		return perr(p, "too many words on one line (max %d)", TOK_MAX);
	if (n == 0)
		return 0;
	if (strcmp(tok[0], "node") == 0)
		return do_node(p, tok, n);
	if (strcmp(tok[0], "interface") == 0)
		return do_interface(p, tok, n);
	if (strcmp(tok[0], "route") == 0)
		return do_route(p, tok, n);
	if (strcmp(tok[0], "segment") == 0)
		return do_segment(p, tok, n);
	if (strcmp(tok[0], "port") == 0)
		return do_port(p, tok, n);
	if (strcmp(tok[0], "link") == 0)
		return do_link(p, tok, n);
	return perr(p, "expected 'node', 'interface', 'route', 'segment', 'port' or 'link', got '%s'", tok[0]);
}

static int finish(struct parser *p)
{
	struct lab_topo *t = p->t;
	int i, j;

	for (i = 0; i < t->nlinks; i++) {
		if (t->links[i].kind == LAB_LINK_SEGMENT && t->links[i].nports == 0) {
			p->line = t->links[i].line;
			return perr(p, "segment '%s' has no ports: expected 'port NODE IFNAME' lines after it",
				    t->links[i].name);
		}
	}
	for (i = 0; i < t->nnodes; i++) {
		struct lab_node *nd = &t->nodes[i];

		for (j = 0; j < nd->nifs; j++) {
			uint8_t *m = nd->ifs[j].mac;

			m[0] = 0x02; m[1] = 0x69; m[2] = 0x68;
			m[3] = (uint8_t)i; m[4] = (uint8_t)j; m[5] = 0x00;
		}
	}
	return 0;
}

int lab_topo_parse(const char *name, const char *text, struct lab_topo *t, char *err, size_t errlen)
{
	struct parser p = { .t = t, .name = name, .err = err, .errlen = errlen, .ctx = CTX_NONE };
	const char *s = text;
	char path[sizeof(t->path)];

	snprintf(path, sizeof(path), "%s", name);
	memset(t, 0, sizeof(*t));
	memcpy(t->path, path, sizeof(path));
	if (err && errlen)
		err[0] = '\0';
	while (*s) {
		const char *eol = strchr(s, '\n');
		size_t len = eol ? (size_t)(eol - s) : strlen(s);
		char line[1024];

		p.line++;
		if (len >= sizeof(line))
			return perr(&p, "line too long (max %zu characters)", sizeof(line) - 1);
		memcpy(line, s, len);
		line[len] = '\0';
		if (len && line[len - 1] == '\r')
			line[len - 1] = '\0';
		if (do_line(&p, line) < 0)
			return -1;
		s += len;
		if (*s == '\n')
			s++;
	}
	if (t->nnodes == 0) {
		p.line = p.line ? p.line : 1;
		return perr(&p, "no nodes: expected at least one 'node NAME'");
	}
	return finish(&p);
}

int lab_topo_load(const char *path, struct lab_topo *t, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t cap = 0, len = 0;
	int rc;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t got;

		if (cap - len < 4096) {
			char *nt;

			cap = cap ? cap * 2 : 8192;
			if (cap > (1u << 24) || !(nt = realloc(text, cap + 1))) {
				snprintf(err, errlen, "%s: file too large", path);
				free(text);
				fclose(f);
				return -1;
			}
			text = nt;
		}
		got = fread(text + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		free(text);
		fclose(f);
		return -1;
	}
	fclose(f);
	text[len] = '\0';
	if (strlen(text) != len) {
		snprintf(err, errlen, "%s: contains a NUL byte", path);
		free(text);
		return -1;
	}
	rc = lab_topo_parse(path, text, t, err, errlen);
	free(text);
	return rc;
}

/* Keep the helper referenced for debug builds that print addresses. */
const char *lab_ip_str(uint32_t a, char buf[16])
{
	return ip_str(a, buf);
}
