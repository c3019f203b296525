/* sim/study/capacity.c — SLO parsing and the capacity search by bisection over
 * a Poisson class's arrival rate (the rules are in capacity.h).
 *
 * Every probe reloads the scenario with the rate and the seed as --set
 * overrides, so a probe run is exactly what `gmpsim SCENARIO --set ...`
 * would simulate, and runs it in-process with run_model. Must not print
 * or decide anything about the models: it reads the metrics they report.
 */
#include "capacity.h"
#include "run.h"
#include "units.h"
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	CAP_MAX_STEPS = 40,        /* doublings or halvings while bracketing */
	CAP_MAX_BISECTIONS = 60,
};
static const double CAP_MAX_RATE = 1e9;  /* per second; beyond it we stop growing */
static const double CAP_MIN_RATE = 1e-3;

/* ---- SLO -------------------------------------------------------------------- */

static const struct {
	const char *label, *metric;
	int is_latency;
} slo_metrics[] = {
	{ "p50", "latency_p50", 1 },   { "p90", "latency_p90", 1 }, { "p99", "latency_p99", 1 },
	{ "p999", "latency_p999", 1 }, { "mean", "latency_mean", 1 }, { "max", "latency_max", 1 },
	{ "cpu", "cpu_utilization", 0 },
};
enum { N_SLO_METRICS = sizeof slo_metrics / sizeof slo_metrics[0] };

static void trim(char *s)
{
	size_t n = strlen(s), i = 0;
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	while (isspace((unsigned char)s[i]))
		i++;
	memmove(s, s + i, n - i + 1);
}

/* "0.8" or "80%" → 0.8 */
static int parse_share(char *v, double *out, char *why, size_t whylen)
{
	size_t n = strlen(v);
	int percent = n && v[n - 1] == '%';
	if (percent)
		v[n - 1] = 0;
	if (unit_parse_number(v, out, why, whylen) != 0)
		return -1;
	if (percent)
		*out /= 100;
	if (!(*out > 0 && *out <= 1)) {
		snprintf(why, whylen, "a CPU share must be in (0, 1] or (0%%, 100%%]");
		return -1;
	}
	return 0;
}

static int parse_limit(struct slo_term *t, char *v, char *why, size_t whylen)
{
	if (!t->is_latency)
		return parse_share(v, &t->limit, why, whylen);
	sim_ns ns;
	if (unit_parse_duration(v, &ns, why, whylen) != 0)
		return -1;
	if (ns <= 0) {
		snprintf(why, whylen, "a latency limit must be > 0");
		return -1;
	}
	t->limit = (double)ns;
	return 0;
}

static int parse_term(char *term, struct slo_term *t, char *why, size_t whylen)
{
	char *lt = strchr(term, '<');
	if (!lt) {
		snprintf(why, whylen, "expected METRIC<VALUE or METRIC<=VALUE");
		return -1;
	}
	*lt = 0;
	char *value = lt + 1;
	t->inclusive = *value == '=';
	value += t->inclusive;
	trim(term);
	trim(value);
	int m = 0;
	while (m < N_SLO_METRICS && strcmp(slo_metrics[m].label, term) != 0)
		m++;
	if (m == N_SLO_METRICS) {
		snprintf(why, whylen, "unknown metric '%.20s' (one of p50, p90, p99, p999, mean, max, cpu)", term);
		return -1;
	}
	snprintf(t->label, sizeof t->label, "%s", slo_metrics[m].label);
	t->metric = slo_metrics[m].metric;
	t->is_latency = slo_metrics[m].is_latency;
	if (!*value) {
		snprintf(why, whylen, "missing value after '<'");
		return -1;
	}
	return parse_limit(t, value, why, whylen);
}

