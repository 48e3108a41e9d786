/* an_fhrp.c — CONFORMANCE.md assertions 40–59 over a run's captured HSRP/VRRP traffic
 * (see an_fhrp.h). Events are grouped into streams (link, protocol, group) and walked
 * in time order; ARP and ICMP events of the same link are looked up for the gratuitous
 * ARP, ARP-reply and ICMP-redirect parts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "an_fhrp.h"
#include "hsrp.h"
#include "vrrp.h"
#include "windows.h"

#define NS 1e9
#define FH_MAX_SENDERS 16
#define FH_MAX_STREAMS 64

static const struct { const char *title, *rfc; } fh_meta[AN_FHRP_N] = {
	{ "HSRP v1: UDP 1985 to 224.0.0.2, TTL 1, source = real IP, version 0, 20 bytes", "RFC 2281 §5.1" },
	{ "HSRP Hello carries its Hello/Hold, Hold > Hello", "RFC 2281 §5.1" },
	{ "HSRP Hello gaps within [Hello - jitter, Hello] and jittered", "RFC 2281 §5.4" },
	{ "HSRP Hellos only from Speak, Standby and Active", "RFC 2281 §5.3-5.4" },
	{ "HSRP source MAC = virtual MAC on Active Hellos only", "RFC 2281 §6.1" },
	{ "HSRP entering Active: Hello + gratuitous ARP from the virtual MAC", "RFC 2281 §5.6-I" },
	{ "HSRP Standby -> Active within Holdtime of the last Active Hello", "RFC 2281 §5.7 event c" },
	{ "HSRP Coup only from higher priority (preempt); the ousted Active sends Resign", "RFC 2281 §5.7" },
	{ "HSRP Resign only from the Active; the Standby takes over", "RFC 2281 §5.7 event b/i" },
	{ "HSRP at most one Active and one Standby; no ICMP redirects", "RFC 2281 §5.3, §6.3" },
	{ "HSRPv2: 224.0.0.102, Group State TLV type 1 length 40, ms timers", "Wireshark packet-hsrp.c" },
	{ "VRRP: to 224.0.0.18 with TTL 255", "RFC 3768 §5.2" },
	{ "VRRP: version 2|3, type 1, checksum valid (v3 pseudo-header)", "RFC 3768 §5.3; RFC 5798 §5.2.8" },
	{ "VRRP: source MAC 00-00-5E-00-01-VRID; one Master, adverts every AdverInt", "RFC 3768 §7.2-7.3, §6.4.3" },
	{ "VRRP Backup -> Master after Master_Down_Interval without adverts", "RFC 3768 §6.1; RFC 5798 §6.1" },
	{ "VRRP priority 0 from the Master; takeover after Skew_Time", "RFC 3768 §6.4.2-6.4.3" },
	{ "VRRP new Master: gratuitous ARP per VIP from the vMAC; no ARP reply from a Backup", "RFC 3768 §6.4.2, §8.2" },
	{ "VRRP preemption: the owner (255) always, others only with Preempt_Mode", "RFC 3768 §6.1" },
	{ "VRRP Master steps down on higher priority (or equal from a higher IP)", "RFC 3768 §6.4.3" },
	{ "VRRP v2 discards a mismatched AdverInt; v3 learns Master_Adver_Interval", "RFC 3768 §7.1; RFC 5798 §6.4.2" },
};

const char *an_chk_status_name(enum an_chk_status s)
{
	return s == AN_CHK_PASS ? "pass" : s == AN_CHK_FAIL ? "fail" : s == AN_CHK_WAIVED ? "waived" : "not-applicable";
}

void an_hsrp_vmac(unsigned version, unsigned group, uint8_t mac[6])
{
	mac[0] = 0x00, mac[1] = 0x00, mac[2] = 0x0c;
	if (version == 2) {
		mac[3] = 0x9f, mac[4] = (uint8_t)(0xf0 | ((group >> 8) & 0x0f)), mac[5] = (uint8_t)group;
	} else {
		mac[3] = 0x07, mac[4] = 0xac, mac[5] = (uint8_t)group;
	}
}

void an_vrrp_vmac(unsigned vrid, uint8_t mac[6])
{
	static const uint8_t base[5] = { 0x00, 0x00, 0x5e, 0x00, 0x01 };
	memcpy(mac, base, 5);
	mac[5] = (uint8_t)vrid;
}

/* --- verdict bookkeeping ------------------------------------------------------------ */

