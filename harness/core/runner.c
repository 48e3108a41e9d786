/* runner.c — execute one testcase run end to end:
 *   clean stale labs → lab up → captures + root-namespace guard → daemons → timeline
 *   (actions at their times, live progress line) → stop probes and daemons → captures
 *   closed → logs + key tables → analysis → expectations → reports → lab down →
 *   root namespace compared with its snapshot.
 * Teardown always runs, also after an error or Ctrl-C; what a crash leaves is removed by
 * the next run's lab_clean_stale().
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "run.h"
#include "../analyze/analyze.h"
#include "rt_show.h"

volatile sig_atomic_t run_interrupted;

__attribute__((format(printf, 2, 3)))
static void say(const struct run *r, const char *fmt, ...)
{
	va_list ap;
	double t = r->t0_ns ? (ev_now_ns() - r->t0_ns) / 1e9 : 0;
	fprintf(stderr, "\r\033[K[%7.3f] ", t);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int mkdir_p(const char *path)
{
	char tmp[1024];
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			if (mkdir(tmp, 0755) && errno != EEXIST)
				return -1;
			*p = '/';
		}
	}
	return (mkdir(tmp, 0755) && errno != EEXIST) ? -1 : 0;
}

__attribute__((format(printf, 5, 6)))
static void add_event(struct run *r, enum ev_type type, const char *node, const char *label, const char *fmt, ...)
{
	struct ev e;
	va_list ap;
	memset(&e, 0, sizeof(e));
	e.t_ns = ev_now_ns();
	e.src = type == EV_ACTION ? EV_SRC_ACTION : EV_SRC_STATE;
	e.type = type;
	snprintf(e.node, sizeof(e.node), "%s", node ? node : "");
	snprintf(e.label, sizeof(e.label), "%s", label ? label : "");
	va_start(ap, fmt);
	vsnprintf(e.text, sizeof(e.text), fmt, ap);
	va_end(ap);
	ev_push(&r->ev, &e);
}

static struct exp_result *add_result(struct run *r, const struct tc_action *a, const char *name)
{
	if (r->nres == (int)(sizeof(r->res) / sizeof(r->res[0])))
		return NULL;
	struct exp_result *o = &r->res[r->nres++];
	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", name);
	snprintf(o->file, sizeof(o->file), "%s/testcase.conf", r->tc->dir);
	o->line = a->line;
	return o;
}

/* --- daemons ------------------------------------------------------------------- */

static int setup_drivers(struct run *r)
{
	const struct lab_topo *t = &r->tc->topo;
	for (int i = 0; i < t->nnodes; i++) {
		const struct node_spec *s = &r->tc->nodes[i];
		r->ndrv[i] = 0;
		if (!s->name[0])
			continue;
		/* the node's daemons, and BIRD beside a refgw whose config has `router ospf` */
		const char *daemons[NODE_MAX_DAEMONS];
		char derr[512];
		int nd = driver_node_daemons(s, daemons, derr, sizeof(derr));
		if (nd < 0) {
			snprintf(r->error, sizeof(r->error), "%s", derr);
			return -1;
		}
		for (int d = 0; d < nd; d++) {
			struct drv_node *n = &r->drv[i][r->ndrv[i]++];
			memset(n, 0, sizeof(*n));
			n->drv = driver_find(daemons[d]);
			if (!n->drv) {
				snprintf(r->error, sizeof(r->error), "%s: no driver '%s' in this build", s->file, daemons[d]);
				return -1;
			}
			n->spec = s;
			n->lab = &t->nodes[i];
			lab_ns_name(&r->lab, i, n->ns_name, sizeof(n->ns_name));
			n->ns_fd = r->lab.node_fd[i];
			n->time_scale = r->scale;
			snprintf(n->dir, sizeof(n->dir), "%s/nodes/%s/%s", r->out_dir, s->name, daemons[d]);
			if (mkdir_p(n->dir)) {
				snprintf(r->error, sizeof(r->error), "cannot create %s: %s", n->dir, strerror(errno));
				return -1;
			}
		}
	}
	return 0;
}

static int start_daemon(struct run *r, struct drv_node *n)
{
	char err[DRV_ERR_MAX] = "";
	if (n->drv->prepare(n, err, sizeof(err)) || n->drv->start(n, err, sizeof(err)) ||
	    (n->drv->wait_ready && n->drv->wait_ready(n, 10000, err, sizeof(err)))) {
		snprintf(r->error, sizeof(r->error), "%s/%s: %s", n->spec->name, n->drv->name, err);
		return -1;
	}
	add_event(r, EV_STATE, n->spec->name, NULL, "%s started (pid %d)", n->drv->name, (int)n->pid);
	if (r->verbose)
		say(r, "%s: %s started, pid %d", n->spec->name, n->drv->name, (int)n->pid);
	return 0;
}

static int start_node(struct run *r, int i)
{
	for (int d = 0; d < r->ndrv[i]; d++)
		if (!r->drv[i][d].pid && start_daemon(r, &r->drv[i][d]))
			return -1;
	return 0;
}

