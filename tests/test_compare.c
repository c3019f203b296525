/* tests/test_compare.c — the paired comparison (sim/study/compare.c): the
 * t-interval against tabulated Student quantiles, its coverage on
 * synthetic noise, the report read back from databases written with the
 * real writer (db_create / db_write_run), the quotable line, skipped
 * values, sweep keys, the reference model and bad databases. Works in its
 * own mkdtemp directory only. */
#include "testutil.h"
#include "compare.h"
#include "db.h"
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <jansson.h>
#include <ctype.h>
#include <math.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* ---- helpers ----------------------------------------------------------------- */

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "build/tmp/gmpsim-test-compare-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return getenv("KEEP") || system(cmd) == 0 ? 0 : -1;
}

static void db_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

struct spec {
	const char *model;
	int rep, point;
	double thr, p99, cpu;
	const char *cores;  /* machine.cores param */
};

/* The overload rule's inputs of a run: tasks_arrived and tasks_completed
 * (latency_samples: done, or 0 without a p99); none when arrived is 0. */
struct load {
	double arrived, done;
};

static void write_loaded_run(struct db *db, const struct spec *s, struct load l)
{
	struct run_result r;
	char err[256], seed[16];
	res_init(&r, "web", s->model, 100 + (uint64_t)s->rep);
	r.rep = s->rep;
	r.point_id = s->point;
	snprintf(seed, sizeof seed, "%d", 100 + s->rep);
	res_param(&r, "seed", seed);
	res_param(&r, "model", s->model);
	res_param(&r, "machine.cores", s->cores ? s->cores : "8");
	res_metric(&r, "throughput", s->thr, "1/s");
	res_metric(&r, "latency_p99", s->p99, "ns");
	res_metric(&r, "latency_p50", s->p99 / 3, "ns");
	res_metric(&r, "latency_mean", s->p99 / 2, "ns");
	res_metric(&r, "cpu_utilization", s->cpu, "ratio");
	res_metric(&r, "stack_committed_peak", 1 << 20, "B");
	res_metric(&r, "threads_peak", 10, "threads");
	if (l.arrived > 0) {
		res_metric(&r, "tasks_arrived", l.arrived, "count");
		res_metric(&r, "tasks_completed", l.done, "count");
		res_metric(&r, "latency_samples", isnan(s->p99) ? 0 : l.done, "count");
		res_metric(&r, "tasks_live_end", l.arrived - l.done, "count");
	}
	res_set_status(&r, "complete", NULL);
	if (db_write_run(db, &r, err, sizeof err) < 0)
		fail_msg("db_write_run: %s", err);
	res_free(&r);
}

static void write_spec_run(struct db *db, const struct spec *s)
{
	write_loaded_run(db, s, (struct load){ 0, 0 });
}

/* Writes the runs (with loads[i] when loads) and commits the database at path. */
static void write_db_loaded(const char *path, const struct spec *runs, const struct load *loads, int n)
{
	char err[256];
	struct db *db = db_create(path, err, sizeof err);
	if (!db)
		fail_msg("db_create: %s", err);
	for (int i = 0; i < n; i++)
		write_loaded_run(db, &runs[i], loads ? loads[i] : (struct load){ 0, 0 });
	if (db_close_commit(db, err, sizeof err) != 0)
		fail_msg("commit: %s", err);
}

/* Writes the runs and commits the database at path. */
static void write_db(const char *path, const struct spec *runs, int n)
{
	char err[256];
	struct db *db = db_create(path, err, sizeof err);
	if (!db)
		fail_msg("db_create: %s", err);
	for (int i = 0; i < n; i++)
		write_spec_run(db, &runs[i]);
	if (db_close_commit(db, err, sizeof err) != 0)
		fail_msg("commit: %s", err);
}

/* cmp_report's output as a malloc'd string; its return code in *rc.
 * The stream's buffer pointer lives in a heap cell, not on this frame:
 * gcc 12's -Wdangling-pointer otherwise takes the returned string for a
 * pointer into the frame (&buf went to open_memstream). */
