#include "snapshot.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "generics.h"

/* Entity columns, in the order written.  A row may stop early: missing
 * trailing cells take their default (0, null, [] or as noted), which is
 * what keeps rows of native code and fallback labels short.
 *   raw_shared   bytes the raw name shares with the previous row's (front
 *                coding: neighbours often share a long type name); default 0
 *   raw          the rest of the raw name, inline
 *   display      index into "strings"; negative: -1 - index into "templates",
 *                a [prefix, suffix] pair around the row's qualified type
 *                ("Ns.Type"); null: same as raw
 *   kind, bucket, group, section, assembly, namespace, type, type_def,
 *   generic, method, method_inst
 *                indices into "strings" or null; type_def null: same as
 *                type; generic null: "none"
 *   flags        1 a symbol (not a fallback label), 2 sized (its extent is
 *                the symbol's or node's own length: what follows is padding),
 *                4 managed
 *   address, extent
 *   file_sizes   [body, unwind, lsda, reloc, symtab] without trailing zeros
 *   vm_sizes     the same in VM; null: equal to file_sizes
 *   confidence   default 100
 *   overload     default -1
 *   generic_body only for method bodies of generic instantiations: what
 *                `aotsize generics` needs of their code bytes (generics.h
 *                az_body_fact): [size, "hash", similarity, undecoded] with
 *                size the code without alignment filler, hash the
 *                normalized-code hash in 16 hex digits ("0": not
 *                disassembled), similarity per mille (default 1000),
 *                undecoded 1 or 0 (default 0).  Added after the first
 *                release of the format: a snapshot without this column
 *                loads, and generics from it cannot fold. */
enum {
    EC_RAW_SHARED, EC_RAW, EC_DISPLAY, EC_KIND, EC_BUCKET, EC_GROUP, EC_SECTION, EC_FLAGS, EC_ADDRESS,
    EC_EXTENT, EC_FILE_SIZES, EC_VM_SIZES, EC_ASSEMBLY, EC_NAMESPACE, EC_TYPE, EC_TYPE_DEF, EC_GENERIC,
    EC_CONFIDENCE, EC_METHOD, EC_METHOD_INST, EC_OVERLOAD, EC_GENERIC_BODY, EC__COUNT
};

static const char *const entity_columns[EC__COUNT] = {
    "raw_shared", "raw", "display", "kind", "bucket", "group", "section", "flags", "address",
    "extent", "file_sizes", "vm_sizes", "assembly", "namespace", "type", "type_def", "generic",
    "confidence", "method", "method_inst", "overload", "generic_body",
};

enum { EF_SYMBOL = 1, EF_SIZED = 2, EF_MANAGED = 4 };

enum {
    SC_NAME, SC_INDEX, SC_VM_ADDR, SC_VM_SIZE, SC_FILE_OFF, SC_FILE_SIZE, SC_ALIGN, SC_FLAGS,
    SC_FILE_BY_BUCKET, SC_VM_BY_BUCKET, SC__COUNT
};

static const char *const section_columns[SC__COUNT] = {
    "name", "index", "vm_addr", "vm_size", "file_off", "file_size", "align", "flags",
    "file_by_bucket", "vm_by_bucket",
};

/* ==== writing ================================================================= */

/* A growing text buffer; the snapshot is assembled in memory, then written
 * (plain or gzip) in one go. */
typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    az_grow(&b->p, &b->cap, b->len + n + 1, 1);
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void sb_puts(sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

static void sb_u64(sbuf *b, uint64_t v)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[sizeof tmp - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    sb_put(b, tmp + sizeof tmp - n, n);
}

static void sb_i64(sbuf *b, int64_t v)
{
    if (v < 0) {
        sb_put(b, "-", 1);
        sb_u64(b, (uint64_t)0 - (uint64_t)v);
    } else {
        sb_u64(b, (uint64_t)v);
    }
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when s does not start
 * one.  Overlong forms and surrogates are invalid, as JSON parsers require. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
    if (!n || (n == 3 && c > 0xef))
        return 0;
    for (size_t k = 1; k < n; k++)
        if ((s[k] & 0xc0) != 0x80)
            return 0;
    if (n == 3 && ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0)))
        return 0;
    if (n == 4 && ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90)))
        return 0;
    return n;
}

/* A JSON string.  Valid UTF-8 is kept as is; a byte that is not (a hostile
 * symbol name) is written as the code point of the same value, so the output
 * is always valid JSON. */
static void sb_json_string(sbuf *b, const char *str)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;
    sb_put(b, "\"", 1);
    while (*s) {
        const unsigned char *run = s;
        while (*s >= 0x20 && *s < 0x80 && *s != '"' && *s != '\\')
            s++;
        if (s > run)
            sb_put(b, (const char *)run, (size_t)(s - run));
        if (!*s)
            break;
        if (*s == '"' || *s == '\\') {
            char esc[2] = { '\\', (char)*s };
            sb_put(b, esc, 2);
            s++;
        } else if (*s < 0x20) {
            char esc[6] = { '\\', 'u', '0', '0', hex[*s >> 4], hex[*s & 15] };
            sb_put(b, esc, 6);
            s++;
        } else {
            size_t n = utf8_len(s);
            if (n) {
                sb_put(b, (const char *)s, n);
                s += n;
            } else {
                char esc[6] = { '\\', 'u', '0', '0', hex[*s >> 4], hex[*s & 15] };
                sb_put(b, esc, 6);
                s++;
            }
        }
    }
    sb_put(b, "\"", 1);
}

static void sb_opt_string(sbuf *b, const char *s)
{
    if (s)
        sb_json_string(b, s);
    else
        sb_puts(b, "null");
}

/* The string table: each distinct string once, in order of first use. */
typedef struct strtab {
    const char **items;
    size_t n, cap;
    size_t *slots; /* open addressing: index into items, SIZE_MAX = empty */
    size_t nslots;
} strtab;

