/* ELF reader.
 *
 * libelf validates and widens the headers (ELF header, program and section
 * header tables, the section name table); the contents of tables (symbols,
 * relocations, notes, unwind data) are decoded through az_cursor, which also
 * gives every entry's exact file range for attribution. */
#include "elf.h"

#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>

#include "cursor.h"
#include "ehframe.h"

#ifndef SHT_RELR
#define SHT_RELR 19
#endif
#ifndef R_AARCH64_RELATIVE
#define R_AARCH64_RELATIVE 1027
#endif

bool az_elf_sniff(const uint8_t *data, uint64_t size)
{
    return size >= 4 && memcmp(data, ELFMAG, SELFMAG) == 0;
}

/* One open ELF file: its bytes, libelf handle and header. */
typedef struct elf_file {
    const char *path;
    const uint8_t *data;
    uint64_t size;
    az_cursor whole;
    Elf *elf;
    GElf_Ehdr ehdr;
    size_t shnum;
    size_t shstrndx;
} elf_file;

static az_status elf_file_open(elf_file *f, const uint8_t *data, uint64_t size, const char *path,
                               az_error *err)
{
    memset(f, 0, sizeof *f);
    f->path = path;
    f->data = data;
    f->size = size;
    f->whole = az_cursor_make(data, size);

    /* Check what libelf would otherwise accept and widen, so that everything
     * past this point sees ELF64 little-endian only. */
    if (size < EI_NIDENT || memcmp(data, ELFMAG, SELFMAG) != 0)
        return az_fail(err, AZ_ERR_FORMAT, "%s: not an ELF file", path);
    if (data[EI_CLASS] == ELFCLASS32)
        return az_fail(err, AZ_ERR_UNSUPPORTED, "%s: 32-bit ELF is not supported (only ELF64)", path);
    if (data[EI_CLASS] != ELFCLASS64)
        return az_fail(err, AZ_ERR_FORMAT, "%s: invalid ELF class %u", path, data[EI_CLASS]);
    if (data[EI_DATA] == ELFDATA2MSB)
        return az_fail(err, AZ_ERR_UNSUPPORTED, "%s: big-endian ELF is not supported", path);
    if (data[EI_DATA] != ELFDATA2LSB)
        return az_fail(err, AZ_ERR_FORMAT, "%s: invalid ELF data encoding %u", path, data[EI_DATA]);
    if (size < sizeof(Elf64_Ehdr))
        return az_fail(err, AZ_ERR_FORMAT, "%s: truncated ELF header (%llu bytes)", path,
                       (unsigned long long)size);

    if (elf_version(EV_CURRENT) == EV_NONE)
        return az_fail(err, AZ_ERR_UNSUPPORTED, "libelf: %s", elf_errmsg(-1));
    /* libelf's prototype is not const; with matching byte order it reads the
     * image in place and never writes to it. */
    f->elf = elf_memory((char *)data, (size_t)size);
    if (!f->elf)
        return az_fail(err, AZ_ERR_FORMAT, "%s: unreadable ELF: %s", path, elf_errmsg(-1));
    if (elf_kind(f->elf) != ELF_K_ELF || !gelf_getehdr(f->elf, &f->ehdr)) {
        elf_end(f->elf);
        f->elf = NULL;
        return az_fail(err, AZ_ERR_FORMAT, "%s: unreadable ELF header: %s", path, elf_errmsg(-1));
    }
    if (elf_getshdrnum(f->elf, &f->shnum) != 0)
        f->shnum = 0;
    if (elf_getshdrstrndx(f->elf, &f->shstrndx) != 0)
        f->shstrndx = SHN_UNDEF;
    return AZ_OK;
}

static void elf_file_close(elf_file *f)
{
    if (f->elf)
        elf_end(f->elf);
    f->elf = NULL;
}

static bool get_shdr(const elf_file *f, size_t i, GElf_Shdr *sh)
{
    Elf_Scn *scn = elf_getscn(f->elf, i);
    return scn && gelf_getshdr(scn, sh);
}

static const char *section_name(const elf_file *f, const GElf_Shdr *sh)
{
    if (f->shstrndx == SHN_UNDEF)
        return NULL;
    return elf_strptr(f->elf, f->shstrndx, sh->sh_name);
}

/* A cursor over a section's file bytes; empty (and false) for NOBITS or a
 * section whose range lies outside the file. */
