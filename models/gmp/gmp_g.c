/* models/gmp/gmp_g.c — the goroutine side of the gmp model: the G's legal
 * transitions, execute, and what a running G does on its M (run_g): its
 * CPU bursts, time.Sleep, a network read that parks in netpoll, blocking
 * syscalls (entersyscall/exitsyscall), newproc and WaitGroup joins,
 * preemption, exit, and the server's accepting goroutine. Must not pick
 * the next G (gmp.c's schedule does) nor start or park Ms other than
 * through gmp_m.c's calls. */
#include "gmp_sched.h"
#include "bigarr.h"
#include "gmp_trace.h"
#include "run.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>


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

/* The G's timeline state for its status. */
static enum trc_state g_trace_state(enum gstatus st)
{
	switch (st) {
	case G_RUNNABLE: return TS_RUNNABLE;
	case G_RUNNING: return TS_RUNNING;
	case G_SYSCALL: return TS_SYSCALL;
	case G_WAITING: return TS_WAITING;
	default: return TS_NONE;
	}
}

static void g_trace(struct gmp *s, struct task *g, enum gstatus to, sim_ns t)
{
	if (!g->goid)
		g->goid = ++s->goid_next;
	const struct kthread *kt = to == G_RUNNING || to == G_SYSCALL ? g->kt : NULL;
	int64_t m = kt && kt->owner ? ((const struct gmp_m *)kt->owner)->id : -1;
	trc_set(gmp_trc(s), TRC_G, (int32_t)(g->goid & INT32_MAX), g_trace_state(to), m, t);
}

void gmp_gstatus(struct gmp *s, struct task *g, enum gstatus from, enum gstatus to, sim_ns t)
{
	gmp_casgstatus(g, from, to);
	if (__builtin_expect(gmp_trc(s) != NULL, 0))
		g_trace(s, g, to, t);
}

/* A G becomes runnable, made so by M `by` (NULL: from outside an M), at
 * by's clock (for the scheduling-latency profile). */
void gmp_make_runnable(struct gmp *s, struct task *g, enum gstatus from, struct gmp_m *by)
{
	g->t_ready = gmp_m_clock(s, by);
	gmp_gstatus(s, g, from, G_RUNNABLE, g->t_ready);
	if (from == G_WAITING || from == G_IDLE)  /* not on an M: it waits for one from now */
		tb_off(wl_tb(&run_of(s)->wl, g), TB_SCHED, now_of(s));
}

/* The G leaves its M (the M's thread no longer carries its time) and
 * waits in part `part` from now. */
static void g_leave(struct gmp *s, struct gmp_m *m, struct task *g, enum tb_part part)
{
	kern_carry(&run_of(s)->kern, m->kt, NULL);
	tb_off(wl_tb(&run_of(s)->wl, g), part, now_of(s));
}

static void record_schedlat(struct gmp *s, sim_ns lat)
{
	GROW_BIG(s->schedlat, s->nschedlat + 1, s->capschedlat, 4096, "scheduling latencies");
	s->schedlat[s->nschedlat++] = lat;
}

/* ---- executing a G ------------------------------------------------------------- */

/* proc.go:execute — curg runs after the user-level switch (gogo). */
void gmp_execute(struct gmp *s, struct gmp_m *m, struct task *g, bool inherit)
{
	if (!inherit) {
		m->p->schedtick++;
		m->p->slice_start = gmp_m_clock(s, m);
	}
	g->gpreempt = s->gc.waiting;  /* a G started while the world stops (a locked G) stops at once */
	g->kt = m->kt;
	kern_carry(&run_of(s)->kern, m->kt, wl_tb(&run_of(s)->wl, g));
	gmp_gstatus(s, g, G_RUNNABLE, G_RUNNING, now_of(s) + gmp_m_debt(m) + s->cfg.gogo);
	m->curg = g;
	m->inherit = inherit;
	gmp_owe_runtime(m, s->cfg.gogo);
	record_schedlat(s, now_of(s) + gmp_m_debt(m) - g->t_ready);  /* it runs once gogo is paid */
	m->phase = M_RUN_G;
}

/* The G leaves the M for the scheduler (park, exit, preemption), waiting
 * in part `part` (g NULL: it has ended). */
