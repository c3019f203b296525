/* models/gmp/gmp.c — the Go GMP scheduler (Go 1.19 runtime/proc.go) on the
 * kernel model.
 *
 * Design essay. The runtime multiplexes goroutines (G) onto OS threads (M);
 * an M must hold a processor (P) to run Go code, and there are GOMAXPROCS
 * Ps. Here an M is a kernel thread of models/kernel/kernel.c, so it pays for
 * exactly what a real M pays: it occupies a core only while the kernel
 * gives it one, a spinning M burns CPU, a parked M (stopm) is blocked on a
 * futex, waking it (startm → notewakeup) costs a futex wake plus the
 * kernel's wake-up, and creating one (newm) costs a clone. sysmon is its own
 * kernel thread without a P (gmp_sysmon.c).
 *
 * The M's kernel step() runs the scheduler. Each decision the runtime makes
 * in straight-line code (findRunnable's checks, a steal, runqput, wakep,
 * handoffp) is taken at one instant and its CPU cost becomes the M's debt,
 * paid as the prefix of its next burst (kern_run_pre): "decide, then pay".
 * A G chosen by findRunnable is owned by the M from that instant, so no
 * other M can take it during the payment. The M goes on to its next
 * decision in the same step (a loop, never recursion) as long as its debt
 * ends before anything else can happen in the simulation (kern_horizon):
 * nobody could observe the difference between deciding then and deciding
 * after paying, and the times the decision records (a G's readiness, a
 * timer, a wait) are taken on the M's clock, now + debt. Otherwise it pays
 * first, in a burst of its own. A decision that would block the M is never
 * taken with debt: the M pays, then decides.
 * The order of the checks, the queue arithmetic and the spinning rules are
 * those of proc.go: schedule → findRunnable (timers, schedtick%61 fairness,
 * runnext, local ring, global queue, non-blocking netpoll, stealing with the
 * 2*nmspinning < GOMAXPROCS-npidle gate, drop the P, re-check, blocking
 * netpoll by one M only, stopm). Decisions run in event order, so the races
 * the runtime resolves with CAS are resolved by simulated time.
 *
 * Channels, sync.Mutex, cgo calls, LockOSThread and stack growth are in
 * gmp_g.c and gmp_m.c; the garbage collector and stop-the-world in
 * gmp_gc.c; checkdead in gmp_m.c. Not modelled yet: gFree-list stack
 * reuse (but for the reused stack's NUMA home: gfput / gfget in gmp_g.c),
 * the template thread.
 *
 * The model's files: this one holds the M's step loop (m_step → m_decide)
 * and the scheduler proper (schedule, findRunnable, stealing, dropping the
 * P, blocking in netpoll or stopm); gmp_m.c the Ms and Ps (acquirep,
 * newm, startm, wakep, handoffp, ready, stopm, the M's debt and clock);
 * gmp_g.c the goroutine side (execute, park, preempt, exit, sleep,
 * syscalls, newproc, the accepting goroutine); gmp_netpoll.c the
 * netpoller; gmp_runq.c, gmp_timers.c and gmp_sysmon.c the run queues, the
 * timers and sysmon; gmp_model.c the model's entry points.
 * Must not reach into the kernel's internals: only kernel.h's calls.
 */
#include "check.h"
#include "gmp_sched.h"
#include "gmp_trace.h"
#include "run.h"
#include "rng.h"
#include <assert.h>

struct gmp *gmp_of(struct run *r) { return r->mstate; }


/* ---- findRunnable ------------------------------------------------------------------ */

/* proc.go:resetspinning — a spinning M found work. */
static void resetspinning(struct gmp *s, struct gmp_m *m)
{
	m->spinning = false;
	s->nmspinning--;
	gmp_wakep(s, m);
}

static void found(struct gmp *s, struct gmp_m *m, struct task *g, bool inherit)
{
	if (m->spinning)
		resetspinning(s, m);
	if (g->lockedm && g->lockedm != m) {
		gmp_startlockedm(s, m, g);
		return;
	}
	gmp_execute(s, m, g, inherit);
}

/* proc.go:checkTimers — run p's expired timers; their Gs go into the
 * running M's P runnext (time.go:goroutineReady → goready). */
