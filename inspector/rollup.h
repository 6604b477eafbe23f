/* One rollup model for every report: a tree of {label, file, vm} built from
 * the analysis' entities by a list of keys (bucket, group, namespace, ...).
 * Children are sorted by size (descending), then label, so output is stable. */
#ifndef AZ_ROLLUP_H
#define AZ_ROLLUP_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis.h"

typedef enum az_key {
    AZ_KEY_BUCKET,     /* app, framework, runtime, ... */
    AZ_KEY_GROUP,      /* assembly / runtime part / data kind / format label */
    AZ_KEY_OWNER,      /* assembly for managed entities, "[bucket] group" otherwise */
    AZ_KEY_NAMESPACE,
    AZ_KEY_TYPE,
    AZ_KEY_MEMBER,     /* method / node kind label, or the entity's display name */
    AZ_KEY_SECTION,
    AZ_KEY_KIND,
    AZ_KEY_SYMBOL,     /* the entity itself */
} az_key;

typedef struct az_row {
    const char *label;
    uint64_t file, vm;
    size_t parent;
    size_t *children;   /* indices into rollup->rows, sorted */
    size_t nchildren, cap_children;
    size_t entity;      /* for AZ_KEY_SYMBOL leaves: the entity; else SIZE_MAX */
} az_row;

typedef struct az_rollup {
    az_row *rows;       /* rows[0] is the root (TOTAL) */
    size_t nrows, cap_rows;
    size_t *slots;      /* hash of (parent, label) -> row */
    size_t cap_slots;
    az_arena arena;
} az_rollup;

/* Which entities to include. */
typedef struct az_filter {
    const regex_t *regex;   /* on raw or display name; NULL: all */
    int bucket;             /* az_bucket or -1 for all */
} az_filter;

bool az_filter_match(const az_analysis *a, const az_entity *e, const az_filter *f);

typedef enum az_sort { AZ_SORT_FILE, AZ_SORT_VM } az_sort;

void az_rollup_build(az_rollup *r, const az_analysis *a, const az_key *keys, size_t nkeys,
                     const az_filter *filter, az_sort sort);
void az_rollup_free(az_rollup *r);

/* The label an entity has under a key (allocated in r's arena when needed). */
const char *az_key_label(az_rollup *r, const az_analysis *a, const az_entity *e, az_key key);

#endif
