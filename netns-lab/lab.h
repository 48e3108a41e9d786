/* lab.h — netns-lab: a topology of Linux network namespaces for failover tests.
 *
 * A topology file (format in netns-lab/README.md) names nodes with IOS-style
 * interfaces, point-to-point links and shared segments. lab_up() builds it: one
 * namespace per node, one per segment holding a bridge, veth pairs created directly
 * between the two namespaces (never in the root namespace), addresses, routes,
 * forwarding on. lab_down() removes it. Namespace names are
 *     ihh-<runid>-<node>          nodes
 *     ihh-<runid>-sw-<segment>    segment bridges
 * and /run/ihh/<runid>.owner records the owning PID, so lab_clean_stale() (run at the
 * start of every run and by `netns-lab clean`) removes what a crashed run left —
 * killing processes still inside those namespaces — without touching live runs.
 *
 * Faults are first-class: interface down/up, cable pull on a segment port (the
 * bridge-side veth goes down: the node sees carrier loss), nftables drops through
 * libnftnl, and process kill (the harness drivers restart processes).
 *
 * All functions return 0 on success, -1 on error with a message in `err`.
 */
#ifndef NETNS_LAB_H
#define NETNS_LAB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define LAB_PREFIX      "ihh"
#define LAB_RUN_DIR     "/run/ihh"
#define LAB_NAME_MAX    32
#define LAB_IOS_MAX     48
#define LAB_MAX_NODES   32
#define LAB_MAX_IFS     16     /* per node */
#define LAB_MAX_ADDRS   4      /* per interface */
#define LAB_MAX_ROUTES  32     /* per node */
#define LAB_MAX_LINKS   64     /* links + segments */
#define LAB_MAX_PORTS   16     /* per segment */
#define LAB_ERR_MAX     512

struct lab_prefix { uint32_t addr; uint8_t plen; };   /* IPv4, host order */

struct lab_if {
	char ios[LAB_IOS_MAX];         /* "GigabitEthernet1/0/2" as written */
	char linux_name[16];           /* "ge1-0-2" (derived, or `linux NAME`) */
	struct lab_prefix addrs[LAB_MAX_ADDRS];
	int naddrs;
	int loopback;                  /* Loopback/LoopBack: an ifb device (no dummy driver here), no link */
	uint8_t mac[6];                /* deterministic: 02:69:68:<node>:<if>:00 — lets the analyzer
	                                  name the sender of a captured frame */
	int link;                      /* index into lab_topo.links, -1 if none */
	int line;                      /* source line */
};

struct lab_route {
	struct lab_prefix dst;
	uint32_t via;                  /* host order, 0 if dev route */
	char dev[LAB_IOS_MAX];         /* IOS or Linux name, "" if via */
	int line;
};

struct lab_node {
	char name[LAB_NAME_MAX];
	struct lab_if ifs[LAB_MAX_IFS];
	int nifs;
	struct lab_route routes[LAB_MAX_ROUTES];
	int nroutes;
	int line;
};

enum lab_link_kind { LAB_LINK_P2P, LAB_LINK_SEGMENT };

struct lab_port { int node; int ifidx; char sw_if[16]; /* bridge-side veth name (segments) */ };

struct lab_link {
	char name[LAB_NAME_MAX];
	enum lab_link_kind kind;
	int capture;                   /* capture this link */
	struct lab_port ports[LAB_MAX_PORTS];   /* p2p: exactly 2 */
	int nports;
	int line;
};

struct lab_topo {
	char path[256];
	struct lab_node nodes[LAB_MAX_NODES];
	int nnodes;
	struct lab_link links[LAB_MAX_LINKS];
	int nlinks;
};

/* Parse a topology file. Errors: "topology.lab:12: expected 'address A.B.C.D/LEN', got …". */
int lab_topo_load(const char *path, struct lab_topo *t, char *err, size_t errlen);
int lab_topo_parse(const char *name, const char *text, struct lab_topo *t, char *err, size_t errlen);

/* IOS name → Linux name (a wrapper of refgw's ios_ifname_linux, reference/cfg/ios_cfg.h,
 * so the lab and refgw agree): GigabitEthernet1/0/2 → ge1-0-2, FastEthernet0/0 → fa0-0,
 * Ethernet0/1 → e0-1, TenGigabitEthernet → te, Loopback0/LoopBack0 → loop0, Serial → se,
 * Tunnel → tu, Vlan-interface10 → vlan10. Abbreviations (Gi1/0/2, Fa0/0, Lo0) map the same.
 * Returns -1 if the result would not fit in 15 characters. */
int lab_ifname_from_ios(const char *ios, char out[16]);

int lab_find_node(const struct lab_topo *t, const char *name);
/* Find an interface of a node by IOS name, abbreviation or Linux name; -1 if none. */
int lab_find_if(const struct lab_node *n, const char *name);

struct lab_run {
	const struct lab_topo *topo;
	char runid[16];
	int node_fd[LAB_MAX_NODES];    /* open netns fds */
	int seg_fd[LAB_MAX_LINKS];     /* segment namespaces (-1 for p2p) */
	int up;
};

/* Fresh run id: 6 lower-case hex characters. */
void lab_new_runid(char out[16]);
/* Namespace names for a node / a segment of a run. */
void lab_ns_name(const struct lab_run *r, int node, char *out, size_t len);
void lab_seg_ns_name(const struct lab_run *r, int link, char *out, size_t len);

