/* Command-line interface: parses arguments, runs the analysis, prints a view.
 * Returns the process exit code (0 ok, 2 unusable input or arguments,
 * 3 warnings under --strict). */
#ifndef AZ_CLI_H
#define AZ_CLI_H

int az_cli_main(int argc, char **argv);

#endif
