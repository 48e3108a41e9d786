/* an_keys.c — the IKEv1 key table: Wireshark's "IKEv1 Decryption Table" UAT
 * (ikev1_decryption_table), one line per ISAKMP SA: initiator cookie (8 octets) and the
 * phase-1 encryption key (Ka, RFC 2409 App. B), both in hex.
 *
 * Wireshark writes byte fields unquoted (`0011223344556677,00112233…`); a quoted hex
 * string ("0011…","00…") is accepted too, as drivers and people write it that way. A
 * later line for the same cookie replaces the earlier key.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze.h"

#define AN_KEY_MAX 64

struct an_key { uint8_t icookie[8]; uint8_t key[AN_KEY_MAX]; size_t key_len; };

struct an_keys {
	struct an_key *v;
	size_t n, cap;
};

struct an_keys *an_keys_new(void)
{
	return calloc(1, sizeof(struct an_keys));
}

void an_keys_free(struct an_keys *k)
{
	if (!k)
		return;
	free(k->v);
	free(k);
}

size_t an_keys_count(const struct an_keys *k)
{
	return k ? k->n : 0;
}

const uint8_t *an_keys_lookup(const struct an_keys *k, const uint8_t icookie[8], size_t *key_len)
{
	size_t i;

	for (i = 0; k && i < k->n; i++)
		if (memcmp(k->v[i].icookie, icookie, 8) == 0) {
			if (key_len)
				*key_len = k->v[i].key_len;
			return k->v[i].key;
		}
	return NULL;
}

int an_keys_add(struct an_keys *k, const uint8_t icookie[8], const uint8_t *key, size_t key_len)
{
	size_t i;

	if (!k || !key_len || key_len > AN_KEY_MAX)
		return -1;
	for (i = 0; i < k->n; i++)
		if (memcmp(k->v[i].icookie, icookie, 8) == 0)
			break;
	if (i == k->n) {
		if (k->n == k->cap) {
			size_t cap = k->cap ? k->cap * 2 : 16;
			struct an_key *v = realloc(k->v, cap * sizeof(*v));

			if (!v)
				return -1;
			k->v = v;
			k->cap = cap;
		}
		k->n++;
	}
	memcpy(k->v[i].icookie, icookie, 8);
	memcpy(k->v[i].key, key, key_len);
	k->v[i].key_len = key_len;
	return 0;
}

/* One field: optional quotes around hex digits (an optional "0x" too). Returns the number
 * of bytes, -1 if malformed; *pp moves past the field. */
static int an_keys_hex_field(const char **pp, uint8_t *out, size_t cap)
{
	const char *p = *pp;
	int quoted = 0;
	size_t n = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '"') {
		quoted = 1;
		p++;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	while (isxdigit((unsigned char)p[0])) {
		unsigned v;

		if (!isxdigit((unsigned char)p[1]) || n >= cap || sscanf(p, "%2x", &v) != 1)
			return -1;
		out[n++] = (uint8_t)v;
		p += 2;
	}
	if (quoted) {
		if (*p != '"')
			return -1;
		p++;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	*pp = p;
	return (int)n;
}

int an_keys_add_line(struct an_keys *k, const char *line)
{
	uint8_t ck[16], key[AN_KEY_MAX];
	const char *p = line;
	int nc, nk;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '#' || *p == '\0' || *p == '\n' || *p == '\r')
		return 0;
	nc = an_keys_hex_field(&p, ck, sizeof(ck));
	if (nc != 8 || *p != ',')
		return -1;
	p++;
	nk = an_keys_hex_field(&p, key, sizeof(key));
	if (nk <= 0 || (*p != '\0' && *p != '\n' && *p != '\r'))
		return -1;
	return an_keys_add(k, ck, key, (size_t)nk);
}

struct an_keys *an_keys_load(const char *ikev1_table_path)
{
	struct an_keys *k = an_keys_new();
	char line[512];
	FILE *f;

	if (!k || !ikev1_table_path)
		return k;
	f = fopen(ikev1_table_path, "r");
	if (!f)
		return k;   /* no table: nothing decrypts, nothing fails */
	while (fgets(line, sizeof(line), f))
		(void)an_keys_add_line(k, line);   /* a malformed line is skipped */
	fclose(f);
	return k;
}
