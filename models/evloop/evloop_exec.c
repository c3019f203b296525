/* models/evloop/evloop_exec.c — a handler's ops on a thread of the event-loop
 * model, loop or worker (the table of evloop.h): what runs in place, what
 * blocks the thread, what leaves it (the network, a channel, children, a
 * move between loop and worker pool, the end). Must not choose the next
 * task of a thread: that is the loop's (evloop.c) or the pool's. */
#include "run.h"
#include "evloop.h"
#include "ktask.h"
#include "jvmgc.h"
#include "trace.h"
#include <assert.h>
#include <string.h>

/* th->pre is per category: each is paid as its category's default cause
 * (kernel.h), in category order as before. */
void evl_run(struct run *r, struct evl_thread *th, sim_ns work, enum cpu_cat cat, double mem, int home)
{
	sim_ns pre[CZ_COUNT];  /* read only where mask says (the causes are distinct per category) */
	unsigned mask = 0;
	for (int c = 0; c < CAT_IDLE; c++)
		if (th->pre[c]) {
			int cz = kern_cat_cause[c];
			pre[cz] = th->pre[c];
			mask |= 1u << cz;
		}
	kern_run_pre_mask(&r->kern, th->kt, pre, mask, work, (enum cpu_cause)kern_cat_cause[cat], mem, home);
	if (mask)
		memset(th->pre, 0, sizeof th->pre);
}

void evl_take(struct run *r, struct evl_thread *th, struct task *t)
{
	th->cur = t;
	kern_carry(&r->kern, th->kt, wl_tb(&r->wl, t));
}

void evl_task_timer(struct sim *sim, struct eq_event *ev)
{
	struct task *t = (struct task *)((char *)ev - offsetof(struct task, ev));
	struct run *r = sim->ctx;
	if (t->phase == TW_NET)
		evl_net_ready(r, t);
	else
		kern_wake(&r->kern, t->kt, -1);
}

/* The thread sleeps in a handler's call (its task in part why); on a loop
 * every connection of the loop waits with it. */
static void block_thread(struct run *r, struct evl_thread *th, enum trc_state st, enum tb_part why)
{
	for (int c = 0; c < CAT_IDLE; c++)
		assert(th->pre[c] == 0);
	th->block_start = r->sim.now;
	kern_block_for(&r->kern, th->kt, why);
	trc_set(r->sim.trace, TRC_THREAD, th->kt->id, st, th->cur ? (int64_t)th->cur->key : -1, r->sim.now);
}

static void account_block(struct run *r, struct evl_thread *th)
{
	if (th->block_start < 0)
		return;
	th->blocked_ns += r->sim.now - th->block_start;
	th->block_start = -1;
}

/* The task leaves the thread (th->pre keeps what is owed), to wait in
 * part why. */
static bool leave(struct run *r, struct evl_thread *th, enum tb_part why)
{
	kern_carry(&r->kern, th->kt, NULL);
	if (th->cur)
		tb_off(wl_tb(&r->wl, th->cur), why, r->sim.now);
	th->cur = NULL;
	return false;
}

/* The program ended: booked on its loop (the response written), a waiting
 * parent's continuation posted to its loop. */
static bool task_end(struct run *r, struct evl_thread *th, struct task *t)
{
	int core = th->kt->core;
	kern_carry(&r->kern, th->kt, NULL);  /* its breakdown closes in wl_task_done */
	th->cur = NULL;
	if (t->failed) {
		wl_task_failed(&r->wl, t, core);
	} else if (wl_task_done(&r->wl, t, core)) {
		th->pre[CAT_RUNTIME] += r->sc->evloop.enqueue;
		th->pre[CAT_KERNEL] += r->sc->kernel.syscall + r->sc->kernel.wake_cost;
	}
	return false;
}

/* A blocking system call (syscall, sleep, a native call): entry, then the
 * thread sleeps until the call's timer. */
