/* ike.h — refgw's IKEv1 engine (RFC 2407/2408/2409, NAT-T RFC 3947, DPD answers RFC 3706).
 *
 * Sans-I/O: no sockets, no clock. The daemon feeds received ISAKMP messages (without the
 * 4-byte non-ESP marker of port 4500) and the current time in milliseconds (virtual,
 * possibly scaled); the engine answers through the callbacks in struct ike_ops: messages
 * to send, IPsec SA pairs up/down, phase-1 keys for capture decryption, log lines that
 * read like IOS `debug crypto isakmp`. ike_next_timeout() says when ike_tick() wants to
 * run next (retransmissions, lifetimes, rekeys).
 *
 * Owns: Main Mode with pre-shared keys (initiator and responder), Quick Mode (with and
 * without PFS), Informational exchanges (Delete, INITIAL-CONTACT, R-U-THERE answers,
 * INVALID-SPI sent for the data plane's unknown SPIs and honoured when received),
 * NAT-T port floating, retransmission with back-off, duplicate detection, lifetimes and
 * phase-2 rekeying, and per-reason drop counters for anything the network sends that it
 * cannot use. Nothing received from the network aborts, leaks or disturbs an
 * established SA. Library target: ihh_ike (reference/fsm).
 */
#ifndef FSM_IKE_H
#define FSM_IKE_H

#include <stddef.h>
#include <stdint.h>
#include "ipsec_doi.h"

struct ike_endpoint { uint32_t addr; uint16_t port; };   /* host byte order */

struct ike_policy {                    /* crypto isakmp policy PRIORITY */
	unsigned priority;
	enum ike_enc enc;
	unsigned key_bits;                 /* AES: 128/192/256 (0 = 128) */
	enum ike_hash hash;
	enum ike_auth auth;
	unsigned group;                    /* 1, 2, 5, 14 */
	uint32_t lifetime_s;               /* 0 = IOS default 86400 */
};

struct ike_psk { uint32_t addr, mask; char key[128]; };   /* crypto isakmp key K address A [M] */

struct ike_tset {                      /* crypto ipsec transform-set NAME esp-… esp-…-hmac */
	char name[32];
	enum esp_enc_alg enc;
	unsigned key_bits;                 /* AES: 128/192/256 (0 = 128) */
	enum esp_auth_alg auth;
};

struct ike_selector {                  /* one ACL permit line; src = our protected side */
	uint32_t src, dst;
	uint8_t src_plen, dst_plen, proto;
	uint16_t sport, dport;
};

struct ike_conn {                      /* one crypto map entry (IOS: crypto map NAME SEQ) */
	char map[32]; unsigned seq;
	uint32_t peers[8]; unsigned npeers;            /* set peer, in order */
	struct ike_tset tsets[6]; unsigned ntsets;
	unsigned pfs_group;                            /* 0: no PFS */
	struct ike_selector sel[16]; unsigned nsel;    /* ACL permit lines, local = src */
	uint32_t lifetime_s; uint64_t lifetime_kb;     /* 0: IOS defaults 3600 s / 4608000 KB */
	uint32_t local_addr;                           /* address IKE/ESP use (interface or VIP) */
};

struct ike_cfg {
	struct ike_policy policies[16]; unsigned npolicies;   /* priority order */
	struct ike_psk psks[16]; unsigned npsks;
	struct ike_conn conns[16]; unsigned nconns;
	unsigned retrans_base_ms, retrans_max;   /* 0: 1000 ms doubling, 5 retransmissions */
	int natt;                                  /* 1: send RFC 3947 VID, NAT-D, float to 4500 */
	int invalid_spi_recovery;                  /* crypto isakmp invalid-spi-recovery: with no
	                                              ISAKMP SA with the sender of an unknown SPI,
	                                              start Main Mode to it to send INVALID-SPI */
	char hostname[64];                          /* log prefix ("" = none) */
};

struct ike_child {                 /* an IPsec SA pair (IOS: one "sa" per direction) */
	uint32_t spi_in, spi_out;
	enum esp_enc_alg enc; unsigned enc_key_len; enum esp_auth_alg auth; unsigned auth_key_len;
	uint8_t key_in[64], key_out[64];   /* encryption key then auth key, KEYMAT order */
	struct ike_endpoint local, remote; /* remote.port == 4500 => UDP-encapsulated (RFC 3948);
	                                      generally: port != 0 => ESP in UDP to that port (a
	                                      real NAT may map 4500 to another one); 0 => raw ESP */
	struct ike_selector local_sel, remote_sel;  /* local_sel.src/plen = our protected side */
	const struct ike_conn *conn; unsigned conn_index, sel_index;
	uint32_t lifetime_s; uint64_t lifetime_kb; uint64_t created_ms;
	int initiator;
	/* added */
	unsigned tset_index;               /* which of conn->tsets was negotiated */
	unsigned pfs_group;                /* group of the QM's KE, 0 = no PFS */
	unsigned encap;                    /* enum ipsec_encap negotiated */
	uint64_t bytes_in, bytes_out;      /* as reported by ike_child_inbound/_outbound */
};

