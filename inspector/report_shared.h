/* Pieces of report.c that the other view files use, so every view starts
 * its JSON, CSV and text the same way. */
#ifndef AZ_REPORT_SHARED_H
#define AZ_REPORT_SHARED_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "analysis.h"

/* {"schema": "aotsize/1", "input": {...}} */
json_t *az_report_document(const az_analysis *a);
json_t *az_report_warnings(const az_analysis *a);
/* Prints root (indented, ASCII) and a newline, and frees it. */
void az_report_emit(json_t *root, FILE *out);
/* One CSV field, quoted when needed, then ',' or '\n'. */
void az_csv_field(FILE *out, const char *s, bool last);
/* The first lines of every text view: file, format, symbols, notes. */
void az_text_header(const az_analysis *a, FILE *out);
/* " 12.3%": part of total, one decimal. */
void az_format_pct(char *buf, size_t cap, uint64_t part, uint64_t total);

#endif