static void strtab_rehash(strtab *t)
{
    size_t cap = t->nslots ? t->nslots * 2 : 4096;
    size_t *slots = az_xmalloc(cap * sizeof *slots);
    for (size_t i = 0; i < cap; i++)
        slots[i] = SIZE_MAX;
    for (size_t i = 0; i < t->n; i++) {
        size_t j = az_hash_bytes(t->items[i], strlen(t->items[i])) & (cap - 1);
        while (slots[j] != SIZE_MAX)
            j = (j + 1) & (cap - 1);
        slots[j] = i;
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = cap;
}

static size_t strtab_index(strtab *t, const char *s)
{
    if ((t->n + 1) * 2 > t->nslots)
        strtab_rehash(t);
    size_t j = az_hash_bytes(s, strlen(s)) & (t->nslots - 1);
    while (t->slots[j] != SIZE_MAX) {
        if (strcmp(t->items[t->slots[j]], s) == 0)
            return t->slots[j];
        j = (j + 1) & (t->nslots - 1);
    }
    az_grow(&t->items, &t->cap, t->n + 1, sizeof *t->items);
    t->items[t->n] = s;
    t->slots[j] = t->n;
    return t->n++;
}

static void sb_str_ref(sbuf *b, strtab *t, const char *s)
{
    if (s)
        sb_u64(b, strtab_index(t, s));
    else
        sb_puts(b, "null");
}

static void sb_columns(sbuf *b, const char *const *names, size_t n)
{
    sb_puts(b, "\"columns\":[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            sb_puts(b, ",");
        sb_json_string(b, names[i]);
    }
    sb_puts(b, "]");
}

static void sb_bucket_array(sbuf *b, const uint64_t *v)
{
    sb_puts(b, "[");
    for (int k = 0; k < AZ_BUCKET__COUNT; k++) {
        if (k)
            sb_puts(b, ",");
        sb_u64(b, v[k]);
    }
    sb_puts(b, "]");
}

static void write_input(sbuf *b, const az_analysis *a)
{
    const az_image *img = &a->img;
    /* A snapshot of a snapshot records the original binary. */
    const char *path = a->snapshot_of ? a->snapshot_of : img->path;
    sb_puts(b, "\"input\":{\"path\":");
    sb_json_string(b, path ? path : "");
    sb_puts(b, ",\"format\":");
    sb_json_string(b, az_format_name(img->format));
    sb_puts(b, ",\"arch\":");
    sb_json_string(b, az_arch_name(img->arch));
    sb_puts(b, a->native_aot ? ",\"native_aot\":true" : ",\"native_aot\":false");
    sb_puts(b, ",\"dotnet_version\":");
    sb_opt_string(b, a->dotnet_version);
    sb_puts(b, ",\"symbols\":");
    sb_json_string(b, az_symbols_level_name(a->symbols));
    sb_puts(b, img->has_symtab ? ",\"has_symtab\":true" : ",\"has_symtab\":false");
    sb_puts(b, ",\"debug_file\":");
    sb_opt_string(b, img->debug_file);
    sb_puts(b, ",\"file_size\":");
    sb_u64(b, img->size);
    sb_puts(b, ",\"vm_size\":");
    sb_u64(b, a->vm_total);
    sb_puts(b, ",\"build_id\":");
    sb_opt_string(b, img->build_id);
    sb_puts(b, ",\"compiler\":");
    sb_opt_string(b, img->compiler_comment);
    sb_puts(b, "}");
}

static void write_sections(sbuf *b, const az_analysis *a)
{
    const az_image *img = &a->img;
    sb_puts(b, ",\n\"sections\":{");
    sb_columns(b, section_columns, SC__COUNT);
    sb_puts(b, ",\"rows\":[");
    for (size_t i = 0; i < img->nsections; i++) {
        const az_section *s = &img->sections[i];
        sb_puts(b, i ? ",\n[" : "\n[");
        sb_json_string(b, s->name ? s->name : "");
        const uint64_t nums[] = { s->index, s->vm_addr, s->vm_size, s->file_off, s->file_size, s->align, s->flags };
        for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++) {
            sb_puts(b, ",");
            sb_u64(b, nums[k]);
        }
        sb_puts(b, ",");
        sb_bucket_array(b, a->section_file[i]);
        sb_puts(b, ",");
        sb_bucket_array(b, a->section_vm[i]);
        sb_puts(b, "]");
    }
    sb_puts(b, "]},\n\"outside_sections\":{\"file_by_bucket\":");
    sb_bucket_array(b, a->section_file[img->nsections]);
    sb_puts(b, ",\"vm_by_bucket\":");
    sb_bucket_array(b, a->section_vm[img->nsections]);
    sb_puts(b, "}");
}

/* "Ns.Type" (or "Type" in the global namespace): what display templates
 * stand for.  The loader builds it the same way. */
static char *qualified_type(const char *ns, const char *type, char *buf, size_t cap)
{
    size_t n = ns[0] ? (size_t)snprintf(buf, cap, "%s.%s", ns, type) : (size_t)snprintf(buf, cap, "%s", type);
    return n < cap ? buf : NULL;
}

static bool valid_utf8(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n = utf8_len(p);
        if (!n)
            return false;
        p += n;
    }
    return true;
}

/* One row under construction: cells are appended, and the row is cut
 * after the last cell that is not its column's default. */
typedef struct row_writer {
    sbuf *b;
    size_t start, keep; /* offsets: row start, end of the last non-default cell */
    int cells;
} row_writer;

static void cell_begin(row_writer *w)
{
    if (w->cells++)
        sb_put(w->b, ",", 1);
}

static void cell_end(row_writer *w, bool is_default)
{
    if (!is_default)
        w->keep = w->b->len;
}

static void cell_u64(row_writer *w, uint64_t v, uint64_t dflt)
{
    cell_begin(w);
    sb_u64(w->b, v);
    cell_end(w, v == dflt);
}

static void cell_ref(row_writer *w, strtab *t, const char *s)
{
    cell_begin(w);
    sb_str_ref(w->b, t, s);
    cell_end(w, !s);
}

static void cell_sizes(row_writer *w, const uint64_t *v)
{
    int n = AZ_FACET__COUNT;
    while (n > 0 && !v[n - 1])
        n--;
    cell_begin(w);
    sb_puts(w->b, "[");
    for (int f = 0; f < n; f++) {
        if (f)
            sb_puts(w->b, ",");
        sb_u64(w->b, v[f]);
    }
    sb_puts(w->b, "]");
    cell_end(w, n == 0);
}

/* The entity rows go to their own buffer first: the string and template
 * tables they fill are written before them. */
