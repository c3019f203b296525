/* tests/test_capacity.c — SLO parsing and checking, the choice of the
 * class to vary, and the capacity search (sim/study/capacity.c) against queueing
 * theory: the pool model with zero costs is M/M/c, whose mean response
 * time is known (Erlang C), so the highest rate meeting a mean-latency SLO
 * is known too. Also the overload rule on a pool limited by its workers,
 * and the command line's errors. Temporary files only under /tmp. */
#include "testutil.h"
#include "testqueue.h"
#include "capacity.h"
#include <math.h>
#include <sqlite3.h>
#include <sys/wait.h>

/* The long searches run in the normal build only: under the sanitizers
 * they would take minutes, and test nothing the short ones do not. */
static void skip_under_asan(void)
{
#ifdef GMPSIM_ASAN
	skip();
#endif
}

/* ---- SLO ------------------------------------------------------------------------- */

static void test_slo_parse_ok(void **state)
{
	(void)state;
	struct slo s;
	char err[256];
	assert_int_equal(slo_parse("p99<200ms", &s, err, sizeof err), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.terms[0].metric, "latency_p99");
	assert_true(s.terms[0].is_latency);
	assert_false(s.terms[0].inclusive);
	assert_true(s.terms[0].limit == 200e6);
	assert_int_equal(slo_parse(" mean <= 2ms , cpu<0.8,p999<1s", &s, err, sizeof err), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.terms[0].metric, "latency_mean");
	assert_true(s.terms[0].inclusive);
	assert_true(s.terms[0].limit == 2e6);
	assert_string_equal(s.terms[1].metric, "cpu_utilization");
	assert_false(s.terms[1].is_latency);
	assert_true(s.terms[1].limit == 0.8);
	assert_string_equal(s.terms[2].metric, "latency_p999");
	assert_int_equal(slo_parse("cpu<80%", &s, err, sizeof err), 0);
	assert_true(fabs(s.terms[0].limit - 0.8) < 1e-12);
	assert_string_equal(s.text, "cpu<80%");
}

