/* fuzz_l2.c — libFuzzer target for the small decoders: ESP header and UDP 4500
 * classifier, VRRP v2/v3 (source/destination from the input) and HSRP v1/v2. The first
 * byte picks the decoder; encode(decode(x)) must decode again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "esp.h"
#include "hsrp.h"
#include "vrrp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct codec_err err;
	uint8_t out[256];
	const uint8_t *p;
	size_t n;

	if (size < 1)
		return 0;
	p = data + 1;
	n = size - 1;
	switch (data[0] % 3) {
	case 0: {
		struct esp_hdr e;
		enum udp4500_kind k;
		const uint8_t *in;
		size_t inl;

		if (esp_decode(p, n, &e, &err) == 0 && e.payload_len != n - ESP_HDR_LEN)
			abort();
		if (udp4500_classify(p, n, &k, &in, &inl, &err) == 0 && inl > n)
			abort();
		break;
	}
	case 1: {
		struct vrrp_pkt v, w;
		uint32_t src = 0xC0A80001, dst = VRRP_GROUP_V4;
		int m;

		if (vrrp_decode(p, n, src, dst, &v, &err) == 0) {
			if (v.naddrs > VRRP_MAX_ADDRS)
				abort();
			m = vrrp_encode(&v, src, dst, out, sizeof(out));
			if (m > 0 && (vrrp_decode(out, (size_t)m, src, dst, &w, &err) != 0 || !w.checksum_ok ||
				      w.naddrs != v.naddrs || memcmp(w.addrs, v.addrs, sizeof(v.addrs)) != 0))
				abort();
		}
		break;
	}
	default: {
		struct hsrp_pkt h, g;
		int m;

		if (hsrp_decode(p, n, &h, &err) == 0) {
			if (memchr(h.auth, 0, sizeof(h.auth)) == NULL)
				abort();
			m = hsrp_encode(&h, out, sizeof(out));
			if (m > 0 && (hsrp_decode(out, (size_t)m, &g, &err) != 0 || g.state != h.state ||
				      g.group != h.group || g.vip != h.vip))
				abort();
		}
		break;
	}
	}
	return 0;
}
