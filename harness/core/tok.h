/* tok.h — the line tokenizer shared by the harness's file formats (testcase.conf,
 * *.node): words separated by blanks, "double quotes" for words with blanks, `#` starts
 * a comment outside quotes. Errors are reported by the callers as file:line. */
#ifndef HARNESS_TOK_H
#define HARNESS_TOK_H

#include <stddef.h>

#define TOK_MAX 48

struct tok_line {
	int n;
	char *w[TOK_MAX];
	int indent;          /* leading blanks */
	char buf[1024];
};

/* Split one line; returns 0, or -1 for an unterminated quote or too many words. */
int tok_split(const char *line, struct tok_line *t);
/* Parse helpers: return 0 or -1. */
int tok_double(const char *s, double *v);
int tok_int(const char *s, int *v);
int tok_ipv4(const char *s, unsigned *v);                  /* host order */
int tok_prefix(const char *s, unsigned *addr, int *plen);  /* A.B.C.D/LEN */
/* Read a whole file (NUL-terminated, caller frees) or NULL. */
char *tok_slurp(const char *path);

#endif