static void stop_node(struct run *r, int i)
{
	/* stop in reverse order: the IKE daemon before the VRRP daemon holding its address */
	for (int d = r->ndrv[i] - 1; d >= 0; d--)
		if (r->drv[i][d].pid && r->drv[i][d].drv->stop(&r->drv[i][d]) < 0 && !r->error[0])
			/* e.g. a sanitizer report in refgw's output: the run is an error */
			snprintf(r->error, sizeof(r->error), "%s/%s reported a problem when stopping (see %s)",
				 r->tc->topo.nodes[i].name, r->drv[i][d].drv->name, r->drv[i][d].dir);
}

static struct drv_node *find_daemon(struct run *r, const char *node, const char *daemon)
{
	int i = lab_find_node(&r->tc->topo, node);
	for (int d = 0; i >= 0 && d < r->ndrv[i]; d++)
		if (!daemon || !strcmp(r->drv[i][d].drv->name, daemon))
			return &r->drv[i][d];
	return NULL;
}

/* The IKE daemon of a node (the one that lists SAs). */
static struct drv_node *ike_daemon(struct run *r, const char *node)
{
	int i = lab_find_node(&r->tc->topo, node);
	for (int d = 0; i >= 0 && d < r->ndrv[i]; d++)
		if (r->drv[i][d].drv->list_sas && strcmp(r->drv[i][d].drv->name, "keepalived") &&
		    strcmp(r->drv[i][d].drv->name, "bird"))
			return &r->drv[i][d];
	return NULL;
}

/* Does the node hold an established IKE SA (to peer) with an installed IPsec SA? */
static int sa_state(struct run *r, const struct tc_action *a, char *desc, size_t len)
{
	struct drv_node *n = ike_daemon(r, a->node);
	struct sa_list l;
	char err[DRV_ERR_MAX];
	if (!n || !n->pid) {
		snprintf(desc, len, "%s runs no IKE daemon", a->node);
		return 0;
	}
	memset(&l, 0, sizeof(l));
	if (n->drv->list_sas(n, &l, err, sizeof(err))) {
		snprintf(desc, len, "list SAs failed: %s", err);
		return 0;
	}
	int ike = 0, ipsec = 0;
	uint32_t spi_in = 0, spi_out = 0;
	uint64_t enc = 0, dec = 0;
	for (int k = 0; k < l.n; k++) {
		const struct sa_entry *s = &l.sa[k];
		if (a->peer && s->remote != a->peer)
			continue;
		if (s->kind == SA_IKE && !strcmp(s->state, "ESTABLISHED"))
			ike++;
		if (s->kind == SA_IPSEC && !strcmp(s->state, "INSTALLED")) {
			ipsec++;
			spi_in = s->spi_in;
			spi_out = s->spi_out;
			enc += s->packets_out;
			dec += s->packets_in;
		}
	}
	if (ipsec)
		snprintf(desc, len, "%d IKE SA(s) established, %d IPsec SA(s) installed, spi in 0x%08x out 0x%08x, "
			 "#pkts encaps: %llu, #pkts decaps: %llu", ike, ipsec, spi_in, spi_out,
			 (unsigned long long)enc, (unsigned long long)dec);
	else
		snprintf(desc, len, "%d IKE SA(s) established, no IPsec SA installed (%d SAs listed)", ike, l.n);
	if (a->kind == ACT_CHECK_SA && ((a->min_encaps >= 0 && enc < (uint64_t)a->min_encaps) ||
					(a->min_decaps >= 0 && dec < (uint64_t)a->min_decaps)))
		return 0;
	return ike > 0 && ipsec > 0;
}

static void progress(struct run *r, int64_t deadline, const struct tc_action *next);

/* Routes of a node's kernel tables (all but `local`), read by rtnetlink from a thread
 * inside the node's namespace. */
struct route_read { struct rt_list *l; char err[256]; };

static int routes_in_ns(void *arg)
{
	struct route_read *rr = arg;
	return rt_kern_read(rr->l, RT_KERN_ALL, rr->err, sizeof(rr->err));
}

/* A kernel route of the node matching every condition of a check/wait route action:
 * 1 (its description in found), 0 none, -1 the routes could not be read. */
