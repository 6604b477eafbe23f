#include "cli_generics.h"

#include <stdio.h>
#include <string.h>

#include "../formats/ilcmap.h"
#include "../formats/input.h"
#include "../formats/mstat.h"
#include "generics.h"
#include "report_generics.h"
#include "report_mstat.h"

enum { EXIT_USAGE = 2 };

static const char generics_help[] =
    "usage: aotsize generics APP [DEFINITION] [--by-arg] [--mstat FILE] [--map FILE] [--no-fold]\n"
    "\n"
    "What each generic costs, which value types cause it, and what identical-body\n"
    "folding would save.  Every method body, unboxing stub, MethodTable, generic\n"
    "dictionary, static base and fat pointer of an instantiation (with its unwind,\n"
    "GC/EH info, relocation and symbol bytes) is charged to its generic definition: a\n"
    "type ('System.Collections.Generic.Dictionary`2') or a generic method\n"
    "('System.Linq.Enumerable.Select`2'); a generic method of a generic type belongs\n"
    "to the method's definition.\n"
    "\n"
    "Views:\n"
    "  aotsize generics APP               definitions by total bytes\n"
    "  aotsize generics APP DEFINITION    every instantiation of one definition, by\n"
    "                                     kind (code, MethodTables, dictionaries,\n"
    "                                     statics, other), its groups of identical\n"
    "                                     bodies and its near-identical bodies\n"
    "  aotsize generics --by-arg APP      value types by the bytes of the struct\n"
    "                                     specializations they are arguments of\n"
    "DEFINITION is a name as listed, or without its namespace when that is unique;\n"
    "'Name, Assembly' picks one of the same name in several assemblies.\n"
    "Text, JSON (-f json) and CSV (-f csv).\n"
    "\n"
    "Columns:\n"
    "  INSTS        instantiations (distinct argument lists) in the binary\n"
    "  STRUCT       of them, struct specializations: a value-type argument, own code\n"
    "  CANON CODE   code of the others: the shared __Canon copy (reference-type\n"
    "               instantiations use it and have only MethodTables and dictionaries)\n"
    "  STRUCT CODE  code of the struct specializations\n"
    "  BLOAT        see below\n"
    "  FOLDABLE     code identical-body folding would remove: per definition, method\n"
    "               bodies equal after masking what the linker fills in (x86-64:\n"
    "               RIP-relative displacements, call and jump targets outside the\n"
    "               body, 64-bit immediates; arm64: ADRP/ADD/LDR page offsets, ADR,\n"
    "               branches and literal loads leaving the body), all copies of each\n"
    "               group but one.  '-': fewer than two instantiations.  Bodies that\n"
    "               differ only in what they refer to count as identical: this is\n"
    "               what sharing one copy per group would save.  ILC's own\n"
    "               IlcFoldIdenticalMethodBodies differs: it needs equal targets too,\n"
    "               and folds across all methods.\n"
    "  --by-arg: SHARE splits each struct specialization's bytes evenly between the\n"
    "  distinct value types anywhere in its arguments: top-level ones, and those\n"
    "  nested in generic types and arrays, the enclosing generic value type counting\n"
    "  as one too (Dictionary<Int32, KeyValuePair<MyKey, Money[]>>: Int32,\n"
    "  KeyValuePair<MyKey, Money[]>, MyKey and Money, a quarter each); the shares add\n"
    "  up to all their bytes.  ALL charges each of them fully.  Nested types are judged\n"
    "  value types from names, even with --mstat.  [app]: defined outside the .NET\n"
    "  runtime pack.\n"
    "\n";

void az_cli_generics_help(FILE *out)
{
    fputs(generics_help, out);
    fputs(az_generics_bloat_doc, out);
    fputs("\n\n"
          "Exactness: from the binary alone, names and instantiation lists are the\n"
          "binary's symbols (ILC's own node names, so every instantiation the binary holds\n"
          "is listed); whether an argument is a value type is judged from names.  With\n"
          "--mstat (ILC's .mstat, formats 2.x) arguments, value types and assemblies come\n"
          "from its metadata and the report says 'names: exact'.  --map (ILC's map.xml)\n"
          "checks folding against ILC's node hashes.  For a binary without symbols, the\n"
          "side files name the instantiations and give their sizes (ILC's node sizes, not\n"
          "file bytes; bloat and folding then need the symbols).  Format 1.x .mstat files\n"
          "(.NET 7) carry no node names: 'aotsize mstat' reads them, --mstat cannot join\n"
          "them with a binary.\n"
          "\n"
          "APP may be a snapshot (aotsize snapshot): it keeps each generic method body's\n"
          "code size and normalized-code hash, so the figures, folding included, equal\n"
          "the binary's; a snapshot from before they were kept cannot fold.\n"
          "\n"
          "aotsize mstat FILE.mstat prints an .mstat on its own (formats 1.x, 2.0, 2.1,\n"
          "2.2): assembly -> namespace -> type -> member with sizes, the generic\n"
          "definitions with their instantiations, and the other node kinds.\n",
          out);
}

