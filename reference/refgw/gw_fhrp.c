/* gw_fhrp.c — the HSRP and VRRP groups of the configuration (`standby N …`, `vrrp N …`)
 * running inside refgw (see gw.h).
 *
 * Owns: one engine per cfg->fhrp[i] (fsm/hsrp_fsm, fsm/vrrp_fsm) with its loop timer armed
 * at the engine's next deadline; one AF_PACKET socket per interface that carries groups
 * (kern fhrp_socket: HSRP/VRRP frames in, whole Ethernet frames out, so the source MAC is
 * exactly the one the RFCs ask for); the virtual MAC as a macvlan `<if>.v<group>` with the
 * virtual addresses on it, present only while Active/Master; gratuitous ARP; the line
 * protocol of the group interfaces and of tracked interfaces (rtnetlink link
 * notifications, then link_state); `show standby [brief]`, `show vrrp [brief]`.
 *
 * Not owned here: what Active/Master means for IPsec (gw_redund.c, told through
 * gw_redund_changed on every change into or out of Active/Master).
 */
#include "gw.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <string.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cksum.h"
#include "frame.h"
#include "hsrp_fsm.h"
#include "json.h"
#include "vrrp_fsm.h"

#define FHRP_MAX_IFS    16
#define FHRP_MAX_TRACKS 32
#define FHRP_FRAME_MAX  1514

/* Receive-side drops counted here, before a frame reaches an engine (the engines count
 * their own by reason). */
enum fhrp_rx_drop {
	FHRP_RX_MALFORMED,      /* frame_decode: bad IPv4/UDP header or length */
	FHRP_RX_IP_CHECKSUM,    /* RFC 791: header checksum wrong */
	FHRP_RX_NO_GROUP,       /* well-formed, but no group of this protocol on the interface */
	FHRP_RX_MAX
};

static const char *const fhrp_rx_names[FHRP_RX_MAX] = { "malformed", "ip_checksum", "no_group" };

struct fhrp_if {
	struct gw *g;
	int cfg_iface;              /* index in cfg->ifaces */
	char lnx[16];
	int fd;                     /* fhrp_socket, -1 none */
	uint8_t mac[6];
	uint32_t ip;                /* primary address (host order) */
	uint8_t plen;
	bool up;                    /* admin up and carrier */
	uint64_t rx, tx, tx_errors, rx_drops[FHRP_RX_MAX];
};

struct fhrp_grp {
	int idx;                    /* cfg->fhrp index */
	enum ios_fhrp_proto proto;
	struct fhrp_if *ifp;
	bool running;               /* the engine was configured */
	bool active;                /* Active / Master: macvlan and VIPs present */
	bool vlink;                 /* the macvlan exists */
	char vname[16];             /* "fa0-0.v1" */
	uint8_t vmac[6];
	struct hsrp_grp h;
	struct vrrp_rtr v;
	struct loop_timer timer;
	struct gw *g;
	uint64_t garps, became_active;
};

struct fhrp_track {
	char lnx[16];
	char ios[IOS_NAME_MAX];
	bool up;
};

struct gw_fhrp_set {
	int nifs, ngrps, ntracks;
	struct fhrp_if ifs[FHRP_MAX_IFS];
	struct fhrp_grp grps[IOS_MAX_FHRP];
	struct fhrp_track tracks[FHRP_MAX_TRACKS];
	int watch_fd;
	uint8_t frame[FHRP_FRAME_MAX];
};

/* ---- helpers ---- */

static uint32_t fhrp_rand(void *ctx)
{
	uint32_t v = 0;

	(void)ctx;
	/* the Hello jitter: a real random source (getrandom; the kernel's CSPRNG) */
	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != (ssize_t)sizeof(v))
		v = (uint32_t)random();
	return v;
}

/* "Fa0/0" from "FastEthernet0/0", as IOS prints interfaces in VRRP logs and briefs */
static const char *fhrp_short_if(const char *name, char *buf, size_t len)
{
	static const struct { const char *full, *abbr; } ab[] = {
		{ "TenGigabitEthernet", "Te" }, { "GigabitEthernet", "Gi" }, { "FastEthernet", "Fa" },
		{ "Ethernet", "Et" }, { "Serial", "Se" }, { "Vlan", "Vl" }, { "Port-channel", "Po" },
		{ "Loopback", "Lo" },
	};
	size_t i, n;

	for (i = 0; i < sizeof(ab) / sizeof(ab[0]); i++) {
		n = strlen(ab[i].full);
		if (!strncasecmp(name, ab[i].full, n)) {
			snprintf(buf, len, "%s%s", ab[i].abbr, name + n);
			return buf;
		}
	}
	snprintf(buf, len, "%s", name);
	return buf;
}

