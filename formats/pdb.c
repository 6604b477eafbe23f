/* PDB reader: the MSF 7.0 container and the streams aotsize needs.
 *
 * The container is a file of fixed-size blocks.  The superblock names the
 * blocks of the stream directory (through one more level, the block map);
 * the directory lists every stream's size and blocks.  A stream is read by
 * copying its blocks into one buffer, after checking every block number
 * against the file.  Streams: 1 = PDB info, 3 = DBI; the DBI header names
 * the public, global and symbol-record streams, and each module's symbol
 * stream. */
#include "pdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cursor.h"
#include "pe.h"

static const char msf_magic[32] = "Microsoft C/C++ MSF 7.00\r\n\x1a" "DS\0\0";

enum { STREAM_PDB_INFO = 1, STREAM_DBI = 3, NIL_STREAM = 0xffff };

/* CodeView symbol record kinds (cvinfo.h). */
enum {
    S_END = 0x0006,
    S_THUNK32 = 0x1102,
    S_LDATA32 = 0x110c,
    S_GDATA32 = 0x110d,
    S_PUB32 = 0x110e,
    S_LPROC32 = 0x110f,
    S_GPROC32 = 0x1110,
    S_LTHREAD32 = 0x1112,
    S_GTHREAD32 = 0x1113,
    S_LPROC32_ID = 0x1146,
    S_GPROC32_ID = 0x1147,
};

bool az_pdb_sniff(const uint8_t *data, uint64_t size)
{
    return size >= sizeof msf_magic && memcmp(data, msf_magic, sizeof msf_magic) == 0;
}

/* ---- the MSF container ----------------------------------------------------------- */

typedef struct msf {
    const char *path;
    az_cursor whole;
    uint32_t block_size;
    uint32_t nblocks;
    uint8_t *dir;          /* the stream directory, assembled */
    uint64_t dir_size;
    uint32_t nstreams;
    uint64_t *block_list;  /* per stream: offset of its block numbers in dir */
} msf;

static void msf_close(msf *m)
{
    free(m->dir);
    free(m->block_list);
    memset(m, 0, sizeof *m);
}

/* Copies `count` blocks listed (as u32 block numbers) in `list` into a new
 * buffer of `size` bytes.  NULL when a block number is out of range. */
static uint8_t *gather(const msf *m, az_cursor list, uint64_t size)
{
    uint8_t *buf = az_xmalloc(size ? size : 1);
    uint64_t done = 0;
    while (done < size) {
        uint32_t b = az_u32le(&list);
        uint64_t chunk = size - done < m->block_size ? size - done : m->block_size;
        az_cursor blk;
        if (list.failed || b >= m->nblocks ||
            !az_cursor_sub(&m->whole, (uint64_t)b * m->block_size, chunk, &blk)) {
            free(buf);
            return NULL;
        }
        memcpy(buf + done, blk.base, chunk);
        done += chunk;
    }
    return buf;
}

static uint64_t blocks_for(const msf *m, uint64_t size)
{
    return (size + m->block_size - 1) / m->block_size;
}

