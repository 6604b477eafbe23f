#include "diff.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

const char *az_diff_level_name(az_diff_level l)
{
    static const char *const names[AZ_DIFF__LEVELS] = {
        "buckets", "assemblies", "namespaces", "types", "members", "generic_definitions",
    };
    return l < AZ_DIFF__LEVELS ? names[l] : "?";
}

const char *az_change_name(az_change c)
{
    static const char *const names[] = { "same", "added", "removed", "grown", "shrunk", "moved", "padding" };
    return c <= AZ_CHANGE_PADDING ? names[c] : "?";
}

/* ---- a string-keyed hash map ----------------------------------------------------- */

typedef struct smap {
    const char **keys;
    uint64_t *hashes;  /* of each key, so growing and probing rarely touch the strings */
    size_t *vals;
    size_t cap, n;
} smap;

static void smap_free(smap *m)
{
    free(m->keys);
    free(m->hashes);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* A word-at-a-time hash: a diff hashes about ten keys per entity of each
 * side, and az_hash_bytes goes a byte at a time. */
static uint64_t key_hash(const char *s, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
    for (; n >= 8; s += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    uint64_t w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 29);
}

/* Makes room for n keys (at most half full). */
static void smap_reserve(smap *m, size_t n)
{
    if (n * 2 <= m->cap)
        return;
    size_t cap = m->cap ? m->cap : 1024;
    while (cap < n * 2)
        cap *= 2;
    const char **keys = az_xcalloc(cap, sizeof *keys);
    uint64_t *hashes = az_xmalloc(cap * sizeof *hashes);
    size_t *vals = az_xmalloc(cap * sizeof *vals);
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = m->hashes[i] & (cap - 1);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        hashes[j] = m->hashes[i];
        vals[j] = m->vals[i];
    }
    free(m->keys);
    free(m->hashes);
    free(m->vals);
    m->keys = keys;
    m->hashes = hashes;
    m->vals = vals;
    m->cap = cap;
}

/* The value slot of key, inserted (as SIZE_MAX) when absent.  key must live
 * as long as the map. */
static size_t *smap_put(smap *m, const char *key)
{
    smap_reserve(m, m->n + 1);
    uint64_t h = key_hash(key, strlen(key));
    size_t j = h & (m->cap - 1);
    while (m->keys[j]) {
        if (m->hashes[j] == h && strcmp(m->keys[j], key) == 0)
            return &m->vals[j];
        j = (j + 1) & (m->cap - 1);
    }
    m->keys[j] = key;
    m->hashes[j] = h;
    m->vals[j] = SIZE_MAX;
    m->n++;
    return &m->vals[j];
}

static size_t smap_get(const smap *m, const char *key)
{
    if (!m->cap)
        return SIZE_MAX;
    uint64_t h = key_hash(key, strlen(key));
    size_t j = h & (m->cap - 1);
    while (m->keys[j]) {
        if (m->hashes[j] == h && strcmp(m->keys[j], key) == 0)
            return m->vals[j];
        j = (j + 1) & (m->cap - 1);
    }
    return SIZE_MAX;
}

/* parts[0] sep parts[1] sep ... in arena memory (NULL parts are empty; at
 * most 12 parts, as the JOIN calls below write them; sep 0: no separator).
 * Keys and names are built for every entity of both sides: plain copies,
 * not printf, keep a diff of two large binaries fast. */
static char *join(az_arena *ar, char sep, const char *const *parts, size_t n)
{
    size_t lens[12], total = 0;
    for (size_t i = 0; i < n; i++) {
        lens[i] = parts[i] ? strlen(parts[i]) : 0;
        total += lens[i] + (i + 1 < n && sep);
    }
    char *out = az_arena_alloc(ar, total + 1), *w = out;
    for (size_t i = 0; i < n; i++) {
        memcpy(w, parts[i] ? parts[i] : "", lens[i]);
        w += lens[i];
        if (i + 1 < n && sep)
            *w++ = sep;
    }
    *w = 0;
    return out;
}

/* Decimal text of v in buf (at least 12 bytes). */
static const char *int_text(char *buf, int v)
{
    char tmp[12];
    size_t n = 0;
    unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
    do
        tmp[n++] = (char)('0' + u % 10);
    while ((u /= 10) && n < sizeof tmp);
    size_t k = 0;
    if (v < 0)
        buf[k++] = '-';
    while (n)
        buf[k++] = tmp[--n];
    buf[k] = 0;
    return buf;
}

#define JOIN(ar, sep, ...) join((ar), (sep), (const char *const[]){ __VA_ARGS__ }, \
                                sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

/* ---- generic families -------------------------------------------------------------- */

/* Arguments in a method instantiation "<A, B<C, D>>": top-level commas + 1. */
static int inst_arity(const char *inst)
{
    int depth = 0, n = 1;
    for (const char *p = inst; *p; p++) {
        if (*p == '<' || *p == '[')
            depth++;
        else if (*p == '>' || *p == ']')
            depth--;
        else if (*p == ',' && depth == 1)
            n++;
    }
    return n;
}

