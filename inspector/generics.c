#include "generics.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/ilcmap.h"
#include "../formats/mstat.h"
#include "codenorm.h"
#include "nativeaot.h"

const char az_generics_bloat_doc[] =
    "Bloat is the code of struct specializations beyond one shared copy per method:\n"
    "for every method of a definition, the bytes of its bodies in instantiations\n"
    "with a value-type argument, minus one body of mean size when no shared\n"
    "(canonical or reference-type) body of that method exists; summed over the\n"
    "methods.  It counts code only: MethodTables, dictionaries and statics exist\n"
    "for every instantiation, shared or not.";

const char *az_gpart_name(az_gpart p)
{
    static const char *const names[AZ_GPART__COUNT] = { "code", "methodtable", "dictionary", "statics", "other" };
    return p < AZ_GPART__COUNT ? names[p] : "?";
}

const char *az_gform_name(az_gform f)
{
    switch (f) {
    case AZ_GFORM_CANONICAL: return "canonical";
    case AZ_GFORM_SPECIALIZED: return "specialized";
    case AZ_GFORM_REFERENCE: return "reference";
    }
    return "?";
}

/* ---- a string-keyed index ------------------------------------------------------ */

typedef struct kslot {
    uint64_t hash; /* 0: empty */
    const char *key;
    size_t len;
    size_t scope;  /* keys are unique per scope (a definition, or SIZE_MAX) */
    size_t val;
} kslot;

typedef struct keymap {
    kslot *slots;
    size_t cap, n;
} keymap;

static uint64_t key_hash(const char *k, size_t len, size_t scope)
{
    uint64_t h = az_hash_bytes(k, len) ^ (scope * 0x9E3779B97F4A7C15ull);
    return h ? h : 1;
}

static kslot *km_slot(keymap *m, const char *k, size_t len, size_t scope, uint64_t h)
{
    size_t j = h & (m->cap - 1);
    while (m->slots[j].hash) {
        kslot *s = &m->slots[j];
        if (s->hash == h && s->len == len && s->scope == scope && memcmp(s->key, k, len) == 0)
            return s;
        j = (j + 1) & (m->cap - 1);
    }
    return &m->slots[j];
}

/* The value stored under (scope, key), or SIZE_MAX. */
static size_t km_get(const keymap *m, const char *k, size_t len, size_t scope)
{
    if (!m->cap)
        return SIZE_MAX;
    kslot *s = km_slot((keymap *)m, k, len, scope, key_hash(k, len, scope));
    return s->hash ? s->val : SIZE_MAX;
}

/* Stores val under (scope, key); the key must outlive the map. */
static void km_put(keymap *m, const char *k, size_t len, size_t scope, size_t val)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 1024;
        kslot *old = m->slots;
        size_t ocap = m->cap;
        m->slots = az_xcalloc(cap, sizeof *m->slots);
        m->cap = cap;
        for (size_t i = 0; i < ocap; i++)
            if (old[i].hash)
                *km_slot(m, old[i].key, old[i].len, old[i].scope, old[i].hash) = old[i];
        free(old);
    }
    uint64_t h = key_hash(k, len, scope);
    kslot *s = km_slot(m, k, len, scope, h);
    if (!s->hash)
        m->n++;
    *s = (kslot){ h, k, len, scope, val };
}

static void km_free(keymap *m)
{
    free(m->slots);
    memset(m, 0, sizeof *m);
}

/* ---- the shape of a mangled name ---------------------------------------------------- */

/* Where the generic parts of a mangled type or method payload are.  A
 * generic type ends with its argument list ("Dictionary_2<A__B>", nested
 * types included: "Outer_1_Inner_1<A__B>"); a method is "Owner__Name" with
 * its own list last ("Box_1<A>__Map<B>", "Algo__Combine<A__B>"). */
typedef struct gshape {
    const char *def;  size_t def_len;   /* owner definition, or owner + "__Name" up to the method's '<' */
    const char *def2; size_t def2_len;  /* for a generic method of a generic type: "__Name" */
    const char *oargs; size_t oargs_len;/* inside the owner's <...> */
    const char *margs; size_t margs_len;/* inside the method's <...> */
    bool method_def;
} gshape;

/* The '>' closing the '<' at p, or NULL. */
static const char *closing(const char *p, const char *e)
{
    int d = 0;
    for (const char *q = p; q < e; q++) {
        if (*q == '<')
            d++;
        else if (*q == '>' && --d == 0)
            return q;
    }
    return NULL;
}

static bool starts_with(const char *p, const char *e, const char *lit)
{
    size_t n = strlen(lit);
    return (size_t)(e - p) >= n && memcmp(p, lit, n) == 0;
}

/* method_inst: the demangler found generic arguments of the method itself. */
static bool parse_shape(const char *p, size_t n, bool method_inst, gshape *s)
{
    memset(s, 0, sizeof *s);
    const char *e = p + n;
    /* arrays and function pointers are instantiations of no definition */
    if (starts_with(p, e, "__Array<") || starts_with(p, e, "__MDArray<") || starts_with(p, e, "__FnPtr_"))
        return false;
    const char *lt = memchr(p, '<', n);
    if (!lt || lt == p || starts_with(lt, e, "<Pointer>") || starts_with(lt, e, "<ByRef>"))
        return false; /* not generic, or a pointer type ("Void<Pointer>") */
    const char *gt = closing(lt, e);
    if (!gt)
        return false;
    if (gt + 1 == e) {
        s->def = p;
        s->def_len = (size_t)(lt - p);
        if (method_inst) {
            s->method_def = true;
            s->margs = lt + 1;
            s->margs_len = (size_t)(gt - lt - 1);
        } else {
            s->oargs = lt + 1;
            s->oargs_len = (size_t)(gt - lt - 1);
        }
        return s->def_len > 0;
    }
    if (!starts_with(gt + 1, e, "__"))
        return false;
    s->def = p;
    s->def_len = (size_t)(lt - p);
    s->oargs = lt + 1;
    s->oargs_len = (size_t)(gt - lt - 1);
    if (!method_inst)
        return true;
    /* the method's own list: the last group, ending the name */
    if (e[-1] != '>')
        return false;
    const char *mlt = NULL;
    int d = 0;
    for (const char *q = e - 1; q > gt; q--) {
        if (*q == '>')
            d++;
        else if (*q == '<' && --d == 0) {
            mlt = q;
            break;
        }
    }
    if (!mlt || mlt <= gt + 3)
        return false;
    s->method_def = true;
    s->def2 = gt + 1;
    s->def2_len = (size_t)(mlt - gt - 1);
    s->margs = mlt + 1;
    s->margs_len = (size_t)(e - 1 - mlt - 1);
    return true;
}

/* ---- building ------------------------------------------------------------------------ */

