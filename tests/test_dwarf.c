/* az_dwarf_cu_ranges: compile-unit ranges of a real .NET Native AOT debug
 * file, checked against llvm-dwarfdump; hand-made DWARF; and damaged input
 * (garbage, truncation, bad compression headers, zlib bombs, corrupted bytes)
 * that must cost a warning, never a crash.
 *
 * usage: test_dwarf [HELLO.dbg]   (net10-linux-x64/hello/hello.dbg of the
 * committed samples, plain or .gz).  Without it only the synthetic cases run,
 * and the exit code is 77 (skipped) when they pass. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../formats/cursor.h"
#include "../formats/dwarf.h"
#include "../formats/elf.h"
#include "../formats/input.h"
#include "test.h"

/* ---- small helpers ---- */

typedef struct buf {
    uint8_t *p;
    size_t n, cap;
} buf;

static void put(buf *b, const void *data, size_t n)
{
    az_grow(&b->p, &b->cap, b->n + n, 1);
    memcpy(b->p + b->n, data, n);
    b->n += n;
}
static void put_u8(buf *b, uint8_t v) { put(b, &v, 1); }
static void put_le(buf *b, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        put_u8(b, (uint8_t)(v >> (8 * i)));
}
static void put_str(buf *b, const char *s) { put(b, s, strlen(s) + 1); }

/* An SHF_COMPRESSED section: Elf64_Chdr then the zlib stream of raw. */
static buf make_compressed(const uint8_t *raw, size_t n, uint32_t type, uint64_t claimed_size)
{
    buf b = { 0 };
    put_le(&b, type, 4);
    put_le(&b, 0, 4);
    put_le(&b, claimed_size, 8);
    put_le(&b, 1, 8);
    uLongf zn = compressBound(n);
    az_grow(&b.p, &b.cap, b.n + zn, 1);
    if (compress2(b.p + b.n, &zn, raw, n, 9) != Z_OK) {
        fprintf(stderr, "compress2 failed\n");
        exit(2);
    }
    b.n += zn;
    return b;
}

static size_t run(az_image *img, az_cu_range **out)
{
    return az_dwarf_cu_ranges(img, out);
}

static bool has_warning(const az_image *img, const char *needle)
{
    for (size_t i = 0; i < img->nwarnings; i++)
        if (strstr(img->warnings[i], needle))
            return true;
    return false;
}

static bool sorted(const az_cu_range *r, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (r[i - 1].lo > r[i].lo)
            return false;
    return true;
}

/* xorshift64: deterministic "random" corruption. */
static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* ---- hand-made DWARF 4 ---- */

/* Two units: a.c with low_pc/high_pc (high_pc a data4 length), and b.c with
 * DW_AT_ranges into .debug_ranges (one placeholder entry at 0 that must be
 * dropped, and a base address selection entry). */
typedef struct tiny_dwarf {
    buf abbrev, info, ranges;
} tiny_dwarf;

