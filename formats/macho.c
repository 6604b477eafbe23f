/* Mach-O reader.
 *
 * Everything is decoded through az_cursor: the universal header (big-endian)
 * when there is one, then the mach header and load commands of the chosen
 * slice, segments and sections, the symbol table, dyld's rebase information
 * (opcodes or chained fixups, decoded into pointer fixups so that pointers in
 * data can be read without applying them), the export trie, function starts,
 * compact unwind and the other tables in __LINKEDIT, each charged to what it
 * describes or labelled.
 *
 * File offsets in a Mach-O header are relative to its slice; the image model
 * uses offsets in the whole file, so the slice's `base` is added to each. */
#include "macho.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

#include "cursor.h"
#include "ehframe.h"

enum {
    FAT_MAGIC = 0xcafebabe, FAT_MAGIC_64 = 0xcafebabf,
    MH_MAGIC = 0xfeedface, MH_MAGIC_64 = 0xfeedfacf, MH_CIGAM = 0xcefaedfe, MH_CIGAM_64 = 0xcffaedfe,
    CPU_ARCH_ABI64 = 0x01000000, CPU_ARCH_ABI64_32 = 0x02000000,
    CPU_TYPE_X86 = 7, CPU_TYPE_ARM = 12, CPU_TYPE_POWERPC = 18,
    CPU_TYPE_X86_64 = CPU_TYPE_X86 | CPU_ARCH_ABI64, CPU_TYPE_ARM64 = CPU_TYPE_ARM | CPU_ARCH_ABI64,
    MH_OBJECT = 1, MH_EXECUTE = 2, MH_DYLIB = 6, MH_BUNDLE = 8, MH_DSYM = 10,
    MACH_HEADER_SIZE = 32, SEGMENT_CMD_SIZE = 72, SECTION_SIZE = 80, NLIST_SIZE = 16,
    VM_PROT_WRITE = 2,
};

enum {
    LC_REQ_DYLD = 0x80000000u,
    LC_SEGMENT = 0x1, LC_SYMTAB = 0x2, LC_DYSYMTAB = 0xb, LC_SEGMENT_64 = 0x19, LC_UUID = 0x1b,
    LC_CODE_SIGNATURE = 0x1d, LC_SEGMENT_SPLIT_INFO = 0x1e, LC_DYLD_INFO = 0x22,
    LC_FUNCTION_STARTS = 0x26, LC_DATA_IN_CODE = 0x29, LC_DYLIB_CODE_SIGN_DRS = 0x2b,
    LC_LINKER_OPTIMIZATION_HINT = 0x2e, LC_ATOM_INFO = 0x36,
};
#define LC_DYLD_INFO_ONLY (0x22u | LC_REQ_DYLD)
#define LC_DYLD_EXPORTS_TRIE (0x33u | LC_REQ_DYLD)
#define LC_DYLD_CHAINED_FIXUPS (0x34u | LC_REQ_DYLD)

/* Section types and attributes (the low byte of flags is the type). */
enum {
    S_ZEROFILL = 0x1, S_GB_ZEROFILL = 0xc, S_THREAD_LOCAL_REGULAR = 0x11, S_THREAD_LOCAL_ZEROFILL = 0x12,
    S_ATTR_PURE_INSTRUCTIONS = 0x80000000u, S_ATTR_SOME_INSTRUCTIONS = 0x400,
};

/* nlist_64 n_type bits and n_desc flags. */
enum { N_STAB = 0xe0, N_PEXT = 0x10, N_TYPE = 0x0e, N_EXT = 0x01, N_SECT = 0xe,
       REFERENCED_DYNAMICALLY = 0x10 };

bool az_macho_sniff(const uint8_t *data, uint64_t size)
{
    if (size < 4)
        return false;
    az_cursor c = az_cursor_make(data, size);
    uint32_t be = az_u32be(&c);
    if (be == FAT_MAGIC || be == FAT_MAGIC_64) {
        /* Java class files share 0xcafebabe; their next word (the class file
         * version) is at least 45, a universal file's slice count is small. */
        uint32_t n = az_u32be(&c);
        return !c.failed && n < 45;
    }
    return be == MH_MAGIC || be == MH_MAGIC_64 || be == MH_CIGAM || be == MH_CIGAM_64;
}

/* ---- files, slices, load commands ------------------------------------------ */

typedef struct lcmd {
    uint32_t cmd, size;
    uint64_t off;          /* in the slice */
} lcmd;

typedef struct mseg {
    char name[17];
    uint64_t vmaddr, vmsize, fileoff, filesize;  /* fileoff in the slice */
    uint32_t initprot, maxprot;
    bool file_ok;          /* [fileoff, +filesize) lies in the slice */
} mseg;

typedef struct msect {
    char seg[17], name[17];
    uint64_t addr, size;
    uint32_t offset, align, flags, reserved1, reserved2;
    int32_t segment;       /* index into the segment list, -1 if none */
} msect;

/* One slice being read: its bytes and what its load commands say. */
typedef struct mfile {
    const char *path;
    az_image *img;         /* where warnings go */
    az_cursor slice;
    uint64_t base;         /* file offset of the slice */
    uint32_t cputype, filetype;
    lcmd *cmds; size_t ncmds;
    mseg *segs; size_t nsegs;    /* all LC_SEGMENT_64, in order (dyld indexes them) */
    msect *sects; size_t nsects; /* all sections, in order: n_sect is index + 1 */
    uint64_t text_vmaddr;  /* where the mach header is mapped; dyld's offsets start here */
    char uuid[33];         /* hex; "" when there is no LC_UUID */
} mfile;

static void mfile_free(mfile *f)
{
    free(f->cmds);
    free(f->segs);
    free(f->sects);
    memset(f, 0, sizeof *f);
}

static const char *cpu_name(uint32_t cputype, char *buf, size_t cap)
{
    switch (cputype) {
    case CPU_TYPE_X86_64: return "x64";
    case CPU_TYPE_ARM64: return "arm64";
    case CPU_TYPE_X86: return "i386";
    case CPU_TYPE_ARM: return "arm";
    case CPU_TYPE_ARM | CPU_ARCH_ABI64_32: return "arm64_32";
    case CPU_TYPE_POWERPC: return "ppc";
    case CPU_TYPE_POWERPC | CPU_ARCH_ABI64: return "ppc64";
    default: snprintf(buf, cap, "cpu 0x%x", cputype); return buf;
    }
}

static az_arch cpu_arch(uint32_t cputype)
{
    return cputype == CPU_TYPE_X86_64 ? AZ_ARCH_X64 : cputype == CPU_TYPE_ARM64 ? AZ_ARCH_ARM64 : AZ_ARCH_UNKNOWN;
}

/* A slice of a universal file, or the whole of a thin one. */
typedef struct slice {
    uint32_t cputype;
    uint64_t off, size;
} slice;

/* Lists the slices; `header_len` gets the size of the universal header (0 for
 * a thin file).  Slices that do not lie in the file are left out with a
 * warning on img (when given). */
static az_status list_slices(const uint8_t *data, uint64_t size, const char *path, az_image *img,
                             slice **out, size_t *n, uint64_t *header_len, az_error *err)
{
    az_cursor c = az_cursor_make(data, size);
    uint32_t magic = az_u32be(&c);
    *out = NULL;
    *n = 0;
    *header_len = 0;
    if (magic != FAT_MAGIC && magic != FAT_MAGIC_64) {
        c = az_cursor_make(data, size);
        az_u32le(&c);
        uint32_t cputype = az_u32le(&c);
        *out = az_xmalloc(sizeof **out);
        (*out)[0] = (slice){ c.failed ? 0 : cputype, 0, size };
        *n = 1;
        return AZ_OK;
    }
    bool wide = magic == FAT_MAGIC_64;
    uint64_t entry = wide ? 32 : 20;
    uint32_t count = az_u32be(&c);
    if (c.failed)
        return az_fail(err, AZ_ERR_FORMAT, "%s: truncated universal (fat) header", path);
    uint64_t fits = (size - 8) / entry;
    if (count > fits) {
        if (img)
            az_image_warn(img, "%s: universal header lists %u slices but the file holds only %llu entries",
                          path, count, (unsigned long long)fits);
        count = (uint32_t)fits;
    }
    *header_len = 8 + count * entry;
    *out = az_xmalloc((count ? count : 1) * sizeof **out);
    uint32_t bad = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t cputype = az_u32be(&c);
        az_u32be(&c); /* cpusubtype */
        uint64_t off = wide ? az_u64be(&c) : az_u32be(&c);
        uint64_t len = wide ? az_u64be(&c) : az_u32be(&c);
        az_u32be(&c); /* align */
        if (wide)
            az_u32be(&c); /* reserved */
        char buf[32];
        if (off < *header_len || len < MACH_HEADER_SIZE || !az_range_fits(off, len, size)) {
            /* A damaged count makes every entry bogus: name a few, count the rest. */
            if (img && ++bad <= 3)
                az_image_warn(img, "%s: universal slice %u (%s) at [%llu, +%llu) does not lie in the file "
                              "(%llu bytes); ignored", path, i, cpu_name(cputype, buf, sizeof buf),
                              (unsigned long long)off, (unsigned long long)len, (unsigned long long)size);
            continue;
        }
        (*out)[(*n)++] = (slice){ cputype, off, len };
    }
    if (img && bad > 3)
        az_image_warn(img, "%s: %u more universal slices do not lie in the file; ignored", path, bad - 3);
    return AZ_OK;
}

