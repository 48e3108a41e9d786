/* fuzz_frame.c — libFuzzer target for frame_decode: the first input byte picks the
 * link type (Ethernet, raw IPv4, Linux SLL, or an unknown one); then isakmp_decode on
 * l7 when the frame is ISAKMP.
 */
#include <stdint.h>
#include <stdlib.h>
#include "frame.h"
#include "isakmp.h"

static struct isakmp_msg msg;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int linktypes[] = {
		FRAME_LINKTYPE_ETHERNET, FRAME_LINKTYPE_RAW, FRAME_LINKTYPE_LINUX_SLL, 147,
	};
	struct frame_info fi;
	struct codec_err err;
	const uint8_t *pkt;
	size_t len;

	if (size < 1)
		return 0;
	pkt = data + 1;
	len = size - 1;
	frame_decode(pkt, len, linktypes[data[0] & 3], &fi);
	if (fi.l7_len && (fi.l7 < pkt || fi.l7_len > (size_t)(pkt + len - fi.l7)))
		abort();
	if (fi.malformed && (fi.err.reason <= CODEC_OK || fi.err.reason >= CODEC_REASON_MAX ||
			     fi.err.offset > len))
		abort();
	if (fi.kind == FRAME_ISAKMP && !fi.malformed)
		isakmp_decode(fi.l7, fi.l7_len, &msg, &err);
	return 0;
}
