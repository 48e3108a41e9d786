/* driver.h — one interface for every gateway or routing daemon the harness runs.
 *
 * A driver turns a node_spec into its daemon's configuration (prepare), starts the
 * daemon inside the node's namespace (start), and then answers the harness: initiate a
 * tunnel, list SAs in a normalised form, kill or stop the daemon, turn its log into
 * timeline events, and write the keys it used in Wireshark's key-table formats so
 * captures decrypt. A driver that cannot run here says so from available() with a reason
 * and the harness reports the testcase as skipped.
 *
 * Drivers: refgw, strongswan, keepalived, bird, libreswan.
 */
#ifndef HARNESS_DRIVER_H
#define HARNESS_DRIVER_H

#include <stdio.h>
#include <sys/types.h>
#include "../core/event.h"
#include "../core/node.h"

#define DRV_ERR_MAX 512
#define SA_MAX 32

/* A normalised SA as the harness compares them, whatever the implementation. */
struct sa_entry {
	enum { SA_IKE, SA_IPSEC } kind;
	char state[24];            /* IKE: "ESTABLISHED", "CONNECTING", …  IPsec: "INSTALLED" */
	uint32_t local, remote;    /* host order */
	uint8_t icookie[8], rcookie[8];   /* IKE */
	uint32_t spi_in, spi_out;  /* IPsec, host order */
	struct lab_prefix local_ts, remote_ts;
	uint64_t bytes_in, bytes_out, packets_in, packets_out;
	int established_s;         /* age, -1 unknown */
};

struct sa_list { struct sa_entry sa[SA_MAX]; int n; };

struct drv_node {
	const struct driver *drv;
	const struct node_spec *spec;
	const struct lab_node *lab;    /* interfaces/addresses of this node */
	char ns_name[64];              /* /run/netns/<ns_name> */
	int ns_fd;
	char dir[256];                 /* this daemon's working dir under the run dir (configs, logs, run/) */
	pid_t pid;                     /* main daemon process, 0 if not running */
	double time_scale;             /* 1.0 unless the driver can scale */
	void *priv;                    /* driver state */
};

struct driver {
	const char *name;
	/* 0 usable; 1 skip with `why` (e.g. "kernel has no ESP"); -1 error. */
	int (*available)(char *why, size_t len);
	/* Can this daemon run with protocol timers scaled by `scale`? */
	int (*can_scale)(double scale);
	int (*prepare)(struct drv_node *n, char *err, size_t len);
	int (*start)(struct drv_node *n, char *err, size_t len);
	/* Wait until the daemon answers its control channel (ms budget). */
	int (*wait_ready)(struct drv_node *n, int timeout_ms, char *err, size_t len);
	int (*initiate)(struct drv_node *n, char *err, size_t len);
	/* Tear down every SA the way an operator would (IOS `clear crypto sa`, swanctl
	 * --terminate): the daemon sends its Delete notifications. NULL if unsupported. */
	int (*clear)(struct drv_node *n, char *err, size_t len);
	/* Configuration-mode lines at run time, in order (`lines` '\n'-separated; refgw:
	 * `refgwctl configure LINE…`). A refused line: -1 with the daemon's message in err.
	 * NULL if the daemon cannot be configured while it runs. */
	int (*configure)(struct drv_node *n, const char *lines, char *err, size_t len);
	int (*list_sas)(struct drv_node *n, struct sa_list *out, char *err, size_t len);
	/* A named state: VRRP "MASTER"/"BACKUP"/"FAULT" for keepalived; NULL if unsupported. */
	int (*state)(struct drv_node *n, const char *what, char *out, size_t outlen);
	int (*kill)(struct drv_node *n, int sig);      /* signal the daemon, reap it */
	int (*stop)(struct drv_node *n);               /* graceful stop, then SIGKILL after 2 s */
	/* Parse the daemon's log into EV_LOG (and EV_STATE) events with real timestamps. */
	int (*logs)(struct drv_node *n, struct ev_list *out);
	/* Append key-table rows: Wireshark ikev1_decryption_table and esp_sa formats. */
	int (*keys)(struct drv_node *n, FILE *ikev1_table, FILE *esp_sa);
};

const struct driver *driver_find(const char *name);
/* The daemons of a node in start order (stopped in reverse): its `daemon` lines, then
 * "bird" when a refgw node's configuration has `router ospf` and the node names no bird
 * itself. Returns the count, or -1 with the reason in err (unreadable config). */
int driver_node_daemons(const struct node_spec *s, const char *out[NODE_MAX_DAEMONS], char *err, size_t len);
extern const struct driver driver_refgw, driver_strongswan, driver_keepalived, driver_bird, driver_libreswan;

/* Spawn argv inside the node's namespace with stdout/stderr to logfile. If private_run is
 * not NULL, the child gets its own mount namespace with private_run bind-mounted on /run
 * (for daemons with compiled-in /run paths). Returns the pid or -1. */
pid_t drv_spawn(struct drv_node *n, char *const argv[], const char *logfile,
		const char *private_run, char *const envp[], char *err, size_t len);
/* Run a command to completion inside the node's namespace, capturing stdout. */
int drv_run(struct drv_node *n, char *const argv[], char *out, size_t outlen, int timeout_ms);
/* The same capturing stdout and stderr together (for a command's error message). */
int drv_run_both(struct drv_node *n, char *const argv[], char *out, size_t outlen, int timeout_ms);

/* Added: libreswan's kernel-ESP probe inside a given namespace (ns_fd of a node), or
 * in a fresh throw-away namespace when ns_fd < 0. 1 = skip with `why`, 0 = usable. */
int drv_libreswan_available_ns(int ns_fd, char *why, size_t len);

#endif
