/* tests/test_jthread.c — Java platform threads (models/onethread/jthread.c):
 * the Thread.start() handshake of HotSpot's os::create_thread, the JVM's
 * CPU per thread, the ThreadsSMR work that grows with the live threads,
 * its own threads and the memory a Java thread commits.
 * Every expected figure follows from the costs the scenario sets. */
#include "testrun.h"
#include <math.h>

#define M tr_metric

/* n tasks started at once from outside (no starter, so no handshake) on a
 * machine with room for all: the JVM's CPU is n x (thread_entry +
 * thread_init + thread_exit) in the runtime category, to the nanosecond
 * (the per-live-thread ThreadsSMR costs off: see the tests below). */
static void test_jvm_cpu_per_thread(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: j\nduration: 1s\nmachine: { cores: 4 }\nacceptor: { enabled: false }\n"
		"gc: { jvm: { enabled: false } }\n"
		"jvm: { start: 7us, thread_entry: 3us, thread_init: 40us, thread_exit: 60us, threads: 0,\n"
		"       smr_add: 0ns, smr_remove: 0ns }\n"
		"models: { threads: {} }\n"
		"workload:\n  b:\n    arrival: { batch: { count: 50 } }\n    program: [ { sleep: 10ms } ]\n";
	struct run_result r = tr_run(yaml, "threads", NULL, 0);
	assert_int_equal((int)M(&r, "tasks_completed"), 50);
	assert_true(fabs(M(&r, "cpu_runtime") - 50 * 103e-6) < 1e-9);
	res_free(&r);
}

/* Threads::remove and smr_delete walk every live thread (threadSMR.cpp),
 * so a thread's exit costs jvm.thread_exit + live x jvm.smr_remove. The
 * same 50 sleepers on one core wake together and exit one after another:
 * the i-th to exit (i = 0..49) still sees 50 - i threads alive (itself
 * included, jvm.threads 0), so the exits add smr_remove x (50 + 49 + ... +
 * 1) = 1 us x 1275 to the runtime CPU of the test above. */
static void test_exit_cost_grows_with_live_threads(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: x\nduration: 1s\nmachine: { cores: 1 }\nacceptor: { enabled: false }\n"
		"gc: { jvm: { enabled: false } }\n"
		"jvm: { start: 7us, thread_entry: 3us, thread_init: 40us, thread_exit: 60us, threads: 0,\n"
		"       smr_add: 0ns, smr_remove: 1us }\n"
		"models: { threads: {} }\n"
		"workload:\n  b:\n    arrival: { batch: { count: 50 } }\n    program: [ { sleep: 10ms } ]\n";
	struct run_result r = tr_run(yaml, "threads", NULL, 0);
	assert_int_equal((int)M(&r, "tasks_completed"), 50);
	assert_true(fabs(M(&r, "cpu_runtime") - (50 * 103e-6 + 1275 * 1e-6)) < 1e-9);
	res_free(&r);
}

/* Threads::add copies the ThreadsList and walks every thread for hazard
 * pointers (ThreadsSMRSupport::add_thread, free_list), so Thread.start()
 * costs its creator jvm.start + live x jvm.smr_add. An accept loop starts
 * n requests that sleep past the run's end (none exits): the k-th start
 * (k = 0..n-1) sees the k children before it alive (jvm.threads 0; the
 * accept loop is not counted among the service's threads, as in
 * threads_peak), so smr_add = 1 us adds 1 us x n(n-1)/2 to the thread
 * create/exit CPU (cpu_cause_thread, ns) over smr_add = 0. */
static void test_start_cost_grows_with_live_threads(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: s\nduration: 1s\nmachine: { cores: 2 }\nacceptor: { enabled: true, accept: 0ns }\n"
		"gc: { jvm: { enabled: false } }\njvm: { threads: 0, smr_add: 0ns, smr_remove: 0ns }\n"
		"models: { threads: {} }\n"
		"workload:\n  req:\n    arrival: { constant: 200/s }\n    program: [ { sleep: 10s } ]\n";
	const char *smr[] = { "jvm.smr_add=1us" };
	struct run_result a = tr_run(yaml, "threads", NULL, 0);
	struct run_result b = tr_run(yaml, "threads", smr, 1);
	double n = M(&a, "tasks_arrived");
	assert_true(n >= 190 && n <= 201);
	assert_true(M(&b, "tasks_arrived") == n);
	assert_int_equal((int)M(&a, "threads_peak"), (int)n);
	assert_true(fabs(M(&b, "cpu_cause_thread") - M(&a, "cpu_cause_thread") - n * (n - 1) / 2 * 1e3) < 0.5);
	res_free(&a);
	res_free(&b);
}

/* A thread's life unmaps and re-faults stack pages (guard zone, first
 * touches, glibc's madvise of the stack at exit), and on this host that
 * work costs kernel.stack_remap_busy more CPU while the other core is busy
 * (analysis/measure/stack_remap.c); the model charges it at the exit,
 * scaled by the share of the other cores running a thread. On 2 cores: 10
 * sleepers exit while a 300 ms CPU hog holds a core (the other core is
 * busy at each of their exits: the hog, or another exiting sleeper), so
 * their thread CPU (cpu_cause_thread, ns) grows by exactly 10 x 50 us over
 * stack_remap_busy = 0; the hog's own exit comes after, on an idle
 * machine, and adds nothing. Alone (no hog, one sleeper) nothing is added. */
