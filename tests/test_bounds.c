/* Resource bounds: headers that claim absurd counts and sizes (2^32 symbols,
 * 2^40-byte sections, 65535 sections, 2^32 load commands, a 4 GiB PDB
 * directory) must cost neither time nor memory: every claim is checked
 * against the bytes present before anything is allocated or walked.  Each
 * case patches one field of a small real image (the fuzz seeds, built by
 * tests/fuzz/seeds/make_seeds.sh with gcc, lld-link and ld64.lld) and runs
 * the whole analysis on it.  Also: the demangler on names nested 100,000
 * deep and a megabyte long.
 *
 * usage: test_bounds CORPUS_DIR (tests/fuzz/corpus) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "../formats/pdb.h"
#include "../inspector/analysis.h"
#include "../inspector/demangle.h"
#include "test.h"

/* Per case: at most this long and this much growth of the peak RSS. */
#define MAX_SECONDS 2.0
#define MAX_RSS_GROWTH_KB (256 * 1024)

static uint8_t *load(const char *dir, const char *name, size_t *size)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: cannot open\n", path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc((size_t)n);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "%s: cannot read\n", path);
        exit(1);
    }
    fclose(f);
    *size = (size_t)n;
    return buf;
}

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16; }
static uint64_t get64(const uint8_t *p) { return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32; }
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* What one case cost: wall time and growth of the peak RSS, checked
 * against the bounds above. */
typedef struct cost {
    long rss0;
    double t0;
} cost;

static cost cost_start(void)
{
    return (cost){ peak_rss_kb(), now() };
}

static void cost_check(const cost *c, const char *what, const char *outcome)
{
    double secs = now() - c->t0;
    long grown = peak_rss_kb() - c->rss0;
    printf("%-58s %s, %.3f s, peak RSS +%ld KiB\n", what, outcome, secs, grown);
    CHECK(secs < MAX_SECONDS);
    CHECK(grown < MAX_RSS_GROWTH_KB);
}

/* Runs the analysis on the patched image and checks the bounds.  Either
 * outcome (a report, or an error naming the file) is fine; the cost is what
 * is tested. */
static void analyze_case(const char *what, const uint8_t *data, size_t size)
{
    cost c = cost_start();
    az_error err = { 0 };
    az_analysis a;
    az_options opts = { 0 };
    opts.no_debug_file = true;
    az_status st = az_analyze(data, size, what, &opts, &a, &err);
    size_t warnings = 0;
    if (st == AZ_OK) {
        warnings = a.img.nwarnings;
        az_analysis_free(&a);
    }
    char outcome[600];
    snprintf(outcome, sizeof outcome, "%s, %zu warnings", st == AZ_OK ? "report" : err.msg, warnings);
    cost_check(&c, what, outcome);
    /* The damage is reported: an error naming the file, or a warning. */
    CHECK(st == AZ_OK ? warnings > 0 : strstr(err.msg, what) != NULL);
}

/* ELF64: the section header of the first section of type `type`. */
static uint8_t *elf_section(uint8_t *d, size_t size, uint32_t type)
{
    uint64_t shoff = get64(d + 0x28);
    uint16_t shentsize = get16(d + 0x3a), shnum = get16(d + 0x3c);
    for (uint16_t i = 0; i < shnum; i++) {
        uint64_t off = shoff + (uint64_t)i * shentsize;
        if (off + 64 <= size && get32(d + off + 4) == type)
            return d + off;
    }
    return NULL;
}

static void elf_cases(const char *corpus)
{
    size_t size;
    uint8_t *orig = load(corpus, "elf/seed-tiny-aot", &size);
    uint8_t *d = malloc(size);

    memcpy(d, orig, size);
    uint8_t *symtab = elf_section(d, size, 2 /* SHT_SYMTAB */);
    CHECK(symtab != NULL);
    if (symtab) {
        put64(symtab + 0x20, (uint64_t)1 << 40); /* 2^40 / 24 symbols */
        analyze_case("elf: .symtab of 2^40 bytes", d, size);
        memcpy(d, orig, size);
        symtab = elf_section(d, size, 2);
        put64(symtab + 0x38, 1); /* sh_entsize 1: one 'symbol' per byte */
        put64(symtab + 0x20, 0xffffffffull);
        analyze_case("elf: .symtab claiming 2^32 symbols", d, size);
    }

    memcpy(d, orig, size);
    uint8_t *progbits = elf_section(d, size, 1 /* SHT_PROGBITS */);
    CHECK(progbits != NULL);
    if (progbits) {
        put64(progbits + 0x20, (uint64_t)1 << 40);
        analyze_case("elf: PROGBITS section of 2^40 bytes", d, size);
    }

    memcpy(d, orig, size);
    put16(d + 0x3c, 0xffff); /* e_shnum */
    analyze_case("elf: 65535 section headers", d, size);

    memcpy(d, orig, size);
    put16(d + 0x38, 0xfffe); /* e_phnum (0xffff would mean "see section 0") */
    analyze_case("elf: 65534 program headers", d, size);
    free(d);
    free(orig);
}