static void to_schedule(struct gmp *s, struct gmp_m *m, struct task *g, enum tb_part part,
			sim_ns cost, enum cpu_cat cat)
{
	if (g)
		g_leave(s, m, g, part);
	m->curg = NULL;
	m->phase = M_SCHEDULE;
	gmp_owe(m, cat, cost + s->cfg.schedule);
}

/* proc.go:gopreempt_m → goschedImpl: the G goes to the global queue tail. */
/* proc.go:Gosched → gosched_m → goschedImpl: the G goes to the global
 * queue's tail and the M schedules. */
static void gosched(struct gmp *s, struct gmp_m *m, struct task *g)
{
	g->phase = --g->arg > 0 ? GP_YIELD : GP_NEXT;
	gmp_make_runnable(s, g, G_RUNNING, m);
	gmp_globrunqput(s, g);
	to_schedule(s, m, g, TB_SCHED, s->cfg.runqput, CAT_RUNTIME);
}

static void gopreempt(struct gmp *s, struct gmp_m *m, struct task *g)
{
	g->gpreempt = 0;
	s->st.preemptions++;
	sim_ns ran = gmp_m_clock(s, m) - m->p->slice_start;
	if (s->st.preemptions == 1 || ran < s->st.slice_min)
		s->st.slice_min = ran;
	if (ran > s->st.slice_max)
		s->st.slice_max = ran;
	gmp_make_runnable(s, g, G_RUNNING, m);
	gmp_globrunqput(s, g);
	/* preempted for a stop-the-world: it waits for the collector */
	to_schedule(s, m, g, s->gc.waiting ? TB_GC : TB_SCHED, s->cfg.signal, CAT_RUNTIME);
}

/* proc.go:gfput — a dead G goes to its P's free list with its stack; at
 * 64 the P moves Gs to the global list until 32 are left. The model keeps
 * only the stack's NUMA home (memhome.h), and only on a multi-node
 * machine: the stack's bytes are counted anew for every G. */
static void gfput(struct gmp *s, struct gmp_p *p, struct task *g)
{
	if (!p || g->home_node == -1 || run_of(s)->mach.nnodes == 1)
		return;
	p->gfree_home[p->ngfree++] = (int8_t)g->home_node;
	if (p->ngfree < GMP_GFREE_MAX)
		return;
	while (p->ngfree >= GMP_GFREE_MAX / 2) {
		GROW(s->gfree_home, s->ngfree + 1, s->capgfree, 256, "goroutine free list");
		s->gfree_home[s->ngfree++] = p->gfree_home[--p->ngfree];
	}
}

/* proc.go:gfget — a G from the P's free list, refilled with up to 32 from
 * the global one when empty: the home of its stack, or -1 (none: a new
 * stack, stackalloc from the P's stackcache, first written by the M that
 * first runs the G). */
static int gfget(struct gmp *s, struct gmp_p *p)
{
	if (!p)
		return -1;
	if (p->ngfree == 0)
		while (p->ngfree < GMP_GFREE_MAX / 2 && s->ngfree > 0)
			p->gfree_home[p->ngfree++] = s->gfree_home[--s->ngfree];
	return p->ngfree > 0 ? p->gfree_home[--p->ngfree] : -1;
}

/* proc.go:goexit0 — the G is done; a waiting parent is readied by this M. */
static void goexit0(struct gmp *s, struct gmp_m *m, struct task *g)
{
	gmp_gstatus(s, g, G_RUNNING, G_DEAD, gmp_m_clock(s, m));
	s->gstack_bytes -= (int64_t)g->gstack_kib * 1024;  /* gfput: the stack goes with the G */
	g->gstack_kib = 0;
	gfput(s, m->p, g);
	m->curg = NULL;
	kern_carry(&run_of(s)->kern, m->kt, NULL);  /* its breakdown closes in wl_task_done */
	s->current = m;  /* a waiting parent is readied into this M's P */
	if (g->failed)   /* a panic that kills only this G (recovered, say) */
		wl_task_failed(&run_of(s)->wl, g, m->kt->core);
	else
		wl_task_done(&run_of(s)->wl, g, m->kt->core);
	s->current = NULL;
	if (g->lockedm) {  /* proc.go:goexit0: a G exiting locked takes its thread */
		g->lockedm = NULL;
		m->lockedg = NULL;
		gmp_handoffp(s, gmp_releasep(m), m);
		m->phase = M_DEAD;
		s->st.ms_exited++;
		kern_exit(&run_of(s)->kern, m->kt);
		return;
	}
	to_schedule(s, m, NULL, TB_SCHED, 0, CAT_RUNTIME);
}

