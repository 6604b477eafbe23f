#include "mstat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- ECMA-335 table schema (II.22) ------------------------------------------------- */

/* Column kinds: fixed-size integers, heap indices, simple table indices and
 * coded indices (II.24.2.6). */
enum { C_END, C_U8, C_U16, C_U32, C_STR, C_GUID, C_BLOB, C_TABLE, C_CODED };

enum {
    CI_TYPEDEFORREF, CI_HASCONSTANT, CI_HASCUSTOMATTRIBUTE, CI_HASFIELDMARSHAL, CI_HASDECLSECURITY,
    CI_MEMBERREFPARENT, CI_HASSEMANTICS, CI_METHODDEFORREF, CI_MEMBERFORWARDED, CI_IMPLEMENTATION,
    CI_CUSTOMATTRIBUTETYPE, CI_RESOLUTIONSCOPE, CI_TYPEORMETHODDEF, CI__COUNT
};

#define NONE 0xFF
static const struct coded_index {
    uint8_t bits;
    uint8_t n;
    uint8_t tables[22];
} coded[CI__COUNT] = {
    [CI_TYPEDEFORREF] = { 2, 3, { 0x02, 0x01, 0x1B } },
    [CI_HASCONSTANT] = { 2, 3, { 0x04, 0x08, 0x17 } },
    [CI_HASCUSTOMATTRIBUTE] = { 5, 22, { 0x06, 0x04, 0x01, 0x02, 0x08, 0x09, 0x0A, 0x00, 0x0E, 0x17, 0x14,
                                         0x11, 0x1A, 0x1B, 0x20, 0x23, 0x26, 0x27, 0x28, 0x2A, 0x2C, 0x2B } },
    [CI_HASFIELDMARSHAL] = { 1, 2, { 0x04, 0x08 } },
    [CI_HASDECLSECURITY] = { 2, 3, { 0x02, 0x06, 0x20 } },
    [CI_MEMBERREFPARENT] = { 3, 5, { 0x02, 0x01, 0x1A, 0x06, 0x1B } },
    [CI_HASSEMANTICS] = { 1, 2, { 0x14, 0x17 } },
    [CI_METHODDEFORREF] = { 1, 2, { 0x06, 0x0A } },
    [CI_MEMBERFORWARDED] = { 1, 2, { 0x04, 0x06 } },
    [CI_IMPLEMENTATION] = { 2, 3, { 0x26, 0x23, 0x27 } },
    [CI_CUSTOMATTRIBUTETYPE] = { 3, 5, { NONE, NONE, 0x06, 0x0A, NONE } },
    [CI_RESOLUTIONSCOPE] = { 2, 4, { 0x00, 0x1A, 0x23, 0x01 } },
    [CI_TYPEORMETHODDEF] = { 1, 2, { 0x02, 0x06 } },
};

typedef struct col {
    uint8_t kind, arg;
} col;

#define U8 { C_U8, 0 }
#define U16 { C_U16, 0 }
#define U32 { C_U32, 0 }
#define STR { C_STR, 0 }
#define GUID { C_GUID, 0 }
#define BLOB { C_BLOB, 0 }
#define TAB(t) { C_TABLE, t }
#define COD(c) { C_CODED, c }
static const col schema[AZ_MD_TABLES][10] = {
    [0x00] = { U16, STR, GUID, GUID, GUID },                       /* Module */
    [0x01] = { COD(CI_RESOLUTIONSCOPE), STR, STR },                /* TypeRef: scope, name, namespace */
    [0x02] = { U32, STR, STR, COD(CI_TYPEDEFORREF), TAB(0x04), TAB(0x06) }, /* TypeDef */
    [0x03] = { TAB(0x04) },                                        /* FieldPtr */
    [0x04] = { U16, STR, BLOB },                                   /* Field */
    [0x05] = { TAB(0x06) },                                        /* MethodPtr */
    [0x06] = { U32, U16, U16, STR, BLOB, TAB(0x08) },              /* MethodDef: RVA, impl, flags, name, sig, params */
    [0x07] = { TAB(0x08) },                                        /* ParamPtr */
    [0x08] = { U16, U16, STR },                                    /* Param */
    [0x09] = { TAB(0x02), COD(CI_TYPEDEFORREF) },                  /* InterfaceImpl */
    [0x0A] = { COD(CI_MEMBERREFPARENT), STR, BLOB },               /* MemberRef: parent, name, sig */
    [0x0B] = { U8, U8, COD(CI_HASCONSTANT), BLOB },                /* Constant */
    [0x0C] = { COD(CI_HASCUSTOMATTRIBUTE), COD(CI_CUSTOMATTRIBUTETYPE), BLOB }, /* CustomAttribute */
    [0x0D] = { COD(CI_HASFIELDMARSHAL), BLOB },                    /* FieldMarshal */
    [0x0E] = { U16, COD(CI_HASDECLSECURITY), BLOB },               /* DeclSecurity */
    [0x0F] = { U16, U32, TAB(0x02) },                              /* ClassLayout */
    [0x10] = { U32, TAB(0x04) },                                   /* FieldLayout */
    [0x11] = { BLOB },                                             /* StandAloneSig */
    [0x12] = { TAB(0x02), TAB(0x14) },                             /* EventMap */
    [0x13] = { TAB(0x14) },                                        /* EventPtr */
    [0x14] = { U16, STR, COD(CI_TYPEDEFORREF) },                   /* Event */
    [0x15] = { TAB(0x02), TAB(0x17) },                             /* PropertyMap */
    [0x16] = { TAB(0x17) },                                        /* PropertyPtr */
    [0x17] = { U16, STR, BLOB },                                   /* Property */
    [0x18] = { U16, TAB(0x06), COD(CI_HASSEMANTICS) },             /* MethodSemantics */
    [0x19] = { TAB(0x02), COD(CI_METHODDEFORREF), COD(CI_METHODDEFORREF) }, /* MethodImpl */
    [0x1A] = { STR },                                              /* ModuleRef */
    [0x1B] = { BLOB },                                             /* TypeSpec */
    [0x1C] = { U16, COD(CI_MEMBERFORWARDED), STR, TAB(0x1A) },     /* ImplMap */
    [0x1D] = { U32, TAB(0x04) },                                   /* FieldRVA */
    [0x1E] = { U32, U32 },                                         /* EncLog */
    [0x1F] = { U32 },                                              /* EncMap */
    [0x20] = { U32, U16, U16, U16, U16, U32, BLOB, STR, STR },     /* Assembly: ..., name (7), culture */
    [0x21] = { U32 },                                              /* AssemblyProcessor */
    [0x22] = { U32, U32, U32 },                                    /* AssemblyOS */
    [0x23] = { U16, U16, U16, U16, U32, BLOB, STR, STR, BLOB },    /* AssemblyRef: version, flags, key, name (6) */
    [0x24] = { U32, TAB(0x23) },                                   /* AssemblyRefProcessor */
    [0x25] = { U32, U32, U32, TAB(0x23) },                         /* AssemblyRefOS */
    [0x26] = { U32, STR, BLOB },                                   /* File */
    [0x27] = { U32, U32, STR, STR, COD(CI_IMPLEMENTATION) },       /* ExportedType */
    [0x28] = { U32, U32, STR, COD(CI_IMPLEMENTATION) },            /* ManifestResource */
    [0x29] = { TAB(0x02), TAB(0x02) },                             /* NestedClass */
    [0x2A] = { U16, U16, COD(CI_TYPEORMETHODDEF), STR },           /* GenericParam */
    [0x2B] = { COD(CI_METHODDEFORREF), BLOB },                     /* MethodSpec: method, instantiation */
    [0x2C] = { TAB(0x2A), COD(CI_TYPEDEFORREF) },                  /* GenericParamConstraint */
};
#undef U8
#undef U16
#undef U32
#undef STR
#undef GUID
#undef BLOB
#undef TAB
#undef COD

