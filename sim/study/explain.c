/* sim/study/explain.c — `gmpsim explain` (explain.h): loads the breakdown
 * metrics of the complete runs, groups them by (scenario, point_id) and
 * model, prints the two tables side by side and each model's difference
 * from the reference, attributed and with paired 95% t-intervals. */
#include "explain.h"
#include "breakdown.h"
#include "capacity.h"
#include "compare.h"
#include "qdb.h"
#include "tb.h"
#include "units.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const ex_cause_label[BD_COUNT] = {
	[BD_USER] = "user work", [BD_SWITCH] = "switches", [BD_WAKE] = "wake-ups",
	[BD_THREAD] = "thread create/exit", [BD_SYSCALL] = "syscalls", [BD_SCHED] = "scheduling",
	[BD_GC] = "GC", [BD_LOCKSPIN] = "lock spinning", [BD_OTHER] = "other",
};
const char *const ex_part_label[TB_COUNT] = {
	[TB_ACCEPT] = "accept wait", [TB_SCHED] = "scheduler wait", [TB_RUN] = "running",
	[TB_OVERHEAD] = "overhead", [TB_NET] = "network", [TB_SYSCALL] = "syscall",
	[TB_CHAN] = "channel", [TB_MUTEX] = "mutex", [TB_SLEEP] = "sleep",
	[TB_JOIN] = "join (children)", [TB_GC] = "GC",
};

/* A run's values: the time parts' means and p99 parts (ns), the causes'
 * CPU per request (us), the latency mean and p99 (ns). */
enum { V_MEAN = 0, V_P99 = TB_COUNT, V_CPU = 2 * TB_COUNT, V_LMEAN = 2 * TB_COUNT + BD_COUNT,
       V_LP99, V_DONE, V_ARRIVED, V_N };

struct ex_run {
	int64_t id, point, seed, rep;
	char *scenario, *model;
	double v[V_N];
};

struct ex_data {
	struct ex_run *runs;
	int n, cap;
};

/* ---- ranking and the sentence ------------------------------------------------ */

int ex_rank(const double *diff, int n, struct ex_part *out)
{
	int k = 0;
	for (int i = 0; i < n; i++) {
		if (!isfinite(diff[i]) || diff[i] == 0)
			continue;
		int j = k++;
		while (j > 0 && fabs(out[j - 1].diff) < fabs(diff[i])) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = (struct ex_part){ i, diff[i] };
	}
	return k;
}

static double sum_finite(const double *x, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		if (isfinite(x[i]))
			s += x[i];
	return s;
}

static void diffs(const double *a, const double *b, int n, double *out)
{
	for (int i = 0; i < n; i++)
		out[i] = a[i] - b[i];
}

/* Appends ", label +x" for the top parts to buf. */
static size_t append_top(char *buf, size_t len, size_t at, const double *d, int n, int top,
			 const char *const *labels, bool ns)
{
	struct ex_part rank[(int)TB_COUNT > (int)BD_COUNT ? (int)TB_COUNT : (int)BD_COUNT];
	int k = ex_rank(d, n, rank);
	for (int i = 0; i < k && i < top && at < len; i++) {
		char v[32];
		if (ns) {
			unit_fmt_duration(fabs(rank[i].diff), v, sizeof v);
			at += (size_t)snprintf(buf + at, len - at, "%s%s %s%s", i ? ", " : "",
					       labels[rank[i].index], rank[i].diff < 0 ? "-" : "+", v);
		} else {
			at += (size_t)snprintf(buf + at, len - at, "%s%s %+.1f", i ? ", " : "",
					       labels[rank[i].index], rank[i].diff);
		}
	}
	return at;
}

