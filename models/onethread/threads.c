/* models/onethread/threads.c — thread-per-task (Java platform threads, pthreads): every
 * task gets a new kernel thread, created by its starter at the kernel's
 * creation cost with the configured stack reserved; blocking ops block the
 * thread; when the program ends the thread exits. Must not reuse threads:
 * that is the pool model. */
#include "model.h"
#include "run.h"
#include "onthread.h"
#include "jvmgc.h"

static void threads_step(struct kern *k, struct kthread *kt)
{
	struct task *t = kt->owner;
	struct run *r = k->ctx;
	if (!t) {
		kern_exit(k, kt);
		return;
	}
	if (ot_step(r, t))
		return;
	int core = kt->core;
	bool woke = false;
	if (t->failed)
		wl_task_failed(&r->wl, t, core);
	else
		woke = wl_task_done(&r->wl, t, core);
	kt->owner = NULL;
	sim_ns cost = r->sc->kernel.thread_exit;
	if (woke)
		cost += r->sc->kernel.syscall + r->sc->kernel.wake_cost;
	kern_run(k, kt, cost, CAT_KERNEL, 0, -1);
}

static const struct kern_owner_ops threads_thread_ops = { .step = threads_step };

static int threads_init(struct run *r, char *err, size_t errlen)
{
	return jgc_init(r, err, errlen);
}

static void threads_fini(struct run *r) { jgc_free(r); }

static sim_ns threads_start_cost(struct run *r, enum cpu_cat *cat)
{
	*cat = CAT_KERNEL;
	return r->sc->kernel.thread_create;
}

static sim_ns threads_queue_op(struct run *r) { return r->sc->threads.queue_op; }

static sim_ns threads_start(struct run *r, struct task *t, struct kthread *starter)
{
	int near = starter ? starter->core : -1;
	struct kthread *kt = kern_create(&r->kern, &threads_thread_ops, t, r->sc->threads.stack, near);
	if (!kt) {
		wl_task_failed(&r->wl, t, near);
		return 0;
	}
	ot_begin(t, kt);
	return 0;
}

const struct model_ops threads_model = {
	.name = "threads",
	.summary = "one kernel thread per task (Java platform threads, pthreads)",
	.init = threads_init,
	.fini = threads_fini,
	.start_cost = threads_start_cost,
	.start = threads_start,
	.resume = ot_resume,
	.queue_op = threads_queue_op,
};
