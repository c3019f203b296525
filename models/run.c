/* models/run.c — one run end to end (see run.h): build the layers, simulate
 * to the scenario's duration, check the invariants, compute the metrics.
 * Must not print, write files or read the wall clock. */
#include "run.h"
#include "acceptor.h"
#include "colocated.h"
#include "budget.h"
#include "runlimits.h"
#include "breakdown.h"
#include "summary.h"
#include "trace.h"
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void run_fail(struct run *r, const char *fmt, ...)
{
	if (r->failed)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->error, sizeof r->error, fmt, ap);
	va_end(ap);
	r->failed = true;
	r->sim.stop = true;
}

/* ---- measurement window and sampling ------------------------------------- */

/* CPU time per category summed over the cores, and the part of it the
 * co-located load's (foreign) threads had. */
static void sum_acct(struct kern *k, sim_ns acct[CAT_COUNT], sim_ns foreign[CAT_COUNT])
{
	kern_account(k);
	memset(acct, 0, sizeof(sim_ns) * CAT_COUNT);
	memset(foreign, 0, sizeof(sim_ns) * CAT_COUNT);
	for (int c = 0; c < CAT_COUNT; c++)
		acct[c] += k->acct[c];
	memcpy(foreign, k->foreign_acct, sizeof(sim_ns) * CAT_COUNT);
}

static void open_window(struct run *r)
{
	struct run_window *w = &r->window;
	sum_acct(&r->kern, w->acct, w->foreign);
	bd_cause_now(&r->kern, w->cause);
	kern_reset_peaks(&r->kern);
	w->st = r->kern.st;
	w->other = r->kern.other;
	w->mem_access = r->kern.mem_access;
	w->mem_remote = r->kern.mem_remote;
	wl_reset_window(&r->wl);
}

static void warmup_fire(struct sim *sim, struct eq_event *ev)
{
	(void)ev;
	open_window(sim->ctx);
}

enum { S_THREADS, S_RUNNABLE, S_BUSY, S_TASKS, S_BACKLOG, S_HEAP, S_COUNT };
static const char *const series_names[S_COUNT] = {
	"threads", "runnable_threads", "busy_cores", "live_tasks", "accept_backlog", "heap",
};

static void sample_fire(struct sim *sim, struct eq_event *ev)
{
	struct run *r = sim->ctx;
	struct run_result *res = r->res;
	sim_ns t = sim->now;
	res_sample(res, t, r->series[S_THREADS], (double)r->kern.st.live);
	res_sample(res, t, r->series[S_RUNNABLE], (double)kern_runnable(&r->kern));
	res_sample(res, t, r->series[S_BUSY], (double)kern_busy_cores(&r->kern));
	res_sample(res, t, r->series[S_TASKS], (double)r->wl.st.live);
	if (r->acc)
		res_sample(res, t, r->series[S_BACKLOG], (double)acc_backlog(r->acc));
	if (r->heap.sampled)
		res_sample(res, t, r->series[S_HEAP], (double)r->heap.now);
	if (r->model->sample)
		r->model->sample(r, res, t);
	sim_after(sim, ev, r->sc->output.sample);
}

/* ---- metrics ------------------------------------------------------------------ */

/* The latencies in log-linear buckets (stats.h: at most 0.1% wide); only
 * non-empty buckets are kept. */
static void latency_histogram(struct run_result *res, const struct summary *d)
{
	sim_ns lo, hi;
	int64_t count;
	for (int i = 0; summary_next_bucket(d, &i, &lo, &hi, &count);)
		res_bucket(res, "latency", (double)lo, (double)hi, count);
}

/* The latency figures of st's arrivals, named prefix + "latency_..."; the
 * histogram only for the service's (no prefix). */
static void latency_metrics(struct run_result *res, struct wl_stats *st, const char *prefix)
{
	char name[64];
#define LAT_METRIC(suffix, v, unit) \
	(snprintf(name, sizeof name, "%slatency_%s", prefix, suffix), res_metric(res, name, (v), unit))
	int64_t n = st->nlat;
	LAT_METRIC("samples", (double)n, "count");
	if (n == 0)
		return;
	static const double qs[] = { 0.50, 0.90, 0.99, 0.999 };
	struct summary d;
	summary_of(&d, st->lat, n, qs, 4);
	LAT_METRIC("mean", d.mean, "ns");
	LAT_METRIC("p50", d.q[0], "ns");
	LAT_METRIC("p90", d.q[1], "ns");
	LAT_METRIC("p99", d.q[2], "ns");
	LAT_METRIC("p999", d.q[3], "ns");
	LAT_METRIC("max", (double)d.max, "ns");
#undef LAT_METRIC
	if (!*prefix)
		latency_histogram(res, &d);
	summary_free(&d);
}