/* The slice to read: the `want` architecture, else x64, else arm64. */
static const slice *choose_slice(const slice *s, size_t n, az_arch want)
{
    if (want != AZ_ARCH_UNKNOWN) {
        for (size_t i = 0; i < n; i++)
            if (cpu_arch(s[i].cputype) == want)
                return &s[i];
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (s[i].cputype == CPU_TYPE_X86_64)
            return &s[i];
    for (size_t i = 0; i < n; i++)
        if (s[i].cputype == CPU_TYPE_ARM64)
            return &s[i];
    return NULL;
}

static void slice_names(const slice *s, size_t n, char *out, size_t cap)
{
    size_t j = 0;
    out[0] = 0;
    for (size_t i = 0; i < n && j + 1 < cap; i++) {
        char buf[32];
        int w = snprintf(out + j, cap - j, "%s%s", i ? ", " : "", cpu_name(s[i].cputype, buf, sizeof buf));
        if (w < 0)
            break;
        j += (size_t)w < cap - j ? (size_t)w : cap - j - 1;
    }
    if (n == 0)
        snprintf(out, cap, "none");
}

static void segname(az_cursor *c, char out[17])
{
    const uint8_t *p = az_bytes(c, 16);
    memset(out, 0, 17);
    if (p)
        memcpy(out, p, 16);
}

/* Reads the mach header and load commands of the slice [off, +len). */
static az_status mfile_open(mfile *f, az_image *img, const uint8_t *data, uint64_t size, const char *path,
                            uint64_t off, uint64_t len, az_error *err)
{
    memset(f, 0, sizeof *f);
    f->path = path;
    f->img = img;
    f->base = off;
    az_cursor whole = az_cursor_make(data, size);
    if (!az_cursor_sub(&whole, off, len, &f->slice))
        return az_fail(err, AZ_ERR_FORMAT, "%s: Mach-O slice outside the file", path);

    az_cursor h = f->slice;
    uint32_t magic = az_u32le(&h);
    if (h.failed)
        return az_fail(err, AZ_ERR_FORMAT, "%s: truncated Mach-O header", path);
    if (magic == MH_MAGIC || magic == MH_CIGAM)
        return az_fail(err, AZ_ERR_UNSUPPORTED, "%s: 32-bit Mach-O is not supported (only 64-bit)", path);
    if (magic == MH_CIGAM_64)
        return az_fail(err, AZ_ERR_UNSUPPORTED, "%s: big-endian Mach-O is not supported", path);
    if (magic != MH_MAGIC_64)
        return az_fail(err, AZ_ERR_FORMAT, "%s: bad Mach-O magic 0x%08x", path, magic);
    f->cputype = az_u32le(&h);
    az_u32le(&h); /* cpusubtype */
    f->filetype = az_u32le(&h);
    uint32_t ncmds = az_u32le(&h), sizeofcmds = az_u32le(&h);
    az_u32le(&h); /* flags */
    az_u32le(&h); /* reserved */
    if (h.failed)
        return az_fail(err, AZ_ERR_FORMAT, "%s: truncated Mach-O header (%llu bytes)", path,
                       (unsigned long long)len);
    char buf[32];
    if (cpu_arch(f->cputype) == AZ_ARCH_UNKNOWN)
        return az_fail(err, AZ_ERR_UNSUPPORTED, "%s: Mach-O CPU type %s is not supported (only x64 and arm64)",
                       path, cpu_name(f->cputype, buf, sizeof buf));

    /* Load commands: the header's size and count are checked against the
     * bytes present before anything is allocated. */
    uint64_t avail = len - MACH_HEADER_SIZE;
    uint64_t limit = sizeofcmds;
    if (limit > avail) {
        if (img)
            az_image_warn(img, "%s: load commands (%u bytes) run past the end of the file; reading the %llu "
                          "bytes present", path, sizeofcmds, (unsigned long long)avail);
        limit = avail;
    }
    uint64_t most = limit / 8;
    f->cmds = az_xmalloc((most ? most : 1) * sizeof *f->cmds);
    uint64_t at = 0;
    for (uint32_t i = 0; i < ncmds; i++) {
        if (limit - at < 8) {
            if (img)
                az_image_warn(img, "%s: the header lists %u load commands but only %u fit in %llu bytes", path,
                              ncmds, i, (unsigned long long)limit);
            break;
        }
        az_cursor c;
        az_cursor_sub(&f->slice, MACH_HEADER_SIZE + at, 8, &c);
        uint32_t cmd = az_u32le(&c), cmdsize = az_u32le(&c);
        if (cmdsize < 8 || cmdsize > limit - at) {
            if (img)
                az_image_warn(img, "%s: load command %u (0x%x) has size %u, outside the load commands; "
                              "the rest are ignored", path, i, cmd, cmdsize);
            break;
        }
        f->cmds[f->ncmds++] = (lcmd){ cmd, cmdsize, MACH_HEADER_SIZE + at };
        at += cmdsize;
    }

    /* Segments and their sections. */
    size_t nseg = 0, nsect = 0;
    for (size_t i = 0; i < f->ncmds; i++)
        if (f->cmds[i].cmd == LC_SEGMENT_64 && f->cmds[i].size >= SEGMENT_CMD_SIZE) {
            nseg++;
            nsect += (f->cmds[i].size - SEGMENT_CMD_SIZE) / SECTION_SIZE;
        }
    f->segs = az_xcalloc(nseg ? nseg : 1, sizeof *f->segs);
    f->sects = az_xcalloc(nsect ? nsect : 1, sizeof *f->sects);
    bool have_text = false;
    for (size_t i = 0; i < f->ncmds; i++) {
        const lcmd *lc = &f->cmds[i];
        az_cursor c;
        az_cursor_sub(&f->slice, lc->off + 8, lc->size - 8, &c);
        if (lc->cmd == LC_SEGMENT) {
            if (img)
                az_image_warn(img, "%s: 32-bit LC_SEGMENT in a 64-bit file; ignored", path);
            continue;
        }
        if (lc->cmd == LC_UUID) {
            const uint8_t *u = az_bytes(&c, 16);
            static const char hex[] = "0123456789abcdef";
            for (int k = 0; u && k < 16; k++) {
                f->uuid[2 * k] = hex[u[k] >> 4];
                f->uuid[2 * k + 1] = hex[u[k] & 15];
            }
            continue;
        }
        if (lc->cmd != LC_SEGMENT_64)
            continue;
        if (lc->size < SEGMENT_CMD_SIZE) {
            if (img)
                az_image_warn(img, "%s: LC_SEGMENT_64 of %u bytes is too short; ignored", path, lc->size);
            continue;
        }
        mseg *g = &f->segs[f->nsegs];
        segname(&c, g->name);
        g->vmaddr = az_u64le(&c);
        g->vmsize = az_u64le(&c);
        g->fileoff = az_u64le(&c);
        g->filesize = az_u64le(&c);
        g->maxprot = az_u32le(&c);
        g->initprot = az_u32le(&c);
        uint32_t ns = az_u32le(&c);
        az_u32le(&c); /* flags */
        g->file_ok = az_range_fits(g->fileoff, g->filesize, len);
        if (!g->file_ok && img)
            az_image_warn(img, "%s: segment %s [%llu, +%llu) lies outside the file (%llu bytes); its bytes are "
                          "not used", path, g->name, (unsigned long long)g->fileoff, (unsigned long long)g->filesize,
                          (unsigned long long)len);
        if (g->vmaddr + g->vmsize < g->vmaddr) {
            if (img)
                az_image_warn(img, "%s: segment %s wraps the address space; its size is ignored", path, g->name);
            g->vmsize = 0;
        }
        if (!have_text && g->fileoff == 0 && g->filesize > 0) {
            f->text_vmaddr = g->vmaddr;
            have_text = true;
        }
        uint64_t fit = (lc->size - SEGMENT_CMD_SIZE) / SECTION_SIZE;
        if (ns > fit) {
            if (img)
                az_image_warn(img, "%s: segment %s lists %u sections, its load command holds %llu", path, g->name,
                              ns, (unsigned long long)fit);
            ns = (uint32_t)fit;
        }
        for (uint32_t k = 0; k < ns; k++) {
            msect *s = &f->sects[f->nsects++];
            segname(&c, s->name);
            segname(&c, s->seg);
            s->addr = az_u64le(&c);
            s->size = az_u64le(&c);
            s->offset = az_u32le(&c);
            s->align = az_u32le(&c);
            az_u32le(&c); /* reloff */
            az_u32le(&c); /* nreloc */
            s->flags = az_u32le(&c);
            s->reserved1 = az_u32le(&c);
            s->reserved2 = az_u32le(&c);
            az_u32le(&c); /* reserved3 */
            s->segment = (int32_t)f->nsegs;
        }
        f->nsegs++;
    }
    return AZ_OK;
}

static const lcmd *find_cmd(const mfile *f, uint32_t cmd)
{
    for (size_t i = 0; i < f->ncmds; i++)
        if (f->cmds[i].cmd == cmd)
            return &f->cmds[i];
    return NULL;
}

/* The body of a load command (after cmd and cmdsize). */
static az_cursor cmd_body(const mfile *f, const lcmd *lc)
{
    az_cursor c;
    az_cursor_sub(&f->slice, lc->off + 8, lc->size - 8, &c);
    return c;
}

/* A linkedit_data_command's (dataoff, datasize), checked against the slice. */
static bool linkedit_data(const mfile *f, const lcmd *lc, const char *what, uint64_t *off, uint64_t *len)
{
    az_cursor c = cmd_body(f, lc);
    *off = az_u32le(&c);
    *len = az_u32le(&c);
    if (c.failed)
        return false;
    if (!az_range_fits(*off, *len, f->slice.size)) {
        /* "[load command LC_X]" is named "LC_X" here. */
        const char *name = strncmp(what, "[load command ", 14) == 0 ? what + 14 : what;
        if (f->img)
            az_image_warn(f->img, "%s: %.*s data [%llu, +%llu) lies outside the file; ignored", f->path,
                          (int)strcspn(name, "]"), name, (unsigned long long)*off, (unsigned long long)*len);
        return false;
    }
    return *len > 0;
}

/* ---- regions ---------------------------------------------------------------- */

/* VM address of slice offset off when a segment maps it. */
static bool file_to_vm(const mfile *f, uint64_t off, uint64_t *vm)
{
    for (size_t i = 0; i < f->nsegs; i++) {
        const mseg *g = &f->segs[i];
        if (g->file_ok && off >= g->fileoff && off - g->fileoff < g->filesize &&
            off - g->fileoff < g->vmsize) {
            *vm = g->vmaddr + (off - g->fileoff);
            return true;
        }
    }
    return false;
}

/* A region over slice bytes [off, +len): file bytes, and VM bytes when a
 * segment maps them.  NULL when the range is empty or outside the slice. */
static az_region *add_region(az_image *img, const mfile *f, az_region_kind kind, const char *label, uint64_t off,
                             uint64_t len)
{
    if (len == 0 || !az_range_fits(off, len, f->slice.size))
        return NULL;
    uint64_t vm = 0;
    bool mapped = file_to_vm(f, off, &vm);
    return az_image_add_region(img, kind, label, f->base + off, len, mapped ? vm : 0, mapped ? len : 0);
}

static az_region *add_owned(az_image *img, const mfile *f, az_region_kind kind, const char *label, uint64_t off,
                            uint64_t len, uint64_t owner)
{
    az_region *r = add_region(img, f, kind, label, off, len);
    if (r) {
        r->has_owner = 1;
        r->owner_addr = owner;
    }
    return r;
}

static const char *lc_label(uint32_t cmd)
{
    static const struct { uint32_t cmd; const char *label; } names[] = {
        { 0x1, "[load command LC_SEGMENT]" }, { 0x2, "[load command LC_SYMTAB]" },
        { 0x4, "[load command LC_THREAD]" }, { 0x5, "[load command LC_UNIXTHREAD]" },
        { 0xb, "[load command LC_DYSYMTAB]" }, { 0xc, "[load command LC_LOAD_DYLIB]" },
        { 0xd, "[load command LC_ID_DYLIB]" }, { 0xe, "[load command LC_LOAD_DYLINKER]" },
        { 0xf, "[load command LC_ID_DYLINKER]" }, { 0x18 | LC_REQ_DYLD, "[load command LC_LOAD_WEAK_DYLIB]" },
        { 0x19, "[load command LC_SEGMENT_64]" }, { 0x1b, "[load command LC_UUID]" },
        { 0x1c | LC_REQ_DYLD, "[load command LC_RPATH]" }, { 0x1d, "[load command LC_CODE_SIGNATURE]" },
        { 0x1e, "[load command LC_SEGMENT_SPLIT_INFO]" }, { 0x1f | LC_REQ_DYLD, "[load command LC_REEXPORT_DYLIB]" },
        { 0x20, "[load command LC_LAZY_LOAD_DYLIB]" }, { 0x21, "[load command LC_ENCRYPTION_INFO]" },
        { 0x22, "[load command LC_DYLD_INFO]" }, { 0x22 | LC_REQ_DYLD, "[load command LC_DYLD_INFO_ONLY]" },
        { 0x23 | LC_REQ_DYLD, "[load command LC_LOAD_UPWARD_DYLIB]" },
        { 0x24, "[load command LC_VERSION_MIN_MACOSX]" }, { 0x25, "[load command LC_VERSION_MIN_IPHONEOS]" },
        { 0x26, "[load command LC_FUNCTION_STARTS]" }, { 0x27, "[load command LC_DYLD_ENVIRONMENT]" },
        { 0x28 | LC_REQ_DYLD, "[load command LC_MAIN]" }, { 0x29, "[load command LC_DATA_IN_CODE]" },
        { 0x2a, "[load command LC_SOURCE_VERSION]" }, { 0x2b, "[load command LC_DYLIB_CODE_SIGN_DRS]" },
        { 0x2c, "[load command LC_ENCRYPTION_INFO_64]" }, { 0x2d, "[load command LC_LINKER_OPTION]" },
        { 0x2e, "[load command LC_LINKER_OPTIMIZATION_HINT]" }, { 0x2f, "[load command LC_VERSION_MIN_TVOS]" },
        { 0x30, "[load command LC_VERSION_MIN_WATCHOS]" }, { 0x31, "[load command LC_NOTE]" },
        { 0x32, "[load command LC_BUILD_VERSION]" }, { 0x33 | LC_REQ_DYLD, "[load command LC_DYLD_EXPORTS_TRIE]" },
        { 0x34 | LC_REQ_DYLD, "[load command LC_DYLD_CHAINED_FIXUPS]" },
        { 0x35 | LC_REQ_DYLD, "[load command LC_FILESET_ENTRY]" }, { 0x36, "[load command LC_ATOM_INFO]" },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].cmd == cmd)
            return names[i].label;
    return "[load command (unknown)]";
}

