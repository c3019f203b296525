/* tests/test_units.c — unit tests for sim/core/units.c: every parser on good and
 * bad input (exact reasons), rounding to the nearest ns / byte, and the
 * formatting helpers.
 * Must not depend on any other module. */
#include "testutil.h"

#include <math.h>

#include "units.h"

static char err[256];

static sim_ns dur_ok(const char *s)
{
	sim_ns v = -12345;
	err[0] = '\0';
	if (unit_parse_duration(s, &v, err, sizeof err) != 0)
		fail_msg("duration '%s' rejected: %s", s, err);
	return v;
}

static void dur_bad(const char *s, const char *reason)
{
	sim_ns v = 777;
	assert_int_equal(unit_parse_duration(s, &v, err, sizeof err), -1);
	assert_string_equal(err, reason);
	assert_int_equal(v, 777); /* untouched on failure */
}

static int64_t size_ok(const char *s)
{
	int64_t v = -1;
	if (unit_parse_size(s, &v, err, sizeof err) != 0)
		fail_msg("size '%s' rejected: %s", s, err);
	return v;
}

static void size_bad(const char *s, const char *reason)
{
	int64_t v;
	assert_int_equal(unit_parse_size(s, &v, err, sizeof err), -1);
	assert_string_equal(err, reason);
}

static double rate_ok(const char *s)
{
	double v = -1;
	if (unit_parse_rate(s, &v, err, sizeof err) != 0)
		fail_msg("rate '%s' rejected: %s", s, err);
	return v;
}

static void rate_bad(const char *s, const char *reason)
{
	double v;
	assert_int_equal(unit_parse_rate(s, &v, err, sizeof err), -1);
	assert_string_equal(err, reason);
}

static void test_duration_units(void **state)
{
	(void)state;
	assert_int_equal(dur_ok("0"), 0);
	assert_int_equal(dur_ok("0s"), 0);
	assert_int_equal(dur_ok("-0"), 0);
	assert_int_equal(dur_ok("1ns"), 1);
	assert_int_equal(dur_ok("1us"), 1000);
	assert_int_equal(dur_ok("1\xc2\xb5s"), 1000); /* µs */
	assert_int_equal(dur_ok("1\xce\xbcs"), 1000); /* μs */
	assert_int_equal(dur_ok("7ms"), 7000000);
	assert_int_equal(dur_ok("10s"), 10 * SIM_NS_PER_S);
	assert_int_equal(dur_ok("1.5ms"), 1500000);
	assert_int_equal(dur_ok(".5us"), 500);
	assert_int_equal(dur_ok("1e3us"), 1000000);
	assert_int_equal(dur_ok("2.5E-3s"), 2500000);
	assert_int_equal(dur_ok(" 10 ms "), 10000000);
	assert_int_equal(dur_ok("+3ns"), 3);
}

static void test_duration_rounding_and_range(void **state)
{
	(void)state;
	assert_int_equal(dur_ok("1.4ns"), 1);
	assert_int_equal(dur_ok("1.6ns"), 2);
	assert_int_equal(dur_ok("2.5ns"), 3); /* halves round away from zero */
	assert_int_equal(dur_ok("0.1us"), 100);
	assert_int_equal(dur_ok("0.0004us"), 0);
	/* integers stay exact beyond 2^53 */
	assert_int_equal(dur_ok("9223372036854775807ns"), INT64_MAX);
	assert_int_equal(dur_ok("9007199254740993ns"), 9007199254740993LL);
	assert_int_equal(dur_ok("9223372036s"), 9223372036000000000LL);
	dur_bad("9223372037s", "duration too large");
	dur_bad("9223372036854775808ns", "duration too large");
	dur_bad("1e300s", "duration too large");
	dur_bad("1e400s", "number out of range");
}

static void test_duration_errors(void **state)
{
	(void)state;
	dur_bad("", "empty value");
	dur_bad("   ", "empty value");
	dur_bad("abc", "not a number");
	dur_bad("ms", "not a number");
	dur_bad("nan", "not a number");
	dur_bad("inf", "not a number");
	dur_bad("-inf", "not a number");
	dur_bad("10 parsecs", "unknown unit 'parsecs'");
	dur_bad("1ms garbage", "unknown unit 'ms garbage'");
	dur_bad("1msx", "unknown unit 'msx'");
	dur_bad("0x10ms", "unknown unit 'x10ms'");
	dur_bad("1MS", "unknown unit 'MS'");
	dur_bad("0 parsecs", "unknown unit 'parsecs'");
	dur_bad("-1ms", "negative duration");
	dur_bad("-0.5s", "negative duration");
	dur_bad("5", "missing unit (ns, us, ms or s)");
	dur_bad("1e3", "missing unit (ns, us, ms or s)");
	char long_number[300];
	memset(long_number, '1', sizeof long_number - 1);
	long_number[sizeof long_number - 1] = '\0';
	dur_bad(long_number, "number too long");
}

