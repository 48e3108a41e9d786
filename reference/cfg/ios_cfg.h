/* ios_cfg.h — refgw's configuration: IOS-style router configuration text (the configs
 * printed in the seed documents, as they are) parsed into a model, plus the look-ups the
 * daemon needs (crypto ACL flows, transform-set and ISAKMP-policy parameters in the
 * numbers of ipsec_doi.h, static-route resolution, IOS -> Linux interface names).
 *
 * Pure: no I/O except ios_cfg_load_file() (reads a file), ios_cfg_not_applied() and
 * ios_cfg_write() (write to the FILE they are given); no globals, no clock. The model is
 * one fixed-size block (ios_cfg_alloc); the parser's scratch state is freed before it
 * returns.
 *
 * How a text is read
 *  - Lines end in LF (a CR before it is dropped). Blanks are space, tab and the UTF-8
 *    no-break space U+00A0 (web pages print configs with it) and U+3000.
 *  - Comments, skipped: lines whose first non-blank is '!' (including the documents'
 *    `!--- text` notes) or '#' (the hqyman document's annotations); the `show running-
 *    config` header lines `Building configuration...` and `Current configuration : N bytes`;
 *    blank lines. `end` ends the configuration: after it only comments may follow.
 *    `banner TYPE DELIM … DELIM` may span lines; its text is skipped (the line is kept).
 *  - A line holds at most IOS_LINE_MAX characters (indentation not counted) and
 *    IOS_TOKENS_MAX words; control bytes other than blanks are errors.
 *  - Modes as IOS has them: `interface`, `crypto isakmp policy`, `crypto ipsec
 *    transform-set`, `crypto map N SEQ`, `ip access-list extended|standard`, `router ospf`,
 *    `route-map`, `track N interface`, and the blocks refgw keeps without applying
 *    (`router eigrp|bgp|rip`, `line`, `key chain`,
 *    `class-map`, `crypto pki …` …) take the lines that follow them. The documents
 *    print sub-mode lines with or without indentation, so a line leaves the block when
 *    it is a global-mode command (IOS tries the global parser when the sub-mode one
 *    fails); an indented line always stays in the block (show-run indents sub-mode
 *    lines); after a bare `!` in column 0 an unindented line that is not a known
 *    command of the block is read as global (show-run closes blocks with `!`).
 *    The lines of those blocks refgw does not implement are kept inside them.
 *    `exit` leaves the block.
 *
 * Error or kept? (the rule)
 *  - A command refgw implements (listed below), given arguments that do not fit its IOS
 *    form, is an error: ios_cfg_parse() returns -1 and err reads
 *    "file:line: expected '<the IOS form>', got '<token>'" (or "got end of line").
 *    Exceeding a size limit below is an error of the same shape, never an overflow.
 *  - Any other line — an unknown top-level keyword, a known IOS command refgw does not
 *    implement (`router eigrp|bgp|rip`, `standby N mac-address`, `vrrp N timers learn`,
 *    `area … authentication` in router ospf, `match ip address` in a route-map, line,
 *    version, service, duplex …), or a valid IOS variant refgw does not implement (`ip
 *    address dhcp`, `crypto isakmp key … hostname H`, `crypto map N SEQ ipsec-manual`,
 *    `redistribute bgp 1`, `track N ip sla 1`) — is KEPT
 *    in the model as a not-applied line with its line number and block context, for a
 *    later issue to implement; ios_cfg_not_applied() lists each once.
 *
 * Implemented commands (IOS 12.x defaults where absent)
 *   hostname NAME
 *   interface NAME [point-to-point|multipoint]      (`interface FastEthernet 0/0` too)
 *     ip address A M [secondary] | no ip address | shutdown | no shutdown |
 *     description TEXT | crypto map NAME [redundancy GROUP [stateful NAME]]
 *   ip route P M {NEXTHOP | INTERFACE [NEXTHOP]} [DISTANCE] [tag T] [name N] [permanent]
 *                                            (`ip route vrf …`, `… track N`, `… dhcp`: kept)
 *   access-list N {permit|deny} …    (1-99, 1300-1999 standard; 100-199, 2000-2699
 *   access-list N remark TEXT         extended: PROTO SRC [PORT] DST [PORT] [OPTIONS])
 *   ip access-list {extended|standard} NAME  + [SEQ] {permit|deny} … | remark TEXT
 *   crypto isakmp policy N   (1-10000)
 *     encryption des|3des|aes [128|192|256]   default des
 *     hash md5|sha|sha256                     default sha
 *     authentication pre-share|rsa-sig|rsa-encr  default rsa-sig (unusable with PSK:
 *                                             the daemon reports that, not the parser)
 *     group 1|2|5|14                          default 1
 *     lifetime 60-86400                       default 86400 s
 *     (seed 000 confirms: policy 10 with only `authentication pre-share` shows as
 *      "IKE SHA+DES" in `show crypto engine connections active`)
 *   crypto isakmp key [0] KEY address A [M] [no-xauth]     (M default 255.255.255.255)
 *   crypto isakmp keepalive S [R] [periodic|on-demand]     S 10-3600, R 2-60 default 2,
 *                                                          default on-demand (seed 000)
 *   ike dpd interval I [retry R] {periodic|on-demand}      Comware's DPD line (seed 003),
 *                                  I 1-300, R 1-60 default 5; the last of the two wins
 *   crypto isakmp invalid-spi-recovery       (refgw's opt-in: with no IKE SA with the
 *                                  sender of an unknown SPI, start one to tell it)
 *   crypto ipsec transform-set NAME T1 [T2]  esp-des|esp-3des|esp-aes [128|192|256]|
 *                                            esp-null, esp-md5-hmac|esp-sha-hmac|
 *                                            esp-sha256-hmac
 *     mode tunnel|transport                   default tunnel
 *   crypto ipsec security-association lifetime seconds 120-86400 | kilobytes 2560-4294967295
 *                                            defaults 3600 s, 4608000 KB
 *   crypto map NAME SEQ [ipsec-isakmp]        (SEQ 1-65535; re-entering edits the entry)
 *     set peer A [default] (several, in order) | set transform-set T1 … T6 |
 *     match address ACL | set pfs [group1|group2|group5|group14] (default group1) |
 *     reverse-route [static | remote-peer [A] [gateway]] | set reverse-route tag N |
 *     set security-association lifetime seconds N | kilobytes N | description TEXT
 *   interface: first-hop redundancy (RFC 2281 HSRP, RFC 3768/5798 VRRP); GROUP omitted = 0
 *     standby version 1|2                     default 1 (groups 0-255; v2 0-4095)
 *     standby [GROUP] ip [A [secondary]]      (no A: learn the address from the Active)
 *     standby [GROUP] priority 0-255          default 100
 *     [no] standby [GROUP] preempt [delay [minimum S] [reload S] [sync S]]   S 0-3600
 *     standby [GROUP] timers [msec] H [msec] D    H < D; 1-254 / 1-255 s, msec 15-999 /
 *                                             50-3000; default 3 / 10 s
 *     standby [GROUP] name NAME
 *     standby [GROUP] track INTERFACE [[decrement] 1-255] | track 1-1000 [decrement 1-255]
 *                                             (decrement default 10)
 *     standby [GROUP] authentication [text] S (S at most 8 characters; default "cisco")
 *     standby [GROUP] authentication md5 key-string [0|7] KEY   (7: IOS type-7 text)
 *     vrrp version 2|3                        (Comware) default 2, or 3 after the global
 *                                             `fhrp version vrrp v3` (IOS-XE)
 *     vrrp 1-255 ip A [secondary]             (A = the interface's address: owner, 255)
 *     vrrp N priority 1-254                   default 100
 *     [no] vrrp N preempt [delay minimum 0-3600]   default on
 *     vrrp N timers advertise [msec] T        1-255 s, msec 50-999; default 1 s
 *     vrrp N name NAME | description TEXT | authentication text S | [no] shutdown
 *     vrrp N track 1-1000 [decrement 1-255]
 *   track 1-1000 interface INTERFACE line-protocol
 *   fhrp version vrrp v3
 *   router ospf 1-65535                       (one process; the same number re-enters it)
 *     network A WILDCARD area {0-4294967295|A.B.C.D} | router-id A |
 *     [no] log-adjacency-changes [detail] | [no] passive-interface {default|INTERFACE} |
 *     [no] redistribute {static|connected} [subnets] [metric 0-16777214]
 *       [metric-type 1|2] [tag T] [route-map NAME]        (words in any order) |
 *     [no] default-information originate [always] [metric 0-16777214] [metric-type 1|2]
 *   route-map NAME [permit|deny] [0-65535]    default permit 10
 *     match tag T … (at most 8) | set tag T | set metric 0-4294967295 |
 *     set metric-type type-1|type-2
 *     (`redistribute … route-map X` with no route-map X is accepted: it matches nothing)
 * Checked after the last line (errors point at the offending line): `ip route …
 * INTERFACE` names a configured interface; `set transform-set` names defined sets; the
 * ACL of every crypto map entry converts to IPsec selectors (contiguous wildcards);
 * HSRP groups above 255 need `standby version 2`; `standby|vrrp … track OBJ` names a
 * `track OBJ interface …`; tracked interfaces are configured in this file.
 */