int lab_up(struct lab_run *r, const struct lab_topo *t, const char *runid, char *err, size_t errlen);
/* Kills processes still inside the run's namespaces, removes them and the owner file. */
int lab_down(struct lab_run *r);
/* Remove namespaces of runs whose owner is dead. Returns how many namespaces went. */
int lab_clean_stale(char *err, size_t errlen);

/* Run fn(arg) with the calling thread inside a namespace (fd), then return to the
 * namespace it was in. Sockets opened inside stay bound to that namespace. */
int lab_in_ns(int ns_fd, int (*fn)(void *), void *arg);
/* Enter a namespace for good (e.g. in a forked child before exec). */
int lab_enter_ns(int ns_fd);

/* --- faults ------------------------------------------------------------------ */

int lab_if_set_up(struct lab_run *r, const char *node, const char *ifname, int up, char *err, size_t errlen);
/* Cable pull/plug: the segment (or p2p peer) side of the node's interface goes down/up. */
int lab_cable(struct lab_run *r, const char *node, const char *ifname, int plugged, char *err, size_t errlen);

enum lab_match { LAB_MATCH_ALL, LAB_MATCH_IKE /* UDP 500, UDP 4500 with non-ESP marker */,
		 LAB_MATCH_ESP /* IP proto 50, UDP 4500 without marker */ };
enum lab_dir { LAB_DIR_BOTH, LAB_DIR_IN, LAB_DIR_OUT };

struct lab_drop {
	char node[LAB_NAME_MAX];
	char ifname[LAB_IOS_MAX];      /* "" = every interface of the node */
	enum lab_match match;
	enum lab_dir dir;
	unsigned loss_pct;             /* 100 = drop all matching, 1..99 random loss */
};

/* Install an nftables drop rule (libnftnl) in the node's namespace; *handle identifies it. */
int lab_drop_add(struct lab_run *r, const struct lab_drop *d, uint64_t *handle, char *err, size_t errlen);
int lab_drop_del(struct lab_run *r, const char *node, uint64_t handle, char *err, size_t errlen);

/* --- root-namespace guard ------------------------------------------------------ */

struct lab_root_snapshot {
	int nifs;
	struct { char name[16]; uint64_t rx_packets, tx_packets; } ifs[64];
	int nroutes;
	char routes[128][96];          /* "dst/plen via gw dev ifname table T" */
	int naddrs;
	char addrs[64][64];
	int truncated;                 /* added: a table did not fit; compare is then best effort */
};

/* Snapshot the root namespace (call from a thread that is in the root namespace). */
int lab_root_snapshot(struct lab_root_snapshot *s, char *err, size_t errlen);
/* Compare: interfaces added/removed, routes or addresses changed → -1 with the difference. */
int lab_root_compare(const struct lab_root_snapshot *before, const struct lab_root_snapshot *after,
		     char *err, size_t errlen);

/* --- additions (beyond the first contract) ------------------------------------------ */

/* Deterministic ifindexes: interface i of a node is LAB_IFINDEX_BASE + i (lo is 1); in a
 * segment namespace br0 is LAB_BR_IFINDEX and port p is LAB_IFINDEX_BASE + p. */
#define LAB_IFINDEX_BASE 10
#define LAB_BR_IFINDEX   2

/* lab_up with flags. LAB_UP_DETACHED: the caller exits after bring-up (`netns-lab up`);
 * the owner file then records pid 0, "held by the CLI": only lab_down_runid or
 * lab_clean(all=1) remove the run. */
#define LAB_UP_DETACHED 1u
int lab_up_ex(struct lab_run *r, const struct lab_topo *t, const char *runid, unsigned flags, char *err,
	      size_t errlen);
/* Tear down a run by id (no topology needed). Returns namespaces removed, -1 on error. */
int lab_down_runid(const char *runid, char *err, size_t errlen);
/* all=0: lab_clean_stale. all=1: every ihh-<6 hex>-* run, whatever its owner. */
int lab_clean(int all, char *err, size_t errlen);
/* Open an existing run (its topology is saved in /run/ihh/<runid>.topo by lab_up) into
 * r and t, e.g. for `netns-lab fault`. lab_detach closes the fds, leaves the run up. */
int lab_attach(struct lab_run *r, struct lab_topo *t, const char *runid, char *err, size_t errlen);
void lab_detach(struct lab_run *r);

enum lab_owner_state { LAB_OWNER_NONE = -1, LAB_OWNER_DEAD = 0, LAB_OWNER_ALIVE = 1, LAB_OWNER_CLI = 2 };
/* State of a run's owner file; *pid gets the recorded pid. */
int lab_owner_status(const char *runid, pid_t *pid);
/* Run ids present in /run/netns or /run/ihh; namespaces of one run. */
int lab_list_runs(char ids[][16], int max);
int lab_run_namespaces(const char *runid, char names[][LAB_NAME_MAX + 32], int max);
/* Namespace fd of a node by name, -1 if none. */
int lab_node_fd(const struct lab_run *r, const char *node);

/* Admin state and carrier (IFF_LOWER_UP) of a node's interface (IOS or Linux name). */
int lab_if_state(struct lab_run *r, const char *node, const char *ifname, int *admin_up, int *carrier,
		 char *err, size_t errlen);

/* Per-interface rx/tx packet deltas between two snapshots, one line per interface. */
void lab_root_report(const struct lab_root_snapshot *before, const struct lab_root_snapshot *after, char *buf,
		     size_t len);

/* "A.B.C.D" of a host-order address. */
const char *lab_ip_str(uint32_t a, char buf[16]);

#endif
