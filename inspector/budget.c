#include "budget.h"

#include <ctype.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "report_shared.h"

const char az_budget_doc[] =
    "Budget file for 'aotsize check APP --budget FILE [--baseline SNAPSHOT]' (JSON):\n"
    "\n"
    "  {\n"
    "    \"schema\": \"" AZ_BUDGET_SCHEMA "\",\n"
    "    \"total\":      { \"max_file_size\": \"12 MiB\", \"max_file_growth\": \"64 KiB\",\n"
    "                    \"max_file_growth_percent\": 1.5 },\n"
    "    \"buckets\":    { \"app\": { \"max_file_size\": \"400 KiB\" },\n"
    "                    \"runtime\": { \"max_vm_size\": \"2 MiB\" } },\n"
    "    \"assemblies\": { \"System.Text.Json\": { \"max_file_growth\": \"16 KiB\" } },\n"
    "    \"namespaces\": { \"WebApi.Sample\": { \"max_file_size\": 65536 } },\n"
    "    \"generics\":   { \"System.Collections.Generic.Dictionary`2\": { \"max_file_growth_percent\": 10 } }\n"
    "  }\n"
    "\n"
    "Every section is optional; each name maps to one or more limits:\n"
    "  max_file_size, max_vm_size        absolute size (bytes in the file / mapped)\n"
    "  max_file_growth, max_vm_growth    growth over the baseline, in bytes\n"
    "  max_file_growth_percent,\n"
    "  max_vm_growth_percent             growth over the baseline, in percent of it\n"
    "Sizes are integers (bytes) or strings with a unit: \"512\", \"300 KiB\", \"1.5 MiB\",\n"
    "\"2 GiB\" (powers of 1024) or \"300 KB\", \"2 MB\" (powers of 1000).  Percentages are\n"
    "numbers.  Names are those the summary and diff show: buckets (app, framework,\n"
    "runtime, compiler, format, debug, unattributed), assemblies (\"System.Private.CoreLib\",\n"
    "also \"[runtime] GC\" style owners), namespaces (summed over assemblies; \"(global\n"
    "namespace)\" for none) and generic definitions as the generics view and the diff name\n"
    "them (\"System.Collections.Generic.List`1\", \"System.Linq.Enumerable.Select`2\"; summed\n"
    "over assemblies).  A name the app does not have measures 0 bytes (and is marked\n"
    "'not found').  Growth limits need --baseline (a snapshot or a binary); without\n"
    "one they are reported as skipped.  Growth in percent of nothing (a new assembly)\n"
    "exceeds every percent limit.  Exit status: 0 all limits hold, 1 a limit is\n"
    "exceeded, 2 unusable input or budget file.\n";

static const char *const scope_keys[AZ_SCOPE__COUNT] = { "total", "buckets", "assemblies", "namespaces",
                                                         "generics" };
static const char *const scope_names[AZ_SCOPE__COUNT] = { "total", "bucket", "assembly", "namespace", "generic" };
static const char *const metric_keys[AZ_METRIC__COUNT] = {
    "max_file_size", "max_vm_size", "max_file_growth", "max_vm_growth", "max_file_growth_percent",
    "max_vm_growth_percent",
};
/* How a metric reads in reports. */
static const char *const metric_names[AZ_METRIC__COUNT] = {
    "file size", "VM size", "file growth", "VM growth", "file growth %", "VM growth %",
};

static bool metric_vm(az_metric m)
{
    return m == AZ_METRIC_VM_SIZE || m == AZ_METRIC_VM_GROWTH || m == AZ_METRIC_VM_GROWTH_PCT;
}

static bool metric_growth(az_metric m)
{
    return m != AZ_METRIC_FILE_SIZE && m != AZ_METRIC_VM_SIZE;
}

static bool metric_percent(az_metric m)
{
    return m == AZ_METRIC_FILE_GROWTH_PCT || m == AZ_METRIC_VM_GROWTH_PCT;
}

