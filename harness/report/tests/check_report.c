/* check_report.c — Check suite for report/: the JSON writer and escaping, and all four
 * views of a synthetic run modelled on seed 003 (H3C RBM switchover: F1060 ↔ F1090-1/-2
 * in VRRP, DPD interval 3 retry 3, ping outage ~13 s). Files are validated with python3
 * (json, xml.etree) when it is installed and always with a small JSON checker here.
 */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "report.h"
#include "json.h"

#define T0_NS 1661269350000000000LL   /* 2022-08-23T15:42:30.000Z */

/* A log line with everything escaping must survive: quotes, markup, control
 * characters, valid UTF-8 and one invalid byte. */
static const char nasty[] = "cfg \"vpn\" <script>alert('x')</script> & \x01\x1f tab\there \xc3\xa9\xe2\x86\x92\xe4\xb8\xad bad\xff byte";

static struct ev *add(struct ev_list *l, double t, enum ev_type type, const char *node,
		      const char *peer, const char *text)
{
	struct ev e;
	memset(&e, 0, sizeof(e));
	e.t_ns = T0_NS + (int64_t)(t * 1e9 + 0.5);
	e.type = type;
	e.src = type == EV_LOG ? EV_SRC_LOG : type == EV_ACTION ? EV_SRC_ACTION :
		type == EV_PING ? EV_SRC_PROBE : type == EV_STATE ? EV_SRC_STATE : EV_SRC_CAPTURE;
	snprintf(e.node, sizeof(e.node), "%s", node);
	snprintf(e.peer, sizeof(e.peer), "%s", peer);
	snprintf(e.text, sizeof(e.text), "%s", text);
	if (type != EV_LOG && type != EV_ACTION && type != EV_PING && type != EV_STATE)
		snprintf(e.link, sizeof(e.link), "%s", strcmp(node, "F1060") && strcmp(peer, "F1060") ?
			 "lan" : "wan");
	return ev_push(l, &e);
}

static void add_exchange(struct ev_list *l, double t, const char *init, const char *resp,
			 uint8_t exch, int nmsg, uint8_t ck, uint32_t msgid)
{
	for (int m = 1; m <= nmsg; m++) {
		char text[64];
		snprintf(text, sizeof(text), "%s message %d", exch == 2 ? "Main Mode" : "Quick Mode", m);
		int from_init = m % 2 == 1;
		struct ev *e = add(l, t + 0.05 * m, EV_IKE, from_init ? init : resp, from_init ? resp : init, text);
		e->exch = exch;
		e->msgno = (int8_t)m;
		memset(e->icookie, ck, 8);
		e->msgid = msgid;
	}
}

static void add_dpd(struct ev_list *l, double t, const char *from, const char *to, uint32_t seq, int ack)
{
	char text[64];
	snprintf(text, sizeof(text), "%s seq 0x%08x", ack ? "R-U-THERE-ACK" : "R-U-THERE", seq);
	struct ev *e = add(l, t, EV_DPD, from, to, text);
	e->notify = ack ? 36137 : 36136;
	e->seq = seq;
	e->exch = 5;
	e->decrypted = 1;
}

static struct ev_list evs;
static struct exp_result exps[2];
static struct run_report rr;

/* The seed-003 story with DPD: switchover at 12.5 s, old SA used until DPD declares the
 * peer dead at 24 s, new Main Mode/Quick Mode with F1090-2, pings back at 25.5 s. */
