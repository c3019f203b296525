/* sim/cli/cmd_run.c — the default command, `gmpsim SCENARIO.yaml`: run the
 * scenario's models, write the results database and print the comparison;
 * and `gmpsim validate SCENARIO.yaml [--print]`, which only loads it (and
 * lists every resolved parameter with its description). Also --help and
 * --version. Exit codes (cli.h): 0 ok, 1 a simulation failed, 2 bad usage
 * or input (and then nothing is written). Must not contain model logic: it
 * loads, runs, reports. */
#include "cmd_run.h"
#include "runlimits.h"
#include "overwrite.h"
#include "cli.h"
#include "capacity.h"
#include "breakdown.h"
#include "explain.h"
#include "scenario.h"
#include "db.h"
#include "trace.h"
#include "run.h"
#include "units.h"
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MAX_SETS = 256 };
enum { OPT_TRACE = 1000, OPT_TRACE_LIMIT, OPT_PRINT, OPT_FORCE, OPT_PROFILE };  /* long options without a letter */

struct run_cli {
	const char *scenario;
	const char *output;
	const char *profile;
	const char *models[SC_MAX_MODELS];
	int nmodels;
	const char *sets[MAX_SETS];
	int nsets;
	char *owned[MAX_SETS];
	int nowned;
	bool validate_only, print, quiet, force;
	sim_ns schedtrace;
	bool trace;
	int64_t trace_limit;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gmpsim SCENARIO.yaml [-o DB] [--model NAME]... [--seed N] [--profile P.yaml] [--set KEY=VALUE]... [-q]\n"
		"       gmpsim SCENARIO.yaml --reps N [-j N] ...  (N repetitions; see gmpsim sweep --help)\n"
		"       gmpsim validate SCENARIO.yaml [--profile P.yaml] [--set KEY=VALUE]... [--print]\n"
		"       gmpsim calibrate [-o PROFILE.yaml] [--quick] [--only kernel|go|java]  (measure this machine)\n"
		"       gmpsim sweep SCENARIO.yaml [--set KEY=1,2,4]... [--reps N] [-j N] [--run SPEC] [--list] [--resume]\n"
		"       gmpsim merge [-q] OUT.db IN.db...  (see gmpsim merge --help)\n"
		"       gmpsim compare DB [--metric M] [--ref MODEL] [--csv|--json]   (paired comparison, 95%% CIs)\n"
		"       gmpsim explain DB [--run N]... [--ref MODEL] [--csv|--json]   (where time and CPU go, and why)\n"
		"       gmpsim capacity SCENARIO.yaml --slo 'p99<200ms' [--reps N] ... (highest rate meeting an SLO)\n"
		"       gmpsim query DB [summary|compare|sweep|runs|params|SQL] [--csv|--json] [--run N]...\n"
		"       gmpsim plot DB metric|cdf|tail|series [options] -o OUT.svg|OUT.png   (see gmpsim plot --help)\n"
		"       gmpsim export DB --run N -o TRACE.json [--max-events N]\n"
		"       gmpsim --help | --version\n"
		"\n"
		"Simulates the scenario on every model it lists (or the ones named with\n"
		"--model), prints a comparison and writes results/<scenario>.db (or DB).\n"
		"\n"
		"  -o, --output DB        results database (replaced atomically when the run ends; a\n"
		"                         database of another scenario, or with more runs, only with --force)\n"
		"      --force            replace DB whatever it holds (the line printed says what it held)\n"
		"  -m, --model NAME       run only this model (repeatable)\n"
		"  -s, --seed N           override the scenario's seed (a 64-bit integer; printed signed,\n"
		"                         as the database stores it, and accepted so)\n"
		"  -P, --profile P.yaml   a machine profile (gmpsim calibrate): its values replace the\n"
		"                         defaults; the scenario's include:s, its own values and --set win\n"
		"  -S, --set KEY=VALUE    override any scenario value, e.g. --set machine.cores=16\n"
		"                         --set models.pool.workers=64 --set 'workload.request.arrival={poisson: 5000/s}'\n"
		"  -t, --schedtrace DUR   gmp: print GODEBUG=schedtrace lines every DUR of virtual time\n"
		"      --trace            record a timeline per run (tables tracks, spans, events;\n"
		"                         see 'gmpsim export')\n"
		"      --trace-limit N    --trace with at most N records per run (default 2000000)\n"
		"  -q, --quiet            print only errors\n"
		"      --print            validate: also print every resolved parameter as KEY=VALUE\n"
		"                         (durations in ns, sizes in bytes) with its description and\n"
		"                         where the value came from (default, derived, profile FILE:LINE,\n"
		"                         include FILE:LINE, scenario FILE:LINE, --set KEY=VALUE)\n"
		"                         as a trailing comment\n"
		"  -h, --help             this help\n"
		"  -V, --version          print the version\n"
		"\nmodels:\n");
	for (int i = 0; model_list[i]; i++)
		fprintf(f, "  %-10s %s\n", model_list[i]->name, model_list[i]->summary);
	fprintf(f, "\nexit status: 0 ok, 1 a simulation failed, 2 bad usage or input\n");
}