static bool section_bytes(const elf_file *f, const GElf_Shdr *sh, az_cursor *out)
{
    if (sh->sh_type == SHT_NOBITS)
        return az_cursor_sub(&f->whole, 0, 0, out);
    return az_cursor_sub(&f->whole, sh->sh_offset, sh->sh_size, out);
}

static void hex_encode(const uint8_t *p, size_t n, char *out, size_t cap)
{
    static const char digits[] = "0123456789abcdef";
    size_t j = 0;
    for (size_t i = 0; i < n && j + 2 < cap; i++) {
        out[j++] = digits[p[i] >> 4];
        out[j++] = digits[p[i] & 15];
    }
    out[j] = 0;
}

/* Walks a SHT_NOTE section; finds the GNU build-id. */
static void read_build_id(az_cursor c, char *out, size_t cap)
{
    while (az_cursor_left(&c) >= 12) {
        uint32_t namesz = az_u32le(&c), descsz = az_u32le(&c), type = az_u32le(&c);
        const uint8_t *name = az_bytes(&c, (namesz + 3u) & ~3ull);
        const uint8_t *desc = az_bytes(&c, (descsz + 3ull) & ~3ull);
        if (c.failed || !name || (descsz && !desc))
            return;
        if (type == NT_GNU_BUILD_ID && namesz == 4 && memcmp(name, "GNU", 4) == 0 && descsz <= 64) {
            hex_encode(desc, descsz, out, cap);
            return;
        }
    }
}

/* .gnu_debuglink: NUL-terminated file name, padding to 4, CRC32. */
static void read_debuglink(az_cursor c, char *name, size_t cap, uint32_t *crc)
{
    uint64_t len;
    const char *s = az_cstr(&c, &len);
    if (!s || len == 0 || len >= cap)
        return;
    uint64_t crc_off = (len + 1 + 3) & ~3ull;
    if (!az_cursor_seek(&c, crc_off))
        return;
    uint32_t v = az_u32le(&c);
    if (c.failed)
        return;
    memcpy(name, s, len);
    name[len] = 0;
    *crc = v;
}

static bool is_debug_name(const char *name)
{
    return strncmp(name, ".debug_", 7) == 0 || strncmp(name, ".zdebug_", 8) == 0 ||
           strcmp(name, ".gdb_index") == 0 || strcmp(name, ".stab") == 0 ||
           strcmp(name, ".stabstr") == 0;
}

az_status az_elf_identify(const uint8_t *data, uint64_t size, const char *path,
                          az_elf_identity *out, az_error *err)
{
    memset(out, 0, sizeof *out);
    elf_file f;
    az_status st = elf_file_open(&f, data, size, path, err);
    if (st != AZ_OK)
        return st;
    out->machine = (uint16_t)f.ehdr.e_machine;
    for (size_t i = 1; i < f.shnum; i++) {
        GElf_Shdr sh;
        if (!get_shdr(&f, i, &sh))
            continue;
        const char *name = section_name(&f, &sh);
        az_cursor c;
        if (sh.sh_type == SHT_SYMTAB && sh.sh_size >= 2 * sizeof(Elf64_Sym))
            out->has_symtab = true;
        if (name && strcmp(name, ".debug_info") == 0 && sh.sh_type != SHT_NOBITS && sh.sh_size)
            out->has_debug_info = true;
        if (sh.sh_type == SHT_NOTE && section_bytes(&f, &sh, &c) && !out->build_id[0])
            read_build_id(c, out->build_id, sizeof out->build_id);
        if (name && strcmp(name, ".gnu_debuglink") == 0 && section_bytes(&f, &sh, &c))
            read_debuglink(c, out->debuglink, sizeof out->debuglink, &out->debuglink_crc);
    }
    elf_file_close(&f);
    return AZ_OK;
}

/* ---- the main binary ---------------------------------------------------- */

/* Maps an ELF section index of the file being read to img->sections. */
typedef struct section_map {
    int32_t *to_image;  /* -1: not an image section */
    size_t n;
} section_map;

static const char *seg_flags_str(uint32_t f)
{
    static const char *names[8] = { "", "X", "W", "WX", "R", "RX", "RW", "RWX" };
    return names[((f & PF_R) ? 4 : 0) | ((f & PF_W) ? 2 : 0) | ((f & PF_X) ? 1 : 0)];
}

