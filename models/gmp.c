/* models/gmp.c — the Go GMP scheduler (Go 1.19 runtime/proc.go) on the
 * kernel model.
 *
 * Design essay. The runtime multiplexes goroutines (G) onto OS threads (M);
 * an M must hold a processor (P) to run Go code, and there are GOMAXPROCS
 * Ps. Here an M is a kernel thread of models/kernel.c, so it pays for
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
 * Not modelled yet: GC, channels, mutexes, cgo and LockOSThread (a later
 * issue), gFree-list stack reuse, the template thread, checkdead.
 * Must not reach into the kernel's internals: only kernel.h's calls.
 */
#include "gmp.h"
#include "run.h"
#include "rng.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void m_step(struct kern *k, struct kthread *kt);
static const struct kern_owner_ops m_ops = { .step = m_step };
static void schedule(struct gmp *s, struct gmp_m *m);

struct gmp *gmp_of(struct run *r) { return r->mstate; }

static struct run *run_of(struct gmp *s) { return s->run; }
static sim_ns now_of(struct gmp *s) { return s->run->sim.now; }
static const struct kernel_cfg *kcfg(struct gmp *s) { return &s->run->sc->kernel; }

/* ---- G state machine (runtime2.go, proc.go:casgstatus) ---------------- */

static const bool legal_g[G_NSTATES][G_NSTATES] = {
	[G_IDLE] = { [G_RUNNABLE] = true, [G_DEAD] = true },
	[G_RUNNABLE] = { [G_RUNNING] = true },
	[G_RUNNING] = { [G_RUNNABLE] = true, [G_WAITING] = true, [G_SYSCALL] = true, [G_DEAD] = true },
	[G_SYSCALL] = { [G_RUNNING] = true, [G_RUNNABLE] = true },
	[G_WAITING] = { [G_RUNNABLE] = true },
	[G_DEAD] = { [G_RUNNABLE] = true },
};

void gmp_casgstatus(struct task *g, enum gstatus from, enum gstatus to)
{
	if (g->gstate != from || !legal_g[from][to]) {
		fprintf(stderr, "gmpsim: gmp: illegal G transition %d -> %d (G is in %d)\n",
			from, to, g->gstate);
		abort();
	}
	g->gstate = (uint8_t)to;
}

/* runtime2.go: P status transitions (Pgcstop and Pdead come with GC and
 * procresize). */
static const bool legal_p[P_NSTATES][P_NSTATES] = {
	[P_IDLE] = { [P_RUNNING] = true },
	[P_RUNNING] = { [P_IDLE] = true, [P_SYSCALL] = true },
	[P_SYSCALL] = { [P_IDLE] = true },
};

void gmp_caspstatus(struct gmp_p *p, enum pstatus from, enum pstatus to)
{
	if (p->status != from || !legal_p[from][to]) {
		fprintf(stderr, "gmpsim: gmp: illegal P transition %d -> %d (P%d is in %d)\n",
			from, to, p->id, p->status);
		abort();
	}
	p->status = (uint8_t)to;
}

/* CPU the M owes for decisions already taken. */
static sim_ns m_debt(const struct gmp_m *m)
{
	sim_ns d = 0;
	for (int c = 0; c < CAT_IDLE; c++)
		d += m->debt[c];
	return d;
}

/* The instant of the M's current decision: when it would be taken had the
 * M paid its earlier debt first (now without an M, or outside its step). */
static sim_ns m_clock(struct gmp *s, const struct gmp_m *m)
{
	return m && m->clock > now_of(s) ? m->clock : now_of(s);
}

/* A burst of `work` opened by the M's debt as its prefix; the debt is paid. */
static void m_burst(struct gmp *s, struct gmp_m *m, sim_ns work, enum cpu_cat cat,
		    double mem, int home)
{
	kern_run_pre(&run_of(s)->kern, m->kt, m->debt, work, cat, mem, home);
	memset(m->debt, 0, sizeof m->debt);
}

/* A G becomes runnable, made so by M `by` (NULL: from outside an M), at
 * by's clock (for the scheduling-latency profile). */
static void make_runnable(struct gmp *s, struct task *g, enum gstatus from, struct gmp_m *by)
{
	gmp_casgstatus(g, from, G_RUNNABLE);
	g->t_ready = m_clock(s, by);
}