static void warn(az_mstat *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(az_mstat *m, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    az_grow(&m->warnings, &m->cap_warnings, m->nwarnings + 1, sizeof *m->warnings);
    m->warnings[m->nwarnings++] = az_arena_strdup(&m->arena, buf);
}

/* ---- PE and CLI headers ------------------------------------------------------------- */

/* File offset of an RVA, via the section table. */
static bool rva_to_off(const az_mstat *m, uint32_t rva, uint32_t len, uint64_t *off)
{
    for (size_t i = 0; i < m->nsections; i++) {
        const struct az_mstat_section *s = &m->sections[i];
        uint32_t span = s->vsize > s->raw_size ? s->vsize : s->raw_size;
        if (rva >= s->va && rva - s->va < span) {
            uint64_t delta = rva - s->va;
            if (delta + len > s->raw_size)
                return false;
            *off = (uint64_t)s->raw_off + delta;
            return az_range_fits(*off, len, m->size);
        }
    }
    return false;
}

static az_status read_pe(az_mstat *m, const char *name, uint32_t *cli_rva, uint32_t *cli_size, az_error *err)
{
    az_cursor c = az_cursor_make(m->data, m->size);
    if (m->size < 0x40 || az_u16le(&c) != 0x5A4D)
        return az_fail(err, AZ_ERR_FORMAT, "%s: not an .mstat file (no MZ header)", name);
    bool ok = true;
    uint32_t pe = az_peek_u32le(&c, 0x3C, &ok);
    az_cursor h;
    if (!ok || !az_cursor_sub(&c, pe, 24, &h) || az_u32le(&h) != 0x00004550)
        return az_fail(err, AZ_ERR_FORMAT, "%s: not an .mstat file (no PE header)", name);
    az_u16le(&h); /* machine */
    uint16_t nsec = az_u16le(&h);
    az_cursor_skip(&h, 12);
    uint16_t opt_size = az_u16le(&h);
    az_u16le(&h);
    az_cursor opt;
    if (!az_cursor_sub(&c, (uint64_t)pe + 24, opt_size, &opt) || opt_size < 2)
        return az_fail(err, AZ_ERR_FORMAT, "%s: truncated PE optional header", name);
    uint16_t magic = az_u16le(&opt);
    /* data directories: at 96 (PE32) or 112 (PE32+); number of them just before */
    uint64_t dd = magic == 0x20b ? 112 : magic == 0x10b ? 96 : 0;
    if (!dd)
        return az_fail(err, AZ_ERR_FORMAT, "%s: unknown PE optional header magic %#x", name, magic);
    bool ok2 = true;
    uint32_t ndirs = az_peek_u32le(&opt, dd - 4, &ok2);
    if (!ok2 || ndirs < 15 || !az_range_fits(dd + 15 * 8, 0, opt_size))
        return az_fail(err, AZ_ERR_FORMAT, "%s: PE file without a CLI header (not an .mstat)", name);
    *cli_rva = az_peek_u32le(&opt, dd + 14 * 8, &ok2);
    *cli_size = az_peek_u32le(&opt, dd + 14 * 8 + 4, &ok2);
    /* sections: the count is checked against the bytes present */
    az_cursor st;
    uint64_t st_off = (uint64_t)pe + 24 + opt_size;
    if (!az_cursor_sub(&c, st_off, (uint64_t)nsec * 40, &st))
        return az_fail(err, AZ_ERR_FORMAT, "%s: truncated PE section table", name);
    m->sections = az_arena_alloc(&m->arena, (nsec ? nsec : 1) * sizeof *m->sections);
    for (uint16_t i = 0; i < nsec; i++) {
        const uint8_t *nm = az_bytes(&st, 8);
        struct az_mstat_section *s = &m->sections[m->nsections++];
        s->vsize = az_u32le(&st);
        s->va = az_u32le(&st);
        s->raw_size = az_u32le(&st);
        s->raw_off = az_u32le(&st);
        az_cursor_skip(&st, 16);
        if (nm && memcmp(nm, ".names\0", 7) == 0) {
            uint32_t n = s->raw_size < s->vsize || !s->vsize ? s->raw_size : s->vsize;
            if (!az_cursor_sub(&c, s->raw_off, n, &m->names))
                warn(m, ".names section lies outside the file; node names unavailable");
        }
    }
    if (!ok2 || *cli_rva == 0)
        return az_fail(err, AZ_ERR_FORMAT, "%s: PE file without a CLI header (not an .mstat)", name);
    return AZ_OK;
}

/* ---- metadata ------------------------------------------------------------------------ */

static uint8_t index_size(const az_mstat *m, col c)
{
    switch (c.kind) {
    case C_U8: return 1;
    case C_U16: return 2;
    case C_U32: return 4;
    case C_STR: return m->heap_sizes & 1 ? 4 : 2;
    case C_GUID: return m->heap_sizes & 2 ? 4 : 2;
    case C_BLOB: return m->heap_sizes & 4 ? 4 : 2;
    case C_TABLE: return m->t[c.arg].rows > 0xFFFF ? 4 : 2;
    case C_CODED: {
        const struct coded_index *ci = &coded[c.arg];
        uint32_t max = 0;
        for (int i = 0; i < ci->n; i++)
            if (ci->tables[i] != NONE && m->t[ci->tables[i]].rows > max)
                max = m->t[ci->tables[i]].rows;
        return max < (1u << (16 - ci->bits)) ? 2 : 4;
    }
    }
    return 0;
}

static az_status read_metadata(az_mstat *m, const char *name, uint32_t cli_rva, uint32_t cli_size, az_error *err)
{
    uint64_t off;
    if (cli_size < 16 || !rva_to_off(m, cli_rva, 16, &off))
        return az_fail(err, AZ_ERR_CORRUPT, "%s: CLI header outside the file", name);
    az_cursor c = az_cursor_make(m->data, m->size);
    bool ok = true;
    uint32_t md_rva = az_peek_u32le(&c, off + 8, &ok);
    uint32_t md_size = az_peek_u32le(&c, off + 12, &ok);
    uint64_t md_off;
    az_cursor md;
    if (!ok || md_size < 16 || !rva_to_off(m, md_rva, md_size, &md_off) || !az_cursor_sub(&c, md_off, md_size, &md))
        return az_fail(err, AZ_ERR_CORRUPT, "%s: metadata outside the file", name);
    if (az_u32le(&md) != 0x424A5342)
        return az_fail(err, AZ_ERR_CORRUPT, "%s: bad metadata signature", name);
    az_cursor_skip(&md, 8);
    uint32_t vlen = az_u32le(&md);
    if (vlen > 255 || !az_cursor_skip(&md, vlen))
        return az_fail(err, AZ_ERR_CORRUPT, "%s: bad metadata version string", name);
    az_u16le(&md);
    uint16_t nstreams = az_u16le(&md);
    az_cursor tables = { 0 };
    bool have_tables = false;
    for (uint16_t i = 0; i < nstreams && !md.failed; i++) {
        uint32_t so = az_u32le(&md), ss = az_u32le(&md);
        const char *sn = az_cstr(&md, NULL);
        if (!sn)
            break;
        while (md.pos % 4 && !md.failed)
            az_u8(&md); /* names are padded to 4 bytes */
        az_cursor sc;
        if (!az_cursor_sub(&md, so, ss, &sc)) {
            warn(m, "metadata stream %s lies outside the metadata", sn);
            continue;
        }
        if (strcmp(sn, "#~") == 0 || strcmp(sn, "#-") == 0) {
            tables = sc;
            have_tables = true;
        } else if (strcmp(sn, "#Strings") == 0) {
            m->strings = sc;
        } else if (strcmp(sn, "#Blob") == 0) {
            m->blobheap = sc;
        } else if (strcmp(sn, "#US") == 0) {
            m->us = sc;
        }
    }
    if (md.failed || !have_tables)
        return az_fail(err, AZ_ERR_CORRUPT, "%s: no metadata tables stream", name);

    az_u32le(&tables);
    az_u16le(&tables); /* major, minor */
    m->heap_sizes = az_u8(&tables);
    az_u8(&tables);
    uint64_t valid = az_u64le(&tables);
    az_u64le(&tables); /* sorted */
    if (valid >> AZ_MD_TABLES)
        return az_fail(err, AZ_ERR_CORRUPT, "%s: metadata has tables this reader does not know", name);
    for (int t = 0; t < AZ_MD_TABLES; t++)
        if (valid & (1ull << t))
            m->t[t].rows = az_u32le(&tables);
    if (tables.failed)
        return az_fail(err, AZ_ERR_CORRUPT, "%s: truncated metadata table header", name);
    /* row sizes and positions; the rows must fit in the stream */
    uint64_t pos = tables.pos;
    for (int t = 0; t < AZ_MD_TABLES; t++) {
        az_mstat_table *tb = &m->t[t];
        uint32_t rs = 0;
        for (int k = 0; k < 10 && schema[t][k].kind != C_END; k++) {
            uint8_t s = index_size(m, schema[t][k]);
            tb->col_off[k] = (uint8_t)rs;
            tb->col_size[k] = s;
            rs += s;
        }
        tb->row_size = rs;
        tb->offset = pos;
        uint64_t bytes;
        if (az_mul_overflows(tb->rows, rs, &bytes) || !az_range_fits(pos, bytes, tables.size))
            return az_fail(err, AZ_ERR_CORRUPT, "%s: metadata table %#x (%u rows) is larger than its stream", name, t,
                           tb->rows);
        pos += bytes;
    }
    m->tables = tables;
    return AZ_OK;
}

uint32_t az_mstat_col(const az_mstat *m, int table, uint32_t row, int column)
{
    if (table < 0 || table >= AZ_MD_TABLES || column < 0 || column >= 10)
        return 0;
    const az_mstat_table *t = &m->t[table];
    if (row == 0 || row > t->rows || t->col_size[column] == 0)
        return 0;
    uint64_t off = t->offset + (uint64_t)(row - 1) * t->row_size + t->col_off[column];
    az_cursor c;
    if (!az_cursor_sub(&m->tables, off, t->col_size[column], &c))
        return 0;
    switch (t->col_size[column]) {
    case 1: return az_u8(&c);
    case 2: return az_u16le(&c);
    default: return az_u32le(&c);
    }
}

const char *az_mstat_string(const az_mstat *m, uint32_t offset)
{
    az_cursor c = m->strings;
    if (!az_cursor_seek(&c, offset))
        return "";
    const char *s = az_cstr(&c, NULL);
    return s ? s : "";
}

/* ECMA-335 compressed unsigned integer (II.23.2); false when malformed. */
static bool compressed(az_cursor *c, uint32_t *out)
{
    uint8_t b = az_u8(c);
    if ((b & 0x80) == 0) {
        *out = b;
    } else if ((b & 0xC0) == 0x80) {
        *out = (uint32_t)(b & 0x3F) << 8 | az_u8(c);
    } else if ((b & 0xE0) == 0xC0) {
        uint32_t v = (uint32_t)(b & 0x1F) << 24;
        v |= (uint32_t)az_u8(c) << 16;
        v |= (uint32_t)az_u8(c) << 8;
        v |= az_u8(c);
        *out = v;
    } else {
        return false;
    }
    return !c->failed;
}

/* The bytes of #Blob entry `offset`. */
static bool blob_at(const az_mstat *m, uint32_t offset, az_cursor *out)
{
    az_cursor c = m->blobheap;
    uint32_t len;
    if (!az_cursor_seek(&c, offset) || !compressed(&c, &len))
        return false;
    return az_cursor_sub(&c, c.pos, len, out);
}

/* #US entry as UTF-8 (UTF-16LE in the file, plus a trailing flag byte). */
static const char *user_string(az_mstat *m, uint32_t offset)
{
    az_cursor c = m->us;
    uint32_t len;
    if (!az_cursor_seek(&c, offset) || !compressed(&c, &len) || !az_range_fits(c.pos, len, c.size))
        return NULL;
    size_t units = len / 2;
    char *out = az_arena_alloc(&m->arena, units * 3 + 1);
    size_t w = 0;
    for (size_t i = 0; i < units; i++) {
        uint32_t u = az_u16le(&c);
        if (u >= 0xD800 && u < 0xDC00 && i + 1 < units) {
            /* a surrogate pair: 4 UTF-8 bytes for the 6 reserved */
            uint32_t lo = az_u16le(&c);
            i++;
            u = lo >= 0xDC00 && lo < 0xE000 ? 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00) : 0xFFFD;
        } else if (u >= 0xD800 && u < 0xE000) {
            u = 0xFFFD;
        }
        if (u < 0x80) {
            out[w++] = (char)u;
        } else if (u < 0x800) {
            out[w++] = (char)(0xC0 | u >> 6);
            out[w++] = (char)(0x80 | (u & 0x3F));
        } else if (u < 0x10000) {
            out[w++] = (char)(0xE0 | u >> 12);
            out[w++] = (char)(0x80 | ((u >> 6) & 0x3F));
            out[w++] = (char)(0x80 | (u & 0x3F));
        } else {
            out[w++] = (char)(0xF0 | u >> 18);
            out[w++] = (char)(0x80 | ((u >> 12) & 0x3F));
            out[w++] = (char)(0x80 | ((u >> 6) & 0x3F));
            out[w++] = (char)(0x80 | (u & 0x3F));
        }
    }
    out[w] = 0;
    return out;
}