void ex_sentence(char *buf, size_t len, const double *cpu, const double *ref_cpu,
		 const double *p99, const double *ref_p99, int top)
{
	double dc[BD_COUNT], dp[TB_COUNT];
	diffs(cpu, ref_cpu, BD_COUNT, dc);
	diffs(p99, ref_p99, TB_COUNT, dp);
	double tc = sum_finite(dc, BD_COUNT), tp = sum_finite(dp, TB_COUNT);
	bool has_p99 = false;
	for (int i = 0; i < TB_COUNT; i++)
		has_p99 |= isfinite(dp[i]);
	char v[32];
	unit_fmt_duration(fabs(tp), v, sizeof v);
	size_t at = (size_t)snprintf(buf, len, "%+.1f us CPU per request (", tc);
	at = append_top(buf, len, at, dc, BD_COUNT, top, ex_cause_label, false);
	if (!has_p99) {
		if (at < len)
			snprintf(buf + at, len - at, "); p99 none to compare");
		return;
	}
	if (at < len)
		at += (size_t)snprintf(buf + at, len - at, "); p99 %s%s (", tp < 0 ? "-" : "+", v);
	at = append_top(buf, len, at, dp, TB_COUNT, top, ex_part_label, true);
	if (at < len)
		snprintf(buf + at, len - at, ")");
}

/* ---- loading ------------------------------------------------------------------ */

static void data_free(struct ex_data *d)
{
	for (int i = 0; i < d->n; i++) {
		free(d->runs[i].scenario);
		free(d->runs[i].model);
	}
	free(d->runs);
}

static bool wanted(const struct ex_opts *o, int64_t id)
{
	if (o->nruns == 0)
		return true;
	for (int i = 0; i < o->nruns; i++)
		if (o->runs[i] == id)
			return true;
	return false;
}

static char *dup_text(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);
	return strdup(s ? (const char *)s : "");
}

/* The value slot a metric name fills, or -1. */
static int slot_of(const char *name)
{
	if (strcmp(name, "latency_mean") == 0)
		return V_LMEAN;
	if (strcmp(name, "latency_p99") == 0)
		return V_LP99;
	if (strcmp(name, "tasks_completed") == 0)
		return V_DONE;
	if (strcmp(name, "tasks_arrived") == 0)
		return V_ARRIVED;
	char buf[64];
	for (int p = 0; p < TB_COUNT; p++) {
		snprintf(buf, sizeof buf, "tb_%s_mean", tb_part_name[p]);
		if (strcmp(name, buf) == 0)
			return V_MEAN + p;
		snprintf(buf, sizeof buf, "tb_%s_p99", tb_part_name[p]);
		if (strcmp(name, buf) == 0)
			return V_P99 + p;
	}
	for (int c = 0; c < BD_COUNT; c++) {
		snprintf(buf, sizeof buf, "cpu_per_req_%s", bd_cause_name[c]);
		if (strcmp(name, buf) == 0)
			return V_CPU + c;
	}
	return -1;
}