static void record_schedlat(struct gmp *s, sim_ns lat)
{
	if (s->nschedlat == s->capschedlat) {
		s->capschedlat = s->capschedlat ? 2 * s->capschedlat : 4096;
		s->schedlat = realloc(s->schedlat, sizeof *s->schedlat * (size_t)s->capschedlat);
		if (!s->schedlat) {
			fprintf(stderr, "gmpsim: out of memory (scheduling latencies)\n");
			abort();
		}
	}
	s->schedlat[s->nschedlat++] = lat;
}

/* ---- Ms ---------------------------------------------------------------------- */

static void acquirep(struct gmp_m *m, struct gmp_p *p)
{
	assert(!m->p);
	gmp_caspstatus(p, P_IDLE, P_RUNNING);
	m->p = p;
	p->m = m;
}

static struct gmp_p *releasep(struct gmp_m *m)
{
	struct gmp_p *p = m->p;
	assert(p && p->m == m);
	gmp_caspstatus(p, P_RUNNING, P_IDLE);
	m->p = NULL;
	p->m = NULL;
	return p;
}

static void owe(struct gmp_m *by, enum cpu_cat cat, sim_ns ns)
{
	if (by)
		by->debt[cat] += ns;
}

static void owe_kernel(struct gmp_m *by, sim_ns ns) { owe(by, CAT_KERNEL, ns); }
static void owe_runtime(struct gmp_m *by, sim_ns ns) { owe(by, CAT_RUNTIME, ns); }

/* proc.go:newm — a new kernel thread; its creator pays the clone. */
struct gmp_m *gmp_newm(struct gmp *s, struct gmp_m *by, enum m_phase phase)
{
	if (s->nm >= s->cfg.maxmcount) {
		run_fail(run_of(s), "gmp: runtime: program exceeds %lld-thread limit (fatal error: thread exhaustion)",
			 (long long)s->cfg.maxmcount);
		return NULL;
	}
	if (s->nm == s->capm) {
		s->capm = s->capm ? 2 * s->capm : 64;
		s->allm = realloc(s->allm, sizeof *s->allm * (size_t)s->capm);
	}
	struct gmp_m *m = s->allm ? calloc(1, sizeof *m) : NULL;
	if (!m) {
		fprintf(stderr, "gmpsim: out of memory (Ms)\n");
		abort();
	}
	m->id = s->nm;
	m->phase = (uint8_t)phase;
	s->allm[s->nm++] = m;
	int near = by && by->kt ? by->kt->core : 0;
	m->kt = kern_create(&run_of(s)->kern, &m_ops, m, s->cfg.mstack, near);
	if (!m->kt) {
		run_fail(run_of(s), "gmp: runtime: failed to create new OS thread (have %d already; "
			 "kernel.max_threads or kernel.memory reached)", s->nm - 1);
		return NULL;
	}
	s->st.ms_created++;
	if (s->nm > s->st.peak_ms)
		s->st.peak_ms = s->nm;
	owe_kernel(by, kcfg(s)->thread_create);
	return m;
}

/* proc.go:startm — run p (or an idle P) on an idle M, or a new one. */
void gmp_startm(struct gmp *s, struct gmp_p *p, bool spinning, struct gmp_m *by)
{
	if (!p) {
		p = gmp_pidleget(s);
		if (!p) {
			if (spinning)
				s->nmspinning--;
			return;
		}
	}
	struct gmp_m *m = s->midle;
	if (!m) {
		m = gmp_newm(s, by, M_PARKED);
		if (!m)
			return;
		m->spinning = spinning;
		m->nextp = p;
		return;  /* a new thread starts in M_PARKED and acquires nextp */
	}
	s->midle = m->schedlink;
	s->nmidle--;
	m->schedlink = NULL;
	m->spinning = spinning;
	m->nextp = p;
	owe_kernel(by, kcfg(s)->syscall + kcfg(s)->wake_cost);  /* notewakeup: futex wake */
	kern_wake_after(&run_of(s)->kern, m->kt, by && by->kt ? by->kt->core : -1,
			m_clock(s, by) - now_of(s));
}

/* proc.go:wakep — one more spinning M, if a P is idle and none spins. */
void gmp_wakep(struct gmp *s, struct gmp_m *by)
{
	if (s->npidle == 0 || s->nmspinning != 0)
		return;
	s->nmspinning++;
	gmp_startm(s, NULL, true, by);
}

static void netpoll_break(struct gmp *s, struct gmp_m *by);

