/* tests/test_models.c — behaviours of the threads and pool models that follow
 * from their mechanisms: thread and memory limits fail tasks (counted), a
 * bounded pool queue rejects, spawn-and-wait finishes after its children,
 * closed-loop clients match the machine-repairman model, the acceptor saturates
 * when starting a request costs more than the gap between arrivals, and a
 * remote NUMA node slows memory-intensive work. */
#include "testrun.h"
#include "testqueue.h"
#include <math.h>

#define m tr_metric

static void test_thread_limit_fails_tasks(void **state)
{
	(void)state;
	/* ~1000 requests in flight but only 300 threads allowed */
	struct run_result r = tr_run(
		"name: lim\nduration: 2s\nwarmup: 500ms\nkernel: { max_threads: 300 }\n"
		"models: { threads: { runtime: native } }\nworkload:\n  req:\n    arrival: { poisson: 10000/s }\n"
		"    program: [ { cpu: 50us }, { net: 100ms } ]\n", "threads", NULL, 0);
	assert_true(m(&r, "tasks_failed") > 5000);
	assert_true(m(&r, "thread_create_failures") >= m(&r, "tasks_failed"));
	assert_true(m(&r, "threads_peak") <= 300);
	/* what ran, ran at ~300 threads / 100 ms */
	assert_true(m(&r, "throughput") > 2500 && m(&r, "throughput") < 3100);
	res_free(&r);
}

static void test_memory_limit_fails_tasks(void **state)
{
	(void)state;
	/* 1 MiB of committed memory at 64 KiB touched per thread: 16 threads */
	struct run_result r = tr_run(
		"name: mem\nduration: 1s\nkernel: { memory: 1MiB, stack_touch: 64KiB }\n"
		"acceptor: { enabled: false }\n"
		"models: { threads: { runtime: native } }\nworkload:\n  b:\n    arrival: { batch: { count: 40 } }\n"
		"    program: [ { sleep: 100ms } ]\n", "threads", NULL, 0);
	assert_int_equal((int)m(&r, "tasks_failed"), 40 - 16);
	assert_int_equal((int)m(&r, "tasks_completed"), 16);
	assert_int_equal((int)m(&r, "stack_committed_peak"), 16 * 65536);
	res_free(&r);
}

static void test_bounded_pool_queue_rejects(void **state)
{
	(void)state;
	struct run_result r = tr_run(
		"name: q\nduration: 1s\nacceptor: { enabled: false }\n"
		"models: { pool: { workers: 2, queue: 10 } }\nworkload:\n  b:\n"
		"    arrival: { batch: { count: 100 } }\n    program: [ { sleep: 10ms } ]\n", "pool", NULL, 0);
	/* 2 start at once... all 100 are queued before any worker runs: 10 fit */
	assert_int_equal((int)m(&r, "pool_rejected"), 90);
	assert_int_equal((int)m(&r, "tasks_failed"), 90);
	assert_int_equal((int)m(&r, "tasks_completed"), 10);
	assert_int_equal((int)m(&r, "pool_queue_peak"), 10);
	res_free(&r);
}

static void test_spawn_and_wait(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: sp\nduration: 5s\nacceptor: { enabled: false }\nmachine: { cores: 4 }\n"
		"models: { threads: { runtime: native }, pool: { workers: 8, runtime: native } }\n"
		"workload:\n  main:\n    arrival: { batch: { count: 1 } }\n"
		"    program: [ { spawn: { program: kid, count: 1000, wait: true } }, { cpu: 1ms } ]\n"
		"programs:\n  kid: [ { sleep: 100ms }, { cpu: 100us } ]\n";
	struct run_result t = tr_run(yaml, "threads", NULL, 0);
	assert_int_equal((int)m(&t, "children_completed"), 1000);
	assert_int_equal((int)m(&t, "tasks_completed"), 1);
	/* main ends after its last child: >= 100 ms + 100 us + 1 ms */
	assert_true(m(&t, "latency_max") >= 101.1e6);
	assert_true(m(&t, "threads_peak") > 900);
	/* in a pool of 8 the waiting parent holds a worker: 7 run the kids,
	 * 1000 kids x 100 ms / 7 workers >= 14 s > the 5 s run: not finished */
	struct run_result p = tr_run(yaml, "pool", NULL, 0);
	assert_int_equal((int)m(&p, "tasks_completed"), 0);
	assert_true(m(&p, "children_completed") > 300 && m(&p, "children_completed") < 400);
	res_free(&t);
	res_free(&p);
}

