/* models/workload.h — tasks, their programs, arrivals and completions.
 *
 * The workload is model-independent: it creates tasks when they arrive
 * (Poisson, closed-loop clients, batches), hands them to the model, walks
 * each task's program (wl_next yields the next op with its demand drawn by
 * common random numbers, see sim/core/rng.h), and books completions, failures
 * and latencies. It must not decide how or where anything runs.
 */
#ifndef GMPSIM_WORKLOAD_H
#define GMPSIM_WORKLOAD_H
#include "types.h"
#include "engine.h"
#include "scenario.h"
#include "tb.h"
#include "mempolicy.h"

#define WL_MAX_DEPTH 4  /* repeat nesting levels; more is refused at run start */

struct run;
struct kthread;

/* The fields an event on the task reads (its queue link, timed wait,
 * timer, breakdown, program position and scheduler state) in the first
 * 128 bytes; the spawn, loop, lock and memory bookkeeping after them. */
struct task {
	uint64_t key;            /* common-random-numbers identity (rng.h) */
	struct task *next;       /* link in whatever queue holds the task */
	struct eq_event ev;      /* the task's timed wait */
	union {
		sim_ns arg;      /* current op's drawn duration (or what is left of it) */
		sim_ns when;     /* gmp: its sleep timer's expiry (while asleep) */
	};
	struct tb_acct *tb;      /* where its time went since it arrived (tb.h); NULL while it is
				  * still waiting to be accepted or started, since t_arrive: wl_tb */
	sim_ns t_arrive;
	void *lockedm;           /* gmp: the M it is locked to (runtime.LockOSThread) */
	/* second line */
	int32_t prog, pc;
	uint32_t opseq;          /* ops executed so far */
	int16_t home_node;       /* NUMA node of first touch (gmp: of its stack); -1 before it runs */
	uint8_t phase;           /* the model's execution phase */
	uint8_t gstate;          /* gmp: enum gstatus (models/gmp/gmp_sched.h) */
	uint8_t gpreempt;        /* gmp: preemption requested (gp.preempt) */
	uint8_t chan_panic;      /* a parked sender was released by close: it panics */
	uint8_t waiting;         /* blocked waiting for its children */
	uint8_t depth;           /* repeat nesting */
	int32_t timer_pos;       /* gmp: slot in its P's timer heap, -1 if none */
	float mem;               /* current cpu op's memory intensity */
	sim_ns t_ready;          /* gmp: when it last became runnable */
	struct kthread *kt;      /* carrier thread (threads, pool models) */
	struct task *parent;     /* spawner, NULL for arrivals */
	uint32_t goid;           /* gmp, traced runs: the goroutine's id on the timeline (0: none yet) */
	uint32_t heap_kib;       /* its allocations still reachable (until it ends), KiB */
	/* the rest */
	int64_t children_left;   /* children started and not yet finished */
	int32_t spawn_done;      /* children started by the current spawn op */
	int32_t spawn_count;     /* children the current spawn op starts (<= INT32_MAX, checked) */
	int32_t cls;             /* class index; -1 for spawned children */
	union {
		uint32_t spawn_seq;  /* opseq of the current spawn op */
		int32_t mx_index;    /* the mutex of the current lock op */
	};
	uint32_t client, cycle;  /* closed loop: which client, which request */
	uint8_t spawn_wait;      /* the current spawn op waits */
	uint8_t chan_wait;       /* 1:1 models: queued on a channel or mutex and not yet released */
	uint8_t mx_spins;        /* spins of the current lock attempt */
	uint8_t mx_handed;       /* the mutex was handed to it (starvation mode) */
	uint8_t mx_awoke;        /* gmp: it set (spinning) or was given (woken) the mutex's woken flag */
	uint8_t lock_count;      /* gmp: LockOSThread nesting (lockedExt) */
	uint8_t failed;          /* the program ended in a failure (panic) */
	sim_ns mx_wait_start;    /* when it first queued for the current lock; 0: never */
	int32_t gstack_kib;      /* gmp: the goroutine's stack size, KiB */
	int32_t loop;            /* eventloop: the loop its connection is registered with */
	int32_t loop_op[WL_MAX_DEPTH];
	uint32_t loop_left[WL_MAX_DEPTH];
	struct memfoot foot;     /* what its mem: work touches: stack and heap by home (memhome.h) */
};

