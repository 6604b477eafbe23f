/* Name sets for the ILC demangler: assemblies, namespaces and types, keyed by
 * their sanitized (mangled) spelling.
 *
 * ILC turns '.', '+', '`', '<', '>' ... into '_' (nativeaot-format.md §1.2),
 * so "System.Collections.Generic" appears in symbols as
 * "System_Collections_Generic" and the boundary between assembly, namespace
 * and type is lost.  These tables give it back: the demangler hashes every
 * prefix of a name as it scans (FNV-1a, the same function as az_hash_bytes)
 * and asks whether that prefix is a known assembly, namespace or type.
 *
 * The built-in data (names_framework.inc) is const; everything an az_names
 * learns later lives in its own tables and arena, so two az_names never share
 * mutable state. */
#include "demangle.h"

#include <stdlib.h>
#include <string.h>

#include "names_framework.inc"

/* One open-addressing hash table.  The probe array holds only hashes (8
 * bytes a slot), so a miss, the common case when the demangler tries every
 * prefix of a name, touches one cache line; entries sit in a dense array. */
typedef struct name_entry {
    const char *key; /* in the az_names arena */
    size_t key_len;
    az_name_info info;
} name_entry;

typedef struct name_table {
    uint64_t *filter;  /* one bit per 4*cap values of the hash's high half: most misses stop here */
    uint64_t *hashes;  /* 0 marks an empty slot (real hashes are forced non-zero) */
    uint32_t *slot_entry; /* entry index of each used slot */
    size_t cap;        /* power of two */
    name_entry *entries;
    size_t count, entries_cap;
} name_table;

struct az_names {
    az_arena arena;
    name_table tables[AZ_NAMES__TABLES];
    /* Framework facades (type forwarders only): framework for
     * az_names_is_framework, but no symbol starts with their names, so they
     * stay out of the ASSEMBLY prefix table ("System" would otherwise match
     * the start of an app's "System_Foo_..."). */
    name_table facades;
};

/* ---- hashing and sanitizing ------------------------------------------------ */

static uint64_t fix_hash(uint64_t h)
{
    return h ? h : 1; /* keep 0 free for "empty slot" */
}

/* ILC's SanitizeName: ASCII letters, digits and '_' stay; every other
 * character (a whole UTF-8 sequence counts as one) becomes '_'; a leading
 * digit gets a '_' in front.  out needs room for strlen(s) + 2 bytes; returns
 * the key's length. */
static size_t sanitize_to(char *out, const char *s)
{
    size_t o = 0;
    if (s[0] >= '0' && s[0] <= '9')
        out[o++] = '_';
    for (size_t i = 0; s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (keep)
            out[o++] = (char)c;
        else if (c < 0x80 || (c & 0xC0) == 0xC0)
            out[o++] = '_'; /* ASCII punctuation, or the lead byte of a UTF-8 sequence */
        /* UTF-8 continuation bytes (10xxxxxx) add nothing: the lead byte already did. */
    }
    out[o] = 0;
    return o;
}

/* Assemblies named System.Private.X are abbreviated S_P_X (NativeAotNameMangler).
 * out needs room for strlen(display) + 2 bytes. */
static size_t sanitize_assembly_to(char *out, const char *display)
{
    static const char sp[] = "System.Private.";
    if (strncmp(display, sp, sizeof sp - 1) == 0 && display[sizeof sp - 1]) {
        memcpy(out, "S_P_", 4);
        return 4 + sanitize_to(out + 4, display + sizeof sp - 1);
    }
    return sanitize_to(out, display);
}

static char *sanitize(az_arena *a, const char *s, size_t *out_len)
{
    char *out = az_arena_alloc(a, strlen(s) + 2);
    *out_len = sanitize_to(out, s);
    return out;
}

static char *sanitize_assembly(az_arena *a, const char *s, size_t *out_len)
{
    char *out = az_arena_alloc(a, strlen(s) + 2);
    *out_len = sanitize_assembly_to(out, s);
    return out;
}

/* ---- the table ------------------------------------------------------------- */

/* The filter has 4 * cap bits, i.e. cap / 16 words. */
static size_t filter_bit(const name_table *t, uint64_t hash)
{
    return (size_t)(hash >> 32) & (4 * t->cap - 1);
}