static int route_match(struct run *r, const struct tc_action *a, char *found, size_t len)
{
	int node = lab_find_node(&r->tc->topo, a->node);
	struct route_read rr = { calloc(1, sizeof(struct rt_list)), "" };
	char dev[20] = "", b1[16], b2[16];
	int hit = 0;

	if (a->dev[0]) {
		int i = lab_find_if(&r->tc->topo.nodes[node], a->dev);
		snprintf(dev, sizeof(dev), "%s", i >= 0 ? r->tc->topo.nodes[node].ifs[i].linux_name : a->dev);
	}
	if (!rr.l || lab_in_ns(r->lab.node_fd[node], routes_in_ns, &rr)) {
		snprintf(found, len, "cannot read the routes of %s: %s", a->node, rr.err);
		free(rr.l);
		return -1;
	}
	for (int i = 0; i < rr.l->n && !hit; i++) {
		const struct rt_entry *e = &rr.l->e[i];
		int p;
		if (e->dst != a->prefix || e->plen != a->plen || (a->has_tag && e->tag != a->tag) ||
		    (a->has_rtype && (int)e->kind != a->rtype))
			continue;
		for (p = 0; p < e->npaths; p++)
			if ((!a->via || e->paths[p].via == a->via) && (!dev[0] || !strcmp(e->paths[p].ifname, dev)))
				break;
		if (p == e->npaths)
			continue;
		hit = 1;
		snprintf(b1, sizeof(b1), "%u.%u.%u.%u", e->dst >> 24, (e->dst >> 16) & 255, (e->dst >> 8) & 255,
			 e->dst & 255);
		snprintf(b2, sizeof(b2), "%u.%u.%u.%u", e->paths[p].via >> 24, (e->paths[p].via >> 16) & 255,
			 (e->paths[p].via >> 8) & 255, e->paths[p].via & 255);
		snprintf(found, len, "%s/%u%s%s dev %s proto %u metric %u tag %u (%s)", b1, e->plen,
			 e->paths[p].via ? " via " : "", e->paths[p].via ? b2 : "", e->paths[p].ifname, e->protocol,
			 e->kmetric, e->tag, rt_kind_code(e->kind));
	}
	if (!hit)
		snprintf(found, len, "no such route");
	free(rr.l);
	return hit;
}

/* check route (once) / wait route (polls every 200 ms until it holds or the timeout): a
 * result like an expectation's; the action anchors when it is done. */
static void check_route(struct run *r, const struct tc_action *a, char *desc, size_t len)
{
	char name[200], found[256] = "", cond[120] = "";
	const int wait = a->kind == ACT_WAIT_ROUTE;
	int64_t until = ev_now_ns() + (int64_t)(a->timeout_s * 1e9);
	int hit;

	for (;;) {
		hit = route_match(r, a, found, sizeof(found));
		if (!wait || (hit >= 0 && hit != a->absent) || ev_now_ns() > until || run_interrupted)
			break;
		struct timespec ts = { 0, 200000000 };
		nanosleep(&ts, NULL);
		progress(r, until, a);
	}
	if (a->via)
		snprintf(cond, sizeof(cond), " via %u.%u.%u.%u", a->via >> 24, (a->via >> 16) & 255, (a->via >> 8) & 255,
			 a->via & 255);
	size_t o = strlen(cond);
	if (a->dev[0])
		o += (size_t)snprintf(cond + o, sizeof(cond) - o, " dev %s", a->dev);
	if (a->has_tag && o < sizeof(cond))
		o += (size_t)snprintf(cond + o, sizeof(cond) - o, " tag %u", a->tag);
	if (a->has_rtype && o < sizeof(cond))
		snprintf(cond + o, sizeof(cond) - o, " type %s", rt_kind_code((enum rt_kind)a->rtype));
	snprintf(name, sizeof(name), "%s route %s %u.%u.%u.%u/%d%s%s", wait ? "wait" : "check", a->node,
		 a->prefix >> 24, (a->prefix >> 16) & 255, (a->prefix >> 8) & 255, a->prefix & 255, a->plen, cond,
		 a->absent ? " absent" : "");
	struct exp_result *o2 = add_result(r, a, name);
	if (o2) {
		o2->status = hit >= 0 && hit != a->absent ? EXP_PASS : EXP_FAIL;
		snprintf(o2->measured, sizeof(o2->measured), "%s", found);
		if (wait)
			snprintf(o2->window, sizeof(o2->window), "within %.1f s", a->timeout_s);
		else
			snprintf(o2->window, sizeof(o2->window), "at +%.1f s", (ev_now_ns() - r->t0_ns) / 1e9);
	}
	snprintf(desc, len, "%s: %s", name, found);
}

/* --- timeline ------------------------------------------------------------------ */

static void progress(struct run *r, int64_t deadline, const struct tc_action *next)
{
	if (!isatty(STDERR_FILENO))
		return;
	double now = (ev_now_ns() - r->t0_ns) / 1e9;
	char pings[160] = "";
	for (int i = 0; i < r->nprobes; i++) {
		struct probe_rec *rec;
		size_t n = probe_records(r->probes[i].p, &rec);
		unsigned ok = 0;
		for (size_t k = 0; k < n; k++)
			ok += rec[k].reply_ns != 0;
		char bangs[24] = "";
		if (n)
			probe_bangs(rec + (n > 20 ? n - 20 : 0), n > 20 ? 20 : n, bangs, sizeof(bangs));
		free(rec);
		size_t l = strlen(pings);
		snprintf(pings + l, sizeof(pings) - l, "  %s %u/%zu %s", r->probes[i].name, ok, n, bangs);
	}
	fprintf(stderr, "\r\033[K[%7.3f] next at %.1f s: line %d%s", now, (deadline - r->t0_ns) / 1e9,
		next ? next->line : 0, pings);
	fflush(stderr);
}