static az_status msf_open(msf *m, const uint8_t *data, uint64_t size, const char *path, az_error *err)
{
    memset(m, 0, sizeof *m);
    m->path = path;
    m->whole = az_cursor_make(data, size);
    if (!az_pdb_sniff(data, size))
        return az_fail(err, AZ_ERR_FORMAT, "%s: not a PDB (no MSF 7.00 signature)", path);
    az_cursor c;
    if (!az_cursor_sub(&m->whole, sizeof msf_magic, 24, &c))
        return az_fail(err, AZ_ERR_FORMAT, "%s: truncated PDB superblock", path);
    m->block_size = az_u32le(&c);
    az_u32le(&c); /* free block map block */
    m->nblocks = az_u32le(&c);
    uint32_t dir_bytes = az_u32le(&c);
    az_u32le(&c);
    uint32_t map_block = az_u32le(&c);
    switch (m->block_size) {
    case 512: case 1024: case 2048: case 4096: case 8192: case 16384: case 32768: break;
    default: return az_fail(err, AZ_ERR_FORMAT, "%s: PDB block size %u is not valid", path, m->block_size);
    }
    if ((uint64_t)m->nblocks * m->block_size > size)
        return az_fail(err, AZ_ERR_CORRUPT, "%s: PDB is truncated (%u blocks of %u bytes, file has %llu bytes)",
                       path, m->nblocks, m->block_size, (unsigned long long)size);
    /* The directory cannot be larger than the file that holds it. */
    if (dir_bytes < 4 || dir_bytes > size)
        return az_fail(err, AZ_ERR_CORRUPT, "%s: PDB stream directory size %u is not valid", path, dir_bytes);
    uint64_t dir_blocks = blocks_for(m, dir_bytes);
    az_cursor map;
    if (map_block >= m->nblocks ||
        !az_cursor_sub(&m->whole, (uint64_t)map_block * m->block_size, dir_blocks * 4, &map))
        return az_fail(err, AZ_ERR_CORRUPT, "%s: PDB block map is outside the file", path);
    m->dir = gather(m, map, dir_bytes);
    if (!m->dir)
        return az_fail(err, AZ_ERR_CORRUPT, "%s: PDB stream directory names a block outside the file", path);
    m->dir_size = dir_bytes;

    az_cursor d = az_cursor_make(m->dir, m->dir_size);
    m->nstreams = az_u32le(&d);
    if ((uint64_t)m->nstreams * 4 > az_cursor_left(&d)) {
        uint32_t claimed = m->nstreams;
        uint64_t held = m->dir_size;
        msf_close(m);
        return az_fail(err, AZ_ERR_CORRUPT, "%s: PDB stream directory claims %u streams but holds %llu bytes",
                       path, claimed, (unsigned long long)held);
    }
    m->block_list = az_xmalloc((m->nstreams ? m->nstreams : 1) * sizeof *m->block_list);
    uint64_t list_off = 4 + 4ull * m->nstreams;
    for (uint32_t i = 0; i < m->nstreams; i++) {
        bool ok;
        uint32_t ssize = az_peek_u32le(&d, 4 + 4ull * i, &ok);
        uint64_t nb = ssize == 0xffffffffu ? 0 : blocks_for(m, ssize);
        m->block_list[i] = list_off;
        if (nb > (m->dir_size - list_off) / 4) {
            msf_close(m);
            return az_fail(err, AZ_ERR_CORRUPT, "%s: PDB stream directory is truncated at stream %u", path, i);
        }
        list_off += 4 * nb;
    }
    return AZ_OK;
}

/* Reads stream idx into a new buffer; false (with *data NULL) when it does
 * not exist or names blocks outside the file. */
static bool msf_stream(const msf *m, uint32_t idx, uint8_t **data, uint64_t *size)
{
    *data = NULL;
    *size = 0;
    if (idx >= m->nstreams)
        return false;
    bool ok;
    az_cursor d = az_cursor_make(m->dir, m->dir_size);
    uint32_t ssize = az_peek_u32le(&d, 4 + 4ull * idx, &ok);
    if (!ok || ssize == 0xffffffffu)
        return false;
    az_cursor list;
    if (!az_cursor_sub(&d, m->block_list[idx], blocks_for(m, ssize) * 4, &list))
        return false;
    *data = gather(m, list, ssize);
    if (!*data)
        return false;
    *size = ssize;
    return true;
}

/* ---- identity ------------------------------------------------------------------- */

typedef struct dbi_header {
    uint32_t age;
    uint16_t global_stream, public_stream, sym_record_stream;
    int32_t mod_info_size, section_contrib_size, section_map_size, source_info_size;
    int32_t type_server_map_size, optional_dbg_size, ec_size;
    uint16_t machine;
} dbi_header;

