/* sim/core/bigarr.c — big growable arrays in reserved, huge-page ranges
 * (bigarr.h).
 *
 * A mapped array's range starts on a 2 MiB boundary with a header (the
 * bytes reserved and committed), the elements BIG_HDR bytes after it.
 * The reservation is PROT_NONE (it commits nothing, even under strict
 * overcommit); the part in use is made writable in whole 2 MiB steps, so
 * every step can be one huge page. Past the reservation, the committed
 * pages move to a reservation twice as large (mremap: the page tables
 * move, the pages are not copied or faulted again). */
#include "bigarr.h"
#include "budget.h"
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

enum { BIG_HDR = 64 };                         /* a cache line: the elements stay aligned */
#define BIG_PAGE ((size_t)2 << 20)             /* a transparent huge page */
#define BIG_RESERVE ((size_t)256 << 20)        /* the first reservation, at least */

struct big_hdr {
	size_t reserved;   /* bytes of address space, header included */
	size_t committed;  /* bytes writable from the start, a multiple of BIG_PAGE */
};

static size_t round_up(size_t x, size_t a) { return (x + a - 1) / a * a; }

static bool is_mapped(int64_t cap, size_t elem) { return cap > 0 && (int64_t)elem * cap >= BIG_MIN_BYTES; }

static struct big_hdr *hdr_of(void *arr) { return (struct big_hdr *)((char *)arr - BIG_HDR); }

/* bytes of address space (prot: PROT_NONE reserves) starting on a
 * BIG_PAGE boundary, marked for huge pages; NULL when the system refuses. */
