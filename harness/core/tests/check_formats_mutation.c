/* check_formats_mutation.c — the deterministic mutation test of the harness's own file
 * formats (testcase.conf, *.node, topology.lab): the shipped files, mutated by a fixed-
 * seed generator (byte flips, truncations, dropped/duplicated/swapped lines and words,
 * keywords in the wrong place, huge numbers). Every outcome must be "accepted" or a
 * `file:LINE: …` error — never a crash, a hang or an error without a line. */
#include <check.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testcase.h"
#include "tok.h"

#define TC_DIR IHH_SOURCE_DIR "/testcases/rbm-switchover-dpd"

static uint64_t rng = 0x1b5eed0003ULL;   /* fixed: the same mutations every run */

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static const char *const words[] = {
	"at", "+0", "expect", "within", "after", "before", "as", "end", "start", "all", "ping", "from", "to",
	"dpd-detect(F1060)", "vrrp-takeover(F1090-2)", "plus", "0..2", "9..1", "..", "spi", "new", "old",
	"node", "interface", "address", "segment", "port", "link", "capture", "route", "via",
	"daemon", "ike", "dpd", "interval", "retry", "periodic", "vrrp", "virtual-ip", "priority",
	"999999999999999999999", "-1", "1e308", "nan", "\"", "#", "1.1.1.1/33", "F1090-9", "", "\t",
	"variants", "only", "strongswan:", "refgw,", ":", "realtime-run", "yes", "dpd-probe-to-dead(F1060)",
	"-0.15..0.15", "first", "PROBE", "recovers",
};

/* One mutation of text into out (cap bytes). */
static void mutate(const char *text, char *out, size_t cap)
{
	size_t n = strlen(text);
	if (n >= cap)
		n = cap - 1;
	memcpy(out, text, n);
	out[n] = '\0';
	int k = 1 + next() % 4;
	while (k--) {
		n = strlen(out);
		size_t pos = n ? next() % n : 0;
		switch (next() % 7) {
		case 0:   /* flip a byte */
			if (n)
				out[pos] = (char)(next() & 0xff ? next() & 0x7f : 0x80 | (next() & 0x7f));
			break;
		case 1:   /* truncate */
			out[pos] = '\0';
			break;
		case 2: { /* insert a word */
			const char *w = words[next() % (sizeof(words) / sizeof(words[0]))];
			size_t wl = strlen(w);
			if (n + wl + 2 < cap) {
				memmove(out + pos + wl + 1, out + pos, n - pos + 1);
				memcpy(out + pos, w, wl);
				out[pos + wl] = ' ';
			}
			break;
		}
		case 3: { /* delete a line */
			char *ls = out + pos;
			while (ls > out && ls[-1] != '\n')
				ls--;
			char *le = strchr(ls, '\n');
			if (le)
				memmove(ls, le + 1, strlen(le + 1) + 1);
			else
				*ls = '\0';
			break;
		}
		case 4: { /* duplicate a line */
			char *ls = out + pos;
			while (ls > out && ls[-1] != '\n')
				ls--;
			char *le = strchr(ls, '\n');
			size_t ll = le ? (size_t)(le - ls) + 1 : strlen(ls);
			if (n + ll + 1 < cap) {
				memmove(ls + ll, ls, strlen(ls) + 1);
			}
			break;
		}
		case 5:   /* a newline in the middle of a line */
			if (n)
				out[pos] = '\n';
			break;
		default:  /* a digit turned into a huge number */
			if (n && isdigit((unsigned char)out[pos]) && n + 20 < cap) {
				memmove(out + pos + 19, out + pos, n - pos + 1);
				memset(out + pos, '9', 19);
			}
			break;
		}
	}
}

/* An error must name file:line. */
static void assert_located(const char *err, const char *file)
{
	const char *p = strstr(err, file);
	ck_assert_msg(p != NULL, "error without the file name: '%s'", err);
	p += strlen(file);
	ck_assert_msg(*p == ':' && isdigit((unsigned char)p[1]), "error without a line: '%s'", err);
}

static char *slurp_or_die(const char *path)
{
	char *t = tok_slurp(path);
	ck_assert_msg(t != NULL, "cannot read %s", path);
	return t;
}

START_TEST(mutate_testcase_conf)
{
	char *text = slurp_or_die(TC_DIR "/testcase.conf");
	static char buf[16384];
	struct testcase *tc = calloc(1, sizeof(*tc));
	unsigned ok = 0, bad = 0;
	for (int i = 0; i < 4000; i++) {
		char err[LAB_ERR_MAX] = "";
		mutate(text, buf, sizeof(buf));
		if (tc_parse(TC_DIR, "testcase.conf", buf, tc, err, sizeof(err)) == 0) {
			ok++;
			ck_assert_int_le(tc->nact, TC_MAX_ACTIONS);
			ck_assert_int_le(tc->nexp, TC_MAX_EXPECTS);
		} else {
			bad++;
			/* errors may come from the (unmutated) topology/node files only if the
			 * mutated conf names another topology; either way they carry file:line */
			if (strstr(err, "testcase.conf"))
				assert_located(err, "testcase.conf");
		}
	}
	printf("testcase.conf: %u accepted, %u rejected\n", ok, bad);
	ck_assert_uint_gt(bad, 0);
	free(tc);
	free(text);
}
END_TEST

START_TEST(mutate_node_files)
{
	const char *files[] = { TC_DIR "/nodes/strongswan/F1060.node", TC_DIR "/nodes/strongswan/F1090-2.node",
				TC_DIR "/nodes/refgw/F1090-2.node" };
	static char buf[8192];
	unsigned ok = 0, bad = 0;
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		char *text = slurp_or_die(files[f]);
		for (int i = 0; i < 20000; i++) {
			struct node_spec n;
			char err[LAB_ERR_MAX] = "";
			mutate(text, buf, sizeof(buf));
			if (node_spec_parse("x.node", buf, &n, err, sizeof(err)) == 0) {
				ok++;
				ck_assert_int_le(n.nflows, NODE_MAX_FLOWS);
				ck_assert_int_le(n.nvrrp, NODE_MAX_VRRP);
			} else {
				bad++;
				assert_located(err, "x.node");
			}
		}
		free(text);
	}
	printf("node files: %u accepted, %u rejected\n", ok, bad);
	ck_assert_uint_gt(ok, 0);
	ck_assert_uint_gt(bad, 0);
}
END_TEST

START_TEST(mutate_topology)
{
	char *text = slurp_or_die(TC_DIR "/topology.lab");
	static char buf[8192];
	struct lab_topo *t = calloc(1, sizeof(*t));
	unsigned ok = 0, bad = 0;
	for (int i = 0; i < 20000; i++) {
		char err[LAB_ERR_MAX] = "";
		mutate(text, buf, sizeof(buf));
		if (lab_topo_parse("t.lab", buf, t, err, sizeof(err)) == 0) {
			ok++;
			ck_assert_int_le(t->nnodes, LAB_MAX_NODES);
		} else {
			bad++;
			assert_located(err, "t.lab");
		}
	}
	printf("topology: %u accepted, %u rejected\n", ok, bad);
	ck_assert_uint_gt(bad, 0);
	free(t);
	free(text);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("formats-mutation");
	TCase *tc = tcase_create("mutate");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, mutate_testcase_conf);
	tcase_add_test(tc, mutate_node_files);
	tcase_add_test(tc, mutate_topology);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
