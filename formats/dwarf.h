/* DWARF, read through libdwarf's object-access interface from the sections
 * the format readers collected (decompressing SHF_COMPRESSED ones). */
#ifndef AZ_DWARF_H
#define AZ_DWARF_H

#include <stddef.h>
#include <stdint.h>

#include "image.h"

typedef struct az_cu_range {
    uint64_t lo, hi;       /* [lo, hi) code addresses */
    const char *name;      /* DW_AT_name of the compile unit (source path) */
    const char *comp_dir;  /* DW_AT_comp_dir, or NULL */
} az_cu_range;

/* Address ranges of every compile unit (DW_AT_low_pc/high_pc or
 * DW_AT_ranges, DWARF 2-5), sorted by lo.  Strings live in img's arena;
 * *out is malloc'ed (free it).  Returns the count; 0 when there is no
 * usable DWARF.  Damaged DWARF costs a warning on img, never the analysis. */
size_t az_dwarf_cu_ranges(az_image *img, az_cu_range **out);

#endif
