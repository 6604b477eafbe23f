#include "report.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/image.h"
#include "report_shared.h"

/* value / unit with `decimals` digits, rounded half up, in integer
 * arithmetic (printf's %f is slow for a million rows). */
static void fixed_point(char *buf, size_t cap, uint64_t value, uint64_t unit, int decimals, const char *suffix)
{
    uint64_t scale = decimals == 2 ? 100 : 10;
    unsigned __int128 scaled = ((unsigned __int128)value * scale + unit / 2) / unit;
    uint64_t whole = (uint64_t)(scaled / scale), frac = (uint64_t)(scaled % scale);
    snprintf(buf, cap, decimals == 2 ? "%" PRIu64 ".%02" PRIu64 "%s" : "%" PRIu64 ".%" PRIu64 "%s", whole, frac,
             suffix);
}

void az_format_size(char *buf, size_t cap, uint64_t b)
{
    if (b < 1024)
        snprintf(buf, cap, "%" PRIu64 " B", b);
    else if (b < 1024 * 1024)
        fixed_point(buf, cap, b, 1024, 1, " KiB");
    else if (b < 1024ull * 1024 * 1024)
        fixed_point(buf, cap, b, 1024 * 1024, 2, " MiB");
    else
        fixed_point(buf, cap, b, 1024ull * 1024 * 1024, 2, " GiB");
}

/* " 12.3%": a share of total with one decimal, rounded half up. */
static void format_pct(char *buf, size_t cap, uint64_t part, uint64_t total)
{
    unsigned __int128 scaled = total ? ((unsigned __int128)part * 1000 + total / 2) / total : 0;
    snprintf(buf, cap, "%4" PRIu64 ".%" PRIu64 "%%", (uint64_t)(scaled / 10), (uint64_t)(scaled % 10));
}

static double pct(uint64_t part, uint64_t total)
{
    return total ? 100.0 * (double)part / (double)total : 0.0;
}

/* ---- shared pieces ------------------------------------------------------------ */

static json_t *input_json(const az_analysis *a)
{
    json_t *o = json_object();
    json_object_set_new(o, "path", json_string(a->img.path));
    json_object_set_new(o, "format", json_string(az_format_name(a->img.format)));
    json_object_set_new(o, "arch", json_string(az_arch_name(a->img.arch)));
    json_object_set_new(o, "native_aot", json_boolean(a->native_aot));
    json_object_set_new(o, "dotnet_version", a->dotnet_version ? json_string(a->dotnet_version) : json_null());
    json_object_set_new(o, "symbols", json_string(az_symbols_level_name(a->symbols)));
    json_object_set_new(o, "debug_file", a->img.debug_file ? json_string(a->img.debug_file) : json_null());
    json_object_set_new(o, "file_size", json_integer((json_int_t)a->img.size));
    json_object_set_new(o, "vm_size", json_integer((json_int_t)a->vm_total));
    json_object_set_new(o, "build_id", a->img.build_id ? json_string(a->img.build_id) : json_null());
    json_object_set_new(o, "compiler", a->img.compiler_comment ? json_string(a->img.compiler_comment) : json_null());
    return o;
}

static json_t *totals_json(const az_analysis *a)
{
    json_t *o = json_object();
    json_object_set_new(o, "file_size", json_integer((json_int_t)a->file_total));
    json_object_set_new(o, "vm_size", json_integer((json_int_t)a->vm_total));
    return o;
}

static json_t *warnings_json(const az_analysis *a)
{
    json_t *w = json_array();
    for (size_t i = 0; i < a->img.nwarnings; i++)
        json_array_append_new(w, json_string(a->img.warnings[i]));
    return w;
}

static json_t *document(const az_analysis *a)
{
    json_t *root = json_object();
    json_object_set_new(root, "schema", json_string("aotsize/1"));
    json_object_set_new(root, "input", input_json(a));
    return root;
}

