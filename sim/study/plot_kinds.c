/* sim/study/plot_kinds.c — the four charts of `gmpsim plot`: a metric against a
 * swept parameter with 95% confidence intervals, latency CDFs, the latency
 * tail (fraction slower than x, log scaled), and time series. Lines are
 * coloured by model and dashed by the other swept values (plot_axes.c). Each reads the selected runs and writes a gnuplot script body
 * (data inline) into a plot_buf; gnuplot.c draws it.
 *
 * Must not run gnuplot or touch files, and must not invent data: a line is
 * drawn only from complete runs, and an interval only from two or more
 * repetitions.
 */
#include "plot.h"
#include "grow.h"
#include "qdb.h"
#include "scenario.h"
#include "units.h"
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One line of a chart: its legend title and its points (x, y, and for
 * metric charts every repetition's value at that x). */
struct pk_point { char *x; double xnum, y; double *vals; int nvals, capvals; };
struct pk_line {
	char *label, *model, *rest;   /* label: "model (rest)", or the model alone */
	long long run_id;
	int model_order, rest_order;  /* colour and dash: order of first appearance */
	struct pk_point *pts;
	int npts, cappts;
};
struct pk_chart { struct pk_line *lines; int nlines, caplines; };


static char *pk_strdup(const unsigned char *s)
{
	char *d = strdup(s ? (const char *)s : "");
	if (!d) {
		fprintf(stderr, "gmpsim: out of memory (plot)\n");
		abort();
	}
	return d;
}

static char *pk_text(sqlite3_stmt *st, int col)
{
	return pk_strdup(sqlite3_column_text(st, col));
}

/* The order of first appearance of line i's model (field 0) or rest
 * (field 1) among lines 0..i. */
static int pk_order(const struct pk_chart *c, int i, int field)
{
	int order = 0;
	for (int j = 0; j < i; j++) {
		const char *a = field ? c->lines[j].rest : c->lines[j].model;
		const char *me = field ? c->lines[i].rest : c->lines[i].model;
		int first = 1;
		for (int k = 0; k < j; k++)
			first &= strcmp(field ? c->lines[k].rest : c->lines[k].model, a) != 0;
		if (strcmp(a, me) == 0)
			return order;
		order += first;
	}
	return order;
}

/* The line of (model, rest) — and run_id, when by_run — appended if new;
 * model and rest are columns 0 and 1 of st. */
static struct pk_line *pk_line(struct pk_chart *c, sqlite3_stmt *st, long long run_id, int by_run)
{
	const char *model = (const char *)sqlite3_column_text(st, 0), *rest = (const char *)sqlite3_column_text(st, 1);
	model = model ? model : "";
	rest = rest ? rest : "";
	for (int i = 0; i < c->nlines; i++)
		if (strcmp(c->lines[i].model, model) == 0 && strcmp(c->lines[i].rest, rest) == 0 &&
		    (!by_run || c->lines[i].run_id == run_id))
			return &c->lines[i];
	GROW(c->lines, c->nlines + 1, c->caplines, 16, "plot");
	struct pk_line *l = &c->lines[c->nlines++];
	memset(l, 0, sizeof *l);
	l->model = pk_text(st, 0);
	l->rest = pk_text(st, 1);
	char *short_rest = plot_short_keys(rest);
	size_t n = strlen(model) + strlen(short_rest) + 4;
	l->label = malloc(n);
	if (!l->label)
		abort();
	snprintf(l->label, n, *short_rest ? "%s (%s)" : "%s", model, short_rest);
	free(short_rest);
	l->run_id = run_id;
	l->model_order = pk_order(c, c->nlines - 1, 0);
	l->rest_order = pk_order(c, c->nlines - 1, 1);
	return l;
}

static struct pk_point *pk_point(struct pk_line *l, const char *x)
{
	for (int i = 0; x && i < l->npts; i++)
		if (strcmp(l->pts[i].x, x) == 0)
			return &l->pts[i];
	GROW(l->pts, l->npts + 1, l->cappts, 16, "plot");
	struct pk_point *p = &l->pts[l->npts++];
	memset(p, 0, sizeof *p);
	p->x = pk_strdup((const unsigned char *)(x ? x : ""));
	return p;
}

static void pk_free(struct pk_chart *c)
{
	for (int i = 0; i < c->nlines; i++) {
		for (int j = 0; j < c->lines[i].npts; j++) {
			free(c->lines[i].pts[j].x);
			free(c->lines[i].pts[j].vals);
		}
		free(c->lines[i].pts);
		free(c->lines[i].label);
		free(c->lines[i].model);
		free(c->lines[i].rest);
	}
	free(c->lines);
}

/* Prepares sql (sqlite3_mprintf'd, freed here); NULL with err on failure. */
static sqlite3_stmt *pk_prepare(sqlite3 *h, const struct plot_opts *o, char *sql, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	if (!sql || sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
		qdb_error(h, o->db, sql ? sqlite3_errcode(h) : SQLITE_NOMEM, err, errlen);
		st = NULL;
	}
	sqlite3_free(sql);
	return st;
}

/* Finalizes st; turns a failed step into err. Returns 0 or 2. */
static int pk_finish(sqlite3 *h, const struct plot_opts *o, sqlite3_stmt *st, int rc, char *err, size_t errlen)
{
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	qdb_error(h, o->db, rc, err, errlen);
	return 2;
}

/* Title, axis labels, key and grid: what every chart has. */
static void pk_header(struct plot_buf *b, const struct plot_opts *o, const struct pk_chart *c, const char *title,
		      const char *xlabel, const char *ylabel)
{
	pb_printf(b, "set title ");
	pb_quoted(b, o->title ? o->title : title);
	pb_printf(b, "\nset xlabel ");
	pb_quoted(b, xlabel);
	pb_printf(b, "\nset ylabel ");
	pb_quoted(b, ylabel);
	pb_printf(b, "\n");
	plot_key(b, c->nlines);
	pb_printf(b, "set grid\n");
}

/* "plot $D0 using ... lc ... title 'gmp', $D1 ..." for every line. */
static void pk_plot_command(struct plot_buf *b, const struct pk_chart *c, const char *style)
{
	pb_printf(b, "plot ");
	for (int i = 0; i < c->nlines; i++) {
		pb_printf(b, "%s$D%d %s ", i ? ", \\\n     " : "", i, style);
		plot_line_style(b, c->lines[i].model, c->lines[i].model_order, c->lines[i].rest_order);
		pb_printf(b, " title ");
		pb_quoted(b, c->lines[i].label);
	}
	pb_printf(b, "\n");
}

/* ---- metric against a swept parameter ---------------------------------------------- */

/* The --x key, or the first swept key not fixed by --where. NULL with err. */
static char *pk_x_key(sqlite3 *h, const struct plot_opts *o, char *err, size_t errlen)
{
	char *swept = plot_list(h, "SELECT DISTINCT key AS v FROM swept_params ORDER BY key");
	char *x = NULL;
	if (!*swept) {
		snprintf(err, errlen, "%s: no swept parameter (every run has the same parameters but the seed); "
			 "a metric chart needs a sweep (try kind cdf or series)", o->db);
	} else if (o->x) {
		char *sql = sqlite3_mprintf("SELECT key FROM swept_params WHERE key = %Q LIMIT 1", o->x);
		x = sql ? qdb_first_text(h, sql) : NULL;
		sqlite3_free(sql);
		if (!x)
			snprintf(err, errlen, "--x %s: not a swept parameter of %s (swept: %s)", o->x, o->db, swept);
	} else {
		/* the first axis the sweep was given (sweep_axes), else the first swept key */
		char *fixed = plot_where_keys(o);
		char *sql = fixed ? sqlite3_mprintf("SELECT sp.key FROM swept_params AS sp"
						    " LEFT JOIN sweep_axes AS a ON sp.key = a.key OR sp.key LIKE a.key || '.%%'"
						    " WHERE sp.key NOT IN (%s)"
						    " ORDER BY a.position IS NULL, a.position, sp.key LIMIT 1", fixed) : NULL;
		x = sql ? qdb_first_text(h, sql) : NULL;
		sqlite3_free(fixed);
		sqlite3_free(sql);
		if (!x)
			snprintf(err, errlen, "every swept parameter is fixed by --where; nothing left for the x axis");
	}
	free(swept);
	return x;
}

/* Rows (label, x, value) of the selected runs into c, one point per x. */
static int pk_metric_rows(sqlite3 *h, const struct plot_opts *o, const char *x, const char *metric,
			  struct pk_chart *c, char *err, size_t errlen)
{
	char *label = plot_rest_expr(o, x), *cond = plot_run_condition(o);
	char *sql = label && cond ? sqlite3_mprintf(
		"SELECT r.model, %s, px.value, m.value FROM runs AS r"
		" JOIN params AS px ON px.run_id = r.run_id AND px.key = %Q"
		" JOIN metrics AS m ON m.run_id = r.run_id AND m.name = %Q"
		" WHERE %s AND m.value IS NOT NULL ORDER BY r.point_id, r.run_id", label, x, metric, cond) : NULL;
	sqlite3_free(label);
	sqlite3_free(cond);
	sqlite3_stmt *st = pk_prepare(h, o, sql, err, errlen);
	if (!st)
		return 2;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pk_line *l = pk_line(c, st, 0, 0);
		struct pk_point *p = pk_point(l, (const char *)sqlite3_column_text(st, 2));
		GROW(p->vals, p->nvals + 1, p->capvals, 16, "plot");
		p->vals[p->nvals++] = sqlite3_column_double(st, 3);
	}
	return pk_finish(h, o, st, rc, err, errlen);
}

