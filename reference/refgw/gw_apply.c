/* gw_apply.c — the IOS configuration made real.
 *
 * To the kernel (kern/, this namespace): interfaces up or down as `shutdown` says, their
 * addresses, static routes resolved recursively as IOS does (cfg/ios_route_resolve: a
 * next hop reached through another static route is installed via the connected next
 * hop), and the crypto ACLs of every applied crypto map as steering selectors (packets
 * that match go to the TUN device). A Loopback the namespace has no link for gets its
 * address on `lo`. Interfaces of the configuration that do not exist in the namespace
 * (ATM1/0 of a document's router) are reported once and skipped.
 *
 * To the IKE engine (fsm/ike.h): ISAKMP policies in priority order (pre-shared key ones),
 * the `crypto isakmp key` table, and one connection per crypto map entry that sits on an
 * interface: its peers in order, transform sets, PFS, lifetimes and ACL lines.
 *
 * `configure` over the control socket edits the model the same way (interface
 * shutdown / no shutdown; DPD keepalive and invalid-spi-recovery lines) and re-applies
 * what changed.
 */
#include "gw.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdbool.h>
#include <string.h>

static const char *lnx_name(const struct ios_iface *ifc, char out[16])
{
	if (ifc->lnx[0])
		return ifc->lnx;
	if (ios_ifname_linux(ifc->name, out) < 0)
		return NULL;
	return out;
}

static int is_loopback(const struct ios_iface *ifc)
{
	return !strncasecmp(ifc->name, "loopback", 8);
}

/* The Linux link an IOS interface lives on, or NULL (not in this namespace). */
static const char *iface_link(struct gw *g, const struct ios_iface *ifc, char buf[16])
{
	const char *l = lnx_name(ifc, buf);

	if (l && g->kern->link_index(g->kern->k, l) >= 0)
		return l;
	if (is_loopback(ifc))
		return "lo";
	return NULL;
}

/* `ip route` lines into the main table (again after an interface comes back up: the kernel
 * flushed the routes through it, IOS re-installs them). */
void gw_apply_routes(struct gw *g)
{
	static struct ios_route_res res[IOS_MAX_ROUTES];
	bool up[IOS_MAX_IFACES];
	int i, n;

	for (i = 0; i < g->cfg->nifaces; i++) {
		char b[16];

		up[i] = !g->cfg->ifaces[i].shutdown && g->cfg->ifaces[i].naddrs > 0 &&
			iface_link(g, &g->cfg->ifaces[i], b) != NULL;
	}
	n = ios_route_resolve(g->cfg, up, res, IOS_MAX_ROUTES);
	for (i = 0; i < n; i++) {
		const struct ios_route *r = &g->cfg->routes[res[i].route];
		struct kern_route kr = { 0 };
		char buf[160], err[256], b[16];
		const char *l;

		kr.dst = r->dst.addr & r->dst.mask;
		kr.plen = (uint8_t)ios_mask_plen(r->dst.mask);
		kr.protocol = RTPROT_STATIC;
		kr.metric = r->distance;
		kr.realm = r->has_tag ? r->tag : 0;
		if (res[i].status != IOS_ROUTE_OK) {
			ios_route_res_str(g->cfg, &res[i], buf, sizeof(buf));
			gw_log(g, "%%IPRT-3-NOTINSTALLED: %s", buf);
			g->kern->route_del(g->kern->k, &kr, NULL, 0);
			continue;
		}
		l = iface_link(g, &g->cfg->ifaces[res[i].iface], b);
		if (!l)
			continue;
		kr.via = res[i].gateway;
		snprintf(kr.oif, sizeof(kr.oif), "%s", l);
		if (g->kern->route_add(g->kern->k, &kr, err, sizeof(err)) < 0)
			gw_log(g, "%%IPRT-3-ROUTE: %s:%d: ip route %s/%u: %s", g->cfg->fname, r->line, gw_ip(kr.dst),
			       kr.plen, err);
	}
}

