/* PE and PDB readers on hand-built files: a small but complete PE32+ image
 * (headers, .text with one native and two ILC-style functions, .rdata with
 * unwind info, an import and the debug directory, .data with a zero-fill
 * tail, .pdata, .reloc) and a matching MSF 7.0 PDB; then damaged copies of
 * both.  Every expected value follows from the layout written below. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../formats/cursor.h"
#include "../formats/pdb.h"
#include "../formats/pe.h"
#include "../inspector/analysis.h"
#include "../inspector/nativeaot.h"
#include "test.h"

/* ---- little-endian writers ------------------------------------------------------- */

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- the image ------------------------------------------------------------------- *
 *
 * file       RVA      what
 * 0x000      0x0000   DOS header (e_lfanew = 0x80), stub
 * 0x080      0x0080   "PE\0\0", COFF header (5 sections), optional header (240 bytes)
 * 0x188      0x0188   section table (5 x 40)
 * 0x400      0x1000   .text   VirtualSize 0x100, raw 0x200
 *                       0x1000-0x1020 native function N   (unwind 0x2000, nothing after it)
 *                       0x1020-0x1040 managed function M1 (unwind 0x2004 + 8 bytes of ILC data)
 *                       0x1040-0x1060 managed function M2 (unwind 0x2010 + 4 bytes of ILC data)
 * 0x600      0x2000   .rdata  VirtualSize 0x200, raw 0x200
 *                       0x2000 UNWIND_INFO N:  version 1, no codes         (4 bytes)
 *                       0x2004 UNWIND_INFO M1: version 1, 1 code (2+pad 2)  (8 bytes)
 *                       0x200c ILC flags byte + GC info                     (4 bytes)
 *                       0x2010 UNWIND_INFO M2: version 1, no codes          (4 bytes)
 *                       0x2014 ILC flags byte + GC info                     (4 bytes)
 *                       0x2018 UNWIND_INFO of a 4th entry (N again, shared) -- none
 *                       0x2040 a pointer (DIR64 reloc) to RVA 0x1020
 *                       0x2080 import descriptors (2 x 20), 0x20b0 ILT, 0x20c0 IAT,
 *                       0x20d0 hint/name "ExitProcess", 0x20e0 "KERNEL32.dll"
 *                       0x2100 debug directory (1 x 28), 0x2120 RSDS record
 * 0x800      0x3000   .data   VirtualSize 0x1000, raw 0x200 (zero-fill tail)
 * 0xa00      0x4000   .pdata  VirtualSize 0x24 (3 RUNTIME_FUNCTIONs), raw 0x200
 * 0xc00      0x5000   .reloc  VirtualSize 0x0c, raw 0x200
 * SizeOfImage 0x6000, file size 0xe00. */
enum { IMG_SIZE = 0xe00, NT = 0x80, OPT = NT + 24, SECTAB = OPT + 240, NSEC = 5 };

static const uint8_t test_guid[16] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
                                       0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01 };
enum { TEST_AGE = 3 };

static void section(uint8_t *f, int i, const char *name, uint32_t vsize, uint32_t va, uint32_t raw_size,
                    uint32_t raw_ptr, uint32_t ch)
{
    uint8_t *s = f + SECTAB + 40 * i;
    memcpy(s, name, strlen(name));
    put32(s + 8, vsize);
    put32(s + 12, va);
    put32(s + 16, raw_size);
    put32(s + 20, raw_ptr);
    put32(s + 36, ch);
}

static uint8_t *file_at_rva(uint8_t *f, uint32_t rva)
{
    static const struct { uint32_t va, raw; } map[] = {
        { 0x1000, 0x400 }, { 0x2000, 0x600 }, { 0x3000, 0x800 }, { 0x4000, 0xa00 }, { 0x5000, 0xc00 },
    };
    for (int i = 4; i >= 0; i--)
        if (rva >= map[i].va)
            return f + map[i].raw + (rva - map[i].va);
    return f + rva;
}

