/* esp_sadb.c — the inbound SA database: SAs by SPI in a chained hash table (the SPI is
 * what RFC 4303 §3.4.2 looks an inbound packet up by; refgw picks its inbound SPIs, so
 * a peer cannot crowd one bucket), and the receive path from ESP bytes to the inner
 * packet. Packets that name no SA are counted here by reason (§3.4.2: "auditable").
 */
#include <stdlib.h>
#include "esp.h"
#include "esp_int.h"

#define ESP_SADB_BITS_MIN 4

struct esp_sadb {
	struct esp_sa **bucket;
	unsigned bits;                  /* 2^bits buckets */
	size_t count;
	struct esp_counters cnt;
};

static inline size_t esp_sadb_hash(const struct esp_sadb *db, uint32_t spi)
{
	/* Fibonacci hashing: the top bits of spi × 2^32/φ */
	return (size_t)((spi * 0x9E3779B1u) >> (32 - db->bits));
}

struct esp_sadb *esp_sadb_new(void)
{
	struct esp_sadb *db = calloc(1, sizeof(*db));

	if (db == NULL)
		return NULL;
	db->bits = ESP_SADB_BITS_MIN;
	db->bucket = calloc((size_t)1 << db->bits, sizeof(*db->bucket));
	if (db->bucket == NULL) {
		free(db);
		return NULL;
	}
	return db;
}

void esp_sadb_free(struct esp_sadb *db)
{
	size_t i;

	if (db == NULL)
		return;
	for (i = 0; i < (size_t)1 << db->bits; i++) {
		struct esp_sa *sa = db->bucket[i], *next;

		for (; sa; sa = next) {
			next = sa->next;
			esp_sa_free(sa);
		}
	}
	free(db->bucket);
	free(db);
}

/* Double the buckets; on allocation failure keep the old table (longer chains). */
static void esp_sadb_grow(struct esp_sadb *db)
{
	unsigned old_bits = db->bits;
	struct esp_sa **old = db->bucket, **nb;
	size_t i;

	if (db->bits >= 24)
		return;
	nb = calloc((size_t)1 << (old_bits + 1), sizeof(*nb));
	if (nb == NULL)
		return;
	db->bucket = nb;
	db->bits = old_bits + 1;
	for (i = 0; i < (size_t)1 << old_bits; i++) {
		struct esp_sa *sa = old[i], *next;

		for (; sa; sa = next) {
			size_t h = esp_sadb_hash(db, sa->spi);

			next = sa->next;
			sa->next = nb[h];
			nb[h] = sa;
		}
	}
	free(old);
}

struct esp_sa *esp_sadb_find(struct esp_sadb *db, uint32_t spi)
{
	struct esp_sa *sa = db->bucket[esp_sadb_hash(db, spi)];

	while (sa && sa->spi != spi)
		sa = sa->next;
	return sa;
}

int esp_sadb_add(struct esp_sadb *db, struct esp_sa *in_sa)
{
	size_t h;

	if (in_sa == NULL || in_sa->dir != ESP_DIR_IN || esp_sadb_find(db, in_sa->spi) != NULL)
		return -1;
	if (db->count >= (size_t)1 << db->bits)
		esp_sadb_grow(db);
	h = esp_sadb_hash(db, in_sa->spi);
	in_sa->next = db->bucket[h];
	db->bucket[h] = in_sa;
	db->count++;
	return 0;
}

int esp_sadb_del(struct esp_sadb *db, uint32_t spi)
{
	struct esp_sa **pp = &db->bucket[esp_sadb_hash(db, spi)], *sa;

	for (; (sa = *pp) != NULL; pp = &sa->next) {
		if (sa->spi == spi) {
			*pp = sa->next;
			db->count--;
			esp_sa_free(sa);
			return 0;
		}
	}
	return -1;
}

size_t esp_sadb_count(const struct esp_sadb *db) { return db->count; }

const struct esp_counters *esp_sadb_counters(const struct esp_sadb *db) { return &db->cnt; }

ssize_t esp_sadb_input(struct esp_sadb *db, const uint8_t *esp, size_t len, uint8_t *out, size_t cap,
		       struct esp_sa **sa_out, enum esp_drop *why)
{
	struct esp_hdr h;
	struct codec_err err;
	struct esp_sa *sa;
	enum esp_drop d;

	if (sa_out)
		*sa_out = NULL;
	db->cnt.pkts++;
	db->cnt.bytes += len;
	if (esp_decode(esp, len, &h, &err) != 0) {
		/* truncated header, or a reserved SPI (§2.1) that no SA can have */
		d = err.reason == CODEC_TRUNCATED ? ESP_DROP_SHORT : ESP_DROP_UNKNOWN_SPI;
		goto drop;
	}
	sa = esp_sadb_find(db, h.spi);
	if (sa == NULL) {
		/* RFC 4303 §3.4.2: no valid SA → discard; an auditable event */
		d = ESP_DROP_UNKNOWN_SPI;
		goto drop;
	}
	if (sa_out)
		*sa_out = sa;
	return esp_decap(sa, esp, len, out, cap, why);
drop:
	db->cnt.drops[d]++;
	if (why)
		*why = d;
	return -1;
}
