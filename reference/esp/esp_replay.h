/* esp_replay.h — the ESP anti-replay window (RFC 4303 §3.4.3, RFC 4301 App. A style),
 * for 32-bit sequence numbers.
 *
 * The right edge `top` is the highest authenticated sequence number; a packet is new if
 * it is right of the edge, or inside the window (top − window, top] with its bit clear.
 * The bits live in a ring of 64-bit words indexed by seq (RFC 6479's layout): sliding the
 * window clears only the words it moves over, so the cost does not grow with the jump.
 * The ring holds at least window + 64 bits, so the words cleared on a slide never belong
 * to the window. Two steps, because the window "is updated only if the integrity
 * verification succeeds" (§3.4.3): esp_replay_check() before the ICV (read-only) and
 * esp_replay_update() after it. Header-only: both are on the per-packet path.
 */
#ifndef ESP_REPLAY_H
#define ESP_REPLAY_H

#include <stdint.h>
#include <string.h>

#define ESP_REPLAY_DEFAULT    64      /* "SHOULD be employed as the default" (§3.4.3) */
#define ESP_REPLAY_MIN        32      /* "A minimum window size of 32 packets MUST be supported" */
#define ESP_REPLAY_MAX        1024
#define ESP_REPLAY_WORDS_MAX  32      /* power of two ≥ ESP_REPLAY_MAX / 64 + 1 */

struct esp_replay {
	uint32_t top;                 /* right edge; 0 = nothing received yet */
	uint32_t window;              /* ESP_REPLAY_MIN..ESP_REPLAY_MAX */
	uint32_t word_mask;           /* words in the ring − 1 (a power of two − 1) */
	uint64_t bits[ESP_REPLAY_WORDS_MAX];
};

/* window 0 → default. Returns -1 if the window is outside MIN..MAX. */
static inline int esp_replay_init(struct esp_replay *r, unsigned window)
{
	uint32_t need, words = 1;

	if (window == 0)
		window = ESP_REPLAY_DEFAULT;
	if (window < ESP_REPLAY_MIN || window > ESP_REPLAY_MAX)
		return -1;
	need = (window + 63) / 64 + 1;
	while (words < need)
		words <<= 1;
	memset(r, 0, sizeof(*r));
	r->window = window;
	r->word_mask = words - 1;
	return 0;
}

/* 0 if seq may be new (go on to the ICV), -1 if it is a replay: a duplicate, left of the
 * window, or 0 (the first packet of an SA carries 1, §3.3.3; without ESN 0 never comes). */
static inline int esp_replay_check(const struct esp_replay *r, uint32_t seq)
{
	if (seq == 0)
		return -1;
	if (seq > r->top)
		return 0;
	if (r->top - seq >= r->window)
		return -1;
	return (r->bits[(seq >> 6) & r->word_mask] >> (seq & 63)) & 1 ? -1 : 0;
}

/* Record an authenticated seq that esp_replay_check() accepted. */
static inline void esp_replay_update(struct esp_replay *r, uint32_t seq)
{
	if (seq > r->top) {
		uint32_t from = r->top >> 6, to = seq >> 6;

		if (to - from > r->word_mask) {
			memset(r->bits, 0, sizeof(r->bits[0]) * (r->word_mask + 1));
		} else {
			while (from != to) {
				from++;
				r->bits[from & r->word_mask] = 0;
			}
		}
		r->top = seq;
	}
	r->bits[(seq >> 6) & r->word_mask] |= (uint64_t)1 << (seq & 63);
}

#endif
