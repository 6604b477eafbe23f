/* The generics views: definitions by size, value-type arguments by what they
 * cause (--by-arg), and one definition in detail; as text, JSON and CSV. */
#include "report_generics.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "report_shared.h"

static json_t *jint(uint64_t v)
{
    return json_integer((json_int_t)v);
}

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

static const char *sz(char *buf, size_t cap, uint64_t v)
{
    az_format_size(buf, cap, v);
    return buf;
}

static uint64_t pick(const az_view_opts *o, uint64_t file, uint64_t vm)
{
    return o->sort == AZ_SORT_VM ? vm : file;
}

/* Names, arguments and instantiation lists are exact when a 2.x .mstat
 * (whose records carry node names) was joined with them. */
static bool names_exact(const az_generics *g)
{
    return g->mstat_path && g->mstat_version_major >= 2;
}

/* "symbols", "symbols+mstat", "mstat", "map", "mstat+map" or "none". */
static const char *names_source(const az_generics *g)
{
    bool m = names_exact(g);
    if (g->have_symbols)
        return m ? "symbols+mstat" : "symbols";
    if (m && g->map_path)
        return "mstat+map";
    return m ? "mstat" : g->map_path ? "map" : "none";
}

/* What the analysis rests on: names from symbols and side files. */
static json_t *sources_json(const az_generics *g)
{
    json_t *s = json_object();
    json_object_set_new(s, "symbols", json_boolean(g->have_symbols));
    json_object_set_new(s, "mstat", jstr(g->mstat_path));
    if (g->mstat_path)
        json_object_set_new(s, "mstat_version",
                            json_sprintf("%" PRIu32 ".%" PRIu32, g->mstat_version_major, g->mstat_version_minor));
    json_object_set_new(s, "map", jstr(g->map_path));
    json_object_set_new(s, "names", json_string(names_source(g)));
    json_object_set_new(s, "exact", json_boolean(names_exact(g)));
    json_object_set_new(s, "sizes", json_string(!g->side_sizes ? "file" : g->side_sizes == g->map_path ? "map" : "mstat"));
    json_object_set_new(s, "bodies_disassembled", jint(g->disassembled));
    json_object_set_new(s, "bodies_with_undecodable_bytes", jint(g->undecoded));
    if (g->map_path) {
        json_object_set_new(s, "map_hash_groups_checked", jint(g->map_fold_groups_checked));
        json_object_set_new(s, "map_hash_groups_split", jint(g->map_fold_groups_split));
        json_object_set_new(s, "fold_groups_checked", jint(g->fold_groups_checked));
        json_object_set_new(s, "fold_groups_confirmed", jint(g->fold_groups_confirmed));
    }
    json_t *notes = json_array();
    for (size_t i = 0; i < g->nnotes; i++)
        json_array_append_new(notes, json_string(g->notes[i]));
    json_object_set_new(s, "notes", notes);
    return s;
}

static json_t *parts_json(const uint64_t *file, const uint64_t *vm)
{
    json_t *o = json_object();
    for (int p = 0; p < AZ_GPART__COUNT; p++) {
        json_t *x = json_object();
        json_object_set_new(x, "file_size", jint(file[p]));
        json_object_set_new(x, "vm_size", jint(vm[p]));
        json_object_set_new(o, az_gpart_name((az_gpart)p), x);
    }
    return o;
}

static json_t *def_json(const az_gdef *d)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(d->display));
    json_object_set_new(o, "key", json_string(d->key));
    json_object_set_new(o, "kind", json_string(d->is_method ? "method" : "type"));
    json_object_set_new(o, "assembly", jstr(d->assembly));
    json_object_set_new(o, "instantiations", jint(d->ninsts));
    json_object_set_new(o, "specialized", jint(d->nspecialized));
    json_object_set_new(o, "canonical", jint(d->ncanonical));
    json_object_set_new(o, "reference", jint(d->nreference));
    json_object_set_new(o, "file_size", jint(d->file_total));
    json_object_set_new(o, "vm_size", jint(d->vm_total));
    json_object_set_new(o, "parts", parts_json(d->file, d->vm));
    json_object_set_new(o, "canonical_code", jint(d->canonical_code));
    json_object_set_new(o, "specialized_code", jint(d->specialized_code));
    json_object_set_new(o, "data", jint(d->data));
    json_object_set_new(o, "bloat", jint(d->bloat));
    json_object_set_new(o, "folding_computed", json_boolean(d->folding));
    json_object_set_new(o, "foldable", jint(d->foldable));
    json_object_set_new(o, "fold_groups", jint(d->fold_groups));
    json_object_set_new(o, "near_identical", jint(d->near_identical));
    return o;
}