static void *map_aligned(size_t bytes, int prot)
{
	size_t span = bytes + BIG_PAGE;
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | (prot == PROT_NONE ? MAP_NORESERVE : 0);
	char *raw = mmap(NULL, span, prot, flags, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	char *base = (char *)round_up((size_t)raw, BIG_PAGE);
	if (base > raw)
		munmap(raw, (size_t)(base - raw));
	if (raw + span > base + bytes)
		munmap(base + bytes, (size_t)(raw + span - (base + bytes)));
	madvise(base, bytes, MADV_HUGEPAGE);  /* advice: without THP, small pages */
	return base;
}

/* A reservation for an array of bytes (header included): generous, so it
 * rarely moves; just twice the need when address space is short. */
static void *reserve_for(size_t bytes, size_t *got)
{
	size_t want = round_up(4 * bytes > BIG_RESERVE ? 4 * bytes : BIG_RESERVE, BIG_PAGE);
	void *base = map_aligned(want, PROT_NONE);
	if (!base) {
		want = round_up(2 * bytes, BIG_PAGE);
		base = map_aligned(want, PROT_NONE);
	}
	*got = base ? want : 0;
	return base;
}

/* Moves h's committed pages to a reservation for bytes; returns the new
 * header, or NULL (h unchanged). */
static struct big_hdr *relocate(struct big_hdr *h, size_t bytes)
{
	size_t reserved;
	char *nb = reserve_for(bytes, &reserved);
	if (!nb)
		return NULL;
	void *moved = mremap(h, h->committed, h->committed, MREMAP_MAYMOVE | MREMAP_FIXED, nb);
	if (moved == MAP_FAILED) {
		munmap(nb, reserved);
		return NULL;
	}
	struct big_hdr *n = moved;
	if (n->reserved > n->committed)  /* the old range's unused tail */
		munmap((char *)h + n->committed, n->reserved - n->committed);
	n->reserved = reserved;
	return n;
}

/* Makes the first bytes of h's range writable; returns h (or where it
 * moved), NULL when that cannot be had. */
static struct big_hdr *commit(struct big_hdr *h, size_t bytes)
{
	size_t need = round_up(bytes, BIG_PAGE);
	if (need <= h->committed)
		return h;
	if (need > h->reserved && !(h = relocate(h, bytes)))
		return NULL;
	char *from = (char *)h + h->committed;
	if (mprotect(from, need - h->committed, PROT_READ | PROT_WRITE) != 0)
		return NULL;
	madvise(from, need - h->committed, MADV_HUGEPAGE);
	h->committed = need;
	return h;
}

/* A new mapped array of bytes (header excluded) holding the old one's
 * first keep bytes; the old one freed. NULL when refused (old kept). */
static void *map_new(void *old, size_t keep, size_t bytes)
{
	size_t reserved;
	char *base = reserve_for(BIG_HDR + bytes, &reserved);
	if (!base)
		return NULL;
	size_t first = round_up(BIG_HDR + bytes, BIG_PAGE);
	if (mprotect(base, first, PROT_READ | PROT_WRITE) != 0) {
		munmap(base, reserved);
		return NULL;
	}
	struct big_hdr *h = (struct big_hdr *)base;
	h->reserved = reserved;
	h->committed = first;
	if (keep)
		memcpy(base + BIG_HDR, old, keep);
	free(old);
	return base + BIG_HDR;
}

int big_grow_try(void **arr, int64_t need, int64_t *cap, size_t elem, int64_t first, int64_t max)
{
	if (need <= *cap)
		return 0;
	int64_t ncap = grow_capacity(need, *cap, elem, first, max);
	if (ncap < 0)
		return -1;
	if (!is_mapped(ncap, elem))
		return grow_try(arr, need, cap, elem, first, max);
	int64_t old = *cap > 0 ? *cap : 0;
	if (elem * (size_t)ncap > SIZE_MAX - BIG_PAGE - BIG_HDR)
		return -1;
	int64_t more = (int64_t)(elem * (size_t)(ncap - old));
	if (!bud_charge(more))
		return -1;
	void *p;
	if (is_mapped(old, elem)) {
		struct big_hdr *h = commit(hdr_of(*arr), BIG_HDR + elem * (size_t)ncap);
		p = h ? (char *)h + BIG_HDR : NULL;
	} else {
		p = map_new(*arr, elem * (size_t)old, elem * (size_t)ncap);
	}
	if (!p) {
		bud_charge(-more);
		return -1;
	}
	*arr = p;
	*cap = ncap;
	return 0;
}

void big_grow_or_die(void **arr, int64_t need, int64_t *cap, size_t elem, int64_t first, int64_t max,
		     const char *what)
{
	if (big_grow_try(arr, need, cap, elem, first, max) == 0)
		return;
	grow_oom(what, need, *cap, elem);
}

void big_free(void *arr, int64_t cap, size_t elem)
{
	if (!arr)
		return;
	if (!is_mapped(cap, elem)) {
		free(arr);
		return;
	}
	struct big_hdr *h = hdr_of(arr);
	munmap(h, h->reserved);
}

void *big_scratch(size_t bytes)
{
	if ((int64_t)bytes < BIG_MIN_BYTES)
		return calloc(bytes ? bytes : 1, 1);
	if (bytes > SIZE_MAX - BIG_PAGE)
		return NULL;
	return map_aligned(round_up(bytes, BIG_PAGE), PROT_READ | PROT_WRITE);
}

void big_scratch_free(void *p, size_t bytes)
{
	if ((int64_t)bytes < BIG_MIN_BYTES)
		free(p);
	else if (p)
		munmap(p, round_up(bytes, BIG_PAGE));
}

void big_heap_prefer_huge(size_t pad)
{
	mallopt(M_MMAP_THRESHOLD, (int)(pad / 2));  /* blocks up to pad/2 come from the heap */
	mallopt(M_TOP_PAD, (int)pad);               /* the heap grows pad at a time */
	mallopt(M_TRIM_THRESHOLD, (int)(2 * pad));   /* and keeps what it got */
	char *before = sbrk(0);
	void *volatile grow = malloc(pad / 4);  /* past the top chunk: the heap grows by pad more */
	free(grow);
	char *after = sbrk(0);
	if (before == (char *)-1 || after == (char *)-1)
		return;
	char *lo = (char *)round_up((size_t)before, BIG_PAGE);
	char *hi = (char *)((size_t)after / BIG_PAGE * BIG_PAGE);
	if (hi > lo)
		madvise(lo, (size_t)(hi - lo), MADV_HUGEPAGE);
}
