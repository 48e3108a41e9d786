/* check_cfg_mutation.c — deterministic mutation test of the IOS configuration parser
 * (CTest label "mutation"): every seed config (tests/seeds/) is mutated by a fixed-seed
 * PRNG (and fuzz/corpus/fhrp-routing.cfg, every HSRP/VRRP/OSPF/route-map form) — line
 * drops, duplicates and swaps, word swaps, words from other lines or from a
 * keyword list, truncation, random bytes, huge and edge numbers, long words and long
 * lines, stray blanks (U+00A0, cut UTF-8), block keywords (`banner`, `end`, `exit`, `!`).
 *
 * Asserts for each mutant: the parser returns 0, or -1 with a message that starts with
 * "<file>:<line>: expected " (line within the mutant) or "<file>: expected ". When it
 * returns 0, every look-up runs (route resolution, crypto ACL selectors, map/iface
 * walks), and the show-run text of the model reads back to the same text again.
 * The same mutations of refgwctl `configure` lines go through ios_cfg_apply_global_line
 * (a refused line leaves the model untouched). Prints accepted/rejected counts; runs
 * well under 20 s.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ios_cfg.h"

#define MUT_PER_SEED  5000
#define BUF_MAX       (64 * 1024)

static const char *const seed_names[] = {
	"vpn7200.cfg", "7204VXR-1.cfg", "7204VXR-2.cfg", "7206-1.cfg", "Branch.cfg", "HQ-1.cfg",
	"HQ-2.cfg", "fhrp-routing.cfg",    /* the last one from fuzz/corpus/ */
};

static const char *const words[] = {
	"interface", "crypto", "map", "isakmp", "ipsec", "policy", "key", "keepalive", "ip", "route",
	"address", "access-list", "permit", "deny", "any", "host", "set", "peer", "transform-set",
	"match", "reverse-route", "static", "tag", "pfs", "group14", "no", "shutdown", "secondary",
	"redundancy", "standby", "router", "ospf", "line", "end", "exit", "banner", "!", "#", "0",
	"1", "65535", "65536", "4294967295", "4294967296", "99999999999999999999", "-1", "255.255.255.255",
	"0.0.0.0", "1.2.3", "1.2.3.4.5", "256.1.1.1", "0.0.255.0", "Fa0/1", "FastEthernet", "Lo0",
	"esp-aes", "256", "esp-sha256-hmac", "mode", "transport", "periodic", "on-demand", "^C",
	"\xc2\xa0", "\xc2", "\xe3\x80\x80", "lifetime", "seconds", "kilobytes", "description",
	"extended", "standard", "remark", "eq", "range", "log", "default", "ipsec-isakmp",
	"vrrp", "priority", "preempt", "delay", "minimum", "timers", "msec", "advertise", "track",
	"decrement", "name", "authentication", "md5", "key-string", "version", "2", "3", "4095",
	"4096", "network", "area", "redistribute", "subnets", "route-map", "passive-interface",
	"default-information", "originate", "always", "metric", "metric-type", "type-1", "fhrp",
	"line-protocol", "router-id", "log-adjacency-changes", "detail",
};

static const char *const lines_extra[] = {
	"banner motd ^C", "^C", "end", "exit", "!", " !", "interface Fa0/1", "crypto map vpn 10",
	"crypto map vpn 5 ipsec-isakmp", "ip route 0.0.0.0 0.0.0.0 172.16.172.65",
	"ip route 10.0.0.0 255.0.0.0 10.0.0.1", "ip route 10.0.0.0 255.0.0.0 Loopback0",
	"access-list 101 permit ip any any", "ip access-list extended VPN",
	"crypto ipsec transform-set myset esp-aes 256 esp-sha-hmac", "set peer 1.1.1.1",
	"set transform-set myset", "match address 101", "router ospf 1", "key chain k",
	"Building configuration...", "# note", "crypto isakmp keepalive 10 3 periodic",
	"ip address 172.16.172.70 255.255.255.240 secondary", "no ip address", "shutdown",
	"standby 1 ip 172.16.172.53", "standby 1 timers msec 200 msec 750", "standby version 2",
	"standby 300 ip 10.1.1.9", "standby 1 track 5 decrement 20", "standby 1 preempt delay 15",
	"standby 1 authentication md5 key-string 7 094F471A1A0A", "standby ip",
	"track 5 interface FastEthernet0/1 line-protocol", "vrrp 1 ip 10.1.1.1",
	"vrrp 2 ip 10.1.1.9 secondary", "no vrrp 1 preempt", "vrrp 1 timers advertise msec 100",
	"fhrp version vrrp v3", "vrrp version 3", "vrrp 1 track 5", "router ospf 2",
	"network 10.0.0.0 0.0.255.255 area 0.0.0.1", "passive-interface default",
	"no passive-interface FastEthernet0/1", "redistribute connected metric 5 tag 9 subnets",
	"default-information originate always metric-type 1", "route-map RRI_to_OSPF deny 20",
	"match tag 1 2 3", "set metric-type type-1", "set tag 5", "route-map X",
};

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1Dull;
}

