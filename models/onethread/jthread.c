/* models/onethread/jthread.c — Java platform threads (see jthread.h): the
 * Thread.start() handshake of HotSpot's os::create_thread /
 * thread_native_entry / os::start_thread, Threads_lock around starts and
 * exits, and the JVM's own threads.
 *
 * State lives in one record per kernel-thread id: as a starter, the child
 * it is starting and how far that child got; as a child, its handshake
 * phase. Must not touch a task's program. */
#include "jthread.h"
#include "grow.h"
#include "run.h"
#include "trace.h"
#include <stdio.h>
#include <stdlib.h>

/* The child's side, thread_native_entry. */
enum jt_phase {
	JP_NONE,      /* not a Java thread being started (or done) */
	JP_ENTRY,     /* runs jvm.thread_entry: thread_native_entry before the handshake */
	JP_NOTIFY,    /* sets INITIALIZED, notifies the creator */
	JP_WAIT,      /* waits until the creator sets RUNNABLE */
	JP_INIT,      /* runs jvm.thread_init: JavaThread::run's set-up, after the handshake */
};

/* The creator's side, os::create_thread's osthread->get_state(), then
 * JVM_StartThread's prepare() -> Threads::add under Threads_lock. */
enum jt_state { JS_NONE, JS_ALLOCATED, JS_INITIALIZED, JS_ADDED };

/* A thread's hold on Threads_lock. */
enum jt_lk { LK_NONE, LK_ENTER, LK_SLEEP, LK_HELD };

/* An exiting thread, after its task: JavaThread::exit, Threads::remove,
 * smr_delete, the kernel's exit. */
enum jt_exit {
	JX_NONE,
	JX_REMOVE,   /* JavaThread::exit's path paid: Threads::remove takes Threads_lock */
	JX_REMOVED,  /* its section paid: unlock */
	JX_DELETE,   /* smr_delete -> wait_until_not_protected takes Threads_lock */
	JX_DELETED,  /* its scan paid: unlock */
	JX_KERNEL,   /* delete thread; glibc's and the kernel's exit */
	JX_GONE,     /* kern_exit */
};

struct jt_rec {
	struct kthread *child;    /* as a starter: the thread it is starting */
	struct kthread *starter;  /* as a child: its creator, NULL for none */
	uint8_t state;            /* as a starter: enum jt_state */
	uint8_t phase;            /* as a child: enum jt_phase */
	bool starter_blocked;     /* as a starter: blocked in the handshake */
	bool child_blocked;       /* as a child: blocked waiting for RUNNABLE */
	bool runnable;            /* as a child: the creator has notified it */
	uint8_t lk;               /* enum jt_lk */
	bool lk_queued;           /* in Threads_lock's futex queue */
	uint8_t exit;             /* enum jt_exit */
	sim_ns lk_t;              /* first failed try of this acquisition; then when it was taken */
};

/* Threads_lock's counters by role, over the whole run: 0 starts, 1 exits. */
struct jt_tl_role {
	int64_t taken, contended;
	sim_ns waited, held;
	int64_t unlock_woke;      /* unlocks that found a waiter (a futex wake) */
};

struct jthreads {
	struct jt_rec *rec;       /* indexed by kthread id */
	int64_t cap;
	struct kthread *tl_owner; /* Threads_lock's holder */
	struct kthread **tl_q;    /* its futex waiters, FIFO ring */
	int64_t tl_head, tl_len, tl_cap;
	struct jt_tl_role role[2];
};

struct jthreads *jt_new(void) { return calloc(1, sizeof(struct jthreads)); }

void jt_free(struct jthreads *j)
{
	if (!j)
		return;
	free(j->rec);
	free(j->tl_q);
	free(j);
}

/* A thread's record. A starter's id is below its child's, whose record
 * jt_start created, so looking up one while holding the other never moves
 * the array. */
static struct jt_rec *rec_of(struct jthreads *j, const struct kthread *kt)
{
	if (kt->id >= j->cap) {
		int64_t old = j->cap;
		GROW(j->rec, (int64_t)kt->id + 1, j->cap, 1024, "Java threads");
		for (int64_t i = old; i < j->cap; i++)
			j->rec[i] = (struct jt_rec){ 0 };
	}
	return &j->rec[kt->id];
}

