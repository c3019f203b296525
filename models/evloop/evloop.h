/* models/evloop/evloop.h — the event-loop model (`eventloop`): a Java NIO
 * server in the style of Netty, Tomcat's NIO connector and Vert.x.
 *
 * `loops` selector threads (default 2 x machine.cores, Netty's
 * MultithreadEventLoopGroup.DEFAULT_EVENT_LOOP_THREADS) each own an epoll
 * instance (sun.nio.ch.EPollSelectorImpl). The acceptor (Netty's boss
 * loop) hands each new connection to the next loop, round-robin
 * (DefaultEventExecutorChooserFactory), as a task put on the loop's queue
 * followed by Selector.wakeup() when the loop sleeps in select().
 *
 * A loop thread alternates select() and running what it returned:
 *   - select(): EPollSelectorImpl.doSelect — processUpdateQueue, then
 *     epoll_wait, a blocking system call (the thread sleeps when nothing is
 *     ready); on return, if the eventfd of wakeup() fired, clearInterrupt()
 *     reads it (a second system call). Everything that became ready before
 *     the select is processed in one batch; what becomes ready meanwhile
 *     waits for the next select.
 *   - each ready event costs `dispatch` (processReadyEvents + the
 *     pipeline's handler call), then the connection's handler runs its
 *     program's ops until it waits for the network again.
 *
 * What the ops do on a loop thread:
 *   - net: the request to the other side is written (one system call) and
 *     the handler returns; no thread waits. When the reply arrives (the
 *     NIC's interrupt) the connection is ready on its loop, which wakes if
 *     it sleeps in epoll_wait.
 *   - cpu: runs on the loop; with `workers: M` it is handed to a worker
 *     pool (an ExecutorService: a queue put and a futex wake of an idle
 *     worker), and the work's completion is posted back to the loop
 *     (execute(): a queue put, plus Selector.wakeup() — an eventfd write
 *     that wakes the loop — when the loop sleeps in select()).
 *   - syscall, sleep, cgo, lock: block the thread they run on. On a loop
 *     thread that is every connection of the loop: nothing else on it runs
 *     until the call returns (the classic mistake). With workers they run
 *     on the worker, as blocking handlers are offloaded to an
 *     EventExecutorGroup.
 *   - channels: the event loop's idiom is a future with a listener, not a
 *     blocking queue: a recv with nothing to take (a send with nobody to
 *     take it, on a full or unbuffered channel) parks the connection
 *     without blocking the thread; the op that releases it posts it back
 *     to its loop (execute(), with a wakeup() across loops).
 *   - spawn: each child is a new connection-like task on the next loop;
 *     the parent waits (without a thread) when the spawn waits.
 *   - alloc, stack, yield: on the thread running the handler (a JVM's
 *     collector stops it like any Java thread; a loop's stack grows).
 * A handler's work that started on a worker goes back to its loop for net,
 * channel and spawn ops and at the end (the response is written by the
 * loop).
 *
 * Must not: block a loop thread for anything but a task's blocking call,
 * a mutex wait or a full eden; know about any other model.
 */
#ifndef GMPSIM_EVLOOP_H
#define GMPSIM_EVLOOP_H
#include "types.h"
#include "kernel.h"
#include "workload.h"

struct run;

/* What a thread of the model is doing (loop and worker threads alike). */
enum evl_phase {
	EP_SELECT,       /* loop: begin a select() */
	EP_SELECT_WAIT,  /* loop: epoll_wait entered: sleep unless something is ready */
	EP_SELECT_DONE,  /* loop: back from epoll_wait: exit half (+ the eventfd drain) */
	EP_NEXT,         /* loop: take the next event of the batch; worker: the next task */
	EP_OP,           /* run the current task's next op */
	EP_BLOCK,        /* a blocking call's entry paid: sleep until its timer */
	EP_BLOCK_EXIT,   /* woken: the exit half */
	EP_LOCK,         /* (re)try the mutex */
	EP_MX_SPIN,      /* spinning on the mutex: the budget is spent, or an unlock freed it */
	EP_MX_BLOCK,     /* queued on the mutex, futex_wait entered: sleep unless released */
	EP_MX_EXIT,      /* released: the exit half, then try again */
	EP_UNLOCK,       /* the critical section is done: release the mutex */
	EP_YIELD,        /* sched_yield entered: give the core up (task.arg yields left) */
	EP_YIELD_NEXT,   /* back on a core with more yields to do */
	EP_IDLE,         /* worker: nothing queued: futex_wait entered */
	EP_ASLEEP,       /* worker: asleep in futex_wait */
};

