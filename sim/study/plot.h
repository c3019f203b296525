/* sim/study/plot.h — what the plot kinds share (sim/study/plot.c,
 * plot_axes.c, plot_kinds.c; used by sim/cli/cmd_plot.c): the options, run selection, a growable text buffer for
 * the gnuplot script, and the units shown on the axes. */
#ifndef GMPSIM_PLOT_H
#define GMPSIM_PLOT_H
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

enum { PLOT_MAX_WHERE = 32, PLOT_MAX_RUNS = 256 };

struct plot_opts {
	const char *db, *kind, *out;
	const char *metric, *x, *series, *hist, *title;
	const char *where_key[PLOT_MAX_WHERE], *where_value[PLOT_MAX_WHERE];
	char *where_owned[PLOT_MAX_WHERE];
	int nwhere;
	long long runs[PLOT_MAX_RUNS];
	int nruns;
	bool png_too;
};

/* A growable NUL-terminated text; allocation failure aborts. */
struct plot_buf { char *s; size_t len, cap; };
void pb_printf(struct plot_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a gnuplot single-quoted string. */
void pb_quoted(struct plot_buf *b, const char *s);
void pb_free(struct plot_buf *b);

/* The SQL condition (on runs AS r) that selects complete runs matching the
 * --run and --where options; sqlite3_mprintf'd. */
char *plot_run_condition(const struct plot_opts *o);
/* The --where keys as an SQL list of literals ("'', 'a', 'b'");
 * sqlite3_mprintf'd. */
char *plot_where_keys(const struct plot_opts *o);
/* The SQL expression for what tells a run's line apart besides its
 * model: the swept axes' values other than `except` and the --where keys
 * ("machine.numa.nodes=2"), NULL when none. Keys a sweep did not set but
 * that follow from an axis (machine.numa.cores_per_node from
 * machine.numa.nodes) are left out when the database lists its axes
 * (sweep_axes). sqlite3_mprintf'd. */
char *plot_rest_expr(const struct plot_opts *o, const char *except);
/* "machine.numa.nodes=2, models.gmp.gomaxprocs=8" as "nodes=2,
 * gomaxprocs=8" for a legend: each key by its last component, unless two
 * keys would then read alike (models.gmp.stack, models.threads.stack:
 * then all kept whole), or a part is not KEY=VALUE. malloc'd. */
char *plot_short_keys(const char *rest);
/* strdup that aborts on OOM. */
char *plot_strdup(const char *s);
/* The scenario names of the selected runs, ", "-separated (malloc'd). */
char *plot_scenarios(sqlite3 *h, const struct plot_opts *o);
/* Comma-separated distinct values of sql's first column (malloc'd; "" when none). */
char *plot_list(sqlite3 *h, const char *sql);

/* How a unit is shown on an axis: the factor from stored values and the label. */
struct plot_unit { double scale; const char *label; };
struct plot_unit plot_metric_unit(const char *stored_unit);
/* How a time series is shown: heap in MiB, the others as stored. */
struct plot_unit plot_series_unit(const char *series);

/* A time unit for values up to max_ns: s, ms, µs or ns, so that tick
 * labels have few digits (sim/study/plot_axes.c). */
struct plot_unit plot_time_unit(double max_ns);
/* x: log (base 2 for a doubling series, else 10) when the positive values
 * form a geometric series of 3+ values or span more than a factor 10;
 * tics at the values themselves when there are 12 or fewer. */
int plot_x_is_log(const double *xs, int n);
void plot_x_axis(struct plot_buf *b, const double *xs, int n);
/* y: log when lo > 0 and hi / lo >= 100; else from zero when lo >= 0
 * (never a negative axis for values that cannot be negative). */
int plot_y_is_log(double lo, double hi);
void plot_y_axis(struct plot_buf *b, double lo, double hi);
/* A line's look: colour by model (gmp, threads, pool fixed; others by
 * model_order), dash and point type by the other swept values' order. */
const char *plot_model_colour(const char *model, int model_order);
void plot_line_style(struct plot_buf *b, const char *model, int model_order, int rest_order);
/* The legend: above the graph for up to 6 lines (two columns from 5),
 * else in a column beside it. */
void plot_key(struct plot_buf *b, int nlines);

/* Half the width of the 95% confidence interval of the mean of n values:
 * t(0.975, n-1) * sd / sqrt(n) (Student t, GSL); 0 when n < 2. */
double plot_ci95_halfwidth(const double *vals, int n);

/* Each kind builds the gnuplot script body into b. Return 0, or the exit
 * status (2) with err: unknown metric/series/histogram, no data. */
int plot_metric(sqlite3 *h, const struct plot_opts *o, struct plot_buf *b, char *err, size_t errlen);
int plot_cdf(sqlite3 *h, const struct plot_opts *o, struct plot_buf *b, char *err, size_t errlen);
int plot_series(sqlite3 *h, const struct plot_opts *o, struct plot_buf *b, char *err, size_t errlen);
/* The latency tail: the fraction of observations above x, log scaled, with
 * the p90/p99/p99.9 levels marked, so p99s a percent apart separate. */
int plot_tail(sqlite3 *h, const struct plot_opts *o, struct plot_buf *b, char *err, size_t errlen);

#endif