static uint8_t *build_image(void)
{
    uint8_t *f = calloc(1, IMG_SIZE);
    f[0] = 'M';
    f[1] = 'Z';
    put32(f + 0x3c, NT);
    memcpy(f + NT, "PE\0\0", 4);
    put16(f + NT + 4, 0x8664);
    put16(f + NT + 6, NSEC);
    put16(f + NT + 20, 240);
    put16(f + OPT, 0x20b);
    put64(f + OPT + 24, 0x140000000ull);
    put32(f + OPT + 32, 0x1000);
    put32(f + OPT + 36, 0x200);
    put32(f + OPT + 56, 0x6000);
    put32(f + OPT + 60, 0x400);
    put32(f + OPT + 108, 16);
    uint8_t *dirs = f + OPT + 112;
    put32(dirs + 8 * 1, 0x2080); /* import */
    put32(dirs + 8 * 1 + 4, 40);
    put32(dirs + 8 * 3, 0x4000); /* exception */
    put32(dirs + 8 * 3 + 4, 36);
    put32(dirs + 8 * 5, 0x5000); /* base relocations */
    put32(dirs + 8 * 5 + 4, 12);
    put32(dirs + 8 * 6, 0x2100); /* debug */
    put32(dirs + 8 * 6 + 4, 28);
    put32(dirs + 8 * 12, 0x20c0); /* IAT */
    put32(dirs + 8 * 12 + 4, 16);
    section(f, 0, ".text", 0x100, 0x1000, 0x200, 0x400, 0x60000020);
    section(f, 1, ".rdata", 0x200, 0x2000, 0x200, 0x600, 0x40000040);
    section(f, 2, ".data", 0x1000, 0x3000, 0x200, 0x800, 0xc0000040);
    section(f, 3, ".pdata", 0x24, 0x4000, 0x200, 0xa00, 0x40000040);
    section(f, 4, ".reloc", 0x0c, 0x5000, 0x200, 0xc00, 0x42000040);

    /* .text: code bytes (int3 fill is enough for a reader). */
    memset(file_at_rva(f, 0x1000), 0xcc, 0x60);
    /* .rdata: unwind info and ILC's trailing data. */
    uint8_t *x = file_at_rva(f, 0x2000);
    x[0x00] = 1;                 /* N: version 1, flags 0, 0 codes */
    x[0x04] = 1;                 /* M1: version 1 */
    x[0x06] = 1;                 /* one code slot (+1 padding slot) */
    x[0x0c] = 0x00;              /* ILC flags byte */
    x[0x0d] = 0x42;              /* GC info */
    x[0x10] = 1;                 /* M2 */
    x[0x14] = 0x00;
    x[0x15] = 0x17;
    put64(file_at_rva(f, 0x2040), 0x140000000ull + 0x1020);
    /* Import: one DLL, one function by name. */
    uint8_t *imp = file_at_rva(f, 0x2080);
    put32(imp + 0, 0x20b0);      /* ILT */
    put32(imp + 12, 0x20e0);     /* name */
    put32(imp + 16, 0x20c0);     /* IAT */
    put64(file_at_rva(f, 0x20b0), 0x20d0);
    put64(file_at_rva(f, 0x20c0), 0x20d0);
    memcpy(file_at_rva(f, 0x20d2), "ExitProcess", 12);
    memcpy(file_at_rva(f, 0x20e0), "KERNEL32.dll", 13);
    /* Debug directory: one CodeView entry. */
    uint8_t *dd = file_at_rva(f, 0x2100);
    put32(dd + 12, 2);
    put32(dd + 16, 24 + 14);
    put32(dd + 20, 0x2120);
    put32(dd + 24, 0x600 + 0x120);
    uint8_t *cv = file_at_rva(f, 0x2120);
    memcpy(cv, "RSDS", 4);
    memcpy(cv + 4, test_guid, 16);
    put32(cv + 20, TEST_AGE);
    memcpy(cv + 24, "C:\\b\\test.pdb", 14);
    /* .pdata */
    uint8_t *p = file_at_rva(f, 0x4000);
    const uint32_t rf[3][3] = { { 0x1000, 0x1020, 0x2000 }, { 0x1020, 0x1040, 0x2004 }, { 0x1040, 0x1060, 0x2010 } };
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++)
            put32(p + 12 * i + 4 * k, rf[i][k]);
    /* .reloc: one block for page 0x2000, one DIR64 entry at +0x40, one pad. */
    uint8_t *r = file_at_rva(f, 0x5000);
    put32(r, 0x2000);
    put32(r + 4, 12);
    put16(r + 8, (uint16_t)(10 << 12 | 0x040));
    put16(r + 10, 0);
    return f;
}

static az_status analyze(const uint8_t *data, uint64_t size, const char *path, const az_options *o, az_analysis *a,
                         az_error *err)
{
    memset(err, 0, sizeof *err);
    return az_analyze(data, size, path, o, a, err);
}

static bool has_warning(const az_analysis *a, const char *needle)
{
    for (size_t i = 0; i < a->img.nwarnings; i++)
        if (strstr(a->img.warnings[i], needle))
            return true;
    return false;
}

static uint64_t bucket_vm(const az_analysis *a, az_bucket b)
{
    uint64_t t = 0;
    for (size_t i = 0; i < a->nentities; i++)
        if (a->entities[i].bucket == b)
            t += az_entity_vm(&a->entities[i]);
    return t;
}

static const az_region *region_at(const az_image *img, uint64_t vm, az_region_kind kind)
{
    for (size_t i = 0; i < img->nregions; i++)
        if (img->regions[i].kind == kind && img->regions[i].vm_addr == vm && img->regions[i].vm_size)
            return &img->regions[i];
    return NULL;
}

