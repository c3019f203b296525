/* tests/test_colocated.c — co-located load (models/colocated.c): classes
 * marked `colocated: true` run as native threads of another process on
 * the service's cores, the same on every model, and stay out of the
 * service's metrics. Every expectation is derived from the kernel's
 * documented rules (CFS sharing, the costs set here) or from the
 * common-random-numbers scheme of sim/core/rng.h, never read off a run. */
#include "testrun.h"
#include "rng.h"
#include "capacity.h"
#include <math.h>

#define M tr_metric

static const char *const models[] = { "gmp", "threads", "pool", "eventloop" };
enum { NMODELS = 4 };

/* 1:1 models as bare pthreads (no JVM costs), gmp at GOMAXPROCS = cores. */
#define MODELS "models: { gmp: {}, threads: { runtime: native }, pool: { workers: 8, runtime: native } }\n"

static int64_t ns(double seconds) { return llround(seconds * 1e9); }

/* ---- CFS shares a core with an always-busy neighbour ------------------------- */

/* One core; the service is one task needing X of CPU, arriving at 50 ms.
 * Alone it completes in X (plus a few microseconds of switches). Beside a
 * co-located thread that is always runnable, CFS gives each of the two
 * nice-0 threads half the core, so it needs 2X. CFS's fairness is exact
 * only up to the scheduling period: a new thread starts up to one
 * sched_latency behind (START_DEBIT), a woken one up to half of it ahead
 * (sleeper credit), and the last slice may end up to one slice
 * (sched_latency / 2 with two threads) late — so 2X within 2 x 6 ms. The
 * same for every model: gmp runs the G on its one P's M, a kernel thread
 * like the others. */
static void test_fair_share_doubles_latency(void **state)
{
	(void)state;
	static const char base[] =
		"name: share\nduration: 2s\nmachine: { cores: 1 }\nacceptor: { enabled: false }\n"
		"output: { sample: 0 }\ngc: { jvm: { enabled: false } }\n" MODELS
		"workload:\n"
		"  svc:\n    arrival: { batch: { count: 1, at: 50ms } }\n    program: [ { cpu: 400ms } ]\n";
	static const char hog[] =
		"  hog:\n    colocated: true\n    arrival: { closed: { clients: 1 } }\n"
		"    program: [ { cpu: 100s } ]\n";
	const double X = 400e6, slack = 12e6;
	char yaml[2048];
	snprintf(yaml, sizeof yaml, "%s%s", base, hog);
	for (int i = 0; i < NMODELS; i++) {
		struct run_result alone = tr_run(base, models[i], NULL, 0);
		struct run_result shared = tr_run(yaml, models[i], NULL, 0);
		double la = M(&alone, "latency_max"), ls = M(&shared, "latency_max");
		fprintf(stderr, "%s: alone %.3f ms, beside a busy neighbour %.3f ms (2X = %.0f ms)\n",
			models[i], la / 1e6, ls / 1e6, 2 * X / 1e6);
		assert_true(la >= X && la < X + 1e6);
		assert_true(fabs(ls - 2 * X) <= slack);
		assert_int_equal((int)M(&shared, "tasks_completed"), 1);
		/* the neighbour never finishes its 100 s request: nothing to book */
		assert_int_equal((int)M(&shared, "colocated_completed"), 0);
		assert_int_equal((int)M(&shared, "colocated_live_end"), 1);
		/* the service's task work is its program's, with or without it */
		assert_int_equal(ns(M(&shared, "cpu_task")), (int64_t)X);
		/* the neighbour had the core whenever the service did not */
		assert_true(M(&shared, "colocated_cpu_task") > 2.0 - 2 * X / 1e9 - 0.01);
		res_free(&alone);
		res_free(&shared);
	}
}

/* ---- exact accounting -------------------------------------------------------------- */

/* A core's time is always in one category; the co-located threads' time
 * (every category, the switches to them included) is taken out of the
 * service's cpu_* and reported as colocated_cpu: the two plus idle are
 * cores x window, to the nanosecond, on every model. */