/* proc.go:park_m — the G waits (in part `why`); the M schedules. */
static void gopark(struct gmp *s, struct gmp_m *m, struct task *g, enum tb_part why, sim_ns cost,
		   enum cpu_cat cat)
{
	gmp_gstatus(s, g, G_RUNNING, G_WAITING, gmp_m_clock(s, m));
	to_schedule(s, m, g, why, cost, cat);
}

/* chan.go: chansend / chanrecv / closechan. A released parked G is readied
 * (goready: this P's runnext, wakep); a G that must wait parks on the
 * channel's queue (gopark, chanparkcommit). Returns true when the G goes
 * on running (the caller continues with its next op). */
static bool chan_op(struct gmp *s, struct gmp_m *m, struct task *g, const struct wl_step *op)
{
	struct wl *w = &run_of(s)->wl;
	struct task *wake = NULL;
	struct task_fifo all = { 0 };
	enum chan_result res = op->kind == OP_SEND ? wl_chan_send(w, op->program, g, &wake)
			     : op->kind == OP_RECV ? wl_chan_recv(w, op->program, g, &wake)
						   : wl_chan_close(w, op->program, &all);
	gmp_owe_runtime(m, s->cfg.chan);
	if (res == CH_PANIC) {
		g->failed = 1;
		goexit0(s, m, g);
		return false;
	}
	if (wake)
		tq_push(&all, wake);
	struct task *p;
	while ((p = tq_pop(&all)))
		gmp_ready(s, p, m);
	g->phase = GP_NEXT;
	if (res == CH_BLOCK) {
		gopark(s, m, g, TB_CHAN, 0, CAT_RUNTIME);
		return false;
	}
	return true;
}

void gmp_stack_new(struct gmp *s, struct task *g)
{
	g->gstack_kib = (int32_t)(s->cfg.stack / 1024);
	s->gstack_bytes += (int64_t)g->gstack_kib * 1024;
	if (s->gstack_bytes > s->gstack_peak)
		s->gstack_peak = s->gstack_bytes;
}

void gmp_stack_newproc(struct gmp *s, struct gmp_p *p, struct task *g)
{
	gmp_stack_new(s, g);
	g->home_node = (int16_t)gfget(s, p);
}

/* stack.go:newstack — the stack doubles until the frame plus _StackGuard
 * (928 B) fits; each doubling copies the old stack (copystack). Past
 * maxstacksize the program dies: "fatal error: stack overflow". Returns
 * true when the G goes on. */
static bool stack_grow(struct gmp *s, struct gmp_m *m, struct task *g, int64_t depth)
{
	enum { STACK_GUARD = 928 };
	int64_t size = (int64_t)g->gstack_kib * 1024;
	sim_ns cost = 0;
	while (size < depth + STACK_GUARD && size <= s->cfg.maxstack) {
		cost += (size / 1024) * s->cfg.stack_copy;
		size *= 2;
	}
	if (size > s->cfg.maxstack) {
		run_fail(run_of(s), "gmp: runtime: goroutine stack exceeds %lld-byte limit (fatal error: stack overflow)",
			 (long long)s->cfg.maxstack);
		g->failed = 1;
		goexit0(s, m, g);
		return false;
	}
	s->gstack_bytes += size - (int64_t)g->gstack_kib * 1024;
	if (s->gstack_bytes > s->gstack_peak)
		s->gstack_peak = s->gstack_bytes;
	g->gstack_kib = (int32_t)(size / 1024);
	gmp_owe_runtime(m, cost);
	g->phase = GP_NEXT;
	return true;
}

/* proc.go:sync_runtime_canSpin — sync.Mutex may spin: fewer than 4
 * tries, a multicore machine, another P running, and nothing queued here. */
