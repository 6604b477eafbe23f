/* Cross-format: one sample app built for two RIDs (linux-x64 ELF + .dbg,
 * win-x64 PE + PDB, osx-arm64 Mach-O + dSYM...) from the same sources with
 * the same SDK and ILC.  The managed part of both comes from the same IL
 * through the same compiler, so aotsize must see:
 *
 *   1. the same app namespaces and types (the app's assemblies do not depend
 *      on the OS): equal sets, no tolerance;
 *   2. nearly the same framework namespaces and types.  The runtime pack's
 *      assemblies are built per OS (Interop.Kernel32 on Windows, Interop.Sys
 *      on Unix; ConsolePal.Windows vs ConsolePal.Unix with terminfo), so the
 *      sets differ by those; measured on generics: 4 of 85 namespaces, 83 of
 *      1151 types.  Allowed: MAX_FW_NS_DIFF_PCT and MAX_FW_TYPE_DIFF_PCT of
 *      the union;
 *   3. managed code bytes per assembly (assemblies with at least 4 KiB of
 *      code; smaller ones swing by whole methods):
 *      a. over the methods both builds compiled (same mangled name: the name
 *         mangler does not depend on the OS), within MAX_SAME_CODE_DIFF_PCT
 *         (app: MAX_APP_CODE_DIFF_PCT).  What remains is the calling
 *         convention: RyuJIT follows the Windows x64 ABI (4 argument
 *         registers, 32-byte shadow space, XMM6-15 callee-saved) on one side
 *         and System V (6 argument registers, no shadow space) on the other.
 *         Measured: -4.7% .. +7.3% (framework), -1.4% (GenericsApp);
 *      b. all of it, within MAX_CODE_DIFF_PCT (app: MAX_APP_CODE_DIFF_PCT),
 *         which adds the per-OS methods (CoreLib: -10.3%).  System.Console is
 *         exempt from (b): its console implementation is a different one per
 *         OS (17.6 KiB on Linux, 5.4 KiB on Windows), and it is checked by
 *         (a) only.
 *   4. when the two builds are for different instruction sets (x64 and
 *      arm64), code sizes differ by the ISA, not by the reader: arm64
 *      instructions are all 4 bytes, x64's average less, and RyuJIT emits
 *      different sequences (literal pools, address materialization).  The
 *      arm64 side is then allowed MIN_ISA_CODE_DIFF_PCT .. MAX_ISA_CODE_DIFF_PCT
 *      of the x64 side's code over the same methods, ISA_EXTRA_PCT more for
 *      all of it.  Measured on generics, linux-x64 vs osx-arm64: -2.5%
 *      (StackTraceMetadata) .. +32.4% (CompilerGenerated), CoreLib +16.2%.
 *      Only managed code is compared: the osx samples' native runtime is a
 *      synthetic stub (samples/README.md), and runtime code is never counted
 *      here anyway.  Between linux and osx the framework differs little (both
 *      are Unix): 1 of 83 namespaces, 9 of 1127 types on generics.
 * Same ISA, other OS pairs fall well inside the (a)/(b) tolerances: hello
 * linux-arm64 vs osx-arm64 -0.9% .. +2.7%, linux-x64 vs the universal osx
 * file's x64 slice -1.5% .. 0%.
 * The app namespace and type sets are equal in every pairing.
 *
 * usage: test_crossformat BINARY_A BINARY_B (different formats) */
#include <stdlib.h>
#include <string.h>

#include "../formats/input.h"
#include "../inspector/analysis.h"
#include "test.h"

enum { MAX_FW_NS_DIFF_PCT = 8, MAX_FW_TYPE_DIFF_PCT = 10, MAX_SAME_CODE_DIFF_PCT = 10, MAX_CODE_DIFF_PCT = 12,
       MAX_APP_CODE_DIFF_PCT = 5, MIN_ISA_CODE_DIFF_PCT = -10, MAX_ISA_CODE_DIFF_PCT = 45, ISA_EXTRA_PCT = 5 };

/* A set of strings (sorted array). */
typedef struct strset {
    char **v;
    size_t n, cap;
} strset;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void set_add(strset *s, const char *a, const char *b)
{
    az_grow(&s->v, &s->cap, s->n + 1, sizeof *s->v);
    size_t la = strlen(a), lb = b ? strlen(b) : 0;
    char *x = malloc(la + lb + 2);
    memcpy(x, a, la);
    x[la] = '|';
    if (b)
        memcpy(x + la + 1, b, lb);
    x[la + 1 + lb] = 0;
    s->v[s->n++] = x;
}

static void set_finish(strset *s)
{
    qsort(s->v, s->n, sizeof *s->v, cmp_str);
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (k && strcmp(s->v[k - 1], s->v[i]) == 0) {
            free(s->v[i]);
            continue;
        }
        s->v[k++] = s->v[i];
    }
    s->n = k;
}

