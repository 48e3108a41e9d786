/* ios_query.c — read-only look-ups on a parsed configuration for the daemon: interfaces
 * by any spelling, ACLs and their entries in order, crypto map entries in sequence order
 * and the interfaces holding them, transform-set and policy parameters, pre-shared keys,
 * crypto ACLs as IPsec selectors, HSRP/VRRP groups, route-map tag matching, and the
 * not-applied list.
 */
#include "ios_int.h"

#include <stdio.h>
#include <string.h>

char *ios_ip_str(uint32_t a, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
	return buf;
}

int ios_mask_plen(uint32_t mask)
{
	uint32_t inv = ~mask;
	int n = 0;

	if (inv & (inv + 1))      /* ones then zeros only */
		return -1;
	while (mask) {
		n++;
		mask <<= 1;
	}
	return n;
}

/* ---- interfaces ---------------------------------------------------------------------- */

int ios_cfg_iface_index(const struct ios_cfg *cfg, const char *name)
{
	int i;

	for (i = 0; i < cfg->nifaces; i++)
		if (ios_ifname_same(cfg->ifaces[i].name, name))
			return i;
	return -1;
}

const struct ios_iface *ios_cfg_iface_find(const struct ios_cfg *cfg, const char *name)
{
	int i = ios_cfg_iface_index(cfg, name);

	return i < 0 ? NULL : &cfg->ifaces[i];
}

/* ---- ACLs ------------------------------------------------------------------------------ */

const struct ios_acl *ios_cfg_acl_find(const struct ios_cfg *cfg, const char *name)
{
	int i;

	for (i = 0; i < cfg->nacls; i++)
		if (strcmp(cfg->acls[i].name, name) == 0)
			return &cfg->acls[i];
	return NULL;
}

const struct ios_ace *ios_cfg_ace_next(const struct ios_cfg *cfg, const struct ios_acl *acl,
				       const struct ios_ace *prev)
{
	const struct ios_ace *best = NULL;
	int idx = (int)(acl - cfg->acls), i;

	for (i = 0; i < cfg->naces; i++) {
		const struct ios_ace *a = &cfg->aces[i];

		if (a->acl != idx || (prev && a->seq <= prev->seq))
			continue;
		if (!best || a->seq < best->seq)
			best = a;
	}
	return best;
}

int ios_acl_flows(const struct ios_cfg *cfg, const char *acl, struct ios_flow *out, size_t max,
		  char *err, size_t errlen)
{
	const struct ios_acl *l = ios_cfg_acl_find(cfg, acl);
	const struct ios_ace *a = NULL;
	size_t n = 0;

	if (!l) {
		if (err && errlen)
			snprintf(err, errlen, "%s: expected an access list named '%s', none is configured",
				 cfg->fname, acl);
		return -1;
	}
	while ((a = ios_cfg_ace_next(cfg, l, a)) != NULL) {
		char what[160], got[32];

		if (n >= max) {
			if (err && errlen)
				snprintf(err, errlen, "%s:%d: expected at most %zu entries in ACL %s",
					 cfg->fname, a->line, max, l->name);
			return -1;
		}
		if (ios_ace_flow(a, &out[n], what, sizeof(what), got, sizeof(got)) < 0) {
			if (err && errlen)
				snprintf(err, errlen, "%s:%d: expected %s in crypto ACL %s, got '%s'",
					 cfg->fname, a->line, what, l->name, got);
			return -1;
		}
		n++;
	}
	return (int)n;
}

/* ---- crypto maps ---------------------------------------------------------------------------- */

const struct ios_map_entry *ios_cfg_map_next(const struct ios_cfg *cfg, const char *map,
					     const struct ios_map_entry *prev)
{
	int i = prev ? (int)(prev - cfg->entries) + 1 : 0;

	for (; i < cfg->nentries; i++)
		if (!map || strcmp(cfg->entries[i].map, map) == 0)
			return &cfg->entries[i];
	return NULL;
}

const struct ios_map_entry *ios_cfg_map_find(const struct ios_cfg *cfg, const char *map,
					     unsigned seq)
{
	const struct ios_map_entry *e = NULL;

	while ((e = ios_cfg_map_next(cfg, map, e)) != NULL)
		if (e->seq == seq)
			return e;
	return NULL;
}

const struct ios_iface *ios_cfg_map_iface(const struct ios_cfg *cfg, const char *map,
					  const struct ios_iface *prev)
{
	int i = prev ? (int)(prev - cfg->ifaces) + 1 : 0;

	for (; i < cfg->nifaces; i++)
		if (strcmp(cfg->ifaces[i].crypto_map, map) == 0)
			return &cfg->ifaces[i];
	return NULL;
}