static void write_entities(sbuf *rows, strtab *t, strtab *templates, az_arena *keys, const az_analysis *a,
                           const az_body_fact *facts)
{
    const char *prev_raw = "";
    bool first = true;
    for (size_t i = 0; i < a->nentities; i++) {
        const az_entity *e = &a->entities[i];
        if (!az_entity_file(e) && !az_entity_vm(e))
            continue; /* no view shows entities without bytes */
        const az_demangled *d = &e->dm;
        sb_puts(rows, first ? "\n[" : ",\n[");
        first = false;
        row_writer w = { rows, rows->len, rows->len, 0 };

        /* raw, front-coded on a UTF-8 boundary; a name that is not UTF-8 is
         * written whole and shared with nobody (it is stored escaped). */
        bool utf8 = valid_utf8(e->raw);
        size_t shared = 0;
        if (utf8 && prev_raw) {
            while (prev_raw[shared] && prev_raw[shared] == e->raw[shared])
                shared++;
            while (shared > 0 && ((unsigned char)e->raw[shared] & 0xc0) == 0x80)
                shared--;
        }
        prev_raw = utf8 ? e->raw : NULL;
        cell_u64(&w, shared, 0);
        cell_begin(&w);
        sb_json_string(rows, e->raw + shared);
        cell_end(&w, false);

        /* display: null when it is the raw name; a template around the
         * qualified type when it contains it; else the string. */
        const char *disp = d->display ? d->display : e->raw;
        char qt[4096];
        const char *q = d->ns && d->type ? qualified_type(d->ns, d->type, qt, sizeof qt) : NULL;
        const char *at = q && q[0] ? strstr(disp, q) : NULL;
        cell_begin(&w);
        if (strcmp(disp, e->raw) == 0) {
            sb_puts(rows, "null");
        } else if (at) {
            size_t plen = (size_t)(at - disp);
            const char *suffix = at + strlen(q);
            const char *key = az_arena_printf(keys, "%zu:%.*s%s", plen, (int)plen, disp, suffix);
            sb_i64(rows, -1 - (int64_t)strtab_index(templates, key));
        } else {
            sb_u64(rows, strtab_index(t, disp));
        }
        cell_end(&w, strcmp(disp, e->raw) == 0);

        cell_ref(&w, t, az_kind_name(d->kind));
        cell_ref(&w, t, az_bucket_name(e->bucket));
        cell_ref(&w, t, e->group);
        cell_ref(&w, t, e->section);
        cell_u64(&w, (e->is_symbol ? EF_SYMBOL : 0) | (e->sized ? EF_SIZED : 0) | (d->managed ? EF_MANAGED : 0), 0);
        cell_u64(&w, e->addr, 0);
        cell_u64(&w, e->extent, 0);
        cell_sizes(&w, e->file);
        if (memcmp(e->file, e->vm, sizeof e->file) == 0) {
            cell_begin(&w);
            sb_puts(rows, "null");
            cell_end(&w, true);
        } else {
            cell_sizes(&w, e->vm);
            w.keep = rows->len; /* [] differs from null here */
        }
        cell_ref(&w, t, d->assembly);
        cell_ref(&w, t, d->ns);
        cell_ref(&w, t, d->type);
        bool def_same = d->type_def == d->type || (d->type_def && d->type && strcmp(d->type_def, d->type) == 0);
        cell_ref(&w, t, def_same ? NULL : d->type_def);
        cell_ref(&w, t, d->generic == AZ_GENERIC_NONE ? NULL : az_generic_name(d->generic));
        cell_u64(&w, d->confidence, 100);
        cell_ref(&w, t, d->method);
        cell_ref(&w, t, d->method_inst);
        cell_begin(&w);
        sb_i64(rows, d->overload < 0 ? -1 : d->overload);
        cell_end(&w, d->overload < 0);
        cell_begin(&w);
        /* a body that was not disassembled and lost no filler needs no cell:
         * without one, its size is its extent */
        const az_body_fact *f = facts && facts[i].size ? &facts[i] : NULL;
        if (f && !f->hash && f->size == e->extent && f->similarity == 1000)
            f = NULL;
        if (f) {
            int n = f->undecoded ? 4 : f->similarity != 1000 ? 3 : f->hash ? 2 : 1;
            char cellbuf[96];
            int len = snprintf(cellbuf, sizeof cellbuf, "[%llu", (unsigned long long)f->size);
            if (n >= 2)
                len += snprintf(cellbuf + len, sizeof cellbuf - (size_t)len, ",\"%016llx\"", (unsigned long long)f->hash);
            if (n >= 3)
                len += snprintf(cellbuf + len, sizeof cellbuf - (size_t)len, ",%u", (unsigned)f->similarity);
            if (n >= 4)
                len += snprintf(cellbuf + len, sizeof cellbuf - (size_t)len, ",1");
            snprintf(cellbuf + len, sizeof cellbuf - (size_t)len, "]");
            sb_puts(rows, cellbuf);
        } else {
            sb_puts(rows, "null");
        }
        cell_end(&w, !f);

        rows->len = w.keep;
        sb_puts(rows, "]");
    }
}

static void build_snapshot(sbuf *b, const az_analysis *a)
{
    sb_puts(b, "{\"schema\":\"" AZ_SNAPSHOT_SCHEMA "\",\n");
    write_input(b, a);
    sb_puts(b, ",\n\"totals\":{\"file_size\":");
    sb_u64(b, a->file_total);
    sb_puts(b, ",\"vm_size\":");
    sb_u64(b, a->vm_total);
    sb_puts(b, "},\n\"buckets\":[");
    uint64_t bf[AZ_BUCKET__COUNT] = { 0 }, bv[AZ_BUCKET__COUNT] = { 0 };
    for (size_t i = 0; i < a->nentities; i++) {
        const az_entity *e = &a->entities[i];
        if (e->bucket < AZ_BUCKET__COUNT) {
            bf[e->bucket] += az_entity_file(e);
            bv[e->bucket] += az_entity_vm(e);
        }
    }
    for (int k = 0; k < AZ_BUCKET__COUNT; k++) {
        sb_puts(b, k ? ",{\"name\":" : "{\"name\":");
        sb_json_string(b, az_bucket_name((az_bucket)k));
        sb_puts(b, ",\"file_size\":");
        sb_u64(b, bf[k]);
        sb_puts(b, ",\"vm_size\":");
        sb_u64(b, bv[k]);
        sb_puts(b, "}");
    }
    sb_puts(b, "]");
    write_sections(b, a);

    strtab t = { 0 }, templates = { 0 };
    sbuf rows = { 0 };
    az_arena keys;
    az_arena_init(&keys);
    az_body_fact *facts = az_generics_body_facts(a);
    write_entities(&rows, &t, &templates, &keys, a, facts);
    free(facts);
    sb_puts(b, ",\n\"strings\":[");
    for (size_t i = 0; i < t.n; i++) {
        sb_puts(b, i % 8 ? "," : (i ? ",\n" : "\n"));
        sb_json_string(b, t.items[i]);
    }
    /* templates[k] was keyed "<prefix length>:<prefix><suffix>" */
    sb_puts(b, "],\n\"templates\":[");
    for (size_t i = 0; i < templates.n; i++) {
        char *colon;
        size_t plen = (size_t)strtoull(templates.items[i], &colon, 10);
        sb_puts(b, i % 8 ? "[" : (i ? "\n[" : "\n["));
        char *text = colon + 1;
        char saved = text[plen];
        text[plen] = 0;
        sb_json_string(b, text);
        text[plen] = saved;
        sb_puts(b, ",");
        sb_json_string(b, text + plen);
        sb_puts(b, i + 1 < templates.n ? "]," : "]");
    }
    sb_puts(b, "],\n\"entities\":{");
    sb_columns(b, entity_columns, EC__COUNT);
    sb_puts(b, ",\"rows\":[");
    if (rows.len)
        sb_put(b, rows.p, rows.len);
    sb_puts(b, "]},\n\"warnings\":[");
    for (size_t i = 0; i < a->img.nwarnings; i++) {
        if (i)
            sb_puts(b, ",");
        sb_json_string(b, a->img.warnings[i]);
    }
    sb_puts(b, "]}\n");
    free(rows.p);
    free(t.items);
    free(t.slots);
    free(templates.items);
    free(templates.slots);
    az_arena_free(&keys);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static az_status write_all(int fd, const char *p, size_t n, const char *path, az_error *err)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return az_fail(err, AZ_ERR_IO, "%s: cannot write: %s", path, strerror(w < 0 ? errno : EIO));
        p += w;
        n -= (size_t)w;
    }
    return AZ_OK;
}

/* gzip with zlib's gz* writer: its header has no name and no time stamp,
 * so equal snapshots give equal files. */