static size_t below(size_t n)
{
	return n ? (size_t)(rng() % n) : 0;
}

struct text { char b[BUF_MAX]; size_t len; };

/* [start, end) of line i (0-based); returns 0 if there is no such line */
static int line_span(const struct text *t, size_t i, size_t *s, size_t *e)
{
	size_t pos = 0, n = 0;

	while (pos <= t->len) {
		const char *nl = memchr(t->b + pos, '\n', t->len - pos);
		size_t end = nl ? (size_t)(nl - t->b) : t->len;

		if (n == i) {
			*s = pos;
			*e = end;
			return 1;
		}
		if (!nl)
			break;
		pos = end + 1;
		n++;
	}
	return 0;
}

static size_t count_lines(const struct text *t)
{
	size_t i, n = 1;

	for (i = 0; i < t->len; i++)
		n += t->b[i] == '\n';
	return n;
}

static void splice(struct text *t, size_t at, size_t del, const char *ins, size_t inslen)
{
	if (at > t->len)
		at = t->len;
	if (del > t->len - at)
		del = t->len - at;
	if (t->len - del + inslen > BUF_MAX)
		return;
	memmove(t->b + at + inslen, t->b + at + del, t->len - at - del);
	memcpy(t->b + at, ins, inslen);
	t->len = t->len - del + inslen;
}

/* a random word of the text: [s, e) */
static int pick_word(const struct text *t, size_t *s, size_t *e)
{
	size_t tries, p;

	for (tries = 0; tries < 8 && t->len; tries++) {
		p = below(t->len);
		if (t->b[p] == ' ' || t->b[p] == '\n')
			continue;
		*s = p;
		while (*s > 0 && t->b[*s - 1] != ' ' && t->b[*s - 1] != '\n')
			(*s)--;
		*e = p;
		while (*e < t->len && t->b[*e] != ' ' && t->b[*e] != '\n')
			(*e)++;
		return 1;
	}
	return 0;
}