static bool read_dbi_header(az_cursor *c, dbi_header *h)
{
    int32_t sig = az_i32le(c);
    az_u32le(c); /* version */
    h->age = az_u32le(c);
    h->global_stream = az_u16le(c);
    az_u16le(c); /* build number */
    h->public_stream = az_u16le(c);
    az_u16le(c); /* PDB DLL version */
    h->sym_record_stream = az_u16le(c);
    az_u16le(c);
    h->mod_info_size = az_i32le(c);
    h->section_contrib_size = az_i32le(c);
    h->section_map_size = az_i32le(c);
    h->source_info_size = az_i32le(c);
    h->type_server_map_size = az_i32le(c);
    az_u32le(c); /* MFC type server index */
    h->optional_dbg_size = az_i32le(c);
    h->ec_size = az_i32le(c);
    az_u16le(c); /* flags */
    h->machine = az_u16le(c);
    az_u32le(c);
    return !c->failed && sig == -1 && h->mod_info_size >= 0 && h->section_contrib_size >= 0 &&
           h->section_map_size >= 0 && h->source_info_size >= 0 && h->type_server_map_size >= 0 &&
           h->optional_dbg_size >= 0 && h->ec_size >= 0;
}

static az_status read_identity(const msf *m, char *key, uint32_t *dbi_age, az_error *err)
{
    uint8_t *info;
    uint64_t n;
    if (!msf_stream(m, STREAM_PDB_INFO, &info, &n) || n < 28) {
        free(info);
        return az_fail(err, AZ_ERR_CORRUPT, "%s: PDB info stream is missing or damaged", m->path);
    }
    az_cursor c = az_cursor_make(info, n);
    az_u32le(&c); /* version */
    az_u32le(&c); /* signature (time stamp) */
    uint32_t age = az_u32le(&c);
    const uint8_t *guid = az_bytes(&c, 16);
    az_pe_identity_key(guid, age, key);
    free(info);
    *dbi_age = 0;
    uint8_t *dbi;
    if (msf_stream(m, STREAM_DBI, &dbi, &n)) {
        az_cursor d = az_cursor_make(dbi, n);
        dbi_header h;
        if (read_dbi_header(&d, &h))
            *dbi_age = h.age;
        free(dbi);
    }
    return AZ_OK;
}

az_status az_pdb_identify(const uint8_t *data, uint64_t size, const char *path, char *key, uint32_t *dbi_age,
                          az_error *err)
{
    msf m;
    az_status st = msf_open(&m, data, size, path, err);
    if (st != AZ_OK)
        return st;
    st = read_identity(&m, key, dbi_age, err);
    msf_close(&m);
    return st;
}

/* ---- symbols -------------------------------------------------------------------- */

/* One symbol found in the PDB, before it goes into the image. */
typedef struct pdb_sym {
    uint64_t rva;
    uint64_t size;       /* code size of a procedure or thunk; 0 when unknown */
    const char *name;    /* in img's arena */
    int32_t section;     /* index in img->sections */
    uint8_t type;
    uint8_t global;
    uint8_t proc;        /* from a module's procedure record */
} pdb_sym;

typedef struct sym_list {
    pdb_sym *v;
    size_t n, cap;
} sym_list;

typedef struct reader {
    az_image *img;
    const char *path;
    sym_list syms;
    uint64_t outside;    /* records whose section:offset is not in the image */
} reader;

/* The image section of a PDB segment number (1-based, the PE's own
 * numbering), when offset lies inside it. */
static int32_t segment_section(const az_image *img, uint16_t seg, uint32_t off)
{
    for (size_t i = 0; i < img->nsections; i++)
        if (img->sections[i].index == seg)
            return off < img->sections[i].vm_size ? (int32_t)i : -1;
    return -1;
}

/* The linker's names for import machinery: the import directory regions
 * describe those bytes (as .got has no symbols on ELF).  Microsoft import
 * libraries name them __imp_X, __IMPORT_DESCRIPTOR_<dll>,
 * __NULL_IMPORT_DESCRIPTOR and \x7f<dll>_NULL_THUNK_DATA; GNU dlltool's
 * (mingw-w64) _head_<lib> and <lib>_iname. */
static bool is_import_name(const char *n, uint64_t len)
{
    return strncmp(n, "__imp_", 6) == 0 || strncmp(n, "__IMPORT_DESCRIPTOR_", 20) == 0 ||
           strcmp(n, "__NULL_IMPORT_DESCRIPTOR") == 0 || (unsigned char)n[0] == 0x7f ||
           strncmp(n, "_head_", 6) == 0 || (len > 6 && strcmp(n + len - 6, "_iname") == 0);
}

