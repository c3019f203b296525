/* models/gmp/gmp_gc.c — Go 1.19's garbage collector as the scheduler lives
 * it (mgc.go, mgcpacer.go, mgcmark.go, mgcsweep.go, proc.go's
 * stopTheWorldWithSema / startTheWorldWithSema / gcstopm).
 *
 * A cycle: an allocation takes heapLive past the pacer's trigger and that
 * goroutine calls gcStart, which stops the world: sched.gcwaiting, every
 * running G preempted (preemptall: SIGURG), Ps in syscalls straight to
 * _Pgcstop (their Ms are not waited for), idle Ps too; running Ms stop at
 * their next scheduler entry (gcstopm) and the initiator waits until
 * stopwait reaches 0, does the sweep-termination work and restarts the
 * world. Concurrent mark: int(0.25*GOMAXPROCS+0.5) dedicated workers
 * (adjusted by maxUtilError, the remainder as fractional workers), picked
 * in findRunnable before any user G; idle Ps run idle workers until other
 * work appears; allocating goroutines pay mark assists in proportion to
 * what they allocate (first from the background credit, else by scanning,
 * else parked until the cycle ends). When the last of the work is done,
 * gcMarkDone stops the world again for mark termination; the pacer (the
 * cons/mark PI controller, the runway, the 45/64..61/64 trigger bounds)
 * sets the next goal and trigger; sweeping is charged to allocations
 * (proportional sweep). Goroutine stacks are shrunk at the scan when less
 * than a quarter is used.
 *
 * Model choices (documented in README.md): what is reachable is
 * gc.live_heap plus what live tasks allocated (wl_alloc); scan work is
 * counted in bytes at gc.go.mark_per_mib; workers drain in units (1 ms
 * dedicated, 100 us idle, fractional until 1.2x its goal) instead of per
 * object; a dedicated worker moves its P's run queue to the global queue
 * once it has run 10 ms (what sysmon's preemption of it causes in the
 * runtime). Not modelled: bgsweep on idle Ps, the scavenger, the GC CPU
 * limiter, GOMEMLIMIT, forcegc's 2-minute cycles, write barriers' cost,
 * the 100 us re-preemptall loop of a slow stop.
 * Must not pick user Gs: schedule() does; this file only answers whether
 * a worker runs and stops Ps. */
#include "gmp_sched.h"
#include "gmp_trace.h"
#include "run.h"
#include <stdint.h>
#include <math.h>
#include <string.h>

enum {
	TRIGGER_DEN = 64, MIN_TRIGGER_NUM = 45, MAX_TRIGGER_NUM = 61,  /* mgcpacer.go */
	OVER_ASSIST_WORK = 64 << 10,                                  /* gcOverAssistWork */
};
#define BG_UTILIZATION 0.25     /* gcBackgroundUtilization = gcGoalUtilization */
#define MAX_UTIL_ERROR 0.3      /* mgcpacer.go:startCycle maxUtilError */
#define DRAIN_DEDICATED (1 * SIM_NS_PER_MS)
#define DRAIN_IDLE (100 * SIM_NS_PER_US)
#define DRAIN_MIN (50 * SIM_NS_PER_US)

/* A double as an int64_t, saturating: converting a value out of range (a
 * debt of 1e24 work units after terabytes allocated) is undefined
 * behaviour in C and gives INT64_MIN on x86 — a "negative debt" that
 * skipped every assist. NaN counts as 0. */
static int64_t sat_i64(double x)
{
	if (!(x == x))
		return 0;
	if (x >= 9223372036854775807.0) /* 2^63: the first double above INT64_MAX */
		return INT64_MAX;
	if (x <= -9223372036854775808.0)
		return INT64_MIN;
	return (int64_t)x;
}

static const struct gc_cfg *gcfg(struct gmp *s) { return &run_of(s)->sc->gc; }
static int64_t reachable_now(struct gmp *s) { return gcfg(s)->live_heap + run_of(s)->wl.heap_reachable; }
static int64_t unclaimed(const struct gmp_gc *gc) { return gc->work_total - gc->work_claimed; }
static sim_ns work_ns(const struct gmp_gc *gc, int64_t work) { return (sim_ns)ceil((double)work * gc->ns_per_byte); }
static int64_t ns_work(const struct gmp_gc *gc, sim_ns ns) { return sat_i64((double)ns / gc->ns_per_byte); }