/* ---- segments and sections -------------------------------------------------- */

static uint32_t section_flags(const mfile *f, const msect *s)
{
    uint32_t type = s->flags & 0xff, fl = 0;
    const mseg *g = s->segment >= 0 ? &f->segs[s->segment] : NULL;
    if (type == S_ZEROFILL || type == S_GB_ZEROFILL || type == S_THREAD_LOCAL_ZEROFILL)
        fl |= AZ_SEC_ZEROFILL;
    if (type == S_THREAD_LOCAL_REGULAR || type == S_THREAD_LOCAL_ZEROFILL)
        fl |= AZ_SEC_TLS;
    if (s->flags & (S_ATTR_PURE_INSTRUCTIONS | S_ATTR_SOME_INSTRUCTIONS))
        fl |= AZ_SEC_EXEC;
    /* Debug information is what the __DWARF segment holds.  S_ATTR_DEBUG
     * alone does not say it: ILC marks its mapped __DATA,.dotnet_eh_table
     * that way. */
    if (strcmp(s->seg, "__DWARF") == 0)
        fl |= AZ_SEC_DEBUG;
    else if (g && g->vmsize)
        fl |= AZ_SEC_ALLOC;
    if (g && (g->initprot & VM_PROT_WRITE))
        fl |= AZ_SEC_WRITE;
    return fl;
}

static const char *section_name(az_image *img, const msect *s)
{
    return az_arena_printf(&img->arena, "%s,%s", s->seg, s->name);
}

static void add_segments_and_sections(az_image *img, const mfile *f)
{
    for (size_t i = 0; i < f->nsegs; i++) {
        const mseg *g = &f->segs[i];
        /* __PAGEZERO: a guard reservation (no access, no file bytes), not
         * memory the image occupies. */
        if (g->initprot == 0 && g->maxprot == 0 && g->filesize == 0)
            continue;
        if (!g->file_ok && !g->vmsize)
            continue;
        az_segment *s = az_image_add_segment(img);
        s->name = az_arena_strdup(&img->arena, g->name);
        s->vm_addr = g->vmaddr;
        s->vm_size = g->vmsize;
        if (g->file_ok) {
            s->file_off = f->base + g->fileoff;
            s->file_size = g->filesize;
        }
        s->flags = ((g->initprot & 1) ? AZ_SEG_R : 0) | ((g->initprot & 2) ? AZ_SEG_W : 0) |
                   ((g->initprot & 4) ? AZ_SEG_X : 0);
    }
    /* Segments that overlap in memory are damage: their bytes are counted
     * once, by whichever claim wins.  (Only near neighbours are compared,
     * which bounds the cost on a file with thousands of segments.) */
    for (size_t i = 0; i < img->nsegments; i++)
        for (size_t j = i + 1; j < img->nsegments && j < i + 64; j++) {
            const az_segment *a = &img->segments[i], *b = &img->segments[j];
            if (a->vm_size && b->vm_size && a->vm_addr < b->vm_addr + b->vm_size && b->vm_addr < a->vm_addr + a->vm_size)
                az_image_warn(img, "%s: segments %s and %s overlap in memory", f->path, a->name, b->name);
        }

    for (size_t i = 0; i < f->nsects; i++) {
        const msect *m = &f->sects[i];
        az_section *s = az_image_add_section(img);
        s->name = section_name(img, m);
        s->index = (uint32_t)(i + 1);
        s->flags = section_flags(f, m);
        s->align = m->align < 32 ? (uint64_t)1 << m->align : 0;
        if (s->flags & AZ_SEC_ALLOC) {
            s->vm_addr = m->addr;
            s->vm_size = m->addr + m->size < m->addr ? 0 : m->size;
        }
        if (!(s->flags & AZ_SEC_ZEROFILL) && m->size) {
            if (az_range_fits(m->offset, m->size, f->slice.size)) {
                s->file_off = f->base + m->offset;
                s->file_size = m->size;
            } else {
                az_image_warn(img, "%s: section %s [%u, +%llu) lies outside the file; its bytes are not used",
                              f->path, s->name, m->offset, (unsigned long long)m->size);
            }
        }
    }
}

/* ---- symbols ---------------------------------------------------------------- */

static const char *const SYMTAB_LABEL = "[Mach-O symbol table]";
static const char *const STRTAB_LABEL = "[Mach-O string table]";

/* The name as the image model keeps it: C names carry a leading '_' on
 * Mach-O (ILC's ExternCName too), which is dropped.  ILC's unwind labels are
 * the exception: they are local, get no '_' of their own, but embed the
 * prefixed method name, so Mach-O's "_lsda0_Foo" is ELF's "_lsda0Foo". */
static const char *symbol_name(az_image *img, const char *raw)
{
    if (raw[0] != '_')
        return raw;
    if (strncmp(raw, "_lsda", 5) == 0 || strncmp(raw, "_fram", 5) == 0) {
        size_t d = 5;
        while (raw[d] >= '0' && raw[d] <= '9')
            d++;
        if (d > 5 && raw[d] == '_')
            return az_arena_printf(&img->arena, "%.*s%s", (int)d, raw, raw + d + 1);
    }
    return raw + 1;
}

