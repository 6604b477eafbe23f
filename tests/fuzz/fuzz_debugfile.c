/* Separate-debug-file handling on arbitrary bytes: identifying an ELF
 * (build-id, debuglink) and adding its symbols and debug sections to an
 * image, as when a stripped binary's .dbg is read. */
#include <stdlib.h>
#include <string.h>

#include "../../formats/dwarf.h"
#include "../../formats/elf.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    az_error err = { 0 };
    az_elf_identity id;
    if (az_elf_identify(data, size, "fuzz.dbg", &id, &err) != AZ_OK)
        return 0;
    /* The input plays both roles: the binary whose sections place the
     * symbols, and the debug file that supplies them. */
    az_image img;
    az_image_init(&img, "fuzz", data, size);
    if (az_elf_read(&img, &err) == AZ_OK) {
        img.has_symtab = false;
        az_elf_add_debug_file(&img, data, size, "fuzz.dbg", &err);
        az_image_finish(&img);
        az_cu_range *cus = NULL;
        az_dwarf_cu_ranges(&img, &cus);
        free(cus);
    }
    az_image_free(&img);
    return 0;
}
