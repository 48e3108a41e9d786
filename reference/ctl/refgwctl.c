/* refgwctl — talk to a running refgw: IOS-style show / clear / configure.
 *
 *   refgwctl -n vpn7200 show crypto isakmp sa [detail]
 *   refgwctl -n vpn7200 --json show crypto ipsec sa
 *   refgwctl -n 7204VXR-1 configure 'interface Fa0/0' shutdown
 *   echo 'interface Fa0/0
 *   no shutdown' | refgwctl -n 7204VXR-1 configure -
 *
 * -n NODE enters the lab node's network namespace (ihh-<run>-NODE) first; without it,
 * refgwctl talks to the refgw of its own namespace.
 */
#include "ctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: refgwctl [-n NODE [--run RUNID]] [--json] COMMAND...\n"
		"  show crypto isakmp sa [detail] | show crypto ipsec sa | show crypto session\n"
		"  show ip route | show running-config | show counters\n"
		"  show standby [brief] | show vrrp [brief]   (HSRP / VRRP groups)\n"
		"  clear crypto sa | clear crypto isakmp\n"
		"  configure LINE... (each argument one line; '-' reads lines from stdin)\n");
}

static int append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 2 > *cap) {
		size_t nc = (*cap ? *cap * 2 : 256) + n;
		char *nb = realloc(*buf, nc);

		if (!nb)
			return -1;
		*buf = nb;
		*cap = nc;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
	return 0;
}

int main(int argc, char **argv)
{
	const char *node = NULL, *run = NULL;
	char *req = NULL, *body = NULL, err[512];
	size_t len = 0, cap = 0;
	int json = 0, i, status = 1, configure;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			node = argv[++i];
		else if (!strcmp(argv[i], "--run") && i + 1 < argc)
			run = argv[++i];
		else if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "refgwctl: unknown option %s\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	configure = !strcmp(argv[i], "configure");
	if (json)
		append(&req, &len, &cap, "json ", 5);
	if (configure) {
		append(&req, &len, &cap, "configure\n", 10);
		for (i++; i < argc; i++) {
			if (!strcmp(argv[i], "-")) {
				char line[4096];

				while (fgets(line, sizeof(line), stdin))
					append(&req, &len, &cap, line, strlen(line));
				append(&req, &len, &cap, "\n", 1);
			} else {
				append(&req, &len, &cap, argv[i], strlen(argv[i]));
				append(&req, &len, &cap, "\n", 1);
			}
		}
	} else {
		for (; i < argc; i++) {
			append(&req, &len, &cap, argv[i], strlen(argv[i]));
			append(&req, &len, &cap, i + 1 < argc ? " " : "\n", 1);
		}
	}
	if (!req) {
		fprintf(stderr, "refgwctl: out of memory\n");
		return 2;
	}
	if (node && ctl_enter_node(node, run, err, sizeof(err)) < 0) {
		fprintf(stderr, "refgwctl: %s\n", err);
		free(req);
		return 2;
	}
	if (ctl_request(NULL, req, &body, &status, err, sizeof(err)) < 0) {
		fprintf(stderr, "refgwctl: %s\n", err);
		free(req);
		return 2;
	}
	fputs(body, status ? stderr : stdout);
	free(body);
	free(req);
	return status ? 1 : 0;
}
