/* Demangler for ILC (Native AOT) symbol names, plus C++ names of the native
 * runtime through the C++ runtime's demangler.
 *
 * Total: every input, however malformed, yields a result with a confidence;
 * recursion and work are bounded.  ILC mangling is lossy ('.', '+', '_' all
 * become '_'), so assembly and namespace boundaries come from the name sets in
 * az_names (built-in framework names plus what the caller learned), and the
 * confidence says how sure the split is. */
#ifndef AZ_DEMANGLE_H
#define AZ_DEMANGLE_H

#include <stdbool.h>
#include <stdint.h>

#include "../formats/arena.h"

/* What an ILC symbol's bytes are, from its prefix (nativeaot-format.md §1.5).
 * Keep az_kind_name() in sync. */
typedef enum az_kind {
    AZ_KIND_UNKNOWN = 0,
    /* code */
    AZ_KIND_METHOD,            /* managed method body */
    AZ_KIND_UNBOXING_STUB,     /* unbox_<M> */
    AZ_KIND_UNBOXING_THUNK,    /* <Boxed><T>__<unbox><M> */
    AZ_KIND_HELPER_STUB,       /* __GetNonGCStaticBase_<T>, __GetGCStaticBase_, __GetThreadStaticBase_,
                                  __ResolveVirtualFunction_, __DelegateCtor_, __GenericLookupFromDict_... */
    AZ_KIND_IL_STUB,           /* <rawpinvoke>, <GetCurrentMethod>, other <prefix> methods */
    /* per-type data */
    AZ_KIND_METHODTABLE,       /* _ZTV<n><T>, _ZTV<n>Boxed_<T>, ??_7<T>@@6B@ */
    AZ_KIND_GC_STATICS,        /* __GCSTATICS<T> */
    AZ_KIND_GC_STATICS_PREINIT,/* __GCSTATICS<T>__PreInitData */
    AZ_KIND_NONGC_STATICS,     /* __NONGCSTATICS<T> */
    AZ_KIND_THREAD_STATICS,    /* __THREADSTATICS<T> */
    AZ_KIND_THREAD_STATIC_INDEX, /* __TypeThreadStaticIndex<T> */
    AZ_KIND_GENERIC_DICT,      /* __GenericDict_<T or M> */
    AZ_KIND_DISPATCH_MAP,      /* __InterfaceDispatchMap_<T> */
    AZ_KIND_SEALED_VTABLE,     /* __SealedVTable_<MT symbol> */
    AZ_KIND_WRITABLE_DATA,     /* __writableData<T> */
    AZ_KIND_GENERIC_COMPOSITION, /* __GenericInstance_<args> */
    AZ_KIND_GC_STATIC_EETYPE,  /* __GCStaticEEType_<bits> */
    /* per-method data */
    AZ_KIND_FAT_POINTER,       /* __fatpointer_<M>, __fatunboxpointer_<M> */
    AZ_KIND_EH_INFO,           /* __ehinfo_<M> */
    AZ_KIND_ASSOCIATED_DATA,   /* _associatedData_<M> */
    AZ_KIND_READONLY_DATA,     /* __readonlydata_<M> */
    AZ_KIND_LSDA_LABEL,        /* _lsda<i><M>: marker inside .dotnet_eh_table */
    AZ_KIND_FRAME_LABEL,       /* _fram<i><M>, _unwind<i><M>: funclet / unwind markers */
    /* other managed data */
    AZ_KIND_FROZEN_STRING,     /* __Str_<text>[_<sha256>] */
    AZ_KIND_FROZEN_OBJECT,     /* __FrozenObj_<T><id> */
    AZ_KIND_FIELD_RVA_DATA,    /* <asm>__PrivateImplementationDetails____<hash> and other RVA statics */
    AZ_KIND_COMPILER_DATA,     /* named module-level ILC data: __embedded_metadata, __ReadyToRunHeader,
                                  __dehydrated_data, hashtables, maps, regions ... */
    /* native */
    AZ_KIND_NATIVE_CODE,       /* C/C++ function of the runtime */
    AZ_KIND_NATIVE_DATA,       /* C/C++ object of the runtime (incl. C++ vtables) */
    AZ_KIND__COUNT
} az_kind;