static char *report(const char *path, int *rc, char *err, size_t errlen)
{
	char **cell = calloc(1, sizeof *cell);
	size_t len = 0;
	assert_non_null(cell);
	FILE *f = open_memstream(cell, &len);
	assert_non_null(f);
	*rc = cmp_report(path, f, err, errlen);
	fclose(f);
	char *out = *cell;
	free(cell);
	return out;
}

/* The paired design of the synthetic databases: the reference model's
 * throughput varies a lot between repetitions (as common random numbers
 * do), the other model's is exactly base / k times a log-normal noise
 * exp(N(0, sigma)). The true ratio of the reference to the other is k, so
 * the report's ratio (other ÷ reference) is 1/k. */
static void synthetic_pairs(struct spec *runs, int reps, double k, double sigma, unsigned long seed)
{
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(g, seed);
	for (int r = 0; r < reps; r++) {
		double base = 1000 + 400 * r % 1700;
		double noise = exp(gsl_ran_gaussian(g, sigma));
		runs[2 * r] = (struct spec){ "gmp", r, 0, base, 30e6, 0.4, NULL };
		runs[2 * r + 1] = (struct spec){ "threads", r, 0, base / k * noise, 210e6, 0.5, NULL };
	}
	gsl_rng_free(g);
}

/* Parses "(95% CI LO–HI)" from the quote line of out. */
static void quote_ci(const char *out, double *lo, double *hi)
{
	const char *q = strstr(out, "quote: threads served ");
	assert_non_null(q);
	const char *ci = strstr(q, "(95% CI ");
	assert_non_null(ci);
	char *end;
	*lo = strtod(ci + 8, &end);
	assert_true(end > ci + 8);
	assert_memory_equal(end, "\u2013", strlen("\u2013"));
	*hi = strtod(end + strlen("\u2013"), NULL);
}

/* ---- statistics ------------------------------------------------------------------ */

/* Log ratios ln k ± sigma in antithetic pairs: the geometric mean is k and
 * the half-width is t(0.975, n-1) * sd / sqrt(n) with the tabulated t. */
static void test_ratio_interval_matches_t_table(void **state)
{
	(void)state;
	static const struct { int n; double t; } table[] = { { 4, 3.182446 }, { 16, 2.131450 } };
	const double k = 1.47, sigma = 0.1;
	for (int c = 0; c < 2; c++) {
		int n = table[c].n;
		double a[16], b[16];
		for (int i = 0; i < n; i++) {
			a[i] = 500.0 + 37 * i;
			b[i] = a[i] / k * exp(i % 2 ? sigma : -sigma);
		}
		struct cmp_estimate e;
		cmp_ratio(a, b, n, &e);
		double sd = sigma * sqrt((double)n / (n - 1));
		double half = table[c].t * sd / sqrt(n);
		assert_int_equal(e.n, n);
		assert_int_equal(e.skipped, 0);
		assert_true(e.has_ci);
		assert_true(fabs(e.value / k - 1) < 1e-12);
		assert_true(fabs(e.lo / (k * exp(-half)) - 1) < 1e-6);
		assert_true(fabs(e.hi / (k * exp(half)) - 1) < 1e-6);
	}
}

static void test_difference_interval(void **state)
{
	(void)state;
	double a[] = { 10, 12, 14, 16 }, b[] = { 9, 10, 11, 12 };  /* differences 1 2 3 4 */
	struct cmp_estimate e;
	cmp_difference(a, b, 4, &e);
	double half = 3.182446 * sqrt(5.0 / 3) / 2;  /* sd of 1..4 is sqrt(5/3) */
	assert_true(fabs(e.value - 2.5) < 1e-12);
	assert_true(fabs(e.lo - (2.5 - half)) < 1e-5);
	assert_true(fabs(e.hi - (2.5 + half)) < 1e-5);
}

