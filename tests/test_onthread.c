/* tests/test_onthread.c — models/onethread/onthread.c, the 1:1 executor:
 * a cpu op is a burst; a blocking op is a system call — the entry half of
 * kernel.syscall, the thread blocked for the op's time, the wake-up onto
 * its (idle) core, the exit half. A task alone on an idle machine
 * therefore completes in a time that is the sum of its ops and of these
 * documented kernel costs, every one a scenario parameter set here. */
#include "testrun.h"
#include <math.h>

#define M tr_metric

enum {
	SW = 3000, WAKE = 5000, DEEP = 30000, DEEP_AFTER = 200000, SYSCALL = 300,
	EXIT = 14000, SLACK = 50000, ENQ = 700,
	X = 100000, Z = 50000,
};

static const char fmt[] =
	"name: ot\nduration: 1s\nacceptor: { enabled: false }\nmachine: { cores: 2 }\noutput: { sample: 0 }\n"
	"kernel: { switch: 3us, wake_idle: 5us, wake_idle_deep: 30us, idle_deep_after: 200us, syscall: 300ns,\n"
	"          thread_exit: 14us, timer_slack: 50us }\n"
	"gc: { jvm: { enabled: false } }\n"
	"models: { threads: { runtime: native }, pool: { workers: 1, enqueue: 700ns, runtime: native } }\n"
	"workload:\n  t:\n    arrival: { batch: { count: 1, at: %s } }\n"
	"    program: [ { cpu: 100us }, { %s: %s }, { cpu: 50us } ]\n";

static struct run_result run_one(const char *model, const char *at, const char *op, const char *dur)
{
	char yaml[2048];
	snprintf(yaml, sizeof yaml, fmt, at, op, dur);
	return tr_run(yaml, model, NULL, 0);
}

/* The wake-up of a core idle for `idle` ns: shallow, or deep past
 * idle_deep_after. */
static double wake_after(double idle) { return idle >= DEEP_AFTER ? DEEP : WAKE; }

/* threads, the task arriving at 0: its new thread goes onto a core idle
 * since 0 (a shallow wake-up and a switch), runs X, enters the syscall
 * (half), blocks Y; the timer wakes it onto its core, idle for Y (deep
 * or shallow), a switch, the exit half, then Z. Done before its thread
 * exits. CPU: X + Z of task work; two switches, the syscall's two halves
 * and the thread's exit of kernel work. */
static void test_threads_cpu_syscall_cpu(void **state)
{
	(void)state;
	static const char *const ys[] = { "1ms", "100us" };
	static const double y[] = { 1e6, 1e5 };
	for (int i = 0; i < 2; i++) {
		struct run_result r = run_one("threads", "0s", "syscall", ys[i]);
		double want = WAKE + SW + X + SYSCALL / 2 + y[i] + wake_after(y[i]) + SW + (SYSCALL - SYSCALL / 2) + Z;
		fprintf(stderr, "threads, syscall %s: %.0f ns (expected %.0f)\n", ys[i], M(&r, "latency_max"), want);
		assert_int_equal((int)M(&r, "tasks_completed"), 1);
		assert_true(M(&r, "latency_max") == want);
		assert_int_equal((int)M(&r, "context_switches"), 2);
		assert_true(llround(M(&r, "cpu_task") * 1e9) == X + Z);
		assert_true(llround(M(&r, "cpu_kernel") * 1e9) == 2 * SW + SYSCALL + EXIT);
		res_free(&r);
	}
}

/* A net op blocks the same way; a sleep is nanosleep, whose timer fires
 * up to the timer slack late — the model takes the whole slack. */
static void test_net_and_sleep(void **state)
{
	(void)state;
	const double y = 1e6;
	struct run_result n = run_one("threads", "0s", "net", "1ms");
	struct run_result s = run_one("threads", "0s", "sleep", "1ms");
	double want = WAKE + SW + X + SYSCALL + y + DEEP + SW + Z;
	assert_true(M(&n, "latency_max") == want);
	assert_true(M(&s, "latency_max") == want + SLACK);
	res_free(&n);
	res_free(&s);
}

/* pool, the task arriving at 10 ms: the one worker went to sleep at the
 * start (futex_wait), so the starter's wake finds it on a core idle for
 * ~10 ms (deep); it pays the switch, the futex_wait's exit half and the
 * dequeue (enqueue cost), then the same program as a thread does, and is
 * done when the program ends. Task CPU is again X + Z. */
static void test_pool_worker_runs_the_same_program(void **state)
{
	(void)state;
	struct run_result r = run_one("pool", "10ms", "syscall", "1ms");
	double want = DEEP + SW + (SYSCALL - SYSCALL / 2) + ENQ +
		      X + SYSCALL / 2 + 1e6 + DEEP + SW + (SYSCALL - SYSCALL / 2) + Z;
	fprintf(stderr, "pool: %.0f ns (expected %.0f)\n", M(&r, "latency_max"), want);
	assert_true(M(&r, "latency_max") == want);
	assert_true(llround(M(&r, "cpu_task") * 1e9) == X + Z);
	res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads_cpu_syscall_cpu),
		cmocka_unit_test(test_net_and_sleep),
		cmocka_unit_test(test_pool_worker_runs_the_same_program),
	};
	return cmocka_run_group_tests_name("onthread", tests, NULL, NULL);
}