/* Numeric x when every x value reads as a finite number (PK_X_NUMBER) or
 * every one as a rate ("10000/s", "2.5k/s": PK_X_RATE, per second); else
 * categories in order of first appearance (PK_X_CATEGORY). Fills xnum. */
enum { PK_X_CATEGORY, PK_X_NUMBER, PK_X_RATE };

static int pk_place_x(struct pk_chart *c, char ***cats, int *ncats)
{
	int numeric = 1, rate = 1, cap = 0;
	char why[128];
	for (int i = 0; i < c->nlines; i++)
		for (int j = 0; j < c->lines[i].npts; j++) {
			char *end;
			double v = strtod(c->lines[i].pts[j].x, &end), r = 0;
			numeric &= *c->lines[i].pts[j].x && !*end && isfinite(v);
			rate &= unit_parse_rate(c->lines[i].pts[j].x, &r, why, sizeof why) == 0;
			c->lines[i].pts[j].xnum = numeric ? v : r;
		}
	*cats = NULL;
	*ncats = 0;
	if (numeric || rate)
		return numeric ? PK_X_NUMBER : PK_X_RATE;
	for (int i = 0; i < c->nlines; i++)
		for (int j = 0; j < c->lines[i].npts; j++) {
			int k = 0;
			while (k < *ncats && strcmp((*cats)[k], c->lines[i].pts[j].x) != 0)
				k++;
			if (k == *ncats) {
				GROW(*cats, *ncats + 1, cap, 16, "plot");
				(*cats)[(*ncats)++] = c->lines[i].pts[j].x;
			}
			c->lines[i].pts[j].xnum = k;
		}
	return PK_X_CATEGORY;
}

