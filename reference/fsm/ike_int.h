/* ike_int.h — internals of the IKEv1 engine shared by its files:
 *   ike.c       lifecycle, input dispatch, drops, logs, the two state setters, timers,
 *               lifetimes, acquire/rekey, clear/shutdown, introspection
 *   ike_msg.c   building/sealing/opening messages, HASH payloads, IDs, SA payloads
 *   ike_mm.c    Main Mode with pre-shared keys (RFC 2409 §5.4), NAT-D (RFC 3947)
 *   ike_qm.c    Quick Mode (RFC 2409 §5.5), KEYMAT, children
 *   ike_info.c  Informational exchanges (RFC 2409 §5.7): Delete, Notify, DPD answers,
 *               INVALID-SPI for the data plane's unknown SPIs (rate limit, recovery)
 * Not part of the public API.
 */
#ifndef FSM_IKE_INT_H
#define FSM_IKE_INT_H

#include <stdarg.h>
#include "ike.h"
#include "ike_crypto.h"
#include "isakmp.h"

#define IKE_MAX_SA        64       /* ISAKMP SAs (any state) */
#define IKE_MAX_HALF_OPEN 32       /* responder SAs not yet authenticated */
#define IKE_MAX_QM        64       /* Quick Modes in flight or lingering */
#define IKE_MAX_CHILD     256      /* IPsec SA pairs */
#define IKE_MAX_PENDING   64       /* acquires waiting for phase 1 */
#define IKE_MSG_MAX       8192     /* largest message accepted or built */
#define IKE_NONCE_LEN     32       /* our nonces (RFC 2409 §5: 8..256) */
#define IKE_NONCE_MIN     8
#define IKE_NONCE_MAX     256
#define IKE_SAI_MAX       2048     /* SAi_b kept for HASH_I/HASH_R */
#define IKE_ID_MAX        32       /* ID payload bodies kept (IPv4 kinds are ≤ 12) */
#define IKE_LINGER_MS     10000    /* a deleted ISAKMP SA stays listed this long */
#define IKE_DEFAULT_P1_LIFE 86400  /* IOS crypto isakmp policy default */
#define IKE_DEFAULT_P2_LIFE 3600   /* IOS crypto ipsec security-association lifetime */
#define IKE_DEFAULT_P2_KB   4608000ULL
#define IKE_RFC_P2_LIFE   28800    /* RFC 2407 §4.5: no lifetime attribute = 8 hours */
#define IKE_SOFT_PERCENT  90
#define IKE_ISN_WAIT      16       /* INVALID-SPI notifies waiting for a recovery Main Mode */
#define IKE_ISN_SPIS      4        /* unknown SPIs remembered per waiting peer */
#define IKE_ISN_PEERS     32       /* peers notified within the last second (rate limit) */
#define IKE_ISN_GAP_MS    1000     /* at most one INVALID-SPI per peer per second */

/* Main Mode states (IOS names). One setter: ike_sa_state(). */
enum ike_state {
	IKE_READY,
	IKE_I_MM1,          /* sent MM1, waiting for MM2 */
	IKE_I_MM3,          /* sent MM3, waiting for MM4 */
	IKE_I_MM5,          /* sent MM5, waiting for MM6 */
	IKE_R_MM2,          /* sent MM2, waiting for MM3 */
	IKE_R_MM4,          /* sent MM4, waiting for MM5 */
	IKE_P1_COMPLETE,    /* authenticated: Quick Mode / Informational */
	IKE_DEST_SA,        /* deleted; listed until linger_ms */
	IKE_STATE_MAX
};

/* Quick Mode states (IOS names). One setter: ike_qm_state(). */
enum ike_qm_state {
	IKE_QM_READY,
	IKE_QM_I_QM1,       /* sent QM1, waiting for QM2 */
	IKE_QM_R_QM2,       /* sent QM2, waiting for QM3 */
	IKE_QM_PHASE2_COMPLETE,   /* done; kept to answer a retransmitted QM2 */
	IKE_QM_STATE_MAX
};

/* The last message an exchange sent, for retransmission (RFC 2408 §5.1 back-off) and
 * duplicate answers (RFC 2409 §10), plus the digest of the message that caused it. */
