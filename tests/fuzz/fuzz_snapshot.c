/* Snapshot loading on arbitrary bytes (JSON, or gzip-compressed JSON), and
 * every view over a snapshot that loaded. */
#include <stdio.h>

#include "../../inspector/report.h"
#include "../../inspector/snapshot.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    az_error err = { 0 };
    az_analysis a;
    if (az_snapshot_load(data, size, "fuzz.aotsize.json", &a, &err) != AZ_OK)
        return 0;
    FILE *out = fopen("/dev/null", "w");
    if (out) {
        az_view_opts o = { AZ_OUT_TEXT, 0, 4, { NULL, -1 }, AZ_SORT_FILE, out };
        az_view_summary(&a, &o);
        az_view_tree(&a, &o);
        az_view_sections(&a, &o);
        az_view_symbols(&a, &o);
        fclose(out);
    }
    az_analysis_free(&a);
    return 0;
}