static int add_seed(struct run_cli *c, const char *arg)
{
	char *end;
	errno = 0;
	if (arg[0] == '-') /* signed, as printed and stored; the loader takes both */
		strtoll(arg, &end, 10);
	else
		strtoull(arg, &end, 10);
	if (errno || *end || !*arg || end == arg)
		return cli_usage_error(NULL, "--seed: expected a 64-bit integer (as gmpsim prints it), got '%s'", arg);
	char *s = malloc(32);
	if (!s)
		return EXIT_USAGE;
	snprintf(s, 32, "seed=%s", arg);
	c->owned[c->nowned++] = s;
	c->sets[c->nsets++] = s;
	return 0;
}

static int parse_option(struct run_cli *c, int opt, const char *arg)
{
	switch (opt) {
	case 'o':
		c->output = arg;
		return 0;
	case 'm':
		if (c->nmodels == SC_MAX_MODELS)
			return cli_usage_error(NULL, "too many --model options");
		if (!model_find(arg))
			return cli_usage_error(NULL, "unknown model '%s' (see --help for the list)", arg);
		c->models[c->nmodels++] = arg;
		return 0;
	case 's':
		return c->nsets == MAX_SETS ? cli_usage_error(NULL, "too many --set options") : add_seed(c, arg);
	case 'S':
		if (c->nsets == MAX_SETS)
			return cli_usage_error(NULL, "too many --set options");
		c->sets[c->nsets++] = arg;
		return 0;
	case 'q':
		c->quiet = true;
		return 0;
	case 'P':
		c->profile = arg;
		return 0;
	case 't': {
		char why[128];
		if (unit_parse_duration(arg, &c->schedtrace, why, sizeof why) != 0 || c->schedtrace <= 0)
			return cli_usage_error(NULL, "--schedtrace: expected a positive duration such as 1000ms, got '%s'", arg);
		/* GODEBUG=schedtrace=X counts milliseconds (runtime/proc.go:sysmon) */
		if (c->schedtrace < SIM_NS_PER_MS)
			return cli_usage_error(NULL, "--schedtrace: at least 1ms (GODEBUG=schedtrace counts milliseconds), got '%s'", arg);
		return 0;
	}
	case OPT_TRACE:
		c->trace = true;
		return 0;
	case OPT_FORCE:
		c->force = true;
		return 0;
	case OPT_PRINT:
		c->print = true;
		return 0;
	case OPT_TRACE_LIMIT: {
		char *end;
		errno = 0;
		long long v = strtoll(arg, &end, 10);
		if (errno || *end || !*arg || v <= 0)
			return cli_usage_error(NULL, "--trace-limit: expected a positive number of records, got '%s'", arg);
		c->trace = true;
		c->trace_limit = v;
		return 0;
	}
	case 'h':
		usage(stdout);
		exit(0);
	case 'V':
		printf("gmpsim %s\n", GMPSIM_VERSION);
		exit(0);
	default:
		return cli_try_help(NULL);
	}
}

static void validate_usage(FILE *f)
{
	fprintf(f,
		"usage: gmpsim validate SCENARIO.yaml [--set KEY=VALUE]... [--print]\n"
		"\n"
		"Loads the scenario with its overrides, checks every value (units, ranges,\n"
		"unknown keys, with file:line:column) and prints 'SCENARIO: ok (N model(s),\n"
		"M task class(es))'; simulates nothing and writes nothing.\n"
		"\n"
		"  -S, --set KEY=VALUE    override a scenario value, as for a run\n"
		"      --print            also print every resolved parameter as KEY=VALUE\n"
		"                         (durations in ns, sizes in bytes) with its description\n"
		"  -h, --help             this help\n"
		"\n"
		"exit status: 0 valid, 2 bad usage or an invalid scenario\n");
}

