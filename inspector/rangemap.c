#include "rangemap.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/arena.h"

void az_rangemap_init(az_rangemap *m)
{
    memset(m, 0, sizeof *m);
}

void az_rangemap_free(az_rangemap *m)
{
    free(m->claims);
    memset(m, 0, sizeof *m);
}

void az_rangemap_add(az_rangemap *m, uint64_t start, uint64_t len, uint32_t label, uint8_t priority)
{
    if (len == 0)
        return;
    uint64_t end = start + len;
    if (end < start)
        end = UINT64_MAX; /* clamp a range that wraps the address space */
    /* Sources often add runs of adjacent ranges for one label (the commands
     * that rebuild one MethodTable, the entries of one table): extend the
     * previous claim instead of adding another. */
    if (m->n > 0) {
        az_claim *last = &m->claims[m->n - 1];
        if (last->label == label && last->priority == priority && last->end == start) {
            last->end = end;
            return;
        }
    }
    az_grow(&m->claims, &m->cap, m->n + 1, sizeof *m->claims);
    m->claims[m->n++] = (az_claim){ start, end, label, priority };
}

/* An event: a claim starts or ends at `at`. */
typedef struct event {
    uint64_t at;
    uint32_t claim;  /* index; top bit set for an end */
} event;

#define END_BIT 0x80000000u

static int cmp_event(const void *a, const void *b)
{
    const event *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return x->claim < y->claim ? -1 : x->claim > y->claim;
}

/* LSD radix sort on `at`, 16 bits per pass; passes whose digit is the same
 * for every event are skipped.  Millions of events sort in tens of ms; below
 * a few thousand, clearing the 64K counters would cost more than qsort. */
static void sort_events(event *ev, size_t n)
{
    if (n < 4096) {
        az_qsort(ev, n, sizeof *ev, cmp_event);
        return;
    }
    event *tmp = az_xmalloc(n * sizeof *tmp);
    size_t *count = az_xmalloc(65536 * sizeof *count);
    for (unsigned shift = 0; shift < 64; shift += 16) {
        memset(count, 0, 65536 * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(ev[i].at >> shift) & 0xffff]++;
        if (count[(ev[0].at >> shift) & 0xffff] == n)
            continue;
        size_t sum = 0;
        for (size_t d = 0; d < 65536; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[count[(ev[i].at >> shift) & 0xffff]++] = ev[i];
        memcpy(ev, tmp, n * sizeof *ev);
    }
    free(count);
    free(tmp);
}

/* Min-heap of claim indices ordered by (priority, length, index). */
typedef struct heap {
    uint32_t *items;
    size_t n, cap;
    const az_claim *claims;
} heap;

static bool before(const heap *h, uint32_t a, uint32_t b)
{
    const az_claim *x = &h->claims[a], *y = &h->claims[b];
    if (x->priority != y->priority)
        return x->priority < y->priority;
    uint64_t lx = x->end - x->start, ly = y->end - y->start;
    if (lx != ly)
        return lx < ly;
    return a < b;
}

static void heap_push(heap *h, uint32_t v)
{
    az_grow(&h->items, &h->cap, h->n + 1, sizeof *h->items);
    size_t i = h->n++;
    h->items[i] = v;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!before(h, h->items[i], h->items[p]))
            break;
        uint32_t t = h->items[i];
        h->items[i] = h->items[p];
        h->items[p] = t;
        i = p;
    }
}

static void heap_pop(heap *h)
{
    h->items[0] = h->items[--h->n];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->n && before(h, h->items[l], h->items[m]))
            m = l;
        if (r < h->n && before(h, h->items[r], h->items[m]))
            m = r;
        if (m == i)
            break;
        uint32_t t = h->items[i];
        h->items[i] = h->items[m];
        h->items[m] = t;
        i = m;
    }
}

void az_rangemap_resolve(az_rangemap *m, az_rangemap_fn out, void *ctx)
{
    size_t n = m->n;
    if (n == 0)
        return;
    event *ev = az_xmalloc(2 * n * sizeof *ev);
    for (size_t i = 0; i < n; i++) {
        ev[2 * i] = (event){ m->claims[i].start, (uint32_t)i };
        ev[2 * i + 1] = (event){ m->claims[i].end, (uint32_t)i | END_BIT };
    }
    sort_events(ev, 2 * n);

    bool *ended = az_xcalloc(n, sizeof *ended);
    heap h = { NULL, 0, 0, m->claims };
    uint32_t run_claim = UINT32_MAX;
    uint64_t run_start = 0, run_end = 0;

    size_t i = 0;
    while (i < 2 * n) {
        uint64_t at = ev[i].at;
        for (; i < 2 * n && ev[i].at == at; i++) {
            uint32_t c = ev[i].claim & ~END_BIT;
            if (ev[i].claim & END_BIT)
                ended[c] = true;
            else
                heap_push(&h, c);
        }
        while (h.n && ended[h.items[0]])
            heap_pop(&h);
        if (i == 2 * n)
            break;
        uint64_t next = ev[i].at;
        if (!h.n)
            continue;
        uint32_t win = h.items[0];
        /* Merge with the previous run when the same claim continues. */
        if (win == run_claim && run_end == at) {
            run_end = next;
            continue;
        }
        if (run_claim != UINT32_MAX)
            out(m->claims[run_claim].label, run_start, run_end - run_start, ctx);
        run_claim = win;
        run_start = at;
        run_end = next;
    }
    if (run_claim != UINT32_MAX)
        out(m->claims[run_claim].label, run_start, run_end - run_start, ctx);
    free(h.items);
    free(ended);
    free(ev);
}