/* ---- the JVM's own threads ------------------------------------------------ */

static void vm_thread_step(struct kern *k, struct kthread *kt) { kern_block(k, kt); }

static const struct kern_owner_ops vm_thread_ops = { .step = vm_thread_step };

int jt_vm_threads(struct run *r, int64_t stack, char *err, size_t errlen)
{
	const struct jvm_cfg *c = &r->sc->jvm;
	for (int64_t i = 0; i < c->threads; i++)
		if (!kern_create_touch(&r->kern, &vm_thread_ops, NULL, stack, c->stack_touch,
				       (int)(i % r->mach.ncores))) {
			snprintf(err, errlen, "jvm: cannot create the JVM's thread %lld of %lld (jvm.threads): "
				 "kernel.max_threads (%lld) or kernel.memory reached", (long long)i + 1,
				 (long long)c->threads, (long long)r->sc->kernel.max_threads);
			return -1;
		}
	return 0;
}

/* ---- Thread.start() ---------------------------------------------------------- */

struct kthread *jt_start(struct run *r, struct jthreads *j, struct task *t, struct kthread *starter,
			 const struct kern_owner_ops *ops, int64_t stack)
{
	int near = starter ? starter->core : -1;
	struct kthread *kt = kern_create_touch(&r->kern, ops, t, stack, r->sc->jvm.stack_touch, near);
	if (!kt)
		return NULL;
	struct jt_rec *c = rec_of(j, kt);
	*c = (struct jt_rec){ .starter = starter, .phase = JP_ENTRY };
	if (starter) {
		struct jt_rec *s = rec_of(j, starter);
		s->child = kt;
		s->state = JS_ALLOCATED;
		s->starter_blocked = false;
	}
	return kt;
}

/* ---- Threads_lock ---------------------------------------------------------- */

/* HotSpot's Threads_lock (runtime/mutexLocker.cpp) is a Mutex, in JDK 17
 * a pthread mutex (os/posix/os_posix.hpp: PlatformMutex, a normal mutex:
 * no spinning): Mutex::lock try_locks, else lock_contended blocks in
 * pthread_mutex_lock (futex_wait); the unlock of a contended mutex
 * futex_wakes one waiter, which tries again (no hand-off). Waiters sleep
 * in arrival order (the kernel's futex queue). */

static void tl_push(struct jthreads *j, struct kthread *kt)
{
	if (j->tl_len == j->tl_cap) {
		int64_t cap = j->tl_cap ? 2 * j->tl_cap : 256;
		struct kthread **q = malloc((size_t)cap * sizeof *q);
		if (!q) {
			fprintf(stderr, "gmpsim: out of memory (Threads_lock waiters)\n");
			exit(2);
		}
		for (int64_t i = 0; i < j->tl_len; i++)
			q[i] = j->tl_q[(j->tl_head + i) % j->tl_cap];
		free(j->tl_q);
		j->tl_q = q;
		j->tl_cap = cap;
		j->tl_head = 0;
	}
	j->tl_q[(j->tl_head + j->tl_len++) % j->tl_cap] = kt;
}

static struct kthread *tl_pop(struct jthreads *j)
{
	if (j->tl_len == 0)
		return NULL;
	struct kthread *kt = j->tl_q[j->tl_head];
	j->tl_head = (j->tl_head + 1) % j->tl_cap;
	j->tl_len--;
	return kt;
}

/* One step of kt's Mutex::lock on Threads_lock: SS_GO once it holds it;
 * SS_RUN after the futex_wait's entry (the burst is given here); SS_BLOCK
 * when it must sleep (the caller blocks it; the unlock wakes it). */
