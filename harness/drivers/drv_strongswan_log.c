/* drv_strongswan_log.c — charon's filelog → timeline events and Wireshark key tables.
 *
 * Line format (filelog with time_format "%F %T", time_add_ms, ike_name):
 *     2026-11-21 14:41:35.410 11[IKE] <ihh|1> encryption key Ka => 16 bytes @ 0x…
 *     2026-11-21 14:41:35.410 11[IKE] <ihh|1>    0: 3E B7 50 3E …  >.P>…
 * Hex dumps follow their "NAME => N bytes @ ADDR" header in the same thread, so dumps
 * are collected per thread. Per IKE SA (the number in <conn|N>) the IKEv1 key table
 * needs the initiator cookie — the first 8 bytes of the first natd_chunk dump (cookies
 * ‖ address ‖ port) — and "encryption key Ka" (SKEYID_e cut or expanded to the cipher's
 * key length). Per Quick Mode, "initiator/responder SA seed" carry protocol ‖ SPI, and
 * "encryption/integrity initiator/responder key" the keys for those SPIs; the following
 * "SPI 0x…, src A dst B" lines give each SA's outer addresses.
 */
#include <stdlib.h>
#include <string.h>
#include "drv_int.h"

#define SS_THREADS 128
#define SS_IKES 256

struct ss_line {
	int64_t t_ns;
	int thread;
	char grp[4];
	int ike;               /* unique id from <conn|N>, 0 if none */
	const char *text;      /* after the prefix */
	const char *notime;    /* line without the timestamp */
};

/* Parse one log line (NUL-terminated); 0 on success. */
static int ss_parse_line(const char *line, struct ss_line *l)
{
	size_t used = 0;
	const char *p, *bar;

	memset(l, 0, sizeof(*l));
	l->t_ns = drv_parse_local_ts(line, &used);
	if (l->t_ns < 0)
		return -1;
	p = line + used;
	while (*p == ' ')
		p++;
	l->notime = p;
	l->thread = atoi(p);
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p != '[' || !p[1] || !p[2] || !p[3] || p[4] != ']')
		return -1;
	memcpy(l->grp, p + 1, 3);
	p += 5;
	if (*p == ' ')
		p++;
	if (*p == '<' && (bar = strchr(p, '|')) != NULL && strchr(bar, '>')) {
		l->ike = atoi(bar + 1);
		p = strchr(bar, '>') + 1;
		if (*p == ' ')
			p++;
	}
	l->text = p;
	return 0;
}

static int is_dump_row(const char *t)
{
	while (*t == ' ')
		t++;
	while (*t >= '0' && *t <= '9')
		t++;
	return *t == ':' && t[1] == ' ';
}

static int is_dump_header(const char *t)
{
	const char *a = strstr(t, " => ");

	return a && strstr(a, " bytes @ ");
}

/* --- events ------------------------------------------------------------------- */

static void ss_state_ev(struct ev_list *out, const struct ss_line *l, const char *node,
			const char *state)
{
	struct ev *e = drv_ev_add(out, l->t_ns, EV_STATE, node, l->notime);
	unsigned si = 0, so = 0;
	const char *p;

	if (!e)
		return;
	snprintf(e->state, sizeof(e->state), "%s", state);
	if ((p = strstr(l->text, "with SPIs ")) && sscanf(p, "with SPIs %x_i %x_o", &si, &so) == 2)
		e->spi = si;
}

