/* tests/test_queueing.c — the simulator against queueing theory, which is
 * how we know the DES is right: the pool model with zero costs is an M/M/c
 * FCFS queue (Erlang C), the threads model on one core with zero costs is
 * M/M/1 processor sharing (mean response S/(1-rho)). */
#include "testrun.h"
#include "testqueue.h"
#include <math.h>

/* Every kernel and model cost set to zero; the acceptor off. */
static const char zero_costs[] =
	"kernel: { switch: 0, wake: 0, wake_idle: 0, wake_idle_deep: 0, timer_slack: 0, thread_create: 0, thread_exit: 0,\n"
	"          syscall: 0 }\n"
	"acceptor: { enabled: false }\n"
	"output: { sample: 0 }\n";

static double run_metric(const char *yaml, const char *model, const char *metric)
{
	struct run_result res = tr_run(yaml, model, NULL, 0);
	double v = tr_metric(&res, metric);
	res_free(&res);
	return v;
}

/* The formulas in testqueue.h against closed forms they must reduce to:
 * M/M/1 waits with probability rho and responds in s/(1-rho); M/M/2 has
 * C = 2 rho^2 / (1 + rho); one client alone cycles every s + z; with as
 * many servers as clients nobody queues, X = n/(s + z). */
static void test_formulas_reduce_to_closed_forms(void **state)
{
	(void)state;
	assert_true(fabs(erlang_c(1, 0.3) - 0.3) < 1e-12);
	assert_true(fabs(mmc_response(1, 1e-3, 700) - 1e-3 / 0.3) < 1e-12);
	assert_true(fabs(erlang_c(2, 2 * 0.6) - 2 * 0.36 / 1.6) < 1e-12);
	assert_true(fabs(repairman_throughput(1, 1, 1e-3, 9e-3) - 100) < 1e-9);
	assert_true(fabs(repairman_throughput(5, 5, 1e-3, 4e-3) - 1000) < 1e-9);
	/* far more clients than the servers can keep up with: they never idle, X = c/s */
	assert_true(fabs(repairman_throughput(1000, 4, 1e-3, 1e-3) - 4000) < 1e-6);
}

static void test_pool_matches_erlang_c(void **state)
{
	(void)state;
	const int c = 4;
	const double s = 1e-3, rho = 0.7, lambda = rho * c / s;
	char yaml[2048];
	snprintf(yaml, sizeof yaml,
		 "name: mmc\nduration: 400s\nwarmup: 5s\nseed: 3\n"
		 "machine: { cores: %d }\n%s"
		 "models: { pool: { workers: %d, enqueue: 0 } }\n"
		 "workload:\n  req:\n    arrival: { poisson: %.6f/s }\n"
		 "    program: [ { cpu: { exp: 1ms } } ]\n",
		 c, zero_costs, c, lambda);
	double expect = mmc_response(c, s, lambda);
	double got = run_metric(yaml, "pool", "latency_mean") / 1e9;
	fprintf(stderr, "M/M/%d rho %.2f: simulated %.6f s, Erlang C %.6f s (%+.2f%%)\n",
		c, rho, got, expect, 100 * (got / expect - 1));
	assert_true(fabs(got / expect - 1) < 0.03);
}

static void test_threads_one_core_is_processor_sharing(void **state)
{
	(void)state;
	const double s = 1e-3, rho = 0.7, lambda = rho / s;
	char yaml[2048];
	snprintf(yaml, sizeof yaml,
		 "name: mm1ps\nduration: 400s\nwarmup: 5s\nseed: 5\n"
		 "machine: { cores: 1 }\n%s"
		 "models: { threads: { runtime: native } }\n"
		 "workload:\n  req:\n    arrival: { poisson: %.6f/s }\n"
		 "    program: [ { cpu: { exp: 1ms } } ]\n",
		 zero_costs, lambda);
	double expect = s / (1 - rho);
	double got = run_metric(yaml, "threads", "latency_mean") / 1e9;
	fprintf(stderr, "M/M/1-PS rho %.2f: simulated %.6f s, S/(1-rho) %.6f s (%+.2f%%)\n",
		rho, got, expect, 100 * (got / expect - 1));
	assert_true(fabs(got / expect - 1) < 0.05);
}

static void test_two_cpu_bound_tasks_share_a_core(void **state)
{
	(void)state;
	char yaml[2048];
	snprintf(yaml, sizeof yaml,
		 "name: halves\nduration: 3s\nseed: 1\nmachine: { cores: 1 }\n%s"
		 "models: { threads: { runtime: native } }\n"
		 "workload:\n  hog:\n    arrival: { batch: { count: 2 } }\n"
		 "    program: [ { cpu: 1s } ]\n", zero_costs);
	/* fair sharing: both finish near 2 s, neither at 1 s as FIFO would */
	double p50 = run_metric(yaml, "threads", "latency_p50") / 1e9;
	double max = run_metric(yaml, "threads", "latency_max") / 1e9;
	fprintf(stderr, "two hogs: median finish %.4f s, last %.4f s\n", p50, max);
	assert_true(max <= 2.0 + 1e-9 && max > 1.99);
	assert_true(p50 > 1.99);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formulas_reduce_to_closed_forms),
		cmocka_unit_test(test_pool_matches_erlang_c),
		cmocka_unit_test(test_threads_one_core_is_processor_sharing),
		cmocka_unit_test(test_two_cpu_bound_tasks_share_a_core),
	};
	return cmocka_run_group_tests_name("queueing", tests, NULL, NULL);
}
