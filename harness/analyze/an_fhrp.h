/* an_fhrp.h — RFC conformance of the HSRP (RFC 2281, Cisco v2) and VRRP (RFC 3768 v2,
 * RFC 5798 v3) traffic of a run, judged from the captured events alone:
 * CONFORMANCE.md §6 assertions 40–59, one verdict each over every captured link.
 *
 * Owns: the per-link, per-group walk over EV_HSRP / EV_VRRP / EV_ARP / EV_ICMP events
 * (analyze.c fills the fields, event.h), the virtual MACs, and what each assertion can
 * see in a capture. Timing uses reference/fsm/windows.c only (hsrp_hello_gap_window,
 * hsrp_takeover_window, vrrp_master_down_s, vrrp_skew_s); wire values (Hello, Hold,
 * AdverInt) are testcase seconds and are multiplied by the run's time scale, because
 * refgw runs its timers scaled while its packets carry the configured values.
 * Assertions that need state no capture holds (who was shut down, what a router
 * ignored) check the part the capture shows and say so in `detail`.
 */
#ifndef HARNESS_AN_FHRP_H
#define HARNESS_AN_FHRP_H

#include <stdint.h>
#include "../core/event.h"

#define AN_FHRP_FIRST 40
#define AN_FHRP_N     20      /* assertions 40..59 */

/* WAIVED: every failure came from a node the run does not test (o->counted said no,
 * e.g. keepalived's adverts from the interface MAC); reported, not counted. */
enum an_chk_status { AN_CHK_NA, AN_CHK_PASS, AN_CHK_FAIL, AN_CHK_WAIVED };

/* What a node's configuration says about one group (node file `vrrp` line, refgw's
 * `standby N …` / `vrrp N …`); only used where the capture cannot tell (Preempt_Mode). */
struct an_fhrp_cfg {
	char node[32];
	int vrrp;                  /* 1 VRRP, 0 HSRP */
	unsigned group;            /* HSRP group / VRID */
	int preempt;               /* 1 / 0 */
};

struct an_fhrp_opts {
	double scale;              /* --time-scale of the run (1 = real time) */
	double tol_s;              /* timing tolerance in real seconds (both sides) */
	const struct an_fhrp_cfg *cfg;
	int ncfg;
	/* Whether a failure by `node` counts (NULL: every failure counts). */
	int (*counted)(const char *node, void *arg);
	void *arg;
};

struct an_chk {
	int id;                    /* 40..59 */
	enum an_chk_status status;
	const char *title;         /* what is asserted, e.g. "HSRP v1: UDP 1985 → 224.0.0.2, TTL 1 …" */
	const char *rfc;           /* "RFC 2281 §5.1" */
	unsigned long checked;     /* packets / transitions judged */
	unsigned long failed;      /* counted failures */
	unsigned long waived;      /* failures by nodes not under test */
	/* evidence: the first failure, else the first judged packet */
	char link[32];
	uint32_t frame;
	int64_t t_ns;
	char detail[240];          /* the first counted failure, or a note */
	char waived_detail[240];   /* the first waived failure */
};

/* Judge every assertion over ev (any order; every link). out[i] is assertion 40 + i. */
void an_fhrp_check(const struct ev_list *ev, const struct an_fhrp_opts *o, struct an_chk out[AN_FHRP_N]);
const char *an_chk_status_name(enum an_chk_status s);   /* "not-applicable", "pass", "fail", "waived" */
/* The virtual MACs: HSRP v1 0000.0c07.acXX (RFC 2281 §6.1), v2 0000.0c9f.fXXX (secondary
 * sources, CONFORMANCE.md Uncertainties); VRRP IPv4 00-00-5E-00-01-VRID (RFC 3768 §7.3). */
void an_hsrp_vmac(unsigned version, unsigned group, uint8_t mac[6]);
void an_vrrp_vmac(unsigned vrid, uint8_t mac[6]);

#endif
