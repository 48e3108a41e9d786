/* run.c — lab_up / lab_down / lab_attach: a topology made real.
 *
 * Order (each step acts inside the namespaces it concerns, never in the root one):
 *   owner file → saved topology → node namespaces (sysctls, lo up) → segment
 *   namespaces (sysctls, br0) → veth pairs, created from the segment namespace (port:
 *   bridge side enslaved at creation, node side placed straight into the node) or from
 *   the first node (p2p: peer placed straight into the second node) → ifb devices for
 *   loopbacks and unlinked interfaces → addresses → routes (dev routes first, then via
 *   routes, retried while some succeed so a gateway reached by an earlier static route
 *   works).
 * Interfaces get deterministic ifindexes (LAB_IFINDEX_BASE + interface index) and MACs.
 * Any failure tears down what exists, owner file last.
 */
#include "lab_int.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct setup_arg {
	int segment;
	struct nlsock *nl;
	char *err;
	size_t errlen;
};

/* Runs with the calling thread inside the new namespace. */
static int ns_setup(void *p)
{
	struct setup_arg *a = p;
	static const char *const v6[] = { "net/ipv6/conf/all/disable_ipv6", "net/ipv6/conf/default/disable_ipv6" };
	size_t i;

	/* No IPv6 anywhere in the lab: no router solicitations, MLD or DAD in captures. */
	for (i = 0; i < 2; i++)
		nlsock_sysctl(v6[i], "1", NULL, 0);
	if (!a->segment) {
		if (nlsock_sysctl("net/ipv4/ip_forward", "1", a->err, a->errlen) < 0 ||
		    nlsock_sysctl("net/ipv4/conf/all/rp_filter", "0", a->err, a->errlen) < 0 ||
		    nlsock_sysctl("net/ipv4/conf/default/rp_filter", "0", a->err, a->errlen) < 0)
			return -1;
	}
	return lab_nl_open(a->nl, NETLINK_ROUTE, -1, a->err, a->errlen);
}

static int make_ns(const char *name, int segment, int *fd, struct nlsock *nl, char *err, size_t errlen)
{
	struct setup_arg a = { .segment = segment, .nl = nl, .err = err, .errlen = errlen };

	if (lab_ns_create(name, fd, err, errlen) < 0)
		return -1;
	if (lab_in_ns(*fd, ns_setup, &a) < 0) {
		if (err && !err[0])
			lab_errf(err, errlen, "%s: enter namespace: %s", name, strerror(errno));
		return -1;
	}
	return nlsock_link_set_up(nl, 1, 1, err, errlen);   /* lo */
}

/* err = "<what> <name>: <err>" */
static void prefix_err(char *err, size_t errlen, const char *what, const char *name)
{
	char tmp[LAB_ERR_MAX];

	if (!err || !errlen)
		return;
	snprintf(tmp, sizeof(tmp), "%s", err);
	snprintf(err, errlen, "%s %s: %s", what, name, tmp);
}

static int build_links(struct lab_run *r, struct nlsock *nnl, struct nlsock *snl, char *err, size_t errlen)
{
	const struct lab_topo *t = r->topo;
	int li, pi;

	for (li = 0; li < t->nlinks; li++) {
		const struct lab_link *l = &t->links[li];

		if (l->kind == LAB_LINK_P2P) {
			const struct lab_port *a = &l->ports[0], *b = &l->ports[1];
			const struct lab_if *ia = &t->nodes[a->node].ifs[a->ifidx];
			const struct lab_if *ib = &t->nodes[b->node].ifs[b->ifidx];
			struct lab_nl_link spec = {
				.kind = "veth", .name = ia->linux_name, .index = LAB_IFINDEX_BASE + a->ifidx,
				.mac = ia->mac, .up = 1,
				.peer_name = ib->linux_name, .peer_index = LAB_IFINDEX_BASE + b->ifidx,
				.peer_mac = ib->mac, .peer_ns_fd = r->node_fd[b->node], .peer_up = 1,
			};

			/* veth cannot open the peer at creation (no peer pointer yet): up it after. */
			spec.peer_up = 0;
			if (lab_nl_link_add(&nnl[a->node], &spec, err, errlen) < 0 ||
			    nlsock_link_set_up(&nnl[b->node], spec.peer_index, 1, err, errlen) < 0) {
				prefix_err(err, errlen, "link", l->name);
				return -1;
			}
			continue;
		}
		for (pi = 0; pi < l->nports; pi++) {
			const struct lab_port *p = &l->ports[pi];
			const struct lab_if *ifp = &t->nodes[p->node].ifs[p->ifidx];
			uint8_t swmac[6];
			struct lab_nl_link spec = {
				.kind = "veth", .name = p->sw_if, .index = LAB_IFINDEX_BASE + pi, .mac = swmac,
				.master = LAB_BR_IFINDEX, .up = 1,
				.peer_name = ifp->linux_name, .peer_index = LAB_IFINDEX_BASE + p->ifidx,
				.peer_mac = ifp->mac, .peer_ns_fd = r->node_fd[p->node], .peer_up = 1,
			};

			memcpy(swmac, ifp->mac, 6);
			swmac[5] = 0x01;    /* bridge side: the node's MAC with last octet 01 */
			spec.peer_up = 0;
			if (lab_nl_link_add(&snl[li], &spec, err, errlen) < 0 ||
			    nlsock_link_set_up(&nnl[p->node], spec.peer_index, 1, err, errlen) < 0) {
				prefix_err(err, errlen, "segment", l->name);
				return -1;
			}
		}
	}
	return 0;
}

