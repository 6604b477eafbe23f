#include "ehframe.h"

#include <stdlib.h>
#include <string.h>

#include "cursor.h"

enum {
    PE_OMIT = 0xff,
    PE_FORMAT = 0x0f,
    PE_APPLICATION = 0x70,
    PE_INDIRECT = 0x80,
    PE_absptr = 0x00, PE_uleb128 = 0x01, PE_udata2 = 0x02, PE_udata4 = 0x03, PE_udata8 = 0x04,
    PE_sleb128 = 0x09, PE_sdata2 = 0x0a, PE_sdata4 = 0x0b, PE_sdata8 = 0x0c,
    PE_pcrel = 0x10, PE_datarel = 0x30,
};

/* Reads a DW_EH_PE-encoded pointer.  `field_vm` is the VM address of the
 * field (for pcrel), `data_base` the base for datarel.  Returns false on an
 * encoding we cannot resolve. */
static bool read_encoded(az_cursor *c, uint8_t enc, uint64_t field_vm, uint64_t data_base,
                         uint64_t *out)
{
    if (enc == PE_OMIT)
        return false;
    uint64_t v;
    switch (enc & PE_FORMAT) {
    case PE_absptr: v = az_u64le(c); break;
    case PE_uleb128: v = az_uleb128(c); break;
    case PE_udata2: v = az_u16le(c); break;
    case PE_udata4: v = az_u32le(c); break;
    case PE_udata8: v = az_u64le(c); break;
    case PE_sleb128: v = (uint64_t)az_sleb128(c); break;
    case PE_sdata2: v = (uint64_t)(int64_t)(int16_t)az_u16le(c); break;
    case PE_sdata4: v = (uint64_t)(int64_t)az_i32le(c); break;
    case PE_sdata8: v = az_u64le(c); break;
    default: return false;
    }
    if (c->failed)
        return false;
    switch (enc & PE_APPLICATION) {
    case 0: break;
    case PE_pcrel: v += field_vm; break;
    case PE_datarel: v += data_base; break;
    default: return false; /* textrel / funcrel / aligned: not used on our targets */
    }
    *out = v;
    return !(enc & PE_INDIRECT);
}

typedef struct cie_info {
    uint64_t offset;     /* within .eh_frame */
    uint8_t fde_enc;
    uint8_t lsda_enc;
    bool has_aug_data;
} cie_info;

static int cmp_lsda(const void *a, const void *b)
{
    const struct az_lsda_ref *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return x->owner < y->owner ? -1 : x->owner > y->owner;
}

static bool parse_cie(az_cursor *rec, cie_info *out)
{
    out->fde_enc = PE_absptr;
    out->lsda_enc = PE_OMIT;
    out->has_aug_data = false;
    uint8_t version = az_u8(rec);
    uint64_t auglen;
    const char *aug = az_cstr(rec, &auglen);
    if (!aug || (version != 1 && version != 3 && version != 4))
        return false;
    if (version == 4) {
        az_u8(rec); /* address size */
        az_u8(rec); /* segment size */
    }
    az_uleb128(rec);  /* code alignment */
    az_sleb128(rec);  /* data alignment */
    if (version == 1)
        az_u8(rec);
    else
        az_uleb128(rec);
    if (aug[0] != 'z')
        return !rec->failed && aug[0] == 0;
    out->has_aug_data = true;
    uint64_t len = az_uleb128(rec);
    az_cursor data;
    if (!az_cursor_sub(rec, rec->pos, len, &data))
        return false;
    for (const char *p = aug + 1; *p; p++) {
        switch (*p) {
        case 'L': out->lsda_enc = az_u8(&data); break;
        case 'R': out->fde_enc = az_u8(&data); break;
        case 'P': {
            uint8_t enc = az_u8(&data);
            uint64_t ignored;
            read_encoded(&data, (uint8_t)(enc & ~PE_INDIRECT), 0, 0, &ignored);
            break;
        }
        case 'S': case 'B': break;
        default: return !data.failed; /* unknown augmentation: stop, keep what we have */
        }
    }
    return !data.failed && !rec->failed;
}

