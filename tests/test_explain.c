/* tests/test_explain.c — `gmpsim explain` (issue 15): each request's time
 * breakdown (sim/core/tb.h) and the CPU by cause (kernel.h, enum
 * cpu_cause; models/breakdown.c), and the report (sim/study/explain.c).
 *
 * The accounting is checked exactly (the parts of every request add up to
 * its latency in integer ns; the causes add up to the busy CPU) on the
 * shipped scenarios that exercise it, and the attribution against first
 * principles: a thread-per-request model differs from a pool in thread
 * creation by the configured create + exit cost per request; a request
 * that only sleeps spends the sleep asleep. The report's differences and
 * intervals are checked on a database whose values the test chose. */
#include "testrun.h"
#include "testdb.h"
#include "breakdown.h"
#include "explain.h"
#include "tb.h"
#include <math.h>
#include <string.h>

#define M tr_metric

/* The shipped scenarios and the CLI run in the normal build only: under
 * the sanitizers they take long and exercise nothing the smaller
 * scenarios (every part, thread creation, sleep) do not. */
static void skip_under_asan(void)
{
#ifdef GMPSIM_ASAN
	skip();
#endif
}

static const char *const models[] = { "gmp", "threads", "pool", "eventloop" };
enum { NMODELS = 4, NMODELS_1TO1 = 3 /* the first three: a request keeps its thread while it sleeps */ };

static double part_metric(const struct run_result *r, int p, const char *what)
{
	char name[64];
	snprintf(name, sizeof name, "tb_%s_%s", tb_part_name[p], what);
	return M(r, name);
}

static double cause_metric(const struct run_result *r, const char *prefix, int c)
{
	char name[64];
	snprintf(name, sizeof name, "%s%s", prefix, bd_cause_name[c]);
	return M(r, name);
}

/* The parts' sums are integers of ns and add up to the latencies' sum
 * exactly; their means to the latency mean and their p99 parts to the
 * p99 (floating point); no request was unbalanced. The causes' ns add up
 * to the busy CPU (cpu_task + ... + cpu_gc, in seconds). */
static void check_sums(const struct run_result *r, const char *what)
{
	assert_int_equal((int64_t)M(r, "tb_unbalanced"), 0);
	double n = M(r, "latency_samples");
	if (n > 0) {
		int64_t sum = 0;
		double mean = 0, p99 = 0;
		for (int p = 0; p < TB_COUNT; p++) {
			double s = part_metric(r, p, "sum");
			assert_true(s == floor(s) && s >= 0);
			sum += (int64_t)s;
			mean += part_metric(r, p, "mean");
			p99 += part_metric(r, p, "p99");
		}
		assert_int_equal(sum, (int64_t)M(r, "tb_latency_sum"));
		assert_true(fabs(mean - M(r, "latency_mean")) <= 1e-9 * M(r, "latency_mean"));
		assert_true(fabs(p99 - M(r, "latency_p99")) <= 1e-9 * M(r, "latency_p99"));
		/* the latency mean is the mean of the same latencies */
		assert_true(fabs((double)sum / n - M(r, "latency_mean")) <= 1e-6 * M(r, "latency_mean"));
	}
	double busy = M(r, "cpu_task") + M(r, "cpu_runtime") + M(r, "cpu_kernel") + M(r, "cpu_spin") + M(r, "cpu_gc");
	int64_t causes = 0;
	for (int c = 0; c < BD_COUNT; c++) {
		double v = cause_metric(r, "cpu_cause_", c);
		assert_true(v == floor(v) && v >= 0);
		causes += (int64_t)v;
	}
	fprintf(stderr, "%-28s %-8s %7.0f requests, busy %.9f s, causes %.9f s\n", what, r->model, n, busy,
		(double)causes / 1e9);
	assert_true(llabs(causes - llround(busy * 1e9)) <= 2);
}

/* The shipped scenarios of the issue (shortened), every model. */
static void test_shipped_scenarios_add_up(void **state)
{
	(void)state;
	skip_under_asan();
	static const char *const files[] = {
		"scenarios/10k_rps.yaml", "scenarios/gc_stw.yaml", "scenarios/syscall_storm.yaml",
		"scenarios/mutex_numa.yaml",
	};
	static const char *const sets[] = { "duration=600ms", "warmup=200ms" };
	for (size_t f = 0; f < sizeof files / sizeof files[0]; f++)
		for (int i = 0; i < NMODELS; i++) {
			struct scenario sc;
			char err[512];
			assert_int_equal(sc_load(files[f], sets, 2, &sc, err, sizeof err), 0);
			bool has = false;
			for (int k = 0; k < sc.nmodels; k++)
				has |= strcmp(sc.models[k], models[i]) == 0;
			if (!has) {
				sc_free(&sc);
				continue;
			}
			struct run_result r = tr_run_loaded(&sc, models[i]);
			check_sums(&r, files[f]);
			res_free(&r);
		}
}

