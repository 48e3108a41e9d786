/* gw_sa.c — what the IKE engine asks of the daemon: send a message, install or remove
 * an SA pair in the data plane, record keys, log; and the engine's timer.
 *
 * Every SA the engine brings up is written to the run's key tables in Wireshark's UAT
 * formats (ikev1_decryption_table: "icookie,key"; esp_sa: one row per direction) so
 * the harness and tshark decrypt the captures.
 */
#include "gw.h"

#include <string.h>

#include <openssl/crypto.h>

static void gw_ike_send(void *ctx, const struct ike_endpoint *local, const struct ike_endpoint *remote,
			const uint8_t *msg, size_t len)
{
	gw_send_ike(ctx, local, remote, msg, len);
}

static FILE *keys_open(struct gw *g, const char *name)
{
	char path[640];

	if (!g->keys_dir[0])
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", g->keys_dir, name);
	return fopen(path, "a");
}

static void hex(FILE *f, const uint8_t *p, size_t n)
{
	while (n--)
		fprintf(f, "%02x", *p++);
}

static const char *ws_encr(enum esp_enc_alg e)
{
	switch (e) {
	case ESP_ENC_DES: return "DES-CBC [RFC2405]";
	case ESP_ENC_3DES: return "TripleDES-CBC [RFC2451]";
	case ESP_ENC_AES_CBC: return "AES-CBC [RFC3602]";
	case ESP_ENC_NULL: return "NULL";
	}
	return "NULL";
}

static const char *ws_auth(enum esp_auth_alg a)
{
	switch (a) {
	case ESP_AUTH_HMAC_MD5: return "HMAC-MD5-96 [RFC2403]";
	case ESP_AUTH_HMAC_SHA1: return "HMAC-SHA-1-96 [RFC2404]";
	case ESP_AUTH_HMAC_SHA256: return "HMAC-SHA-256-128 [RFC4868]";
	case ESP_AUTH_NONE: return "NULL";
	}
	return "NULL";
}

static void esp_row(FILE *f, uint32_t src, uint32_t dst, uint32_t spi, const struct ike_child *c,
		    const uint8_t *keys)
{
	fprintf(f, "\"IPv4\",\"%s\",\"%s\",\"0x%08x\",\"%s\",\"0x", gw_ip(src), gw_ip(dst), spi, ws_encr(c->enc));
	hex(f, keys, c->enc_key_len);
	fprintf(f, "\",\"%s\",\"%s", ws_auth(c->auth), c->auth_key_len ? "0x" : "");
	hex(f, keys + c->enc_key_len, c->auth_key_len);
	fprintf(f, "\"\n");
}

static void gw_ike_keys(void *ctx, const uint8_t icookie[8], const uint8_t rcookie[8], const uint8_t *key,
			size_t len, enum ike_enc enc, enum ike_hash hash)
{
	struct gw *g = ctx;
	FILE *f = keys_open(g, "ikev1_decryption_table");

	(void)rcookie;
	(void)enc;
	(void)hash;
	if (!f)
		return;
	hex(f, icookie, 8);
	fputc(',', f);
	hex(f, key, len);
	fputc('\n', f);
	fclose(f);
}

static struct gw_child *child_find(struct gw *g, uint32_t spi_in)
{
	unsigned i;

	for (i = 0; i < GW_MAX_CHILDREN; i++)
		if (g->children[i].used && g->children[i].c.spi_in == spi_in)
			return &g->children[i];
	return NULL;
}

static struct gw_flow *flow_of(struct gw *g, unsigned conn, unsigned sel)
{
	unsigned i;

	for (i = 0; i < g->nflows; i++)
		if (g->flows[i].conn == conn && g->flows[i].sel == sel)
			return &g->flows[i];
	return NULL;
}