/* VM address of file offset off, when a PT_LOAD maps it. */
static bool file_to_vm(const az_image *img, uint64_t off, uint64_t *vm)
{
    for (size_t i = 0; i < img->nsegments; i++) {
        const az_segment *s = &img->segments[i];
        if (off >= s->file_off && off - s->file_off < s->file_size) {
            *vm = s->vm_addr + (off - s->file_off);
            return true;
        }
    }
    return false;
}

/* A header-like region: file bytes, plus VM bytes when a segment maps them. */
static void add_file_region(az_image *img, az_region_kind kind, const char *label, uint64_t off,
                            uint64_t len)
{
    if (!az_range_fits(off, len, img->size) || len == 0)
        return;
    uint64_t vm = 0;
    bool mapped = file_to_vm(img, off, &vm);
    az_image_add_region(img, kind, label, off, len, mapped ? vm : 0, mapped ? len : 0);
}

static void read_segments(az_image *img, elf_file *f)
{
    size_t n = 0;
    if (elf_getphdrnum(f->elf, &n) != 0) {
        az_image_warn(img, "%s: program header count is unreadable; segments ignored", img->path);
        return;
    }
    /* libelf quietly shortens a table that runs off the file; that is
     * damage worth a warning, not a list of garbage entries. */
    uint64_t claimed = f->ehdr.e_phnum == PN_XNUM ? n : f->ehdr.e_phnum;
    if (n < claimed || (n && !az_range_fits(f->ehdr.e_phoff, (uint64_t)n * f->ehdr.e_phentsize, img->size))) {
        az_image_warn(img, "%s: program header table (%llu entries) lies outside the file; segments ignored",
                      img->path, (unsigned long long)claimed);
        return;
    }
    size_t load = 0;
    for (size_t i = 0; i < n; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(f->elf, (int)i, &ph)) {
            az_image_warn(img, "%s: program header %zu is unreadable; ignored", img->path, i);
            continue;
        }
        if (ph.p_type != PT_LOAD)
            continue;
        if (!az_range_fits(ph.p_offset, ph.p_filesz, img->size)) {
            az_image_warn(img, "%s: LOAD segment %zu lies outside the file; ignored", img->path, load);
            load++;
            continue;
        }
        az_segment *s = az_image_add_segment(img);
        s->name = az_arena_printf(&img->arena, "LOAD #%zu [%s]", load, seg_flags_str(ph.p_flags));
        s->vm_addr = ph.p_vaddr;
        s->vm_size = ph.p_memsz;
        s->file_off = ph.p_offset;
        s->file_size = ph.p_filesz;
        s->flags = ((ph.p_flags & PF_R) ? AZ_SEG_R : 0) | ((ph.p_flags & PF_W) ? AZ_SEG_W : 0) |
                   ((ph.p_flags & PF_X) ? AZ_SEG_X : 0);
        load++;
    }
}

static uint32_t section_flags(const GElf_Shdr *sh, const char *name)
{
    uint32_t fl = 0;
    if (sh->sh_flags & SHF_ALLOC)
        fl |= AZ_SEC_ALLOC;
    if (sh->sh_flags & SHF_EXECINSTR)
        fl |= AZ_SEC_EXEC;
    if (sh->sh_flags & SHF_WRITE)
        fl |= AZ_SEC_WRITE;
    if (sh->sh_flags & SHF_TLS)
        fl |= AZ_SEC_TLS;
    if (sh->sh_flags & SHF_COMPRESSED)
        fl |= AZ_SEC_COMPRESSED;
    if (sh->sh_type == SHT_NOBITS)
        fl |= AZ_SEC_ZEROFILL;
    if (sh->sh_type == SHT_SYMTAB || sh->sh_type == SHT_DYNSYM ||
        (sh->sh_type == SHT_STRTAB && name && (strcmp(name, ".strtab") == 0 || strcmp(name, ".dynstr") == 0)))
        fl |= AZ_SEC_SYMTAB;
    if (sh->sh_type == SHT_NOTE)
        fl |= AZ_SEC_NOTE;
    if (name && is_debug_name(name))
        fl |= AZ_SEC_DEBUG;
    return fl;
}

