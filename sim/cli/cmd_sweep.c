/* sim/cli/cmd_sweep.c — the `gmpsim sweep` command line: options into a
 * sweep plan, --list, --run filters, --resume against an existing
 * database, the run itself (sweep_exec) writing each result in run-number
 * order, and the end-of-sweep report (what ran, then compare.c's paired
 * comparison with confidence intervals). Also the plain `gmpsim S.yaml
 * --reps N`. Must not contain model logic or read results back beyond
 * what resume needs. */
#include "overwrite.h"
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
	bool list, resume, quiet, no_reuse, force;
	char seedset[40];
};

static void sweep_usage(FILE *f)
{
	fprintf(f,
		"usage: gmpsim sweep SCENARIO.yaml [--set KEY=VALUES]... [--reps N] [-j N] [-o DB]\n"
		"                    [--model NAME]... [--seed S] [--profile P.yaml] [--run SPEC] [--list] [--resume] [--force] [-q]\n"
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
		"      --run SPEC    run only these runs (run ids, from 1, as query/plot/export): 3, 1-9, 1,4,7\n"
		"      --list        print every run (run id, point, model, rep, seed, axis values);\n"
		"                    the seed as the database stores it, accepted by --seed\n"
		"      --no-reuse    simulate every run; by default a model's run is shared across the\n"
		"                    values of an axis that configures another model only (models.Y.*),\n"
		"                    its params say so (sweep.shared_with_run = the run_id it copies)\n"
		"      --resume      keep DB's complete runs, and those an interrupted (even killed) sweep\n"
		"                    left in DB.tmp-partial; run only the missing or unfinished ones\n"
		"      --force       replace DB even if it holds another sweep's runs, or more runs\n"
		"                    than this one writes (refused otherwise)\n"
		"  -q, --quiet       no progress bar and no report\n"
		"\n"
		"Runs are numbered from 1 (runs.run_id): the first axis varies slowest, then the\n"
		"model, then the repetition.\n"
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

/* A seed as printed (signed, as the database stores it) or as its unsigned
 * 64-bit pattern: the scenario loader takes both (scenario_value.c). */
static int parse_seed(struct sweep_cli *c, const char *arg)
{
	char *end;
	errno = 0;
	if (arg[0] == '-')
		strtoll(arg, &end, 10);
	else
		strtoull(arg, &end, 10);
	if (errno || *end || !*arg || end == arg)
		return cli_usage_error(sweep_cmd(c), "--seed: expected a 64-bit integer (as --list prints it), got '%s'",
				       arg);
	snprintf(c->seedset, sizeof c->seedset, "seed=%s", arg);
	return 0;
}

enum { OPT_RUN = 1000, OPT_LIST, OPT_RESUME, OPT_NO_REUSE, OPT_FORCE, OPT_TRACE };

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
	case OPT_NO_REUSE: c->no_reuse = true; return 0;
	case OPT_FORCE: c->force = true; return 0;
	case 'P': c->profile = arg; return 0;
	case OPT_TRACE: /* recognised so that the error says why, not "unrecognized option" */
		return cli_usage_error(sweep_cmd(c), "%s records one run's timeline: a sweep or --reps run records none "
				       "(trace one point: gmpsim --trace SCENARIO.yaml [--set ...] [--seed S] -o ONE.db)",
				       arg ? "--trace-limit" : "--trace");
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
		{ "resume", no_argument, 0, OPT_RESUME }, { "no-reuse", no_argument, 0, OPT_NO_REUSE },
		{ "force", no_argument, 0, OPT_FORCE },
		{ "profile", required_argument, 0, 'P' },
		{ "trace", no_argument, 0, OPT_TRACE }, { "trace-limit", required_argument, 0, OPT_TRACE },
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
	p->no_reuse = c->no_reuse;
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
		printf("%lld\t%lld\t%s\t%d\t%lld", (long long)n + 1, (long long)r.point, p->models[r.model], r.rep,
		       (long long)r.seed); /* the run_id, and the seed as the database stores it */
		for (int i = 0; i < p->naxes; i++)
			printf("\t%s", p->axes[i].values.v[plan_value_index(p, r.point, i)]);
		printf("\n");
	}
}

