/* Compile-unit address ranges from DWARF, through libdwarf.
 *
 * libdwarf (Debian bookworm: 20210528, the pre-0.1 API) reads the sections
 * through its object-access interface, so no file descriptor and no libelf
 * object is involved: we hand it the debug sections the format reader
 * collected, decompressing SHF_COMPRESSED (and GNU .zdebug_) ones ourselves
 * with bounded zlib so that a hostile size claim cannot make us (or libdwarf)
 * allocate without limit.
 *
 * Every libdwarf call gets a Dwarf_Error* and an error handler is installed:
 * libdwarf's default reaction to an error it cannot return is abort().
 * Damage is a warning on the image; whatever was read before it is kept.
 *
 * libdwarf 20210528 is not robust against every damage, so we shield it:
 *  - it gets only the sections unit names and ranges need (a damaged
 *    .debug_loclists header, for one, makes it free memory twice);
 *  - every section it reads is our own copy with zeroed padding after it
 *    (its range-list reader looks at the byte after a list's end);
 *  - .debug_rnglists headers and offset tables are checked here first (a bad
 *    header makes it free memory twice, a bad offset read out of bounds). */
#include "dwarf.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Spelled with the directory: formats/dwarf.h (this module's header) is on
 * the include path too and would shadow libdwarf's own dwarf.h. */
#include <libdwarf/dwarf.h>
#include <libdwarf/libdwarf.h>

#include "cursor.h"

/* Limits against hostile input.  Real .NET Native AOT debug files have about
 * a hundred units and a few thousand ranges; these are far above that. */
#define MAX_UNITS 1000000u                 /* compile units looked at */
#define MAX_RANGES_PER_UNIT (1u << 20)     /* range-list entries of one unit */
#define MAX_RANGES (1u << 22)              /* ranges returned */
#define MAX_ENTRY_WORK (1ull << 24)        /* range-list entries libdwarf decodes, in all */
#define MAX_SECTION_SIZE (1ull << 30)      /* decompressed size of one section */
#define MAX_TOTAL_SIZE (4ull << 30)        /* decompressed size of all sections */
#define MAX_RATIO 2000u                    /* decompressed / compressed */
#define MAX_NAME 4096u                     /* longest unit name or directory kept */
#define PADDING 16u                        /* zero bytes after each section copy */

#define ELFCOMPRESS_ZLIB_ 1u
#define SHT_NULL_ 0u
#define SHT_PROGBITS_ 1u

typedef struct dw_section {
    const char *name;        /* the name libdwarf looks for: ".debug_info" */
    const uint8_t *stored;   /* bytes as stored: the zlib stream when compressed */
    uint64_t stored_size;
    uint64_t size;           /* the size libdwarf sees (decompressed) */
    bool compressed;
    bool load_failed;
    uint8_t *owned;          /* our padded copy (decompressed), made on first load */
} dw_section;

/* One table of .debug_rnglists, in section offsets. */
typedef struct dw_list_table {
    uint64_t header;         /* where its header starts */
    uint64_t offsets;        /* where its offset array starts (DW_AT_rnglists_base) */
    uint64_t end;
} dw_list_table;

typedef struct dw_ctx {
    az_image *img;
    dw_section *secs;        /* [0] is the empty null section of ELF numbering */
    size_t nsecs, cap_secs;
    uint64_t loaded;         /* decompressed bytes so far */
    dw_list_table *tables;   /* of .debug_rnglists, checked */
    size_t ntables, cap_tables;
    bool handler_called;     /* libdwarf hit an error it had nowhere to return */
    char handler_msg[200];

    az_cu_range *ranges;
    size_t nranges, cap_ranges;
    uint64_t entry_work;     /* range-list entries decoded so far */
    bool stop;               /* a global limit was reached */
    size_t unit_errors;      /* units whose DIE or ranges were unreadable */
} dw_ctx;

/* ---- decompression ---- */

/* Inflates the zlib stream src into exactly dst_len bytes at dst.  Streams
 * that end early, run long or are damaged are refused with *why set. */
