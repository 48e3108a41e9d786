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
 */
#ifndef HARNESS_ANALYZE_H
#define HARNESS_ANALYZE_H

#include "../core/event.h"
#include "../../netns-lab/lab.h"

struct an_keys;   /* ikev1 key table */
struct an_keys *an_keys_load(const char *ikev1_table_path);   /* missing file → empty table */
void an_keys_free(struct an_keys *k);

struct an_stats {
	unsigned long frames, isakmp, isakmp_decrypted, isakmp_undecryptable, esp, vrrp, hsrp,
		arp, icmp, malformed;
	unsigned long by_exch[256];       /* ISAKMP messages by exchange type */
};

/* Decode one pcapng file of link `link`, appending events. Returns 0 or -1 (err). */
int an_file(const char *path, const char *link, const struct lab_topo *t, struct an_keys *k,
	    struct ev_list *out, struct an_stats *st, char *err, size_t errlen);

#endif
