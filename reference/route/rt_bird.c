/* rt_bird.c — IOS `router ospf` + `route-map` → bird.conf (BIRD 2.0.12). What each IOS
 * line becomes is in rt_bird.h; the kernel-metric encoding of OSPF kinds in rt_show.h. */
#include "rt_bird.h"

#include <string.h>
#include <strings.h>
#include "rt_show.h"

static const char *ip_str(uint32_t a, char *b)
{
	snprintf(b, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
	return b;
}

static bool is_loopback(const struct ios_iface *ifc)
{
	return !strncasecmp(ifc->name, "lo", 2);
}

bool rt_bird_wanted(const struct ios_cfg *cfg)
{
	return cfg && cfg->ospf.on;
}

uint32_t rt_bird_router_id(const struct ios_cfg *cfg)
{
	uint32_t best_lo = 0, best = 0;

	if (cfg->ospf.router_id)
		return cfg->ospf.router_id;
	/* IOS: the highest Loopback address, else the highest address of an interface that is up */
	for (int i = 0; i < cfg->nifaces; i++) {
		const struct ios_iface *ifc = &cfg->ifaces[i];

		if (ifc->shutdown)
			continue;
		for (int a = 0; a < ifc->naddrs; a++) {
			uint32_t x = ifc->addrs[a].addr;

			if (is_loopback(ifc) && x > best_lo)
				best_lo = x;
			if (x > best)
				best = x;
		}
	}
	return best_lo ? best_lo : best;
}

/* The `network` statement an interface falls under: the most specific one that holds one
 * of its addresses (IOS matches the longest mask whatever the order of the lines). */
static const struct ios_ospf_net *iface_net(const struct ios_cfg *cfg, const struct ios_iface *ifc)
{
	const struct ios_ospf_net *best = NULL;

	for (int a = 0; a < ifc->naddrs; a++)
		for (int k = 0; k < cfg->ospf.nnets; k++) {
			const struct ios_ospf_net *n = &cfg->ospf.nets[k];
			uint32_t care = ~n->wild;

			if ((ifc->addrs[a].addr & care) != (n->addr & care))
				continue;
			if (!best || __builtin_popcount(n->wild) < __builtin_popcount(best->wild))
				best = n;
		}
	return best;
}

static bool is_passive(const struct ios_cfg *cfg, const struct ios_iface *ifc)
{
	bool listed = false;

	for (int k = 0; k < cfg->ospf.npassive; k++)
		listed |= ios_ifname_same(cfg->ospf.passive[k], ifc->name);
	/* under `passive-interface default` the list holds the `no passive-interface` ones */
	return cfg->ospf.passive_default ? !listed : listed;
}

/* IOS's default cost 10^8 / bandwidth: Ethernet 10, Serial (T1) 64, the rest 1 (Fast/
 * Gigabit Ethernet, Loopback) — so "O 99.99.99.99 [110/2]" reads as in seed 001. */
static unsigned iface_cost(const struct ios_iface *ifc)
{
	if (!strncasecmp(ifc->name, "Ethernet", 8) || !strncasecmp(ifc->name, "Eth", 3))
		return 10;
	if (!strncasecmp(ifc->name, "Serial", 6) || !strncasecmp(ifc->name, "Se", 2))
		return 64;
	return 1;
}

static void write_area(const struct ios_cfg *cfg, const struct rt_bird_opts *o, FILE *f, uint32_t area)
{
	char b[16];

	fprintf(f, "\tarea %s {\n", ip_str(area, b));
	for (int i = 0; i < cfg->nifaces; i++) {
		const struct ios_iface *ifc = &cfg->ifaces[i];
		const struct ios_ospf_net *n;

		if (ifc->shutdown || !ifc->lnx[0] || !ifc->naddrs)
			continue;
		n = iface_net(cfg, ifc);
		if (!n || n->area != area)
			continue;
		fprintf(f, "\t\t# %s (%s:%d: network %s", ifc->name, cfg->fname, n->line, ip_str(n->addr, b));
		fprintf(f, " %s area %u)\n", ip_str(n->wild, b), n->area);
		if (is_loopback(ifc) || is_passive(cfg, ifc))
			fprintf(f, "\t\tinterface \"%s\" { stub yes; cost %u; };\n", ifc->lnx, iface_cost(ifc));
		else if (o->fast_timers)
			fprintf(f, "\t\tinterface \"%s\" { cost %u; hello 1; dead 4; retransmit 2; wait 2; };\n",
				ifc->lnx, iface_cost(ifc));
		else
			fprintf(f, "\t\tinterface \"%s\" { cost %u; hello 10; dead 40; retransmit 5; wait 40; };\n",
				ifc->lnx, iface_cost(ifc));
	}
	fprintf(f, "\t};\n");
}

/* The external's metric and type, then accept: `ospf_metric1` makes an E1, `ospf_metric2`
 * an E2 (BIRD's OSPF export). */
static void write_accept(FILE *f, const char *ind, uint32_t metric, unsigned type)
{
	if (type == 1)
		fprintf(f, "%sospf_metric1 = %u; ospf_tag = t; accept;\n", ind, metric);
	else
		fprintf(f, "%sospf_metric2 = %u; ospf_tag = t; accept;\n", ind, metric);
}

/* One `redistribute …` source: t already holds the route's tag. */
static void write_redist(const struct ios_cfg *cfg, FILE *f, const struct ios_redist *r)
{
	const char *ind = "\t\t";
	bool any = false;

	if (!r->subnets)
		/* IOS without `subnets`: classful networks only (A /8, B /16, C /24) */
		fprintf(f, "%sif !(net ~ [ 0.0.0.0/1{8,8}, 128.0.0.0/2{16,16}, 192.0.0.0/3{24,24} ]) then reject;\n",
			ind);
	if (r->has_tag)
		fprintf(f, "%st = %u;\n", ind, r->tag);
	if (!r->route_map[0]) {
		write_accept(f, ind, r->metric ? r->metric : 20, r->metric_type ? r->metric_type : 2);
		return;
	}
	/* the route-map's entries in sequence order; the first that matches decides */
	for (int i = 0; i < cfg->nrmap; i++) {
		const struct ios_rmap_entry *e = &cfg->rmap[i];
		uint32_t metric = e->has_set_metric ? e->set_metric : r->metric ? r->metric : 20;
		unsigned type = e->set_metric_type ? e->set_metric_type : r->metric_type ? r->metric_type : 2;

		if (strcmp(e->name, r->route_map))
			continue;
		any = true;
		fprintf(f, "%s# %s:%d: route-map %s %s %u\n", ind, cfg->fname, e->line, e->name,
			e->permit ? "permit" : "deny", e->seq);
		if (e->ntags) {
			fprintf(f, "%sif t ~ [ ", ind);
			for (int k = 0; k < e->ntags; k++)
				fprintf(f, "%s%u", k ? ", " : "", e->tags[k]);
			fprintf(f, " ] then {\n");
		} else {
			fprintf(f, "%sif true then {\t# no match clause: every route\n", ind);
		}
		if (!e->permit) {
			fprintf(f, "%s\treject;\n%s}\n", ind, ind);
			continue;
		}
		if (e->has_set_tag)
			fprintf(f, "%s\tt = %u;\n", ind, e->set_tag);
		write_accept(f, "\t\t\t", metric, type);
		fprintf(f, "%s}\n", ind);
	}
	fprintf(f, "%s# %s\n%sreject;\n", ind, any ? "no entry matched: the route-map's implicit deny" :
		"route-map not defined: IOS redistributes nothing", ind);
}

static void write_redistribute_filter(const struct ios_cfg *cfg, FILE *f)
{
	const struct ios_ospf *o = &cfg->ospf;

	fprintf(f, "# What OSPF originates as externals (IOS redistribution into OSPF).\n");
	fprintf(f, "filter ihh_to_ospf\nint t;\n{\n\tt = 0;\n");
	fprintf(f, "\tif net = 0.0.0.0/0 then {\n");
	if (o->default_originate) {
		fprintf(f, "\t\t# %s:%d: default-information originate%s\n", cfg->fname, o->default_line,
			o->default_always ? " always" : "");
		fprintf(f, "\t\tif source ~ [ RTS_OSPF, RTS_OSPF_IA, RTS_OSPF_EXT1, RTS_OSPF_EXT2 ] then reject;\n");
		write_accept(f, "\t\t", o->default_metric ? o->default_metric : 1,
			     o->default_metric_type ? o->default_metric_type : 2);
	} else {
		fprintf(f, "\t\treject;\t# no default-information originate\n");
	}
	fprintf(f, "\t}\n");
	if (o->redist_static.on) {
		fprintf(f, "\t# %s:%d: redistribute static: refgw's `ip route` (kernel protocol static/boot) and "
			"RRI (protocol %d), tag = realm\n", cfg->fname, o->redist_static.line, RT_RTPROT_RRI);
		fprintf(f, "\tif source = RTS_INHERIT && krt_source ~ [ 3, 4, %d ] then {\n", RT_RTPROT_RRI);
		fprintf(f, "\t\tif defined(krt_realm) then t = krt_realm;\n");
		write_redist(cfg, f, &o->redist_static);
		fprintf(f, "\t}\n");
	}
	if (o->redist_connected.on) {
		fprintf(f, "\t# %s:%d: redistribute connected\n", cfg->fname, o->redist_connected.line);
		fprintf(f, "\tif source = RTS_DEVICE then {\n");
		write_redist(cfg, f, &o->redist_connected);
		fprintf(f, "\t}\n");
	}
	fprintf(f, "\treject;\n}\n\n");
}

/* OSPF routes into the kernel, the kind in the metric (rt_show.h) and the tag in the realm. */
static void write_kernel_filter(FILE *f)
{
	static const struct { const char *src, *metric; enum rt_kind kind; bool ext; } k[] = {
		{ "RTS_OSPF", "ospf_metric1", RT_OSPF, false },
		{ "RTS_OSPF_IA", "ospf_metric1", RT_OSPF_IA, false },
		{ "RTS_OSPF_EXT1", "ospf_metric1", RT_OSPF_E1, true },
		{ "RTS_OSPF_EXT2", "ospf_metric2", RT_OSPF_E2, true },
	};

	fprintf(f, "# OSPF routes into the kernel: metric = kind x %u + cost (1 O, 2 IA, 3 E1, 4 E2), "
		"realm = OSPF tag\n", RT_KMETRIC_UNIT);
	fprintf(f, "filter ihh_to_kernel\n{\n");
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		uint32_t base = rt_kmetric(k[i].kind, 0);

		fprintf(f, "\tif source = %s then {\n", k[i].src);
		fprintf(f, "\t\tif %s > %u then krt_metric = %u; else krt_metric = %u + %s;\n", k[i].metric,
			RT_KMETRIC_UNIT - 1, base + RT_KMETRIC_UNIT - 1, base, k[i].metric);
		if (k[i].ext)
			fprintf(f, "\t\tif defined(ospf_tag) then krt_realm = ospf_tag;\n");
		fprintf(f, "\t\taccept;\n\t}\n");
	}
	fprintf(f, "\treject;\n}\n\n");
}