static void build_run(void)
{
	ev_list_init(&evs);
	add(&evs, 0.0, EV_ACTION, "", "", "start lab, nodes, captures")->label[0] = 0;
	snprintf(evs.v[0].label, sizeof(evs.v[0].label), "START");
	struct ev *s = add(&evs, 0.2, EV_STATE, "F1090-1", "", "VRRP 1 Master");
	snprintf(s->state, sizeof(s->state), "MASTER");
	s = add(&evs, 0.2, EV_STATE, "F1090-2", "", "VRRP 1 Backup");
	snprintf(s->state, sizeof(s->state), "BACKUP");
	for (double t = 0.3; t < 12.4; t += 1.0) {
		struct ev *v = add(&evs, t, EV_VRRP, "F1090-1", "", "VRRP advert vrid 1 prio 200 VIP 1.1.1.2");
		v->value = 200;
	}
	for (double t = 12.6; t < 40.0; t += 1.0) {
		struct ev *v = add(&evs, t, EV_VRRP, "F1090-2", "", "VRRP advert vrid 1 prio 100 VIP 1.1.1.2");
		v->value = 100;
	}
	add_exchange(&evs, 1.0, "F1060", "F1090-1", 2, 6, 0xa1, 0);
	add_exchange(&evs, 1.32, "F1060", "F1090-1", 32, 3, 0xa1, 0x148774b);
	s = add(&evs, 1.5, EV_STATE, "F1060", "", "IPsec SA up with 1.1.1.2");
	snprintf(s->state, sizeof(s->state), "SA UP");
	add(&evs, 1.6, EV_LOG, "F1060", "", "IKE SA established with 1.1.1.2");
	add(&evs, 5.0, EV_LOG, "F1060", "", nasty);
	add(&evs, 7.0, EV_ARP, "F1060", "F1090-1", "ARP who-has 1.1.1.2 tell 1.1.1.1");
	for (double t = 0.5; t < 40; t += 2.0)
		add(&evs, t, EV_LOG, "F1090-1", "", "IKE/7/EVENT: Received message from ipsec, message type is 8.");

	/* ping every 0.2 s; lost from the switchover until the new SA carries it */
	uint32_t seq = 1, out1 = 1, back1 = 1, out2 = 1, back2 = 1;
	for (double t = 2.0; t < 38.0; t += 0.2, seq++) {
		int lost = t >= 12.5 && t < 25.5;
		struct ev *p = add(&evs, t, EV_PING, "F1060", "3.3.3.3", "");
		snprintf(p->label, sizeof(p->label), "P1");
		p->seq = seq;
		p->value = lost ? -1 : 1800 + (int32_t)(seq % 7) * 150;
		if (t < 12.5) {
			struct ev *e = add(&evs, t + 0.0005, EV_ESP, "F1060", "F1090-1", "");
			e->spi = 0xc1a2b3c4; e->seq = out1++;
			e = add(&evs, t + 0.0012, EV_ESP, "F1090-1", "F1060", "");
			e->spi = 0x5e6f7a8b; e->seq = back1++;
		} else if (t < 24.0) {   /* the branch keeps using the old SA: now it reaches F1090-2 */
			struct ev *e = add(&evs, t + 0.0005, EV_ESP, "F1060", "F1090-2", "");
			e->spi = 0xc1a2b3c4; e->seq = out1++;
		} else if (t >= 25.5) {
			struct ev *e = add(&evs, t + 0.0005, EV_ESP, "F1060", "F1090-2", "");
			e->spi = 0x7d3e9f01; e->seq = out2++;
			e = add(&evs, t + 0.0012, EV_ESP, "F1090-2", "F1060", "");
			e->spi = 0x2b4c6d8e; e->seq = back2++;
		}
	}
	/* DPD interval 3: answered before the switchover, unanswered after */
	uint32_t dseq = 0x1a2b3c40;
	for (double t = 3.0; t < 12.5; t += 3.0, dseq++) {
		add_dpd(&evs, t, "F1060", "F1090-1", dseq, 0);
		add_dpd(&evs, t + 0.004, "F1090-1", "F1060", dseq, 1);
	}
	for (double t = 15.0; t < 22.0; t += 3.0, dseq++)
		add_dpd(&evs, t, "F1060", "F1090-2", dseq, 0);
	struct ev *a = add(&evs, 12.5, EV_ACTION, "F1090-1", "", "shut GigabitEthernet1/0/2 (RBM switchover)");
	snprintf(a->label, sizeof(a->label), "SWITCH");
	s = add(&evs, 12.5, EV_STATE, "F1090-1", "", "VRRP 1 Backup");
	snprintf(s->state, sizeof(s->state), "BACKUP");
	s = add(&evs, 12.55, EV_STATE, "F1090-2", "", "VRRP 1 Master");
	snprintf(s->state, sizeof(s->state), "MASTER");
	add(&evs, 12.56, EV_LOG, "F1090-2", "", "VRRP4/6/VRRP_STATUS_CHANGE: The status of IPv4 virtual router 1 "
	    "(configured on GigabitEthernet1/0/2) changed from Backup to Master: Controlled by RBM.");
	add(&evs, 12.57, EV_ARP, "F1090-2", "", "ARP gratuitous 1.1.1.2 is-at 00:00:5e:00:01:01");
	add(&evs, 12.68, EV_LOG, "F1090-2", "", "IKE/7/ERROR: Receive invalid SPI message from IPsec, but no IKE SA exists.");
	for (double t = 15.01; t < 22.0; t += 3.0)
		add(&evs, t, EV_LOG, "F1090-2", "", "Received informational exchange packet, but IKE SA is inexistent or incomplete.");
	add(&evs, 24.0, EV_LOG, "F1060", "", "DPD: peer 1.1.1.2 not responding, dead; deleting SAs");
	struct ev *d = add(&evs, 24.01, EV_IKE_DELETE, "F1060", "F1090-2", "Delete ESP spi 0xc1a2b3c4");
	d->spi = 0xc1a2b3c4;
	s = add(&evs, 24.02, EV_STATE, "F1060", "", "IPsec SA down (DPD)");
	snprintf(s->state, sizeof(s->state), "SA DOWN");
	add_exchange(&evs, 24.5, "F1060", "F1090-2", 2, 6, 0xb2, 0);
	struct ev *n = add(&evs, 24.86, EV_IKE_NOTIFY, "F1060", "F1090-2", "INITIAL-CONTACT");
	n->notify = 24578;
	add_exchange(&evs, 24.9, "F1060", "F1090-2", 32, 3, 0xb2, 0x2c0ffee);
	s = add(&evs, 25.1, EV_STATE, "F1060", "", "IPsec SA up with 1.1.1.2");
	snprintf(s->state, sizeof(s->state), "SA UP");
	add(&evs, 25.1, EV_LOG, "F1060", "", "IPsec SA established: spi 0x7d3e9f01");
	a = add(&evs, 38.5, EV_ACTION, "", "", "stop ping, collect");
	snprintf(a->label, sizeof(a->label), "STOP");
	ev_sort(&evs);

	memset(exps, 0, sizeof(exps));
	struct exp_result *x = &exps[0];
	snprintf(x->name, sizeof(x->name), "ping P1 recovers within dpd after SWITCH");
	snprintf(x->file, sizeof(x->file), "testcases/h3c-rbm-dpd/timeline");
	x->line = 14;
	x->status = EXP_PASS;
	snprintf(x->measured, sizeof(x->measured), "13.000 s");
	snprintf(x->window, sizeof(x->window), "[9.000 s, 15.000 s] from SWITCH (dpd comware interval 3 retry 3)");
	x->seconds = 0.002;
	x->has_window = 1; x->win_lo_s = 21.5; x->win_hi_s = 27.5;
	x->has_measured = 1; x->measured_s = 25.5;
	x->has_anchor = 1; x->anchor_s = 12.5;
	snprintf(x->anchor, sizeof(x->anchor), "SWITCH");
	x = &exps[1];
	snprintf(x->name, sizeof(x->name), "esp F1060 -> F1090-2 spi \"new\" <within> 5 s & no invalid-SPI");
	snprintf(x->file, sizeof(x->file), "testcases/h3c-rbm-dpd/timeline");
	x->line = 17;
	x->status = EXP_FAIL;
	snprintf(x->measured, sizeof(x->measured), "13.000 s");
	snprintf(x->window, sizeof(x->window), "[0.000 s, 5.000 s] from SWITCH (invalid-SPI recovery)");
	snprintf(x->detail, sizeof(x->detail), "old SPI 0xc1a2b3c4 still used for 11.5 s; <first new SPI> at +25.500 s");
	x->has_window = 1; x->win_lo_s = 12.5; x->win_hi_s = 17.5;
	x->has_measured = 1; x->measured_s = 25.5;
	x->has_anchor = 1; x->anchor_s = 12.5;
	snprintf(x->anchor, sizeof(x->anchor), "SWITCH");

	memset(&rr, 0, sizeof(rr));
	snprintf(rr.testcase, sizeof(rr.testcase), "h3c-rbm-dpd");
	snprintf(rr.run_id, sizeof(rr.run_id), "4f2a9c");
	rr.time_scale = 1.0;
	rr.start_ns = T0_NS;
	rr.end_ns = T0_NS + 40000000000LL;
	rr.verdict = 1;
	rr.exps = exps;
	rr.nexps = 2;
	rr.events = &evs;
	snprintf(rr.nodes[0], 32, "F1060");
	snprintf(rr.nodes[1], 32, "F1090-1");
	snprintf(rr.nodes[2], 32, "F1090-2");
	rr.nnodes = 3;
	snprintf(rr.ping_summary[0], 256, "P1: Success rate is 63 percent (115/180), round-trip min/avg/max = 1/2/3 ms");
	rr.nping = 1;
	snprintf(rr.files[0], 256, "captures/wan.pcapng");
	snprintf(rr.files[1], 256, "captures/ikev1_decryption_table");
	snprintf(rr.files[2], 256, "logs/F1090-2.log");
	rr.nfiles = 3;
	snprintf(rr.leak, sizeof(rr.leak), "ok: 0 lab packets seen in the root namespace");
}