const char *az_kind_name(az_kind k); /* "method", "methodtable", ... (stable JSON values) */

typedef enum az_generic { AZ_GENERIC_NONE, AZ_GENERIC_CANONICAL, AZ_GENERIC_SPECIALIZED } az_generic;
const char *az_generic_name(az_generic g); /* "none", "canonical", "specialized" */

/* Name sets that resolve ILC's lossy boundaries.  Keys are sanitized names
 * (as they appear in symbols, e.g. "S_P_CoreLib", "System_Collections_Generic"),
 * values are display names ("System.Private.CoreLib", "System.Collections.Generic"). */
typedef struct az_names az_names;

az_names *az_names_new(void);  /* preloaded with the built-in framework assemblies and namespaces */
/* Like az_names_new, but with no framework assemblies (built-in namespaces
 * are kept): for --framework-list, which replaces the built-in list. */
az_names *az_names_new_empty(void);
void az_names_free(az_names *n);
void az_names_add_assembly(az_names *n, const char *display_name, bool framework);
void az_names_add_namespace(az_names *n, const char *display_name);
/* A mangled type name (e.g. "Generics_App_MyStruct") known to be a value type,
 * e.g. because a boxed MethodTable (_ZTV..Boxed_<T>) exists for it. */
void az_names_add_value_type(az_names *n, const char *mangled_type);
/* Whether an assembly display name belongs to the .NET runtime pack. */
bool az_names_is_framework(const az_names *n, const char *assembly);

/* Lookups behind az_demangle (names.c <-> demangle.c).  key is a sanitized
 * name that need not be NUL-terminated; hash must be az_hash_bytes(key, len)
 * (FNV-1a), which lets the demangler hash every prefix of a symbol in one pass.
 *   ASSEMBLY:   "S_P_CoreLib" -> display "System.Private.CoreLib", framework
 *   NAMESPACE:  "System_Collections_Generic" -> display
 *   TYPE:       whole mangled definition, built-in framework types only
 *               ("S_P_CoreLib_System_Collections_Generic_Dictionary_2_Enumerator")
 *               -> display "Dictionary`2+Enumerator", assembly, ns, value_type
 *   VALUE_TYPE: mangled types registered with az_names_add_value_type
 * The returned entry is valid until the next az_names_add_* call. */
typedef enum az_names_table {
    AZ_NAMES_ASSEMBLY, AZ_NAMES_NAMESPACE, AZ_NAMES_TYPE, AZ_NAMES_VALUE_TYPE, AZ_NAMES__TABLES
} az_names_table;
typedef struct az_name_info {
    const char *display;  /* assembly / namespace display name, or a type's nested path */
    const char *assembly; /* TYPE only */
    const char *ns;       /* TYPE only ("" for the global namespace) */
    bool framework;
    bool value_type;
} az_name_info;
const az_name_info *az_names_find(const az_names *n, az_names_table table, const char *key, size_t len,
                                  uint64_t hash);
/* az_names_find for scans that probe a name at each '_': *more tells whether
 * some ASSEMBLY / NAMESPACE / TYPE key starts with key followed by '_'.  When
 * it is false no probe further along the same name can match, and the scan
 * may stop. */
const az_name_info *az_names_probe(const az_names *n, az_names_table table, const char *key, size_t len,
                                   uint64_t hash, bool *more);

/* The demangler's memo (demangle.c): value bytes stored under a tag and key
 * bytes (hash is the caller's hash of both), kept in the az_names because
 * the demangler's results depend on the names.  Every az_names_add_* call
 * empties it; it holds a bounded number of bytes and drops what would not
 * fit.  It is changed through a const az_names, so az_demangle must not run
 * in two threads at once with the same az_names.  get returns the value
 * (valid until the next az_names_memo_put or az_names_add_*) or NULL. */
