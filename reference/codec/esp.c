/* esp.c — the cleartext ESP header (RFC 4303 §2: SPI, Sequence Number) and the
 * UDP 4500 demultiplexer of RFC 3948 §2 (ESP / non-ESP marker + IKE / NAT-keepalive).
 */
#include "bufrd.h"
#include "esp.h"

int esp_decode(const uint8_t *buf, size_t len, struct esp_hdr *e, struct codec_err *err)
{
	struct bufrd r;

	e->spi = e->seq = 0;
	e->payload = NULL;
	e->payload_len = 0;
	bufrd_init(&r, buf, len);
	if (bufrd_u32(&r, &e->spi) || bufrd_u32(&r, &e->seq))
		return codec_err_set(err, CODEC_TRUNCATED, 0,
				     "ESP header needs %d bytes, have %zu", ESP_HDR_LEN, len);
	/* RFC 4303 §2.1: SPI 1–255 reserved by IANA, 0 "MUST NOT be sent on the wire" */
	if (e->spi < 256)
		return codec_err_set(err, CODEC_BAD_VALUE, 0, "ESP SPI %u is reserved", e->spi);
	e->payload_len = bufrd_left(&r);
	bufrd_ptr(&r, &e->payload, e->payload_len);
	return 0;
}

int udp4500_classify(const uint8_t *buf, size_t len, enum udp4500_kind *kind,
		     const uint8_t **inner, size_t *inner_len, struct codec_err *err)
{
	struct bufrd r;
	uint32_t first = 0;

	*inner = NULL;
	*inner_len = 0;
	bufrd_init(&r, buf, len);
	/* RFC 3948 §2.3: a NAT-keepalive is a single octet 0xFF */
	if (len == 1 && buf[0] == 0xFF) {
		*kind = UDP4500_KEEPALIVE;
		return 0;
	}
	if (bufrd_u32(&r, &first))
		return codec_err_set(err, CODEC_TRUNCATED, 0,
				     "UDP 4500 payload of %zu bytes is neither keepalive, marker nor ESP", len);
	if (first == 0) {
		/* RFC 3948 §2.2: a zero non-ESP marker precedes an IKE message */
		*kind = UDP4500_IKE;
		*inner_len = bufrd_left(&r);
		bufrd_ptr(&r, inner, *inner_len);
		return 0;
	}
	/* RFC 3948 §2.1: anything else is ESP, starting with its (non-zero) SPI */
	*kind = UDP4500_ESP;
	*inner = buf;
	*inner_len = len;
	return 0;
}