static void read_sections(az_image *img, elf_file *f, section_map *map)
{
    map->n = f->shnum;
    map->to_image = az_arena_alloc(&img->arena, (f->shnum ? f->shnum : 1) * sizeof *map->to_image);
    for (size_t i = 0; i < f->shnum; i++)
        map->to_image[i] = -1;
    for (size_t i = 1; i < f->shnum; i++) {
        GElf_Shdr sh;
        if (!get_shdr(f, i, &sh))
            continue;
        const char *raw = section_name(f, &sh);
        const char *name = raw ? az_arena_strdup(&img->arena, raw)
                               : az_arena_printf(&img->arena, "[section %zu]", i);
        uint32_t fl = section_flags(&sh, raw);
        uint64_t file_size = (sh.sh_type == SHT_NOBITS) ? 0 : sh.sh_size;
        if (file_size && !az_range_fits(sh.sh_offset, file_size, img->size)) {
            az_image_warn(img, "%s: section %s [%llu, +%llu) lies outside the file (%llu bytes); "
                          "its bytes are not used", img->path, name, (unsigned long long)sh.sh_offset,
                          (unsigned long long)file_size, (unsigned long long)img->size);
            file_size = 0;
        }
        az_section *s = az_image_add_section(img);
        s->name = name;
        s->index = (uint32_t)i;
        s->flags = fl;
        s->align = sh.sh_addralign;
        s->file_off = file_size ? sh.sh_offset : 0;
        s->file_size = file_size;
        if (fl & AZ_SEC_ALLOC) {
            s->vm_addr = sh.sh_addr;
            /* .tbss is a per-thread template: it takes no address space of
             * its own (it overlaps the next section). */
            s->vm_size = ((fl & AZ_SEC_TLS) && (fl & AZ_SEC_ZEROFILL)) ? 0 : sh.sh_size;
        }
        map->to_image[i] = (int32_t)(img->nsections - 1);
    }
}

static int32_t image_section_for(const az_image *img, const section_map *map, size_t shndx,
                                 uint64_t addr)
{
    if (map && shndx < map->n && map->to_image[shndx] >= 0) {
        const az_section *s = &img->sections[map->to_image[shndx]];
        if ((s->flags & AZ_SEC_ALLOC) && addr >= s->vm_addr &&
            (addr - s->vm_addr <= s->vm_size || (s->flags & AZ_SEC_TLS)))
            return map->to_image[shndx];
    }
    const az_section *s = az_image_section_at(img, addr);
    return s ? (int32_t)(s - img->sections) : -1;
}

/* Start of the TLS template: the lowest address of a TLS section. */
static uint64_t tls_base(const az_image *img)
{
    uint64_t base = UINT64_MAX;
    for (size_t i = 0; i < img->nsections; i++)
        if ((img->sections[i].flags & AZ_SEC_TLS) && img->sections[i].vm_addr < base)
            base = img->sections[i].vm_addr;
    return base == UINT64_MAX ? 0 : base;
}

static uint8_t symbol_type(unsigned t)
{
    switch (t) {
    case STT_FUNC: case STT_GNU_IFUNC: return AZ_SYMT_FUNC;
    case STT_OBJECT: case STT_COMMON: return AZ_SYMT_OBJECT;
    case STT_TLS: return AZ_SYMT_TLS;
    case STT_SECTION: return AZ_SYMT_SECTION;
    case STT_FILE: return AZ_SYMT_FILE;
    case STT_NOTYPE: return AZ_SYMT_NOTYPE;
    default: return AZ_SYMT_OTHER;
    }
}

/* Reads one SHT_SYMTAB / SHT_DYNSYM.  When `charge` is set (the table is part
 * of the analysed file), each entry and its name are recorded as regions
 * owned by the symbol they describe. */
