/* driver.c — the registry of daemon drivers.
 *
 * driver_find() maps a daemon name as written in a .node file ("strongswan",
 * "keepalived", "bird", "libreswan", "refgw") to its ops table.
 */
#include <string.h>
#include "driver.h"

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
