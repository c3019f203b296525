/* sim/results/results.h — what one simulated run produced (the collector).
 *
 * A run collects its output in memory (struct run_result: growable arrays,
 * no SQLite on the simulation's hot path). The SQLite writer that puts a
 * run into the invocation's database is sim/store/db.h; the schema below is
 * what it writes.
 *
 * Schema (see analysis/schema.sql and analysis/views.sql):
 *   runs(run_id, scenario, model, seed, rep, point_id, status, error, sim_ns,
 *        events, wall_s, version, created_at, run_number)
 *   params(run_id, key, value)
 *   metrics(run_id, name, value, unit)
 *   histograms(run_id, name, lo, hi, count)
 *   timeseries(run_id, t_ns, name, value)
 *   traces, tracks, spans, events — the timeline of a --trace run
 *     (run_result.trace, sim/core/trace.h; written by sim/store/trace_db.c)
 */
#ifndef GMPSIM_RESULTS_H
#define GMPSIM_RESULTS_H
#include "types.h"

struct res_metric { char *name; double value; char *unit; };
struct res_bucket { char *name; double lo, hi; int64_t count; };
struct res_sample { sim_ns t; int name; double value; }; /* name: index into series_names */
struct res_param { char *key; char *value; };

struct run_result {
	char *scenario, *model;
	uint64_t seed;
	int rep, point_id;
	int64_t run_number;    /* sweep run number (0, 1, ...); -1 = none (NULL, run_id automatic) */
	char *status;          /* "complete" or "failed" */
	char *error;           /* NULL unless failed */
	sim_ns sim_ns_run;     /* virtual time simulated */
	uint64_t events;       /* engine events processed */
	double wall_s;         /* wall-clock seconds (bookkeeping only) */

	int nparams, capparams;    struct res_param *params;
	int nmetrics, capmetrics;  struct res_metric *metrics;
	int nbuckets, capbuckets;  struct res_bucket *buckets;
	int nsamples, capsamples;  struct res_sample *samples;
	int nseries_names, capseries_names; char **series_names;
	struct trc *trace;     /* the timeline (--trace), owned; NULL: not traced */
};

/* Starts an empty result with status "incomplete": a run that is never
 * marked complete with res_set_status never looks complete. */
void res_init(struct run_result *r, const char *scenario, const char *model, uint64_t seed);
void res_free(struct run_result *r);
void res_set_status(struct run_result *r, const char *status, const char *error);
void res_param(struct run_result *r, const char *key, const char *value);
void res_metric(struct run_result *r, const char *name, double value, const char *unit);
/* Returns the metric's value, or NAN when absent. */
double res_get_metric(const struct run_result *r, const char *name);
void res_bucket(struct run_result *r, const char *name, double lo, double hi, int64_t count);
/* Interns a series name once; returns the id to pass to res_sample. */
int res_series(struct run_result *r, const char *name);
void res_sample(struct run_result *r, sim_ns t, int series, double value);

#endif