static const char *mac_dotted(const uint8_t m[6], char buf[16])
{
	snprintf(buf, 16, "%02x%02x.%02x%02x.%02x%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

static const char *grp_ifname(const struct gw *g, const struct fhrp_grp *p)
{
	return g->cfg->ifaces[p->ifp->cfg_iface].name;
}

static const struct ios_fhrp *grp_cfg(const struct gw *g, const struct fhrp_grp *p)
{
	return &g->cfg->fhrp[p->idx];
}

/* ---- frames ---- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* Ethernet + IPv4 header (20 bytes, DF clear, ID 0) around `plen` bytes already at
 * f + 34; returns the frame length. dst is a 224.0.0.x group: its MAC is 01-00-5e-… */
static size_t ip_frame(uint8_t *f, const uint8_t src_mac[6], uint32_t src, uint32_t dst, uint8_t proto,
		       uint8_t ttl, size_t plen)
{
	uint8_t *ip = f + 14;

	f[0] = 0x01;
	f[1] = 0x00;
	f[2] = 0x5e;
	f[3] = (uint8_t)((dst >> 16) & 0x7f);
	f[4] = (uint8_t)(dst >> 8);
	f[5] = (uint8_t)dst;
	memcpy(f + 6, src_mac, 6);
	put16(f + 12, 0x0800);
	ip[0] = 0x45;
	ip[1] = proto == VRRP_PROTO ? 0xc0 : 0;   /* internetwork control precedence, as IOS */
	put16(ip + 2, (uint16_t)(20 + plen));
	put16(ip + 4, 0);
	put16(ip + 6, 0);
	ip[8] = ttl;
	ip[9] = proto;
	put16(ip + 10, 0);
	put32(ip + 12, src);
	put32(ip + 16, dst);
	put16(ip + 10, cksum_finish(cksum_add(0, ip, 20)));
	return 14 + 20 + plen;
}

static void if_send(struct gw *g, struct fhrp_if *ifp, const uint8_t *f, size_t len)
{
	if (ifp->fd < 0 || !ifp->up)
		return;
	if (send(ifp->fd, f, len, MSG_DONTWAIT) < 0) {
		ifp->tx_errors++;
		gw_log_drop(g, 0x4f480000u + (unsigned)ifp->cfg_iface, "%%FHRP-4-SEND: %s: %s", ifp->lnx,
			    strerror(errno));
		return;
	}
	ifp->tx++;
}

/* HSRP: UDP 1985 → 1985, to 224.0.0.2 (v1) / 224.0.0.102 (v2), TTL 1 (RFC 2281 §5.1) */
static void hsrp_send_pkt(struct gw *g, struct fhrp_grp *p, const struct hsrp_pkt *pkt, bool vmac)
{
	struct gw_fhrp_set *s = g->fhrp;
	uint8_t *udp = s->frame + 34;
	uint32_t dst = pkt->version == 2 ? HSRP_V2_GROUP : HSRP_V1_GROUP, sum;
	int n = hsrp_encode(pkt, udp + 8, sizeof(s->frame) - 42);
	uint8_t pseudo[12];

	if (n < 0) {
		p->ifp->tx_errors++;
		return;
	}
	put16(udp, HSRP_PORT);
	put16(udp + 2, HSRP_PORT);
	put16(udp + 4, (uint16_t)(8 + n));
	put16(udp + 6, 0);
	put32(pseudo, p->ifp->ip);
	put32(pseudo + 4, dst);
	pseudo[8] = 0;
	pseudo[9] = 17;
	put16(pseudo + 10, (uint16_t)(8 + n));
	sum = cksum_add(cksum_add(0, pseudo, sizeof(pseudo)), udp, (size_t)(8 + n));
	put16(udp + 6, cksum_finish(sum) ? cksum_finish(sum) : 0xffff);
	if_send(g, p->ifp,
		s->frame, ip_frame(s->frame, vmac ? p->vmac : p->ifp->mac, p->ifp->ip, dst, 17, 1, (size_t)(8 + n)));
}

/* VRRP: IP protocol 112 to 224.0.0.18, TTL 255 (RFC 3768 §5.2.3), from the virtual MAC
 * (RFC 3768 §7.3) and the primary address (§5.2.1) */
static void vrrp_send_pkt(struct gw *g, struct fhrp_grp *p, const struct vrrp_pkt *pkt)
{
	struct gw_fhrp_set *s = g->fhrp;
	int n = vrrp_encode(pkt, p->ifp->ip, VRRP_GROUP_V4, s->frame + 34, sizeof(s->frame) - 34);

	if (n < 0) {
		p->ifp->tx_errors++;
		return;
	}
	if_send(g, p->ifp, s->frame, ip_frame(s->frame, p->vmac, p->ifp->ip, VRRP_GROUP_V4, VRRP_PROTO, 255,
					      (size_t)n));
}

/* Gratuitous ARP in request form: sender = target = VIP, the virtual MAC as Ethernet
 * source and sender hardware address (RFC 2281 §5.6 action I; RFC 3768 §6.4.1 (2)) */
static void send_garp(struct gw *g, struct fhrp_grp *p, uint32_t vip)
{
	uint8_t f[60];

	memset(f, 0, sizeof(f));
	memset(f, 0xff, 6);
	memcpy(f + 6, p->vmac, 6);
	put16(f + 12, 0x0806);
	put16(f + 14, 1);           /* Ethernet */
	put16(f + 16, 0x0800);
	f[18] = 6;
	f[19] = 4;
	put16(f + 20, 1);           /* request */
	memcpy(f + 22, p->vmac, 6);
	put32(f + 28, vip);
	put32(f + 38, vip);         /* target hardware address all zero (RFC 5227 §2.3) */
	if_send(g, p->ifp, f, sizeof(f));
	p->garps++;
}

/* ---- the virtual MAC link ---- */

static int grp_nvips(const struct gw *g, const struct fhrp_grp *p, uint32_t *vips)
{
	const struct ios_fhrp *f = grp_cfg(g, p);
	int n = 0, i;

	if (p->proto == IOS_FHRP_HSRP) {
		if (p->h.vip)
			vips[n++] = p->h.vip;
		for (i = 1; i < f->nvips; i++)
			vips[n++] = f->vips[i];
		return n;
	}
	for (i = 0; i < p->v.cfg.nvips; i++)
		vips[n++] = p->v.cfg.vips[i];
	return n;
}

static void vlink_remove(struct gw *g, struct fhrp_grp *p)
{
	char err[256];

	if (!p->vlink)
		return;
	if (g->kern->link_del(g->kern->k, p->vname, err, sizeof(err)) < 0 && errno != ENODEV)
		gw_log(g, "%%FHRP-3-VMAC: %s: %s", p->vname, err);
	p->vlink = false;
}

/* macvlan with the virtual MAC, the VIPs (/32: no second connected route) on it, up. The
 * parent and the macvlan answer ARP only for their own addresses (arp_ignore 1) and
 * choose sources by the target (arp_announce 2): the VIP is answered by the vMAC only,
 * and not at all where the group is not Active/Master (RFC 3768 §6.4.2). */
static void vlink_create(struct gw *g, struct fhrp_grp *p)
{
	const struct gw_fhrp_set *s = g->fhrp;
	uint32_t vips[IOS_MAX_FHRP_VIPS + 1];
	char err[256], path[96];
	int n, i, k;

	if (p->vlink)
		return;
	if (g->kern->macvlan_add(g->kern->k, p->ifp->lnx, p->vname, p->vmac, err, sizeof(err)) < 0) {
		if (errno != EEXIST) {
			gw_log(g, "%%FHRP-3-VMAC: %s on %s: %s", p->vname, p->ifp->lnx, err);
			return;
		}
	}
	p->vlink = true;
	snprintf(path, sizeof(path), "net/ipv6/conf/%s/disable_ipv6", p->vname);
	g->kern->sysctl(g->kern->k, path, "1", NULL, 0);
	snprintf(path, sizeof(path), "net/ipv4/conf/%s/arp_ignore", p->vname);
	g->kern->sysctl(g->kern->k, path, "1", NULL, 0);
	snprintf(path, sizeof(path), "net/ipv4/conf/%s/arp_announce", p->vname);
	g->kern->sysctl(g->kern->k, path, "2", NULL, 0);
	n = grp_nvips(g, p, vips);
	for (i = 0; i < n; i++) {
		bool own = false;

		/* an address of the interface itself (VRRP owner) stays where it is */
		for (k = 0; k < s->nifs; k++)
			own = own || s->ifs[k].ip == vips[i];
		if (own)
			continue;
		if (g->kern->addr_add(g->kern->k, p->vname, vips[i], 32, err, sizeof(err)) < 0 && errno != EEXIST)
			gw_log(g, "%%FHRP-3-VIP: %s %s/32: %s", p->vname, gw_ip(vips[i]), err);
	}
	if (g->kern->link_set_up(g->kern->k, p->vname, 1, err, sizeof(err)) < 0)
		gw_log(g, "%%FHRP-3-VMAC: %s up: %s", p->vname, err);
}

static void grp_set_active(struct gw *g, struct fhrp_grp *p, bool active)
{
	if (active == p->active)
		return;
	if (active) {
		vlink_create(g, p);
		p->became_active++;
	} else {
		vlink_remove(g, p);
	}
	p->active = active;
	gw_redund_changed(g, p->idx, active);
}

/* ---- engine outputs ---- */

static void grp_arm(struct gw *g, struct fhrp_grp *p, uint64_t next)
{
	if (next == UINT64_MAX)
		loop_timer_stop(g->loop, &p->timer);
	else
		loop_timer_at(g->loop, &p->timer, next);
}

static void hsrp_run(struct gw *g, struct fhrp_grp *p, const struct hsrp_out *o)
{
	uint32_t vips[IOS_MAX_FHRP_VIPS + 1];
	unsigned i;
	int n, k;

	for (i = 0; i < o->n; i++) {
		const struct hsrp_action *a = &o->act[i];

		switch (a->type) {
		case HSRP_ACT_LOG:
			gw_log(g, "%s", a->text);
			break;
		case HSRP_ACT_SEND:
			hsrp_send_pkt(g, p, &a->pkt, a->use_vmac);
			break;
		case HSRP_ACT_BECOME_ACTIVE:
			grp_set_active(g, p, true);
			break;
		case HSRP_ACT_GARP:
			n = grp_nvips(g, p, vips);
			for (k = 0; k < n; k++)
				send_garp(g, p, vips[k]);
			break;
		case HSRP_ACT_LEAVE_ACTIVE:
			grp_set_active(g, p, false);
			break;
		}
	}
	grp_arm(g, p, o->next_ms);
}

static void vrrp_run(struct gw *g, struct fhrp_grp *p, const struct vrrp_out *o)
{
	unsigned i;
	int k;

	for (i = 0; i < o->n; i++) {
		const struct vrrp_action *a = &o->act[i];

		switch (a->type) {
		case VRRP_ACT_LOG:
			gw_log(g, "%s", a->text);
			break;
		case VRRP_ACT_SEND_ADVERT:
			vrrp_send_pkt(g, p, &a->pkt);
			break;
		case VRRP_ACT_BECOME_MASTER:
			grp_set_active(g, p, true);
			for (k = 0; k < p->v.cfg.nvips; k++)
				send_garp(g, p, p->v.cfg.vips[k]);
			break;
		case VRRP_ACT_LEAVE_MASTER:
			grp_set_active(g, p, false);
			break;
		}
	}
	grp_arm(g, p, o->next_ms);
}

static void grp_timer(void *arg)
{
	struct fhrp_grp *p = arg;
	struct gw *g = p->g;
	uint64_t now = loop_now_ms(g->loop);

	if (p->proto == IOS_FHRP_HSRP) {
		struct hsrp_out o;

		hsrp_fsm_timer(&p->h, now, &o);
		hsrp_run(g, p, &o);
	} else {
		struct vrrp_out o;

		vrrp_timer(&p->v, now, &o);
		vrrp_run(g, p, &o);
	}
}

static void grp_link(struct gw *g, struct fhrp_grp *p, bool up)
{
	uint64_t now = loop_now_ms(g->loop);

	if (!p->running)
		return;
	if (p->proto == IOS_FHRP_HSRP) {
		struct hsrp_out o;

		hsrp_fsm_link(&p->h, now, up, &o);
		hsrp_run(g, p, &o);
	} else {
		struct vrrp_out o;

		vrrp_link(&p->v, now, up, &o);
		vrrp_run(g, p, &o);
	}
}

/* ---- receive ---- */

static void if_frame(struct gw *g, struct fhrp_if *ifp, const uint8_t *buf, size_t len)
{
	struct gw_fhrp_set *s = g->fhrp;
	struct frame_info fi;
	uint64_t now = loop_now_ms(g->loop);
	bool any = false;
	int i;

	ifp->rx++;
	frame_decode(buf, len, FRAME_LINKTYPE_ETHERNET, &fi);
	if (!fi.has_ip || (fi.kind != FRAME_HSRP && fi.kind != FRAME_VRRP) || !fi.l7) {
		ifp->rx_drops[FHRP_RX_MALFORMED]++;
		return;
	}
	if (!fi.ip_checksum_ok) {
		ifp->rx_drops[FHRP_RX_IP_CHECKSUM]++;
		return;
	}
	/* every group of the protocol on the interface sees the message: each counts what is
	 * not for it (group, version, …), as `show standby`/`show vrrp` do */
	for (i = 0; i < s->ngrps; i++) {
		struct fhrp_grp *p = &s->grps[i];

		if (p->ifp != ifp || !p->running)
			continue;
		if (fi.kind == FRAME_HSRP && p->proto == IOS_FHRP_HSRP) {
			struct hsrp_out o;

			any = true;
			hsrp_fsm_input_bytes(&p->h, now, fi.l7, fi.l7_len, fi.ip_src, &o);
			hsrp_run(g, p, &o);
		} else if (fi.kind == FRAME_VRRP && p->proto == IOS_FHRP_VRRP) {
			struct vrrp_out o;

			any = true;
			vrrp_input_bytes(&p->v, now, fi.l7, fi.l7_len, fi.ip_src, fi.ip_dst, fi.ip_ttl, &o);
			vrrp_run(g, p, &o);
		}
	}
	if (!any)
		ifp->rx_drops[FHRP_RX_NO_GROUP]++;
}

static void if_readable(void *arg, int fd, uint32_t events)
{
	struct fhrp_if *ifp = arg;
	uint8_t buf[2048];
	int k;

	(void)events;
	for (k = 0; k < 64 && ifp->g->fhrp; k++) {
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t n;

		memset(&from, 0, sizeof(from));
		n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (n < 0)
			break;
		/* our own frames as the interface sends them never reach the engines */
		if (fl >= sizeof(from) && from.sll_pkttype == PACKET_OUTGOING)
			continue;
		if_frame(ifp->g, ifp, buf, (size_t)n);
	}
}

/* ---- line protocol ---- */

static bool link_up_now(struct gw *g, const char *lnx)
{
	int admin = 0, carrier = 0;

	if (g->kern->link_state(g->kern->k, lnx, &admin, &carrier) < 0)
		return false;
	return admin && carrier;
}

static void refresh_links(struct gw *g)
{
	struct gw_fhrp_set *s = g->fhrp;
	uint64_t now = loop_now_ms(g->loop);
	int i, k, t, came_up = 0;

	for (i = 0; i < s->nifs; i++)
		came_up |= !s->ifs[i].up && link_up_now(g, s->ifs[i].lnx);
	for (t = 0; t < s->ntracks; t++)
		came_up |= !s->tracks[t].up && link_up_now(g, s->tracks[t].lnx);
	if (came_up)            /* before the groups: becoming Active resolves RRI next hops */
		gw_apply_routes(g);
	for (i = 0; i < s->nifs; i++) {
		struct fhrp_if *ifp = &s->ifs[i];
		bool up = link_up_now(g, ifp->lnx);

		if (up == ifp->up)
			continue;
		ifp->up = up;
		gw_log(g, "%%LINEPROTO-5-UPDOWN: Line protocol on Interface %s, changed state to %s",
		       g->cfg->ifaces[ifp->cfg_iface].name, up ? "up" : "down");
		for (k = 0; k < s->ngrps; k++)
			if (s->grps[k].ifp == ifp)
				grp_link(g, &s->grps[k], up);
	}
	for (t = 0; t < s->ntracks; t++) {
		struct fhrp_track *tr = &s->tracks[t];
		bool up = link_up_now(g, tr->lnx);

		if (up == tr->up)
			continue;
		tr->up = up;
		for (k = 0; k < s->ngrps; k++) {
			struct fhrp_grp *p = &s->grps[k];
			struct hsrp_out o;
			unsigned j;

			if (!p->running || p->proto != IOS_FHRP_HSRP)
				continue;
			for (j = 0; j < p->h.cfg.ntrack; j++)
				if (!strcmp(p->h.cfg.track[j].ifname, tr->ios)) {
					hsrp_fsm_track(&p->h, now, tr->ios, up, &o);
					hsrp_run(g, p, &o);
					break;
				}
		}
	}
}

static void watch_readable(void *arg, int fd, uint32_t events)
{
	struct gw *g = arg;

	(void)events;
	kern_link_watch_drain(fd);
	if (g->fhrp)
		refresh_links(g);
}

/* ---- start / stop ---- */

static struct fhrp_if *if_get(struct gw *g, int cfg_iface, char *err, size_t errlen)
{
	struct gw_fhrp_set *s = g->fhrp;
	const struct ios_iface *ifc = &g->cfg->ifaces[cfg_iface];
	struct fhrp_if *ifp;
	char path[96];
	int i;

	for (i = 0; i < s->nifs; i++)
		if (s->ifs[i].cfg_iface == cfg_iface)
			return &s->ifs[i];
	if (s->nifs == FHRP_MAX_IFS) {
		snprintf(err, errlen, "more than %d interfaces with HSRP/VRRP groups", FHRP_MAX_IFS);
		return NULL;
	}
	ifp = &s->ifs[s->nifs];
	memset(ifp, 0, sizeof(*ifp));
	ifp->g = g;
	ifp->fd = -1;
	ifp->cfg_iface = cfg_iface;
	if (ifc->lnx[0])
		snprintf(ifp->lnx, sizeof(ifp->lnx), "%s", ifc->lnx);
	else if (ios_ifname_linux(ifc->name, ifp->lnx) < 0)
		ifp->lnx[0] = '\0';
	if (!ifp->lnx[0] || g->kern->link_index(g->kern->k, ifp->lnx) < 0) {
		snprintf(err, errlen, "%s:%d: interface %s has no link in this namespace", g->cfg->fname, ifc->line,
			 ifc->name);
		return NULL;
	}
	if (ifc->naddrs < 1) {
		snprintf(err, errlen, "%s:%d: interface %s: HSRP/VRRP need 'ip address A M' on the interface",
			 g->cfg->fname, ifc->line, ifc->name);
		return NULL;
	}
	ifp->ip = ifc->addrs[0].addr;
	ifp->plen = (uint8_t)ios_mask_plen(ifc->addrs[0].mask);
	if (g->kern->link_mac(g->kern->k, ifp->lnx, ifp->mac) < 0) {
		snprintf(err, errlen, "interface %s (%s): no MAC address", ifc->name, ifp->lnx);
		return NULL;
	}
	/* answer ARP only for addresses of the receiving link: the VIP (on the macvlan) is
	 * never answered with the real MAC (RFC 3768 §7.3, RFC 2281 §6.1) */
	snprintf(path, sizeof(path), "net/ipv4/conf/%s/arp_ignore", ifp->lnx);
	g->kern->sysctl(g->kern->k, path, "1", NULL, 0);
	snprintf(path, sizeof(path), "net/ipv4/conf/%s/arp_announce", ifp->lnx);
	g->kern->sysctl(g->kern->k, path, "2", NULL, 0);
	ifp->fd = g->kern->fhrp_socket(g->kern->k, ifp->lnx, err, errlen);
	if (ifp->fd < 0)
		return NULL;
	if (loop_fd_add(g->loop, ifp->fd, EPOLLIN, if_readable, ifp) < 0) {
		snprintf(err, errlen, "%s: epoll: %s", ifp->lnx, strerror(errno));
		close(ifp->fd);
		return NULL;
	}
	s->nifs++;
	return ifp;
}

static void track_add(struct gw *g, const char *ios)
{
	struct gw_fhrp_set *s = g->fhrp;
	char lnx[16];
	int i;

	for (i = 0; i < s->ntracks; i++)
		if (!strcmp(s->tracks[i].ios, ios))
			return;
	if (s->ntracks == FHRP_MAX_TRACKS || ios_ifname_linux(ios, lnx) < 0)
		return;
	snprintf(s->tracks[s->ntracks].ios, sizeof(s->tracks[0].ios), "%s", ios);
	snprintf(s->tracks[s->ntracks].lnx, sizeof(s->tracks[0].lnx), "%s", lnx);
	s->tracks[s->ntracks].up = true;       /* the engine starts with every track up */
	s->ntracks++;
}

/* `standby N track OBJ` names a `track OBJ interface IF line-protocol` */
static const char *track_ifname(const struct gw *g, const struct ios_fhrp_track *t)
{
	int i;

	if (t->ifname[0] || !t->object)
		return t->ifname;
	for (i = 0; i < g->cfg->nobj_tracks; i++)
		if (g->cfg->obj_tracks[i].object == t->object)
			return g->cfg->obj_tracks[i].ifname;
	return "";
}

static int grp_setup(struct gw *g, struct fhrp_grp *p, const struct ios_fhrp *f, char *err, size_t errlen)
{
	const struct ios_iface *ifc = &g->cfg->ifaces[f->iface];
	char why[160];
	int i;

	if (snprintf(p->vname, sizeof(p->vname), "%s.v%u", p->ifp->lnx, f->group) >= (int)sizeof(p->vname))
		snprintf(p->vname, sizeof(p->vname), "vmac%d.%u", p->idx, f->group % 10000);
	if (f->proto == IOS_FHRP_HSRP) {
		struct hsrp_cfg hc;

		memset(&hc, 0, sizeof(hc));
		snprintf(hc.ifname, sizeof(hc.ifname), "%s", ifc->name);
		snprintf(hc.name, sizeof(hc.name), "%s", f->name);
		hc.version = (uint8_t)(f->version == 2 || ifc->hsrp_version == 2 ? 2 : 1);
		hc.group = (uint16_t)f->group;
		hc.vip = f->nvips ? f->vips[0] : 0;
		hc.priority = (uint8_t)(f->priority > 255 ? 255 : f->priority);
		hc.preempt = f->preempt;
		hc.preempt_delay_ms = f->preempt_delay_s * 1000u;
		hc.hello_ms = f->hello_ms;
		hc.hold_ms = f->hold_ms;
		if (f->auth_md5)
			gw_log(g, "%%HSRP-4-CONFIG: %s:%d: standby %u authentication md5 is not supported: "
			       "messages go out with text authentication and MD5 ones are dropped",
			       g->cfg->fname, f->line, f->group);
		snprintf(hc.auth, sizeof(hc.auth), "%s", f->auth_text);
		hc.real_ip = p->ifp->ip;
		memcpy(hc.real_mac, p->ifp->mac, 6);
		for (i = 0; i < f->ntracks && hc.ntrack < HSRP_MAX_TRACK; i++) {
			const char *t = track_ifname(g, &f->tracks[i]);

			if (!t[0]) {
				gw_log(g, "%%HSRP-4-CONFIG: %s:%d: track object %u has no 'track %u interface IF "
				       "line-protocol': ignored", g->cfg->fname, f->tracks[i].line, f->tracks[i].object,
				       f->tracks[i].object);
				continue;
			}
			snprintf(hc.track[hc.ntrack].ifname, sizeof(hc.track[0].ifname), "%s", t);
			hc.track[hc.ntrack].decrement = (uint8_t)(f->tracks[i].decrement > 255 ? 255 :
								  f->tracks[i].decrement);
			hc.ntrack++;
			track_add(g, t);
		}
		hsrp_fsm_init(&p->h, &hc, fhrp_rand, NULL);
		hsrp_fsm_vmac(hc.version, hc.group, p->vmac);
	} else {
		struct vrrp_cfg vc;

		memset(&vc, 0, sizeof(vc));
		fhrp_short_if(ifc->name, vc.ifname, sizeof(vc.ifname));
		snprintf(vc.name, sizeof(vc.name), "%s", f->name);
		vc.version = (uint8_t)(f->version == 3 || ifc->vrrp_version == 3 ? 3 : 2);
		vc.vrid = (uint8_t)f->group;
		vc.priority = (uint8_t)(f->priority ? (f->priority > 255 ? 255 : f->priority) : VRRP_PRIO_DEFAULT);
		vc.preempt = f->preempt;
		vc.preempt_delay_ms = f->preempt_delay_s * 1000u;
		vc.adver_int_cs = (uint16_t)((f->adver_ms ? f->adver_ms : 1000u) / 10u);
		vc.primary_ip = p->ifp->ip;
		for (i = 0; i < f->nvips && vc.nvips < VRRP_MAX_ADDRS; i++)
			vc.vips[vc.nvips++] = f->vips[i];
		if (!vc.nvips || vrrp_init(&p->v, &vc) < 0) {
			if (!vc.nvips)
				snprintf(why, sizeof(why), "no virtual address ('vrrp %u ip A')", f->group);
			else
				vrrp_cfg_check(&vc, why, sizeof(why));
			snprintf(err, errlen, "%s:%d: vrrp %u: %s", g->cfg->fname, f->line, f->group, why);
			return -1;
		}
		vrrp_vmac(vc.vrid, p->vmac);
	}
	/* a virtual MAC link left by a refgw that did not stop cleanly: not Active now */
	if (g->kern->link_index(g->kern->k, p->vname) >= 0) {
		p->vlink = true;
		vlink_remove(g, p);
	}
	p->running = true;
	return 0;
}

int gw_fhrp_start(struct gw *g, char *err, size_t errlen)
{
	struct gw_fhrp_set *s;
	uint64_t now;
	int i, t;

	if (!g->cfg->nfhrp)
		return 0;
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "HSRP/VRRP: out of memory");
		return -1;
	}
	s->watch_fd = -1;
	g->fhrp = s;
	for (i = 0; i < g->cfg->nfhrp && i < IOS_MAX_FHRP; i++) {
		const struct ios_fhrp *f = &g->cfg->fhrp[i];
		struct fhrp_grp *p = &s->grps[s->ngrps];
		char e2[256];

		if (f->iface < 0 || f->iface >= g->cfg->nifaces)
			continue;
		memset(p, 0, sizeof(*p));
		p->g = g;
		p->idx = i;
		p->proto = f->proto;
		loop_timer_init(&p->timer, grp_timer, p);
		p->ifp = if_get(g, f->iface, e2, sizeof(e2));
		if (!p->ifp) {
			/* the interface is not here or has no address: the group cannot run; a
			 * socket that cannot be opened stops refgw */
			if (strstr(e2, "socket") || strstr(e2, "epoll")) {
				snprintf(err, errlen, "HSRP/VRRP: %s", e2);
				return -1;
			}
			gw_log(g, "%%FHRP-4-NOTRUNNING: %s %u: %s", f->proto == IOS_FHRP_HSRP ? "standby" : "vrrp",
			       f->group, e2);
			continue;
		}
		s->ngrps++;
		if (grp_setup(g, p, f, e2, sizeof(e2)) < 0)
			gw_log(g, "%%VRRP-3-CONFIG: %s: not running", e2);
	}
	if (!s->ngrps)
		return 0;
	s->watch_fd = g->kern->link_watch(g->kern->k, err, errlen);
	if (s->watch_fd < 0)
		return -1;
	if (loop_fd_add(g->loop, s->watch_fd, EPOLLIN, watch_readable, g) < 0) {
		snprintf(err, errlen, "HSRP/VRRP: epoll: %s", strerror(errno));
		return -1;
	}
	/* where everything stands now: tracks first (the priority an engine starts with),
	 * then the group enabled and the interface's line protocol (event a / Startup) */
	now = loop_now_ms(g->loop);
	for (t = 0; t < s->ntracks; t++) {
		struct fhrp_track *tr = &s->tracks[t];

		tr->up = link_up_now(g, tr->lnx);
		for (i = 0; i < s->ngrps && !tr->up; i++) {
			struct fhrp_grp *p = &s->grps[i];
			struct hsrp_out o;

			if (p->running && p->proto == IOS_FHRP_HSRP) {
				hsrp_fsm_track(&p->h, now, tr->ios, false, &o);
				hsrp_run(g, p, &o);
			}
		}
	}
	for (i = 0; i < s->nifs; i++)
		s->ifs[i].up = link_up_now(g, s->ifs[i].lnx);
	for (i = 0; i < s->ngrps; i++) {
		struct fhrp_grp *p = &s->grps[i];

		if (!p->running)
			continue;
		if (p->proto == IOS_FHRP_HSRP) {
			struct hsrp_out o;

			hsrp_fsm_admin(&p->h, now, true, &o);
			hsrp_run(g, p, &o);
		} else {
			struct vrrp_out o;

			vrrp_admin(&p->v, now, !g->cfg->fhrp[p->idx].shutdown, &o);
			vrrp_run(g, p, &o);
		}
		grp_link(g, p, p->ifp->up);
	}
	gw_log(g, "%%FHRP-6-START: %d group%s on %d interface%s", s->ngrps, s->ngrps == 1 ? "" : "s", s->nifs,
	       s->nifs == 1 ? "" : "s");
	return 0;
}

