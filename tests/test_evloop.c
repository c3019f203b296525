/* tests/test_evloop.c — the event-loop model (models/evloop): a blocking
 * call on a loop thread stalls every connection of that loop while the
 * other loops go on, and a worker pool takes the stall off the loop; a
 * network wait holds no thread; one loop serving CPU work is a single FIFO
 * server (M/M/1); a hand-off to a worker costs a worker wake-up and a
 * Selector.wakeup() back; connections go round-robin; channels are
 * futures (a producer and a consumer on one loop do not deadlock); spawn
 * and wait. Expectations come from the mechanisms and queueing theory,
 * not from the model's output. */
#include "testrun.h"
#include "testqueue.h"
#include "results.h"
#include <math.h>

#define m tr_metric

/* Latencies below `ns` in the run's histogram (bucket upper bounds). */
static int64_t lat_below(const struct run_result *r, double ns)
{
	int64_t n = 0;
	for (int i = 0; i < r->nbuckets; i++)
		if (strcmp(r->buckets[i].name, "latency") == 0 && r->buckets[i].hi <= ns)
			n += r->buckets[i].count;
	return n;
}

/* Connection 0 (class blocker, at t=0) makes a 50 ms blocking call on
 * loop 0; ten light requests arrive at 1 ms and go round-robin to loops
 * 1, 0, 1, 0 ... (connections 1..10): each is 10 us CPU, a 1 ms network
 * wait, 10 us CPU. */
static const char stall_yaml[] =
	"name: stall\nduration: 200ms\nmachine: { cores: 4 }\nacceptor: { enabled: false }\n"
	"models: { eventloop: { loops: 2 } }\n"
	"workload:\n"
	"  blocker:\n    arrival: { batch: { count: 1, at: 0 } }\n    program: [ { syscall: 50ms } ]\n"
	"  light:\n    arrival: { batch: { count: 10, at: 1ms } }\n"
	"    program: [ { cpu: 10us }, { net: 1ms }, { cpu: 10us } ]\n";

static void test_blocking_call_stalls_its_loop_only(void **state)
{
	(void)state;
	struct run_result r = tr_run(stall_yaml, "eventloop", NULL, 0);
	assert_int_equal((int)m(&r, "tasks_completed"), 11);
	/* loop 1's five connections: 1 ms + 20 us of CPU + costs of a few us */
	assert_int_equal((int)lat_below(&r, 1.2e6), 5);
	/* loop 0's five wait for the 50 ms call (it ends at 50 ms; they
	 * arrived at 1 ms: >= 49 ms), as does the blocker itself */
	assert_true(m(&r, "latency_p50") >= 49e6);
	assert_true(m(&r, "latency_max") >= 50e6 && m(&r, "latency_max") < 52e6);
	/* loop 0 was blocked for the call, loop 1 never */
	assert_true(m(&r, "evl_loop_blocked") >= 50e6 && m(&r, "evl_loop_blocked") < 50.1e6);
	assert_true(m(&r, "evl_loop_blocked_max") == m(&r, "evl_loop_blocked"));
	res_free(&r);
}

static void test_worker_pool_takes_the_stall_off_the_loop(void **state)
{
	(void)state;
	const char *sets[] = { "models.eventloop.workers=2" };
	struct run_result r = tr_run(stall_yaml, "eventloop", sets, 1);
	assert_int_equal((int)m(&r, "tasks_completed"), 11);
	/* every light request now finishes in about 1 ms (its 20 CPU ops of
	 * 10 us queue for the one free worker: 200 us at most, plus the
	 * hand-offs); the blocker in 50 */
	assert_int_equal((int)lat_below(&r, 2e6), 10);
	assert_true(m(&r, "latency_max") >= 50e6 && m(&r, "latency_max") < 51e6);
	assert_true(m(&r, "evl_loop_blocked") == 0);
	/* the blocker's call and each light request's two CPU ops went to the pool */
	assert_int_equal((int)m(&r, "evl_handoffs"), 1 + 2 * 10);
	res_free(&r);
}

static void test_net_wait_holds_no_thread(void **state)
{
	(void)state;
	/* 2,000 connections each waiting 100 ms for the network, on one loop:
	 * they all overlap; threads = the loop + the JVM's own */
	struct run_result r = tr_run(
		"name: net\nduration: 1s\nmachine: { cores: 1 }\nacceptor: { enabled: false }\n"
		"models: { eventloop: { loops: 1 } }\njvm: { threads: 0 }\ngc: { jvm: { enabled: false } }\n"
		"workload:\n  c:\n    arrival: { batch: { count: 2000 } }\n    program: [ { net: 100ms } ]\n",
		"eventloop", NULL, 0);
	assert_int_equal((int)m(&r, "tasks_completed"), 2000);
	assert_true(m(&r, "latency_max") < 130e6);  /* 2,000 dispatches at a few us each on top */
	assert_int_equal((int)m(&r, "threads_peak"), 1);
	res_free(&r);
}

/* One loop on its own core, CPU-only requests of exponential length, no
 * overheads: a single FIFO server, M/M/1 (R = s / (1 - rho)). */