int rt_bird_conf(const struct ios_cfg *cfg, const struct rt_bird_opts *o, FILE *f, char *err, size_t errlen)
{
	static const struct rt_bird_opts defaults;
	const struct ios_ospf *os = &cfg->ospf;
	uint32_t rid = rt_bird_router_id(cfg);
	char b[16];

	if (!o)
		o = &defaults;
	if (!os->on) {
		snprintf(err, errlen, "%s: no `router ospf` process: nothing for BIRD to run", cfg->fname);
		return -1;
	}
	fprintf(f, "# bird.conf generated by the ipsec-ha-harness from %s:%d: router ospf %u\n", cfg->fname,
		os->line, os->pid);
	if (o->log_path)
		fprintf(f, "log \"%s\" all;\n", o->log_path);
	fprintf(f, "timeformat log \"%%F %%T.%%3f\";\ntimeformat route \"%%F %%T.%%3f\";\n");
	fprintf(f, "router id %s;\n\n", ip_str(rid ? rid : 0x01010101u, b));
	write_redistribute_filter(cfg, f);
	write_kernel_filter(f);
	fprintf(f, "protocol device { scan time 10; }\n");
	/* the interfaces' networks: they beat OSPF's own stub routes for them (preference 240
	 * over 150), so no "O" route for a connected network reaches the kernel */
	fprintf(f, "protocol direct { ipv4; }\n");
	/* preference 254: a static/RRI route (IOS distance 1) beats OSPF's (110) as in the RIB;
	 * metric 0: the per-route krt_metric of ihh_to_kernel is what the kernel gets */
	fprintf(f, "protocol kernel ihh_kernel {\n\tipv4 { preference 254; import all; export filter ihh_to_kernel; };\n"
		"\tlearn;\n\tmetric 0;\n\tscan time %u;\n}\n", o->kernel_scan_s ? o->kernel_scan_s : 2);
	if (os->default_originate && os->default_always)
		/* `always`: originated even without a default in the table; never in the kernel */
		fprintf(f, "protocol static ihh_default {\n\tipv4;\n\troute 0.0.0.0/0 blackhole;\n}\n");
	fprintf(f, "\nprotocol ospf v2 ihh_ospf {\n\tdebug { states, events };\n\tecmp yes;\n\tmerge external yes;\n");
	fprintf(f, "\tipv4 { import all; export filter ihh_to_ospf; };\n");
	for (int k = 0; k < os->nnets; k++) {
		bool seen = false;

		for (int j = 0; j < k; j++)
			seen |= os->nets[j].area == os->nets[k].area;
		if (!seen)
			write_area(cfg, o, f, os->nets[k].area);
	}
	if (!os->nnets)
		fprintf(f, "\tarea 0 {\n\t};\n");
	fprintf(f, "}\n");
	return ferror(f) ? (snprintf(err, errlen, "%s: cannot write bird.conf", cfg->fname), -1) : 0;
}