/* Every kind of part, every model: channels, a mutex, sleeps, syscalls,
 * network waits, children, allocation with both collectors. */
static void test_every_part_adds_up(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: parts\nduration: 1s\nwarmup: 200ms\nmachine: { cores: 2 }\noutput: { sample: 0 }\n"
		"models: { gmp: {}, threads: { runtime: java }, pool: { workers: 16 }, eventloop: {} }\n"
		"channels: { c: { capacity: 0 } }\n"
		"programs:\n  child: [ { cpu: 20us }, { sleep: 200us } ]\n  receiver: [ { sleep: 100us }, { recv: c } ]\n"
		"workload:\n"
		"  req:\n    arrival: { poisson: 1000/s }\n"
		"    program: [ { cpu: 30us }, { lock: { mutex: m, hold: 20us } }, { net: 300us }, { syscall: 50us },\n"
		"               { alloc: 64KiB }, { spawn: { program: child, count: 2, wait: true } },\n"
		"               { spawn: { program: receiver, count: 1 } }, { send: c }, { sleep: 100us } ]\n";
	for (int i = 0; i < NMODELS; i++) {
		struct run_result r = tr_run(yaml, models[i], NULL, 0);
		check_sums(&r, "every part");
		/* the program's own waits show up in their parts: at least as long as asked
		 * (a timed wait ends when its timer fires and the task is made runnable) */
		assert_true(part_metric(&r, TB_NET, "mean") >= 300e3);
		assert_true(part_metric(&r, TB_SYSCALL, "mean") >= 50e3);
		assert_true(part_metric(&r, TB_SLEEP, "mean") >= 100e3);
		assert_true(part_metric(&r, TB_JOIN, "mean") >= 200e3);
		assert_true(part_metric(&r, TB_CHAN, "mean") > 0);
		/* running: the cpu op and the critical section, 50 us, plus at most the
		 * cache-line transfers of the lock (tens of ns) */
		assert_true(part_metric(&r, TB_RUN, "mean") >= 50e3 && part_metric(&r, TB_RUN, "mean") < 51e3);
		res_free(&r);
	}
}

/* ---- first principles ---------------------------------------------------------- */

/* Bare pthreads, one thread per request, against a pool: the pool creates
 * no thread while measuring, the thread-per-request model one per request
 * (kernel.thread_create, paid by the acceptor) and its exit
 * (kernel.thread_exit). So the difference in the thread cause per
 * completed request is create + exit — up to the requests whose thread
 * was created before the window and exited in it (or the other way
 * round): at 1,000/s with 100 us each, a few in 2,000. The busy-machine
 * extra of the stack's page-table work (kernel.stack_remap_busy) is off. */
static void test_thread_creation_attributed(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: create\nduration: 2500ms\nwarmup: 500ms\nmachine: { cores: 4 }\noutput: { sample: 0 }\n"
		"kernel: { thread_create: 40us, thread_exit: 25us, stack_remap_busy: 0ns }\n"
		"models: { threads: { runtime: native }, pool: { workers: 8, runtime: native } }\n"
		"gc: { jvm: { enabled: false } }\n"
		"workload:\n  req:\n    arrival: { poisson: 1000/s }\n    program: [ { cpu: 100us } ]\n";
	struct run_result t = tr_run(yaml, "threads", NULL, 0);
	struct run_result p = tr_run(yaml, "pool", NULL, 0);
	double expect = (40e3 + 25e3) / 1e3;  /* us per request */
	double got = cause_metric(&t, "cpu_per_req_", BD_THREAD) - cause_metric(&p, "cpu_per_req_", BD_THREAD);
	fprintf(stderr, "threads - pool, thread create/exit: %.3f us per request (create + exit = %.1f us)\n",
		got, expect);
	assert_true(cause_metric(&p, "cpu_cause_", BD_THREAD) == 0);
	assert_true(fabs(got - expect) <= 0.01 * expect);
	/* and it is the largest cause of the difference */
	double pc[BD_COUNT], tc[BD_COUNT], d[BD_COUNT];
	for (int c = 0; c < BD_COUNT; c++) {
		tc[c] = cause_metric(&t, "cpu_per_req_", c);
		pc[c] = cause_metric(&p, "cpu_per_req_", c);
		d[c] = tc[c] - pc[c];
	}
	struct ex_part rank[BD_COUNT];
	assert_true(ex_rank(d, BD_COUNT, rank) >= 1);
	assert_int_equal(rank[0].index, BD_THREAD);
	/* user work is the program's, the same in both: 100 us per request */
	assert_true(fabs(tc[BD_USER] - 100.0) < 1e-6 && fabs(pc[BD_USER] - 100.0) < 1e-6);
	check_sums(&t, "create");
	check_sums(&p, "create");
	res_free(&t);
	res_free(&p);
}