struct ike_xmit {
	uint8_t *buf; size_t len;
	int armed;               /* retransmission timer running */
	uint64_t next_ms;
	unsigned count;          /* retransmissions done */
	uint8_t rx_digest[32]; int have_rx;
};

struct ike_sa {
	int used;
	uint64_t rxlog_ms; unsigned rxlog_n;   /* "received packet" lines this second (flood guard) */
	unsigned conn_id;            /* IOS conn-id, the N of "ISAKMP (0:N)" */
	int initiator;
	enum ike_state state;
	uint8_t icookie[8], rcookie[8];
	struct ike_endpoint local, remote;
	/* negotiated transform */
	enum ike_enc enc; unsigned key_bits; enum ike_hash hash; enum ike_auth auth;
	unsigned group; uint32_t lifetime_s;
	char psk[128]; size_t psk_len;
	struct ike_policy offered[16]; unsigned noffered;   /* initiator: what MM1 offered */
	/* key exchange */
	struct ikc_dh *dh;
	uint8_t gxi[IKC_MAX_DH], gxr[IKC_MAX_DH]; size_t glen;
	uint8_t ni[IKE_NONCE_MAX], nr[IKE_NONCE_MAX]; size_t ni_len, nr_len;
	uint8_t *sai_b; size_t sai_b_len;
	uint8_t skeyid[IKC_MAX_PRF], skeyid_d[IKC_MAX_PRF], skeyid_a[IKC_MAX_PRF],
		skeyid_e[IKC_MAX_PRF];
	size_t hlen;
	uint8_t ka[IKC_MAX_KEY]; size_t ka_len, block;
	uint8_t iv[IKC_MAX_BLOCK];          /* running phase-1 IV */
	uint8_t p1_last[IKC_MAX_BLOCK];     /* last phase-1 CBC block (App. B) */
	/* peer capabilities and NAT-T (RFC 3947) */
	int peer_dpd, peer_natt, natd_seen, nat_local, nat_remote, natt;
	int send_ic;
	struct ike_xmit x;
	uint64_t created_ms, established_ms, expires_ms, linger_until;
	uint64_t last_inbound_ms;
	uint32_t dpd_seq, dpd_acked; int dpd_started;
	uint32_t mid_seen[32]; unsigned mid_next;   /* phase-2 M-IDs used (sent or received) */
};

struct ike_qm {
	int used;
	struct ike_sa *sa;
	uint32_t msgid;
	int initiator;
	enum ike_qm_state state;
	uint8_t iv[IKC_MAX_BLOCK];
	uint8_t ni[IKE_NONCE_MAX], nr[IKE_NONCE_MAX]; size_t ni_len, nr_len;
	struct ikc_dh *dh; unsigned pfs_group;
	uint8_t gxy[IKC_MAX_DH]; size_t gxy_len;
	struct ike_conn conn; unsigned conn_index, sel_index;
	uint8_t idci[IKE_ID_MAX], idcr[IKE_ID_MAX]; size_t idci_len, idcr_len; int have_ids;
	struct ike_selector local_sel, remote_sel;
	uint32_t spi_in, spi_out;
	unsigned tset_index, encap;
	uint32_t lifetime_s; uint64_t lifetime_kb;
	int rekey;                   /* a soft-lifetime rekey */
	struct ike_xmit x;
	uint64_t done_until;
};

struct ike_child_rec {
	int used;
	struct ike_child c;
	struct ike_conn conn;        /* c.conn points here: reconfigure leaves it alone */
	uint64_t soft_ms, hard_ms;
	int rekeyed;                 /* soft expiry acted on */
	unsigned sa_conn_id;         /* the ISAKMP SA that negotiated it, for logs */
};

struct ike_pending {             /* an acquire waiting for phase 1 */
	int used;
	struct ike_conn conn; unsigned conn_index, sel_index;
	struct ike_sa *sa; unsigned sa_conn_id;   /* the Main Mode it waits for */
	unsigned tries;
	int rekey;
};

/* An invalid-SPI recovery: the notify(s) to send once `sa` (a Main Mode with `peer`)
 * completes. */
struct ike_isn_wait {
	int used;
	uint32_t peer;
	struct ike_sa *sa; unsigned sa_conn_id;
	uint32_t spis[IKE_ISN_SPIS]; unsigned nspis;
};