static int pk_by_x(const void *a, const void *b)
{
	double x = ((const struct pk_point *)a)->xnum, y = ((const struct pk_point *)b)->xnum;
	return (x > y) - (x < y);
}

double plot_ci95_halfwidth(const double *vals, int n)
{
	if (n < 2)
		return 0;
	return gsl_cdf_tdist_Pinv(0.975, n - 1) * gsl_stats_sd(vals, 1, (size_t)n) / sqrt(n);
}

/* The y extent of the chart: the smallest and largest mean and interval
 * bound, and whether every value is >= 0 (then intervals stop at 0). */
struct pk_extent { double lo, hi, min_mean; int nonneg; };

static double pk_mean(const struct pk_point *p) { return gsl_stats_mean(p->vals, 1, (size_t)p->nvals); }

static struct pk_extent pk_metric_extent(const struct pk_chart *c, double scale)
{
	struct pk_extent e = { INFINITY, -INFINITY, INFINITY, 1 };
	for (int i = 0; i < c->nlines; i++)
		for (int j = 0; j < c->lines[i].npts; j++) {
			const struct pk_point *p = &c->lines[i].pts[j];
			for (int k = 0; k < p->nvals; k++)
				e.nonneg &= p->vals[k] >= 0;
			double m = pk_mean(p) * scale, half = plot_ci95_halfwidth(p->vals, p->nvals) * fabs(scale);
			e.lo = fmin(e.lo, m - half);
			e.hi = fmax(e.hi, m + half);
			e.min_mean = fmin(e.min_mean, m);
		}
	if (e.nonneg)
		e.lo = fmax(e.lo, 0);
	return e;
}

