/* models/gmp/gmp_model.c — the gmp model's entry points (model_ops): building
 * GOMAXPROCS Ps, m0 and sysmon at time 0, starting external goroutines,
 * the accepting goroutine, async preemption's signal, the metrics and the
 * GODEBUG=schedtrace view. Must not make scheduling decisions: gmp.c does. */
#include "bigarr.h"
#include "gmp_sched.h"
#include "run.h"
#include "rng.h"
#include "summary.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy_cfg(struct gmp *s, const struct scenario *sc)
{
	const struct gmp_model_cfg *c = &sc->gmp;
	s->cfg = (struct gmp_cfg){
		/* os_linux.go:getproccount — ncpu counts the affinity mask's CPUs
		 * (sched_getaffinity), so numactl's binding sets the default */
		.gomaxprocs = c->gomaxprocs ? (int)c->gomaxprocs : sc->numactl.ncpus,
		.newproc = c->newproc, .gogo = c->gogo, .runqput = c->runqput, .steal = c->steal,
		.netpoll = c->netpoll, .signal = c->signal, .schedule = c->schedule,
		.sysmon_cycle = c->sysmon_cycle, .runnext_backoff = c->runnext_backoff,
		.newm = c->newm, .mstart = c->mstart,
		.cgocall = c->cgocall, .chan = c->chan, .procyield = c->procyield,
		.stack_copy = c->stack_copy, .maxstack = c->maxstack,
		.stack = c->stack, .mstack = c->mstack, .maxmcount = c->maxmcount,
	};
}

/* The accepting goroutines, one per listening socket, start runnable on
 * the global queue. */
static int start_acceptor(struct gmp *s)
{
	int n = run_of(s)->sc->acceptor.listeners;
	s->accept_gs = calloc((size_t)n, sizeof *s->accept_gs);
	s->listeners = calloc((size_t)n, sizeof *s->listeners);
	if (!s->accept_gs || !s->listeners)
		return -1;
	s->nlisteners = n;
	for (int i = 0; i < n; i++) {
		struct task *g = &s->accept_gs[i];
		g->gstate = G_RUNNABLE;
		g->timer_pos = -1;
		g->home_node = -1;
		g->cls = -1;
		gmp_globrunqput(s, g);
	}
	return 0;
}

static void schedtrace_fire(struct sim *sim, struct eq_event *ev);

static int gmp_init(struct run *r, char *err, size_t errlen)
{
	struct gmp *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	r->mstate = s;
	s->run = r;
	copy_cfg(s, r->sc);
	s->nprocs = s->cfg.gomaxprocs;
	s->allp = aligned_alloc(_Alignof(struct gmp_p), (size_t)s->nprocs * sizeof *s->allp);
	s->rng = rng_stream(r->seed, "gmp.steal");
	if (!s->allp || !s->rng || gmp_pidx_init(&s->pidx, s->nprocs) != 0)
		return -1;
	for (int i = 0; i < s->nprocs; i++)
		s->allp[i] = (struct gmp_p){ .id = i, .status = P_IDLE, .idx = &s->pidx };
	gmp_init_coprimes(s);
	gmp_gc_init(s);
	for (int i = s->nprocs - 1; i >= 1; i--)
		gmp_pidleput(s, &s->allp[i]);
	s->lastpoll = 1;  /* nobody is blocked in netpoll */
	s->starved_since = -1;
	eq_event_init(&s->netpoll_ev, gmp_netpoll_timeout_fire);
	struct gmp_m *m0 = gmp_newm(s, NULL, M_PARKED);
	if (!m0 || gmp_sysmon_start(s) != 0) {
		snprintf(err, errlen, "gmp: %s", r->error[0] ? r->error : "cannot create m0 and sysmon");
		return -1;
	}
	m0->nextp = &s->allp[0];
	m0->unstarted = false;  /* the process's main thread: rt0_go, no clone */
	if (wl_uses_acceptor(r->sc) && start_acceptor(s) != 0)
		return -1;
	s->schedtrace = r->opts.schedtrace;
	eq_event_init(&s->schedtrace_ev, schedtrace_fire);
	if (s->schedtrace > 0)
		sim_after(&r->sim, &s->schedtrace_ev, s->schedtrace);
	return 0;
}

static void gmp_fini(struct run *r)
{
	struct gmp *s = gmp_of(r);
	if (!s)
		return;
	for (int i = 0; i < s->nm; i++)
		free(s->allm[i]);
	free(s->allm);
	for (int i = 0; s->allp && i < s->nprocs; i++)
		free(s->allp[i].timers);
	free(s->allp);
	free(s->tr_dirty);
	free(s->coprimes);
	gmp_pidx_free(&s->pidx);
	for (int i = 0; s->accept_gs && i < s->nlisteners; i++)
		free(s->accept_gs[i].tb);  /* not the workload's tasks: their breakdowns are ours to free */
	if (s->gen_g)
		free(s->gen_g->tb);
	free(s->accept_gs);
	free(s->listeners);
	free(s->gen_g);
	BIG_FREE(s->schedlat, s->capschedlat);
	free(s->gfree_home);
	if (s->rng)
		gsl_rng_free(s->rng);
	free(s);
	r->mstate = NULL;
}

