/* cksum.h — the Internet checksum (RFC 1071) shared by the IPv4, ICMP and VRRP codecs. */
#ifndef CODEC_CKSUM_H
#define CODEC_CKSUM_H

#include <stddef.h>
#include <stdint.h>

/* Add buf/len to a running one's-complement sum (32-bit accumulator, not folded). */
uint32_t cksum_add(uint32_t sum, const uint8_t *buf, size_t len);
/* Fold and complement: the value to put in a checksum field. A buffer that already
 * contains its correct checksum sums to 0 here. */
uint16_t cksum_finish(uint32_t sum);

#endif
