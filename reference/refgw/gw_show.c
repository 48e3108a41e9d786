/* gw_show.c — control requests (ctl/): IOS-style show / clear / configure, and
 * `initiate` (the harness's way to bring tunnels up without traffic).
 *
 * Text output follows IOS 12.x as printed in the documents (`show crypto isakmp sa`,
 * `show crypto ipsec sa` with its #pkts counters, SPIs and lifetimes). "json " before a
 * show gives the same facts as JSON, one SA object per line (the harness driver reads it).
 */
#include "gw.h"

#include <inttypes.h>
#include <stdlib.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "json.h"

static const char *enc_name(enum ike_enc e, unsigned bits, char *buf, size_t len)
{
	switch (e) {
	case IKE_ENC_DES: return "des";
	case IKE_ENC_3DES: return "3des";
	case IKE_ENC_AES_CBC: snprintf(buf, len, bits && bits != 128 ? "aes%u" : "aes", bits); return buf;
	}
	return "?";
}

static const char *hash_name(enum ike_hash h)
{
	return h == IKE_HASH_MD5 ? "md5" : h == IKE_HASH_SHA1 ? "sha" : h == IKE_HASH_SHA256 ? "sha256" : "?";
}

static void tset_name(const struct ike_child *c, char *buf, size_t len)
{
	const char *e = c->enc == ESP_ENC_DES ? "esp-des" : c->enc == ESP_ENC_3DES ? "esp-3des" :
			c->enc == ESP_ENC_AES_CBC ? "esp-aes" : "esp-null";
	const char *a = c->auth == ESP_AUTH_HMAC_MD5 ? " esp-md5-hmac" : c->auth == ESP_AUTH_HMAC_SHA1 ? " esp-sha-hmac" :
			c->auth == ESP_AUTH_HMAC_SHA256 ? " esp-sha256-hmac" : "";

	if (c->enc == ESP_ENC_AES_CBC && c->enc_key_len != 16)
		snprintf(buf, len, "%s %u%s", e, c->enc_key_len * 8, a);
	else
		snprintf(buf, len, "%s%s", e, a);
}

static const char *mask_str(uint8_t plen)
{
	return gw_ip(gw_plen_mask(plen));
}

static void hex8(char *out, const uint8_t c[8])
{
	for (int i = 0; i < 8; i++)
		sprintf(out + 2 * i, "%02x", c[i]);
}

/* The DPD settings an SA runs with (snapshot of its establishment) and where it is:
 * "DPD 10/2 periodic", "DPD 10/2 periodic, probing (attempt 2 of 5)", "no DPD",
 * "DPD 10/2 periodic, peer without DPD: not probed". */
static const char *sa_dpd_text(const struct gw *g, const struct ike_sa_info *sa, char *buf, size_t len)
{
	const struct gw_dpd *d = gw_dpd_find(g, sa->conn_id);
	char c[64];

	if (!d) {
		snprintf(buf, len, "%s", sa->deleted ? "deleted" : strcmp(sa->state, "QM_IDLE") ? "not established" :
			 "no DPD");
		return buf;
	}
	dpd_cfg_describe(&d->sm.cfg, c, sizeof(c));
	if (!dpd_active(&d->sm.cfg))
		snprintf(buf, len, "%s", c);
	else if (!d->peer_dpd)
		snprintf(buf, len, "%s, peer without DPD: not probed", c);
	else if (d->sm.phase == DPD_PH_PROBING)
		snprintf(buf, len, "%s, probing (attempt %u of %d)", c, d->sm.attempt,
			 dpd_retransmissions(&d->sm.cfg));
	else
		snprintf(buf, len, "%s, %s", c, dpd_phase_name(d->sm.phase));
	return buf;
}