/* proc.go:wakeNetPoller — a timer at `when` was added. */
static void wake_netpoller(struct gmp *s, sim_ns when, struct gmp_m *by)
{
	if (s->lastpoll == 0) {
		if (s->pollUntil == 0 || s->pollUntil > when)
			netpoll_break(s, by);
		return;
	}
	gmp_wakep(s, by);
}

/* proc.go:handoffp — the decision list for a P without an M (§4). */
void gmp_handoffp(struct gmp *s, struct gmp_p *p, struct gmp_m *by)
{
	s->st.handoffs++;
	gmp_caspstatus(p, P_SYSCALL, P_IDLE);
	p->m = NULL;
	if (!gmp_runqempty(p) || s->runq.len > 0) {
		gmp_startm(s, p, false, by);
		return;
	}
	if (s->nmspinning + s->npidle == 0) {
		s->nmspinning++;
		gmp_startm(s, p, true, by);
		return;
	}
	if (s->npidle == s->nprocs - 1 && s->lastpoll != 0) {
		gmp_startm(s, p, false, by);
		return;
	}
	gmp_pidleput(s, p);
	sim_ns when = gmp_nexttimer(p);
	if (when != SIM_NS_MAX)
		wake_netpoller(s, when, by);
}

/* proc.go:ready — into the readying M's P's runnext, then wakep. */
void gmp_ready(struct gmp *s, struct task *g, struct gmp_m *by)
{
	make_runnable(s, g, G_WAITING, by);
	owe_runtime(by, s->cfg.runqput);
	gmp_runqput(s, by->p, g, true);
	gmp_wakep(s, by);
}

/* proc.go:injectglist — Gs from netpoll: one per idle P to the global queue
 * with an M started for each, the rest to the local queue (never runnext). */
void gmp_injectglist(struct gmp *s, struct task_fifo *list, struct gmp_m *by)
{
	for (struct task *g = list->head; g; g = g->next)
		make_runnable(s, g, G_WAITING, by);
	if (!by || !by->p) {
		int64_t n = list->len;
		struct task *g;
		while ((g = tq_pop(list)))
			gmp_globrunqput(s, g);
		for (int64_t i = 0; i < n && s->npidle > 0; i++)
			gmp_startm(s, NULL, false, by);
		return;
	}
	int64_t npidle = s->npidle;
	for (int64_t i = 0; i < npidle && list->len > 0; i++) {
		gmp_globrunqput(s, tq_pop(list));
		gmp_startm(s, NULL, false, by);
	}
	struct task *g;
	while ((g = tq_pop(list))) {
		owe_runtime(by, s->cfg.runqput);
		gmp_runqput(s, by->p, g, false);
	}
}

/* proc.go:stopm — park on the idle M list until startm hands a P. */
static void stopm(struct gmp *s, struct gmp_m *m)
{
	assert(!m->p && !m->spinning);
	m->phase = M_PARKED;
	m->schedlink = s->midle;
	s->midle = m;
	s->nmidle++;
	kern_block(&run_of(s)->kern, m->kt);
}

/* ---- netpoll ----------------------------------------------------------------- */

/* Wakes the M blocked in netpoll, at the instant `by` decided to (NULL: an
 * interrupt, now). */
static void wake_poller(struct gmp *s, int core, struct gmp_m *by)
{
	struct gmp_m *m = s->poller;
	if (m && kern_blocked(m->kt))
		kern_wake_after(&run_of(s)->kern, m->kt, core, m_clock(s, by) - now_of(s));
}

/* proc.go:netpollBreak — write to the wake-up pipe of the polling M. */
static void netpoll_break(struct gmp *s, struct gmp_m *by)
{
	owe_kernel(by, kcfg(s)->syscall);
	wake_poller(s, by && by->kt ? by->kt->core : -1, by);
}

/* g's fd became ready: epoll has an event for it. */
static void fd_ready(struct gmp *s, struct task *g)
{
	tq_push(&s->netready, g);
	if (s->lastpoll == 0)
		wake_poller(s, -1, NULL);
}

/* A `net` op's wait is over. */
static void net_ready_fire(struct sim *sim, struct eq_event *ev)
{
	fd_ready(gmp_of(sim->ctx), (struct task *)((char *)ev - offsetof(struct task, ev)));
}

/* A connection arrives on the listening socket (model_ops.accept). */
void gmp_accept_arrival(struct gmp *s, struct task *conn)
{
	tq_push(&s->backlog, conn);
	if (s->accept_parked) {
		s->accept_parked = false;
		fd_ready(s, s->accept_g);
	}
}