int ss_logs(struct drv_node *n, struct ev_list *out)
{
	char path[320], *buf, *line, *save = NULL;
	const char *node = n->spec->name;
	int count = 0;

	snprintf(path, sizeof(path), "%s/charon.log", n->dir);
	buf = drv_read_file(path, NULL);
	if (!buf)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct ss_line l;
		const char *t;

		if (ss_parse_line(line, &l) < 0 || is_dump_row(l.text) || is_dump_header(l.text))
			continue;
		t = l.text;
		if (strstr(t, "activating ") || strstr(t, "queueing ") == t ||
		    strstr(t, "nothing to initiate") == t ||
		    (strlen(t) > 5 && strcmp(t + strlen(t) - 5, " task") == 0))
			continue;   /* task bookkeeping, not protocol */
		if (drv_ev_add(out, l.t_ns, EV_LOG, node, l.notime))
			count++;
		if (strstr(t, "IKE_SA ") == t && strstr(t, " established between "))
			ss_state_ev(out, &l, node, "IKE_UP");
		else if (strstr(t, "CHILD_SA ") == t && strstr(t, " established with SPIs "))
			ss_state_ev(out, &l, node, "CHILD_UP");
		else if (strstr(t, "DPD check timed out"))
			ss_state_ev(out, &l, node, "DPD_DEAD");
		else if (strstr(t, "giving up after "))
			ss_state_ev(out, &l, node, "GIVE_UP");
		else if (strncmp(t, "deleting IKE_SA", 15) == 0)
			ss_state_ev(out, &l, node, "IKE_DOWN");
		else if (strncmp(t, "closing CHILD_SA", 16) == 0)
			ss_state_ev(out, &l, node, "CHILD_DOWN");
		else if (strncmp(t, "sending DPD request", 19) == 0)
			ss_state_ev(out, &l, node, "DPD_SENT");
		else if (strncmp(t, "parsed INFORMATIONAL_V1 request", 31) == 0 &&
			 strstr(t, "N(DPD_ACK)"))
			ss_state_ev(out, &l, node, "DPD_ACK_RX");
		else if (strncmp(t, "parsed INFORMATIONAL_V1 request", 31) == 0 &&
			 strstr(t, "N(DPD)"))
			ss_state_ev(out, &l, node, "DPD_RX");
	}
	free(buf);
	return count;
}

/* --- keys --------------------------------------------------------------------- */

struct ss_dump {
	char name[48];
	int ike;
	size_t len, got;
	uint8_t buf[256];
	int active;
};

struct ss_child {           /* one Quick Mode's keys, per thread */
	int ike;
	uint32_t spi_i, spi_r;
	uint8_t ei[64], er[64], ai[64], ar[64];
	size_t eil, erl, ail, arl;
	char encr[32], integ[32];
};

struct ss_ike {
	int id;
	uint8_t cookies[16];
	int have_cookies;
	uint8_t ka[64];
	size_t kalen;
	int emitted;
};

struct ss_keyscan {
	struct ss_dump dump[SS_THREADS];
	struct ss_child child[SS_THREADS];
	struct ss_ike ike[SS_IKES];
	int nike;
	FILE *ikev1, *esp;
	int rows;
};

static struct ss_ike *ike_get(struct ss_keyscan *k, int id)
{
	int i;

	for (i = 0; i < k->nike; i++)
		if (k->ike[i].id == id)
			return &k->ike[i];
	if (k->nike == SS_IKES)
		return NULL;
	memset(&k->ike[k->nike], 0, sizeof(k->ike[0]));
	k->ike[k->nike].id = id;
	return &k->ike[k->nike++];
}

static void hex(FILE *f, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(f, "%02x", b[i]);
}

static void ike_emit(struct ss_keyscan *k, struct ss_ike *s)
{
	static const uint8_t zero[8];

	if (s->emitted || !s->have_cookies || !s->kalen || !k->ikev1 ||
	    !memcmp(s->cookies + 8, zero, 8))
		return;
	/* Wireshark UAT ikev1_decryption_table: icookie,key (hex byte fields, unquoted) */
	hex(k->ikev1, s->cookies, 8);
	fputc(',', k->ikev1);
	hex(k->ikev1, s->ka, s->kalen);
	fputc('\n', k->ikev1);
	s->emitted = 1;
	k->rows++;
}