static char tmpdir[256];

static void setup(void)
{
	build_run();
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_report.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(rr.out_dir, sizeof(rr.out_dir), "%s", tmpdir);
}

static void teardown(void)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	ev_list_free(&evs);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
	b[n] = 0;
	fclose(f);
	if (len)
		*len = (size_t)n;
	return b;
}

static int have_python(void)
{
	return system("command -v python3 >/dev/null 2>&1") == 0;
}

/* python3 -c SCRIPT FILE → exit status */
static int py(const char *script, const char *file)
{
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "python3 -c '%s' '%s'", script, file);
	return system(cmd);
}

/* ---- a minimal JSON validator (RFC 8259 grammar; used with or without python) ---- */

static const char *jv_value(const char *p, int depth);

static const char *jv_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *jv_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		unsigned char c = (unsigned char)*p;
		if (c == 0 || c < 0x20)
			return NULL;
		if (c == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)p[i]))
						return NULL;
				p += 5;
				continue;
			}
			if (!strchr("\"\\/bfnrt", *p) || !*p)
				return NULL;
			p++;
			continue;
		}
		size_t l = json_utf8_len((const unsigned char *)p, strnlen(p, 4), NULL);
		if (!l)
			return NULL;
		p += l;
	}
	return p + 1;
}

static const char *jv_value(const char *p, int depth)
{
	if (depth > 64)
		return NULL;
	p = jv_ws(p);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		int obj = *p == '{';
		p = jv_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (obj) {
				p = jv_string(jv_ws(p));
				if (!p)
					return NULL;
				p = jv_ws(p);
				if (*p++ != ':')
					return NULL;
			}
			p = jv_value(p, depth + 1);
			if (!p)
				return NULL;
			p = jv_ws(p);
			if (*p == ',') {
				p++;
				continue;
			}
			return *p == close ? p + 1 : NULL;
		}
	}
	if (*p == '"')
		return jv_string(p);
	if (!strncmp(p, "true", 4) || !strncmp(p, "null", 4))
		return p + 4;
	if (!strncmp(p, "false", 5))
		return p + 5;
	char *end;
	if (*p == '-' || isdigit((unsigned char)*p)) {
		strtod(p, &end);
		return end > p ? end : NULL;
	}
	return NULL;
}

