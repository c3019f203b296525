/* tests/test_budgets.c — issue 12 D3 and D6 end to end: huge but valid
 * inputs end within seconds with a message naming the cause and the
 * scenario place, exit 1, the failed run stored with its reason, no
 * temporary file left — instead of aborting on out-of-memory after
 * minutes, or running with no bound. Every case runs under `timeout`, so
 * a runaway fails the test instead of hanging it. The expected needs are
 * derived by hand from the inputs (arrivals = rate x duration, 8 bytes of
 * latency sample each; samples = duration / interval + 1). */
#include "testutil.h"
#include <dirent.h>
#include <sys/stat.h>
#include <time.h>

#define BASE "scenarios/10k_rps.yaml --model pool --set duration=2s --set warmup=0s -q"

static char out[1 << 15];

/* Runs BASE with extra arguments into dir/r.db under a 60 s timeout;
 * returns the exit status, output in out. */
static int run_case(const char *dir, const char *extra)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "timeout 60 %s " BASE " %s -o '%s/r.db' 2>&1", tu_gmpsim(), extra, dir);
	return tu_popen(cmd, out, sizeof out);
}

static void expect_failed_run(const char *dir, const char *extra, const char *msg, const char *place)
{
	int rc = run_case(dir, extra);
	if (rc != 1 || !strstr(out, msg) || !strstr(out, place))
		fail_msg("%s: exit %d: %s", extra, rc, out);
	char db[512];
	snprintf(db, sizeof db, "%s/r.db", dir);
	char *sql = sqlite3_mprintf("select count(*) from runs where status='failed' and instr(error, '%q') > 0", msg);
	assert_int_equal(tu_query_int(db, sql), 1);
	sqlite3_free(sql);
	assert_int_equal(tu_temp_files(dir), 0);
}

/* The reproducers: refused before simulating, naming where. */
static void test_huge_inputs_fail_at_once(void **state)
{
	(void)state;
	char *d = tu_scratch("bud");
	/* 1e12/s x 2 s = 2e12 arrivals x 8 B = 14.6 TiB */
	expect_failed_run(d, "--set 'workload.request.arrival={poisson: 1e12/s}'",
			  "memory budget: the run needs at least 14.6 TiB (poisson 1e+12/s x 2 s = 2e+12 arrivals",
			  "--set workload.request.arrival={poisson: 1e12/s}:1:11");
	expect_failed_run(d, "--set 'workload.request.arrival={batch: {count: 1000000000}}'",
			  "(a batch of 1e+09 tasks of class 'request')", ":1:9: memory budget");
	expect_failed_run(d, "--set 'workload.request.arrival={closed: {clients: 1000000000}}'",
			  "(1e+09 closed-loop clients of class 'request')", ":1:10: memory budget");
	/* 2 s / 1 ns + 1 samples */
	expect_failed_run(d, "--set output.sample=1ns", "(a sample every 1 ns for 2 s = 2e+09 samples of 6 series)",
			  "--set output.sample=1ns:1:1: memory budget");
	/* repeat 1e12 x 1 cpu op per request: at least 1e12 events each */
	expect_failed_run(d, "--set 'workload.request.program=[{repeat: {times: 1000000000000, do: [{cpu: 1us}]}}]'",
			  "event budget: the run fires at least 2e+16 events", "each firing at least 1e+12 events");
	/* the same in a file: the place is the file's line and column */
	char yaml[512], args[1024];
	snprintf(yaml, sizeof yaml, "%s/huge.yaml", d);
	FILE *f = fopen(yaml, "w");
	assert_non_null(f);
	fputs("name: huge\nduration: 10s\nmodels:\n  gmp: {}\nworkload:\n  req:\n"
	      "    arrival: { poisson: 1e12/s }\n    program: [ { cpu: 1us } ]\n", f);
	assert_int_equal(fclose(f), 0);
	snprintf(args, sizeof args, "timeout 20 %s '%s' -q -o '%s/h.db' 2>&1", tu_gmpsim(), yaml, d);
	assert_int_equal(tu_popen(args, out, sizeof out), 1);
	snprintf(args, sizeof args, "%s:7:25: memory budget", yaml);
	assert_non_null(strstr(out, args));
	tu_rm_rf(d);
	free(d);
}

