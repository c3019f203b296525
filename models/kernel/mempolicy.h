/* models/kernel/mempolicy.h — where the service's memory lives: the home
 * node a first touch gets under the process's memory policy (numactl's
 * membind / interleave / preferred / localalloc, scenario.h struct
 * numactl_cfg), after Linux's mm/mempolicy.c. Pure arithmetic on the
 * machine's topology: must not schedule anything or know about tasks. */
#ifndef GMPSIM_MEMPOLICY_H
#define GMPSIM_MEMPOLICY_H
#include "types.h"
#include "machine.h"
#include "scenario.h"

#define MPOL_MAX_NODES 64

struct mpol {
	const struct machine *m;
	enum mem_policy policy;
	uint64_t nodes;                  /* BIND, INTERLEAVE, PREFERRED: the policy's nodes */
	int nnodes_set;                  /* how many */
	int il_next;                     /* INTERLEAVE: the node the next page goes to */
	int64_t pages[MPOL_MAX_NODES];   /* pages placed per node by mpol_place_pages */
};

/* The policy of cfg on machine m (cfg NULL: the default, first touch). */
void mpol_init(struct mpol *p, const struct machine *m, const struct numactl_cfg *cfg);

/* The home of memory first touched by a thread on `core`: a node, or
 * MACH_HOME_INTERLEAVE for interleaved memory (its pages spread evenly
 * over the policy's nodes). mempolicy.c: MPOL_LOCAL / default is the
 * toucher's node (numa_node_id()); MPOL_BIND the toucher's node when it is
 * in the mask, else the nearest node of the mask (the local zonelist is
 * ordered by distance; the lower id on a tie); MPOL_PREFERRED its node. */
int mpol_home(const struct mpol *p, int core);

/* Places `pages` pages first touched on `core` and counts them in
 * p->pages: interleaved pages go round-robin from il_next
 * (mempolicy.c: interleave_nodes), the others all to mpol_home's node. */
void mpol_place_pages(struct mpol *p, int core, int64_t pages);

/* Is node n one of the policy's interleave nodes? */
static inline bool mpol_interleaves(const struct mpol *p, int n)
{
	return p->policy == MEMPOL_INTERLEAVE && (p->nodes >> n & 1);
}

#endif