static void set_free(strset *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
}

/* Elements only in a, only in b; prints up to `show` of each. */
static const char *name_a = "A", *name_b = "B"; /* "elf x64", "macho arm64"... for messages */

static void set_diff(const strset *a, const strset *b, size_t *only_a, size_t *only_b, const char *what, size_t show)
{
    size_t i = 0, j = 0, sa = 0, sb = 0;
    *only_a = *only_b = 0;
    while (i < a->n || j < b->n) {
        int c = i >= a->n ? 1 : j >= b->n ? -1 : strcmp(a->v[i], b->v[j]);
        if (c == 0) {
            i++;
            j++;
        } else if (c < 0) {
            if (sa++ < show)
                fprintf(stderr, "  %s only in %s: %s\n", what, name_a, a->v[i]);
            (*only_a)++;
            i++;
        } else {
            if (sb++ < show)
                fprintf(stderr, "  %s only in %s: %s\n", what, name_b, b->v[j]);
            (*only_b)++;
            j++;
        }
    }
}

static bool is_code(az_kind k)
{
    return k == AZ_KIND_METHOD || k == AZ_KIND_UNBOXING_STUB || k == AZ_KIND_UNBOXING_THUNK ||
           k == AZ_KIND_HELPER_STUB || k == AZ_KIND_IL_STUB;
}

/* Per assembly: managed code bytes. */
typedef struct asm_code {
    const char *name;
    uint64_t code;        /* all its managed code */
    uint64_t common;      /* code of methods the other build has too (by mangled name) */
    bool app;
} asm_code;

/* One compiled method (or stub): its mangled name, which is the same on
 * every OS (NativeAotNameMangler does not depend on the target). */
typedef struct code_entry {
    const char *raw;
    size_t asm_index;
    uint64_t bytes;
} code_entry;

typedef struct side {
    az_input in;
    az_analysis a;
    strset app_types, fw_types, app_ns, fw_ns;
    asm_code *asms;
    size_t nasms, cap_asms;
    code_entry *code;
    size_t ncode, cap_code;
} side;

static int cmp_code(const void *x, const void *y)
{
    return strcmp(((const code_entry *)x)->raw, ((const code_entry *)y)->raw);
}

static bool load(side *s, const char *path)
{
    memset(s, 0, sizeof *s);
    az_error err = { 0 };
    if (az_input_open(path, &s->in, &err) != AZ_OK || az_analyze(s->in.data, s->in.size, path, NULL, &s->a, &err) != AZ_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return false;
    }
    CHECK(s->a.native_aot);
    CHECK_STR(az_symbols_level_name(s->a.symbols), "full");
    for (size_t i = 0; i < s->a.nsymbol_entities; i++) {
        const az_entity *e = &s->a.entities[i];
        const az_demangled *dm = &e->dm;
        bool app = e->bucket == AZ_BUCKET_APP, fw = e->bucket == AZ_BUCKET_FRAMEWORK;
        if (!dm->managed || !dm->assembly || (!app && !fw))
            continue;
        if (dm->ns && dm->type) {
            char *t = malloc(strlen(dm->assembly) + strlen(dm->ns) + 2);
            sprintf(t, "%s|%s", dm->assembly, dm->ns);
            set_add(app ? &s->app_ns : &s->fw_ns, t, NULL);
            set_add(app ? &s->app_types : &s->fw_types, t, dm->type_def ? dm->type_def : dm->type);
            free(t);
        }
        if (!is_code(dm->kind))
            continue;
        size_t k = 0;
        while (k < s->nasms && strcmp(s->asms[k].name, dm->assembly) != 0)
            k++;
        if (k == s->nasms) {
            az_grow(&s->asms, &s->cap_asms, s->nasms + 1, sizeof *s->asms);
            s->asms[s->nasms++] = (asm_code){ dm->assembly, 0, 0, app };
        }
        s->asms[k].code += e->vm[AZ_FACET_BODY];
        az_grow(&s->code, &s->cap_code, s->ncode + 1, sizeof *s->code);
        s->code[s->ncode++] = (code_entry){ e->raw, k, e->vm[AZ_FACET_BODY] };
    }
    qsort(s->code, s->ncode, sizeof *s->code, cmp_code);
    set_finish(&s->app_types);
    set_finish(&s->fw_types);
    set_finish(&s->app_ns);
    set_finish(&s->fw_ns);
    return true;
}

