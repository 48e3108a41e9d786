/* rt_bird.h — an IOS router's `router ospf` / `route-map` configuration as a bird.conf for
 * BIRD 2.0.12 running in the router's namespace beside refgw (or alone, for an inside
 * router such as seed 001's 7206-1 or seed 000's R3).
 *
 * Owns the translation, nothing else (no I/O but the FILE given):
 *   - `router-id A`, else the highest Loopback address, else the highest address of an
 *     interface that is not shut down (as IOS chooses it);
 *   - `network A W area N`: every interface (not shut down) with an address inside
 *     A/W joins area N — the most specific statement wins, as in IOS; Loopbacks and
 *     `passive-interface IF` (or all but `no passive-interface IF` under
 *     `passive-interface default`) are stub interfaces (no hellos, prefix advertised);
 *   - hello/dead 10/40 s (IOS defaults) or 1/4 s with fast_timers (the harness);
 *   - kernel protocol: learns the routes other programs put in the main table (refgw's
 *     `ip route` = RTPROT_STATIC, RRI = protocol 201) with a preference above OSPF's —
 *     IOS's distance 1 beats 110 — and exports OSPF routes with their kind in the kernel
 *     metric and the OSPF tag in the realm (encoding in rt_show.h);
 *   - `redistribute static [subnets] [metric M] [metric-type 1|2] [tag T] [route-map X]`:
 *     the learnt static/RRI routes become externals (default E2 metric 20) carrying
 *     ospf_tag = the route's own tag (kernel realm) unless `tag T` or the route-map sets
 *     one; without `subnets` only classful networks (IOS); the route-map's entries in
 *     sequence order, `match tag` on the route's tag, permit/deny, `set tag`, `set
 *     metric`, `set metric-type`; no entry matching (or a map that does not exist) =
 *     not redistributed (IOS's implicit deny). `redistribute connected` likewise for the
 *     interfaces' networks;
 *   - `default-information originate [always] [metric M] [metric-type 1|2]`: a default
 *     route into OSPF (default E2 metric 1) while the routing table has one that OSPF did
 *     not bring — with `always` even without one (a BIRD static default that is never
 *     installed in the kernel).
 */
#ifndef IHH_RT_BIRD_H
#define IHH_RT_BIRD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "ios_cfg.h"

struct rt_bird_opts {
	const char *log_path;             /* `log "PATH" all;`, NULL = none */
	bool fast_timers;                 /* hello 1, dead 4, retransmit 2, wait 2 (harness tests) */
	unsigned kernel_scan_s;           /* kernel table scan period, 0 = 2 s */
};

/* The OSPF router ID IOS would use (0 if the router has no address at all). */
uint32_t rt_bird_router_id(const struct ios_cfg *cfg);
/* Does the configuration have a `router ospf` process? */
bool rt_bird_wanted(const struct ios_cfg *cfg);
/* Write bird.conf for cfg to f. Returns 0, or -1 with "FILE: no router ospf process" (or
 * "FILE:LINE: …") in err. */
int rt_bird_conf(const struct ios_cfg *cfg, const struct rt_bird_opts *o, FILE *f, char *err, size_t errlen);

#endif