static bool can_spin(struct gmp *s, struct gmp_m *m, int iter)
{
	return iter < 4 && run_of(s)->sc->numactl.ncpus > 1 && s->nprocs > s->npidle + s->nmspinning + 1 &&
	       gmp_runqempty(m->p);
}

/* sync/mutex.go:(*Mutex).lockSlow — a G that set mutexWoken (spinning) or
 * was woken with it set clears it at its next CAS, whether it takes the
 * lock or queues again (new &^= mutexWoken). */
static void clear_woken(struct wl_mutex *x, struct task *g)
{
	if (g->mx_awoke)
		x->woken = false;
	g->mx_awoke = 0;
}

/* The lock is ours: the critical section, with the lock's cache line. */
static void critical_section(struct gmp *s, struct gmp_m *m, struct task *g)
{
	clear_woken(&run_of(s)->wl.mutexes[g->mx_index], g);
	sim_ns line = wl_mutex_line(&run_of(s)->wl, g->mx_index, m->kt->core);
	g->mx_wait_start = 0;
	g->mx_spins = 0;
	g->phase = GP_UNLOCK;
	gmp_m_burst(s, m, line + g->arg, CAT_TASK, 0, -1);
}

/* sync/mutex.go:(*Mutex).lockSlow — take it, or spin while canSpin (not in
 * starvation mode; the first spinner sets mutexWoken when there are
 * waiters, so Unlock wakes no one), or semacquire (LIFO once it has
 * waited); a woken waiter spins afresh (iter = 0); a waiter woken after
 * waiting more than 1 ms switches the mutex to starvation mode, where
 * Unlock hands it over. */
static void lock_slow(struct gmp *s, struct gmp_m *m, struct task *g)
{
	struct wl_mutex *x = &run_of(s)->wl.mutexes[g->mx_index];
	sim_ns now = gmp_m_clock(s, m);
	if (g->mx_handed) {
		g->mx_handed = 0;
		if (now - g->mx_wait_start < SIM_NS_PER_MS || x->waiters.len == 0)
			x->starving = false;  /* the last or a short waiter leaves starvation */
		critical_section(s, m, g);
		return;
	}
	if (wl_mutex_try(&run_of(s)->wl, g->mx_index, g)) {
		critical_section(s, m, g);
		return;
	}
	if (!x->starving && can_spin(s, m, g->mx_spins)) {
		if (!g->mx_awoke && !x->woken && x->waiters.len > 0) {
			x->woken = true;
			g->mx_awoke = 1;
		}
		g->mx_spins++;
		g->phase = GP_LOCK;
		gmp_m_burst_cz(s, m, s->cfg.procyield, CZ_SPIN_LOCK, 0, -1);
		return;
	}
	bool waited = g->mx_wait_start != 0;
	if (!waited)
		g->mx_wait_start = now;
	else if (now - g->mx_wait_start > SIM_NS_PER_MS)
		x->starving = true;  /* starvationThresholdNs */
	clear_woken(x, g);
	wl_mutex_wait(&run_of(s)->wl, g->mx_index, g, waited);
	g->phase = GP_LOCK;
	gopark(s, m, g, TB_MUTEX, s->cfg.runqput, CAT_RUNTIME);  /* semacquire */
}

/* sync/mutex.go:(*Mutex).Unlock → unlockSlow — wake the first waiter
 * unless a woken or spinning G will retry (mutexWoken): it gets the flag,
 * and spins afresh when it runs (semrelease → goready: this P's runnext,
 * wakep); in starvation mode it owns the lock and the unlocker yields to
 * it (sema.go:semrelease1 → goyield: the unlocker to the local queue's
 * tail, the waiter runs next). Returns true when the G goes on. */