static void sleep_until(struct run *r, int64_t deadline, const struct tc_action *next)
{
	while (!run_interrupted) {
		int64_t left = deadline - ev_now_ns();
		if (left <= 0)
			break;
		int64_t step = left < 250000000 ? left : 250000000;
		struct timespec ts = { step / 1000000000, step % 1000000000 };
		nanosleep(&ts, NULL);
		progress(r, deadline, next);
	}
}

static int do_action(struct run *r, int idx)
{
	const struct tc_action *a = &r->tc->act[idx];
	char err[LAB_ERR_MAX] = "", desc[256] = "";
	int rc = 0;
	int64_t began = ev_now_ns();

	switch (a->kind) {
	case ACT_START:
		for (int i = 0; i < r->tc->topo.nnodes && !rc; i++)
			if (!strcmp(a->node, "all") || !strcmp(a->node, r->tc->topo.nodes[i].name))
				rc = start_node(r, i);
		snprintf(desc, sizeof(desc), "start %s", a->node);
		break;
	case ACT_STOP:
		for (int i = 0; i < r->tc->topo.nnodes; i++)
			if (!strcmp(a->node, "all") || !strcmp(a->node, r->tc->topo.nodes[i].name))
				stop_node(r, i);
		snprintf(desc, sizeof(desc), "stop %s", a->node);
		break;
	case ACT_WAIT_SA:
	case ACT_CHECK_SA: {
		int64_t until = ev_now_ns() + (int64_t)(a->timeout_s * 1e9);
		int up = 0;
		char sa[200] = "";
		for (;;) {
			up = sa_state(r, a, sa, sizeof(sa));
			if (a->kind == ACT_CHECK_SA || up == a->want_established || ev_now_ns() > until || run_interrupted)
				break;
			struct timespec ts = { 0, 200000000 };
			nanosleep(&ts, NULL);
			progress(r, until, a);
		}
		char name[160];
		snprintf(name, sizeof(name), "%s sa %s %s%s%s", a->kind == ACT_WAIT_SA ? "wait" : "check", a->node,
			 a->want_established ? "established" : "none", a->peer ? " peer " : "", "");
		if (a->peer) {
			size_t l = strlen(name);
			snprintf(name + l, sizeof(name) - l, "%u.%u.%u.%u", a->peer >> 24, (a->peer >> 16) & 255,
				 (a->peer >> 8) & 255, a->peer & 255);
		}
		struct exp_result *o = add_result(r, a, name);
		if (o) {
			o->status = up == a->want_established ? EXP_PASS : EXP_FAIL;
			snprintf(o->measured, sizeof(o->measured), "%s", sa);
			snprintf(o->window, sizeof(o->window), a->kind == ACT_WAIT_SA ? "within %.1f s" : "at +%.1f s",
				 a->kind == ACT_WAIT_SA ? a->timeout_s : (ev_now_ns() - r->t0_ns) / 1e9);
		}
		snprintf(desc, sizeof(desc), "%s: %s", name, sa);
		break;
	}
	case ACT_PING: {
		if (r->nprobes == RUN_MAX_PROBES) {
			snprintf(r->error, sizeof(r->error), "more than %d probes", RUN_MAX_PROBES);
			return -1;
		}
		int node = lab_find_node(&r->tc->topo, a->node);
		struct probe_cfg pc = { r->lab.node_fd[node], a->src, a->dst, a->interval_s * r->scale,
					2.0 * (r->scale < 1 ? 1 : r->scale), 0, 0 };
		if (pc.interval_s < 0.01)
			pc.interval_s = 0.01;
		struct run_probe *p = &r->probes[r->nprobes];
		memset(p, 0, sizeof(*p));
		snprintf(p->name, sizeof(p->name), "%s", a->probe);
		p->node = node;
		p->p = probe_start(&pc, err, sizeof(err));
		if (!p->p) {
			snprintf(r->error, sizeof(r->error), "line %d: ping %s: %s", a->line, a->probe, err);
			return -1;
		}
		r->nprobes++;
		snprintf(desc, sizeof(desc), "ping %s from %s to %u.%u.%u.%u every %.3f s", a->probe, a->node,
			 a->dst >> 24, (a->dst >> 16) & 255, (a->dst >> 8) & 255, a->dst & 255, pc.interval_s);
		break;
	}
	case ACT_PING_STOP:
		for (int i = 0; i < r->nprobes; i++)
			if (!strcmp(r->probes[i].name, a->probe))
				probe_stop(r->probes[i].p);
		snprintf(desc, sizeof(desc), "stop-ping %s", a->probe);
		break;
	case ACT_SHUTDOWN:
	case ACT_NO_SHUTDOWN:
		rc = lab_if_set_up(&r->lab, a->node, a->ifname, a->kind == ACT_NO_SHUTDOWN, err, sizeof(err));
		snprintf(desc, sizeof(desc), "%s %s %s", a->kind == ACT_SHUTDOWN ? "shutdown" : "no shutdown",
			 a->node, a->ifname);
		break;
	case ACT_PULL:
	case ACT_PLUG:
		rc = lab_cable(&r->lab, a->node, a->ifname, a->kind == ACT_PLUG, err, sizeof(err));
		snprintf(desc, sizeof(desc), "cable %s %s %s", a->kind == ACT_PULL ? "pulled from" : "plugged into",
			 a->node, a->ifname);
		break;
	case ACT_DROP:
		rc = lab_drop_add(&r->lab, &a->drop, &r->drop_handle[idx], err, sizeof(err));
		snprintf(desc, sizeof(desc), "drop %s on %s%s%s (%u%%)",
			 a->drop.match == LAB_MATCH_IKE ? "IKE" : a->drop.match == LAB_MATCH_ESP ? "ESP" : "all traffic",
			 a->node, a->drop.ifname[0] ? " " : "", a->drop.ifname, a->drop.loss_pct);
		break;
	case ACT_UNDROP:
		for (int i = 0; i < idx; i++)
			if (r->tc->act[i].kind == ACT_DROP && !strcmp(r->tc->act[i].name, a->ref))
				rc = lab_drop_del(&r->lab, r->tc->act[i].node, r->drop_handle[i], err, sizeof(err));
		snprintf(desc, sizeof(desc), "undrop %s", a->ref);
		break;
	case ACT_KILL:
	case ACT_RESTART: {
		struct drv_node *n = find_daemon(r, a->node, a->daemon);
		if (a->kind == ACT_KILL) {
			rc = n && n->pid ? n->drv->kill(n, SIGKILL) : 0;
			snprintf(desc, sizeof(desc), "kill -9 %s on %s", a->daemon, a->node);
		} else {
			if (n && n->pid)
				n->drv->kill(n, SIGKILL);
			rc = n ? start_daemon(r, n) : -1;
			snprintf(desc, sizeof(desc), "restart %s on %s", a->daemon, a->node);
		}
		break;
	}
	case ACT_CLEAR: {
		struct drv_node *n = ike_daemon(r, a->node);
		char derr[DRV_ERR_MAX] = "";
		rc = n && n->drv->clear ? n->drv->clear(n, derr, sizeof(derr)) : -1;
		snprintf(err, sizeof(err), "%s", n && !n->drv->clear ? "the driver cannot clear SAs" : derr);
		snprintf(desc, sizeof(desc), "clear SAs on %s", a->node);
		break;
	}
	case ACT_CONFIGURE: {
		/* the lines in order, as the operator types them in configuration mode */
		struct drv_node *n = find_daemon(r, a->node, a->daemon);
		char derr[DRV_ERR_MAX] = "";
		if (!n || !n->pid)
			snprintf(derr, sizeof(derr), "%s is not running on %s", a->daemon, a->node);
		else if (!n->drv->configure)
			snprintf(derr, sizeof(derr), "%s's daemon %s cannot be configured at run time", a->node, a->daemon);
		else
			rc = n->drv->configure(n, a->cfg_lines, derr, sizeof(derr));
		if (derr[0] && !rc)
			rc = -1;
		snprintf(err, sizeof(err), "%s", derr);
		size_t o = (size_t)snprintf(desc, sizeof(desc), "configure %s:", a->node);
		for (const char *p = a->cfg_lines; *p && o < sizeof(desc); ) {
			size_t l = strcspn(p, "\n");
			o += (size_t)snprintf(desc + o, sizeof(desc) - o, "%s \"%.*s\"", p == a->cfg_lines ? "" : ",",
					      (int)l, p);
			p += l + (p[l] == '\n');
		}
		break;
	}
	case ACT_INITIATE: {
		struct drv_node *n = ike_daemon(r, a->node);
		char derr[DRV_ERR_MAX] = "";
		rc = n && n->drv->initiate ? n->drv->initiate(n, derr, sizeof(derr)) : -1;
		snprintf(err, sizeof(err), "%s", derr);
		snprintf(desc, sizeof(desc), "initiate on %s", a->node);
		break;
	}
	case ACT_CHECK_ROUTE:
	case ACT_WAIT_ROUTE:
		check_route(r, a, desc, sizeof(desc));
		break;
	case ACT_END:
		r->end_ns = ev_now_ns();
		snprintf(desc, sizeof(desc), "end of observation");
		break;
	}
	/* An action is an anchor from the moment it acts (a clear's Delete goes out while
	 * the command still runs); waiting and checking anchor when they are done, and so
	 * does an nftables drop: it takes effect when its rule is in, and a packet sent
	 * while the rule was being installed still passes. */
	r->act_ns[idx] = a->kind == ACT_WAIT_SA || a->kind == ACT_CHECK_SA || a->kind == ACT_CHECK_ROUTE ||
			 a->kind == ACT_WAIT_ROUTE ||
			 a->kind == ACT_DROP || a->kind == ACT_UNDROP ? ev_now_ns() : began;
	add_event(r, EV_ACTION, a->node, a->name, "%s", desc);
	say(r, "%s%s%s", a->name[0] ? a->name : "", a->name[0] ? ": " : "", desc);
	if (rc && !r->error[0])
		snprintf(r->error, sizeof(r->error), "%s/testcase.conf:%d: %s: %s", r->tc->dir, a->line, desc,
			 err[0] ? err : "failed");
	return rc;
}