void gw_fhrp_stop(struct gw *g)
{
	struct gw_fhrp_set *s = g->fhrp;
	uint64_t now;
	int i;

	if (!s)
		return;
	now = loop_now_ms(g->loop);
	for (i = 0; i < s->ngrps; i++) {
		struct fhrp_grp *p = &s->grps[i];

		if (p->running && p->proto == IOS_FHRP_HSRP) {
			struct hsrp_out o;

			/* RFC 2281 §5.7 b: Resign when leaving Active administratively */
			hsrp_fsm_admin(&p->h, now, false, &o);
			hsrp_run(g, p, &o);
		} else if (p->running) {
			struct vrrp_out o;

			/* RFC 3768 §6.4.3: a Master that shuts down sends priority 0 */
			vrrp_admin(&p->v, now, false, &o);
			vrrp_run(g, p, &o);
		}
		grp_set_active(g, p, false);
		vlink_remove(g, p);
		loop_timer_stop(g->loop, &p->timer);
	}
	for (i = 0; i < s->nifs; i++)
		if (s->ifs[i].fd >= 0) {
			loop_fd_del(g->loop, s->ifs[i].fd);
			close(s->ifs[i].fd);
		}
	if (s->watch_fd >= 0) {
		loop_fd_del(g->loop, s->watch_fd);
		close(s->watch_fd);
	}
	g->fhrp = NULL;
	free(s);
}

