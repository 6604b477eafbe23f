/* Finding and verifying the separate debug file of a stripped binary
 * (ELF: .gnu_debuglink + build-id, as `objcopy --only-keep-debug` makes it). */
#ifndef AZ_DEBUGFILE_H
#define AZ_DEBUGFILE_H

#include "image.h"
#include "input.h"

/* Looks for img's debug file: `explicit_path` when given, else the debuglink
 * name beside the binary, in .debug/ beside it, under /usr/lib/debug/<dir>/,
 * and /usr/lib/debug/.build-id/xx/rest.debug.  A candidate is used only when
 * its build-id (or, without build-ids, its CRC32) matches; a candidate that
 * does not match is refused with a warning on img.  On success *out holds the
 * mapped file (close it after the image).  Returns false when none was used. */
bool az_debugfile_find(az_image *img, const char *explicit_path, const char *debug_root,
                       az_input *out);

#endif