static tiny_dwarf make_tiny(void)
{
    tiny_dwarf t = { 0 };
    buf *a = &t.abbrev;
    put_u8(a, 1); put_u8(a, 0x11); put_u8(a, 0);         /* 1: compile_unit, no children */
    put_u8(a, 0x03); put_u8(a, 0x08);                     /* name: string */
    put_u8(a, 0x1b); put_u8(a, 0x08);                     /* comp_dir: string */
    put_u8(a, 0x11); put_u8(a, 0x01);                     /* low_pc: addr */
    put_u8(a, 0x12); put_u8(a, 0x06);                     /* high_pc: data4 */
    put_u8(a, 0); put_u8(a, 0);
    put_u8(a, 2); put_u8(a, 0x11); put_u8(a, 0);         /* 2: compile_unit, no children */
    put_u8(a, 0x03); put_u8(a, 0x08);                     /* name: string */
    put_u8(a, 0x11); put_u8(a, 0x01);                     /* low_pc: addr */
    put_u8(a, 0x55); put_u8(a, 0x17);                     /* ranges: sec_offset */
    put_u8(a, 0); put_u8(a, 0);
    put_u8(a, 0);

    buf *i = &t.info;
    buf die = { 0 };
    put_u8(&die, 1);
    put_str(&die, "a.c");
    put_str(&die, "/src");
    put_le(&die, 0x1000, 8);
    put_le(&die, 0x100, 4);
    put_le(i, 2 + 4 + 1 + die.n, 4);  /* unit_length */
    put_le(i, 4, 2);                  /* version */
    put_le(i, 0, 4);                  /* debug_abbrev_offset */
    put_u8(i, 8);                     /* address_size */
    put(i, die.p, die.n);
    die.n = 0;
    put_u8(&die, 2);
    put_str(&die, "b.c");
    put_le(&die, 0, 8);
    put_le(&die, 0, 4);
    put_le(i, 2 + 4 + 1 + die.n, 4);
    put_le(i, 4, 2);
    put_le(i, 0, 4);
    put_u8(i, 8);
    put(i, die.p, die.n);
    free(die.p);

    buf *r = &t.ranges;
    put_le(r, 0x2000, 8); put_le(r, 0x2010, 8);
    put_le(r, 0x3000, 8); put_le(r, 0x3020, 8);
    put_le(r, 0x0, 8); put_le(r, 0x10, 8);                /* discarded code: dropped */
    put_le(r, UINT64_MAX, 8); put_le(r, 0x5000, 8);       /* base address selection */
    put_le(r, 0x10, 8); put_le(r, 0x20, 8);
    put_le(r, 0, 8); put_le(r, 0, 8);                     /* end of list */
    return t;
}

static void free_tiny(tiny_dwarf *t)
{
    free(t->abbrev.p);
    free(t->info.p);
    free(t->ranges.p);
}

static void check_tiny_result(const az_cu_range *r, size_t n)
{
    CHECK_U64(n, 4);
    if (n != 4)
        return;
    CHECK_U64(r[0].lo, 0x1000); CHECK_U64(r[0].hi, 0x1100);
    CHECK_STR(r[0].name, "a.c"); CHECK_STR(r[0].comp_dir, "/src");
    CHECK_U64(r[1].lo, 0x2000); CHECK_U64(r[1].hi, 0x2010);
    CHECK_STR(r[1].name, "b.c"); CHECK(r[1].comp_dir == NULL);
    CHECK_U64(r[2].lo, 0x3000); CHECK_U64(r[2].hi, 0x3020);
    CHECK_U64(r[3].lo, 0x5010); CHECK_U64(r[3].hi, 0x5020);
    CHECK_STR(r[3].name, "b.c");
}

