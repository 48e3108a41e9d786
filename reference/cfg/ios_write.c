/* ios_write.c — `show running-config`: the model written back as IOS text, items in the
 * order of the lines they came from, defaults left out as IOS leaves them out, and every
 * kept (not applied) line inside the block it came from. Reading the output again gives
 * the same model (check_ios_cfg tests that).
 */
#include "ios_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum item_kind { IT_HOSTNAME, IT_KEEPALIVE, IT_ISR, IT_SALIFE, IT_POLICY, IT_KEY, IT_TSET, IT_MAP,
		 IT_IFACE, IT_ROUTE, IT_ACL, IT_KEPT, IT_FHRPVER, IT_TRACK, IT_OSPF, IT_RMAP };

struct item { int line, kind, idx; };

static int item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void kept_children(const struct ios_cfg *c, FILE *fp, enum ios_owner kind, int idx)
{
	int i;

	for (i = 0; i < c->nkept; i++)
		if (c->kept[i].owner_kind == kind && c->kept[i].owner == idx)
			fprintf(fp, " %s\n", c->pool + c->kept[i].text);
}

static bool has_children(const struct ios_cfg *c, int idx)
{
	int i;

	for (i = 0; i < c->nkept; i++)
		if (c->kept[i].owner_kind == IOS_OWN_KEPT && c->kept[i].owner == idx)
			return true;
	return false;
}

static void w_addr(FILE *fp, uint32_t a, uint32_t w)
{
	char b1[16], b2[16];

	if (w == 0xffffffffu)
		fprintf(fp, " any");
	else if (w == 0)
		fprintf(fp, " host %s", ios_ip_str(a, b1));
	else
		fprintf(fp, " %s %s", ios_ip_str(a, b1), ios_ip_str(w, b2));
}

static void w_ports(FILE *fp, const struct ios_ports *pr)
{
	static const char *const ops[] = { "", "eq", "neq", "lt", "gt", "range" };

	if (pr->op == IOS_PORT_ANY)
		return;
	fprintf(fp, " %s %u", ops[pr->op], pr->lo);
	if (pr->op == IOS_PORT_RANGE)
		fprintf(fp, " %u", pr->hi);
}

static void w_ace(FILE *fp, const struct ios_acl *l, const struct ios_ace *a)
{
	fprintf(fp, "%s", a->permit ? "permit" : "deny");
	if (l->extended) {
		const char *pn = ios_proto_name(a->proto);

		if (pn)
			fprintf(fp, " %s", pn);
		else
			fprintf(fp, " %d", a->proto);
		w_addr(fp, a->src, a->src_wild);
		w_ports(fp, &a->sport);
		w_addr(fp, a->dst, a->dst_wild);
		w_ports(fp, &a->dport);
		if (a->icmp_type >= 0)
			fprintf(fp, " %d", a->icmp_type);
		if (a->icmp_code >= 0)
			fprintf(fp, " %d", a->icmp_code);
		if (a->established)
			fprintf(fp, " established");
		if (a->fragments)
			fprintf(fp, " fragments");
	} else {
		w_addr(fp, a->src, a->src_wild);
	}
	if (a->log)
		fprintf(fp, " log");
	fprintf(fp, "\n");
}

static void w_acl(const struct ios_cfg *c, FILE *fp, int idx)
{
	const struct ios_acl *l = &c->acls[idx];
	const struct ios_ace *a = NULL;

	if (l->numbered) {
		while ((a = ios_cfg_ace_next(c, l, a)) != NULL) {
			fprintf(fp, "access-list %s ", l->name);
			w_ace(fp, l, a);
		}
		return;
	}
	fprintf(fp, "ip access-list %s %s\n", l->extended ? "extended" : "standard", l->name);
	while ((a = ios_cfg_ace_next(c, l, a)) != NULL) {
		fprintf(fp, " ");
		w_ace(fp, l, a);
	}
	kept_children(c, fp, IOS_OWN_ACL, idx);
	fprintf(fp, "!\n");
}