/* The image section a symbol defined in section n_sect (1-based) of f lies
 * in; map[k] is the image section of f's section k + 1 (or -1). */
static int32_t symbol_section(const az_image *img, const int32_t *map, size_t nmap, unsigned n_sect, uint64_t addr)
{
    if (n_sect >= 1 && n_sect <= nmap && map[n_sect - 1] >= 0) {
        const az_section *s = &img->sections[map[n_sect - 1]];
        if ((s->flags & AZ_SEC_ALLOC) && addr >= s->vm_addr && addr - s->vm_addr <= s->vm_size)
            return map[n_sect - 1];
    }
    const az_section *s = az_image_section_at(img, addr);
    return s ? (int32_t)(s - img->sections) : -1;
}

/* Reads LC_SYMTAB.  With `charge` (the table is in the analysed file) each
 * entry and its name become regions owned by the symbol they describe.
 * Returns true when the table is a full one (it has local symbols or debug
 * stabs); a stripped binary keeps only exported and imported names, which
 * are then marked dynamic, like ELF's .dynsym. */
static bool read_symtab(az_image *img, const mfile *f, const int32_t *map, size_t nmap, bool charge)
{
    const lcmd *lc = find_cmd(f, LC_SYMTAB);
    if (!lc)
        return false;
    az_cursor c = cmd_body(f, lc);
    uint64_t symoff = az_u32le(&c), nsyms = az_u32le(&c), stroff = az_u32le(&c), strsize = az_u32le(&c);
    if (c.failed) {
        az_image_warn(img, "%s: LC_SYMTAB is truncated; symbols not read", f->path);
        return false;
    }
    if (!az_range_fits(symoff, nsyms * NLIST_SIZE, f->slice.size)) {
        uint64_t fit = symoff <= f->slice.size ? (f->slice.size - symoff) / NLIST_SIZE : 0;
        az_image_warn(img, "%s: the symbol table claims %llu entries but the file holds %llu", f->path,
                      (unsigned long long)nsyms, (unsigned long long)fit);
        nsyms = fit;
    }
    if (!az_range_fits(stroff, strsize, f->slice.size)) {
        uint64_t fit = stroff <= f->slice.size ? f->slice.size - stroff : 0;
        az_image_warn(img, "%s: the string table [%llu, +%llu) runs past the end of the file", f->path,
                      (unsigned long long)stroff, (unsigned long long)strsize);
        strsize = fit;
    }
    az_cursor tab, strs;
    az_cursor_sub(&f->slice, symoff, nsyms * NLIST_SIZE, &tab);
    az_cursor_sub(&f->slice, stroff, strsize, &strs);
    if (charge) {
        /* The whole tables first: the bytes no entry explains (the string
         * table's padding) keep these labels. */
        add_region(img, f, AZ_RGN_SYMTAB, SYMTAB_LABEL, symoff, nsyms * NLIST_SIZE);
        add_region(img, f, AZ_RGN_STRTAB, STRTAB_LABEL, stroff, strsize);
    }
    size_t first = img->nsymbols;
    bool full = false, bad_names = false;
    for (uint64_t i = 0; i < nsyms; i++) {
        az_cursor e;
        az_cursor_sub(&tab, i * NLIST_SIZE, NLIST_SIZE, &e);
        uint32_t strx = az_u32le(&e);
        uint8_t type = az_u8(&e), n_sect = az_u8(&e);
        uint16_t desc = az_u16le(&e);
        uint64_t value = az_u64le(&e);
        const char *name = NULL;
        uint64_t name_len = 0;
        if (strx < strs.size) {
            az_cursor nc = strs;
            az_cursor_seek(&nc, strx);
            name = az_cstr(&nc, &name_len);
        }
        if (!name && strx)
            bad_names = true;
        bool stab = (type & N_STAB) != 0;
        bool defined = !stab && (type & N_TYPE) == N_SECT && n_sect != 0;
        /* Stabs are the linker's debug map (N_OSO, N_FUN ...); those with a
         * section describe the code or data at their address. */
        bool addressed = (stab || defined) && n_sect != 0;
        int32_t sec = addressed ? symbol_section(img, map, nmap, n_sect, value) : -1;
        if (stab)
            full = true;
        else if (defined && !(type & N_EXT) && !(desc & REFERENCED_DYNAMICALLY))
            full = true; /* strip keeps only externals and what dyld looks up */
        if (charge) {
            az_region *r = add_region(img, f, AZ_RGN_SYMTAB, SYMTAB_LABEL, symoff + i * NLIST_SIZE, NLIST_SIZE);
            if (r && sec >= 0) {
                r->has_owner = 1;
                r->owner_addr = value;
            }
            if (name && name_len) {
                az_region *n = add_region(img, f, AZ_RGN_STRTAB, STRTAB_LABEL, stroff + strx, name_len + 1);
                if (n && sec >= 0) {
                    n->has_owner = 1;
                    n->owner_addr = value;
                }
            }
        }
        if (!defined || sec < 0 || !name || !name[0])
            continue;
        az_symbol *s = az_image_add_symbol(img);
        s->name = symbol_name(img, name); /* mostly into the mapped file */
        s->addr = value;
        s->section = sec;
        s->type = (img->sections[sec].flags & AZ_SEC_EXEC) ? AZ_SYMT_FUNC : AZ_SYMT_NOTYPE;
        s->global = (type & N_EXT) && !(type & N_PEXT);
    }
    if (bad_names)
        az_image_warn(img, "%s: the symbol table has names outside its string table; those symbols were skipped",
                      f->path);
    if (!full)
        for (size_t i = first; i < img->nsymbols; i++)
            img->symbols[i].dynamic = 1;
    return full;
}

/* LC_FUNCTION_STARTS: ULEB128 deltas from the start of __TEXT, ending at a
 * zero.  Returns the sorted start addresses (count in *n; free them).  With
 * `charge`, each entry becomes a region owned by its function. */
static uint64_t *function_starts(az_image *img, const mfile *f, bool charge, size_t *n)
{
    *n = 0;
    const lcmd *lc = find_cmd(f, LC_FUNCTION_STARTS);
    uint64_t off, len;
    if (!lc || !linkedit_data(f, lc, "LC_FUNCTION_STARTS", &off, &len))
        return NULL;
    az_cursor c;
    az_cursor_sub(&f->slice, off, len, &c);
    uint64_t *starts = az_xmalloc(len * sizeof *starts); /* at most one per byte */
    uint64_t addr = f->text_vmaddr;
    bool unsorted = false;
    while (az_cursor_left(&c) > 0) {
        uint64_t at = c.pos;
        uint64_t delta = az_uleb128(&c);
        if (c.failed || delta == 0)
            break;
        if (addr + delta < addr) {
            unsorted = true;
            break;
        }
        addr += delta;
        starts[(*n)++] = addr;
        if (charge)
            add_owned(img, f, AZ_RGN_SYMTAB, "[function starts]", off + at, c.pos - at, addr);
    }
    if (charge)
        add_region(img, f, AZ_RGN_SYMTAB, "[function starts]", off, len);
    if (unsorted)
        az_image_warn(img, "%s: LC_FUNCTION_STARTS runs past the end of the address space", f->path);
    return starts;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static bool contains_addr(const uint64_t *v, size_t n, uint64_t addr)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && v[lo] == addr;
}

/* The little-endian word of code at addr, when the section has its bytes. */
static bool code_word(const az_image *img, const az_section *sec, uint64_t addr, uint64_t unit, uint32_t *w)
{
    uint64_t in = addr - sec->vm_addr;
    if ((sec->flags & AZ_SEC_ZEROFILL) || addr < sec->vm_addr || in >= sec->file_size || sec->file_size - in < unit)
        return false;
    const uint8_t *p = img->data + sec->file_off + in;
    *w = unit == 4 ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24 : p[0];
    return true;
}

/* Where a function's code ends when the next function starts at `end`:
 * before the alignment filler between them, which is zero words on arm64 and
 * nop bytes on x64, at most 64 bytes (ELF's padding rule).  Code never falls
 * through into the next function, so the run must follow an instruction that
 * ends one; otherwise nothing is trimmed and the filler stays with the
 * function.  This also keeps data that ends a function (RyuJIT puts jump
 * tables and constants after arm64 code, and their zero words look like
 * filler) and instruction bytes that are 0x90 (`jmp -0x70` is eb 90):
 *  - arm64: ret, b, br, brk;
 *  - x64: ret (c3), int3 (cc), jmp rel32 (e9 + 4 bytes), jmp rel8 (eb + 1
 *    byte, which may itself be 0x90) or jmp through a register (ff e0-e7). */
static uint64_t trim_filler(const az_image *img, const az_section *sec, uint64_t start, uint64_t end)
{
    bool arm64 = img->arch == AZ_ARCH_ARM64;
    uint64_t unit = arm64 ? 4 : 1;
    uint64_t limit = end - start > 64 ? end - 64 : start;
    uint64_t e = end;
    uint32_t w;
    while (e - unit > limit && e - unit >= start + unit && code_word(img, sec, e - unit, unit, &w) &&
           w == (arm64 ? 0u : 0x90u))
        e -= unit;
    if (e == end || !code_word(img, sec, e - unit, unit, &w))
        return end;
    if (arm64) {
        bool ends = w == 0xd65f03c0 /* ret */ || (w >> 26) == 0x05 /* b */ ||
                    (w & 0xfffffc1f) == 0xd61f0000 /* br */ || (w & 0xffe0001f) == 0xd4200000 /* brk */;
        return ends ? e : end;
    }
    uint32_t b2 = 0, b5 = 0;
    if (e - start >= 2)
        code_word(img, sec, e - 2, 1, &b2);
    if (e - start >= 5)
        code_word(img, sec, e - 5, 1, &b5);
    if (w == 0xc3 || w == 0xcc || b5 == 0xe9 || b2 == 0xeb || (b2 == 0xff && w >= 0xe0 && w <= 0xe7))
        return e;
    if (w == 0xeb)
        return e + 1; /* jmp rel8 whose displacement is 0x90 */
    return end;
}