/* A FIFO of tasks linked through task.next (listen backlog, pool queue). */
struct task_fifo {
	struct task *head, *tail;
	int64_t len;
};

static inline void tq_push(struct task_fifo *q, struct task *t)
{
	t->next = NULL;
	if (q->tail)
		q->tail->next = t;
	else
		q->head = t;
	q->tail = t;
	q->len++;
}

/* The oldest task, or NULL when empty. */
static inline struct task *tq_pop(struct task_fifo *q)
{
	struct task *t = q->head;
	if (!t)
		return NULL;
	q->head = t->next;
	if (!q->head)
		q->tail = NULL;
	t->next = NULL;
	q->len--;
	return t;
}

static inline void tq_push_front(struct task_fifo *q, struct task *t)
{
	t->next = q->head;
	q->head = t;
	if (!q->tail)
		q->tail = t;
	q->len++;
}

/* Takes t out of q wherever it is; false when it was not there. */
static inline bool tq_remove(struct task_fifo *q, struct task *t)
{
	for (struct task **p = &q->head, *prev = NULL; *p; prev = *p, p = &(*p)->next) {
		if (*p != t)
			continue;
		*p = t->next;
		if (q->tail == t)
			q->tail = prev;
		t->next = NULL;
		q->len--;
		return true;
	}
	return false;
}

/* One op of a program, with its demand drawn. */
struct wl_step {
	enum op_kind kind;
	sim_ns dur;       /* CPU, SYSCALL, NET, SLEEP */
	double mem;       /* CPU */
	int program;      /* SPAWN */
	int64_t count;    /* SPAWN */
	bool wait;        /* SPAWN */
	bool temp;        /* ALLOC: garbage at once (not reachable from the task) */
	uint32_t opseq;
};

/* A channel's model-independent state: buffered elements and the tasks
 * parked in send and receive (linked through task.next). */
struct wl_chan {
	int64_t cap, count;
	bool closed;
	struct task_fifo sendq, recvq;
};

/* A mutex's model-independent state (sync.Mutex, a futex lock). */
struct wl_mutex {
	struct task *owner;
	bool starving;           /* sync.Mutex starvation mode */
	bool woken;              /* sync.Mutex mutexWoken: a woken or spinning G will retry, Unlock wakes no one */
	int32_t last_core;       /* where its cache line was last written; -1: nowhere */
	struct task_fifo waiters;
	struct task_fifo spinners;  /* 1:1 models: tasks spinning on it, longest first */
	int64_t acquisitions, contended, handoffs;
};

enum chan_result {
	CH_DONE,   /* the op completed (maybe releasing a parked task: *wake) */
	CH_BLOCK,  /* the task is queued on the channel and must park */
	CH_PANIC,  /* send on a closed channel, or close of a closed one */
};

struct wl_client {
	struct eq_event ev;
	struct run *run;
	int32_t cls;
	uint32_t id, cycle;
};

struct wl_class_state {
	struct eq_event ev;     /* next Poisson arrival or the batch */
	struct run *run;
	int32_t cls;
	uint64_t next_index;    /* arrivals so far */
	uint64_t class_hash;
	uint64_t task_base;     /* mix(mix(seed, H("task")), class_hash): task keys' first two mixes */
	uint64_t arrival_base;  /* mix(mix(seed, H("arrival")), class_hash): the gaps' */
	struct wl_client *clients;
	/* No-progress guard (closed loop): responses at virtual time stuck_at
	 * so far. More than WL_STUCK_PER_CLIENT per client at one instant means
	 * the clients re-ask at the same instant forever (think 0 and requests
	 * that fail or finish at once). */
	sim_ns stuck_at;
	int64_t stuck_n;
};