/* Closed-loop clients against a pool with every cost zero: 20 clients
 * thinking 10 ms (exponential) between a response and the next request,
 * 4 workers on 4 cores serving 1 ms (exponential) of CPU each, FCFS. That
 * is the machine-repairman model M/M/4//20, whose throughput X and mean
 * response time R = N/X - Z come from its birth-death chain
 * (testqueue.h), not from the run: 1,812/s and 1.038 ms. Tolerances: the
 * 30 s window holds ~54,000 requests; the throughput of a closed loop
 * varies little (its relative standard error here is ~0.5%), so 2%; R is
 * a mean of correlated waits (queue-length excursions last several
 * service times), ~1% standard error: 5%. The run's own response-time law,
 * X = N/(R + Z), is checked too, as a cross-check of its two outputs. */
static void test_closed_loop_matches_machine_repairman(void **state)
{
	(void)state;
	const int n = 20, c = 4;
	const double s = 1e-3, z = 10e-3;
	struct run_result r = tr_run(
		"name: cl\nduration: 31s\nwarmup: 1s\nseed: 7\nmachine: { cores: 4 }\n"
		"kernel: { switch: 0, wake: 0, wake_idle: 0, wake_idle_deep: 0, timer_slack: 0, thread_create: 0,\n"
		"          thread_exit: 0, syscall: 0 }\n"
		"acceptor: { enabled: false }\noutput: { sample: 0 }\n"
		"models: { pool: { workers: 4, enqueue: 0 } }\n"
		"workload:\n  c:\n    arrival: { closed: { clients: 20, think: { exp: 10ms } } }\n"
		"    program: [ { cpu: { exp: 1ms } } ]\n", "pool", NULL, 0);
	double x_want = repairman_throughput(n, c, s, z), r_want = n / x_want - z;
	double x = m(&r, "throughput"), resp = m(&r, "latency_mean") / 1e9;
	fprintf(stderr, "M/M/%d//%d: X %.1f/s (theory %.1f/s, %+.2f%%), R %.4f ms (theory %.4f ms, %+.2f%%)\n",
		c, n, x, x_want, 100 * (x / x_want - 1), resp * 1e3, r_want * 1e3, 100 * (resp / r_want - 1));
	assert_true(fabs(x / x_want - 1) < 0.02);
	assert_true(fabs(resp / r_want - 1) < 0.05);
	assert_true(fabs(x / (n / (resp + z)) - 1) < 0.02);
	res_free(&r);
}

static void test_acceptor_saturates_on_thread_creation(void **state)
{
	(void)state;
	/* creating a thread costs 200 us: the acceptor can start < 5,000/s */
	struct run_result r = tr_run(
		"name: acc\nduration: 2s\nwarmup: 500ms\nkernel: { thread_create: 200us }\n"
		"models: { threads: { runtime: native } }\nworkload:\n  req:\n    arrival: { poisson: 8000/s }\n"
		"    program: [ { cpu: 10us } ]\n", "threads", NULL, 0);
	double x = m(&r, "throughput");
	fprintf(stderr, "acceptor-bound throughput %.0f/s\n", x);
	assert_true(x < 5000 && x > 4000);
	assert_true(m(&r, "latency_p99") > 100e6);  /* the backlog grows */
	res_free(&r);
}

static void test_numa_remote_memory_is_slower(void **state)
{
	(void)state;
	/* one task per core; the program's second half runs after a sleep that
	 * lets the kernel place it elsewhere. Memory-intensive work on two nodes
	 * costs more CPU than on one node, never less. */
	static const char fmt[] =
		"name: numa\nduration: 2s\nacceptor: { enabled: false }\n"
		"machine: { cores: 4, numa: { nodes: %d, ratio: 3 } }\n"
		"models: { threads: { runtime: native } }\nworkload:\n  b:\n    arrival: { batch: { count: 64 } }\n"
		"    program: [ { repeat: { times: 20, do: [ { cpu: { exp: 1ms, mem: 1 } }, { sleep: 1ms } ] } } ]\n";
	char one[1024], two[1024];
	snprintf(one, sizeof one, fmt, 1);
	snprintf(two, sizeof two, fmt, 2);
	struct run_result a = tr_run(one, "threads", NULL, 0), b = tr_run(two, "threads", NULL, 0);
	fprintf(stderr, "task CPU: 1 node %.4f s, 2 nodes %.4f s\n", m(&a, "cpu_task"), m(&b, "cpu_task"));
	assert_true(m(&b, "cpu_task") > 1.05 * m(&a, "cpu_task"));
	res_free(&a);
	res_free(&b);
}

