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

/* Start capturing every link with `capture` set. dir must exist. Files are
 * <dir>/<link>.pcapng (linktype from pcap_datalink, if_name = the captured device).
 * Returns only once every handle is active, so nothing sent after the return is missed.
 * Threads: one capture thread per set. It enters each link's namespace with setns()
 * (CLONE_NEWNET) to create and activate that link's handle (snaplen 65535, promiscuous,
 * immediate mode, nanosecond timestamps, 4 MiB buffer), then returns to the namespace
 * the caller was in; the packet sockets stay bound to their namespaces. The caller's
 * own namespace is never changed. */
struct cap_set *cap_start(const struct lab_run *r, const char *dir, char *err, size_t errlen);
/* Stop the thread, drain what the kernel still holds, close; per-link packet counts
 * (packets written) and drops (pcap_stats ps_drop + ps_ifdrop) in the stats (st may be
 * NULL). Frees c. Returns 0, or -1 if a file could not be written completely. */
struct cap_stats { int n; struct { char link[LAB_NAME_MAX]; char file[512]; uint64_t packets, drops; } l[CAP_MAX]; };
int cap_stop(struct cap_set *c, struct cap_stats *st);
/* Packets written so far to link i of the set (i in cap_start order), for progress. */
uint64_t cap_packets(struct cap_set *c, int i);

/* Root-namespace leak guard: capture on "any" in the root namespace for packets whose
 * source or destination lies in one of the prefixes (BPF "net A.B.C.D/L or net …";
 * host bits of a prefix are masked off). The root namespace is the calling thread's
 * namespace at cap_guard_start (recorded from /proc/thread-self/ns/net); the guard's own
 * thread enters it explicitly. Returns once the handle is active. */
struct cap_guard;
struct cap_guard *cap_guard_start(const struct lab_prefix *nets, int nnets, char *err, size_t errlen);
/* Returns the number of leaked packets seen (0 = clean), or -1 on error. detail gets
 * "N leaked packet(s): eth0 10.1.1.1->10.1.1.2 proto 1; …" for the first few (up to
 * CAP_GUARD_DETAIL), or "" when clean. Frees g. */
#define CAP_GUARD_DETAIL 8
long cap_guard_stop(struct cap_guard *g, char *detail, size_t len);

#endif