/* Over 2,000 synthetic experiments of 5 noisy pairs each, the interval
 * covers the true ratio about 95% of the time (binomial sd 0.5%). */
static void test_ratio_interval_coverage(void **state)
{
	(void)state;
	const double k = 1.3;
	const int experiments = 2000, n = 5;
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(g, 12345);
	int covered = 0;
	for (int x = 0; x < experiments; x++) {
		double a[5], b[5];
		for (int i = 0; i < n; i++) {
			a[i] = 100 + 50 * gsl_rng_uniform(g);
			b[i] = a[i] / k * exp(gsl_ran_gaussian(g, 0.05));
		}
		struct cmp_estimate e;
		cmp_ratio(a, b, n, &e);
		covered += e.lo <= k && k <= e.hi;
	}
	gsl_rng_free(g);
	double share = (double)covered / experiments;
	fprintf(stderr, "coverage of the 95%% ratio interval: %.1f%%\n", 100 * share);
	assert_true(share > 0.93 && share < 0.97);
}

static void test_bad_values_are_skipped(void **state)
{
	(void)state;
	double a[] = { 2, NAN, 4, 0, INFINITY, 6 }, b[] = { 1, 1, 2, 1, 1, 0 };
	struct cmp_estimate r, d;
	cmp_ratio(a, b, 6, &r);
	assert_int_equal(r.n, 2);          /* 2/1 and 4/2 */
	assert_int_equal(r.skipped, 4);
	assert_true(fabs(r.value - 2) < 1e-12);
	cmp_difference(a, b, 6, &d);
	assert_int_equal(d.n, 4);          /* 1, 2, -1, 6 */
	assert_int_equal(d.skipped, 2);
	assert_true(fabs(d.value - 2) < 1e-12);
	cmp_ratio(a, b, 1, &r);
	assert_int_equal(r.n, 1);
	assert_false(r.has_ci);
	assert_true(isnan(r.lo) && isnan(r.hi));
	cmp_ratio(a + 1, b + 1, 1, &r);
	assert_int_equal(r.n, 0);
	assert_true(isnan(r.value));
}

/* ---- the report -------------------------------------------------------------------- */

/* The quote's interval contains the true ratio and narrows with more
 * repetitions (same noise level, 3 vs 40 pairs: t/sqrt(n) falls 7.8-fold,
 * so even the printed, outward-rounded bounds must narrow by half). */
static void test_report_ci_contains_k_and_shrinks(void **state)
{
	(void)state;
	const double k = 1.47;
	double width[2];
	const int reps[2] = { 3, 40 };
	for (int c = 0; c < 2; c++) {
		struct spec runs[80];
		synthetic_pairs(runs, reps[c], k, 0.02, 7);
		char path[128], err[256];
		db_path(path, sizeof path, c ? "k40.db" : "k3.db");
		write_db(path, runs, 2 * reps[c]);
		int rc;
		char *out = report(path, &rc, err, sizeof err);
		assert_int_equal(rc, 0);
		double lo, hi;
		quote_ci(out, &lo, &hi);
		fprintf(stderr, "%d reps: 95%% CI %.4f-%.4f around %.4f\n", reps[c], lo, hi, 1 / k);
		assert_true(lo <= 1 / k && 1 / k <= hi);  /* printed bounds are rounded outwards */
		width[c] = hi - lo;
		char expect[64];
		snprintf(expect, sizeof expect, "(%d reps)", reps[c]);
		assert_non_null(strstr(out, expect));
		free(out);
	}
	assert_true(width[1] < width[0] / 2);
}

