/* ike_testnet.c — the mock network of ike_testnet.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ike_testnet.h"

void tn_cfg(struct ike_cfg *c, int side, enum ike_enc enc, unsigned bits, enum ike_hash h,
	    unsigned group, enum esp_enc_alg ee, unsigned ebits, enum esp_auth_alg ea, unsigned pfs,
	    int natt)
{
	struct ike_conn *k;

	memset(c, 0, sizeof(*c));
	c->npolicies = 1;
	c->policies[0] = (struct ike_policy){ 10, enc, bits, h, IKE_AUTH_PSK, group, 86400 };
	c->npsks = 1;
	c->psks[0].addr = side ? TN_A_ADDR : TN_B_ADDR;
	c->psks[0].mask = 0xffffffffu;
	snprintf(c->psks[0].key, sizeof(c->psks[0].key), "cisco123");
	c->nconns = 1;
	k = &c->conns[0];
	snprintf(k->map, sizeof(k->map), "vpn");
	k->seq = 10;
	k->npeers = 1;
	k->peers[0] = side ? TN_A_ADDR : TN_B_ADDR;
	k->ntsets = 1;
	k->tsets[0] = (struct ike_tset){ "ts", ee, ebits, ea };
	k->pfs_group = pfs;
	k->nsel = 1;
	k->sel[0] = side ? (struct ike_selector){ TN_IP(10, 2, 0, 0), TN_IP(10, 1, 0, 0), 24, 24, 0, 0, 0 }
			 : (struct ike_selector){ TN_IP(10, 1, 0, 0), TN_IP(10, 2, 0, 0), 24, 24, 0, 0, 0 };
	k->local_addr = side ? TN_B_ADDR : TN_A_ADDR;
	c->natt = natt;
	snprintf(c->hostname, sizeof(c->hostname), side ? "B" : "A");
}

static struct tn_peer *tn_peer_of(void *ctx, struct tn **net)
{
	struct tn_peer *p = ctx;

	*net = p->net;
	return p;
}

static void tn_send(void *ctx, const struct ike_endpoint *local, const struct ike_endpoint *remote,
		    const uint8_t *msg, size_t len)
{
	struct tn *n;
	struct tn_peer *p = tn_peer_of(ctx, &n);
	struct tn_msg *m;
	int from = p == &n->p[1];

	if (len > TN_MAX_MSG)
		return;
	m = calloc(1, sizeof(*m));
	if (!m)
		abort();
	m->from = from;
	m->src = *local;
	m->dst = *remote;
	/* the NAT in front of A translates port 500 only */
	if (n->nat && from == 0 && m->src.port == 500)
		m->src.port = 1500;
	if (n->nat && from == 1 && m->dst.port == 1500)
		m->dst.port = 500;
	m->t_ms = n->now;
	m->len = len;
	memcpy(m->data, msg, len);
	if (n->record && n->nrec < TN_RECORD) {
		struct tn_msg *r = malloc(sizeof(*r));

		if (r) {
			*r = *m;
			if (n->nat && from == 1 && r->dst.port == 500)
				r->dst.port = 1500;
			n->rec[n->nrec++] = r;
		}
	}
	if (n->drop && n->drop(n, m, n->nsent)) {
		n->nsent++;
		free(m);
		return;
	}
	n->nsent++;
	if (n->qlen >= TN_QUEUE) {
		free(m);
		return;
	}
	n->queue[(n->qhead + n->qlen++) % TN_QUEUE] = m;
}

static void tn_up(void *ctx, const struct ike_child *c)
{
	struct tn *n;
	struct tn_peer *p = tn_peer_of(ctx, &n);

	if (p->nup < TN_CHILDREN)
		p->up[p->nup++] = *c;
}

static void tn_down(void *ctx, const struct ike_child *c, const char *reason)
{
	struct tn *n;
	struct tn_peer *p = tn_peer_of(ctx, &n);

	if (p->ndown < TN_CHILDREN) {
		p->down[p->ndown].c = *c;
		snprintf(p->down[p->ndown].reason, sizeof(p->down[0].reason), "%s", reason);
		p->ndown++;
	}
}

