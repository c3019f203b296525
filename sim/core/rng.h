/* sim/core/rng.h — randomness: counter-based keys for common random numbers, GSL
 * streams for model-internal choices, and inverse-CDF draws from the
 * scenario's distributions.
 *
 * Common random numbers, by construction. Every random demand of the
 * workload is a pure function of a key, never of a generator's position:
 *
 *   task key   K(class c, index i) = mix(mix(mix(seed, H("task")), H(c)), i)
 *              where i is the arrival index within the class (for closed
 *              loops: client << 32 | cycle), H a name hash (FNV-1a);
 *   child key  K(child j of the spawn executed as op number s of parent P)
 *              = mix(mix(mix(K_P, H("spawn")), s), j);
 *   op demand  u = U(mix(mix(K_task, n), d)) where n counts the ops the task
 *              has executed so far (repeat iterations included) and d the
 *              draw within the op;
 *   arrivals   the k-th inter-arrival gap of class c is drawn from
 *              U(mix(mix(mix(seed, H("arrival")), H(c)), k)); think time of
 *              client q after cycle r from U(mix(mix(K_q, H("think")), r)).
 *
 * U maps 64 bits to (0,1); the distribution's inverse CDF (GSL's
 * gsl_cdf_*_Pinv) turns u into a value. A task's program is a fixed
 * sequence of ops whatever the model does, so (task key, op number) names
 * the same demand in every model, in whatever order the models reach it:
 * every model sees the same arrivals and the same demand per task and op.
 * Adding a class or a model changes no other class's draws.
 *
 * Model-internal randomness (which victim to steal from, ...) comes from
 * named GSL streams seeded with mix(seed, H(name)); those differ between
 * models by design and never feed workload demands.
 */
#ifndef GMPSIM_RNG_H
#define GMPSIM_RNG_H
#include "types.h"
#include <gsl/gsl_rng.h>

/* ---- distributions ------------------------------------------------------
 * YAML spellings (values carry units; the unit kind depends on the field):
 *   100us                      constant
 *   { const: 100us }           constant
 *   { exp: 100us }             exponential with that mean
 *   { uniform: [10us, 50us] }  uniform on [lo, hi]
 *   { normal: { mean: 1ms, stddev: 200us } }   normal, truncated at 0
 *   { lognormal: { mean: 1ms, sigma: 0.5 } }   lognormal with that mean; sigma of the log
 *   { pareto: { scale: 1ms, alpha: 2.5 } }     Pareto type I (minimum = scale)
 *   { empirical: [1ms, 2ms, 2ms, 9ms] }       each listed value equally likely */
enum dist_kind {
	DIST_CONST,
	DIST_EXP,
	DIST_UNIFORM,
	DIST_NORMAL,
	DIST_LOGNORMAL,
	DIST_PARETO,
	DIST_EMPIRICAL,
};

struct dist {
	enum dist_kind kind;
	/* CONST: p1 = value. EXP: p1 = mean. UNIFORM: p1 = lo, p2 = hi.
	 * NORMAL: p1 = mean, p2 = stddev (before truncation).
	 * LOGNORMAL: p1 = mu, p2 = sigma of the underlying normal (the loader
	 * converts the user's mean: mu = ln(mean) - sigma^2/2).
	 * PARETO: p1 = scale (x_m), p2 = alpha. */
	double p1, p2;
	int n;          /* EMPIRICAL: number of values */
	double *values; /* EMPIRICAL: the values (owned) */
};


/* SplitMix64's finaliser: a bijective 64-bit mixer. */
static inline uint64_t rng_splitmix(uint64_t z)
{
	z += 0x9E3779B97F4A7C15ULL;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Combines a key with one more coordinate. */
static inline uint64_t rng_mix(uint64_t key, uint64_t v)
{
	return rng_splitmix(key ^ rng_splitmix(v));
}

/* 64 bits to a double in the open interval (0,1). */
static inline double rng_u01(uint64_t bits)
{
	return ((double)(bits >> 12) + 0.5) * (1.0 / 4503599627370496.0);
}

/* llround(x) for 0 <= x < 2^63, inline (libm's is a call): the nearest
 * integer, halves away from zero. x - trunc(x) is exact in double, and
 * above 2^52 x is already an integer. */
static inline int64_t rng_round_pos(double x)
{
	int64_t i = (int64_t)x;
	return x - (double)i >= 0.5 ? i + 1 : i;
}

/* FNV-1a hash of a name. */
uint64_t rng_name(const char *name);

/* A GSL generator (mt19937) for the named stream of this seed. Free with
 * gsl_rng_free. NULL when out of memory, or when GSL's mt19937 state is
 * not struct rng_mt_state (rng_stream_get reads it). */
gsl_rng *rng_stream(uint64_t seed, const char *name);

/* GSL's mt19937 state (gsl rng/mt.c: mt_state_t): the 624 words of the
 * current block and the index of the next one to temper. */
enum { RNG_MT_N = 624 };
struct rng_mt_state {
	unsigned long mt[RNG_MT_N];
	int mti;
};

/* gsl_rng_get(r) for an rng_stream, the same draws in the same order,
 * without its two calls: inside a block, the next word tempered as GSL's
 * mt_get does; at a block's end, gsl_rng_get itself computes the next
 * block (and returns its first word). For the per-decision draws of the
 * gmp model's steals (fastrand). */
static inline uint32_t rng_stream_get(gsl_rng *r)
{
	struct rng_mt_state *st = r->state;
	if (st->mti >= RNG_MT_N)
		return (uint32_t)gsl_rng_get(r);
	unsigned long k = st->mt[st->mti++];
	k ^= k >> 11;
	k ^= (k << 7) & 0x9d2c5680UL;
	k ^= (k << 15) & 0xefc60000UL;
	k ^= k >> 18;
	return (uint32_t)k;
}

/* Inverse CDF of d at u in (0,1). */
double dist_quantile(const struct dist *d, double u);
/* The draw as a duration in ns: rounded, clamped to [0, 2^62]. */
sim_ns dist_quantile_ns(const struct dist *d, double u);
/* The distribution's mean (INFINITY for a Pareto with alpha <= 1). */
double dist_mean(const struct dist *d);

#endif
