/* sim/study/plot_axes.c — how a chart's axes and lines look (plot.h):
 * a numeric x axis on a log scale where the values are a geometric series
 * or span more than a decade, a y axis from zero (or log where the values
 * span two decades), a time unit that keeps tick labels readable (µs for a
 * scheduling delay, not 0.00052 ms), and a colour per model with a dash
 * pattern per other swept value. Must not read the database.
 */
#include "plot.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- units ------------------------------------------------------------------ */

struct plot_unit plot_time_unit(double max_ns)
{
	if (max_ns >= 10e9)
		return (struct plot_unit){ 1e-9, "s" };
	if (max_ns >= 1e6)
		return (struct plot_unit){ 1e-6, "ms" };
	if (max_ns >= 1e3)
		return (struct plot_unit){ 1e-3, "µs" };
	return (struct plot_unit){ 1, "ns" };
}

/* ---- x axis ----------------------------------------------------------------- */

static int px_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The distinct values of xs, sorted, into out (malloc'd); their count. */
static int px_distinct(const double *xs, int n, double **out)
{
	double *d = malloc(sizeof *d * (size_t)(n ? n : 1));
	if (!d)
		abort();
	memcpy(d, xs, sizeof *d * (size_t)n);
	qsort(d, (size_t)n, sizeof *d, px_cmp);
	int k = 0;
	for (int i = 0; i < n; i++)
		if (k == 0 || d[i] != d[k - 1])
			d[k++] = d[i];
	*out = d;
	return k;
}

/* The common ratio of a positive geometric series of 3+ values (1, 2, 4,
 * 8: 2), else 0. */
static double px_geometric_ratio(const double *d, int k)
{
	if (k < 3 || d[0] <= 0)
		return 0;
	double r = d[1] / d[0];
	for (int i = 2; i < k; i++)
		if (fabs(d[i] / d[i - 1] - r) > 1e-9 * r)
			return 0;
	return r > 1 ? r : 0;
}

int plot_x_is_log(const double *xs, int n)
{
	double *d;
	int k = px_distinct(xs, n, &d);
	int log = k >= 2 && d[0] > 0 && (px_geometric_ratio(d, k) > 0 || d[k - 1] / d[0] > 10);
	free(d);
	return log;
}

void plot_x_axis(struct plot_buf *b, const double *xs, int n)
{
	double *d;
	int k = px_distinct(xs, n, &d);
	double ratio = px_geometric_ratio(d, k);
	if (plot_x_is_log(xs, n))
		pb_printf(b, "set logscale x %g\n", ratio == 2 ? 2.0 : 10.0);
	if (k <= 12) {  /* tics at the swept values themselves: 1, 2, 4, 8 */
		pb_printf(b, "set xtics (");
		for (int i = 0; i < k; i++)
			pb_printf(b, "%s%.17g", i ? ", " : "", d[i]);
		pb_printf(b, ")\nset format x '%%g'\n");
	} else if (plot_x_is_log(xs, n)) {  /* many values: 1-2-5 tics (gnuplot's sit at decades only) */
		pb_printf(b, "set xtics (");
		int first = 1;
		for (double dec = pow(10, floor(log10(d[0]))); dec <= d[k - 1]; dec *= 10)
			for (int m = 1; m <= 5; m += m == 1 ? 1 : 3) {
				double t = dec * m;
				if (t >= d[0] / 1.2 && t <= d[k - 1] * 1.2) {
					pb_printf(b, "%s%.17g", first ? "" : ", ", t);
					first = 0;
				}
			}
		pb_printf(b, ")\nset format x '%%g'\n");
	}
	if (k >= 2 && plot_x_is_log(xs, n))  /* a margin of 5% of the span, on the log scale */
		pb_printf(b, "set xrange [%.17g:%.17g]\n", d[0] / pow(d[k - 1] / d[0], 0.05),
			  d[k - 1] * pow(d[k - 1] / d[0], 0.05));
	else if (k >= 2)
		pb_printf(b, "set xrange [%.17g:%.17g]\n", d[0] - 0.05 * (d[k - 1] - d[0]),
			  d[k - 1] + 0.05 * (d[k - 1] - d[0]));
	free(d);
}

/* ---- y axis ----------------------------------------------------------------- */

int plot_y_is_log(double lo, double hi)
{
	return lo > 0 && hi / lo >= 100;
}

void plot_y_axis(struct plot_buf *b, double lo, double hi)
{
	if (plot_y_is_log(lo, hi))
		pb_printf(b, "set logscale y 10\nset yrange [%.17g:%.17g]\n", lo / 1.2, hi * 1.2);
	else if (lo >= 0)
		pb_printf(b, "set yrange [0:%.17g]\n", hi > 0 ? hi * 1.08 : 1);
}

/* ---- lines -------------------------------------------------------------------- */

/* The shipped models keep their colours on every chart; others take the
 * next free one in order of appearance. */
static const char *const px_palette[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
};
static const char *const px_models[] = { "gmp", "threads", "pool" };

const char *plot_model_colour(const char *model, int order)
{
	enum { NP = sizeof px_palette / sizeof px_palette[0], NM = sizeof px_models / sizeof px_models[0] };
	for (int i = 0; i < NM; i++)
		if (strcmp(model, px_models[i]) == 0)
			return px_palette[i];
	return px_palette[NM + order % (NP - NM)];
}

void plot_line_style(struct plot_buf *b, const char *model, int model_order, int rest_order)
{
	static const int points[] = { 7, 5, 9, 13, 11, 15 };
	pb_printf(b, "lc rgb '%s' dt %d pt %d", plot_model_colour(model, model_order), rest_order % 5 + 1,
		  points[rest_order % 6]);
}

void plot_key(struct plot_buf *b, int nlines)
{
	if (nlines > 6) {  /* many lines: a column beside the graph, which keeps its height */
		pb_printf(b, "set key outside right top vertical box Left reverse width 1 samplen 2\n");
		return;
	}
	/* above the graph, in columns; 'width' pads the box, whose size
	 * gnuplot estimates from the font and can undershoot */
	pb_printf(b, "set key above box Left reverse width 2 samplen 3 spacing 1.1 maxrows %d\n",
		  nlines > 4 ? (nlines + 1) / 2 : nlines);
}
