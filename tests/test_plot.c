/* tests/test_plot.c — `gmpsim plot` end to end through gnuplot on the
 * test's own sweep database (tests/testdb.h) and a short real run: one
 * legend entry per line with the model names, axis labels with units, the
 * 95% intervals in the generated data, CDF and series charts, PNG output,
 * and failures (gnuplot missing or failing, bad options, a damaged file)
 * that leave no chart and no temporary file behind. */
#include "testdb.h"
#include "plot.h"
#include "qdb.h"
#include "scenario.h"
#include <dirent.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <sys/stat.h>

static char out[1 << 16];
static char dir[] = "build/tmp/gmpsim-test-plot-XXXXXX";
static char sweep_db[128], svg[128];

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(sweep_db, sizeof sweep_db, "%s/sweep.db", dir);
	snprintf(svg, sizeof svg, "%s/chart.svg", dir);
	td_make_sweep(sweep_db);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

/* The whole file (malloc'd, NUL-terminated); NULL when missing. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	return strdup(buf);
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* No "*.tmp-*" file left in the test directory. */
static void assert_no_temp_files(void)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d));)
		if (strstr(e->d_name, ".tmp-"))
			fail_msg("temporary file left behind: %s", e->d_name);
	closedir(d);
}

static char *plot_svg(const char *options)
{
	char args[512];
	unlink(svg);
	snprintf(args, sizeof args, "plot %s %s -o %s", sweep_db, options, svg);
	int rc = td_run("", args, 1, out, sizeof out);
	if (rc != 0)
		fail_msg("gmpsim %s: exit %d: %s", args, rc, out);
	assert_no_temp_files();
	char *s = slurp(svg);
	assert_non_null(s);
	assert_non_null(strstr(s, "<svg"));
	assert_non_null(strstr(s, "</svg>"));
	return s;
}

static void test_metric_one_line_per_model(void **state)
{
	(void)state;
	char *s = plot_svg("metric --metric throughput --x models.gmp.gomaxprocs --where machine.numa.nodes=1");
	assert_int_equal(count(s, "id=\"gnuplot_plot_"), 2);
	assert_non_null(strstr(s, "<text>gmp</text>"));
	assert_non_null(strstr(s, "<text>threads</text>"));
	assert_non_null(strstr(s, "<text>models.gmp.gomaxprocs</text>"));
	assert_non_null(strstr(s, "<text>throughput (requests/s)</text>"));
	assert_non_null(strstr(s, "95% CI over repetitions"));
	free(s);
}

/* Without --where, the other swept key splits the lines; --x defaults to
 * the first swept key (machine.numa.nodes). Latencies are shown in ms. */
static void test_metric_other_keys_as_lines(void **state)
{
	(void)state;
	char *s = plot_svg("metric --metric latency_p99");
	assert_int_equal(count(s, "id=\"gnuplot_plot_"), 6);
	assert_non_null(strstr(s, "<text>gmp (gomaxprocs=4)</text>"));
	assert_non_null(strstr(s, "<text>threads (gomaxprocs=1)</text>"));
	assert_non_null(strstr(s, "<text>machine.numa.nodes</text>"));
	assert_non_null(strstr(s, "<text>latency_p99 (ms)</text>"));
	free(s);
}

/* The x axis names the unit the params table stores a parameter in. */
static void test_param_units(void **state)
{
	(void)state;
	assert_string_equal(sc_param_unit("kernel.switch"), "ns");
	assert_string_equal(sc_param_unit("models.threads.stack"), "B");
	assert_null(sc_param_unit("models.gmp.gomaxprocs"));
	assert_null(sc_param_unit("no.such.key"));
}

static void test_ci_halfwidth(void **state)
{
	(void)state;
	double v[] = { 1, 2, 3 };
	/* sd 1, n 3: t(0.975, 2) / sqrt(3); t(0.975, 2) = 4.302652729... (tables) */
	assert_true(fabs(plot_ci95_halfwidth(v, 3) - 4.3026527297494 / sqrt(3)) < 1e-9);
	assert_true(plot_ci95_halfwidth(v, 1) == 0);
}