int slo_parse(const char *text, struct slo *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (!text || strlen(text) >= sizeof out->text) {
		snprintf(err, errlen, "--slo: expected e.g. 'p99<200ms' (at most %zu characters)", sizeof out->text - 1);
		return -1;
	}
	snprintf(out->text, sizeof out->text, "%s", text);
	char buf[sizeof out->text], why[160];
	snprintf(buf, sizeof buf, "%s", text);
	char *rest = buf;
	for (;;) {
		char *comma = strchr(rest, ',');
		if (comma)
			*comma = 0;
		char term[sizeof buf];
		snprintf(term, sizeof term, "%s", rest);
		trim(term);
		if (!*term) {
			snprintf(err, errlen, "--slo '%s': empty term (expected e.g. 'p99<200ms,cpu<0.8')", text);
			return -1;
		}
		if (out->n == SLO_MAX_TERMS) {
			snprintf(err, errlen, "--slo '%s': more than %d terms", text, SLO_MAX_TERMS);
			return -1;
		}
		char shown[sizeof buf];
		snprintf(shown, sizeof shown, "%s", term);
		if (parse_term(term, &out->terms[out->n], why, sizeof why) != 0) {
			snprintf(err, errlen, "--slo '%s': '%s': %s", text, shown, why);
			return -1;
		}
		out->n++;
		if (!comma)
			break;
		rest = comma + 1;
	}
	return 0;
}

static void fmt_term_value(const struct slo_term *t, double v, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else if (t->is_latency)
		unit_fmt_duration(v, buf, len);
	else
		snprintf(buf, len, "%.3f", v);
}

int slo_met(const struct slo *slo, const double *values, char *why, size_t whylen)
{
	for (int i = 0; i < slo->n; i++) {
		const struct slo_term *t = &slo->terms[i];
		double v = values[i];
		if (isnan(v)) {
			snprintf(why, whylen, "%s not measured (no requests completed)", t->label);
			return 0;
		}
		if (t->inclusive ? v <= t->limit : v < t->limit)
			continue;
		char a[32], b[32];
		fmt_term_value(t, v, a, sizeof a);
		fmt_term_value(t, t->limit, b, sizeof b);
		snprintf(why, whylen, "%s %s %s %s", t->label, a, t->inclusive ? ">" : ">=", b);
		return 0;
	}
	if (whylen)
		why[0] = 0;
	return 1;
}

/* ---- the class to vary --------------------------------------------------------- */

int cap_find_class(const struct scenario *sc, const char *want, char *err, size_t errlen)
{
	if (want) {
		for (int i = 0; i < sc->nclasses; i++) {
			if (strcmp(sc->classes[i].name, want) != 0)
				continue;
			if (sc->classes[i].colocated) {
				snprintf(err, errlen, "%s: --class %s: the class is co-located load, not the service's",
					 sc->path, want);
				return -1;
			}
			if (sc->classes[i].arrival.kind == ARR_POISSON)
				return i;
			snprintf(err, errlen, "%s: --class %s: the class's arrival is not { poisson: RATE }", sc->path, want);
			return -1;
		}
		snprintf(err, errlen, "%s: --class %s: no such task class under workload:", sc->path, want);
		return -1;
	}
	int found = -1, n = 0;
	for (int i = 0; i < sc->nclasses; i++)
		if (!sc->classes[i].colocated && sc->classes[i].arrival.kind == ARR_POISSON)
			found = i, n++;
	if (n == 1)
		return found;
	if (n == 0)
		snprintf(err, errlen, "%s: no task class with a { poisson: RATE } arrival to vary", sc->path);
	else
		snprintf(err, errlen, "%s: %d classes have Poisson arrivals; name one with --class", sc->path, n);
	return -1;
}

/* ---- one probe --------------------------------------------------------------------- */

struct probe {
	double values[SLO_MAX_TERMS];  /* means over the repetitions */
	int met;
	enum cap_limit limit;          /* when not met: the rule that failed */
	char why[200];
};

const char *cap_limit_name(enum cap_limit l)
{
	switch (l) {
	case CAP_LIMIT_SLO: return "the SLO";
	case CAP_LIMIT_OVERLOAD: return "the completion rule";
	case CAP_LIMIT_FAILED: return "a failed simulation";
	case CAP_LIMIT_NONE: break;
	}
	return "none";
}

