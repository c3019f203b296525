/* sim/core/stats.c — radix sort, quantiles and log-linear histogram buckets
 * for duration samples (stats.h).
 * No allocation besides the sort's scratch buffer. */
#include "bigarr.h"
#include "budget.h"
#include "stats.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 8-bit digits: the counts (2 KiB) stay in the L1 cache and cost no page
 * faults; a quantile's bucket of offsets below 2^16 takes two passes. */
enum { RADIX_BITS = 8, RADIX = 1 << RADIX_BITS };

/* One counting pass on the digit at `shift`, from src into dst. */
static void radix_pass(const sim_ns *src, sim_ns *dst, int64_t n, int shift, int64_t *count)
{
	memset(count, 0, sizeof(int64_t) * RADIX);
	for (int64_t i = 0; i < n; i++)
		count[((uint64_t)src[i] >> shift) & (RADIX - 1)]++;
	int64_t sum = 0;
	for (int d = 0; d < RADIX; d++) {
		int64_t c = count[d];
		count[d] = sum;
		sum += c;
	}
	for (int64_t i = 0; i < n; i++)
		dst[count[((uint64_t)src[i] >> shift) & (RADIX - 1)]++] = src[i];
}

void stats_sort_ns(sim_ns *a, int64_t n)
{
	if (n < 2)
		return;
	sim_ns max = 0;
	for (int64_t i = 0; i < n; i++)
		if (a[i] > max)
			max = a[i];
	sim_ns *tmp = big_scratch(sizeof *tmp * (size_t)n);
	int64_t count[RADIX];
	if (!tmp)
		bud_oom("sorting latency samples", (int64_t)(sizeof *tmp * (size_t)n));
	sim_ns *src = a, *dst = tmp;
	for (int shift = 0; shift < 64 && ((uint64_t)max >> shift) != 0; shift += RADIX_BITS) {
		radix_pass(src, dst, n, shift, count);
		sim_ns *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, sizeof *a * (size_t)n);
	big_scratch_free(tmp, sizeof *tmp * (size_t)n);
}

double stats_quantile_sorted(const sim_ns *a, int64_t n, double q)
{
	if (n == 0)
		return 0;
	double index = q * (double)(n - 1);
	int64_t lhs = (int64_t)index;
	double delta = index - (double)lhs;
	if (lhs >= n - 1)
		return (double)a[n - 1];
	return (1 - delta) * (double)a[lhs] + delta * (double)a[lhs + 1];
}

void stats_hist_bucket(sim_ns v, sim_ns *lo, sim_ns *hi)
{
	if (v < 0)
		v = 0;
	int top = 63 - __builtin_clzll((unsigned long long)v | 1);  /* floor(log2 v) */
	int shift = top > STATS_HIST_BITS ? top - STATS_HIST_BITS : 0;
	*lo = (sim_ns)(((uint64_t)v >> shift) << shift);
	*hi = *lo + ((sim_ns)1 << shift);
}

int64_t stats_hist_run(const sim_ns *a, int64_t n, int64_t i, sim_ns *lo, sim_ns *hi)
{
	stats_hist_bucket(a[i], lo, hi);
	while (i < n && a[i] < *hi)
		i++;
	return i;
}