static void mutate(struct text *t)
{
	size_t nl = count_lines(t), s, e, s2, e2, i;
	char tmp[4096];
	int kind = (int)below(14), rounds = 1 + (int)below(3), r;

	for (r = 0; r < rounds; r++, kind = (int)below(14)) {
		switch (kind) {
		case 0:   /* drop a line */
			if (line_span(t, below(nl), &s, &e))
				splice(t, s, e - s + 1, "", 0);
			break;
		case 1:   /* duplicate a line */
			if (line_span(t, below(nl), &s, &e) && e - s < sizeof(tmp) - 1) {
				memcpy(tmp, t->b + s, e - s);
				tmp[e - s] = '\n';
				splice(t, s, 0, tmp, e - s + 1);
			}
			break;
		case 2:   /* move a line elsewhere */
			if (line_span(t, below(nl), &s, &e) && e - s < sizeof(tmp) - 1) {
				size_t len = e - s;

				memcpy(tmp, t->b + s, len);
				tmp[len] = '\n';
				splice(t, s, len + 1, "", 0);
				if (line_span(t, below(nl), &s2, &e2))
					splice(t, s2, 0, tmp, len + 1);
			}
			break;
		case 3:   /* swap two words */
			if (pick_word(t, &s, &e) && pick_word(t, &s2, &e2) && (e <= s2 || e2 <= s) &&
			    e - s < 2000 && e2 - s2 < 2000) {
				char w1[2000], w2[2000];
				size_t l1 = e - s, l2 = e2 - s2;

				memcpy(w1, t->b + s, l1);
				memcpy(w2, t->b + s2, l2);
				if (s < s2) {
					splice(t, s2, l2, w1, l1);
					splice(t, s, l1, w2, l2);
				} else {
					splice(t, s, l1, w2, l2);
					splice(t, s2, l2, w1, l1);
				}
			}
			break;
		case 4:   /* a word from the keyword list */
			if (pick_word(t, &s, &e)) {
				const char *w = words[below(sizeof(words) / sizeof(words[0]))];

				splice(t, s, e - s, w, strlen(w));
			}
			break;
		case 5:   /* truncate */
			t->len = below(t->len + 1);
			break;
		case 6:   /* random bytes */
			for (i = below(8) + 1; i > 0 && t->len; i--)
				t->b[below(t->len)] = (char)below(256);
			break;
		case 7:   /* a number made huge or edgy */
			if (pick_word(t, &s, &e)) {
				static const char *const nums[] = {
					"99999999999999999999", "4294967296", "4294967295", "2147483648", "0",
					"65536", "00000000000000000000000001", "1.1.1.1.1", "999.1.1.1",
				};
				const char *w = nums[below(sizeof(nums) / sizeof(nums[0]))];

				splice(t, s, e - s, w, strlen(w));
			}
			break;
		case 8:   /* a long word or a long line */
			if (pick_word(t, &s, &e)) {
				size_t len = below(2) ? 60 + below(200) : 1000 + below(1200);

				memset(tmp, below(2) ? 'A' : '9', len > sizeof(tmp) ? sizeof(tmp) : len);
				splice(t, s, e - s, tmp, len > sizeof(tmp) ? sizeof(tmp) : len);
			}
			break;
		case 9:   /* an extra line */
			if (line_span(t, below(nl), &s, &e)) {
				const char *l = lines_extra[below(sizeof(lines_extra) / sizeof(lines_extra[0]))];

				snprintf(tmp, sizeof(tmp), "%s\n", l);
				splice(t, s, 0, tmp, strlen(tmp));
			}
			break;
		case 10:  /* a word copied from elsewhere in the text */
			if (pick_word(t, &s, &e) && pick_word(t, &s2, &e2) && e2 - s2 < sizeof(tmp)) {
				memcpy(tmp, t->b + s2, e2 - s2);
				splice(t, s, e - s, tmp, e2 - s2);
			}
			break;
		case 11:  /* indent or unindent a line */
			if (line_span(t, below(nl), &s, &e)) {
				if (t->b[s] == ' ')
					splice(t, s, 1, "", 0);
				else
					splice(t, s, 0, below(2) ? " " : "\xc2\xa0", below(2) ? 1 : 2);
			}
			break;
		case 12:  /* delete a byte / insert a stray one */
			if (t->len) {
				static const char strays[] = { '\0', '\r', '\t', '!', '#', '\n', (char)0xC2, (char)0xA0 };

				if (below(2))
					splice(t, below(t->len), 1, "", 0);
				else
					splice(t, below(t->len), 0, &strays[below(sizeof(strays))], 1);
			}
			break;
		default:  /* many words on one line */
			if (line_span(t, below(nl), &s, &e)) {
				size_t k, o = 0;

				for (k = 0; k < 70 && o + 4 < sizeof(tmp); k++)
					o += (size_t)snprintf(tmp + o, sizeof(tmp) - o, " %s", words[below(8)]);
				splice(t, e, 0, tmp, o);
			}
			break;
		}
	}
}

static int failures;

static void fail(const char *seed, unsigned long n, const char *why, const struct text *t, const char *err)
{
	const char *dump = getenv("CFG_MUTANT_DUMP");

	if (dump && failures == 0) {      /* the first failing mutant, for a closer look */
		FILE *fp = fopen(dump, "wb");

		if (fp) {
			fwrite(t->b, 1, t->len, fp);
			fclose(fp);
		}
	}
	if (failures++ < 10)
		fprintf(stderr, "FAIL %s mutant %lu: %s\n  err: %s\n  text (%zu bytes): %.*s\n", seed, n, why,
			err, t->len, (int)(t->len > 600 ? 600 : t->len), t->b);
}

/* "fname:LINE: expected …" with 1 <= LINE <= lines, or "fname: expected …" */
static int message_ok(const char *fname, const char *err, size_t lines)
{
	size_t fl = strlen(fname);
	const char *p;
	unsigned long line;
	char *end;

	if (strncmp(err, fname, fl) != 0 || err[fl] != ':')
		return 0;
	p = err + fl + 1;
	if (*p == ' ')
		return strncmp(p, " expected ", 10) == 0;
	line = strtoul(p, &end, 10);
	if (end == p || line < 1 || line > lines)
		return 0;
	return strncmp(end, ": expected ", 11) == 0;
}

static char *write_text(const struct ios_cfg *c, size_t *len)
{
	char *buf = NULL;
	FILE *fp = open_memstream(&buf, len);

	if (!fp)
		abort();
	ios_cfg_write(c, fp);
	fclose(fp);
	return buf;
}

