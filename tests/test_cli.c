/* tests/test_cli.c — the command line end to end: scenarios/10k_rps.yaml
 * (shortened with --set) through ./gmpsim, then the database checked with
 * SQLite; bad input exits 2 with file:line:column and writes nothing. */
#include "testutil.h"
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>

static bool exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

static double query_double(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	double v = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void test_10k_rps_short_run(void **state)
{
	(void)state;
	const char *db = "build/tmp/gmpsim-test-cli.db";
	unlink(db);
	static char out[1 << 16];
	int rc = tu_run_gmpsim("scenarios/10k_rps.yaml --set duration=1500ms --set warmup=500ms "
			 "--set models.threads.runtime=native -o build/tmp/gmpsim-test-cli.db", out, sizeof out);
	if (rc != 0)
		fprintf(stderr, "%s\n", out);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "threads"));
	assert_non_null(strstr(out, "against gmp"));
	sqlite3 *h;
	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	/* one run per model of the scenario: gmp, threads, pool, eventloop */
	assert_int_equal(query_double(h, "select count(*) from runs where status='complete'"), 4);
	assert_int_equal(query_double(h, "select count(distinct model) from runs"), 4);
	assert_int_equal(query_double(h, "select value from params p join runs r using(run_id) "
				      "where r.model='pool' and key='models.pool.workers'"), 200);
	assert_int_equal(query_double(h, "select value from params where key='duration' limit 1"), 1.5e9);
	/* bare pthreads keep up with 10k/s: ~10,000 completions in the 1 s window */
	double thr = query_double(h, "select throughput from summary where model='threads'");
	assert_true(thr > 9000 && thr < 11000);
	/* the pool is capped near workers / request time = 200 / 100.2ms */
	double pool = query_double(h, "select throughput from summary where model='pool'");
	assert_true(pool > 1800 && pool < 2100);
	/* the event loop never waits for the network: it keeps up too */
	double evl = query_double(h, "select throughput from summary where model='eventloop'");
	assert_true(evl > 9000 && evl < 11000);
	/* the latency histogram holds every latency sample */
	assert_int_equal(query_double(h, "select sum(count) from histograms h join runs r using(run_id) "
				      "where r.model='threads' and h.name='latency'"),
			 query_double(h, "select value from metrics m join runs r using(run_id) "
				      "where r.model='threads' and m.name='latency_samples'"));
	assert_true(query_double(h, "select count(*) from timeseries where name='threads'") >= 15);
	assert_true(query_double(h, "select count(*) from compare") == 4);
	/* Go keeps up too, with about GOMAXPROCS + 2 threads */
	double go = query_double(h, "select throughput from summary where model='gmp'");
	assert_true(go > 9000 && go < 11000);
	assert_true(query_double(h, "select threads_peak from summary where model='gmp'") <= 8 + 3);
	sqlite3_close(h);
	unlink(db);
}

static void test_bad_input_exits_2_and_writes_nothing(void **state)
{
	(void)state;
	char *yaml = tu_write_temp("name: bad\nduration: 1s\nmodels:\n  pool: { wokers: 3 }\n"
				   "workload:\n  r:\n    arrival: { poisson: 10/s }\n    program: [ { cpu: 1ms } ]\n",
				   ".yaml");
	assert_non_null(yaml);
	char args[512], out[4096], expect[512];
	const char *db = "build/tmp/gmpsim-test-bad.db";
	unlink(db);
	snprintf(args, sizeof args, "%s -o %s", yaml, db);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 2);
	snprintf(expect, sizeof expect, "%s:4:11:", yaml);
	if (!strstr(out, expect) || !strstr(out, "did you mean 'workers'"))
		fprintf(stderr, "got: %s\n", out);
	assert_non_null(strstr(out, expect));
	assert_non_null(strstr(out, "did you mean 'workers'"));
	assert_false(exists(db));
	snprintf(args, sizeof args, "validate %s", yaml);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 2);
	unlink(yaml);
	free(yaml);
}