static az_status write_gzip(int fd, const char *p, size_t n, const char *path, az_error *err)
{
    gzFile gz = gzdopen(fd, "wb6");
    if (!gz) {
        close(fd);
        return az_fail(err, AZ_ERR_IO, "%s: cannot start gzip stream", path);
    }
    gzbuffer(gz, 1 << 17);
    while (n) {
        unsigned chunk = n > (1u << 30) ? 1u << 30 : (unsigned)n;
        if (gzwrite(gz, p, chunk) != (int)chunk) {
            int e;
            const char *msg = gzerror(gz, &e);
            az_fail(err, AZ_ERR_IO, "%s: cannot write: %s", path, e == Z_ERRNO ? strerror(errno) : msg);
            gzclose(gz);
            return AZ_ERR_IO;
        }
        p += chunk;
        n -= chunk;
    }
    if (gzclose(gz) != Z_OK) /* also closes fd */
        return az_fail(err, AZ_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    return AZ_OK;
}

az_status az_snapshot_write(const az_analysis *a, const char *path, az_error *err)
{
    sbuf b = { 0 };
    build_snapshot(&b, a);

    /* A temporary file beside the target, renamed over it when complete. */
    size_t plen = strlen(path);
    char *tmp = az_xmalloc(plen + 16);
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp.XXXXXX", 12);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        az_status st = az_fail(err, AZ_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
        free(tmp);
        free(b.p);
        return st;
    }
    /* mkstemp makes the file private; a snapshot is an ordinary output. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);

    az_status st;
    if (ends_with(path, ".gz")) {
        st = write_gzip(fd, b.p, b.len, path, err); /* closes fd */
    } else {
        st = write_all(fd, b.p, b.len, path, err);
        if (close(fd) != 0 && st == AZ_OK)
            st = az_fail(err, AZ_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    }
    if (st == AZ_OK && rename(tmp, path) != 0)
        st = az_fail(err, AZ_ERR_IO, "%s: cannot rename %s into place: %s", path, tmp, strerror(errno));
    if (st != AZ_OK)
        unlink(tmp);
    free(tmp);
    free(b.p);
    return st;
}

az_status az_snapshot_write_file(const az_analysis *a, FILE *out)
{
    sbuf b = { 0 };
    build_snapshot(&b, a);
    size_t w = fwrite(b.p, 1, b.len, out);
    free(b.p);
    return w == b.len ? AZ_OK : AZ_ERR_IO;
}

/* ==== reading ================================================================= */

bool az_snapshot_sniff(const uint8_t *data, uint64_t size)
{
    if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
        return true;
    uint64_t i = 0;
    while (i < size && i < 64 && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
        i++;
    if (i >= size || data[i] != '{')
        return false;
    i++;
    while (i < size && i < 128 && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
        i++;
    return size - i >= 8 && memcmp(data + i, "\"schema\"", 8) == 0;
}

/* gunzip into a malloc'ed buffer of at most AZ_SNAPSHOT_MAX_TEXT bytes. */
static az_status gunzip(const uint8_t *data, uint64_t size, const char *path, char **out, size_t *out_len,
                        az_error *err)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return az_fail(err, AZ_ERR_NOMEM, "%s: cannot start gunzip", path);
    size_t cap = size < (1u << 20) ? 1u << 22 : (size_t)(size * 8 < AZ_SNAPSHOT_MAX_TEXT ? size * 8 : AZ_SNAPSHOT_MAX_TEXT);
    char *buf = az_xmalloc(cap + 1);
    size_t len = 0;
    const uint8_t *in = data;
    uint64_t left = size;
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        if (len == cap) {
            if (cap >= AZ_SNAPSHOT_MAX_TEXT) {
                inflateEnd(&zs);
                free(buf);
                return az_fail(err, AZ_ERR_CORRUPT, "%s: snapshot is larger than %u MiB when uncompressed", path,
                               AZ_SNAPSHOT_MAX_TEXT >> 20);
            }
            cap = cap * 2 > AZ_SNAPSHOT_MAX_TEXT ? AZ_SNAPSHOT_MAX_TEXT : cap * 2;
            buf = realloc(buf, cap + 1);
            if (!buf) {
                inflateEnd(&zs);
                return az_fail(err, AZ_ERR_NOMEM, "%s: out of memory", path);
            }
        }
        uInt chunk_in = left > (1u << 30) ? 1u << 30 : (uInt)left;
        zs.next_in = (Bytef *)in;
        zs.avail_in = chunk_in;
        zs.next_out = (Bytef *)buf + len;
        zs.avail_out = (uInt)(cap - len);
        rc = inflate(&zs, Z_NO_FLUSH);
        in += chunk_in - zs.avail_in;
        left -= chunk_in - zs.avail_in;
        len = cap - zs.avail_out;
        if (rc == Z_STREAM_END)
            break;
        if (rc != Z_OK && !(rc == Z_BUF_ERROR && len == cap)) {
            inflateEnd(&zs);
            free(buf);
            return az_fail(err, AZ_ERR_CORRUPT, "%s: damaged gzip data (%s)", path,
                           rc == Z_BUF_ERROR ? "truncated" : (zs.msg ? zs.msg : "inflate failed"));
        }
    }
    inflateEnd(&zs);
    buf[len] = 0;
    *out = buf;
    *out_len = len;
    return AZ_OK;
}

typedef struct loader {
    const char *path;
    az_error *err;
    az_analysis *a;
    const char **strings; /* the "strings" table, copied into a->arena */
    size_t nstrings;
    struct snapshot_template {
        const char *prefix; /* in the parsed JSON, which outlives the loading */
        size_t prefix_len;
        const char *suffix;
        size_t suffix_len;
    } *templates;
    size_t ntemplates;
    const char *prev_raw; /* the previous row's raw name */
    size_t prev_raw_len;
    int bucket_map[AZ_BUCKET__COUNT * 4]; /* snapshot bucket position -> az_bucket */
    size_t nbuckets;
    bool warned_bucket, warned_kind;
} loader;

static az_status bad(loader *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static az_status bad(loader *l, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return az_fail(l->err, AZ_ERR_CORRUPT, "%s: bad snapshot: %s", l->path, msg);
}

static json_t *member(loader *l, json_t *obj, const char *key, json_type type, const char *where, az_status *st)
{
    json_t *v = json_object_get(obj, key);
    static const char *const type_names[] = { "an object", "an array", "a string", "an integer", "a number",
                                              "true", "false", "null" };
    if (!v || json_typeof(v) != type) {
        *st = bad(l, "%s\"%s\" must be %s", where, key, type_names[type]);
        return NULL;
    }
    return v;
}

/* An optional string member: absent or null is NULL. */
static az_status opt_string(loader *l, json_t *obj, const char *key, const char *where, const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return AZ_OK;
    if (!json_is_string(v))
        return bad(l, "%s\"%s\" must be a string or null", where, key);
    *out = az_arena_strndup(&l->a->arena, json_string_value(v), json_string_length(v));
    return AZ_OK;
}

static az_status get_u64(loader *l, json_t *obj, const char *key, const char *where, uint64_t *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v || !json_is_integer(v) || json_integer_value(v) < 0)
        return bad(l, "%s\"%s\" must be a non-negative integer", where, key);
    *out = (uint64_t)json_integer_value(v);
    return AZ_OK;
}

static az_status get_bool(loader *l, json_t *obj, const char *key, const char *where, bool *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v || !json_is_boolean(v))
        return bad(l, "%s\"%s\" must be true or false", where, key);
    *out = json_is_true(v);
    return AZ_OK;
}

/* A table {"columns": [names], "rows": [[...]]}: col[i] is the position of
 * names[i] in each row, or -1 when the snapshot has no such column. */