/* ---- loading ------------------------------------------------------------------------------ */

static az_status budget_error(az_error *err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static az_status budget_error(az_error *err, const char *path, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return az_fail(err, AZ_ERR_USAGE, "%s: %s", path, msg);
}

/* "300 KiB", "1.5 MiB", "2MB", "512" -> bytes. */
static bool parse_size_text(const char *s, uint64_t *out)
{
    char *end;
    while (isspace((unsigned char)*s))
        s++;
    if (!isdigit((unsigned char)*s) && *s != '.')
        return false;
    double v = strtod(s, &end);
    while (isspace((unsigned char)*end))
        end++;
    static const struct {
        const char *unit;
        double scale;
    } units[] = {
        { "", 1 }, { "B", 1 }, { "KiB", 1024.0 }, { "MiB", 1048576.0 }, { "GiB", 1073741824.0 },
        { "KB", 1e3 }, { "kB", 1e3 }, { "MB", 1e6 }, { "GB", 1e9 },
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(end, units[i].unit) == 0) {
            double bytes = v * units[i].scale;
            if (!isfinite(bytes) || bytes < 0 || bytes >= 9.2e18)
                return false;
            *out = (uint64_t)llround(bytes);
            return true;
        }
    return false;
}

static az_status add_limits(az_budget *b, az_scope scope, const char *name, json_t *limits, const char *where,
                            az_error *err)
{
    if (!json_is_object(limits))
        return budget_error(err, b->path, "%s must be an object of limits (e.g. {\"max_file_size\": \"1 MiB\"})",
                            where);
    if (json_object_size(limits) == 0)
        return budget_error(err, b->path, "%s has no limits", where);
    const char *key;
    json_t *v;
    json_object_foreach(limits, key, v) {
        int m = 0;
        while (m < AZ_METRIC__COUNT && strcmp(key, metric_keys[m]) != 0)
            m++;
        if (m == AZ_METRIC__COUNT)
            return budget_error(err, b->path,
                                "%s: unknown limit \"%s\" (use max_file_size, max_vm_size, max_file_growth, "
                                "max_vm_growth, max_file_growth_percent or max_vm_growth_percent)",
                                where, key);
        az_limit lim = { scope, name, (az_metric)m, 0, 0 };
        if (metric_percent(lim.metric)) {
            if (!json_is_number(v) || !isfinite(json_number_value(v)) || json_number_value(v) < 0)
                return budget_error(err, b->path, "%s.%s must be a non-negative number (percent)", where, key);
            lim.percent = json_number_value(v);
        } else if (json_is_integer(v) && json_integer_value(v) >= 0) {
            lim.bytes = (uint64_t)json_integer_value(v);
        } else if (!json_is_string(v) || !parse_size_text(json_string_value(v), &lim.bytes)) {
            return budget_error(err, b->path,
                                "%s.%s must be bytes: a non-negative integer or a size such as \"300 KiB\" or "
                                "\"1.5 MiB\"",
                                where, key);
        }
        az_grow(&b->limits, &b->cap_limits, b->nlimits + 1, sizeof *b->limits);
        b->limits[b->nlimits++] = lim;
    }
    return AZ_OK;
}

static az_status load_root(az_budget *b, json_t *root, az_error *err)
{
    if (!json_is_object(root))
        return budget_error(err, b->path, "a budget is a JSON object (see 'aotsize help budget')");
    json_t *schema = json_object_get(root, "schema");
    if (!json_is_string(schema) || strcmp(json_string_value(schema), AZ_BUDGET_SCHEMA) != 0)
        return budget_error(err, b->path, "\"schema\" must be \"" AZ_BUDGET_SCHEMA "\" (see 'aotsize help budget')");
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
        if (strcmp(key, "schema") == 0)
            continue;
        int s = 0;
        while (s < AZ_SCOPE__COUNT && strcmp(key, scope_keys[s]) != 0)
            s++;
        if (s == AZ_SCOPE__COUNT)
            return budget_error(err, b->path,
                                "unknown section \"%s\" (use total, buckets, assemblies, namespaces or generics)", key);
    }
    /* Sections in a fixed order, so reports list limits the same way every time. */
    for (int s = 0; s < AZ_SCOPE__COUNT; s++) {
        json_t *sec = json_object_get(root, scope_keys[s]);
        if (!sec)
            continue;
        az_status st;
        if (s == AZ_SCOPE_TOTAL) {
            if ((st = add_limits(b, AZ_SCOPE_TOTAL, "TOTAL", sec, "total", err)))
                return st;
            continue;
        }
        if (!json_is_object(sec))
            return budget_error(err, b->path, "\"%s\" must be an object of names", scope_keys[s]);
        const char *name;
        json_t *limits;
        json_object_foreach(sec, name, limits) {
            if (s == AZ_SCOPE_BUCKET) {
                az_bucket bk;
                if (!az_bucket_parse(name, &bk))
                    return budget_error(err, b->path,
                                        "buckets: unknown bucket \"%s\" (app, framework, managed, runtime, compiler, "
                                        "format, debug, unattributed)",
                                        name);
            }
            char where[300];
            snprintf(where, sizeof where, "%s.%s", scope_keys[s], name);
            if ((st = add_limits(b, (az_scope)s, az_arena_strdup(&b->arena, name), limits, where, err)))
                return st;
        }
    }
    if (!b->nlimits)
        return budget_error(err, b->path, "no limits (see 'aotsize help budget')");
    return AZ_OK;
}

