/* models/onethread/onthread.c — the 1:1 executor (see onthread.h). A blocking op is
 * entry (half the syscall cost) -> block until a timer or a wake-up -> exit
 * (the other half). Must not free tasks: completion is the caller's. */
#include "onthread.h"
#include "run.h"
#include "ktask.h"
#include "jvmgc.h"
#include "trace.h"
#include <assert.h>

enum ot_phase {
	PH_READY,       /* fetch the next op */
	PH_BLOCK,       /* entry paid: block (timer armed, or wait for children) */
	PH_BLOCK_EXIT,  /* woken: pay the exit half */
	PH_SPAWN,       /* start the next child, or finish the spawn op */
	PH_SPAWN_PAID,  /* start cost paid: the model's start_enter, then start the child */
	PH_SPAWN_ENTERED, /* start_enter's cost paid: start the child */
	PH_SPAWN_WAIT,  /* the child started: the model's start handshake, if any */
	PH_YIELD,       /* sched_yield entered: give the core up (task.arg yields left) */
	PH_YIELD_NEXT,  /* back on a core with more yields to do */
	PH_CHAN_BLOCK,  /* queued on a channel, futex_wait entered: block unless released */
	PH_CHAN_EXIT,   /* released: the exit half, then on (or panic) */
	PH_LOCK,        /* (re)try the mutex */
	PH_MX_SPIN,     /* spinning on the mutex: the budget is spent, or an unlock freed it */
	PH_MX_BLOCK,    /* queued on the mutex, futex_wait entered: block unless released */
	PH_MX_EXIT,     /* released: the exit half, then try again */
	PH_UNLOCK,      /* the critical section is done: release the mutex */
};

void ot_begin(struct run *r, struct task *t, struct kthread *kt)
{
	ktask_begin(t, kt, PH_READY);
	kern_carry(&r->kern, kt, wl_tb(&r->wl, t));
}

/* A kernel burst of cause cz on the task's thread. */
static void krun(struct run *r, struct task *t, sim_ns ns, enum cpu_cause cz)
{
	kern_run_cz(&r->kern, t->kt, ns, cz, 0, -1);
}

/* The task's thread blocks, the task waiting in part why. */
static void kblock(struct run *r, struct task *t, enum tb_part why)
{
	kern_block_for(&r->kern, t->kt, why);
}


/* Starts a blocking system call: arg >= 0 is a timed wait, -1 a wait for
 * children; the task waits in part why. */
static void start_blocking(struct run *r, struct task *t, sim_ns arg, enum tb_part why)
{
	t->arg = arg;
	t->phase = PH_BLOCK;
	wl_tb(&r->wl, t)->block = (uint8_t)why;
	krun(r, t, ktask_entry_cost(r), CZ_K_SYSCALL);
}

static void do_block(struct run *r, struct task *t)
{
	if (t->arg < 0) {
		if (t->children_left == 0) {  /* the children finished during entry */
			t->phase = PH_BLOCK_EXIT;
			krun(r, t, ktask_exit_cost(r), CZ_K_SYSCALL);
			return;
		}
		t->waiting = 1;
	} else {
		sim_after(&r->sim, &t->ev, t->arg);
	}
	t->phase = PH_BLOCK_EXIT;
	kblock(r, t, (enum tb_part)wl_tb(&r->wl, t)->block);
	trc_set(r->sim.trace, TRC_THREAD, t->kt->id, TS_BLOCKED, (int64_t)t->key, r->sim.now);
}

/* Next child, or the end of the spawn op. */
static void do_spawn(struct run *r, struct task *t)
{
	if (t->spawn_done < t->spawn_count) {
		enum cpu_cat cat = CAT_KERNEL;
		t->phase = PH_SPAWN_PAID;
		sim_ns cost = r->model->start_cost(r, &cat);
		krun(r, t, cost, model_start_cost_cause(r->model, cat));
		return;
	}
	if (t->spawn_wait) {
		start_blocking(r, t, -1, TB_JOIN);
		return;
	}
	t->phase = PH_READY;
	kern_run(&r->kern, t->kt, 0, CAT_TASK, 0, -1);
}

static void do_spawn_start(struct run *r, struct task *t);

