/* ctl.h — refgw's control channel (DESIGN.md layer ctl/): show / clear / configure.
 *
 * One request per connection on a unix stream socket. The daemon listens on the abstract
 * name "\0refgw": abstract names belong to a network namespace, so every lab node has its
 * own and nothing is left in the file system after a crash. refgwctl reaches a node by
 * entering its namespace first (ctl_enter_node: `-n vpn7200` finds ihh-<run>-vpn7200).
 *
 * Request: text — one command ("show crypto ipsec sa", "json show crypto isakmp sa"), or
 * "configure" followed by configuration lines — ended by the client's shutdown(SHUT_WR).
 * Response: a status line "ok" or "error", then the body, then the server closes.
 */
#ifndef CTL_CTL_H
#define CTL_CTL_H

#include <stddef.h>
#include <stdio.h>

#define CTL_ABSTRACT_NAME "refgw"
#define CTL_MAX_REQUEST   65536

/* A handler writes the body to `out` and returns 0 (ok) or -1 (error). */
typedef int (*ctl_handler)(void *arg, const char *request, FILE *out);

struct ctl_server;

/* Listen on the abstract name (NULL → CTL_ABSTRACT_NAME) in the calling thread's network
 * namespace. */
struct ctl_server *ctl_listen(const char *abstract_name, char *err, size_t errlen);
int ctl_server_fd(const struct ctl_server *s);
/* Call when the listening fd is readable: accept one client, read its request (bounded by
 * CTL_MAX_REQUEST and a 2 s timeout), run the handler, write the answer, close. */
void ctl_server_serve(struct ctl_server *s, ctl_handler h, void *arg);
void ctl_server_close(struct ctl_server *s);

/* Client: send `request`, return the body in *body (malloc'd, NUL-terminated) and the
 * status (0 ok, 1 error). Returns -1 with err set if the daemon cannot be reached. */
int ctl_request(const char *abstract_name, const char *request, char **body, int *status,
		char *err, size_t errlen);

/* Enter the network namespace of lab node NODE: an exact namespace name under
 * /run/netns, or the one namespace named ihh-<run>-NODE (ihh-RUN-NODE when run is given).
 * Several matches without a run id is an error listing them. */
int ctl_enter_node(const char *node, const char *run, char *err, size_t errlen);

#endif