/* The data the chart is drawn from: mean and interval of each point. */
static void test_metric_data(void **state)
{
	(void)state;
	char err[512];
	sqlite3 *h = qdb_open(sweep_db, err, sizeof err);
	assert_non_null(h);
	struct plot_opts o = { .db = sweep_db, .kind = "metric", .metric = "throughput",
			       .x = "models.gmp.gomaxprocs", .nwhere = 1 };
	o.where_key[0] = "machine.numa.nodes";
	o.where_value[0] = "2";
	struct plot_buf b = { 0 };
	assert_int_equal(plot_metric(h, &o, &b, err, sizeof err), 0);
	sqlite3_close(h);
	/* gmp is the first line; its points are gomaxprocs 1, 2, 4 at nodes 2 = points 3, 4, 5 */
	const char *d0 = strstr(b.s, "$D0 << EOD\n");
	assert_non_null(d0);
	d0 = strchr(strchr(d0, '\n') + 1, '\n') + 1; /* past the comment line */
	for (int k = 0; k < 3; k++) {
		double x, mean, lo, hi, vals[TD_REPS];
		int n;
		assert_int_equal(sscanf(d0, "%lf %lf %lf %lf %d", &x, &mean, &lo, &hi, &n), 5);
		int point = 3 + k;
		double m = 0;
		for (int rep = 0; rep < TD_REPS; rep++)
			m += (vals[rep] = td_throughput(point, rep, 0)) / TD_REPS;
		double ss = 0;
		for (int rep = 0; rep < TD_REPS; rep++)
			ss += (vals[rep] - m) * (vals[rep] - m);
		double half = gsl_cdf_tdist_Pinv(0.975, TD_REPS - 1) * sqrt(ss / (TD_REPS - 1)) / sqrt(TD_REPS);
		assert_int_equal((int)x, td_procs(point));
		assert_int_equal(n, TD_REPS);
		assert_true(fabs(mean - m) < 1e-9 * m);
		assert_true(fabs(lo - (m - half)) < 1e-9 * m && fabs(hi - (m + half)) < 1e-9 * m);
		d0 = strchr(d0, '\n') + 1;
	}
	assert_true(strncmp(d0, "EOD\n", 4) == 0);
	pb_free(&b);
}

static void test_cdf(void **state)
{
	(void)state;
	char *s = plot_svg("cdf --where machine.numa.nodes=1 --where models.gmp.gomaxprocs=2");
	assert_int_equal(count(s, "id=\"gnuplot_plot_"), 2);
	assert_non_null(strstr(s, "<text>gmp</text>"));
	assert_non_null(strstr(s, "<text>threads</text>"));
	/* buckets 1 ms .. 5 ms: less than a decade, so a linear axis in ms */
	assert_non_null(strstr(s, "<text>latency (ms)</text>"));
	assert_non_null(strstr(s, "<text>cumulative fraction of observations</text>"));
	free(s);
}

/* A script of kind k for the sweep database with o's options. */
static char *script(int (*kind)(sqlite3 *, const struct plot_opts *, struct plot_buf *, char *, size_t),
		    struct plot_opts *o)
{
	char err[512];
	sqlite3 *h = qdb_open(sweep_db, err, sizeof err);
	assert_non_null(h);
	o->db = sweep_db;
	struct plot_buf b = { 0 };
	if (kind(h, o, &b, err, sizeof err) != 0)
		fail_msg("plot: %s", err);
	sqlite3_close(h);
	return b.s;
}

/* The style of the plot line titled `title`: its "lc rgb '...' dt N" part. */
static void line_style(const char *s, const char *title, char *colour, int *dt)
{
	char needle[256];
	snprintf(needle, sizeof needle, "title '%s'", title);
	const char *t = strstr(s, needle);
	assert_non_null(t);
	const char *lc = t;
	while (lc > s && strncmp(lc, "lc rgb '", 8) != 0)
		lc--;
	assert_int_equal(sscanf(lc, "lc rgb '%15[^']' dt %d", colour, dt), 2);
}

/* Colour follows the model, dash the other swept key: gmp's two lines
 * share a colour and differ in dash; gmp and threads at the same node
 * count share the dash and differ in colour. */
