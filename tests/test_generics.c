/* Ground truth for the generics analysis, from ILC's own side files.
 *
 * 1. Instantiation counts: ILC's .mstat lists every MethodTable and every
 *    compiled method body, each as a metadata reference whose signature
 *    names the generic definition and its type arguments exactly.  For each
 *    generic definition the .mstat knows, the instantiations counted are the
 *    distinct TypeSpecs (a generic type instantiation, with a MethodTable or
 *    a method body of a non-generic method) and MethodSpecs (a generic method
 *    instantiation with a body) with a record.  aotsize, from the binary
 *    alone (no side files), must put all records of one definition in one
 *    definition of its own, and count as many instantiations that have a
 *    MethodTable or a compiled method body, with the records landing in
 *    exactly those.  Unboxing thunks are left out on both sides: the .mstat
 *    files them under a synthetic "Boxed_<T>" type of ILC's own, aotsize
 *    under the value type's definition.
 * 2. Folding: ILC's map Hash is SHA-256 of a node's bytes before
 *    relocation; method bodies with equal hashes must get equal normalized
 *    hashes, and (on the samples) bodies with equal normalized hashes have
 *    equal map hashes.
 * 3. With --mstat, arguments' value-type flags come from the signatures, and
 *    every record's instantiation is known to the merged analysis; the
 *    binary alone, judging value types from names, classifies at least
 *    99.5% of the instantiations the same way.
 * 4. --by-arg: every value type's ALL and SHARE equal a recount by string
 *    search for its mangled name in the instantiations' keys (any depth;
 *    on the generics samples exactly, elsewhere nested types of value
 *    types can fool the search).
 * 5. Optionally, a list of instantiations the sample was written to create
 *    ("definition<TAB>instantiation" per line) must all be present, and a
 *    hand-checked instantiation with nested value types is charged to them.
 *
 * usage: test_generics BINARY MSTAT MAP [EXPECTED] */
#include <stdlib.h>
#include <string.h>

#include "../formats/ilcmap.h"
#include "../formats/input.h"
#include "../formats/mstat.h"
#include "../inspector/analysis.h"
#include "../inspector/generics.h"
#include "entity_index.h"
#include "test.h"


/* One .mstat record of a generic instantiation, reduced to keys. */
typedef struct rec {
    uint64_t def;   /* the definition: TypeRef row, or (owner row, name, signature) */
    uint64_t inst;  /* TypeSpec row (type instantiations) or MethodSpec row | 1<<63 */
    size_t binst;   /* aotsize's instantiation of the record's symbol, or SIZE_MAX */
    const char *name;
} rec;

static int cmp_recs(const void *x, const void *y)
{
    const rec *p = x, *q = y;
    if (p->def != q->def)
        return p->def < q->def ? -1 : 1;
    if (p->inst != q->inst)
        return p->inst < q->inst ? -1 : 1;
    return p->binst < q->binst ? -1 : p->binst > q->binst;
}

static int cmp_size(const void *x, const void *y)
{
    size_t p = *(const size_t *)x, q = *(const size_t *)y;
    return p < q ? -1 : p > q;
}

static size_t distinct(size_t *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_size);
    size_t d = 0;
    for (size_t i = 0; i < n; i++)
        d += i == 0 || v[i] != v[i - 1];
    return d;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static uint64_t def_key(const az_mstat_generic *gi)
{
    if (!gi->method)
        return gi->def_typeref;
    return (uint64_t)gi->def_typeref << 40 ^ (uint64_t)gi->def_name << 20 ^ gi->def_sig ^ 1ull << 62;
}

/* Does mangled type m occur in instantiation key k as a whole argument (at
 * any depth): after '<', "__" or ',', and before '>', "__" or ','? */
static bool has_token(const char *k, const char *m)
{
    size_t n = strlen(m);
    for (const char *p = strstr(k, m); p; p = strstr(p + 1, m)) {
        bool before = p > k && (p[-1] == '<' || p[-1] == ',' || (p - k >= 2 && p[-1] == '_' && p[-2] == '_'));
        const char *q = p + n;
        bool after = *q == '>' || *q == ',' || (q[0] == '_' && q[1] == '_');
        if (before && after)
            return true;
    }
    return false;
}

/* --by-arg, recomputed by string search instead of parsing: a value type's
 * ALL is the bytes of every struct specialization whose key spells it
 * anywhere; SHARE is each such instantiation's bytes over the number of
 * value types its key spells (up to the remainder byte the split hands out).
 * The shares add up to all charged bytes exactly. */
