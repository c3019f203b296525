/* sim/cli/cmd_capacity.c — `gmpsim capacity SCENARIO.yaml --slo 'p99<200ms'`:
 * per model, the highest Poisson arrival rate that meets the SLO (one
 * search per seed with --reps), the rule that limited it, and the ratio
 * MODEL ÷ gmp with its interval. Parses the command line, drives cap_search
 * (sim/study/capacity.c) and prints; must not contain search or SLO logic. */
#include "cmd_capacity.h"
#include "cli.h"
#include "capacity.h"
#include "compare.h"
#include "model.h"
#include "db.h"
#include "units.h"
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CAP_MAX_SETS = 256, CAP_MAX_REPS = 1000, CAP_MAX_JOBS = 64 };

struct cap_cli {
	const char *scenario, *output, *cls;
	const char *models[SC_MAX_MODELS];
	int nmodels;
	const char *sets[CAP_MAX_SETS];
	int nsets;
	int quiet, have_slo;
	struct cap_opts opts;
};

static void capacity_usage(FILE *f)
{
	fprintf(f,
		"usage: gmpsim capacity SCENARIO.yaml --slo 'p99<200ms' [--reps N] [--model M]...\n"
		"                       [--set KEY=VALUE]... [--profile P.yaml] [--class NAME] [--rate-lo R] [--rate-hi R]\n"
		"                       [--tolerance 2%%] [-o DB] [-j N] [-q]\n"
		"\n"
		"For each model, finds the highest Poisson arrival rate of the scenario's\n"
		"open-loop class that meets the SLO, by bisection over the rate.\n"
		"\n"
		"  --slo SLO          terms joined by ',', all must hold: p50 p90 p99 p999 mean max\n"
		"                     (latency, with a unit) or cpu (busy share), with < or <=:\n"
		"                     'p99<200ms', 'mean<=2ms,cpu<0.8'\n"
		"  -r, --reps N       search each of N seeds, seed..seed+N-1 (default 1), one run\n"
		"                     per probe; report the mean capacity and the ratios with\n"
		"                     95%% intervals across the seeds\n"
		"  --model M          search this model only (repeatable; default: the scenario's)\n"
		"  --set KEY=VALUE    override a scenario value, as for a run\n"
		"  --profile P.yaml   a machine profile (gmpsim calibrate) under the scenario's values\n"
		"  --class NAME       the class whose rate varies (needed when several are Poisson)\n"
		"  --rate-lo R        a rate that meets the SLO (e.g. 5000/s); checked\n"
		"  --rate-hi R        a rate that fails it; checked. Default: start at the\n"
		"                     scenario's rate, double until it fails or halve until it holds\n"
		"  --tolerance T      stop when the bracket is narrower than T (default 2%%)\n"
		"  -o, --output DB    write every probe run to DB (point_id = probe)\n"
		"  -j, --jobs N       search up to N seeds at once, on threads (without -o;\n"
		"                     results are the same for any N)\n"
		"  -q, --quiet        no progress lines\n"
		"\n"
		"A probe fails by one of three rules, and the report names the one that\n"
		"limited each model (at its first failing rate): the SLO; the completion\n"
		"rule (fewer than max(98%%, 1 - 4/sqrt(arrivals)) of the requests that\n"
		"arrived completed: overload); or a failed simulation. Ratios are\n"
		"MODEL \u00f7 gmp. With one seed the bounds of a ratio come from the search\n"
		"brackets (the search's resolution); with --reps N they are a 95%%\n"
		"t-interval across the seeds.\n");
}

static int cap_usage_error(const char *opt, const char *value, const char *why)
{
	return cli_usage_error("capacity", "%s '%s': %s", opt, value, why);
}

static int parse_rate_opt(const char *opt, const char *arg, double *out)
{
	char why[128];
	if (unit_parse_rate(arg, out, why, sizeof why) != 0 && unit_parse_number(arg, out, why, sizeof why) != 0)
		return cap_usage_error(opt, arg, "expected a rate such as 5000/s or 2.5k/s");
	if (!(*out > 0) || !isfinite(*out))
		return cap_usage_error(opt, arg, "the rate must be > 0");
	return 0;
}

