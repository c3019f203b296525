/* tests/test_gc.c — allocation and garbage collection: Go's collector in
 * the gmp model (mgc.go, mgcpacer.go, proc.go's stop-the-world) and the
 * JVM-style young collector of the 1:1 models (jvmgc.c). Each test's
 * expectation is derived from the mechanism in its comment. */
#include "testrun.h"
#include <math.h>

#define M tr_metric

/* An allocation-heavy service: requests allocate `alloc` that stays
 * reachable until they end. */
static struct run_result service(const char *model, const char *alloc, const char *const *sets, int nsets)
{
	char yaml[2048];
	snprintf(yaml, sizeof yaml,
		 "name: svc\nduration: 1s\nwarmup: 100ms\nmachine: { cores: 16 }\n"
		 "gc: { live_heap: 4MiB, jvm: { young: 4MiB } }\n"
		 "models: { gmp: {}, threads: { runtime: native } }\n"
		 "workload:\n  req:\n    arrival: { poisson: 4000/s }\n"
		 "    program: [ { cpu: { exp: 100us } }, { alloc: %s }, { sleep: 2ms }, { cpu: 20us } ]\n",
		 alloc);
	return tr_run(yaml, model, sets, nsets);
}

/* mgcpacer.go:startCycle — dedicated = int(0.25 P + 0.5); when that is
 * more than 30 % off 0.25 P (P <= 3 and P = 6) one fewer if it overshoots,
 * and fractional workers make up (0.25 P - dedicated) / P per P. */
static void test_go_worker_counts(void **state)
{
	(void)state;
	static const struct { const char *procs; int dedicated; double fractional; } want[] = {
		{ "models.gmp.gomaxprocs=1", 0, 0.25 }, { "models.gmp.gomaxprocs=2", 0, 0.25 },
		{ "models.gmp.gomaxprocs=3", 0, 0.25 }, { "models.gmp.gomaxprocs=4", 1, 0 },
		{ "models.gmp.gomaxprocs=5", 1, 0 },    { "models.gmp.gomaxprocs=6", 1, 0.5 / 6 },
		{ "models.gmp.gomaxprocs=8", 2, 0 },    { "models.gmp.gomaxprocs=16", 4, 0 },
	};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		const char *sets[] = { want[i].procs };
		struct run_result r = service("gmp", "64KiB", sets, 1);
		assert_true(M(&r, "gc_cycles") > 0);
		assert_int_equal((int)M(&r, "gc_dedicated_workers"), want[i].dedicated);
		assert_true(fabs(M(&r, "gc_fractional_goal") - want[i].fractional) < 1e-9);
		res_free(&r);
	}
}

/* heapGoalInternal: goal = marked + (marked + stacks) x GOGC/100, but at
 * least defaultHeapMinimum x GOGC/100. With nothing reachable (temporary
 * allocations, no live heap) the minimum rules: 4 MiB at GOGC=100, 2 MiB
 * at 50. Halving the distance between collections doubles their number
 * (the trigger sits at the same fraction of it), within the pacer's
 * adjustments. */
static void test_go_heap_minimum_sets_the_goal(void **state)
{
	(void)state;
	const char *g100[] = { "gc.live_heap=0" }, *g50[] = { "gc.live_heap=0", "gc.go.gogc=50" };
	struct run_result a = service("gmp", "{ size: 16KiB, temp: true }", g100, 1);
	struct run_result b = service("gmp", "{ size: 16KiB, temp: true }", g50, 2);
	assert_true(M(&a, "gc_heap_goal") == 4.0 * 1048576);
	assert_true(M(&b, "gc_heap_goal") == 2.0 * 1048576);
	double ratio = M(&b, "gc_cycles") / M(&a, "gc_cycles");
	assert_true(ratio > 1.6 && ratio < 2.4);
	assert_true(M(&a, "heap_peak") <= 4.0 * 1048576 + 64 * 1024);
	res_free(&a);
	res_free(&b);
}

/* The "heap" series samples the bytes in use: between the live heap (4 MiB)
 * and the peak, rising and falling with the cycles; a scenario without
 * allocations has no such series. */
