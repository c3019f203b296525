/* sim/core/units.c — parsing and printing of user-facing quantities: durations,
 * sizes, rates and plain numbers, as written in scenarios and on the command
 * line.
 *
 * Must not: allocate, keep state, do I/O, or know where a value came from
 * (the caller adds file:line:column). The grammar is deliberately small and
 * strict: a decimal number, optional spaces, a unit; no hex, no inf/nan, no
 * trailing garbage (it shows up as an unknown unit). */
#include "units.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* 2^63 as a double: the first value that no longer fits in int64_t. */
#define TWO_POW_63 9223372036854775808.0
#define NUMBER_MAX_CHARS 128

/* A scanned decimal number. `integral` numbers (digits only, no '.', no
 * exponent) that fit in int64_t also carry their exact value, so that large
 * integer durations do not lose precision through a double. */
struct number {
	double value;
	bool negative;
	bool integral;
	int64_t ivalue;
	const char *rest; /* first character after the number */
};

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static const char *skip_spaces(const char *s)
{
	while (is_space(*s))
		s++;
	return s;
}

/* Length of s without its trailing spaces. */
static size_t trimmed_len(const char *s)
{
	size_t n = strlen(s);
	while (n > 0 && is_space(s[n - 1]))
		n--;
	return n;
}

static const char *skip_digits(const char *s)
{
	while (is_digit(*s))
		s++;
	return s;
}

/* Finds the end of [+-]digits[.digits][(e|E)[+-]digits] starting at s, or
 * returns NULL when there is no digit in the mantissa. An 'e' not followed
 * by digits is left for the unit. */
static const char *number_end(const char *s, bool *integral)
{
	const char *p = s;
	if (*p == '+' || *p == '-')
		p++;
	const char *int_end = skip_digits(p);
	const char *frac_end = int_end;
	if (*int_end == '.')
		frac_end = skip_digits(int_end + 1);
	bool has_digit = int_end > p || frac_end > int_end + 1;
	if (!has_digit)
		return NULL;
	*integral = frac_end == int_end;
	const char *end = frac_end;
	if (*end == 'e' || *end == 'E') {
		const char *q = end + 1;
		if (*q == '+' || *q == '-')
			q++;
		if (is_digit(*q)) {
			end = skip_digits(q);
			*integral = false;
		}
	}
	return end;
}

static int scan_number(const char *s, struct number *n, char *err, size_t errlen)
{
	s = skip_spaces(s);
	bool integral = false;
	const char *end = number_end(s, &integral);
	if (!end)
		return fail(err, errlen, *s ? "not a number" : "empty value");
	size_t len = (size_t)(end - s);
	if (len >= NUMBER_MAX_CHARS)
		return fail(err, errlen, "number too long");
	char buf[NUMBER_MAX_CHARS];
	memcpy(buf, s, len);
	buf[len] = '\0';
	n->negative = s[0] == '-';
	n->rest = end;
	n->value = strtod(buf, NULL);
	if (!isfinite(n->value))
		return fail(err, errlen, "number out of range");
	n->integral = false;
	if (integral) {
		errno = 0;
		long long v = strtoll(buf, NULL, 10);
		n->integral = errno == 0;
		n->ivalue = v;
	}
	return 0;
}

/* The unit after a number: spaces skipped on both sides; copied into buf
 * (truncated) for matching and messages. */
static const char *unit_text(const char *rest, char *buf, size_t len)
{
	rest = skip_spaces(rest);
	size_t n = trimmed_len(rest);
	if (n >= len)
		n = len - 1;
	memcpy(buf, rest, n);
	buf[n] = '\0';
	return buf;
}

struct unit {
	const char *name;
	double scale;
};

static const struct unit duration_units[] = {
	{ "ns", 1 }, { "us", 1e3 }, { "\xc2\xb5s", 1e3 }, /* µs, MICRO SIGN */
	{ "\xce\xbcs", 1e3 },                               /* μs, GREEK MU */
	{ "ms", 1e6 }, { "s", 1e9 },
};