/* A node name in .names: compressed length, UTF-8 bytes.  Names are DGML
 * labels: the symbol, sometimes followed by a description
 * ("_ZTV..List_1<Int32> constructed", "... reflection visible"); mangled
 * names have no spaces, so the symbol is everything before the first. */
static const char *node_name(az_mstat *m, uint32_t offset)
{
    az_cursor c = m->names;
    uint32_t len;
    if (!m->names.base || !az_cursor_seek(&c, offset) || !compressed(&c, &len))
        return NULL;
    const uint8_t *p = az_bytes(&c, len);
    if (!p)
        return NULL;
    const uint8_t *sp = memchr(p, ' ', len);
    return az_arena_strndup(&m->arena, (const char *)p, sp ? (size_t)(sp - p) : len);
}

/* ---- the global methods' IL ------------------------------------------------------------- */

/* The IL code of a global method of <Module> (TypeDef row 1). */
static bool global_method(az_mstat *m, const char *want, az_cursor *il)
{
    uint32_t first = az_mstat_col(m, AZ_MD_TYPEDEF, 1, 5);
    uint32_t last = m->t[AZ_MD_TYPEDEF].rows >= 2 ? az_mstat_col(m, AZ_MD_TYPEDEF, 2, 5) : m->t[AZ_MD_METHODDEF].rows + 1;
    if (first == 0)
        return false;
    for (uint32_t r = first; r < last && r <= m->t[AZ_MD_METHODDEF].rows; r++) {
        if (strcmp(az_mstat_string(m, az_mstat_col(m, AZ_MD_METHODDEF, r, 3)), want) != 0)
            continue;
        uint32_t rva = az_mstat_col(m, AZ_MD_METHODDEF, r, 0);
        uint64_t off;
        if (!rva || !rva_to_off(m, rva, 1, &off)) {
            warn(m, "method %s: body outside the file", want);
            return false;
        }
        az_cursor c = az_cursor_make(m->data, m->size);
        az_cursor_seek(&c, off);
        uint8_t b = az_u8(&c);
        uint64_t code_off, code_size;
        if ((b & 3) == 2) { /* tiny header */
            code_off = off + 1;
            code_size = b >> 2;
        } else if ((b & 3) == 3) { /* fat header: 3 dwords */
            az_cursor_seek(&c, off);
            uint16_t fs = az_u16le(&c);
            az_u16le(&c);
            code_size = az_u32le(&c);
            code_off = off + (uint64_t)(fs >> 12) * 4;
            if ((fs >> 12) < 3) {
                warn(m, "method %s: bad IL header", want);
                return false;
            }
        } else {
            warn(m, "method %s: bad IL header", want);
            return false;
        }
        if (c.failed || !az_cursor_sub(&c, code_off, code_size, il)) {
            warn(m, "method %s: IL body outside the file", want);
            return false;
        }
        return true;
    }
    return false;
}

