/* sim/cli/cmd_compare.c — `gmpsim compare DB`: the paired comparison with 95%
 * confidence intervals of a results database (sim/study/compare.c does the
 * work). Must not contain statistics or SQL: it parses and reports. */
#include "cmd_compare.h"
#include "cli.h"
#include "compare.h"
#include <stdio.h>
#include <string.h>

static void compare_usage(FILE *f)
{
	fprintf(f,
		"usage: gmpsim compare DB\n"
		"\n"
		"Compares the models of every sweep point in the results database DB,\n"
		"repetition by repetition (runs with the same seed and rep saw the same\n"
		"random inputs): ratios MODEL \u00f7 reference (geometric mean, 95%% CI on\n"
		"log ratios; above 1, MODEL has more) and differences MODEL - reference\n"
		"(95%% t-interval) of throughput, latency p50/p99/mean, CPU, committed\n"
		"stack and peak threads, and one quotable line per pair.\n"
		"The reference model is gmp when present, else the first alphabetically.\n"
		"\n"
		"OVERLOADED: MODEL completed fewer than max(98%%, 1 - 4/sqrt(arrivals)) of\n"
		"the requests that arrived in the window in some rep (gmpsim capacity's\n"
		"rule): its latency is understated ('>') or none. UNSTABLE: MODEL's\n"
		"throughput over the reps spans more than 1.5x (max / min): the reps fell\n"
		"into different regimes and the intervals are not meaningful.\n");
}

int cmd_compare_main(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		compare_usage(stdout);
		return 0;
	}
	if (argc > 2)
		return cli_usage_error("compare", "expected one database, got %d arguments", argc - 1);
	if (argc < 2)
		return cli_usage_error("compare", "missing database file");
	if (argv[1][0] == '-')
		return cli_usage_error("compare", "unknown option '%s'", argv[1]);
	char err[1024];
	if (cmp_report(argv[1], stdout, err, sizeof err) != 0)
		return cli_error("compare", EXIT_USAGE, "%s", err);
	return EXIT_OK;
}