static void exercise(const struct ios_cfg *c)
{
	static struct ios_route_res res[IOS_MAX_ROUTES];
	static struct ios_flow flows[IOS_MAX_ACES];
	const struct ios_map_entry *e = NULL;
	char err[512], line[256];
	int i, n;

	n = ios_route_resolve(c, NULL, res, IOS_MAX_ROUTES);
	for (i = 0; i < n; i++)
		ios_route_res_str(c, &res[i], line, sizeof(line));
	while ((e = ios_cfg_map_next(c, NULL, e)) != NULL) {
		struct ios_esp_params esp;
		int k;

		if (e->acl[0])
			ios_acl_flows(c, e->acl, flows, IOS_MAX_ACES, err, sizeof(err));
		for (k = 0; k < e->ntsets; k++)
			if (ios_cfg_tset_esp(c, e->tsets[k], &esp) != 0)
				abort();     /* checked by the parser */
		ios_cfg_map_iface(c, e->map, NULL);
		for (k = 0; k < e->npeers; k++)
			ios_cfg_key_find(c, e->peers[k]);
	}
	for (i = 0; i < c->nifaces; i++)
		if (ios_cfg_iface_find(c, c->ifaces[i].name) == NULL)
			abort();
	/* HSRP/VRRP groups: the invariants the daemon relies on */
	{
		const struct ios_fhrp *g = NULL;
		const struct ios_rmap_entry *hit;
		int k;

		while ((g = ios_cfg_fhrp_next(c, -1, g)) != NULL) {
			if (g->iface < 0 || g->iface >= c->nifaces || g->nvips > IOS_MAX_FHRP_VIPS ||
			    (g->proto == IOS_FHRP_HSRP && g->group > (g->version == 2 ? 4095u : 255u)) ||
			    (g->proto == IOS_FHRP_VRRP && (g->group < 1 || g->group > 255 || g->priority < 1)))
				abort();
			if (g->name[0] && ios_cfg_fhrp_find(c, g->iface, g->name) == NULL)
				abort();
			for (k = 0; k < g->ntracks; k++)
				if (ios_cfg_iface_find(c, g->tracks[k].ifname) == NULL)
					abort();      /* resolved and checked by the parser */
		}
		for (i = 0; i < c->nrmap; i++) {
			int r = ios_rmap_match_tag(c, c->rmap[i].name, c->rmap[i].ntags > 0,
						   c->rmap[i].ntags ? c->rmap[i].tags[0] : 0, &hit);

			if ((r == 1 && (!hit || !hit->permit)) || (r != 0 && r != 1))
				abort();
		}
		if (c->ospf.redist_static.route_map[0])
			ios_rmap_match_tag(c, c->ospf.redist_static.route_map, true, 99, NULL);
	}
}

/* refgwctl `configure` lines (ios_cfg_apply_global_line) mutated the same way and applied
 * to a loaded seed: 0 with a show-run that reads back, or -1 with "configure:7: expected "
 * and the model exactly as before. */
static const char *const runtime_lines[] = {
	"crypto isakmp keepalive 10 periodic", "crypto isakmp keepalive 15 2", "no crypto isakmp keepalive",
	"ike dpd interval 3 retry 3 periodic", "ike dpd interval 20 on-demand", "no ike dpd",
	"crypto isakmp invalid-spi-recovery", "no crypto isakmp invalid-spi-recovery",
};

#define RUNTIME_MUTANTS 8000

static void runtime_mutants(struct ios_cfg *c, struct ios_cfg *c2, unsigned long *ok, unsigned long *bad)
{
	static struct text t;
	static char line[BUF_MAX + 1];
	char path[512], err[1024];
	unsigned long n;
	size_t l0, l1, lr;
	char *before, *after, *back;

	struct ios_cfg *tmpl;

	snprintf(path, sizeof(path), "%s/Branch.cfg", CFG_SEED_DIR);
	tmpl = ios_cfg_load_file(path, err, sizeof(err));
	if (!tmpl) {
		fprintf(stderr, "%s\n", err);
		failures++;
		return;
	}
	for (n = 0; n < RUNTIME_MUTANTS; n++) {
		const char *base = runtime_lines[below(sizeof(runtime_lines) / sizeof(runtime_lines[0]))];
		int rc;

		memcpy(c, tmpl, offsetof(struct ios_cfg, pool) + tmpl->pool_len);
		/* some lines applied first, so `no` and replacements meet a configured value */
		if (below(2))
			ios_cfg_apply_global_line(c, runtime_lines[below(8)], "configure", 1, err, sizeof(err));
		t.len = strlen(base);
		memcpy(t.b, base, t.len);
		if (n % 8)
			mutate(&t);
		memcpy(line, t.b, t.len);
		line[t.len] = '\0';
		before = write_text(c, &l0);
		rc = ios_cfg_apply_global_line(c, line, "configure", 7, err, sizeof(err));
		after = write_text(c, &l1);
		if (rc != 0) {
			++*bad;
			if (rc != -1 || strncmp(err, "configure:7: expected ", 22) != 0)
				fail("runtime", n, "bad error message", &t, err);
			else if (l0 != l1 || memcmp(before, after, l0) != 0)
				fail("runtime", n, "a refused line changed the model", &t, err);
		} else {
			++*ok;
			exercise(c);
			if (ios_cfg_parse(after, l1, "w.cfg", c2, err, sizeof(err)) != 0) {
				fail("runtime", n, "show-run after the line does not read back", &t, err);
			} else {
				back = write_text(c2, &lr);
				if (lr != l1 || memcmp(back, after, l1) != 0)
					fail("runtime", n, "show-run after the line not stable", &t, "");
				free(back);
			}
		}
		free(before);
		free(after);
	}
	ios_cfg_free(tmpl);
}