struct ike {
	struct ike_cfg cfg;
	struct ike_ops ops;
	struct ike_stats stats;
	struct ike_sa sas[IKE_MAX_SA];
	struct ike_qm qms[IKE_MAX_QM];
	struct ike_child_rec children[IKE_MAX_CHILD];
	struct ike_pending pend[IKE_MAX_PENDING];
	unsigned peer_cursor[16];    /* per conn: the peer in use (failover, no preemption) */
	struct ike_isn_wait isn_wait[IKE_ISN_WAIT];
	struct { uint32_t peer; uint64_t last_ms; int used; } isn_rate[IKE_ISN_PEERS];
	unsigned next_conn_id;
	uint64_t now;
	int quiet;
	struct { uint64_t last_ms; unsigned suppressed; int logged; } droplog[IKE_DROP_MAX];
	struct isakmp_msg msg;            /* the message being processed (400 KB: kept) */
	unsigned depth;                   /* inside a public entry point (ike_enter) */
	struct ike_deferred {             /* ike_input re-entered from a callback: later */
		struct ike_endpoint local, remote; uint64_t now; size_t len; uint8_t *buf;
	} deferred[8];
	unsigned ndeferred;
	uint8_t scratch[IKE_MSG_MAX];     /* plaintext of the message being processed */
	uint8_t out[IKE_MSG_MAX + 64];    /* the message being built */
};