az_status az_budget_load(const char *path, az_budget *out, az_error *err)
{
    memset(out, 0, sizeof *out);
    az_arena_init(&out->arena);
    out->path = az_arena_strdup(&out->arena, path);
    json_error_t jerr;
    /* Budgets are small; refuse anything that is not. */
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        az_status st = jerr.position == 0 && jerr.line <= 0
                           ? az_fail(err, AZ_ERR_USAGE, "%s: cannot read budget: %s", path, jerr.text)
                           : az_fail(err, AZ_ERR_USAGE, "%s: line %d: %s", path, jerr.line, jerr.text);
        az_budget_free(out);
        return st;
    }
    az_status st = load_root(out, root, err);
    json_decref(root);
    if (st)
        az_budget_free(out);
    return st;
}

void az_budget_free(az_budget *b)
{
    free(b->limits);
    az_arena_free(&b->arena);
    memset(b, 0, sizeof *b);
}

/* ---- checking ------------------------------------------------------------------------------- */

/* Old and new sizes of a budget name, summed over the diff's rows. */
static bool measure(const az_diff *d, const az_limit *lim, uint64_t *of, uint64_t *nf, uint64_t *ov, uint64_t *nv)
{
    *of = *nf = *ov = *nv = 0;
    if (lim->scope == AZ_SCOPE_TOTAL) {
        *of = d->old_file;
        *nf = d->new_file;
        *ov = d->old_vm;
        *nv = d->new_vm;
        return true;
    }
    static const az_diff_level levels[AZ_SCOPE__COUNT] = { 0, AZ_DIFF_BUCKET, AZ_DIFF_ASSEMBLY, AZ_DIFF_NAMESPACE,
                                                           AZ_DIFF_GENERIC };
    az_diff_level l = levels[lim->scope];
    bool found = false;
    for (size_t i = d->level_start[l]; i < d->level_start[l + 1]; i++) {
        const az_diff_row *r = &d->rows[i];
        /* Namespace rows are named "(global namespace)" for ""; match both. */
        bool match = strcmp(r->name, lim->name) == 0 ||
                     (lim->scope == AZ_SCOPE_NAMESPACE && r->ns && strcmp(r->ns, lim->name) == 0);
        if (!match)
            continue;
        found = true;
        *of += r->old_file;
        *nf += r->new_file;
        *ov += r->old_vm;
        *nv += r->new_vm;
    }
    return found;
}