/* ---- the pacer (mgcpacer.go) ------------------------------------------------ */

/* piController.next with the cons/mark controller's tuning (kp 0.9, ti 4, tt 1000). */
static double pi_next(struct gmp_gc *gc, double input, double setpoint)
{
	const double kp = 0.9, ti = 4.0, tt = 1000.0, lo = -1000.0, hi = 1000.0;
	double raw = kp * (setpoint - input) + gc->pi_integral, out = raw;
	out = out < lo ? lo : out > hi ? hi : out;
	gc->pi_integral += (kp / ti) * (setpoint - input) + (out - raw) / tt;
	return out;
}

/* heapGoalInternal + commit's runway + trigger(). */
static void pacer_commit(struct gmp *s)
{
	struct gmp_gc *gc = &s->gc;
	int64_t gogc = gcfg(s)->gogc, marked = gc->heap_marked;
	int64_t goal = sat_i64((double)marked + (double)(marked + gc->last_stack_scan) * (double)gogc / 100.0);
	if (goal < gc->heap_min)
		goal = gc->heap_min;
	gc->goal = goal;
	if (marked >= goal) {
		gc->trigger = goal;
		return;
	}
	double runway = gc->cons_mark * (1 - BG_UTILIZATION) / BG_UTILIZATION *
			(double)(gc->last_heap_scan + gc->last_stack_scan);
	int64_t lo = marked + (goal - marked) / TRIGGER_DEN * MIN_TRIGGER_NUM;
	int64_t hi = marked + (goal - marked) / TRIGGER_DEN * MAX_TRIGGER_NUM;
	int64_t min_heap = gcfg(s)->heap_minimum;
	if (goal > min_heap && goal - min_heap > hi)
		hi = goal - min_heap;
	if (hi < lo)
		hi = lo;
	/* a negative cons/mark makes commit's uint64(runway) huge: the low bound */
	int64_t trigger = runway > (double)goal || runway < 0 ? lo : goal - (int64_t)runway;
	gc->trigger = trigger < lo ? lo : trigger > hi ? hi : trigger;
}

/* endCycle: the cons/mark ratio this cycle showed, into the controller. */
static void pacer_end_cycle(struct gmp *s)
{
	struct gmp_gc *gc = &s->gc;
	double dur = (double)(now_of(s) - gc->mark_start) * s->nprocs;
	if (dur <= 0 || gc->heap_live <= gc->triggered || gc->work_done <= 0)
		return;
	double u = BG_UTILIZATION + (double)gc->assist_time / dur;
	double idle_u = (double)gc->idle_time / dur;
	double cur = (double)(gc->heap_live - gc->triggered) * (u + idle_u) /
		     ((double)gc->work_done * (1 - u));
	gc->cons_mark = pi_next(gc, gc->cons_mark, cur);
}

void gmp_gc_init(struct gmp *s)
{
	struct gmp_gc *gc = &s->gc;
	const struct gc_cfg *c = gcfg(s);
	memset(gc, 0, sizeof *gc);
	gc->enabled = c->gogc >= 0;
	gc->ns_per_byte = (double)c->mark_per_mib / (1 << 20);
	gc->heap_min = c->heap_minimum * (c->gogc < 0 ? 100 : c->gogc) / 100;
	gc->heap_marked = gc->heap_live = c->live_heap;  /* as if collected once it was built */
	gc->last_heap_scan = c->live_heap;
	pacer_commit(s);
	heap_in_use(run_of(s), gc->heap_live);
}

/* ---- stopping and starting the world (proc.go) -------------------------------- */

static void p_stopped(struct gmp *s)
{
	struct gmp_m *w = s->gc.stw_m;
	if (--s->gc.stopwait == 0 && w->phase == M_STW_WAIT && kern_blocked(w->kt))
		kern_wake(&run_of(s)->kern, w->kt, -1);  /* notewakeup(&sched.stopnote) */
}

