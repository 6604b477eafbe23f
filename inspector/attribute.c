#include "attribute.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "extents.h"
#include "nativeaot.h"
#include "runtimeparts.h"
#include "rangemap.h"

/* Claim priorities: lower wins where claims overlap. */
enum {
    PRIO_SYMBOL = 0,     /* a symbol's own bytes */
    PRIO_PADDING = 1,    /* alignment padding after a sized symbol */
    PRIO_OWNED = 2,      /* metadata charged to the symbol it describes */
    PRIO_REGION = 3,     /* a format structure with its own label */
    PRIO_KNOWN_DATA = 4, /* ranges known from the module header (stripped binaries) */
    PRIO_SECTION = 5,
    PRIO_SEGMENT = 6,
    PRIO_FILE = 7,
};

static size_t add_entity(az_analysis *a)
{
    az_grow(&a->entities, &a->cap_entities, a->nentities + 1, sizeof *a->entities);
    az_entity *e = &a->entities[a->nentities];
    memset(e, 0, sizeof *e);
    return a->nentities++;
}

static uint64_t label_hash(const char *label, az_bucket bucket)
{
    return az_hash_bytes(label, strlen(label)) * 31 + (uint64_t)bucket;
}

static void label_rehash(az_analysis *a)
{
    size_t cap = a->cap_label_slots ? a->cap_label_slots * 2 : 256;
    size_t *slots = az_xmalloc(cap * sizeof *slots);
    for (size_t i = 0; i < cap; i++)
        slots[i] = SIZE_MAX;
    for (size_t i = 0; i < a->cap_label_slots; i++) {
        size_t e = a->label_slots[i];
        if (e == SIZE_MAX)
            continue;
        size_t j = label_hash(a->entities[e].raw, a->entities[e].bucket) & (cap - 1);
        while (slots[j] != SIZE_MAX)
            j = (j + 1) & (cap - 1);
        slots[j] = e;
    }
    free(a->label_slots);
    a->label_slots = slots;
    a->cap_label_slots = cap;
}

size_t az_label_entity(az_analysis *a, const char *label, az_bucket bucket, const char *group)
{
    if ((a->nlabels + 1) * 2 > a->cap_label_slots)
        label_rehash(a);
    size_t j = label_hash(label, bucket) & (a->cap_label_slots - 1);
    while (a->label_slots[j] != SIZE_MAX) {
        const az_entity *e = &a->entities[a->label_slots[j]];
        if (e->bucket == bucket && strcmp(e->raw, label) == 0)
            return a->label_slots[j];
        j = (j + 1) & (a->cap_label_slots - 1);
    }
    size_t i = add_entity(a);
    az_entity *e = &a->entities[i];
    e->raw = label;
    e->dm.display = label;
    e->dm.overload = -1;
    e->bucket = bucket;
    e->group = group ? group : label;
    a->label_slots[j] = i;
    a->nlabels++;
    return i;
}

static uint32_t label_id(size_t entity, az_facet facet)
{
    return (uint32_t)(entity * AZ_FACET__COUNT + facet);
}

/* ---- symbols to entities ------------------------------------------------- */

/* Linker-made boundary symbols mark places, not things. */
static bool is_linker_marker(const char *n)
{
    static const char *const exact[] = {
        "_end", "_edata", "__bss_start", "_etext", "etext", "edata", "end", "_DYNAMIC",
        "_GLOBAL_OFFSET_TABLE_", "__GNU_EH_FRAME_HDR", "__TMC_END__", "__FRAME_END__",
        "__EH_FRAME_BEGIN__", "__ehdr_start", "__executable_start", "__dso_handle",
        "__init_array_start", "__init_array_end", "__fini_array_start", "__fini_array_end",
        "__preinit_array_start", "__preinit_array_end", "_fini_array", "__data_start", "data_start",
    };
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
        if (strcmp(n, exact[i]) == 0)
            return true;
    return strncmp(n, "__start_", 8) == 0 || strncmp(n, "__stop_", 7) == 0 ||
           strncmp(n, "$x", 2) == 0 || strncmp(n, "$d", 2) == 0 || strncmp(n, ".L", 2) == 0 ||
           strncmp(n, "lsection", 8) == 0;
}