static int apply_iface(struct gw *g, const struct ios_iface *ifc)
{
	char b[16], err[256];
	const char *l = iface_link(g, ifc, b);
	int a;

	if (!l) {
		gw_log(g, "%%LINK-4-NOTPRESENT: %s:%d: interface %s has no link in this namespace: not applied",
		       g->cfg->fname, ifc->line, ifc->name);
		return 0;
	}
	if (strcmp(l, "lo") && g->kern->link_set_up(g->kern->k, l, !ifc->shutdown, err, sizeof(err)) < 0)
		gw_log(g, "%%LINK-3-UPDOWN: interface %s (%s): %s", ifc->name, l, err);
	for (a = 0; a < ifc->naddrs; a++) {
		int plen = ios_mask_plen(ifc->addrs[a].mask);

		if (plen < 0)
			continue;
		if (g->kern->addr_add(g->kern->k, l, ifc->addrs[a].addr, (uint8_t)plen, err, sizeof(err)) < 0 &&
		    !strstr(err, "exists"))
			gw_log(g, "%%IP-3-ADDR: %s:%d: %s %s/%d: %s", g->cfg->fname, ifc->line, ifc->name,
			       gw_ip(ifc->addrs[a].addr), plen, err);
	}
	gw_log(g, "%%LINEPROTO-5-UPDOWN: Line protocol on Interface %s, changed state to %s", ifc->name,
	       ifc->shutdown ? "down" : "up");
	return 0;
}

static int apply_steering(struct gw *g, char *err, size_t errlen)
{
	static struct kern_steer s[GW_MAX_FLOWS];
	unsigned n = 0, c, k;

	for (c = 0; c < g->ike_cfg.nconns; c++)
		for (k = 0; k < g->ike_cfg.conns[c].nsel && n < GW_MAX_FLOWS; k++) {
			const struct ike_selector *sel = &g->ike_cfg.conns[c].sel[k];

			s[n++] = (struct kern_steer){ sel->src, sel->src_plen, sel->dst, sel->dst_plen, sel->proto };
		}
	if (!n)
		return g->kern->steer_clear(g->kern->k, err, errlen);
	return g->kern->steer_set(g->kern->k, GW_TUN_NAME, GW_FWMARK, GW_STEER_TABLE, s, n, err, errlen);
}

int gw_apply_config(struct gw *g, char *err, size_t errlen)
{
	char e2[256];
	int i;

	if (g->kern->sysctl(g->kern->k, "net/ipv4/ip_forward", "1", e2, sizeof(e2)) < 0)
		gw_log(g, "%%SYS-4-SYSCTL: ip_forward: %s", e2);
	g->kern->sysctl(g->kern->k, "net/ipv4/conf/all/send_redirects", "0", NULL, 0);
	for (i = 0; i < g->cfg->nifaces; i++)
		apply_iface(g, &g->cfg->ifaces[i]);
	gw_apply_routes(g);
	{
		size_t n = ios_cfg_unapplied_count(g->cfg), k;

		for (k = 0; k < n; k++) {
			struct ios_unapplied u;

			if (ios_cfg_unapplied(g->cfg, k, &u) == 0)
				gw_log(g, "%%PARSER-6-NOTAPPLIED: %s:%d: not applied: %s%s%s%s", g->cfg->fname, u.line,
				       u.text, u.ctx[0] ? " (" : "", u.ctx, u.ctx[0] ? ")" : "");
		}
	}
	(void)err;
	(void)errlen;
	return 0;
}

const char *gw_conn_ifname(const struct gw *g, unsigned conn)
{
	const struct ios_iface *ifc;

	if (conn >= g->ike_cfg.nconns)
		return "";
	ifc = ios_cfg_map_iface(g->cfg, g->ike_cfg.conns[conn].map, NULL);
	return ifc ? ifc->name : "";
}

/* `crypto map M redundancy NAME`: IKE and ESP use the virtual address of the HSRP or VRRP
 * group called NAME on that interface (`standby N name NAME` + `standby N ip A`, or
 * `vrrp N name NAME` + `vrrp N ip A`), from the configuration's model (cfg->fhrp). Which
 * router may use it when is gw_redund.c's business. Returns the group's index (-1: no
 * such group) and its primary virtual address in *vip (0: not configured, learned). */