static int check_timers(struct gmp *s, struct gmp_p *p, struct gmp_m *m)
{
	struct task *due[64];
	int n = gmp_expired_timers(p, gmp_m_clock(s, m), due, 64), ran = n;
	for (int i = 0; i < n; i++)
		gmp_ready(s, due[i], m);
	s->st.timers_run += (uint64_t)ran;
	return ran;
}

/* proc.go:randomOrder — the numbers coprime with GOMAXPROCS, computed once;
 * each pass starts at a random P and steps by a random coprime stride, both
 * from one draw (enum.start(fastrand())). Each stride's inverse modulo
 * GOMAXPROCS lets a pass find its first P with work without visiting the
 * others (gmp_pidx_first_in_order). */
void gmp_init_coprimes(struct gmp *s)
{
	int n = s->nprocs;
	s->coprimes = malloc(sizeof *s->coprimes * (size_t)n);
	s->ncoprimes = 0;
	for (int c = 1; c <= n; c++) {
		int a = c, b = n;
		while (b) {
			int t = a % b;
			a = b;
			b = t;
		}
		if (a == 1)
			s->coprimes[s->ncoprimes++] = (struct gmp_stride){ c, gmp_pidx_modinv(c, n) };
	}
}

/* One pass of proc.go:stealWork's loop over randomOrder: its start, stride
 * and the stride's inverse, from one draw. */
struct steal_pass {
	int start, stride, inv;
};

static struct steal_pass steal_pass_of(struct gmp *s, uint32_t r)
{
	uint32_t n = (uint32_t)s->nprocs, c = (r / n) % (uint32_t)s->ncoprimes;
	return (struct steal_pass){ (int)(r % n), s->coprimes[c].stride, s->coprimes[c].inv };
}

/* The Ps a pass would take something from, but pp: on every pass a busy P
 * with a non-empty ring; on the last, also a busy P with a runnext and any
 * P with an expired timer (checkTimers runs them into pp's runnext).
 * Built in the index's scratch bitmap; returns its member count. */
static int steal_targets(struct gmp *s, struct gmp_p *pp, bool last, sim_ns clock)
{
	struct gmp_pidx *x = &s->pidx;
	uint64_t *t = x->scratch, any = 0;
	for (int w = 0; w < x->nwords; w++) {
		uint64_t work = x->bits[PB_RING][w] | (last ? x->bits[PB_NEXT][w] : 0);
		t[w] = x->bits[PB_BUSY][w] & work;
		any |= t[w];
	}
	if (!any && (!last || x->count[PB_TIMERS] == 0))
		return 0;
	if (last)
		for (int i = gmp_pidx_next(x->bits[PB_TIMERS], x->nwords, 0); i >= 0;
		     i = gmp_pidx_next(x->bits[PB_TIMERS], x->nwords, i + 1))
			if (gmp_nexttimer(&s->allp[i]) <= clock)
				t[i >> 6] |= (uint64_t)1 << (i & 63);
	t[pp->id >> 6] &= ~((uint64_t)1 << (pp->id & 63));
	return gmp_pidx_count(t, x->nwords);
}

/* What a pass's walk over allp counts for the Ps it visits before reaching
 * index k of its enumeration (all of them when k = n): the steal cost of
 * every P but pp, an attempt for every busy one but pp. */
static void steal_visited(struct gmp *s, struct gmp_p *pp, struct steal_pass e, int k, sim_ns *cost)
{
	int n = s->nprocs, nbusy = s->pidx.count[PB_BUSY];
	bool pp_before = k == n || gmp_pidx_order_index(pp->id, e.start, e.inv, n) < k;
	int busy = k == n ? nbusy : gmp_pidx_count_before(s->pidx.bits[PB_BUSY], nbusy, n, k, e.start, e.stride, e.inv);
	bool pp_busy = pp->status != P_IDLE;
	*cost += (sim_ns)(k - pp_before) * s->cfg.steal;
	s->st.steal_attempts += (uint64_t)(busy - (pp_before && pp_busy));
}

static struct task *steal_take(struct gmp *s, struct gmp_m *m, struct gmp_p *p2, bool last);

/* The body of stealWork's loop for p2, the pass's first target: its
 * expired timers (last pass), else a steal. Returns the G it yields and
 * whether it inherits the time slice: a G its timers readied is taken from
 * pp's runnext by runqget and keeps pp's schedtick (proc.go:stealWork's
 * `return gp, inheritTime` after checkTimers); a stolen G does not. */
