/* PE/COFF reader, hand-written over az_cursor (the PE/COFF specification:
 * learn.microsoft.com/windows/win32/debug/pe-format).
 *
 * Order of work: DOS header and PE signature, COFF and optional header (the
 * only fatal checks), section table, one segment per section, header
 * regions, then each data directory.  Everything after the section table is
 * best effort: a damaged directory costs a warning and leaves its bytes to
 * the section's fallback label. */
#include "pe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"

enum {
    DOS_HEADER_SIZE = 64,
    COFF_HEADER_SIZE = 20,
    OPT_MAGIC_PE32 = 0x10b,
    OPT_MAGIC_PE32PLUS = 0x20b,
    OPT_MAGIC_ROM = 0x107,
    OPT_FIXED_SIZE = 112,      /* PE32+ optional header up to NumberOfRvaAndSizes */
    SECTION_HEADER_SIZE = 40,
    COFF_SYMBOL_SIZE = 18,
    MACHINE_AMD64 = 0x8664,
    MACHINE_ARM64 = 0xaa64,
    MACHINE_I386 = 0x14c,
};

enum {
    SCN_CNT_CODE = 0x20,
    SCN_CNT_UNINITIALIZED = 0x80,
    SCN_MEM_EXECUTE = 0x20000000,
    SCN_MEM_READ = 0x40000000,
    SCN_MEM_WRITE = 0x80000000,
};

enum {
    DIR_EXPORT, DIR_IMPORT, DIR_RESOURCE, DIR_EXCEPTION, DIR_SECURITY, DIR_BASERELOC, DIR_DEBUG,
    DIR_ARCHITECTURE, DIR_GLOBALPTR, DIR_TLS, DIR_LOAD_CONFIG, DIR_BOUND_IMPORT, DIR_IAT,
    DIR_DELAY_IMPORT, DIR_CLR, DIR_RESERVED, DIR_COUNT
};

static const char *const dir_names[DIR_COUNT] = {
    "export", "import", "resource", "exception", "certificate", "base relocation", "debug",
    "architecture", "global pointer", "TLS", "load config", "bound import", "import address table",
    "delay import", "CLR runtime header", "reserved",
};

/* x64 UNWIND_INFO flags (version 1 and 2). */
enum { UNW_EHANDLER = 1, UNW_UHANDLER = 2, UNW_CHAININFO = 4 };

/* Base relocation types that patch a pointer. */
enum { REL_ABSOLUTE = 0, REL_HIGHLOW = 3, REL_DIR64 = 10 };

bool az_pe_sniff(const uint8_t *data, uint64_t size)
{
    return size >= 2 && data[0] == 'M' && data[1] == 'Z';
}

void az_pe_identity_key(const uint8_t guid[16], uint32_t age, char *out)
{
    az_cursor c = az_cursor_make(guid, 16);
    uint32_t d1 = az_u32le(&c);
    uint16_t d2 = az_u16le(&c), d3 = az_u16le(&c);
    int n = snprintf(out, 42, "%08X%04X%04X", d1, d2, d3);
    for (int i = 8; i < 16; i++)
        n += snprintf(out + n, (size_t)(42 - n), "%02X", guid[i]);
    snprintf(out + n, (size_t)(42 - n), "%X", age);
}

typedef struct pe_dir {
    uint32_t rva, size;
} pe_dir;

/* The file being read and what its headers said. */
typedef struct pe_file {
    az_image *img;
    az_cursor whole;
    uint32_t nt_off;            /* e_lfanew: the PE signature */
    uint16_t machine;
    uint16_t nsections;         /* as claimed by the COFF header */
    uint16_t opt_size;
    uint32_t symtab_off, nsyms; /* COFF symbol table (deprecated in images) */
    uint64_t image_base;
    uint32_t section_alignment, file_alignment;
    uint32_t size_of_image, size_of_headers;
    uint32_t ndirs;
    pe_dir dirs[DIR_COUNT];
    uint64_t section_table_off;
    uint32_t section_count;     /* headers actually read */
} pe_file;

static uint64_t align_up(uint64_t v, uint64_t a)
{
    if (a == 0 || (a & (a - 1)))
        return v;
    return (v + a - 1) & ~(a - 1);
}

/* ---- RVAs ---------------------------------------------------------------- */

/* The section whose VM range holds rva (sections only: by_vm is not built
 * yet, so this is a scan over a handful of sections). */
static const az_section *section_at(const pe_file *pf, uint64_t rva)
{
    return az_image_section_at(pf->img, rva);
}

/* File offset of rva and how many file bytes follow it contiguously: in a
 * section's raw data, or in the headers (mapped at RVA 0, file offset 0). */
static bool rva_to_file(const pe_file *pf, uint64_t rva, uint64_t *off, uint64_t *avail)
{
    const az_section *s = section_at(pf, rva);
    if (s) {
        uint64_t in = rva - s->vm_addr;
        if (in >= s->file_size)
            return false;
        *off = s->file_off + in;
        *avail = s->file_size - in;
        return true;
    }
    uint64_t hdr = pf->size_of_headers < pf->img->size ? pf->size_of_headers : pf->img->size;
    if (rva < hdr) {
        *off = rva;
        *avail = hdr - rva;
        return true;
    }
    return false;
}

/* A cursor over len file bytes at rva; false when they are not all present. */
static bool rva_cursor(const pe_file *pf, uint64_t rva, uint64_t len, az_cursor *out)
{
    uint64_t off, avail;
    if (!rva_to_file(pf, rva, &off, &avail) || len > avail)
        return false;
    return az_cursor_sub(&pf->whole, off, len, out);
}

/* A cursor from rva to the end of the file bytes that back it contiguously. */
static bool rva_cursor_rest(const pe_file *pf, uint64_t rva, az_cursor *out)
{
    uint64_t off, avail;
    if (!rva_to_file(pf, rva, &off, &avail))
        return false;
    return az_cursor_sub(&pf->whole, off, avail, out);
}

/* Is [rva, rva+size) inside one section, or inside the headers? */
static bool rva_range_mapped(const pe_file *pf, uint64_t rva, uint64_t size)
{
    const az_section *s = section_at(pf, rva);
    if (s)
        return size <= s->vm_size - (rva - s->vm_addr);
    return rva < pf->size_of_headers && size <= pf->size_of_headers - rva;
}

