/* tests/test_mstart.c — what starting an M costs (proc.go:newm, allocm,
 * mstart) in the K-blockers burst: K goroutines enter a 50 ms syscall at
 * once with GOMAXPROCS 2 on 2 cores (analysis/validate/scenarios/sysblock).
 * Expectations come from proc.go's retake/newm rules, not the model's
 * output: each retake round creates one M per P in one sysmon cycle, so the
 * creator's newm CPU lengthens every round by 2 x newm; the new thread's
 * mstart CPU is paid once per M created by newm. */
#include "testrun.h"
#include <math.h>
#include <stdio.h>

#define K 100
#define M(r, name) tr_metric(r, name)

/* The burst with explicit costs; everything but newm and mstart fixed. */
static struct run_result burst(const char *newm, const char *mstart)
{
	char yaml[1024];
	snprintf(yaml, sizeof yaml,
		 "name: mstart\nduration: 2s\nseed: 1\nmachine: { cores: 2 }\n"
		 "acceptor: { enabled: false }\n"
		 "models: { gmp: { gomaxprocs: 2, newm: %s, mstart: %s, sysmon_cycle: 0 } }\n"
		 "kernel: { thread_create: 7us, timer_slack: 50us }\n"
		 "workload:\n  main:\n    arrival: { batch: { count: 1, at: 0s } }\n"
		 "    program: [ { spawn: { program: blocker, count: %d, wait: true } } ]\n"
		 "programs:\n  blocker: [ { syscall: 50ms } ]\n",
		 newm, mstart, K);
	return tr_run(yaml, "gmp", NULL, 0);
}

/* proc.go:retake takes a syscall P on sysmon's second look at the same
 * syscalltick, and handoffp -> startm -> newm runs on sysmon itself: with
 * both Ps retaken in one cycle, each of the (K - 2) / 2 rounds that create
 * the Ms for the queued Gs holds sysmon for 2 x newm more before its next
 * usleep. So the wall (main's latency) grows by (K - 2) / 2 x 2 x newm. */
static void test_newm_lengthens_every_retake_round(void **state)
{
	(void)state;
	struct run_result a = burst("0", "0"), b = burst("100us", "0");
	double rounds = (K - 2) / 2.0, want = rounds * 2 * 100e3;
	double got = M(&b, "latency_max") - M(&a, "latency_max");
	fprintf(stderr, "newm 0 -> 100us: wall %.2f -> %.2f ms (+%.2f ms, %.2f expected)\n",
		M(&a, "latency_max") / 1e6, M(&b, "latency_max") / 1e6, got / 1e6, want / 1e6);
	assert_true(M(&a, "latency_max") > 50e6 && M(&b, "latency_max") > 50e6);
	assert_true(fabs(got - want) < 0.1 * want);
	/* all K blockers still each hold an M while blocked: K + m0 + sysmon */
	assert_true(M(&b, "ms_created") >= K + 1 && M(&b, "ms_created") <= K + 2);
	res_free(&a);
	res_free(&b);
}

/* mstart is the new thread's own CPU: paid once by every M that newm
 * created (not m0, the process's main thread, nor sysmon), and — as long as
 * it is shorter than sysmon's usleep(20 us) + timer slack — it does not move
 * the wall: the G still enters its syscall before sysmon's next look, and
 * retake needs two looks anyway. */
static void test_mstart_paid_once_per_new_m(void **state)
{
	(void)state;
	struct run_result a = burst("50us", "0"), b = burst("50us", "30us");
	double started = M(&b, "ms_created") - 2;  /* less m0 and sysmon */
	double got = M(&b, "cpu_cause_sched") - M(&a, "cpu_cause_sched");
	fprintf(stderr, "mstart 0 -> 30us: %g new Ms, sched CPU +%.1f us (%.1f expected), wall %.3f -> %.3f ms\n",
		started, got / 1e3, started * 30.0, M(&a, "latency_max") / 1e6, M(&b, "latency_max") / 1e6);
	assert_true(M(&a, "ms_created") == M(&b, "ms_created"));
	/* within 2%: the other scheduler charges shift a little with the timing */
	assert_true(fabs(got - started * 30e3) < 0.02 * started * 30e3);
	assert_true(fabs(M(&b, "latency_max") - M(&a, "latency_max")) < 0.01 * M(&a, "latency_max"));
	res_free(&a);
	res_free(&b);
}

/* A goroutine-only program creates no M beyond its start: the new costs
 * must not touch it (the seed article's 1 ns sleepers at GOMAXPROCS 1). */
static void test_no_new_m_no_cost(void **state)
{
	(void)state;
	const char *y =
		"name: nom\nduration: 1s\nseed: 1\nmachine: { cores: 1 }\nacceptor: { enabled: false }\n"
		"models: { gmp: { gomaxprocs: 1, newm: %s, mstart: %s } }\n"
		"workload:\n  w:\n    arrival: { batch: { count: 50 } }\n    program: [ { cpu: 1ms } ]\n";
	char a_y[512], b_y[512];
	snprintf(a_y, sizeof a_y, y, "0", "0");
	snprintf(b_y, sizeof b_y, y, "1ms", "1ms");
	struct run_result a = tr_run(a_y, "gmp", NULL, 0), b = tr_run(b_y, "gmp", NULL, 0);
	fprintf(stderr, "no new M: %g Ms, wall %.3f vs %.3f ms\n", M(&a, "ms_created"),
		M(&a, "latency_max") / 1e6, M(&b, "latency_max") / 1e6);
	assert_true(M(&a, "ms_created") == 2);  /* m0 + sysmon */
	assert_true(M(&a, "latency_max") == M(&b, "latency_max"));
	res_free(&a);
	res_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_newm_lengthens_every_retake_round),
		cmocka_unit_test(test_mstart_paid_once_per_new_m),
		cmocka_unit_test(test_no_new_m_no_cost),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