static struct task *steal_from(struct gmp *s, struct gmp_m *m, struct gmp_p *p2, bool last, sim_ns *cost,
			       bool *inherit)
{
	struct gmp_p *pp = m->p;
	*cost += s->cfg.steal;
	*inherit = false;
	if (last && p2->ntimers > 0 && check_timers(s, p2, m) > 0) {
		struct task *g = gmp_runqget(s, pp, inherit);
		HOT_ASSERT(g && "checkTimers readied a G into runnext");
		return g;
	}
	HOT_ASSERT(p2->status != P_IDLE);
	s->st.steal_attempts++;
	if (p2->runnext != NULL && gmp_runqlen(p2) == 0 && p2->status == P_RUNNING &&
	    s->cfg.runnext_backoff > 0) {  /* runqgrab: usleep(3) first, then the CAS */
		m->grab_p = p2;
		m->grab_next = p2->runnext;
		return NULL;
	}
	return steal_take(s, m, p2, last);
}

/* runqsteal's taking part: p2's ring (half), else its runnext (last pass). */
static struct task *steal_take(struct gmp *s, struct gmp_m *m, struct gmp_p *p2, bool last)
{
	struct gmp_p *pp = m->p;
	uint32_t before = gmp_runqlen(pp);
	struct task *g = gmp_runqsteal(s, pp, p2, last);
	HOT_ASSERT(g && "a steal target yields a G");
	s->st.steals++;
	trc_event(gmp_trc(s), TRC_P, pp->id, TE_STEAL, 1 + gmp_runqlen(pp) - before, p2->id, gmp_m_clock(s, m));
	s->st.stolen_gs += 1 + gmp_runqlen(pp) - before;
	return g;
}

/* proc.go:runqgrab's back-off: the victim is running and has only its
 * runnext, so the spinning M usleep(3)s (a nanosleep, late by the timer
 * slack) holding its P and still counted in nmspinning — so every wakep
 * meanwhile returns at once — "to give _p_ a chance to schedule runnext".
 * Paid first: the M blocks. */
static void runqgrab_usleep(struct gmp *s, struct gmp_m *m)
{
	if (gmp_m_debt(m) > 0) {
		gmp_m_burst(s, m, 0, CAT_SPIN, 0, -1);
		return;
	}
	struct kern *k = &run_of(s)->kern;
	m->phase = M_RUNQGRAB_WAKE;
	kern_block(k, m->kt);
	kern_wake_after(k, m->kt, -1, s->cfg.runnext_backoff + run_of(s)->sc->kernel.timer_slack);
}

/* proc.go:runqgrab after its usleep: `runnext.cas(next, 0)` takes the G
 * only if runnext still holds the one it saw, or takes half of a ring that
 * filled meanwhile; otherwise the M, still spinning, starts findRunnable
 * again (its next round, if it too finds nothing, drops the P: the
 * delicate dance, drop_p). */
static void runqgrab_wake(struct gmp *s, struct gmp_m *m)
{
	struct gmp_p *p2 = m->grab_p;
	struct task *seen = m->grab_next;
	m->grab_p = NULL;
	m->grab_next = NULL;
	gmp_owe_kernel(m, kcfg(s)->syscall);  /* the nanosleep */
	m->phase = M_SCHEDULE;
	if (s->gc.waiting)  /* stealWork returns at once; schedule() stops the P (gcstopm) */
		return;
	if (p2->status != P_IDLE && (gmp_runqlen(p2) > 0 || p2->runnext == seen)) {
		found(s, m, steal_take(s, m, p2, true), false);
		return;
	}
	/* else runqgrab's `continue` and the rest of stealWork, from
	 * findRunnable's top (M_SCHEDULE): the M's own P may have work by now,
	 * and the victim's new runnext, if any, gets a back-off of its own. */
}

/* proc.go:stealWork — 4 passes over all Ps in random order; timers and
 * runnext only on the last. Returns a G, whether it inherits the time
 * slice, and the CPU the passes cost.
 * A pass visits (start + k*stride) mod n for k = 0..n-1 and stops at the
 * first P it takes something from; that P is found from the bitmap of
 * targets, and what the visits before it cost and count is computed, so
 * a decision costs O(Ps with work), not O(GOMAXPROCS), with the same draws,
 * choices, costs and counters as the walk. */