static void add_sym(reader *r, uint16_t seg, uint32_t off, const char *name, uint64_t len, uint64_t size,
                    uint8_t type, bool global, bool proc)
{
    if (!name || !len || is_import_name(name, len))
        return;
    int32_t sec = segment_section(r->img, seg, off);
    if (sec < 0) {
        r->outside++;
        return;
    }
    /* Symbols in .rsrc (lld-link names them _rsrc1, _rsrc2) name blocks
     * of resource data, not code or data of the program: the resource
     * directory labels those bytes, as it does without a PDB. */
    if (strcmp(r->img->sections[sec].name, ".rsrc") == 0)
        return;
    az_grow(&r->syms.v, &r->syms.cap, r->syms.n + 1, sizeof *r->syms.v);
    pdb_sym *s = &r->syms.v[r->syms.n++];
    s->rva = r->img->sections[sec].vm_addr + off;
    s->size = size;
    s->name = az_arena_strndup(&r->img->arena, name, len);
    s->section = sec;
    s->type = type;
    s->global = global;
    s->proc = proc;
}

/* One symbol record at c's position (u16 length, u16 kind, data); `module`
 * tells a module stream (procedures) from the global record stream.
 * Returns false at the end or when the record runs past the stream. */
static bool read_record(reader *r, az_cursor *c, bool module)
{
    if (az_cursor_left(c) < 4)
        return false;
    uint16_t len = az_u16le(c);
    az_cursor rec;
    if (len < 2 || !az_cursor_sub(c, c->pos, len, &rec))
        return false;
    az_cursor_skip(c, len);
    uint16_t kind = az_u16le(&rec);
    uint64_t nlen = 0;
    const char *name;
    switch (kind) {
    case S_PUB32: {
        uint32_t flags = az_u32le(&rec), off = az_u32le(&rec);
        uint16_t seg = az_u16le(&rec);
        name = az_cstr(&rec, &nlen);
        /* cvpsfCode | cvpsfFunction mark code. */
        add_sym(r, seg, off, name, nlen, 0, (flags & 3) ? AZ_SYMT_FUNC : AZ_SYMT_OBJECT, true, false);
        break;
    }
    case S_GDATA32: case S_LDATA32: case S_GTHREAD32: case S_LTHREAD32: {
        az_u32le(&rec); /* type index */
        uint32_t off = az_u32le(&rec);
        uint16_t seg = az_u16le(&rec);
        name = az_cstr(&rec, &nlen);
        bool tls = kind == S_GTHREAD32 || kind == S_LTHREAD32;
        add_sym(r, seg, off, name, nlen, 0, tls ? AZ_SYMT_TLS : AZ_SYMT_OBJECT,
                kind == S_GDATA32 || kind == S_GTHREAD32, false);
        break;
    }
    case S_GPROC32: case S_LPROC32: case S_GPROC32_ID: case S_LPROC32_ID: {
        if (!module)
            break;
        az_cursor_skip(&rec, 12); /* parent, end, next */
        uint32_t code_size = az_u32le(&rec);
        az_cursor_skip(&rec, 12); /* debug start, debug end, type */
        uint32_t off = az_u32le(&rec);
        uint16_t seg = az_u16le(&rec);
        az_u8(&rec); /* flags */
        name = az_cstr(&rec, &nlen);
        add_sym(r, seg, off, name, nlen, code_size, AZ_SYMT_FUNC, kind == S_GPROC32 || kind == S_GPROC32_ID,
                true);
        break;
    }
    case S_THUNK32: {
        if (!module)
            break;
        az_cursor_skip(&rec, 12);
        uint32_t off = az_u32le(&rec);
        uint16_t seg = az_u16le(&rec), tlen = az_u16le(&rec);
        az_u8(&rec); /* ordinal */
        name = az_cstr(&rec, &nlen);
        add_sym(r, seg, off, name, nlen, tlen, AZ_SYMT_FUNC, false, true);
        break;
    }
    default:
        break;
    }
    return true;
}