static const struct unit size_units[] = {
	{ "B", 1 },
	{ "KiB", 1024.0 }, { "MiB", 1048576.0 }, { "GiB", 1073741824.0 },
	{ "TiB", 1099511627776.0 },
	{ "KB", 1e3 }, { "MB", 1e6 }, { "GB", 1e9 }, { "TB", 1e12 },
};

/* Rate units are per what: the value is divided by the unit's seconds. */
static const struct unit rate_units[] = {
	{ "s", 1 }, { "ms", 1e-3 }, { "us", 1e-6 }, { "\xc2\xb5s", 1e-6 },
	{ "\xce\xbcs", 1e-6 }, { "ns", 1e-9 }, { "min", 60 }, { "h", 3600 },
};

#define NUNITS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct unit *find_unit(const struct unit *units, int n,
				    const char *name, bool ignore_case)
{
	for (int i = 0; i < n; i++) {
		int c = ignore_case ? strcasecmp(units[i].name, name)
				    : strcmp(units[i].name, name);
		if (c == 0)
			return &units[i];
	}
	return NULL;
}

/* Scales a non-negative number by a unit and rounds to the nearest integer,
 * exactly when the number is an integer and the scale is whole. */
static int scale_to_int64(const struct number *n, double scale, int64_t *out)
{
	if (n->integral && scale == floor(scale) && scale < TWO_POW_63) {
		int64_t r;
		if (__builtin_mul_overflow(n->ivalue, (int64_t)scale, &r))
			return -1;
		*out = r;
		return 0;
	}
	double x = n->value * scale;
	if (!(x < TWO_POW_63))
		return -1;
	*out = llround(x);
	return 0;
}

int unit_parse_duration(const char *s, sim_ns *out, char *err, size_t errlen)
{
	struct number n;
	if (scan_number(s, &n, err, errlen))
		return -1;
	char ubuf[32];
	const char *unit = unit_text(n.rest, ubuf, sizeof ubuf);
	if (n.negative && n.value != 0)
		return fail(err, errlen, "negative duration");
	if (!*unit) {
		if (n.value != 0)
			return fail(err, errlen, "missing unit (ns, us, ms or s)");
		*out = 0;
		return 0;
	}
	const struct unit *u = find_unit(duration_units, NUNITS(duration_units), unit, false);
	if (!u)
		return fail(err, errlen, "unknown unit '%s'", unit);
	if (scale_to_int64(&n, u->scale, out))
		return fail(err, errlen, "duration too large");
	if (*out < 0) /* "-0" scaled */
		*out = 0;
	return 0;
}

int unit_parse_size(const char *s, int64_t *out, char *err, size_t errlen)
{
	struct number n;
	if (scan_number(s, &n, err, errlen))
		return -1;
	char ubuf[32];
	const char *unit = unit_text(n.rest, ubuf, sizeof ubuf);
	if (n.negative && n.value != 0)
		return fail(err, errlen, "negative size");
	double scale = 1;
	if (*unit) {
		const struct unit *u = find_unit(size_units, NUNITS(size_units), unit, true);
		if (!u)
			return fail(err, errlen, "unknown unit '%s'", unit);
		scale = u->scale;
	} else if (n.value != floor(n.value)) {
		return fail(err, errlen, "a size without a unit is a whole number of bytes");
	}
	if (scale_to_int64(&n, scale, out))
		return fail(err, errlen, "size too large");
	if (*out < 0)
		*out = 0;
	return 0;
}

/* The optional k/M/G right after a rate's number ("2.5k/s"). */
static double rate_multiplier(char c)
{
	switch (c) {
	case 'k': case 'K': return 1e3;
	case 'M': return 1e6;
	case 'G': return 1e9;
	default: return 1;
	}
}

