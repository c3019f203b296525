/* models/kernel/machine.h — cores, NUMA nodes and their distances, and what a
 * remote node costs a memory-intensive burst. Pure data and arithmetic:
 * must not schedule anything (that is the kernel's job). */
#ifndef GMPSIM_MACHINE_H
#define GMPSIM_MACHINE_H
#include "types.h"

struct machine_cfg;

struct machine {
	int ncores;
	int nnodes;
	int cores_per_node;
	double *distance; /* nnodes*nnodes, SLIT-like (local 10) */
};

/* Copies the configuration; returns 0, or -1 when out of memory. */
int mach_init(struct machine *m, const struct machine_cfg *cfg);
void mach_free(struct machine *m);

static inline int mach_node_of(const struct machine *m, int core)
{
	return core / m->cores_per_node;
}

/* A burst's memory home that is no one node: interleaved pages spread
 * evenly over a set of nodes (the kernel holds the set). */
#define MACH_HOME_INTERLEAVE (-2)
/* A burst's memory that is a footprint of pieces with their own homes
 * (mempolicy.h struct memfoot, the thread's burst_foot). */
#define MACH_HOME_FOOT (-3)

/* How much longer a burst with memory intensity mem (0..1) takes on a core
 * of node `node` when its memory lives on node `home`: 1 + mem * (d(home,
 * node) / d(home, home) - 1). 1.0 locally or for mem = 0. */
double mach_slowdown(const struct machine *m, int home, int node, double mem);

/* The same for memory spread evenly over the nodes of mask (bit n = node
 * n): the mean of mach_slowdown over them, each page equally likely. */
double mach_slowdown_spread(const struct machine *m, uint64_t mask, int node, double mem);

/* The share of a burst's memory accesses that go to another node than
 * `node`: 0 or 1 for one home (-1: none, 0), (k - [node in mask]) / k for
 * memory spread over the k nodes of mask. */
double mach_remote_share(const struct machine *m, int home, uint64_t mask, int node);

#endif
