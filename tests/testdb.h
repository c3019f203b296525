/* tests/testdb.h — a small sweep database written directly with the
 * results writer (db_create / db_write_run), for the query and plot suites,
 * plus running ./gmpsim as a subprocess. The values are the test's own
 * inputs (td_throughput ...), so tests recompute what they expect from the
 * same functions; must not stand in for the simulator's figures. */
#ifndef GMPSIM_TESTDB_H
#define GMPSIM_TESTDB_H
#include "testutil.h"
#include "db.h"
#include <sys/wait.h>

/* Sweep: gomaxprocs 1, 2, 4 x numa nodes 1, 2 = 6 points; 3 repetitions
 * (seed 1 + rep); models gmp and threads; one extra failed run at point 0. */
enum { TD_NPOINTS = 6, TD_REPS = 3 };
static const char *const td_models[] = { "gmp", "threads" };

static inline int td_procs(int point) { return 1 << (point % 3); }
static inline int td_nodes(int point) { return 1 + point / 3; }

static inline double td_throughput(int point, int rep, int model)
{
	return 1000.0 * td_procs(point) * (model == 0 ? 1.5 : 1.0) + 37.25 * rep * rep + 3 * td_nodes(point);
}

static inline double td_p99_ns(int point, int rep, int model)
{
	return (10.0 + point + 0.5 * rep + model) * 1e6;
}

static inline void td_params(struct run_result *r, int point, int rep, int model)
{
	char v[32];
	snprintf(v, sizeof v, "%d", td_procs(point));
	res_param(r, "models.gmp.gomaxprocs", v);
	snprintf(v, sizeof v, "%d", td_nodes(point));
	res_param(r, "machine.numa.nodes", v);
	snprintf(v, sizeof v, "%d", 1 + rep);
	res_param(r, "seed", v);
	res_param(r, "model", td_models[model]);
	res_param(r, "machine.cores", "8");
}

static inline void td_fill(struct run_result *r, int point, int rep, int model)
{
	td_params(r, point, rep, model);
	res_metric(r, "throughput", td_throughput(point, rep, model), "1/s");
	res_metric(r, "latency_p50", td_p99_ns(point, rep, model) / 2, "ns");
	res_metric(r, "latency_p99", td_p99_ns(point, rep, model), "ns");
	res_metric(r, "cpu_utilization", 0.1 * (1 + point) + 0.01 * rep, "ratio");
	res_metric(r, "threads_peak", model == 0 ? td_procs(point) + 2 : 100 + rep, "threads");
	/* latency: 1 ms .. 4 ms buckets, model-dependent weights */
	for (int b = 0; b < 4; b++)
		res_bucket(r, "latency", (b + 1) * 1e6, (b + 2) * 1e6, (int64_t)(10 + b * (model + 1)));
	int s = res_series(r, "threads");
	for (int t = 0; t < 3; t++)
		res_sample(r, (sim_ns)t * 100000000, s, model == 0 ? t + 1 : 10 * (t + 1));
	res_set_status(r, "complete", NULL);
}

static inline void td_write(struct db *db, struct run_result *r)
{
	char err[512];
	int64_t id = db_write_run(db, r, err, sizeof err);
	if (id < 0)
		fail_msg("db_write_run: %s", err);
	res_free(r);
}

/* Writes the sweep database to path (replacing it). */
static inline void td_make_sweep(const char *path)
{
	char err[512];
	struct db *db = db_create(path, err, sizeof err);
	if (!db)
		fail_msg("db_create: %s", err);
	for (int p = 0; p < TD_NPOINTS; p++)
		for (int rep = 0; rep < TD_REPS; rep++)
			for (int m = 0; m < 2; m++) {
				struct run_result r;
				res_init(&r, "sweeptest", td_models[m], (uint64_t)(1 + rep));
				r.point_id = p;
				r.rep = rep;
				td_fill(&r, p, rep, m);
				td_write(db, &r);
			}
	struct run_result f;
	res_init(&f, "sweeptest", "gmp", 99);
	f.rep = TD_REPS;
	td_params(&f, 0, TD_REPS, 0);
	res_metric(&f, "throughput", 1e9, "1/s"); /* must not reach any mean */
	res_set_status(&f, "failed", "thread exhaustion");
	td_write(db, &f);
	if (db_close_commit(db, err, sizeof err) != 0)
		fail_msg("db_close_commit: %s", err);
}

/* Runs "gmpsim ARGS" with env (may be "") in front; stdout (and stderr
 * too when merge) into out. Returns the exit status. */
static inline int td_run(const char *env, const char *args, int merge, char *out, size_t outlen)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "%s %s %s %s", env, tu_gmpsim(), args, merge ? "2>&1" : "2>/dev/null");
	return tu_popen(cmd, out, outlen);
}

#endif
