/* sim/cli/cmd_sweep.c — the `gmpsim sweep` command line: options into a
 * sweep plan, --list, --run filters, --resume against an existing
 * database, the run itself (sweep_exec) writing each result in run-number
 * order, and the end-of-sweep report (what ran, then compare.c's paired
 * comparison with confidence intervals). Also the plain `gmpsim S.yaml
 * --reps N`. Must not contain model logic or read results back beyond
 * what resume needs. */
#include "cmd_sweep.h"
#include "cli.h"
#include "compare.h"
#include "db.h"
#include "sweep_db.h"
#include "sweep_exec.h"
#include "sweep_plan.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_JOBS = 256 };

struct sweep_cli {
	bool plain;             /* gmpsim S.yaml --reps N: no axes, no sweep: section */
	const char *scenario, *output, *run_spec, *profile;
	const char *sets[PLAN_MAX_SETS];
	int nsets;
	const char *models[SC_MAX_MODELS];
	int nmodels;
	int reps;               /* 0: the scenario's (or 1) */
	int jobs;
	bool list, resume, quiet;
	char seedset[40];
};

static void sweep_usage(FILE *f)
{
	fprintf(f,
		"usage: gmpsim sweep SCENARIO.yaml [--set KEY=VALUES]... [--reps N] [-j N] [-o DB]\n"
		"                    [--model NAME]... [--seed S] [--profile P.yaml] [--run SPEC] [--list] [--resume] [-q]\n"
		"       gmpsim SCENARIO.yaml --reps N [-j N] [-o DB] [--model NAME]... [--seed S] [--set KEY=VALUE]...\n"
		"\n"
		"Runs every combination of the axis values x every model x every repetition.\n"
		"Axes come from the scenario's top-level sweep: mapping and from --set options\n"
		"whose value is a list or a range:\n"
		"  --set models.gmp.gomaxprocs=1,2,4,8   a list\n"
		"  --set machine.cores=1..64 step 4      1, 5, 9 ... 61 (step 1 when absent)\n"
		"  --set machine.cores=1..64 *2          1, 2, 4 ... 64\n"
		"A --set with one value is an ordinary override.\n"
		"\n"
		"  -r, --reps N      repetitions per point and model (seeds: see README)\n"
		"  -j, --jobs N      run in N worker processes (default 1)\n"
		"  -o, --output DB   results database (default results/<scenario>.db)\n"
		"  -m, --model NAME  run only this model (repeatable)\n"
		"  -s, --seed S      base seed (default: the scenario's)\n"
		"      --profile P   a machine profile (gmpsim calibrate) under the scenario's values\n"
		"      --run SPEC    run only these run numbers: 3, 0-9, 0,4,7\n"
		"      --list        print every run (number, point, model, rep, seed, axis values)\n"
		"      --resume      keep DB's complete runs, run only the missing or unfinished ones\n"
		"  -q, --quiet       no progress bar and no report\n"
		"\n"
		"Run numbers: the first axis varies slowest, then the model, then the repetition.\n"
		"exit status: 0 ok, 1 a run failed, 2 bad usage or input, 130 interrupted\n");
}

/* The command usage errors name: "sweep", or NULL for the plain
 * `gmpsim S.yaml --reps N` (whose --help points to sweep's). */
static const char *sweep_cmd(const struct sweep_cli *c)
{
	return c->plain ? NULL : "sweep";
}

static int parse_int_opt(const struct sweep_cli *c, const char *opt, const char *arg, long lo, long hi,
			 int *out)
{
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < lo || v > hi)
		return cli_usage_error(sweep_cmd(c), "%s: expected an integer from %ld to %ld, got '%s'", opt, lo,
				       hi, arg);
	*out = (int)v;
	return 0;
}

static int parse_seed(struct sweep_cli *c, const char *arg)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(arg, &end, 10);
	if (errno || *end || !*arg || arg[0] == '-')
		return cli_usage_error(sweep_cmd(c), "--seed: expected a non-negative integer, got '%s'", arg);
	snprintf(c->seedset, sizeof c->seedset, "seed=%llu", v);
	return 0;
}

enum { OPT_RUN = 1000, OPT_LIST, OPT_RESUME };