typedef struct builder {
    const az_analysis *a;
    az_generics *g;
    keymap defs;   /* def key -> def index */
    keymap insts;  /* (def, inst key) -> inst index */
    keymap args;   /* arg mangled -> args index */
    /* Without symbols, the side files' node sizes stand in for file bytes:
     * the map's when given (every node kind), else the .mstat's. */
    bool sizes_from_mstat, sizes_from_map;
} builder;

/* Charges `size` side-file bytes of one node of part p to an instantiation
 * of a binary without symbols. */
static void side_size(az_ginst *in, int part, uint64_t size, bool body)
{
    in->file[part] += size;
    in->vm[part] += size;
    in->entities++;
    in->bodies += body;
}

/* Which part of an instantiation an entity kind is; -1: not one. */
static int part_of(az_kind k)
{
    switch (k) {
    case AZ_KIND_METHOD:
    case AZ_KIND_UNBOXING_STUB:
    case AZ_KIND_UNBOXING_THUNK:
    case AZ_KIND_IL_STUB:
        return AZ_GPART_CODE;
    case AZ_KIND_METHODTABLE:
    case AZ_KIND_SEALED_VTABLE:
    case AZ_KIND_WRITABLE_DATA:
        return AZ_GPART_METHODTABLE;
    case AZ_KIND_GENERIC_DICT:
        return AZ_GPART_DICTIONARY;
    case AZ_KIND_GC_STATICS:
    case AZ_KIND_GC_STATICS_PREINIT:
    case AZ_KIND_NONGC_STATICS:
    case AZ_KIND_THREAD_STATICS:
    case AZ_KIND_THREAD_STATIC_INDEX:
        return AZ_GPART_STATICS;
    case AZ_KIND_FAT_POINTER:
    case AZ_KIND_EH_INFO:
    case AZ_KIND_ASSOCIATED_DATA:
    case AZ_KIND_READONLY_DATA:
    case AZ_KIND_HELPER_STUB:
    case AZ_KIND_FROZEN_OBJECT:
    case AZ_KIND_LSDA_LABEL:
    case AZ_KIND_FRAME_LABEL:
        return AZ_GPART_OTHER;
    default:
        return -1;
    }
}

static void note(az_generics *g, const char *text)
{
    az_grow(&g->notes, &g->cap_notes, g->nnotes + 1, sizeof *g->notes);
    g->notes[g->nnotes++] = az_arena_strdup(&g->arena, text);
}

/* "Ns.Type" or "Type" */
static const char *qualified(az_arena *ar, const char *ns, const char *type)
{
    if (!type)
        type = "?";
    return ns && *ns ? az_arena_printf(ar, "%s.%s", ns, type) : az_arena_strdup(ar, type);
}

/* The definition with shape s's key, created (empty) when new. */
static size_t def_get(builder *b, const gshape *s, bool *created)
{
    az_generics *g = b->g;
    size_t klen = s->def_len + s->def2_len;
    char key[4096 + 1];
    if (klen > 4096)
        klen = 4096;
    size_t n1 = s->def_len < klen ? s->def_len : klen;
    memcpy(key, s->def, n1);
    if (klen > n1) /* def2 is NULL unless a generic method of a generic type */
        memcpy(key + n1, s->def2, klen - n1);
    key[klen] = 0;
    size_t d = km_get(&b->defs, key, klen, SIZE_MAX);
    *created = d == SIZE_MAX;
    if (!*created)
        return d;
    az_grow(&g->defs, &g->cap_defs, g->ndefs + 1, sizeof *g->defs);
    d = g->ndefs++;
    az_gdef *def = &g->defs[d];
    memset(def, 0, sizeof *def);
    def->key = az_arena_strndup(&g->arena, key, klen);
    def->is_method = s->method_def;
    km_put(&b->defs, def->key, klen, SIZE_MAX, d);
    return d;
}

/* The instantiation of definition d with shape s's arguments, created
 * (empty, no arguments) when new. */
static size_t inst_get(builder *b, size_t d, const gshape *s, bool *created)
{
    az_generics *g = b->g;
    /* key: "<owner args>" and/or "<method args>" as mangled */
    size_t klen = (s->oargs ? s->oargs_len + 2 : 0) + (s->margs ? s->margs_len + 2 : 0) + (s->oargs && s->margs ? 2 : 0);
    char *key = az_xmalloc(klen + 1);
    char *w = key;
    if (s->oargs) {
        *w++ = '<';
        memcpy(w, s->oargs, s->oargs_len);
        w += s->oargs_len;
        *w++ = '>';
    }
    if (s->oargs && s->margs) {
        *w++ = '_';
        *w++ = '_';
    }
    if (s->margs) {
        *w++ = '<';
        memcpy(w, s->margs, s->margs_len);
        w += s->margs_len;
        *w++ = '>';
    }
    *w = 0;
    size_t i = km_get(&b->insts, key, klen, d);
    *created = i == SIZE_MAX;
    if (!*created) {
        free(key);
        return i;
    }
    az_grow(&g->insts, &g->cap_insts, g->ninsts + 1, sizeof *g->insts);
    i = g->ninsts++;
    az_ginst *in = &g->insts[i];
    memset(in, 0, sizeof *in);
    in->def = d;
    in->key = az_arena_strndup(&g->arena, key, klen);
    free(key);
    km_put(&b->insts, in->key, klen, d, i);
    return i;
}

static az_gform form_of(const az_type_arg *args, size_t n, az_generic fallback)
{
    if (n == 0)
        return fallback == AZ_GENERIC_SPECIALIZED ? AZ_GFORM_SPECIALIZED : AZ_GFORM_CANONICAL;
    bool canon = false;
    for (size_t i = 0; i < n; i++) {
        if (args[i].is_value_type)
            return AZ_GFORM_SPECIALIZED;
        canon |= args[i].has_canon;
    }
    return canon ? AZ_GFORM_CANONICAL : AZ_GFORM_REFERENCE;
}

/* Parses a mangled argument list into arena memory; the count (0 when it
 * does not parse). */
static size_t parse_arg_list(builder *b, const char *p, size_t n, az_type_arg **out)
{
    *out = NULL;
    if (!p)
        return 0;
    az_type_arg tmp[64];
    size_t k = az_demangle_args(p, n, b->a->names, &b->g->arena, tmp, 64);
    if (k > 64)
        k = 64;
    *out = az_arena_alloc(&b->g->arena, (k ? k : 1) * sizeof **out);
    memcpy(*out, tmp, k * sizeof *tmp);
    return k;
}