/* A region for [rva, rva+size) in VM and, where the bytes are in the file,
 * in the file too.  NULL when the range is not mapped. */
static az_region *rva_region(pe_file *pf, az_region_kind kind, const char *label, uint64_t rva, uint64_t size)
{
    if (size == 0 || !rva_range_mapped(pf, rva, size))
        return NULL;
    uint64_t off = 0, avail = 0, fsize = 0;
    if (rva_to_file(pf, rva, &off, &avail))
        fsize = size < avail ? size : avail;
    return az_image_add_region(pf->img, kind, label, fsize ? off : 0, fsize, rva, size);
}

/* Longest name looked for (MSVC caps decorated names at 4096 bytes); the
 * cap keeps a table of bogus name RVAs from scanning the file once each. */
#define MAX_NAME 4096

/* A C string at rva (NULL when unmapped, unterminated or longer than
 * MAX_NAME); *len its length. */
static const char *rva_cstr(const pe_file *pf, uint64_t rva, uint64_t *len)
{
    az_cursor c;
    if (!rva_cursor_rest(pf, rva, &c))
        return NULL;
    if (az_cursor_left(&c) > MAX_NAME + 1)
        c.size = c.pos + MAX_NAME + 1;
    return az_cstr(&c, len);
}

/* A header-like region at file offset off: mapped at the same RVA when it
 * lies inside SizeOfHeaders. */
static void add_file_region(pe_file *pf, az_region_kind kind, const char *label, uint64_t off, uint64_t len)
{
    if (len == 0 || !az_range_fits(off, len, pf->img->size))
        return;
    bool mapped = off < pf->size_of_headers && len <= pf->size_of_headers - off;
    az_image_add_region(pf->img, kind, label, off, len, mapped ? off : 0, mapped ? len : 0);
}

/* ---- headers ----------------------------------------------------------------- */

static az_status read_headers(pe_file *pf, az_error *err)
{
    az_image *img = pf->img;
    const char *path = img->path;
    if (img->size < DOS_HEADER_SIZE)
        return az_fail(err, AZ_ERR_FORMAT, "%s: truncated DOS header (%llu bytes)", path,
                       (unsigned long long)img->size);
    bool ok;
    pf->nt_off = az_peek_u32le(&pf->whole, 0x3c, &ok);
    az_cursor c;
    if (!az_cursor_sub(&pf->whole, pf->nt_off, 4 + COFF_HEADER_SIZE, &c))
        return az_fail(err, AZ_ERR_FORMAT, "%s: truncated PE header (e_lfanew %u, file %llu bytes)", path,
                       pf->nt_off, (unsigned long long)img->size);
    if (az_u32le(&c) != 0x00004550u)
        return az_fail(err, AZ_ERR_FORMAT, "%s: MZ header without a PE signature (not a PE image)", path);
    pf->machine = az_u16le(&c);
    pf->nsections = az_u16le(&c);
    az_u32le(&c); /* TimeDateStamp */
    pf->symtab_off = az_u32le(&c);
    pf->nsyms = az_u32le(&c);
    pf->opt_size = az_u16le(&c);
    az_u16le(&c); /* Characteristics */

    uint64_t opt_off = (uint64_t)pf->nt_off + 4 + COFF_HEADER_SIZE;
    az_cursor o;
    if (pf->opt_size < 2 || !az_cursor_sub(&pf->whole, opt_off, pf->opt_size, &o))
        return az_fail(err, AZ_ERR_FORMAT, "%s: truncated PE optional header (%u bytes claimed)", path,
                       pf->opt_size);
    uint16_t magic = az_u16le(&o);
    if (magic == OPT_MAGIC_PE32)
        return az_fail(err, AZ_ERR_UNSUPPORTED, "%s: 32-bit PE (PE32) is not supported (only PE32+: x64, arm64)",
                       path);
    if (magic == OPT_MAGIC_ROM)
        return az_fail(err, AZ_ERR_UNSUPPORTED, "%s: ROM images are not supported", path);
    if (magic != OPT_MAGIC_PE32PLUS)
        return az_fail(err, AZ_ERR_FORMAT, "%s: unknown PE optional header magic 0x%x", path, magic);
    switch (pf->machine) {
    case MACHINE_AMD64: img->arch = AZ_ARCH_X64; break;
    case MACHINE_ARM64: img->arch = AZ_ARCH_ARM64; break;
    default:
        return az_fail(err, AZ_ERR_UNSUPPORTED, "%s: PE machine 0x%x is not supported (only x64 and arm64)", path,
                       pf->machine);
    }
    if (pf->opt_size < OPT_FIXED_SIZE)
        return az_fail(err, AZ_ERR_FORMAT, "%s: PE32+ optional header too small (%u bytes, need %u)", path,
                       pf->opt_size, OPT_FIXED_SIZE);
    az_cursor_seek(&o, 24);
    pf->image_base = az_u64le(&o);
    pf->section_alignment = az_u32le(&o);
    pf->file_alignment = az_u32le(&o);
    az_cursor_seek(&o, 56);
    pf->size_of_image = az_u32le(&o);
    pf->size_of_headers = az_u32le(&o);
    az_cursor_seek(&o, 108);
    uint32_t ndirs = az_u32le(&o);
    uint32_t fit = (uint32_t)((pf->opt_size - OPT_FIXED_SIZE) / 8);
    pf->ndirs = ndirs;
    if (pf->ndirs > fit || pf->ndirs > DIR_COUNT) {
        if (ndirs > fit)
            az_image_warn(img, "%s: optional header claims %u data directories but has room for %u", path, ndirs,
                          fit);
        pf->ndirs = fit < DIR_COUNT ? fit : DIR_COUNT;
    }
    for (uint32_t i = 0; i < pf->ndirs; i++) {
        pf->dirs[i].rva = az_u32le(&o);
        pf->dirs[i].size = az_u32le(&o);
    }
    if (o.failed)
        return az_fail(err, AZ_ERR_FORMAT, "%s: unreadable PE optional header", path);
    img->format = AZ_FORMAT_PE;
    img->image_base = pf->image_base;
    pf->section_table_off = opt_off + pf->opt_size;
    return AZ_OK;
}

/* ---- sections and segments ------------------------------------------------------ */

