/* tests/test_rng.c — distributions' inverse CDFs against their means, the
 * counter-based keys, named GSL streams, and common random numbers: the
 * demands a task draws do not depend on the order tasks are walked in. */
#include "testutil.h"
#include "rng.h"
#include "scenario.h"
#include "workload.h"
#include "run.h"
#include <math.h>

/* Sample mean of n draws through the inverse CDF with fixed-seed keys. */
static double sample_mean(const struct dist *d, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += dist_quantile(d, rng_u01(rng_mix(42, (uint64_t)i)));
	return s / n;
}

/* Tolerance: 1% of the mean for n = 400,000 draws (the standard error of
 * each distribution below is under 0.25% of its mean at that n, except
 * Pareto alpha 3, whose is ~0.1% too: 1% is > 4 standard errors). */
static void check_mean(struct dist d, double expect)
{
	double m = sample_mean(&d, 400000);
	assert_true(fabs(dist_mean(&d) - expect) <= 1e-6 * expect);
	if (fabs(m - expect) > 0.01 * expect) {
		fprintf(stderr, "kind %d: sample mean %g, expected %g\n", d.kind, m, expect);
		fail();
	}
}

static void test_dist_means(void **state)
{
	(void)state;
	check_mean((struct dist){ .kind = DIST_CONST, .p1 = 5 }, 5);
	check_mean((struct dist){ .kind = DIST_EXP, .p1 = 100000 }, 100000);
	check_mean((struct dist){ .kind = DIST_UNIFORM, .p1 = 10, .p2 = 50 }, 30);
	/* normal(1000, 200) truncated at 0: the truncation moves the mean by 3e-4 */
	check_mean((struct dist){ .kind = DIST_NORMAL, .p1 = 1000, .p2 = 200 }, 1000);
	/* normal(0, 1) truncated at 0 is half-normal: mean sqrt(2/pi) */
	check_mean((struct dist){ .kind = DIST_NORMAL, .p1 = 0, .p2 = 1 }, sqrt(2 / M_PI));
	/* lognormal with mean 1e6, sigma 0.5: mu = ln(1e6) - 0.125 */
	check_mean((struct dist){ .kind = DIST_LOGNORMAL, .p1 = log(1e6) - 0.125, .p2 = 0.5 }, 1e6);
	/* Pareto scale 1000, alpha 3: mean 1500 */
	check_mean((struct dist){ .kind = DIST_PARETO, .p1 = 1000, .p2 = 3 }, 1500);
	double v[4] = { 1, 2, 2, 9 };
	check_mean((struct dist){ .kind = DIST_EMPIRICAL, .n = 4, .values = v }, 3.5);
}

static void test_quantile_ns_rounds_and_clamps(void **state)
{
	(void)state;
	struct dist d = { .kind = DIST_CONST, .p1 = 2.5 };
	assert_int_equal(dist_quantile_ns(&d, 0.5), 3);
	d.p1 = -4;
	assert_int_equal(dist_quantile_ns(&d, 0.5), 0);
	struct dist e = { .kind = DIST_EXP, .p1 = 1000 };
	assert_true(dist_quantile_ns(&e, 0.1) < dist_quantile_ns(&e, 0.9));
}

/* rng_round_pos (an inline llround for 0 <= x < 2^63) against libm's
 * llround: the halves (k + 0.5 rounds up), the doubles either side of
 * them, values past 2^52 and 2^53 (already integers), and draws across
 * every decade up to 4.6e18 (dist_quantile_ns's clamp). */
static void check_round(double x)
{
	if (rng_round_pos(x) != llround(x))
		fail_msg("rng_round_pos(%.17g) = %lld, llround says %lld", x, (long long)rng_round_pos(x),
			 (long long)llround(x));
}

static void test_round_pos_is_llround(void **state)
{
	(void)state;
	double fixed[] = { 0, 0.25, 0.5, 1.5, 2.5, 0.49999999999999994, 4503599627370495.5,
			   4503599627370496.0, 9007199254740993.0, 4.6e18 };
	for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
		check_round(fixed[i]);
	assert_int_equal(rng_round_pos(2.5), 3);
	assert_int_equal(rng_round_pos(0.49999999999999994), 0);
	for (int64_t k = 0; k < 100000; k++) {
		double h = (double)k + 0.5;
		check_round(h);
		check_round(nextafter(h, 0));
		check_round(nextafter(h, INFINITY));
	}
	for (int i = 0; i < 1000000; i++) {
		uint64_t r = rng_mix(11, (uint64_t)i);
		check_round(rng_u01(r) * pow(10, (double)(r % 19)) * 4.6);
	}
}

static void test_u01_open_interval(void **state)
{
	(void)state;
	assert_true(rng_u01(0) > 0);
	assert_true(rng_u01(UINT64_MAX) < 1);
	assert_true(rng_mix(1, 2) != rng_mix(2, 1));
	assert_true(rng_name("request") != rng_name("requesu"));
}

