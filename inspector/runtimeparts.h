/* Which part of the native runtime (GC, PAL, System.Native, ...) each
 * address of native code belongs to, from the DWARF compile units of the
 * runtime's static libraries when the debug info has them. */
#ifndef AZ_RUNTIMEPARTS_H
#define AZ_RUNTIMEPARTS_H

#include "analysis.h"

/* Reading DWARF takes a while (decompression), so it runs on its own thread:
 * start it once the image is complete, finish before native symbols are
 * classified.  Without threads, finish does the work. */
void az_runtimeparts_start(az_analysis *a);
void az_runtimeparts_finish(az_analysis *a);
void az_runtimeparts_free(az_analysis *a);
/* The runtime part of native code at addr, or NULL when no compile unit of
 * the runtime covers it. */
const char *az_runtimeparts_at(const az_analysis *a, uint64_t addr);

#endif
