/* check_isakmp_tshark.c — cross-check the encoders against Wireshark's dissectors:
 * write a classic pcap (Ethernet/IPv4/UDP 500) holding a Main Mode message 1 (SA with
 * one proposal/transform and attributes, VID DPD, VID RFC 3947) and a cleartext
 * Informational with N(R-U-THERE), plus VRRP v2/v3 and HSRP v1/v2 frames, run tshark
 * on it and require that it decodes the fields and raises no malformed/expert error.
 * tshark missing is a failure (the project's `make deps` installs it).
 */
#include <check.h>
#include <stdlib.h>
#include <unistd.h>
#include "codec_testutil.h"

#define NFRAMES 6

static void pcap_u32(FILE *fp, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	fwrite(b, 1, 4, fp);
}

static void pcap_u16(FILE *fp, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	fwrite(b, 1, 2, fp);
}

/* classic libpcap format, little-endian, microseconds */
static void pcap_header(FILE *fp)
{
	pcap_u32(fp, 0xA1B2C3D4u);
	pcap_u16(fp, 2);
	pcap_u16(fp, 4);
	pcap_u32(fp, 0);        /* thiszone */
	pcap_u32(fp, 0);        /* sigfigs */
	pcap_u32(fp, 65535);    /* snaplen */
	pcap_u32(fp, FRAME_LINKTYPE_ETHERNET);
}

static void pcap_record(FILE *fp, uint32_t sec, const uint8_t *f, size_t n)
{
	pcap_u32(fp, sec);
	pcap_u32(fp, 0);
	pcap_u32(fp, (uint32_t)n);
	pcap_u32(fp, (uint32_t)n);
	fwrite(f, 1, n, fp);
}

static int tshark_present(void)
{
	return system("command -v tshark >/dev/null 2>&1") == 0;
}

/* Split a tshark fields line on '|' into at most max fields. */
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