static void test_good_image(void)
{
    uint8_t *f = build_image();
    az_analysis a;
    az_error err;
    CHECK(analyze(f, IMG_SIZE, NULL, NULL, &a, &err) == AZ_OK);
    CHECK(a.img.format == AZ_FORMAT_PE);
    CHECK(a.img.arch == AZ_ARCH_X64);
    CHECK_U64(a.img.image_base, 0x140000000ull);
    CHECK_U64(a.img.nsections, 5);
    CHECK_U64(a.img.nwarnings, 0);
    for (size_t i = 0; i < a.img.nwarnings; i++)
        fprintf(stderr, "  unexpected warning: %s\n", a.img.warnings[i]);
    /* .data: 0x1000 in memory, 0x200 in the file; the rest is zero-fill. */
    const az_section *data = az_image_find_section(&a.img, ".data");
    CHECK(data && data->vm_size == 0x1000 && data->file_size == 0x200 && data->index == 3);
    /* .pdata's raw data is 0x200 but only VirtualSize 0x24 is the section. */
    const az_section *pdata = az_image_find_section(&a.img, ".pdata");
    CHECK(pdata && pdata->file_size == 0x24);
    /* Totals: every file byte; every mapped byte = SizeOfImage. */
    CHECK_U64(a.file_total, IMG_SIZE);
    CHECK_U64(a.vm_total, 0x6000);
    /* DIR64 relocation: a fixup whose target is an RVA. */
    uint64_t target = 0;
    CHECK(az_image_fixup_at(&a.img, 0x2040, &target));
    CHECK_U64(target, 0x1020);
    /* The reloc entry is charged to what it patches. */
    const az_region *rr = region_at(&a.img, 0x5008, AZ_RGN_RELOC);
    CHECK(rr && rr->has_owner && rr->owner_addr == 0x2040);
    /* CodeView record: the PDB's identity and path. */
    char key[42];
    az_pe_identity_key(test_guid, TEST_AGE, key);
    CHECK_STR(key, "443322116655887799AABBCCDDEEFF013");
    CHECK_STR(a.img.build_id, key);
    CHECK_STR(a.img.debuglink, "C:\\b\\test.pdb");
    /* Unwind info: N's is 4 bytes with nothing after it; M1's is 8 bytes
     * (one code slot padded to two) followed by 4 bytes of ILC data. */
    const az_region *u = region_at(&a.img, 0x2004, AZ_RGN_UNWIND);
    CHECK(u && u->vm_size == 8 && u->has_owner && u->owner_addr == 0x1020);
    const az_region *t = region_at(&a.img, 0x200c, AZ_RGN_LSDA);
    CHECK(t && t->vm_size == 4 && t->owner_addr == 0x1020);
    CHECK(region_at(&a.img, 0x2004, AZ_RGN_LSDA) == NULL);
    /* M1 and M2 are managed (ILC data after their unwind info; M2's is the
     * last, so it takes M1's side); N is native. */
    const az_region *mc = region_at(&a.img, 0x1020, AZ_RGN_MANAGED_CODE);
    CHECK(mc && mc->vm_size == 0x40);
    CHECK(region_at(&a.img, 0x1000, AZ_RGN_MANAGED_CODE) == NULL);
    /* M2's unwind info is the last one: nothing marks where its ILC data
     * ends, so those 4 bytes are not guessed. */
    CHECK(region_at(&a.img, 0x2014, AZ_RGN_LSDA) == NULL);
    /* The managed bucket: M1+M2 code (0x40), their .pdata entries (2 x 12),
     * M1's unwind info and ILC data (8 + 4), M2's unwind info (4). */
    CHECK_U64(bucket_vm(&a, AZ_BUCKET_MANAGED), 0x40 + 24 + 16);
    /* The import: descriptor table (2 x 20) and the DLL's tables. */
    CHECK(region_at(&a.img, 0x2080, AZ_RGN_DYNAMIC) != NULL);
    CHECK(region_at(&a.img, 0x20c0, AZ_RGN_DYNAMIC) != NULL);
    az_analysis_free(&a);
    free(f);
}

/* ---- damaged images ------------------------------------------------------------------ */

static void expect_error(const uint8_t *f, uint64_t size, az_status want, const char *msg)
{
    az_analysis a;
    az_error err;
    az_status st = analyze(f, size, "bad.exe", NULL, &a, &err);
    CHECK(st == want);
    if (st != want || !strstr(err.msg, msg))
        fprintf(stderr, "  got status %d, message '%s'; want %d, '%s'\n", st, err.msg, want, msg);
    CHECK(strstr(err.msg, msg) != NULL);
    CHECK(strstr(err.msg, "bad.exe") != NULL);
    if (st == AZ_OK)
        az_analysis_free(&a);
}

/* Analyses a damaged copy: must succeed, with a warning containing `warn`,
 * and the totals invariant must hold. */
static void expect_warning(const uint8_t *f, uint64_t size, const char *warn)
{
    az_analysis a;
    az_error err;
    az_status st = analyze(f, size, "bad.exe", NULL, &a, &err);
    CHECK(st == AZ_OK);
    if (st != AZ_OK) {
        fprintf(stderr, "  unexpected error: %s\n", err.msg);
        return;
    }
    CHECK(has_warning(&a, warn));
    if (!has_warning(&a, warn))
        for (size_t i = 0; i < a.img.nwarnings; i++)
            fprintf(stderr, "  (wanted '%s') warning: %s\n", warn, a.img.warnings[i]);
    CHECK_U64(a.file_total, size);
    az_analysis_free(&a);
}

