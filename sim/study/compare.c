/* sim/study/compare.c — paired comparisons with confidence intervals from a
 * results database (see compare.h for the statistics and their reasons).
 *
 * Reads the runs, their metrics and the parameters that tell sweep points
 * apart; groups runs by (scenario, point_id); pairs each model's
 * repetitions with the reference model's by (seed, rep); prints the tables
 * and the quotable lines. Must not modify the database, run simulations or
 * print a NaN as if it were a number.
 */
#include "compare.h"
#include "units.h"
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- statistics ------------------------------------------------------------ */

/* Mean of x[0..n) with the 95% Student-t interval. */
static void t_interval(const double *x, int n, struct cmp_estimate *e)
{
	e->n = n;
	e->has_ci = 0;
	e->value = e->lo = e->hi = NAN;
	if (n == 0)
		return;
	e->value = gsl_stats_mean(x, 1, (size_t)n);
	if (n < 2)
		return;
	double sd = gsl_stats_sd_m(x, 1, (size_t)n, e->value);
	double half = gsl_cdf_tdist_Pinv(0.975, n - 1) * sd / sqrt(n);
	e->lo = e->value - half;
	e->hi = e->value + half;
	e->has_ci = 1;
}

void cmp_ratio(const double *a, const double *b, int n, struct cmp_estimate *out)
{
	double *logs = malloc(sizeof *logs * (size_t)(n > 0 ? n : 1));
	int used = 0;
	for (int i = 0; logs && i < n; i++)
		if (isfinite(a[i]) && isfinite(b[i]) && a[i] > 0 && b[i] > 0)
			logs[used++] = log(a[i] / b[i]);
	t_interval(logs, used, out);
	out->skipped = n - used;
	out->value = exp(out->value);
	out->lo = exp(out->lo);
	out->hi = exp(out->hi);
	free(logs);
}

void cmp_difference(const double *a, const double *b, int n, struct cmp_estimate *out)
{
	double *d = malloc(sizeof *d * (size_t)(n > 0 ? n : 1));
	int used = 0;
	for (int i = 0; d && i < n; i++)
		if (isfinite(a[i]) && isfinite(b[i]))
			d[used++] = a[i] - b[i];
	t_interval(d, used, out);
	out->skipped = n - used;
	free(d);
}

/* ---- the metrics compared --------------------------------------------------- */

enum fmt_kind { K_RATE, K_NS, K_SHARE, K_BYTES, K_COUNT };
enum { CM_THROUGHPUT, CM_P50, CM_P99, CM_MEAN, CM_CPU, CM_STACK, CM_THREADS, CM_COUNT };

static const struct {
	const char *name, *label;
	enum fmt_kind kind;
} metric_defs[CM_COUNT] = {
	[CM_THROUGHPUT] = { "throughput", "throughput", K_RATE },
	[CM_P50] = { "latency_p50", "latency p50", K_NS },
	[CM_P99] = { "latency_p99", "latency p99", K_NS },
	[CM_MEAN] = { "latency_mean", "latency mean", K_NS },
	[CM_CPU] = { "cpu_utilization", "cpu", K_SHARE },
	[CM_STACK] = { "stack_committed_peak", "stack committed", K_BYTES },
	[CM_THREADS] = { "threads_peak", "threads peak", K_COUNT },
};

/* A value in the metric's unit, never "nan": missing values print "-". */
static const char *fmt_value(enum fmt_kind kind, double v, char *buf, size_t len)
{
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (kind == K_NS)
		unit_fmt_duration(v, buf, len);
	else if (kind == K_BYTES)
		unit_fmt_size(v, buf, len);
	else if (kind == K_SHARE)
		snprintf(buf, len, "%.2f%%", 100 * v);
	else if (kind == K_RATE)
		snprintf(buf, len, "%.1f/s", v);
	else
		snprintf(buf, len, "%.1f", v);
	return buf;
}

