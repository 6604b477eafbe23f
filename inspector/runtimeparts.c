#include "runtimeparts.h"

#include <stdlib.h>

#include "../formats/dwarf.h"
#include "classify.h"

void az_runtimeparts_load(az_analysis *a)
{
    az_cu_range *all = NULL;
    size_t n = az_dwarf_cu_ranges(&a->img, &all);
    /* Keep only the runtime's own compile units; ILC's (il.cpp) covers
     * managed code, which symbols name better. */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *part = az_runtime_part_from_source(all[i].name);
        if (!part)
            continue;
        all[k] = all[i];
        all[k].name = part;
        k++;
    }
    a->cus = all;
    a->ncus = k;
}

void az_runtimeparts_free(az_analysis *a)
{
    free(a->cus);
    a->cus = NULL;
    a->ncus = 0;
}

const char *az_runtimeparts_at(const az_analysis *a, uint64_t addr)
{
    size_t lo = 0, hi = a->ncus;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a->cus[mid].lo <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0 && addr < a->cus[lo - 1].hi)
        return a->cus[lo - 1].name;
    return NULL;
}