static int json_valid(const char *s)
{
	const char *p = jv_value(s, 0);
	return p && *jv_ws(p) == 0;
}

/* ---- tests ---- */

static char *json_to_string(void (*fn)(struct json_w *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json_w w;
	json_init(&w, f, 0);
	fn(&w);
	int rc = json_finish(&w);
	fclose(f);
	if (rc < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void jw_nested(struct json_w *w)
{
	json_begin_object(w);
	json_kv_string(w, "s", "a\"b\\c\n\x01\xc3\xa9\xff");
	json_key(w, "a");
	json_begin_array(w);
	json_int(w, -3);
	json_double(w, 1.5, 2);
	json_double(w, 0.0 / 0.0, 3);
	json_begin_object(w);
	json_end_object(w);
	json_begin_array(w);
	json_end_array(w);
	json_bool(w, 1);
	json_null(w);
	json_end_array(w);
	json_kv_int(w, "n", 7);
	json_end_object(w);
}

static void jw_misuse(struct json_w *w)
{
	json_begin_object(w);
	json_int(w, 1);      /* no key */
	json_end_object(w);
}

static void jw_unclosed(struct json_w *w)
{
	json_begin_array(w);
}

START_TEST(test_json_writer)
{
	char *s = json_to_string(jw_nested);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "{\"s\":\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\\u00ff\",\"a\":[-3,1.50,null,{},[],true,null],\"n\":7}");
	ck_assert(json_valid(s));
	free(s);
	ck_assert_ptr_null(json_to_string(jw_misuse));
	ck_assert_ptr_null(json_to_string(jw_unclosed));
}
END_TEST

START_TEST(test_utf8)
{
	ck_assert_uint_eq(json_utf8_len((const unsigned char *)"\xc3\xa9", 2, NULL), 2);
	ck_assert_uint_eq(json_utf8_len((const unsigned char *)"\xe4\xb8\xad", 3, NULL), 3);
	ck_assert_uint_eq(json_utf8_len((const unsigned char *)"\xf0\x9f\x98\x80", 4, NULL), 4);
	ck_assert_uint_eq(json_utf8_len((const unsigned char *)"\xc0\xaf", 2, NULL), 0);      /* overlong */
	ck_assert_uint_eq(json_utf8_len((const unsigned char *)"\xed\xa0\x80", 3, NULL), 0);  /* surrogate */
	ck_assert_uint_eq(json_utf8_len((const unsigned char *)"\xe4\xb8", 2, NULL), 0);      /* truncated */
	ck_assert_uint_eq(json_utf8_len((const unsigned char *)"\xf4\x90\x80\x80", 4, NULL), 0); /* > U+10FFFF */
}
END_TEST

START_TEST(test_json_report)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/report.json", tmpdir);
	ck_assert_int_eq(report_write_json(&rr, path), 0);
	char *s = slurp(path, NULL);
	ck_assert_msg(json_valid(s), "report.json is not valid JSON");
	ck_assert_ptr_nonnull(strstr(s, "\"verdict\": \"fail\""));
	ck_assert_ptr_nonnull(strstr(s, "\"iso\": \"2022-08-23T15:42:30.000Z\""));
	ck_assert_ptr_nonnull(strstr(s, "\"epoch_ns\": 1661269350000000000"));
	ck_assert_ptr_nonnull(strstr(s, "\\\"new\\\" <within>"));
	ck_assert_ptr_nonnull(strstr(s, "\\u0001\\u001f tab\\there \xc3\xa9\xe2\x86\x92\xe4\xb8\xad bad\\u00ff byte"));
	free(s);
	if (!have_python())
		return;
	ck_assert_int_eq(py("import json,sys\n"
			    "d=json.load(open(sys.argv[1],encoding=\"utf-8\"))\n"
			    "x={e[\"name\"]:e for e in d[\"expectations\"]}\n"
			    "assert d[\"verdict\"]==\"fail\" and d[\"testcase\"]==\"h3c-rbm-dpd\"\n"
			    "assert x[\"ping P1 recovers within dpd after SWITCH\"][\"status\"]==\"pass\"\n"
			    "f=x[\"esp F1060 -> F1090-2 spi \\\"new\\\" <within> 5 s & no invalid-SPI\"]\n"
			    "assert f[\"status\"]==\"fail\" and f[\"line\"]==17 and f[\"window_s\"]==[12.5,17.5], f\n"
			    "assert d[\"summary\"][\"fail\"]==1 and d[\"summary\"][\"pass\"]==1\n"
			    "assert d[\"events_total\"]==len(d[\"events\"]) and d[\"events_total\"]>=450, d[\"events_total\"]\n"
			    "assert d[\"event_counts\"][\"esp\"]>100 and d[\"event_counts\"][\"dpd\"]==11\n"
			    "spis=sorted((e[\"spi\"],e[\"peer\"]) for e in d[\"esp\"])\n"
			    "assert (\"0xc1a2b3c4\",\"F1090-2\") in spis and len(spis)==5, spis\n"
			    "p=d[\"probes\"][0]; lost=[r for r in p[\"runs\"] if r[\"fate\"]==\"lost\"]\n"
			    "assert len(lost)==1 and abs(lost[0][\"outage_s\"]-13.0)<0.01, lost\n"
			    "tl=d[\"timeline\"]; assert not [e for e in tl if e[\"type\"]==\"esp\" and not e.get(\"folded\")]\n"
			    "assert len([e for e in tl if e[\"type\"]==\"esp\"])==5, [e[\"text\"] for e in tl if e[\"type\"]==\"esp\"]\n"
			    "assert any(e[\"text\"].startswith(\"cfg \\\"vpn\\\" <script>\") and \"\\x01\" in e[\"text\"] and \"\\u00ff\" in e[\"text\"] for e in d[\"events\"])\n"
			    "assert d[\"start\"][\"iso\"]==\"2022-08-23T15:42:30.000Z\" and d[\"end\"][\"epoch_ns\"]==1661269390000000000\n",
			    path), 0);
}
END_TEST

START_TEST(test_junit)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/junit.xml", tmpdir);
	ck_assert_int_eq(report_write_junit(&rr, path), 0);
	char *s = slurp(path, NULL);
	ck_assert_ptr_nonnull(strstr(s, "failures=\"1\""));
	ck_assert_ptr_nonnull(strstr(s, "classname=\"ipsec-ha-harness.h3c-rbm-dpd\""));
	ck_assert_ptr_null(strstr(s, "<script"));
	ck_assert_ptr_null(strstr(s, "<within"));
	ck_assert_ptr_null(strchr(s, '\x01'));
	free(s);
	if (!have_python())
		return;
	ck_assert_int_eq(py("import sys,xml.etree.ElementTree as E\n"
			    "r=E.parse(sys.argv[1]).getroot()\n"
			    "assert r.tag==\"testsuite\" and r.get(\"failures\")==\"1\" and r.get(\"tests\")==\"2\", r.attrib\n"
			    "assert r.get(\"errors\")==\"0\" and r.get(\"skipped\")==\"0\" and r.get(\"name\")==\"h3c-rbm-dpd\"\n"
			    "c=r.findall(\"testcase\"); assert len(c)==2\n"
			    "f=c[1].find(\"failure\"); assert f is not None and \"<first new SPI>\" in f.get(\"message\")\n"
			    "assert c[0].find(\"failure\") is None\n"
			    "o=r.find(\"system-out\").text; assert \"VERDICT: FAIL\" in o and \"invalid SPI\" in o\n",
			    path), 0);
}
END_TEST