/* The quotable line, exactly, for a case whose numbers are known. */
static void test_quote_format(void **state)
{
	(void)state;
	struct cmp_estimate thr = { .n = 5, .value = 0.68, .lo = 0.66, .hi = 0.70, .has_ci = 1 };
	char buf[256];
	cmp_quote(buf, sizeof buf, "gmp", "threads", &thr, 31e6, 212e6, 5);
	assert_string_equal(buf, "threads served 0.680\u00d7 the requests of gmp (95% CI 0.660\u20130.700) "
				 "at p99 212.0 ms vs 31.0 ms (5 reps)");
	struct cmp_estimate one = { .n = 1, .value = 2.0, .lo = NAN, .hi = NAN };
	cmp_quote(buf, sizeof buf, "gmp", "pool", &one, NAN, 5e6, 1);
	assert_string_equal(buf, "pool served 2.00\u00d7 the requests of gmp (n=1, no CI) (1 rep)");
}

static void test_one_rep_has_no_ci(void **state)
{
	(void)state;
	struct spec runs[] = { { "gmp", 0, 0, 1000, 30e6, 0.4, NULL }, { "threads", 0, 0, 500, 60e6, 0.5, NULL } };
	char path[128], err[256];
	db_path(path, sizeof path, "one.db");
	write_db(path, runs, 2);
	int rc;
	char *out = report(path, &rc, err, sizeof err);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "threads served 0.500\u00d7 the requests of gmp (n=1, no CI) "
				    "at p99 60.0 ms vs 30.0 ms (1 rep)"));
	assert_null(strstr(out, "95% CI 0"));
	free(out);
}

/* A zero throughput and a missing p99 are skipped and counted; nothing
 * prints as nan. */
static void test_report_skips_and_never_prints_nan(void **state)
{
	(void)state;
	struct spec runs[] = {
		{ "gmp", 0, 0, 1000, 30e6, 0.4, NULL }, { "threads", 0, 0, 0, NAN, 0.5, NULL },
		{ "gmp", 1, 0, 1100, 31e6, 0.4, NULL }, { "threads", 1, 0, 600, 50e6, 0.5, NULL },
		{ "gmp", 2, 0, 1200, 32e6, 0.4, NULL }, { "threads", 2, 0, 650, 55e6, 0.5, NULL },
	};
	char path[128], err[256];
	db_path(path, sizeof path, "skip.db");
	write_db(path, runs, 6);
	int rc;
	char *out = report(path, &rc, err, sizeof err);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "(1 skipped)"));
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	assert_null(strstr(out, "nan"));
	assert_null(strstr(out, "inf"));
	free(out);
}

/* Points are told apart by the parameters that differ between them (not
 * by the seed, which differs within a point); without gmp the reference is
 * the first model alphabetically. */
static void test_sweep_keys_and_reference(void **state)
{
	(void)state;
	struct spec runs[] = {
		{ "threads", 0, 0, 500, 9e6, 0.5, "4" }, { "pool", 0, 0, 400, 8e6, 0.5, "4" },
		{ "threads", 1, 0, 510, 9e6, 0.5, "4" }, { "pool", 1, 0, 420, 8e6, 0.5, "4" },
		{ "threads", 0, 1, 900, 9e6, 0.5, "8" }, { "pool", 0, 1, 450, 8e6, 0.5, "8" },
	};
	char path[128], err[256];
	db_path(path, sizeof path, "sweep.db");
	write_db(path, runs, 6);
	int rc;
	char *out = report(path, &rc, err, sizeof err);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "== web, point 0: machine.cores=4 =="));
	assert_non_null(strstr(out, "== web, point 1: machine.cores=8 =="));
	assert_null(strstr(out, "seed="));
	assert_non_null(strstr(out, "threads vs pool: 2 paired reps"));
	assert_non_null(strstr(out, "ratio = threads \u00f7 pool"));
	assert_null(strstr(out, "pool vs threads"));
	free(out);
}

/* The returned row of metric label in the pair block that starts at
 * block (the first line after it that begins with "  label "). */
static const char *row_of(const char *block, const char *label)
{
	char key[64];
	snprintf(key, sizeof key, "\n  %s ", label);
	const char *r = strstr(block, key);
	assert_non_null(r);
	return r + 1;
}

