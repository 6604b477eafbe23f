/* `aotsize mstat FILE`: an .mstat on its own, as sizoscope shows it —
 * assembly -> namespace -> type -> member with sizes, the generic
 * instantiation lists, and the other node kinds (blobs). */
#include "report_mstat.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "report_shared.h"

/* ---- a small labelled tree --------------------------------------------------------------- */

typedef struct mnode {
    const char *label;
    uint64_t size;
    uint32_t count;     /* records below */
    size_t *kids;
    size_t nkids, cap_kids;
} mnode;

typedef struct mtree {
    mnode *nodes;
    size_t n, cap;
    struct mslot { uint64_t h; size_t parent, node; } *slots;
    size_t cap_slots, used;
} mtree;

static uint64_t slot_hash(size_t parent, const char *label)
{
    uint64_t h = az_hash_bytes(label, strlen(label)) ^ (parent * 0x9E3779B97F4A7C15ull);
    return h ? h : 1;
}

static size_t tree_child(mtree *t, size_t parent, const char *label)
{
    if ((t->used + 1) * 2 > t->cap_slots) {
        size_t cap = t->cap_slots ? t->cap_slots * 2 : 1024;
        struct mslot *old = t->slots;
        size_t ocap = t->cap_slots;
        t->slots = az_xcalloc(cap, sizeof *t->slots);
        t->cap_slots = cap;
        for (size_t i = 0; i < ocap; i++) {
            if (!old[i].h)
                continue;
            size_t j = old[i].h & (cap - 1);
            while (t->slots[j].h)
                j = (j + 1) & (cap - 1);
            t->slots[j] = old[i];
        }
        free(old);
    }
    uint64_t h = slot_hash(parent, label);
    size_t j = h & (t->cap_slots - 1);
    while (t->slots[j].h) {
        struct mslot *s = &t->slots[j];
        if (s->h == h && s->parent == parent && strcmp(t->nodes[s->node].label, label) == 0)
            return s->node;
        j = (j + 1) & (t->cap_slots - 1);
    }
    az_grow(&t->nodes, &t->cap, t->n + 1, sizeof *t->nodes);
    size_t k = t->n++;
    memset(&t->nodes[k], 0, sizeof t->nodes[k]);
    t->nodes[k].label = label;
    mnode *p = &t->nodes[parent];
    az_grow(&p->kids, &p->cap_kids, p->nkids + 1, sizeof *p->kids);
    p->kids[p->nkids++] = k;
    t->slots[j] = (struct mslot){ h, parent, k };
    t->used++;
    return k;
}

static void tree_add(mtree *t, const char *const *path, int depth, uint64_t size)
{
    size_t at = 0;
    t->nodes[0].size += size;
    t->nodes[0].count++;
    for (int i = 0; i < depth; i++) {
        at = tree_child(t, at, path[i]);
        t->nodes[at].size += size;
        t->nodes[at].count++;
    }
}

static int cmp_kids(const void *x, const void *y, void *ctx)
{
    const mtree *t = ctx;
    const mnode *p = &t->nodes[*(const size_t *)x], *q = &t->nodes[*(const size_t *)y];
    if (p->size != q->size)
        return p->size > q->size ? -1 : 1;
    return strcmp(p->label, q->label);
}

static void tree_sort(mtree *t)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->nodes[i].nkids > 1) /* kids is NULL for leaves */
            qsort_r(t->nodes[i].kids, t->nodes[i].nkids, sizeof(size_t), cmp_kids, t);
}

static void tree_free(mtree *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->nodes[i].kids);
    free(t->nodes);
    free(t->slots);
}

/* ---- what each record is --------------------------------------------------------------- */

/* The TypeRef a type token is about: itself, a generic instantiation's
 * definition, an array's / pointer's element (as sizoscope rolls them up). */
static uint32_t declaring_typeref(const az_mstat *m, uint32_t token, az_arena *ar)
{
    if (token >> 24 == AZ_MD_TYPEREF)
        return token & 0xFFFFFF;
    az_mstat_generic gi;
    if (az_mstat_generic_of(m, token, ar, &gi) && gi.generic)
        return gi.def_typeref;
    return 0;
}