/* `gmpsim validate ... --help`: validate's own help, not the run's. */
static bool wants_validate_help(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "validate") != 0)
		return false;
	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return true;
	return false;
}

static int parse_args(struct run_cli *c, int argc, char **argv)
{
	if (wants_validate_help(argc, argv)) {
		validate_usage(stdout);
		exit(0);
	}
	static const struct option longopts[] = {
		{ "output", required_argument, 0, 'o' }, { "model", required_argument, 0, 'm' },
		{ "seed", required_argument, 0, 's' },   { "set", required_argument, 0, 'S' },
		{ "quiet", no_argument, 0, 'q' },        { "help", no_argument, 0, 'h' },
		{ "schedtrace", required_argument, 0, 't' },
		{ "trace", no_argument, 0, OPT_TRACE },
		{ "trace-limit", required_argument, 0, OPT_TRACE_LIMIT },
		{ "print", no_argument, 0, OPT_PRINT },
		{ "force", no_argument, 0, OPT_FORCE },
		{ "profile", required_argument, 0, 'P' },
		{ "version", no_argument, 0, 'V' },      { 0, 0, 0, 0 },
	};
	int opt;
	while ((opt = getopt_long(argc, argv, "o:m:s:S:t:P:qhV", longopts, NULL)) != -1) {
		int rc = parse_option(c, opt, optarg);
		if (rc)
			return rc;
	}
	int rest = argc - optind;
	if (rest >= 1 && strcmp(argv[optind], "validate") == 0) {
		c->validate_only = true;
		optind++;
		rest--;
	}
	if (rest != 1)
		return cli_usage_error(NULL, rest == 0 ? "missing scenario file" : "expected one scenario file");
	if (c->print && !c->validate_only)
		return cli_usage_error(NULL, "--print is an option of gmpsim validate");
	c->scenario = argv[optind];
	return 0;
}

/* ---- report -------------------------------------------------------------------- */

static double metric(const struct run_result *r, const char *name)
{
	return res_get_metric(r, name);
}

/* The overload rule of `gmpsim capacity` (capacity.h) applied to one run;
 * the reason goes into why. */
static int run_overloaded(const struct run_result *r, char *why, size_t n)
{
	why[0] = 0;
	return cap_run_overloaded(metric(r, "tasks_completed"), metric(r, "tasks_arrived"),
				  metric(r, "latency_samples"), metric(r, "tasks_live_end"), why, n);
}

/* A latency cell: ">" in front when the run is overloaded (the figure is
 * the completed requests' only, so it understates), "none" when no request
 * of the window completed; never a bare "-" for an overloaded run. */
static void fmt_ms(double ns, int overloaded, char *buf, size_t n)
{
	char v[32];
	if (isnan(ns))
		snprintf(buf, n, overloaded ? "none" : "-");
	else
		snprintf(buf, n, "%s%s", overloaded ? ">" : "", unit_fmt_duration(ns, v, sizeof v));
}

/* Width of the model-name column: the longest name of the summary, at
 * least 8 (set by print_summary before anything is printed). */
static int name_w = 8;