static void run_timeline(struct run *r)
{
	int64_t prev = r->t0_ns;
	for (int i = 0; i < r->tc->nact && !run_interrupted; i++) {
		const struct tc_action *a = &r->tc->act[i];
		int64_t at = (a->relative ? prev : r->t0_ns) + (int64_t)(a->at_s * r->scale * 1e9);
		sleep_until(r, at, a);
		if (run_interrupted)
			break;
		if (do_action(r, i))
			break;
		prev = ev_now_ns();
	}
	if (run_interrupted && !r->error[0])
		snprintf(r->error, sizeof(r->error), "interrupted");
	if (!r->end_ns)
		r->end_ns = ev_now_ns();
}

/* --- after the timeline -------------------------------------------------------- */

static void collect_probes(struct run *r)
{
	for (int i = 0; i < r->nprobes; i++) {
		struct run_probe *p = &r->probes[i];
		probe_stop(p->p);
		p->nrec = probe_records(p->p, &p->rec);
		for (size_t k = 0; k < p->nrec; k++) {
			struct ev e;
			memset(&e, 0, sizeof(e));
			e.t_ns = p->rec[k].sent_ns;
			e.src = EV_SRC_PROBE;
			e.type = EV_PING;
			snprintf(e.node, sizeof(e.node), "%s", r->tc->topo.nodes[p->node].name);
			snprintf(e.label, sizeof(e.label), "%s", p->name);
			e.seq = p->rec[k].seq;
			e.value = p->rec[k].reply_ns ? (int32_t)((p->rec[k].reply_ns - p->rec[k].sent_ns) / 1000) : -1;
			if (p->rec[k].reply_ns)
				snprintf(e.text, sizeof(e.text), "echo seq %u reply in %.3f ms", e.seq, e.value / 1000.0);
			else
				snprintf(e.text, sizeof(e.text), "echo seq %u lost%s%s", e.seq,
					 p->rec[k].send_errno ? ": " : "",
					 p->rec[k].send_errno ? strerror(p->rec[k].send_errno) : "");
			ev_push(&r->ev, &e);
		}
	}
}