/* Node kinds that are part of an instantiation (as the generics view counts
 * them); dispatch maps are not: ILC sanitizes their type's brackets away. */
static bool instantiation_kind(az_kind k)
{
    switch (k) {
    case AZ_KIND_METHOD: case AZ_KIND_UNBOXING_STUB: case AZ_KIND_UNBOXING_THUNK: case AZ_KIND_IL_STUB:
    case AZ_KIND_METHODTABLE: case AZ_KIND_SEALED_VTABLE: case AZ_KIND_WRITABLE_DATA: case AZ_KIND_GENERIC_DICT:
    case AZ_KIND_GC_STATICS: case AZ_KIND_GC_STATICS_PREINIT: case AZ_KIND_NONGC_STATICS:
    case AZ_KIND_THREAD_STATICS: case AZ_KIND_THREAD_STATIC_INDEX: case AZ_KIND_FAT_POINTER: case AZ_KIND_EH_INFO:
    case AZ_KIND_ASSOCIATED_DATA: case AZ_KIND_READONLY_DATA: case AZ_KIND_HELPER_STUB: case AZ_KIND_FROZEN_OBJECT:
    case AZ_KIND_LSDA_LABEL: case AZ_KIND_FRAME_LABEL:
        return true;
    default:
        return false;
    }
}

bool az_generic_family(const az_entity *e, az_arena *arena, const char **family, const char **instance)
{
    const az_demangled *d = &e->dm;
    if (!d->managed || !e->is_symbol || !instantiation_kind(d->kind) || !d->type || !d->type_def || !d->ns)
        return false;
    const char *dot = d->ns[0] ? "." : "";
    bool generic_type = strcmp(d->type, d->type_def) != 0;
    /* A generic method's instantiations belong to the method definition,
     * also on a generic type; an unboxing thunk is about its boxed type. */
    if (d->method && d->method_inst && d->kind != AZ_KIND_UNBOXING_THUNK) {
        const char *owner = generic_type ? d->type_def : d->type;
        char arity[12], overload[12];
        int_text(arity, inst_arity(d->method_inst));
        *family = d->overload >= 0 ? JOIN(arena, 0, d->ns, dot, owner, ".", d->method, "`", arity, " (overload ",
                                          int_text(overload, d->overload), ")")
                                   : JOIN(arena, 0, d->ns, dot, owner, ".", d->method, "`", arity);
        *instance = JOIN(arena, 0, d->type, d->method_inst);
        return true;
    }
    if (!generic_type)
        return false;
    *family = JOIN(arena, 0, d->ns, dot, d->type_def);
    *instance = d->type;
    return true;
}

/* ---- items: one side's entities by identity ---------------------------------------- */

/* Entities with the same identity (aliases, a type's several per-type nodes
 * of one kind) are summed into one item. */
typedef struct item {
    const char *key;       /* identity on its side */
    const char *match_asm; /* assembly used for pairing: the new one for a moved type */
    const char *match;     /* identity used for pairing (key with match_asm) */
    const az_entity *e;    /* the first entity: names */
    uint64_t file, vm;
    uint32_t count;
    bool managed;          /* of a managed type: namespace/type rows */
    bool padding;          /* alignment padding only */
    size_t partner;        /* the item it is paired with on the other side, or SIZE_MAX */
    int partner_overload;  /* renumbered: the partner's overload index */
} item;

typedef struct side {
    const az_analysis *a;
    const az_filter *filter;
    az_arena arena;        /* its keys: both sides are built at once, each on its own */
    item *items;
    size_t n, cap;
    smap by_key;
    smap type_asm;         /* "ns\x1ftype" -> assembly (as a string index into asms), or MULTI */
    const char **asms;
    size_t nasms, cap_asms;
    uint64_t file, vm;
} side;

#define MULTI (SIZE_MAX - 1)

static bool is_managed_typed(const az_entity *e)
{
    return (e->bucket == AZ_BUCKET_APP || e->bucket == AZ_BUCKET_FRAMEWORK) && e->dm.assembly && e->dm.ns &&
           e->dm.type;
}

static const char *entity_kind(const az_entity *e)
{
    return e->is_symbol ? az_kind_name(e->dm.kind) : "label";
}

static const char *managed_key(az_arena *ar, const az_entity *e, const char *assembly)
{
    const az_demangled *d = &e->dm;
    char overload[12];
    return JOIN(ar, '\x1f', assembly, d->ns, d->type, entity_kind(e), d->method, d->method_inst,
                int_text(overload, d->overload));
}

static const char *type_key(az_arena *ar, const az_entity *e)
{
    return JOIN(ar, '\x1f', e->dm.ns, e->dm.type);
}