static bool inflate_exact(const uint8_t *src, uint64_t src_len, uint8_t *dst, uint64_t dst_len,
                          const char **why)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit(&zs) != Z_OK) {
        *why = "zlib cannot start";
        return false;
    }
    /* dst_len is at most MAX_SECTION_SIZE, so the output fits one uInt; the
     * input may not (zlib counts in uInt) and is fed in chunks. */
    zs.next_out = dst;
    zs.avail_out = (uInt)dst_len;
    uint64_t in_left = src_len;
    uint8_t spill;
    bool spilling = false;  /* output full: one more byte means "too long" */
    bool ok = false;
    *why = NULL;
    for (;;) {
        if (zs.avail_in == 0 && in_left > 0) {
            uInt n = in_left > UINT_MAX ? UINT_MAX : (uInt)in_left;
            zs.next_in = (Bytef *)(uintptr_t)src;  /* zlib does not write its input */
            zs.avail_in = n;
            src += n;
            in_left -= n;
        }
        if (zs.avail_out == 0 && !spilling) {
            zs.next_out = &spill;
            zs.avail_out = 1;
            spilling = true;
        }
        int r = inflate(&zs, Z_NO_FLUSH);
        if (spilling && zs.avail_out == 0) {
            *why = "decompresses to more than its declared size";
            break;
        }
        if (r == Z_STREAM_END) {
            ok = spilling || zs.avail_out == 0;
            if (!ok)
                *why = "decompresses to less than its declared size";
            break;
        }
        if (r == Z_BUF_ERROR) {
            /* No progress possible with output room left: input exhausted. */
            *why = "zlib stream is truncated";
            break;
        }
        if (r != Z_OK) {
            *why = r == Z_DATA_ERROR ? "zlib stream is damaged" : "zlib error";
            break;
        }
    }
    inflateEnd(&zs);
    return ok;
}

/* Checks a decompressed size claim against the limits; warns when refused. */
static bool size_claim_ok(dw_ctx *ctx, const char *name, uint64_t claim, uint64_t stored_size)
{
    uint64_t ratio_cap;
    if (claim > MAX_SECTION_SIZE) {
        az_image_warn(ctx->img, "DWARF: %s claims %llu decompressed bytes (limit %llu); ignored",
                      name, (unsigned long long)claim, (unsigned long long)MAX_SECTION_SIZE);
        return false;
    }
    if (!az_mul_overflows(stored_size, MAX_RATIO, &ratio_cap) && claim > ratio_cap) {
        az_image_warn(ctx->img,
                      "DWARF: %s claims %llu decompressed bytes from %llu (more than %ux); ignored",
                      name, (unsigned long long)claim, (unsigned long long)stored_size, MAX_RATIO);
        return false;
    }
    return true;
}

/* ---- collecting the sections ---- */

static const dw_section *find_section(const dw_ctx *ctx, const char *name)
{
    for (size_t i = 1; i < ctx->nsecs; i++)
        if (strcmp(ctx->secs[i].name, name) == 0)
            return &ctx->secs[i];
    return NULL;
}

/* The sections unit names and ranges are read from.  Others stay away from
 * libdwarf: it would load (and could trip on) .debug_loclists and friends. */
static bool wanted(const char *dwarf_name)
{
    static const char *const names[] = {
        ".debug_info", ".debug_abbrev", ".debug_str", ".debug_line_str", ".debug_str_offsets",
        ".debug_addr", ".debug_ranges", ".debug_rnglists",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(dwarf_name, names[i]) == 0)
            return true;
    return false;
}

/* Turns one az_debug_section into a dw_section (reading any compression
 * header); false when it is not for libdwarf or refused (with a warning). */
static bool prepare_section(dw_ctx *ctx, const struct az_debug_section *d, dw_section *s)
{
    memset(s, 0, sizeof *s);
    if (!d->name || !d->data || d->size == 0)
        return false;
    if (strncmp(d->name, ".zdebug_", 8) == 0) {
        char plain[64];
        snprintf(plain, sizeof plain, ".debug_%s", d->name + 8);
        if (!wanted(plain))
            return false;
    } else if (!wanted(d->name)) {
        return false;
    }
    az_cursor c = az_cursor_make(d->data, d->size);
    if (strncmp(d->name, ".zdebug_", 8) == 0) {
        /* GNU style: "ZLIB", 8-byte big-endian size, zlib stream.  Renamed so
         * libdwarf neither looks for nor decompresses it itself. */
        const uint8_t *magic = az_bytes(&c, 4);
        uint64_t size = az_u64be(&c);
        if (c.failed || memcmp(magic, "ZLIB", 4) != 0) {
            az_image_warn(ctx->img, "DWARF: %s lacks its ZLIB header; ignored", d->name);
            return false;
        }
        s->name = az_arena_printf(&ctx->img->arena, ".debug_%s", d->name + 8);
        s->compressed = true;
        s->size = size;
    } else if (strncmp(d->name, ".debug_", 7) == 0) {
        s->name = d->name;
        if (d->compressed) {
            /* Elf64_Chdr: ch_type, ch_reserved, ch_size, ch_addralign. */
            uint32_t type = az_u32le(&c);
            (void)az_u32le(&c);
            uint64_t size = az_u64le(&c);
            (void)az_u64le(&c);
            if (c.failed) {
                az_image_warn(ctx->img, "DWARF: %s: truncated compression header; ignored", d->name);
                return false;
            }
            if (type != ELFCOMPRESS_ZLIB_) {
                az_image_warn(ctx->img, "DWARF: %s: compression type %u is not zlib; ignored",
                              d->name, type);
                return false;
            }
            s->compressed = true;
            s->size = size;
        } else {
            s->size = d->size;
        }
    } else {
        return false;
    }
    s->stored = d->data + c.pos;
    s->stored_size = az_cursor_left(&c);
    if (s->compressed && !size_claim_ok(ctx, s->name, s->size, d->size))
        return false;
    if (s->size == 0)
        return false;  /* libdwarf treats an empty .debug_info as an error */
    return true;
}

