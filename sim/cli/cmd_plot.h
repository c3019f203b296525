/* sim/cli/cmd_plot.h — `gmpsim plot DB metric|cdf|series [options] -o OUT`:
 * charts of a results database drawn by gnuplot (SVG and/or PNG). */
#ifndef GMPSIM_CMD_PLOT_H
#define GMPSIM_CMD_PLOT_H

/* argv[0] is "plot". Returns the exit status: 0 ok, 1 gnuplot missing or
 * failed, 2 bad usage (an unwritable -o too) or an unreadable database. OUT is written only
 * complete (a temporary file renamed over it). */
int cmd_plot_main(int argc, char **argv);

#endif