static sim_ns gmp_start_cost(struct run *r, enum cpu_cat *cat)
{
	*cat = CAT_RUNTIME;
	return r->sc->gmp.newproc;
}

/* A G started from outside the runtime (a batch at time t, a closed-loop
 * client's request): runnable on the global queue, an idle P started. */
static sim_ns gmp_start(struct run *r, struct task *t, struct kthread *starter)
{
	(void)starter;
	struct gmp *s = gmp_of(r);
	enum arrival_kind kind = r->sc->classes[t->cls].arrival.kind;
	if (kind == ARR_POISSON || kind == ARR_CONSTANT) {
		if (!s->gen_g) {  /* the generator starts with the first arrival */
			struct task *g = calloc(1, sizeof *g);
			if (!g)
				return 0;
			g->gstate = G_RUNNABLE;
			g->timer_pos = -1;
			g->home_node = -1;
			g->cls = -1;
			g->t_ready = r->sim.now;
			s->gen_g = g;
			tq_push(&s->genq, t);
			gmp_globrunqput(s, g);
			if (s->npidle > 0)
				gmp_startm(s, NULL, false, NULL);
			gmp_watch_starvation(s);
			return 0;
		}
		gmp_gen_arrival(s, t);
		gmp_watch_starvation(s);
		return 0;
	}
	t->timer_pos = -1;
	t->t_ready = r->sim.now;
	gmp_gstatus(s, t, G_IDLE, G_RUNNABLE, t->t_ready);
	gmp_stack_new(s, t);
	gmp_globrunqput(s, t);
	if (s->npidle > 0)
		gmp_startm(s, NULL, false, NULL);
	gmp_watch_starvation(s);
	return 0;
}

static void gmp_accept(struct run *r, struct task *t)
{
	gmp_accept_arrival(gmp_of(r), t);
}

/* A parent waiting for its children: readied by the M whose G exited. */
static void gmp_resume(struct run *r, struct task *t, int core)
{
	(void)core;
	struct gmp *s = gmp_of(r);
	gmp_ready(s, t, s->current);
}

/* preempt.go:preemptM → the signal handler's asyncPreempt: the G's CPU
 * burst stops where it is; the M then runs gopreempt_m. */
void gmp_preempt_m(struct gmp *s, struct gmp_m *m)
{
	struct task *g = m->curg;
	if (m->phase == M_RUN_G && g && g->phase == GP_ASSIST && m->kt->burst_cat == CAT_GC) {
		sim_ns left = kern_preempt_burst(&s->run->kern, m->kt);  /* gcDrainN stops */
		if (left >= 0)
			gmp_gc_assist_end(s, m, g, left > 0 ? left : 1);
		return;
	}
	if (m->phase != M_RUN_G || !g || g->phase != GP_CPU || m->kt->burst_cat != CAT_TASK)
		return;
	sim_ns left = kern_preempt_burst(&s->run->kern, m->kt);
	if (left < 0)
		return;
	g->arg = left;
	g->phase = GP_CPU_PARTIAL;
}

/* ---- metrics and the schedtrace view ------------------------------------- */

/* The scheduler latency profile (runnable → running), as go tool trace. */
static void schedlat_metrics(struct gmp *s, struct run_result *res)
{
	int64_t n = s->nschedlat;
	res_metric(res, "sched_latency_samples", (double)n, "count");
	if (n == 0)
		return;
	static const double qs[] = { 0.50, 0.99 };
	struct summary d;
	summary_of(&d, s->schedlat, n, qs, 2);
	res_metric(res, "sched_latency_mean", d.mean, "ns");
	res_metric(res, "sched_latency_p50", d.q[0], "ns");
	res_metric(res, "sched_latency_p99", d.q[1], "ns");
	res_metric(res, "sched_latency_max", (double)d.max, "ns");
	sim_ns lo, hi;
	int64_t count;
	for (int i = 0; summary_next_bucket(&d, &i, &lo, &hi, &count);)
		res_bucket(res, "sched_latency", (double)lo, (double)hi, count);
	summary_free(&d);
}