static void table_grow(name_table *t)
{
    size_t cap = t->cap ? t->cap * 2 : 256;
    uint64_t *hashes = az_xcalloc(cap, sizeof *hashes);
    uint32_t *slot_entry = az_xcalloc(cap, sizeof *slot_entry);
    uint64_t *filter = az_xcalloc(cap / 16, sizeof *filter);
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->hashes[i])
            continue;
        size_t j = t->hashes[i] & (cap - 1);
        while (hashes[j])
            j = (j + 1) & (cap - 1);
        hashes[j] = t->hashes[i];
        slot_entry[j] = t->slot_entry[i];
    }
    free(t->hashes);
    free(t->slot_entry);
    free(t->filter);
    t->hashes = hashes;
    t->slot_entry = slot_entry;
    t->filter = filter;
    t->cap = cap;
    for (size_t i = 0; i < cap; i++) {
        if (hashes[i]) {
            size_t b = filter_bit(t, hashes[i]);
            filter[b / 64] |= 1ull << (b % 64);
        }
    }
}

static name_entry *table_find(const name_table *t, const char *key, size_t len, uint64_t hash)
{
    if (!t->cap)
        return NULL;
    hash = fix_hash(hash);
    size_t b = filter_bit(t, hash);
    if (!(t->filter[b / 64] >> (b % 64) & 1))
        return NULL;
    for (size_t j = hash & (t->cap - 1); t->hashes[j]; j = (j + 1) & (t->cap - 1)) {
        if (t->hashes[j] != hash)
            continue;
        name_entry *e = &t->entries[t->slot_entry[j]];
        if (e->key_len == len && memcmp(e->key, key, len) == 0)
            return e;
    }
    return NULL;
}

/* Inserts key (already in the arena) unless present; returns the entry either
 * way so that callers can merge flags. */
static name_entry *table_put(name_table *t, const char *key, size_t len, bool *added)
{
    uint64_t hash = fix_hash(az_hash_bytes(key, len));
    name_entry *e = table_find(t, key, len, hash);
    *added = false;
    if (e)
        return e;
    if (!t->cap || (t->count + 1) * 2 > t->cap)
        table_grow(t); /* at most half full: short probe runs */
    az_grow(&t->entries, &t->entries_cap, t->count + 1, sizeof *t->entries);
    size_t j = hash & (t->cap - 1);
    while (t->hashes[j])
        j = (j + 1) & (t->cap - 1);
    t->hashes[j] = hash;
    t->slot_entry[j] = (uint32_t)t->count;
    size_t b = filter_bit(t, hash);
    t->filter[b / 64] |= 1ull << (b % 64);
    e = &t->entries[t->count++];
    memset(e, 0, sizeof *e);
    e->key = key;
    e->key_len = len;
    *added = true;
    return e;
}

/* ---- public API ------------------------------------------------------------ */

/* Built-in namespaces and framework types (with the assemblies they name)
 * but no assembly list: which assemblies count as framework is then the
 * caller's to say (--framework-list). */
az_names *az_names_new_empty(void)
{
    az_names *n = az_xcalloc(1, sizeof *n);
    az_arena_init(&n->arena);
    size_t nns = sizeof az_fw_namespaces / sizeof az_fw_namespaces[0];
    for (size_t i = 0; i < nns; i++)
        if (az_fw_namespaces[i][0])
            az_names_add_namespace(n, az_fw_namespaces[i]);

    /* Type keys are whole mangled definitions, e.g.
     * "S_P_CoreLib_System_Collections_Generic_Dictionary_2_Enumerator":
     * the assembly by ILC's assembly rule, then namespace and nested path
     * sanitized together ('.', '+' and '`' all become '_'). */
    char buf[1024];
    for (size_t i = 0; i < sizeof az_fw_types / sizeof az_fw_types[0]; i++) {
        const az_fw_type *ft = &az_fw_types[i];
        const char *asm_name = az_fw_assemblies[ft->assembly].name;
        const char *ns = az_fw_namespaces[ft->ns];
        size_t need = 2 * (strlen(asm_name) + strlen(ns) + strlen(ft->path)) + 8;
        if (need > sizeof buf)
            continue; /* no built-in name is this long */
        size_t len = sanitize_assembly_to(buf, asm_name);
        buf[len++] = '_';
        if (ns[0]) {
            len += sanitize_to(buf + len, ns);
            buf[len++] = '_';
        }
        len += sanitize_to(buf + len, ft->path);
        bool added;
        name_entry *e = table_put(&n->tables[AZ_NAMES_TYPE], az_arena_strndup(&n->arena, buf, len), len, &added);
        if (added) {
            e->info.display = ft->path;
            e->info.assembly = asm_name;
            e->info.ns = ns;
            e->info.framework = true;
        }
        e->info.value_type |= ft->value_type != 0;
    }
    return n;
}

