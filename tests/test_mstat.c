/* The .mstat reader against ILC's map file of the same build, and format
 * 1.x from a real file's bytes.
 *
 * 1. Counts and sizes: ILC writes a Types record for every MethodTable node
 *    (the map's kinds ending in "EEType", except GCStaticEEType, which is a
 *    GC descriptor, not a MethodTable) and a Methods record for every
 *    MethodCode node, with the node's length; so record counts and size
 *    sums equal those of the map, parsed independently (its XML, not the
 *    assembly).  From 2.0 on, every record's name is the symbol of a node
 *    of that kind.
 * 2. Every type and method token decodes to a display name.
 * 3. Format 1.x (.NET 7, MstatObjectDumper VersionMajor 1, VersionMinor 1):
 *    the same global methods, records without the trailing name index
 *    ("ldtoken; ldc.i4 size" and "ldtoken; ldc.i4 size, gc, eh").  No
 *    sample carries one, so the test makes one from the 2.x file's bytes:
 *    each Types and Methods IL body is re-encoded without the name index
 *    (other operands byte for byte), the body header's code size updated,
 *    and the assembly version set to 1.1.  Read back, it must give the same
 *    records without names, and the same blobs; the `aotsize mstat` views
 *    must render it.
 *
 * usage: test_mstat MSTAT MAP VERSION (e.g. 2.0) */
#include <stdlib.h>
#include <string.h>

#include "../formats/ilcmap.h"
#include "../formats/input.h"
#include "../formats/mstat.h"
#include "../inspector/report_mstat.h"
#include "test.h"

/* ---- 1. against the map ---------------------------------------------------------------- */

