/* fuzz_config.c — libFuzzer target for the IOS configuration parser: any bytes are
 * parsed; an error must read "config.cfg:LINE: expected …" or "config.cfg: expected …";
 * an accepted config is walked by every look-up (routes, crypto ACL selectors, maps,
 * interfaces), and its show-run text must read back to the same text; then its first
 * line goes through ios_cfg_apply_global_line (refgwctl `configure`): refused with
 * "configure:1: expected …", or applied with a show-run that still reads back.
 * Seed corpus: the .cfg files in reference/cfg/tests/seeds/ and reference/cfg/fuzz/corpus/
 * (fhrp-routing.cfg: every standby/vrrp/track/router ospf/route-map form).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ios_cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ios_cfg *c1, *c2;
static struct ios_route_res res[IOS_MAX_ROUTES];
static struct ios_flow flows[IOS_MAX_ACES];

static char *write_text(const struct ios_cfg *c, size_t *len)
{
	char *buf = NULL;
	FILE *fp = open_memstream(&buf, len);

	if (!fp)
		abort();
	ios_cfg_write(c, fp);
	fclose(fp);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char fname[] = "config.cfg";
	const struct ios_map_entry *e = NULL;
	char err[1024], line[256];
	size_t l1, l2;
	char *w1, *w2;
	int i, n;

	if (!c1 && (!(c1 = ios_cfg_alloc()) || !(c2 = ios_cfg_alloc())))
		abort();
	if (ios_cfg_parse((const char *)data, size, fname, c1, err, sizeof(err)) != 0) {
		if (strncmp(err, fname, sizeof(fname) - 1) != 0 || !strstr(err, ": expected "))
			abort();
		return 0;
	}
	n = ios_route_resolve(c1, NULL, res, IOS_MAX_ROUTES);
	for (i = 0; i < n; i++)
		ios_route_res_str(c1, &res[i], line, sizeof(line));
	while ((e = ios_cfg_map_next(c1, NULL, e)) != NULL) {
		if (e->acl[0])
			ios_acl_flows(c1, e->acl, flows, IOS_MAX_ACES, err, sizeof(err));
		ios_cfg_map_iface(c1, e->map, NULL);
	}
	{
		const struct ios_fhrp *g = NULL;

		while ((g = ios_cfg_fhrp_next(c1, -1, g)) != NULL)
			if (g->name[0] && !ios_cfg_fhrp_find(c1, g->iface, g->name))
				abort();
		for (i = 0; i < c1->nrmap; i++)
			ios_rmap_match_tag(c1, c1->rmap[i].name, true, c1->rmap[i].ntags ? c1->rmap[i].tags[0] : 0,
					   NULL);
	}
	w1 = write_text(c1, &l1);
	if (ios_cfg_parse(w1, l1, "w.cfg", c2, err, sizeof(err)) != 0)
		abort();        /* show-run output must read back */
	w2 = write_text(c2, &l2);
	if (l1 != l2 || memcmp(w1, w2, l1) != 0)
		abort();        /* … to the same model */
	free(w1);
	free(w2);
	/* the first line again as a refgwctl `configure` line on the loaded model */
	{
		char rl[IOS_LINE_MAX + 64];
		const char *nl = memchr(data, '\n', size);
		size_t ll = nl ? (size_t)(nl - (const char *)data) : size;

		if (ll >= sizeof(rl))
			ll = sizeof(rl) - 1;
		memcpy(rl, data, ll);
		rl[ll] = '\0';
		if (ios_cfg_apply_global_line(c1, rl, "configure", 1, err, sizeof(err)) != 0) {
			if (strncmp(err, "configure:1: expected ", 22) != 0)
				abort();
			return 0;
		}
		w1 = write_text(c1, &l1);
		if (ios_cfg_parse(w1, l1, "w.cfg", c2, err, sizeof(err)) != 0)
			abort();
		free(w1);
	}
	return 0;
}