/* The ratio column of a row: the number after the two values. */
static double row_ratio(const char *row)
{
	char metric[32], a[32], b[32];
	double r = NAN;
	if (sscanf(row, "  %31s %31s %31s %lf", metric, a, b, &r) != 4)  /* one-word labels only */
		fail_msg("no ratio in: %.80s", row);
	return r;
}

/* One convention: ratio = model ÷ gmp and difference = model - gmp, as
 * the run summary and the compare view; said in words in the header. */
static void test_ratio_direction_is_model_over_gmp(void **state)
{
	(void)state;
	struct spec runs[] = {
		{ "gmp", 0, 0, 1000, 30e6, 0.40, NULL }, { "threads", 0, 0, 500, 60e6, 0.50, NULL },
		{ "gmp", 1, 0, 1010, 30e6, 0.40, NULL }, { "threads", 1, 0, 505, 60e6, 0.50, NULL },
	};
	char path[128], err[256];
	db_path(path, sizeof path, "direction.db");
	write_db(path, runs, 4);
	int rc;
	char *out = report(path, &rc, err, sizeof err);
	assert_int_equal(rc, 0);
	const char *block = strstr(out, "threads vs gmp: 2 paired reps");
	assert_non_null(block);
	assert_non_null(strstr(block, "ratio = threads \u00f7 gmp (above 1: threads has more)"));
	assert_non_null(strstr(block, "difference = threads - gmp"));
	assert_true(fabs(row_ratio(row_of(block, "throughput")) - 0.5) < 1e-9);
	assert_true(fabs(row_ratio(row_of(block, "cpu")) - 1.25) < 1e-9);
	assert_non_null(strstr(row_of(block, "cpu"), "+10.00%"));
	assert_null(strstr(out, "OVERLOADED"));
	assert_null(strstr(out, "UNSTABLE"));
	free(out);
}

/* A model that completed 41% of its arrivals in every rep, one that
 * completed none: marked OVERLOADED with the reason, "overloaded (pool)"
 * where there is no latency, never "no data"; the model that kept up
 * (99.5%, inside the rule's slack) is not marked. */
static void test_overloaded_pairs_are_marked(void **state)
{
	(void)state;
	struct spec runs[] = {
		{ "gmp", 0, 0, 995, 30e6, 0.4, NULL },      { "threads", 0, 0, 410, 900e6, 0.9, NULL },
		{ "pool", 0, 0, 20, NAN, 0.1, NULL },       { "gmp", 1, 0, 998, 31e6, 0.4, NULL },
		{ "threads", 1, 0, 415, 950e6, 0.9, NULL }, { "pool", 1, 0, 20, NAN, 0.1, NULL },
	};
	struct load loads[] = { { 1000, 995 }, { 1000, 410 }, { 1000, 20 }, { 1003, 998 }, { 1003, 415 }, { 1003, 20 } };
	char path[128], err[256];
	db_path(path, sizeof path, "overloaded.db");
	write_db_loaded(path, runs, loads, 6);
	int rc;
	char *out = report(path, &rc, err, sizeof err);
	assert_int_equal(rc, 0);
	assert_null(strstr(out, "no data"));
	assert_null(strstr(out, "OVERLOADED: gmp"));
	assert_non_null(strstr(out, "OVERLOADED: threads in 2 of 2 reps (rep 0: completed 41% of arrivals (410 of 1,000)"));
	assert_non_null(strstr(out, "OVERLOADED: pool in 2 of 2 reps"));
	const char *pool = strstr(out, "pool vs gmp");
	assert_non_null(pool);
	assert_non_null(strstr(row_of(pool, "latency p99"), "overloaded (pool)"));
	assert_non_null(strstr(row_of(pool, "latency p99"), "none"));
	const char *thr = strstr(out, "threads vs gmp");
	assert_non_null(thr);
	assert_non_null(strstr(row_of(thr, "latency p99"), ">925.00ms"));
	assert_non_null(strstr(row_of(thr, "latency p99"), "(understated: threads overloaded)"));
	assert_non_null(strstr(out, "(not quotable as is: threads overloaded"));
	free(out);
}