static struct task *steal_work(struct gmp *s, struct gmp_m *m, sim_ns *cost, bool *inherit)
{
	struct gmp_p *pp = m->p;
	int n = s->nprocs;
	sim_ns clock = gmp_m_clock(s, m);
	*cost = 0;
	int ntargets = steal_targets(s, pp, false, clock);  /* the same until a pass takes something */
	for (int i = 0; i < GMP_STEAL_TRIES; i++) {
		bool last = i == GMP_STEAL_TRIES - 1;
		uint32_t r = rng_stream_get(s->rng);  /* enum.start(fastrand()) */
		if (last)
			ntargets = steal_targets(s, pp, true, clock);
		if (ntargets == 0) {  /* the whole pass visits every P but pp and takes nothing */
			*cost += (sim_ns)(n - 1) * s->cfg.steal;
			s->st.steal_attempts += (uint64_t)(s->pidx.count[PB_BUSY] - (pp->status != P_IDLE));
			continue;
		}
		struct steal_pass e = steal_pass_of(s, r);
		int k = gmp_pidx_first_in_order(s->pidx.scratch, ntargets, s->pidx.nwords, n,
						e.start, e.stride, e.inv);
		steal_visited(s, pp, e, k, cost);
		if (k < n)
			return steal_from(s, m, &s->allp[(e.start + (int64_t)k * e.stride) % n], last, cost, inherit);
	}
	return NULL;
}

/* Any P (not idle) with a runnable G? proc.go:checkRunqsNoP, through the bitmaps. */
static bool any_runq(struct gmp *s)
{
	const struct gmp_pidx *x = &s->pidx;
	for (int w = 0; w < x->nwords; w++)
		if (x->bits[PB_BUSY][w] & (x->bits[PB_RING][w] | x->bits[PB_NEXT][w]))
			return true;
	return false;
}

/* proc.go:findRunnable steps 15-16: block in netpoll (one M only), else stopm. */
static void block_or_stop(struct gmp *s, struct gmp_m *m)
{
	sim_ns next = gmp_earliest_timer(s);
	if ((s->netpoll_waiters > 0 || next != SIM_NS_MAX) && s->lastpoll != 0) {
		s->lastpoll = 0;
		s->st.netpoll_blocking++;
		s->poller = m;
		m->phase = M_NETPOLL;
		s->poll_until = next == SIM_NS_MAX ? 0 : next;
		if (next != SIM_NS_MAX) {
			sim_ns delay = next - now_of(s);
			if (delay < SIM_NS_PER_MS)
				delay = SIM_NS_PER_MS;  /* netpoll_epoll.go: waits below 1 ms round up */
			eq_cancel(&run_of(s)->sim.q, &s->netpoll_ev);
			sim_after(&run_of(s)->sim, &s->netpoll_ev, delay);
		}
		if (s->netready.len > 0) {  /* epoll_wait returns at once */
			m->phase = M_NETPOLL;
			gmp_owe_kernel(m, s->cfg.netpoll);
			return;
		}
		kern_block(&run_of(s)->kern, m->kt);
		return;
	}
	gmp_stopm(s, m);
}

/* proc.go:findRunnable steps 13-14: give up the P; a spinning M re-checks. */
static void drop_p(struct gmp *s, struct gmp_m *m)
{
	if (gmp_gc_active(s) && (gmp_gc_stop_if_waiting(s, m) || gmp_gc_idle_worker(s, m)))
		return;  /* step 11: an idle GC mark worker */
	struct task *g = gmp_globrunqget(s, m->p, 0);
	if (g) {
		found(s, m, g, false);
		return;
	}
	bool was_spinning = m->spinning;
	gmp_pidleput(s, gmp_releasep(m));
	if (was_spinning) {
		m->spinning = false;
		s->nmspinning--;
		if (any_runq(s) && s->pidle) {
			gmp_acquirep(m, gmp_pidleget(s));
			m->spinning = true;
			s->nmspinning++;
			m->phase = M_SCHEDULE;
			gmp_owe(m, CAT_SPIN, s->cfg.schedule);
			return;
		}
	}
	block_or_stop(s, m);
}