/* A signed difference in the metric's unit ("+1.2ms", "-340B"). */
static const char *fmt_signed(enum fmt_kind kind, double v, char *buf, size_t len)
{
	char mag[32];
	if (!isfinite(v))
		return snprintf(buf, len, "-"), buf;
	fmt_value(kind, fabs(v), mag, sizeof mag);
	snprintf(buf, len, "%s%s", v < 0 ? "-" : "+", mag);
	return buf;
}

/* Decimals for a ratio: three significant digits of the value, and one of
 * its interval's half-width, so that the interval never prints as one number. */
static int ratio_decimals(const struct cmp_estimate *e)
{
	int d = 2;
	if (isfinite(e->value) && e->value > 0 && e->value < 1)
		d = 2 - (int)floor(log10(e->value));
	double width = e->hi - e->lo;
	if (e->has_ci && isfinite(width) && width > 1e-9 * fabs(e->value)) {
		int w = (int)ceil(-log10(width / 2));
		if (w > d)
			d = w;
	}
	return d > 8 ? 8 : d;
}

/* The interval's bounds rounded outwards at d decimals, so that the
 * printed interval always contains the computed one; an interval of no
 * width (every pair gave the same value) rounds to nearest, as its value. */
static void outward(const struct cmp_estimate *e, int d, double *lo, double *hi)
{
	double scale = pow(10, d);
	if (e->hi - e->lo <= 1e-9 * fabs(e->value)) {
		*lo = *hi = round(e->value * scale) / scale;
		return;
	}
	*lo = floor(e->lo * scale * (1 + 1e-12)) / scale;
	*hi = ceil(e->hi * scale * (1 - 1e-12)) / scale;
}

/* A ratio's interval as PRE lo SEP hi POST, rounded outwards. */
static void fmt_ratio_ci(const struct cmp_estimate *e, const char *pre, const char *sep, const char *post,
			 char *buf, size_t len)
{
	int d = ratio_decimals(e);
	double lo, hi;
	outward(e, d, &lo, &hi);
	snprintf(buf, len, "%s%.*f%s%.*f%s", pre, d, lo, sep, d, hi, post);
}

/* ---- the data ------------------------------------------------------------------ */

struct cmp_run {
	int64_t id, seed, rep, point;
	char *scenario, *model;
	double m[CM_COUNT];
};

struct cmp_data {
	sqlite3 *h;
	struct cmp_run *runs;
	int nruns;
	char **keys;  /* sweep keys: constant within each point, differing across points */
	int nkeys;
};

static void data_free(struct cmp_data *d)
{
	for (int i = 0; i < d->nruns; i++) {
		free(d->runs[i].scenario);
		free(d->runs[i].model);
	}
	free(d->runs);
	for (int i = 0; i < d->nkeys; i++)
		free(d->keys[i]);
	free(d->keys);
	if (d->h)
		sqlite3_close(d->h);
}

static char *dup_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return strdup(t ? (const char *)t : "");
}

static int sql_fail(const struct cmp_data *d, const char *path, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: not a readable gmpsim results database (%s)", path, sqlite3_errmsg(d->h));
	return -1;
}

