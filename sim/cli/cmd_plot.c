/* sim/cli/cmd_plot.c — `gmpsim plot`: the command line, its checks of the
 * --run and --where selection, and the hand-over to gnuplot. The kinds
 * (metric, cdf, tail, series) and what they share are in sim/study/plot*.c.
 *
 * Must not change the database (read-only connection, see qdb.h) and must
 * not leave a half-written chart (gnuplot.c renders to a temporary file).
 */
#include "cmd_plot.h"
#include "cli.h"
#include "gnuplot.h"
#include "plot.h"
#include "qdb.h"
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void plot_usage(FILE *f)
{
	fprintf(f,
		"usage: gmpsim plot DB metric [--metric NAME] [--x KEY] [--where KEY=VALUE]... -o OUT.svg\n"
		"       gmpsim plot DB cdf|tail [--hist NAME] [--where KEY=VALUE]... [--run N]... -o OUT.svg\n"
		"       gmpsim plot DB series --series NAME [--where KEY=VALUE]... [--run N]... -o OUT.svg\n"
		"\n"
		"Draws a chart of a results database with gnuplot, one line per model.\n"
		"  metric  a metric (default throughput) against a swept parameter (--x, default\n"
		"          the first swept key), mean and 95%% confidence interval over repetitions\n"
		"          (Student t); other swept keys give separate lines unless fixed by --where\n"
		"  cdf     the latency distribution (--hist latency, or sched_latency) as a CDF,\n"
		"          (log-scaled latency axis when it spans more than a decade); repetitions\n"
		"          pooled; buckets at most 0.1%% wide\n"
		"  tail    the same distribution's tail: the fraction of observations above each\n"
		"          latency on a log axis, p90/p99/p99.9 marked: p99s 1%% apart separate\n"
		"  series  a time series (--series threads, busy_cores, ...), one line per run\n"
		"\n"
		"  -o, --output OUT     OUT.svg or OUT.png (written only when complete)\n"
		"      --png            with OUT.svg, also write the same chart as OUT.png\n"
		"      --where KEY=VAL  only runs whose parameter KEY is VAL, as the params table\n"
		"                       stores it (durations in ns, sizes in bytes; repeatable)\n"
		"      --run N          only run N (repeatable)\n"
		"      --title TEXT     replace the chart's title\n"
		"\nexit status: 0 ok, 1 gnuplot missing or failed, 2 bad usage or an unreadable database\n");
}

/* ---- command line ------------------------------------------------------------------------ */

static int plot_add_where(struct plot_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg)
		return cli_error("plot", EXIT_USAGE, "--where: expected KEY=VALUE, got '%s'", arg);
	if (o->nwhere == PLOT_MAX_WHERE)
		return cli_error("plot", EXIT_USAGE, "too many --where options");
	char *key = strndup(arg, (size_t)(eq - arg));
	if (!key)
		return cli_error("plot", EXIT_USAGE, "out of memory");
	o->where_owned[o->nwhere] = key;
	o->where_key[o->nwhere] = key;
	o->where_value[o->nwhere++] = eq + 1;
	return 0;
}

static int plot_add_run(struct plot_opts *o, const char *arg)
{
	char *end;
	errno = 0;
	long long v = strtoll(arg, &end, 10);
	if (errno || *end || end == arg || v <= 0)
		return cli_error("plot", EXIT_USAGE, "--run: expected a run id (a positive integer), got '%s'", arg);
	if (o->nruns == PLOT_MAX_RUNS)
		return cli_error("plot", EXIT_USAGE, "too many --run options");
	o->runs[o->nruns++] = v;
	return 0;
}

static int plot_option(struct plot_opts *o, int opt, const char *arg)
{
	switch (opt) {
	case 'o': o->out = arg; return 0;
	case 'm': o->metric = arg; return 0;
	case 'x': o->x = arg; return 0;
	case 's': o->series = arg; return 0;
	case 'H': o->hist = arg; return 0;
	case 't': o->title = arg; return 0;
	case 'p': o->png_too = true; return 0;
	case 'w': return plot_add_where(o, arg);
	case 'r': return plot_add_run(o, arg);
	case 'h': plot_usage(stdout); exit(0);
	default: return cli_try_help("plot");
	}
}

static int plot_parse(struct plot_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, 0, 'o' }, { "metric", required_argument, 0, 'm' },
		{ "x", required_argument, 0, 'x' },      { "series", required_argument, 0, 's' },
		{ "hist", required_argument, 0, 'H' },   { "title", required_argument, 0, 't' },
		{ "where", required_argument, 0, 'w' },  { "run", required_argument, 0, 'r' },
		{ "png", no_argument, 0, 'p' },          { "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	int opt, rc;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1)
		if ((rc = plot_option(o, opt, optarg)) != 0)
			return rc;
	if (argc - optind != 2)
		return cli_usage_error("plot", "expected DB and KIND (metric, cdf, tail or series)");
	o->db = argv[optind];
	o->kind = argv[optind + 1];
	if (strcmp(o->kind, "metric") && strcmp(o->kind, "cdf") && strcmp(o->kind, "tail") && strcmp(o->kind, "series"))
		return cli_error("plot", EXIT_USAGE, "unknown kind '%s' (expected metric, cdf, tail or series)", o->kind);
	if (!o->out)
		return cli_error("plot", EXIT_USAGE, "missing -o OUT.svg (or OUT.png)");
	return 0;
}