/* Reads the records at the stream offsets listed in `offsets` (u32 each;
 * `plus_one` for the globals hash, whose offsets are stored + 1). */
static void read_records_at(reader *r, const uint8_t *recs, uint64_t nrecs, az_cursor offsets, uint64_t count,
                            uint64_t stride, bool plus_one, bool *damaged)
{
    for (uint64_t i = 0; i < count; i++) {
        uint64_t at = i * stride;
        bool ok;
        uint32_t off = az_peek_u32le(&offsets, at, &ok);
        if (!ok)
            break;
        if (plus_one) {
            if (off == 0) {
                *damaged = true;
                continue;
            }
            off--;
        }
        az_cursor c = az_cursor_make(recs, nrecs);
        if (!az_cursor_seek(&c, off) || !read_record(r, &c, false))
            *damaged = true;
    }
}

/* Publics: the PSGSI header, a hash (skipped), then the address map: one
 * u32 offset into the symbol record stream per public, sorted by address. */
static void read_publics(reader *r, const msf *m, const dbi_header *h, const uint8_t *recs, uint64_t nrecs)
{
    uint8_t *ps;
    uint64_t n;
    if (h->public_stream == NIL_STREAM || !msf_stream(m, h->public_stream, &ps, &n)) {
        az_image_warn(r->img, "%s: PDB has no readable public symbol stream", r->path);
        return;
    }
    az_cursor c = az_cursor_make(ps, n);
    uint32_t hash_size = az_u32le(&c), addr_map_size = az_u32le(&c);
    az_cursor map;
    bool damaged = false;
    if (c.failed || !az_cursor_sub(&c, 28ull + hash_size, addr_map_size, &map)) {
        az_image_warn(r->img, "%s: PDB public symbol stream is damaged; public symbols not read", r->path);
        free(ps);
        return;
    }
    read_records_at(r, recs, nrecs, map, addr_map_size / 4, 4, false, &damaged);
    if (damaged)
        az_image_warn(r->img, "%s: some PDB public symbol records are damaged; they were skipped", r->path);
    free(ps);
}

/* Globals: a GSI hash whose records are {offset + 1, reference count}. */
static void read_globals(reader *r, const msf *m, const dbi_header *h, const uint8_t *recs, uint64_t nrecs)
{
    uint8_t *gs;
    uint64_t n;
    if (h->global_stream == NIL_STREAM || !msf_stream(m, h->global_stream, &gs, &n))
        return;
    az_cursor c = az_cursor_make(gs, n);
    uint32_t sig = az_u32le(&c);
    az_u32le(&c); /* version */
    uint32_t hr_size = az_u32le(&c);
    az_u32le(&c); /* buckets */
    az_cursor hrs;
    bool damaged = false;
    if (c.failed || sig != 0xffffffffu || !az_cursor_sub(&c, 16, hr_size, &hrs))
        damaged = true;
    else
        read_records_at(r, recs, nrecs, hrs, hr_size / 8, 8, true, &damaged);
    if (damaged)
        az_image_warn(r->img, "%s: PDB global symbol stream is damaged; some global symbols were skipped", r->path);
    free(gs);
}

/* Module info (DBI substream 1): a fixed 64-byte part, then the module and
 * object names, padded to 4.  Each module's symbol stream holds its
 * procedures. */
static void read_modules(reader *r, const msf *m, az_cursor mods)
{
    bool damaged = false;
    uint32_t nmods = 0;
    while (az_cursor_left(&mods) >= 64) {
        az_cursor e;
        az_cursor_sub(&mods, mods.pos, 64, &e);
        az_cursor_skip(&e, 4 + 28 + 2);
        uint16_t stream = az_u16le(&e);
        uint32_t sym_bytes = az_u32le(&e);
        az_cursor_skip(&mods, 64);
        const char *modname = az_cstr(&mods, NULL), *objname = az_cstr(&mods, NULL);
        if (!modname || !objname) {
            damaged = true;
            break;
        }
        az_cursor_seek(&mods, (mods.pos + 3) & ~3ull);
        nmods++;
        if (stream == NIL_STREAM || sym_bytes < 4)
            continue;
        uint8_t *ms;
        uint64_t n;
        if (!msf_stream(m, stream, &ms, &n) || sym_bytes > n) {
            damaged = true;
            free(ms);
            continue;
        }
        /* C13 signature (4), then the symbol records. */
        az_cursor c = az_cursor_make(ms, sym_bytes);
        if (az_u32le(&c) != 4) {
            damaged = true;
            free(ms);
            continue;
        }
        while (az_cursor_left(&c) >= 4)
            if (!read_record(r, &c, true)) {
                damaged = true;
                break;
            }
        free(ms);
    }
    if (damaged)
        az_image_warn(r->img, "%s: PDB module information is damaged; some procedures were not read", r->path);
    (void)nmods;
}

