/* The DWARF access layer on arbitrary section contents.  The input is a
 * sequence of records, one per DWARF section in the order of names[] below:
 * a 4-byte little-endian length, one flag byte (1: the bytes start with an
 * ELF compression header, as in SHF_COMPRESSED sections), then the bytes.
 * make_seeds.sh builds seeds in this layout from real compiler output. */
#include <stdlib.h>

#include "../../formats/dwarf.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {
        ".debug_info", ".debug_abbrev", ".debug_str", ".debug_line_str", ".debug_str_offsets",
        ".debug_addr", ".debug_ranges", ".debug_rnglists", ".zdebug_info",
    };
    az_image img;
    az_image_init(&img, "fuzz.dbg", data, size);
    img.format = AZ_FORMAT_ELF;
    img.arch = AZ_ARCH_X64;
    size_t pos = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && size - pos >= 5; i++) {
        uint64_t len = (uint64_t)data[pos] | (uint64_t)data[pos + 1] << 8 |
                       (uint64_t)data[pos + 2] << 16 | (uint64_t)data[pos + 3] << 24;
        bool compressed = data[pos + 4] & 1;
        pos += 5;
        if (len > size - pos)
            len = size - pos;
        az_image_add_debug_section(&img, names[i], data + pos, len, compressed);
        pos += len;
    }
    az_cu_range *cus = NULL;
    az_dwarf_cu_ranges(&img, &cus);
    free(cus);
    az_image_free(&img);
    return 0;
}
