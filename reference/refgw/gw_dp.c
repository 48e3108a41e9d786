/* gw_dp.c — refgw's ESP data plane (RFC 4301 §5 processing, userspace).
 *
 * Outbound: the kernel routes every packet that matches a crypto ACL into the TUN device
 * (nftables mark + policy rule, kern/), a TCP stream as GSO packets of up to 64 KB that
 * are cut into MTU-sized segments here (kern_tso_segment), one TUN read for many
 * segments. Each packet is matched to its ACL line (a flow); with
 * an SA it is encapsulated (esp/) and sent on raw protocol 50 or UDP 4500; without one
 * the IKE engine is asked to negotiate and the packet is dropped — the `.` of the
 * documents' `.!!!!`.
 * An unknown SPI is IOS's %CRYPTO-4-RECVD_PKT_INV_SPI: dropped, logged, and the IKE
 * engine tells the sender (INVALID-SPI notify, with invalid-spi-recovery even without
 * an IKE SA) or the log says there is no IKE SA to do it with (seed 003).
 * Inbound: ESP from the raw socket or UDP 4500 is looked up by SPI, authenticated,
 * replay-checked and decrypted (esp/), the inner packet is checked against the SA's
 * selectors (RFC 4301 §5.2) and written into the TUN for the kernel to forward — per
 * received batch, so that consecutive TCP segments go in as one GSO packet
 * (kern_tun_write_batch): the kernel then routes and delivers them once.
 */
#include "gw.h"

#include <string.h>

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline int in_prefix(uint32_t a, uint32_t net, uint8_t plen)
{
	uint32_t mask = gw_plen_mask(plen);

	return (a & mask) == (net & mask);
}

static int sel_match(const struct ike_selector *s, uint32_t src, uint32_t dst, uint8_t proto)
{
	return in_prefix(src, s->src, s->src_plen) && in_prefix(dst, s->dst, s->dst_plen) &&
	       (s->proto == 0 || s->proto == proto);
}

struct gw_flow *gw_flow_lookup(struct gw *g, uint32_t src, uint32_t dst, uint8_t proto)
{
	unsigned i;

	if (g->flow_hint < g->nflows && sel_match(&g->flows[g->flow_hint].s, src, dst, proto))
		return &g->flows[g->flow_hint];
	for (i = 0; i < g->nflows; i++)
		if (sel_match(&g->flows[i].s, src, dst, proto)) {
			g->flow_hint = i;
			return &g->flows[i];
		}
	return NULL;
}

/* Traffic is reported to the IKE engine (volume lifetimes, DPD's "something came in")
 * once per batch and SA, not once per packet. */
static void dp_note(struct gw *g, struct gw_child *ch, size_t in, size_t out)
{
	ch->pend_in += in;
	ch->pend_out += out;
	if (!ch->dirty) {
		ch->dirty = 1;
		g->dirty[g->ndirty++] = ch;
	}
}

static void dp_account(struct gw *g)
{
	static struct { uint32_t spi; uint64_t in, out; } rep[GW_MAX_CHILDREN];
	unsigned i, n = g->ndirty;

	if (!n)
		return;
	/* take the list first: the engine may expire an SA from these calls (child_down) */
	for (i = 0; i < n; i++) {
		struct gw_child *ch = g->dirty[i];

		rep[i].spi = ch->c.spi_in;
		rep[i].in = ch->pend_in;
		rep[i].out = ch->pend_out;
		ch->pend_in = ch->pend_out = 0;
		ch->dirty = 0;
	}
	g->ndirty = 0;
	for (i = 0; i < n; i++) {
		if (rep[i].in)
			ike_child_inbound(g->ike, g->batch_now, rep[i].spi, (size_t)rep[i].in);
		if (rep[i].out)
			ike_child_outbound(g->ike, g->batch_now, rep[i].spi, (size_t)rep[i].out);
	}
	gw_ike_schedule(g);
}

void gw_dp_forget(struct gw *g, struct gw_child *ch)
{
	unsigned i;

	if (g->in_hint == ch)
		g->in_hint = NULL;
	for (i = 0; i < g->ndirty; i++)
		if (g->dirty[i] == ch) {
			g->dirty[i] = g->dirty[--g->ndirty];
			break;
		}
}

