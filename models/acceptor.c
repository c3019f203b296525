/* models/acceptor.c — the accept loop's kernel thread (see acceptor.h).
 * Phases per connection: accept burst (kernel) -> start-cost burst (model's
 * category) -> start -> after-start burst (e.g. the futex wake) -> the
 * model's start_wait (Java's Thread.start() handshake: blocked until the
 * new thread has started, then the notify burst) -> next.
 * Must not touch a task after handing it to the model. */
#include "acceptor.h"
#include "run.h"
#include "trace.h"
#include <stdlib.h>

enum acc_phase { ACC_IDLE, ACC_ACCEPTED, ACC_PAID, ACC_STARTED, ACC_NOTIFIED };

struct acceptor {
	struct run *run;
	struct kthread *kt;
	struct task_fifo backlog;
	struct task *cur;
	enum acc_phase phase;
	bool blocked;
};

static void acc_step(struct kern *k, struct kthread *kt);
static const struct kern_owner_ops acc_ops = { .step = acc_step };

/* Takes the next connection, or sleeps in epoll_wait. */
static void acc_next(struct acceptor *a, struct kern *k)
{
	a->cur = tq_pop(&a->backlog);
	if (!a->cur) {
		a->phase = ACC_IDLE;
		a->blocked = true;
		kern_block(k, a->kt);
		trc_set(k->sim->trace, TRC_THREAD, a->kt->id, TS_NETPOLL, -1, k->sim->now);
		return;
	}
	a->phase = ACC_ACCEPTED;
	kern_run_cz(k, a->kt, a->run->sc->acceptor.accept, CZ_K_SYSCALL, 0, -1);
}

static void acc_step(struct kern *k, struct kthread *kt)
{
	struct acceptor *a = kt->owner;
	struct run *r = a->run;
	enum cpu_cat cat = CAT_KERNEL;
	switch (a->phase) {
	case ACC_ACCEPTED:
		a->phase = ACC_PAID;
		sim_ns cost = r->model->start_cost(r, &cat);
		kern_run_cz(k, kt, cost, model_start_cost_cause(r->model, cat), 0, -1);
		return;
	case ACC_PAID: {
		struct task *t = a->cur;
		a->cur = NULL;
		a->phase = ACC_STARTED;
		kern_run_cz(k, kt, r->model->start(r, t, kt), model_start_cause(r->model), 0, -1);
		return;
	}
	case ACC_STARTED: {
		sim_ns cost = 0;
		if (r->model->start_wait && r->model->start_wait(r, kt, &cost)) {
			kern_block(k, kt);  /* Thread.start()'s handshake: the model wakes it */
			trc_set(k->sim->trace, TRC_THREAD, kt->id, TS_FUTEX, -1, k->sim->now);
			return;
		}
		if (cost == 0) {
			acc_next(a, k);
			return;
		}
		a->phase = ACC_NOTIFIED;
		kern_run_cz(k, kt, cost, CZ_K_WAKE, 0, -1);
		return;
	}
	case ACC_IDLE:
	case ACC_NOTIFIED:
		acc_next(a, k);
		return;
	}
}

struct acceptor *acc_create(struct run *r)
{
	struct acceptor *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	a->run = r;
	a->phase = ACC_IDLE;
	a->kt = kern_create(&r->kern, &acc_ops, a, r->sc->kernel.stack_touch, 0);
	if (!a->kt) {
		free(a);
		return NULL;
	}
	return a;
}

void acc_destroy(struct acceptor *a) { free(a); }

void acc_put(struct acceptor *a, struct task *t)
{
	tq_push(&a->backlog, t);
	if (a->blocked) {
		a->blocked = false;
		kern_wake(&a->run->kern, a->kt, -1);
	}
}

int64_t acc_backlog(const struct acceptor *a) { return a->backlog.len; }
