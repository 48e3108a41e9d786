/* check_analyze.c — the analyzer on the reference captures (strongSwan 5.9.8 pair, see
 * captures/reference/README.md) and on synthetic files: key table parsing, Main Mode 1–6
 * and Quick Mode 1–3 with the right senders, DPD decrypted with incrementing sequence
 * numbers, the Deletes at the end, no-key and wrong-key runs, retransmissions, malformed
 * frames, and the bound on tracked cookie pairs.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "analyze.h"
#include "isakmp.h"
#include "pcapng.h"

static const char *const ref_dirs[] = { "ikev1-mm-psk-aes128-sha1", "ikev1-mm-psk-3des-sha1" };

/* The reference lab: a (va 192.168.77.1, 02:69:68:01:01:00) — b (vb .2, 02:69:68:02:01:00). */
static void ref_topo(struct lab_topo *t)
{
	static const char *const names[] = { "a", "b" };
	int n;

	memset(t, 0, sizeof(*t));
	t->nnodes = 2;
	for (n = 0; n < 2; n++) {
		struct lab_node *nd = &t->nodes[n];
		uint8_t mac[6] = { 0x02, 0x69, 0x68, (uint8_t)(n + 1), 0x01, 0x00 };

		snprintf(nd->name, sizeof(nd->name), "%s", names[n]);
		nd->nifs = 2;
		snprintf(nd->ifs[0].linux_name, sizeof(nd->ifs[0].linux_name), "v%s", names[n]);
		memcpy(nd->ifs[0].mac, mac, 6);
		nd->ifs[0].addrs[0].addr = 0xC0A84D01u + (uint32_t)n;   /* 192.168.77.1/.2 */
		nd->ifs[0].addrs[0].plen = 24;
		nd->ifs[0].naddrs = 1;
		snprintf(nd->ifs[1].linux_name, sizeof(nd->ifs[1].linux_name), "lo0");
		nd->ifs[1].loopback = 1;
		nd->ifs[1].addrs[0].addr = 0x0A010001u + ((uint32_t)n << 16);   /* 10.1.0.1 / 10.2.0.1 */
		nd->ifs[1].addrs[0].plen = 32;
		nd->ifs[1].naddrs = 1;
	}
}

static void ref_path(char *buf, size_t len, int i, const char *file)
{
	snprintf(buf, len, "%s/%s/%s", AN_REF_DIR, ref_dirs[i], file);
}

static int run_ref(int i, int with_keys, struct ev_list *l, struct an_stats *st)
{
	static struct lab_topo t;
	char cap[512], keys[512], err[256] = "";
	struct an_keys *k;
	int rc;

	ref_topo(&t);
	ref_path(cap, sizeof(cap), i, "capture.pcapng");
	ref_path(keys, sizeof(keys), i, "ikev1_decryption_table");
	k = an_keys_load(with_keys ? keys : NULL);
	ck_assert_ptr_nonnull(k);
	if (with_keys)
		ck_assert_uint_eq(an_keys_count(k), 1);
	ev_list_init(l);
	memset(st, 0, sizeof(*st));
	rc = an_file(cap, "a-b", &t, k, l, st, err, sizeof(err));
	ck_assert_msg(rc == 0, "an_file: %s", err);
	if (getenv("AN_DUMP")) {   /* AN_DUMP=1 ./check_analyze prints the timelines */
		size_t j;

		for (j = 0; j < l->n; j++)
			printf("%lld.%09lld %-5s %s>%s %s\n", (long long)(l->v[j].t_ns / 1000000000),
			       (long long)(l->v[j].t_ns % 1000000000), ev_type_name(l->v[j].type),
			       l->v[j].node, l->v[j].peer, l->v[j].text);
	}
	an_keys_free(k);
	return rc;
}

/* --- key table -------------------------------------------------------------------- */

