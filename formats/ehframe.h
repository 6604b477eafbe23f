/* .eh_frame and .eh_frame_hdr (ELF; Mach-O's __eh_frame has the same layout).
 * Every FDE becomes a region owned by the code it covers; the LSDAs FDEs
 * point to (.dotnet_eh_table, .gcc_except_table) become regions owned by the
 * same code; CIEs and the index header are shared unwind data. */
#ifndef AZ_EHFRAME_H
#define AZ_EHFRAME_H

#include "image.h"

void az_ehframe_read(az_image *img, const az_section *eh_frame);
void az_ehframe_hdr_read(az_image *img, const az_section *eh_frame_hdr);

#endif
