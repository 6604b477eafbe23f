/* The diff view: text, JSON, CSV and markdown renderings of an az_diff. */
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "report_shared.h"

static uint64_t magnitude(int64_t v)
{
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

void az_format_delta(char *buf, size_t cap, int64_t delta)
{
    char size[32];
    az_format_size(size, sizeof size, magnitude(delta));
    snprintf(buf, cap, "%s%s", delta > 0 ? "+" : delta < 0 ? "-" : "", size);
}

void az_format_change_pct(char *buf, size_t cap, uint64_t old, uint64_t new_)
{
    if (!old) {
        snprintf(buf, cap, "%s", new_ ? "new" : "0.0%");
        return;
    }
    /* one decimal, rounded half away from zero, in integer arithmetic */
    uint64_t diff = new_ > old ? new_ - old : old - new_;
    unsigned __int128 tenths = ((unsigned __int128)diff * 1000 + old / 2) / old;
    const char *sign = new_ > old ? "+" : new_ < old ? "-" : "";
    /* no decimal from 1000% on, so the column keeps its width */
    if (tenths >= 10000)
        snprintf(buf, cap, "%s%" PRIu64 "%%", sign, (uint64_t)((tenths + 5) / 10));
    else
        snprintf(buf, cap, "%s%" PRIu64 ".%" PRIu64 "%%", sign, (uint64_t)(tenths / 10), (uint64_t)(tenths % 10));
}

static uint64_t row_old(const az_diff_row *r, bool vm)
{
    return vm ? r->old_vm : r->old_file;
}

static uint64_t row_new(const az_diff_row *r, bool vm)
{
    return vm ? r->new_vm : r->new_file;
}

static int64_t row_delta(const az_diff_row *r, bool vm)
{
    return vm ? az_diff_delta_vm(r) : az_diff_delta_file(r);
}

static const char *level_title(az_diff_level l)
{
    static const char *const titles[AZ_DIFF__LEVELS] = {
        "Buckets", "Assemblies", "Namespaces", "Types", "Members", "Generic definitions",
    };
    return titles[l];
}

/* Levels a --depth shows: buckets always, then assemblies (1), namespaces
 * (2), types and generic definitions (3), members (4). */
static bool level_shown(az_diff_level l, int depth)
{
    switch (l) {
    case AZ_DIFF_BUCKET: return true;
    case AZ_DIFF_ASSEMBLY: return depth >= 1;
    case AZ_DIFF_NAMESPACE: return depth >= 2;
    case AZ_DIFF_TYPE:
    case AZ_DIFF_GENERIC: return depth >= 3;
    case AZ_DIFF_MEMBER: return depth >= 4;
    default: return false;
    }
}

/* Levels in the order they are printed: generic definitions after types. */
static const az_diff_level print_order[AZ_DIFF__LEVELS] = {
    AZ_DIFF_BUCKET, AZ_DIFF_ASSEMBLY, AZ_DIFF_NAMESPACE, AZ_DIFF_TYPE, AZ_DIFF_GENERIC, AZ_DIFF_MEMBER,
};

/* "name (assembly)" for rows whose name alone can be ambiguous. */
static void row_label(char *buf, size_t cap, const az_diff_row *r)
{
    bool with_asm = r->assembly && (r->level == AZ_DIFF_NAMESPACE || r->level == AZ_DIFF_TYPE ||
                                    r->level == AZ_DIFF_GENERIC);
    if (with_asm)
        snprintf(buf, cap, "%s (%s)", r->name, r->assembly);
    else
        snprintf(buf, cap, "%s", r->name);
}

static void describe_input(FILE *out, const char *role, const az_analysis *a)
{
    if (!a) {
        fprintf(out, "%s: (nothing)\n", role);
        return;
    }
    fprintf(out, "%s: %s (%s %s", role, a->img.path, az_format_title(a->img.format),
            az_arch_name(a->img.arch));
    if (a->native_aot)
        fprintf(out, ", .NET Native AOT%s%s", a->dotnet_version ? " " : "", a->dotnet_version ? a->dotnet_version : "");
    if (a->snapshot_of)
        fprintf(out, ", snapshot of %s", a->snapshot_of);
    fprintf(out, ", symbols: %s)\n", az_symbols_level_name(a->symbols));
}

/* ---- text ---------------------------------------------------------------------------------- */

static void text_total(FILE *out, const char *what, uint64_t old, uint64_t new_)
{
    char os[32], ns[32], ds[32], ps[32];
    az_format_size(os, sizeof os, old);
    az_format_size(ns, sizeof ns, new_);
    az_format_delta(ds, sizeof ds, (int64_t)new_ - (int64_t)old);
    az_format_change_pct(ps, sizeof ps, old, new_);
    fprintf(out, " %-9s %10s -> %10s  %10s  %7s\n", what, os, ns, ds, ps);
}

static void text_level(FILE *out, const az_diff *d, az_diff_level l, const az_view_opts *o)
{
    bool vm = d->sort == AZ_SORT_VM;
    size_t first = d->level_start[l], n = d->level_start[l + 1] - first;
    size_t shown = o->limit && o->limit < n ? o->limit : n;
    fprintf(out, "\n%s (%zu changed%s)\n", level_title(l), n, shown < n ? ", largest first" : "");
    if (!n)
        return;
    bool gen = l == AZ_DIFF_GENERIC;
    if (gen)
        fprintf(out, " %10s %7s %10s %10s %10s %10s  %-9s %-8s %s\n", vm ? "VM DELTA" : "FILE DELTA", "%",
                vm ? "OLD VM" : "OLD FILE", vm ? "NEW VM" : "NEW FILE", "MORE INST", "BIGGER", "INSTANCES", "CHANGE",
                "NAME");
    else
        fprintf(out, " %10s %7s %10s %10s %10s  %-8s %s\n", vm ? "VM DELTA" : "FILE DELTA", "%",
                vm ? "OLD VM" : "OLD FILE", vm ? "NEW VM" : "NEW FILE", vm ? "FILE DELTA" : "VM DELTA", "CHANGE",
                "NAME");
    for (size_t k = 0; k < shown; k++) {
        const az_diff_row *r = &d->rows[first + k];
        char ds[32], ps[32], os[32], ns[32], xs[32], label[1024];
        az_format_delta(ds, sizeof ds, row_delta(r, vm));
        az_format_change_pct(ps, sizeof ps, row_old(r, vm), row_new(r, vm));
        az_format_size(os, sizeof os, row_old(r, vm));
        az_format_size(ns, sizeof ns, row_new(r, vm));
        row_label(label, sizeof label, r);
        if (gen) {
            char ms[32], bs[32], cs[48];
            az_format_delta(ms, sizeof ms, vm ? r->more_vm : r->more_file);
            az_format_delta(bs, sizeof bs, vm ? r->bigger_vm : r->bigger_file);
            snprintf(cs, sizeof cs, "%" PRIu64 " -> %" PRIu64, r->old_count, r->new_count);
            fprintf(out, " %10s %7s %10s %10s %10s %10s  %-9s %-8s %s\n", ds, ps, os, ns, ms, bs, cs,
                    az_change_name(r->change), label);
        } else {
            az_format_delta(xs, sizeof xs, row_delta(r, !vm));
            fprintf(out, " %10s %7s %10s %10s %10s  %-8s %s%s%s%s\n", ds, ps, os, ns, xs, az_change_name(r->change),
                    label, r->note ? "  [" : "", r->note ? r->note : "", r->note ? "]" : "");
        }
    }
    if (shown < n) {
        int64_t rest = 0;
        for (size_t k = shown; k < n; k++)
            rest += row_delta(&d->rows[first + k], vm);
        char ds[32];
        az_format_delta(ds, sizeof ds, rest);
        fprintf(out, " %10s %7s %10s %10s %10s  %-8s [%zu more row%s; --limit 0 shows all]\n", ds, "", "", "", "", "",
                n - shown, n - shown == 1 ? "" : "s");
    }
}

static void view_text(const az_diff *d, const az_view_opts *o)
{
    FILE *out = o->out;
    describe_input(out, "old", d->old);
    describe_input(out, "new", d->new_);
    fprintf(out, "\n");
    bool filtered = o->filter.regex || o->filter.bucket >= 0;
    text_total(out, filtered ? "FILE (filtered)" : "FILE SIZE", d->old_file, d->new_file);
    text_total(out, filtered ? "VM (filtered)" : "VM SIZE", d->old_vm, d->new_vm);
    if (d->moved_types || d->renumbered)
        fprintf(out, " matched: %zu type%s moved between assemblies, %zu method%s renumbered (overload index)\n",
                d->moved_types, d->moved_types == 1 ? "" : "s", d->renumbered, d->renumbered == 1 ? "" : "s");
    for (int k = 0; k < AZ_DIFF__LEVELS; k++)
        if (level_shown(print_order[k], o->depth))
            text_level(out, d, print_order[k], o);
}

/* ---- JSON ------------------------------------------------------------------------------------ */

static json_t *sizes_json(json_t *o, const char *prefix, uint64_t file, uint64_t vm)
{
    char key[64];
    snprintf(key, sizeof key, "%sfile_size", prefix);
    json_object_set_new(o, key, json_integer((json_int_t)file));
    snprintf(key, sizeof key, "%svm_size", prefix);
    json_object_set_new(o, key, json_integer((json_int_t)vm));
    return o;
}

static json_t *opt_str(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *row_json(const az_diff_row *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(r->name));
    json_object_set_new(o, "change", json_string(az_change_name(r->change)));
    json_object_set_new(o, "bucket", opt_str(r->bucket));
    if (r->level >= AZ_DIFF_NAMESPACE)
        json_object_set_new(o, "assembly", opt_str(r->assembly));
    if (r->level == AZ_DIFF_NAMESPACE || r->level == AZ_DIFF_TYPE || r->level == AZ_DIFF_MEMBER ||
        r->level == AZ_DIFF_GENERIC)
        json_object_set_new(o, "namespace", opt_str(r->ns));
    if (r->level == AZ_DIFF_TYPE || r->level == AZ_DIFF_MEMBER)
        json_object_set_new(o, "type", opt_str(r->type));
    if (r->level == AZ_DIFF_MEMBER) {
        json_object_set_new(o, "member", opt_str(r->member));
        json_object_set_new(o, "kind", opt_str(r->kind));
    }
    json_object_set_new(o, "note", opt_str(r->note));
    sizes_json(o, "old_", r->old_file, r->old_vm);
    sizes_json(o, "new_", r->new_file, r->new_vm);
    json_object_set_new(o, "delta_file_size", json_integer(az_diff_delta_file(r)));
    json_object_set_new(o, "delta_vm_size", json_integer(az_diff_delta_vm(r)));
    if (r->level == AZ_DIFF_GENERIC) {
        json_object_set_new(o, "old_instantiations", json_integer((json_int_t)r->old_count));
        json_object_set_new(o, "new_instantiations", json_integer((json_int_t)r->new_count));
        json_t *more = json_object(), *bigger = json_object();
        json_object_set_new(more, "file_size", json_integer(r->more_file));
        json_object_set_new(more, "vm_size", json_integer(r->more_vm));
        json_object_set_new(bigger, "file_size", json_integer(r->bigger_file));
        json_object_set_new(bigger, "vm_size", json_integer(r->bigger_vm));
        json_object_set_new(o, "more_instantiations", more);
        json_object_set_new(o, "bigger_instantiations", bigger);
    } else {
        json_object_set_new(o, "old_count", json_integer((json_int_t)r->old_count));
        json_object_set_new(o, "new_count", json_integer((json_int_t)r->new_count));
    }
    return o;
}

/* The "input" object every view writes for one analysis. */
static json_t *input_or_null(const az_analysis *a)
{
    if (!a)
        return json_null();
    json_t *doc = az_report_document(a);
    json_t *in = json_incref(json_object_get(doc, "input"));
    json_decref(doc);
    return in;
}

static void view_json(const az_diff *d, const az_view_opts *o)
{
    json_t *root = json_object();
    json_object_set_new(root, "schema", json_string("aotsize/1"));
    json_object_set_new(root, "old", input_or_null(d->old));
    json_object_set_new(root, "new", input_or_null(d->new_));
    json_t *totals = json_object();
    sizes_json(totals, "old_", d->old_file, d->old_vm);
    sizes_json(totals, "new_", d->new_file, d->new_vm);
    json_object_set_new(totals, "delta_file_size", json_integer((json_int_t)d->new_file - (json_int_t)d->old_file));
    json_object_set_new(totals, "delta_vm_size", json_integer((json_int_t)d->new_vm - (json_int_t)d->old_vm));
    json_object_set_new(totals, "filtered", json_boolean(o->filter.regex || o->filter.bucket >= 0));
    json_object_set_new(root, "totals", totals);
    json_t *m = json_object();
    json_object_set_new(m, "moved_types", json_integer((json_int_t)d->moved_types));
    json_object_set_new(m, "renumbered_methods", json_integer((json_int_t)d->renumbered));
    json_object_set_new(root, "matching", m);
    for (int k = 0; k < AZ_DIFF__LEVELS; k++) {
        az_diff_level l = (az_diff_level)k;
        if (!level_shown(l, o->depth))
            continue;
        json_t *arr = json_array();
        size_t first = d->level_start[l], n = d->level_start[l + 1] - first;
        size_t shown = o->limit && o->limit < n ? o->limit : n;
        for (size_t i = 0; i < shown; i++)
            json_array_append_new(arr, row_json(&d->rows[first + i]));
        json_object_set_new(root, az_diff_level_name(l), arr);
    }
    json_t *w = json_array();
    for (int s = 0; s < 2; s++) {
        const az_analysis *a = s ? d->new_ : d->old;
        for (size_t i = 0; a && i < a->img.nwarnings; i++)
            json_array_append_new(w, json_sprintf("%s: %s", s ? "new" : "old", a->img.warnings[i]));
    }
    json_object_set_new(root, "warnings", w);
    json_dumpf(root, o->out, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    fputc('\n', o->out);
    json_decref(root);
}

/* ---- CSV ---------------------------------------------------------------------------------------- */

static void view_csv(const az_diff *d, const az_view_opts *o)
{
    FILE *out = o->out;
    fprintf(out, "level,name,change,bucket,assembly,namespace,type,member,kind,note,old_file_size,new_file_size,"
                 "delta_file_size,old_vm_size,new_vm_size,delta_vm_size,old_count,new_count,"
                 "more_instantiations_file_size,bigger_instantiations_file_size\n");
    for (int k = 0; k < AZ_DIFF__LEVELS; k++) {
        az_diff_level l = print_order[k];
        if (!level_shown(l, o->depth))
            continue;
        size_t first = d->level_start[l], n = d->level_start[l + 1] - first;
        size_t shown = o->limit && o->limit < n ? o->limit : n;
        for (size_t i = 0; i < shown; i++) {
            const az_diff_row *r = &d->rows[first + i];
            const char *fields[] = { az_diff_level_name(l), r->name, az_change_name(r->change), r->bucket,
                                     r->assembly, r->ns, r->type, r->member, r->kind, r->note };
            for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++)
                az_csv_field(out, fields[f], false);
            fprintf(out, "%" PRIu64 ",%" PRIu64 ",%" PRId64 ",%" PRIu64 ",%" PRIu64 ",%" PRId64 ",%" PRIu64 ",%" PRIu64,
                    r->old_file, r->new_file, az_diff_delta_file(r), r->old_vm, r->new_vm, az_diff_delta_vm(r),
                    r->old_count, r->new_count);
            if (l == AZ_DIFF_GENERIC)
                fprintf(out, ",%" PRId64 ",%" PRId64 "\n", r->more_file, r->bigger_file);
            else
                fprintf(out, ",,\n");
        }
    }
}

/* ---- markdown -------------------------------------------------------------------------------------- */

/* Text for a markdown table cell: HTML-escaped (GitHub renders tags) and
 * with the characters that make links, emphasis, code or cells escaped. */
void az_md_text(FILE *out, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        switch (*p) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '|': case '\\': case '`': case '*': case '_': case '[': case ']': case '#': case '~':
            fputc('\\', out);
            fputc(*p, out);
            break;
        case '\n': case '\r': fputc(' ', out); break;
        default: fputc(*p, out);
        }
    }
}

