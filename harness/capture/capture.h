/* capture.h — libpcap on every captured link of a lab run, written as pcapng.
 *
 * One capture per link: a p2p link is captured on its first port's node interface, a
 * segment on its bridge (promiscuous, inside the segment namespace), so each file holds
 * every frame of that link once. A thread per capture set polls all handles; files are
 * captures/<testcase>/<run-id>/<link>.pcapng with nanosecond timestamps.
 *
 * Also: a guard capture in the root namespace (any device, filter on the lab's address
 * ranges) whose count must stay 0 — the proof that no lab packet leaked.
 */
#ifndef HARNESS_CAPTURE_H
#define HARNESS_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include "../../netns-lab/lab.h"

#define CAP_MAX 32

struct cap_set;   /* opaque */

/* Start capturing every link with `capture` set. dir must exist. */
struct cap_set *cap_start(const struct lab_run *r, const char *dir, char *err, size_t errlen);
/* Flush and close; per-link packet counts in the stats. */
struct cap_stats { int n; struct { char link[LAB_NAME_MAX]; char file[512]; uint64_t packets, drops; } l[CAP_MAX]; };
int cap_stop(struct cap_set *c, struct cap_stats *st);

/* Root-namespace leak guard: capture on "any" in the root namespace for packets whose
 * source or destination lies in one of the prefixes. */
struct cap_guard;
struct cap_guard *cap_guard_start(const struct lab_prefix *nets, int nnets, char *err, size_t errlen);
/* Returns the number of leaked packets seen (0 = clean), or -1 on error. */
long cap_guard_stop(struct cap_guard *g, char *detail, size_t len);

#endif