static int sweep_option(struct sweep_cli *c, int opt, const char *arg)
{
	switch (opt) {
	case 'o': c->output = arg; return 0;
	case 'm':
		if (c->nmodels == SC_MAX_MODELS)
			return cli_usage_error(sweep_cmd(c), "too many --model options");
		c->models[c->nmodels++] = arg;
		return 0;
	case 's': return parse_seed(c, arg);
	case 'S':
		if (c->nsets == PLAN_MAX_SETS)
			return cli_usage_error(sweep_cmd(c), "too many --set options");
		c->sets[c->nsets++] = arg;
		return 0;
	case 'r': return parse_int_opt(c, "--reps", arg, 1, 1000000, &c->reps);
	case 'j': return parse_int_opt(c, "-j", arg, 1, MAX_JOBS, &c->jobs);
	case 'q': c->quiet = true; return 0;
	case OPT_RUN: c->run_spec = arg; return 0;
	case OPT_LIST: c->list = true; return 0;
	case OPT_RESUME: c->resume = true; return 0;
	case 'P': c->profile = arg; return 0;
	case 'h': sweep_usage(stdout); exit(0);
	default: return cli_try_help(sweep_cmd(c));
	}
}

static int sweep_args(struct sweep_cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, 0, 'o' }, { "model", required_argument, 0, 'm' },
		{ "seed", required_argument, 0, 's' },   { "set", required_argument, 0, 'S' },
		{ "reps", required_argument, 0, 'r' },   { "jobs", required_argument, 0, 'j' },
		{ "quiet", no_argument, 0, 'q' },        { "help", no_argument, 0, 'h' },
		{ "run", required_argument, 0, OPT_RUN }, { "list", no_argument, 0, OPT_LIST },
		{ "resume", no_argument, 0, OPT_RESUME }, { "profile", required_argument, 0, 'P' },
		{ 0, 0, 0, 0 },
	};
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:m:s:S:r:j:P:qh", longopts, NULL)) != -1) {
		int rc = sweep_option(c, opt, optarg);
		if (rc)
			return rc;
	}
	if (argc - optind != 1)
		return cli_usage_error(sweep_cmd(c), argc == optind ? "missing scenario file"
								   : "expected one scenario file");
	c->scenario = argv[optind];
	return 0;
}

/* ---- the plan ------------------------------------------------------------------- */

static int build_plan(const struct sweep_cli *c, struct sweep_plan *p)
{
	char err[2048];
	plan_init(p, c->scenario);
	p->profile = c->profile;
	int rc = c->plain ? 0 : plan_read_file(p, err, sizeof err);
	for (int i = 0; rc == 0 && i < c->nsets; i++)
		rc = plan_add_set(p, c->sets[i], !c->plain, err, sizeof err);
	if (rc == 0 && c->seedset[0])
		rc = plan_add_set(p, c->seedset, false, err, sizeof err);
	for (int i = 0; rc == 0 && i < c->nmodels; i++)
		rc = plan_add_model(p, c->models[i], err, sizeof err);
	if (rc == 0 && c->reps)
		p->reps = c->reps;
	if (rc == 0)
		rc = plan_finish(p, err, sizeof err);
	if (rc)
		fprintf(stderr, "%s\n", err);
	return rc ? EXIT_USAGE : 0;
}

static void list_runs(const struct sweep_plan *p, const unsigned char *sel)
{
	printf("run\tpoint\tmodel\trep\tseed");
	for (int i = 0; i < p->naxes; i++)
		printf("\t%s", p->axes[i].key);
	printf("\n");
	for (int64_t n = 0; n < p->nruns; n++) {
		struct plan_run r;
		if (!sel[n])
			continue;
		plan_run_of(p, n, &r);
		printf("%lld\t%lld\t%s\t%d\t%llu", (long long)n, (long long)r.point, p->models[r.model], r.rep,
		       (unsigned long long)r.seed);
		for (int i = 0; i < p->naxes; i++)
			printf("\t%s", p->axes[i].values.v[plan_value_index(p, r.point, i)]);
		printf("\n");
	}
}

/* ---- resume: which runs to do, which to keep ------------------------------------- */

struct work {
	unsigned char *sel;   /* per run number: selected (--run, or all) */
	int64_t *todo, ntodo; /* selected and not complete in the old database, ascending */
	char *old;            /* the database resumed from, or NULL */
};

