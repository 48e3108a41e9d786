/* check_ike_tshark.c — every message the engine sends, decoded by an independent
 * dissector: two engines run Main Mode, Quick Mode (with and without PFS, with and
 * without NAT-T floating), DPD R-U-THERE/ACK, RESPONDER-LIFETIME, INVALID-ID,
 * INVALID-SPI (exactly one, dissected as type 11) and NO-PROPOSAL-CHOSEN notifies and
 * Deletes; all messages go to a classic pcap
 * (Ethernet/IPv4/UDP, the non-ESP marker on 4500) and tshark reads it with the phase-1
 * key in its ikev1_decryption_table (`-o uat:ikev1_decryption_table:<icookie>,<key>`,
 * unquoted as tshark 4.0 wants it). Every frame must be ISAKMP, free of malformed and
 * expert items of note/warn/error severity, and every encrypted one decrypted (tshark
 * then lists its inner payload types). tshark missing is a failure.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/provider.h>
#include "ike_testnet.h"

struct scen {
	const char *name;
	enum ike_enc enc; unsigned bits; enum ike_hash hash; unsigned group;
	enum esp_enc_alg ee; unsigned ebits; enum esp_auth_alg ea;
	int pfs, natt;
};

static const struct scen scens[] = {
	{ "des-md5-group1", IKE_ENC_DES, 0, IKE_HASH_MD5, 1, ESP_ENC_DES, 0, ESP_AUTH_HMAC_MD5, 0, 0 },
	{ "3des-sha1-group2-pfs", IKE_ENC_3DES, 0, IKE_HASH_SHA1, 2, ESP_ENC_3DES, 0, ESP_AUTH_HMAC_SHA1, 1, 0 },
	{ "aes128-sha1-group14-natt", IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, 14, ESP_ENC_AES_CBC, 128,
	  ESP_AUTH_HMAC_SHA1, 0, 1 },
	{ "aes256-sha256-group5-pfs-natt", IKE_ENC_AES_CBC, 256, IKE_HASH_SHA256, 5, ESP_ENC_AES_CBC, 256,
	  ESP_AUTH_HMAC_SHA256, 1, 1 },
};

static int split(char *line, char **out, int max)
{
	int n = 0;
	char *p = line;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		out[n++] = p;
		p = strchr(p, '|');
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

/* Run the scenario and return the number of messages recorded. */
static unsigned run_scenario(struct tn *n, const struct scen *s)
{
	struct ike_cfg a, b;
	struct ike_sa_info info[4];

	tn_cfg(&a, 0, s->enc, s->bits, s->hash, s->group, s->ee, s->ebits, s->ea, s->pfs ? s->group : 0, s->natt);
	tn_cfg(&b, 1, s->enc, s->bits, s->hash, s->group, s->ee, s->ebits, s->ea, s->pfs ? s->group : 0, s->natt);
	b.conns[0].lifetime_s = 1200;                  /* RESPONDER-LIFETIME in QM2 */
	/* a second ACL line on A that B does not have: INVALID-ID-INFORMATION */
	a.conns[0].nsel = 2;
	a.conns[0].sel[1] = (struct ike_selector){ TN_IP(10, 1, 9, 0), TN_IP(10, 9, 9, 9), 24, 32, 17, 0, 53 };
	tn_init(n, &a, &b);
	n->nat = s->natt;
	ck_assert_int_eq(ike_acquire(n->p[0].e, n->now, 0, 0), 0);
	tn_run(n, 100);
	ck_assert_uint_eq(n->p[0].nup, 1);
	ck_assert_uint_eq(n->p[0].up[0].lifetime_s, 1200);
	ck_assert_uint_eq(ike_list_isakmp(n->p[0].e, n->now, info, 4), 1);
	ck_assert_uint_ne(ike_dpd_probe(n->p[0].e, n->now, info[0].conn_id), 0);
	tn_run(n, 10);
	ck_assert_uint_eq(ike_list_isakmp(n->p[1].e, n->now, info, 4), 1);
	ck_assert_uint_ne(ike_dpd_probe(n->p[1].e, n->now, info[0].conn_id), 0);
	tn_run(n, 10);
	/* B has no SA for an SPI A sends with: N(INVALID-SPI, ESP, SPI size 4) */
	ck_assert_int_eq(ike_invalid_spi(n->p[1].e, n->now, TN_B_ADDR, TN_A_ADDR, 0x0badc0deu),
			 IKE_INVALID_SPI_NOTIFIED);
	tn_run(n, 10);
	ck_assert_uint_eq(ike_get_stats(n->p[0].e)->invalid_spi_received, 1);
	ck_assert_int_eq(ike_acquire(n->p[0].e, n->now, 0, 1), 0);
	tn_run(n, 10);
	ck_assert_uint_eq(ike_get_stats(n->p[1].e)->dropped[IKE_DROP_BAD_ID], 1);
	ike_clear_all(n->p[0].e, n->now);
	tn_run(n, 10);
	ck_assert_uint_eq(n->p[1].ndown, 1);
	return n->nrec;
}

