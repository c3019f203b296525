/* tests/test_dispersion.c — the UNSTABLE rule (sim/study/dispersion.c):
 * the issue's five gmp throughputs split into their two regimes, Poisson
 * noise passes, hyperfine's modified Z-score finds a lone outlier and
 * ignores a small wobble among near-identical runs. */
#include "testutil.h"
#include "dispersion.h"
#include <math.h>

/* Five repetitions of one scenario reported in issue 11: two regimes. */
static void test_issue_throughputs_split(void **state)
{
	(void)state;
	double x[] = { 4424, 5327, 2279, 2029, 2120 };
	struct disp_result r;
	disp_check(x, 5, &r);
	assert_int_equal(r.verdict, DISP_SPLIT);
	assert_int_equal(r.lo_n, 3);
	assert_int_equal(r.hi_n, 2);
	assert_true(r.lo_min == 2029 && r.lo_max == 2279 && r.hi_min == 4424 && r.hi_max == 5327);
	char buf[256];
	disp_reason(&r, "/s", 1, buf, sizeof buf);
	assert_string_equal(buf, "reps split into two groups, 2,029-2,279/s (3 reps) and 4,424-5,327/s (2 reps): "
				 "max/min 2.63 > 1.5");
}

/* Poisson noise: 10,000/s over 2 s is 20,000 arrivals, sd 141, 0.7 %. */
static void test_poisson_noise_passes(void **state)
{
	(void)state;
	double x[] = { 10006, 9931, 10072, 10012, 9985 };
	struct disp_result r;
	disp_check(x, 5, &r);
	assert_int_equal(r.verdict, DISP_OK);
}

/* One rep far from four that agree: median 100.5, MAD 0.5, so 130 has a
 * modified Z-score of 29.5 / 0.5 = 59 > 14.826, and is 29 % off. */
static void test_lone_outlier(void **state)
{
	(void)state;
	double x[] = { 100, 101, 99, 100.5, 130 };
	struct disp_result r;
	disp_check(x, 5, &r);
	assert_int_equal(r.verdict, DISP_OUTLIER);
	assert_true(r.outlier == 130);
	assert_int_equal(r.outlier_index, 4);
	assert_true(fabs(r.z - 59) < 1e-9);
	char buf[256];
	disp_reason(&r, "/s", 1, buf, sizeof buf);
	assert_string_equal(buf, "1 outlier, e.g. 130/s against a median of 100.5/s (modified Z-score 59.0 > 14.8, "
				 "and 29% off)");
}

/* Deterministic runs that agree exactly but one (MAD 0: an infinite
 * Z-score) are not unstable when that one is only 4 % off. */
static void test_small_wobble_is_not_an_outlier(void **state)
{
	(void)state;
	double x[] = { 100, 100, 100, 100, 104 };
	struct disp_result r;
	disp_check(x, 5, &r);
	assert_int_equal(r.verdict, DISP_OK);
	double y[] = { 100, 100, 100, 100, 120 };
	disp_check(y, 5, &r);
	assert_int_equal(r.verdict, DISP_OUTLIER);
}

/* A rep that served nothing splits without bound; NaN is left out; fewer
 * than two values say nothing. */
static void test_edges(void **state)
{
	(void)state;
	struct disp_result r;
	double z[] = { 0, 5000, NAN };
	disp_check(z, 3, &r);
	assert_int_equal(r.verdict, DISP_SPLIT);
	assert_int_equal(r.n, 2);
	char buf[256];
	assert_non_null(strstr(disp_reason(&r, "/s", 1, buf, sizeof buf), "unbounded"));
	double one[] = { 5 };
	disp_check(one, 1, &r);
	assert_int_equal(r.verdict, DISP_OK);
	double two[] = { 100, 149 };
	disp_check(two, 2, &r);
	assert_int_equal(r.verdict, DISP_OK); /* 1.49 <= 1.5 */
	double two_split[] = { 100, 151 };
	disp_check(two_split, 2, &r);
	assert_int_equal(r.verdict, DISP_SPLIT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_issue_throughputs_split),
		cmocka_unit_test(test_poisson_noise_passes),
		cmocka_unit_test(test_lone_outlier),
		cmocka_unit_test(test_small_wobble_is_not_an_outlier),
		cmocka_unit_test(test_edges),
	};
	return cmocka_run_group_tests_name("dispersion", tests, NULL, NULL);
}