/* Repetitions in two regimes (the figures) are flagged, with the
 * rule's numbers; a spread within 1.5x is not. */
static void test_unstable_reps_are_flagged(void **state)
{
	(void)state;
	const double gmp[] = { 4424, 5327, 2279, 2029, 2120 };
	struct spec runs[10];
	for (int r = 0; r < 5; r++) {
		runs[2 * r] = (struct spec){ "gmp", r, 0, gmp[r], 30e6, 0.4, NULL };
		runs[2 * r + 1] = (struct spec){ "threads", r, 0, 2000 + 100 * r, 60e6, 0.5, NULL };
	}
	char path[128], err[256];
	db_path(path, sizeof path, "unstable.db");
	write_db(path, runs, 10);
	int rc;
	char *out = report(path, &rc, err, sizeof err);
	assert_int_equal(rc, 0);
	const char *u = strstr(out, "UNSTABLE: gmp's throughput: reps split into two groups, 2,029-2,279/s (3 reps) "
				    "and 4,424-5,327/s (2 reps): max/min 2.63 > 1.5; the intervals below describe none "
				    "of the regimes");
	assert_non_null(u);
	assert_true(u < strstr(out, "  metric "));  /* before the ratios */
	assert_null(strstr(out, "threads's throughput"));  /* 2,000 .. 2,400: 1.2x */
	assert_non_null(strstr(out, "(not quotable as is: UNSTABLE"));
	free(out);
}

/* cmp_report_opts' output as a malloc'd string. */
static char *report_opts(const char *path, const struct cmp_opts *o, int *rc, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	*rc = cmp_report_opts(path, o, f, err, errlen);
	fclose(f);
	return buf;
}

/* --json rows parse with a real parser and carry the pair's estimates;
 * --ref turns the ratio over (threads ÷ gmp = 1/2 becomes gmp ÷ threads
 * = 2, exactly, with noise-free pairs); --metric keeps one metric; --csv
 * has a header and one CRLF row per model x metric. */
static void test_machine_rows_ref_and_metric(void **state)
{
	(void)state;
	struct spec runs[6];
	for (int r = 0; r < 3; r++) {
		runs[2 * r] = (struct spec){ "gmp", r, 0, 1000 + 100 * r, 30e6, 0.4, NULL };
		runs[2 * r + 1] = (struct spec){ "threads", r, 0, (1000 + 100 * r) / 2.0, 60e6, 0.5, NULL };
	}
	char path[128], err[256];
	db_path(path, sizeof path, "rows.db");
	write_db(path, runs, 6);
	int rc;
	struct cmp_opts o = { .format = CMP_JSON, .metric = "throughput" };
	char *out = report_opts(path, &o, &rc, err, sizeof err);
	assert_int_equal(rc, 0);
	json_error_t je;
	json_t *a = json_loads(out, 0, &je);
	assert_non_null(a);
	assert_int_equal(json_array_size(a), 1);
	json_t *row = json_array_get(a, 0);
	assert_string_equal(json_string_value(json_object_get(row, "model")), "threads");
	assert_string_equal(json_string_value(json_object_get(row, "ref")), "gmp");
	assert_string_equal(json_string_value(json_object_get(row, "metric")), "throughput");
	assert_int_equal(json_integer_value(json_object_get(row, "pairs")), 3);
	assert_true(fabs(json_number_value(json_object_get(row, "ratio")) - 0.5) < 1e-12);
	assert_true(fabs(json_number_value(json_object_get(row, "ratio_lo")) - 0.5) < 1e-9);
	assert_true(fabs(json_number_value(json_object_get(row, "model_mean")) - 550) < 1e-9);
	assert_true(json_is_integer(json_object_get(row, "unstable")) && json_integer_value(json_object_get(row, "unstable")) == 0);
	json_decref(a);
	free(out);

	o.ref = "threads";
	out = report_opts(path, &o, &rc, err, sizeof err);
	a = json_loads(out, 0, &je);
	assert_non_null(a);
	row = json_array_get(a, 0);
	assert_string_equal(json_string_value(json_object_get(row, "model")), "gmp");
	assert_true(fabs(json_number_value(json_object_get(row, "ratio")) - 2.0) < 1e-12);
	json_decref(a);
	free(out);

	/* text with --ref: the pair is gmp vs threads */
	o = (struct cmp_opts){ .ref = "threads" };
	out = report_opts(path, &o, &rc, err, sizeof err);
	assert_non_null(strstr(out, "gmp vs threads: 3 paired reps"));
	assert_non_null(strstr(out, "quote: gmp served 2.00"));
	free(out);

	o = (struct cmp_opts){ .format = CMP_CSV };
	out = report_opts(path, &o, &rc, err, sizeof err);
	assert_int_equal(strncmp(out, "scenario,point_id,params,metric,model,ref,pairs,", 48), 0);
	int lines = 0;
	for (const char *c = out; (c = strstr(c, "\r\n")); c += 2)
		lines++;
	assert_int_equal(lines, 1 + 7); /* header + the 7 default metrics */
	free(out);

	o = (struct cmp_opts){ .ref = "pool" };
	free(report_opts(path, &o, &rc, err, sizeof err));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "--ref pool"));
	assert_non_null(strstr(err, "gmp threads"));
	o = (struct cmp_opts){ .metric = "nope" };
	free(report_opts(path, &o, &rc, err, sizeof err));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "latency_max"));
}

