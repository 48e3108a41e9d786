/* ios_int.h — internals of the IOS configuration parser shared by its files: the parser
 * state (one line tokenised at a time, the current mode), error formatting and the
 * strict number/address readers. Not installed; only reference/cfg includes it.
 */
#ifndef REFGW_IOS_INT_H
#define REFGW_IOS_INT_H

#include <stdarg.h>
#include "ios_cfg.h"

enum ios_mode {
	IOS_M_GLOBAL,
	IOS_M_IFACE,        /* interface NAME */
	IOS_M_POLICY,       /* crypto isakmp policy N */
	IOS_M_TSET,         /* crypto ipsec transform-set NAME … */
	IOS_M_MAP,          /* crypto map NAME SEQ [ipsec-isakmp] */
	IOS_M_ACL,          /* ip access-list extended|standard NAME */
	IOS_M_KEPT,         /* a kept block (router ospf 1, line con 0, route-map …) */
	IOS_M_KEPT_INDENT,  /* after a kept single line: only indented lines belong to it */
	IOS_M_OSPF,         /* router ospf N */
	IOS_M_RMAP,         /* route-map NAME [permit|deny] [SEQ] */
	IOS_M_TRACK,        /* track N interface IF line-protocol (its lines are kept) */
};

struct ios_parser {
	struct ios_cfg *cfg;
	const char *fname;
	int line;
	char *err;
	size_t errlen;

	/* the current line, split into NUL-terminated words */
	char buf[IOS_LINE_MAX + 1];
	char *tok[IOS_TOKENS_MAX];
	int ntok;
	bool indented;

	enum ios_mode mode;
	int cur;            /* index of the current interface/policy/set/entry/ACL */
	uint32_t ctx;       /* pool offset of the block's header text ("" outside blocks) */
	bool bang;          /* a bare '!' in column 0 since the block began */
	int end_line;       /* line of `end`, 0 before it */
};

/* "fname:line: " + formatted text into p->err; returns -1. */
int ios_perrf(struct ios_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "fname:line: expected <what>, got '<tok[i]>'" (or "got end of line"); returns -1. */
int ios_perr(struct ios_parser *p, int i, const char *what);
/* The same at another line (checks after the last line). */
int ios_perr_at(struct ios_parser *p, int line, const char *what, const char *got);

/* Strict readers: 0 on success, -1 otherwise (no partial results). */
int ios_read_ip(const char *s, uint32_t *out);
int ios_read_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out);
bool ios_word_is(const char *s, const char *kw);            /* case-insensitive equality */
bool ios_ifname_syntax(const char *s);                      /* TYPE + position */

/* Enter block mode m for item `cur`; the current line's words become its context. */
int ios_enter(struct ios_parser *p, enum ios_mode m, int cur);
/* Keep the current line as not applied with context `ctx` (pool offset). */
int ios_keep(struct ios_parser *p, uint32_t ctx);
/* Copy the words tok[from..] joined by one space into the pool; -1 (error set) if full. */
int ios_pool_words(struct ios_parser *p, int from, uint32_t *off);
/* Join tok[from..] into dst (cap bytes); -1 if it does not fit. */
int ios_join(const struct ios_parser *p, int from, char *dst, size_t cap);

/* command handlers; each returns 0 or -1 (error set) */
int ios_cmd_interface(struct ios_parser *p);
int ios_sub_interface(struct ios_parser *p);
bool ios_sub_interface_known(const struct ios_parser *p);
int ios_cmd_route(struct ios_parser *p, bool *kept);
int ios_cmd_access_list(struct ios_parser *p, bool *kept);
int ios_cmd_ip_access_list(struct ios_parser *p);
int ios_sub_acl(struct ios_parser *p);
bool ios_sub_acl_known(const struct ios_parser *p);
int ios_cmd_crypto(struct ios_parser *p, bool *kept);
int ios_cmd_ike(struct ios_parser *p, bool *kept);    /* Comware `ike dpd …` */
int ios_sub_policy(struct ios_parser *p);
bool ios_sub_policy_known(const struct ios_parser *p);
int ios_sub_tset(struct ios_parser *p);
bool ios_sub_tset_known(const struct ios_parser *p);
int ios_sub_map(struct ios_parser *p);
bool ios_sub_map_known(const struct ios_parser *p);

/* first-hop redundancy (ios_cmd_fhrp.c) */
int ios_sub_standby(struct ios_parser *p);          /* interface: standby … */
int ios_sub_vrrp(struct ios_parser *p);             /* interface: [no] vrrp … */
int ios_cmd_track(struct ios_parser *p, bool *kept);
int ios_cmd_fhrp(struct ios_parser *p, bool *kept); /* fhrp version vrrp v3 */
int ios_check_fhrp(struct ios_parser *p);           /* after the last line */
/* routing (ios_cmd_routing.c) */
int ios_cmd_router(struct ios_parser *p, bool *kept);
int ios_sub_ospf(struct ios_parser *p);
bool ios_sub_ospf_known(const struct ios_parser *p);
int ios_cmd_route_map(struct ios_parser *p);
int ios_sub_rmap(struct ios_parser *p);
bool ios_sub_rmap_known(const struct ios_parser *p);
void ios_ospf_defaults(struct ios_ospf *o);

/* Items of `kind` at index >= pos moved up by one: fix the owners of kept lines. */
void ios_owner_shift(struct ios_cfg *c, enum ios_owner kind, int pos);
/* "icmp", "tcp" … or NULL for a protocol number without a name */
const char *ios_proto_name(int proto);

/* Would `text`, unindented after a bare '!', still be read as a line of a `block`? */
bool ios_would_stay(enum ios_owner block, const char *text);

/* Is `text` a banner line that the following lines continue? Then delim is its end. */
int ios_banner_open(const char *text, char delim[3]);

/* ACE -> selector (shared by ios_acl_flows and the check after the last line): 0, or -1
 * with `what`/`got` describing the problem. */
int ios_ace_flow(const struct ios_ace *a, struct ios_flow *f, char *what, size_t whatlen,
		 char *got, size_t gotlen);

#endif