static void tn_keys(void *ctx, const uint8_t icookie[8], const uint8_t rcookie[8], const uint8_t *key,
		    size_t len, enum ike_enc enc, enum ike_hash hash)
{
	struct tn *n;
	struct tn_peer *p = tn_peer_of(ctx, &n);

	(void)rcookie;
	(void)enc;
	(void)hash;
	memcpy(p->icookie, icookie, 8);
	if (len <= sizeof(p->ka)) {
		memcpy(p->ka, key, len);
		p->ka_len = len;
	}
	p->have_keys = 1;
}

static void tn_log(void *ctx, const char *line)
{
	struct tn *n;
	struct tn_peer *p = tn_peer_of(ctx, &n);

	snprintf(p->logs[p->nlogs % 64], sizeof(p->logs[0]), "%s", line);
	p->nlogs++;
	if (n->verbose)
		printf("[%8llu] %s\n", (unsigned long long)n->now, line);
}

static void tn_start(struct tn *n, int i)
{
	struct ike_ops ops = { &n->p[i], tn_send, tn_up, tn_down, tn_keys, tn_log };

	n->p[i].net = n;
	n->p[i].addr = i ? TN_B_ADDR : TN_A_ADDR;
	snprintf(n->p[i].name, sizeof(n->p[i].name), i ? "B" : "A");
	n->p[i].e = ike_new(&n->p[i].cfg, &ops);
	if (!n->p[i].e)
		abort();
}

void tn_init(struct tn *n, const struct ike_cfg *a, const struct ike_cfg *b)
{
	memset(n, 0, sizeof(*n));
	n->verbose = getenv("IKE_TEST_VERBOSE") != NULL;
	n->now = 1000000;
	n->record = 1;
	n->p[0].cfg = *a;
	n->p[1].cfg = *b;
	tn_start(n, 0);
	tn_start(n, 1);
}

void tn_restart(struct tn *n, int side)
{
	struct ike_cfg c = n->p[side].cfg;

	ike_free(n->p[side].e);
	memset(&n->p[side], 0, sizeof(n->p[side]));
	n->p[side].cfg = c;
	tn_start(n, side);
}

void tn_free(struct tn *n)
{
	unsigned i;

	for (i = 0; i < 2; i++)
		ike_free(n->p[i].e);
	while (n->qlen) {
		free(n->queue[n->qhead]);
		n->qhead = (n->qhead + 1) % TN_QUEUE;
		n->qlen--;
	}
	for (i = 0; i < n->nrec; i++)
		free(n->rec[i]);
	n->nrec = 0;
}

unsigned tn_run(struct tn *n, unsigned max)
{
	unsigned done = 0;

	while (n->qlen && done < max) {
		struct tn_msg *m = n->queue[n->qhead];
		struct ike_endpoint local = m->dst, remote = m->src;

		n->qhead = (n->qhead + 1) % TN_QUEUE;
		n->qlen--;
		ike_input(n->p[!m->from].e, n->now, &local, &remote, m->data, m->len);
		free(m);
		done++;
	}
	return done;
}

void tn_advance(struct tn *n, uint64_t ms)
{
	uint64_t end = n->now + ms;

	tn_run(n, 10000);
	for (;;) {
		uint64_t ta = ike_next_timeout(n->p[0].e), tb = ike_next_timeout(n->p[1].e);
		uint64_t t = ta < tb ? ta : tb;

		if (t > end)
			break;
		if (t > n->now)
			n->now = t;
		ike_tick(n->p[0].e, n->now);
		ike_tick(n->p[1].e, n->now);
		tn_run(n, 10000);
	}
	n->now = end;
}

void tn_inject(struct tn *n, int to, uint16_t sport, uint16_t dport, const uint8_t *msg, size_t len)
{
	struct ike_endpoint local = { n->p[to].addr, dport }, remote = { n->p[!to].addr, sport };

	ike_input(n->p[to].e, n->now, &local, &remote, msg, len);
}

