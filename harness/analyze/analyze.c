/* analyze.c — one pcapng file of a lab link → timeline events.
 *
 * Reads the file with harness/capture's pcapng reader, dissects every frame with
 * reference/codec's frame_decode, names sender and receiver from the topology, and
 * emits one event per ISAKMP message (an_ike.c), ESP packet, VRRP/HSRP advertisement,
 * ARP and ICMP packet. A malformed frame is counted and skipped, never fatal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "an_int.h"
#include "pcapng.h"

static const uint8_t an_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static const char *an_node_by_mac(const struct lab_topo *t, const uint8_t mac[6])
{
	int n, i;

	if (!t || (mac[0] & 1))   /* group address: no single node */
		return NULL;
	for (n = 0; n < t->nnodes && n < LAB_MAX_NODES; n++)
		for (i = 0; i < t->nodes[n].nifs && i < LAB_MAX_IFS; i++)
			if (memcmp(t->nodes[n].ifs[i].mac, mac, 6) == 0)
				return t->nodes[n].name;
	return NULL;
}

/* The node holding ip; *unique says whether no other node holds it too (an anycast
 * loopback or a virtual address is not unique). */
static const char *an_node_by_ip(const struct lab_topo *t, uint32_t ip, int *unique)
{
	const char *found = NULL;
	int n, i, a, owners = 0;

	if (unique)
		*unique = 0;
	if (!t || !ip)
		return NULL;
	for (n = 0; n < t->nnodes && n < LAB_MAX_NODES; n++) {
		int here = 0;

		for (i = 0; i < t->nodes[n].nifs && i < LAB_MAX_IFS; i++)
			for (a = 0; a < t->nodes[n].ifs[i].naddrs && a < LAB_MAX_ADDRS; a++)
				here |= t->nodes[n].ifs[i].addrs[a].addr == ip;
		if (here) {
			owners++;
			if (!found)
				found = t->nodes[n].name;
		}
	}
	if (unique)
		*unique = owners == 1;
	return found;
}

void an_ev_init(struct an_ctx *c, struct ev *e, int64_t t_ns, enum ev_type type,
		const struct frame_info *fi)
{
	const char *snd = NULL, *rcv = NULL;
	uint32_t sip = fi->ip_src, dip = fi->ip_dst;

	memset(e, 0, sizeof(*e));
	e->t_ns = t_ns;
	e->src = EV_SRC_CAPTURE;
	e->type = type;
	snprintf(e->link, sizeof(e->link), "%s", c->link ? c->link : "");
	if (fi->kind == FRAME_ARP) {
		sip = fi->u.arp.spa;
		dip = fi->u.arp.tpa;
	}
	if (fi->has_ip || fi->kind == FRAME_ARP) {
		e->src_ip = sip;
		e->dst_ip = dip;
	}
	/* An address only one node holds names that node, across routers too; otherwise
	 * (virtual addresses of VRRP/HSRP, a loopback both of a pair hold) the MAC names the
	 * node that really sent or got the frame. A frame whose MAC sender is not the node
	 * holding its source address is a routed copy of a packet already seen on the
	 * sender's own link: it is marked so the timeline counts each packet once. */
	{
		int su = 0, du = 0;
		const char *ip_snd = an_node_by_ip(c->topo, sip, &su);
		const char *mac_snd = fi->has_eth ? an_node_by_mac(c->topo, fi->eth_src) : NULL;
		const char *ip_rcv = !(dip >> 28 == 0xE) ? an_node_by_ip(c->topo, dip, &du) : NULL;

		snd = su ? ip_snd : mac_snd ? mac_snd : ip_snd;
		if (su && mac_snd && strcmp(ip_snd, mac_snd))
			e->routed = 1;
		if (du)
			rcv = ip_rcv;
		else if (fi->has_eth && memcmp(fi->eth_dst, an_bcast, 6) != 0)
			rcv = an_node_by_mac(c->topo, fi->eth_dst);
		if (!rcv)
			rcv = ip_rcv;
	}
	snprintf(e->node, sizeof(e->node), "%s", snd ? snd : "");
	snprintf(e->peer, sizeof(e->peer), "%s", rcv ? rcv : "");
	/* evidence for the conformance checks (an_fhrp.c): Wireshark's frame number */
	e->frame = (uint32_t)c->nframe;
	if (fi->has_eth)
		memcpy(e->eth_src, fi->eth_src, 6);
	if (fi->has_ip)
		e->ttl = fi->ip_ttl;
	if (fi->has_udp)
		e->dport = fi->dport;
	e->l7_len = fi->l7_len > 0xffff ? 0xffff : (uint16_t)fi->l7_len;
}