/* A symbol to become an entity: sorted by place first (small, so sorting
 * moves little), demangled in that order, then ranked among its aliases. */
typedef struct candidate {
    uint64_t addr;
    int32_t section;
    int32_t rank;    /* lower is preferred among aliases at one address */
    const az_symbol *sym;
} candidate;

static int cmp_place(const void *x, const void *y)
{
    const candidate *a = x, *b = y;
    if (a->section != b->section)
        return a->section < b->section ? -1 : 1;
    if (a->addr != b->addr)
        return a->addr < b->addr ? -1 : 1;
    return strcmp(a->sym->name, b->sym->name);
}

/* Among aliases at one address, the ILC-mangled name is the real node;
 * RuntimeExport / entry-point names are aliases of it.  For native code the
 * sized, C++-mangled name carries the most information. */
static int alias_rank(const az_symbol *s, const az_demangled *dm)
{
    int r = 0;
    if (!dm->managed)
        r += 4;
    if (dm->kind == AZ_KIND_COMPILER_DATA)
        r += 2;
    if (s->size == 0)
        r += 1;
    if (s->dynamic)
        r += 8;
    return r;
}

typedef struct demangle_job {
    candidate *cands;
    az_demangled *dms;       /* out: one per candidate */
    size_t n;
    const az_image *img;
    const az_names *names;   /* NULL: build one (the worker's own) */
    az_analysis *a;
    az_arena *arena;
} demangle_job;

static void *demangle_range(void *p)
{
    demangle_job *job = p;
    if (!job->names)
        job->names = job->a->worker_names = az_analysis_names(job->a);
    for (size_t i = 0; i < job->n; i++) {
        candidate *c = &job->cands[i];
        az_demangled *dm = &job->dms[i];
        const az_section *sec = &job->img->sections[c->section];
        az_demangle(c->sym->name, job->names, job->arena, dm);
        if (!dm->managed && !(sec->flags & AZ_SEC_EXEC) && dm->kind == AZ_KIND_NATIVE_CODE)
            dm->kind = AZ_KIND_NATIVE_DATA;
        c->rank = alias_rank(c->sym, dm);
    }
    return NULL;
}

/* Demangles every candidate; with a second name set, the second half runs
 * on another thread (nm | c++filt, the baseline, is two processes too). */
static void demangle_all(az_analysis *a, candidate *cands, az_demangled *dms, size_t n)
{
    demangle_job jobs[2] = {
        { cands, dms, n, &a->img, a->names, a, &a->arena },
        { NULL, NULL, 0, &a->img, NULL, a, &a->worker_arena },
    };
    pthread_t worker;
    bool threaded = false;
    /* A second name set is only worth building for a large table. */
    if (n >= 20000 && az_cpu_count() > 1) {
        jobs[0].n = n / 2;
        jobs[1].cands = cands + n / 2;
        jobs[1].dms = dms + n / 2;
        jobs[1].n = n - n / 2;
        threaded = pthread_create(&worker, NULL, demangle_range, &jobs[1]) == 0;
        if (!threaded)
            jobs[0].n = n;
    }
    demangle_range(&jobs[0]);
    if (threaded)
        pthread_join(worker, NULL);
}

/* Puts aliases at one address in order of preference (rank, then name);
 * such groups are a handful of symbols at most. */
static void rank_aliases(candidate *c, size_t *order, size_t n)
{
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && c[j].section == c[i].section && c[j].addr == c[i].addr)
            j++;
        for (size_t k = i + 1; k < j; k++) {
            size_t v = order[k], m = k;
            while (m > i && (c[order[m - 1]].rank > c[v].rank ||
                             (c[order[m - 1]].rank == c[v].rank &&
                              strcmp(c[order[m - 1]].sym->name, c[v].sym->name) > 0))) {
                order[m] = order[m - 1];
                m--;
            }
            order[m] = v;
        }
        i = j;
    }
}