/* Reads the old database when resuming; refuses another sweep's. */
static int check_resume(const struct sweep_plan *p, const char *out, struct work *w, struct sdb_info *in)
{
	char err[1024], fp[40];
	if (access(out, F_OK) != 0) {
		fprintf(stderr, "gmpsim: --resume: %s does not exist yet; running the sweep from the start\n", out);
		return 0;
	}
	if (sdb_read(out, in, err, sizeof err)) {
		fprintf(stderr, "gmpsim: --resume: %s\n", err);
		return EXIT_USAGE;
	}
	sdb_fingerprint_text(p->fingerprint, fp, sizeof fp);
	if (strcmp(fp, in->fingerprint) != 0) {
		char why[512];
		sdb_explain_mismatch(in, p, why, sizeof why);
		fprintf(stderr, "gmpsim: --resume: %s was written by a different sweep (%s); "
			"use another -o, or drop --resume to replace it\n", out, why);
		sdb_info_free(in);
		return EXIT_USAGE;
	}
	if (!(w->old = strdup(out)))
		return EXIT_USAGE;
	return 0;
}

static int plan_work(const struct sweep_cli *c, const struct sweep_plan *p, const struct sdb_info *in,
		     struct work *w)
{
	char err[512];
	w->sel = malloc((size_t)p->nruns);
	w->todo = malloc((size_t)p->nruns * sizeof *w->todo);
	if (!w->sel || !w->todo)
		return EXIT_USAGE;
	if (c->run_spec && plan_select(p, c->run_spec, w->sel, err, sizeof err)) {
		fprintf(stderr, "gmpsim: %s\n", err);
		return EXIT_USAGE;
	}
	if (!c->run_spec)
		memset(w->sel, 1, (size_t)p->nruns);
	unsigned char *done = calloc((size_t)p->nruns, 1);
	if (!done)
		return EXIT_USAGE;
	for (int64_t i = 0; in && i < in->n; i++)
		if (in->numbers[i] >= 0 && in->numbers[i] < p->nruns && in->complete[i])
			done[in->numbers[i]] = 1;
	for (int64_t n = 0; n < p->nruns; n++)
		if (w->sel[n] && !done[n])
			w->todo[w->ntodo++] = n;
	free(done);
	return 0;
}

/* ---- writing ------------------------------------------------------------------------ */

struct writer {
	struct db *db;
	struct work *w;
	int64_t copy_from;    /* old runs below this run number are already copied */
	bool progress;        /* a progress bar is on the terminal's last line */
};

/* Copies the old database's runs in [copy_from, upto). */
static int copy_old(struct writer *wr, int64_t upto, char *err, size_t errlen)
{
	if (!wr->w->old || upto <= wr->copy_from)
		return 0;
	int rc = sdb_copy_runs(wr->db, wr->w->old, wr->copy_from, upto, err, errlen);
	wr->copy_from = upto;
	return rc;
}

static int write_result(void *ctx, struct run_result *r, char *err, size_t errlen)
{
	struct writer *wr = ctx;
	if (copy_old(wr, r->run_number, err, errlen))
		return -1;
	wr->copy_from = r->run_number + 1;
	if (strcmp(r->status, "failed") == 0)
		fprintf(stderr, "%sgmpsim: run %lld (%s, point %d, rep %d) failed: %s\n", wr->progress ? "\r\033[K" : "",
			(long long)r->run_number, r->model, r->point_id, r->rep, r->error ? r->error : "?");
	return db_write_run(wr->db, r, err, errlen) < 0 ? -1 : 0;
}

/* ---- the end-of-sweep report: what ran, then the paired comparison (compare.c) ---------- */

static void sweep_report(const struct sweep_plan *p, const struct exec_stats *st, int64_t todo,
			 int64_t kept, const char *db)
{
	printf("%s: %lld points x %d model(s) x %d rep(s) = %lld runs\n", p->name, (long long)p->npoints,
	       p->nmodels, p->reps, (long long)p->nruns);
	printf("this invocation: %lld run(s) to do: %lld complete, %lld failed, %lld interrupted, "
	       "%lld not started", (long long)todo, (long long)st->complete, (long long)st->failed,
	       (long long)st->interrupted, (long long)st->not_started);
	if (kept)
		printf("; %lld kept from the database", (long long)kept);
	printf("\n");
	char err[1024];
	if (st->complete + kept > 0 && cmp_report(db, stdout, err, sizeof err) != 0)
		fprintf(stderr, "gmpsim: comparison: %s\n", err);
	printf("results: %s  (try: gmpsim query %s summary)\n", db, db);
}

