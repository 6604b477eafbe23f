/* The Mach-O reader on arbitrary bytes, thin and universal: every slice
 * choice, and the input also read as a dSYM for itself. */
#include "../../formats/macho.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const az_arch archs[] = { AZ_ARCH_UNKNOWN, AZ_ARCH_X64, AZ_ARCH_ARM64 };
    for (size_t i = 0; i < sizeof archs / sizeof archs[0]; i++) {
        az_error err = { 0 };
        az_image img;
        az_image_init(&img, "fuzz.macho", data, size);
        if (az_macho_read(&img, archs[i], &err) == AZ_OK) {
            if (i == 0)
                az_macho_add_debug_file(&img, data, size, "fuzz.dwarf", &err);
            az_image_finish(&img);
        }
        az_image_free(&img);
    }
    return 0;
}
