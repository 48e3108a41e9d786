/* ios_cmd_if.c — `interface` blocks (addresses, shutdown, description, the crypto map
 * and its HSRP redundancy group; `standby`/`vrrp` lines go to ios_cmd_fhrp.c) and `ip
 * route` static routes.
 */
#include "ios_int.h"

#include <stdio.h>
#include <string.h>

#define FORM_IFACE  "an interface name such as FastEthernet0/0 or Loopback0"
#define FORM_IPADDR "'ip address A.B.C.D MASK [secondary]'"
#define FORM_MAP    "'crypto map NAME [redundancy GROUP [stateful NAME]]'"
#define FORM_ROUTE  "'ip route PREFIX MASK {NEXTHOP|INTERFACE [NEXTHOP]} [DISTANCE] [tag TAG] [name NAME] [permanent]'"

static bool all_alpha(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (i > 0 && s[i] == '-')))
			return false;
	return i > 0;
}

int ios_cmd_interface(struct ios_parser *p)
{
	struct ios_cfg *c = p->cfg;
	char name[IOS_NAME_MAX + 1];
	int next, idx;

	if (p->ntok < 2)
		return ios_perr(p, 1, FORM_IFACE);
	if (ios_ifname_syntax(p->tok[1])) {
		if (strlen(p->tok[1]) >= IOS_NAME_MAX)
			return ios_perr(p, 1, "an interface name of at most 63 characters");
		strcpy(name, p->tok[1]);
		next = 2;
	} else if (p->ntok >= 3 && all_alpha(p->tok[1]) &&
		   strlen(p->tok[1]) + strlen(p->tok[2]) < IOS_NAME_MAX) {
		/* `interface FastEthernet 0/0`: IOS takes type and number apart too */
		snprintf(name, sizeof(name), "%s%s", p->tok[1], p->tok[2]);
		if (!ios_ifname_syntax(name))
			return ios_perr(p, 2, "an interface number such as 0/0");
		next = 3;
	} else {
		return ios_perr(p, 1, FORM_IFACE);
	}
	if (next < p->ntok) {
		if (!ios_word_is(p->tok[next], "point-to-point") && !ios_word_is(p->tok[next], "multipoint"))
			return ios_perr(p, next, "'interface NAME [point-to-point|multipoint]'");
		if (next + 1 != p->ntok)
			return ios_perr(p, next + 1, "'interface NAME [point-to-point|multipoint]'");
	}
	idx = ios_cfg_iface_index(c, name);
	if (idx < 0) {
		struct ios_iface *f;

		if (c->nifaces >= IOS_MAX_IFACES) {
			char what[48];

			snprintf(what, sizeof(what), "at most %d interfaces", IOS_MAX_IFACES);
			return ios_perr(p, 1, what);
		}
		idx = c->nifaces++;
		f = &c->ifaces[idx];
		memset(f, 0, sizeof(*f));
		strcpy(f->name, name);
		if (ios_ifname_linux(name, f->lnx) < 0)
			f->lnx[0] = '\0';
		f->line = p->line;
		f->hsrp_version = 1;
		f->vrrp_version = 2;
	}
	return ios_enter(p, IOS_M_IFACE, idx);
}

static int read_mask(struct ios_parser *p, int i, uint32_t *mask, bool allow_zero)
{
	int plen;

	if (i >= p->ntok || ios_read_ip(p->tok[i], mask) < 0 ||
	    (plen = ios_mask_plen(*mask)) < 0 || (plen == 0 && !allow_zero))
		return ios_perr(p, i, "a contiguous mask such as 255.255.255.0");
	return 0;
}

static int sub_ip_address(struct ios_parser *p, struct ios_iface *f)
{
	uint32_t a, m, host;
	bool secondary = false;
	int plen, k;

	if (p->ntok >= 3 && (ios_word_is(p->tok[2], "dhcp") || ios_word_is(p->tok[2], "negotiated") ||
			     ios_word_is(p->tok[2], "pool")))
		return ios_keep(p, p->ctx);   /* valid IOS, not implemented */
	if (p->ntok < 3 || ios_read_ip(p->tok[2], &a) < 0)
		return ios_perr(p, 2, FORM_IPADDR);
	if (p->ntok < 4)
		return ios_perr(p, 3, FORM_IPADDR);
	if (read_mask(p, 3, &m, false) < 0)
		return -1;
	if (p->ntok >= 5) {
		if (!ios_word_is(p->tok[4], "secondary") || p->ntok > 5)
			return ios_perr(p, p->ntok > 5 && ios_word_is(p->tok[4], "secondary") ? 5 : 4,
					FORM_IPADDR);
		secondary = true;
	}
	plen = ios_mask_plen(m);
	host = a & ~m;
	if (plen <= 30 && (host == 0 || host == ~m)) {
		char what[96], mb[16];

		snprintf(what, sizeof(what), "a host address of its subnet (mask %s), not the network or broadcast address",
			 ios_ip_str(m, mb));
		return ios_perr(p, 2, what);
	}
	if (!secondary) {
		f->addrs[0].addr = a;
		f->addrs[0].mask = m;
		if (f->naddrs == 0)
			f->naddrs = 1;
		return 0;
	}
	if (f->naddrs == 0)
		return ios_perr(p, 4, "a primary 'ip address A.B.C.D MASK' before a secondary one");
	for (k = 1; k < f->naddrs; k++)
		if (f->addrs[k].addr == a) {
			f->addrs[k].mask = m;
			return 0;
		}
	if (f->naddrs >= IOS_MAX_ADDRS) {
		char what[48];

		snprintf(what, sizeof(what), "at most %d addresses on one interface", IOS_MAX_ADDRS);
		return ios_perr(p, 2, what);
	}
	f->addrs[f->naddrs].addr = a;
	f->addrs[f->naddrs].mask = m;
	f->naddrs++;
	return 0;
}

