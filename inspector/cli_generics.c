#include "cli_generics.h"

#include <stdio.h>
#include <string.h>

#include "../formats/ilcmap.h"
#include "../formats/input.h"
#include "../formats/mstat.h"
#include "generics.h"
#include "report_generics.h"
#include "report_mstat.h"

enum { EXIT_USAGE = 2 };

int az_cli_generics(const az_analysis *a, const az_generics_args *ga, const az_view_opts *view)
{
    az_error err = { 0 };
    az_input mstat_in = { 0 };
    az_mstat mstat;
    az_ilcmap map;
    bool have_mstat = false, have_map = false;
    int rc = 0;
    if (ga->mstat) {
        if (az_input_open(ga->mstat, &mstat_in, &err) != AZ_OK ||
            az_mstat_read(mstat_in.data, mstat_in.size, ga->mstat, &mstat, &err) != AZ_OK) {
            fprintf(stderr, "aotsize: %s\n", err.msg);
            az_input_close(&mstat_in);
            return EXIT_USAGE;
        }
        have_mstat = true;
        for (size_t i = 0; i < mstat.nwarnings; i++)
            fprintf(stderr, "aotsize: warning: %s: %s\n", ga->mstat, mstat.warnings[i]);
    }
    if (ga->map) {
        if (az_ilcmap_read(ga->map, &map, &err) != AZ_OK) {
            fprintf(stderr, "aotsize: %s\n", err.msg);
            rc = EXIT_USAGE;
            goto done;
        }
        have_map = true;
    }

    az_generics_opts opts = { have_mstat ? &mstat : NULL, have_map ? &map : NULL, ga->mstat, ga->map, ga->no_fold };
    az_generics g;
    az_generics_build(a, &opts, &g);
    if (ga->definition) {
        size_t d = az_generics_find(&g, ga->definition);
        if (d == SIZE_MAX) {
            fprintf(stderr, "aotsize: no generic definition '%s' in %s (names look like "
                            "'System.Collections.Generic.Dictionary`2'; 'aotsize generics' lists them)\n",
                    ga->definition, a->img.path);
            rc = EXIT_USAGE;
        } else {
            az_view_generics_def(a, &g, d, view);
        }
    } else if (ga->by_arg) {
        az_view_generics_args(a, &g, view);
    } else {
        az_view_generics(a, &g, view);
    }
    az_generics_free(&g);
done:
    if (have_map)
        az_ilcmap_free(&map);
    if (have_mstat)
        az_mstat_free(&mstat);
    az_input_close(&mstat_in);
    return rc;
}

int az_cli_mstat(const char *path, const az_view_opts *view)
{
    az_error err = { 0 };
    az_input in;
    az_mstat m;
    if (az_input_open(path, &in, &err) != AZ_OK || az_mstat_read(in.data, in.size, path, &m, &err) != AZ_OK) {
        fprintf(stderr, "aotsize: %s\n", err.msg);
        az_input_close(&in);
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < m.nwarnings; i++)
        fprintf(stderr, "aotsize: warning: %s: %s\n", path, m.warnings[i]);
    az_view_mstat(&m, path, view);
    az_mstat_free(&m);
    az_input_close(&in);
    return 0;
}
