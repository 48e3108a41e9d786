/* check_kern_gro.c — TUN packet I/O with virtio-net headers (kern_io.c): what
 * kern_tun_write_batch merges into one GSO packet and what it must leave alone, and the
 * header framing of kern_tun_read / kern_tun_write, and the cutting of TCP GSO packets
 * (kern_tso_segment). One end of a datagram socketpair is
 * marked as a virtio-net TUN (kern_tun_vnet_mark), so each write arrives at the other
 * end as one datagram: header + packet, exactly what the kernel's TUN would get.
 */
#include <check.h>
#include <linux/virtio_net.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cksum.h"
#include "kern.h"
#include "kern_int.h"

#define NSEG 70

static uint8_t seg[NSEG][1600];
static struct kern_pkt pk[NSEG];
static int sv[2];

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint16_t tcp_sum(const uint8_t *ip, size_t len)
{
	uint8_t ph[12];

	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = 6;
	put16(ph + 10, (unsigned)(len - 20));
	return cksum_finish(cksum_add(cksum_add(0, ph, 12), ip + 20, len - 20));
}

/* IPv4 (ID id, DF) + TCP with a 12-byte timestamp option + plen payload bytes whose
 * values follow the sequence number, all checksums right. */
static size_t mk(uint8_t *p, uint16_t id, uint32_t seq, uint8_t flags, size_t plen)
{
	size_t len = 20 + 32 + plen, i;
	uint16_t ck;

	memset(p, 0, 52);
	p[0] = 0x45;
	put16(p + 2, (unsigned)len);
	put16(p + 4, id);
	p[6] = 0x40;                    /* DF */
	p[8] = 64;
	p[9] = 6;
	put32(p + 12, 0x0a010002);      /* 10.1.0.2 → 10.2.0.2 */
	put32(p + 16, 0x0a020002);
	ck = cksum_finish(cksum_add(0, p, 20));
	put16(p + 10, ck);
	put16(p + 20, 40000);
	put16(p + 22, 5201);
	put32(p + 24, seq);
	put32(p + 28, 777);
	p[32] = 8 << 4;                 /* 32-byte header */
	p[33] = flags;
	put16(p + 34, 502);
	p[40] = 1;
	p[41] = 1;
	p[42] = 8;                      /* timestamps */
	p[43] = 10;
	put32(p + 44, 1000);
	put32(p + 48, 2000);
	for (i = 0; i < plen; i++)
		p[52 + i] = (uint8_t)(seq + i);
	ck = tcp_sum(p, len);
	put16(p + 36, ck);
	return len;
}

/* segs[first..first+n): one stream of full segments of mss bytes (ACK), ids and seqs
 * counting up */
static void stream(unsigned first, unsigned n, size_t mss, uint16_t id0, uint32_t seq0)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		pk[first + i].buf = seg[first + i];
		pk[first + i].len = mk(seg[first + i], (uint16_t)(id0 + i), seq0 + (uint32_t)(i * mss), 0x10, mss);
	}
}

static void setup(void)
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	kern_tun_vnet_mark(sv[0], 1);
}

static void teardown(void)
{
	kern_tun_vnet_mark(sv[0], 0);
	close(sv[0]);
	close(sv[1]);
}

/* The next datagram: its virtio-net header into vh, the packet into pkt; its length. */
static size_t next(struct virtio_net_hdr *vh, uint8_t *pkt, size_t cap)
{
	static uint8_t buf[70000];
	ssize_t r = recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT);

	ck_assert_int_ge(r, (ssize_t)sizeof(*vh));
	memcpy(vh, buf, sizeof(*vh));
	ck_assert_uint_le((size_t)r - sizeof(*vh), cap);
	memcpy(pkt, buf + sizeof(*vh), (size_t)r - sizeof(*vh));
	return (size_t)r - sizeof(*vh);
}

static int pending(void)
{
	uint8_t b[1];

	return recv(sv[1], b, 1, MSG_DONTWAIT | MSG_PEEK) >= 0;
}

