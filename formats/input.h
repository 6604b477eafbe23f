/* Opening input files: read-only, memory-mapped, never written. */
#ifndef AZ_INPUT_H
#define AZ_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "image.h"

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

/* Is path a regular file? */
bool az_is_file(const char *path);

/* Opens a candidate side file of img (a debug file, PDB or dSYM) for a
 * reader to check.  A candidate that was only guessed and does not exist is
 * skipped silently; one that exists (or was named by the user) but cannot
 * be opened costs a warning on img, "<what> <reason>".  True when *out holds
 * the mapped file. */
bool az_input_open_candidate(az_image *img, const char *path, bool explicit_choice, const char *what,
                             az_input *out);

#endif
