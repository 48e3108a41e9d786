/* pcapng.h — a minimal pcapng writer and reader (SHB, IDB with if_tsresol, EPB; the
 * reader also accepts classic pcap and skips unknown blocks). Bounded reads: a block
 * whose length lies is an error, never an overrun.
 */
#ifndef HARNESS_PCAPNG_H
#define HARNESS_PCAPNG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct pcapng_writer { FILE *f; int linktype; uint64_t packets; };

int pcapng_open_write(struct pcapng_writer *w, const char *path, int linktype,
		      const char *ifname, const char *comment);
int pcapng_write(struct pcapng_writer *w, int64_t t_ns, const uint8_t *data, size_t caplen, size_t origlen);
int pcapng_close(struct pcapng_writer *w);

struct pcapng_reader;
struct pcapng_pkt { int64_t t_ns; int linktype; const uint8_t *data; size_t caplen, origlen; int ifidx; };

struct pcapng_reader *pcapng_open_read(const char *path, char *err, size_t errlen);
/* 1 = packet, 0 = end, -1 = error (err). Packet data valid until the next call. */
int pcapng_next(struct pcapng_reader *r, struct pcapng_pkt *p, char *err, size_t errlen);
void pcapng_close_read(struct pcapng_reader *r);

#endif