void an_emit(struct an_ctx *c, const struct ev *e)
{
	if (e->routed)
		return;                 /* counted where its sender put it on the wire */
	(void)ev_push(c->out, e);
}

static void an_esp(struct an_ctx *c, int64_t t, const struct frame_info *fi)
{
	struct ev e;

	c->st->esp++;
	an_ev_init(c, &e, t, EV_ESP, fi);
	e.spi = fi->u.esp.spi;
	e.seq = fi->u.esp.seq;
	e.natt = (int8_t)fi->natt;
	snprintf(e.text, sizeof(e.text), "ESP SPI 0x%08x seq %u%s", e.spi, e.seq,
		 fi->natt ? " (UDP 4500)" : "");
	an_emit(c, &e);
}

static void an_vrrp(struct an_ctx *c, int64_t t, const struct frame_info *fi)
{
	const struct vrrp_pkt *v = &fi->u.vrrp;
	char ip[16], ivl[16];
	struct ev e;
	size_t off;
	int i, w;

	c->st->vrrp++;
	an_ev_init(c, &e, t, EV_VRRP, fi);
	e.value = v->priority;
	e.ver = v->version;
	e.op = v->type;
	e.group = v->vrid;
	e.hello_ms = v->adver_int_cs * 10u;
	e.vip = v->naddrs ? v->addrs[0] : 0;
	e.nvips = v->naddrs;
	for (i = 0; i < v->naddrs && i < 4 && i < VRRP_MAX_ADDRS; i++)
		e.vips[i] = v->addrs[i];
	e.cksum_bad = !v->checksum_ok;
	/* RFC 3768 §6.4.3: only the Master advertises; priority 0 = it stops being Master */
	snprintf(e.state, sizeof(e.state), "%s", v->priority ? "Master" : "Shutdown");
	if (v->adver_int_cs % 100)
		snprintf(ivl, sizeof(ivl), "%u.%02u", v->adver_int_cs / 100, v->adver_int_cs % 100);
	else
		snprintf(ivl, sizeof(ivl), "%u", v->adver_int_cs / 100);
	w = snprintf(e.text, sizeof(e.text), "VRRP v%u vrid %u prio %u adv %s s VIP", v->version,
		     v->vrid, v->priority, ivl);
	off = w > 0 ? (size_t)w : 0;
	for (i = 0; i < v->naddrs && i < VRRP_MAX_ADDRS && off < sizeof(e.text); i++) {
		w = snprintf(e.text + off, sizeof(e.text) - off, "%s%s", i ? ", " : " ",
			     frame_ip_str(v->addrs[i], ip));
		off += w > 0 ? (size_t)w : 0;
	}
	/* RFC 3768 §7.1: checksum must verify; TTL MUST be 255 */
	if (off < sizeof(e.text) && !v->checksum_ok) {
		w = snprintf(e.text + off, sizeof(e.text) - off, " (bad checksum)");
		off += w > 0 ? (size_t)w : 0;
	}
	if (off < sizeof(e.text) && fi->ip_ttl != 255)
		snprintf(e.text + off, sizeof(e.text) - off, " (TTL %u, must be 255)", fi->ip_ttl);
	an_emit(c, &e);
}

static void an_hsrp(struct an_ctx *c, int64_t t, const struct frame_info *fi)
{
	const struct hsrp_pkt *h = &fi->u.hsrp;
	char ip[16];
	struct ev e;
	size_t off;

	c->st->hsrp++;
	an_ev_init(c, &e, t, EV_HSRP, fi);
	e.value = (int32_t)h->priority;
	e.ver = h->version;
	e.op = h->op;
	e.fhrp_state = (uint8_t)h->state;
	e.group = h->group;
	e.hello_ms = h->hello_ms;
	e.hold_ms = h->hold_ms;
	e.vip = h->vip;
	/* v2 (Wireshark packet-hsrp.c): the message opens with the Group State TLV, type 1
	 * length 40 */
	e.tlv_ok = h->version == 2 && fi->l7_len >= 2 && fi->l7[0] == 1 && fi->l7[1] == 40;
	snprintf(e.state, sizeof(e.state), "%s", hsrp_state_name(h->state));
	snprintf(e.text, sizeof(e.text), "HSRP v%u %s group %u %s prio %u VIP %s hello %u ms hold %u ms",
		 h->version, hsrp_op_name(h->op), h->group, hsrp_state_name(h->state), h->priority,
		 frame_ip_str(h->vip, ip), h->hello_ms, h->hold_ms);
	off = strlen(e.text);
	/* RFC 2281 §5.1: TTL 1 */
	if (h->version == 1 && fi->ip_ttl != 1)
		snprintf(e.text + off, sizeof(e.text) - off, " (TTL %u, must be 1)", fi->ip_ttl);
	an_emit(c, &e);
}