/* Makes s->owned: the section's bytes (decompressed) followed by PADDING
 * zero bytes.  False, with a warning, when that fails or a limit is hit. */
static bool load_copy(dw_ctx *ctx, dw_section *s)
{
    if (s->owned)
        return true;
    if (s->load_failed)
        return false;
    uint64_t total;
    if (az_add_overflows(ctx->loaded, s->size, &total) || total > MAX_TOTAL_SIZE) {
        az_image_warn(ctx->img, "DWARF: %s: sections read would exceed %llu bytes", s->name,
                      (unsigned long long)MAX_TOTAL_SIZE);
        s->load_failed = true;
        return false;
    }
    /* s->size is at most MAX_SECTION_SIZE when compressed, and the size of
     * bytes present in the file otherwise: no overflow below. */
    uint8_t *copy = malloc((size_t)s->size + PADDING);
    const char *why = "out of memory";
    bool ok = copy != NULL;
    if (ok && s->compressed)
        ok = inflate_exact(s->stored, s->stored_size, copy, s->size, &why);
    else if (ok)
        memcpy(copy, s->stored, (size_t)s->size);
    if (!ok) {
        az_image_warn(ctx->img, "DWARF: %s: %s", s->name, why);
        free(copy);
        s->load_failed = true;
        return false;
    }
    memset(copy + s->size, 0, PADDING);
    ctx->loaded = total;
    s->owned = copy;
    return true;
}

/* Checks what libdwarf trusts in .debug_rnglists (DWARF 5 7.28, 7.29): every
 * table header, that each table lies inside the section, and that each
 * offset-table entry points inside its table; records the tables in ctx.
 * Returns NULL when sound, else what is wrong (at *bad_off). */
static const char *check_rnglists(dw_ctx *ctx, const uint8_t *data, uint64_t size,
                                  uint64_t *bad_off)
{
    az_cursor sec = az_cursor_make(data, size);
    uint64_t off = 0;
    while (off < size) {
        *bad_off = off;
        az_cursor c = sec;
        az_cursor_seek(&c, off);
        uint64_t len = az_u32le(&c);
        unsigned offset_size = 4;
        if (len == 0xffffffffu) {
            len = az_u64le(&c);
            offset_size = 8;
        } else if (len >= 0xfffffff0u) {
            return "reserved unit length";
        }
        if (c.failed)
            return "truncated table header";
        uint64_t start = c.pos;  /* table contents start here */
        if (len < 8 || len > size - start)
            return "table length beyond the section";
        uint64_t end = start + len;
        az_cursor t;
        az_cursor_sub(&sec, 0, end, &t);  /* the table, in section offsets */
        az_cursor_seek(&t, start);
        uint16_t version = az_u16le(&t);
        uint8_t addr_size = az_u8(&t);
        (void)az_u8(&t);  /* segment selector size */
        uint32_t count = az_u32le(&t);
        if (version != 5)
            return "version is not 5";
        if (addr_size != 4 && addr_size != 8)
            return "unsupported address size";
        uint64_t base = t.pos;  /* offsets are relative to the table of offsets */
        if ((uint64_t)count * offset_size > end - base)
            return "offset table beyond its table";
        for (uint32_t i = 0; i < count; i++) {
            uint64_t o = offset_size == 8 ? az_u64le(&t) : az_u32le(&t);
            if (o >= end - base)
                return "offset entry beyond its table";
        }
        if (t.failed)
            return "truncated table";
        az_grow(&ctx->tables, &ctx->cap_tables, ctx->ntables + 1, sizeof *ctx->tables);
        ctx->tables[ctx->ntables++] = (dw_list_table){ off, base, end };
        off = end;
    }
    return NULL;
}