/* A section name: 8 bytes NUL-padded, or "/<decimal>" = offset into the COFF
 * string table (long names; images from GNU tools have them). */
static const char *section_name(pe_file *pf, const uint8_t raw[8], uint32_t index)
{
    az_image *img = pf->img;
    size_t n = 0;
    while (n < 8 && raw[n])
        n++;
    if (n >= 2 && raw[0] == '/') {
        uint64_t off = 0;
        bool digits = true;
        for (size_t i = 1; i < n; i++) {
            if (raw[i] < '0' || raw[i] > '9')
                digits = false;
            else
                off = off * 10 + (uint64_t)(raw[i] - '0');
        }
        uint64_t strtab = (uint64_t)pf->symtab_off + (uint64_t)pf->nsyms * COFF_SYMBOL_SIZE;
        az_cursor c;
        if (digits && pf->symtab_off && az_cursor_sub(&pf->whole, strtab + off, img->size - (strtab + off), &c)) {
            const char *s = az_cstr(&c, NULL);
            if (s)
                return az_arena_strdup(&img->arena, s);
        }
        if (digits)
            az_image_warn(img, "%s: section %u has a long name outside the string table", img->path, index);
    }
    return n ? az_arena_strndup(&img->arena, (const char *)raw, n) : az_arena_printf(&img->arena, "[section %u]", index);
}

static bool is_debug_section_name(const char *n)
{
    return strncmp(n, ".debug_", 7) == 0 || strncmp(n, ".zdebug_", 8) == 0;
}

static const char *seg_flags_str(uint32_t f)
{
    static const char *names[8] = { "", "X", "W", "WX", "R", "RX", "RW", "RWX" };
    return names[((f & AZ_SEG_R) ? 4 : 0) | ((f & AZ_SEG_W) ? 2 : 0) | ((f & AZ_SEG_X) ? 1 : 0)];
}

static int cmp_section_start(const void *x, const void *y, void *ctx)
{
    const az_section *secs = ctx;
    uint64_t a = secs[*(const uint32_t *)x].vm_addr, b = secs[*(const uint32_t *)y].vm_addr;
    return a < b ? -1 : a > b;
}

/* Overlapping sections would be counted once in memory but twice by the
 * segments; say so rather than guess which one is right.  Sorted by start,
 * each section is compared with the one reaching furthest before it, so a
 * damaged table of thousands of sections costs n log n, not n squared. */
static void warn_overlaps(az_image *img)
{
    uint32_t *order = az_xmalloc((img->nsections ? img->nsections : 1) * sizeof *order);
    size_t n = 0;
    for (size_t i = 0; i < img->nsections; i++)
        if (img->sections[i].vm_size)
            order[n++] = (uint32_t)i;
    qsort_r(order, n, sizeof *order, cmp_section_start, img->sections);
    const az_section *reach = NULL;
    for (size_t k = 0; k < n; k++) {
        const az_section *s = &img->sections[order[k]];
        if (reach && s->vm_addr < reach->vm_addr + reach->vm_size)
            az_image_warn(img, "%s: sections %s and %s overlap in memory", img->path, reach->name, s->name);
        if (!reach || s->vm_addr + s->vm_size > reach->vm_addr + reach->vm_size)
            reach = s;
    }
    free(order);
}

static void read_sections(pe_file *pf)
{
    az_image *img = pf->img;
    uint64_t avail = pf->section_table_off < img->size ? img->size - pf->section_table_off : 0;
    uint64_t count = pf->nsections;
    if (count * SECTION_HEADER_SIZE > avail) {
        count = avail / SECTION_HEADER_SIZE;
        az_image_warn(img, "%s: section table claims %u sections but only %llu fit in the file", img->path,
                      pf->nsections, (unsigned long long)count);
    }
    pf->section_count = (uint32_t)count;

    /* The headers are mapped at RVA 0 as a segment of their own. */
    uint64_t hdr_file = pf->size_of_headers < img->size ? pf->size_of_headers : img->size;
    az_segment *hs = az_image_add_segment(img);
    hs->name = "headers [R]";
    hs->vm_size = align_up(pf->size_of_headers, pf->section_alignment);
    hs->file_size = hdr_file;
    hs->flags = AZ_SEG_R;

    for (uint32_t i = 0; i < count; i++) {
        az_cursor c;
        az_cursor_sub(&pf->whole, pf->section_table_off + (uint64_t)i * SECTION_HEADER_SIZE, SECTION_HEADER_SIZE, &c);
        const uint8_t *raw_name = az_bytes(&c, 8);
        uint32_t vsize = az_u32le(&c), va = az_u32le(&c), raw_size = az_u32le(&c), raw_ptr = az_u32le(&c);
        az_cursor_skip(&c, 12); /* relocations and line numbers: unused in images */
        uint32_t ch = az_u32le(&c);
        if (c.failed)
            break;
        const char *name = section_name(pf, raw_name, i + 1);
        /* VirtualSize 0 means "as large as the raw data" (object-file style). */
        uint64_t vm_size = vsize ? vsize : raw_size;
        /* The section's content in the file: its raw data, but not the file
         * alignment padding past VirtualSize (that goes to the segment). */
        uint64_t file_size = raw_ptr ? (raw_size < vm_size ? raw_size : vm_size) : 0;
        if (file_size && !az_range_fits(raw_ptr, file_size, img->size)) {
            az_image_warn(img, "%s: section %s [%u, +%llu) lies outside the file (%llu bytes); its bytes are not used",
                          img->path, name, raw_ptr, (unsigned long long)file_size, (unsigned long long)img->size);
            file_size = 0;
        }
        az_section *s = az_image_add_section(img);
        s->name = name;
        s->index = i + 1; /* PE (and PDB) section numbers are 1-based */
        s->vm_addr = va;
        s->vm_size = vm_size;
        s->file_off = file_size ? raw_ptr : 0;
        s->file_size = file_size;
        s->align = pf->section_alignment;
        s->flags = vm_size ? AZ_SEC_ALLOC : 0;
        if (ch & (SCN_MEM_EXECUTE | SCN_CNT_CODE))
            s->flags |= AZ_SEC_EXEC;
        if (ch & SCN_MEM_WRITE)
            s->flags |= AZ_SEC_WRITE;
        if (file_size == 0 && vm_size)
            s->flags |= AZ_SEC_ZEROFILL;
        if (is_debug_section_name(name)) {
            s->flags |= AZ_SEC_DEBUG;
            if (file_size)
                az_image_add_debug_section(img, name, img->data + raw_ptr, file_size, false);
        }
        (void)SCN_CNT_UNINITIALIZED;

        /* One segment per section: its pages in memory, its raw data in the
         * file, so the alignment tails are "between sections" and the
         * segments add up to SizeOfImage. */
        az_segment *g = az_image_add_segment(img);
        g->flags = ((ch & SCN_MEM_READ) ? AZ_SEG_R : 0) | ((ch & SCN_MEM_WRITE) ? AZ_SEG_W : 0) |
                   ((ch & SCN_MEM_EXECUTE) ? AZ_SEG_X : 0);
        g->name = az_arena_printf(&img->arena, "%s [%s]", name, seg_flags_str(g->flags));
        g->vm_addr = va;
        g->vm_size = align_up(vm_size, pf->section_alignment);
        if (raw_ptr && raw_size && az_range_fits(raw_ptr, raw_size, img->size)) {
            g->file_off = raw_ptr;
            g->file_size = raw_size;
        } else if (file_size) {
            g->file_off = raw_ptr;
            g->file_size = file_size;
        }
    }
    warn_overlaps(img);
}