/* The service's CPU per category and its busy share; the co-located
 * load's CPU (every category, its switches included) is left out of them
 * and reported as colocated_cpu, so that cpu_* + colocated_cpu + cpu_idle
 * = cores x window exactly. */
static void cpu_metrics(struct run *r, struct run_result *res, double window_s)
{
	struct run_window *w = &r->window;
	sim_ns acct[CAT_COUNT], foreign[CAT_COUNT];
	sum_acct(&r->kern, acct, foreign);
	static const char *const names[CAT_COUNT] = {
		"cpu_task", "cpu_runtime", "cpu_kernel", "cpu_spin", "cpu_gc", "cpu_idle",
	};
	sim_ns busy = 0, colo = 0;
	for (int c = 0; c < CAT_COUNT; c++) {
		sim_ns f = foreign[c] - w->foreign[c];
		sim_ns d = acct[c] - w->acct[c] - f;
		res_metric(res, names[c], (double)d / 1e9, "s");
		if (c != CAT_IDLE)
			busy += d;
		colo += f;
	}
	res_metric(res, "cpu_utilization", (double)busy / 1e9 / (window_s * r->kern.ncores), "ratio");
	if (!wl_has_colocated(r->sc))
		return;
	res_metric(res, "colocated_cpu", (double)colo / 1e9, "s");
	res_metric(res, "colocated_cpu_task", (double)(foreign[CAT_TASK] - w->foreign[CAT_TASK]) / 1e9, "s");
	res_metric(res, "colocated_cpu_utilization", (double)colo / 1e9 / (window_s * r->kern.ncores), "ratio");
}

/* The co-located load's own figures (its tasks never count in the
 * service's). */
static void colocated_metrics(struct run *r, struct run_result *res, double window_s)
{
	if (!wl_has_colocated(r->sc))
		return;
	struct wl_stats *st = &r->wl.colo;
	const struct kern_stats *ks = &r->kern.other, *w0 = &r->window.other;
	res_metric(res, "colocated_completed", (double)st->top_completed, "count");
	res_metric(res, "colocated_failed", (double)st->top_failed, "count");
	res_metric(res, "colocated_throughput", (double)st->top_completed / window_s, "1/s");
	res_metric(res, "colocated_live_end", (double)st->live, "count");
	res_metric(res, "colocated_threads_created", (double)(ks->created - w0->created), "count");
	res_metric(res, "colocated_threads_peak", (double)ks->peak_live, "threads");
	latency_metrics(res, st, "colocated_");
}

/* The share of the service's memory accesses (cpu ops' mem: work) that
 * went to another node than the running core's; none without any. */
static void memory_metrics(struct run *r, struct run_result *res)
{
	double access = r->kern.mem_access - r->window.mem_access;
	if (access > 0)
		res_metric(res, "remote_access_share", (r->kern.mem_remote - r->window.mem_remote) / access, "ratio");
}

static void thread_metrics(struct run *r, struct run_result *res, double window_s)
{
	const struct kern_stats *st = &r->kern.st, *w0 = &r->window.st;
	res_metric(res, "context_switches", (double)(st->switches - w0->switches), "count");
	res_metric(res, "involuntary_switches", (double)(st->involuntary - w0->involuntary), "count");
	res_metric(res, "migrations", (double)(st->migrations - w0->migrations), "count");
	res_metric(res, "migrations_remote", (double)(st->migrations_remote - w0->migrations_remote), "count");
	memory_metrics(r, res);
	res_metric(res, "wakeups", (double)(st->wakeups - w0->wakeups), "count");
	res_metric(res, "threads_created", (double)(st->created - w0->created), "count");
	res_metric(res, "thread_create_failures", (double)(st->create_failures - w0->create_failures), "count");
	res_metric(res, "threads_peak", (double)st->peak_live, "threads");
	res_metric(res, "threads_mean", st->live_area / (window_s * 1e9), "threads");
	res_metric(res, "threads_end", (double)st->live, "threads");
	res_metric(res, "stack_reserved_peak", (double)st->peak_reserved, "B");
	res_metric(res, "stack_committed_peak", (double)st->peak_committed, "B");
}