/* One IL operand record reader: ldtoken / ldc.i4 (all forms) / ldstr. */
enum { IL_NONE, IL_TOKEN, IL_I4, IL_STR };

static int il_next(az_cursor *c, uint32_t *val)
{
    if (az_cursor_left(c) == 0)
        return IL_NONE;
    uint8_t op = az_u8(c);
    int kind = IL_I4;
    switch (op) {
    case 0xD0: *val = az_u32le(c); kind = IL_TOKEN; break;    /* ldtoken */
    case 0x72: *val = az_u32le(c); kind = IL_STR; break;      /* ldstr */
    case 0x20: *val = az_u32le(c); break;                     /* ldc.i4 */
    case 0x1F: *val = (uint32_t)(int32_t)(int8_t)az_u8(c); break; /* ldc.i4.s */
    case 0x15: *val = 0xFFFFFFFFu; break;                     /* ldc.i4.m1 */
    default:
        if (op >= 0x16 && op <= 0x1E) { /* ldc.i4.0 - ldc.i4.8 */
            *val = op - 0x16u;
            break;
        }
        return -1;
    }
    return c->failed ? -1 : kind;
}

/* Reads records of one global method: `shape` is a string of 'T' (token),
 * 'I' (int), 'S' (string), 'O' (token or int 0) operands per record. */
typedef struct raw_rec {
    uint32_t v[6];
} raw_rec;

static size_t read_records(az_mstat *m, const char *method, const char *shape, raw_rec **out)
{
    *out = NULL;
    az_cursor il;
    if (!global_method(m, method, &il))
        return 0;
    size_t n = 0, cap = 0;
    size_t ops = strlen(shape);
    while (az_cursor_left(&il) > 0) {
        raw_rec r = { { 0 } };
        for (size_t k = 0; k < ops; k++) {
            int kind = il_next(&il, &r.v[k]);
            bool fits = (shape[k] == 'T' && kind == IL_TOKEN) || (shape[k] == 'I' && kind == IL_I4) ||
                        (shape[k] == 'S' && kind == IL_STR) ||
                        (shape[k] == 'O' && (kind == IL_TOKEN || (kind == IL_I4 && r.v[k] == 0)));
            if (!fits) {
                warn(m, "%s: unexpected IL at offset %llu; %zu records read", method,
                     (unsigned long long)il.pos, n);
                return n;
            }
        }
        /* each record takes at least one byte, so this grows with the file */
        az_grow(out, &cap, n + 1, sizeof **out);
        (*out)[n++] = r;
    }
    return n;
}