static int build_node_ifs(struct lab_run *r, struct nlsock *nnl, char *err, size_t errlen)
{
	const struct lab_topo *t = r->topo;
	int ni, ii, k;

	for (ni = 0; ni < t->nnodes; ni++) {
		const struct lab_node *n = &t->nodes[ni];

		for (ii = 0; ii < n->nifs; ii++) {
			const struct lab_if *ifp = &n->ifs[ii];

			if (ifp->link < 0) {
				struct lab_nl_link spec = {
					.kind = "ifb", .name = ifp->linux_name, .index = LAB_IFINDEX_BASE + ii,
					.mac = ifp->mac, .up = 1, .peer_ns_fd = -1,
				};

				if (lab_nl_link_add(&nnl[ni], &spec, err, errlen) < 0) {
					prefix_err(err, errlen, n->name, ifp->ios);
					return -1;
				}
			}
			for (k = 0; k < ifp->naddrs; k++) {
				if (nlsock_addr(&nnl[ni], RTM_NEWADDR, LAB_IFINDEX_BASE + ii, ifp->addrs[k].addr,
						ifp->addrs[k].plen, err, errlen) < 0) {
					prefix_err(err, errlen, n->name, ifp->ios);
					return -1;
				}
			}
		}
	}
	return 0;
}

/* Static routes of one node: dev routes first, then via routes, retried while some
 * succeed (a gateway may be reachable only through an earlier static route). again=1
 * (after an interface comes back up) is best effort: routes that exist, or whose
 * interface or gateway is still down, are skipped silently. */
static int route_add(struct nlsock *nl, const struct lab_route *rt, int oif, char *err, size_t errlen)
{
	struct nlsock_route r = { .dst = rt->dst.addr, .plen = rt->dst.plen, .via = rt->via, .oif = oif };

	return nlsock_route(nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &r, err, errlen);
}

int lab_node_routes(const struct lab_topo *t, int ni, struct nlsock *nl, int again, char *err, size_t errlen)
{
	const struct lab_node *n = &t->nodes[ni];
	uint8_t done[LAB_MAX_ROUTES] = { 0 };
	int left = 0, progress = 1, k;
	char where[LAB_NAME_MAX + 300];

	for (k = 0; k < n->nroutes; k++) {
		const struct lab_route *rt = &n->routes[k];

		if (rt->via) {
			left++;
			continue;
		}
		if (route_add(nl, rt, LAB_IFINDEX_BASE + lab_find_if(n, rt->dev), err, errlen) < 0 &&
		    !again) {
			snprintf(where, sizeof(where), "%s:%d: node", t->path, rt->line);
			prefix_err(err, errlen, where, n->name);
			return -1;
		}
		done[k] = 1;
	}
	while (left && progress) {
		progress = 0;
		for (k = 0; k < n->nroutes; k++) {
			const struct lab_route *rt = &n->routes[k];

			if (done[k])
				continue;
			if (route_add(nl, rt, 0, err, errlen) == 0 || (again && errno == EEXIST)) {
				done[k] = 1;
				left--;
				progress = 1;
			}
		}
	}
	if (left && !again) {
		for (k = 0; k < n->nroutes && done[k]; k++)
			;
		snprintf(where, sizeof(where), "%s:%d: node", t->path, n->routes[k].line);
		prefix_err(err, errlen, where, n->name);
		return -1;
	}
	return 0;
}

static int build_routes(struct lab_run *r, struct nlsock *nnl, char *err, size_t errlen)
{
	int ni;

	for (ni = 0; ni < r->topo->nnodes; ni++)
		if (lab_node_routes(r->topo, ni, &nnl[ni], 0, err, errlen) < 0)
			return -1;
	return 0;
}

