/* Ground truth: ILC's own map file lists every node it emitted with its exact
 * length.  For each node that has a symbol in the binary, aotsize must
 * attribute exactly that many bytes of memory to it.  Allowed, and counted
 * separately, are:
 *   - alignment padding after the node: fewer than 16 bytes (64 in code),
 *     all zero (or int3/nop fill in code), up to the next node;
 *   - containers: a node whose bytes aotsize charges to the symbols inside it
 *     (the frozen-object array, the dispatch-cell section); their sum must
 *     equal the node's length, up to padding;
 *   - aliases: two nodes at one address, one of them empty;
 *   - folded nodes: ILC emits identical nodes once and points every symbol
 *     at that copy (same length and hash in the map); the copy is counted
 *     once.  Folded empty statics can land on another node's symbol address;
 *     that node keeps its bytes and the folded ones get none.
 * Anything else is a mismatch and fails the test.
 *
 * usage: test_groundtruth BINARY MAP.xml [MIN_EXACT_PERCENT] */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../formats/input.h"
#include "../inspector/analysis.h"
#include "../inspector/nativeaot.h"
#include "entity_index.h"
#include "test.h"

typedef struct node {
    char *kind;
    char *name;
    char *hash;
    uint64_t length;
    uint64_t addr;   /* its symbol's address, when it has one */
    uint64_t got;    /* bytes aotsize charged to it */
    bool has_symbol;
} node;

/* Undoes the five XML entities XmlWriter produces. */
static void xml_unescape(char *s)
{
    static const struct { const char *ent; char c; } ents[] = {
        { "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' }, { "&quot;", '"' }, { "&apos;", '\'' },
    };
    char *w = s;
    for (char *r = s; *r;) {
        bool done = false;
        if (*r == '&')
            for (size_t i = 0; i < 5; i++) {
                size_t n = strlen(ents[i].ent);
                if (strncmp(r, ents[i].ent, n) == 0) {
                    *w++ = ents[i].c;
                    r += n;
                    done = true;
                    break;
                }
            }
        if (!done)
            *w++ = *r++;
    }
    *w = 0;
}

/* Reads `<Kind Name="..." Length="N" .../>` lines (gzip or plain). */
static node *read_map(const char *path, size_t *count)
{
    gzFile f = gzopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    node *nodes = NULL;
    size_t n = 0, cap = 0;
    static char line[1 << 16];
    while (gzgets(f, line, sizeof line)) {
        char *lt = strchr(line, '<');
        if (!lt || lt[1] == '?' || lt[1] == '/')
            continue;
        char *kind_end = strchr(lt, ' ');
        char *name = strstr(line, " Name=\"");
        char *len = strstr(line, " Length=\"");
        if (!kind_end || !name || !len)
            continue;
        name += 7;
        char *name_end = strchr(name, '"');
        if (!name_end)
            continue;
        az_grow(&nodes, &cap, n + 1, sizeof *nodes);
        nodes[n].kind = strndup(lt + 1, (size_t)(kind_end - lt - 1));
        nodes[n].name = strndup(name, (size_t)(name_end - name));
        xml_unescape(nodes[n].name);
        nodes[n].length = strtoull(len + 9, NULL, 10);
        char *hash = strstr(line, " Hash=\"");
        char *hash_end = hash ? strchr(hash + 7, '"') : NULL;
        nodes[n].hash = hash_end ? strndup(hash + 7, (size_t)(hash_end - hash - 7)) : strdup("");
        nodes[n].has_symbol = false;
        n++;
    }
    gzclose(f);
    *count = n;
    return nodes;
}


static bool symbol_addr(const az_analysis *a, const char *name, uint64_t *addr)
{
    for (size_t i = 0; i < a->img.nsymbols; i++)
        if (a->img.symbols[i].name && strcmp(a->img.symbols[i].name, name) == 0) {
            *addr = a->img.symbols[i].addr;
            return true;
        }
    return false;
}