static void summary_lines(const az_analysis *a, const az_generics *g, FILE *out)
{
    size_t nspec = 0;
    for (size_t i = 0; i < g->ninsts; i++)
        nspec += g->insts[i].form == AZ_GFORM_SPECIALIZED;
    char t[32], s[32], b[32], f[32], pct[16];
    az_format_pct(pct, sizeof pct, g->file_total, a->file_total);
    if (g->side_sizes) {
        fprintf(out, "generics: %zu definitions, %zu instantiations (%zu struct specializations), %s by ILC's node sizes\n",
                g->ndefs, g->ninsts, nspec, sz(t, sizeof t, g->file_total));
        fprintf(out, "struct specialization code %s; bloat and foldable code need the binary's symbols\n",
                sz(s, sizeof s, g->specialized_file));
    } else {
        fprintf(out, "generics: %zu definitions, %zu instantiations (%zu struct specializations), %s of the file (%s)\n",
                g->ndefs, g->ninsts, nspec, sz(t, sizeof t, g->file_total), pct + strspn(pct, " "));
        fprintf(out, "struct specialization code %s, bloat %s, foldable %s\n", sz(s, sizeof s, g->specialized_file),
                sz(b, sizeof b, g->bloat), sz(f, sizeof f, g->foldable));
    }
    bool exact = names_exact(g);
    if (g->have_symbols && exact)
        fprintf(out, "names: exact (the binary's symbols, arguments and assemblies from %s, format %u.%u)\n",
                g->mstat_path, g->mstat_version_major, g->mstat_version_minor);
    else if (g->have_symbols)
        fprintf(out, "names: the binary's symbols (value-type arguments judged from names; "
                     "--mstat makes them exact)\n");
    else if (exact)
        fprintf(out, "names: exact from %s (format %u.%u); sizes: ILC's node sizes from %s, not file bytes\n",
                g->mstat_path, g->mstat_version_major, g->mstat_version_minor, g->side_sizes ? g->side_sizes : "-");
    else if (g->map_path)
        fprintf(out, "names: ILC's node names from %s (value-type arguments judged from names; --mstat makes "
                     "them exact); sizes: its node sizes, not file bytes\n", g->map_path);
    else
        fprintf(out, "names: none (no managed symbols)\n");
    fprintf(out, "folding: %zu bodies disassembled", g->disassembled);
    if (g->map_path && g->have_symbols)
        fprintf(out, "; checked against %s: %zu of %zu hash groups whole, %zu of %zu identical-body groups "
                     "with one hash",
                g->map_path, g->map_fold_groups_checked - g->map_fold_groups_split, g->map_fold_groups_checked,
                g->fold_groups_confirmed, g->fold_groups_checked);
    fputc('\n', out);
    for (size_t i = 0; i < g->nnotes; i++)
        fprintf(out, "note: %s\n", g->notes[i]);
}

/* ---- definitions ------------------------------------------------------------------- */