static void w_policy(const struct ios_cfg *c, FILE *fp, int idx)
{
	const struct ios_isakmp_policy *pol = &c->policies[idx];
	const struct ios_ike_params *k = &pol->ike;

	fprintf(fp, "crypto isakmp policy %u\n", pol->prio);
	if (k->enc == IKE_ENC_3DES)
		fprintf(fp, " encr 3des\n");
	else if (k->enc == IKE_ENC_AES_CBC && k->key_bits == 128)
		fprintf(fp, " encr aes\n");
	else if (k->enc == IKE_ENC_AES_CBC)
		fprintf(fp, " encr aes %u\n", k->key_bits);
	if (k->hash == IKE_HASH_MD5)
		fprintf(fp, " hash md5\n");
	else if (k->hash == IKE_HASH_SHA256)
		fprintf(fp, " hash sha256\n");
	if (k->auth == IOS_AUTH_PSK)
		fprintf(fp, " authentication pre-share\n");
	else if (k->auth == IOS_AUTH_RSA_ENCR)
		fprintf(fp, " authentication rsa-encr\n");
	if (k->group != 1)
		fprintf(fp, " group %u\n", k->group);
	if (k->lifetime != 86400)
		fprintf(fp, " lifetime %u\n", (unsigned)k->lifetime);
	kept_children(c, fp, IOS_OWN_POLICY, idx);
}

static void w_tset(const struct ios_cfg *c, FILE *fp, int idx)
{
	const struct ios_tset *t = &c->tsets[idx];

	fprintf(fp, "crypto ipsec transform-set %s", t->name);
	switch (t->esp.enc) {
	case ESP_ENC_DES:     fprintf(fp, " esp-des"); break;
	case ESP_ENC_3DES:    fprintf(fp, " esp-3des"); break;
	case ESP_ENC_AES_CBC:
		fprintf(fp, " esp-aes");
		if (t->esp.key_bits != 128)
			fprintf(fp, " %u", t->esp.key_bits);
		break;
	case ESP_ENC_NULL:
		if (t->esp.auth == ESP_AUTH_NONE)
			fprintf(fp, " esp-null");
		break;
	}
	if (t->esp.auth == ESP_AUTH_HMAC_MD5)
		fprintf(fp, " esp-md5-hmac");
	else if (t->esp.auth == ESP_AUTH_HMAC_SHA1)
		fprintf(fp, " esp-sha-hmac");
	else if (t->esp.auth == ESP_AUTH_HMAC_SHA256)
		fprintf(fp, " esp-sha256-hmac");
	fprintf(fp, "\n");
	if (t->esp.mode == IPSEC_ENCAP_TRANSPORT)
		fprintf(fp, " mode transport\n");
	kept_children(c, fp, IOS_OWN_TSET, idx);
}

static void w_map(const struct ios_cfg *c, FILE *fp, int idx)
{
	const struct ios_map_entry *e = &c->entries[idx];
	char b[16];
	int k;

	fprintf(fp, "crypto map %s %u ipsec-isakmp\n", e->map, e->seq);
	if (e->description[0])
		fprintf(fp, " description %s\n", e->description);
	for (k = 0; k < e->npeers; k++)
		fprintf(fp, " set peer %s\n", ios_ip_str(e->peers[k], b));
	if (e->ntsets) {
		fprintf(fp, " set transform-set");
		for (k = 0; k < e->ntsets; k++)
			fprintf(fp, " %s", e->tsets[k]);
		fprintf(fp, "\n");
	}
	if (e->pfs_group)
		fprintf(fp, " set pfs group%u\n", e->pfs_group);
	if (e->sa_lifetime_s)
		fprintf(fp, " set security-association lifetime seconds %u\n", (unsigned)e->sa_lifetime_s);
	if (e->sa_lifetime_kb)
		fprintf(fp, " set security-association lifetime kilobytes %u\n", (unsigned)e->sa_lifetime_kb);
	if (e->acl[0])
		fprintf(fp, " match address %s\n", e->acl);
	if (e->rri == IOS_RRI_DYNAMIC)
		fprintf(fp, " reverse-route\n");
	else if (e->rri == IOS_RRI_STATIC)
		fprintf(fp, " reverse-route static\n");
	else if (e->rri == IOS_RRI_REMOTE_PEER) {
		fprintf(fp, " reverse-route remote-peer");
		if (e->rri_remote_peer)
			fprintf(fp, " %s", ios_ip_str(e->rri_remote_peer, b));
		fprintf(fp, "%s\n", e->rri_gateway ? " gateway" : "");
	}
	if (e->has_rri_tag)
		fprintf(fp, " set reverse-route tag %u\n", (unsigned)e->rri_tag);
	kept_children(c, fp, IOS_OWN_MAP, idx);
}