/* Are the bytes [addr, addr+len) filler: zeros, or int3/nop in code? */
static bool is_filler(const az_analysis *a, uint64_t addr, uint64_t len, bool code)
{
    const uint8_t *p = az_vm_bytes(a, a->nat, addr, len);
    if (!p) /* zero-fill memory not rebuilt from the dehydrated stream */
        return !code;
    for (uint64_t i = 0; i < len; i++)
        if (p[i] != 0 && !(code && (p[i] == 0xcc || p[i] == 0x90)))
            return false;
    return true;
}

/* Bytes charged to symbols that start inside [start, start+len). */
static uint64_t contained(const az_analysis *a, uint64_t start, uint64_t len)
{
    uint64_t sum = 0;
    for (size_t k = 0; k < a->nby_addr; k++) {
        const az_entity *e = &a->entities[a->by_addr[k]];
        if (e->addr >= start && e->addr - start < len)
            sum += e->vm[AZ_FACET_BODY];
    }
    return sum;
}

/* SHA-256 of eight zero bytes. */
#define ZERO8_SHA256 "af5570f5a1810b7af78caf4bc70a660f0df51e42baf91d4de5b2328de0e83dfc"

static const node *sort_nodes;

static int cmp_node_addr(const void *x, const void *y)
{
    const node *a = &sort_nodes[*(const size_t *)x], *b = &sort_nodes[*(const size_t *)y];
    return a->addr < b->addr ? -1 : a->addr > b->addr;
}

/* Is nd one of several identical nodes (same length and content hash) that
 * ILC emitted once, with another of them charged the shared bytes? */