/* Fills a new instantiation's arguments (from the mangled lists) and form. */
static void inst_args(builder *b, az_ginst *in, const gshape *s, az_generic fallback)
{
    az_generics *g = b->g;
    az_type_arg *oa, *ma;
    size_t no = parse_arg_list(b, s->oargs, s->oargs_len, &oa);
    size_t nm = parse_arg_list(b, s->margs, s->margs_len, &ma);
    in->nargs = no + nm;
    in->nowner_args = no;
    in->args = az_arena_alloc(&g->arena, (in->nargs ? in->nargs : 1) * sizeof *in->args);
    if (no)
        memcpy(in->args, oa, no * sizeof *oa);
    if (nm)
        memcpy(in->args + no, ma, nm * sizeof *ma);
    bool parsed = (!s->oargs || no) && (!s->margs || nm);
    in->form = form_of(in->args, parsed ? in->nargs : 0, fallback);
}

/* A definition and instantiation for a demangled symbol of shape s. */
static size_t inst_for(builder *b, const gshape *s, const az_demangled *dm, bool thunk)
{
    az_generics *g = b->g;
    bool created;
    size_t d = def_get(b, s, &created);
    if (created) {
        az_gdef *def = &g->defs[d];
        def->assembly = dm->assembly ? az_arena_strdup(&g->arena, dm->assembly) : NULL;
        if (!s->method_def) {
            def->display = qualified(&g->arena, dm->ns, dm->type_def);
        } else {
            /* the owner in definition form when it is generic itself */
            az_type_arg none[1];
            size_t nmargs = az_demangle_args(s->margs, s->margs_len, b->a->names, &g->arena, none, 0);
            const char *owner = qualified(&g->arena, dm->ns, s->oargs ? dm->type_def : dm->type);
            const char *m = dm->method ? dm->method : "?";
            def->display = dm->overload >= 0
                               ? az_arena_printf(&g->arena, "%s.%s`%zu (overload %d)", owner, m, nmargs, dm->overload)
                               : az_arena_printf(&g->arena, "%s.%s`%zu", owner, m, nmargs);
        }
    }
    size_t i = inst_get(b, d, s, &created);
    if (created) {
        az_ginst *in = &g->insts[i];
        inst_args(b, in, s, dm->generic);
        const char *type = qualified(&g->arena, dm->ns, dm->type);
        if (s->method_def && !thunk)
            in->display = az_arena_printf(&g->arena, "%s.%s%s", type, dm->method ? dm->method : "?",
                                          dm->method_inst ? dm->method_inst : "");
        else
            in->display = type;
    }
    return i;
}

/* The name of a body within its definition: what a method key is for the
 * bloat formula and the per-method fold groups. */
static const char *method_key(az_arena *ar, const az_entity *e)
{
    const char *m = e->dm.method ? e->dm.method : "?";
    const char *prefix = e->dm.kind == AZ_KIND_UNBOXING_STUB    ? "[unboxing stub] "
                         : e->dm.kind == AZ_KIND_UNBOXING_THUNK ? "[unboxing thunk] "
                         : e->dm.kind == AZ_KIND_IL_STUB        ? "[IL stub] "
                                                                : "";
    if (e->dm.overload >= 0)
        return az_arena_printf(ar, "%s%s (overload %d)", prefix, m, e->dm.overload);
    return *prefix ? az_arena_printf(ar, "%s%s", prefix, m) : m;
}

static void add_entity(builder *b, size_t ei)
{
    const az_analysis *a = b->a;
    az_generics *g = b->g;
    const az_entity *e = &a->entities[ei];
    if (!e->dm.managed)
        return;
    int part = part_of(e->dm.kind);
    if (part < 0)
        return;
    uint64_t file = az_entity_file(e), vm = az_entity_vm(e);
    if (!file && !vm)
        return;
    const char *p;
    size_t n;
    if (!az_demangle_payload(e->raw, &p, &n))
        return;
    bool thunk = e->dm.kind == AZ_KIND_UNBOXING_THUNK;
    /* A payload is a method when the demangler found a method in it (a
     * thunk's payload is its boxed type). */
    bool method_inst = !thunk && e->dm.method && e->dm.method_inst;
    gshape s;
    if (!parse_shape(p, n, method_inst, &s) || !e->dm.type || !e->dm.type_def)
        return;
    size_t i = inst_for(b, &s, &e->dm, thunk);
    g->entity_inst[ei] = i;
    az_ginst *in = &g->insts[i];
    in->file[part] += file;
    in->vm[part] += vm;
    in->entities++;
    in->in_binary = true;
    if (part == AZ_GPART_CODE && e->extent > 0 &&
        (e->dm.kind == AZ_KIND_METHOD || e->dm.kind == AZ_KIND_UNBOXING_STUB || e->dm.kind == AZ_KIND_UNBOXING_THUNK)) {
        in->bodies++;
        az_grow(&g->bodies, &g->cap_bodies, g->nbodies + 1, sizeof *g->bodies);
        az_gbody *body = &g->bodies[g->nbodies++];
        memset(body, 0, sizeof *body);
        body->inst = i;
        body->entity = ei;
        body->method = method_key(&g->arena, e);
        body->addr = e->addr;
        body->size = e->extent;
        body->similarity = 1000;
        /* A symbol without a size (.NET 8 ELF, PDB publics) runs up to the
         * next one, and some writers' sizes (Mach-O) include the filler too:
         * the body is its code only, so copies of one body compare equal
         * whatever alignment put after them. */
        const uint8_t *bytes = a->nat ? az_vm_bytes(a, a->nat, e->addr, e->extent) : NULL;
        if (a->body_facts && a->body_facts[ei].size) {
            body->size = a->body_facts[ei].size; /* a snapshot: trimmed when written */
        } else if (bytes) {
            size_t code = az_code_trim_filler(a->img.arch, bytes, (size_t)e->extent);
            if (code > 0)
                body->size = code;
        }
    }
}

/* ---- ordering ----------------------------------------------------------------------- */

/* Larger file size first, then larger VM size, then display name and key:
 * the order of definitions, and of instantiations within one. */
static int cmp_sized(uint64_t pf, uint64_t pv, const char *pd, const char *pk, uint64_t qf, uint64_t qv,
                     const char *qd, const char *qk)
{
    if (pf != qf)
        return pf > qf ? -1 : 1;
    if (pv != qv)
        return pv > qv ? -1 : 1;
    int c = strcmp(pd, qd);
    return c ? c : strcmp(pk, qk);
}

static int cmp_defs(const void *x, const void *y)
{
    const az_gdef *p = x, *q = y;
    return cmp_sized(p->file_total, p->vm_total, p->display, p->key, q->file_total, q->vm_total, q->display, q->key);
}

/* Instantiations: by definition (in final order), then size, then name. */
static int cmp_insts(const void *x, const void *y, void *ctx)
{
    const size_t *rank = ctx;
    const az_ginst *p = x, *q = y;
    if (p->def != q->def)
        return rank[p->def] < rank[q->def] ? -1 : 1;
    return cmp_sized(p->file_total, p->vm_total, p->display, p->key, q->file_total, q->vm_total, q->display, q->key);
}

