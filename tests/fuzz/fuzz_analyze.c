/* The whole pipeline on arbitrary bytes: format sniffing, every reader the
 * input reaches (ELF, PE, Mach-O, their tables, unwind data, DWARF), the
 * module header and dehydration replay, attribution, and every view. */
#include <stdio.h>

#include "../../inspector/analysis.h"
#include "../../inspector/report.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    az_error err = { 0 };
    az_analysis a;
    if (az_analyze(data, size, NULL, NULL, &a, &err) != AZ_OK)
        return 0;
    FILE *out = fopen("/dev/null", "w");
    if (out) {
        az_view_opts o = { AZ_OUT_JSON, 0, 4, { NULL, -1 }, AZ_SORT_FILE, out };
        az_view_summary(&a, &o);
        az_view_tree(&a, &o);
        az_view_sections(&a, &o);
        o.format = AZ_OUT_CSV;
        az_view_symbols(&a, &o);
        fclose(out);
    }
    az_analysis_free(&a);
    return 0;
}