static int open_db(struct cmp_data *d, const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s: no such database file", path);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return -1;
	}
	if (sqlite3_open_v2(path, &d->h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return sql_fail(d, path, err, errlen);
	sqlite3_stmt *q;
	const char *sql = "SELECT count(*) FROM sqlite_master WHERE type='table' "
			  "AND name IN ('runs','metrics','params')";
	if (sqlite3_prepare_v2(d->h, sql, -1, &q, NULL) != SQLITE_OK)
		return sql_fail(d, path, err, errlen);
	int tables = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : -1;
	sqlite3_finalize(q);
	if (tables < 0)
		return sql_fail(d, path, err, errlen);
	if (tables != 3) {
		snprintf(err, errlen, "%s: not a gmpsim results database (no runs, metrics and params tables)", path);
		return -1;
	}
	return 0;
}

static int grow_runs(struct cmp_data *d, int *cap)
{
	if (d->nruns < *cap)
		return 0;
	*cap = *cap ? 2 * *cap : 64;
	struct cmp_run *n = realloc(d->runs, sizeof *n * (size_t)*cap);
	if (!n)
		return -1;
	d->runs = n;
	return 0;
}

/* Complete runs ordered so that a point's runs are consecutive and its
 * models come alphabetically. */
static int load_runs(struct cmp_data *d, const char *path, char *err, size_t errlen)
{
	sqlite3_stmt *q;
	const char *sql = "SELECT run_id, scenario, model, coalesce(seed,0), coalesce(rep,0), "
			  "coalesce(point_id,0) FROM runs WHERE status='complete' "
			  "ORDER BY scenario, point_id, model, seed, rep, run_id";
	if (sqlite3_prepare_v2(d->h, sql, -1, &q, NULL) != SQLITE_OK)
		return sql_fail(d, path, err, errlen);
	int cap = 0, rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (grow_runs(d, &cap) != 0)
			break;
		struct cmp_run *r = &d->runs[d->nruns++];
		r->id = sqlite3_column_int64(q, 0);
		r->scenario = dup_text(q, 1);
		r->model = dup_text(q, 2);
		r->seed = sqlite3_column_int64(q, 3);
		r->rep = sqlite3_column_int64(q, 4);
		r->point = sqlite3_column_int64(q, 5);
		for (int m = 0; m < CM_COUNT; m++)
			r->m[m] = NAN;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return rc == SQLITE_ROW ? (snprintf(err, errlen, "%s: out of memory", path), -1)
					: sql_fail(d, path, err, errlen);
	if (d->nruns == 0) {
		snprintf(err, errlen, "%s: no complete runs to compare", path);
		return -1;
	}
	return 0;
}

static int metric_index(const char *name)
{
	for (int m = 0; m < CM_COUNT; m++)
		if (strcmp(metric_defs[m].name, name) == 0)
			return m;
	return -1;
}

/* Fills each run's metrics; a NULL value stays NAN. */
static int load_metrics(struct cmp_data *d, const char *path, char *err, size_t errlen)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(d->h, "SELECT name, value FROM metrics WHERE run_id=?", -1, &q, NULL) != SQLITE_OK)
		return sql_fail(d, path, err, errlen);
	int rc = SQLITE_DONE;
	for (int i = 0; i < d->nruns && rc == SQLITE_DONE; i++) {
		sqlite3_reset(q);
		sqlite3_bind_int64(q, 1, d->runs[i].id);
		while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
			const unsigned char *name = sqlite3_column_text(q, 0);
			int m = name ? metric_index((const char *)name) : -1;
			if (m >= 0 && sqlite3_column_type(q, 1) != SQLITE_NULL)
				d->runs[i].m[m] = sqlite3_column_double(q, 1);
		}
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : sql_fail(d, path, err, errlen);
}

/* The parameters that tell points apart: one value within every point,
 * more than one across the database. */
static int load_sweep_keys(struct cmp_data *d, const char *path, char *err, size_t errlen)
{
	const char *sql =
		"WITH pv AS (SELECT r.scenario AS s, coalesce(r.point_id,0) AS pt, p.key AS key, "
		"  count(DISTINCT p.value) AS nv FROM params p JOIN runs r USING(run_id) "
		"  WHERE r.status='complete' GROUP BY 1, 2, 3), "
		"all_v AS (SELECT p.key AS key, count(DISTINCT p.value) AS nv FROM params p "
		"  JOIN runs r USING(run_id) WHERE r.status='complete' GROUP BY 1) "
		"SELECT pv.key FROM pv JOIN all_v USING(key) GROUP BY pv.key "
		"HAVING max(pv.nv) = 1 AND max(all_v.nv) > 1 ORDER BY pv.key";
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(d->h, sql, -1, &q, NULL) != SQLITE_OK)
		return sql_fail(d, path, err, errlen);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		char **n = realloc(d->keys, sizeof *n * (size_t)(d->nkeys + 1));
		if (!n)
			break;
		d->keys = n;
		d->keys[d->nkeys++] = dup_text(q, 0);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : sql_fail(d, path, err, errlen);
}

/* ---- one point --------------------------------------------------------------- */

struct point {
	int first, n;            /* runs[first .. first+n) */
	const char *models[64];  /* distinct models, alphabetical */
	int nmodels;
	int ref;                 /* index into models */
};