/* ---- running ------------------------------------------------------------------------- */

static int64_t count_kept(const struct sdb_info *in, const struct work *w, int64_t nruns)
{
	int64_t kept = 0, t = 0;
	for (int64_t i = 0; in && i < in->n; i++) {
		int64_t n = in->numbers[i];
		while (t < w->ntodo && w->todo[t] < n)
			t++;
		kept += !(t < w->ntodo && w->todo[t] == n) && n >= 0 && n < nruns;
	}
	return kept;
}

static int run_sweep(const struct sweep_cli *c, const struct sweep_plan *p, struct work *w,
		     const char *out, int64_t kept)
{
	char err[2048];
	struct db *db = db_create(out, err, sizeof err);
	if (!db) {
		fprintf(stderr, "gmpsim: %s\n", err);
		return EXIT_USAGE;
	}
	exec_catch_signals(db_temp_path(db));
	struct writer wr = { .db = db, .w = w, .progress = !c->quiet && isatty(2) };
	struct exec_job job = {
		.plan = p, .runs = w->todo, .nruns = w->ntodo, .workers = c->jobs ? c->jobs : 1,
		.progress = wr.progress, .write = write_result, .ctx = &wr,
	};
	struct exec_stats st = { 0 };
	if (!c->quiet)
		fprintf(stderr, "gmpsim: %s: %lld run(s) to do of %lld, %d worker(s), writing %s\n", p->name,
			(long long)w->ntodo, (long long)p->nruns, job.workers, out);
	int rc = sdb_write_meta(db, p, err, sizeof err);
	if (rc == 0)
		rc = exec_interrupted() ? 1 : exec_run(&job, &st, err, sizeof err);
	if (rc == 1 && st.complete + st.failed + st.interrupted == 0)
		st.not_started = w->ntodo;
	if (rc >= 0 && copy_old(&wr, p->nruns, err, sizeof err))
		rc = -1;
	if (rc < 0) {
		fprintf(stderr, "gmpsim: %s\n", err);
		db_close_abort(db);
		return EXIT_USAGE;
	}
	if (db_close_commit(db, err, sizeof err) != 0) {
		fprintf(stderr, "gmpsim: %s\n", err);
		return EXIT_USAGE; /* as a run whose database cannot be written: nothing is */
	}
	if (!c->quiet)
		sweep_report(p, &st, w->ntodo, kept, out);
	if (rc == 1)
		fprintf(stderr, "gmpsim: interrupted; finished runs are in %s (--resume continues)\n", out);
	return rc == 1 ? EXIT_INTERRUPTED : st.failed ? EXIT_FAIL : 0;
}

static int sweep(const struct sweep_cli *c)
{
	struct sweep_plan p;
	struct work w = { 0 };
	struct sdb_info in = { 0 };
	char *out = NULL;
	int rc = build_plan(c, &p);
	if (rc == 0 && !c->list)
		rc = (out = cli_output_path(c->output, p.name)) ? 0 : EXIT_USAGE;
	if (rc == 0 && c->resume && !c->list)
		rc = check_resume(&p, out, &w, &in);
	if (rc == 0)
		rc = plan_work(c, &p, w.old ? &in : NULL, &w);
	if (rc == 0 && c->list)
		list_runs(&p, w.sel);
	else if (rc == 0)
		rc = run_sweep(c, &p, &w, out, count_kept(w.old ? &in : NULL, &w, p.nruns));
	sdb_info_free(&in);
	free(w.sel);
	free(w.todo);
	free(w.old);
	free(out);
	plan_free(&p);
	return rc;
}

int cmd_sweep_main(int argc, char **argv)
{
	struct sweep_cli c = { 0 };
	int rc = sweep_args(&c, argc, argv);
	return rc ? rc : sweep(&c);
}

bool cmd_sweep_wants_plain(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "--reps") == 0 || strncmp(argv[i], "--reps=", 7) == 0)
			return true;
	}
	return false;
}

int cmd_sweep_plain(int argc, char **argv)
{
	struct sweep_cli c = { .plain = true };
	int rc = sweep_args(&c, argc, argv);
	return rc ? rc : sweep(&c);
}