/* findRunnable steps 2-9: timers, fairness, local, global, netpoll. */
static struct task *find_local(struct gmp *s, struct gmp_m *m, bool *inherit)
{
	struct gmp_p *p = m->p;
	*inherit = false;
	check_timers(s, p, m);
	struct task *g = NULL;
	if (p->schedtick % GMP_FAIRNESS_TICK == 0 && s->runq.len > 0)
		g = gmp_globrunqget(s, p, 1);
	if (!g)
		g = gmp_runqget(s, p, inherit);
	if (!g)
		g = gmp_globrunqget(s, p, 0);
	if (!g && s->netpoll_waiters > 0 && s->lastpoll != 0) {
		struct task_fifo list = { 0 };
		gmp_owe_kernel(m, s->cfg.netpoll);
		gmp_netpoll(s, &list);
		g = tq_pop(&list);
		if (g) {
			gmp_make_runnable(s, g, G_WAITING, m);
			gmp_injectglist(s, &list, m);
		}
	}
	return g;
}

/* Will schedule() find a G without blocking: work in p's timers, queues
 * or the netpoller, or a spinning round? A side-effect-free look at
 * find_local's sources and the spinning gate. */
static bool will_find_or_spin(struct gmp *s, struct gmp_m *m)
{
	struct gmp_p *p = m->p;
	return !gmp_runqempty(p) || s->runq.len > 0 || gmp_nexttimer(p) <= gmp_m_clock(s, m) ||
	       (s->netpoll_waiters > 0 && s->lastpoll != 0 && s->netready.len > 0) ||
	       m->spinning || 2 * s->nmspinning < s->nprocs - s->npidle;
}

/* proc.go:schedule + findRunnable (steps 1-12). The steps that may block
 * the M (13-16) are only taken once its debt is paid. */
static void schedule(struct gmp *s, struct gmp_m *m)
{
	if (m->lockedg) {  /* proc.go:schedule: a locked M only runs its G */
		if (gmp_m_debt(m) > 0) {
			gmp_m_burst(s, m, 0, CAT_RUNTIME, 0, -1);  /* pay, then stop */
			return;
		}
		gmp_stoplockedm(s, m);
		return;
	}
	if (gmp_gc_active(s) && (gmp_gc_stop_if_waiting(s, m) || gmp_gc_find_worker(s, m)))
		return;  /* step 1 (gcstopm) and step 4 (a GC mark worker) */
	if (gmp_m_debt(m) > 0 && !will_find_or_spin(s, m)) {
		gmp_m_burst(s, m, 0, CAT_RUNTIME, 0, -1);  /* pay, then decide */
		return;
	}
	bool inherit;
	struct task *g = find_local(s, m, &inherit);
	if (g) {
		found(s, m, g, inherit);
		return;
	}
	if (m->spinning || 2 * s->nmspinning < s->nprocs - s->npidle) {
		if (!m->spinning) {
			m->spinning = true;
			s->nmspinning++;
		}
		sim_ns cost;
		s->st.spinning_rounds++;
		g = steal_work(s, m, &cost, &inherit);
		if (g) {
			gmp_owe(m, CAT_SPIN, cost);  /* paid before the G starts */
			found(s, m, g, inherit);
			return;
		}
		m->phase = m->grab_p ? M_RUNQGRAB_SLEEP : M_SPIN_DONE;
		gmp_m_burst(s, m, cost, CAT_SPIN, 0, -1);
		return;
	}
	drop_p(s, m);
}

/* ---- the M's step ---------------------------------------------------------------- */

/* The blocking netpoll returned (ready fds, its timeout, or a break). */
static void netpoll_return(struct gmp *s, struct gmp_m *m)
{
	eq_cancel(&run_of(s)->sim.q, &s->netpoll_ev);
	s->lastpoll = now_of(s);
	s->poll_until = 0;
	s->poller = NULL;
	struct task_fifo list = { 0 };
	gmp_netpoll(s, &list);
	struct gmp_p *p = gmp_pidleget(s);
	if (!p) {
		gmp_injectglist(s, &list, NULL);
		gmp_stopm(s, m);
		return;
	}
	gmp_acquirep(m, p);
	struct task *g = tq_pop(&list);
	if (g) {
		gmp_make_runnable(s, g, G_WAITING, m);
		gmp_injectglist(s, &list, m);
		gmp_execute(s, m, g, false);
		return;
	}
	m->phase = M_SCHEDULE;
	gmp_owe_runtime(m, s->cfg.schedule);
}

/* Work conservation: how long a P stays idle while Gs wait in queues. */
void gmp_watch_starvation(struct gmp *s)
{
	bool starved = s->npidle > 0 && s->nqueued > 0;
	if (starved && s->starved_since < 0)
		s->starved_since = now_of(s);
	if (!starved && s->starved_since >= 0) {
		sim_ns d = now_of(s) - s->starved_since;
		if (d > s->starved_max)
			s->starved_max = d;

		s->starved_since = -1;
	}
}