/* DOS header, DOS stub (with the MSVC linker's Rich header when present),
 * NT headers, section table, and a COFF symbol table if one is left in. */
static void add_header_regions(pe_file *pf)
{
    az_image *img = pf->img;
    add_file_region(pf, AZ_RGN_HEADER, "[DOS header]", 0, DOS_HEADER_SIZE);
    uint64_t stub_end = pf->nt_off;
    uint64_t rich_start = stub_end;
    if (pf->nt_off > DOS_HEADER_SIZE) {
        /* Rich header: "DanS" ^ key ... "Rich" key, 4-byte aligned. */
        for (uint64_t off = DOS_HEADER_SIZE; off + 8 <= pf->nt_off; off += 4) {
            bool ok1, ok2;
            uint32_t w = az_peek_u32le(&pf->whole, off, &ok1);
            uint32_t key = az_peek_u32le(&pf->whole, off + 4, &ok2);
            if (!ok1 || !ok2 || w != 0x68636952u) /* "Rich" */
                continue;
            for (uint64_t s = DOS_HEADER_SIZE; s < off; s += 4) {
                bool ok;
                if ((az_peek_u32le(&pf->whole, s, &ok) ^ key) == 0x536e6144u) { /* "DanS" */
                    rich_start = s;
                    stub_end = off + 8;
                    break;
                }
            }
            break;
        }
        add_file_region(pf, AZ_RGN_HEADER, "[DOS stub]", DOS_HEADER_SIZE,
                        (rich_start < pf->nt_off ? rich_start : pf->nt_off) - DOS_HEADER_SIZE);
        if (rich_start < pf->nt_off) {
            add_file_region(pf, AZ_RGN_HEADER, "[Rich header]", rich_start, stub_end - rich_start);
            add_file_region(pf, AZ_RGN_PADDING, "[DOS stub]", stub_end, pf->nt_off - stub_end);
        }
    }
    add_file_region(pf, AZ_RGN_HEADER, "[PE signature and COFF header]", pf->nt_off, 4 + COFF_HEADER_SIZE);
    add_file_region(pf, AZ_RGN_HEADER, "[optional header]", (uint64_t)pf->nt_off + 4 + COFF_HEADER_SIZE,
                    pf->opt_size);
    add_file_region(pf, AZ_RGN_HEADER, "[section table]", pf->section_table_off,
                    (uint64_t)pf->section_count * SECTION_HEADER_SIZE);
    if (pf->symtab_off) {
        uint64_t syms = (uint64_t)pf->nsyms * COFF_SYMBOL_SIZE;
        if (az_range_fits(pf->symtab_off, syms, img->size)) {
            add_file_region(pf, AZ_RGN_SYMTAB, "[COFF symbol table]", pf->symtab_off, syms);
            bool ok;
            uint32_t strsize = az_peek_u32le(&pf->whole, pf->symtab_off + syms, &ok);
            if (ok && strsize >= 4 && az_range_fits(pf->symtab_off + syms, strsize, img->size))
                add_file_region(pf, AZ_RGN_STRTAB, "[COFF string table]", pf->symtab_off + syms, strsize);
        } else {
            az_image_warn(img, "%s: COFF symbol table lies outside the file; ignored", img->path);
        }
    }
}

/* ---- directories ------------------------------------------------------------------ */

/* Checks a directory's RVA range; warns when it is not mapped. */
static bool dir_usable(pe_file *pf, int d)
{
    const pe_dir *dir = &pf->dirs[d];
    if ((uint32_t)d >= pf->ndirs || dir->size == 0 || dir->rva == 0)
        return false;
    if (!rva_range_mapped(pf, dir->rva, dir->size)) {
        az_image_warn(pf->img, "%s: %s directory [%#x, +%u) lies outside the image; ignored", pf->img->path,
                      dir_names[d], dir->rva, dir->size);
        return false;
    }
    return true;
}

