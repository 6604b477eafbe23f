#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/input.h"
#include "analysis.h"
#include "budget.h"
#include "cli_generics.h"
#include "compare.h"
#include "report.h"

#define AZ_VERSION "0.1.0"

enum { EXIT_USAGE = 2, EXIT_STRICT = 3 };

static const char usage_text[] =
    "usage: aotsize [COMMAND] [OPTIONS] FILE\n"
    "\n"
    "Tells where every byte of a .NET Native AOT executable goes: app code versus\n"
    "framework versus the native runtime, per assembly, namespace, type and method,\n"
    "and the data the compiler emits around them.\n"
    "\n"
    "Commands:\n"
    "  summary    bytes per bucket (app, framework, runtime, compiler, format,\n"
    "             debug, unattributed) and per assembly / runtime part (default)\n"
    "  tree       assembly -> namespace -> type -> member\n"
    "  symbols    every symbol (and fallback label) with its size, largest first\n"
    "  sections   the file's sections and which buckets their bytes belong to\n"
    "  generics   APP [DEFINITION]: generic definitions by size (instantiations,\n"
    "             struct specializations, canonical code, bloat, foldable code);\n"
    "             with --by-arg the value types that cause them; with a DEFINITION\n"
    "             ('System.Collections.Generic.Dictionary`2') each instantiation\n"
    "  mstat      FILE.mstat: ILC's size statistics on their own: assembly ->\n"
    "             namespace -> type -> member, and the instantiation lists\n"
    "  snapshot   save the analysis as a compact JSON snapshot (-o FILE, gzip when\n"
    "             FILE ends in .gz); every command reads snapshots like binaries\n"
    "  diff       OLD NEW: what grew and shrank between two builds (binaries or\n"
    "             snapshots) per bucket, assembly, namespace, type, member and\n"
    "             generic definition\n"
    "  check      APP --budget FILE [--baseline OLD]: size limits for CI; exit\n"
    "             status 1 when one is exceeded (format: 'aotsize help budget')\n"
    "\n"
    "Options:\n"
    "  -f, --format FMT      text (default), json or csv; markdown for diff and check\n"
    "  -n, --limit N         rows to show per level (summary, tree) or in total\n"
    "                        (symbols, sections); 0 = no limit.  Default: 10 for\n"
    "                        summary/tree text, 50 for symbols text, none for JSON/CSV\n"
    "  -d, --depth N         tree depth, 1-4 (default 4); diff: 1 assemblies,\n"
    "                        2 namespaces, 3 types and generics, 4 members\n"
    "  -r, --filter REGEX    only entities whose raw or display name matches\n"
    "                        (POSIX extended regular expression)\n"
    "  -b, --bucket NAME     only entities of one bucket\n"
    "  -s, --sort KEY        file (default) or vm\n"
    "      --debug-file PATH use this separate debug file (.dbg) for symbols\n"
    "      --no-debug-file   do not look for a separate debug file\n"
    "      --debug-root DIR  look under DIR instead of /usr/lib/debug\n"
    "      --pdb PATH        use this PDB for a PE image (default: <name>.pdb beside\n"
    "                        it, or the path in its CodeView record)\n"
    "      --arch ARCH       x64 or arm64: the slice of a universal (fat) Mach-O file\n"
    "                        to read (default: x64 when present, else arm64)\n"
    "      --framework-list FILE  assembly names (one per line) that count as\n"
    "                        framework, replacing the built-in list\n"
    "      --app-assembly NAME    count this assembly as app (repeatable)\n"
    "      --strict          exit with status 3 when any warning was raised\n"
    "      --by-arg          generics: charge instantiations to their value-type\n"
    "                        arguments (each struct specialization split evenly\n"
    "                        between its value-type arguments; ALL charges each fully)\n"
    "      --mstat FILE      generics: ILC's .mstat for exact names, arguments and\n"
    "                        instantiation lists (optional; the binary alone works)\n"
    "      --map FILE        generics: ILC's map.xml (plain or .gz) to check folding\n"
    "                        against its hashes, and to name a binary without symbols\n"
    "      --no-fold         generics: skip disassembling method bodies\n"
    "  -o, --output FILE     snapshot: write it here (default: standard output)\n"
    "      --budget FILE     check: the budget file (JSON)\n"
    "      --baseline FILE   check: snapshot or binary for the growth limits\n"
    "  -h, --help            show this help\n"
    "      --version         show the version\n"
    "\n"
    "Sizes: FILE SIZE is bytes in the file; VM SIZE is bytes of the mapped image\n"
    "(zero-fill sections such as .bss and .hydrated exist only there).  Both\n"
    "columns always add up to the file size and the mapped size.\n"
    "\n"
    "Generics: BLOAT is the code of struct specializations beyond one shared copy\n"
    "per method: for each method, its bodies in instantiations with a value-type\n"
    "argument, minus one body of mean size when no shared (canonical or reference)\n"
    "body of it exists.  FOLDABLE is code identical-body folding would remove: per\n"
    "definition, bodies equal after masking addresses, all but one of each group.\n"
    "'aotsize help generics' has the details.\n"
    "\n"
    "Exit status: 0 success, 1 check: a limit exceeded, 2 unusable input or\n"
    "arguments, 3 --strict and warnings.\n";