static enum start_step tl_lock(struct run *r, struct jthreads *j, struct kthread *kt, int role)
{
	struct jt_rec *c = rec_of(j, kt);
	struct jt_tl_role *st = &j->role[role];
	if (c->lk == LK_ENTER && c->lk_queued) {
		c->lk = LK_SLEEP;
		return SS_BLOCK;
	}
	if (!j->tl_owner) {
		st->taken++;
		if (c->lk != LK_NONE)
			st->waited += r->sim.now - c->lk_t;
		j->tl_owner = kt;
		c->lk = LK_HELD;
		c->lk_t = r->sim.now;
		return SS_GO;
	}
	if (c->lk == LK_NONE) {
		st->contended++;
		c->lk_t = r->sim.now;
	}
	c->lk = LK_ENTER;
	c->lk_queued = true;
	tl_push(j, kt);
	kern_run_cz(&r->kern, kt, r->sc->kernel.syscall, CZ_K_SYSCALL, 0, -1);  /* futex_wait */
	return SS_RUN;
}

static sim_ns futex_wake_cost(const struct run *r) { return r->sc->kernel.syscall + r->sc->kernel.wake_cost; }

/* Mutex::unlock: a futex wake of the first waiter if any (its cost, for
 * kt to pay), which will try again. */
static sim_ns tl_unlock(struct run *r, struct jthreads *j, struct kthread *kt, int role)
{
	struct jt_rec *h = rec_of(j, kt);
	h->lk = LK_NONE;
	j->role[role].held += r->sim.now - h->lk_t;
	j->tl_owner = NULL;
	struct kthread *w = tl_pop(j);
	if (!w)
		return 0;
	j->role[role].unlock_woke++;
	struct jt_rec *c = rec_of(j, w);
	c->lk_queued = false;
	if (c->lk == LK_SLEEP)
		kern_wake(&r->kern, w, kt->core);
	return futex_wake_cost(r);
}

static double per(double x, int64_t n) { return n ? x / (double)n : 0; }

void jt_metrics(const struct jthreads *j, struct run_result *res)
{
	static const char *name[2][5] = {
		{ "jvm_tlock_starts", "jvm_tlock_start_contended", "jvm_tlock_start_wait", "jvm_tlock_start_hold",
		  "jvm_tlock_start_woke" },
		{ "jvm_tlock_exits", "jvm_tlock_exit_contended", "jvm_tlock_exit_wait", "jvm_tlock_exit_hold",
		  "jvm_tlock_exit_woke" },
	};
	for (int i = 0; i < 2; i++) {
		const struct jt_tl_role *st = &j->role[i];
		res_metric(res, name[i][0], (double)st->taken, "acquisitions");
		res_metric(res, name[i][1], per((double)st->contended, st->taken), "share");
		res_metric(res, name[i][2], per((double)st->waited, st->taken), "ns");
		res_metric(res, name[i][3], per((double)st->held, st->taken), "ns");
		res_metric(res, name[i][4], per((double)st->unlock_woke, st->taken), "share");
	}
}

/* ---- ThreadsSMR ------------------------------------------------------------ */

/* JDK 17 src/hotspot/share/runtime/threadSMR.cpp. Threads::add calls
 * ThreadsSMRSupport::add_thread: ThreadsList::add_thread copies the list
 * of JavaThreads and free_list walks every thread (threads_do) for the
 * hazard pointers that may still hold the old list. Threads::remove calls
 * ThreadsSMRSupport::remove_thread (ThreadsList::remove_thread searches and
 * copies the list; free_list walks every thread again) and the exiting
 * thread's smr_delete walks every thread once more
 * (wait_until_not_protected -> is_a_protected_JavaThread). Each is linear
 * in the threads alive, all under Threads_lock. The per-thread costs are
 * the slopes measured by analysis/measure/JavaThreadsLive.java; the live
 * count is the service's threads (the JVM's own included: threads_do walks
 * them too). */
sim_ns jt_smr_add_cost(const struct run *r) { return r->kern.st.live * r->sc->jvm.smr_add; }

sim_ns jt_smr_remove_cost(const struct run *r) { return r->kern.st.live * r->sc->jvm.smr_remove; }

/* thread_native_entry: initialised, it sets INITIALIZED and notifies the
 * creator (a futex wake when the creator already sleeps). */