static void unload(side *s)
{
    set_free(&s->app_types);
    set_free(&s->fw_types);
    set_free(&s->app_ns);
    set_free(&s->fw_ns);
    free(s->asms);
    free(s->code);
    az_analysis_free(&s->a);
    az_input_close(&s->in);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s BINARY_A BINARY_B\n", argv[0]);
        return 2;
    }
    static side s1, s2;
    if (!load(&s1, argv[1]) || !load(&s2, argv[2]))
        return 1;
    bool same_isa = s1.a.img.arch == s2.a.img.arch;
    /* The ISA band is arm64 against x64: x64 on the left. */
    bool swap = !same_isa && s1.a.img.arch == AZ_ARCH_ARM64;
    side *A = swap ? &s2 : &s1, *B = swap ? &s1 : &s2;
    char la[32], lb[32];
    snprintf(la, sizeof la, "%s %s", az_format_name(A->a.img.format), az_arch_name(A->a.img.arch));
    snprintf(lb, sizeof lb, "%s %s", az_format_name(B->a.img.format), az_arch_name(B->a.img.arch));
    name_a = la;
    name_b = lb;
    CHECK(A->a.img.format != B->a.img.format);

    size_t oa, ob;
    /* 1. App namespaces and types: equal. */
    set_diff(&A->app_ns, &B->app_ns, &oa, &ob, "app namespace", 20);
    CHECK(A->app_ns.n > 0);
    CHECK_U64(oa + ob, 0);
    set_diff(&A->app_types, &B->app_types, &oa, &ob, "app type", 20);
    CHECK(A->app_types.n > 0);
    CHECK_U64(oa + ob, 0);

    /* 2. Framework namespaces and types: mostly equal. */
    set_diff(&A->fw_ns, &B->fw_ns, &oa, &ob, "framework namespace", 10);
    size_t union_ns = A->fw_ns.n + ob;
    fprintf(stderr, "framework namespaces: %zu %s, %zu %s, %zu only %s, %zu only %s\n", A->fw_ns.n, la, B->fw_ns.n, lb,
            oa, la, ob, lb);
    CHECK(100 * (oa + ob) <= MAX_FW_NS_DIFF_PCT * union_ns);
    set_diff(&A->fw_types, &B->fw_types, &oa, &ob, "framework type", 10);
    size_t union_types = A->fw_types.n + ob;
    fprintf(stderr, "framework types: %zu %s, %zu %s, %zu only %s, %zu only %s\n", A->fw_types.n, la, B->fw_types.n,
            lb, oa, la, ob, lb);
    CHECK(100 * (oa + ob) <= MAX_FW_TYPE_DIFF_PCT * union_types);

    /* 3. Managed code per assembly: the methods both builds compiled, and
     * all of it. */
    for (size_t i = 0, j = 0; i < A->ncode && j < B->ncode;) {
        int c = strcmp(A->code[i].raw, B->code[j].raw);
        if (c == 0) {
            A->asms[A->code[i].asm_index].common += A->code[i].bytes;
            B->asms[B->code[j].asm_index].common += B->code[j].bytes;
            i++;
            j++;
        } else if (c < 0) {
            i++;
        } else {
            j++;
        }
    }
    for (size_t i = 0; i < A->nasms; i++) {
        const asm_code *e = &A->asms[i];
        const asm_code *p = NULL;
        for (size_t k = 0; k < B->nasms; k++)
            if (strcmp(B->asms[k].name, e->name) == 0)
                p = &B->asms[k];
        uint64_t pc = p ? p->code : 0, pcommon = p ? p->common : 0;
        double pct = e->code ? 100.0 * ((double)pc - (double)e->code) / (double)e->code : 0;
        double cpct = e->common ? 100.0 * ((double)pcommon - (double)e->common) / (double)e->common : 0;
        fprintf(stderr, "%-36s %s code: %s %8llu  %s %8llu  (%+5.1f%%); same methods: %8llu  %8llu  (%+5.1f%%)\n",
                e->name, e->app ? "app" : "fw ", la, (unsigned long long)e->code, lb, (unsigned long long)pc, pct,
                (unsigned long long)e->common, (unsigned long long)pcommon, cpct);
        if (e->code < 4096)
            continue;
        CHECK(p != NULL);
        if (same_isa) {
            CHECK((cpct < 0 ? -cpct : cpct) <= (e->app ? MAX_APP_CODE_DIFF_PCT : MAX_SAME_CODE_DIFF_PCT));
        } else {
            CHECK(cpct >= MIN_ISA_CODE_DIFF_PCT && cpct <= MAX_ISA_CODE_DIFF_PCT);
        }
        if (strcmp(e->name, "System.Console") == 0)
            continue;
        CHECK(e->common > e->code / 2); /* (a) compared most of it */
        if (same_isa)
            CHECK((pct < 0 ? -pct : pct) <= (e->app ? MAX_APP_CODE_DIFF_PCT : MAX_CODE_DIFF_PCT));
        else
            CHECK(pct >= MIN_ISA_CODE_DIFF_PCT - ISA_EXTRA_PCT && pct <= MAX_ISA_CODE_DIFF_PCT + ISA_EXTRA_PCT);
    }
    unload(A);
    unload(B);
    return test_report("crossformat");
}
