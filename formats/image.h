/* The common image model: what every reader (ELF, PE, Mach-O) produces and the
 * only thing inspector/ sees.  All strings and arrays live as long as the
 * image; names point into the image arena. */
#ifndef AZ_IMAGE_H
#define AZ_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "error.h"

typedef enum az_format { AZ_FORMAT_UNKNOWN, AZ_FORMAT_ELF, AZ_FORMAT_PE, AZ_FORMAT_MACHO } az_format;
typedef enum az_arch { AZ_ARCH_UNKNOWN, AZ_ARCH_X64, AZ_ARCH_ARM64 } az_arch;

const char *az_format_name(az_format f);  /* "elf", "pe", "macho" */
const char *az_format_title(az_format f); /* "ELF", "PE", "Mach-O": for text */
const char *az_arch_name(az_arch a);      /* "x64", "arm64" */

enum az_section_flag {
    AZ_SEC_ALLOC = 1u << 0,      /* occupies memory at run time */
    AZ_SEC_EXEC = 1u << 1,
    AZ_SEC_WRITE = 1u << 2,
    AZ_SEC_ZEROFILL = 1u << 3,   /* memory only: .bss, .hydrated, .tbss */
    AZ_SEC_TLS = 1u << 4,
    AZ_SEC_DEBUG = 1u << 5,      /* debug information (DWARF, CodeView) */
    AZ_SEC_COMPRESSED = 1u << 6, /* contents compressed in the file */
    AZ_SEC_SYMTAB = 1u << 7,     /* a symbol table or its string table */
    AZ_SEC_NOTE = 1u << 8,
};

typedef struct az_section {
    const char *name;
    uint64_t vm_addr, vm_size;     /* vm_size 0: not mapped (or TLS template only) */
    uint64_t file_off, file_size;  /* file_size 0: no bytes in the file */
    uint64_t align;
    uint32_t flags;                /* az_section_flag */
    uint32_t index;                /* index in the format's own section table */
} az_section;

enum az_segment_flag { AZ_SEG_R = 1, AZ_SEG_W = 2, AZ_SEG_X = 4 };

typedef struct az_segment {
    const char *name;              /* "LOAD #0 [R]" or the segment's own name */
    uint64_t vm_addr, vm_size;
    uint64_t file_off, file_size;
    uint32_t flags;                /* az_segment_flag */
} az_segment;

typedef enum az_symbol_type {
    AZ_SYMT_NOTYPE, AZ_SYMT_FUNC, AZ_SYMT_OBJECT, AZ_SYMT_TLS, AZ_SYMT_SECTION, AZ_SYMT_FILE,
    AZ_SYMT_OTHER
} az_symbol_type;

typedef struct az_symbol {
    const char *name;              /* raw name as stored (Mach-O leading '_' removed) */
    uint64_t addr;
    uint64_t size;                 /* 0: unknown */
    int32_t section;               /* index into image->sections; -1 if none */
    uint8_t type;                  /* az_symbol_type */
    uint8_t global;
    uint8_t dynamic;               /* from the dynamic symbol table */
} az_symbol;

/* Bytes of a format structure (header, table entry, unwind record...).  When
 * `owner` is set, the region describes the code or data at `owner_addr` and is
 * charged to whatever symbol contains that address. */
typedef enum az_region_kind {
    AZ_RGN_HEADER,        /* file header, program/section header tables */
    AZ_RGN_SYMTAB,        /* symbol table entry */
    AZ_RGN_STRTAB,        /* symbol name string */
    AZ_RGN_RELOC,         /* relocation entry */
    AZ_RGN_UNWIND,        /* FDE / RUNTIME_FUNCTION / compact unwind entry */
    AZ_RGN_UNWIND_INDEX,  /* .eh_frame_hdr search-table entry */
    AZ_RGN_LSDA,          /* LSDA + GC info (.dotnet_eh_table, .xdata) */
    AZ_RGN_CIE,           /* shared unwind data (CIE, .eh_frame_hdr header) */
    AZ_RGN_NOTE,
    AZ_RGN_DYNAMIC,       /* dynamic linking tables */
    AZ_RGN_PADDING,
    AZ_RGN_OTHER,
    AZ_RGN_MANAGED_CODE,  /* managed code known only by its unwind data (PE without a PDB,
                             where .managedcode is merged into .text) */
    AZ_RGN_OTHER_SLICE,   /* a universal (fat) Mach-O file's slices that were not analysed */
    AZ_RGN__COUNT
} az_region_kind;