static void emit_json(json_t *root, FILE *out)
{
    json_dumpf(root, out, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    fputc('\n', out);
    json_decref(root);
}

/* CSV field: quoted when it holds a comma, quote or newline. */
static void csv_field(FILE *out, const char *s, bool last)
{
    if (!s)
        s = "";
    if (strpbrk(s, ",\"\n\r")) {
        fputc('"', out);
        for (const char *p = s; *p; p++) {
            if (*p == '"')
                fputc('"', out);
            fputc(*p, out);
        }
        fputc('"', out);
    } else {
        fputs(s, out);
    }
    fputc(last ? '\n' : ',', out);
}

static void text_header(const az_analysis *a, FILE *out)
{
    fprintf(out, "%s: %s %s", a->img.path, az_format_title(a->img.format),
            az_arch_name(a->img.arch));
    if (a->native_aot)
        fprintf(out, ", .NET Native AOT%s%s", a->dotnet_version ? " " : "", a->dotnet_version ? a->dotnet_version : "");
    fprintf(out, ", symbols: %s", az_symbols_level_name(a->symbols));
    if (a->img.debug_file)
        fprintf(out, " (from %s)", a->img.debug_file);
    fputc('\n', out);
    if (!a->native_aot)
        fprintf(out, "note: not a .NET Native AOT binary (no ILC sections or ILC version); "
                     "sizes are by section and symbol only\n");
    else if (a->img.format == AZ_FORMAT_PE && !a->img.has_symtab)
        fprintf(out, "note: no matching PDB: managed names are unavailable; sizes are by section and bucket, "
                     "managed code found from .pdata and the module header (names need the PDB: pass --pdb)\n");
    else if (a->symbols == AZ_SYMBOLS_NONE || !a->img.has_symtab)
        fprintf(out, "note: no symbol table and no matching debug file: managed names are unavailable; "
                     "sizes are by section and bucket (pass --debug-file to name them)\n");
}

static void text_columns(FILE *out, const char *what)
{
    fprintf(out, "\n      FILE SIZE            VM SIZE\n");
    fprintf(out, " ------------------  ------------------\n");
    (void)what;
}

static void text_row(FILE *out, const az_analysis *a, int indent, const char *label, uint64_t file, uint64_t vm)
{
    char fs[32], vs[32], fp[16], vp[16];
    az_format_size(fs, sizeof fs, file);
    az_format_size(vs, sizeof vs, vm);
    format_pct(fp, sizeof fp, file, a->file_total);
    format_pct(vp, sizeof vp, vm, a->vm_total);
    fprintf(out, " %7s %10s  %7s %10s  %*s%s\n", fp, fs, vp, vs, 2 * indent, "", label);
}

/* ---- summary ------------------------------------------------------------------- */

static json_t *row_json(const az_rollup *r, size_t i, int depth, size_t limit)
{
    const az_row *row = &r->rows[i];
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(row->label));
    json_object_set_new(o, "file_size", json_integer((json_int_t)row->file));
    json_object_set_new(o, "vm_size", json_integer((json_int_t)row->vm));
    json_t *kids = json_array();
    if (depth > 0) {
        size_t n = row->nchildren;
        if (limit && n > limit + 1)
            n = limit;
        for (size_t k = 0; k < n; k++)
            json_array_append_new(kids, row_json(r, row->children[k], depth - 1, limit));
        if (n < row->nchildren) {
            uint64_t f = 0, v = 0;
            for (size_t k = n; k < row->nchildren; k++) {
                f += r->rows[row->children[k]].file;
                v += r->rows[row->children[k]].vm;
            }
            json_t *o2 = json_object();
            json_object_set_new(o2, "name", json_sprintf("[%zu others]", row->nchildren - n));
            json_object_set_new(o2, "file_size", json_integer((json_int_t)f));
            json_object_set_new(o2, "vm_size", json_integer((json_int_t)v));
            json_object_set_new(o2, "children", json_array());
            json_array_append_new(kids, o2);
        }
    }
    json_object_set_new(o, "children", kids);
    return o;
}

