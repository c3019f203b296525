/* models/memhome.c — first-touch homes of stacks and heap chunks, and the
 * footprint a task's memory-bound bursts touch (see memhome.h). Must not
 * schedule anything. */
#include "memhome.h"
#include "run.h"
#include "grow.h"
#include <stdlib.h>

void mh_arena_free(struct mh_arena *a)
{
	free(a->home);
	a->home = NULL;
	a->nchunks = a->cap = a->cursor = 0;
}

/* Makes chunks [0, n) exist (new ones untouched). Returns false past
 * MH_MAX_CHUNKS; running out of memory or of the run's budget fails the
 * run (GROW). */
static bool arena_reach(struct mh_arena *a, int64_t n)
{
	if (n > MH_MAX_CHUNKS)
		return false;
	GROW(a->home, n, a->cap, 1024, "heap page homes");
	for (; a->nchunks < n; a->nchunks++)
		a->home[a->nchunks] = -1;
	return true;
}

static int64_t kib_of(int64_t bytes)
{
	return (bytes + 1023) / 1024;
}

void mh_alloc_fresh(struct run *r, struct task *t, int64_t bytes, int core)
{
	if (bytes > 0 && core >= 0)
		memf_heap(&t->foot, mpol_home(&r->mpol, core), kib_of(bytes));
}

/* Bytes [at, at + bytes) of arena a, written by t on `core`: chunks never
 * written before take the policy's home for core now (first touch); t's
 * footprint gains each chunk's share at its home. */
static void alloc_range(struct run *r, struct mh_arena *a, struct task *t, int64_t at, int64_t bytes, int core)
{
	if (bytes <= 0 || core < 0)
		return;
	int64_t first = at / MH_CHUNK, end = at + bytes;
	if (r->mach.nnodes == 1 || !arena_reach(a, (end - 1) / MH_CHUNK + 1)) {
		mh_alloc_fresh(r, t, bytes, core);
		return;
	}
	int fresh = mpol_home(&r->mpol, core);
	int run_home = -1;
	int64_t run_bytes = 0;
	for (int64_t c = first; c * MH_CHUNK < end; c++) {
		if (a->home[c] == -1)
			a->home[c] = (int8_t)fresh;
		int64_t lo = c * MH_CHUNK > at ? c * MH_CHUNK : at;
		int64_t hi = (c + 1) * MH_CHUNK < end ? (c + 1) * MH_CHUNK : end;
		if (a->home[c] != run_home && run_bytes > 0) {
			memf_heap(&t->foot, run_home, kib_of(run_bytes));
			run_bytes = 0;
		}
		run_home = a->home[c];
		run_bytes += hi - lo;
	}
	memf_heap(&t->foot, run_home, kib_of(run_bytes));
}

void mh_alloc_heap(struct run *r, struct task *t, int64_t bytes, int core)
{
	struct mh_arena *a = &r->arena;
	alloc_range(r, a, t, a->cursor, bytes, core);
	if (bytes > 0)
		a->cursor += bytes;
}

void mh_heap_rewind(struct run *r)
{
	r->arena.cursor = 0;
}

void mh_alloc_eden(struct run *r, struct task *t, int64_t at, int64_t bytes, int core)
{
	alloc_range(r, &r->arena, t, at, bytes, core);
}

int mh_carrier_foot(struct task *t, struct kthread *kt)
{
	enum { PAGE_KIB = 4 };  /* a running thread has touched at least its stack's top page */
	int64_t kib = kib_of(kt->stack_committed);
	memf_stack(&t->foot, kt->stack_home, kib > PAGE_KIB ? kib : PAGE_KIB);
	kern_set_foot(kt, &t->foot);
	return MACH_HOME_FOOT;
}

int mh_goroutine_foot(struct task *g, struct kthread *kt)
{
	memf_stack(&g->foot, g->home_node, g->gstack_kib);
	kern_set_foot(kt, &g->foot);
	return MACH_HOME_FOOT;
}