/* Needs under the estimate that still blow a budget while running: the
 * engine and the memory account stop the run (a pool of 200 workers
 * serving 1e6 requests/s of 200 us CPU holds ever more queued tasks). */
static void test_budgets_stop_a_running_run(void **state)
{
	(void)state;
	char *d = tu_scratch("bud");
	expect_failed_run(d, "--set limits.memory=64MiB --set 'workload.request.arrival={poisson: 1000000/s}'",
			  "memory budget (0.0625 GiB) exceeded by tasks at virtual time",
			  "the largest load is --set workload.request.arrival={poisson: 1000000/s}:1:11");
	/* 2e4 arrivals x (1 + 3 ops) = 8e4 events at least; the run needs more */
	expect_failed_run(d, "--set limits.events=100000", "event budget: 100000 events fired by virtual time",
			  "(limits.events); the largest load is scenarios/10k_rps.yaml:");
	tu_rm_rf(d);
	free(d);
}

/* Closed clients with think 0 whose requests fail at once (issue 12 D11)
 * stop at limits.stuck_events, before the closed-loop guard's 100k. */
static void test_stuck_events(void **state)
{
	(void)state;
	char *d = tu_scratch("bud"), yaml[512], args[1024];
	snprintf(yaml, sizeof yaml, "%s/stuck.yaml", d);
	FILE *f = fopen(yaml, "w");
	assert_non_null(f);
	fputs("name: stuck\nduration: 1s\nwarmup: 0s\nmachine: { cores: 2 }\nacceptor: { enabled: false }\n"
	      "limits: { stuck_events: 1000 }\nmodels:\n  pool: { workers: 1, queue: 1 }\nworkload:\n  req:\n"
	      "    arrival: { closed: { clients: 4, think: 0 } }\n    program: [ { cpu: 100us } ]\n", f);
	assert_int_equal(fclose(f), 0);
	snprintf(args, sizeof args, "timeout 20 %s '%s' -q -o '%s/s.db' 2>&1", tu_gmpsim(), yaml, d);
	assert_int_equal(tu_popen(args, out, sizeof out), 1);
	assert_non_null(strstr(out, "no progress: 1000 events at virtual time 0 s without time advancing"));
	snprintf(args, sizeof args, "%s:11:24: 4 closed-loop clients of class 'req'", yaml);
	assert_non_null(strstr(out, args));
	tu_rm_rf(d);
	free(d);
}

/* validate warns (exit 0) about what will blow a budget, and says nothing
 * for the shipped scenario. */
static void test_validate_warns(void **state)
{
	(void)state;
	assert_int_equal(tu_run_gmpsim("validate scenarios/10k_rps.yaml", out, sizeof out), 0);
	assert_null(strstr(out, "warning"));
	assert_int_equal(tu_run_gmpsim("validate scenarios/10k_rps.yaml --set output.sample=1ns", out, sizeof out), 0);
	assert_non_null(strstr(out, "warning: every run will fail: --set output.sample=1ns:1:1: memory budget"));
	/* 10 s / 1 us = 1e7 samples x 6 series x 24 B = 1.34 GiB: past half of 2 GiB */
	assert_int_equal(tu_run_gmpsim("validate scenarios/10k_rps.yaml --set output.sample=1us", out, sizeof out), 0);
	assert_non_null(strstr(out, "warning: --set output.sample=1us:1:1: memory budget: the run needs at least 1.34 GiB"));
	assert_int_equal(tu_run_gmpsim("validate scenarios/10k_rps.yaml --set 'workload.request.arrival={poisson: 1e12/s}'",
				       out, sizeof out), 0);
	assert_non_null(strstr(out, "warning: every run will fail"));
}