/* The path of a record in the tree: assembly, namespace, type, member. */
static void record_path(const az_mstat *m, const az_mstat_record *r, bool type, az_arena *ar, const char *path[4])
{
    uint32_t tok = r->token, table = tok >> 24;
    uint32_t tr = 0;
    const char *member = NULL;
    if (type) {
        tr = declaring_typeref(m, tok, ar);
        member = table == AZ_MD_TYPEREF ? "[MethodTable]" : az_mstat_display(m, tok, ar);
    } else {
        az_mstat_generic gi;
        bool gen = az_mstat_generic_of(m, tok, ar, &gi) && gi.generic;
        if (gen) {
            tr = gi.def_typeref;
            member = gi.display; /* "Dictionary<A, B>.TryInsert", "Enumerable.Select<A, B>" */
        } else if (table == AZ_MD_MEMBERREF) {
            uint32_t row = tok & 0xFFFFFF;
            uint32_t parent = az_mstat_col(m, AZ_MD_MEMBERREF, row, 0);
            if ((parent & 7) == 1)
                tr = parent >> 3;
            else if ((parent & 7) == 4)
                tr = declaring_typeref(m, (uint32_t)AZ_MD_TYPESPEC << 24 | parent >> 3, ar);
            member = az_mstat_string(m, az_mstat_col(m, AZ_MD_MEMBERREF, row, 1));
        }
    }
    const char *ns = "", *tp = "?";
    if (tr)
        az_mstat_typeref_name(m, tr, &ns, &tp, ar);
    const char *as = tr ? az_mstat_assembly(m, (uint32_t)AZ_MD_TYPEREF << 24 | tr) : NULL;
    if (!tr && type) {
        /* arrays of primitives and other type specs without a TypeRef */
        as = "System.Private.CoreLib";
        tp = az_mstat_display(m, tok, ar);
    }
    /* members of instantiations read without the namespace the tree shows */
    size_t nl = strlen(ns);
    if (member && nl && strncmp(member, ns, nl) == 0 && member[nl] == '.')
        member += nl + 1;
    path[0] = as ? as : "[unknown assembly]";
    path[1] = *ns ? ns : "[global namespace]";
    path[2] = tp;
    path[3] = member ? member : "?";
}

/* Generic definitions and their instantiations. */
typedef struct gdef {
    const char *name, *assembly;
    bool method;
    uint64_t size;
    mtree insts;        /* one level: instantiation display -> size */
} gdef;

static int cmp_gdefs(const void *x, const void *y)
{
    const gdef *p = x, *q = y;
    if (p->size != q->size)
        return p->size > q->size ? -1 : 1;
    return strcmp(p->name, q->name);
}

typedef struct mview {
    mtree tree;
    gdef *defs;
    size_t ndefs, cap_defs;
    mtree def_index; /* one level: definition key -> index + 1 in size */
    az_mstat_blob *blobs_sorted;
    az_arena arena;
    uint64_t mt_bytes, code, gc, eh, blobs;
} mview;

static void add_generic(mview *v, const az_mstat *m, const az_mstat_record *r, uint64_t size)
{
    az_mstat_generic gi;
    if (!az_mstat_generic_of(m, r->token, &v->arena, &gi) || !gi.generic)
        return;
    /* the definition: its TypeRef, and for generic methods name + signature */
    const char *key = gi.method ? az_arena_printf(&v->arena, "M%u:%u:%u", gi.def_typeref, gi.def_name, gi.def_sig)
                                : az_arena_printf(&v->arena, "T%u", gi.def_typeref);
    size_t k = tree_child(&v->def_index, 0, key);
    if (v->def_index.nodes[k].size == 0) {
        az_grow(&v->defs, &v->cap_defs, v->ndefs + 1, sizeof *v->defs);
        gdef *d = &v->defs[v->ndefs++];
        memset(d, 0, sizeof *d);
        d->name = gi.def_display;
        d->method = gi.method;
        d->assembly = az_mstat_assembly(m, (uint32_t)AZ_MD_TYPEREF << 24 | gi.def_typeref);
        az_grow(&d->insts.nodes, &d->insts.cap, 1, sizeof *d->insts.nodes);
        memset(d->insts.nodes, 0, sizeof *d->insts.nodes);
        d->insts.n = 1;
        v->def_index.nodes[k].size = v->ndefs; /* index + 1 */
    }
    gdef *d = &v->defs[v->def_index.nodes[k].size - 1];
    d->size += size;
    /* instantiation: the type instantiation, or the generic method's */
    const char *inst = gi.display;
    if (!gi.method && r->token >> 24 == AZ_MD_MEMBERREF) {
        uint32_t parent = az_mstat_col(m, AZ_MD_MEMBERREF, r->token & 0xFFFFFF, 0);
        inst = az_mstat_display(m, (uint32_t)AZ_MD_TYPESPEC << 24 | parent >> 3, &v->arena);
    }
    const char *path[1] = { inst };
    tree_add(&d->insts, path, 1, size);
}