static void print_row(const struct run_result *r)
{
	char mean[32], p50[32], p99[32], p999[32], max[32], rsv[32], cmt[32], why[256];
	int over = run_overloaded(r, why, sizeof why);
	fmt_ms(metric(r, "latency_mean"), over, mean, sizeof mean);
	fmt_ms(metric(r, "latency_p50"), over, p50, sizeof p50);
	fmt_ms(metric(r, "latency_p99"), over, p99, sizeof p99);
	fmt_ms(metric(r, "latency_p999"), over, p999, sizeof p999);
	fmt_ms(metric(r, "latency_max"), over, max, sizeof max);
	unit_fmt_size(metric(r, "stack_reserved_peak"), rsv, sizeof rsv);
	unit_fmt_size(metric(r, "stack_committed_peak"), cmt, sizeof cmt);
	double busy = metric(r, "cpu_task") + metric(r, "cpu_runtime") + metric(r, "cpu_kernel") +
		      metric(r, "cpu_spin");
	const char *status = strcmp(r->status, "complete") != 0 ? r->status : over ? "OVERLOADED" : "";
	char line[512];
	snprintf(line, sizeof line,
		 "%-*s %9.0f %7.0f %8.0f %10.1f %9s %9s %9s %9s %9s %6.1f%% %6.1f%% %9.0f %8.0f %9s %9s %s",
		 name_w, r->model, metric(r, "tasks_completed"), metric(r, "tasks_failed"), metric(r, "tasks_live_end"),
		 metric(r, "throughput"), mean, p50, p99, p999, max, 100 * metric(r, "cpu_utilization"),
		 busy > 0 ? 100 * metric(r, "cpu_kernel") / busy : 0.0, metric(r, "context_switches"),
		 metric(r, "threads_peak"), rsv, cmt, status);
	size_t len = strlen(line);
	while (len && line[len - 1] == ' ')
		line[--len] = 0;
	printf("%s\n", line);
}

/* One line per overloaded model, with the reason (nothing when all kept up). */
static void print_overloads(struct run_result *res, int n)
{
	int first = 1;
	for (int i = 0; i < n; i++) {
		char why[256];
		if (!run_overloaded(&res[i], why, sizeof why))
			continue;
		if (first)
			printf("\n");
		first = 0;
		printf("OVERLOADED %s: %s;\n  %s\n", res[i].model, why,
		       metric(&res[i], "latency_samples") > 0
			       ? "its latency is understated ('>': only the requests that completed)"
			       : "no request that arrived after the warm-up completed (latency: none)");
	}
}

static int find_ref(struct run_result *res, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(res[i].model, "gmp") == 0)
			return i;
	return 0;
}

/* A ratio model ÷ reference as "1.091x"; "n/a" when not a number. mark is
 * put in front (">" or "<": one side's figure is understated). */
static void fmt_ratio(double x, const char *mark, char *buf, size_t n)
{
	if (isnan(x) || isinf(x))
		snprintf(buf, n, "n/a");
	else
		snprintf(buf, n, "%s%.3fx", mark, x);
}

/* The mark of a latency ratio m ÷ ref: an overloaded model's latency is
 * understated, so the ratio is at least (">") or at most ("<") the figure;
 * with both overloaded the direction is unknown ("?"). */
static const char *latency_mark(const struct run_result *m, const struct run_result *ref)
{
	char why[256];
	int om = run_overloaded(m, why, sizeof why), oref = run_overloaded(ref, why, sizeof why);
	return om && oref ? "?" : om ? ">" : oref ? "<" : "";
}

struct ratios { double thr, p99, cpu, mem, fin; };

/* A batch scenario: every class of the service (colocated ones aside)
 * arrives as { batch: }, all at once, so the question is how long the
 * batch takes: the time to finish, latency_max, leads its summary. */
static bool is_batch(const struct scenario *sc)
{
	int n = 0;
	for (int i = 0; i < sc->nclasses; i++) {
		if (sc->classes[i].colocated)
			continue;
		if (sc->classes[i].arrival.kind != ARR_BATCH)
			return false;
		n++;
	}
	return n > 0;
}

static struct ratios ratios_of(const struct run_result *m, const struct run_result *ref)
{
	return (struct ratios){
		.thr = metric(m, "throughput") / metric(ref, "throughput"),
		.p99 = metric(m, "latency_p99") / metric(ref, "latency_p99"),
		.cpu = metric(m, "cpu_utilization") / metric(ref, "cpu_utilization"),
		.mem = metric(m, "stack_committed_peak") / metric(ref, "stack_committed_peak"),
		.fin = metric(m, "latency_max") / metric(ref, "latency_max"),
	};
}

