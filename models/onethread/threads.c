/* models/onethread/threads.c — thread-per-task (Java platform threads, pthreads): every
 * task gets a new kernel thread, created by its starter at the kernel's
 * creation cost with the configured stack reserved (runtime: java adds the
 * JVM's Thread.start() handshake and costs, jthread.h); blocking ops block
 * the thread; when the program ends the thread exits. Must not reuse threads:
 * that is the pool model. */
#include "model.h"
#include "run.h"
#include "onthread.h"
#include "jvmgc.h"
#include "jthread.h"
#include <stdlib.h>

/* The model's state is the Thread.start() handshakes (runtime: java);
 * NULL for bare pthreads. */
static struct jthreads *java_of(struct run *r) { return r->mstate; }

static void threads_step(struct kern *k, struct kthread *kt)
{
	struct task *t = kt->owner;
	struct run *r = k->ctx;
	struct jthreads *jt = java_of(r);
	if (!t) {
		if (!(jt && jt_exit_step(r, jt, kt)))
			kern_exit(k, kt);
		return;
	}
	if ((jt && jt_child_step(r, jt, kt)) || ot_step(r, t))
		return;
	int core = kt->core;
	bool woke = false;
	kern_carry(k, kt, NULL);  /* the task ends: its breakdown closes */
	if (t->failed)
		wl_task_failed(&r->wl, t, core);
	else
		woke = wl_task_done(&r->wl, t, core);
	kt->owner = NULL;
	sim_ns wake = woke ? r->sc->kernel.syscall + r->sc->kernel.wake_cost : 0;
	if (jt) {
		jt_exit_begin(r, jt, kt, wake);  /* then Threads_lock twice, then the kernel's exit */
		return;
	}
	sim_ns pre[CZ_COUNT] = { [CZ_K_WAKE] = wake };
	/* the kernel's exit, and the stack's page-table work at the price the
	 * other cores' load sets now (kern_stack_remap_busy) */
	kern_run_pre(k, kt, pre, r->sc->kernel.thread_exit + kern_stack_remap_busy(k, kt), CZ_K_THREAD, 0, -1);
}

static const struct kern_owner_ops threads_thread_ops = { .step = threads_step };

static int threads_init(struct run *r, char *err, size_t errlen)
{
	if (r->sc->threads.runtime == RT_JAVA) {
		r->mstate = jt_new();
		if (!r->mstate) {
			snprintf(err, errlen, "out of memory (threads model)");
			return -1;
		}
		if (jt_vm_threads(r, r->sc->threads.stack, err, errlen) != 0)
			return -1;
	}
	return jgc_init(r, err, errlen);
}

static void threads_fini(struct run *r)
{
	jgc_free(r);
	jt_free(r->mstate);
	r->mstate = NULL;
}

/* native: clone + stack (kernel). java: the JVM's part of Thread.start()
 * outside Threads_lock first; the clone is the burst after start
 * (threads_start), Threads::add (growing with the live threads) comes
 * after the handshake (jt_start_wait). */
static sim_ns threads_start_cost(struct run *r, enum cpu_cat *cat)
{
	if (java_of(r)) {
		*cat = CAT_RUNTIME;
		return jt_start_unlocked(r);  /* the rest under Threads_lock, with Threads::add */
	}
	*cat = CAT_KERNEL;
	return r->sc->kernel.thread_create;
}

static sim_ns threads_queue_op(struct run *r) { return r->sc->threads.queue_op; }

static sim_ns threads_start(struct run *r, struct task *t, struct kthread *starter)
{
	int near = starter ? starter->core : -1;
	struct jthreads *jt = java_of(r);
	struct kthread *kt = jt ? jt_start(r, jt, t, starter, &threads_thread_ops, r->sc->threads.stack)
				: kern_create(&r->kern, &threads_thread_ops, t, r->sc->threads.stack, near);
	if (!kt) {
		wl_task_failed(&r->wl, t, near);
		return 0;
	}
	ot_begin(r, t, kt);
	return jt ? r->sc->kernel.thread_create : 0;
}

static enum start_step threads_start_enter(struct run *r, struct kthread *starter, sim_ns *cost)
{
	struct jthreads *jt = java_of(r);
	*cost = 0;
	return jt ? jt_start_enter(r, jt, starter, cost) : SS_GO;
}

static enum start_step threads_start_wait(struct run *r, struct kthread *starter, sim_ns *cost)
{
	struct jthreads *jt = java_of(r);
	*cost = 0;
	return jt ? jt_start_wait(r, jt, starter, cost) : SS_GO;
}

static void threads_metrics(struct run *r, struct run_result *res)
{
	struct jthreads *jt = java_of(r);
	if (jt && r->sc->jvm.threads_lock)
		jt_metrics(jt, res);
}

const struct model_ops threads_model = {
	.name = "threads",
	.summary = "one kernel thread per task (Java platform threads, pthreads)",
	.init = threads_init,
	.fini = threads_fini,
	.start_cost = threads_start_cost,
	.start = threads_start,
	.start_enter = threads_start_enter,
	.start_wait = threads_start_wait,
	.resume = ot_resume,
	.queue_op = threads_queue_op,
	.metrics = threads_metrics,
	.starts_threads = true,
};