/* A batch scenario (every service class arrives as { batch: }; a
 * colocated Poisson class does not count) leads with the time to finish
 * and quotes it; an open-loop scenario does not. */
static void write_batch_run(struct db *db, const char *model, int rep, double finish, int batch)
{
	struct run_result r;
	char err[256];
	res_init(&r, "mutex", model, 100 + (uint64_t)rep);
	r.rep = rep;
	res_param(&r, batch ? "workload.w.arrival.batch.count" : "workload.w.arrival.poisson", batch ? "100" : "5/s");
	res_param(&r, "workload.side.arrival.poisson", "100/s");
	res_param(&r, "workload.side.colocated", "true");
	res_metric(&r, "throughput", 5, "1/s");
	res_metric(&r, "latency_max", finish, "ns");
	res_metric(&r, "latency_p99", finish * 0.99, "ns");
	res_set_status(&r, "complete", NULL);
	if (db_write_run(db, &r, err, sizeof err) < 0)
		fail_msg("db_write_run: %s", err);
	res_free(&r);
}

static void test_batch_leads_with_time_to_finish(void **state)
{
	(void)state;
	for (int batch = 1; batch >= 0; batch--) {
		char path[128], err[256];
		db_path(path, sizeof path, batch ? "batch.db" : "open.db");
		struct db *db = db_create(path, err, sizeof err);
		assert_non_null(db);
		for (int r = 0; r < 3; r++) {
			write_batch_run(db, "gmp", r, 200e6 + 1e6 * r, batch);
			write_batch_run(db, "threads", r, 300e6 + 1.5e6 * r, batch);
		}
		assert_int_equal(db_close_commit(db, err, sizeof err), 0);
		int rc;
		char *out = report(path, &rc, err, sizeof err);
		assert_int_equal(rc, 0);
		const char *metric_head = strstr(out, "  metric ");
		assert_non_null(metric_head);
		const char *first = strchr(metric_head, '\n') + 1;
		if (batch) {
			/* 300/200 = 301.5/201 = 303/202 = 1.5: the ratio is exact */
			assert_int_equal(strncmp(first, "  time to finish ", 17), 0);
			assert_non_null(strstr(out, "quote: threads took 1.50\u00d7 gmp's time to finish (95% CI 1.50\u20131.50): "
						    "301.5 ms vs 201.0 ms (3 reps)"));
			assert_null(strstr(out, "served"));
		} else {
			assert_int_equal(strncmp(first, "  throughput ", 13), 0);
			assert_null(strstr(out, "time to finish"));
			assert_non_null(strstr(out, "quote: threads served 1.00"));
		}
		free(out);
	}
}