struct ike_ops {
	void *ctx;
	/* ISAKMP bytes; the daemon adds the 4-byte non-ESP marker when a port is 4500 */
	void (*send)(void *ctx, const struct ike_endpoint *local, const struct ike_endpoint *remote,
		     const uint8_t *msg, size_t len);
	void (*child_up)(void *ctx, const struct ike_child *c);
	void (*child_down)(void *ctx, const struct ike_child *c, const char *reason);
	void (*ike_keys)(void *ctx, const uint8_t icookie[8], const uint8_t rcookie[8],
			 const uint8_t *enc_key, size_t len, enum ike_enc enc, enum ike_hash hash);
	void (*log)(void *ctx, const char *line);      /* one line, no timestamp, no newline */
};

struct ike;

/* Callbacks may call back into the engine (a message fed to ike_input from inside a
 * send callback waits until the outer call returns); they must not call ike_free. */
struct ike *ike_new(const struct ike_cfg *cfg, const struct ike_ops *ops);
void ike_free(struct ike *e);                      /* no callbacks */
/* New policies/keys/maps for new negotiations; existing SAs untouched. 0, or -1 if cfg
 * is unusable (nothing changed then). */
int  ike_reconfigure(struct ike *e, const struct ike_cfg *cfg);
void ike_input(struct ike *e, uint64_t now_ms, const struct ike_endpoint *local,
	       const struct ike_endpoint *remote, const uint8_t *msg, size_t len);
/* A packet matched conn's ACL line with no SA: start Main Mode (if no ISAKMP SA with the
 * conn's current peer) then Quick Mode. 0 = started or queued, 1 = already negotiating
 * that flow (no-op), -1 = bad index / no peer / no resources. */
int  ike_acquire(struct ike *e, uint64_t now_ms, unsigned conn_index, unsigned sel_index);
uint64_t ike_next_timeout(const struct ike *e);    /* ms; UINT64_MAX if none */
void ike_tick(struct ike *e, uint64_t now_ms);     /* retransmits, lifetimes, rekey */
void ike_clear_all(struct ike *e, uint64_t now_ms);      /* clear crypto sa + isakmp: Deletes sent */
void ike_clear_isakmp(struct ike *e, uint64_t now_ms);   /* only ISAKMP SAs (Delete proto 1) */
void ike_shutdown(struct ike *e, uint64_t now_ms);       /* Deletes for everything, then quiet */
/* Every SA, Quick Mode and waiting acquire with local address `local`, gone without a
 * packet sent (no Delete): the address moved to another router (crypto map redundancy,
 * stateless failover). Children get child_down with `reason`. */
void ike_clear_local(struct ike *e, uint64_t now_ms, uint32_t local, const char *reason);

/* Traffic accounting by the data plane (the child's inbound SPI): feeds the volume
 * lifetime (soft at 90 %, hard at 100 % of lifetime_kb) and, for inbound, the DPD
 * "last inbound" time of the peer. Unknown SPIs are ignored. */
void ike_child_inbound(struct ike *e, uint64_t now_ms, uint32_t spi_in, size_t bytes);
void ike_child_outbound(struct ike *e, uint64_t now_ms, uint32_t spi_in, size_t bytes);

/* introspection for `show crypto isakmp sa [detail]` / `show crypto ipsec sa` */
struct ike_sa_info {
	uint32_t dst, src;            /* responder, initiator (IOS column order) */
	char state[16];               /* MM_NO_STATE MM_SA_SETUP MM_KEY_EXCH QM_IDLE; a deleted
	                                 SA lingers a few seconds as MM_NO_STATE with deleted=1 */
	unsigned conn_id; int initiator; uint8_t icookie[8], rcookie[8];
	enum ike_enc enc; unsigned key_bits; enum ike_hash hash; unsigned group; enum ike_auth auth;
	uint32_t lifetime_s, remaining_s; int natt; uint16_t local_port, remote_port; int dpd_peer;
	/* added */
	int deleted;
	uint64_t last_inbound_ms;     /* DPD hook: last authenticated message or inbound ESP */
	uint32_t dpd_seq_sent, dpd_seq_acked;   /* last R-U-THERE we sent / last ACK we accepted */
};
size_t ike_list_isakmp(const struct ike *e, uint64_t now_ms, struct ike_sa_info *out, size_t max);
size_t ike_list_children(const struct ike *e, struct ike_child *out, size_t max);

