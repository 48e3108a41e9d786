/* fault.c — link faults: interface shutdown (the node's own interface goes admin down)
 * and cable pull (the far side goes down, so the node's interface stays admin up but
 * loses carrier — what a real pulled cable looks like to the router).
 *
 *   segment port: the bridge-side veth in the segment namespace goes down/up
 *   p2p link:     the peer node's end goes down/up
 */
#include "lab_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int lab_node_fd(const struct lab_run *r, const char *node)
{
	int ni = lab_find_node(r->topo, node);

	return ni < 0 ? -1 : r->node_fd[ni];
}

int lab_resolve_if(const struct lab_run *r, const char *node, const char *ifname, int *ni, int *ii, char *err,
		   size_t errlen)
{
	if (!r->topo || !r->up)
		return lab_errf(err, errlen, "run is not up");
	*ni = lab_find_node(r->topo, node);
	if (*ni < 0)
		return lab_errf(err, errlen, "run %s: unknown node '%s'", r->runid, node);
	*ii = lab_find_if(&r->topo->nodes[*ni], ifname);
	if (*ii < 0)
		return lab_errf(err, errlen, "run %s: node %s has no interface '%s'", r->runid, node, ifname);
	return 0;
}

static int set_link(int ns_fd, int ifindex, int up, char *err, size_t errlen)
{
	struct nlsock nl = { 0 };
	int rc;

	if (lab_nl_open(&nl, NETLINK_ROUTE, ns_fd, err, errlen) < 0)
		return -1;
	rc = nlsock_link_set_up(&nl, ifindex, up, err, errlen);
	nlsock_close(&nl);
	return rc;
}

int lab_if_set_up(struct lab_run *r, const char *node, const char *ifname, int up, char *err, size_t errlen)
{
	int ni, ii;

	struct nlsock nl = { 0 };
	int rc;

	if (lab_resolve_if(r, node, ifname, &ni, &ii, err, errlen) < 0)
		return -1;
	if (lab_nl_open(&nl, NETLINK_ROUTE, r->node_fd[ni], err, errlen) < 0)
		return -1;
	rc = nlsock_link_set_up(&nl, LAB_IFINDEX_BASE + ii, up, err, errlen);
	/* The kernel flushes routes through an interface that goes down; IOS re-installs
	 * its static routes when the interface comes back, so do we. */
	if (rc == 0 && up)
		rc = lab_node_routes(r->topo, ni, &nl, 1, err, errlen);
	nlsock_close(&nl);
	return rc;
}

int lab_cable(struct lab_run *r, const char *node, const char *ifname, int plugged, char *err, size_t errlen)
{
	const struct lab_link *l;
	int ni, ii, p;

	if (lab_resolve_if(r, node, ifname, &ni, &ii, err, errlen) < 0)
		return -1;
	if (r->topo->nodes[ni].ifs[ii].link < 0)
		return lab_errf(err, errlen, "node %s interface %s has no cable (not in a link or segment)", node,
				ifname);
	l = &r->topo->links[r->topo->nodes[ni].ifs[ii].link];
	for (p = 0; p < l->nports; p++)
		if (l->ports[p].node == ni && l->ports[p].ifidx == ii)
			break;
	if (p == l->nports)
		return lab_errf(err, errlen, "topology inconsistent: %s %s not a port of %s", node, ifname, l->name);
	if (l->kind == LAB_LINK_SEGMENT)
		return set_link(r->seg_fd[r->topo->nodes[ni].ifs[ii].link], LAB_IFINDEX_BASE + p, plugged, err,
				errlen);
	p = 1 - p;
	return set_link(r->node_fd[l->ports[p].node], LAB_IFINDEX_BASE + l->ports[p].ifidx, plugged, err, errlen);
}

int lab_if_state(struct lab_run *r, const char *node, const char *ifname, int *admin_up, int *carrier,
		 char *err, size_t errlen)
{
	struct nlsock nl = { 0 };
	struct nlsock_link st;
	int ni, ii, rc;

	if (lab_resolve_if(r, node, ifname, &ni, &ii, err, errlen) < 0)
		return -1;
	if (lab_nl_open(&nl, NETLINK_ROUTE, r->node_fd[ni], err, errlen) < 0)
		return -1;
	rc = nlsock_link_get(&nl, LAB_IFINDEX_BASE + ii, NULL, &st, err, errlen);
	nlsock_close(&nl);
	if (rc == 0 && admin_up)
		*admin_up = st.admin_up;
	if (rc == 0 && carrier)
		*carrier = st.carrier;
	return rc;
}