static void json_sa_dpd(struct json_w *w, const struct gw *g, const struct ike_sa_info *sa)
{
	const struct gw_dpd *d = gw_dpd_find(g, sa->conn_id);
	char b[128];

	json_kv_string(w, "dpd_settings", sa_dpd_text(g, sa, b, sizeof(b)));
	json_key(w, "dpd_cfg");
	if (!d || !dpd_active(&d->sm.cfg)) {
		json_null(w);
		return;
	}
	json_begin_object(w);
	json_kv_string(w, "style", dpd_style_name(d->sm.cfg.style));
	json_kv_string(w, "mode", d->sm.cfg.mode == DPD_PERIODIC ? "periodic" : "on-demand");
	json_kv_double(w, "interval_s", d->sm.cfg.interval_s, -1);
	json_kv_double(w, "retry_s", dpd_retry_s(&d->sm.cfg), -1);
	json_kv_int(w, "retransmissions", dpd_retransmissions(&d->sm.cfg));
	json_kv_double(w, "probe_to_dead_s", dpd_probe_to_dead_s(&d->sm.cfg), -1);
	json_kv_string(w, "state", d->peer_dpd ? dpd_phase_name(d->sm.phase) : "not probed");
	json_kv_int(w, "attempt", d->sm.attempt);
	json_end_object(w);
}

static void show_isakmp(struct gw *g, FILE *out, int detail, int json)
{
	struct ike_sa_info sa[64];
	size_t n, i;
	char eb[16], ic[17], rc[17], db[128];

	gw_dpd_reschedule(g);   /* settings for SAs established since the last scan; state as of now */
	n = ike_list_isakmp(g->ike, loop_now_ms(g->loop), sa, 64);
	if (json) {
		struct json_w w;

		json_init(&w, out, 1);
		json_begin_object(&w);
		json_key(&w, "isakmp_sa");
		json_begin_array(&w);
		for (i = 0; i < n; i++) {
			hex8(ic, sa[i].icookie);
			hex8(rc, sa[i].rcookie);
			json_begin_object(&w);
			json_kv_string(&w, "dst", gw_ip(sa[i].dst));
			json_kv_string(&w, "src", gw_ip(sa[i].src));
			json_kv_string(&w, "local_addr", gw_ip(gw_sa_local(&sa[i])));
			json_kv_string(&w, "peer", gw_ip(gw_sa_peer(&sa[i])));
			json_kv_string(&w, "state", sa[i].state);
			json_kv_int(&w, "conn_id", sa[i].conn_id);
			json_kv_bool(&w, "initiator", sa[i].initiator);
			json_kv_string(&w, "icookie", ic);
			json_kv_string(&w, "rcookie", rc);
			json_kv_string(&w, "encr", enc_name(sa[i].enc, sa[i].key_bits, eb, sizeof(eb)));
			json_kv_string(&w, "hash", hash_name(sa[i].hash));
			json_kv_int(&w, "dh_group", sa[i].group);
			json_kv_int(&w, "lifetime_s", sa[i].lifetime_s);
			json_kv_int(&w, "remaining_s", sa[i].remaining_s);
			json_kv_int(&w, "age_s", sa[i].lifetime_s - sa[i].remaining_s);
			json_kv_bool(&w, "natt", sa[i].natt);
			json_kv_int(&w, "local_port", sa[i].local_port);
			json_kv_int(&w, "remote_port", sa[i].remote_port);
			json_kv_bool(&w, "dpd", sa[i].dpd_peer);
			json_sa_dpd(&w, g, &sa[i]);
			json_end_object(&w);
		}
		json_end_array(&w);
		json_end_object(&w);
		json_finish(&w);
		fputc('\n', out);
		return;
	}
	if (!detail) {
		fprintf(out, "dst             src             state          conn-id slot\n");
		for (i = 0; i < n; i++)
			fprintf(out, "%-15s %-15s %-14s %7u    0\n", gw_ip(sa[i].dst), gw_ip(sa[i].src), sa[i].state,
				sa[i].conn_id);
		return;
	}
	fprintf(out, "Codes: C - IKE configuration mode, D - Dead Peer Detection\n"
		"K - Keepalives, N - NAT-traversal\n"
		"X - IKE Extended Authentication\n"
		"psk - Preshared key, rsig - RSA signature\n"
		"renc - RSA encryption\n\n"
		"C-id  Local           Remote          I-VRF  Encr  Hash  Auth  DH  Lifetime  Cap.\n");
	for (i = 0; i < n; i++) {
		uint32_t r = sa[i].remaining_s;

		fprintf(out, "%-5u %-15s %-15s        %-5s %-5s %-5s %-3u %02u:%02u:%02u  %s%s\n", sa[i].conn_id,
			gw_ip(gw_sa_local(&sa[i])), gw_ip(gw_sa_peer(&sa[i])), enc_name(sa[i].enc, sa[i].key_bits, eb, sizeof(eb)),
			hash_name(sa[i].hash), "psk", sa[i].group, r / 3600, r / 60 % 60, r % 60,
			sa[i].dpd_peer ? "D" : "", sa[i].natt ? "N" : "");
		fprintf(out, "Connection-id:Engine-id = %u:1(software)\n", sa[i].conn_id);
		fprintf(out, "  %s\n", sa_dpd_text(g, &sa[i], db, sizeof(db)));
	}
}