/* .NET 9 links ILC's "hydrated" section into .data, past its raw bytes: the
 * module header's dehydrated data (RTR entry 207) targets that zero-fill
 * tail, and is rebuilt there.  The test image gets a module header at 0x2180
 * (one entry), its stream at 0x21b0 (target 0x3400, in .data's tail: raw
 * 0x200 of 0x1000) and base relocations for the entry's two pointers. */
static void test_dehydrated_in_data_tail(void)
{
    uint8_t *f = build_image();
    uint8_t *h = file_at_rva(f, 0x2180);
    put32(h, 0x00525452);         /* "RTR\0" */
    put16(h + 4, 9);              /* major */
    put16(h + 12, 1);             /* one entry */
    h[14] = 24;                   /* entry size */
    h[15] = 1;                    /* entry type */
    put32(h + 16, 207);           /* dehydrated data */
    put32(h + 20, 1);             /* has an end pointer */
    put64(h + 24, 0x140000000ull + 0x21b0);
    put64(h + 32, 0x140000000ull + 0x21ba);
    uint8_t *st = file_at_rva(f, 0x21b0);
    put32(st, 0x3400 - 0x21b0);   /* where it is rebuilt, relative to the stream */
    st[4] = 4 << 3;               /* copy 4 bytes */
    memcpy(st + 5, "ABCD", 4);
    st[9] = 8 << 3 | 1;           /* 8 zero bytes */
    uint8_t *r = file_at_rva(f, 0x5000);
    put32(r + 4, 16);
    put16(r + 8, (uint16_t)(10 << 12 | 0x040));
    put16(r + 10, (uint16_t)(10 << 12 | 0x198));
    put16(r + 12, (uint16_t)(10 << 12 | 0x1a0));
    put16(r + 14, 0);
    put32(f + SECTAB + 40 * 4 + 8, 16);  /* .reloc VirtualSize */
    put32(f + OPT + 112 + 8 * 5 + 4, 16); /* base relocation directory size */

    az_analysis a;
    az_error err;
    CHECK(analyze(f, IMG_SIZE, NULL, NULL, &a, &err) == AZ_OK);
    CHECK(a.nat && a.nat->rtr.found && a.nat->hyd.ok);
    CHECK(!has_warning(&a, "not zero-fill"));
    const uint8_t *p = a.nat ? az_vm_bytes(&a, a.nat, 0x3400, 4) : NULL;
    CHECK(p && memcmp(p, "ABCD", 4) == 0);
    /* The 12 rebuilt bytes are the compiler's; the stream's 10 file bytes
     * are the dehydrated data. */
    bool rebuilt = false, stream = false;
    for (size_t i = 0; i < a.nentities; i++) {
        const az_entity *e = &a.entities[i];
        uint64_t fs = 0, vs = 0;
        for (int k = 0; k < AZ_FACET__COUNT; k++) {
            fs += e->file[k];
            vs += e->vm[k];
        }
        if (strcmp(e->raw, "[type data rebuilt at start-up]") == 0) {
            rebuilt = true;
            CHECK(e->bucket == AZ_BUCKET_COMPILER);
            CHECK_U64(vs, 12);
            CHECK_U64(fs, 0);
        }
        if (strcmp(e->raw, "[dehydrated data]") == 0) {
            stream = true;
            CHECK_U64(fs, 10);
        }
    }
    CHECK(rebuilt && stream);
    CHECK_U64(a.file_total, IMG_SIZE);
    az_analysis_free(&a);
    free(f);
}

/* An Authenticode signature: the certificate table's "RVA" is a file offset
 * past the sections, and the loader does not map it.  Appended to the test
 * image: 0x40 bytes at IMG_SIZE (WIN_CERTIFICATE, PKCS#7). */
static void test_certificate_table(void)
{
    enum { CERT = 0x40 };
    uint8_t *good = build_image();
    uint8_t *f = calloc(1, IMG_SIZE + CERT);
    memcpy(f, good, IMG_SIZE);
    put32(f + OPT + 112 + 8 * 4, IMG_SIZE);
    put32(f + OPT + 112 + 8 * 4 + 4, CERT);
    put32(f + IMG_SIZE, CERT);      /* dwLength */
    put16(f + IMG_SIZE + 4, 0x200); /* WIN_CERT_REVISION_2_0 */
    put16(f + IMG_SIZE + 6, 2);     /* WIN_CERT_TYPE_PKCS_SIGNED_DATA */
    az_analysis a;
    az_error err;
    CHECK(analyze(f, IMG_SIZE + CERT, NULL, NULL, &a, &err) == AZ_OK);
    const az_region *r = NULL;
    for (size_t i = 0; i < a.img.nregions; i++)
        if (strcmp(a.img.regions[i].label, "[certificate table]") == 0)
            r = &a.img.regions[i];
    CHECK(r && r->file_off == IMG_SIZE && r->file_size == CERT && r->vm_size == 0);
    CHECK_U64(a.file_total, IMG_SIZE + CERT);
    CHECK_U64(a.vm_total, 0x6000); /* unmapped: memory is unchanged */
    CHECK_U64(a.img.nwarnings, 0);
    az_analysis_free(&a);
    /* A table that runs past the end of the file: a warning, bytes kept. */
    put32(f + OPT + 112 + 8 * 4 + 4, CERT + 1);
    expect_warning(f, IMG_SIZE + CERT, "certificate table [3584, +65) lies outside the file");
    free(f);
    free(good);
}

