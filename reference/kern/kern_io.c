/* kern_io.c — packet I/O on refgw's sockets and TUN, batched so the data path pays few
 * syscalls per packet: recvmmsg/sendmmsg (up to KERN_BATCH_MAX datagrams per call, each
 * with its own IP_PKTINFO), and TUN reads drained per wakeup. Plus the IPv4 header check
 * used on raw ESP input and on TUN packets (input from the network or from hosts behind
 * the gateway: refused headers are reported with a codec_reason, never trusted).
 *
 * The TUN that kern_linux opens carries a virtio-net header before each packet
 * (IFF_VNET_HDR); the header is what lets a bulk TCP stream cross the TUN in 64 KB
 * pieces instead of one syscall and one kernel pass per 1400-byte segment:
 *   - reads put the header aside (readv), so callers still see bare IPv4 at buf; with
 *     kern_tun_offload the kernel hands over whole TCP GSO packets (its TSO), which
 *     kern_tso_segment cuts into segments exactly as the kernel would have;
 *   - writes add a zero header; kern_tun_write_batch hands the kernel a run of
 *     consecutive TCP segments of one connection as one GSO packet — what the kernel's
 *     own GRO does on a NIC — so the decrypted stream is routed, filtered and delivered
 *     once per run.
 */
#include "kern.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "bufrd.h"
#include "kern_int.h"

/* --- TUN fds with virtio-net headers ----------------------------------------------------- */

#define KERN_VNET_FDS 4096
static uint8_t kern_vnet_fds[KERN_VNET_FDS / 8];

void kern_tun_vnet_mark(int fd, int on)
{
	if (fd < 0 || fd >= KERN_VNET_FDS)
		return;
	if (on)
		kern_vnet_fds[fd / 8] |= (uint8_t)(1u << (fd % 8));
	else
		kern_vnet_fds[fd / 8] &= (uint8_t)~(1u << (fd % 8));
}

static int tun_vnet(int fd)
{
	return fd >= 0 && fd < KERN_VNET_FDS && (kern_vnet_fds[fd / 8] >> (fd % 8) & 1);
}

/* The Internet checksum (RFC 1071) summed 8 bytes at a time in host order; folded, it is
 * the byte-swapped big-endian sum, so a result stored with a host-order 16-bit store is
 * right (RFC 1071 §2(B), byte-order independence). Regions must start at even offsets. */
static uint64_t csum_add64(uint64_t sum, const uint8_t *p, size_t len)
{
	uint64_t v;
	uint32_t w;
	uint16_t h;

	while (len >= 8) {
		memcpy(&v, p, 8);
		sum += v;
		sum += sum < v;
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		memcpy(&w, p, 4);
		sum += w;
		sum += sum < w;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&h, p, 2);
		sum += h;
		sum += sum < h;
		p += 2;
		len -= 2;
	}
	if (len) {              /* RFC 1071: an odd last byte is padded with a zero octet */
		uint8_t last[2] = { p[0], 0 };

		memcpy(&h, last, 2);
		sum += h;
		sum += sum < h;
	}
	return sum;
}

