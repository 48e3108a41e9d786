/* ios_util.c — the parser's small tools: "file:line: expected …, got '…'" messages,
 * strict readers for numbers and dotted quads (no sign, no overflow, no trailing bytes),
 * and the pool that holds the text of not-applied lines.
 */
#include "ios_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define GOT_MAX 64   /* characters of an offending word quoted in a message */

/* Quote a word for a message: control bytes as '?', long words cut with "...". */
static void quote_word(const char *s, char *out, size_t cap)
{
	size_t n = 0, i;

	for (i = 0; s[i] && n + 4 < cap && i < GOT_MAX; i++) {
		unsigned char c = (unsigned char)s[i];

		out[n++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (s[i] && n + 4 <= cap) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
}

static int vperr_at(struct ios_parser *p, int line, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static int vperr_at(struct ios_parser *p, int line, const char *fmt, va_list ap)
{
	int n;

	if (!p->err || p->errlen == 0)
		return -1;
	if (line > 0)
		n = snprintf(p->err, p->errlen, "%s:%d: ", p->fname, line);
	else
		n = snprintf(p->err, p->errlen, "%s: ", p->fname);
	if (n < 0 || (size_t)n >= p->errlen)
		return -1;
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	return -1;
}

static int perr_at(struct ios_parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int perr_at(struct ios_parser *p, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vperr_at(p, line, fmt, ap);
	va_end(ap);
	return -1;
}

int ios_perrf(struct ios_parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vperr_at(p, p->line, fmt, ap);
	va_end(ap);
	return -1;
}

int ios_perr(struct ios_parser *p, int i, const char *what)
{
	char q[GOT_MAX + 8];

	if (i < 0 || i >= p->ntok)
		return ios_perrf(p, "expected %s, got end of line", what);
	quote_word(p->tok[i], q, sizeof(q));
	return ios_perrf(p, "expected %s, got '%s'", what, q);
}

int ios_perr_at(struct ios_parser *p, int line, const char *what, const char *got)
{
	char q[GOT_MAX + 8];

	quote_word(got, q, sizeof(q));
	return perr_at(p, line, "expected %s, got '%s'", what, q);
}

int ios_read_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!s[0])
		return -1;
	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > 0xffffffffull)
			return -1;
	}
	if (v < lo || v > hi)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int ios_read_ip(const char *s, uint32_t *out)
{
	uint32_t a = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned v = 0, nd = 0;

		while (*s >= '0' && *s <= '9') {
			if (++nd > 3)
				return -1;
			v = v * 10 + (unsigned)(*s++ - '0');
		}
		if (nd == 0 || v > 255)
			return -1;
		a = a << 8 | v;
		if (part < 3 && *s++ != '.')
			return -1;
	}
	if (*s)
		return -1;
	*out = a;
	return 0;
}

bool ios_word_is(const char *s, const char *kw)
{
	return strcasecmp(s, kw) == 0;
}

/* TYPE (letters, '-' between letters) then a position of digits, '/', ':' and '.'
 * that starts with a digit. */
bool ios_ifname_syntax(const char *s)
{
	size_t i = 0;

	while (isalpha((unsigned char)s[i]) ||
	       (i > 0 && s[i] == '-' && isalpha((unsigned char)s[i + 1])))
		i++;
	if (i == 0 || !isdigit((unsigned char)s[i]))
		return false;
	for (; s[i]; i++)
		if (!isdigit((unsigned char)s[i]) && s[i] != '/' && s[i] != ':' && s[i] != '.')
			return false;
	return true;
}

int ios_join(const struct ios_parser *p, int from, char *dst, size_t cap)
{
	size_t n = 0;
	int i;

	if (cap == 0)
		return -1;
	dst[0] = '\0';
	for (i = from; i < p->ntok; i++) {
		size_t l = strlen(p->tok[i]);

		if (n + l + (i > from) + 1 > cap)
			return -1;
		if (i > from)
			dst[n++] = ' ';
		memcpy(dst + n, p->tok[i], l);
		n += l;
		dst[n] = '\0';
	}
	return 0;
}

int ios_pool_words(struct ios_parser *p, int from, uint32_t *off)
{
	struct ios_cfg *c = p->cfg;
	size_t room = sizeof(c->pool) - c->pool_len;

	if (ios_join(p, from, c->pool + c->pool_len, room) < 0) {
		char what[80];

		snprintf(what, sizeof(what), "at most %d bytes of not-applied configuration text",
			 IOS_POOL_MAX);
		return ios_perr(p, from, what);
	}
	*off = (uint32_t)c->pool_len;
	c->pool_len += strlen(c->pool + c->pool_len) + 1;
	return 0;
}

int ios_keep(struct ios_parser *p, uint32_t ctx)
{
	struct ios_cfg *c = p->cfg;
	struct ios_kept *k;

	if (c->nkept >= IOS_MAX_NOT_APPLIED) {
		char what[64];

		snprintf(what, sizeof(what), "at most %d not-applied lines", IOS_MAX_NOT_APPLIED);
		return ios_perr(p, 0, what);
	}
	k = &c->kept[c->nkept];
	if (ios_pool_words(p, 0, &k->text) < 0)
		return -1;
	k->line = p->line;
	k->ctx = ctx;
	k->owner_kind = IOS_OWN_NONE;
	k->owner = -1;
	k->block = false;
	if (ctx) {
		static const enum ios_owner by_mode[] = {
			[IOS_M_GLOBAL] = IOS_OWN_NONE, [IOS_M_IFACE] = IOS_OWN_IFACE,
			[IOS_M_POLICY] = IOS_OWN_POLICY, [IOS_M_TSET] = IOS_OWN_TSET,
			[IOS_M_MAP] = IOS_OWN_MAP, [IOS_M_ACL] = IOS_OWN_ACL,
			[IOS_M_KEPT] = IOS_OWN_KEPT, [IOS_M_KEPT_INDENT] = IOS_OWN_KEPT,
			[IOS_M_OSPF] = IOS_OWN_OSPF, [IOS_M_RMAP] = IOS_OWN_RMAP,
			[IOS_M_TRACK] = IOS_OWN_TRACK,
		};

		k->owner_kind = by_mode[p->mode];
		k->owner = p->cur;
	}
	c->nkept++;
	return 0;
}

void ios_owner_shift(struct ios_cfg *c, enum ios_owner kind, int pos)
{
	int i;

	for (i = 0; i < c->nkept; i++)
		if (c->kept[i].owner_kind == kind && c->kept[i].owner >= pos)
			c->kept[i].owner++;
}