static void print_ratios(struct run_result *res, int n, bool batch)
{
	int ref = find_ref(res, n);
	if (n < 2)
		return;
	printf("\nagainst %s (ratio = MODEL \u00f7 %s: above 1, MODEL has more of it than %s):\n", res[ref].model,
	       res[ref].model, res[ref].model);
	for (int i = 0; i < n; i++) {
		if (i == ref)
			continue;
		struct ratios r = ratios_of(&res[i], &res[ref]);
		char t[32], l[32], c[32], s[32];
		fmt_ratio(r.thr, "", t, sizeof t);
		fmt_ratio(r.p99, latency_mark(&res[i], &res[ref]), l, sizeof l);
		if (isnan(r.p99) && *latency_mark(&res[i], &res[ref]))
			snprintf(l, sizeof l, "none (overloaded)");
		fmt_ratio(r.cpu, "", c, sizeof c);
		fmt_ratio(r.mem, "", s, sizeof s);
		if (batch) {
			fmt_ratio(r.fin, latency_mark(&res[i], &res[ref]), t, sizeof t);
			printf("  %-*s time to finish %s (%+.1f%%)  CPU %s  committed stack %s\n", name_w, res[i].model, t,
			       100 * (r.fin - 1), c, s);
			continue;
		}
		printf("  %-*s throughput %s (%+.1f%%)  p99 latency %s  CPU %s  committed stack %s\n",
		       name_w, res[i].model, t, 100 * (r.thr - 1), l, c, s);
	}
}

/* "1.09× gmp's CPU"; "no p99 latency" when the ratio is not a number. */
static void verdict_ratio(double x, const char *mark, const char *ref, const char *what, char *buf, size_t n)
{
	if (isnan(x) || isinf(x))
		snprintf(buf, n, "no %s to compare", what);
	else
		snprintf(buf, n, "%s%.2f\u00d7 %s's %s", mark, x, ref, what);
}

/* The p99 part of a verdict line: "at 1.12× gmp's p99 latency". */
static void verdict_p99(double x, const char *mark, const char *ref, char *buf, size_t n)
{
	char r[64];
	verdict_ratio(x, mark, ref, "p99 latency", r, sizeof r);
	snprintf(buf, n, "%s %s", isnan(x) || isinf(x) ? "with" : "at", r);
}

/* "OVERLOADED (completed 41% of arrivals)", "OVERLOADED (no request of the
 * window completed)" or "kept up". */
static void verdict_state(const struct run_result *r, char *buf, size_t n)
{
	char why[256];
	double done = metric(r, "tasks_completed"), arrived = metric(r, "tasks_arrived");
	if (!run_overloaded(r, why, sizeof why))
		snprintf(buf, n, "kept up");
	else if (cap_overloaded(done, arrived))
		snprintf(buf, n, "OVERLOADED (completed %.0f%% of arrivals)", floor(100 * done / arrived));
	else
		snprintf(buf, n, "OVERLOADED (no request of the window completed)");
}

/* A run's CPU per request by cause (us) and p99 parts (ns), from its metrics. */
static void breakdown_of(const struct run_result *r, double cpu[BD_COUNT], double p99[TB_COUNT])
{
	char name[64];
	for (int c = 0; c < BD_COUNT; c++) {
		snprintf(name, sizeof name, "cpu_per_req_%s", bd_cause_name[c]);
		cpu[c] = metric(r, name);
	}
	for (int p = 0; p < TB_COUNT; p++) {
		snprintf(name, sizeof name, "tb_%s_p99", tb_part_name[p]);
		p99[p] = metric(r, name);
	}
}

/* Why each model differs from the reference: its two largest CPU causes
 * and p99 parts, one line per model (gmpsim explain has the rest). */
static void print_why(struct run_result *res, int n, int ref)
{
	double rc[BD_COUNT], rp[TB_COUNT], c[BD_COUNT], p[TB_COUNT];
	breakdown_of(&res[ref], rc, rp);
	printf("  why, against %s (the two largest causes; `gmpsim explain DB` for all):\n", res[ref].model);
	for (int i = 0; i < n; i++) {
		if (i == ref || strcmp(res[i].status, "complete") != 0)
			continue;
		char line[512];
		breakdown_of(&res[i], c, p);
		ex_sentence(line, sizeof line, c, rc, p, rp, 2);
		printf("    %-8s %s\n", res[i].model, line);
	}
}