typedef struct az_memo_part {
    const void *p;
    size_t n;
} az_memo_part;
const void *az_names_memo_get(const az_names *n, unsigned tag, const char *key, size_t len, uint64_t hash,
                              size_t *val_len);
/* Stores the value given in pieces, one after another. */
void az_names_memo_put(const az_names *n, unsigned tag, const char *key, size_t len, uint64_t hash,
                       const az_memo_part *parts, size_t nparts);

typedef struct az_demangled {
    az_kind kind;
    bool managed;             /* ILC-generated (managed code or data) */
    const char *assembly;     /* owning assembly, display form ("System.Private.CoreLib"); NULL if none */
    const char *ns;           /* namespace of the outermost type ("" for none); NULL if no type */
    const char *type;         /* type within the namespace: "List<Int32>", nested "Outer+Inner" */
    const char *type_def;     /* generic definition of the type: "List`1"; == type if not generic */
    const char *method;       /* "Add", ".ctor", "<Main>$"-ish best effort; NULL for non-methods */
    const char *method_inst;  /* generic method arguments "<Int32, String>" or NULL */
    int overload;             /* ILC overload index (_0, _1 ...), -1 when none */
    az_generic generic;
    const char *display;      /* one-line human readable name */
    uint8_t confidence;       /* 100 exact structure; lower when boundaries were guessed */
} az_demangled;

/* Demangles one raw symbol name (ELF/Mach-O/PE spelling; Mach-O's leading '_'
 * already removed).  Strings in *out are allocated from arena.  Never fails:
 * unknown shapes give kind UNKNOWN / NATIVE_* and the raw name as display.
 * Not thread-safe for one az_names: parts of the work are memoized in it. */
void az_demangle(const char *raw, const az_names *names, az_arena *arena, az_demangled *out);

/* C++ (Itanium) demangling through the C++ runtime; NULL when raw is not a
 * C++ mangled name or cannot be demangled.  Result allocated from arena. */
const char *az_demangle_cxx(const char *raw, az_arena *arena);

/* ---- generic structure (for the generics view) ---------------------------------
 * Additions that leave az_demangle's results untouched. */

/* The mangled type or method an ILC node symbol is about: what follows its
 * node prefix ("_ZTV<n>[Boxed_]", "__GCSTATICS", "__GenericDict_", "unbox_",
 * "__fatpointer_", "_associatedData_", ...; the same prefix rules az_demangle
 * uses), without a "__PreInitData" suffix; for an unboxing thunk
 * "<Boxed>T__<unbox>M" it is T; for a method symbol the whole name.  False
 * when the name has no such part (strings, module data, dispatch maps whose
 * brackets are sanitized away, delegate-constructor and lookup helpers). */
bool az_demangle_payload(const char *raw, const char **start, size_t *len);

/* One generic argument of a mangled argument list. */
typedef struct az_type_arg {
    const char *mangled;   /* as in the symbol: "GenericsApp_Generics_App_MyKey" */
    const char *display;   /* "Generics.App.MyKey", "Int32", "__Canon", "Generics.App.Tiny[]" */
    const char *assembly;  /* defining assembly (of the element type for arrays); NULL if unknown */
    bool is_value_type;    /* known struct, enum or primitive (built-in types, or registered with
                              az_names_add_value_type, e.g. from a boxed MethodTable) */
    bool is_canon;         /* System.__Canon itself */
    bool has_canon;        /* System.__Canon anywhere in it ("List<__Canon>") */
} az_type_arg;

/* Splits a mangled generic argument list, the text between a '<' and its
 * matching '>' ("Int32__GenericsApp_Generics_App_MyKey"), into its
 * arguments, parsed as az_demangle parses them.  Fills out[0, max) and
 * returns the number of arguments (which may exceed max); 0 when the list
 * does not parse.  Strings are allocated from arena.  Not thread-safe for
 * one az_names (see az_demangle). */
size_t az_demangle_args(const char *args, size_t len, const az_names *names, az_arena *arena, az_type_arg *out,
                        size_t max);

#endif
