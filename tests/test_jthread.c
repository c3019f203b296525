/* tests/test_jthread.c — Java platform threads (models/onethread/jthread.c):
 * the Thread.start() handshake of HotSpot's os::create_thread, the JVM's
 * CPU per thread, the ThreadsSMR work that grows with the live threads,
 * its own threads, the memory a Java thread commits, and Threads_lock
 * around starts and exits.
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
 * costs its creator jvm.start + live x jvm.smr_add. prepare() ->
 * Threads::add runs after os::create_thread's handshake (jvm.cpp:
 * JVM_StartThread), when the new thread exists: the list walked holds it.
 * n requests arrive that sleep past the run's end (none exits); the first,
 * at t = 0, is started from outside (no Thread.start()), and the accept
 * loop starts the k-th (k = 1..n-1), whose Threads::add sees the k
 * children before it and its own alive (jvm.threads 0; the accept loop is
 * not counted among the service's threads, as in threads_peak): smr_add =
 * 1 us adds 1 us x (2 + 3 + ... + n) = (n-1)(n+2)/2 us to the thread
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
	assert_true(fabs(M(&b, "cpu_cause_thread") - M(&a, "cpu_cause_thread") - (n - 1) * (n + 2) / 2 * 1e3) < 0.5);
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

/* Threads_lock serialises starts and exits (jvm.cpp: JVM_StartThread holds
 * it from the clone through Threads::add; thread.cpp: Threads::remove and
 * threadSMR.cpp: smr_delete take it in every exit). With the whole exit
 * path under the lock (jvm.exit_locked = jvm.thread_exit = X) every
 * request's exit holds it X, so the lock, one resource, passes at most
 * 1/X requests a second however many cores there are: the accept loop's
 * starts, which need it too, fall to at most 1/X and to at least
 * 1/(X + the start's hold) once it never idles. The start's hold here is
 * the clone (13 us), the child's thread_entry (3 us) and its wake-up
 * (< 50 us on an idle core) and start_locked (10 us): under 100 us. 8
 * cores (the CPU is not the limit: without the lock, 2,000/s are served)
 * and 2,000/s offered; X = 1 ms: between 1/1.1 ms = 909/s and 1,000/s,
 * and X = 2 ms: between 1/2.1 ms = 476/s and 500/s (5 % off either bound
 * for the window's edges). */
static void test_threads_lock_serialises_starts_and_exits(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: l\nduration: 3s\nwarmup: 1s\nmachine: { cores: 8 }\n"
		"acceptor: { enabled: true, accept: 0ns }\ngc: { jvm: { enabled: false } }\n"
		"kernel: { thread_create: 13us }\n"
		"jvm: { start: 20us, start_locked: 10us, thread_entry: 3us, thread_init: 10us, thread_exit: 1ms,\n"
		"       exit_locked: 1ms, smr_add: 0ns, smr_remove: 0ns, threads: 0 }\n"
		"models: { threads: {} }\n"
		"workload:\n  req:\n    arrival: { constant: 2000/s }\n    program: [ { cpu: 10us } ]\n";
	struct run_result one = tr_run(yaml, "threads", NULL, 0);
	const char *two_ms[] = { "jvm.thread_exit=2ms", "jvm.exit_locked=2ms" };
	struct run_result two = tr_run(yaml, "threads", two_ms, 2);
	const char *off[] = { "jvm.threads_lock=false" };
	struct run_result free_ = tr_run(yaml, "threads", off, 1);
	double t1 = M(&one, "throughput"), t2 = M(&two, "throughput");
	assert_true(t1 <= 1000 * 1.05 && t1 >= 909 * 0.95);
	assert_true(t2 <= 500 * 1.05 && t2 >= 476 * 0.95);
	assert_true(fabs(M(&free_, "throughput") / 2000 - 1) < 0.02);
	/* every start and both halves of every exit took the lock; an exit
	 * holds it X/2 at a time (its two sections, on a free core); the
	 * starter, back for the next start, finds it held by an exit about
	 * every time (the lock never idles) */
	assert_true(M(&one, "jvm_tlock_exits") >= 2 * M(&one, "jvm_tlock_starts") - 2 * M(&one, "threads_peak"));
	assert_true(fabs(M(&one, "jvm_tlock_exit_hold") / 500e3 - 1) < 0.02);
	assert_true(M(&one, "jvm_tlock_start_contended") > 0.4);
	res_free(&one);
	res_free(&two);
	res_free(&free_);
}

/* The starter holds Threads_lock across the start handshake's wait: while
 * its child waits for a core, exits cannot take it. One core, overloaded
 * (300 requests/s of 5 ms CPU: 1.5 cores): when the accept loop starts a
 * thread, request threads are runnable, and the child, placed one slice
 * behind them (CFS START_DEBIT), waits at least one of their slices
 * (kernel.min_granularity, 750 us) before its thread_entry — so the
 * starter's mean hold exceeds 750 us, where the clone, thread_entry and
 * Threads::add alone take 24 us. And since the starter drops the lock only
 * while it runs (it blocks only holding it, in the handshake) and a woken
 * waiter must run to retry (no hand-off), on one core a woken exit always
 * finds the lock taken again: exits starve while the backlog lasts, and
 * the finished threads stay alive — most of those started, against a few
 * without the lock. */
static void test_lock_held_across_the_handshake(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: h\nduration: 2s\nwarmup: 500ms\nmachine: { cores: 1 }\n"
		"acceptor: { enabled: true, accept: 0ns }\ngc: { jvm: { enabled: false } }\n"
		"kernel: { thread_create: 13us }\n"
		"jvm: { start: 20us, start_locked: 10us, thread_entry: 1us, thread_init: 10us, thread_exit: 40us,\n"
		"       exit_locked: 20us, smr_add: 0ns, smr_remove: 0ns, threads: 0 }\n"
		"models: { threads: {} }\n"
		"workload:\n  req:\n    arrival: { constant: 300/s }\n    program: [ { cpu: 5ms } ]\n";
	struct run_result r = tr_run(yaml, "threads", NULL, 0);
	const char *off[] = { "jvm.threads_lock=false" };
	struct run_result n = tr_run(yaml, "threads", off, 1);
	assert_true(M(&r, "jvm_tlock_start_hold") > 750e3);
	assert_true(M(&r, "threads_peak") > 0.5 * M(&r, "jvm_tlock_starts"));
	assert_true(M(&n, "threads_peak") <= 10);
	res_free(&r);
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
		cmocka_unit_test(test_threads_lock_serialises_starts_and_exits),
		cmocka_unit_test(test_lock_held_across_the_handshake),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
