/* Diff of two analyses (binaries or snapshots): rows per bucket, assembly
 * (owner), namespace, type, member and generic definition with old and new
 * sizes, each marked added, removed, grown, shrunk, moved or padding.
 *
 * Members are matched by demangled identity (assembly, namespace, type,
 * member, node kind, overload index), never by address, with two fallbacks:
 *  - overloads: when a method's set of ILC overload suffixes (_0, _1 ...)
 *    differs between the sides, its overloads are paired by size (an added
 *    overload renumbers the others), so renumbering is not removed + added;
 *  - moves: a type found in exactly one assembly on each side, but not the
 *    same one, is the same type moved; its members pair across assemblies.
 * Generic definitions split their change into more instantiations (ones only
 * one side has) and bigger instantiations (ones both sides have). */
#ifndef AZ_DIFF_H
#define AZ_DIFF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "analysis.h"
#include "report.h"
#include "rollup.h"

typedef enum az_diff_level {
    AZ_DIFF_BUCKET,
    AZ_DIFF_ASSEMBLY,   /* assembly for managed code, "[bucket] group" otherwise (as the tree view) */
    AZ_DIFF_NAMESPACE,  /* managed only, per (assembly, namespace) */
    AZ_DIFF_TYPE,       /* managed only */
    AZ_DIFF_MEMBER,     /* every entity: a type's member or node kind, or a native symbol / label */
    AZ_DIFF_GENERIC,    /* generic definitions: "Ns.List`1", generic methods "Ns.Type.Method``1" */
    AZ_DIFF__LEVELS
} az_diff_level;

const char *az_diff_level_name(az_diff_level l); /* "buckets", "assemblies", ... (JSON keys) */

typedef enum az_change {
    AZ_CHANGE_SAME,     /* no byte changed (moved rows may be SAME in size) */
    AZ_CHANGE_ADDED,
    AZ_CHANGE_REMOVED,
    AZ_CHANGE_GROWN,
    AZ_CHANGE_SHRUNK,
    AZ_CHANGE_MOVED,    /* type or member now in another assembly */
    AZ_CHANGE_PADDING,  /* only alignment padding changed */
} az_change;

const char *az_change_name(az_change c); /* "same", "added", ... */

typedef struct az_diff_row {
    az_diff_level level;
    const char *name;       /* what the row is called in text output */
    const char *bucket;
    const char *assembly;   /* managed rows; for moved rows the new one */
    const char *ns, *type;  /* namespace and type rows, members of types */
    const char *member;     /* member rows: method or "[kind]" of managed types; NULL otherwise */
    const char *kind;       /* member rows: node kind, or "label" */
    const char *note;       /* "moved from X", "overload 1 -> 2", "alignment padding", or NULL */
    az_change change;
    uint64_t old_file, new_file, old_vm, new_vm;
    uint64_t old_count, new_count; /* entities; instantiations for generic rows */
    /* Generic rows: delta from instantiations only one side has, and from
     * instantiations both have (more + bigger = new - old). */
    int64_t more_file, more_vm, bigger_file, bigger_vm;
} az_diff_row;

typedef struct az_diff {
    const az_analysis *old, *new_;
    az_diff_row *rows;               /* by level, then by |delta| in the sort domain, then name */
    size_t nrows, cap_rows;
    size_t level_start[AZ_DIFF__LEVELS + 1]; /* rows of level l: [level_start[l], level_start[l + 1]) */
    uint64_t old_file, new_file, old_vm, new_vm; /* totals of the included entities */
    size_t moved_types;              /* types matched across assemblies */
    size_t renumbered;               /* members matched across overload indices */
    az_sort sort;
    az_arena arena;
} az_diff;

typedef struct az_diff_opts {
    const az_filter *filter;  /* entities to include; NULL: all */
    az_sort sort;             /* the domain rows are sorted and judged by */
    bool keep_unchanged;      /* keep rows whose sizes did not change (for budgets) */
} az_diff_opts;

/* Diffs old against new_ (old may be NULL: everything is added).  Rows whose
 * sizes did not change are left out, except moved ones, unless
 * opts->keep_unchanged. */
void az_diff_build(az_diff *d, const az_analysis *old, const az_analysis *new_, const az_diff_opts *opts);
void az_diff_free(az_diff *d);

static inline int64_t az_diff_delta_file(const az_diff_row *r)
{
    return (int64_t)r->new_file - (int64_t)r->old_file;
}

static inline int64_t az_diff_delta_vm(const az_diff_row *r)
{
    return (int64_t)r->new_vm - (int64_t)r->old_vm;
}

/* The generic definition an entity's bytes belong to, named as the generics
 * view names them: a type definition ("System.Collections.Generic.List`1")
 * or, for a generic method's instantiations (also on a generic type), the
 * method definition ("System.Linq.Enumerable.Select`2",
 * "Ns.Box`1.Map`1 (overload 1)"); and the instantiation within it
 * ("List<Int32>", "Algo<Int32, Double>").  False when the entity is not
 * part of a generic instantiation.  Strings are from arena or the entity. */
bool az_generic_family(const az_entity *e, az_arena *arena, const char **family, const char **instance);

/* The diff as text (sections per level, --depth 1-4 = assemblies ..
 * members, --limit rows per level), JSON (schema "aotsize/1"), CSV (one row
 * per diff row) or markdown (a short table for a pull-request comment, the
 * rest in collapsed <details>). */
void az_view_diff(const az_diff *d, const az_view_opts *o);

/* Text for a markdown table cell: HTML special characters and markdown
 * punctuation escaped. */
void az_md_text(FILE *out, const char *s);

/* "+1.2 KiB", "-512 B", "0 B" */
void az_format_delta(char *buf, size_t cap, int64_t delta);
/* "+12.3%", "-0.4%", "new" (old 0) */
void az_format_change_pct(char *buf, size_t cap, uint64_t old, uint64_t new_);

#endif