/* ---- queries ---- */

static const struct fhrp_grp *grp_find(const struct gw *g, int idx)
{
	const struct gw_fhrp_set *s = g->fhrp;
	int i;

	for (i = 0; s && i < s->ngrps; i++)
		if (s->grps[i].idx == idx)
			return &s->grps[i];
	return NULL;
}

int gw_fhrp_find(const struct gw *g, int iface, const char *name)
{
	int i;

	for (i = 0; i < g->cfg->nfhrp; i++)
		if (g->cfg->fhrp[i].iface == iface && name[0] && !strcmp(g->cfg->fhrp[i].name, name))
			return i;
	return -1;
}

bool gw_fhrp_is_active(const struct gw *g, int idx)
{
	const struct fhrp_grp *p = grp_find(g, idx);

	return p && p->active;
}

uint32_t gw_fhrp_vip(const struct gw *g, int idx)
{
	const struct fhrp_grp *p = grp_find(g, idx);

	if (p && p->running && p->proto == IOS_FHRP_HSRP && p->h.vip)
		return p->h.vip;     /* configured or learned */
	return idx >= 0 && idx < g->cfg->nfhrp && g->cfg->fhrp[idx].nvips ? g->cfg->fhrp[idx].vips[0] : 0;
}

/* ---- show ---- */

