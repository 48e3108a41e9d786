/* ifname.c — IOS interface names to Linux interface names, and name look-ups.
 *
 * An IOS name is a type word and a position ("GigabitEthernet1/0/2", "Gi1/0/2",
 * "Vlan-interface10"). The type word may be abbreviated the way IOS accepts it: any
 * prefix of the full word at least as long as the shortest accepted abbreviation.
 * The position keeps digits and '.', and turns '/' and ':' into '-'.
 */
#include "lab.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

struct if_type {
	const char *full;      /* full type word, case-insensitive */
	size_t min;            /* shortest accepted abbreviation */
	const char *linux;     /* Linux prefix */
};

/* Order matters where abbreviations overlap: the first row that accepts the word wins. */
static const struct if_type if_types[] = {
	{ "GigabitEthernet",      2, "ge" },
	{ "GigE",                 4, "ge" },
	{ "FastEthernet",         2, "fa" },
	{ "TenGigabitEthernet",   2, "te" },
	{ "TenGigE",              7, "te" },
	{ "TwentyFiveGigE",       3, "twe" },
	{ "FortyGigabitEthernet", 2, "fo" },
	{ "HundredGigE",          2, "hu" },
	{ "Ethernet",             1, "e" },
	{ "Loopback",             2, "loop" },
	{ "Serial",               1, "se" },
	{ "Tunnel",               2, "tu" },
	{ "Vlan-interface",       2, "vlan" },
	{ "Port-channel",         2, "po" },
	{ "Bridge-Aggregation",   3, "bagg" },
	{ "Route-Aggregation",    3, "ragg" },
	{ "M-GigabitEthernet",    3, "mge" },
	{ "Dialer",               2, "di" },
	{ "Virtual-Template",     2, "vt" },
	{ "Null",                 2, "null" },
};

static const char *if_type_linux(const char *word, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(if_types) / sizeof(if_types[0]); i++) {
		const struct if_type *ty = &if_types[i];

		if (len >= ty->min && len <= strlen(ty->full) && strncasecmp(word, ty->full, len) == 0)
			return ty->linux;
	}
	return NULL;
}

int lab_ifname_from_ios(const char *ios, char out[16])
{
	char buf[64];
	size_t wlen = 0, n;
	const char *pfx, *p;

	while (isalpha((unsigned char)ios[wlen]) || (wlen > 0 && ios[wlen] == '-' &&
						      isalpha((unsigned char)ios[wlen + 1])))
		wlen++;
	if (wlen == 0 || ios[wlen] == '\0')
		return -1;
	pfx = if_type_linux(ios, wlen);
	if (!pfx)
		return -1;
	n = strlen(pfx);
	memcpy(buf, pfx, n);
	for (p = ios + wlen; *p; p++) {
		char c = *p;

		if (n >= sizeof(buf) - 1)
			return -1;
		if (c == '/' || c == ':')
			c = '-';
		else if (!isdigit((unsigned char)c) && c != '.')
			return -1;
		buf[n++] = c;
	}
	buf[n] = '\0';
	if (n > 15)
		return -1;
	memcpy(out, buf, n + 1);
	return 0;
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
