/* tests/test_stats.c — the radix sort against qsort, and quantiles against
 * GSL's gsl_stats_quantile_from_sorted_data. */
#include "testutil.h"
#include "stats.h"
#include "rng.h"
#include <gsl/gsl_statistics_double.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_radix_matches_qsort),
		cmocka_unit_test(test_quantiles_match_gsl),
	};
	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