static void test_errors_without_buffer(void **state)
{
	(void)state;
	sim_ns v;
	int64_t i;
	double d;
	assert_int_equal(unit_parse_duration("x", &v, NULL, 0), -1);
	assert_int_equal(unit_parse_size("x", &i, NULL, 0), -1);
	assert_int_equal(unit_parse_rate("x", &d, NULL, 0), -1);
	char tiny[4];
	assert_int_equal(unit_parse_duration("10 parsecs", &v, tiny, sizeof tiny), -1);
	assert_string_equal(tiny, "unk");
}

static void test_sizes(void **state)
{
	(void)state;
	assert_int_equal(size_ok("0"), 0);
	assert_int_equal(size_ok("4096"), 4096);
	assert_int_equal(size_ok("1B"), 1);
	assert_int_equal(size_ok("1KiB"), 1024);
	assert_int_equal(size_ok("1kib"), 1024);
	assert_int_equal(size_ok("16 KiB"), 16384);
	assert_int_equal(size_ok("1MiB"), 1048576);
	assert_int_equal(size_ok("24GiB"), 24LL << 30);
	assert_int_equal(size_ok("2TiB"), 2LL << 40);
	assert_int_equal(size_ok("1KB"), 1000);
	assert_int_equal(size_ok("1kB"), 1000);
	assert_int_equal(size_ok("3MB"), 3000000);
	assert_int_equal(size_ok("2GB"), 2000000000);
	assert_int_equal(size_ok("1TB"), 1000000000000LL);
	assert_int_equal(size_ok("1.5KiB"), 1536);
	assert_int_equal(size_ok("0.3KiB"), 307); /* 307.2 rounds down */
	assert_int_equal(size_ok("1e3"), 1000);
	size_bad("", "empty value");
	size_bad("1.5", "a size without a unit is a whole number of bytes");
	size_bad("-1KiB", "negative size");
	size_bad("1 parsec", "unknown unit 'parsec'");
	size_bad("1KiBs", "unknown unit 'KiBs'");
	size_bad("9999999TiB", "size too large");
	size_bad("lots", "not a number");
}

static void test_rates(void **state)
{
	(void)state;
	assert_true(rate_ok("10000/s") == 10000);
	assert_true(rate_ok("10/ms") == 10000);
	assert_true(rate_ok("5/us") == 5e6);
	assert_true(rate_ok("5/\xc2\xb5s") == 5e6);
	assert_true(rate_ok("2.5k/s") == 2500);
	assert_true(rate_ok("2.5K/s") == 2500);
	assert_true(rate_ok("1M/s") == 1e6);
	assert_true(rate_ok("100 / s") == 100);
	assert_true(rate_ok("60/min") == 1);
	assert_true(rate_ok("7200/h") == 2);
	assert_true(rate_ok("0/s") == 0);
	assert_true(fabs(rate_ok("1e-3/ns") - 1e6) < 1e-6);
	rate_bad("", "empty value");
	rate_bad("100", "missing unit (e.g. 1000/s)");
	rate_bad("100 per second", "unknown unit 'per second'");
	rate_bad("100x/s", "unknown unit 'x/s'");
	rate_bad("100/fortnight", "unknown unit '/fortnight'");
	rate_bad("100/", "unknown unit '/'");
	rate_bad("-5/s", "negative rate");
	rate_bad("abc/s", "not a number");
	rate_bad("nan/s", "not a number");
	rate_bad("1e308G/ns", "rate too large");
}

static void test_numbers(void **state)
{
	(void)state;
	double d;
	assert_int_equal(unit_parse_number("2.1", &d, err, sizeof err), 0);
	assert_true(d == 2.1);
	assert_int_equal(unit_parse_number(" -3e2 ", &d, err, sizeof err), 0);
	assert_true(d == -300);
	assert_int_equal(unit_parse_number("abc", &d, err, sizeof err), -1);
	assert_string_equal(err, "not a number");
	assert_int_equal(unit_parse_number("1x", &d, err, sizeof err), -1);
	assert_string_equal(err, "not a number");
	assert_int_equal(unit_parse_number("inf", &d, err, sizeof err), -1);
	assert_int_equal(unit_parse_number("NaN", &d, err, sizeof err), -1);
	assert_int_equal(unit_parse_number("0x10", &d, err, sizeof err), -1);
	assert_int_equal(unit_parse_number("1e999", &d, err, sizeof err), -1);
	assert_string_equal(err, "number out of range");
}