static az_status open_table(loader *l, json_t *root, const char *key, const char *const *names, size_t n, int *col,
                            json_t **rows, size_t *ncols)
{
    az_status st = AZ_OK;
    char where[64];
    snprintf(where, sizeof where, "%s: ", key);
    json_t *t = member(l, root, key, JSON_OBJECT, "", &st);
    json_t *cols = t ? member(l, t, "columns", JSON_ARRAY, where, &st) : NULL;
    *rows = cols ? member(l, t, "rows", JSON_ARRAY, where, &st) : NULL;
    if (!*rows)
        return st;
    for (size_t i = 0; i < n; i++)
        col[i] = -1;
    *ncols = json_array_size(cols);
    for (size_t k = 0; k < *ncols; k++) {
        json_t *c = json_array_get(cols, k);
        if (!json_is_string(c))
            return bad(l, "%scolumn %zu is not a name", where, k);
        for (size_t i = 0; i < n; i++)
            if (strcmp(json_string_value(c), names[i]) == 0) {
                if (col[i] >= 0)
                    return bad(l, "%scolumn \"%s\" appears twice", where, names[i]);
                col[i] = (int)k;
            }
    }
    return AZ_OK;
}

/* The cell of a row, or NULL when the column is absent or the row stops
 * before it (the cell then has its default). */
static json_t *cell(json_t *row, int col)
{
    return col < 0 ? NULL : json_array_get(row, (size_t)col);
}

static az_status get_cell_u64(loader *l, json_t *row, int col, const char *table, size_t r, const char *name,
                              uint64_t dflt, uint64_t *out)
{
    *out = dflt;
    json_t *v = cell(row, col);
    if (!v)
        return AZ_OK;
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return bad(l, "%s row %zu: \"%s\" must be a non-negative integer", table, r, name);
    *out = (uint64_t)json_integer_value(v);
    return AZ_OK;
}

static az_status get_cell_str(loader *l, json_t *row, int col, size_t r, const char *name, const char **out)
{
    *out = NULL;
    json_t *v = cell(row, col);
    if (!v || json_is_null(v))
        return AZ_OK;
    if (!json_is_integer(v) || json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) >= l->nstrings)
        return bad(l, "entities row %zu: \"%s\" must be an index into \"strings\" (0-%zu) or null", r, name,
                   l->nstrings ? l->nstrings - 1 : 0);
    *out = l->strings[json_integer_value(v)];
    return AZ_OK;
}

static az_bucket map_bucket(loader *l, const char *name)
{
    az_bucket b;
    if (name && az_bucket_parse(name, &b))
        return b;
    if (!l->warned_bucket)
        az_image_warn(&l->a->img, "snapshot has an unknown bucket '%s'; its bytes are counted as unattributed",
                      name ? name : "(null)");
    l->warned_bucket = true;
    return AZ_BUCKET_UNATTRIBUTED;
}

static az_status load_input(loader *l, json_t *root)
{
    az_analysis *a = l->a;
    az_status st = AZ_OK;
    json_t *in = member(l, root, "input", JSON_OBJECT, "", &st);
    if (!in)
        return st;
    const char *w = "input: ", *format = NULL, *arch = NULL, *symbols = NULL, *orig = NULL;
    bool has_symtab = false;
    uint64_t file_size = 0;
    if ((st = opt_string(l, in, "path", w, &orig)) || (st = opt_string(l, in, "format", w, &format)) ||
        (st = opt_string(l, in, "arch", w, &arch)) || (st = get_bool(l, in, "native_aot", w, &a->native_aot)) ||
        (st = opt_string(l, in, "dotnet_version", w, &a->dotnet_version)) ||
        (st = opt_string(l, in, "symbols", w, &symbols)) ||
        (st = opt_string(l, in, "debug_file", w, &a->img.debug_file)) ||
        (st = opt_string(l, in, "build_id", w, &a->img.build_id)) ||
        (st = opt_string(l, in, "compiler", w, &a->img.compiler_comment)) ||
        (st = get_u64(l, in, "file_size", w, &file_size)))
        return st;
    if (json_object_get(in, "has_symtab") && (st = get_bool(l, in, "has_symtab", w, &has_symtab)))
        return st;
    a->snapshot_of = orig ? orig : "";
    a->img.size = file_size;
    a->img.has_symtab = has_symtab;
    a->img.format = AZ_FORMAT_UNKNOWN;
    for (int f = AZ_FORMAT_ELF; f <= AZ_FORMAT_MACHO; f++)
        if (format && strcmp(format, az_format_name((az_format)f)) == 0)
            a->img.format = (az_format)f;
    a->img.arch = AZ_ARCH_UNKNOWN;
    for (int k = AZ_ARCH_X64; k <= AZ_ARCH_ARM64; k++)
        if (arch && strcmp(arch, az_arch_name((az_arch)k)) == 0)
            a->img.arch = (az_arch)k;
    a->symbols = AZ_SYMBOLS_NONE;
    for (int k = AZ_SYMBOLS_NONE; k <= AZ_SYMBOLS_FULL; k++)
        if (symbols && strcmp(symbols, az_symbols_level_name((az_symbols_level)k)) == 0)
            a->symbols = (az_symbols_level)k;

    json_t *totals = member(l, root, "totals", JSON_OBJECT, "", &st);
    if (!totals)
        return st;
    if ((st = get_u64(l, totals, "file_size", "totals: ", &a->file_total)) ||
        (st = get_u64(l, totals, "vm_size", "totals: ", &a->vm_total)))
        return st;

    json_t *warnings = json_object_get(root, "warnings");
    if (warnings && !json_is_array(warnings))
        return bad(l, "\"warnings\" must be an array");
    for (size_t i = 0; i < json_array_size(warnings); i++) {
        json_t *s = json_array_get(warnings, i);
        if (!json_is_string(s))
            return bad(l, "warnings: entry %zu is not a string", i);
        az_image_warn(&a->img, "%s", json_string_value(s));
    }
    return AZ_OK;
}

/* "buckets": the order of the *_by_bucket arrays. */
static az_status load_buckets(loader *l, json_t *root)
{
    az_status st = AZ_OK;
    json_t *arr = member(l, root, "buckets", JSON_ARRAY, "", &st);
    if (!arr)
        return st;
    l->nbuckets = json_array_size(arr);
    if (l->nbuckets == 0 || l->nbuckets > sizeof l->bucket_map / sizeof l->bucket_map[0])
        return bad(l, "\"buckets\" must list 1 to %zu buckets", sizeof l->bucket_map / sizeof l->bucket_map[0]);
    for (size_t i = 0; i < l->nbuckets; i++) {
        json_t *b = json_array_get(arr, i);
        json_t *name = json_is_object(b) ? json_object_get(b, "name") : NULL;
        if (!json_is_string(name))
            return bad(l, "buckets: entry %zu has no \"name\"", i);
        l->bucket_map[i] = (int)map_bucket(l, json_string_value(name));
    }
    return AZ_OK;
}

static az_status by_bucket(loader *l, json_t *arr, const char *what, size_t r, uint64_t *out)
{
    if (!json_is_array(arr) || json_array_size(arr) != l->nbuckets)
        return bad(l, "%s %zu: expected an array of %zu sizes, one per bucket", what, r, l->nbuckets);
    for (size_t k = 0; k < l->nbuckets; k++) {
        json_t *v = json_array_get(arr, k);
        if (!json_is_integer(v) || json_integer_value(v) < 0)
            return bad(l, "%s %zu: sizes must be non-negative integers", what, r);
        out[l->bucket_map[k]] += (uint64_t)json_integer_value(v);
    }
    return AZ_OK;
}

