/* The `generics` and `mstat` commands (cli.c parses the arguments). */
#ifndef AZ_CLI_GENERICS_H
#define AZ_CLI_GENERICS_H

#include <stdbool.h>
#include <stdio.h>

#include "analysis.h"
#include "report.h"

typedef struct az_generics_args {
    const char *definition; /* show this definition in detail, or NULL */
    const char *map;        /* --map FILE */
    const char *mstat;      /* --mstat FILE */
    bool by_arg;            /* --by-arg */
    bool no_fold;           /* --no-fold */
} az_generics_args;

/* Runs the generics view over an analysed binary; returns the exit code. */
int az_cli_generics(const az_analysis *a, const az_generics_args *g, const az_view_opts *view);
/* `aotsize help generics`: the views, columns, bloat formula, exactness. */
void az_cli_generics_help(FILE *out);
/* `aotsize mstat FILE`; returns the exit code. */
int az_cli_mstat(const char *path, const az_view_opts *view);

#endif