/* Text rows of a rollup, depth-first, with "[N others]" after `limit` rows. */
static void text_rows(FILE *out, const az_analysis *a, const az_rollup *r, size_t i, int indent, int depth,
                      size_t limit, size_t top_limit)
{
    const az_row *row = &r->rows[i];
    if (depth <= 0)
        return;
    size_t n = row->nchildren;
    if (top_limit && n > top_limit + 1) /* "[1 others]" would hide nothing */
        n = top_limit;
    for (size_t k = 0; k < n; k++) {
        const az_row *c = &r->rows[row->children[k]];
        text_row(out, a, indent, c->label, c->file, c->vm);
        text_rows(out, a, r, row->children[k], indent + 1, depth - 1, limit, limit);
    }
    if (n < row->nchildren) {
        uint64_t f = 0, v = 0;
        for (size_t k = n; k < row->nchildren; k++) {
            f += r->rows[row->children[k]].file;
            v += r->rows[row->children[k]].vm;
        }
        char label[64];
        snprintf(label, sizeof label, "[%zu others]", row->nchildren - n);
        text_row(out, a, indent, label, f, v);
    }
}

static void csv_rows(FILE *out, const az_rollup *r, size_t i, const char **path, int level, int depth,
                     size_t limit, size_t top_limit, int ncols)
{
    const az_row *row = &r->rows[i];
    if (level >= depth)
        return;
    size_t n = row->nchildren;
    if (top_limit && n > top_limit + 1)
        n = top_limit;
    for (size_t k = 0; k < n; k++) {
        const az_row *c = &r->rows[row->children[k]];
        path[level] = c->label;
        char num[32];
        snprintf(num, sizeof num, "%d", level + 1);
        csv_field(out, num, false);
        for (int col = 0; col < ncols; col++)
            csv_field(out, col <= level ? path[col] : "", false);
        fprintf(out, "%" PRIu64 ",%" PRIu64 "\n", c->file, c->vm);
        csv_rows(out, r, row->children[k], path, level + 1, depth, limit, limit, ncols);
    }
}

void az_view_summary(const az_analysis *a, const az_view_opts *o)
{
    static const az_key keys[] = { AZ_KEY_BUCKET, AZ_KEY_GROUP };
    az_rollup r;
    az_rollup_build(&r, a, keys, 2, &o->filter, o->sort);
    /* Every bucket is listed, even when empty (except `managed`, which only
     * exists for binaries without names). */
    for (int b = 0; b < AZ_BUCKET__COUNT; b++) {
        if (b == AZ_BUCKET_MANAGED)
            continue;
        const char *name = az_bucket_name((az_bucket)b);
        bool present = false;
        for (size_t k = 0; k < r.rows[0].nchildren; k++)
            present |= strcmp(r.rows[r.rows[0].children[k]].label, name) == 0;
        if (!present) {
            az_grow(&r.rows[0].children, &r.rows[0].cap_children, r.rows[0].nchildren + 1, sizeof(size_t));
            az_grow(&r.rows, &r.cap_rows, r.nrows + 1, sizeof *r.rows);
            memset(&r.rows[r.nrows], 0, sizeof r.rows[r.nrows]);
            r.rows[r.nrows].label = name;
            r.rows[0].children[r.rows[0].nchildren++] = r.nrows++;
        }
    }

    if (o->format == AZ_OUT_JSON) {
        json_t *root = document(a);
        json_object_set_new(root, "totals", totals_json(a));
        json_t *buckets = json_array();
        for (size_t k = 0; k < r.rows[0].nchildren; k++)
            json_array_append_new(buckets, row_json(&r, r.rows[0].children[k], 1, o->limit));
        json_object_set_new(root, "buckets", buckets);
        json_object_set_new(root, "warnings", warnings_json(a));
        emit_json(root, o->out);
    } else if (o->format == AZ_OUT_CSV) {
        fprintf(o->out, "level,bucket,name,file_size,vm_size\n");
        const char *path[2];
        csv_rows(o->out, &r, 0, path, 0, 2, o->limit, 0, 2); /* every bucket */
    } else {
        text_header(a, o->out);
        text_columns(o->out, "BUCKET");
        text_rows(o->out, a, &r, 0, 0, 2, o->limit, 0); /* every bucket */
        text_row(o->out, a, 0, "TOTAL", r.rows[0].file, r.rows[0].vm);
    }
    az_rollup_free(&r);
}

/* ---- tree ------------------------------------------------------------------------ */

