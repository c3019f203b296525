/* sim/cli/cmd_compare.c — `gmpsim compare DB`: the paired comparison with 95%
 * confidence intervals of a results database (sim/study/compare.c does the
 * work). Must not contain statistics or SQL: it parses and reports. */
#include "cmd_compare.h"
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
		"random inputs): ratios (geometric mean, 95%% CI on log ratios) and\n"
		"differences (95%% t-interval) of throughput, latency p50/p99/mean, CPU,\n"
		"committed stack and peak threads, and one quotable line per pair.\n"
		"The reference model is gmp when present, else the first alphabetically.\n");
}

int cmd_compare_main(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		compare_usage(stdout);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		if (argc > 2)
			fprintf(stderr, "gmpsim compare: expected one database, got %d arguments\n", argc - 1);
		else if (argc == 2)
			fprintf(stderr, "gmpsim compare: unknown option '%s'\n", argv[1]);
		else
			fprintf(stderr, "gmpsim compare: missing database file\n");
		fprintf(stderr, "Try 'gmpsim compare --help'.\n");
		return 2;
	}
	char err[1024];
	if (cmp_report(argv[1], stdout, err, sizeof err) != 0) {
		fprintf(stderr, "gmpsim compare: %s\n", err);
		return 2;
	}
	return 0;
}
