#include "analysis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../formats/debugfile.h"
#include "../formats/elf.h"
#include "../formats/macho.h"
#include "../formats/pdb.h"
#include "../formats/pe.h"
#include "attribute.h"
#include "nativeaot.h"
#include "runtimeparts.h"
#include "snapshot.h"

const char *az_bucket_name(az_bucket b)
{
    static const char *const names[AZ_BUCKET__COUNT] = {
        "app", "framework", "managed", "runtime", "compiler", "format", "debug", "unattributed",
    };
    return b < AZ_BUCKET__COUNT ? names[b] : "?";
}

bool az_bucket_parse(const char *s, az_bucket *out)
{
    for (int b = 0; b < AZ_BUCKET__COUNT; b++)
        if (strcmp(s, az_bucket_name((az_bucket)b)) == 0) {
            *out = (az_bucket)b;
            return true;
        }
    return false;
}

const char *az_facet_name(az_facet f)
{
    static const char *const names[AZ_FACET__COUNT] = { "body", "unwind", "lsda", "reloc", "symtab" };
    return f < AZ_FACET__COUNT ? names[f] : "?";
}

int az_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

const char *az_symbols_level_name(az_symbols_level l)
{
    switch (l) {
    case AZ_SYMBOLS_FULL: return "full";
    case AZ_SYMBOLS_PARTIAL: return "partial";
    default: return "none";
    }
}

/* Native AOT leaves recognisable sections and ILC's version in .comment. */
static bool detect_native_aot(const az_image *img)
{
    static const char *const markers[] = {
        "__managedcode", "__unbox", "__modules", ".dotnet_eh_table", ".hydrated", "hydrated",
        ".managed", "__TEXT,__managedcode", "__DATA,__modules",
    };
    for (size_t i = 0; i < img->nsections; i++)
        for (size_t k = 0; k < sizeof markers / sizeof markers[0]; k++)
            if (strcmp(img->sections[i].name, markers[k]) == 0)
                return true;
    if (img->compiler_comment && strstr(img->compiler_comment, "ilc"))
        return true;
    for (size_t i = 0; i < img->nsymbols; i++)
        if (img->symbols[i].name && strcmp(img->symbols[i].name, "__ReadyToRunHeader") == 0)
            return true;
    return false;
}

/* ".NET: ilc 10.0.12-servicing.26422.108+95017c..." -> "10.0.12" */
static const char *parse_dotnet_version(az_arena *arena, const char *comment)
{
    if (!comment)
        return NULL;
    const char *p = strstr(comment, "ilc ");
    if (!p)
        return NULL;
    p += 4;
    size_t n = 0;
    while (p[n] && (p[n] == '.' || (p[n] >= '0' && p[n] <= '9')))
        n++;
    while (n > 0 && p[n - 1] == '.')
        n--;
    return n ? az_arena_strndup(arena, p, n) : NULL;
}

/* Without ILC's .comment (.NET 8 and 9 do not write one), the module
 * header's major version tells the release: 9 in .NET 8, 10 in .NET 9,
 * 16 in .NET 10. */
static const char *dotnet_version_from_header(uint16_t major)
{
    if (major <= 9)
        return "8";
    if (major == 10)
        return "9";
    if (major <= 16)
        return "10";
    return NULL;
}

/* Value types are recognisable by their boxed MethodTable, _ZTV<n>Boxed_<T>;
 * registering them lets the demangler tell struct specializations apart. */
static void learn_value_types(az_analysis *a, az_names *names)
{
    for (size_t i = 0; i < a->img.nsymbols; i++) {
        const char *n = a->img.symbols[i].name;
        if (!n)
            continue;
        if (strncmp(n, "_ZTV", 4) == 0) {
            const char *p = n + 4;
            while (*p >= '0' && *p <= '9')
                p++;
            if (p > n + 4 && strncmp(p, "Boxed_", 6) == 0)
                az_names_add_value_type(names, p + 6);
        } else if (strncmp(n, "??_7Boxed_", 10) == 0) { /* PE: MSVC-style MethodTable names */
            const char *end = strstr(n, "@@6B@");
            /* The name set copies what it keeps; this may run on a worker
             * thread, so nothing is allocated from the analysis here. */
            size_t len = end ? (size_t)(end - n - 10) : 0;
            char t[1024];
            if (end && len < sizeof t) {
                memcpy(t, n + 10, len);
                t[len] = 0;
                az_names_add_value_type(names, t);
            }
        }
    }
}

/* ILC's identifier sanitization: letters, digits and '_' stay, anything else
 * becomes '_' (nativeaot-format.md §1.2). */
static void sanitize(const char *in, char *out, size_t cap)
{
    size_t j = 0;
    for (const char *p = in; *p && j + 1 < cap; p++) {
        unsigned char ch = (unsigned char)*p;
        bool keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
        out[j++] = keep ? (char)ch : '_';
    }
    out[j] = 0;
}