/* Fills ctx->secs; false when there is no .debug_info to read. */
static bool collect_sections(dw_ctx *ctx)
{
    az_grow(&ctx->secs, &ctx->cap_secs, 1, sizeof *ctx->secs);
    memset(&ctx->secs[0], 0, sizeof ctx->secs[0]);
    ctx->secs[0].name = "";
    ctx->nsecs = 1;
    for (size_t i = 0; i < ctx->img->ndebug_sections; i++) {
        dw_section s;
        if (!prepare_section(ctx, &ctx->img->debug_sections[i], &s))
            continue;
        /* libdwarf refuses a second section of a name (and a file could have
         * both .debug_x and .zdebug_x): the first one wins. */
        if (find_section(ctx, s.name)) {
            az_image_warn(ctx->img, "DWARF: duplicate section %s ignored", s.name);
            continue;
        }
        az_grow(&ctx->secs, &ctx->cap_secs, ctx->nsecs + 1, sizeof *ctx->secs);
        ctx->secs[ctx->nsecs++] = s;
    }
    /* .debug_rnglists is checked before libdwarf may see it; a damaged one
     * is withheld, which costs the ranges of DWARF 5 units only. */
    for (size_t i = 1; i < ctx->nsecs; i++) {
        dw_section *s = &ctx->secs[i];
        if (strcmp(s->name, ".debug_rnglists") != 0)
            continue;
        uint64_t bad_off = 0;
        const char *why = NULL;
        if (load_copy(ctx, s) && (why = check_rnglists(ctx, s->owned, s->size, &bad_off)) != NULL)
            az_image_warn(ctx->img, "DWARF: .debug_rnglists: %s at offset 0x%llx; section ignored",
                          why, (unsigned long long)bad_off);
        if (!s->owned || why) {
            ctx->ntables = 0;
            free(s->owned);
            memmove(s, s + 1, (ctx->nsecs - i - 1) * sizeof *s);
            ctx->nsecs--;
        }
        break;
    }
    return find_section(ctx, ".debug_info") != NULL;
}

static void free_sections(dw_ctx *ctx)
{
    for (size_t i = 0; i < ctx->nsecs; i++)
        free(ctx->secs[i].owned);
    free(ctx->secs);
    ctx->secs = NULL;
    ctx->nsecs = ctx->cap_secs = 0;
    free(ctx->tables);
    ctx->tables = NULL;
    ctx->ntables = ctx->cap_tables = 0;
}

/* ---- libdwarf object access ---- */

static int obj_section_info(void *obj, Dwarf_Half index, Dwarf_Obj_Access_Section *out, int *error)
{
    dw_ctx *ctx = obj;
    (void)error;
    if (index >= ctx->nsecs)
        return DW_DLV_NO_ENTRY;
    const dw_section *s = &ctx->secs[index];
    memset(out, 0, sizeof *out);
    out->addr = 0;
    out->type = index == 0 ? SHT_NULL_ : SHT_PROGBITS_;
    out->size = s->size;
    out->name = s->name;
    return DW_DLV_OK;
}

static Dwarf_Endianness obj_byte_order(void *obj)
{
    (void)obj;
    return DW_OBJECT_LSB;  /* every format we read is little-endian */
}

static Dwarf_Small obj_length_size(void *obj)
{
    (void)obj;
    return 4;  /* 32-bit DWARF by default; libdwarf sees 64-bit units by their escape */
}

static Dwarf_Small obj_pointer_size(void *obj)
{
    (void)obj;
    return 8;  /* x64 and arm64 */
}

static Dwarf_Unsigned obj_section_count(void *obj)
{
    return ((dw_ctx *)obj)->nsecs;
}

/* libdwarf asks only for the sections it needs, so compressed ones are
 * inflated on first use. */
static int obj_load_section(void *obj, Dwarf_Half index, Dwarf_Small **data, int *error)
{
    dw_ctx *ctx = obj;
    if (index == 0 || index >= ctx->nsecs)
        return DW_DLV_NO_ENTRY;
    dw_section *s = &ctx->secs[index];
    if (!load_copy(ctx, s)) {
        *error = DW_DLE_ZLIB_UNCOMPRESS_ERROR;
        return DW_DLV_ERROR;
    }
    *data = s->owned;
    return DW_DLV_OK;
}

static const Dwarf_Obj_Access_Methods obj_methods = {
    obj_section_info, obj_byte_order, obj_length_size, obj_pointer_size,
    obj_section_count, obj_load_section, NULL,
};

/* Called by libdwarf only when an error has no Dwarf_Error* to go to (we
 * always pass one, so this is a safety net).  Returning, instead of the
 * default abort(), makes the failing call return DW_DLV_ERROR. */
static void on_libdwarf_error(Dwarf_Error err, Dwarf_Ptr arg)
{
    dw_ctx *ctx = arg;
    if (!ctx || ctx->handler_called)
        return;
    ctx->handler_called = true;
    const char *msg = err ? dwarf_errmsg(err) : NULL;
    snprintf(ctx->handler_msg, sizeof ctx->handler_msg, "%s", msg ? msg : "unknown error");
}

/* ---- reading the units ---- */

/* The message of err (then freed); dbg may be NULL for init errors. */
static void take_error(Dwarf_Debug dbg, Dwarf_Error *err, char *buf, size_t size)
{
    const char *msg = *err ? dwarf_errmsg(*err) : NULL;
    snprintf(buf, size, "%s", msg ? msg : "libdwarf error");
    if (*err)
        dwarf_dealloc_error(dbg, *err);
    *err = NULL;
}