/* netpoll.go:netpoll — take up to 128 ready Gs. */
void gmp_netpoll(struct gmp *s, struct task_fifo *out)
{
	s->st.netpoll_calls++;
	for (int i = 0; i < 128 && s->netready.len > 0; i++) {
		struct task *g = tq_pop(&s->netready);
		s->netpollWaiters--;
		tq_push(out, g);
	}
}

/* The blocking netpoll's timeout. */
void gmp_netpoll_timeout_fire(struct sim *sim, struct eq_event *ev)
{
	(void)ev;
	wake_poller(gmp_of(sim->ctx), -1, NULL);
}

/* ---- executing a G ------------------------------------------------------------- */

/* proc.go:execute — curg runs after the user-level switch (gogo). */
static void execute(struct gmp *s, struct gmp_m *m, struct task *g, bool inherit)
{
	if (!inherit) {
		m->p->schedtick++;
		m->p->slice_start = m_clock(s, m);
	}
	gmp_casgstatus(g, G_RUNNABLE, G_RUNNING);
	g->gpreempt = 0;
	g->kt = m->kt;
	m->curg = g;
	m->inherit = inherit;
	owe_runtime(m, s->cfg.gogo);
	record_schedlat(s, now_of(s) + m_debt(m) - g->t_ready);  /* it runs once gogo is paid */
	m->phase = M_RUN_G;
}

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
	execute(s, m, g, inherit);
}

/* The G leaves the M for the scheduler (park, exit, preemption). */
static void to_schedule(struct gmp *s, struct gmp_m *m, sim_ns cost, enum cpu_cat cat)
{
	m->curg = NULL;
	m->phase = M_SCHEDULE;
	owe(m, cat, cost + s->cfg.schedule);
}

/* proc.go:gopreempt_m → goschedImpl: the G goes to the global queue tail. */
static void gopreempt(struct gmp *s, struct gmp_m *m, struct task *g)
{
	g->gpreempt = 0;
	s->st.preemptions++;
	sim_ns ran = m_clock(s, m) - m->p->slice_start;
	if (s->st.preemptions == 1 || ran < s->st.slice_min)
		s->st.slice_min = ran;
	if (ran > s->st.slice_max)
		s->st.slice_max = ran;
	make_runnable(s, g, G_RUNNING, m);
	gmp_globrunqput(s, g);
	to_schedule(s, m, s->cfg.signal, CAT_RUNTIME);
}

/* proc.go:goexit0 — the G is done; a waiting parent is readied by this M. */
static void goexit0(struct gmp *s, struct gmp_m *m, struct task *g)
{
	gmp_casgstatus(g, G_RUNNING, G_DEAD);
	m->curg = NULL;
	s->current = m;  /* a waiting parent is readied into this M's P */
	wl_task_done(&run_of(s)->wl, g, m->kt->core);
	s->current = NULL;
	to_schedule(s, m, 0, CAT_RUNTIME);
}

/* proc.go:park_m — the G waits; the M schedules. */
static void gopark(struct gmp *s, struct gmp_m *m, struct task *g, sim_ns cost, enum cpu_cat cat)
{
	gmp_casgstatus(g, G_RUNNING, G_WAITING);
	to_schedule(s, m, cost, cat);
}

/* time.go:timeSleep — park on a timer of this P's heap. */
static void time_sleep(struct gmp *s, struct gmp_m *m, struct task *g, sim_ns d)
{
	g->when = m_clock(s, m) + d;
	g->phase = GP_NEXT;
	gmp_addtimer(m->p, g);
	wake_netpoller(s, g->when, m);
	gopark(s, m, g, s->cfg.runqput, CAT_RUNTIME);
}

/* internal/poll: the read returns EAGAIN; netpollblock parks the G. */
static void net_wait(struct gmp *s, struct gmp_m *m, struct task *g, sim_ns d)
{
	g->phase = GP_NET_RETRY;
	s->netpollWaiters++;
	eq_event_init(&g->ev, net_ready_fire);
	sim_at(&run_of(s)->sim, &g->ev, m_clock(s, m) + d);
	gopark(s, m, g, kcfg(s)->syscall, CAT_KERNEL);
}