/* A request that only sleeps D: it is asleep from its park (gmp) or
 * nanosleep (1:1) until its timer has fired and it is runnable again: the
 * 1:1 models' hrtimer fires kernel.timer_slack late, gmp's timer when a P
 * or the netpoller next looks, which an idle runtime's netpoll rounds up
 * to the millisecond (at most 1 ms late). Everything else is the syscall
 * or park and the wake-up, and accepting and starting the request, tens of
 * microseconds: so the sleep share of the
 * latency is sleep / latency with sleep in [D', D' + lateness]. */
static void test_sleep_share(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: sleep\nduration: 2s\nwarmup: 500ms\nmachine: { cores: 4 }\noutput: { sample: 0 }\n"
		"kernel: { timer_slack: 50us }\n"
		"models: { gmp: {}, threads: { runtime: native }, pool: { workers: 64, runtime: native } }\n"
		"gc: { jvm: { enabled: false } }\n"
		"workload:\n  req:\n    arrival: { poisson: 500/s }\n    program: [ { sleep: 10ms } ]\n";
	for (int i = 0; i < NMODELS_1TO1; i++) {
		struct run_result r = tr_run(yaml, models[i], NULL, 0);
		double d = 10e6 + (i == 0 ? 0 : 50e3), late = i == 0 ? 1e6 : 1e3;
		double sleep = part_metric(&r, TB_SLEEP, "mean"), lat = M(&r, "latency_mean");
		fprintf(stderr, "%-8s asleep %.1f us of %.1f us (share %.5f; D' = %.0f us)\n", models[i],
			sleep / 1e3, lat / 1e3, sleep / lat, d / 1e3);
		assert_true(sleep >= d && sleep <= d + late);
		/* the rest of the latency: accepting and starting it (a thread's
		 * creation, 13 us, and its first switch-in), the syscall and the
		 * wake-up: well under 200 us */
		assert_true(lat - sleep >= 0 && lat - sleep < 200e3);
		assert_true(sleep / lat > 1 - 200e3 / lat);
		/* and nothing else blocks it */
		assert_true(part_metric(&r, TB_NET, "sum") == 0 && part_metric(&r, TB_CHAN, "sum") == 0 &&
			    part_metric(&r, TB_MUTEX, "sum") == 0);
		check_sums(&r, "sleep");
		res_free(&r);
	}
}

/* ---- the report ---------------------------------------------------------------- */

/* ex_rank: by |difference|, zero and NaN left out, ties by index. */
static void test_rank(void **state)
{
	(void)state;
	double d[6] = { 1.0, -5.0, 0.0, NAN, 5.0, 2.0 };
	struct ex_part out[6];
	assert_int_equal(ex_rank(d, 6, out), 4);
	assert_int_equal(out[0].index, 1);
	assert_int_equal(out[1].index, 4);
	assert_int_equal(out[2].index, 5);
	assert_int_equal(out[3].index, 0);
	char s[512];
	double a[BD_COUNT] = { 0 }, b[BD_COUNT] = { 0 }, pa[TB_COUNT] = { 0 }, pb[TB_COUNT] = { 0 };
	a[BD_THREAD] = 28;
	a[BD_SWITCH] = 9;
	a[BD_WAKE] = 4;
	pa[TB_SCHED] = 2.6e6;
	pa[TB_RUN] = 0.5e6;
	ex_sentence(s, sizeof s, a, b, pa, pb, 2);
	assert_string_equal(s, "+41.0 us CPU per request (thread create/exit +28.0, switches +9.0); "
			       "p99 +3.10ms (scheduler wait +2.60ms, running +500.00us)");
}