static void gmp_metrics(struct run *r, struct run_result *res)
{
	struct gmp *s = gmp_of(r);
	gmp_gc_metrics(s, res);
	const struct gmp_stats *st = &s->st;
	res_metric(res, "gomaxprocs", s->nprocs, "Ps");
	res_metric(res, "steal_attempts", (double)st->steal_attempts, "count");
	res_metric(res, "steals", (double)st->steals, "count");
	res_metric(res, "stolen_gs", (double)st->stolen_gs, "count");
	res_metric(res, "handoffs", (double)st->handoffs, "count");
	res_metric(res, "syscall_retakes", (double)st->syscall_retakes, "count");
	res_metric(res, "preemptions", (double)st->preemptions, "count");
	res_metric(res, "netpoll_calls", (double)st->netpoll_calls, "count");
	res_metric(res, "netpoll_blocking", (double)st->netpoll_blocking, "count");
	res_metric(res, "timers_run", (double)st->timers_run, "count");
	res_metric(res, "spinning_rounds", (double)st->spinning_rounds, "count");
	res_metric(res, "ms_created", (double)st->ms_created, "threads");
	res_metric(res, "ms_peak", (double)st->peak_ms, "threads");
	res_metric(res, "runqputslow", (double)st->runqputslow, "count");
	res_metric(res, "lockedm_handoffs", (double)st->lockedm_handoffs, "count");
	res_metric(res, "goyields", (double)st->goyields, "count");
	res_metric(res, "sysmon_cycles", (double)st->sysmon_cycles, "count");
	res_metric(res, "sysmon_cycles_10ms", (double)st->sysmon_cycles_10ms, "count");
	res_metric(res, "sysmon_sysretakes", (double)st->sysmon_sysretakes, "count");
	res_metric(res, "ms_exited", (double)st->ms_exited, "threads");
	if (st->preemptions) {
		res_metric(res, "preempt_slice_min", (double)st->slice_min, "ns");
		res_metric(res, "preempt_slice_max", (double)st->slice_max, "ns");
	}
	double gstacks = (double)s->gstack_peak;
	res_metric(res, "goroutine_stack_peak", gstacks, "B");
	/* Go's stacks are heap memory, committed as used: M stacks + G stacks */
	res_metric(res, "stack_reserved_peak", (double)r->kern.st.peak_reserved + gstacks, "B");
	res_metric(res, "stack_committed_peak", (double)r->kern.st.peak_committed + gstacks, "B");
	gmp_watch_starvation(s);
	res_metric(res, "idle_p_with_work_max", (double)s->starved_max, "ns");
	schedlat_metrics(s, res);
}

static int64_t local_runq_total(const struct gmp *s)
{
	int64_t n = 0;
	for (int i = 0; i < s->nprocs; i++)
		n += gmp_runqlen(&s->allp[i]) + (s->allp[i].runnext ? 1 : 0);
	return n;
}

static void gmp_sample(struct run *r, struct run_result *res, sim_ns t)
{
	struct gmp *s = gmp_of(r);
	res_sample(res, t, res_series(res, "idleprocs"), s->npidle);
	res_sample(res, t, res_series(res, "spinningthreads"), s->nmspinning);
	res_sample(res, t, res_series(res, "idlethreads"), s->nmidle);
	res_sample(res, t, res_series(res, "global_runq"), (double)s->runq.len);
	res_sample(res, t, res_series(res, "local_runq"), (double)local_runq_total(s));
}

/* proc.go:schedtrace (non-detailed): the exact Go 1.19 line. */
static void schedtrace_fire(struct sim *sim, struct eq_event *ev)
{
	struct run *r = sim->ctx;
	struct gmp *s = gmp_of(r);
	char line[4096];
	int n = snprintf(line, sizeof line,
			 "SCHED %lldms: gomaxprocs=%d idleprocs=%d threads=%d spinningthreads=%d "
			 "idlethreads=%d runqueue=%lld",
			 (long long)(sim->now / SIM_NS_PER_MS), s->nprocs, s->npidle, s->nm - (int)s->st.ms_exited,
			 s->nmspinning, s->nmidle, (long long)s->runq.len);
	for (int i = 0; i < s->nprocs && n < (int)sizeof line - 16; i++)
		n += snprintf(line + n, sizeof line - (size_t)n, "%s%u%s", i ? " " : " [",
			      gmp_runqlen(&s->allp[i]), i == s->nprocs - 1 ? "]" : "");
	if (r->opts.line)
		r->opts.line(r->opts.line_ctx, line);
	struct run_result *res = r->res;
	res_sample(res, sim->now, res_series(res, "sched.gomaxprocs"), s->nprocs);
	res_sample(res, sim->now, res_series(res, "sched.idleprocs"), s->npidle);
	res_sample(res, sim->now, res_series(res, "sched.threads"), s->nm);
	res_sample(res, sim->now, res_series(res, "sched.spinningthreads"), s->nmspinning);
	res_sample(res, sim->now, res_series(res, "sched.idlethreads"), s->nmidle);
	res_sample(res, sim->now, res_series(res, "sched.runqueue"), (double)s->runq.len);
	sim_after(sim, ev, s->schedtrace);
}

const struct model_ops gmp_model = {
	.name = "gmp",
	.summary = "the Go 1.19 GMP scheduler: goroutines on Ms (kernel threads) holding Ps",
	.init = gmp_init,
	.fini = gmp_fini,
	.start_cost = gmp_start_cost,
	.start = gmp_start,
	.accept = gmp_accept,
	.resume = gmp_resume,
	.metrics = gmp_metrics,
	.sample = gmp_sample,
};
