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
 * Threads_lock (jvm.threads_lock). JDK 17's JVM_StartThread
 * (prims/jvm.cpp) takes it before `new JavaThread` (whose constructor is
 * os::create_thread: the clone and the wait above) and drops it after
 * prepare() -> Threads::add, before Thread::start's notify: the starter
 * holds it across the handshake's wait, i.e. while its child waits for a
 * core. Every exiting thread takes it twice: in Threads::remove
 * (runtime/thread.cpp, from JavaThread::exit) and in
 * ThreadsSMRSupport::smr_delete -> wait_until_not_protected
 * (runtime/threadSMR.cpp, from JavaThread::post_run). It is a HotSpot
 * Mutex over a pthread mutex: a futex lock without spinning and without
 * hand-off (a woken waiter tries again; the starter, back for the next
 * start, often takes it first). So starts and exits serialise on it, and
 * exits queue behind starts (analysis/measure/startlock_trace.sh).
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

/* The part of jvm.start outside Threads_lock (start_cost's burst; the
 * rest is paid holding it, after the handshake). */
sim_ns jt_start_unlocked(const struct run *r);

/* model_ops.start_enter for the starter: JVM_StartThread takes
 * Threads_lock (SS_GO once held; SS_RUN/SS_BLOCK while it waits). */
enum start_step jt_start_enter(struct run *r, struct jthreads *j, struct kthread *starter, sim_ns *cost);

/* model_ops.start_wait for the starter: SS_BLOCK while the child has not
 * initialised (the child wakes it); SS_RUN for prepare() -> Threads::add
 * under the lock; then SS_GO with *cost, the unlock and the notify that
 * lets the child run, for the starter to pay. */
enum start_step jt_start_wait(struct run *r, struct jthreads *j, struct kthread *starter, sim_ns *cost);

/* A Java thread whose task ended: JavaThread::exit's path (jvm.thread_exit)
 * with the joiner's wake-up (wake_cost) from the next step of jt_exit_step. */
void jt_exit_begin(struct run *r, struct jthreads *j, struct kthread *kt, sim_ns wake_cost);

/* From the exiting thread's step(): true when the exit took the step
 * (Threads::remove and smr_delete under Threads_lock, the kernel's exit);
 * false once the thread may end (kern_exit). */
bool jt_exit_step(struct run *r, struct jthreads *j, struct kthread *kt);


/* Threads_lock's metrics, over the whole run (warm-up included), for
 * starts and for exits (each exit takes it twice): acquisitions, the
 * share that found it held, the mean wait from the first try and the mean
 * hold per acquisition [ns], and the share of unlocks that woke a waiter. */
struct run_result;
void jt_metrics(const struct jthreads *j, struct run_result *res);

#endif
