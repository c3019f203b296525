/* sim/study/sweep_plan.h — a sweep as a numbered list of runs: the scenario, its
 * ordinary overrides, the axes (from the command line and the scenario's
 * top-level sweep: section), the models and the repetitions.
 *
 * Numbering (fixed; README "Sweeps"): points are the combinations of the
 * axis values with the first axis varying slowest (mixed radix); then
 *   run_number = (point_id * nmodels + model_index) * reps + rep
 * so the repetition varies fastest, then the model, then the last axis.
 * Run r is a pure function of (scenario, sweep, r): plan_load gives its
 * scenario, loaded with the overrides, the point's axis values and the
 * repetition's seed, in that order.
 *
 * Seeds (common random numbers): repetition r of every point and every
 * model uses plan_seed(base, r): the base seed itself for r = 0, else a
 * SplitMix64 mix of (base, r).
 *
 * Must not run simulations, fork, or touch databases. */
#ifndef GMPSIM_SWEEP_PLAN_H
#define GMPSIM_SWEEP_PLAN_H
#include "scenario.h"
#include "sweep_axis.h"

#define PLAN_MAX_AXES 32
#define PLAN_MAX_SETS 256
#define PLAN_MAX_RUNS 1000000LL    /* runs of one sweep (issue 12 D6: a 1000x1000 sweep) */
#define PLAN_MAX_POINTS 100000LL   /* points: each is loaded and checked up front (~0.1 ms each) */

struct plan_axis {
	char *key;
	struct axis_values values; /* YAML texts */
	char **sets;               /* per value: the override handed to the loader */
	bool from_file;            /* the scenario's sweep: section, else --set */
	int key_line, key_col;     /* from_file: 1-based position of the key */
	int *val_line, *val_col;   /* from_file: per value, the node it came from */
};

struct sweep_plan {
	char *scenario;                 /* the scenario file */
	const char *profile;            /* --profile file or NULL (borrowed: outlives the plan) */
	char *name;                     /* its name (at point 0) */
	int nsets;
	char *sets[PLAN_MAX_SETS];      /* ordinary overrides, in order (owned) */
	int naxes;
	struct plan_axis axes[PLAN_MAX_AXES];
	int nmodels;
	char *models[SC_MAX_MODELS];    /* owned */
	int reps;                       /* >= 1 */
	uint64_t base_seed;
	int64_t npoints, nruns;
	uint64_t fingerprint;           /* see plan_finish */
	bool no_reuse;                  /* --no-reuse: simulate every run (set before plan_finish) */
};

/* One run's coordinates. */
struct plan_run {
	int64_t number, point;
	int model, rep;
	uint64_t seed;
};

void plan_init(struct sweep_plan *p, const char *scenario);
void plan_free(struct sweep_plan *p);

/* Reads the scenario file's top-level sweep: mapping (axes in the order
 * written, and reps:). A missing section is fine. Errors are
 * "file:line:col: ..." (0, or -1 with err). Call before plan_add_set. */
int plan_read_file(struct sweep_plan *p, char *err, size_t errlen);

/* One --set KEY=VALUE. A sweep value (axis_is_sweep) makes an axis, which
 * replaces a file axis of the same key; otherwise it is an ordinary
 * override, which removes such a file axis. allow_axes false rejects
 * sweep values. Errors name the option: "--set KEY=VALUE: ...". */
int plan_add_set(struct sweep_plan *p, const char *text, bool allow_axes, char *err, size_t errlen);
int plan_add_model(struct sweep_plan *p, const char *name, char *err, size_t errlen);

/* Checks every point with the scenario loader (so a bad key or value is
 * reported before anything runs, as "--set KEY=VALUE:line:col: ..." or the
 * sweep: section's file:line:col), fixes the models (the --model ones,
 * else point 0's), the base seed (point 0's), the counts and the
 * fingerprint: a hash of point 0's resolved parameters, every axis with
 * its values, the models, reps and the gmpsim version. Returns 0 or -1. */
int plan_finish(struct sweep_plan *p, char *err, size_t errlen);

uint64_t plan_seed(uint64_t base, int rep);
void plan_run_of(const struct sweep_plan *p, int64_t number, struct plan_run *r);
/* Index into axes[axis].values of the point's value. */
int plan_value_index(const struct sweep_plan *p, int64_t point, int axis);
/* "key=value key=value" of the point ("" without axes) into buf. */
const char *plan_point_text(const struct sweep_plan *p, int64_t point, char *buf, size_t len);

/* Reuse across an axis that cannot affect a model. An axis whose key is
 * "models.Y" or "models.Y.*" configures model Y only (the models read
 * nothing of another model's section: models/onethread/threads.c reads
 * models.threads, pool.c models.pool, gmp models.gmp), so a run of model
 * M != Y at any value of that axis equals the run at the axis's first
 * value, bit for bit. Returns that run's number (the run this one shares
 * its results with), or -1 when the run is its own (or reuse is off). */
int64_t plan_shared_with(const struct sweep_plan *p, int64_t number);
/* The params key that marks a shared run; its value is the run_id
 * (number + 1) whose results it shares. */
#define PLAN_SHARED_KEY "sweep.shared_with_run"

/* Loads run r's scenario (sc_free it). 0, or -1 with err. */
int plan_load(const struct sweep_plan *p, const struct plan_run *r, struct scenario *sc,
	      char *err, size_t errlen);

/* Parses a --run spec of run ids, numbered from 1 as everywhere in gmpsim
 * (run_id = run_number + 1: "3", "1-9", "1,4,7", "1-3,7"), into
 * sel[0..nruns) indexed by run number (1 = selected). Errors name the spec
 * and the valid range. */
int plan_select(const struct sweep_plan *p, const char *spec, unsigned char *sel,
		char *err, size_t errlen);

#endif