/* Two models, three reps each; threads - gmp per rep is chosen: thread
 * cause 10, 12, 14 us against 1 (differences 9, 11, 13: mean 11, sd 2,
 * t(0.975, 2) x 2 / sqrt 3 = 4.9683), scheduler wait 1, 2, 3 ms against
 * 1 us (mean difference 2 ms - 1 us, sd 1 ms); p99 parts twice those. */
static void write_db(const char *path)
{
	char err[512];
	struct db *db = db_create(path, err, sizeof err);
	if (!db)
		fail_msg("db_create: %s", err);
	for (int m = 0; m < 2; m++)
		for (int rep = 0; rep < 3; rep++) {
			struct run_result r;
			res_init(&r, "ex", td_models[m], (uint64_t)(1 + rep));
			r.rep = rep;
			char name[64];
			for (int c = 0; c < BD_COUNT; c++) {
				snprintf(name, sizeof name, "cpu_per_req_%s", bd_cause_name[c]);
				double v = c == BD_USER ? 100 : c == BD_THREAD && m == 1 ? 10 + 2 * rep : 1;
				res_metric(&r, name, v, "us");
			}
			for (int p = 0; p < TB_COUNT; p++) {
				double v = p == TB_NET ? 5e6 : p == TB_SCHED && m == 1 ? (1 + rep) * 1e6 : 1e3;
				snprintf(name, sizeof name, "tb_%s_mean", tb_part_name[p]);
				res_metric(&r, name, v, "ns");
				snprintf(name, sizeof name, "tb_%s_p99", tb_part_name[p]);
				res_metric(&r, name, 2 * v, "ns");
			}
			res_metric(&r, "latency_mean", 1, "ns");
			res_metric(&r, "latency_p99", 2, "ns");
			res_set_status(&r, "complete", NULL);
			td_write(db, &r);
		}
	if (db_close_commit(db, err, sizeof err) != 0)
		fail_msg("db_close_commit: %s", err);
}

/* The CSV row (model, section, part): its difference and interval. */
static bool csv_row(const char *csv, const char *model, const char *section, const char *part,
		    double *diff, double *lo, double *hi)
{
	char key[128];
	snprintf(key, sizeof key, ",%s,gmp,%s,%s,", model, section, part);
	const char *at = strstr(csv, key);
	if (!at)
		return false;
	at = strchr(at + strlen(key), ',');  /* after unit */
	double v, ref;
	return sscanf(at, ",%lf,%lf,%lf,%lf,%lf", &v, &ref, diff, lo, hi) == 5;
}

static void test_report_intervals(void **state)
{
	(void)state;
	char path[] = "/tmp/gmpsim-explain-XXXXXX.db";
	int fd = mkstemps(path, 3);
	assert_true(fd >= 0);
	close(fd);
	write_db(path);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	char err[512];
	struct ex_opts o = { .format = QT_CSV };
	assert_int_equal(ex_report(path, &o, f, err, sizeof err), 0);
	fclose(f);
	double d, lo, hi, half = 4.302652729911275 * 2 / sqrt(3);
	assert_true(csv_row(buf, "threads", "cpu_per_request", "thread", &d, &lo, &hi));
	assert_true(fabs(d - 11) < 1e-9 && fabs(lo - (11 - half)) < 1e-6 && fabs(hi - (11 + half)) < 1e-6);
	assert_true(csv_row(buf, "threads", "time_mean", "sched", &d, &lo, &hi));
	assert_true(fabs(d - (2e6 - 1e3)) < 1e-3 && fabs(hi - (2e6 - 1e3 + half * 0.5e6)) < 1e-3);
	assert_true(csv_row(buf, "threads", "time_p99", "sched", &d, &lo, &hi));
	assert_true(fabs(d - 2 * (2e6 - 1e3)) < 1e-3);
	free(buf);
	/* the aligned report names the cause and the part */
	buf = NULL;
	f = open_memstream(&buf, &len);
	o.format = QT_ALIGNED;
	assert_int_equal(ex_report(path, &o, f, err, sizeof err), 0);
	fclose(f);
	assert_non_null(strstr(buf, "threads: +11.0 us CPU per request (thread create/exit +11.0)"));
	assert_non_null(strstr(buf, "over 3 paired reps"));
	free(buf);
	/* errors name the file */
	int64_t bad = 99;
	struct ex_opts o2 = { .runs = &bad, .nruns = 1 };
	f = fopen("/dev/null", "w");
	assert_int_equal(ex_report(path, &o2, f, err, sizeof err), -1);
	assert_non_null(strstr(err, "no complete run 99"));
	struct ex_opts o3 = { .ref = "pool" };
	assert_int_equal(ex_report(path, &o3, f, err, sizeof err), -1);
	assert_non_null(strstr(err, "reference model 'pool'"));
	assert_int_equal(ex_report("/nonexistent.db", &o, f, err, sizeof err), -1);
	fclose(f);
	unlink(path);
}

