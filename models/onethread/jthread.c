/* models/onethread/jthread.c — Java platform threads (see jthread.h): the
 * Thread.start() handshake of HotSpot's os::create_thread /
 * thread_native_entry / os::start_thread, and the JVM's own threads.
 *
 * State lives in one record per kernel-thread id: as a starter, the child
 * it is starting and how far that child got; as a child, its handshake
 * phase. Must not touch a task's program. */
#include "jthread.h"
#include "grow.h"
#include "run.h"
#include "trace.h"
#include <stdlib.h>

/* The child's side, thread_native_entry. */
enum jt_phase {
	JP_NONE,      /* not a Java thread being started (or done) */
	JP_ENTRY,     /* runs jvm.thread_entry: thread_native_entry before the handshake */
	JP_NOTIFY,    /* sets INITIALIZED, notifies the creator */
	JP_WAIT,      /* waits until the creator sets RUNNABLE */
	JP_INIT,      /* runs jvm.thread_init: JavaThread::run's set-up, after the handshake */
};

/* The creator's side, os::create_thread's osthread->get_state(). */
enum jt_state { JS_NONE, JS_ALLOCATED, JS_INITIALIZED };

struct jt_rec {
	struct kthread *child;    /* as a starter: the thread it is starting */
	struct kthread *starter;  /* as a child: its creator, NULL for none */
	uint8_t state;            /* as a starter: enum jt_state */
	uint8_t phase;            /* as a child: enum jt_phase */
	bool starter_blocked;     /* as a starter: blocked in the handshake */
	bool child_blocked;       /* as a child: blocked waiting for RUNNABLE */
	bool runnable;            /* as a child: the creator has notified it */
};

struct jthreads {
	struct jt_rec *rec;       /* indexed by kthread id */
	int64_t cap;
};

struct jthreads *jt_new(void) { return calloc(1, sizeof(struct jthreads)); }

void jt_free(struct jthreads *j)
{
	if (!j)
		return;
	free(j->rec);
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

static sim_ns futex_wake_cost(const struct run *r) { return r->sc->kernel.syscall + r->sc->kernel.wake_cost; }

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

/* os::create_thread's wait, then os::start_thread's notify. */
bool jt_start_wait(struct run *r, struct jthreads *j, struct kthread *starter, sim_ns *cost)
{
	struct jt_rec *s = rec_of(j, starter);
	*cost = 0;
	if (!s->child)
		return false;
	if (s->state == JS_ALLOCATED) {
		s->starter_blocked = true;
		return true;
	}
	struct jt_rec *c = rec_of(j, s->child);
	c->runnable = true;
	*cost = r->sc->kernel.syscall;
	if (c->child_blocked) {
		c->child_blocked = false;
		kern_wake(&r->kern, s->child, starter->core);
		*cost = futex_wake_cost(r);
	}
	s->child = NULL;
	s->state = JS_NONE;
	return false;
}
