/* fuzz_pcapng.c — libFuzzer target: arbitrary bytes through the memory-backed pcapng /
 * classic pcap reader. Every packet returned must lie inside the input.
 * Build: cmake -DCMAKE_C_COMPILER=clang -DIHH_FUZZ=ON; run: fuzz_pcapng CORPUS_DIR
 */
#include "pcapng.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct pcapng_reader *r = pcapng_open_mem(data, size, err, sizeof(err));
	struct pcapng_pkt p;
	size_t n = 0;
	volatile uint8_t sink = 0;

	if (!r)
		return 0;
	while (pcapng_next(r, &p, err, sizeof(err)) == 1) {
		if (p.caplen > size)
			abort();
		for (size_t i = 0; i < p.caplen; i++)
			sink ^= p.data[i];      /* touch every byte: ASan checks the bounds */
		if (++n > size)
			abort();                /* every packet consumes input: cannot loop */
	}
	(void)sink;
	pcapng_close_read(r);
	return 0;
}
