#include "nativeaot.h"

#include <stdlib.h>
#include <string.h>

#include "../formats/cursor.h"
#include "attribute.h"
#include "classify.h"

enum { RTR_SIGNATURE = 0x00525452, RTR_DEHYDRATED_DATA = 207 };

const char *az_rtr_section_name(int32_t id)
{
    switch (id) {
    case 201: return "GC static region";
    case 202: return "thread static region";
    case 204: return "type manager indirection";
    case 205: return "eager class constructors";
    case 206: return "frozen objects";
    case 207: return "dehydrated data";
    case 208: return "thread static offset region";
    case 212: return "import address tables";
    case 213: return "module initializer list";
    case 301: return "type map";
    case 302: return "array map";
    case 303: return "pointer type map";
    case 304: return "function pointer type map";
    case 306: return "reflection invoke map";
    case 307: return "virtual invoke map";
    case 308: return "common fixups table";
    case 309: return "field access map";
    case 310: return "class constructor context map";
    case 311: return "byref type map";
    case 313: return "reflection and stack-trace metadata";
    case 315: return "unboxing and instantiating stub map";
    case 316: return "struct marshalling stub map";
    case 317: return "delegate marshalling stub map";
    case 318: return "generic virtual method table";
    case 319: return "interface generic virtual method table";
    case 321: return "type template map";
    case 322: return "generic method template map";
    case 324: return "resource index";
    case 325: return "resource data";
    case 326: return "stack-trace embedded metadata";
    case 327: return "stack-trace method map";
    case 328: return "stack-trace line numbers";
    case 329: return "stack-trace documents";
    case 330: return "native layout info";
    case 331: return "native references";
    case 332: return "generics hashtable";
    case 333: return "native statics";
    case 334: return "statics info hashtable";
    case 335: return "generic methods hashtable";
    case 336: return "exact method instantiations";
    case 340: return "external type map";
    case 341: return "proxy type map";
    default: return NULL;
    }
}

const uint8_t *az_vm_bytes(const az_analysis *a, const az_nativeaot *n, uint64_t addr, uint64_t len)
{
    const az_hydrated *h = &n->hyd;
    if (h->ok && addr >= h->vm_addr && addr - h->vm_addr <= h->size && len <= h->size - (addr - h->vm_addr))
        return h->bytes + (addr - h->vm_addr);
    const az_section *s = az_image_section_at(&a->img, addr);
    if (!s || (s->flags & AZ_SEC_ZEROFILL))
        return NULL;
    uint64_t in = addr - s->vm_addr;
    if (in > s->file_size || len > s->file_size - in)
        return NULL;
    return a->img.data + s->file_off + in;
}

bool az_vm_pointer(const az_analysis *a, const az_nativeaot *n, uint64_t addr, uint64_t *out)
{
    if (az_image_fixup_at(&a->img, addr, out))
        return true;
    const az_hydrated *h = &n->hyd;
    if (h->ok && addr >= h->vm_addr && addr - h->vm_addr < h->size) {
        uint64_t slot = (addr - h->vm_addr) / 8;
        if ((addr - h->vm_addr) % 8 == 0 && (h->ptr_slots[slot / 8] >> (slot % 8) & 1)) {
            az_cursor c = az_cursor_make(h->bytes, h->size);
            bool ok;
            *out = az_peek_u64le(&c, addr - h->vm_addr, &ok);
            return ok;
        }
        return false;
    }
    /* Without a relocation, a non-PIE image holds absolute pointers as is. */
    if (a->img.nfixups == 0) {
        const uint8_t *p = az_vm_bytes(a, n, addr, 8);
        if (!p)
            return false;
        az_cursor c = az_cursor_make(p, 8);
        *out = az_u64le(&c);
        return *out != 0;
    }
    return false;
}

/* ---- module header -------------------------------------------------------- */

static bool find_symbol(const az_image *img, const char *name, uint64_t *addr)
{
    for (size_t i = 0; i < img->nsymbols; i++)
        if (img->symbols[i].name && strcmp(img->symbols[i].name, name) == 0) {
            *addr = img->symbols[i].addr;
            return true;
        }
    return false;
}

