/* models/kernel/mempolicy.h — where the service's memory lives: the home
 * node a first touch gets under the process's memory policy (numactl's
 * membind / interleave / preferred / localalloc, scenario.h struct
 * numactl_cfg), after Linux's mm/mempolicy.c, and a task's memory
 * footprint (its stack and heap, each piece with its home) with what a
 * memory-bound burst pays for it on a given node. Pure arithmetic on the
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

/* ---- a footprint: the memory a cpu op's mem: work touches -------------------
 * Slot 0 is the stack (the goroutine's, or the carrier thread's); the
 * others the heap the task allocated, in KiB per home (a node, or
 * MACH_HOME_INTERLEAVE), merged by home. A burst's accesses are spread
 * over the footprint in proportion to the KiB of each piece. */
#define MEMF_SLOTS 6

struct memfoot {
	int8_t home[MEMF_SLOTS];    /* a node, MACH_HOME_INTERLEAVE, or -1: slot unused */
	uint32_t kib[MEMF_SLOTS];
};

/* An empty footprint (no stack, no heap). */
void memf_clear(struct memfoot *f);
/* The stack: `kib` KiB homed on `home` (replaces the previous stack). */
void memf_stack(struct memfoot *f, int home, int64_t kib);
/* `kib` more KiB of heap homed on `home`, added to the slot of the same
 * home; when every slot holds another home, to the last (saturating). */
void memf_heap(struct memfoot *f, int home, int64_t kib);
/* How much longer a burst of memory intensity mem takes on a core of
 * `node` than with all of f local: 1 + mem x the KiB-weighted mean of
 * (d(home, node) / d(home, home) - 1) over f's pieces; interleaved pieces
 * (over mask) pay the mean over the mask's nodes (mach_slowdown_spread).
 * 1.0 for an empty footprint. */
double memf_slowdown(const struct machine *m, uint64_t mask, const struct memfoot *f, int node, double mem);
/* The KiB-weighted share of f's accesses that go to another node than
 * `node` (mach_remote_share per piece); 0 for an empty footprint. */
double memf_remote_share(const struct machine *m, uint64_t mask, const struct memfoot *f, int node);

#endif