static void collect_symbol_entities(az_analysis *a)
{
    az_image *img = &a->img;
    candidate *cands = az_xmalloc((img->nsymbols ? img->nsymbols : 1) * sizeof *cands);
    size_t n = 0;
    for (size_t i = 0; i < img->nsymbols; i++) {
        const az_symbol *s = &img->symbols[i];
        if (s->section < 0 || !s->name || !s->name[0])
            continue;
        const az_section *sec = &img->sections[s->section];
        if (!(sec->flags & AZ_SEC_ALLOC) || !sec->vm_size)
            continue; /* .tbss takes no address space of its own */
        if (is_linker_marker(s->name))
            continue;
        cands[n++] = (candidate){ s->addr, s->section, 0, s };
    }
    az_qsort(cands, n, sizeof *cands, cmp_place);
    az_demangled *dms = az_xmalloc((n ? n : 1) * sizeof *dms);
    demangle_all(a, cands, dms, n);
    az_runtimeparts_finish(a); /* native symbols are classified by unit below */
    size_t *order = az_xmalloc((n ? n : 1) * sizeof *order);
    rank_aliases(cands, order, n);
    az_grow(&a->entities, &a->cap_entities, n + 64, sizeof *a->entities);

    const candidate *prev = NULL;
    const az_demangled *prev_dm = NULL;
    for (size_t i = 0; i < n; i++) {
        const candidate *c = &cands[order[i]];
        const az_demangled *dm = &dms[order[i]];
        /* Markers inside unwind data are not things: FDEs charge those bytes. */
        if (dm->kind == AZ_KIND_LSDA_LABEL || dm->kind == AZ_KIND_FRAME_LABEL)
            continue;
        /* Two ILC nodes may share an address (an empty node, or one whose
         * bytes start before its symbol); anything else at one address is an
         * alias of the same thing. */
        bool same_place = prev && prev->section == c->section && prev->addr == c->addr;
        bool alias = same_place && (strcmp(prev->sym->name, c->sym->name) == 0 || !prev_dm->managed ||
                                    !dm->managed);
        prev = c;
        prev_dm = dm;
        if (alias) {
            /* An alias: keep the preferred name; remember a size it may add. */
            az_entity *kept = &a->entities[a->nentities - 1];
            if (!kept->extent && c->sym->size)
                kept->extent = c->sym->size;
            continue;
        }
        size_t k = add_entity(a);
        az_entity *e = &a->entities[k];
        const az_section *sec = &img->sections[c->section];
        e->raw = c->sym->name;
        e->dm = *dm;
        e->section = sec->name;
        e->addr = c->addr;
        e->extent = c->sym->size; /* 0: unknown until extents are computed */
        e->is_symbol = true;
        az_classify_symbol(a, e, sec);
    }
    a->nsymbol_entities = a->nentities;
    free(order);
    free(dms);
    free(cands);
}

/* ---- claims --------------------------------------------------------------- */

typedef struct maps {
    az_rangemap vm;
    az_rangemap file;
} maps;

/* Claims [addr, addr+len) of section sec in both domains. */
static void claim_vm_range(az_analysis *a, maps *m, const az_section *sec, uint64_t addr, uint64_t len,
                           uint32_t label, uint8_t prio)
{
    if (addr < sec->vm_addr)
        return;
    uint64_t off = addr - sec->vm_addr;
    if (sec->vm_size && off < sec->vm_size) {
        uint64_t l = len < sec->vm_size - off ? len : sec->vm_size - off;
        az_rangemap_add(&m->vm, addr, l, label, prio);
    }
    if (sec->file_size && off < sec->file_size) {
        uint64_t l = len < sec->file_size - off ? len : sec->file_size - off;
        az_rangemap_add(&m->file, sec->file_off + off, l, label, prio);
    }
    (void)a;
}

static const char *facet_group_label(az_region_kind k)
{
    switch (k) {
    case AZ_RGN_HEADER: return "headers";
    case AZ_RGN_SYMTAB: case AZ_RGN_STRTAB: return "symbol tables";
    case AZ_RGN_RELOC: return "relocations";
    case AZ_RGN_UNWIND: case AZ_RGN_UNWIND_INDEX: case AZ_RGN_CIE: return "unwind tables";
    case AZ_RGN_LSDA: return "GC and EH info";
    case AZ_RGN_NOTE: return "notes";
    case AZ_RGN_DYNAMIC: return "dynamic linking";
    case AZ_RGN_PADDING: return "alignment padding";
    case AZ_RGN_OTHER_SLICE: return "other architecture slices";
    default: return "other format data";
    }
}