/* A unit could not be (fully) read: the first one is described, the others
 * only counted, so one broken file cannot flood the image's warnings. */
static void unit_problem(dw_ctx *ctx, uint64_t unit_off, const char *what, const char *msg)
{
    if (ctx->unit_errors++ == 0)
        az_image_warn(ctx->img, "DWARF: unit at .debug_info+0x%llx: %s: %s",
                      (unsigned long long)unit_off, what, msg);
}

static void unit_error(dw_ctx *ctx, Dwarf_Debug dbg, uint64_t unit_off, const char *what,
                       Dwarf_Error *err)
{
    char msg[256];
    take_error(dbg, err, msg, sizeof msg);
    unit_problem(ctx, unit_off, what, msg);
}

/* Copies a string libdwarf returned into the image arena.  libdwarf checks
 * that strings end inside their section; bounding the copy by the section
 * holding the string (when it is one of ours) keeps a slip there from
 * reading past a buffer. */
static const char *keep_string(dw_ctx *ctx, const char *s)
{
    size_t max = MAX_NAME;
    for (size_t i = 1; i < ctx->nsecs; i++) {
        const dw_section *sec = &ctx->secs[i];
        const uint8_t *base = sec->owned;
        const uint8_t *p = (const uint8_t *)s;
        if (base && p >= base && p < base + sec->size) {
            uint64_t left = sec->size - (uint64_t)(p - base);
            if (left < max)
                max = (size_t)left;
            break;
        }
    }
    return az_arena_strndup(&ctx->img->arena, s, strnlen(s, max));
}

static void add_range(dw_ctx *ctx, uint64_t lo, uint64_t hi, const char *name, const char *comp_dir)
{
    /* Empty and inverted ranges cover nothing; lo == 0 is what the linker
     * leaves for code it discarded (the relocation's symbol is gone). */
    if (hi <= lo || lo == 0)
        return;
    if (ctx->nranges >= MAX_RANGES) {
        if (!ctx->stop)
            az_image_warn(ctx->img, "DWARF: more than %u ranges; the rest are ignored", MAX_RANGES);
        ctx->stop = true;
        return;
    }
    az_grow(&ctx->ranges, &ctx->cap_ranges, ctx->nranges + 1, sizeof *ctx->ranges);
    az_cu_range *r = &ctx->ranges[ctx->nranges++];
    r->lo = lo;
    r->hi = hi;
    r->name = name;
    r->comp_dir = comp_dir;
}

/* Charges n decoded list entries to the global work budget; false (and the
 * list is to be skipped) when one unit or the whole file has too many. */
static bool spend_entries(dw_ctx *ctx, uint64_t unit_off, uint64_t n)
{
    if (n > MAX_RANGES_PER_UNIT) {
        unit_problem(ctx, unit_off, "range list", "more entries than the limit");
        return false;
    }
    ctx->entry_work += n;
    if (ctx->entry_work > MAX_ENTRY_WORK) {
        az_image_warn(ctx->img, "DWARF: more than %llu range-list entries; the rest are ignored",
                      (unsigned long long)MAX_ENTRY_WORK);
        ctx->stop = true;
        return false;
    }
    return true;
}

/* DWARF 2-4: DW_AT_ranges is an offset into .debug_ranges; entries are
 * relative to the base address (the unit's low_pc until a base address
 * selection entry changes it). */
static void read_debug_ranges(dw_ctx *ctx, Dwarf_Debug dbg, Dwarf_Die die, Dwarf_Attribute attr,
                              Dwarf_Half form, uint64_t base, uint64_t unit_off, const char *name,
                              const char *comp_dir)
{
    Dwarf_Error err = NULL;
    Dwarf_Unsigned off = 0;
    /* sec_offset is a reference to another section; DWARF 2/3 used data4/8. */
    int res = form == DW_FORM_sec_offset ? dwarf_global_formref(attr, &off, &err)
                                         : dwarf_formudata(attr, &off, &err);
    if (res != DW_DLV_OK) {
        if (res == DW_DLV_ERROR)
            unit_error(ctx, dbg, unit_off, "DW_AT_ranges", &err);
        return;
    }
    const dw_section *sec = find_section(ctx, ".debug_ranges");
    if (!sec || off >= sec->size) {
        unit_problem(ctx, unit_off, "DW_AT_ranges", "offset outside .debug_ranges");
        return;
    }
    Dwarf_Ranges *list = NULL;
    Dwarf_Signed count = 0;
    Dwarf_Unsigned bytes = 0;
    Dwarf_Off real_off = 0;
    res = dwarf_get_ranges_b(dbg, off, die, &real_off, &list, &count, &bytes, &err);
    if (res != DW_DLV_OK) {
        if (res == DW_DLV_ERROR)
            unit_error(ctx, dbg, unit_off, ".debug_ranges", &err);
        return;
    }
    if (count > 0 && spend_entries(ctx, unit_off, (uint64_t)count)) {
        for (Dwarf_Signed i = 0; i < count && !ctx->stop; i++) {
            const Dwarf_Ranges *r = &list[i];
            if (r->dwr_type == DW_RANGES_END)
                break;
            if (r->dwr_type == DW_RANGES_ADDRESS_SELECTION) {
                base = r->dwr_addr2;
                continue;
            }
            uint64_t lo, hi;
            if (az_add_overflows(base, r->dwr_addr1, &lo) || az_add_overflows(base, r->dwr_addr2, &hi))
                continue;
            add_range(ctx, lo, hi, name, comp_dir);
        }
    }
    dwarf_ranges_dealloc(dbg, list, count);
}