/* The command line: a real run's database, exit statuses. */
/* The kept records (tb_record): each total and parts come back as put,
 * from 0 to 2^62 ns (one to nine bytes a varint), and a reader that takes
 * the totals only lands on every next record. */
static void test_record_roundtrip(void **state)
{
	(void)state;
	enum { N = 40 };
	static uint8_t buf[N * TB_MAX_RECORD];
	sim_ns parts[N][TB_COUNT], totals[N];
	size_t at = 0, ends[N];
	uint64_t x = 3;
	for (int i = 0; i < N; i++) {
		totals[i] = 0;
		for (int p = 0; p < TB_COUNT; p++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			int bits = (int)((x >> 58) % 63);  /* 0 .. 62 */
			parts[i][p] = (x >> 33) % 3 == 0 ? 0 : (sim_ns)((x >> 1) & ((1ULL << bits) - 1)) / TB_COUNT;
			totals[i] += parts[i][p];
		}
		at += tb_record(totals[i], parts[i], buf + at);
		ends[i] = at;
	}
	size_t a = 0, b = 0;
	for (int i = 0; i < N; i++) {
		sim_ns t1, t2, got[TB_COUNT];
		a += tb_record_read(buf + a, &t1, NULL);
		b += tb_record_read(buf + b, &t2, got);
		assert_int_equal(a, ends[i]);
		assert_int_equal(b, ends[i]);
		assert_int_equal(t1, totals[i]);
		assert_int_equal(t2, totals[i]);
		for (int p = 0; p < TB_COUNT; p++)
			assert_int_equal(got[p], parts[i][p]);
	}
}

static void test_cli(void **state)
{
	(void)state;
	skip_under_asan();
	char out[65536];
	char args[512];
	snprintf(args, sizeof args, "scenarios/10k_rps.yaml --set duration=400ms --set warmup=100ms "
		 "-o /tmp/gmpsim-explain-cli.db");
	assert_int_equal(td_run("", args, 0, out, sizeof out), 0);
	/* the verdict ends with each model's two largest causes: for Java
	 * thread-per-request against gmp, thread creation first */
	const char *why = strstr(out, "why, against gmp");
	assert_non_null(why);
	const char *line = strstr(why, "\n    threads  ");
	assert_non_null(line);
	assert_non_null(strstr(line, "us CPU per request (thread create/exit +"));
	assert_non_null(strstr(why, "one run:"));
	assert_int_equal(td_run("", "explain /tmp/gmpsim-explain-cli.db", 0, out, sizeof out), 0);
	assert_non_null(strstr(out, "threads vs gmp"));
	assert_non_null(strstr(out, "CPU per completed request"));
	assert_int_equal(td_run("", "explain /tmp/gmpsim-explain-cli.db --json --ref threads", 0, out, sizeof out), 0);
	assert_true(out[0] == '[');
	assert_int_equal(td_run("", "explain /tmp/gmpsim-explain-cli.db --csv --json", 0, out, sizeof out), 2);
	assert_int_equal(td_run("", "explain /tmp/gmpsim-explain-cli.db --run 0", 0, out, sizeof out), 2);
	assert_int_equal(td_run("", "explain /etc/passwd", 0, out, sizeof out), 2);
	unlink("/tmp/gmpsim-explain-cli.db");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rank),
		cmocka_unit_test(test_record_roundtrip),
		cmocka_unit_test(test_report_intervals),
		cmocka_unit_test(test_thread_creation_attributed),
		cmocka_unit_test(test_sleep_share),
		cmocka_unit_test(test_every_part_adds_up),
		cmocka_unit_test(test_shipped_scenarios_add_up),
		cmocka_unit_test(test_cli),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
