/* The JSON contract (DESIGN.md) over every sample: schema and keys, exact
 * integers, stable ordering, and the totals invariant: bucket sums, symbol
 * sums and section sums all equal the file size and the mapped size.  ELF,
 * PE and Mach-O samples give the same shape: input.format ("elf", "pe",
 * "macho") tells them apart, and the keys of every object are the same.
 *
 * usage: test_json AOTSIZE SAMPLES_DIR */
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test.h"

static const char *aotsize;

static json_t *run_json(const char *args, const char *extra, const char *path)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' %s %s --format json '%s'", aotsize, args, extra, path);
    FILE *p = popen(cmd, "r");
    if (!p) {
        CHECK(!"popen failed");
        return NULL;
    }
    json_error_t e;
    json_t *j = json_loadf(p, 0, &e);
    int rc = pclose(p);
    CHECK(rc == 0);
    if (!j) {
        fprintf(stderr, "%s: invalid JSON: %s (line %d)\n", cmd, e.text, e.line);
        CHECK(j != NULL);
    }
    return j;
}

static json_int_t iget(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    CHECK(json_is_integer(v));
    return json_integer_value(v);
}

static uint64_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

/* Children of every row are sorted by file size, then name, and add up to it. */
static void check_rows(const json_t *rows, json_int_t want_file, json_int_t want_vm)
{
    json_int_t f = 0, v = 0, prev = -1;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        json_int_t rf = iget(row, "file_size"), rv = iget(row, "vm_size");
        const char *name = json_string_value(json_object_get(row, "name"));
        CHECK(name != NULL);
        /* Rows come largest first; a trailing "[N others]" row sums the rest. */
        if (prev >= 0 && name && !(name[0] == '[' && strstr(name, " others]")))
            CHECK(rf <= prev);
        prev = rf;
        f += rf;
        v += rv;
        json_t *kids = json_object_get(row, "children");
        CHECK(json_is_array(kids));
        if (json_array_size(kids))
            check_rows(kids, rf, rv);
    }
    CHECK_U64(f, want_file);
    CHECK_U64(v, want_vm);
}

static bool has_child(const json_t *buckets, const char *bucket, const char *child)
{
    size_t i, k;
    json_t *b, *c;
    json_array_foreach(buckets, i, b) {
        if (strcmp(json_string_value(json_object_get(b, "name")), bucket) != 0)
            continue;
        json_array_foreach(json_object_get(b, "children"), k, c)
            if (strcmp(json_string_value(json_object_get(c, "name")), child) == 0)
                return true;
    }
    return false;
}

/* The keys of an object, sorted, as one string ("a,b,c"). */
static void key_list(const json_t *o, char *out, size_t cap)
{
    const char *keys[64];
    size_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)o, k, v) {
        if (n < 64)
            keys[n++] = k;
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(keys[j - 1], keys[j]) > 0; j--) {
            const char *t = keys[j];
            keys[j] = keys[j - 1];
            keys[j - 1] = t;
        }
    out[0] = 0;
    for (size_t i = 0; i < n; i++) {
        strncat(out, keys[i], cap - strlen(out) - 1);
        strncat(out, ",", cap - strlen(out) - 1);
    }
}

/* The shape of a summary: its top-level keys, its input's, a bucket row's
 * and a totals'.  The first sample (ELF) sets it; every other must match. */
static void check_shape(const json_t *s, const char *path)
{
    static char want[4][512];
    static bool have;
    const json_t *parts[4] = { s, json_object_get(s, "input"), json_array_get(json_object_get(s, "buckets"), 0),
                               json_object_get(s, "totals") };
    for (int i = 0; i < 4; i++) {
        char got[512];
        CHECK(json_is_object(parts[i]));
        key_list(parts[i], got, sizeof got);
        if (!have) {
            snprintf(want[i], sizeof want[i], "%s", got);
        } else if (strcmp(got, want[i]) != 0) {
            fprintf(stderr, "%s: JSON keys {%s}, the first sample's {%s}\n", path, got, want[i]);
            CHECK_STR(got, want[i]);
        }
    }
    have = true;
}