static void dump_done(struct ss_keyscan *k, int thread, struct ss_dump *d)
{
	struct ss_child *c = &k->child[thread];
	struct ss_ike *s;
	size_t n = d->len;

	if (!strcmp(d->name, "natd_chunk") && n >= 16) {
		s = ike_get(k, d->ike);
		if (s && !s->have_cookies) {
			memcpy(s->cookies, d->buf, 16);
			s->have_cookies = 1;
			ike_emit(k, s);
		}
	} else if (!strcmp(d->name, "encryption key Ka") && n <= sizeof(s->ka)) {
		s = ike_get(k, d->ike);
		if (s) {
			memcpy(s->ka, d->buf, n);
			s->kalen = n;
			ike_emit(k, s);
		}
	} else if (!strcmp(d->name, "initiator SA seed") && n >= 5) {
		c->ike = d->ike;
		c->spi_i = (uint32_t)d->buf[1] << 24 | (uint32_t)d->buf[2] << 16 |
			   (uint32_t)d->buf[3] << 8 | d->buf[4];
	} else if (!strcmp(d->name, "responder SA seed") && n >= 5) {
		c->spi_r = (uint32_t)d->buf[1] << 24 | (uint32_t)d->buf[2] << 16 |
			   (uint32_t)d->buf[3] << 8 | d->buf[4];
	} else if (n <= 64) {
		uint8_t *dst = NULL;
		size_t *dl = NULL;

		if (!strcmp(d->name, "encryption initiator key"))
			dst = c->ei, dl = &c->eil;
		else if (!strcmp(d->name, "encryption responder key"))
			dst = c->er, dl = &c->erl;
		else if (!strcmp(d->name, "integrity initiator key"))
			dst = c->ai, dl = &c->ail;
		else if (!strcmp(d->name, "integrity responder key"))
			dst = c->ar, dl = &c->arl;
		if (dst) {
			memcpy(dst, d->buf, n);
			*dl = n;
		}
	}
}

/* strongSwan algorithm names → the names of Wireshark 4.0's esp_sa UAT. */
static const char *ws_encr(const char *ss, size_t keylen)
{
	if (!strcmp(ss, "AES_CBC"))
		return "AES-CBC [RFC3602]";
	if (!strcmp(ss, "3DES_CBC"))
		return "TripleDES-CBC [RFC2451]";
	if (!strcmp(ss, "DES_CBC"))
		return "DES-CBC [RFC2405]";
	if (!strcmp(ss, "AES_CTR"))
		return "AES-CTR [RFC3686]";
	if (!strcmp(ss, "AES_GCM_16"))
		return "AES-GCM with 16 octet ICV [RFC4106]";
	if (!strcmp(ss, "AES_GCM_12"))
		return "AES-GCM with 12 octet ICV [RFC4106]";
	if (!strcmp(ss, "AES_GCM_8"))
		return "AES-GCM with 8 octet ICV [RFC4106]";
	if (!strcmp(ss, "NULL"))
		return "NULL";
	(void)keylen;
	return NULL;
}

static const char *ws_integ(const char *ss)
{
	if (!ss[0])
		return "NULL";
	if (!strcmp(ss, "HMAC_SHA1_96"))
		return "HMAC-SHA-1-96 [RFC2404]";
	if (!strcmp(ss, "HMAC_SHA2_256_128"))
		return "HMAC-SHA-256-128 [RFC4868]";
	if (!strcmp(ss, "HMAC_SHA2_384_192"))
		return "HMAC-SHA-384-192 [RFC4868]";
	if (!strcmp(ss, "HMAC_SHA2_512_256"))
		return "HMAC-SHA-512-256 [RFC4868]";
	if (!strcmp(ss, "HMAC_MD5_96"))
		return "HMAC-MD5-96 [RFC2403]";
	return NULL;
}