static az_status load_sections(loader *l, json_t *root)
{
    az_analysis *a = l->a;
    int col[SC__COUNT];
    json_t *rows;
    size_t ncols;
    az_status st = open_table(l, root, "sections", section_columns, SC__COUNT, col, &rows, &ncols);
    if (st)
        return st;
    if (col[SC_NAME] < 0)
        return bad(l, "sections: no \"name\" column");
    size_t n = json_array_size(rows);
    a->section_file = az_xcalloc(n + 1, sizeof *a->section_file);
    a->section_vm = az_xcalloc(n + 1, sizeof *a->section_vm);
    for (size_t r = 0; r < n; r++) {
        json_t *row = json_array_get(rows, r);
        if (!json_is_array(row) || json_array_size(row) > ncols)
            return bad(l, "sections row %zu: expected an array of at most %zu values", r, ncols);
        json_t *name = cell(row, col[SC_NAME]);
        if (!json_is_string(name))
            return bad(l, "sections row %zu: \"name\" must be a string", r);
        az_section *s = az_image_add_section(&a->img);
        s->name = az_arena_strndup(&a->img.arena, json_string_value(name), json_string_length(name));
        uint64_t index, flags;
        if ((st = get_cell_u64(l, row, col[SC_INDEX], "sections", r, "index", 0, &index)) ||
            (st = get_cell_u64(l, row, col[SC_VM_ADDR], "sections", r, "vm_addr", 0, &s->vm_addr)) ||
            (st = get_cell_u64(l, row, col[SC_VM_SIZE], "sections", r, "vm_size", 0, &s->vm_size)) ||
            (st = get_cell_u64(l, row, col[SC_FILE_OFF], "sections", r, "file_off", 0, &s->file_off)) ||
            (st = get_cell_u64(l, row, col[SC_FILE_SIZE], "sections", r, "file_size", 0, &s->file_size)) ||
            (st = get_cell_u64(l, row, col[SC_ALIGN], "sections", r, "align", 0, &s->align)) ||
            (st = get_cell_u64(l, row, col[SC_FLAGS], "sections", r, "flags", 0, &flags)))
            return st;
        if (index > UINT32_MAX || flags > UINT32_MAX)
            return bad(l, "sections row %zu: index or flags out of range", r);
        s->index = (uint32_t)index;
        s->flags = (uint32_t)flags;
        if (cell(row, col[SC_FILE_BY_BUCKET]) &&
            (st = by_bucket(l, cell(row, col[SC_FILE_BY_BUCKET]), "sections row", r,
                            a->section_file[r])))
            return st;
        if (cell(row, col[SC_VM_BY_BUCKET]) &&
            (st = by_bucket(l, cell(row, col[SC_VM_BY_BUCKET]), "sections row", r,
                            a->section_vm[r])))
            return st;
    }
    json_t *outside = json_object_get(root, "outside_sections");
    if (outside) {
        if (!json_is_object(outside))
            return bad(l, "\"outside_sections\" must be an object");
        if ((st = by_bucket(l, json_object_get(outside, "file_by_bucket"), "outside_sections", 0,
                            a->section_file[n])) ||
            (st = by_bucket(l, json_object_get(outside, "vm_by_bucket"), "outside_sections", 0, a->section_vm[n])))
            return st;
    }
    return AZ_OK;
}

static az_status load_strings(loader *l, json_t *root)
{
    az_status st = AZ_OK;
    json_t *arr = member(l, root, "strings", JSON_ARRAY, "", &st);
    if (!arr)
        return st;
    l->nstrings = json_array_size(arr);
    l->strings = az_xmalloc((l->nstrings ? l->nstrings : 1) * sizeof *l->strings);
    for (size_t i = 0; i < l->nstrings; i++) {
        json_t *s = json_array_get(arr, i);
        if (!json_is_string(s))
            return bad(l, "strings: entry %zu is not a string", i);
        l->strings[i] = az_arena_strndup(&l->a->arena, json_string_value(s), json_string_length(s));
    }
    return AZ_OK;
}

static az_kind parse_kind(loader *l, const char *name)
{
    if (!name)
        return AZ_KIND_UNKNOWN;
    for (int k = 0; k < AZ_KIND__COUNT; k++)
        if (strcmp(name, az_kind_name((az_kind)k)) == 0)
            return (az_kind)k;
    if (!l->warned_kind && strcmp(name, "unknown") != 0)
        az_image_warn(&l->a->img, "snapshot has an unknown entity kind '%s'; shown as unknown", name);
    l->warned_kind = true;
    return AZ_KIND_UNKNOWN;
}

/* "file_sizes" / "vm_sizes": up to one integer per facet. */
static az_status get_sizes(loader *l, json_t *v, size_t r, const char *name, uint64_t *out)
{
    if (!json_is_array(v) || json_array_size(v) > AZ_FACET__COUNT)
        return bad(l, "entities row %zu: \"%s\" must be an array of at most %d sizes", r, name, AZ_FACET__COUNT);
    for (size_t f = 0; f < json_array_size(v); f++) {
        json_t *x = json_array_get(v, f);
        if (!json_is_integer(x) || json_integer_value(x) < 0)
            return bad(l, "entities row %zu: \"%s\" must hold non-negative integers", r, name);
        out[f] = (uint64_t)json_integer_value(x);
    }
    return AZ_OK;
}

/* raw: the previous row's first raw_shared bytes, then this row's text. */
static az_status load_raw(loader *l, json_t *row, const int *col, size_t r, az_entity *e)
{
    uint64_t shared;
    az_status st = get_cell_u64(l, row, col[EC_RAW_SHARED], "entities", r, "raw_shared", 0, &shared);
    if (st)
        return st;
    json_t *v = cell(row, col[EC_RAW]);
    if (!json_is_string(v))
        return bad(l, "entities row %zu: \"raw\" must be a string", r);
    if (shared > l->prev_raw_len)
        return bad(l, "entities row %zu: \"raw_shared\" is %llu, longer than the previous raw name", r,
                   (unsigned long long)shared);
    size_t n = json_string_length(v);
    char *raw = az_arena_alloc(&l->a->arena, (size_t)shared + n + 1);
    memcpy(raw, l->prev_raw, (size_t)shared);
    memcpy(raw + shared, json_string_value(v), n);
    raw[shared + n] = 0;
    e->raw = raw;
    l->prev_raw = raw;
    l->prev_raw_len = (size_t)shared + n;
    return AZ_OK;
}