/* One data block per line: x, mean, CI low, CI high, n. The interval is
 * mean +- t(0.975, n-1) * sd / sqrt(n), cut at 0 for a metric that
 * cannot be negative (and, on a log axis, at the axis' floor); a single
 * repetition has none. */
static void pk_metric_data(struct plot_buf *b, struct pk_chart *c, double scale, struct pk_extent e, double floor)
{
	for (int i = 0; i < c->nlines; i++) {
		struct pk_line *l = &c->lines[i];
		qsort(l->pts, (size_t)l->npts, sizeof *l->pts, pk_by_x);
		pb_printf(b, "$D%d << EOD\n# x mean ci_low ci_high n\n", i);
		for (int j = 0; j < l->npts; j++) {
			struct pk_point *p = &l->pts[j];
			double mean = pk_mean(p) * scale;
			double half = plot_ci95_halfwidth(p->vals, p->nvals) * fabs(scale), low = mean - half;
			if (e.nonneg)
				low = fmax(low, floor);
			pb_printf(b, "%.17g %.17g %.17g %.17g %d\n", p->xnum, mean, low, mean + half, p->nvals);
		}
		pb_printf(b, "EOD\n");
	}
}

/* A numeric x axis (plot_axes.c), or categories as labelled tics. */
static void pk_x_axis(struct plot_buf *b, const struct pk_chart *c, int numeric, char **cats, int ncats)
{
	if (numeric) {
		int n = 0;
		for (int i = 0; i < c->nlines; i++)
			n += c->lines[i].npts;
		double *xs = malloc(sizeof *xs * (size_t)(n ? n : 1));
		if (!xs)
			abort();
		n = 0;
		for (int i = 0; i < c->nlines; i++)
			for (int j = 0; j < c->lines[i].npts; j++)
				xs[n++] = c->lines[i].pts[j].xnum;
		plot_x_axis(b, xs, n);
		free(xs);
		return;
	}
	pb_printf(b, "set xtics (");
	for (int k = 0; k < ncats; k++) {
		pb_printf(b, "%s", k ? ", " : "");
		pb_quoted(b, cats[k]);
		pb_printf(b, " %d", k);
	}
	pb_printf(b, ")\nset xrange [-0.5:%d.5]\n", ncats - 1);
}

/* The unit a metric is drawn in: durations in the time unit that suits
 * their largest value. */
static struct plot_unit pk_unit(const struct pk_chart *c, const char *stored)
{
	if (strcmp(stored, "ns") != 0)
		return plot_metric_unit(stored);
	double max = 0;
	for (int i = 0; i < c->nlines; i++)
		for (int j = 0; j < c->lines[i].npts; j++)
			max = fmax(max, fabs(pk_mean(&c->lines[i].pts[j])));
	return plot_time_unit(max);
}

static int pk_check_metric(sqlite3 *h, const struct plot_opts *o, const char *metric, char **unit,
			   char *err, size_t errlen)
{
	char *sql = sqlite3_mprintf("SELECT COALESCE(unit, '') FROM metrics WHERE name = %Q LIMIT 1", metric);
	*unit = sql ? qdb_first_text(h, sql) : NULL;
	sqlite3_free(sql);
	if (*unit)
		return 0;
	char *names = plot_list(h, "SELECT DISTINCT name AS v FROM metrics ORDER BY name");
	snprintf(err, errlen, "--metric %s: no such metric in %s (metrics: %s)", metric, o->db, names);
	free(names);
	return 2;
}