/* preemptall: preemptone on every running P but m's own. */
static void preemptall(struct gmp *s, struct gmp_m *m)
{
	for (int i = 0; i < s->nprocs; i++) {
		struct gmp_m *pm = s->allp[i].m;
		if (s->allp[i].status != P_RUNNING || !pm || pm == m || !pm->curg ||
		    pm->curg->gstate != G_RUNNING)
			continue;
		pm->curg->gpreempt = 1;
		gmp_owe_kernel(m, kcfg(s)->syscall);  /* tgkill */
		gmp_preempt_m(s, pm);
	}
}

/* stopTheWorldWithSema: own P, syscall Ps and idle Ps stop at once; the
 * running ones are preempted and stop in gcstopm. m then waits (M_STW_WAIT). */
static void stw_begin(struct gmp *s, struct gmp_m *m, enum stw_kind kind)
{
	struct gmp_gc *gc = &s->gc;
	gc->waiting = true;
	gc->stw_m = m;
	gc->stw_kind = (uint8_t)kind;
	gc->stw_start = gmp_m_clock(s, m);
	gc->stopwait = s->nprocs - 1;
	gmp_caspstatus(m->p, P_RUNNING, P_GCSTOP);
	preemptall(s, m);
	for (int i = 0; i < s->nprocs; i++) {
		struct gmp_p *p = &s->allp[i];
		if (p->status == P_SYSCALL) {
			gmp_caspstatus(p, P_SYSCALL, P_GCSTOP);
			p->syscalltick++;
			gc->stopwait--;
		}
	}
	struct gmp_p *p;
	while ((p = gmp_pidleget(s))) {
		gmp_caspstatus(p, P_IDLE, P_GCSTOP);
		gc->stopwait--;
	}
	m->phase = M_STW_WAIT;
	trc_event(gmp_trc(s), TRC_SCHED, 0, TE_GC, kind == STW_SWEEP_TERM ? 0 : 2, m->id, gc->stw_start);
}

bool gmp_gc_stop_if_waiting(struct gmp *s, struct gmp_m *m)
{
	if (!s->gc.waiting)
		return false;
	if (gmp_m_debt(m) > 0) {  /* pay, then stop */
		gmp_m_burst(s, m, 0, CAT_RUNTIME, 0, -1);
		return true;
	}
	if (m->spinning) {
		m->spinning = false;
		s->nmspinning--;
	}
	struct gmp_p *p = m->p;
	gmp_caspstatus(p, P_RUNNING, P_GCSTOP);  /* proc.go:gcstopm */
	p->m = NULL;
	m->p = NULL;
	p_stopped(s);
	gmp_stopm(s, m);
	return true;
}

bool gmp_gc_handoff_stop(struct gmp *s, struct gmp_p *p)
{
	if (!s->gc.waiting)
		return false;
	gmp_caspstatus(p, P_IDLE, P_GCSTOP);
	p_stopped(s);
	return true;
}

static void mark_begin(struct gmp *s);
static void mark_termination(struct gmp *s, struct gmp_m *m);
static void stw_request(struct gmp *s, struct gmp_m *m, enum stw_kind kind);

/* startTheWorldWithSema: procresize hands Ps with work to Ms, the rest
 * go idle; wakep; sysmon is woken. */
static void stw_end(struct gmp *s, struct gmp_m *m)
{
	struct gmp_gc *gc = &s->gc;
	heap_pause(run_of(s), gc->stw_start, now_of(s) - gc->stw_start);
	trc_event(gmp_trc(s), TRC_SCHED, 0, TE_GC, gc->stw_kind == STW_SWEEP_TERM ? 1 : 3, m->id, now_of(s));
	gc->waiting = false;
	gc->stw_m = NULL;
	gmp_caspstatus(m->p, P_GCSTOP, P_RUNNING);
	for (int i = 0; i < s->nprocs; i++) {
		struct gmp_p *p = &s->allp[i];
		if (p->status != P_GCSTOP)
			continue;
		gmp_caspstatus(p, P_GCSTOP, P_IDLE);
		if (!gmp_runqempty(p))
			gmp_startm(s, p, false, m);
		else
			gmp_pidleput(s, p);
	}
	if (gc->stw_kind == STW_SWEEP_TERM)
		mark_begin(s);
	else
		mark_termination(s, m);
	gmp_wakep(s, m);
	if (s->sysmon_deep)
		gmp_sysmon_wake(s);
	m->phase = m->curg ? M_RUN_G : M_SCHEDULE;
	if (!m->curg)
		gmp_owe_runtime(m, s->cfg.schedule);
}