struct fh_walk {
	const struct ev **v;       /* every event of interest, time order */
	size_t n;
	const struct an_fhrp_opts *o;
	struct an_chk *out;
};


static struct an_chk *chk(struct an_chk *out, int id)
{
	return &out[id - AN_FHRP_FIRST];
}

static void evidence(struct an_chk *c, const struct ev *e)
{
	snprintf(c->link, sizeof(c->link), "%s", e->link);
	c->frame = e->frame;
	c->t_ns = e->t_ns;
}

static void ok(const struct fh_walk *w, int id, const struct ev *e)
{
	struct an_chk *c = chk(w->out, id);
	c->checked++;
	if (c->status == AN_CHK_NA) {
		c->status = AN_CHK_PASS;
		evidence(c, e);
	}
}

/* A failure counts against the run when the sender is a node under test (o->counted
 * says so, or no filter); a third-party daemon's deviation is recorded as waived. */
static void __attribute__((format(printf, 4, 5))) bad(const struct fh_walk *w, int id, const struct ev *e,
						      const char *fmt, ...)
{
	struct an_chk *c = chk(w->out, id);
	int counted = !w->o->counted || w->o->counted(e->node, w->o->arg);
	va_list ap;
	c->checked++;
	if (!counted) {
		c->waived++;
		if (c->waived > 1 || c->status == AN_CHK_FAIL)
			return;
		c->status = AN_CHK_WAIVED;   /* shown over a pass; a counted failure wins */
		evidence(c, e);
		va_start(ap, fmt);
		vsnprintf(c->waived_detail, sizeof(c->waived_detail), fmt, ap);
		va_end(ap);
		return;
	}
	c->failed++;
	if (c->status == AN_CHK_FAIL)
		return;
	c->status = AN_CHK_FAIL;
	evidence(c, e);
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

static void judge(const struct fh_walk *w, int id, const struct ev *e, int pass, const char *why)
{
	if (pass)
		ok(w, id, e);
	else
		bad(w, id, e, "%s: %s", e->node[0] ? e->node : "?", why);
}

static void note(struct an_chk *out, int id, const char *text)
{
	struct an_chk *c = chk(out, id);
	if (c->status != AN_CHK_FAIL && !c->detail[0])
		snprintf(c->detail, sizeof(c->detail), "%s", text);
}

static int mac_zero(const uint8_t m[6])
{
	static const uint8_t z[6];
	return !memcmp(m, z, 6);
}

static const char *ipstr(uint32_t ip, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
	return buf;
}

/* --- streams ------------------------------------------------------------------------ */

static int cmp_ev(const void *a, const void *b)
{
	const struct ev *x = *(const struct ev *const *)a, *y = *(const struct ev *const *)b;
	if (x->t_ns != y->t_ns)
		return x->t_ns < y->t_ns ? -1 : 1;
	int l = strcmp(x->link, y->link);
	if (l)
		return l;
	return x->frame < y->frame ? -1 : x->frame > y->frame;
}

static int same_stream(const struct ev *e, const char *link, enum ev_type type, unsigned group)
{
	return e->type == type && e->group == group && !strcmp(e->link, link);
}

/* Preempt_Mode of `node` for the group from the configurations read, -1 unknown. */
static int cfg_preempt(const struct an_fhrp_opts *o, const char *node, int vrrp, unsigned group)
{
	for (int i = 0; i < o->ncfg; i++)
		if (o->cfg[i].vrrp == vrrp && o->cfg[i].group == group && !strcmp(o->cfg[i].node, node))
			return o->cfg[i].preempt;
	return -1;
}

/* A gratuitous ARP on `link` for `ip` whose Ethernet source and ARP sender MAC are both
 * `vmac`, within [t - before, t + after]. */
static const struct ev *find_garp(const struct fh_walk *w, const char *link, uint32_t ip, const uint8_t vmac[6],
				  int64_t t, double before_s, double after_s)
{
	int64_t lo = t - (int64_t)(before_s * NS), hi = t + (int64_t)(after_s * NS);
	for (size_t i = 0; i < w->n; i++) {
		const struct ev *a = w->v[i];
		if (a->t_ns < lo)
			continue;
		if (a->t_ns > hi)
			break;
		if (a->type == EV_ARP && a->garp && a->vip == ip && !strcmp(a->link, link) &&
		    !memcmp(a->eth_src, vmac, 6) && !memcmp(a->arp_sha, vmac, 6))
			return a;
	}
	return NULL;
}

struct fh_sender {
	uint32_t ip;
	const struct ev *last;          /* last packet (any op) */
	const struct ev *last_hello;    /* HSRP: last Hello; VRRP: last non-zero advert */
	int state;                      /* HSRP enum hsrp_state of the last Hello, -1 none */
	int master;                     /* VRRP: advertising as Master */
	double gmin, gmax;              /* HSRP: judged Hello gaps */
	unsigned long ngaps;
};

static struct fh_sender *sender(struct fh_sender *s, int *ns, uint32_t ip)
{
	for (int i = 0; i < *ns; i++)
		if (s[i].ip == ip)
			return &s[i];
	if (*ns == FH_MAX_SENDERS)
		return NULL;
	memset(&s[*ns], 0, sizeof(s[0]));
	s[*ns].ip = ip;
	s[*ns].state = -1;
	return &s[(*ns)++];
}

/* a beats b: higher priority, or equal priority from the higher IP (RFC 2281 §5.2,
 * RFC 3768 §6.4.3) */
static int beats(int pa, uint32_t ipa, int pb, uint32_t ipb)
{
	return pa > pb || (pa == pb && ipa > ipb);
}

/* --- HSRP (40–50) ------------------------------------------------------------------- */

static void hsrp_stream(const struct fh_walk *w, const char *link, unsigned group)
{
	struct fh_sender snd[FH_MAX_SENDERS];
	int ns = 0;
	double sc = w->o->scale, tol = w->o->tol_s;
	int64_t dual_act = 0, dual_stb = 0, last_coup_resign = 0;
	int dual_act_failed = 0, dual_stb_failed = 0;
	uint8_t vmac[6];
	char ip1[16], ip2[16];

	for (size_t i = 0; i < w->n; i++) {
		const struct ev *e = w->v[i];
		if (!same_stream(e, link, EV_HSRP, group))
			continue;
		struct fh_sender *s = sender(snd, &ns, e->src_ip);
		if (!s)
			continue;
		double hello_s = e->hello_ms / 1000.0, hold_s = e->hold_ms / 1000.0;
		an_hsrp_vmac(e->ver, group, vmac);

		if (e->ver == 1) {
			/* #40 RFC 2281 §5.1: UDP 1985 to 224.0.0.2, TTL 1, the real IP as source, 20 octets */
			char why[160];
			why[0] = '\0';
			if (e->dst_ip != HSRP_V1_GROUP)
				snprintf(why, sizeof(why), "sent to %s, not 224.0.0.2", ipstr(e->dst_ip, ip1));
			else if (e->dport != HSRP_PORT)
				snprintf(why, sizeof(why), "UDP port %u, not 1985", e->dport);
			else if (e->ttl != 1)
				snprintf(why, sizeof(why), "TTL %u, must be 1", e->ttl);
			else if (e->op <= HSRP_OP_RESIGN && e->l7_len != 20)
				snprintf(why, sizeof(why), "%u-byte message, must be 20", e->l7_len);
			else if (e->vip && e->src_ip == e->vip)
				snprintf(why, sizeof(why), "source is the virtual address %s", ipstr(e->vip, ip1));
			judge(w, 40, e, !why[0], why);
		} else {
			/* #50 HSRPv2 (Wireshark packet-hsrp.c): 224.0.0.102, Group State TLV first, ms timers */
			char why[160];
			why[0] = '\0';
			if (e->dst_ip != HSRP_V2_GROUP)
				snprintf(why, sizeof(why), "sent to %s, not 224.0.0.102", ipstr(e->dst_ip, ip1));
			else if (e->dport != HSRP_PORT)
				snprintf(why, sizeof(why), "UDP port %u, not 1985", e->dport);
			else if (!e->tlv_ok)
				snprintf(why, sizeof(why), "first TLV is not Group State type 1 length 40");
			else if (!e->hello_ms || !e->hold_ms)
				snprintf(why, sizeof(why), "zero Hello/Hold milliseconds");
			judge(w, 50, e, !why[0], why);
		}
		if (e->op > HSRP_OP_RESIGN)
			continue;   /* interface-state advertisement: not a group message */

		if (e->op == HSRP_OP_HELLO) {
			int st = e->fhrp_state, act = st == HSRP_ACTIVE;
			/* #41 Hold MUST be greater than the Hellotime */
			char why[120];
			snprintf(why, sizeof(why), "Hold %u ms not greater than Hello %u ms", e->hold_ms, e->hello_ms);
			judge(w, 41, e, e->hold_ms > e->hello_ms, why);
			/* #43 RFC 2281 §5.3: only Speak, Standby and Active send Hellos */
			snprintf(why, sizeof(why), "Hello in state %s", hsrp_state_name((enum hsrp_state)st));
			judge(w, 43, e, st == HSRP_SPEAK || st == HSRP_STANDBY || st == HSRP_ACTIVE, why);
			/* #44 RFC 2281 §6.1: the virtual MAC if and only if Active */
			if (!mac_zero(e->eth_src)) {
				int v = !memcmp(e->eth_src, vmac, 6);
				judge(w, 44, e, v == act, act ? "Active Hello not from the virtual MAC" :
				      "non-Active Hello from the virtual MAC");
			}
			/* #42 RFC 2281 §5.4: consecutive Hellos of one router in one state (a state
			 * change or a Coup/Resign sends at once) are Hello apart, jittered early */
			if (s->last_hello && s->state == st && s->last_hello->t_ns > last_coup_resign) {
				double gap = (e->t_ns - s->last_hello->t_ns) / NS;
				struct time_window gw = window_scale(hsrp_hello_gap_window(hello_s, 0), sc);
				if (gap <= hold_s * sc + tol) {   /* longer: the router was away */
					if (gap >= gw.lo_s - tol && gap <= gw.hi_s + tol) {
						ok(w, 42, e);
						if (!s->ngaps || gap < s->gmin)
							s->gmin = gap;
						if (!s->ngaps || gap > s->gmax)
							s->gmax = gap;
						s->ngaps++;
					} else {
						bad(w, 42, e, "%s: Hello gap %.3f s outside [%.3f, %.3f] s (Hello %g s, "
						    "jitter %g s, time x%g)", e->node, gap, gw.lo_s - tol, gw.hi_s + tol,
						    hello_s, hsrp_hello_jitter_max_s(hello_s), sc);
					}
				}
			}
			/* entering Active */
			if (act && s->state != HSRP_ACTIVE) {
				/* #45 RFC 2281 §5.6 action I: gratuitous ARP with the vMAC */
				const struct ev *g = find_garp(w, link, e->vip, vmac, e->t_ns, hello_s * sc + tol,
							       hello_s * sc + tol);
				judge(w, 45, e, g != NULL, "became Active without a gratuitous ARP for the VIP "
				      "from the virtual MAC");
				/* #46 event c: the previous Active went silent, the Standby's Active
				 * timer (Hold) ran out after its last Hello */
				const struct fh_sender *p = NULL;
				for (int k = 0; k < ns; k++)
					if (&snd[k] != s && snd[k].state == HSRP_ACTIVE && snd[k].last_hello)
						p = &snd[k];
				if (p && p->last->op == HSRP_OP_HELLO && s->state == HSRP_STANDBY &&
				    p->last_hello->t_ns > last_coup_resign) {
					double dt = (e->t_ns - p->last_hello->t_ns) / NS;
					double hh = p->last_hello->hold_ms > e->hold_ms ? p->last_hello->hold_ms / 1000.0 : hold_s;
					struct time_window tw = window_scale(hsrp_takeover_window(hello_s, hh, 0), sc);
					if (dt >= tw.lo_s - tol && dt <= tw.hi_s + tol)
						ok(w, 46, e);
					else
						bad(w, 46, e, "%s: Active %.3f s after %s's last Active Hello, window "
						    "[%.3f, %.3f] s (Hello %g s, Hold %g s, time x%g)", e->node, dt,
						    p->last_hello->node, tw.lo_s - tol, tw.hi_s + tol, hello_s, hh, sc);
				}
			}
			s->state = st;
			s->last_hello = e;
		} else if (e->op == HSRP_OP_COUP) {
			/* #47 RFC 2281 §5.7 event j: a Coup comes from a router that beats the Active
			 * (and has preempt); the Active answers with Resign (ABH) and the sender goes
			 * Active */
			const struct fh_sender *p = NULL;
			for (int k = 0; k < ns; k++)
				if (&snd[k] != s && snd[k].state == HSRP_ACTIVE && snd[k].last_hello)
					p = &snd[k];
			if (!p) {
				bad(w, 47, e, "%s: Coup with no Active router heard", e->node);
			} else if (!beats(e->value, e->src_ip, p->last_hello->value, p->ip)) {
				bad(w, 47, e, "%s: Coup with priority %d against Active %s priority %d", e->node,
				    e->value, p->last_hello->node, p->last_hello->value);
			} else if (cfg_preempt(w->o, e->node, 0, group) == 0) {
				bad(w, 47, e, "%s: Coup without preempt configured", e->node);
			} else {
				const struct ev *resign = NULL, *active = NULL;
				int64_t dl = e->t_ns + (int64_t)((hello_s * sc + tol) * NS);
				for (size_t k = i + 1; k < w->n && w->v[k]->t_ns <= dl; k++) {
					const struct ev *x = w->v[k];
					if (!same_stream(x, link, EV_HSRP, group))
						continue;
					if (!resign && x->src_ip == p->ip && x->op == HSRP_OP_RESIGN)
						resign = x;
					if (!active && x->src_ip == e->src_ip && x->op == HSRP_OP_HELLO &&
					    x->fhrp_state == HSRP_ACTIVE)
						active = x;
				}
				if (!resign)
					bad(w, 47, e, "%s: Coup, but the ousted Active %s sent no Resign within %.3f s",
					    e->node, p->last_hello->node, hello_s * sc + tol);
				else if (!active)
					bad(w, 47, e, "%s: Coup, but no Active Hello from it within %.3f s", e->node,
					    hello_s * sc + tol);
				else
					ok(w, 47, e);
			}
			last_coup_resign = e->t_ns;
		} else {
			/* #48 RFC 2281 §5.7 b/i: Resign comes from the Active; a Standby then goes
			 * Active at once (CFI) */
			judge(w, 48, e, s->state == HSRP_ACTIVE, "Resign from a router that was not Active");
			last_coup_resign = e->t_ns;
			s->state = e->fhrp_state;
		}
		s->last = e;

		/* #49 §5.3: one Active and one Standby; two at once longer than a Hello (the
		 * exchange of a Coup/Resign or a takeover) is a failure */
		int nact = 0, nstb = 0;
		for (int k = 0; k < ns; k++) {
			if (!snd[k].last_hello ||
			    (e->t_ns - snd[k].last_hello->t_ns) / NS > snd[k].last_hello->hold_ms / 1000.0 * sc + tol)
				continue;   /* silent longer than its Hold: gone */
			nact += snd[k].state == HSRP_ACTIVE;
			nstb += snd[k].state == HSRP_STANDBY;
		}
		double lim = hello_s * sc + tol;
		if (nact > 1) {
			if (!dual_act)
				dual_act = e->t_ns;
			else if ((e->t_ns - dual_act) / NS > lim && !dual_act_failed) {
				bad(w, 49, e, "two Active routers for %.3f s", (e->t_ns - dual_act) / NS);
				dual_act_failed = 1;
			}
		} else {
			dual_act = 0;
		}
		if (nstb > 1) {
			if (!dual_stb)
				dual_stb = e->t_ns;
			else if ((e->t_ns - dual_stb) / NS > lim && !dual_stb_failed) {
				bad(w, 49, e, "two Standby routers for %.3f s", (e->t_ns - dual_stb) / NS);
				dual_stb_failed = 1;
			}
		} else {
			dual_stb = 0;
		}
		if (nact <= 1 && nstb <= 1)
			ok(w, 49, e);
	}
	/* #42 "MUST be jittered": a router's judged gaps are not all the same */
	for (int k = 0; k < ns; k++)
		if (snd[k].ngaps >= 4 && snd[k].gmax - snd[k].gmin < 0.0005)
			bad(w, 42, snd[k].last_hello, "%s: %lu Hello gaps all %.4f s: not jittered",
			    snd[k].last_hello->node, snd[k].ngaps, snd[k].gmin);
	/* #49 §6.3: no ICMP redirect from a router of the group on this link */
	for (size_t i = 0; i < w->n; i++) {
		const struct ev *e = w->v[i];
		if (e->type != EV_ICMP || e->op != 5 || strcmp(e->link, link))
			continue;
		for (int k = 0; k < ns; k++)
			if (snd[k].ip == e->src_ip)
				bad(w, 49, e, "ICMP redirect from HSRP router %s (%s)", e->node, ipstr(e->src_ip, ip2));
	}
}

/* --- VRRP (51–59) ------------------------------------------------------------------- */

static double adv_s(const struct ev *e)
{
	return e->hello_ms / 1000.0;
}

static void vrrp_stream(const struct fh_walk *w, const char *link, unsigned vrid)
{
	struct fh_sender snd[FH_MAX_SENDERS];
	int ns = 0;
	double sc = w->o->scale, tol = w->o->tol_s;
	const struct ev *prio0 = NULL;      /* the last priority-0 advert not yet answered */
	int64_t dual = 0;
	int dual_failed = 0;
	uint8_t vmac[6];
	uint32_t vips[8];
	int nvips = 0;

	an_vrrp_vmac(vrid, vmac);
	for (size_t i = 0; i < w->n; i++) {
		const struct ev *e = w->v[i];
		if (!same_stream(e, link, EV_VRRP, vrid))
			continue;
		struct fh_sender *s = sender(snd, &ns, e->src_ip);
		if (!s)
			continue;
		double A = adv_s(e) * sc;
		char why[160];
		for (int k = 0; k < e->nvips && k < 4; k++) {
			int seen = 0;
			for (int j = 0; j < nvips; j++)
				seen |= vips[j] == e->vips[k];
			if (!seen && nvips < 8)
				vips[nvips++] = e->vips[k];
		}
		/* #51 RFC 3768 §5.2: IP destination 224.0.0.18, TTL 255 */
		why[0] = '\0';
		if (e->dst_ip != VRRP_GROUP_V4)
			snprintf(why, sizeof(why), "sent to %u.%u.%u.%u, not 224.0.0.18", e->dst_ip >> 24,
				 (e->dst_ip >> 16) & 255, (e->dst_ip >> 8) & 255, e->dst_ip & 255);
		else if (e->ttl != 255)
			snprintf(why, sizeof(why), "TTL %u, must be 255", e->ttl);
		judge(w, 51, e, !why[0], why);
		/* #52 RFC 3768 §5.3 / RFC 5798 §5.2.8 */
		why[0] = '\0';
		if (e->ver != 2 && e->ver != 3)
			snprintf(why, sizeof(why), "version %u", e->ver);
		else if (e->op != 1)
			snprintf(why, sizeof(why), "type %u, not 1 (ADVERTISEMENT)", e->op);
		else if (e->cksum_bad)
			snprintf(why, sizeof(why), "checksum does not verify%s", e->ver == 3 ? " (with the pseudo-header)" : "");
		judge(w, 52, e, !why[0], why);
		/* #53 RFC 3768 §7.2: the source MAC is the virtual router MAC */
		if (!mac_zero(e->eth_src))
			judge(w, 53, e, !memcmp(e->eth_src, vmac, 6), "advert not from 00-00-5E-00-01-VRID");

		if (e->value == 0) {
			/* #55 §6.4.3: priority 0 is the Master leaving */
			judge(w, 55, e, s->master, "priority 0 from a router that was not Master");
			s->master = 0;
			s->last = e;
			prio0 = e;
			continue;
		}
		/* the live Master other than s (advertised within its interval) */
		struct fh_sender *p = NULL;
		for (int k = 0; k < ns; k++)
			if (&snd[k] != s && snd[k].master && snd[k].last_hello &&
			    (e->t_ns - snd[k].last_hello->t_ns) / NS <= adv_s(snd[k].last_hello) * sc + tol)
				p = &snd[k];
		/* still the Master it was: a gap longer than Master_Down_Interval means it was
		 * away (or a Backup) meanwhile, and this advert starts a new mastership */
		double mdi_own = vrrp_master_down_s(e->ver, e->value, adv_s(e)) * sc;
		if (s->master && s->last_hello && (e->t_ns - s->last_hello->t_ns) / NS <= mdi_own + tol) {
			/* #53 §6.4.3: a Master advertises every AdverInt; a shorter gap is an answer
			 * to another router's advert */
			double gap = (e->t_ns - s->last_hello->t_ns) / NS;
			int answered = 0;
			for (size_t k = 0; k < i; k++) {
				const struct ev *x = w->v[k];
				answered |= same_stream(x, link, EV_VRRP, vrid) && x->src_ip != e->src_ip &&
					    x->t_ns > s->last_hello->t_ns;
			}
			if (gap >= A - tol && gap <= A + tol)
				ok(w, 53, e);
			else if (!(gap < A && answered))
				bad(w, 53, e, "%s: advert gap %.3f s, AdverInt %g s (time x%g) ± %.3f s", e->node,
				    gap, adv_s(e), sc, tol);
		} else {
			/* s becomes Master here */
			/* #56 §6.4.2: a gratuitous ARP per VIP from the vMAC */
			for (int k = 0; k < e->nvips && k < 4; k++) {
				const struct ev *g = find_garp(w, link, e->vips[k], vmac, e->t_ns, A + tol, A + tol);
				char ip[16];
				if (g)
					ok(w, 56, e);
				else
					bad(w, 56, e, "%s became Master without a gratuitous ARP for %s from the vMAC",
					    e->node, ipstr(e->vips[k], ip));
			}
			if (prio0 && prio0->src_ip != e->src_ip && (!p || p->last_hello->t_ns < prio0->t_ns)) {
				/* #55 §6.4.2: priority 0 received → Master_Down_Timer = Skew_Time */
				double dt = (e->t_ns - prio0->t_ns) / NS;
				double skew = vrrp_skew_s(e->ver, e->value, adv_s(prio0)) * sc;
				if (dt >= skew - tol && dt <= skew + tol)
					ok(w, 55, e);
				else
					bad(w, 55, e, "%s: Master %.3f s after priority 0 from %s, Skew_Time %.3f s ± %.3f s",
					    e->node, dt, prio0->node, skew, tol);
			} else if (p) {
				/* preemption while a Master advertises: #57, and #58 judged below */
				if (!beats(e->value, e->src_ip, p->last_hello->value, p->ip))
					bad(w, 57, e, "%s (priority %d) took over from live Master %s (priority %d)",
					    e->node, e->value, p->last_hello->node, p->last_hello->value);
				else if (e->value == 255)
					ok(w, 57, e);
				else if (cfg_preempt(w->o, e->node, 1, vrid) == 0)
					bad(w, 57, e, "%s preempted without Preempt_Mode", e->node);
				else
					ok(w, 57, e);
			} else {
				/* #54 §6.1: the Master went silent; Master_Down_Timer ran out after its last
				 * advert; v3 counts with the learned Master_Adver_Interval (#59) */
				const struct fh_sender *q = NULL;
				for (int k = 0; k < ns; k++)
					if (&snd[k] != s && snd[k].last_hello &&
					    (!q || snd[k].last_hello->t_ns > q->last_hello->t_ns))
						q = &snd[k];
				if (q && q->last == q->last_hello) {
					const struct ev *ql = q->last_hello;
					double dt = (e->t_ns - ql->t_ns) / NS;
					double mdi = vrrp_master_down_s(e->ver, e->value, adv_s(ql)) * sc;
					int pass = dt >= mdi - tol && dt <= mdi + tol;
					if (pass)
						ok(w, 54, e);
					else
						bad(w, 54, e, "%s: Master %.3f s after %s's last advert, "
						    "Master_Down_Interval %.3f s ± %.3f s (priority %d, AdverInt %g s, time x%g)",
						    e->node, dt, ql->node, mdi, tol, e->value, adv_s(ql), sc);
					if (e->ver == 3 && e->hello_ms != ql->hello_ms) {
						if (pass)
							ok(w, 59, e);
						else
							bad(w, 59, e, "%s: takeover not timed on the Master's AdverInt %g s "
							    "(own %g s)", e->node, adv_s(ql), adv_s(e));
					}
				}
			}
		}
		/* #58 §6.4.3: a live Master Q beaten by this advert sends nothing more; v2 with a
		 * mismatched AdverInt must instead discard it (§7.1, #59) and keep advertising */
		for (int k = 0; k < ns; k++) {
			struct fh_sender *q = &snd[k];
			if (q == s || !q->master || !q->last_hello || !beats(e->value, e->src_ip, q->last_hello->value, q->ip))
				continue;
			double qa = adv_s(q->last_hello) * sc;
			if ((e->t_ns - q->last_hello->t_ns) / NS > qa + tol)
				continue;
			const struct ev *next = NULL;
			for (size_t j = i + 1; j < w->n && !next; j++)
				if (same_stream(w->v[j], link, EV_VRRP, vrid) && w->v[j]->src_ip == q->ip)
					next = w->v[j];
			int64_t dl = e->t_ns + (int64_t)(tol * NS);
			int still = next && next->value != 0 && next->t_ns > dl && next->t_ns <= e->t_ns + (int64_t)((qa + tol) * NS);
			if (e->ver == 2 && e->hello_ms != q->last_hello->hello_ms) {
				if (still)
					ok(w, 59, e);
				else
					bad(w, 59, e, "%s stepped down on an advert with AdverInt %g s (its own %g s): "
					    "v2 must discard it", q->last_hello->node, adv_s(e), adv_s(q->last_hello));
				continue;
			}
			if (still)
				bad(w, 58, next, "%s kept advertising after %s (priority %d) beat it", next->node,
				    e->node, e->value);
			else
				ok(w, 58, e);
		}
		s->master = 1;
		s->last = s->last_hello = e;

		/* #53: one Master — two routers advertising longer than an interval fails */
		int nm = 0;
		for (int k = 0; k < ns; k++)
			nm += snd[k].master && snd[k].last_hello &&
			      (e->t_ns - snd[k].last_hello->t_ns) / NS <= adv_s(snd[k].last_hello) * sc + tol;
		if (nm > 1) {
			if (!dual)
				dual = e->t_ns;
			else if ((e->t_ns - dual) / NS > A + tol && !dual_failed) {
				bad(w, 53, e, "two Masters advertising for %.3f s", (e->t_ns - dual) / NS);
				dual_failed = 1;
			}
		} else {
			dual = 0;
		}
	}
	/* #56 §8.2 / §6.4.2: ARP replies for a VIP carry the vMAC; a Backup (its own MAC)
	 * never answers for it */
	for (size_t i = 0; i < w->n; i++) {
		const struct ev *a = w->v[i];
		if (a->type != EV_ARP || a->op != 2 || a->garp || strcmp(a->link, link))
			continue;
		int vip = 0;
		for (int j = 0; j < nvips; j++)
			vip |= vips[j] == a->vip;
		if (!vip)
			continue;
		char ip[16];
		if (!memcmp(a->eth_src, vmac, 6) && !memcmp(a->arp_sha, vmac, 6))
			ok(w, 56, a);
		else
			bad(w, 56, a, "ARP reply for VIP %s from %s's own MAC (a Backup, or a Master not using the vMAC)",
			    ipstr(a->vip, ip), a->node[0] ? a->node : "?");
	}
}

void an_fhrp_check(const struct ev_list *ev, const struct an_fhrp_opts *o, struct an_chk out[AN_FHRP_N])
{
	struct fh_walk w = { .o = o, .out = out };
	struct { char link[32]; enum ev_type type; unsigned group; } st[FH_MAX_STREAMS];
	int nst = 0, lost = 0;

	for (int i = 0; i < AN_FHRP_N; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].id = AN_FHRP_FIRST + i;
		out[i].title = fh_meta[i].title;
		out[i].rfc = fh_meta[i].rfc;
	}
	w.v = calloc(ev->n ? ev->n : 1, sizeof(*w.v));
	if (!w.v)
		return;
	for (size_t i = 0; i < ev->n; i++) {
		const struct ev *e = &ev->v[i];
		if (e->src != EV_SRC_CAPTURE ||
		    (e->type != EV_HSRP && e->type != EV_VRRP && e->type != EV_ARP && e->type != EV_ICMP))
			continue;
		w.v[w.n++] = e;
		if (e->type != EV_HSRP && e->type != EV_VRRP)
			continue;
		int k;
		for (k = 0; k < nst; k++)
			if (st[k].type == e->type && st[k].group == e->group && !strcmp(st[k].link, e->link))
				break;
		if (k == nst) {
			if (nst == FH_MAX_STREAMS) {
				lost++;
				continue;
			}
			snprintf(st[nst].link, sizeof(st[nst].link), "%s", e->link);
			st[nst].type = e->type;
			st[nst].group = e->group;
			nst++;
		}
	}
	qsort(w.v, w.n, sizeof(*w.v), cmp_ev);
	for (int k = 0; k < nst; k++) {
		if (st[k].type == EV_HSRP)
			hsrp_stream(&w, st[k].link, st[k].group);
		else
			vrrp_stream(&w, st[k].link, st[k].group);
	}
	free(w.v);
	/* what a capture cannot show, said where it matters */
	note(out, 48, "a Resign is judged by who sent it and what follows; the capture cannot show "
	     "that the router was administratively shut");
	note(out, 49, "ICMP redirects are looked for on the captured links only");
	note(out, 51, "only the sending side: what a receiver ignored (TTL != 255) is not in a capture");
	note(out, 55, "a silent Master cannot be told from a crash; judged: priority 0 only from a Master, "
	     "takeover after Skew_Time");
	note(out, 59, "judged only when advertisers of a group differ in AdverInt");
	if (lost)
		note(out, 40, "more HSRP/VRRP groups than followed; some not judged");
}
