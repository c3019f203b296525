/* sim/core/budget.h — a run's resource budgets (issue 12 D3): the memory
 * its growing state may hold, the events it may fire, and the events it
 * may fire at one instant of virtual time. The engine checks the event
 * budgets (engine.c); every growing allocation of a run charges the
 * memory budget through bud_charge (grow.c, the task and thread pools).
 *
 * The account is per thread (a run is simulated by one thread; capacity
 * runs several at once), set by the run for its duration. Running out —
 * of the budget or of the system's memory — is not an abort(): bud_oom
 * writes the reason and longjmps to the run's escape point, which fails
 * the run (models/run.c). The memory the run held is then leaked, not
 * freed (its state is half-updated); the process is about to exit or to
 * start another run in a bounded loop. Outside a run bud_oom exits 2.
 * Must not know what a run or a model is. */
#ifndef GMPSIM_BUDGET_H
#define GMPSIM_BUDGET_H
#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BUD_DEFAULT_MEMORY (2LL << 30)        /* bytes a run's growing state may hold */
#define BUD_DEFAULT_EVENTS 20000000000LL       /* events per run (minutes of CPU) */
#define BUD_DEFAULT_STUCK 100000000LL          /* events at one instant of virtual time */

struct bud {
	int64_t mem_limit;   /* bytes; 0 = no limit */
	int64_t mem_used;    /* bytes charged so far */
	jmp_buf *escape;     /* where bud_oom jumps; NULL: exit instead */
	char what[96];       /* what ran out: "memory budget (2 GiB) exceeded by tasks" */
};

/* The calling thread's account, or NULL outside a run. */
extern _Thread_local struct bud *bud_cur;

/* Charges delta bytes (negative: released) to the thread's account.
 * Returns false, charging nothing, when that would exceed its limit. */
bool bud_charge(int64_t delta);

/* An allocation of bytes for what failed (or was refused by the budget):
 * records it and jumps to the run's escape; never returns. */
_Noreturn void bud_oom(const char *what, int64_t bytes);

/* malloc/calloc charged to the account; bud_oom on failure. */
void *bud_malloc(size_t bytes, const char *what);
void *bud_calloc(size_t n, size_t size, const char *what);
/* bud_calloc of n elements of size rounded up to align (a power of two),
 * the block aligned to align: each element starts a cache line when align
 * is 64. free() releases it. */
void *bud_calloc_aligned(size_t n, size_t size, size_t align, const char *what);

#endif
