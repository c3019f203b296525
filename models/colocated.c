/* models/colocated.c — the co-located load's native executor (see
 * colocated.h). A blocking op is entry (half the syscall cost) -> block
 * until its timer -> exit (the other half), as models/onethread/onthread.c
 * runs it for a pthread. Must not call model_ops, and must not book a
 * task anywhere but through wl_task_done / wl_task_failed. */
#include "budget.h"
#include "colocated.h"
#include "run.h"
#include "ktask.h"
#include "trace.h"
#include <assert.h>
#include <stdlib.h>

#define CO_STACK ((int64_t)8 << 20)  /* glibc's default pthread stack, reserved */

/* A task's execution phase on its thread (task.phase). */
enum co_phase {
	PH_READY,       /* fetch the next op */
	PH_BORN,        /* a new thread's first instructions: the clone's cost */
	PH_BLOCK,       /* entry half paid: block until the timer (task.arg) */
	PH_BLOCK_EXIT,  /* woken: the exit half */
	PH_YIELD,       /* sched_yield entered: give the core up (task.arg: yields left) */
	PH_YIELD_NEXT,  /* back on a core with more yields to do */
};

/* A closed-loop client's thread, between and during its requests. */
enum client_phase {
	CL_BORN,    /* created: pays the clone's cost first */
	CL_IDLE,    /* between requests: run the next one, or wait for it */
	CL_RUN,     /* running a request (c->t) */
	CL_THINK,   /* nanosleep's entry half paid: sleep unless the next request is here */
	CL_ASLEEP,  /* blocked thinking; woken by the next request: the exit half */
};

struct co_client {
	struct run *r;
	struct kthread *kt;
	struct task *t;       /* the request it runs, or the next one handed to it */
	uint8_t phase;        /* enum client_phase */
	bool waiting;         /* blocked until co_start hands it a request */
	bool think_free;      /* the class's think time is constant 0: no sleep */
};

struct colo {
	struct co_client **clients;  /* per class: its clients (closed loop), else NULL */
	int nclasses;
};

/* ---- one task's ops on its thread ------------------------------------------ */



static void start_blocking(struct run *r, struct task *t, sim_ns wait)
{
	t->arg = wait;
	t->phase = PH_BLOCK;
	kern_run(&r->kern, t->kt, ktask_entry_cost(r), CAT_KERNEL, 0, -1);
}

/* The next op of t's program; false at its end (or on an op the loader
 * lets no co-located class have: the task fails). */
static bool next_op(struct run *r, struct task *t)
{
	struct wl_step s;
	if (t->home_node < 0)
		t->home_node = (int16_t)mach_node_of(&r->mach, t->kt->core);
	if (!wl_next(&r->wl, t, &s))
		return false;
	switch (s.kind) {
	case OP_CPU:
		kern_run(&r->kern, t->kt, s.dur, CAT_TASK, s.mem, t->home_node);
		return true;
	case OP_SYSCALL:
	case OP_NET:
		start_blocking(r, t, s.dur);
		return true;
	case OP_SLEEP:  /* nanosleep: the hrtimer may fire up to the slack late */
		start_blocking(r, t, s.dur + r->sc->kernel.timer_slack);
		return true;
	case OP_YIELD:
		t->arg = s.count;
		t->phase = PH_YIELD;
		kern_run(&r->kern, t->kt, r->sc->kernel.syscall, CAT_KERNEL, 0, -1);
		return true;
	default:
		assert(!"the loader refuses this op in a co-located class");
		t->failed = 1;
		return false;
	}
}

/* Advances t on t->kt by one kernel action and returns true; false, having
 * done nothing, when its program has ended. */
static bool exec_step(struct run *r, struct task *t)
{
	switch (t->phase) {
	case PH_BORN:
		t->phase = PH_READY;
		kern_run(&r->kern, t->kt, r->sc->kernel.thread_create, CAT_KERNEL, 0, -1);
		return true;
	case PH_BLOCK:
		sim_after(&r->sim, &t->ev, t->arg);
		t->phase = PH_BLOCK_EXIT;
		kern_block(&r->kern, t->kt);
		trc_set(r->sim.trace, TRC_THREAD, t->kt->id, TS_BLOCKED, (int64_t)t->key, r->sim.now);
		return true;
	case PH_BLOCK_EXIT:
		t->phase = PH_READY;
		kern_run(&r->kern, t->kt, ktask_exit_cost(r), CAT_KERNEL, 0, -1);
		return true;
	case PH_YIELD:
		t->phase = --t->arg > 0 ? PH_YIELD_NEXT : PH_READY;
		kern_yield(&r->kern, t->kt);
		return true;
	case PH_YIELD_NEXT:
		t->phase = PH_YIELD;
		kern_run(&r->kern, t->kt, r->sc->kernel.syscall, CAT_KERNEL, 0, -1);
		return true;
	default:
		return next_op(r, t);
	}
}

/* The program ended: the workload books it (in wl.colo). */
static void book(struct run *r, struct task *t, int core)
{
	if (t->failed)
		wl_task_failed(&r->wl, t, core);
	else
		wl_task_done(&r->wl, t, core);
}

/* ---- a thread per task (open loop, batch) ------------------------------------ */