START_TEST(test_html)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/timeline.html", tmpdir);
	ck_assert_int_eq(report_write_html(&rr, path), 0);
	char *s = slurp(path, NULL);
	ck_assert_ptr_nonnull(strstr(s, "<svg"));
	int lanes = 0;
	for (const char *p = s; (p = strstr(p, "<g class=\"lane\" data-node=\"")); p++)
		lanes++;
	ck_assert_int_eq(lanes, 3);
	for (int i = 0; i < 3; i++) {
		char want[64];
		snprintf(want, sizeof(want), "data-node=\"%s\"", rr.nodes[i]);
		ck_assert_ptr_nonnull(strstr(s, want));
	}
	ck_assert_ptr_nonnull(strstr(s, "0xc1a2b3c4"));
	ck_assert_ptr_nonnull(strstr(s, "0x5e6f7a8b"));
	ck_assert_ptr_nonnull(strstr(s, "0x7d3e9f01"));
	ck_assert_ptr_nonnull(strstr(s, "0x2b4c6d8e"));
	ck_assert_ptr_nonnull(strstr(s, ">MM+QM<"));
	ck_assert_ptr_nonnull(strstr(s, "class=\"rutx\""));        /* unanswered R-U-THERE */
	ck_assert_ptr_nonnull(strstr(s, "outage 13.0 s"));
	ck_assert_ptr_nonnull(strstr(s, ">SWITCH<"));
	/* event texts are escaped: nothing of them opens a tag */
	ck_assert_ptr_null(strstr(s, "<script"));
	ck_assert_ptr_null(strstr(s, "<within"));
	ck_assert_ptr_null(strstr(s, "<first"));
	ck_assert_ptr_nonnull(strstr(s, "&lt;script&gt;alert(&#39;x&#39;)"));
	ck_assert_ptr_null(strchr(s, '\x01'));
	ck_assert_ptr_null(strstr(s, "\xff"));
	free(s);
	if (!have_python())
		return;
	/* the picture is well-formed XML on its own */
	ck_assert_int_eq(py("import sys,re,xml.etree.ElementTree as E\n"
			    "h=open(sys.argv[1],encoding=\"utf-8\").read()\n"
			    "for m in re.finditer(r\"<svg.*?</svg>\", h, re.S): E.fromstring(m.group(0))\n"
			    "assert h.count(\"<svg\")==2\n", path), 0);
}
END_TEST

static char *terminal(int color)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	report_print_timeline(&rr, f, color);
	fclose(f);
	return buf;
}

static int count_lines(const char *s, const char *needle)
{
	int n = 0;
	const char *line = s;
	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t l = nl ? (size_t)(nl - line) : strlen(line);
		char tmp[1024];
		snprintf(tmp, sizeof(tmp), "%.*s", (int)l, line);
		if (strstr(tmp, needle))
			n++;
		line += l + (nl ? 1 : 0);
	}
	return n;
}

