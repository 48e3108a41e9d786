/* ios_cmd_crypto.c — the `crypto` commands refgw implements: ISAKMP policies, pre-shared
 * keys, keepalives (DPD, RFC 3706), transform sets, global SA lifetimes and crypto map
 * entries (peers in order, transform sets, ACL, PFS, reverse route injection). The
 * values are stored in the numbers of ipsec_doi.h (RFC 2409 App. A, RFC 2407 §4.5).
 */
#include "ios_int.h"

#include <stdio.h>
#include <string.h>

#define FORM_CRYPTO  "'crypto {isakmp|ipsec|map} …'"
#define FORM_POLICY  "'crypto isakmp policy 1-10000'"
#define FORM_KEY     "'crypto isakmp key [0] KEY address A.B.C.D [MASK] [no-xauth]'"
#define FORM_KA      "'crypto isakmp keepalive 10-3600 [2-60] [periodic|on-demand]'"
#define FORM_IKE_DPD "'ike dpd interval 1-300 [retry 1-60] {periodic|on-demand}'"
#define FORM_TS      "'crypto ipsec transform-set NAME {esp-des|esp-3des|esp-aes [128|192|256]|esp-null} [esp-md5-hmac|esp-sha-hmac|esp-sha256-hmac]'"
#define FORM_SALIFE  "'lifetime {seconds 120-86400|kilobytes 2560-4294967295}'"
#define FORM_MAPHDR  "'crypto map NAME 1-65535 [ipsec-isakmp]'"
#define FORM_ENC     "'encryption {des|3des|aes [128|192|256]}'"
#define FORM_HASH    "'hash {md5|sha|sha256}'"
#define FORM_AUTH    "'authentication {pre-share|rsa-sig|rsa-encr}'"
#define FORM_GROUP   "'group {1|2|5|14}'"
#define FORM_LIFE    "'lifetime 60-86400'"
#define FORM_MODE    "'mode {tunnel|transport}'"
#define FORM_PEER    "'set peer A.B.C.D [default]'"
#define FORM_SETTS   "'set transform-set NAME [NAME …]' (at most 6)"
#define FORM_MATCH   "'match address ACL'"
#define FORM_PFS     "'set pfs [group1|group2|group5|group14]'"
#define FORM_RRI     "'reverse-route [static|remote-peer [A.B.C.D] [gateway]]'"
#define FORM_RRITAG  "'set reverse-route tag 1-4294967295'"

static const char *tok_at(const struct ios_parser *p, int i)
{
	return i < p->ntok ? p->tok[i] : "";
}

static bool starts_digit(const char *s)
{
	return s[0] >= '0' && s[0] <= '9';
}

static int name_fits(struct ios_parser *p, int i, const char *what)
{
	char w[96];

	if (strlen(tok_at(p, i)) < IOS_NAME_MAX)
		return 0;
	snprintf(w, sizeof(w), "%s of at most %d characters", what, IOS_NAME_MAX - 1);
	return ios_perr(p, i, w);
}

static int limit_err(struct ios_parser *p, int i, int max, const char *what)
{
	char w[96];

	snprintf(w, sizeof(w), "at most %d %s", max, what);
	return ios_perr(p, i, w);
}

/* ---- crypto isakmp policy ------------------------------------------------------------------- */

static int cmd_policy(struct ios_parser *p)
{
	struct ios_cfg *c = p->cfg;
	struct ios_isakmp_policy *pol;
	uint32_t prio;
	int i;

	if (ios_read_u32(tok_at(p, 3), 1, 10000, &prio) < 0)
		return ios_perr(p, 3, FORM_POLICY);
	if (p->ntok > 4)
		return ios_perr(p, 4, FORM_POLICY);
	for (i = 0; i < c->npolicies && c->policies[i].prio < prio; i++)
		;
	if (i == c->npolicies || c->policies[i].prio != prio) {
		if (c->npolicies >= IOS_MAX_POLICIES)
			return limit_err(p, 3, IOS_MAX_POLICIES, "ISAKMP policies");
		memmove(&c->policies[i + 1], &c->policies[i],
			(size_t)(c->npolicies - i) * sizeof(c->policies[0]));
		ios_owner_shift(c, IOS_OWN_POLICY, i);
		c->npolicies++;
		pol = &c->policies[i];
		memset(pol, 0, sizeof(*pol));
		pol->prio = prio;
		pol->line = p->line;
		/* IOS 12.x defaults of an ISAKMP policy */
		pol->ike.enc = IKE_ENC_DES;
		pol->ike.key_bits = 0;
		pol->ike.hash = IKE_HASH_SHA1;
		pol->ike.auth = IOS_AUTH_RSA_SIG;
		pol->ike.group = 1;
		pol->ike.lifetime = 86400;
	}
	return ios_enter(p, IOS_M_POLICY, i);
}