static void test_tiny(void)
{
    tiny_dwarf t = make_tiny();

    /* Plain sections. */
    az_image img;
    az_image_init(&img, "tiny", NULL, 0);
    az_image_add_debug_section(&img, ".debug_abbrev", t.abbrev.p, t.abbrev.n, false);
    az_image_add_debug_section(&img, ".debug_info", t.info.p, t.info.n, false);
    az_image_add_debug_section(&img, ".debug_ranges", t.ranges.p, t.ranges.n, false);
    az_cu_range *r = NULL;
    size_t n = run(&img, &r);
    check_tiny_result(r, n);
    CHECK_U64(img.nwarnings, 0);
    free(r);
    az_image_free(&img);

    /* The same, SHF_COMPRESSED; the names outlive the input buffers. */
    buf ca = make_compressed(t.abbrev.p, t.abbrev.n, 1, t.abbrev.n);
    buf ci = make_compressed(t.info.p, t.info.n, 1, t.info.n);
    buf cr = make_compressed(t.ranges.p, t.ranges.n, 1, t.ranges.n);
    az_image_init(&img, "tiny-z", NULL, 0);
    az_image_add_debug_section(&img, ".debug_abbrev", ca.p, ca.n, true);
    az_image_add_debug_section(&img, ".debug_info", ci.p, ci.n, true);
    az_image_add_debug_section(&img, ".debug_ranges", cr.p, cr.n, true);
    n = run(&img, &r);
    check_tiny_result(r, n);
    CHECK_U64(img.nwarnings, 0);
    free(r);
    az_image_free(&img);

    /* GNU .zdebug_ style for .debug_info. */
    buf zi = { 0 };
    put(&zi, "ZLIB", 4);
    for (int k = 7; k >= 0; k--)
        put_u8(&zi, (uint8_t)(t.info.n >> (8 * k)));
    put(&zi, ci.p + 24, ci.n - 24);
    az_image_init(&img, "tiny-zdebug", NULL, 0);
    az_image_add_debug_section(&img, ".debug_abbrev", t.abbrev.p, t.abbrev.n, false);
    az_image_add_debug_section(&img, ".zdebug_info", zi.p, zi.n, false);
    az_image_add_debug_section(&img, ".debug_ranges", t.ranges.p, t.ranges.n, false);
    n = run(&img, &r);
    check_tiny_result(r, n);
    free(r);
    az_image_free(&img);
    free(zi.p);

    /* Every truncation of .debug_info, .debug_abbrev and .debug_ranges:
     * never a crash, never more than the full answer, and a cut inside the
     * second unit still yields the first unit's range. */
    for (int which = 0; which < 3; which++) {
        buf *victim = which == 0 ? &t.info : which == 1 ? &t.abbrev : &t.ranges;
        for (size_t len = 1; len < victim->n; len++) {
            uint8_t *cut = malloc(len);
            memcpy(cut, victim->p, len);
            az_image_init(&img, "tiny-cut", NULL, 0);
            az_image_add_debug_section(&img, ".debug_abbrev", which == 1 ? cut : t.abbrev.p,
                                       which == 1 ? len : t.abbrev.n, false);
            az_image_add_debug_section(&img, ".debug_info", which == 0 ? cut : t.info.p,
                                       which == 0 ? len : t.info.n, false);
            az_image_add_debug_section(&img, ".debug_ranges", which == 2 ? cut : t.ranges.p,
                                       which == 2 ? len : t.ranges.n, false);
            n = run(&img, &r);
            CHECK(n <= 4);
            CHECK(sorted(r, n));
            /* A cut .debug_info always shows; a cut abbrev terminator or
             * end-of-list entry at the very end may go unnoticed. */
            if (which == 0)
                CHECK(img.nwarnings > 0 || n < 4);
            if (which == 0 && len >= 11 + 1 + 4 + 5 + 8 + 4 + 11) /* past unit 1 */
                CHECK(n >= 1 && r[0].lo == 0x1000 && r[0].hi == 0x1100);
            free(r);
            az_image_free(&img);
            free(cut);
        }
    }
    free(ca.p);
    free(ci.p);
    free(cr.p);
    free_tiny(&t);
}

/* .NET 8's ILC writes its unit's DW_AT_high_pc as DW_FORM_data8 holding the
 * absolute end of __managedcode (net8-linux-x64/hello: low_pc 0x73de0,
 * high_pc 0xe812a, section [0x73de0, 0xe812a)).  With the section known, that
 * is read as an address; without it, as DWARF 4 says, as a length. */
