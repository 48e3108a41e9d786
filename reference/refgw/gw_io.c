/* gw_io.c — refgw's sockets and what arrives on them.
 *
 *   UDP 500   IKE (RFC 2408)
 *   UDP 4500  NAT-T (RFC 3947/3948): a 4-octet zero marker then IKE, a single 0xFF
 *             NAT-keepalive, or ESP
 *   raw 50    ESP (the kernel hands protocol 50 to raw sockets since it has no ESP)
 *   TUN       clear packets the kernel steered to us (crypto ACL) and decrypted ones back
 *
 * Sockets are bound to INADDR_ANY with IP_PKTINFO, so the local address a message was
 * sent to is known (the engine answers from it) and replies leave from the address IKE
 * chose (an interface address or, later, a virtual one).
 */
#include "gw.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "esp.h"

void gw_send_ike(struct gw *g, const struct ike_endpoint *local, const struct ike_endpoint *remote,
		 const uint8_t *msg, size_t len)
{
	static uint8_t buf[GW_PKT_MAX];
	int natt = local->port == 4500 || remote->port == 4500;
	struct kern_pkt p = { .buf = buf, .src = local->addr, .dst = remote->addr,
			      .dport = remote->port ? remote->port : 500 };

	if (len + 4 > sizeof(buf))
		return;
	if (natt) {             /* RFC 3948 §2.2: the non-ESP marker before IKE on port 4500 */
		memset(buf, 0, 4);
		memcpy(buf + 4, msg, len);
		p.len = len + 4;
	} else {
		memcpy(buf, msg, len);
		p.len = len;
	}
	if (kern_send(natt ? g->udp4500 : g->udp500, &p, 1) != 1) {
		gw_log_drop(g, 50, "ISAKMP: sending to %s:%u failed: %s", gw_ip(remote->addr), p.dport,
			    strerror(errno));
		g->drops[GW_DROP_SEND]++;
		return;
	}
	g->ike_tx++;
}

static void ike_in(struct gw *g, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, const uint8_t *m,
		   size_t len)
{
	struct ike_endpoint local = { dst, dport }, remote = { src, sport };

	g->ike_rx++;
	if (!gw_redund_local_allowed(g, dst)) {
		/* crypto map … redundancy: only the Active/Master answers (seed 001) */
		g->drops[GW_DROP_NOT_ACTIVE]++;
		gw_log_drop(g, 44, "ISAKMP: packet from %s to %s dropped: not Active for that virtual address",
			    gw_ip(src), gw_ip(dst));
		return;
	}
	ike_input(g->ike, loop_now_ms(g->loop), &local, &remote, m, len);
	gw_ike_schedule(g);
}

static void udp500_readable(void *arg, int fd, uint32_t ev)
{
	struct gw *g = arg;
	int i;

	(void)ev;
	for (i = 0; i < 32; i++) {
		struct kern_pkt p = { .buf = g->pkt, .cap = GW_PKT_MAX };

		if (kern_udp_recv(fd, &p, 1) != 1)
			break;
		if (p.drop) {
			g->drops[GW_DROP_SHORT]++;
			continue;
		}
		ike_in(g, p.src, p.sport, p.dst, 500, p.buf + p.off, p.len);
	}
}

/* UDP 4500 carries IKE behind a zero marker, NAT-keepalives and ESP (RFC 3948 §2) */
void gw_udp4500_packet(struct gw *g, const struct kern_pkt *p)
{
	enum udp4500_kind kind;
	const uint8_t *inner;
	size_t inner_len;
	struct codec_err cerr;

	if (p->drop || udp4500_classify(p->buf + p->off, p->len, &kind, &inner, &inner_len, &cerr) < 0) {
		g->drops[GW_DROP_SHORT]++;
		return;
	}
	if (kind == UDP4500_KEEPALIVE)
		g->natt_keepalives++;
	else if (kind == UDP4500_IKE)
		ike_in(g, p->src, p->sport, p->dst, 4500, inner, inner_len);
	else
		gw_dp_esp_input(g, p->src, p->dst, p->buf + p->off, p->len);
}

static void udp4500_readable(void *arg, int fd, uint32_t ev)
{
	(void)ev;
	gw_dp_esp_readable(arg, fd, 1);
}

static void esp_readable(void *arg, int fd, uint32_t ev)
{
	(void)ev;
	gw_dp_esp_readable(arg, fd, 0);
}

static void tun_readable(void *arg, int fd, uint32_t ev)
{
	(void)fd;
	(void)ev;
	gw_dp_tun_readable(arg);
}

static void ctl_readable(void *arg, int fd, uint32_t ev)
{
	struct gw *g = arg;

	(void)fd;
	(void)ev;
	ctl_server_serve(g->ctl, gw_ctl_handle, g);
}

int gw_io_open(struct gw *g, char *err, size_t errlen)
{
	void *k = g->kern->k;
	int ifindex = 0;

	g->udp500 = g->kern->udp_socket(k, 0, 500, err, errlen);
	if (g->udp500 < 0)
		return -1;
	g->udp4500 = g->kern->udp_socket(k, 0, 4500, err, errlen);
	if (g->udp4500 < 0)
		return -1;
	g->esp_raw = g->kern->esp_socket(k, err, errlen);
	if (g->esp_raw < 0)
		return -1;
	g->tun_fd = g->kern->tun_open(k, GW_TUN_NAME, GW_TUN_MTU, &ifindex, err, errlen);
	if (g->tun_fd < 0)
		return -1;
	/* TUN reads take whole TCP GSO packets where the kernel offers them (kern_tun_offload:
	 * one read per up to 64 KB of a stream, cut into segments in gw_dp.c) */
	g->tunbuf = malloc((size_t)GW_TUN_BATCH * KERN_TUN_GSO_BUF);
	if (!g->tunbuf) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	kern_tun_offload(g->tun_fd);            /* the mock's TUN cannot: one segment per read */
	g->ctl = ctl_listen(NULL, err, errlen);
	if (!g->ctl)
		return -1;
	if (loop_fd_add(g->loop, g->udp500, EPOLLIN, udp500_readable, g) < 0 ||
	    loop_fd_add(g->loop, g->udp4500, EPOLLIN, udp4500_readable, g) < 0 ||
	    loop_fd_add(g->loop, g->esp_raw, EPOLLIN, esp_readable, g) < 0 ||
	    loop_fd_add(g->loop, g->tun_fd, EPOLLIN, tun_readable, g) < 0 ||
	    loop_fd_add(g->loop, ctl_server_fd(g->ctl), EPOLLIN, ctl_readable, g) < 0) {
		snprintf(err, errlen, "event loop: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void gw_io_close(struct gw *g)
{
	int *fds[] = { &g->udp500, &g->udp4500, &g->esp_raw, &g->tun_fd };
	unsigned i;

	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0) {
			loop_fd_del(g->loop, *fds[i]);
			close(*fds[i]);
			*fds[i] = -1;
		}
	free(g->tunbuf);
	g->tunbuf = NULL;
	if (g->ctl) {
		loop_fd_del(g->loop, ctl_server_fd(g->ctl));
		ctl_server_close(g->ctl);
		g->ctl = NULL;
	}
}