static bool read_rtr_at(const az_analysis *a, const az_nativeaot *n, uint64_t addr, az_rtr *out)
{
    const uint8_t *p = az_vm_bytes(a, n, addr, 16);
    if (!p)
        return false;
    az_cursor c = az_cursor_make(p, 16);
    uint32_t sig = az_u32le(&c);
    uint16_t major = az_u16le(&c), minor = az_u16le(&c);
    az_u32le(&c); /* flags */
    uint16_t count = az_u16le(&c);
    uint8_t entry_size = az_u8(&c), entry_type = az_u8(&c);
    if (sig != RTR_SIGNATURE || entry_type != 1 || entry_size != 24 || count == 0 || count > 256 ||
        major == 0 || major > 200)
        return false;
    const uint8_t *rows = az_vm_bytes(a, n, addr + 16, (uint64_t)count * entry_size);
    if (!rows)
        return false;
    out->entries = az_xcalloc(count, sizeof *out->entries);
    out->nentries = 0;
    az_cursor r = az_cursor_make(rows, (uint64_t)count * entry_size);
    for (uint16_t i = 0; i < count; i++) {
        az_rtr_entry *e = &out->entries[out->nentries];
        uint64_t at = addr + 16 + (uint64_t)i * entry_size;
        e->id = az_i32le(&r);
        e->flags = az_u32le(&r);
        az_u64le(&r);
        az_u64le(&r);
        uint64_t start = 0, end = 0;
        if (!az_vm_pointer(a, n, at + 8, &start))
            continue;
        if (!(e->flags & 1) || !az_vm_pointer(a, n, at + 16, &end) || end < start)
            end = start;
        e->start = start;
        e->end = end;
        out->nentries++;
    }
    out->found = true;
    out->addr = addr;
    out->size = 16 + (uint64_t)count * entry_size;
    out->major = major;
    out->minor = minor;
    return true;
}

static void load_rtr(az_analysis *a, az_nativeaot *n)
{
    uint64_t addr;
    const az_image *img = &a->img;
    if (find_symbol(img, "__ReadyToRunHeader", &addr) && read_rtr_at(a, n, addr, &n->rtr))
        return;
    /* The __modules section holds one pointer per module to its header. */
    for (size_t i = 0; i < img->nsections; i++) {
        const az_section *s = &img->sections[i];
        if (!strstr(s->name, "__modules") && strcmp(s->name, ".modules") != 0)
            continue;
        for (uint64_t off = 0; off + 8 <= s->vm_size && off < 64; off += 8)
            if (az_vm_pointer(a, n, s->vm_addr + off, &addr) && read_rtr_at(a, n, addr, &n->rtr))
                return;
    }
    /* Last resort: scan data sections for the signature. */
    for (size_t i = 0; i < img->nsections; i++) {
        const az_section *s = &img->sections[i];
        if (!(s->flags & AZ_SEC_ALLOC) || (s->flags & (AZ_SEC_EXEC | AZ_SEC_ZEROFILL)) || s->file_size < 16)
            continue;
        const uint8_t *p = img->data + s->file_off;
        for (uint64_t off = 0; off + 16 <= s->file_size; off += 4)
            if (p[off] == 'R' && p[off + 1] == 'T' && p[off + 2] == 'R' && p[off + 3] == 0 &&
                read_rtr_at(a, n, s->vm_addr + off, &n->rtr))
                return;
    }
}

/* ---- dehydrated data -------------------------------------------------------- */

enum { CMD_COPY, CMD_ZEROFILL, CMD_RELPTR32_RELOC, CMD_PTR_RELOC, CMD_INLINE_RELPTR32_RELOC,
       CMD_INLINE_PTR_RELOC };
enum { MAX_SHORT_PAYLOAD = 31 - 3 };

/* Where the dehydrated data is rebuilt: a zero-fill section of its own
 * (ELF, Mach-O, PE up to .NET 8: "hydrated"), or, in a PE from .NET 9 on,
 * the memory-only tail of .data past its raw data, where the linker merged
 * "hydrated" like any .bss.  *size gets the bytes from dest to the end of
 * that memory. */