/* Items of one side (s->a, s->filter); runs on a thread of its own. */
static void *side_build(void *arg)
{
    side *s = arg;
    const az_analysis *a = s->a;
    const az_filter *filter = s->filter;
    if (!a)
        return NULL;
    az_arena *ar = &s->arena;
    smap_reserve(&s->by_key, a->nentities);
    const char *last_ns = NULL, *last_type = NULL, *last_asm = NULL;
    for (size_t i = 0; i < a->nentities; i++) {
        const az_entity *e = &a->entities[i];
        uint64_t f = az_entity_file(e), v = az_entity_vm(e);
        if ((!f && !v) || !az_filter_match(a, e, filter))
            continue;
        s->file += f;
        s->vm += v;
        bool managed = is_managed_typed(e);
        const char *key = managed ? managed_key(ar, e, e->dm.assembly)
                                  : JOIN(ar, '\x1f', "\x1e", az_bucket_name(e->bucket), e->group, entity_kind(e),
                                         e->dm.display ? e->dm.display : e->raw);
        size_t *slot = smap_put(&s->by_key, key);
        if (*slot == SIZE_MAX) {
            az_grow(&s->items, &s->cap, s->n + 1, sizeof *s->items);
            item *it = &s->items[s->n];
            memset(it, 0, sizeof *it);
            it->key = it->match = key;
            it->match_asm = managed ? e->dm.assembly : NULL;
            it->e = e;
            it->managed = managed;
            it->padding = true;
            it->partner = SIZE_MAX;
            *slot = s->n++;
        }
        item *it = &s->items[*slot];
        it->file += f;
        it->vm += v;
        it->count++;
        it->padding &= e->group && strcmp(e->group, "alignment padding") == 0;
        /* a neighbour of the same type (equal pointers, equal strings)
         * changes nothing below */
        if (managed && e->dm.ns == last_ns && e->dm.type == last_type && e->dm.assembly == last_asm)
            continue;
        if (managed) {
            last_ns = e->dm.ns;
            last_type = e->dm.type;
            last_asm = e->dm.assembly;
            size_t *t = smap_put(&s->type_asm, type_key(ar, e));
            size_t k = 0;
            while (k < s->nasms && strcmp(s->asms[k], e->dm.assembly) != 0)
                k++;
            if (k == s->nasms) {
                az_grow(&s->asms, &s->cap_asms, s->nasms + 1, sizeof *s->asms);
                s->asms[s->nasms++] = e->dm.assembly;
            }
            if (*t == SIZE_MAX)
                *t = k;
            else if (*t != k)
                *t = MULTI;
        }
    }
    return NULL;
}

static void side_free(side *s)
{
    az_arena_free(&s->arena);
    free(s->items);
    free(s->asms);
    smap_free(&s->by_key);
    smap_free(&s->type_asm);
}

/* A type in exactly one assembly on each side, not the same one, moved:
 * pair the old side's items under the new assembly. */
static void find_moves(az_diff *d, side *o, side *n)
{
    /* the last type looked up (neighbours share it), and its new assembly
     * when it moved */
    const char *last_ns = NULL, *last_type = NULL, *last_asm = NULL, *moved_to = NULL;
    for (size_t i = 0; i < o->n; i++) {
        item *it = &o->items[i];
        if (!it->managed)
            continue;
        const az_demangled *dm = &it->e->dm;
        if (dm->ns != last_ns || dm->type != last_type || dm->assembly != last_asm) {
            last_ns = dm->ns;
            last_type = dm->type;
            last_asm = dm->assembly;
            const char *tk = type_key(&d->arena, it->e);
            size_t ko = smap_get(&o->type_asm, tk), kn = smap_get(&n->type_asm, tk);
            moved_to = ko >= MULTI || kn >= MULTI || strcmp(o->asms[ko], n->asms[kn]) == 0 ? NULL : n->asms[kn];
        }
        if (!moved_to)
            continue;
        it->match_asm = moved_to;
        it->match = managed_key(&d->arena, it->e, it->match_asm);
    }
    /* Count each moved type once (the map keeps one entry per key). */
    smap seen = { 0 };
    for (size_t i = 0; i < o->n; i++) {
        item *it = &o->items[i];
        if (it->managed && it->match_asm != it->e->dm.assembly) {
            size_t *v = smap_put(&seen, type_key(&d->arena, it->e));
            if (*v == SIZE_MAX) {
                *v = 1;
                d->moved_types++;
            }
        }
    }
    smap_free(&seen);
}

static void pair(side *o, size_t i, side *n, size_t j)
{
    o->items[i].partner = j;
    n->items[j].partner = i;
    o->items[i].partner_overload = n->items[j].e->dm.overload;
    n->items[j].partner_overload = o->items[i].e->dm.overload;
}

/* ---- overload renumbering ------------------------------------------------------------ */

/* One method's overloads on both sides: (match assembly, ns, type, method,
 * method instantiation), all node kinds. */