/* The section map (DBI substream 3): one entry per image section plus one
 * for absolute symbols.  A map that disagrees with the image means the PDB
 * describes another layout. */
static void check_section_map(reader *r, az_cursor map)
{
    uint16_t count = az_u16le(&map);
    az_u16le(&map);
    if (map.failed || (uint64_t)count * 20 > az_cursor_left(&map)) {
        az_image_warn(r->img, "%s: PDB section map is damaged", r->path);
        return;
    }
    size_t want = r->img->nsections;
    if (count != want && count != want + 1)
        az_image_warn(r->img, "%s: PDB section map has %u entries for %zu sections", r->path, count, want);
}

/* Optional debug headers (DBI substream 7): stream numbers; entries 3 and 4
 * are OMAP tables, present when a tool reordered the image after linking,
 * which makes section:offset addresses not RVAs of this image. */
static void check_optional_headers(reader *r, az_cursor opt)
{
    for (unsigned i = 0; az_cursor_left(&opt) >= 2; i++) {
        uint16_t s = az_u16le(&opt);
        if ((i == 3 || i == 4) && s != NIL_STREAM) {
            az_image_warn(r->img, "%s: PDB has OMAP address maps (a reordered image); symbol addresses may be wrong",
                          r->path);
            return;
        }
    }
}

/* Section contributions (DBI substream 2): the input sections the linker
 * placed, as RVA ranges sorted by start.  Version 1 entries are 28 bytes,
 * version 2 adds the COFF section index (32). */
typedef struct contribs {
    uint64_t (*r)[2];
    size_t n;
} contribs;

static int cmp_pair(const void *x, const void *y)
{
    const uint64_t *a = x, *b = y;
    return a[0] < b[0] ? -1 : a[0] > b[0];
}

static void read_contribs(reader *r, az_cursor c, contribs *out)
{
    out->r = NULL;
    out->n = 0;
    uint32_t version = az_u32le(&c);
    uint64_t entry = version == 0xeffe0000u + 20140516u ? 32 : 28;
    if (c.failed || (version != 0xeffe0000u + 19970605u && entry == 28)) {
        if (c.size)
            az_image_warn(r->img, "%s: PDB section contributions have unknown version %#x", r->path, version);
        return;
    }
    uint64_t count = az_cursor_left(&c) / entry;
    out->r = az_xmalloc((count ? count : 1) * sizeof *out->r);
    for (uint64_t i = 0; i < count; i++) {
        az_cursor e;
        az_cursor_sub(&c, 4 + i * entry, entry, &e);
        uint16_t seg = az_u16le(&e);
        az_u16le(&e);
        uint32_t off = az_u32le(&e), size = az_u32le(&e);
        int32_t sec = segment_section(r->img, seg, off);
        if (sec < 0 || size == 0)
            continue;
        out->r[out->n][0] = r->img->sections[sec].vm_addr + off;
        out->r[out->n][1] = out->r[out->n][0] + size;
        out->n++;
    }
    az_qsort(out->r, out->n, sizeof *out->r, cmp_pair);
}

/* An unsized symbol (a public, a data record) that is the last one in its
 * input section ends where that section's contribution ends: the linker put
 * other objects' bytes (or unwind data) after it, which are not its own. */