static const az_section *hydrated_section(const az_image *img, uint64_t dest, uint64_t *size)
{
    const az_section *s = az_image_section_at(img, dest);
    if (!s)
        return NULL;
    if ((s->flags & AZ_SEC_ZEROFILL) && dest == s->vm_addr) {
        *size = s->vm_size;
        return s;
    }
    uint64_t in = dest - s->vm_addr;
    if (img->format == AZ_FORMAT_PE && (s->flags & AZ_SEC_WRITE) && in >= s->file_size && in < s->vm_size) {
        *size = s->vm_size - in;
        return s;
    }
    return NULL;
}

static void set_ptr_slot(az_hydrated *h, uint64_t off)
{
    if (off % 8)
        return;
    uint64_t slot = off / 8;
    h->ptr_slots[slot / 8] |= (uint8_t)(1u << (slot % 8));
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void load_hydrated(az_analysis *a, az_nativeaot *n)
{
    az_hydrated *h = &n->hyd;
    const az_rtr_entry *e = NULL;
    for (size_t i = 0; i < n->rtr.nentries; i++)
        if (n->rtr.entries[i].id == RTR_DEHYDRATED_DATA)
            e = &n->rtr.entries[i];
    if (!e || e->end <= e->start + 4)
        return;
    uint64_t blob_off;
    const az_section *bs = az_image_section_at(&a->img, e->start);
    if (!bs || !az_image_vm_to_file(&a->img, e->start, &blob_off))
        return;
    uint64_t len = e->end - e->start;
    if (!az_range_fits(blob_off, len, a->img.size) || e->end - bs->vm_addr > bs->file_size) {
        az_image_warn(&a->img, "%s: dehydrated data [%#llx, %#llx) lies outside its section; not replayed",
                      a->img.path, (unsigned long long)e->start, (unsigned long long)e->end);
        return;
    }
    az_cursor c = az_cursor_make(a->img.data + blob_off, len);
    uint64_t dest = e->start + (uint64_t)(int64_t)az_i32le(&c);
    uint64_t hsize = 0;
    const az_section *hs = hydrated_section(&a->img, dest, &hsize);
    if (!hs) {
        az_image_warn(&a->img, "%s: dehydrated data targets %#llx, which is not zero-fill memory; not replayed",
                      a->img.path, (unsigned long long)dest);
        return;
    }
    /* The rebuilt image can be at most a bounded multiple of the file: a
     * hostile header cannot make us allocate without limit. */
    if (hsize > 8 * a->img.size + (64u << 20)) {
        az_image_warn(&a->img, "%s: hydrated section %s claims %llu bytes; not replayed", a->img.path,
                      hs->name, (unsigned long long)hsize);
        return;
    }
    /* The fixup table follows the command stream up to the end of the section. */
    uint64_t fix_off = blob_off + len;
    uint64_t fix_vm = e->end;
    uint64_t fix_count = (bs->file_off + bs->file_size - fix_off) / 4;

    h->vm_addr = dest;
    h->size = hsize;
    h->bytes = az_xcalloc(h->size ? h->size : 1, 1);
    h->ptr_slots = az_xcalloc(h->size / 64 + 1, 1);
    h->stream_file_off = blob_off;
    h->stream_len = len;
    size_t cap = 0;
    uint64_t out = 0; /* offset in the hydrated section */
    bool damaged = false;

    while (az_cursor_left(&c) > 0) {
        uint64_t cmd_start = c.pos;
        uint8_t b = az_u8(&c);
        unsigned cmd = b & 7;
        uint64_t payload = b >> 3;
        if (payload > MAX_SHORT_PAYLOAD) {
            unsigned extra = (unsigned)(payload - MAX_SHORT_PAYLOAD);
            payload = az_u8(&c);
            if (extra > 1)
                payload += (uint64_t)az_u8(&c) << 8;
            if (extra > 2)
                payload += (uint64_t)az_u8(&c) << 16;
            payload += MAX_SHORT_PAYLOAD;
        }
        uint32_t header = (uint32_t)(c.pos - cmd_start);
        uint64_t inline_len = 0, dest_len = 0;
        bool literal = false;
        switch (cmd) {
        case CMD_COPY: inline_len = payload; dest_len = payload; literal = true; break;
        case CMD_ZEROFILL: dest_len = payload; break;
        case CMD_RELPTR32_RELOC: dest_len = 4; break;
        case CMD_PTR_RELOC: dest_len = 8; break;
        case CMD_INLINE_RELPTR32_RELOC: inline_len = 4 * payload; dest_len = 4 * payload; break;
        case CMD_INLINE_PTR_RELOC: inline_len = 4 * payload; dest_len = 8 * payload; break;
        default: damaged = true; break;
        }
        if (damaged || c.failed || inline_len > az_cursor_left(&c) || dest_len > h->size - out) {
            damaged = true;
            break;
        }
        uint64_t inline_pos = c.pos;
        uint8_t *d = h->bytes + out;
        switch (cmd) {
        case CMD_COPY:
            memcpy(d, c.base + inline_pos, payload);
            break;
        case CMD_RELPTR32_RELOC:
        case CMD_PTR_RELOC: {
            if (payload >= fix_count) {
                damaged = true;
                break;
            }
            if (4 * (payload + 1) > h->fixups_len)
                h->fixups_len = 4 * (payload + 1);
            bool ok;
            az_cursor whole = az_cursor_make(a->img.data, a->img.size);
            int32_t rel = (int32_t)az_peek_u32le(&whole, fix_off + 4 * payload, &ok);
            uint64_t target = fix_vm + 4 * payload + (uint64_t)(int64_t)rel;
            if (cmd == CMD_PTR_RELOC) {
                put_u64(d, target);
                set_ptr_slot(h, out);
            } else {
                put_u32(d, (uint32_t)(target - (h->vm_addr + out)));
            }
            break;
        }
        case CMD_INLINE_RELPTR32_RELOC:
        case CMD_INLINE_PTR_RELOC: {
            az_cursor in = c;
            for (uint64_t k = 0; k < payload; k++) {
                uint64_t src_vm = e->start + in.pos;
                int32_t rel = az_i32le(&in);
                uint64_t target = src_vm + (uint64_t)(int64_t)rel;
                if (cmd == CMD_INLINE_PTR_RELOC) {
                    put_u64(d + 8 * k, target);
                    set_ptr_slot(h, out + 8 * k);
                } else {
                    put_u32(d + 4 * k, (uint32_t)(target - (h->vm_addr + out + 4 * k)));
                }
            }
            break;
        }
        default:
            break;
        }
        if (damaged)
            break;
        az_cursor_skip(&c, inline_len);
        az_grow(&h->cmds, &cap, h->ncmds + 1, sizeof *h->cmds);
        h->cmds[h->ncmds++] = (az_dehydrated_cmd){ blob_off + cmd_start, header, (uint32_t)inline_len,
                                                   h->vm_addr + out, dest_len, literal };
        out += dest_len;
    }
    if (damaged)
        az_image_warn(&a->img, "%s: dehydrated data stream is damaged at offset %llu; the rest of %s is "
                      "not rebuilt", a->img.path, (unsigned long long)c.pos, hs->name);
    h->ok = true;
}

void az_nativeaot_load(az_analysis *a, az_nativeaot *n)
{
    memset(n, 0, sizeof *n);
    load_rtr(a, n);
    if (n->rtr.found)
        load_hydrated(a, n);
}

void az_nativeaot_free(az_nativeaot *n)
{
    free(n->rtr.entries);
    free(n->hyd.bytes);
    free(n->hyd.ptr_slots);
    free(n->hyd.cmds);
    memset(n, 0, sizeof *n);
}

/* ---- claims ------------------------------------------------------------------ */

static const char *rtr_group(int32_t id)
{
    if (id == 313 || id == 326)
        return "reflection and stack-trace metadata";
    if (id >= 327 && id <= 329)
        return "stack-trace maps";
    if (id == 206)
        return "frozen objects";
    if (id == 207)
        return "dehydrated data";
    if (id >= 300)
        return "runtime maps and hashtables";
    return "module header";
}

/* Claims [addr, addr+len) in VM and, where the section has bytes, in the file. */
static void claim_range(const az_analysis *a, az_rangemap *vm, az_rangemap *file, uint64_t addr,
                        uint64_t len, uint32_t id, uint8_t prio)
{
    const az_section *s = az_image_section_at(&a->img, addr);
    if (!s)
        return;
    uint64_t in = addr - s->vm_addr;
    if (len > s->vm_size - in)
        len = s->vm_size - in;
    az_rangemap_add(vm, addr, len, id, prio);
    if (!(s->flags & AZ_SEC_ZEROFILL) && in < s->file_size)
        az_rangemap_add(file, s->file_off + in, len < s->file_size - in ? len : s->file_size - in, id, prio);
}

/* Length of the run starting at addr (at most limit) whose bytes all belong
 * to the same entity (or to none); *owner gets it. */
static uint64_t owner_run(const az_analysis *a, uint64_t addr, uint64_t limit, size_t *owner)
{
    *owner = az_entity_at(a, addr);
    if (*owner != SIZE_MAX) {
        const az_entity *e = &a->entities[*owner];
        uint64_t left = e->addr + e->extent - addr;
        return left < limit ? left : limit;
    }
    /* No owner: run to the next entity start. */
    size_t lo = az_entities_starting_by(a, addr);
    if (lo < a->nby_addr) {
        uint64_t gap = a->entities[a->by_addr[lo]].addr - addr;
        return gap < limit ? gap : limit;
    }
    return limit;
}

static void charge(az_rangemap *file, size_t owner, uint64_t off, uint64_t len, uint8_t prio)
{
    if (owner == SIZE_MAX || len == 0)
        return;
    az_rangemap_add(file, off, len, (uint32_t)(owner * AZ_FACET__COUNT + AZ_FACET_BODY), prio);
}

void az_nativeaot_claims(az_analysis *a, az_rangemap *vm, az_rangemap *file, uint8_t prio_symbol,
                         uint8_t prio_known)
{
    const az_nativeaot *n = a->nat;
    if (!n || !n->rtr.found)
        return;
    size_t hdr = az_label_entity(a, "[module header]", AZ_BUCKET_COMPILER, "module header");
    claim_range(a, vm, file, n->rtr.addr, n->rtr.size, (uint32_t)(hdr * AZ_FACET__COUNT), prio_known);
    for (size_t i = 0; i < n->rtr.nentries; i++) {
        const az_rtr_entry *e = &n->rtr.entries[i];
        const char *name = az_rtr_section_name(e->id);
        if (!name || e->end <= e->start)
            continue;
        size_t ent = az_label_entity(a, az_arena_printf(&a->arena, "[%s]", name), AZ_BUCKET_COMPILER,
                                     rtr_group(e->id));
        claim_range(a, vm, file, e->start, e->end - e->start, (uint32_t)(ent * AZ_FACET__COUNT), prio_known);
    }

    const az_hydrated *h = &n->hyd;
    /* Rebuilt in a PE's .data tail (no section of its own to be labelled
     * by): the memory the stream fills is the compiler's. */
    const az_section *hs = h->ncmds ? az_image_section_at(&a->img, h->vm_addr) : NULL;
    if (hs && !(hs->flags & AZ_SEC_ZEROFILL)) {
        const az_dehydrated_cmd *last = &h->cmds[h->ncmds - 1];
        size_t ent = az_label_entity(a, "[type data rebuilt at start-up]", AZ_BUCKET_COMPILER,
                                     "type data rebuilt at start-up (names unavailable)");
        claim_range(a, vm, file, h->vm_addr, last->dest + last->dest_len - h->vm_addr,
                    (uint32_t)(ent * AZ_FACET__COUNT), prio_known);
    }
    for (size_t i = 0; i < h->ncmds; i++) {
        const az_dehydrated_cmd *c = &h->cmds[i];
        size_t owner;
        owner_run(a, c->dest, 1, &owner);
        charge(file, owner, c->file_off, c->header, prio_symbol);
        uint64_t in = c->file_off + c->header;
        if (c->literal) {
            for (uint64_t pos = 0; pos < c->inline_len;) {
                uint64_t run = owner_run(a, c->dest + pos, c->inline_len - pos, &owner);
                if (run == 0)
                    run = 1;
                charge(file, owner, in + pos, run, prio_symbol);
                pos += run;
            }
        } else if (c->inline_len) {
            /* Inline relocations: 4 bytes in the stream per slot of 4 or 8. */
            uint64_t slots = c->inline_len / 4, slot = c->dest_len / (slots ? slots : 1);
            for (uint64_t k = 0; k < slots; k++) {
                owner_run(a, c->dest + k * slot, 1, &owner);
                charge(file, owner, in + 4 * k, 4, prio_symbol);
            }
        }
    }
}
