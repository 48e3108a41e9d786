/* pcapng.h — a minimal pcapng writer and reader (SHB, IDB with if_tsresol, EPB; the
 * reader also accepts classic pcap and skips unknown blocks). Bounded reads: a block
 * whose length lies is an error, never an overrun.
 *
 * Writer: one Section Header Block, one Interface Description Block (if_name,
 * if_tsresol = 9, i.e. nanoseconds, optional opt_comment), then one Enhanced Packet
 * Block per packet, all in host byte order (the SHB's byte-order magic says which).
 *
 * Reader: the whole file (or a caller's buffer) is held in memory and walked with one
 * bounded cursor. pcapng: any number of sections and IDBs, if_tsresol as 10^-n or 2^-n
 * (default 10^-6), if_tsoffset, EPB, SPB and the obsolete Packet Block; other block
 * types are skipped. Classic pcap: both byte orders, microsecond and nanosecond magic.
 * A block length < 12, not a multiple of 4, larger than what remains of the file, or a
 * trailing length that differs from the leading one is an error.
 */
#ifndef HARNESS_PCAPNG_H
#define HARNESS_PCAPNG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct pcapng_writer { FILE *f; int linktype; uint64_t packets; };

/* ifname may be NULL (no if_name option), comment may be NULL. */
int pcapng_open_write(struct pcapng_writer *w, const char *path, int linktype,
		      const char *ifname, const char *comment);
/* t_ns: CLOCK_REALTIME nanoseconds (must be >= 0). origlen < caplen is raised to caplen. */
int pcapng_write(struct pcapng_writer *w, int64_t t_ns, const uint8_t *data, size_t caplen, size_t origlen);
/* Flush (fflush) without closing: a reader then sees every packet written so far. */
int pcapng_flush(struct pcapng_writer *w);
int pcapng_close(struct pcapng_writer *w);

struct pcapng_reader;
struct pcapng_pkt { int64_t t_ns; int linktype; const uint8_t *data; size_t caplen, origlen; int ifidx; };

struct pcapng_reader *pcapng_open_read(const char *path, char *err, size_t errlen);
/* Read from memory: the buffer is copied, the caller keeps ownership of buf. */
struct pcapng_reader *pcapng_open_mem(const void *buf, size_t len, char *err, size_t errlen);
/* 1 = packet, 0 = end, -1 = error (err). Packet data valid until the next call.
 * After an error every further call returns -1 again. */
int pcapng_next(struct pcapng_reader *r, struct pcapng_pkt *p, char *err, size_t errlen);
void pcapng_close_read(struct pcapng_reader *r);

/* Link type of pcapng interface ifidx (of the current section), or of the classic pcap
 * file (ifidx 0); -1 if there is no such interface. */
int pcapng_linktype(const struct pcapng_reader *r, int ifidx);
/* Count the packets of a file; -1 on error (err). */
long pcapng_count(const char *path, char *err, size_t errlen);

#endif
