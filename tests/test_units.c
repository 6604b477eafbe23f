/* Unit tests of the building blocks: the bounds-checked cursor, the range
 * map that resolves overlapping claims, and size formatting.  Expected values
 * are worked out by hand in the comments. */
#include <stdlib.h>
#include <string.h>

#include "../formats/arena.h"
#include "../formats/cursor.h"
#include "../inspector/rangemap.h"
#include "../inspector/report.h"
#include "test.h"

static void test_cursor(void)
{
    static const uint8_t b[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xe5, 0x8e, 0x26, 'h', 'i', 0 };
    az_cursor c = az_cursor_make(b, sizeof b);
    CHECK_U64(az_u8(&c), 0x01);
    CHECK_U64(az_u16le(&c), 0x0302);
    CHECK_U64(az_u32le(&c), 0x07060504);
    CHECK_U64(az_u8(&c), 0x08);
    /* 0xe5 0x8e 0x26 is ULEB128 624485 (the DWARF standard's example). */
    CHECK_U64(az_uleb128(&c), 624485);
    uint64_t len;
    const char *s = az_cstr(&c, &len);
    CHECK_STR(s, "hi");
    CHECK_U64(len, 2);
    CHECK(!c.failed);
    /* Reading past the end poisons: zero results, position at the end. */
    CHECK_U64(az_u32le(&c), 0);
    CHECK(c.failed);
    CHECK_U64(az_cursor_left(&c), 0);

    az_cursor d = az_cursor_make(b, sizeof b);
    CHECK_U64(az_u64be(&d), 0x0102030405060708ull);
    /* SLEB128 0x7f is -1. */
    static const uint8_t neg[] = { 0x7f };
    az_cursor e = az_cursor_make(neg, 1);
    CHECK(az_sleb128(&e) == -1);

    /* A string with no NUL before the end is refused. */
    static const uint8_t nonul[] = { 'a', 'b' };
    az_cursor f = az_cursor_make(nonul, 2);
    CHECK(az_cstr(&f, NULL) == NULL);
    CHECK(f.failed);

    /* Sub-windows are checked, including against overflow. */
    az_cursor w;
    CHECK(az_cursor_sub(&d, 2, 4, &w));
    CHECK_U64(w.size, 4);
    CHECK_U64(az_u8(&w), 0x03);
    CHECK(!az_cursor_sub(&d, 10, 5, &w));
    CHECK(!az_cursor_sub(&d, UINT64_MAX, 2, &w));
    CHECK(!az_range_fits(UINT64_MAX - 1, 4, UINT64_MAX));
    CHECK(az_range_fits(0, 14, 14));

    /* A ULEB128 longer than 64 bits fails instead of looping. */
    uint8_t longleb[20];
    memset(longleb, 0x80, sizeof longleb);
    az_cursor g = az_cursor_make(longleb, sizeof longleb);
    az_uleb128(&g);
    CHECK(g.failed);
}

typedef struct run {
    uint32_t label;
    uint64_t start, len;
} run;

typedef struct runs {
    run r[32];
    size_t n;
} runs;

static void collect(uint32_t label, uint64_t start, uint64_t len, void *ctx)
{
    runs *rs = ctx;
    if (rs->n < 32)
        rs->r[rs->n++] = (run){ label, start, len };
}

static void test_rangemap(void)
{
    az_rangemap m;
    az_rangemap_init(&m);
    /* Section [0,100) label 9 (priority 5); symbols [10,30) label 1 and
     * [30,40) label 2 (priority 0); an FDE-like owned claim [50,60) label 3
     * (priority 2); a nested, more specific symbol [12,14) label 4. */
    az_rangemap_add(&m, 0, 100, 9, 5);
    az_rangemap_add(&m, 10, 20, 1, 0);
    az_rangemap_add(&m, 30, 10, 2, 0);
    az_rangemap_add(&m, 50, 10, 3, 2);
    az_rangemap_add(&m, 12, 2, 4, 0);
    runs rs = { .n = 0 };
    az_rangemap_resolve(&m, collect, &rs);
    /* Expected: 9[0,10) 1[10,12) 4[12,14) 1[14,30) 2[30,40) 9[40,50) 3[50,60) 9[60,100) */
    static const run want[] = {
        { 9, 0, 10 }, { 1, 10, 2 }, { 4, 12, 2 }, { 1, 14, 16 }, { 2, 30, 10 },
        { 9, 40, 10 }, { 3, 50, 10 }, { 9, 60, 40 },
    };
    CHECK_U64(rs.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < rs.n && i < sizeof want / sizeof want[0]; i++) {
        CHECK_U64(rs.r[i].label, want[i].label);
        CHECK_U64(rs.r[i].start, want[i].start);
        CHECK_U64(rs.r[i].len, want[i].len);
    }
    /* Every byte of [0,100) is counted once. */
    uint64_t total = 0;
    for (size_t i = 0; i < rs.n; i++)
        total += rs.r[i].len;
    CHECK_U64(total, 100);
    az_rangemap_free(&m);

    /* Gaps are not reported; a range reaching the top of the address space
     * is clamped, not wrapped. */
    az_rangemap_init(&m);
    az_rangemap_add(&m, 5, 5, 1, 0);
    az_rangemap_add(&m, 20, 5, 2, 0);
    az_rangemap_add(&m, UINT64_MAX - 4, 100, 3, 0);
    rs.n = 0;
    az_rangemap_resolve(&m, collect, &rs);
    CHECK_U64(rs.n, 3);
    CHECK_U64(rs.r[2].start, UINT64_MAX - 4);
    CHECK_U64(rs.r[2].len, 4);
    az_rangemap_free(&m);
}

static void test_sizes(void)
{
    char buf[32];
    az_format_size(buf, sizeof buf, 512);
    CHECK_STR(buf, "512 B");
    az_format_size(buf, sizeof buf, 1536);
    CHECK_STR(buf, "1.5 KiB");
    az_format_size(buf, sizeof buf, 1270840); /* 1270840 / 1048576 = 1.2119 */
    CHECK_STR(buf, "1.21 MiB");
}

static void test_interner(void)
{
    az_arena arena;
    az_arena_init(&arena);
    az_interner in;
    az_interner_init(&in, &arena);
    const char *a = az_intern_cstr(&in, "System.Private.CoreLib");
    char buf[64];
    strcpy(buf, "System.Private.CoreLib");
    const char *b = az_intern_cstr(&in, buf);
    CHECK(a == b);
    /* Enough strings to force several rehashes. */
    for (int i = 0; i < 5000; i++) {
        snprintf(buf, sizeof buf, "name%d", i);
        az_intern_cstr(&in, buf);
    }
    CHECK(az_intern_cstr(&in, "System.Private.CoreLib") == a);
    CHECK_U64(in.count, 5001);
    /* Large allocations get their own chunk and stay zeroed. */
    uint8_t *big = az_arena_alloc(&arena, 1 << 20);
    CHECK(big[0] == 0 && big[(1 << 20) - 1] == 0);
    az_interner_free(&in);
    az_arena_free(&arena);
}

int main(void)
{
    test_cursor();
    test_rangemap();
    test_sizes();
    test_interner();
    return test_report("units");
}
