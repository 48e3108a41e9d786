/* rt_show.h — a router's IPv4 routing table as IOS `show ip route` prints it.
 *
 * Owns: the route list (rt_list) built from kernel routes, the kernel encoding that tells
 * which kind of route a kernel route is (below), the choice of the route IOS would show
 * per prefix (lowest administrative distance), and the text (seed 000/001 format: the
 * classful "is subnetted" headers, "O E2     20.1.1.0 [110/20] via 10.1.1.1,
 * FastEthernet0/1") and JSON views. One formatter for refgw's `show ip route` and for the
 * harness's view of a BIRD-only router.
 *
 * Kernel encoding (what a kernel route says about its IOS kind):
 *   - connected (C): the route the kernel made for an interface address (protocol kernel,
 *     scope link, no gateway);
 *   - static (S): rtm_protocol RTPROT_STATIC (refgw's `ip route`, distance in the metric)
 *     or RT_RTPROT_RRI (refgw's Reverse Route Injection, [1/0]); realm = the IOS tag;
 *   - OSPF: rtm_protocol RT_RTPROT_BIRD (12) with the kernel metric
 *       kind × RT_KMETRIC_UNIT + min(cost, RT_KMETRIC_UNIT − 1)
 *     where kind is 1 O (intra-area), 2 IA, 3 E1, 4 E2 (cost = metric 2), 5 N1, 6 N2 —
 *     the metric BIRD's kernel export writes (rt_bird.c); realm = the OSPF route tag.
 *     Any other kernel route is RT_OTHER (shown with code "?").
 */
#ifndef IHH_RT_SHOW_H
#define IHH_RT_SHOW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define RT_RTPROT_BIRD    12          /* iproute2 rt_protos "bird" */
#define RT_RTPROT_RRI     201         /* = KERN_RTPROT_RRI (reference/kern/kern.h) */
#define RT_KMETRIC_UNIT   1000000u
#define RT_MAX_PATHS      4           /* equal-cost next hops shown per route */
#define RT_MAX_ROUTES     512
#define RT_IFNAME_MAX     64

enum rt_kind { RT_CONNECTED, RT_STATIC, RT_OSPF, RT_OSPF_IA, RT_OSPF_E1, RT_OSPF_E2, RT_OSPF_N1,
	       RT_OSPF_N2, RT_OTHER };

struct rt_path {
	uint32_t via;                     /* host order; 0 = directly connected */
	char ifname[RT_IFNAME_MAX];       /* Linux name, or the IOS one after rt_list_rename */
};

struct rt_entry {
	uint32_t dst;                     /* host order, masked */
	uint8_t plen;
	enum rt_kind kind;
	unsigned distance;                /* administrative distance: C 0, S metric or 1, O 110 */
	uint32_t cost;                    /* the metric IOS prints after the distance */
	uint32_t tag;                     /* realm: IOS route tag / OSPF tag, 0 = none */
	uint8_t protocol;                 /* kernel rtm_protocol */
	uint32_t kmetric;                 /* kernel metric (RTA_PRIORITY) */
	int npaths;
	struct rt_path paths[RT_MAX_PATHS];
};

struct rt_list {
	int n;
	struct rt_entry e[RT_MAX_ROUTES];
};

/* The kernel metric BIRD gives an OSPF route of `kind` with `cost` (RT_OSPF … RT_OSPF_N2). */
uint32_t rt_kmetric(enum rt_kind kind, uint32_t cost);
/* A kernel route's kind (encoding above); *distance and *cost as IOS prints them. */
enum rt_kind rt_kind_of(uint8_t protocol, uint32_t kmetric, bool connected, unsigned *distance, uint32_t *cost);
/* "C", "S", "O", "O IA", "O E1", "O E2", "O N1", "O N2", "?" */
const char *rt_kind_code(enum rt_kind kind);
/* The type words of the harness's `type …`: "C", "S", "O", "IA", "E1", "E2", "N1", "N2";
 * -1 if none. */
int rt_kind_parse(const char *word, enum rt_kind *kind);

/* Add one kernel route (one entry per path; a route with several next hops is added once
 * per hop with the same dst/plen/kind and merged). Returns 0, -1 when the list is full. */
int rt_list_add(struct rt_list *l, uint32_t dst, uint8_t plen, uint32_t via, const char *ifname, uint8_t protocol,
		uint32_t kmetric, uint32_t realm, bool connected);
/* Keep per prefix the routes IOS would show: the lowest distance (then the lowest kernel
 * metric); equal ones are one route with several paths. Sorted by address, then length. */
void rt_list_select(struct rt_list *l);
/* Replace each path's Linux interface name by name(arg, linux) when that is not NULL
 * (the IOS name from the router's configuration or the lab topology). */
void rt_list_rename(struct rt_list *l, const char *(*name)(void *arg, const char *lnx), void *arg);
/* The entry for exactly dst/plen, NULL if none. */
const struct rt_entry *rt_list_find(const struct rt_list *l, uint32_t dst, uint8_t plen);

/* `show ip route` (rt_list_select first): the Codes legend when codes, "Gateway of last
 * resort is …", then the routes grouped by classful network as IOS prints them. */
void rt_show_text(const struct rt_list *l, FILE *out, bool codes);
/* {"gateway_of_last_resort": "…"|null, "routes": [{"prefix", "code", "type", "distance",
 * "metric", "tag", "protocol", "paths": [{"via", "interface"}]}]} */
void rt_show_json(const struct rt_list *l, FILE *out);

/* Read kernel table `table` (254 main; 0 every table but local) of the calling thread's
 * network namespace through rtnetlink into l (not selected), plus a connected /32 route
 * for each /32 interface address (a Loopback: the kernel keeps those in `local` only).
 * Returns 0, or -1 with a message in err. */
#define RT_KERN_MAIN 254              /* rt_kern_read: the main table */
#define RT_KERN_ALL  0                /* rt_kern_read: every table but local */
int rt_kern_read(struct rt_list *l, uint32_t table, char *err, size_t errlen);

#endif