static void test_ilc_net8_high_pc(void)
{
    buf abbrev = { 0 }, info = { 0 }, die = { 0 };
    put_u8(&abbrev, 1); put_u8(&abbrev, 0x11); put_u8(&abbrev, 0);
    put_u8(&abbrev, 0x03); put_u8(&abbrev, 0x08);        /* name: string */
    put_u8(&abbrev, 0x11); put_u8(&abbrev, 0x01);        /* low_pc: addr */
    put_u8(&abbrev, 0x12); put_u8(&abbrev, 0x07);        /* high_pc: data8 */
    put_u8(&abbrev, 0); put_u8(&abbrev, 0); put_u8(&abbrev, 0);
    put_u8(&die, 1);
    put_str(&die, "il.cpp");
    put_le(&die, 0x73de0, 8);
    put_le(&die, 0xe812a, 8);
    put_le(&info, 2 + 4 + 1 + die.n, 4);
    put_le(&info, 4, 2);
    put_le(&info, 0, 4);
    put_u8(&info, 8);
    put(&info, die.p, die.n);

    for (int with_section = 0; with_section < 2; with_section++) {
        az_image img;
        az_image_init(&img, "ilc-net8", NULL, 0);
        if (with_section) {
            az_section *sec = az_image_add_section(&img);
            sec->name = "__managedcode";
            sec->vm_addr = 0x73de0;
            sec->vm_size = 0xe812a - 0x73de0;
            sec->flags = AZ_SEC_ALLOC | AZ_SEC_EXEC;
        }
        az_image_add_debug_section(&img, ".debug_abbrev", abbrev.p, abbrev.n, false);
        az_image_add_debug_section(&img, ".debug_info", info.p, info.n, false);
        az_cu_range *r = NULL;
        size_t n = run(&img, &r);
        CHECK_U64(n, 1);
        if (n == 1) {
            CHECK_U64(r[0].lo, 0x73de0);
            CHECK_U64(r[0].hi, with_section ? 0xe812a : 0x73de0 + 0xe812a);
            CHECK_STR(r[0].name, "il.cpp");
        }
        free(r);
        az_image_free(&img);
    }
    free(abbrev.p);
    free(info.p);
    free(die.p);
}

/* ---- garbage and hostile compression headers ---- */

/* Runs one image made of the given .debug_info bytes (plus a valid abbrev
 * table) and expects 0 ranges and a warning containing `needle`. */
static void expect_refused(const char *what, const uint8_t *info, size_t n, bool compressed,
                           const char *needle)
{
    tiny_dwarf t = make_tiny();
    az_image img;
    az_image_init(&img, what, NULL, 0);
    az_image_add_debug_section(&img, ".debug_abbrev", t.abbrev.p, t.abbrev.n, false);
    az_image_add_debug_section(&img, ".debug_info", info, n, compressed);
    az_cu_range *r = NULL;
    size_t got = run(&img, &r);
    if (got != 0 || img.nwarnings == 0 || (needle && !has_warning(&img, needle))) {
        fprintf(stderr, "case %s: %zu ranges, %zu warnings\n", what, got, img.nwarnings);
        for (size_t i = 0; i < img.nwarnings; i++)
            fprintf(stderr, "  warning: %s\n", img.warnings[i]);
    }
    CHECK_U64(got, 0);
    CHECK(img.nwarnings > 0);
    if (needle)
        CHECK(has_warning(&img, needle));
    free(r);
    az_image_free(&img);
    free_tiny(&t);
}

static void test_hostile(void)
{
    /* Nothing at all: no DWARF, no warning. */
    az_image img;
    az_image_init(&img, "empty", NULL, 0);
    az_cu_range *r = (az_cu_range *)&img; /* must be reset to NULL */
    CHECK_U64(run(&img, &r), 0);
    CHECK(r == NULL);
    CHECK_U64(img.nwarnings, 0);
    az_image_free(&img);

    /* Garbage .debug_info bytes, uncompressed. */
    uint8_t garbage[512];
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < sizeof garbage; i++)
        garbage[i] = (uint8_t)next_rand(&seed);
    expect_refused("garbage", garbage, sizeof garbage, false, NULL);
    /* A unit_length far beyond the section. */
    uint8_t huge_len[16] = { 0xf0, 0xff, 0xff, 0x7f, 4, 0, 0, 0, 0, 0, 8, 1 };
    expect_refused("huge unit_length", huge_len, sizeof huge_len, false, NULL);

    tiny_dwarf t = make_tiny();
    /* A compression header cut short. */
    buf c = make_compressed(t.info.p, t.info.n, 1, t.info.n);
    expect_refused("short chdr", c.p, 20, true, "truncated compression header");
    /* Not zlib (2 = ELFCOMPRESS_ZSTD). */
    buf z = make_compressed(t.info.p, t.info.n, 2, t.info.n);
    expect_refused("zstd", z.p, z.n, true, "not zlib");
    free(z.p);
    /* Bombs: more than 1 GiB, and more than 2000x the stored size. */
    buf bomb = make_compressed(t.info.p, t.info.n, 1, (1ull << 30) + 1);
    expect_refused("bomb 1GiB", bomb.p, bomb.n, true, "limit");
    free(bomb.p);
    buf ratio = make_compressed(t.info.p, t.info.n, 1, (uint64_t)(t.info.n + 24) * 2000 + 1);
    expect_refused("bomb ratio", ratio.p, ratio.n, true, "more than 2000x");
    free(ratio.p);
    /* Declared size larger / smaller than the stream's. */
    buf big = make_compressed(t.info.p, t.info.n, 1, t.info.n + 1);
    expect_refused("size too big", big.p, big.n, true, "less than its declared size");
    free(big.p);
    buf small = make_compressed(t.info.p, t.info.n, 1, t.info.n - 1);
    expect_refused("size too small", small.p, small.n, true, "more than its declared size");
    free(small.p);
    /* A zlib stream cut short, and one with damaged bytes. */
    expect_refused("stream truncated", c.p, c.n - 6, true, "zlib");
    buf bad = make_compressed(t.info.p, t.info.n, 1, t.info.n);
    for (size_t i = 26; i < bad.n; i++)
        bad.p[i] ^= 0x5a;
    expect_refused("stream damaged", bad.p, bad.n, true, "zlib");
    free(bad.p);
    /* A compressed zero-sized garbage stream claiming a size. */
    expect_refused("garbage stream", garbage, sizeof garbage, true, NULL);
    free(c.p);
    free_tiny(&t);
}