void az_view_tree(const az_analysis *a, const az_view_opts *o)
{
    static const az_key keys[] = { AZ_KEY_OWNER, AZ_KEY_NAMESPACE, AZ_KEY_TYPE, AZ_KEY_MEMBER };
    int depth = o->depth > 0 ? o->depth : 4;
    if (depth > 4)
        depth = 4;
    az_rollup r;
    az_rollup_build(&r, a, keys, (size_t)depth, &o->filter, o->sort);
    if (o->format == AZ_OUT_JSON) {
        json_t *root = document(a);
        json_object_set_new(root, "totals", totals_json(a));
        json_t *tree = json_array();
        for (size_t k = 0; k < r.rows[0].nchildren && (!o->limit || k < o->limit); k++)
            json_array_append_new(tree, row_json(&r, r.rows[0].children[k], depth - 1, o->limit));
        json_object_set_new(root, "tree", tree);
        json_object_set_new(root, "warnings", warnings_json(a));
        emit_json(root, o->out);
    } else if (o->format == AZ_OUT_CSV) {
        fprintf(o->out, "level,owner,namespace,type,member,file_size,vm_size\n");
        const char *path[4];
        csv_rows(o->out, &r, 0, path, 0, depth, o->limit, o->limit, 4);
    } else {
        text_header(a, o->out);
        text_columns(o->out, "OWNER");
        text_rows(o->out, a, &r, 0, 0, depth, o->limit, o->limit);
        text_row(o->out, a, 0, o->filter.regex || o->filter.bucket >= 0 ? "TOTAL (filtered)" : "TOTAL",
                 r.rows[0].file, r.rows[0].vm);
    }
    az_rollup_free(&r);
}

/* ---- symbols ---------------------------------------------------------------------- */

/* Rows of the symbols view with their sizes computed once for sorting. */
typedef struct symbol_row {
    uint64_t primary, secondary; /* sizes in the sort domain, then the other */
    size_t entity;
} symbol_row;

static int cmp_symbol_rows(const void *x, const void *y, void *ctx)
{
    const az_analysis *a = ctx;
    const symbol_row *p = x, *q = y;
    if (p->primary != q->primary)
        return p->primary > q->primary ? -1 : 1;
    if (p->secondary != q->secondary)
        return p->secondary > q->secondary ? -1 : 1;
    const az_entity *e = &a->entities[p->entity], *f = &a->entities[q->entity];
    int c = strcmp(e->raw, f->raw);
    if (c)
        return c;
    return e->addr < f->addr ? -1 : e->addr > f->addr;
}

static const char *entity_kind(const az_entity *e)
{
    return e->is_symbol ? az_kind_name(e->dm.kind) : "label";
}

