/* sim/cli/cmd_compare.h — the `gmpsim compare DB` subcommand. */
#ifndef GMPSIM_CMD_COMPARE_H
#define GMPSIM_CMD_COMPARE_H

/* argv[0] is "compare". Returns the exit status: 0 ok, 2 bad usage or a
 * database that cannot be read. */
int cmd_compare_main(int argc, char **argv);

#endif
