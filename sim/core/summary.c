/* sim/core/summary.c — count, mean, max, quantiles and histogram of durations
 * without a full sort (summary.h).
 *
 * A full radix sort of every latency (two scattering passes over the
 * samples and a scratch copy touched for the first time) was the single
 * largest end-of-run cost. The histogram needs only the count per bucket,
 * the mean only the sum, and a quantile only the samples of the one bucket
 * its rank falls in: those few buckets are gathered and sorted alone.
 * The mean is the integer sum converted once; that is the double sum over
 * the sorted samples bit for bit while the sum stays below 2^53 (every
 * partial sum is then an exact integer); above it the samples are sorted
 * and summed in order as before. */
#include "bigarr.h"
#include "budget.h"
#include "summary.h"
#include "stats.h"
#include <stdlib.h>
#include <string.h>

/* The index of stats_hist_bucket's bucket holding v: 1-ns buckets below
 * 2^(B+1), then 2^B per power of two, numbered without gaps. */
static int bucket_index(sim_ns v)
{
	uint64_t u = v < 0 ? 0 : (uint64_t)v;
	int top = 63 - __builtin_clzll(u | 1);
	int shift = top > STATS_HIST_BITS ? top - STATS_HIST_BITS : 0;
	return (shift << STATS_HIST_BITS) + (int)(u >> shift);
}

static void bucket_bounds(int idx, sim_ns *lo, sim_ns *hi)
{
	int shift = idx < (2 << STATS_HIST_BITS) ? 0 : (idx >> STATS_HIST_BITS) - 1;
	*lo = (sim_ns)(idx - (shift << STATS_HIST_BITS)) << shift;
	*hi = *lo + ((sim_ns)1 << shift);
}

/* Zeroed; a large one in huge pages (bigarr.h: a fault per 2 MiB, not per
 * 4 KiB). summary_release takes the same n and size. */
static void *summary_alloc(size_t n, size_t size, const char *what)
{
	void *p = big_scratch((n ? n : 1) * size);
	if (!p)
		bud_oom(what, (int64_t)(n * size));
	return p;
}

static void summary_release(void *p, size_t n, size_t size) { big_scratch_free(p, (n ? n : 1) * size); }

/* Max, and the mean as the sorted double sum would give it; sorts a when
 * the integer sum reaches 2^53. */