/* What the figures mean, one line per model, and what one run cannot say. */
static void print_verdict(struct run_result *res, int n, bool batch)
{
	int ref = find_ref(res, n);
	const char *rn = res[ref].model;
	printf("\nverdict (ratio = MODEL \u00f7 %s; '>': at least, the model's latency is understated):\n", rn);
	for (int i = 0; i < n; i++) {
		char state[128];
		verdict_state(&res[i], state, sizeof state);
		if (strcmp(res[i].status, "complete") != 0) {
			printf("  %-*s %s: no figures to judge\n", name_w, res[i].model, res[i].status);
		} else if (i == ref || n < 2) {
			printf("  %-*s %s%s\n", name_w, res[i].model,
			       batch && strcmp(state, "kept up") == 0 ? "finished" : state,
			       n < 2 ? "" : "; the reference of the ratios");
		} else {
			struct ratios r = ratios_of(&res[i], &res[ref]);
			char t[64], l[80], c[64], s[64];
			verdict_ratio(r.thr, "", rn, "throughput", t, sizeof t);
			verdict_p99(r.p99, latency_mark(&res[i], &res[ref]), rn, l, sizeof l);
			verdict_ratio(r.cpu, "", rn, "CPU", c, sizeof c);
			verdict_ratio(r.mem, "", rn, "committed stack", s, sizeof s);
			if (batch) {
				verdict_ratio(r.fin, latency_mark(&res[i], &res[ref]), rn, "time to finish", t, sizeof t);
				printf("  %-*s %s: %s,\n  %-*s using %s and %s\n", name_w, res[i].model,
				       strcmp(state, "kept up") == 0 ? "finished" : state, t, name_w, "", c, s);
				continue;
			}
			printf("  %-*s %s: %s %s,\n  %-*s using %s and %s\n", name_w, res[i].model, state, t, l,
			       name_w, "", c, s);
		}
	}
	if (n >= 2 && strcmp(res[ref].status, "complete") == 0)
		print_why(res, n, ref);
	if (batch)
		printf("  one run: `--reps 5` gives intervals (gmpsim compare: the time to finish leads)\n");
	else
		printf("  one run: `--reps 5` gives intervals; `gmpsim capacity` finds where each model breaks\n");
}

/* One line per model that collected garbage (nothing when none did). */
static void print_gc(struct run_result *res, int n)
{
	bool any = false;
	for (int i = 0; i < n; i++)
		any |= metric(&res[i], "gc_cycles") > 0;
	if (!any)
		return;
	printf("\ngarbage collection (pauses: from the stop request to the restart):\n");
	for (int i = 0; i < n; i++) {
		char p50[32], p99[32], max[32], heap[32];
		fmt_ms(metric(&res[i], "gc_pause_p50"), 0, p50, sizeof p50);
		fmt_ms(metric(&res[i], "gc_pause_p99"), 0, p99, sizeof p99);
		fmt_ms(metric(&res[i], "gc_pause_max"), 0, max, sizeof max);
		unit_fmt_size(metric(&res[i], "heap_peak"), heap, sizeof heap);
		printf("  %-*s %4.0f cycles, %4.0f pauses: p50 %s p99 %s max %s; GC CPU %.1f%% of all cores; heap peak %s\n",
		       name_w, res[i].model, metric(&res[i], "gc_cycles"), metric(&res[i], "gc_pauses"), p50, p99, max,
		       100 * metric(&res[i], "gc_cpu_share"), heap);
	}
}

/* A batch's headline: how long each model took to finish it. */
static void print_finish(struct run_result *res, int n)
{
	printf("\ntime to finish the batch (its last task's latency, latency_max; throughput above is\n"
	       "tasks / window and says nothing here):");
	for (int i = 0; i < n; i++) {
		char t[32];
		fmt_ms(metric(&res[i], "latency_max"), 0, t, sizeof t);
		printf("%s %s %s", i ? "," : "", res[i].model, t);
	}
	printf("\n");
}

