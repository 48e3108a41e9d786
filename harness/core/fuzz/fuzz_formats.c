/* fuzz_formats.c — libFuzzer target for the harness's file formats: the first byte
 * picks the parser (node file, topology, testcase.conf against the shipped
 * rbm-switchover-dpd folder, in its default variant or `refgw`), the rest is the text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "testcase.h"

#ifndef IHH_SOURCE_DIR
#define IHH_SOURCE_DIR "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct testcase tc;
	static struct lab_topo topo;
	static struct node_spec node;
	char err[LAB_ERR_MAX];
	if (size < 1 || size > 65536)
		return 0;
	char *text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	switch (data[0] % 3) {
	case 0:
		node_spec_parse("f.node", text, &node, err, sizeof(err));
		break;
	case 1:
		lab_topo_parse("f.lab", text, &topo, err, sizeof(err));
		break;
	default:
		/* bit 2 of the selector: load the variant `refgw` (the folder has nodes/refgw/) */
		tc_parse_variant(IHH_SOURCE_DIR "/testcases/rbm-switchover-dpd", "testcase.conf",
				 (data[0] & 4) ? "refgw" : NULL, text, &tc, err, sizeof(err));
		break;
	}
	free(text);
	return 0;
}