typedef struct mgroup {
    size_t *olds, nold, cap_old;
    size_t *news, nnew, cap_new;
} mgroup;

typedef struct overload_size {
    int overload;
    uint64_t size;
    int partner;        /* paired overload on the other side */
    bool paired;
} overload_size;

/* Distinct overload indices of a group's items with their summed size. */
static size_t overload_sizes(const side *s, const size_t *items, size_t n, az_sort sort, overload_size *out,
                             size_t max)
{
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        const item *it = &s->items[items[k]];
        size_t j = 0;
        while (j < m && out[j].overload != it->e->dm.overload)
            j++;
        if (j == m) {
            if (m == max)
                return SIZE_MAX;
            out[m++] = (overload_size){ it->e->dm.overload, 0, 0, false };
        }
        out[j].size += sort == AZ_SORT_VM ? it->vm : it->file;
    }
    return m;
}

static bool same_overload_set(const overload_size *a, size_t na, const overload_size *b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++) {
        size_t j = 0;
        while (j < nb && b[j].overload != a[i].overload)
            j++;
        if (j == nb)
            return false;
    }
    return true;
}

static uint64_t absdiff(uint64_t x, uint64_t y)
{
    return x > y ? x - y : y - x;
}

/* Pairs the overloads of one method whose overload sets differ: equal sizes
 * first, then the closest sizes; ties go to the closest index. */
static void pair_overloads(overload_size *os, size_t no, overload_size *ns, size_t nn)
{
    for (int pass = 0; pass < 2; pass++) {
        for (;;) {
            size_t bi = SIZE_MAX, bj = SIZE_MAX;
            uint64_t best = UINT64_MAX;
            int best_dist = 0;
            for (size_t i = 0; i < no; i++) {
                if (os[i].paired)
                    continue;
                for (size_t j = 0; j < nn; j++) {
                    if (ns[j].paired)
                        continue;
                    uint64_t diff = absdiff(os[i].size, ns[j].size);
                    if (pass == 0 && diff != 0)
                        continue;
                    int dist = abs(os[i].overload - ns[j].overload);
                    if (diff < best || (diff == best && dist < best_dist)) {
                        best = diff;
                        best_dist = dist;
                        bi = i;
                        bj = j;
                    }
                }
            }
            if (bi == SIZE_MAX)
                break;
            os[bi].paired = ns[bj].paired = true;
            os[bi].partner = ns[bj].overload;
            ns[bj].partner = os[bi].overload;
        }
    }
}

/* Groups with more overloads than this are paired by exact identity only:
 * the pairing is quadratic. */
enum { MAX_GROUP_OVERLOADS = 256 };

static void match_overloads(az_diff *d, side *o, side *n)
{
    /* Only a method with an overload index on some side can be renumbered:
     * the names of those first, so the others need no group key. */
    smap overloaded = { 0 };
    for (int s = 0; s < 2; s++) {
        side *sd = s ? n : o;
        for (size_t i = 0; i < sd->n; i++) {
            const item *it = &sd->items[i];
            if (it->managed && it->e->dm.method && it->e->dm.overload >= 0)
                *smap_put(&overloaded, it->e->dm.method) = 1;
        }
    }
    smap by_group = { 0 };
    mgroup *groups = NULL;
    size_t ngroups = 0, cap_groups = 0;
    for (int s = 0; s < 2; s++) {
        side *sd = s ? n : o;
        for (size_t i = 0; i < sd->n; i++) {
            const item *it = &sd->items[i];
            const az_demangled *dm = &it->e->dm;
            if (!it->managed || !dm->method || smap_get(&overloaded, dm->method) == SIZE_MAX)
                continue;
            const char *gk = JOIN(&d->arena, '\x1f', it->match_asm, dm->ns, dm->type, dm->method, dm->method_inst);
            size_t *slot = smap_put(&by_group, gk);
            if (*slot == SIZE_MAX) {
                az_grow(&groups, &cap_groups, ngroups + 1, sizeof *groups);
                memset(&groups[ngroups], 0, sizeof *groups);
                *slot = ngroups++;
            }
            mgroup *g = &groups[*slot];
            if (s) {
                az_grow(&g->news, &g->cap_new, g->nnew + 1, sizeof *g->news);
                g->news[g->nnew++] = i;
            } else {
                az_grow(&g->olds, &g->cap_old, g->nold + 1, sizeof *g->olds);
                g->olds[g->nold++] = i;
            }
        }
    }
    overload_size *os = az_xmalloc(MAX_GROUP_OVERLOADS * sizeof *os);
    overload_size *ns = az_xmalloc(MAX_GROUP_OVERLOADS * sizeof *ns);
    for (size_t gi = 0; gi < ngroups; gi++) {
        mgroup *g = &groups[gi];
        if (g->nold && g->nnew) {
            size_t no = overload_sizes(o, g->olds, g->nold, d->sort, os, MAX_GROUP_OVERLOADS);
            size_t nn = overload_sizes(n, g->news, g->nnew, d->sort, ns, MAX_GROUP_OVERLOADS);
            if (no != SIZE_MAX && nn != SIZE_MAX && !same_overload_set(os, no, ns, nn)) {
                pair_overloads(os, no, ns, nn);
                /* Pair the items of paired overloads kind by kind. */
                for (size_t a = 0; a < g->nold; a++) {
                    item *oi = &o->items[g->olds[a]];
                    size_t k = 0;
                    while (k < no && os[k].overload != oi->e->dm.overload)
                        k++;
                    if (k == no || !os[k].paired)
                        continue;
                    for (size_t b = 0; b < g->nnew; b++) {
                        item *ni = &n->items[g->news[b]];
                        if (ni->partner == SIZE_MAX && ni->e->dm.overload == os[k].partner &&
                            ni->e->dm.kind == oi->e->dm.kind && ni->e->is_symbol == oi->e->is_symbol) {
                            pair(o, g->olds[a], n, g->news[b]);
                            if (oi->e->dm.overload != ni->e->dm.overload && oi->e->dm.kind == AZ_KIND_METHOD)
                                d->renumbered++;
                            break;
                        }
                    }
                }
            }
        }
        free(g->olds);
        free(g->news);
    }
    free(os);
    free(ns);
    free(groups);
    smap_free(&by_group);
    smap_free(&overloaded);
}