/* The entry assembly: ILC names the synthesized entry point
 * `<asm>__Module___StartupCodeMain`.  Its display name is the published
 * binary's name when that sanitizes to the same prefix (the default:
 * `WebApi.Sample` -> `WebApi_Sample`), else the sanitized form itself. */
static void learn_entry_assembly(az_analysis *a, az_names *names)
{
    static const char suffix[] = "__Module___StartupCodeMain";
    for (size_t i = 0; i < a->img.nsymbols; i++) {
        const char *n = a->img.symbols[i].name;
        size_t len = n ? strlen(n) : 0;
        /* Markers such as `_lsda0<asm>__Module___StartupCodeMain` end alike. */
        if (len <= sizeof suffix - 1 || n[0] == '_' || strcmp(n + len - (sizeof suffix - 1), suffix) != 0)
            continue;
        char asm_mangled[512];
        size_t alen = len - (sizeof suffix - 1);
        if (alen >= sizeof asm_mangled)
            return;
        memcpy(asm_mangled, n, alen);
        asm_mangled[alen] = 0;
        const char *base = strrchr(a->img.path, '/');
        base = base ? base + 1 : a->img.path;
        char base_mangled[512];
        sanitize(base, base_mangled, sizeof base_mangled);
        const char *display = strcmp(base_mangled, asm_mangled) == 0 ? base : asm_mangled;
        if (!az_names_is_framework(names, display))
            az_names_add_assembly(names, display, false); /* copied by the name set */
        return;
    }
}

static az_status load_framework_file(az_names *names, const char *path, az_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return az_fail(err, AZ_ERR_USAGE, "%s: cannot open framework list", path);
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        size_t n = strcspn(line, "\r\n");
        line[n] = 0;
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s || *s == '#')
            continue;
        az_names_add_assembly(names, s, true);
    }
    fclose(f);
    return AZ_OK;
}

/* The name sets that resolve ILC's lossy names: the built-in framework list
 * (or --framework-list), --app-assembly names, and what the binary tells. */
static az_status make_names(az_analysis *a, const az_options *opts, az_names **out, az_error *err)
{
    az_names *names = opts->framework_file ? az_names_new_empty() : az_names_new();
    if (opts->framework_file && load_framework_file(names, opts->framework_file, err) != AZ_OK) {
        az_names_free(names);
        return AZ_ERR_USAGE;
    }
    for (size_t i = 0; i < opts->napp_assemblies; i++)
        az_names_add_assembly(names, opts->app_assemblies[i], false);
    learn_value_types(a, names);
    learn_entry_assembly(a, names);
    *out = names;
    return AZ_OK;
}

az_names *az_analysis_names(az_analysis *a)
{
    static const az_options none;
    az_names *n = NULL;
    make_names(a, a->opts ? a->opts : &none, &n, NULL);
    return n;
}

/* Finds, verifies and reads a PE image's PDB (--pdb, else --debug-file,
 * else beside the image or at its CodeView path). */
static void attach_pdb(az_analysis *a, const az_options *opts)
{
    az_input pdb;
    if (!az_pdb_find(&a->img, opts->pdb ? opts->pdb : opts->debug_file, &pdb))
        return;
    az_error err = { 0 };
    if (az_pdb_add_symbols(&a->img, pdb.data, pdb.size, pdb.path, &err) == AZ_OK) {
        a->debug_input = pdb;
        a->img.debug_file = az_arena_strdup(&a->img.arena, pdb.path);
    } else {
        az_image_warn(&a->img, "PDB refused: %s", err.msg);
        az_input_close(&pdb);
    }
}