#ifndef REFGW_IOS_CFG_H
#define REFGW_IOS_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "ipsec_doi.h"

/* Size limits; exceeding one is a file:line error. */
#define IOS_INPUT_MAX        (1024 * 1024)  /* bytes of configuration text */
#define IOS_LINE_MAX         1024           /* characters of one command line */
#define IOS_TOKENS_MAX       64             /* words of one command line */
#define IOS_NAME_MAX         64             /* names (hostname, map, ACL, set …) incl. NUL */
#define IOS_KEY_MAX          129            /* pre-shared key: 128 characters (IOS limit) */
#define IOS_DESC_MAX         241            /* description: 240 characters (IOS limit) */
#define IOS_MAX_IFACES       64
#define IOS_MAX_ADDRS        8              /* per interface, primary + secondaries */
#define IOS_MAX_ROUTES       256
#define IOS_MAX_ACLS         64
#define IOS_MAX_ACES         1024           /* entries of all ACLs together */
#define IOS_MAX_POLICIES     32
#define IOS_MAX_KEYS         64
#define IOS_MAX_TSETS        32
#define IOS_MAX_MAP_ENTRIES  64
#define IOS_MAX_PEERS        10             /* `set peer` lines of one map entry */
#define IOS_MAX_ENTRY_TSETS  6              /* IOS accepts up to six transform sets */
#define IOS_MAX_NOT_APPLIED  2048
#define IOS_POOL_MAX         (128 * 1024)   /* text of the not-applied lines */
#define IOS_MAX_FHRP         32             /* standby/vrrp groups of all interfaces */
#define IOS_MAX_FHRP_TRACKS  8              /* `standby N track` lines of one group */
#define IOS_MAX_FHRP_VIPS    8              /* primary + secondary virtual addresses */
#define IOS_MAX_OBJ_TRACKS   32             /* global `track N interface IF line-protocol` */
#define IOS_MAX_OSPF_NETS    32             /* `network A W area N` of the OSPF process */
#define IOS_MAX_OSPF_PASSIVE 16
#define IOS_MAX_RMAP_ENTRIES 32             /* route-map entries of all maps together */
#define IOS_MAX_RMAP_TAGS    8              /* `match tag T1 … T8` */

