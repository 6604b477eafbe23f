/* The PE/COFF reader alone on arbitrary bytes: headers, section table, data
 * directories (imports, exports, relocations, exceptions, debug, resources,
 * load config, certificates). */
#include "../../formats/pe.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    az_error err = { 0 };
    az_image img;
    az_image_init(&img, "fuzz.exe", data, size);
    if (az_pe_read(&img, &err) == AZ_OK)
        az_image_finish(&img);
    az_image_free(&img);
    return 0;
}