/* `[H]` or `msec H` of a time in milliseconds (whole seconds are written as seconds) */
static void w_time(FILE *fp, unsigned ms)
{
	if (ms % 1000 == 0)
		fprintf(fp, " %u", ms / 1000);
	else
		fprintf(fp, " msec %u", ms);
}

static void w_track(FILE *fp, const char *pfx, const struct ios_fhrp_track *t)
{
	if (t->object) {
		fprintf(fp, "%s track %u", pfx, t->object);
		if (t->decrement != 10)
			fprintf(fp, " decrement %u", t->decrement);
	} else {
		fprintf(fp, "%s track %s", pfx, t->ifname);
		if (t->decrement != 10)
			fprintf(fp, " %u", t->decrement);
	}
	fprintf(fp, "\n");
}

static void w_hsrp(FILE *fp, const struct ios_fhrp *g)
{
	char pfx[32], b[16];
	bool any = false;
	int k;

	if (g->group)
		snprintf(pfx, sizeof(pfx), " standby %u", g->group);
	else
		snprintf(pfx, sizeof(pfx), " standby");
	if (g->nvips == 0 && g->vip_line) {
		fprintf(fp, "%s ip\n", pfx);
		any = true;
	}
	for (k = 0; k < g->nvips; k++, any = true)
		fprintf(fp, "%s ip %s%s\n", pfx, ios_ip_str(g->vips[k], b), k ? " secondary" : "");
	if (g->hello_ms) {
		fprintf(fp, "%s timers", pfx);
		w_time(fp, g->hello_ms);
		w_time(fp, g->hold_ms);
		fprintf(fp, "\n");
		any = true;
	}
	if (g->priority != 100 || !(any || g->preempt || g->auth_text[0] || g->auth_md5 || g->name[0] ||
				    g->ntracks))
		fprintf(fp, "%s priority %u\n", pfx, g->priority);   /* a group always shows */
	if (g->preempt) {
		fprintf(fp, "%s preempt", pfx);
		if (g->preempt_delay_s || g->preempt_reload_s || g->preempt_sync_s) {
			fprintf(fp, " delay");
			if (g->preempt_delay_s)
				fprintf(fp, " minimum %u", g->preempt_delay_s);
			if (g->preempt_reload_s)
				fprintf(fp, " reload %u", g->preempt_reload_s);
			if (g->preempt_sync_s)
				fprintf(fp, " sync %u", g->preempt_sync_s);
		}
		fprintf(fp, "\n");
	}
	if (g->auth_md5)
		fprintf(fp, "%s authentication md5 key-string %s\n", pfx, g->md5_key);
	else if (g->auth_text[0])
		fprintf(fp, "%s authentication text %s\n", pfx, g->auth_text);
	if (g->name[0])
		fprintf(fp, "%s name %s\n", pfx, g->name);
	for (k = 0; k < g->ntracks; k++)
		w_track(fp, pfx, &g->tracks[k]);
}

