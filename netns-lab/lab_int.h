/* lab_int.h — netns-lab internals shared by its files (not part of the contract).
 *
 * nl.c: an rtnetlink/nfnetlink socket opened in a namespace (reference/kern/nlsock does
 *       request/ack and dumps), veth/bridge/ifb creation.
 * ns.c: namespace files under /run/netns. owner.c: /run/ihh/<runid>.owner and .topo.
 * clean.c: finding a run's namespaces, killing what is inside, removing them.
 */
#ifndef NETNS_LAB_INT_H
#define NETNS_LAB_INT_H

#include "lab.h"

#include "nlsock.h"         /* reference/kern: netlink request/ack/dump, nftables batches */
#include <stdbool.h>

#define LAB_NETNS_DIR   "/run/netns"

/* One error formatter for netns-lab and the shared netlink layer. */
#define lab_errf nlsock_errf

/* --- nl.c --- */
/* Open a netlink socket of `bus` inside ns_fd (-1: the calling thread's namespace).
 * Requests on it: nlsock_talk / nlsock_dump / nlsock_link_set_up / nlsock_addr /
 * nlsock_route / nlsock_link_get; close with nlsock_close. */
int lab_nl_open(struct nlsock *nl, int bus, int ns_fd, char *err, size_t errlen);

struct lab_nl_link {
	const char *kind;          /* "veth", "bridge", "ifb" */
	const char *name;
	int index;                 /* 0: kernel chooses */
	const uint8_t *mac;        /* NULL: kernel chooses */
	int master;                /* ifindex of a bridge, 0 none */
	int up;
	/* veth only: the peer, created straight into peer_ns_fd */
	const char *peer_name;
	int peer_index;
	const uint8_t *peer_mac;
	int peer_ns_fd;
	int peer_up;
};

int lab_nl_link_add(struct nlsock *nl, const struct lab_nl_link *l, char *err, size_t errlen);

/* --- ns.c --- */
int lab_ns_path(const char *name, char *out, size_t len);
/* Create a named namespace (bind-mounted on /run/netns/NAME); returns an open fd. */
int lab_ns_create(const char *name, int *fd, char *err, size_t errlen);
/* Open /run/netns/NAME; -1 if missing. */
int lab_ns_open(const char *name);
int lab_ns_remove(const char *name);

/* --- owner.c --- */
int lab_owner_write(const char *runid, pid_t pid, char *err, size_t errlen);
/* 1 alive, 0 dead, 2 held by the CLI (pid 0), -1 no owner file. */
int lab_owner_check(const char *runid, pid_t *pid);   /* = lab_owner_status */
void lab_owner_remove(const char *runid);
int lab_topo_save(const char *runid, const struct lab_topo *t, char *err, size_t errlen);
int lab_topo_restore(const char *runid, struct lab_topo *t, char *err, size_t errlen);
void lab_topo_forget(const char *runid);
/* Process start time (field 22 of /proc/PID/stat), 0 if the process is gone. */
unsigned long long lab_proc_start(pid_t pid);

/* --- clean.c --- */
/* "ihh-<6 hex>-..." → runid (6 chars + NUL); false if the name is not a run namespace. */
bool lab_ns_runid(const char *ns, char runid[16]);
bool lab_runid_valid(const char *runid);

/* --- run.c --- */
int lab_node_routes(const struct lab_topo *t, int ni, struct nlsock *nl, int again, char *err, size_t errlen);

/* --- fault.c --- */
/* Resolve node + interface names; fills node/if indexes. */
int lab_resolve_if(const struct lab_run *r, const char *node, const char *ifname, int *ni, int *ii, char *err,
		   size_t errlen);

#endif