START_TEST(test_keys_parse)
{
	struct an_keys *k = an_keys_new();
	static const uint8_t ck1[8] = { 0x63, 0x3a, 0x99, 0x71, 0xaf, 0x1d, 0xf0, 0xbd };
	static const uint8_t ck2[8] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77 };
	const uint8_t *key;
	size_t len = 0;

	ck_assert_int_eq(an_keys_add_line(k, "633a9971af1df0bd,2d79299ffd0eccc464e0943175b11790\n"), 0);
	ck_assert_int_eq(an_keys_add_line(k, "\"0011223344556677\",\"000102030405060708090a0b0c0d0e0f1011121314151617\""), 0);
	ck_assert_int_eq(an_keys_add_line(k, "# comment"), 0);
	ck_assert_int_eq(an_keys_add_line(k, "   \n"), 0);
	ck_assert_int_eq(an_keys_add_line(k, "0011,00"), -1);                 /* short cookie */
	ck_assert_int_eq(an_keys_add_line(k, "0011223344556677"), -1);        /* no key */
	ck_assert_int_eq(an_keys_add_line(k, "0011223344556677,0g"), -1);     /* bad hex */
	ck_assert_int_eq(an_keys_add_line(k, "\"0011223344556677,00\""), -1); /* quote */
	ck_assert_uint_eq(an_keys_count(k), 2);
	key = an_keys_lookup(k, ck1, &len);
	ck_assert_ptr_nonnull(key);
	ck_assert_uint_eq(len, 16);
	ck_assert_uint_eq(key[0], 0x2d);
	key = an_keys_lookup(k, ck2, &len);
	ck_assert_ptr_nonnull(key);
	ck_assert_uint_eq(len, 24);
	ck_assert_uint_eq(key[23], 0x17);
	/* a later line replaces the key */
	ck_assert_int_eq(an_keys_add_line(k, "0011223344556677,ff"), 0);
	ck_assert_uint_eq(an_keys_count(k), 2);
	key = an_keys_lookup(k, ck2, &len);
	ck_assert_uint_eq(len, 1);
	an_keys_free(k);
	/* missing file: empty table */
	k = an_keys_load("/nonexistent/ikev1_decryption_table");
	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(an_keys_count(k), 0);
	an_keys_free(k);
}
END_TEST

/* --- reference captures ----------------------------------------------------------- */

