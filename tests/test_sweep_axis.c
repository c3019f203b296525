/* tests/test_sweep_axis.c — sweep axis values (lists, arithmetic and
 * geometric ranges, units, errors) and the worker pipe's run_result codec
 * (a round trip keeps every field bit for bit). In-process unit tests, so
 * they also run under the sanitizers. */
#include "testutil.h"
#include "sweep_axis.h"
#include "sweep_codec.h"

/* ---- axis values ------------------------------------------------------------------ */

static void expect_values(const char *spec, int n, const char *first, const char *last)
{
	struct axis_values v = { 0 };
	char why[256];
	if (axis_parse(spec, &v, why, sizeof why) != 0)
		fprintf(stderr, "%s: %s\n", spec, why);
	assert_int_equal(v.n, n);
	assert_string_equal(v.v[0], first);
	assert_string_equal(v.v[n - 1], last);
	axis_values_free(&v);
}

static void expect_bad(const char *spec, const char *words)
{
	struct axis_values v = { 0 };
	char why[256] = "";
	assert_int_equal(axis_parse(spec, &v, why, sizeof why), -1);
	if (!strstr(why, words))
		fprintf(stderr, "%s: %s\n", spec, why);
	assert_non_null(strstr(why, words));
	axis_values_free(&v);
}

static void test_axis_values(void **state)
{
	(void)state;
	expect_values("1,2,4,8", 4, "1", "8");
	expect_values("1..64 *2", 7, "1", "64");
	expect_values("1..64 step 4", 16, "1", "61");
	expect_values("1..4", 4, "1", "4");
	expect_values("3..100 *3", 4, "3", "81");
	expect_values("0.1..0.5 step 0.1", 5, "0.1", "0.5");
	expect_values("100us..300us step 100us", 3, "100us", "300us");
	expect_values("1000/s..4000/s step 1000/s", 4, "1000/s", "4000/s");
	expect_values("1, 2, 8..32 *2", 5, "1", "32");
	expect_values("{uniform: [1ms, 2ms]}, {exp: 1ms}", 2, "{uniform: [1ms, 2ms]}", "{exp: 1ms}");
	struct axis_values v = { 0 };
	char why[256];
	assert_int_equal(axis_parse("1..64 *2", &v, why, sizeof why), 0);
	const char *geo[] = { "1", "2", "4", "8", "16", "32", "64" };
	for (int i = 0; i < 7; i++)
		assert_string_equal(v.v[i], geo[i]);
	axis_values_free(&v);
	expect_bad("2..1", "empty range");
	expect_bad("1..8 step 0", "step must be > 0");
	expect_bad("1..8 *1", "factor must be > 1");
	expect_bad("0..8 *2", "start above 0");
	expect_bad("1,,2", "empty");
	expect_bad("1us..1ms", "same unit");
	assert_true(axis_is_sweep("1,2"));
	assert_true(axis_is_sweep("1..2"));
	assert_true(axis_is_sweep("1..64 *2"));
	assert_false(axis_is_sweep("5"));
	assert_false(axis_is_sweep("{uniform: [1ms, 2ms]}"));
	assert_false(axis_is_sweep("'a, b'"));
	assert_false(axis_is_sweep("1.5ms"));
}

static void test_codec_round_trip(void **state)
{
	(void)state;
	struct run_result r, back;
	res_init(&r, "scen", "gmp", 0xfedcba9876543210ULL);
	res_set_status(&r, "failed", "why not");
	r.rep = 3;
	r.point_id = 7;
	r.run_number = 12345678901LL;
	r.sim_ns_run = 987654321;
	r.events = 42;
	r.wall_s = 0.1;
	res_param(&r, "machine.cores", "8");
	res_param(&r, "empty", NULL);
	res_metric(&r, "throughput", 1.0 / 3.0, "1/s");
	res_metric(&r, "latency_p99", 0.0 / 0.0, "ns");
	res_bucket(&r, "latency", 1e3, 1.1e3, 17);
	int s1 = res_series(&r, "threads"), s2 = res_series(&r, "busy");
	res_sample(&r, 100, s2, 2.5);
	res_sample(&r, 200, s1, 9);
	size_t len = 0;
	unsigned char *buf = codec_encode(&r, &len);
	assert_non_null(buf);
	assert_int_equal(codec_decode(buf, len, &back), 0);
	assert_string_equal(back.scenario, "scen");
	assert_string_equal(back.model, "gmp");
	assert_string_equal(back.status, "failed");
	assert_string_equal(back.error, "why not");
	assert_true(back.seed == r.seed);
	assert_int_equal(back.rep, 3);
	assert_int_equal(back.point_id, 7);
	assert_true(back.run_number == r.run_number);
	assert_true(back.sim_ns_run == r.sim_ns_run);
	assert_int_equal(back.events, 42);
	assert_int_equal(back.nparams, 2);
	assert_string_equal(back.params[0].value, "8");
	assert_null(back.params[1].value);
	assert_int_equal(back.nmetrics, 2);
	assert_memory_equal(&back.metrics[0].value, &r.metrics[0].value, sizeof(double));
	assert_true(back.metrics[1].value != back.metrics[1].value); /* NaN survives */
	assert_int_equal(back.nbuckets, 1);
	assert_int_equal(back.buckets[0].count, 17);
	assert_int_equal(back.nsamples, 2);
	assert_string_equal(back.series_names[back.samples[0].name], "busy");
	assert_true(back.samples[1].value == 9);
	/* every truncation is rejected, never read past the end */
	for (size_t cut = 0; cut < len; cut++) {
		struct run_result t;
		assert_int_equal(codec_decode(buf, cut, &t), -1);
	}
	free(buf);
	res_free(&r);
	res_free(&back);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_axis_values),
		cmocka_unit_test(test_codec_round_trip),
	};
	return cmocka_run_group_tests_name("sweep_axis", tests, NULL, NULL);
}