static void an_arp(struct an_ctx *c, int64_t t, const struct frame_info *fi)
{
	const struct frame_arp *a = &fi->u.arp;
	char sip[16], tip[16], sha[18], tha[18], esrc[18], edst[18];
	struct ev e;

	c->st->arp++;
	an_ev_init(c, &e, t, EV_ARP, fi);
	e.op = (uint8_t)a->op;
	e.garp = (int8_t)(a->gratuitous != 0);
	e.vip = a->spa;
	memcpy(e.arp_sha, a->sha, 6);
	frame_ip_str(a->spa, sip);
	frame_ip_str(a->tpa, tip);
	frame_mac_str(a->sha, sha);
	frame_mac_str(a->tha, tha);
	frame_mac_str(fi->eth_src, esrc);
	frame_mac_str(fi->eth_dst, edst);
	if (a->gratuitous)
		snprintf(e.text, sizeof(e.text), "ARP gratuitous %s %s is-at %s (eth %s > %s)",
			 a->op == 2 ? "reply" : "request", sip, sha, esrc, edst);
	else if (a->op == 1)
		snprintf(e.text, sizeof(e.text), "ARP request who-has %s tell %s at %s (eth %s > %s)",
			 tip, sip, sha, esrc, edst);
	else
		snprintf(e.text, sizeof(e.text), "ARP reply %s is-at %s to %s at %s (eth %s > %s)",
			 sip, sha, tip, tha, esrc, edst);
	an_emit(c, &e);
}

static void an_icmp(struct an_ctx *c, int64_t t, const struct frame_info *fi)
{
	const struct frame_icmp *ic = &fi->u.icmp;
	char s[16], d[16];
	struct ev e;

	c->st->icmp++;
	an_ev_init(c, &e, t, EV_ICMP, fi);
	e.op = ic->type;
	frame_ip_str(fi->ip_src, s);
	frame_ip_str(fi->ip_dst, d);
	if (ic->type == 8 || ic->type == 0) {
		e.seq = ic->seq;
		snprintf(e.text, sizeof(e.text), "ICMP echo %s id %u seq %u %s > %s%s",
			 ic->type == 8 ? "request" : "reply", ic->id, ic->seq, s, d,
			 ic->checksum_ok ? "" : " (bad checksum)");
	} else {
		snprintf(e.text, sizeof(e.text), "ICMP type %u code %u %s > %s", ic->type, ic->code, s, d);
	}
	an_emit(c, &e);
}

static void an_frame(struct an_ctx *c, const struct pcapng_pkt *p)
{
	struct frame_info fi;

	c->nframe++;
	c->st->frames++;
	frame_decode(p->data, p->caplen, p->linktype, &fi);
	if (fi.malformed) {
		c->st->malformed++;
		return;
	}
	switch (fi.kind) {
	case FRAME_ISAKMP:
		an_ike(c, p->t_ns, &fi);
		break;
	case FRAME_ESP:
		an_esp(c, p->t_ns, &fi);
		break;
	case FRAME_NATT_KEEPALIVE:
		c->st->natt_keepalive++;
		break;
	case FRAME_VRRP:
		an_vrrp(c, p->t_ns, &fi);
		break;
	case FRAME_HSRP:
		an_hsrp(c, p->t_ns, &fi);
		break;
	case FRAME_ARP:
		an_arp(c, p->t_ns, &fi);
		break;
	case FRAME_ICMP:
		an_icmp(c, p->t_ns, &fi);
		break;
	default:
		break;
	}
}

/* Frames from a virtual MAC whose address names no single node (a gratuitous ARP for the
 * VIP, RFC 2281 §5.6 action I / RFC 3768 §6.4.2) belong to the router that holds the
 * vMAC: the sender of the nearest HSRP Active Hello / VRRP advert from that MAC. */
