/* cksum.c — the Internet checksum (RFC 1071 §4.1), byte-order independent. */
#include "cksum.h"

uint32_t cksum_add(uint32_t sum, const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		sum += (uint32_t)buf[i] << 8 | buf[i + 1];
		if (sum & 0x80000000u)
			sum = (sum & 0xFFFF) + (sum >> 16);
	}
	if (len & 1)   /* RFC 1071: an odd last byte is padded with a zero octet */
		sum += (uint32_t)buf[len - 1] << 8;
	return sum;
}

uint16_t cksum_finish(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}