void az_budget_check(const az_budget *b, const az_diff *d, const az_analysis *app, const az_analysis *baseline,
                     az_check *out)
{
    memset(out, 0, sizeof *out);
    out->budget = b;
    out->app = app;
    out->baseline = baseline;
    out->results = az_xcalloc(b->nlimits ? b->nlimits : 1, sizeof *out->results);
    out->nresults = b->nlimits;
    for (size_t i = 0; i < b->nlimits; i++) {
        const az_limit *lim = &b->limits[i];
        az_limit_result *r = &out->results[i];
        r->limit = lim;
        uint64_t of, nf, ov, nv;
        r->found = measure(d, lim, &of, &nf, &ov, &nv);
        bool vm = metric_vm(lim->metric);
        r->old_size = vm ? ov : of;
        r->new_size = vm ? nv : nf;
        if (metric_growth(lim->metric) && !baseline) {
            r->verdict = AZ_VERDICT_SKIPPED;
            out->nskipped++;
            continue;
        }
        bool over;
        if (!metric_growth(lim->metric)) {
            r->actual_bytes = (int64_t)r->new_size;
            r->margin_bytes = (int64_t)lim->bytes - r->actual_bytes;
            over = r->new_size > lim->bytes;
        } else if (!metric_percent(lim->metric)) {
            r->actual_bytes = (int64_t)r->new_size - (int64_t)r->old_size;
            r->margin_bytes = (int64_t)lim->bytes - r->actual_bytes;
            over = r->actual_bytes > 0 && (uint64_t)r->actual_bytes > lim->bytes;
        } else if (r->old_size == 0) {
            r->infinite = r->new_size > 0;
            r->actual_percent = 0;
            r->margin_percent = lim->percent;
            over = r->infinite;
        } else {
            r->actual_percent = 100.0 * ((double)r->new_size - (double)r->old_size) / (double)r->old_size;
            r->margin_percent = lim->percent - r->actual_percent;
            over = r->actual_percent > lim->percent;
        }
        r->verdict = over ? AZ_VERDICT_OVER : AZ_VERDICT_OK;
        out->nover += over;
    }
}

void az_check_free(az_check *c)
{
    free(c->results);
    memset(c, 0, sizeof *c);
}

/* ---- reports --------------------------------------------------------------------------------- */

static const char *verdict_name(az_verdict v)
{
    return v == AZ_VERDICT_OK ? "ok" : v == AZ_VERDICT_OVER ? "over" : "skipped";
}

static void limit_text(char *buf, size_t cap, const az_limit *lim)
{
    char size[32];
    if (metric_percent(lim->metric)) {
        snprintf(buf, cap, "%s <= %.2f%%", metric_names[lim->metric], lim->percent);
    } else {
        az_format_size(size, sizeof size, lim->bytes);
        snprintf(buf, cap, "%s <= %s", metric_names[lim->metric], size);
    }
}

static void actual_text(char *buf, size_t cap, const az_limit_result *r)
{
    if (r->verdict == AZ_VERDICT_SKIPPED) {
        snprintf(buf, cap, "(no baseline)");
    } else if (metric_percent(r->limit->metric)) {
        if (r->infinite)
            snprintf(buf, cap, "new (was 0 B)");
        else
            snprintf(buf, cap, "%+.2f%%", r->actual_percent);
    } else if (metric_growth(r->limit->metric)) {
        az_format_delta(buf, cap, r->actual_bytes);
    } else {
        az_format_size(buf, cap, (uint64_t)r->actual_bytes);
    }
}

static void margin_text(char *buf, size_t cap, const az_limit_result *r)
{
    if (r->verdict == AZ_VERDICT_SKIPPED || r->infinite)
        snprintf(buf, cap, "-");
    else if (metric_percent(r->limit->metric))
        snprintf(buf, cap, "%+.2f pp", r->margin_percent);
    else
        az_format_delta(buf, cap, r->margin_bytes);
}

