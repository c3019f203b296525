/* tests/test_determinism.c — same scenario + seed gives identical results
 * (every metric, histogram bucket and time-series sample, garbage
 * collection included); another seed gives
 * different ones; and common random numbers hold end to end: two models that
 * complete the same tasks consume exactly the same total CPU demand. */
#include "testrun.h"
#include <math.h>

static const char service[] =
	"name: det\nduration: 2s\nwarmup: 200ms\n"
	"machine: { cores: 4, numa: { nodes: 2 } }\n"
	"gc: { live_heap: 2MiB, jvm: { young: 4MiB } }\n"
	"models: { threads: {}, pool: { workers: 50 }, gmp: { gomaxprocs: 3 } }\n"
	"workload:\n"
	"  req:\n    arrival: { poisson: 3000/s }\n"
	"    program:\n      - cpu: { exp: 200us, mem: 0.5 }\n      - alloc: 48KiB\n      - net: { lognormal: { mean: 5ms, sigma: 1 } }\n"
	"      - repeat: { times: 2, do: [ { syscall: { uniform: [10us, 100us] } }, { cpu: 20us } ] }\n"
	"  batch:\n    arrival: { batch: { count: 3, at: 100ms } }\n"
	"    program: [ { spawn: { program: child, count: 20, wait: true } } ]\n"
	"  users:\n    arrival: { closed: { clients: 5, think: { exp: 10ms } } }\n"
	"    program: [ { cpu: 50us }, { sleep: 1ms } ]\n"
	"programs:\n  child: [ { cpu: { exp: 1ms } }, { sleep: 2ms } ]\n";

static void run_once(const char *yaml, const char *model, const char *seed, struct run_result *res)
{
	const char *sets[1] = { seed };
	*res = tr_run(yaml, model, sets, 1);
}

static bool same_results(const struct run_result *a, const struct run_result *b)
{
	if (a->nmetrics != b->nmetrics || a->nbuckets != b->nbuckets || a->nsamples != b->nsamples ||
	    a->events != b->events || a->sim_ns_run != b->sim_ns_run)
		return false;
	for (int i = 0; i < a->nmetrics; i++)
		if (strcmp(a->metrics[i].name, b->metrics[i].name) != 0 ||
		    memcmp(&a->metrics[i].value, &b->metrics[i].value, sizeof(double)) != 0)
			return false;
	for (int i = 0; i < a->nbuckets; i++)
		if (a->buckets[i].count != b->buckets[i].count || a->buckets[i].lo != b->buckets[i].lo)
			return false;
	for (int i = 0; i < a->nsamples; i++)
		if (a->samples[i].t != b->samples[i].t || a->samples[i].value != b->samples[i].value)
			return false;
	return true;
}

static void check_model(const char *model)
{
	struct run_result a, b, c;
	run_once(service, model, "seed=11", &a);
	run_once(service, model, "seed=11", &b);
	run_once(service, model, "seed=12", &c);
	assert_true(res_get_metric(&a, "tasks_completed") > 4000);
	assert_true(res_get_metric(&a, "gc_cycles") > 2);  /* the collectors are part of what repeats */
	assert_true(same_results(&a, &b));
	assert_false(same_results(&a, &c));
	assert_true(res_get_metric(&a, "latency_p99") != res_get_metric(&c, "latency_p99"));
	res_free(&a);
	res_free(&b);
	res_free(&c);
}

static void test_threads_deterministic(void **state)
{
	(void)state;
	check_model("threads");
}

static void test_pool_deterministic(void **state)
{
	(void)state;
	check_model("pool");
}

static void test_eventloop_deterministic(void **state)
{
	(void)state;
	check_model("eventloop");
}

static void test_gmp_deterministic(void **state)
{
	(void)state;
	check_model("gmp");
}

/* Batch work with zero costs on one node: each model completes every task,
 * in a different order, so equal task CPU means equal demands. */
static void test_common_random_numbers_end_to_end(void **state)
{
	(void)state;
	static const char batch[] =
		"name: crn\nduration: 20s\nmachine: { cores: 2 }\n"
		"kernel: { switch: 0, wake: 0, wake_idle: 0, wake_idle_deep: 0, timer_slack: 0, thread_create: 0, thread_exit: 0, syscall: 0 }\n"
		"models: { threads: {}, pool: { workers: 3, enqueue: 0 }, gmp: {} }\n"
		"workload:\n  jobs:\n    arrival: { batch: { count: 200 } }\n"
		"    program:\n      - cpu: { exp: 2ms }\n      - sleep: { exp: 1ms }\n"
		"      - cpu: { pareto: { scale: 1ms, alpha: 2.5 } }\n";
	struct run_result t, p, g;
	run_once(batch, "threads", "seed=3", &t);
	run_once(batch, "pool", "seed=3", &p);
	run_once(batch, "gmp", "seed=3", &g);
	assert_int_equal((int)res_get_metric(&g, "tasks_completed"), 200);
	assert_true(res_get_metric(&g, "cpu_task") == res_get_metric(&t, "cpu_task"));
	res_free(&g);
	assert_int_equal((int)res_get_metric(&t, "tasks_completed"), 200);
	assert_int_equal((int)res_get_metric(&p, "tasks_completed"), 200);
	double ct = res_get_metric(&t, "cpu_task"), cp = res_get_metric(&p, "cpu_task");
	fprintf(stderr, "task CPU: threads %.9f s, pool %.9f s\n", ct, cp);
	assert_true(ct > 0.5);
	assert_true(ct == cp);
	/* and the orders really differed: the latency distributions are not equal */
	assert_true(res_get_metric(&t, "latency_mean") != res_get_metric(&p, "latency_mean"));
	res_free(&t);
	res_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads_deterministic),
		cmocka_unit_test(test_pool_deterministic),
		cmocka_unit_test(test_gmp_deterministic),
		cmocka_unit_test(test_eventloop_deterministic),
		cmocka_unit_test(test_common_random_numbers_end_to_end),
	};
	return cmocka_run_group_tests_name("determinism", tests, NULL, NULL);
}