/* Loads the scenario with the rate and the seed set after the user's sets. */
static int load_at(const struct cap_opts *o, const char *cls, double rate, const char *seed_set,
		   struct scenario *sc, char *err, size_t errlen)
{
	const char **sets = malloc(sizeof *sets * (size_t)(o->nsets + 2));
	if (!sets) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	char arrival[160];
	snprintf(arrival, sizeof arrival, "workload.%s.arrival={poisson: %.10g/s}", cls, rate);
	int n = 0;
	for (int i = 0; i < o->nsets; i++)
		sets[n++] = o->sets[i];
	sets[n++] = arrival;
	if (seed_set)
		sets[n++] = seed_set;
	struct sc_sources src = { o->profile, sets, n };
	int rc = sc_load_from(o->scenario_path, &src, sc, err, errlen);
	free(sets);
	return rc;
}

int cap_overloaded(double completed, double arrivals)
{
	if (!(arrivals > 0) || !isfinite(completed))
		return 0;
	double slack = fmax(0.02, 4 / sqrt(fmax(arrivals, 1)));
	return completed < (1 - slack) * arrivals;
}

int cap_run_overloaded(double completed, double arrived, double samples, double live_end, char *why,
		       size_t whylen)
{
	char backlog[96] = "", c[32], a[32], l[32];
	if (isfinite(live_end) && live_end > 0)
		snprintf(backlog, sizeof backlog, "; backlog growing (%s in flight at the end)",
			 unit_fmt_count(live_end, l, sizeof l));
	if (cap_overloaded(completed, arrived)) {
		snprintf(why, whylen, "completed %.0f%% of arrivals (%s of %s)%s", floor(100 * completed / arrived),
			 unit_fmt_count(completed, c, sizeof c), unit_fmt_count(arrived, a, sizeof a), backlog);
		return 1;
	}
	if (samples == 0 && (arrived > 0 || (isnan(arrived) && completed > 0))) {
		snprintf(why, whylen, "no request that arrived in the window completed%s", backlog);
		return 1;
	}
	return 0;
}

/* Fewer completions than (1 - slack) of the expected arrivals: the queue
 * is growing (see capacity.h). */
static int overloaded(const struct scenario *sc, const struct run_result *res, double rate, char *why,
		      size_t whylen)
{
	double window = (double)(sc->duration - sc->warmup) / 1e9;
	double expected = rate * window, done = res_get_metric(res, "tasks_completed");
	if (!cap_overloaded(done, expected))
		return 0;
	char d[32], e[32];
	snprintf(why, whylen, "overloaded: completed %.1f%% of ~%s arrivals (%s)", 100 * done / expected,
		 unit_fmt_count(expected, e, sizeof e), unit_fmt_count(done, d, sizeof d));
	return 1;
}

static int write_probe_run(const struct cap_opts *o, struct run_result *res, int rep, char *err, size_t errlen)
{
	if (!o->db)
		return 0;
	res->rep = rep + o->rep_base;
	res->point_id = o->next_point ? *o->next_point : 0;
	return db_write_run(o->db, res, err, errlen) < 0 ? -1 : 0;
}

/* One repetition of a probe: simulated by simulate_rep (possibly on its
 * own thread: it touches nothing shared), then booked by book_rep on the
 * caller's thread in repetition order, so results do not depend on -j. */
struct rep_slot {
	const struct cap_opts *o;
	const char *model, *cls;
	double rate;
	uint64_t seed;
	struct scenario sc;
	struct run_result res;
	int loaded;      /* sc and res are valid */
	int rc;          /* run_model's return; 2 also when the scenario did not load */
	char err[512];
};

static void *simulate_rep(void *arg)
{
	struct rep_slot *s = arg;
	char seed_set[48];
	snprintf(seed_set, sizeof seed_set, "seed=%lld", (long long)s->seed);
	if (load_at(s->o, s->cls, s->rate, seed_set, &s->sc, s->err, sizeof s->err) != 0) {
		s->rc = 2;
		return NULL;
	}
	s->loaded = 1;
	s->rc = run_model(&s->sc, s->model, &s->res, s->err, sizeof s->err);
	return NULL;
}

static void discard_rep(struct rep_slot *s)
{
	if (s->loaded) {
		res_free(&s->res);
		sc_free(&s->sc);
	}
}