/* Code symbols start functions; LC_FUNCTION_STARTS tells where each one
 * ends: at the next function (or its section's end), less the filler
 * before it.  ILC's funclets
 * (catch, finally and filter bodies, labelled "_fram<N>...") are functions
 * of their own to the unwinder but part of their method, so they do not end
 * it.  Symbols from `first` on that have no size yet get that extent. */
static void size_code_symbols(az_image *img, const uint64_t *starts, size_t n, size_t first)
{
    uint64_t *funclets = az_xmalloc((img->nsymbols + 1) * sizeof *funclets);
    size_t nfunclets = 0;
    for (size_t i = 0; i < img->nsymbols; i++)
        if (strncmp(img->symbols[i].name, "_fram", 5) == 0)
            funclets[nfunclets++] = img->symbols[i].addr;
    az_qsort(funclets, nfunclets, sizeof *funclets, cmp_u64);
    for (size_t i = first; i < img->nsymbols; i++) {
        az_symbol *s = &img->symbols[i];
        if (s->size || s->section < 0)
            continue;
        const az_section *sec = &img->sections[s->section];
        if (!(sec->flags & AZ_SEC_EXEC))
            continue;
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (starts[mid] <= s->addr)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == 0 || starts[lo - 1] != s->addr || contains_addr(funclets, nfunclets, s->addr))
            continue; /* not a function start: leave it to the extents */
        while (lo < n && contains_addr(funclets, nfunclets, starts[lo]))
            lo++;
        uint64_t end = sec->vm_addr + sec->vm_size;
        if (lo < n && starts[lo] < end)
            end = starts[lo];
        if (end > s->addr)
            s->size = trim_filler(img, sec, s->addr, end) - s->addr;
    }
    free(funclets);
}

/* ---- dyld information ------------------------------------------------------- */

/* Pointer slots dyld may fix up: the file bytes of the segments, 8 bytes
 * each.  Damaged rebase data that names more than that is cut off. */
static uint64_t pointer_budget(const mfile *f)
{
    uint64_t total = 0;
    for (size_t i = 0; i < f->nsegs; i++)
        if (f->segs[i].file_ok)
            total += f->segs[i].filesize / 4 + 1;
    return total;
}

/* Records the pointer at segment seg + offset as rebased: its value (the
 * unslid target) is what the file holds.  False when it is not in the
 * segment's file bytes. */
static bool rebase_at(az_image *img, const mfile *f, size_t seg, uint64_t offset)
{
    const mseg *g = &f->segs[seg];
    if (!g->file_ok || offset > g->filesize || g->filesize - offset < 8)
        return false;
    bool ok;
    uint64_t v = az_peek_u64le(&f->slice, g->fileoff + offset, &ok);
    if (ok)
        az_image_add_fixup(img, g->vmaddr + offset, v);
    return ok;
}

/* LC_DYLD_INFO rebase opcodes.  Each run of opcodes up to one that rebases
 * becomes a region owned by the first pointer it rebases. */
static void read_rebase_opcodes(az_image *img, const mfile *f, uint64_t off, uint64_t len)
{
    enum { DONE = 0x00, SET_TYPE_IMM = 0x10, SET_SEGMENT_AND_OFFSET_ULEB = 0x20, ADD_ADDR_ULEB = 0x30,
           ADD_ADDR_IMM_SCALED = 0x40, DO_REBASE_IMM_TIMES = 0x50, DO_REBASE_ULEB_TIMES = 0x60,
           DO_REBASE_ADD_ADDR_ULEB = 0x70, DO_REBASE_ULEB_TIMES_SKIPPING_ULEB = 0x80 };
    static const char label[] = "[dyld rebase info]";
    az_cursor c;
    az_cursor_sub(&f->slice, off, len, &c);
    uint64_t budget = pointer_budget(f);
    size_t seg = SIZE_MAX;
    uint64_t offset = 0, run = 0;
    const char *problem = NULL;
    while (!problem && az_cursor_left(&c) > 0) {
        uint8_t b = az_u8(&c);
        uint8_t op = b & 0xf0, imm = b & 0x0f;
        uint64_t count = 0, skip = 0;
        switch (op) {
        case DONE:
            problem = "";
            break;
        case SET_TYPE_IMM:
            break;
        case SET_SEGMENT_AND_OFFSET_ULEB:
            seg = imm;
            offset = az_uleb128(&c);
            if (seg >= f->nsegs)
                problem = "names a segment that does not exist";
            break;
        case ADD_ADDR_ULEB:
            offset += az_uleb128(&c);
            break;
        case ADD_ADDR_IMM_SCALED:
            offset += imm * 8ull;
            break;
        case DO_REBASE_IMM_TIMES: count = imm; skip = 0; break;
        case DO_REBASE_ULEB_TIMES: count = az_uleb128(&c); skip = 0; break;
        case DO_REBASE_ADD_ADDR_ULEB: count = 1; skip = az_uleb128(&c); break;
        case DO_REBASE_ULEB_TIMES_SKIPPING_ULEB:
            count = az_uleb128(&c);
            skip = az_uleb128(&c);
            break;
        default:
            problem = "has an unknown opcode";
            break;
        }
        if (c.failed)
            problem = "is truncated";
        if (problem || op < DO_REBASE_IMM_TIMES)
            continue;
        if (seg == SIZE_MAX) {
            problem = "rebases before naming a segment";
            break;
        }
        uint64_t first = f->segs[seg].vmaddr + offset;
        for (uint64_t k = 0; k < count && !problem; k++) {
            if (budget-- == 0)
                problem = "rebases more pointers than the segments hold";
            else if (!rebase_at(img, f, seg, offset))
                problem = "rebases a pointer outside its segment";
            offset += 8 + skip;
        }
        add_owned(img, f, AZ_RGN_RELOC, label, off + run, c.pos - run, first);
        run = c.pos;
    }
    add_region(img, f, AZ_RGN_RELOC, label, off, len);
    if (problem && problem[0])
        az_image_warn(img, "%s: the dyld rebase information %s; the rest is not read", f->path, problem);
}

/* Export trie: every node is a region, a terminal one owned by the symbol
 * it exports.  Child offsets are checked and each node is visited once. */
static void read_export_trie(az_image *img, const mfile *f, uint64_t off, uint64_t len)
{
    static const char label[] = "[dyld export trie]";
    enum { EXPORT_SYMBOL_FLAGS_REEXPORT = 0x08, EXPORT_SYMBOL_FLAGS_STUB_AND_RESOLVER = 0x10 };
    az_cursor trie;
    az_cursor_sub(&f->slice, off, len, &trie);
    uint8_t *seen = az_xcalloc(len / 8 + 1, 1);
    uint64_t *stack = az_xmalloc((len + 1) * sizeof *stack);
    size_t depth = 0;
    bool damaged = false;
    stack[depth++] = 0;
    seen[0] |= 1;
    while (depth > 0) {
        uint64_t node = stack[--depth];
        az_cursor c = trie;
        az_cursor_seek(&c, node);
        uint64_t term = az_uleb128(&c);
        uint64_t term_start = c.pos;
        bool owned = false;
        uint64_t owner = 0;
        if (term) {
            uint64_t flags = az_uleb128(&c);
            if (!(flags & EXPORT_SYMBOL_FLAGS_REEXPORT)) {
                owner = f->text_vmaddr + az_uleb128(&c);
                owned = !c.failed;
            }
            if (term > len || !az_cursor_seek(&c, term_start + term))
                c.failed = true;
        }
        uint8_t children = az_u8(&c);
        for (unsigned k = 0; k < children && !c.failed; k++) {
            az_cstr(&c, NULL);
            uint64_t child = az_uleb128(&c);
            if (c.failed || child >= len || child == 0) {
                damaged = true;
                break;
            }
            if (seen[child / 8] & (1u << (child % 8)))
                continue;
            seen[child / 8] |= (uint8_t)(1u << (child % 8));
            stack[depth++] = child;
        }
        if (c.failed)
            damaged = true;
        az_region *r = add_region(img, f, AZ_RGN_DYNAMIC, label, off + node, c.pos - node);
        if (r && owned && term) {
            r->has_owner = 1;
            r->owner_addr = owner;
        }
    }
    add_region(img, f, AZ_RGN_DYNAMIC, label, off, len);
    if (damaged)
        az_image_warn(img, "%s: the dyld export trie is damaged; part of it is left unattributed", f->path);
    free(stack);
    free(seen);
}

static void read_dyld_info(az_image *img, const mfile *f, const lcmd *lc)
{
    az_cursor c = cmd_body(f, lc);
    uint64_t v[10];
    for (int i = 0; i < 10; i++)
        v[i] = az_u32le(&c);
    if (c.failed) {
        az_image_warn(img, "%s: LC_DYLD_INFO is truncated", f->path);
        return;
    }
    static const char *const what[5] = { "rebase", "bind", "weak bind", "lazy bind", "export" };
    static const char *const labels[5] = { "[dyld rebase info]", "[dyld bind info]", "[dyld weak bind info]",
                                           "[dyld lazy bind info]", "[dyld export trie]" };
    for (int i = 0; i < 5; i++) {
        uint64_t off = v[2 * i], len = v[2 * i + 1];
        if (!len)
            continue;
        if (!az_range_fits(off, len, f->slice.size)) {
            az_image_warn(img, "%s: dyld %s information [%llu, +%llu) lies outside the file; ignored", f->path,
                          what[i], (unsigned long long)off, (unsigned long long)len);
            continue;
        }
        if (i == 0)
            read_rebase_opcodes(img, f, off, len);
        else if (i == 4)
            read_export_trie(img, f, off, len);
        else /* binds name imported symbols; nothing in the image owns them */
            add_region(img, f, AZ_RGN_DYNAMIC, labels[i], off, len);
    }
}