static uint32_t child_remaining_s(struct gw *g, const struct gw_child *ch)
{
	uint64_t age = (loop_now_ms(g->loop) - ch->created_ms) / 1000;

	return age >= ch->c.lifetime_s ? 0 : (uint32_t)(ch->c.lifetime_s - age);
}

static void show_ipsec_json(struct gw *g, FILE *out)
{
	struct json_w w;
	unsigned i;
	char tb[64], p1[40], p2[40];

	json_init(&w, out, 1);
	json_begin_object(&w);
	json_key(&w, "ipsec_sa");
	json_begin_array(&w);
	for (i = 0; i < GW_MAX_CHILDREN; i++) {
		const struct gw_child *ch = &g->children[i];
		const struct esp_counters *ci, *co;
		const struct ike_conn *cn;

		if (!ch->used)
			continue;
		ci = esp_sa_counters(ch->in);
		co = esp_sa_counters(ch->out);
		cn = &g->ike_cfg.conns[ch->c.conn_index < g->ike_cfg.nconns ? ch->c.conn_index : 0];
		tset_name(&ch->c, tb, sizeof(tb));
		snprintf(p1, sizeof(p1), "%s/%u", gw_ip(ch->flow ? ch->flow->s.src : ch->c.local_sel.src),
			 ch->flow ? ch->flow->s.src_plen : ch->c.local_sel.src_plen);
		snprintf(p2, sizeof(p2), "%s/%u", gw_ip(ch->flow ? ch->flow->s.dst : ch->c.remote_sel.src),
			 ch->flow ? ch->flow->s.dst_plen : ch->c.remote_sel.src_plen);
		json_begin_object(&w);
		json_kv_string(&w, "interface", gw_conn_ifname(g, ch->c.conn_index));
		json_kv_string(&w, "crypto_map", cn->map);
		json_kv_int(&w, "seq", cn->seq);
		json_kv_string(&w, "local_addr", gw_ip(ch->c.local.addr));
		json_kv_string(&w, "peer", gw_ip(ch->c.remote.addr));
		json_kv_int(&w, "peer_port", ch->c.remote.port ? ch->c.remote.port : 500);
		json_kv_string(&w, "local_ident", p1);
		json_kv_string(&w, "remote_ident", p2);
		json_key(&w, "spi_in");
		json_stringf(&w, "0x%08X", ch->c.spi_in);
		json_key(&w, "spi_out");
		json_stringf(&w, "0x%08X", ch->c.spi_out);
		json_kv_string(&w, "transform", tb);
		json_kv_string(&w, "mode", ch->c.remote.port ? "Tunnel UDP-Encaps" : "Tunnel");
		json_kv_int(&w, "encaps", (int64_t)co->pkts);
		json_kv_int(&w, "decaps", (int64_t)ci->pkts);
		json_kv_int(&w, "bytes_out", (int64_t)co->bytes);
		json_kv_int(&w, "bytes_in", (int64_t)ci->bytes);
		json_kv_int(&w, "send_errors", (int64_t)ch->send_errors);
		json_kv_int(&w, "conn_id", ch->id);
		json_kv_int(&w, "age_s", (int64_t)((loop_now_ms(g->loop) - ch->created_ms) / 1000));
		json_kv_int(&w, "remaining_s", child_remaining_s(g, ch));
		json_kv_bool(&w, "current", ch->flow && ch->flow->out == ch);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_end_object(&w);
	json_finish(&w);
	fputc('\n', out);
}

static void show_sa_block(struct gw *g, FILE *out, const struct gw_child *ch, int inbound)
{
	const struct esp_counters *c = esp_sa_counters(inbound ? ch->in : ch->out);
	uint32_t spi = inbound ? ch->c.spi_in : ch->c.spi_out;
	uint64_t kb = ch->c.lifetime_kb > c->bytes / 1024 ? ch->c.lifetime_kb - c->bytes / 1024 : 0;
	char tb[64];

	tset_name(&ch->c, tb, sizeof(tb));
	fprintf(out, " spi: 0x%08X(%u)\n", spi, spi);
	fprintf(out, "  transform: %s ,\n", tb);
	fprintf(out, "  in use settings ={Tunnel%s, }\n", ch->c.remote.port ? " UDP-Encaps" : "");
	fprintf(out, "  slot: 0, conn id: %u, flow_id: %u, crypto map: %s\n", ch->id + (inbound ? 0 : 1),
		ch->id - 1999 + (inbound ? 0 : 1), g->ike_cfg.conns[ch->c.conn_index].map);
	fprintf(out, "  crypto engine type: Software, engine_id: 1\n");
	fprintf(out, "  sa timing: remaining key lifetime (k/sec): (%" PRIu64 "/%u)\n", kb, child_remaining_s(g, ch));
	fprintf(out, "  IV size: %u bytes\n", ch->c.enc == ESP_ENC_AES_CBC ? 16 : 8);
	fprintf(out, "  replay detection support: Y\n\n");
}

static void show_ipsec(struct gw *g, FILE *out)
{
	unsigned f, i;

	for (f = 0; f < g->nflows; f++) {
		const struct gw_flow *fl = &g->flows[f];
		const struct ike_conn *cn = &g->ike_cfg.conns[fl->conn];
		uint64_t enc = 0, dec = 0, serr = 0, rerr = 0;
		const struct gw_child *cur = fl->out;

		if (f == 0 || g->flows[f - 1].conn != fl->conn)
			fprintf(out, "\ninterface: %s\n    Crypto map tag: %s, local addr. %s\n", gw_conn_ifname(g, fl->conn),
				cn->map, gw_ip(cn->local_addr));
		for (i = 0; i < GW_MAX_CHILDREN; i++) {
			const struct gw_child *ch = &g->children[i];

			if (!ch->used || ch->flow != fl)
				continue;
			enc += esp_sa_counters(ch->out)->pkts;
			dec += esp_sa_counters(ch->in)->pkts;
			serr += ch->send_errors;
			for (int d = 1; d < ESP_DROP_MAX; d++)
				rerr += esp_sa_counters(ch->in)->drops[d];
		}
		fprintf(out, "\n   local  ident (addr/mask/prot/port): (%s/%s/%u/0)\n", gw_ip(fl->s.src),
			mask_str(fl->s.src_plen), fl->s.proto);
		fprintf(out, "   remote ident (addr/mask/prot/port): (%s/%s/%u/0)\n", gw_ip(fl->s.dst),
			mask_str(fl->s.dst_plen), fl->s.proto);
		if (cur)
			fprintf(out, "   current_peer: %s:%u\n", gw_ip(cur->c.remote.addr),
				cur->c.remote.port ? cur->c.remote.port : 500);
		else
			fprintf(out, "   current_peer: %s:500\n", gw_ip(cn->npeers ? cn->peers[0] : 0));
		fprintf(out, "     PERMIT, flags={origin_is_acl,}\n");
		fprintf(out, "    #pkts encaps: %" PRIu64 ", #pkts encrypt: %" PRIu64 ", #pkts digest: %" PRIu64 "\n",
			enc, enc, enc);
		fprintf(out, "    #pkts decaps: %" PRIu64 ", #pkts decrypt: %" PRIu64 ", #pkts verify: %" PRIu64 "\n",
			dec, dec, dec);
		fprintf(out, "    #pkts compressed: 0, #pkts decompressed: 0\n"
			"    #pkts not compressed: 0, #pkts compr. failed: 0\n"
			"    #pkts not decompressed: 0, #pkts decompress failed: 0\n");
		fprintf(out, "    #send errors %" PRIu64 ", #recv errors %" PRIu64 "\n\n", serr, rerr);
		fprintf(out, "     local crypto endpt.: %s, remote crypto endpt.: %s\n", gw_ip(cn->local_addr),
			gw_ip(cur ? cur->c.remote.addr : cn->npeers ? cn->peers[0] : 0));
		fprintf(out, "     path mtu 1500, ip mtu %d\n", GW_TUN_MTU);
		fprintf(out, "     current outbound spi: 0x%X(%u)\n\n", cur ? cur->c.spi_out : 0, cur ? cur->c.spi_out : 0);
		fprintf(out, "     inbound esp sas:\n");
		for (i = 0; i < GW_MAX_CHILDREN; i++)
			if (g->children[i].used && g->children[i].flow == fl)
				show_sa_block(g, out, &g->children[i], 1);
		fprintf(out, "\n     inbound ah sas:\n\n     inbound pcp sas:\n\n     outbound esp sas:\n");
		for (i = 0; i < GW_MAX_CHILDREN; i++)
			if (g->children[i].used && g->children[i].flow == fl)
				show_sa_block(g, out, &g->children[i], 0);
		fprintf(out, "\n     outbound ah sas:\n\n     outbound pcp sas:\n");
	}
}

static void show_session_json(struct gw *g, FILE *out, const struct ike_sa_info *sa, size_t n)
{
	struct json_w w;
	size_t i;
	unsigned f;

	json_init(&w, out, 1);
	json_begin_object(&w);
	json_key(&w, "sessions");
	json_begin_array(&w);
	for (i = 0; i < n; i++) {
		json_begin_object(&w);
		json_kv_string(&w, "peer", gw_ip(gw_sa_peer(&sa[i])));
		json_kv_int(&w, "peer_port", sa[i].remote_port);
		json_kv_string(&w, "ike_state", sa[i].state);
		json_key(&w, "flows");
		json_begin_array(&w);
		for (f = 0; f < g->nflows; f++) {
			const struct gw_flow *fl = &g->flows[f];

			if (!fl->out || fl->out->c.remote.addr != gw_sa_peer(&sa[i]))
				continue;
			json_stringf(&w, "%u %s/%u %s/%u", fl->s.proto, gw_ip(fl->s.src), fl->s.src_plen,
				     gw_ip(fl->s.dst), fl->s.dst_plen);
		}
		json_end_array(&w);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_end_object(&w);
	json_finish(&w);
	fputc('\n', out);
}

static void show_session(struct gw *g, FILE *out, int json)
{
	struct ike_sa_info sa[64];
	size_t n = ike_list_isakmp(g->ike, loop_now_ms(g->loop), sa, 64), i;
	unsigned f;

	if (json) {
		show_session_json(g, out, sa, n);
		return;
	}

	fprintf(out, "Crypto session current status\n\n");
	for (i = 0; i < n; i++) {
		unsigned active = 0;

		for (f = 0; f < GW_MAX_CHILDREN; f++)
			if (g->children[f].used && g->children[f].c.remote.addr == gw_sa_peer(&sa[i]))
				active += 2;
		fprintf(out, "Session status: %s\nPeer: %s port %u\n", !strcmp(sa[i].state, "QM_IDLE") ?
			(active ? "UP-ACTIVE" : "UP-IDLE") : "UP-NO-IKE", gw_ip(gw_sa_peer(&sa[i])), sa[i].remote_port);
		fprintf(out, "  IKE SA: local %s/%u remote %s/%u %s\n", gw_ip(gw_sa_local(&sa[i])), sa[i].local_port,
			gw_ip(gw_sa_peer(&sa[i])), sa[i].remote_port, !strcmp(sa[i].state, "QM_IDLE") ? "Active" : "Inactive");
		for (f = 0; f < g->nflows; f++) {
			const struct gw_flow *fl = &g->flows[f];

			if (!fl->out || fl->out->c.remote.addr != gw_sa_peer(&sa[i]))
				continue;
			if (fl->s.proto)
				fprintf(out, "  IPSEC FLOW: permit %u %s/%s", fl->s.proto, gw_ip(fl->s.src), mask_str(fl->s.src_plen));
			else
				fprintf(out, "  IPSEC FLOW: permit ip %s/%s", gw_ip(fl->s.src), mask_str(fl->s.src_plen));
			fprintf(out, " %s/%s\n        Active SAs: 2, origin: crypto map\n", gw_ip(fl->s.dst),
				mask_str(fl->s.dst_plen));
		}
		fputc('\n', out);
	}
}

static void show_counters(struct gw *g, FILE *out, int json)
{
	static const char *const gw_names[GW_DROP_MAX] = {
		"no-sa", "not-ipv4", "no-flow", "policy", "short", "send", "tun-write", "not-active",
	};
	const struct ike_stats *is = ike_get_stats(g->ike);
	const struct esp_counters *ec = esp_sadb_counters(g->sadb);
	uint64_t esp_drops[ESP_DROP_MAX] = { 0 };
	unsigned i, d;
	struct json_w w;

	for (d = 0; d < ESP_DROP_MAX; d++)
		esp_drops[d] = ec->drops[d] + g->esp_retired_drops[d];
	for (i = 0; i < GW_MAX_CHILDREN; i++)
		if (g->children[i].used)
			for (d = 0; d < ESP_DROP_MAX; d++)
				esp_drops[d] += esp_sa_counters(g->children[i].in)->drops[d] +
						esp_sa_counters(g->children[i].out)->drops[d];
	if (json) {
		json_init(&w, out, 1);
		json_begin_object(&w);
		json_key(&w, "ike");
		json_begin_object(&w);
		json_kv_int(&w, "rx", (int64_t)is->rx);
		json_kv_int(&w, "tx", (int64_t)is->tx);
		json_kv_int(&w, "retransmits", (int64_t)is->retransmits);
		json_key(&w, "dropped");
		json_begin_object(&w);
		for (d = 0; d < IKE_DROP_MAX; d++)
			json_kv_int(&w, ike_drop_name((int)d), (int64_t)is->dropped[d]);
		json_end_object(&w);
		json_key(&w, "invalid_spi");
		json_begin_object(&w);
		json_kv_int(&w, "notifies_sent", (int64_t)is->invalid_spi_sent);
		json_kv_int(&w, "notifies_suppressed", (int64_t)is->invalid_spi_suppressed);
		json_kv_int(&w, "no_ike_sa", (int64_t)is->invalid_spi_no_sa);
		json_kv_int(&w, "recoveries_started", (int64_t)is->invalid_spi_recoveries);
		json_kv_int(&w, "notifies_received", (int64_t)is->invalid_spi_received);
		json_kv_int(&w, "notifies_unmatched", (int64_t)is->invalid_spi_unmatched);
		json_end_object(&w);
		json_end_object(&w);
		json_key(&w, "esp_dropped");
		json_begin_object(&w);
		for (d = 1; d < ESP_DROP_MAX; d++)
			json_kv_int(&w, esp_drop_name((enum esp_drop)d), (int64_t)esp_drops[d]);
		json_end_object(&w);
		json_key(&w, "gw_dropped");
		json_begin_object(&w);
		for (d = 0; d < GW_DROP_MAX; d++)
			json_kv_int(&w, gw_names[d], (int64_t)g->drops[d]);
		json_end_object(&w);
		json_kv_int(&w, "natt_keepalives", (int64_t)g->natt_keepalives);
		json_end_object(&w);
		json_finish(&w);
		fputc('\n', out);
		return;
	}
	fprintf(out, "IKE: %" PRIu64 " received, %" PRIu64 " sent, %" PRIu64 " retransmitted\n", is->rx, is->tx,
		is->retransmits);
	for (d = 0; d < IKE_DROP_MAX; d++)
		if (is->dropped[d])
			fprintf(out, "  IKE dropped %-24s %" PRIu64 "\n", ike_drop_name((int)d), is->dropped[d]);
	if (is->invalid_spi_sent + is->invalid_spi_suppressed + is->invalid_spi_no_sa + is->invalid_spi_received)
		fprintf(out, "  INVALID-SPI: %" PRIu64 " notifies sent, %" PRIu64 " suppressed (rate limit), %" PRIu64
			" without IKE SA, %" PRIu64 " recoveries started; %" PRIu64 " received (%" PRIu64
			" naming no SA)\n", is->invalid_spi_sent, is->invalid_spi_suppressed, is->invalid_spi_no_sa,
			is->invalid_spi_recoveries, is->invalid_spi_received, is->invalid_spi_unmatched);
	for (d = 1; d < ESP_DROP_MAX; d++)
		if (esp_drops[d])
			fprintf(out, "  ESP dropped %-24s %" PRIu64 "\n", esp_drop_name((enum esp_drop)d), esp_drops[d]);
	for (d = 0; d < GW_DROP_MAX; d++)
		if (g->drops[d])
			fprintf(out, "  gateway dropped %-20s %" PRIu64 "\n", gw_names[d], g->drops[d]);
}

static int initiate(struct gw *g, FILE *out)
{
	uint64_t now = loop_now_ms(g->loop);
	unsigned f, n = 0;

	for (f = 0; f < g->nflows; f++)
		if (!g->flows[f].out) {
			ike_acquire(g->ike, now, g->flows[f].conn, g->flows[f].sel);
			n++;
		}
	gw_ike_schedule(g);
	fprintf(out, "%u flow(s) without an SA: negotiation started\n", n);
	return 0;
}

/* Normalise spaces: "show  crypto isakmp sa\n" → "show crypto isakmp sa". */
static void squeeze(const char *in, char *out, size_t len)
{
	size_t o = 0;
	int sp = 1;

	for (; *in && o + 1 < len; in++) {
		if (*in == ' ' || *in == '\t' || *in == '\n' || *in == '\r') {
			if (!sp)
				out[o++] = ' ';
			sp = 1;
		} else {
			out[o++] = *in;
			sp = 0;
		}
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

int gw_ctl_handle(void *arg, const char *request, FILE *out)
{
	struct gw *g = arg;
	char cmd[512];
	int json = 0;

	if (!strncmp(request, "json ", 5)) {
		json = 1;
		request += 5;
	}
	if (!strncmp(request, "configure", 9) && (request[9] == '\n' || request[9] == '\0'))
		return gw_configure(g, request + 9 + (request[9] == '\n'), out);
	squeeze(request, cmd, sizeof(cmd));
	if (!strcmp(cmd, "show version")) {
		if (json) {
			struct json_w w;

			json_init(&w, out, 1);
			json_begin_object(&w);
			json_kv_string(&w, "name", "refgw");
			json_kv_string(&w, "hostname", g->hostname);
			json_kv_string(&w, "config", g->cfg_path);
			json_kv_double(&w, "time_scale", loop_scale(g->loop), -1);
			json_end_object(&w);
			json_finish(&w);
			fputc('\n', out);
		} else
			fprintf(out, "refgw (ipsec-ha-harness reference gateway), hostname %s, config %s, time scale %g\n",
				g->hostname, g->cfg_path, loop_scale(g->loop));
		return 0;
	}
	if (!strcmp(cmd, "show crypto isakmp sa") || !strcmp(cmd, "show crypto isakmp sa detail")) {
		show_isakmp(g, out, strstr(cmd, "detail") != NULL, json);
		return 0;
	}
	if (!strcmp(cmd, "show crypto ipsec sa")) {
		if (json)
			show_ipsec_json(g, out);
		else
			show_ipsec(g, out);
		return 0;
	}
	if (!strcmp(cmd, "show crypto session")) {
		show_session(g, out, json);
		return 0;
	}
	if (!strcmp(cmd, "show ip route")) {
		gw_route_show(g, out, json);
		return 0;
	}
	if (!strncmp(cmd, "show standby", 12) || !strncmp(cmd, "show vrrp", 9))
		return gw_fhrp_show(g, cmd + 5, json, out);   /* [brief] (gw_fhrp.c) */
	if (!strcmp(cmd, "show counters")) {
		show_counters(g, out, json);
		return 0;
	}
	if (!strcmp(cmd, "show running-config")) {
		if (json) {
			char *text = NULL;
			size_t tl = 0;
			FILE *m = open_memstream(&text, &tl);
			struct json_w w;

			if (!m)
				return -1;
			ios_cfg_write(g->cfg, m);
			fclose(m);
			json_init(&w, out, 1);
			json_begin_object(&w);
			json_kv_string(&w, "running_config", text);
			json_end_object(&w);
			json_finish(&w);
			fputc('\n', out);
			free(text);
		} else {
			ios_cfg_write(g->cfg, out);
		}
		return 0;
	}
	if (!strcmp(cmd, "clear crypto sa")) {
		ike_clear_all(g->ike, loop_now_ms(g->loop));
		gw_ike_schedule(g);
		return 0;
	}
	if (!strcmp(cmd, "clear crypto isakmp")) {
		ike_clear_isakmp(g->ike, loop_now_ms(g->loop));
		gw_ike_schedule(g);
		return 0;
	}
	if (!strcmp(cmd, "initiate"))
		return initiate(g, out);
	fprintf(out, "%% Invalid input detected: '%s'\n", cmd);
	return -1;
}
