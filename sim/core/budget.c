/* sim/core/budget.c — the per-thread memory account of a run and its
 * out-of-memory escape (budget.h). */
#include "budget.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Thread_local struct bud *bud_cur;

bool bud_charge(int64_t delta)
{
	struct bud *b = bud_cur;
	if (!b)
		return true;
	if (delta > 0 && b->mem_limit > 0 && b->mem_used + delta > b->mem_limit)
		return false;
	b->mem_used += delta;
	return true;
}

_Noreturn void bud_oom(const char *what, int64_t bytes)
{
	struct bud *b = bud_cur;
	bool over = b && b->mem_limit > 0 && b->mem_used + bytes > b->mem_limit;
	if (b && b->escape) {
		if (over)
			snprintf(b->what, sizeof b->what, "memory budget (%.3g GiB) exceeded by %s",
				 (double)b->mem_limit / (1 << 30), what);
		else
			snprintf(b->what, sizeof b->what, "out of memory (%s, %lld bytes more)", what,
				 (long long)bytes);
		longjmp(*b->escape, 1);
	}
	fprintf(stderr, "gmpsim: out of memory (%s)\n", what);
	exit(2);
}

void *bud_malloc(size_t bytes, const char *what)
{
	if (bytes > INT64_MAX || !bud_charge((int64_t)bytes))
		bud_oom(what, (int64_t)(bytes > INT64_MAX ? INT64_MAX : bytes));
	void *p = malloc(bytes);
	if (!p) {
		bud_charge(-(int64_t)bytes);
		bud_oom(what, (int64_t)bytes);
	}
	return p;
}

void *bud_calloc_aligned(size_t n, size_t size, size_t align, const char *what)
{
	if (size % align)
		size += align - size % align;
	if (size && n > SIZE_MAX / size)
		bud_oom(what, INT64_MAX);
	size_t bytes = (n ? n : 1) * (size ? size : align);
	if (bytes > INT64_MAX || !bud_charge((int64_t)bytes))
		bud_oom(what, (int64_t)(bytes > INT64_MAX ? INT64_MAX : bytes));
	void *p = aligned_alloc(align, bytes);
	if (!p) {
		bud_charge(-(int64_t)bytes);
		bud_oom(what, (int64_t)bytes);
	}
	return memset(p, 0, bytes);
}

void *bud_calloc(size_t n, size_t size, const char *what)
{
	if (size && n > SIZE_MAX / size)
		bud_oom(what, INT64_MAX);
	size_t bytes = n * size;
	if (bytes > INT64_MAX || !bud_charge((int64_t)bytes))
		bud_oom(what, (int64_t)(bytes > INT64_MAX ? INT64_MAX : bytes));
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p) {
		bud_charge(-(int64_t)bytes);
		bud_oom(what, (int64_t)bytes);
	}
	return p;
}
