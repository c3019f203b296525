/* models/evloop/evloop_pool.c — the event-loop model's worker pool
 * (`workers: M`): a fixed ThreadPoolExecutor as the pool model's, fed by
 * the loops. A loop's hand-off is a put on the pool's queue and, when a
 * worker is idle, a futex wake; a worker with nothing queued sleeps in
 * futex_wait. A worker runs the handler's work until its next loop-only
 * op, then posts it back to the loop (evloop_exec.c). Must not run a
 * loop's select(). */
#include "run.h"
#include "evloop.h"
#include "trace.h"
#include <stdio.h>
#include <stdlib.h>

static void idle_push(struct evl *e, struct evl_thread *w)
{
	w->next_idle = NULL;
	if (e->idle_tail)
		e->idle_tail->next_idle = w;
	else
		e->idle_head = w;
	e->idle_tail = w;
}

static struct evl_thread *idle_pop(struct evl *e)
{
	struct evl_thread *w = e->idle_head;
	if (!w)
		return NULL;
	e->idle_head = w->next_idle;
	if (!e->idle_head)
		e->idle_tail = NULL;
	return w;
}

void evl_pool_submit(struct run *r, struct evl *e, struct task *t, struct evl_thread *from)
{
	t->phase = TW_PARKED;
	tq_push(&e->work, t);
	e->handoffs++;
	if (e->work.len > e->work_peak)
		e->work_peak = e->work.len;
	from->pre[CAT_RUNTIME] += r->sc->evloop.enqueue;
	struct evl_thread *w = idle_pop(e);
	if (!w)
		return;
	if (w->phase == EP_ASLEEP)
		kern_wake(&r->kern, w->kt, from->kt->core);
	else
		w->signalled = true;  /* it has not slept yet: its futex_wait will not */
	from->pre[CAT_KERNEL] += r->sc->kernel.syscall + r->sc->kernel.wake_cost;
}

/* The return half of futex_wait. */
static sim_ns futex_exit_cost(const struct run *r)
{
	return r->sc->kernel.syscall - r->sc->kernel.syscall / 2;
}

/* Takes the next handed-off task (the take from the queue), or starts
 * going to sleep (the check under the lock and futex_wait's entry). */
static void worker_fetch(struct run *r, struct evl *e, struct evl_thread *w)
{
	struct task *t = tq_pop(&e->work);
	if (t) {
		evl_take(r, w, t);
		t->kt = w->kt;
		t->phase = TW_THREAD;
		w->phase = EP_OP;
		evl_run(r, w, r->sc->evloop.enqueue, CAT_RUNTIME, 0, -1);
		return;
	}
	w->phase = EP_IDLE;
	w->signalled = false;
	idle_push(e, w);
	evl_run(r, w, r->sc->evloop.enqueue + r->sc->kernel.syscall / 2, CAT_KERNEL, 0, -1);
}

void evl_worker_step(struct kern *k, struct kthread *kt)
{
	struct evl_thread *w = kt->owner;
	struct run *r = k->ctx;
	struct evl *e = evl_of(r);
	switch (w->phase) {
	case EP_NEXT:
		worker_fetch(r, e, w);
		return;
	case EP_IDLE:
		if (w->signalled) {
			w->phase = EP_NEXT;
			evl_run(r, w, futex_exit_cost(r), CAT_KERNEL, 0, -1);
			return;
		}
		w->phase = EP_ASLEEP;
		kern_block(k, kt);
		trc_set(r->sim.trace, TRC_THREAD, kt->id, TS_IDLE, -1, r->sim.now);
		return;
	case EP_ASLEEP:
		w->phase = EP_NEXT;
		evl_run(r, w, futex_exit_cost(r), CAT_KERNEL, 0, -1);
		return;
	default:
		if (!evl_exec_step(r, w))
			worker_fetch(r, e, w);
		return;
	}
}

static const struct kern_owner_ops worker_ops = { .step = evl_worker_step };

int evl_pool_init(struct run *r, struct evl *e, char *err, size_t errlen)
{
	e->nworkers = r->sc->evloop.workers;
	if (e->nworkers == 0)
		return 0;
	e->workers = calloc((size_t)e->nworkers, sizeof *e->workers);
	if (!e->workers) {
		snprintf(err, errlen, "out of memory for %lld workers (models.eventloop.workers)",
			 (long long)e->nworkers);
		return -1;
	}
	for (int64_t i = 0; i < e->nworkers; i++) {
		struct evl_thread *w = &e->workers[i];
		w->index = (int32_t)i;
		w->phase = EP_NEXT;
		w->block_start = -1;
		w->kt = kern_create_touch(&r->kern, &worker_ops, w, r->sc->evloop.stack, r->sc->jvm.stack_touch,
					  (int)(i % r->mach.ncores));
		if (!w->kt) {
			snprintf(err, errlen, "eventloop: cannot create worker %lld of %lld: kernel.max_threads "
				 "(%lld) or kernel.memory reached", (long long)i + 1, (long long)e->nworkers,
				 (long long)r->sc->kernel.max_threads);
			return -1;
		}
	}
	return 0;
}