void az_view_symbols(const az_analysis *a, const az_view_opts *o)
{
    symbol_row *rows = az_xmalloc((a->nentities ? a->nentities : 1) * sizeof *rows);
    size_t n = 0;
    for (size_t i = 0; i < a->nentities; i++) {
        const az_entity *e = &a->entities[i];
        uint64_t f = az_entity_file(e), v = az_entity_vm(e);
        if ((f || v) && az_filter_match(a, e, &o->filter))
            rows[n++] = (symbol_row){ o->sort == AZ_SORT_VM ? v : f, o->sort == AZ_SORT_VM ? f : v, i };
    }
    qsort_r(rows, n, sizeof *rows, cmp_symbol_rows, (void *)a);
    size_t shown = o->limit && o->limit < n ? o->limit : n;
    FILE *out = o->out;

    if (o->format == AZ_OUT_JSON) {
        json_t *root = document(a);
        char *head = json_dumps(root, JSON_ENSURE_ASCII | JSON_COMPACT);
        json_decref(root);
        /* Stream the rows: a symbol list can hold a million entries. */
        head[strlen(head) - 1] = 0; /* drop the closing brace */
        fprintf(out, "%s,\"symbols\":[\n", head);
        free(head);
        for (size_t k = 0; k < shown; k++) {
            const az_entity *e = &a->entities[rows[k].entity];
            const az_demangled *d = &e->dm;
            json_t *row = json_object();
            json_object_set_new(row, "name", json_string(e->raw));
            json_object_set_new(row, "display", json_string(d->display ? d->display : e->raw));
            json_object_set_new(row, "kind", json_string(entity_kind(e)));
            json_object_set_new(row, "bucket", json_string(az_bucket_name(e->bucket)));
            json_object_set_new(row, "group", e->group ? json_string(e->group) : json_null());
            json_object_set_new(row, "assembly", d->assembly ? json_string(d->assembly) : json_null());
            json_object_set_new(row, "namespace", d->ns ? json_string(d->ns) : json_null());
            json_object_set_new(row, "type", d->type ? json_string(d->type) : json_null());
            json_object_set_new(row, "method", d->method ? json_string(d->method) : json_null());
            json_object_set_new(row, "generic", json_string(az_generic_name(d->generic)));
            json_object_set_new(row, "section", e->section ? json_string(e->section) : json_null());
            json_object_set_new(row, "address", e->is_symbol ? json_integer((json_int_t)e->addr) : json_null());
            json_object_set_new(row, "file_size", json_integer((json_int_t)az_entity_file(e)));
            json_object_set_new(row, "vm_size", json_integer((json_int_t)az_entity_vm(e)));
            json_t *facets = json_object();
            for (int f = 0; f < AZ_FACET__COUNT; f++)
                if (e->file[f] || e->vm[f]) {
                    json_t *fo = json_object();
                    json_object_set_new(fo, "file_size", json_integer((json_int_t)e->file[f]));
                    json_object_set_new(fo, "vm_size", json_integer((json_int_t)e->vm[f]));
                    json_object_set_new(facets, az_facet_name((az_facet)f), fo);
                }
            json_object_set_new(row, "parts", facets);
            json_object_set_new(row, "confidence", json_integer(d->confidence));
            char *s = json_dumps(row, JSON_ENSURE_ASCII | JSON_COMPACT);
            fprintf(out, "  %s%s\n", s, k + 1 < shown ? "," : "");
            free(s);
            json_decref(row);
        }
        json_t *w = warnings_json(a);
        char *ws = json_dumps(w, JSON_ENSURE_ASCII | JSON_COMPACT);
        fprintf(out, "],\"total_rows\":%zu,\"warnings\":%s}\n", n, ws);
        free(ws);
        json_decref(w);
    } else if (o->format == AZ_OUT_CSV) {
        fprintf(out, "name,display,kind,bucket,group,assembly,namespace,type,method,generic,section,file_size,vm_size\n");
        for (size_t k = 0; k < shown; k++) {
            const az_entity *e = &a->entities[rows[k].entity];
            const az_demangled *d = &e->dm;
            csv_field(out, e->raw, false);
            csv_field(out, d->display ? d->display : e->raw, false);
            csv_field(out, entity_kind(e), false);
            csv_field(out, az_bucket_name(e->bucket), false);
            csv_field(out, e->group, false);
            csv_field(out, d->assembly, false);
            csv_field(out, d->ns, false);
            csv_field(out, d->type, false);
            csv_field(out, d->method, false);
            csv_field(out, az_generic_name(d->generic), false);
            csv_field(out, e->section, false);
            fprintf(out, "%" PRIu64 ",%" PRIu64 "\n", az_entity_file(e), az_entity_vm(e));
        }
    } else {
        text_header(a, out);
        fprintf(out, "\n      FILE SIZE            VM SIZE    BUCKET      KIND                 NAME\n");
        fprintf(out, " ------------------  ------------------  ----------  -------------------  ----\n");
        uint64_t f = 0, v = 0;
        for (size_t k = 0; k < n; k++) {
            const az_entity *e = &a->entities[rows[k].entity];
            if (k < shown) {
                char fs[32], vs[32], fp[16], vp[16];
                az_format_size(fs, sizeof fs, az_entity_file(e));
                az_format_size(vs, sizeof vs, az_entity_vm(e));
                format_pct(fp, sizeof fp, az_entity_file(e), a->file_total);
                format_pct(vp, sizeof vp, az_entity_vm(e), a->vm_total);
                fprintf(out, " %7s %10s  %7s %10s  %-10s  %-19s  %s\n", fp, fs, vp, vs, az_bucket_name(e->bucket),
                        entity_kind(e), e->dm.display ? e->dm.display : e->raw);
            } else {
                f += az_entity_file(e);
                v += az_entity_vm(e);
            }
        }
        if (shown < n) {
            char label[64];
            snprintf(label, sizeof label, "[%zu more rows; --limit 0 shows all]", n - shown);
            text_row(out, a, 0, label, f, v);
        }
    }
    free(rows);
}