static void test_cpu_adds_up(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: sum\nduration: 1s\nwarmup: 200ms\nmachine: { cores: 2 }\noutput: { sample: 0 }\n" MODELS
		"workload:\n"
		"  svc:\n    arrival: { poisson: 2000/s }\n"
		"    program: [ { cpu: { exp: 200us } }, { net: 1ms }, { cpu: { exp: 100us } } ]\n"
		"  side:\n    colocated: true\n    arrival: { poisson: 500/s }\n"
		"    program: [ { cpu: { exp: 300us } }, { syscall: 50us }, { yield: 2 }, { sleep: 200us },\n"
		"               { repeat: { times: 3, do: [ { cpu: 20us }, { net: 10us } ] } } ]\n"
		"  client:\n    colocated: true\n    arrival: { closed: { clients: 3, think: { exp: 2ms } } }\n"
		"    program: [ { cpu: { exp: 500us } } ]\n";
	static const char *const cats[] = { "cpu_task", "cpu_runtime", "cpu_kernel", "cpu_spin", "cpu_gc",
					    "colocated_cpu", "cpu_idle" };
	for (int i = 0; i < NMODELS; i++) {
		struct run_result r = tr_run(yaml, models[i], NULL, 0);
		int64_t sum = 0;
		for (int c = 0; c < 7; c++)
			sum += ns(M(&r, cats[c]));
		fprintf(stderr, "%s: categories sum to %lld ns; colocated_cpu %.4f s, %d co-located requests\n",
			models[i], (long long)sum, M(&r, "colocated_cpu"), (int)M(&r, "colocated_completed"));
		assert_true(llabs(sum - 2 * 800000000LL) <= 7);  /* each metric rounded to 1 ns */
		assert_true(M(&r, "colocated_cpu") > M(&r, "colocated_cpu_task"));
		assert_true(M(&r, "colocated_cpu_task") > 0.1);
		assert_true(M(&r, "colocated_completed") > 0);
		assert_int_equal((int)M(&r, "colocated_failed"), 0);
		assert_true(fabs(M(&r, "colocated_cpu_utilization") - M(&r, "colocated_cpu") / 1.6) < 1e-12);
		res_free(&r);
	}
}

/* ---- what the co-located load does not change ---------------------------------------- */

/* A sidecar whose only task arrives after the end never runs: no thread,
 * no event before the end, no draw any class makes. Every metric of the
 * service is then identical, bit for bit, to the run without it. */
static void test_sidecar_that_never_runs_changes_nothing(void **state)
{
	(void)state;
	static const char base[] =
		"name: idle\nduration: 500ms\nwarmup: 100ms\nmachine: { cores: 2 }\noutput: { sample: 50ms }\n" MODELS
		"workload:\n"
		"  svc:\n    arrival: { poisson: 3000/s }\n"
		"    program: [ { cpu: { exp: 200us } }, { net: { exp: 2ms } }, { cpu: { exp: 100us } } ]\n";
	static const char side[] =
		"  side:\n    colocated: true\n    arrival: { batch: { count: 4, at: 10s } }\n"
		"    program: [ { cpu: 1s } ]\n";
	char yaml[2048];
	snprintf(yaml, sizeof yaml, "%s%s", base, side);
	for (int i = 0; i < NMODELS; i++) {
		struct run_result a = tr_run(base, models[i], NULL, 0);
		struct run_result b = tr_run(yaml, models[i], NULL, 0);
		for (int m = 0; m < a.nmetrics; m++) {
			double vb = M(&b, a.metrics[m].name);
			bool both_nan = isnan(a.metrics[m].value) && isnan(vb);  /* e.g. no GC pause */
			if (!(a.metrics[m].value == vb) && !both_nan)
				fail_msg("%s: %s %.17g without the sidecar, %.17g with it", models[i],
					 a.metrics[m].name, a.metrics[m].value, vb);
		}
		assert_true(M(&a, "tasks_completed") > 500);
		assert_true(M(&b, "colocated_cpu") == 0 && M(&b, "colocated_completed") == 0);
		assert_true(M(&b, "colocated_threads_peak") == 0);
		assert_int_equal(a.nsamples, b.nsamples);
		for (int s = 0; s < a.nsamples; s++)
			assert_true(a.samples[s].value == b.samples[s].value);
		res_free(&a);
		res_free(&b);
	}
}

/* A sidecar that runs only after the service's work is done cannot
 * delay it: the service's latencies, completions and task CPU are those
 * of the run without it. */