enum { OPT_DEBUG_FILE = 256, OPT_NO_DEBUG_FILE, OPT_FRAMEWORK_LIST, OPT_APP_ASSEMBLY, OPT_STRICT, OPT_VERSION,
       OPT_DEBUG_ROOT, OPT_BUDGET, OPT_BASELINE, OPT_ARCH, OPT_PDB };

enum { OPT_BY_ARG = 320, OPT_MAP, OPT_MSTAT, OPT_NO_FOLD };

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "aotsize: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'aotsize --help'.\n");
    va_end(ap);
    return EXIT_USAGE;
}

static bool parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-')
        return false;
    *out = (size_t)v;
    return true;
}

int az_cli_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "format", required_argument, NULL, 'f' },
        { "limit", required_argument, NULL, 'n' },
        { "depth", required_argument, NULL, 'd' },
        { "filter", required_argument, NULL, 'r' },
        { "bucket", required_argument, NULL, 'b' },
        { "sort", required_argument, NULL, 's' },
        { "debug-file", required_argument, NULL, OPT_DEBUG_FILE },
        { "no-debug-file", no_argument, NULL, OPT_NO_DEBUG_FILE },
        { "debug-root", required_argument, NULL, OPT_DEBUG_ROOT },
        { "pdb", required_argument, NULL, OPT_PDB },
        { "arch", required_argument, NULL, OPT_ARCH },
        { "framework-list", required_argument, NULL, OPT_FRAMEWORK_LIST },
        { "app-assembly", required_argument, NULL, OPT_APP_ASSEMBLY },
        { "strict", no_argument, NULL, OPT_STRICT },
        { "output", required_argument, NULL, 'o' },
        { "budget", required_argument, NULL, OPT_BUDGET },
        { "baseline", required_argument, NULL, OPT_BASELINE },
        { "by-arg", no_argument, NULL, OPT_BY_ARG },
        { "map", required_argument, NULL, OPT_MAP },
        { "mstat", required_argument, NULL, OPT_MSTAT },
        { "no-fold", no_argument, NULL, OPT_NO_FOLD },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, OPT_VERSION },
        { NULL, 0, NULL, 0 },
    };

    const char *command = "summary";
    int argi = 1;
    if (argc > 1 && argv[1][0] != '-') {
        static const char *const commands[] = { "summary", "tree", "symbols", "sections", "help",
                                                "snapshot", "diff", "check", "generics", "mstat" };
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (strcmp(argv[1], commands[i]) == 0) {
                command = commands[i];
                argi = 2;
            }
    }
    if (strcmp(command, "help") == 0) {
        if (argc > 2 && strcmp(argv[2], "generics") == 0) {
            az_cli_generics_help(stdout);
            return 0;
        }
        fputs(argc > 2 && strcmp(argv[2], "budget") == 0 ? az_budget_doc : usage_text, stdout);
        return 0;
    }

    az_view_opts view = { AZ_OUT_TEXT, 0, 4, { NULL, -1 }, AZ_SORT_FILE, stdout };
    az_options opts = { 0 };
    const char **apps = NULL;
    size_t napps = 0, cap_apps = 0;
    bool limit_set = false, strict = false;
    az_compare_opts cmp = { NULL, NULL, NULL, false };
    az_generics_args gargs = { NULL, NULL, NULL, false, false };
    const char *regex_text = NULL;
    regex_t regex;

    /* getopt_long permutes, so options may come before or after FILE. */
    optind = argi;
    opterr = 0;
    int c;
    int rc = 0;
    while ((c = getopt_long(argc, argv, ":f:n:d:r:b:s:ho:", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (strcmp(optarg, "text") == 0)
                view.format = AZ_OUT_TEXT;
            else if (strcmp(optarg, "json") == 0)
                view.format = AZ_OUT_JSON;
            else if (strcmp(optarg, "csv") == 0)
                view.format = AZ_OUT_CSV;
            else if (strcmp(optarg, "markdown") == 0)
                view.format = AZ_OUT_MARKDOWN;
            else
                return usage_error("unknown format '%s' (use text, json, csv or markdown)", optarg);
            break;
        case 'n':
            if (!parse_size(optarg, &view.limit))
                return usage_error("--limit needs a number, not '%s'", optarg);
            limit_set = true;
            break;
        case 'd': {
            size_t d;
            if (!parse_size(optarg, &d) || d < 1 || d > 4)
                return usage_error("--depth needs a number from 1 to 4, not '%s'", optarg);
            view.depth = (int)d;
            break;
        }
        case 'r':
            regex_text = optarg;
            break;
        case 'b': {
            az_bucket b;
            if (!az_bucket_parse(optarg, &b))
                return usage_error("unknown bucket '%s' (app, framework, managed, runtime, compiler, format, "
                                   "debug, unattributed)", optarg);
            view.filter.bucket = (int)b;
            break;
        }
        case 's':
            if (strcmp(optarg, "file") == 0)
                view.sort = AZ_SORT_FILE;
            else if (strcmp(optarg, "vm") == 0)
                view.sort = AZ_SORT_VM;
            else
                return usage_error("unknown sort key '%s' (use file or vm)", optarg);
            break;
        case OPT_DEBUG_FILE: opts.debug_file = optarg; break;
        case OPT_NO_DEBUG_FILE: opts.no_debug_file = true; break;
        case OPT_DEBUG_ROOT: opts.debug_root = optarg; break;
        case OPT_PDB: opts.pdb = optarg; break;
        case OPT_ARCH:
            if (strcmp(optarg, "x64") == 0 || strcmp(optarg, "x86_64") == 0)
                opts.arch = AZ_ARCH_X64;
            else if (strcmp(optarg, "arm64") == 0)
                opts.arch = AZ_ARCH_ARM64;
            else {
                free(apps);
                return usage_error("unknown architecture '%s' (use x64 or arm64)", optarg);
            }
            break;
        case OPT_FRAMEWORK_LIST: opts.framework_file = optarg; break;
        case OPT_APP_ASSEMBLY:
            az_grow(&apps, &cap_apps, napps + 1, sizeof *apps);
            apps[napps++] = optarg;
            break;
        case OPT_STRICT: strict = true; break;
        case 'o': cmp.output = optarg; break;
        case OPT_BUDGET: cmp.budget = optarg; break;
        case OPT_BASELINE: cmp.baseline = optarg; break;
        case OPT_BY_ARG: gargs.by_arg = true; break;
        case OPT_MAP: gargs.map = optarg; break;
        case OPT_MSTAT: gargs.mstat = optarg; break;
        case OPT_NO_FOLD: gargs.no_fold = true; break;
        case 'h': fputs(usage_text, stdout); free(apps); return 0;
        case OPT_VERSION: printf("aotsize %s\n", AZ_VERSION); free(apps); return 0;
        case ':':
            free(apps);
            return usage_error("option '%s' needs an argument", argv[optind - 1]);
        default:
            free(apps);
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    /* The command may also follow the options: `aotsize --strict summary APP`. */
    if (argi == 1 && argc - optind >= 2) {
        static const char *const commands[] = { "summary", "tree", "symbols", "sections", "snapshot", "diff",
                                                "check", "generics", "mstat" };
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (strcmp(argv[optind], commands[i]) == 0) {
                command = commands[i];
                optind++;
            }
    }
    if (optind >= argc) {
        free(apps);
        return usage_error("%s", "no input file given");
    }
    if (strcmp(command, "generics") == 0 && argc - optind == 2)
        gargs.definition = argv[--argc]; /* aotsize generics APP DEFINITION */
    int nfiles = strcmp(command, "diff") == 0 ? 2 : 1;
    if (argc - optind < nfiles) {
        free(apps);
        return usage_error("%s", "diff needs two input files: OLD NEW");
    }
    if (optind + nfiles < argc) {
        free(apps);
        return usage_error("unexpected argument '%s' (%s)", argv[optind + nfiles],
                           nfiles == 2 ? "diff takes two input files" : "one input file at a time");
    }
    if (view.format == AZ_OUT_MARKDOWN && strcmp(command, "diff") != 0 && strcmp(command, "check") != 0) {
        free(apps);
        return usage_error("--format markdown is for diff and check, not %s", command);
    }
    const char *path = argv[optind];
    opts.app_assemblies = apps;
    opts.napp_assemblies = napps;

    if (regex_text) {
        int e = regcomp(&regex, regex_text, REG_EXTENDED | REG_NOSUB);
        if (e) {
            char msg[256];
            regerror(e, &regex, msg, sizeof msg);
            fprintf(stderr, "aotsize: bad --filter regular expression '%s': %s\n", regex_text, msg);
            free(apps);
            return EXIT_USAGE;
        }
        view.filter.regex = &regex;
    }
    if (!limit_set && (view.format == AZ_OUT_TEXT || view.format == AZ_OUT_MARKDOWN))
        view.limit = strcmp(command, "symbols") == 0 ? 50 : (strcmp(command, "sections") == 0 ? 0 : 10);

    /* Views can print a million rows: buffer stdout in large blocks. */
    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);

    if (!limit_set && view.format == AZ_OUT_TEXT && strcmp(command, "generics") == 0)
        view.limit = 25;
    if (strcmp(command, "mstat") == 0) {
        rc = az_cli_mstat(path, &view);
        if (regex_text)
            regfree(&regex);
        free(apps);
        return rc;
    }

    if (strcmp(command, "snapshot") == 0 || strcmp(command, "diff") == 0 || strcmp(command, "check") == 0) {
        cmp.strict = strict;
        if (strcmp(command, "snapshot") == 0)
            rc = az_cmd_snapshot(path, &opts, &cmp);
        else if (strcmp(command, "diff") == 0)
            rc = az_cmd_diff(path, argv[optind + 1], &opts, &view, &cmp);
        else
            rc = az_cmd_check(path, &opts, &view, &cmp);
        if (regex_text)
            regfree(&regex);
        free(apps);
        return rc;
    }

    az_error err = { 0 };
    az_input in;
    az_analysis a;
    if (az_input_open(path, &in, &err) != AZ_OK ||
        az_analyze(in.data, in.size, path, &opts, &a, &err) != AZ_OK) {
        fprintf(stderr, "aotsize: %s\n", err.msg);
        az_input_close(&in);
        if (regex_text)
            regfree(&regex);
        free(apps);
        return EXIT_USAGE;
    }

    for (size_t i = 0; i < a.img.nwarnings; i++)
        fprintf(stderr, "aotsize: warning: %s\n", a.img.warnings[i]);

    if (!a.native_aot && (strcmp(command, "summary") == 0 || strcmp(command, "tree") == 0)) {
        fprintf(stderr, "aotsize: %s: not a .NET Native AOT binary (no ILC sections or version); "
                        "use 'aotsize sections' or 'aotsize symbols'\n", path);
        rc = EXIT_USAGE;
    } else {
        if (!a.native_aot && view.format == AZ_OUT_TEXT)
            ; /* the view's header carries the notice */
        else if (!a.native_aot)
            fprintf(stderr, "aotsize: note: %s is not a .NET Native AOT binary; showing sections and symbols only\n", path);
        if (strcmp(command, "summary") == 0)
            az_view_summary(&a, &view);
        else if (strcmp(command, "tree") == 0)
            az_view_tree(&a, &view);
        else if (strcmp(command, "symbols") == 0)
            az_view_symbols(&a, &view);
        else if (strcmp(command, "generics") == 0)
            rc = az_cli_generics(&a, &gargs, &view);
        else
            az_view_sections(&a, &view);
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "aotsize: error writing output: %s\n", strerror(errno));
            rc = EXIT_USAGE;
        }
        if (rc == 0 && strict && a.img.nwarnings) {
            fprintf(stderr, "aotsize: %s: %zu warning%s with --strict\n", path, a.img.nwarnings,
                    a.img.nwarnings == 1 ? "" : "s");
            rc = EXIT_STRICT;
        }
    }
    az_analysis_free(&a);
    az_input_close(&in);
    if (regex_text)
        regfree(&regex);
    free(apps);
    return rc;
}