static int sub_crypto_map(struct ios_parser *p, struct ios_iface *f)
{
	/* crypto map NAME [redundancy GROUP [stateful NAME]] */
	if (p->ntok < 3)
		return ios_perr(p, 2, FORM_MAP);
	if (strlen(p->tok[2]) >= IOS_NAME_MAX)
		return ios_perr(p, 2, "a crypto map name of at most 63 characters");
	f->redundancy[0] = f->stateful[0] = '\0';
	if (p->ntok > 3) {
		if (!ios_word_is(p->tok[3], "redundancy") || p->ntok < 5)
			return ios_perr(p, ios_word_is(p->tok[3], "redundancy") ? 4 : 3, FORM_MAP);
		if (strlen(p->tok[4]) >= IOS_NAME_MAX)
			return ios_perr(p, 4, "a redundancy group name of at most 63 characters");
		if (p->ntok > 5 && (!ios_word_is(p->tok[5], "stateful") || p->ntok != 7 ||
				    strlen(p->tok[6]) >= IOS_NAME_MAX))
			return ios_perr(p, ios_word_is(p->tok[5], "stateful") ? 6 + (p->ntok > 7) : 5,
					FORM_MAP);
		strcpy(f->redundancy, p->tok[4]);
		if (p->ntok == 7)
			strcpy(f->stateful, p->tok[6]);
	}
	strcpy(f->crypto_map, p->tok[2]);
	f->map_line = p->line;
	return 0;
}

bool ios_sub_interface_known(const struct ios_parser *p)
{
	int i = ios_word_is(p->tok[0], "no") && p->ntok > 1 ? 1 : 0;
	const char *w = p->tok[i], *w1 = i + 1 < p->ntok ? p->tok[i + 1] : "";

	return (ios_word_is(w, "ip") && ios_word_is(w1, "address")) || ios_word_is(w, "shutdown") ||
	       ios_word_is(w, "description") || (ios_word_is(w, "crypto") && ios_word_is(w1, "map")) ||
	       ios_word_is(w, "standby") || ios_word_is(w, "vrrp");
}

int ios_sub_interface(struct ios_parser *p)
{
	struct ios_iface *f = &p->cfg->ifaces[p->cur];
	const char *w = p->tok[0], *w1 = p->ntok > 1 ? p->tok[1] : "";

	if (ios_word_is(w, "ip") && ios_word_is(w1, "address"))
		return sub_ip_address(p, f);
	if (ios_word_is(w, "shutdown")) {
		if (p->ntok != 1)
			return ios_perr(p, 1, "'shutdown'");
		f->shutdown = true;
		return 0;
	}
	if (ios_word_is(w, "description")) {
		if (p->ntok < 2)
			return ios_perr(p, 1, "'description TEXT'");
		if (ios_join(p, 1, f->description, sizeof(f->description)) < 0)
			return ios_perr(p, 1, "a description of at most 240 characters");
		return 0;
	}
	if (ios_word_is(w, "crypto") && ios_word_is(w1, "map"))
		return sub_crypto_map(p, f);
	if (ios_word_is(w, "standby") || (ios_word_is(w, "no") && ios_word_is(w1, "standby")))
		return ios_sub_standby(p);
	if (ios_word_is(w, "vrrp") || (ios_word_is(w, "no") && ios_word_is(w1, "vrrp")))
		return ios_sub_vrrp(p);
	if (ios_word_is(w, "no") && p->ntok >= 2) {
		const char *w2 = p->ntok > 2 ? p->tok[2] : "";

		if (ios_word_is(w1, "shutdown")) {
			if (p->ntok != 2)
				return ios_perr(p, 2, "'no shutdown'");
			f->shutdown = false;
			return 0;
		}
		if (ios_word_is(w1, "ip") && ios_word_is(w2, "address")) {
			uint32_t a;
			int k;

			/* no ip address A M secondary: drop that secondary; otherwise all */
			if (p->ntok == 6 && ios_word_is(p->tok[5], "secondary") &&
			    ios_read_ip(p->tok[3], &a) == 0) {
				for (k = 1; k < f->naddrs; k++)
					if (f->addrs[k].addr == a) {
						memmove(&f->addrs[k], &f->addrs[k + 1],
							(size_t)(f->naddrs - k - 1) * sizeof(f->addrs[0]));
						f->naddrs--;
						break;
					}
				return 0;
			}
			f->naddrs = 0;
			return 0;
		}
		if (ios_word_is(w1, "description")) {
			f->description[0] = '\0';
			return 0;
		}
		if (ios_word_is(w1, "crypto") && ios_word_is(w2, "map")) {
			f->crypto_map[0] = f->redundancy[0] = f->stateful[0] = '\0';
			f->map_line = 0;
			return 0;
		}
	}
	return ios_keep(p, p->ctx);
}