/* Chained fixups (LC_DYLD_CHAINED_FIXUPS): the pointers themselves form
 * chains per page; a rebase holds its target in its low bits. */
enum {
    DYLD_CHAINED_PTR_ARM64E = 1, DYLD_CHAINED_PTR_64 = 2, DYLD_CHAINED_PTR_64_OFFSET = 6,
    DYLD_CHAINED_PTR_ARM64E_USERLAND = 9, DYLD_CHAINED_PTR_ARM64E_USERLAND24 = 12,
    DYLD_CHAINED_PTR_START_NONE = 0xffff, DYLD_CHAINED_PTR_START_MULTI = 0x8000,
};

/* Decodes one chained pointer: its distance to the next (in bytes, 0 at the
 * end of the chain), and for a rebase its target.  False for a format this
 * reader does not know. */
static bool chained_pointer(uint16_t format, uint64_t raw, uint64_t image_base, uint64_t *next,
                            bool *rebase, uint64_t *target)
{
    switch (format) {
    case DYLD_CHAINED_PTR_64:
    case DYLD_CHAINED_PTR_64_OFFSET: {
        /* rebase: target:36 high8:8 reserved:7 next:12 bind:1 (4-byte stride) */
        *next = ((raw >> 51) & 0xfff) * 4;
        *rebase = !(raw >> 63);
        uint64_t t = raw & 0xfffffffffull, high8 = (raw >> 36) & 0xff;
        if (format == DYLD_CHAINED_PTR_64_OFFSET)
            t += image_base; /* an offset from the mach header */
        *target = high8 << 56 | t;
        return true;
    }
    case DYLD_CHAINED_PTR_ARM64E:
    case DYLD_CHAINED_PTR_ARM64E_USERLAND:
    case DYLD_CHAINED_PTR_ARM64E_USERLAND24: {
        /* auth:1 bind:1 next:11 (8-byte stride); a plain rebase has
         * target:43 high8:8, an authenticated one target:32 (an offset). */
        bool auth = raw >> 63, bind = (raw >> 62) & 1;
        *next = ((raw >> 51) & 0x7ff) * 8;
        *rebase = !bind;
        if (auth) {
            *target = image_base + (raw & 0xffffffffull);
        } else {
            uint64_t t = raw & 0x7ffffffffffull, high8 = (raw >> 43) & 0xff;
            if (format != DYLD_CHAINED_PTR_ARM64E)
                t += image_base; /* userland formats store offsets */
            *target = high8 << 56 | t;
        }
        return true;
    }
    default:
        return false;
    }
}

/* Walks one page's chain.  The walk stays inside the page and the
 * segment's file bytes, and `budget` bounds all walks together, so damaged
 * chains end. */
static const char *walk_chain(az_image *img, const mfile *f, const mseg *g, uint16_t format, uint64_t page_off,
                              uint64_t page_size, uint64_t start, uint64_t *budget)
{
    uint64_t at = page_off + start;
    for (;;) {
        if (at >= page_off + page_size || at > g->filesize || g->filesize - at < 8)
            return "a chain leaves its page or segment";
        if ((*budget)-- == 0)
            return "the chains hold more pointers than the segments";
        bool ok;
        uint64_t raw = az_peek_u64le(&f->slice, g->fileoff + at, &ok), next, target;
        bool rebase;
        if (!ok)
            return "a chain leaves the file";
        if (!chained_pointer(format, raw, f->text_vmaddr, &next, &rebase, &target))
            return "a pointer format is not supported";
        if (rebase)
            az_image_add_fixup(img, g->vmaddr + at, target);
        if (next == 0)
            return NULL;
        at += next;
    }
}

static void read_chained_fixups(az_image *img, const mfile *f, uint64_t off, uint64_t len)
{
    add_region(img, f, AZ_RGN_DYNAMIC, "[dyld chained fixups]", off, len);
    az_cursor blob;
    az_cursor_sub(&f->slice, off, len, &blob);
    az_cursor h = blob;
    uint32_t version = az_u32le(&h), starts_offset = az_u32le(&h);
    if (h.failed || version != 0) {
        az_image_warn(img, "%s: chained fixups header %s; pointers in data are read as stored", f->path,
                      h.failed ? "is truncated" : "has an unknown version");
        return;
    }
    az_cursor s = blob;
    az_cursor_seek(&s, starts_offset);
    uint32_t seg_count = az_u32le(&s);
    if (s.failed || seg_count > az_cursor_left(&s) / 4) {
        az_image_warn(img, "%s: chained fixups segment table is damaged", f->path);
        return;
    }
    uint64_t budget = pointer_budget(f);
    const char *problem = NULL;
    uint16_t bad_format = 0;
    for (uint32_t i = 0; i < seg_count && !problem; i++) {
        uint32_t seg_info = az_u32le(&s);
        if (seg_info == 0)
            continue;
        if (i >= f->nsegs) {
            problem = "names a segment that does not exist";
            break;
        }
        const mseg *g = &f->segs[i];
        az_cursor si = blob;
        if (!az_cursor_seek(&si, (uint64_t)starts_offset + seg_info)) {
            problem = "has a segment entry outside its data";
            break;
        }
        az_u32le(&si); /* size */
        uint16_t page_size = az_u16le(&si), format = az_u16le(&si);
        az_u64le(&si); /* segment_offset */
        az_u32le(&si); /* max_valid_pointer */
        uint16_t page_count = az_u16le(&si);
        if (si.failed || page_count > az_cursor_left(&si) / 2 || page_size == 0) {
            problem = "has a damaged segment entry";
            break;
        }
        for (uint16_t p = 0; p < page_count && !problem; p++) {
            uint16_t start = az_u16le(&si);
            if (start == DYLD_CHAINED_PTR_START_NONE)
                continue;
            if (start & DYLD_CHAINED_PTR_START_MULTI) {
                problem = "uses multiple starts per page (32-bit formats), which are not supported";
                break;
            }
            problem = walk_chain(img, f, g, format, (uint64_t)p * page_size, page_size, start, &budget);
            if (problem && strstr(problem, "format"))
                bad_format = format;
        }
    }
    if (problem && bad_format)
        az_image_warn(img, "%s: chained fixups: pointer format %u is not supported; pointers in data are read "
                      "as stored", f->path, bad_format);
    else if (problem)
        az_image_warn(img, "%s: chained fixups: %s; the rest is not read", f->path, problem);
}

/* LC_DYSYMTAB: the indirect symbol table and old-style relocations. */
static void read_dysymtab(az_image *img, const mfile *f, const lcmd *lc)
{
    az_cursor c = cmd_body(f, lc);
    uint32_t v[18];
    for (int i = 0; i < 18; i++)
        v[i] = az_u32le(&c);
    if (c.failed)
        return;
    struct { uint32_t off, count, size; const char *label; az_region_kind kind; } tabs[] = {
        { v[12], v[13], 4, "[indirect symbol table]", AZ_RGN_DYNAMIC },
        { v[14], v[15], 8, "[external relocations]", AZ_RGN_RELOC },
        { v[16], v[17], 8, "[local relocations]", AZ_RGN_RELOC },
        { v[6], v[7], 8, "[table of contents]", AZ_RGN_DYNAMIC },
        { v[10], v[11], 4, "[external reference table]", AZ_RGN_DYNAMIC },
    };
    for (size_t i = 0; i < sizeof tabs / sizeof tabs[0]; i++) {
        uint64_t len = (uint64_t)tabs[i].count * tabs[i].size;
        if (!len)
            continue;
        if (!az_range_fits(tabs[i].off, len, f->slice.size))
            az_image_warn(img, "%s: %s lies outside the file; ignored", f->path, tabs[i].label);
        else
            add_region(img, f, tabs[i].kind, tabs[i].label, tabs[i].off, len);
    }
}

/* LC_DATA_IN_CODE: {u32 offset, u16 length, u16 kind} entries, each owned by
 * the code that embeds the data. */
static void read_data_in_code(az_image *img, const mfile *f, uint64_t off, uint64_t len)
{
    for (uint64_t at = 0; at + 8 <= len; at += 8) {
        bool ok;
        uint32_t where = az_peek_u32le(&f->slice, off + at, &ok);
        if (!ok)
            break;
        add_owned(img, f, AZ_RGN_OTHER, "[data in code]", off + at, 8, f->text_vmaddr + where);
    }
    add_region(img, f, AZ_RGN_OTHER, "[data in code]", off, len);
}

/* Linkedit blobs with nothing to attribute inside them. */
static void read_linkedit_blobs(az_image *img, const mfile *f)
{
    for (size_t i = 0; i < f->ncmds; i++) {
        const lcmd *lc = &f->cmds[i];
        uint64_t off, len;
        const char *label;
        az_region_kind kind = AZ_RGN_OTHER;
        switch (lc->cmd) {
        case LC_CODE_SIGNATURE: label = "[code signature]"; break;
        case LC_SEGMENT_SPLIT_INFO: label = "[segment split info]"; break;
        case LC_DYLIB_CODE_SIGN_DRS: label = "[code signing requirements]"; break;
        case LC_LINKER_OPTIMIZATION_HINT: label = "[linker optimization hints]"; break;
        case LC_ATOM_INFO: label = "[atom info]"; break;
        case LC_DATA_IN_CODE: label = NULL; break;
        case LC_DYLD_EXPORTS_TRIE: label = NULL; break;
        case LC_DYLD_CHAINED_FIXUPS: label = NULL; break;
        default: continue;
        }
        if (!linkedit_data(f, lc, lc_label(lc->cmd), &off, &len))
            continue;
        if (lc->cmd == LC_DATA_IN_CODE)
            read_data_in_code(img, f, off, len);
        else if (lc->cmd == LC_DYLD_EXPORTS_TRIE)
            read_export_trie(img, f, off, len);
        else if (lc->cmd == LC_DYLD_CHAINED_FIXUPS)
            read_chained_fixups(img, f, off, len);
        else
            add_region(img, f, kind, label, off, len);
    }
}