static void esp_emit(struct ss_keyscan *k, struct ss_child *c, uint32_t spi,
		     const char *src, const char *dst)
{
	const uint8_t *ek, *ak;
	size_t el, al;
	const char *we, *wa;

	if (!k->esp)
		return;
	if (spi == c->spi_i) {
		ek = c->ei, el = c->eil, ak = c->ai, al = c->ail;
	} else if (spi == c->spi_r) {
		ek = c->er, el = c->erl, ak = c->ar, al = c->arl;
	} else {
		return;
	}
	we = ws_encr(c->encr, el);
	wa = ws_integ(c->integ);
	if (!we || !wa)
		return;
	/* Wireshark UAT esp_sa: "IPv4","src","dst","0xSPI","encr","0xkey","auth","0xkey" */
	fprintf(k->esp, "\"IPv4\",\"%s\",\"%s\",\"0x%08x\",\"%s\",\"0x", src, dst, spi, we);
	hex(k->esp, ek, el);
	fprintf(k->esp, "\",\"%s\",\"%s", wa, al ? "0x" : "");
	hex(k->esp, ak, al);
	fprintf(k->esp, "\"\n");
	k->rows++;
}

static void keys_line(struct ss_keyscan *k, const struct ss_line *l)
{
	int th = l->thread % SS_THREADS;
	struct ss_dump *d = &k->dump[th];
	struct ss_child *c = &k->child[th];
	const char *t = l->text, *a;
	char name[48];
	unsigned long bytes;
	unsigned spi;
	char src[48], dst[48];

	if (d->active && is_dump_row(t)) {
		const char *p = strchr(t, ':') + 1;
		size_t row = 0;

		while (d->got < d->len && row < 16) {
			unsigned v;

			while (*p == ' ')
				p++;
			if (sscanf(p, "%2x", &v) != 1)
				break;
			if (d->got < sizeof(d->buf))
				d->buf[d->got] = (uint8_t)v;
			d->got++;
			row++;
			p += 2;
		}
		if (d->got >= d->len) {
			d->active = 0;
			if (d->len <= sizeof(d->buf))
				dump_done(k, th, d);
		}
		return;
	}
	d->active = 0;
	if ((a = strstr(t, " => ")) && sscanf(a, " => %lu bytes @", &bytes) == 1) {
		size_t nl = (size_t)(a - t);

		if (nl >= sizeof(name))
			return;
		memcpy(name, t, nl);
		name[nl] = '\0';
		snprintf(d->name, sizeof(d->name), "%s", name);
		d->ike = l->ike;
		d->len = bytes;
		d->got = 0;
		d->active = bytes > 0;
		return;
	}
	if (sscanf(t, "  using %31s for encryption", name) == 1 &&
	    strstr(t, "for encryption")) {
		/* the first line of a Quick Mode's key derivation in this thread */
		memset(c, 0, sizeof(*c));
		snprintf(c->encr, sizeof(c->encr), "%.31s", name);
		return;
	}
	if (strstr(t, "for integrity") && sscanf(t, "  using %31s for integrity", c->integ) == 1)
		return;
	if (sscanf(t, "  SPI 0x%x, src %47s dst %47s", &spi, src, dst) == 3) {
		char *comma = strchr(src, ',');

		if (comma)
			*comma = '\0';
		esp_emit(k, c, spi, src, dst);
	}
}

int ss_keys(struct drv_node *n, FILE *ikev1_table, FILE *esp_sa)
{
	char path[320], *buf, *line, *save = NULL;
	struct ss_keyscan *k;
	int rows;

	snprintf(path, sizeof(path), "%s/charon.log", n->dir);
	buf = drv_read_file(path, NULL);
	if (!buf)
		return -1;
	k = calloc(1, sizeof(*k));
	if (!k) {
		free(buf);
		return -1;
	}
	k->ikev1 = ikev1_table;
	k->esp = esp_sa;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct ss_line l;

		if (ss_parse_line(line, &l) == 0)
			keys_line(k, &l);
	}
	rows = k->rows;
	free(k);
	free(buf);
	if (ikev1_table)
		fflush(ikev1_table);
	if (esp_sa)
		fflush(esp_sa);
	return rows;
}
