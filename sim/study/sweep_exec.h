/* sim/study/sweep_exec.h — runs a list of a sweep's runs in N worker processes
 * (fork) and hands the results back, in run-number order, to a writer in
 * the parent. Ctrl-C (SIGINT, SIGTERM, SIGHUP): no new run starts, the
 * workers are stopped, results already finished are still handed over,
 * and each run that was in progress is handed over as status
 * 'interrupted'. A worker that dies mid-run yields a 'failed' run ("worker
 * process died ...") and is replaced.
 *
 * Must not write databases (the writer does) or print anything but the
 * progress bar. */
#ifndef GMPSIM_SWEEP_EXEC_H
#define GMPSIM_SWEEP_EXEC_H
#include "results.h"
#include "sweep_plan.h"

struct exec_job {
	const struct sweep_plan *plan;
	const int64_t *runs;  /* run numbers to do, ascending */
	int64_t nruns;
	int workers;          /* >= 1 */
	bool progress;        /* a progress bar on stderr (the caller checks isatty) */
	/* Takes each result in run-number order; returns 0, or -1 with err,
	 * which stops the sweep. The result is freed after the call. */
	int (*write)(void *ctx, struct run_result *r, char *err, size_t errlen);
	void *ctx;
	/* A descriptor each worker closes at once (the output's lock, see
	 * db_lock_fd), or -1. */
	int close_in_workers;
};

struct exec_stats {
	int64_t complete, failed, interrupted, not_started;
};

/* Installs the interrupt handlers (a flag; a second signal removes
 * temp_path, if not NULL, and exits 130 at once). Call before creating
 * anything that an interruption must not leave half done. */
void exec_catch_signals(const char *temp_path);
bool exec_interrupted(void);

/* Runs the job. Returns 0 when every run was handed over, 1 when
 * interrupted, -1 when the writer failed or workers could not be started
 * (err says why). *st counts what was handed over. */
int exec_run(const struct exec_job *job, struct exec_stats *st, char *err, size_t errlen);

/* The result handed over for a run that did not finish: the run's
 * identity and parameters with the given status and error. */
void exec_stub_result(const struct sweep_plan *p, int64_t number, const char *status,
		      const char *error, struct run_result *out);

/* Adds the PLAN_SHARED_KEY param to a run that shares its results with
 * another (plan_shared_with), whether it was simulated or copied, so the
 * database is the same either way. */
void plan_mark_shared(const struct sweep_plan *p, int64_t number, struct run_result *res);

/* The result of run number copied from the run it shares with (from):
 * number's own identity and parameters (and the marker), from's seed,
 * status, metrics, histograms and time series. wall_s is 0. */
void exec_copy_shared(const struct sweep_plan *p, int64_t number, const struct run_result *from,
		      struct run_result *out);

#endif