START_TEST(test_ref_sequence)
{
	struct ev_list l;
	struct an_stats st;
	static const char *const mm_from[] = { "a", "b", "a", "b", "a", "b" };
	int mm = 0, qm = 0, nrut[2] = { 0, 0 }, nack = 0, ndel = 0, nesp = 0, after_del = 0;
	uint32_t last_seq[2] = { 0, 0 }, esp_in_a = 0;
	size_t i;

	run_ref(_i, 1, &l, &st);
	for (i = 0; i < l.n; i++) {
		const struct ev *e = &l.v[i];

		ck_assert_str_eq(e->link, "a-b");
		if (e->type == EV_IKE && e->exch == 2) {
			ck_assert_int_lt(mm, 6);
			ck_assert_int_eq(e->msgno, mm + 1);
			ck_assert_str_eq(e->node, mm_from[mm]);
			ck_assert_str_eq(e->peer, mm_from[mm][0] == 'a' ? "b" : "a");
			if (mm >= 4) {
				ck_assert_int_eq(e->decrypted, 1);
				ck_assert_msg(strstr(e->text, "(encrypted, decrypted: ID, HASH") != NULL,
					      "%s", e->text);
				ck_assert_int_eq(e->natt, 1);   /* kernel-libipsec: NAT-T from MM5 */
			} else {
				ck_assert_int_eq(e->decrypted, 0);
			}
			mm++;
		} else if (e->type == EV_IKE && e->exch == 32) {
			ck_assert_int_eq(mm, 6);
			ck_assert_int_lt(qm, 3);
			ck_assert_int_eq(e->msgno, qm + 1);
			ck_assert_str_eq(e->node, qm == 1 ? "b" : "a");
			ck_assert_int_eq(e->decrypted, 1);
			ck_assert_msg(strncmp(e->text, "Quick Mode message", 18) == 0, "%s", e->text);
			qm++;
		} else if (e->type == EV_IKE) {
			ck_assert_int_eq(e->exch, 5);
			ck_assert_int_eq(e->decrypted, 1);
			ck_assert_msg(strncmp(e->text, "Informational (encrypted, decrypted: HASH, ", 43) == 0,
				      "%s", e->text);
		} else if (e->type == EV_ESP) {
			ck_assert_int_eq(qm, 3);
			ck_assert_int_eq(e->natt, 1);
			ck_assert_uint_eq(e->seq, (uint32_t)(nesp / 2 + 1));
			if (!strcmp(e->node, "b"))
				esp_in_a = e->spi;   /* b → a: a's inbound SPI */
			nesp++;
		} else if (e->type == EV_DPD) {
			int side = !strcmp(e->node, "b");

			ck_assert_int_eq(ndel, 0);
			ck_assert_int_eq(e->decrypted, 1);
			if (e->notify == 36136) {
				/* RFC 3706 §6: each new R-U-THERE is the previous + 1 */
				if (nrut[side])
					ck_assert_uint_eq(e->seq, last_seq[side] + 1);
				last_seq[side] = e->seq;
				nrut[side]++;
				ck_assert_msg(strncmp(e->text, "R-U-THERE seq 0x", 16) == 0, "%s", e->text);
			} else {
				/* the ACK echoes the other side's last R-U-THERE */
				ck_assert_int_eq(e->notify, 36137);
				ck_assert_uint_eq(e->seq, last_seq[!side]);
				nack++;
			}
		} else if (e->type == EV_IKE_DELETE) {
			ck_assert_str_eq(e->node, "a");
			if (ndel == 0) {
				/* ESP first, carrying the sender's inbound SPI */
				ck_assert_uint_eq(e->spi, esp_in_a);
				ck_assert_msg(strncmp(e->text, "Delete ESP SPI 0x", 17) == 0, "%s", e->text);
			} else {
				ck_assert_msg(strncmp(e->text, "Delete ISAKMP SPI ", 18) == 0, "%s", e->text);
			}
			ndel++;
		} else if (e->type == EV_IKE_NOTIFY) {
			ck_assert_int_eq(e->notify, 24578);   /* INITIAL-CONTACT in MM5 */
			ck_assert_str_eq(e->node, "a");
		} else if (e->type == EV_ARP) {
			ck_assert(e->node[0] == 'a' || e->node[0] == 'b');
		}
		if (ndel == 2 && e->type != EV_IKE_DELETE && e->type != EV_IKE)
			after_del++;
	}
	ck_assert_int_eq(mm, 6);
	ck_assert_int_eq(qm, 3);
	ck_assert_int_eq(nesp, 6);
	ck_assert_int_ge(nrut[0], 2);
	ck_assert_int_ge(nrut[1], 2);
	ck_assert_int_eq(nack, nrut[0] + nrut[1]);
	ck_assert_int_eq(ndel, 2);
	ck_assert_int_eq(after_del, 0);
	ck_assert_uint_eq(st.isakmp, st.by_exch[2] + st.by_exch[32] + st.by_exch[5]);
	ck_assert_uint_eq(st.by_exch[2], 6);
	ck_assert_uint_eq(st.by_exch[32], 3);
	ck_assert_uint_eq(st.isakmp_decrypted, st.isakmp - 4);
	ck_assert_uint_eq(st.isakmp_undecryptable, 0);
	ck_assert_uint_eq(st.dpd, (unsigned long)(nack * 2));
	ck_assert_uint_eq(st.malformed, 0);
	ev_list_free(&l);
}
END_TEST

START_TEST(test_ref_no_key)
{
	struct ev_list l;
	struct an_stats st;
	size_t i, ninfo = 0;

	run_ref(_i, 0, &l, &st);
	for (i = 0; i < l.n; i++) {
		ck_assert(l.v[i].type != EV_DPD && l.v[i].type != EV_IKE_DELETE);
		if (l.v[i].type == EV_IKE && l.v[i].exch == 5) {
			ck_assert_str_eq(l.v[i].text, "Informational (encrypted, no key)");
			ninfo++;
		}
	}
	ck_assert_uint_eq(ninfo, st.by_exch[5]);
	ck_assert_uint_eq(st.isakmp_decrypted, 0);
	ck_assert_uint_eq(st.isakmp_undecryptable, st.isakmp - 4);
	ev_list_free(&l);
}
END_TEST