/* Bodies: by definition, method, hash, then address. */
static int cmp_bodies(const void *x, const void *y, void *ctx)
{
    const az_generics *g = ctx;
    const az_gbody *p = x, *q = y;
    size_t dp = g->insts[p->inst].def, dq = g->insts[q->inst].def;
    if (dp != dq)
        return dp < dq ? -1 : 1;
    int c = strcmp(p->method, q->method);
    if (c)
        return c;
    if (p->hash != q->hash)
        return p->hash < q->hash ? -1 : 1;
    if (p->size != q->size)
        return p->size < q->size ? -1 : 1;
    return p->addr < q->addr ? -1 : p->addr > q->addr;
}

static int cmp_args(const void *x, const void *y)
{
    const az_garg *p = x, *q = y;
    if (p->file_share != q->file_share)
        return p->file_share > q->file_share ? -1 : 1;
    if (p->file_all != q->file_all)
        return p->file_all > q->file_all ? -1 : 1;
    int c = strcmp(p->display, q->display);
    return c ? c : strcmp(p->mangled, q->mangled);
}

/* Sorts definitions by size and renumbers everything that points at them. */
static void order(az_generics *g)
{
    size_t *perm = az_xmalloc((g->ndefs ? g->ndefs : 1) * sizeof *perm);
    /* sort a copy that remembers its old index */
    typedef struct { az_gdef d; size_t old; } tagged;
    tagged *t = az_xmalloc((g->ndefs ? g->ndefs : 1) * sizeof *t);
    for (size_t i = 0; i < g->ndefs; i++)
        t[i] = (tagged){ g->defs[i], i };
    az_qsort(t, g->ndefs, sizeof *t, cmp_defs); /* compares the leading az_gdef */
    for (size_t i = 0; i < g->ndefs; i++) {
        g->defs[i] = t[i].d;
        perm[t[i].old] = i;
    }
    free(t);
    for (size_t i = 0; i < g->ninsts; i++)
        g->insts[i].def = perm[g->insts[i].def];
    free(perm);

    /* instantiations grouped by definition; bodies follow their instantiation */
    size_t *rank = az_xmalloc((g->ndefs ? g->ndefs : 1) * sizeof *rank);
    for (size_t i = 0; i < g->ndefs; i++)
        rank[i] = i;
    size_t *where = az_xmalloc((g->ninsts ? g->ninsts : 1) * sizeof *where);
    typedef struct { az_ginst in; size_t old; } itag;
    itag *it = az_xmalloc((g->ninsts ? g->ninsts : 1) * sizeof *it);
    for (size_t i = 0; i < g->ninsts; i++)
        it[i] = (itag){ g->insts[i], i };
    qsort_r(it, g->ninsts, sizeof *it, cmp_insts, rank);
    for (size_t i = 0; i < g->ninsts; i++) {
        g->insts[i] = it[i].in;
        where[it[i].old] = i;
    }
    free(it);
    free(rank);
    for (size_t i = 0; i < g->nbodies; i++)
        g->bodies[i].inst = where[g->bodies[i].inst];
    for (size_t i = 0; i < g->nentity_inst; i++)
        if (g->entity_inst[i] != SIZE_MAX)
            g->entity_inst[i] = where[g->entity_inst[i]];
    free(where);
    for (size_t i = 0; i < g->ninsts; i++) {
        az_gdef *d = &g->defs[g->insts[i].def];
        if (d->ninsts == 0)
            d->first_inst = i;
        d->ninsts++;
    }
}

/* ---- per definition: totals, bloat, folding ------------------------------------------------- */

static void totals(az_generics *g)
{
    for (size_t i = 0; i < g->ninsts; i++) {
        az_ginst *in = &g->insts[i];
        az_gdef *d = &g->defs[in->def];
        for (int p = 0; p < AZ_GPART__COUNT; p++) {
            in->file_total += in->file[p];
            in->vm_total += in->vm[p];
            d->file[p] += in->file[p];
            d->vm[p] += in->vm[p];
        }
        d->file_total += in->file_total;
        d->vm_total += in->vm_total;
        d->data += in->file_total - in->file[AZ_GPART_CODE];
        if (in->form == AZ_GFORM_SPECIALIZED) {
            d->nspecialized++;
            d->specialized_code += in->file[AZ_GPART_CODE];
        } else {
            d->canonical_code += in->file[AZ_GPART_CODE];
            if (in->form == AZ_GFORM_CANONICAL)
                d->ncanonical++;
            else
                d->nreference++;
        }
    }
}

/* Bloat of one method: its specialized bodies [s, e) of a definition. */
static uint64_t method_bloat(const az_generics *g, const az_gbody *s, const az_gbody *e)
{
    uint64_t spec = 0, nspec = 0;
    bool shared = false;
    for (const az_gbody *b = s; b < e; b++) {
        if (g->insts[b->inst].form == AZ_GFORM_SPECIALIZED) {
            spec += b->size;
            nspec++;
        } else {
            shared = true;
        }
    }
    if (nspec == 0)
        return 0;
    return shared ? spec : spec - (spec + nspec / 2) / nspec;
}

typedef struct hgroup {
    uint64_t hash, size;
    uint32_t count;
} hgroup;

static int cmp_hgroups(const void *x, const void *y)
{
    const hgroup *p = x, *q = y;
    if (p->hash != q->hash)
        return p->hash < q->hash ? -1 : 1;
    return p->size < q->size ? -1 : p->size > q->size;
}

static bool will_fold(const az_gdef *d)
{
    return d->ninsts >= 2 && d->nbodies >= 2;
}

typedef struct fold_job {
    const az_analysis *a;
    az_generics *g;
    az_codenorm *cn;
    size_t from, to;              /* definitions [from, to) */
    size_t disassembled, undecoded;
} fold_job;

