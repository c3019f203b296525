/* sim/cli/cmd_explain.c — `gmpsim explain DB [--run N]... [--ref MODEL]
 * [--csv|--json]`: where each model's time and CPU go and why two models
 * differ (sim/study/explain.c does the work). Must only parse and report. */
#include "cmd_explain.h"
#include "cli.h"
#include "explain.h"
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EX_MAX_RUNS = 256 };

static void explain_usage(FILE *f)
{
	fprintf(f,
		"usage: gmpsim explain DB [--run N]... [--ref MODEL] [--csv|--json]\n"
		"\n"
		"Where each model's time and CPU go, from the breakdown every run stores:\n"
		"  time per request: accept wait, scheduler wait (runnable, not running),\n"
		"    running, overhead (runtime/kernel CPU on its behalf), blocked on the\n"
		"    network, a syscall, a channel, a mutex, a sleep, its children, and GC;\n"
		"    the mean of each and its part of the p99 (p99 x its share in the\n"
		"    requests at or above the p99). The parts add up to the latency.\n"
		"  CPU per completed request (us) by cause: user work, switches, wake-ups,\n"
		"    thread create/exit, syscalls, scheduling (findRunnable, steals,\n"
		"    spinning, queue ops), GC, lock spinning, other. They add up to the\n"
		"    busy CPU.\n"
		"Then, per model, its difference from the reference attributed to the\n"
		"parts and causes, paired by seed and rep (95%% t-interval with reps).\n"
		"\n"
		"  --run N      only run N (run_id; repeatable)\n"
		"  --ref MODEL  the reference (default: gmp if present, else the first\n"
		"               alphabetically)\n"
		"  --csv        one row per model, section and part: value, reference value,\n"
		"               difference and its interval (RFC 4180)\n"
		"  --json       the same rows as a JSON array of objects\n");
}

struct explain_cli {
	const char *db;
	int64_t runs[EX_MAX_RUNS];
	struct ex_opts o;
};

static int add_run(struct explain_cli *c, const char *arg)
{
	char *end;
	errno = 0;
	long long v = strtoll(arg, &end, 10);
	if (errno || *end || end == arg || v <= 0)
		return cli_usage_error("explain", "--run: expected a run id (a positive integer), got '%s'", arg);
	if (c->o.nruns == EX_MAX_RUNS)
		return cli_usage_error("explain", "too many --run options (at most %d)", EX_MAX_RUNS);
	c->runs[c->o.nruns++] = v;
	return 0;
}

static int set_format(struct explain_cli *c, enum qt_format f)
{
	if (c->o.format != QT_ALIGNED && c->o.format != f)
		return cli_usage_error("explain", "--csv and --json exclude each other");
	c->o.format = f;
	return 0;
}

static int explain_parse(struct explain_cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "csv", no_argument, 0, 'c' }, { "json", no_argument, 0, 'j' },
		{ "run", required_argument, 0, 'r' }, { "ref", required_argument, 0, 'f' },
		{ "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
	};
	int opt, rc = 0;
	optind = 1;
	opterr = 1;
	while (rc == 0 && (opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (opt == 'c' || opt == 'j')
			rc = set_format(c, opt == 'c' ? QT_CSV : QT_JSON);
		else if (opt == 'r')
			rc = add_run(c, optarg);
		else if (opt == 'f')
			c->o.ref = optarg;
		else if (opt == 'h') {
			explain_usage(stdout);
			exit(EXIT_OK);
		} else
			return cli_try_help("explain");
	}
	if (rc)
		return rc;
	if (optind < argc)
		c->db = argv[optind++];
	if (optind < argc)
		return cli_usage_error("explain", "unexpected argument '%s'", argv[optind]);
	if (!c->db)
		return cli_usage_error("explain", "missing database file");
	return 0;
}

int cmd_explain_main(int argc, char **argv)
{
	struct explain_cli c = { .o = { .format = QT_ALIGNED } };
	int rc = explain_parse(&c, argc, argv);
	if (rc)
		return rc;
	c.o.runs = c.runs;
	char err[1024];
	if (ex_report(c.db, &c.o, stdout, err, sizeof err) != 0)
		return cli_error("explain", EXIT_USAGE, "%s", err);
	return EXIT_OK;
}