/* A merged packet: headers of the first segment with the total length, a valid IP
 * checksum, the partial (pseudo-header) TCP checksum, and the payloads in order; and
 * after finishing its checksum as the kernel would, a valid TCP segment. */
static void check_merged(const struct virtio_net_hdr *vh, uint8_t *m, size_t len, unsigned first, unsigned n,
			 size_t mss)
{
	size_t off = 52, i;
	uint8_t ph[12];
	uint16_t want;

	ck_assert_uint_eq(vh->gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	ck_assert_uint_eq(vh->flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	ck_assert_uint_eq(vh->gso_size, mss);
	ck_assert_uint_eq(vh->hdr_len, 52);
	ck_assert_uint_eq(vh->csum_start, 20);
	ck_assert_uint_eq(vh->csum_offset, 16);
	ck_assert_uint_eq(len, 52 + n * mss);
	ck_assert_uint_eq((size_t)(m[2] << 8 | m[3]), len);
	ck_assert_uint_eq(cksum_finish(cksum_add(0, m, 20)), 0);
	ck_assert_mem_eq(m + 4, seg[first] + 4, 2);             /* the first ID */
	ck_assert_mem_eq(m + 20, seg[first] + 20, 16);          /* ports, seq, ack, flags, window */
	ck_assert_mem_eq(m + 40, seg[first] + 40, 12);          /* options */
	for (i = 0; i < n; i++, off += mss)
		ck_assert_mem_eq(m + off, seg[first + i] + 52, mss);
	/* CHECKSUM_PARTIAL: the field holds the uncomplemented pseudo-header sum */
	memcpy(ph, m + 12, 8);
	ph[8] = 0;
	ph[9] = 6;
	put16(ph + 10, (unsigned)(len - 20));
	want = (uint16_t)~cksum_finish(cksum_add(0, ph, 12));
	ck_assert_uint_eq((unsigned)(m[36] << 8 | m[37]), want);
	m[36] = m[37] = 0;
	want = cksum_finish(cksum_add(0, ph, 12) + cksum_add(0, m + 20, len - 20));
	put16(m + 36, want);
	ck_assert_uint_eq(tcp_sum(m, len), 0);
}

static void check_single(size_t idx)
{
	struct virtio_net_hdr vh;
	static uint8_t m[70000];
	size_t len = next(&vh, m, sizeof(m));

	ck_assert_uint_eq(vh.gso_type, VIRTIO_NET_HDR_GSO_NONE);
	ck_assert_uint_eq(vh.flags, 0);
	ck_assert_uint_eq(len, pk[idx].len);
	ck_assert_mem_eq(m, seg[idx], len);
}

START_TEST(merges_a_stream)
{
	struct virtio_net_hdr vh;
	static uint8_t m[70000];
	size_t len;

	stream(0, 10, 1348, 100, 5000);
	ck_assert_int_eq(kern_tun_write_batch(sv[0], pk, 10), 10);
	len = next(&vh, m, sizeof(m));
	check_merged(&vh, m, len, 0, 10, 1348);
	ck_assert(!pending());
}
END_TEST

START_TEST(short_last_and_psh)
{
	struct virtio_net_hdr vh;
	static uint8_t m[70000];
	size_t len;

	/* 3 full, a short one with PSH (ends the run), then 2 more full ones */
	stream(0, 3, 1000, 1, 1);
	pk[3].buf = seg[3];
	pk[3].len = mk(seg[3], 4, 1 + 3000, 0x18, 500);
	stream(4, 2, 1000, 5, 3501);
	ck_assert_int_eq(kern_tun_write_batch(sv[0], pk, 6), 6);
	len = next(&vh, m, sizeof(m));
	ck_assert_uint_eq(len, 52 + 3500);
	ck_assert_uint_eq(m[33], 0x18);                         /* PSH of the last carried over */
	ck_assert_uint_eq(vh.gso_size, 1000);
	ck_assert_mem_eq(m + 52 + 3000, seg[3] + 52, 500);
	len = next(&vh, m, sizeof(m));
	check_merged(&vh, m, len, 4, 2, 1000);
	ck_assert(!pending());
}
END_TEST

START_TEST(does_not_merge)
{
	unsigned i;

	/* each pair below must go as two plain packets */
	for (i = 0; i < 9; i++) {
		stream(0, 2, 1000, 10, 100);
		switch (i) {
		case 0: seg[1][60] ^= 1; break;                             /* bad TCP checksum */
		case 1: pk[1].len = mk(seg[1], 11, 100 + 1001, 0x10, 1000); break;  /* sequence gap */
		case 2: pk[1].len = mk(seg[1], 13, 100 + 1000, 0x10, 1000); break;  /* IP ID jump */
		case 3: pk[0].len = mk(seg[0], 10, 100, 0x18, 1000); break;         /* PSH on the first */
		case 4: pk[1].len = mk(seg[1], 11, 1100, 0x90, 1000); break;        /* CWR */
		case 5: pk[0].len = mk(seg[0], 10, 100, 0x10, 900); pk[1].len = mk(seg[1], 11, 1000, 0x10, 1000);
			break;                                              /* second larger than the first */
		case 6: {                                                   /* other options (timestamp) */
			uint16_t ck;

			seg[1][47] ^= 1;
			seg[1][36] = seg[1][37] = 0;
			ck = tcp_sum(seg[1], pk[1].len);
			put16(seg[1] + 36, ck);
			break;
		}
		case 7: pk[0].len = mk(seg[0], 10, 100, 0x10, 0); pk[1].len = mk(seg[1], 11, 100, 0x10, 0);
			break;                                              /* pure ACKs */
		case 8: {                                                   /* another destination */
			uint16_t ck;

			seg[1][19] = 3;
			seg[1][10] = seg[1][11] = 0;
			ck = cksum_finish(cksum_add(0, seg[1], 20));
			put16(seg[1] + 10, ck);
			seg[1][36] = seg[1][37] = 0;
			ck = tcp_sum(seg[1], pk[1].len);
			put16(seg[1] + 36, ck);
			break;
		}
		}
		ck_assert_int_eq(kern_tun_write_batch(sv[0], pk, 2), 2);
		check_single(0);
		check_single(1);
		ck_assert_msg(!pending(), "case %u", i);
	}
}
END_TEST

START_TEST(limits)
{
	struct virtio_net_hdr vh;
	static uint8_t m[70000];
	size_t len;

	/* 70 segments: at most 64 in one GSO packet */
	stream(0, 70, 200, 1, 1);
	ck_assert_int_eq(kern_tun_write_batch(sv[0], pk, 70), 70);
	len = next(&vh, m, sizeof(m));
	check_merged(&vh, m, len, 0, 64, 200);
	len = next(&vh, m, sizeof(m));
	check_merged(&vh, m, len, 64, 6, 200);
	ck_assert(!pending());
	/* 50 × 1448: the IPv4 total length stops the run at 45 segments (52 + 45 × 1448 ≤ 65535) */
	stream(0, 50, 1448, 1, 1);
	ck_assert_int_eq(kern_tun_write_batch(sv[0], pk, 50), 50);
	len = next(&vh, m, sizeof(m));
	check_merged(&vh, m, len, 0, 45, 1448);
	len = next(&vh, m, sizeof(m));
	check_merged(&vh, m, len, 45, 5, 1448);
	ck_assert(!pending());
}
END_TEST

START_TEST(non_tcp_and_plain_fds)
{
	uint8_t udp[28] = { 0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17 };
	struct kern_pkt p[3];

	stream(0, 2, 1000, 1, 1);
	p[0] = (struct kern_pkt){ .buf = udp, .len = sizeof(udp) };
	p[1] = pk[0];
	p[2] = pk[1];
	ck_assert_int_eq(kern_tun_write_batch(sv[0], p, 3), 3);
	{
		struct virtio_net_hdr vh;
		static uint8_t m[70000];
		size_t len = next(&vh, m, sizeof(m));

		ck_assert_uint_eq(len, sizeof(udp));
		ck_assert_uint_eq(vh.gso_type, VIRTIO_NET_HDR_GSO_NONE);
		len = next(&vh, m, sizeof(m));
		check_merged(&vh, m, len, 0, 2, 1000);
	}
	/* a plain fd (the mock's TUN): no header, one datagram per packet */
	kern_tun_vnet_mark(sv[0], 0);
	ck_assert_int_eq(kern_tun_write_batch(sv[0], pk, 2), 2);
	{
		static uint8_t m[2000];

		ck_assert_int_eq(recv(sv[1], m, sizeof(m), 0), (ssize_t)pk[0].len);
		ck_assert_mem_eq(m, seg[0], pk[0].len);
		ck_assert_int_eq(recv(sv[1], m, sizeof(m), 0), (ssize_t)pk[1].len);
	}
}
END_TEST

START_TEST(read_and_write_framing)
{
	uint8_t d[2000], in[1600];
	struct virtio_net_hdr vh;
	struct kern_pkt p = { .buf = in, .cap = sizeof(in) };
	size_t len = mk(seg[0], 1, 1, 0x10, 100);

	/* write: a zero header, then the packet */
	ck_assert_int_eq(kern_tun_write(sv[0], seg[0], len), 0);
	ck_assert_int_eq(recv(sv[1], d, sizeof(d), 0), (ssize_t)(sizeof(vh) + len));
	ck_assert(memcmp(d, (uint8_t[sizeof(vh)]){ 0 }, sizeof(vh)) == 0);
	ck_assert_mem_eq(d + sizeof(vh), seg[0], len);
	/* read: the header is put aside, the packet lands at buf */
	memset(d, 0, sizeof(vh));
	memcpy(d + sizeof(vh), seg[0], len);
	ck_assert_int_eq(send(sv[1], d, sizeof(vh) + len, 0), (ssize_t)(sizeof(vh) + len));
	ck_assert_int_eq(kern_tun_read(sv[0], &p, 1), 1);
	ck_assert_int_eq(p.drop, CODEC_OK);
	ck_assert_uint_eq(p.len, len);
	ck_assert_mem_eq(in, seg[0], len);
	/* a partial checksum is finished; a GSO packet is refused */
	memset(&vh, 0, sizeof(vh));
	vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh.csum_start = 20;
	vh.csum_offset = 16;
	memcpy(d, &vh, sizeof(vh));
	{
		uint8_t ph[12], *t = d + sizeof(vh);
		uint16_t partial;

		memcpy(ph, seg[0] + 12, 8);
		ph[8] = 0;
		ph[9] = 6;
		put16(ph + 10, (unsigned)(len - 20));
		partial = (uint16_t)~cksum_finish(cksum_add(0, ph, 12));
		put16(t + 36, partial);
	}
	ck_assert_int_eq(send(sv[1], d, sizeof(vh) + len, 0), (ssize_t)(sizeof(vh) + len));
	ck_assert_int_eq(kern_tun_read(sv[0], &p, 1), 1);
	ck_assert_int_eq(p.drop, CODEC_OK);
	ck_assert_mem_eq(in, seg[0], len);                      /* checksum as the sender made it */
	vh.flags = 0;
	vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	memcpy(d, &vh, sizeof(vh));
	ck_assert_int_eq(send(sv[1], d, sizeof(vh) + len, 0), (ssize_t)(sizeof(vh) + len));
	ck_assert_int_eq(kern_tun_read(sv[0], &p, 1), 1);
	ck_assert_int_ne(p.drop, CODEC_OK);
	/* shorter than the header */
	ck_assert_int_eq(send(sv[1], d, 4, 0), 4);
	ck_assert_int_eq(kern_tun_read(sv[0], &p, 1), 1);
	ck_assert_int_ne(p.drop, CODEC_OK);
}
END_TEST

/* A GSO packet as the kernel's TSO hands it over (kern_tun_offload): kern_tun_read keeps
 * it whole with gso_size, kern_tso_segment cuts exactly the segments the sender's TCP
 * would have sent (IDs, sequence numbers, PSH only on the last, CWR only on the first,
 * checksums), and kern_tun_write_batch merges those segments back into the same
 * packet. */
START_TEST(tso_segments)
{
	static uint8_t d[70000], in[KERN_TUN_GSO_BUF], out[2000];
	struct virtio_net_hdr vh;
	struct kern_pkt p = { .buf = in, .cap = sizeof(in) };
	const size_t mss = 1000, total = 52 + 4 * 1000 + 300;
	unsigned k;
	uint8_t ph[12];
	uint16_t ck;

	/* segments 0..4 of a stream (the last short, PSH), the first with CWR */
	stream(0, 4, mss, 7, 90000);
	pk[0].len = mk(seg[0], 7, 90000, 0x90, mss);
	pk[4].buf = seg[4];
	pk[4].len = mk(seg[4], 11, 90000 + 4000, 0x18, 300);
	/* the GSO packet: the first segment's headers, every payload, PSH|CWR|ACK, the total
	 * length and a partial checksum */
	memset(&vh, 0, sizeof(vh));
	vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	vh.hdr_len = 52;
	vh.gso_size = (uint16_t)mss;
	vh.csum_start = 20;
	vh.csum_offset = 16;
	memcpy(d, &vh, sizeof(vh));
	memcpy(d + sizeof(vh), seg[0], 52);
	for (k = 0; k < 5; k++)
		memcpy(d + sizeof(vh) + 52 + k * mss, seg[k] + 52, k < 4 ? mss : 300);
	{
		uint8_t *t = d + sizeof(vh);

		put16(t + 2, (unsigned)total);
		t[10] = t[11] = 0;
		ck = cksum_finish(cksum_add(0, t, 20));
		put16(t + 10, ck);
		t[33] = 0x98;
		memcpy(ph, t + 12, 8);
		ph[8] = 0;
		ph[9] = 6;
		put16(ph + 10, (unsigned)(total - 20));
		put16(t + 36, (uint16_t)~cksum_finish(cksum_add(0, ph, 12)));
	}
	ck_assert_int_eq(send(sv[1], d, sizeof(vh) + total, 0), (ssize_t)(sizeof(vh) + total));
	ck_assert_int_eq(kern_tun_read(sv[0], &p, 1), 1);
	ck_assert_int_eq(p.drop, CODEC_OK);
	ck_assert_uint_eq(p.gso_size, mss);
	ck_assert_uint_eq(p.len, total);
	for (k = 0; k < 5; k++) {
		ssize_t n = kern_tso_segment(&p, k, out, sizeof(out));

		ck_assert_int_eq(n, (ssize_t)pk[k].len);
		ck_assert_mem_eq(out, seg[k], pk[k].len);
	}
	ck_assert_int_eq(kern_tso_segment(&p, 5, out, sizeof(out)), 0);
	ck_assert_int_eq(kern_tso_segment(&p, 0, out, 100), -1);
	/* and back: segments 1..4 (no CWR) merge into one GSO packet of their payloads */
	ck_assert_int_eq(kern_tun_write_batch(sv[0], pk + 1, 4), 4);
	{
		static uint8_t m[70000];
		size_t len = next(&vh, m, sizeof(m));

		ck_assert_uint_eq(len, 52 + 3 * mss + 300);
		ck_assert_uint_eq(vh.gso_size, mss);
		ck_assert_uint_eq(m[33], 0x18);
		ck_assert_mem_eq(m + 52, d + sizeof(vh) + 52 + mss, 3 * mss + 300);
	}
	/* refused: a GSO packet that is not TCP, or whose checksum is not where TCP keeps it */
	vh.csum_offset = 6;
	memcpy(d, &vh, sizeof(vh));
	ck_assert_int_eq(send(sv[1], d, sizeof(vh) + total, 0), (ssize_t)(sizeof(vh) + total));
	ck_assert_int_eq(kern_tun_read(sv[0], &p, 1), 1);
	ck_assert_int_ne(p.drop, CODEC_OK);
	vh.csum_offset = 16;
	memcpy(d, &vh, sizeof(vh));
	d[sizeof(vh) + 9] = 17;
	ck_assert_int_eq(send(sv[1], d, sizeof(vh) + total, 0), (ssize_t)(sizeof(vh) + total));
	ck_assert_int_eq(kern_tun_read(sv[0], &p, 1), 1);
	ck_assert_int_ne(p.drop, CODEC_OK);
	/* a plain fd has no offloads */
	ck_assert_int_eq(kern_tun_offload(sv[1]), -1);
}
END_TEST

static void drain(void)
{
	static uint8_t b[70000];

	while (recv(sv[1], b, sizeof(b), MSG_DONTWAIT) >= 0)
		;
}

/* Mutation: decrypted packets are the peer's bytes. 3000 deterministic corruptions of a
 * run (1–4 bytes anywhere, or a shorter length) and of GSO packets read from the TUN
 * (header fields and packet bytes): every packet is still written exactly once, and
 * cutting never reads or writes outside the buffers (ASan build). */
START_TEST(mutation)
{
	static uint8_t d[70000], in[KERN_TUN_GSO_BUF], out[KERN_TUN_GSO_BUF];
	unsigned seed = 4242, it, j, k;

	for (it = 0; it < 3000; it++) {
		struct virtio_net_hdr vh;
		struct kern_pkt p = { .buf = in, .cap = sizeof(in) };
		size_t len;

		stream(0, 8, 700, 1, 1);
		for (j = 0; j < 1 + it % 4; j++) {
			seed = seed * 1103515245u + 12345u;
			k = (seed >> 8) % 8;
			seed = seed * 1103515245u + 12345u;
			if (pk[k].len == 0)
				continue;
			if (seed % 5 == 0)
				pk[k].len = (seed >> 12) % pk[k].len;
			else
				seg[k][(seed >> 12) % pk[k].len] ^= (uint8_t)(1 + (seed >> 20) % 255);
		}
		ck_assert_int_eq(kern_tun_write_batch(sv[0], pk, 8), 8);
		drain();
		/* a GSO packet of the 8 segments' headers + payloads, then corrupted */
		memset(&vh, 0, sizeof(vh));
		vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
		vh.hdr_len = 52;
		vh.gso_size = 700;
		vh.csum_start = 20;
		vh.csum_offset = 16;
		stream(0, 8, 700, 1, 1);
		len = 52 + 8 * 700;
		memcpy(d, &vh, sizeof(vh));
		memcpy(d + sizeof(vh), seg[0], 52);
		for (j = 0; j < 8; j++)
			memcpy(d + sizeof(vh) + 52 + j * 700, seg[j] + 52, 700);
		put16(d + sizeof(vh) + 2, (unsigned)len);
		for (j = 0; j < 1 + it % 3; j++) {
			seed = seed * 1103515245u + 12345u;
			d[(seed >> 8) % (sizeof(vh) + 60)] ^= (uint8_t)(1 + (seed >> 20) % 255);
		}
		seed = seed * 1103515245u + 12345u;
		if (seed % 7 == 0)
			len = (seed >> 10) % len;
		ck_assert_int_eq(send(sv[1], d, sizeof(vh) + len, 0), (ssize_t)(sizeof(vh) + len));
		ck_assert_int_eq(kern_tun_read(sv[0], &p, 1), 1);
		if (p.drop == CODEC_OK && p.gso_size) {
			ssize_t n;

			for (k = 0; (n = kern_tso_segment(&p, k, out, sizeof(out))) > 0; k++)
				ck_assert_uint_le((size_t)n, p.len);
			ck_assert_int_eq(n, 0);
		}
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kern_gro");
	TCase *tc = tcase_create("vnet");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, merges_a_stream);
	tcase_add_test(tc, short_last_and_psh);
	tcase_add_test(tc, does_not_merge);
	tcase_add_test(tc, limits);
	tcase_add_test(tc, non_tcp_and_plain_fds);
	tcase_add_test(tc, read_and_write_framing);
	tcase_add_test(tc, tso_segments);
	tcase_add_test(tc, mutation);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
