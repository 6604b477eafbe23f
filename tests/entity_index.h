/* Test helper: symbol entities of an analysis by raw name (an
 * open-addressing index over az_analysis.entities). */
#ifndef AZ_TEST_ENTITY_INDEX_H
#define AZ_TEST_ENTITY_INDEX_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/arena.h"
#include "../inspector/analysis.h"

typedef struct name_index {
    size_t *slots;
    size_t cap;
    const az_analysis *a;
} name_index;

static inline void index_build(name_index *ix, const az_analysis *a)
{
    ix->a = a;
    ix->cap = 1;
    while (ix->cap < 2 * a->nsymbol_entities + 2)
        ix->cap *= 2;
    ix->slots = malloc(ix->cap * sizeof *ix->slots);
    for (size_t i = 0; i < ix->cap; i++)
        ix->slots[i] = SIZE_MAX;
    for (size_t i = 0; i < a->nsymbol_entities; i++) {
        const char *s = a->entities[i].raw;
        size_t j = az_hash_bytes(s, strlen(s)) & (ix->cap - 1);
        while (ix->slots[j] != SIZE_MAX)
            j = (j + 1) & (ix->cap - 1);
        ix->slots[j] = i;
    }
}

static inline size_t index_find(const name_index *ix, const char *s)
{
    size_t j = az_hash_bytes(s, strlen(s)) & (ix->cap - 1);
    while (ix->slots[j] != SIZE_MAX) {
        if (strcmp(ix->a->entities[ix->slots[j]].raw, s) == 0)
            return ix->slots[j];
        j = (j + 1) & (ix->cap - 1);
    }
    return SIZE_MAX;
}

static inline void index_free(name_index *ix)
{
    free(ix->slots);
}

#endif