az_status az_analyze(const uint8_t *data, uint64_t size, const char *path, const az_options *opts,
                     az_analysis *out, az_error *err)
{
    static const az_options no_options;
    if (!opts)
        opts = &no_options;
    memset(out, 0, sizeof *out);
    const char *name = path ? path : "<input>";
    if (size == 0)
        return az_fail(err, AZ_ERR_FORMAT, "%s: file is empty", name);
    if (az_snapshot_sniff(data, size))
        return az_snapshot_load(data, size, path, out, err);

    az_image_init(&out->img, name, data, size);
    az_status st;
    if (az_elf_sniff(data, size)) {
        st = az_elf_read(&out->img, err);
    } else if (az_pe_sniff(data, size)) {
        st = az_pe_read(&out->img, err);
    } else if (az_macho_sniff(data, size)) {
        st = az_macho_read(&out->img, opts->arch, err);
    } else {
        st = az_fail(err, AZ_ERR_FORMAT, "%s: not an executable (no ELF, PE or Mach-O signature)", name);
    }
    if (st == AZ_OK && opts->arch != AZ_ARCH_UNKNOWN && out->img.arch != opts->arch)
        st = az_fail(err, AZ_ERR_UNSUPPORTED, "%s: the file is %s, not %s", name, az_arch_name(out->img.arch),
                     az_arch_name(opts->arch));
    if (st != AZ_OK) {
        az_image_free(&out->img);
        return st;
    }
    az_arena_init(&out->arena);

    /* PE: symbols come from the PDB, matched by the CodeView GUID and age. */
    if (out->img.format == AZ_FORMAT_PE) {
        if (path && !opts->no_debug_file)
            attach_pdb(out, opts);
    /* Mach-O: the dSYM, matched by LC_UUID, adds its DWARF and, when the
     * binary is stripped, its symbol table. */
    } else if (out->img.format == AZ_FORMAT_MACHO) {
        az_input dbg;
        if (path && !opts->no_debug_file && az_macho_find_dsym(&out->img, opts->debug_file, &dbg)) {
            az_error derr = { 0 };
            if (az_macho_add_debug_file(&out->img, dbg.data, dbg.size, dbg.path, &derr) == AZ_OK) {
                out->debug_input = dbg;
                out->img.debug_file = az_arena_strdup(&out->img.arena, dbg.path);
            } else {
                az_image_warn(&out->img, "debug file refused: %s", derr.msg);
                az_input_close(&dbg);
            }
        }
    /* A stripped binary: symbols come from its separate debug file. */
    } else if (!out->img.has_symtab && path && !opts->no_debug_file) {
        az_input dbg;
        if (az_debugfile_find(&out->img, opts->debug_file, opts->debug_root, &dbg)) {
            az_error derr = { 0 };
            if (az_elf_add_debug_file(&out->img, dbg.data, dbg.size, dbg.path, &derr) == AZ_OK) {
                out->debug_input = dbg;
                out->img.debug_file = out->img.symbols_from ? out->img.symbols_from : dbg.path;
                out->img.debug_file = az_arena_strdup(&out->img.arena, dbg.path);
            } else {
                az_image_warn(&out->img, "debug file refused: %s", derr.msg);
                az_input_close(&dbg);
            }
        }
    } else if (opts->debug_file && out->img.has_symtab) {
        az_image_warn(&out->img, "%s has its own symbol table; --debug-file %s not needed and not used",
                      name, opts->debug_file);
    }
    az_image_finish(&out->img);

    out->native_aot = detect_native_aot(&out->img);
    out->dotnet_version = parse_dotnet_version(&out->arena, out->img.compiler_comment);
    bool any_symbols = false;
    for (size_t i = 0; i < out->img.nsymbols && !any_symbols; i++)
        any_symbols = !out->img.symbols[i].dynamic;
    out->symbols = out->img.has_symtab ? AZ_SYMBOLS_FULL
                   : (out->img.nsymbols ? AZ_SYMBOLS_PARTIAL : AZ_SYMBOLS_NONE);
    if (out->img.has_symtab && !any_symbols)
        out->symbols = AZ_SYMBOLS_PARTIAL;

    out->opts = opts;
    az_runtimeparts_start(out);
    if (make_names(out, opts, &out->names, err) != AZ_OK) {
        az_analysis_free(out);
        return err ? err->status : AZ_ERR_USAGE;
    }

    out->nat = az_xcalloc(1, sizeof *out->nat);
    /* A PE image from .NET 9 on has no section of ILC's own: without a PDB,
     * the module header found in its data is what tells. */
    if (out->native_aot || out->img.format == AZ_FORMAT_PE)
        az_nativeaot_load(out, out->nat);
    if (out->nat->rtr.found)
        out->native_aot = true;
    if (!out->dotnet_version && out->nat->rtr.found)
        out->dotnet_version = dotnet_version_from_header(out->nat->rtr.major);

    az_attribute(out);
    az_runtimeparts_finish(out); /* also when nothing was classified */
    out->opts = NULL;

    if (out->file_total != out->img.size)
        az_image_warn(&out->img, "internal: attributed %llu file bytes of %llu",
                      (unsigned long long)out->file_total, (unsigned long long)out->img.size);
    return AZ_OK;
}

void az_analysis_free(az_analysis *a)
{
    if (a->nat) {
        az_nativeaot_free(a->nat);
        free(a->nat);
    }
    free(a->entities);
    free(a->by_addr);
    free(a->body_facts);
    free(a->section_file);
    free(a->label_slots);
    free(a->section_buckets);
    free(a->section_vm);
    if (a->names)
        az_names_free(a->names);
    if (a->worker_names)
        az_names_free(a->worker_names);
    az_arena_free(&a->worker_arena);
    az_runtimeparts_free(a);
    az_image_free(&a->img);
    az_input_close(&a->debug_input);
    az_arena_free(&a->arena);
    memset(a, 0, sizeof *a);
}
