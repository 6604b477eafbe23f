#include "runtimeparts.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "../formats/dwarf.h"
#include "classify.h"

/* The DWARF reader writes names and warnings into the image it is given; the
 * thread gets a shallow copy with an arena and warning list of its own, so
 * nothing it writes is shared with the main thread until the join. */
struct az_runtimeparts_job {
    az_image shadow;
    az_cu_range *all;
    size_t n;
    pthread_t thread;
    bool threaded;
    bool finished;
};

static void *read_units(void *p)
{
    struct az_runtimeparts_job *job = p;
    job->n = az_dwarf_cu_ranges(&job->shadow, &job->all);
    return NULL;
}

void az_runtimeparts_start(az_analysis *a)
{
    struct az_runtimeparts_job *job = az_xcalloc(1, sizeof *job);
    job->shadow = a->img;
    az_arena_init(&job->shadow.arena);
    job->shadow.warnings = NULL;
    job->shadow.nwarnings = job->shadow.cap_warnings = 0;
    a->parts_job = job;
    if (a->img.ndebug_sections && az_cpu_count() > 1)
        job->threaded = pthread_create(&job->thread, NULL, read_units, job) == 0;
}

void az_runtimeparts_finish(az_analysis *a)
{
    struct az_runtimeparts_job *job = a->parts_job;
    if (!job || job->finished)
        return;
    job->finished = true;
    if (job->threaded)
        pthread_join(job->thread, NULL);
    else
        read_units(job);
    for (size_t i = 0; i < job->shadow.nwarnings; i++)
        az_image_warn(&a->img, "%s", job->shadow.warnings[i]);
    az_cu_range *all = job->all;
    size_t n = job->n;
    /* Keep only the runtime's own compile units; ILC's (il.cpp) covers
     * managed code, which symbols name better. */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *part = az_runtime_part_from_source(all[i].name);
        if (!part)
            continue;
        all[k] = all[i];
        all[k].name = part;
        k++;
    }
    a->cus = all;
    a->ncus = k;
}

void az_runtimeparts_free(az_analysis *a)
{
    struct az_runtimeparts_job *job = a->parts_job;
    if (job) {
        if (job->threaded && !job->finished)
            pthread_join(job->thread, NULL); /* started, never finished */
        free(job->shadow.warnings);
        az_arena_free(&job->shadow.arena); /* holds the unit names */
        free(job);
        a->parts_job = NULL;
    }
    free(a->cus);
    a->cus = NULL;
    a->ncus = 0;
}

const char *az_runtimeparts_at(const az_analysis *a, uint64_t addr)
{
    size_t lo = 0, hi = a->ncus;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a->cus[mid].lo <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0 && addr < a->cus[lo - 1].hi)
        return a->cus[lo - 1].name;
    return NULL;
}
