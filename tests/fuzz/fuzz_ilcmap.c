/* The map.xml reader on arbitrary bytes. */
#include "../../formats/ilcmap.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    az_error err = { 0 };
    az_ilcmap m;
    if (az_ilcmap_parse(data, size, "fuzz.map.xml", &m, &err) == AZ_OK)
        az_ilcmap_free(&m);
    return 0;
}