static int redundancy_group(const struct gw *g, const struct ios_iface *ifc, uint32_t *vip)
{
	int iface = (int)(ifc - g->cfg->ifaces), i;

	*vip = 0;
	for (i = 0; i < g->cfg->nfhrp; i++) {
		const struct ios_fhrp *f = &g->cfg->fhrp[i];

		if (f->iface == iface && f->name[0] && !strcmp(f->name, ifc->redundancy)) {
			*vip = f->nvips ? f->vips[0] : 0;
			return i;
		}
	}
	return -1;
}

int gw_build_ike_cfg(struct gw *g, struct ike_cfg *out, char *err, size_t errlen)
{
	const struct ios_isakmp_policy *p = NULL;
	const struct ios_map_entry *m = NULL;
	int i;

	memset(out, 0, sizeof(*out));
	out->hostname[0] = '\0';        /* IOS debug lines carry no hostname prefix */
	out->natt = 1;
	out->invalid_spi_recovery = g->cfg->invalid_spi_recovery_line != 0;   /* crypto isakmp invalid-spi-recovery */
	out->retrans_base_ms = 1000;
	out->retrans_max = 5;
	while ((p = ios_cfg_policy_next(g->cfg, p))) {
		struct ike_policy *ip;

		if (p->ike.auth != IOS_AUTH_PSK) {
			gw_log(g, "%%CRYPTO-4-POLICY: %s:%d: crypto isakmp policy %u uses %s authentication: refgw "
			       "does pre-shared keys only, policy skipped", g->cfg->fname, p->line, p->prio,
			       p->ike.auth == IOS_AUTH_RSA_SIG ? "rsa-sig (the IOS default)" : "rsa-encr");
			continue;
		}
		if (out->npolicies == sizeof(out->policies) / sizeof(out->policies[0]))
			break;
		ip = &out->policies[out->npolicies++];
		ip->priority = p->prio;
		ip->enc = p->ike.enc;
		ip->key_bits = p->ike.key_bits;
		ip->hash = p->ike.hash;
		ip->auth = IKE_AUTH_PSK;
		ip->group = p->ike.group;
		ip->lifetime_s = p->ike.lifetime;
	}
	for (i = 0; i < g->cfg->nkeys && out->npsks < sizeof(out->psks) / sizeof(out->psks[0]); i++) {
		struct ike_psk *k = &out->psks[out->npsks++];

		k->addr = g->cfg->keys[i].peer.addr;
		k->mask = g->cfg->keys[i].peer.mask;
		snprintf(k->key, sizeof(k->key), "%s", g->cfg->keys[i].key);
	}
	while ((m = ios_cfg_map_next(g->cfg, NULL, m))) {
		const struct ios_iface *ifc = ios_cfg_map_iface(g->cfg, m->map, NULL);
		struct ios_flow fl[16];
		struct ike_conn *c;
		int nf, k;

		if (!ifc) {
			gw_log(g, "%%CRYPTO-4-MAP: %s:%d: crypto map %s %u is on no interface: not used", g->cfg->fname,
			       m->line, m->map, m->seq);
			continue;
		}
		if (!m->acl[0] || !m->npeers || !m->ntsets) {
			gw_log(g, "%%CRYPTO-4-INCOMPLETE: %s:%d: crypto map %s %u needs set peer, set transform-set "
			       "and match address: not used", g->cfg->fname, m->line, m->map, m->seq);
			continue;
		}
		if (out->nconns == sizeof(out->conns) / sizeof(out->conns[0]))
			break;
		nf = ios_acl_flows(g->cfg, m->acl, fl, 16, err, errlen);
		if (nf < 0)
			return -1;
		c = &out->conns[out->nconns];
		memset(c, 0, sizeof(*c));
		snprintf(c->map, sizeof(c->map), "%s", m->map);
		c->seq = m->seq;
		for (k = 0; k < m->npeers && c->npeers < 8; k++)
			c->peers[c->npeers++] = m->peers[k];
		for (k = 0; k < m->ntsets && c->ntsets < 6; k++) {
			struct ios_esp_params ep;
			struct ike_tset *t = &c->tsets[c->ntsets];

			if (ios_cfg_tset_esp(g->cfg, m->tsets[k], &ep) < 0)
				continue;
			snprintf(t->name, sizeof(t->name), "%s", m->tsets[k]);
			t->enc = ep.enc;
			t->key_bits = ep.key_bits;
			t->auth = ep.auth;
			c->ntsets++;
		}
		c->pfs_group = m->pfs_group;
		for (k = 0; k < nf && c->nsel < 16; k++) {
			struct ike_selector *s;

			if (!fl[k].permit)
				continue;
			s = &c->sel[c->nsel++];
			s->src = fl[k].src;
			s->src_plen = (uint8_t)fl[k].src_plen;
			s->dst = fl[k].dst;
			s->dst_plen = (uint8_t)fl[k].dst_plen;
			s->proto = fl[k].proto;
		}
		c->lifetime_s = m->sa_lifetime_s ? m->sa_lifetime_s : g->cfg->sa_lifetime_s;
		c->lifetime_kb = m->sa_lifetime_kb ? m->sa_lifetime_kb : g->cfg->sa_lifetime_kb;
		c->local_addr = ifc->naddrs ? ifc->addrs[0].addr : 0;
		if (ifc->redundancy[0]) {
			uint32_t vip;
			int grp = redundancy_group(g, ifc, &vip);

			if (vip) {
				c->local_addr = vip;
				gw_log(g, "%%CRYPTO-6-REDUNDANCY: crypto map %s redundancy %s: IKE and ESP use the "
				       "virtual address %s of %s group %u on %s", m->map, ifc->redundancy, gw_ip(vip),
				       g->cfg->fhrp[grp].proto == IOS_FHRP_HSRP ? "standby" : "vrrp", g->cfg->fhrp[grp].group,
				       ifc->name);
			} else if (grp >= 0) {
				gw_log(g, "%%CRYPTO-4-REDUNDANCY: %s:%d: crypto map %s redundancy %s: group %u on %s has no "
				       "configured virtual address (expected '%s %u ip A'): using %s", g->cfg->fname,
				       g->cfg->fhrp[grp].line, m->map, ifc->redundancy, g->cfg->fhrp[grp].group, ifc->name,
				       g->cfg->fhrp[grp].proto == IOS_FHRP_HSRP ? "standby" : "vrrp", g->cfg->fhrp[grp].group,
				       gw_ip(c->local_addr));
			} else {
				gw_log(g, "%%CRYPTO-4-REDUNDANCY: %s:%d: crypto map %s redundancy %s: no group named %s on "
				       "%s (expected 'standby N name %s' or 'vrrp N name %s'): using %s", g->cfg->fname,
				       ifc->map_line, m->map, ifc->redundancy, ifc->redundancy, ifc->name, ifc->redundancy,
				       ifc->redundancy, gw_ip(c->local_addr));
			}
		}
		out->nconns++;
	}
	return 0;
}

