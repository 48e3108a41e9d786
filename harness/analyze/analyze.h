/* analyze.h — turn a run's pcapng files into timeline events.
 *
 * Every frame goes through reference/codec's frame_decode (the same decoder refgw
 * uses). ISAKMP messages are followed per cookie pair: Main Mode message numbers 1–6,
 * Quick Mode 1–3, Informational; with a key table (Wireshark ikev1_decryption_table:
 * "icookie-hex","key-hex") encrypted messages are decrypted (reference/crypto) so DPD
 * R-U-THERE/ACK, Delete and notifies become their own events. ESP packets carry SPI and
 * sequence; VRRP/HSRP adverts carry priority and state; ARP marks gratuitous ones.
 * Senders and receivers are named from the topology: by source MAC (deterministic
 * per interface) first, then by IP address.
 *
 * Events per ISAKMP message: always one EV_IKE (so EV_IKE count = ISAKMP messages, as
 * tshark counts them), text like "Main Mode message 5 (encrypted, decrypted: ID, HASH)",
 * "Informational (encrypted, no key)", " (retransmit)" appended for identical bytes seen
 * again. Then, for every Notify/Delete payload in a cleartext or decrypted message: EV_DPD
 * (R-U-THERE/ACK, seq = the 4-octet sequence), EV_IKE_DELETE (spi = first ESP SPI),
 * EV_IKE_NOTIFY (everything else, e.g. INITIAL-CONTACT in MM5).
 * Per file at most AN_MAX_SAS cookie pairs are followed; the least recently seen one is
 * evicted (counted in an_stats.sa_evicted).
 */
#ifndef HARNESS_ANALYZE_H
#define HARNESS_ANALYZE_H

#include "../core/event.h"
#include "../../netns-lab/lab.h"

struct an_keys;   /* ikev1 key table */
struct an_keys *an_keys_load(const char *ikev1_table_path);   /* missing file → empty table */
void an_keys_free(struct an_keys *k);
/* added: the table accepts Wireshark's own UAT lines (`icookie-hex,key-hex`, what
 * Wireshark writes and what `tshark -o uat:ikev1_decryption_table:…` takes) and the
 * quoted form ("icookie-hex","key-hex"); '#' lines and blank lines are ignored. */
struct an_keys *an_keys_new(void);
int an_keys_add(struct an_keys *k, const uint8_t icookie[8], const uint8_t *key, size_t key_len);
/* Parse one table line; 0 = added or ignorable, -1 = malformed. */
int an_keys_add_line(struct an_keys *k, const char *line);
size_t an_keys_count(const struct an_keys *k);
/* Key for an initiator cookie, or NULL. */
const uint8_t *an_keys_lookup(const struct an_keys *k, const uint8_t icookie[8], size_t *key_len);

#define AN_MAX_SAS 256   /* cookie pairs followed per file */

struct an_stats {
	unsigned long frames, isakmp, isakmp_decrypted, isakmp_undecryptable, esp, vrrp, hsrp,
		arp, icmp, malformed;
	unsigned long by_exch[256];       /* ISAKMP messages by exchange type */
	/* added: */
	unsigned long isakmp_retransmit;  /* identical ISAKMP bytes seen again */
	unsigned long dpd;                /* R-U-THERE + R-U-THERE-ACK notifies (decrypted) */
	unsigned long ike_delete, ike_notify;   /* Delete payloads, other notifies */
	unsigned long natt_keepalive, sa_evicted;
};

/* Decode one pcapng file of link `link`, appending events. Returns 0 or -1 (err). */
/* After sorting the events of every link by time: events to or from an HSRP/VRRP virtual
 * address name the router holding it at that moment (its latest Active Hello, advert or
 * gratuitous ARP). */
void an_name_vip_holders(struct ev_list *l);
int an_file(const char *path, const char *link, const struct lab_topo *t, struct an_keys *k,
	    struct ev_list *out, struct an_stats *st, char *err, size_t errlen);

#endif
