/* Snapshots, diffs and budgets end to end, through the aotsize CLI:
 *
 *  1. Round trip: for samples of every format, each JSON view of the
 *     snapshot (plain and gzip) equals the view of the binary except the
 *     "input" facts, and the snapshot diffed against its binary shows no
 *     change.  Snapshots are written through a temporary file renamed into
 *     place, so the output directory holds only the snapshot afterwards.
 *  2. The diffdemo pair (samples/apps/diffdemo built before and after
 *     adding Program.Peak, the only user of List<Sample>): the diff shows
 *     exactly that change: in app code Peak (and its read-only data) added
 *     and Main grown by the call; List<DiffDemo.Sample> the only type added,
 *     as one more instantiation of List`1; no method body changed anywhere
 *     else; no row removed.
 *  3. Budgets on the pair (tests/budgets): every limit set to the measured
 *     value passes with margin 0 (exit 0), every limit one byte (or 0.01
 *     percentage points) lower fails with margin -1 (exit 1).
 *  4. Two .NET versions (net8 and net10 hello and generics): the diff adds
 *     up (every level's deltas sum to the total delta, generic rows split
 *     into more + bigger instantiations exactly), matches the app's types
 *     across versions, and finds the type .NET 10 moved between assemblies
 *     and the methods whose overload index changed.
 *
 * usage: test_compare AOTSIZE SAMPLES_DIR TESTS_SOURCE_DIR */
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

static const char *aotsize, *samples, *tests_dir;
static char tmpdir[256];

/* Runs `aotsize ARGS` and parses its standard output as JSON (NULL when it
 * is not JSON); *rc gets the exit status. */
static json_t *run_json(const char *args, int *rc)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "'%s' %s", aotsize, args);
    FILE *p = popen(cmd, "r");
    if (!p) {
        CHECK(!"popen failed");
        return NULL;
    }
    json_error_t e;
    json_t *j = json_loadf(p, 0, &e);
    int st = pclose(p);
    *rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    if (!j)
        fprintf(stderr, "%s: not JSON: %s (line %d)\n", cmd, e.text, e.line);
    return j;
}

static json_t *run_ok(const char *args)
{
    int rc;
    json_t *j = run_json(args, &rc);
    if (rc != 0)
        fprintf(stderr, "aotsize %s: exit status %d\n", args, rc);
    CHECK(rc == 0);
    CHECK(j != NULL);
    return j;
}

static int run_status(const char *args)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "'%s' %s >/dev/null", aotsize, args);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static json_int_t iget(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fprintf(stderr, "key %s: not an integer\n", key);
    CHECK(json_is_integer(v));
    return json_integer_value(v);
}

static const char *sget(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static uint64_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- 1. round trip ---------------------------------------------------------------------- */

/* The first differing path of two JSON values, for the failure message. */
static void first_difference(const json_t *a, const json_t *b, char *path, size_t cap)
{
    size_t len = strlen(path);
    if (json_typeof(a) != json_typeof(b))
        return;
    if (json_is_object(a)) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)a, k, v) {
            json_t *w = json_object_get(b, k);
            if (!w || !json_equal(v, w)) {
                snprintf(path + len, cap - len, "/%s", k);
                if (w)
                    first_difference(v, w, path, cap);
                return;
            }
        }
    } else if (json_is_array(a)) {
        for (size_t i = 0; i < json_array_size(a) && i < json_array_size(b); i++)
            if (!json_equal(json_array_get(a, i), json_array_get(b, i))) {
                snprintf(path + len, cap - len, "/%zu", i);
                first_difference(json_array_get(a, i), json_array_get(b, i), path, cap);
                return;
            }
    }
}

/* Deletes `key` from every object in j. */
static void strip_key(json_t *j, const char *key)
{
    if (json_is_object(j)) {
        json_object_del(j, key);
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v)
            strip_key(v, key);
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v)
            strip_key(v, key);
    }
}