static void test_heap_series(void **state)
{
	(void)state;
	const char *models[] = { "gmp", "threads" };
	for (int m = 0; m < 2; m++) {
		const char *sets[] = { "output.sample=10ms" };
		struct run_result r = service(models[m], "64KiB", sets, 1);
		int id = -1;
		for (int i = 0; i < r.nseries_names; i++)
			if (strcmp(r.series_names[i], "heap") == 0)
				id = i;
		double lo = INFINITY, hi = 0;
		int n = 0;
		for (int i = 0; i < r.nsamples; i++)
			if (r.samples[i].name == id) {
				lo = fmin(lo, r.samples[i].value);
				hi = fmax(hi, r.samples[i].value);
				n++;
			}
		assert_true(n >= 90);
		assert_true(lo >= 4.0 * 1048576 && hi <= M(&r, "heap_peak") && hi > lo);
		res_free(&r);
	}
	struct run_result q = tr_run("name: q\nduration: 100ms\nmodels: { gmp: {} }\nworkload:\n  w:\n"
				     "    arrival: { batch: { count: 1 } }\n    program: [ { cpu: 1ms } ]\n",
				     "gmp", NULL, 0);
	for (int i = 0; i < q.nsamples; i++)
		assert_true(strcmp(q.series_names[q.samples[i].name], "heap") != 0);
	res_free(&q);
}

/* GOGC=off: no cycles, no pauses, no GC CPU; the heap only grows: its
 * peak is the live heap plus everything allocated. */
static void test_go_gc_off(void **state)
{
	(void)state;
	const char *sets[] = { "gc.go.gogc=-1" };
	struct run_result r = service("gmp", "64KiB", sets, 1);
	assert_true(M(&r, "gc_cycles") == 0 && M(&r, "gc_pauses") == 0 && M(&r, "cpu_gc") == 0);
	assert_true(M(&r, "heap_allocated") > 0);
	assert_true(M(&r, "heap_peak") == 4.0 * 1048576 + M(&r, "heap_allocated"));
	res_free(&r);
}

/* Every cycle stops the world twice (sweep termination, mark
 * termination); a pause is at least its STW work (gc.go.sweep_term or
 * mark_term) and, with Gs preempted by signal at once, stays far below a
 * scheduling slice. */
static void test_go_two_short_pauses_per_cycle(void **state)
{
	(void)state;
	/* the two stops' work set here, apart from the shipped defaults */
	const char *sets[] = { "gc.go.sweep_term=30us", "gc.go.mark_term=5us" };
	struct run_result r = service("gmp", "64KiB", sets, 2);
	double cycles = M(&r, "gc_cycles"), pauses = M(&r, "gc_pauses");
	assert_true(cycles >= 3);
	assert_true(pauses >= 2 * cycles - 2 && pauses <= 2 * cycles + 2);  /* window edges */
	/* about half the pauses are sweep terminations (30 us of STW work),
	 * the others mark terminations (5 us): the median is in one group or
	 * where they meet, at least a mark termination's work; the longest is
	 * at least a sweep termination's */
	assert_true(M(&r, "gc_pause_p50") >= 5000);
	assert_true(M(&r, "gc_pause_max") >= 30000);
	assert_true(M(&r, "gc_pause_max") < 1000000);    /* well below 1 ms */
	assert_true(M(&r, "gc_cpu_share") > 0 && M(&r, "gc_cpu_share") < 0.25 + 0.05);
	res_free(&r);
}

/* stopTheWorldWithSema CASes a P in _Psyscall straight to _Pgcstop: the
 * stop does not wait for Gs blocked in 50 ms syscalls (the seed article
 * says it does). Pauses stay three orders of magnitude shorter. */
static void test_go_stw_does_not_wait_for_syscalls(void **state)
{
	(void)state;
	struct run_result r = tr_run(
		"name: sys\nduration: 1s\nwarmup: 100ms\nmachine: { cores: 4 }\ngc: { live_heap: 2MiB }\n"
		"models: { gmp: { gomaxprocs: 4 } }\n"
		"workload:\n  blockers:\n    arrival: { poisson: 400/s }\n    program: [ { syscall: 50ms } ]\n"
		"  alloc:\n    arrival: { poisson: 3000/s }\n    program: [ { cpu: 50us }, { alloc: 64KiB } ]\n",
		"gmp", NULL, 0);
	assert_true(M(&r, "gc_cycles") >= 3);
	assert_true(M(&r, "gc_pause_max") < 50e6 / 100);
	res_free(&r);
}

/* Sleeping goroutines' stacks are scanned concurrently (mark work), not in
 * a pause: 20,000 rather than 100 parked goroutines would add (19,900 x
 * stack_scan) / 4 Ps = 4.975 ms to a pause that scanned them; the Go pauses
 * grow by far less (what they do grow by is the stop itself: with the longer
 * mark phase, requests are running when mark termination stops the world
 * and must be preempted, about models.gmp.signal). The JVM's young pause
 * scans every thread's stack with the world stopped: its pause grows by
 * (threads added) x root_scan / GC threads. */
