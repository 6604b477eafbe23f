/* The commands that compare and keep sizes over time: snapshot, diff and
 * check.  Each opens its inputs (binaries or snapshots, told apart by
 * content), prints their warnings, runs, and returns the exit status. */
#ifndef AZ_COMPARE_H
#define AZ_COMPARE_H

#include <stdbool.h>

#include "analysis.h"
#include "report.h"

typedef struct az_compare_opts {
    const char *output;     /* snapshot: -o FILE ("-" or NULL: standard output) */
    const char *budget;     /* check: --budget FILE */
    const char *baseline;   /* check: --baseline SNAPSHOT-or-BINARY */
    bool strict;            /* exit 3 when warnings were raised (and nothing else failed) */
} az_compare_opts;

int az_cmd_snapshot(const char *path, const az_options *opts, const az_compare_opts *c);
int az_cmd_diff(const char *old_path, const char *new_path, const az_options *opts, const az_view_opts *view,
                const az_compare_opts *c);
int az_cmd_check(const char *path, const az_options *opts, const az_view_opts *view, const az_compare_opts *c);

#endif
