/* sim/cli/cmd_compare.c — `gmpsim compare DB [--metric M] [--ref MODEL] [--csv|--json]`: the paired comparison with 95%
 * confidence intervals of a results database (sim/study/compare.c does the
 * work). Must not contain statistics or SQL: it parses and reports. */
#include "cmd_compare.h"
#include "cli.h"
#include "compare.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void compare_usage(FILE *f)
{
	char names[512];
	fprintf(f,
		"usage: gmpsim compare DB [--metric M] [--ref MODEL] [--csv | --json]\n"
		"\n"
		"Compares the models of every sweep point in the results database DB,\n"
		"repetition by repetition (runs with the same seed and rep saw the same\n"
		"random inputs): ratios MODEL \u00f7 reference (geometric mean, 95%% CI on\n"
		"log ratios; above 1, MODEL has more) and differences MODEL - reference\n"
		"(95%% t-interval) of throughput, latency p50/p99/mean, CPU, committed\n"
		"stack and peak threads, and one quotable line per pair. In a batch\n"
		"scenario (every task arrives at once) the time to finish (latency_max)\n"
		"leads and the quote is about it.\n"
		"\n"
		"  -m, --metric M    only metric M's rows (one of: %s)\n"
		"  -R, --ref MODEL   compare against MODEL (default: gmp if present, else the\n"
		"                    first alphabetically)\n"
		"      --csv         one row per point x metric x model (RFC 4180, CRLF): means,\n"
		"                    ratio and difference with 95%% bounds, overloaded reps, unstable\n"
		"      --json        the same rows as a JSON array of objects (null: no value)\n"
		"  -h, --help        this help\n"
		"\n"
		"OVERLOADED: MODEL completed fewer than max(98%%, 1 - 4/sqrt(arrivals)) of\n"
		"the requests that arrived in the window in some rep (gmpsim capacity's\n"
		"rule): its latency is understated ('>') or none. UNSTABLE: MODEL's\n"
		"repetitions disagree on throughput (time to finish in a batch), with the\n"
		"reason: they split into two regimes (max / min > 1.5, shown as the two\n"
		"groups), or one is an outlier (hyperfine's rule: modified Z-score > 14.8\n"
		"and more than 10%% off the median); the intervals are then not meaningful.\n"
		"exit status: 0 ok, 2 bad usage or a database that cannot be compared\n",
		cmp_metric_names(names, sizeof names));
}

enum { OPT_CSV = 1000, OPT_JSON };

static int compare_args(struct cmp_opts *o, const char **db, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "metric", required_argument, 0, 'm' }, { "ref", required_argument, 0, 'R' },
		{ "csv", no_argument, 0, OPT_CSV },     { "json", no_argument, 0, OPT_JSON },
		{ "help", no_argument, 0, 'h' },        { 0, 0, 0, 0 },
	};
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "m:R:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'm': o->metric = optarg; break;
		case 'R': o->ref = optarg; break;
		case OPT_CSV:
		case OPT_JSON:
			if (o->format != CMP_TEXT)
				return cli_usage_error("compare", "--csv and --json exclude each other");
			o->format = opt == OPT_CSV ? CMP_CSV : CMP_JSON;
			break;
		case 'h': compare_usage(stdout); exit(0);
		default: return cli_try_help("compare");
		}
	}
	if (argc - optind > 1)
		return cli_usage_error("compare", "expected one database, got %d arguments", argc - optind);
	if (argc == optind)
		return cli_usage_error("compare", "missing database file");
	*db = argv[optind];
	char err[1024];
	if (cmp_check_metric(o->metric, err, sizeof err))
		return cli_usage_error("compare", "%s", err);
	return 0;
}

int cmd_compare_main(int argc, char **argv)
{
	struct cmp_opts o = { 0 };
	const char *db = NULL;
	int rc = compare_args(&o, &db, argc, argv);
	if (rc)
		return rc;
	char err[1024];
	if (cmp_report_opts(db, &o, stdout, err, sizeof err) != 0)
		return cli_error("compare", EXIT_USAGE, "%s", err);
	return EXIT_OK;
}
