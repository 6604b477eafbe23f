/* Snapshots: an analysis saved as compact, versioned JSON ("aotsize-snapshot/1"),
 * optionally gzip-compressed, so CI can keep a small baseline file instead of
 * the binary.  A snapshot loads back into the same az_analysis model (input
 * facts, sections with their bucket split, every entity with its demangled
 * parts and per-facet sizes, and what the generics view needs of generic
 * method bodies' code bytes), so every view and the diff work on it.
 *
 * Layout (see README "Snapshots"): "input", "totals", "buckets", "sections"
 * and "entities" are tables of {"columns": [...], "rows": [[...], ...]};
 * entity strings are indices into one "strings" array.  Readers find columns
 * by name, so later versions may add columns without breaking old readers. */
#ifndef AZ_SNAPSHOT_H
#define AZ_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "analysis.h"

#define AZ_SNAPSHOT_SCHEMA "aotsize-snapshot/1"

/* Largest snapshot text accepted after gunzip: far above any real binary's
 * snapshot (a 10 MB ASP.NET app gives about 15 MB), low enough that a gzip
 * bomb cannot exhaust memory. */
#define AZ_SNAPSHOT_MAX_TEXT (256u << 20)

/* Does the input look like a snapshot: gzip data, or JSON text starting with
 * '{' whose first key is "schema"?  Decided from content, never the name. */
bool az_snapshot_sniff(const uint8_t *data, uint64_t size);

/* Writes a's snapshot to path (gzip-compressed when path ends in ".gz"),
 * through a temporary file in the same directory renamed into place, so a
 * reader never sees a half-written file. */
az_status az_snapshot_write(const az_analysis *a, const char *path, az_error *err);

/* Writes a's snapshot as plain JSON to out (standard output). */
az_status az_snapshot_write_file(const az_analysis *a, FILE *out);

/* Loads a snapshot into *out (called by az_analyze for snapshot input).  The
 * result owns all its strings; data may be unmapped afterwards.  Malformed
 * snapshots (wrong types, missing keys, bad indices) are an AZ_ERR_CORRUPT
 * error with a one-line message naming the file; inconsistent totals are a
 * warning.  *out is empty after an error. */
az_status az_snapshot_load(const uint8_t *data, uint64_t size, const char *path, az_analysis *out,
                           az_error *err);

#endif
