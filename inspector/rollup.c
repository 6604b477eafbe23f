#include "rollup.h"

#include <stdlib.h>
#include <string.h>

bool az_filter_match(const az_analysis *a, const az_entity *e, const az_filter *f)
{
    (void)a;
    if (!f)
        return true;
    if (f->bucket >= 0 && (int)e->bucket != f->bucket)
        return false;
    if (f->regex) {
        if (regexec(f->regex, e->raw, 0, NULL, 0) != 0 &&
            (!e->dm.display || regexec(f->regex, e->dm.display, 0, NULL, 0) != 0))
            return false;
    }
    return true;
}

static bool is_managed_owner(const az_entity *e)
{
    return (e->bucket == AZ_BUCKET_APP || e->bucket == AZ_BUCKET_FRAMEWORK) && e->dm.assembly;
}

/* What a member row is called: the method (with generic arguments and
 * overload index) or the kind of per-type data. */
static const char *member_label(az_rollup *r, const az_entity *e)
{
    const az_demangled *d = &e->dm;
    const char *kind = az_kind_name(d->kind);
    if (d->kind == AZ_KIND_METHOD && d->method) {
        if (d->overload >= 0)
            return az_arena_printf(&r->arena, "%s%s (overload %d)", d->method, d->method_inst ? d->method_inst : "",
                                   d->overload);
        return d->method_inst ? az_arena_printf(&r->arena, "%s%s", d->method, d->method_inst) : d->method;
    }
    if (d->method)
        return az_arena_printf(&r->arena, "[%s] %s%s", kind, d->method, d->method_inst ? d->method_inst : "");
    return az_arena_printf(&r->arena, "[%s]", kind);
}

const char *az_key_label(az_rollup *r, const az_analysis *a, const az_entity *e, az_key key)
{
    (void)a;
    switch (key) {
    case AZ_KEY_BUCKET:
        return az_bucket_name(e->bucket);
    case AZ_KEY_GROUP:
        return e->group ? e->group : "(none)";
    case AZ_KEY_OWNER:
        if (is_managed_owner(e))
            return e->dm.assembly;
        return az_arena_printf(&r->arena, "[%s] %s", az_bucket_name(e->bucket), e->group ? e->group : "(none)");
    case AZ_KEY_NAMESPACE:
        if (is_managed_owner(e) && e->dm.ns)
            return e->dm.ns[0] ? e->dm.ns : "(global namespace)";
        if (is_managed_owner(e))
            return e->dm.display;
        return e->dm.display ? e->dm.display : e->raw;
    case AZ_KEY_TYPE:
        if (is_managed_owner(e) && e->dm.ns)
            return e->dm.type ? e->dm.type : e->dm.display;
        return NULL;
    case AZ_KEY_MEMBER:
        if (is_managed_owner(e) && e->dm.ns && e->dm.type)
            return member_label(r, e);
        return NULL;
    case AZ_KEY_SECTION:
        return e->section ? e->section : "(no section)";
    case AZ_KEY_KIND:
        return e->is_symbol ? az_kind_name(e->dm.kind) : "label";
    case AZ_KEY_SYMBOL:
        return e->dm.display ? e->dm.display : e->raw;
    }
    return NULL;
}

static uint64_t hash_child(size_t parent, const char *label)
{
    return az_hash_bytes(label, strlen(label)) ^ (parent * 0x9e3779b97f4a7c15ull);
}

static void rehash(az_rollup *r)
{
    size_t cap = r->cap_slots ? r->cap_slots * 2 : 1024;
    size_t *slots = az_xmalloc(cap * sizeof *slots);
    for (size_t i = 0; i < cap; i++)
        slots[i] = SIZE_MAX;
    for (size_t i = 1; i < r->nrows; i++) {
        size_t j = hash_child(r->rows[i].parent, r->rows[i].label) & (cap - 1);
        while (slots[j] != SIZE_MAX)
            j = (j + 1) & (cap - 1);
        slots[j] = i;
    }
    free(r->slots);
    r->slots = slots;
    r->cap_slots = cap;
}

