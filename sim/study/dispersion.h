/* sim/study/dispersion.h — whether a model's repetitions agree: the
 * UNSTABLE rule of `gmpsim compare` (and of sweep and capacity reports).
 *
 * Repetitions of one scenario with common random numbers differ by the
 * noise of the arrivals and demands, a few percent. Two things make a mean
 * and its t-interval describe none of the runs, and each is reported with
 * its reason:
 *
 *   split    the values span more than DISP_SPLIT_SPAN (max / min): the
 *            repetitions fell into different regimes (a model that keeps up
 *            in some and collapses in others). Reported as the two groups
 *            either side of the widest gap between sorted values (on a log
 *            scale), e.g. "2,029-2,279/s (3 reps) and 4,424-5,327/s (2 reps)".
 *   outlier  hyperfine's rule: a value whose modified Z-score
 *            |x - median| / MAD exceeds DISP_OUTLIER_Z (1.4826 x 10: ten
 *            standard deviations of a normal sample, estimated robustly from
 *            the median absolute deviation; Iglewicz and Hoaglin), and that
 *            is also more than DISP_OUTLIER_REL from the median, so that a
 *            1 % wobble among near-identical deterministic runs (MAD ~ 0)
 *            is not called an outlier.
 *
 * With 3-10 repetitions a bimodality test (Hartigan's dip) has no power;
 * these two rules say plainly what a reader would see in the values.
 * Pure functions: no I/O, no allocation beyond a scratch copy. */
#ifndef GMPSIM_DISPERSION_H
#define GMPSIM_DISPERSION_H
#include <stddef.h>

#define DISP_SPLIT_SPAN 1.5
#define DISP_OUTLIER_Z 14.826
#define DISP_OUTLIER_REL 0.10

enum disp_verdict { DISP_OK, DISP_SPLIT, DISP_OUTLIER };

struct disp_result {
	enum disp_verdict verdict;
	int n;                  /* finite values looked at */
	double min, max, median;
	/* DISP_SPLIT: the two groups, low and high */
	double lo_min, lo_max, hi_min, hi_max;
	int lo_n, hi_n;
	/* DISP_OUTLIER: the value farthest from the median, its index in x[] and its modified Z-score */
	double outlier, z;
	int outlier_index, outliers;
};

/* Judges x[0..n) (non-finite values are left out; fewer than 3 finite
 * values can only split, 2 values split when they span > DISP_SPLIT_SPAN).
 * A value <= 0 with a positive one is a split (unbounded span). */
void disp_check(const double *x, int n, struct disp_result *out);

/* One line saying why (nothing for DISP_OK): "reps split into two groups,
 * 2,029-2,279/s (3 reps) and 4,424-5,327/s (2 reps): max/min 2.63 > 1.5" or
 * "rep 3 is an outlier: 8,000/s against a median of 10,006/s (modified
 * Z-score 37.5 > 14.8, and 20% off)". unit follows each value ("/s", " ms"
 * ...); ms_scale divides values before printing (1 for rates, 1e6 for ns
 * shown in ms). Returns buf. */
const char *disp_reason(const struct disp_result *r, const char *unit, double scale, char *buf, size_t len);

#endif