static void collect_logs_and_keys(struct run *r, struct run_report *rep)
{
	char path[1024], path2[1024];
	snprintf(path, sizeof(path), "%s/ikev1_decryption_table", r->out_dir);
	snprintf(path2, sizeof(path2), "%s/esp_sa", r->out_dir);
	FILE *ik = fopen(path, "w"), *es = fopen(path2, "w");
	for (int i = 0; i < r->tc->topo.nnodes; i++)
		for (int d = 0; d < r->ndrv[i]; d++) {
			struct drv_node *n = &r->drv[i][d];
			if (n->drv->logs)
				n->drv->logs(n, &r->ev);
			if (n->drv->keys && ik && es)
				n->drv->keys(n, ik, es);
		}
	if (ik)
		fclose(ik);
	if (es)
		fclose(es);
	snprintf(rep->files[rep->nfiles++], sizeof(rep->files[0]), "ikev1_decryption_table");
	snprintf(rep->files[rep->nfiles++], sizeof(rep->files[0]), "esp_sa");
}

static void analyze_captures(struct run *r, const struct cap_stats *cs, struct run_report *rep)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/ikev1_decryption_table", r->out_dir);
	struct an_keys *k = an_keys_load(path);
	for (int i = 0; i < cs->n; i++) {
		struct an_stats st;
		char err[256] = "";
		memset(&st, 0, sizeof(st));
		if (an_file(cs->l[i].file, cs->l[i].link, &r->tc->topo, k, &r->ev, &st, err, sizeof(err)))
			say(r, "analysis of %s failed: %s", cs->l[i].file, err);
		else if (r->verbose)
			say(r, "%s: %lu frames, %lu ISAKMP (%lu decrypted), %lu ESP, %lu VRRP, %lu malformed",
			    cs->l[i].link, st.frames, st.isakmp, st.isakmp_decrypted, st.esp, st.vrrp, st.malformed);
		const char *base = strrchr(cs->l[i].file, '/');
		if (rep->nfiles < 32)
			snprintf(rep->files[rep->nfiles++], sizeof(rep->files[0]), "%s", base ? base + 1 : cs->l[i].file);
	}
	an_keys_free(k);
}

static int guard_prefixes(const struct testcase *tc, struct lab_prefix *out, int max)
{
	int n = 0;
	for (int i = 0; i < tc->topo.nnodes; i++) {
		const struct lab_node *nd = &tc->topo.nodes[i];
		for (int f = 0; f < nd->nifs; f++)
			for (int a = 0; a < nd->ifs[f].naddrs && n < max; a++) {
				struct lab_prefix p = nd->ifs[f].addrs[a];
				p.addr &= p.plen ? ~0u << (32 - p.plen) : 0;
				int dup = 0;
				for (int k = 0; k < n; k++)
					dup |= out[k].addr == p.addr && out[k].plen == p.plen;
				if (!dup)
					out[n++] = p;
			}
	}
	return n;
}


