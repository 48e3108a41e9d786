/* gw_route_show.c — `show ip route` [--json]: the kernel main table as IOS prints it.
 *
 * The routes come through the kern ops (route_dump, so tests run it on the mock); their
 * kind follows the encoding of reference/route/rt_show.h: refgw's `ip route` lines
 * (RTPROT_STATIC, distance in the metric) and RRI routes (protocol 201) are S, the OSPF
 * routes BIRD installs beside refgw (protocol bird, kind in the metric) O / O IA / O E1 /
 * O E2, interface routes C. Interface names are the configuration's IOS names. Text and
 * JSON come from the one formatter the harness uses for BIRD-only routers (rt_show.c).
 */
#include "gw.h"

#include <stdlib.h>
#include "rt_show.h"

static void dump_cb(void *arg, const struct kern_route *r, int connected)
{
	rt_list_add(arg, r->dst, r->plen, r->via, r->oif, r->protocol, r->metric, r->realm, connected != 0);
}

static const char *ios_name(void *arg, const char *lnx)
{
	const struct ios_iface *ifc = ios_cfg_iface_find(arg, lnx);

	return ifc ? ifc->name : NULL;
}

void gw_route_show(struct gw *g, FILE *out, int json)
{
	struct rt_list *l = calloc(1, sizeof(*l));

	if (!l) {
		fprintf(out, "%% out of memory\n");
		return;
	}
	g->kern->route_dump(g->kern->k, 254, dump_cb, l);
	rt_list_select(l);
	rt_list_rename(l, ios_name, g->cfg);
	if (json)
		rt_show_json(l, out);
	else
		rt_show_text(l, out, true);
	free(l);
}
