/* rt_birdconf.c — print the bird.conf rt_bird makes from an IOS configuration:
 *   rt_birdconf [--fast] [--log PATH] CONFIG.cfg
 * (a tool for trying configs by hand and for the lab run; not a test). */
#include <stdio.h>
#include <string.h>
#include "rt_bird.h"

int main(int argc, char **argv)
{
	struct rt_bird_opts o = { NULL, false, 0 };
	struct ios_cfg *cfg;
	char err[512];
	int i, rc;

	for (i = 1; i < argc - 1; i++) {
		if (!strcmp(argv[i], "--fast"))
			o.fast_timers = true;
		else if (!strcmp(argv[i], "--log") && i + 1 < argc - 1)
			o.log_path = argv[++i];
		else
			break;
	}
	if (i != argc - 1) {
		fprintf(stderr, "usage: rt_birdconf [--fast] [--log PATH] CONFIG.cfg\n");
		return 2;
	}
	cfg = ios_cfg_load_file(argv[i], err, sizeof(err));
	if (!cfg) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	rc = rt_bird_conf(cfg, &o, stdout, err, sizeof(err));
	if (rc)
		fprintf(stderr, "%s\n", err);
	ios_cfg_free(cfg);
	return rc ? 1 : 0;
}