static const char *who(uint32_t ip, uint32_t local)
{
	return !ip ? "unknown" : ip == local ? "local" : gw_ip(ip);
}

static void show_standby_brief(struct gw *g, FILE *out)
{
	const struct gw_fhrp_set *s = g->fhrp;
	char sif[32];
	int i;

	fprintf(out, "                     P indicates configured to preempt.\n"
		     "                     |\n"
		     "Interface   Grp  Pri P State   Active          Standby         Virtual IP\n");
	for (i = 0; s && i < s->ngrps; i++) {
		const struct fhrp_grp *p = &s->grps[i];

		if (p->proto != IOS_FHRP_HSRP || !p->running)
			continue;
		fprintf(out, "%-11s %-4u %-3u %c %-7s %-15s %-15s %s\n",
			fhrp_short_if(grp_ifname(g, p), sif, sizeof(sif)), p->h.cfg.group, p->h.priority,
			p->h.cfg.preempt ? 'P' : ' ', hsrp_fsm_state_name(p->h.state),
			who(p->h.active_ip, p->h.cfg.real_ip), who(p->h.standby_ip, p->h.cfg.real_ip),
			p->h.vip ? gw_ip(p->h.vip) : "unknown");
	}
}

static void show_vrrp_one(struct gw *g, const struct fhrp_grp *p, FILE *out)
{
	const struct vrrp_rtr *r = &p->v;
	char mac[16];
	int k;

	fprintf(out, "%s - Group %u\n", grp_ifname(g, p), r->cfg.vrid);
	if (grp_cfg(g, p)->description[0])
		fprintf(out, "  %s\n", grp_cfg(g, p)->description);
	fprintf(out, "  State is %s%s\n", vrrp_state_name(r->state),
		r->state == VRRP_ST_INIT ? (!r->link_up ? " (interface down)" : " (shutdown)") : "");
	for (k = 0; k < r->cfg.nvips; k++)
		fprintf(out, "  Virtual IP address is %s%s\n", gw_ip(r->cfg.vips[k]), k ? " secondary" : "");
	fprintf(out, "  Virtual MAC address is %s\n", mac_dotted(p->vmac, mac));
	fprintf(out, "  Advertisement interval is %u.%03u sec\n", r->cfg.adver_int_cs / 100,
		r->cfg.adver_int_cs % 100 * 10);
	if (r->cfg.preempt && r->cfg.preempt_delay_ms)
		fprintf(out, "  Preemption enabled, delay min %u secs\n", r->cfg.preempt_delay_ms / 1000);
	else
		fprintf(out, "  Preemption %s\n", r->cfg.preempt ? "enabled" : "disabled");
	fprintf(out, "  Priority is %u%s\n", vrrp_priority(r), vrrp_is_owner(&r->cfg) ? " (owner)" : "");
	if (r->state == VRRP_ST_MASTER)
		fprintf(out, "  Master Router is %s (local), priority is %u\n", gw_ip(r->cfg.primary_ip),
			vrrp_priority(r));
	else if (r->master_ip)
		fprintf(out, "  Master Router is %s, priority is %u\n", gw_ip(r->master_ip), r->master_prio);
	else
		fprintf(out, "  Master Router is unknown\n");
	fprintf(out, "  Master Advertisement interval is %u.%03u sec\n", r->master_adver_cs / 100,
		r->master_adver_cs % 100 * 10);
	fprintf(out, "  Master Down interval is %u.%03u sec\n", (unsigned)(vrrp_master_down_ms(r) / 1000),
		(unsigned)(vrrp_master_down_ms(r) % 1000));
}