/* display: null = raw, index into strings, or -1 - template index. */
static az_status load_display(loader *l, json_t *row, const int *col, size_t r, az_entity *e)
{
    az_demangled *d = &e->dm;
    json_t *v = cell(row, col[EC_DISPLAY]);
    d->display = e->raw;
    if (!v || json_is_null(v))
        return AZ_OK;
    json_int_t k = json_is_integer(v) ? json_integer_value(v) : 0;
    if (!json_is_integer(v) || (k >= 0 && (uint64_t)k >= l->nstrings) || (k < 0 && (uint64_t)(-1 - k) >= l->ntemplates))
        return bad(l, "entities row %zu: \"display\" must be null, an index into \"strings\" or -1 - an index into "
                      "\"templates\"",
                   r);
    if (k >= 0) {
        d->display = l->strings[k];
        return AZ_OK;
    }
    if (!d->ns || !d->type)
        return bad(l, "entities row %zu: a display template needs \"namespace\" and \"type\"", r);
    const struct snapshot_template *t = &l->templates[-1 - k];
    size_t nl = strlen(d->ns), tl = strlen(d->type);
    size_t n = t->prefix_len + (nl ? nl + 1 : 0) + tl + t->suffix_len;
    char *s = az_arena_alloc(&l->a->arena, n + 1), *w = s;
    memcpy(w, t->prefix, t->prefix_len);
    w += t->prefix_len;
    if (nl) {
        memcpy(w, d->ns, nl);
        w += nl;
        *w++ = '.';
    }
    memcpy(w, d->type, tl);
    w += tl;
    memcpy(w, t->suffix, t->suffix_len);
    w[t->suffix_len] = 0;
    d->display = s;
    return AZ_OK;
}

static az_status load_entity(loader *l, json_t *row, const int *col, size_t r, az_entity *e)
{
    az_demangled *d = &e->dm;
    const char *kind, *bucket, *generic;
    uint64_t flags, confidence;
    az_status st;
    if ((st = load_raw(l, row, col, r, e)) ||
        (st = get_cell_str(l, row, col[EC_KIND], r, "kind", &kind)) ||
        (st = get_cell_str(l, row, col[EC_BUCKET], r, "bucket", &bucket)) ||
        (st = get_cell_str(l, row, col[EC_GROUP], r, "group", &e->group)) ||
        (st = get_cell_str(l, row, col[EC_SECTION], r, "section", &e->section)) ||
        (st = get_cell_u64(l, row, col[EC_FLAGS], "entities", r, "flags", 0, &flags)) ||
        (st = get_cell_u64(l, row, col[EC_ADDRESS], "entities", r, "address", 0, &e->addr)) ||
        (st = get_cell_u64(l, row, col[EC_EXTENT], "entities", r, "extent", 0, &e->extent)) ||
        (st = get_cell_str(l, row, col[EC_ASSEMBLY], r, "assembly", &d->assembly)) ||
        (st = get_cell_str(l, row, col[EC_NAMESPACE], r, "namespace", &d->ns)) ||
        (st = get_cell_str(l, row, col[EC_TYPE], r, "type", &d->type)) ||
        (st = get_cell_str(l, row, col[EC_TYPE_DEF], r, "type_def", &d->type_def)) ||
        (st = get_cell_str(l, row, col[EC_GENERIC], r, "generic", &generic)) ||
        (st = get_cell_u64(l, row, col[EC_CONFIDENCE], "entities", r, "confidence", 100, &confidence)) ||
        (st = get_cell_str(l, row, col[EC_METHOD], r, "method", &d->method)) ||
        (st = get_cell_str(l, row, col[EC_METHOD_INST], r, "method_inst", &d->method_inst)) ||
        (st = load_display(l, row, col, r, e)))
        return st;
    if (!d->type_def)
        d->type_def = d->type;
    d->kind = parse_kind(l, kind);
    e->bucket = map_bucket(l, bucket);
    d->generic = AZ_GENERIC_NONE;
    for (int g = AZ_GENERIC_NONE; g <= AZ_GENERIC_SPECIALIZED; g++)
        if (generic && strcmp(generic, az_generic_name((az_generic)g)) == 0)
            d->generic = (az_generic)g;
    d->confidence = (uint8_t)(confidence > 100 ? 100 : confidence);
    d->managed = (flags & EF_MANAGED) != 0;
    e->is_symbol = (flags & EF_SYMBOL) != 0;
    e->sized = (flags & EF_SIZED) != 0;

    d->overload = -1;
    json_t *ov = cell(row, col[EC_OVERLOAD]);
    if (ov) {
        if (!json_is_integer(ov) || json_integer_value(ov) < -1 || json_integer_value(ov) > 1000000)
            return bad(l, "entities row %zu: \"overload\" must be an integer from -1", r);
        d->overload = (int)json_integer_value(ov);
    }

    json_t *fs = cell(row, col[EC_FILE_SIZES]), *vs = cell(row, col[EC_VM_SIZES]);
    if (fs && (st = get_sizes(l, fs, r, "file_sizes", e->file)))
        return st;
    if (vs && !json_is_null(vs)) {
        if ((st = get_sizes(l, vs, r, "vm_sizes", e->vm)))
            return st;
    } else {
        memcpy(e->vm, e->file, sizeof e->vm);
    }
    return AZ_OK;
}

/* "templates": [prefix, suffix] pairs for displays. */
static az_status load_templates(loader *l, json_t *root)
{
    json_t *arr = json_object_get(root, "templates");
    if (!arr)
        return AZ_OK;
    if (!json_is_array(arr))
        return bad(l, "\"templates\" must be an array");
    l->ntemplates = json_array_size(arr);
    l->templates = az_xmalloc((l->ntemplates ? l->ntemplates : 1) * sizeof *l->templates);
    for (size_t i = 0; i < l->ntemplates; i++) {
        json_t *t = json_array_get(arr, i);
        json_t *p = json_array_get(t, 0), *q = json_array_get(t, 1);
        if (!json_is_array(t) || json_array_size(t) != 2 || !json_is_string(p) || !json_is_string(q))
            return bad(l, "templates: entry %zu is not a [prefix, suffix] pair of strings", i);
        l->templates[i] = (struct snapshot_template){ json_string_value(p), json_string_length(p),
                                                      json_string_value(q), json_string_length(q) };
    }
    return AZ_OK;
}

/* A row's "generic_body" cell: [size, "hash", similarity, undecoded]. */
static az_status load_body_fact(loader *l, json_t *row, int col, size_t r, const az_entity *e, az_body_fact *f)
{
    json_t *v = cell(row, col);
    if (!v || json_is_null(v))
        return AZ_OK;
    size_t n = json_is_array(v) ? json_array_size(v) : 0;
    json_t *size = json_array_get(v, 0), *hash = json_array_get(v, 1);
    json_t *sim = json_array_get(v, 2), *undecoded = json_array_get(v, 3);
    /* a hash is 1-16 lowercase hex digits */
    const char *hex = hash && json_is_string(hash) ? json_string_value(hash) : NULL;
    size_t hex_len = hex ? strlen(hex) : 0;
    bool hash_ok = !hash || (hex_len >= 1 && hex_len <= 16 && strspn(hex, "0123456789abcdef") == hex_len);
    uint64_t h = hash_ok && hex ? strtoull(hex, NULL, 16) : 0;
    /* the code of a body lies within its extent */
    if (n < 1 || n > 4 || !json_is_integer(size) || json_integer_value(size) <= 0 ||
        (uint64_t)json_integer_value(size) > e->extent || !hash_ok ||
        (sim && (!json_is_integer(sim) || json_integer_value(sim) < 0 || json_integer_value(sim) > 1000)) ||
        (undecoded && (!json_is_integer(undecoded) || (uint64_t)json_integer_value(undecoded) > 1)))
        return bad(l, "entities row %zu: \"generic_body\" must be [size within the extent, \"hex hash\", "
                      "similarity 0-1000, 0 or 1]", r);
    *f = (az_body_fact){ (uint64_t)json_integer_value(size), h, sim ? (uint16_t)json_integer_value(sim) : 1000,
                         undecoded && json_integer_value(undecoded) == 1 };
    return AZ_OK;
}

