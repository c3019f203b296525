/* models/model.h — the interface every runtime model implements (threads,
 * pool, gmp). A model decides what its kernel
 * threads do; the kernel decides when they get a core. Must not contain
 * any model's logic. */
#ifndef GMPSIM_MODEL_H
#define GMPSIM_MODEL_H
#include "types.h"
#include "kernel.h"

struct run;
struct task;
struct run_result;

/* What a starter does next in start_enter / start_wait. */
enum start_step {
	SS_GO,     /* go on, paying *cost (kernel CPU) first if non-zero */
	SS_RUN,    /* the model gave the starter a burst: ask again at its next step */
	SS_BLOCK,  /* block until the model wakes the starter, then ask again */
};

struct model_ops {
	const char *name;
	const char *summary;  /* one line for --help */
	/* Creates the model's state and threads at time 0. */
	int (*init)(struct run *r, char *err, size_t errlen);
	/* Frees everything the model created (its state, a JVM collector).
	 * Called once at teardown, also when init failed part-way. */
	void (*fini)(struct run *r);
	/* CPU the starting thread pays before start() (e.g. thread creation). */
	sim_ns (*start_cost)(struct run *r, enum cpu_cat *cat);
	/* Makes a new task runnable. starter is the thread that starts it (the
	 * acceptor, a spawning parent) or NULL for an external start. Returns
	 * the kernel CPU the starter pays afterwards (e.g. a futex wake). The
	 * model calls wl_task_failed itself if the task cannot start. */
	sim_ns (*start)(struct run *r, struct task *t, struct kthread *starter);
	/* Called on the starter after start_cost's burst, before start() (may
	 * be NULL): Java's JVM_StartThread takes Threads_lock before it
	 * clones. SS_BLOCK: the starter blocks until the model wakes it, then
	 * calls it again; SS_RUN: the model has run a burst on the starter
	 * (e.g. a futex wait's entry), it calls again at its next step;
	 * SS_GO: it pays *cost (kernel CPU), if any, and goes on to start(). */
	enum start_step (*start_enter)(struct run *r, struct kthread *starter, sim_ns *cost);
	/* Called on the starter once start()'s burst is paid (may be NULL),
	 * with start_enter's contract: SS_BLOCK while the new thread's start
	 * handshake is not done (the model wakes the starter); SS_RUN after
	 * the model ran a burst on it (Java's Threads::add under
	 * Threads_lock); SS_GO when the starter may go on, with *cost (kernel
	 * CPU, e.g. an unlock's futex wake and a notify) for it to pay first. */
	enum start_step (*start_wait)(struct run *r, struct kthread *starter, sim_ns *cost);
	/* Open-loop arrivals enter through the model's own accept loop (Go's
	 * accepting goroutine) instead of the shared kernel-thread acceptor.
	 * May be NULL. */
	void (*accept)(struct run *r, struct task *t);
	/* 1:1 models: CPU of one lock + queue operation + unlock (a channel
	 * op on a blocking queue). May be NULL. */
	sim_ns (*queue_op)(struct run *r);
	/* A task blocked waiting for its children may continue. */
	void (*resume)(struct run *r, struct task *t, int waker_core);
	/* Model-specific metrics, after the common ones. May be NULL. */
	void (*metrics)(struct run *r, struct run_result *res);
	/* Model-specific time-series values at a sample point. May be NULL. */
	void (*sample)(struct run *r, struct run_result *res, sim_ns t);
	/* Starting a task creates a thread (start_cost and start's CPU are
	 * thread creation, not a queue op and a wake-up): the CPU causes. */
	bool starts_threads;
};

/* The CPU cause of start_cost's CPU. Its category is kernel whatever
 * start_cost says in cat: the starters have always charged it so (they
 * passed `start_cost(r, &cat), cat` as two arguments of one call, whose
 * order of evaluation C leaves unspecified: GCC read cat before the call
 * set it, so Java's Thread.start() share and a pool's enqueue were kernel
 * CPU). Kept, so that the figures stay what they were; issue 15 notes it. */
static inline enum cpu_cause model_start_cost_cause(const struct model_ops *m, enum cpu_cat cat)
{
	(void)cat;
	return m->starts_threads ? CZ_K_THREAD : CZ_K_QUEUE;
}

/* The CPU cause of the kernel CPU start() returns (a clone, or a futex wake). */
static inline enum cpu_cause model_start_cause(const struct model_ops *m)
{
	return m->starts_threads ? CZ_K_THREAD : CZ_K_WAKE;
}

extern const struct model_ops threads_model;
extern const struct model_ops pool_model;
extern const struct model_ops gmp_model;
extern const struct model_ops evloop_model;

/* The model named name, or NULL. */
const struct model_ops *model_find(const char *name);
/* All models, NULL-terminated. */
extern const struct model_ops *const model_list[];

#endif