static int read_aes_bits(struct ios_parser *p, int i, unsigned *bits)
{
	uint32_t v;

	*bits = 128;     /* IOS: aes without a size is AES-128 */
	if (i >= p->ntok)
		return 0;
	if (ios_read_u32(p->tok[i], 128, 256, &v) < 0 || (v != 128 && v != 192 && v != 256))
		return ios_perr(p, i, "an AES key size 128, 192 or 256");
	*bits = v;
	return 1;
}

bool ios_sub_policy_known(const struct ios_parser *p)
{
	const char *w = p->tok[0];

	return ios_word_is(w, "encryption") || ios_word_is(w, "encr") || ios_word_is(w, "hash") ||
	       ios_word_is(w, "authentication") || ios_word_is(w, "group") || ios_word_is(w, "lifetime");
}

int ios_sub_policy(struct ios_parser *p)
{
	struct ios_ike_params *ike = &p->cfg->policies[p->cur].ike;
	const char *w = p->tok[0], *a = tok_at(p, 1);
	uint32_t v;

	if (ios_word_is(w, "encryption") || ios_word_is(w, "encr")) {
		int more = 0;

		if (ios_word_is(a, "des")) {
			ike->enc = IKE_ENC_DES;
			ike->key_bits = 0;
		} else if (ios_word_is(a, "3des")) {
			ike->enc = IKE_ENC_3DES;
			ike->key_bits = 0;
		} else if (ios_word_is(a, "aes")) {
			more = read_aes_bits(p, 2, &ike->key_bits);
			if (more < 0)
				return -1;
			ike->enc = IKE_ENC_AES_CBC;
		} else {
			return ios_perr(p, 1, FORM_ENC);
		}
		if (p->ntok > 2 + more)
			return ios_perr(p, 2 + more, FORM_ENC);
		return 0;
	}
	if (ios_word_is(w, "hash")) {
		if (ios_word_is(a, "md5"))
			ike->hash = IKE_HASH_MD5;
		else if (ios_word_is(a, "sha"))
			ike->hash = IKE_HASH_SHA1;
		else if (ios_word_is(a, "sha256"))
			ike->hash = IKE_HASH_SHA256;
		else
			return ios_perr(p, 1, FORM_HASH);
		return p->ntok > 2 ? ios_perr(p, 2, FORM_HASH) : 0;
	}
	if (ios_word_is(w, "authentication")) {
		if (ios_word_is(a, "pre-share"))
			ike->auth = IOS_AUTH_PSK;
		else if (ios_word_is(a, "rsa-sig"))
			ike->auth = IOS_AUTH_RSA_SIG;
		else if (ios_word_is(a, "rsa-encr"))
			ike->auth = IOS_AUTH_RSA_ENCR;
		else
			return ios_perr(p, 1, FORM_AUTH);
		return p->ntok > 2 ? ios_perr(p, 2, FORM_AUTH) : 0;
	}
	if (ios_word_is(w, "group")) {
		if (ios_read_u32(a, 1, 14, &v) < 0 || (v != 1 && v != 2 && v != 5 && v != 14))
			return ios_perr(p, 1, FORM_GROUP);
		if (p->ntok > 2)
			return ios_perr(p, 2, FORM_GROUP);
		ike->group = v;
		return 0;
	}
	if (ios_word_is(w, "lifetime")) {
		if (ios_read_u32(a, 60, 86400, &v) < 0)
			return ios_perr(p, 1, FORM_LIFE);
		if (p->ntok > 2)
			return ios_perr(p, 2, FORM_LIFE);
		ike->lifetime = v;
		return 0;
	}
	return ios_keep(p, p->ctx);
}

/* ---- crypto isakmp key / keepalive ---------------------------------------------------------------- */