static void task_metrics(struct run *r, struct run_result *res, double window_s)
{
	const struct wl_stats *st = &r->wl.st;
	res_metric(res, "tasks_completed", (double)st->top_completed, "count");
	res_metric(res, "tasks_failed", (double)st->top_failed, "count");
	res_metric(res, "tasks_arrived", (double)st->top_arrived, "count");
	res_metric(res, "throughput", (double)st->top_completed / window_s, "1/s");
	res_metric(res, "children_completed", (double)st->child_completed, "count");
	res_metric(res, "children_failed", (double)st->child_failed, "count");
	res_metric(res, "tasks_live_end", (double)st->live, "count");
	res_metric(res, "tasks_live_peak", (double)r->wl.peak_live, "count");
	res_metric(res, "chan_blocked_end", (double)wl_chan_parked(&r->wl), "count");
	res_metric(res, "stack_overflows", (double)st->stack_overflows, "count");
	int64_t acq = 0, cont = 0, hand = 0;
	for (int i = 0; i < r->sc->nmutexes; i++) {
		acq += r->wl.mutexes[i].acquisitions;
		cont += r->wl.mutexes[i].contended;
		hand += r->wl.mutexes[i].handoffs;
	}
	if (r->sc->nmutexes) {
		res_metric(res, "mutex_acquisitions", (double)acq, "count");
		res_metric(res, "mutex_waits", (double)cont, "count");
		res_metric(res, "mutex_handoffs", (double)hand, "count");
	}
}

static void write_metrics(struct run *r)
{
	double window_s = (double)(r->sim.now - r->sc->warmup) / 1e9;
	if (window_s <= 0)
		window_s = 1e-9;
	task_metrics(r, r->res, window_s);
	latency_metrics(r->res, &r->wl.st, "");
	cpu_metrics(r, r->res, window_s);
	colocated_metrics(r, r->res, window_s);
	heap_metrics(r, r->res, window_s);
	thread_metrics(r, r->res, window_s);
	bd_metrics(r, r->res);
	if (r->model->metrics)
		r->model->metrics(r, r->res);
}

/* ---- invariants -------------------------------------------------------------- */

static void check_invariants(struct run *r)
{
	char msg[256];
	if (kern_check(&r->kern, msg, sizeof msg) != 0) {
		run_fail(r, "%s", msg);
		return;
	}
	const struct wl_stats *sts[] = { &r->wl.st, &r->wl.colo };
	for (int i = 0; i < 2; i++) {
		const struct wl_stats *st = sts[i];
		if (st->created != st->completed + st->failed + st->live)
			run_fail(r, "workload invariant: %lld %stasks created but %lld finished + %lld failed + %lld live",
				 (long long)st->created, i ? "co-located " : "", (long long)st->completed,
				 (long long)st->failed, (long long)st->live);
	}
}

/* ---- the run ---------------------------------------------------------------------- */

/* An open-loop arrival reaches the server's accept loop: the shared
 * kernel-thread acceptor, or the model's own (Go's accepting goroutine). */
static void admit(struct run *r, struct task *t)
{
	if (r->acc)
		acc_put(r->acc, t);
	else
		r->model->accept(r, t);
}

static int build(struct run *r, char *err, size_t errlen)
{
	const struct scenario *sc = r->sc;
	if (mach_init(&r->mach, &sc->machine) != 0 ||
	    kern_init(&r->kern, &r->sim, &sc->kernel, &r->mach, r) != 0) {
		snprintf(err, errlen, "out of memory building the machine");
		return 2;
	}
	mpol_init(&r->mpol, &r->mach, &sc->numactl);
	kern_bind(&r->kern, sc->numactl.cpus, &r->mpol);
	if (wl_init(&r->wl, r, err, errlen) != 0)
		return 2;
	if (r->model->init(r, err, errlen) != 0)
		return 2;
	if (wl_uses_acceptor(sc) && !r->model->accept) {
		r->acc = acc_create(r);
		if (!r->acc) {
			snprintf(err, errlen, "cannot create the acceptor thread (kernel.max_threads %lld)",
				 (long long)sc->kernel.max_threads);
			return 2;
		}
	}
	if (r->acc || (sc->acceptor.enabled && r->model->accept))
		r->wl.admit = admit;
	if (wl_has_colocated(sc)) {
		if (co_init(r, err, errlen) != 0)
			return 2;
		r->wl.colocated = co_start;
	}
	return 0;
}

/* Does any program allocate (an alloc op), or is there a live heap? */
static bool uses_heap(const struct scenario *sc)
{
	for (int p = 0; p < sc->nprograms; p++)
		for (int i = 0; i < sc->programs[p].nops; i++)
			if (sc->programs[p].ops[i].kind == OP_ALLOC)
				return true;
	return sc->gc.live_heap > 0;
}

static void arm(struct run *r)
{
	const struct scenario *sc = r->sc;
	r->heap.sampled = uses_heap(sc);
	for (int i = 0; i < S_COUNT; i++)
		r->series[i] = res_series(r->res, series_names[i]);
	eq_event_init(&r->warmup_ev, warmup_fire);
	eq_event_init(&r->sample_ev, sample_fire);
	if (sc->warmup > 0)
		sim_at(&r->sim, &r->warmup_ev, sc->warmup);
	else
		open_window(r);
	if (sc->output.sample > 0)
		sim_at(&r->sim, &r->sample_ev, 0);
	wl_start(&r->wl);
}

