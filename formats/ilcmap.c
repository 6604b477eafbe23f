#include "ilcmap.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cursor.h"

/* The value of attribute `attr` (with its leading space and '="') in the
 * element text [p, e), or NULL; *len gets its length. */
static const char *attribute(const char *p, const char *e, const char *attr, size_t *len)
{
    size_t an = strlen(attr);
    for (const char *q = p; q + an <= e; q++) {
        if (*q != ' ' || memcmp(q, attr, an) != 0)
            continue;
        const char *v = q + an;
        const char *end = memchr(v, '"', (size_t)(e - v));
        if (!end)
            return NULL;
        *len = (size_t)(end - v);
        return v;
    }
    return NULL;
}

/* Copies an attribute value, undoing the five entities XmlWriter writes. */
static char *unescape(az_arena *a, const char *v, size_t n)
{
    static const struct { const char *ent; char c; } ents[] = {
        { "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' }, { "&quot;", '"' }, { "&apos;", '\'' },
    };
    char *out = az_arena_alloc(a, n + 1);
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        bool done = false;
        if (v[i] == '&')
            for (size_t k = 0; k < 5 && !done; k++) {
                size_t en = strlen(ents[k].ent);
                if (n - i >= en && memcmp(v + i, ents[k].ent, en) == 0) {
                    out[w++] = ents[k].c;
                    i += en;
                    done = true;
                }
            }
        if (!done)
            out[w++] = v[i++];
    }
    out[w] = 0;
    return out;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

az_status az_ilcmap_parse(const uint8_t *text, uint64_t size, const char *path, az_ilcmap *out, az_error *err)
{
    memset(out, 0, sizeof *out);
    az_arena_init(&out->arena);
    az_cursor c = az_cursor_make(text, size);
    const char *name = path ? path : "<map>";
    const uint8_t *head = az_bytes(&c, size < 512 ? size : 512);
    if (!head || !memmem(head, size < 512 ? size : 512, "<ObjectNodes", 12)) {
        az_ilcmap_free(out);
        return az_fail(err, AZ_ERR_FORMAT, "%s: not an ILC map file (no <ObjectNodes>)", name);
    }
    az_cursor_seek(&c, 0);
    /* one element per line: "  <Kind Name=... />" */
    while (az_cursor_left(&c) > 0) {
        const char *p = (const char *)c.base + c.pos;
        const char *nl = memchr(p, '\n', az_cursor_left(&c));
        size_t n = nl ? (size_t)(nl - p) : az_cursor_left(&c);
        az_cursor_skip(&c, nl ? n + 1 : n);
        const char *e = p + n;
        while (p < e && (*p == ' ' || *p == '\t'))
            p++;
        if (e - p < 3 || p[0] != '<' || p[1] == '?' || p[1] == '/' ||
            (e - p >= 12 && memcmp(p, "<ObjectNodes", 12) == 0))
            continue;
        const char *k = p + 1, *ke = k;
        while (ke < e && *ke != ' ' && *ke != '/' && *ke != '>')
            ke++;
        size_t vl;
        const char *len = attribute(ke, e, " Length=\"", &vl);
        char *end;
        uint64_t length = len ? strtoull(len, &end, 10) : 0;
        if (!len || ke == k || end != len + vl) {
            out->skipped++;
            continue;
        }
        az_grow(&out->nodes, &out->cap_nodes, out->nnodes + 1, sizeof *out->nodes);
        az_map_node *node = &out->nodes[out->nnodes++];
        memset(node, 0, sizeof *node);
        node->kind = az_arena_strndup(&out->arena, k, (size_t)(ke - k));
        node->length = length;
        const char *nm = attribute(ke, e, " Name=\"", &vl);
        if (nm)
            node->name = unescape(&out->arena, nm, vl);
        const char *h = attribute(ke, e, " Hash=\"", &vl);
        if (h && vl == 64) {
            node->has_hash = true;
            for (int i = 0; i < 32 && node->has_hash; i++) {
                int hi = hexval(h[2 * i]), lo = hexval(h[2 * i + 1]);
                if (hi < 0 || lo < 0)
                    node->has_hash = false;
                else
                    node->hash[i] = (uint8_t)(hi << 4 | lo);
            }
        }
    }
    return AZ_OK;
}

az_status az_ilcmap_read(const char *path, az_ilcmap *out, az_error *err)
{
    memset(out, 0, sizeof *out);
    gzFile f = gzopen(path, "rb"); /* reads plain files as they are */
    if (!f)
        return az_fail(err, AZ_ERR_IO, "%s: cannot open map file", path);
    size_t cap = 1 << 20, n = 0;
    uint8_t *buf = az_xmalloc(cap);
    for (;;) {
        if (n == cap) {
            if (cap >= ((size_t)1 << 32)) { /* 4 GiB of XML is no map file */
                gzclose(f);
                free(buf);
                return az_fail(err, AZ_ERR_FORMAT, "%s: map file too large", path);
            }
            cap *= 2;
            uint8_t *nb = realloc(buf, cap);
            if (!nb) {
                gzclose(f);
                free(buf);
                return az_fail(err, AZ_ERR_NOMEM, "%s: out of memory reading the map file", path);
            }
            buf = nb;
        }
        size_t want = cap - n > (1u << 30) ? (1u << 30) : cap - n;
        int got = gzread(f, buf + n, (unsigned)want);
        if (got < 0) {
            gzclose(f);
            free(buf);
            return az_fail(err, AZ_ERR_IO, "%s: cannot read map file (corrupt gzip?)", path);
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    gzclose(f);
    az_status st = az_ilcmap_parse(buf, n, path, out, err);
    free(buf); /* the nodes hold copies */
    return st;
}

void az_ilcmap_free(az_ilcmap *m)
{
    free(m->nodes);
    az_arena_free(&m->arena);
    memset(m, 0, sizeof *m);
}
