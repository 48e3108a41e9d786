/* tok.c — see tok.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tok.h"

int tok_split(const char *line, struct tok_line *t)
{
	size_t o = 0;
	const char *p = line;

	t->n = 0;
	t->indent = 0;
	while (*p == ' ' || *p == '\t') {
		t->indent++;
		p++;
	}
	while (*p && *p != '\n' && *p != '\r') {
		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		if (*p == '#')
			break;
		if (t->n == TOK_MAX)
			return -1;
		t->w[t->n++] = &t->buf[o];
		if (*p == '"') {
			p++;
			while (*p && *p != '"' && *p != '\n') {
				if (o + 1 >= sizeof(t->buf))
					return -1;
				t->buf[o++] = *p++;
			}
			if (*p != '"')
				return -1;
			p++;
		} else {
			while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
				if (o + 1 >= sizeof(t->buf))
					return -1;
				t->buf[o++] = *p++;
			}
		}
		if (o + 1 >= sizeof(t->buf))
			return -1;
		t->buf[o++] = '\0';
	}
	return 0;
}

int tok_double(const char *s, double *v)
{
	char *end;
	errno = 0;
	*v = strtod(s, &end);
	return (errno || end == s || *end) ? -1 : 0;
}

int tok_int(const char *s, int *v)
{
	char *end;
	errno = 0;
	long l = strtol(s, &end, 10);
	if (errno || end == s || *end || l < -2147483647L || l > 2147483647L)
		return -1;
	*v = (int)l;
	return 0;
}

int tok_ipv4(const char *s, unsigned *v)
{
	struct in_addr a;
	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*v = ntohl(a.s_addr);
	return 0;
}

int tok_prefix(const char *s, unsigned *addr, int *plen)
{
	char tmp[64];
	const char *slash = strchr(s, '/');
	if (!slash || (size_t)(slash - s) >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, slash - s);
	tmp[slash - s] = '\0';
	if (tok_ipv4(tmp, addr) || tok_int(slash + 1, plen) || *plen < 0 || *plen > 32)
		return -1;
	return 0;
}

char *tok_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (n + 1024 > cap) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
		}
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		if (r == 0)
			break;
		n += r;
	}
	fclose(f);
	if (buf)
		buf[n] = '\0';
	return buf;
}