static void point_models(const struct cmp_data *d, struct point *p)
{
	p->nmodels = 0;
	p->ref = 0;
	for (int i = p->first; i < p->first + p->n; i++) {
		const char *m = d->runs[i].model;
		if (p->nmodels && strcmp(p->models[p->nmodels - 1], m) == 0)
			continue;
		if (p->nmodels == (int)(sizeof p->models / sizeof p->models[0]))
			break;
		if (strcmp(m, "gmp") == 0)
			p->ref = p->nmodels;
		p->models[p->nmodels++] = m;
	}
}

static void print_point_header(const struct cmp_data *d, const struct point *p, FILE *out)
{
	const struct cmp_run *r0 = &d->runs[p->first];
	fprintf(out, "== %s, point %lld", r0->scenario, (long long)r0->point);
	sqlite3_stmt *q = NULL;
	if (d->nkeys && sqlite3_prepare_v2(d->h, "SELECT value FROM params WHERE run_id=? AND key=?",
					   -1, &q, NULL) == SQLITE_OK) {
		for (int k = 0; k < d->nkeys; k++) {
			sqlite3_reset(q);
			sqlite3_bind_int64(q, 1, r0->id);
			sqlite3_bind_text(q, 2, d->keys[k], -1, SQLITE_STATIC);
			const unsigned char *v = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_text(q, 0) : NULL;
			fprintf(out, "%s%s=%s", k ? ", " : ": ", d->keys[k], v ? (const char *)v : "-");
		}
	}
	sqlite3_finalize(q);
	fprintf(out, " ==\n");
}

/* Mean of a model's finite values of metric m within the point. */
static double model_mean(const struct cmp_data *d, const struct point *p, const char *model, int m, int *reps)
{
	double sum = 0;
	int n = 0;
	*reps = 0;
	for (int i = p->first; i < p->first + p->n; i++) {
		if (strcmp(d->runs[i].model, model) != 0)
			continue;
		(*reps)++;
		if (isfinite(d->runs[i].m[m])) {
			sum += d->runs[i].m[m];
			n++;
		}
	}
	return n ? sum / n : NAN;
}

static void print_model_table(const struct cmp_data *d, const struct point *p, FILE *out)
{
	fprintf(out, "%-10s %5s", "model", "runs");
	for (int m = 0; m < CM_COUNT; m++)
		fprintf(out, " %15s", metric_defs[m].label);
	fprintf(out, "\n");
	for (int i = 0; i < p->nmodels; i++) {
		int reps = 0;
		char buf[40];
		model_mean(d, p, p->models[i], 0, &reps);
		fprintf(out, "%-10s %5d", p->models[i], reps);
		for (int m = 0; m < CM_COUNT; m++)
			fprintf(out, " %15s", fmt_value(metric_defs[m].kind,
							  model_mean(d, p, p->models[i], m, &reps), buf, sizeof buf));
		fprintf(out, "\n");
	}
}

/* Pairs the reference's runs with other's by (seed, rep): fills ra/rb
 * with run indices; returns the number of pairs. */
static int pair_runs(const struct cmp_data *d, const struct point *p, const char *ref, const char *other,
		     int *ra, int *rb)
{
	int n = 0;
	for (int i = p->first; i < p->first + p->n; i++) {
		const struct cmp_run *a = &d->runs[i];
		if (strcmp(a->model, ref) != 0 || (i > p->first && strcmp(a[-1].model, ref) == 0 &&
						   a[-1].seed == a->seed && a[-1].rep == a->rep))
			continue; /* not the reference, or a duplicate (seed, rep): the first counts */
		for (int j = p->first; j < p->first + p->n; j++) {
			const struct cmp_run *b = &d->runs[j];
			if (strcmp(b->model, other) == 0 && b->seed == a->seed && b->rep == a->rep) {
				ra[n] = i;
				rb[n++] = j;
				break;
			}
		}
	}
	return n;
}

