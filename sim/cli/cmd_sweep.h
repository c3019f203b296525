/* sim/cli/cmd_sweep.h — `gmpsim sweep`: parameter sweeps with repetitions,
 * run numbers, run filters, parallel workers, resume; and the plain
 * `gmpsim SCENARIO.yaml --reps N`, a sweep of one point. */
#ifndef GMPSIM_CMD_SWEEP_H
#define GMPSIM_CMD_SWEEP_H
#include <stdbool.h>

/* argv[0] = "sweep". Exit status: 0 ok, 1 a run failed, 2 bad usage or
 * input (nothing written), 130 interrupted (finished runs kept). */
int cmd_sweep_main(int argc, char **argv);

/* True when a plain command line (argv[0] = the program) asks for
 * repetitions (--reps): main hands it to cmd_sweep_plain. */
bool cmd_sweep_wants_plain(int argc, char **argv);
/* The plain command with --reps: every model of the scenario (or the
 * --model ones) N times, the scenario's sweep: section ignored; the same
 * options as sweep, without axes. */
int cmd_sweep_plain(int argc, char **argv);

#endif