static int cmd_key(struct ios_parser *p, bool *kept)
{
	struct ios_cfg *c = p->cfg;
	struct ios_isakmp_key k;
	int i = 3, j;

	memset(&k, 0, sizeof(k));
	k.line = p->line;
	k.peer.mask = 0xffffffffu;
	if (p->ntok > 5 && !ios_word_is(tok_at(p, 4), "address") && !ios_word_is(tok_at(p, 4), "hostname") &&
	    !ios_word_is(tok_at(p, 4), "ipv6")) {
		if (strcmp(p->tok[3], "6") == 0 || strcmp(p->tok[3], "7") == 0)
			return ios_perr(p, 3, "an unencrypted key: 'crypto isakmp key [0] KEY address A.B.C.D'");
		if (strcmp(p->tok[3], "0") != 0)
			return ios_perr(p, 4, FORM_KEY);
		i = 4;        /* key 0 KEY: type 0 = not encrypted */
	}
	if (i >= p->ntok)
		return ios_perr(p, i, FORM_KEY);
	if (strlen(p->tok[i]) >= IOS_KEY_MAX)
		return ios_perr(p, i, "a pre-shared key of at most 128 characters");
	strcpy(k.key, p->tok[i]);
	i++;
	if (ios_word_is(tok_at(p, i), "hostname") || ios_word_is(tok_at(p, i), "ipv6")) {
		*kept = true;    /* valid IOS, not implemented */
		return 0;
	}
	if (!ios_word_is(tok_at(p, i), "address"))
		return ios_perr(p, i, FORM_KEY);
	i++;
	if (ios_read_ip(tok_at(p, i), &k.peer.addr) < 0)
		return ios_perr(p, i, FORM_KEY);
	i++;
	if (i < p->ntok && !ios_word_is(p->tok[i], "no-xauth")) {
		if (ios_read_ip(p->tok[i], &k.peer.mask) < 0 || ios_mask_plen(k.peer.mask) < 0)
			return ios_perr(p, i, "a contiguous mask such as 255.255.255.0 or 'no-xauth'");
		i++;
	}
	if (i < p->ntok && ios_word_is(p->tok[i], "no-xauth")) {
		k.no_xauth = true;
		i++;
	}
	if (i < p->ntok)
		return ios_perr(p, i, FORM_KEY);
	k.peer.addr &= k.peer.mask;
	for (j = 0; j < c->nkeys; j++)
		if (c->keys[j].peer.addr == k.peer.addr && c->keys[j].peer.mask == k.peer.mask) {
			c->keys[j] = k;   /* IOS: the same address again replaces the key */
			return 0;
		}
	if (c->nkeys >= IOS_MAX_KEYS)
		return limit_err(p, 3, IOS_MAX_KEYS, "ISAKMP keys");
	c->keys[c->nkeys++] = k;
	return 0;
}

static int cmd_keepalive(struct ios_parser *p)
{
	struct ios_keepalive *ka = &p->cfg->keepalive;
	uint32_t s, r = 2;
	enum ios_dpd_mode mode = IOS_DPD_ON_DEMAND;   /* IOS default (seed 000) */
	int i = 4;

	if (ios_read_u32(tok_at(p, 3), 10, 3600, &s) < 0)
		return ios_perr(p, 3, FORM_KA);
	if (i < p->ntok && starts_digit(p->tok[i])) {
		if (ios_read_u32(p->tok[i], 2, 60, &r) < 0)
			return ios_perr(p, i, FORM_KA);
		i++;
	}
	if (i < p->ntok) {
		if (ios_word_is(p->tok[i], "periodic"))
			mode = IOS_DPD_PERIODIC;
		else if (!ios_word_is(p->tok[i], "on-demand"))
			return ios_perr(p, i, FORM_KA);
		i++;
	}
	if (i < p->ntok)
		return ios_perr(p, i, FORM_KA);
	ka->enabled = true;
	ka->line = p->line;
	ka->interval = s;
	ka->retry = r;
	ka->mode = mode;
	ka->comware = false;
	return 0;
}

/* Comware: ike dpd interval I [retry R] {periodic|on-demand} (seed 003's fix). The mode is
 * mandatory there; retry defaults to 5 s. */
