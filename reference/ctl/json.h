/* json.h — a small streaming JSON writer (RFC 8259) on a FILE *.
 *
 * Containers and keys keep the commas right by themselves: call json_key() before every
 * value inside an object, nothing before values inside an array. Strings are escaped
 * (quote, backslash, control characters as \uXXXX or the short forms); valid UTF-8 passes
 * through unchanged and every byte that is not part of a valid UTF-8 sequence is written
 * as \u00XX, so the output is always valid JSON whatever the input bytes were.
 * Non-finite doubles become null. Pretty printing indents containers opened above
 * `inline_depth`; deeper containers are written on one line (one event per line).
 */
#ifndef CTL_JSON_H
#define CTL_JSON_H

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json_w {
	FILE *f;
	int depth;
	int pretty;                  /* indent with tabs/newlines */
	int inline_depth;            /* containers at this depth or deeper are written inline */
	int count[JSON_MAX_DEPTH];   /* values written in the container at each depth */
	char kind[JSON_MAX_DEPTH];   /* '{' or '[' */
	int after_key;               /* a key was written; the next value belongs to it */
	int err;                     /* misuse (value without key, depth overflow …) */
};

void json_init(struct json_w *w, FILE *f, int pretty);
void json_begin_object(struct json_w *w);
void json_end_object(struct json_w *w);
void json_begin_array(struct json_w *w);
void json_end_array(struct json_w *w);
void json_key(struct json_w *w, const char *k);
void json_string(struct json_w *w, const char *s);          /* NULL → null */
void json_string_n(struct json_w *w, const char *s, size_t n);
void json_int(struct json_w *w, int64_t v);
void json_uint(struct json_w *w, uint64_t v);
void json_double(struct json_w *w, double v, int decimals);  /* decimals < 0 → %.17g */
void json_bool(struct json_w *w, int v);
void json_null(struct json_w *w);
void json_stringf(struct json_w *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* key + value in one call */
void json_kv_string(struct json_w *w, const char *k, const char *v);
void json_kv_int(struct json_w *w, const char *k, int64_t v);
void json_kv_double(struct json_w *w, const char *k, double v, int decimals);
void json_kv_bool(struct json_w *w, const char *k, int v);

/* 0 if every container was closed and nothing was misused, else -1. */
int json_finish(struct json_w *w);

/* Write `s` (n bytes) as the inside of a JSON string literal (no quotes). */
void json_escape(FILE *f, const char *s, size_t n);
/* Length of the valid UTF-8 sequence at s (1..4), 0 if the byte at s does not start one
 * (overlong forms, surrogates and code points above U+10FFFF are invalid). `cp` gets the
 * code point when not NULL. */
size_t json_utf8_len(const unsigned char *s, size_t n, uint32_t *cp);

#endif