START_TEST(test_terminal)
{
	char *s = terminal(0);
	/* ESP folded: one line per SPI and direction run */
	ck_assert_int_eq(count_lines(s, "ESP spi 0xc1a2b3c4 seq"), 2);
	ck_assert_int_eq(count_lines(s, "ESP spi 0x5e6f7a8b seq"), 1);
	ck_assert_ptr_nonnull(strstr(s, "F1060   \u2192 F1090-1  ESP spi 0xc1a2b3c4 seq 1\u201353 (53 packets)"));
	ck_assert_ptr_nonnull(strstr(s, "F1060   \u2192 F1090-2  ESP spi 0xc1a2b3c4 seq 54\u2013111 (58 packets)"));
	ck_assert_ptr_nonnull(strstr(s, "ping P1: seq 54\u2013118 lost (outage 13.0 s to +25.600 s, 65 echoes)"));
	/* every outage of every probe: start, end, duration, lost echoes */
	ck_assert_ptr_nonnull(strstr(s, "P1 outage  +12.600 s \u2192 +25.600 s  13.000 s  seq 54\u2013118  65 lost"));
	ck_assert_ptr_nonnull(strstr(s, "ping P1: seq 1\u201353 ok"));
	ck_assert_int_eq(count_lines(s, "VRRP advert"), 2);
	ck_assert_ptr_nonnull(strstr(s, "VRRP adverts from F1090-1 every 1.0 s (13): vrid 1 prio 200 VIP 1.1.1.2"));
	ck_assert_ptr_nonnull(strstr(s, "Main Mode message 5"));
	ck_assert_ptr_nonnull(strstr(s, "R-U-THERE seq 0x1a2b3c45"));
	ck_assert_ptr_nonnull(strstr(s, "invalid SPI"));
	ck_assert_ptr_nonnull(strstr(s, "ARP gratuitous"));
	ck_assert_ptr_null(strstr(s, "ARP who-has"));
	ck_assert_ptr_null(strstr(s, "message type is 8"));
	ck_assert_ptr_nonnull(strstr(s, "\u25b6 SWITCH: shut"));
	ck_assert_ptr_nonnull(strstr(s, "PASS   ping P1 recovers"));
	ck_assert_ptr_nonnull(strstr(s, "[measured 13.000 s in window 0.000\u20135.000 s from SWITCH]"));
	ck_assert_ptr_nonnull(strstr(s, "VERDICT: FAIL"));
	ck_assert_ptr_null(strchr(s, '\x01'));
	ck_assert_ptr_null(strchr(s, '\033'));
	/* ≤ 120 columns */
	for (const char *line = s; *line;) {
		const char *nl = strchr(line, '\n');
		size_t cols = 0;
		for (const char *p = line; p < (nl ? nl : line + strlen(line)); p++)
			if (((unsigned char)*p & 0xc0) != 0x80)
				cols++;
		ck_assert_uint_le(cols, 120);
		line = nl ? nl + 1 : line + strlen(line);
	}
	free(s);
	s = terminal(1);
	ck_assert_ptr_nonnull(strstr(s, "\033[1m\033[31mVERDICT: FAIL"));
	free(s);
}
END_TEST

/* A variant run whose recovery had to beat a DPD window: the variant is named in every
 * view, and the measured time stands beside the window it beat. */