/* Responses one closed-loop client may get at a single instant before the
 * run is failed as making no progress (a client whose request takes any
 * time gets at most one), plus a constant allowance. */
#define WL_STUCK_PER_CLIENT 100
#define WL_STUCK_BASE 100000

struct wl_stats {
	int64_t created, completed, failed;        /* all tasks, whole run */
	int64_t live;                              /* created - completed - failed */
	int64_t top_completed, top_failed;         /* arrivals, in the window */
	int64_t top_arrived;                       /* arrivals that came in the window */
	int64_t stack_overflows;                   /* tasks failed past their thread's stack, whole run */
	int64_t child_completed, child_failed;     /* spawned tasks, in the window */
	int64_t *lat;                              /* latencies (ns) of arrivals in the window */
	int64_t nlat, caplat;
	/* The service's: each latency's breakdown (tb.h), a tb_record one
	 * after the other in lat's order (before it is sorted), and the
	 * parts' sums over them. */
	uint8_t *tb;
	int64_t tblen, captb;
	sim_ns tb_sum[TB_COUNT];
	int64_t tb_unbalanced;                     /* completions whose parts did not sum to the latency (a bug) */
};

struct wl {
	struct run *run;
	const struct scenario *sc;
	/* Where open-loop arrivals go when the server has an accept loop (the
	 * acceptor thread, or the model's own); NULL: straight to the model. */
	void (*admit)(struct run *r, struct task *t);
	/* Where a co-located class's arrivals go (the native executor,
	 * models/colocated.h, wired by models/run.c): never to the model. */
	void (*colocated)(struct run *r, struct task *t);
	struct wl_chan *chans;
	struct wl_mutex *mutexes;
	struct wl_class_state *classes;
	struct task **chunks;
	int nchunks, capchunks, chunk_used;
	struct task *free_list;
	struct wl_stats st;          /* the service's tasks (every class but the co-located ones) */
	struct wl_stats colo;        /* the co-located classes' tasks (no children, no overflows) */
	int64_t peak_live;           /* of st.live */
	int64_t heap_allocated;      /* bytes allocated by alloc ops, whole run */
	int64_t arrivals_armed;      /* arrivals still to come from outside: > 0 while a Poisson or
				      * closed-loop class exists or a batch is pending (checkdead);
				      * co-located classes' arrivals are not the service's: not counted */
	int64_t heap_reachable;      /* bytes reachable from live tasks (their alloc ops), not gc.live_heap */
	struct tb_acct **tb_free;    /* breakdown records of ended tasks, for reuse */
	int64_t ntb_free, captb_free;
};

int wl_init(struct wl *w, struct run *r, char *err, size_t errlen);
void wl_free(struct wl *w);
/* The task's time breakdown, created when it first leaves its wait to be
 * accepted (all of its time so far, accept wait): a task that is only
 * queued costs no breakdown. */
struct tb_acct *wl_tb_new(struct wl *w, struct task *t);
static inline struct tb_acct *wl_tb(struct wl *w, struct task *t)
{
	return t->tb ? t->tb : wl_tb_new(w, t);
}
/* Arms the arrival events. */
void wl_start(struct wl *w);
/* Fills step with the task's next op and returns true, or false at the end. */
bool wl_next(struct wl *w, struct task *t, struct wl_step *step);
/* The kind of the op wl_next would yield next (enum op_kind), or -1 at the
 * program's end; takes nothing and draws nothing. */
int wl_peek(struct wl *w, const struct task *t);
/* The task allocates bytes (an alloc op). Unless temp, they stay
 * reachable until the task ends (counted in whole KiB). The collector
 * itself is the model's. */
void wl_alloc(struct wl *w, struct task *t, int64_t bytes, bool temp);
/* Calls fn on every task slot ever allocated, live or on the free list
 * (the caller tells them apart by its own state); O(tasks). */