static void w_vrrp(FILE *fp, const struct ios_fhrp *g)
{
	char pfx[32], b[16];
	bool any = false;
	int k;

	snprintf(pfx, sizeof(pfx), " vrrp %u", g->group);
	if (g->description[0]) {
		fprintf(fp, "%s description %s\n", pfx, g->description);
		any = true;
	}
	for (k = 0; k < g->nvips; k++, any = true)
		fprintf(fp, "%s ip %s%s\n", pfx, ios_ip_str(g->vips[k], b), k ? " secondary" : "");
	if (g->adver_ms != 1000) {
		fprintf(fp, "%s timers advertise", pfx);
		w_time(fp, g->adver_ms);
		fprintf(fp, "\n");
		any = true;
	}
	/* the owner's 255 comes from its address (RFC 3768 §5.3.4), not from a line */
	if (g->priority != 255 && (g->priority != 100 || !(any || !g->preempt || g->preempt_delay_s ||
							   g->auth_text[0] || g->name[0] || g->ntracks ||
							   g->shutdown)))
		fprintf(fp, "%s priority %u\n", pfx, g->priority);   /* a group always shows */
	if (!g->preempt)
		fprintf(fp, " no vrrp %u preempt\n", g->group);
	else if (g->preempt_delay_s)
		fprintf(fp, "%s preempt delay minimum %u\n", pfx, g->preempt_delay_s);
	if (g->auth_text[0])
		fprintf(fp, "%s authentication text %s\n", pfx, g->auth_text);
	if (g->name[0])
		fprintf(fp, "%s name %s\n", pfx, g->name);
	for (k = 0; k < g->ntracks; k++)
		w_track(fp, pfx, &g->tracks[k]);
	if (g->shutdown)
		fprintf(fp, "%s shutdown\n", pfx);
}

static void w_fhrp(const struct ios_cfg *c, FILE *fp, int idx)
{
	const struct ios_iface *f = &c->ifaces[idx];
	const struct ios_fhrp *g = NULL;

	if (f->hsrp_version == 2)
		fprintf(fp, " standby version 2\n");
	if (f->vrrp_version_line)
		fprintf(fp, " vrrp version %u\n", f->vrrp_version);
	while ((g = ios_cfg_fhrp_next(c, idx, g)) != NULL) {
		if (g->proto == IOS_FHRP_HSRP)
			w_hsrp(fp, g);
		else
			w_vrrp(fp, g);
	}
}

static void w_redist(FILE *fp, const char *what, const struct ios_redist *r)
{
	if (!r->on)
		return;
	fprintf(fp, " redistribute %s", what);
	if (r->metric != 20)
		fprintf(fp, " metric %u", (unsigned)r->metric);
	if (r->metric_type != 2)
		fprintf(fp, " metric-type %u", r->metric_type);
	if (r->subnets)
		fprintf(fp, " subnets");
	if (r->has_tag)
		fprintf(fp, " tag %u", (unsigned)r->tag);
	if (r->route_map[0])
		fprintf(fp, " route-map %s", r->route_map);
	fprintf(fp, "\n");
}

static void w_ospf(const struct ios_cfg *c, FILE *fp)
{
	const struct ios_ospf *o = &c->ospf;
	char b1[16], b2[16];
	int k;

	fprintf(fp, "router ospf %u\n", o->pid);
	if (o->router_id)
		fprintf(fp, " router-id %s\n", ios_ip_str(o->router_id, b1));
	if (o->log_adjacency)
		fprintf(fp, " log-adjacency-changes%s\n", o->log_adjacency_detail ? " detail" : "");
	w_redist(fp, "connected", &o->redist_connected);
	w_redist(fp, "static", &o->redist_static);
	if (o->passive_default)
		fprintf(fp, " passive-interface default\n");
	for (k = 0; k < o->npassive; k++)
		fprintf(fp, " %spassive-interface %s\n", o->passive_default ? "no " : "", o->passive[k]);
	for (k = 0; k < o->nnets; k++)
		fprintf(fp, " network %s %s area %u\n", ios_ip_str(o->nets[k].addr, b1),
			ios_ip_str(o->nets[k].wild, b2), (unsigned)o->nets[k].area);
	if (o->default_originate) {
		fprintf(fp, " default-information originate%s", o->default_always ? " always" : "");
		if (o->default_metric != 1)
			fprintf(fp, " metric %u", (unsigned)o->default_metric);
		if (o->default_metric_type != 2)
			fprintf(fp, " metric-type %u", o->default_metric_type);
		fprintf(fp, "\n");
	}
	kept_children(c, fp, IOS_OWN_OSPF, 0);
}

