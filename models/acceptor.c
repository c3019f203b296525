/* models/acceptor.c — the accept loop's kernel threads (see acceptor.h):
 * one per listening socket (acceptor.listeners). With several, the sockets
 * share the port with SO_REUSEPORT and the kernel gives each connection to
 * one socket (net/core/sock_reuseport.c: reuseport_select_sock, a hash of
 * the 4-tuple); distinct clients spread evenly, modelled as round robin.
 * Each socket has its own backlog and its own accepting thread.
 * Phases per connection: accept burst (kernel) -> start-cost burst (model's
 * category) -> the model's start_enter (Java's Threads_lock: blocked while
 * another thread holds it) -> start -> after-start burst (e.g. the futex
 * wake) -> the model's start_wait (Java's Thread.start() handshake:
 * blocked until the new thread has started, Threads::add, then the unlock
 * and notify burst) -> next.
 * Must not touch a task after handing it to the model. */
#include "acceptor.h"
#include "run.h"
#include "trace.h"
#include <stdlib.h>

enum acc_phase { ACC_IDLE, ACC_ACCEPTED, ACC_PAID, ACC_ENTERED, ACC_STARTED, ACC_NOTIFIED };

/* One listening socket and the thread accepting on it. */
struct acc_listener {
	struct run *run;
	struct kthread *kt;
	struct task_fifo backlog;
	struct task *cur;
	enum acc_phase phase;
	bool blocked;
};

struct acceptor {
	int n;                      /* listening sockets */
	uint64_t next;              /* connections handed out (the round robin) */
	struct acc_listener l[];
};

static void acc_step(struct kern *k, struct kthread *kt);
static const struct kern_owner_ops acc_ops = { .step = acc_step };

/* Takes the next connection, or sleeps in epoll_wait. */
static void acc_next(struct acc_listener *a, struct kern *k)
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

/* SS_BLOCK: the accept thread sleeps until the model wakes it (Threads_lock,
 * Thread.start()'s handshake); SS_RUN: the model gave it a burst. True when
 * the step is taken. */
static bool acc_wait_step(struct kern *k, struct kthread *kt, enum start_step ss)
{
	if (ss == SS_BLOCK) {
		kern_block(k, kt);
		trc_set(k->sim->trace, TRC_THREAD, kt->id, TS_FUTEX, -1, k->sim->now);
	}
	return ss != SS_GO;
}

static void acc_step(struct kern *k, struct kthread *kt)
{
	struct acc_listener *a = kt->owner;
	struct run *r = a->run;
	enum cpu_cat cat = CAT_KERNEL;
	switch (a->phase) {
	case ACC_ACCEPTED:
		a->phase = ACC_PAID;
		sim_ns cost = r->model->start_cost(r, &cat);
		kern_run_cz(k, kt, cost, model_start_cost_cause(r->model, cat), 0, -1);
		return;
	case ACC_PAID: {
		sim_ns cost = 0;
		enum start_step ss = r->model->start_enter ? r->model->start_enter(r, kt, &cost) : SS_GO;
		if (acc_wait_step(k, kt, ss))
			return;
		a->phase = ACC_ENTERED;
		if (cost > 0) {
			kern_run_cz(k, kt, cost, CZ_K_SYSCALL, 0, -1);
			return;
		}
	}
	/* fall through */
	case ACC_ENTERED: {
		struct task *t = a->cur;
		a->cur = NULL;
		a->phase = ACC_STARTED;
		kern_run_cz(k, kt, r->model->start(r, t, kt), model_start_cause(r->model), 0, -1);
		return;
	}
	case ACC_STARTED: {
		sim_ns cost = 0;
		enum start_step ss = r->model->start_wait ? r->model->start_wait(r, kt, &cost) : SS_GO;
		if (acc_wait_step(k, kt, ss))
			return;
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
	int n = r->sc->acceptor.listeners;
	struct acceptor *a = calloc(1, sizeof *a + (size_t)n * sizeof a->l[0]);
	if (!a)
		return NULL;
	a->n = n;
	for (int i = 0; i < n; i++) {
		struct acc_listener *l = &a->l[i];
		l->run = r;
		l->phase = ACC_IDLE;
		l->kt = kern_create(&r->kern, &acc_ops, l, r->sc->kernel.stack_touch, 0);
		if (!l->kt) {
			free(a);
			return NULL;
		}
	}
	return a;
}

void acc_destroy(struct acceptor *a) { free(a); }

void acc_put(struct acceptor *a, struct task *t)
{
	struct acc_listener *l = &a->l[a->next++ % (uint64_t)a->n];
	tq_push(&l->backlog, t);
	if (l->blocked) {
		l->blocked = false;
		kern_wake(&l->run->kern, l->kt, -1);
	}
}

int64_t acc_backlog(const struct acceptor *a)
{
	int64_t n = 0;
	for (int i = 0; i < a->n; i++)
		n += a->l[i].backlog.len;
	return n;
}