static void check_by_arg(const az_generics *g, const char *what, bool exact)
{
    size_t nv_max = 0, bad_all = 0, bad_share = 0;
    uint64_t charged = 0, shares = 0;
    uint64_t *all = calloc(g->nargs + 1, sizeof *all), *share = calloc(g->nargs + 1, sizeof *share);
    uint32_t *insts = calloc(g->nargs + 1, sizeof *insts);
    for (size_t i = 0; i < g->ninsts; i++) {
        const az_ginst *in = &g->insts[i];
        if (in->form != AZ_GFORM_SPECIALIZED)
            continue;
        size_t nv = 0;
        for (size_t r = 0; r < g->nargs; r++)
            nv += has_token(in->key, g->args[r].mangled);
        if (!nv)
            continue;
        nv_max = nv > nv_max ? nv : nv_max;
        charged += in->file_total;
        for (size_t r = 0; r < g->nargs; r++)
            if (has_token(in->key, g->args[r].mangled)) {
                all[r] += in->file_total;
                share[r] += in->file_total / nv;
                insts[r]++;
            }
    }
    for (size_t r = 0; r < g->nargs; r++) {
        const az_garg *x = &g->args[r];
        shares += x->file_share;
        if (x->file_all != all[r] || x->insts != insts[r]) {
            if (bad_all++ < 3)
                fprintf(stderr, "  %s: by-arg %s: all %llu in %u, by string search %llu in %u\n", what, x->mangled,
                        (unsigned long long)x->file_all, x->insts, (unsigned long long)all[r], insts[r]);
        }
        if (x->file_share < share[r] || x->file_share > share[r] + insts[r])
            bad_share++;
    }
    fprintf(stderr, "%s: by-arg: %zu value types, up to %zu per instantiation; %zu ALL and %zu SHARE differ from "
                    "string search\n", what, g->nargs, nv_max, bad_all, bad_share);
    /* A nested type of a value type is mangled "Outer__Inner" (an async
     * state machine: "PipeReadBufferState__ReadAsync_d__9"), which a string
     * search cannot tell from two arguments: outside the generics samples,
     * such rows may differ (webapi: 2 of 983). */
    if (exact) {
        CHECK_U64(bad_all, 0);
        CHECK_U64(bad_share, 0);
    } else {
        CHECK(bad_all * 100 <= g->nargs);
        CHECK(bad_share * 100 <= g->nargs);
    }
    CHECK_U64(shares, charged);
    free(all);
    free(share);
    free(insts);
}

/* A hand-checked case in the generics sample: List<(MyKey, LargeStruct,
 * Color?)> (Program.cs) is a struct specialization charged to the tuple, to
 * the two structs in it, to Nullable<Color> and to Color: five value types,
 * a fifth of its bytes each.  Its three method bodies (AddWithResize,
 * set_Capacity, .ctor) are ILC's MethodCode nodes: on linux-x64 .NET 10
 * their map.xml lengths are 137 + 127 + 12 = 276 bytes, the symbols' sizes. */
