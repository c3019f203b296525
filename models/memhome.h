/* models/memhome.h — where a task's memory lives, piece by piece: its
 * stack and the heap it allocates, each homed by first touch under the
 * process's memory policy (mempolicy.h), and the footprint (struct memfoot
 * in task.foot) its cpu ops' mem: work is spread over.
 *
 * The heap is an arena of 8 KiB chunks (Go's page, malloc.go _PageShift)
 * whose homes are set when first written: Go's heap pages (a fresh span is
 * written first by the M that allocates from it, mheap.go / mcache.go
 * refill; after a collection the swept pages are reused from the lowest
 * address, mpagealloc.go's first fit, so they keep the homes of their
 * first writer), or the JVM's eden (a TLAB is carved from eden's top,
 * threadLocalAllocBuffer.cpp; after a young GC eden is empty and the same
 * pages are carved again, homes unchanged). Memory that is touched fresh
 * every time (malloc's per-thread arenas, HotSpot's -XX:+UseNUMA eden
 * split per node, objects larger than eden) is homed where it is
 * allocated. Must not schedule anything or decide costs (the kernel pays
 * a burst by its footprint: kernel.h MACH_HOME_FOOT). */
#ifndef GMPSIM_MEMHOME_H
#define GMPSIM_MEMHOME_H
#include "types.h"

struct run;
struct task;
struct kthread;

#define MH_CHUNK 8192           /* bytes per tracked chunk (Go's page) */
#define MH_MAX_CHUNKS (1 << 22) /* 32 GiB tracked; beyond it, memory is homed fresh */

/* A reusable heap region: the homes of its chunks (-1: never touched) and
 * where the next allocation goes. */
struct mh_arena {
	int8_t *home;
	int64_t nchunks, cap;
	int64_t cursor;         /* Go's heap: the next byte allocated (eden uses its own count) */
};

void mh_arena_free(struct mh_arena *a);

/* Go: `bytes` allocated at the heap's cursor by task t on `core`; the
 * cursor advances. The chunks never written before are homed now. */
void mh_alloc_heap(struct run *r, struct task *t, int64_t bytes, int core);
/* Go: a collection freed the heap: allocation starts again from the
 * lowest address (mark termination; homes stay). */
void mh_heap_rewind(struct run *r);
/* JVM: `bytes` carved from eden at offset `at` by task t on `core`. */
void mh_alloc_eden(struct run *r, struct task *t, int64_t at, int64_t bytes, int core);
/* Memory first touched now, by t on `core` (malloc, UseNUMA eden, a
 * humongous object): homed by the policy on core's node. */
void mh_alloc_fresh(struct run *r, struct task *t, int64_t bytes, int core);

/* The footprint of t's next burst on carrier thread kt (1:1, event
 * loop): kt's committed stack at its home (the kernel homes a thread's
 * stack where it first runs: kthread.stack_home), and t's heap; set as
 * kt's burst footprint. Returns MACH_HOME_FOOT, the home to run the burst
 * with. */
int mh_carrier_foot(struct task *t, struct kthread *kt);
/* The same for a goroutine: its own stack (gstack_kib, homed where it
 * first ran: g->home_node) and its heap, run on thread kt. */
int mh_goroutine_foot(struct task *g, struct kthread *kt);

#endif