void az_view_generics(const az_analysis *a, const az_generics *g, const az_view_opts *o)
{
    FILE *out = o->out;
    size_t shown = o->limit && o->limit < g->ndefs ? o->limit : g->ndefs;
    if (o->format == AZ_OUT_JSON) {
        json_t *root = az_report_document(a);
        json_object_set_new(root, "sources", sources_json(g));
        json_t *t = json_object();
        json_object_set_new(t, "definitions", jint(g->ndefs));
        json_object_set_new(t, "instantiations", jint(g->ninsts));
        json_object_set_new(t, "file_size", jint(g->file_total));
        json_object_set_new(t, "vm_size", jint(g->vm_total));
        json_object_set_new(t, "specialized_code", jint(g->specialized_file));
        json_object_set_new(t, "bloat", jint(g->bloat));
        json_object_set_new(t, "foldable", jint(g->foldable));
        json_object_set_new(root, "totals", t);
        json_object_set_new(root, "bloat_formula", json_string(az_generics_bloat_doc));
        json_t *arr = json_array();
        for (size_t i = 0; i < shown; i++)
            json_array_append_new(arr, def_json(&g->defs[i]));
        json_object_set_new(root, "definitions", arr);
        json_object_set_new(root, "warnings", az_report_warnings(a));
        az_report_emit(root, out);
        return;
    }
    if (o->format == AZ_OUT_CSV) {
        fprintf(out, "name,kind,assembly,instantiations,specialized,canonical,reference,file_size,vm_size");
        for (int p = 0; p < AZ_GPART__COUNT; p++)
            fprintf(out, ",%s", az_gpart_name((az_gpart)p));
        fprintf(out, ",canonical_code,specialized_code,bloat,foldable,fold_groups,near_identical\n");
        for (size_t i = 0; i < shown; i++) {
            const az_gdef *d = &g->defs[i];
            az_csv_field(out, d->display, false);
            az_csv_field(out, d->is_method ? "method" : "type", false);
            az_csv_field(out, d->assembly, false);
            fprintf(out, "%zu,%zu,%zu,%zu,%" PRIu64 ",%" PRIu64, d->ninsts, d->nspecialized, d->ncanonical,
                    d->nreference, d->file_total, d->vm_total);
            for (int p = 0; p < AZ_GPART__COUNT; p++)
                fprintf(out, ",%" PRIu64, d->file[p]);
            fprintf(out, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu32 ",%" PRIu32 "\n",
                    d->canonical_code, d->specialized_code, d->bloat, d->foldable, d->fold_groups, d->near_identical);
        }
        return;
    }
    az_text_header(a, out);
    summary_lines(a, g, out);
    fprintf(out, "\n %10s %6s %6s %11s %11s %10s %10s  %s\n", o->sort == AZ_SORT_VM ? "VM SIZE" : "FILE SIZE",
            "INSTS", "STRUCT", "CANON CODE", "STRUCT CODE", "BLOAT", "FOLDABLE", "DEFINITION");
    char c1[32], c2[32], c3[32], c4[32], c5[32];
    uint64_t rest = 0;
    for (size_t i = 0; i < g->ndefs; i++) {
        const az_gdef *d = &g->defs[i];
        if (i >= shown) {
            rest += pick(o, d->file_total, d->vm_total);
            continue;
        }
        fprintf(out, " %10s %6zu %6zu %11s %11s %10s %10s  %s\n", sz(c1, sizeof c1, pick(o, d->file_total, d->vm_total)),
                d->ninsts, d->nspecialized, sz(c2, sizeof c2, d->canonical_code),
                sz(c3, sizeof c3, d->specialized_code), sz(c4, sizeof c4, d->bloat),
                d->folding ? sz(c5, sizeof c5, d->foldable) : "-", d->display);
    }
    if (shown < g->ndefs)
        fprintf(out, " %10s  [%zu more definitions; --limit 0 shows all]\n", sz(c1, sizeof c1, rest),
                g->ndefs - shown);
    fprintf(out, " %10s  TOTAL\n", sz(c1, sizeof c1, pick(o, g->file_total, g->vm_total)));
    fprintf(out, "\nCANON CODE: code of instantiations without a value-type argument (shared __Canon code, and\n"
                 "reference-type ones); STRUCT CODE: code of struct specializations; FOLDABLE: code that\n"
                 "identical-body folding would remove (\"-\": fewer than two instantiations, not disassembled).\n%s\n",
            az_generics_bloat_doc);
}

/* ---- by argument --------------------------------------------------------------------- */

