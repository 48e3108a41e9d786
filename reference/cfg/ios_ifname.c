/* ios_ifname.c — IOS interface names to Linux interface names: the one mapping refgw
 * and the lab (netns-lab's lab_ifname_from_ios wraps it) both use, so a name in a node
 * config and the veth the lab creates for it always agree.
 *
 * An IOS name is a type word and a position ("GigabitEthernet1/0/2", "Gi1/0/2",
 * "Vlan-interface10"). The type word may be abbreviated the way IOS accepts it: any
 * prefix of the full word at least as long as the shortest accepted abbreviation.
 * The position keeps digits and '.', and turns '/' and ':' into '-'.
 */
#include "ios_cfg.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

struct if_type {
	const char *full;      /* full type word, case-insensitive */
	size_t min;            /* shortest accepted abbreviation */
	const char *lnx;       /* Linux prefix */
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
	{ "ATM",                  2, "atm" },
};

static const char *if_type_linux(const char *word, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(if_types) / sizeof(if_types[0]); i++) {
		const struct if_type *ty = &if_types[i];

		if (len >= ty->min && len <= strlen(ty->full) && strncasecmp(word, ty->full, len) == 0)
			return ty->lnx;
	}
	return NULL;
}

int ios_ifname_linux(const char *ios, char out[16])
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

bool ios_ifname_same(const char *a, const char *b)
{
	char la[16], lb[16];
	bool ma = ios_ifname_linux(a, la) == 0, mb = ios_ifname_linux(b, lb) == 0;

	if (strcasecmp(a, b) == 0)
		return true;
	if (ma && mb)
		return strcmp(la, lb) == 0;
	if (ma)
		return strcmp(la, b) == 0;      /* b given as a Linux name */
	if (mb)
		return strcmp(lb, a) == 0;
	return false;
}