static void link_latest(const struct run *r)
{
	char link[1024];
	const char *slash = strrchr(r->out_dir, '/');
	if (!slash)
		return;
	snprintf(link, sizeof(link), "%.*s/latest", (int)(slash - r->out_dir), r->out_dir);
	unlink(link);
	if (symlink(slash + 1, link))
		return;
}

static int prepare_out_dir(struct run *r)
{
	if (!r->runid[0])
		lab_new_runid(r->runid);
	size_t l = strlen(r->out_dir);
	if (!l || r->out_dir[l - 1] == '/')
		snprintf(r->out_dir + l, sizeof(r->out_dir) - l, "%s", r->runid);
	if (mkdir_p(r->out_dir)) {
		snprintf(r->error, sizeof(r->error), "cannot create %s: %s", r->out_dir, strerror(errno));
		return -1;
	}
	if (r->link_latest)
		link_latest(r);
	return 0;
}

/* A run that cannot happen here still leaves report.json and junit.xml (<skipped>). */
static int write_skip_report(struct run *r)
{
	struct run_report rep;
	char path[1024];
	if (prepare_out_dir(r))
		return 2;
	memset(&rep, 0, sizeof(rep));
	snprintf(rep.testcase, sizeof(rep.testcase), "%s", r->tc->name);
	snprintf(rep.variant, sizeof(rep.variant), "%s", r->tc->variant);
	snprintf(rep.run_id, sizeof(rep.run_id), "%s", r->runid);
	snprintf(rep.out_dir, sizeof(rep.out_dir), "%s", r->out_dir);
	rep.time_scale = r->scale;
	rep.start_ns = rep.end_ns = ev_now_ns();
	rep.verdict = 3;
	snprintf(rep.skip_reason, sizeof(rep.skip_reason), "%s", r->error);
	rep.events = &r->ev;
	snprintf(path, sizeof(path), "%s/report.json", r->out_dir);
	report_write_json(&rep, path);
	snprintf(path, sizeof(path), "%s/junit.xml", r->out_dir);
	report_write_junit(&rep, path);
	printf("report:   %s/report.json\njunit:    %s/junit.xml\n", r->out_dir, r->out_dir);
	return 3;
}

