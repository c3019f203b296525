/* tests/test_stats.c — the radix sort against qsort, quantiles against
 * GSL's gsl_stats_quantile_from_sorted_data, and the log-linear histogram
 * buckets: they tile the line, are at most 0.1% wide, and a quantile read
 * off them is within 0.1% of the exact one. */
#include "testutil.h"
#include "stats.h"
#include "rng.h"
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>

static int cmp(const void *a, const void *b)
{
	sim_ns x = *(const sim_ns *)a, y = *(const sim_ns *)b;
	return (x > y) - (x < y);
}

static void test_radix_matches_qsort(void **state)
{
	(void)state;
	enum { N = 100000 };
	sim_ns *a = malloc(sizeof *a * N), *b = malloc(sizeof *b * N);
	for (int shape = 0; shape < 3; shape++) {
		for (int i = 0; i < N; i++) {
			uint64_t r = rng_mix(shape, (uint64_t)i);
			a[i] = shape == 0 ? (sim_ns)(r % 1000) : shape == 1 ? (sim_ns)(r >> 2) : (sim_ns)(r % 3000000000ULL);
			b[i] = a[i];
		}
		stats_sort_ns(a, N);
		qsort(b, N, sizeof *b, cmp);
		assert_memory_equal(a, b, sizeof *a * N);
	}
	free(a);
	free(b);
}

static void test_quantiles_match_gsl(void **state)
{
	(void)state;
	sim_ns a[7] = { 1, 3, 3, 10, 50, 51, 1000 };
	double d[7];
	for (int i = 0; i < 7; i++)
		d[i] = (double)a[i];
	double qs[] = { 0, 0.1, 0.5, 0.9, 0.99, 0.999, 1 };
	for (int i = 0; i < 7; i++)
		assert_true(stats_quantile_sorted(a, 7, qs[i]) == gsl_stats_quantile_from_sorted_data(d, 1, 7, qs[i]));
}

/* Each bucket holds its value, touches its neighbours (no gap, no
 * overlap) and is at most 2^-10 of its lower bound wide (1 ns below 2048
 * ns): checked at every value to 5,000 ns and at 256 values per power of
 * two up to 2^40 ns (18 minutes). */
static void check_bucket(sim_ns v)
{
	sim_ns lo, hi, l2, h2;
	stats_hist_bucket(v, &lo, &hi);
	assert_true(lo <= v && v < hi);
	if (lo < 2048)
		assert_true(hi - lo == 1);
	else if ((double)(hi - lo) / (double)lo > 1.0 / 1024)
		fail_msg("bucket [%lld, %lld) is wider than 0.1%%", (long long)lo, (long long)hi);
	stats_hist_bucket(hi, &l2, &h2);
	assert_true(l2 == hi);
	if (lo > 0) {
		stats_hist_bucket(lo - 1, &l2, &h2);
		assert_true(h2 == lo);
	}
}

static void test_hist_buckets_tile_and_are_narrow(void **state)
{
	(void)state;
	for (sim_ns v = 0; v <= 5000; v++)
		check_bucket(v);
	for (int k = 12; k < 40; k++)
		for (int j = 0; j < 256; j++)
			check_bucket(((sim_ns)1 << k) + (sim_ns)j * (((sim_ns)1 << k) / 256) + j % 7);
}

/* The p-quantile read off the buckets (the upper bound of the bucket where
 * the cumulative count reaches p) is within 0.1% of the exact quantile,
 * for 200,000 log-normal latencies around 100 ms; and two samples whose
 * p99 differ by 1% give buckets that tell them apart. */
static double hist_quantile(const sim_ns *a, int64_t n, double p)
{
	int64_t rank = (int64_t)ceil(p * (double)n), seen = 0;
	for (int64_t i = 0, next; i < n; i = next) {
		sim_ns lo, hi;
		next = stats_hist_run(a, n, i, &lo, &hi);
		seen += next - i;
		if (seen >= rank)
			return (double)hi;
	}
	return (double)a[n - 1];
}

static void test_hist_quantiles_within_a_tenth_of_a_percent(void **state)
{
	(void)state;
	enum { N = 200000 };
	sim_ns *a = malloc(sizeof *a * N), *b = malloc(sizeof *b * N);
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, 42);
	for (int i = 0; i < N; i++) {
		a[i] = (sim_ns)gsl_ran_lognormal(r, log(100e6), 0.01);
		b[i] = (sim_ns)((double)a[i] * 1.01);
	}
	stats_sort_ns(a, N);
	stats_sort_ns(b, N);
	double ps[] = { 0.5, 0.9, 0.99, 0.999 };
	for (int k = 0; k < 4; k++) {
		double exact = (double)a[(int64_t)ceil(ps[k] * N) - 1], h = hist_quantile(a, N, ps[k]);
		if (fabs(h - exact) / exact > 1.0 / 1024)
			fail_msg("p%g: buckets say %.0f ns, exact %.0f ns", ps[k] * 100, h, exact);
	}
	assert_true(hist_quantile(b, N, 0.99) > hist_quantile(a, N, 0.99) * 1.008);
	gsl_rng_free(r);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_radix_matches_qsort),
		cmocka_unit_test(test_quantiles_match_gsl),
		cmocka_unit_test(test_hist_buckets_tile_and_are_narrow),
		cmocka_unit_test(test_hist_quantiles_within_a_tenth_of_a_percent),
	};
	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
