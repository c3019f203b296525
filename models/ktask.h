/* models/ktask.h — a task on a kernel thread of its own, as every executor
 * that runs tasks 1:1 sees it (models/onethread/onthread.c for the threads
 * and pool models, models/colocated.c for other processes' threads): the
 * task's timed wait wakes its thread, and a blocking system call is entry
 * (half of kernel.syscall) -> blocked -> exit (the other half). Must not
 * decide what the thread does next: that is the executor's. */
#ifndef GMPSIM_KTASK_H
#define GMPSIM_KTASK_H
#include "run.h"

/* Binds t to kt in execution phase `phase`; t->ev, when armed, wakes kt. */
void ktask_begin(struct task *t, struct kthread *kt, int phase);

/* The CPU of a blocking system call's entry and of its exit. */
static inline sim_ns ktask_entry_cost(const struct run *r) { return r->sc->kernel.syscall / 2; }
static inline sim_ns ktask_exit_cost(const struct run *r)
{
	return r->sc->kernel.syscall - r->sc->kernel.syscall / 2;
}

#endif