/* IKE authentication methods, RFC 2409 App. A (value 1 is IKE_AUTH_PSK of ipsec_doi.h) */
enum ios_ike_auth { IOS_AUTH_PSK = IKE_AUTH_PSK, IOS_AUTH_RSA_SIG = 3, IOS_AUTH_RSA_ENCR = 4 };
enum ios_dpd_mode { IOS_DPD_ON_DEMAND, IOS_DPD_PERIODIC };
enum ios_rri { IOS_RRI_NONE, IOS_RRI_DYNAMIC, IOS_RRI_STATIC, IOS_RRI_REMOTE_PEER };

struct ios_prefix { uint32_t addr, mask; };          /* host byte order */

struct ios_iface {
	char name[IOS_NAME_MAX];          /* as first written: "FastEthernet0/0" */
	char lnx[16];                     /* ios_ifname_linux(name), "" if it has none */
	int line;                         /* of the first `interface` line */
	bool shutdown;                    /* `shutdown`; default no shutdown */
	int naddrs;
	struct ios_prefix addrs[IOS_MAX_ADDRS];   /* [0] primary, then secondaries */
	char description[IOS_DESC_MAX];
	char crypto_map[IOS_NAME_MAX];    /* "" = none */
	char redundancy[IOS_NAME_MAX];    /* `crypto map M redundancy GROUP` (HSRP name) */
	char stateful[IOS_NAME_MAX];      /* `… stateful NAME` */
	int map_line;
	unsigned hsrp_version;            /* `standby version 1|2`, default 1 (all groups) */
	int hsrp_version_line;
	unsigned vrrp_version;            /* Comware `vrrp version 2|3` of the interface, or the
	                                     global `fhrp version vrrp v3`; default 2 */
	int vrrp_version_line;            /* of the interface's `vrrp version`, 0 = not written */
};

/* --- first-hop redundancy: HSRP (`standby N …`) and VRRP (`vrrp N …`) ------------------ */

enum ios_fhrp_proto { IOS_FHRP_HSRP, IOS_FHRP_VRRP };

