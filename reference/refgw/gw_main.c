/* refgw — the reference IKEv1/ESP gateway, configured from an IOS-style router config.
 *
 *   refgw -f vpn7200.cfg [--log FILE] [--keys DIR] [--time-scale F]
 *   refgw --check -f vpn7200.cfg      load the configuration, list what is not applied
 *
 * Start-up: load the configuration (a syntax error stops here with file:line), open the
 * sockets and the TUN device, apply interfaces / addresses / static routes / crypto-ACL
 * steering to this network namespace, start the IKE engine, then run one event loop.
 * SIGTERM/SIGINT: Delete notifications for every SA, steering removed, exit 0.
 */
#include "gw.h"
#include "ike_crypto.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: refgw -f CONFIG [--log FILE] [--keys DIR] [--time-scale F]\n"
		   "       refgw --check -f CONFIG\n");
}

static void on_signal(void *arg, int signo)
{
	struct gw *g = arg;

	if (g->stopping)
		return;
	g->stopping = 1;
	gw_log(g, "%%SYS-5-RELOAD: %s received, deleting all SAs", strsignal(signo));
	ike_shutdown(g->ike, loop_now_ms(g->loop));
	loop_stop(g->loop);
}

static int check_only(const char *path)
{
	struct ios_cfg *cfg;
	char err[1024];

	cfg = ios_cfg_load_file(path, err, sizeof(err));
	if (!cfg) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	ios_cfg_not_applied(cfg, stdout);
	ios_cfg_free(cfg);
	return 0;
}

int main(int argc, char **argv)
{
	static struct gw gw;
	struct gw *g = &gw;
	const char *cfg = NULL, *log = NULL, *keys = NULL;
	double scale = 1.0;
	int check = 0, i, rc = 1;
	char err[1024] = "";

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-f") && i + 1 < argc)
			cfg = argv[++i];
		else if (!strcmp(argv[i], "--log") && i + 1 < argc)
			log = argv[++i];
		else if (!strcmp(argv[i], "--keys") && i + 1 < argc)
			keys = argv[++i];
		else if (!strcmp(argv[i], "--time-scale") && i + 1 < argc) {
			char *end;

			scale = strtod(argv[++i], &end);
			if (*end || !(scale > 0 && scale <= 1.0)) {
				fprintf(stderr, "refgw: --time-scale expects a number in (0, 1], got '%s'\n", argv[i]);
				return 2;
			}
		} else if (!strcmp(argv[i], "--check"))
			check = 1;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "refgw: unknown argument '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (!cfg) {
		usage(stderr);
		return 2;
	}
	if (check)
		return check_only(cfg);

	g->tun_fd = g->udp500 = g->udp4500 = g->esp_raw = -1;
	g->log = stderr;
	if (log && !(g->log = fopen(log, "a"))) {
		fprintf(stderr, "refgw: %s: %s\n", log, strerror(errno));
		return 2;
	}
	if (keys)
		snprintf(g->keys_dir, sizeof(g->keys_dir), "%s", keys);
	snprintf(g->cfg_path, sizeof(g->cfg_path), "%s", cfg);
	g->cfg = ios_cfg_load_file(cfg, err, sizeof(err));
	if (!g->cfg) {
		fprintf(stderr, "refgw: %s\n", err);
		gw_log(g, "%%PARSER-3-CONFIG: %s", err);
		return 2;
	}
	snprintf(g->hostname, sizeof(g->hostname), "%s", ios_cfg_hostname(g->cfg));
	g->pkt = malloc(GW_PKT_MAX);
	g->rxbuf = malloc((size_t)GW_BATCH * GW_BUF);
	g->txbuf = malloc((size_t)GW_BATCH * GW_BUF);
	g->loop = loop_new(scale);
	g->kern = kern_linux();
	g->sadb = esp_sadb_new();
	if (!g->pkt || !g->rxbuf || !g->txbuf || !g->loop || !g->sadb) {
		fprintf(stderr, "refgw: out of memory\n");
		return 2;
	}
	gw_log(g, "%%SYS-5-CONFIG: %s (%s) starting, time scale %g", g->hostname, cfg, scale);
	if (gw_io_open(g, err, sizeof(err)) < 0 || gw_apply_config(g, err, sizeof(err)) < 0 ||
	    gw_build_ike_cfg(g, &g->ike_cfg, err, sizeof(err)) < 0 || gw_apply_steering(g, err, sizeof(err)) < 0)
		goto out;
	{
		struct ike_ops ops = gw_ike_ops_template;
		unsigned groups[16], k;

		/* the first Main Mode costs no more than the others */
		for (k = 0; k < g->ike_cfg.npolicies && k < 16; k++)
			groups[k] = g->ike_cfg.policies[k].group;
		if (ikc_warm_up(groups, k) < 0)
			gw_log(g, "%%CRYPTO-4-INIT: some algorithm is not available from OpenSSL");
		ops.ctx = g;
		g->ike = ike_new(&g->ike_cfg, &ops);
		if (!g->ike) {
			snprintf(err, sizeof(err), "IKE engine: cannot start");
			goto out;
		}
	}
	gw_flows_rebuild(g);
	if (gw_fhrp_start(g, err, sizeof(err)) < 0)     /* HSRP/VRRP groups (gw_fhrp.c) */
		goto out;
	loop_signal(g->loop, SIGTERM, on_signal, g);
	loop_signal(g->loop, SIGINT, on_signal, g);
	signal(SIGPIPE, SIG_IGN);
	gw_log(g, "%%SYS-5-RESTART: %s ready: %u crypto map entr%s, %u flow%s", g->hostname, g->ike_cfg.nconns,
	       g->ike_cfg.nconns == 1 ? "y" : "ies", g->nflows, g->nflows == 1 ? "" : "s");
	gw_ike_schedule(g);
	gw_dpd_start(g);
	loop_run(g->loop);
	rc = 0;
out:
	if (rc) {
		fprintf(stderr, "refgw: %s\n", err);
		gw_log(g, "%%SYS-3-START: %s", err);
	}
	gw_fhrp_stop(g);        /* HSRP Resign / VRRP priority 0, virtual MACs removed */
	gw_children_flush(g);
	if (g->ike)
		ike_free(g->ike);
	g->kern->steer_clear(g->kern->k, NULL, 0);
	gw_io_close(g);
	esp_sadb_free(g->sadb);
	loop_free(g->loop);
	ios_cfg_free(g->cfg);
	free(g->pkt);
	free(g->rxbuf);
	free(g->txbuf);
	if (g->log && g->log != stderr)
		fclose(g->log);
	return rc ? 2 : 0;
}
