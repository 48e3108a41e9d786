/* ios_cmd_fhrp.c — first-hop redundancy lines: the interface's `standby …` (HSRP,
 * RFC 2281 and Cisco's version 2) and `vrrp …` (VRRP, RFC 3768 / RFC 5798) lines, the
 * global `track N interface IF line-protocol` objects they may track and IOS-XE's
 * `fhrp version vrrp v3`; and the checks after the last line (group ranges by version,
 * track objects, tracked interfaces, the VRRP address owner's priority 255).
 */
#include "ios_int.h"

#include <stdio.h>
#include <string.h>

#define FORM_STANDBY  "'standby [GROUP] {ip|priority|preempt|timers|name|track|authentication} …'"
#define FORM_SB_IP    "'standby [GROUP] ip [A.B.C.D [secondary]]'"
#define FORM_SB_PRIO  "'standby [GROUP] priority 0-255'"
#define FORM_SB_PRE   "'standby [GROUP] preempt [delay [minimum 0-3600] [reload 0-3600] [sync 0-3600]]'"
#define FORM_SB_TIM   "'standby [GROUP] timers [msec] HELLO [msec] HOLD'"
#define FORM_SB_NAME  "'standby [GROUP] name NAME'"
#define FORM_SB_TRACK "'standby [GROUP] track {INTERFACE [1-255] | 1-1000 [decrement 1-255]}'"
#define FORM_SB_AUTH  "'standby [GROUP] authentication {[text] STRING | md5 key-string [0|7] KEY}'"
#define FORM_SB_VER   "'standby version {1|2}'"
#define FORM_VRRP     "'vrrp 1-255 {ip|priority|preempt|timers|name|description|authentication|shutdown|track} …'"
#define FORM_VR_IP    "'vrrp GROUP ip A.B.C.D [secondary]'"
#define FORM_VR_PRIO  "'vrrp GROUP priority 1-254'"
#define FORM_VR_PRE   "'[no] vrrp GROUP preempt [delay minimum 0-3600]'"
#define FORM_VR_TIM   "'vrrp GROUP timers advertise {1-255 | msec 50-999}'"
#define FORM_VR_NAME  "'vrrp GROUP name NAME'"
#define FORM_VR_DESC  "'vrrp GROUP description TEXT'"
#define FORM_VR_AUTH  "'vrrp GROUP authentication text STRING'"
#define FORM_VR_SHUT  "'[no] vrrp GROUP shutdown'"
#define FORM_VR_TRACK "'vrrp GROUP track 1-1000 [decrement 1-255]'"
#define FORM_VR_VER   "'vrrp version {2|3}'"
#define FORM_TRACK    "'track 1-1000 interface INTERFACE line-protocol'"
#define FORM_FHRP_VER "'fhrp version vrrp v3'"

#define TRACK_OBJ_MAX  1000
#define AUTH_TEXT_MAX  8          /* HSRP (RFC 2281 §5) and VRRPv2 simple text: 8 octets */

static const char *tok_at(const struct ios_parser *p, int i)
{
	return i < p->ntok ? p->tok[i] : "";
}

static bool all_digits(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return i > 0;
}

static int limit_err(struct ios_parser *p, int i, int max, const char *what)
{
	char w[96];

	snprintf(w, sizeof(w), "at most %d %s", max, what);
	return ios_perr(p, i, w);
}

/* The group (proto, interface, number), created with the IOS defaults if new. */
static struct ios_fhrp *group_get(struct ios_parser *p, enum ios_fhrp_proto proto, unsigned num, int tokno)
{
	struct ios_cfg *c = p->cfg;
	struct ios_fhrp *g;
	int i;

