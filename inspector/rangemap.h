/* Resolving overlapping claims on an address space.
 *
 * Sources add claims [start, end) with a priority class; every byte goes to
 * exactly one claim: the lowest priority class that covers it, then the
 * shortest claim (the most specific), then the one added first.  This is
 * bloaty's "first, most specific label wins", computed in one sweep. */
#ifndef AZ_RANGEMAP_H
#define AZ_RANGEMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct az_claim {
    uint64_t start, end;
    uint32_t label;      /* caller's label id */
    uint8_t priority;    /* lower wins */
} az_claim;

typedef struct az_rangemap {
    az_claim *claims;
    size_t n, cap;
} az_rangemap;

void az_rangemap_init(az_rangemap *m);
void az_rangemap_free(az_rangemap *m);
/* Adds a claim; one that continues the previous claim's label and priority
 * exactly where it ended extends it. */
void az_rangemap_add(az_rangemap *m, uint64_t start, uint64_t len, uint32_t label, uint8_t priority);

/* Calls out(label, start, len, ctx) once per maximal run of bytes won by the
 * same claim, in address order.  Bytes no claim covers are not reported. */
typedef void (*az_rangemap_fn)(uint32_t label, uint64_t start, uint64_t len, void *ctx);
void az_rangemap_resolve(az_rangemap *m, az_rangemap_fn out, void *ctx);

#endif
