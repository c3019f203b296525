/* sim/cli/cmd_calibrate.h — the `gmpsim calibrate` subcommand. */
#ifndef GMPSIM_CMD_CALIBRATE_H
#define GMPSIM_CMD_CALIBRATE_H

/* argv[0] is "calibrate". Returns the exit status: 0 a profile was
 * written, 1 a measurement failed (nothing written), 2 bad usage or an
 * output that cannot be written. */
int cmd_calibrate_main(int argc, char **argv);

#endif