static void read_symtab(az_image *img, elf_file *f, const GElf_Shdr *sh, const char *secname,
                        const section_map *map, bool dynamic, bool charge)
{
    az_cursor tab, strs;
    GElf_Shdr strsh;
    if (!section_bytes(f, sh, &tab) || sh->sh_type == SHT_NOBITS) {
        return;
    }
    if (sh->sh_entsize != sizeof(Elf64_Sym)) {
        az_image_warn(img, "%s: %s has entry size %llu (expected %zu); symbols not read", f->path,
                      secname, (unsigned long long)sh->sh_entsize, sizeof(Elf64_Sym));
        return;
    }
    if (!get_shdr(f, sh->sh_link, &strsh) || strsh.sh_type != SHT_STRTAB ||
        !section_bytes(f, &strsh, &strs)) {
        az_image_warn(img, "%s: %s has no usable string table; symbols not read", f->path, secname);
        return;
    }
    const char *tab_label = az_arena_printf(&img->arena, "[%s]", secname);
    GElf_Shdr tmp;
    const char *str_label = "[string table]";
    if (get_shdr(f, sh->sh_link, &tmp)) {
        const char *sn = section_name(f, &tmp);
        if (sn)
            str_label = az_arena_printf(&img->arena, "[%s]", sn);
    }
    uint64_t count = tab.size / sizeof(Elf64_Sym);
    bool bad_names = false;
    for (uint64_t i = 1; i < count; i++) {
        az_cursor e;
        az_cursor_sub(&tab, i * sizeof(Elf64_Sym), sizeof(Elf64_Sym), &e);
        uint32_t st_name = az_u32le(&e);
        uint8_t st_info = az_u8(&e);
        az_u8(&e); /* st_other */
        uint16_t st_shndx = az_u16le(&e);
        uint64_t st_value = az_u64le(&e);
        uint64_t st_size = az_u64le(&e);
        unsigned type = GELF_ST_TYPE(st_info), bind = GELF_ST_BIND(st_info);

        const char *name = NULL;
        uint64_t name_len = 0;
        if (st_name < strs.size) {
            az_cursor nc = strs;
            az_cursor_seek(&nc, st_name);
            name = az_cstr(&nc, &name_len);
        }
        if (!name && st_name)
            bad_names = true;

        bool defined = st_shndx != SHN_UNDEF && st_shndx != SHN_ABS && st_shndx < SHN_LORESERVE;
        /* A TLS symbol's value is its offset in the TLS template. */
        if (type == STT_TLS && f->ehdr.e_type != ET_REL)
            st_value += tls_base(img);
        bool placed = defined && type != STT_SECTION && type != STT_FILE && name && name[0];
        int32_t sec = placed ? image_section_for(img, map, st_shndx, st_value) : -1;

        if (charge) {
            az_region *r = az_image_add_region(img, AZ_RGN_SYMTAB, tab_label,
                                               sh->sh_offset + i * sizeof(Elf64_Sym), sizeof(Elf64_Sym),
                                               0, 0);
            if (sh->sh_flags & SHF_ALLOC) {
                r->vm_addr = sh->sh_addr + i * sizeof(Elf64_Sym);
                r->vm_size = sizeof(Elf64_Sym);
            }
            if (sec >= 0) {
                r->has_owner = 1;
                r->owner_addr = st_value;
            }
            if (name && name_len) {
                az_region *n = az_image_add_region(img, AZ_RGN_STRTAB, str_label,
                                                   strsh.sh_offset + st_name, name_len + 1, 0, 0);
                if (strsh.sh_flags & SHF_ALLOC) {
                    n->vm_addr = strsh.sh_addr + st_name;
                    n->vm_size = name_len + 1;
                }
                n->has_owner = sec >= 0;
                n->owner_addr = st_value;
            }
        }
        if (sec < 0)
            continue;
        az_symbol *s = az_image_add_symbol(img);
        s->name = name; /* points into the mapped file, which outlives the image */
        s->addr = st_value;
        s->size = st_size;
        s->section = sec;
        s->type = symbol_type(type);
        s->global = bind != STB_LOCAL;
        s->dynamic = dynamic;
    }
    if (bad_names)
        az_image_warn(img, "%s: %s has names outside its string table; those symbols were skipped",
                      f->path, secname);
    if (!dynamic && count > 1)
        img->has_symtab = true;
}

static void read_rela(az_image *img, elf_file *f, const GElf_Shdr *sh, const char *secname)
{
    az_cursor tab;
    if (!section_bytes(f, sh, &tab) || sh->sh_entsize != sizeof(Elf64_Rela))
        return;
    const char *label = az_arena_printf(&img->arena, "[%s]", secname);
    uint32_t relative = img->arch == AZ_ARCH_ARM64 ? R_AARCH64_RELATIVE : R_X86_64_RELATIVE;
    bool alloc = (sh->sh_flags & SHF_ALLOC) != 0;
    uint64_t count = tab.size / sizeof(Elf64_Rela);
    for (uint64_t i = 0; i < count; i++) {
        uint64_t r_offset = az_u64le(&tab);
        uint64_t r_info = az_u64le(&tab);
        int64_t r_addend = (int64_t)az_u64le(&tab);
        if (tab.failed)
            break;
        az_region *r = az_image_add_region(img, AZ_RGN_RELOC, label, sh->sh_offset + i * sizeof(Elf64_Rela),
                                           sizeof(Elf64_Rela), alloc ? sh->sh_addr + i * sizeof(Elf64_Rela) : 0,
                                           alloc ? sizeof(Elf64_Rela) : 0);
        /* Only dynamic relocations patch the loaded image at r_offset. */
        if (alloc) {
            r->has_owner = 1;
            r->owner_addr = r_offset;
        }
        if (alloc && ELF64_R_TYPE(r_info) == relative)
            az_image_add_fixup(img, r_offset, (uint64_t)r_addend);
    }
}

