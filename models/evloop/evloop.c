/* models/evloop/evloop.c — the event-loop model's loops and its model_ops
 * (see evloop.h): the selector threads' select() cycle, the round-robin
 * hand-out of connections, and what a post to a loop costs. Must not run a
 * handler's ops (evloop_exec.c) or the worker pool (evloop_pool.c). */
#include "model.h"
#include "run.h"
#include "evloop.h"
#include "ktask.h"
#include "jvmgc.h"
#include "jthread.h"
#include "trace.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct evl *evl_of(struct run *r) { return r->mstate; }

static struct evl_loop *loop_of(struct evl *e, const struct task *t) { return &e->loops[t->loop]; }

/* EPollSelectorImpl.wakeup: under interruptLock, the eventfd is written
 * only when interruptTriggered is clear; the write wakes a loop asleep in
 * epoll_wait. Returns the writer's kernel CPU. */
static sim_ns selector_wakeup(struct run *r, struct evl_loop *l, int waker_core)
{
	if (l->interrupted)
		return 0;
	l->interrupted = true;
	l->wakeups++;
	if (kern_blocked(l->th.kt))
		kern_wake(&r->kern, l->th.kt, waker_core);
	return r->sc->kernel.syscall + r->sc->kernel.wake_cost;  /* write(eventfd) + try_to_wake_up */
}

void evl_post(struct run *r, struct task *t, const struct evl_thread *from, int core, sim_ns cost[CAT_IDLE])
{
	struct evl_loop *l = loop_of(evl_of(r), t);
	t->phase = TW_PARKED;
	tq_push(&l->pending, t);
	tb_off(wl_tb(&r->wl, t), TB_SCHED, r->sim.now);  /* ready: it waits for its loop */
	cost[CAT_RUNTIME] += r->sc->evloop.enqueue;
	/* SingleThreadEventExecutor.execute: no wakeup from the loop itself */
	if (from != &l->th && l->selecting)
		cost[CAT_KERNEL] += selector_wakeup(r, l, core);
}

void evl_net_ready(struct run *r, struct task *t)
{
	struct evl_loop *l = loop_of(evl_of(r), t);
	t->phase = TW_PARKED;
	tq_push(&l->pending, t);
	tb_off(wl_tb(&r->wl, t), TB_SCHED, r->sim.now);  /* the reply is in: it waits for its loop */
	if (l->selecting && kern_blocked(l->th.kt))
		kern_wake(&r->kern, l->th.kt, -1);  /* the NIC's interrupt makes the socket readable */
}

/* doSelect: processUpdateQueue and the Java side (select), then the
 * epoll_wait system call's entry. */
static void select_begin(struct run *r, struct evl_loop *l)
{
	l->selecting = true;
	l->th.phase = EP_SELECT_WAIT;
	l->th.pre[CAT_RUNTIME] += r->sc->evloop.select;
	evl_run(r, &l->th, ktask_entry_cost(r), CAT_KERNEL, 0, -1);
}

/* epoll_wait returns at once when anything is ready, else sleeps. */
static void select_wait(struct run *r, struct evl_loop *l)
{
	l->th.phase = EP_SELECT_DONE;
	if (l->pending.len == 0 && !l->interrupted) {
		kern_block(&r->kern, l->th.kt);
		trc_set(r->sim.trace, TRC_THREAD, l->th.kt->id, TS_NETPOLL, -1, r->sim.now);
		return;
	}
	evl_run(r, &l->th, 0, CAT_KERNEL, 0, -1);
}

/* Back from epoll_wait: its exit half, clearInterrupt's eventfd read when
 * wakeup() fired, and the ready events become the batch. */
static void select_done(struct run *r, struct evl_loop *l)
{
	sim_ns cost = ktask_exit_cost(r);
	if (l->interrupted) {
		l->interrupted = false;
		cost += r->sc->kernel.syscall;
	}
	l->selecting = false;
	l->selects++;
	struct task *t;
	while ((t = tq_pop(&l->pending)))
		tq_push(&l->batch, t);
	l->th.phase = EP_NEXT;
	evl_run(r, &l->th, cost, CAT_KERNEL, 0, -1);
}

/* The next event of the batch (its dispatch, then its handler), or the
 * next select(). */
static void loop_next(struct run *r, struct evl_loop *l)
{
	struct task *t = tq_pop(&l->batch);
	if (!t) {
		select_begin(r, l);
		return;
	}
	l->events++;
	t->kt = l->th.kt;
	t->phase = TW_THREAD;
	evl_take(r, &l->th, t);
	l->th.phase = EP_OP;
	evl_run(r, &l->th, r->sc->evloop.dispatch, CAT_RUNTIME, 0, -1);
}

static void loop_step(struct kern *k, struct kthread *kt)
{
	struct evl_loop *l = kt->owner;
	struct run *r = k->ctx;
	switch (l->th.phase) {
	case EP_SELECT:
		select_begin(r, l);
		return;
	case EP_SELECT_WAIT:
		select_wait(r, l);
		return;
	case EP_SELECT_DONE:
		select_done(r, l);
		return;
	case EP_NEXT:
		loop_next(r, l);
		return;
	default:
		if (!evl_exec_step(r, &l->th))
			loop_next(r, l);
		return;
	}
}

static const struct kern_owner_ops loop_ops = { .step = loop_step };

/* Netty: NettyRuntime.availableProcessors() * 2, and the JVM's
 * availableProcessors counts the affinity mask (numactl's binding). */
static int64_t nloops(const struct run *r)
{
	return r->sc->evloop.loops > 0 ? r->sc->evloop.loops : 2 * (int64_t)r->sc->numactl.ncpus;
}

