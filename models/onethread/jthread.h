/* models/onethread/jthread.h — what HotSpot adds to a kernel thread, for the
 * 1:1 models with runtime: java (the default; runtime: native is a bare
 * pthread).
 *
 * Thread.start() is a handshake, not a fire-and-forget clone. In JDK 17's
 * src/hotspot/os/linux/os_linux.cpp, os::create_thread pthread_creates the
 * child and then waits on the child's startThread_lock "until child thread
 * is either initialized or aborted"; the child, in thread_native_entry,
 * initialises itself, sets INITIALIZED, notifies the creator and waits in
 * turn until os::start_thread (pd_start_thread) sets RUNNABLE and notifies
 * it. So the creator cannot start the next thread before the last one has
 * had a core, and each start costs two futex wake-ups. A server whose
 * accept loop starts a thread per request is serialised by this wait.
 * Most of a new thread's set-up (stack guard pages, TLAB, JNI handles:
 * JavaThread::run) comes after the handshake, in thread->call_run().
 *
 * Costs: the creator's CPU in start() (jvm.start, beside the kernel's
 * clone), the new thread's CPU before the handshake (jvm.thread_entry) and
 * after it (jvm.thread_init), its exit path
 * (jvm.thread_exit, beside the kernel's), the ThreadsSMR work of both that
 * grows with the live threads (jvm.smr_add, jvm.smr_remove: jt_smr_add_cost),
 * the memory a Java thread commits
 * (jvm.stack_touch) and the JVM's own threads (jvm.threads: VM thread, GC
 * and compiler threads, ... — idle, but counted as the process's threads).
 * Must not run a task's program: that is onthread.c's. */
#ifndef GMPSIM_JTHREAD_H
#define GMPSIM_JTHREAD_H
#include "types.h"
#include "kernel.h"

struct run;
struct task;

struct jthreads;

/* The handshake state of a run (NULL-safe to free). */
struct jthreads *jt_new(void);
void jt_free(struct jthreads *j);

/* Creates the JVM's own threads (jvm.threads, `stack` reserved each), idle
 * for the whole run. 0, or -1 with err. */
int jt_vm_threads(struct run *r, int64_t stack, char *err, size_t errlen);

/* Thread.start(): creates the kernel thread for task t (NULL when the
 * thread limit is reached). starter (NULL for an external start) will wait
 * in jt_start_wait until the new thread has initialised. */
struct kthread *jt_start(struct run *r, struct jthreads *j, struct task *t, struct kthread *starter,
			 const struct kern_owner_ops *ops, int64_t stack);

/* The ThreadsSMR work of Thread.start()'s Threads::add (jvm.smr_add) and of
 * a thread's exit, Threads::remove and smr_delete (jvm.smr_remove), for the
 * service's live threads now: base costs excluded. */
sim_ns jt_smr_add_cost(const struct run *r);
sim_ns jt_smr_remove_cost(const struct run *r);

/* From the new thread's step(): true when the handshake took the step
 * (initialisation, notify, wait for RUNNABLE); false once the thread may
 * run its task. */
bool jt_child_step(struct run *r, struct jthreads *j, struct kthread *kt);

/* model_ops.start_wait for the starter: true while it must block (the
 * child wakes it); then false with *cost, the notify that lets the child
 * run, for the starter to pay. */
bool jt_start_wait(struct run *r, struct jthreads *j, struct kthread *starter, sim_ns *cost);

#endif