int plot_metric(sqlite3 *h, const struct plot_opts *o, struct plot_buf *b, char *err, size_t errlen)
{
	const char *metric = o->metric ? o->metric : "throughput";
	char *unit = NULL, *x = NULL;
	if (pk_check_metric(h, o, metric, &unit, err, errlen) != 0)
		return 2;
	struct pk_chart c = { 0 };
	int rc = (x = pk_x_key(h, o, err, errlen)) ? pk_metric_rows(h, o, x, metric, &c, err, errlen) : 2;
	if (!rc && c.nlines == 0) {
		snprintf(err, errlen, "%s: no complete run has metric %s with the --where/--run selection", o->db, metric);
		rc = 2;
	}
	if (!rc) {
		struct plot_unit u = pk_unit(&c, unit);
		char **cats, title[1024], ylabel[256];
		int ncats, numeric = pk_place_x(&c, &cats, &ncats);
		char *scen = plot_scenarios(h, o);
		snprintf(title, sizeof title, "%s against %s (%s): mean and 95%% CI over repetitions", metric, x, scen);
		struct pk_extent e = pk_metric_extent(&c, u.scale);
		int logy = plot_y_is_log(e.min_mean, e.hi);
		snprintf(ylabel, sizeof ylabel, "%s (%s%s)", metric, u.label, logy ? ", log scale" : "");
		free(scen);
		char xlabel[256];
		const char *xunit = numeric == PK_X_RATE ? "per second" : sc_param_unit(x);
		snprintf(xlabel, sizeof xlabel, "%s%s%s%s", x, xunit ? " (" : "", xunit ? xunit : "", xunit ? ")" : "");
		pk_header(b, o, &c, title, xlabel, ylabel);
		pk_x_axis(b, &c, numeric, cats, ncats);
		free(cats);
		plot_y_axis(b, logy ? e.min_mean : e.lo, e.hi);
		pk_metric_data(b, &c, u.scale, e, logy ? e.min_mean / 1.2 : 0);
		pk_plot_command(b, &c, "using 1:2:3:4 with yerrorlines lw 2 ps 0.8");
	}
	pk_free(&c);
	free(unit);
	free(x);
	return rc;
}

/* ---- latency CDF ---------------------------------------------------------------------- */

/* Lists what name_sql finds when `what` is unknown; returns 2. */
static int pk_unknown(sqlite3 *h, const struct plot_opts *o, const char *option, const char *what,
		      const char *kind, const char *names_sql, char *err, size_t errlen)
{
	char *names = plot_list(h, names_sql);
	if (what)
		snprintf(err, errlen, "%s %s: no %s of that name in %s (it has: %s)", option, what, kind, o->db,
			 *names ? names : "none");
	else
		snprintf(err, errlen, "%s NAME is required; the %s in %s: %s", option, kind, o->db,
			 *names ? names : "none");
	free(names);
	return 2;
}

/* Buckets pooled per line: (label, hi, count) in line order, then by bound. */
static int pk_cdf_rows(sqlite3 *h, const struct plot_opts *o, const char *hist, struct pk_chart *c,
		       char *err, size_t errlen)
{
	char *label = plot_rest_expr(o, NULL), *cond = plot_run_condition(o);
	char *sql = label && cond ? sqlite3_mprintf(
		"SELECT r.model, COALESCE(%s, '') AS rest, h.lo, h.hi, SUM(h.count),"
		" MIN(MIN(r.run_id)) OVER (PARTITION BY r.model, COALESCE(%s, '')) AS first"
		" FROM histograms AS h JOIN runs AS r ON r.run_id = h.run_id"
		" WHERE h.name = %Q AND %s GROUP BY r.model, rest, h.lo, h.hi ORDER BY first, h.lo, h.hi",
		label, label, hist, cond) : NULL;
	sqlite3_free(label);
	sqlite3_free(cond);
	sqlite3_stmt *st = pk_prepare(h, o, sql, err, errlen);
	if (!st)
		return 2;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pk_line *l = pk_line(c, st, 0, 0);
		double count = sqlite3_column_double(st, 4);
		if (count <= 0)
			continue;
		if (l->npts == 0 && sqlite3_column_double(st, 2) > 0) {
			struct pk_point *start = pk_point(l, NULL); /* the curve starts at 0 */
			start->xnum = sqlite3_column_double(st, 2);
		}
		struct pk_point *p = pk_point(l, NULL);
		p->xnum = sqlite3_column_double(st, 3);
		p->y = count;
	}
	return pk_finish(h, o, st, rc, err, errlen);
}

