/* models/onethread/onthread.h — runs a task's program on a kernel thread, the 1:1 way:
 * cpu ops are bursts, every blocking op (syscall, net, sleep, waiting for
 * children) is a system call that blocks the thread, spawn starts each child
 * through the model, paying its start cost on this thread. Shared by the
 * threads and pool models; the Go model has its own executor. Must not
 * decide what a thread does once its task's program has ended. */
#ifndef GMPSIM_ONTHREAD_H
#define GMPSIM_ONTHREAD_H
#include "types.h"
#include "kernel.h"

struct run;
struct task;

/* Advances task t on its thread t->kt by one kernel action and returns
 * true; returns false, having done nothing, when the program has ended. */
bool ot_step(struct run *r, struct task *t);
/* model_ops.resume for on-thread tasks: wakes the parent's thread. */
void ot_resume(struct run *r, struct task *t, int waker_core);
/* Resets a task's execution phase before it first runs on a thread. */
void ot_begin(struct run *r, struct task *t, struct kthread *kt);

#endif