struct ios_fhrp_track {
	char ifname[IOS_NAME_MAX];        /* the tracked interface as written ("FastEthernet0/1");
	                                     `standby N track OBJ decrement D` resolves OBJ
	                                     through `track OBJ interface IF line-protocol` */
	unsigned object;                  /* the track object number, 0 = interface form */
	unsigned decrement;               /* 1-255, default 10 */
	int line;
};

/* One group of one interface: every `standby N …` (or `vrrp N …`) line of the interface
 * with the same N. Fields not written keep the IOS defaults noted. */
struct ios_fhrp {
	enum ios_fhrp_proto proto;
	int iface;                        /* index in ifaces[] */
	unsigned group;                   /* HSRP v1 0-255, v2 0-4095 (`standby ip A` = 0);
	                                     VRRP 1-255 */
	int line;                         /* the first line naming the group */
	unsigned version;                 /* HSRP 1|2, VRRP 2|3 (from the interface) */
	int nvips;                        /* 0: HSRP `standby N ip` without address (learn) */
	uint32_t vips[IOS_MAX_FHRP_VIPS]; /* [0] primary, then `… ip A secondary` */
	int vip_line;
	unsigned priority;                /* HSRP 0-255, VRRP 1-254 (255 = owner: VIP is the
	                                     interface's own address); default 100 */
	int priority_line;
	bool preempt;                     /* HSRP default off; VRRP default on (`no vrrp N preempt`) */
	unsigned preempt_delay_s;         /* `preempt delay minimum S` (HSRP) / `preempt delay
	                                     minimum S` (VRRP), default 0 */
	unsigned preempt_reload_s;        /* HSRP `preempt delay … reload S`, default 0 */
	unsigned preempt_sync_s;          /* HSRP `preempt delay … sync S`, default 0 */
	unsigned hello_ms, hold_ms;       /* HSRP `timers [msec] H [msec] D`; 0 = default
	                                     3000 / 10000 (and learned from the Active) */
	unsigned adver_ms;                /* VRRP `timers advertise [msec] T`; default 1000 */
	char name[IOS_NAME_MAX];          /* `standby N name X` / `vrrp N name X`; "" = none */
	char auth_text[9];                /* `standby N authentication [text] S` / `vrrp N
	                                     authentication text S`; "" = HSRP default "cisco",
	                                     VRRP none */
	bool auth_md5;                    /* `standby N authentication md5 key-string K` */
	char md5_key[65];
	bool shutdown;                    /* `vrrp N shutdown` (VRRP only) */
	char description[IOS_DESC_MAX];   /* `vrrp N description TEXT` */
	int ntracks;
	struct ios_fhrp_track tracks[IOS_MAX_FHRP_TRACKS];
};

/* global `track N interface IF line-protocol` */
struct ios_obj_track { unsigned object; char ifname[IOS_NAME_MAX]; int line; };

/* --- routing: `router ospf`, `route-map` ----------------------------------------------- */

struct ios_ospf_net { uint32_t addr, wild; uint32_t area; int line; };   /* `network A W area N` */

/* `redistribute static|connected [subnets] [metric M] [metric-type 1|2] [tag T]
 *  [route-map NAME]` (words in any order, as IOS accepts them) */
struct ios_redist {
	bool on;
	bool subnets;                     /* without it IOS redistributes classful networks only */
	uint32_t metric;                  /* default 20 */
	unsigned metric_type;             /* 1 or 2, default 2 */
	bool has_tag;
	uint32_t tag;
	char route_map[IOS_NAME_MAX];     /* "" = none */
	int line;
};

/* The OSPF process (one: a second `router ospf P` with another P is an error; the same P
 * again re-enters it, as seed 000's `router ospf 1` typed twice). */
struct ios_ospf {
	bool on;
	unsigned pid;                     /* 1-65535 */
	int line;
	uint32_t router_id;               /* `router-id A`, 0 = highest loopback/interface */
	bool log_adjacency;               /* `log-adjacency-changes [detail]` */
	bool log_adjacency_detail;
	int nnets;
	struct ios_ospf_net nets[IOS_MAX_OSPF_NETS];
	struct ios_redist redist_static, redist_connected;
	bool default_originate;           /* `default-information originate [always]
	                                     [metric M] [metric-type 1|2]` */
	bool default_always;
	uint32_t default_metric;          /* default 1 */
	unsigned default_metric_type;     /* default 2 */
	int default_line;
	bool passive_default;             /* `passive-interface default` */
	int npassive;                     /* `passive-interface IF` (or `no passive-interface IF`
	                                     under `passive-interface default`) */
	char passive[IOS_MAX_OSPF_PASSIVE][IOS_NAME_MAX];
};