/* ---- mark ------------------------------------------------------------------------ */

struct shrink { int32_t min_kib; int64_t freed, n; };

/* stack.go:shrinkstack at the scan: a parked or runnable G using less than
 * a quarter of its stack gets half (its frames are back at the base: the
 * stack op's depth is transient). */
static void shrink_one(struct task *g, void *ctx)
{
	struct shrink *sh = ctx;
	if (g->gstack_kib / 2 < sh->min_kib || (g->gstate != G_RUNNABLE && g->gstate != G_WAITING))
		return;
	int32_t half = g->gstack_kib / 2;
	sh->freed += (int64_t)(g->gstack_kib - half) * 1024;
	g->gstack_kib = half;
	sh->n++;
}

/* startCycle: the worker counts and this cycle's scan work. */
static void start_cycle(struct gmp *s)
{
	struct gmp_gc *gc = &s->gc;
	double goal = BG_UTILIZATION * s->nprocs;
	int dedicated = (int)(goal + 0.5);
	gc->fractional_goal = 0;
	double err = (double)dedicated / goal - 1;
	if (err < -MAX_UTIL_ERROR || err > MAX_UTIL_ERROR) {
		if ((double)dedicated > goal)
			dedicated--;
		gc->fractional_goal = (goal - dedicated) / s->nprocs;
	}
	gc->dedicated = gc->dedicated_needed = dedicated;
	gc->idle_workers = 0;
	for (int i = 0; i < s->nprocs; i++) {
		s->allp[i].gc_frac_time = 0;
		s->allp[i].gc_drained = false;
	}
}

static void mark_begin(struct gmp *s)
{
	struct gmp_gc *gc = &s->gc;
	struct shrink sh = { .min_kib = (int32_t)(s->cfg.stack / 1024) };
	wl_for_each_slot(&run_of(s)->wl, shrink_one, &sh);
	s->gstack_bytes -= sh.freed;
	run_of(s)->heap.shrinks += sh.n;
	gc->phase = GC_MARK;
	gc->mark_start = now_of(s);
	gc->last_heap_scan = reachable_now(s);
	gc->last_stack_scan = s->gstack_bytes;
	gc->stack_work = ns_work(gc, run_of(s)->wl.st.live * gcfg(s)->stack_scan +
					   sh.n * 2 * s->cfg.stack_copy);
	gc->work_total = gc->last_heap_scan + gc->stack_work;
	gc->work_claimed = gc->work_done = gc->bg_credit = gc->alloc_in_mark = 0;
	gc->assist_time = gc->idle_time = 0;
	start_cycle(s);
}

/* gcMarkTermination: the pacer's new goal and trigger, resetLive, the
 * sweep's credit, gcWakeAllAssists. */
static void mark_termination(struct gmp *s, struct gmp_m *m)
{
	struct gmp_gc *gc = &s->gc;
	const struct gc_cfg *c = gcfg(s);
	pacer_end_cycle(s);
	int64_t swept = gc->heap_live;
	gc->phase = GC_OFF;
	gc->heap_marked = gc->last_heap_scan + gc->alloc_in_mark;
	gc->heap_live = gc->heap_marked;
	heap_in_use(run_of(s), gc->heap_live);
	mh_heap_rewind(run_of(s));  /* swept pages are reused lowest address first (mpagealloc.go:alloc) */
	pacer_commit(s);
	gc->sweep_left = (sim_ns)((double)swept / (1 << 20) * (double)c->sweep_per_mib);
	int64_t distance = gc->trigger - gc->heap_live;
	gc->sweep_ns_per_byte = (double)gc->sweep_left / (double)(distance > 8192 ? distance : 8192);
	gmp_injectglist(s, &gc->assistq, m);
}