/* ---- resume: which runs to do, which to keep ------------------------------------- */

/* A run not simulated: it copies the results of run canon (plan_shared_with). */
struct shared { int64_t canon, number; };

struct work {
	unsigned char *sel;   /* per run number: selected (--run, or all) */
	int64_t *todo, ntodo; /* to simulate: selected, not complete in the old database, not shared; ascending */
	struct shared *shared;/* to copy when canon is written, by canon then number */
	int64_t nshared, next_shared;
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

static int by_canon(const void *a, const void *b)
{
	const struct shared *x = a, *y = b;
	return x->canon != y->canon ? (x->canon > y->canon) - (x->canon < y->canon)
				    : (x->number > y->number) - (x->number < y->number);
}

/* Marks the complete runs of info (an old database, or an interrupted
 * sweep's partial file) as done. */
static void mark_done(const struct sdb_info *in, int64_t nruns, unsigned char *done)
{
	for (int64_t i = 0; in && i < in->n; i++)
		if (in->numbers[i] >= 0 && in->numbers[i] < nruns && in->complete[i])
			done[in->numbers[i]] = 1;
}

static int plan_work(const struct sweep_cli *c, const struct sweep_plan *p, const struct sdb_info *in,
		     const struct sdb_info *partial, struct work *w)
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
	mark_done(in, p->nruns, done);
	mark_done(partial, p->nruns, done);
	w->ntodo = 0;
	w->shared = malloc((size_t)p->nruns * sizeof *w->shared);
	if (!w->shared) {
		free(done);
		return EXIT_USAGE;
	}
	for (int64_t n = 0; n < p->nruns; n++) {
		if (!w->sel[n] || done[n])
			continue;
		/* shared with a run simulated here: copy it (never when resuming: the old
		 * database's rows must be copied in order; simulating gives the same rows) */
		int64_t canon = plan_shared_with(p, n);
		if (canon >= 0 && !in && !partial && w->sel[canon] && !done[canon])
			w->shared[w->nshared++] = (struct shared){ canon, n };
		else
			w->todo[w->ntodo++] = n;
	}
	qsort(w->shared, (size_t)w->nshared, sizeof *w->shared, by_canon);
	free(done);
	return 0;
}

/* ---- writing ------------------------------------------------------------------------ */