int ios_cmd_ike(struct ios_parser *p, bool *kept)
{
	struct ios_keepalive *ka = &p->cfg->keepalive;
	uint32_t s, r = 5;
	enum ios_dpd_mode mode;
	int i = 4;

	*kept = false;
	if (!ios_word_is(tok_at(p, 1), "dpd")) {
		*kept = true;
		return 0;
	}
	if (!ios_word_is(tok_at(p, 2), "interval"))
		return ios_perr(p, 2, FORM_IKE_DPD);
	if (ios_read_u32(tok_at(p, 3), 1, 300, &s) < 0)
		return ios_perr(p, 3, FORM_IKE_DPD);
	if (ios_word_is(tok_at(p, i), "retry")) {
		if (ios_read_u32(tok_at(p, i + 1), 1, 60, &r) < 0)
			return ios_perr(p, i + 1, FORM_IKE_DPD);
		i += 2;
	}
	if (ios_word_is(tok_at(p, i), "periodic"))
		mode = IOS_DPD_PERIODIC;
	else if (ios_word_is(tok_at(p, i), "on-demand"))
		mode = IOS_DPD_ON_DEMAND;
	else
		return ios_perr(p, i, FORM_IKE_DPD);
	if (i + 1 < p->ntok)
		return ios_perr(p, i + 1, FORM_IKE_DPD);
	ka->enabled = true;
	ka->line = p->line;
	ka->interval = s;
	ka->retry = r;
	ka->mode = mode;
	ka->comware = true;
	return 0;
}

/* ---- crypto ipsec ----------------------------------------------------------------------------------- */

static int cmd_tset(struct ios_parser *p)
{
	struct ios_cfg *c = p->cfg;
	struct ios_esp_params esp = { ESP_ENC_NULL, 0, ESP_AUTH_NONE, IPSEC_ENCAP_TUNNEL };
	bool have_enc = false, have_auth = false;
	struct ios_tset *t = NULL;
	int i, j;

	if (p->ntok < 5)
		return ios_perr(p, p->ntok < 4 ? 3 : 4, FORM_TS);
	if (name_fits(p, 3, "a transform-set name") < 0)
		return -1;
	for (i = 4; i < p->ntok; i++) {
		const char *w = p->tok[i];
		bool enc = true;

		if (ios_word_is(w, "esp-des")) {
			esp.enc = ESP_ENC_DES;
		} else if (ios_word_is(w, "esp-3des")) {
			esp.enc = ESP_ENC_3DES;
		} else if (ios_word_is(w, "esp-null")) {
			esp.enc = ESP_ENC_NULL;
		} else if (ios_word_is(w, "esp-aes")) {
			int more;

			if (have_enc)
				return ios_perr(p, i, "one ESP cipher and at most one ESP HMAC");
			esp.key_bits = 128;
			more = 0;
			if (i + 1 < p->ntok && starts_digit(p->tok[i + 1]))
				more = read_aes_bits(p, i + 1, &esp.key_bits);
			if (more < 0)
				return -1;
			esp.enc = ESP_ENC_AES_CBC;
			have_enc = true;
			i += more;
			continue;
		} else {
			enc = false;
			if (ios_word_is(w, "esp-md5-hmac"))
				esp.auth = ESP_AUTH_HMAC_MD5;
			else if (ios_word_is(w, "esp-sha-hmac"))
				esp.auth = ESP_AUTH_HMAC_SHA1;
			else if (ios_word_is(w, "esp-sha256-hmac"))
				esp.auth = ESP_AUTH_HMAC_SHA256;
			else
				return ios_perr(p, i, FORM_TS);
		}
		if ((enc && have_enc) || (!enc && have_auth))
			return ios_perr(p, i, "one ESP cipher and at most one ESP HMAC");
		if (enc)
			have_enc = true;
		else
			have_auth = true;
	}
	for (j = 0; j < c->ntsets; j++)
		if (strcmp(c->tsets[j].name, p->tok[3]) == 0)
			t = &c->tsets[j];
	if (t) {
		esp.mode = t->esp.mode;   /* redefining the transforms keeps the mode */
	} else {
		if (c->ntsets >= IOS_MAX_TSETS)
			return limit_err(p, 3, IOS_MAX_TSETS, "transform sets");
		t = &c->tsets[c->ntsets++];
		memset(t, 0, sizeof(*t));
		strcpy(t->name, p->tok[3]);
		t->line = p->line;
	}
	t->esp = esp;
	return ios_enter(p, IOS_M_TSET, (int)(t - c->tsets));
}