static void test_damaged_images(void)
{
    uint8_t *good = build_image();
    uint8_t *f = malloc(IMG_SIZE);

    /* Fatal: the top headers. */
    expect_error(good, 40, AZ_ERR_FORMAT, "truncated DOS header");
    expect_error(good, NT + 10, AZ_ERR_FORMAT, "truncated PE header");
    expect_error(good, OPT + 100, AZ_ERR_FORMAT, "truncated PE optional header");
    memcpy(f, good, IMG_SIZE);
    f[NT] = 'X';
    expect_error(f, IMG_SIZE, AZ_ERR_FORMAT, "without a PE signature");
    memcpy(f, good, IMG_SIZE);
    put16(f + OPT, 0x10b);
    expect_error(f, IMG_SIZE, AZ_ERR_UNSUPPORTED, "32-bit PE (PE32) is not supported");
    memcpy(f, good, IMG_SIZE);
    put16(f + NT + 4, 0x14c);
    expect_error(f, IMG_SIZE, AZ_ERR_UNSUPPORTED, "PE machine 0x14c is not supported");
    memcpy(f, good, IMG_SIZE);
    put32(f + 0x3c, 0xfffffff0u); /* e_lfanew far past the end */
    expect_error(f, IMG_SIZE, AZ_ERR_FORMAT, "truncated PE header");

    /* Warnings: everything below the headers. */
    memcpy(f, good, IMG_SIZE);
    put16(f + NT + 6, 60000); /* section table past EOF */
    expect_warning(f, IMG_SIZE, "section table claims 60000 sections");
    memcpy(f, good, IMG_SIZE);
    put32(f + SECTAB + 40 * 2 + 20, 0x7ffff000); /* .data raw data outside the file */
    expect_warning(f, IMG_SIZE, "section .data [2147479552, +512) lies outside the file");
    memcpy(f, good, IMG_SIZE);
    put32(f + OPT + 112 + 8 * 3, 0x90000); /* exception directory outside the image */
    expect_warning(f, IMG_SIZE, "exception directory [0x90000, +36) lies outside the image");
    memcpy(f, good, IMG_SIZE);
    put32(file_at_rva(f, 0x5004), 3); /* base relocation block size too small */
    expect_warning(f, IMG_SIZE, "base relocation block at +0 has size 3");
    memcpy(f, good, IMG_SIZE);
    put32(f + OPT + 108, 0x7fffffff); /* more data directories than fit */
    expect_warning(f, IMG_SIZE, "claims 2147483647 data directories");
    memcpy(f, good, IMG_SIZE);
    put32(file_at_rva(f, 0x2080 + 12), 0x9999999); /* import DLL name outside the image */
    expect_warning(f, IMG_SIZE, "import directory is damaged");
    memcpy(f, good, IMG_SIZE);
    memcpy(file_at_rva(f, 0x2120), "RSDX", 4);
    expect_warning(f, IMG_SIZE, "CodeView debug record is damaged");
    memcpy(f, good, IMG_SIZE);
    put32(file_at_rva(f, 0x4000 + 12), 0x9000); /* a RUNTIME_FUNCTION outside the code */
    expect_warning(f, IMG_SIZE, "some .pdata entries do not describe code");
    memcpy(f, good, IMG_SIZE);
    file_at_rva(f, 0x2004)[0] = 7; /* unwind version 7 */
    expect_warning(f, IMG_SIZE, "some unwind info is unreadable");

    /* Every truncation of the file: an error or a report, never a crash,
     * and the totals hold whenever there is a report. */
    for (uint64_t n = 1; n < IMG_SIZE; n += 7) {
        az_analysis a;
        az_error err;
        if (analyze(good, n, "cut.exe", NULL, &a, &err) == AZ_OK) {
            CHECK_U64(a.file_total, n);
            az_analysis_free(&a);
        } else {
            CHECK(err.msg[0] != 0);
        }
    }
    /* Every single-byte corruption of the headers and tables: same. */
    for (uint64_t at = 0; at < IMG_SIZE; at += 3) {
        memcpy(f, good, IMG_SIZE);
        f[at] ^= 0xa5;
        az_analysis a;
        az_error err;
        if (analyze(f, IMG_SIZE, "flip.exe", NULL, &a, &err) == AZ_OK) {
            CHECK_U64(a.file_total, IMG_SIZE);
            az_analysis_free(&a);
        }
    }
    free(f);
    free(good);
}

/* ---- the PDB ----------------------------------------------------------------------- */

enum { BS = 512, MAX_BLOCKS = 64 };

typedef struct pdb_builder {
    uint8_t *f;
    uint32_t nblocks;
    uint32_t sizes[16];
    uint32_t blocks[16][8];
    uint32_t nstreams;
} pdb_builder;