/* How long a worker drains before it looks around again. */
static sim_ns drain_unit(struct gmp *s, const struct gmp_p *p)
{
	const struct gmp_gc *gc = &s->gc;
	if (p->gcmode == GCW_DEDICATED)
		return DRAIN_DEDICATED;
	if (p->gcmode == GCW_IDLE)
		return DRAIN_IDLE;
	/* fractional: until its time exceeds 1.2 x its goal (pollFractionalWorkerExit) */
	double g = 1.2 * gc->fractional_goal, elapsed = (double)(now_of(s) - gc->mark_start);
	double x = (g * elapsed - (double)p->gc_frac_time) / (1 - g);
	return x > DRAIN_MIN ? (sim_ns)x : DRAIN_MIN;
}

/* Claims the next unit of work and runs it; false when none is left. */
static bool worker_drain(struct gmp *s, struct gmp_m *m)
{
	struct gmp_gc *gc = &s->gc;
	int64_t work = ns_work(gc, drain_unit(s, m->p)), left = unclaimed(gc);
	if (left <= 0)
		return false;
	if (work > left || work < 1)
		work = left;
	gc->work_claimed += work;
	m->gc_claim = work;
	m->phase = M_GC_WORK;
	gmp_m_burst(s, m, work_ns(gc, work), CAT_GC, 0, -1);
	return true;
}

/* The worker parks (gcBgMarkWorker's end); the P schedules. */
static void worker_stop(struct gmp *s, struct gmp_m *m)
{
	struct gmp_p *p = m->p;
	if (p->gcmode == GCW_DEDICATED)
		s->gc.dedicated_needed++;
	else if (p->gcmode == GCW_IDLE)
		s->gc.idle_workers--;
	p->gcmode = GCW_NONE;
	m->phase = M_SCHEDULE;
	gmp_owe_runtime(m, s->cfg.schedule);
}

static void start_worker(struct gmp *s, struct gmp_m *m, enum gc_worker_mode mode)
{
	struct gmp_p *p = m->p;
	if (m->spinning) {  /* resetspinning */
		m->spinning = false;
		s->nmspinning--;
	}
	gmp_wakep(s, m);  /* findRunnable's tryWakeP */
	p->gcmode = (uint8_t)mode;
	p->gc_worker_start = gmp_m_clock(s, m);
	p->schedtick++;
	p->slice_start = p->gc_worker_start;
	gmp_owe_runtime(m, s->cfg.gogo);
	if (!worker_drain(s, m))
		worker_stop(s, m);
}

bool gmp_gc_find_worker(struct gmp *s, struct gmp_m *m)
{
	struct gmp_gc *gc = &s->gc;
	if (gc->phase != GC_MARK || gc->waiting || unclaimed(gc) <= 0)
		return false;
	struct gmp_p *p = m->p;
	if (gc->dedicated_needed > 0) {
		gc->dedicated_needed--;
		start_worker(s, m, GCW_DEDICATED);
		return true;
	}
	sim_ns delta = gmp_m_clock(s, m) - gc->mark_start;
	if (gc->fractional_goal > 0 && (delta <= 0 || (double)p->gc_frac_time / (double)delta <= gc->fractional_goal)) {
		start_worker(s, m, GCW_FRACTIONAL);
		return true;
	}
	return false;
}

bool gmp_gc_idle_worker(struct gmp *s, struct gmp_m *m)
{
	struct gmp_gc *gc = &s->gc;
	if (gc->phase != GC_MARK || gc->waiting || unclaimed(gc) <= 0 ||
	    gc->idle_workers >= s->nprocs - gc->dedicated)
		return false;
	gc->idle_workers++;
	start_worker(s, m, GCW_IDLE);
	return true;
}

/* pollWork: other work for an idle worker's P. */
static bool poll_work(struct gmp *s, const struct gmp_p *p)
{
	return s->runq.len > 0 || !gmp_runqempty(p) ||
	       (s->netpoll_waiters > 0 && s->lastpoll != 0 && s->netready.len > 0);
}

/* The M will stop the world once it has paid for what it did before
 * (gcStart after mallocgc's work, gcMarkDone after the last drain or
 * assist): M_STW_BEGIN. Nobody else starts one meanwhile. */
static void stw_request(struct gmp *s, struct gmp_m *m, enum stw_kind kind)
{
	s->gc.stw_pending = true;
	s->gc.stw_kind = (uint8_t)kind;
	m->phase = M_STW_BEGIN;
}

