/* models/onethread/pool.c — a fixed pool of N kernel threads serving one FIFO queue
 * (a Java ThreadPoolExecutor over a LinkedBlockingQueue: a lock plus a
 * condition variable, i.e. futex waits and wakes). A starter pays the
 * enqueue and, when a worker is idle, a futex wake; a worker that finds the
 * queue empty registers as idle and blocks in futex_wait. Blocking ops block
 * the worker. Must not create threads after init. */
#include "model.h"
#include "run.h"
#include "onthread.h"
#include "jvmgc.h"
#include "jthread.h"
#include "trace.h"
#include <stdio.h>
#include <stdlib.h>

enum worker_phase { W_FETCH, W_RUN, W_GOING_IDLE, W_ASLEEP };

struct worker {
	struct kthread *kt;
	struct task *cur;
	struct worker *next_idle;
	enum worker_phase phase;
	bool signalled;        /* woken before it managed to block */
	bool queued_idle;
};

struct pool {
	struct run *run;
	struct worker *workers;
	int64_t nworkers;
	struct task_fifo queue;
	int64_t peak_qlen;
	struct worker *idle_head, *idle_tail;  /* FIFO, as futex waiters */
	int64_t rejected;
};

static struct pool *pool_of(struct run *r) { return r->mstate; }

/* The return half of futex_wait (its entry half is charged going to sleep). */
static sim_ns futex_exit_cost(const struct run *r)
{
	return r->sc->kernel.syscall - r->sc->kernel.syscall / 2;
}

static void idle_push(struct pool *p, struct worker *w)
{
	w->next_idle = NULL;
	w->queued_idle = true;
	if (p->idle_tail)
		p->idle_tail->next_idle = w;
	else
		p->idle_head = w;
	p->idle_tail = w;
}

static struct worker *idle_pop(struct pool *p)
{
	struct worker *w = p->idle_head;
	if (!w)
		return NULL;
	p->idle_head = w->next_idle;
	if (!p->idle_head)
		p->idle_tail = NULL;
	w->queued_idle = false;
	return w;
}

static void queue_push(struct pool *p, struct task *t)
{
	tq_push(&p->queue, t);
	if (p->queue.len > p->peak_qlen)
		p->peak_qlen = p->queue.len;
}

/* Takes a task (paying the dequeue), or starts going to sleep (the check
 * under the lock plus the futex_wait entry). */
static void worker_fetch(struct run *r, struct pool *p, struct worker *w)
{
	struct task *t = tq_pop(&p->queue);
	if (t) {
		w->cur = t;
		ot_begin(r, t, w->kt);
		w->phase = W_RUN;
		kern_run(&r->kern, w->kt, r->sc->pool.enqueue, CAT_RUNTIME, 0, -1);
		return;
	}
	w->phase = W_GOING_IDLE;
	w->signalled = false;
	idle_push(p, w);
	kern_run_cz(&r->kern, w->kt, r->sc->pool.enqueue + r->sc->kernel.syscall / 2, CZ_K_SYSCALL, 0, -1);
}

static void worker_sleep(struct run *r, struct worker *w)
{
	if (w->signalled) {  /* futex value changed before the wait: EAGAIN */
		w->phase = W_FETCH;
		kern_run_cz(&r->kern, w->kt, futex_exit_cost(r), CZ_K_SYSCALL, 0, -1);
		return;
	}
	w->phase = W_ASLEEP;
	kern_block(&r->kern, w->kt);
	trc_set(r->sim.trace, TRC_THREAD, w->kt->id, TS_IDLE, -1, r->sim.now);
}

static void worker_task_ended(struct run *r, struct worker *w)
{
	struct task *t = w->cur;
	w->cur = NULL;
	w->phase = W_FETCH;
	bool woke = false;
	kern_carry(&r->kern, w->kt, NULL);  /* the task ends: its breakdown closes */
	if (t->failed)
		wl_task_failed(&r->wl, t, w->kt->core);
	else
		woke = wl_task_done(&r->wl, t, w->kt->core);
	sim_ns cost = woke ? r->sc->kernel.syscall + r->sc->kernel.wake_cost : 0;
	kern_run_cz(&r->kern, w->kt, cost, CZ_K_WAKE, 0, -1);
}