/* ---- compact unwind (__TEXT,__unwind_info) ---------------------------------- */

/* unwind_info_section_header, a first-level index of pages, second-level
 * pages of {function, encoding} entries (regular: 8 bytes; compressed: 4
 * bytes against the index entry's function and a page-local encoding
 * table), and an LSDA index of {function, lsda}.  Entries are owned by their
 * function; headers and shared encodings are shared unwind data. */
static void read_unwind_info(az_image *img, const az_section *sec, uint64_t text, az_lsda_refs *lsdas)
{
    static const char label[] = "[__unwind_info]";
    enum { REGULAR = 2, COMPRESSED = 3 };
    az_cursor all;
    if (!az_cursor_sub(&(az_cursor){ img->data, img->size, 0, false }, sec->file_off, sec->file_size, &all))
        return;
    /* The whole section first, as shared data; entries claim their part. */
    az_image_add_region(img, AZ_RGN_CIE, label, sec->file_off, sec->file_size, sec->vm_addr, sec->file_size);
    az_cursor h = all;
    uint32_t version = az_u32le(&h);
    az_u32le(&h); az_u32le(&h); /* common encodings */
    az_u32le(&h); az_u32le(&h); /* personalities */
    uint32_t index_off = az_u32le(&h), index_count = az_u32le(&h);
    if (h.failed || version != 1) {
        az_image_warn(img, "%s: %s %s; its entries are left unattributed", img->path, sec->name,
                      h.failed ? "is truncated" : "has an unknown version");
        return;
    }
    az_cursor index;
    if (!az_cursor_sub(&all, index_off, (uint64_t)index_count * 12, &index)) {
        az_image_warn(img, "%s: %s index lies outside the section", img->path, sec->name);
        return;
    }
    uint64_t entries_left = sec->file_size / 4; /* no page can hold more */
    uint64_t last_page = 0, lsda_first = 0, lsda_last = 0;
    const char *problem = NULL;
    for (uint32_t i = 0; i < index_count && !problem; i++) {
        uint32_t func = az_u32le(&index), page = az_u32le(&index), lsda = az_u32le(&index);
        if (i == 0)
            lsda_first = lsda;
        lsda_last = lsda;
        if (page == 0)
            continue; /* the sentinel that ends the index */
        if (page <= last_page) {
            problem = "has pages out of order";
            break;
        }
        last_page = page;
        az_cursor p = all;
        az_cursor_seek(&p, page);
        uint32_t kind = az_u32le(&p);
        uint16_t entry_off = az_u16le(&p), count = az_u16le(&p);
        uint64_t esize = kind == REGULAR ? 8 : 4;
        az_cursor entries;
        if (p.failed || (kind != REGULAR && kind != COMPRESSED)) {
            problem = "has a damaged page";
            break;
        }
        if (!az_cursor_sub(&all, (uint64_t)page + entry_off, count * esize, &entries) || count > entries_left) {
            problem = "has a page whose entries lie outside the section";
            break;
        }
        entries_left -= count;
        for (uint16_t k = 0; k < count; k++) {
            uint64_t at = entries.pos;
            uint32_t w = az_u32le(&entries);
            uint64_t fn = kind == REGULAR ? text + w : text + func + (w & 0xffffff);
            if (kind == REGULAR)
                az_u32le(&entries); /* encoding */
            uint64_t o = (uint64_t)page + entry_off + at;
            az_region *r = az_image_add_region(img, AZ_RGN_UNWIND, label, sec->file_off + o, esize, sec->vm_addr + o,
                                               esize);
            r->has_owner = 1;
            r->owner_addr = fn;
        }
    }
    /* The LSDA index runs from the first index entry's offset to the last's. */
    if (!problem && lsda_last > lsda_first) {
        az_cursor l;
        if (az_cursor_sub(&all, lsda_first, (lsda_last - lsda_first) / 8 * 8, &l)) {
            while (az_cursor_left(&l) >= 8) {
                uint64_t at = lsda_first + l.pos;
                uint64_t fn = text + az_u32le(&l), lsda = text + az_u32le(&l);
                az_region *r = az_image_add_region(img, AZ_RGN_UNWIND_INDEX, label, sec->file_off + at, 8,
                                                   sec->vm_addr + at, 8);
                r->has_owner = 1;
                r->owner_addr = fn;
                az_lsda_add(lsdas, lsda, fn);
            }
        } else {
            problem = "has an LSDA index outside the section";
        }
    }
    if (problem)
        az_image_warn(img, "%s: %s %s; some entries are left unattributed", img->path, sec->name, problem);
}

/* ---- the analysed binary ---------------------------------------------------- */

/* The universal header and the slices not read: labelled, so the file
 * total still covers every byte. */
static void add_universal_regions(az_image *img, const slice *s, size_t n, const slice *chosen, uint64_t header_len)
{
    az_image_add_region(img, AZ_RGN_HEADER, "[universal (fat) header]", 0, header_len, 0, 0);
    for (size_t i = 0; i < n; i++) {
        if (&s[i] == chosen)
            continue;
        char buf[32];
        const char *name = cpu_name(s[i].cputype, buf, sizeof buf);
        const char *label = cpu_arch(s[i].cputype) != AZ_ARCH_UNKNOWN
                                ? az_arena_printf(&img->arena, "[universal: %s slice, not analysed (--arch %s)]",
                                                  name, name)
                                : az_arena_printf(&img->arena, "[universal: %s slice, not analysed]", name);
        az_image_add_region(img, AZ_RGN_OTHER_SLICE, label, s[i].off, s[i].size, 0, 0);
    }
    /* What lies between the header and the slices is page alignment: the
     * gap before each slice, from the end of whatever precedes it. */
    for (size_t i = 0; i < n; i++) {
        uint64_t prev = header_len;
        for (size_t j = 0; j < n; j++)
            if (s[j].off + s[j].size <= s[i].off && s[j].off + s[j].size > prev)
                prev = s[j].off + s[j].size;
        if (s[i].off > prev)
            az_image_add_region(img, AZ_RGN_PADDING, "[universal: slice alignment]", prev, s[i].off - prev, 0, 0);
    }
}

az_status az_macho_read(az_image *img, az_arch want, az_error *err)
{
    slice *slices;
    size_t nslices;
    uint64_t header_len;
    az_status st = list_slices(img->data, img->size, img->path, img, &slices, &nslices, &header_len, err);
    if (st != AZ_OK)
        return st;
    const slice *chosen = choose_slice(slices, nslices, want);
    if (!chosen) {
        char names[256];
        slice_names(slices, nslices, names, sizeof names);
        st = header_len && want == AZ_ARCH_UNKNOWN
                 ? az_fail(err, AZ_ERR_UNSUPPORTED, "%s: universal file has no x64 or arm64 slice (it has: %s)",
                           img->path, names)
             : header_len ? az_fail(err, AZ_ERR_UNSUPPORTED, "%s: universal file has no %s slice (it has: %s)",
                                    img->path, az_arch_name(want), names)
                          : AZ_OK;
        if (st != AZ_OK) {
            free(slices);
            return st;
        }
        chosen = &slices[0]; /* thin: its own checks report what is wrong */
    }
    mfile f;
    st = mfile_open(&f, img, img->data, img->size, img->path, chosen->off, chosen->size, err);
    if (st == AZ_OK && want != AZ_ARCH_UNKNOWN && cpu_arch(f.cputype) != want)
        st = az_fail(err, AZ_ERR_UNSUPPORTED, "%s: the file is %s, not %s", img->path,
                     az_arch_name(cpu_arch(f.cputype)), az_arch_name(want));
    if (st != AZ_OK) {
        mfile_free(&f);
        free(slices);
        return st;
    }
    img->format = AZ_FORMAT_MACHO;
    img->arch = cpu_arch(f.cputype);
    img->image_base = f.text_vmaddr;
    if (f.filetype != MH_EXECUTE && f.filetype != MH_DYLIB && f.filetype != MH_BUNDLE)
        az_image_warn(img, "%s: unusual Mach-O file type %u", img->path, f.filetype);
    if (header_len)
        add_universal_regions(img, slices, nslices, chosen, header_len);
    free(slices);
    if (f.uuid[0])
        img->build_id = az_arena_strdup(&img->arena, f.uuid);

    add_segments_and_sections(img, &f);
    add_region(img, &f, AZ_RGN_HEADER, "[Mach-O header]", 0, MACH_HEADER_SIZE);
    for (size_t i = 0; i < f.ncmds; i++)
        add_region(img, &f, AZ_RGN_HEADER, lc_label(f.cmds[i].cmd), f.cmds[i].off, f.cmds[i].size);

    /* Symbols: the image's section k is the file's section k + 1. */
    int32_t *map = az_xmalloc((f.nsects ? f.nsects : 1) * sizeof *map);
    for (size_t i = 0; i < f.nsects; i++)
        map[i] = (int32_t)i;
    size_t first = img->nsymbols;
    img->has_symtab = read_symtab(img, &f, map, f.nsects, true);
    if (img->has_symtab)
        img->symbols_from = img->path;
    free(map);
    size_t nstarts;
    uint64_t *starts = function_starts(img, &f, true, &nstarts);
    size_code_symbols(img, starts, nstarts, first);
    free(starts);

    for (size_t i = 0; i < f.ncmds; i++) {
        const lcmd *lc = &f.cmds[i];
        if (lc->cmd == LC_DYLD_INFO || lc->cmd == LC_DYLD_INFO_ONLY)
            read_dyld_info(img, &f, lc);
        else if (lc->cmd == LC_DYSYMTAB)
            read_dysymtab(img, &f, lc);
    }
    read_linkedit_blobs(img, &f);

    /* Unwind tables: FDEs and compact unwind entries are owned by their
     * code; the LSDAs both point to are sized together. */
    az_lsda_refs lsdas = { 0 };
    for (size_t i = 0; i < img->nsections; i++) {
        const az_section *s = &img->sections[i];
        if (!s->file_size || !(s->flags & AZ_SEC_ALLOC))
            continue;
        if (strcmp(s->name, "__TEXT,__eh_frame") == 0)
            az_ehframe_read_lsdas(img, s, &lsdas);
        else if (strcmp(s->name, "__TEXT,__unwind_info") == 0)
            read_unwind_info(img, s, f.text_vmaddr, &lsdas);
    }
    az_lsda_regions(img, &lsdas);

    /* What no table explains in __LINKEDIT is alignment between them and the
     * page rounding of its memory. */
    for (size_t i = 0; i < f.nsegs; i++) {
        const mseg *g = &f.segs[i];
        if (strcmp(g->name, "__LINKEDIT") == 0 && g->file_ok)
            az_image_add_region(img, AZ_RGN_PADDING, "[__LINKEDIT padding]", f.base + g->fileoff, g->filesize,
                                g->vmaddr, g->vmsize);
    }
    mfile_free(&f);
    return AZ_OK;
}