static bool unlock(struct gmp *s, struct gmp_m *m, struct task *g)
{
	struct wl_mutex *x = &run_of(s)->wl.mutexes[g->mx_index];
	g->phase = GP_NEXT;
	if (x->woken && !x->starving) {
		wl_mutex_release(&run_of(s)->wl, g->mx_index);
		return true;
	}
	bool handoff;
	struct task *next = wl_mutex_unlock(&run_of(s)->wl, g->mx_index, g, &handoff);
	if (!next)
		return true;
	next->mx_handed = handoff;
	if (!handoff) {
		x->woken = true;  /* new = (old - 1<<mutexWaiterShift) | mutexWoken */
		next->mx_awoke = 1;
		next->mx_spins = 0;
	}
	gmp_ready(s, next, m);
	if (!handoff)
		return true;
	s->st.goyields++;
	gmp_make_runnable(s, g, G_RUNNING, m);  /* proc.go:goyield_m */
	gmp_runqput(s, m->p, g, false);
	to_schedule(s, m, g, TB_SCHED, s->cfg.runqput, CAT_RUNTIME);
	return false;
}

/* time.go:timeSleep — park on a timer of this P's heap. */
static void time_sleep(struct gmp *s, struct gmp_m *m, struct task *g, sim_ns d)
{
	g->when = gmp_m_clock(s, m) + d;
	g->phase = GP_NEXT;
	gmp_addtimer(m->p, g);
	gmp_wake_netpoller(s, g->when, m);
	gopark(s, m, g, TB_SLEEP, s->cfg.runqput, CAT_RUNTIME);
}

/* internal/poll: the read returns EAGAIN; netpollblock parks the G. */
static void net_wait(struct gmp *s, struct gmp_m *m, struct task *g, sim_ns d)
{
	g->phase = GP_NET_RETRY;
	s->netpoll_waiters++;
	eq_event_init(&g->ev, gmp_net_ready_fire);
	sim_at(&run_of(s)->sim, &g->ev, gmp_m_clock(s, m) + d);
	gopark(s, m, g, TB_NET, kcfg(s)->syscall, CAT_KERNEL);
}

/* proc.go:reentersyscall — the P is lent (Psyscall), not handed off. */
static void entersyscall(struct gmp *s, struct gmp_m *m, struct task *g, sim_ns d)
{
	struct gmp_p *p = m->p;
	gmp_gstatus(s, g, G_RUNNING, G_SYSCALL, gmp_m_clock(s, m));
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
	gmp_m_burst(s, m, kcfg(s)->syscall / 2, CAT_KERNEL, 0, -1);
}

void gmp_syscall_done_fire(struct sim *sim, struct eq_event *ev)
{
	struct task *g = (struct task *)((char *)ev - offsetof(struct task, ev));
	(void)sim;
	struct gmp_m *m = g->kt->owner;
	kern_wake(&gmp_of(sim->ctx)->run->kern, m->kt, -1);
}

/* proc.go:exitsyscall — fast path: the old P, else any idle P; slow path
 * (exitsyscall0): the G to the global queue and stopm. */
void gmp_exitsyscall(struct gmp *s, struct gmp_m *m)
{
	struct task *g = m->curg;
	struct gmp_p *p = m->oldp;
	m->oldp = NULL;
	if (p && p->status == P_SYSCALL) {  /* exitsyscallfast: CAS Psyscall → Pidle, wirep */
		gmp_caspstatus(p, P_SYSCALL, P_IDLE);
		gmp_acquirep(m, p);
	} else if (s->pidle) {
		gmp_acquirep(m, gmp_pidleget(s));
		if (s->sysmon_deep)
			gmp_sysmon_wake(s);  /* exitsyscallfast_pidle */
	} else {
		gmp_make_runnable(s, g, G_SYSCALL, m);
		gmp_globrunqput(s, g);
		g_leave(s, m, g, TB_SCHED);
		m->curg = NULL;
		if (s->sysmon_deep)
			gmp_sysmon_wake(s);  /* exitsyscall0 */
		if (m->lockedg)
			gmp_stoplockedm(s, m);
		else
			gmp_stopm(s, m);
		return;
	}
	m->p->syscalltick++;
	gmp_gstatus(s, g, G_SYSCALL, G_RUNNING, gmp_m_clock(s, m));
	m->phase = M_RUN_G;
	gmp_owe_kernel(m, kcfg(s)->syscall - kcfg(s)->syscall / 2);
}