START_TEST(test_tshark_decrypts)
{
	const struct scen *s = &scens[_i];
	static struct tn n;
	char path[] = "/tmp/ihh_ike_tshark_XXXXXX", cmd[2048], line[8192], key[200];
	char *f[8];
	unsigned nmsg, rows = 0, enc_rows = 0, invalid_spi_rows = 0;
	int fd, nf;
	size_t k;
	FILE *p;

	ck_assert_msg(system("command -v tshark >/dev/null 2>&1") == 0,
		      "tshark not found in PATH: install it (Debian package tshark)");
	nmsg = run_scenario(&n, s);
	ck_assert(n.p[0].have_keys);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(tn_write_pcap(&n, path), 0);
	k = 0;
	for (fd = 0; fd < 8; fd++)
		k += (size_t)snprintf(key + k, sizeof(key) - k, "%02x", n.p[0].icookie[fd]);
	k += (size_t)snprintf(key + k, sizeof(key) - k, ",");
	for (fd = 0; fd < (int)n.p[0].ka_len; fd++)
		k += (size_t)snprintf(key + k, sizeof(key) - k, "%02x", n.p[0].ka[fd]);
	snprintf(cmd, sizeof(cmd),
		 "tshark -n -r %s -o 'uat:ikev1_decryption_table:%s' -d udp.port==1500,isakmp "
		 "-T fields -E separator='|' -E occurrence=a -E aggregator=, "
		 "-e frame.number -e isakmp.exchangetype -e isakmp.flags -e isakmp.typepayload "
		 "-e isakmp.notify.msgtype -e _ws.expert.severity -e _ws.malformed -e _ws.expert.message "
		 "2>/dev/null", path, key);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	while (fgets(line, sizeof(line), p)) {
		unsigned long flags;

		nf = split(line, f, 8);
		ck_assert_msg(nf == 8, "%s: tshark line with %d fields", s->name, nf);
		rows++;
		ck_assert_msg(f[1][0], "%s: frame %s not decoded as ISAKMP", s->name, f[0]);
		ck_assert_msg(f[6][0] == '\0', "%s: frame %s malformed", s->name, f[0]);
		if (f[5][0]) {
			char *x = f[5];

			while (*x) {
				unsigned long sev = strtoul(x, &x, 0);

				/* chat (0x200000) is fine; note/warn/error are not */
				ck_assert_msg(sev < 0x400000, "%s: frame %s expert severity 0x%lx: %s", s->name, f[0],
					      sev, f[7]);
				if (*x != ',')
					break;
				x++;
			}
		}
		{
			char *t = f[4];

			/* isakmp.notify.msgtype, one number per Notify payload */
			while (*t) {
				if (strtoul(t, &t, 0) == 11)
					invalid_spi_rows++;
				if (*t != ',')
					break;
				t++;
			}
		}
		flags = strtoul(f[2], NULL, 0);
		if (flags & 1) {
			enc_rows++;
			/* decrypted: tshark lists the payloads inside (HASH first or ID first) */
			ck_assert_msg(strstr(f[3], "8") != NULL, "%s: frame %s (exchange %s) not decrypted: "
				      "payloads '%s'", s->name, f[0], f[1], f[3]);
		}
	}
	ck_assert_int_eq(pclose(p), 0);
	if (getenv("IKE_TSHARK_KEEP"))
		printf("%s: kept %s, key %s\n", s->name, path, key);
	else
		unlink(path);
	ck_assert_uint_eq(rows, nmsg);
	ck_assert_uint_ge(enc_rows, 10);
	ck_assert_msg(invalid_spi_rows == 1, "%s: %u INVALID-SPI notifies dissected, 1 sent", s->name,
		      invalid_spi_rows);
	tn_free(&n);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ike_tshark");
	TCase *tc = tcase_create("tshark");
	SRunner *sr;
	int failed;
	OSSL_PROVIDER *pd = OSSL_PROVIDER_load(NULL, "default");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_tshark_decrypts, 0, (int)(sizeof(scens) / sizeof(scens[0])));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	OSSL_PROVIDER_unload(pd);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