static void show_vrrp_brief(struct gw *g, FILE *out)
{
	const struct gw_fhrp_set *s = g->fhrp;
	char sif[32];
	int i;

	fprintf(out, "Interface          Grp Pri Time  Own Pre State   Master addr     Group addr\n");
	for (i = 0; s && i < s->ngrps; i++) {
		const struct fhrp_grp *p = &s->grps[i];
		const struct vrrp_rtr *r = &p->v;

		if (p->proto != IOS_FHRP_VRRP || !p->running)
			continue;
		fprintf(out, "%-18s %-3u %-3u %-5u %-3s %-3s %-7s %-15s %s\n",
			fhrp_short_if(grp_ifname(g, p), sif, sizeof(sif)), r->cfg.vrid, vrrp_priority(r),
			(unsigned)vrrp_master_down_ms(r), vrrp_is_owner(&r->cfg) ? "Y" : "", r->cfg.preempt ? "Y" : "",
			vrrp_state_name(r->state),
			r->state == VRRP_ST_MASTER ? gw_ip(r->cfg.primary_ip) : r->master_ip ? gw_ip(r->master_ip) :
			"unknown", gw_ip(r->cfg.vips[0]));
	}
}

static void json_if_counters(struct json_w *w, const struct fhrp_if *ifp)
{
	int d;

	json_key(w, "interface_counters");
	json_begin_object(w);
	json_kv_int(w, "rx_frames", (int64_t)ifp->rx);
	json_kv_int(w, "tx_frames", (int64_t)ifp->tx);
	json_kv_int(w, "tx_errors", (int64_t)ifp->tx_errors);
	json_key(w, "rx_drops");
	json_begin_object(w);
	for (d = 0; d < FHRP_RX_MAX; d++)
		json_kv_int(w, fhrp_rx_names[d], (int64_t)ifp->rx_drops[d]);
	json_end_object(w);
	json_end_object(w);
}

