/* ampel correlate (placeholder while being written) */
#include "cli.h"
int cmd_correlate(int argc, char **argv, cli_common *c) { (void)argc; (void)argv; (void)c; return EXIT_USAGE; }