/* ---- the committed sample ---- */

/* Reads the whole file: gzip-compressed or plain (gzread passes plain
 * files through). */
static uint8_t *read_file(const char *path, size_t *size)
{
    gzFile f = gzopen(path, "rb");
    if (!f)
        return NULL;
    buf b = { 0 };
    uint8_t chunk[1 << 16];
    int n;
    while ((n = gzread(f, chunk, sizeof chunk)) > 0)
        put(&b, chunk, (size_t)n);
    gzclose(f);
    *size = b.n;
    return b.p;
}

/* Decompressed copy of a debug section (for corrupting it afterwards). */
static uint8_t *inflate_section(const struct az_debug_section *d, uint64_t *size)
{
    if (!d->compressed) {
        uint8_t *p = malloc(d->size);
        memcpy(p, d->data, d->size);
        *size = d->size;
        return p;
    }
    az_cursor c = az_cursor_make(d->data, d->size);
    (void)az_u32le(&c);
    (void)az_u32le(&c);
    uint64_t n = az_u64le(&c);
    (void)az_u64le(&c);
    if (c.failed || n > (1u << 30))
        return NULL;
    uint8_t *p = malloc(n ? n : 1);
    uLongf out = n;
    if (uncompress(p, &out, d->data + c.pos, az_cursor_left(&c)) != Z_OK || out != n) {
        free(p);
        return NULL;
    }
    *size = n;
    return p;
}

/* Ranges of the unit whose name ends with `suffix`. */
static size_t unit_ranges(const az_cu_range *r, size_t n, const char *suffix, az_cu_range *out,
                          size_t max)
{
    size_t k = 0, sl = strlen(suffix);
    for (size_t i = 0; i < n; i++) {
        size_t nl = strlen(r[i].name);
        if (nl >= sl && strcmp(r[i].name + nl - sl, suffix) == 0) {
            if (k < max)
                out[k] = r[i];
            k++;
        }
    }
    return k;
}

static size_t distinct_units(const az_cu_range *r, size_t n)
{
    /* Each unit's name is its own arena copy: distinct pointers = units. */
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = r[j].name == r[i].name;
        count += !seen;
    }
    return count;
}