static int parse_tolerance(const char *arg, double *out)
{
	char buf[64], why[128];
	snprintf(buf, sizeof buf, "%s", arg);
	size_t n = strlen(buf);
	int percent = n && buf[n - 1] == '%';
	if (percent)
		buf[n - 1] = 0;
	if (unit_parse_number(buf, out, why, sizeof why) != 0)
		return cap_usage_error("--tolerance", arg, "expected a share such as 2% or 0.02");
	if (percent)
		*out /= 100;
	if (!(*out > 0 && *out < 1))
		return cap_usage_error("--tolerance", arg, "must be between 0 and 100% (exclusive)");
	return 0;
}

static int parse_reps(const char *arg, int *out)
{
	int64_t v = 0;  /* set by the parse; -O3 cannot tell */
	char why[128];
	if (unit_parse_int64(arg, &v, why, sizeof why) != 0 || v < 1 || v > CAP_MAX_REPS)
		return cap_usage_error("--reps", arg, "expected an integer from 1 to 1000");
	*out = (int)v;
	return 0;
}

static int parse_jobs(const char *arg, int *out)
{
	int64_t v = 0;  /* set by the parse; -O3 cannot tell */
	char why[128];
	if (unit_parse_int64(arg, &v, why, sizeof why) != 0 || v < 1 || v > CAP_MAX_JOBS)
		return cap_usage_error("-j", arg, "expected an integer from 1 to 64");
	*out = (int)v;
	return 0;
}

static int parse_cap_option(struct cap_cli *c, int opt, const char *arg)
{
	char err[512];
	switch (opt) {
	case 'l':
		if (slo_parse(arg, &c->opts.slo, err, sizeof err) != 0)
			return cli_usage_error("capacity", "%s", err);
		c->have_slo = 1;
		return 0;
	case 'r': return parse_reps(arg, &c->opts.reps);
	case 'm':
		if (!model_find(arg))
			return cap_usage_error("--model", arg, "unknown model (see gmpsim --help)");
		if (c->nmodels == SC_MAX_MODELS)
			return cap_usage_error("--model", arg, "too many --model options");
		c->models[c->nmodels++] = arg;
		return 0;
	case 'S':
		if (c->nsets == CAP_MAX_SETS)
			return cap_usage_error("--set", arg, "too many --set options");
		c->sets[c->nsets++] = arg;
		return 0;
	case 'c': c->cls = arg; return 0;
	case 'P': c->opts.profile = arg; return 0;
	case 'L': return parse_rate_opt("--rate-lo", arg, &c->opts.rate_lo);
	case 'H': return parse_rate_opt("--rate-hi", arg, &c->opts.rate_hi);
	case 't': return parse_tolerance(arg, &c->opts.tolerance);
	case 'o': c->output = arg; return 0;
	case 'q': c->quiet = 1; return 0;
	case 'j': return parse_jobs(arg, &c->opts.jobs);
	case 'h': capacity_usage(stdout); exit(0);
	default: return cli_try_help("capacity");
	}
}

static int parse_cap_args(struct cap_cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "slo", required_argument, 0, 'l' },     { "reps", required_argument, 0, 'r' },
		{ "model", required_argument, 0, 'm' },   { "set", required_argument, 0, 'S' },
		{ "class", required_argument, 0, 'c' },   { "rate-lo", required_argument, 0, 'L' },
		{ "rate-hi", required_argument, 0, 'H' }, { "tolerance", required_argument, 0, 't' },
		{ "output", required_argument, 0, 'o' },  { "quiet", no_argument, 0, 'q' },
		{ "jobs", required_argument, 0, 'j' },    { "help", no_argument, 0, 'h' },
		{ "profile", required_argument, 0, 'P' }, { 0, 0, 0, 0 },
	};
	c->opts.reps = 1;
	c->opts.tolerance = 0.02;
	optind = 1;
	int opt;
	while ((opt = getopt_long(argc, argv, "r:m:S:o:j:qh", longopts, NULL)) != -1) {
		int rc = parse_cap_option(c, opt, optarg);
		if (rc)
			return rc;
	}
	if (argc - optind != 1)
		return cli_usage_error("capacity", argc == optind ? "missing scenario file"
								  : "expected one scenario file");
	if (!c->have_slo)
		return cli_usage_error("capacity", "missing --slo (e.g. --slo 'p99<200ms')");
	if (c->opts.rate_lo > 0 && c->opts.rate_hi > 0 && c->opts.rate_lo >= c->opts.rate_hi)
		return cli_usage_error("capacity", "--rate-lo %g/s must be below --rate-hi %g/s", c->opts.rate_lo,
				       c->opts.rate_hi);
	c->scenario = argv[optind];
	return 0;
}