static az_facet region_facet(az_region_kind k)
{
    switch (k) {
    case AZ_RGN_SYMTAB: case AZ_RGN_STRTAB: return AZ_FACET_SYMTAB;
    case AZ_RGN_RELOC: return AZ_FACET_RELOC;
    case AZ_RGN_UNWIND: case AZ_RGN_UNWIND_INDEX: return AZ_FACET_UNWIND;
    case AZ_RGN_LSDA: return AZ_FACET_LSDA;
    default: return AZ_FACET_BODY;
    }
}

/* Managed code the reader found inside a native code section (PE: .text
 * with .managedcode merged in), as sorted [start, end) pairs. */
typedef struct code_ranges {
    uint64_t (*r)[2];
    size_t n;
} code_ranges;

static int cmp_range(const void *x, const void *y)
{
    const uint64_t *a = x, *b = y;
    return a[0] < b[0] ? -1 : a[0] > b[0];
}

static void managed_ranges_build(const az_image *img, code_ranges *out)
{
    out->n = 0;
    out->r = az_xmalloc(sizeof *out->r);
    size_t cap = 1;
    for (size_t i = 0; i < img->nregions; i++)
        if (img->regions[i].kind == AZ_RGN_MANAGED_CODE) {
            az_grow(&out->r, &cap, out->n + 1, sizeof *out->r);
            out->r[out->n][0] = img->regions[i].vm_addr;
            out->r[out->n][1] = img->regions[i].vm_addr + img->regions[i].vm_size;
            out->n++;
        }
    az_qsort(out->r, out->n, sizeof *out->r, cmp_range);
}

static bool in_ranges(const code_ranges *c, uint64_t addr)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->r[mid][0] <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && addr < c->r[lo - 1][1];
}

/* A region whose owner has no symbol: label it by what it is, in the bucket
 * of the code or data it describes when that is known. */
static size_t region_fallback(az_analysis *a, const az_region *r, const code_ranges *managed)
{
    az_bucket b = AZ_BUCKET_FORMAT;
    const char *label = r->label;
    if (r->kind == AZ_RGN_MANAGED_CODE) {
        size_t e = az_label_entity(a, label, AZ_BUCKET_MANAGED, NULL);
        a->entities[e].group = "managed code (names unavailable)";
        return e;
    }
    if (r->has_owner) {
        const az_section *os = az_image_section_at(&a->img, r->owner_addr);
        if (os) {
            az_bucket ob = a->section_buckets[os - a->img.sections];
            if (ob == AZ_BUCKET_RUNTIME && in_ranges(managed, r->owner_addr))
                ob = AZ_BUCKET_MANAGED;
            if (r->kind == AZ_RGN_UNWIND || r->kind == AZ_RGN_UNWIND_INDEX || r->kind == AZ_RGN_LSDA) {
                if (ob == AZ_BUCKET_MANAGED || ob == AZ_BUCKET_RUNTIME) {
                    b = ob;
                    label = az_arena_printf(&a->arena, "%s for %s", r->label,
                                            ob == AZ_BUCKET_MANAGED ? "managed code" : "native code");
                }
            }
        }
    }
    size_t e = az_label_entity(a, label, b, b == AZ_BUCKET_FORMAT ? facet_group_label(r->kind) : NULL);
    if (b == AZ_BUCKET_MANAGED)
        a->entities[e].group = "unwind and GC info (names unavailable)";
    else if (b == AZ_BUCKET_RUNTIME)
        a->entities[e].group = "unwind info (names unavailable)";
    return e;
}

static const char *section_group(const az_analysis *a, const az_section *s, az_bucket b)
{
    if (b == AZ_BUCKET_MANAGED)
        return strstr(s->name, "unbox") ? "unboxing stubs (names unavailable)"
                                        : "managed code (names unavailable)";
    if (b == AZ_BUCKET_RUNTIME && !a->img.has_symtab)
        return "native code and data (names unavailable)";
    if (b == AZ_BUCKET_COMPILER && (s->flags & AZ_SEC_ZEROFILL))
        return "type data rebuilt at start-up (names unavailable)";
    if (b == AZ_BUCKET_COMPILER)
        return az_arena_printf((az_arena *)&a->arena, "[section %s]", s->name);
    if (b == AZ_BUCKET_DEBUG)
        return s->name;
    return NULL;
}

