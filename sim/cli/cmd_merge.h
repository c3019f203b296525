/* sim/cli/cmd_merge.h — `gmpsim merge OUT.db IN.db...`: combines the
 * databases of one sweep's parts (e.g. one per cluster job) into one. */
#ifndef GMPSIM_CMD_MERGE_H
#define GMPSIM_CMD_MERGE_H

/* argv[0] = "merge". Exit status: 0 ok, 2 bad usage or input (nothing
 * written). */
int cmd_merge_main(int argc, char **argv);

#endif