/* ---- report ------------------------------------------------------------------ */

/* A model's searches, one per seed. */
struct cap_model {
	const char *name;
	struct cap_result *seeds;
	int n;
};

static int all_found(const struct cap_model *m)
{
	for (int i = 0; i < m->n; i++)
		if (m->seeds[i].outcome != CAP_FOUND)
			return 0;
	return 1;
}

/* "the completion rule in 3 of 3 seeds (seed 1, 39,143/s: completed 96% ...)":
 * the rule that failed most often at the first failing rate, with the
 * first seed's reason. */
static void limit_text(const struct cap_model *m, char *buf, size_t len)
{
	int count[CAP_LIMIT_FAILED + 1] = { 0 }, best = CAP_LIMIT_NONE;
	for (int i = 0; i < m->n; i++)
		count[m->seeds[i].limit]++;
	for (int l = CAP_LIMIT_SLO; l <= CAP_LIMIT_FAILED; l++)
		if (count[l] > count[best] || best == CAP_LIMIT_NONE)
			best = count[l] ? l : best;
	if (best == CAP_LIMIT_NONE) {
		snprintf(buf, len, "none: every rate probed met the SLO");
		return;
	}
	const struct cap_result *r = NULL;
	for (int i = 0; i < m->n && !r; i++)
		if ((int)m->seeds[i].limit == best)
			r = &m->seeds[i];
	char rate[32], seeds[48] = "";
	if (m->n > 1)
		snprintf(seeds, sizeof seeds, " in %d of %d seeds", count[best], m->n);
	snprintf(buf, len, "%s%s (seed %lld at %s/s: %s)", cap_limit_name((enum cap_limit)best), seeds,
		 (long long)r->seed, unit_fmt_count(r->fail_rate, rate, sizeof rate), r->limit_why);
}

/* One seed: the capacity, the bracket's failing end and the probes. */
static void print_one_seed(const struct cap_model *m)
{
	const struct cap_result *r = &m->seeds[0];
	char lim[400];
	limit_text(m, lim, sizeof lim);
	if (r->outcome == CAP_FOUND)
		printf("%-10s %14.6g %18.6g %7d   %s\n", m->name, r->rate, r->fail_rate, r->probes, lim);
	else if (r->outcome == CAP_BELOW)
		printf("%-10s %14s %18.6g %7d   %s (failed at every rate probed)\n", m->name, "< first fail",
		       r->fail_rate, r->probes, lim);
	else
		printf("%-10s %14.6g %18s %7d   met at every rate probed: capacity at least this\n", m->name, r->rate,
		       "-", r->probes);
}

/* Several seeds: the mean capacity with its 95% t-interval over the seeds. */
static void print_seeds(const struct cap_model *m)
{
	char lim[400], ci[64] = "-", mean[32] = "-", lo[32], hi[32];
	limit_text(m, lim, sizeof lim);
	if (all_found(m)) {
		double *x = calloc((size_t)m->n * 2, sizeof *x);
		struct cmp_estimate e = { 0 };
		for (int i = 0; x && i < m->n; i++)
			x[i] = m->seeds[i].rate;
		if (x)
			cmp_difference(x, x + m->n, m->n, &e); /* x - 0: the mean with its t-interval */
		free(x);
		unit_fmt_count(e.value, mean, sizeof mean);
		snprintf(ci, sizeof ci, "[%s, %s]", unit_fmt_count(floor(e.lo), lo, sizeof lo),
			 unit_fmt_count(ceil(e.hi), hi, sizeof hi));
	} else {
		snprintf(mean, sizeof mean, "not found");
	}
	printf("%-10s %12s %-22s  %s\n", m->name, mean, ci, lim);
}

/* A ratio with three significant digits, and its bounds at as many decimals. */
static int ratio_decimals(double v)
{
	int d = v > 0 && v < 1 ? 2 - (int)floor(log10(v)) : 2;
	return d > 6 ? 6 : d;
}

