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

/* How much longer a burst with memory intensity mem (0..1) takes on a core
 * of node `node` when its memory lives on node `home`: 1 + mem * (d(home,
 * node) / d(home, home) - 1). 1.0 locally or for mem = 0. */
double mach_slowdown(const struct machine *m, int home, int node, double mem);

#endif