static void add_claims(az_analysis *a, maps *m)
{
    az_image *img = &a->img;
    size_t nsym = a->nentities;

    /* Symbols: body and padding after sized symbols. */
    for (size_t i = 0; i < nsym; i++) {
        az_entity *e = &a->entities[i];
        const az_section *sec = az_image_section_at(img, e->addr);
        if (!sec || !e->extent)
            continue;
        claim_vm_range(a, m, sec, e->addr, e->extent, label_id(i, AZ_FACET_BODY), PRIO_SYMBOL);
    }
    az_extents_claim_padding(a, &m->vm, &m->file, PRIO_PADDING);

    code_ranges managed;
    managed_ranges_build(img, &managed);
    /* Regions come in runs of one table; remember the last fallback. */
    const char *last_label = NULL;
    const az_section *last_owner_sec = NULL;
    size_t last_fallback = SIZE_MAX;
    for (size_t i = 0; i < img->nregions; i++) {
        const az_region *r = &img->regions[i];
        size_t owner = r->has_owner ? az_entity_at(a, r->owner_addr) : SIZE_MAX;
        uint32_t label;
        uint8_t prio;
        if (owner != SIZE_MAX) {
            label = label_id(owner, region_facet(r->kind));
            prio = PRIO_OWNED;
        } else {
            const az_section *os = r->has_owner ? az_image_section_at(img, r->owner_addr) : NULL;
            /* In a merged code section the owner's side can change within one table. */
            if (os && managed.n && in_ranges(&managed, r->owner_addr))
                os = NULL;
            if (r->label != last_label || os != last_owner_sec || last_fallback == SIZE_MAX) {
                last_fallback = region_fallback(a, r, &managed);
                last_label = r->label;
                last_owner_sec = os;
            }
            label = label_id(last_fallback, AZ_FACET_BODY);
            prio = PRIO_REGION;
        }
        if (r->vm_size)
            az_rangemap_add(&m->vm, r->vm_addr, r->vm_size, label, prio);
        if (r->file_size)
            az_rangemap_add(&m->file, r->file_off, r->file_size, label, prio);
    }

    free(managed.r);

    az_nativeaot_claims(a, &m->vm, &m->file, PRIO_SYMBOL, PRIO_KNOWN_DATA);

    for (size_t i = 0; i < img->nsections; i++) {
        const az_section *s = &img->sections[i];
        az_bucket b = a->section_buckets[i];
        const char *label = az_arena_printf(&a->arena, "[section %s]", s->name);
        size_t e = az_label_entity(a, label, b, section_group(a, s, b));
        a->entities[e].section = s->name;
        uint32_t id = label_id(e, AZ_FACET_BODY);
        if (s->vm_size)
            az_rangemap_add(&m->vm, s->vm_addr, s->vm_size, id, PRIO_SECTION);
        if (s->file_size)
            az_rangemap_add(&m->file, s->file_off, s->file_size, id, PRIO_SECTION);
    }
    for (size_t i = 0; i < img->nsegments; i++) {
        const az_segment *s = &img->segments[i];
        const char *label = az_arena_printf(&a->arena, "[%s: between sections]", s->name);
        uint32_t id = label_id(az_label_entity(a, label, AZ_BUCKET_FORMAT, "alignment padding"), AZ_FACET_BODY);
        az_rangemap_add(&m->vm, s->vm_addr, s->vm_size, id, PRIO_SEGMENT);
        az_rangemap_add(&m->file, s->file_off, s->file_size, id, PRIO_SEGMENT);
    }
    uint32_t id = label_id(az_label_entity(a, "[unmapped file bytes]", AZ_BUCKET_FORMAT, "unmapped file bytes"),
                           AZ_FACET_BODY);
    az_rangemap_add(&m->file, 0, img->size, id, PRIO_FILE);
}

/* Sections sorted by start in one domain, to find where a run lies. */
typedef struct section_index {
    size_t *order;
    size_t n;
    bool file;
    const az_image *img;
} section_index;