/* Rates: NUMBER [k|K|M|G] [spaces] '/' [spaces] UNIT. */
int unit_parse_rate(const char *s, double *out, char *err, size_t errlen)
{
	struct number n;
	if (scan_number(s, &n, err, errlen))
		return -1;
	const char *p = n.rest;
	double mult = rate_multiplier(*p);
	if (mult != 1)
		p++;
	p = skip_spaces(p);
	char ubuf[32];
	if (*p != '/') {
		const char *unit = unit_text(p, ubuf, sizeof ubuf);
		if (!*unit)
			return fail(err, errlen, "missing unit (e.g. 1000/s)");
		return fail(err, errlen, "unknown unit '%s'", unit);
	}
	const char *unit = unit_text(p + 1, ubuf, sizeof ubuf);
	const struct unit *u = find_unit(rate_units, NUNITS(rate_units), unit, false);
	if (!u)
		return fail(err, errlen, "unknown unit '/%s'", unit);
	if (n.negative && n.value != 0)
		return fail(err, errlen, "negative rate");
	double r = n.value * mult / u->scale;
	if (!isfinite(r))
		return fail(err, errlen, "rate too large");
	*out = r == 0 ? 0 : r; /* no -0 */
	return 0;
}

int unit_parse_number(const char *s, double *out, char *err, size_t errlen)
{
	struct number n;
	if (scan_number(s, &n, err, errlen))
		return -1;
	if (*skip_spaces(n.rest))
		return fail(err, errlen, "not a number");
	*out = n.value == 0 ? 0 : n.value;
	return 0;
}

/* Checks s is [spaces][+|-]digits[spaces]; returns the start of the sign or
 * digits, or NULL. */
static const char *integer_start(const char *s, bool allow_minus)
{
	s = skip_spaces(s);
	const char *p = s;
	if (*p == '+' || (allow_minus && *p == '-'))
		p++;
	const char *end = skip_digits(p);
	if (end == p || *skip_spaces(end))
		return NULL;
	return s;
}

int unit_parse_int64(const char *s, int64_t *out, char *err, size_t errlen)
{
	const char *p = integer_start(s, true);
	if (!p)
		return fail(err, errlen, "not an integer");
	errno = 0;
	long long v = strtoll(p, NULL, 10);
	if (errno == ERANGE)
		return fail(err, errlen, "out of range");
	*out = v;
	return 0;
}

int unit_parse_uint64(const char *s, uint64_t *out, char *err, size_t errlen)
{
	const char *p = integer_start(s, false);
	if (!p)
		return fail(err, errlen, "not an unsigned integer");
	errno = 0;
	unsigned long long v = strtoull(p, NULL, 10);
	if (errno == ERANGE)
		return fail(err, errlen, "out of range");
	*out = v;
	return 0;
}

/* Picks the largest unit the value reaches; tiny and odd values stay in the
 * smallest unit. */
static const char *fmt_scaled(double v, const char *const *names,
			      const double *scales, int n, const char *fmt0,
			      char *buf, size_t len)
{
	if (!len)
		return buf;
	if (!isfinite(v)) {
		snprintf(buf, len, "%g", v);
		return buf;
	}
	int i = n - 1;
	while (i > 0 && fabs(v) < scales[i])
		i--;
	snprintf(buf, len, i == 0 ? fmt0 : "%.2f%s", v / scales[i], names[i]);
	return buf;
}

const char *unit_fmt_duration(double ns, char *buf, size_t len)
{
	static const char *const names[] = { "ns", "us", "ms", "s" };
	static const double scales[] = { 1, 1e3, 1e6, 1e9 };
	return fmt_scaled(ns, names, scales, 4, "%.2f%s", buf, len);
}

const char *unit_fmt_size(double bytes, char *buf, size_t len)
{
	static const char *const names[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	static const double scales[] = { 1, 1024.0, 1048576.0, 1073741824.0,
					 1099511627776.0 };
	return fmt_scaled(bytes, names, scales, 5, "%.0f%s", buf, len);
}

const char *unit_fmt_count(double v, char *buf, size_t len)
{
	if (!isfinite(v) || fabs(v) >= 1e18) {
		snprintf(buf, len, isfinite(v) ? "%.3g" : "-", v);
		return buf;
	}
	char digits[32], out[48];
	long long n = llround(fabs(v));
	int nd = snprintf(digits, sizeof digits, "%lld", n), o = 0;
	if (v < 0 && n)
		out[o++] = '-';
	for (int i = 0; i < nd; i++) {
		if (i && (nd - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = 0;
	snprintf(buf, len, "%s", out);
	return buf;
}