static void fmt_interval(const struct cmp_estimate *e, int ratio, enum fmt_kind kind, char *buf, size_t len)
{
	char lo[40], hi[40];
	if (e->n == 0)
		snprintf(buf, len, "no data");
	else if (!e->has_ci)
		snprintf(buf, len, "n=1, no CI");
	else if (ratio)
		fmt_ratio_ci(e, "[", ", ", "]", buf, len);
	else
		snprintf(buf, len, "[%s, %s]", fmt_signed(kind, e->lo, lo, sizeof lo),
			 fmt_signed(kind, e->hi, hi, sizeof hi));
}

/* Prints line without trailing blanks, then a newline. */
static void put_row(FILE *out, char *line)
{
	size_t n = strlen(line);
	while (n && line[n - 1] == ' ')
		line[--n] = 0;
	fprintf(out, "%s\n", line);
}

/* One metric's row of a pair block; returns the pair means through ma/mb. */
static void print_pair_metric(const struct cmp_data *d, int m, const int *ra, const int *rb, int n, FILE *out,
			      struct cmp_estimate *ratio, double *ma, double *mb)
{
	double *a = malloc(sizeof *a * (size_t)(2 * n)), *b = a ? a + n : NULL, sa = 0, sb = 0;
	int both = 0;
	if (!a)
		n = 0;
	for (int i = 0; i < n; i++) {
		a[i] = d->runs[ra[i]].m[m];
		b[i] = d->runs[rb[i]].m[m];
		if (isfinite(a[i]) && isfinite(b[i])) {
			sa += a[i];
			sb += b[i];
			both++;
		}
	}
	struct cmp_estimate diff;
	cmp_ratio(a, b, n, ratio);
	cmp_difference(a, b, n, &diff);
	free(a);
	*ma = both ? sa / both : NAN;
	*mb = both ? sb / both : NAN;
	enum fmt_kind k = metric_defs[m].kind;
	char va[40], vb[40], r[40], rci[64], dv[40], dci[96], skip[40] = "";
	fmt_value(k, *ma, va, sizeof va);
	fmt_value(k, *mb, vb, sizeof vb);
	if (ratio->n)
		snprintf(r, sizeof r, "%.*f", ratio_decimals(ratio), ratio->value);
	else
		snprintf(r, sizeof r, "-");
	fmt_interval(ratio, 1, k, rci, sizeof rci);
	fmt_signed(k, diff.value, dv, sizeof dv);
	fmt_interval(&diff, 0, k, dci, sizeof dci);
	if (ratio->skipped || diff.skipped)
		snprintf(skip, sizeof skip, "  (%d skipped)", ratio->skipped > diff.skipped ? ratio->skipped : diff.skipped);
	char line[512];
	snprintf(line, sizeof line, "  %-16s %12s %12s %9s %-20s %12s %-26s%s", metric_defs[m].label, va, vb, r, rci,
		 dv, dci, skip);
	put_row(out, line);
}

static void print_pair(const struct cmp_data *d, const struct point *p, const char *ref, const char *other,
		       FILE *out)
{
	int *ra = malloc(sizeof *ra * (size_t)(2 * p->n)), *rb = ra ? ra + p->n : NULL;
	int n = ra ? pair_runs(d, p, ref, other, ra, rb) : 0;
	fprintf(out, "\n%s vs %s: %d paired rep%s (same seed and rep); ratio = %s / %s, geometric mean with\n"
		"95%% t-interval on log ratios; difference = %s - %s with 95%% t-interval\n",
		ref, other, n, n == 1 ? "" : "s", ref, other, ref, other);
	if (n == 0) {
		fprintf(out, "  no repetitions in common (no run of both models with the same seed and rep)\n");
		free(ra);
		return;
	}
	char head[512];
	snprintf(head, sizeof head, "  %-16s %12s %12s %9s %-20s %12s %-26s", "metric", ref, other, "ratio", "95% CI",
		 "difference", "95% CI");
	put_row(out, head);
	struct cmp_estimate thr, ratio;
	double p99a = NAN, p99b = NAN, ma, mb;
	for (int m = 0; m < CM_COUNT; m++) {
		print_pair_metric(d, m, ra, rb, n, out, &ratio, &ma, &mb);
		if (m == CM_THROUGHPUT)
			thr = ratio;
		if (m == CM_P99)
			p99a = ma, p99b = mb;
	}
	char quote[512];
	cmp_quote(quote, sizeof quote, ref, other, &thr, p99a, p99b, n);
	fprintf(out, "  quote: %s\n", quote);
	free(ra);
}

