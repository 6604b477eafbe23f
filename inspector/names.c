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
 * Scans can stop early: the ASSEMBLY, NAMESPACE and TYPE tables also hold
 * every part of a key that ends before one of its '_' ("System",
 * "System_Collections" for "System_Collections_Generic"), marked as such
 * (name_entry.more).  A scan that probes at each '_' of a symbol may stop at
 * the first prefix that is not so marked: no longer key can start with it.
 * These marker entries are never returned as names (is_key is false).
 *
 * The built-in data (names_framework.inc) is const; everything an az_names
 * learns later lives in its own tables and arena, so two az_names never share
 * mutable state.
 *
 * An az_names also keeps the demangler's memo (az_names_memo_get/put): its
 * results depend on the names, so they live and die with them.  The memo is
 * mutable behind the const az_names the demangler gets, which makes
 * az_demangle unsafe to call from two threads with one az_names. */
#include "demangle.h"

#include <stdlib.h>
#include <pthread.h>
#include <string.h>

#include "names_framework.inc"

/* One open-addressing hash table.  The probe array holds only hashes (8
 * bytes a slot), so a miss, the common case when the demangler tries every
 * prefix of a name, touches one cache line; entries sit in a dense array. */
typedef struct name_entry {
    const char *key; /* in the az_names arena */
    size_t key_len;
    bool is_key; /* a name of the table (else only a '_'-bounded part of longer keys) */
    bool more;   /* some key of the table starts with this key followed by '_' */
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

/* The demangler's memo: (tag, key bytes) -> value bytes.  It is consulted
 * for most symbols, and what a lookup costs is cache misses more than
 * instructions, so entries lie one after another in one buffer (a header,
 * the key, the value), and each open-addressing slot holds an entry's offset
 * with the high half of its hash: a lookup reads one slot, and only when the
 * hash matches, one entry. */
typedef struct memo_head {
    uint64_t hash; /* the caller's */
    uint32_t key_len, val_len;
    uint32_t tag;
    uint32_t unused; /* (entries stay 8-byte aligned) */
} memo_head;

/* The size of an entry in the buffer. */
static size_t memo_entry_size(size_t key_len, size_t val_len)
{
    return (sizeof(memo_head) + key_len + val_len + 7) & ~(size_t)7;
}

typedef struct name_memo {
    uint64_t *slots; /* hash >> 32 in the high half, entry offset / 8 + 1 in the low; 0: empty */
    size_t cap;      /* power of two */
    char *buf;       /* the entries */
    size_t len, buf_cap;
    size_t count;
} name_memo;

/* The memo's bound (entries and slots): past it new results are not kept,
 * so whatever the input, the memo never holds more than this. */
enum { MEMO_MAX_BYTES = 32 << 20 };

struct az_names {
    az_arena arena;
    name_memo *memo; /* mutable even through a const az_names (see the top) */
    /* tables[FACADES]: framework facades (type forwarders only): framework
     * for az_names_is_framework, but no symbol starts with their names, so
     * they stay out of the ASSEMBLY prefix table ("System" would otherwise
     * match the start of an app's "System_Foo_..."). */
    name_table tables[AZ_NAMES__TABLES + 1];
    /* The table each lookup reads: a template's (shared, immutable) until
     * this az_names first adds to it, then its own copy in tables[]. */
    const name_table *live[AZ_NAMES__TABLES + 1];
};

enum { FACADES = AZ_NAMES__TABLES, NTABLES = AZ_NAMES__TABLES + 1 };

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

static inline name_entry *table_find(const name_table *t, const char *key, size_t len, uint64_t hash)
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

/* Finds or inserts the entry for key (already in the arena; hash is
 * az_hash_bytes(key, len)).  New entries are not keys yet. */
static name_entry *table_slot(name_table *t, const char *key, size_t len, uint64_t hash)
{
    hash = fix_hash(hash);
    name_entry *e = table_find(t, key, len, hash);
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
    return e;
}

/* Inserts key (already in the arena) as a name of the table unless it is one
 * already; returns the entry either way so that callers can merge flags.
 * With mark_prefixes, every part of the key before one of its '_' (after the
 * first character) is recorded as a prefix of a longer key. */
static name_entry *table_put_ex(name_table *t, const char *key, size_t len, bool mark_prefixes, bool *added)
{
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a, as az_hash_bytes, one byte at a time */
    for (size_t i = 0; i < len; i++) {
        if (mark_prefixes && key[i] == '_' && i > 0)
            table_slot(t, key, i, h)->more = true;
        h = (h ^ (uint8_t)key[i]) * 0x100000001b3ull;
    }
    name_entry *e = table_slot(t, key, len, h);
    *added = !e->is_key;
    e->is_key = true;
    return e;
}

static name_entry *table_put(name_table *t, const char *key, size_t len, bool *added)
{
    return table_put_ex(t, key, len, false, added);
}

/* ---- the demangler's memo -------------------------------------------------- */

static void memo_clear(name_memo *m)
{
    free(m->slots);
    free(m->buf);
    memset(m, 0, sizeof *m);
}

static const memo_head *memo_find(const name_memo *m, unsigned tag, const char *key, size_t len, uint64_t hash)
{
    if (!m->cap)
        return NULL;
    uint32_t check = (uint32_t)(hash >> 32);
    for (size_t j = hash & (m->cap - 1);; j = (j + 1) & (m->cap - 1)) {
        uint64_t slot = m->slots[j];
        if (!slot)
            return NULL;
        if ((uint32_t)(slot >> 32) != check)
            continue;
        const memo_head *h = (const memo_head *)(m->buf + ((slot & 0xffffffffu) - 1) * 8);
        if (h->tag == tag && h->key_len == len && memcmp(h + 1, key, len) == 0)
            return h;
    }
}

static void memo_link(name_memo *m, uint64_t hash, size_t offset)
{
    size_t j = hash & (m->cap - 1);
    while (m->slots[j])
        j = (j + 1) & (m->cap - 1);
    m->slots[j] = (hash >> 32) << 32 | (uint64_t)(offset / 8 + 1);
}

const void *az_names_memo_get(const az_names *n, unsigned tag, const char *key, size_t len, uint64_t hash,
                              size_t *val_len)
{
    if (!n)
        return NULL;
    const memo_head *h = memo_find(n->memo, tag, key, len, hash);
    if (!h)
        return NULL;
    *val_len = h->val_len;
    return (const char *)(h + 1) + h->key_len;
}

void az_names_memo_put(const az_names *n, unsigned tag, const char *key, size_t len, uint64_t hash,
                       const az_memo_part *parts, size_t nparts)
{
    size_t val_len = 0;
    for (size_t i = 0; i < nparts; i++) {
        if (parts[i].n > MEMO_MAX_BYTES)
            return;
        val_len += parts[i].n;
    }
    if (!n || len > MEMO_MAX_BYTES || val_len > MEMO_MAX_BYTES)
        return;
    name_memo *m = n->memo;
    size_t size = memo_entry_size(len, val_len);
    size_t cap = (m->count + 1) * 2 > m->cap ? (m->cap ? m->cap * 2 : 4096) : m->cap;
    if (m->len + size + cap * sizeof *m->slots > MEMO_MAX_BYTES || memo_find(m, tag, key, len, hash))
        return;
    size_t buf_cap = m->buf_cap;
    while (m->len + size > buf_cap)
        buf_cap = buf_cap ? buf_cap * 2 : 64 * 1024;
    if (buf_cap > MEMO_MAX_BYTES)
        buf_cap = MEMO_MAX_BYTES; /* (enough: the check above counted the entries) */
    if (cap != m->cap) {
        free(m->slots);
        m->slots = az_xcalloc(cap, sizeof *m->slots);
        m->cap = cap;
        for (size_t off = 0; off < m->len;) {
            const memo_head *h = (const memo_head *)(m->buf + off);
            memo_link(m, h->hash, off);
            off += memo_entry_size(h->key_len, h->val_len);
        }
    }
    if (buf_cap != m->buf_cap) {
        char *buf = realloc(m->buf, buf_cap);
        if (!buf)
            return; /* a memo can do without */
        m->buf = buf;
        m->buf_cap = buf_cap;
    }
    memo_head *h = (memo_head *)(m->buf + m->len);
    h->hash = hash;
    h->key_len = (uint32_t)len;
    h->val_len = (uint32_t)val_len;
    h->tag = tag;
    h->unused = 0;
    memcpy(h + 1, key, len);
    char *w = (char *)(h + 1) + len;
    for (size_t i = 0; i < nparts; i++) {
        if (parts[i].n)
            memcpy(w, parts[i].p, parts[i].n);
        w += parts[i].n;
    }
    memo_link(m, hash, m->len);
    m->len += size;
    m->count++;
}

/* ---- public API ------------------------------------------------------------ */

/* Built-in namespaces and framework types (with the assemblies they name)
 * but no assembly list: which assemblies count as framework is then the
 * caller's to say (--framework-list). */
static az_names *build_empty(void)
{
    az_names *n = az_xcalloc(1, sizeof *n);
    az_arena_init(&n->arena);
    n->memo = az_xcalloc(1, sizeof *n->memo);
    for (int i = 0; i < NTABLES; i++)
        n->live[i] = &n->tables[i];
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
        name_entry *e =
            table_put_ex(&n->tables[AZ_NAMES_TYPE], az_arena_strndup(&n->arena, buf, len), len, true, &added);
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

static az_names *build_full(void)
{
    az_names *n = build_empty();
    for (size_t i = 0; i < sizeof az_fw_assemblies / sizeof az_fw_assemblies[0]; i++) {
        const az_fw_assembly *fa = &az_fw_assemblies[i];
        if (!fa->facade) {
            az_names_add_assembly(n, fa->name, true);
            continue;
        }
        size_t len;
        char *key = sanitize_assembly(&n->arena, fa->name, &len);
        bool added;
        table_put(&n->tables[FACADES], key, len, &added)->info.framework = true;
    }
    return n;
}

/* Building the built-in tables costs milliseconds (thousands of names to
 * sanitize and hash), more than analysing a small binary, so it is done once
 * per process: these templates are immutable, and each az_names starts as a
 * copy of one.  Keys and display strings stay in the templates' arenas,
 * which live until the process ends. */
static az_names *g_template_empty, *g_template_full;
static pthread_once_t g_templates_once = PTHREAD_ONCE_INIT;

static void build_templates(void)
{
    g_template_empty = build_empty();
    g_template_full = build_full();
}

static void table_copy(name_table *dst, const name_table *src)
{
    *dst = *src;
    if (!src->cap)
        return;
    dst->hashes = az_xmalloc(src->cap * sizeof *dst->hashes);
    memcpy(dst->hashes, src->hashes, src->cap * sizeof *dst->hashes);
    dst->slot_entry = az_xmalloc(src->cap * sizeof *dst->slot_entry);
    memcpy(dst->slot_entry, src->slot_entry, src->cap * sizeof *dst->slot_entry);
    dst->filter = az_xmalloc(src->cap / 16 * sizeof *dst->filter);
    memcpy(dst->filter, src->filter, src->cap / 16 * sizeof *dst->filter);
    dst->entries = az_xmalloc((src->entries_cap ? src->entries_cap : 1) * sizeof *dst->entries);
    memcpy(dst->entries, src->entries, src->count * sizeof *dst->entries);
}

static az_names *clone_template(const az_names *t)
{
    az_names *n = az_xcalloc(1, sizeof *n);
    az_arena_init(&n->arena);
    n->memo = az_xcalloc(1, sizeof *n->memo);
    for (int i = 0; i < NTABLES; i++)
        n->live[i] = t->live[i];
    return n;
}

/* Table i of n for adding to: n's own, copied from the template on the first
 * write. */
static name_table *table_mut(az_names *n, int i)
{
    if (n->live[i] != &n->tables[i]) {
        table_copy(&n->tables[i], n->live[i]);
        n->live[i] = &n->tables[i];
    }
    return &n->tables[i];
}

az_names *az_names_new_empty(void)
{
    pthread_once(&g_templates_once, build_templates);
    return clone_template(g_template_empty);
}

az_names *az_names_new(void)
{
    pthread_once(&g_templates_once, build_templates);
    return clone_template(g_template_full);
}

void az_names_free(az_names *n)
{
    if (!n)
        return;
    for (int i = 0; i <= AZ_NAMES__TABLES; i++) {
        if (n->live[i] != &n->tables[i])
            continue; /* the template's */
        name_table *t = &n->tables[i];
        free(t->filter);
        free(t->hashes);
        free(t->slot_entry);
        free(t->entries);
    }
    memo_clear(n->memo);
    free(n->memo);
    az_arena_free(&n->arena);
    free(n);
}

void az_names_add_assembly(az_names *n, const char *display_name, bool framework)
{
    if (!n || !display_name || !display_name[0])
        return;
    memo_clear(n->memo); /* memoized demangler results may depend on the old names */
    size_t len;
    char *key = sanitize_assembly(&n->arena, display_name, &len);
    bool added;
    name_entry *e = table_put_ex(table_mut(n, AZ_NAMES_ASSEMBLY), key, len, true, &added);
    if (added)
        e->info.display = az_arena_strdup(&n->arena, display_name);
    e->info.framework = framework;
}

void az_names_add_namespace(az_names *n, const char *display_name)
{
    if (!n || !display_name || !display_name[0])
        return;
    memo_clear(n->memo);
    size_t len;
    char *key = sanitize(&n->arena, display_name, &len);
    bool added;
    name_entry *e = table_put_ex(table_mut(n, AZ_NAMES_NAMESPACE), key, len, true, &added);
    if (added)
        e->info.display = az_arena_strdup(&n->arena, display_name);
}

void az_names_add_value_type(az_names *n, const char *mangled_type)
{
    if (!n || !mangled_type || !mangled_type[0])
        return;
    memo_clear(n->memo);
    /* Both the exact instantiation and its generic definition: a generic
     * struct is a struct whatever its arguments. */
    size_t full = strlen(mangled_type);
    size_t def = strcspn(mangled_type, "<");
    bool added;
    char *key = az_arena_strndup(&n->arena, mangled_type, full);
    table_put(table_mut(n, AZ_NAMES_VALUE_TYPE), key, full, &added)->info.value_type = true;
    if (def < full && def > 0) {
        key = az_arena_strndup(&n->arena, mangled_type, def);
        table_put(table_mut(n, AZ_NAMES_VALUE_TYPE), key, def, &added)->info.value_type = true;
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
    const name_entry *e = table_find(n->live[AZ_NAMES_ASSEMBLY], key, len, h);
    if (!e || !e->is_key)
        e = table_find(n->live[FACADES], key, len, h);
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
    const name_entry *e = table_find(n->live[table], key, len, hash);
    return e && e->is_key ? &e->info : NULL;
}

const az_name_info *az_names_probe(const az_names *n, az_names_table table, const char *key, size_t len,
                                   uint64_t hash, bool *more)
{
    *more = false;
    if (!n || (int)table < 0 || table >= AZ_NAMES__TABLES)
        return NULL;
    const name_entry *e = table_find(n->live[table], key, len, hash);
    if (!e)
        return NULL;
    *more = e->more;
    return e->is_key ? &e->info : NULL;
}