static void teardown(struct run *r)
{
	if (r->model && r->model->fini)
		r->model->fini(r);  /* the model's own teardown (its state, a JVM collector) */
	if (r->acc)
		acc_destroy(r->acc);
	co_free(r);
	wl_free(&r->wl);
	heap_free(&r->heap);
	kern_free(&r->kern);
	mach_free(&r->mach);
	mh_arena_free(&r->arena);
	sim_free(&r->sim);
	free(r);
}

/* --trace: the run records its timeline (sim/core/trace.h) from time 0. */
static int start_trace(struct run *r, char *err, size_t errlen)
{
	if (!r->opts.trace)
		return 0;
	r->sim.trace = trc_new(r->opts.trace_limit);
	if (!r->sim.trace) {
		snprintf(err, errlen, "out of memory (trace)");
		return 2;
	}
	return 0;
}

/* Closes the timeline's open spans at the end and hands it to the result
 * (after write_metrics, whose CPU accounting adds the last core spans). */
static void end_trace(struct run *r, struct run_result *out)
{
	if (!r->sim.trace)
		return;
	trc_finish(r->sim.trace, r->sim.now);
	out->trace = r->sim.trace;
	r->sim.trace = NULL;
}

static void record_params(const struct scenario *sc, struct run_result *res, const char *model)
{
	for (int i = 0; i < sc->nparams; i++)
		res_param(res, sc->params[i].key, sc->params[i].value);
	res_param(res, "model", model);
}

/* The run's memory account ran out (budget.h): the run fails with the
 * reason; its state, half-updated where the allocation failed, is leaked
 * rather than torn down. */
static int run_out_of_memory(struct run *r, struct bud *outer, char *err, size_t errlen)
{
	const char *what = bud_cur->what;
	char msg[sizeof r->error];
	lim_oom_message(r->sc, what, r->sim.now, msg, sizeof msg);
	bud_cur = outer;
	snprintf(err, errlen, "%s", msg);
	r->res->sim_ns_run = r->sim.now;
	r->res->events = r->sim.events;
	res_set_status(r->res, "failed", msg);
	return 1;
}

int run_model(const struct scenario *sc, const char *model, struct run_result *out,
	      char *err, size_t errlen)
{
	return run_model_opts(sc, model, NULL, out, err, errlen);
}

int run_model_opts(const struct scenario *sc, const char *model, const struct run_opts *opts,
		   struct run_result *out, char *err, size_t errlen)
{
	res_init(out, sc->name, model, sc->seed);
	const struct model_ops *ops = model_find(model);
	if (!ops) {
		snprintf(err, errlen, "unknown model '%s'", model);
		res_set_status(out, "failed", err);
		return 2;
	}
	record_params(sc, out, model);
	struct run *r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return 2;
	}
	r->sc = sc;
	r->seed = sc->seed;
	if (opts)
		r->opts = *opts;
	r->model = ops;
	r->res = out;
	sim_init(&r->sim, r);
	r->sim.event_limit = (uint64_t)sc->limits.events;
	r->sim.stuck_limit = (uint64_t)sc->limits.stuck_events;
	if (lim_check(sc, err, errlen)) {  /* cannot fit: fail before simulating */
		res_set_status(out, "failed", err);
		teardown(r);
		return 1;
	}
	jmp_buf escape;
	struct bud bud = { .mem_limit = sc->limits.memory, .escape = &escape };
	struct bud *outer = bud_cur;
	bud_cur = &bud;
	if (setjmp(escape))
		return run_out_of_memory(r, outer, err, errlen);
	int rc = start_trace(r, err, errlen);
	if (rc == 0)
		rc = build(r, err, errlen);
	if (rc == 0) {
		arm(r);
		sim_run_until(&r->sim, sc->duration);
		if (r->sim.halt != SIM_RUNNING) {
			char msg[sizeof r->error];
			lim_halt_message(sc, r->sim.halt, r->sim.now, r->sim.events, msg, sizeof msg);
			run_fail(r, "%s", msg);
		}
		if (!r->failed)
			check_invariants(r);
		out->sim_ns_run = r->sim.now;
		out->events = r->sim.events;
		write_metrics(r);
		end_trace(r, out);
		if (r->failed) {
			snprintf(err, errlen, "%s", r->error);
			res_set_status(out, "failed", r->error);
			rc = 1;
		} else {
			res_set_status(out, "complete", NULL);
		}
	} else {
		res_set_status(out, "failed", err);
	}
	bud_cur = outer;
	trc_free(r->sim.trace);  /* NULL unless handed to out */
	teardown(r);
	return rc;
}
