/* ILC's map file (<app>.map.xml, or gzip of it): one element per object
 * node ILC emitted, `<Kind Name="symbol" Length="N" Hash="sha256" />`, and a
 * `<GCInfo .../>` after each method body (nativeaot-format.md §4.2).  The
 * kind is the node class without "Node"; Hash is SHA-256 of the node's
 * bytes before relocation, so equal hashes mean identical code up to the
 * addresses the linker fills in. */
#ifndef AZ_ILCMAP_H
#define AZ_ILCMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "error.h"

typedef struct az_map_node {
    const char *kind;   /* "MethodCode", "ConstructedEEType", "GCInfo", ... */
    const char *name;   /* node name (the symbol), NULL for nameless nodes */
    uint64_t length;
    uint8_t hash[32];
    bool has_hash;
} az_map_node;

typedef struct az_ilcmap {
    az_map_node *nodes;
    size_t nnodes, cap_nodes;
    size_t skipped;     /* lines that looked like nodes but did not parse */
    az_arena arena;
} az_ilcmap;

/* Parses the map text in memory. */
az_status az_ilcmap_parse(const uint8_t *text, uint64_t size, const char *path, az_ilcmap *out, az_error *err);
/* Reads a map file, plain or gzip-compressed (through zlib). */
az_status az_ilcmap_read(const char *path, az_ilcmap *out, az_error *err);
void az_ilcmap_free(az_ilcmap *m);

#endif
