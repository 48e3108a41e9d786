/* fuzz_kern_ipv4.c — libFuzzer target for kern_ipv4_parse, the IPv4 header check on
 * raw ESP input and TUN packets: accepted headers must frame bytes inside the input. */
#include <stdint.h>
#include <stdlib.h>
#include "kern.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kern_ipv4 ip;
	int rc = kern_ipv4_parse(data, size, &ip);

	if (rc == CODEC_OK && (ip.hlen < 20 || ip.hlen > ip.tot_len || ip.tot_len > size))
		abort();
	if (rc != CODEC_OK && rc != CODEC_TRUNCATED && rc != CODEC_BAD_VERSION && rc != CODEC_BAD_LENGTH)
		abort();
	return 0;
}