/* One seed: "threads sustains 0.21× gmp's rate at p99<200ms (0.20-0.21 from
 * the search brackets: the search's resolution, not a confidence interval)",
 * or a one-sided bound when a search ran out. */
static void print_ratio_brackets(const struct cap_model *mm, const struct cap_model *ref, const char *slo)
{
	const struct cap_result *ra = &mm->seeds[0], *rb = &ref->seeds[0];
	const char *a = mm->name, *b = ref->name;
	double a_lo = isnan(ra->rate) ? 0 : ra->rate, a_hi = isnan(ra->fail_rate) ? INFINITY : ra->fail_rate;
	double b_lo = isnan(rb->rate) ? 0 : rb->rate, b_hi = isnan(rb->fail_rate) ? INFINITY : rb->fail_rate;
	double lo = a_lo / b_hi, hi = b_lo > 0 ? a_hi / b_lo : INFINITY;
	int d = ratio_decimals(ra->rate / rb->rate);
	if (ra->outcome == CAP_FOUND && rb->outcome == CAP_FOUND)
		printf("%s sustains %.*f\u00d7 %s's rate at %s (%.*f\u2013%.*f from the search brackets: the search's "
		       "resolution, not a confidence interval)\n", a, d, ra->rate / rb->rate, b, slo, d, lo, d, hi);
	else if (lo > 0 && isfinite(hi))
		printf("%s sustains %.2f\u2013%.2f\u00d7 %s's rate at %s\n", a, lo, hi, b, slo);
	else if (lo > 0)
		printf("%s sustains at least %.2f\u00d7 %s's rate at %s\n", a, lo, b, slo);
	else if (isfinite(hi))
		printf("%s sustains at most %.2f\u00d7 %s's rate at %s\n", a, hi, b, slo);
	else
		printf("%s vs %s at %s: no rate met the SLO on either side; no ratio\n", a, b, slo);
}

/* Several seeds: the ratio MODEL ÷ ref paired by seed, geometric mean with
 * the 95% t-interval on the log ratios (compare.h's estimator). */
static void print_ratio_seeds(const struct cap_model *mm, const struct cap_model *ref, const char *slo)
{
	if (!all_found(mm) || !all_found(ref)) {
		printf("%s vs %s at %s: a search ran out of its range for some seed; no interval\n", mm->name,
		       ref->name, slo);
		return;
	}
	double *a = calloc((size_t)mm->n * 2, sizeof *a);
	struct cmp_estimate e = { 0 };
	for (int i = 0; a && i < mm->n; i++)
		a[i] = mm->seeds[i].rate, a[mm->n + i] = ref->seeds[i].rate;
	if (a)
		cmp_ratio(a, a + mm->n, mm->n, &e);
	free(a);
	int d = ratio_decimals(e.value);
	double scale = pow(10, d);
	printf("%s sustains %.*f\u00d7 %s's rate at %s (95%% CI %.*f\u2013%.*f over %d seeds, paired by seed)\n",
	       mm->name, d, e.value, ref->name, slo, d, floor(e.lo * scale) / scale, d, ceil(e.hi * scale) / scale,
	       mm->n);
}

static int reference_index(const char *const *models, int n)
{
	int ref = 0;
	for (int i = 0; i < n; i++) {
		if (strcmp(models[i], "gmp") == 0)
			return i;
		if (strcmp(models[i], models[ref]) < 0)
			ref = i;
	}
	return ref;
}