/* Definitions only touch their own bodies, so two jobs can run at once. */
static void *fold_defs(void *arg)
{
    fold_job *job = arg;
    const az_analysis *a = job->a;
    az_generics *g = job->g;
    az_codenorm *cn = job->cn;
    for (size_t di = job->from; di < job->to; di++) {
        az_gdef *d = &g->defs[di];
        if (!will_fold(d))
            continue;
        d->folding = true;
        az_gbody *bs = &g->bodies[d->first_body];
        for (size_t k = 0; k < d->nbodies && !cn; k++) {
            /* a snapshot: what the disassembly of its binary found */
            az_gbody *b = &bs[k];
            const az_body_fact *f = &a->body_facts[b->entity];
            b->hash = f->hash;
            b->similarity = f->similarity;
            b->decoded = f->hash && !f->undecoded;
            job->disassembled += f->hash != 0;
            job->undecoded += f->hash && f->undecoded;
        }
        for (size_t k = 0; k < d->nbodies && cn; k++) {
            az_gbody *b = &bs[k];
            const uint8_t *bytes = az_vm_bytes(a, a->nat, b->addr, b->size);
            if (!bytes)
                continue;
            az_normbody nb;
            az_codenorm_body(cn, bytes, b->size, b->addr, &nb);
            b->hash = nb.hash;
            b->seq = nb.seq;
            b->ninsns = (uint32_t)nb.nseq;
            b->decoded = nb.undecoded == 0;
            job->disassembled++;
            if (nb.undecoded)
                job->undecoded++;
        }
        /* regroup by method and hash */
        qsort_r(bs, d->nbodies, sizeof *bs, cmp_bodies, g);
        /* identical bodies across the definition (any method) */
        hgroup *hg = az_xmalloc(d->nbodies * sizeof *hg);
        size_t nh = 0;
        for (size_t k = 0; k < d->nbodies; k++)
            if (bs[k].hash)
                hg[nh++] = (hgroup){ bs[k].hash, bs[k].size, 1 };
        az_qsort(hg, nh, sizeof *hg, cmp_hgroups);
        size_t ng = 0;
        for (size_t k = 0; k < nh; k++) {
            if (ng && hg[ng - 1].hash == hg[k].hash && hg[ng - 1].size == hg[k].size)
                hg[ng - 1].count++;
            else
                hg[ng++] = hg[k];
        }
        for (size_t k = 0; k < ng; k++)
            if (hg[k].count >= 2) {
                d->fold_groups++;
                d->foldable += (hg[k].count - 1) * hg[k].size;
            }
        for (size_t k = 0; k < d->nbodies; k++) {
            if (!bs[k].hash)
                continue;
            hgroup key = { bs[k].hash, bs[k].size, 0 };
            hgroup *f = bsearch(&key, hg, ng, sizeof *hg, cmp_hgroups);
            bs[k].group = f ? (uint32_t)(f - hg) + 1 : 0;
        }
        free(hg);
        /* near-identical: per method, each group against the largest one */
        for (size_t k = 0; k < d->nbodies;) {
            size_t m = k;
            while (m < d->nbodies && strcmp(bs[m].method, bs[k].method) == 0)
                m++;
            /* bodies [k, m) of one method, sorted by hash: find the main group */
            size_t main = SIZE_MAX, main_n = 0;
            for (size_t r = k; r < m;) {
                size_t t = r;
                while (t < m && bs[t].hash == bs[r].hash && bs[t].size == bs[r].size)
                    t++;
                if (bs[r].hash && (t - r > main_n || (t - r == main_n && bs[r].size > bs[main].size))) {
                    main = r;
                    main_n = t - r;
                }
                r = t;
            }
            for (size_t r = k; r < m && main != SIZE_MAX;) {
                size_t t = r;
                while (t < m && bs[t].hash == bs[r].hash && bs[t].size == bs[r].size)
                    t++;
                unsigned sim = 1000;
                if (bs[r].hash != bs[main].hash || bs[r].size != bs[main].size) {
                    if (!cn)
                        sim = bs[r].similarity; /* from the snapshot */
                    else
                        sim = bs[r].hash
                                  ? az_seq_similarity(bs[main].seq, bs[main].ninsns, bs[r].seq, bs[r].ninsns, 500)
                                  : 0;
                    if (sim >= 900 && sim < 1000)
                        d->near_identical += (uint32_t)(t - r);
                    if (sim >= 1000)
                        sim = 999; /* same sequence, different masked bytes */
                }
                for (size_t q = r; q < t; q++)
                    bs[q].similarity = (uint16_t)sim;
                r = t;
            }
            k = m;
        }
        for (size_t k = 0; k < d->nbodies; k++) {
            free(bs[k].seq);
            bs[k].seq = NULL;
        }
    }
    return NULL;
}

/* Disassembles and hashes the bodies of definitions with at least two
 * instantiations; groups identical ones; rates near-identical ones.  With
 * many bodies and a second core, the second half of the bodies' bytes goes
 * to another thread (capstone handles are per thread). */
static void fold(const az_analysis *a, az_generics *g)
{
    fold_job jobs[2] = { { a, g, az_codenorm_new(a->img.arch), 0, g->ndefs, 0, 0 },
                         { a, g, NULL, g->ndefs, g->ndefs, 0, 0 } };
    if (!jobs[0].cn) {
        note(g, "code folding not computed: no disassembler for this architecture");
        return;
    }
    uint64_t total = 0, half = 0;
    for (size_t di = 0; di < g->ndefs; di++)
        if (will_fold(&g->defs[di]))
            total += g->defs[di].vm[AZ_GPART_CODE];
    pthread_t worker;
    bool threaded = false;
    if (total >= 256 * 1024 && az_cpu_count() > 1 && (jobs[1].cn = az_codenorm_new(a->img.arch)) != NULL) {
        size_t split = 0;
        while (split < g->ndefs && half < total / 2) {
            if (will_fold(&g->defs[split]))
                half += g->defs[split].vm[AZ_GPART_CODE];
            split++;
        }
        jobs[0].to = jobs[1].from = split;
        threaded = pthread_create(&worker, NULL, fold_defs, &jobs[1]) == 0;
        if (!threaded)
            jobs[0].to = g->ndefs;
    }
    fold_defs(&jobs[0]);
    if (threaded)
        pthread_join(worker, NULL);
    for (int j = 0; j < 2; j++) {
        g->disassembled += jobs[j].disassembled;
        g->undecoded += jobs[j].undecoded;
        az_codenorm_free(jobs[j].cn);
    }
}

/* The by-arg row of value type t, created when new. */
static size_t arg_row(builder *b, const az_type_arg *t, size_t **last_def, size_t *cap_last)
{
    az_generics *g = b->g;
    size_t j = km_get(&b->args, t->mangled, strlen(t->mangled), SIZE_MAX);
    if (j != SIZE_MAX)
        return j;
    az_grow(&g->args, &g->cap_args, g->nargs + 1, sizeof *g->args);
    j = g->nargs++;
    az_garg *r = &g->args[j];
    memset(r, 0, sizeof *r);
    r->mangled = t->mangled;
    r->display = t->display;
    r->assembly = t->assembly;
    r->app = t->assembly && !az_names_is_framework(b->a->names, t->assembly);
    km_put(&b->args, t->mangled, strlen(t->mangled), SIZE_MAX, j);
    az_grow(last_def, cap_last, g->nargs, sizeof **last_def);
    (*last_def)[j] = SIZE_MAX;
    return j;
}

enum { MAX_ARG_ROWS = 64, MAX_ARG_DEPTH = 8 };