/* The steering is derived from ike_cfg, so it is applied once that exists. */
int gw_apply_steering(struct gw *g, char *err, size_t errlen)
{
	return apply_steering(g, err, errlen);
}

static int starts_word(const char *s, const char *w)
{
	size_t n = strlen(w);

	return !strncasecmp(s, w, n) && (s[n] == ' ' || s[n] == '\t' || s[n] == '\0');
}

/* configure: [no] crypto isakmp keepalive … / [no] ike dpd … / [no] crypto isakmp
 * invalid-spi-recovery — parsed by the configuration's own parser into the model (so
 * `show running-config` shows it). New keepalive settings apply to ISAKMP SAs
 * established from now on (seed 000); the SAs up now keep theirs: they are recorded
 * first (gw_dpd_sync). invalid-spi-recovery goes to the IKE engine at once. */
static int configure_global(struct gw *g, const char *s, int lineno, FILE *out)
{
	struct ios_keepalive ka = g->cfg->keepalive;
	int isr = g->cfg->invalid_spi_recovery_line != 0;
	char err[512], b1[64], b2[64];
	struct dpd_cfg before, after;

	gw_dpd_settings(g, &before);
	gw_dpd_sync(g);
	if (ios_cfg_apply_global_line(g->cfg, s, "configure", lineno, err, sizeof(err)) < 0) {
		fprintf(out, "%s\n", err);
		return -1;
	}
	gw_log(g, "%%SYS-5-CONFIG_I: Configured from console by refgwctl: %s", s);
	gw_dpd_settings(g, &after);
	if (memcmp(&ka, &g->cfg->keepalive, sizeof(ka))) {
		gw_log(g, "ISAKMP: DPD: %s -> %s: ISAKMP SAs established from now on; the established ones keep "
		       "their settings", dpd_cfg_describe(&before, b1, sizeof(b1)),
		       dpd_cfg_describe(&after, b2, sizeof(b2)));
		gw_dpd_reschedule(g);
	}
	if (isr != (g->cfg->invalid_spi_recovery_line != 0)) {
		struct ike_cfg nc = g->ike_cfg;

		nc.invalid_spi_recovery = !isr;
		if (ike_reconfigure(g->ike, &nc) == 0)
			g->ike_cfg = nc;
		gw_ike_schedule(g);
	}
	return 0;
}