/* DPD hook (RFC 3706): send one R-U-THERE on the established ISAKMP SA conn_id (from
 * ike_sa_info) to a peer that sent the DPD VID. Returns the sequence number used
 * (first random with the high bit 0, then +1 — §6), or 0 if not possible. Probing
 * policy (when, how often, when dead) belongs to the caller. */
uint32_t ike_dpd_probe(struct ike *e, uint64_t now_ms, unsigned conn_id);
/* Tear down every SA with `peer` (the DPD "peer dead" action): children get child_down
 * with `reason`, then Deletes (ESP SPIs, then the ISAKMP SA) are sent best effort on
 * the established ISAKMP SA — IOS's one more packet after "Bring down phase 2's", the
 * wire marker of the moment — and the ISAKMP SAs are deleted. Every crypto map entry
 * with several `set peer` whose current peer is `peer` moves on to the next one: the
 * next negotiation goes there at once, and nothing moves back when `peer` returns. */
void ike_peer_dead(struct ike *e, uint64_t now_ms, uint32_t peer, const char *reason);

/* ESP arrived from remote_addr to local with an SPI the data plane does not know
 * (RFC 4303 §3.4.2: dropped). With an established ISAKMP SA to the sender an encrypted
 * Informational HASH(1), N(INVALID-SPI, ESP, SPI size 4, that SPI) is sent (RFC 2408
 * §3.14, §5.5; RFC 2409 §5.7), at most one per peer and second of engine time. Without
 * one, and cfg.invalid_spi_recovery set, Main Mode (no Quick Mode) is started from
 * `local` to the sender — at most one per peer at a time, up to 4 SPIs noted for it —
 * and the notifies go out when it completes (none if it fails). NO_IKE_SA also when a
 * recovery cannot start (no key for the peer, 16 under way). The caller logs and
 * counts by the result; the engine's own counters are in ike_stats. */
enum ike_invalid_spi_result {
	IKE_INVALID_SPI_NOTIFIED,        /* N(INVALID-SPI) sent */
	IKE_INVALID_SPI_RATE_LIMITED,    /* one went to that peer less than a second ago */
	IKE_INVALID_SPI_NEGOTIATING,     /* recovery Main Mode started or under way */
	IKE_INVALID_SPI_NO_IKE_SA,       /* no ISAKMP SA with the sender, no recovery */
};
enum ike_invalid_spi_result ike_invalid_spi(struct ike *e, uint64_t now_ms, uint32_t local,
					    uint32_t remote_addr, uint32_t spi);
const char *ike_invalid_spi_name(enum ike_invalid_spi_result r);   /* "notified", … */

enum ike_drop {
	IKE_DROP_MALFORMED,       /* codec refused the bytes */
	IKE_DROP_BAD_VERSION,     /* major version != 1 */
	IKE_DROP_UNKNOWN_EXCHANGE,
	IKE_DROP_UNKNOWN_COOKIE,  /* no ISAKMP SA with these cookies */
	IKE_DROP_DECRYPT,         /* not a whole number of blocks / implausible plaintext */
	IKE_DROP_HASH,            /* HASH_I/HASH_R/HASH(n) did not verify */
	IKE_DROP_DUPLICATE,       /* a retransmission (answered with our last reply) */
	IKE_DROP_NO_PROPOSAL,     /* nothing acceptable in the SA payload */
	IKE_DROP_NO_PSK,          /* no pre-shared key for the peer address */
	IKE_DROP_STATE,           /* message not expected in the SA's state */
	IKE_DROP_TOO_BIG,         /* KE/nonce/SA larger than allowed */
	IKE_DROP_BAD_PAYLOAD,     /* missing/misplaced payload, wrong KE size, short nonce */
	IKE_DROP_BAD_ID,          /* IDs that no crypto map allows */
	IKE_DROP_NO_RESOURCES,    /* too many SAs or exchanges */
	IKE_DROP_UNPROTECTED,     /* Notify/Delete/DPD outside an authenticated exchange */
	IKE_DROP_SHUTDOWN,        /* received after ike_shutdown */
	IKE_DROP_MAX
};
struct ike_stats {
	uint64_t rx, tx, retransmits, dropped[IKE_DROP_MAX];
	/* INVALID-SPI (RFC 2408 §3.14): notifies sent, suppressed by the rate limit, unknown
	 * SPIs with no ISAKMP SA to tell (and no recovery), recovery Main Modes started;
	 * authenticated notifies received, and those naming no SA of ours */
	uint64_t invalid_spi_sent, invalid_spi_suppressed, invalid_spi_no_sa, invalid_spi_recoveries;
	uint64_t invalid_spi_received, invalid_spi_unmatched;
};
const struct ike_stats *ike_get_stats(const struct ike *e);
const char *ike_drop_name(int reason);     /* "malformed", "bad version", … */

#endif