static int cmp_by_addr(const void *x, const void *y, void *ctx)
{
    const az_entity *ents = ctx;
    const az_entity *p = &ents[*(const size_t *)x], *q = &ents[*(const size_t *)y];
    if (p->addr != q->addr)
        return p->addr < q->addr ? -1 : 1;
    return *(const size_t *)x < *(const size_t *)y ? -1 : 1;
}

static az_status load_entities(loader *l, json_t *root)
{
    az_analysis *a = l->a;
    int col[EC__COUNT];
    json_t *rows;
    size_t ncols;
    az_status st = open_table(l, root, "entities", entity_columns, EC__COUNT, col, &rows, &ncols);
    if (st)
        return st;
    if (col[EC_RAW] < 0 || col[EC_BUCKET] < 0)
        return bad(l, "entities: the \"raw\" and \"bucket\" columns are required");
    size_t n = json_array_size(rows);
    a->entities = az_xcalloc(n ? n : 1, sizeof *a->entities);
    a->cap_entities = n;
    /* without the column (an older snapshot), generics cannot fold */
    if (col[EC_GENERIC_BODY] >= 0)
        a->body_facts = az_xcalloc(n ? n : 1, sizeof *a->body_facts);
    uint64_t file = 0, vm = 0;
    for (size_t r = 0; r < n; r++) {
        json_t *row = json_array_get(rows, r);
        if (!json_is_array(row) || json_array_size(row) > ncols)
            return bad(l, "entities row %zu: expected an array of at most %zu values", r, ncols);
        az_entity *e = &a->entities[a->nentities++];
        if ((st = load_entity(l, row, col, r, e)))
            return st;
        if (a->body_facts && (st = load_body_fact(l, row, col[EC_GENERIC_BODY], r, e, &a->body_facts[r])))
            return st;
        /* The symbol table, rebuilt from the symbols' names, lets name sets
         * be learned again (az_analysis_names: value types, entry assembly). */
        if (e->is_symbol) {
            az_symbol *s = az_image_add_symbol(&a->img);
            s->name = e->raw;
            s->addr = e->addr;
            s->size = e->sized ? e->extent : 0;
        }
        /* Sums wrap only for hostile input, which the totals check reports. */
        file += az_entity_file(e);
        vm += az_entity_vm(e);
    }
    if (file != a->file_total || vm != a->vm_total)
        az_image_warn(&a->img, "snapshot entities add up to %llu file and %llu VM bytes, but its totals say %llu "
                               "and %llu",
                      (unsigned long long)file, (unsigned long long)vm, (unsigned long long)a->file_total,
                      (unsigned long long)a->vm_total);

    /* Symbols come first, as in a fresh analysis; index them by address. */
    while (a->nsymbol_entities < a->nentities && a->entities[a->nsymbol_entities].is_symbol)
        a->nsymbol_entities++;
    a->by_addr = az_xmalloc((a->nsymbol_entities ? a->nsymbol_entities : 1) * sizeof *a->by_addr);
    for (size_t i = 0; i < a->nsymbol_entities; i++)
        if (a->entities[i].extent)
            a->by_addr[a->nby_addr++] = i;
    qsort_r(a->by_addr, a->nby_addr, sizeof *a->by_addr, cmp_by_addr, a->entities);
    return AZ_OK;
}

/* jansson allocates every value of a document on its own: a large app's
 * snapshot has millions, and malloc and free took a third of its load time.
 * While a thread parses a snapshot (and until it releases the document),
 * jansson's allocations on that thread come from an arena freed at once;
 * everywhere else they go to malloc and free as before. */
static _Thread_local az_arena *json_arena;

static void *json_arena_alloc(size_t n)
{
    return json_arena ? az_arena_alloc(json_arena, n) : malloc(n);
}

static void json_arena_free(void *p)
{
    if (!json_arena)
        free(p);
}

static void use_json_arena(void)
{
    json_set_alloc_funcs(json_arena_alloc, json_arena_free);
}

static az_status load_document(const uint8_t *data, uint64_t size, const char *path, az_analysis *out,
                               az_error *err);

az_status az_snapshot_load(const uint8_t *data, uint64_t size, const char *path, az_analysis *out, az_error *err)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, use_json_arena);
    az_arena doc;
    az_arena_init(&doc);
    json_arena = &doc;
    az_status st = load_document(data, size, path, out, err);
    json_arena = NULL; /* every value of the document was released in load_document */
    az_arena_free(&doc);
    return st;
}

static az_status load_document(const uint8_t *data, uint64_t size, const char *path, az_analysis *out,
                               az_error *err)
{
    memset(out, 0, sizeof *out);
    const char *name = path ? path : "<input>";
    char *text = NULL;
    size_t len = 0;
    if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
        az_status st = gunzip(data, size, name, &text, &len, err);
        if (st)
            return st;
    } else if (size > AZ_SNAPSHOT_MAX_TEXT) {
        return az_fail(err, AZ_ERR_CORRUPT, "%s: snapshot is larger than %u MiB", name, AZ_SNAPSHOT_MAX_TEXT >> 20);
    }
    json_error_t jerr;
    json_t *root = text ? json_loadb(text, len, 0, &jerr) : json_loadb((const char *)data, (size_t)size, 0, &jerr);
    free(text);
    if (!root)
        return az_fail(err, AZ_ERR_FORMAT, "%s: not an aotsize snapshot: JSON error at line %d: %s", name, jerr.line,
                       jerr.text);
    json_t *schema = json_is_object(root) ? json_object_get(root, "schema") : NULL;
    if (!json_is_string(schema) || strcmp(json_string_value(schema), AZ_SNAPSHOT_SCHEMA) != 0) {
        az_status st = az_fail(err, AZ_ERR_FORMAT,
                               "%s: not an aotsize snapshot (schema %s%s%s; this aotsize reads " AZ_SNAPSHOT_SCHEMA
                               ", written by 'aotsize snapshot')",
                               name, json_is_string(schema) ? "'" : "",
                               json_is_string(schema) ? json_string_value(schema)
                               : schema               ? "not a string"
                                                      : "missing",
                               json_is_string(schema) ? "'" : "");
        json_decref(root);
        return st;
    }

    az_image_init(&out->img, name, NULL, 0);
    az_arena_init(&out->arena);
    loader l = { .path = name, .err = err, .a = out, .prev_raw = "" };
    az_status st;
    if ((st = load_input(&l, root)) || (st = load_buckets(&l, root)) || (st = load_sections(&l, root)) ||
        (st = load_strings(&l, root)) || (st = load_templates(&l, root)) || (st = load_entities(&l, root))) {
        free(l.strings);
        free(l.templates);
        json_decref(root);
        az_analysis_free(out);
        return st;
    }
    free(l.strings);
    free(l.templates);
    json_decref(root);
    az_image_finish(&out->img);
    /* The name sets a fresh analysis has (framework types, value types from
     * boxed MethodTables, the entry assembly named after the binary), so the
     * generics view parses type arguments from a snapshot as from the
     * binary: the original path stands in for the snapshot's own. */
    const char *own_path = out->img.path;
    if (out->snapshot_of && *out->snapshot_of)
        out->img.path = out->snapshot_of;
    out->names = az_analysis_names(out);
    out->img.path = own_path;
    return AZ_OK;
}