START_TEST(test_tshark_decodes)
{
	static uint8_t msg[2048], f[4096];
	static char lines[NFRAMES + 2][4096];
	int nlines = 0, i, status;
	char path[] = "/tmp/ihh_codec_tshark_XXXXXX";
	char cmd[1024], line[4096], errpath[64];
	char *fld[12];
	FILE *fp, *pp;
	int fd, n, rows = 0;
	size_t fl;

	ck_assert_msg(tshark_present(),
		      "tshark not found in PATH: install it (`make deps`, Debian package tshark)");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "wb");
	ck_assert_ptr_nonnull(fp);
	pcap_header(fp);
	/* 1: Main Mode message 1 */
	n = tu_build_mm1(msg, sizeof(msg), 0);
	fl = tu_eth_udp(f, TU_IP(192, 0, 2, 1), TU_IP(198, 51, 100, 2), 500, 500, msg, (size_t)n);
	pcap_record(fp, 1, f, fl);
	/* 2: Informational, N(R-U-THERE) in clear */
	n = tu_build_info(msg, sizeof(msg), 0);
	fl = tu_eth_udp(f, TU_IP(192, 0, 2, 1), TU_IP(198, 51, 100, 2), 500, 500, msg, (size_t)n);
	pcap_record(fp, 2, f, fl);
	/* 3, 4: VRRP v2 / v3 */
	n = tu_vrrp(msg, sizeof(msg), 2);
	fl = tu_eth_ip(f, 112, TU_IP(192, 168, 0, 10), VRRP_GROUP_V4, 255, msg, (size_t)n);
	pcap_record(fp, 3, f, fl);
	n = tu_vrrp(msg, sizeof(msg), 3);
	fl = tu_eth_ip(f, 112, TU_IP(192, 168, 0, 10), VRRP_GROUP_V4, 255, msg, (size_t)n);
	pcap_record(fp, 4, f, fl);
	/* 5, 6: HSRP v1 with TTL 1 (RFC 2281 §5.1); v2 with TTL 255, which is what
	 * Wireshark's Local Network Control Block table expects for 224.0.0.102 */
	n = tu_hsrp(msg, sizeof(msg), 1);
	fl = tu_eth_udp_ttl(f, TU_IP(172, 16, 172, 2), HSRP_V1_GROUP, 1, 1985, 1985, msg, (size_t)n);
	pcap_record(fp, 5, f, fl);
	n = tu_hsrp(msg, sizeof(msg), 2);
	fl = tu_eth_udp_ttl(f, TU_IP(172, 16, 172, 2), HSRP_V2_GROUP, 255, 1985, 1985, msg, (size_t)n);
	pcap_record(fp, 6, f, fl);
	ck_assert_int_eq(fclose(fp), 0);

	snprintf(errpath, sizeof(errpath), "%s.err", path);
	snprintf(cmd, sizeof(cmd),
		 "tshark -n -r %s -T fields -E separator='|' -E occurrence=a -E aggregator=, "
		 "-e frame.number -e isakmp.exchangetype -e isakmp.nextpayload -e isakmp.typepayload "
		 "-e isakmp.vid_bytes -e isakmp.notify.msgtype -e isakmp.notify.data.dpd.are_you_there "
		 "-e vrrp.checksum.status -e hsrp.state -e hsrp2.state "
		 "-e _ws.expert.severity -e _ws.malformed 2>%s", path, errpath);
	pp = popen(cmd, "r");
	ck_assert_ptr_nonnull(pp);
	while (nlines < NFRAMES + 2 && fgets(lines[nlines], sizeof(lines[0]), pp) != NULL)
		nlines++;
	status = pclose(pp);
	/* show tshark's own complaints, then clean up before asserting */
	fp = fopen(errpath, "r");
	if (fp != NULL) {
		while (fgets(line, sizeof(line), fp) != NULL)
			if (strstr(line, "Running as user") == NULL)
				fprintf(stderr, "tshark: %s", line);
		fclose(fp);
	}
	unlink(errpath);
	unlink(path);
	ck_assert_msg(status == 0, "tshark exited with status %d", status);
	for (i = 0; i < nlines; i++) {
		int nf = split(lines[i], fld, 12), fr;

		ck_assert_msg(nf == 12, "tshark line with %d fields", nf);
		fr = atoi(fld[0]);
		rows++;
		printf("tshark frame %d: exch=%s np=%s payloads=%s notify=%s vrrp_ck=%s hsrp=%s/%s expert=%s malformed=%s\n",
		       fr, fld[1], fld[2], fld[3], fld[5], fld[7], fld[8], fld[9], fld[10], fld[11]);
		/* no malformed packet and no expert item of note, warning or error severity
		 * (Wireshark severities: chat 0x200000, note 0x400000, warn 0x600000, error 0x800000) */
		ck_assert_msg(fld[11][0] == '\0', "frame %d: tshark says malformed", fr);
		if (fld[10][0]) {
			char *s = fld[10];

			while (*s) {
				unsigned long sev = strtoul(s, &s, 0);

				ck_assert_msg(sev < 0x400000, "frame %d: expert severity 0x%lx", fr, sev);
				if (*s == ',')
					s++;
				else
					break;
			}
		}
		switch (fr) {
		case 1:
			ck_assert_str_eq(fld[1], "2");                  /* Identity Protection */
			/* header → SA, SA → VID, proposal → 0, transform → 0, VID → VID, VID → 0 */
			ck_assert_str_eq(fld[2], "1,13,0,0,13,0");
			ck_assert_str_eq(fld[3], "1,2,3,13,13");        /* SA, P, T, VID, VID */
			ck_assert_ptr_nonnull(strstr(fld[4], "afcad71368a1f1c96b8696fc77570100"));
			ck_assert_ptr_nonnull(strstr(fld[4], "4a131c81070358455c5728f20e95452f"));
			break;
		case 2:
			ck_assert_str_eq(fld[1], "5");                  /* Informational */
			ck_assert_str_eq(fld[5], "36136");              /* R-U-THERE */
			ck_assert_str_eq(fld[6], "305419896");          /* seq 0x12345678 */
			break;
		case 3:
		case 4:
			ck_assert_str_eq(fld[7], "1");                  /* checksum good */
			break;
		case 5:
			ck_assert_str_eq(fld[8], "16");                 /* Active */
			break;
		case 6:
			ck_assert_str_eq(fld[9], "6");                  /* v2 Active */
			break;
		}
	}
	ck_assert_int_eq(rows, NFRAMES);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("isakmp_tshark");
	TCase *tc = tcase_create("tshark");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_tshark_decodes);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