/* libdwarf checks a DW_AT_ranges offset only when the unit has no
 * DW_AT_rnglists_base; with one, it reads the list at the offset up to the
 * end of the base's table, wherever the offset points.  So: the offset must
 * lie in the table libdwarf will use (the base's, else any). */
static bool rnglist_offset_ok(dw_ctx *ctx, Dwarf_Debug dbg, Dwarf_Die die, uint64_t value,
                              uint64_t unit_off)
{
    Dwarf_Error err = NULL;
    Dwarf_Attribute battr = NULL;
    Dwarf_Unsigned base = 0;
    bool has_base = false;
    int res = dwarf_attr(die, DW_AT_rnglists_base, &battr, &err);
    if (res == DW_DLV_OK) {
        res = dwarf_global_formref(battr, &base, &err);  /* as libdwarf reads it */
        dwarf_dealloc_attribute(battr);
        has_base = res == DW_DLV_OK;
    }
    if (res == DW_DLV_ERROR) {
        unit_error(ctx, dbg, unit_off, "DW_AT_rnglists_base", &err);
        return false;
    }
    const dw_list_table *table = NULL;
    for (size_t i = 0; i < ctx->ntables && !table; i++) {
        const dw_list_table *t = &ctx->tables[i];
        if (has_base ? t->offsets == base : (value >= t->header && value < t->end))
            table = t;
    }
    if (!table || value < table->header || value >= table->end) {
        unit_problem(ctx, unit_off, "DW_AT_ranges", "offset outside its .debug_rnglists table");
        return false;
    }
    return true;
}

/* DWARF 5: DW_AT_ranges is an index (rnglistx) or offset (sec_offset) into
 * .debug_rnglists; libdwarf resolves base addresses and .debug_addr indices
 * into "cooked" addresses. */
static void read_rnglists(dw_ctx *ctx, Dwarf_Debug dbg, Dwarf_Die die, Dwarf_Attribute attr,
                          Dwarf_Half form, uint64_t unit_off, const char *name,
                          const char *comp_dir)
{
    Dwarf_Error err = NULL;
    Dwarf_Unsigned value = 0;
    int res = form == DW_FORM_rnglistx ? dwarf_formudata(attr, &value, &err)
                                       : dwarf_global_formref(attr, &value, &err);
    if (res != DW_DLV_OK) {
        if (res == DW_DLV_ERROR)
            unit_error(ctx, dbg, unit_off, "DW_AT_ranges", &err);
        return;
    }
    if (form != DW_FORM_rnglistx && !rnglist_offset_ok(ctx, dbg, die, value, unit_off))
        return;
    Dwarf_Rnglists_Head head = NULL;
    Dwarf_Unsigned count = 0, global_off = 0;
    res = dwarf_rnglists_get_rle_head(attr, form, value, &head, &count, &global_off, &err);
    if (res != DW_DLV_OK) {
        if (res == DW_DLV_ERROR)
            unit_error(ctx, dbg, unit_off, ".debug_rnglists", &err);
        return;
    }
    if (spend_entries(ctx, unit_off, count)) {
        for (Dwarf_Unsigned i = 0; i < count && !ctx->stop; i++) {
            unsigned len = 0, code = 0;
            Dwarf_Unsigned raw1 = 0, raw2 = 0, lo = 0, hi = 0;
            Dwarf_Bool no_addr = false;
            res = dwarf_get_rnglists_entry_fields_a(head, i, &len, &code, &raw1, &raw2, &no_addr,
                                                    &lo, &hi, &err);
            if (res == DW_DLV_ERROR) {
                unit_error(ctx, dbg, unit_off, ".debug_rnglists entry", &err);
                break;
            }
            if (res != DW_DLV_OK || code == DW_RLE_end_of_list)
                break;
            switch (code) {
            case DW_RLE_startx_endx:
            case DW_RLE_startx_length:
            case DW_RLE_offset_pair:
            case DW_RLE_start_end:
            case DW_RLE_start_length:
                if (!no_addr)
                    add_range(ctx, lo, hi, name, comp_dir);
                break;
            default:  /* base address entries: libdwarf applied them already */
                break;
            }
        }
    }
    dwarf_dealloc_rnglists_head(head);
}