static void task_thread_step(struct kern *k, struct kthread *kt)
{
	struct run *r = k->ctx;
	struct task *t = kt->owner;
	if (!t) {
		kern_exit(k, kt);
		return;
	}
	if (exec_step(r, t))
		return;
	book(r, t, kt->core);
	kt->owner = NULL;
	kern_run(k, kt, r->sc->kernel.thread_exit, CAT_KERNEL, 0, -1);
}

static const struct kern_owner_ops task_thread_ops = { .step = task_thread_step };

/* ---- a thread per closed-loop client -------------------------------------------- */

static void client_wait(struct kern *k, struct co_client *c)
{
	c->waiting = true;
	kern_block(k, c->kt);
	trc_set(k->sim->trace, TRC_THREAD, c->kt->id, TS_BLOCKED, -1, k->sim->now);
}

static void client_step(struct kern *k, struct kthread *kt)
{
	struct co_client *c = kt->owner;
	struct run *r = c->r;
	switch (c->phase) {
	case CL_BORN:
		c->phase = CL_IDLE;
		kern_run(k, kt, r->sc->kernel.thread_create, CAT_KERNEL, 0, -1);
		return;
	case CL_THINK:  /* the think time may have ended during the entry */
		if (!c->t) {
			c->phase = CL_ASLEEP;
			client_wait(k, c);
			return;
		}
		/* fall through */
	case CL_ASLEEP:
		c->phase = CL_IDLE;
		kern_run(k, kt, ktask_exit_cost(r), CAT_KERNEL, 0, -1);
		return;
	case CL_IDLE:
		if (!c->t) {
			client_wait(k, c);
			return;
		}
		c->phase = CL_RUN;
		/* fall through */
	case CL_RUN: {
		if (exec_step(r, c->t))
			return;
		struct task *t = c->t;
		c->t = NULL;
		book(r, t, kt->core);  /* the workload arms the next request after the think time */
		if (c->think_free) {   /* its event fires now, before this empty burst ends */
			c->phase = CL_IDLE;
			kern_run(k, kt, 0, CAT_TASK, 0, -1);
			return;
		}
		c->phase = CL_THINK;
		kern_run(k, kt, ktask_entry_cost(r), CAT_KERNEL, 0, -1);
		return;
	}
	}
}

static const struct kern_owner_ops client_ops = { .step = client_step };

static void client_take(struct run *r, struct co_client *c, struct task *t)
{
	assert(!c->t);
	c->t = t;
	ktask_begin(t, c->kt, PH_READY);
	if (c->waiting) {
		c->waiting = false;
		kern_wake(&r->kern, c->kt, -1);  /* its timer (or its first request) */
	}
}

/* ---- interface ---------------------------------------------------------------------- */

static bool think_free(const struct dist *d)
{
	return d->kind == DIST_CONST && d->p1 == 0;
}

static int make_clients(struct run *r, struct colo *co, int cls, char *err, size_t errlen)
{
	const struct task_class *tc = &r->sc->classes[cls];
	int64_t n = tc->arrival.clients;
	struct co_client *cl = bud_calloc((size_t)n, sizeof *cl, "co-located clients");
	co->clients[cls] = cl;
	if (!cl) {
		snprintf(err, errlen, "out of memory (co-located clients)");
		return -1;
	}
	for (int64_t i = 0; i < n; i++) {
		cl[i].r = r;
		cl[i].phase = CL_BORN;
		cl[i].think_free = think_free(&tc->arrival.think);
		cl[i].kt = kern_create_foreign(&r->kern, &client_ops, &cl[i], CO_STACK,
					       (int)(i % r->kern.ncores));
		if (!cl[i].kt) {
			snprintf(err, errlen, "cannot create co-located class %s's %lld client threads "
				 "(kernel.max_threads or kernel.memory reached)", tc->name, (long long)n);
			return -1;
		}
	}
	return 0;
}

int co_init(struct run *r, char *err, size_t errlen)
{
	struct colo *co = calloc(1, sizeof *co);
	r->colo = co;
	if (co)
		co->clients = calloc((size_t)r->sc->nclasses, sizeof *co->clients);
	if (!co || !co->clients) {
		snprintf(err, errlen, "out of memory (co-located load)");
		return -1;
	}
	co->nclasses = r->sc->nclasses;
	for (int i = 0; i < r->sc->nclasses; i++) {
		const struct task_class *tc = &r->sc->classes[i];
		if (tc->colocated && tc->arrival.kind == ARR_CLOSED && make_clients(r, co, i, err, errlen) != 0)
			return -1;
	}
	return 0;
}

void co_free(struct run *r)
{
	struct colo *co = r->colo;
	if (!co)
		return;
	for (int i = 0; co->clients && i < co->nclasses; i++)
		free(co->clients[i]);
	free(co->clients);
	free(co);
	r->colo = NULL;
}

void co_start(struct run *r, struct task *t)
{
	struct colo *co = r->colo;
	assert(wl_colocated(&r->wl, t));
	if (co->clients[t->cls]) {
		client_take(r, &co->clients[t->cls][t->client], t);
		return;
	}
	struct kthread *kt = kern_create_foreign(&r->kern, &task_thread_ops, t, CO_STACK, -1);
	if (!kt) {
		wl_task_failed(&r->wl, t, -1);
		return;
	}
	ktask_begin(t, kt, PH_BORN);
}
