/* check_pcapng.c — pcapng writer/reader: round trip, padding, tshark cross-check,
 * classic pcap in both byte orders and precisions, pcapng timestamp resolutions,
 * several interfaces and sections, unknown blocks, and every lying length.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pcapng.h"
#include "pcap_build.h"

static char tmpdir[64];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_pcapng.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0) {
		/* best effort */
	}
}

static uint8_t frame[1600];

static void fill_frame(void)
{
	for (size_t i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)(i * 7 + 3);
}

static const size_t lens[] = { 60, 1, 2, 3, 4, 5, 14, 98, 1514, 0 };
static const int64_t t0 = 1700000000123456789LL;

static void write_sample(const char *path, const char *ifname, const char *comment)
{
	struct pcapng_writer w;

	fill_frame();
	ck_assert_int_eq(pcapng_open_write(&w, path, 1, ifname, comment), 0);
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		ck_assert_int_eq(pcapng_write(&w, t0 + (int64_t)i * 1000001, frame, lens[i], lens[i] + (i == 8 ? 100 : 0)), 0);
	ck_assert_uint_eq(w.packets, sizeof(lens) / sizeof(lens[0]));
	ck_assert_int_eq(pcapng_close(&w), 0);
}

static struct pcapng_reader *open_pb(const struct pb *p)
{
	char err[256] = "";
	struct pcapng_reader *r = pcapng_open_mem(p->b, p->n, err, sizeof(err));

	ck_assert_msg(r != NULL, "open_mem: %s", err);
	return r;
}

/* Expect exactly one more packet, then a clean end. */
static int expect_next(struct pcapng_reader *r, struct pcapng_pkt *p)
{
	char err[256] = "";
	int rc = pcapng_next(r, p, err, sizeof(err));

	ck_assert_msg(rc >= 0, "pcapng_next: %s", err);
	return rc;
}

/* Expect an error somewhere while reading (at open or at next). */
static void expect_error(const struct pb *p, const char *what)
{
	char err[256] = "";
	struct pcapng_reader *r = pcapng_open_mem(p->b, p->n, err, sizeof(err));
	struct pcapng_pkt pk;
	int rc = 0, guard = 0;

	if (!r) {
		ck_assert_msg(err[0] != '\0', "%s: open failed without message", what);
		return;
	}
	while ((rc = pcapng_next(r, &pk, err, sizeof(err))) == 1)
		ck_assert_int_lt(++guard, 100);
	ck_assert_msg(rc == -1, "%s: expected an error, got end of file", what);
	ck_assert_msg(err[0] != '\0', "%s: error without message", what);
	/* sticky */
	ck_assert_int_eq(pcapng_next(r, &pk, err, sizeof(err)), -1);
	pcapng_close_read(r);
}