static bool is_methodtable_kind(const char *kind)
{
    size_t n = strlen(kind);
    return n >= 6 && strcmp(kind + n - 6, "EEType") == 0 && strcmp(kind, "GCStaticEEType") != 0;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Sorted node names of one sort of node (methodtables or method code). */
static const char **map_names(const az_ilcmap *map, bool methodtables, size_t *n)
{
    const char **v = malloc((map->nnodes + 1) * sizeof *v);
    *n = 0;
    for (size_t i = 0; i < map->nnodes; i++) {
        const az_map_node *nd = &map->nodes[i];
        bool want = methodtables ? is_methodtable_kind(nd->kind) : strcmp(nd->kind, "MethodCode") == 0;
        if (want && nd->name)
            v[(*n)++] = nd->name;
    }
    qsort(v, *n, sizeof *v, cmp_str);
    return v;
}

static void check_against_map(const az_mstat *m, const az_ilcmap *map, bool names)
{
    uint64_t mt_nodes = 0, mt_bytes = 0, code_nodes = 0, code_bytes = 0;
    for (size_t i = 0; i < map->nnodes; i++) {
        if (is_methodtable_kind(map->nodes[i].kind)) {
            mt_nodes++;
            mt_bytes += map->nodes[i].length;
        } else if (strcmp(map->nodes[i].kind, "MethodCode") == 0) {
            code_nodes++;
            code_bytes += map->nodes[i].length;
        }
    }
    uint64_t mt_sum = 0, code_sum = 0;
    for (size_t i = 0; i < m->ntypes; i++)
        mt_sum += m->types[i].size;
    for (size_t i = 0; i < m->nmethods; i++)
        code_sum += m->methods[i].size;
    fprintf(stderr, "  map: %" PRIu64 " MethodTable nodes (%" PRIu64 " bytes), %" PRIu64 " MethodCode (%" PRIu64
                    " bytes); mstat: %zu types (%" PRIu64 " bytes), %zu methods (%" PRIu64 " bytes)\n",
            mt_nodes, mt_bytes, code_nodes, code_bytes, m->ntypes, mt_sum, m->nmethods, code_sum);
    CHECK(m->ntypes > 0 && m->nmethods > 0);
    CHECK_U64(m->ntypes, mt_nodes);
    CHECK_U64(mt_sum, mt_bytes);
    CHECK_U64(m->nmethods, code_nodes);
    CHECK_U64(code_sum, code_bytes);
    if (!names)
        return;
    for (int pass = 0; pass < 2; pass++) {
        size_t n;
        const char **v = map_names(map, pass == 0, &n);
        const az_mstat_record *r = pass == 0 ? m->types : m->methods;
        size_t nr = pass == 0 ? m->ntypes : m->nmethods, found = 0;
        for (size_t i = 0; i < nr; i++)
            found += r[i].name && bsearch(&r[i].name, v, n, sizeof *v, cmp_str) != NULL;
        CHECK_U64(found, nr);
        free(v);
    }
}

/* ---- 2. display names ---------------------------------------------------------------------- */

static void check_display(const az_mstat *m)
{
    az_arena ar;
    az_arena_init(&ar);
    size_t bad = 0;
    for (int pass = 0; pass < 2; pass++) {
        const az_mstat_record *r = pass == 0 ? m->types : m->methods;
        size_t nr = pass == 0 ? m->ntypes : m->nmethods;
        for (size_t i = 0; i < nr; i++) {
            const char *d = az_mstat_display(m, r[i].token, &ar);
            if (!d || !*d || strchr(d, '?')) {
                if (bad++ < 5)
                    fprintf(stderr, "  token %08x: display '%s'\n", r[i].token, d ? d : "(null)");
            }
        }
    }
    CHECK_U64(bad, 0);
    az_arena_free(&ar);
}

/* ---- 3. a format 1.x file from the 2.x bytes --------------------------------------------------- */

static bool rva_off(const az_mstat *m, uint32_t rva, uint64_t *off)
{
    for (size_t i = 0; i < m->nsections; i++) {
        const struct az_mstat_section *s = &m->sections[i];
        if (rva >= s->va && rva - s->va < s->raw_size) {
            *off = (uint64_t)s->raw_off + (rva - s->va);
            return true;
        }
    }
    return false;
}

/* Length of one IL operand instruction at p (ldtoken, ldstr, ldc.i4 forms), 0 if other. */
static size_t insn_len(const uint8_t *p, size_t left)
{
    if (left == 0)
        return 0;
    uint8_t op = p[0];
    size_t n = op == 0xD0 || op == 0x72 || op == 0x20 ? 5 : op == 0x1F ? 2 : (op >= 0x15 && op <= 0x1E) ? 1 : 0;
    return n <= left ? n : 0;
}

/* Re-encodes global method `name`'s records of `ops` instructions without
 * their last one.  False when the body is not where or what it should be. */
static bool drop_last_operand(uint8_t *data, uint64_t size, const az_mstat *m, const char *name, size_t ops)
{
    uint32_t first = az_mstat_col(m, AZ_MD_TYPEDEF, 1, 5);
    uint32_t last = m->t[AZ_MD_TYPEDEF].rows >= 2 ? az_mstat_col(m, AZ_MD_TYPEDEF, 2, 5) : m->t[AZ_MD_METHODDEF].rows + 1;
    for (uint32_t r = first; r < last; r++) {
        if (strcmp(az_mstat_string(m, az_mstat_col(m, AZ_MD_METHODDEF, r, 3)), name) != 0)
            continue;
        uint64_t off;
        if (!rva_off(m, az_mstat_col(m, AZ_MD_METHODDEF, r, 0), &off) || off + 12 > size)
            return false;
        uint8_t *h = data + off;
        bool tiny = (h[0] & 3) == 2;
        uint64_t code_off = tiny ? off + 1 : off + (uint64_t)(h[1] >> 4) * 4;
        uint64_t code_size = tiny ? h[0] >> 2 : (uint64_t)h[4] | (uint64_t)h[5] << 8 | (uint64_t)h[6] << 16 | (uint64_t)h[7] << 24;
        if (code_off > size || code_size > size - code_off)
            return false;
        uint8_t *code = data + code_off;
        size_t in = 0, out = 0;
        while (in < code_size) {
            for (size_t k = 0; k < ops; k++) {
                size_t n = insn_len(code + in, code_size - in);
                if (!n)
                    return false;
                if (k + 1 < ops)
                    memmove(code + out, code + in, n), out += n;
                in += n;
            }
        }
        if (tiny) {
            h[0] = (uint8_t)(out << 2 | 2);
        } else {
            for (int i = 0; i < 4; i++)
                h[4 + i] = (uint8_t)(out >> (8 * i));
        }
        return true;
    }
    return false;
}

static void check_v1(const az_mstat *m2, const char *path)
{
    uint8_t *data = malloc(m2->size);
    memcpy(data, m2->data, m2->size);
    /* Assembly row 1: MajorVersion, MinorVersion (u16 each) */
    uint64_t row = (uint64_t)(m2->tables.base - m2->data) + m2->t[0x20].offset;
    data[row + m2->t[0x20].col_off[1]] = 1;
    data[row + m2->t[0x20].col_off[1] + 1] = 0;
    data[row + m2->t[0x20].col_off[2]] = 1;
    data[row + m2->t[0x20].col_off[2] + 1] = 0;
    CHECK(drop_last_operand(data, m2->size, m2, "Types", 3));
    CHECK(drop_last_operand(data, m2->size, m2, "Methods", 5));

    az_mstat m1;
    az_error err = { 0 };
    if (az_mstat_read(data, m2->size, "v1.mstat", &m1, &err) != AZ_OK) {
        fprintf(stderr, "%s\n", err.msg);
        CHECK(false);
        free(data);
        return;
    }
    fprintf(stderr, "  as format %u.%u: %zu types, %zu methods, %zu blobs, %zu warnings\n", m1.major, m1.minor,
            m1.ntypes, m1.nmethods, m1.nblobs, m1.nwarnings);
    CHECK_U64(m1.major, 1);
    CHECK_U64(m1.minor, 1);
    CHECK_U64(m1.nwarnings, 0);
    CHECK_U64(m1.ntypes, m2->ntypes);
    CHECK_U64(m1.nmethods, m2->nmethods);
    CHECK_U64(m1.nblobs, m2->nblobs);
    size_t same = 0;
    for (size_t i = 0; i < m1.ntypes && i < m2->ntypes; i++)
        same += m1.types[i].token == m2->types[i].token && m1.types[i].size == m2->types[i].size && !m1.types[i].name;
    CHECK_U64(same, m2->ntypes);
    same = 0;
    for (size_t i = 0; i < m1.nmethods && i < m2->nmethods; i++) {
        const az_mstat_record *a = &m1.methods[i], *b = &m2->methods[i];
        same += a->token == b->token && a->size == b->size && a->gc_size == b->gc_size && a->eh_size == b->eh_size &&
                !a->name;
    }
    CHECK_U64(same, m2->nmethods);
    same = 0;
    for (size_t i = 0; i < m1.nblobs && i < m2->nblobs; i++)
        same += m1.blobs[i].size == m2->blobs[i].size && strcmp(m1.blobs[i].name, m2->blobs[i].name) == 0;
    CHECK_U64(same, m2->nblobs);
    /* 1.x has no RvaFields, FrozenObjects or ManifestResources */
    CHECK_U64(m1.nrva_fields + m1.nfrozen + m1.nresources, 0);

    /* the views render it */
    for (int f = 0; f < 3; f++) {
        FILE *out = tmpfile();
        az_view_opts view = { .format = f == 0 ? AZ_OUT_TEXT : f == 1 ? AZ_OUT_JSON : AZ_OUT_CSV,
                              .depth = 4, .filter = { NULL, -1 }, .sort = AZ_SORT_FILE, .out = out };
        az_view_mstat(&m1, path, &view);
        CHECK(ftell(out) > 0);
        fclose(out);
    }
    az_mstat_free(&m1);
    free(data);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: test_mstat MSTAT MAP VERSION\n");
        return 2;
    }
    az_error err = { 0 };
    az_input in;
    az_mstat m;
    az_ilcmap map;
    if (az_input_open(argv[1], &in, &err) || az_mstat_read(in.data, in.size, argv[1], &m, &err) ||
        az_ilcmap_read(argv[2], &map, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    fprintf(stderr, "%s: format %u.%u\n", argv[1], m.major, m.minor);
    char version[16];
    snprintf(version, sizeof version, "%u.%u", m.major, m.minor);
    CHECK_STR(version, argv[3]);
    CHECK_U64(m.nwarnings, 0);
    check_against_map(&m, &map, m.major >= 2);
    check_display(&m);
    check_v1(&m, argv[1]);
    az_ilcmap_free(&map);
    az_mstat_free(&m);
    az_input_close(&in);
    return test_report("mstat");
}
