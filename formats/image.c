#include "image.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *az_format_name(az_format f)
{
    switch (f) {
    case AZ_FORMAT_ELF: return "elf";
    case AZ_FORMAT_PE: return "pe";
    case AZ_FORMAT_MACHO: return "macho";
    default: return "unknown";
    }
}

const char *az_format_title(az_format f)
{
    switch (f) {
    case AZ_FORMAT_ELF: return "ELF";
    case AZ_FORMAT_PE: return "PE";
    case AZ_FORMAT_MACHO: return "Mach-O";
    default: return "unknown format";
    }
}

const char *az_arch_name(az_arch a)
{
    switch (a) {
    case AZ_ARCH_X64: return "x64";
    case AZ_ARCH_ARM64: return "arm64";
    default: return "unknown";
    }
}

void az_image_init(az_image *img, const char *path, const uint8_t *data, uint64_t size)
{
    memset(img, 0, sizeof *img);
    az_arena_init(&img->arena);
    img->path = path ? az_arena_strdup(&img->arena, path) : "";
    img->data = data;
    img->size = size;
}

void az_image_free(az_image *img)
{
    free(img->sections);
    free(img->segments);
    free(img->symbols);
    free(img->regions);
    free(img->fixups);
    free(img->debug_sections);
    free(img->warnings);
    free(img->by_vm);
    az_arena_free(&img->arena);
    memset(img, 0, sizeof *img);
}

az_section *az_image_add_section(az_image *img)
{
    az_grow(&img->sections, &img->cap_sections, img->nsections + 1, sizeof *img->sections);
    az_section *s = &img->sections[img->nsections++];
    memset(s, 0, sizeof *s);
    return s;
}

az_segment *az_image_add_segment(az_image *img)
{
    az_grow(&img->segments, &img->cap_segments, img->nsegments + 1, sizeof *img->segments);
    az_segment *s = &img->segments[img->nsegments++];
    memset(s, 0, sizeof *s);
    return s;
}

az_symbol *az_image_add_symbol(az_image *img)
{
    az_grow(&img->symbols, &img->cap_symbols, img->nsymbols + 1, sizeof *img->symbols);
    az_symbol *s = &img->symbols[img->nsymbols++];
    memset(s, 0, sizeof *s);
    s->section = -1;
    return s;
}

az_region *az_image_add_region(az_image *img, az_region_kind kind, const char *label,
                               uint64_t file_off, uint64_t file_size,
                               uint64_t vm_addr, uint64_t vm_size)
{
    az_grow(&img->regions, &img->cap_regions, img->nregions + 1, sizeof *img->regions);
    az_region *r = &img->regions[img->nregions++];
    memset(r, 0, sizeof *r);
    r->kind = (uint8_t)kind;
    r->label = label;
    r->file_off = file_off;
    r->file_size = file_size;
    r->vm_addr = vm_addr;
    r->vm_size = vm_size;
    return r;
}

void az_image_add_fixup(az_image *img, uint64_t addr, uint64_t target)
{
    az_grow(&img->fixups, &img->cap_fixups, img->nfixups + 1, sizeof *img->fixups);
    img->fixups[img->nfixups].addr = addr;
    img->fixups[img->nfixups].target = target;
    img->nfixups++;
}

void az_image_add_debug_section(az_image *img, const char *name, const uint8_t *data, uint64_t size,
                                bool compressed)
{
    az_grow(&img->debug_sections, &img->cap_debug_sections, img->ndebug_sections + 1,
            sizeof *img->debug_sections);
    struct az_debug_section *d = &img->debug_sections[img->ndebug_sections++];
    d->name = name;
    d->data = data;
    d->size = size;
    d->compressed = compressed;
}

void az_image_warn(az_image *img, const char *fmt, ...)
{
    /* A file can be damaged in a million places; 200 lines say enough (and
     * checking the cap first keeps a flood of them from costing time). */
    if (img->nwarnings >= sizeof img->warning_hashes / sizeof img->warning_hashes[0])
        return;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    /* The same damage is often reported once per entry; keep one line each. */
    uint64_t h = az_hash_bytes(buf, strlen(buf));
    for (size_t i = 0; i < img->nwarnings; i++)
        if (img->warning_hashes[i] == h && strcmp(img->warnings[i], buf) == 0)
            return;
    az_grow(&img->warnings, &img->cap_warnings, img->nwarnings + 1, sizeof *img->warnings);
    img->warning_hashes[img->nwarnings] = h;
    img->warnings[img->nwarnings++] = az_arena_strdup(&img->arena, buf);
}

static int cmp_fixup(const void *a, const void *b)
{
    const az_pointer_fixup *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int cmp_section_vm(const void *x, const void *y, void *ctx)
{
    const az_image *img = ctx;
    const az_section *a = &img->sections[*(const size_t *)x], *b = &img->sections[*(const size_t *)y];
    if (a->vm_addr != b->vm_addr)
        return a->vm_addr < b->vm_addr ? -1 : 1;
    return *(const size_t *)x < *(const size_t *)y ? -1 : 1;
}

static bool is_mapped(const az_section *s)
{
    return (s->flags & AZ_SEC_ALLOC) && s->vm_size;
}

void az_image_finish(az_image *img)
{
    if (img->nfixups > 1)
        az_qsort(img->fixups, img->nfixups, sizeof *img->fixups, cmp_fixup);
    free(img->by_vm);
    img->by_vm = az_xmalloc((img->nsections ? img->nsections : 1) * sizeof *img->by_vm);
    img->nby_vm = 0;
    for (size_t i = 0; i < img->nsections; i++)
        if (is_mapped(&img->sections[i]))
            img->by_vm[img->nby_vm++] = i;
    qsort_r(img->by_vm, img->nby_vm, sizeof *img->by_vm, cmp_section_vm, img);
}

const az_section *az_image_find_section(const az_image *img, const char *name)
{
    for (size_t i = 0; i < img->nsections; i++)
        if (strcmp(img->sections[i].name, name) == 0)
            return &img->sections[i];
    return NULL;
}

const az_section *az_image_section_at(const az_image *img, uint64_t addr)
{
    if (img->by_vm) {
        /* The section starting at or below addr; a damaged file may have
         * overlapping sections, so look at a few candidates below. */
        size_t lo = 0, hi = img->nby_vm;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (img->sections[img->by_vm[mid]].vm_addr <= addr)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t k = lo, tries = 0; k-- > 0 && tries < 4; tries++) {
            const az_section *s = &img->sections[img->by_vm[k]];
            if (addr - s->vm_addr < s->vm_size)
                return s;
        }
        return NULL;
    }
    for (size_t i = 0; i < img->nsections; i++) {
        const az_section *s = &img->sections[i];
        if ((s->flags & AZ_SEC_ALLOC) && s->vm_size && addr >= s->vm_addr && addr - s->vm_addr < s->vm_size)
            return s;
    }
    return NULL;
}

bool az_image_vm_to_file(const az_image *img, uint64_t addr, uint64_t *off)
{
    const az_section *s = az_image_section_at(img, addr);
    if (!s || (s->flags & AZ_SEC_ZEROFILL) || addr - s->vm_addr >= s->file_size)
        return false;
    *off = s->file_off + (addr - s->vm_addr);
    return true;
}

bool az_image_fixup_at(const az_image *img, uint64_t addr, uint64_t *target)
{
    size_t lo = 0, hi = img->nfixups;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (img->fixups[mid].addr < addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < img->nfixups && img->fixups[lo].addr == addr) {
        *target = img->fixups[lo].target;
        return true;
    }
    return false;
}
