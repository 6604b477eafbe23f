#include "extents.h"

#include <stdlib.h>
#include <string.h>

#include "../formats/cursor.h"
#include "attribute.h"
#include "nativeaot.h"

enum { POINTER_SIZE = 8 };

/* MethodTable flag: instances contain GC references, so a GC descriptor
 * precedes the MethodTable (MethodTable.h, HasPointersFlag).  .NET 9 moved
 * the bit when optional fields were removed; .NET 8's module header is
 * version 9.x. */
static uint32_t mt_has_pointers_flag(const az_analysis *a)
{
    if (a->nat && a->nat->rtr.found && a->nat->rtr.major <= 9)
        return 0x00200000;
    return 0x01000000;
}

/* GC descriptor size, from the series count stored just before the
 * MethodTable (GCDescEncoder: n > 0 standard series, 2 words each, plus the
 * count; n < 0 value-type array series, 1 word each, plus count and offset). */
static uint64_t gcdesc_size(const az_analysis *a, uint64_t mt)
{
    const uint8_t *p = az_vm_bytes(a, a->nat, mt, 4);
    if (!p || mt < 8)
        return 0;
    az_cursor c = az_cursor_make(p, 4);
    if (!(az_u32le(&c) & mt_has_pointers_flag(a)))
        return 0;
    const uint8_t *q = az_vm_bytes(a, a->nat, mt - 8, 8);
    if (!q)
        return 0;
    c = az_cursor_make(q, 8);
    int64_t n = (int64_t)az_u64le(&c);
    if (n > 0 && n < 65536)
        return (uint64_t)(2 * n + 1) * POINTER_SIZE;
    if (n < 0 && n > -65536)
        return (uint64_t)(-n + 2) * POINTER_SIZE;
    return 0;
}

/* Code symbols by address, to name what a pointer in data points to. */
typedef struct code_index {
    const az_symbol **syms;
    size_t n;
} code_index;

static int cmp_sym_addr(const void *x, const void *y)
{
    const az_symbol *a = *(const az_symbol *const *)x, *b = *(const az_symbol *const *)y;
    return a->addr < b->addr ? -1 : a->addr > b->addr;
}

static void code_index_build(code_index *ix, const az_image *img)
{
    ix->syms = az_xmalloc((img->nsymbols ? img->nsymbols : 1) * sizeof *ix->syms);
    ix->n = 0;
    for (size_t i = 0; i < img->nsymbols; i++) {
        const az_symbol *s = &img->symbols[i];
        if (s->section >= 0 && (img->sections[s->section].flags & AZ_SEC_EXEC) && s->name)
            ix->syms[ix->n++] = s;
    }
    az_qsort(ix->syms, ix->n, sizeof *ix->syms, cmp_sym_addr);
}

/* Does some code symbol named `name` start at addr? */
static bool code_symbol_is(const code_index *ix, uint64_t addr, const char *name, size_t name_len,
                           const char *suffix)
{
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ix->syms[mid]->addr < addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < ix->n && ix->syms[lo]->addr == addr; lo++) {
        const char *s = ix->syms[lo]->name;
        if (strncmp(s, name, name_len) == 0 && strcmp(s + name_len, suffix) == 0)
            return true;
    }
    return false;
}

/* The class-constructor context before lazily initialised non-GC statics:
 * a pointer to the type's cctor, padded up to the statics' alignment.  The
 * pointer is recognised by pointing at `<type>___cctor`, so a neighbour's
 * code pointer (a dictionary slot, say) is not mistaken for it. */
static uint64_t cctor_context_size(const az_analysis *a, const code_index *code, const az_entity *e)
{
    static const char prefix[] = "__NONGCSTATICS";
    if (strncmp(e->raw, prefix, sizeof prefix - 1) != 0)
        return 0;
    const char *type = e->raw + sizeof prefix - 1;
    size_t type_len = strlen(type);
    for (uint64_t back = 8; back <= 32 && back <= e->addr; back += 8) {
        uint64_t target;
        if (az_vm_pointer(a, a->nat, e->addr - back, &target) &&
            code_symbol_is(code, target, type, type_len, "___cctor"))
            return back;
    }
    return 0;
}

static uint64_t node_prefix(const az_analysis *a, const code_index *code, const az_entity *e)
{
    if (!e->dm.managed)
        return 0;
    switch (e->dm.kind) {
    case AZ_KIND_FROZEN_STRING:
    case AZ_KIND_FROZEN_OBJECT:
        return POINTER_SIZE; /* the sync block */
    case AZ_KIND_METHODTABLE:
    case AZ_KIND_GC_STATIC_EETYPE:
        return gcdesc_size(a, e->addr);
    case AZ_KIND_NONGC_STATICS:
        return cctor_context_size(a, code, e);
    case AZ_KIND_GENERIC_DICT:
        /* A method's dictionary starts with the owning method's hash code. */
        return e->dm.method ? POINTER_SIZE : 0;
    default:
        return 0;
    }
}