/* SS_BLOCK: the spawning thread sleeps until the model wakes it
 * (Threads_lock, Thread.start()'s handshake); SS_RUN: the model gave it a
 * burst. True when the step is taken. */
static bool spawn_wait_step(struct run *r, struct task *t, enum start_step ss)
{
	if (ss == SS_BLOCK) {
		kblock(r, t, TB_JOIN);
		trc_set(r->sim.trace, TRC_THREAD, t->kt->id, TS_FUTEX, (int64_t)t->key, r->sim.now);
	}
	return ss != SS_GO;
}

/* The model's start_enter (Java: Threads_lock), then the child's start. */
static void do_spawn_child(struct run *r, struct task *t)
{
	sim_ns cost = 0;
	enum start_step ss = r->model->start_enter ? r->model->start_enter(r, t->kt, &cost) : SS_GO;
	if (spawn_wait_step(r, t, ss))
		return;
	if (cost > 0) {
		t->phase = PH_SPAWN_ENTERED;
		krun(r, t, cost, CZ_K_SYSCALL);
		return;
	}
	do_spawn_start(r, t);
}

static void do_spawn_start(struct run *r, struct task *t)
{
	const struct op *op = &r->sc->programs[t->prog].ops[t->pc - 1];
	struct task *child = wl_new_child(&r->wl, t, op->program, t->spawn_done++);
	t->phase = PH_SPAWN_WAIT;
	krun(r, t, r->model->start(r, child, t->kt), model_start_cause(r->model));
}

/* Thread.start() returns once the child has started (model_ops.start_wait). */
static void do_spawn_wait(struct run *r, struct task *t)
{
	sim_ns cost = 0;
	enum start_step ss = r->model->start_wait ? r->model->start_wait(r, t->kt, &cost) : SS_GO;
	if (spawn_wait_step(r, t, ss))
		return;
	if (cost == 0) {
		do_spawn(r, t);
		return;
	}
	t->phase = PH_SPAWN;
	krun(r, t, cost, CZ_K_WAKE);
}

/* A task parked on a channel is released: futex_wake if its thread sleeps,
 * else it will not sleep (the futex word changed). */
static void release(struct run *r, struct task *p, int core)
{
	p->chan_wait = 0;
	if (p->kt->state == KT_BLOCKED && (p->phase == PH_CHAN_EXIT || p->phase == PH_MX_EXIT))
		kern_wake(&r->kern, p->kt, core);
}

static sim_ns futex_wake_cost(const struct run *r)
{
	return r->sc->kernel.syscall + r->sc->kernel.wake_cost;
}

/* A channel op on a blocking queue (a lock and a condition variable): the
 * lock + queue op, a futex wake per released task, or a futex wait. */
static bool chan_op(struct run *r, struct task *t, const struct wl_step *s)
{
	sim_ns pre[CZ_COUNT] = { 0 };
	sim_ns qop = r->model->queue_op ? r->model->queue_op(r) : 0;
	struct task *wake = NULL;
	struct task_fifo all = { 0 };
	enum chan_result res = s->kind == OP_SEND ? wl_chan_send(&r->wl, s->program, t, &wake)
			     : s->kind == OP_RECV ? wl_chan_recv(&r->wl, s->program, t, &wake)
						  : wl_chan_close(&r->wl, s->program, &all);
	if (res == CH_PANIC) {
		t->failed = 1;
		return false;
	}
	if (wake)
		tq_push(&all, wake);
	int core = t->kt->core;
	struct task *p;
	while ((p = tq_pop(&all))) {
		release(r, p, core);
		pre[CZ_K_WAKE] += futex_wake_cost(r);
	}
	if (res == CH_BLOCK) {
		t->chan_wait = 1;
		t->phase = PH_CHAN_BLOCK;
		pre[CZ_RT_SCHED] += qop;
		kern_run_pre(&r->kern, t->kt, pre, ktask_entry_cost(r), CZ_K_SYSCALL, 0, -1);
		return true;
	}
	t->phase = PH_READY;
	kern_run_pre(&r->kern, t->kt, pre, qop, CZ_RT_SCHED, 0, -1);
	return true;
}

/* futex_wait after its entry half: sleep in phase `woken` unless the task
 * was released meanwhile (the futex word changed: the call returns at
 * once). Returns true when the thread blocked. */