/* The smallest and largest positive x of the chart's points. */
static void pk_x_span(const struct pk_chart *c, double *lo, double *hi)
{
	*lo = INFINITY;
	*hi = 0;
	for (int i = 0; i < c->nlines; i++)
		for (int j = 0; j < c->lines[i].npts; j++)
			if (c->lines[i].pts[j].xnum > 0) {
				*lo = fmin(*lo, c->lines[i].pts[j].xnum);
				*hi = fmax(*hi, c->lines[i].pts[j].xnum);
			}
}

/* Six tics spread evenly over the log axis, with the fewest significant
 * digits (from two) that keep them apart:
 * gnuplot's own log tics sit at decades only, so a CDF within one decade
 * would get a single label. The range hugs the data. */
static void pk_log_tics(struct plot_buf *b, double lo, double hi)
{
	char tic[6][32];
	int digits = 2;
	for (int distinct = 0; !distinct && digits <= 8; digits += !distinct) {
		distinct = 1;
		for (int k = 0; k <= 5; k++) {
			snprintf(tic[k], sizeof tic[k], "%.*g", digits, lo * pow(hi / lo, k / 5.0));
			distinct &= k == 0 || strcmp(tic[k], tic[k - 1]) != 0;
		}
	}
	pb_printf(b, "set xtics (");
	for (int k = 0; k <= 5; k++)
		pb_printf(b, "%s%s", k ? ", " : "", tic[k]);
	pb_printf(b, ")\nset format x '%%g'\nset xrange [%.17g:%.17g]\n", lo / 1.02, hi * 1.02);
}

/* The latency axis of a CDF or tail chart: in the time unit of the largest
 * bound, log scaled when the data span more than a decade, else linear
 * (a CDF within 100-103 ms then spreads over the whole width). Writes the
 * label; returns the unit. */
static struct plot_unit pk_latency_axis(struct plot_buf *b, const struct pk_chart *c, const char *hist,
					char *xlabel, size_t len)
{
	double lo, hi;
	pk_x_span(c, &lo, &hi);
	struct plot_unit u = plot_time_unit(hi);
	int log = hi > 0 && hi / lo > 10;
	snprintf(xlabel, len, "%s (%s%s)", hist, u.label, log ? ", log scale" : "");
	if (log) {
		pb_printf(b, "set logscale x 10\n");
		pk_log_tics(b, lo * u.scale, hi * u.scale);
	} else if (hi > lo) {
		double pad = 0.02 * (hi - lo) * u.scale;
		pb_printf(b, "set xrange [%.17g:%.17g]\n", lo * u.scale - pad, hi * u.scale + pad);
	}
	return u;
}

/* Turns bucket counts into cumulative fractions (tail: the fraction above
 * the bucket's upper bound, leaving out the last point's 0, which a log
 * axis cannot show), x into the unit. */
static void pk_cdf_data(struct plot_buf *b, struct pk_chart *c, double scale, int tail)
{
	for (int i = 0; i < c->nlines; i++) {
		struct pk_line *l = &c->lines[i];
		double total = 0, cum = 0;
		for (int j = 0; j < l->npts; j++)
			total += l->pts[j].y;
		pb_printf(b, tail ? "$D%d << EOD\n# latency fraction_above\n" : "$D%d << EOD\n# latency cumulative_fraction\n", i);
		for (int j = 0; j < l->npts; j++) {
			cum += l->pts[j].y;
			double f = total > 0 ? cum / total : 0;
			if (tail && (j == 0 || total - cum <= 0))
				continue;
			pb_printf(b, "%.17g %.17g\n", l->pts[j].xnum * scale, tail ? (total - cum) / total : f);
		}
		pb_printf(b, "EOD\n");
	}
}

/* Leaves out lines without observations (a model that completed nothing
 * in the window), saying so on stderr. */
static void pk_drop_empty(struct pk_chart *c, const char *hist)
{
	int kept = 0;
	for (int i = 0; i < c->nlines; i++) {
		if (c->lines[i].npts > 0) {
			c->lines[kept++] = c->lines[i];
			continue;
		}
		fprintf(stderr, "gmpsim plot: note: %s has no %s observations; left out\n", c->lines[i].label, hist);
		free(c->lines[i].label);
		free(c->lines[i].pts);
	}
	c->nlines = kept;
}

/* The pooled histogram of the selected runs per line into c, empty lines
 * left out; 0, or 2 with err. */
