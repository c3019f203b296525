/* sim/results/results.c — the per-run result collector (res_*): what one
 * simulated run produced, kept in memory.
 *
 * Plain growable arrays with strdup'd strings; it never touches SQLite, so
 * the simulation's hot path stays free of I/O (the SQLite writer is
 * sim/store/db.c). Allocation failure is fatal (message on stderr, abort):
 * a run that lost part of its results must not be written as complete.
 */
#include "budget.h"
#include "results.h"
#include "grow.h"
#include "trace.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- collector ------------------------------------------------------- */

static void res_oom(void)
{
	bud_oom("results", 0);
}

static char *res_strdup(const char *s)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		res_oom();
	return d;
}

/* Zeroes r and copies the identity. Status starts as "incomplete" so that a
 * run nobody marked "complete" (res_set_status) is never trusted by the
 * views; rep and point_id start at 0, run_number at -1 (none). */
void res_init(struct run_result *r, const char *scenario, const char *model, uint64_t seed)
{
	memset(r, 0, sizeof *r);
	r->scenario = res_strdup(scenario);
	r->model = res_strdup(model);
	r->seed = seed;
	r->status = res_strdup("incomplete");
	r->run_number = -1;
}

/* Frees every string and array; r is left zeroed (res_free twice is safe). */
void res_free(struct run_result *r)
{
	for (int i = 0; i < r->nparams; i++) {
		free(r->params[i].key);
		free(r->params[i].value);
	}
	for (int i = 0; i < r->nmetrics; i++) {
		free(r->metrics[i].name);
		free(r->metrics[i].unit);
	}
	for (int i = 0; i < r->nbuckets; i++)
		free(r->buckets[i].name);
	for (int i = 0; i < r->nseries_names; i++)
		free(r->series_names[i]);
	free(r->params);
	free(r->metrics);
	free(r->buckets);
	free(r->samples);
	free(r->series_names);
	free(r->scenario);
	free(r->model);
	free(r->status);
	free(r->error);
	trc_free(r->trace);
	memset(r, 0, sizeof *r);
}

/* Replaces status and error (error may be NULL). */
void res_set_status(struct run_result *r, const char *status, const char *error)
{
	char *s = res_strdup(status), *e = res_strdup(error);
	free(r->status);
	free(r->error);
	r->status = s;
	r->error = e;
}

/* Sets a parameter; a key set twice keeps the last value. O(nparams). */
void res_param(struct run_result *r, const char *key, const char *value)
{
	for (int i = 0; i < r->nparams; i++) {
		if (strcmp(r->params[i].key, key) == 0) {
			char *v = res_strdup(value);
			free(r->params[i].value);
			r->params[i].value = v;
			return;
		}
	}
	GROW(r->params, r->nparams + 1, r->capparams, 16, "results");
	struct res_param *p = &r->params[r->nparams++];
	p->key = res_strdup(key);
	p->value = res_strdup(value);
}

static struct res_metric *res_find_metric(const struct run_result *r, const char *name)
{
	for (int i = 0; i < r->nmetrics; i++)
		if (strcmp(r->metrics[i].name, name) == 0)
			return &r->metrics[i];
	return NULL;
}

/* Records a metric; a name recorded twice keeps the last value and unit
 * (one value per metric per run). O(nmetrics). */
void res_metric(struct run_result *r, const char *name, double value, const char *unit)
{
	struct res_metric *m = res_find_metric(r, name);
	if (m) {
		char *u = res_strdup(unit);
		free(m->unit);
		m->unit = u;
		m->value = value;
		return;
	}
	GROW(r->metrics, r->nmetrics + 1, r->capmetrics, 16, "results");
	m = &r->metrics[r->nmetrics++];
	m->name = res_strdup(name);
	m->value = value;
	m->unit = res_strdup(unit);
}

double res_get_metric(const struct run_result *r, const char *name)
{
	const struct res_metric *m = res_find_metric(r, name);
	return m ? m->value : NAN;
}

/* Appends one histogram bucket [lo, hi) (bounds in ns for latencies). */
void res_bucket(struct run_result *r, const char *name, double lo, double hi, int64_t count)
{
	GROW(r->buckets, r->nbuckets + 1, r->capbuckets, 16, "results");
	struct res_bucket *b = &r->buckets[r->nbuckets++];
	b->name = res_strdup(name);
	b->lo = lo;
	b->hi = hi;
	b->count = count;
}

/* O(nseries_names): meant to be called once per series, not per sample. */
int res_series(struct run_result *r, const char *name)
{
	for (int i = 0; i < r->nseries_names; i++)
		if (strcmp(r->series_names[i], name) == 0)
			return i;
	GROW(r->series_names, r->nseries_names + 1, r->capseries_names, 16, "results");
	char **slot = &r->series_names[r->nseries_names++];
	*slot = res_strdup(name);
	return r->nseries_names - 1;
}

/* Appends a sample; series must come from res_series on this r (checked
 * when the run is written: db_write_run fails on an unknown id). */
void res_sample(struct run_result *r, sim_ns t, int series, double value)
{
	GROW(r->samples, r->nsamples + 1, r->capsamples, 16, "results");
	struct res_sample *s = &r->samples[r->nsamples++];
	s->t = t;
	s->name = series;
	s->value = value;
}