/* Adds the repetition's SLO metrics to sums and writes its run; may set
 * pr->met = 0 with a reason. Frees the slot. Returns 0, or 2 for bad
 * input / a write error (message in err). */
static int book_rep(struct rep_slot *s, int rep, double *sums, struct probe *pr, char *err, size_t errlen)
{
	int rc = s->rc;
	if (rc == 2)
		snprintf(err, errlen, "%s%s%s", s->loaded ? s->model : "", s->loaded ? ": " : "", s->err);
	if (rc == 1 && pr->met) {
		pr->met = 0;
		pr->limit = CAP_LIMIT_FAILED;
		snprintf(pr->why, sizeof pr->why, "simulation failed (seed %lld): %.150s", (long long)s->seed,
			 s->err);
	}
	if (rc == 0 && pr->met && overloaded(&s->sc, &s->res, s->rate, pr->why, sizeof pr->why))
		pr->met = 0, pr->limit = CAP_LIMIT_OVERLOAD;
	for (int i = 0; rc == 0 && i < s->o->slo.n; i++)
		sums[i] += res_get_metric(&s->res, s->o->slo.terms[i].metric);
	if (rc != 2 && write_probe_run(s->o, &s->res, rep, err, errlen) != 0)
		rc = 2;
	discard_rep(s);
	return rc == 2 ? 2 : 0;
}

/* Simulates slots[0..n) on up to n threads (in this thread when n is 1
 * or a thread cannot be started). */
static void simulate_batch(struct rep_slot *slots, int n)
{
	pthread_t tid[n > 0 ? n : 1];
	int started[n > 0 ? n : 1];
	for (int i = 0; i < n; i++)
		started[i] = n > 1 && pthread_create(&tid[i], NULL, simulate_rep, &slots[i]) == 0;
	for (int i = 0; i < n; i++) {
		if (started[i])
			pthread_join(tid[i], NULL);
		else
			simulate_rep(&slots[i]);
	}
}

static int probe_rate(const struct cap_opts *o, const char *model, const char *cls, uint64_t seed0, double rate,
		      struct probe *pr, char *err, size_t errlen)
{
	double sums[SLO_MAX_TERMS] = { 0 };
	int jobs = o->jobs > 1 ? o->jobs : 1, rc = 0;
	struct rep_slot *slots = calloc((size_t)jobs, sizeof *slots);
	if (!slots)
		return snprintf(err, errlen, "out of memory"), 2;
	pr->met = 1;
	pr->limit = CAP_LIMIT_NONE;
	pr->why[0] = 0;
	for (int first = 0; first < o->reps; first += jobs) {
		int n = o->reps - first < jobs ? o->reps - first : jobs;
		for (int i = 0; i < n; i++)
			slots[i] = (struct rep_slot){ .o = o, .model = model, .cls = cls, .rate = rate,
						      .seed = seed0 + (uint64_t)(first + i) };
		simulate_batch(slots, n);
		for (int i = 0; i < n; i++)
			if (rc == 0)
				rc = book_rep(&slots[i], first + i, sums, pr, err, errlen);
			else
				discard_rep(&slots[i]);
		if (rc)
			break;
	}
	free(slots);
	if (rc)
		return rc;
	if (o->next_point)
		(*o->next_point)++;
	for (int i = 0; i < o->slo.n; i++)
		pr->values[i] = sums[i] / o->reps;
	char why[200];
	if (pr->met && !slo_met(&o->slo, pr->values, why, sizeof why)) {
		pr->met = 0;
		pr->limit = CAP_LIMIT_SLO;
		snprintf(pr->why, sizeof pr->why, "%s", why);
	}
	return 0;
}

/* ---- the search ------------------------------------------------------------------------ */

struct search {
	const struct cap_opts *o;
	const char *model, *cls;
	uint64_t seed0;
	struct cap_result *res;
	char *err;
	size_t errlen;
};