int main(void)
{
	static struct text orig, t;
	struct ios_cfg *c = ios_cfg_alloc(), *c2 = ios_cfg_alloc();
	unsigned long total_ok = 0, total_bad = 0;
	clock_t t0 = clock();
	size_t si;

	if (!c || !c2)
		return 1;
	for (si = 0; si < sizeof(seed_names) / sizeof(seed_names[0]); si++) {
		char path[512], err[1024];
		unsigned long n, ok = 0, bad = 0;
		FILE *fp;

		snprintf(path, sizeof(path), "%s/%s",
			 si + 1 == sizeof(seed_names) / sizeof(seed_names[0]) ? CFG_CORPUS_DIR : CFG_SEED_DIR,
			 seed_names[si]);
		fp = fopen(path, "rb");
		if (!fp) {
			fprintf(stderr, "cannot open %s\n", path);
			return 1;
		}
		orig.len = fread(orig.b, 1, sizeof(orig.b), fp);
		fclose(fp);
		if (ios_cfg_parse(orig.b, orig.len, seed_names[si], c, err, sizeof(err)) != 0) {
			fprintf(stderr, "seed %s does not parse: %s\n", seed_names[si], err);
			return 1;
		}
		for (n = 0; n < MUT_PER_SEED; n++) {
			int rc;

			t = orig;
			mutate(&t);
			err[0] = '\0';
			rc = ios_cfg_parse(t.b, t.len, seed_names[si], c, err, sizeof(err));
			if (rc != 0) {
				bad++;
				if (rc != -1 || !message_ok(seed_names[si], err, count_lines(&t)))
					fail(seed_names[si], n, "bad error message", &t, err);
				continue;
			}
			ok++;
			exercise(c);
			/* the show-run text of an accepted config reads back, and is stable */
			{
				size_t l1, l2;
				char *w1 = write_text(c, &l1), *w2;

				if (ios_cfg_parse(w1, l1, "w.cfg", c2, err, sizeof(err)) != 0) {
					fail(seed_names[si], n, "show-run output does not read back", &t, err);
					fprintf(stderr, "%s\n", w1);
				} else {
					w2 = write_text(c2, &l2);
					if (l1 != l2 || memcmp(w1, w2, l1) != 0) {
						fail(seed_names[si], n, "show-run output not stable", &t, "");
						if (failures < 3)
							fprintf(stderr, "--- first\n%s--- second\n%s", w1, w2);
					}
					free(w2);
				}
				free(w1);
			}
		}
		printf("%-16s %5lu mutants: %5lu accepted, %5lu rejected with file:line\n", seed_names[si],
		       (unsigned long)MUT_PER_SEED, ok, bad);
		total_ok += ok;
		total_bad += bad;
	}
	{
		unsigned long ok = 0, bad = 0;

		runtime_mutants(c, c2, &ok, &bad);
		printf("%-16s %5lu mutants: %5lu accepted, %5lu rejected with configure:line\n", "configure",
		       (unsigned long)RUNTIME_MUTANTS, ok, bad);
		total_ok += ok;
		total_bad += bad;
	}
	printf("total: %lu accepted, %lu rejected, %d failures, %.1f s\n", total_ok, total_bad, failures,
	       (double)(clock() - t0) / CLOCKS_PER_SEC);
	ios_cfg_free(c);
	ios_cfg_free(c2);
	return failures ? 1 : 0;
}