static void test_usage_errors(void **state)
{
	(void)state;
	char out[8192];
	assert_int_equal(tu_run_gmpsim("", out, sizeof out), 2);
	assert_int_equal(tu_run_gmpsim("/nonexistent/x.yaml", out, sizeof out), 2);
	assert_non_null(strstr(out, "/nonexistent/x.yaml"));
	assert_int_equal(tu_run_gmpsim("scenarios/10k_rps.yaml --model nosuch", out, sizeof out), 2);
	assert_int_equal(tu_run_gmpsim("scenarios/10k_rps.yaml --seed 3x", out, sizeof out), 2); /* -3 is a seed: signed, as printed */
	assert_int_equal(tu_run_gmpsim("scenarios/10k_rps.yaml --set machine.cores=zero", out, sizeof out), 2);
	assert_non_null(strstr(out, "--set machine.cores=zero"));
	assert_int_equal(tu_run_gmpsim("--bogus", out, sizeof out), 2);
	assert_int_equal(tu_run_gmpsim("--help", out, sizeof out), 0);
	assert_non_null(strstr(out, "usage: gmpsim"));
	assert_int_equal(tu_run_gmpsim("--version", out, sizeof out), 0);
	assert_non_null(strstr(out, "gmpsim "));
	assert_int_equal(tu_run_gmpsim("validate scenarios/10k_rps.yaml", out, sizeof out), 0);
	/* an unwritable output directory is bad input too */
	assert_int_equal(tu_run_gmpsim("scenarios/10k_rps.yaml -o /nonexistent/dir/x.db --set duration=10ms "
				 "--set warmup=0s", out, sizeof out), 2);
}

/* validate --print lists every resolved parameter as KEY=VALUE with the
 * parameter table's description and where the value came from as a
 * trailing comment, and a section's description above its first key;
 * --help says so. */
static void test_validate_print_shows_docs(void **state)
{
	(void)state;
	static char out[65536];
	assert_int_equal(tu_run_gmpsim("validate scenarios/10k_rps.yaml --print --set machine.cores=16",
				       out, sizeof out), 0);
	assert_non_null(strstr(out, ": ok ("));
	const char *line = strstr(out, "\nmachine.cores=16 ");
	assert_non_null(line);
	const char *doc = strstr(line, "# CPU cores; from --set machine.cores=16\n");
	assert_true(doc && doc < strchr(line + 1, '\n') + 1);
	assert_non_null(strstr(out, "\nkernel.switch=1000 "));  /* analysis/profiles/default.yaml */
	assert_non_null(strstr(out, "# context switch on a core [ns]; from default\n"));
	assert_non_null(strstr(out, "\nduration=10000000000 "));
	/* the line the scenario file sets duration on */
	FILE *f = fopen("scenarios/10k_rps.yaml", "r");
	assert_non_null(f);
	char text[512], want[128];
	int lineno = 0, at = 0;
	while (!at && fgets(text, sizeof text, f))
		if (++lineno && strncmp(text, "duration:", 9) == 0)
			at = lineno;
	fclose(f);
	snprintf(want, sizeof want, "# simulated time per run [ns]; from scenario scenarios/10k_rps.yaml:%d\n", at);
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, "\n# models: the models to run, at least one\n"));
	assert_int_equal(tu_run_gmpsim("validate --help", out, sizeof out), 0);
	assert_non_null(strstr(out, "--print"));
	assert_int_equal(tu_run_gmpsim("scenarios/10k_rps.yaml --print", out, sizeof out), 2);
	assert_non_null(strstr(out, "--print is an option of gmpsim validate"));
}

/* proc.go:schedtrace: "SCHED 500ms: gomaxprocs=8 idleprocs=N threads=N
 * spinningthreads=N idlethreads=N runqueue=N [n n n n n n n n]" */
static void test_schedtrace_lines(void **state)
{
	(void)state;
	char out[1 << 14];
	assert_int_equal(tu_run_gmpsim("scenarios/10k_rps.yaml --model gmp --schedtrace 500ms --set duration=1s --set warmup=0s "
				 "-o build/tmp/gmpsim-test-st.db", out, sizeof out), 0);
	unlink("build/tmp/gmpsim-test-st.db");
	int lines = 0;
	for (char *l = strstr(out, "SCHED "); l; l = strstr(l + 1, "SCHED ")) {
		long ms;
		int procs, idle, threads, spin, idlet, rq, used = 0;
		assert_int_equal(sscanf(l, "SCHED %ldms: gomaxprocs=%d idleprocs=%d threads=%d "
					"spinningthreads=%d idlethreads=%d runqueue=%d [%n",
					&ms, &procs, &idle, &threads, &spin, &idlet, &rq, &used), 7);
		assert_true(used > 0);
		assert_int_equal(ms, 500 * (lines + 1));
		assert_int_equal(procs, 8);
		int per = 0, v;
		const char *q = l + used;
		for (int k; sscanf(q, "%d%n", &v, &k) == 1; q += k)
			per++;
		assert_int_equal(per, 8);
		assert_int_equal(*q, ']');
		lines++;
	}
	assert_int_equal(lines, 2);
}

static void test_model_selection(void **state)
{
	(void)state;
	const char *db = "build/tmp/gmpsim-test-model.db";
	char out[1 << 14];
	unlink(db);
	assert_int_equal(tu_run_gmpsim("scenarios/10k_rps.yaml --model pool --set duration=300ms --set warmup=100ms "
				 "--seed 9 -q -o build/tmp/gmpsim-test-model.db", out, sizeof out), 0);
	sqlite3 *h;
	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(query_double(h, "select count(*) from runs"), 1);
	assert_int_equal(query_double(h, "select seed from runs"), 9);
	sqlite3_close(h);
	unlink(db);
}

