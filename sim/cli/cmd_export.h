/* sim/cli/cmd_export.h — `gmpsim export`: a traced run's timeline as Chrome
 * Trace Event Format JSON (Perfetto UI, chrome://tracing). */
#ifndef GMPSIM_CMD_EXPORT_H
#define GMPSIM_CMD_EXPORT_H

/* argv[0] is "export". Returns the exit status: 0 written, 1 the output
 * could not be written, 2 bad usage or input (bad run, damaged database,
 * a run without a trace); nothing is left half-written. */
int cmd_export_main(int argc, char **argv);

#endif