static uint32_t new_block(pdb_builder *b)
{
    return b->nblocks++;
}

static void add_stream(pdb_builder *b, const uint8_t *data, uint32_t size)
{
    uint32_t s = b->nstreams++;
    b->sizes[s] = size;
    for (uint32_t off = 0, k = 0; off < size; off += BS, k++) {
        uint32_t blk = new_block(b);
        b->blocks[s][k] = blk;
        memcpy(b->f + (uint64_t)blk * BS, data + off, size - off < BS ? size - off : BS);
    }
}

static uint32_t align4(uint32_t v)
{
    return (v + 3) & ~3u;
}

/* A record with the u16 length (kind and data, padded to 4) and kind. */
static uint32_t record(uint8_t *p, uint16_t kind, const uint8_t *data, uint32_t n)
{
    uint32_t len = align4(2 + n + 2) - 2;
    put16(p, (uint16_t)len);
    put16(p + 2, kind);
    memcpy(p + 4, data, n);
    return len + 2;
}

/* Builds a PDB for the image above with:
 *   public  "pub_data"  at .rdata (section 2) + 0x40, no size
 *   public  "M1"        at .text  (section 1) + 0x20
 *   global  "gdata"     (S_GDATA32) at .data + 0x10
 *   procedure "M1" code size 0x1d (module stream), "N_static" (S_LPROC32) at .text + 0, size 0x18
 * and a section contribution [.rdata+0x40, +0x30) that ends pub_data. */
static uint8_t *build_pdb(const uint8_t guid[16], uint32_t age, uint64_t *size)
{
    pdb_builder b = { calloc(MAX_BLOCKS, BS), 3, { 0 }, { { 0 } }, 0 }; /* 0 superblock, 1-2 free maps */
    uint8_t s[64];
    memset(s, 0, sizeof s);

    add_stream(&b, s, 0);                      /* 0: old directory */
    /* 1: PDB info */
    put32(s, 20000404);
    put32(s + 8, age);
    memcpy(s + 12, guid, 16);
    add_stream(&b, s, 28);
    add_stream(&b, s, 0);                      /* 2: TPI (empty) */

    /* 3: DBI */
    uint8_t dbi[1024];
    memset(dbi, 0, sizeof dbi);
    put32(dbi, 0xffffffffu);
    put32(dbi + 4, 19990903);
    put32(dbi + 8, age);
    put16(dbi + 12, 6);                        /* globals */
    put16(dbi + 16, 5);                        /* publics */
    put16(dbi + 20, 7);                        /* symbol records */
    uint32_t p = 64;
    /* module info: one module, symbol stream 8 */
    uint32_t mod_start = p;
    put16(dbi + p + 34, 8);
    uint32_t mod_sym_bytes_at = p + 36;
    p += 64;
    memcpy(dbi + p, "m.obj\0m.obj\0", 12);
    p = align4(p + 12);
    uint32_t mod_size = p - mod_start;
    /* section contributions */
    uint32_t sc_start = p;
    put32(dbi + p, 0xeffe0000u + 19970605u);
    p += 4;
    put16(dbi + p, 2);
    put32(dbi + p + 4, 0x40);
    put32(dbi + p + 8, 0x30);
    p += 28;
    uint32_t sc_size = p - sc_start;
    /* section map: 5 sections + 1 absolute */
    uint32_t sm_start = p;
    put16(dbi + p, 6);
    put16(dbi + p + 2, 6);
    p += 4 + 6 * 20;
    uint32_t sm_size = p - sm_start;
    put32(dbi + 24, mod_size);
    put32(dbi + 28, sc_size);
    put32(dbi + 32, sm_size);
    put16(dbi + 62, 0x8664);

    /* 7: symbol records: S_PUB32 x2, S_GDATA32 */
    uint8_t recs[512];
    uint32_t r = 0, offs[3];
    uint8_t d[64];
    memset(d, 0, sizeof d);
    put32(d + 4, 0x40);
    put16(d + 8, 2);
    memcpy(d + 10, "pub_data", 9);
    offs[0] = r;
    r += record(recs + r, 0x110e, d, 19);
    memset(d, 0, sizeof d);
    put32(d, 2);                                /* cvpsfFunction */
    put32(d + 4, 0x20);
    put16(d + 8, 1);
    memcpy(d + 10, "M1", 3);
    offs[1] = r;
    r += record(recs + r, 0x110e, d, 13);
    memset(d, 0, sizeof d);
    put32(d + 4, 0x10);
    put16(d + 8, 3);
    memcpy(d + 10, "gdata", 6);
    offs[2] = r;
    r += record(recs + r, 0x110d, d, 16);

    /* 5: publics: PSGSI header, an empty GSI hash (16 bytes), address map */
    uint8_t pubs[128];
    memset(pubs, 0, sizeof pubs);
    put32(pubs, 16);
    put32(pubs + 4, 8);
    put32(pubs + 28, 0xffffffffu);
    put32(pubs + 32, 0xeffe0000u + 19990810u);
    put32(pubs + 44, offs[0]);
    put32(pubs + 48, offs[1]);
    /* 6: globals: GSI hash with one record {offset + 1, 1} */
    uint8_t globs[64];
    memset(globs, 0, sizeof globs);
    put32(globs, 0xffffffffu);
    put32(globs + 4, 0xeffe0000u + 19990810u);
    put32(globs + 8, 8);
    put32(globs + 16, offs[2] + 1);
    put32(globs + 20, 1);

    /* 8: module symbols: C13 signature, S_LPROC32 N_static, S_END, S_GPROC32 M1, S_END */
    uint8_t mod[256];
    uint32_t m = 0;
    put32(mod, 4);
    m = 4;
    memset(d, 0, sizeof d);
    put32(d + 12, 0x18);                        /* code size */
    put32(d + 28, 0x00);                        /* offset */
    put16(d + 32, 1);
    memcpy(d + 35, "N_static", 9);
    m += record(mod + m, 0x110f, d, 44);
    m += record(mod + m, 0x0006, d, 0);
    memset(d, 0, sizeof d);
    put32(d + 12, 0x1d);
    put32(d + 28, 0x20);
    put16(d + 32, 1);
    memcpy(d + 35, "M1", 3);
    m += record(mod + m, 0x1110, d, 38);
    m += record(mod + m, 0x0006, d, 0);
    put32(dbi + mod_sym_bytes_at, m);

    add_stream(&b, dbi, p);                    /* 3 */
    add_stream(&b, s, 0);                      /* 4: IPI (empty) */
    add_stream(&b, pubs, 52);                  /* 5 */
    add_stream(&b, globs, 24);                 /* 6 */
    add_stream(&b, recs, r);                   /* 7 */
    add_stream(&b, mod, m);                    /* 8 */

    /* Directory: stream count, sizes, block lists; then the block map. */
    uint8_t dir[512];
    uint32_t dn = 0;
    put32(dir, b.nstreams);
    dn = 4;
    for (uint32_t i = 0; i < b.nstreams; i++, dn += 4)
        put32(dir + dn, b.sizes[i]);
    for (uint32_t i = 0; i < b.nstreams; i++)
        for (uint32_t k = 0; k * BS < b.sizes[i]; k++, dn += 4)
            put32(dir + dn, b.blocks[i][k]);
    uint32_t dir_block = new_block(&b);
    memcpy(b.f + (uint64_t)dir_block * BS, dir, dn);
    uint32_t map_block = new_block(&b);
    put32(b.f + (uint64_t)map_block * BS, dir_block);
    memcpy(b.f, "Microsoft C/C++ MSF 7.00\r\n\x1a" "DS\0\0", 32);
    put32(b.f + 32, BS);
    put32(b.f + 36, 1);
    put32(b.f + 40, b.nblocks);
    put32(b.f + 44, dn);
    put32(b.f + 52, map_block);
    *size = (uint64_t)b.nblocks * BS;
    return b.f;
}