/* One flow per crypto-ACL permit line of every crypto map entry, in IOS order. */
void gw_flows_rebuild(struct gw *g)
{
	unsigned c, s, i;

	for (i = 0; i < GW_MAX_CHILDREN; i++)
		g->children[i].flow = NULL;
	g->nflows = 0;
	for (c = 0; c < g->ike_cfg.nconns; c++)
		for (s = 0; s < g->ike_cfg.conns[c].nsel && g->nflows < GW_MAX_FLOWS; s++) {
			struct gw_flow *f = &g->flows[g->nflows++];

			memset(f, 0, sizeof(*f));
			f->conn = c;
			f->sel = s;
			f->s = g->ike_cfg.conns[c].sel[s];
		}
	/* re-attach installed children to their flows */
	for (i = 0; i < GW_MAX_CHILDREN; i++) {
		struct gw_child *ch = &g->children[i];
		unsigned k;

		if (!ch->used)
			continue;
		for (k = 0; k < g->nflows; k++)
			if (g->flows[k].conn == ch->c.conn_index && g->flows[k].sel == ch->c.sel_index) {
				ch->flow = &g->flows[k];
				if (!g->flows[k].out || g->flows[k].out->created_ms <= ch->created_ms)
					g->flows[k].out = ch;
			}
	}
	/* the crypto maps as they are now: coupling to HSRP/VRRP, SA-less RRI routes */
	gw_redund_sync(g);
}

/* Encapsulate one clear packet into tx slot `slot`; returns 1 if queued on raw ESP, 2 on
 * UDP 4500, 0 if dropped. */
static int dp_outbound(struct gw *g, const uint8_t *pkt, size_t len, uint8_t *out, struct kern_pkt *tx)
{
	struct gw_flow *f;
	struct gw_child *ch;
	ssize_t n;

	if (len < 20 || (pkt[0] >> 4) != 4) {
		g->drops[GW_DROP_NOT_IPV4]++;
		return 0;
	}
	f = gw_flow_lookup(g, rd32(pkt + 12), rd32(pkt + 16), pkt[9]);
	if (!f) {
		g->drops[GW_DROP_NO_FLOW]++;
		return 0;
	}
	ch = f->out;
	if (!ch && !gw_redund_allowed(g, f->conn)) {
		/* crypto map … redundancy: only the Active/Master negotiates (seed 001) */
		g->drops[GW_DROP_NOT_ACTIVE]++;
		gw_log_drop(g, 42, "IPSEC: %s -> %s matches crypto map %s %u, not Active for its redundancy group: "
			    "dropped, no negotiation", gw_ip(rd32(pkt + 12)), gw_ip(rd32(pkt + 16)),
			    g->ike_cfg.conns[f->conn].map, g->ike_cfg.conns[f->conn].seq);
		return 0;
	}
	if (!ch) {
		uint64_t now = loop_now_ms(g->loop);

		g->drops[GW_DROP_NO_SA]++;
		/* RFC 4301 §5.1: no SA for a PROTECT flow → ask IKE, drop the packet */
		if (!f->acquired_ms || now - f->acquired_ms >= 1000) {
			f->acquired_ms = now ? now : 1;
			gw_log(g, "IPSEC(sa_request): , (key eng. msg.) OUTBOUND local= %s, remote= %s, "
			       "local_proxy= %s/%u/%u/0, remote_proxy= %s/%u/%u/0",
			       gw_ip(g->ike_cfg.conns[f->conn].local_addr),
			       gw_ip(g->ike_cfg.conns[f->conn].npeers ? g->ike_cfg.conns[f->conn].peers[0] : 0),
			       gw_ip(f->s.src), f->s.src_plen, f->s.proto, gw_ip(f->s.dst), f->s.dst_plen,
			       f->s.proto);
			ike_acquire(g->ike, now, f->conn, f->sel);
			gw_ike_schedule(g);
		}
		return 0;
	}
	ch->last_out_ms = g->batch_now;
	dp_note(g, ch, 0, len);
	n = esp_encap(ch->out, pkt, len, out, GW_BUF);
	if (n < 0)
		return 0;               /* counted by esp/ (sequence exhausted …) */
	*tx = (struct kern_pkt){ .buf = out, .len = (size_t)n, .src = ch->c.local.addr, .dst = ch->c.remote.addr };
	if (ch->c.remote.port) {        /* RFC 3948 §2.1: ESP right after the UDP header, to the
					   port the peer's IKE came from (a NAT may map 4500) */
		tx->dport = ch->c.remote.port;
		return 2;
	}
	return 1;
}