static int cmp_blobs(const void *x, const void *y)
{
    const az_mstat_blob *p = x, *q = y;
    if (p->size != q->size)
        return p->size > q->size ? -1 : 1;
    return strcmp(p->name, q->name);
}

static void build(mview *v, const az_mstat *m)
{
    memset(v, 0, sizeof *v);
    az_arena_init(&v->arena);
    az_grow(&v->tree.nodes, &v->tree.cap, 1, sizeof *v->tree.nodes);
    memset(v->tree.nodes, 0, sizeof *v->tree.nodes);
    v->tree.nodes[0].label = "TOTAL";
    v->tree.n = 1;
    az_grow(&v->def_index.nodes, &v->def_index.cap, 1, sizeof *v->def_index.nodes);
    memset(v->def_index.nodes, 0, sizeof *v->def_index.nodes);
    v->def_index.n = 1;
    for (size_t i = 0; i < m->ntypes; i++) {
        const char *path[4];
        record_path(m, &m->types[i], true, &v->arena, path);
        tree_add(&v->tree, path, 4, m->types[i].size);
        v->mt_bytes += m->types[i].size;
        add_generic(v, m, &m->types[i], m->types[i].size);
    }
    for (size_t i = 0; i < m->nmethods; i++) {
        const az_mstat_record *r = &m->methods[i];
        uint64_t size = (uint64_t)r->size + r->gc_size + r->eh_size;
        const char *path[4];
        record_path(m, r, false, &v->arena, path);
        tree_add(&v->tree, path, 4, size);
        v->code += r->size;
        v->gc += r->gc_size;
        v->eh += r->eh_size;
        add_generic(v, m, r, size);
    }
    v->blobs_sorted = az_xmalloc((m->nblobs ? m->nblobs : 1) * sizeof *v->blobs_sorted);
    for (size_t i = 0; i < m->nblobs; i++) {
        v->blobs += m->blobs[i].size;
        v->blobs_sorted[i] = m->blobs[i];
    }
    az_qsort(v->blobs_sorted, m->nblobs, sizeof *v->blobs_sorted, cmp_blobs);
    tree_sort(&v->tree);
    for (size_t i = 0; i < v->ndefs; i++)
        tree_sort(&v->defs[i].insts);
    az_qsort(v->defs, v->ndefs, sizeof *v->defs, cmp_gdefs);
}

static void release(mview *v)
{
    tree_free(&v->tree);
    tree_free(&v->def_index);
    for (size_t i = 0; i < v->ndefs; i++)
        tree_free(&v->defs[i].insts);
    free(v->defs);
    free(v->blobs_sorted);
    az_arena_free(&v->arena);
}

/* ---- output ---------------------------------------------------------------------------- */

static json_t *node_json(const mtree *t, size_t i, int depth, size_t limit)
{
    const mnode *n = &t->nodes[i];
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(n->label));
    json_object_set_new(o, "size", json_integer((json_int_t)n->size));
    json_object_set_new(o, "records", json_integer(n->count));
    if (depth > 0) {
        json_t *kids = json_array();
        size_t shown = limit && limit < n->nkids ? limit : n->nkids;
        for (size_t k = 0; k < shown; k++)
            json_array_append_new(kids, node_json(t, n->kids[k], depth - 1, limit));
        json_object_set_new(o, "children", kids);
    }
    return o;
}

static void text_node(FILE *out, const mtree *t, size_t i, int indent, int depth, size_t limit)
{
    const mnode *n = &t->nodes[i];
    if (depth <= 0)
        return;
    size_t shown = limit && limit + 1 < n->nkids ? limit : n->nkids;
    char s[32];
    for (size_t k = 0; k < shown; k++) {
        const mnode *c = &t->nodes[n->kids[k]];
        az_format_size(s, sizeof s, c->size);
        fprintf(out, " %10s  %*s%s\n", s, 2 * indent, "", c->label);
        text_node(out, t, n->kids[k], indent + 1, depth - 1, limit);
    }
    if (shown < n->nkids) {
        uint64_t rest = 0;
        for (size_t k = shown; k < n->nkids; k++)
            rest += t->nodes[n->kids[k]].size;
        az_format_size(s, sizeof s, rest);
        fprintf(out, " %10s  %*s[%zu others]\n", s, 2 * indent, "", n->nkids - shown);
    }
}