/* proc.go:newproc for a G that already exists as a task (a connection). */
static void newproc_task(struct gmp *s, struct gmp_m *m, struct task *g)
{
	g->timer_pos = -1;
	gmp_stack_newproc(s, m->p, g);
	gmp_make_runnable(s, g, G_IDLE, m);
	gmp_runqput(s, m->p, g, true);
	gmp_wakep(s, m);
}

/* The server's accepting goroutine: `for { c := ln.Accept(); go serve(c) }`,
 * one per listening socket l. Accept parks it in netpoll when the
 * socket's backlog is empty (EAGAIN). */
static void accept_run(struct gmp *s, struct gmp_m *m, struct task *g, struct gmp_listener *l)
{
	struct run *r = run_of(s);
	if (g->gpreempt) {
		g->phase = GP_NEXT;
		gopreempt(s, m, g);
		return;
	}
	if (g->phase == GP_SPAWN && l->cur) {  /* accepted: go serve(c) */
		newproc_task(s, m, l->cur);
		l->cur = NULL;
		g->phase = GP_NEXT;
		gmp_owe_runtime(m, s->cfg.newproc + s->cfg.runqput);
		return;
	}
	struct task *conn = tq_pop(&l->backlog);
	if (conn) {
		l->cur = conn;
		g->phase = GP_SPAWN;
		gmp_owe_kernel(m, r->sc->acceptor.accept);
		return;
	}
	g->phase = GP_NEXT;
	l->parked = true;
	s->netpoll_waiters++;
	gopark(s, m, g, TB_NET, kcfg(s)->syscall, CAT_KERNEL);
}

/* The load generator goroutine of an open-loop class (the in-process
 * generator of a Go benchmark): `for { time.Sleep(next - now); go
 * handle(req) }`. Each request is started by newproc on the generator's P
 * (runqput(pp, newg, true): runnext, then wakep); the generator then sleeps
 * on its P's timer heap (time.go:timeSleep), so the request runs next on
 * that P with the time slice inherited (proc.go:runqget's inheritTime,
 * execute does not bump schedtick), and the generator is woken by
 * checkTimers → goready, into the runnext of the P that ran the timer. */
static void gen_run(struct gmp *s, struct gmp_m *m, struct task *g)
{
	if (g->gpreempt) {
		g->phase = GP_NEXT;
		gopreempt(s, m, g);
		return;
	}
	struct task *t = tq_pop(&s->genq);
	if (t) {
		newproc_task(s, m, t);
		gmp_owe_runtime(m, s->cfg.newproc + s->cfg.runqput);
		return;
	}
	g->phase = GP_NEXT;
	s->gen_parked = true;
	s->gen_p = m->p;
	gopark(s, m, g, TB_SLEEP, s->cfg.runqput, CAT_RUNTIME);
}

void gmp_gen_arrival(struct gmp *s, struct task *t)
{
	tq_push(&s->genq, t);
	if (!s->gen_parked)
		return;
	s->gen_parked = false;
	s->gen_g->when = now_of(s);  /* its time.Sleep ends now */
	gmp_addtimer(s->gen_p, s->gen_g);
	gmp_wake_netpoller(s, s->gen_g->when, NULL);
}

/* proc.go:newproc — the child goes to runnext, then wakep. */
static void newproc(struct gmp *s, struct gmp_m *m, struct task *g)
{
	const struct op *op = &run_of(s)->sc->programs[g->prog].ops[g->pc - 1];
	struct task *child = wl_new_child(&run_of(s)->wl, g, op->program, g->spawn_done++);
	child->gstate = G_IDLE;
	gmp_stack_newproc(s, m->p, child);
	child->timer_pos = -1;
	gmp_make_runnable(s, child, G_IDLE, m);
	gmp_runqput(s, m->p, child, true);
	gmp_wakep(s, m);
	gmp_owe_runtime(m, s->cfg.newproc + s->cfg.runqput);
}

