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

int gmp_pidx_count(const uint64_t *bits, int nwords)
{
	int c = 0;
	for (int w = 0; w < nwords; w++)
		c += __builtin_popcountll(bits[w]);
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

/* pos = start + k*stride (mod n)  <=>  k = (pos - start) * inv (mod n) */
int gmp_pidx_order_index(int id, int start, int inv, int n)
{
	int64_t d = id - start;
	if (d < 0)
		d += n;
	return (int)(d * inv % n);
}

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
	if ((int64_t)nset * nset > n)
		return walk_to_first(set, n, start, stride);
	int best = n;
	for (int id = gmp_pidx_next(set, nwords, 0); id >= 0; id = gmp_pidx_next(set, nwords, id + 1)) {
		int k = gmp_pidx_order_index(id, start, inv, n);
		if (k < best)
			best = k;
	}
	return best;
}

int gmp_pidx_count_before(const uint64_t *set, int nset, int n, int k,
			  int start, int stride, int inv)
{
	int c = 0;
	if (k <= nset) {
		int pos = start;
		for (int j = 0; j < k; j++) {
			c += gmp_pidx_has(set, pos);
			pos += stride;
			if (pos >= n)
				pos -= n;
		}
		return c;
	}
	int nwords = (n + 63) / 64;
	for (int id = gmp_pidx_next(set, nwords, 0); id >= 0; id = gmp_pidx_next(set, nwords, id + 1))
		c += gmp_pidx_order_index(id, start, inv, n) < k;
	return c;
}
