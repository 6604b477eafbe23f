#include "compare.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../formats/input.h"
#include "budget.h"
#include "diff.h"
#include "snapshot.h"

enum { EXIT_BUDGET = 1, EXIT_USAGE = 2, EXIT_STRICT = 3 };

/* One input: its bytes and the analysis of them. */
typedef struct loaded {
    const char *path;
    const az_options *opts;
    az_input in;
    az_analysis a;
    az_error err;
    az_status st;
} loaded;

static void *load(void *arg)
{
    loaded *l = arg;
    l->st = az_input_open(l->path, &l->in, &l->err);
    if (l->st == AZ_OK)
        l->st = az_analyze(l->in.data, l->in.size, l->path, l->opts, &l->a, &l->err);
    if (l->st != AZ_OK)
        az_input_close(&l->in);
    return NULL;
}

static void unload(loaded *l)
{
    if (l->st == AZ_OK) {
        az_analysis_free(&l->a);
        az_input_close(&l->in);
    }
}

/* Loads n inputs, the first ones on threads of their own: two binaries
 * take the time of one on two cores.  Prints the first error (and returns
 * false) or every input's warnings, prefixed with `roles` when given. */
static bool load_all(loaded *ls, size_t n, const char *const *roles)
{
    pthread_t threads[2];
    bool started[2] = { false, false };
    for (size_t i = 0; i + 1 < n && i < 2; i++)
        started[i] = pthread_create(&threads[i], NULL, load, &ls[i]) == 0;
    for (size_t i = 0; i < n; i++)
        if (i + 1 == n || i >= 2 || !started[i])
            load(&ls[i]);
    for (size_t i = 0; i < 2; i++)
        if (started[i])
            pthread_join(threads[i], NULL);
    bool ok = true;
    for (size_t i = 0; i < n; i++)
        if (ls[i].st != AZ_OK && ok) {
            fprintf(stderr, "aotsize: %s\n", ls[i].err.msg);
            ok = false;
        }
    if (!ok) {
        for (size_t i = 0; i < n; i++)
            unload(&ls[i]);
        return false;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t w = 0; w < ls[i].a.img.nwarnings; w++)
            fprintf(stderr, "aotsize: warning: %s%s%s\n", roles ? roles[i] : "", roles ? ": " : "",
                    ls[i].a.img.warnings[w]);
    return true;
}

static size_t nwarnings(const loaded *ls, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        w += ls[i].a.img.nwarnings;
    return w;
}

static int finish_output(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "aotsize: error writing output: %s\n", strerror(errno));
        return EXIT_USAGE;
    }
    return rc;
}

int az_cmd_snapshot(const char *path, const az_options *opts, const az_compare_opts *c)
{
    loaded l = { .path = path, .opts = opts };
    if (!load_all(&l, 1, NULL))
        return EXIT_USAGE;
    int rc = 0;
    az_error err = { 0 };
    if (!c->output || strcmp(c->output, "-") == 0) {
        if (az_snapshot_write_file(&l.a, stdout) != AZ_OK)
            rc = EXIT_USAGE;
        rc = finish_output(rc);
    } else if (az_snapshot_write(&l.a, c->output, &err) != AZ_OK) {
        fprintf(stderr, "aotsize: %s\n", err.msg);
        rc = EXIT_USAGE;
    }
    if (rc == 0 && c->strict && l.a.img.nwarnings)
        rc = EXIT_STRICT;
    unload(&l);
    return rc;
}

int az_cmd_diff(const char *old_path, const char *new_path, const az_options *opts, const az_view_opts *view,
                const az_compare_opts *c)
{
    loaded ls[2] = { { .path = old_path, .opts = opts }, { .path = new_path, .opts = opts } };
    static const char *const roles[2] = { "old", "new" };
    if (!load_all(ls, 2, roles))
        return EXIT_USAGE;
    az_diff d;
    az_diff_opts dopts = { &view->filter, view->sort, false };
    az_diff_build(&d, &ls[0].a, &ls[1].a, &dopts);
    az_view_diff(&d, view);
    az_diff_free(&d);
    int rc = finish_output(0);
    if (rc == 0 && c->strict && nwarnings(ls, 2))
        rc = EXIT_STRICT;
    unload(&ls[0]);
    unload(&ls[1]);
    return rc;
}

int az_cmd_check(const char *path, const az_options *opts, const az_view_opts *view, const az_compare_opts *c)
{
    if (!c->budget) {
        fprintf(stderr, "aotsize: check needs --budget FILE (see 'aotsize help budget')\n");
        return EXIT_USAGE;
    }
    az_budget budget;
    az_error err = { 0 };
    if (az_budget_load(c->budget, &budget, &err) != AZ_OK) {
        fprintf(stderr, "aotsize: %s\n", err.msg);
        return EXIT_USAGE;
    }
    /* The baseline first, so both analyses run at once when there is one. */
    loaded ls[2] = { { .path = c->baseline, .opts = opts }, { .path = path, .opts = opts } };
    static const char *const roles[2] = { "baseline", "app" };
    loaded *first = c->baseline ? &ls[0] : &ls[1];
    size_t n = c->baseline ? 2 : 1;
    if (!load_all(first, n, c->baseline ? roles : NULL)) {
        az_budget_free(&budget);
        return EXIT_USAGE;
    }
    const az_analysis *base = c->baseline ? &ls[0].a : NULL;
    az_diff d;
    az_diff_opts dopts = { NULL, AZ_SORT_FILE, true };
    az_diff_build(&d, base, &ls[1].a, &dopts);
    az_check check;
    az_budget_check(&budget, &d, &ls[1].a, base, &check);
    az_view_check(&check, view);
    int rc = finish_output(check.nover ? EXIT_BUDGET : 0);
    if (rc == 0 && c->strict && nwarnings(first, n))
        rc = EXIT_STRICT;
    az_check_free(&check);
    az_diff_free(&d);
    for (size_t i = 0; i < n; i++)
        unload(&first[i]);
    az_budget_free(&budget);
    return rc;
}
