/* ILC's size statistics file (.mstat): an ECMA-335 assembly whose metadata
 * references every type and method ILC compiled, and whose global methods'
 * IL lists the sizes (nativeaot-format.md §4.1).
 *
 * The reader decodes what that takes: the PE and CLI headers, the metadata
 * root and its streams (#~ tables, #Strings, #US, #Blob), the rows of
 * TypeRef, TypeSpec, MemberRef, MethodSpec, AssemblyRef, TypeDef and
 * MethodDef (every other table only for its row size), type and method
 * signatures, and the IL bodies of the global methods Types, Methods, Blobs
 * (all versions), RvaFields, FrozenObjects, ManifestResources (2.1) and
 * DeduplicatedMethods (2.2) made
 * of ldtoken / ldc.i4 / ldstr records.  Versions: 1.x (.NET 7), 2.0 (.NET 8,
 * adds a node name index into the `.names` PE section to every record),
 * 2.1 (.NET 9), 2.2 (.NET 10, adds DeduplicatedMethods); the version is the
 * assembly's.
 *
 * Every byte is read through az_cursor; table row counts are checked against
 * the bytes present; a damaged record list is cut short with a warning.
 * Strings point into the file bytes (which must outlive the az_mstat) or
 * into its arena. */
#ifndef AZ_MSTAT_H
#define AZ_MSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "cursor.h"
#include "error.h"

/* Metadata token tables (the top byte of a token). */
enum {
    AZ_MD_TYPEREF = 0x01,
    AZ_MD_TYPEDEF = 0x02,
    AZ_MD_FIELD = 0x04,
    AZ_MD_METHODDEF = 0x06,
    AZ_MD_MEMBERREF = 0x0A,
    AZ_MD_TYPESPEC = 0x1B,
    AZ_MD_ASSEMBLYREF = 0x23,
    AZ_MD_METHODSPEC = 0x2B,
    AZ_MD_USERSTRING = 0x70,
    AZ_MD_TABLES = 0x2D, /* tables 0x00-0x2C exist in ECMA-335 */
};

typedef struct az_mstat_record {
    uint32_t token;     /* what it is about: TypeRef/TypeSpec, MemberRef/MethodSpec, field MemberRef */
    uint32_t size;      /* MethodTable bytes, code bytes, RVA data bytes, object bytes */
    uint32_t gc_size;   /* methods: GC info bytes */
    uint32_t eh_size;   /* methods: EH info bytes */
    uint32_t owner;     /* frozen objects: owning type token, or 0 */
    const char *name;   /* node's symbol from .names (its DGML name up to the first space:
                           " constructed" and such are dropped); NULL in 1.x */
} az_mstat_record;

typedef struct az_mstat_blob {
    const char *name;   /* node kind ("Metadata", "UnboxingStub", ...) or resource name */
    uint32_t size;
    uint32_t assembly;  /* resources: AssemblyRef token */
} az_mstat_blob;

typedef struct az_mstat_table {
    uint32_t rows;
    uint32_t row_size;
    uint64_t offset;    /* of row 1, within the #~ stream */
    uint8_t col_off[10], col_size[10];
} az_mstat_table;

typedef struct az_mstat {
    const uint8_t *data;
    uint64_t size;
    uint16_t major, minor;        /* format version = assembly version */
    const char *assembly;         /* the .mstat assembly's own name */

    az_mstat_record *types;   size_t ntypes;     /* MethodTables */
    az_mstat_record *methods; size_t nmethods;   /* method bodies */
    az_mstat_record *rva_fields; size_t nrva_fields;
    az_mstat_record *frozen;  size_t nfrozen;
    az_mstat_blob *blobs;     size_t nblobs;     /* other node kinds, summed per kind */
    az_mstat_blob *resources; size_t nresources;
    /* 2.2: methods whose bodies were folded into another (identical) body,
     * one record per (method, body) pair: token = the method, owner = the
     * method whose body it uses, name = that body's node name. */
    az_mstat_record *folded;  size_t nfolded;

    /* metadata, for the functions below */
    az_cursor tables, strings, blobheap, us, names;
    uint8_t heap_sizes;
    az_mstat_table t[AZ_MD_TABLES];
    struct az_mstat_section { uint32_t va, vsize, raw_off, raw_size; } *sections;
    size_t nsections;

    const char **warnings; size_t nwarnings, cap_warnings;
    az_arena arena;
} az_mstat;

/* Reads an .mstat from memory.  Fails (AZ_ERR_FORMAT / AZ_ERR_CORRUPT, one
 * line naming the file) only when the headers or metadata tables cannot be
 * read at all; damaged record lists give warnings. */
az_status az_mstat_read(const uint8_t *data, uint64_t size, const char *path, az_mstat *out, az_error *err);
void az_mstat_free(az_mstat *m);

/* A row's column value (tables above; column numbers from ECMA-335 II.22),
 * 0 when the row does not exist. */
uint32_t az_mstat_col(const az_mstat *m, int table, uint32_t row, int column);
/* #Strings entry, "" when out of range. */
const char *az_mstat_string(const az_mstat *m, uint32_t offset);

/* Display name of a type or method token: "System.Collections.Generic.
 * Dictionary<Generics.App.MyKey, Int32>", "Generics.App.Box<Int32>.Map<Int64>".
 * Primitives use their short names (Int32, String, Object) and
 * System.__Canon shows as __Canon, as the demangler writes them. */
const char *az_mstat_display(const az_mstat *m, uint32_t token, az_arena *arena);

/* The assembly a type or method token belongs to (of its generic
 * definition for instantiations); NULL when unknown. */
const char *az_mstat_assembly(const az_mstat *m, uint32_t token);

/* Namespace and type path ("Outer`1+Inner") of a TypeRef. */
void az_mstat_typeref_name(const az_mstat *m, uint32_t typeref_row, const char **ns, const char **path,
                           az_arena *arena);

typedef struct az_mstat_arg {
    const char *display;
    const char *assembly;  /* NULL for arrays of primitives and the like */
    bool value_type;       /* VALUETYPE, a generic value type, or a primitive value type */
    bool canon;            /* System.__Canon */
} az_mstat_arg;

/* What a type or method token instantiates. */
typedef struct az_mstat_generic {
    bool generic;          /* an instantiation (a generic type, a method of one, or a generic method) */
    bool method;           /* a generic method instantiation (MethodSpec) */
    bool boxed;            /* a method of ILC's synthetic boxed type (an unboxing thunk):
                              def_typeref is "Boxed_<Name>" in System.Private.CompilerGenerated,
                              standing for the value type <Name> */
    uint32_t def_typeref;  /* TypeRef row of the generic type, or of the generic method's owner */
    uint32_t def_name;     /* generic method: #Strings offset of its name; else 0 */
    uint32_t def_sig;      /* generic method: #Blob offset of its signature; else 0 */
    uint32_t inst;         /* the instantiation: TypeSpec row (type) or MethodSpec row (method) */
    const char *def_display; /* "System.Collections.Generic.Dictionary`2", "System.Linq.Enumerable.Select`2" */
    const char *display;     /* the instantiation's display name (az_mstat_display of the token) */
    az_mstat_arg *args;    /* the owner type's arguments, then the method's */
    size_t nargs, nowner_args;
} az_mstat_generic;

/* Fills *out (strings and args from arena); false when the token cannot be
 * decoded. */
bool az_mstat_generic_of(const az_mstat *m, uint32_t token, az_arena *arena, az_mstat_generic *out);

#endif