/* ---- overload marks and the verdict ---------------------------------------------- */

/* A pool of 2 workers whose requests each hold a worker 100 ms can serve
 * at most 2 / 0.1 s = 20 requests/s; at 100/s it completes about a fifth
 * of the arrivals, while gmp (one goroutine per request, the wait in the
 * netpoller) keeps up. With workers W = 50 the pool's bound is 500/s and
 * it keeps up too. Runs the scenario in its own build/tmp directory;
 * returns gmpsim's output (static). */
static const char *run_pool_scenario(int workers)
{
	static char out[1 << 16];
	char dir[64], path[128], args[512], yaml[1024];
	snprintf(dir, sizeof dir, "build/tmp/gmpsim-test-cli-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/pool.yaml", dir);
	snprintf(yaml, sizeof yaml,
		 "name: pool_bound\ndescription: a pool of %d workers, 100 ms per request, 100/s\n"
		 "duration: 3s\nwarmup: 1s\nseed: 1\nmachine:\n  cores: 4\n"
		 "models:\n  gmp: {}\n  pool: { workers: %d }\n"
		 "workload:\n  request:\n    arrival: { poisson: 100/s }\n    program:\n      - net: 100ms\n",
		 workers, workers);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(yaml, f);
	fclose(f);
	snprintf(args, sizeof args, "%s -o %s/pool.db 2>/dev/null", path, dir);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	snprintf(args, sizeof args, "rm -rf %s", dir);
	if (!getenv("KEEP"))
		assert_int_equal(system(args), 0);
	return out;
}

static void test_overloaded_model_is_marked(void **state)
{
	(void)state;
	const char *out = run_pool_scenario(2);
	const char *row = strstr(out, "\npool ");
	assert_non_null(row);
	const char *eol = strchr(row + 1, '\n');
	assert_non_null(strstr(row, "OVERLOADED"));
	assert_true(strstr(row, "OVERLOADED") < eol);         /* on pool's own row */
	assert_non_null(strstr(out, "OVERLOADED pool: completed "));
	assert_non_null(strstr(out, "backlog growing"));
	assert_null(strstr(out, "OVERLOADED gmp"));
	const char *grow = strstr(out, "\ngmp ");
	assert_non_null(grow);
	assert_true(strstr(grow, "OVERLOADED") > strchr(grow + 1, '\n')); /* not on gmp's row */
	/* pool's latency: understated ('>') or 'none', never a bare '-' */
	char cells[5][32];
	assert_int_equal(sscanf(row, "\npool %*s %*s %*s %*s %31s %31s %31s %31s %31s", cells[0], cells[1],
				cells[2], cells[3], cells[4]), 5);
	for (int i = 0; i < 5; i++)
		assert_true(cells[i][0] == '>' || strcmp(cells[i], "none") == 0);
	assert_non_null(strstr(out, "ratio = MODEL \u00f7 gmp"));
	assert_non_null(strstr(out, "verdict (ratio = MODEL \u00f7 gmp"));
	assert_non_null(strstr(out, "  pool     OVERLOADED (completed "));
	assert_non_null(strstr(out, "  gmp      kept up"));
	assert_non_null(strstr(out, "one run: `--reps 5` gives intervals; `gmpsim capacity` finds where each model breaks"));
}

static void test_model_that_keeps_up_is_not_marked(void **state)
{
	(void)state;
	const char *out = run_pool_scenario(50);
	assert_null(strstr(out, "OVERLOADED pool"));
	assert_null(strstr(out, "OVERLOADED gmp"));
	assert_null(strstr(out, "OVERLOADED ("));
	for (const char *m = "\ngmp \0\npool \0"; *m; m += strlen(m) + 1) {
		const char *row = strstr(out, m), *eol = row ? strchr(row + 1, '\n') : NULL;
		assert_non_null(eol);
		const char *over = strstr(row, "OVERLOADED"), *gt = strchr(row, '>');
		assert_true(!over || over > eol);
		assert_true(!gt || gt > eol);
	}
	assert_non_null(strstr(out, "  pool     kept up: "));
	assert_non_null(strstr(out, "one run: `--reps 5`"));
}

/* Every subcommand's --help exits 0, is its own (not the run's usage) and
 * names every option the subcommand takes. */
