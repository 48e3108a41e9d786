/* testcase.h — a testcase folder: testcase.conf (header + timeline of actions and
 * expectations), topology.lab (netns-lab), nodes/<NODE>.node, and per gateway
 * implementation variant nodes/<VARIANT>/<NODE>.node overriding the common file. Format
 * in README.md, "What a testcase looks like". A testcase is loaded for one variant: lines
 * `only VARIANT[,VARIANT…]: …` of other variants are left out. Every parse error names
 * file:line and the expected form.
 */
#ifndef HARNESS_TESTCASE_H
#define HARNESS_TESTCASE_H

#include "../../netns-lab/lab.h"
#include "node.h"

#define TC_MAX_ACTIONS 64
#define TC_MAX_EXPECTS 64
#define TC_NAME_MAX    32
#define TC_MAX_VARIANTS 8
#define TC_CFG_TEXT_MAX 512    /* `configure`: its lines, '\n'-separated */
#define TC_CFG_MAX_LINES 16

enum tc_act_kind {
	ACT_START, ACT_STOP, ACT_WAIT_SA, ACT_PING, ACT_PING_STOP, ACT_SHUTDOWN, ACT_NO_SHUTDOWN,
	ACT_PULL, ACT_PLUG, ACT_DROP, ACT_UNDROP, ACT_KILL, ACT_RESTART, ACT_INITIATE, ACT_CLEAR,
	ACT_CHECK_SA, ACT_CHECK_ROUTE, ACT_WAIT_ROUTE, ACT_CONFIGURE, ACT_END,
};

struct tc_action {
	int line;
	double at_s;               /* seconds (unscaled) */
	int relative;              /* `at +N`: after the previous action finished */
	enum tc_act_kind kind;
	char name[TC_NAME_MAX];    /* `as NAME` (anchor for expectations) */
	char node[LAB_NAME_MAX];   /* "all" for start/stop all */
	char ifname[LAB_IOS_MAX];
	char daemon[16];
	/* ping */
	char probe[TC_NAME_MAX];
	unsigned src, dst;
	double interval_s;
	/* drop / undrop */
	struct lab_drop drop;
	char ref[TC_NAME_MAX];
	/* wait / check sa */
	double timeout_s;
	int want_established;      /* 1 established, 0 none */
	unsigned peer;             /* 0 = any */
	long min_encaps, min_decaps;   /* check sa … encaps >= N decaps >= N (-1 = not checked) */
	/* check route */
	unsigned prefix; int plen;
	unsigned via;              /* 0 = any next hop */
	char dev[LAB_IOS_MAX];     /* IOS or Linux name ("ipsec0"), "" = any */
	int absent;                /* the route must not be there */
	int has_tag;               /* `tag T`: the kernel route's realm (IOS / OSPF route tag) */
	unsigned tag;
	int has_rtype;             /* `type S|O|IA|E1|E2|N1|N2|C` (enum rt_kind, route/rt_show.h) */
	int rtype;
	/* wait route: timeout_s above; polls until the route is there (or gone with absent) */
	/* configure NODE "LINE"…: the lines for the node's gateway daemon (in `daemon`), in
	 * order, and the node's DPD settings after them as refgw's configuration parser
	 * reads them (a keepalive change applies to ISAKMP SAs established afterwards) */
	char cfg_lines[TC_CFG_TEXT_MAX];
	int ncfg_lines;
	int cfg_dpd_changed;       /* a line set or removed DPD */
	struct dpd_cfg cfg_dpd;    /* the node's DPD after this action (style DPD_OFF = none) */
};

enum tc_exp_kind {
	EXPK_COUNT,                /* none / some / count OP N */
	EXPK_FIRST,                /* first SEL after A within WINDOW */
	EXPK_ESP_SPI,              /* esp from X [to Y] after A spi old|new */
	EXPK_PING_OUTAGE,          /* ping P outage after A until end */
	EXPK_PING_RECOVERS,        /* ping P recovers after A within WINDOW */
	EXPK_PING_SUCCESS,         /* ping P success OP N (percent) */
	EXPK_PING_PATTERN,         /* ping P pattern .!!!! (IOS ping marks of the first echoes) */
	EXPK_TSHARK_CLEAN,         /* tshark clean: every captured packet dissects without error */
	EXPK_HSRP_HELLO_INTERVAL,  /* hsrp hello-interval …: every Hello gap of a router in one state in WINDOW */
	EXPK_HSRP_VMAC,            /* hsrp vmac-only-active …: vMAC source iff the Hello is Active */
	EXPK_VRRP_VMAC,            /* vrrp vmac-only …: every advert from 00-00-5E-00-01-VRID */
};