/* configure: interface X / shutdown / no shutdown / exit / end, and the global lines of
 * configure_global */
int gw_configure(struct gw *g, const char *lines, FILE *out)
{
	struct ios_iface *cur = NULL;
	char line[512];
	const char *p = lines;
	int lineno = 0, changed = 0;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *s = line, *e;

		snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) ? n : sizeof(line) - 1), p);
		p = nl ? nl + 1 : p + n;
		lineno++;
		while (*s == ' ' || *s == '\t')
			s++;
		e = s + strlen(s);
		while (e > s && (e[-1] == ' ' || e[-1] == '\r' || e[-1] == '\t'))
			*--e = '\0';
		if (!*s || *s == '!' || !strcmp(s, "configure terminal") || !strcmp(s, "end"))
			continue;
		if (!strncmp(s, "interface ", 10)) {
			int idx = ios_cfg_iface_index(g->cfg, s + 10);

			if (idx < 0) {
				fprintf(out, "configure:%d: %% no interface '%s' in %s's configuration\n", lineno, s + 10,
					g->hostname);
				return -1;
			}
			cur = &g->cfg->ifaces[idx];
			continue;
		}
		if (!strcmp(s, "exit")) {
			cur = NULL;
			continue;
		}
		if (cur && (!strcmp(s, "shutdown") || !strcmp(s, "no shutdown"))) {
			bool down = s[0] == 's';

			if (cur->shutdown != down) {
				cur->shutdown = down;
				gw_log(g, "%%SYS-5-CONFIG_I: Configured from console by refgwctl: interface %s, %s",
				       cur->name, s);
				if (down)
					gw_log(g, "%%LINK-5-CHANGED: Interface %s, changed state to administratively down",
					       cur->name);
				apply_iface(g, cur);
				changed = 1;
			}
			continue;
		}
		{
			const char *w = starts_word(s, "no") ? s + 2 : s;

			while (*w == ' ' || *w == '\t')
				w++;
			if (starts_word(w, "crypto") || starts_word(w, "ike")) {
				cur = NULL;             /* a global command leaves the interface */
				if (configure_global(g, s, lineno, out) < 0)
					return -1;
				continue;
			}
		}
		fprintf(out, "configure:%d: %% Invalid input detected: '%s' (refgw configures: interface NAME, "
			"shutdown, no shutdown, exit, end; [no] crypto isakmp keepalive …, [no] ike dpd …, "
			"[no] crypto isakmp invalid-spi-recovery)\n", lineno, s);
		return -1;
	}
	if (changed)
		gw_apply_routes(g);
	return 0;
}