static int plot_has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n > m && strcasecmp(s + n - m, suffix) == 0;
}

/* Checks that every --where key exists and some run has the value. */
static int plot_check_where(sqlite3 *h, const struct plot_opts *o)
{
	for (int i = 0; i < o->nwhere; i++) {
		char *sql = sqlite3_mprintf("SELECT DISTINCT value AS v FROM params WHERE key = %Q ORDER BY 1",
					    o->where_key[i]);
		char *hit = sqlite3_mprintf("SELECT 1 FROM params WHERE key = %Q AND value = %Q LIMIT 1",
					    o->where_key[i], o->where_value[i]);
		char *values = sql ? plot_list(h, sql) : NULL;
		char *found = hit ? qdb_first_text(h, hit) : NULL;
		int rc = 0;
		if (!values || !*values)
			rc = cli_error("plot", EXIT_USAGE, "--where %s: no such parameter in %s", o->where_key[i], o->db);
		else if (!found)
			rc = cli_error("plot", EXIT_USAGE, "--where %s=%s: no run has that value (values: %s)",
				       o->where_key[i], o->where_value[i], values);
		sqlite3_free(sql);
		sqlite3_free(hit);
		free(values);
		free(found);
		if (rc)
			return rc;
	}
	return 0;
}

static int plot_check_runs(sqlite3 *h, const struct plot_opts *o)
{
	for (int i = 0; i < o->nruns; i++) {
		char *sql = sqlite3_mprintf("SELECT status FROM runs WHERE run_id = %lld", o->runs[i]);
		char *status = sql ? qdb_first_text(h, sql) : NULL;
		sqlite3_free(sql);
		int rc = 0;
		if (!status)
			rc = cli_error("plot", EXIT_USAGE, "--run %lld: no such run in %s", o->runs[i], o->db);
		else if (strcmp(status, "complete") != 0)
			rc = cli_error("plot", EXIT_USAGE, "--run %lld: the run is '%s', not complete", o->runs[i], status);
		free(status);
		if (rc)
			return rc;
	}
	return 0;
}

/* Renders body to o->out, and to the .png twin with --png. */
static int plot_render(const struct plot_opts *o, const char *body)
{
	char err[1024];
	int png = plot_has_suffix(o->out, ".png");
	int rc = gp_render(body, o->out, png ? GP_PNG : GP_SVG, err, sizeof err);
	if (rc != 0)
		return cli_error("plot", rc == GP_ERR_OUTPUT ? EXIT_USAGE : EXIT_FAIL, "%s", err);
	if (!o->png_too || png)
		return 0;
	size_t n = strlen(o->out) - 4;
	char *twin = malloc(n + 5);
	if (!twin)
		return cli_error("plot", EXIT_FAIL, "out of memory");
	snprintf(twin, n + 5, "%.*s.png", (int)n, o->out);
	rc = gp_render(body, twin, GP_PNG, err, sizeof err);
	if (rc != 0)
		rc = cli_error("plot", rc == GP_ERR_OUTPUT ? EXIT_USAGE : EXIT_FAIL, "%s", err);
	free(twin);
	return rc;
}

static int plot_build(sqlite3 *h, const struct plot_opts *o, struct plot_buf *b)
{
	char err[1024];
	int rc = plot_check_where(h, o);
	if (!rc)
		rc = plot_check_runs(h, o);
	if (rc)
		return rc;
	if (strcmp(o->kind, "metric") == 0)
		rc = plot_metric(h, o, b, err, sizeof err);
	else if (strcmp(o->kind, "cdf") == 0)
		rc = plot_cdf(h, o, b, err, sizeof err);
	else if (strcmp(o->kind, "tail") == 0)
		rc = plot_tail(h, o, b, err, sizeof err);
	else
		rc = plot_series(h, o, b, err, sizeof err);
	return rc ? cli_error("plot", rc, "%s", err) : 0;
}

int cmd_plot_main(int argc, char **argv)
{
	struct plot_opts o = { 0 };
	int rc = plot_parse(&o, argc, argv);
	if (!rc && !plot_has_suffix(o.out, ".svg") && !plot_has_suffix(o.out, ".png"))
		rc = cli_error("plot", EXIT_USAGE, "-o: expected a file ending in .svg or .png, got '%s'", o.out);
	char err[1024];
	sqlite3 *h = rc ? NULL : qdb_open(o.db, err, sizeof err);
	if (!rc && !h)
		rc = cli_error("plot", EXIT_USAGE, "%s", err);
	struct plot_buf b = { 0 };
	if (!rc)
		rc = plot_build(h, &o, &b);
	sqlite3_close(h);
	if (!rc)
		rc = plot_render(&o, b.s);
	pb_free(&b);
	for (int i = 0; i < o.nwhere; i++)
		free(o.where_owned[i]);
	return rc;
}