void az_view_generics_args(const az_analysis *a, const az_generics *g, const az_view_opts *o)
{
    FILE *out = o->out;
    size_t shown = o->limit && o->limit < g->nargs ? o->limit : g->nargs;
    if (o->format == AZ_OUT_JSON) {
        json_t *root = az_report_document(a);
        json_object_set_new(root, "sources", sources_json(g));
        json_object_set_new(root, "rule", json_string("each struct specialization is charged to the distinct "
                                                      "value types anywhere in its arguments (top-level, nested "
                                                      "in generic types and arrays, enclosing generic value types "
                                                      "included): *_share splits its bytes evenly between them, "
                                                      "*_all charges each fully"));
        json_t *arr = json_array();
        for (size_t i = 0; i < shown; i++) {
            const az_garg *r = &g->args[i];
            json_t *x = json_object();
            json_object_set_new(x, "name", json_string(r->display));
            json_object_set_new(x, "mangled", json_string(r->mangled));
            json_object_set_new(x, "assembly", jstr(r->assembly));
            json_object_set_new(x, "app", json_boolean(r->app));
            json_object_set_new(x, "instantiations", jint(r->insts));
            json_object_set_new(x, "definitions", jint(r->defs));
            json_object_set_new(x, "file_size_share", jint(r->file_share));
            json_object_set_new(x, "vm_size_share", jint(r->vm_share));
            json_object_set_new(x, "file_size_all", jint(r->file_all));
            json_object_set_new(x, "vm_size_all", jint(r->vm_all));
            json_array_append_new(arr, x);
        }
        json_object_set_new(root, "arguments", arr);
        json_object_set_new(root, "warnings", az_report_warnings(a));
        az_report_emit(root, out);
        return;
    }
    if (o->format == AZ_OUT_CSV) {
        fprintf(out, "name,mangled,assembly,app,instantiations,definitions,file_size_share,vm_size_share,"
                     "file_size_all,vm_size_all\n");
        for (size_t i = 0; i < shown; i++) {
            const az_garg *r = &g->args[i];
            az_csv_field(out, r->display, false);
            az_csv_field(out, r->mangled, false);
            az_csv_field(out, r->assembly, false);
            fprintf(out, "%s,%" PRIu32 ",%" PRIu32 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n",
                    r->app ? "true" : "false", r->insts, r->defs, r->file_share, r->vm_share, r->file_all, r->vm_all);
        }
        return;
    }
    az_text_header(a, out);
    summary_lines(a, g, out);
    fprintf(out, "\n %10s %10s %6s %5s  %-28s %s\n", "SHARE", "ALL", "INSTS", "DEFS", "ASSEMBLY", "VALUE TYPE");
    char c1[32], c2[32];
    for (size_t i = 0; i < shown; i++) {
        const az_garg *r = &g->args[i];
        fprintf(out, " %10s %10s %6" PRIu32 " %5" PRIu32 "  %-28s %s%s\n",
                sz(c1, sizeof c1, pick(o, r->file_share, r->vm_share)), sz(c2, sizeof c2, pick(o, r->file_all, r->vm_all)),
                r->insts, r->defs, r->assembly ? r->assembly : "?", r->display, r->app ? "  [app]" : "");
    }
    if (shown < g->nargs)
        fprintf(out, "  [%zu more value types; --limit 0 shows all]\n", g->nargs - shown);
    fprintf(out, "\nEach struct specialization (instantiation with a value-type argument) is charged to the\n"
                 "distinct value types anywhere in its arguments: top-level ones, those nested in generic\n"
                 "types and arrays, and enclosing generic value types (KeyValuePair<MyKey, Money>: itself,\n"
                 "MyKey and Money).  SHARE splits its bytes evenly between them (the shares add up to all\n"
                 "struct-specialization bytes); ALL charges each of them fully.\n");
}

/* ---- one definition ---------------------------------------------------------------------- */

static json_t *args_json(const az_ginst *in)
{
    json_t *arr = json_array();
    for (size_t k = 0; k < in->nargs; k++) {
        const az_type_arg *t = &in->args[k];
        json_t *x = json_object();
        json_object_set_new(x, "name", json_string(t->display));
        json_object_set_new(x, "mangled", json_string(t->mangled));
        json_object_set_new(x, "assembly", jstr(t->assembly));
        json_object_set_new(x, "of", json_string(k < in->nowner_args ? "type" : "method"));
        json_object_set_new(x, "value_type", json_boolean(t->is_value_type));
        json_object_set_new(x, "canon", json_boolean(t->is_canon));
        json_array_append_new(arr, x);
    }
    return arr;
}

/* Fold groups of one definition: runs of bodies with one hash (any method). */
typedef struct fgroup {
    uint64_t hash, size;
    size_t count;
    size_t *members; /* body indices */
} fgroup;

static int cmp_fgroups(const void *x, const void *y, void *ctx)
{
    const az_generics *g = ctx;
    const fgroup *p = x, *q = y;
    uint64_t sp = (p->count - 1) * p->size, sq = (q->count - 1) * q->size;
    if (sp != sq)
        return sp > sq ? -1 : 1;
    if (p->count != q->count)
        return p->count > q->count ? -1 : 1;
    const az_gbody *bp = &g->bodies[p->members[0]], *bq = &g->bodies[q->members[0]];
    int c = strcmp(bp->method, bq->method);
    if (c)
        return c;
    return strcmp(g->insts[bp->inst].display, g->insts[bq->inst].display);
}