typedef struct az_region {
    const char *label;             /* e.g. "[ELF header]", "[.eh_frame CIE]" */
    uint64_t file_off, file_size;
    uint64_t vm_addr, vm_size;
    uint64_t owner_addr;
    uint8_t kind;                  /* az_region_kind */
    uint8_t has_owner;
} az_region;

/* A relocation that writes an absolute pointer at `addr` whose value is
 * `target` (R_X86_64_RELATIVE and friends, PE base relocs after the image base
 * is applied, Mach-O rebases).  Used to read pointers in position-independent
 * data without applying relocations to the file. */
typedef struct az_pointer_fixup {
    uint64_t addr;
    uint64_t target;
} az_pointer_fixup;

/* A separate file that supplied symbols or debug info. */
typedef struct az_debug_source {
    const char *path;
    const uint8_t *data;
    uint64_t size;
} az_debug_source;

typedef struct az_image {
    az_arena arena;
    const char *path;
    const uint8_t *data;           /* the whole input file (not owned) */
    uint64_t size;

    az_format format;
    az_arch arch;
    uint64_t image_base;           /* preferred load address (PE ImageBase, ELF 0 for PIE) */
    const char *build_id;          /* hex, or NULL */
    const char *debuglink;         /* ELF .gnu_debuglink file name, or NULL */
    uint32_t debuglink_crc;
    const char *compiler_comment;  /* e.g. ".NET: ilc 10.0.12-..." when found */

    az_section *sections; size_t nsections, cap_sections;
    az_segment *segments; size_t nsegments, cap_segments;
    az_symbol *symbols;   size_t nsymbols, cap_symbols;
    az_region *regions;   size_t nregions, cap_regions;
    az_pointer_fixup *fixups; size_t nfixups, cap_fixups; /* sorted by addr once finished */

    bool has_symtab;               /* a full (non-dynamic) symbol table was read */
    const char *symbols_from;      /* path of the file whose symbol table was used */
    const char *debug_file;        /* path of the separate debug file used, or NULL */

    /* Debug sections (DWARF) for libdwarf: name → decompressed bytes. */
    struct az_debug_section {
        const char *name;
        const uint8_t *data;   /* raw bytes in the file they came from */
        uint64_t size;
        bool compressed;       /* ELF SHF_COMPRESSED: starts with an Elf64_Chdr */
    } *debug_sections;
    size_t ndebug_sections, cap_debug_sections;

    const char **warnings; size_t nwarnings, cap_warnings;
    uint64_t warning_hashes[200];  /* of warnings[i], to drop repeats cheaply */

    /* Mapped sections by address, built by az_image_finish for fast lookups. */
    size_t *by_vm; size_t nby_vm;
} az_image;

void az_image_init(az_image *img, const char *path, const uint8_t *data, uint64_t size);
void az_image_free(az_image *img);

az_section *az_image_add_section(az_image *img);
az_segment *az_image_add_segment(az_image *img);
az_symbol *az_image_add_symbol(az_image *img);
az_region *az_image_add_region(az_image *img, az_region_kind kind, const char *label,
                               uint64_t file_off, uint64_t file_size,
                               uint64_t vm_addr, uint64_t vm_size);
void az_image_add_fixup(az_image *img, uint64_t addr, uint64_t target);
void az_image_add_debug_section(az_image *img, const char *name, const uint8_t *data, uint64_t size,
                                bool compressed);
void az_image_warn(az_image *img, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sorts the fixups and indexes sections by address; call once after all
 * readers ran (lookups before it scan linearly). */
void az_image_finish(az_image *img);

const az_section *az_image_find_section(const az_image *img, const char *name);
/* The allocated section containing vm address addr, or NULL. */
const az_section *az_image_section_at(const az_image *img, uint64_t addr);
/* File offset of vm address addr if it has file bytes; false otherwise. */
bool az_image_vm_to_file(const az_image *img, uint64_t addr, uint64_t *off);
/* Pointer value stored at vm address addr after relocation, if a fixup
 * exists there. */
bool az_image_fixup_at(const az_image *img, uint64_t addr, uint64_t *target);

#endif
