/* Every fuzz target implements this libFuzzer entry point.  Built with
 * -Dfuzzing=true (clang), the targets link libFuzzer; otherwise they link
 * replay.c, which runs the committed corpus as a regression test. */
#ifndef AZ_FUZZ_H
#define AZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