bool ios_sub_tset_known(const struct ios_parser *p)
{
	return ios_word_is(p->tok[0], "mode");
}

int ios_sub_tset(struct ios_parser *p)
{
	struct ios_tset *t = &p->cfg->tsets[p->cur];

	if (!ios_word_is(p->tok[0], "mode"))
		return ios_keep(p, p->ctx);
	if (ios_word_is(tok_at(p, 1), "tunnel"))
		t->esp.mode = IPSEC_ENCAP_TUNNEL;
	else if (ios_word_is(tok_at(p, 1), "transport"))
		t->esp.mode = IPSEC_ENCAP_TRANSPORT;
	else
		return ios_perr(p, 1, FORM_MODE);
	return p->ntok > 2 ? ios_perr(p, 2, FORM_MODE) : 0;
}

/* `lifetime seconds N | kilobytes N` at tok[i]; 0 = not given */
static int read_sa_lifetime(struct ios_parser *p, int i, uint32_t *secs, uint32_t *kb)
{
	if (ios_word_is(tok_at(p, i), "seconds")) {
		if (ios_read_u32(tok_at(p, i + 1), 120, 86400, secs) < 0)
			return ios_perr(p, i + 1, FORM_SALIFE);
	} else if (ios_word_is(tok_at(p, i), "kilobytes")) {
		if (ios_read_u32(tok_at(p, i + 1), 2560, 0xffffffffu, kb) < 0)
			return ios_perr(p, i + 1, FORM_SALIFE);
	} else {
		return ios_perr(p, i, FORM_SALIFE);
	}
	return p->ntok > i + 2 ? ios_perr(p, i + 2, FORM_SALIFE) : 0;
}

/* ---- crypto map ------------------------------------------------------------------------------------------ */

static int map_entry(struct ios_parser *p, const char *map, unsigned seq)
{
	struct ios_cfg *c = p->cfg;
	struct ios_map_entry *e;
	int i, first = -1, pos;

	for (i = 0; i < c->nentries; i++) {
		if (strcmp(c->entries[i].map, map) != 0)
			continue;
		if (first < 0)
			first = i;
		if (c->entries[i].seq == seq)
			return i;
	}
	if (c->nentries >= IOS_MAX_MAP_ENTRIES)
		return limit_err(p, 3, IOS_MAX_MAP_ENTRIES, "crypto map entries");
	if (first < 0) {
		pos = c->nentries;                  /* a new map goes last */
	} else {                                /* entries of one map stay together, by seq */
		pos = first;
		while (pos < c->nentries && strcmp(c->entries[pos].map, map) == 0 &&
		       c->entries[pos].seq < seq)
			pos++;
	}
	memmove(&c->entries[pos + 1], &c->entries[pos], (size_t)(c->nentries - pos) * sizeof(c->entries[0]));
	ios_owner_shift(c, IOS_OWN_MAP, pos);
	c->nentries++;
	e = &c->entries[pos];
	memset(e, 0, sizeof(*e));
	strcpy(e->map, map);
	e->seq = seq;
	e->line = p->line;
	return pos;
}

static int cmd_map(struct ios_parser *p, bool *kept)
{
	uint32_t seq;
	int idx;

	if (p->ntok < 4)
		return ios_perr(p, p->ntok < 3 ? 2 : 3, FORM_MAPHDR);
	if (!starts_digit(p->tok[3])) {
		static const char *const other[] = {
			"local-address", "redundancy", "client", "isakmp", "isakmp-profile", "gdoi",
		};
		size_t k;

		for (k = 0; k < sizeof(other) / sizeof(other[0]); k++)
			if (ios_word_is(p->tok[3], other[k])) {
				*kept = true;      /* valid IOS, not implemented */
				return 0;
			}
		return ios_perr(p, 3, FORM_MAPHDR);
	}
	if (ios_read_u32(p->tok[3], 1, 65535, &seq) < 0)
		return ios_perr(p, 3, FORM_MAPHDR);
	if (p->ntok > 4) {
		if (ios_word_is(p->tok[4], "ipsec-manual") || ios_word_is(p->tok[4], "gdoi") ||
		    (ios_word_is(p->tok[4], "ipsec-isakmp") && p->ntok > 5 &&
		     ios_word_is(p->tok[5], "dynamic"))) {
			*kept = true;          /* manual keys, GDOI, dynamic maps: not implemented */
			return 0;
		}
		if (!ios_word_is(p->tok[4], "ipsec-isakmp"))
			return ios_perr(p, 4, FORM_MAPHDR);
		if (p->ntok > 5)
			return ios_perr(p, 5, FORM_MAPHDR);
	}
	if (name_fits(p, 2, "a crypto map name") < 0)
		return -1;
	idx = map_entry(p, p->tok[2], seq);
	if (idx < 0)
		return -1;
	return ios_enter(p, IOS_M_MAP, idx);
}

