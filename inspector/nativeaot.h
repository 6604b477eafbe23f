/* Native AOT structures that survive stripping: the module header (RTR) and
 * the dehydrated data stream that rebuilds MethodTables, dictionaries and
 * frozen objects into the zero-fill `hydrated` section at start-up
 * (nativeaot-format.md §5). */
#ifndef AZ_NATIVEAOT_H
#define AZ_NATIVEAOT_H

#include <stdbool.h>
#include <stdint.h>

#include "analysis.h"
#include "rangemap.h"

typedef struct az_rtr_entry {
    int32_t id;          /* ReadyToRunSectionType; blobs are 300 + blob id */
    uint32_t flags;
    uint64_t start, end; /* VM addresses; end == start when unknown */
} az_rtr_entry;

typedef struct az_rtr {
    bool found;
    uint64_t addr;       /* VM address of the header */
    uint64_t size;       /* header + entries */
    uint16_t major, minor;
    az_rtr_entry *entries;
    size_t nentries;
} az_rtr;

/* One dehydration command: the file bytes it occupies and the hydrated bytes
 * it produces.  Literal copies map byte for byte. */
typedef struct az_dehydrated_cmd {
    uint64_t file_off;   /* first byte of the command in the file */
    uint32_t header;     /* command byte(s) */
    uint32_t inline_len; /* literal / inline relocation bytes after the header */
    uint64_t dest;       /* VM address of the first hydrated byte */
    uint64_t dest_len;
    uint8_t literal;     /* inline bytes copy 1:1 to dest */
} az_dehydrated_cmd;

typedef struct az_hydrated {
    bool ok;
    uint64_t vm_addr, size;    /* the hydrated section */
    uint8_t *bytes;            /* rebuilt contents */
    uint8_t *ptr_slots;        /* bitmap: 8-byte slot holds an absolute pointer */
    uint64_t stream_file_off;  /* the dehydrated blob in the file */
    uint64_t stream_len;       /* relptr + commands */
    uint64_t fixups_len;       /* the fixup table after the commands (used entries) */
    az_dehydrated_cmd *cmds;
    size_t ncmds;
} az_hydrated;

/* State kept across the analysis. */
typedef struct az_nativeaot {
    az_rtr rtr;
    az_hydrated hyd;
} az_nativeaot;

/* Finds and reads the module header, then replays the dehydrated stream. */
void az_nativeaot_load(az_analysis *a, az_nativeaot *n);
void az_nativeaot_free(az_nativeaot *n);

/* Reads `len` bytes of the loaded image at VM address addr (file bytes, or
 * the rebuilt hydrated bytes).  NULL when not available. */
const uint8_t *az_vm_bytes(const az_analysis *a, const az_nativeaot *n, uint64_t addr, uint64_t len);
/* A pointer stored at addr after relocation. */
bool az_vm_pointer(const az_analysis *a, const az_nativeaot *n, uint64_t addr, uint64_t *out);

/* Adds claims for what the module header locates (blobs, regions; they
 * label the data of stripped binaries) at `prio_known`, and charges each
 * command of the dehydrated stream to the entity whose hydrated bytes it
 * produces, at `prio_symbol` (these are sub-ranges of the stream's own symbol,
 * so the more specific claim wins). */
void az_nativeaot_claims(az_analysis *a, az_rangemap *vm, az_rangemap *file, uint8_t prio_symbol,
                         uint8_t prio_known);

/* Name of a module-header section id ("frozen objects", "reflection metadata"...). */
const char *az_rtr_section_name(int32_t id);

#endif