static int load_metrics(sqlite3 *h, struct ex_run *r)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(h, "SELECT name, value FROM metrics WHERE run_id = ?1 AND "
				    "(name LIKE 'tb\\_%' ESCAPE '\\' OR name LIKE 'cpu\\_per\\_req\\_%' ESCAPE '\\' "
				    "OR name IN ('latency_mean', 'latency_p99', 'tasks_completed', 'tasks_arrived'))", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, r->id);
	for (int i = 0; i < V_N; i++)
		r->v[i] = NAN;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int s = slot_of((const char *)sqlite3_column_text(st, 0));
		if (s >= 0 && sqlite3_column_type(st, 1) != SQLITE_NULL)
			r->v[s] = sqlite3_column_double(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int load(sqlite3 *h, const struct ex_opts *o, struct ex_data *d)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(h, "SELECT run_id, scenario, point_id, model, seed, rep FROM runs "
				    "WHERE status = 'complete' ORDER BY scenario, point_id, model, seed, rep, run_id",
				    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		if (!wanted(o, id))
			continue;
		if (d->n == d->cap) {
			d->cap = d->cap ? 2 * d->cap : 16;
			void *p = realloc(d->runs, sizeof *d->runs * (size_t)d->cap);
			if (!p) {
				fprintf(stderr, "gmpsim: out of memory (explain)\n");
				abort();
			}
			d->runs = p;
		}
		struct ex_run *r = &d->runs[d->n++];
		*r = (struct ex_run){ .id = id, .scenario = dup_text(st, 1), .point = sqlite3_column_int64(st, 2),
				      .model = dup_text(st, 3), .seed = sqlite3_column_int64(st, 4),
				      .rep = sqlite3_column_int64(st, 5) };
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return rc;
	for (int i = 0; i < d->n; i++)
		if ((rc = load_metrics(h, &d->runs[i])) != SQLITE_OK)
			return rc;
	return SQLITE_OK;
}

/* ---- one (scenario, point): its models ---------------------------------------- */

struct ex_model {
	const char *name;
	struct ex_run *runs;   /* consecutive in ex_data, ordered by seed, rep */
	int n;
	double mean[V_N];      /* over its runs, NaN-skipping */
};

struct ex_group {
	struct ex_model *m;
	int n, ref;
};

static void model_means(struct ex_model *m)
{
	for (int v = 0; v < V_N; v++) {
		double s = 0;
		int k = 0;
		for (int i = 0; i < m->n; i++)
			if (isfinite(m->runs[i].v[v])) {
				s += m->runs[i].v[v];
				k++;
			}
		m->mean[v] = k ? s / k : NAN;
	}
}

/* The group starting at runs[from]; returns the index after it. */
static int group_at(struct ex_data *d, int from, struct ex_group *g)
{
	int end = from;
	while (end < d->n && strcmp(d->runs[end].scenario, d->runs[from].scenario) == 0 &&
	       d->runs[end].point == d->runs[from].point)
		end++;
	g->m = calloc((size_t)(end - from), sizeof *g->m);
	g->n = 0;
	for (int i = from; i < end; i++) {
		if (g->n == 0 || strcmp(g->m[g->n - 1].name, d->runs[i].model) != 0)
			g->m[g->n++] = (struct ex_model){ .name = d->runs[i].model, .runs = &d->runs[i] };
		g->m[g->n - 1].n++;
	}
	for (int i = 0; i < g->n; i++)
		model_means(&g->m[i]);
	return end;
}

static int pick_ref(const struct ex_group *g, const char *want)
{
	for (int i = 0; i < g->n; i++)
		if (strcmp(g->m[i].name, want ? want : "gmp") == 0)
			return i;
	return want ? -1 : 0;
}

/* Reps of o that ref has too (same seed and rep). */
static int npaired(const struct ex_model *o, const struct ex_model *r)
{
	int k = 0;
	for (int i = 0; i < o->n; i++)
		for (int j = 0; j < r->n; j++)
			if (o->runs[i].seed == r->runs[j].seed && o->runs[i].rep == r->runs[j].rep) {
				k++;
				break;
			}
	return k;
}

/* Reps of m that did not keep up (capacity.h's rule). */
static int noverloaded(const struct ex_model *m)
{
	int k = 0;
	for (int i = 0; i < m->n; i++)
		if (isfinite(m->runs[i].v[V_DONE]) && isfinite(m->runs[i].v[V_ARRIVED]))
			k += cap_overloaded(m->runs[i].v[V_DONE], m->runs[i].v[V_ARRIVED]) != 0;
	return k;
}

/* Paired difference other - ref of value v over the reps both have. */
static void paired(const struct ex_model *o, const struct ex_model *r, int v, struct cmp_estimate *e)
{
	double a[o->n > 0 ? o->n : 1], b[o->n > 0 ? o->n : 1];
	int k = 0;
	for (int i = 0; i < o->n; i++)
		for (int j = 0; j < r->n; j++)
			if (o->runs[i].seed == r->runs[j].seed && o->runs[i].rep == r->runs[j].rep) {
				a[k] = o->runs[i].v[v];
				b[k++] = r->runs[j].v[v];
				break;
			}
	cmp_difference(a, b, k, e);
}

/* ---- the aligned report --------------------------------------------------------- */

static const char *fmt_ns(double ns, char *buf, size_t len)
{
	if (!isfinite(ns))
		snprintf(buf, len, "-");
	else
		unit_fmt_duration(ns, buf, len);
	return buf;
}

static const char *fmt_signed_ns(double ns, char *buf, size_t len)
{
	char v[32];
	if (!isfinite(ns))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%s%s", ns < 0 ? "-" : "+", unit_fmt_duration(fabs(ns), v, sizeof v));
	return buf;
}

static bool part_used(const struct ex_group *g, int p)
{
	for (int i = 0; i < g->n; i++)
		if ((isfinite(g->m[i].mean[V_MEAN + p]) && g->m[i].mean[V_MEAN + p] != 0) ||
		    (isfinite(g->m[i].mean[V_P99 + p]) && g->m[i].mean[V_P99 + p] != 0))
			return true;
	return false;
}

static void print_time_table(FILE *f, const struct ex_group *g)
{
	char a[32], b[32];
	fprintf(f, "time per request (mean, and the part of the p99: p99 x its share in the requests at or above it)\n");
	fprintf(f, "  %-18s", "part");
	for (int i = 0; i < g->n; i++)
		fprintf(f, " %12.12s %10s", g->m[i].name, "p99");
	fprintf(f, "\n");
	for (int p = 0; p < TB_COUNT; p++) {
		if (!part_used(g, p))
			continue;
		fprintf(f, "  %-18s", ex_part_label[p]);
		for (int i = 0; i < g->n; i++)
			fprintf(f, " %12s %10s", fmt_ns(g->m[i].mean[V_MEAN + p], a, sizeof a),
				fmt_ns(g->m[i].mean[V_P99 + p], b, sizeof b));
		fprintf(f, "\n");
	}
	fprintf(f, "  %-18s", "latency");
	for (int i = 0; i < g->n; i++)
		fprintf(f, " %12s %10s", fmt_ns(g->m[i].mean[V_LMEAN], a, sizeof a),
			fmt_ns(g->m[i].mean[V_LP99], b, sizeof b));
	fprintf(f, "\n");
}

static void print_cpu_table(FILE *f, const struct ex_group *g)
{
	fprintf(f, "CPU per completed request, us (the causes add up to the busy CPU)\n");
	fprintf(f, "  %-18s", "cause");
	for (int i = 0; i < g->n; i++)
		fprintf(f, " %12.12s", g->m[i].name);
	fprintf(f, "\n");
	for (int c = 0; c < BD_COUNT; c++) {
		bool used = false;
		for (int i = 0; i < g->n; i++)
			used |= isfinite(g->m[i].mean[V_CPU + c]) && g->m[i].mean[V_CPU + c] != 0;
		if (!used)
			continue;
		fprintf(f, "  %-18s", ex_cause_label[c]);
		for (int i = 0; i < g->n; i++)
			fprintf(f, " %12.1f", g->m[i].mean[V_CPU + c]);
		fprintf(f, "\n");
	}
	fprintf(f, "  %-18s", "total");
	for (int i = 0; i < g->n; i++)
		fprintf(f, " %12.1f", sum_finite(&g->m[i].mean[V_CPU], BD_COUNT));
	fprintf(f, "\n");
}

static void fmt_ci(const struct cmp_estimate *e, bool ns, char *buf, size_t len)
{
	char lo[32], hi[32];
	if (!e->has_ci) {
		snprintf(buf, len, "%s", e->n == 1 ? "(n=1, no CI)" : "-");
		return;
	}
	if (ns)
		snprintf(buf, len, "[%s, %s]", fmt_signed_ns(e->lo, lo, sizeof lo), fmt_signed_ns(e->hi, hi, sizeof hi));
	else {
		int dec = fabs(e->value) < 0.1 ? 3 : 1;
		snprintf(buf, len, "[%+.*f, %+.*f]", dec, e->lo, dec, e->hi);
	}
}

static void print_pair(FILE *f, const struct ex_group *g, int o)
{
	const struct ex_model *m = &g->m[o], *r = &g->m[g->ref];
	struct cmp_estimate e, e2;
	int np = npaired(m, r);
	fprintf(f, "\n%s vs %s: difference = %s - %s over %d paired rep%s (same seed and rep), 95%% t-interval\n",
		m->name, r->name, m->name, r->name, np, np == 1 ? "" : "s");
	for (int i = 0; i < 2; i++) {
		const struct ex_model *x = i ? r : m;
		int k = noverloaded(x);
		if (k)
			fprintf(f, "  OVERLOADED: %s in %d of %d reps: its time per request covers only the requests "
				"that completed (understated)\n", x->name, k, x->n);
	}
	char s[512];
	ex_sentence(s, sizeof s, &m->mean[V_CPU], &r->mean[V_CPU], &m->mean[V_P99], &r->mean[V_P99], 3);
	fprintf(f, "  %s: %s\n", m->name, s);
	fprintf(f, "  %-18s %12s %-24s\n", "CPU cause", "us/request", "95% CI");
	for (int c = 0; c < BD_COUNT; c++) {
		paired(m, r, V_CPU + c, &e);
		if (!isfinite(e.value) || e.value == 0)
			continue;
		char ci[96];
		fmt_ci(&e, false, ci, sizeof ci);
		fprintf(f, "  %-18s %+12.*f %s\n", ex_cause_label[c], fabs(e.value) < 0.1 ? 3 : 1, e.value, ci);
	}
	if (!isfinite(m->mean[V_LMEAN]) || !isfinite(r->mean[V_LMEAN])) {
		fprintf(f, "  time parts: none to compare (%s completed no request that arrived in the window)\n",
			isfinite(m->mean[V_LMEAN]) ? r->name : m->name);
		return;
	}
	fprintf(f, "  %-18s %12s %-26s %12s %-26s\n", "time part", "mean", "95% CI", "p99 part", "95% CI");
	for (int p = 0; p < TB_COUNT; p++) {
		paired(m, r, V_MEAN + p, &e);
		paired(m, r, V_P99 + p, &e2);
		if ((!isfinite(e.value) || e.value == 0) && (!isfinite(e2.value) || e2.value == 0))
			continue;
		char v1[32], v2[32], c1[96], c2[96];
		fmt_ci(&e, true, c1, sizeof c1);
		fmt_ci(&e2, true, c2, sizeof c2);
		fprintf(f, "  %-18s %12s %-26s %12s %-26s\n", ex_part_label[p], fmt_signed_ns(e.value, v1, sizeof v1), c1,
			fmt_signed_ns(e2.value, v2, sizeof v2), c2);
	}
}

static void print_group(FILE *f, const struct ex_group *g, bool first)
{
	const struct ex_model *r = &g->m[g->ref];
	fprintf(f, "%s== %s, point %lld: reference %s ==\n", first ? "" : "\n", r->runs[0].scenario,
		(long long)r->runs[0].point, r->name);
	print_time_table(f, g);
	print_cpu_table(f, g);
	for (int i = 0; i < g->n; i++)
		if (i != g->ref)
			print_pair(f, g, i);
}

/* ---- CSV / JSON rows -------------------------------------------------------------- */

static const char *const row_cols[] = {
	"scenario", "point_id", "model", "reference", "section", "part", "unit", "value",
	"reference_value", "difference", "ci_lo", "ci_hi", "reps",
};
enum { NCOLS = sizeof row_cols / sizeof row_cols[0] };

static void cell_text(struct qt_cell *c, const char *s) { *c = (struct qt_cell){ .type = SQLITE_TEXT, .s = strdup(s) }; }
static void cell_num(struct qt_cell *c, double d)
{
	*c = isfinite(d) ? (struct qt_cell){ .type = SQLITE_FLOAT, .d = d } : (struct qt_cell){ .type = SQLITE_NULL };
}

static void add_row(struct qt_table *t, const struct ex_group *g, int o, const char *section,
		    const char *part, const char *unit, int v)
{
	if (t->nrows == t->caprows) {
		t->caprows = t->caprows ? 2 * t->caprows : 64;
		t->cells = realloc(t->cells, sizeof *t->cells * (size_t)t->caprows * NCOLS);
		if (!t->cells) {
			fprintf(stderr, "gmpsim: out of memory (explain)\n");
			abort();
		}
	}
	const struct ex_model *m = &g->m[o], *r = &g->m[g->ref];
	struct qt_cell *c = &t->cells[(size_t)t->nrows++ * NCOLS];
	struct cmp_estimate e = { .value = NAN, .lo = NAN, .hi = NAN };
	if (o != g->ref)
		paired(m, r, v, &e);
	cell_text(&c[0], m->runs[0].scenario);
	c[1] = (struct qt_cell){ .type = SQLITE_INTEGER, .i = m->runs[0].point };
	cell_text(&c[2], m->name);
	cell_text(&c[3], r->name);
	cell_text(&c[4], section);
	cell_text(&c[5], part);
	cell_text(&c[6], unit);
	cell_num(&c[7], m->mean[v]);
	cell_num(&c[8], r->mean[v]);
	cell_num(&c[9], e.value);
	cell_num(&c[10], e.has_ci ? e.lo : NAN);
	cell_num(&c[11], e.has_ci ? e.hi : NAN);
	c[12] = (struct qt_cell){ .type = SQLITE_INTEGER, .i = o == g->ref ? m->n : e.n };
}

static void group_rows(struct qt_table *t, const struct ex_group *g)
{
	for (int i = 0; i < g->n; i++) {
		for (int p = 0; p < TB_COUNT; p++)
			add_row(t, g, i, "time_mean", tb_part_name[p], "ns", V_MEAN + p);
		add_row(t, g, i, "time_mean", "latency", "ns", V_LMEAN);
		for (int p = 0; p < TB_COUNT; p++)
			add_row(t, g, i, "time_p99", tb_part_name[p], "ns", V_P99 + p);
		add_row(t, g, i, "time_p99", "latency", "ns", V_LP99);
		for (int c = 0; c < BD_COUNT; c++)
			add_row(t, g, i, "cpu_per_request", bd_cause_name[c], "us", V_CPU + c);
	}
}

/* ---- the report -------------------------------------------------------------------- */

static int check_runs(const struct ex_opts *o, const struct ex_data *d, const char *path, char *err, size_t errlen)
{
	for (int i = 0; i < o->nruns; i++) {
		bool found = false;
		for (int j = 0; j < d->n && !found; j++)
			found = d->runs[j].id == o->runs[i];
		if (!found) {
			snprintf(err, errlen, "%s: no complete run %lld", path, (long long)o->runs[i]);
			return -1;
		}
	}
	if (d->n == 0) {
		snprintf(err, errlen, "%s: no complete runs", path);
		return -1;
	}
	for (int j = 0; j < d->n; j++)
		if (isfinite(d->runs[j].v[V_CPU]))
			return 0;
	snprintf(err, errlen, "%s: no breakdown metrics (tb_*, cpu_per_req_*): written by a gmpsim "
		 "before 'explain'; run the scenario again", path);
	return -1;
}

static int report(struct ex_data *d, const struct ex_opts *o, FILE *out, const char *path, char *err, size_t errlen)
{
	struct qt_table t = { .ncols = NCOLS, .names = (char **)row_cols };
	int groups = 0;
	for (int at = 0; at < d->n;) {
		struct ex_group g;
		at = group_at(d, at, &g);
		g.ref = pick_ref(&g, o->ref);
		if (g.ref >= 0) {
			if (o->format == QT_ALIGNED)
				print_group(out, &g, groups == 0);
			else
				group_rows(&t, &g);
			groups++;
		}
		free(g.m);
	}
	if (groups == 0) {
		snprintf(err, errlen, "%s: reference model '%s' has no complete run", path, o->ref);
		return -1;
	}
	if (o->format != QT_ALIGNED)
		qt_print(out, &t, o->format);
	for (int i = 0; i < t.nrows * NCOLS; i++)
		free(t.cells[i].s);
	free(t.cells);
	return 0;
}

int ex_report(const char *db_path, const struct ex_opts *o, FILE *out, char *err, size_t errlen)
{
	sqlite3 *h = qdb_open(db_path, err, errlen);
	if (!h)
		return -1;
	struct ex_data d = { 0 };
	int rc = load(h, o, &d);
	int ret = -1;
	if (rc != SQLITE_OK)
		qdb_error(h, db_path, rc, err, errlen);
	else if (check_runs(o, &d, db_path, err, errlen) == 0)
		ret = report(&d, o, out, db_path, err, errlen);
	data_free(&d);
	sqlite3_close(h);
	return ret;
}