static size_t add_row(az_rollup *r, size_t parent, const char *label)
{
    az_grow(&r->rows, &r->cap_rows, r->nrows + 1, sizeof *r->rows);
    size_t i = r->nrows++;
    az_row *row = &r->rows[i];
    memset(row, 0, sizeof *row);
    row->label = label;
    row->parent = parent;
    row->entity = SIZE_MAX;
    if (i > 0) {
        az_row *p = &r->rows[parent];
        az_grow(&p->children, &p->cap_children, p->nchildren + 1, sizeof *p->children);
        p->children[p->nchildren++] = i;
    }
    return i;
}

static size_t child(az_rollup *r, size_t parent, const char *label)
{
    if ((r->nrows + 1) * 2 > r->cap_slots)
        rehash(r);
    size_t j = hash_child(parent, label) & (r->cap_slots - 1);
    while (r->slots[j] != SIZE_MAX) {
        const az_row *row = &r->rows[r->slots[j]];
        if (row->parent == parent && strcmp(row->label, label) == 0)
            return r->slots[j];
        j = (j + 1) & (r->cap_slots - 1);
    }
    size_t i = add_row(r, parent, label);
    r->slots[j] = i;
    return i;
}

static int cmp_rows(const void *x, const void *y, void *ctx)
{
    const az_rollup *r = ((void **)ctx)[0];
    az_sort sort = *(const az_sort *)((void **)ctx)[1];
    const az_row *a = &r->rows[*(const size_t *)x], *b = &r->rows[*(const size_t *)y];
    uint64_t sa = sort == AZ_SORT_VM ? a->vm : a->file, sb = sort == AZ_SORT_VM ? b->vm : b->file;
    if (sa != sb)
        return sa > sb ? -1 : 1;
    uint64_t ta = sort == AZ_SORT_VM ? a->file : a->vm, tb = sort == AZ_SORT_VM ? b->file : b->vm;
    if (ta != tb)
        return ta > tb ? -1 : 1;
    int c = strcmp(a->label, b->label);
    if (c)
        return c;
    return *(const size_t *)x < *(const size_t *)y ? -1 : 1;
}

void az_rollup_build(az_rollup *r, const az_analysis *a, const az_key *keys, size_t nkeys,
                     const az_filter *filter, az_sort sort)
{
    memset(r, 0, sizeof *r);
    az_arena_init(&r->arena);
    add_row(r, 0, "TOTAL");
    for (size_t i = 0; i < a->nentities; i++) {
        const az_entity *e = &a->entities[i];
        uint64_t f = az_entity_file(e), v = az_entity_vm(e);
        if (f == 0 && v == 0)
            continue;
        if (!az_filter_match(a, e, filter))
            continue;
        size_t at = 0;
        r->rows[0].file += f;
        r->rows[0].vm += v;
        for (size_t k = 0; k < nkeys; k++) {
            const char *label = az_key_label(r, a, e, keys[k]);
            if (!label)
                break;
            at = child(r, at, label);
            r->rows[at].file += f;
            r->rows[at].vm += v;
            if (keys[k] == AZ_KEY_SYMBOL)
                r->rows[at].entity = i;
        }
    }
    void *ctx[2] = { r, &sort };
    for (size_t i = 0; i < r->nrows; i++)
        if (r->rows[i].nchildren > 1)
            qsort_r(r->rows[i].children, r->rows[i].nchildren, sizeof(size_t), cmp_rows, ctx);
}

void az_rollup_free(az_rollup *r)
{
    for (size_t i = 0; i < r->nrows; i++)
        free(r->rows[i].children);
    free(r->rows);
    free(r->slots);
    az_arena_free(&r->arena);
    memset(r, 0, sizeof *r);
}