static void test_one_loop_is_a_fifo_server(void **state)
{
	(void)state;
	struct run_result r = tr_run(
		"name: mm1\nduration: 20s\nwarmup: 1s\nmachine: { cores: 2 }\nacceptor: { enabled: false }\n"
		"kernel: { switch: 0, wake: 0, wake_idle: 0, wake_idle_deep: 0, syscall: 0 }\n"
		"models: { eventloop: { loops: 1, select: 0, dispatch: 0, enqueue: 0 } }\n"
		"jvm: { threads: 0 }\ngc: { jvm: { enabled: false } }\n"
		"workload:\n  c:\n    arrival: { poisson: 600/s }\n    program: [ { cpu: { exp: 1ms } } ]\n",
		"eventloop", NULL, 0);
	double expect = mmc_response(1, 1e-3, 600) * 1e9;  /* 2.5 ms */
	double got = m(&r, "latency_mean");
	assert_true(fabs(got - expect) / expect < 0.08);
	res_free(&r);
}

/* A hand-off with the loop asleep between requests: the registration and
 * the worker's posted completion each write the loop's eventfd
 * (Selector.wakeup()) once; the CPU op is one hand-off. */
static void test_handoff_pays_a_wakeup_each_way(void **state)
{
	(void)state;
	struct run_result r = tr_run(
		"name: ho\nduration: 995ms\nmachine: { cores: 2 }\nacceptor: { enabled: false }\n"
		"models: { eventloop: { loops: 1, workers: 1 } }\n"
		"workload:\n  c:\n    arrival: { constant: 100/s }\n    program: [ { cpu: 1ms } ]\n",
		"eventloop", NULL, 0);
	double n = m(&r, "tasks_completed");
	assert_int_equal((int)n, 99);  /* arrivals at 10, 20, ... 990 ms */
	assert_int_equal((int)m(&r, "evl_handoffs"), (int)n);
	assert_int_equal((int)m(&r, "evl_posts_back"), (int)n);  /* the end goes back to the loop */
	assert_int_equal((int)m(&r, "evl_wakeups"), 2 * (int)n);
	/* one select per event and the loop is asleep between requests */
	assert_int_equal((int)m(&r, "evl_selects"), 2 * (int)n);
	res_free(&r);
}

static void test_connections_round_robin(void **state)
{
	(void)state;
	/* 3 loops, 1 core: 9 connections blocking 10 ms each in a syscall.
	 * Round-robin puts 3 on each loop: each loop runs its three calls one
	 * after another (30 ms), the loops side by side. */
	struct run_result r = tr_run(
		"name: rr\nduration: 200ms\nmachine: { cores: 1 }\nacceptor: { enabled: false }\n"
		"models: { eventloop: { loops: 3 } }\n"
		"workload:\n  c:\n    arrival: { batch: { count: 9 } }\n    program: [ { syscall: 10ms } ]\n",
		"eventloop", NULL, 0);
	assert_int_equal((int)lat_below(&r, 15e6), 3);
	assert_int_equal((int)lat_below(&r, 25e6), 6);
	assert_true(m(&r, "latency_max") >= 30e6 && m(&r, "latency_max") < 30.5e6);
	assert_int_equal((int)m(&r, "evl_conn_spread"), 0);  /* 9 connections, 3 each */
	res_free(&r);
}

/* Channels are futures: the consumer waits without its thread, so a
 * producer on the same (only) loop can still run. A blocking queue here
 * would block the loop in recv and never run the producer. */
static void test_channel_is_a_future(void **state)
{
	(void)state;
	struct run_result r = tr_run(
		"name: ch\nduration: 100ms\nmachine: { cores: 1 }\nacceptor: { enabled: false }\n"
		"models: { eventloop: { loops: 1 } }\nchannels: { jobs: }\n"
		"workload:\n"
		"  consumer:\n    arrival: { batch: { count: 5, at: 0 } }\n    program: [ { recv: jobs }, { cpu: 10us } ]\n"
		"  producer:\n    arrival: { batch: { count: 5, at: 1ms } }\n    program: [ { net: 1ms }, { send: jobs } ]\n",
		"eventloop", NULL, 0);
	assert_int_equal((int)m(&r, "tasks_completed"), 10);
	assert_int_equal((int)m(&r, "threads_peak"), 1 + 18);  /* the loop and the JVM's own threads */
	res_free(&r);
}

static void test_spawn_and_wait(void **state)
{
	(void)state;
	/* a parent spawns 8 children (10 ms network wait each) and waits:
	 * they overlap on 2 loops, so it takes about 10 ms, not 80 */
	struct run_result r = tr_run(
		"name: sp\nduration: 200ms\nmachine: { cores: 2 }\nacceptor: { enabled: false }\n"
		"models: { eventloop: { loops: 2 } }\n"
		"programs:\n  child: [ { net: 10ms } ]\n"
		"workload:\n  p:\n    arrival: { batch: { count: 1 } }\n"
		"    program: [ { spawn: { program: child, count: 8, wait: true } }, { cpu: 10us } ]\n",
		"eventloop", NULL, 0);
	assert_int_equal((int)m(&r, "tasks_completed"), 1);
	assert_true(m(&r, "latency_max") >= 10e6 && m(&r, "latency_max") < 11e6);
	res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocking_call_stalls_its_loop_only),
		cmocka_unit_test(test_worker_pool_takes_the_stall_off_the_loop),
		cmocka_unit_test(test_net_wait_holds_no_thread),
		cmocka_unit_test(test_one_loop_is_a_fifo_server),
		cmocka_unit_test(test_handoff_pays_a_wakeup_each_way),
		cmocka_unit_test(test_connections_round_robin),
		cmocka_unit_test(test_channel_is_a_future),
		cmocka_unit_test(test_spawn_and_wait),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