static void test_metric_colour_by_model_dash_by_axis(void **state)
{
	(void)state;
	struct plot_opts o = { .kind = "metric", .metric = "throughput", .x = "models.gmp.gomaxprocs" };
	char *s = script(plot_metric, &o);
	char c1[16], c2[16], c3[16];
	int d1, d2, d3;
	line_style(s, "gmp (nodes=1)", c1, &d1);
	line_style(s, "gmp (nodes=2)", c2, &d2);
	line_style(s, "threads (nodes=1)", c3, &d3);
	assert_string_equal(c1, c2);
	assert_true(d1 != d2);
	assert_string_not_equal(c1, c3);
	assert_int_equal(d1, d3);
	/* gomaxprocs 1, 2, 4 doubles: a log2 axis with tics at the values */
	assert_non_null(strstr(s, "set logscale x 2\n"));
	assert_non_null(strstr(s, "set xtics (1, 2, 4)"));
	/* throughput cannot be negative: the y axis starts at 0 */
	assert_non_null(strstr(s, "set yrange [0:"));
	free(s);
}

/* Legend keys by their last component, whole when that would be ambiguous. */
static void test_short_keys(void **state)
{
	(void)state;
	const char *cases[][2] = {
		{ "machine.numa.nodes=2, models.gmp.gomaxprocs=8", "nodes=2, gomaxprocs=8" },
		{ "machine.numa.nodes=2", "nodes=2" },
		{ "seed=3", "seed=3" },
		{ "", "" },
		{ "models.gmp.stack=1024, models.threads.stack=2048", "models.gmp.stack=1024, models.threads.stack=2048" },
		{ "kernel.switch=5000, models.pool.workers=1.5", "switch=5000, workers=1.5" },
		{ "not a pair", "not a pair" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = plot_short_keys(cases[i][0]);
		assert_string_equal(got, cases[i][1]);
		free(got);
	}
}

static void test_axis_rules(void **state)
{
	(void)state;
	double pow2[] = { 1, 2, 4, 8 }, two[] = { 1, 2 }, rates[] = { 10000, 20000, 30000, 36000 },
	       wide[] = { 1, 5, 20 }, mixed[] = { 8, 1, 4, 2, 8, 1 };
	assert_true(plot_x_is_log(pow2, 4));
	assert_true(plot_x_is_log(mixed, 6));     /* repeated, unsorted: still 1, 2, 4, 8 */
	assert_false(plot_x_is_log(two, 2));      /* two values: nothing to call a series */
	assert_false(plot_x_is_log(rates, 4));    /* a factor 3.6: linear, but numeric */
	assert_true(plot_x_is_log(wide, 3));      /* more than a decade */
	assert_false(plot_y_is_log(0, 1000));     /* zero: linear from zero */
	assert_false(plot_y_is_log(100, 9000));
	assert_true(plot_y_is_log(100, 10000));   /* two decades */
	/* more than 12 values over a log axis: tics at 1, 2, 5 x 10^k, not
	 * at decades only (a capacity search's probes, 1,250/s .. 56,000/s) */
	double probes[13];
	for (int i = 0; i < 13; i++)
		probes[i] = 1250 * pow(1.37, i);
	struct plot_buf b = { 0 };
	plot_x_axis(&b, probes, 13);
	assert_non_null(strstr(b.s, "set logscale x 10"));
	assert_non_null(strstr(b.s, "set xtics (2000, 5000, 10000, 20000, 50000)"));
	pb_free(&b);
	/* time units keep the tick labels short: sched latency in µs */
	assert_string_equal(plot_time_unit(520).label, "ns");
	assert_string_equal(plot_time_unit(5.2e3).label, "µs");
	assert_true(plot_time_unit(5.2e3).scale == 1e-3);
	assert_string_equal(plot_time_unit(102.3e6).label, "ms");
	assert_string_equal(plot_time_unit(30e9).label, "s");
}

/* A latency measured 0 and 10 ms in two repetitions: mean 5 ms, and
 * mean - t(0.975, 1) * sd / sqrt(2) = 5 - 63.5 ms would be negative; the
 * interval stops at 0 and the axis starts at 0 (a latency is never negative). */
static void test_interval_never_below_zero(void **state)
{
	(void)state;
	char path[160], err[512];
	snprintf(path, sizeof path, "%s/spread.db", dir);
	struct db *db = db_create(path, err, sizeof err);
	assert_non_null(db);
	for (int p = 0; p < 2; p++)
		for (int rep = 0; rep < 2; rep++) {
			struct run_result r;
			res_init(&r, "spread", "gmp", (uint64_t)(1 + rep));
			r.point_id = p;
			r.rep = rep;
			res_param(&r, "machine.cores", p ? "8" : "4");
			res_param(&r, "seed", rep ? "2" : "1");
			res_metric(&r, "latency_p99", rep ? 10e6 : 0, "ns");
			res_set_status(&r, "complete", NULL);
			td_write(db, &r);
		}
	assert_int_equal(db_close_commit(db, err, sizeof err), 0);
	sqlite3 *h = qdb_open(path, err, sizeof err);
	assert_non_null(h);
	struct plot_opts o = { .db = path, .kind = "metric", .metric = "latency_p99" };
	struct plot_buf b = { 0 };
	assert_int_equal(plot_metric(h, &o, &b, err, sizeof err), 0);
	sqlite3_close(h);
	const char *d = strstr(b.s, "$D0 << EOD\n");
	assert_non_null(d);
	d = strchr(strchr(d, '\n') + 1, '\n') + 1;
	for (int k = 0; k < 2; k++, d = strchr(d, '\n') + 1) {
		double x, mean, lo, hi;
		int n;
		assert_int_equal(sscanf(d, "%lf %lf %lf %lf %d", &x, &mean, &lo, &hi, &n), 5);
		double half = gsl_cdf_tdist_Pinv(0.975, 1) * sqrt(50.0) / sqrt(2.0);
		assert_true(fabs(mean - 5) < 1e-9 && lo == 0 && fabs(hi - (5 + half)) < 1e-9);
	}
	assert_non_null(strstr(b.s, "set yrange [0:"));
	assert_non_null(strstr(b.s, "latency_p99 (ms)"));
	pb_free(&b);
}

/* Keys the sweep did not set (here: the database says only gomaxprocs was
 * an axis) stay out of the legend, so one line per model, not per value
 * of a key derived from the axis. */
static void test_legend_leaves_out_derived_keys(void **state)
{
	(void)state;
	char copy[160], cmd[1024], err[512];
	snprintf(copy, sizeof copy, "%s/axes.db", dir);
	snprintf(cmd, sizeof cmd, "cp %s %s && sqlite3 %s \"INSERT INTO sweep_axes VALUES (0, 'models.gmp.gomaxprocs', 3)\"",
		 sweep_db, copy, copy);
	assert_int_equal(system(cmd), 0);
	sqlite3 *h = qdb_open(copy, err, sizeof err);
	assert_non_null(h);
	struct plot_opts o = { .db = copy, .kind = "metric", .metric = "throughput", .x = "models.gmp.gomaxprocs" };
	struct plot_buf b = { 0 };
	assert_int_equal(plot_metric(h, &o, &b, err, sizeof err), 0);
	sqlite3_close(h);
	assert_int_equal(count(b.s, " title '"), 3);  /* the chart's title and two lines */
	assert_non_null(strstr(b.s, "title 'gmp'"));
	assert_non_null(strstr(b.s, "title 'threads'"));
	assert_null(strstr(b.s, "machine.numa.nodes="));
	pb_free(&b);
}

/* The tail chart: fraction of observations above each bucket's upper
 * bound, from the pooled buckets (testdb: 1..5 ms, counts 10 + b(m+1)),
 * on a log y axis with p99 marked. */
static void test_tail(void **state)
{
	(void)state;
	struct plot_opts o = { .kind = "tail", .nwhere = 2 };
	o.where_key[0] = "machine.numa.nodes";
	o.where_value[0] = "1";
	o.where_key[1] = "models.gmp.gomaxprocs";
	o.where_value[1] = "2";
	char *s = script(plot_tail, &o);
	assert_non_null(strstr(s, "set logscale y 10"));
	assert_non_null(strstr(s, "'p99  0.01' 0.01"));
	/* gmp (model 0): buckets [1,2) .. [4,5) ms with 10, 11, 12, 13 per
	 * repetition, pooled over 3: 138; above 2, 3, 4 ms: 108, 75, 39 */
	const char *d0 = strstr(s, "$D0 << EOD\n");
	assert_non_null(d0);
	d0 = strchr(strchr(d0, '\n') + 1, '\n') + 1;
	const double above[] = { 108, 75, 39 };
	for (int k = 0; k < 3; k++, d0 = strchr(d0, '\n') + 1) {
		double x, f;
		assert_int_equal(sscanf(d0, "%lf %lf", &x, &f), 2);
		assert_true(fabs(x - (2 + k)) < 1e-9);
		assert_true(fabs(f - above[k] / 138) < 1e-12);
	}
	assert_true(strncmp(d0, "EOD\n", 4) == 0);  /* the last bucket's 0 is left out */
	free(s);
}

static void test_series(void **state)
{
	(void)state;
	/* one point, three repetitions per model: a line per run, named by run */
	char *s = plot_svg("series --series threads --where machine.numa.nodes=1 --where models.gmp.gomaxprocs=1");
	assert_int_equal(count(s, "id=\"gnuplot_plot_"), 2 * TD_REPS);
	assert_non_null(strstr(s, "<text>gmp run 1</text>"));
	assert_non_null(strstr(s, "<text>threads run 2</text>"));
	assert_non_null(strstr(s, "<text>virtual time (s)</text>"));
	assert_non_null(strstr(s, "<text>threads (count)</text>"));
	free(s);
	/* --run picks runs: run 1 is gmp at point 0, repetition 0 */
	s = plot_svg("series --series threads --run 1 --run 2 --title 'two runs'");
	assert_int_equal(count(s, "id=\"gnuplot_plot_"), 2);
	assert_non_null(strstr(s, "<text>gmp (nodes=1, gomaxprocs=1)</text>"));
	assert_non_null(strstr(s, "<text>two runs</text>"));
	free(s);
	char args[512];
	snprintf(args, sizeof args, "plot %s series --series nosuch -o %s", sweep_db, svg);
	assert_int_equal(td_run("", args, 1, out, sizeof out), 2);
	assert_non_null(strstr(out, "nosuch"));
	assert_non_null(strstr(out, "it has: threads"));
}

static void test_png(void **state)
{
	(void)state;
	char args[512], png[160];
	snprintf(png, sizeof png, "%s/chart.png", dir);
	unlink(png);
	snprintf(args, sizeof args, "plot %s cdf --png -o %s", sweep_db, svg);
	assert_int_equal(td_run("", args, 1, out, sizeof out), 0);
	char *p = slurp(png), *s = slurp(svg);
	assert_non_null(p);
	assert_non_null(s);
	assert_true(memcmp(p, "\x89PNG", 4) == 0);
	free(p);
	free(s);
	unlink(png);
	unlink(svg);
	snprintf(args, sizeof args, "plot %s cdf -o %s", sweep_db, png);
	assert_int_equal(td_run("", args, 1, out, sizeof out), 0);
	assert_non_null(p = slurp(png));
	assert_true(memcmp(p, "\x89PNG", 4) == 0);
	assert_null(slurp(svg));
	free(p);
	assert_no_temp_files();
}

/* gnuplot failing or missing: exit 1, a clear line, the old chart kept. */
static void test_gnuplot_failure(void **state)
{
	(void)state;
	FILE *f = fopen(svg, "w");
	assert_non_null(f);
	fputs("old chart", f);
	fclose(f);
	char args[512];
	snprintf(args, sizeof args, "plot %s cdf -o %s", sweep_db, svg);
	assert_int_equal(td_run("GMPSIM_GNUPLOT=/bin/false", args, 1, out, sizeof out), 1);
	assert_non_null(strstr(out, "gnuplot failed"));
	assert_int_equal(td_run("GMPSIM_GNUPLOT=/nonexistent/gnuplot", args, 1, out, sizeof out), 1);
	assert_non_null(strstr(out, "cannot run /nonexistent/gnuplot"));
	assert_int_equal(td_run("PATH=/nonexistent", args, 1, out, sizeof out), 1);
	assert_non_null(strstr(out, "gnuplot-nox"));
	char *s = slurp(svg);
	assert_string_equal(s, "old chart");
	free(s);
	assert_no_temp_files();
	unlink(svg);
}

static void expect_usage_error(const char *db, const char *options, const char *needle)
{
	char args[512];
	snprintf(args, sizeof args, "plot %s %s", db, options);
	assert_int_equal(td_run("", args, 1, out, sizeof out), 2);
	if (!strstr(out, needle))
		fail_msg("gmpsim %s printed: %s", args, out);
	assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out));
	assert_null(slurp(svg));
}

