/* tests/test_bigarr.c — GROW_BIG (sim/core/bigarr.c) against GROW: the
 * same capacities and budget charges at every append, the elements kept
 * across the move out of malloc and across a relocation past the first
 * reservation, a refused growth leaving the array as it was, and the
 * mapped range eligible for transparent huge pages (where the kernel has
 * them) — the point of the module: one fault per 2 MiB instead of 512 —
 * and the malloc heap of a simulating process marked the same way. */
#include "testutil.h"
#include "bigarr.h"
#include "budget.h"
#include <unistd.h>

/* Appends n values to a GROW array and a GROW_BIG one side by side: equal
 * capacities and charges after every append, equal contents at the end. */
static void test_same_capacities_and_charges_as_grow(void **state)
{
	(void)state;
	struct bud small = { 0 }, big = { 0 };
	int64_t *a = NULL, *b = NULL;
	int64_t capa = 0, capb = 0;
	const int64_t n = 300000;  /* 2.4 MB: past BIG_MIN_BYTES and past a 2 MiB page */
	for (int64_t i = 0; i < n; i++) {
		bud_cur = &small;
		GROW(a, i + 1, capa, 4096, "test");
		a[i] = i * 7919;
		bud_cur = &big;
		GROW_BIG(b, i + 1, capb, 4096, "test");
		b[i] = i * 7919;
		if (capa != capb || small.mem_used != big.mem_used)
			fail_msg("append %lld: cap %lld / %lld, charged %lld / %lld", (long long)i, (long long)capa,
				 (long long)capb, (long long)small.mem_used, (long long)big.mem_used);
	}
	bud_cur = NULL;
	assert_true((int64_t)sizeof *b * capb >= BIG_MIN_BYTES);  /* it did move */
	assert_memory_equal(a, b, sizeof *a * (size_t)n);
	free(a);
	BIG_FREE(b, capb);
}

/* A small array stays malloc'd: big_free hands it to free (ASan and LSan
 * would report a mismatch or a leak). */
static void test_small_array_stays_in_malloc(void **state)
{
	(void)state;
	int32_t *x = NULL;
	int64_t cap = 0;
	GROW_BIG(x, 100, cap, 64, "test");
	assert_true(cap == 128);
	for (int i = 0; i < 100; i++)
		x[i] = i;
	BIG_FREE(x, cap);
}

/* Past the first reservation (256 MiB) the committed pages move: the
 * bytes written before are where they were relative to the array. Only a
 * few pages are touched, so this costs a few faults. */
static void test_relocation_keeps_the_contents(void **state)
{
	(void)state;
	char *x = NULL;
	int64_t cap = 0;
	GROW_BIG(x, (int64_t)1 << 20, cap, 1 << 20, "test");
	for (int64_t i = 0; i < cap; i += 4096)
		x[i] = (char)(i >> 12);
	int64_t mark = cap - 1;
	x[mark] = 42;
	GROW_BIG(x, (int64_t)600 << 20, cap, 1 << 20, "test");  /* past 256 MiB: moved */
	assert_true(cap == (int64_t)1 << 30);
	for (int64_t i = 0; i < ((int64_t)1 << 20); i += 4096)
		assert_int_equal(x[i], (char)(i >> 12));
	assert_int_equal(x[mark], 42);
	x[cap - 1] = 7;  /* the whole capacity is writable */
	assert_int_equal(x[cap - 1], 7);
	BIG_FREE(x, cap);
}

/* A growth the budget refuses changes nothing (the array, its capacity,
 * the charge), both for the move out of malloc and for a mapped array. */
static void test_refused_growth_changes_nothing(void **state)
{
	(void)state;
	struct bud b = { .mem_limit = 600 << 10 };
	bud_cur = &b;
	int64_t *x = NULL;
	int64_t cap = 0;
	assert_int_equal(big_grow_try((void **)&x, 16384, &cap, sizeof *x, 4096, INT64_MAX), 0);
	x[16383] = 5;
	int64_t used = b.mem_used;
	void *was = x;
	assert_int_equal(big_grow_try((void **)&x, 16385, &cap, sizeof *x, 4096, INT64_MAX), 0);  /* 256 KiB: mapped */
	assert_true(x != was && x[16383] == 5);
	used = b.mem_used;
	was = x;
	assert_int_equal(big_grow_try((void **)&x, 65537, &cap, sizeof *x, 4096, INT64_MAX), -1);  /* 1 MiB > 600 KiB */
	assert_true(x == was && cap == 32768 && b.mem_used == used && x[16383] == 5);
	bud_cur = NULL;
	BIG_FREE(x, cap);
}

/* THP's mode as the kernel reports it: "always", "madvise" or "never". */
static bool thp_never(void)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (!f)
		return true;
	char line[128] = "";
	bool never = !fgets(line, sizeof line, f) || strstr(line, "[never]");
	fclose(f);
	return never;
}

/* /proc/self/smaps's THPeligible for the mapping holding p: 1, 0, or -1
 * when not found. */
static int thp_eligible(const void *p)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	if (!f)
		return -1;
	char line[512];
	bool in = false;
	int r = -1;
	while (fgets(line, sizeof line, f)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)  /* a mapping's first line */
			in = (unsigned long)p >= lo && (unsigned long)p < hi;
		else if (in && sscanf(line, "THPeligible: %d", &r) == 1)
			break;
	}
	fclose(f);
	return r;
}

/* A mapped array is eligible for huge pages (its range marked MADV_HUGEPAGE
 * and 2 MiB aligned); a malloc'd one is whatever the heap is. */
static void test_mapped_array_is_huge_page_eligible(void **state)
{
	(void)state;
	if (thp_never())
		skip();
	int64_t *x = NULL;
	int64_t cap = 0;
	GROW_BIG(x, (int64_t)1 << 20, cap, 4096, "test");
	x[0] = 1;
	x[cap - 1] = 1;
	assert_int_equal(thp_eligible(x), 1);
	assert_int_equal(thp_eligible(&x[cap - 1]), 1);
	BIG_FREE(x, cap);
}

/* big_heap_prefer_huge: a block of 4 MiB is served by the heap (not an
 * mmap of its own) in a range marked for huge pages. ASan replaces malloc,
 * so the check is for the plain build. */
static void test_heap_prefers_huge_pages(void **state)
{
	(void)state;
#if defined(__SANITIZE_ADDRESS__)
	skip();
#else
	if (thp_never())
		skip();
	big_heap_prefer_huge((size_t)64 << 20);
	char *p = malloc((size_t)4 << 20);
	assert_non_null(p);
	p[0] = 1;
	assert_true((char *)sbrk(0) > p + (4 << 20));  /* from the heap, below the break */
	/* The heap's range before its first 2 MiB boundary after the break is
	 * not marked (it cannot be a huge page). That boundary lies up to
	 * 2 MiB past the old break, and the block starts up to the old top
	 * chunk's size (< 1 MiB) before it, depending on where brk landed:
	 * 3 MiB into the block is past it. */
	assert_int_equal(thp_eligible(p + (3 << 20)), 1);
	free(p);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_heap_prefers_huge_pages),  /* first: as in main, on a fresh heap */
		cmocka_unit_test(test_same_capacities_and_charges_as_grow),
		cmocka_unit_test(test_small_array_stays_in_malloc),
		cmocka_unit_test(test_relocation_keeps_the_contents),
		cmocka_unit_test(test_refused_growth_changes_nothing),
		cmocka_unit_test(test_mapped_array_is_huge_page_eligible),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