static void pe_cases(const char *corpus)
{
    size_t size;
    uint8_t *orig = load(corpus, "pe/seed-tiny.exe", &size);
    uint8_t *d = malloc(size);
    uint32_t nt = get32(orig + 0x3c);
    CHECK(nt + 24 < size);
    uint32_t coff = nt + 4, opt = coff + 20;
    uint32_t sections = opt + get16(orig + coff + 16);

    memcpy(d, orig, size);
    put16(d + coff + 2, 0xffff); /* NumberOfSections */
    analyze_case("pe: 65535 sections", d, size);

    memcpy(d, orig, size);
    put32(d + sections + 8, 0xffffffffu);  /* VirtualSize */
    put32(d + sections + 16, 0xffffffffu); /* SizeOfRawData */
    analyze_case("pe: section of 4 GiB", d, size);

    memcpy(d, orig, size);
    put32(d + opt + 112 + 3 * 8 + 4, 0xfffffff0u); /* exception directory size */
    analyze_case("pe: exception directory of 4 GiB", d, size);

    memcpy(d, orig, size);
    put32(d + opt + 112 + 6 * 8 + 4, 0xfffffff0u); /* debug directory size */
    analyze_case("pe: debug directory of 4 GiB", d, size);
    free(d);
    free(orig);
}

/* Mach-O 64: the first load command `cmd`. */
static uint8_t *macho_command(uint8_t *d, size_t size, uint32_t cmd)
{
    uint32_t ncmds = get32(d + 16);
    uint64_t off = 32;
    for (uint32_t i = 0; i < ncmds && off + 8 <= size; i++) {
        if (get32(d + off) == cmd)
            return d + off;
        uint32_t len = get32(d + off + 4);
        if (len < 8)
            return NULL;
        off += len;
    }
    return NULL;
}

static void macho_cases(const char *corpus)
{
    size_t size;
    uint8_t *orig = load(corpus, "macho/seed-tiny-arm64", &size);
    uint8_t *d = malloc(size);

    memcpy(d, orig, size);
    put32(d + 16, 0xffffffffu); /* ncmds */
    put32(d + 20, 0xffffffffu); /* sizeofcmds */
    analyze_case("macho: 2^32 load commands", d, size);

    memcpy(d, orig, size);
    uint8_t *symtab = macho_command(d, size, 0x2 /* LC_SYMTAB */);
    CHECK(symtab != NULL);
    if (symtab) {
        put32(symtab + 12, 0xffffffffu); /* nsyms */
        analyze_case("macho: LC_SYMTAB claiming 2^32 symbols", d, size);
    }

    memcpy(d, orig, size);
    uint8_t *seg = macho_command(d, size, 0x19 /* LC_SEGMENT_64 */);
    CHECK(seg != NULL);
    if (seg) {
        put64(seg + 32, (uint64_t)1 << 40); /* vmsize */
        put64(seg + 48, (uint64_t)1 << 40); /* filesize */
        analyze_case("macho: segment of 2^40 bytes", d, size);
    }
    free(d);
    free(orig);

    /* Universal header claiming 2^32 slices. */
    orig = load(corpus, "macho/seed-tiny-fat", &size);
    d = malloc(size);
    memcpy(d, orig, size);
    d[4] = d[5] = d[6] = d[7] = 0xff; /* nfat_arch, big-endian */
    analyze_case("macho: universal header with 2^32 slices", d, size);
    free(d);
    free(orig);
}

static void pdb_case(const char *corpus, const char *what, uint32_t offset, uint32_t value)
{
    size_t size;
    uint8_t *d = load(corpus, "pdb/seed-tiny.pdb", &size);
    put32(d + offset, value);
    cost c = cost_start();
    az_image img;
    az_image_init(&img, "tiny.exe", d, size);
    az_section *s = az_image_add_section(&img);
    s->name = ".text";
    s->vm_addr = 0x1000;
    s->vm_size = s->file_size = 0x1000;
    s->flags = AZ_SEC_ALLOC | AZ_SEC_EXEC;
    az_error err = { 0 };
    az_status st = az_pdb_add_symbols(&img, d, size, what, &err);
    az_image_free(&img);
    cost_check(&c, what, st == AZ_OK ? "read" : err.msg);
    free(d);
}

static void demangle_cases(void)
{
    /* 100,000 nested generic instantiations, and a 1 MiB name. */
    size_t depth = 100000, len = 0;
    char *name = malloc(64 + depth * 32);
    len += (size_t)sprintf(name, "S_P_CoreLib_System_Collections_Generic_List_1");
    for (size_t i = 0; i < depth; i++)
        len += (size_t)sprintf(name + len, "<S_P_CoreLib_System_Nullable_1");
    for (size_t i = 0; i < depth; i++)
        name[len++] = '>';
    name[len] = 0;
    az_names *names = az_names_new();
    az_arena arena;
    az_arena_init(&arena);
    cost c = cost_start();
    az_demangled dm;
    az_demangle(name, names, &arena, &dm);
    cost_check(&c, "demangle: 100000 nested generic arguments", "demangled");
    CHECK(dm.display != NULL);

    memset(name, 'A', 1 << 20);
    name[1 << 20] = 0;
    c = cost_start();
    az_demangle(name, names, &arena, &dm);
    cost_check(&c, "demangle: a 1 MiB name", "demangled");
    az_arena_free(&arena);
    az_names_free(names);
    free(name);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_bounds CORPUS_DIR\n");
        return 2;
    }
    elf_cases(argv[1]);
    pe_cases(argv[1]);
    macho_cases(argv[1]);
    pdb_case(argv[1], "pdb: 2^32 blocks", 40, 0xffffffffu);
    pdb_case(argv[1], "pdb: stream directory of 4 GiB", 44, 0xffffffffu);
    pdb_case(argv[1], "pdb: block size 2^31", 32, 0x80000000u);
    demangle_cases();
    return test_report("bounds");
}