static void report_point(const struct cmp_data *d, struct point *p, FILE *out)
{
	point_models(d, p);
	print_point_header(d, p, out);
	print_model_table(d, p, out);
	if (p->nmodels < 2)
		fprintf(out, "(one model only: nothing to compare)\n");
	for (int i = 0; i < p->nmodels; i++)
		if (i != p->ref)
			print_pair(d, p, p->models[p->ref], p->models[i], out);
	fprintf(out, "\n");
}

/* ---- quotable line ------------------------------------------------------------- */

/* "31.0 ms", "212.4 ms", "1.20 s", "850.0 us". */
static void fmt_latency_words(double ns, char *buf, size_t len)
{
	static const struct { double scale; const char *unit; } units[] = {
		{ 1e9, "s" }, { 1e6, "ms" }, { 1e3, "us" }, { 1, "ns" },
	};
	int u = 0;
	while (u < 3 && ns < units[u].scale)
		u++;
	double v = ns / units[u].scale;
	snprintf(buf, len, "%.*f %s", v >= 10 ? 1 : 2, v, units[u].unit);
}

void cmp_quote(char *buf, size_t len, const char *ref, const char *other,
	       const struct cmp_estimate *thr, double ref_p99, double other_p99, int reps)
{
	char ci[96], lat[128] = "", a[32], b[32];
	if (thr->n == 0) {
		snprintf(buf, len, "%s vs %s: no throughput measured in both (%d rep%s)", ref, other, reps,
			 reps == 1 ? "" : "s");
		return;
	}
	int dec = ratio_decimals(thr);
	if (thr->has_ci)
		fmt_ratio_ci(thr, "95% CI ", "\u2013", "", ci, sizeof ci);
	else
		snprintf(ci, sizeof ci, "n=1, no CI");
	if (isfinite(ref_p99) && isfinite(other_p99)) {
		fmt_latency_words(ref_p99, a, sizeof a);
		fmt_latency_words(other_p99, b, sizeof b);
		snprintf(lat, sizeof lat, " at p99 %s vs %s", a, b);
	}
	snprintf(buf, len, "%s served %.*f\u00d7 the requests of %s (%s)%s (%d rep%s)", ref, dec, thr->value,
		 other, ci, lat, reps, reps == 1 ? "" : "s");
}

/* Says how many runs were left out because they did not complete. */
static void note_incomplete(const struct cmp_data *d, FILE *out)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(d->h, "SELECT count(*) FROM runs WHERE status IS NOT 'complete'", -1, &q, NULL) !=
	    SQLITE_OK)
		return;
	int n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : 0;
	sqlite3_finalize(q);
	if (n)
		fprintf(out, "note: %d run%s not complete (failed or interrupted) %s left out\n\n", n,
			n == 1 ? "" : "s", n == 1 ? "is" : "are");
}

/* ---- entry ------------------------------------------------------------------------ */

int cmp_report(const char *db_path, FILE *out, char *err, size_t errlen)
{
	struct cmp_data d = { 0 };
	int rc = open_db(&d, db_path, err, errlen);
	if (rc == 0)
		rc = load_runs(&d, db_path, err, errlen);
	if (rc == 0)
		rc = load_metrics(&d, db_path, err, errlen);
	if (rc == 0)
		rc = load_sweep_keys(&d, db_path, err, errlen);
	if (rc == 0)
		note_incomplete(&d, out);
	for (int i = 0; rc == 0 && i < d.nruns;) {
		struct point p = { .first = i };
		while (i < d.nruns && d.runs[i].point == d.runs[p.first].point &&
		       strcmp(d.runs[i].scenario, d.runs[p.first].scenario) == 0)
			i++;
		p.n = i - p.first;
		report_point(&d, &p, out);
	}
	data_free(&d);
	return rc;
}
