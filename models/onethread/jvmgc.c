/* models/onethread/jvmgc.c — the 1:1 models' JVM-style young collector (see
 * jvmgc.h). HotSpot's sequence: an allocation finds eden full and asks the
 * VM thread for a GC; the VM thread arms the safepoint poll and waits
 * until every thread running Java code has reached one (threads blocked in
 * the kernel count as safe at once); then, with the world stopped, the
 * ParallelGC worker threads process the roots — every Java thread's stack
 * — and copy eden's live objects to a survivor space; then the world
 * restarts. The workers are real kernel threads exempt from the stop.
 * Must not touch the executor's state: the stop is the kernel's. */
#include "jvmgc.h"
#include "run.h"
#include "rng.h"
#include "trace.h"
#include <stdio.h>
#include <stdlib.h>

/* A GC worker thread: waits for a pause, does its share, waits again. */
enum worker_phase { W_IDLE, W_WORK, W_DONE };

struct jgc_worker {
	struct jgc *g;
	struct kthread *kt;
	enum worker_phase phase;
};

struct jgc {
	struct run *r;
	int nworkers, busy;
	struct jgc_worker *workers;
	int64_t eden;              /* bytes allocated since the last young GC */
	bool requested;            /* a GC is being prepared or running */
	sim_ns t_request;
	uint64_t npolls;           /* safepoint poll draws so far (their keys) */
	struct task_fifo waiters;  /* threads whose allocation waits for the GC (task.arg: its size) */
	int64_t survivor;          /* bytes the last young GC copied to a survivor space */
	sim_ns work_each;          /* this pause's work per GC thread */
	struct eq_event safepoint_ev;
};

/* The heap in use: the old generation (the live heap), the survivor space
 * and eden. */
static int64_t in_use(const struct run *r, const struct jgc *g)
{
	return r->sc->gc.live_heap + g->survivor + g->eden;
}

/* HotSpot's ParallelGCThreads default: all CPUs up to 8, then 5/8 of the
 * rest — of the CPUs the process may use (os::active_processor_count
 * counts the sched_getaffinity mask). */
static int parallel_gc_threads(const struct run *r)
{
	int n = r->sc->numactl.ncpus;
	if (r->sc->gc.jvm_threads > 0)
		return (int)r->sc->gc.jvm_threads;
	return n <= 8 ? n : 8 + (n - 8) * 5 / 8;
}

static void retry_waiters(struct run *r, struct jgc *g);

/* The world restarts when the last worker has done its share. */
static void worker_step(struct kern *k, struct kthread *kt)
{
	struct jgc_worker *w = kt->owner;
	struct jgc *g = w->g;
	if (w->phase == W_WORK) {  /* woken for a pause */
		w->phase = W_DONE;
		kern_run(k, kt, g->work_each, CAT_GC, 0, -1);
		return;
	}
	if (w->phase == W_DONE && --g->busy == 0) {
		struct run *r = g->r;
		heap_pause(r, g->t_request, r->sim.now - g->t_request);
		trc_event(r->sim.trace, TRC_SCHED, 0, TE_GC, 1, -1, r->sim.now);
		g->requested = false;
		g->eden = 0;
		kern_start_world(k);
		retry_waiters(r, g);
	}
	w->phase = W_IDLE;
	kern_block(k, kt);
}

static const struct kern_owner_ops worker_ops = { .step = worker_step };

static void request_gc(struct run *r, struct jgc *g);

/* Where the bytes t allocates now in eden live (memhome.h): its TLAB is
 * carved from eden's top (threadLocalAllocBuffer.cpp), pages that an
 * earlier cycle's threads touched first; with -XX:+UseNUMA eden is split
 * per node and a thread allocates in its own node's part
 * (mutableNUMASpace.cpp: MutableNUMASpace::cas_allocate by the thread's
 * lgrp_id), so the pages are its node's. */
static void place_in_eden(struct run *r, const struct jgc *g, struct task *t, int64_t bytes)
{
	int core = t->kt ? t->kt->core : -1;
	if (r->sc->jvm.use_numa)
		mh_alloc_fresh(r, t, bytes, core);
	else
		mh_alloc_eden(r, t, g->eden, bytes, core);
}

/* After a pause the blocked allocations retry in order: each that fits
 * the new eden takes its place and its thread goes on; the first that
 * does not asks for the next collection, and it and the rest wait on. */
static void retry_waiters(struct run *r, struct jgc *g)
{
	struct task *t;
	while ((t = g->waiters.head) && g->eden + t->arg <= r->sc->gc.jvm_young) {
		tq_pop(&g->waiters);
		place_in_eden(r, g, t, t->arg);
		g->eden += t->arg;
		kern_wake(&r->kern, t->kt, -1);
	}
	heap_in_use(r, in_use(r, g));
	if (g->waiters.len > 0)
		request_gc(r, g);
}

/* Live threads but the GC threads (created or not yet). */
static int64_t java_threads(const struct run *r, const struct jgc *g)
{
	return r->kern.st.live - (g->workers[0].kt ? g->nworkers : 0);
}

/* The GC threads, created on the first collection (HotSpot creates its
 * workers lazily: UseDynamicNumberOfGCThreads); they start runnable. */