az_names *az_names_new(void)
{
    az_names *n = az_names_new_empty();
    for (size_t i = 0; i < sizeof az_fw_assemblies / sizeof az_fw_assemblies[0]; i++) {
        const az_fw_assembly *fa = &az_fw_assemblies[i];
        if (!fa->facade) {
            az_names_add_assembly(n, fa->name, true);
            continue;
        }
        size_t len;
        char *key = sanitize_assembly(&n->arena, fa->name, &len);
        bool added;
        table_put(&n->facades, key, len, &added)->info.framework = true;
    }
    return n;
}

void az_names_free(az_names *n)
{
    if (!n)
        return;
    for (int i = 0; i <= AZ_NAMES__TABLES; i++) {
        name_table *t = i < AZ_NAMES__TABLES ? &n->tables[i] : &n->facades;
        free(t->filter);
        free(t->hashes);
        free(t->slot_entry);
        free(t->entries);
    }
    az_arena_free(&n->arena);
    free(n);
}

void az_names_add_assembly(az_names *n, const char *display_name, bool framework)
{
    if (!n || !display_name || !display_name[0])
        return;
    size_t len;
    char *key = sanitize_assembly(&n->arena, display_name, &len);
    bool added;
    name_entry *e = table_put(&n->tables[AZ_NAMES_ASSEMBLY], key, len, &added);
    if (added)
        e->info.display = az_arena_strdup(&n->arena, display_name);
    e->info.framework = framework;
}

void az_names_add_namespace(az_names *n, const char *display_name)
{
    if (!n || !display_name || !display_name[0])
        return;
    size_t len;
    char *key = sanitize(&n->arena, display_name, &len);
    bool added;
    name_entry *e = table_put(&n->tables[AZ_NAMES_NAMESPACE], key, len, &added);
    if (added)
        e->info.display = az_arena_strdup(&n->arena, display_name);
}

void az_names_add_value_type(az_names *n, const char *mangled_type)
{
    if (!n || !mangled_type || !mangled_type[0])
        return;
    /* Both the exact instantiation and its generic definition: a generic
     * struct is a struct whatever its arguments. */
    size_t full = strlen(mangled_type);
    size_t def = strcspn(mangled_type, "<");
    bool added;
    char *key = az_arena_strndup(&n->arena, mangled_type, full);
    table_put(&n->tables[AZ_NAMES_VALUE_TYPE], key, full, &added)->info.value_type = true;
    if (def < full && def > 0) {
        key = az_arena_strndup(&n->arena, mangled_type, def);
        table_put(&n->tables[AZ_NAMES_VALUE_TYPE], key, def, &added)->info.value_type = true;
    }
}

bool az_names_is_framework(const az_names *n, const char *assembly)
{
    if (!assembly)
        return false;
    /* Types ILC synthesizes itself (<Module> of the startup code, reflection
     * invoke stubs) live in this pseudo-assembly; they are never app code. */
    if (strcmp(assembly, "System.Private.CompilerGenerated") == 0 ||
        strcmp(assembly, "Internal.CompilerGenerated") == 0)
        return true;
    if (!n)
        return false;
    /* Called once per entity: sanitize on the stack unless the name is huge. */
    char small[256];
    size_t n_in = strlen(assembly);
    char *key = n_in + 2 <= sizeof small ? small : az_xmalloc(n_in + 2);
    size_t len = sanitize_assembly_to(key, assembly);
    uint64_t h = az_hash_bytes(key, len);
    const name_entry *e = table_find(&n->tables[AZ_NAMES_ASSEMBLY], key, len, h);
    if (!e)
        e = table_find(&n->facades, key, len, h);
    bool fw = e && e->info.framework;
    if (key != small)
        free(key);
    return fw;
}

const az_name_info *az_names_find(const az_names *n, az_names_table table, const char *key, size_t len,
                                  uint64_t hash)
{
    if (!n || (int)table < 0 || table >= AZ_NAMES__TABLES)
        return NULL;
    const name_entry *e = table_find(&n->tables[table], key, len, hash);
    return e ? &e->info : NULL;
}