/* The exact length of a node when its own bytes say it, else 0. */
static uint64_t node_length(const az_analysis *a, const az_entity *e, uint64_t start)
{
    const az_nativeaot *n = a->nat;
    if (!e->dm.managed)
        return 0;
    switch (e->dm.kind) {
    case AZ_KIND_FROZEN_STRING: {
        /* [sync block][MethodTable*][i32 length][UTF-16 chars][u16 0], padded to 8 */
        const uint8_t *p = az_vm_bytes(a, n, e->addr + POINTER_SIZE, 4);
        if (!p)
            return 0;
        az_cursor c = az_cursor_make(p, 4);
        uint64_t chars = az_u32le(&c);
        if (chars > (1u << 28))
            return 0;
        uint64_t len = POINTER_SIZE + POINTER_SIZE + 4 + 2 * chars + 2;
        return (len + 7) & ~7ull;
    }
    case AZ_KIND_WRITABLE_DATA:
    case AZ_KIND_GC_STATICS:
        return POINTER_SIZE;
    case AZ_KIND_ASSOCIATED_DATA: {
        /* MethodAssociatedDataNode: a flags byte, then one RELPTR32 (the
         * unboxing stub target) when flag 1 is its only flag. */
        const uint8_t *p = az_vm_bytes(a, n, e->addr, 1);
        return p && p[0] == 1 ? 5 : 0;
    }
    default:
        break;
    }
    if (n && n->rtr.found && start == n->rtr.addr)
        return n->rtr.size;
    if (n && n->hyd.ok && n->hyd.stream_len && az_image_vm_to_file(&a->img, start, &(uint64_t){ 0 })) {
        uint64_t off;
        az_image_vm_to_file(&a->img, start, &off);
        if (off == n->hyd.stream_file_off)
            return n->hyd.stream_len + n->hyd.fixups_len;
    }
    return 0;
}

typedef struct start_order {
    const az_entity *ents;
    const uint64_t *start;
} start_order;

/* By section, then node start, then symbol address. */
static int cmp_section_start(const void *x, const void *y, void *p)
{
    const start_order *o = p;
    size_t i = *(const size_t *)x, j = *(const size_t *)y;
    const az_entity *a = &o->ents[i], *b = &o->ents[j];
    if (a->section != b->section)
        return i < j ? -1 : 1; /* entities are grouped by section already */
    if (o->start[i] != o->start[j])
        return o->start[i] < o->start[j] ? -1 : 1;
    if (a->addr != b->addr)
        return a->addr < b->addr ? -1 : 1;
    /* Nodes sharing a start: the last one in order gets the bytes.  ILC folds
     * identical empty nodes onto a neighbour's address; a MethodTable there
     * is the real owner. */
    bool ma = a->dm.kind == AZ_KIND_METHODTABLE, mb = b->dm.kind == AZ_KIND_METHODTABLE;
    if (ma != mb)
        return ma ? 1 : -1;
    return i < j ? -1 : (i > j);
}

static int cmp_start(const void *x, const void *y, void *ctx)
{
    const az_entity *ents = ctx;
    const az_entity *p = &ents[*(const size_t *)x], *q = &ents[*(const size_t *)y];
    if (p->addr != q->addr)
        return p->addr < q->addr ? -1 : 1;
    return *(const size_t *)x < *(const size_t *)y ? -1 : 1;
}