static void child_notify(struct run *r, struct jthreads *j, struct kthread *kt, struct jt_rec *c)
{
	c->phase = JP_WAIT;
	if (!c->starter) {
		c->runnable = true;
		kern_run_cz(&r->kern, kt, 0, CZ_RT_THREAD, 0, -1);
		return;
	}
	struct jt_rec *s = rec_of(j, c->starter);
	s->state = JS_INITIALIZED;
	sim_ns cost = r->sc->kernel.syscall;
	if (s->starter_blocked) {
		s->starter_blocked = false;
		kern_wake(&r->kern, c->starter, kt->core);
		cost = futex_wake_cost(r);
	}
	kern_run_cz(&r->kern, kt, cost, CZ_K_WAKE, 0, -1);  /* the creator's notify */
}

/* "while (osthread->get_state() == INITIALIZED) sync->wait()"; then
 * thread->call_run(), whose set-up is jvm.thread_init. */
static void child_wait(struct run *r, struct kthread *kt, struct jt_rec *c)
{
	if (c->runnable) {
		*c = (struct jt_rec){ .child = c->child, .state = c->state, .phase = JP_INIT };
		kern_run_cz(&r->kern, kt, r->sc->jvm.thread_init, CZ_RT_THREAD, 0, -1);
		return;
	}
	c->child_blocked = true;
	kern_block_for(&r->kern, kt, TB_ACCEPT);  /* Thread.start() has not returned yet */
	trc_set(r->sim.trace, TRC_THREAD, kt->id, TS_FUTEX, -1, r->sim.now);  /* Monitor::wait */
}

bool jt_child_step(struct run *r, struct jthreads *j, struct kthread *kt)
{
	struct jt_rec *c = rec_of(j, kt);
	switch (c->phase) {
	case JP_ENTRY:
		c->phase = JP_NOTIFY;
		kern_run_cz(&r->kern, kt, r->sc->jvm.thread_entry, CZ_RT_THREAD, 0, -1);
		return true;
	case JP_NOTIFY:
		child_notify(r, j, kt, c);
		return true;
	case JP_WAIT:
		child_wait(r, kt, c);
		return true;
	case JP_INIT:
		c->phase = JP_NONE;  /* the task runs from the next step */
		return false;
	default:
		return false;
	}
}

static bool tl_on(const struct run *r) { return r->sc->jvm.threads_lock; }

/* The part of jvm.start under Threads_lock, at most jvm.start. */
static sim_ns start_locked(const struct run *r)
{
	const struct jvm_cfg *c = &r->sc->jvm;
	return !c->threads_lock ? 0 : c->start_locked < c->start ? c->start_locked : c->start;
}

sim_ns jt_start_unlocked(const struct run *r) { return r->sc->jvm.start - start_locked(r); }

enum start_step jt_start_enter(struct run *r, struct jthreads *j, struct kthread *starter, sim_ns *cost)
{
	*cost = 0;
	return tl_on(r) ? tl_lock(r, j, starter, 0) : SS_GO;
}

/* os::create_thread's wait; prepare() -> Threads::add (jvm.start_locked
 * and the ThreadsSMR copy) under Threads_lock; the unlock; then
 * os::start_thread's notify. */
enum start_step jt_start_wait(struct run *r, struct jthreads *j, struct kthread *starter, sim_ns *cost)
{
	struct jt_rec *s = rec_of(j, starter);
	*cost = 0;
	if (!s->child)
		return SS_GO;
	if (s->state == JS_ALLOCATED) {
		s->starter_blocked = true;
		return SS_BLOCK;
	}
	if (s->state == JS_INITIALIZED) {
		s->state = JS_ADDED;
		kern_run_cz(&r->kern, starter, start_locked(r) + jt_smr_add_cost(r), CZ_RT_THREAD, 0, -1);
		return SS_RUN;
	}
	struct kthread *child = s->child;
	s->child = NULL;
	s->state = JS_NONE;
	if (tl_on(r))
		*cost += tl_unlock(r, j, starter, 0);
	struct jt_rec *c = rec_of(j, child);
	c->runnable = true;
	*cost += r->sc->kernel.syscall;
	if (c->child_blocked) {
		c->child_blocked = false;
		kern_wake(&r->kern, child, starter->core);
		*cost += r->sc->kernel.wake_cost;
	}
	return SS_GO;
}