static void test_integers(void **state)
{
	(void)state;
	int64_t i;
	uint64_t u;
	assert_int_equal(unit_parse_int64("42", &i, err, sizeof err), 0);
	assert_int_equal(i, 42);
	assert_int_equal(unit_parse_int64("-7", &i, err, sizeof err), 0);
	assert_int_equal(i, -7);
	assert_int_equal(unit_parse_int64("+5", &i, err, sizeof err), 0);
	assert_int_equal(i, 5);
	assert_int_equal(unit_parse_int64("9223372036854775807", &i, err, sizeof err), 0);
	assert_int_equal(i, INT64_MAX);
	assert_int_equal(unit_parse_int64("9223372036854775808", &i, err, sizeof err), -1);
	assert_string_equal(err, "out of range");
	const char *bad[] = { "", "1.5", "abc", "1e3", "12abc", "- 1", "0x10" };
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		assert_int_equal(unit_parse_int64(bad[k], &i, err, sizeof err), -1);
		assert_string_equal(err, "not an integer");
	}
	assert_int_equal(unit_parse_uint64("18446744073709551615", &u, err, sizeof err), 0);
	assert_true(u == UINT64_MAX);
	assert_int_equal(unit_parse_uint64("18446744073709551616", &u, err, sizeof err), -1);
	assert_string_equal(err, "out of range");
	assert_int_equal(unit_parse_uint64("-1", &u, err, sizeof err), -1);
	assert_string_equal(err, "not an unsigned integer");
}

static void test_format(void **state)
{
	(void)state;
	char buf[32];
	assert_string_equal(unit_fmt_duration(1.5e6, buf, sizeof buf), "1.50ms");
	assert_string_equal(unit_fmt_duration(500, buf, sizeof buf), "500.00ns");
	assert_string_equal(unit_fmt_duration(0, buf, sizeof buf), "0.00ns");
	assert_string_equal(unit_fmt_duration(1500, buf, sizeof buf), "1.50us");
	assert_string_equal(unit_fmt_duration(2e9, buf, sizeof buf), "2.00s");
	assert_string_equal(unit_fmt_duration(3600e9, buf, sizeof buf), "3600.00s");
	assert_string_equal(unit_fmt_duration(-2e6, buf, sizeof buf), "-2.00ms");
	assert_string_equal(unit_fmt_size(1048576, buf, sizeof buf), "1.00MiB");
	assert_string_equal(unit_fmt_count(4424.4, buf, sizeof buf), "4,424");
	assert_string_equal(unit_fmt_count(999, buf, sizeof buf), "999");
	assert_string_equal(unit_fmt_count(-1234567, buf, sizeof buf), "-1,234,567");
	assert_string_equal(unit_fmt_count(NAN, buf, sizeof buf), "-");
	assert_string_equal(unit_fmt_size(512, buf, sizeof buf), "512B");
	assert_string_equal(unit_fmt_size(1536, buf, sizeof buf), "1.50KiB");
	assert_string_equal(unit_fmt_size(24.0 * (1 << 30), buf, sizeof buf), "24.00GiB");
	assert_string_equal(unit_fmt_size(3.0 * (1LL << 40), buf, sizeof buf), "3.00TiB");
	/* returns buf, truncates safely */
	char small[4];
	assert_ptr_equal(unit_fmt_duration(1.5e6, small, sizeof small), small);
	assert_string_equal(small, "1.5");
}

static void test_format_round_trip(void **state)
{
	(void)state;
	char buf[32];
	sim_ns v;
	assert_int_equal(unit_parse_duration(unit_fmt_duration(1.5e6, buf, sizeof buf), &v, err, sizeof err), 0);
	assert_int_equal(v, 1500000);
	int64_t s;
	assert_int_equal(unit_parse_size(unit_fmt_size(1048576, buf, sizeof buf), &s, err, sizeof err), 0);
	assert_int_equal(s, 1048576);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_units),
		cmocka_unit_test(test_duration_rounding_and_range),
		cmocka_unit_test(test_duration_errors),
		cmocka_unit_test(test_errors_without_buffer),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
