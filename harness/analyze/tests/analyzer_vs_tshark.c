/* analyzer_vs_tshark.c — cross-check the analyzer against an independent dissector.
 *
 * For every reference capture in captures/reference/ (capture.pcapng with its
 * ikev1_decryption_table), run tshark on the same file with the same key, passed as
 *     -o uat:ikev1_decryption_table:<icookie-hex>,<key-hex>
 * (tshark 4.0 takes the UAT byte fields unquoted; a quoted value is read as a literal
 * string and refused as "Length of Initiator's COOKIE must be 8 octets"), and assert both
 * see: the same ISAKMP messages in the same order with the same exchange types, the same
 * encrypted messages decrypted, the same number of ESP packets, and the same
 * R-U-THERE/ACK notifies (isakmp.notify.msgtype 36136/36137) with the same sequence
 * numbers. Without tshark the test fails and says so.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze.h"

static const char *const ref_dirs[] = { "ikev1-mm-psk-aes128-sha1", "ikev1-mm-psk-3des-sha1" };

#define MAX_MSGS 512

struct view {
	size_t nmsg;
	struct { unsigned exch; int encrypted, decrypted; } msg[MAX_MSGS];
	unsigned long esp, rut, ack;
	uint32_t dpd_seq[MAX_MSGS]; size_t ndpd;
};

static void key_line(const char *dir, char *line, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/ikev1_decryption_table", AN_REF_DIR, dir);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "no key table %s", path);
	ck_assert_ptr_nonnull(fgets(line, (int)len, f));
	fclose(f);
	line[strcspn(line, "\r\n")] = 0;
}

static void tshark_view(const char *dir, int with_key, struct view *v)
{
	char cmd[2048], key[256], line[1024], uat[400] = "";
	FILE *p;

	memset(v, 0, sizeof(*v));
	if (with_key) {
		key_line(dir, key, sizeof(key));
		snprintf(uat, sizeof(uat), "-o 'uat:ikev1_decryption_table:%s'", key);
	}
	/* one line per ISAKMP or ESP frame: exchange type, flags, payload types, notify types,
	 * DPD sequences, ESP SPI */
	snprintf(cmd, sizeof(cmd),
		 "tshark -n -r '%s/%s/capture.pcapng' %s -Y 'isakmp || esp' -T fields -E separator=';' "
		 "-E occurrence=a -E aggregator=, -e isakmp.exchangetype -e isakmp.flags "
		 "-e isakmp.typepayload -e isakmp.notify.msgtype -e isakmp.notify.data.dpd.are_you_there "
		 "-e isakmp.notify.data.dpd.are_you_there_ack -e esp.spi 2>/dev/null",
		 AN_REF_DIR, dir, uat);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	while (fgets(line, sizeof(line), p)) {
		char *f[7] = { 0 }, *s = line, *n;
		int i;

		line[strcspn(line, "\r\n")] = 0;
		for (i = 0; i < 7; i++) {
			f[i] = s;
			n = s ? strchr(s, ';') : NULL;
			if (n)
				*n++ = 0;
			s = n;
		}
		if (f[6] && f[6][0]) {
			v->esp++;
			continue;
		}
		if (!f[0] || !f[0][0])
			continue;
		ck_assert_uint_lt(v->nmsg, MAX_MSGS);
		v->msg[v->nmsg].exch = (unsigned)strtoul(f[0], NULL, 0);
		v->msg[v->nmsg].encrypted = f[1] && (strtoul(f[1], NULL, 0) & 1);
		/* an encrypted message tshark decrypted shows its payload types */
		v->msg[v->nmsg].decrypted = v->msg[v->nmsg].encrypted && f[2] && f[2][0];
		v->nmsg++;
		for (s = f[3]; s && *s; s = n) {
			unsigned long t = strtoul(s, &n, 10);

			if (t == 36136)
				v->rut++;
			else if (t == 36137)
				v->ack++;
			if (*n == ',')
				n++;
			else
				break;
		}
		for (i = 4; i <= 5; i++)
			if (f[i] && f[i][0] && v->ndpd < MAX_MSGS)
				v->dpd_seq[v->ndpd++] = (uint32_t)strtoul(f[i], NULL, 10);
	}
	ck_assert_int_eq(pclose(p), 0);
}

