#include "cli.h"

int main(int argc, char **argv)
{
    return az_cli_main(argc, argv);
}