static void w_rmap(const struct ios_cfg *c, FILE *fp, int idx)
{
	const struct ios_rmap_entry *e = &c->rmap[idx];
	int k;

	fprintf(fp, "route-map %s %s %u\n", e->name, e->permit ? "permit" : "deny", e->seq);
	if (e->ntags) {
		fprintf(fp, " match tag");
		for (k = 0; k < e->ntags; k++)
			fprintf(fp, " %u", (unsigned)e->tags[k]);
		fprintf(fp, "\n");
	}
	kept_children(c, fp, IOS_OWN_RMAP, idx);   /* other match/set lines */
	if (e->has_set_metric)
		fprintf(fp, " set metric %u\n", (unsigned)e->set_metric);
	if (e->set_metric_type)
		fprintf(fp, " set metric-type type-%u\n", e->set_metric_type);
	if (e->has_set_tag)
		fprintf(fp, " set tag %u\n", (unsigned)e->set_tag);
}

static void w_iface(const struct ios_cfg *c, FILE *fp, int idx)
{
	const struct ios_iface *f = &c->ifaces[idx];
	char b1[16], b2[16];
	int k;

	fprintf(fp, "interface %s\n", f->name);
	if (f->description[0])
		fprintf(fp, " description %s\n", f->description);
	if (f->naddrs == 0)
		fprintf(fp, " no ip address\n");
	for (k = 0; k < f->naddrs; k++)
		fprintf(fp, " ip address %s %s%s\n", ios_ip_str(f->addrs[k].addr, b1),
			ios_ip_str(f->addrs[k].mask, b2), k ? " secondary" : "");
	if (f->shutdown)
		fprintf(fp, " shutdown\n");
	kept_children(c, fp, IOS_OWN_IFACE, idx);
	w_fhrp(c, fp, idx);
	if (f->crypto_map[0]) {
		fprintf(fp, " crypto map %s", f->crypto_map);
		if (f->redundancy[0])
			fprintf(fp, " redundancy %s", f->redundancy);
		if (f->stateful[0])
			fprintf(fp, " stateful %s", f->stateful);
		fprintf(fp, "\n");
	}
}

static void w_route(const struct ios_cfg *c, FILE *fp, int idx)
{
	const struct ios_route *r = &c->routes[idx];
	char b1[16], b2[16];

	fprintf(fp, "ip route %s %s", ios_ip_str(r->dst.addr, b1), ios_ip_str(r->dst.mask, b2));
	if (r->ifname[0])
		fprintf(fp, " %s", r->ifname);
	if (r->nexthop)
		fprintf(fp, " %s", ios_ip_str(r->nexthop, b1));
	if (r->distance != 1)
		fprintf(fp, " %u", r->distance);
	if (r->has_tag)
		fprintf(fp, " tag %u", (unsigned)r->tag);
	if (r->name[0])
		fprintf(fp, " name %s", r->name);
	fprintf(fp, "%s\n", r->permanent ? " permanent" : "");
}