/* proc.go:reentersyscall — the P is lent (Psyscall), not handed off. */
static void entersyscall(struct gmp *s, struct gmp_m *m, struct task *g, sim_ns d)
{
	struct gmp_p *p = m->p;
	gmp_casgstatus(g, G_RUNNING, G_SYSCALL);
	m->syscalltick = p->syscalltick;
	gmp_caspstatus(p, P_RUNNING, P_SYSCALL);
	p->m = NULL;
	m->oldp = p;
	m->p = NULL;
	g->arg = d;
	g->phase = GP_SYSCALL_RET;
	if (s->sysmon_deep)
		gmp_sysmon_wake(s);  /* proc.go:entersyscall_sysmon */
	m->phase = M_SYSCALL;
	m_burst(s, m, kcfg(s)->syscall / 2, CAT_KERNEL, 0, -1);
}

static void syscall_done_fire(struct sim *sim, struct eq_event *ev)
{
	struct task *g = (struct task *)((char *)ev - offsetof(struct task, ev));
	(void)sim;
	struct gmp_m *m = g->kt->owner;
	kern_wake(&gmp_of(sim->ctx)->run->kern, m->kt, -1);
}

/* proc.go:exitsyscall — fast path: the old P, else any idle P; slow path
 * (exitsyscall0): the G to the global queue and stopm. */
static void exitsyscall(struct gmp *s, struct gmp_m *m)
{
	struct task *g = m->curg;
	struct gmp_p *p = m->oldp;
	m->oldp = NULL;
	if (p && p->status == P_SYSCALL) {  /* exitsyscallfast: CAS Psyscall → Pidle, wirep */
		gmp_caspstatus(p, P_SYSCALL, P_IDLE);
		acquirep(m, p);
	} else if (s->pidle) {
		acquirep(m, gmp_pidleget(s));
		if (s->sysmon_deep)
			gmp_sysmon_wake(s);  /* exitsyscallfast_pidle */
	} else {
		make_runnable(s, g, G_SYSCALL, m);
		gmp_globrunqput(s, g);
		m->curg = NULL;
		if (s->sysmon_deep)
			gmp_sysmon_wake(s);  /* exitsyscall0 */
		stopm(s, m);
		return;
	}
	m->p->syscalltick++;
	gmp_casgstatus(g, G_SYSCALL, G_RUNNING);
	m->phase = M_RUN_G;
	owe_kernel(m, kcfg(s)->syscall - kcfg(s)->syscall / 2);
}

/* proc.go:newproc for a G that already exists as a task (a connection). */
static void newproc_task(struct gmp *s, struct gmp_m *m, struct task *g)
{
	g->timer_pos = -1;
	make_runnable(s, g, G_IDLE, m);
	gmp_runqput(s, m->p, g, true);
	gmp_wakep(s, m);
}

/* The server's accepting goroutine: `for { c := ln.Accept(); go serve(c) }`.
 * Accept parks it in netpoll when the backlog is empty (EAGAIN). */
static void accept_run(struct gmp *s, struct gmp_m *m, struct task *g)
{
	struct run *r = run_of(s);
	if (g->gpreempt) {
		g->phase = GP_NEXT;
		gopreempt(s, m, g);
		return;
	}
	if (g->phase == GP_SPAWN && s->accept_cur) {  /* accepted: go serve(c) */
		newproc_task(s, m, s->accept_cur);
		s->accept_cur = NULL;
		g->phase = GP_NEXT;
		owe_runtime(m, s->cfg.newproc + s->cfg.runqput);
		return;
	}
	struct task *conn = tq_pop(&s->backlog);
	if (conn) {
		s->accept_cur = conn;
		g->phase = GP_SPAWN;
		owe_kernel(m, r->sc->acceptor.accept);
		return;
	}
	g->phase = GP_NEXT;
	s->accept_parked = true;
	s->netpollWaiters++;
	gopark(s, m, g, kcfg(s)->syscall, CAT_KERNEL);
}

/* proc.go:newproc — the child goes to runnext, then wakep. */
static void newproc(struct gmp *s, struct gmp_m *m, struct task *g)
{
	const struct op *op = &run_of(s)->sc->programs[g->prog].ops[g->pc - 1];
	struct task *child = wl_new_child(&run_of(s)->wl, g, op->program, g->spawn_done++);
	child->gstate = G_IDLE;
	child->timer_pos = -1;
	make_runnable(s, child, G_IDLE, m);
	gmp_runqput(s, m->p, child, true);
	gmp_wakep(s, m);
	owe_runtime(m, s->cfg.newproc + s->cfg.runqput);
}

