/* tests/test_jthread.c — Java platform threads (models/onethread/jthread.c):
 * the Thread.start() handshake of HotSpot's os::create_thread, the JVM's
 * CPU per thread, its own threads and the memory a Java thread commits.
 * Every expected figure follows from the costs the scenario sets. */
#include "testrun.h"
#include <math.h>

#define M tr_metric

/* n tasks started at once from outside (no starter, so no handshake) on a
 * machine with room for all: the JVM's CPU is n x (thread_entry +
 * thread_init + thread_exit) in the runtime category, to the nanosecond. */
static void test_jvm_cpu_per_thread(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: j\nduration: 1s\nmachine: { cores: 4 }\nacceptor: { enabled: false }\n"
		"gc: { jvm: { enabled: false } }\n"
		"jvm: { start: 7us, thread_entry: 3us, thread_init: 40us, thread_exit: 60us, threads: 0 }\n"
		"models: { threads: {} }\n"
		"workload:\n  b:\n    arrival: { batch: { count: 50 } }\n    program: [ { sleep: 10ms } ]\n";
	struct run_result r = tr_run(yaml, "threads", NULL, 0);
	assert_int_equal((int)M(&r, "tasks_completed"), 50);
	assert_true(fabs(M(&r, "cpu_runtime") - 50 * 103e-6) < 1e-9);
	res_free(&r);
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
		cmocka_unit_test(test_vm_threads_and_commit),
		cmocka_unit_test(test_start_waits_for_the_child),
		cmocka_unit_test(test_accept_loop_serialised),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