void az_lsda_add(az_lsda_refs *l, uint64_t lsda, uint64_t owner)
{
    az_grow(&l->refs, &l->cap, l->n + 1, sizeof *l->refs);
    l->refs[l->n].addr = lsda;
    l->refs[l->n].owner = owner;
    l->n++;
}

void az_ehframe_read(az_image *img, const az_section *sec)
{
    az_lsda_refs lsdas = { 0 };
    az_ehframe_read_lsdas(img, sec, &lsdas);
    az_lsda_regions(img, &lsdas);
}

void az_ehframe_read_lsdas(az_image *img, const az_section *sec, az_lsda_refs *lsdas)
{
    az_cursor all;
    if (!az_cursor_sub(&(az_cursor){ img->data, img->size, 0, false }, sec->file_off, sec->file_size, &all))
        return;
    cie_info *cies = NULL;
    size_t ncies = 0, cap_cies = 0;
    bool damaged = false;

    while (az_cursor_left(&all) >= 4) {
        uint64_t start = all.pos;
        uint64_t len = az_u32le(&all);
        if (len == 0) { /* terminator */
            az_image_add_region(img, AZ_RGN_CIE, "[.eh_frame terminator]", sec->file_off + start, 4,
                                sec->vm_addr + start, 4);
            continue;
        }
        if (len == 0xffffffffu)
            len = az_u64le(&all);
        uint64_t body = all.pos;
        az_cursor rec;
        if (all.failed || !az_cursor_sub(&all, body, len, &rec) || len < 4) {
            damaged = true;
            break;
        }
        az_cursor_seek(&all, body + len);
        uint64_t rec_size = body + len - start;
        uint32_t id = az_u32le(&rec);
        if (id == 0) {
            az_grow(&cies, &cap_cies, ncies + 1, sizeof *cies);
            cie_info *ci = &cies[ncies];
            ci->offset = start;
            if (parse_cie(&rec, ci))
                ncies++;
            else
                damaged = true;
            az_image_add_region(img, AZ_RGN_CIE, "[.eh_frame CIE]", sec->file_off + start, rec_size,
                                sec->vm_addr + start, rec_size);
            continue;
        }
        /* FDE: id is the distance back from the id field to its CIE. */
        uint64_t cie_off = body - id;
        const cie_info *ci = NULL;
        for (size_t k = ncies; k-- > 0;) {
            if (cies[k].offset == cie_off) {
                ci = &cies[k];
                break;
            }
        }
        az_region *r = az_image_add_region(img, AZ_RGN_UNWIND, "[.eh_frame]", sec->file_off + start,
                                           rec_size, sec->vm_addr + start, rec_size);
        if (!ci) {
            damaged = true;
            continue;
        }
        uint64_t pc_begin;
        if (!read_encoded(&rec, ci->fde_enc, sec->vm_addr + body + rec.pos, 0, &pc_begin)) {
            damaged = true;
            continue;
        }
        r->has_owner = 1;
        r->owner_addr = pc_begin;
        uint64_t pc_range;
        if (!read_encoded(&rec, (uint8_t)(ci->fde_enc & PE_FORMAT), 0, 0, &pc_range))
            continue;
        if (!ci->has_aug_data)
            continue;
        uint64_t auglen = az_uleb128(&rec);
        if (ci->lsda_enc == PE_OMIT || auglen == 0 || rec.failed)
            continue;
        uint64_t lsda;
        if (read_encoded(&rec, ci->lsda_enc, sec->vm_addr + body + rec.pos, 0, &lsda) && lsda)
            az_lsda_add(lsdas, lsda, pc_begin);
    }
    if (damaged)
        az_image_warn(img, "%s: %s is damaged; some unwind records are left unattributed",
                      img->path, sec->name);
    free(cies);
}