static void read_exports(pe_file *pf)
{
    if (!dir_usable(pf, DIR_EXPORT))
        return;
    az_image *img = pf->img;
    const pe_dir *d = &pf->dirs[DIR_EXPORT];
    const char *label = "[export directory]";
    az_cursor c;
    if (!rva_cursor(pf, d->rva, 40, &c)) {
        az_image_warn(img, "%s: export directory is truncated; ignored", img->path);
        return;
    }
    rva_region(pf, AZ_RGN_DYNAMIC, label, d->rva, 40);
    az_cursor_skip(&c, 12);
    uint32_t name_rva = az_u32le(&c);
    az_u32le(&c); /* ordinal base */
    uint32_t nfuncs = az_u32le(&c), nnames = az_u32le(&c);
    uint32_t funcs_rva = az_u32le(&c), names_rva = az_u32le(&c), ords_rva = az_u32le(&c);
    uint64_t len;
    if (rva_cstr(pf, name_rva, &len))
        rva_region(pf, AZ_RGN_DYNAMIC, label, name_rva, len + 1);

    /* Counts are checked against the bytes present before anything is read. */
    az_cursor funcs, names, ords;
    if (!rva_cursor(pf, funcs_rva, (uint64_t)nfuncs * 4, &funcs) ||
        !rva_cursor(pf, names_rva, (uint64_t)nnames * 4, &names) ||
        !rva_cursor(pf, ords_rva, (uint64_t)nnames * 2, &ords)) {
        az_image_warn(img, "%s: export tables are outside the image (%u functions, %u names); ignored", img->path,
                      nfuncs, nnames);
        return;
    }
    /* Forwarders point back into the export directory instead of at code. */
    for (uint32_t i = 0; i < nfuncs; i++) {
        uint32_t target = az_u32le(&funcs);
        az_region *r = rva_region(pf, AZ_RGN_DYNAMIC, label, (uint64_t)funcs_rva + 4ull * i, 4);
        bool forwarder = target >= d->rva && target - d->rva < d->size;
        if (r && target && !forwarder) {
            r->has_owner = 1;
            r->owner_addr = target;
        }
    }
    for (uint32_t i = 0; i < nnames; i++) {
        uint32_t nrva = az_u32le(&names);
        uint16_t ord = az_u16le(&ords);
        uint32_t target = 0;
        bool ok = false;
        if (ord < nfuncs) {
            az_cursor t;
            if (rva_cursor(pf, (uint64_t)funcs_rva + 4ull * ord, 4, &t)) {
                target = az_u32le(&t);
                ok = target && !(target >= d->rva && target - d->rva < d->size);
            }
        }
        const char *name = rva_cstr(pf, nrva, &len);
        /* Each region is finished before the next is added: adding one may
         * move the others. */
        const uint64_t at[3] = { (uint64_t)names_rva + 4ull * i, (uint64_t)ords_rva + 2ull * i, nrva };
        const uint64_t size[3] = { 4, 2, name ? len + 1 : 0 };
        for (int k = 0; k < 3; k++) {
            az_region *r = size[k] ? rva_region(pf, AZ_RGN_DYNAMIC, label, at[k], size[k]) : NULL;
            if (r && ok) {
                r->has_owner = 1;
                r->owner_addr = target;
            }
        }
        /* Exported names are the image's own dynamic symbols (like .dynsym). */
        const az_section *s = ok ? section_at(pf, target) : NULL;
        if (name && len && s) {
            az_symbol *sym = az_image_add_symbol(img);
            sym->name = name; /* points into the mapped file */
            sym->addr = target;
            sym->section = (int32_t)(s - img->sections);
            sym->type = (s->flags & AZ_SEC_EXEC) ? AZ_SYMT_FUNC : AZ_SYMT_OBJECT;
            sym->global = 1;
            sym->dynamic = 1;
        }
    }
}

/* One thunk table (import lookup table or IAT): 8-byte entries up to a zero
 * one.  Returns the entry count, or UINT32_MAX when it runs off the image. */
static uint32_t thunk_count(pe_file *pf, uint32_t rva, uint64_t *scan_left)
{
    az_cursor c;
    if (!rva_cursor_rest(pf, rva, &c))
        return UINT32_MAX;
    for (uint32_t n = 0; az_cursor_left(&c) >= 8 && *scan_left >= 8; n++) {
        *scan_left -= 8;
        if (az_u64le(&c) == 0)
            return n;
    }
    return UINT32_MAX;
}

static void read_imports(pe_file *pf)
{
    if (!dir_usable(pf, DIR_IMPORT))
        return;
    az_image *img = pf->img;
    const pe_dir *d = &pf->dirs[DIR_IMPORT];
    az_cursor c;
    if (!rva_cursor_rest(pf, d->rva, &c))
        return;
    uint32_t ndesc = 0;
    bool damaged = false;
    /* Real thunk tables do not overlap, so scanning more bytes than the file
     * has means descriptors point at garbage: stop there, not quadratically
     * later. */
    uint64_t scan_left = img->size;
    while (az_cursor_left(&c) >= 20 && scan_left >= 8) {
        uint32_t ilt = az_u32le(&c);
        az_u32le(&c);
        az_u32le(&c);
        uint32_t name_rva = az_u32le(&c), iat = az_u32le(&c);
        ndesc++;
        if (!ilt && !name_rva && !iat)
            break;
        uint64_t len;
        const char *dll = rva_cstr(pf, name_rva, &len);
        if (!dll) {
            damaged = true;
            continue;
        }
        const char *label = az_arena_printf(&img->arena, "[imports: %s]", dll);
        rva_region(pf, AZ_RGN_DYNAMIC, label, name_rva, len + 1);
        /* The lookup table names each import (by ordinal, or by hint/name);
         * the IAT has as many slots, which the loader overwrites. */
        uint32_t table = ilt ? ilt : iat;
        uint32_t n = thunk_count(pf, table, &scan_left);
        if (n == UINT32_MAX) {
            damaged = true;
            continue;
        }
        if (ilt)
            rva_region(pf, AZ_RGN_DYNAMIC, label, ilt, 8ull * (n + 1));
        if (iat)
            rva_region(pf, AZ_RGN_DYNAMIC, label, iat, 8ull * (n + 1));
        az_cursor t;
        if (!rva_cursor(pf, table, 8ull * n, &t))
            continue;
        for (uint32_t i = 0; i < n; i++) {
            uint64_t e = az_u64le(&t);
            if (e >> 63)
                continue; /* by ordinal */
            uint32_t hn = (uint32_t)e;
            uint64_t nlen;
            if (rva_cstr(pf, (uint64_t)hn + 2, &nlen))
                rva_region(pf, AZ_RGN_DYNAMIC, label, hn, ((2 + nlen + 1) + 1) & ~1ull); /* hint, name, pad to 2 */
            else
                damaged = true;
        }
    }
    rva_region(pf, AZ_RGN_DYNAMIC, "[import directory]", d->rva, 20ull * ndesc);
    if (damaged)
        az_image_warn(img, "%s: import directory is damaged; some import names are not labelled", img->path);
}

/* A directory that is labelled as a whole. */
static void label_directory(pe_file *pf, int d, az_region_kind kind, const char *label)
{
    if (dir_usable(pf, d))
        rva_region(pf, kind, label, pf->dirs[d].rva, pf->dirs[d].size);
}

/* The Authenticode certificate table: its "RVA" is a file offset, and the
 * loader does not map it. */