/* A string attribute of die, kept in the arena; NULL when absent. */
static const char *string_attr(dw_ctx *ctx, Dwarf_Debug dbg, Dwarf_Die die, Dwarf_Half at,
                               uint64_t unit_off, const char *what)
{
    Dwarf_Error err = NULL;
    Dwarf_Attribute attr = NULL;
    int res = dwarf_attr(die, at, &attr, &err);
    if (res != DW_DLV_OK) {
        if (res == DW_DLV_ERROR)
            unit_error(ctx, dbg, unit_off, what, &err);
        return NULL;
    }
    char *s = NULL;
    const char *kept = NULL;
    res = dwarf_formstring(attr, &s, &err);
    if (res == DW_DLV_OK && s)
        kept = keep_string(ctx, s);
    else if (res == DW_DLV_ERROR)
        unit_error(ctx, dbg, unit_off, what, &err);
    dwarf_dealloc_attribute(attr);
    return kept;
}

/* ILC of .NET 8 writes its unit's DW_AT_high_pc as DW_FORM_data8 holding the
 * absolute end address (a relocated end-of-section symbol), where DWARF 4
 * reads a constant as a length: low_pc 0x73de0, high_pc 0xe812a is exactly
 * __managedcode, not 0x73de0 + 0xe812a, which runs far past it.  Taken as an
 * address when it ends inside low_pc's section and the length reading
 * would not. */
static bool absolute_high_pc(const az_image *img, uint64_t low, uint64_t high)
{
    const az_section *s = az_image_section_at(img, low);
    if (!s)
        return false;
    uint64_t s_end = s->vm_addr + s->vm_size, as_length;
    bool length_fits = !az_add_overflows(low, high, &as_length) && as_length <= s_end;
    return high > low && high <= s_end && !length_fits;
}

static void read_unit(dw_ctx *ctx, Dwarf_Debug dbg, Dwarf_Die die, Dwarf_Half version,
                      uint64_t unit_off)
{
    Dwarf_Error err = NULL;
    const char *name = string_attr(ctx, dbg, die, DW_AT_name, unit_off, "DW_AT_name");
    if (!name)
        name = az_arena_printf(&ctx->img->arena, "[unnamed unit at .debug_info+0x%llx]",
                               (unsigned long long)unit_off);
    const char *comp_dir = string_attr(ctx, dbg, die, DW_AT_comp_dir, unit_off, "DW_AT_comp_dir");

    Dwarf_Addr low = 0;
    int res = dwarf_lowpc(die, &low, &err);
    bool has_low = res == DW_DLV_OK;
    if (res == DW_DLV_ERROR) {
        unit_error(ctx, dbg, unit_off, "DW_AT_low_pc", &err);
        return;
    }

    Dwarf_Attribute ranges = NULL;
    res = dwarf_attr(die, DW_AT_ranges, &ranges, &err);
    if (res == DW_DLV_ERROR) {
        unit_error(ctx, dbg, unit_off, "DW_AT_ranges", &err);
        return;
    }
    if (res == DW_DLV_OK) {
        Dwarf_Half form = 0;
        res = dwarf_whatform(ranges, &form, &err);
        if (res == DW_DLV_ERROR)
            unit_error(ctx, dbg, unit_off, "DW_AT_ranges form", &err);
        else if (res == DW_DLV_OK && (version >= 5 || form == DW_FORM_rnglistx))
            read_rnglists(ctx, dbg, die, ranges, form, unit_off, name, comp_dir);
        else if (res == DW_DLV_OK)
            read_debug_ranges(ctx, dbg, die, ranges, form, has_low ? low : 0, unit_off, name,
                              comp_dir);
        dwarf_dealloc_attribute(ranges);
        return;
    }

    if (!has_low)
        return;  /* a unit with no code (types only) */
    Dwarf_Addr high = 0;
    Dwarf_Half form = 0;
    enum Dwarf_Form_Class cls = DW_FORM_CLASS_UNKNOWN;
    res = dwarf_highpc_b(die, &high, &form, &cls, &err);
    if (res == DW_DLV_ERROR) {
        unit_error(ctx, dbg, unit_off, "DW_AT_high_pc", &err);
        return;
    }
    if (res != DW_DLV_OK)
        return;  /* low_pc alone names an address, not a range */
    /* DWARF 4+: a constant high_pc is the length from low_pc. */
    uint64_t end = high;
    if (cls == DW_FORM_CLASS_CONSTANT) {
        bool is_address = form == DW_FORM_data8 && absolute_high_pc(ctx->img, low, high);
        if (!is_address && az_add_overflows(low, high, &end))
            return;
    }
    add_range(ctx, low, end, name, comp_dir);
}