static int create_loops(struct run *r, struct evl *e, char *err, size_t errlen)
{
	e->nloops = nloops(r);
	e->loops = calloc((size_t)e->nloops, sizeof *e->loops);
	if (!e->loops) {
		snprintf(err, errlen, "out of memory for %lld loops (models.eventloop.loops)", (long long)e->nloops);
		return -1;
	}
	for (int64_t i = 0; i < e->nloops; i++) {
		struct evl_loop *l = &e->loops[i];
		l->th.is_loop = true;
		l->th.index = (int32_t)i;
		l->th.phase = EP_SELECT;
		l->th.block_start = -1;
		l->th.kt = kern_create_touch(&r->kern, &loop_ops, l, r->sc->evloop.stack, r->sc->jvm.stack_touch,
					     (int)(i % r->mach.ncores));
		if (!l->th.kt) {
			snprintf(err, errlen, "eventloop: cannot create loop %lld of %lld: kernel.max_threads "
				 "(%lld) or kernel.memory reached", (long long)i + 1, (long long)e->nloops,
				 (long long)r->sc->kernel.max_threads);
			return -1;
		}
	}
	return 0;
}

static int evl_init(struct run *r, char *err, size_t errlen)
{
	struct evl *e = calloc(1, sizeof *e);
	r->mstate = e;
	if (!e) {
		snprintf(err, errlen, "out of memory (eventloop model)");
		return -1;
	}
	e->run = r;
	if (create_loops(r, e, err, errlen) || evl_pool_init(r, e, err, errlen) ||
	    jt_vm_threads(r, r->sc->evloop.stack, err, errlen))
		return -1;
	return jgc_init(r, err, errlen);
}

static void evl_fini(struct run *r)
{
	jgc_free(r);
	struct evl *e = evl_of(r);
	if (!e)
		return;
	free(e->loops);
	free(e->workers);
	free(e);
	r->mstate = NULL;
}

/* The boss loop's register(): a put on the chosen loop's queue. */
static sim_ns evl_start_cost(struct run *r, enum cpu_cat *cat)
{
	*cat = CAT_RUNTIME;
	return r->sc->evloop.enqueue;
}

/* The connection goes to the next loop (round-robin); its first event is
 * the registration, run by that loop. The starter pays the wakeup() when
 * the loop sleeps in select(). */
void evl_assign(struct run *r, struct task *t, const struct evl_thread *from, int core, sim_ns cost[CAT_IDLE])
{
	struct evl *e = evl_of(r);
	t->loop = (int32_t)(e->next_loop++ % e->nloops);
	loop_of(e, t)->connections++;
	eq_event_init(&t->ev, evl_task_timer);
	evl_post(r, t, from, core, cost);
}

static sim_ns evl_start(struct run *r, struct task *t, struct kthread *starter)
{
	sim_ns cost[CAT_IDLE] = { 0 };  /* the acceptor; spawned children come through evl_assign */
	evl_assign(r, t, NULL, starter ? starter->core : -1, cost);
	return cost[CAT_KERNEL];  /* the put itself is start_cost, paid before */
}

/* A parent's children are done: its continuation is posted to its loop
 * (the waker's CPU is charged where the last child ended). */
static void evl_resume(struct run *r, struct task *t, int waker_core)
{
	sim_ns charged_by_waker[CAT_IDLE] = { 0 };
	evl_post(r, t, NULL, waker_core, charged_by_waker);
}

static void evl_metrics(struct run *r, struct run_result *res)
{
	struct evl *e = evl_of(r);
	int64_t events = 0, selects = 0, wakeups = 0, most = 0, fewest = INT64_MAX;
	sim_ns blocked = 0, worst = 0;
	for (int64_t i = 0; i < e->nloops; i++) {
		struct evl_loop *l = &e->loops[i];
		most = l->connections > most ? l->connections : most;
		fewest = l->connections < fewest ? l->connections : fewest;
		events += l->events;
		selects += l->selects;
		wakeups += l->wakeups;
		blocked += l->th.blocked_ns;
		worst = l->th.blocked_ns > worst ? l->th.blocked_ns : worst;
	}
	res_metric(res, "evl_loops", (double)e->nloops, "threads");
	res_metric(res, "evl_events", (double)events, "events");
	res_metric(res, "evl_selects", (double)selects, "calls");
	res_metric(res, "evl_wakeups", (double)wakeups, "calls");
	res_metric(res, "evl_loop_blocked", (double)blocked, "ns");
	res_metric(res, "evl_loop_blocked_max", (double)worst, "ns");
	res_metric(res, "evl_conn_spread", (double)(most - fewest), "tasks");
	res_metric(res, "evl_handoffs", (double)e->handoffs, "tasks");
	res_metric(res, "evl_posts_back", (double)e->posts_back, "tasks");
	res_metric(res, "evl_work_queue_peak", (double)e->work_peak, "tasks");
}

static void evl_sample(struct run *r, struct run_result *res, sim_ns t)
{
	static const char name[] = "evl_work_queue";
	if (evl_of(r)->nworkers > 0)
		res_sample(res, t, res_series(res, name), (double)evl_of(r)->work.len);
}

const struct model_ops evloop_model = {
	.name = "eventloop",
	.summary = "selector threads multiplexing connections, handlers on the loop or a worker pool (Java NIO, Netty)",
	.init = evl_init,
	.fini = evl_fini,
	.start_cost = evl_start_cost,
	.start = evl_start,
	.resume = evl_resume,
	.metrics = evl_metrics,
	.sample = evl_sample,
};
