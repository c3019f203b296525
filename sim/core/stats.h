/* sim/core/stats.h — sorting durations and reading quantiles off them, for the
 * end-of-run metrics. Must not know what the numbers mean. */
#ifndef GMPSIM_STATS_H
#define GMPSIM_STATS_H
#include "types.h"

/* Sorts n non-negative durations ascending (LSD radix sort: linear time,
 * one n-sized scratch buffer). */
void stats_sort_ns(sim_ns *a, int64_t n);
/* The q-quantile (0..1) of sorted data, interpolated as GSL's
 * gsl_stats_quantile_from_sorted_data does. */
double stats_quantile_sorted(const sim_ns *a, int64_t n, double q);

#endif
