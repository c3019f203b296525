/* sim/cli/cmd_explain.h — the `gmpsim explain DB` subcommand. */
#ifndef GMPSIM_CMD_EXPLAIN_H
#define GMPSIM_CMD_EXPLAIN_H

/* argv[0] is "explain". Returns the exit status: 0 ok, 2 bad usage or a
 * database that cannot be read or has no breakdown. */
int cmd_explain_main(int argc, char **argv);

#endif
