/* Generic instantiation analysis: which generics cost the most, which type
 * arguments cause it, and what identical-body folding would save.
 *
 * Every entity of a generic instantiation (method bodies, unboxing stubs and
 * thunks, MethodTables, generic dictionaries, statics, fat pointers and the
 * other per-method data, each with the unwind/LSDA/relocation/symbol bytes
 * attribution already charged to it) is grouped by its generic definition:
 * a type definition (System.Collections.Generic.Dictionary`2) or a generic
 * method definition (System.Linq.Enumerable.Select`2).  A generic method
 * instantiation belongs to the method definition, not to its owner type, so
 * every entity is counted in exactly one definition.
 *
 * Keys are the mangled names, which are exact: the definition is the mangled
 * text before the argument list ("S_P_CoreLib_System_Collections_Generic_
 * Dictionary_2"), an instantiation is its mangled argument list(s).
 * ILC's .mstat (--mstat) adds what names cannot tell for certain: whether
 * an argument is a value type, the defining assemblies, and instantiations
 * whose symbols are missing (stripped binary without its debug file). */
#ifndef AZ_GENERICS_H
#define AZ_GENERICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis.h"

struct az_mstat;
struct az_ilcmap;

/* What a byte of an instantiation is. */
typedef enum az_gpart {
    AZ_GPART_CODE,        /* method bodies, unboxing stubs and thunks */
    AZ_GPART_METHODTABLE, /* MethodTables, sealed vtables, writable data */
    AZ_GPART_DICTIONARY,  /* generic dictionaries */
    AZ_GPART_STATICS,     /* GC / non-GC / thread statics */
    AZ_GPART_OTHER,       /* fat pointers, EH info, associated data, static-base helpers */
    AZ_GPART__COUNT
} az_gpart;

const char *az_gpart_name(az_gpart p); /* "code", "methodtable", ... (stable JSON keys) */

/* The kind of an instantiation, from its top-level arguments. */
typedef enum az_gform {
    AZ_GFORM_CANONICAL,   /* shared code: System.__Canon and no value type */
    AZ_GFORM_SPECIALIZED, /* at least one value-type argument: its own code */
    AZ_GFORM_REFERENCE,   /* reference types only (List<String>): MethodTables and
                             dictionaries; its code is the canonical one */
} az_gform;

const char *az_gform_name(az_gform f); /* "canonical", "specialized", "reference" */

typedef struct az_ginst {
    size_t def;               /* index into defs */
    const char *key;          /* mangled argument list(s): "<A__B>", "<A>__<B>" for a method of a generic type */
    const char *display;      /* "System.Collections.Generic.Dictionary<Generics.App.MyKey, Generics.App.MyValue>" */
    az_type_arg *args;        /* the owner type's arguments, then the method's */
    size_t nargs, nowner_args;
    az_gform form;
    uint64_t file[AZ_GPART__COUNT], vm[AZ_GPART__COUNT];
    uint64_t file_total, vm_total;
    uint32_t entities;        /* symbols charged to it */
    uint32_t bodies;          /* method bodies among them */
    uint32_t mstat_methods;   /* method records in the .mstat (with --mstat) */
    uint32_t mstat_types;     /* MethodTable records in the .mstat */
    uint64_t side_bytes;      /* bytes the side files give it: .mstat code + GC info + EH info +
                                 MethodTables; map node lengths (instantiations not in the binary) */
    bool in_binary;           /* has symbols in the binary */
} az_ginst;

/* A method body of an instantiation, with its normalized code hash. */
typedef struct az_gbody {
    size_t inst;
    size_t entity;
    const char *method;       /* "TryInsert", "Resize (overload 0)", "[unboxing stub] Equals" */
    uint64_t addr, size;      /* size: its code, without trailing alignment filler */
    uint64_t hash;            /* of the normalized instructions; 0: not disassembled */
    uint32_t group;           /* identical-body group within its definition (by hash) */
    uint32_t ninsns;
    uint32_t *seq;            /* per-instruction hashes, for similarity */
    uint16_t similarity;      /* per mille, to the largest group of the same method; 1000 for it */
    bool decoded;             /* disassembled without undecodable bytes */
} az_gbody;

