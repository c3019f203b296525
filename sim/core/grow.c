/* sim/core/grow.c — the growable-array helper (grow.h). */
#include "grow.h"
#include "budget.h"
#include <stdlib.h>

int64_t grow_capacity(int64_t need, int64_t cap, size_t elem, int64_t first, int64_t max)
{
	int64_t ncap = cap > 0 ? cap : (first > 0 ? first : 1);
	while (ncap < need) {
		if (ncap > INT64_MAX / 2)
			return -1;
		ncap *= 2;
	}
	if (ncap > max)
		ncap = max;
	if (ncap < need || elem == 0 || (uint64_t)ncap > SIZE_MAX / elem)
		return -1;
	return ncap;
}

int grow_try(void **arr, int64_t need, int64_t *cap, size_t elem, int64_t first, int64_t max)
{
	if (need <= *cap)
		return 0;
	int64_t ncap = grow_capacity(need, *cap, elem, first, max);
	if (ncap < 0)
		return -1;
	int64_t more = (int64_t)(elem * (size_t)(ncap - (*cap > 0 ? *cap : 0)));
	if (!bud_charge(more))
		return -1;
	void *p = realloc(*arr, elem * (size_t)ncap);
	if (!p) {
		bud_charge(-more);
		return -1;
	}
	*arr = p;
	*cap = ncap;
	return 0;
}

void grow_or_die(void **arr, int64_t need, int64_t *cap, size_t elem, int64_t first, int64_t max,
		 const char *what)
{
	if (grow_try(arr, need, cap, elem, first, max) == 0)
		return;
	grow_oom(what, need, *cap, elem);
}

void grow_oom(const char *what, int64_t need, int64_t cap, size_t elem)
{
	int64_t bytes = need > 0 && (uint64_t)need < INT64_MAX / (elem ? elem : 1) ? need * (int64_t)elem : INT64_MAX;
	bud_oom(what, bytes - cap * (int64_t)elem);
}
