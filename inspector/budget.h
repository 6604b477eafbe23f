/* Size budgets for CI (`aotsize check`): limits on the total, buckets,
 * assemblies, namespaces and generic definitions, as absolute sizes and/or
 * growth over a baseline, read from a JSON file (format: az_budget_doc,
 * README "Budgets").  Checking measures the app with the same rows as the
 * diff, so a budget name is what the diff and summary show. */
#ifndef AZ_BUDGET_H
#define AZ_BUDGET_H

#include <stdbool.h>
#include <stdint.h>

#include "diff.h"
#include "report.h"

#define AZ_BUDGET_SCHEMA "aotsize-budget/1"

typedef enum az_scope {
    AZ_SCOPE_TOTAL, AZ_SCOPE_BUCKET, AZ_SCOPE_ASSEMBLY, AZ_SCOPE_NAMESPACE, AZ_SCOPE_GENERIC, AZ_SCOPE__COUNT
} az_scope;

typedef enum az_metric {
    AZ_METRIC_FILE_SIZE,          /* max_file_size: bytes */
    AZ_METRIC_VM_SIZE,            /* max_vm_size */
    AZ_METRIC_FILE_GROWTH,        /* max_file_growth: bytes over the baseline */
    AZ_METRIC_VM_GROWTH,          /* max_vm_growth */
    AZ_METRIC_FILE_GROWTH_PCT,    /* max_file_growth_percent: percent of the baseline */
    AZ_METRIC_VM_GROWTH_PCT,      /* max_vm_growth_percent */
    AZ_METRIC__COUNT
} az_metric;

typedef struct az_limit {
    az_scope scope;
    const char *name;   /* bucket / assembly / namespace / generic definition; "TOTAL" for the total */
    az_metric metric;
    uint64_t bytes;     /* size and growth limits */
    double percent;     /* percent limits */
} az_limit;

typedef struct az_budget {
    const char *path;
    az_limit *limits;   /* in file order: scopes in the order above, names and metrics as written */
    size_t nlimits, cap_limits;
    az_arena arena;
} az_budget;

/* Reads and validates a budget file: unknown keys, wrong types and bad sizes
 * are an AZ_ERR_USAGE error naming the file and the key. */
az_status az_budget_load(const char *path, az_budget *out, az_error *err);
void az_budget_free(az_budget *b);

typedef enum az_verdict { AZ_VERDICT_OK, AZ_VERDICT_OVER, AZ_VERDICT_SKIPPED } az_verdict;

typedef struct az_limit_result {
    const az_limit *limit;
    az_verdict verdict;
    bool found;                    /* the name exists in the app or the baseline */
    uint64_t old_size, new_size;   /* in the limit's domain (file or VM); old_size 0 without baseline */
    /* Actual value and margin (limit - actual; negative when over): bytes
     * for size and growth limits, percent for percent limits. */
    int64_t actual_bytes, margin_bytes;
    double actual_percent, margin_percent;
    bool infinite;                 /* percent growth from nothing */
} az_limit_result;

typedef struct az_check {
    const az_budget *budget;
    const az_analysis *app, *baseline;   /* baseline may be NULL */
    az_limit_result *results;
    size_t nresults;
    size_t nover, nskipped;
} az_check;

/* Evaluates every limit.  d must be built with az_diff_build(baseline or
 * NULL, app, NULL, ...) and opts.keep_unchanged set. */
void az_budget_check(const az_budget *b, const az_diff *d, const az_analysis *app, const az_analysis *baseline,
                     az_check *out);
void az_check_free(az_check *c);

/* Every limit with its actual value and margin: text, JSON, CSV or markdown. */
void az_view_check(const az_check *c, const az_view_opts *o);

/* The budget format, for `aotsize help budget`. */
extern const char az_budget_doc[];

#endif