static void test_pause_vs_parked_tasks(void **state)
{
	(void)state;
	const char *fmt = "name: parked\nduration: 1s\nwarmup: 300ms\nmachine: { cores: 4 }\n"
			  "gc: { live_heap: 2MiB, go: { stack_scan: 1us },"
			  " jvm: { young: 4MiB, safepoint_poll: 0s, safepoint_sync: 0s, copy_per_mib: 0s,"
			  " root_scan: 2us } }\n"
			  "kernel: { max_threads: 100000 }\nacceptor: { enabled: false }\n"
			  "models: { gmp: {}, threads: { stack: 256KiB, runtime: native } }\n"
			  "workload:\n  parked:\n    arrival: { batch: { count: %d } }\n    program: [ { sleep: 10s } ]\n"
			  "  req:\n    arrival: { poisson: 3000/s }\n    program: [ { cpu: 50us }, { alloc: 64KiB } ]\n";
	char few[1024], many[1024];
	snprintf(few, sizeof few, fmt, 100);
	snprintf(many, sizeof many, fmt, 20000);
	struct run_result gf = tr_run(few, "gmp", NULL, 0), gm = tr_run(many, "gmp", NULL, 0);
	double scan_in_pause = (20000 - 100) * 1000.0 / 4;
	assert_true(M(&gm, "gc_pause_p50") - M(&gf, "gc_pause_p50") < 0.02 * scan_in_pause);
	assert_true(M(&gm, "gc_pause_max") < 0.05 * scan_in_pause);
	struct run_result jf = tr_run(few, "threads", NULL, 0), jm = tr_run(many, "threads", NULL, 0);
	double want = (20000 - 100) * 2000.0 / 4;  /* root_scan 2 us, 4 GC threads (4 cores) */
	double got = M(&jm, "gc_pause_p50") - M(&jf, "gc_pause_p50");
	assert_true(fabs(got - want) < 0.1 * want);
	res_free(&gf);
	res_free(&gm);
	res_free(&jf);
	res_free(&jm);
}

/* The JVM's pause with nothing to copy and polls reached at once is
 * pause_base + threads x root_scan, split over the GC threads (plus the
 * GC threads' switch-in); the GC threads are created on the first
 * collection (one per core up to 8) and only when the collector is on. */
static void test_jvm_pause_and_gc_threads(void **state)
{
	(void)state;
	const char *on[] = { "gc.jvm.safepoint_poll=0s", "gc.jvm.copy_per_mib=0s", "machine.cores=4",
			     "gc.jvm.pause_base=300us", "gc.jvm.root_scan=2us", "gc.jvm.safepoint_sync=0s" };
	const char *off[] = { "gc.jvm.enabled=false", "machine.cores=4" };
	struct run_result a = service("threads", "64KiB", on, 6);
	struct run_result b = service("threads", "64KiB", off, 2);
	assert_true(M(&a, "gc_cycles") >= 3);
	assert_true(M(&b, "gc_cycles") == 0 && M(&b, "gc_pauses") == 0);
	/* about 4000/s x 2.3 ms ~ 10 requests in flight + the acceptor */
	double base = 300000 / 4.0, spread = 60 * 2000.0 / 4;
	assert_true(M(&a, "gc_pause_p50") >= base && M(&a, "gc_pause_p50") < base + spread + 20000);
	res_free(&a);
	res_free(&b);
	static const char batch[] =
		"name: b\nduration: 1s\nmachine: { cores: 4 }\nacceptor: { enabled: false }\n"
		"gc: { jvm: { young: 4MiB } }\nmodels: { threads: { runtime: native } }\n"
		"workload:\n  w:\n    arrival: { batch: { count: 10 } }\n"
		"    program: [ { alloc: 1MiB }, { sleep: 100ms } ]\n";
	struct run_result c = tr_run(batch, "threads", on, 6), d = tr_run(batch, "threads", off, 2);
	assert_int_equal((int)M(&c, "gc_cycles"), 2);     /* 10 MiB through a 4 MiB eden */
	assert_int_equal((int)M(&c, "threads_end"), 4);   /* the GC threads stay */
	assert_int_equal((int)M(&d, "threads_end"), 0);
	assert_int_equal((int)M(&c, "threads_created"), (int)M(&d, "threads_created") + 4);
	/* without a collector the heap holds what is reachable: 10 x 1 MiB at the peak */
	assert_true(M(&d, "heap_peak") == 10.0 * 1048576);
	res_free(&c);
	res_free(&d);
}

/* Threads the kernel preempted in Java code must get a core back to reach
 * their safepoint poll: on one core, 180 more CPU-bound threads add 180
 * turns of a context switch (3 us, set here) + half a poll (10 us) to the time to
 * safepoint, and 180 stacks to scan (7 us each, one GC thread): 3.6 ms. */
