/* tests/test_summary.c — summary_of (sim/core/summary.c) against the sort
 * it replaces: on every shape of sample the mean, max, quantiles and
 * histogram buckets are those of stats_sort_ns + a double sum in sorted
 * order + stats_quantile_sorted + stats_hist_run, compared with ==
 * (bit for bit), including samples whose sum passes 2^53. */
#include "testutil.h"
#include "summary.h"
#include "stats.h"
#include "rng.h"
#include <string.h>

static const double QS[] = { 0, 0.5, 0.9, 0.99, 0.999, 1 };
enum { NQ = 6 };

/* The reference: what the metrics did before summary.c. */
static void check_against_sort(const sim_ns *x, int64_t n)
{
	sim_ns *a = malloc(sizeof *a * (size_t)n), *s = malloc(sizeof *s * (size_t)n);
	memcpy(a, x, sizeof *a * (size_t)n);
	memcpy(s, x, sizeof *s * (size_t)n);
	stats_sort_ns(s, n);
	double sum = 0;
	for (int64_t i = 0; i < n; i++)
		sum += (double)s[i];
	struct summary d;
	summary_of(&d, a, n, QS, NQ);
	assert_true(d.n == n);
	assert_true(d.mean == sum / (double)n);
	assert_true(d.max == s[n - 1]);
	for (int k = 0; k < NQ; k++)
		if (d.q[k] != stats_quantile_sorted(s, n, QS[k]))
			fail_msg("n %lld q %g: %.17g, the sort says %.17g", (long long)n, QS[k], d.q[k],
				 stats_quantile_sorted(s, n, QS[k]));
	int b = 0;
	for (int64_t i = 0, next; i < n; i = next) {
		sim_ns lo, hi, dlo, dhi;
		int64_t count;
		next = stats_hist_run(s, n, i, &lo, &hi);
		assert_true(summary_next_bucket(&d, &b, &dlo, &dhi, &count));
		assert_true(dlo == lo && dhi == hi && count == next - i);
	}
	sim_ns lo, hi;
	int64_t count;
	assert_false(summary_next_bucket(&d, &b, &lo, &hi, &count));
	summary_free(&d);
	free(a);
	free(s);
}

static void test_random_shapes_match_the_sort(void **state)
{
	(void)state;
	enum { N = 50000 };
	sim_ns *x = malloc(sizeof *x * N);
	for (int shape = 0; shape < 6; shape++) {
		for (int i = 0; i < N; i++) {
			uint64_t r = rng_mix((uint64_t)shape + 7, (uint64_t)i);
			x[i] = shape == 0 ? (sim_ns)(r % 1000)                     /* 1-ns buckets */
			     : shape == 1 ? (sim_ns)(100000000 + r % 20000000)     /* ~100 ms */
			     : shape == 2 ? (sim_ns)(r >> (r % 50 + 14))            /* many decades */
			     : shape == 3 ? (sim_ns)12345                            /* all equal */
			     : shape == 4 ? (sim_ns)(r % 2 ? 5 : 1000000000)         /* two clusters */
			     : (sim_ns)(100000000 + r % 200000);  /* ~100 ms, narrow: 4,096+ a bucket (radix sorted) */
		}
		for (int64_t n = 1; n <= N; n = n * 3 + 1)
			check_against_sort(x, n);
		check_against_sort(x, N);
	}
	free(x);
}

/* 2^40-ns samples: their sum passes 2^53 after 8,192 of them, where the
 * double sum depends on the order and summary_of must sum them sorted. */
static void test_sum_past_2_53_matches_the_sorted_sum(void **state)
{
	(void)state;
	enum { N = 20000 };
	sim_ns *x = malloc(sizeof *x * N);
	for (int i = 0; i < N; i++)
		x[i] = ((sim_ns)1 << 40) + (sim_ns)(rng_mix(3, (uint64_t)i) % 1000003);
	check_against_sort(x, N);
	free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_shapes_match_the_sort),
		cmocka_unit_test(test_sum_past_2_53_matches_the_sorted_sum),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