static void csv_node(FILE *out, const mtree *t, size_t i, const char **path, int level, int depth, size_t limit)
{
    const mnode *n = &t->nodes[i];
    if (level >= depth)
        return;
    size_t shown = limit && limit < n->nkids ? limit : n->nkids;
    for (size_t k = 0; k < shown; k++) {
        const mnode *c = &t->nodes[n->kids[k]];
        path[level] = c->label;
        fprintf(out, "%d,", level + 1);
        for (int col = 0; col < 4; col++)
            az_csv_field(out, col <= level ? path[col] : "", false);
        fprintf(out, "%" PRIu64 "\n", c->size);
        csv_node(out, t, n->kids[k], path, level + 1, depth, limit);
    }
}

void az_view_mstat(const az_mstat *m, const char *path, const az_view_opts *o)
{
    mview v;
    build(&v, m);
    FILE *out = o->out;
    int depth = o->depth > 0 && o->depth <= 4 ? o->depth : 4;
    if (o->format == AZ_OUT_JSON) {
        json_t *root = json_object();
        json_object_set_new(root, "schema", json_string("aotsize/1"));
        json_t *in = json_object();
        json_object_set_new(in, "path", json_string(path));
        json_object_set_new(in, "format", json_string("mstat"));
        json_object_set_new(in, "version", json_sprintf("%u.%u", m->major, m->minor));
        json_object_set_new(in, "assembly", json_string(m->assembly));
        json_object_set_new(in, "file_size", json_integer((json_int_t)m->size));
        json_object_set_new(root, "input", in);
        json_t *t = json_object();
        json_object_set_new(t, "methodtables", json_integer((json_int_t)m->ntypes));
        json_object_set_new(t, "methodtable_bytes", json_integer((json_int_t)v.mt_bytes));
        json_object_set_new(t, "methods", json_integer((json_int_t)m->nmethods));
        json_object_set_new(t, "code_bytes", json_integer((json_int_t)v.code));
        json_object_set_new(t, "gc_info_bytes", json_integer((json_int_t)v.gc));
        json_object_set_new(t, "eh_info_bytes", json_integer((json_int_t)v.eh));
        json_object_set_new(t, "blob_bytes", json_integer((json_int_t)v.blobs));
        json_object_set_new(t, "rva_fields", json_integer((json_int_t)m->nrva_fields));
        json_object_set_new(t, "frozen_objects", json_integer((json_int_t)m->nfrozen));
        json_object_set_new(t, "resources", json_integer((json_int_t)m->nresources));
        json_object_set_new(t, "folded_methods", json_integer((json_int_t)m->nfolded));
        json_object_set_new(root, "totals", t);
        json_t *tree = json_array();
        const mnode *r0 = &v.tree.nodes[0];
        size_t shown = o->limit && o->limit < r0->nkids ? o->limit : r0->nkids;
        for (size_t k = 0; k < shown; k++)
            json_array_append_new(tree, node_json(&v.tree, r0->kids[k], depth - 1, o->limit));
        json_object_set_new(root, "tree", tree);
        json_t *gens = json_array();
        size_t gshown = o->limit && o->limit < v.ndefs ? o->limit : v.ndefs;
        for (size_t i = 0; i < gshown; i++) {
            const gdef *d = &v.defs[i];
            json_t *x = json_object();
            json_object_set_new(x, "name", json_string(d->name));
            json_object_set_new(x, "kind", json_string(d->method ? "method" : "type"));
            json_object_set_new(x, "assembly", d->assembly ? json_string(d->assembly) : json_null());
            json_object_set_new(x, "size", json_integer((json_int_t)d->size));
            json_object_set_new(x, "instantiation_count", json_integer((json_int_t)d->insts.nodes[0].nkids));
            json_t *insts = json_array();
            for (size_t k = 0; k < d->insts.nodes[0].nkids; k++) {
                const mnode *n = &d->insts.nodes[d->insts.nodes[0].kids[k]];
                json_t *y = json_object();
                json_object_set_new(y, "name", json_string(n->label));
                json_object_set_new(y, "size", json_integer((json_int_t)n->size));
                json_object_set_new(y, "records", json_integer(n->count));
                json_array_append_new(insts, y);
            }
            json_object_set_new(x, "instantiations", insts);
            json_array_append_new(gens, x);
        }
        json_object_set_new(root, "generics", gens);
        json_t *blobs = json_array();
        for (size_t i = 0; i < m->nblobs; i++) {
            json_t *x = json_object();
            json_object_set_new(x, "name", json_string(v.blobs_sorted[i].name));
            json_object_set_new(x, "size", json_integer(v.blobs_sorted[i].size));
            json_array_append_new(blobs, x);
        }
        json_object_set_new(root, "blobs", blobs);
        json_t *w = json_array();
        for (size_t i = 0; i < m->nwarnings; i++)
            json_array_append_new(w, json_string(m->warnings[i]));
        json_object_set_new(root, "warnings", w);
        az_report_emit(root, out);
    } else if (o->format == AZ_OUT_CSV) {
        fprintf(out, "level,assembly,namespace,type,member,size\n");
        const char *p[4];
        csv_node(out, &v.tree, 0, p, 0, depth, o->limit);
    } else {
        char s1[32], s2[32], s3[32], s4[32];
        fprintf(out, "%s: ILC .mstat %u.%u (%s)\n", path, m->major, m->minor, m->assembly);
        az_format_size(s1, sizeof s1, v.mt_bytes);
        az_format_size(s2, sizeof s2, v.code + v.gc + v.eh);
        az_format_size(s3, sizeof s3, v.code);
        az_format_size(s4, sizeof s4, v.blobs);
        fprintf(out, "%zu MethodTables %s, %zu method bodies %s (code %s + GC info + EH info), other nodes %s",
                m->ntypes, s1, m->nmethods, s2, s3, s4);
        if (m->nfolded)
            fprintf(out, ", %zu methods folded into identical bodies", m->nfolded);
        fputc('\n', out);
        fprintf(out, "\n %10s  %s\n", "SIZE", "ASSEMBLY / NAMESPACE / TYPE / MEMBER");
        text_node(out, &v.tree, 0, 0, depth, o->limit);
        az_format_size(s1, sizeof s1, v.tree.nodes[0].size);
        fprintf(out, " %10s  TOTAL (MethodTables and methods)\n", s1);
        size_t ninst = 0;
        for (size_t i = 0; i < v.ndefs; i++)
            ninst += v.defs[i].insts.nodes[0].nkids;
        fprintf(out, "\nGeneric instantiations: %zu definitions, %zu instantiations\n", v.ndefs, ninst);
        size_t gshown = o->limit && o->limit < v.ndefs ? o->limit : v.ndefs;
        for (size_t i = 0; i < gshown; i++) {
            const gdef *d = &v.defs[i];
            az_format_size(s1, sizeof s1, d->size);
            fprintf(out, " %10s  %s (%zu)\n", s1, d->name, d->insts.nodes[0].nkids);
            const mnode *r = &d->insts.nodes[0];
            size_t shown = o->limit && o->limit + 1 < r->nkids ? o->limit : r->nkids;
            for (size_t k = 0; k < shown; k++) {
                const mnode *n = &d->insts.nodes[r->kids[k]];
                az_format_size(s1, sizeof s1, n->size);
                fprintf(out, " %10s    %s\n", s1, n->label);
            }
            if (shown < r->nkids)
                fprintf(out, " %10s    [%zu others]\n", "", r->nkids - shown);
        }
        if (gshown < v.ndefs)
            fprintf(out, "  [%zu more definitions; --limit 0 shows all]\n", v.ndefs - gshown);
        fprintf(out, "\nOther nodes (summed per kind):\n");
        for (size_t i = 0; i < m->nblobs; i++) {
            az_format_size(s1, sizeof s1, v.blobs_sorted[i].size);
            fprintf(out, " %10s  %s\n", s1, v.blobs_sorted[i].name);
        }
        for (size_t i = 0; i < m->nwarnings; i++)
            fprintf(out, "warning: %s\n", m->warnings[i]);
    }
    release(&v);
}