/* `tail`: arguments after the input ("" none); `ignore`: a key left out of
 * the comparison (NULL: none). */
static void check_same_view_of(const char *view, const char *bin, const char *snap, const char *tail,
                               const char *ignore)
{
    char args[4096];
    snprintf(args, sizeof args, "%s --format json '%s' %s", view, bin, tail);
    json_t *a = run_ok(args);
    snprintf(args, sizeof args, "%s --format json '%s' %s", view, snap, tail);
    json_t *b = run_ok(args);
    if (!a || !b) {
        json_decref(a);
        json_decref(b);
        return;
    }
    /* The input facts name the file read: the binary or the snapshot. */
    json_object_del(a, "input");
    json_object_del(b, "input");
    if (ignore) {
        strip_key(a, ignore);
        strip_key(b, ignore);
    }
    bool same = json_equal(a, b);
    if (!same) {
        char path[1024] = "";
        first_difference(a, b, path, sizeof path);
        fprintf(stderr, "%s: '%s %s' differs from the binary's at %s\n", snap, view, tail, path);
    }
    CHECK(same);
    json_decref(a);
    json_decref(b);
}

static void check_same_view(const char *view, const char *bin, const char *snap, const char *ignore)
{
    check_same_view_of(view, bin, snap, "", ignore);
}

/* A snapshot written before the "generic_body" column existed (made here by
 * renaming the column, which readers then skip as unknown) still loads;
 * generics from it says folding is unavailable and folds nothing, and every
 * other number but bloat (untrimmed bodies) is the binary's. */
static void old_snapshot(const char *bin, const char *plain)
{
    char old[512], args[4096];
    snprintf(old, sizeof old, "%s/old.aotsize.json", tmpdir);
    FILE *in = fopen(plain, "rb"), *out = fopen(old, "wb");
    CHECK(in && out);
    if (!in || !out) {
        if (in)
            fclose(in);
        if (out)
            fclose(out);
        return;
    }
    static const char col[] = "\"generic_body\"";
    char line[1 << 16];
    size_t renamed = 0;
    while (fgets(line, sizeof line, in)) {
        char *p = strstr(line, col);
        if (p) {
            memcpy(p, "\"generic_bodx\"", sizeof col - 1);
            renamed++;
        }
        fputs(line, out);
    }
    fclose(in);
    fclose(out);
    CHECK(renamed == 1);
    snprintf(args, sizeof args, "generics --format json '%s'", old);
    json_t *g = run_ok(args);
    if (g) {
        const json_t *notes = json_object_get(json_object_get(g, "sources"), "notes");
        bool said = false;
        size_t i;
        json_t *n;
        json_array_foreach(notes, i, n)
            said |= json_is_string(n) && strstr(json_string_value(n), "the snapshot holds no body hashes") != NULL;
        CHECK(said);
        CHECK(iget(json_object_get(g, "totals"), "foldable") == 0);
        CHECK(iget(json_object_get(g, "sources"), "bodies_disassembled") == 0);
        json_decref(g);
    }
    check_same_view("generics --no-fold", bin, old, "bloat");
    unlink(old);
}

static void check_no_change(const char *old_path, const char *new_path)
{
    char args[4096];
    snprintf(args, sizeof args, "diff --format json '%s' '%s'", old_path, new_path);
    json_t *d = run_ok(args);
    if (!d)
        return;
    const json_t *t = json_object_get(d, "totals");
    CHECK(iget(t, "delta_file_size") == 0);
    CHECK(iget(t, "delta_vm_size") == 0);
    CHECK(iget(t, "old_file_size") == iget(t, "new_file_size"));
    static const char *const levels[] = { "buckets", "assemblies", "namespaces", "types", "members",
                                          "generic_definitions" };
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        size_t n = json_array_size(json_object_get(d, levels[i]));
        if (n)
            fprintf(stderr, "%s vs %s: %zu %s changed\n", old_path, new_path, n, levels[i]);
        CHECK(json_is_array(json_object_get(d, levels[i])) && n == 0);
    }
    json_decref(d);
}