static void start_op(struct gmp *s, struct gmp_m *m, struct task *g, const struct wl_step *op)
{
	switch (op->kind) {
	case OP_CPU:
		g->phase = GP_CPU;
		g->mem = (float)op->mem;
		m_burst(s, m, op->dur, CAT_TASK, op->mem, g->home_node);
		return;
	case OP_SYSCALL:
		entersyscall(s, m, g, op->dur);
		return;
	case OP_NET:
		net_wait(s, m, g, op->dur);
		return;
	case OP_SLEEP:
		time_sleep(s, m, g, op->dur);
		return;
	case OP_SPAWN:
		g->spawn_seq = op->opseq;
		g->spawn_count = op->count;
		g->spawn_done = 0;
		g->spawn_wait = op->wait;
		g->phase = GP_SPAWN;
		newproc(s, m, g);
		return;
	case OP_REPEAT:
		assert(!"wl_next never yields a repeat");
	}
}

/* Runs curg until it needs the kernel (a burst), leaves the M, or takes a
 * decision whose cost the M owes (the step loop then goes on). */
static void run_g(struct gmp *s, struct gmp_m *m)
{
	struct task *g = m->curg;
	struct run *r = run_of(s);
	if (g == s->accept_g) {
		accept_run(s, m, g);
		return;
	}
	if (g->home_node < 0)
		g->home_node = (int16_t)mach_node_of(&r->mach, m->kt->core);
	for (;;) {
		if (g->gpreempt && g->phase != GP_CPU) {
			gopreempt(s, m, g);
			return;
		}
		switch (g->phase) {
		case GP_CPU_PARTIAL:
			g->phase = GP_CPU;
			m_burst(s, m, g->arg, CAT_TASK, g->mem, g->home_node);
			return;
		case GP_SPAWN:
			if (g->spawn_done < g->spawn_count) {
				newproc(s, m, g);
				return;
			}
			g->phase = g->spawn_wait ? GP_JOIN : GP_NEXT;
			continue;
		case GP_JOIN:
			g->phase = GP_NEXT;
			if (g->children_left > 0) {
				g->waiting = 1;  /* sync.WaitGroup.Wait → semacquire → gopark */
				gopark(s, m, g, s->cfg.runqput, CAT_RUNTIME);
				return;
			}
			continue;
		case GP_NET_RETRY:  /* the read now returns data */
			g->phase = GP_NEXT;
			owe_kernel(m, kcfg(s)->syscall);
			return;
		case GP_SYSCALL_RET:
		case GP_CPU:
			g->phase = GP_NEXT;
			continue;
		default:
			break;
		}
		struct wl_step op;
		if (!wl_next(&r->wl, g, &op)) {
			goexit0(s, m, g);
			return;
		}
		start_op(s, m, g, &op);
		return;
	}
}

/* ---- findRunnable ------------------------------------------------------------------ */

/* proc.go:checkTimers — run p's expired timers; their Gs go into the
 * running M's P runnext (time.go:goroutineReady → goready). */
static int check_timers(struct gmp *s, struct gmp_p *p, struct gmp_m *m)
{
	struct task *due[64];
	int n = gmp_expired_timers(p, m_clock(s, m), due, 64), ran = n;
	for (int i = 0; i < n; i++)
		gmp_ready(s, due[i], m);
	s->st.timers_run += (uint64_t)ran;
	return ran;
}

/* proc.go:randomOrder — the numbers coprime with GOMAXPROCS, computed once;
 * each pass starts at a random P and steps by a random coprime stride, both
 * from one draw (enum.start(fastrand())). */
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
			s->coprimes[s->ncoprimes++] = c;
	}
}

/* No P but pp has a G in its queues or a timer: every steal pass would
 * come back empty. Counts the Ps that are not idle into *busy. */
static bool nothing_to_steal(struct gmp *s, struct gmp_p *pp, int *busy)
{
	int64_t local = s->nqueued - s->runq.len - gmp_runqlen(pp) - (pp->runnext != NULL);
	if (local > 0)
		return false;
	*busy = 0;
	for (int i = 0; i < s->nprocs; i++) {
		const struct gmp_p *p2 = &s->allp[i];
		if (p2 == pp)
			continue;
		if (p2->ntimers > 0)
			return false;
		*busy += p2->status != P_IDLE;
	}
	return true;
}

/* proc.go:stealWork — 4 passes over all Ps in random order; timers and
 * runnext only on the last. Returns a G and the CPU the passes cost. When
 * nothing can be stolen the passes' outcome is known: the same draws,
 * attempts and cost without visiting the Ps. */
