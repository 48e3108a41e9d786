/* esp.h — ESP header fields (RFC 4303 §2) and UDP encapsulation (RFC 3948 §2).
 *
 * Only the cleartext part is decoded here: SPI and sequence number. On UDP 4500 a
 * leading 4-byte zero is the non-ESP marker (an IKE message follows) and a lone 0xFF
 * byte is a NAT-keepalive (RFC 3948 §2.3); anything else is ESP.
 */
#ifndef CODEC_ESP_H
#define CODEC_ESP_H

#include <stddef.h>
#include <stdint.h>
#include "codec_err.h"

#define ESP_HDR_LEN 8

struct esp_hdr {
	uint32_t spi;
	uint32_t seq;
	const uint8_t *payload; size_t payload_len;   /* IV + ciphertext + ICV */
};

/* SPI 0 and 1–255 are refused as CODEC_BAD_VALUE (RFC 4303 §2.1). */
int esp_decode(const uint8_t *buf, size_t len, struct esp_hdr *e, struct codec_err *err);

enum udp4500_kind { UDP4500_ESP, UDP4500_IKE, UDP4500_KEEPALIVE };
/* Classify a UDP 4500 payload; for IKE, *inner and *inner_len skip the marker. */
int udp4500_classify(const uint8_t *buf, size_t len, enum udp4500_kind *kind,
		     const uint8_t **inner, size_t *inner_len, struct codec_err *err);

#endif