/* Files in tmpdir: the snapshots, never a leftover temporary. */
static size_t count_files(void)
{
    DIR *dir = opendir(tmpdir);
    size_t n = 0;
    struct dirent *de;
    while (dir && (de = readdir(dir)))
        if (de->d_name[0] != '.')
            n++;
    if (dir)
        closedir(dir);
    return n;
}

static void round_trip(const char *rel)
{
    char bin[1024], plain[512], gz[512], args[4096];
    snprintf(bin, sizeof bin, "%s/%s", samples, rel);
    snprintf(plain, sizeof plain, "%s/app.aotsize.json", tmpdir);
    snprintf(gz, sizeof gz, "%s/app.aotsize.json.gz", tmpdir);
    unlink(plain);
    unlink(gz);
    double t0 = now();
    snprintf(args, sizeof args, "snapshot '%s' -o '%s'", bin, plain);
    CHECK(run_status(args) == 0);
    double t1 = now();
    snprintf(args, sizeof args, "snapshot '%s' -o '%s'", bin, gz);
    CHECK(run_status(args) == 0);
    CHECK(count_files() == 2);
    fprintf(stderr, "%s: binary %llu B, snapshot %llu B (%.0f%%), gzip %llu B (%.0f%%), %.2f s\n", rel,
            (unsigned long long)file_size(bin), (unsigned long long)file_size(plain),
            100.0 * file_size(plain) / file_size(bin), (unsigned long long)file_size(gz),
            100.0 * file_size(gz) / file_size(bin), t1 - t0);

    static const char *const views[] = { "summary", "tree", "symbols", "sections" };
    for (size_t i = 0; i < sizeof views / sizeof views[0]; i++)
        check_same_view(views[i], bin, gz, NULL);
    /* A snapshot has no code bytes, but keeps what generics needs of them
     * (trimmed body sizes, normalized-body hashes, similarities): its
     * generics views equal the binary's, folding included. */
    check_same_view("generics", bin, gz, NULL);
    check_same_view("generics --by-arg", bin, gz, NULL);
    /* and the views of the three largest definitions, by mangled key */
    snprintf(args, sizeof args, "generics --format json '%s'", bin);
    json_t *g = run_ok(args);
    const json_t *defs = json_object_get(g, "definitions");
    for (size_t i = 0; i < 3 && i < json_array_size(defs); i++) {
        char key[1024];
        snprintf(key, sizeof key, "'%s'", sget(json_array_get(defs, i), "key"));
        check_same_view_of("generics --limit 0", bin, gz, key, NULL);
    }
    json_decref(g);
    old_snapshot(bin, plain);
    check_same_view("summary", bin, plain, NULL);
    check_no_change(gz, bin);
    check_no_change(bin, plain);
}

/* ---- 2. the diffdemo pair ---------------------------------------------------------------- */