int run_testcase(struct run *r)
{
	struct testcase *tc = r->tc;
	char err[LAB_ERR_MAX] = "";
	struct run_report rep;
	struct cap_stats cs;
	int verdict = 2, lab_is_up = 0;

	memset(&rep, 0, sizeof(rep));
	memset(&cs, 0, sizeof(cs));
	ev_list_init(&r->ev);

	/* refuse what cannot run: a driver missing here, a daemon that cannot be scaled */
	for (int i = 0; i < tc->topo.nnodes; i++) {
		const char *daemons[NODE_MAX_DAEMONS];
		int nd = tc->nodes[i].name[0] ? driver_node_daemons(&tc->nodes[i], daemons, err, sizeof(err)) : 0;
		if (nd < 0) {
			snprintf(r->error, sizeof(r->error), "%s", err);
			return 2;
		}
		for (int d = 0; d < nd; d++) {
			const struct driver *drv = driver_find(daemons[d]);
			char why[256] = "";
			if (!drv) {
				snprintf(r->error, sizeof(r->error), "%s: no driver '%s'", tc->nodes[i].file, daemons[d]);
				return 2;
			}
			int av = drv->available(why, sizeof(why));
			if (av > 0) {
				snprintf(r->error, sizeof(r->error), "%s on %s: %s", drv->name, tc->nodes[i].name, why);
				return write_skip_report(r);
			}
			if (av < 0) {
				snprintf(r->error, sizeof(r->error), "%s on %s: %s", drv->name, tc->nodes[i].name, why);
				return 2;
			}
			if (drv->can_scale && !drv->can_scale(r->scale)) {
				snprintf(r->error, sizeof(r->error), "%s on %s cannot run its protocol timers scaled by %g; "
					 "run this testcase with --time-scale 1", drv->name, tc->nodes[i].name, r->scale);
				return 2;
			}
		}
	}

	if (lab_clean_stale(err, sizeof(err)) < 0)
		say(r, "warning: cleaning stale labs: %s", err);
	if (prepare_out_dir(r))
		return 2;

	struct lab_prefix nets[64];
	int nnets = guard_prefixes(tc, nets, 64);
	if (lab_root_snapshot(&r->root_before, err, sizeof(err))) {
		snprintf(r->error, sizeof(r->error), "root namespace snapshot: %s", err);
		return 2;
	}
	r->guard = cap_guard_start(nets, nnets, err, sizeof(err));
	if (!r->guard)
		say(r, "warning: root-namespace guard not running: %s", err);

	r->t0_ns = ev_now_ns();
	if (lab_up(&r->lab, &tc->topo, r->runid, err, sizeof(err))) {
		snprintf(r->error, sizeof(r->error), "lab: %s", err);
		goto teardown;
	}
	lab_is_up = 1;
	say(r, "lab %s up: %d nodes, %d links (namespaces ihh-%s-*)", r->runid, tc->topo.nnodes, tc->topo.nlinks, r->runid);
	r->cap = cap_start(&r->lab, r->out_dir, err, sizeof(err));
	if (!r->cap) {
		snprintf(r->error, sizeof(r->error), "capture: %s", err);
		goto teardown;
	}
	if (setup_drivers(r))
		goto teardown;

	run_timeline(r);

teardown:
	collect_probes(r);
	for (int i = tc->topo.nnodes - 1; i >= 0; i--)
		stop_node(r, i);
	if (r->cap) {
		struct timespec ts = { 0, 300000000 };   /* let the last Delete/ACK reach the capture */
		nanosleep(&ts, NULL);
		cap_stop(r->cap, &cs);
		r->cap = NULL;
	}
	if (lab_is_up)
		lab_down(&r->lab);
	collect_logs_and_keys(r, &rep);
	analyze_captures(r, &cs, &rep);
	ev_sort(&r->ev);
	an_name_vip_holders(&r->ev);

	if (r->guard) {
		char detail[256] = "";
		long leaked = cap_guard_stop(r->guard, detail, sizeof(detail));
		if (leaked > 0) {
			snprintf(rep.leak, sizeof(rep.leak), "FAIL: %ld lab packets seen in the root namespace: %s", leaked, detail);
			if (!r->error[0])
				snprintf(r->error, sizeof(r->error), "%s", rep.leak);
		} else {
			snprintf(rep.leak, sizeof(rep.leak), leaked == 0 ? "clean: no lab packet in the root namespace" :
				 "guard error: %s", detail);
		}
	}
	struct lab_root_snapshot after;
	if (!lab_root_snapshot(&after, err, sizeof(err)) && lab_root_compare(&r->root_before, &after, err, sizeof(err))) {
		size_t k = strlen(rep.leak);
		snprintf(rep.leak + k, sizeof(rep.leak) - k, "; root namespace changed: %s", err);
		if (!r->error[0])
			snprintf(r->error, sizeof(r->error), "root namespace changed during the run: %s", err);
	}

	if (!r->error[0] || r->end_ns)
		expect_evaluate(r);

	verdict = 0;
	for (int i = 0; i < r->nres; i++)
		if (r->res[i].status != EXP_PASS)
			verdict = 1;
	if (r->error[0])
		verdict = 2;

	snprintf(rep.testcase, sizeof(rep.testcase), "%s", tc->name);
	snprintf(rep.variant, sizeof(rep.variant), "%s", tc->variant);
	snprintf(rep.run_id, sizeof(rep.run_id), "%s", r->runid);
	snprintf(rep.out_dir, sizeof(rep.out_dir), "%s", r->out_dir);
	rep.time_scale = r->scale;
	rep.start_ns = r->t0_ns;
	rep.end_ns = r->end_ns;
	rep.verdict = verdict;
	snprintf(rep.error, sizeof(rep.error), "%s", r->error);
	rep.exps = r->res;
	rep.nexps = r->nres;
	rep.events = &r->ev;
	for (int i = 0; i < tc->topo.nnodes && i < 32; i++)
		snprintf(rep.nodes[rep.nnodes++], sizeof(rep.nodes[0]), "%s", tc->topo.nodes[i].name);
	for (int i = 0; i < r->nprobes && i < 8; i++) {
		struct probe_summary s;
		char line[200], bangs[64];
		probe_summarize(r->probes[i].rec, r->probes[i].nrec, &s);
		probe_format(&s, line, sizeof(line));
		probe_bangs(r->probes[i].rec, r->probes[i].nrec, bangs, sizeof(bangs));
		snprintf(rep.ping_summary[rep.nping++], sizeof(rep.ping_summary[0]),
			 "%s: %s; longest outage %.3f s (seq %u-%u, %u lost)", r->probes[i].name, line,
			 s.longest_outage_s, s.lost_first, s.lost_last, s.lost_run);
	}
	char path[1024];
	snprintf(path, sizeof(path), "%s/report.json", r->out_dir);
	report_write_json(&rep, path);
	snprintf(path, sizeof(path), "%s/junit.xml", r->out_dir);
	report_write_junit(&rep, path);
	snprintf(path, sizeof(path), "%s/timeline.html", r->out_dir);
	report_write_html(&rep, path);
	report_print_timeline(&rep, stdout, isatty(STDOUT_FILENO));
	printf("\nreport:   %s/report.json\njunit:    %s/junit.xml\npicture:  %s/timeline.html\ncaptures: %s/*.pcapng "
	       "(keys: ikev1_decryption_table, esp_sa)\nroot ns:  %s\n",
	       r->out_dir, r->out_dir, r->out_dir, r->out_dir, rep.leak);
	if (r->error[0])
		printf("error:    %s\n", r->error);

	for (int i = 0; i < r->nprobes; i++) {
		free(r->probes[i].rec);
		probe_free(r->probes[i].p);
	}
	ev_list_free(&r->ev);
	return verdict;
}