static int pk_hist_chart(sqlite3 *h, const struct plot_opts *o, const char *hist, struct pk_chart *c,
			 char *err, size_t errlen)
{
	char *sql = sqlite3_mprintf("SELECT 1 FROM histograms WHERE name = %Q LIMIT 1", hist);
	char *found = sql ? qdb_first_text(h, sql) : NULL;
	sqlite3_free(sql);
	if (!found)
		return pk_unknown(h, o, "--hist", hist, "histogram",
				  "SELECT DISTINCT name AS v FROM histograms ORDER BY name", err, errlen);
	free(found);
	int rc = pk_cdf_rows(h, o, hist, c, err, errlen);
	if (!rc)
		pk_drop_empty(c, hist);
	if (!rc && c->nlines == 0) {
		snprintf(err, errlen, "%s: no complete run has histogram %s with the --where/--run selection", o->db, hist);
		rc = 2;
	}
	return rc;
}

int plot_cdf(sqlite3 *h, const struct plot_opts *o, struct plot_buf *b, char *err, size_t errlen)
{
	const char *hist = o->hist ? o->hist : "latency";
	struct pk_chart c = { 0 };
	int rc = pk_hist_chart(h, o, hist, &c, err, errlen);
	if (!rc) {
		char title[1024], xlabel[256];
		char *scen = plot_scenarios(h, o);
		snprintf(title, sizeof title, "%s CDF (%s)", hist, scen);
		free(scen);
		struct plot_buf axis = { 0 };
		struct plot_unit u = pk_latency_axis(&axis, &c, hist, xlabel, sizeof xlabel);
		pk_header(b, o, &c, title, xlabel, "cumulative fraction of observations");
		pb_printf(b, "%sset yrange [0:1.02]\n", axis.s ? axis.s : "");
		pb_free(&axis);
		pk_cdf_data(b, &c, u.scale, 0);
		pk_plot_command(b, &c, "using 1:2 with lines lw 2");
	}
	pk_free(&c);
	return rc;
}

/* The most observations of any line: the tail axis reaches 1 / that. */
static double pk_max_total(const struct pk_chart *c)
{
	double max = 1;
	for (int i = 0; i < c->nlines; i++) {
		double total = 0;
		for (int j = 0; j < c->lines[i].npts; j++)
			total += c->lines[i].pts[j].y;
		max = fmax(max, total);
	}
	return max;
}

int plot_tail(sqlite3 *h, const struct plot_opts *o, struct plot_buf *b, char *err, size_t errlen)
{
	const char *hist = o->hist ? o->hist : "latency";
	struct pk_chart c = { 0 };
	int rc = pk_hist_chart(h, o, hist, &c, err, errlen);
	if (!rc) {
		char title[1024], xlabel[256];
		char *scen = plot_scenarios(h, o);
		snprintf(title, sizeof title, "%s tail (%s): where each line crosses p99 is its 99th percentile", hist, scen);
		free(scen);
		struct plot_buf axis = { 0 };
		struct plot_unit u = pk_latency_axis(&axis, &c, hist, xlabel, sizeof xlabel);
		pk_header(b, o, &c, title, xlabel, "fraction of observations above (log scale)");
		double ymin = pow(10, floor(log10(1 / pk_max_total(&c))));
		pb_printf(b, "%sset logscale y 10\nset yrange [%.17g:1]\n", axis.s ? axis.s : "", ymin);
		pb_printf(b, "set ytics ('1' 1, 'p90  0.1' 0.1, 'p99  0.01' 0.01, 'p99.9  0.001' 0.001, "
			  "'p99.99  1e-4' 1e-4, '1e-5' 1e-5, '1e-6' 1e-6)\n");
		pb_free(&axis);
		pk_cdf_data(b, &c, u.scale, 1);
		pk_plot_command(b, &c, "using 1:2 with lines lw 2");
	}
	pk_free(&c);
	return rc;
}

/* ---- time series ------------------------------------------------------------------------ */

