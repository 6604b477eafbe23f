/* Arenas for the many small objects of one image (names, demangled parts),
 * freed all at once; an interner for strings that repeat (assembly and
 * namespace names); and a growable array helper.
 *
 * Build with -DAZ_ARENA_DEBUG to pass every allocation through malloc so that
 * AddressSanitizer sees each object's bounds. */
#ifndef AZ_ARENA_H
#define AZ_ARENA_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

typedef struct az_arena_chunk az_arena_chunk;

typedef struct az_arena {
    az_arena_chunk *chunks;
    uint8_t *next;
    uint8_t *end;
} az_arena;

void az_arena_init(az_arena *a);
void az_arena_free(az_arena *a);
/* Zeroed memory, 16-byte aligned; never returns NULL (out of memory aborts). */
void *az_arena_alloc(az_arena *a, size_t size);
char *az_arena_strndup(az_arena *a, const char *s, size_t n);
char *az_arena_strdup(az_arena *a, const char *s);
char *az_arena_printf(az_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Interner: equal strings give the same pointer, so they compare with ==. */
typedef struct az_interner {
    az_arena *arena;
    const char **slots;
    size_t cap;
    size_t count;
} az_interner;

void az_interner_init(az_interner *in, az_arena *arena);
void az_interner_free(az_interner *in);
const char *az_intern(az_interner *in, const char *s, size_t n);
const char *az_intern_cstr(az_interner *in, const char *s);

/* Growable arrays: ensures room for `need` elements of `elem` bytes in
 * *items (capacity *cap), doubling.  Aborts when memory runs out. */
void az_grow(void *items_ptr, size_t *cap, size_t need, size_t elem);

/* malloc/calloc that abort with a message instead of returning NULL. */
void *az_xmalloc(size_t size);
void *az_xcalloc(size_t count, size_t size);

/* qsort for arrays that may be empty with a NULL base (which qsort itself
 * does not allow). */
static inline void az_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

/* FNV-1a, for hash tables keyed by strings or bytes. */
uint64_t az_hash_bytes(const void *data, size_t n);

#endif
