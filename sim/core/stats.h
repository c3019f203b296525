/* sim/core/stats.h — sorting durations, reading quantiles off them and
 * bucketing them into a log-linear histogram, for the end-of-run metrics.
 * Must not know what the numbers mean. */
#ifndef GMPSIM_STATS_H
#define GMPSIM_STATS_H
#include "types.h"

/* Sorts n non-negative durations ascending (LSD radix sort: linear time,
 * one n-sized scratch buffer). */
void stats_sort_ns(sim_ns *a, int64_t n);
/* The q-quantile (0..1) of sorted data, interpolated as GSL's
 * gsl_stats_quantile_from_sorted_data does. */
double stats_quantile_sorted(const sim_ns *a, int64_t n, double q);

/* Histogram buckets, HdrHistogram-style (log-linear): values below
 * 2^(STATS_HIST_BITS + 1) ns have a bucket each (1 ns wide); above, every
 * power of two [2^k, 2^(k+1)) is cut into 2^STATS_HIST_BITS equal buckets,
 * so a bucket is at most 2^-STATS_HIST_BITS (0.098%) of its lower bound
 * wide. Any quantile read off the buckets (a bucket's bounds) is then
 * within 0.1% of the exact one — what separates two p99s 1% apart. */
enum { STATS_HIST_BITS = 10 };
/* The bucket [*lo, *hi) holding v >= 0. */
void stats_hist_bucket(sim_ns v, sim_ns *lo, sim_ns *hi);
/* For sorted a: the bucket [*lo, *hi) of a[i] and the index just past
 * the samples in it (so a[i .. return-1] is the bucket's count). */
int64_t stats_hist_run(const sim_ns *a, int64_t n, int64_t i, sim_ns *lo, sim_ns *hi);

#endif