/* `route-map NAME [permit|deny] [SEQ]` (default permit 10) and its `match tag T…`,
 * `set tag T`, `set metric M`, `set metric-type type-1|type-2` lines; entries of all
 * maps in one array, sorted by (name first seen, seq). */
struct ios_rmap_entry {
	char name[IOS_NAME_MAX];
	bool permit;
	unsigned seq;
	int line;
	int ntags;
	uint32_t tags[IOS_MAX_RMAP_TAGS]; /* `match tag`: any of them; 0 tags = match all */
	bool has_set_tag;
	uint32_t set_tag;
	bool has_set_metric;
	uint32_t set_metric;
	unsigned set_metric_type;         /* 0 = not set, 1, 2 */
	bool other_match;                 /* a kept `match …` line refgw does not evaluate: the
	                                     entry is taken as matching no route */
};

struct ios_route {
	int line;
	struct ios_prefix dst;
	uint32_t nexthop;                 /* 0 = none (interface route) */
	char ifname[IOS_NAME_MAX];        /* outgoing interface as written, "" = none */
	int iface;                        /* index in ifaces[], -1 = none */
	unsigned distance;                /* 1-255, default 1 */
	bool has_tag;
	uint32_t tag;
	char name[IOS_NAME_MAX];
	bool permanent;                   /* recorded; resolution treats it as any route */
};

enum ios_port_op { IOS_PORT_ANY, IOS_PORT_EQ, IOS_PORT_NEQ, IOS_PORT_LT, IOS_PORT_GT, IOS_PORT_RANGE };

struct ios_ports { enum ios_port_op op; uint16_t lo, hi; };

struct ios_ace {
	int acl;                          /* index in acls[] */
	unsigned seq;
	int line;
	bool permit;
	int proto;                        /* IP protocol; -1 = `ip` (any) */
	uint32_t src, src_wild, dst, dst_wild;   /* address & ~wildcard, wildcard */
	struct ios_ports sport, dport;
	int icmp_type, icmp_code;         /* -1 = any */
	bool log, established, fragments;
};

struct ios_acl {
	char name[IOS_NAME_MAX];          /* "101" or "VPN" */
	bool extended, numbered;
	int line;
	unsigned naces;
};

/* IKE phase-1 parameters in the numbers of RFC 2409 App. A (ipsec_doi.h).
 * key_bits: 128/192/256 for AES; 0 for DES and 3DES (fixed-length, no Key Length
 * attribute). group: Oakley group number (1, 2, 5, 14). */
struct ios_ike_params {
	enum ike_enc enc;
	unsigned key_bits;
	enum ike_hash hash;
	enum ios_ike_auth auth;
	unsigned group;
	uint32_t lifetime;                /* seconds */
};

struct ios_isakmp_policy { unsigned prio; int line; struct ios_ike_params ike; };

struct ios_isakmp_key {
	int line;
	char key[IOS_KEY_MAX];
	struct ios_prefix peer;
	bool no_xauth;
};

struct ios_keepalive {
	bool enabled;
	int line;
	unsigned interval, retry;         /* seconds */
	enum ios_dpd_mode mode;
	bool comware;                     /* written as Comware `ike dpd …` (2 retransmissions) */
};

/* ESP parameters in the numbers of RFC 2407 §4.5 (ipsec_doi.h). enc ESP_ENC_NULL when the
 * set has no cipher; auth ESP_AUTH_NONE when it has no HMAC; key_bits as for IKE. */
struct ios_esp_params {
	enum esp_enc_alg enc;
	unsigned key_bits;
	enum esp_auth_alg auth;
	enum ipsec_encap mode;            /* IPSEC_ENCAP_TUNNEL or _TRANSPORT */
};

struct ios_tset { char name[IOS_NAME_MAX]; int line; struct ios_esp_params esp; };

struct ios_map_entry {
	char map[IOS_NAME_MAX];
	unsigned seq;
	int line;
	int npeers;
	uint32_t peers[IOS_MAX_PEERS];    /* in configured order: first = primary */
	int peer_lines[IOS_MAX_PEERS];
	int ntsets;
	char tsets[IOS_MAX_ENTRY_TSETS][IOS_NAME_MAX];
	int tset_line;
	char acl[IOS_NAME_MAX];           /* `match address`, "" = none */
	int acl_line;
	unsigned pfs_group;               /* 0 = no PFS */
	enum ios_rri rri;
	uint32_t rri_remote_peer;         /* `reverse-route remote-peer A`, 0 = none */
	bool rri_gateway;
	bool has_rri_tag;
	uint32_t rri_tag;
	uint32_t sa_lifetime_s, sa_lifetime_kb;   /* 0 = the global value */
	char description[IOS_DESC_MAX];
};

