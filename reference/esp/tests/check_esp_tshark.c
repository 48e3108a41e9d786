/* check_esp_tshark.c — an independent check of esp_encap against Wireshark's ESP
 * dissector: for des-md5, 3des-sha1, aes128-sha1 and aes256-sha256 (plus aes192 and
 * NULL encryption), write ICMP echo requests of several sizes encapsulated by esp_encap
 * into a classic pcap, both as IPv4 protocol 50 and as UDP 4500 (RFC 3948), then have
 * tshark decrypt them with the keys in its esp_sa table and verify the ICV. Every frame
 * must show a good ICV, Next Header 4, the inner ICMP echo with a good checksum and
 * the right length, and no malformed or expert item of warning severity or above.
 * tshark missing is a failure (the project's `make deps` installs it).
 */
#include <check.h>
#include <unistd.h>
#include "esp_testutil.h"

#define NSIZES   4
static const size_t sizes[NSIZES] = { 28, 84, 777, 1400 };

static const char *const combos[] = {
	"des-md5", "3des-sha1", "aes128-sha1", "aes256-sha256", "aes192-md5", "null-sha256",
};
#define NCOMBOS (sizeof(combos) / sizeof(combos[0]))

static const uint32_t outer_src = TU_IP(203, 0, 113, 1), outer_dst = TU_IP(198, 51, 100, 2);
static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0A }, mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0B };

static void le32(FILE *fp, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	fwrite(b, 1, 4, fp);
}

static void le16(FILE *fp, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	fwrite(b, 1, 2, fp);
}

/* Ethernet / IPv4 (proto 50, or 17 with a UDP 4500 header) / ESP → one pcap record. */
static void write_frame(FILE *fp, uint32_t t, const uint8_t *esp, size_t n, int udp)
{
	static uint8_t f[2048];
	size_t l4 = n + (udp ? 8 : 0), off = 14 + 20;

	memcpy(f, mac_b, 6);
	memcpy(f + 6, mac_a, 6);
	tu_put16(f + 12, 0x0800);
	tu_ip_hdr(f + 14, udp ? 17 : 50, outer_src, outer_dst, l4, (uint16_t)t);
	if (udp) {
		tu_put16(f + off, 4500);
		tu_put16(f + off + 2, 4500);
		tu_put16(f + off + 4, (uint16_t)(8 + n));
		tu_put16(f + off + 6, 0);      /* RFC 3948 §2.1: checksum SHOULD be 0 */
		off += 8;
	}
	memcpy(f + off, esp, n);
	le32(fp, t);
	le32(fp, 0);
	le32(fp, (uint32_t)(off + n));
	le32(fp, (uint32_t)(off + n));
	fwrite(f, 1, off + n, fp);
}

static void hexs(char *dst, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(dst + 2 * i, "%02x", b[i]);
	dst[2 * n] = '\0';
}

static int split(char *line, char **out, int max)
{
	int n = 0;
	char *p = line;

	line[strcspn(line, "\n")] = '\0';
	while (n < max) {
		out[n++] = p;
		p = strchr(p, '|');
		if (p == NULL)
			break;
		*p++ = '\0';
	}
	return n;
}