/* D6: runaway settings are refused with the reason. */
static void test_runaway_settings_refused(void **state)
{
	(void)state;
	assert_int_equal(tu_run_gmpsim("validate scenarios/10k_rps.yaml --set kernel.sched_latency=1ns", out, sizeof out), 2);
	assert_non_null(strstr(out, "kernel.sched_latency must be >= 100000 ns, got '1ns'"));
	assert_int_equal(tu_run_gmpsim(BASE " --schedtrace 1ns -o /dev/null", out, sizeof out), 2);
	assert_non_null(strstr(out, "--schedtrace: at least 1ms"));
	/* a 1000 x 1000 sweep is refused before any point is loaded */
	char *cores = malloc(8000), *workers = malloc(8000), *cmd = malloc(20000);
	size_t a = 0, b = 0;
	for (int i = 1; i <= 1000; i++) {
		a += (size_t)snprintf(cores + a, 8000 - a, "%s%d", i > 1 ? "," : "", i);
		b += (size_t)snprintf(workers + b, 8000 - b, "%s%d", i > 1 ? "," : "", i);
	}
	snprintf(cmd, 20000, "timeout 20 %s sweep scenarios/10k_rps.yaml --set machine.cores=%s --set models.pool.workers=%s --list 2>&1",
		 tu_gmpsim(), cores, workers);
	assert_int_equal(tu_popen(cmd, out, sizeof out), 2);
	assert_non_null(strstr(out, "the sweep has 1000000 points (1000 x 1000), more than 100000"));
	free(cores);
	free(workers);
	free(cmd);
}

/* Issue 12 Q: query is bounded and hardened. A billion-byte blob is
 * refused at once (the largest string or blob is 1e8 bytes), an endless
 * recursive CTE stops at --timeout, SQLite's heap is capped by
 * --max-memory, and fts3_tokenizer (which returns a code pointer), ATTACH
 * and PRAGMA are not authorized. */
static void test_query_bounded(void **state)
{
	(void)state;
	char *d = tu_scratch("bud"), args[1024];
	snprintf(args, sizeof args, BASE " -o %s/q.db", d);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	static const char *const cases[][3] = {
		{ "", "select length(randomblob(1e9))", "string or blob too big" },
		{ "--timeout 1", "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c",
		  "stopped after 1 s (the time limit; raise it with --timeout SECONDS)" },
		{ "--max-memory 8MiB", "select length(group_concat(randomblob(1000))) from (with recursive c(x) as "
		  "(select 1 union all select x + 1 from c limit 100000) select x from c)", "out of memory" },
		{ "", "select fts3_tokenizer('simple')", "not authorized to use function: fts3_tokenizer" },
		{ "", "select load_extension('/tmp/x.so')", "not authorized" },
		{ "", "attach '/tmp/other.db' as o", "not authorized" },
		{ "", "pragma writable_schema = 1", "not authorized" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		snprintf(args, sizeof args, "timeout 30 %s query %s %s/q.db \"%s\" 2>&1", tu_gmpsim(), cases[i][0], d, cases[i][1]);
		int rc = tu_popen(args, out, sizeof out);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		if (rc != 2 || !strstr(out, cases[i][2]) || s > 10)
			fail_msg("query %s '%s': exit %d after %.1f s: %s", cases[i][0], cases[i][1], rc, s, out);
	}
	/* the reports still work under the defences */
	snprintf(args, sizeof args, "query %s/q.db summary", d);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	snprintf(args, sizeof args, "query %s/q.db compare", d);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	tu_rm_rf(d);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_huge_inputs_fail_at_once),
		cmocka_unit_test(test_budgets_stop_a_running_run),
		cmocka_unit_test(test_stuck_events),
		cmocka_unit_test(test_validate_warns),
		cmocka_unit_test(test_runaway_settings_refused),
		cmocka_unit_test(test_query_bounded),
	};
	return cmocka_run_group_tests_name("budgets", tests, NULL, NULL);
}