static void match_exact(side *o, side *n)
{
    for (size_t i = 0; i < o->n; i++) {
        if (o->items[i].partner != SIZE_MAX)
            continue;
        size_t j = smap_get(&n->by_key, o->items[i].match);
        if (j != SIZE_MAX && n->items[j].partner == SIZE_MAX)
            pair(o, i, n, j);
    }
}

/* ---- rows ------------------------------------------------------------------------------ */

/* The row a level found last, by the string pointers its key was made of:
 * entities come in address order, so neighbours mostly share their type,
 * namespace and assembly, and equal pointers mean equal strings, so the
 * key need not be built and looked up again. */
typedef struct level_rows {
    smap by_key;
    const void *memo[3];
    size_t memo_row;       /* SIZE_MAX: none yet */
} level_rows;

typedef struct builder {
    az_diff *d;
    side *o, *n;
    level_rows levels[AZ_DIFF__LEVELS];
    /* generic instantiations: "family row \x1f instance" -> index into insts */
    smap inst_by_key;
    struct inst {
        size_t row;       /* its family's row */
        uint64_t old_file, new_file, old_vm, new_vm;
    } *insts;
    size_t ninsts, cap_insts;
    /* the instantiation found last, by the pointers its keys were made of
     * (as level_rows' memo) */
    const void *inst_memo[6];
    int inst_memo_overload;
    bool inst_memo_thunk;
    size_t inst_memo_index;  /* SIZE_MAX: none yet */
    bool keep_unchanged;
} builder;

static bool memo_hit(const level_rows *l, const void *a, const void *b, const void *c)
{
    return l->memo_row != SIZE_MAX && l->memo[0] == a && l->memo[1] == b && l->memo[2] == c;
}

static void memo_set(level_rows *l, const void *a, const void *b, const void *c, size_t row)
{
    l->memo[0] = a;
    l->memo[1] = b;
    l->memo[2] = c;
    l->memo_row = row;
}

/* The row of a level for key, created with the given names when new. */
static az_diff_row *row_for(builder *b, az_diff_level level, const char *key, const char *name)
{
    size_t *slot = smap_put(&b->levels[level].by_key, key);
    if (*slot == SIZE_MAX) {
        az_diff *d = b->d;
        az_grow(&d->rows, &d->cap_rows, d->nrows + 1, sizeof *d->rows);
        az_diff_row *r = &d->rows[d->nrows];
        memset(r, 0, sizeof *r);
        r->level = level;
        r->name = name;
        r->change = AZ_CHANGE_PADDING; /* until a non-padding item is added */
        *slot = d->nrows++;
    }
    return &b->d->rows[*slot];
}

static void add_sizes(az_diff_row *r, const item *it, bool is_new)
{
    if (is_new) {
        r->new_file += it->file;
        r->new_vm += it->vm;
        r->new_count += it->count;
    } else {
        r->old_file += it->file;
        r->old_vm += it->vm;
        r->old_count += it->count;
    }
    if (!it->padding && r->change == AZ_CHANGE_PADDING)
        r->change = AZ_CHANGE_SAME;
}

static const char *owner_label(az_arena *ar, const az_entity *e)
{
    if ((e->bucket == AZ_BUCKET_APP || e->bucket == AZ_BUCKET_FRAMEWORK) && e->dm.assembly)
        return e->dm.assembly;
    return JOIN(ar, 0, "[", az_bucket_name(e->bucket), "] ", e->group ? e->group : "(none)");
}