static void w_item(const struct ios_cfg *c, FILE *fp, const struct item *it, enum ios_owner prev_block)
{
	char b1[16], b2[16], delim[3];

	switch (it->kind) {
	case IT_HOSTNAME:
		fprintf(fp, "hostname %s\n", c->hostname);
		break;
	case IT_KEEPALIVE:
		if (c->keepalive.comware) {
			fprintf(fp, "ike dpd interval %u", c->keepalive.interval);
			if (c->keepalive.retry != 5)
				fprintf(fp, " retry %u", c->keepalive.retry);
			fprintf(fp, " %s\n", c->keepalive.mode == IOS_DPD_PERIODIC ? "periodic" : "on-demand");
			break;
		}
		fprintf(fp, "crypto isakmp keepalive %u", c->keepalive.interval);
		if (c->keepalive.retry != 2)
			fprintf(fp, " %u", c->keepalive.retry);
		fprintf(fp, "%s\n", c->keepalive.mode == IOS_DPD_PERIODIC ? " periodic" : "");
		break;
	case IT_ISR:
		fprintf(fp, "crypto isakmp invalid-spi-recovery\n");
		break;
	case IT_SALIFE:
		if (c->sa_lifetime_s != 3600)
			fprintf(fp, "crypto ipsec security-association lifetime seconds %u\n",
				(unsigned)c->sa_lifetime_s);
		if (c->sa_lifetime_kb != 4608000)
			fprintf(fp, "crypto ipsec security-association lifetime kilobytes %u\n",
				(unsigned)c->sa_lifetime_kb);
		break;
	case IT_KEY: {
		const struct ios_isakmp_key *k = &c->keys[it->idx];

		fprintf(fp, "crypto isakmp key %s address %s", k->key, ios_ip_str(k->peer.addr, b1));
		if (k->peer.mask != 0xffffffffu)
			fprintf(fp, " %s", ios_ip_str(k->peer.mask, b2));
		fprintf(fp, "%s\n", k->no_xauth ? " no-xauth" : "");
		break;
	}
	case IT_POLICY: w_policy(c, fp, it->idx); fprintf(fp, "!\n"); break;
	case IT_TSET:   w_tset(c, fp, it->idx); fprintf(fp, "!\n"); break;
	case IT_MAP:    w_map(c, fp, it->idx); fprintf(fp, "!\n"); break;
	case IT_IFACE:  w_iface(c, fp, it->idx); fprintf(fp, "!\n"); break;
	case IT_ROUTE:  w_route(c, fp, it->idx); break;
	case IT_ACL:    w_acl(c, fp, it->idx); break;
	case IT_FHRPVER: fprintf(fp, "fhrp version vrrp v3\n"); break;
	case IT_TRACK:
		fprintf(fp, "track %u interface %s line-protocol\n", c->obj_tracks[it->idx].object,
			c->obj_tracks[it->idx].ifname);
		kept_children(c, fp, IOS_OWN_TRACK, it->idx);
		fprintf(fp, "!\n");
		break;
	case IT_OSPF:   w_ospf(c, fp); fprintf(fp, "!\n"); break;
	case IT_RMAP:   w_rmap(c, fp, it->idx); fprintf(fp, "!\n"); break;
	case IT_KEPT: {
		const char *t = c->pool + c->kept[it->idx].text;

		if (prev_block != IOS_OWN_NONE && ios_would_stay(prev_block, t))
			fprintf(fp, "exit\n");   /* a global line the block would otherwise take */

		fprintf(fp, "%s\n", t);
		if (ios_banner_open(t, delim)) {   /* the banner text is not kept: close it */
			fprintf(fp, "%s\n", delim);
			break;
		}
		if (c->kept[it->idx].block || has_children(c, it->idx)) {
			kept_children(c, fp, IOS_OWN_KEPT, it->idx);
			fprintf(fp, "!\n");
		}
		break;
	}
	}
}

