/* sim/study/capacity.h — service-level objectives and the capacity search: the
 * highest Poisson arrival rate at which a model still meets an SLO.
 *
 * An SLO is one or more terms joined by ',', all of which must hold:
 *   p50 p90 p99 p999 mean max   latency of the requests, with a duration
 *                               unit: "p99<200ms", "mean<=2ms"
 *   cpu                         CPU busy share of all cores: "cpu<0.8"
 * each with '<' or '<='. A probe (one rate, N repetitions with seeds
 * seed, seed+1, ...) meets the SLO when every term holds for the mean over
 * its repetitions, no repetition failed as a simulation (e.g. thread
 * exhaustion), and no repetition is overloaded: it completed fewer than
 * (1 - slack) of the requests that arrived in the measured window, where
 * slack = max(2%, 4 / sqrt(expected arrivals)) absorbs Poisson noise and
 * the requests legitimately in flight at the window's edges. An overloaded
 * queue grows without bound, and the latency of the requests that did
 * complete then understates what the rest will see.
 *
 * The search brackets the capacity (from the scenario's rate, doubling
 * until the SLO fails or halving until it holds, unless --rate-lo/-hi are
 * given and confirmed), then bisects geometrically until the bracket is
 * narrower than the tolerance. The reported capacity is the highest rate
 * that met the SLO. Must not print (progress goes through a callback) and
 * must not touch files other than the optional database.
 */
#ifndef GMPSIM_CAPACITY_H
#define GMPSIM_CAPACITY_H
#include "scenario.h"
#include "db.h"
#include <stddef.h>
#include <stdint.h>

#define SLO_MAX_TERMS 8

struct slo_term {
	char label[8];       /* as written: "p99", "mean", "cpu" */
	const char *metric;  /* the run metric: "latency_p99", "cpu_utilization" */
	int is_latency;      /* limit in ns */
	int inclusive;       /* '<=' rather than '<' */
	double limit;
};

struct slo {
	int n;
	struct slo_term terms[SLO_MAX_TERMS];
	char text[128];      /* the SLO as given, for reports */
};

/* Parses text into out. Returns 0, or -1 with a one-line reason naming
 * the offending term in err ("'p99<abc': expected a duration ..."). */
int slo_parse(const char *text, struct slo *out, char *err, size_t errlen);

/* Whether the metric values (indexed like slo->terms) meet the SLO; when
 * not, a reason ("p99 212ms >= 200ms") goes into why. NaN fails. */
int slo_met(const struct slo *slo, const double *values, char *why, size_t whylen);

/* The overload rule (above), shared by capacity, the run summary and
 * compare: whether completed requests fall short of (1 - slack) of the
 * arrivals in the measured window, slack = max(2%, 4 / sqrt(arrivals)).
 * False when arrivals is not a positive number (nothing to judge). */
int cap_overloaded(double completed, double arrivals);

/* Whether a run's metrics say it did not keep up: cap_overloaded on
 * tasks_completed and tasks_arrived (the arrivals counted in the window),
 * or latency_samples 0 while requests arrived. A missing metric (an older
 * database) leaves its test out. When overloaded, a reason goes into why:
 * "completed 41% of arrivals (412 of 1,003); backlog growing (588 in flight
 * at the end)" or "no request that arrived in the window completed". */
int cap_run_overloaded(double completed, double arrived, double samples, double live_end, char *why,
		       size_t whylen);

/* The index of the Poisson class to vary: the one named want (which must
 * exist, be Poisson and not co-located), or the only Poisson class of the
 * service (co-located classes are not the service's load). Returns -1 with a
 * reason naming the scenario's path when there is none, or several. */
int cap_find_class(const struct scenario *sc, const char *want, char *err, size_t errlen);

struct cap_opts {
	const char *scenario_path;
	const char *profile;      /* --profile file, or NULL */
	const char *const *sets;  /* the user's --set overrides */
	int nsets;
	const char *cls;          /* --class, or NULL */
	struct slo slo;
	int reps;                 /* repetitions per probe (>= 1) */
	int jobs;                 /* repetitions simulated at once, on threads (0 or 1: one) */
	double rate_lo, rate_hi;  /* a bracket to start from; 0 = search for it */
	double tolerance;         /* stop when (hi - lo) / lo <= tolerance */
	int rep_base;             /* added to the rep of every run written (cap_search_seeds: the seed's index) */
	struct db *db;            /* every probe run is written here when not NULL */
	int *next_point;          /* point_id for the next probe (shared across models) */
	void (*progress)(void *ctx, const char *line);
	void *ctx;
};

enum cap_outcome {
	CAP_FOUND,   /* capacity in [rate, fail_rate) */
	CAP_BELOW,   /* even the lowest rate probed failed: capacity < fail_rate */
	CAP_ABOVE,   /* even the highest rate probed met it: capacity >= rate */
};

/* The rule that failed at fail_rate: what limited the model. */
enum cap_limit {
	CAP_LIMIT_NONE,     /* nothing failed (CAP_ABOVE) */
	CAP_LIMIT_SLO,      /* a term of the SLO, on the mean over the repetitions */
	CAP_LIMIT_OVERLOAD, /* the completion rule: fewer than max(98%, 1 - 4/sqrt(arrivals)) completed */
	CAP_LIMIT_FAILED,   /* a simulation failed (thread exhaustion, a thread limit ...) */
};

struct cap_result {
	enum cap_outcome outcome;
	double rate;       /* highest rate that met the SLO (NAN for CAP_BELOW) */
	double fail_rate;  /* lowest rate that failed it (NAN for CAP_ABOVE) */
	int probes;
	uint64_t seed;     /* the first repetition's seed */
	enum cap_limit limit;   /* why fail_rate failed */
	char limit_why[200];    /* its reason: "p99 212ms >= 200ms", "completed 96% ..." */
};

/* "the SLO (p99)", "the completion rule (98%)", "a failed simulation" or "none". */
const char *cap_limit_name(enum cap_limit l);

/* Searches model's capacity. Returns 0 with out filled; 2 for bad input
 * (scenario, --set, class, a model the scenario cannot run) or a database
 * write error, with the message in err. */
int cap_search(const struct cap_opts *o, const char *model, struct cap_result *out,
	       char *err, size_t errlen);

/* One search per seed, for an interval across seeds: seeds seed0 + i for
 * i in [0, nseeds) (seed0 the scenario's, after o->sets), each with one
 * repetition per probe (o->reps is ignored), into out[i]; out[i].seed is
 * the seed. With o->jobs > 1 and no database the searches run on up to
 * o->jobs threads (each search is deterministic, so results do not depend
 * on it); with a database they run in order and rep = i. Returns 0, or 2
 * as cap_search. */
int cap_search_seeds(const struct cap_opts *o, const char *model, int nseeds, struct cap_result *out, char *err,
		     size_t errlen);

#endif