static void size_from_contribs(sym_list *syms, const contribs *cs)
{
    for (size_t i = 0; i < syms->n; i++) {
        pdb_sym *s = &syms->v[i];
        if (s->size)
            continue;
        size_t lo = 0, hi = cs->n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (cs->r[mid][0] <= s->rva)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == 0 || s->rva >= cs->r[lo - 1][1])
            continue;
        uint64_t end = cs->r[lo - 1][1];
        /* A procedure at the same address already has its size (and the
         * better name: undecorated); the public stays an unsized alias. */
        size_t first = i;
        while (first > 0 && syms->v[first - 1].rva == s->rva)
            first--;
        size_t j = first;
        bool sized_alias = false;
        for (; j < syms->n && syms->v[j].rva == s->rva; j++)
            sized_alias |= syms->v[j].size != 0;
        if (!sized_alias && (j >= syms->n || syms->v[j].rva >= end))
            s->size = end - s->rva;
    }
}

static int cmp_sym(const void *x, const void *y)
{
    const pdb_sym *a = x, *b = y;
    if (a->rva != b->rva)
        return a->rva < b->rva ? -1 : 1;
    int c = strcmp(a->name, b->name);
    if (c)
        return c;
    return a->proc > b->proc ? -1 : a->proc < b->proc; /* the procedure (sized) first */
}

az_status az_pdb_add_symbols(az_image *img, const uint8_t *data, uint64_t size, const char *path, az_error *err)
{
    msf m;
    az_status st = msf_open(&m, data, size, path, err);
    if (st != AZ_OK)
        return st;
    uint8_t *dbi;
    uint64_t ndbi;
    if (!msf_stream(&m, STREAM_DBI, &dbi, &ndbi)) {
        msf_close(&m);
        return az_fail(err, AZ_ERR_CORRUPT, "%s: PDB has no readable DBI stream", path);
    }
    az_cursor d = az_cursor_make(dbi, ndbi);
    dbi_header h;
    if (!read_dbi_header(&d, &h)) {
        free(dbi);
        msf_close(&m);
        return az_fail(err, AZ_ERR_CORRUPT, "%s: PDB DBI header is damaged", path);
    }
    reader r = { img, path, { NULL, 0, 0 }, 0 };

    /* Substreams follow the 64-byte header in a fixed order. */
    uint64_t at = 64;
    az_cursor mods, contribs_c, secmap, opt;
    bool ok = az_cursor_sub(&d, at, (uint64_t)h.mod_info_size, &mods);
    at += (uint64_t)h.mod_info_size;
    ok = az_cursor_sub(&d, at, (uint64_t)h.section_contrib_size, &contribs_c) && ok;
    at += (uint64_t)h.section_contrib_size;
    ok = az_cursor_sub(&d, at, (uint64_t)h.section_map_size, &secmap) && ok;
    at += (uint64_t)h.section_map_size + (uint64_t)h.source_info_size + (uint64_t)h.type_server_map_size +
          (uint64_t)h.ec_size;
    ok = az_cursor_sub(&d, at, (uint64_t)h.optional_dbg_size, &opt) && ok;
    contribs cs = { NULL, 0 };
    if (!ok)
        az_image_warn(img, "%s: PDB DBI substreams run past the stream; reading what is there", path);
    else {
        check_section_map(&r, secmap);
        check_optional_headers(&r, opt);
        read_contribs(&r, contribs_c, &cs);
    }

    uint8_t *recs = NULL;
    uint64_t nrecs = 0;
    if (h.sym_record_stream != NIL_STREAM && msf_stream(&m, h.sym_record_stream, &recs, &nrecs)) {
        read_publics(&r, &m, &h, recs, nrecs);
        read_globals(&r, &m, &h, recs, nrecs);
    } else {
        az_image_warn(img, "%s: PDB has no readable symbol record stream; only module symbols are read", path);
    }
    free(recs);
    if (mods.size)
        read_modules(&r, &m, mods);
    if (r.outside)
        az_image_warn(img, "%s: %llu PDB symbols lie outside the image's sections; they were skipped", path,
                      (unsigned long long)r.outside);

    /* One symbol per name and address: a procedure record and the public of
     * the same function merge (the procedure's size, the public's
     * scope). */
    az_qsort(r.syms.v, r.syms.n, sizeof *r.syms.v, cmp_sym);
    size_from_contribs(&r.syms, &cs);
    free(cs.r);
    size_t added = 0;
    for (size_t i = 0; i < r.syms.n; i++) {
        pdb_sym *s = &r.syms.v[i];
        size_t j = i + 1;
        bool global = s->global;
        while (j < r.syms.n && r.syms.v[j].rva == s->rva && strcmp(r.syms.v[j].name, s->name) == 0) {
            global |= r.syms.v[j].global;
            j++;
        }
        az_symbol *out = az_image_add_symbol(img);
        out->name = s->name;
        out->addr = s->rva;
        out->size = s->size;
        out->section = s->section;
        out->type = s->type;
        out->global = global;
        added++;
        i = j - 1;
    }
    free(r.syms.v);
    free(dbi);
    msf_close(&m);
    if (added) {
        img->has_symtab = true;
        img->symbols_from = az_arena_strdup(&img->arena, path);
    }
    return AZ_OK;
}