/* --- ike.c --------------------------------------------------------------------- */
void ike_log(struct ike *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ike_log_sa(struct ike *e, const struct ike_sa *sa, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Count a drop by reason and log it, at most one line per reason per second. */
void ike_log_rx(struct ike *e, struct ike_sa *sa, const struct ike_endpoint *local,
		const struct ike_endpoint *remote);
void ike_drop(struct ike *e, enum ike_drop reason, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *ike_ip(uint32_t a);            /* dotted quad, rotating static buffers */
void ike_sa_state(struct ike *e, struct ike_sa *sa, enum ike_state st);
void ike_qm_state(struct ike *e, struct ike_qm *qm, enum ike_qm_state st);
const char *ike_show_state(enum ike_state st);
struct ike_sa *ike_sa_new(struct ike *e, int initiator);
void ike_sa_delete(struct ike *e, struct ike_sa *sa, const char *reason, int send_delete);
void ike_sa_established(struct ike *e, struct ike_sa *sa);
struct ike_sa *ike_sa_established_with(struct ike *e, uint32_t peer);
const struct ike_psk *ike_psk_for(const struct ike *e, uint32_t peer);
uint64_t ike_retrans_delay(const struct ike *e, unsigned count);
/* Remove every other SA and child with the peer of `keep` (INITIAL-CONTACT). */
void ike_initial_contact(struct ike *e, struct ike_sa *keep);
void ike_child_remove(struct ike *e, struct ike_child_rec *cr, const char *reason);

/* --- ike_msg.c ----------------------------------------------------------------- */
void ike_hdr(const struct ike_sa *sa, struct isakmp_hdr *h, uint8_t exch, uint32_t msgid, int enc);
/* Send a built message from the SA's endpoints; keep it for retransmission if `keep`. */
void ike_send(struct ike *e, struct ike_sa *sa, struct ike_xmit *x, const uint8_t *msg, size_t len,
	      int keep, const char *state_name);
void ike_xmit_free(struct ike_xmit *x);
void ike_digest(const uint8_t *msg, size_t len, uint8_t out[32]);
/* Zero-pad the body to the block size, CBC-encrypt it with *iv, set E and Length;
 * *iv becomes the last ciphertext block (App. B). Returns the new length or -1. */
int ike_seal(const struct ike_sa *sa, uint8_t *msg, size_t len, uint8_t *iv);
/* Decrypt m's body with iv into e->scratch and decode its payloads into m.
 * 0 ok, -1 (counted drop done by the caller). */
int ike_open(struct ike *e, const struct ike_sa *sa, struct isakmp_msg *m, const uint8_t *iv);
/* End offset (in the plaintext) of the payload chain, i.e. without padding. */
size_t ike_chain_end(const struct isakmp_msg *m);
/* The ID payload body for an address/prefix (RFC 2407 §4.6.2). Returns its length. */
size_t ike_id_body(uint8_t *out, uint32_t addr, uint8_t plen, uint8_t proto, uint16_t port);
/* Parse an IPv4 ID (ADDR or ADDR_SUBNET with a contiguous mask). 0 ok, -1 unsupported. */
int ike_id_parse(const struct isakmp_id *id, uint32_t *addr, uint8_t *plen);
uint32_t ike_rd32(const uint8_t *p);
uint16_t ike_rd16(const uint8_t *p);
void ike_wr32(uint8_t *p, uint32_t v);
/* Build an Informational with HASH(1) (RFC 2409 §5.7) around one Notify or Delete and
 * send it encrypted on an established SA. */
int ike_send_info_notify(struct ike *e, struct ike_sa *sa, uint16_t type, uint8_t proto,
			 const uint8_t *spi, uint8_t spi_size, const void *data, size_t data_len);
int ike_send_info_delete(struct ike *e, struct ike_sa *sa, uint8_t proto, uint8_t spi_size,
			 const uint8_t *spis, uint16_t nspis);
/* A cleartext Informational (phase-1 errors before any key exists). */
void ike_send_clear_notify(struct ike *e, const uint8_t icookie[8], const uint8_t rcookie[8],
			   const struct ike_endpoint *local, const struct ike_endpoint *remote,
			   uint16_t type);
uint32_t ike_new_msgid(struct ike *e, const struct ike_sa *sa);
/* RFC 2409 §5.5/§5.7: M-IDs are unique per ISAKMP SA; a used one is remembered so a
 * replayed or reflected Quick Mode / Informational is a duplicate. */
int ike_mid_seen(const struct ike_sa *sa, uint32_t msgid);
void ike_mid_remember(struct ike_sa *sa, uint32_t msgid);
/* SA payload pieces (RFC 2408 §3.3–3.6) written into p; each returns bytes written. */
size_t ike_attr_tv(uint8_t *p, uint16_t type, uint16_t v);
size_t ike_attr_num(uint8_t *p, uint16_t type, uint64_t v);        /* TV or TLV */
size_t ike_attrs_copy(uint8_t *p, size_t cap, const struct isakmp_transform *t);   /* 0: too big */
size_t ike_transform(uint8_t *p, int last, uint8_t number, uint8_t id, const uint8_t *attrs,
		     size_t attrs_len);
/* Proposal header + SPI; the transforms follow (transforms_len bytes). */
size_t ike_proposal_hdr(uint8_t *p, int last, uint8_t number, uint8_t proto, const uint8_t *spi,
			uint8_t spi_size, uint8_t ntransforms, size_t transforms_len);

/* --- ike_mm.c ------------------------------------------------------------------ */
struct ike_sa *ike_mm_start(struct ike *e, uint32_t local_addr, uint32_t peer);
void ike_mm_input(struct ike *e, const struct ike_endpoint *local, const struct ike_endpoint *remote,
		  const uint8_t *raw, size_t len, struct isakmp_msg *m);

/* --- ike_qm.c ------------------------------------------------------------------ */
struct ike_qm *ike_qm_start(struct ike *e, struct ike_sa *sa, const struct ike_conn *conn,
			    unsigned conn_index, unsigned sel_index, int rekey);
void ike_qm_input(struct ike *e, struct ike_sa *sa, const struct ike_endpoint *local,
		  const struct ike_endpoint *remote, const uint8_t *raw, size_t len, struct isakmp_msg *m);
void ike_qm_free(struct ike *e, struct ike_qm *qm);

/* --- ike_info.c ---------------------------------------------------------------- */
void ike_info_input(struct ike *e, struct ike_sa *sa, const struct ike_endpoint *local,
		    const struct ike_endpoint *remote, const uint8_t *raw, size_t len, struct isakmp_msg *m);
enum ike_invalid_spi_result ike_info_invalid_spi(struct ike *e, uint32_t local, uint32_t peer,
						 uint32_t spi);
/* A Main Mode completed / died: send the INVALID-SPI notifies waiting for it / forget them. */
void ike_info_isn_established(struct ike *e, struct ike_sa *sa);
void ike_info_isn_forget(struct ike *e, const struct ike_sa *sa);
/* The seed-003 words for a message that finds no usable ISAKMP SA. */
#define IKE_NO_SA_TEXT "but IKE SA is inexistent or incomplete"

#endif
