/* sim/results.h — what one simulated run produced, and the SQLite writer.
 *
 * A run collects its output in memory (struct run_result: growable arrays,
 * no SQLite on the simulation's hot path). The writer (db_*) puts each run
 * into the invocation's database in one transaction. The database is built
 * in a temporary file next to the target and renamed over it only by
 * db_close_commit, so an interrupted or failed invocation never leaves a
 * half-written or complete-looking result.
 *
 * Schema (see analysis/schema.sql and analysis/views.sql):
 *   runs(run_id, scenario, model, seed, rep, point_id, status, error, sim_ns,
 *        events, wall_s, version, created_at, run_number)
 *   params(run_id, key, value)
 *   metrics(run_id, name, value, unit)
 *   histograms(run_id, name, lo, hi, count)
 *   timeseries(run_id, t_ns, name, value)
 *   traces, tracks, spans, events — the timeline of a --trace run
 *     (run_result.trace, sim/trace.h; written by sim/trace_db.c)
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

struct db;

/* Creates the database for target path: a fresh temporary file beside it
 * with the schema. Returns NULL and fills err on failure (e.g. the
 * directory does not exist or is not writable). */
struct db *db_create(const char *target, char *err, size_t errlen);
/* Writes one run in one transaction; returns its run_id (>0) or -1 with err. */
int64_t db_write_run(struct db *db, const struct run_result *r, char *err, size_t errlen);
/* Creates indexes and views, closes, renames the temporary file over the
 * target. Returns 0, or -1 with err (the temporary file is then removed). */
int db_close_commit(struct db *db, char *err, size_t errlen);
/* Closes and removes the temporary file; the target is left untouched. */
void db_close_abort(struct db *db);
/* The temporary file's path (for a signal handler that must unlink it). */
const char *db_temp_path(const struct db *db);
/* Runs SQL text (several statements) on the database being built, e.g. to
 * ATTACH another database and copy rows; -1 with err naming the database. */
int db_exec_sql(struct db *db, const char *sql, char *err, size_t errlen);
/* Sets meta(key) = value (replacing it); -1 with err. */
int db_set_meta(struct db *db, const char *key, const char *value, char *err, size_t errlen);

#endif