static const json_t *find_row(const json_t *rows, const char *name)
{
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
        if (strcmp(sget(r, "name"), name) == 0)
            return r;
    return NULL;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void diffdemo_pair(const char *before, const char *after)
{
    char args[4096];
    snprintf(args, sizeof args, "diff --format json '%s' '%s'", before, after);
    json_t *d = run_ok(args);
    if (!d)
        return;
    const json_t *t = json_object_get(d, "totals");
    CHECK_U64(iget(t, "old_file_size"), file_size(before));
    CHECK_U64(iget(t, "new_file_size"), file_size(after));

    /* App code: exactly the new method, its data, and the call in Main. */
    const json_t *members = json_object_get(d, "members");
    size_t i, napp = 0;
    json_t *r;
    json_array_foreach(members, i, r) {
        if (strcmp(sget(r, "bucket"), "app") != 0)
            continue;
        napp++;
        const char *name = sget(r, "name"), *change = sget(r, "change");
        if (strcmp(name, "DiffDemo.Program.Peak") == 0) {
            CHECK_STR(change, "added");
            CHECK_STR(sget(r, "kind"), "method");
        } else if (strcmp(name, "[read-only data] DiffDemo.Program.Peak") == 0) {
            CHECK_STR(change, "added");
        } else if (strcmp(name, "DiffDemo.Program.Main") == 0) {
            CHECK_STR(change, "grown");
            CHECK(iget(r, "delta_file_size") > 0 && iget(r, "delta_file_size") < 64); /* one call */
        } else {
            fprintf(stderr, "diffdemo: unexpected app change: %s %s\n", change, name);
            CHECK(!"only Peak and Main change in app code");
        }
    }
    CHECK_U64(napp, 3);

    /* Nothing removed; every method body that changed is Peak, Main or one
     * of List<Sample>; every managed row added belongs to Peak or List<Sample>. */
    json_array_foreach(members, i, r) {
        const char *name = sget(r, "name"), *change = sget(r, "change");
        CHECK(strcmp(change, "removed") != 0);
        bool list_sample = strcmp(sget(r, "type"), "List<DiffDemo.Sample>") == 0;
        if (strcmp(sget(r, "kind"), "method") == 0 && strcmp(sget(r, "bucket"), "app") != 0 && !list_sample) {
            fprintf(stderr, "diffdemo: unexpected method change: %s %s\n", change, name);
            CHECK(!"no other method body changes");
        }
        if (strcmp(change, "added") == 0 && json_is_string(json_object_get(r, "type")))
            CHECK(list_sample || strstr(name, "DiffDemo.Program.Peak"));
    }
    const json_t *added = find_row(members, "System.Collections.Generic.List<DiffDemo.Sample>.AddWithResize");
    CHECK(added && strcmp(sget(added, "change"), "added") == 0);

    /* Types: List<DiffDemo.Sample> is the only one added. */
    const json_t *types = json_object_get(d, "types");
    size_t ntypes_added = 0;
    json_array_foreach(types, i, r)
        ntypes_added += strcmp(sget(r, "change"), "added") == 0;
    CHECK_U64(ntypes_added, 1);
    const json_t *lt = find_row(types, "System.Collections.Generic.List<DiffDemo.Sample>");
    CHECK(lt && strcmp(sget(lt, "change"), "added") == 0);

    /* Generic definitions: List`1 has one more instantiation, whose bytes
     * are its "more instantiations" delta; no other definition has one. */
    const json_t *generics = json_object_get(d, "generic_definitions");
    const json_t *list = find_row(generics, "System.Collections.Generic.List`1");
    CHECK(list != NULL);
    if (list && lt) {
        CHECK_U64(iget(list, "new_instantiations"), iget(list, "old_instantiations") + 1);
        const json_t *more = json_object_get(list, "more_instantiations");
        const json_t *bigger = json_object_get(list, "bigger_instantiations");
        CHECK(iget(more, "file_size") == iget(lt, "new_file_size"));
        CHECK(iget(more, "vm_size") == iget(lt, "new_vm_size"));
        CHECK(iget(more, "file_size") + iget(bigger, "file_size") == iget(list, "delta_file_size"));
    }
    json_array_foreach(generics, i, r) {
        if (r == list)
            continue;
        CHECK(iget(r, "old_instantiations") == iget(r, "new_instantiations"));
        CHECK(iget(json_object_get(r, "more_instantiations"), "file_size") == 0);
    }
    json_decref(d);

    /* The same through snapshots of both sides. */
    char snap_before[512], snap_after[512];
    snprintf(snap_before, sizeof snap_before, "%s/before.aotsize.json.gz", tmpdir);
    snprintf(snap_after, sizeof snap_after, "%s/after.aotsize.json", tmpdir);
    snprintf(args, sizeof args, "snapshot '%s' -o '%s'", before, snap_before);
    CHECK(run_status(args) == 0);
    snprintf(args, sizeof args, "snapshot '%s' -o '%s'", after, snap_after);
    CHECK(run_status(args) == 0);
    snprintf(args, sizeof args, "diff --format json '%s' '%s'", before, after);
    json_t *from_bins = run_ok(args);
    snprintf(args, sizeof args, "diff --format json '%s' '%s'", snap_before, snap_after);
    json_t *from_snaps = run_ok(args);
    if (from_bins && from_snaps) {
        json_object_del(from_bins, "old");
        json_object_del(from_bins, "new");
        json_object_del(from_snaps, "old");
        json_object_del(from_snaps, "new");
        CHECK(json_equal(from_bins, from_snaps));
    }
    json_decref(from_bins);
    json_decref(from_snaps);
}

/* ---- 3. budgets at their limits ------------------------------------------------------------ */

static void check_budget(const char *before, const char *after, const char *budget, int want_rc,
                         const char *want_status, json_int_t want_margin)
{
    char args[4096];
    snprintf(args, sizeof args, "check --format json '%s' --budget '%s/budgets/%s' --baseline '%s'", after,
             tests_dir, budget, before);
    int rc;
    json_t *c = run_json(args, &rc);
    CHECK(rc == want_rc);
    CHECK(c != NULL);
    if (!c)
        return;
    CHECK(json_is_true(json_object_get(c, "passed")) == (want_rc == 0));
    const json_t *limits = json_object_get(c, "limits");
    CHECK(json_array_size(limits) >= 9);
    size_t i;
    json_t *l;
    json_array_foreach(limits, i, l) {
        CHECK(json_is_true(json_object_get(l, "found")));
        if (strcmp(sget(l, "status"), want_status) != 0)
            fprintf(stderr, "%s: %s %s %s is %s\n", budget, sget(l, "scope"), sget(l, "name"), sget(l, "limit_key"),
                    sget(l, "status"));
        CHECK_STR(sget(l, "status"), want_status);
        json_t *m = json_object_get(l, "margin");
        if (json_is_integer(m))
            CHECK(json_integer_value(m) == want_margin);
        else /* percent limits: 0.01 points around the measured growth */
            CHECK(json_is_real(m) && fabs(json_real_value(m)) < 0.01 && (json_real_value(m) < 0) == (want_margin < 0));
    }
    json_decref(c);

    /* Without a baseline the growth limits are skipped, the sizes still judged. */
    snprintf(args, sizeof args, "check --format json '%s' --budget '%s/budgets/%s'", after, tests_dir, budget);
    c = run_json(args, &rc);
    CHECK(rc == want_rc);
    if (c)
        CHECK(iget(json_object_get(c, "counts"), "skipped") > 0);
    json_decref(c);
}

/* ---- 4. two .NET versions ---------------------------------------------------------------- */

static void check_sums(const json_t *d, const char *level)
{
    const json_t *t = json_object_get(d, "totals");
    json_int_t file = 0, vm = 0;
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(d, level), i, r) {
        file += iget(r, "delta_file_size");
        vm += iget(r, "delta_vm_size");
    }
    if (file != iget(t, "delta_file_size"))
        fprintf(stderr, "%s: deltas add up to %lld, total delta %lld\n", level, (long long)file,
                (long long)iget(t, "delta_file_size"));
    CHECK(file == iget(t, "delta_file_size"));
    CHECK(vm == iget(t, "delta_vm_size"));
}