START_TEST(test_variant_and_window_to_beat)
{
	snprintf(rr.variant, sizeof(rr.variant), "refgw");
	struct exp_result *x = &exps[0];
	snprintf(x->name, sizeof(x->name), "ping P1 recovers after SWITCH before dpd-detect(F1060)");
	snprintf(x->window_name, sizeof(x->window_name), "dpd-detect(F1060)");
	snprintf(x->window, sizeof(x->window), "before [8.700 s, 12.300 s] \u2014 dpd-detect(F1060) (IOS …)");
	x->before_window = 1;
	x->has_window = 1; x->win_lo_s = 12.5 + 8.7; x->win_hi_s = 12.5 + 12.3;
	x->has_measured = 1; x->measured_s = 12.5 + 2.1;
	x->has_anchor = 1; x->anchor_s = 12.5;
	x->margin_s = 6.6;
	char *s = terminal(0);
	ck_assert_msg(strstr(s, "h3c-rbm-dpd/refgw  run 4f2a9c") != NULL, "%s", s);
	ck_assert_ptr_nonnull(strstr(s, "VERDICT: FAIL (variant refgw)"));
	ck_assert_msg(strstr(s, "[measured 2.100 s from SWITCH | dpd-detect(F1060) window 8.700\u201312.300 s: "
			      "6.600 s sooner]") != NULL, "%s", s);
	free(s);
	char path[512];
	snprintf(path, sizeof(path), "%s/report.json", tmpdir);
	ck_assert_int_eq(report_write_json(&rr, path), 0);
	s = slurp(path, NULL);
	ck_assert(json_valid(s));
	ck_assert_ptr_nonnull(strstr(s, "\"variant\": \"refgw\""));
	ck_assert_ptr_nonnull(strstr(s, "\"sooner_by_s\": 6.6"));
	free(s);
	if (have_python())
		ck_assert_int_eq(py("import json,sys\n"
				    "d=json.load(open(sys.argv[1],encoding=\"utf-8\"))\n"
				    "c=d[\"expectations\"][0][\"comparison\"]\n"
				    "assert c[\"kind\"]==\"before-window\" and c[\"window\"]==\"dpd-detect(F1060)\", c\n"
				    "assert c[\"measured_after_anchor_s\"]==2.1 and c[\"window_after_anchor_s\"]==[8.7,12.3], c\n"
				    "r=[x for x in d[\"probes\"][0][\"runs\"] if x[\"fate\"]==\"lost\"][0]\n"
				    "assert r[\"t_end\"]==25.6 and r[\"count\"]==65, r\n", path), 0);
	snprintf(path, sizeof(path), "%s/junit.xml", tmpdir);
	ck_assert_int_eq(report_write_junit(&rr, path), 0);
	s = slurp(path, NULL);
	ck_assert_ptr_nonnull(strstr(s, "<testsuite name=\"h3c-rbm-dpd/refgw\""));
	ck_assert_ptr_nonnull(strstr(s, "classname=\"ipsec-ha-harness.h3c-rbm-dpd.refgw\""));
	ck_assert_ptr_nonnull(strstr(s, "<property name=\"variant\" value=\"refgw\"/>"));
	free(s);
	snprintf(path, sizeof(path), "%s/timeline.html", tmpdir);
	ck_assert_int_eq(report_write_html(&rr, path), 0);
	s = slurp(path, NULL);
	ck_assert_ptr_nonnull(strstr(s, "<title>h3c-rbm-dpd/refgw"));
	ck_assert_ptr_nonnull(strstr(s, "class=\"reff\""));          /* the window to beat, neutral */
	ck_assert_ptr_nonnull(strstr(s, "class=\"gap\""));           /* measured → its lower bound */
	ck_assert_ptr_nonnull(strstr(s, "2.100 s vs dpd-detect(F1060) 8.700\u201312.300 s: 6.600 s sooner"));
	ck_assert_ptr_nonnull(strstr(s, "<th>outage start</th>"));
	ck_assert_ptr_nonnull(strstr(s, "<td>+12.600 s</td><td>+25.600 s</td><td>13.000 s</td>"));
	free(s);
	if (have_python())
		ck_assert_int_eq(py("import sys,re,xml.etree.ElementTree as E\n"
				    "h=open(sys.argv[1],encoding=\"utf-8\").read()\n"
				    "for m in re.finditer(r\"<svg.*?</svg>\", h, re.S): E.fromstring(m.group(0))\n", path), 0);
}
END_TEST

START_TEST(test_skip_run)
{
	struct run_report k;
	memset(&k, 0, sizeof(k));
	snprintf(k.testcase, sizeof(k.testcase), "libreswan-interop");
	snprintf(k.run_id, sizeof(k.run_id), "0001");
	k.time_scale = 1;
	k.start_ns = k.end_ns = T0_NS;
	k.verdict = 3;
	snprintf(k.skip_reason, sizeof(k.skip_reason), "libreswan: no kernel ESP (CONFIG_INET_ESP not set) & <no XFRM>");
	snprintf(k.out_dir, sizeof(k.out_dir), "%s", tmpdir);
	ck_assert_int_eq(report_write_all(&k), 0);
	char path[512];
	snprintf(path, sizeof(path), "%s/junit.xml", tmpdir);
	char *s = slurp(path, NULL);
	ck_assert_ptr_nonnull(strstr(s, "tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"1\""));
	ck_assert_ptr_nonnull(strstr(s, "<skipped message=\"libreswan: no kernel ESP (CONFIG_INET_ESP not set) &amp; &lt;no XFRM&gt;\"/>"));
	free(s);
	snprintf(path, sizeof(path), "%s/report.json", tmpdir);
	s = slurp(path, NULL);
	ck_assert(json_valid(s));
	ck_assert_ptr_nonnull(strstr(s, "\"verdict\": \"skip\""));
	ck_assert_ptr_nonnull(strstr(s, "\"skip_reason\": \"libreswan: no kernel ESP"));
	free(s);
	snprintf(path, sizeof(path), "%s/timeline.html", tmpdir);
	s = slurp(path, NULL);
	ck_assert_ptr_nonnull(strstr(s, "skipped: libreswan"));
	free(s);
	if (have_python()) {
		snprintf(path, sizeof(path), "%s/junit.xml", tmpdir);
		ck_assert_int_eq(py("import sys,xml.etree.ElementTree as E; E.parse(sys.argv[1])", path), 0);
	}
}
END_TEST

/* Deterministic garbage: every event type with random fields and random bytes in every
 * string, unsorted, nodes outside the lane list — the files must stay valid. */