static void dp_flush(struct gw *g, int fd, struct kern_pkt *p, unsigned n)
{
	int sent;

	if (!n)
		return;
	sent = kern_send(fd, p, n);
	if (sent < (int)n)
		g->drops[GW_DROP_SEND] += n - (unsigned)(sent < 0 ? 0 : sent);
}

void gw_dp_tun_readable(struct gw *g)
{
	int round;

	g->batch_now = loop_now_ms(g->loop);
	/* bounded rounds per wakeup so IKE and control traffic are never starved */
	for (round = 0; round < 4; round++) {
		unsigned nraw = 0, nudp = 0, i;
		int n;

		for (i = 0; i < GW_TUN_BATCH; i++)
			g->tun_rx[i] = (struct kern_pkt){ .buf = g->tunbuf + (size_t)i * KERN_TUN_GSO_BUF,
							  .cap = KERN_TUN_GSO_BUF };
		n = kern_tun_read(g->tun_fd, g->tun_rx, GW_TUN_BATCH);
		if (n <= 0)
			break;
		for (i = 0; i < (unsigned)n; i++) {
			struct kern_pkt *p = &g->tun_rx[i];
			unsigned k;

			if (p->drop) {
				g->drops[GW_DROP_NOT_IPV4]++;
				continue;
			}
			/* a TCP GSO packet (kern_tun_offload) is cut into the segments the kernel
			 * would have sent; each one is its own ESP packet */
			for (k = 0; p->gso_size || k == 0; k++) {
				const uint8_t *pkt = p->buf + p->off;
				size_t len = p->len;
				struct kern_pkt tx;
				int q;

				if (p->gso_size) {
					ssize_t sl = kern_tso_segment(p, k, g->pkt, GW_PKT_MAX);

					if (sl <= 0)
						break;
					pkt = g->pkt;
					len = (size_t)sl;
				}
				if (nraw + nudp == GW_BATCH) {          /* every tx slot in use */
					dp_flush(g, g->esp_raw, g->tx_raw, nraw);
					dp_flush(g, g->udp4500, g->tx_udp, nudp);
					nraw = nudp = 0;
				}
				q = dp_outbound(g, pkt, len, g->txbuf + (size_t)(nraw + nudp) * GW_BUF, &tx);
				if (q == 1)
					g->tx_raw[nraw++] = tx;
				else if (q == 2)
					g->tx_udp[nudp++] = tx;
			}
		}
		dp_flush(g, g->esp_raw, g->tx_raw, nraw);
		dp_flush(g, g->udp4500, g->tx_udp, nudp);
		if (n < GW_TUN_BATCH)
			break;
	}
	dp_account(g);
}

void gw_dp_esp_readable(struct gw *g, int fd, int udp)
{
	int round;

	g->batch_now = loop_now_ms(g->loop);
	for (round = 0; round < 4; round++) {
		unsigned i;
		int n;

		for (i = 0; i < GW_BATCH; i++)
			g->rx[i] = (struct kern_pkt){ .buf = g->rxbuf + (size_t)i * GW_BUF, .cap = GW_BUF };
		n = udp ? kern_udp_recv(fd, g->rx, GW_BATCH) : kern_esp_recv(fd, g->rx, GW_BATCH);
		if (n <= 0)
			break;
		for (i = 0; i < (unsigned)n; i++) {
			if (udp)
				gw_udp4500_packet(g, &g->rx[i]);
			else if (g->rx[i].drop)
				g->drops[GW_DROP_SHORT]++;
			else
				gw_dp_esp_input(g, g->rx[i].src, g->rx[i].dst, g->rx[i].buf + g->rx[i].off,
						g->rx[i].len);
		}
		gw_dp_tun_flush(g);
		if (n < GW_BATCH)
			break;
	}
	dp_account(g);
}

static struct gw_child *child_by_in(struct gw *g, const struct esp_sa *sa)
{
	unsigned i;

	if (g->in_hint && g->in_hint->in == sa)     /* a batch is mostly one SA */
		return g->in_hint;
	for (i = 0; i < GW_MAX_CHILDREN; i++)
		if (g->children[i].used && g->children[i].in == sa)
			return g->in_hint = &g->children[i];
	return NULL;
}