static void analyzer_view(const char *dir, int with_key, struct view *v, struct an_stats *st)
{
	char cap[512], keys[512], err[256] = "";
	struct an_keys *k;
	struct ev_list l;
	size_t i;

	memset(v, 0, sizeof(*v));
	memset(st, 0, sizeof(*st));
	snprintf(cap, sizeof(cap), "%s/%s/capture.pcapng", AN_REF_DIR, dir);
	snprintf(keys, sizeof(keys), "%s/%s/ikev1_decryption_table", AN_REF_DIR, dir);
	k = an_keys_load(with_key ? keys : NULL);
	ev_list_init(&l);
	ck_assert_msg(an_file(cap, "a-b", NULL, k, &l, st, err, sizeof(err)) == 0, "%s", err);
	for (i = 0; i < l.n; i++) {
		const struct ev *e = &l.v[i];

		if (e->type == EV_IKE) {
			ck_assert_uint_lt(v->nmsg, MAX_MSGS);
			v->msg[v->nmsg].exch = e->exch;
			v->msg[v->nmsg].encrypted = strstr(e->text, "(encrypted") != NULL;
			v->msg[v->nmsg].decrypted = e->decrypted;
			v->nmsg++;
		} else if (e->type == EV_ESP) {
			v->esp++;
		} else if (e->type == EV_DPD) {
			if (e->notify == 36136)
				v->rut++;
			else
				v->ack++;
			if (v->ndpd < MAX_MSGS)
				v->dpd_seq[v->ndpd++] = e->seq;
		}
	}
	ev_list_free(&l);
	an_keys_free(k);
}

static int tshark_present(void)
{
	return system("command -v tshark >/dev/null 2>&1") == 0;
}

static void compare(const char *dir, int with_key)
{
	static struct view a, t;
	struct an_stats st;
	unsigned long texch[256] = { 0 };
	size_t i, dec = 0;

	ck_assert_msg(tshark_present(),
		      "tshark not found in PATH: the analyzer cross-check needs it (apt-get install tshark)");
	analyzer_view(dir, with_key, &a, &st);
	tshark_view(dir, with_key, &t);

	ck_assert_msg(a.nmsg == t.nmsg, "%s: ISAKMP messages: analyzer %zu, tshark %zu", dir, a.nmsg, t.nmsg);
	ck_assert_uint_eq(st.isakmp, t.nmsg);
	for (i = 0; i < t.nmsg; i++) {
		ck_assert_msg(a.msg[i].exch == t.msg[i].exch, "%s: message %zu: exchange %u vs tshark %u",
			      dir, i, a.msg[i].exch, t.msg[i].exch);
		ck_assert_msg(a.msg[i].encrypted == t.msg[i].encrypted, "%s: message %zu: E flag differs", dir, i);
		ck_assert_msg(a.msg[i].decrypted == t.msg[i].decrypted,
			      "%s: message %zu: decrypted analyzer %d, tshark %d", dir, i,
			      a.msg[i].decrypted, t.msg[i].decrypted);
		texch[t.msg[i].exch]++;
		dec += (size_t)t.msg[i].decrypted;
	}
	for (i = 0; i < 256; i++)
		ck_assert_msg(st.by_exch[i] == texch[i], "%s: exchange %zu: analyzer %lu, tshark %lu",
			      dir, i, st.by_exch[i], texch[i]);
	ck_assert_uint_eq(st.isakmp_decrypted, dec);
	ck_assert_msg(a.esp == t.esp, "%s: ESP analyzer %lu, tshark %lu", dir, a.esp, t.esp);
	ck_assert_uint_eq(st.esp, t.esp);
	ck_assert_msg(a.rut == t.rut && a.ack == t.ack, "%s: R-U-THERE %lu/%lu, ACK %lu/%lu", dir,
		      a.rut, t.rut, a.ack, t.ack);
	ck_assert_uint_eq(a.ndpd, t.ndpd);
	for (i = 0; i < t.ndpd; i++)
		ck_assert_uint_eq(a.dpd_seq[i], t.dpd_seq[i]);
	if (with_key) {
		/* the reference captures are complete: everything encrypted decrypts, DPD seen */
		ck_assert_uint_gt(dec, 0);
		ck_assert_uint_eq(st.isakmp_undecryptable, 0);
		ck_assert_uint_gt(t.rut, 0);
	} else {
		ck_assert_uint_eq(dec, 0);
	}
}

START_TEST(test_with_keys)
{
	compare(ref_dirs[_i], 1);
}
END_TEST

START_TEST(test_without_keys)
{
	compare(ref_dirs[_i], 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("analyzer_vs_tshark");
	TCase *tc = tcase_create("reference");
	SRunner *sr;
	int n = (int)(sizeof(ref_dirs) / sizeof(ref_dirs[0])), failed;

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_with_keys, 0, n);
	tcase_add_loop_test(tc, test_without_keys, 0, n);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