/* SHT_RELR: a compact list of addresses whose 8-byte contents get the load
 * base added (the addend is in place). */
static void read_relr(az_image *img, elf_file *f, const GElf_Shdr *sh, const char *secname)
{
    az_cursor tab;
    if (!section_bytes(f, sh, &tab))
        return;
    const char *label = az_arena_printf(&img->arena, "[%s]", secname);
    uint64_t count = tab.size / 8, where = 0;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t entry = az_u64le(&tab);
        if (tab.failed)
            break;
        uint64_t first;
        if ((entry & 1) == 0) {
            where = entry;
            first = where;
            where += 8;
        } else {
            first = where;
            where += 63 * 8;
        }
        az_region *r = az_image_add_region(img, AZ_RGN_RELOC, label, sh->sh_offset + i * 8, 8,
                                           sh->sh_addr + i * 8, 8);
        r->has_owner = 1;
        r->owner_addr = first;
        /* Record fixups so pointers in data can be read. */
        if ((entry & 1) == 0) {
            uint64_t off, v = 0;
            bool ok = false;
            if (az_image_vm_to_file(img, entry, &off))
                v = az_peek_u64le(&f->whole, off, &ok);
            if (ok)
                az_image_add_fixup(img, entry, v);
        } else {
            uint64_t base = where - 63 * 8;
            for (unsigned b = 1; b < 64; b++) {
                if (!(entry >> b & 1))
                    continue;
                uint64_t a = base + (b - 1) * 8, off, v = 0;
                bool ok = false;
                if (az_image_vm_to_file(img, a, &off))
                    v = az_peek_u64le(&f->whole, off, &ok);
                if (ok)
                    az_image_add_fixup(img, a, v);
            }
        }
    }
}

static void read_comment(az_image *img, az_cursor c)
{
    while (az_cursor_left(&c) > 0) {
        uint64_t len;
        const char *s = az_cstr(&c, &len);
        if (!s)
            break;
        if (strncmp(s, ".NET: ", 6) == 0) {
            img->compiler_comment = az_arena_strndup(&img->arena, s, len);
            return;
        }
    }
}

/* Reads the tables of a file's sections.  For the analysed binary
 * (`main_file`) that is symbols, relocations, notes, debuglink and .comment,
 * all charged to what they describe; for a separate debug file only its
 * symbol table (when the binary has none) and debug sections. */
static void read_tables(az_image *img, elf_file *f, const section_map *map, bool main_file)
{
    char build_id[129] = "", debuglink[256] = "";
    uint32_t crc = 0;
    for (size_t i = 1; i < f->shnum; i++) {
        GElf_Shdr sh;
        if (!get_shdr(f, i, &sh))
            continue;
        const char *name = section_name(f, &sh);
        if (!name)
            name = "";
        az_cursor c;
        bool have = section_bytes(f, &sh, &c) && sh.sh_type != SHT_NOBITS;
        if (have && (sh.sh_flags & SHF_ALLOC) == 0 && is_debug_name(name))
            az_image_add_debug_section(img, az_arena_strdup(&img->arena, name), c.base, c.size,
                                       (sh.sh_flags & SHF_COMPRESSED) != 0);
        if (!main_file) {
            if (sh.sh_type == SHT_SYMTAB && !img->has_symtab)
                read_symtab(img, f, &sh, name, map, false, false);
            continue;
        }
        switch (sh.sh_type) {
        case SHT_SYMTAB: read_symtab(img, f, &sh, name, map, false, true); break;
        case SHT_DYNSYM: read_symtab(img, f, &sh, name, map, true, true); break;
        case SHT_RELA: read_rela(img, f, &sh, name); break;
        case SHT_RELR: read_relr(img, f, &sh, name); break;
        case SHT_NOTE:
            if (have && !build_id[0])
                read_build_id(c, build_id, sizeof build_id);
            break;
        default: break;
        }
        if (have && strcmp(name, ".gnu_debuglink") == 0)
            read_debuglink(c, debuglink, sizeof debuglink, &crc);
        if (have && strcmp(name, ".comment") == 0)
            read_comment(img, c);
    }
    if (build_id[0])
        img->build_id = az_arena_strdup(&img->arena, build_id);
    if (debuglink[0]) {
        img->debuglink = az_arena_strdup(&img->arena, debuglink);
        img->debuglink_crc = crc;
    }
}