	for (i = 0; i < c->nfhrp; i++) {
		g = &c->fhrp[i];
		if (g->proto == proto && g->iface == p->cur && g->group == num)
			return g;
	}
	if (c->nfhrp >= IOS_MAX_FHRP) {
		limit_err(p, tokno, IOS_MAX_FHRP, "HSRP/VRRP groups");
		return NULL;
	}
	g = &c->fhrp[c->nfhrp++];
	memset(g, 0, sizeof(*g));
	g->proto = proto;
	g->iface = p->cur;
	g->group = num;
	g->line = p->line;
	g->priority = 100;                        /* RFC 2281 §5 / RFC 3768 §6.1 default */
	g->preempt = proto == IOS_FHRP_VRRP;      /* VRRP Preempt_Mode default True */
	g->adver_ms = proto == IOS_FHRP_VRRP ? 1000 : 0;
	g->version = proto == IOS_FHRP_VRRP ? 2 : 1;
	return g;
}

/* `… ip A [secondary]` at tok[i]: the primary replaces [0]; a secondary is added once. */
static int add_vip(struct ios_parser *p, struct ios_fhrp *g, int i, const char *form)
{
	uint32_t a;
	int k;

	if (ios_read_ip(tok_at(p, i), &a) < 0 || a == 0)
		return ios_perr(p, i, form);
	if (i + 1 < p->ntok && (!ios_word_is(p->tok[i + 1], "secondary") || i + 2 < p->ntok))
		return ios_perr(p, ios_word_is(p->tok[i + 1], "secondary") ? i + 2 : i + 1, form);
	if (i + 1 >= p->ntok) {
		g->vips[0] = a;
		if (g->nvips == 0)
			g->nvips = 1;
		g->vip_line = p->line;
		return 0;
	}
	if (g->nvips == 0)
		return ios_perr(p, i + 1, "a primary virtual address before a secondary one");
	for (k = 0; k < g->nvips; k++)
		if (g->vips[k] == a)
			return 0;
	if (g->nvips >= IOS_MAX_FHRP_VIPS)
		return limit_err(p, i, IOS_MAX_FHRP_VIPS, "virtual addresses in one group");
	g->vips[g->nvips++] = a;
	return 0;
}

/* One track line: interface form (ifname, object 0) or object form; the same target again
 * updates its decrement. */
static int add_track(struct ios_parser *p, struct ios_fhrp *g, const char *ifname, unsigned obj,
		     unsigned dec, int tokno)
{
	struct ios_fhrp_track *t = NULL;
	int k;

	for (k = 0; k < g->ntracks; k++)
		if ((obj && g->tracks[k].object == obj) ||
		    (!obj && !g->tracks[k].object && ios_ifname_same(g->tracks[k].ifname, ifname)))
			t = &g->tracks[k];
	if (!t) {
		if (g->ntracks >= IOS_MAX_FHRP_TRACKS)
			return limit_err(p, tokno, IOS_MAX_FHRP_TRACKS, "track lines in one group");
		t = &g->tracks[g->ntracks++];
		memset(t, 0, sizeof(*t));
	}
	if (!obj)
		snprintf(t->ifname, sizeof(t->ifname), "%s", ifname);
	t->object = obj;
	t->decrement = dec;
	t->line = p->line;
	return 0;
}

static int read_text(struct ios_parser *p, int i, char *dst, size_t cap, const char *form)
{
	char what[96];

	if (i >= p->ntok || i + 1 != p->ntok)
		return ios_perr(p, i >= p->ntok ? i : i + 1, form);
	if (strlen(p->tok[i]) >= cap) {
		snprintf(what, sizeof(what), "a string of at most %zu characters", cap - 1);
		return ios_perr(p, i, what);
	}
	strcpy(dst, p->tok[i]);
	return 0;
}

/* IOS type-7 text ("service password-encryption"): two decimal digits of offset into IOS's
 * fixed translation string, then one hex pair per character XORed with it. Not
 * cryptography — a reversible display encoding; 0 or -1 if `s` is not of that form. */