static const char *verdict_line(const az_check *c)
{
    return c->nover ? "FAILED" : "passed";
}

static void view_text(const az_check *c, const az_view_opts *o)
{
    FILE *out = o->out;
    fprintf(out, "check: %s against %s", c->app->img.path, c->budget->path);
    if (c->baseline)
        fprintf(out, " (baseline %s)", c->baseline->img.path);
    fprintf(out, "\n\n %-7s %-9s %-40s %-26s %14s %12s\n", "STATUS", "SCOPE", "NAME", "LIMIT", "ACTUAL", "MARGIN");
    for (size_t i = 0; i < c->nresults; i++) {
        const az_limit_result *r = &c->results[i];
        char lim[64], act[48], mar[48];
        limit_text(lim, sizeof lim, r->limit);
        actual_text(act, sizeof act, r);
        margin_text(mar, sizeof mar, r);
        fprintf(out, " %-7s %-9s %-40s %-26s %14s %12s%s\n", r->verdict == AZ_VERDICT_OVER ? "OVER" : verdict_name(r->verdict),
                scope_names[r->limit->scope], r->limit->name, lim, act, mar, r->found ? "" : "  (not found)");
    }
    fprintf(out, "\n%zu limit%s: %zu within budget, %zu over, %zu skipped: %s\n", c->nresults,
            c->nresults == 1 ? "" : "s", c->nresults - c->nover - c->nskipped, c->nover, c->nskipped,
            verdict_line(c));
}

static void view_json(const az_check *c, const az_view_opts *o)
{
    json_t *root = az_report_document(c->app);
    json_t *base = NULL;
    if (c->baseline) {
        json_t *doc = az_report_document(c->baseline);
        base = json_incref(json_object_get(doc, "input"));
        json_decref(doc);
    }
    json_object_set_new(root, "baseline", base ? base : json_null());
    json_object_set_new(root, "budget", json_string(c->budget->path));
    json_object_set_new(root, "passed", json_boolean(c->nover == 0));
    json_t *counts = json_object();
    json_object_set_new(counts, "limits", json_integer((json_int_t)c->nresults));
    json_object_set_new(counts, "over", json_integer((json_int_t)c->nover));
    json_object_set_new(counts, "skipped", json_integer((json_int_t)c->nskipped));
    json_object_set_new(root, "counts", counts);
    json_t *arr = json_array();
    for (size_t i = 0; i < c->nresults; i++) {
        const az_limit_result *r = &c->results[i];
        const az_limit *lim = r->limit;
        json_t *x = json_object();
        json_object_set_new(x, "scope", json_string(scope_names[lim->scope]));
        json_object_set_new(x, "name", json_string(lim->name));
        json_object_set_new(x, "limit_key", json_string(metric_keys[lim->metric]));
        json_object_set_new(x, "status", json_string(verdict_name(r->verdict)));
        json_object_set_new(x, "found", json_boolean(r->found));
        json_object_set_new(x, "old_size", c->baseline ? json_integer((json_int_t)r->old_size) : json_null());
        json_object_set_new(x, "new_size", json_integer((json_int_t)r->new_size));
        bool skipped = r->verdict == AZ_VERDICT_SKIPPED;
        if (metric_percent(lim->metric)) {
            json_object_set_new(x, "limit", json_real(lim->percent));
            json_object_set_new(x, "actual", skipped || r->infinite ? json_null() : json_real(r->actual_percent));
            json_object_set_new(x, "margin", skipped || r->infinite ? json_null() : json_real(r->margin_percent));
        } else {
            json_object_set_new(x, "limit", json_integer((json_int_t)lim->bytes));
            json_object_set_new(x, "actual", skipped ? json_null() : json_integer(r->actual_bytes));
            json_object_set_new(x, "margin", skipped ? json_null() : json_integer(r->margin_bytes));
        }
        json_array_append_new(arr, x);
    }
    json_object_set_new(root, "limits", arr);
    json_object_set_new(root, "warnings", az_report_warnings(c->app));
    az_report_emit(root, o->out);
}

