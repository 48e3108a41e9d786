/* drv_bird.c — BIRD 2.0.12 as the OSPF router: an inside router of its own (`daemon bird`
 * + `config R.cfg`, IOS-style like seed 001's 7206-1 or seed 000's R3), beside refgw
 * when refgw's configuration has `router ospf` (added by driver_node_daemons(): "refgw's
 * config drives BIRD", started after refgw in the same namespace), or from a node file's
 * `ospf router-id` / `ospf network P/L area N` lines.
 *
 * bird.conf comes from reference/route/rt_bird.c (the IOS `router ospf` / `route-map`
 * model → BIRD): the node-file lines are first turned into that model (interfaces from
 * the topology, `redistribute static subnets`). The harness always asks for fast OSPF
 * timers (hello 1, dead 4). Time scale: OSPF timers have a 1 s granularity and BIRD
 * cannot run them faster, so BIRD accepts any --time-scale but runs in real time — OSPF
 * convergence (≈ dead interval + SPF) is NOT scaled; a testcase that times a route
 * change must allow for that.
 * State queries: "show ip route" (and "json show ip route") — the node's kernel main
 * table through rt_show, IOS interface names from the config or the topology; anything
 * else goes to birdc on the node's control socket ("route P" → `show route P all`).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "drv_int.h"
#include "rt_bird.h"
#include "rt_show.h"

#define BIRD_BIN "/usr/sbin/bird"
#define BIRDC_BIN "/usr/sbin/birdc"

static int bird_available(char *why, size_t len)
{
	if (access(BIRD_BIN, X_OK) < 0 || access(BIRDC_BIN, X_OK) < 0) {
		drv_fail(why, len, "bird2 not installed (%s, %s)", BIRD_BIN, BIRDC_BIN);
		return 1;
	}
	return 0;
}

/* Any scale: BIRD runs in real time (header comment). */
static int bird_can_scale(double scale)
{
	return scale > 0;
}

/* The node file's `ospf …` lines as the IOS model rt_bird reads: interfaces from the
 * topology, `network` = the prefix with its wildcard, `redistribute static subnets`. */
static struct ios_cfg *node_file_model(const struct drv_node *n, char *err, size_t len)
{
	const struct node_spec *s = n->spec;
	struct ios_cfg *cfg = ios_cfg_alloc();

	if (!cfg) {
		drv_fail(err, len, "out of memory");
		return NULL;
	}
	snprintf(cfg->fname, sizeof(cfg->fname), "%s", s->file);
	for (int i = 0; n->lab && i < n->lab->nifs && cfg->nifaces < IOS_MAX_IFACES; i++) {
		const struct lab_if *lif = &n->lab->ifs[i];
		struct ios_iface *ifc = &cfg->ifaces[cfg->nifaces++];

		snprintf(ifc->name, sizeof(ifc->name), "%s", lif->ios);
		snprintf(ifc->lnx, sizeof(ifc->lnx), "%s", lif->linux_name);
		for (int a = 0; a < lif->naddrs && ifc->naddrs < IOS_MAX_ADDRS; a++) {
			ifc->addrs[ifc->naddrs].addr = lif->addrs[a].addr;
			ifc->addrs[ifc->naddrs].mask = lif->addrs[a].plen ? 0xffffffffu << (32 - lif->addrs[a].plen) : 0;
			ifc->naddrs++;
		}
	}
	cfg->ospf.on = true;
	cfg->ospf.pid = 1;
	cfg->ospf.line = s->line;
	cfg->ospf.router_id = s->router_id;
	for (int k = 0; k < s->nospf && k < IOS_MAX_OSPF_NETS; k++) {
		const struct lab_prefix *p = &s->ospf[k].net;
		uint32_t m = p->plen ? 0xffffffffu << (32 - p->plen) : 0;

		cfg->ospf.nets[k] = (struct ios_ospf_net){ p->addr & m, ~m, s->ospf[k].area, s->line };
		cfg->ospf.nnets++;
	}
	cfg->ospf.redist_static = (struct ios_redist){ .on = true, .subnets = true, .metric = 20, .metric_type = 2,
						       .line = s->line };
	cfg->ospf.default_metric = 1;
	cfg->ospf.default_metric_type = 2;
	return cfg;
}

