/* The demangler on arbitrary names (it must be total: any input yields a
 * result, with bounded recursion and work). */
#include <stdlib.h>
#include <string.h>

#include "../../inspector/demangle.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static az_names *names;
    if (!names)
        names = az_names_new();
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = 0;
    az_arena arena;
    az_arena_init(&arena);
    az_demangled d;
    az_demangle(s, names, &arena, &d);
    if (!d.display)
        abort(); /* totality: there is always something to show */
    az_demangle_cxx(s, &arena);
    az_arena_free(&arena);
    free(s);
    return 0;
}