static void test_bad_databases(void **state)
{
	(void)state;
	char path[128], err[512];
	int rc;
	db_path(path, sizeof path, "missing.db");
	free(report(path, &rc, err, sizeof err));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, path));

	db_path(path, sizeof path, "text.db");
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("this is not a database, just text long enough to have a header..........\n", f);
	fclose(f);
	free(report(path, &rc, err, sizeof err));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, path));

	db_path(path, sizeof path, "foreign.db");
	char cmd[256];
	snprintf(cmd, sizeof cmd, "sqlite3 %s 'create table t(x); insert into t values(1);'", path);
	assert_int_equal(system(cmd), 0);
	free(report(path, &rc, err, sizeof err));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "not a gmpsim results database"));

	/* a gmpsim database whose only run failed: nothing to compare */
	db_path(path, sizeof path, "failed.db");
	struct db *db = db_create(path, err, sizeof err);
	assert_non_null(db);
	struct run_result r;
	res_init(&r, "web", "gmp", 1);
	res_set_status(&r, "failed", "thread exhaustion");
	assert_true(db_write_run(db, &r, err, sizeof err) > 0);
	res_free(&r);
	assert_int_equal(db_close_commit(db, err, sizeof err), 0);
	free(report(path, &rc, err, sizeof err));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "no complete runs"));
}

/* `gmpsim compare` exits 0 on a good database, 2 on a bad one. */
static void test_cli(void **state)
{
	(void)state;
	struct spec runs[4];
	synthetic_pairs(runs, 2, 2.0, 0.01, 3);
	char path[128], cmd[512], out[1 << 14];
	db_path(path, sizeof path, "cli.db");
	write_db(path, runs, 4);
	const char *bin = getenv("GMPSIM") ? getenv("GMPSIM") : "./gmpsim";
	snprintf(cmd, sizeof cmd, "%s compare %s 2>&1", bin, path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(out, 1, sizeof out - 1, p);
	out[n] = 0;
	assert_int_equal(WEXITSTATUS(pclose(p)), 0);
	assert_non_null(strstr(out, "quote: threads served 0.50"));
	snprintf(cmd, sizeof cmd, "%s compare %s/nope.db 2>&1", bin, tmpdir);
	p = popen(cmd, "r");
	n = fread(out, 1, sizeof out - 1, p);
	out[n] = 0;
	assert_int_equal(WEXITSTATUS(pclose(p)), 2);
	assert_non_null(strstr(out, "nope.db"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ratio_interval_matches_t_table),
		cmocka_unit_test(test_difference_interval),
		cmocka_unit_test(test_ratio_interval_coverage),
		cmocka_unit_test(test_bad_values_are_skipped),
		cmocka_unit_test(test_report_ci_contains_k_and_shrinks),
		cmocka_unit_test(test_quote_format),
		cmocka_unit_test(test_ratio_direction_is_model_over_gmp),
		cmocka_unit_test(test_overloaded_pairs_are_marked),
		cmocka_unit_test(test_unstable_reps_are_flagged),
		cmocka_unit_test(test_machine_rows_ref_and_metric),
		cmocka_unit_test(test_batch_leads_with_time_to_finish),
		cmocka_unit_test(test_one_rep_has_no_ci),
		cmocka_unit_test(test_report_skips_and_never_prints_nan),
		cmocka_unit_test(test_sweep_keys_and_reference),
		cmocka_unit_test(test_bad_databases),
		cmocka_unit_test(test_cli),
	};
	return cmocka_run_group_tests_name("compare", tests, setup, teardown);
}