START_TEST(test_garbage_run)
{
	struct ev_list g;
	ev_list_init(&g);
	unsigned seed = 12345;
	for (int i = 0; i < 3000; i++) {
		struct ev e;
		unsigned char *b = (unsigned char *)&e;
		for (size_t k = 0; k < sizeof(e); k++)
			b[k] = (unsigned char)rand_r(&seed);
		e.t_ns = T0_NS + (int64_t)(rand_r(&seed) % 60000) * 1000000 - 1000000000;
		e.type = (enum ev_type)(rand_r(&seed) % EV_TYPE_MAX);
		e.node[sizeof(e.node) - 1] = e.peer[sizeof(e.peer) - 1] = e.link[sizeof(e.link) - 1] = 0;
		e.label[sizeof(e.label) - 1] = e.text[sizeof(e.text) - 1] = e.state[sizeof(e.state) - 1] = 0;
		if (i % 3 == 0)
			snprintf(e.node, sizeof(e.node), "N%u", rand_r(&seed) % 4);
		if (i % 5 == 0)
			snprintf(e.label, sizeof(e.label), "P%u", rand_r(&seed) % 2);
		if (i % 7 == 0)
			snprintf(e.state, sizeof(e.state), "%s", (const char *[]){ "MASTER", "BACKUP", "FAULT", "UP" }[rand_r(&seed) % 4]);
		ev_push(&g, &e);
	}
	struct exp_result x[3];
	memset(x, 0, sizeof(x));
	for (int i = 0; i < 3; i++) {
		unsigned char *b = (unsigned char *)&x[i];
		for (size_t k = 0; k < sizeof(x[i]); k++)
			b[k] = (unsigned char)rand_r(&seed);
		x[i].name[sizeof(x[i].name) - 1] = x[i].file[sizeof(x[i].file) - 1] = 0;
		x[i].measured[sizeof(x[i].measured) - 1] = x[i].window[sizeof(x[i].window) - 1] = 0;
		x[i].detail[sizeof(x[i].detail) - 1] = x[i].anchor[sizeof(x[i].anchor) - 1] = 0;
		x[i].window_name[sizeof(x[i].window_name) - 1] = 0;
		x[i].status = (enum exp_status)(i % 4);
		x[i].win_lo_s = -5 + i * 30; x[i].win_hi_s = 1e6; x[i].measured_s = 0.0 / 0.0;
		x[i].anchor_s = -1e9;
	}
	struct run_report k = rr;
	k.events = &g;
	k.exps = x;
	k.nexps = 3;
	snprintf(k.nodes[0], 32, "N1");
	snprintf(k.nodes[1], 32, "a-node-with-a-very-long-name-xx");
	k.nnodes = 2;
	snprintf(k.testcase, sizeof(k.testcase), "garbage\x01<&>\xfe");
	ck_assert_int_eq(report_write_all(&k), 0);
	char path[512];
	snprintf(path, sizeof(path), "%s/report.json", tmpdir);
	char *s = slurp(path, NULL);
	ck_assert(json_valid(s));
	free(s);
	char *t = NULL;
	size_t tl = 0;
	FILE *f = open_memstream(&t, &tl);
	report_print_timeline(&k, f, 1);
	fclose(f);
	ck_assert_uint_gt(tl, 100);
	free(t);
	if (have_python()) {
		snprintf(path, sizeof(path), "%s/junit.xml", tmpdir);
		ck_assert_int_eq(py("import sys,xml.etree.ElementTree as E; E.parse(sys.argv[1])", path), 0);
		snprintf(path, sizeof(path), "%s/timeline.html", tmpdir);
		char *h = slurp(path, NULL);
		static const char *const bad[] = { "=\"nan\"", "=\"-nan\"", "=\"inf\"", "=\"-inf\"", "Mnan", "M-nan" };
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			ck_assert_msg(!strstr(h, bad[i]), "non-finite number in the SVG: %s", bad[i]);
		free(h);
		ck_assert_int_eq(py("import sys,re,xml.etree.ElementTree as E\n"
				    "h=open(sys.argv[1],encoding=\"utf-8\").read()\n"
				    "[E.fromstring(m.group(0)) for m in re.finditer(r\"<svg.*?</svg>\", h, re.S)]\n", path), 0);
		snprintf(path, sizeof(path), "%s/report.json", tmpdir);
		ck_assert_int_eq(py("import json,sys; json.load(open(sys.argv[1],encoding=\"utf-8\"))", path), 0);
	}
	ev_list_free(&g);
}
END_TEST

/* Writes the synthetic run to $IHH_REPORT_DEMO_DIR (if set) for a person to look at. */
START_TEST(test_demo)
{
	const char *dir = getenv("IHH_REPORT_DEMO_DIR");
	if (!dir || !*dir)
		return;
	mkdir(dir, 0755);
	snprintf(rr.out_dir, sizeof(rr.out_dir), "%s", dir);
	ck_assert_int_eq(report_write_all(&rr), 0);
	char path[512];
	snprintf(path, sizeof(path), "%s/timeline.txt", dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	report_print_timeline(&rr, f, 0);
	fclose(f);
}
END_TEST

static Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("json");
	tcase_add_test(tc, test_json_writer);
	tcase_add_test(tc, test_utf8);
	suite_add_tcase(s, tc);
	tc = tcase_create("views");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_json_report);
	tcase_add_test(tc, test_junit);
	tcase_add_test(tc, test_html);
	tcase_add_test(tc, test_terminal);
	tcase_add_test(tc, test_variant_and_window_to_beat);
	tcase_add_test(tc, test_skip_run);
	tcase_add_test(tc, test_garbage_run);
	tcase_add_test(tc, test_demo);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(report_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