/* Adds the row of t when it is a value type, then those of the value types
 * nested anywhere in it: a generic type's arguments ("KeyValuePair_2<A__B>",
 * also for a reference type such as List<MyStruct>), an array's element
 * ("__Array<A>", "__MDArray<A,2>"), recursively.  Each distinct type once. */
static void collect_value_types(builder *b, const az_type_arg *t, int depth, size_t *which, size_t *nv,
                                size_t **last_def, size_t *cap_last)
{
    if (t->is_value_type && *nv < MAX_ARG_ROWS) {
        size_t j = arg_row(b, t, last_def, cap_last);
        bool dup = false;
        for (size_t q = 0; q < *nv; q++)
            dup |= which[q] == j;
        if (!dup)
            which[(*nv)++] = j;
    }
    if (depth >= MAX_ARG_DEPTH)
        return;
    const char *p = t->mangled, *e = p + strlen(p);
    for (const char *lt = memchr(p, '<', (size_t)(e - p)); lt; lt = memchr(lt, '<', (size_t)(e - lt))) {
        const char *gt = closing(lt, e);
        if (!gt)
            return;
        const char *in = lt + 1, *end = gt;
        lt = gt;
        if (starts_with(in, e, "Pointer>") || starts_with(in, e, "ByRef>"))
            continue; /* "Void<Pointer>": a pointer type, no arguments */
        /* a multi-dimensional array's rank: "__MDArray<A,2>" */
        const char *comma = end;
        while (comma > in && comma[-1] >= '0' && comma[-1] <= '9')
            comma--;
        if (comma > in && comma < end && comma[-1] == ',')
            end = comma - 1;
        az_type_arg inner[16];
        size_t k = az_demangle_args(in, (size_t)(end - in), b->a->names, &b->g->arena, inner, 16);
        for (size_t i = 0; i < k && i < 16; i++)
            collect_value_types(b, &inner[i], depth + 1, which, nv, last_def, cap_last);
    }
}

/* Folding for a snapshot: the hashes and similarities its binary's
 * disassembly found, grouped the same way. */
static void fold_from_facts(const az_analysis *a, az_generics *g)
{
    fold_job job = { a, g, NULL, 0, g->ndefs, 0, 0 };
    fold_defs(&job);
    g->disassembled = job.disassembled;
    g->undecoded = job.undecoded;
}

az_body_fact *az_generics_body_facts(const az_analysis *a)
{
    az_generics g;
    az_generics_build(a, NULL, &g);
    az_body_fact *facts = NULL;
    if (g.nbodies) {
        facts = az_xcalloc(a->nentities ? a->nentities : 1, sizeof *facts);
        for (size_t i = 0; i < g.nbodies; i++) {
            const az_gbody *b = &g.bodies[i];
            facts[b->entity] = (az_body_fact){ b->size, b->hash, b->similarity, b->hash && !b->decoded };
        }
    }
    az_generics_free(&g);
    return facts;
}

/* Charges every struct specialization to the distinct value types anywhere
 * in its arguments (see the --by-arg help). */
static void by_arg(builder *b)
{
    az_generics *g = b->g;
    size_t *last_def = NULL;
    size_t cap_last = 0;
    for (size_t i = 0; i < g->ninsts; i++) {
        const az_ginst *in = &g->insts[i];
        if (in->form != AZ_GFORM_SPECIALIZED)
            continue;
        size_t which[MAX_ARG_ROWS];
        size_t nv = 0;
        for (size_t k = 0; k < in->nargs; k++)
            collect_value_types(b, &in->args[k], 0, which, &nv, &last_def, &cap_last);
        for (size_t q = 0; q < nv; q++) {
            az_garg *r = &g->args[which[q]];
            r->insts++;
            if (last_def[which[q]] != in->def) {
                r->defs++;
                last_def[which[q]] = in->def;
            }
            r->file_all += in->file_total;
            r->vm_all += in->vm_total;
            /* an even split; the remainder goes to the first arguments so the
             * shares add up to the instantiation's bytes exactly */
            r->file_share += in->file_total / nv + (q < in->file_total % nv);
            r->vm_share += in->vm_total / nv + (q < in->vm_total % nv);
        }
    }
    free(last_def);
    az_qsort(g->args, g->nargs, sizeof *g->args, cmp_args);
}


/* ---- ILC side files -------------------------------------------------------------------- */

/* Takes an argument's exact facts from the .mstat's signature. */
static void exact_arg(az_type_arg *t, const az_mstat_arg *x)
{
    t->display = x->display;
    if (x->assembly)
        t->assembly = x->assembly;
    t->is_value_type = x->value_type;
    t->is_canon = x->canon;
    t->has_canon = x->canon || strstr(x->display, "__Canon") != NULL;
}

/* What the .mstat says about each argument, by its mangled spelling. */
typedef struct exact_args {
    keymap map;
    const az_mstat_arg **facts;
    size_t n, cap;
} exact_args;

static void merge_record(builder *b, const az_mstat *m, const az_mstat_record *r, bool methodtable, exact_args *ex)
{
    az_generics *g = b->g;
    az_mstat_generic gi;
    if (!r->name || !az_mstat_generic_of(m, r->token, &g->arena, &gi) || !gi.generic)
        return;
    const char *p;
    size_t n;
    gshape s;
    if (!az_demangle_payload(r->name, &p, &n) || !parse_shape(p, n, gi.method, &s)) {
        g->mstat_unmatched++;
        return;
    }
    bool created;
    size_t d = def_get(b, &s, &created);
    az_gdef *def = &g->defs[d];
    /* Type definitions take the metadata's exact name; generic methods keep
     * the symbol-based one when there is one, which tells overloads apart.
     * Unboxing thunks belong to ILC's synthetic "Boxed_<T>" type in the
     * .mstat: their definition's name and assembly stay as the symbols say. */
    if (!gi.boxed && (created || !def->is_method))
        def->display = gi.def_display;
    if (created && gi.method && !gi.boxed) {
        /* new from the .mstat alone (no symbols): overloads of a generic
         * method share the metadata name; the node name tells them apart */
        az_demangled dm;
        az_demangle(r->name, b->a->names, &g->arena, &dm);
        if (dm.overload >= 0)
            def->display = az_arena_printf(&g->arena, "%s (overload %d)", gi.def_display, dm.overload);
    }
    const char *asm_name = az_mstat_assembly(m, (uint32_t)AZ_MD_TYPEREF << 24 | gi.def_typeref);
    if (asm_name && !gi.boxed)
        def->assembly = asm_name;
    size_t i = inst_get(b, d, &s, &created);
    az_ginst *in = &g->insts[i];
    if (created) {
        inst_args(b, in, &s, AZ_GENERIC_NONE);
        in->display = gi.display;
        if (created && gi.boxed)
            def->display = gi.def_display;
    }
    if (in->nargs == gi.nargs) {
        for (size_t k = 0; k < in->nargs; k++) {
            exact_arg(&in->args[k], &gi.args[k]);
            const char *mg = in->args[k].mangled;
            if (km_get(&ex->map, mg, strlen(mg), SIZE_MAX) == SIZE_MAX) {
                az_grow(&ex->facts, &ex->cap, ex->n + 1, sizeof *ex->facts);
                az_mstat_arg *copy = az_arena_alloc(&g->arena, sizeof *copy);
                *copy = gi.args[k];
                ex->facts[ex->n] = copy;
                km_put(&ex->map, mg, strlen(mg), SIZE_MAX, ex->n++);
            }
        }
        in->form = form_of(in->args, in->nargs, AZ_GENERIC_NONE);
    }
    if (methodtable) {
        in->mstat_types++;
        in->side_bytes += r->size;
        if (b->sizes_from_mstat)
            side_size(in, AZ_GPART_METHODTABLE, r->size, false);
    } else {
        in->mstat_methods++;
        in->side_bytes += (uint64_t)r->size + r->gc_size + r->eh_size;
        if (b->sizes_from_mstat) {
            side_size(in, AZ_GPART_CODE, r->size, true);
            side_size(in, AZ_GPART_OTHER, (uint64_t)r->gc_size + r->eh_size, false);
        }
    }
}