static struct ios_cfg *bird_model(const struct drv_node *n, char *err, size_t len)
{
	char cerr[512];
	struct ios_cfg *cfg;

	if (!n->spec->config[0])
		return node_file_model(n, err, len);
	cfg = ios_cfg_load_file(n->spec->config, cerr, sizeof(cerr));
	if (!cfg)
		drv_fail(err, len, "%s", cerr);
	return cfg;
}

static int bird_prepare(struct drv_node *n, char *err, size_t len)
{
	char logp[320], *buf = NULL;
	size_t blen = 0;
	struct ios_cfg *cfg;
	FILE *f;
	int r;

	if (mkdir(n->dir, 0755) < 0 && errno != EEXIST)
		return drv_fail(err, len, "%s: %s", n->dir, strerror(errno));
	n->time_scale = 1.0;
	cfg = bird_model(n, err, len);
	if (!cfg)
		return -1;
	snprintf(logp, sizeof(logp), "%s/bird.log", n->dir);
	struct rt_bird_opts o = { logp, true, 0 };
	f = open_memstream(&buf, &blen);
	if (!f) {
		ios_cfg_free(cfg);
		return drv_fail(err, len, "open_memstream: %s", strerror(errno));
	}
	r = rt_bird_conf(cfg, &o, f, err, len);
	fclose(f);
	ios_cfg_free(cfg);
	if (!r)
		r = drv_write_file(n->dir, "bird.conf", buf, 0, err, len);
	free(buf);
	return r;
}

static int bird_start(struct drv_node *n, char *err, size_t len)
{
	char conf[300], sock[300], pid[300], out[300];
	char *argv[] = { (char *)BIRD_BIN, (char *)"-f", (char *)"-c", conf, (char *)"-s", sock,
			 (char *)"-P", pid, NULL };

	snprintf(conf, sizeof(conf), "%s/bird.conf", n->dir);
	snprintf(sock, sizeof(sock), "%s/bird.ctl", n->dir);
	snprintf(pid, sizeof(pid), "%s/bird.pid", n->dir);
	snprintf(out, sizeof(out), "%s/bird.out", n->dir);
	unlink(sock);
	n->pid = drv_spawn(n, argv, out, NULL, NULL, err, len);
	if (n->pid < 0) {
		n->pid = 0;
		return -1;
	}
	return 0;
}

static int bird_wait_ready(struct drv_node *n, int timeout_ms, char *err, size_t len)
{
	char sock[300];

	snprintf(sock, sizeof(sock), "%s/bird.ctl", n->dir);
	if (drv_wait_unix(sock, timeout_ms) < 0)
		return drv_fail(err, len, "%s: bird control socket not ready (see %s/bird.out)",
				n->spec->name, n->dir);
	return 0;
}

static int bird_initiate(struct drv_node *n, char *err, size_t len)
{
	return drv_fail(err, len, "bird does not initiate tunnels");
}

static int bird_list_sas(struct drv_node *n, struct sa_list *out, char *err, size_t len)
{
	out->n = 0;
	return 0;
}

struct rib_read { struct rt_list *l; char err[256]; };

static int rib_read_in_ns(void *arg)
{
	struct rib_read *r = arg;

	return rt_kern_read(r->l, RT_KERN_MAIN, r->err, sizeof(r->err));
}

struct ifnames { const struct ios_cfg *cfg; const struct lab_node *lab; };

static const char *ios_name(void *arg, const char *lnx)
{
	const struct ifnames *m = arg;
	const struct ios_iface *ifc = m->cfg ? ios_cfg_iface_find(m->cfg, lnx) : NULL;

	if (ifc)
		return ifc->name;
	for (int i = 0; m->lab && i < m->lab->nifs; i++)
		if (!strcmp(m->lab->ifs[i].linux_name, lnx))
			return m->lab->ifs[i].ios;
	return NULL;
}

/* `show ip route` of the node: its kernel main table (read inside its namespace) as IOS
 * prints it (rt_show), interface names from the node's config or the topology. */