static size_t fold_groups(const az_generics *g, const az_gdef *d, fgroup **out)
{
    fgroup *gs = NULL;
    size_t n = 0, cap = 0;
    for (size_t k = 0; k < d->nbodies; k++) {
        size_t bi = d->first_body + k;
        const az_gbody *b = &g->bodies[bi];
        if (!b->hash)
            continue;
        size_t j = 0;
        while (j < n && !(gs[j].hash == b->hash && gs[j].size == b->size))
            j++;
        if (j == n) {
            az_grow(&gs, &cap, n + 1, sizeof *gs);
            gs[n++] = (fgroup){ b->hash, b->size, 0, NULL };
        }
        gs[j].members = realloc(gs[j].members, (gs[j].count + 1) * sizeof *gs[j].members);
        if (!gs[j].members)
            abort();
        gs[j].members[gs[j].count++] = bi;
    }
    size_t m = 0;
    for (size_t j = 0; j < n; j++) {
        if (gs[j].count >= 2)
            gs[m++] = gs[j];
        else
            free(gs[j].members);
    }
    if (m > 1) /* gs is NULL when no body was hashed */
        qsort_r(gs, m, sizeof *gs, cmp_fgroups, (void *)g);
    *out = gs;
    return m;
}

static void free_fold_groups(fgroup *gs, size_t n)
{
    for (size_t j = 0; j < n; j++)
        free(gs[j].members);
    free(gs);
}

/* Per method: its bodies grouped by hash, with each group's similarity to
 * the method's largest group. */
static json_t *methods_json(const az_generics *g, const az_gdef *d)
{
    json_t *arr = json_array();
    const az_gbody *bs = &g->bodies[d->first_body];
    for (size_t k = 0; k < d->nbodies;) {
        size_t m = k;
        while (m < d->nbodies && strcmp(bs[m].method, bs[k].method) == 0)
            m++;
        json_t *x = json_object();
        json_object_set_new(x, "name", json_string(bs[k].method));
        json_object_set_new(x, "bodies", jint(m - k));
        json_t *groups = json_array();
        for (size_t r = k; r < m;) {
            size_t t = r;
            while (t < m && bs[t].hash == bs[r].hash && bs[t].size == bs[r].size)
                t++;
            json_t *gr = json_object();
            json_object_set_new(gr, "hash", bs[r].hash ? json_sprintf("%016" PRIx64, bs[r].hash) : json_null());
            json_object_set_new(gr, "size", jint(bs[r].size));
            json_object_set_new(gr, "count", jint(t - r));
            json_object_set_new(gr, "similarity_permille", bs[r].hash ? jint(bs[r].similarity) : json_null());
            json_t *insts = json_array();
            for (size_t q = r; q < t; q++)
                json_array_append_new(insts, json_string(g->insts[bs[q].inst].display));
            json_object_set_new(gr, "instantiations", insts);
            json_array_append_new(groups, gr);
            r = t;
        }
        json_object_set_new(x, "groups", groups);
        json_array_append_new(arr, x);
        k = m;
    }
    return arr;
}