static uint64_t sec_start(const section_index *ix, size_t k)
{
    const az_section *s = &ix->img->sections[ix->order[k]];
    return ix->file ? s->file_off : s->vm_addr;
}

static uint64_t sec_size(const section_index *ix, size_t k)
{
    const az_section *s = &ix->img->sections[ix->order[k]];
    return ix->file ? s->file_size : s->vm_size;
}

static int cmp_sec(const void *x, const void *y, void *ctx)
{
    const section_index *ix = ctx;
    const az_section *a = &ix->img->sections[*(const size_t *)x], *b = &ix->img->sections[*(const size_t *)y];
    uint64_t sa = ix->file ? a->file_off : a->vm_addr, sb = ix->file ? b->file_off : b->vm_addr;
    return sa < sb ? -1 : sa > sb;
}

static void section_index_build(section_index *ix, const az_image *img, bool file)
{
    ix->img = img;
    ix->file = file;
    ix->order = az_xmalloc((img->nsections ? img->nsections : 1) * sizeof *ix->order);
    ix->n = 0;
    for (size_t i = 0; i < img->nsections; i++)
        if (file ? img->sections[i].file_size : img->sections[i].vm_size)
            ix->order[ix->n++] = i;
    qsort_r(ix->order, ix->n, sizeof *ix->order, cmp_sec, ix);
}

/* Index of the section containing at (or SIZE_MAX) and how many bytes from
 * at stay inside it (or until the next section starts). */
static size_t section_run(const section_index *ix, uint64_t at, uint64_t len, uint64_t *run)
{
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sec_start(ix, mid) <= at)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0 && at - sec_start(ix, lo - 1) < sec_size(ix, lo - 1)) {
        uint64_t left = sec_size(ix, lo - 1) - (at - sec_start(ix, lo - 1));
        *run = left < len ? left : len;
        return ix->order[lo - 1];
    }
    uint64_t next = lo < ix->n ? sec_start(ix, lo) - at : len;
    *run = next < len ? next : len;
    return SIZE_MAX;
}

typedef struct tally_ctx {
    az_analysis *a;
    bool file;
    uint64_t total;
    section_index sections;
    uint64_t (*matrix)[AZ_BUCKET__COUNT];
} tally_ctx;

static void tally(uint32_t label, uint64_t start, uint64_t len, void *p)
{
    tally_ctx *t = p;
    az_entity *e = &t->a->entities[label / AZ_FACET__COUNT];
    if (t->file)
        e->file[label % AZ_FACET__COUNT] += len;
    else
        e->vm[label % AZ_FACET__COUNT] += len;
    t->total += len;
    while (len > 0) {
        uint64_t run;
        size_t s = section_run(&t->sections, start, len, &run);
        if (run == 0)
            run = len;
        t->matrix[s == SIZE_MAX ? t->a->img.nsections : s][e->bucket] += run;
        start += run;
        len -= run;
    }
}

void az_attribute(az_analysis *a)
{
    a->section_buckets = az_xmalloc((a->img.nsections ? a->img.nsections : 1) * sizeof *a->section_buckets);
    for (size_t i = 0; i < a->img.nsections; i++)
        a->section_buckets[i] = az_section_bucket(a, &a->img.sections[i]);
    collect_symbol_entities(a);
    az_extents_compute(a);

    maps m;
    az_rangemap_init(&m.vm);
    az_rangemap_init(&m.file);
    add_claims(a, &m);

    size_t rows = a->img.nsections + 1;
    a->section_file = az_xcalloc(rows, sizeof *a->section_file);
    a->section_vm = az_xcalloc(rows, sizeof *a->section_vm);
    tally_ctx tf = { a, true, 0, { 0 }, a->section_file }, tv = { a, false, 0, { 0 }, a->section_vm };
    section_index_build(&tf.sections, &a->img, true);
    section_index_build(&tv.sections, &a->img, false);
    az_rangemap_resolve(&m.file, tally, &tf);
    az_rangemap_resolve(&m.vm, tally, &tv);
    a->file_total = tf.total;
    a->vm_total = tv.total;

    free(tf.sections.order);
    free(tv.sections.order);
    az_rangemap_free(&m.vm);
    az_rangemap_free(&m.file);
}