static void test_streams(void **state)
{
	(void)state;
	gsl_rng *a = rng_stream(7, "steal"), *b = rng_stream(7, "steal"), *c = rng_stream(7, "other");
	int same = 0, diff = 0;
	for (int i = 0; i < 100; i++) {
		unsigned long x = gsl_rng_get(a), y = gsl_rng_get(b), z = gsl_rng_get(c);
		same += x == y;
		diff += x != z;
	}
	assert_int_equal(same, 100);
	assert_true(diff > 95);
	gsl_rng_free(a);
	gsl_rng_free(b);
	gsl_rng_free(c);
}

/* rng_stream_get draws what gsl_rng_get draws from a twin stream, across
 * eight of mt19937's 624-word blocks (each one computed by GSL), also
 * when the two calls are interleaved on one stream. */
static void test_stream_get_is_gsl_rng_get(void **state)
{
	(void)state;
	gsl_rng *a = rng_stream(7, "gmp.steal"), *b = rng_stream(7, "gmp.steal");
	gsl_rng *c = rng_stream(9, "gmp.steal"), *d = rng_stream(9, "gmp.steal");
	for (int i = 0; i < 8 * RNG_MT_N + 3; i++) {
		unsigned long want = gsl_rng_get(b);
		uint32_t got = rng_stream_get(a);
		if (got != want)
			fail_msg("draw %d: rng_stream_get %u, gsl_rng_get %lu", i, got, want);
		uint32_t mixed = i % 3 ? rng_stream_get(c) : (uint32_t)gsl_rng_get(c);
		assert_true(mixed == gsl_rng_get(d));
	}
	gsl_rng_free(a);
	gsl_rng_free(b);
	gsl_rng_free(c);
	gsl_rng_free(d);
}

/* A one-program scenario: cpu exp, repeat 3 { syscall exp, net uniform }, cpu exp. */
static void make_scenario(struct scenario *sc, struct program *p, struct op *ops)
{
	memset(sc, 0, sizeof *sc);
	memset(ops, 0, sizeof(struct op) * 5);
	ops[0] = (struct op){ .kind = OP_CPU, .d = { .kind = DIST_EXP, .p1 = 1e5 } };
	ops[1] = (struct op){ .kind = OP_REPEAT, .count = 3, .body_len = 2 };
	ops[2] = (struct op){ .kind = OP_SYSCALL, .d = { .kind = DIST_EXP, .p1 = 1e6 } };
	ops[3] = (struct op){ .kind = OP_NET, .d = { .kind = DIST_UNIFORM, .p1 = 0, .p2 = 1e6 } };
	ops[4] = (struct op){ .kind = OP_CPU, .d = { .kind = DIST_EXP, .p1 = 1e5 } };
	p->name = "p";
	p->nops = 5;
	p->ops = ops;
	sc->nprograms = 1;
	sc->programs = p;
}

enum { NT = 50, NOPS = 8 };

static void test_common_random_numbers(void **state)
{
	(void)state;
	struct scenario sc;
	struct program prog;
	struct op ops[5];
	make_scenario(&sc, &prog, ops);
	struct wl w = { .sc = &sc };
	static struct task a[NT], b[NT];
	sim_ns seq_a[NT][NOPS], seq_b[NT][NOPS];
	for (int i = 0; i < NT; i++) {
		a[i] = b[i] = (struct task){ .key = rng_mix(99, (uint64_t)i) };
	}
	struct wl_step s;
	/* order 1: task by task */
	for (int i = 0; i < NT; i++)
		for (int k = 0; k < NOPS; k++) {
			assert_true(wl_next(&w, &a[i], &s));
			seq_a[i][k] = s.dur;
		}
	/* order 2: round robin, tasks in reverse */
	for (int k = 0; k < NOPS; k++)
		for (int i = NT - 1; i >= 0; i--) {
			assert_true(wl_next(&w, &b[i], &s));
			seq_b[i][k] = s.dur;
		}
	for (int i = 0; i < NT; i++) {
		assert_false(wl_next(&w, &a[i], &s));
		assert_memory_equal(seq_a[i], seq_b[i], sizeof seq_a[i]);
	}
	/* the program shape: cpu, (syscall, net) x3, cpu */
	struct task t = { .key = 5 };
	enum op_kind expect[NOPS] = { OP_CPU, OP_SYSCALL, OP_NET, OP_SYSCALL, OP_NET, OP_SYSCALL, OP_NET, OP_CPU };
	for (int k = 0; k < NOPS; k++) {
		assert_true(wl_next(&w, &t, &s));
		assert_int_equal(s.kind, expect[k]);
		assert_int_equal(s.opseq, k);
	}
	/* different tasks draw different demands */
	assert_true(seq_a[0][0] != seq_a[1][0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dist_means),
		cmocka_unit_test(test_quantile_ns_rounds_and_clamps),
		cmocka_unit_test(test_round_pos_is_llround),
		cmocka_unit_test(test_u01_open_interval),
		cmocka_unit_test(test_streams),
		cmocka_unit_test(test_stream_get_is_gsl_rng_get),
		cmocka_unit_test(test_common_random_numbers),
	};
	return cmocka_run_group_tests_name("rng", tests, NULL, NULL);
}