static const char *qualified_type(az_arena *ar, const az_entity *e)
{
    return e->dm.ns[0] ? JOIN(ar, '.', e->dm.ns, e->dm.type) : e->dm.type;
}

/* Rows of the levels that sum each side on its own: buckets, assemblies,
 * namespaces. */
static void add_own_levels(builder *b, const item *it, bool is_new)
{
    az_arena *ar = &b->d->arena;
    const az_entity *e = it->e;
    const char *bucket = az_bucket_name(e->bucket);
    az_diff_row *r = row_for(b, AZ_DIFF_BUCKET, bucket, bucket);
    r->bucket = bucket;
    add_sizes(r, it, is_new);

    /* the owner: a managed assembly, or "[bucket] group" */
    level_rows *l = &b->levels[AZ_DIFF_ASSEMBLY];
    bool by_assembly = (e->bucket == AZ_BUCKET_APP || e->bucket == AZ_BUCKET_FRAMEWORK) && e->dm.assembly;
    const void *who = by_assembly ? (const void *)e->dm.assembly : (const void *)e->group;
    if (memo_hit(l, bucket, who, by_assembly ? "a" : "g")) {
        r = &b->d->rows[l->memo_row];
    } else {
        const char *owner = owner_label(ar, e);
        r = row_for(b, AZ_DIFF_ASSEMBLY, JOIN(ar, '\x1f', bucket, owner), owner);
        memo_set(l, bucket, who, by_assembly ? "a" : "g", (size_t)(r - b->d->rows));
    }
    r->bucket = bucket;
    add_sizes(r, it, is_new);

    if (it->managed) {
        l = &b->levels[AZ_DIFF_NAMESPACE];
        if (memo_hit(l, e->dm.assembly, e->dm.ns, NULL)) {
            r = &b->d->rows[l->memo_row];
        } else {
            const char *ns = e->dm.ns[0] ? e->dm.ns : "(global namespace)";
            r = row_for(b, AZ_DIFF_NAMESPACE, JOIN(ar, '\x1f', e->dm.assembly, e->dm.ns), ns);
            memo_set(l, e->dm.assembly, e->dm.ns, NULL, (size_t)(r - b->d->rows));
        }
        r->bucket = bucket;
        r->assembly = e->dm.assembly;
        r->ns = e->dm.ns;
        add_sizes(r, it, is_new);
    }
}

static void add_generic(builder *b, const item *it, bool is_new)
{
    az_arena *ar = &b->d->arena;
    const az_entity *e = it->e;
    const az_demangled *dm = &e->dm;
    if (!dm->managed || !e->is_symbol || !instantiation_kind(dm->kind))
        return;
    const char *asm_name = it->match_asm ? it->match_asm : dm->assembly;
    const void *key[6] = { asm_name, dm->ns, dm->type, dm->type_def, dm->method, dm->method_inst };
    bool thunk = dm->kind == AZ_KIND_UNBOXING_THUNK;
    if (b->inst_memo_index != SIZE_MAX && memcmp(key, b->inst_memo, sizeof key) == 0 &&
        dm->overload == b->inst_memo_overload && thunk == b->inst_memo_thunk) {
        struct inst *in = &b->insts[b->inst_memo_index];
        az_diff_row *r = &b->d->rows[in->row];
        if (is_new) {
            r->new_file += it->file;
            r->new_vm += it->vm;
            in->new_file += it->file;
            in->new_vm += it->vm;
        } else {
            r->old_file += it->file;
            r->old_vm += it->vm;
            in->old_file += it->file;
            in->old_vm += it->vm;
        }
        return;
    }
    const char *family, *instance;
    if (!az_generic_family(e, ar, &family, &instance))
        return;
    const char *fkey = JOIN(ar, '\x1f', asm_name, family);
    az_diff_row *r = row_for(b, AZ_DIFF_GENERIC, fkey, family);
    size_t row = (size_t)(r - b->d->rows);
    r->bucket = az_bucket_name(it->e->bucket);
    r->assembly = asm_name;
    r->ns = it->e->dm.ns;
    if (is_new) {
        r->new_file += it->file;
        r->new_vm += it->vm;
    } else {
        r->old_file += it->file;
        r->old_vm += it->vm;
    }
    r->change = AZ_CHANGE_SAME;
    size_t *slot = smap_put(&b->inst_by_key, JOIN(ar, '\x1f', fkey, instance));
    if (*slot == SIZE_MAX) {
        az_grow(&b->insts, &b->cap_insts, b->ninsts + 1, sizeof *b->insts);
        memset(&b->insts[b->ninsts], 0, sizeof *b->insts);
        b->insts[b->ninsts].row = row;
        *slot = b->ninsts++;
    }
    struct inst *in = &b->insts[*slot];
    memcpy(b->inst_memo, key, sizeof key);
    b->inst_memo_overload = dm->overload;
    b->inst_memo_thunk = thunk;
    b->inst_memo_index = *slot;
    if (is_new) {
        in->new_file += it->file;
        in->new_vm += it->vm;
    } else {
        in->old_file += it->file;
        in->old_vm += it->vm;
    }
}

