/* sim/cli/cmd_capacity.h — the `gmpsim capacity SCENARIO --slo ...` subcommand. */
#ifndef GMPSIM_CMD_CAPACITY_H
#define GMPSIM_CMD_CAPACITY_H

/* argv[0] is "capacity". Returns the exit status: 0 ok, 2 bad usage or
 * input (or the database could not be written; nothing is then left). */
int cmd_capacity_main(int argc, char **argv);

#endif