static void two_versions(const char *old_rel, const char *new_rel, const char *app_type, size_t want_moved)
{
    char old_path[1024], new_path[1024], args[4096];
    snprintf(old_path, sizeof old_path, "%s/%s", samples, old_rel);
    snprintf(new_path, sizeof new_path, "%s/%s", samples, new_rel);
    snprintf(args, sizeof args, "diff --format json '%s' '%s'", old_path, new_path);
    double t0 = now();
    json_t *d = run_ok(args);
    fprintf(stderr, "diff %s %s: %.2f s\n", old_rel, new_rel, now() - t0);
    if (!d)
        return;
    CHECK_STR(sget(json_object_get(d, "old"), "dotnet_version"), "8");
    CHECK(starts_with(sget(json_object_get(d, "new"), "dotnet_version"), "10."));
    const json_t *t = json_object_get(d, "totals");
    CHECK_U64(iget(t, "old_file_size"), file_size(old_path));
    CHECK_U64(iget(t, "new_file_size"), file_size(new_path));
    check_sums(d, "buckets");
    check_sums(d, "assemblies");
    check_sums(d, "members");

    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(d, "generic_definitions"), i, r) {
        const json_t *more = json_object_get(r, "more_instantiations");
        const json_t *bigger = json_object_get(r, "bigger_instantiations");
        CHECK(iget(more, "file_size") + iget(bigger, "file_size") == iget(r, "delta_file_size"));
        CHECK(iget(more, "vm_size") + iget(bigger, "vm_size") == iget(r, "delta_vm_size"));
        /* only instantiations on one side make "more": none when the count and set stay */
        if (iget(r, "old_instantiations") == 0 || iget(r, "new_instantiations") == 0)
            CHECK(iget(bigger, "file_size") == 0);
    }
    /* The app's own type is the same type in both versions. */
    const json_t *types = json_object_get(d, "types");
    json_array_foreach(types, i, r)
        if (strcmp(sget(r, "type"), app_type) == 0 && strcmp(sget(r, "bucket"), "app") == 0)
            CHECK(strcmp(sget(r, "change"), "added") != 0 && strcmp(sget(r, "change"), "removed") != 0);

    /* .NET 10 moved TypeHashingAlgorithms+HashCodeBuilder from
     * System.Private.TypeLoader into System.Private.CoreLib, and renumbered
     * overloads of methods that gained or lost siblings. */
    const json_t *m = json_object_get(d, "matching");
    CHECK_U64(iget(m, "moved_types"), want_moved);
    CHECK(iget(m, "renumbered_methods") > 0);
    const json_t *moved = find_row(types, "Internal.NativeFormat.TypeHashingAlgorithms+HashCodeBuilder");
    CHECK(moved != NULL);
    if (moved) {
        CHECK_STR(sget(moved, "change"), "moved");
        CHECK_STR(sget(moved, "note"), "moved from System.Private.TypeLoader");
    }
    json_decref(d);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: test_compare AOTSIZE SAMPLES_DIR TESTS_SOURCE_DIR\n");
        return 2;
    }
    aotsize = argv[1];
    samples = argv[2];
    tests_dir = argv[3];
    snprintf(tmpdir, sizeof tmpdir, "%s/aotsize-compare-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 2;
    }

    static const char *const round_trips[] = {
        "net10-linux-x64/hello/hello",          "net10-linux-x64/generics/GenericsApp",
        "net10-linux-x64-unstripped/hello/hello", "net10-linux-arm64/hello/hello",
        "net8-linux-x64/generics/GenericsApp",  "net10-win-x64/hello/hello.exe",
        "net10-osx-arm64/generics/GenericsApp", "net10-osx-universal/hello/hello",
    };
    for (size_t i = 0; i < sizeof round_trips / sizeof round_trips[0]; i++)
        round_trip(round_trips[i]);

    char before[1024], after[1024];
    snprintf(before, sizeof before, "%s/net10-linux-x64/diffdemo/diffdemo", samples);
    snprintf(after, sizeof after, "%s/net10-linux-x64/diffdemo-after/diffdemo", samples);
    diffdemo_pair(before, after);
    check_budget(before, after, "diffdemo-pass.json", 0, "ok", 0);
    check_budget(before, after, "diffdemo-over.json", 1, "over", -1);

    two_versions("net8-linux-x64/hello/hello", "net10-linux-x64/hello/hello", "Program", 1);
    /* also TypeHashingAlgorithms itself and LockFreeReaderHashtableOfPointers`2 (3 types) */
    two_versions("net8-linux-x64/generics/GenericsApp", "net10-linux-x64/generics/GenericsApp", "Program", 5);

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return test_report("compare");
}