static void test_sidecar_after_the_service_is_done(void **state)
{
	(void)state;
	static const char base[] =
		"name: after\nduration: 1s\nmachine: { cores: 2 }\nacceptor: { enabled: false }\noutput: { sample: 0 }\n"
		MODELS "workload:\n"
		"  svc:\n    arrival: { batch: { count: 6, at: 0s } }\n"
		"    program: [ { cpu: { exp: 10ms } }, { net: 5ms }, { cpu: 3ms } ]\n";
	static const char side[] =
		"  side:\n    colocated: true\n    arrival: { batch: { count: 3, at: 600ms } }\n"
		"    program: [ { cpu: 100ms }, { sleep: 1ms }, { cpu: 50ms } ]\n";
	static const char *const same[] = { "tasks_completed", "latency_mean", "latency_max", "latency_p50",
					    "cpu_task" };
	char yaml[2048];
	snprintf(yaml, sizeof yaml, "%s%s", base, side);
	for (int i = 0; i < NMODELS; i++) {
		struct run_result a = tr_run(base, models[i], NULL, 0);
		struct run_result b = tr_run(yaml, models[i], NULL, 0);
		assert_true(M(&a, "latency_max") < 300e6);  /* done well before 600 ms */
		for (int m = 0; m < 5; m++)
			assert_true(M(&a, same[m]) == M(&b, same[m]));
		/* three threads, 150 ms of program CPU each, on two cores */
		assert_int_equal(ns(M(&b, "colocated_cpu_task")), 3 * 150000000LL);
		assert_int_equal((int)M(&b, "colocated_completed"), 3);
		assert_int_equal((int)M(&b, "colocated_threads_created"), 3);
		assert_int_equal((int)M(&b, "colocated_threads_peak"), 3);
		res_free(&a);
		res_free(&b);
	}
}

/* ---- what counts where ----------------------------------------------------------------- */

/* The service's task, thread and latency figures count the service's
 * tasks only; the co-located load's are reported under colocated_*.
 * Here 3 service tasks and 5 co-located ones arrive at 0, beside 2
 * closed-loop co-located clients (one thread each, created at the start:
 * before the window). threads: the service's threads are its tasks' (3). */
static void test_metrics_are_separate(void **state)
{
	(void)state;
	static const char base[] =
		"name: sep\nduration: 1s\nmachine: { cores: 2 }\nacceptor: { enabled: false }\noutput: { sample: 0 }\n"
		MODELS "workload:\n"
		"  svc:\n    arrival: { batch: { count: 3, at: 0s } }\n    program: [ { cpu: 2ms }, { net: 1ms } ]\n";
	static const char side[] =
		"  side:\n    colocated: true\n    arrival: { batch: { count: 5, at: 0s } }\n"
		"    program: [ { cpu: 1ms }, { net: 1ms } ]\n"
		"  loop:\n    colocated: true\n    arrival: { closed: { clients: 2, think: 10ms } }\n"
		"    program: [ { cpu: 1ms } ]\n";
	char yaml[2048];
	snprintf(yaml, sizeof yaml, "%s%s", base, side);
	for (int i = 0; i < NMODELS; i++) {
		struct run_result a = tr_run(base, models[i], NULL, 0);
		struct run_result b = tr_run(yaml, models[i], NULL, 0);
		assert_int_equal((int)M(&b, "tasks_completed"), 3);
		assert_int_equal((int)M(&b, "latency_samples"), 3);
		assert_int_equal((int)M(&b, "tasks_live_peak"), 3);
		assert_int_equal((int)M(&b, "tasks_live_end"), 0);
		assert_true(M(&b, "threads_peak") == M(&a, "threads_peak"));
		assert_true(M(&b, "threads_created") == M(&a, "threads_created"));
		assert_true(M(&b, "stack_committed_peak") == M(&a, "stack_committed_peak"));
		if (strcmp(models[i], "threads") == 0)
			assert_int_equal((int)M(&b, "threads_peak"), 3);
		/* 2 clients x ~1 s / (1 ms + 10 ms) cycles, plus the batch of 5 */
		double done = M(&b, "colocated_completed");
		assert_true(done >= 5 + 2 * 80 && done <= 5 + 2 * 91);
		assert_true(M(&b, "colocated_latency_samples") == done);
		assert_true(M(&b, "colocated_throughput") == done);  /* a 1 s window */
		assert_int_equal((int)M(&b, "colocated_threads_created"), 5);
		assert_int_equal((int)M(&b, "colocated_threads_peak"), 7);
		assert_true(M(&b, "colocated_live_end") <= 2);
		assert_true(M(&b, "colocated_latency_p50") >= 1e6);
		assert_true(isnan(M(&a, "colocated_cpu")));  /* no co-located class: no such metric */
		res_free(&a);
		res_free(&b);
	}
}

/* ---- the executor ------------------------------------------------------------------------- */