typedef struct az_gdef {
    const char *key;          /* mangled definition */
    const char *display;      /* "System.Collections.Generic.Dictionary`2", "System.Linq.Enumerable.Select`2" */
    const char *assembly;     /* of the definition */
    bool is_method;           /* a generic method definition */
    size_t first_inst, ninsts;  /* insts[first_inst, +ninsts), largest first */
    size_t first_body, nbodies; /* bodies[first_body, +nbodies), by method, group */
    size_t nspecialized, ncanonical, nreference;
    uint64_t file_total, vm_total;
    uint64_t file[AZ_GPART__COUNT], vm[AZ_GPART__COUNT];
    uint64_t canonical_code;  /* code of instantiations without a value-type argument */
    uint64_t specialized_code;/* code of struct specializations */
    uint64_t data;            /* everything but code */
    uint64_t bloat;           /* see az_generics_bloat_doc */
    uint64_t foldable;        /* code identical-body folding would remove */
    uint32_t fold_groups;     /* groups of >= 2 identical bodies */
    uint32_t near_identical;  /* bodies >= 90% similar to (not identical with) their method's main group */
    bool folding;             /* bodies were disassembled (>= 2 instantiations) */
} az_gdef;

/* One value type used as a type argument, and what it causes. */
typedef struct az_garg {
    const char *mangled;
    const char *display;
    const char *assembly;
    bool app;                 /* defined outside the .NET runtime pack */
    uint32_t insts;           /* struct specializations it is an argument of */
    uint32_t defs;            /* ... of that many definitions */
    uint64_t file_all, vm_all;     /* all their bytes (charged fully to each of its value-type arguments) */
    uint64_t file_share, vm_share; /* split evenly among their distinct value-type arguments */
} az_garg;

typedef struct az_generics {
    az_gdef *defs;   size_t ndefs, cap_defs;     /* largest first */
    az_ginst *insts; size_t ninsts, cap_insts;   /* grouped by definition */
    az_gbody *bodies; size_t nbodies, cap_bodies;
    az_garg *args;   size_t nargs, cap_args;     /* largest share first */
    size_t *entity_inst;      /* per symbol entity of the analysis: its instantiation, or SIZE_MAX */
    size_t nentity_inst;
    az_arena arena;

    uint64_t file_total, vm_total;    /* all generic bytes */
    uint64_t specialized_file, bloat, foldable;
    size_t disassembled, undecoded;   /* bodies disassembled; with undecodable bytes */
    bool have_symbols;                /* managed symbol names were available */
    const char *mstat_path;           /* side files used, or NULL */
    const char *map_path;
    const char *side_sizes;           /* no symbols: sizes are this side file's node sizes, or NULL */
    uint32_t mstat_version_major, mstat_version_minor;
    size_t side_only;                 /* instantiations only the side files know (no symbols) */
    size_t mstat_unmatched;           /* .mstat records of instantiations whose names did not parse */
    size_t map_fold_groups_checked;   /* --map: hash groups compared with ours */
    size_t map_fold_groups_split;     /* ... that our normalization split (should be 0) */
    size_t fold_groups_checked;       /* --map: our identical-body groups with map hashes */
    size_t fold_groups_confirmed;     /* ... whose bodies all have one map hash */
    const char **notes;  size_t nnotes, cap_notes;
} az_generics;

typedef struct az_generics_opts {
    const struct az_mstat *mstat;     /* optional ILC side files */
    const struct az_ilcmap *map;
    const char *mstat_path, *map_path;
    bool no_folding;                  /* skip disassembly */
} az_generics_opts;

/* What bloat and folding need of a generic method body's code bytes, kept
 * in a snapshot (which has no code bytes) so that generics from a snapshot
 * equal generics from its binary. */
typedef struct az_body_fact {
    uint64_t size;        /* az_gbody.size: its code without trailing alignment filler;
                             0: not a method body of an instantiation */
    uint64_t hash;        /* az_gbody.hash; 0: not disassembled */
    uint16_t similarity;  /* az_gbody.similarity */
    bool undecoded;       /* disassembled with undecodable bytes */
} az_body_fact;

/* Builds the analysis.  Never fails; what could not be done is in notes.
 * For an analysis loaded from a snapshot, a->body_facts stand in for the
 * code bytes. */
void az_generics_build(const az_analysis *a, const az_generics_opts *opts, az_generics *out);
void az_generics_free(az_generics *g);

/* The body facts of a's generic instantiations (folding included), one per
 * entity of a, zero for other entities (malloc'ed); NULL when there are
 * none. */
az_body_fact *az_generics_body_facts(const az_analysis *a);

/* The definition `name` designates: its mangled key; "Display, Assembly";
 * or its display name, with or without the namespace, when that is unique.
 * SIZE_MAX when none (or several). */
size_t az_generics_find(const az_generics *g, const char *name);

/* The bloat formula, one paragraph, for --help and the README. */
extern const char az_generics_bloat_doc[];

#endif
