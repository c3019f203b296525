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
#include "capacity.h"
#include "dispersion.h"
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
enum { CM_THROUGHPUT, CM_P50, CM_P99, CM_MEAN, CM_CPU, CM_STACK, CM_THREADS, CM_MAX, CM_P999, CM_CTXSW, CM_COUNT };
/* Shown by default (CM_MAX leads instead of throughput in a batch point:
 * the time the batch needs to finish is what such a scenario is about). */
enum { CM_DEFAULT = CM_THREADS + 1 };

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
	[CM_MAX] = { "latency_max", "latency max", K_NS },
	[CM_P999] = { "latency_p999", "latency p99.9", K_NS },
	[CM_CTXSW] = { "context_switches", "ctx switches", K_COUNT },
};

const char *cmp_metric_names(char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = 0;
	for (int m = 0; m < CM_COUNT && o < len; m++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", m ? ", " : "", metric_defs[m].name);
	return buf;
}

/* "time to finish" for latency_max in a batch point, else the metric's label. */
static const char *metric_label(int m, int batch)
{
	return m == CM_MAX && batch ? "time to finish" : metric_defs[m].label;
}

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

/* Metrics read to judge a run, not compared: the overload rule's inputs. */
enum { XM_COMPLETED, XM_ARRIVED, XM_SAMPLES, XM_LIVE_END, XM_COUNT };
static const char *const extra_names[XM_COUNT] = {
	[XM_COMPLETED] = "tasks_completed", [XM_ARRIVED] = "tasks_arrived",
	[XM_SAMPLES] = "latency_samples", [XM_LIVE_END] = "tasks_live_end",
};

struct cmp_run {
	int64_t id, seed, rep, point;
	char *scenario, *model;
	double m[CM_COUNT];
	double x[XM_COUNT];
};

struct cmp_data {
	sqlite3 *h;
	const struct cmp_opts *opts;
	int *rows;    /* machine-readable rows written so far (JSON commas) */
	struct cmp_run *runs;
	int nruns;
	char **keys;  /* sweep keys: constant within each point, differing across points */
	int nkeys;
	char **axes;  /* the swept keys (sweep_axes); keys not among them are derived */
	int naxes;
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
	for (int i = 0; i < d->naxes; i++)
		free(d->axes[i]);
	free(d->axes);
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
		for (int m = 0; m < XM_COUNT; m++)
			r->x[m] = NAN;
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
			for (int x = 0; name && x < XM_COUNT; x++)
				if (strcmp((const char *)name, extra_names[x]) == 0 &&
				    sqlite3_column_type(q, 1) != SQLITE_NULL)
					d->runs[i].x[x] = sqlite3_column_double(q, 1);
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
		"  WHERE r.status='complete' AND p.key NOT GLOB 'sweep.*' GROUP BY 1, 2, 3), "
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

/* The swept keys of a sweep database (sweep_axes, in axis order); none in
 * a database without the table (a plain run, an older file). */
static void load_axes(struct cmp_data *d)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(d->h, "SELECT key FROM sweep_axes ORDER BY position", -1, &q, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(q) == SQLITE_ROW) {
		char **n = realloc(d->axes, sizeof *n * (size_t)(d->naxes + 1));
		if (!n)
			break;
		d->axes = n;
		d->axes[d->naxes++] = dup_text(q, 0);
	}
	sqlite3_finalize(q);
}

/* A key that differs between points but was not swept: set by a swept
 * one (machine.numa.cores_per_node follows machine.numa.nodes). */
static int key_derived(const struct cmp_data *d, const char *key)
{
	if (d->naxes == 0)
		return 0;
	for (int i = 0; i < d->naxes; i++)
		if (strcmp(d->axes[i], key) == 0)
			return 0;
	return 1;
}

/* ---- one point --------------------------------------------------------------- */

static int run_overloaded(const struct cmp_run *r, char *why, size_t n);
static void fmt_side(enum fmt_kind k, double v, int over, char *buf, size_t len);
static void put_row(FILE *out, char *line);

struct point {
	int first, n;            /* runs[first .. first+n) */
	const char *models[64];  /* distinct models, alphabetical */
	int nmodels;
	int ref;                 /* index into models; -1: --ref names a model absent here */
	int batch;               /* every service class arrives as a batch: time to finish leads */
	int order[CM_COUNT];     /* the metrics shown, in order */
	int norder;
};

static int machine(const struct cmp_data *d)
{
	return d->opts->format != CMP_TEXT;
}

/* Whether the point's runs are a batch scenario: some class arrives as
 * { batch: ... } and no class of the service (colocated ones aside) arrives
 * otherwise. Read from the first run's parameters. */
static int point_is_batch(const struct cmp_data *d, int64_t run_id)
{
	const char *sql =
		"SELECT (SELECT count(*) FROM params WHERE run_id=?1 AND key GLOB 'workload.*.arrival.batch.*'), "
		"(SELECT count(*) FROM params p WHERE run_id=?1 AND key GLOB 'workload.*.arrival.*' "
		"  AND key NOT GLOB 'workload.*.arrival.batch.*' AND NOT EXISTS (SELECT 1 FROM params c "
		"  WHERE c.run_id=?1 AND c.value='true' AND c.key = substr(p.key, 1, instr(p.key, '.arrival.') - 1) "
		"  || '.colocated'))";
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(d->h, sql, -1, &q, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(q, 1, run_id);
	int batch = sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0) > 0 && sqlite3_column_int(q, 1) == 0;
	sqlite3_finalize(q);
	return batch;
}

/* The metrics of the point's tables: --metric's alone, else the default
 * set, led by time to finish in a batch point. */
static void point_metrics(const struct cmp_data *d, struct point *p)
{
	p->norder = 0;
	int only = d->opts->metric ? metric_index(d->opts->metric) : -1;
	if (only >= 0) {
		p->order[p->norder++] = only;
		return;
	}
	if (p->batch)
		p->order[p->norder++] = CM_MAX;
	for (int m = 0; m < CM_DEFAULT; m++)
		if (!(p->batch && m == CM_THROUGHPUT))
			p->order[p->norder++] = m;
	if (p->batch)
		p->order[p->norder++] = CM_THROUGHPUT;
}

static void point_models(const struct cmp_data *d, struct point *p)
{
	const char *want = d->opts->ref ? d->opts->ref : "gmp";
	p->nmodels = 0;
	p->ref = d->opts->ref ? -1 : 0;
	for (int i = p->first; i < p->first + p->n; i++) {
		const char *m = d->runs[i].model;
		if (p->nmodels && strcmp(p->models[p->nmodels - 1], m) == 0)
			continue;
		if (p->nmodels == (int)(sizeof p->models / sizeof p->models[0]))
			break;
		if (strcmp(m, want) == 0)
			p->ref = p->nmodels;
		p->models[p->nmodels++] = m;
	}
}

/* "key=value, key=value" of the parameters that tell the point apart. */
static const char *point_params_text(const struct cmp_data *d, const struct point *p, char *buf, size_t len)
{
	const struct cmp_run *r0 = &d->runs[p->first];
	sqlite3_stmt *q = NULL;
	size_t o = 0;
	buf[0] = 0;
	if (d->nkeys && sqlite3_prepare_v2(d->h, "SELECT value FROM params WHERE run_id=? AND key=?",
					   -1, &q, NULL) == SQLITE_OK) {
		for (int k = 0; k < d->nkeys && o < len; k++) {
			sqlite3_reset(q);
			sqlite3_bind_int64(q, 1, r0->id);
			sqlite3_bind_text(q, 2, d->keys[k], -1, SQLITE_STATIC);
			const unsigned char *v = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_text(q, 0) : NULL;
			o += (size_t)snprintf(buf + o, len - o, "%s%s%s=%s", k ? ", " : "",
					      key_derived(d, d->keys[k]) ? "derived " : "", d->keys[k],
					      v ? (const char *)v : "-");
		}
	}
	sqlite3_finalize(q);
	return buf;
}

static void print_point_header(const struct cmp_data *d, const struct point *p, FILE *out)
{
	const struct cmp_run *r0 = &d->runs[p->first];
	char params[2048];
	point_params_text(d, p, params, sizeof params);
	fprintf(out, "== %s, point %lld%s%s ==\n", r0->scenario, (long long)r0->point, *params ? ": " : "", params);
	if (p->batch)
		fprintf(out, "(a batch: every task arrives at once, so time to finish = latency max leads; "
			"throughput is tasks / window)\n");
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

/* The model's runs in the point that did not keep up (capacity.h's rule). */
static int model_overloaded(const struct cmp_data *d, const struct point *p, const char *model)
{
	int n = 0;
	for (int i = p->first; i < p->first + p->n; i++) {
		char why[256];
		n += strcmp(d->runs[i].model, model) == 0 && run_overloaded(&d->runs[i], why, sizeof why);
	}
	return n;
}

static void print_model_table(const struct cmp_data *d, const struct point *p, FILE *out)
{
	char line[1024];
	int o = snprintf(line, sizeof line, "%-10s %5s", "model", "runs");
	for (int k = 0; k < p->norder; k++)
		o += snprintf(line + o, sizeof line - (size_t)o, " %15s", metric_label(p->order[k], p->batch));
	put_row(out, line);
	for (int i = 0; i < p->nmodels; i++) {
		int reps = 0, over = model_overloaded(d, p, p->models[i]);
		char buf[40];
		model_mean(d, p, p->models[i], 0, &reps);
		o = snprintf(line, sizeof line, "%-10s %5d", p->models[i], reps);
		for (int k = 0; k < p->norder; k++) {
			int m = p->order[k];
			fmt_side(metric_defs[m].kind, model_mean(d, p, p->models[i], m, &reps), over, buf, sizeof buf);
			o += snprintf(line + o, sizeof line - (size_t)o, " %15s", buf);
		}
		if (over)
			snprintf(line + o, sizeof line - (size_t)o, "  OVERLOADED in %d of %d", over, reps);
		put_row(out, line);
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

/* How the overload and instability rules judged a pair's runs. */
struct pair_flags {
	const char *ref, *other;
	int over_ref, over_other;  /* repetitions in which each did not keep up */
	int split;                 /* UNSTABLE: either side's repetitions disagree */
	char why_split[1024];       /* the first UNSTABLE reason, "gmp: reps split ..." */
	const struct point *p;
};

/* Whether run r did not keep up: the rule of `gmpsim capacity`
 * (capacity.h); the reason goes into why. */
static int run_overloaded(const struct cmp_run *r, char *why, size_t n)
{
	return cap_run_overloaded(r->x[XM_COMPLETED], r->x[XM_ARRIVED], r->x[XM_SAMPLES], r->x[XM_LIVE_END], why,
				  n);
}

/* "threads", "gmp and threads" or "" : the models of f that were overloaded. */
static const char *overloaded_names(const struct pair_flags *f, char *buf, size_t len)
{
	if (f->over_ref && f->over_other)
		snprintf(buf, len, "%s and %s", f->other, f->ref);
	else
		snprintf(buf, len, "%s", f->over_ref ? f->ref : f->over_other ? f->other : "");
	return buf;
}

static void fmt_interval(const struct cmp_estimate *e, int ratio, enum fmt_kind kind, const char *over,
			 char *buf, size_t len)
{
	char lo[40], hi[40];
	if (e->n == 0 && *over)
		snprintf(buf, len, "overloaded (%s)", over);
	else if (e->n == 0)
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

/* Mean of the finite x[0..n); NAN when none. */
static double finite_mean(const double *x, int n)
{
	double sum = 0;
	int k = 0;
	for (int i = 0; i < n; i++)
		if (isfinite(x[i]))
			sum += x[i], k++;
	return k ? sum / k : NAN;
}

/* A mean latency of a model that did not keep up: ">" in front (it covers
 * only the completed requests, so it understates), "none" when no request
 * completed; other values as fmt_value. */
static void fmt_side(enum fmt_kind k, double v, int over, char *buf, size_t len)
{
	char x[24];
	if (k != K_NS || !over)
		fmt_value(k, v, buf, len);
	else if (!isfinite(v))
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, ">%s", fmt_value(k, v, x, sizeof x));
}

/* ---- machine-readable rows (--csv, --json) ------------------------------------------ */

static void csv_text(FILE *out, const char *t)
{
	fputc('"', out);
	for (; *t; t++) {
		if (*t == '"')
			fputc('"', out);
		fputc(*t, out);
	}
	fputc('"', out);
}

static void json_text(FILE *out, const char *t)
{
	fputc('"', out);
	for (; *t; t++) {
		if (*t == '"' || *t == '\\')
			fprintf(out, "\\%c", *t);
		else if ((unsigned char)*t < 0x20)
			fprintf(out, "\\u%04x", *t);
		else
			fputc(*t, out);
	}
	fputc('"', out);
}

/* A number at full precision; empty (CSV) or null (JSON) when not finite. */
static void put_num(FILE *out, int json, double v)
{
	if (isfinite(v))
		fprintf(out, "%.17g", v);
	else if (json)
		fprintf(out, "null");
}

static const char *const row_fields[] = {
	"scenario", "point_id", "params", "metric", "model", "ref", "pairs", "model_mean", "ref_mean",
	"ratio", "ratio_lo", "ratio_hi", "difference", "difference_lo", "difference_hi",
	"model_overloaded_reps", "ref_overloaded_reps", "unstable", "unstable_reason",
};

/* The header (CSV) or the opening bracket (JSON); nothing in text mode. */
static void rows_begin(const struct cmp_opts *o, FILE *out)
{
	if (o->format == CMP_JSON)
		fprintf(out, "[");
	if (o->format != CMP_CSV)
		return;
	for (size_t i = 0; i < sizeof row_fields / sizeof *row_fields; i++)
		fprintf(out, "%s%s", i ? "," : "", row_fields[i]);
	fprintf(out, "\r\n");
}

static void rows_end(const struct cmp_opts *o, int rows, FILE *out)
{
	if (o->format == CMP_JSON)
		fprintf(out, "%s]\n", rows ? "\n" : "");
}

/* One (point, metric, model against ref) row: the pair's estimates. */
static void emit_row(const struct cmp_data *d, const struct pair_flags *f, int m, const struct cmp_estimate *ratio,
		     const struct cmp_estimate *diff, double ma, double mb, FILE *out)
{
	const struct cmp_run *r0 = &d->runs[f->p->first];
	char params[2048];
	point_params_text(d, f->p, params, sizeof params);
	int json = d->opts->format == CMP_JSON;
	const char *texts[] = { r0->scenario, NULL, params, metric_defs[m].name, f->other, f->ref };
	double nums[] = { ratio->n, mb, ma, ratio->value, ratio->lo, ratio->hi, diff->value, diff->lo, diff->hi,
			  f->over_other, f->over_ref, f->split };
	if (json)
		fprintf(out, "%s\n  {", (*d->rows)++ ? "," : "");
	for (size_t i = 0; i < sizeof row_fields / sizeof *row_fields; i++) {
		if (json)
			fprintf(out, "%s\"%s\": ", i ? ", " : "", row_fields[i]);
		else if (i)
			fputc(',', out);
		if (i == 1)
			fprintf(out, "%lld", (long long)r0->point);
		else if (i < 6)
			json ? json_text(out, texts[i]) : csv_text(out, texts[i]);
		else if (i < 18)
			put_num(out, json, i >= 9 && i <= 11 && !ratio->n ? NAN : nums[i - 6]);
		else
			json ? json_text(out, f->why_split) : csv_text(out, f->why_split);
	}
	fprintf(out, json ? "}" : "\r\n");
}

/* One metric's row of a pair block (ratio = other ÷ ref, difference =
 * other - ref); returns the ratio and the pair means through ma (ref) and
 * mb (other): over the pairs where both are known, else each side's own.
 * With --csv or --json the row goes out machine-readable instead. */
static void print_pair_metric(const struct cmp_data *d, int m, const int *ra, const int *rb, int n,
			      const struct pair_flags *f, FILE *out, struct cmp_estimate *ratio, double *ma,
			      double *mb)
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
	cmp_ratio(b, a, n, ratio);
	cmp_difference(b, a, n, &diff);
	*ma = both ? sa / both : finite_mean(a, n);
	*mb = both ? sb / both : finite_mean(b, n);
	free(a);
	if (machine(d)) {
		emit_row(d, f, m, ratio, &diff, *ma, *mb, out);
		return;
	}
	enum fmt_kind k = metric_defs[m].kind;
	char va[40], vb[40], r[40], rci[96], dv[40], dci[96], note[96] = "", over[64] = "";
	if (k == K_NS)
		overloaded_names(f, over, sizeof over);
	fmt_side(k, *ma, f->over_ref, va, sizeof va);
	fmt_side(k, *mb, f->over_other, vb, sizeof vb);
	if (ratio->n)
		snprintf(r, sizeof r, "%.*f", ratio_decimals(ratio), ratio->value);
	else
		snprintf(r, sizeof r, "-");
	fmt_interval(ratio, 1, k, over, rci, sizeof rci);
	fmt_signed(k, diff.value, dv, sizeof dv);
	fmt_interval(&diff, 0, k, over, dci, sizeof dci);
	int skipped = ratio->skipped > diff.skipped ? ratio->skipped : diff.skipped;
	if (*over && ratio->n)
		snprintf(note, sizeof note, "  (understated: %s overloaded)", over);
	else if (skipped && !*over)
		snprintf(note, sizeof note, "  (%d skipped)", skipped);
	char line[640];
	snprintf(line, sizeof line, "  %-16s %12s %12s %9s %-20s %12s %-26s%s", metric_label(m, f->p->batch), vb, va,
		 r, rci, dv, dci, note);
	put_row(out, line);
}

/* The instability rule (dispersion.h) on the metric the point is about:
 * throughput, or time to finish in a batch. When the runs idx[0..n) of
 * model disagree, writes "UNSTABLE: gmp's throughput: reps split into two
 * groups, ..." into buf and returns 1. */
static int unstable(const struct cmp_data *d, const struct point *p, const int *idx, int n, const char *model,
		    char *buf, size_t len)
{
	int m = p->batch ? CM_MAX : CM_THROUGHPUT;
	double *x = malloc(sizeof *x * (size_t)(n > 0 ? n : 1));
	struct disp_result r;
	for (int i = 0; x && i < n; i++)
		x[i] = d->runs[idx[i]].m[m];
	disp_check(x, x ? n : 0, &r);
	free(x);
	if (r.verdict == DISP_OK)
		return 0;
	char why[384];
	disp_reason(&r, p->batch ? " ms" : "/s", p->batch ? 1e6 : 1, why, sizeof why);
	snprintf(buf, len, "UNSTABLE: %s's %s: %s; the intervals below describe none of the regimes", model,
		 metric_label(m, p->batch), why);
	return 1;
}

/* Counts the overloaded runs of one side of the pairs; the first one's
 * reason (with its rep) goes into why. */
static int count_overloaded(const struct cmp_data *d, const int *idx, int n, char *why, size_t len)
{
	int c = 0;
	for (int i = 0; i < n; i++) {
		char w[256];
		if (!run_overloaded(&d->runs[idx[i]], w, sizeof w))
			continue;
		if (!c++)
			snprintf(why, len, "rep %lld: %s", (long long)d->runs[idx[i]].rep, w);
	}
	return c;
}

/* The OVERLOADED and UNSTABLE lines of a pair, before its table (text
 * mode); the flags in f either way. */
static void print_pair_warnings(const struct cmp_data *d, const int *ra, const int *rb, int n,
				struct pair_flags *f, FILE *out)
{
	const int *side[2] = { rb, ra };
	const char *name[2] = { f->other, f->ref };
	int *over[2] = { &f->over_other, &f->over_ref };
	f->split = 0;
	f->why_split[0] = 0;
	for (int s = 0; s < 2; s++) {
		char why[320], line[1024];
		*over[s] = count_overloaded(d, side[s], n, why, sizeof why);
		if (*over[s] && !machine(d))
			fprintf(out, "  OVERLOADED: %s in %d of %d rep%s (%s);\n  its latency covers only the "
				"completed requests and is understated\n", name[s], *over[s], n, n == 1 ? "" : "s", why);
		if (unstable(d, f->p, side[s], n, name[s], line, sizeof line)) {
			if (!machine(d))
				fprintf(out, "  %s\n", line);
			if (!f->split)
				snprintf(f->why_split, sizeof f->why_split, "%s", line + strlen("UNSTABLE: "));
			f->split = 1;
		}
	}
}

static void print_pair(const struct cmp_data *d, const struct point *p, const char *ref, const char *other,
		       FILE *out)
{
	int *ra = malloc(sizeof *ra * (size_t)(2 * p->n)), *rb = ra ? ra + p->n : NULL;
	int n = ra ? pair_runs(d, p, ref, other, ra, rb) : 0;
	if (!machine(d))
		fprintf(out, "\n%s vs %s: %d paired rep%s (same seed and rep); ratio = %s \u00f7 %s (above 1: %s has "
			"more),\ngeometric mean with 95%% t-interval on log ratios; difference = %s - %s with 95%% "
			"t-interval\n", other, ref, n, n == 1 ? "" : "s", other, ref, other, other, ref);
	if (n == 0) {
		if (!machine(d))
			fprintf(out, "  no repetitions in common (no run of both models with the same seed and rep)\n");
		free(ra);
		return;
	}
	struct pair_flags f = { .ref = ref, .other = other, .p = p };
	print_pair_warnings(d, ra, rb, n, &f, out);
	char head[512];
	snprintf(head, sizeof head, "  %-16s %12s %12s %9s %-20s %12s %-26s", "metric", other, ref, "ratio", "95% CI",
		 "difference", "95% CI");
	if (!machine(d))
		put_row(out, head);
	struct cmp_estimate lead = { 0 }, ratio;
	double leada = NAN, leadb = NAN, p99a = NAN, p99b = NAN, ma, mb;
	int lead_m = p->batch ? CM_MAX : CM_THROUGHPUT, have_lead = 0;
	for (int k = 0; k < p->norder; k++) {
		int m = p->order[k];
		print_pair_metric(d, m, ra, rb, n, &f, out, &ratio, &ma, &mb);
		if (m == lead_m)
			lead = ratio, leada = ma, leadb = mb, have_lead = 1;
		if (m == CM_P99)
			p99a = ma, p99b = mb;
	}
	free(ra);
	if (machine(d) || !have_lead || (d->opts->metric && p->norder == 1 && p->order[0] != lead_m))
		return;
	char quote[512], over[64];
	if (p->batch)
		cmp_quote_finish(quote, sizeof quote, ref, other, &lead, leada, leadb, n);
	else
		cmp_quote(quote, sizeof quote, ref, other, &lead, p99a, p99b, n);
	fprintf(out, "  quote: %s\n", quote);
	if (f.over_ref || f.over_other)
		fprintf(out, "  (not quotable as is: %s overloaded, its p99 understated)\n",
			overloaded_names(&f, over, sizeof over));
	if (f.split)
		fprintf(out, "  (not quotable as is: UNSTABLE repetitions, the interval is not meaningful)\n");
}

static void report_point(const struct cmp_data *d, struct point *p, FILE *out)
{
	point_models(d, p);
	p->batch = point_is_batch(d, d->runs[p->first].id);
	point_metrics(d, p);
	if (!machine(d)) {
		print_point_header(d, p, out);
		print_model_table(d, p, out);
		if (p->nmodels < 2)
			fprintf(out, "(one model only: nothing to compare)\n");
		if (p->ref < 0)
			fprintf(out, "(no run of the reference model %s at this point: nothing to compare)\n",
				d->opts->ref);
	}
	for (int i = 0; p->ref >= 0 && i < p->nmodels; i++)
		if (i != p->ref)
			print_pair(d, p, p->models[p->ref], p->models[i], out);
	if (!machine(d))
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
		snprintf(buf, len, "%s vs %s: no throughput measured in both (%d rep%s)", other, ref, reps,
			 reps == 1 ? "" : "s");
		return;
	}
	int dec = ratio_decimals(thr);
	if (thr->has_ci)
		fmt_ratio_ci(thr, "95% CI ", "\u2013", "", ci, sizeof ci);
	else
		snprintf(ci, sizeof ci, "n=1, no CI");
	if (isfinite(ref_p99) && isfinite(other_p99)) {
		fmt_latency_words(other_p99, a, sizeof a);
		fmt_latency_words(ref_p99, b, sizeof b);
		snprintf(lat, sizeof lat, " at p99 %s vs %s", a, b);
	}
	snprintf(buf, len, "%s served %.*f\u00d7 the requests of %s (%s)%s (%d rep%s)", other, dec, thr->value,
		 ref, ci, lat, reps, reps == 1 ? "" : "s");
}

void cmp_quote_finish(char *buf, size_t len, const char *ref, const char *other, const struct cmp_estimate *t,
		      double ref_ns, double other_ns, int reps)
{
	char ci[96], a[32], b[32];
	if (t->n == 0) {
		snprintf(buf, len, "%s vs %s: no time to finish measured in both (%d rep%s)", other, ref, reps,
			 reps == 1 ? "" : "s");
		return;
	}
	if (t->has_ci)
		fmt_ratio_ci(t, "95% CI ", "\u2013", "", ci, sizeof ci);
	else
		snprintf(ci, sizeof ci, "n=1, no CI");
	fmt_latency_words(other_ns, a, sizeof a);
	fmt_latency_words(ref_ns, b, sizeof b);
	snprintf(buf, len, "%s took %.*f\u00d7 %s's time to finish (%s): %s vs %s (%d rep%s)", other,
		 ratio_decimals(t), t->value, ref, ci, a, b, reps, reps == 1 ? "" : "s");
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

/* ---- the sweep's pivot table ---------------------------------------------------------- */

/* The mean of model's metric m in the point with half its 95% t-interval,
 * "130.25ms ±722.51us", "2,614/s ±220" (no ± with one rep, "-" without
 * data), then (OVL) when overloaded in some rep, (UNSTABLE) when the reps
 * of the lead metric disagree (dispersion.h). */
static void pivot_cell(const struct cmp_data *d, const struct point *p, const char *model, int m, char *buf,
		       size_t len)
{
	double *x = calloc((size_t)p->n, sizeof *x), *zero = calloc((size_t)p->n, sizeof *zero);
	int n = 0;
	for (int i = p->first; x && zero && i < p->first + p->n; i++)
		if (strcmp(d->runs[i].model, model) == 0)
			x[n++] = d->runs[i].m[m];
	struct cmp_estimate e;
	struct disp_result dr = { 0 };
	cmp_difference(x, zero, x && zero ? n : 0, &e);
	if (x && (m == CM_THROUGHPUT || m == CM_MAX))
		disp_check(x, n, &dr);
	free(x);
	free(zero);
	char v[32], h[32];
	enum fmt_kind k = metric_defs[m].kind;
	int over = model_overloaded(d, p, model);
	if (k == K_RATE) { /* "2,614/s ±220" */
		unit_fmt_count(e.value, v, sizeof v);
		strcat(v, "/s");
		unit_fmt_count((e.hi - e.lo) / 2, h, sizeof h);
	} else {
		fmt_side(k, e.value, over, v, sizeof v);
		fmt_value(k, (e.hi - e.lo) / 2, h, sizeof h);
	}
	if (e.n == 0)
		snprintf(buf, len, "%s", k == K_NS && over ? "none" : "-");
	else if (!e.has_ci)
		snprintf(buf, len, "%s", v);
	else
		snprintf(buf, len, "%s \u00b1%s", v, e.hi > e.lo ? h : "0");
	if (over)
		snprintf(buf + strlen(buf), len - strlen(buf), " (OVL)");
	if (dr.verdict != DISP_OK)
		snprintf(buf + strlen(buf), len - strlen(buf), " (UNSTABLE)");
}

/* The paired ratio model ÷ ref of metric m in the point: "0.771 [0.770, 0.772]". */
static void pivot_ratio(const struct cmp_data *d, const struct point *p, const char *ref, const char *model, int m,
			char *buf, size_t len)
{
	int *ra = malloc(sizeof *ra * (size_t)(2 * p->n)), *rb = ra ? ra + p->n : NULL;
	int n = ra ? pair_runs(d, p, ref, model, ra, rb) : 0;
	double *a = malloc(sizeof *a * (size_t)(2 * (n ? n : 1))), *b = a ? a + (n ? n : 1) : NULL;
	struct cmp_estimate e = { 0 };
	for (int i = 0; a && i < n; i++)
		a[i] = d->runs[ra[i]].m[m], b[i] = d->runs[rb[i]].m[m];
	if (a)
		cmp_ratio(b, a, n, &e);
	free(a);
	free(ra);
	char split[64];
	if (e.n == 0)
		snprintf(buf, len, "-");
	else if (!e.has_ci)
		snprintf(buf, len, "%.*f", ratio_decimals(&e), e.value);
	else {
		int dd = ratio_decimals(&e);
		fmt_ratio_ci(&e, " [", ", ", "]", split, sizeof split);
		snprintf(buf, len, "%.*f%s", dd, e.value, split);
	}
}

/* The cells of one point's row: the axis values, then per model the lead
 * metric (and p99 when not a batch), then each model ÷ ref. */
static int pivot_row(const struct cmp_data *d, struct point *p, char cells[][96], int max, int header)
{
	int c = 0, lead = p->batch ? CM_MAX : CM_THROUGHPUT;
	sqlite3_stmt *q = NULL;
	sqlite3_prepare_v2(d->h, "SELECT value FROM params WHERE run_id=? AND key=?", -1, &q, NULL);
	for (int k = 0; k < d->naxes && c < max; k++, c++) {
		const unsigned char *v = NULL;
		if (!header && q) {
			sqlite3_reset(q);
			sqlite3_bind_int64(q, 1, d->runs[p->first].id);
			sqlite3_bind_text(q, 2, d->axes[k], -1, SQLITE_STATIC);
			v = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_text(q, 0) : NULL;
		}
		snprintf(cells[c], 96, "%s", header ? d->axes[k] : v ? (const char *)v : "-");
	}
	sqlite3_finalize(q);
	for (int i = 0; i < p->nmodels && c + 2 < max; i++) {
		if (header) {
			snprintf(cells[c++], 96, "%s %s", p->models[i], metric_label(lead, p->batch));
			if (!p->batch)
				snprintf(cells[c++], 96, "%s p99", p->models[i]);
			continue;
		}
		pivot_cell(d, p, p->models[i], lead, cells[c++], 96);
		if (!p->batch)
			pivot_cell(d, p, p->models[i], CM_P99, cells[c++], 96);
	}
	for (int i = 0; p->ref >= 0 && i < p->nmodels && c < max; i++) {
		if (i == p->ref)
			continue;
		if (header)
			snprintf(cells[c++], 96, "%s \u00f7 %s", p->models[i], p->models[p->ref]);
		else
			pivot_ratio(d, p, p->models[p->ref], p->models[i], lead, cells[c++], 96);
	}
	return c;
}

enum { PIVOT_MAX_ROWS = 10000, PIVOT_MAX_COLS = 48 };

static void pivot_print(char (*rows)[PIVOT_MAX_COLS][96], int nrows, int ncols, FILE *out)
{
	int width[PIVOT_MAX_COLS] = { 0 };
	for (int r = 0; r < nrows; r++)
		for (int c = 0; c < ncols; c++) {
			int w = (int)strlen(rows[r][c]);
			for (const char *t = rows[r][c]; *t; t++)
				w -= ((unsigned char)*t & 0xc0) == 0x80; /* UTF-8 continuation bytes take no column */
			if (w > width[c])
				width[c] = w;
		}
	for (int r = 0; r < nrows; r++) {
		char line[PIVOT_MAX_COLS * 100];
		size_t o = 0;
		for (int c = 0; c < ncols && o < sizeof line; c++) {
			int pad = width[c] - (int)strlen(rows[r][c]);
			for (const char *t = rows[r][c]; *t; t++)
				pad += ((unsigned char)*t & 0xc0) == 0x80;
			o += (size_t)snprintf(line + o, sizeof line - o, "%s%s%*s", c ? "  " : "", rows[r][c],
					      pad > 0 ? pad : 0, "");
		}
		put_row(out, line);
	}
}

/* "derived, not swept: machine.numa.cores_per_node" when some key varies
 * across points without being an axis. */
static void pivot_derived(const struct cmp_data *d, FILE *out)
{
	int first = 1;
	for (int k = 0; k < d->nkeys; k++) {
		if (!key_derived(d, d->keys[k]))
			continue;
		fprintf(out, "%s%s", first ? "derived from the swept keys, not swept: " : ", ", d->keys[k]);
		first = 0;
	}
	if (!first)
		fprintf(out, "\n");
}

int cmp_pivot(const char *db_path, FILE *out, char *err, size_t errlen)
{
	static const struct cmp_opts defaults = { 0 };
	struct cmp_data d = { .opts = &defaults };
	int rc = open_db(&d, db_path, err, errlen);
	if (rc == 0)
		rc = load_runs(&d, db_path, err, errlen);
	if (rc == 0)
		rc = load_metrics(&d, db_path, err, errlen);
	if (rc == 0)
		rc = load_sweep_keys(&d, db_path, err, errlen);
	if (rc == 0)
		load_axes(&d);
	int npoints = 0;
	for (int i = 0; rc == 0 && i < d.nruns; i++)
		npoints += i == 0 || d.runs[i].point != d.runs[i - 1].point ||
			   strcmp(d.runs[i].scenario, d.runs[i - 1].scenario) != 0;
	if (npoints > PIVOT_MAX_ROWS)
		npoints = PIVOT_MAX_ROWS;
	char (*rows)[PIVOT_MAX_COLS][96] = rc == 0 ? calloc((size_t)npoints + 1, sizeof *rows) : NULL;
	int nrows = 0, ncols = 0, batch = -1;
	for (int i = 0; rows && i < d.nruns && nrows < npoints + 1;) {
		struct point p = { .first = i };
		while (i < d.nruns && d.runs[i].point == d.runs[p.first].point &&
		       strcmp(d.runs[i].scenario, d.runs[p.first].scenario) == 0)
			i++;
		p.n = i - p.first;
		point_models(&d, &p);
		p.batch = point_is_batch(&d, d.runs[p.first].id);
		if (nrows == 0)
			ncols = pivot_row(&d, &p, rows[nrows++], PIVOT_MAX_COLS, 1), batch = p.batch;
		pivot_row(&d, &p, rows[nrows++], PIVOT_MAX_COLS, 0);
	}
	if (rows && nrows) {
		fprintf(out, "\nsweep summary (%s): mean over the repetitions \u00b1 half its 95%% t-interval;\n"
			"(OVL): overloaded in some repetition (latency '>': understated); (UNSTABLE): the repetitions\n"
			"disagree (gmpsim compare says why); ratio = MODEL \u00f7 reference "
			"paired by seed and rep:\ngeometric mean [95%% t-interval on log ratios]\n",
			batch ? "a batch: time to finish = latency_max" : "throughput and p99 latency");
		pivot_print(rows, nrows, ncols, out);
		pivot_derived(&d, out);
	}
	free(rows);
	data_free(&d);
	return rc;
}

/* --ref must name a model with complete runs in the database. */
static int check_ref(const struct cmp_data *d, const char *path, char *err, size_t errlen)
{
	if (!d->opts->ref)
		return 0;
	for (int i = 0; i < d->nruns; i++)
		if (strcmp(d->runs[i].model, d->opts->ref) == 0)
			return 0;
	size_t o = (size_t)snprintf(err, errlen, "--ref %s: %s has no complete run of that model (models:", d->opts->ref,
				    path);
	for (int i = 0; i < d->nruns && o < errlen; i++)
		if (i == 0 || strcmp(d->runs[i].model, d->runs[i - 1].model) != 0)
			o += (size_t)snprintf(err + o, errlen - o, " %s", d->runs[i].model);
	if (o < errlen)
		snprintf(err + o, errlen - o, ")");
	return -1;
}

int cmp_check_metric(const char *name, char *err, size_t errlen)
{
	if (!name || metric_index(name) >= 0)
		return 0;
	char names[512];
	snprintf(err, errlen, "--metric %s: unknown metric (one of: %s)", name, cmp_metric_names(names, sizeof names));
	return -1;
}

int cmp_report(const char *db_path, FILE *out, char *err, size_t errlen)
{
	static const struct cmp_opts defaults = { 0 };
	return cmp_report_opts(db_path, &defaults, out, err, errlen);
}

int cmp_report_opts(const char *db_path, const struct cmp_opts *opts, FILE *out, char *err, size_t errlen)
{
	int rows = 0;
	struct cmp_data d = { .opts = opts, .rows = &rows };
	int rc = cmp_check_metric(opts->metric, err, errlen);
	if (rc == 0)
		rc = open_db(&d, db_path, err, errlen);
	if (rc == 0)
		rc = load_runs(&d, db_path, err, errlen);
	if (rc == 0)
		rc = load_metrics(&d, db_path, err, errlen);
	if (rc == 0)
		rc = load_sweep_keys(&d, db_path, err, errlen);
	if (rc == 0)
		load_axes(&d);
	if (rc == 0)
		rc = check_ref(&d, db_path, err, errlen);
	if (rc == 0 && !machine(&d))
		note_incomplete(&d, out);
	if (rc == 0)
		rows_begin(opts, out);
	for (int i = 0; rc == 0 && i < d.nruns;) {
		struct point p = { .first = i };
		while (i < d.nruns && d.runs[i].point == d.runs[p.first].point &&
		       strcmp(d.runs[i].scenario, d.runs[p.first].scenario) == 0)
			i++;
		p.n = i - p.first;
		report_point(&d, &p, out);
	}
	if (rc == 0)
		rows_end(opts, rows, out);
	data_free(&d);
	return rc;
}