static bool start_blocking(struct run *r, struct evl_thread *th, struct task *t, sim_ns dur,
			   enum tb_part why)
{
	t->arg = dur;
	wl_tb(&r->wl, t)->block = (uint8_t)why;
	th->phase = EP_BLOCK;
	evl_run(r, th, ktask_entry_cost(r), CAT_KERNEL, 0, -1);
	return true;
}

static bool do_block(struct run *r, struct evl_thread *th, struct task *t)
{
	t->phase = TW_THREAD;
	sim_after(&r->sim, &t->ev, t->arg);
	th->phase = EP_BLOCK_EXIT;
	block_thread(r, th, TS_BLOCKED, (enum tb_part)wl_tb(&r->wl, t)->block);
	return true;
}

/* net on a loop: the request is written (one system call) and the handler
 * returns; the reply arrives after the op's duration. */
static bool net_wait(struct run *r, struct evl_thread *th, struct task *t, sim_ns dur)
{
	th->pre[CAT_KERNEL] += r->sc->kernel.syscall;
	t->phase = TW_NET;
	sim_after(&r->sim, &t->ev, dur);
	return leave(r, th, TB_NET);
}

/* ---- mutex: a futex lock, as the 1:1 models' (onthread.c) ---- */

static void lock_try(struct run *r, struct evl_thread *th, struct task *t)
{
	int mi = t->mx_index;
	if (wl_mutex_try(&r->wl, mi, t)) {
		th->phase = EP_UNLOCK;
		evl_run(r, th, wl_mutex_line(&r->wl, mi, th->kt->core) + t->arg, CAT_TASK, 0, -1);
		return;
	}
	if (t->mx_spins == 0) {
		t->mx_spins = 1;
		th->phase = EP_MX_SPIN;
		wl_mutex_spin(&r->wl, mi, t);
		evl_run(r, th, r->sc->kernel.lock_spin, CAT_SPIN, 0, -1);
		return;
	}
	wl_mutex_wait(&r->wl, mi, t, false);
	t->chan_wait = 1;
	th->phase = EP_MX_BLOCK;
	evl_run(r, th, ktask_entry_cost(r), CAT_KERNEL, 0, -1);
}

/* Back from (or released before) a mutex wait: the exit half, then try
 * the lock again. */
static bool mx_resume(struct run *r, struct evl_thread *th)
{
	th->phase = EP_LOCK;
	evl_run(r, th, ktask_exit_cost(r), CAT_KERNEL, 0, -1);
	return true;
}

static bool mx_sleep(struct run *r, struct evl_thread *th, struct task *t)
{
	if (!t->chan_wait)
		return mx_resume(r, th);  /* released during the entry: futex_wait returns EAGAIN */
	th->phase = EP_MX_EXIT;
	block_thread(r, th, TS_FUTEX, TB_MUTEX);
	return true;
}

/* Unlock: the longest spinner on a CPU retries now; a futex wake for the
 * first waiter, if any. */
static void unlock(struct run *r, struct evl_thread *th, struct task *t)
{
	bool handoff;
	struct task *next = wl_mutex_unlock(&r->wl, t->mx_index, t, &handoff);
	struct task *spinner = wl_mutex_spinner(&r->wl, t->mx_index);
	if (spinner)  /* it sees the word free: its spin ends now (onthread.c: unlock) */
		kern_preempt_burst(&r->kern, spinner->kt);
	th->phase = EP_OP;
	if (next) {
		const struct evl_thread *owner = next->kt->owner;  /* a loop's struct starts with its thread */
		next->chan_wait = 0;
		if (next->kt->state == KT_BLOCKED && owner->phase == EP_MX_EXIT)
			kern_wake(&r->kern, next->kt, th->kt->core);
		th->pre[CAT_KERNEL] += r->sc->kernel.syscall + r->sc->kernel.wake_cost;
	}
	evl_run(r, th, 0, CAT_RUNTIME, 0, -1);
}