static void check_nested_case(const az_analysis *a, const az_generics *g, const az_ilcmap *map)
{
    static const char *const vt3 = "S_P_CoreLib_System_ValueTuple_3<GenericsApp_Generics_App_MyKey__GenericsApp_"
                                   "Generics_App_LargeStruct__S_P_CoreLib_System_Nullable_1<GenericsApp_Generics_"
                                   "App_Color>>";
    static const char *const expect[] = {
        "S_P_CoreLib_System_ValueTuple_3<GenericsApp_Generics_App_MyKey__GenericsApp_Generics_App_LargeStruct__"
        "S_P_CoreLib_System_Nullable_1<GenericsApp_Generics_App_Color>>",
        "GenericsApp_Generics_App_MyKey", "GenericsApp_Generics_App_LargeStruct",
        "S_P_CoreLib_System_Nullable_1<GenericsApp_Generics_App_Color>", "GenericsApp_Generics_App_Color",
    };
    char key[600];
    snprintf(key, sizeof key, "<%s>", vt3);
    size_t d = az_generics_find(g, "System.Collections.Generic.List`1");
    CHECK(d != SIZE_MAX);
    if (d == SIZE_MAX)
        return;
    const az_ginst *in = NULL;
    for (size_t k = 0; k < g->defs[d].ninsts; k++)
        if (strcmp(g->insts[g->defs[d].first_inst + k].key, key) == 0)
            in = &g->insts[g->defs[d].first_inst + k];
    CHECK(in != NULL);
    if (!in)
        return;
    CHECK(in->form == AZ_GFORM_SPECIALIZED);
    /* its value types: exactly the five above */
    size_t found = 0, others = 0;
    for (size_t r = 0; r < g->nargs; r++) {
        bool listed = false;
        for (size_t k = 0; k < 5; k++)
            listed |= strcmp(g->args[r].mangled, expect[k]) == 0;
        found += listed;
        others += !listed && has_token(in->key, g->args[r].mangled);
    }
    CHECK_U64(found, 5);
    CHECK_U64(others, 0);
    /* its method bodies against the map's node lengths */
    char prefix[700];
    snprintf(prefix, sizeof prefix, "S_P_CoreLib_System_Collections_Generic_List_1<%s>__", vt3);
    uint64_t map_code = 0, body = 0;
    size_t nodes = 0;
    for (size_t i = 0; i < map->nnodes; i++)
        if (map->nodes[i].name && strcmp(map->nodes[i].kind, "MethodCode") == 0 &&
            strncmp(map->nodes[i].name, prefix, strlen(prefix)) == 0) {
            map_code += map->nodes[i].length;
            nodes++;
        }
    for (size_t i = 0; i < a->nsymbol_entities; i++) {
        const az_entity *e = &a->entities[i];
        if (e->dm.kind == AZ_KIND_METHOD && strncmp(e->raw, prefix, strlen(prefix)) == 0)
            body += e->vm[AZ_FACET_BODY];
    }
    fprintf(stderr, "  List<(MyKey, LargeStruct, Color?)>: %zu map MethodCode nodes, %llu bytes; bodies %llu; "
                    "instantiation %llu bytes, %llu per value type\n", nodes, (unsigned long long)map_code,
            (unsigned long long)body, (unsigned long long)in->file_total, (unsigned long long)in->file_total / 5);
    CHECK(nodes >= 3); /* .NET 8 and 9 compile more of List's methods */
    CHECK(map_code > 0);
    CHECK_U64(body, map_code);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: test_generics BINARY MSTAT MAP [EXPECTED]\n");
        return 2;
    }
    az_error err = { 0 };
    az_input in, min;
    az_analysis a;
    az_mstat m;
    az_ilcmap map;
    if (az_input_open(argv[1], &in, &err) || az_analyze(in.data, in.size, argv[1], NULL, &a, &err) ||
        az_input_open(argv[2], &min, &err) || az_mstat_read(min.data, min.size, argv[2], &m, &err) ||
        az_ilcmap_read(argv[3], &map, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    name_index ix;
    index_build(&ix, &a);

    /* ---- 1. counts, from the binary alone ---- */
    az_generics g;
    az_generics_build(&a, NULL, &g);
    /* Instantiations with a node of a kind the .mstat records: a MethodTable
     * (EETypeNode and its subclasses) or a compiled method body (MethodCode).
     * The node kinds come from the map: by name alone, a body cannot be told
     * from the 5-byte "tentative" stub ILC emits for methods of types never
     * constructed. */
    bool *compiled = calloc(g.ninsts + 1, sizeof *compiled);
    for (size_t i = 0; i < map.nnodes; i++) {
        const char *kind = map.nodes[i].kind;
        size_t kl = strlen(kind);
        bool mt = kl >= 6 && strcmp(kind + kl - 6, "EEType") == 0 && strcmp(kind, "GCStaticEEType") != 0;
        if (!map.nodes[i].name || (!mt && strcmp(kind, "MethodCode") != 0))
            continue;
        size_t e = index_find(&ix, map.nodes[i].name);
        size_t k = e == SIZE_MAX ? SIZE_MAX : g.entity_inst[e];
        az_kind ek = e == SIZE_MAX ? AZ_KIND_UNKNOWN : a.entities[e].dm.kind;
        if (k != SIZE_MAX && (ek == AZ_KIND_METHOD || ek == AZ_KIND_METHODTABLE))
            compiled[k] = true;
    }
    az_arena ar;
    az_arena_init(&ar);
    rec *recs = malloc((m.ntypes + m.nmethods + 1) * sizeof *recs);
    size_t nrec = 0, no_symbol = 0, not_grouped = 0;
    for (size_t pass = 0; pass < 2; pass++) {
        const az_mstat_record *list = pass ? m.methods : m.types;
        size_t n = pass ? m.nmethods : m.ntypes;
        for (size_t i = 0; i < n; i++) {
            az_mstat_generic gi;
            /* ILC files unboxing thunks under a synthetic "Boxed_<T>" type of its
             * own; they are not counted on either side (see `compiled`) */
            if (!list[i].name || !az_mstat_generic_of(&m, list[i].token, &ar, &gi) || !gi.generic || gi.boxed)
                continue;
            size_t e = index_find(&ix, list[i].name);
            size_t b = e == SIZE_MAX ? SIZE_MAX : g.entity_inst[e];
            if (e == SIZE_MAX) {
                no_symbol++;
                continue;
            }
            if (b == SIZE_MAX) {
                if (not_grouped++ < 5)
                    fprintf(stderr, "  not grouped: %s\n", list[i].name);
                continue;
            }
            recs[nrec++] = (rec){ def_key(&gi), gi.method ? gi.inst | 1ull << 63 : gi.inst, b, list[i].name };
        }
    }
    qsort(recs, nrec, sizeof *recs, cmp_recs);
    size_t ndefs = 0, count_ok = 0, split_defs = 0;
    size_t *bi = malloc((nrec + 1) * sizeof *bi), *mi = malloc((nrec + 1) * sizeof *mi);
    size_t *bdef_seen = calloc(g.ndefs + 1, sizeof *bdef_seen); /* mstat def index + 1 using it */
    size_t shared_defs = 0;
    for (size_t r = 0; r < nrec;) {
        size_t t = r;
        while (t < nrec && recs[t].def == recs[r].def)
            t++;
        ndefs++;
        size_t bdef = g.insts[recs[r].binst].def;
        bool one_def = true;
        size_t n = 0;
        for (size_t k = r; k < t; k++) {
            one_def &= g.insts[recs[k].binst].def == bdef;
            bi[n] = recs[k].binst;
            mi[n] = (size_t)recs[k].inst;
            n++;
        }
        size_t nb = distinct(bi, n), nm = distinct(mi, n);
        /* the binary's instantiations of that definition with compiled nodes */
        size_t ncompiled = 0;
        const az_gdef *d = &g.defs[bdef];
        for (size_t k = 0; k < d->ninsts; k++)
            ncompiled += compiled[d->first_inst + k];
        if (!one_def) {
            split_defs++;
            fprintf(stderr, "  definition split: %s\n", recs[r].name);
        } else if (nb == nm && nm == ncompiled) {
            count_ok++;
        } else {
            fprintf(stderr, "  %s: mstat %zu instantiations, aotsize %zu (%zu with compiled nodes)\n",
                    g.defs[bdef].display, nm, nb, ncompiled);
        }
        if (bdef_seen[bdef] && bdef_seen[bdef] != r + 1) {
            shared_defs++; /* two .mstat definitions in one of ours */
            if (shared_defs <= 5)
                fprintf(stderr, "  merged into %s: %s and %s\n", g.defs[bdef].display, recs[r].name,
                        recs[bdef_seen[bdef] - 1].name);
        }
        bdef_seen[bdef] = r + 1;
        r = t;
    }
    /* every definition of ours with a compiled instantiation is one the .mstat knows */
    size_t unknown_defs = 0;
    for (size_t di = 0; di < g.ndefs; di++) {
        bool any = false;
        for (size_t k = 0; k < g.defs[di].ninsts; k++)
            any |= compiled[g.defs[di].first_inst + k];
        if (any && !bdef_seen[di]) {
            if (unknown_defs++ < 5)
                fprintf(stderr, "  not in the .mstat: %s\n", g.defs[di].display);
        }
    }
    fprintf(stderr, "%s: %zu generic definitions in the .mstat (%zu records), %zu with equal instantiation "
                    "counts; %zu records without a symbol, %zu not grouped, %zu definitions split, %zu merged, "
                    "%zu extra\n",
            argv[1], ndefs, nrec, count_ok, no_symbol, not_grouped, split_defs, shared_defs, unknown_defs);
    CHECK(ndefs > 0);
    CHECK_U64(count_ok, ndefs);
    CHECK_U64(not_grouped, 0);
    CHECK_U64(split_defs, 0);
    CHECK_U64(shared_defs, 0);
    CHECK_U64(unknown_defs, 0);
    CHECK_U64(no_symbol, 0);

    /* ---- 2. folding against the map's hashes ---- */
    az_generics_opts mo = { .map = &map, .map_path = argv[3] };
    az_generics gm;
    az_generics_build(&a, &mo, &gm);
    fprintf(stderr, "%s: %zu map hash groups among disassembled bodies, %zu split by normalization; "
                    "%zu identical-body groups of ours, %zu with one map hash; "
                    "%zu bodies disassembled, %zu with undecodable bytes\n",
            argv[1], gm.map_fold_groups_checked, gm.map_fold_groups_split, gm.fold_groups_checked,
            gm.fold_groups_confirmed, gm.disassembled, gm.undecoded);
    CHECK(gm.map_fold_groups_checked > 0);
    CHECK_U64(gm.map_fold_groups_split, 0);
    /* and the converse on the samples: every group of ours is one of ILC's
     * (no masked field hid a real difference) */
    CHECK(gm.fold_groups_checked > 0);
    CHECK_U64(gm.fold_groups_confirmed, gm.fold_groups_checked);
    CHECK_U64(gm.foldable, g.foldable); /* the map only checks, it changes nothing */
    az_generics_free(&gm);

    /* ---- 3. merged with the .mstat ---- */
    az_generics_opts so = { .mstat = &m, .mstat_path = argv[2] };
    az_generics gs;
    az_generics_build(&a, &so, &gs);
    size_t with_records = 0, mstat_only = 0;
    for (size_t i = 0; i < gs.ninsts; i++) {
        with_records += gs.insts[i].mstat_methods || gs.insts[i].mstat_types;
        mstat_only += !gs.insts[i].in_binary;
    }
    fprintf(stderr, "%s: with --mstat, %zu instantiations carry .mstat records, %zu only in the .mstat, "
                    "%zu unmatched records\n", argv[1], with_records, mstat_only, gs.mstat_unmatched);
    /* The binary alone judges value-type arguments from names; the .mstat
     * knows.  Count the instantiations whose form (struct specialization or
     * not) the names got wrong. */
    size_t nkeys = g.ninsts, form_differs = 0;
    char **keys = malloc((nkeys + 1) * sizeof *keys);
    for (size_t i = 0; i < g.ninsts; i++)
        keys[i] = az_arena_printf(&ar, "%s|%s|%d", g.defs[g.insts[i].def].key, g.insts[i].key,
                                  g.insts[i].form == AZ_GFORM_SPECIALIZED);
    qsort(keys, nkeys, sizeof *keys, cmp_str);
    for (size_t i = 0; i < gs.ninsts; i++) {
        char *k = az_arena_printf(&ar, "%s|%s|%d", gs.defs[gs.insts[i].def].key, gs.insts[i].key,
                                  gs.insts[i].form == AZ_GFORM_SPECIALIZED);
        if (!bsearch(&k, keys, nkeys, sizeof *keys, cmp_str)) {
            if (form_differs++ < 3)
                fprintf(stderr, "  form from names differs: %s\n", gs.insts[i].display);
        }
    }
    free(keys);
    fprintf(stderr, "%s: %zu of %zu instantiations judged struct specialization or not differently "
                    "from the .mstat\n", argv[1], form_differs, gs.ninsts);
    CHECK(form_differs * 200 <= gs.ninsts); /* names get at least 99.5% right */
    CHECK_U64(mstat_only, 0);
    CHECK_U64(gs.mstat_unmatched, 0);
    CHECK_U64(gs.ninsts, g.ninsts);
    CHECK_U64(gs.file_total, g.file_total);

    /* ---- 4. --by-arg, names alone and with the .mstat ---- */
    check_by_arg(&g, argv[1], argc > 4);
    check_by_arg(&gs, "  with --mstat", argc > 4);

    /* ---- 5. what the sample was written to create ---- */
    if (argc > 4) {
        check_nested_case(&a, &g, &map);
        FILE *f = fopen(argv[4], "r");
        if (!f) {
            fprintf(stderr, "cannot open %s\n", argv[4]);
            return 2;
        }
        char line[4096];
        size_t want = 0, found = 0;
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\r\n")] = 0;
            if (!line[0] || line[0] == '#')
                continue;
            char *tab = strchr(line, '\t');
            if (!tab)
                continue;
            *tab = 0;
            const char *def = line, *inst = tab + 1;
            want++;
            size_t d = az_generics_find(&gs, def);
            bool ok = false;
            for (size_t k = 0; d != SIZE_MAX && k < gs.defs[d].ninsts && !ok; k++)
                ok = strcmp(gs.insts[gs.defs[d].first_inst + k].display, inst) == 0;
            if (ok)
                found++;
            else
                fprintf(stderr, "  missing: %s: %s%s\n", def, inst, d == SIZE_MAX ? " (no such definition)" : "");
        }
        fclose(f);
        fprintf(stderr, "%s: %zu of %zu expected instantiations found\n", argv[1], found, want);
        CHECK(want > 0);
        CHECK_U64(found, want);
    }

    az_generics_free(&gs);
    az_generics_free(&g);
    free(compiled);
    free(recs);
    free(bi);
    free(mi);
    free(bdef_seen);
    index_free(&ix);
    az_arena_free(&ar);
    az_ilcmap_free(&map);
    az_mstat_free(&m);
    az_input_close(&min);
    az_analysis_free(&a);
    az_input_close(&in);
    return test_report("generics");
}