/* Expected values below come from the committed sample
 * samples/bin/net10-linux-x64/hello/hello.dbg.gz (build-id
 * a3d9b88dc9e414f28dfd8badeea67fe0b7b8f63a, unpacked with samples/unpack.sh)
 * via
 *   llvm-dwarfdump --debug-info -r 0 hello.dbg
 * (LLVM 14): every [lo, hi) listed under a DW_TAG_compile_unit's DW_AT_ranges,
 * or DW_AT_low_pc..DW_AT_high_pc, dropping empty ranges and those starting at
 * 0.  That gives 1251 ranges in 100 of the 101 units (minipal/debugger.c has
 * only discarded ranges); the totals were summed from the same listing.
 * Note: this runtime has no unit named gc/gc.cpp: the GC is compiled as
 * gc/gcwks.cpp, which #includes gc.cpp. */
static void test_sample(const char *path)
{
    size_t size = 0;
    uint8_t *data = read_file(path, &size);
    if (!data) {
        fprintf(stderr, "cannot read %s\n", path);
        CHECK(data != NULL);
        return;
    }
    az_image img;
    az_error err;
    az_image_init(&img, path, data, size);
    if (az_elf_read(&img, &err) != AZ_OK) {
        fprintf(stderr, "az_elf_read: %s\n", err.msg);
        CHECK(!"az_elf_read failed");
        az_image_free(&img);
        free(data);
        return;
    }
    if (!img.build_id || strcmp(img.build_id, "a3d9b88dc9e414f28dfd8badeea67fe0b7b8f63a") != 0)
        fprintf(stderr, "note: %s has build-id %s; the expected numbers were taken from "
                        "a3d9b88d...: re-derive them if the sample was rebuilt\n",
                path, img.build_id ? img.build_id : "(none)");

    az_cu_range *r = NULL;
    size_t n = run(&img, &r);
    CHECK_U64(n, 1251);
    CHECK_U64(distinct_units(r, n), 100);
    CHECK(sorted(r, n));
    CHECK_U64(img.nwarnings, 0);
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        CHECK(r[i].lo < r[i].hi && r[i].lo != 0);
        total += r[i].hi - r[i].lo;
    }
    CHECK_U64(total, 0x121430);

    /* The GC: 269 ranges, 0x36cbd bytes, from 0x69c0 to 0x51224. */
    az_cu_range gc[300];
    size_t ngc = unit_ranges(r, n, "/src/coreclr/gc/gcwks.cpp", gc, 300);
    CHECK_U64(ngc, 269);
    if (ngc == 269) {
        uint64_t bytes = 0;
        for (size_t i = 0; i < ngc; i++)
            bytes += gc[i].hi - gc[i].lo;
        CHECK_U64(bytes, 0x36cbd);
        CHECK_U64(gc[0].lo, 0x69c0); CHECK_U64(gc[0].hi, 0x6d41);
        CHECK_U64(gc[1].lo, 0x1a110); CHECK_U64(gc[1].hi, 0x1a12c);
        CHECK_U64(gc[267].lo, 0x50fe0); CHECK_U64(gc[267].hi, 0x50feb);
        CHECK_U64(gc[268].lo, 0x50ff0); CHECK_U64(gc[268].hi, 0x51224);
        CHECK_STR(gc[0].name, "/__w/1/s/src/runtime/src/coreclr/gc/gcwks.cpp");
        CHECK_STR(gc[0].comp_dir,
                  "/__w/1/s/src/runtime/artifacts/obj/coreclr/linux.x64.Release/nativeaot/Runtime/Full");
    }

    /* DWARF 5, DW_AT_ranges [DW_FORM_rnglistx] with DW_RLE_startx_length. */
    static const uint64_t errno_ranges[5][2] = {
        { 0x74d0, 0x74ef }, { 0x74f0, 0x7778 }, { 0x7780, 0x77fb }, { 0x7800, 0x780d }, { 0x7810, 0x7826 },
    };
    az_cu_range u[20];
    size_t nu = unit_ranges(r, n, "/System.Native/pal_errno.c", u, 20);
    CHECK_U64(nu, 5);
    for (size_t i = 0; i < nu && i < 5; i++) {
        CHECK_U64(u[i].lo, errno_ranges[i][0]);
        CHECK_U64(u[i].hi, errno_ranges[i][1]);
    }
    /* pal_io.c: 70 entries in its list, 54 of them discarded code (start 0). */
    nu = unit_ranges(r, n, "/System.Native/pal_io.c", u, 20);
    CHECK_U64(nu, 16);
    if (nu == 16) {
        CHECK_U64(u[0].lo, 0x7830); CHECK_U64(u[0].hi, 0x7918);
        CHECK_U64(u[15].lo, 0x8070); CHECK_U64(u[15].hi, 0x80c5);
    }
    /* DWARF 5 DW_AT_low_pc [DW_FORM_addrx] + DW_AT_high_pc [DW_FORM_data4]. */
    nu = unit_ranges(r, n, "/System.Globalization.Native/pal_common.c", u, 20);
    CHECK_U64(nu, 1);
    if (nu == 1) {
        CHECK_U64(u[0].lo, 0x97e0);
        CHECK_U64(u[0].hi, 0x983c);
    }

    /* ILC's unit (DWARF 4, .debug_ranges): its ranges include all of
     * __managedcode, exactly [0x70ce0, 0xcfa7a). */
    nu = unit_ranges(r, n, "il.cpp", u, 20);
    CHECK_U64(nu, 10);
    const az_section *mc = az_image_find_section(&img, "__managedcode");
    CHECK(mc != NULL);
    if (mc) {
        bool covered = false;
        for (size_t i = 0; i < nu && i < 20; i++)
            if (strcmp(u[i].name, "il.cpp") == 0 && u[i].lo <= mc->vm_addr &&
                u[i].hi >= mc->vm_addr + mc->vm_size)
                covered = true;
        CHECK(covered);
        CHECK_U64(mc->vm_addr, 0x70ce0);
        CHECK_U64(mc->vm_addr + mc->vm_size, 0xcfa7a);
    }
    CHECK_STR(nu ? u[0].comp_dir : NULL, "/_");
    free(r);

    /* Damage to the real sections: decompress them, then cut or corrupt one
     * at a time.  Never a crash; what comes back stays sane. */
    az_image m0;
    size_t nsec = img.ndebug_sections;
    uint8_t **plain = calloc(nsec, sizeof *plain);
    uint64_t *plain_size = calloc(nsec, sizeof *plain_size);
    for (size_t i = 0; i < nsec; i++) {
        plain[i] = inflate_section(&img.debug_sections[i], &plain_size[i]);
        CHECK(plain[i] != NULL);
    }
    const char *victims[] = { ".debug_info", ".debug_abbrev", ".debug_rnglists", ".debug_addr",
                              ".debug_str_offsets", ".debug_ranges", ".debug_str" };
    uint64_t seed = 0x2545f4914f6cdd1dull;
    for (size_t v = 0; v < sizeof victims / sizeof victims[0]; v++) {
        size_t vi = nsec;
        for (size_t i = 0; i < nsec; i++)
            if (strcmp(img.debug_sections[i].name, victims[v]) == 0)
                vi = i;
        if (vi == nsec || !plain[vi])
            continue;
        for (int round = 0; round < 24; round++) {
            uint64_t vsize = plain_size[vi];
            uint8_t *copy = malloc(vsize);
            memcpy(copy, plain[vi], vsize);
            if (round < 4) {
                /* Truncated: 1/8, 3/8, 5/8, 7/8 of the section. */
                vsize = vsize * (uint64_t)(2 * round + 1) / 8;
            } else {
                /* Corrupted bytes; in .debug_info near the start of units,
                 * where the unit DIEs and headers are. */
                for (int k = 0; k < 8; k++) {
                    uint64_t pos = next_rand(&seed) % vsize;
                    if (v == 0) {
                        az_cursor c = az_cursor_make(copy, vsize);
                        uint64_t units = next_rand(&seed) % 100, off = 0;
                        for (uint64_t u_i = 0; u_i < units; u_i++) {
                            uint32_t len = az_peek_u32le(&c, off, &(bool){ false });
                            if (off + 4 + (uint64_t)len >= vsize)
                                break;
                            off += 4 + (uint64_t)len;
                        }
                        pos = (off + next_rand(&seed) % 48) % vsize;
                    }
                    copy[pos] = (uint8_t)next_rand(&seed);
                }
            }
            az_image m;
            az_image_init(&m, "mutant", NULL, 0);
            for (size_t i = 0; i < nsec; i++)
                if (plain[i])
                    az_image_add_debug_section(&m, img.debug_sections[i].name,
                                               i == vi ? copy : plain[i],
                                               i == vi ? vsize : plain_size[i], false);
            az_cu_range *mr = NULL;
            size_t mn = run(&m, &mr);
            CHECK(sorted(mr, mn));
            for (size_t i = 0; i < mn; i++)
                CHECK(mr[i].lo < mr[i].hi && mr[i].name != NULL);
            if (round < 4 && v <= 1)
                CHECK(m.nwarnings > 0); /* cut .debug_info / .debug_abbrev */
            free(mr);
            az_image_free(&m);
            free(copy);
        }
    }

    /* A damaged .debug_rnglists table header (libdwarf 20210528 frees memory
     * twice on one) and an offset-table entry pointing past its table (it
     * reads out of bounds): the section is withheld with a warning, and the
     * units that do not use it keep their ranges. */
    for (int damage = 0; damage < 2; damage++) {
        size_t ri = nsec;
        for (size_t i = 0; i < nsec; i++)
            if (strcmp(img.debug_sections[i].name, ".debug_rnglists") == 0)
                ri = i;
        CHECK(ri < nsec && plain[ri] && plain_size[ri] > 16);
        if (ri == nsec || !plain[ri] || plain_size[ri] <= 16)
            break;
        uint8_t *copy = malloc(plain_size[ri]);
        memcpy(copy, plain[ri], plain_size[ri]);
        if (damage == 0) {
            copy[4] = 4; /* version 4 */
        } else {
            /* First table: 32-bit length at 0, header up to 12, offsets
             * after; make the first offset huge. */
            copy[12] = copy[13] = copy[14] = 0xff;
            copy[15] = 0x7f;
        }
        az_image_init(&m0, "bad-rnglists", NULL, 0);
        for (size_t i = 0; i < nsec; i++)
            az_image_add_debug_section(&m0, img.debug_sections[i].name, i == ri ? copy : plain[i],
                                       plain_size[i], false);
        az_cu_range *br = NULL;
        size_t bn = run(&m0, &br);
        CHECK(has_warning(&m0, ".debug_rnglists"));
        CHECK(bn > 0 && bn < 1251);
        CHECK_U64(unit_ranges(br, bn, "il.cpp", u, 20), 10);
        CHECK_U64(unit_ranges(br, bn, "/pal_common.c", u, 20), 1);
        CHECK_U64(unit_ranges(br, bn, "/pal_errno.c", u, 20), 0);
        free(br);
        az_image_free(&m0);
        free(copy);
    }

    /* The compressed .debug_info cut short: refused with a warning. */
    az_image m;
    az_image_init(&m, "cut-zlib", NULL, 0);
    for (size_t i = 0; i < nsec; i++) {
        const struct az_debug_section *d = &img.debug_sections[i];
        bool is_info = strcmp(d->name, ".debug_info") == 0;
        az_image_add_debug_section(&m, d->name, d->data, is_info ? d->size / 2 : d->size,
                                   d->compressed);
    }
    az_cu_range *mr = NULL;
    CHECK_U64(run(&m, &mr), 0);
    CHECK(has_warning(&m, ".debug_info"));
    free(mr);
    az_image_free(&m);

    for (size_t i = 0; i < nsec; i++)
        free(plain[i]);
    free(plain);
    free(plain_size);
    az_image_free(&img);
    free(data);
}

int main(int argc, char **argv)
{
    test_tiny();
    test_ilc_net8_high_pc();
    test_hostile();
    if (argc < 2) {
        int rc = test_report("dwarf (synthetic only)");
        fprintf(stderr, "dwarf: no sample given; skipping the sample checks\n");
        return rc ? rc : 77;
    }
    test_sample(argv[1]);
    return test_report("dwarf");
}