void az_view_generics_def(const az_analysis *a, const az_generics *g, size_t di, const az_view_opts *o)
{
    FILE *out = o->out;
    const az_gdef *d = &g->defs[di];
    size_t shown = o->limit && o->limit < d->ninsts ? o->limit : d->ninsts;
    fgroup *fg = NULL;
    size_t nfg = fold_groups(g, d, &fg);
    if (o->format == AZ_OUT_JSON) {
        json_t *root = az_report_document(a);
        json_object_set_new(root, "sources", sources_json(g));
        json_object_set_new(root, "bloat_formula", json_string(az_generics_bloat_doc));
        json_t *x = def_json(d);
        json_t *arr = json_array();
        for (size_t i = 0; i < shown; i++) {
            const az_ginst *in = &g->insts[d->first_inst + i];
            json_t *y = json_object();
            json_object_set_new(y, "name", json_string(in->display));
            json_object_set_new(y, "key", json_string(in->key));
            json_object_set_new(y, "form", json_string(az_gform_name(in->form)));
            json_object_set_new(y, "arguments", args_json(in));
            json_object_set_new(y, "file_size", jint(in->file_total));
            json_object_set_new(y, "vm_size", jint(in->vm_total));
            json_object_set_new(y, "parts", parts_json(in->file, in->vm));
            json_object_set_new(y, "symbols", jint(in->entities));
            json_object_set_new(y, "bodies", jint(in->bodies));
            json_object_set_new(y, "in_binary", json_boolean(in->in_binary));
            if (g->mstat_path) {
                json_t *ms = json_object();
                json_object_set_new(ms, "methods", jint(in->mstat_methods));
                json_object_set_new(ms, "methodtables", jint(in->mstat_types));
                json_object_set_new(ms, "size", jint(in->side_bytes));
                json_object_set_new(y, "mstat", ms);
            }
            json_array_append_new(arr, y);
        }
        json_object_set_new(x, "instantiation_list", arr);
        json_object_set_new(x, "methods", methods_json(g, d));
        json_t *fa = json_array();
        for (size_t j = 0; j < nfg; j++) {
            json_t *y = json_object();
            json_object_set_new(y, "size", jint(fg[j].size));
            json_object_set_new(y, "count", jint(fg[j].count));
            json_object_set_new(y, "saves", jint((fg[j].count - 1) * fg[j].size));
            json_t *mem = json_array();
            for (size_t q = 0; q < fg[j].count; q++) {
                const az_gbody *b = &g->bodies[fg[j].members[q]];
                json_t *z = json_object();
                json_object_set_new(z, "instantiation", json_string(g->insts[b->inst].display));
                json_object_set_new(z, "method", json_string(b->method));
                json_array_append_new(mem, z);
            }
            json_object_set_new(y, "members", mem);
            json_array_append_new(fa, y);
        }
        json_object_set_new(x, "fold_group_list", fa);
        json_object_set_new(root, "definition", x);
        json_object_set_new(root, "warnings", az_report_warnings(a));
        az_report_emit(root, out);
        free_fold_groups(fg, nfg);
        return;
    }
    if (o->format == AZ_OUT_CSV) {
        fprintf(out, "definition,instantiation,form,arguments,file_size,vm_size");
        for (int p = 0; p < AZ_GPART__COUNT; p++)
            fprintf(out, ",%s", az_gpart_name((az_gpart)p));
        fprintf(out, ",symbols,bodies\n");
        for (size_t i = 0; i < shown; i++) {
            const az_ginst *in = &g->insts[d->first_inst + i];
            az_csv_field(out, d->display, false);
            az_csv_field(out, in->display, false);
            az_csv_field(out, az_gform_name(in->form), false);
            char args[2048];
            size_t used = 0;
            args[0] = 0;
            for (size_t k = 0; k < in->nargs && used < sizeof args; k++) {
                int w = snprintf(args + used, sizeof args - used, "%s%s", k ? "; " : "", in->args[k].display);
                if (w < 0)
                    break;
                used += (size_t)w;
            }
            az_csv_field(out, args, false);
            fprintf(out, "%" PRIu64 ",%" PRIu64, in->file_total, in->vm_total);
            for (int p = 0; p < AZ_GPART__COUNT; p++)
                fprintf(out, ",%" PRIu64, in->file[p]);
            fprintf(out, ",%" PRIu32 ",%" PRIu32 "\n", in->entities, in->bodies);
        }
        free_fold_groups(fg, nfg);
        return;
    }
    az_text_header(a, out);
    char c[8][32];
    fprintf(out, "%s%s%s: %zu instantiations (%zu struct specializations, %zu canonical, %zu reference-type)\n",
            d->display, d->assembly ? " in " : "", d->assembly ? d->assembly : "", d->ninsts, d->nspecialized,
            d->ncanonical, d->nreference);
    fprintf(out, "total %s: code %s (canonical %s, struct %s), MethodTables %s, dictionaries %s, statics %s, other %s\n",
            sz(c[0], 32, d->file_total), sz(c[1], 32, d->file[AZ_GPART_CODE]), sz(c[2], 32, d->canonical_code),
            sz(c[3], 32, d->specialized_code), sz(c[4], 32, d->file[AZ_GPART_METHODTABLE]),
            sz(c[5], 32, d->file[AZ_GPART_DICTIONARY]), sz(c[6], 32, d->file[AZ_GPART_STATICS]),
            sz(c[7], 32, d->file[AZ_GPART_OTHER]));
    if (d->folding)
        fprintf(out, "bloat %s; foldable %s in %" PRIu32 " groups of identical bodies; %" PRIu32
                     " bodies 90-99.9%% similar to their method's main body\n",
                sz(c[0], 32, d->bloat), sz(c[1], 32, d->foldable), d->fold_groups, d->near_identical);
    else
        fprintf(out, "bloat %s; folding not computed (fewer than two instantiations)\n", sz(c[0], 32, d->bloat));
    fprintf(out, "\n %10s %10s %10s %10s %10s %10s  %-11s  %s\n", o->sort == AZ_SORT_VM ? "VM SIZE" : "FILE SIZE",
            "CODE", "MT", "DICT", "STATICS", "OTHER", "FORM", "INSTANTIATION");
    for (size_t i = 0; i < shown; i++) {
        const az_ginst *in = &g->insts[d->first_inst + i];
        fprintf(out, " %10s %10s %10s %10s %10s %10s  %-11s  %s%s\n",
                sz(c[0], 32, pick(o, in->file_total, in->vm_total)),
                sz(c[1], 32, pick(o, in->file[AZ_GPART_CODE], in->vm[AZ_GPART_CODE])),
                sz(c[2], 32, pick(o, in->file[AZ_GPART_METHODTABLE], in->vm[AZ_GPART_METHODTABLE])),
                sz(c[3], 32, pick(o, in->file[AZ_GPART_DICTIONARY], in->vm[AZ_GPART_DICTIONARY])),
                sz(c[4], 32, pick(o, in->file[AZ_GPART_STATICS], in->vm[AZ_GPART_STATICS])),
                sz(c[5], 32, pick(o, in->file[AZ_GPART_OTHER], in->vm[AZ_GPART_OTHER])), az_gform_name(in->form),
                in->display, in->in_binary ? "" : "  [mstat only]");
    }
    if (shown < d->ninsts)
        fprintf(out, "  [%zu more instantiations; --limit 0 shows all]\n", d->ninsts - shown);
    if (nfg) {
        fprintf(out, "\nIdentical bodies (after masking addresses), largest saving first:\n");
        fprintf(out, " %10s %6s %10s  %s\n", "SIZE", "COPIES", "SAVES", "METHOD: INSTANTIATIONS");
        size_t gshown = o->limit && o->limit < nfg ? o->limit : nfg;
        for (size_t j = 0; j < gshown; j++) {
            const az_gbody *b0 = &g->bodies[fg[j].members[0]];
            fprintf(out, " %10s %6zu %10s  %s: %s", sz(c[0], 32, fg[j].size), fg[j].count,
                    sz(c[1], 32, (fg[j].count - 1) * fg[j].size), b0->method, g->insts[b0->inst].display);
            for (size_t q = 1; q < fg[j].count && q < 4; q++) {
                const az_gbody *b = &g->bodies[fg[j].members[q]];
                if (strcmp(b->method, b0->method) == 0)
                    fprintf(out, "; %s", g->insts[b->inst].display);
                else
                    fprintf(out, "; %s: %s", b->method, g->insts[b->inst].display);
            }
            if (fg[j].count > 4)
                fprintf(out, "; +%zu more", fg[j].count - 4);
            fputc('\n', out);
        }
        if (gshown < nfg)
            fprintf(out, "  [%zu more groups; --limit 0 shows all]\n", nfg - gshown);
    }
    /* near-identical bodies: per method, groups 90-99.9% like the main one */
    bool head = false;
    const az_gbody *bs = &g->bodies[d->first_body];
    for (size_t k = 0; k < d->nbodies; k++) {
        if (!bs[k].hash || bs[k].similarity < 900 || bs[k].similarity >= 1000)
            continue;
        if (k > 0 && bs[k - 1].hash == bs[k].hash && bs[k - 1].size == bs[k].size &&
            strcmp(bs[k - 1].method, bs[k].method) == 0)
            continue; /* one line per group */
        if (!head) {
            fprintf(out, "\nNear-identical bodies (instruction sequence similarity to the method's main body):\n");
            head = true;
        }
        fprintf(out, " %5.1f%%  %10s  %s: %s\n", bs[k].similarity / 10.0, sz(c[0], 32, bs[k].size), bs[k].method,
                g->insts[bs[k].inst].display);
    }
    free_fold_groups(fg, nfg);
}
