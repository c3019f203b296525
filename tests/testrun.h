/* tests/testrun.h — run a scenario given as a YAML string on one model and
 * return its result, failing the test on a load or run error. For the
 * model-level suites; must not assert anything about the result itself. */
#ifndef GMPSIM_TESTRUN_H
#define GMPSIM_TESTRUN_H
#include "testutil.h"
#include "scenario.h"
#include "run.h"

/* Runs a loaded scenario on model; the run must succeed. */
static inline struct run_result tr_run_loaded(struct scenario *sc, const char *model)
{
	struct run_result res;
	char err[512];
	int rc = run_model(sc, model, &res, err, sizeof err);
	if (rc)
		fprintf(stderr, "%s: %s\n", sc->path ? sc->path : sc->name, err);
	assert_int_equal(rc, 0);
	sc_free(sc);
	return res;
}

/* Loads the scenario file (with the optional overrides) and runs it. */
static inline struct run_result tr_run_file(const char *path, const char *model,
					    const char *const *sets, int nsets)
{
	struct scenario sc;
	char err[512];
	if (sc_load(path, sets, nsets, &sc, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		fail();
	}
	return tr_run_loaded(&sc, model);
}

/* Loads yaml (with the optional overrides) and runs it on model. */
static inline struct run_result tr_run(const char *yaml, const char *model,
				       const char *const *sets, int nsets)
{
	struct scenario sc;
	char err[512];
	if (sc_load_string("test.yaml", yaml, sets, nsets, &sc, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		fail();
	}
	return tr_run_loaded(&sc, model);
}

static inline double tr_metric(const struct run_result *r, const char *name)
{
	return res_get_metric(r, name);
}

#endif