/* ---- channels: futures with listeners, on the loop ---- */

/* A channel op on a loop: what it releases is posted to the released
 * task's loop; a task that must wait parks without its thread. */
static bool chan_op(struct run *r, struct evl_thread *th, struct task *t, const struct wl_step *s)
{
	struct task *wake = NULL;
	struct task_fifo all = { 0 };
	enum chan_result res = s->kind == OP_SEND ? wl_chan_send(&r->wl, s->program, t, &wake)
			     : s->kind == OP_RECV ? wl_chan_recv(&r->wl, s->program, t, &wake)
						  : wl_chan_close(&r->wl, s->program, &all);
	th->pre[CAT_RUNTIME] += r->sc->evloop.enqueue;
	if (res == CH_PANIC) {
		t->failed = 1;
		return task_end(r, th, t);
	}
	if (wake)
		tq_push(&all, wake);
	struct task *p;
	while ((p = tq_pop(&all)))
		evl_post(r, p, th, th->kt->core, th->pre);
	if (res == CH_BLOCK) {
		t->phase = TW_PARKED;
		return leave(r, th, TB_CHAN);
	}
	evl_run(r, th, 0, CAT_TASK, 0, -1);
	return true;
}

/* spawn: each child starts on the next loop; a waiting parent parks. */
static bool spawn(struct run *r, struct evl_thread *th, struct task *t, const struct wl_step *s)
{
	t->spawn_seq = s->opseq;
	for (int64_t j = 0; j < s->count; j++) {
		struct task *child = wl_new_child(&r->wl, t, s->program, j);
		evl_assign(r, child, th, th->kt->core, th->pre);
	}
	if (s->wait && t->children_left > 0) {
		t->waiting = 1;
		t->phase = TW_PARKED;
		return leave(r, th, TB_JOIN);
	}
	evl_run(r, th, 0, CAT_TASK, 0, -1);
	return true;
}

/* The handler's stack reaches `depth` on this thread: past the
 * reservation a StackOverflowError, else the new pages' faults. */
static bool stack_grow(struct run *r, struct evl_thread *th, struct task *t, int64_t depth)
{
	struct kthread *kt = th->kt;
	if (depth > kt->stack_reserved) {
		r->wl.st.stack_overflows++;
		t->failed = 1;
		return task_end(r, th, t);
	}
	int64_t page = 4096, more = depth - kt->stack_committed;
	int64_t pages = more > 0 ? (more + page - 1) / page : 0;
	kern_commit_stack(&r->kern, kt, pages * page);
	evl_run(r, th, pages * r->sc->kernel.page_fault, CAT_KERNEL, 0, -1);
	return true;
}

static bool alloc(struct run *r, struct evl_thread *th, struct task *t, const struct wl_step *s)
{
	if (jgc_alloc(r, t, s->count, s->temp))
		block_thread(r, th, TS_GCSTOP, TB_GC);  /* woken in EP_OP when it fits */
	else
		evl_run(r, th, 0, CAT_TASK, 0, -1);
	return true;
}

/* ---- where an op runs ---- */

/* Ops only a loop does: I/O, channels, spawning, writing the response. */
static bool loop_only(int kind)
{
	return kind < 0 || kind == OP_NET || kind == OP_SEND || kind == OP_RECV || kind == OP_CLOSE ||
	       kind == OP_SPAWN;
}

/* Ops a loop hands to the worker pool when there is one. */
static bool offloaded(int kind)
{
	return kind == OP_CPU || kind == OP_SYSCALL || kind == OP_SLEEP || kind == OP_CGO || kind == OP_LOCK;
}

