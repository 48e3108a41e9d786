/* fuzz_isakmp.c — libFuzzer target for isakmp_decode and, when the header says the
 * message is encrypted (flag E), isakmp_decode_payloads on the rest as if it were the
 * plaintext (padding allowed, RFC 2409 App. B). Checks result bounds like the mutation test.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "isakmp.h"

static struct isakmp_msg msg;

static void fuzz_check_inside(const void *p, size_t n, const uint8_t *buf, size_t len)
{
	const uint8_t *q = p;

	if (n && (q < buf || q > buf + len || n > (size_t)(buf + len - q)))
		abort();
}

static void fuzz_check(const struct isakmp_msg *m, const uint8_t *buf, size_t len)
{
	uint8_t i;

	if (m->npayloads > ISAKMP_MAX_PAYLOADS || m->nsas > ISAKMP_MAX_SA)
		abort();
	for (i = 0; i < m->npayloads; i++)
		fuzz_check_inside(m->pl[i].body, m->pl[i].body_len, buf, len);
	for (i = 0; i < m->nsas; i++)
		fuzz_check_inside(m->sas[i].body, m->sas[i].body_len, buf, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct codec_err err;

	if (isakmp_decode(data, size, &msg, &err) == 0) {
		fuzz_check(&msg, data, size);
		if (msg.encrypted &&
		    isakmp_decode_payloads(msg.hdr.next_payload, msg.body, msg.body_len, 1, &msg, &err) == 0)
			fuzz_check(&msg, data, size);
	} else if (err.reason <= CODEC_OK || err.reason >= CODEC_REASON_MAX || err.offset > size) {
		abort();
	}
	/* the payload walker alone, first type from the first byte */
	if (size > 1) {
		msg.npayloads = 0;
		msg.nsas = 0;
		if (isakmp_decode_payloads(data[0], data + 1, size - 1, size & 1, &msg, &err) == 0)
			fuzz_check(&msg, data + 1, size - 1);
	}
	return 0;
}