static void read_all_records(az_mstat *m)
{
    bool v2 = m->major >= 2;
    raw_rec *r;
    size_t n = read_records(m, "Types", v2 ? "TII" : "TI", &r);
    m->types = az_arena_alloc(&m->arena, (n ? n : 1) * sizeof *m->types);
    for (size_t i = 0; i < n; i++)
        m->types[m->ntypes++] = (az_mstat_record){ r[i].v[0], r[i].v[1], 0, 0, 0, v2 ? node_name(m, r[i].v[2]) : NULL };
    free(r);

    n = read_records(m, "Methods", v2 ? "TIIII" : "TIII", &r);
    m->methods = az_arena_alloc(&m->arena, (n ? n : 1) * sizeof *m->methods);
    for (size_t i = 0; i < n; i++)
        m->methods[m->nmethods++] =
            (az_mstat_record){ r[i].v[0], r[i].v[1], r[i].v[2], r[i].v[3], 0, v2 ? node_name(m, r[i].v[4]) : NULL };
    free(r);

    n = read_records(m, "Blobs", "SI", &r);
    m->blobs = az_arena_alloc(&m->arena, (n ? n : 1) * sizeof *m->blobs);
    for (size_t i = 0; i < n; i++) {
        const char *s = user_string(m, r[i].v[0] & 0xFFFFFF);
        m->blobs[m->nblobs++] = (az_mstat_blob){ s ? s : "?", r[i].v[1], 0 };
    }
    free(r);

    if (m->major > 2 || (m->major == 2 && m->minor >= 1)) {
        n = read_records(m, "RvaFields", "TII", &r);
        m->rva_fields = az_arena_alloc(&m->arena, (n ? n : 1) * sizeof *m->rva_fields);
        for (size_t i = 0; i < n; i++)
            m->rva_fields[m->nrva_fields++] = (az_mstat_record){ r[i].v[0], r[i].v[1], 0, 0, 0, node_name(m, r[i].v[2]) };
        free(r);

        n = read_records(m, "FrozenObjects", "TIIO", &r);
        m->frozen = az_arena_alloc(&m->arena, (n ? n : 1) * sizeof *m->frozen);
        for (size_t i = 0; i < n; i++)
            m->frozen[m->nfrozen++] =
                (az_mstat_record){ r[i].v[0], r[i].v[1], 0, 0, r[i].v[3], node_name(m, r[i].v[2]) };
        free(r);

        n = read_records(m, "ManifestResources", "ISI", &r);
        m->resources = az_arena_alloc(&m->arena, (n ? n : 1) * sizeof *m->resources);
        for (size_t i = 0; i < n; i++) {
            const char *s = user_string(m, r[i].v[1] & 0xFFFFFF);
            m->resources[m->nresources++] = (az_mstat_blob){ s ? s : "?", r[i].v[2], r[i].v[0] };
        }
        free(r);
    }
}

/* 2.2 DeduplicatedMethods: "ldtoken method; ldc.i4 n; n x (ldtoken body
 * method; ldc.i4 name index)".  The layout follows a third-party reader of
 * .NET 10 output; the samples' lists are empty, so it is not verified
 * against real data (a mismatch only cuts the list short with a warning). */
static void read_folded(az_mstat *m)
{
    az_cursor il;
    if (!global_method(m, "DeduplicatedMethods", &il))
        return;
    size_t cap = 0;
    while (az_cursor_left(&il) > 0) {
        uint32_t method, n;
        if (il_next(&il, &method) != IL_TOKEN || il_next(&il, &n) != IL_I4 || n > az_cursor_left(&il) / 6) {
            warn(m, "DeduplicatedMethods: unexpected IL at offset %llu; %zu records read", (unsigned long long)il.pos,
                 m->nfolded);
            return;
        }
        for (uint32_t i = 0; i < n; i++) {
            uint32_t body, name;
            if (il_next(&il, &body) != IL_TOKEN || il_next(&il, &name) != IL_I4) {
                warn(m, "DeduplicatedMethods: unexpected IL at offset %llu; %zu records read",
                     (unsigned long long)il.pos, m->nfolded);
                return;
            }
            az_grow(&m->folded, &cap, m->nfolded + 1, sizeof *m->folded);
            m->folded[m->nfolded++] = (az_mstat_record){ method, 0, 0, 0, body, node_name(m, name) };
        }
    }
}

az_status az_mstat_read(const uint8_t *data, uint64_t size, const char *path, az_mstat *out, az_error *err)
{
    memset(out, 0, sizeof *out);
    az_arena_init(&out->arena);
    out->data = data;
    out->size = size;
    const char *name = path ? path : "<mstat>";
    uint32_t cli_rva = 0, cli_size = 0;
    az_status st = read_pe(out, name, &cli_rva, &cli_size, err);
    if (st == AZ_OK)
        st = read_metadata(out, name, cli_rva, cli_size, err);
    if (st == AZ_OK && out->t[0x20].rows == 0)
        st = az_fail(err, AZ_ERR_FORMAT, "%s: no assembly row (not an .mstat)", name);
    if (st == AZ_OK && out->t[AZ_MD_TYPEDEF].rows == 0)
        st = az_fail(err, AZ_ERR_FORMAT, "%s: no <Module> type (not an .mstat)", name);
    if (st != AZ_OK) {
        az_mstat_free(out);
        return st;
    }
    out->major = (uint16_t)az_mstat_col(out, 0x20, 1, 1);
    out->minor = (uint16_t)az_mstat_col(out, 0x20, 1, 2);
    out->assembly = az_mstat_string(out, az_mstat_col(out, 0x20, 1, 7));
    if (out->major > 2 || (out->major == 2 && out->minor > 2))
        warn(out, "mstat format %u.%u is newer than this reader (2.2); reading it as 2.2", out->major, out->minor);
    if (out->major >= 2 && !out->names.base)
        warn(out, "no .names section: node names unavailable");
    read_all_records(out);
    if (out->major > 2 || (out->major == 2 && out->minor >= 2))
        read_folded(out);
    return AZ_OK;
}

void az_mstat_free(az_mstat *m)
{
    free(m->warnings);
    free(m->folded);
    az_arena_free(&m->arena);
    memset(m, 0, sizeof *m);
}

/* ---- names and signatures ------------------------------------------------------------------ */

/* A bounded text builder (appends past the end are dropped). */
typedef struct sbuf {
    char buf[2048];
    size_t len;
} sbuf;

static void sadd(sbuf *b, const char *s)
{
    size_t n = strlen(s);
    if (n > sizeof b->buf - 1 - b->len)
        n = sizeof b->buf - 1 - b->len;
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = 0;
}

static void saddn(sbuf *b, const char *s, size_t n)
{
    if (n > sizeof b->buf - 1 - b->len)
        n = sizeof b->buf - 1 - b->len;
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = 0;
}