static struct task *steal_work(struct gmp *s, struct gmp_m *m, sim_ns *cost)
{
	struct gmp_p *pp = m->p;
	int n = s->nprocs, busy;
	*cost = 0;
	if (nothing_to_steal(s, pp, &busy)) {
		for (int i = 0; i < GMP_STEAL_TRIES; i++)
			gsl_rng_get(s->rng);
		*cost = (sim_ns)GMP_STEAL_TRIES * (n - 1) * s->cfg.steal;
		s->st.steal_attempts += (uint64_t)GMP_STEAL_TRIES * (uint64_t)busy;
		return NULL;
	}
	for (int i = 0; i < GMP_STEAL_TRIES; i++) {
		bool last = i == GMP_STEAL_TRIES - 1;
		uint32_t r = (uint32_t)gsl_rng_get(s->rng);
		int pos = (int)(r % (uint32_t)n);
		int inc = s->coprimes[(r / (uint32_t)n) % (uint32_t)s->ncoprimes];
		for (int j = 0; j < n; j++, pos = pos + inc >= n ? pos + inc - n : pos + inc) {
			struct gmp_p *p2 = &s->allp[pos];
			if (p2 == pp)
				continue;
			*cost += s->cfg.steal;
			if (last && p2->ntimers > 0 && check_timers(s, p2, m) > 0) {
				bool inherit;
				struct task *g = gmp_runqget(s, pp, &inherit);
				if (g)
					return g;
			}
			if (p2->status == P_IDLE)
				continue;
			s->st.steal_attempts++;
			uint32_t before = gmp_runqlen(pp);
			bool had_next = p2->runnext != NULL && gmp_runqlen(p2) == 0;
			struct task *g = gmp_runqsteal(s, pp, p2, last);
			if (g) {
				if (had_next && p2->status == P_RUNNING)
					*cost += s->cfg.runnext_backoff;
				s->st.steals++;
				s->st.stolen_gs += 1 + gmp_runqlen(pp) - before;
				return g;
			}
		}
	}
	return NULL;
}

/* Any P (not idle) with a runnable G? proc.go:checkRunqsNoP */
static bool any_runq(struct gmp *s)
{
	for (int i = 0; i < s->nprocs; i++)
		if (s->allp[i].status != P_IDLE && !gmp_runqempty(&s->allp[i]))
			return true;
	return false;
}

/* proc.go:findRunnable steps 15-16: block in netpoll (one M only), else stopm. */
static void block_or_stop(struct gmp *s, struct gmp_m *m)
{
	sim_ns next = gmp_earliest_timer(s);
	if ((s->netpollWaiters > 0 || next != SIM_NS_MAX) && s->lastpoll != 0) {
		s->lastpoll = 0;
		s->st.netpoll_blocking++;
		s->poller = m;
		m->phase = M_NETPOLL;
		s->pollUntil = next == SIM_NS_MAX ? 0 : next;
		if (next != SIM_NS_MAX) {
			sim_ns delay = next - now_of(s);
			if (delay < SIM_NS_PER_MS)
				delay = SIM_NS_PER_MS;  /* netpoll_epoll.go: waits below 1 ms round up */
			eq_cancel(&run_of(s)->sim.q, &s->netpoll_ev);
			sim_after(&run_of(s)->sim, &s->netpoll_ev, delay);
		}
		if (s->netready.len > 0) {  /* epoll_wait returns at once */
			m->phase = M_NETPOLL;
			owe_kernel(m, s->cfg.netpoll);
			return;
		}
		kern_block(&run_of(s)->kern, m->kt);
		return;
	}
	stopm(s, m);
}

