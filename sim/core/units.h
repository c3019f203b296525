/* sim/core/units.h — parsing of user-facing quantities: durations (ns us ms s),
 * sizes (B KiB MiB GiB, also KB MB GB as powers of 1000) and rates (N/s).
 * Pure functions: no allocation, no global state, no I/O. */
#ifndef GMPSIM_UNITS_H
#define GMPSIM_UNITS_H
#include "types.h"

/* Each parser returns 0 and stores the value, or -1 and writes a one-line
 * reason (no position; the caller adds file:line:column) into err.
 * Numbers may be decimal ("1.5ms") or use an exponent ("1e3us").
 * Durations: "0" alone is accepted without a unit; negative values are
 * rejected ("negative duration"); results are rounded to the nearest ns.
 * Sizes: a bare integer means bytes; units are case-insensitive (TiB and
 * TB too); fractions round to the nearest byte. Rates: "10000/s", "10/ms",
 * "5/us", "2.5k/s" (k, M suffix on the number; also G, and /ns /min /h) —
 * result in events per second. Durations also accept "µs". Messages name
 * the culprit: "unknown unit 'parsecs'", "negative duration",
 * "missing unit (ns, us, ms or s)". */
int unit_parse_duration(const char *s, sim_ns *out, char *err, size_t errlen);
int unit_parse_size(const char *s, int64_t *out, char *err, size_t errlen);
int unit_parse_rate(const char *s, double *out, char *err, size_t errlen);

/* Plain quantities, same contract (0 or -1 with a reason in err; surrounding
 * spaces allowed, nothing else). A number is decimal with an optional
 * exponent, never hex, inf or nan. An int64 / uint64 is digits with an
 * optional sign ('-' only for int64); out of range is an error. */
int unit_parse_number(const char *s, double *out, char *err, size_t errlen);
int unit_parse_int64(const char *s, int64_t *out, char *err, size_t errlen);
int unit_parse_uint64(const char *s, uint64_t *out, char *err, size_t errlen);

/* Formats a duration with a readable unit ("1.50ms") into buf; returns buf. */
const char *unit_fmt_duration(double ns, char *buf, size_t len);
/* Formats a byte count ("1.00MiB") into buf; returns buf. */
const char *unit_fmt_size(double bytes, char *buf, size_t len);
/* Formats a count rounded to a whole number with thousands separators
 * ("4,424", "-12,000"; "-" when not finite) into buf; returns buf. */
const char *unit_fmt_count(double v, char *buf, size_t len);

#endif