bool ios_sub_map_known(const struct ios_parser *p)
{
	const char *w = p->tok[0], *w1 = tok_at(p, 1);

	if (ios_word_is(w, "set"))
		return ios_word_is(w1, "peer") || ios_word_is(w1, "transform-set") ||
		       ios_word_is(w1, "pfs") || ios_word_is(w1, "reverse-route") ||
		       ios_word_is(w1, "security-association");
	return (ios_word_is(w, "match") && ios_word_is(w1, "address")) ||
	       ios_word_is(w, "reverse-route") || ios_word_is(w, "description");
}

static int sub_set_peer(struct ios_parser *p, struct ios_map_entry *e)
{
	uint32_t a;
	bool dflt = false;
	int k;

	if (ios_read_ip(tok_at(p, 2), &a) < 0 || a == 0)
		return ios_perr(p, 2, FORM_PEER);
	if (p->ntok > 3) {
		if (!ios_word_is(p->tok[3], "default") || p->ntok > 4)
			return ios_perr(p, ios_word_is(p->tok[3], "default") ? 4 : 3, FORM_PEER);
		dflt = true;
	}
	for (k = 0; k < e->npeers; k++)
		if (e->peers[k] == a)
			return 0;          /* IOS ignores a peer given twice */
	if (e->npeers >= IOS_MAX_PEERS)
		return limit_err(p, 2, IOS_MAX_PEERS, "peers in one crypto map entry");
	k = dflt ? 0 : e->npeers;      /* `default`: the peer tried first */
	memmove(&e->peers[k + 1], &e->peers[k], (size_t)(e->npeers - k) * sizeof(e->peers[0]));
	memmove(&e->peer_lines[k + 1], &e->peer_lines[k], (size_t)(e->npeers - k) * sizeof(e->peer_lines[0]));
	e->peers[k] = a;
	e->peer_lines[k] = p->line;
	e->npeers++;
	return 0;
}

static int sub_set(struct ios_parser *p, struct ios_map_entry *e)
{
	const char *w1 = tok_at(p, 1), *w2 = tok_at(p, 2);
	int k;

	if (ios_word_is(w1, "peer"))
		return sub_set_peer(p, e);
	if (ios_word_is(w1, "transform-set")) {
		if (p->ntok < 3)
			return ios_perr(p, 2, FORM_SETTS);
		if (p->ntok > 2 + IOS_MAX_ENTRY_TSETS)
			return ios_perr(p, 2 + IOS_MAX_ENTRY_TSETS, FORM_SETTS);
		for (k = 2; k < p->ntok; k++)
			if (name_fits(p, k, "a transform-set name") < 0)
				return -1;
		e->ntsets = 0;
		for (k = 2; k < p->ntok; k++)
			strcpy(e->tsets[e->ntsets++], p->tok[k]);
		e->tset_line = p->line;
		return 0;
	}
	if (ios_word_is(w1, "pfs")) {
		static const char *const groups[] = { "group1", "group2", "group5", "group14" };
		static const unsigned nums[] = { 1, 2, 5, 14 };
		size_t g;

		if (p->ntok == 2) {
			e->pfs_group = 1;      /* IOS: `set pfs` alone is group1 */
			return 0;
		}
		if (p->ntok > 3)
			return ios_perr(p, 3, FORM_PFS);
		for (g = 0; g < 4; g++)
			if (ios_word_is(w2, groups[g])) {
				e->pfs_group = nums[g];
				return 0;
			}
		return ios_perr(p, 2, FORM_PFS);
	}
	if (ios_word_is(w1, "reverse-route") && ios_word_is(w2, "tag")) {
		if (ios_read_u32(tok_at(p, 3), 1, 0xffffffffu, &e->rri_tag) < 0)
			return ios_perr(p, 3, FORM_RRITAG);
		if (p->ntok > 4)
			return ios_perr(p, 4, FORM_RRITAG);
		e->has_rri_tag = true;
		return 0;
	}
	if (ios_word_is(w1, "security-association") && ios_word_is(w2, "lifetime")) {
		uint32_t s = 0, kb = 0;

		if (read_sa_lifetime(p, 3, &s, &kb) < 0)
			return -1;
		if (s)
			e->sa_lifetime_s = s;
		if (kb)
			e->sa_lifetime_kb = kb;
		return 0;
	}
	return ios_keep(p, p->ctx);     /* set reverse-route distance, set isakmp-profile … */
}