static void report_probe(const struct search *s, double rate, const struct probe *pr)
{
	if (!s->o->progress)
		return;
	char line[512], v[32];
	int n = snprintf(line, sizeof line, "%s at %.6g/s:", s->model, rate);
	for (int i = 0; i < s->o->slo.n && n < (int)sizeof line; i++) {
		fmt_term_value(&s->o->slo.terms[i], pr->values[i], v, sizeof v);
		n += snprintf(line + n, sizeof line - (size_t)n, " %s %s", s->o->slo.terms[i].label, v);
	}
	if (n < (int)sizeof line)
		snprintf(line + n, sizeof line - (size_t)n, " -> %s%s", pr->met ? "meets the SLO" : "fails: ",
			 pr->met ? "" : pr->why);
	s->o->progress(s->o->ctx, line);
}

/* Probes rate; *met says whether the SLO held. Returns 0 or 2. */
static int probe(struct search *s, double rate, int *met)
{
	struct probe pr;
	if (probe_rate(s->o, s->model, s->cls, s->seed0, rate, &pr, s->err, s->errlen) != 0)
		return 2;
	s->res->probes++;
	report_probe(s, rate, &pr);
	*met = pr.met;
	if (pr.met && !(s->res->rate >= rate))
		s->res->rate = rate;
	if (!pr.met && !(s->res->fail_rate <= rate)) {
		s->res->fail_rate = rate;
		s->res->limit = pr.limit;
		snprintf(s->res->limit_why, sizeof s->res->limit_why, "%s", pr.why);
	}
	return 0;
}

/* From a rate known to meet the SLO, doubles until one fails. */
static int grow(struct search *s, double lo)
{
	int met = 1;
	for (int i = 0; met && i < CAP_MAX_STEPS && lo * 2 <= CAP_MAX_RATE; i++, lo *= 2)
		if (probe(s, lo * 2, &met) != 0)
			return 2;
	return 0;
}

/* From a rate known to fail, halves until one meets the SLO. */
static int shrink(struct search *s, double hi)
{
	int met = 0;
	for (int i = 0; !met && i < CAP_MAX_STEPS && hi / 2 >= CAP_MIN_RATE; i++, hi /= 2)
		if (probe(s, hi / 2, &met) != 0)
			return 2;
	return 0;
}

static int bracket(struct search *s, double start)
{
	const struct cap_opts *o = s->o;
	int met;
	if (o->rate_lo > 0 && probe(s, o->rate_lo, &met) != 0)
		return 2;
	if (o->rate_hi > 0 && probe(s, o->rate_hi, &met) != 0)
		return 2;
	if (o->rate_lo <= 0 && o->rate_hi <= 0 && probe(s, start, &met) != 0)
		return 2;
	/* a given bound that turned out on the wrong side is not searched past */
	if ((o->rate_lo > 0 && isnan(s->res->rate)) || (o->rate_hi > 0 && isnan(s->res->fail_rate)))
		return 0;
	if (isnan(s->res->fail_rate))
		return grow(s, s->res->rate);
	if (isnan(s->res->rate))
		return shrink(s, s->res->fail_rate);
	return 0;
}

static int bisect(struct search *s)
{
	struct cap_result *r = s->res;
	for (int i = 0; i < CAP_MAX_BISECTIONS && (r->fail_rate - r->rate) / r->rate > s->o->tolerance; i++) {
		int met;
		if (probe(s, sqrt(r->rate * r->fail_rate), &met) != 0)
			return 2;
	}
	return 0;
}