/* Which block a kept line sits in: an interface, policy, transform set, map entry,
 * named ACL, route-map entry or track object (index into its array), the OSPF process
 * (0), or another kept line (index into kept[]). */
enum ios_owner { IOS_OWN_NONE, IOS_OWN_IFACE, IOS_OWN_POLICY, IOS_OWN_TSET, IOS_OWN_MAP,
		 IOS_OWN_ACL, IOS_OWN_KEPT, IOS_OWN_OSPF, IOS_OWN_RMAP, IOS_OWN_TRACK };

/* A line kept but not applied (offsets into cfg->pool; read it with ios_cfg_unapplied). */
struct ios_kept {
	int line;
	uint32_t text, ctx;
	enum ios_owner owner_kind;
	int owner;
	bool block;                       /* a kept line that opens a block (router ospf 1) */
};

struct ios_unapplied {
	int line;
	const char *text;                 /* words joined by one space */
	const char *ctx;                  /* block: "interface FastEthernet0/0", "" = global */
};

struct ios_cfg {
	char fname[256];                  /* as given to the parser, for messages */
	char hostname[IOS_NAME_MAX];
	int hostname_line, sa_lifetime_line;
	int nifaces, nroutes, nacls, naces, npolicies, nkeys, ntsets, nentries, nkept;
	struct ios_keepalive keepalive;
	int invalid_spi_recovery_line;                         /* 0: not configured */
	int nfhrp, nobj_tracks, nrmap;
	int fhrp_vrrp_v3_line;                                 /* `fhrp version vrrp v3`, 0 = none */
	struct ios_fhrp fhrp[IOS_MAX_FHRP];                    /* in order of first line */
	struct ios_obj_track obj_tracks[IOS_MAX_OBJ_TRACKS];
	struct ios_ospf ospf;
	struct ios_rmap_entry rmap[IOS_MAX_RMAP_ENTRIES];
	uint32_t sa_lifetime_s, sa_lifetime_kb;                /* global SA lifetimes */
	/* the arrays: only the first n… elements are set */
	struct ios_iface ifaces[IOS_MAX_IFACES];
	struct ios_route routes[IOS_MAX_ROUTES];
	struct ios_acl acls[IOS_MAX_ACLS];
	struct ios_ace aces[IOS_MAX_ACES];
	struct ios_isakmp_policy policies[IOS_MAX_POLICIES];   /* sorted by prio */
	struct ios_isakmp_key keys[IOS_MAX_KEYS];
	struct ios_tset tsets[IOS_MAX_TSETS];
	struct ios_map_entry entries[IOS_MAX_MAP_ENTRIES];     /* sorted: map (first seen), seq */
	struct ios_kept kept[IOS_MAX_NOT_APPLIED];
	size_t pool_len;
	char pool[IOS_POOL_MAX];
};

/* --- parsing -------------------------------------------------------------------------- */

/* struct ios_cfg is large (~400 KB): allocate it here (zeroed) or statically. */
struct ios_cfg *ios_cfg_alloc(void);
void ios_cfg_free(struct ios_cfg *cfg);

/* Parse `len` bytes of configuration text; fname names it in messages. Returns 0, or -1
 * with "fname:line: expected …, got '…'" in err (then *out is incomplete: do not use). */
int ios_cfg_parse(const char *text, size_t len, const char *fname, struct ios_cfg *out,
		  char *err, size_t errlen);
/* Read `path` (at most IOS_INPUT_MAX bytes) and parse it into a new ios_cfg_alloc()
 * block; messages name `path`. Returns NULL with the message in err. */
struct ios_cfg *ios_cfg_load_file(const char *path, char *err, size_t errlen);

/* Apply one global-mode line to a loaded model at run time (refgwctl `configure`). The
 * lines a running refgw can take without re-reading its file:
 *   crypto isakmp keepalive S [R] [periodic|on-demand]   | no crypto isakmp keepalive [...]
 *   ike dpd interval I [retry R] {periodic|on-demand}    | no ike dpd [...]
 *   crypto isakmp invalid-spi-recovery                   | no crypto isakmp invalid-spi-recovery
 * (the keepalive and the `ike dpd` line are one setting: the last one wins, either `no`
 * removes it). Anything else is an error. A line added this way takes the position of
 * the line it replaces in `show running-config`, or the one IOS prints it at (before the
 * first transform set / crypto map); its `line` field is that position, not a file line.
 * Returns 0, or -1 with "src:line: expected '<form>', got '<word>'" in err and the model
 * unchanged. */