/* The TypeRef a coded TypeDefOrRef / ResolutionScope refers to. */
static uint32_t typeref_scope_row(const az_mstat *m, uint32_t row, int *scope_table)
{
    uint32_t v = az_mstat_col(m, AZ_MD_TYPEREF, row, 0);
    static const int tables[4] = { 0x00, 0x1A, AZ_MD_ASSEMBLYREF, AZ_MD_TYPEREF };
    *scope_table = tables[v & 3];
    return v >> 2;
}

/* The assembly a TypeRef (nested or not) is in. */
static const char *typeref_assembly(const az_mstat *m, uint32_t row)
{
    for (int guard = 0; guard < 64 && row; guard++) {
        int st;
        uint32_t s = typeref_scope_row(m, row, &st);
        if (st == AZ_MD_ASSEMBLYREF)
            return az_mstat_string(m, az_mstat_col(m, AZ_MD_ASSEMBLYREF, s, 6));
        if (st != AZ_MD_TYPEREF)
            return NULL;
        row = s;
    }
    return NULL;
}

void az_mstat_typeref_name(const az_mstat *m, uint32_t row, const char **ns, const char **path, az_arena *arena)
{
    uint32_t chain[32];
    int n = 0;
    for (uint32_t r = row; r && n < 32;) {
        chain[n++] = r;
        int st;
        uint32_t s = typeref_scope_row(m, r, &st);
        r = st == AZ_MD_TYPEREF ? s : 0;
    }
    sbuf b = { .len = 0 };
    b.buf[0] = 0;
    for (int i = n - 1; i >= 0; i--) {
        if (i != n - 1)
            sadd(&b, "+");
        sadd(&b, az_mstat_string(m, az_mstat_col(m, AZ_MD_TYPEREF, chain[i], 1)));
    }
    *ns = n ? az_mstat_string(m, az_mstat_col(m, AZ_MD_TYPEREF, chain[n - 1], 2)) : "";
    *path = az_arena_strndup(arena, b.buf, b.len);
}

static const char *const primitive_names[0x1D] = {
    [0x01] = "Void", [0x02] = "Boolean", [0x03] = "Char", [0x04] = "SByte", [0x05] = "Byte", [0x06] = "Int16",
    [0x07] = "UInt16", [0x08] = "Int32", [0x09] = "UInt32", [0x0A] = "Int64", [0x0B] = "UInt64", [0x0C] = "Single",
    [0x0D] = "Double", [0x0E] = "String", [0x16] = "TypedReference", [0x18] = "IntPtr", [0x19] = "UIntPtr",
    [0x1C] = "Object",
};

/* What a formatted type was. */
typedef struct tinfo {
    bool value_type, canon;
    const char *assembly;
} tinfo;

static void fmt_type(const az_mstat *m, az_cursor *c, sbuf *b, int depth, tinfo *ti);

/* Appends a TypeRef's name with `args` spread over its nested generic
 * segments: "Ns.Outer<A>+Inner<B>"; without args, as stored ("Outer`1"). */
static void fmt_typeref(const az_mstat *m, uint32_t row, sbuf *b, char (*args)[512], size_t nargs)
{
    uint32_t chain[32];
    int n = 0;
    for (uint32_t r = row; r && n < 32;) {
        chain[n++] = r;
        int st;
        uint32_t s = typeref_scope_row(m, r, &st);
        r = st == AZ_MD_TYPEREF ? s : 0;
    }
    if (n == 0) {
        sadd(b, "?");
        return;
    }
    const char *ns = az_mstat_string(m, az_mstat_col(m, AZ_MD_TYPEREF, chain[n - 1], 2));
    if (strcmp(ns, "System") == 0 && n == 1) {
        const char *nm = az_mstat_string(m, az_mstat_col(m, AZ_MD_TYPEREF, chain[0], 1));
        if (strcmp(nm, "__Canon") == 0) {
            sadd(b, "__Canon");
            return;
        }
    }
    if (*ns) {
        sadd(b, ns);
        sadd(b, ".");
    }
    size_t used = 0;
    for (int i = n - 1; i >= 0; i--) {
        if (i != n - 1)
            sadd(b, "+");
        const char *nm = az_mstat_string(m, az_mstat_col(m, AZ_MD_TYPEREF, chain[i], 1));
        const char *tick = strchr(nm, '`');
        if (!tick || !args || nargs == 0) {
            sadd(b, nm);
            continue;
        }
        saddn(b, nm, (size_t)(tick - nm));
        size_t arity = (size_t)strtoul(tick + 1, NULL, 10);
        sadd(b, "<");
        for (size_t k = 0; k < arity && used < nargs; k++, used++) {
            if (k)
                sadd(b, ", ");
            sadd(b, args[used]);
        }
        sadd(b, ">");
    }
    if (used < nargs) { /* arities did not add up: show the rest at the end */
        sadd(b, "<");
        for (size_t k = used; k < nargs; k++) {
            if (k > used)
                sadd(b, ", ");
            sadd(b, args[k]);
        }
        sadd(b, ">");
    }
}

/* A TypeDefOrRefOrSpec coded index (II.23.2.8). */
static void fmt_tdor(const az_mstat *m, uint32_t coded_v, sbuf *b, char (*args)[512], size_t nargs, int depth,
                     tinfo *ti)
{
    uint32_t row = coded_v >> 2;
    switch (coded_v & 3) {
    case 1: /* TypeRef */
        fmt_typeref(m, row, b, args, nargs);
        if (ti) {
            ti->assembly = typeref_assembly(m, row);
            const char *nm = az_mstat_string(m, az_mstat_col(m, AZ_MD_TYPEREF, row, 1));
            const char *ns = az_mstat_string(m, az_mstat_col(m, AZ_MD_TYPEREF, row, 2));
            ti->canon = strcmp(nm, "__Canon") == 0 && strcmp(ns, "System") == 0;
        }
        break;
    case 2: { /* TypeSpec */
        az_cursor c;
        if (depth < 32 && blob_at(m, az_mstat_col(m, AZ_MD_TYPESPEC, row, 0), &c))
            fmt_type(m, &c, b, depth + 1, ti);
        else
            sadd(b, "?");
        break;
    }
    default:
        sadd(b, "?");
    }
}

static void fmt_method_sig_params(const az_mstat *m, az_cursor *c, sbuf *b, int depth);

