/* The .mstat reader (ECMA-335 metadata tables and IL) on arbitrary bytes,
 * and the names and generic arguments of every record it yields. */
#include "../../formats/mstat.h"
#include "fuzz.h"

static void walk(az_mstat *m, const az_mstat_record *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        az_mstat_display(m, r[i].token, &m->arena);
        az_mstat_assembly(m, r[i].token);
        az_mstat_generic g;
        az_mstat_generic_of(m, r[i].token, &m->arena, &g);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    az_error err = { 0 };
    az_mstat m;
    if (az_mstat_read(data, size, "fuzz.mstat", &m, &err) != AZ_OK)
        return 0;
    walk(&m, m.types, m.ntypes);
    walk(&m, m.methods, m.nmethods);
    walk(&m, m.rva_fields, m.nrva_fields);
    walk(&m, m.frozen, m.nfrozen);
    walk(&m, m.folded, m.nfolded);
    az_mstat_free(&m);
    return 0;
}