static size_t first_at(const node *nodes, const size_t *by_addr, size_t n, uint64_t addr)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (nodes[by_addr[mid]].addr < addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool folded_copy(const node *nodes, const size_t *by_addr, size_t n, const node *nd)
{
    for (size_t k = first_at(nodes, by_addr, n, nd->addr); k < n && nodes[by_addr[k]].addr == nd->addr; k++) {
        const node *o = &nodes[by_addr[k]];
        if (o != nd && o->length == nd->length && strcmp(o->hash, nd->hash) == 0 && o->got >= o->length)
            return true;
        if (o != nd && nd->got == 0 && o->got == o->length)
            return true;
    }
    /* A folded node whose symbol sits past its start (a statics node's
     * context): its one copy is an identical node just before the symbol. */
    if (nd->got == 0 && nd->addr >= nd->length) {
        uint64_t at = nd->addr - nd->length;
        for (size_t k = first_at(nodes, by_addr, n, at); k < n && nodes[by_addr[k]].addr == at; k++) {
            const node *o = &nodes[by_addr[k]];
            if (o->length == nd->length && strcmp(o->hash, nd->hash) == 0 && o->got >= o->length)
                return true;
        }
    }
    return false;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s BINARY MAP [MIN_EXACT_PERCENT]\n", argv[0]);
        return 2;
    }
    double min_exact = argc > 3 ? atof(argv[3]) : 95.0;
    az_input in;
    az_error err = { 0 };
    az_analysis a;
    if (az_input_open(argv[1], &in, &err) != AZ_OK || az_analyze(in.data, in.size, argv[1], NULL, &a, &err) != AZ_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    CHECK(a.native_aot);
    CHECK(a.img.has_symtab);

    size_t nnodes;
    node *nodes = read_map(argv[2], &nnodes);
    CHECK(nnodes > 1000);
    name_index ix;
    index_build(&ix, &a);

    /* First pass: where each node's symbol is and what aotsize charged to it. */
    for (size_t i = 0; i < nnodes; i++) {
        node *nd = &nodes[i];
        if (strcmp(nd->kind, "GCInfo") == 0 || nd->length == 0)
            continue;
        size_t k = index_find(&ix, nd->name);
        if (k != SIZE_MAX) {
            nd->has_symbol = true;
            nd->addr = a.entities[k].addr;
            nd->got = a.entities[k].vm[AZ_FACET_BODY];
        } else if (symbol_addr(&a, nd->name, &nd->addr)) {
            nd->has_symbol = true;
            size_t other = az_entity_at(&a, nd->addr);
            nd->got = other != SIZE_MAX ? a.entities[other].vm[AZ_FACET_BODY] : 0;
            nd->addr = other != SIZE_MAX ? a.entities[other].addr : nd->addr;
        }
    }
    /* Nodes sharing a start address, for folding. */
    size_t *by_addr = malloc((nnodes ? nnodes : 1) * sizeof *by_addr);
    size_t nby = 0;
    for (size_t i = 0; i < nnodes; i++)
        if (nodes[i].has_symbol)
            by_addr[nby++] = i;
    sort_nodes = nodes;
    qsort(by_addr, nby, sizeof *by_addr, cmp_node_addr);

    size_t with_symbol = 0, exact = 0, padded = 0, containers = 0, folded = 0, mismatches = 0, missing = 0;
    size_t null_contexts = 0;
    uint64_t padding_bytes = 0;
    for (size_t i = 0; i < nnodes; i++) {
        const node *nd = &nodes[i];
        if (strcmp(nd->kind, "GCInfo") == 0 || nd->length == 0)
            continue;
        if (!nd->has_symbol) {
            missing++; /* no symbol in the binary: nothing to compare */
            continue;
        }
        with_symbol++;
        uint64_t got = nd->got;
        const az_section *sec = az_image_section_at(&a.img, nd->addr);
        bool code = sec && (sec->flags & AZ_SEC_EXEC);
        if (got == nd->length) {
            exact++;
        } else if (got > nd->length && got - nd->length < (code ? 64u : 16u) &&
                   is_filler(&a, nd->addr + nd->length, got - nd->length, code)) {
            padded++;
            padding_bytes += got - nd->length;
        } else if (folded_copy(nodes, by_addr, nby, nd)) {
            folded++;
        } else {
            uint64_t sum = contained(&a, nd->addr, nd->length);
            if (sum >= nd->length && sum - nd->length < 16) {
                containers++;
            } else if (strcmp(nd->kind, "NonGCStatics") == 0 && got == 0 && nd->length == 8 &&
                       strcmp(nd->hash, ZERO8_SHA256) == 0 && is_filler(&a, nd->addr - 8, 8, false)) {
                null_contexts++;
            } else {
                mismatches++;
                if (mismatches <= 30)
                    fprintf(stderr, "mismatch: %s %s: map %llu, aotsize %llu (contained %llu)\n", nd->kind, nd->name,
                            (unsigned long long)nd->length, (unsigned long long)got, (unsigned long long)sum);
            }
        }
    }
    free(by_addr);
    fprintf(stderr,
            "%s: %zu map nodes with a symbol: %zu exact, %zu with trailing alignment padding (%llu bytes), "
            "%zu containers, %zu folded copies, %zu null contexts, %zu mismatches; %zu nodes have no symbol\n",
            argv[1], with_symbol, exact, padded, (unsigned long long)padding_bytes, containers, folded, null_contexts,
            mismatches, missing);
    CHECK(null_contexts <= 2);
    CHECK_U64(mismatches, 0);
    CHECK(with_symbol > 0 && 100.0 * (double)exact / (double)with_symbol >= min_exact);

    /* The totals invariant: every byte of the file and of the image, once. */
    uint64_t file = 0, vm = 0, mapped = 0;
    for (size_t i = 0; i < a.nentities; i++) {
        file += az_entity_file(&a.entities[i]);
        vm += az_entity_vm(&a.entities[i]);
    }
    for (size_t i = 0; i < a.img.nsegments; i++)
        mapped += a.img.segments[i].vm_size;
    CHECK_U64(file, in.size);
    CHECK_U64(vm, mapped);

    for (size_t i = 0; i < nnodes; i++) {
        free(nodes[i].kind);
        free(nodes[i].name);
        free(nodes[i].hash);
    }
    free(nodes);
    index_free(&ix);
    az_analysis_free(&a);
    az_input_close(&in);
    return test_report("groundtruth");
}