static int create_workers(struct run *r, struct jgc *g)
{
	for (int i = 0; i < g->nworkers; i++) {
		struct jgc_worker *w = &g->workers[i];
		w->g = g;
		w->kt = kern_create(&r->kern, &worker_ops, w, 1 << 20, i % r->kern.ncores);
		if (!w->kt) {
			run_fail(r, "jvm: cannot create the %d GC threads (kernel.max_threads or kernel.memory reached)",
				 g->nworkers);
			return -1;
		}
		w->kt->exempt = true;
	}
	return 0;
}

/* Every running Java thread has reached a poll: stop the world, then the
 * GC threads do the pause's work in parallel. */
static void safepoint_fire(struct sim *sim, struct eq_event *ev)
{
	struct run *r = sim->ctx;
	struct jgc *g = r->jgc;
	(void)ev;
	if (!g->workers[0].kt && create_workers(r, g) != 0)
		return;
	kern_stop_world(&r->kern);
	trc_event(r->sim.trace, TRC_SCHED, 0, TE_GC, 0, -1, g->t_request);
	const struct gc_cfg *c = &r->sc->gc;
	int64_t threads = java_threads(r, g);
	int64_t survivors = r->wl.heap_reachable < g->eden ? r->wl.heap_reachable : g->eden;
	g->survivor = survivors;
	sim_ns work = c->jvm_pause_base + threads * c->jvm_root_scan +
		      (sim_ns)((double)survivors / (1 << 20) * (double)c->jvm_copy_per_mib);
	g->work_each = (work + g->nworkers - 1) / g->nworkers;
	g->busy = g->nworkers;
	heap_cycle(r);
	for (int i = 0; i < g->nworkers; i++) {
		struct kthread *kt = g->workers[i].kt;
		g->workers[i].phase = W_WORK;
		if (kt->state == KT_BLOCKED)
			kern_wake(&r->kern, kt, -1);
	}
}

/* Time to safepoint: the longest of (1) the VM thread's walk over every
 * Java thread (gc.jvm.safepoint_sync each, serially); (2) each thread on a
 * core reaching its poll, a uniform draw up to gc.jvm.safepoint_poll; (3)
 * the threads the kernel preempted in Java code (queued, runnable): each
 * must get a core back to reach its poll, so the cores work through the
 * run queues at a context switch and half a poll interval per thread. */
static sim_ns time_to_safepoint(struct run *r, struct jgc *g)
{
	const struct gc_cfg *c = &r->sc->gc;
	sim_ns longest = java_threads(r, g) * c->jvm_sync;
	int ncores = r->kern.ncores;
	for (int i = 0; i < ncores; i++) {
		struct kthread *t = r->kern.cores[i].curr;
		if (!t || t->exempt)
			continue;
		uint64_t key = rng_mix(rng_mix(r->seed, rng_name("safepoint")), g->npolls++);
		sim_ns d = (sim_ns)(rng_u01(key) * (double)c->jvm_poll);
		if (d > longest)
			longest = d;
	}
	int64_t rounds = (kern_runnable(&r->kern) + ncores - 1) / ncores;
	sim_ns queued = rounds * (r->sc->kernel.switch_cost + c->jvm_poll / 2);
	return queued > longest ? queued : longest;
}

/* The VM thread is asked for a young collection (once per cycle). */
static void request_gc(struct run *r, struct jgc *g)
{
	if (g->requested)
		return;
	g->requested = true;
	g->t_request = r->sim.now;
	sim_after(&r->sim, &g->safepoint_ev, time_to_safepoint(r, g));
}

bool jgc_alloc(struct run *r, struct task *t, int64_t bytes, bool temp)
{
	struct jgc *g = r->jgc;
	int64_t young = r->sc->gc.jvm_young;
	wl_alloc(&r->wl, t, bytes, temp);
	if (!g || bytes > young) {  /* malloc's per-thread arenas, or the old generation: */
		mh_alloc_fresh(r, t, bytes, t->kt ? t->kt->core : -1);  /* written by this thread */
		if (!g)  /* malloc/free: what is reachable, plus a temporary while it lives */
			heap_in_use(r, r->sc->gc.live_heap + r->wl.heap_reachable + (temp ? bytes : 0));
		return false;
	}
	if (!g->requested && g->eden + bytes <= young) {
		place_in_eden(r, g, t, bytes);
		g->eden += bytes;  /* a TLAB bump */
		heap_in_use(r, in_use(r, g));
		return false;
	}
	t->arg = bytes;  /* eden is full: wait for the collection, then retry */
	tq_push(&g->waiters, t);
	request_gc(r, g);
	return true;
}

int jgc_init(struct run *r, char *err, size_t errlen)
{
	if (!r->sc->gc.jvm_enabled)
		return 0;
	struct jgc *g = calloc(1, sizeof *g);
	int n = parallel_gc_threads(r);
	if (g)
		g->workers = calloc((size_t)n, sizeof *g->workers);
	if (!g || !g->workers) {
		free(g);
		snprintf(err, errlen, "out of memory (GC threads)");
		return -1;
	}
	g->r = r;
	g->nworkers = n;
	r->jgc = g;
	eq_event_init(&g->safepoint_ev, safepoint_fire);
	heap_in_use(r, r->sc->gc.live_heap);
	return 0;
}

void jgc_free(struct run *r)
{
	if (!r->jgc)
		return;
	free(r->jgc->workers);
	free(r->jgc);
	r->jgc = NULL;
}
