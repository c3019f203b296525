/* sim/cli/cmd_run.h — the default command: `gmpsim SCENARIO.yaml` runs a
 * scenario's models and writes the results database; `gmpsim validate
 * SCENARIO.yaml [--print]` checks it; `gmpsim --help | --version`. */
#ifndef GMPSIM_CMD_RUN_H
#define GMPSIM_CMD_RUN_H

/* argv[0] is the program (there is no subcommand word; "validate" is
 * found among the arguments). Returns the exit status (cli.h): 0 ok, 1 a
 * simulation failed, 2 bad usage or input (nothing written). */
int cmd_run_main(int argc, char **argv);

#endif