static void view_csv(const az_check *c, const az_view_opts *o)
{
    FILE *out = o->out;
    fprintf(out, "scope,name,limit_key,status,found,limit,old_size,new_size,actual,margin\n");
    for (size_t i = 0; i < c->nresults; i++) {
        const az_limit_result *r = &c->results[i];
        const az_limit *lim = r->limit;
        az_csv_field(out, scope_names[lim->scope], false);
        az_csv_field(out, lim->name, false);
        az_csv_field(out, metric_keys[lim->metric], false);
        az_csv_field(out, verdict_name(r->verdict), false);
        az_csv_field(out, r->found ? "true" : "false", false);
        bool skipped = r->verdict == AZ_VERDICT_SKIPPED;
        if (metric_percent(lim->metric))
            fprintf(out, "%.4f,", lim->percent);
        else
            fprintf(out, "%" PRIu64 ",", lim->bytes);
        if (c->baseline)
            fprintf(out, "%" PRIu64, r->old_size);
        fprintf(out, ",%" PRIu64 ",", r->new_size);
        if (skipped || r->infinite)
            fprintf(out, ",\n");
        else if (metric_percent(lim->metric))
            fprintf(out, "%.4f,%.4f\n", r->actual_percent, r->margin_percent);
        else
            fprintf(out, "%" PRId64 ",%" PRId64 "\n", r->actual_bytes, r->margin_bytes);
    }
}

static void view_markdown(const az_check *c, const az_view_opts *o)
{
    FILE *out = o->out;
    size_t ok = c->nresults - c->nover - c->nskipped;
    if (c->nover)
        fprintf(out, "### aotsize check: ❌ %zu of %zu limit%s exceeded\n\n", c->nover, c->nresults,
                c->nresults == 1 ? "" : "s");
    else
        fprintf(out, "### aotsize check: ✅ within budget (%zu limit%s)\n\n", ok, ok == 1 ? "" : "s");
    /* Exceeded limits first, the rest collapsed (all of them when none is
     * exceeded: the heading says it all). */
    for (int pass = 0; pass < 2; pass++) {
        size_t n = 0;
        for (size_t i = 0; i < c->nresults; i++)
            n += (c->results[i].verdict == AZ_VERDICT_OVER) == (pass == 0);
        if (!n)
            continue;
        if (pass == 1)
            fprintf(out, "%s<details><summary>%zu %slimit%s</summary>\n\n", c->nover ? "\n" : "", n,
                    c->nover ? "other " : "", n == 1 ? "" : "s");
        fputs("| Status | Scope | Name | Limit | Actual | Margin |\n|---|---|---|---|--:|--:|\n", out);
        for (size_t i = 0; i < c->nresults; i++) {
            const az_limit_result *r = &c->results[i];
            if ((r->verdict == AZ_VERDICT_OVER) != (pass == 0))
                continue;
            char lim[64], act[48], mar[48];
            limit_text(lim, sizeof lim, r->limit);
            actual_text(act, sizeof act, r);
            margin_text(mar, sizeof mar, r);
            fprintf(out, "| %s | %s | ", r->verdict == AZ_VERDICT_OVER ? "**over**" : verdict_name(r->verdict),
                    scope_names[r->limit->scope]);
            az_md_text(out, r->limit->name);
            fputs(r->found ? " | " : " (not found) | ", out);
            az_md_text(out, lim);
            fprintf(out, " | %s | %s |\n", act, mar);
        }
        if (pass == 1)
            fputs("\n</details>\n", out);
    }
}

void az_view_check(const az_check *c, const az_view_opts *o)
{
    switch (o->format) {
    case AZ_OUT_JSON: view_json(c, o); break;
    case AZ_OUT_CSV: view_csv(c, o); break;
    case AZ_OUT_MARKDOWN: view_markdown(c, o); break;
    default: view_text(c, o); break;
    }
}
