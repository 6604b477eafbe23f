/* Symbol extents for ILC output, where data symbols have size 0 and some
 * point past the start of their node: a MethodTable follows its GC
 * descriptor, a frozen object its sync block, non-GC statics their class
 * constructor context (nativeaot-format.md §1.5). */
#ifndef AZ_EXTENTS_H
#define AZ_EXTENTS_H

#include "analysis.h"
#include "rangemap.h"

/* Sets addr/extent of every symbol entity and builds a->by_addr. */
void az_extents_compute(az_analysis *a);

/* Claims the alignment padding after sized symbols (the bytes up to the next
 * symbol when the gap is smaller than the alignment ILC and linkers use). */
void az_extents_claim_padding(az_analysis *a, az_rangemap *vm, az_rangemap *file, uint8_t priority);

#endif