/* One decision of the M in its phase: it either hands the thread to the
 * kernel (a burst, a block) or owes the decision's CPU and moves on. */
static void m_decide(struct gmp *s, struct gmp_m *m)
{
	struct kern *k = &run_of(s)->kern;
	switch (m->phase) {
	case M_SCHEDULE:
		schedule(s, m);
		return;
	case M_RUN_G:
		gmp_run_g(s, m);
		return;
	case M_SPIN_DONE:
		drop_p(s, m);
		return;
	case M_RUNQGRAB_SLEEP:
		runqgrab_usleep(s, m);
		return;
	case M_RUNQGRAB_WAKE:
		runqgrab_wake(s, m);
		return;
	case M_PARKED:  /* woken by startm (or a new thread's start) with nextp */
		gmp_mstart(s, m);
		gmp_acquirep(m, m->nextp);
		m->nextp = NULL;
		m->phase = M_SCHEDULE;
		gmp_owe_kernel(m, kcfg(s)->syscall / 2);
		return;
	case M_NETPOLL:
		netpoll_return(s, m);
		return;
	case M_SYSCALL:  /* entry paid: the kernel blocks the thread */
		m->phase = M_EXITSYSCALL;
		if (m->curg->arg > 0) {
			eq_event_init(&m->curg->ev, gmp_syscall_done_fire);
			sim_after(&run_of(s)->sim, &m->curg->ev, m->curg->arg);
			kern_block(k, m->kt);
			return;
		}
		gmp_exitsyscall(s, m);
		return;
	case M_EXITSYSCALL:
		gmp_exitsyscall(s, m);
		return;
	case M_LOCKED_WAIT:  /* startlockedm handed a P (and uncounted it): run the locked G */
		gmp_acquirep(m, m->nextp);
		m->nextp = NULL;
		gmp_execute(s, m, m->lockedg, false);
		return;
	case M_GC_WORK:
	case M_STW_BEGIN:
	case M_STW_WAIT:
	case M_STW_WORK:
		gmp_gc_step(s, m);
		return;
	case M_SYSMON:
	case M_DEAD:
		return;
	}
}

/* Is the M back from a block (or a syscall's entry)? Its first decision is
 * taken at once: debt it carried across the block is paid after it. */
static bool m_returning(const struct gmp_m *m)
{
	return m->phase == M_SYSCALL || m->phase == M_NETPOLL || m->phase == M_PARKED || m->phase == M_RUNQGRAB_WAKE ||
	       m->phase == M_LOCKED_WAIT || m->phase == M_STW_WAIT;
}

/* Must the M pay its debt before its next decision? When the debt would
 * end at or after the horizon: something else may happen meanwhile. */
static bool m_pays_first(struct gmp *s, struct gmp_m *m)
{
	sim_ns debt = gmp_m_debt(m);
	return debt > 0 && now_of(s) + debt >= kern_horizon(&run_of(s)->kern, m->kt);
}

static void m_step_inner(struct kern *k, struct kthread *kt);

void gmp_m_step(struct kern *k, struct kthread *kt)
{
	m_step_inner(k, kt);
	gmp_watch_starvation(gmp_of(k->ctx));
#ifdef GMP_PIDX_CHECK
	gmp_pidx_verify(gmp_of(k->ctx));
#endif
}

/* The M decides until the kernel has its thread: iteratively, as long as
 * its debt ends before anything else happens (see the essay). */
static void m_step_inner(struct kern *k, struct kthread *kt)
{
	struct gmp_m *m = kt->owner;
	struct gmp *s = gmp_of(k->ctx);
	if (m->phase == M_SYSMON) {
		gmp_sysmon_step(s);
		gmp_trace_sync(s, NULL);
		return;
	}
	if (m_returning(m)) {
		m->clock = now_of(s);
		m_decide(s, m);
		gmp_trace_sync(s, m);
	}
	while (kern_stepping(k, kt)) {
		if (m_pays_first(s, m)) {
			gmp_m_burst(s, m, 0, CAT_RUNTIME, 0, -1);
			return;
		}
		m->clock = now_of(s) + gmp_m_debt(m);
		m_decide(s, m);
		gmp_trace_sync(s, m);
	}
}