static void print_report(const struct cap_cli *c, const char *const *models, int n, const struct cap_model *res)
{
	int seeds = res[0].n;
	printf("\ncapacity of %s at %s: the highest Poisson rate meeting it\n", c->scenario, c->opts.slo.text);
	if (seeds == 1) {
		printf("(one seed, %lld; the search stops when [capacity, first failing) is narrower than %.3g%%;\n"
		       "limited by: the rule that failed at the first failing rate)\n",
		       (long long)res[0].seeds[0].seed, 100 * c->opts.tolerance);
		printf("%-10s %14s %18s %7s   %s\n", "model", "capacity/s", "first failing/s", "probes", "limited by");
		for (int i = 0; i < n; i++)
			print_one_seed(&res[i]);
	} else {
		printf("(one search per seed, seeds %lld..%lld, one run per probe; capacity: the mean over the\n"
		       "seeds with its 95%% t-interval (each seed's bracket is narrower than %.3g%%); limited by:\n"
		       "the rule that failed at each seed's first failing rate)\n",
		       (long long)res[0].seeds[0].seed, (long long)res[0].seeds[seeds - 1].seed, 100 * c->opts.tolerance);
		printf("%-10s %12s %-22s  %s\n", "model", "capacity/s", "95% CI over seeds", "limited by");
		for (int i = 0; i < n; i++)
			print_seeds(&res[i]);
	}
	int ref = reference_index(models, n);
	if (n > 1)
		printf("ratio = MODEL \u00f7 %s (above 1: MODEL sustains more)\n", models[ref]);
	for (int i = 0; i < n; i++) {
		if (i == ref)
			continue;
		if (seeds == 1)
			print_ratio_brackets(&res[i], &res[ref], c->opts.slo.text);
		else
			print_ratio_seeds(&res[i], &res[ref], c->opts.slo.text);
	}
	if (seeds == 1)
		printf("one seed: `--reps 5` searches 5 seeds and gives 95%% intervals across them\n");
}

/* ---- running --------------------------------------------------------------------- */

static void cap_progress(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "capacity: %s\n", line);
}

/* The models to search: --model's, else the scenario's. */
static int resolve_models(struct cap_cli *c, const char **models, int *n)
{
	struct scenario sc;
	char err[1024];
	struct sc_sources src = { c->opts.profile, c->sets, c->nsets };
	if (sc_load_from(c->scenario, &src, &sc, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	int ci = cap_find_class(&sc, c->cls, err, sizeof err);
	*n = c->nmodels ? c->nmodels : sc.nmodels;
	for (int i = 0; i < *n; i++)
		models[i] = c->nmodels ? c->models[i] : sc.models[i];
	sc_free(&sc); /* sc.models point at static names */
	if (ci < 0) {
		return cli_error("capacity", EXIT_USAGE, "%s", err);
	}
	return 0;
}

static int search_all(struct cap_cli *c, const char *const *models, int n, struct cap_model *res)
{
	char err[1024];
	int point = 0;
	c->opts.scenario_path = c->scenario;
	c->opts.sets = c->sets;
	c->opts.nsets = c->nsets;
	c->opts.cls = c->cls;
	c->opts.next_point = &point;
	c->opts.progress = c->quiet ? NULL : cap_progress;
	for (int i = 0; i < n; i++) {
		res[i].name = models[i];
		res[i].n = c->opts.reps;
		if (!(res[i].seeds = calloc((size_t)c->opts.reps, sizeof *res[i].seeds)))
			return cli_error("capacity", EXIT_USAGE, "out of memory");
		if (cap_search_seeds(&c->opts, models[i], c->opts.reps, res[i].seeds, err, sizeof err) != 0) {
			return cli_error("capacity", EXIT_USAGE, "%s", err);
		}
	}
	return 0;
}

int cmd_capacity_main(int argc, char **argv)
{
	struct cap_cli c = { 0 };
	const char *models[SC_MAX_MODELS];
	struct cap_model res[SC_MAX_MODELS] = { 0 };
	int n = 0, rc = parse_cap_args(&c, argc, argv);
	if (rc == 0)
		rc = resolve_models(&c, models, &n);
	if (rc != 0)
		return rc;
	char err[1024];
	if (c.output && !(c.opts.db = db_create(c.output, err, sizeof err))) {
		return cli_error("capacity", EXIT_USAGE, "%s", err);
	}
	if (c.opts.db)
		cli_unlink_on_signal(db_temp_path(c.opts.db));
	rc = search_all(&c, models, n, res);
	if (c.opts.db && rc != 0)
		db_close_abort(c.opts.db);
	else if (c.opts.db && db_close_commit(c.opts.db, err, sizeof err) != 0) {
		rc = cli_error("capacity", EXIT_USAGE, "%s", err);
	}
	if (rc == 0)
		print_report(&c, models, n, res);
	for (int i = 0; i < n; i++)
		free(res[i].seeds);
	return rc;
}
