/* ike_testnet.h — two in-process IKE engines over a mock network (STYLE.md §8), shared by
 * the engine's exchange tests, its tshark cross-check and its mutation test.
 *
 * Every message an engine sends is queued with its endpoints and recorded (for pcap
 * files); tn_run() delivers the queue, tn_advance() moves virtual time forward tick by
 * tick. A filter can drop messages; `nat` makes the network a port-translating NAT for
 * peer A's port 500 (A:500 is seen by B as A:1500), which makes both engines detect NAT
 * (RFC 3947 NAT-D) and float to 4500, where the NAT keeps the port.
 */
#ifndef IKE_TESTNET_H
#define IKE_TESTNET_H

#include <stddef.h>
#include <stdint.h>
#include "ike.h"

#define TN_MAX_MSG   4096
#define TN_QUEUE     64
#define TN_RECORD    512
#define TN_CHILDREN  64
#define TN_IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

struct tn_msg {
	int from;                        /* 0 = A, 1 = B */
	struct ike_endpoint src, dst;    /* on the wire (after NAT) */
	uint64_t t_ms;
	size_t len;
	uint8_t data[TN_MAX_MSG];
};

struct tn;

struct tn_peer {
	struct tn *net;
	struct ike *e;
	struct ike_cfg cfg;
	uint32_t addr;
	char name[8];
	struct ike_child up[TN_CHILDREN]; unsigned nup;
	struct { struct ike_child c; char reason[32]; } down[TN_CHILDREN]; unsigned ndown;
	uint8_t icookie[8], ka[32]; size_t ka_len; int have_keys;
	unsigned nlogs;
	char logs[64][320];              /* the last 64 log lines (tn_log_has) */
};

struct tn {
	struct tn_peer p[2];
	uint64_t now;
	int nat;
	int verbose;                     /* env IKE_TEST_VERBOSE: print logs */
	/* return 1 to drop the n-th message (counted from 0 over the whole run) */
	int (*drop)(struct tn *n, const struct tn_msg *m, unsigned index);
	void *drop_ctx;
	unsigned nsent;
	struct tn_msg *queue[TN_QUEUE]; unsigned qhead, qlen;
	struct tn_msg *rec[TN_RECORD]; unsigned nrec;
	int record;
};

/* A: 192.0.2.1 protecting 10.1.0.0/24, B: 192.0.2.2 protecting 10.2.0.0/24 */
#define TN_A_ADDR TN_IP(192, 0, 2, 1)
#define TN_B_ADDR TN_IP(192, 0, 2, 2)

/* Fill cfg for side (0 = A, 1 = B) with one policy and one transform set; a `natt`
 * engine sends the RFC 3947 VID. */
void tn_cfg(struct ike_cfg *c, int side, enum ike_enc enc, unsigned bits, enum ike_hash h,
	    unsigned group, enum esp_enc_alg ee, unsigned ebits, enum esp_auth_alg ea, unsigned pfs,
	    int natt);
void tn_init(struct tn *n, const struct ike_cfg *a, const struct ike_cfg *b);
void tn_free(struct tn *n);
/* A reboot: free side's engine (no callbacks) and start a fresh one, records cleared. */
void tn_restart(struct tn *n, int side);
/* Deliver queued messages until none is left (or `max` deliveries). */
unsigned tn_run(struct tn *n, unsigned max);
/* Advance virtual time by ms, ticking both engines at each timeout and delivering. */
void tn_advance(struct tn *n, uint64_t ms);
/* Hand raw bytes to side `to` as if sent by the other side (ports as given). */
void tn_inject(struct tn *n, int to, uint16_t sport, uint16_t dport, const uint8_t *msg, size_t len);
/* How many of side's last 64 log lines contain `text`. */
unsigned tn_log_has(const struct tn *n, int side, const char *text);
/* 1 if A's newest child and B's newest child are a crosswise-equal pair. */
int tn_children_match(const struct tn *n, unsigned ia, unsigned ib);
/* Write every recorded message as Ethernet/IPv4/UDP (with the non-ESP marker on 4500)
 * into a classic pcap file. */
int tn_write_pcap(const struct tn *n, const char *path);

#endif
