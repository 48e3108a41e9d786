/* driver.c — the registry of daemon drivers and what runs on a node.
 *
 * driver_find() maps a daemon name as written in a .node file ("strongswan",
 * "keepalived", "bird", "libreswan", "refgw") to its ops table. driver_node_daemons()
 * composes a node: its `daemon` lines, plus BIRD beside refgw when refgw's configuration
 * has `router ospf` (issue 5: refgw's config drives a BIRD in the same namespace).
 */
#include <string.h>
#include "driver.h"
#include "rt_bird.h"

static const struct driver *const drivers[] = {
	&driver_refgw,
	&driver_strongswan,
	&driver_keepalived,
	&driver_bird,
	&driver_libreswan,
};

const struct driver *driver_find(const char *name)
{
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (strcmp(drivers[i]->name, name) == 0)
			return drivers[i];
	return NULL;
}

int driver_node_daemons(const struct node_spec *s, const char *out[NODE_MAX_DAEMONS], char *err, size_t len)
{
	int n = 0, bird = 0, refgw = 0;

	for (int i = 0; i < s->ndaemons && n < NODE_MAX_DAEMONS; i++) {
		out[n++] = s->daemons[i];
		bird |= !strcmp(s->daemons[i], "bird");
		refgw |= !strcmp(s->daemons[i], "refgw");
	}
	if (!refgw || bird || !s->config[0])
		return n;
	struct ios_cfg *cfg = ios_cfg_load_file(s->config, err, len);
	if (!cfg)
		return -1;
	int wanted = rt_bird_wanted(cfg);
	ios_cfg_free(cfg);
	if (!wanted)
		return n;
	if (n == NODE_MAX_DAEMONS) {
		snprintf(err, len, "%s: refgw's `router ospf` needs BIRD beside it, but the node already runs %d daemons",
			 s->file, NODE_MAX_DAEMONS);
		return -1;
	}
	out[n++] = "bird";           /* after refgw: started after it, stopped before it */
	return n;
}