unsigned tn_log_has(const struct tn *n, int side, const char *text)
{
	const struct tn_peer *p = &n->p[side];
	unsigned i, hits = 0, have = p->nlogs < 64 ? p->nlogs : 64;

	for (i = 0; i < have; i++)
		if (strstr(p->logs[i], text))
			hits++;
	return hits;
}

int tn_children_match(const struct tn *n, unsigned ia, unsigned ib)
{
	const struct ike_child *a = &n->p[0].up[ia], *b = &n->p[1].up[ib];
	size_t kl = a->enc_key_len + a->auth_key_len;

	return a->spi_in == b->spi_out && a->spi_out == b->spi_in && kl > 0 &&
	       kl == b->enc_key_len + b->auth_key_len && !memcmp(a->key_in, b->key_out, kl) &&
	       !memcmp(a->key_out, b->key_in, kl) && memcmp(a->key_in, a->key_out, kl) != 0;
}

/* --- pcap ------------------------------------------------------------------------ */

static void le32(FILE *f, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	fwrite(b, 1, 4, f);
}

static void le16(FILE *f, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	fwrite(b, 1, 2, f);
}

static uint16_t ip_cksum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

int tn_write_pcap(const struct tn *n, const char *path)
{
	FILE *f = fopen(path, "wb");
	unsigned i;

	if (!f)
		return -1;
	/* classic pcap, little-endian, microseconds, Ethernet */
	le32(f, 0xA1B2C3D4u);
	le16(f, 2);
	le16(f, 4);
	le32(f, 0);
	le32(f, 0);
	le32(f, 65535);
	le32(f, 1);
	for (i = 0; i < n->nrec; i++) {
		const struct tn_msg *m = n->rec[i];
		static uint8_t fr[TN_MAX_MSG + 64];
		size_t marker = (m->src.port == 4500 || m->dst.port == 4500) ? 4 : 0;
		size_t udp_len = 8 + marker + m->len, ip_len = 20 + udp_len, o = 0;
		uint16_t ck;

		memset(fr, 0, 42 + marker);
		/* Ethernet: dst then src, 02:00:00:00:00:01 is A, …:02 is B */
		fr[5] = (uint8_t)(m->from ? 1 : 2);
		fr[11] = (uint8_t)(m->from ? 2 : 1);
		fr[0] = fr[6] = 2;
		fr[12] = 0x08;
		o = 14;
		fr[o] = 0x45;
		fr[o + 2] = (uint8_t)(ip_len >> 8);
		fr[o + 3] = (uint8_t)ip_len;
		fr[o + 8] = 64;
		fr[o + 9] = 17;
		fr[o + 12] = (uint8_t)(m->src.addr >> 24); fr[o + 13] = (uint8_t)(m->src.addr >> 16);
		fr[o + 14] = (uint8_t)(m->src.addr >> 8); fr[o + 15] = (uint8_t)m->src.addr;
		fr[o + 16] = (uint8_t)(m->dst.addr >> 24); fr[o + 17] = (uint8_t)(m->dst.addr >> 16);
		fr[o + 18] = (uint8_t)(m->dst.addr >> 8); fr[o + 19] = (uint8_t)m->dst.addr;
		ck = ip_cksum(fr + o, 20);
		fr[o + 10] = (uint8_t)(ck >> 8);
		fr[o + 11] = (uint8_t)ck;
		o += 20;
		fr[o] = (uint8_t)(m->src.port >> 8); fr[o + 1] = (uint8_t)m->src.port;
		fr[o + 2] = (uint8_t)(m->dst.port >> 8); fr[o + 3] = (uint8_t)m->dst.port;
		fr[o + 4] = (uint8_t)(udp_len >> 8); fr[o + 5] = (uint8_t)udp_len;
		o += 8 + marker;               /* UDP checksum 0; non-ESP marker = 4 zero octets */
		memcpy(fr + o, m->data, m->len);
		o += m->len;
		le32(f, (uint32_t)(m->t_ms / 1000));
		le32(f, (uint32_t)(m->t_ms % 1000 * 1000));
		le32(f, (uint32_t)o);
		le32(f, (uint32_t)o);
		fwrite(fr, 1, o, f);
	}
	return fclose(f) == 0 ? 0 : -1;
}