/* Starts op; true if the G goes straight on to its next op. */
static bool start_op(struct gmp *s, struct gmp_m *m, struct task *g, const struct wl_step *op)
{
	switch (op->kind) {
	case OP_CPU:
		g->phase = GP_CPU;
		g->mem = (float)op->mem;
		gmp_m_burst(s, m, op->dur, CAT_TASK, op->mem, mh_goroutine_foot(g, m->kt));
		return false;
	case OP_SYSCALL:
		entersyscall(s, m, g, op->dur);
		return false;
	case OP_SEND:
	case OP_RECV:
	case OP_CLOSE:
		return chan_op(s, m, g, op);
	case OP_STACK:
		return stack_grow(s, m, g, op->count);
	case OP_ALLOC:
		return gmp_gc_alloc(s, m, g, op->count, op->temp);
	case OP_LOCK_OS_THREAD:  /* proc.go:LockOSThread → dolockOSThread */
		g->lock_count++;
		g->lockedm = m;
		m->lockedg = g;
		return true;
	case OP_UNLOCK_OS_THREAD:  /* proc.go:UnlockOSThread → dounlockOSThread */
		if (g->lock_count > 0 && --g->lock_count == 0) {
			g->lockedm = NULL;
			m->lockedg = NULL;
		}
		return true;
	case OP_LOCK:
		g->mx_index = op->program;
		g->arg = op->dur;
		g->mx_spins = 0;
		g->mx_wait_start = 0;
		g->mx_handed = 0;
		g->mx_awoke = 0;
		lock_slow(s, m, g);
		return false;
	case OP_CGO:  /* cgocall.go:cgocall: entersyscall, the C call, exitsyscall */
		gmp_owe_cz(m, CZ_RT_OTHER, s->cfg.cgocall);
		entersyscall(s, m, g, op->dur);
		return false;
	case OP_NET:
		net_wait(s, m, g, op->dur);
		return false;
	case OP_SLEEP:
		time_sleep(s, m, g, op->dur);
		return false;
	case OP_SPAWN:
		g->spawn_seq = op->opseq;
		g->spawn_count = op->count;
		g->spawn_done = 0;
		g->spawn_wait = op->wait;
		g->phase = GP_SPAWN;
		newproc(s, m, g);
		return false;
	case OP_YIELD:
		g->arg = op->count;
		gosched(s, m, g);
		return false;
	case OP_REPEAT:
		assert(!"wl_next never yields a repeat");
	}
	return false;
}

/* Runs curg until it needs the kernel (a burst), leaves the M, or takes a
 * decision whose cost the M owes (the step loop then goes on). */
void gmp_run_g(struct gmp *s, struct gmp_m *m)
{
	struct task *g = m->curg;
	struct run *r = run_of(s);
	struct gmp_listener *l = gmp_listener_of(s, g);
	if (l) {
		accept_run(s, m, g, l);
		return;
	}
	if (g == s->gen_g) {
		gen_run(s, m, g);
		return;
	}
	if (g->home_node < 0)
		g->home_node = (int16_t)mpol_home(&r->mpol, m->kt->core);  /* its stack's first touch, by the policy */
	for (;;) {
		if (g->chan_panic) {  /* a send released by close panics */
			g->failed = 1;
			goexit0(s, m, g);
			return;
		}
		if (g->gpreempt && g->phase != GP_CPU && g->phase != GP_ASSIST) {
			gopreempt(s, m, g);  /* asynchronous preemption, or a stop-the-world */
			return;
		}
		switch (g->phase) {
		case GP_CPU_PARTIAL:
			g->phase = GP_CPU;
			gmp_m_burst(s, m, g->arg, CAT_TASK, g->mem, mh_goroutine_foot(g, m->kt));
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
				gopark(s, m, g, TB_JOIN, s->cfg.runqput, CAT_RUNTIME);
				return;
			}
			continue;
		case GP_NET_RETRY:  /* the read now returns data */
			g->phase = GP_NEXT;
			gmp_owe_kernel(m, kcfg(s)->syscall);
			return;
		case GP_LOCK:
			lock_slow(s, m, g);
			return;
		case GP_UNLOCK:
			if (!unlock(s, m, g))
				return;
			continue;
		case GP_YIELD:  /* back from a Gosched with more to do */
			gosched(s, m, g);
			return;
		case GP_ASSIST:
			if (!gmp_gc_assist_end(s, m, g, 0))
				return;
			continue;
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
		if (start_op(s, m, g, &op))
			continue;
		return;
	}
}
