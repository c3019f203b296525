/* models/run.h — one simulated run: a scenario on one model with one seed.
 * Wires the engine, machine, kernel, workload, acceptor and the model
 * together, runs to the scenario's duration, checks the invariants and
 * fills a run_result. Must not write files or print. */
#ifndef GMPSIM_RUN_H
#define GMPSIM_RUN_H
#include "types.h"
#include "engine.h"
#include "machine.h"
#include "kernel.h"
#include "workload.h"
#include "model.h"
#include "scenario.h"
#include "results.h"
#include "heap.h"
#include "memhome.h"

struct acceptor;
struct jgc;
struct colo;

/* Optional run settings that are not part of the scenario. */
struct run_opts {
	sim_ns schedtrace;  /* gmp: GODEBUG=schedtrace-style lines every so often; 0 = off */
	void (*line)(void *ctx, const char *line);  /* where those lines go */
	void *line_ctx;
	bool trace;          /* record a timeline (sim/core/trace.h) into the result */
	int64_t trace_limit; /* its record limit; 0: TRC_DEFAULT_LIMIT */
};

/* The counters at the opening of the measured window (the warm-up's end):
 * the CPU and thread metrics are the differences from them. */
struct run_window {
	sim_ns acct[CAT_COUNT];      /* CPU time per category, summed over the cores */
	sim_ns foreign[CAT_COUNT];   /* the part of it spent on the co-located load's threads */
	sim_ns cause[CZ_COUNT];      /* the service's CPU per cause (breakdown.h) */
	struct kern_stats st;
	struct kern_stats other;     /* the co-located load's threads */
	double mem_access, mem_remote; /* the kernel's memory-access sums */
};

struct run {
	struct sim sim;
	const struct scenario *sc;
	uint64_t seed;
	struct machine mach;
	struct mpol mpol;            /* the service's memory policy (numactl:) */
	struct kern kern;
	struct wl wl;
	const struct model_ops *model;
	void *mstate;
	struct acceptor *acc;
	struct jgc *jgc;             /* the 1:1 models' JVM collector, or NULL */
	struct colo *colo;           /* the co-located load's executor (colocated.h), or NULL */
	struct heap_stats heap;      /* GC pauses and heap peak, whichever model */
	struct mh_arena arena;       /* first-touch homes of Go's heap pages or the JVM's eden */
	struct run_result *res;
	struct eq_event warmup_ev, sample_ev;
	struct run_window window;
	int series[8];
	struct run_opts opts;
	bool failed;
	char error[512];
};

/* Simulates sc on the named model and fills out (res_init'ed by the
 * callee; res_free it). Returns 0 when the run completed; 1 when the
 * simulation failed (out->status "failed", the reason in err and
 * out->error); 2 for an unknown model or a scenario the model cannot run. */
int run_model(const struct scenario *sc, const char *model, struct run_result *out,
	      char *err, size_t errlen);
/* The same with options (opts may be NULL). */
int run_model_opts(const struct scenario *sc, const char *model, const struct run_opts *opts,
		   struct run_result *out, char *err, size_t errlen);

/* Ends the run early as failed (e.g. an exhausted resource that the real
 * system would crash on). */
void run_fail(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
