/* sim/core/summary.h — the end-of-run summary of n durations (count, mean,
 * max, chosen quantiles, log-linear histogram) without sorting them.
 * Every figure equals what stats_sort_ns + stats_quantile_sorted +
 * stats_hist_run give on the same samples, bit for bit. Must not know what
 * the numbers mean. */
#ifndef GMPSIM_SUMMARY_H
#define GMPSIM_SUMMARY_H
#include "types.h"

enum { SUMMARY_MAX_Q = 8 };

struct summary {
	int64_t n;
	double mean;                 /* as a double sum over the sorted samples */
	sim_ns max;
	double q[SUMMARY_MAX_Q];        /* q[i]: the qs[i]-quantile (stats.h's interpolation) */
	int first;                   /* bucket index of count[0] */
	int nbuckets;
	int64_t *count;              /* samples per bucket, first .. first+nbuckets-1 */
};

/* Summarises a[0..n-1] (n >= 1, non-negative; a is left as it was, or
 * sorted where the mean could not be had exactly otherwise) with the nq
 * <= SUMMARY_MAX_Q quantiles qs. One pass counts the samples per bucket (the
 * buckets of stats_hist_bucket), a second collects the few buckets where
 * the quantiles' ranks fall and sorts those alone. summary_free releases it. */
void summary_of(struct summary *d, sim_ns *a, int64_t n, const double *qs, int nq);
/* The next non-empty bucket at or after index *i: its bounds and count;
 * 0 when there is none. Start with *i = 0. */
int summary_next_bucket(const struct summary *d, int *i, sim_ns *lo, sim_ns *hi, int64_t *count);
void summary_free(struct summary *d);

#endif