/* gcMarkDone: the last work is done; stop the world for mark termination. */
static void mark_done(struct gmp *s, struct gmp_m *m)
{
	stw_request(s, m, STW_MARK_TERM);
}

/* A drain unit finished: credit it, then go on, stop, or end the mark. */
static void worker_unit_done(struct gmp *s, struct gmp_m *m)
{
	struct gmp_gc *gc = &s->gc;
	struct gmp_p *p = m->p;
	sim_ns ran = work_ns(gc, m->gc_claim);
	gc->work_done += m->gc_claim;
	gc->bg_credit += m->gc_claim;  /* gcFlushBgCredit: no assist waits on it here */
	m->gc_claim = 0;
	if (p->gcmode == GCW_FRACTIONAL)
		p->gc_frac_time += ran;
	else if (p->gcmode == GCW_IDLE)
		gc->idle_time += ran;
	if (gc->work_done >= gc->work_total) {
		worker_stop(s, m);
		mark_done(s, m);
		return;
	}
	bool stop = unclaimed(gc) <= 0 ||
		    (p->gcmode == GCW_FRACTIONAL && (double)p->gc_frac_time >
		     1.2 * gc->fractional_goal * (double)(now_of(s) - gc->mark_start)) ||
		    (p->gcmode == GCW_IDLE && poll_work(s, p));
	if (stop) {
		worker_stop(s, m);
		return;
	}
	if (p->gcmode == GCW_DEDICATED && !p->gc_drained &&
	    now_of(s) - p->gc_worker_start >= GMP_FORCE_PREEMPT_NS) {
		bool inherit;  /* preempted by sysmon: runqdrain + globrunqputbatch */
		struct task *g;
		p->gc_drained = true;
		while ((g = gmp_runqget(s, p, &inherit)))
			gmp_globrunqput(s, g);
	}
	worker_drain(s, m);
}

void gmp_gc_step(struct gmp *s, struct gmp_m *m)
{
	struct gmp_gc *gc = &s->gc;
	switch (m->phase) {
	case M_STW_BEGIN:
		if (gmp_m_debt(m) > 0) {  /* pay, then stop the world */
			gmp_m_burst(s, m, 0, CAT_RUNTIME, 0, -1);
			return;
		}
		gc->stw_pending = false;
		stw_begin(s, m, gc->stw_kind);
		return;
	case M_STW_WAIT:
		if (gc->stopwait > 0) {
			if (gmp_m_debt(m) > 0)
				gmp_m_burst(s, m, 0, CAT_RUNTIME, 0, -1);
			else
				kern_block(&run_of(s)->kern, m->kt);
			return;
		}
		m->phase = M_STW_WORK;
		gmp_m_burst(s, m, gc->stw_kind == STW_SWEEP_TERM ? gcfg(s)->sweep_term : gcfg(s)->mark_term,
			    CAT_GC, 0, -1);
		return;
	case M_STW_WORK:
		stw_end(s, m);
		return;
	case M_GC_WORK:
		worker_unit_done(s, m);
		return;
	default:
		return;
	}
}

/* ---- allocation (malloc.go:mallocgc) ------------------------------------------- */

/* revise(): scan work still expected per byte of heap left before the
 * goal; past the goal, the goal stretched by maxOvershoot (1.1) leaves
 * some runway instead of a near-zero distance. */
static double assist_work_per_byte(const struct gmp_gc *gc)
{
	int64_t goal = gc->goal;
	if (gc->heap_live > goal)
		goal = sat_i64((double)goal * 1.1);
	int64_t heap_left = goal - gc->heap_live, scan_left = gc->work_total - gc->work_done;
	if (heap_left <= 0)
		heap_left = 1;
	if (scan_left < 1000)
		scan_left = 1000;
	return (double)scan_left / (double)heap_left;
}

/* gcAssistAlloc: steal background credit, else scan (at least
 * gcOverAssistWork) in a burst of the G's own (GP_ASSIST, preemptible as
 * gcDrainN is), else park until the cycle ends. */