static void md_table(FILE *out, const az_diff *d, az_diff_level l, size_t limit)
{
    bool vm = d->sort == AZ_SORT_VM;
    size_t first = d->level_start[l], n = d->level_start[l + 1] - first;
    size_t shown = limit && limit < n ? limit : n;
    bool gen = l == AZ_DIFF_GENERIC;
    static const char *const what[AZ_DIFF__LEVELS] = { "Bucket", "Assembly", "Namespace", "Type", "Member",
                                                       "Generic definition" };
    fprintf(out, "| Change | %s | Old | New | Δ %s | Δ %% |%s\n", what[l], vm ? "VM" : "file",
            gen ? " Instances | More inst. | Bigger inst. |" : "");
    fprintf(out, "|---|---|--:|--:|--:|--:|%s\n", gen ? "--:|--:|--:|" : "");
    for (size_t k = 0; k < shown; k++) {
        const az_diff_row *r = &d->rows[first + k];
        char ds[32], ps[32], os[32], ns[32], label[1024];
        az_format_delta(ds, sizeof ds, row_delta(r, vm));
        az_format_change_pct(ps, sizeof ps, row_old(r, vm), row_new(r, vm));
        az_format_size(os, sizeof os, row_old(r, vm));
        az_format_size(ns, sizeof ns, row_new(r, vm));
        row_label(label, sizeof label, r);
        fprintf(out, "| %s | ", az_change_name(r->change));
        az_md_text(out, label);
        if (r->note) {
            fputs(" (", out);
            az_md_text(out, r->note);
            fputs(")", out);
        }
        fprintf(out, " | %s | %s | %s | %s |", os, ns, ds, ps);
        if (gen) {
            char ms[32], bs[32];
            az_format_delta(ms, sizeof ms, vm ? r->more_vm : r->more_file);
            az_format_delta(bs, sizeof bs, vm ? r->bigger_vm : r->bigger_file);
            fprintf(out, " %" PRIu64 " → %" PRIu64 " | %s | %s |", r->old_count, r->new_count, ms, bs);
        }
        fputc('\n', out);
    }
    if (shown < n) {
        int64_t rest = 0;
        for (size_t k = shown; k < n; k++)
            rest += row_delta(&d->rows[first + k], vm);
        char ds[32];
        az_format_delta(ds, sizeof ds, rest);
        fprintf(out, "| | *%zu more* | | | %s | |%s\n", n - shown, ds, gen ? " | | |" : "");
    }
}