static void json_grp(struct gw *g, struct json_w *w, const struct fhrp_grp *p, uint64_t now)
{
	char mac[16], sif[32];
	int d, k;

	json_begin_object(w);
	json_kv_string(w, "interface", grp_ifname(g, p));
	json_kv_string(w, "interface_short", fhrp_short_if(grp_ifname(g, p), sif, sizeof(sif)));
	json_kv_string(w, "linux_interface", p->ifp->lnx);
	json_kv_string(w, "vmac_link", p->vname);
	json_kv_string(w, "virtual_mac", mac_dotted(p->vmac, mac));
	json_kv_bool(w, "running", p->running);
	json_kv_bool(w, "active", p->active);
	json_kv_string(w, "name", grp_cfg(g, p)->name);
	json_kv_int(w, "garps_sent", (int64_t)p->garps);
	json_kv_int(w, "became_active", (int64_t)p->became_active);
	json_kv_bool(w, "line_protocol_up", p->ifp->up);
	if (p->proto == IOS_FHRP_HSRP) {
		const struct hsrp_grp *h = &p->h;

		json_kv_int(w, "group", h->cfg.group);
		json_kv_int(w, "version", h->cfg.version);
		json_kv_string(w, "state", hsrp_fsm_state_name(h->state));
		json_kv_int(w, "priority", h->priority);
		json_kv_int(w, "configured_priority", h->cfg.priority);
		json_kv_bool(w, "preempt", h->cfg.preempt);
		json_kv_int(w, "preempt_delay_ms", h->cfg.preempt_delay_ms);
		json_kv_string(w, "virtual_ip", h->vip ? gw_ip(h->vip) : "unknown");
		json_kv_string(w, "active_router", who(h->active_ip, h->cfg.real_ip));
		json_kv_int(w, "active_priority", h->active_prio);
		json_kv_string(w, "standby_router", who(h->standby_ip, h->cfg.real_ip));
		json_kv_int(w, "hello_ms", h->hello_ms);
		json_kv_int(w, "hold_ms", h->hold_ms);
		json_kv_int(w, "state_changes", h->changes);
		json_kv_int(w, "last_change_age_ms", (int64_t)(now > h->last_change_ms ? now - h->last_change_ms : 0));
		json_key(w, "tracks");
		json_begin_array(w);
		for (k = 0; k < (int)h->cfg.ntrack; k++) {
			json_begin_object(w);
			json_kv_string(w, "interface", h->cfg.track[k].ifname);
			json_kv_int(w, "decrement", h->cfg.track[k].decrement);
			json_kv_bool(w, "up", !h->track_down[k]);
			json_end_object(w);
		}
		json_end_array(w);
		json_kv_int(w, "rx", (int64_t)h->rx);
		json_kv_int(w, "tx", (int64_t)h->tx);
		json_key(w, "drops");
		json_begin_object(w);
		for (d = 0; d < HSRP_DROP_MAX; d++)
			json_kv_int(w, hsrp_drop_name((enum hsrp_drop)d), (int64_t)h->drops[d]);
		json_end_object(w);
	} else {
		const struct vrrp_rtr *r = &p->v;

		json_kv_int(w, "group", r->cfg.vrid);
		json_kv_int(w, "version", r->cfg.version);
		json_kv_string(w, "state", vrrp_state_name(r->state));
		json_kv_int(w, "priority", vrrp_priority(r));
		json_kv_bool(w, "owner", vrrp_is_owner(&r->cfg));
		json_kv_bool(w, "preempt", r->cfg.preempt);
		json_key(w, "virtual_ips");
		json_begin_array(w);
		for (k = 0; k < r->cfg.nvips; k++)
			json_string(w, gw_ip(r->cfg.vips[k]));
		json_end_array(w);
		json_kv_string(w, "master_router", r->state == VRRP_ST_MASTER ? "local" :
			       r->master_ip ? gw_ip(r->master_ip) : "unknown");
		json_kv_int(w, "master_priority", r->state == VRRP_ST_MASTER ? vrrp_priority(r) : r->master_prio);
		json_kv_int(w, "adver_int_ms", r->cfg.adver_int_cs * 10);
		json_kv_int(w, "master_adver_int_ms", r->master_adver_cs * 10);
		json_kv_int(w, "skew_ms", (int64_t)vrrp_skew_ms(r));
		json_kv_int(w, "master_down_ms", (int64_t)vrrp_master_down_ms(r));
		json_kv_int(w, "adverts_tx", (int64_t)r->adverts_tx);
		json_kv_int(w, "adverts_rx", (int64_t)r->adverts_rx);
		json_kv_int(w, "prio0_tx", (int64_t)r->prio0_tx);
		json_kv_int(w, "prio0_rx", (int64_t)r->prio0_rx);
		json_kv_int(w, "became_master", (int64_t)r->became_master);
		json_key(w, "drops");
		json_begin_object(w);
		for (d = 0; d < VRRP_DROP_MAX; d++)
			json_kv_int(w, vrrp_drop_name((enum vrrp_drop)d), (int64_t)r->drops[d]);
		json_end_object(w);
	}
	json_if_counters(w, p->ifp);
	json_end_object(w);
}

