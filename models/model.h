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
	/* Called on the starter once start()'s burst is paid (may be NULL):
	 * true while the starter must block until the model wakes it (Java's
	 * Thread.start() waits for the new thread's start handshake; the
	 * starter then calls it again); false when it may go on, with *cost
	 * (kernel CPU, e.g. a notify) for it to pay first. */
	bool (*start_wait)(struct run *r, struct kthread *starter, sim_ns *cost);
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
};

extern const struct model_ops threads_model;
extern const struct model_ops pool_model;
extern const struct model_ops gmp_model;
extern const struct model_ops evloop_model;

/* The model named name, or NULL. */
const struct model_ops *model_find(const char *name);
/* All models, NULL-terminated. */
extern const struct model_ops *const model_list[];

#endif