/* ---- ip route -------------------------------------------------------------------------- */

static bool route_same(const struct ios_route *a, const struct ios_route *b)
{
	return a->dst.addr == b->dst.addr && a->dst.mask == b->dst.mask && a->nexthop == b->nexthop &&
	       ((!a->ifname[0] && !b->ifname[0]) ||
		(a->ifname[0] && b->ifname[0] && ios_ifname_same(a->ifname, b->ifname)));
}

int ios_cmd_route(struct ios_parser *p, bool *kept)
{
	struct ios_cfg *c = p->cfg;
	struct ios_route r;
	bool have_dist = false;
	int i, k;

	*kept = false;
	memset(&r, 0, sizeof(r));
	r.line = p->line;
	r.iface = -1;
	r.distance = 1;
	if (p->ntok >= 3 && (ios_word_is(p->tok[2], "vrf") || ios_word_is(p->tok[2], "static"))) {
		*kept = true;   /* VRF routes, `ip route static …` options: not implemented */
		return 0;
	}
	if (p->ntok < 3 || ios_read_ip(p->tok[2], &r.dst.addr) < 0)
		return ios_perr(p, 2, FORM_ROUTE);
	if (p->ntok < 4)
		return ios_perr(p, 3, FORM_ROUTE);
	if (read_mask(p, 3, &r.dst.mask, true) < 0)
		return -1;
	if (r.dst.addr & ~r.dst.mask) {
		char what[96], mb[16];

		snprintf(what, sizeof(what), "a prefix without host bits for mask %s",
			 ios_ip_str(r.dst.mask, mb));
		return ios_perr(p, 2, what);
	}
	if (p->ntok < 5)
		return ios_perr(p, 4, FORM_ROUTE);
	i = 4;
	if (ios_read_ip(p->tok[i], &r.nexthop) == 0) {
		i++;
	} else if (ios_ifname_syntax(p->tok[i])) {
		if (strlen(p->tok[i]) >= IOS_NAME_MAX)
			return ios_perr(p, i, "an interface name of at most 63 characters");
		strcpy(r.ifname, p->tok[i++]);
		if (i < p->ntok && ios_read_ip(p->tok[i], &r.nexthop) == 0)
			i++;
	} else {
		return ios_perr(p, i, "a next hop A.B.C.D or an interface name");
	}
	if (r.ifname[0] == '\0' && r.nexthop == 0)
		return ios_perr(p, 4, "a next hop other than 0.0.0.0");
	for (; i < p->ntok; i++) {
		const char *w = p->tok[i];
		uint32_t v;

		if (!have_dist && ios_read_u32(w, 1, 255, &v) == 0) {
			r.distance = v;
			have_dist = true;
		} else if (ios_word_is(w, "tag")) {
			if (i + 1 >= p->ntok || ios_read_u32(p->tok[i + 1], 1, 0xffffffffu, &r.tag) < 0)
				return ios_perr(p, i + 1, "'tag 1-4294967295'");
			r.has_tag = true;
			i++;
		} else if (ios_word_is(w, "name")) {
			if (i + 1 >= p->ntok || strlen(p->tok[i + 1]) >= IOS_NAME_MAX)
				return ios_perr(p, i + 1, "'name NAME' (at most 63 characters)");
			strcpy(r.name, p->tok[++i]);
		} else if (ios_word_is(w, "permanent")) {
			r.permanent = true;
		} else if (ios_word_is(w, "track") || ios_word_is(w, "dhcp") || ios_word_is(w, "global") ||
			   ios_word_is(w, "multicast")) {
			*kept = true;   /* object tracking, DHCP gateway …: not implemented */
			return 0;
		} else {
			return ios_perr(p, i, have_dist ? "'tag TAG', 'name NAME' or 'permanent'"
							: "a distance 1-255, 'tag TAG', 'name NAME' or 'permanent'");
		}
	}
	for (k = 0; k < c->nroutes; k++)
		if (route_same(&c->routes[k], &r)) {
			c->routes[k] = r;     /* IOS: the same route again updates its options */
			return 0;
		}
	if (c->nroutes >= IOS_MAX_ROUTES) {
		char what[48];

		snprintf(what, sizeof(what), "at most %d static routes", IOS_MAX_ROUTES);
		return ios_perr(p, 2, what);
	}
	c->routes[c->nroutes++] = r;
	return 0;
}
