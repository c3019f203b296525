/* models/gmp/gmp_pidx.c — bitmaps over allp and the randomOrder search
 * (see gmp_pidx.h). The search is exact: it returns what visiting every P
 * in the enumeration's order would, so the scheduler's choices, draws and
 * counters do not change. */
#include "gmp_pidx.h"
#include <stdlib.h>

int gmp_pidx_init(struct gmp_pidx *x, int n)
{
	x->n = n;
	x->nwords = (n + 63) / 64;
	uint64_t *all = calloc((size_t)x->nwords * (PB_NBITS + 1), sizeof *all);
	if (!all)
		return -1;
	for (int b = 0; b < PB_NBITS; b++)
		x->bits[b] = all + (size_t)b * (size_t)x->nwords;
	x->scratch = all + (size_t)PB_NBITS * (size_t)x->nwords;
	return 0;
}

void gmp_pidx_free(struct gmp_pidx *x)
{
	free(x->bits[0]);
	x->bits[0] = NULL;
}

/* A word's set bits. Without -mpopcnt (the Debian baseline) GCC's
 * __builtin_popcountll is a call into libgcc (__popcountdi2, a table walk:
 * ~20 instructions and a call per word); this is the same count in a
 * dozen inline ALU instructions (Hacker's Delight 5-2). */
static inline int popcount64(uint64_t x)
{
#ifdef __POPCNT__
	return __builtin_popcountll(x);
#else
	x = x - ((x >> 1) & 0x5555555555555555u);
	x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fu;
	return (int)((x * 0x0101010101010101u) >> 56);
#endif
}

int gmp_pidx_count(const uint64_t *bits, int nwords)
{
	int c = 0;
	for (int w = 0; w < nwords; w++)
		c += popcount64(bits[w]);
	return c;
}

int gmp_pidx_next(const uint64_t *bits, int nwords, int from)
{
	int w = from >> 6;
	if (w >= nwords)
		return -1;
	uint64_t word = bits[w] & (~(uint64_t)0 << (from & 63));
	while (!word) {
		if (++w >= nwords)
			return -1;
		word = bits[w];
	}
	return w * 64 + __builtin_ctzll(word);
}

/* Extended Euclid on (stride, n). */
int gmp_pidx_modinv(int stride, int n)
{
	int64_t t = 0, nt = 1, r = n, nr = stride % n;
	while (nr != 0) {
		int64_t q = r / nr, tmp;
		tmp = t - q * nt; t = nt; nt = tmp;
		tmp = r - q * nr; r = nr; nr = tmp;
	}
	return (int)(t < 0 ? t + n : t);
}

/* pos = start + k*stride (mod n)  <=>  k = (pos - start) * inv (mod n);
 * below 2^16 Ps the product fits 32 bits, whose division is the cheaper. */
int gmp_pidx_order_index(int id, int start, int inv, int n)
{
	int64_t d = id - start;
	if (d < 0)
		d += n;
	if (n <= 65536)
		return (int)((uint32_t)d * (uint32_t)inv % (uint32_t)n);
	return (int)(d * inv % n);
}

/* What a member's order index costs in walk steps (a step: a bit test and
 * an add; a member: a bitmap scan, a multiply and a division). The search
 * takes whichever path visits fewer step-equivalents; both are exact. */
enum { WALK_STEPS_PER_MEMBER = 16 };

/* Walks the enumeration until a member: n / nset steps on average. */
static int walk_to_first(const uint64_t *set, int n, int start, int stride)
{
	int pos = start;
	for (int k = 0; k < n; k++) {
		if (gmp_pidx_has(set, pos))
			return k;
		pos += stride;
		if (pos >= n)
			pos -= n;
	}
	return n;
}

int gmp_pidx_first_in_order(const uint64_t *set, int nset, int nwords, int n,
			    int start, int stride, int inv)
{
	if (nset == 0)
		return n;
	if ((int64_t)WALK_STEPS_PER_MEMBER * nset * nset > n)  /* the walk's n / nset steps are cheaper */
		return walk_to_first(set, n, start, stride);
	int best = n;
	for (int id = gmp_pidx_next(set, nwords, 0); id >= 0; id = gmp_pidx_next(set, nwords, id + 1)) {
		int k = gmp_pidx_order_index(id, start, inv, n);
		if (k < best)
			best = k;
	}
	return best;
}

/* The members (inside: of set; else of its complement in 0..n-1) with an
 * enumeration index below k. */
static int members_before(const uint64_t *set, bool inside, int n, int k, int start, int inv)
{
	int c = 0, nwords = (n + 63) / 64;
	for (int w = 0; w < nwords; w++) {
		uint64_t word = inside ? set[w] : ~set[w];
		if (w == nwords - 1 && (n & 63))
			word &= ((uint64_t)1 << (n & 63)) - 1;
		for (; word; word &= word - 1)
			c += gmp_pidx_order_index(w * 64 + __builtin_ctzll(word), start, inv, n) < k;
	}
	return c;
}

int gmp_pidx_count_before(const uint64_t *set, int nset, int n, int k,
			  int start, int stride, int inv)
{
	int fewer = nset < n - nset ? nset : n - nset;
	if (k > WALK_STEPS_PER_MEMBER * fewer)  /* through the members of set or of its complement */
		return nset <= n - nset ? members_before(set, true, n, k, start, inv)
					: k - members_before(set, false, n, k, start, inv);
	int c = 0, pos = start;
	for (int j = 0; j < k; j++) {
		c += gmp_pidx_has(set, pos);
		pos += stride;
		if (pos >= n)
			pos -= n;
	}
	return c;
}