/* more = instantiations only one side has; bigger = those both sides have. */
static void finish_generics(builder *b)
{
    for (size_t i = 0; i < b->ninsts; i++) {
        struct inst *in = &b->insts[i];
        az_diff_row *r = &b->d->rows[in->row];
        bool had = in->old_file || in->old_vm, has = in->new_file || in->new_vm;
        int64_t df = (int64_t)in->new_file - (int64_t)in->old_file, dv = (int64_t)in->new_vm - (int64_t)in->old_vm;
        r->old_count += had;
        r->new_count += has;
        if (had && has) {
            r->bigger_file += df;
            r->bigger_vm += dv;
        } else {
            r->more_file += df;
            r->more_vm += dv;
        }
    }
}

static void add_pair(builder *b, const item *oi, const item *ni)
{
    az_arena *ar = &b->d->arena;
    const item *rep = ni ? ni : oi;
    const az_entity *e = rep->e;
    const char *bucket = az_bucket_name(e->bucket);
    const char *moved_from = oi && ni && oi->managed && strcmp(oi->e->dm.assembly, ni->e->dm.assembly) != 0
                                 ? oi->e->dm.assembly
                                 : NULL;
    if (rep->managed) {
        const char *asm_name = ni ? ni->e->dm.assembly : oi->match_asm;
        level_rows *l = &b->levels[AZ_DIFF_TYPE];
        az_diff_row *t;
        if (memo_hit(l, asm_name, e->dm.ns, e->dm.type)) {
            t = &b->d->rows[l->memo_row];
        } else {
            t = row_for(b, AZ_DIFF_TYPE, JOIN(ar, '\x1f', asm_name, e->dm.ns, e->dm.type), qualified_type(ar, e));
            memo_set(l, asm_name, e->dm.ns, e->dm.type, (size_t)(t - b->d->rows));
        }
        t->bucket = bucket;
        t->assembly = asm_name;
        t->ns = e->dm.ns;
        t->type = e->dm.type;
        if (oi)
            add_sizes(t, oi, false);
        if (ni)
            add_sizes(t, ni, true);
        if (moved_from) {
            t->note = az_arena_printf(ar, "moved from %s", moved_from);
            t->change = AZ_CHANGE_MOVED;
        } else if (!ni && oi->match_asm != oi->e->dm.assembly) {
            /* a member the moved type lost */
            t->note = az_arena_printf(ar, "moved from %s", oi->e->dm.assembly);
            t->change = AZ_CHANGE_MOVED;
        }
    }

    /* Members: one row per pair, never merged; an unchanged pair's row
     * would be dropped, so it is not made. */
    if (oi && ni && oi->file == ni->file && oi->vm == ni->vm && !moved_from && !b->keep_unchanged)
        return;
    az_diff *d = b->d;
    az_grow(&d->rows, &d->cap_rows, d->nrows + 1, sizeof *d->rows);
    az_diff_row *m = &d->rows[d->nrows++];
    memset(m, 0, sizeof *m);
    m->level = AZ_DIFF_MEMBER;
    m->name = e->dm.display ? e->dm.display : e->raw;
    m->bucket = bucket;
    m->kind = entity_kind(e);
    m->change = AZ_CHANGE_PADDING;
    if (rep->managed) {
        m->assembly = ni ? ni->e->dm.assembly : oi->e->dm.assembly;
        m->ns = e->dm.ns;
        m->type = e->dm.type;
        const az_demangled *dm = &e->dm;
        m->member = dm->method ? (dm->method_inst ? JOIN(ar, 0, dm->method, dm->method_inst) : dm->method)
                               : JOIN(ar, 0, "[", m->kind, "]");
    }
    if (oi)
        add_sizes(m, oi, false);
    if (ni)
        add_sizes(m, ni, true);
    if (oi && ni && oi->e->dm.overload != ni->e->dm.overload)
        m->note = az_arena_printf(ar, "overload %d -> %d", oi->e->dm.overload, ni->e->dm.overload);
    if (moved_from) {
        m->note = az_arena_printf(ar, "moved from %s", moved_from);
        m->change = AZ_CHANGE_MOVED;
    }
    if (m->change == AZ_CHANGE_PADDING)
        m->note = "alignment padding";
}