const struct ios_tset *ios_cfg_tset_find(const struct ios_cfg *cfg, const char *name)
{
	int i;

	for (i = 0; i < cfg->ntsets; i++)
		if (strcmp(cfg->tsets[i].name, name) == 0)
			return &cfg->tsets[i];
	return NULL;
}

int ios_cfg_tset_esp(const struct ios_cfg *cfg, const char *name, struct ios_esp_params *out)
{
	const struct ios_tset *t = ios_cfg_tset_find(cfg, name);

	if (!t)
		return -1;
	*out = t->esp;
	return 0;
}

/* ---- ISAKMP ----------------------------------------------------------------------------------- */

const struct ios_isakmp_policy *ios_cfg_policy_next(const struct ios_cfg *cfg,
						    const struct ios_isakmp_policy *prev)
{
	int i = prev ? (int)(prev - cfg->policies) + 1 : 0;

	return i < cfg->npolicies ? &cfg->policies[i] : NULL;
}

int ios_cfg_policy_ike(const struct ios_cfg *cfg, unsigned prio, struct ios_ike_params *out)
{
	int i;

	for (i = 0; i < cfg->npolicies; i++)
		if (cfg->policies[i].prio == prio) {
			*out = cfg->policies[i].ike;
			return 0;
		}
	return -1;
}

const struct ios_isakmp_key *ios_cfg_key_find(const struct ios_cfg *cfg, uint32_t peer)
{
	const struct ios_isakmp_key *best = NULL;
	int i;

	for (i = 0; i < cfg->nkeys; i++) {
		const struct ios_isakmp_key *k = &cfg->keys[i];

		if ((peer & k->peer.mask) != k->peer.addr)
			continue;
		if (!best || ios_mask_plen(k->peer.mask) > ios_mask_plen(best->peer.mask))
			best = k;
	}
	return best;
}

/* ---- first-hop redundancy / routing ---------------------------------------------------------------- */

const struct ios_fhrp *ios_cfg_fhrp_find(const struct ios_cfg *cfg, int iface, const char *name)
{
	int i;

	if (!name || !name[0])
		return NULL;
	for (i = 0; i < cfg->nfhrp; i++)
		if ((iface < 0 || cfg->fhrp[i].iface == iface) && strcmp(cfg->fhrp[i].name, name) == 0)
			return &cfg->fhrp[i];
	return NULL;
}

const struct ios_fhrp *ios_cfg_fhrp_next(const struct ios_cfg *cfg, int iface,
					 const struct ios_fhrp *prev)
{
	int i = prev ? (int)(prev - cfg->fhrp) + 1 : 0;

	for (; i < cfg->nfhrp; i++)
		if (iface < 0 || cfg->fhrp[i].iface == iface)
			return &cfg->fhrp[i];
	return NULL;
}

int ios_rmap_match_tag(const struct ios_cfg *cfg, const char *map, bool has_tag, uint32_t tag,
		       const struct ios_rmap_entry **hit)
{
	int i, k;

	if (hit)
		*hit = NULL;
	/* entries of one map are stored together in sequence order */
	for (i = 0; map && i < cfg->nrmap; i++) {
		const struct ios_rmap_entry *e = &cfg->rmap[i];
		bool match;

		if (strcmp(e->name, map) != 0 || e->other_match)
			continue;
		match = e->ntags == 0;
		for (k = 0; k < e->ntags && !match; k++)
			match = has_tag && e->tags[k] == tag;
		if (!match)
			continue;
		if (hit)
			*hit = e;
		return e->permit ? 1 : 0;
	}
	return 0;                    /* IOS: the implicit deny at the end of a route-map */
}

/* ---- not applied ------------------------------------------------------------------------------------ */

size_t ios_cfg_unapplied_count(const struct ios_cfg *cfg)
{
	return (size_t)cfg->nkept;
}

int ios_cfg_unapplied(const struct ios_cfg *cfg, size_t i, struct ios_unapplied *out)
{
	const struct ios_kept *k;

	if (i >= (size_t)cfg->nkept)
		return -1;
	k = &cfg->kept[i];
	out->line = k->line;
	out->text = cfg->pool + k->text;
	out->ctx = cfg->pool + k->ctx;
	return 0;
}

int ios_cfg_not_applied(const struct ios_cfg *cfg, FILE *fp)
{
	size_t i;
	int n = 0;

	for (i = 0; i < (size_t)cfg->nkept; i++) {
		struct ios_unapplied u;

		ios_cfg_unapplied(cfg, i, &u);
		if (u.ctx[0])
			fprintf(fp, "%s:%d: not applied: %s (%s)\n", cfg->fname, u.line, u.text, u.ctx);
		else
			fprintf(fp, "%s:%d: not applied: %s\n", cfg->fname, u.line, u.text);
		n++;
	}
	return n;
}