/* A closed-loop co-located client is one thread for all its requests.
 * After its request it enters nanosleep (half the syscall) and sleeps
 * the think time T; the next request arrives when T is over and wakes the
 * thread onto its core, idle for T - syscall/2 > idle_deep_after (a deep
 * wake-up), then a switch and the syscall's exit half before the request's
 * CPU C. Three clients on four cores never meet, so every request measured
 * after the warm-up takes exactly DEEP + SW + syscall/2 + C, on every model. */
static void test_closed_client_is_one_looping_thread(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: loop\nduration: 1s\nwarmup: 100ms\nmachine: { cores: 4 }\noutput: { sample: 0 }\n"
		"kernel: { switch: 3us, wake_idle: 5us, wake_idle_deep: 30us, idle_deep_after: 200us, syscall: 300ns }\n"
		MODELS "workload:\n"
		"  svc:\n    arrival: { batch: { count: 1, at: 0s } }\n    program: [ { net: 10s } ]\n"
		"  loop:\n    colocated: true\n    arrival: { closed: { clients: 3, think: 5ms } }\n"
		"    program: [ { cpu: 1ms } ]\n";
	const double want = 30000 + 3000 + 150 + 1e6;
	for (int i = 0; i < NMODELS; i++) {
		struct run_result r = tr_run(yaml, models[i], NULL, 0);
		fprintf(stderr, "%s: co-located request %.0f..%.0f ns (expected %.0f)\n", models[i],
			M(&r, "colocated_latency_p50"), M(&r, "colocated_latency_max"), want);
		assert_true(M(&r, "colocated_latency_max") == want);
		assert_true(M(&r, "colocated_latency_p50") == want);
		assert_int_equal((int)M(&r, "colocated_threads_created"), 0);
		assert_int_equal((int)M(&r, "colocated_threads_peak"), 3);
		/* each cycle: think 5 ms + the request; the window is 900 ms */
		double per_client = 900e6 / (5e6 + want);
		assert_true(fabs(M(&r, "colocated_completed") - 3 * per_client) <= 3);
		res_free(&r);
	}
}

/* ---- common random numbers ---------------------------------------------------------------- */

/* The co-located class's demands follow rng.h's scheme like any class's:
 * task i of class "side" has key mix(mix(mix(seed, H("task")), H("side")),
 * i), and its op n draws u = U(mix(mix(key, n), 0)). Twenty tasks of one
 * exponential cpu op each, all done within the run: the co-located task
 * CPU is the sum of those twenty draws, to the nanosecond, on every
 * model — whatever the service beside them does. */
static void test_same_demands_on_every_model(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: crn\nduration: 1s\nseed: 7\nmachine: { cores: 2 }\noutput: { sample: 0 }\n" MODELS
		"workload:\n"
		"  svc:\n    arrival: { poisson: 1000/s }\n    program: [ { cpu: { exp: 500us } }, { net: 1ms } ]\n"
		"  side:\n    colocated: true\n    arrival: { batch: { count: 20, at: 10ms } }\n"
		"    program: [ { cpu: { exp: 2ms } } ]\n";
	struct dist d = { .kind = DIST_EXP, .p1 = 2e6 };
	int64_t want = 0;
	for (uint64_t i = 0; i < 20; i++) {
		uint64_t key = rng_mix(rng_mix(rng_mix(7, rng_name("task")), rng_name("side")), i);
		want += dist_quantile_ns(&d, rng_u01(rng_mix(rng_mix(key, 0), 0)));
	}
	for (int i = 0; i < NMODELS; i++) {
		struct run_result r = tr_run(yaml, models[i], NULL, 0);
		fprintf(stderr, "%s: co-located task CPU %lld ns (the draws sum to %lld)\n", models[i],
			(long long)ns(M(&r, "colocated_cpu_task")), (long long)want);
		assert_int_equal(ns(M(&r, "colocated_cpu_task")), want);
		assert_int_equal((int)M(&r, "colocated_completed"), 20);
		res_free(&r);
	}
}

/* ---- the loader -------------------------------------------------------------------------- */

/* An op a native thread cannot do without the model is refused where it
 * is written, naming the op and the class; the allowed ones load. */