void wl_for_each_slot(struct wl *w, void (*fn)(struct task *t, void *ctx), void *ctx);
/* Creates child j (running `program`) of the spawn op the parent is
 * executing; the parent's spawn_seq names that op. */
struct task *wl_new_child(struct wl *w, struct task *parent, int program, int64_t j);
/* Is t a co-located class's task (booked in w->colo, not w->st)? */
bool wl_colocated(const struct wl *w, const struct task *t);
/* The task's program ended: books it, resumes a waiting parent (returns
 * true when a parent was woken, whose wake-up the caller pays), re-arms a
 * closed-loop client, frees the task. */
bool wl_task_done(struct wl *w, struct task *t, int core);
/* The task could not start or run (e.g. no thread could be created). */
void wl_task_failed(struct wl *w, struct task *t, int core);
/* Starts the measurement window (end of warm-up). */
void wl_reset_window(struct wl *w);
/* chan.go:chansend — a parked receiver takes the value directly (*wake
 * is it, to be readied); else a free buffer slot; else t is queued and
 * must park. Panics on a closed channel. */
enum chan_result wl_chan_send(struct wl *w, int ch, struct task *t, struct task **wake);
/* chan.go:chanrecv — a buffered value (a parked sender then refills the
 * slot: *wake); else a parked sender hands over directly (*wake); else a
 * closed channel gives the zero value; else t is queued and must park. */
enum chan_result wl_chan_recv(struct wl *w, int ch, struct task *t, struct task **wake);
/* chan.go:closechan — every parked receiver (zero value) and sender
 * (marked chan_panic) moves to out, to be readied. */
enum chan_result wl_chan_close(struct wl *w, int ch, struct task_fifo *out);
/* Takes the mutex if it is free (and nobody is owed it in starvation
 * mode). */
bool wl_mutex_try(struct wl *w, int mi, struct task *t);
/* Queues t for the mutex: at the front when it has waited before (LIFO,
 * as sync.Mutex's semacquire), else at the back. */
void wl_mutex_wait(struct wl *w, int mi, struct task *t, bool front);
/* Releases the mutex; returns the first waiter to wake, or NULL. In
 * starvation mode the mutex is handed to it (*handoff, it is the owner). */
struct task *wl_mutex_unlock(struct wl *w, int mi, struct task *t, bool *handoff);
/* Releases the mutex and wakes no one (gmp: a woken or spinning G will
 * retry, sync/mutex.go:unlockSlow's mutexWoken test). */
void wl_mutex_release(struct wl *w, int mi);
/* 1:1 models: t spins on the mutex (polls its word, as glibc's adaptive
 * mutex and HotSpot's ObjectMonitor::TrySpin do) until its spin budget
 * ends or an unlock lets it retry; wl_mutex_spin_end when it stops. */
void wl_mutex_spin(struct wl *w, int mi, struct task *t);
void wl_mutex_spin_end(struct wl *w, int mi, struct task *t);
/* At an unlock: the task that has spun longest among those on a CPU
 * (a preempted spinner polls nothing), no longer counted as spinning —
 * its model stops its spin now: it sees the word free —, or NULL. */
struct task *wl_mutex_spinner(struct wl *w, int mi);
/* The cache-line transfer a core pays to take the mutex (machine.numa
 * line_local / line_remote; 0 on the core that wrote it last). */
sim_ns wl_mutex_line(struct wl *w, int mi, int core);

/* Tasks parked on channels now (at the end of a run: leaked). */
int64_t wl_chan_parked(const struct wl *w);

/* Do open-loop arrivals enter through an acceptor (enabled, and some
 * class of the service — not co-located — arrives by Poisson or at a
 * constant rate)? */
bool wl_uses_acceptor(const struct scenario *sc);

/* Does some class run co-located (workload.<class>.colocated)? */
bool wl_has_colocated(const struct scenario *sc);

/* The maximum repeat nesting in the scenario's programs. */
int wl_max_depth(const struct scenario *sc);

#endif