int gw_fhrp_show(struct gw *g, const char *what, int json, FILE *out)
{
	const struct gw_fhrp_set *s = g->fhrp;
	bool hsrp = !strncmp(what, "standby", 7), brief;
	uint64_t now = loop_now_ms(g->loop);
	int i;

	if (!hsrp && strncmp(what, "vrrp", 4)) {
		fprintf(out, "%% Invalid input detected: 'show %s'\n", what);
		return -1;
	}
	what += hsrp ? 7 : 4;
	brief = !strcmp(what, " brief");
	if (*what && !brief) {
		fprintf(out, "%% Invalid input detected: 'show %s%s'\n", hsrp ? "standby" : "vrrp", what);
		return -1;
	}
	if (json) {
		struct json_w w;

		json_init(&w, out, 1);
		json_begin_object(&w);
		json_key(&w, hsrp ? "standby" : "vrrp");
		json_begin_array(&w);
		for (i = 0; s && i < s->ngrps; i++)
			if (s->grps[i].running && (s->grps[i].proto == IOS_FHRP_HSRP) == hsrp)
				json_grp(g, &w, &s->grps[i], now);
		json_end_array(&w);
		json_end_object(&w);
		json_finish(&w);
		fputc('\n', out);
		return 0;
	}
	if (brief) {
		if (hsrp)
			show_standby_brief(g, out);
		else
			show_vrrp_brief(g, out);
		return 0;
	}
	for (i = 0; s && i < s->ngrps; i++) {
		const struct fhrp_grp *p = &s->grps[i];

		if (!p->running || (p->proto == IOS_FHRP_HSRP) != hsrp)
			continue;
		if (hsrp) {
			char buf[2048];

			fputs(hsrp_fsm_show(&p->h, now, buf, sizeof(buf)), out);
		} else {
			show_vrrp_one(g, p, out);
		}
	}
	return 0;
}