/* Where a task is, for the timer that ends its wait (task.phase). */
enum evl_task_where { TW_THREAD, TW_NET, TW_PARKED };

struct evl_thread {
	struct kthread *kt;
	struct task *cur;         /* the task whose handler runs here, or NULL */
	enum evl_phase phase;
	bool is_loop;
	bool signalled;           /* worker: woken before it managed to sleep */
	int32_t index;            /* loop or worker number */
	sim_ns pre[CAT_IDLE];     /* CPU owed, paid as the prefix of the next burst */
	sim_ns block_start;       /* when it blocked in a handler's call; -1: it did not */
	sim_ns blocked_ns;        /* time blocked in handlers' calls (on a loop: all its connections stalled) */
	struct evl_thread *next_idle;
};

struct evl_loop {
	struct evl_thread th;
	struct task_fifo pending; /* ready in the kernel or posted, not yet selected */
	struct task_fifo batch;   /* returned by the last select(), to run */
	bool selecting;           /* between the start of select() and its return */
	bool interrupted;         /* EPollSelectorImpl.interruptTriggered: the eventfd is set */
	int64_t events, selects, wakeups, connections;
};

struct evl {
	struct run *run;
	struct evl_loop *loops;
	int64_t nloops;
	int64_t next_loop;        /* round-robin chooser */
	struct evl_thread *workers;
	int64_t nworkers;
	struct task_fifo work;    /* the worker pool's queue */
	struct evl_thread *idle_head, *idle_tail;
	int64_t work_peak, handoffs, posts_back;
};

/* The model's state of a run. */
struct evl *evl_of(struct run *r);

/* ---- evloop.c: the loops ---- */
/* Makes t ready on its loop, from `from` (a thread of the model, or NULL
 * for the acceptor or an outside start) running on `core` (-1: none): a
 * put on the loop's queue and,
 * when the loop sleeps in select() on another thread's behalf,
 * Selector.wakeup(). Returns the poster's CPU (the put and, across
 * threads, the eventfd write), to charge in the categories of `cost`. */
void evl_post(struct run *r, struct task *t, const struct evl_thread *from, int core, sim_ns cost[CAT_IDLE]);
/* t's network reply arrived (interrupt context). */
void evl_net_ready(struct run *r, struct task *t);

/* ---- evloop_exec.c: a handler's ops on a loop or worker thread ---- */
/* Runs the next step of th->cur and returns true when it gave th a kernel
 * action; false when the task left the thread (it ended, waits for the
 * network, a channel or its children, or moved between loop and worker),
 * th->cur is NULL and the CPU owed is in th->pre. */
bool evl_exec_step(struct run *r, struct evl_thread *th);
/* The thread's next burst, with th->pre as its prefix (then cleared). */
void evl_run(struct run *r, struct evl_thread *th, sim_ns work, enum cpu_cat cat, double mem, int home);
/* The thread takes task t (th->cur): its thread carries its time breakdown. */
void evl_take(struct run *r, struct evl_thread *th, struct task *t);
/* Starts connection-like task t on the next loop, round-robin, from
 * `from` (NULL: the acceptor or outside); the poster's CPU goes to cost. */
void evl_assign(struct run *r, struct task *t, const struct evl_thread *from, int core, sim_ns cost[CAT_IDLE]);
/* The timer of a task's timed wait (its blocking call or its network reply). */
void evl_task_timer(struct sim *sim, struct eq_event *ev);

/* ---- evloop_pool.c: the worker pool ---- */
int evl_pool_init(struct run *r, struct evl *e, char *err, size_t errlen);
/* Queues t for a worker, from loop thread `from`; the put and a futex wake
 * go into from->pre. */
void evl_pool_submit(struct run *r, struct evl *e, struct task *t, struct evl_thread *from);
/* The worker thread's step. */
void evl_worker_step(struct kern *k, struct kthread *kt);

#endif