static void worker_step(struct kern *k, struct kthread *kt)
{
	struct worker *w = kt->owner;
	struct run *r = k->ctx;
	struct pool *p = pool_of(r);
	switch (w->phase) {
	case W_RUN:
		if (!ot_step(r, w->cur))
			worker_task_ended(r, w);
		return;
	case W_GOING_IDLE:
		worker_sleep(r, w);
		return;
	case W_ASLEEP:  /* woken: the exit half of futex_wait */
		w->phase = W_FETCH;
		kern_run_cz(k, kt, futex_exit_cost(r), CZ_K_SYSCALL, 0, -1);
		return;
	case W_FETCH:
		worker_fetch(r, p, w);
		return;
	}
}

static const struct kern_owner_ops worker_ops = { .step = worker_step };

static int pool_init(struct run *r, char *err, size_t errlen)
{
	bool java = r->sc->pool.runtime == RT_JAVA;
	struct pool *p = calloc(1, sizeof *p);
	if (p) {
		p->run = r;
		p->nworkers = r->sc->pool.workers;
		p->workers = calloc((size_t)p->nworkers, sizeof *p->workers);
	}
	r->mstate = p;
	if (!p || !p->workers) {
		snprintf(err, errlen, "out of memory for %lld workers (models.pool.workers)",
			 (long long)r->sc->pool.workers);
		return -1;
	}
	for (int64_t i = 0; i < p->nworkers; i++) {
		struct worker *w = &p->workers[i];
		w->phase = W_FETCH;
		int64_t touch = java ? r->sc->jvm.stack_touch : r->sc->kernel.stack_touch;
		w->kt = kern_create_touch(&r->kern, &worker_ops, w, r->sc->pool.stack, touch, (int)(i % r->mach.ncores));
		if (!w->kt) {
			snprintf(err, errlen, "pool: cannot create worker %lld of %lld: kernel.max_threads "
				 "(%lld) or kernel.memory reached", (long long)i + 1,
				 (long long)p->nworkers, (long long)r->sc->kernel.max_threads);
			return -1;
		}
	}
	if (java && jt_vm_threads(r, r->sc->pool.stack, err, errlen) != 0)
		return -1;
	return jgc_init(r, err, errlen);
}

static void pool_fini(struct run *r)
{
	jgc_free(r);
	struct pool *p = pool_of(r);
	if (!p)
		return;
	free(p->workers);
	free(p);
	r->mstate = NULL;
}

static sim_ns pool_start_cost(struct run *r, enum cpu_cat *cat)
{
	*cat = CAT_RUNTIME;
	return r->sc->pool.enqueue;
}

static sim_ns pool_start(struct run *r, struct task *t, struct kthread *starter)
{
	struct pool *p = pool_of(r);
	if (r->sc->pool.queue > 0 && p->queue.len >= r->sc->pool.queue) {
		p->rejected++;
		wl_task_failed(&r->wl, t, starter ? starter->core : -1);
		return 0;
	}
	queue_push(p, t);
	struct worker *w = idle_pop(p);
	if (!w)
		return 0;
	if (w->phase == W_ASLEEP)
		kern_wake(&r->kern, w->kt, starter ? starter->core : -1);
	else
		w->signalled = true;
	return r->sc->kernel.syscall + r->sc->kernel.wake_cost;
}

static sim_ns pool_queue_op(struct run *r) { return r->sc->pool.enqueue; }

static void pool_metrics(struct run *r, struct run_result *res)
{
	struct pool *p = pool_of(r);
	res_metric(res, "pool_queue_peak", (double)p->peak_qlen, "tasks");
	res_metric(res, "pool_rejected", (double)p->rejected, "tasks");
}

static void pool_sample(struct run *r, struct run_result *res, sim_ns t)
{
	static const char name[] = "pool_queue";
	res_sample(res, t, res_series(res, name), (double)pool_of(r)->queue.len);
}

const struct model_ops pool_model = {
	.name = "pool",
	.summary = "a fixed pool of kernel threads serving one FIFO queue",
	.init = pool_init,
	.fini = pool_fini,
	.start_cost = pool_start_cost,
	.start = pool_start,
	.resume = ot_resume,
	.queue_op = pool_queue_op,
	.metrics = pool_metrics,
	.sample = pool_sample,
};