static void gw_child_up(void *ctx, const struct ike_child *c)
{
	struct gw *g = ctx;
	struct esp_sa_params in = { 0 }, out = { 0 };
	struct gw_child *ch = NULL;
	char err[256];
	unsigned i;
	FILE *f;

	if (child_find(g, c->spi_in)) {
		gw_log(g, "IPSEC(create_sa): SA with inbound SPI 0x%08X exists already: ignored", c->spi_in);
		return;
	}
	for (i = 0; i < GW_MAX_CHILDREN && !ch; i++)
		if (!g->children[i].used)
			ch = &g->children[i];
	if (!ch) {
		gw_log(g, "IPSEC(create_sa): no room for another SA pair (%d): not installed", GW_MAX_CHILDREN);
		return;
	}
	in.spi = c->spi_in;
	in.dir = ESP_DIR_IN;
	in.enc = c->enc;
	in.enc_key = c->key_in;
	in.enc_key_len = c->enc_key_len;
	in.auth = c->auth;
	in.auth_key = c->key_in + c->enc_key_len;
	in.auth_key_len = c->auth_key_len;
	out = in;
	out.spi = c->spi_out;
	out.dir = ESP_DIR_OUT;
	out.enc_key = c->key_out;
	out.auth_key = c->key_out + c->enc_key_len;
	memset(ch, 0, sizeof(*ch));
	ch->in = esp_sa_new(&in, err, sizeof(err));
	ch->out = ch->in ? esp_sa_new(&out, err, sizeof(err)) : NULL;
	if (!ch->in || !ch->out || esp_sadb_add(g->sadb, ch->in) < 0) {
		gw_log(g, "IPSEC(create_sa): SA 0x%08X/0x%08X not installed: %s", c->spi_in, c->spi_out, err);
		if (ch->out)
			esp_sa_free(ch->out);
		if (ch->in)
			esp_sa_free(ch->in);
		memset(ch, 0, sizeof(*ch));
		return;
	}
	ch->used = 1;
	ch->c = *c;
	ch->created_ms = loop_now_ms(g->loop);
	ch->id = 2000 + 2 * g->next_child_id++;
	ch->flow = flow_of(g, c->conn_index, c->sel_index);
	if (ch->flow)
		ch->flow->out = ch;      /* the newest SA pair carries the flow (rekey) */
	f = keys_open(g, "esp_sa");
	if (f) {
		esp_row(f, c->remote.addr, c->local.addr, c->spi_in, c, c->key_in);
		esp_row(f, c->local.addr, c->remote.addr, c->spi_out, c, c->key_out);
		fclose(f);
	}
	/* the keys now live only inside the esp_sa contexts */
	OPENSSL_cleanse(ch->c.key_in, sizeof(ch->c.key_in));
	OPENSSL_cleanse(ch->c.key_out, sizeof(ch->c.key_out));
	gw_rri_child_up(g, c);
}

static void child_release(struct gw *g, struct gw_child *ch)
{
	struct gw_flow *f = ch->flow;
	unsigned i;

	gw_dp_forget(g, ch);
	/* the SA goes, its drop counts stay in the gateway's totals (show counters) */
	for (i = 0; i < ESP_DROP_MAX; i++)
		g->esp_retired_drops[i] += esp_sa_counters(ch->in)->drops[i] + esp_sa_counters(ch->out)->drops[i];
	esp_sadb_del(g->sadb, ch->c.spi_in);
	esp_sa_free(ch->out);
	ch->used = 0;
	if (f && f->out == ch) {
		f->out = NULL;
		for (i = 0; i < GW_MAX_CHILDREN; i++) {
			struct gw_child *o = &g->children[i];

			if (o->used && o->flow == f && (!f->out || o->created_ms > f->out->created_ms))
				f->out = o;
		}
	}
	memset(ch, 0, sizeof(*ch));
}

/* The engine logs create_sa / delete_sa in IOS words; the data plane just follows. */
static void gw_child_down(void *ctx, const struct ike_child *c, const char *reason)
{
	struct gw *g = ctx;
	struct gw_child *ch = child_find(g, c->spi_in);

	(void)reason;
	if (!ch)
		return;
	gw_rri_child_down(g, c);
	child_release(g, ch);
}

/* Shutdown: every child goes, and with it every RRI route (no stale kernel route). */
void gw_children_flush(struct gw *g)
{
	unsigned i;

	for (i = 0; i < GW_MAX_CHILDREN; i++)
		if (g->children[i].used) {
			gw_rri_child_down(g, &g->children[i].c);   /* the last one per route removes it */
			child_release(g, &g->children[i]);
		}
	gw_redund_stop(g);
	gw_rri_stop(g);
}

static void gw_ike_log(void *ctx, const char *line)
{
	gw_log(ctx, "%s", line);
}

const struct ike_ops gw_ike_ops_template = {
	.ctx = NULL,
	.send = gw_ike_send,
	.child_up = gw_child_up,
	.child_down = gw_child_down,
	.ike_keys = gw_ike_keys,
	.log = gw_ike_log,
};

static void gw_ike_timer_cb(void *arg)
{
	struct gw *g = arg;

	ike_tick(g->ike, loop_now_ms(g->loop));
	gw_ike_schedule(g);
}

void gw_ike_schedule(struct gw *g)
{
	uint64_t next = ike_next_timeout(g->ike);

	gw_dpd_kick(g);      /* traffic or IKE input just happened: an answered probe ends now */
	if (!g->ike_timer.cb)
		loop_timer_init(&g->ike_timer, gw_ike_timer_cb, g);
	if (next == UINT64_MAX) {
		loop_timer_stop(g->loop, &g->ike_timer);
		return;
	}
	loop_timer_at(g->loop, &g->ike_timer, next);
}