/* ---- sections ---------------------------------------------------------------------- */

static void section_flags(char *buf, size_t cap, uint32_t fl)
{
    snprintf(buf, cap, "%s%s%s%s%s%s", fl & AZ_SEC_ALLOC ? "A" : "", fl & AZ_SEC_WRITE ? "W" : "",
             fl & AZ_SEC_EXEC ? "X" : "", fl & AZ_SEC_ZEROFILL ? "Z" : "", fl & AZ_SEC_TLS ? "T" : "",
             fl & AZ_SEC_COMPRESSED ? "C" : "");
}

typedef struct section_row {
    const char *name;
    size_t index;  /* into sections, or nsections for "outside" */
    uint64_t file, vm;
} section_row;

static int cmp_section_rows(const void *x, const void *y, void *ctx)
{
    const section_row *p = x, *q = y;
    az_sort sort = *(const az_sort *)ctx;
    uint64_t sp = sort == AZ_SORT_VM ? p->vm : p->file, sq = sort == AZ_SORT_VM ? q->vm : q->file;
    if (sp != sq)
        return sp > sq ? -1 : 1;
    int c = strcmp(p->name, q->name);
    return c ? c : (p->index < q->index ? -1 : p->index > q->index);
}

/* Bucket breakdown of one section's file bytes: "framework 61.0%, format 39.0%". */
static void contents(char *buf, size_t cap, const uint64_t *row, uint64_t total)
{
    buf[0] = 0;
    if (!total)
        return;
    size_t used = 0;
    bool done[AZ_BUCKET__COUNT] = { false };
    for (int round = 0; round < AZ_BUCKET__COUNT; round++) {
        int best = -1;
        for (int b = 0; b < AZ_BUCKET__COUNT; b++)
            if (!done[b] && row[b] && (best < 0 || row[b] > row[best]))
                best = b;
        if (best < 0)
            break;
        done[best] = true;
        int w = snprintf(buf + used, cap - used, "%s%s %.1f%%", used ? ", " : "", az_bucket_name((az_bucket)best),
                         pct(row[best], total));
        if (w < 0 || (size_t)w >= cap - used)
            break;
        used += (size_t)w;
    }
}