int lab_up_ex(struct lab_run *r, const struct lab_topo *t, const char *runid, unsigned flags, char *err,
	      size_t errlen)
{
	struct nlsock nnl[LAB_MAX_NODES], snl[LAB_MAX_LINKS];
	char name[LAB_NAME_MAX + 32], existing[1][LAB_NAME_MAX + 32];
	int i, rc = -1;

	memset(r, 0, sizeof(*r));
	r->topo = t;
	for (i = 0; i < LAB_MAX_NODES; i++)
		r->node_fd[i] = -1;
	for (i = 0; i < LAB_MAX_LINKS; i++)
		r->seg_fd[i] = -1;
	memset(nnl, 0, sizeof(nnl));
	memset(snl, 0, sizeof(snl));
	if (err && errlen)
		err[0] = '\0';
	if (runid && runid[0]) {
		if (!lab_runid_valid(runid))
			return lab_errf(err, errlen, "invalid run id '%s' (expected 6 lower-case hex characters)", runid);
		snprintf(r->runid, sizeof(r->runid), "%s", runid);
	} else {
		lab_new_runid(r->runid);
	}
	if (lab_run_namespaces(r->runid, existing, 1) > 0 ||
	    lab_owner_status(r->runid, NULL) >= 0) {
		lab_errf(err, errlen, "run id %s is in use", r->runid);
		r->runid[0] = '\0';
		return -1;
	}
	/* Owner first: from here on a crash leaves something lab_clean_stale can finish. */
	if (lab_owner_write(r->runid, getpid(), err, errlen) < 0)
		return -1;
	if (lab_topo_save(r->runid, t, err, errlen) < 0)
		goto out;
	for (i = 0; i < t->nnodes; i++) {
		lab_ns_name(r, i, name, sizeof(name));
		if (make_ns(name, 0, &r->node_fd[i], &nnl[i], err, errlen) < 0) {
			prefix_err(err, errlen, "node", t->nodes[i].name);
			goto out;
		}
	}
	for (i = 0; i < t->nlinks; i++) {
		struct lab_nl_link br = { .kind = "bridge", .name = "br0", .index = LAB_BR_IFINDEX, .up = 1,
					  .peer_ns_fd = -1 };
		uint8_t mac[6] = { 0x02, 0x69, 0x68, 0xff, (uint8_t)i, 0x00 };

		if (t->links[i].kind != LAB_LINK_SEGMENT)
			continue;
		br.mac = mac;
		lab_seg_ns_name(r, i, name, sizeof(name));
		if (make_ns(name, 1, &r->seg_fd[i], &snl[i], err, errlen) < 0 ||
		    lab_nl_link_add(&snl[i], &br, err, errlen) < 0) {
			prefix_err(err, errlen, "segment", t->links[i].name);
			goto out;
		}
	}
	if (build_links(r, nnl, snl, err, errlen) < 0 || build_node_ifs(r, nnl, err, errlen) < 0 ||
	    build_routes(r, nnl, err, errlen) < 0)
		goto out;
	if ((flags & LAB_UP_DETACHED) && lab_owner_write(r->runid, 0, err, errlen) < 0)
		goto out;
	r->up = 1;
	rc = 0;
out:
	for (i = 0; i < LAB_MAX_NODES; i++)
		nlsock_close(&nnl[i]);
	for (i = 0; i < LAB_MAX_LINKS; i++)
		nlsock_close(&snl[i]);
	if (rc < 0)
		lab_down(r);
	return rc;
}

int lab_up(struct lab_run *r, const struct lab_topo *t, const char *runid, char *err, size_t errlen)
{
	return lab_up_ex(r, t, runid, 0, err, errlen);
}

static void close_fds(struct lab_run *r)
{
	int i;

	for (i = 0; i < LAB_MAX_NODES; i++) {
		if (r->node_fd[i] >= 0)
			close(r->node_fd[i]);
		r->node_fd[i] = -1;
	}
	for (i = 0; i < LAB_MAX_LINKS; i++) {
		if (r->seg_fd[i] >= 0)
			close(r->seg_fd[i]);
		r->seg_fd[i] = -1;
	}
}

int lab_down(struct lab_run *r)
{
	int rc = 0;

	close_fds(r);
	if (r->runid[0] && lab_down_runid(r->runid, NULL, 0) < 0)
		rc = -1;
	r->up = 0;
	return rc;
}

int lab_attach(struct lab_run *r, struct lab_topo *t, const char *runid, char *err, size_t errlen)
{
	char name[LAB_NAME_MAX + 32];
	int i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < LAB_MAX_NODES; i++)
		r->node_fd[i] = -1;
	for (i = 0; i < LAB_MAX_LINKS; i++)
		r->seg_fd[i] = -1;
	if (!lab_runid_valid(runid))
		return lab_errf(err, errlen, "invalid run id '%s' (expected 6 lower-case hex characters)", runid);
	if (lab_topo_restore(runid, t, err, errlen) < 0)
		return -1;
	r->topo = t;
	snprintf(r->runid, sizeof(r->runid), "%s", runid);
	for (i = 0; i < t->nnodes; i++) {
		lab_ns_name(r, i, name, sizeof(name));
		r->node_fd[i] = lab_ns_open(name);
		if (r->node_fd[i] < 0)
			goto fail;
	}
	for (i = 0; i < t->nlinks; i++) {
		if (t->links[i].kind != LAB_LINK_SEGMENT)
			continue;
		lab_seg_ns_name(r, i, name, sizeof(name));
		r->seg_fd[i] = lab_ns_open(name);
		if (r->seg_fd[i] < 0)
			goto fail;
	}
	r->up = 1;
	return 0;
fail:
	lab_errf(err, errlen, "run %s: namespace %s: %s", runid, name, strerror(errno));
	close_fds(r);
	r->runid[0] = '\0';
	return -1;
}

void lab_detach(struct lab_run *r)
{
	close_fds(r);
	r->up = 0;
}
