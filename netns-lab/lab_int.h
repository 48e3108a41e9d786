/* lab_int.h — netns-lab internals shared by its files (not part of the contract).
 *
 * nl.c: one rtnetlink/nfnetlink socket bound to a namespace, request/ack and dumps.
 * ns.c: namespace files under /run/netns. owner.c: /run/ihh/<runid>.owner and .topo.
 * clean.c: finding a run's namespaces, killing what is inside, removing them.
 */
#ifndef NETNS_LAB_INT_H
#define NETNS_LAB_INT_H

#include "lab.h"

#include <libmnl/libmnl.h>
#include <stdbool.h>

#ifndef MNL_SOCKET_DUMP_SIZE
#define MNL_SOCKET_DUMP_SIZE 32768
#endif

#define LAB_NETNS_DIR   "/run/netns"

int lab_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* --- nl.c --- */
struct lab_nl {
	struct mnl_socket *sk;
	unsigned portid;
	unsigned seq;
};

/* Open a netlink socket of `bus` inside ns_fd (-1: the calling thread's namespace). */
int lab_nl_open(struct lab_nl *nl, int bus, int ns_fd, char *err, size_t errlen);
void lab_nl_close(struct lab_nl *nl);
/* Send one request with NLM_F_ACK and wait for its ack; `what` prefixes errors. */
int lab_nl_talk(struct lab_nl *nl, struct nlmsghdr *nlh, const char *what, char *err, size_t errlen);
/* Send a dump request and run cb on every answer. */
int lab_nl_dump(struct lab_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data, char *err, size_t errlen);

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

int lab_nl_link_add(struct lab_nl *nl, const struct lab_nl_link *l, char *err, size_t errlen);
int lab_nl_link_set_up(struct lab_nl *nl, int ifindex, int up, char *err, size_t errlen);
int lab_nl_addr_add(struct lab_nl *nl, int ifindex, const struct lab_prefix *p, char *err, size_t errlen);
int lab_nl_route_add(struct lab_nl *nl, const struct lab_prefix *dst, uint32_t via, int oif, char *err,
		     size_t errlen);
/* Admin and carrier state of one link. */
int lab_nl_link_state(struct lab_nl *nl, int ifindex, int *admin_up, int *carrier, char *err, size_t errlen);

/* --- ns.c --- */
int lab_ns_path(const char *name, char *out, size_t len);
/* Create a named namespace (bind-mounted on /run/netns/NAME); returns an open fd. */
int lab_ns_create(const char *name, int *fd, char *err, size_t errlen);
/* Open /run/netns/NAME; -1 if missing. */
int lab_ns_open(const char *name);
int lab_ns_remove(const char *name);
/* Write a sysctl in the namespace the calling thread is in. */
int lab_sysctl_write(const char *path, const char *val, char *err, size_t errlen);

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
int lab_node_routes(const struct lab_topo *t, int ni, struct lab_nl *nl, int again, char *err, size_t errlen);

/* --- fault.c --- */
/* Resolve node + interface names; fills node/if indexes. */
int lab_resolve_if(const struct lab_run *r, const char *node, const char *ifname, int *ni, int *ii, char *err,
		   size_t errlen);

#endif