/* Thread.yield (sched_yield) lets the other thread on the core run: two
 * tasks alternating 10 us of work with a yield finish together, where
 * without yields CFS lets each run a whole slice (3 ms here, more than the
 * 1 ms each needs) and the first finishes after ~1 ms. */
static void test_yield_interleaves(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: y\nduration: 1s\nmachine: { cores: 1 }\nacceptor: { enabled: false }\n"
		"models: { threads: { runtime: native } }\nworkload:\n  two:\n    arrival: { batch: { count: 2 } }\n"
		"    program: [ { repeat: { times: 100, do: [ { cpu: 10us }, { yield: 1 } ] } } ]\n";
	struct run_result y = tr_run(yaml, "threads", NULL, 0);
	const char *sets[] = { "workload.two.program.0.repeat.do.1={ cpu: 0ns }" };
	struct run_result n = tr_run(yaml, "threads", sets, 1);
	fprintf(stderr, "threads: with yield first done at %.2f ms, without %.2f ms\n",
		m(&y, "latency_p50") / 1e6 - (m(&y, "latency_max") - m(&y, "latency_p50")) / 1e6,
		2 * m(&n, "latency_p50") / 1e6 - m(&n, "latency_max") / 1e6);
	/* p50 of two values is their mean: both near 2 ms vs one near 1 ms */
	assert_true(m(&y, "latency_max") - m(&y, "latency_p50") < 0.1e6);
	assert_true(m(&n, "latency_max") - m(&n, "latency_p50") > 0.4e6);
	res_free(&y);
	res_free(&n);
}

/* Repeat nesting beyond what a task records is refused before the run. */
static void test_deep_repeat_is_refused(void **state)
{
	(void)state;
	struct scenario sc;
	char err[512];
	const char *yaml = "name: deep\nduration: 1s\nmodels: { threads: { runtime: native } }\nworkload:\n  w:\n"
		"    arrival: { batch: { count: 1 } }\n"
		"    program: [ { repeat: { times: 2, do: [ { repeat: { times: 2, do: [ { repeat: { times: 2, do: [\n"
		"      { repeat: { times: 2, do: [ { repeat: { times: 2, do: [ { cpu: 1us } ] } } ] } } ] } } ] } } ] } } ]\n";
	assert_int_equal(sc_load_string("deep.yaml", yaml, NULL, 0, &sc, err, sizeof err), 0);
	struct run_result r;
	assert_int_equal(run_model(&sc, "threads", &r, err, sizeof err), 2);
	assert_non_null(strstr(err, "repeat nested 5 deep; at most 4 levels"));
	res_free(&r);
	sc_free(&sc);
}

/* { constant: 1000/s } arrives at exactly 1, 2, ..., 1000 ms: in a 1 s run
 * 999 requests of 100 us complete (the last arrives as the run ends), and
 * since none ever overlaps another, each sees the same latency on a model
 * without a scheduler of its own (threads: create + switch-in + 100 us). */
static void test_constant_arrivals(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: c\nduration: 1s\nmachine: { cores: 2 }\nmodels: { gmp: {}, threads: {}, pool: { workers: 4 } }\n"
		"workload:\n  r:\n    arrival: { constant: 1000/s }\n    program: [ { cpu: 100us } ]\n";
	const char *models[] = { "gmp", "threads", "pool" };
	for (int i = 0; i < 3; i++) {
		struct run_result r = tr_run(yaml, models[i], NULL, 0);
		assert_int_equal((int)tr_metric(&r, "tasks_completed"), 999);
		if (i > 0)
			assert_true(tr_metric(&r, "latency_p50") == tr_metric(&r, "latency_max"));
		res_free(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thread_limit_fails_tasks),
		cmocka_unit_test(test_memory_limit_fails_tasks),
		cmocka_unit_test(test_bounded_pool_queue_rejects),
		cmocka_unit_test(test_spawn_and_wait),
		cmocka_unit_test(test_closed_loop_matches_machine_repairman),
		cmocka_unit_test(test_acceptor_saturates_on_thread_creation),
		cmocka_unit_test(test_numa_remote_memory_is_slower),
		cmocka_unit_test(test_deep_repeat_is_refused),
		cmocka_unit_test(test_yield_interleaves),
		cmocka_unit_test(test_constant_arrivals),
	};
	return cmocka_run_group_tests_name("models", tests, NULL, NULL);
}