static int pk_series_rows(sqlite3 *h, const struct plot_opts *o, struct pk_chart *c, char *err, size_t errlen)
{
	char *label = plot_rest_expr(o, NULL), *cond = plot_run_condition(o);
	char *sql = label && cond ? sqlite3_mprintf(
		"SELECT r.model, %s, r.run_id, t.t_ns, t.value FROM timeseries AS t JOIN runs AS r ON r.run_id = t.run_id"
		" WHERE t.name = %Q AND %s ORDER BY r.run_id, t.t_ns", label, o->series, cond) : NULL;
	sqlite3_free(label);
	sqlite3_free(cond);
	sqlite3_stmt *st = pk_prepare(h, o, sql, err, errlen);
	if (!st)
		return 2;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pk_line *l = pk_line(c, st, sqlite3_column_int64(st, 2), 1);
		struct pk_point *p = pk_point(l, NULL);
		p->xnum = sqlite3_column_double(st, 3) / 1e9;
		p->y = sqlite3_column_double(st, 4);
	}
	return pk_finish(h, o, st, rc, err, errlen);
}

/* Lines whose label repeats (repetitions, or runs the swept keys do not
 * tell apart) get " run N" so the legend names each one. */
static void pk_series_titles(struct pk_chart *c)
{
	int *repeats = calloc((size_t)c->nlines + 1, sizeof *repeats);
	if (!repeats)
		abort();
	for (int i = 0; i < c->nlines; i++)
		for (int j = 0; j < c->nlines; j++)
			repeats[i] += j != i && strcmp(c->lines[i].label, c->lines[j].label) == 0;
	for (int i = 0; i < c->nlines; i++) {
		if (!repeats[i])
			continue;
		size_t n = strlen(c->lines[i].label) + 32;
		char *t = malloc(n);
		if (!t)
			abort();
		snprintf(t, n, "%s run %lld", c->lines[i].label, c->lines[i].run_id);
		free(c->lines[i].label);
		c->lines[i].label = t;
	}
	free(repeats);
}

int plot_series(sqlite3 *h, const struct plot_opts *o, struct plot_buf *b, char *err, size_t errlen)
{
	const char *names = "SELECT DISTINCT name AS v FROM timeseries ORDER BY name";
	char *found = NULL;
	if (o->series) {
		char *sql = sqlite3_mprintf("SELECT 1 FROM timeseries WHERE name = %Q LIMIT 1", o->series);
		found = sql ? qdb_first_text(h, sql) : NULL;
		sqlite3_free(sql);
	}
	if (!found)
		return pk_unknown(h, o, "--series", o->series, "time series", names, err, errlen);
	free(found);
	struct pk_chart c = { 0 };
	int rc = pk_series_rows(h, o, &c, err, errlen);
	if (!rc && c.nlines == 0) {
		snprintf(err, errlen, "%s: no complete run has series %s with the --where/--run selection",
			 o->db, o->series);
		rc = 2;
	}
	if (!rc) {
		char title[1024], ylabel[256];
		char *scen = plot_scenarios(h, o);
		snprintf(title, sizeof title, "%s over virtual time (%s)", o->series, scen);
		struct plot_unit unit = plot_series_unit(o->series);
		snprintf(ylabel, sizeof ylabel, "%s (%s)", o->series,
			 strcmp(unit.label, o->series) ? unit.label : "count");
		free(scen);
		pk_series_titles(&c);
		pk_header(b, o, &c, title, "virtual time (s)", ylabel);
		double lo = INFINITY, hi = -INFINITY;
		for (int i = 0; i < c.nlines; i++)
			for (int j = 0; j < c.lines[i].npts; j++) {
				lo = fmin(lo, c.lines[i].pts[j].y * unit.scale);
				hi = fmax(hi, c.lines[i].pts[j].y * unit.scale);
			}
		if (lo >= 0)  /* counts and sizes: from zero */
			pb_printf(b, "set yrange [0:%.17g]\n", hi > 0 ? hi * 1.08 : 1);
		for (int i = 0; i < c.nlines; i++) {
			pb_printf(b, "$D%d << EOD\n# t_s value\n", i);
			for (int j = 0; j < c.lines[i].npts; j++)
				pb_printf(b, "%.17g %.17g\n", c.lines[i].pts[j].xnum, c.lines[i].pts[j].y * unit.scale);
			pb_printf(b, "EOD\n");
		}
		pk_plot_command(b, &c, "using 1:2 with lines lw 2");
	}
	pk_free(&c);
	return rc;
}
