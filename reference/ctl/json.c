/* json.c — streaming JSON writer with UTF-8-safe string escaping (see json.h). */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include "json.h"

void json_init(struct json_w *w, FILE *f, int pretty)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->pretty = pretty;
	w->inline_depth = 3;
}

static int json_is_inline(const struct json_w *w)
{
	return !w->pretty || w->depth >= w->inline_depth;
}

static void json_newline(struct json_w *w)
{
	fputc('\n', w->f);
	for (int i = 0; i < w->depth; i++)
		fputc('\t', w->f);
}

/* Before any value or key: comma and indentation as the enclosing container needs. */
static void json_pre_value(struct json_w *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth == 0) {
		if (w->count[0]++)
			w->err = 1;    /* two top-level values */
		return;
	}
	if (w->kind[w->depth] == '{') {
		w->err = 1;            /* value inside an object without a key */
	}
	if (w->count[w->depth]++)
		fputc(',', w->f);
	if (!json_is_inline(w))
		json_newline(w);
	else if (w->count[w->depth] > 1 && w->pretty)
		fputc(' ', w->f);
}

static void json_open(struct json_w *w, char kind)
{
	json_pre_value(w);
	fputc(kind, w->f);
	if (w->depth + 1 >= JSON_MAX_DEPTH) {
		w->err = 1;
		return;
	}
	w->depth++;
	w->kind[w->depth] = kind;
	w->count[w->depth] = 0;
}

static void json_close(struct json_w *w, char kind)
{
	if (w->depth == 0 || w->kind[w->depth] != kind || w->after_key) {
		w->err = 1;
		return;
	}
	int multiline = w->count[w->depth] && !json_is_inline(w);
	w->depth--;
	if (multiline)
		json_newline(w);
	fputc(kind == '{' ? '}' : ']', w->f);
}

void json_begin_object(struct json_w *w) { json_open(w, '{'); }
void json_end_object(struct json_w *w) { json_close(w, '{'); }
void json_begin_array(struct json_w *w) { json_open(w, '['); }
void json_end_array(struct json_w *w) { json_close(w, '['); }

size_t json_utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (n == 0)
		return 0;
	unsigned char c = s[0];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		if (cp)
			*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		len = 2; v = c & 0x1f; min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3; v = c & 0x0f; min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4; v = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	if (cp)
		*cp = v;
	return len;
}

void json_escape(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned char c = p[i];
		switch (c) {
		case '"': fputs("\\\"", f); i++; continue;
		case '\\': fputs("\\\\", f); i++; continue;
		case '\n': fputs("\\n", f); i++; continue;
		case '\r': fputs("\\r", f); i++; continue;
		case '\t': fputs("\\t", f); i++; continue;
		case '\b': fputs("\\b", f); i++; continue;
		case '\f': fputs("\\f", f); i++; continue;
		default: break;
		}
		if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
			i++;
			continue;
		}
		size_t l = json_utf8_len(p + i, n - i, NULL);
		if (l == 0) {
			fprintf(f, "\\u%04x", c);   /* a stray byte: keep it visible, stay valid */
			i++;
			continue;
		}
		fwrite(p + i, 1, l, f);
		i += l;
	}
}

void json_key(struct json_w *w, const char *k)
{
	if (w->depth == 0 || w->kind[w->depth] != '{' || w->after_key) {
		w->err = 1;
		return;
	}
	if (w->count[w->depth]++)
		fputc(',', w->f);
	if (!json_is_inline(w))
		json_newline(w);
	else if (w->count[w->depth] > 1 && w->pretty)
		fputc(' ', w->f);
	fputc('"', w->f);
	json_escape(w->f, k, strlen(k));
	fputs(w->pretty ? "\": " : "\":", w->f);
	w->after_key = 1;
}

void json_string_n(struct json_w *w, const char *s, size_t n)
{
	json_pre_value(w);
	fputc('"', w->f);
	json_escape(w->f, s, n);
	fputc('"', w->f);
}

void json_string(struct json_w *w, const char *s)
{
	if (!s) {
		json_null(w);
		return;
	}
	json_string_n(w, s, strlen(s));
}

void json_stringf(struct json_w *w, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_string(w, buf);
}

void json_int(struct json_w *w, int64_t v)
{
	json_pre_value(w);
	fprintf(w->f, "%" PRId64, v);
}

void json_uint(struct json_w *w, uint64_t v)
{
	json_pre_value(w);
	fprintf(w->f, "%" PRIu64, v);
}

void json_double(struct json_w *w, double v, int decimals)
{
	if (!isfinite(v)) {
		json_null(w);
		return;
	}
	json_pre_value(w);
	if (decimals < 0)
		fprintf(w->f, "%.17g", v);
	else
		fprintf(w->f, "%.*f", decimals > 9 ? 9 : decimals, v);
}

void json_bool(struct json_w *w, int v)
{
	json_pre_value(w);
	fputs(v ? "true" : "false", w->f);
}

void json_null(struct json_w *w)
{
	json_pre_value(w);
	fputs("null", w->f);
}

void json_kv_string(struct json_w *w, const char *k, const char *v) { json_key(w, k); json_string(w, v); }
void json_kv_int(struct json_w *w, const char *k, int64_t v) { json_key(w, k); json_int(w, v); }
void json_kv_double(struct json_w *w, const char *k, double v, int decimals) { json_key(w, k); json_double(w, v, decimals); }
void json_kv_bool(struct json_w *w, const char *k, int v) { json_key(w, k); json_bool(w, v); }

int json_finish(struct json_w *w)
{
	if (w->pretty && w->depth == 0)
		fputc('\n', w->f);
	return (w->err || w->depth != 0 || w->after_key || ferror(w->f)) ? -1 : 0;
}
