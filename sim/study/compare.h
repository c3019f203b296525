/* sim/study/compare.h — paired model comparisons with 95% confidence intervals,
 * read from a results database.
 *
 * Runs with the same (scenario, point_id, seed, rep) saw the same random
 * inputs and differ only in model (common random numbers), so the models of
 * a sweep point are compared per repetition: for each repetition the ratio
 * and the difference of a metric between another model and the reference
 * model (ratio = MODEL ÷ reference, difference = MODEL - reference: the
 * convention of the run summary and of the compare view, "threads uses
 * 1.88× gmp's CPU"), then a Student-t interval over the repetitions.
 *
 * A pair says when its figures mislead: OVERLOADED when a model did not
 * keep up in some repetition (capacity.h's rule: its latency then covers
 * only the requests that completed), UNSTABLE when a model's throughput
 * over the repetitions spans more than a factor 1.5 (the repetitions fell
 * into different regimes and the interval describes neither).
 *
 * Ratios: the interval is computed on the log ratios and reported as the
 * geometric mean ratio exp(mean log r) with exp(mean ± t·sd/√n). Log ratios
 * make a ratio and its inverse symmetric (1.5× and 0.67× are equally far
 * from 1) and the multiplicative noise of rates and latencies closer to
 * normal. Differences use the plain t-interval.
 *
 * Must not write to the database or run simulations.
 */
#ifndef GMPSIM_COMPARE_H
#define GMPSIM_COMPARE_H
#include <stddef.h>
#include <stdio.h>

/* A paired estimate over n repetitions. With n < 2 there is no interval
 * (has_ci false; lo/hi NAN). With n == 0 the estimate is NAN too. */
struct cmp_estimate {
	int n;          /* pairs used */
	int skipped;    /* pairs skipped: a value missing, NaN, infinite, or (ratios) <= 0 */
	double value;   /* ratio: geometric mean a/b; difference: mean a - b */
	double lo, hi;  /* 95% confidence interval */
	int has_ci;
};

/* Geometric mean of a[i]/b[i] with the 95% t-interval of the log ratios,
 * over the pairs where both values are finite and > 0. */
void cmp_ratio(const double *a, const double *b, int n, struct cmp_estimate *out);
/* Mean of a[i] - b[i] with its 95% t-interval, over the pairs where both
 * values are finite. */
void cmp_difference(const double *a, const double *b, int n, struct cmp_estimate *out);

/* What cmp_report_opts shows. Zeroed: the default report. */
enum cmp_format { CMP_TEXT, CMP_CSV, CMP_JSON };
struct cmp_opts {
	const char *ref;        /* the reference model (NULL: gmp if present, else the first alphabetically) */
	const char *metric;     /* one metric's rows only (a name cmp_check_metric accepts), or NULL */
	enum cmp_format format; /* CSV: RFC 4180 with a header row, CRLF; JSON: an array of objects */
};

/* The metric names --metric takes, ", "-separated, into buf; returns buf. */
const char *cmp_metric_names(char *buf, size_t len);
/* 0 when name is NULL or a metric compare knows; else -1 with a message
 * listing them in err. */
int cmp_check_metric(const char *name, char *err, size_t errlen);

/* cmp_report with options: the reference model, one metric, and CSV or
 * JSON rows (one per point x metric x model against the reference: the
 * means, the ratio MODEL ÷ ref and the difference MODEL - ref with their
 * 95% intervals, the overloaded repetitions of each side, and whether the
 * pair is UNSTABLE with the reason) instead of the text report. In a point
 * of a batch scenario (every service class arrives as { batch: }) the
 * time to finish (latency_max) leads and the quote is about it. Errors as
 * cmp_report's, plus an unknown --metric and a --ref model without runs. */
int cmp_report_opts(const char *db_path, const struct cmp_opts *opts, FILE *out, char *err, size_t errlen);

/* The compact end-of-sweep table: one row per point, a column per swept
 * key (derived keys, which vary with the swept ones, listed below it as
 * derived), per model the mean of throughput and p99 latency (the time to
 * finish in a batch) with 95% t-intervals over the repetitions and an
 * OVERLOADED mark, and per model its paired ratio ÷ the reference. Errors
 * as cmp_report's. */
int cmp_pivot(const char *db_path, FILE *out, char *err, size_t errlen);

/* Reads the database at db_path (read-only) and writes, per (scenario,
 * point_id), a table of the models' mean metrics and, per pair (reference
 * = 'gmp' if present, else the first model alphabetically, against each
 * other model), the ratio other ÷ reference and the difference other -
 * reference with 95% intervals of throughput,
 * latency p50/p99/mean, CPU utilisation, committed stack and peak threads,
 * then one quotable line. Only runs with status 'complete' count.
 * Returns 0; or -1 with a one-line message naming db_path in err (missing
 * file, not an SQLite file, not a gmpsim database, no complete runs). */
int cmp_report(const char *db_path, FILE *out, char *err, size_t errlen);

/* The quotable sentence for one pair, e.g. "threads served 0.68x the
 * requests of gmp (95% CI 0.66-0.70) at p99 212 ms vs 31 ms (5 reps)",
 * written into buf (UTF-8: × and –). thr is the throughput ratio other ÷ ref; p99s
 * are the mean p99 latencies in ns (NAN when unknown); reps the pairs. */
void cmp_quote(char *buf, size_t len, const char *ref, const char *other,
	       const struct cmp_estimate *thr, double ref_p99, double other_p99, int reps);
/* The same for a batch: "threads took 1.46× gmp's time to finish (95% CI
 * 1.46–1.47): 337.2 ms vs 230.3 ms (5 reps)"; t the ratio other ÷ ref of
 * the time to finish, the times in ns. */
void cmp_quote_finish(char *buf, size_t len, const char *ref, const char *other, const struct cmp_estimate *t,
		      double ref_ns, double other_ns, int reps);

#endif