static void print_summary(const struct scenario *sc, struct run_result *res, int n, const char *db)
{
	char dur[32], warm[32];
	unit_fmt_duration((double)sc->duration, dur, sizeof dur);
	unit_fmt_duration((double)sc->warmup, warm, sizeof warm);
	printf("\n%s: %s\n", sc->name, sc->description);
	printf("%s simulated (%s warm-up excluded), seed %lld, %d cores in %d NUMA node(s)\n\n",
	       dur, warm, (long long)sc->seed, sc->machine.cores, sc->machine.numa_nodes);
	name_w = 8;
	for (int i = 0; i < n; i++)
		if ((int)strlen(res[i].model) > name_w)
			name_w = (int)strlen(res[i].model);
	printf("%-*s %9s %7s %8s %10s %9s %9s %9s %9s %9s %7s %7s %9s %8s %9s %9s\n",
	       name_w, "model", "done", "failed", "in-fl", "thru/s", "mean", "p50", "p99", "p99.9", "max",
	       "cpu", "kern", "ctxsw", "threads", "stk rsv", "stk cmt");
	for (int i = 0; i < n; i++)
		print_row(&res[i]);
	print_overloads(res, n);
	if (is_batch(sc))
		print_finish(res, n);
	print_ratios(res, n, is_batch(sc));
	print_gc(res, n);
	printf("\ndone/failed: requests in the measured window; in-fl: still in flight at the end;\n"
	       "OVERLOADED: completed fewer than max(98%%, 1 - 4/sqrt(arrivals)) of the requests that\n"
	       "arrived in the window (the rule of gmpsim capacity); latency: requests that arrived\n"
	       "after the warm-up and completed ('>': understated, the model is overloaded); cpu: busy\n"
	       "share of all cores; kern: kernel share of busy time; threads: peak; stk rsv/cmt: peak\n"
	       "reserved / committed stack.\n");
	print_verdict(res, n, is_batch(sc));
	printf("results: %s  (try: sqlite3 %s 'select * from summary')\n", db, db);
}

/* ---- running --------------------------------------------------------------------- */

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void print_line(void *ctx, const char *line)
{
	(void)ctx;
	printf("%s\n", line);
}

/* A timeline cut short by --trace-limit is never cut silently. */
static void warn_truncated(const struct run_result *r)
{
	if (!r->trace || trc_truncated_at(r->trace) < 0)
		return;
	char at[32];
	unit_fmt_duration((double)trc_truncated_at(r->trace), at, sizeof at);
	fprintf(stderr, "gmpsim: warning: %s: the trace reached --trace-limit %lld records and stops at "
		"%s of virtual time (%lld ns); raise --trace-limit or shorten the run to trace it all\n",
		r->model, (long long)r->trace->limit, at, (long long)trc_truncated_at(r->trace));
}

/* The replace rule (sim/store/overwrite.h) for a run's database. */
struct replace_ctx {
	struct ovw_new n;
	bool quiet;
};

static int may_replace(void *ctx, const char *target, char *err, size_t errlen)
{
	struct replace_ctx *r = ctx;
	char said[512];
	if (ovw_check(target, &r->n, said, sizeof said, err, errlen))
		return -1;
	if (said[0] && (!r->quiet || strstr(said, "(--force)")))
		fprintf(stderr, "gmpsim: %s\n", said);
	return 0;
}

/* The output database, locked, checked against the replace rule before
 * anything is simulated. */
static struct db *open_output(const struct run_cli *c, const struct scenario *sc, const char *out, int nruns,
			      char *err, size_t errlen)
{
	struct replace_ctx rc = { { sc->name, NULL, nruns, c->force }, c->quiet };
	struct db_open_opts o = { .check = may_replace, .check_ctx = &rc };
	struct db *db = db_open(out, &o, err, errlen);
	if (db && o.discarded && !c->quiet)
		fprintf(stderr, "gmpsim: discarded the unfinished results an interrupted earlier run left "
			"beside %s\n", out);
	return db;
}

