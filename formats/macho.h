/* Mach-O reader: thin 64-bit little-endian files (x86-64 and arm64) and
 * universal (fat) files, of which one slice is read; and dSYM debug files
 * (`app.dSYM/Contents/Resources/DWARF/app`, or a flat `app.dwarf`) matched by
 * LC_UUID. */
#ifndef AZ_MACHO_H
#define AZ_MACHO_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "image.h"
#include "input.h"

/* A Mach-O file of any kind we can name in an error (thin 32/64-bit, either
 * byte order, universal). */
bool az_macho_sniff(const uint8_t *data, uint64_t size);

/* Reads img->data into img.  In a universal file `want` chooses the slice
 * (AZ_ARCH_UNKNOWN: the x64 slice, else the first arm64 one); the other
 * slices and the universal header become regions, so file totals still cover
 * the whole file.  Errors only when no usable slice or header is there;
 * damage further in is a warning. */
az_status az_macho_read(az_image *img, az_arch want, az_error *err);

/* Looks for the dSYM of img: `explicit_path` (a DWARF file or a .dSYM
 * directory) when given, else `<binary>.dSYM/Contents/Resources/DWARF/<name>`
 * and `<binary>.dwarf`.  A candidate is used only when one of its slices has
 * the binary's LC_UUID; one that does not match is refused with a warning.
 * On success *out holds the mapped file (close it after the image). */
bool az_macho_find_dsym(az_image *img, const char *explicit_path, az_input *out);

/* Adds what a matching dSYM carries: its symbol table when img has none of
 * its own, and its __DWARF sections as debug sections (".debug_info"...). */
az_status az_macho_add_debug_file(az_image *img, const uint8_t *data, uint64_t size, const char *path,
                                  az_error *err);

#endif