static void summary_mean_max(struct summary *d, sim_ns *a, int64_t n, sim_ns *min)
{
	uint64_t sum = 0;
	int inexact = 0;
	sim_ns lo = a[0], hi = a[0];
	for (int64_t i = 0; i < n; i++) {
		sim_ns v = a[i];
		inexact |= __builtin_add_overflow(sum, (uint64_t)v, &sum);
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	d->max = hi;
	*min = lo;
	if (!inexact && sum < ((uint64_t)1 << 53)) {
		d->mean = (double)sum / (double)n;
		return;
	}
	stats_sort_ns(a, n);
	double s = 0;
	for (int64_t i = 0; i < n; i++)
		s += (double)a[i];
	d->mean = s / (double)n;
}

static int cmp_ns(const void *x, const void *y)
{
	sim_ns a = *(const sim_ns *)x, b = *(const sim_ns *)y;
	return (a > b) - (a < b);
}

/* A bucket this full is sorted by stats_sort_ns (counting passes over
 * 8-bit digits) instead of qsort: the median's bucket of a run's latencies
 * holds tens of thousands of samples. */
enum { SUMMARY_RADIX_MIN = 4096 };

/* Sorts the n samples of bucket idx, whose bounds are [lo, lo + width):
 * as offsets from lo, a bucket at most 2^16 ns wide takes two radix passes.
 * Either way the same ascending order. */
static void sort_bucket(sim_ns *a, int64_t n, int idx)
{
	if (n < SUMMARY_RADIX_MIN) {
		qsort(a, (size_t)n, sizeof *a, cmp_ns);
		return;
	}
	sim_ns lo, hi;
	bucket_bounds(idx, &lo, &hi);
	for (int64_t i = 0; i < n; i++)
		a[i] -= lo;
	stats_sort_ns(a, n);
	for (int64_t i = 0; i < n; i++)
		a[i] += lo;
}

/* The quantiles' ranks, their buckets gathered and sorted: the sample at
 * rank r is seg[slot][r - start[slot]] of the bucket holding r. */
struct summary_pick {
	int nslot;
	int bucket[2 * SUMMARY_MAX_Q];
	int64_t start[2 * SUMMARY_MAX_Q];   /* rank of the bucket's first sample */
	int64_t fill[2 * SUMMARY_MAX_Q];
	sim_ns *seg[2 * SUMMARY_MAX_Q];
	int64_t total;                      /* samples gathered */
};

/* The slot of the bucket holding rank r, added when new. */
static int pick_rank(struct summary_pick *p, const struct summary *d, int64_t r)
{
	int64_t cum = 0;
	int b = 0;
	while (cum + d->count[b] <= r)
		cum += d->count[b++];
	for (int s = 0; s < p->nslot; s++)
		if (p->bucket[s] == b)
			return s;
	p->bucket[p->nslot] = b;
	p->start[p->nslot] = cum;
	return p->nslot++;
}

/* One pass collecting the picked buckets' samples, each bucket sorted. */
static sim_ns *pick_gather(struct summary_pick *p, const struct summary *d, const sim_ns *a, int64_t n)
{
	int8_t *slot_of = summary_alloc((size_t)d->nbuckets, 1, "quantile buckets");
	int64_t total = 0;
	for (int s = 0; s < p->nslot; s++) {
		slot_of[p->bucket[s]] = (int8_t)(s + 1);
		total += d->count[p->bucket[s]];
	}
	sim_ns *buf = summary_alloc((size_t)total, sizeof *buf, "quantile samples");
	sim_ns *next = buf;
	for (int s = 0; s < p->nslot; s++) {
		p->seg[s] = next;
		next += d->count[p->bucket[s]];
	}
	for (int64_t i = 0; i < n; i++) {
		int s = slot_of[bucket_index(a[i]) - d->first];
		if (s)
			p->seg[s - 1][p->fill[s - 1]++] = a[i];
	}
	for (int s = 0; s < p->nslot; s++)
		sort_bucket(p->seg[s], p->fill[s], d->first + p->bucket[s]);
	summary_release(slot_of, (size_t)d->nbuckets, 1);
	p->total = total;
	return buf;
}

/* stats_quantile_sorted's interpolation, the ranks' samples picked. */
static void summary_quantiles(struct summary *d, const sim_ns *a, int64_t n, const double *qs, int nq)
{
	struct summary_pick p = { 0 };
	int lslot[SUMMARY_MAX_Q], hslot[SUMMARY_MAX_Q];
	int64_t lhs[SUMMARY_MAX_Q];
	for (int k = 0; k < nq; k++) {
		lhs[k] = (int64_t)(qs[k] * (double)(n - 1));
		if (lhs[k] >= n - 1)
			continue;
		lslot[k] = pick_rank(&p, d, lhs[k]);
		hslot[k] = pick_rank(&p, d, lhs[k] + 1);
	}
	sim_ns *buf = pick_gather(&p, d, a, n);
	for (int k = 0; k < nq; k++) {
		if (lhs[k] >= n - 1) {
			d->q[k] = (double)d->max;
			continue;
		}
		double index = qs[k] * (double)(n - 1), delta = index - (double)lhs[k];
		sim_ns lo = p.seg[lslot[k]][lhs[k] - p.start[lslot[k]]];
		sim_ns hi = p.seg[hslot[k]][lhs[k] + 1 - p.start[hslot[k]]];
		d->q[k] = (1 - delta) * (double)lo + delta * (double)hi;
	}
	summary_release(buf, (size_t)p.total, sizeof *buf);
}

void summary_of(struct summary *d, sim_ns *a, int64_t n, const double *qs, int nq)
{
	memset(d, 0, sizeof *d);
	d->n = n;
	sim_ns min;
	summary_mean_max(d, a, n, &min);
	d->first = bucket_index(min);
	d->nbuckets = bucket_index(d->max) - d->first + 1;
	d->count = summary_alloc((size_t)d->nbuckets, sizeof *d->count, "latency buckets");
	for (int64_t i = 0; i < n; i++)
		d->count[bucket_index(a[i]) - d->first]++;
	summary_quantiles(d, a, n, qs, nq);
}

int summary_next_bucket(const struct summary *d, int *i, sim_ns *lo, sim_ns *hi, int64_t *count)
{
	while (*i < d->nbuckets && d->count[*i] == 0)
		(*i)++;
	if (*i >= d->nbuckets)
		return 0;
	bucket_bounds(d->first + *i, lo, hi);
	*count = d->count[(*i)++];
	return 1;
}

void summary_free(struct summary *d)
{
	if (d->count)
		summary_release(d->count, (size_t)d->nbuckets, sizeof *d->count);
	d->count = NULL;
}
