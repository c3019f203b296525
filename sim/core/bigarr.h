/* sim/core/bigarr.h — growable arrays that reach megabytes: a run's
 * per-request samples (latencies, time breakdowns, scheduling latencies),
 * which grow with the simulated duration.
 *
 * GROW_BIG is GROW (grow.h) with the same capacities, the same budget
 * charges and the same out-of-memory failure; only the memory behind a
 * large array differs. While the array is under BIG_MIN_BYTES it is
 * malloc'd as GROW's; past it, it moves once into an address range of its
 * own, reserved up front (PROT_NONE, so nothing is committed) and marked
 * for transparent huge pages: from there it grows in place, never copied,
 * and the kernel backs it with 2 MiB pages where it can — one fault for
 * what took 512. On this host a 4 KiB minor fault costs ~15 us (a PVM
 * guest) and the samples' faults were about a tenth of a 10k_rps run's
 * CPU (README "Speed"). Without huge pages (THP "never", or no 2 MiB page
 * free) the kernel falls back to small pages: as before, minus the copies.
 *
 * Whether an array is malloc'd or mapped follows from its capacity alone
 * (elem * cap >= BIG_MIN_BYTES), so big_free needs no other record. Must
 * not know what the arrays hold. */
#ifndef GMPSIM_BIGARR_H
#define GMPSIM_BIGARR_H
#include "grow.h"

#define BIG_MIN_BYTES ((int64_t)256 << 10)  /* an array this large is mapped */

/* grow_try for a big array: *arr holds at least need elements of elem
 * bytes (GROW's capacities: first, then doubling, at most max). Returns 0,
 * or -1 with *arr and *cap unchanged. */
int big_grow_try(void **arr, int64_t need, int64_t *cap, size_t elem, int64_t first, int64_t max);
/* The same; on failure bud_oom(what) (budget.h), which does not return. */
void big_grow_or_die(void **arr, int64_t need, int64_t *cap, size_t elem, int64_t first, int64_t max,
		     const char *what);
/* Releases an array GROW_BIG grew to capacity cap (NULL: nothing). */
void big_free(void *arr, int64_t cap, size_t elem);

/* A zeroed scratch buffer of bytes for a one-off pass (a sort's copy, the
 * quantiles' samples): calloc'd when small, mapped like a big array (huge
 * pages, no copy) from BIG_MIN_BYTES; NULL when refused. Not charged to
 * the budget. big_scratch_free takes the same size. */
void *big_scratch(size_t bytes);
void big_scratch_free(void *p, size_t bytes);

/* For a process that runs simulations (gmpsim's main, not a library
 * user): the malloc heap grows pad bytes at a time, keeps them, serves
 * blocks up to pad / 2 itself (not one mmap each) and is marked for huge
 * pages, so the many small and middle-sized records of a run (tasks,
 * queue buckets, results rows, SQLite's pages) fault once per 2 MiB too.
 * Changes only where memory comes from. */
void big_heap_prefer_huge(size_t pad);

#define GROW_BIG(arr, need, cap, first, what) do {                                      \
		if ((int64_t)(need) > (int64_t)(cap)) {                                  \
			void *grow_arr_ = (arr);                                         \
			int64_t grow_cap_ = (int64_t)(cap);                              \
			big_grow_or_die(&grow_arr_, (int64_t)(need), &grow_cap_, sizeof *(arr), \
					(first), GROW_MAX(cap), (what));                 \
			(arr) = grow_arr_;                                               \
			(cap) = grow_cap_;                                               \
		}                                                                        \
	} while (0)

#define BIG_FREE(arr, cap) big_free((arr), (int64_t)(cap), sizeof *(arr))

#endif