/* proc.go:findRunnable steps 13-14: give up the P; a spinning M re-checks. */
static void drop_p(struct gmp *s, struct gmp_m *m)
{
	struct task *g = gmp_globrunqget(s, m->p, 0);
	if (g) {
		found(s, m, g, false);
		return;
	}
	bool was_spinning = m->spinning;
	gmp_pidleput(s, releasep(m));
	if (was_spinning) {
		m->spinning = false;
		s->nmspinning--;
		if (any_runq(s) && s->pidle) {
			acquirep(m, gmp_pidleget(s));
			m->spinning = true;
			s->nmspinning++;
			m->phase = M_SCHEDULE;
			owe(m, CAT_SPIN, s->cfg.schedule);
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
	if (!g && s->netpollWaiters > 0 && s->lastpoll != 0) {
		struct task_fifo list = { 0 };
		owe_kernel(m, s->cfg.netpoll);
		gmp_netpoll(s, &list);
		g = tq_pop(&list);
		if (g) {
			make_runnable(s, g, G_WAITING, m);
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
	return !gmp_runqempty(p) || s->runq.len > 0 || gmp_nexttimer(p) <= m_clock(s, m) ||
	       (s->netpollWaiters > 0 && s->lastpoll != 0 && s->netready.len > 0) ||
	       m->spinning || 2 * s->nmspinning < s->nprocs - s->npidle;
}

/* proc.go:schedule + findRunnable (steps 1-12). The steps that may block
 * the M (13-16) are only taken once its debt is paid. */
static void schedule(struct gmp *s, struct gmp_m *m)
{
	if (m_debt(m) > 0 && !will_find_or_spin(s, m)) {
		m_burst(s, m, 0, CAT_RUNTIME, 0, -1);  /* pay, then decide */
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
		g = steal_work(s, m, &cost);
		if (g) {
			owe(m, CAT_SPIN, cost);  /* paid before the G starts */
			found(s, m, g, false);
			return;
		}
		m->phase = M_SPIN_DONE;
		m_burst(s, m, cost, CAT_SPIN, 0, -1);
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
	s->pollUntil = 0;
	s->poller = NULL;
	struct task_fifo list = { 0 };
	gmp_netpoll(s, &list);
	struct gmp_p *p = gmp_pidleget(s);
	if (!p) {
		gmp_injectglist(s, &list, NULL);
		stopm(s, m);
		return;
	}
	acquirep(m, p);
	struct task *g = tq_pop(&list);
	if (g) {
		make_runnable(s, g, G_WAITING, m);
		gmp_injectglist(s, &list, m);
		execute(s, m, g, false);
		return;
	}
	m->phase = M_SCHEDULE;
	owe_runtime(m, s->cfg.schedule);
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
		run_g(s, m);
		return;
	case M_SPIN_DONE:
		drop_p(s, m);
		return;
	case M_PARKED:  /* woken by startm (or a new thread's start) with nextp */
		acquirep(m, m->nextp);
		m->nextp = NULL;
		m->phase = M_SCHEDULE;
		owe_kernel(m, kcfg(s)->syscall / 2);
		return;
	case M_NETPOLL:
		netpoll_return(s, m);
		return;
	case M_SYSCALL:  /* entry paid: the kernel blocks the thread */
		m->phase = M_EXITSYSCALL;
		if (m->curg->arg > 0) {
			eq_event_init(&m->curg->ev, syscall_done_fire);
			sim_after(&run_of(s)->sim, &m->curg->ev, m->curg->arg);
			kern_block(k, m->kt);
			return;
		}
		exitsyscall(s, m);
		return;
	case M_EXITSYSCALL:
		exitsyscall(s, m);
		return;
	}
}

/* Is the M back from a block (or a syscall's entry)? Its first decision is
 * taken at once: debt it carried across the block is paid after it. */
static bool m_returning(const struct gmp_m *m)
{
	return m->phase == M_SYSCALL || m->phase == M_NETPOLL || m->phase == M_PARKED;
}

/* Must the M pay its debt before its next decision? When the debt would
 * end at or after the horizon: something else may happen meanwhile. */
static bool m_pays_first(struct gmp *s, struct gmp_m *m)
{
	sim_ns debt = m_debt(m);
	return debt > 0 && now_of(s) + debt >= kern_horizon(&run_of(s)->kern, m->kt);
}

static void m_step_inner(struct kern *k, struct kthread *kt);

static void m_step(struct kern *k, struct kthread *kt)
{
	m_step_inner(k, kt);
	gmp_watch_starvation(gmp_of(k->ctx));
}

/* The M decides until the kernel has its thread: iteratively, as long as
 * its debt ends before anything else happens (see the essay). */
static void m_step_inner(struct kern *k, struct kthread *kt)
{
	struct gmp_m *m = kt->owner;
	struct gmp *s = gmp_of(k->ctx);
	if (m->phase == M_SYSMON) {
		gmp_sysmon_step(s);
		return;
	}
	if (m_returning(m)) {
		m->clock = now_of(s);
		m_decide(s, m);
	}
	while (kern_stepping(k, kt)) {
		if (m_pays_first(s, m)) {
			m_burst(s, m, 0, CAT_RUNTIME, 0, -1);
			return;
		}
		m->clock = now_of(s) + m_debt(m);
		m_decide(s, m);
	}
}
