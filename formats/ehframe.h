/* .eh_frame and .eh_frame_hdr (ELF; Mach-O's __eh_frame has the same layout).
 * Every FDE becomes a region owned by the code it covers; the LSDAs FDEs
 * point to (.dotnet_eh_table, .gcc_except_table) become regions owned by the
 * same code; CIEs and the index header are shared unwind data. */
#ifndef AZ_EHFRAME_H
#define AZ_EHFRAME_H

#include "image.h"

void az_ehframe_read(az_image *img, const az_section *eh_frame);
void az_ehframe_hdr_read(az_image *img, const az_section *eh_frame_hdr);

/* LSDA references (an LSDA's address and the code that uses it).  Mach-O
 * finds them in two tables (FDEs and __unwind_info), and an LSDA's extent
 * depends on all of them, so they are gathered first and turned into regions
 * once: each LSDA runs to the next referenced one (or its section's end). */
typedef struct az_lsda_refs {
    struct az_lsda_ref { uint64_t addr, owner; } *refs;
    size_t n, cap;
} az_lsda_refs;

void az_lsda_add(az_lsda_refs *l, uint64_t lsda, uint64_t owner);
/* Adds FDE and CIE regions of eh_frame; its LSDAs go to *lsdas. */
void az_ehframe_read_lsdas(az_image *img, const az_section *eh_frame, az_lsda_refs *lsdas);
/* Adds one region per distinct LSDA, owned by its first user; frees *l. */
void az_lsda_regions(az_image *img, az_lsda_refs *l);

#endif