void ios_cfg_write(const struct ios_cfg *c, FILE *fp)
{
	size_t cap = 3 + (size_t)c->npolicies + (size_t)c->nkeys + (size_t)c->ntsets +
		     (size_t)c->nentries + (size_t)c->nifaces + (size_t)c->nroutes + (size_t)c->nacls +
		     (size_t)c->nkept + (size_t)c->nobj_tracks + (size_t)c->nrmap + 2, n = 0, i;
	struct item *it = calloc(cap, sizeof(*it));
	int k;

	if (!it)
		return;
#define ADD(l, kd, ix) do { it[n].line = (l); it[n].kind = (kd); it[n].idx = (ix); n++; } while (0)
	if (c->hostname[0])
		ADD(c->hostname_line, IT_HOSTNAME, 0);
	if (c->keepalive.enabled)
		ADD(c->keepalive.line, IT_KEEPALIVE, 0);
	if (c->invalid_spi_recovery_line)
		ADD(c->invalid_spi_recovery_line, IT_ISR, 0);
	if (c->sa_lifetime_line)
		ADD(c->sa_lifetime_line, IT_SALIFE, 0);
	for (k = 0; k < c->npolicies; k++)
		ADD(c->policies[k].line, IT_POLICY, k);
	for (k = 0; k < c->nkeys; k++)
		ADD(c->keys[k].line, IT_KEY, k);
	for (k = 0; k < c->ntsets; k++)
		ADD(c->tsets[k].line, IT_TSET, k);
	for (k = 0; k < c->nentries; k++)
		ADD(c->entries[k].line, IT_MAP, k);
	for (k = 0; k < c->nifaces; k++)
		ADD(c->ifaces[k].line, IT_IFACE, k);
	for (k = 0; k < c->nroutes; k++)
		ADD(c->routes[k].line, IT_ROUTE, k);
	for (k = 0; k < c->nacls; k++)
		ADD(c->acls[k].line, IT_ACL, k);
	for (k = 0; k < c->nkept; k++)
		if (c->kept[k].owner_kind == IOS_OWN_NONE)
			ADD(c->kept[k].line, IT_KEPT, k);
	if (c->fhrp_vrrp_v3_line)
		ADD(c->fhrp_vrrp_v3_line, IT_FHRPVER, 0);
	for (k = 0; k < c->nobj_tracks; k++)
		ADD(c->obj_tracks[k].line, IT_TRACK, k);
	if (c->ospf.on)
		ADD(c->ospf.line, IT_OSPF, 0);
	for (k = 0; k < c->nrmap; k++)
		ADD(c->rmap[k].line, IT_RMAP, k);
#undef ADD
	qsort(it, n, sizeof(*it), item_cmp);
	fprintf(fp, "!\n");
	for (i = 0; i < n; i++) {
		static const enum ios_owner block_of[] = {
			[IT_HOSTNAME] = IOS_OWN_NONE, [IT_KEEPALIVE] = IOS_OWN_NONE, [IT_ISR] = IOS_OWN_NONE, [IT_SALIFE] = IOS_OWN_NONE,
			[IT_POLICY] = IOS_OWN_POLICY, [IT_KEY] = IOS_OWN_NONE, [IT_TSET] = IOS_OWN_TSET,
			[IT_MAP] = IOS_OWN_MAP, [IT_IFACE] = IOS_OWN_IFACE, [IT_ROUTE] = IOS_OWN_NONE,
			[IT_ACL] = IOS_OWN_ACL, [IT_KEPT] = IOS_OWN_NONE, [IT_FHRPVER] = IOS_OWN_NONE,
			[IT_TRACK] = IOS_OWN_TRACK, [IT_OSPF] = IOS_OWN_OSPF, [IT_RMAP] = IOS_OWN_RMAP,
		};
		enum ios_owner prev = i ? block_of[it[i - 1].kind] : IOS_OWN_NONE;

		if (i && it[i - 1].kind == IT_ACL && c->acls[it[i - 1].idx].numbered)
			prev = IOS_OWN_NONE;
		w_item(c, fp, &it[i], prev);
	}
	fprintf(fp, "end\n");
	free(it);
}