static int bird_show_route(struct drv_node *n, int json, char *out, size_t outlen)
{
	struct rib_read r = { calloc(1, sizeof(struct rt_list)), "" };
	struct ios_cfg *cfg = NULL;
	struct ifnames m = { NULL, n->lab };
	char cerr[512], *buf = NULL;
	size_t blen = 0;
	FILE *f;
	int rc = -1;

	if (!r.l)
		return -1;
	if (lab_in_ns(n->ns_fd, rib_read_in_ns, &r)) {
		snprintf(out, outlen, "cannot read the routes of %s: %s", n->spec->name, r.err);
		free(r.l);
		return -1;
	}
	if (n->spec->config[0])
		m.cfg = cfg = ios_cfg_load_file(n->spec->config, cerr, sizeof(cerr));
	rt_list_select(r.l);
	rt_list_rename(r.l, ios_name, &m);
	f = open_memstream(&buf, &blen);
	if (f) {
		if (json)
			rt_show_json(r.l, f);
		else
			rt_show_text(r.l, f, false);
		fclose(f);
		snprintf(out, outlen, "%s", buf);
		rc = 0;
	}
	free(buf);
	ios_cfg_free(cfg);
	free(r.l);
	return rc;
}

/* state("show ip route") / state("json show ip route") → the IOS view (above);
 * state("route P") → `birdc show route P all`; any other text is a birdc command
 * ("protocols", "ospf neighbors", "show route all"). Output is the text birdc prints. */
static int bird_state(struct drv_node *n, const char *what, char *out, size_t outlen)
{
	char sock[300], cmd[256];
	char *argv[8];
	int r;

	if (!strcmp(what, "show ip route") || !strcmp(what, "json show ip route"))
		return bird_show_route(n, what[0] == 'j', out, outlen);
	snprintf(sock, sizeof(sock), "%s/bird.ctl", n->dir);
	if (strncmp(what, "route ", 6) == 0)
		snprintf(cmd, sizeof(cmd), "show route %s all", what + 6);
	else if (strncmp(what, "show ", 5) == 0)
		snprintf(cmd, sizeof(cmd), "%s", what);
	else
		snprintf(cmd, sizeof(cmd), "show %s", what);
	argv[0] = (char *)BIRDC_BIN;
	argv[1] = (char *)"-s";
	argv[2] = sock;
	argv[3] = cmd;
	argv[4] = NULL;
	r = drv_run(NULL, argv, out, outlen, 5000);
	return r == 0 ? 0 : -1;
}

static int bird_kill(struct drv_node *n, int sig)
{
	return drv_signal_reap(n, sig, sig == SIGKILL ? 0 : 2000);
}

static int bird_stop(struct drv_node *n)
{
	return drv_signal_reap(n, SIGTERM, 2000);
}

/* bird.log: "2026-11-21 14:50:00.123 <INFO> ihh_ospf: Neighbor 1.1.1.1 on e0 changed state from Loading to Full" */
static int bird_logs(struct drv_node *n, struct ev_list *out)
{
	char path[320], *buf, *line, *save = NULL;
	int count = 0;

	snprintf(path, sizeof(path), "%s/bird.log", n->dir);
	buf = drv_read_file(path, NULL);
	if (!buf)
		return 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t used;
		int64_t t = drv_parse_local_ts(line, &used);
		const char *text = line + used, *p;
		struct ev *e;

		if (t < 0)
			continue;
		while (*text == ' ')
			text++;
		if (drv_ev_add(out, t, EV_LOG, n->spec->name, text))
			count++;
		if ((p = strstr(text, "changed state from ")) != NULL &&
		    (p = strstr(p, " to ")) != NULL) {
			e = drv_ev_add(out, t, EV_STATE, n->spec->name, text);
			if (e)
				snprintf(e->state, sizeof(e->state), "%.15s", p + 4);
		}
	}
	free(buf);
	return count;
}

static int bird_keys(struct drv_node *n, FILE *ikev1_table, FILE *esp_sa)
{
	return 0;
}

const struct driver driver_bird = {
	.name = "bird",
	.available = bird_available,
	.can_scale = bird_can_scale,
	.prepare = bird_prepare,
	.start = bird_start,
	.wait_ready = bird_wait_ready,
	.initiate = bird_initiate,
	.list_sas = bird_list_sas,
	.state = bird_state,
	.kill = bird_kill,
	.stop = bird_stop,
	.logs = bird_logs,
	.keys = bird_keys,
};
