/* drv_int.h — helpers shared by the drivers (not part of the driver contract).
 *
 * Small utilities every driver needs: error formatting, writing a config file,
 * timestamps of daemon log lines in local time turned into CLOCK_REALTIME ns,
 * appending events without depending on the core library, signalling a daemon and
 * reaping it with a SIGKILL fallback, and polling a unix control socket.
 */
#ifndef HARNESS_DRV_INT_H
#define HARNESS_DRV_INT_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include "driver.h"

#if defined(__GNUC__)
#define DRV_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define DRV_PRINTF(a, b)
#endif

/* snprintf into err (if err != NULL), return -1. */
int drv_fail(char *err, size_t len, const char *fmt, ...) DRV_PRINTF(3, 4);
/* Write `text` to dir/name (mode 0600 for secrets when `secret`). */
int drv_write_file(const char *dir, const char *name, const char *text, int secret,
		   char *err, size_t len);
/* Read a whole file (NUL-terminated, caller frees); NULL if missing. */
char *drv_read_file(const char *path, size_t *len_out);
/* "a.b.c.d" of a host-order address into a static rotating buffer. */
const char *drv_ip(uint32_t host_order);
int drv_parse_ip(const char *s, uint32_t *out);
int drv_parse_prefix(const char *s, struct lab_prefix *p);
/* "YYYY-MM-DD HH:MM:SS[.mmm]" local time → CLOCK_REALTIME ns; -1 on error.
 * *consumed is set to the characters used. */
int64_t drv_parse_local_ts(const char *s, size_t *consumed);
/* Append an event (ev_list is grown with realloc; the core's ev_push is not needed). */
struct ev *drv_ev_add(struct ev_list *l, int64_t t_ns, enum ev_type type, const char *node,
		      const char *text);
/* Signal n->pid, wait up to grace_ms, then SIGKILL and reap. Sets n->pid = 0. */
int drv_signal_reap(struct drv_node *n, int sig, int grace_ms);
/* Poll until the unix socket at path accepts a connection. */
int drv_wait_unix(const char *path, int timeout_ms);
/* Find the Linux name of a node interface by IOS name (case-insensitive) or Linux name. */
const struct lab_if *drv_find_if(const struct lab_node *lab, const char *name);
/* Sleep milliseconds. */
void drv_sleep_ms(int ms);

/* strongSwan internals shared by drv_strongswan.c and drv_strongswan_log.c */
int ss_parse_list_sas(const char *text, struct sa_list *out);
int ss_logs(struct drv_node *n, struct ev_list *out);
int ss_keys(struct drv_node *n, FILE *ikev1_table, FILE *esp_sa);

#endif
