/* sim/cli/main.c — the gmpsim entry point: hands the command line to the
 * subcommand its first word names, to the plain sweep for
 * `gmpsim SCENARIO.yaml --reps N`, else to the default run command
 * (cmd_run.c). Must only dispatch. */
#include "bigarr.h"
#include "cmd_calibrate.h"
#include "cmd_capacity.h"
#include "cmd_compare.h"
#include "cmd_explain.h"
#include "cmd_export.h"
#include "cmd_merge.h"
#include "cmd_plot.h"
#include "cmd_query.h"
#include "cmd_run.h"
#include "cmd_sweep.h"
#include <signal.h>
#include <string.h>

/* Subcommands other than running one scenario: each lives in its own
 * sim/cli/cmd_*.c and takes argv from its own name on (argv[0] = "sweep" ...). */
static const struct subcommand {
	const char *name;
	int (*main)(int argc, char **argv);
} subcommands[] = {
	{ "compare", cmd_compare_main },
	{ "capacity", cmd_capacity_main },
	{ "calibrate", cmd_calibrate_main },
	{ "sweep", cmd_sweep_main },
	{ "merge", cmd_merge_main },
	{ "query", cmd_query_main },
	{ "plot", cmd_plot_main },
	{ "export", cmd_export_main },
	{ "explain", cmd_explain_main },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	/* A file-size limit (ulimit -f) must not kill us silently with a temporary
	 * file left: ignored, the write fails with EFBIG and the usual error path
	 * reports it and removes the file. */
	signal(SIGXFSZ, SIG_IGN);
	big_heap_prefer_huge((size_t)64 << 20);
	for (int i = 0; argc > 1 && subcommands[i].name; i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].main(argc - 1, argv + 1);
	if (cmd_sweep_wants_plain(argc, argv))
		return cmd_sweep_plain(argc, argv);
	return cmd_run_main(argc, argv);
}
