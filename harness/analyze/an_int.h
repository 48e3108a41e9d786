/* an_int.h — analyzer internals shared by analyze.c (frames, L2/L3 protocols, naming)
 * and an_ike.c (ISAKMP per cookie pair: message numbers, retransmissions, decryption).
 */
#ifndef HARNESS_AN_INT_H
#define HARNESS_AN_INT_H

#include <stdint.h>
#include "analyze.h"
#include "frame.h"
#include "isakmp.h"
#include "ikev1_decrypt.h"

#define AN_FP_RING  16   /* fingerprints of recent messages per SA (retransmissions) */
#define AN_QM_MAX   16   /* phase-2 / Informational M-IDs followed per SA */

struct an_fp { uint64_t hash; uint32_t len; int8_t msgno; };

struct an_qm { uint32_t msgid; uint32_t init_ip; uint16_t init_port; int8_t last; };

/* One ISAKMP SA, keyed by the initiator cookie (RFC 2408 §2.4: R-cookie 0 in the first
 * message; the pair then names the SA). */
struct an_sa {
	int used;
	uint64_t last_use;               /* frame counter, for LRU eviction */
	uint8_t icookie[8], rcookie[8];
	int init_known;                  /* the first message (R-cookie 0) was seen */
	uint32_t init_ip; uint16_t init_port;
	uint8_t p1_exch;                 /* Main or Aggressive */
	int8_t p1_last;                  /* last phase-1 message number */
	struct an_fp fp[AN_FP_RING]; unsigned nfp, fp_next;
	struct an_qm qm[AN_QM_MAX]; unsigned nqm, qm_next;
	int has_key;
	struct ikev1_dec dec;
};

struct an_ctx {
	const char *link;
	const struct lab_topo *topo;
	struct an_keys *keys;
	struct ev_list *out;
	struct an_stats *st;
	uint64_t nframe;
	struct an_sa sas[AN_MAX_SAS];
	struct isakmp_msg msg;           /* large: one per file, not on the stack */
	uint8_t pt[65536];               /* plaintext of the message being decrypted */
};

/* Fill the common packet fields of an event (time, link, node/peer names, IPs). */
void an_ev_init(struct an_ctx *c, struct ev *e, int64_t t_ns, enum ev_type type,
		const struct frame_info *fi);
/* Append, counting nothing; silently drops on OOM (the run goes on). */
void an_emit(struct an_ctx *c, const struct ev *e);

/* ISAKMP message bytes in fi->l7 (marker stripped). */
void an_ike(struct an_ctx *c, int64_t t_ns, const struct frame_info *fi);

#endif