az_status az_elf_read(az_image *img, az_error *err)
{
    elf_file f;
    az_status st = elf_file_open(&f, img->data, img->size, img->path, err);
    if (st != AZ_OK)
        return st;

    img->format = AZ_FORMAT_ELF;
    switch (f.ehdr.e_machine) {
    case EM_X86_64: img->arch = AZ_ARCH_X64; break;
    case EM_AARCH64: img->arch = AZ_ARCH_ARM64; break;
    default:
        elf_file_close(&f);
        return az_fail(err, AZ_ERR_UNSUPPORTED,
                       "%s: ELF machine %u is not supported (only x86-64 and AArch64)", img->path,
                       (unsigned)f.ehdr.e_machine);
    }
    if (f.ehdr.e_type != ET_EXEC && f.ehdr.e_type != ET_DYN && f.ehdr.e_type != ET_REL)
        az_image_warn(img, "%s: unusual ELF type %u", img->path, (unsigned)f.ehdr.e_type);

    read_segments(img, &f);

    add_file_region(img, AZ_RGN_HEADER, "[ELF header]", 0, sizeof(Elf64_Ehdr));
    size_t phnum = 0;
    if (elf_getphdrnum(f.elf, &phnum) == 0 && phnum)
        add_file_region(img, AZ_RGN_HEADER, "[ELF program headers]", f.ehdr.e_phoff,
                        (uint64_t)phnum * f.ehdr.e_phentsize);
    if (f.shnum)
        add_file_region(img, AZ_RGN_HEADER, "[ELF section headers]", f.ehdr.e_shoff,
                        (uint64_t)f.shnum * f.ehdr.e_shentsize);
    if (f.shnum == 0)
        az_image_warn(img, "%s: no section headers; only segments can be shown", img->path);

    section_map map;
    read_sections(img, &f, &map);

    read_tables(img, &f, &map, true);
    if (img->has_symtab)
        img->symbols_from = img->path;

    /* Unwind tables: each FDE, index entry and LSDA is owned by the code it
     * describes. */
    for (size_t i = 0; i < img->nsections; i++) {
        const az_section *s = &img->sections[i];
        if (!s->file_size || !(s->flags & AZ_SEC_ALLOC))
            continue;
        if (strcmp(s->name, ".eh_frame") == 0)
            az_ehframe_read(img, s);
        else if (strcmp(s->name, ".eh_frame_hdr") == 0)
            az_ehframe_hdr_read(img, s);
    }

    elf_file_close(&f);
    return AZ_OK;
}

az_status az_elf_add_debug_file(az_image *img, const uint8_t *data, uint64_t size, const char *path,
                                az_error *err)
{
    elf_file f;
    az_status st = elf_file_open(&f, data, size, path, err);
    if (st != AZ_OK)
        return st;
    /* The debug file's section indices differ from the binary's in general;
     * place symbols by name of their section, falling back to address. */
    section_map map;
    map.n = f.shnum;
    map.to_image = az_arena_alloc(&img->arena, (f.shnum ? f.shnum : 1) * sizeof *map.to_image);
    for (size_t i = 0; i < f.shnum; i++) {
        map.to_image[i] = -1;
        GElf_Shdr sh;
        if (!get_shdr(&f, i, &sh))
            continue;
        const char *name = section_name(&f, &sh);
        const az_section *s = name ? az_image_find_section(img, name) : NULL;
        if (s && s->vm_addr == sh.sh_addr)
            map.to_image[i] = (int32_t)(s - img->sections);
    }
    size_t before = img->nsymbols;
    read_tables(img, &f, &map, false);
    if (img->nsymbols > before)
        img->symbols_from = az_arena_strdup(&img->arena, path);
    elf_file_close(&f);
    return AZ_OK;
}