static void read_certificates(pe_file *pf)
{
    const pe_dir *d = &pf->dirs[DIR_SECURITY];
    if (pf->ndirs <= DIR_SECURITY || d->size == 0)
        return;
    if (!az_range_fits(d->rva, d->size, pf->img->size)) {
        az_image_warn(pf->img, "%s: certificate table [%u, +%u) lies outside the file; ignored", pf->img->path,
                      d->rva, d->size);
        return;
    }
    az_image_add_region(pf->img, AZ_RGN_OTHER, "[certificate table]", d->rva, d->size, 0, 0);
}

/* Base relocations: blocks of {page RVA, block size} and 16-bit entries
 * (type << 12 | offset).  Each entry is charged to whatever it patches; a
 * DIR64 entry also records the pointer's value (as an RVA) as a fixup. */
static void read_base_relocs(pe_file *pf)
{
    if (!dir_usable(pf, DIR_BASERELOC))
        return;
    az_image *img = pf->img;
    const pe_dir *d = &pf->dirs[DIR_BASERELOC];
    const char *label = "[base relocations]";
    uint64_t pos = 0;
    bool bad_target = false;
    while (pos + 8 <= d->size) {
        az_cursor c;
        if (!rva_cursor(pf, d->rva + pos, 8, &c))
            break;
        uint32_t page = az_u32le(&c), block = az_u32le(&c);
        if (block < 8 || block > d->size - pos || block % 2) {
            az_image_warn(img, "%s: base relocation block at +%llu has size %u; the rest is not read", img->path,
                          (unsigned long long)pos, block);
            break;
        }
        rva_region(pf, AZ_RGN_RELOC, label, d->rva + pos, 8);
        az_cursor e;
        if (!rva_cursor(pf, d->rva + pos + 8, block - 8, &e))
            break;
        for (uint32_t i = 0; i < (block - 8) / 2; i++) {
            uint16_t v = az_u16le(&e);
            unsigned type = v >> 12;
            uint64_t at = (uint64_t)page + (v & 0xfff);
            az_region *r = rva_region(pf, AZ_RGN_RELOC, label, d->rva + pos + 8 + 2ull * i, 2);
            if (type == REL_ABSOLUTE || !r)
                continue; /* padding to a 4-byte block */
            r->has_owner = 1;
            r->owner_addr = at;
            if (type == REL_DIR64) {
                az_cursor p;
                if (!rva_cursor(pf, at, 8, &p))
                    continue; /* patches zero-fill memory: no value to read */
                uint64_t value = az_u64le(&p);
                if (value >= pf->image_base && value - pf->image_base < (uint64_t)pf->size_of_image + 1)
                    az_image_add_fixup(img, at, value - pf->image_base);
                else if (value != 0)
                    bad_target = true;
            }
        }
        pos += block;
    }
    if (bad_target)
        az_image_warn(img, "%s: some DIR64 relocations point outside the image; those pointers are not followed",
                      img->path);
}

static const char *debug_type_name(uint32_t t)
{
    switch (t) {
    case 1: return "COFF";
    case 2: return "CodeView";
    case 3: return "FPO";
    case 4: return "misc";
    case 9: return "Borland";
    case 12: return "VC feature";
    case 13: return "POGO";
    case 14: return "ILTCG";
    case 16: return "repro";
    case 17: return "embedded portable PDB";
    case 19: return "PDB checksum";
    case 20: return "extended DLL characteristics";
    default: return NULL;
    }
}

/* CodeView RSDS: "RSDS", GUID, age, NUL-terminated PDB path. */
static void read_codeview(pe_file *pf, az_cursor c)
{
    az_image *img = pf->img;
    uint32_t sig = az_u32le(&c);
    if (sig == 0x3031424eu) { /* "NB10": VC6-era PDB 2.0 */
        az_image_warn(img, "%s: CodeView record is NB10 (PDB 2.0); only RSDS (PDB 7.0) is supported", img->path);
        return;
    }
    const uint8_t *guid = az_bytes(&c, 16);
    uint32_t age = az_u32le(&c);
    const char *path = az_cstr(&c, NULL);
    if (sig != 0x53445352u || !guid || !path || c.failed) {
        az_image_warn(img, "%s: CodeView debug record is damaged; the PDB cannot be matched", img->path);
        return;
    }
    char key[42];
    az_pe_identity_key(guid, age, key);
    img->build_id = az_arena_strdup(&img->arena, key);
    img->debuglink = az_arena_strdup(&img->arena, path);
}

static void read_debug_dir(pe_file *pf)
{
    if (!dir_usable(pf, DIR_DEBUG))
        return;
    az_image *img = pf->img;
    const pe_dir *d = &pf->dirs[DIR_DEBUG];
    uint32_t n = d->size / 28;
    az_cursor c;
    if (!rva_cursor(pf, d->rva, 28ull * n, &c)) {
        az_image_warn(img, "%s: debug directory is not in the file; ignored", img->path);
        return;
    }
    rva_region(pf, AZ_RGN_OTHER, "[debug directory]", d->rva, d->size);
    for (uint32_t i = 0; i < n; i++) {
        az_cursor_skip(&c, 12);
        uint32_t type = az_u32le(&c), size = az_u32le(&c), rva = az_u32le(&c), ptr = az_u32le(&c);
        if (size == 0)
            continue;
        const char *tn = debug_type_name(type);
        const char *label = tn ? az_arena_printf(&img->arena, "[debug data: %s]", tn)
                               : az_arena_printf(&img->arena, "[debug data: type %u]", type);
        if (!az_range_fits(ptr, size, img->size) || (ptr == 0 && rva == 0)) {
            az_image_warn(img, "%s: debug data %u lies outside the file; ignored", img->path, i);
            continue;
        }
        /* Mapped when it has an RVA; the file offset is what counts. */
        bool mapped = rva && rva_range_mapped(pf, rva, size);
        az_image_add_region(img, AZ_RGN_OTHER, label, ptr, size, mapped ? rva : 0, mapped ? size : 0);
        if (type == 2) {
            az_cursor cv;
            az_cursor_sub(&pf->whole, ptr, size, &cv);
            read_codeview(pf, cv);
        }
    }
}

