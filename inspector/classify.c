#include "classify.h"

#include <string.h>

#include "runtimeparts.h"

static bool starts(const char *s, const char *prefix)
{
    return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool contains(const char *s, const char *needle)
{
    return s && strstr(s, needle) != NULL;
}

bool az_is_managed_code_section(const az_section *sec)
{
    if (!sec)
        return false;
    const char *n = sec->name;
    return strcmp(n, "__managedcode") == 0 || strcmp(n, "__unbox") == 0 || strcmp(n, ".managed") == 0 ||
           strcmp(n, "__TEXT,__managedcode") == 0 || strcmp(n, "__TEXT,__unbox") == 0;
}

/* Source directories of the .NET runtime repository (dotnet/runtime) and the
 * runtime part each one builds.  First match wins, so specific paths come
 * before their parents. */
static const struct { const char *dir; const char *part; } source_parts[] = {
    { "/gc/vxsort/", "vxsort" },
    { "/coreclr/gc/", "GC" },
    { "/llvm-libunwind/", "unwinder" },
    { "/libunwind/", "unwinder" },
    { "/nativeaot/Runtime/unix/", "PAL" },
    { "/nativeaot/Runtime/windows/", "PAL" },
    { "/eventpipe/", "eventpipe" },
    { "/nativeaot/Bootstrap/", "bootstrapper" },
    { "/nativeaot/Runtime/", "runtime core" },
    { "/coreclr/runtime/", "runtime core" },
    { "/coreclr/minipal/", "minipal" },
    { "/native/minipal/", "minipal" },
    { "/libs/System.Native/", "System.Native" },
    { "/libs/System.Globalization.Native/", "System.Globalization.Native" },
    { "/libs/System.IO.Compression.Native/", "System.IO.Compression.Native" },
    { "/libs/System.Security.Cryptography.Native", "System.Security.Cryptography.Native" },
    { "/libs/System.Net.Security.Native/", "System.Net.Security.Native" },
    { "/external/zlib", "compression (zlib)" },
    { "/external/brotli/", "compression (brotli)" },
    { "/external/zstd/", "compression (zstd)" },
};

const char *az_runtime_part_from_source(const char *path)
{
    if (!path)
        return NULL;
    for (size_t i = 0; i < sizeof source_parts / sizeof source_parts[0]; i++)
        if (strstr(path, source_parts[i].dir))
            return source_parts[i].part;
    return NULL;
}

/* Name patterns of the runtime's static libraries (nativeaot-format.md §2.4).
 * `demangled` is the C++-demangled name when there is one. */
const char *az_runtime_part_from_name(const char *raw, const char *demangled)
{
    const char *d = demangled ? demangled : raw;
    if (!raw)
        return "runtime core";

    /* C start-up files (crt1.o, crti.o, crtbegin.o) and the dynamic loader glue. */
    static const char *const crt[] = {
        "_start", "_init", "_fini", "deregister_tm_clones", "register_tm_clones",
        "__do_global_dtors_aux", "frame_dummy", "__libc_csu_init", "__libc_csu_fini",
        "_dl_relocate_static_pie", "__dso_handle", "completed.0", "__do_global_dtors_aux_fini_array_entry",
        "__frame_dummy_init_array_entry", "_IO_stdin_used", "__data_start", "data_start",
    };
    for (size_t i = 0; i < sizeof crt / sizeof crt[0]; i++)
        if (strcmp(raw, crt[i]) == 0)
            return "C start-up";

    if (starts(d, "vxsort::") || contains(d, "bitonic") || starts(d, "WKS::vxsort") ||
        contains(raw, "vxsort"))
        return "vxsort";
    if (starts(d, "WKS::") || starts(d, "SVR::") || starts(d, "GCToOSInterface") ||
        starts(d, "GCToEEInterface") || starts(d, "GCConfig") || starts(d, "GCEvent") ||
        starts(d, "GCHandle") || starts(d, "GCHeap") || starts(d, "GCStatistics") ||
        starts(d, "GCScan") || starts(d, "CFinalize") || starts(d, "Hnd") || starts(d, "Ref_") ||
        starts(d, "HandleQuickSetUserData") || starts(d, "TableFreeSingleHandle") ||
        starts(d, "SegmentAlloc") || starts(d, "BlockAlloc") || starts(d, "xxxTable") ||
        starts(d, "GCInterface") || starts(d, "InitializeGarbageCollector") || starts(d, "GC_") ||
        starts(d, "StandaloneGC") || starts(d, "GCLog") || starts(d, "g_theGCHeap") ||
        starts(d, "g_theGCHandleManager") || starts(d, "g_gc_"))
        return "GC";
    if (starts(d, "libunwind::") || starts(raw, "unw_") || starts(raw, "_Unwind_") ||
        starts(raw, "__unw_") || starts(d, "__unw_") || starts(raw, "_U_dyn"))
        return "unwinder";
    if (starts(raw, "SystemNative_"))
        return "System.Native";
    if (starts(raw, "GlobalizationNative_"))
        return "System.Globalization.Native";
    if (starts(raw, "CompressionNative_"))
        return "System.IO.Compression.Native";
    if (starts(raw, "CryptoNative_") || starts(raw, "AppleCryptoNative_") ||
        starts(raw, "AndroidCryptoNative_"))
        return "System.Security.Cryptography.Native";
    if (starts(raw, "NetSecurityNative_"))
        return "System.Net.Security.Native";
    if (starts(raw, "Brotli") || starts(raw, "_kBrotli") || starts(raw, "kBrotli"))
        return "compression (brotli)";
    if (starts(raw, "zng_") || starts(raw, "deflate") || starts(raw, "inflate") || starts(raw, "z_") ||
        starts(raw, "adler32") || starts(raw, "crc32") || starts(raw, "_tr_") || starts(raw, "zlib") ||
        starts(raw, "zcalloc") || starts(raw, "zcfree") || starts(raw, "functable") ||
        starts(raw, "_length_code") || starts(raw, "_dist_code") || starts(raw, "zError") ||
        starts(raw, "compress") || starts(raw, "uncompress") || starts(raw, "gz"))
        return "compression (zlib)";
    if (starts(raw, "ep_") || starts(raw, "ds_") || starts(raw, "EventPipe") || starts(d, "EventPipe") ||
        starts(raw, "ep_rt_"))
        return "eventpipe";
    if (starts(raw, "minipal_") || starts(raw, "g_minipal"))
        return "minipal";
    if (starts(d, "Pal") || starts(raw, "Pal") || starts(d, "PAL_") || starts(d, "UnixEvent") ||
        starts(d, "GCEvent::Impl") || starts(d, "NATIVE_CONTEXT") || starts(d, "UnixNativeCodeManager"))
        return "PAL";
    if (strcmp(raw, "main") == 0 || strcmp(raw, "wmain") == 0 || starts(d, "InitializeRuntime") ||
        starts(raw, "c_classlibFunctions") || starts(raw, "__managed__") || starts(d, "__managed__"))
        return "bootstrapper";
    if (starts(d, "operator new") || starts(d, "operator delete") || starts(raw, "__cxa_") ||
        starts(d, "std::") || starts(raw, "__gxx_personality") || starts(d, "__cxxabiv1") ||
        starts(d, "typeinfo") || starts(d, "vtable for __cxxabiv1"))
        return "C++ shims";
    return "runtime core";
}

const char *az_compiler_group(const az_entity *e)
{
    const char *r = e->raw;
    switch (e->dm.kind) {
    case AZ_KIND_FROZEN_STRING: return "frozen strings";
    case AZ_KIND_FROZEN_OBJECT: return "frozen objects";
    case AZ_KIND_GENERIC_COMPOSITION: return "generic compositions";
    case AZ_KIND_GC_STATIC_EETYPE: return "GC static layouts";
    default: break;
    }
    if (contains(r, "metadata") && !contains(r, "map"))
        return "reflection and stack-trace metadata";
    if (contains(r, "stacktrace") || contains(r, "StackTrace"))
        return "stack-trace maps";
    if (contains(r, "dehydrated"))
        return "dehydrated data";
    if (contains(r, "FrozenSegment") || contains(r, "FrozenObj"))
        return "frozen objects";
    if (contains(r, "ReadyToRunHeader") || strcmp(r, "__Module") == 0 || contains(r, "TypeManager") ||
        contains(r, "ModuleInitializer") || contains(r, "ImportAddressTable"))
        return "module header";
    if (contains(r, "InterfaceDispatchCell"))
        return "interface dispatch cells";
    if (contains(r, "StaticRegion") || contains(r, "EagerCctor") || contains(r, "tls_"))
        return "static regions";
    if (contains(r, "Knobs") || contains(r, "CpuFeatures") || contains(r, "RuntimeConfiguration"))
        return "runtime configuration";
    if (contains(r, "resource"))
        return "manifest resources";
    if (contains(r, "map") || contains(r, "Map") || contains(r, "hashtable") || contains(r, "Hashtable") ||
        contains(r, "table") || contains(r, "Table") || contains(r, "nativelayout") ||
        contains(r, "instantiations") || contains(r, "Template") || contains(r, "ExternalReferences"))
        return "runtime maps and hashtables";
    return "other compiler data";
}

void az_classify_symbol(az_analysis *a, az_entity *e, const az_section *sec)
{
    const az_demangled *dm = &e->dm;
    if (dm->managed) {
        if (dm->assembly && dm->kind != AZ_KIND_COMPILER_DATA && dm->kind != AZ_KIND_FROZEN_STRING &&
            dm->kind != AZ_KIND_GENERIC_COMPOSITION && dm->kind != AZ_KIND_GC_STATIC_EETYPE) {
            e->bucket = az_names_is_framework(a->names, dm->assembly) ? AZ_BUCKET_FRAMEWORK : AZ_BUCKET_APP;
            e->group = dm->assembly;
        } else {
            e->bucket = AZ_BUCKET_COMPILER;
            e->group = az_compiler_group(e);
        }
        return;
    }
    /* Native symbols in the format's own tables (.plt, .got, .dynamic) are
     * dynamic-linking machinery. */
    if (sec && (strcmp(sec->name, ".plt") == 0 || strcmp(sec->name, ".plt.got") == 0 ||
                strcmp(sec->name, ".got") == 0 || strcmp(sec->name, ".got.plt") == 0 ||
                strcmp(sec->name, ".dynamic") == 0 || strcmp(sec->name, ".interp") == 0)) {
        e->bucket = AZ_BUCKET_FORMAT;
        e->group = "dynamic linking";
        return;
    }
    if (sec && az_is_managed_code_section(sec)) {
        /* An unnamed or unrecognised symbol inside managed code. */
        e->bucket = AZ_BUCKET_MANAGED;
        e->group = "managed code (unrecognised names)";
        return;
    }
    e->bucket = AZ_BUCKET_RUNTIME;
    e->group = az_runtimeparts_at(a, e->addr);
    if (!e->group)
        e->group = az_runtime_part_from_name(e->raw, dm->display != e->raw ? dm->display : NULL);
}

static bool name_is(const az_section *s, const char *name)
{
    return strcmp(s->name, name) == 0;
}

az_bucket az_section_bucket(const az_analysis *a, const az_section *sec)
{
    if (sec->flags & AZ_SEC_DEBUG)
        return AZ_BUCKET_DEBUG;
    if (az_is_managed_code_section(sec))
        return AZ_BUCKET_MANAGED;
    if (name_is(sec, ".dotnet_eh_table") || name_is(sec, "__modules") || name_is(sec, ".hydrated") ||
        name_is(sec, "hydrated") || name_is(sec, "__DATA,hydrated") || name_is(sec, "__DATA,__modules") ||
        name_is(sec, "__DATA,.dotnet_eh_table"))
        return a->native_aot ? AZ_BUCKET_COMPILER : AZ_BUCKET_UNATTRIBUTED;
    if (!(sec->flags & AZ_SEC_ALLOC) || (sec->flags & (AZ_SEC_SYMTAB | AZ_SEC_NOTE)))
        return AZ_BUCKET_FORMAT;
    static const char *const format_sections[] = {
        ".interp", ".hash", ".gnu.hash", ".dynsym", ".dynstr", ".gnu.version", ".gnu.version_d",
        ".gnu.version_r", ".rela.dyn", ".rela.plt", ".relr.dyn", ".rel.dyn", ".rel.plt", ".plt",
        ".plt.got", ".plt.sec", ".got", ".got.plt", ".dynamic", ".init_array", ".fini_array",
        ".preinit_array", ".eh_frame_hdr", ".eh_frame",
        /* PE: exception directory, base relocations, exports, imports, resources */
        ".pdata", ".reloc", ".edata", ".idata", ".didat", ".rsrc",
        /* Mach-O: stubs and pointers dyld binds, initialiser lists, unwind tables */
        "__TEXT,__stubs", "__TEXT,__stub_helper", "__TEXT,__auth_stubs", "__DATA_CONST,__got",
        "__DATA,__got", "__DATA_CONST,__auth_got", "__DATA,__la_symbol_ptr", "__DATA,__nl_symbol_ptr",
        "__DATA,__thread_ptrs", "__DATA_CONST,__mod_init_func", "__DATA,__mod_init_func",
        "__DATA_CONST,__mod_term_func", "__TEXT,__init_offsets", "__TEXT,__unwind_info", "__TEXT,__eh_frame",
    };
    for (size_t i = 0; i < sizeof format_sections / sizeof format_sections[0]; i++)
        if (name_is(sec, format_sections[i]))
            return AZ_BUCKET_FORMAT;
    if (name_is(sec, ".init") || name_is(sec, ".fini") || name_is(sec, ".text") ||
        name_is(sec, ".data.rel.ro") || name_is(sec, ".gcc_except_table") ||
        /* PE: the MSVC C runtime's initialiser tables, CFG pointers, read-only data */
        name_is(sec, ".CRT") || name_is(sec, ".00cfg") || name_is(sec, "_RDATA") ||
        /* Mach-O: native code, C++ exception tables, relocated read-only data */
        name_is(sec, "__TEXT,__text") || name_is(sec, "__TEXT,__gcc_except_tab") ||
        name_is(sec, "__DATA_CONST,__const"))
        return AZ_BUCKET_RUNTIME;
    return AZ_BUCKET_UNATTRIBUTED;
}