static void test_bad_input(void **state)
{
	(void)state;
	char opts[256];
	unlink(svg);
	snprintf(opts, sizeof opts, "metric --metric nosuch -o %s", svg);
	expect_usage_error(sweep_db, opts, "no such metric");
	snprintf(opts, sizeof opts, "metric --x seed -o %s", svg);
	expect_usage_error(sweep_db, opts, "not a swept parameter");
	snprintf(opts, sizeof opts, "metric --where machine.numa.nodes=9 -o %s", svg);
	expect_usage_error(sweep_db, opts, "values: 1, 2");
	snprintf(opts, sizeof opts, "metric --where nokey=1 -o %s", svg);
	expect_usage_error(sweep_db, opts, "no such parameter");
	snprintf(opts, sizeof opts, "cdf --hist nosuch -o %s", svg);
	expect_usage_error(sweep_db, opts, "it has: latency");
	snprintf(opts, sizeof opts, "cdf -o %s/chart.txt", dir);
	expect_usage_error(sweep_db, opts, ".svg or .png");
	snprintf(opts, sizeof opts, "cdf -o %s/nosuchdir/chart.svg", dir);
	expect_usage_error(sweep_db, opts, "cannot create a file in its directory");
	snprintf(opts, sizeof opts, "pie -o %s", svg);
	expect_usage_error(sweep_db, opts, "unknown kind 'pie'");
	expect_usage_error(sweep_db, "cdf", "missing -o");
	char *garbage = tu_write_temp("garbage garbage garbage garbage garbage garbage garbage\n", ".db");
	snprintf(opts, sizeof opts, "cdf -o %s", svg);
	expect_usage_error(garbage, opts, garbage);
	unlink(garbage);
	free(garbage);
	assert_no_temp_files();
}