static void read_tls(pe_file *pf)
{
    if (!dir_usable(pf, DIR_TLS))
        return;
    const pe_dir *d = &pf->dirs[DIR_TLS];
    rva_region(pf, AZ_RGN_OTHER, "[TLS directory]", d->rva, d->size < 40 ? d->size : 40);
    az_cursor c;
    if (!rva_cursor(pf, d->rva, 40, &c))
        return;
    az_cursor_skip(&c, 24);
    uint64_t callbacks = az_u64le(&c);
    if (callbacks < pf->image_base)
        return;
    uint64_t scan_left = pf->img->size;
    uint32_t n = thunk_count(pf, (uint32_t)(callbacks - pf->image_base), &scan_left);
    if (n != UINT32_MAX)
        rva_region(pf, AZ_RGN_OTHER, "[TLS callbacks]", callbacks - pf->image_base, 8ull * (n + 1));
}

static void read_load_config(pe_file *pf)
{
    if (!dir_usable(pf, DIR_LOAD_CONFIG))
        return;
    const pe_dir *d = &pf->dirs[DIR_LOAD_CONFIG];
    az_cursor c;
    uint32_t size = d->size;
    /* The structure's own Size field is authoritative (the directory size
     * was 64 in old linkers). */
    if (rva_cursor(pf, d->rva, 4, &c)) {
        uint32_t own = az_u32le(&c);
        if (own >= 4 && rva_range_mapped(pf, d->rva, own))
            size = own;
    }
    rva_region(pf, AZ_RGN_OTHER, "[load config directory]", d->rva, size);
}

/* ---- exception directory (.pdata) and unwind info (.xdata) -------------------------- */

typedef struct unwind_ref {
    uint32_t unwind;   /* RVA of the unwind info */
    uint32_t owner;    /* begin RVA of the (first) function using it */
} unwind_ref;

typedef struct func {
    uint32_t begin, end;
    bool managed;      /* its unwind info carries ILC's trailing data */
    bool ilc_known;    /* the guess above could be made */
} func;

static int cmp_unwind(const void *x, const void *y)
{
    const unwind_ref *a = x, *b = y;
    if (a->unwind != b->unwind)
        return a->unwind < b->unwind ? -1 : 1;
    return a->owner < b->owner ? -1 : a->owner > b->owner;
}