void az_lsda_regions(az_image *img, az_lsda_refs *l)
{
    struct az_lsda_ref *lsdas = l->refs;
    size_t nlsdas = l->n;
    /* An LSDA runs to the next LSDA (or the end of its section).  ILC shares
     * identical LSDAs between methods; a shared one is charged to the first
     * method (lowest address) that uses it. */
    if (nlsdas) {
        az_qsort(lsdas, nlsdas, sizeof *lsdas, cmp_lsda);
        for (size_t i = 0; i < nlsdas; i++) {
            if (i > 0 && lsdas[i].addr == lsdas[i - 1].addr)
                continue;
            const az_section *ls = az_image_section_at(img, lsdas[i].addr);
            if (!ls || ls->flags & AZ_SEC_EXEC)
                continue;
            uint64_t end = ls->vm_addr + ls->vm_size;
            for (size_t j = i + 1; j < nlsdas; j++) {
                if (lsdas[j].addr != lsdas[i].addr) {
                    if (lsdas[j].addr < end)
                        end = lsdas[j].addr;
                    break;
                }
            }
            uint64_t len = end - lsdas[i].addr;
            uint64_t in_sec = lsdas[i].addr - ls->vm_addr;
            uint64_t foff = 0, fsize = 0;
            if (!(ls->flags & AZ_SEC_ZEROFILL) && in_sec < ls->file_size) {
                foff = ls->file_off + in_sec;
                fsize = len <= ls->file_size - in_sec ? len : ls->file_size - in_sec;
            }
            az_region *r = az_image_add_region(img, AZ_RGN_LSDA,
                                               az_arena_printf(&img->arena, "[%s]", ls->name), foff,
                                               fsize, lsdas[i].addr, len);
            r->has_owner = 1;
            r->owner_addr = lsdas[i].owner;
        }
    }
    free(lsdas);
    memset(l, 0, sizeof *l);
}

void az_ehframe_hdr_read(az_image *img, const az_section *sec)
{
    az_cursor c;
    if (!az_cursor_sub(&(az_cursor){ img->data, img->size, 0, false }, sec->file_off, sec->file_size, &c))
        return;
    uint8_t version = az_u8(&c);
    uint8_t ptr_enc = az_u8(&c);
    uint8_t count_enc = az_u8(&c);
    uint8_t table_enc = az_u8(&c);
    uint64_t eh_frame_ptr, count = 0;
    bool ok = version == 1 && read_encoded(&c, ptr_enc, sec->vm_addr + c.pos, sec->vm_addr, &eh_frame_ptr) &&
              read_encoded(&c, count_enc, sec->vm_addr + c.pos, sec->vm_addr, &count);
    uint64_t header = c.pos;
    az_image_add_region(img, AZ_RGN_CIE, "[.eh_frame_hdr]", sec->file_off, header, sec->vm_addr, header);
    /* The binary search table: datarel sdata4 pairs, 8 bytes per entry. */
    if (!ok || table_enc != (PE_datarel | PE_sdata4)) {
        if (ok && count)
            az_image_warn(img, "%s: .eh_frame_hdr table encoding 0x%02x not understood", img->path, table_enc);
        return;
    }
    if (count > az_cursor_left(&c) / 8) {
        az_image_warn(img, "%s: .eh_frame_hdr claims %llu entries but holds %llu", img->path,
                      (unsigned long long)count, (unsigned long long)(az_cursor_left(&c) / 8));
        count = az_cursor_left(&c) / 8;
    }
    for (uint64_t i = 0; i < count; i++) {
        uint64_t at = c.pos;
        int32_t loc = az_i32le(&c);
        az_i32le(&c);
        az_region *r = az_image_add_region(img, AZ_RGN_UNWIND_INDEX, "[.eh_frame_hdr]", sec->file_off + at, 8,
                                           sec->vm_addr + at, 8);
        r->has_owner = 1;
        r->owner_addr = sec->vm_addr + (uint64_t)(int64_t)loc;
    }
}
