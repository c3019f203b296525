/* sim/study/dispersion.c — the UNSTABLE rule: do a model's repetitions
 * agree? (dispersion.h has the rules and their reasons.) Must not print
 * or read a database. */
#include "dispersion.h"
#include "units.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median_sorted(const double *s, int n)
{
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* Splits sorted s[0..n) at the widest gap, on a log scale when every value
 * is positive (a factor, as max / min is), else linearly. */
static void split_groups(const double *s, int n, struct disp_result *r)
{
	int cut = 1;
	double widest = -1;
	for (int i = 1; i < n; i++) {
		double gap = s[0] > 0 ? log(s[i] / s[i - 1]) : s[i] - s[i - 1];
		if (gap > widest)
			widest = gap, cut = i;
	}
	r->lo_min = s[0], r->lo_max = s[cut - 1], r->lo_n = cut;
	r->hi_min = s[cut], r->hi_max = s[n - 1], r->hi_n = n - cut;
}

/* hyperfine's modified Z-scores against the median absolute deviation. */
static void find_outlier(const double *x, int nx, const double *s, int n, struct disp_result *r)
{
	double *dev = malloc(sizeof *dev * (size_t)n);
	if (!dev)
		return;
	for (int i = 0; i < n; i++)
		dev[i] = fabs(s[i] - r->median);
	qsort(dev, (size_t)n, sizeof *dev, cmp_double);
	double mad = median_sorted(dev, n);
	free(dev);
	for (int i = 0; i < nx; i++) {
		if (!isfinite(x[i]))
			continue;
		double d = fabs(x[i] - r->median);
		double z = mad > 0 ? d / mad : (d > 0 ? INFINITY : 0);
		if (z <= DISP_OUTLIER_Z || !(d > DISP_OUTLIER_REL * fabs(r->median)))
			continue;
		r->outliers++;
		if (r->verdict != DISP_OUTLIER || d > fabs(r->outlier - r->median))
			r->verdict = DISP_OUTLIER, r->outlier = x[i], r->outlier_index = i, r->z = z;
	}
}

void disp_check(const double *x, int n, struct disp_result *out)
{
	memset(out, 0, sizeof *out);
	double *s = malloc(sizeof *s * (size_t)(n > 0 ? n : 1));
	for (int i = 0; s && i < n; i++)
		if (isfinite(x[i]))
			s[out->n++] = x[i];
	if (!s || out->n < 2) {
		free(s);
		return;
	}
	qsort(s, (size_t)out->n, sizeof *s, cmp_double);
	out->min = s[0], out->max = s[out->n - 1], out->median = median_sorted(s, out->n);
	if (out->max > 0 && (out->min <= 0 || out->max / out->min > DISP_SPLIT_SPAN)) {
		out->verdict = DISP_SPLIT;
		split_groups(s, out->n, out);
	} else if (out->n >= 3) {
		find_outlier(x, n, s, out->n, out);
	}
	free(s);
}

static const char *fmt_v(double v, double scale, char *buf, size_t len)
{
	double x = v / scale;
	if (fabs(x) >= 1000)
		unit_fmt_count(x, buf, len);
	else
		snprintf(buf, len, "%.4g", x);
	return buf;
}

const char *disp_reason(const struct disp_result *r, const char *unit, double scale, char *buf, size_t len)
{
	char a[32], b[32], c[32], d[32];
	if (r->verdict == DISP_SPLIT) {
		char span[48];
		if (r->min > 0)
			snprintf(span, sizeof span, "%.2f", r->max / r->min);
		else
			snprintf(span, sizeof span, "unbounded (a rep had none)");
		snprintf(buf, len, "reps split into two groups, %s-%s%s (%d rep%s) and %s-%s%s (%d rep%s): "
			 "max/min %s > %.1f", fmt_v(r->lo_min, scale, a, sizeof a), fmt_v(r->lo_max, scale, b, sizeof b),
			 unit, r->lo_n, r->lo_n == 1 ? "" : "s", fmt_v(r->hi_min, scale, c, sizeof c),
			 fmt_v(r->hi_max, scale, d, sizeof d), unit, r->hi_n, r->hi_n == 1 ? "" : "s", span,
			 DISP_SPLIT_SPAN);
	} else if (r->verdict == DISP_OUTLIER) {
		char z[48];
		if (isfinite(r->z))
			snprintf(z, sizeof z, "%.1f", r->z);
		else
			snprintf(z, sizeof z, "infinite (the others agree exactly)");
		snprintf(buf, len, "%d outlier%s, e.g. %s%s against a median of %s%s (modified Z-score %s > %.1f, "
			 "and %.0f%% off)", r->outliers, r->outliers == 1 ? "" : "s", fmt_v(r->outlier, scale, a, sizeof a),
			 unit, fmt_v(r->median, scale, b, sizeof b), unit, z, DISP_OUTLIER_Z,
			 100 * fabs(r->outlier - r->median) / fabs(r->median));
	} else {
		snprintf(buf, len, "reps agree");
	}
	return buf;
}
