/* sim/core/rng.c — name hashing, GSL streams and inverse-CDF draws (see rng.h
 * for the common-random-numbers scheme). Must hold no global state. */
#include "rng.h"
#include <math.h>
#include <gsl/gsl_cdf.h>
#include <stdio.h>
#include <string.h>

uint64_t rng_name(const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	return h;
}

gsl_rng *rng_stream(uint64_t seed, const char *name)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	if (!r)
		return NULL;
	if (gsl_rng_size(r) != sizeof(struct rng_mt_state) || strcmp(gsl_rng_name(r), "mt19937") != 0) {
		fprintf(stderr, "gmpsim: GSL's mt19937 state is not the layout rng_stream_get reads\n");
		gsl_rng_free(r);
		return NULL;
	}
	gsl_rng_set(r, (unsigned long)rng_mix(seed, rng_name(name)));
	return r;
}

/* Normal truncated at zero: invert the CDF restricted to [0, inf). */
static double truncated_normal_quantile(double mean, double sd, double u)
{
	if (sd <= 0)
		return mean > 0 ? mean : 0;
	double below = gsl_cdf_gaussian_P(-mean, sd);
	double q = below + u * (1.0 - below);
	if (q >= 1.0)
		q = nextafter(1.0, 0.0);
	double x = mean + gsl_cdf_gaussian_Pinv(q, sd);
	return x > 0 ? x : 0;
}

double dist_quantile(const struct dist *d, double u)
{
	switch (d->kind) {
	case DIST_CONST:
		return d->p1;
	case DIST_EXP:
		return gsl_cdf_exponential_Pinv(u, d->p1);
	case DIST_UNIFORM:
		return d->p1 + u * (d->p2 - d->p1);
	case DIST_NORMAL:
		return truncated_normal_quantile(d->p1, d->p2, u);
	case DIST_LOGNORMAL:
		return gsl_cdf_lognormal_Pinv(u, d->p1, d->p2);
	case DIST_PARETO:
		return gsl_cdf_pareto_Pinv(u, d->p2, d->p1);
	case DIST_EMPIRICAL: {
		int i = (int)(u * d->n);
		return d->values[i < d->n ? i : d->n - 1];
	}
	}
	return 0;
}

sim_ns dist_quantile_ns(const struct dist *d, double u)
{
	double x = dist_quantile(d, u);
	if (!(x > 0))
		return 0;
	if (x > 4.6e18)
		return (sim_ns)1 << 62;
	return rng_round_pos(x);
}

static double truncated_normal_mean(double mean, double sd)
{
	if (sd <= 0)
		return mean > 0 ? mean : 0;
	double a = -mean / sd;
	double tail = 1.0 - gsl_cdf_ugaussian_P(a);
	double pdf = exp(-0.5 * a * a) / sqrt(2 * M_PI);
	return mean + sd * pdf / tail;
}

double dist_mean(const struct dist *d)
{
	switch (d->kind) {
	case DIST_CONST:
	case DIST_EXP:
		return d->p1;
	case DIST_UNIFORM:
		return 0.5 * (d->p1 + d->p2);
	case DIST_NORMAL:
		return truncated_normal_mean(d->p1, d->p2);
	case DIST_LOGNORMAL:
		return exp(d->p1 + 0.5 * d->p2 * d->p2);
	case DIST_PARETO:
		return d->p2 > 1 ? d->p2 * d->p1 / (d->p2 - 1) : INFINITY;
	case DIST_EMPIRICAL: {
		double s = 0;
		for (int i = 0; i < d->n; i++)
			s += d->values[i];
		return d->n ? s / d->n : 0;
	}
	}
	return 0;
}
