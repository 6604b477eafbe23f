#include "cursor.h"

#include <string.h>

az_cursor az_cursor_make(const uint8_t *base, uint64_t size)
{
    az_cursor c = { base, base ? size : 0, 0, false };
    return c;
}

bool az_cursor_sub(const az_cursor *c, uint64_t off, uint64_t len, az_cursor *out)
{
    if (!az_range_fits(off, len, c->size)) {
        *out = az_cursor_make(NULL, 0);
        out->failed = true;
        return false;
    }
    *out = az_cursor_make(c->base + off, len);
    return true;
}

static void poison(az_cursor *c)
{
    c->failed = true;
    c->pos = c->size;
}

bool az_cursor_seek(az_cursor *c, uint64_t pos)
{
    if (pos > c->size) {
        poison(c);
        return false;
    }
    c->pos = pos;
    return true;
}

bool az_cursor_skip(az_cursor *c, uint64_t n)
{
    if (n > az_cursor_left(c)) {
        poison(c);
        return false;
    }
    c->pos += n;
    return true;
}

/* Returns a pointer to n readable bytes and advances, or NULL and poisons. */
static const uint8_t *take(az_cursor *c, uint64_t n)
{
    if (n > az_cursor_left(c)) {
        poison(c);
        return NULL;
    }
    const uint8_t *p = c->base + c->pos;
    c->pos += n;
    return p;
}

uint8_t az_u8(az_cursor *c)
{
    const uint8_t *p = take(c, 1);
    return p ? p[0] : 0;
}

uint16_t az_u16le(az_cursor *c)
{
    const uint8_t *p = take(c, 2);
    return p ? (uint16_t)(p[0] | p[1] << 8) : 0;
}

uint32_t az_u32le(az_cursor *c)
{
    const uint8_t *p = take(c, 4);
    if (!p)
        return 0;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t az_u64le(az_cursor *c)
{
    uint64_t lo = az_u32le(c);
    uint64_t hi = az_u32le(c);
    return c->failed ? 0 : lo | hi << 32;
}

uint16_t az_u16be(az_cursor *c)
{
    const uint8_t *p = take(c, 2);
    return p ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

uint32_t az_u32be(az_cursor *c)
{
    const uint8_t *p = take(c, 4);
    if (!p)
        return 0;
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

uint64_t az_u64be(az_cursor *c)
{
    uint64_t hi = az_u32be(c);
    uint64_t lo = az_u32be(c);
    return c->failed ? 0 : hi << 32 | lo;
}

int32_t az_i32le(az_cursor *c)
{
    return (int32_t)az_u32le(c);
}

uint64_t az_uleb128(az_cursor *c)
{
    uint64_t value = 0;
    for (unsigned shift = 0;; shift += 7) {
        if (c->pos >= c->size || shift > 63) {
            poison(c);
            return 0;
        }
        uint8_t b = c->base[c->pos++];
        value |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return value;
    }
}

int64_t az_sleb128(az_cursor *c)
{
    uint64_t value = 0;
    unsigned shift = 0;
    uint8_t b;
    do {
        if (c->pos >= c->size || shift > 63) {
            poison(c);
            return 0;
        }
        b = c->base[c->pos++];
        value |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
    } while (b & 0x80);
    if (shift < 64 && (b & 0x40))
        value |= ~(uint64_t)0 << shift;
    return (int64_t)value;
}

const uint8_t *az_bytes(az_cursor *c, uint64_t n)
{
    return take(c, n);
}

const char *az_cstr(az_cursor *c, uint64_t *len)
{
    if (c->pos >= c->size) {
        poison(c);
        return NULL;
    }
    const uint8_t *start = c->base + c->pos;
    const uint8_t *nul = memchr(start, 0, (size_t)(c->size - c->pos));
    if (!nul) {
        poison(c);
        return NULL;
    }
    uint64_t n = (uint64_t)(nul - start);
    c->pos += n + 1;
    if (len)
        *len = n;
    return (const char *)start;
}

uint32_t az_peek_u32le(const az_cursor *c, uint64_t off, bool *ok)
{
    az_cursor t = *c;
    t.failed = false;
    if (!az_cursor_seek(&t, off)) {
        *ok = false;
        return 0;
    }
    uint32_t v = az_u32le(&t);
    *ok = !t.failed;
    return v;
}

uint64_t az_peek_u64le(const az_cursor *c, uint64_t off, bool *ok)
{
    az_cursor t = *c;
    t.failed = false;
    if (!az_cursor_seek(&t, off)) {
        *ok = false;
        return 0;
    }
    uint64_t v = az_u64le(&t);
    *ok = !t.failed;
    return v;
}
