/* models/gmp/gmp_pidx.h — indexes over allp that let the scheduler's
 * decisions cost O(work) instead of O(GOMAXPROCS): one bitmap per property
 * a decision scans allp for (not idle, a non-empty ring, a runnext, a
 * timer), kept exact by gmp_p_sync_* after every change of a P, and the
 * first P of a randomOrder enumeration (proc.go:randomOrder) found among a
 * bitmap's members without visiting the others. Pure data structure: it
 * decides nothing and charges nothing. */
#ifndef GMPSIM_GMP_PIDX_H
#define GMPSIM_GMP_PIDX_H
#include <stdbool.h>
#include <stdint.h>

/* The P properties that have a bitmap. */
enum gmp_pbit { PB_BUSY, PB_RING, PB_NEXT, PB_TIMERS, PB_NBITS };

struct gmp_pidx {
	int n;                        /* GOMAXPROCS */
	int nwords;                   /* 64-bit words per bitmap */
	uint64_t *bits[PB_NBITS];     /* bit i: allp[i] has the property */
	int count[PB_NBITS];          /* each bitmap's members */
	uint64_t *scratch;            /* a bitmap for the caller's set algebra */
};

/* A set bit's P ids in increasing order: for (int i = gmp_pidx_next(b, nw, 0); i >= 0; i = gmp_pidx_next(b, nw, i + 1)). */
int gmp_pidx_next(const uint64_t *bits, int nwords, int from);

/* Allocates the bitmaps of n Ps, all clear; -1 when out of memory. */
int gmp_pidx_init(struct gmp_pidx *x, int n);
void gmp_pidx_free(struct gmp_pidx *x);
static inline bool gmp_pidx_has(const uint64_t *bits, int id)
{
	return (bits[id >> 6] >> (id & 63)) & 1;
}
/* Sets bit id of bitmap b to on (and its count). */
static inline void gmp_pidx_put(struct gmp_pidx *x, enum gmp_pbit b, int id, bool on)
{
	uint64_t *w = &x->bits[b][id >> 6], bit = (uint64_t)1 << (id & 63);
	if (((*w & bit) != 0) == on)
		return;
	*w ^= bit;
	x->count[b] += on ? 1 : -1;
}
/* The number of members of bits. */
int gmp_pidx_count(const uint64_t *bits, int nwords);

/* The inverse of stride modulo n (stride coprime with n). */
int gmp_pidx_modinv(int stride, int n);
/* The enumeration index k of P id in randomOrder's pass (start, stride):
 * the pass visits (start + k*stride) mod n; inv is stride's inverse mod n. */
int gmp_pidx_order_index(int id, int start, int inv, int n);
/* The smallest enumeration index of a member of set (nset members) in the
 * pass (start, stride), or n when set is empty. O(min(nset, n / nset)):
 * a walk of the enumeration or the members' indexes, the cheaper. */
int gmp_pidx_first_in_order(const uint64_t *set, int nset, int nwords, int n,
			    int start, int stride, int inv);
/* The number of members of set (nset members) with an enumeration index
 * below k in the pass (start, stride). O(min(k, nset, n - nset)): a walk
 * of the first k, or the indexes of set's members or of its complement's. */
int gmp_pidx_count_before(const uint64_t *set, int nset, int n, int k,
			  int start, int stride, int inv);

#endif