static void an_name_vmac_senders(struct ev_list *out, size_t from)
{
	for (size_t i = from; i < out->n; i++) {
		struct ev *a = &out->v[i];
		if (a->type != EV_ARP || a->node[0])
			continue;
		const struct ev *best = NULL;
		int64_t bd = 0;
		for (size_t j = from; j < out->n; j++) {
			const struct ev *h = &out->v[j];
			if (!((h->type == EV_HSRP && h->fhrp_state == HSRP_ACTIVE) || (h->type == EV_VRRP && h->value)) ||
			    !h->node[0] || memcmp(h->eth_src, a->eth_src, 6))
				continue;
			int64_t d = h->t_ns > a->t_ns ? h->t_ns - a->t_ns : a->t_ns - h->t_ns;
			if (!best || d < bd)
				best = h, bd = d;
		}
		if (best)
			snprintf(a->node, sizeof(a->node), "%s", best->node);
	}
}

/* A virtual address names no node in the topology (refgw adds it on its virtual MAC while
 * Active), and on links away from the segment the MAC names a router in between. The
 * holder of a VIP at time t is the sender of the latest HSRP Active Hello, VRRP advert
 * (priority > 0) or gratuitous ARP for it up to t; events to or from the VIP on every
 * link name that holder (a copy away from its segment is marked routed). Runs on the time-sorted list of all links. */
#define AN_MAX_VIPS 32
void an_name_vip_holders(struct ev_list *l)
{
	struct { uint32_t vip; char node[sizeof(l->v[0].node)], link[sizeof(l->v[0].link)]; } h[AN_MAX_VIPS];
	int nh = 0;

	for (size_t i = 0; i < l->n; i++) {
		struct ev *e = &l->v[i];
		uint32_t v[5];
		int nv = 0;

		if (e->type == EV_HSRP && e->fhrp_state == HSRP_ACTIVE && e->vip)
			v[nv++] = e->vip;
		else if (e->type == EV_VRRP && e->value > 0)
			for (int k = 0; k < e->nvips && k < 4; k++)
				v[nv++] = e->vips[k];
		else if (e->type == EV_ARP && e->garp && e->vip)
			v[nv++] = e->vip;
		if (nv && e->node[0]) {
			for (int k = 0; k < nv; k++) {
				int j;
				for (j = 0; j < nh && h[j].vip != v[k]; j++)
					;
				if (j == nh) {
					if (nh == AN_MAX_VIPS)
						continue;
					nh++;
				}
				h[j].vip = v[k];
				snprintf(h[j].node, sizeof(h[j].node), "%s", e->node);
				snprintf(h[j].link, sizeof(h[j].link), "%s", e->link);
			}
			continue;
		}
		if (e->src != EV_SRC_CAPTURE)
			continue;
		for (int j = 0; j < nh; j++) {
			if (e->dst_ip == h[j].vip)
				snprintf(e->peer, sizeof(e->peer), "%s", h[j].node);
			if (e->src_ip == h[j].vip && e->type != EV_ARP) {
				snprintf(e->node, sizeof(e->node), "%s", h[j].node);
				/* sent on the holder's segment; elsewhere a routed copy */
				if (strcmp(e->link, h[j].link))
					e->routed = 1;   /* dropped below, as an_emit drops the others */
			}
		}
	}
	size_t w = 0;
	for (size_t i = 0; i < l->n; i++)
		if (!l->v[i].routed)
			l->v[w++] = l->v[i];
	l->n = w;
}

int an_file(const char *path, const char *link, const struct lab_topo *t, struct an_keys *k,
	    struct ev_list *out, struct an_stats *st, char *err, size_t errlen)
{
	const size_t first_ev = out->n;
	struct pcapng_reader *r;
	struct pcapng_pkt p;
	struct an_ctx *c;
	int rc;

	r = pcapng_open_read(path, err, errlen);
	if (!r)
		return -1;
	c = calloc(1, sizeof(*c));
	if (!c) {
		pcapng_close_read(r);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->link = link;
	c->topo = t;
	c->keys = k;
	c->out = out;
	c->st = st;
	while ((rc = pcapng_next(r, &p, err, errlen)) == 1)
		an_frame(c, &p);
	/* a file cut short (capture killed mid-block) keeps what was read; only an
	 * unreadable file is an error */
	if (rc < 0 && c->nframe == 0) {
		free(c);
		pcapng_close_read(r);
		return -1;
	}
	if (rc < 0)
		st->malformed++;
	an_name_vmac_senders(out, first_ev);
	free(c);
	pcapng_close_read(r);
	return 0;
}