int cap_search(const struct cap_opts *o, const char *model, struct cap_result *out, char *err, size_t errlen)
{
	*out = (struct cap_result){ .rate = NAN, .fail_rate = NAN };
	struct scenario sc;
	struct sc_sources src = { o->profile, o->sets, o->nsets };
	if (sc_load_from(o->scenario_path, &src, &sc, err, errlen) != 0)
		return 2;
	int ci = cap_find_class(&sc, o->cls, err, errlen);
	if (ci < 0 || (o->rate_lo > 0 && o->rate_hi > 0 && o->rate_lo >= o->rate_hi)) {
		if (ci >= 0)
			snprintf(err, errlen, "--rate-lo %g/s must be below --rate-hi %g/s", o->rate_lo, o->rate_hi);
		sc_free(&sc);
		return 2;
	}
	char *cls = strdup(sc.classes[ci].name);
	struct search s = { o, model, cls, sc.seed, out, err, errlen };
	out->seed = sc.seed;
	double start = sc.classes[ci].arrival.rate;
	sc_free(&sc);
	int rc = cls ? bracket(&s, start) : 2;
	if (out->rate > out->fail_rate)
		out->rate = NAN; /* given bounds the wrong way round (noise): trust the failure */
	if (rc == 0 && !isnan(out->rate) && !isnan(out->fail_rate) && out->rate < out->fail_rate)
		rc = bisect(&s);
	free(cls);
	out->outcome = isnan(out->rate) ? CAP_BELOW : isnan(out->fail_rate) ? CAP_ABOVE : CAP_FOUND;
	return rc;
}

/* ---- one search per seed ---------------------------------------------------------------- */

struct seed_job {
	struct cap_opts o;
	const char *model;
	const char **sets;   /* the user's sets and "seed=N" */
	char seed_set[48];
	struct cap_result *out;
	int rc;
	char err[1024];
};

static void *seed_search(void *arg)
{
	struct seed_job *j = arg;
	j->rc = cap_search(&j->o, j->model, j->out, j->err, sizeof j->err);
	return NULL;
}

/* The scenario's seed after the user's sets. */
static int base_seed(const struct cap_opts *o, uint64_t *seed, char *err, size_t errlen)
{
	struct scenario sc;
	if (sc_load(o->scenario_path, o->sets, o->nsets, &sc, err, errlen) != 0)
		return 2;
	*seed = sc.seed;
	sc_free(&sc);
	return 0;
}

static int run_seed_jobs(struct seed_job *jobs, int n, int threads)
{
	for (int first = 0; first < n; first += threads) {
		int k = n - first < threads ? n - first : threads;
		pthread_t tid[k];
		int started[k];
		for (int i = 0; i < k; i++)
			started[i] = k > 1 && pthread_create(&tid[i], NULL, seed_search, &jobs[first + i]) == 0;
		for (int i = 0; i < k; i++)
			started[i] ? (void)pthread_join(tid[i], NULL) : (void)seed_search(&jobs[first + i]);
	}
	for (int i = 0; i < n; i++)
		if (jobs[i].rc)
			return i + 1;
	return 0;
}

int cap_search_seeds(const struct cap_opts *o, const char *model, int nseeds, struct cap_result *out, char *err,
		     size_t errlen)
{
	uint64_t seed0;
	if (base_seed(o, &seed0, err, errlen))
		return 2;
	struct seed_job *jobs = calloc((size_t)nseeds, sizeof *jobs);
	const char **sets = malloc(sizeof *sets * (size_t)nseeds * (size_t)(o->nsets + 1));
	if (!jobs || !sets) {
		free(jobs);
		free(sets);
		return snprintf(err, errlen, "out of memory"), 2;
	}
	int threads = o->db || o->jobs < 2 ? 1 : o->jobs;
	for (int i = 0; i < nseeds; i++) {
		struct seed_job *j = &jobs[i];
		j->o = *o;
		j->o.reps = 1;
		j->o.jobs = 1;
		j->o.rep_base = i;
		if (threads > 1)
			j->o.next_point = NULL; /* only numbers the database's probes */
		j->model = model;
		j->out = &out[i];
		j->sets = sets + (size_t)i * (size_t)(o->nsets + 1);
		for (int k = 0; k < o->nsets; k++)
			j->sets[k] = o->sets[k];
		snprintf(j->seed_set, sizeof j->seed_set, "seed=%lld", (long long)(seed0 + (uint64_t)i));
		j->sets[o->nsets] = j->seed_set;
		j->o.sets = j->sets;
		j->o.nsets = o->nsets + 1;
	}
	int bad = run_seed_jobs(jobs, nseeds, threads);
	if (bad)
		snprintf(err, errlen, "%s", jobs[bad - 1].err);
	free(sets);
	free(jobs);
	return bad ? 2 : 0;
}