int ios_cfg_apply_global_line(struct ios_cfg *cfg, const char *text, const char *src, int line,
			      char *err, size_t errlen);

const char *ios_cfg_hostname(const struct ios_cfg *cfg);   /* "" if none */
/* `show running-config`: the model as IOS text (what refgw applies, then the kept lines
 * in their blocks). Parsing the output again gives the same model. */
void ios_cfg_write(const struct ios_cfg *cfg, FILE *fp);

/* --- not-applied lines ------------------------------------------------------------------ */

size_t ios_cfg_unapplied_count(const struct ios_cfg *cfg);
/* i < count: fills *out (pointers into cfg). Returns 0, -1 if i is out of range. */
int ios_cfg_unapplied(const struct ios_cfg *cfg, size_t i, struct ios_unapplied *out);
/* One line each: "7204VXR-1.cfg:60: not applied: standby 1 ip 172.16.172.53 (interface
 * FastEthernet0/0)". Returns the number of lines written. */
int ios_cfg_not_applied(const struct ios_cfg *cfg, FILE *fp);

/* --- interface names ---------------------------------------------------------------------- */

/* IOS name -> Linux name, the mapping the lab uses too (netns-lab's lab_ifname_from_ios
 * wraps it): GigabitEthernet1/0/2 -> ge1-0-2, FastEthernet0/0 -> fa0-0, Ethernet0/1 ->
 * e0-1, Loopback0 -> loop0, Serial0/0:1 -> se0-0-1, Vlan10 -> vlan10, ATM1/0 -> atm1-0.
 * The type word may be abbreviated as IOS accepts it (Gi1/0/2, Fa0/0, Lo0, Eth0/1).
 * Returns -1 for an unknown type or a result longer than 15 characters. */
int ios_ifname_linux(const char *ios, char out[16]);
/* Same interface? (abbreviations, case, or one of them given as its Linux name) */
bool ios_ifname_same(const char *a, const char *b);

/* --- look-ups ------------------------------------------------------------------------------- */

/* Interface by IOS name, abbreviation ("Fa0/1") or Linux name ("fa0-1"); NULL if none. */
const struct ios_iface *ios_cfg_iface_find(const struct ios_cfg *cfg, const char *name);
int ios_cfg_iface_index(const struct ios_cfg *cfg, const char *name);
/* ACL by number or name ("101", "VPN"); NULL if none. */
const struct ios_acl *ios_cfg_acl_find(const struct ios_cfg *cfg, const char *name);
/* Entries of an ACL in sequence order: prev NULL gives the first; NULL after the last. */
const struct ios_ace *ios_cfg_ace_next(const struct ios_cfg *cfg, const struct ios_acl *acl,
				       const struct ios_ace *prev);
/* Crypto map entries in sequence order; map NULL walks every map (in order of first
 * appearance). prev NULL gives the first. */
const struct ios_map_entry *ios_cfg_map_next(const struct ios_cfg *cfg, const char *map,
					     const struct ios_map_entry *prev);
const struct ios_map_entry *ios_cfg_map_find(const struct ios_cfg *cfg, const char *map,
					     unsigned seq);
/* Interfaces holding crypto map `map` (prev NULL = first). */
const struct ios_iface *ios_cfg_map_iface(const struct ios_cfg *cfg, const char *map,
					  const struct ios_iface *prev);
const struct ios_tset *ios_cfg_tset_find(const struct ios_cfg *cfg, const char *name);
/* transform-set -> (esp_enc_alg, key bits, esp_auth_alg, mode). 0, or -1 if undefined. */
int ios_cfg_tset_esp(const struct ios_cfg *cfg, const char *name, struct ios_esp_params *out);
/* ISAKMP policies by priority (prev NULL = first). */
const struct ios_isakmp_policy *ios_cfg_policy_next(const struct ios_cfg *cfg,
						    const struct ios_isakmp_policy *prev);
/* policy -> (ike_enc, key bits, ike_hash, auth, group, lifetime). 0, or -1 if undefined. */
int ios_cfg_policy_ike(const struct ios_cfg *cfg, unsigned prio, struct ios_ike_params *out);
/* Pre-shared key for a peer: the `crypto isakmp key` whose address/mask holds it with
 * the longest mask; NULL if none. */
