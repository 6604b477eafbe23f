/* Classification: which bucket and group (assembly, runtime part, data kind)
 * a symbol or a fallback label belongs to. */
#ifndef AZ_CLASSIFY_H
#define AZ_CLASSIFY_H

#include "analysis.h"

/* Native runtime part of a C/C++ symbol, from its (raw and demangled) name:
 * "GC", "runtime core", "unwinder", "PAL", "System.Native", ...  Used when no
 * DWARF compile unit says where the code came from. */
const char *az_runtime_part_from_name(const char *raw, const char *demangled);

/* Runtime part from a compile unit's source path (DWARF DW_AT_name), or NULL
 * when the path is not part of the .NET runtime sources. */
const char *az_runtime_part_from_source(const char *path);

/* Fills bucket and group of a symbol entity whose dm is already set.
 * `sec` is the section the symbol lies in. */
void az_classify_symbol(az_analysis *a, az_entity *e, const az_section *sec);

/* Bucket of the unexplained bytes of a section (its fallback label). */
az_bucket az_section_bucket(const az_analysis *a, const az_section *sec);

/* Is `sec` one of the sections ILC emits managed code into? */
bool az_is_managed_code_section(const az_section *sec);

/* Group label for compiler-generated data of a given kind ("frozen strings",
 * "module metadata", ...). */
const char *az_compiler_group(const az_entity *e);

#endif