/* Event selector: what kind of event, from/to which node. */
enum tc_sel_kind {
	SEL_MM, SEL_QM, SEL_AM, SEL_INFO, SEL_R_U_THERE, SEL_R_U_THERE_ACK, SEL_DELETE, SEL_NOTIFY,
	SEL_ESP, SEL_VRRP, SEL_HSRP, SEL_GARP, SEL_ARP, SEL_ECHO_REQUEST, SEL_ECHO_REPLY, SEL_LOG, SEL_STATE,
	SEL_HSRP_HELLO, SEL_HSRP_COUP, SEL_HSRP_RESIGN, SEL_HSRP_ACTIVE,   /* op / a Hello in state Active */
	SEL_VRRP_ADVERT, SEL_VRRP_PRIO0,                                    /* priority ≠ 0 / = 0 */
};

struct tc_sel {
	enum tc_sel_kind kind;
	int msgno;                 /* SEL_MM/SEL_QM: 1..6 / 1..3, 0 = any */
	char from[LAB_NAME_MAX], to[LAB_NAME_MAX];
	char text[96];             /* SEL_LOG / SEL_STATE substring */
	int has_group;             /* `group N` (HSRP) / `vrid N` (VRRP) */
	unsigned group;
};

enum tc_formula {
	F_NONE, F_DPD_DETECT, F_DPD_PROBE_TO_DEAD, F_DPD_IDLE_TO_PROBE, F_VRRP_TAKEOVER, F_HSRP_TAKEOVER, F_LITERAL,
	F_HSRP_HELLO_GAP,          /* hsrp-hello-gap(NODE): one Hello gap, [Hello − jitter, Hello] */
};

struct tc_window {
	enum tc_formula formula;
	char node[LAB_NAME_MAX];   /* whose config the formula reads */
	double plus_lo, plus_hi;   /* `plus LO..HI` added to the formula's bounds (unscaled) */
	double lo, hi;             /* F_LITERAL */
	char text[96];             /* as written */
};

struct tc_expect {
	int line;
	char written[200];         /* the line as written, for reports */
	enum tc_exp_kind kind;
	struct tc_sel sel;
	char op[3];                /* "==", ">=", "<=", ">", "<" */
	long n;
	char after[TC_NAME_MAX], before[TC_NAME_MAX];   /* anchors ("" none) */
	char name[TC_NAME_MAX];    /* `as NAME`: the first matching event is an anchor */
	struct tc_window win;
	int win_before;            /* `before FORMULA(NODE)`: win is what the measured time
	                              must beat (come before its lower bound), not hit */
	int spi_new;               /* EXPK_ESP_SPI: 1 new, 0 old */
	char probe[TC_NAME_MAX];
	char pattern[64];          /* EXPK_PING_PATTERN */
};

struct testcase {
	char dir[512];
	char name[64];
	char summary[256];
	char seed[32];
	char labels[128];          /* the labels line + the selected variant's `only …: labels` */
	int realtime_run;          /* `realtime-run yes`: CTest adds a run at --time-scale 1 */
	char variants[TC_MAX_VARIANTS][TC_NAME_MAX];   /* the `variants` line; the first is the default */
	int nvariants;
	int variants_line;
	char variant[TC_NAME_MAX]; /* the variant loaded ("" = the testcase has none) */
	char topo_file[512];
	struct lab_topo topo;
	struct node_spec nodes[LAB_MAX_NODES];   /* indexed like topo.nodes; name "" = no daemons */
	struct tc_action act[TC_MAX_ACTIONS];
	int nact;
	struct tc_expect exp[TC_MAX_EXPECTS];
	int nexp;
};

/* Load a testcase folder in its default variant (the first of the `variants` line, or
 * the one unnamed variant); on error, err holds "file:line: …". */
int tc_load(const char *dir, struct testcase *tc, char *err, size_t errlen);
/* The same for one variant by name (NULL or "" = the default); a name the `variants`
 * line does not list is an error. */
int tc_load_variant(const char *dir, const char *variant, struct testcase *tc, char *err, size_t errlen);
/* The same with testcase.conf given as text (topology and node files are still read
 * from `dir`); lines are split in place and restored. */
int tc_parse(const char *dir, const char *conf_path, char *text, struct testcase *tc, char *err, size_t errlen);
int tc_parse_variant(const char *dir, const char *conf_path, const char *variant, char *text, struct testcase *tc,
		     char *err, size_t errlen);
/* "rbm-switchover-dpd/refgw", or the name alone when the testcase has no variants. */
void tc_full_name(const struct testcase *tc, char *buf, size_t len);
const struct node_spec *tc_node_spec(const struct testcase *tc, const char *node);
/* The node's DPD settings after the first `upto` actions: those of its configuration at
 * start, changed by each `configure` of that node among them. `*by` is the index of the
 * last such configure that changed DPD, or -1. */
struct dpd_cfg tc_node_dpd_after(const struct testcase *tc, const char *node, int upto, int *by);

#endif