int ios_sub_map(struct ios_parser *p)
{
	struct ios_map_entry *e = &p->cfg->entries[p->cur];
	const char *w = p->tok[0], *w1 = tok_at(p, 1);

	if (ios_word_is(w, "set"))
		return sub_set(p, e);
	if (ios_word_is(w, "match") && ios_word_is(w1, "address")) {
		if (p->ntok != 3)
			return ios_perr(p, p->ntok < 3 ? 2 : 3, FORM_MATCH);
		if (name_fits(p, 2, "an ACL name") < 0)
			return -1;
		strcpy(e->acl, p->tok[2]);
		e->acl_line = p->line;
		return 0;
	}
	if (ios_word_is(w, "reverse-route")) {
		if (p->ntok == 1) {
			e->rri = IOS_RRI_DYNAMIC;
		} else if (ios_word_is(w1, "static") && p->ntok == 2) {
			e->rri = IOS_RRI_STATIC;
		} else if (ios_word_is(w1, "remote-peer")) {
			int i = 2;

			e->rri_remote_peer = 0;
			e->rri_gateway = false;
			if (i < p->ntok && ios_read_ip(p->tok[i], &e->rri_remote_peer) == 0)
				i++;
			if (i < p->ntok && ios_word_is(p->tok[i], "gateway")) {
				e->rri_gateway = true;
				i++;
			}
			if (i < p->ntok)
				return ios_perr(p, i, FORM_RRI);
			e->rri = IOS_RRI_REMOTE_PEER;
		} else {
			return ios_perr(p, ios_word_is(w1, "static") ? 2 : 1, FORM_RRI);
		}
		return 0;
	}
	if (ios_word_is(w, "description")) {
		if (p->ntok < 2)
			return ios_perr(p, 1, "'description TEXT'");
		if (ios_join(p, 1, e->description, sizeof(e->description)) < 0)
			return ios_perr(p, 1, "a description of at most 240 characters");
		return 0;
	}
	return ios_keep(p, p->ctx);
}

/* ---- dispatch ----------------------------------------------------------------------------------------------- */

int ios_cmd_crypto(struct ios_parser *p, bool *kept)
{
	const char *w1 = tok_at(p, 1), *w2 = tok_at(p, 2);

	*kept = false;
	if (p->ntok < 2)
		return ios_perr(p, 1, FORM_CRYPTO);
	if (ios_word_is(w1, "isakmp")) {
		if (ios_word_is(w2, "policy"))
			return cmd_policy(p);
		if (ios_word_is(w2, "key"))
			return cmd_key(p, kept);
		if (ios_word_is(w2, "keepalive"))
			return cmd_keepalive(p);
		if (ios_word_is(w2, "invalid-spi-recovery")) {
			if (p->ntok != 3)
				return ios_perr(p, 3, "'crypto isakmp invalid-spi-recovery'");
			p->cfg->invalid_spi_recovery_line = p->line;
			return 0;
		}
	} else if (ios_word_is(w1, "ipsec")) {
		if (ios_word_is(w2, "transform-set"))
			return cmd_tset(p);
		if (ios_word_is(w2, "security-association") && ios_word_is(tok_at(p, 3), "lifetime")) {
			p->cfg->sa_lifetime_line = p->line;
			return read_sa_lifetime(p, 4, &p->cfg->sa_lifetime_s, &p->cfg->sa_lifetime_kb);
		}
	} else if (ios_word_is(w1, "map")) {
		return cmd_map(p, kept);
	}
	*kept = true;
	return 0;
}