void az_extents_compute(az_analysis *a)
{
    size_t n = a->nsymbol_entities;
    az_entity *ents = a->entities;
    uint64_t *start = az_xmalloc((n ? n : 1) * sizeof *start);
    code_index code;
    code_index_build(&code, &a->img);

    /* Entities are sorted by (section, symbol address).  A node may start
     * before its symbol, but never before the previous symbol. */
    for (size_t i = 0; i < n; i++) {
        az_entity *e = &ents[i];
        const az_section *sec = az_image_section_at(&a->img, e->addr);
        uint64_t floor = sec ? sec->vm_addr : e->addr;
        if (i > 0 && ents[i - 1].section == e->section && ents[i - 1].addr > floor)
            floor = ents[i - 1].addr;
        uint64_t pre = node_prefix(a, &code, e);
        start[i] = (pre && e->addr - floor >= pre) ? e->addr - pre : e->addr;
    }
    free(code.syms);

    /* Ends: each node runs to the next node's start, in start order (a node
     * with a prefix starts before a node sharing its symbol address). */
    size_t *order = az_xmalloc((n ? n : 1) * sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    start_order ctx = { ents, start };
    qsort_r(order, n, sizeof *order, cmp_section_start, &ctx);
    uint64_t *end = az_xmalloc((n ? n : 1) * sizeof *end);
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        az_entity *e = &ents[i];
        const az_section *sec = az_image_section_at(&a->img, e->addr);
        uint64_t next = sec ? sec->vm_addr + sec->vm_size : e->addr;
        bool last = !(k + 1 < n && ents[order[k + 1]].section == e->section);
        /* A PE section's memory past its raw data is the .bss the linker
         * merged in.  With no symbol after it, data that starts in the raw
         * bytes stops there: a sizeless export (a PE without its PDB) would
         * otherwise take all of that memory. */
        if (last && sec && !(sec->flags & AZ_SEC_ZEROFILL) && sec->file_size < sec->vm_size &&
            e->addr - sec->vm_addr < sec->file_size)
            next = sec->vm_addr + sec->file_size;
        if (!last && start[order[k + 1]] < next)
            next = start[order[k + 1]];
        uint64_t len = e->extent ? e->extent : node_length(a, e, start[i]);
        if (len) {
            /* A known length: what follows up to the next symbol is padding
             * or data without a symbol, not this node. */
            end[i] = (e->extent ? e->addr : start[i]) + len;
            e->sized = true;
        } else {
            end[i] = next;
        }
    }
    for (size_t i = 0; i < n; i++) {
        ents[i].addr = start[i];
        ents[i].extent = end[i] > start[i] ? end[i] - start[i] : 0;
    }
    free(end);
    free(order);
    free(start);

    a->by_addr = az_xmalloc((n ? n : 1) * sizeof *a->by_addr);
    a->nby_addr = 0;
    for (size_t i = 0; i < n; i++)
        if (ents[i].extent)
            a->by_addr[a->nby_addr++] = i;
    qsort_r(a->by_addr, a->nby_addr, sizeof *a->by_addr, cmp_start, ents);
}

size_t az_entities_starting_by(const az_analysis *a, uint64_t addr)
{
    size_t lo = 0, hi = a->nby_addr;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a->entities[a->by_addr[mid]].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t az_entity_at(const az_analysis *a, uint64_t addr)
{
    size_t lo = az_entities_starting_by(a, addr);
    /* Sized symbols may overlap their neighbours: look at a few starts below. */
    for (size_t k = lo, tries = 0; k-- > 0 && tries < 4; tries++) {
        const az_entity *e = &a->entities[a->by_addr[k]];
        if (addr >= e->addr && addr - e->addr < e->extent)
            return a->by_addr[k];
    }
    return SIZE_MAX;
}

void az_extents_claim_padding(az_analysis *a, az_rangemap *vm, az_rangemap *file, uint8_t priority)
{
    size_t n = a->nby_addr;
    size_t nsec = a->img.nsections;
    size_t *pad_entity = az_xmalloc((nsec ? nsec : 1) * sizeof *pad_entity);
    for (size_t i = 0; i < nsec; i++)
        pad_entity[i] = SIZE_MAX;
    const az_section *sec = NULL;
    for (size_t k = 0; k < n; k++) {
        const az_entity *e = &a->entities[a->by_addr[k]];
        if (!e->sized)
            continue;
        uint64_t end = e->addr + e->extent;
        if (!sec || e->addr < sec->vm_addr || e->addr - sec->vm_addr >= sec->vm_size)
            sec = az_image_section_at(&a->img, e->addr);
        if (!sec)
            continue;
        uint64_t next = sec->vm_addr + sec->vm_size;
        if (k + 1 < n && a->entities[a->by_addr[k + 1]].addr < next)
            next = a->entities[a->by_addr[k + 1]].addr;
        /* Larger gaps are not alignment; they stay unexplained. */
        if (next <= end || next - end >= 64)
            continue;
        size_t si = (size_t)(sec - a->img.sections);
        if (pad_entity[si] == SIZE_MAX)
            pad_entity[si] = az_label_entity(a, az_arena_printf(&a->arena, "[padding in %s]", sec->name),
                                             AZ_BUCKET_FORMAT, "alignment padding");
        uint32_t id = (uint32_t)(pad_entity[si] * AZ_FACET__COUNT + AZ_FACET_BODY);
        az_rangemap_add(vm, end, next - end, id, priority);
        uint64_t off = end - sec->vm_addr;
        if (!(sec->flags & AZ_SEC_ZEROFILL) && off < sec->file_size) {
            uint64_t len = next - end;
            if (len > sec->file_size - off)
                len = sec->file_size - off;
            az_rangemap_add(file, sec->file_off + off, len, id, priority);
        }
    }
    free(pad_entity);
}