/* Adds what the .mstat knows: exact definition names and assemblies, exact
 * argument facts (value type or not, assembly), and instantiations whose
 * symbols the binary lacks. */
static void merge_mstat(builder *b, const az_mstat *m)
{
    az_generics *g = b->g;
    g->mstat_version_major = m->major;
    g->mstat_version_minor = m->minor;
    if (m->major < 2) {
        note(g, "the .mstat is format 1.x, whose records carry no node names: it cannot be joined "
                "with the binary's symbols (`aotsize mstat` still reads it)");
        return;
    }
    exact_args ex = { 0 };
    for (size_t i = 0; i < m->ntypes; i++)
        merge_record(b, m, &m->types[i], true, &ex);
    for (size_t i = 0; i < m->nmethods; i++)
        merge_record(b, m, &m->methods[i], false, &ex);
    /* arguments of instantiations the .mstat does not list (dictionaries,
     * statics of exact instantiations) take the same facts */
    for (size_t i = 0; i < g->ninsts; i++) {
        az_ginst *in = &g->insts[i];
        if (in->mstat_methods || in->mstat_types)
            continue;
        bool changed = false;
        for (size_t k = 0; k < in->nargs; k++) {
            const char *mg = in->args[k].mangled;
            size_t f = km_get(&ex.map, mg, strlen(mg), SIZE_MAX);
            if (f != SIZE_MAX) {
                exact_arg(&in->args[k], ex.facts[f]);
                changed = true;
            }
        }
        if (changed)
            in->form = form_of(in->args, in->nargs, AZ_GENERIC_NONE);
    }
    if (g->mstat_unmatched) {
        char t[160];
        snprintf(t, sizeof t, "%zu .mstat records of instantiations have node names this reader could not split",
                 g->mstat_unmatched);
        note(g, t);
    }
    km_free(&ex.map);
    free(ex.facts);
}

/* Without symbols, the map's node names list the instantiations (with the
 * nodes' lengths; which bytes of the file they are stays unknown). */
static void merge_map_names(builder *b, const az_ilcmap *map)
{
    az_generics *g = b->g;
    for (size_t i = 0; i < map->nnodes; i++) {
        const az_map_node *nd = &map->nodes[i];
        if (!nd->name || strcmp(nd->kind, "GCInfo") == 0)
            continue;
        az_demangled dm;
        az_demangle(nd->name, b->a->names, &g->arena, &dm);
        if (!dm.managed || part_of(dm.kind) < 0 || !dm.type || !dm.type_def)
            continue;
        const char *p;
        size_t n;
        gshape s;
        bool thunk = dm.kind == AZ_KIND_UNBOXING_THUNK;
        if (!az_demangle_payload(nd->name, &p, &n) || !parse_shape(p, n, !thunk && dm.method && dm.method_inst, &s))
            continue;
        size_t k = inst_for(b, &s, &dm, thunk);
        g->insts[k].side_bytes += nd->length;
        if (b->sizes_from_map)
            side_size(&g->insts[k], part_of(dm.kind), nd->length,
                      dm.kind == AZ_KIND_METHOD || dm.kind == AZ_KIND_UNBOXING_STUB ||
                          dm.kind == AZ_KIND_UNBOXING_THUNK);
    }
}

/* ILC's map Hash is SHA-256 of a node's bytes before relocation: bodies
 * with equal hashes must land in one normalized group.  Counts the hash
 * groups among the disassembled bodies and those our grouping split; and
 * our groups, and those all of whose bodies have one map hash (the rest
 * differ before relocation in a field the normalization masks, such as a
 * 64-bit constant that is not an address). */
static void check_map_folds(az_generics *g, const az_analysis *a, const az_ilcmap *map)
{
    keymap names = { 0 };
    for (size_t i = 0; i < map->nnodes; i++)
        if (map->nodes[i].name && map->nodes[i].has_hash && strcmp(map->nodes[i].kind, "GCInfo") != 0)
            km_put(&names, map->nodes[i].name, strlen(map->nodes[i].name), SIZE_MAX, i);
    typedef struct hb { const uint8_t *h, *hash; size_t body; } hb; /* h: not yet grouped */
    hb *v = az_xmalloc((g->nbodies ? g->nbodies : 1) * sizeof *v);
    bool example = false;
    for (size_t di = 0; di < g->ndefs; di++) {
        const az_gdef *d = &g->defs[di];
        if (!d->folding)
            continue;
        size_t n = 0;
        for (size_t k = 0; k < d->nbodies; k++) {
            size_t bi = d->first_body + k;
            const char *raw = a->entities[g->bodies[bi].entity].raw;
            size_t ni = km_get(&names, raw, strlen(raw), SIZE_MAX);
            if (ni != SIZE_MAX && g->bodies[bi].hash)
                v[n++] = (hb){ map->nodes[ni].hash, map->nodes[ni].hash, bi };
        }
        /* group by map hash (quadratic only in the run lengths) */
        for (size_t x = 0; x < n; x++) {
            if (!v[x].h)
                continue;
            size_t members = 1;
            bool split = false;
            for (size_t y = x + 1; y < n; y++) {
                if (!v[y].h || memcmp(v[x].h, v[y].h, 32) != 0)
                    continue;
                members++;
                if (g->bodies[v[y].body].hash != g->bodies[v[x].body].hash) {
                    split = true;
                    if (!example) {
                        char t[600];
                        snprintf(t, sizeof t, "map hash group split by normalization: %.250s vs %.250s",
                                 a->entities[g->bodies[v[x].body].entity].raw,
                                 a->entities[g->bodies[v[y].body].entity].raw);
                        note(g, t);
                        example = true;
                    }
                }
                v[y].h = NULL;
            }
            if (members >= 2) {
                g->map_fold_groups_checked++;
                g->map_fold_groups_split += split;
            }
        }
        /* the other way: our identical-body groups, and those whose members
         * ILC also emitted with identical bytes */
        for (size_t x = 0; x < n; x++)
            v[x].h = v[x].hash;
        for (size_t x = 0; x < n; x++) {
            const az_gbody *bx = &g->bodies[v[x].body];
            if (!v[x].h)
                continue;
            size_t members = 1;
            bool same = true;
            for (size_t y = x + 1; y < n; y++) {
                const az_gbody *by = &g->bodies[v[y].body];
                if (!v[y].h || by->hash != bx->hash || by->size != bx->size)
                    continue;
                members++;
                same &= memcmp(v[x].h, v[y].h, 32) == 0;
                v[y].h = NULL;
            }
            if (members >= 2) {
                g->fold_groups_checked++;
                g->fold_groups_confirmed += same;
            }
        }
    }
    free(v);
    km_free(&names);
}

