/* models/heap.h — what every model's garbage collector reports: the pauses
 * it stopped the world for, its cycles and the heap's peak, and the run's
 * GC metrics made from them. The collectors themselves are the models'
 * (gmp_gc.c for Go, jvmgc.c for the 1:1 models); this file must not decide
 * when or how anything is collected. */
#ifndef GMPSIM_HEAP_H
#define GMPSIM_HEAP_H
#include "types.h"

struct run;
struct run_result;

struct heap_stats {
	int64_t cycles;          /* collections started in the window */
	sim_ns *pause;           /* stop-the-world pauses that began in the window, ns */
	int64_t npause, cappause;
	int64_t peak;            /* the heap's peak (bytes in use), whole run */
	int64_t now;             /* bytes in use now (the "heap" series) */
	bool sampled;            /* the scenario allocates: sample the "heap" series */
	int64_t assists;         /* gmp: mark assists in the window */
	int64_t shrinks;         /* gmp: goroutine stacks shrunk in the window */
};

/* Records a stop-the-world pause of d ns that began at `start`. */
void heap_pause(struct run *r, sim_ns start, sim_ns d);
/* A collection cycle begins (counted when in the window). */
void heap_cycle(struct run *r);
/* The heap now holds `bytes` (after a collection too): keeps the peak. */
void heap_in_use(struct run *r, int64_t bytes);
/* Writes gc_cycles, gc_pauses, gc_pause_p50/p99/max/total, gc_cpu_share,
 * heap_peak and heap_allocated. */
void heap_metrics(struct run *r, struct run_result *res, double window_s);
void heap_free(struct heap_stats *h);

#endif
