/* ifname.c — IOS interface names to Linux interface names, and name look-ups.
 *
 * The mapping itself lives in refgw's configuration layer (reference/cfg/ios_ifname.c,
 * ios_ifname_linux) so that a name in a node config and the interface the lab creates
 * for it are always the same; lab_ifname_from_ios is a thin wrapper kept for the lab's
 * callers.
 */
#include "lab.h"
#include "ios_cfg.h"

#include <string.h>
#include <strings.h>

int lab_ifname_from_ios(const char *ios, char out[16])
{
	return ios_ifname_linux(ios, out);
}

int lab_find_node(const struct lab_topo *t, const char *name)
{
	int i;

	for (i = 0; i < t->nnodes; i++)
		if (strcmp(t->nodes[i].name, name) == 0)
			return i;
	return -1;
}

int lab_find_if(const struct lab_node *n, const char *name)
{
	char want[16];
	int i, mapped = lab_ifname_from_ios(name, want) == 0;

	for (i = 0; i < n->nifs; i++)
		if (strcasecmp(n->ifs[i].ios, name) == 0 || strcmp(n->ifs[i].linux_name, name) == 0)
			return i;
	if (!mapped)
		return -1;
	for (i = 0; i < n->nifs; i++) {
		char have[16];

		if (strcmp(n->ifs[i].linux_name, want) == 0)
			return i;
		if (lab_ifname_from_ios(n->ifs[i].ios, have) == 0 && strcmp(have, want) == 0)
			return i;
	}
	return -1;
}