/* extra: more arguments (--arch for a universal file). */
static void check_sample(const char *dir, const char *variant, const char *app, const char *bin, const char *format,
                         const char *extra, const char *const *app_assemblies)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s/%s/%s", dir, variant, app, bin);
    uint64_t size = file_size(path);
    CHECK(size > 0);

    json_t *s = run_json("summary --limit 0", extra, path);
    if (!s)
        return;
    CHECK_STR(json_string_value(json_object_get(s, "schema")), "aotsize/1");
    check_shape(s, path);
    json_t *input = json_object_get(s, "input");
    CHECK_STR(json_string_value(json_object_get(input, "format")), format);
    CHECK(json_is_true(json_object_get(input, "native_aot")));
    CHECK_STR(json_string_value(json_object_get(input, "symbols")), "full");
    CHECK_U64(iget(input, "file_size"), size);
    json_t *totals = json_object_get(s, "totals");
    CHECK_U64(iget(totals, "file_size"), size);
    json_int_t vm = iget(totals, "vm_size");
    CHECK(vm > 0);
    json_t *buckets = json_object_get(s, "buckets");
    check_rows(buckets, (json_int_t)size, vm);
    CHECK(has_child(buckets, "framework", "System.Private.CoreLib"));
    for (const char *const *a = app_assemblies; *a; a++) {
        if (!has_child(buckets, "app", *a))
            fprintf(stderr, "%s: app assembly %s missing\n", path, *a);
        CHECK(has_child(buckets, "app", *a));
    }
    CHECK(json_array_size(json_object_get(s, "warnings")) == 0);
    json_decref(s);

    json_t *sym = run_json("symbols --limit 0", extra, path);
    if (sym) {
        json_int_t f = 0, v = 0;
        size_t i;
        json_t *row;
        json_array_foreach(json_object_get(sym, "symbols"), i, row) {
            f += iget(row, "file_size");
            v += iget(row, "vm_size");
        }
        CHECK_U64(f, size);
        CHECK_U64(v, vm);
        json_decref(sym);
    }

    json_t *sec = run_json("sections", extra, path);
    if (sec) {
        json_int_t f = 0, v = 0;
        size_t i;
        json_t *row;
        json_array_foreach(json_object_get(sec, "sections"), i, row) {
            f += iget(row, "file_size");
            v += iget(row, "vm_size");
        }
        /* Sections plus the bytes outside them make up the file. */
        CHECK_U64(f, size);
        json_decref(sec);
    }

    json_t *tree = run_json("tree --limit 0 --depth 4", extra, path);
    if (tree) {
        check_rows(json_object_get(tree, "tree"), (json_int_t)size, vm);
        json_decref(tree);
    }
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s AOTSIZE SAMPLES_DIR\n", argv[0]);
        return 2;
    }
    aotsize = argv[1];
    const char *dir = argv[2];
    /* The app assemblies are the ones the sample projects build (samples/apps). */
    static const char *const hello[] = { "hello", NULL };
    static const char *const generics[] = { "GenericsApp", "GenericsLib", NULL };
    static const char *const webapi[] = { "WebApi.Sample", NULL };
    check_sample(dir, "net10-linux-x64", "hello", "hello", "elf", "", hello);
    check_sample(dir, "net10-linux-x64", "generics", "GenericsApp", "elf", "", generics);
    check_sample(dir, "net10-linux-x64", "webapi", "WebApi.Sample", "elf", "", webapi);
    check_sample(dir, "net10-linux-x64-unstripped", "hello", "hello", "elf", "", hello);
    check_sample(dir, "net10-linux-arm64", "hello", "hello", "elf", "", hello);
    check_sample(dir, "net9-linux-x64", "hello", "hello", "elf", "", hello);
    check_sample(dir, "net9-linux-x64", "generics", "GenericsApp", "elf", "", generics);
    check_sample(dir, "net8-linux-x64", "hello", "hello", "elf", "", hello);
    check_sample(dir, "net8-linux-x64", "generics", "GenericsApp", "elf", "", generics);
    /* PE + PDB (both layouts: .NET 8's .managed section, .NET 10's merged
     * .text) and Mach-O + dSYM, thin and both slices of the universal file. */
    check_sample(dir, "net10-win-x64", "hello", "hello.exe", "pe", "", hello);
    check_sample(dir, "net10-win-x64", "generics", "GenericsApp.exe", "pe", "", generics);
    check_sample(dir, "net8-win-x64", "hello", "hello.exe", "pe", "", hello);
    check_sample(dir, "net9-win-x64", "hello", "hello.exe", "pe", "", hello);
    check_sample(dir, "net10-osx-arm64", "hello", "hello", "macho", "", hello);
    check_sample(dir, "net10-osx-arm64", "generics", "GenericsApp", "macho", "", generics);
    check_sample(dir, "net10-osx-universal", "hello", "hello", "macho", "", hello);
    check_sample(dir, "net10-osx-universal", "hello", "hello", "macho", "--arch arm64", hello);
    return test_report("json");
}