static void read_units(dw_ctx *ctx, Dwarf_Debug dbg)
{
    uint64_t unit_off = 0;  /* offset of the current unit's header */
    for (uint32_t n = 0; !ctx->stop; n++) {
        if (n == MAX_UNITS) {
            az_image_warn(ctx->img, "DWARF: more than %u units; the rest are ignored", MAX_UNITS);
            break;
        }
        Dwarf_Error err = NULL;
        Dwarf_Unsigned header_len = 0, type_off = 0, next = 0;
        Dwarf_Half version = 0, addr_size = 0, len_size = 0, ext_size = 0, unit_type = 0;
        Dwarf_Off abbrev_off = 0;
        Dwarf_Sig8 sig;
        memset(&sig, 0, sizeof sig);
        int res = dwarf_next_cu_header_d(dbg, true, &header_len, &version, &abbrev_off, &addr_size,
                                         &len_size, &ext_size, &sig, &type_off, &next, &unit_type,
                                         &err);
        if (res == DW_DLV_NO_ENTRY) {
            /* libdwarf also says "no entry" for some damage (a missing
             * .debug_abbrev, for one): the walk should end at the end. */
            const dw_section *info = find_section(ctx, ".debug_info");
            if (info && unit_off < info->size)
                az_image_warn(ctx->img, "DWARF: no readable unit at .debug_info+0x%llx (of 0x%llx)",
                              (unsigned long long)unit_off, (unsigned long long)info->size);
            break;
        }
        if (res == DW_DLV_ERROR) {
            /* The walk cannot go on without a valid header: stop here. */
            char msg[256];
            take_error(dbg, &err, msg, sizeof msg);
            az_image_warn(ctx->img, "DWARF: unit header at .debug_info+0x%llx: %s",
                          (unsigned long long)unit_off, msg);
            break;
        }
        Dwarf_Die die = NULL;
        res = dwarf_siblingof_b(dbg, NULL, true, &die, &err);
        if (res == DW_DLV_ERROR)
            unit_error(ctx, dbg, unit_off, "unit DIE", &err);
        else if (res == DW_DLV_OK) {
            read_unit(ctx, dbg, die, version, unit_off);
            dwarf_dealloc_die(die);
        }
        if (next <= unit_off)
            break;  /* libdwarf always advances; never loop on the same unit */
        unit_off = next;
    }
}

static int cmp_range(const void *a, const void *b)
{
    const az_cu_range *x = a, *y = b;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    if (x->hi != y->hi)
        return x->hi < y->hi ? -1 : 1;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    if (!x->comp_dir || !y->comp_dir)
        return (x->comp_dir != NULL) - (y->comp_dir != NULL);
    return strcmp(x->comp_dir, y->comp_dir);
}

size_t az_dwarf_cu_ranges(az_image *img, az_cu_range **out)
{
    *out = NULL;
    dw_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.img = img;
    if (!collect_sections(&ctx)) {
        free_sections(&ctx);
        return 0;
    }

    Dwarf_Obj_Access_Interface iface = { &ctx, &obj_methods };
    Dwarf_Debug dbg = NULL;
    Dwarf_Error err = NULL;
    int res = dwarf_object_init_b(&iface, on_libdwarf_error, &ctx, DW_GROUPNUMBER_ANY, &dbg, &err);
    if (res != DW_DLV_OK) {
        if (res == DW_DLV_ERROR) {
            /* On failure libdwarf has freed its Dwarf_Debug; the error it
             * returns belongs to no dbg. */
            char msg[256];
            take_error(NULL, &err, msg, sizeof msg);
            az_image_warn(img, "DWARF: libdwarf cannot read the debug sections: %s", msg);
        }
        free_sections(&ctx);
        return 0;
    }

    read_units(&ctx, dbg);
    if (ctx.unit_errors > 1)
        az_image_warn(img, "DWARF: %zu unreadable unit attributes or range lists in all",
                      ctx.unit_errors);
    if (ctx.handler_called)
        az_image_warn(img, "DWARF: libdwarf: %s", ctx.handler_msg);

    /* Finishing frees everything libdwarf allocated for dbg; an error here
     * would refer to the dbg just freed, so it is not touched. */
    (void)dwarf_object_finish(dbg, &err);
    free_sections(&ctx);

    if (ctx.nranges > 1)
        az_qsort(ctx.ranges, ctx.nranges, sizeof *ctx.ranges, cmp_range);
    *out = ctx.ranges;
    return ctx.nranges;
}