static uint16_t csum_fold64(uint64_t sum)
{
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20
#define TCP_CWR 0x80

static inline uint32_t rd32be(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A TCP GSO packet read from the TUN (TSO4, kern_tun_offload): IPv4 TCP, not a
 * fragment, headers inside, the partial checksum where TCP keeps it, a segment size
 * that makes at least one segment. CODEC_OK and *gso set, or a reason to drop it. */
static int vnet_gso_check(const uint8_t *pkt, size_t len, const struct kern_ipv4 *ip,
			  const struct virtio_net_hdr *h, uint16_t *gso)
{
	size_t thl;

	if ((h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) != VIRTIO_NET_HDR_GSO_TCPV4 || ip->proto != IPPROTO_TCP ||
	    (pkt[6] & 0x3f) || pkt[7] || h->gso_size == 0 || ip->hlen + 20 > len)
		return CODEC_BAD_LENGTH;
	thl = (size_t)(pkt[ip->hlen + 12] >> 4) * 4;
	if (thl < 20 || ip->hlen + thl > len || h->csum_start != ip->hlen || h->csum_offset != 16)
		return CODEC_BAD_LENGTH;
	*gso = h->gso_size;
	return CODEC_OK;
}

/* A virtio-net header asking for a checksum (CHECKSUM_PARTIAL) on a packet we read:
 * finish it, as the NIC would have, so the packet leaves through the tunnel complete. */
static int vnet_finish_csum(uint8_t *pkt, size_t len, const struct virtio_net_hdr *h)
{
	size_t start = h->csum_start, at = (size_t)h->csum_start + h->csum_offset;
	uint16_t ck;

	if (start >= len || at + 2 > len || (start & 1))
		return -1;
	ck = (uint16_t)~csum_fold64(csum_add64(0, pkt + start, len - start));
	memcpy(pkt + at, &ck, 2);
	return 0;
}

#define IPV4_MIN_HDR 20

int kern_ipv4_parse(const uint8_t *pkt, size_t len, struct kern_ipv4 *out)
{
	struct bufrd r;
	uint8_t vihl = 0;
	uint16_t tot = 0;

	memset(out, 0, sizeof(*out));
	if (len < IPV4_MIN_HDR)
		return CODEC_TRUNCATED;
	bufrd_init(&r, pkt, len);
	bufrd_u8(&r, &vihl);
	if (vihl >> 4 != 4)
		return CODEC_BAD_VERSION;
	/* RFC 791 §3.1: IHL counts 32-bit words, minimum 5; Total Length covers header and data */
	out->hlen = (size_t)(vihl & 0x0f) * 4;
	bufrd_skip(&r, 1);
	bufrd_u16(&r, &tot);
	bufrd_skip(&r, 5);              /* identification, flags/fragment offset, TTL */
	bufrd_u8(&r, &out->proto);
	bufrd_skip(&r, 2);              /* checksum: the kernel checked it on receive */
	bufrd_u32(&r, &out->src);
	bufrd_u32(&r, &out->dst);
	out->tot_len = tot;
	if (out->hlen < IPV4_MIN_HDR || tot < out->hlen)
		return CODEC_BAD_LENGTH;
	if (out->hlen > len || tot > len)
		return CODEC_TRUNCATED;
	return CODEC_OK;
}

/* Per-message storage for one recvmmsg/sendmmsg call. */
struct batch {
	struct mmsghdr mm[KERN_BATCH_MAX];
	struct iovec iov[KERN_BATCH_MAX];
	struct sockaddr_in peer[KERN_BATCH_MAX];
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} cm[KERN_BATCH_MAX];
};

static void local_from_cmsg(struct msghdr *mh, struct kern_pkt *p)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct in_pktinfo))) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			p->dst = ntohl(pi.ipi_addr.s_addr);     /* the header's destination: our address */
			p->ifindex = pi.ipi_ifindex;
		}
	}
}