START_TEST(roundtrip)
{
	char path[128], err[256] = "";
	struct pcapng_reader *r;
	struct pcapng_pkt p;
	size_t i = 0;

	snprintf(path, sizeof(path), "%s/rt.pcapng", tmpdir);
	write_sample(path, "ge0-0", "ihh p2p link x");
	r = pcapng_open_read(path, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	while (expect_next(r, &p) == 1) {
		ck_assert_uint_lt(i, sizeof(lens) / sizeof(lens[0]));
		ck_assert_int_eq(p.linktype, 1);
		ck_assert_int_eq(p.ifidx, 0);
		ck_assert_uint_eq(p.caplen, lens[i]);
		ck_assert_uint_eq(p.origlen, lens[i] + (i == 8 ? 100 : 0));
		ck_assert(p.t_ns == t0 + (int64_t)i * 1000001);
		ck_assert(lens[i] == 0 || memcmp(p.data, frame, lens[i]) == 0);
		i++;
	}
	ck_assert_uint_eq(i, sizeof(lens) / sizeof(lens[0]));
	ck_assert_int_eq(pcapng_linktype(r, 0), 1);
	ck_assert_int_eq(pcapng_linktype(r, 1), -1);
	pcapng_close_read(r);
	ck_assert_int_eq(pcapng_count(path, err, sizeof(err)), (long)i);
}
END_TEST

/* Walk the raw file: every block length a multiple of 4, leading == trailing, and the
 * option values padded (checked through exact expected sizes). */
START_TEST(padding_layout)
{
	char path[128];
	uint8_t buf[8192];
	size_t n, off = 0, nblocks = 0;
	FILE *f;
	struct pcapng_writer w;
	/* if_name 5 bytes, comment 3 bytes: both need padding */
	static const uint32_t expect[] = { 28 + 4 + 16 + 4, 20 + (4 + 8) + (4 + 4) + (4 + 4) + 4,
					   32 + 0, 32 + 4, 32 + 4, 32 + 4, 32 + 4, 32 + 8 };
	static const size_t plen[] = { 0, 1, 2, 3, 4, 5 };

	snprintf(path, sizeof(path), "%s/pad.pcapng", tmpdir);
	ck_assert_int_eq(pcapng_open_write(&w, path, 1, "ge0-0", "abc"), 0);
	for (size_t i = 0; i < 6; i++)
		ck_assert_int_eq(pcapng_write(&w, 1, frame, plen[i], plen[i]), 0);
	ck_assert_int_eq(pcapng_close(&w), 0);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	while (off < n) {
		uint32_t len, trail;

		ck_assert_uint_ge(n - off, 12);
		memcpy(&len, buf + off + 4, 4);
		ck_assert_uint_eq(len % 4, 0);
		ck_assert_uint_le(len, n - off);
		memcpy(&trail, buf + off + len - 4, 4);
		ck_assert_uint_eq(len, trail);
		ck_assert_uint_lt(nblocks, sizeof(expect) / sizeof(expect[0]));
		ck_assert_uint_eq(len, expect[nblocks]);
		off += len;
		nblocks++;
	}
	ck_assert_uint_eq(nblocks, 8);
	ck_assert_uint_eq(off, n);
}
END_TEST

START_TEST(tshark_agrees)
{
	char path[128], cmd[512], line[256], err[256] = "";
	FILE *pf;
	size_t i = 0;
	struct pcapng_reader *r;
	struct pcapng_pkt p;

	ck_assert_msg(system("command -v tshark >/dev/null 2>&1") == 0,
		      "tshark is not installed: the pcapng output cannot be cross-checked (apt-get install tshark)");
	snprintf(path, sizeof(path), "%s/ts.pcapng", tmpdir);
	write_sample(path, "ge0-0", "comment with odd length!");
	snprintf(cmd, sizeof(cmd),
		 "tshark -r '%s' -T fields -E separator=' ' -e frame.time_epoch -e frame.len -e frame.cap_len"
		 " -e frame.interface_name 2>/dev/null", path);
	pf = popen(cmd, "r");
	ck_assert_ptr_nonnull(pf);
	r = pcapng_open_read(path, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	while (fgets(line, sizeof(line), pf)) {
		long long sec;
		char frac[32], ifname[32] = "";
		unsigned long flen, clen;
		int64_t ns;

		ck_assert_msg(sscanf(line, "%lld.%31[0-9] %lu %lu %31s", &sec, frac, &flen, &clen, ifname) >= 4,
			      "tshark line: %s", line);
		ck_assert_msg(strlen(frac) == 9, "tshark time not in ns: %s", line);
		ns = sec * 1000000000LL + atoll(frac);
		ck_assert_int_eq(expect_next(r, &p), 1);
		ck_assert_msg(ns == p.t_ns, "time %lld != %lld", (long long)ns, (long long)p.t_ns);
		ck_assert_uint_eq(flen, p.origlen);
		ck_assert_uint_eq(clen, p.caplen);
		ck_assert_str_eq(ifname, "ge0-0");
		i++;
	}
	ck_assert_int_eq(pclose(pf), 0);
	ck_assert_uint_eq(i, sizeof(lens) / sizeof(lens[0]));
	ck_assert_int_eq(expect_next(r, &p), 0);
	pcapng_close_read(r);
}
END_TEST

START_TEST(classic_pcap)
{
	static const uint8_t d[5] = { 1, 2, 3, 4, 5 };

	for (int be = 0; be < 2; be++) {
		for (int nano = 0; nano < 2; nano++) {
			struct pb p = { .be = be };
			struct pcapng_reader *r;
			struct pcapng_pkt k;

			pb_pcap_hdr(&p, nano, 0x10000000u | 113);      /* FCS bits + LINUX_SLL */
			pb_pcap_rec(&p, 1700000000, nano ? 999999999u : 999999u, d, 5, 60);
			pb_pcap_rec(&p, 1700000001, 7, d, 0, 0);
			r = open_pb(&p);
			ck_assert_int_eq(expect_next(r, &k), 1);
			ck_assert_int_eq(k.linktype, 113);
			ck_assert(k.t_ns == 1700000000LL * 1000000000 + 999999999LL - (nano ? 0 : 999));
			ck_assert_uint_eq(k.caplen, 5);
			ck_assert_uint_eq(k.origlen, 60);
			ck_assert_mem_eq(k.data, d, 5);
			ck_assert_int_eq(expect_next(r, &k), 1);
			ck_assert(k.t_ns == 1700000001LL * 1000000000 + (nano ? 7 : 7000));
			ck_assert_uint_eq(k.caplen, 0);
			ck_assert_int_eq(expect_next(r, &k), 0);
			ck_assert_int_eq(pcapng_linktype(r, 0), 113);
			pcapng_close_read(r);

			/* truncated record header, truncated data */
			p.n -= 4;
			expect_error(&p, "pcap truncated header");
			p.n = 24 + 16 + 3;
			expect_error(&p, "pcap truncated data");
		}
	}
}
END_TEST

START_TEST(pcapng_resolutions)
{
	static const uint8_t d[4] = { 9, 8, 7, 6 };

	for (int be = 0; be < 2; be++) {
		struct pb p = { .be = be };
		struct pcapng_reader *r;
		struct pcapng_pkt k;

		pb_shb(&p);
		pb_idb(&p, 1, -1, 0);                   /* default: microseconds */
		pb_idb(&p, 101, 3, 0);                  /* 10^-3 */
		pb_idb(&p, 228, 0x80 | 10, 0);          /* 2^-10 */
		pb_idb(&p, 1, 12, 0);                   /* 10^-12 (picoseconds) */
		pb_idb(&p, 1, 9, 1000);                 /* ns + if_tsoffset 1000 s */
		pb_begin(&p, 0x00000BADu);              /* unknown block: skipped */
		pb_u32(&p, 42);
		pb_end(&p);
		pb_epb(&p, 0, 1700000000123456ULL, d, 4, 4);
		pb_epb(&p, 1, 1700000000123ULL, d, 3, 4);
		pb_epb(&p, 2, (1700000000ULL << 10) | 512, d, 2, 2);
		pb_epb(&p, 3, 1700000000123456789ULL, d, 1, 1);    /* ps units */
		pb_epb(&p, 4, 5, d, 4, 4);
		/* custom block type (0x00000BAD) and a Name Resolution Block (4) are skipped */
		pb_begin(&p, 4);
		pb_u32(&p, 0);
		pb_end(&p);
		r = open_pb(&p);
		ck_assert_int_eq(expect_next(r, &k), 1);
		ck_assert(k.t_ns == 1700000000123456000LL);
		ck_assert_int_eq(k.ifidx, 0);
		ck_assert_int_eq(k.linktype, 1);
		ck_assert_int_eq(expect_next(r, &k), 1);
		ck_assert(k.t_ns == 1700000000123000000LL);
		ck_assert_int_eq(k.linktype, 101);
		ck_assert_int_eq(k.ifidx, 1);
		ck_assert_uint_eq(k.caplen, 3);
		ck_assert_int_eq(expect_next(r, &k), 1);
		ck_assert(k.t_ns == 1700000000500000000LL);
		ck_assert_int_eq(k.linktype, 228);
		ck_assert_int_eq(expect_next(r, &k), 1);
		ck_assert(k.t_ns == 1700000000123456LL);       /* 1700000000123456789 ps */
		ck_assert_int_eq(expect_next(r, &k), 1);
		ck_assert(k.t_ns == 1000LL * 1000000000 + 5);
		ck_assert_int_eq(expect_next(r, &k), 0);
		pcapng_close_read(r);
	}
}
END_TEST

START_TEST(sections_and_old_blocks)
{
	static const uint8_t d[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct pb p = { 0 };
	struct pcapng_reader *r;
	struct pcapng_pkt k;

	pb_shb(&p);
	pb_idb(&p, 1, 9, 0);
	pb_idb(&p, 105, 9, 0);
	pb_epb(&p, 1, 77, d, 8, 8);
	/* second section, big endian: interfaces start again */
	{
		struct pb q = { .be = 1 };

		pb_shb(&q);
		pb_idb(&q, 113, -1, 0);
		/* Simple Packet Block: original length, data */
		pb_begin(&q, 3);
		pb_u32(&q, 6);
		pb_bytes(&q, d, 6);
		pb_end(&q);
		/* obsolete Packet Block: if 0, drops, ts, caplen, len */
		pb_begin(&q, 2);
		pb_u16(&q, 0);
		pb_u16(&q, 0);
		pb_u32(&q, 0);
		pb_u32(&q, 3);
		pb_u32(&q, 2);
		pb_u32(&q, 2);
		pb_bytes(&q, d, 2);
		pb_end(&q);
		memcpy(p.b + p.n, q.b, q.n);
		p.n += q.n;
	}
	r = open_pb(&p);
	ck_assert_int_eq(expect_next(r, &k), 1);
	ck_assert_int_eq(k.ifidx, 1);
	ck_assert_int_eq(k.linktype, 105);
	ck_assert(k.t_ns == 77);
	ck_assert_int_eq(expect_next(r, &k), 1);      /* SPB */
	ck_assert_int_eq(k.linktype, 113);
	ck_assert_uint_eq(k.caplen, 6);
	ck_assert_mem_eq(k.data, d, 6);
	ck_assert_int_eq(expect_next(r, &k), 1);      /* PB */
	ck_assert(k.t_ns == 3000);
	ck_assert_uint_eq(k.caplen, 2);
	ck_assert_int_eq(expect_next(r, &k), 0);
	ck_assert_int_eq(pcapng_linktype(r, 0), 113);
	ck_assert_int_eq(pcapng_linktype(r, 1), -1);  /* the first section's second IDB is gone */
	pcapng_close_read(r);

	/* an EPB naming an interface of the previous section is an error */
	{
		struct pb q = { 0 };

		pb_shb(&q);
		pb_idb(&q, 1, 9, 0);
		pb_idb(&q, 1, 9, 0);
		pb_shb(&q);
		pb_idb(&q, 1, 9, 0);
		pb_epb(&q, 1, 1, d, 1, 1);
		expect_error(&q, "interface of previous section");
	}
}
END_TEST

/* A valid base file with one EPB; offsets for the lying-length cases. */
static void base(struct pb *p, size_t *epb)
{
	static const uint8_t d[6] = { 1, 2, 3, 4, 5, 6 };

	memset(p, 0, sizeof(*p));
	pb_shb(p);
	pb_idb(p, 1, 9, 0);
	*epb = p->n;
	pb_epb(p, 0, 1, d, 6, 6);
}

START_TEST(lying_lengths)
{
	struct pb p;
	size_t epb;
	static const uint32_t bad_len[] = { 0, 4, 8, 11, 13, 30, 0xFFFFFFF0u, 0x7FFFFFFCu, 44 };

	/* the base file reads */
	base(&p, &epb);
	{
		struct pcapng_reader *r = open_pb(&p);
		struct pcapng_pkt k;

		ck_assert_int_eq(expect_next(r, &k), 1);
		ck_assert_int_eq(expect_next(r, &k), 0);
		pcapng_close_read(r);
	}
	for (size_t i = 0; i < sizeof(bad_len) / sizeof(bad_len[0]); i++) {
		base(&p, &epb);
		pb_patch32(&p, epb + 4, bad_len[i]);
		expect_error(&p, "bad EPB length");
	}
	/* trailing length differs */
	base(&p, &epb);
	pb_patch32(&p, p.n - 4, 36);
	expect_error(&p, "trailer mismatch");
	/* caplen larger than the block */
	base(&p, &epb);
	pb_patch32(&p, epb + 20, 9);
	expect_error(&p, "caplen > block");
	base(&p, &epb);
	pb_patch32(&p, epb + 20, 0xFFFFFFFFu);
	expect_error(&p, "caplen huge");
	/* undeclared interface */
	base(&p, &epb);
	pb_patch32(&p, epb + 8, 1);
	expect_error(&p, "undeclared interface");
	/* truncated file: the last block cut */
	base(&p, &epb);
	p.n -= 4;
	expect_error(&p, "truncated block");
	base(&p, &epb);
	p.n = epb + 8;
	expect_error(&p, "8 trailing bytes");
	/* SHB lengths */
	base(&p, &epb);
	pb_patch32(&p, 4, 24);
	expect_error(&p, "short SHB");
	base(&p, &epb);
	pb_patch32(&p, 4, 30);
	expect_error(&p, "SHB not multiple of 4");
	base(&p, &epb);
	pb_patch32(&p, 4, 0x10000);
	expect_error(&p, "SHB longer than file");
	/* bad byte-order magic, bad version */
	base(&p, &epb);
	p.b[8] ^= 0xFF;
	expect_error(&p, "bad BOM");
	base(&p, &epb);
	p.b[12] = 2;
	expect_error(&p, "version 2");
	/* IDB option longer than its block */
	{
		struct pb q = { 0 };
		uint8_t v = 9;

		pb_shb(&q);
		pb_begin(&q, 1);
		pb_u16(&q, 1);
		pb_u16(&q, 0);
		pb_u32(&q, 0);
		pb_u16(&q, 9);
		pb_u16(&q, 200);        /* lies */
		pb_bytes(&q, &v, 1);
		pb_end(&q);
		expect_error(&q, "option overrun");
	}
	/* not a capture at all, empty, tiny */
	{
		struct pb q = { 0 };

		pb_bytes(&q, "hello world, not a pcap", 23);
		expect_error(&q, "not pcap");
		q.n = 0;
		expect_error(&q, "empty");
		q.n = 3;
		expect_error(&q, "3 bytes");
	}
}
END_TEST

START_TEST(writer_errors)
{
	struct pcapng_writer w;
	char path[128], err[256];

	ck_assert_int_eq(pcapng_open_write(&w, "/nonexistent/dir/x.pcapng", 1, "x", NULL), -1);
	snprintf(path, sizeof(path), "%s/w.pcapng", tmpdir);
	ck_assert_int_eq(pcapng_open_write(&w, path, 1, NULL, NULL), 0);
	ck_assert_int_eq(pcapng_write(&w, -1, frame, 1, 1), -1);
	ck_assert_int_eq(pcapng_write(&w, 1, NULL, 1, 1), -1);
	ck_assert_int_eq(pcapng_flush(&w), 0);
	ck_assert_int_eq(pcapng_count(path, err, sizeof(err)), 0);
	ck_assert_int_eq(pcapng_close(&w), 0);
	ck_assert_ptr_null(pcapng_open_read("/nonexistent/x.pcapng", err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/x.pcapng"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("pcapng");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, roundtrip);
	tcase_add_test(tc, padding_layout);
	tcase_add_test(tc, tshark_agrees);
	tcase_add_test(tc, classic_pcap);
	tcase_add_test(tc, pcapng_resolutions);
	tcase_add_test(tc, sections_and_old_blocks);
	tcase_add_test(tc, lying_lengths);
	tcase_add_test(tc, writer_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