static bool assist(struct gmp *s, struct gmp_m *m, struct task *g, int64_t bytes)
{
	struct gmp_gc *gc = &s->gc;
	int64_t debt = sat_i64((double)bytes * assist_work_per_byte(gc));
	int64_t steal = debt < gc->bg_credit ? debt : gc->bg_credit;
	gc->bg_credit -= steal;
	debt -= steal;
	if (debt <= 0)
		return true;
	int64_t work = debt > OVER_ASSIST_WORK ? debt : OVER_ASSIST_WORK;
	if (work > unclaimed(gc))
		work = unclaimed(gc);
	run_of(s)->heap.assists += now_of(s) >= run_of(s)->sc->warmup; /* scanning or parked: it pays */
	if (work > 0 && work >= debt) {
		gc->work_claimed += work;
		m->gc_claim = work;
		g->arg = work - debt;  /* the over-assist becomes credit */
		g->phase = GP_ASSIST;
		gmp_m_burst(s, m, work_ns(gc, work), CAT_GC, 0, -1);
		return false;
	}
	gmp_gstatus(s, g, G_RUNNING, G_WAITING, gmp_m_clock(s, m));  /* gcParkAssist */
	tq_push(&gc->assistq, g);
	kern_carry(&run_of(s)->kern, m->kt, NULL);
	tb_off(wl_tb(&run_of(s)->wl, g), TB_GC, now_of(s));
	m->curg = NULL;
	m->phase = M_SCHEDULE;
	gmp_owe_runtime(m, s->cfg.runqput + s->cfg.schedule);
	return false;
}

/* The assist's scan ends (left > 0: cut short by a preemption, its
 * remaining work back to the pool). Returns true when the G goes on. */
bool gmp_gc_assist_end(struct gmp *s, struct gmp_m *m, struct task *g, sim_ns left)
{
	struct gmp_gc *gc = &s->gc;
	int64_t undone = left > 0 ? ns_work(gc, left) : 0;
	if (undone > m->gc_claim)
		undone = m->gc_claim;
	gc->work_claimed -= undone;
	gc->work_done += m->gc_claim - undone;
	gc->assist_time += work_ns(gc, m->gc_claim - undone);
	gc->bg_credit += undone ? 0 : g->arg;
	m->gc_claim = 0;
	g->phase = GP_NEXT;
	if (left <= 0 && gc->phase == GC_MARK && gc->work_done >= gc->work_total && !gc->stw_pending) {
		mark_done(s, m);
		return false;
	}
	return true;
}

bool gmp_gc_alloc(struct gmp *s, struct gmp_m *m, struct task *g, int64_t bytes, bool temp)
{
	struct gmp_gc *gc = &s->gc;
	wl_alloc(&run_of(s)->wl, g, bytes, temp);
	mh_alloc_heap(run_of(s), g, bytes, m->kt->core);  /* mcache.go:refill: the M writes its spans first */
	gc->heap_live += bytes;
	heap_in_use(run_of(s), gc->heap_live);
	if (!gc->enabled)
		return true;  /* GOGC=off: the heap only grows */
	if (gc->sweep_left > 0) {  /* mgcsweep.go:deductSweepCredit */
		sim_ns c = (sim_ns)((double)bytes * gc->sweep_ns_per_byte);
		c = c < gc->sweep_left ? c : gc->sweep_left;
		gc->sweep_left -= c;
		gmp_owe(m, CAT_GC, c);
	}
	if (gc->phase == GC_MARK) {
		gc->alloc_in_mark += bytes;
		return assist(s, m, g, bytes);
	}
	if (gc->waiting || gc->stw_pending || gc->heap_live < gc->trigger)
		return true;
	heap_cycle(run_of(s));  /* gcStart */
	gc->triggered = gc->heap_live;
	stw_request(s, m, STW_SWEEP_TERM);
	return false;
}

void gmp_gc_metrics(struct gmp *s, struct run_result *res)
{
	res_metric(res, "gc_heap_goal", (double)s->gc.goal, "B");
	res_metric(res, "gc_trigger", (double)s->gc.trigger, "B");
	res_metric(res, "gc_dedicated_workers", (double)s->gc.dedicated, "count");
	res_metric(res, "gc_fractional_goal", s->gc.fractional_goal, "ratio");
}