static az_change classify(const az_diff_row *r, az_sort sort)
{
    if (r->change == AZ_CHANGE_MOVED || r->change == AZ_CHANGE_PADDING)
        return r->change;
    bool had = r->old_file || r->old_vm, has = r->new_file || r->new_vm;
    if (!had && has)
        return AZ_CHANGE_ADDED;
    if (had && !has)
        return AZ_CHANGE_REMOVED;
    int64_t first = sort == AZ_SORT_VM ? az_diff_delta_vm(r) : az_diff_delta_file(r);
    int64_t second = sort == AZ_SORT_VM ? az_diff_delta_file(r) : az_diff_delta_vm(r);
    int64_t delta = first ? first : second;
    return delta > 0 ? AZ_CHANGE_GROWN : delta < 0 ? AZ_CHANGE_SHRUNK : AZ_CHANGE_SAME;
}

static uint64_t mag(int64_t v)
{
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

static int cmp_rows(const void *x, const void *y, void *ctx)
{
    az_sort sort = *(const az_sort *)ctx;
    const az_diff_row *p = x, *q = y;
    if (p->level != q->level)
        return p->level < q->level ? -1 : 1;
    uint64_t pf = mag(az_diff_delta_file(p)), pv = mag(az_diff_delta_vm(p));
    uint64_t qf = mag(az_diff_delta_file(q)), qv = mag(az_diff_delta_vm(q));
    uint64_t p1 = sort == AZ_SORT_VM ? pv : pf, q1 = sort == AZ_SORT_VM ? qv : qf;
    if (p1 != q1)
        return p1 > q1 ? -1 : 1;
    uint64_t p2 = sort == AZ_SORT_VM ? pf : pv, q2 = sort == AZ_SORT_VM ? qf : qv;
    if (p2 != q2)
        return p2 > q2 ? -1 : 1;
    int c = strcmp(p->name, q->name);
    if (c)
        return c;
    c = strcmp(p->assembly ? p->assembly : "", q->assembly ? q->assembly : "");
    if (c)
        return c;
    return strcmp(p->note ? p->note : "", q->note ? q->note : "");
}

void az_diff_build(az_diff *d, const az_analysis *old, const az_analysis *new_, const az_diff_opts *opts)
{
    const az_filter *filter = opts->filter;
    az_sort sort = opts->sort;
    memset(d, 0, sizeof *d);
    az_arena_init(&d->arena);
    d->old = old;
    d->new_ = new_;
    d->sort = sort;
    side o = { .a = old, .filter = filter }, n = { .a = new_, .filter = filter };
    az_arena_init(&o.arena);
    az_arena_init(&n.arena);
    pthread_t thread;
    bool threaded = old && pthread_create(&thread, NULL, side_build, &o) == 0;
    if (!threaded)
        side_build(&o);
    side_build(&n);
    if (threaded)
        pthread_join(thread, NULL);
    d->old_file = o.file;
    d->old_vm = o.vm;
    d->new_file = n.file;
    d->new_vm = n.vm;

    find_moves(d, &o, &n);
    match_overloads(d, &o, &n);
    match_exact(&o, &n);

    builder b = { .d = d, .o = &o, .n = &n, .inst_memo_index = SIZE_MAX, .keep_unchanged = opts->keep_unchanged };
    for (int l = 0; l < AZ_DIFF__LEVELS; l++)
        b.levels[l].memo_row = SIZE_MAX;
    for (size_t i = 0; i < o.n; i++) {
        add_own_levels(&b, &o.items[i], false);
        add_generic(&b, &o.items[i], false);
        if (o.items[i].partner == SIZE_MAX)
            add_pair(&b, &o.items[i], NULL);
    }
    for (size_t j = 0; j < n.n; j++) {
        add_own_levels(&b, &n.items[j], true);
        add_generic(&b, &n.items[j], true);
        size_t i = n.items[j].partner;
        add_pair(&b, i == SIZE_MAX ? NULL : &o.items[i], &n.items[j]);
    }
    finish_generics(&b);

    /* Keep rows that changed (and moves), classified and sorted. */
    size_t kept = 0;
    for (size_t i = 0; i < d->nrows; i++) {
        az_diff_row *r = &d->rows[i];
        bool changed = az_diff_delta_file(r) || az_diff_delta_vm(r);
        if (!changed && r->change != AZ_CHANGE_MOVED && !opts->keep_unchanged)
            continue;
        r->change = classify(r, sort);
        d->rows[kept++] = *r;
    }
    d->nrows = kept;
    qsort_r(d->rows, d->nrows, sizeof *d->rows, cmp_rows, &sort);
    size_t k = 0;
    for (int l = 0; l <= AZ_DIFF__LEVELS; l++) {
        while (k < d->nrows && (int)d->rows[k].level < l)
            k++;
        d->level_start[l] = k;
    }

    for (int l = 0; l < AZ_DIFF__LEVELS; l++)
        smap_free(&b.levels[l].by_key);
    smap_free(&b.inst_by_key);
    free(b.insts);
    side_free(&o);
    side_free(&n);
}

void az_diff_free(az_diff *d)
{
    free(d->rows);
    az_arena_free(&d->arena);
    memset(d, 0, sizeof *d);
}