static void fmt_type(const az_mstat *m, az_cursor *c, sbuf *b, int depth, tinfo *ti)
{
    tinfo local = { 0 };
    if (!ti)
        ti = &local;
    if (depth > 32 || c->failed) {
        sadd(b, "?");
        return;
    }
    uint8_t et = az_u8(c);
    uint32_t v;
    switch (et) {
    case 0x02: case 0x03: case 0x04: case 0x05: case 0x06: case 0x07: case 0x08: case 0x09:
    case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x16: case 0x18: case 0x19:
        sadd(b, primitive_names[et]);
        ti->value_type = true;
        ti->assembly = "System.Private.CoreLib";
        break;
    case 0x01: case 0x0E: case 0x1C:
        sadd(b, primitive_names[et]);
        ti->assembly = "System.Private.CoreLib";
        break;
    case 0x0F: /* PTR */
    case 0x10: /* BYREF */
    case 0x1D: /* SZARRAY */
        fmt_type(m, c, b, depth + 1, ti);
        sadd(b, et == 0x0F ? "*" : et == 0x10 ? "&" : "[]");
        ti->value_type = false;
        break;
    case 0x11: /* VALUETYPE */
    case 0x12: /* CLASS */
        if (!compressed(c, &v)) {
            sadd(b, "?");
            break;
        }
        fmt_tdor(m, v, b, NULL, 0, depth, ti);
        ti->value_type = et == 0x11;
        break;
    case 0x13: /* VAR */
    case 0x1E: /* MVAR */
        compressed(c, &v);
        {
            char t[24];
            snprintf(t, sizeof t, "%s%u", et == 0x13 ? "!" : "!!", v);
            sadd(b, t);
        }
        break;
    case 0x14: { /* ARRAY type rank nsizes sizes nlo lo */
        fmt_type(m, c, b, depth + 1, ti);
        uint32_t rank = 0, nsz = 0, nlo = 0, x;
        compressed(c, &rank);
        compressed(c, &nsz);
        for (uint32_t i = 0; i < nsz && !c->failed; i++)
            compressed(c, &x);
        compressed(c, &nlo);
        for (uint32_t i = 0; i < nlo && !c->failed; i++)
            compressed(c, &x);
        sadd(b, "[");
        for (uint32_t i = 1; i < rank && i < 32; i++)
            sadd(b, ",");
        sadd(b, "]");
        ti->value_type = false;
        break;
    }
    case 0x15: { /* GENERICINST (CLASS|VALUETYPE) TypeDefOrRef count args */
        uint8_t kind = az_u8(c);
        uint32_t def, count;
        if (!compressed(c, &def) || !compressed(c, &count) || count > 64) {
            sadd(b, "?");
            break;
        }
        char (*args)[512] = az_xmalloc((count ? count : 1) * sizeof *args);
        for (uint32_t i = 0; i < count; i++) {
            sbuf ab = { .len = 0 };
            ab.buf[0] = 0;
            fmt_type(m, c, &ab, depth + 1, NULL);
            snprintf(args[i], 512, "%.511s", ab.buf);
        }
        tinfo dti = { 0 };
        fmt_tdor(m, def, b, args, count, depth, &dti);
        free(args);
        ti->value_type = kind == 0x11;
        ti->assembly = dti.assembly;
        break;
    }
    case 0x1B: /* FNPTR method signature */
        sadd(b, "delegate*<");
        fmt_method_sig_params(m, c, b, depth + 1);
        sadd(b, ">");
        break;
    case 0x1F: /* CMOD_REQD */
    case 0x20: /* CMOD_OPT */
        compressed(c, &v);
        fmt_type(m, c, b, depth + 1, ti);
        break;
    case 0x45: /* PINNED */
        fmt_type(m, c, b, depth + 1, ti);
        break;
    default:
        sadd(b, "?");
        c->failed = true;
    }
}

/* "params, return" of a method signature (the form delegate*<> uses). */
static void fmt_method_sig_params(const az_mstat *m, az_cursor *c, sbuf *b, int depth)
{
    uint8_t cc = az_u8(c);
    uint32_t gen = 0, n = 0;
    if (cc & 0x10)
        compressed(c, &gen);
    if (!compressed(c, &n) || n > 256) {
        sadd(b, "?");
        return;
    }
    sbuf ret = { .len = 0 };
    ret.buf[0] = 0;
    fmt_type(m, c, &ret, depth + 1, NULL);
    for (uint32_t i = 0; i < n && !c->failed; i++) {
        fmt_type(m, c, b, depth + 1, NULL);
        sadd(b, ", ");
    }
    sadd(b, ret.buf);
}

/* Generic parameter count of a method signature blob. */
static uint32_t method_arity(const az_mstat *m, uint32_t sig)
{
    az_cursor c;
    uint32_t gen = 0;
    if (blob_at(m, sig, &c) && (az_u8(&c) & 0x10))
        compressed(&c, &gen);
    return gen;
}

/* Appends the display of a MemberRef's parent (TypeRef / TypeSpec). */
static void fmt_parent(const az_mstat *m, uint32_t parent, sbuf *b)
{
    uint32_t row = parent >> 3;
    switch (parent & 7) {
    case 1:
        fmt_typeref(m, row, b, NULL, 0);
        break;
    case 4: {
        az_cursor c;
        if (blob_at(m, az_mstat_col(m, AZ_MD_TYPESPEC, row, 0), &c))
            fmt_type(m, &c, b, 0, NULL);
        else
            sadd(b, "?");
        break;
    }
    default:
        sadd(b, "?");
    }
}

/* Formats the arguments of a MethodSpec instantiation blob into b as "<A, B>". */
static void fmt_method_inst(const az_mstat *m, uint32_t blob, sbuf *b)
{
    az_cursor c;
    uint32_t n;
    if (!blob_at(m, blob, &c) || az_u8(&c) != 0x0A || !compressed(&c, &n) || n > 64) {
        sadd(b, "<?>");
        return;
    }
    sadd(b, "<");
    for (uint32_t i = 0; i < n && !c.failed; i++) {
        if (i)
            sadd(b, ", ");
        fmt_type(m, &c, b, 1, NULL);
    }
    sadd(b, ">");
}

const char *az_mstat_display(const az_mstat *m, uint32_t token, az_arena *arena)
{
    sbuf b = { .len = 0 };
    b.buf[0] = 0;
    uint32_t row = token & 0xFFFFFF;
    switch (token >> 24) {
    case AZ_MD_TYPEREF:
        fmt_typeref(m, row, &b, NULL, 0);
        break;
    case AZ_MD_TYPESPEC: {
        az_cursor c;
        if (blob_at(m, az_mstat_col(m, AZ_MD_TYPESPEC, row, 0), &c))
            fmt_type(m, &c, &b, 0, NULL);
        break;
    }
    case AZ_MD_MEMBERREF:
        fmt_parent(m, az_mstat_col(m, AZ_MD_MEMBERREF, row, 0), &b);
        sadd(&b, ".");
        sadd(&b, az_mstat_string(m, az_mstat_col(m, AZ_MD_MEMBERREF, row, 1)));
        break;
    case AZ_MD_METHODSPEC: {
        uint32_t meth = az_mstat_col(m, AZ_MD_METHODSPEC, row, 0);
        if ((meth & 1) == 1) { /* MemberRef */
            uint32_t mr = meth >> 1;
            fmt_parent(m, az_mstat_col(m, AZ_MD_MEMBERREF, mr, 0), &b);
            sadd(&b, ".");
            sadd(&b, az_mstat_string(m, az_mstat_col(m, AZ_MD_MEMBERREF, mr, 1)));
        } else {
            sadd(&b, "?");
        }
        fmt_method_inst(m, az_mstat_col(m, AZ_MD_METHODSPEC, row, 1), &b);
        break;
    }
    default:
        sadd(&b, "?");
    }
    return az_arena_strndup(arena, b.buf, b.len);
}