static bool futex_sleep(struct run *r, struct task *t, enum ot_phase woken)
{
	if (!t->chan_wait)
		return false;
	t->phase = woken;
	kblock(r, t, woken == PH_MX_EXIT ? TB_MUTEX : TB_CHAN);
	trc_set(r->sim.trace, TRC_THREAD, t->kt->id, TS_FUTEX, (int64_t)t->key, r->sim.now);
	return true;
}

/* Back from (or released before) a mutex wait: the exit half, then try
 * the lock again (a futex lock hands nothing over). */
static bool mx_resume(struct run *r, struct task *t)
{
	t->phase = PH_LOCK;
	krun(r, t, ktask_exit_cost(r), CZ_K_SYSCALL);
	return true;
}

/* Back from a channel wait: the exit half, or a send's panic when the
 * channel was closed under it. */
static bool chan_resume(struct run *r, struct task *t)
{
	if (t->chan_panic) {
		t->failed = 1;
		return false;
	}
	t->phase = PH_READY;
	krun(r, t, ktask_exit_cost(r), CZ_K_SYSCALL);
	return true;
}

/* A futex lock (glibc's adaptive mutex, a JVM's monitor): take it if
 * free; else spin up to kernel.lock_spin, polling the lock word — an
 * unlock meanwhile ends the spin of the longest spinner, which retries at
 * once (glibc nptl/pthread_mutex_lock.c, PTHREAD_MUTEX_ADAPTIVE_NP: trylock
 * each round; hotspot objectMonitor.cpp: TrySpin); else futex_wait on it.
 * Woken waiters try again (no hand-off). The critical section pays the
 * lock's cache-line transfer. */
static void lock_try(struct run *r, struct task *t)
{
	int mi = t->mx_index;
	if (wl_mutex_try(&r->wl, mi, t)) {
		sim_ns line = wl_mutex_line(&r->wl, mi, t->kt->core);
		t->phase = PH_UNLOCK;
		kern_run(&r->kern, t->kt, line + t->arg, CAT_TASK, 0, -1);
		return;
	}
	if (t->mx_spins == 0) {
		t->mx_spins = 1;
		t->phase = PH_MX_SPIN;
		wl_mutex_spin(&r->wl, mi, t);
		krun(r, t, r->sc->kernel.lock_spin, CZ_SPIN_LOCK);
		return;
	}
	wl_mutex_wait(&r->wl, mi, t, false);
	t->chan_wait = 1;
	t->phase = PH_MX_BLOCK;
	krun(r, t, ktask_entry_cost(r), CZ_K_SYSCALL);
}

/* Unlock: the longest spinner sees the word free and retries now; a futex
 * wake for the first waiter, if any. */
static void unlock(struct run *r, struct task *t)
{
	bool handoff;
	struct task *next = wl_mutex_unlock(&r->wl, t->mx_index, t, &handoff);
	struct task *spinner = wl_mutex_spinner(&r->wl, t->mx_index);
	if (spinner)
		kern_preempt_burst(&r->kern, spinner->kt);  /* step() at once, or when it runs again */
	t->phase = PH_READY;
	if (!next) {
		kern_run(&r->kern, t->kt, 0, CAT_RUNTIME, 0, -1);
		return;
	}
	release(r, next, t->kt->core);
	krun(r, t, futex_wake_cost(r), CZ_K_WAKE);
}

/* The task's stack reaches `depth` bytes: past the thread's reservation it
 * is a StackOverflowError (the task fails); below it, newly touched pages
 * are committed, a minor page fault each. */
static bool stack_grow(struct run *r, struct task *t, int64_t depth)
{
	struct kthread *kt = t->kt;
	if (depth > kt->stack_reserved) {
		r->wl.st.stack_overflows++;
		t->failed = 1;
		return false;
	}
	int64_t page = 4096, more = depth - kt->stack_committed;
	int64_t pages = more > 0 ? (more + page - 1) / page : 0;
	kern_commit_stack(&r->kern, kt, pages * page);
	t->phase = PH_READY;
	kern_run_cz(&r->kern, kt, pages * r->sc->kernel.page_fault, CZ_K_OTHER, 0, -1);
	return true;
}

