/* fuzz_ike.c — libFuzzer target for the IKE engine as a responder.
 *
 * The input is a sequence of records [flags (1)][length (2, big-endian)][message]; each
 * message is handed to a fresh responder engine (policies for all four suites, a
 * wildcard pre-shared key, NAT-T on) from 192.0.2.1 — port 4500 when flags bit 0 is
 * set; with bit 1 the message's cookies are replaced by those of the engine's newest
 * ISAKMP SA (the responder cookie is random, so this is how the fuzzer reaches MM3 and
 * later states); the clock advances by (flags >> 2) seconds first. Replies go nowhere. At the
 * end the clock jumps far ahead (retransmissions, give-up, linger) and the engine is
 * freed; ASan/UBSan catch what the engine gets wrong.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "ike.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_cfg(struct ike_cfg *c)
{
	static const struct ike_policy pol[] = {
		{ 10, IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, IKE_AUTH_PSK, 14, 86400 },
		{ 20, IKE_ENC_AES_CBC, 256, IKE_HASH_SHA256, IKE_AUTH_PSK, 5, 86400 },
		{ 30, IKE_ENC_3DES, 0, IKE_HASH_SHA1, IKE_AUTH_PSK, 2, 86400 },
		{ 40, IKE_ENC_DES, 0, IKE_HASH_MD5, IKE_AUTH_PSK, 1, 86400 },
	};
	struct ike_conn *k;

	memset(c, 0, sizeof(*c));
	memcpy(c->policies, pol, sizeof(pol));
	c->npolicies = 4;
	c->npsks = 1;
	strcpy(c->psks[0].key, "cisco123");            /* address 0.0.0.0 0.0.0.0 */
	c->nconns = 1;
	k = &c->conns[0];
	strcpy(k->map, "vpn");
	k->seq = 10;
	k->npeers = 1;
	k->peers[0] = 0xc0000201;
	k->ntsets = 2;
	k->tsets[0] = (struct ike_tset){ "a", ESP_ENC_AES_CBC, 128, ESP_AUTH_HMAC_SHA1 };
	k->tsets[1] = (struct ike_tset){ "d", ESP_ENC_DES, 0, ESP_AUTH_HMAC_MD5 };
	k->nsel = 1;
	k->sel[0] = (struct ike_selector){ 0x0a020000, 0x0a010000, 16, 16, 0, 0, 0 };
	k->local_addr = 0xc0000202;
	c->natt = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ike_cfg cfg;
	struct ike *e;
	uint64_t now = 1000000;
	size_t off = 0;

	fuzz_cfg(&cfg);
	e = ike_new(&cfg, NULL);
	if (!e)
		abort();
	while (off + 3 <= size) {
		uint8_t flags = data[off], msg[9000];
		size_t len = (size_t)data[off + 1] << 8 | data[off + 2];
		struct ike_endpoint l = { 0xc0000202, 500 }, r = { 0xc0000201, 500 };
		struct ike_sa_info info[64];
		size_t n;

		off += 3;
		if (len > size - off)
			len = size - off;
		if (len > sizeof(msg))
			len = sizeof(msg);
		memcpy(msg, data + off, len);
		if (flags & 1)
			l.port = r.port = 4500;
		if ((flags & 2) && len >= 16 && (n = ike_list_isakmp(e, now, info, 64)) > 0) {
			memcpy(msg, info[n - 1].icookie, 8);
			memcpy(msg + 8, info[n - 1].rcookie, 8);
		}
		now += (uint64_t)(flags >> 2) * 1000;
		ike_input(e, now, &l, &r, msg, len);
		ike_tick(e, now);
		off += len;
	}
	ike_tick(e, now + 3600 * 1000);
	ike_tick(e, now + 7200 * 1000);
	ike_free(e);
	return 0;
}