/* ---- finding the PDB ------------------------------------------------------------- */

/* Opens and checks one candidate against img's CodeView record. */
static bool try_candidate(az_image *img, const char *path, bool explicit_choice, az_input *out)
{
    az_input in;
    if (!az_input_open_candidate(img, path, explicit_choice, "PDB", &in))
        return false;
    az_error err = { 0 };
    char key[42];
    uint32_t dbi_age;
    if (az_pdb_identify(in.data, in.size, path, key, &dbi_age, &err) != AZ_OK) {
        az_image_warn(img, "PDB refused: %s", err.msg);
        az_input_close(&in);
        return false;
    }
    if (!img->build_id) {
        if (!explicit_choice) {
            az_input_close(&in);
            return false;
        }
        az_image_warn(img, "PDB %s cannot be verified (the image has no CodeView record); using it as given", path);
    } else if (strcmp(key, img->build_id) != 0) {
        /* The DBI stream's age is the one some tools bump; accept either. */
        char alt[42] = "";
        size_t glen = strlen(key) > 32 ? 32 : strlen(key);
        if (dbi_age)
            snprintf(alt, sizeof alt, "%.*s%X", (int)glen, key, dbi_age);
        if (strcmp(alt, img->build_id) != 0) {
            az_image_warn(img, "PDB %s does not match %s: its GUID and age %s differ from the image's %s; not used",
                          path, img->path, key, img->build_id);
            az_input_close(&in);
            return false;
        }
    }
    *out = in;
    return true;
}

bool az_pdb_find(az_image *img, const char *explicit_path, az_input *out)
{
    memset(out, 0, sizeof *out);
    if (explicit_path)
        return try_candidate(img, explicit_path, true, out);

    char dir[4096];
    snprintf(dir, sizeof dir, "%s", img->path);
    char *slash = strrchr(dir, '/');
    if (slash)
        slash[slash == dir ? 1 : 0] = 0;
    else
        snprintf(dir, sizeof dir, ".");
    const char *base = strrchr(img->path, '/');
    base = base ? base + 1 : img->path;

    char path[8192];
    /* hello.exe -> hello.pdb (what the linker writes by default). */
    const char *dot = strrchr(base, '.');
    size_t stem = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    snprintf(path, sizeof path, "%s/%.*s.pdb", dir, (int)stem, base);
    if (try_candidate(img, path, false, out))
        return true;
    snprintf(path, sizeof path, "%s.pdb", img->path);
    if (try_candidate(img, path, false, out))
        return true;
    if (img->debuglink) {
        /* The CodeView path is usually a Windows path: its file name beside
         * the image, then the path itself. */
        const char *p = img->debuglink, *name = p;
        for (const char *q = p; *q; q++)
            if (*q == '/' || *q == '\\')
                name = q + 1;
        if (*name) {
            snprintf(path, sizeof path, "%s/%s", dir, name);
            if (try_candidate(img, path, false, out))
                return true;
        }
        if (try_candidate(img, p, false, out))
            return true;
    }
    return false;
}