static void test_rejected_ops(void **state)
{
	(void)state;
	static const char fmt[] =
		"name: t\nduration: 1s\nmodels: { threads: {} }\nchannels: { c: }\nprograms: { p: [ { cpu: 1ms } ] }\n"
		"workload:\n  side:\n    colocated: true\n    arrival: { poisson: 10/s }\n    program:\n"
		"      - cpu: 1ms\n      - %s\n";
	static const char *const bad[][2] = {
		{ "spawn: { program: p }", "spawn" }, { "send: c", "send" }, { "recv: c", "recv" },
		{ "close: c", "close" }, { "lock: { mutex: m, hold: 1us }", "lock" }, { "alloc: 1KiB", "alloc" },
		{ "stack: 64KiB", "stack" }, { "cgo: 1ms", "cgo" }, { "lock_os_thread:", "lock_os_thread" },
		{ "unlock_os_thread:", "unlock_os_thread" },
	};
	char yaml[1024], err[512], want[512];
	struct scenario sc;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(yaml, sizeof yaml, fmt, bad[i][0]);
		assert_int_not_equal(sc_load_string("t.yaml", yaml, NULL, 0, &sc, err, sizeof err), 0);
		snprintf(want, sizeof want, "t.yaml:12:9: op '%s' is not allowed in co-located class 'side': its "
			 "tasks are native threads outside the model (allowed: cpu, syscall, net, sleep, yield, repeat)",
			 bad[i][1]);
		assert_string_equal(err, want);
	}
	/* inside a repeat too, at its own place */
	snprintf(yaml, sizeof yaml, fmt, "repeat: { times: 2, do: [ { net: 1ms }, { alloc: 1KiB } ] }");
	assert_int_not_equal(sc_load_string("t.yaml", yaml, NULL, 0, &sc, err, sizeof err), 0);
	assert_non_null(strstr(err, "t.yaml:12:51: op 'alloc' is not allowed in co-located class 'side'"));
	static const char *const good[] = { "syscall: 1ms", "net: { exp: 1ms }", "sleep: 1ms", "yield: 3",
					    "repeat: { times: 2, do: [ { cpu: 1us }, { yield: } ] }" };
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		snprintf(yaml, sizeof yaml, fmt, good[i]);
		if (sc_load_string("t.yaml", yaml, NULL, 0, &sc, err, sizeof err) != 0)
			fail_msg("%s: %s", good[i], err);
		assert_true(sc.classes[0].colocated);
		sc_free(&sc);
	}
	/* the same ops are fine in a service class; colocated must be a boolean */
	snprintf(yaml, sizeof yaml, fmt, "alloc: 1KiB");
	char *svc = strstr(yaml, "    colocated: true\n");
	memmove(svc, svc + 20, strlen(svc + 20) + 1);
	assert_int_equal(sc_load_string("t.yaml", yaml, NULL, 0, &sc, err, sizeof err), 0);
	assert_false(sc.classes[0].colocated);
	sc_free(&sc);
	snprintf(yaml, sizeof yaml, fmt, "cpu: 1ms");
	const char *sets[] = { "workload.side.colocated=maybe" };
	assert_int_not_equal(sc_load_string("t.yaml", yaml, sets, 1, &sc, err, sizeof err), 0);
}

/* gmpsim capacity varies the service's rate, never a co-located class's. */
static void test_capacity_skips_colocated_classes(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: cap\nduration: 1s\nmodels: { threads: {} }\nworkload:\n"
		"  side:\n    colocated: true\n    arrival: { poisson: 100/s }\n    program: [ { cpu: 1ms } ]\n"
		"  svc:\n    arrival: { poisson: 100/s }\n    program: [ { cpu: 1ms } ]\n";
	struct scenario sc;
	char err[512];
	assert_int_equal(sc_load_string("t.yaml", yaml, NULL, 0, &sc, err, sizeof err), 0);
	assert_int_equal(cap_find_class(&sc, NULL, err, sizeof err), 1);
	assert_int_equal(cap_find_class(&sc, "svc", err, sizeof err), 1);
	assert_int_equal(cap_find_class(&sc, "side", err, sizeof err), -1);
	assert_non_null(strstr(err, "co-located"));
	sc_free(&sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fair_share_doubles_latency),
		cmocka_unit_test(test_cpu_adds_up),
		cmocka_unit_test(test_sidecar_that_never_runs_changes_nothing),
		cmocka_unit_test(test_sidecar_after_the_service_is_done),
		cmocka_unit_test(test_metrics_are_separate),
		cmocka_unit_test(test_closed_client_is_one_looping_thread),
		cmocka_unit_test(test_same_demands_on_every_model),
		cmocka_unit_test(test_rejected_ops),
		cmocka_unit_test(test_capacity_skips_colocated_classes),
	};
	return cmocka_run_group_tests_name("colocated", tests, NULL, NULL);
}
