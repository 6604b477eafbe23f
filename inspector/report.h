/* Views over the analysis: summary, tree, symbols, sections, each as text,
 * JSON (schema "aotsize/1") or CSV. */
#ifndef AZ_REPORT_H
#define AZ_REPORT_H

#include <stdio.h>

#include "analysis.h"
#include "rollup.h"

typedef enum az_output { AZ_OUT_TEXT, AZ_OUT_JSON, AZ_OUT_CSV, AZ_OUT_MARKDOWN /* diff, check */ } az_output;

typedef struct az_view_opts {
    az_output format;
    size_t limit;        /* rows per level / in total; 0: no limit */
    int depth;           /* tree depth */
    az_filter filter;
    az_sort sort;
    FILE *out;
} az_view_opts;

void az_view_summary(const az_analysis *a, const az_view_opts *o);
void az_view_tree(const az_analysis *a, const az_view_opts *o);
void az_view_symbols(const az_analysis *a, const az_view_opts *o);
void az_view_sections(const az_analysis *a, const az_view_opts *o);

/* "1.21 MiB", "612.3 KiB", "512 B" */
void az_format_size(char *buf, size_t cap, uint64_t bytes);

#endif