void gw_dp_tun_flush(struct gw *g)
{
	int ok;

	if (!g->ntun_out)
		return;
	ok = kern_tun_write_batch(g->tun_fd, g->tun_out, g->ntun_out);
	if (ok < (int)g->ntun_out)
		g->drops[GW_DROP_TUN_WRITE] += g->ntun_out - (unsigned)(ok < 0 ? 0 : ok);
	g->ntun_out = 0;
}

/* ESP with an SPI no inbound SA has (RFC 4303 §3.4.2: discard, an auditable event).
 * Both lines at most once a second; the engine rate-limits its notifies itself. */
static void dp_invalid_spi(struct gw *g, uint32_t src, uint32_t dst, uint32_t spi)
{
	enum ike_invalid_spi_result r;

	gw_log_drop(g, 1, "%%CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for "
		    "destaddr=%s, prot=50, spi=0x%08X(%u), srcaddr=%s", gw_ip(dst), spi, spi, gw_ip(src));
	/* RFC 4303 §2.1: 1..255 are reserved and 0 is never sent: no IKE ever assigned one,
	 * nobody to tell */
	if (spi < 256)
		return;
	r = ike_invalid_spi(g->ike, g->batch_now, dst, src, spi);
	/* seed 003: "Receive invalid SPI message from IPsec, but no IKE SA exists." */
	if (r == IKE_INVALID_SPI_NO_IKE_SA)
		gw_log_drop(g, 41, "IPSEC: invalid SPI 0x%08X from %s, but no IKE SA exists: packet dropped", spi,
			    gw_ip(src));
	else if (r == IKE_INVALID_SPI_NEGOTIATING)
		gw_log_drop(g, 41, "IPSEC: invalid SPI 0x%08X from %s, but no IKE SA exists: invalid-spi-recovery "
			    "negotiating one to send INVALID-SPI", spi, gw_ip(src));
	if (r == IKE_INVALID_SPI_NOTIFIED || r == IKE_INVALID_SPI_NEGOTIATING)
		gw_ike_schedule(g);
}

void gw_dp_esp_input(struct gw *g, uint32_t src, uint32_t dst, const uint8_t *esp, size_t len)
{
	enum esp_drop why = ESP_DROP_NONE;
	struct esp_sa *sa = NULL;
	struct gw_child *ch;
	uint8_t *out;
	ssize_t n;

	if (g->ntun_out == GW_BATCH)
		gw_dp_tun_flush(g);
	/* decrypt into the next free tx slot: the TUN queue is written from there */
	out = g->txbuf + (size_t)g->ntun_out * GW_BUF;
	n = esp_sadb_input(g->sadb, esp, len, out, GW_BUF, &sa, &why);
	if (n < 0) {
		/* A router that is not Active for a virtual address holds no SA of its map (they
		 * are cleared on leaving Active), so ESP to it always lands here, off the
		 * per-packet path: dropped without an INVALID-SPI notify (stateless failover). */
		if (why == ESP_DROP_UNKNOWN_SPI && !gw_redund_local_allowed(g, dst)) {
			g->drops[GW_DROP_NOT_ACTIVE]++;
			gw_log_drop(g, 43, "IPSEC: ESP packet from %s to %s dropped: not Active for that virtual "
				    "address", gw_ip(src), gw_ip(dst));
		} else if (why == ESP_DROP_UNKNOWN_SPI && len >= 8)
			dp_invalid_spi(g, src, dst, rd32(esp));
		else if (why != ESP_DROP_DUMMY)
			gw_log_drop(g, 2 + (unsigned)why, "IPSEC: ESP packet from %s dropped: %s", gw_ip(src),
				    esp_drop_name(why));
		return;
	}
	ch = sa ? child_by_in(g, sa) : NULL;
	if (n < 20 || !ch || !ch->flow) {
		g->drops[GW_DROP_POLICY]++;
		return;
	}
	/* RFC 4301 §5.2 step 4: the inner packet must match the SA's selectors (mirrored) */
	if (!sel_match(&ch->flow->s, rd32(out + 16), rd32(out + 12), out[9])) {
		g->drops[GW_DROP_POLICY]++;
		gw_log_drop(g, 40, "IPSEC: decrypted packet %s -> %s outside the SA's proxies: dropped",
			    gw_ip(rd32(out + 12)), gw_ip(rd32(out + 16)));
		return;
	}
	dp_note(g, ch, (size_t)n, 0);
	g->tun_out[g->ntun_out++] = (struct kern_pkt){ .buf = out, .len = (size_t)n };
}