int kern_udp_recv(int fd, struct kern_pkt *p, unsigned n)
{
	struct batch b;
	unsigned i;
	int got;

	if (n > KERN_BATCH_MAX)
		n = KERN_BATCH_MAX;
	if (n == 0)
		return 0;
	memset(b.mm, 0, n * sizeof(b.mm[0]));
	for (i = 0; i < n; i++) {
		struct msghdr *mh = &b.mm[i].msg_hdr;

		b.iov[i].iov_base = p[i].buf;
		b.iov[i].iov_len = p[i].cap;
		mh->msg_iov = &b.iov[i];
		mh->msg_iovlen = 1;
		mh->msg_name = &b.peer[i];
		mh->msg_namelen = sizeof(b.peer[i]);
		mh->msg_control = b.cm[i].buf;
		mh->msg_controllen = sizeof(b.cm[i].buf);
	}
	got = recvmmsg(fd, b.mm, n, MSG_DONTWAIT, NULL);
	if (got < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
	for (i = 0; i < (unsigned)got; i++) {
		struct msghdr *mh = &b.mm[i].msg_hdr;
		struct kern_pkt *q = &p[i];

		q->len = b.mm[i].msg_len;
		q->off = 0;
		q->src = q->dst = 0;
		q->sport = q->dport = 0;
		q->ifindex = 0;
		q->drop = CODEC_OK;
		q->gso_size = 0;
		if (mh->msg_namelen >= sizeof(struct sockaddr_in) && b.peer[i].sin_family == AF_INET) {
			q->src = ntohl(b.peer[i].sin_addr.s_addr);
			q->sport = ntohs(b.peer[i].sin_port);
		}
		local_from_cmsg(mh, q);
		if (mh->msg_flags & MSG_TRUNC)
			q->drop = CODEC_TRUNCATED;      /* larger than the buffer: never half a packet */
	}
	return got;
}

int kern_esp_recv(int fd, struct kern_pkt *p, unsigned n)
{
	int got = kern_udp_recv(fd, p, n), i;

	for (i = 0; i < got; i++) {
		struct kern_ipv4 ip;

		if (p[i].drop)
			continue;
		/* A raw IPv4 socket delivers the IP header with the payload. */
		p[i].drop = kern_ipv4_parse(p[i].buf, p[i].len, &ip);
		if (p[i].drop)
			continue;
		p[i].src = ip.src;
		p[i].dst = ip.dst;
		p[i].off = ip.hlen;
		p[i].len = ip.tot_len - ip.hlen;
	}
	return got;
}

int kern_send(int fd, const struct kern_pkt *p, unsigned n)
{
	struct batch b;
	unsigned i, done = 0, sent = 0;

	if (n > KERN_BATCH_MAX)
		n = KERN_BATCH_MAX;
	memset(b.mm, 0, n * sizeof(b.mm[0]));
	for (i = 0; i < n; i++) {
		struct msghdr *mh = &b.mm[i].msg_hdr;

		b.iov[i].iov_base = p[i].buf;
		b.iov[i].iov_len = p[i].len;
		memset(&b.peer[i], 0, sizeof(b.peer[i]));
		b.peer[i].sin_family = AF_INET;
		b.peer[i].sin_port = htons(p[i].dport);   /* raw sockets: ignored */
		b.peer[i].sin_addr.s_addr = htonl(p[i].dst);
		mh->msg_iov = &b.iov[i];
		mh->msg_iovlen = 1;
		if (p[i].dst) {         /* 0: the socket's connected peer */
			mh->msg_name = &b.peer[i];
			mh->msg_namelen = sizeof(b.peer[i]);
		}
		if (p[i].src) {
			struct cmsghdr *c;
			struct in_pktinfo pi;

			memset(b.cm[i].buf, 0, sizeof(b.cm[i].buf));
			mh->msg_control = b.cm[i].buf;
			mh->msg_controllen = sizeof(b.cm[i].buf);
			c = CMSG_FIRSTHDR(mh);
			c->cmsg_level = IPPROTO_IP;
			c->cmsg_type = IP_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(pi));
			memset(&pi, 0, sizeof(pi));
			pi.ipi_spec_dst.s_addr = htonl(p[i].src);    /* source address of the packet */
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		}
	}
	while (done < n) {
		int r = sendmmsg(fd, b.mm + done, n - done, MSG_DONTWAIT);

		if (r > 0) {
			done += (unsigned)r;
			sent += (unsigned)r;
		} else if (r < 0 && errno == EINTR) {
			continue;
		} else if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) {
			break;          /* queue full: the rest is dropped, as a router would */
		} else {
			done++;         /* this one was refused (no route, too big): skip it */
		}
	}
	return sent || n == 0 ? (int)sent : -1;
}

