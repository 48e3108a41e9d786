/* node.h — what a testcase says about one node: which daemons run there and the
 * gateway/VRRP/routing intent, in implementation-neutral terms. Drivers turn it into
 * their own configuration files (swanctl.conf, keepalived.conf, bird.conf, refgw's
 * IOS config). Parsed from testcases/<case>/nodes/<NODE>.node (format in README.md).
 */
#ifndef HARNESS_NODE_H
#define HARNESS_NODE_H

#include <stdint.h>
#include "../../netns-lab/lab.h"
#include "../../reference/fsm/windows.h"

#define NODE_MAX_DAEMONS 4
#define NODE_MAX_FLOWS   8
#define NODE_MAX_VRRP    4
#define NODE_MAX_OSPF    8

struct node_flow { struct lab_prefix local, remote; };

struct node_vrrp {
	int vrid;
	char ifname[LAB_IOS_MAX];   /* IOS name as in the topology */
	uint32_t vip;               /* host order */
	int priority;               /* 1..255 */
	double adver_int_s;         /* default 1 */
	int preempt;                /* default 1 */
	int version;                /* 2 or 3, default 2 */
	int line;
};

struct node_spec {
	char name[LAB_NAME_MAX];
	char file[256];
	char daemons[NODE_MAX_DAEMONS][16];   /* "strongswan", "keepalived", "bird", "libreswan" */
	int ndaemons;

	/* IKEv1 gateway */
	int has_ike;
	uint32_t ike_local, ike_peer;         /* host order; ike_local may be a VRRP VIP */
	char psk[128];
	char ike_proposal[64];                /* strongSwan syntax: aes128-sha1-modp2048 */
	char esp_proposal[64];                /* aes128-sha1 */
	int aggressive;                       /* 0 = Main Mode */
	struct node_flow flows[NODE_MAX_FLOWS];
	int nflows;
	struct dpd_cfg dpd;                   /* style DPD_OFF if no dpd line */
	int initiate;                         /* bring the tunnel up at start */
	int ike_lifetime_s, ipsec_lifetime_s; /* 0 = implementation default */

	/* VRRP */
	struct node_vrrp vrrp[NODE_MAX_VRRP];
	int nvrrp;

	/* OSPF (BIRD) */
	uint32_t router_id;
	struct { struct lab_prefix net; uint32_t area; } ospf[NODE_MAX_OSPF];
	int nospf;

	/* refgw: the router configuration as printed in the document (IOS syntax) */
	char config[512];                     /* resolved path, "" if none */
	int config_line;
	int line;                             /* of the first line */
};

int node_spec_load(const char *path, struct node_spec *n, char *err, size_t errlen);
/* The same from text (NUL-terminated; lines are split in place and restored); `path`
 * names it in errors and gives the node its name. */
int node_spec_parse(const char *path, char *text, struct node_spec *n, char *err, size_t errlen);
int node_has_daemon(const struct node_spec *n, const char *daemon);
/* refgw: the run-time lines `lines` ('\n'-separated, as `refgwctl configure` takes them)
 * against the node's configuration (`config FILE`): the `[no] crypto …` / `[no] ike …`
 * ones go through refgw's own parser (ios_cfg_apply_global_line), the others
 * (interface, shutdown, …) are refgw's business. Each keepalive / `ike dpd` line gives
 * the whole DPD setting: *dpd becomes it and *changed 1 (*dpd is left alone otherwise).
 * 0, or -1 with the parser's message in err and *bad_line the 1-based line it refused
 * (0: the configuration file itself). */
#define NODE_CFG_LINE_MAX 256
int node_config_dpd(const struct node_spec *n, const char *lines, struct dpd_cfg *dpd, int *changed,
		    int *bad_line, char *err, size_t errlen);

#endif
