/* One analysed binary: the image, every attributed entity with its sizes,
 * and what we know about the build.  This is the single entry point the CLI,
 * the golden tests and the fuzzers call. */
#ifndef AZ_ANALYSIS_H
#define AZ_ANALYSIS_H

#include <stdbool.h>
#include <stdint.h>

#include "../formats/image.h"
#include "../formats/input.h"
#include "demangle.h"

/* Owner buckets (DESIGN.md).  `managed` holds managed code and data whose
 * assembly cannot be known because the binary has no symbols. */
typedef enum az_bucket {
    AZ_BUCKET_APP,
    AZ_BUCKET_FRAMEWORK,
    AZ_BUCKET_MANAGED,
    AZ_BUCKET_RUNTIME,
    AZ_BUCKET_COMPILER,
    AZ_BUCKET_FORMAT,
    AZ_BUCKET_DEBUG,
    AZ_BUCKET_UNATTRIBUTED,
    AZ_BUCKET__COUNT
} az_bucket;

const char *az_bucket_name(az_bucket b);
bool az_bucket_parse(const char *s, az_bucket *out);

/* Which part of an entity's cost a byte is. */
typedef enum az_facet {
    AZ_FACET_BODY,    /* the code or data itself */
    AZ_FACET_UNWIND,  /* FDE / .eh_frame_hdr entry / RUNTIME_FUNCTION */
    AZ_FACET_LSDA,    /* LSDA and GC info */
    AZ_FACET_RELOC,   /* relocation entries that patch it */
    AZ_FACET_SYMTAB,  /* its symbol-table entry and name */
    AZ_FACET__COUNT
} az_facet;

const char *az_facet_name(az_facet f);

/* An attributed thing: a symbol (after alias folding) or a fallback label. */
typedef struct az_entity {
    const char *raw;          /* raw symbol name, or the label ("[section .rodata]") */
    az_demangled dm;          /* demangled parts; dm.display is the display name */
    az_bucket bucket;
    const char *group;        /* assembly (app/framework), runtime part, compiler-data kind,
                                 or format/debug label */
    const char *section;      /* section name, or NULL */
    uint64_t addr;            /* start of its extent (VM), 0 for labels */
    uint64_t extent;          /* length of its extent in VM (body) */
    uint64_t file[AZ_FACET__COUNT];
    uint64_t vm[AZ_FACET__COUNT];
    bool is_symbol;
    bool sized;               /* extent came from the symbol's own size */
} az_entity;

static inline uint64_t az_entity_file(const az_entity *e)
{
    uint64_t t = 0;
    for (int f = 0; f < AZ_FACET__COUNT; f++)
        t += e->file[f];
    return t;
}

static inline uint64_t az_entity_vm(const az_entity *e)
{
    uint64_t t = 0;
    for (int f = 0; f < AZ_FACET__COUNT; f++)
        t += e->vm[f];
    return t;
}

typedef struct az_options {
    const char *debug_file;    /* --debug-file: use this debug file */
    bool no_debug_file;        /* do not look for a separate debug file */
    const char *debug_root;    /* instead of /usr/lib/debug (tests) */
    const char *pdb;           /* --pdb: the PDB of a PE image (else found beside it) */
    const char *framework_file;/* --framework-list: assembly names, one per line, replace built-in */
    const char **app_assemblies; /* --app-assembly (repeatable): treat as app even if framework-like */
    size_t napp_assemblies;
    az_arch arch;              /* --arch: the slice of a universal Mach-O (AZ_ARCH_UNKNOWN: x64, else arm64) */
} az_options;

typedef enum az_symbols_level { AZ_SYMBOLS_NONE, AZ_SYMBOLS_PARTIAL, AZ_SYMBOLS_FULL } az_symbols_level;

typedef struct az_analysis {
    az_image img;
    az_input debug_input;      /* the separate debug file, when one was used */
    az_names *names;
    az_names *worker_names;    /* a copy for the second demangling thread, or NULL */
    const az_options *opts;    /* during az_analyze only */
    az_arena arena;
    az_arena worker_arena;     /* strings the second thread demangled */

    az_entity *entities;
    size_t nentities, cap_entities;
    size_t nsymbol_entities;   /* entities[0, nsymbol_entities) are symbols, by address */
    size_t *by_addr;           /* symbol entities with a nonzero extent, by start */
    size_t nby_addr;

    size_t *label_slots;       /* hash of fallback labels -> entity */
    size_t cap_label_slots, nlabels;
    az_bucket *section_buckets;/* bucket of each section's unexplained bytes */

    struct az_nativeaot *nat;  /* module header and rebuilt hydrated data */
    struct az_runtimeparts_job *parts_job; /* DWARF being read on a thread */
    struct az_cu_range *cus;   /* compile units of the native runtime, by address */
    size_t ncus;

    bool native_aot;
    const char *dotnet_version; /* "10.0.12" from ILC's .comment, or NULL */
    az_symbols_level symbols;
    const char *snapshot_of;    /* loaded from a snapshot (snapshot.h): the binary it was taken
                                   from; img then has no file bytes (img.data is NULL) */
    struct az_body_fact *body_facts; /* a snapshot's code facts of generic method bodies, one per
                                   entity (generics.h); NULL when not from a snapshot, or from
                                   one written before they were stored */

    /* Where each section's bytes went: [section][bucket]; the extra last row
     * is for bytes outside every section (headers, padding). */
    uint64_t (*section_file)[AZ_BUCKET__COUNT];
    uint64_t (*section_vm)[AZ_BUCKET__COUNT];

    uint64_t file_total;        /* == img.size */
    uint64_t vm_total;          /* mapped size */
} az_analysis;

const char *az_symbols_level_name(az_symbols_level l);

/* Online processors (at least 1). */
int az_cpu_count(void);

/* A fresh name set for this binary (built-in names, options, what the
 * binary tells); NULL when --framework-list cannot be read. */
az_names *az_analysis_names(az_analysis *a);

/* The symbol entity whose extent contains VM address addr, or SIZE_MAX. */
size_t az_entity_at(const az_analysis *a, uint64_t addr);
/* How many entries of a->by_addr start at or below addr. */
size_t az_entities_starting_by(const az_analysis *a, uint64_t addr);

/* Analyses `size` bytes at `data`.  `path` names the input in messages and is
 * where separate debug files are looked for (NULL: no lookup).  The bytes
 * must stay valid until az_analysis_free.  Returns an error only when the
 * input is unusable; *out is then empty and needs no freeing. */
az_status az_analyze(const uint8_t *data, uint64_t size, const char *path, const az_options *opts,
                     az_analysis *out, az_error *err);
void az_analysis_free(az_analysis *a);

#endif