static bool do_next_op(struct run *r, struct task *t)
{
	struct wl_step s;
	if (!wl_next(&r->wl, t, &s))
		return false;
	switch (s.kind) {
	case OP_CPU:
		kern_run(&r->kern, t->kt, s.dur, CAT_TASK, s.mem, mh_carrier_foot(t, t->kt));
		break;
	case OP_SYSCALL:
	case OP_NET:
	case OP_CGO:  /* a native call that blocks in the kernel (JNI/C sleep) */
		start_blocking(r, t, s.dur, s.kind == OP_NET ? TB_NET : TB_SYSCALL);
		break;
	case OP_SLEEP:  /* nanosleep: the hrtimer may fire up to the slack late */
		start_blocking(r, t, s.dur + r->sc->kernel.timer_slack, TB_SLEEP);
		break;
	case OP_SPAWN:
		t->spawn_seq = s.opseq;
		t->spawn_count = s.count;
		t->spawn_done = 0;
		t->spawn_wait = s.wait;
		do_spawn(r, t);
		break;
	case OP_YIELD:  /* Thread.yield → sched_yield(2) */
		t->arg = s.count;
		t->phase = PH_YIELD;
		krun(r, t, r->sc->kernel.syscall, CZ_K_SYSCALL);
		break;
	case OP_SEND:
	case OP_RECV:
	case OP_CLOSE:
		return chan_op(r, t, &s);
	case OP_STACK:
		return stack_grow(r, t, s.count);
	case OP_ALLOC:  /* new: a TLAB bump; a full eden: wait for a young GC (jvmgc.c) */
		if (jgc_alloc(r, t, s.count, s.temp))
			kblock(r, t, TB_GC);  /* woken in PH_READY when it fits */
		else
			kern_run(&r->kern, t->kt, 0, CAT_TASK, 0, -1);
		break;
	case OP_LOCK_OS_THREAD:    /* a platform thread is its own OS thread */
	case OP_UNLOCK_OS_THREAD:
		kern_run(&r->kern, t->kt, 0, CAT_TASK, 0, -1);
		break;
	case OP_LOCK:
		t->mx_index = s.program;
		t->arg = s.dur;
		t->mx_spins = 0;
		lock_try(r, t);
		break;
	case OP_REPEAT:
		assert(!"wl_next never yields a repeat");
		break;
	}
	return true;
}

bool ot_step(struct run *r, struct task *t)
{
	switch (t->phase) {
	case PH_BLOCK:
		do_block(r, t);
		return true;
	case PH_BLOCK_EXIT:
		t->phase = PH_READY;
		krun(r, t, ktask_exit_cost(r), CZ_K_SYSCALL);
		return true;
	case PH_SPAWN:
		do_spawn(r, t);
		return true;
	case PH_SPAWN_PAID:
		do_spawn_child(r, t);
		return true;
	case PH_SPAWN_ENTERED:
		do_spawn_start(r, t);
		return true;
	case PH_SPAWN_WAIT:
		do_spawn_wait(r, t);
		return true;
	case PH_YIELD:
		t->phase = --t->arg > 0 ? PH_YIELD_NEXT : PH_READY;
		kern_yield(&r->kern, t->kt);
		return true;
	case PH_CHAN_BLOCK:
		return futex_sleep(r, t, PH_CHAN_EXIT) || chan_resume(r, t);
	case PH_CHAN_EXIT:
		return chan_resume(r, t);
	case PH_MX_SPIN:
		wl_mutex_spin_end(&r->wl, t->mx_index, t);
		lock_try(r, t);
		return true;
	case PH_LOCK:
		lock_try(r, t);
		return true;
	case PH_MX_BLOCK:
		return futex_sleep(r, t, PH_MX_EXIT) || mx_resume(r, t);
	case PH_MX_EXIT:
		return mx_resume(r, t);
	case PH_UNLOCK:
		unlock(r, t);
		return true;
	case PH_YIELD_NEXT:
		t->phase = PH_YIELD;
		krun(r, t, r->sc->kernel.syscall, CZ_K_SYSCALL);
		return true;
	default:
		return do_next_op(r, t);
	}
}

void ot_resume(struct run *r, struct task *t, int waker_core)
{
	if (t->kt->state == KT_BLOCKED)
		kern_wake(&r->kern, t->kt, waker_core);
}
