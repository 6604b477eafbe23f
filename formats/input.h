/* Opening input files: read-only, memory-mapped, never written. */
#ifndef AZ_INPUT_H
#define AZ_INPUT_H

#include <stdint.h>

#include "error.h"

typedef struct az_input {
    char *path;
    const uint8_t *data;
    uint64_t size;
    int mapped;       /* 1: data is an mmap to unmap; 0: malloc'ed or empty */
} az_input;

/* Maps the whole file.  A directory, an unreadable or missing file is an
 * AZ_ERR_IO error naming the path. */
az_status az_input_open(const char *path, az_input *out, az_error *err);
void az_input_close(az_input *in);

#endif