int kern_tun_read(int fd, struct kern_pkt *p, unsigned n)
{
	int vnet = tun_vnet(fd);
	unsigned i;

	for (i = 0; i < n; i++) {
		struct virtio_net_hdr vh;
		struct iovec iov[2] = { { &vh, sizeof(vh) }, { p[i].buf, p[i].cap } };
		ssize_t r = vnet ? readv(fd, iov, 2) : read(fd, p[i].buf, p[i].cap);
		struct kern_ipv4 ip;

		if (r < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				break;
			return i ? (int)i : -1;
		}
		if (vnet)
			r = r >= (ssize_t)sizeof(vh) ? r - (ssize_t)sizeof(vh) : 0;
		p[i].len = (size_t)r;
		p[i].off = 0;
		p[i].sport = p[i].dport = 0;
		p[i].ifindex = 0;
		p[i].gso_size = 0;
		p[i].drop = kern_ipv4_parse(p[i].buf, (size_t)r, &ip);
		p[i].src = ip.src;
		p[i].dst = ip.dst;
		if (p[i].drop == CODEC_OK)
			p[i].len = ip.tot_len;
		if (!vnet || p[i].drop != CODEC_OK)
			continue;
		/* offloads (kern_tun_offload): a TCP GSO packet is kept whole for
		 * kern_tso_segment, which computes every segment's checksum; a lone packet
		 * with a partial checksum gets it finished here */
		if (vh.gso_type != VIRTIO_NET_HDR_GSO_NONE)
			p[i].drop = vnet_gso_check(p[i].buf, p[i].len, &ip, &vh, &p[i].gso_size);
		else if ((vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) && vnet_finish_csum(p[i].buf, p[i].len, &vh) < 0)
			p[i].drop = CODEC_BAD_LENGTH;
	}
	return (int)i;
}

int kern_tun_offload(int fd)
{
	if (!tun_vnet(fd)) {
		errno = EOPNOTSUPP;
		return -1;
	}
	return ioctl(fd, TUNSETOFFLOAD, (unsigned long)(TUN_F_CSUM | TUN_F_TSO4));
}

