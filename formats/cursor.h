/* The one bounds-checked reader for file bytes.
 *
 * A cursor is a window [base, base+size) with a position.  Every read checks
 * the bounds; a read that would cross the end poisons the cursor (`failed`
 * becomes true, the position moves to the end) and returns zero, so later reads
 * cannot continue from a wrong place.  Callers do a group of reads and check
 * `failed` once.  All multi-byte reads decode explicitly (no casts of file
 * bytes to structs), so alignment and host endianness never matter. */
#ifndef AZ_CURSOR_H
#define AZ_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct az_cursor {
    const uint8_t *base;
    uint64_t size;
    uint64_t pos;
    bool failed;
} az_cursor;

az_cursor az_cursor_make(const uint8_t *base, uint64_t size);

/* A sub-window [off, off+len) of c (relative to c's base).  Returns false,
 * leaving *out empty and failed, when the window does not fit. */
bool az_cursor_sub(const az_cursor *c, uint64_t off, uint64_t len, az_cursor *out);

bool az_cursor_seek(az_cursor *c, uint64_t pos);
bool az_cursor_skip(az_cursor *c, uint64_t n);
static inline uint64_t az_cursor_left(const az_cursor *c) { return c->size - c->pos; }

uint8_t  az_u8(az_cursor *c);
uint16_t az_u16le(az_cursor *c);
uint32_t az_u32le(az_cursor *c);
uint64_t az_u64le(az_cursor *c);
uint16_t az_u16be(az_cursor *c);
uint32_t az_u32be(az_cursor *c);
uint64_t az_u64be(az_cursor *c);
int32_t  az_i32le(az_cursor *c);
uint64_t az_uleb128(az_cursor *c);
int64_t  az_sleb128(az_cursor *c);
/* Pointer to n bytes at the position (advanced past them), or NULL. */
const uint8_t *az_bytes(az_cursor *c, uint64_t n);
/* A NUL-terminated string at the position; NULL when no NUL is found before
 * the end of the window.  *len gets its length when non-NULL. */
const char *az_cstr(az_cursor *c, uint64_t *len);

/* Reads at an absolute offset without moving the position. */
uint32_t az_peek_u32le(const az_cursor *c, uint64_t off, bool *ok);
uint64_t az_peek_u64le(const az_cursor *c, uint64_t off, bool *ok);

/* Checked arithmetic: true on overflow. */
static inline bool az_add_overflows(uint64_t a, uint64_t b, uint64_t *out)
{
    return __builtin_add_overflow(a, b, out);
}
static inline bool az_mul_overflows(uint64_t a, uint64_t b, uint64_t *out)
{
    return __builtin_mul_overflow(a, b, out);
}
/* True when [off, off+len) lies inside [0, size). */
static inline bool az_range_fits(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

#endif
