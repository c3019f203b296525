/* models/colocated.h — co-located load: the task classes marked
 * `colocated: true` (a load generator, a sidecar, a noisy neighbour) run
 * as bare native threads of another process on the same cores as the
 * service, the same way whatever model serves the service.
 *
 * Each task of an open-loop or batch class gets a new foreign kernel
 * thread (kern_create_foreign: an 8 MiB pthread stack reserved,
 * kernel.stack_touch committed) that pays kernel.thread_create as its
 * first instructions (the clone is the co-located process's CPU, charged
 * to the thread it makes), runs the program and exits
 * (kernel.thread_exit). Each client of a closed-loop class is ONE
 * long-lived thread, created at time 0, that runs a request's program,
 * sleeps its think time (a nanosleep: the system call's two halves around
 * the wait, none when the class's think time is constant 0) and runs the
 * next request. Ops are executed as a pthread does them, as the 1:1
 * models' executor does: cpu a burst, syscall/net/sleep a blocking system
 * call (sleep up to kernel.timer_slack late), yield sched_yield(2); the
 * loader refuses every other op in such a class.
 *
 * Must not call the service model (model_ops): nothing here reaches it,
 * and the workload books these tasks in wl.colo, not in the service's
 * figures.
 */
#ifndef GMPSIM_COLOCATED_H
#define GMPSIM_COLOCATED_H
#include "types.h"

struct run;
struct task;

/* Creates the executor's state (r->colo) and the closed-loop classes'
 * client threads. Returns 0, or -1 with a message. */
int co_init(struct run *r, char *err, size_t errlen);
/* Frees what co_init made (not the threads: the kernel's). */
void co_free(struct run *r);
/* wl.colocated: a co-located class's task arrives; it starts on a new
 * thread, or on its client's thread. */
void co_start(struct run *r, struct task *t);

#endif