void az_generics_build(const az_analysis *a, const az_generics_opts *opts, az_generics *out)
{
    static const az_generics_opts none;
    if (!opts)
        opts = &none;
    memset(out, 0, sizeof *out);
    az_arena_init(&out->arena);
    builder b = { .a = a, .g = out };
    out->mstat_path = opts->mstat ? opts->mstat_path : NULL;
    out->map_path = opts->map ? opts->map_path : NULL;
    out->nentity_inst = a->nsymbol_entities;
    out->entity_inst = az_xmalloc((a->nsymbol_entities ? a->nsymbol_entities : 1) * sizeof *out->entity_inst);
    for (size_t i = 0; i < a->nsymbol_entities; i++)
        out->entity_inst[i] = SIZE_MAX;
    for (size_t i = 0; i < a->nsymbol_entities; i++) {
        const az_entity *e = &a->entities[i];
        if (e->is_symbol && e->dm.managed && e->dm.kind != AZ_KIND_METHOD)
            out->have_symbols = true;
        add_entity(&b, i);
    }
    b.sizes_from_map = !out->have_symbols && opts->map;
    b.sizes_from_mstat = !out->have_symbols && opts->mstat && !opts->map;
    out->side_sizes = b.sizes_from_map ? out->map_path : b.sizes_from_mstat ? out->mstat_path : NULL;
    if (opts->mstat)
        merge_mstat(&b, opts->mstat);
    if (opts->map && !out->have_symbols)
        merge_map_names(&b, opts->map);
    if (!out->have_symbols)
        note(out, opts->mstat || opts->map
                      ? "no managed symbols: instantiations and their sizes come from the side files (ILC's "
                        "node sizes; which file bytes they occupy is unknown); bloat and folding need the "
                        "binary's symbols"
                      : "no managed symbols: generic instantiations cannot be named from this binary "
                        "(pass its debug file, --mstat or --map)");
    for (size_t i = 0; i < out->ninsts; i++)
        out->side_only += !out->insts[i].in_binary;
    totals(out);
    order(out);
    /* bodies by definition, then method and hash */
    if (out->nbodies > 1) /* bodies is NULL when there are none */
        qsort_r(out->bodies, out->nbodies, sizeof *out->bodies, cmp_bodies, out);
    for (size_t i = 0; i < out->nbodies; i++) {
        az_gdef *d = &out->defs[out->insts[out->bodies[i].inst].def];
        if (d->nbodies == 0)
            d->first_body = i;
        d->nbodies++;
    }
    if (!opts->no_folding && a->nat && a->img.data)
        fold(a, out);
    else if (!opts->no_folding && a->body_facts)
        fold_from_facts(a, out);
    else if (!opts->no_folding)
        note(out, a->snapshot_of ? "code folding not computed: the snapshot holds no body hashes (written by an "
                                   "older aotsize); bloat may differ slightly from its binary's"
                                 : "code folding not computed: the code bytes are not available");
    if (opts->map)
        check_map_folds(out, a, opts->map);
    for (size_t di = 0; di < out->ndefs; di++) {
        az_gdef *d = &out->defs[di];
        const az_gbody *bs = &out->bodies[d->first_body];
        for (size_t k = 0; k < d->nbodies;) {
            size_t m = k;
            while (m < d->nbodies && strcmp(bs[m].method, bs[k].method) == 0)
                m++;
            d->bloat += method_bloat(out, bs + k, bs + m);
            k = m;
        }
        out->file_total += d->file_total;
        out->vm_total += d->vm_total;
        out->specialized_file += d->specialized_code;
        out->bloat += d->bloat;
        out->foldable += d->foldable;
    }
    by_arg(&b);
    km_free(&b.defs);
    km_free(&b.insts);
    km_free(&b.args);
}

void az_generics_free(az_generics *g)
{
    for (size_t i = 0; i < g->nbodies; i++)
        free(g->bodies[i].seq);
    free(g->defs);
    free(g->insts);
    free(g->bodies);
    free(g->args);
    free(g->notes);
    free(g->entity_inst);
    az_arena_free(&g->arena);
    memset(g, 0, sizeof *g);
}

size_t az_generics_find(const az_generics *g, const char *name)
{
    /* the mangled key is unique */
    for (size_t i = 0; i < g->ndefs; i++)
        if (strcmp(g->defs[i].key, name) == 0)
            return i;
    /* "Name, Assembly" (an assembly-qualified name), for a name that
     * several assemblies define (LowLevelList`1, <PrivateImplementationDetails>) */
    const char *comma = strrchr(name, ',');
    if (comma && comma[1] == ' ') {
        size_t nl = (size_t)(comma - name);
        for (size_t i = 0; i < g->ndefs; i++) {
            const az_gdef *d = &g->defs[i];
            if (d->assembly && strcmp(d->assembly, comma + 2) == 0 && strlen(d->display) == nl &&
                memcmp(d->display, name, nl) == 0)
                return i;
        }
        return SIZE_MAX;
    }
    /* the display name, or the display name without the namespace: when unique */
    size_t found = SIZE_MAX, n = strlen(name);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < g->ndefs; i++) {
            const char *d = g->defs[i].display;
            size_t dl = strlen(d);
            bool match = pass == 0 ? strcmp(d, name) == 0
                                   : dl > n && d[dl - n - 1] == '.' && strcmp(d + dl - n, name) == 0;
            if (!match)
                continue;
            if (found != SIZE_MAX)
                return SIZE_MAX;
            found = i;
        }
        if (found != SIZE_MAX)
            return found;
    }
    return SIZE_MAX;
}