static int cmp_func(const void *x, const void *y)
{
    const func *a = x, *b = y;
    if (a->begin != b->begin)
        return a->begin < b->begin ? -1 : 1;
    return a->end < b->end ? -1 : a->end > b->end;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* Length of the unwind info at rva, up to and including what its header
 * says follows (chained RUNTIME_FUNCTION, handler RVA); *has_handler when
 * language-specific handler data follows after that.  0 when unreadable.
 * x64: UNWIND_INFO, 4 bytes + 2 per code slot rounded to an even count.
 * arm64: .xdata header word(s), epilog scopes, unwind code words, handler. */
static uint64_t unwind_length(pe_file *pf, uint32_t rva, bool *has_handler, uint64_t *func_len)
{
    az_cursor c;
    *has_handler = false;
    *func_len = 0;
    if (!rva_cursor_rest(pf, rva, &c))
        return 0;
    if (pf->img->arch == AZ_ARCH_X64) {
        uint8_t vf = az_u8(&c);
        az_u8(&c); /* prolog size */
        uint8_t codes = az_u8(&c);
        az_u8(&c); /* frame register */
        unsigned version = vf & 7, flags = vf >> 3;
        if (c.failed || version < 1 || version > 2)
            return 0;
        uint64_t len = 4 + 2ull * (codes + (codes & 1));
        if (flags & UNW_CHAININFO)
            len += 12;
        else if (flags & (UNW_EHANDLER | UNW_UHANDLER)) {
            len += 4;
            *has_handler = true;
        }
        return len <= c.size ? len : 0;
    }
    uint32_t h = az_u32le(&c);
    if (c.failed)
        return 0;
    *func_len = 4ull * (h & 0x3ffff);
    unsigned x = (h >> 20) & 1, e = (h >> 21) & 1;
    uint64_t epilogs = (h >> 22) & 0x1f, words = (h >> 27) & 0x1f, len = 4;
    if (epilogs == 0 && words == 0) {
        uint32_t ext = az_u32le(&c);
        if (c.failed)
            return 0;
        epilogs = ext & 0xffff;
        words = (ext >> 16) & 0xff;
        len = 8;
    }
    len += (e ? 0 : 4 * epilogs) + 4 * words;
    if (x) {
        len += 4;
        *has_handler = true;
    }
    return len <= c.size ? len : 0;
}

/* Managed code in a merged .text (.NET 9+ links .managedcode into .text):
 * runs of functions whose unwind info carries ILC's data, including the
 * alignment padding between them. */
static void add_managed_code_regions(pe_file *pf, func *fs, size_t n)
{
    for (size_t i = 0; i < n;) {
        if (!fs[i].managed) {
            i++;
            continue;
        }
        const az_section *s = section_at(pf, fs[i].begin);
        size_t j = i;
        uint32_t end = fs[i].end;
        while (j + 1 < n && fs[j + 1].managed && section_at(pf, fs[j + 1].begin) == s) {
            j++;
            if (fs[j].end > end)
                end = fs[j].end;
        }
        /* A separate managed-code section (.managed) is managed as a whole. */
        if (s && strcmp(s->name, ".managed") != 0 && end > fs[i].begin)
            rva_region(pf, AZ_RGN_MANAGED_CODE, "[managed code]", fs[i].begin, end - fs[i].begin);
        i = j + 1;
    }
}

static void read_exceptions(pe_file *pf)
{
    if (!dir_usable(pf, DIR_EXCEPTION))
        return;
    az_image *img = pf->img;
    const pe_dir *d = &pf->dirs[DIR_EXCEPTION];
    bool x64 = img->arch == AZ_ARCH_X64;
    uint32_t entry = x64 ? 12 : 8;
    uint64_t count = d->size / entry;
    az_cursor c;
    if (!rva_cursor(pf, d->rva, count * entry, &c)) {
        az_image_warn(img, "%s: exception directory is not in the file; unwind data is not attributed", img->path);
        return;
    }
    const char *label = "[.pdata]";
    func *fs = az_xmalloc((count ? count : 1) * sizeof *fs);
    unwind_ref *refs = az_xmalloc((count ? count : 1) * sizeof *refs);
    size_t nfs = 0, nrefs = 0;
    bool damaged = false;
    for (uint64_t i = 0; i < count; i++) {
        uint32_t begin = az_u32le(&c), end = x64 ? az_u32le(&c) : 0, unwind = az_u32le(&c);
        az_region *r = rva_region(pf, AZ_RGN_UNWIND, label, d->rva + i * entry, entry);
        const az_section *s = section_at(pf, begin);
        if (!s || !(s->flags & AZ_SEC_EXEC) || (x64 && (end <= begin || end - s->vm_addr > s->vm_size))) {
            damaged = true;
            continue;
        }
        if (r) {
            r->has_owner = 1;
            r->owner_addr = begin;
        }
        if (!x64 && (unwind & 3)) {
            /* arm64 packed unwind data: no .xdata; length in the entry. */
            end = begin + 4 * ((unwind >> 2) & 0x7ff);
            fs[nfs++] = (func){ begin, end, false, false };
            continue;
        }
        if (x64 && (unwind & 1))
            continue; /* points at another RUNTIME_FUNCTION (chained), not at unwind info */
        fs[nfs++] = (func){ begin, end, false, false };
        refs[nrefs++] = (unwind_ref){ unwind, begin };
    }
    if (damaged)
        az_image_warn(img, "%s: some .pdata entries do not describe code; they are left unattributed", img->path);
    az_qsort(refs, nrefs, sizeof *refs, cmp_unwind);
    az_qsort(fs, nfs, sizeof *fs, cmp_func);

    /* Where the data after an unwind info can end: the next unwind info, or
     * the next structure already known in that section (directories). */
    uint64_t *stops = az_xmalloc((img->nregions + 1) * sizeof *stops);
    size_t nstops = 0;
    for (size_t i = 0; i < img->nregions; i++)
        if (img->regions[i].vm_size && img->regions[i].kind != AZ_RGN_UNWIND)
            stops[nstops++] = img->regions[i].vm_addr;
    az_qsort(stops, nstops, sizeof *stops, cmp_u64);

    size_t si = 0;
    bool bad_unwind = false;
    for (size_t i = 0; i < nrefs; i++) {
        if (i > 0 && refs[i].unwind == refs[i - 1].unwind)
            continue; /* shared (the linker folded identical unwind info): charged to the first user */
        uint32_t u = refs[i].unwind;
        bool handler;
        uint64_t flen;
        uint64_t len = unwind_length(pf, u, &handler, &flen);
        const az_section *us = section_at(pf, u);
        if (!len || !us) {
            bad_unwind = true;
            continue;
        }
        az_region *r = rva_region(pf, AZ_RGN_UNWIND, "[.xdata]", u, len);
        if (r) {
            r->has_owner = 1;
            r->owner_addr = refs[i].owner;
        }
        /* The rest, up to the next unwind info: ILC's flags byte, RVAs of
         * associated data and EH info, and the GC info; or the language
         * handler's data (C++ EH tables, /GS cookie offsets) for MSVC code. */
        uint64_t tail_start = (uint64_t)u + len;
        uint64_t next = us->vm_addr + us->file_size;
        size_t k = i + 1;
        while (k < nrefs && refs[k].unwind == u)
            k++;
        bool last = k >= nrefs;
        if (!last && refs[k].unwind < next)
            next = refs[k].unwind;
        while (si < nstops && stops[si] < tail_start)
            si++;
        if (si < nstops && stops[si] < next)
            next = stops[si];
        /* After the last unwind info nothing marks where its data ends:
         * those bytes are left to the section's label rather than guessed. */
        uint64_t tail = next > tail_start && !last ? next - tail_start : 0;
        if (tail) {
            az_region *t = rva_region(pf, AZ_RGN_LSDA, "[.xdata]", tail_start, tail);
            if (t) {
                t->has_owner = 1;
                t->owner_addr = refs[i].owner;
            }
        }
        /* ILC appends at least its flags byte to every unwind info and never
         * sets a handler; native code has either nothing after its unwind
         * info or a handler.  The last one's end is not known, so it is not
         * judged. */
        bool managed = !handler && tail > 0 && !last;
        for (size_t m = i; m < k; m++) {
            func key = { refs[m].owner, 0, false, false };
            size_t lo = 0, hi = nfs;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (fs[mid].begin < key.begin)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo < nfs && fs[lo].begin == key.begin) {
                fs[lo].managed = managed;
                fs[lo].ilc_known = !last;
                if (!x64 && flen)
                    fs[lo].end = fs[lo].begin + (uint32_t)flen;
            }
        }
    }
    if (bad_unwind)
        az_image_warn(img, "%s: some unwind info is unreadable; it is left unattributed", img->path);
    /* A function whose unwind info came last takes the side of its
     * neighbour in the code. */
    for (size_t i = 0; i < nfs; i++)
        if (!fs[i].ilc_known && i > 0)
            fs[i].managed = fs[i - 1].managed;
    add_managed_code_regions(pf, fs, nfs);
    free(stops);
    free(fs);
    free(refs);
}

az_status az_pe_read(az_image *img, az_error *err)
{
    pe_file pf;
    memset(&pf, 0, sizeof pf);
    pf.img = img;
    pf.whole = az_cursor_make(img->data, img->size);
    az_status st = read_headers(&pf, err);
    if (st != AZ_OK)
        return st;
    read_sections(&pf);
    add_header_regions(&pf);
    /* Directories whose data other directories' tails must not run into
     * come first; the exception directory uses them as stops. */
    read_exports(&pf);
    read_imports(&pf);
    label_directory(&pf, DIR_IAT, AZ_RGN_DYNAMIC, "[import address table]");
    label_directory(&pf, DIR_DELAY_IMPORT, AZ_RGN_DYNAMIC, "[delay import directory]");
    label_directory(&pf, DIR_BOUND_IMPORT, AZ_RGN_DYNAMIC, "[bound import directory]");
    label_directory(&pf, DIR_RESOURCE, AZ_RGN_OTHER, "[resources]");
    label_directory(&pf, DIR_CLR, AZ_RGN_OTHER, "[CLR runtime header]");
    read_debug_dir(&pf);
    read_tls(&pf);
    read_load_config(&pf);
    read_certificates(&pf);
    read_exceptions(&pf);
    read_base_relocs(&pf);
    return AZ_OK;
}
