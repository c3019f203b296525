/* tests/test_acceptor.c — models/acceptor.c: the accept loop is one kernel
 * thread that pays, per connection, the accept cost, the model's start
 * cost and what starting returns (a futex wake for the pool), one after
 * another. So it serves at most 1 / (that sum) connections per second:
 * offered more, it saturates at exactly that rate and its backlog grows at
 * the difference; offered less, it keeps up. Costs come from the
 * scenario's parameters, nothing from the run. */
#include "testrun.h"
#include <math.h>

#define M tr_metric

/* 8 cores and 10 us requests: the cores are never the limit, the one
 * accepting thread is. */
static const char base[] =
	"name: acc\nduration: 2500ms\nwarmup: 500ms\nseed: 3\nmachine: { cores: 8 }\noutput: { sample: 0 }\n"
	"kernel: { syscall: 1us, wake: 4us, thread_create: 50us }\n"
	"acceptor: { enabled: true, accept: %s }\n"
	"models: { threads: { runtime: native }, pool: { workers: 8, enqueue: 15us, runtime: native } }\n"
	"workload:\n  req:\n    arrival: { poisson: %s }\n    program: [ { cpu: 10us } ]\n";

static struct run_result run_acc(const char *model, const char *accept, const char *rate)
{
	char yaml[2048];
	snprintf(yaml, sizeof yaml, base, accept, rate);
	return tr_run(yaml, model, NULL, 0);
}

/* threads: accept 150 us + thread creation 50 us = 200 us per connection:
 * 5,000/s at most. pool: accept 180 us + enqueue 15 us + the futex wake of
 * an idle worker (syscall 1 us + wake 4 us) = 200 us: 5,000/s. Offered
 * 8,000/s, each completes 5,000/s over the 2 s window: the loop never
 * waits (its backlog is never empty after the first instants), so starts
 * are exactly 200 us apart, and completions follow 10 us of work later.
 * The tolerance, 0.1%, covers the window's edges (one start either way,
 * 0.01% of 10,000) and a rare switch, should a thread woken onto the
 * acceptor's core preempt it (a few microseconds each). */
static void test_saturates_at_one_over_its_cost(void **state)
{
	(void)state;
	const char *models[] = { "threads", "pool" }, *accept[] = { "150us", "180us" };
	for (int m = 0; m < 2; m++) {
		struct run_result r = run_acc(models[m], accept[m], "8000/s");
		double x = M(&r, "throughput");
		fprintf(stderr, "%s: %.1f/s through a 200 us accept loop (bound 5000/s)\n", models[m], x);
		assert_true(x <= 5000 * 1.0005);
		assert_true(fabs(x / 5000 - 1) < 0.001);
		/* the backlog grows at 8,000 - 5,000 per second: after 2.5 s,
		 * 20,000 +- 141 (Poisson) arrived and 12,500 started: 7,500
		 * waiting, +- 5 sd */
		double live = M(&r, "tasks_live_end");
		fprintf(stderr, "  %.0f requests waiting at the end (expected 7500 +- 710)\n", live);
		assert_true(fabs(live - 7500) < 710);
		assert_true(M(&r, "latency_p50") > 100e6);  /* waiting in the backlog */
		res_free(&r);
	}
}

/* Below the bound it keeps up: offered 2,500/s (half of it), the window's
 * completions are the window's arrivals, Poisson(5,000) over 2 s: within
 * 4 sd (71 per second) of 2,500/s, and nothing piles up. A request waits
 * for the loop only behind the few accepted before it: its latency is its
 * accept + start costs + a switch-in + 10 us, a few hundred microseconds,
 * and the 99th percentile stays under 3 ms (M/D/1 at load 0.5 with 200 us
 * service: P(wait > 2.5 ms) is below 1e-4). */