int az_cli_generics(const az_analysis *a, const az_generics_args *ga, const az_view_opts *view)
{
    az_error err = { 0 };
    az_input mstat_in = { 0 };
    az_mstat mstat;
    az_ilcmap map;
    bool have_mstat = false, have_map = false;
    int rc = 0;
    if (ga->mstat) {
        if (az_input_open(ga->mstat, &mstat_in, &err) != AZ_OK ||
            az_mstat_read(mstat_in.data, mstat_in.size, ga->mstat, &mstat, &err) != AZ_OK) {
            fprintf(stderr, "aotsize: %s\n", err.msg);
            az_input_close(&mstat_in);
            return EXIT_USAGE;
        }
        have_mstat = true;
        for (size_t i = 0; i < mstat.nwarnings; i++)
            fprintf(stderr, "aotsize: warning: %s: %s\n", ga->mstat, mstat.warnings[i]);
    }
    if (ga->map) {
        if (az_ilcmap_read(ga->map, &map, &err) != AZ_OK) {
            fprintf(stderr, "aotsize: %s\n", err.msg);
            rc = EXIT_USAGE;
            goto done;
        }
        have_map = true;
    }

    az_generics_opts opts = { have_mstat ? &mstat : NULL, have_map ? &map : NULL, ga->mstat, ga->map, ga->no_fold };
    az_generics g;
    az_generics_build(a, &opts, &g);
    if (ga->definition) {
        size_t d = az_generics_find(&g, ga->definition);
        if (d == SIZE_MAX) {
            /* names containing it, as a hint (several: an ambiguous short name) */
            char hint[512] = "";
            size_t nhint = 0, used = 0;
            for (size_t i = 0; i < g.ndefs; i++) {
                if (!strstr(g.defs[i].display, ga->definition))
                    continue;
                /* assembly-qualified, so that each suggestion names one definition */
                if (nhint++ < 4 && used < sizeof hint)
                    used += (size_t)snprintf(hint + used, sizeof hint - used, "%s'%s, %s'", nhint > 1 ? "; " : "",
                                             g.defs[i].display, g.defs[i].assembly ? g.defs[i].assembly : "?");
            }
            /* the name itself fits several (same name in two assemblies)? */
            size_t same = 0, n = strlen(ga->definition);
            for (size_t i = 0; i < g.ndefs; i++) {
                const char *disp = g.defs[i].display;
                size_t dl = strlen(disp);
                same += strcmp(disp, ga->definition) == 0 ||
                        (dl > n && disp[dl - n - 1] == '.' && strcmp(disp + dl - n, ga->definition) == 0);
            }
            if (same > 1)
                fprintf(stderr, "aotsize: '%s' names %zu generic definitions in %s: %s%s\n", ga->definition, same,
                        a->img.path, hint, nhint > 4 ? "; ..." : "");
            else if (nhint)
                fprintf(stderr, "aotsize: no generic definition '%s' in %s; did you mean %s%s?\n", ga->definition,
                        a->img.path, hint, nhint > 4 ? "; ..." : "");
            else
                fprintf(stderr, "aotsize: no generic definition '%s' in %s (names look like "
                                "'System.Collections.Generic.Dictionary`2'; 'aotsize generics' lists them)\n",
                        ga->definition, a->img.path);
            rc = EXIT_USAGE;
        } else {
            az_view_generics_def(a, &g, d, view);
        }
    } else if (ga->by_arg) {
        az_view_generics_args(a, &g, view);
    } else {
        az_view_generics(a, &g, view);
    }
    az_generics_free(&g);
done:
    if (have_map)
        az_ilcmap_free(&map);
    if (have_mstat)
        az_mstat_free(&mstat);
    az_input_close(&mstat_in);
    return rc;
}

int az_cli_mstat(const char *path, const az_view_opts *view)
{
    az_error err = { 0 };
    az_input in;
    az_mstat m;
    if (az_input_open(path, &in, &err) != AZ_OK || az_mstat_read(in.data, in.size, path, &m, &err) != AZ_OK) {
        fprintf(stderr, "aotsize: %s\n", err.msg);
        az_input_close(&in);
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < m.nwarnings; i++)
        fprintf(stderr, "aotsize: warning: %s: %s\n", path, m.warnings[i]);
    az_view_mstat(&m, path, view);
    az_mstat_free(&m);
    az_input_close(&in);
    return 0;
}