static bool run_op(struct run *r, struct evl_thread *th, struct task *t, const struct wl_step *s)
{
	switch (s->kind) {
	case OP_CPU:
		evl_run(r, th, s->dur, CAT_TASK, s->mem, mh_carrier_foot(t, th->kt));
		return true;
	case OP_SYSCALL:
	case OP_CGO:
		return start_blocking(r, th, t, s->dur, TB_SYSCALL);
	case OP_SLEEP:  /* Thread.sleep: nanosleep, up to the timer slack late */
		return start_blocking(r, th, t, s->dur + r->sc->kernel.timer_slack, TB_SLEEP);
	case OP_NET:
		return net_wait(r, th, t, s->dur);
	case OP_SEND:
	case OP_RECV:
	case OP_CLOSE:
		return chan_op(r, th, t, s);
	case OP_SPAWN:
		return spawn(r, th, t, s);
	case OP_STACK:
		return stack_grow(r, th, t, s->count);
	case OP_ALLOC:
		return alloc(r, th, t, s);
	case OP_YIELD:  /* Thread.yield → sched_yield(2), s->count times */
		t->arg = s->count > 0 ? s->count : 1;
		th->phase = EP_YIELD;
		evl_run(r, th, r->sc->kernel.syscall, CAT_KERNEL, 0, -1);
		return true;
	case OP_LOCK:
		t->mx_index = s->program;
		t->arg = s->dur;
		t->mx_spins = 0;
		lock_try(r, th, t);
		return true;
	case OP_LOCK_OS_THREAD:  /* a Java thread is its own OS thread */
	case OP_UNLOCK_OS_THREAD:
		evl_run(r, th, 0, CAT_TASK, 0, -1);
		return true;
	case OP_REPEAT:
		break;
	}
	assert(!"wl_next never yields a repeat");
	return true;
}

static bool next_op(struct run *r, struct evl_thread *th, struct task *t)
{
	if (t->chan_panic) {  /* a parked sender released by close */
		t->failed = 1;
		return task_end(r, th, t);
	}
	int kind = wl_peek(&r->wl, t);
	if (!th->is_loop && loop_only(kind)) {  /* back to the loop: execute() + wakeup() */
		evl_of(r)->posts_back++;
		evl_post(r, t, th, th->kt->core, th->pre);
		return leave(r, th, TB_SCHED);
	}
	if (th->is_loop && evl_of(r)->nworkers > 0 && offloaded(kind)) {
		evl_pool_submit(r, evl_of(r), t, th);
		return leave(r, th, TB_SCHED);
	}
	if (kind < 0)
		return task_end(r, th, t);
	struct wl_step s = { 0 };  /* wl_next fills it; zeroed for -O3/LTO's maybe-uninitialized */
	wl_next(&r->wl, t, &s);
	return run_op(r, th, t, &s);
}

bool evl_exec_step(struct run *r, struct evl_thread *th)
{
	struct task *t = th->cur;
	account_block(r, th);
	switch (th->phase) {
	case EP_BLOCK:
		return do_block(r, th, t);
	case EP_BLOCK_EXIT:
		th->phase = EP_OP;
		evl_run(r, th, ktask_exit_cost(r), CAT_KERNEL, 0, -1);
		return true;
	case EP_MX_SPIN:
		wl_mutex_spin_end(&r->wl, t->mx_index, t);
		lock_try(r, th, t);
		return true;
	case EP_LOCK:
		lock_try(r, th, t);
		return true;
	case EP_MX_BLOCK:
		return mx_sleep(r, th, t);
	case EP_MX_EXIT:
		return mx_resume(r, th);
	case EP_UNLOCK:
		unlock(r, th, t);
		return true;
	case EP_YIELD:
		th->phase = --t->arg > 0 ? EP_YIELD_NEXT : EP_OP;
		kern_yield(&r->kern, th->kt);
		return true;
	case EP_YIELD_NEXT:
		th->phase = EP_YIELD;
		evl_run(r, th, r->sc->kernel.syscall, CAT_KERNEL, 0, -1);
		return true;
	default:
		th->phase = EP_OP;
		return next_op(r, th, t);
	}
}