static void test_every_help_is_complete(void **state)
{
	(void)state;
	static const struct { const char *cmd, *head, *opts[16]; } helps[] = {
		{ "--help", "usage: gmpsim SCENARIO.yaml", { "--output", "--model", "--seed", "--set", "--schedtrace",
							      "--trace", "--trace-limit", "--quiet", "--reps", "--print",
							      "--version" } },
		{ "validate --help", "usage: gmpsim validate", { "--set", "--print", "--help" } },
		{ "validate scenarios/10k_rps.yaml -h", "usage: gmpsim validate", { "--set", "--print" } },
		{ "sweep --help", "usage: gmpsim sweep", { "--set", "--reps", "--jobs", "--output", "--model", "--seed",
							   "--run", "--list", "--resume", "--no-reuse", "--quiet" } },
		{ "merge --help", "usage: gmpsim merge", { "--quiet", "--help", "fingerprint", "run_number + 1" } },
		{ "compare --help", "usage: gmpsim compare", { "--metric", "--ref", "--csv", "--json", "UNSTABLE",
							       "OVERLOADED", "latency_max" } },
		{ "capacity --help", "usage: gmpsim capacity", { "--slo", "--reps", "--model", "--set", "--class",
								 "--rate-lo", "--rate-hi", "--tolerance", "--output",
								 "--jobs", "--quiet", "completion" } },
		{ "query --help", "usage: gmpsim query", { "--csv", "--json", "--run" } },
		{ "plot --help", "usage: gmpsim plot", { "--metric", "--x", "--where", "--hist", "--series", "--run",
							 "--output", "--png", "--title" } },
		{ "export --help", "usage: gmpsim export", { "--run", "--output", "--max-events", "from 1" } },
	};
	static char out[1 << 16];
	for (size_t i = 0; i < sizeof helps / sizeof helps[0]; i++) {
		int rc = tu_run_gmpsim(helps[i].cmd, out, sizeof out);
		if (rc != 0 || strncmp(out, helps[i].head, strlen(helps[i].head)) != 0)
			fail_msg("gmpsim %s: exit %d, begins '%.60s'", helps[i].cmd, rc, out);
		for (int k = 0; helps[i].opts[k]; k++)
			if (!strstr(out, helps[i].opts[k]))
				fail_msg("gmpsim %s does not mention %s", helps[i].cmd, helps[i].opts[k]);
	}
	/* -r means --reps wherever it exists, never --run */
	assert_int_equal(tu_run_gmpsim("export x.db -r 1 -o x.json", out, sizeof out), 2);
	assert_non_null(strstr(out, "invalid option"));
}

/* A duration written with a space ("100 ms") is parsed like "100ms" and
 * stored in ns, in the table's rows and in the workload alike; a size
 * with a unit is stored in bytes. */
static void test_durations_with_spaces_stored_in_ns(void **state)
{
	(void)state;
	char *yaml = tu_write_temp("name: spaced\nduration: 1 s\nwarmup: 100 ms\nmachine: { cores: 2 }\n"
				   "models: { gmp: {} }\nworkload:\n  request:\n    arrival: { poisson: 100/s }\n"
				   "    program: [ { cpu: 100 us }, { net: { exp: 10 ms } }, { alloc: 4 KiB },\n"
				   "               { sleep: { uniform: [1ms, 2 ms] } } ]\n", ".yaml");
	assert_non_null(yaml);
	const char *db = "build/tmp/gmpsim-cli-spaced.db";
	char args[512];
	static char out[1 << 16];
	snprintf(args, sizeof args, "%s -q -o %s", yaml, db);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	sqlite3 *h;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_true(query_double(h, "select value from params where key='warmup'") == 1e8);
	assert_true(query_double(h, "select count(*) from params where key='workload.request.program.0.cpu' and value='100000'") == 1);
	assert_true(query_double(h, "select count(*) from params where key='workload.request.program.1.net.exp' and value='10000000'") == 1);
	assert_true(query_double(h, "select count(*) from params where key='workload.request.program.2.alloc' and value='4096'") == 1);
	assert_true(query_double(h, "select count(*) from params where key GLOB 'workload.request.program.3.sleep.uniform.*' and value IN ('1000000', '2000000')") == 2);
	assert_true(query_double(h, "select count(*) from params where value GLOB '*[0-9] *s'") == 0); /* nothing raw */
	sqlite3_close(h);
	unlink(db);
	unlink(yaml);
	free(yaml);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_10k_rps_short_run),
		cmocka_unit_test(test_overloaded_model_is_marked),
		cmocka_unit_test(test_model_that_keeps_up_is_not_marked),
		cmocka_unit_test(test_bad_input_exits_2_and_writes_nothing),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_every_help_is_complete),
		cmocka_unit_test(test_durations_with_spaces_stored_in_ns),
		cmocka_unit_test(test_validate_print_shows_docs),
		cmocka_unit_test(test_model_selection),
		cmocka_unit_test(test_schedtrace_lines),
	};
	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