struct writer {
	struct db *db;
	const struct sweep_plan *p;
	int64_t reused;       /* runs copied from the run they share with */
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

/* Writes the runs that share r's results (they come after r's number, and
 * no run of the old database is in between: never when resuming). */
static int write_shared(struct writer *wr, const struct run_result *r, char *err, size_t errlen)
{
	struct work *w = wr->w;
	while (w->next_shared < w->nshared && w->shared[w->next_shared].canon < r->run_number)
		w->next_shared++;
	for (; w->next_shared < w->nshared && w->shared[w->next_shared].canon == r->run_number; w->next_shared++) {
		struct run_result copy;
		if (strcmp(r->status, "interrupted") == 0)
			continue; /* not run: its sharers are not either (--resume does them) */
		exec_copy_shared(wr->p, w->shared[w->next_shared].number, r, &copy);
		int rc = db_write_run(wr->db, &copy, err, errlen) < 0 ? -1 : 0;
		res_free(&copy);
		if (rc)
			return -1;
		wr->reused++;
	}
	return 0;
}

static int write_result(void *ctx, struct run_result *r, char *err, size_t errlen)
{
	struct writer *wr = ctx;
	if (copy_old(wr, r->run_number, err, errlen))
		return -1;
	wr->copy_from = r->run_number + 1;
	if (strcmp(r->status, "failed") == 0)
		fprintf(stderr, "%sgmpsim: run %lld (%s, point %d, rep %d) failed: %s\n", wr->progress ? "\r\033[K" : "",
			(long long)r->run_number + 1, r->model, r->point_id, r->rep, r->error ? r->error : "?");
	if (db_write_run(wr->db, r, err, errlen) < 0)
		return -1;
	return write_shared(wr, r, err, errlen);
}

/* ---- the end-of-sweep report: what ran, then the paired comparison (compare.c) ---------- */

static void sweep_report(const struct sweep_plan *p, const struct exec_stats *st, int64_t todo,
			 int64_t kept, int64_t reused, const char *db)
{
	printf("%s: %lld points x %d model(s) x %d rep(s) = %lld runs\n", p->name, (long long)p->npoints,
	       p->nmodels, p->reps, (long long)p->nruns);
	printf("this invocation: %lld run(s) to do: %lld complete, %lld failed, %lld interrupted, "
	       "%lld not started", (long long)todo, (long long)st->complete, (long long)st->failed,
	       (long long)st->interrupted, (long long)st->not_started);
	if (kept)
		printf("; %lld kept from the database", (long long)kept);
	if (reused)
		printf("; %lld shared with another point (an axis of another model's; --no-reuse simulates them)",
		       (long long)reused);
	printf("\n");
	char err[1024];
	/* one point: its paired comparison in full; a grid: one row per point */
	if (st->complete + kept > 0 && (p->npoints == 1 ? cmp_report(db, stdout, err, sizeof err)
						      : cmp_pivot(db, stdout, err, sizeof err)) != 0)
		fprintf(stderr, "gmpsim: comparison: %s\n", err);
	printf("results: %s  (every point's paired comparison: gmpsim compare %s)\n", db, db);
}

/* ---- running ------------------------------------------------------------------------- */

static int64_t complete_runs(const struct sdb_info *in)
{
	int64_t n = 0;
	for (int64_t i = 0; i < in->n; i++)
		n += in->complete[i];
	return n;
}

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

/* ---- the output: locked, checked, an interrupted sweep's partial file adopted ---- */

struct sweep_out {
	const struct sweep_cli *c;
	const struct sweep_plan *p;
	struct db_open_opts o;
	struct ovw_new n;
	char fp[40];
	struct sdb_info partial;  /* an adopted partial file's runs */
};

/* db_open's check: the replace rule (not when resuming: the old runs are
 * kept), then an adopted partial file must be this sweep's. */
static int sweep_may_write(void *ctx, const char *target, char *err, size_t errlen)
{
	struct sweep_out *so = ctx;
	char said[512];
	if (!so->c->resume) {
		if (ovw_check(target, &so->n, said, sizeof said, err, errlen))
			return -1;
		if (said[0] && (!so->c->quiet || strstr(said, "(--force)")))
			fprintf(stderr, "gmpsim: %s\n", said);
	}
	if (!so->o.adopted)
		return 0;
	char path[4200], why[1024];
	snprintf(path, sizeof path, "%s" DB_PARTIAL_SUFFIX, target);
	if (sdb_read(path, &so->partial, why, sizeof why) != 0) {
		fprintf(stderr, "gmpsim: --resume: discarding %s, which holds no finished run (%s)\n", path, why);
		return DB_CHECK_DISCARD;
	}
	if (strcmp(so->partial.fingerprint, so->fp) != 0) {
		char how[512];
		sdb_explain_mismatch(&so->partial, so->p, how, sizeof how);
		snprintf(err, errlen, "--resume: %s, left by an interrupted sweep, is another sweep's (%s); "
			 "drop --resume to discard it", path, how);
		sdb_info_free(&so->partial);
		return -1;
	}
	return 0;
}

static struct db *open_sweep_output(struct sweep_out *so, const char *out, int64_t nruns)
{
	char err[2048];
	sdb_fingerprint_text(so->p->fingerprint, so->fp, sizeof so->fp);
	so->n = (struct ovw_new){ so->p->name, so->fp, nruns, so->c->force };
	so->o = (struct db_open_opts){ .durable = true, .adopt = so->c->resume, .check = sweep_may_write,
				       .check_ctx = so };
	struct db *db = db_open(out, &so->o, err, sizeof err);
	if (!db) {
		fprintf(stderr, "gmpsim: %s\n", err);
		return NULL;
	}
	if (so->o.discarded && !so->c->quiet && !so->c->resume)
		fprintf(stderr, "gmpsim: discarded the runs an interrupted sweep left in %s" DB_PARTIAL_SUFFIX
			" (--resume would have kept them)\n", out);
	if (so->o.adopted && sdb_keep_complete(db, err, sizeof err) != 0) {
		fprintf(stderr, "gmpsim: %s\n", err);
		db_close_abort(db);
		return NULL;
	}
	return db;
}

static int run_sweep(const struct sweep_cli *c, const struct sweep_plan *p, struct work *w,
		     struct db *db, const char *out, int64_t kept)
{
	char err[2048];
	exec_catch_signals(db_temp_path(db));
	struct writer wr = { .db = db, .p = p, .w = w, .progress = !c->quiet && isatty(2) };
	struct exec_job job = {
		.plan = p, .runs = w->todo, .nruns = w->ntodo, .workers = c->jobs ? c->jobs : 1,
		.progress = wr.progress, .write = write_result, .ctx = &wr,
		.close_in_workers = db_lock_fd(db),
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
		sweep_report(p, &st, w->ntodo, kept, wr.reused, out);
	if (rc == 1)
		fprintf(stderr, "gmpsim: interrupted; finished runs are in %s (--resume continues)\n", out);
	return rc == 1 ? EXIT_INTERRUPTED : st.failed ? EXIT_FAIL : 0;
}

/* The runs the new database will hold: the selected ones (with --resume,
 * the old ones too, so no limit). */
static int64_t runs_written(const struct sweep_cli *c, const struct sweep_plan *p)
{
	if (c->resume)
		return INT64_MAX;
	if (!c->run_spec)
		return p->nruns;
	unsigned char *sel = malloc((size_t)p->nruns);
	char err[512];
	int64_t n = 0;
	if (sel && plan_select(p, c->run_spec, sel, err, sizeof err) == 0)
		for (int64_t i = 0; i < p->nruns; i++)
			n += sel[i];
	free(sel);
	return n;
}

static int sweep(const struct sweep_cli *c)
{
	struct sweep_plan p;
	struct work w = { 0 };
	struct sdb_info in = { 0 };
	struct sweep_out so = { .c = c, .p = &p };
	struct db *db = NULL;
	char *out = NULL;
	int rc = build_plan(c, &p);
	if (rc == 0 && !c->list)
		rc = (out = cli_output_path(c->output, p.name)) ? 0 : EXIT_USAGE;
	if (rc == 0 && c->resume && !c->list)
		rc = check_resume(&p, out, &w, &in);
	if (rc == 0 && !c->list)  /* locked and checked before anything is simulated */
		rc = (db = open_sweep_output(&so, out, runs_written(c, &p))) ? 0 : EXIT_USAGE;
	if (rc == 0)
		rc = plan_work(c, &p, w.old ? &in : NULL, so.o.adopted ? &so.partial : NULL, &w);
	if (rc == 0 && c->list) {
		list_runs(&p, w.sel);
	} else if (rc == 0) {
		int64_t kept = count_kept(w.old ? &in : NULL, &w, p.nruns);
		if (so.o.adopted && !c->quiet)
			fprintf(stderr, "gmpsim: --resume: %lld finished run(s) kept from %s" DB_PARTIAL_SUFFIX
				", left by an interrupted sweep\n", (long long)complete_runs(&so.partial), out);
		rc = run_sweep(c, &p, &w, db, out, kept);
		db = NULL;
	}
	if (db)
		db_close_abort(db);
	sdb_info_free(&so.partial);
	sdb_info_free(&in);
	free(w.sel);
	free(w.todo);
	free(w.shared);
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
		if (strcmp(argv[i], "--reps") == 0 || strncmp(argv[i], "--reps=", 7) == 0 ||
		    strncmp(argv[i], "-r", 2) == 0)
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