static void test_exit_costs_more_while_the_other_core_is_busy(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: r\nduration: 1s\nmachine: { cores: 2 }\nacceptor: { enabled: false }\n"
		"gc: { jvm: { enabled: false } }\nkernel: { stack_remap_busy: 0ns }\n"
		"models: { threads: { runtime: native } }\n"
		"workload:\n  hog:\n    arrival: { batch: { count: 1 } }\n    program: [ { cpu: 300ms } ]\n"
		"  b:\n    arrival: { batch: { count: 10 } }\n    program: [ { sleep: 10ms } ]\n";
	static const char lone[] =
		"name: l\nduration: 1s\nmachine: { cores: 2 }\nacceptor: { enabled: false }\n"
		"gc: { jvm: { enabled: false } }\nkernel: { stack_remap_busy: 0ns }\n"
		"models: { threads: { runtime: native } }\n"
		"workload:\n  b:\n    arrival: { batch: { count: 1 } }\n    program: [ { sleep: 10ms } ]\n";
	const char *busy[] = { "kernel.stack_remap_busy=50us" };
	struct run_result a = tr_run(yaml, "threads", NULL, 0);
	struct run_result b = tr_run(yaml, "threads", busy, 1);
	assert_int_equal((int)M(&b, "tasks_completed"), 11);
	assert_true(fabs(M(&b, "cpu_cause_thread") - M(&a, "cpu_cause_thread") - 10 * 50e3) < 0.5);
	struct run_result la = tr_run(lone, "threads", NULL, 0);
	struct run_result lb = tr_run(lone, "threads", busy, 1);
	assert_true(M(&lb, "cpu_cause_thread") == M(&la, "cpu_cause_thread"));
	res_free(&a);
	res_free(&b);
	res_free(&la);
	res_free(&lb);
}

/* The JVM's own threads count as the process's threads: an external batch
 * of n sleepers peaks at n + jvm.threads. Each commits jvm.stack_touch. */
static void test_vm_threads_and_commit(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: v\nduration: 1s\nmachine: { cores: 2 }\nacceptor: { enabled: false }\n"
		"gc: { jvm: { enabled: false } }\njvm: { threads: 7, stack_touch: 20KiB }\nkernel: { stack_touch: 12KiB }\n"
		"models: { threads: {} }\n"
		"workload:\n  b:\n    arrival: { batch: { count: 30 } }\n    program: [ { sleep: 100ms } ]\n";
	struct run_result j = tr_run(yaml, "threads", NULL, 0);
	const char *native[] = { "models.threads.runtime=native" };
	struct run_result n = tr_run(yaml, "threads", native, 1);
	assert_int_equal((int)M(&j, "threads_peak"), 30 + 7);
	assert_int_equal((int)M(&n, "threads_peak"), 30);
	assert_true(M(&j, "stack_committed_peak") == 37.0 * 20 * 1024);
	assert_true(M(&n, "stack_committed_peak") == 30.0 * 12 * 1024);  /* kernel.stack_touch */
	res_free(&j);
	res_free(&n);
}

/* A spawner cannot start its next child before the last one has run
 * thread_native_entry: with a 2 ms entry, 20 children started by one task
 * (not waited for) keep the parent spawning for at least 20 x 2 ms; with
 * bare pthreads it is done in 20 x (13 us + switch)-ish, far under 40 ms. */
static void test_start_waits_for_the_child(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: s\nduration: 2s\nmachine: { cores: 4 }\nacceptor: { enabled: false }\n"
		"gc: { jvm: { enabled: false } }\njvm: { thread_entry: 2ms }\n"
		"models: { threads: {} }\n"
		"workload:\n  main:\n    arrival: { batch: { count: 1 } }\n"
		"    program: [ { spawn: { program: kid, count: 20, wait: false } } ]\n"
		"programs:\n  kid: [ { sleep: 1ms } ]\n";
	struct run_result j = tr_run(yaml, "threads", NULL, 0);
	const char *native[] = { "models.threads.runtime=native" };
	struct run_result n = tr_run(yaml, "threads", native, 1);
	/* latency of the main task = its spawn op */
	assert_true(M(&j, "latency_max") >= 20 * 2e6);
	assert_true(M(&n, "latency_max") < 2e6);
	res_free(&j);
	res_free(&n);
}

/* A thread-per-request accept loop is serialised by the handshake: each
 * start takes at least accept + jvm.start + clone + thread_entry of the
 * child, so with thread_entry 1 ms it cannot start 2,000/s; pthreads can. */
static void test_accept_loop_serialised(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: a\nduration: 2s\nwarmup: 500ms\nmachine: { cores: 4 }\n"
		"gc: { jvm: { enabled: false } }\njvm: { thread_entry: 1ms }\n"
		"models: { threads: {} }\n"
		"workload:\n  req:\n    arrival: { constant: 2000/s }\n    program: [ { cpu: 20us }, { sleep: 5ms } ]\n";
	struct run_result j = tr_run(yaml, "threads", NULL, 0);
	const char *native[] = { "models.threads.runtime=native" };
	struct run_result n = tr_run(yaml, "threads", native, 1);
	assert_true(M(&j, "throughput") < 1000);
	assert_true(fabs(M(&n, "throughput") / 2000 - 1) < 0.02);
	res_free(&j);
	res_free(&n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jvm_cpu_per_thread),
		cmocka_unit_test(test_exit_cost_grows_with_live_threads),
		cmocka_unit_test(test_start_cost_grows_with_live_threads),
		cmocka_unit_test(test_exit_costs_more_while_the_other_core_is_busy),
		cmocka_unit_test(test_vm_threads_and_commit),
		cmocka_unit_test(test_start_waits_for_the_child),
		cmocka_unit_test(test_accept_loop_serialised),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