static void test_jvm_time_to_safepoint_under_load(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: h\nduration: 1s\nmachine: { cores: 1 }\nacceptor: { enabled: false }\nkernel: { switch: 3us }\n"
		"gc: { jvm: { young: 1MiB, copy_per_mib: 0s } }\nmodels: { threads: { runtime: native } }\n"
		"workload:\n  hogs:\n    arrival: { batch: { count: 200 } }\n    program: [ { cpu: 2s } ]\n"
		"  alloc:\n    arrival: { batch: { count: 1, at: 100ms } }\n"
		"    program: [ { repeat: { times: 20, do: [ { alloc: 256KiB }, { sleep: 20ms } ] } } ]\n";
	const char *few[] = { "workload.hogs.arrival.batch.count=20" };
	struct run_result a = tr_run(yaml, "threads", NULL, 0), b = tr_run(yaml, "threads", few, 1);
	assert_true(M(&a, "gc_pauses") >= 1 && M(&b, "gc_pauses") >= 1);
	double want = 180 * (3000 + 10000 + 7000.0), got = M(&a, "gc_pause_max") - M(&b, "gc_pause_max");
	assert_true(fabs(got - want) < 0.05 * want);
	res_free(&a);
	res_free(&b);
}

/* A mutator that allocates faster than one fractional worker marks
 * (GOMAXPROCS=1, a slow mark) pays assists; with marking nearly free the
 * background credit covers every allocation and nobody assists. */
static void test_go_assists(void **state)
{
	(void)state;
	const char *slow[] = { "models.gmp.gomaxprocs=1", "gc.go.mark_per_mib=20ms", "gc.live_heap=16MiB" };
	const char *fast[] = { "models.gmp.gomaxprocs=1", "gc.go.mark_per_mib=1ns", "gc.live_heap=16MiB" };
	struct run_result a = service("gmp", "64KiB", slow, 3), b = service("gmp", "64KiB", fast, 3);
	assert_true(M(&a, "gc_assists") > 0);
	assert_true(M(&b, "gc_assists") == 0);
	res_free(&a);
	res_free(&b);
}

/* Issue 12 D12: terabytes allocated during a mark make a scan debt of
 * ~1e20 work units, beyond int64_t. The conversion saturates (it was
 * undefined behaviour, INT64_MIN on x86: a negative debt that skipped
 * every assist, gc_assists = 0); the allocating goroutines now pay — more
 * debt than the cycle has work, so they park until it ends (gcParkAssist),
 * which counts as an assist. */
static void test_go_huge_allocation_assists(void **state)
{
	(void)state;
	struct run_result r = tr_run("name: huge\nduration: 1s\nwarmup: 0s\nmachine: { cores: 4 }\n"
				     "gc: { live_heap: 64MiB }\nmodels: { gmp: {} }\nworkload:\n  req:\n"
				     "    arrival: { poisson: 1000/s }\n"
				     "    program: [ { alloc: { size: 1000GiB, temp: true } }, { cpu: 100us } ]\n",
				     "gmp", NULL, 0);
	assert_true(M(&r, "heap_allocated") > 1e12);
	assert_true(M(&r, "gc_assists") > 0);
	res_free(&r);
}

/* stack.go:shrinkstack at the scan halves a parked G's stack using less
 * than a quarter of it: 200 goroutines parked after growing to 128 KiB
 * are shrunk at every cycle until 2 KiB (6 halvings each). */
static void test_go_stack_shrink(void **state)
{
	(void)state;
	struct run_result r = tr_run(
		"name: shrink\nduration: 1s\nmachine: { cores: 4 }\nacceptor: { enabled: false }\n"
		"models: { gmp: {} }\n"
		"workload:\n  deep:\n    arrival: { batch: { count: 200 } }\n    program: [ { stack: 100KiB }, { sleep: 10s } ]\n"
		"  req:\n    arrival: { poisson: 4000/s }\n    program: [ { cpu: 50us }, { alloc: 64KiB } ]\n",
		"gmp", NULL, 0);
	assert_true(M(&r, "gc_cycles") >= 6);
	assert_int_equal((int)M(&r, "gc_stack_shrinks"), 200 * 6);
	res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_worker_counts),
		cmocka_unit_test(test_go_heap_minimum_sets_the_goal),
		cmocka_unit_test(test_go_gc_off),
		cmocka_unit_test(test_heap_series),
		cmocka_unit_test(test_go_two_short_pauses_per_cycle),
		cmocka_unit_test(test_go_stw_does_not_wait_for_syscalls),
		cmocka_unit_test(test_pause_vs_parked_tasks),
		cmocka_unit_test(test_jvm_pause_and_gc_threads),
		cmocka_unit_test(test_jvm_time_to_safepoint_under_load),
		cmocka_unit_test(test_go_assists),
		cmocka_unit_test(test_go_huge_allocation_assists),
		cmocka_unit_test(test_go_stack_shrink),
	};
	return cmocka_run_group_tests_name("gc", tests, NULL, NULL);
}