static void view_markdown(const az_diff *d, const az_view_opts *o)
{
    FILE *out = o->out;
    bool vm = d->sort == AZ_SORT_VM;
    uint64_t old = vm ? d->old_vm : d->old_file, new_ = vm ? d->new_vm : d->new_file;
    char ds[32], ps[32], os[32], ns[32], vds[32], vps[32];
    az_format_delta(ds, sizeof ds, (int64_t)new_ - (int64_t)old);
    az_format_change_pct(ps, sizeof ps, old, new_);
    az_format_size(os, sizeof os, old);
    az_format_size(ns, sizeof ns, new_);
    uint64_t old2 = vm ? d->old_file : d->old_vm, new2 = vm ? d->new_file : d->new_vm;
    az_format_delta(vds, sizeof vds, (int64_t)new2 - (int64_t)old2);
    az_format_change_pct(vps, sizeof vps, old2, new2);
    fprintf(out, "### aotsize: %s %s (%s)\n\n", vm ? "VM size" : "file size", ds, ps);
    fprintf(out, "%s %s → %s (**%s, %s**); %s %s (%s)", vm ? "VM size" : "File size", os, ns, ds, ps,
            vm ? "file size" : "VM size", vds, vps);
    if (o->filter.regex || o->filter.bucket >= 0)
        fputs(", filtered", out);
    fputs(".\n\n", out);
    if (d->level_start[AZ_DIFF_ASSEMBLY + 1] == d->level_start[AZ_DIFF_ASSEMBLY]) {
        fputs("No size changes.\n", out);
        return;
    }
    md_table(out, d, AZ_DIFF_ASSEMBLY, o->limit);
    static const az_diff_level details[] = { AZ_DIFF_TYPE, AZ_DIFF_GENERIC, AZ_DIFF_MEMBER, AZ_DIFF_NAMESPACE,
                                             AZ_DIFF_BUCKET };
    for (size_t k = 0; k < sizeof details / sizeof details[0]; k++) {
        az_diff_level l = details[k];
        size_t n = d->level_start[l + 1] - d->level_start[l];
        if (!n || !level_shown(l, o->depth))
            continue;
        fprintf(out, "\n<details><summary>%s (%zu changed)</summary>\n\n", level_title(l), n);
        md_table(out, d, l, o->limit);
        fputs("\n</details>\n", out);
    }
    fputs("\n<sub>old: ", out);
    az_md_text(out, d->old ? d->old->img.path : "(nothing)");
    fputs(" · new: ", out);
    az_md_text(out, d->new_ ? d->new_->img.path : "(nothing)");
    fputs(" · aotsize diff</sub>\n", out);
}

void az_view_diff(const az_diff *d, const az_view_opts *o)
{
    switch (o->format) {
    case AZ_OUT_JSON: view_json(d, o); break;
    case AZ_OUT_CSV: view_csv(d, o); break;
    case AZ_OUT_MARKDOWN: view_markdown(d, o); break;
    default: view_text(d, o); break;
    }
}
