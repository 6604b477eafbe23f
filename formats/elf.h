/* ELF reader: ELF64 little-endian, x86-64 and AArch64. */
#ifndef AZ_ELF_H
#define AZ_ELF_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "image.h"

bool az_elf_sniff(const uint8_t *data, uint64_t size);

/* Reads headers, sections, segments, symbol tables, relocations, notes,
 * debuglink and unwind tables of img->data into img.  Errors only when the
 * top header is unusable; damage further in is a warning. */
az_status az_elf_read(az_image *img, az_error *err);

/* What identifies an ELF file for debug-file matching. */
typedef struct az_elf_identity {
    char build_id[129];     /* hex; "" when absent */
    char debuglink[256];    /* .gnu_debuglink file name; "" when absent */
    uint32_t debuglink_crc;
    bool has_symtab;
    bool has_debug_info;
    uint16_t machine;
} az_elf_identity;

az_status az_elf_identify(const uint8_t *data, uint64_t size, const char *path,
                          az_elf_identity *out, az_error *err);

/* Adds the full symbol table and the debug sections of a separate debug file
 * (already verified to match) to img.  Symbols are placed by address into
 * img's sections. */
az_status az_elf_add_debug_file(az_image *img, const uint8_t *data, uint64_t size,
                                const char *path, az_error *err);

#endif