void az_view_sections(const az_analysis *a, const az_view_opts *o)
{
    const az_image *img = &a->img;
    size_t n = img->nsections + 1;
    section_row *rows = az_xmalloc(n * sizeof *rows);
    for (size_t i = 0; i < img->nsections; i++)
        rows[i] = (section_row){ img->sections[i].name, i, img->sections[i].file_size, img->sections[i].vm_size };
    uint64_t of = 0, ov = 0;
    for (int b = 0; b < AZ_BUCKET__COUNT; b++) {
        of += a->section_file[img->nsections][b];
        ov += a->section_vm[img->nsections][b];
    }
    rows[img->nsections] = (section_row){ "[outside sections]", img->nsections, of, ov };
    qsort_r(rows, n, sizeof *rows, cmp_section_rows, (void *)&o->sort);
    size_t shown = o->limit && o->limit < n ? o->limit : n;
    FILE *out = o->out;

    if (o->format == AZ_OUT_JSON) {
        json_t *root = document(a);
        json_object_set_new(root, "totals", totals_json(a));
        json_t *arr = json_array();
        for (size_t k = 0; k < shown; k++) {
            const section_row *r = &rows[k];
            json_t *s = json_object();
            json_object_set_new(s, "name", json_string(r->name));
            bool real = r->index < img->nsections;
            const az_section *sec = real ? &img->sections[r->index] : NULL;
            json_object_set_new(s, "index", real ? json_integer(sec->index) : json_null());
            json_object_set_new(s, "vm_address", real ? json_integer((json_int_t)sec->vm_addr) : json_null());
            json_object_set_new(s, "vm_size", json_integer((json_int_t)r->vm));
            json_object_set_new(s, "file_offset", real ? json_integer((json_int_t)sec->file_off) : json_null());
            json_object_set_new(s, "file_size", json_integer((json_int_t)r->file));
            char fl[16] = "";
            if (real)
                section_flags(fl, sizeof fl, sec->flags);
            json_object_set_new(s, "flags", json_string(fl));
            json_t *bk = json_object();
            for (int b = 0; b < AZ_BUCKET__COUNT; b++) {
                uint64_t f = a->section_file[r->index][b], v = a->section_vm[r->index][b];
                if (!f && !v)
                    continue;
                json_t *x = json_object();
                json_object_set_new(x, "file_size", json_integer((json_int_t)f));
                json_object_set_new(x, "vm_size", json_integer((json_int_t)v));
                json_object_set_new(bk, az_bucket_name((az_bucket)b), x);
            }
            json_object_set_new(s, "buckets", bk);
            json_array_append_new(arr, s);
        }
        json_object_set_new(root, "sections", arr);
        json_object_set_new(root, "warnings", warnings_json(a));
        emit_json(root, out);
    } else if (o->format == AZ_OUT_CSV) {
        fprintf(out, "name,vm_address,vm_size,file_offset,file_size,flags");
        for (int b = 0; b < AZ_BUCKET__COUNT; b++)
            fprintf(out, ",%s_file_size", az_bucket_name((az_bucket)b));
        fputc('\n', out);
        for (size_t k = 0; k < shown; k++) {
            const section_row *r = &rows[k];
            bool real = r->index < img->nsections;
            const az_section *sec = real ? &img->sections[r->index] : NULL;
            char fl[16] = "";
            if (real)
                section_flags(fl, sizeof fl, sec->flags);
            csv_field(out, r->name, false);
            fprintf(out, "%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%s", real ? sec->vm_addr : 0, r->vm,
                    real ? sec->file_off : 0, r->file, fl);
            for (int b = 0; b < AZ_BUCKET__COUNT; b++)
                fprintf(out, ",%" PRIu64, a->section_file[r->index][b]);
            fputc('\n', out);
        }
    } else {
        text_header(a, out);
        fprintf(out, "\n %-22s %12s %11s %10s %11s  %-5s  %s\n", "SECTION", "VM ADDR", "VM SIZE", "FILE OFF",
                "FILE SIZE", "FLAGS", "FILE BYTES BY BUCKET");
        for (size_t k = 0; k < shown; k++) {
            const section_row *r = &rows[k];
            bool real = r->index < img->nsections;
            const az_section *sec = real ? &img->sections[r->index] : NULL;
            char fl[16] = "", fs[32], vs[32], addr[24] = "", off[24] = "", what[256];
            if (real) {
                section_flags(fl, sizeof fl, sec->flags);
                if (sec->vm_size)
                    snprintf(addr, sizeof addr, "%#" PRIx64, sec->vm_addr);
                if (sec->file_size)
                    snprintf(off, sizeof off, "%#" PRIx64, sec->file_off);
            }
            az_format_size(fs, sizeof fs, r->file);
            az_format_size(vs, sizeof vs, r->vm);
            const uint64_t *row = r->file ? a->section_file[r->index] : a->section_vm[r->index];
            contents(what, sizeof what, row, r->file ? r->file : r->vm);
            if (!r->file && r->vm)
                strncat(what, " (memory only)", sizeof what - strlen(what) - 1);
            fprintf(out, " %-22s %12s %11s %10s %11s  %-5s  %s\n", r->name, addr, vs, off, fs, fl, what);
        }
        char fs[32], vs[32];
        az_format_size(fs, sizeof fs, a->file_total);
        az_format_size(vs, sizeof vs, a->vm_total);
        fprintf(out, " %-22s %12s %11s %10s %11s\n", "TOTAL", "", vs, "", fs);
    }
    free(rows);
}

/* ---- shared with the other view files (report_shared.h) ------------------------------ */

json_t *az_report_document(const az_analysis *a) { return document(a); }
json_t *az_report_warnings(const az_analysis *a) { return warnings_json(a); }
void az_report_emit(json_t *root, FILE *out) { emit_json(root, out); }
void az_csv_field(FILE *out, const char *s, bool last) { csv_field(out, s, last); }
void az_text_header(const az_analysis *a, FILE *out) { text_header(a, out); }
void az_format_pct(char *buf, size_t cap, uint64_t part, uint64_t total) { format_pct(buf, cap, part, total); }