/* A wrong key decrypts nothing; the sanity check (RFC 2409 §10) says why. */
START_TEST(test_ref_wrong_key)
{
	static struct lab_topo t;
	struct ev_list l;
	struct an_stats st;
	struct an_keys *k = an_keys_new();
	char cap[512], line[128], err[256];
	FILE *f;
	size_t i;

	ref_topo(&t);
	ref_path(cap, sizeof(cap), 0, "ikev1_decryption_table");
	f = fopen(cap, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	fclose(f);
	line[20] = line[20] == '0' ? '1' : '0';   /* first key digit */
	ck_assert_int_eq(an_keys_add_line(k, line), 0);
	ref_path(cap, sizeof(cap), 0, "capture.pcapng");
	ev_list_init(&l);
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(an_file(cap, "a-b", &t, k, &l, &st, err, sizeof(err)), 0);
	ck_assert_uint_eq(st.isakmp_decrypted, 0);
	for (i = 0; i < l.n; i++)
		if (l.v[i].type == EV_IKE && l.v[i].msgno == 5)
			ck_assert_msg(strstr(l.v[i].text, "not decrypted: decrypted payloads implausible"),
				      "%s", l.v[i].text);
	an_keys_free(k);
	ev_list_free(&l);
}
END_TEST

/* --- synthetic files -------------------------------------------------------------- */

static size_t eth_udp(uint8_t *f, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
		      const uint8_t *pl, size_t plen)
{
	static const uint8_t macs[12] = { 2, 0x69, 0x68, 2, 1, 0, 2, 0x69, 0x68, 1, 1, 0 };
	size_t ulen = 8 + plen, iplen = 20 + ulen;
	uint32_t sum = 0;
	int i;

	memcpy(f, macs, 12);
	if (src == 0xC0A84D02u) {   /* from b: swap */
		memcpy(f, macs + 6, 6);
		memcpy(f + 6, macs, 6);
	}
	f[12] = 0x08; f[13] = 0x00;
	uint8_t *ip = f + 14;
	memset(ip, 0, 20);
	ip[0] = 0x45; ip[2] = (uint8_t)(iplen >> 8); ip[3] = (uint8_t)iplen; ip[8] = 64; ip[9] = 17;
	for (i = 0; i < 4; i++) {
		ip[12 + i] = (uint8_t)(src >> (24 - 8 * i));
		ip[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
	}
	for (i = 0; i < 20; i += 2)
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ip[10] = (uint8_t)(~sum >> 8); ip[11] = (uint8_t)~sum;
	uint8_t *u = ip + 20;
	u[0] = (uint8_t)(sport >> 8); u[1] = (uint8_t)sport; u[2] = (uint8_t)(dport >> 8); u[3] = (uint8_t)dport;
	u[4] = (uint8_t)(ulen >> 8); u[5] = (uint8_t)ulen; u[6] = 0; u[7] = 0;
	memcpy(u + 8, pl, plen);
	return 14 + iplen;
}

/* MM1-like message: HDR + one VID payload (cleartext), cookie from n */
static size_t mm_msg(uint8_t *b, uint32_t n, int resp)
{
	struct isakmp_builder bl;
	struct isakmp_hdr h;
	static const uint8_t vid[16] = { 0xAF, 0xCA, 0xD7, 0x13, 0x68, 0xA1, 0xF1, 0xC9,
					 0x6B, 0x86, 0x96, 0xFC, 0x77, 0x57, 0x01, 0x00 };

	memset(&h, 0, sizeof(h));
	h.icookie[0] = 0x11; h.icookie[4] = (uint8_t)(n >> 24); h.icookie[5] = (uint8_t)(n >> 16);
	h.icookie[6] = (uint8_t)(n >> 8); h.icookie[7] = (uint8_t)n;
	if (resp)
		h.rcookie[7] = 0x99;
	h.maj_ver = 1;
	h.exchange = ISAKMP_EXCH_MAIN;
	isakmp_build_init(&bl, b, 256, &h);
	isakmp_build_payload(&bl, ISAKMP_PL_VID, vid, sizeof(vid));
	return (size_t)isakmp_build_finish(&bl);
}

START_TEST(test_synthetic_bounds)
{
	char path[] = "/tmp/ihhdev-an-check-XXXXXX";
	struct pcapng_writer w;
	uint8_t msg[256], frame[512];
	static struct lab_topo t;
	struct ev_list l;
	struct an_stats st;
	struct an_keys *k = an_keys_new();
	char err[256];
	size_t n, i, nrtx = 0;
	uint32_t c;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	ref_topo(&t);
	ck_assert_int_eq(pcapng_open_write(&w, path, 1, "va", NULL), 0);
	/* MM1 of cookie 0, its retransmission, then MM1 of 299 more cookie pairs, then MM2
	 * of cookie 0 (evicted by then: its number cannot be known any more) */
	for (c = 0; c < 300; c++) {
		n = mm_msg(msg, c, 0);
		n = eth_udp(frame, 0xC0A84D01u, 0xC0A84D02u, 500, 500, msg, n);
		pcapng_write(&w, 1000000000LL + c, frame, n, n);
		if (c == 0)
			pcapng_write(&w, 1000000000LL + c, frame, n, n);
	}
	n = mm_msg(msg, 0, 1);
	n = eth_udp(frame, 0xC0A84D02u, 0xC0A84D01u, 500, 500, msg, n);
	pcapng_write(&w, 2000000000LL, frame, n, n);
	/* malformed: ISAKMP header cut short; UDP length lying */
	n = eth_udp(frame, 0xC0A84D01u, 0xC0A84D02u, 500, 500, msg, 10);
	pcapng_write(&w, 2000000001LL, frame, n, n);
	frame[14 + 20 + 5] = 0xff;
	pcapng_write(&w, 2000000002LL, frame, n, n);
	pcapng_write(&w, 2000000003LL, frame, 5, 5);
	pcapng_close(&w);

	ev_list_init(&l);
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(an_file(path, "x", &t, k, &l, &st, err, sizeof(err)), 0);
	unlink(path);
	ck_assert_uint_eq(st.frames, 305);
	ck_assert_uint_eq(st.isakmp, 302);
	ck_assert_uint_eq(st.isakmp_retransmit, 1);
	ck_assert_uint_ge(st.malformed, 2);
	ck_assert_uint_eq(st.sa_evicted, 300 + 1 - AN_MAX_SAS);
	for (i = 0; i < l.n; i++) {
		if (strstr(l.v[i].text, "(retransmit)")) {
			ck_assert_int_eq(l.v[i].msgno, 1);
			nrtx++;
		}
		if (l.v[i].t_ns < 2000000000LL) {
			ck_assert_int_eq(l.v[i].msgno, 1);
			ck_assert_str_eq(l.v[i].node, "a");
			ck_assert_str_eq(l.v[i].text, nrtx && i == 1 ? "Main Mode message 1 (VID) (retransmit)"
								       : "Main Mode message 1 (VID)");
		}
	}
	ck_assert_uint_eq(nrtx, 1);
	ck_assert_int_eq(l.v[l.n - 1].msgno, 0);   /* the evicted pair's MM2 */
	ck_assert_str_eq(l.v[l.n - 1].node, "b");
	an_keys_free(k);
	ev_list_free(&l);
}
END_TEST

START_TEST(test_missing_file)
{
	struct ev_list l;
	struct an_stats st;
	char err[256] = "";

	ev_list_init(&l);
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(an_file("/nonexistent.pcapng", "x", NULL, NULL, &l, &st, err, sizeof(err)), -1);
	ck_assert(err[0] != 0);
	ev_list_free(&l);
}
END_TEST

static Suite *analyze_suite(void)
{
	Suite *s = suite_create("analyze");
	TCase *tc = tcase_create("core");
	int nref = (int)(sizeof(ref_dirs) / sizeof(ref_dirs[0]));

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_keys_parse);
	tcase_add_loop_test(tc, test_ref_sequence, 0, nref);
	tcase_add_loop_test(tc, test_ref_no_key, 0, nref);
	tcase_add_test(tc, test_ref_wrong_key);
	tcase_add_test(tc, test_synthetic_bounds);
	tcase_add_test(tc, test_missing_file);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(analyze_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