const struct ios_isakmp_key *ios_cfg_key_find(const struct ios_cfg *cfg, uint32_t peer);

/* A crypto ACL entry as IPsec selectors: addresses with prefix lengths (RFC 4301 §4.4.1). */
struct ios_flow {
	bool permit;                      /* deny = do not protect */
	uint32_t src; unsigned src_plen;
	uint32_t dst; unsigned dst_plen;
	uint8_t proto;                    /* 0 = any */
	uint16_t sport_lo, sport_hi, dport_lo, dport_hi;   /* 0-65535 = any */
	int line;
};
/* Entries of ACL `acl` as selectors, in order. Returns the count, or -1 with
 * "file:line: …" in err: unknown ACL, more than max entries, a non-contiguous wildcard
 * ("0.0.255.0 is not contiguous") or a port operator a selector cannot express (neq). */
int ios_acl_flows(const struct ios_cfg *cfg, const char *acl, struct ios_flow *out, size_t max,
		  char *err, size_t errlen);

/* --- static routes ---------------------------------------------------------------------------- */

enum ios_route_status {
	IOS_ROUTE_OK,
	IOS_ROUTE_IFACE_DOWN,       /* its outgoing interface is down or has no address */
	IOS_ROUTE_UNREACHABLE,      /* no connected network or resolvable route holds the next hop */
	IOS_ROUTE_LOOP,             /* the recursion only closes on itself */
	IOS_ROUTE_OWN_ADDR,         /* the next hop is one of this router's addresses */
};

struct ios_route_res {
	int route;                        /* index in cfg->routes */
	enum ios_route_status status;
	int iface;                        /* outgoing interface index, -1 unless OK */
	uint32_t gateway;                 /* connected next hop; 0 = destination on-link */
	int via;                          /* route used by the recursion, -1 = connected */
};

/* Resolve every `ip route` as IOS does: an interface route is up when its interface is;
 * a next hop is looked up recursively, longest match first, among the connected
 * networks of the interfaces that are up and the other static routes that resolve
 * (lower distance wins on equal prefixes, connected beats static, a route never
 * resolves through itself; a chain that only closes on itself is a LOOP).
 * if_up[i] says whether ifaces[i] is up; NULL = every interface not `shutdown`.
 * Fills out[0 .. nroutes-1]; returns nroutes, or -1 if nout is too small. Pure. */
int ios_route_resolve(const struct ios_cfg *cfg, const bool *if_up, struct ios_route_res *out,
		      size_t nout);
const char *ios_route_status_str(enum ios_route_status st);
/* "vpn7200.cfg:57: ip route 10.1.1.0/24 via 172.16.172.65: unreachable" style text. */
void ios_route_res_str(const struct ios_cfg *cfg, const struct ios_route_res *res, char *buf,
		       size_t len);

/* --- small helpers ---------------------------------------------------------------------------- */

/* Dotted quad of a host-order address into buf (>= 16 bytes); returns buf. */
char *ios_ip_str(uint32_t addr, char *buf);
/* Prefix length of a contiguous mask, -1 if not contiguous. */
int ios_mask_plen(uint32_t mask);

/* --- first-hop redundancy / routing ----------------------------------------------------------- */

/* The group `crypto map … redundancy NAME` means: `standby N name NAME` / `vrrp N name NAME`
 * on interface iface (index in ifaces[]; -1 = any interface); NULL if none. */
const struct ios_fhrp *ios_cfg_fhrp_find(const struct ios_cfg *cfg, int iface, const char *name);
/* HSRP/VRRP groups in order of their first line, of interface iface (-1 = all); prev NULL
 * gives the first, NULL after the last. */
const struct ios_fhrp *ios_cfg_fhrp_next(const struct ios_cfg *cfg, int iface,
					 const struct ios_fhrp *prev);
/* Route-map `map` applied to a route with (has_tag, tag) as IOS does: entries in sequence
 * order, the first whose `match tag` list holds the tag (an entry without `match` lines
 * matches every route; one with a kept `match` line refgw does not evaluate matches none)
 * decides. Returns 1 if it permits (*hit = it), 0 if it denies (*hit = it) or nothing
 * matches or no route-map `map` exists (*hit = NULL: IOS's implicit deny). hit may be NULL. */
int ios_rmap_match_tag(const struct ios_cfg *cfg, const char *map, bool has_tag, uint32_t tag,
		       const struct ios_rmap_entry **hit);

#endif