static int type7_decode(const char *s, char *out, size_t cap)
{
	static const char xlat[] = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87";
	size_t n = strlen(s), i, o = 0;
	unsigned off;

	if (n < 4 || n % 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	off = (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
	if (off >= sizeof(xlat) - 1)
		return -1;
	for (i = 2; i < n; i += 2) {
		unsigned v = 0, k;

		for (k = 0; k < 2; k++) {
			char h = s[i + k];

			v <<= 4;
			if (h >= '0' && h <= '9')
				v |= (unsigned)(h - '0');
			else if (h >= 'A' && h <= 'F')
				v |= (unsigned)(h - 'A' + 10);
			else if (h >= 'a' && h <= 'f')
				v |= (unsigned)(h - 'a' + 10);
			else
				return -1;
		}
		v ^= (unsigned char)xlat[(off + (i - 2) / 2) % (sizeof(xlat) - 1)];
		if (v < 0x21 || v > 0x7e || o + 1 >= cap)
			return -1;
		out[o++] = (char)v;
	}
	out[o] = '\0';
	return 0;
}

/* ---- standby (HSRP) ------------------------------------------------------------------- */

static int sb_preempt(struct ios_parser *p, struct ios_fhrp *g, int i)
{
	uint32_t mn = 0, rl = 0, sy = 0, v;
	bool any = false;

	if (i < p->ntok) {
		if (!ios_word_is(p->tok[i], "delay"))
			return ios_perr(p, i, FORM_SB_PRE);
		i++;
		/* `delay S` (IOS 12.0's form) is `delay minimum S` */
		if (i < p->ntok && all_digits(p->tok[i])) {
			if (ios_read_u32(p->tok[i], 0, 3600, &mn) < 0)
				return ios_perr(p, i, FORM_SB_PRE);
			i++;
			any = true;
		}
		while (i < p->ntok) {
			const char *w = p->tok[i];
			uint32_t *dst = ios_word_is(w, "minimum") ? &mn : ios_word_is(w, "reload") ? &rl :
					ios_word_is(w, "sync") ? &sy : NULL;

			if (!dst)
				return ios_perr(p, i, FORM_SB_PRE);
			if (ios_read_u32(tok_at(p, i + 1), 0, 3600, &v) < 0)
				return ios_perr(p, i + 1, FORM_SB_PRE);
			*dst = v;
			any = true;
			i += 2;
		}
		if (!any)
			return ios_perr(p, i, FORM_SB_PRE);
	}
	g->preempt = true;
	g->preempt_delay_s = mn;
	g->preempt_reload_s = rl;
	g->preempt_sync_s = sy;
	return 0;
}

/* `[msec] N` at tok[*i]: milliseconds in *ms */
static int read_time(struct ios_parser *p, int *i, uint32_t slo, uint32_t shi, uint32_t mlo, uint32_t mhi,
		     uint32_t *ms, const char *what)
{
	uint32_t v;

	if (ios_word_is(tok_at(p, *i), "msec")) {
		if (ios_read_u32(tok_at(p, *i + 1), mlo, mhi, &v) < 0)
			return ios_perr(p, *i + 1, what);
		*ms = v;
		*i += 2;
		return 0;
	}
	if (ios_read_u32(tok_at(p, *i), slo, shi, &v) < 0)
		return ios_perr(p, *i, what);
	*ms = v * 1000;
	*i += 1;
	return 0;
}

static int sb_timers(struct ios_parser *p, struct ios_fhrp *g, int i)
{
	uint32_t h, d;
	int di;

	if (read_time(p, &i, 1, 254, 15, 999, &h, "a hello time 1-254 (seconds) or msec 15-999") < 0)
		return -1;
	di = i;
	if (read_time(p, &i, 1, 255, 50, 3000, &d, "a hold time 1-255 (seconds) or msec 50-3000") < 0)
		return -1;
	if (i < p->ntok)
		return ios_perr(p, i, FORM_SB_TIM);
	if (d <= h)
		return ios_perr(p, ios_word_is(p->tok[di], "msec") ? di + 1 : di,
				"a hold time greater than the hello time");
	g->hello_ms = h;
	g->hold_ms = d;
	return 0;
}

static int sb_track(struct ios_parser *p, struct ios_fhrp *g, int i)
{
	uint32_t obj = 0, dec = 10;
	const char *w = tok_at(p, i);

	if (all_digits(w)) {
		/* standby N track OBJ [decrement D] (RFC 2281 leaves tracking to the router) */
		if (ios_read_u32(w, 1, TRACK_OBJ_MAX, &obj) < 0)
			return ios_perr(p, i, FORM_SB_TRACK);
		if (i + 1 < p->ntok) {
			if (!ios_word_is(p->tok[i + 1], "decrement"))
				return ios_perr(p, i + 1, FORM_SB_TRACK);
			if (ios_read_u32(tok_at(p, i + 2), 1, 255, &dec) < 0)
				return ios_perr(p, i + 2, FORM_SB_TRACK);
			if (i + 3 < p->ntok)
				return ios_perr(p, i + 3, FORM_SB_TRACK);
		}
		return add_track(p, g, "", obj, dec, i);
	}
	if (!ios_ifname_syntax(w))
		return ios_perr(p, i, FORM_SB_TRACK);
	if (strlen(w) >= IOS_NAME_MAX)
		return ios_perr(p, i, "an interface name of at most 63 characters");
	if (i + 1 < p->ntok) {
		int j = i + 1;

		if (ios_word_is(p->tok[j], "decrement"))
			j++;
		if (ios_read_u32(tok_at(p, j), 1, 255, &dec) < 0)
			return ios_perr(p, j, FORM_SB_TRACK);
		if (j + 1 < p->ntok)
			return ios_perr(p, j + 1, FORM_SB_TRACK);
	}
	return add_track(p, g, w, 0, dec, i);
}

static int sb_auth(struct ios_parser *p, struct ios_fhrp *g, int i)
{
	const char *w = tok_at(p, i);

	if (ios_word_is(w, "md5")) {
		char key[sizeof(g->md5_key)];
		int j = i + 2;

		if (ios_word_is(tok_at(p, i + 1), "key-chain"))
			return 1;                 /* key chains: kept */
		if (!ios_word_is(tok_at(p, i + 1), "key-string"))
			return ios_perr(p, i + 1, FORM_SB_AUTH);
		if (j + 1 < p->ntok && (strcmp(p->tok[j], "0") == 0 || strcmp(p->tok[j], "7") == 0))
			j++;
		if (j + 1 < p->ntok && ios_word_is(p->tok[j + 1], "timeout"))
			return 1;                 /* key rollover timeout: kept */
		if (j >= p->ntok || j + 1 != p->ntok)
			return ios_perr(p, j >= p->ntok ? j : j + 1, FORM_SB_AUTH);
		if (j == i + 3 && strcmp(p->tok[i + 2], "7") == 0) {
			if (type7_decode(p->tok[j], key, sizeof(key)) < 0)
				return ios_perr(p, j, "a type-7 key (two digits, then hex pairs)");
		} else if (read_text(p, j, key, sizeof(key), FORM_SB_AUTH) < 0) {
			return -1;
		}
		strcpy(g->md5_key, key);
		g->auth_md5 = true;
		g->auth_text[0] = '\0';
		return 0;
	}
	if (ios_word_is(w, "text"))
		i++;
	if (i >= p->ntok)
		return ios_perr(p, i, FORM_SB_AUTH);
	if (read_text(p, i, g->auth_text, sizeof(g->auth_text), FORM_SB_AUTH) < 0)
		return -1;
	g->auth_md5 = false;
	g->md5_key[0] = '\0';
	return 0;
}

int ios_sub_standby(struct ios_parser *p)
{
	struct ios_iface *f = &p->cfg->ifaces[p->cur];
	bool neg = ios_word_is(p->tok[0], "no");
	int i = neg ? 2 : 1, rc;
	uint32_t num = 0, v;
	struct ios_fhrp *g;
	const char *w;

	if (ios_word_is(tok_at(p, i), "version")) {
		if (neg)
			return ios_keep(p, p->ctx);
		if (ios_read_u32(tok_at(p, i + 1), 1, 2, &v) < 0)
			return ios_perr(p, i + 1, FORM_SB_VER);
		if (i + 2 < p->ntok)
			return ios_perr(p, i + 2, FORM_SB_VER);
		f->hsrp_version = v;
		f->hsrp_version_line = p->line;
		return 0;
	}
	if (all_digits(tok_at(p, i))) {
		/* the range of the interface's version is checked after the last line */
		if (ios_read_u32(p->tok[i], 0, 4095, &num) < 0)
			return ios_perr(p, i, "an HSRP group 0-4095");
		i++;
	}
	w = tok_at(p, i);
	if (neg) {
		if (!ios_word_is(w, "preempt") || i + 1 != p->ntok)
			return ios_keep(p, p->ctx);
		if (!(g = group_get(p, IOS_FHRP_HSRP, num, i)))
			return -1;
		g->preempt = false;
		g->preempt_delay_s = g->preempt_reload_s = g->preempt_sync_s = 0;
		return 0;
	}
	if (!w[0])
		return ios_perr(p, i, FORM_STANDBY);
	if (!ios_word_is(w, "ip") && !ios_word_is(w, "priority") && !ios_word_is(w, "preempt") &&
	    !ios_word_is(w, "timers") && !ios_word_is(w, "name") && !ios_word_is(w, "track") &&
	    !ios_word_is(w, "authentication"))
		return ios_keep(p, p->ctx);       /* mac-address, use-bia, follow, redirect …: kept */
	if (ios_word_is(w, "timers") && ios_word_is(tok_at(p, i + 1), "redirect"))
		return ios_keep(p, p->ctx);
	if (ios_word_is(w, "authentication")) {
		struct ios_fhrp tmp;

		/* parse into a copy first: a kept md5 variant must not create the group */
		memset(&tmp, 0, sizeof(tmp));
		rc = sb_auth(p, &tmp, i + 1);
		if (rc < 0)
			return -1;
		if (rc == 1)
			return ios_keep(p, p->ctx);
		if (!(g = group_get(p, IOS_FHRP_HSRP, num, i)))
			return -1;
		memcpy(g->auth_text, tmp.auth_text, sizeof(g->auth_text));
		memcpy(g->md5_key, tmp.md5_key, sizeof(g->md5_key));
		g->auth_md5 = tmp.auth_md5;
		return 0;
	}
	/* the other forms: applied to a copy of the group, stored only when the line fits */
	if (ios_word_is(w, "ip")) {
		struct ios_fhrp tmp;

		if (i + 1 >= p->ntok) {     /* standby N ip: learn the address (RFC 2281 §5) */
			if (!(g = group_get(p, IOS_FHRP_HSRP, num, i)))
				return -1;
			if (g->nvips == 0)
				g->vip_line = p->line;
			return 0;
		}
		if (!(g = group_get(p, IOS_FHRP_HSRP, num, i)))
			return -1;
		tmp = *g;
		if (add_vip(p, &tmp, i + 1, FORM_SB_IP) < 0)
			return -1;
		*g = tmp;
		return 0;
	}
	if (ios_word_is(w, "priority")) {
		if (ios_read_u32(tok_at(p, i + 1), 0, 255, &v) < 0)
			return ios_perr(p, i + 1, FORM_SB_PRIO);
		if (i + 2 < p->ntok)
			return ios_perr(p, i + 2, FORM_SB_PRIO);
		if (!(g = group_get(p, IOS_FHRP_HSRP, num, i)))
			return -1;
		g->priority = v;
		g->priority_line = p->line;
		return 0;
	}
	if (ios_word_is(w, "name")) {
		char name[IOS_NAME_MAX];

		if (read_text(p, i + 1, name, sizeof(name), FORM_SB_NAME) < 0)
			return -1;
		if (!(g = group_get(p, IOS_FHRP_HSRP, num, i)))
			return -1;
		strcpy(g->name, name);
		return 0;
	}
	{
		struct ios_fhrp tmp;

		if (!(g = group_get(p, IOS_FHRP_HSRP, num, i)))
			return -1;
		tmp = *g;
		if (ios_word_is(w, "preempt"))
			rc = sb_preempt(p, &tmp, i + 1);
		else if (ios_word_is(w, "timers"))
			rc = sb_timers(p, &tmp, i + 1);
		else
			rc = sb_track(p, &tmp, i + 1);
		if (rc < 0)
			return -1;
		*g = tmp;
		return 0;
	}
}

/* ---- vrrp --------------------------------------------------------------------------------- */

static int vr_track(struct ios_parser *p, struct ios_fhrp *g, int i)
{
	uint32_t obj, dec = 10;

	if (ios_read_u32(tok_at(p, i), 1, TRACK_OBJ_MAX, &obj) < 0)
		return ios_perr(p, i, FORM_VR_TRACK);
	if (i + 1 < p->ntok) {
		if (!ios_word_is(p->tok[i + 1], "decrement"))
			return ios_perr(p, i + 1, FORM_VR_TRACK);
		if (ios_read_u32(tok_at(p, i + 2), 1, 255, &dec) < 0)
			return ios_perr(p, i + 2, FORM_VR_TRACK);
		if (i + 3 < p->ntok)
			return ios_perr(p, i + 3, FORM_VR_TRACK);
	}
	return add_track(p, g, "", obj, dec, i);
}

static int vr_apply(struct ios_parser *p, struct ios_fhrp *g, int i)
{
	const char *w = p->tok[i];
	uint32_t v;

	if (ios_word_is(w, "ip"))
		return add_vip(p, g, i + 1, FORM_VR_IP);
	if (ios_word_is(w, "priority")) {
		if (ios_read_u32(tok_at(p, i + 1), 1, 254, &v) < 0)
			return ios_perr(p, i + 1, FORM_VR_PRIO);
		if (i + 2 < p->ntok)
			return ios_perr(p, i + 2, FORM_VR_PRIO);
		g->priority = v;
		g->priority_line = p->line;
		return 0;
	}
	if (ios_word_is(w, "preempt")) {
		v = 0;
		if (i + 1 < p->ntok) {
			if (!ios_word_is(p->tok[i + 1], "delay") || !ios_word_is(tok_at(p, i + 2), "minimum"))
				return ios_perr(p, ios_word_is(p->tok[i + 1], "delay") ? i + 2 : i + 1, FORM_VR_PRE);
			if (ios_read_u32(tok_at(p, i + 3), 0, 3600, &v) < 0)
				return ios_perr(p, i + 3, FORM_VR_PRE);
			if (i + 4 < p->ntok)
				return ios_perr(p, i + 4, FORM_VR_PRE);
		}
		g->preempt = true;
		g->preempt_delay_s = v;
		return 0;
	}
	if (ios_word_is(w, "timers")) {
		int j = i + 2;

		if (!ios_word_is(tok_at(p, i + 1), "advertise"))
			return ios_perr(p, i + 1, FORM_VR_TIM);
		if (read_time(p, &j, 1, 255, 50, 999, &v, FORM_VR_TIM) < 0)
			return -1;
		if (j < p->ntok)
			return ios_perr(p, j, FORM_VR_TIM);
		g->adver_ms = v;
		return 0;
	}
	if (ios_word_is(w, "name"))
		return read_text(p, i + 1, g->name, sizeof(g->name), FORM_VR_NAME);
	if (ios_word_is(w, "description")) {
		if (i + 1 >= p->ntok)
			return ios_perr(p, i + 1, FORM_VR_DESC);
		if (ios_join(p, i + 1, g->description, sizeof(g->description)) < 0)
			return ios_perr(p, i + 1, "a description of at most 240 characters");
		return 0;
	}
	if (ios_word_is(w, "authentication")) {
		/* RFC 3768 §5.3.6: types 1 and 2 are deprecated; IOS still sends type 1 */
		if (!ios_word_is(tok_at(p, i + 1), "text"))
			return ios_perr(p, i + 1, FORM_VR_AUTH);
		return read_text(p, i + 2, g->auth_text, sizeof(g->auth_text), FORM_VR_AUTH);
	}
	if (ios_word_is(w, "shutdown")) {
		if (i + 1 < p->ntok)
			return ios_perr(p, i + 1, FORM_VR_SHUT);
		g->shutdown = true;
		return 0;
	}
	return vr_track(p, g, i + 1);
}

int ios_sub_vrrp(struct ios_parser *p)
{
	struct ios_iface *f = &p->cfg->ifaces[p->cur];
	bool neg = ios_word_is(p->tok[0], "no");
	int i = neg ? 2 : 1;
	uint32_t num, v;
	struct ios_fhrp *g, tmp;
	const char *w;

	if (ios_word_is(tok_at(p, i), "version")) {
		if (neg)
			return ios_keep(p, p->ctx);
		if (ios_read_u32(tok_at(p, i + 1), 2, 3, &v) < 0)
			return ios_perr(p, i + 1, FORM_VR_VER);
		if (i + 2 < p->ntok)
			return ios_perr(p, i + 2, FORM_VR_VER);
		f->vrrp_version = v;
		f->vrrp_version_line = p->line;
		return 0;
	}
	if (!all_digits(tok_at(p, i))) {
		if (neg || !tok_at(p, i)[0])
			return neg ? ios_keep(p, p->ctx) : ios_perr(p, i, FORM_VRRP);
		return ios_keep(p, p->ctx);       /* vrrp delay …, vrrp sso …: kept */
	}
	if (ios_read_u32(p->tok[i], 1, 255, &num) < 0)
		return ios_perr(p, i, FORM_VRRP);
	i++;
	w = tok_at(p, i);
	if (neg) {
		if ((ios_word_is(w, "preempt") || ios_word_is(w, "shutdown")) && i + 1 == p->ntok) {
			if (!(g = group_get(p, IOS_FHRP_VRRP, num, i)))
				return -1;
			if (ios_word_is(w, "preempt")) {
				g->preempt = false;
				g->preempt_delay_s = 0;
			} else {
				g->shutdown = false;
			}
			return 0;
		}
		return ios_keep(p, p->ctx);
	}
	if (!w[0])
		return ios_perr(p, i, FORM_VRRP);
	if ((!ios_word_is(w, "ip") && !ios_word_is(w, "priority") && !ios_word_is(w, "preempt") &&
	     !ios_word_is(w, "timers") && !ios_word_is(w, "name") && !ios_word_is(w, "description") &&
	     !ios_word_is(w, "authentication") && !ios_word_is(w, "shutdown") && !ios_word_is(w, "track")) ||
	    (ios_word_is(w, "timers") && ios_word_is(tok_at(p, i + 1), "learn")) ||
	    (ios_word_is(w, "authentication") && ios_word_is(tok_at(p, i + 1), "md5")))
		return ios_keep(p, p->ctx);       /* address-family, timers learn, md5 …: kept */
	if (!(g = group_get(p, IOS_FHRP_VRRP, num, i)))
		return -1;
	tmp = *g;
	if (vr_apply(p, &tmp, i) < 0)
		return -1;
	*g = tmp;
	return 0;
}

/* ---- global: track N interface IF line-protocol, fhrp version vrrp v3 --------------------- */

int ios_cmd_track(struct ios_parser *p, bool *kept)
{
	struct ios_cfg *c = p->cfg;
	struct ios_obj_track *t = NULL;
	uint32_t n;
	int k;

	*kept = false;
	if (ios_read_u32(tok_at(p, 1), 1, TRACK_OBJ_MAX, &n) < 0)
		return ios_perr(p, 1, FORM_TRACK);
	if (!ios_word_is(tok_at(p, 2), "interface")) {
		*kept = true;                     /* ip sla, ip route, list, stub-object …: kept */
		return 0;
	}
	if (!ios_ifname_syntax(tok_at(p, 3)))
		return ios_perr(p, 3, FORM_TRACK);
	if (strlen(p->tok[3]) >= IOS_NAME_MAX)
		return ios_perr(p, 3, "an interface name of at most 63 characters");
	if (ios_word_is(tok_at(p, 4), "ip") && ios_word_is(tok_at(p, 5), "routing") && p->ntok == 6) {
		*kept = true;                     /* `ip routing` state: kept */
		return 0;
	}
	if (!ios_word_is(tok_at(p, 4), "line-protocol"))
		return ios_perr(p, 4, FORM_TRACK);
	if (p->ntok > 5)
		return ios_perr(p, 5, FORM_TRACK);
	for (k = 0; k < c->nobj_tracks; k++)
		if (c->obj_tracks[k].object == n)
			t = &c->obj_tracks[k];
	if (!t) {
		if (c->nobj_tracks >= IOS_MAX_OBJ_TRACKS)
			return limit_err(p, 1, IOS_MAX_OBJ_TRACKS, "track objects");
		t = &c->obj_tracks[c->nobj_tracks++];
		memset(t, 0, sizeof(*t));
		t->object = n;
		t->line = p->line;
	}
	strcpy(t->ifname, p->tok[3]);
	return ios_enter(p, IOS_M_TRACK, (int)(t - c->obj_tracks));
}

int ios_cmd_fhrp(struct ios_parser *p, bool *kept)
{
	*kept = false;
	if (!ios_word_is(tok_at(p, 1), "version") || !ios_word_is(tok_at(p, 2), "vrrp")) {
		*kept = true;                     /* fhrp delay …: kept */
		return 0;
	}
	if (!ios_word_is(tok_at(p, 3), "v3"))
		return ios_perr(p, 3, FORM_FHRP_VER);
	if (p->ntok > 4)
		return ios_perr(p, 4, FORM_FHRP_VER);
	p->cfg->fhrp_vrrp_v3_line = p->line;
	return 0;
}

/* ---- after the last line -------------------------------------------------------------------- */

int ios_check_fhrp(struct ios_parser *p)
{
	struct ios_cfg *c = p->cfg;
	char got[16];
	int i, k, j;

	for (i = 0; i < c->nifaces; i++) {
		struct ios_iface *f = &c->ifaces[i];

		if (!f->hsrp_version)
			f->hsrp_version = 1;
		if (!f->vrrp_version_line)
			f->vrrp_version = c->fhrp_vrrp_v3_line ? 3 : 2;
	}
	for (i = 0; i < c->nobj_tracks; i++)
		if (ios_cfg_iface_index(c, c->obj_tracks[i].ifname) < 0)
			return ios_perr_at(p, c->obj_tracks[i].line, "an interface configured in this file",
					   c->obj_tracks[i].ifname);
	for (i = 0; i < c->nfhrp; i++) {
		struct ios_fhrp *g = &c->fhrp[i];
		const struct ios_iface *f = &c->ifaces[g->iface];

		if (g->proto == IOS_FHRP_HSRP) {
			g->version = f->hsrp_version;
			if (g->version == 1 && g->group > 255) {
				snprintf(got, sizeof(got), "%u", g->group);
				return ios_perr_at(p, g->line,
						   "an HSRP group 0-255 (4095 with 'standby version 2')", got);
			}
		} else {
			g->version = f->vrrp_version;
			/* RFC 3768 §5.3.4: the address owner's priority is 255 */
			for (k = 0; k < g->nvips && f->naddrs > 0; k++)
				if (g->vips[k] == f->addrs[0].addr)
					g->priority = 255;
		}
		for (k = 0; k < g->ntracks; k++) {
			struct ios_fhrp_track *t = &g->tracks[k];

			if (t->object) {
				for (j = 0; j < c->nobj_tracks && c->obj_tracks[j].object != t->object; j++)
					;
				if (j == c->nobj_tracks) {
					snprintf(got, sizeof(got), "%u", t->object);
					return ios_perr_at(p, t->line,
							   "a track object defined by 'track N interface INTERFACE line-protocol'",
							   got);
				}
				strcpy(t->ifname, c->obj_tracks[j].ifname);
			} else if (ios_cfg_iface_index(c, t->ifname) < 0) {
				return ios_perr_at(p, t->line, "an interface configured in this file", t->ifname);
			}
		}
	}
	return 0;
}