/* ---- dSYM ------------------------------------------------------------------- */

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Finds the slice of a debug file whose LC_UUID is `uuid`; `other` gets a
 * UUID it has instead (for the message), "" when none. */
static bool open_matching_slice(mfile *f, const uint8_t *data, uint64_t size, const char *path, const char *uuid,
                                char *other, size_t other_cap, az_error *err)
{
    slice *slices;
    size_t n;
    uint64_t header_len;
    other[0] = 0;
    if (list_slices(data, size, path, NULL, &slices, &n, &header_len, err) != AZ_OK)
        return false;
    bool found = false;
    for (size_t i = 0; i < n && !found; i++) {
        if (mfile_open(f, NULL, data, size, path, slices[i].off, slices[i].size, err) != AZ_OK) {
            mfile_free(f);
            continue;
        }
        if (uuid && strcmp(f->uuid, uuid) == 0) {
            found = true;
            break;
        }
        if (f->uuid[0] && !other[0])
            snprintf(other, other_cap, "%s", f->uuid);
        mfile_free(f);
    }
    free(slices);
    if (!found && !err->msg[0])
        az_fail(err, AZ_ERR_FORMAT, "%s: no slice matches", path);
    return found;
}

/* Opens and checks one candidate. */
static bool try_dsym(az_image *img, const char *path, bool explicit_choice, az_input *out)
{
    az_input in;
    if (!az_input_open_candidate(img, path, explicit_choice, "debug file", &in))
        return false;
    az_error err = { 0 };
    if (!az_macho_sniff(in.data, in.size)) {
        az_image_warn(img, "debug file %s is not a Mach-O file; not used", path);
        az_input_close(&in);
        return false;
    }
    if (!img->build_id) {
        if (explicit_choice) {
            az_image_warn(img, "debug file %s cannot be verified (the binary has no LC_UUID); using it as given",
                          path);
            *out = in;
            return true;
        }
        az_image_warn(img, "debug file %s does not match %s: the binary has no LC_UUID to match; not used", path,
                      img->path);
        az_input_close(&in);
        return false;
    }
    mfile f;
    char other[33];
    if (!open_matching_slice(&f, in.data, in.size, path, img->build_id, other, sizeof other, &err)) {
        if (other[0])
            az_image_warn(img, "debug file %s does not match %s: its UUID %s differs from the binary's %s; not used",
                          path, img->path, other, img->build_id);
        else
            az_image_warn(img, "debug file %s does not match %s: %s; not used", path, img->path,
                          err.msg[0] ? err.msg : "it has no LC_UUID");
        az_input_close(&in);
        return false;
    }
    mfile_free(&f);
    *out = in;
    return true;
}

/* When <bundle>/Contents/Resources/DWARF holds exactly one regular file,
 * its path goes to out; otherwise out is left as it is. */
static void only_file_in(const char *bundle, char *out, size_t cap)
{
    char dir[8192], one[8192 + 256] = "";
    snprintf(dir, sizeof dir, "%s/Contents/Resources/DWARF", bundle);
    DIR *d = opendir(dir);
    if (!d)
        return;
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL && n < 2;) {
        char p[8192 + 256];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (e->d_name[0] != '.' && az_is_file(p)) {
            snprintf(one, sizeof one, "%s", p);
            n++;
        }
    }
    closedir(d);
    if (n == 1)
        snprintf(out, cap, "%s", one);
}

bool az_macho_find_dsym(az_image *img, const char *explicit_path, az_input *out)
{
    memset(out, 0, sizeof *out);
    const char *base = strrchr(img->path, '/');
    base = base ? base + 1 : img->path;
    char path[8192];
    if (explicit_path) {
        /* A .dSYM bundle names its DWARF file after the binary; a renamed
         * binary's bundle still holds one file, under the old name. */
        if (is_dir(explicit_path)) {
            snprintf(path, sizeof path, "%s/Contents/Resources/DWARF/%s", explicit_path, base);
            if (!az_is_file(path))
                only_file_in(explicit_path, path, sizeof path);
            return try_dsym(img, path, true, out);
        }
        return try_dsym(img, explicit_path, true, out);
    }
    snprintf(path, sizeof path, "%s.dSYM/Contents/Resources/DWARF/%s", img->path, base);
    if (try_dsym(img, path, false, out))
        return true;
    snprintf(path, sizeof path, "%s.dwarf", img->path);
    return try_dsym(img, path, false, out);
}

/* Debug section names are cut to 16 bytes in Mach-O ("__debug_str_offs");
 * libdwarf wants the ELF names. */
static const char *dwarf_name(const char *sect)
{
    static const struct { const char *macho, *elf; } names[] = {
        { "__debug_info", ".debug_info" }, { "__debug_abbrev", ".debug_abbrev" },
        { "__debug_str", ".debug_str" }, { "__debug_line", ".debug_line" },
        { "__debug_line_str", ".debug_line_str" }, { "__debug_str_offs", ".debug_str_offsets" },
        { "__debug_addr", ".debug_addr" }, { "__debug_ranges", ".debug_ranges" },
        { "__debug_rnglists", ".debug_rnglists" }, { "__debug_loc", ".debug_loc" },
        { "__debug_loclists", ".debug_loclists" }, { "__debug_aranges", ".debug_aranges" },
        { "__debug_frame", ".debug_frame" }, { "__debug_pubnames", ".debug_pubnames" },
        { "__debug_pubtypes", ".debug_pubtypes" }, { "__debug_types", ".debug_types" },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(sect, names[i].macho) == 0)
            return names[i].elf;
    return NULL;
}

az_status az_macho_add_debug_file(az_image *img, const uint8_t *data, uint64_t size, const char *path,
                                  az_error *err)
{
    mfile f = { 0 }; /* mfile_free is safe on it whatever fails first */
    char other[33];
    memset(err, 0, sizeof *err);
    if (img->build_id) {
        if (!open_matching_slice(&f, data, size, path, img->build_id, other, sizeof other, err))
            return err->status ? err->status : AZ_ERR_FORMAT;
    } else {
        /* Unverified (--debug-file without an LC_UUID): the slice of the
         * binary's architecture. */
        slice *slices;
        size_t n;
        uint64_t header_len;
        az_status st = list_slices(data, size, path, NULL, &slices, &n, &header_len, err);
        if (st != AZ_OK)
            return st;
        const slice *s = choose_slice(slices, n, img->arch);
        st = s ? mfile_open(&f, NULL, data, size, path, s->off, s->size, err)
               : az_fail(err, AZ_ERR_UNSUPPORTED, "%s: no %s slice", path, az_arch_name(img->arch));
        free(slices);
        if (st != AZ_OK) {
            mfile_free(&f);
            return st;
        }
    }
    f.img = img;

    /* Its sections sit at the binary's addresses: map them by name and
     * address, so symbols land in the binary's sections. */
    int32_t *map = az_xmalloc((f.nsects ? f.nsects : 1) * sizeof *map);
    for (size_t i = 0; i < f.nsects; i++) {
        const msect *m = &f.sects[i];
        char name[40];
        snprintf(name, sizeof name, "%s,%s", m->seg, m->name);
        const az_section *s = az_image_find_section(img, name);
        map[i] = s && s->vm_addr == m->addr ? (int32_t)(s - img->sections) : -1;
        const char *dw = strcmp(m->seg, "__DWARF") == 0 ? dwarf_name(m->name) : NULL;
        if (dw && m->size && az_range_fits(m->offset, m->size, f.slice.size))
            az_image_add_debug_section(img, dw, f.slice.base + m->offset, m->size, false);
    }
    if (!img->has_symtab) {
        size_t first = img->nsymbols;
        if (read_symtab(img, &f, map, f.nsects, false)) {
            img->has_symtab = true;
            img->symbols_from = az_arena_strdup(&img->arena, path);
        }
        /* The binary's function starts size the code symbols. */
        slice *slices;
        size_t n;
        uint64_t header_len;
        az_error e2 = { 0 };
        if (list_slices(img->data, img->size, img->path, NULL, &slices, &n, &header_len, &e2) == AZ_OK) {
            const slice *s = choose_slice(slices, n, img->arch);
            mfile bin = { 0 };
            if (s && mfile_open(&bin, NULL, img->data, img->size, img->path, s->off, s->size, &e2) == AZ_OK) {
                size_t nstarts;
                uint64_t *starts = function_starts(img, &bin, false, &nstarts);
                size_code_symbols(img, starts, nstarts, first);
                free(starts);
            }
            mfile_free(&bin);
            free(slices);
        }
    }
    free(map);
    mfile_free(&f);
    return AZ_OK;
}