/* Every bad SLO is refused with a message naming the SLO and the term. */
static void test_slo_parse_errors(void **state)
{
	(void)state;
	static const struct { const char *slo, *term, *why; } bad[] = {
		{ "p99>200ms", "'p99>200ms'", "expected METRIC<VALUE" },
		{ "p98<1ms", "'p98<1ms'", "unknown metric 'p98'" },
		{ "p99<abc", "'p99<abc'", "" },
		{ "p99<200", "'p99<200'", "unit" },
		{ "p99<", "'p99<'", "missing value" },
		{ "p99<0ms", "'p99<0ms'", "must be > 0" },
		{ "cpu<1.5", "'cpu<1.5'", "CPU share" },
		{ "cpu<2ms", "'cpu<2ms'", "" },
		{ "p99<1ms,", "", "empty term" },
		{ "", "", "empty term" },
		{ "throughput<5", "'throughput<5'", "unknown metric" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct slo s;
		char err[512] = "";
		int rc = slo_parse(bad[i].slo, &s, err, sizeof err);
		if (rc == 0 || !strstr(err, "--slo") || !strstr(err, bad[i].term) || !strstr(err, bad[i].why))
			fail_msg("'%s': rc %d, message: %s", bad[i].slo, rc, err);
	}
}

static void test_slo_met(void **state)
{
	(void)state;
	struct slo s;
	char err[256], why[256];
	assert_int_equal(slo_parse("p99<200ms,cpu<=0.5", &s, err, sizeof err), 0);
	double ok[] = { 199e6, 0.5 }, tail[] = { 200e6, 0.1 }, busy[] = { 1e6, 0.51 }, none[] = { NAN, 0.1 };
	assert_true(slo_met(&s, ok, why, sizeof why));
	assert_false(slo_met(&s, tail, why, sizeof why));      /* '<' is strict */
	assert_non_null(strstr(why, "p99"));
	assert_false(slo_met(&s, busy, why, sizeof why));
	assert_non_null(strstr(why, "cpu"));
	assert_false(slo_met(&s, none, why, sizeof why));       /* nothing measured never passes */
	assert_non_null(strstr(why, "not measured"));
}

/* ---- the class to vary ----------------------------------------------------------- */

static const char two_classes[] =
	"name: two\nduration: 1s\nmodels: { pool: {} }\n"
	"workload:\n"
	"  a: { arrival: { poisson: 10/s }, program: [ { cpu: 1ms } ] }\n"
	"  b: { arrival: { poisson: 20/s }, program: [ { cpu: 1ms } ] }\n"
	"  c: { arrival: { closed: { clients: 2 } }, program: [ { cpu: 1ms } ] }\n";

/* The overload rule shared with the run summary and compare: slack
 * max(2%, 4/sqrt(arrivals)); 0 samples with arrivals is overloaded too;
 * a missing metric (an older database) leaves its test out. */
static void test_overload_rule(void **state)
{
	(void)state;
	/* 10,000 arrivals: slack 4% (4/100): 96% is the limit */
	assert_false(cap_overloaded(9601, 10000));
	assert_true(cap_overloaded(9599, 10000));
	/* 1,000,000 arrivals: slack 2% (4/1000 is smaller) */
	assert_false(cap_overloaded(980001, 1e6));
	assert_true(cap_overloaded(979000, 1e6));
	assert_false(cap_overloaded(0, 0));
	assert_false(cap_overloaded(NAN, 100));
	char why[256];
	assert_true(cap_run_overloaded(41, 100, 30, 59, why, sizeof why));
	assert_string_equal(why, "completed 41% of arrivals (41 of 100); backlog growing (59 in flight at the end)");
	assert_true(cap_run_overloaded(100, 100, 0, 0, why, sizeof why));
	assert_string_equal(why, "no request that arrived in the window completed");
	assert_false(cap_run_overloaded(100, 100, 100, 0, why, sizeof why));
	assert_false(cap_run_overloaded(100, NAN, 100, 3, why, sizeof why));
	assert_false(cap_run_overloaded(100, 0, 0, 0, why, sizeof why)); /* nothing arrived: a batch before the window */
}

static void test_find_class(void **state)
{
	(void)state;
	struct scenario sc;
	char err[512];
	assert_int_equal(sc_load_string("two.yaml", two_classes, NULL, 0, &sc, err, sizeof err), 0);
	assert_int_equal(cap_find_class(&sc, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "two.yaml"));
	assert_non_null(strstr(err, "--class"));
	assert_int_equal(cap_find_class(&sc, "b", err, sizeof err), 1);
	assert_int_equal(cap_find_class(&sc, "c", err, sizeof err), -1);
	assert_non_null(strstr(err, "not { poisson"));
	assert_int_equal(cap_find_class(&sc, "zz", err, sizeof err), -1);
	assert_non_null(strstr(err, "no such task class"));
	sc_free(&sc);
	const char *only_a[] = { "workload.b.arrival={closed: {clients: 1}}" };
	assert_int_equal(sc_load_string("two.yaml", two_classes, only_a, 1, &sc, err, sizeof err), 0);
	assert_int_equal(cap_find_class(&sc, NULL, err, sizeof err), 0);
	sc_free(&sc);
}

/* ---- the search against queueing theory -------------------------------------------- */

/* The rate at which the M/M/c mean response time equals target (it
 * increases with the rate, so bisection over [0, c/s)). */
static double mmc_rate_for(int c, double s, double target)
{
	double lo = 0, hi = c / s * (1 - 1e-9);
	for (int i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2;
		if (mmc_response(c, s, mid) < target)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static int probes_seen;

static void count_progress(void *ctx, const char *line)
{
	(void)ctx;
	(void)line;
	probes_seen++;
}

static const char zero_costs[] =
	"kernel: { switch: 0, wake: 0, wake_idle: 0, wake_idle_deep: 0, timer_slack: 0, thread_create: 0,\n"
	"          thread_exit: 0, syscall: 0 }\n"
	"acceptor: { enabled: false }\n"
	"output: { sample: 0 }\n";

/* M/M/4 with 1 ms exponential service and no kernel or queue costs (as
 * tests/test_queueing.c sets up): the SLO mean<=1.5ms holds up to the rate
 * where Erlang C gives 1.5 ms, about 2,990/s (load 0.75). Tolerance 3%:
 * the bisection stops within 1% below the simulated crossing; the mean of
 * 2 x 58 s at load 0.75 (~350,000 requests) is within about 2% of its
 * expectation, and the mean response time's elasticity to the rate there
 * is 1.9, so that moves the crossing by about 1%. */
static void test_pool_capacity_matches_erlang_c(void **state)
{
	(void)state;
	skip_under_asan();
	const int c = 4;
	const double s = 1e-3, target = 1.5e-3;
	char yaml[2048], err[512];
	snprintf(yaml, sizeof yaml,
		 "name: mmc_capacity\nduration: 60s\nwarmup: 2s\nseed: 3\nmachine: { cores: %d }\n%s"
		 "models: { pool: { workers: %d, enqueue: 0 } }\n"
		 "workload:\n  req:\n    arrival: { poisson: 1000/s }\n"
		 "    program: [ { cpu: { exp: 1ms } } ]\n", c, zero_costs, c);
	char *path = tu_write_temp(yaml, ".yaml");
	assert_non_null(path);
	struct cap_opts o = { .scenario_path = path, .reps = 2, .tolerance = 0.01, .progress = count_progress };
	assert_int_equal(slo_parse("mean<=1.5ms", &o.slo, err, sizeof err), 0);
	struct cap_result r;
	probes_seen = 0;
	int rc = cap_search(&o, "pool", &r, err, sizeof err);
	if (rc)
		fail_msg("%s", err);
	double expect = mmc_rate_for(c, s, target);
	fprintf(stderr, "M/M/%d mean<=1.5ms: capacity %.1f/s (first failing %.1f/s), Erlang C %.1f/s (%+.2f%%), "
		"%d probes\n", c, r.rate, r.fail_rate, expect, 100 * (r.rate / expect - 1), r.probes);
	assert_int_equal(r.outcome, CAP_FOUND);
	assert_int_equal(r.probes, probes_seen);
	assert_true((r.fail_rate - r.rate) / r.rate <= 0.01);
	assert_true(fabs(r.rate / expect - 1) < 0.03);
	/* below saturation (rho = 0.75) the queue keeps up: the SLO is the limit */
	assert_int_equal(r.limit, CAP_LIMIT_SLO);
	assert_non_null(strstr(r.limit_why, "mean"));
	unlink(path);
	free(path);
}

/* A pool of 2 workers whose requests wait 10 ms is capped at
 * workers / hold time = 2 / 10.01 ms = 199.8/s, far below any CPU limit:
 * an SLO on CPU alone never fails, and only the overload rule
 * (completions fall short of arrivals) finds the cap. The capacity must
 * lie above 97% of it (the bracket is 1% wide; a queue just below
 * saturation completes nearly all its arrivals) and below the cap over
 * 1 - 2% (the rule's slack, 4/sqrt(40,000 arrivals) = 2%), plus the 1%
 * bracket. */
static void test_overload_rule_finds_worker_limit(void **state)
{
	(void)state;
	skip_under_asan();
	char err[512];
	char *path = tu_write_temp("name: workers\nduration: 200s\nwarmup: 2s\nseed: 3\nmachine: { cores: 8 }\n"
				   "acceptor: { enabled: false }\noutput: { sample: 0 }\n"
				   "models: { pool: { workers: 2 } }\n"
				   "workload:\n  req:\n    arrival: { poisson: 50/s }\n"
				   "    program: [ { cpu: 10us }, { net: 10ms } ]\n", ".yaml");
	assert_non_null(path);
	struct cap_opts o = { .scenario_path = path, .reps = 1, .tolerance = 0.01 };
	assert_int_equal(slo_parse("cpu<0.9", &o.slo, err, sizeof err), 0);
	struct cap_result r;
	if (cap_search(&o, "pool", &r, err, sizeof err))
		fail_msg("%s", err);
	const double cap = 2 / 10.01e-3;  /* workers / time each request holds one */
	fprintf(stderr, "2 workers x 10 ms: capacity %.1f/s (first failing %.1f/s), workers/hold %.1f/s\n",
		r.rate, r.fail_rate, cap);
	assert_int_equal(r.outcome, CAP_FOUND);
	assert_true(r.rate > 0.97 * cap);
	assert_true(r.rate < cap / 0.98 * 1.01);
	/* the CPU SLO never fails here: the completion rule is what limited it */
	assert_int_equal(r.limit, CAP_LIMIT_OVERLOAD);
	assert_non_null(strstr(r.limit_why, "overloaded: completed"));
	unlink(path);
	free(path);
}

/* Given bounds are checked, not trusted: a --rate-lo that already fails
 * gives "below", a --rate-hi that still holds gives "above". Every probe
 * lands in the database with its own point_id and the rate it ran at. */
static void test_given_bounds_and_database(void **state)
{
	(void)state;
	char err[512];
	char *path = tu_write_temp("name: bounds\nduration: 20s\nwarmup: 1s\nseed: 3\nmachine: { cores: 1 }\n"
				   "acceptor: { enabled: false }\noutput: { sample: 0 }\n"
				   "models: { pool: { workers: 1 } }\n"
				   "workload:\n  req:\n    arrival: { poisson: 100/s }\n"
				   "    program: [ { cpu: { exp: 1ms } } ]\n", ".yaml");
	assert_non_null(path);
	char dbpath[] = "build/tmp/gmpsim-test-capacity-XXXXXX.db";
	int fd = mkstemps(dbpath, 3);
	assert_true(fd >= 0);
	close(fd);
	struct db *db = db_create(dbpath, err, sizeof err);
	assert_non_null(db);
	int point = 0;
	struct cap_opts o = { .scenario_path = path, .reps = 2, .tolerance = 0.05, .db = db, .next_point = &point };
	assert_int_equal(slo_parse("mean<5ms", &o.slo, err, sizeof err), 0);
	struct cap_result r;
	o.rate_lo = 950; /* M/M/1 at load 0.95: mean 20 ms */
	o.rate_hi = 990;
	assert_int_equal(cap_search(&o, "pool", &r, err, sizeof err), 0);
	assert_int_equal(r.outcome, CAP_BELOW);
	assert_true(isnan(r.rate));
	o.rate_lo = 10;
	o.rate_hi = 20;
	assert_int_equal(cap_search(&o, "pool", &r, err, sizeof err), 0);
	assert_int_equal(r.outcome, CAP_ABOVE);
	assert_true(r.rate == 20);
	assert_int_equal(point, 4);
	assert_int_equal(db_close_commit(db, err, sizeof err), 0);
	sqlite3 *h;
	assert_int_equal(sqlite3_open_v2(dbpath, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT count(*), count(DISTINCT point_id), "
					"sum(p.value = '20/s'), count(DISTINCT seed) FROM runs JOIN params p "
					"USING(run_id) WHERE p.key = 'workload.req.arrival.poisson'", -1, &q, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 8);  /* 4 probes x 2 reps */
	assert_int_equal(sqlite3_column_int(q, 1), 4);
	assert_int_equal(sqlite3_column_int(q, 2), 2);
	assert_int_equal(sqlite3_column_int(q, 3), 2);  /* seeds 3 and 4 */
	sqlite3_finalize(q);
	sqlite3_close(h);
	unlink(dbpath);
	unlink(path);
	free(path);
}

/* Repetitions simulated on threads (-j) give the same search, probe for
 * probe, as one at a time: each is booked in repetition order. */
static void test_jobs_do_not_change_results(void **state)
{
	(void)state;
	char err[512];
	char *path = tu_write_temp("name: jobs\nduration: 10s\nwarmup: 1s\nseed: 5\nmachine: { cores: 1 }\n"
				   "acceptor: { enabled: false }\noutput: { sample: 0 }\n"
				   "models: { pool: { workers: 1 } }\n"
				   "workload:\n  req:\n    arrival: { poisson: 100/s }\n"
				   "    program: [ { cpu: { exp: 1ms } } ]\n", ".yaml");
	assert_non_null(path);
	struct cap_result r[2];
	for (int k = 0; k < 2; k++) {
		struct cap_opts o = { .scenario_path = path, .reps = 3, .jobs = k ? 3 : 1, .tolerance = 0.05 };
		assert_int_equal(slo_parse("mean<5ms", &o.slo, err, sizeof err), 0);
		if (cap_search(&o, "pool", &r[k], err, sizeof err))
			fail_msg("%s", err);
	}
	fprintf(stderr, "M/M/1 mean<5ms: capacity %.1f/s (theory: rho 0.8, 800/s)\n", r[0].rate);
	assert_int_equal(r[0].outcome, CAP_FOUND);
	assert_int_equal(r[0].probes, r[1].probes);
	assert_memory_equal(&r[0].rate, &r[1].rate, sizeof r[0].rate);
	assert_memory_equal(&r[0].fail_rate, &r[1].fail_rate, sizeof r[0].fail_rate);
	unlink(path);
	free(path);
}

/* --reps N: one search per seed, seed..seed+N-1. Seed i's search is the
 * plain one-rep search with seed=seed+i, probe for probe, and searching
 * the seeds on threads changes nothing. */
static void test_search_per_seed(void **state)
{
	(void)state;
	char err[512];
	char *path = tu_write_temp("name: seeds\nduration: 10s\nwarmup: 1s\nseed: 5\nmachine: { cores: 1 }\n"
				   "acceptor: { enabled: false }\noutput: { sample: 0 }\n"
				   "models: { pool: { workers: 1 } }\n"
				   "workload:\n  req:\n    arrival: { poisson: 100/s }\n"
				   "    program: [ { cpu: { exp: 1ms } } ]\n", ".yaml");
	assert_non_null(path);
	struct cap_result seq[3], par[3], one;
	struct cap_opts o = { .scenario_path = path, .reps = 7, .tolerance = 0.05 };
	assert_int_equal(slo_parse("mean<5ms", &o.slo, err, sizeof err), 0);
	if (cap_search_seeds(&o, "pool", 3, seq, err, sizeof err))
		fail_msg("%s", err);
	o.jobs = 3;
	if (cap_search_seeds(&o, "pool", 3, par, err, sizeof err))
		fail_msg("%s", err);
	const char *set = "seed=7";
	struct cap_opts p = { .scenario_path = path, .reps = 1, .tolerance = 0.05, .sets = &set, .nsets = 1 };
	p.slo = o.slo;
	if (cap_search(&p, "pool", &one, err, sizeof err))
		fail_msg("%s", err);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(seq[i].seed, 5 + i);
		assert_int_equal(seq[i].outcome, CAP_FOUND);
		assert_int_equal(seq[i].probes, par[i].probes);
		assert_memory_equal(&seq[i].rate, &par[i].rate, sizeof seq[i].rate);
		/* M/M/1 with mean < 5 ms: rho < 0.8, 800/s; within the bracket and the noise of 9 s */
		assert_true(seq[i].rate > 650 && seq[i].rate < 900);
		assert_int_equal(seq[i].limit, CAP_LIMIT_SLO);
	}
	assert_memory_equal(&seq[2].rate, &one.rate, sizeof one.rate);
	assert_memory_equal(&seq[2].fail_rate, &one.fail_rate, sizeof one.fail_rate);
	assert_int_equal(seq[2].probes, one.probes);
	unlink(path);
	free(path);
}

/* ---- the command line ------------------------------------------------------------------ */

static int run_cli(const char *args, char *out, size_t len)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "%s capacity %s 2>&1", getenv("GMPSIM") ? getenv("GMPSIM") : "./gmpsim", args);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(out, 1, len - 1, p);
	out[n] = 0;
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_cli_errors(void **state)
{
	(void)state;
	static const struct { const char *args, *expect; } bad[] = {
		{ "scenarios/10k_rps.yaml --slo 'p99<fast'", "'p99<fast'" },
		{ "scenarios/10k_rps.yaml", "missing --slo" },
		{ "--slo 'p99<1s'", "missing scenario" },
		{ "scenarios/10k_rps.yaml --slo 'p99<1s' --tolerance 0", "--tolerance '0'" },
		{ "scenarios/10k_rps.yaml --slo 'p99<1s' --reps 0", "--reps '0'" },
		{ "scenarios/10k_rps.yaml --slo 'p99<1s' -j 0", "-j '0'" },
		{ "scenarios/10k_rps.yaml --slo 'p99<1s' --rate-lo fast", "--rate-lo 'fast'" },
		{ "scenarios/10k_rps.yaml --slo 'p99<1s' --rate-lo 5000/s --rate-hi 10/s", "--rate-hi" },
		{ "scenarios/10k_rps.yaml --slo 'p99<1s' --model nosuch", "--model 'nosuch'" },
		{ "scenarios/10k_rps.yaml --slo 'p99<1s' --class nosuch", "no such task class" },
		{ "scenarios/spawn_100k.yaml --slo 'p99<1s'", "no task class with a { poisson" },
		{ "scenarios/10k_rps.yaml --slo 'p99<1s' --set machine.cores=zero", "--set machine.cores=zero" },
	};
	char out[8192];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = run_cli(bad[i].args, out, sizeof out);
		if (rc != 2 || !strstr(out, bad[i].expect))
			fail_msg("gmpsim capacity %s: exit %d, output: %s", bad[i].args, rc, out);
	}
}

/* The report names the capacity and the ratio between models. */
static void test_cli_report(void **state)
{
	(void)state;
	char out[1 << 15];
	int rc = run_cli("scenarios/10k_rps.yaml --slo 'p99<150ms' --model threads --model pool -q "
			 "--set duration=1500ms --set warmup=500ms --set machine.cores=2 --tolerance 10%", out, sizeof out);
	if (rc != 0)
		fail_msg("exit %d: %s", rc, out);
	assert_non_null(strstr(out, "capacity/s"));
	assert_non_null(strstr(out, "\npool "));
	assert_non_null(strstr(out, "\nthreads "));
	/* no gmp: the first alphabetically is the reference; ratio = MODEL ÷ pool */
	assert_non_null(strstr(out, "ratio = MODEL \u00f7 pool"));
	assert_non_null(strstr(out, "threads sustains "));
	assert_non_null(strstr(out, "\u00d7 pool's rate at p99<150ms"));
	assert_non_null(strstr(out, "from the search brackets: the search's resolution, not a confidence interval"));
	assert_non_null(strstr(out, "limited by"));
	/* pool: 200 workers x 100 ms = 2,000/s, capped by its workers; on 2
	 * cores its latency is the wait for a worker: overload or the SLO, named */
	assert_true(strstr(out, "the completion rule") || strstr(out, "the SLO"));

	/* --reps 3: an interval across seeds, paired by seed */
	rc = run_cli("scenarios/10k_rps.yaml --slo 'p99<150ms' --model threads --model pool -q --reps 3 -j 2 "
		     "--set duration=1500ms --set warmup=500ms --set machine.cores=2 --tolerance 10%", out, sizeof out);
	if (rc != 0)
		fail_msg("exit %d: %s", rc, out);
	assert_non_null(strstr(out, "one search per seed, seeds 1..3"));
	assert_non_null(strstr(out, "95% CI over seeds"));
	assert_non_null(strstr(out, "over 3 seeds, paired by seed)"));
	assert_non_null(strstr(out, "in 3 of 3 seeds") || strstr(out, "of 3 seeds"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slo_parse_ok),
		cmocka_unit_test(test_slo_parse_errors),
		cmocka_unit_test(test_slo_met),
		cmocka_unit_test(test_overload_rule),
		cmocka_unit_test(test_find_class),
		cmocka_unit_test(test_pool_capacity_matches_erlang_c),
		cmocka_unit_test(test_overload_rule_finds_worker_limit),
		cmocka_unit_test(test_given_bounds_and_database),
		cmocka_unit_test(test_jobs_do_not_change_results),
		cmocka_unit_test(test_search_per_seed),
		cmocka_unit_test(test_cli_errors),
		cmocka_unit_test(test_cli_report),
	};
	return cmocka_run_group_tests_name("capacity", tests, NULL, NULL);
}