static void test_keeps_up_below_the_bound(void **state)
{
	(void)state;
	struct run_result r = run_acc("threads", "150us", "2500/s");
	double x = M(&r, "throughput");
	fprintf(stderr, "threads at 2500/s offered: %.1f/s, p99 %.3f ms\n", x, M(&r, "latency_p99") / 1e6);
	assert_true(fabs(x - 2500) < 4 * 71);
	assert_true(M(&r, "tasks_live_end") < 20);
	assert_true(M(&r, "latency_p99") < 3e6);
	assert_true(M(&r, "latency_p50") >= 200e3 + 10e3);  /* its own accept and start, then its work */
	res_free(&r);
}

/* The loop is one thread: it adds exactly one to the threads a model
 * has (pool: its workers, and the acceptor; nothing else runs without a
 * JVM collection). With the acceptor off, arrivals start directly. */
static void test_one_thread(void **state)
{
	(void)state;
	struct run_result r = run_acc("pool", "180us", "1000/s");
	assert_int_equal((int)M(&r, "threads_peak"), 8 + 1);
	res_free(&r);
	const char *off[] = { "acceptor.enabled=false" };
	char yaml[2048];
	snprintf(yaml, sizeof yaml, base, "180us", "1000/s");
	struct run_result o = tr_run(yaml, "pool", off, 1);
	assert_int_equal((int)M(&o, "threads_peak"), 8);
	res_free(&o);
}

/* acceptor.listeners: 2 — two SO_REUSEPORT sockets, an accept loop each,
 * connections alternating between them. Each loop still serves at most
 * 5,000/s (200 us per connection, as above); together 10,000/s. Offered
 * 8,000/s — 4,000/s per socket, which one loop could not take (above) —
 * they keep up: the window's completions are its arrivals, Poisson(16,000)
 * over 2 s, within 4 sd (63/s) of 8,000/s, nothing piles up, and the
 * threads are the workers and the two loops. */
static void test_two_listeners_double_the_bound(void **state)
{
	(void)state;
	const char *two[] = { "acceptor.listeners=2" };
	char yaml[2048];
	snprintf(yaml, sizeof yaml, base, "180us", "8000/s");
	struct run_result r = tr_run(yaml, "pool", two, 1);
	double x = M(&r, "throughput");
	fprintf(stderr, "pool, 2 listeners at 8000/s offered: %.1f/s\n", x);
	assert_true(fabs(x - 8000) < 4 * 63);
	assert_true(M(&r, "tasks_live_end") < 50);
	assert_int_equal((int)M(&r, "threads_peak"), 8 + 2);
	res_free(&r);
}

/* The same for Go: each listener is an accepting goroutine (`for { c :=
 * ln.Accept(); go serve(c) }`) whose loop costs accept (195 us here) plus
 * newproc and runqput (1 us or less): one serves just over 5,000/s, so at
 * 8,000/s offered one saturates (under 5,200/s) and four keep up (within
 * 4 sd of 8,000/s). */
static void test_gmp_listeners(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: accgo\nduration: 2500ms\nwarmup: 500ms\nseed: 3\nmachine: { cores: 8 }\noutput: { sample: 0 }\n"
		"acceptor: { enabled: true, accept: 195us }\nmodels: { gmp: {} }\n"
		"workload:\n  req:\n    arrival: { poisson: 8000/s }\n    program: [ { cpu: 10us } ]\n";
	struct run_result one = tr_run(yaml, "gmp", NULL, 0);
	const char *four[] = { "acceptor.listeners=4" };
	struct run_result r4 = tr_run(yaml, "gmp", four, 1);
	fprintf(stderr, "gmp at 8000/s: 1 listener %.1f/s, 4 listeners %.1f/s\n",
		M(&one, "throughput"), M(&r4, "throughput"));
	assert_true(M(&one, "throughput") < 5200);
	assert_true(fabs(M(&r4, "throughput") - 8000) < 4 * 63);
	assert_true(M(&r4, "tasks_live_end") < 50);
	res_free(&one);
	res_free(&r4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_saturates_at_one_over_its_cost),
		cmocka_unit_test(test_keeps_up_below_the_bound),
		cmocka_unit_test(test_one_thread),
		cmocka_unit_test(test_two_listeners_double_the_bound),
		cmocka_unit_test(test_gmp_listeners),
	};
	return cmocka_run_group_tests_name("acceptor", tests, NULL, NULL);
}