/* The simulator's own database: one line per model, and a metric chart
 * explains that it needs a sweep. */
static void test_real_run(void **state)
{
	(void)state;
	char db[160], args[512];
	snprintf(db, sizeof db, "%s/real.db", dir);
	snprintf(args, sizeof args, "scenarios/10k_rps.yaml --set duration=300ms --set warmup=100ms -q -o %s", db);
	assert_int_equal(td_run("", args, 1, out, sizeof out), 0);
	snprintf(args, sizeof args, "plot %s series --series threads -o %s", db, svg);
	assert_int_equal(td_run("", args, 1, out, sizeof out), 0);
	char *s = slurp(svg);
	assert_int_equal(count(s, "id=\"gnuplot_plot_"), 4);  /* one line per model of 10k_rps */
	assert_non_null(strstr(s, "<text>pool</text>"));
	free(s);
	snprintf(args, sizeof args, "plot %s cdf -o %s", db, svg);
	assert_int_equal(td_run("", args, 1, out, sizeof out), 0);
	s = slurp(svg);
	assert_non_null(strstr(s, "<text>gmp</text>"));
	assert_non_null(strstr(s, "<text>threads</text>"));
	free(s);
	unlink(svg);
	snprintf(args, sizeof args, "metric -o %s", svg);
	expect_usage_error(db, args, "needs a sweep");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metric_one_line_per_model),
		cmocka_unit_test(test_metric_other_keys_as_lines),
		cmocka_unit_test(test_param_units),
		cmocka_unit_test(test_ci_halfwidth),
		cmocka_unit_test(test_metric_data),
		cmocka_unit_test(test_cdf),
		cmocka_unit_test(test_metric_colour_by_model_dash_by_axis),
		cmocka_unit_test(test_axis_rules),
		cmocka_unit_test(test_short_keys),
		cmocka_unit_test(test_interval_never_below_zero),
		cmocka_unit_test(test_legend_leaves_out_derived_keys),
		cmocka_unit_test(test_tail),
		cmocka_unit_test(test_series),
		cmocka_unit_test(test_png),
		cmocka_unit_test(test_gnuplot_failure),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_real_run),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
