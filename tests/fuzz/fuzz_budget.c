/* Budget files on arbitrary bytes.  az_budget_load reads a path, so each
 * input goes through a private temporary file. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../inspector/budget.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/aotsize-fuzz-budget-%ld.json", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    az_error err = { 0 };
    az_budget b;
    if (az_budget_load(path, &b, &err) == AZ_OK)
        az_budget_free(&b);
    unlink(path);
    return 0;
}