START_TEST(test_tshark_decrypts)
{
	static uint8_t in[2048], esp[2048];
	char path[] = "/tmp/ihh_esp_tshark_XXXXXX", errpath[64], line[8192], *fld[16];
	static char cmd[16384];
	size_t c, s, o;
	int fd, udp, frames = 0, rows = 0, status;
	uint32_t t = 1;
	FILE *fp, *pp;

	ck_assert_msg(system("command -v tshark >/dev/null 2>&1") == 0,
		      "tshark not found in PATH: install it (`make deps`, Debian package tshark)");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "wb");
	ck_assert_ptr_nonnull(fp);
	/* classic libpcap, little-endian, Ethernet */
	le32(fp, 0xA1B2C3D4u);
	le16(fp, 2);
	le16(fp, 4);
	le32(fp, 0);
	le32(fp, 0);
	le32(fp, 65535);
	le32(fp, 1);
	o = (size_t)snprintf(cmd, sizeof(cmd), "tshark -n -r %s -o esp.enable_encryption_decode:TRUE "
			     "-o esp.enable_authentication_check:TRUE", path);
	for (c = 0; c < NCOMBOS; c++) {
		const struct tu_alg *a = tu_alg_by_name(combos[c]);
		uint32_t spi = 0xC0DE0100u + (uint32_t)c;
		char ek[80], ak[80];
		struct tu_keys k;
		struct esp_sa *sa;

		ck_assert_ptr_nonnull(a);
		tu_keys(&k, (unsigned)c + 3);
		sa = tu_sa(a, &k, spi, ESP_DIR_OUT, 0);
		for (udp = 0; udp < 2; udp++) {
			for (s = 0; s < NSIZES; s++) {
				ssize_t n;

				tu_inner_icmp(in, sizes[s], (uint16_t)t);
				n = esp_encap(sa, in, sizes[s], esp, sizeof(esp));
				ck_assert_int_gt(n, 0);
				write_frame(fp, t++, esp, (size_t)n, udp);
				frames++;
			}
		}
		esp_sa_free(sa);
		/* Wireshark UAT esp_sa: "IPv4","src","dst","0xSPI","encr","0xkey","auth","0xkey" */
		hexs(ek, k.enc, a->ekey);
		hexs(ak, k.auth, a->akey);
		o += (size_t)snprintf(cmd + o, sizeof(cmd) - o,
				      " -o 'uat:esp_sa:\"IPv4\",\"203.0.113.1\",\"198.51.100.2\",\"0x%08x\","
				      "\"%s\",\"%s%s\",\"%s\",\"0x%s\"'",
				      spi, a->ws_encr, a->ekey ? "0x" : "", ek, a->ws_auth, ak);
	}
	ck_assert_int_eq(fclose(fp), 0);
	snprintf(errpath, sizeof(errpath), "%s.err", path);
	o += (size_t)snprintf(cmd + o, sizeof(cmd) - o,
			      " -T fields -E separator='|' -E occurrence=a -E aggregator=, "
			      "-e frame.number -e esp.spi -e esp.sequence -e esp.icv_good -e esp.icv_bad "
			      "-e esp.protocol -e esp.pad_len -e ip.len -e icmp.type -e icmp.checksum.status "
			      "-e udp.dstport -e _ws.expert.severity -e _ws.expert.message -e _ws.malformed "
			      "2>%s", errpath);
	ck_assert_uint_lt(o, sizeof(cmd));
	pp = popen(cmd, "r");
	ck_assert_ptr_nonnull(pp);
	{
		static char lines[64][8192];
		int nlines = 0, i;

		while (nlines < 64 && fgets(lines[nlines], sizeof(lines[0]), pp) != NULL)
			nlines++;
		status = pclose(pp);
		fp = fopen(errpath, "r");
		if (fp) {
			while (fgets(line, sizeof(line), fp) != NULL)
				if (strstr(line, "Running as user") == NULL)
					fprintf(stderr, "tshark: %s", line);
			fclose(fp);
		}
		unlink(errpath);
		ck_assert_msg(status == 0, "tshark exited with status %d: %s", status, cmd);
		for (i = 0; i < nlines; i++) {
			int nf = split(lines[i], fld, 16), fr, combo, size_i, udp_i;
			char want_len[16];
			const char *sev = fld[11];

			ck_assert_msg(nf == 14, "tshark line with %d fields", nf);
			fr = atoi(fld[0]);
			combo = (fr - 1) / (2 * NSIZES);
			udp_i = (fr - 1) / NSIZES % 2;
			size_i = (fr - 1) % NSIZES;
			rows++;
			printf("tshark frame %d (%s, %s, %zu B): spi=%s seq=%s icv_good=%s icv_bad=%s nh=%s "
			       "pad=%s ip.len=%s icmp=%s cksum=%s expert=%s malformed=%s\n",
			       fr, combos[combo], udp_i ? "udp-4500" : "proto-50", sizes[size_i], fld[1], fld[2],
			       fld[3], fld[4], fld[5], fld[6], fld[7], fld[8], fld[9], fld[11], fld[13]);
			ck_assert_msg(fld[13][0] == '\0', "frame %d: tshark says malformed", fr);
			/* Wireshark severities: chat 0x200000, note 0x400000, warn 0x600000, error 0x800000 */
			while (*sev) {
				long v = strtol(sev, (char **)&sev, 0);

				ck_assert_msg(v < 0x600000, "frame %d: expert item %s (%s)", fr, fld[11], fld[12]);
				if (*sev == ',')
					sev++;
				else if (*sev)
					break;
			}
			ck_assert_msg(strcmp(fld[3], "1") == 0 && (fld[4][0] == '\0' || strcmp(fld[4], "0") == 0),
				      "frame %d (%s): ICV not verified good (good=%s bad=%s)", fr, combos[combo],
				      fld[3], fld[4]);
			ck_assert_msg(strtol(fld[5], NULL, 0) == 4, "frame %d: next header %s", fr, fld[5]);
			/* outer and inner ip.len; the inner one is the ICMP packet */
			snprintf(want_len, sizeof(want_len), ",%zu", sizes[size_i]);
			ck_assert_msg(strstr(fld[7], want_len) != NULL, "frame %d: ip.len %s, inner %zu expected", fr,
				      fld[7], sizes[size_i]);
			ck_assert_msg(strcmp(fld[8], "8") == 0, "frame %d: inner ICMP type %s, not echo", fr, fld[8]);
			ck_assert_msg(strcmp(fld[9], "1") == 0, "frame %d: ICMP checksum status %s (1 = good)", fr, fld[9]);
			ck_assert_msg((strcmp(fld[10], "4500") == 0) == udp_i, "frame %d: udp port %s", fr, fld[10]);
		}
	}
	unlink(path);
	ck_assert_int_eq(rows, frames);
}
END_TEST

static Suite *esp_tshark_suite(void)
{
	Suite *s = suite_create("esp_tshark");
	TCase *tc = tcase_create("tshark");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_tshark_decrypts);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(esp_tshark_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
