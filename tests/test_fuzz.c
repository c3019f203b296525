/* tests/test_fuzz.c — the bounded smoke of issue 12 point 6 in make test:
 * the fuzzing harness built with ASan+UBSan (build/asan/fuzz_scenario)
 * replays the committed corpus (tests/fuzz/corpus) and runs 500 valid
 * scenarios with extreme values from its generator (seed 1). Any crash
 * or sanitizer report aborts the harness (-fno-sanitize-recover), a hang
 * meets `timeout`, and a generated scenario the loader refuses exits 3:
 * each fails the test. With the D12 defect put back (a plain double ->
 * int64 cast in gmp_gc.c), scenario 455 of seed 1 trips UBSan's
 * float-cast-overflow: 500 keeps that regression caught (about 15 s).
 * `make fuzz` runs the same harness under AFL++. */
#include "testutil.h"

static char out[1 << 16];

static void expect_clean(const char *cmd)
{
	int rc = tu_popen(cmd, out, sizeof out);
	if (rc != 0 || strstr(out, "runtime error") || strstr(out, "AddressSanitizer"))
		fail_msg("%s: exit %d\n%s", cmd, rc, out);
}

static void test_corpus_replays_clean(void **state)
{
	(void)state;
	expect_clean("timeout 120 build/asan/fuzz_scenario tests/fuzz/corpus/* 2>&1");
}

static void test_generated_scenarios_run_clean(void **state)
{
	(void)state;
	expect_clean("timeout 120 build/asan/fuzz_scenario --generate 1 500 2>&1");
	assert_non_null(strstr(out, "500 generated scenario(s) from seed 1: 0 refused by the loader"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_replays_clean),
		cmocka_unit_test(test_generated_scenarios_run_clean),
	};
	return cmocka_run_group_tests_name("fuzz", tests, NULL, NULL);
}
