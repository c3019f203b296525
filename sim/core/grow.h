/* sim/core/grow.h — the one growable-array helper (after Lua's
 * luaM_growvector): makes room in a heap array for `need` elements,
 * doubling from `first`, so appends cost amortised O(1).
 *
 *     GROW(w->lat, w->nlat + 1, w->caplat, 4096, "latencies");
 *     w->lat[w->nlat++] = x;
 *
 * GROW treats running out of memory (or of the run's memory budget,
 * budget.h) as fatal to the run: bud_oom fails the run with "WHAT" named,
 * for the simulation's own state, where a run that lost part of itself
 * must not go on. grow_try reports it instead.
 * The capacity may be any signed integer type (or size_t); a capacity that
 * would not fit its type counts as out of memory. Must not know what the
 * arrays hold. */
#ifndef GMPSIM_GROW_H
#define GMPSIM_GROW_H
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The capacity GROW gives an array of capacity cap that must hold need:
 * first, then doubling, at most max; -1 when that cannot be had. */
int64_t grow_capacity(int64_t need, int64_t cap, size_t elem, int64_t first, int64_t max);
/* Makes *arr (of elem-byte elements, *cap allocated) hold at least need,
 * growing to first, then doubling; at most max elements. Returns 0, or -1
 * with *arr and *cap unchanged when that cannot be had. */
int grow_try(void **arr, int64_t need, int64_t *cap, size_t elem, int64_t first, int64_t max);
/* A refused growth of an array of cap elements to need: bud_oom(what)
 * (budget.h) with the bytes it asked for; does not return. */
void grow_oom(const char *what, int64_t need, int64_t cap, size_t elem);

/* The same; on failure calls bud_oom(what) (budget.h), which does not return. */
void grow_or_die(void **arr, int64_t need, int64_t *cap, size_t elem, int64_t first, int64_t max,
		 const char *what);

/* The largest value of cap's type. */
#define GROW_MAX(cap) _Generic((cap), int: (int64_t)INT_MAX, long: (int64_t)LONG_MAX, \
			       long long: (int64_t)LLONG_MAX, unsigned long: (int64_t)INT64_MAX)

#define GROW(arr, need, cap, first, what) do {                                          \
		if ((int64_t)(need) > (int64_t)(cap)) {                                  \
			void *grow_arr_ = (arr);                                         \
			int64_t grow_cap_ = (int64_t)(cap);                              \
			grow_or_die(&grow_arr_, (int64_t)(need), &grow_cap_, sizeof *(arr), \
				    (first), GROW_MAX(cap), (what));                     \
			(arr) = grow_arr_;                                               \
			(cap) = grow_cap_;                                               \
		}                                                                        \
	} while (0)

/* GROW without dying: sets ok to true, or to false with nothing changed. */
#define GROW_TRY(arr, need, cap, first, ok) do {                                        \
		(ok) = true;                                                             \
		if ((int64_t)(need) > (int64_t)(cap)) {                                  \
			void *grow_arr_ = (arr);                                         \
			int64_t grow_cap_ = (int64_t)(cap);                              \
			(ok) = grow_try(&grow_arr_, (int64_t)(need), &grow_cap_, sizeof *(arr), \
					(first), GROW_MAX(cap)) == 0;                    \
			(arr) = grow_arr_;                                               \
			(cap) = grow_cap_;                                               \
		}                                                                        \
	} while (0)

#endif