static const az_symbol *find_sym(const az_image *img, const char *name)
{
    for (size_t i = 0; i < img->nsymbols; i++)
        if (strcmp(img->symbols[i].name, name) == 0)
            return &img->symbols[i];
    return NULL;
}

static void write_file(const char *path, const uint8_t *d, uint64_t n)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        fwrite(d, 1, n, f);
        fclose(f);
    }
}

static void test_pdb(void)
{
    uint64_t n;
    uint8_t *pdb = build_pdb(test_guid, TEST_AGE, &n);
    char key[42], want[42];
    uint32_t dbi_age;
    az_error err = { 0 };
    CHECK(az_pdb_sniff(pdb, n));
    CHECK(az_pdb_identify(pdb, n, "t.pdb", key, &dbi_age, &err) == AZ_OK);
    az_pe_identity_key(test_guid, TEST_AGE, want);
    CHECK_STR(key, want);
    CHECK_U64(dbi_age, TEST_AGE);

    /* Symbols into the image: section:offset -> RVA, sizes from procedures
     * and from the section contribution that ends pub_data. */
    uint8_t *f = build_image();
    az_image img;
    az_image_init(&img, "t.exe", f, IMG_SIZE);
    CHECK(az_pe_read(&img, &err) == AZ_OK);
    CHECK(az_pdb_add_symbols(&img, pdb, n, "t.pdb", &err) == AZ_OK);
    CHECK(img.has_symtab);
    const az_symbol *s = find_sym(&img, "M1");
    CHECK(s && s->addr == 0x1020 && s->size == 0x1d && s->global);
    s = find_sym(&img, "N_static");
    CHECK(s && s->addr == 0x1000 && s->size == 0x18 && !s->global);
    s = find_sym(&img, "pub_data");
    CHECK(s && s->addr == 0x2040 && s->size == 0x30);
    s = find_sym(&img, "gdata");
    CHECK(s && s->addr == 0x3010 && s->size == 0);
    /* M1 is one symbol (public and procedure merged). */
    size_t m1 = 0;
    for (size_t i = 0; i < img.nsymbols; i++)
        m1 += strcmp(img.symbols[i].name, "M1") == 0;
    CHECK_U64(m1, 1);
    CHECK_U64(img.nwarnings, 0);
    for (size_t i = 0; i < img.nwarnings; i++)
        fprintf(stderr, "  unexpected warning: %s\n", img.warnings[i]);
    az_image_free(&img);

    /* Found beside the image, used, and matched by GUID and age. */
    char dir[] = "/tmp/aotsize-test-pe-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char exe[512], pdbpath[512];
    snprintf(exe, sizeof exe, "%s/test.exe", dir);
    snprintf(pdbpath, sizeof pdbpath, "%s/test.pdb", dir);
    write_file(exe, f, IMG_SIZE);
    write_file(pdbpath, pdb, n);
    az_analysis a;
    CHECK(analyze(f, IMG_SIZE, exe, NULL, &a, &err) == AZ_OK);
    CHECK(a.img.has_symtab);
    CHECK_STR(a.img.debug_file, pdbpath);
    CHECK_STR(az_symbols_level_name(a.symbols), "full");
    az_analysis_free(&a);

    /* Another build's PDB (GUID differs): refused with a warning. */
    uint8_t other_guid[16];
    memcpy(other_guid, test_guid, 16);
    other_guid[0] ^= 1;
    uint64_t n2;
    uint8_t *other = build_pdb(other_guid, TEST_AGE, &n2);
    write_file(pdbpath, other, n2);
    CHECK(analyze(f, IMG_SIZE, exe, NULL, &a, &err) == AZ_OK);
    CHECK(!a.img.has_symtab);
    CHECK(has_warning(&a, "does not match"));
    CHECK(a.img.debug_file == NULL);
    az_analysis_free(&a);
    /* ... also when named explicitly. */
    az_options o = { 0 };
    o.pdb = pdbpath;
    CHECK(analyze(f, IMG_SIZE, exe, &o, &a, &err) == AZ_OK);
    CHECK(!a.img.has_symtab && has_warning(&a, "does not match"));
    az_analysis_free(&a);
    /* Same GUID, another age: refused too. */
    free(other);
    other = build_pdb(test_guid, TEST_AGE + 1, &n2);
    write_file(pdbpath, other, n2);
    CHECK(analyze(f, IMG_SIZE, exe, NULL, &a, &err) == AZ_OK);
    CHECK(!a.img.has_symtab && has_warning(&a, "does not match"));
    az_analysis_free(&a);
    free(other);

    /* A bad stream directory: refused with a warning, the image still
     * reported.  Stream count far larger than the directory holds: */
    uint8_t *bad = malloc(n);
    memcpy(bad, pdb, n);
    bool ok;
    az_cursor c = az_cursor_make(bad, n);
    uint32_t map_block = az_peek_u32le(&c, 52, &ok);
    uint32_t dir_block = az_peek_u32le(&c, (uint64_t)map_block * BS, &ok);
    put32(bad + (uint64_t)dir_block * BS, 0x10000000u);
    CHECK(az_pdb_identify(bad, n, "bad.pdb", key, &dbi_age, &err) != AZ_OK);
    CHECK(strstr(err.msg, "stream directory") != NULL);
    write_file(pdbpath, bad, n);
    CHECK(analyze(f, IMG_SIZE, exe, NULL, &a, &err) == AZ_OK);
    CHECK(!a.img.has_symtab && has_warning(&a, "stream directory"));
    az_analysis_free(&a);
    /* A stream block number past the end of the file: */
    memcpy(bad, pdb, n);
    put32(bad + (uint64_t)dir_block * BS + 4 + 4 * 9 /* first block of stream 1 (stream 0 has none) */, 9999);
    CHECK(az_pdb_identify(bad, n, "bad.pdb", key, &dbi_age, &err) != AZ_OK);
    /* Block size that MSF does not allow, and a truncated file: */
    memcpy(bad, pdb, n);
    put32(bad + 32, 1000);
    CHECK(az_pdb_identify(bad, n, "bad.pdb", key, &dbi_age, &err) != AZ_OK);
    CHECK(strstr(err.msg, "block size 1000") != NULL);
    CHECK(az_pdb_identify(pdb, n - BS, "bad.pdb", key, &dbi_age, &err) != AZ_OK);
    CHECK(strstr(err.msg, "truncated") != NULL);
    /* Every truncation and every flipped byte: no crash, and when the
     * identity is readable, adding symbols works or fails cleanly. */
    for (uint64_t at = 0; at < n; at += 5) {
        memcpy(bad, pdb, n);
        bad[at] ^= 0x5a;
        az_image_init(&img, "t.exe", f, IMG_SIZE);
        az_pe_read(&img, &err);
        az_pdb_add_symbols(&img, bad, n, "bad.pdb", &err);
        az_image_free(&img);
        az_pdb_identify(bad, at, "bad.pdb", key, &dbi_age, &err);
    }
    free(bad);
    unlink(exe);
    unlink(pdbpath);
    rmdir(dir);
    free(f);
    free(pdb);
}

int main(void)
{
    test_good_image();
    test_damaged_images();
    test_dehydrated_in_data_tail();
    test_certificate_table();
    test_pdb();
    return test_report("pe");
}
