#include "arena.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct az_arena_chunk {
    az_arena_chunk *prev;
    size_t size;
    _Alignas(16) uint8_t data[];
};

static void out_of_memory(size_t size)
{
    fprintf(stderr, "aotsize: out of memory (allocating %zu bytes)\n", size);
    exit(2);
}

void *az_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        out_of_memory(size);
    return p;
}

void *az_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        out_of_memory(count * size);
    return p;
}

void az_grow(void *items_ptr, size_t *cap, size_t need, size_t elem)
{
    void **items = items_ptr;
    if (need <= *cap)
        return;
    size_t n = *cap ? *cap : 16;
    while (n < need) {
        if (n > SIZE_MAX / 2 / elem)
            out_of_memory(SIZE_MAX);
        n *= 2;
    }
    void *p = realloc(*items, n * elem);
    if (!p)
        out_of_memory(n * elem);
    *items = p;
    *cap = n;
}

void az_arena_init(az_arena *a)
{
    memset(a, 0, sizeof *a);
}

void az_arena_free(az_arena *a)
{
    az_arena_chunk *c = a->chunks;
    while (c) {
        az_arena_chunk *prev = c->prev;
        free(c);
        c = prev;
    }
    memset(a, 0, sizeof *a);
}

enum { CHUNK_SIZE = 64 * 1024 };

void *az_arena_alloc(az_arena *a, size_t size)
{
    size_t rounded = (size + 15) & ~(size_t)15;
    if (rounded < size)
        out_of_memory(size);
#ifdef AZ_ARENA_DEBUG
    /* One chunk per object, so ASan can see overruns. */
    az_arena_chunk *c = az_xcalloc(1, sizeof *c + (size ? size : 1));
    c->prev = a->chunks;
    c->size = size;
    a->chunks = c;
    return c->data;
#else
    if ((size_t)(a->end - a->next) < rounded) {
        bool big = rounded > CHUNK_SIZE / 4;
        size_t want = big ? rounded : CHUNK_SIZE;
        az_arena_chunk *c = az_xmalloc(sizeof *c + want);
        c->prev = a->chunks;
        c->size = want;
        a->chunks = c;
        if (big) {
            /* A big object gets a chunk of its own; bumping continues in the
             * current chunk (list order only matters for freeing). */
            memset(c->data, 0, size);
            return c->data;
        }
        a->next = c->data;
        a->end = c->data + want;
    }
    void *p = a->next;
    a->next += rounded;
    memset(p, 0, size);
    return p;
#endif
}

char *az_arena_strndup(az_arena *a, const char *s, size_t n)
{
    char *p = az_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *az_arena_strdup(az_arena *a, const char *s)
{
    return az_arena_strndup(a, s, strlen(s));
}

char *az_arena_printf(az_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    char *p = az_arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

uint64_t az_hash_bytes(const void *data, size_t n)
{
    const uint8_t *p = data;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

void az_interner_init(az_interner *in, az_arena *arena)
{
    memset(in, 0, sizeof *in);
    in->arena = arena;
}

void az_interner_free(az_interner *in)
{
    free(in->slots);
    in->slots = NULL;
    in->cap = in->count = 0;
}

static void interner_rehash(az_interner *in)
{
    size_t cap = in->cap ? in->cap * 2 : 256;
    const char **slots = az_xcalloc(cap, sizeof *slots);
    for (size_t i = 0; i < in->cap; i++) {
        const char *s = in->slots[i];
        if (!s)
            continue;
        size_t j = az_hash_bytes(s, strlen(s)) & (cap - 1);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = s;
    }
    free(in->slots);
    in->slots = slots;
    in->cap = cap;
}

const char *az_intern(az_interner *in, const char *s, size_t n)
{
    if ((in->count + 1) * 2 > in->cap)
        interner_rehash(in);
    size_t j = az_hash_bytes(s, n) & (in->cap - 1);
    while (in->slots[j]) {
        const char *t = in->slots[j];
        if (strncmp(t, s, n) == 0 && t[n] == 0)
            return t;
        j = (j + 1) & (in->cap - 1);
    }
    const char *copy = az_arena_strndup(in->arena, s, n);
    in->slots[j] = copy;
    in->count++;
    return copy;
}

const char *az_intern_cstr(az_interner *in, const char *s)
{
    return az_intern(in, s, strlen(s));
}