/* ---- a thread's exit ------------------------------------------------------- */

/* The part of jvm.thread_exit under Threads_lock, at most all of it. */
static sim_ns exit_locked(const struct run *r)
{
	const struct jvm_cfg *c = &r->sc->jvm;
	return !c->threads_lock ? 0 : c->exit_locked < c->thread_exit ? c->exit_locked : c->thread_exit;
}

/* The exit path outside Threads_lock: half before Threads::remove (the
 * rest of JavaThread::exit: ensure_join, JVMTI/JFR events, TLAB and
 * handle blocks), half after smr_delete (`delete thread`: the JavaThread's
 * destructor, StackOverflow::remove_stack_guard_pages; the return through
 * thread_native_entry). Not measured apart: an even split. */
static sim_ns exit_unlocked_half(const struct run *r, bool first)
{
	sim_ns u = r->sc->jvm.thread_exit - exit_locked(r);
	return first ? u / 2 : u - u / 2;
}

void jt_exit_begin(struct run *r, struct jthreads *j, struct kthread *kt, sim_ns wake_cost)
{
	rec_of(j, kt)->exit = JX_REMOVE;
	sim_ns pre[CZ_COUNT] = {
		[CZ_RT_THREAD] = exit_unlocked_half(r, true),  /* JavaThread::exit */
		[CZ_K_WAKE] = wake_cost,
	};
	kern_run_pre(&r->kern, kt, pre, 0, CZ_RT_THREAD, 0, -1);
}

/* An exit's step on Threads_lock: true when it took the step (waiting). */
static bool exit_lock(struct run *r, struct jthreads *j, struct kthread *kt)
{
	enum start_step ss = tl_on(r) ? tl_lock(r, j, kt, 1) : SS_GO;
	if (ss == SS_BLOCK) {
		kern_block(&r->kern, kt);
		trc_set(r->sim.trace, TRC_THREAD, kt->id, TS_FUTEX, -1, r->sim.now);
	}
	return ss != SS_GO;
}

/* Threads::remove: ThreadsSMRSupport::remove_thread copies the list and
 * free_list walks every thread (two passes of jvm.smr_remove's three);
 * smr_delete's is_a_protected_JavaThread walks once more. */
static sim_ns remove_section(const struct run *r, bool remove)
{
	sim_ns locked = exit_locked(r), smr = jt_smr_remove_cost(r);
	return remove ? locked / 2 + smr * 2 / 3 : locked - locked / 2 + (smr - smr * 2 / 3);
}

bool jt_exit_step(struct run *r, struct jthreads *j, struct kthread *kt)
{
	struct jt_rec *c = rec_of(j, kt);
	sim_ns cost;
	switch (c->exit) {
	case JX_REMOVE:
	case JX_DELETE:
		if (exit_lock(r, j, kt))
			return true;
		c = rec_of(j, kt);
		c->exit = c->exit == JX_REMOVE ? JX_REMOVED : JX_DELETED;
		kern_run_cz(&r->kern, kt, remove_section(r, c->exit == JX_REMOVED), CZ_RT_THREAD, 0, -1);
		return true;
	case JX_REMOVED:
	case JX_DELETED:
		cost = tl_on(r) ? tl_unlock(r, j, kt, 1) : 0;
		c = rec_of(j, kt);
		c->exit = c->exit == JX_REMOVED ? JX_DELETE : JX_KERNEL;
		kern_run_cz(&r->kern, kt, cost, CZ_K_WAKE, 0, -1);
		return true;
	case JX_KERNEL: {
		/* delete thread, then the kernel's exit, and the stack's page-table work at the price
		 * the other cores' load sets now (kern_stack_remap_busy) */
		c->exit = JX_GONE;
		sim_ns pre[CZ_COUNT] = { [CZ_RT_THREAD] = exit_unlocked_half(r, false) };  /* delete thread */
		kern_run_pre(&r->kern, kt, pre, r->sc->kernel.thread_exit + kern_stack_remap_busy(&r->kern, kt),
			     CZ_K_THREAD, 0, -1);
		return true;
	}
	default:
		return false;
	}
}
