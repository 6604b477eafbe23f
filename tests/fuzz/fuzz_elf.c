/* The ELF reader alone on arbitrary bytes: headers through libelf, then
 * sections, segments, symbol tables, notes, debuglink and relocations
 * through the cursor, and .eh_frame. */
#include "../../formats/elf.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    az_error err = { 0 };
    az_image img;
    az_image_init(&img, "fuzz.elf", data, size);
    if (az_elf_read(&img, &err) == AZ_OK)
        az_image_finish(&img);
    az_image_free(&img);
    return 0;
}