static int run_all(struct run_cli *c, const struct scenario *sc, const char *out)
{
	struct run_opts opts = { .schedtrace = c->schedtrace, .line = print_line,
				 .trace = c->trace, .trace_limit = c->trace_limit };
	const char *const *models = c->nmodels ? c->models : sc->models;
	int n = c->nmodels ? c->nmodels : sc->nmodels;
	char err[1024];
	struct db *db = open_output(c, sc, out, n, err, sizeof err);
	if (!db) {
		fprintf(stderr, "gmpsim: %s\n", err);
		return EXIT_USAGE;
	}
	cli_unlink_on_signal(db_temp_path(db));
	struct run_result *res = calloc((size_t)n, sizeof *res);
	int status = 0, done = 0;
	for (int i = 0; res && i < n && status != EXIT_USAGE; i++, done++) {
		if (!c->quiet)
			fprintf(stderr, "gmpsim: %s on %s ...", sc->name, models[i]);
		double t0 = wall_now();
		int rc = run_model_opts(sc, models[i], &opts, &res[i], err, sizeof err);
		res[i].wall_s = wall_now() - t0;
		res[i].run_number = i; /* a sweep of one point: run number = model index */
		if (!c->quiet)
			fprintf(stderr, " %.2fs wall, %llu events\n", res[i].wall_s,
				(unsigned long long)res[i].events);
		warn_truncated(&res[i]);
		if (rc == 2) {
			fprintf(stderr, "gmpsim: %s: %s\n", models[i], err);
			status = EXIT_USAGE;
		} else if (rc == 1) {
			fprintf(stderr, "gmpsim: %s: simulation failed: %s\n", models[i], err);
			status = EXIT_FAIL;
		}
		if (rc != 2 && db_write_run(db, &res[i], err, sizeof err) < 0) {
			fprintf(stderr, "gmpsim: %s\n", err);
			status = EXIT_USAGE;
		}
	}
	if (!res || status == EXIT_USAGE) {
		db_close_abort(db);
		status = EXIT_USAGE;
	} else if (db_close_commit(db, err, sizeof err) != 0) {
		fprintf(stderr, "gmpsim: %s\n", err);
		status = EXIT_USAGE; /* the database could not be written (a full disk ...): nothing is */
	} else if (!c->quiet) {
		print_summary(sc, res, n, out);
	}
	cli_unlink_on_signal(NULL);
	for (int i = 0; res && i < done; i++)
		res_free(&res[i]);
	free(res);
	return status;
}

/* ---- validate --print ------------------------------------------------------------ */

/* The descriptions of the sections key enters and prev was not in: the
 * "models" row's above the first models.* key, and so on. */
static void print_section_docs(const char *prev, const char *key)
{
	for (const char *dot = strchr(key, '.'); dot; dot = strchr(dot + 1, '.')) {
		size_t n = (size_t)(dot - key);
		char prefix[128];
		if (n >= sizeof prefix || (strncmp(prev, key, n) == 0 && (prev[n] == '.' || !prev[n])))
			continue;
		snprintf(prefix, sizeof prefix, "%.*s", (int)n, key);
		const char *doc = sc_param_doc(prefix);
		if (doc)
			printf("# %s: %s\n", prefix, doc);
	}
}

/* One resolved parameter as --set takes it, its description as a comment. */
static void print_param(const struct sc_param *p)
{
	const char *doc = sc_param_doc(p->key), *unit = sc_param_unit(p->key);
	int n = printf("%s=%s", p->key, p->value);
	printf("%*s# ", n < 44 ? 46 - n : 2, "");
	if (doc)
		printf("%s%s%s%s; ", doc, unit ? " [" : "", unit ? unit : "", unit ? "]" : "");
	printf("from %s\n", p->from);
}

static void print_params(const struct scenario *sc)
{
	for (int i = 0; i < sc->nparams; i++) {
		print_section_docs(i ? sc->params[i - 1].key : "", sc->params[i].key);
		print_param(&sc->params[i]);
	}
}

static int validate(const struct run_cli *c, const struct scenario *sc)
{
	printf("%s: ok (%d model(s), %d task class(es))\n", c->scenario, sc->nmodels, sc->nclasses);
	char why[1024];
	if (lim_check(sc, why, sizeof why))  /* a run would fail at once */
		fprintf(stderr, "gmpsim: warning: every run will fail: %s\n", why);
	else if (lim_check_share(sc, 0.5, why, sizeof why))  /* and may fail later */
		fprintf(stderr, "gmpsim: warning: %s\n", why);
	if (c->print)
		print_params(sc);
	return 0;
}

/* ---- the command ------------------------------------------------------------------ */

static int run_or_validate(struct run_cli *c)
{
	struct scenario sc;
	char err[1024];
	struct sc_sources src = { c->profile, c->sets, c->nsets };
	if (sc_load_from(c->scenario, &src, &sc, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	int rc;
	if (c->validate_only) {
		rc = validate(c, &sc);
	} else {
		char *out = cli_output_path(c->output, sc.name);
		rc = out ? run_all(c, &sc, out) : EXIT_USAGE;
		free(out);
	}
	sc_free(&sc);
	return rc;
}

int cmd_run_main(int argc, char **argv)
{
	struct run_cli c = { 0 };
	int rc = parse_args(&c, argc, argv);
	if (rc == 0)
		rc = run_or_validate(&c);
	for (int i = 0; i < c.nowned; i++)
		free(c.owned[i]);
	return rc;
}