/* The generic TypeRef and argument count of a GENERICINST TypeSpec; 0 when
 * it is not one. */
static uint32_t typespec_generic(const az_mstat *m, uint32_t ts_row, az_cursor *args_at, uint32_t *count)
{
    az_cursor c;
    if (!blob_at(m, az_mstat_col(m, AZ_MD_TYPESPEC, ts_row, 0), &c) || az_u8(&c) != 0x15)
        return 0;
    az_u8(&c);
    uint32_t def;
    if (!compressed(&c, &def) || !compressed(&c, count) || (def & 3) != 1 || *count > 64)
        return 0;
    *args_at = c;
    return def >> 2;
}

static void read_args(const az_mstat *m, az_cursor *c, uint32_t n, az_arena *arena, az_mstat_arg *out)
{
    for (uint32_t i = 0; i < n; i++) {
        sbuf b = { .len = 0 };
        b.buf[0] = 0;
        tinfo ti = { 0 };
        fmt_type(m, c, &b, 1, &ti);
        out[i].display = az_arena_strndup(arena, b.buf, b.len);
        out[i].assembly = ti.assembly;
        out[i].value_type = ti.value_type;
        out[i].canon = ti.canon;
    }
}

const char *az_mstat_assembly(const az_mstat *m, uint32_t token)
{
    uint32_t row = token & 0xFFFFFF;
    switch (token >> 24) {
    case AZ_MD_TYPEREF:
        return typeref_assembly(m, row);
    case AZ_MD_TYPESPEC: {
        az_cursor c;
        uint32_t n;
        uint32_t def = typespec_generic(m, row, &c, &n);
        return def ? typeref_assembly(m, def) : NULL;
    }
    case AZ_MD_MEMBERREF: {
        uint32_t parent = az_mstat_col(m, AZ_MD_MEMBERREF, row, 0);
        if ((parent & 7) == 1)
            return typeref_assembly(m, parent >> 3);
        if ((parent & 7) == 4)
            return az_mstat_assembly(m, (uint32_t)AZ_MD_TYPESPEC << 24 | parent >> 3);
        return NULL;
    }
    case AZ_MD_METHODSPEC: {
        uint32_t meth = az_mstat_col(m, AZ_MD_METHODSPEC, row, 0);
        return (meth & 1) ? az_mstat_assembly(m, (uint32_t)AZ_MD_MEMBERREF << 24 | meth >> 1) : NULL;
    }
    }
    return NULL;
}

bool az_mstat_generic_of(const az_mstat *m, uint32_t token, az_arena *arena, az_mstat_generic *out)
{
    memset(out, 0, sizeof *out);
    uint32_t row = token & 0xFFFFFF;
    uint32_t memberref = 0, methodspec = 0, typespec = 0;
    switch (token >> 24) {
    case AZ_MD_TYPEREF:
        return true; /* a definition itself, not an instantiation */
    case AZ_MD_TYPESPEC:
        typespec = row;
        break;
    case AZ_MD_MEMBERREF:
        memberref = row;
        break;
    case AZ_MD_METHODSPEC: {
        methodspec = row;
        uint32_t meth = az_mstat_col(m, AZ_MD_METHODSPEC, row, 0);
        if ((meth & 1) != 1)
            return false;
        memberref = meth >> 1;
        break;
    }
    default:
        return false;
    }
    uint32_t owner_def = 0;
    if (memberref) {
        if (memberref > m->t[AZ_MD_MEMBERREF].rows)
            return false;
        uint32_t parent = az_mstat_col(m, AZ_MD_MEMBERREF, memberref, 0);
        if ((parent & 7) == 4)
            typespec = parent >> 3;
        else if ((parent & 7) == 1)
            owner_def = parent >> 3;
        else
            return false;
    }
    az_cursor oargs = { 0 };
    uint32_t nowner = 0;
    if (typespec) {
        if (typespec > m->t[AZ_MD_TYPESPEC].rows)
            return false;
        owner_def = typespec_generic(m, typespec, &oargs, &nowner);
        if (!owner_def)
            return true; /* an array or other non-generic type spec */
    }
    az_cursor margs = { 0 };
    uint32_t nmeth = 0;
    if (methodspec) {
        if (!blob_at(m, az_mstat_col(m, AZ_MD_METHODSPEC, methodspec, 1), &margs) || az_u8(&margs) != 0x0A ||
            !compressed(&margs, &nmeth) || nmeth > 64)
            return false;
    }
    if (!typespec && !methodspec)
        return true; /* a method of a non-generic type */
    out->generic = true;
    out->method = methodspec != 0;
    out->def_typeref = owner_def;
    out->inst = methodspec ? methodspec : typespec;
    out->nowner_args = nowner;
    out->nargs = nowner + nmeth;
    out->args = az_arena_alloc(arena, (out->nargs ? out->nargs : 1) * sizeof *out->args);
    read_args(m, &oargs, nowner, arena, out->args);
    read_args(m, &margs, nmeth, arena, out->args + nowner);
    sbuf b = { .len = 0 };
    b.buf[0] = 0;
    fmt_typeref(m, owner_def, &b, NULL, 0);
    if (methodspec) {
        out->def_name = az_mstat_col(m, AZ_MD_MEMBERREF, memberref, 1);
        out->def_sig = az_mstat_col(m, AZ_MD_MEMBERREF, memberref, 2);
        char t[32];
        snprintf(t, sizeof t, "`%u", method_arity(m, out->def_sig));
        sadd(&b, ".");
        sadd(&b, az_mstat_string(m, out->def_name));
        sadd(&b, t);
    }
    out->def_display = az_arena_strndup(arena, b.buf, b.len);
    out->display = az_mstat_display(m, token, arena);
    const char *asm_name = typeref_assembly(m, owner_def);
    out->boxed = asm_name && strcmp(asm_name, "System.Private.CompilerGenerated") == 0 &&
                 strncmp(az_mstat_string(m, az_mstat_col(m, AZ_MD_TYPEREF, owner_def, 1)), "Boxed_", 6) == 0;
    return true;
}