ssize_t kern_tso_segment(const struct kern_pkt *p, unsigned k, uint8_t *out, size_t cap)
{
	const uint8_t *ip = p->buf + p->off;
	size_t iphl = (size_t)(ip[0] & 15) * 4, thl = p->len > iphl + 12 ? (size_t)(ip[iphl + 12] >> 4) * 4 : 0;
	size_t hl = iphl + thl, pay = p->len - hl, off = (size_t)k * p->gso_size, seg, tot;
	uint8_t pseudo[12], *th = out + iphl;
	uint16_t ck, id;
	uint32_t seq;

	if (iphl < 20 || thl < 20 || p->len < hl || !p->gso_size)   /* not one kern_tun_read checked */
		return -1;
	if (off >= pay)
		return 0;
	seg = pay - off < p->gso_size ? pay - off : p->gso_size;
	tot = hl + seg;
	if (tot > cap)
		return -1;
	memcpy(out, ip, hl);
	memcpy(out + hl, ip + hl + off, seg);
	/* RFC 791: each segment is a datagram of its own, the next identification */
	out[2] = (uint8_t)(tot >> 8);
	out[3] = (uint8_t)tot;
	id = (uint16_t)((ip[4] << 8 | ip[5]) + k);
	out[4] = (uint8_t)(id >> 8);
	out[5] = (uint8_t)id;
	out[10] = out[11] = 0;
	ck = (uint16_t)~csum_fold64(csum_add64(0, out, iphl));
	memcpy(out + 10, &ck, 2);
	/* RFC 793: the sequence number of the segment's first octet; FIN and PSH belong to
	 * the last segment, CWR (RFC 3168 §6.1.2) to the first */
	seq = rd32be(ip + iphl + 4) + (uint32_t)off;
	th[4] = (uint8_t)(seq >> 24);
	th[5] = (uint8_t)(seq >> 16);
	th[6] = (uint8_t)(seq >> 8);
	th[7] = (uint8_t)seq;
	if (off + seg < pay)
		th[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
	if (k)
		th[13] &= (uint8_t)~TCP_CWR;
	th[16] = th[17] = 0;
	memcpy(pseudo, out + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	pseudo[10] = (uint8_t)((thl + seg) >> 8);
	pseudo[11] = (uint8_t)(thl + seg);
	ck = (uint16_t)~csum_fold64(csum_add64(csum_add64(0, pseudo, 12), th, thl + seg));
	memcpy(th + 16, &ck, 2);
	return (ssize_t)tot;
}

int kern_tun_write(int fd, const void *pkt, size_t len)
{
	struct virtio_net_hdr vh;
	struct iovec iov[2] = { { &vh, sizeof(vh) }, { (void *)pkt, len } };
	ssize_t r;

	if (!tun_vnet(fd)) {
		r = write(fd, pkt, len);
		return r == (ssize_t)len ? 0 : -1;
	}
	memset(&vh, 0, sizeof(vh));             /* no GSO, checksums complete */
	r = writev(fd, iov, 2);
	return r == (ssize_t)(sizeof(vh) + len) ? 0 : -1;
}

/* --- coalescing TCP segments into GSO packets (receive offload in userspace) ------------- */

#define GRO_MAX_SEGS 64
#define GRO_MAX_LEN  65535          /* an IPv4 total length */

/* One TCP segment that may join a run: IPv4 without options and not a fragment, a valid
 * TCP checksum, payload > 0. */
struct gro_seg {
	const uint8_t *ip;
	size_t len, thl, plen;          /* packet, TCP header and payload lengths */
	uint32_t seq;
	uint16_t id;
	uint8_t flags;
};

static int gro_parse(const uint8_t *ip, size_t len, struct gro_seg *s)
{
	uint8_t pseudo[12];
	size_t thl;

	if (len < 40 || ip[0] != 0x45 || ip[9] != IPPROTO_TCP || ((size_t)ip[2] << 8 | ip[3]) != len ||
	    (ip[6] & 0x3f) || ip[7])    /* MF or a fragment offset */
		return -1;
	thl = (size_t)(ip[32] >> 4) * 4;
	if (thl < 20 || 20 + thl >= len)
		return -1;
	/* RFC 793 §3.1: the checksum covers a pseudo header and the segment. A segment that
	 * fails it is not merged (the GSO packet would be taken as checksummed): it goes on
	 * alone, for the receiver to drop as it would have. */
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	pseudo[10] = (uint8_t)((len - 20) >> 8);
	pseudo[11] = (uint8_t)(len - 20);
	if (csum_fold64(csum_add64(csum_add64(0, pseudo, 12), ip + 20, len - 20)) != 0xffff)
		return -1;
	s->ip = ip;
	s->len = len;
	s->thl = thl;
	s->plen = len - 20 - thl;
	s->seq = rd32be(ip + 24);
	s->id = (uint16_t)(ip[4] << 8 | ip[5]);
	s->flags = ip[33];
	return 0;
}

/* Can q follow the run that starts at h and ends at last (k segments so far, total IP
 * length tot)? The rules of the kernel's tcp_gro_receive/inet_gro_receive: same
 * addresses, TOS, TTL, DF, IP IDs counting up, same ports, ACK number, flags (PSH/FIN
 * only on the last), options and window; in sequence; every segment but the last of the
 * first one's size. */
static int gro_follows(const struct gro_seg *h, const struct gro_seg *last, const struct gro_seg *q, unsigned k,
		       size_t tot)
{
	const uint8_t *a = h->ip, *b = q->ip;

	return k < GRO_MAX_SEGS && tot + q->plen <= GRO_MAX_LEN && last->plen == h->plen && q->plen <= h->plen &&
	       !(last->flags & (TCP_PSH | TCP_FIN)) && q->thl == h->thl && q->seq == last->seq + (uint32_t)last->plen &&
	       q->id == (uint16_t)(h->id + k) && a[1] == b[1] && a[6] == b[6] && a[8] == b[8] &&
	       !memcmp(a + 12, b + 12, 8) &&                      /* addresses */
	       !memcmp(a + 20, b + 20, 4) &&                      /* ports */
	       !memcmp(a + 28, b + 28, 4) &&                      /* acknowledgment number */
	       a[32] == b[32] && (a[33] & ~(TCP_PSH | TCP_FIN)) == (b[33] & ~(TCP_PSH | TCP_FIN)) &&
	       !memcmp(a + 34, b + 34, 2) &&                      /* window */
	       !memcmp(a + 40, b + 40, h->thl - 20);              /* options (timestamps included) */
}

/* Write segs[0..n) (n >= 2, a run gro_follows accepted) as one GSO packet: the first
 * segment's headers with the total length, PSH/FIN of the last, and the TCP checksum
 * left partial for the kernel (virtio-net NEEDS_CSUM), then every payload. */
static int gro_write(int fd, const struct gro_seg *segs, unsigned n)
{
	struct iovec iov[2 + GRO_MAX_SEGS];
	struct virtio_net_hdr vh;
	uint8_t hdr[80], pseudo[12];
	size_t hl = 20 + segs[0].thl, tot = hl, want;
	uint16_t ck;
	unsigned i;

	for (i = 0; i < n; i++)
		tot += segs[i].plen;
	memcpy(hdr, segs[0].ip, hl);
	hdr[2] = (uint8_t)(tot >> 8);
	hdr[3] = (uint8_t)tot;
	hdr[10] = hdr[11] = 0;
	ck = (uint16_t)~csum_fold64(csum_add64(0, hdr, 20));
	memcpy(hdr + 10, &ck, 2);
	hdr[33] |= segs[n - 1].flags & (TCP_PSH | TCP_FIN);
	/* CHECKSUM_PARTIAL: the field holds the pseudo-header sum, uncomplemented */
	memcpy(pseudo, hdr + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	pseudo[10] = (uint8_t)((tot - 20) >> 8);
	pseudo[11] = (uint8_t)(tot - 20);
	ck = csum_fold64(csum_add64(0, pseudo, 12));
	memcpy(hdr + 36, &ck, 2);
	memset(&vh, 0, sizeof(vh));
	vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	vh.hdr_len = (uint16_t)hl;
	vh.gso_size = (uint16_t)segs[0].plen;
	vh.csum_start = 20;
	vh.csum_offset = 16;
	iov[0] = (struct iovec){ &vh, sizeof(vh) };
	iov[1] = (struct iovec){ hdr, hl };
	for (i = 0; i < n; i++)
		iov[2 + i] = (struct iovec){ (void *)(segs[i].ip + hl), segs[i].plen };
	want = sizeof(vh) + tot;
	return writev(fd, iov, (int)(2 + n)) == (ssize_t)want ? 0 : -1;
}

int kern_tun_write_batch(int fd, const struct kern_pkt *p, unsigned n)
{
	struct gro_seg segs[GRO_MAX_SEGS];
	unsigned i = 0, ok = 0;

	if (!tun_vnet(fd)) {
		for (i = 0; i < n; i++)
			ok += kern_tun_write(fd, p[i].buf, p[i].len) == 0;
		return (int)ok;
	}
	while (i < n) {
		unsigned k = 0;
		size_t tot = 0;

		/* the longest run from p[i] on */
		if (gro_parse(p[i].buf, p[i].len, &segs[0]) == 0 && segs[0].plen > 0) {
			tot = segs[0].len;
			for (k = 1; i + k < n && k < GRO_MAX_SEGS; k++) {
				if (gro_parse(p[i + k].buf, p[i + k].len, &segs[k]) < 0 ||
				    !gro_follows(&segs[0], &segs[k - 1], &segs[k], k, tot))
					break;
				tot += segs[k].plen;
			}
		}
		if (k >= 2) {
			if (gro_write(fd, segs, k) == 0)
				ok += k;
			i += k;
		} else {
			ok += kern_tun_write(fd, p[i].buf, p[i].len) == 0;
			i++;
		}
	}
	return (int)ok;
}
