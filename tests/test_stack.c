/* tests/test_stack.c — stack growth, with expectations from stack.go
 * (gmp) and from a thread's fixed reservation (1:1 models). */
#include "testrun.h"

#define M tr_metric

/* stack.go:newstack doubles from _StackMin (2 KiB) until depth + the
 * 928 B guard fits: 64 KiB needs 128 KiB. 50 goroutines asleep together
 * at that depth hold 50 x 128 KiB (main's own 2 KiB stack too). */
static void test_gmp_doubling(void **state)
{
	(void)state;
	struct run_result r = tr_run(
		"name: g\nduration: 1s\nacceptor: { enabled: false }\nmodels: { gmp: {} }\n"
		"workload:\n  main:\n    arrival: { batch: { count: 1 } }\n"
		"    program: [ { spawn: { program: deep, count: 50, wait: true } } ]\n"
		"programs:\n  deep: [ { stack: 64KiB }, { sleep: 100ms } ]\n", "gmp", NULL, 0);
	assert_true(M(&r, "goroutine_stack_peak") == 50.0 * 131072 + 2048);
	assert_int_equal((int)M(&r, "children_completed"), 50);
	res_free(&r);
}

/* Past maxstacksize the runtime dies: "fatal error: stack overflow". */
static void test_gmp_stack_overflow_is_fatal(void **state)
{
	(void)state;
	struct scenario sc;
	char err[512];
	assert_int_equal(sc_load_string("o.yaml",
		"name: o\nduration: 1s\nacceptor: { enabled: false }\nmodels: { gmp: { maxstack: 1MiB } }\n"
		"workload:\n  w:\n    arrival: { batch: { count: 1 } }\n    program: [ { stack: 2MiB } ]\n",
		NULL, 0, &sc, err, sizeof err), 0);
	struct run_result r;
	assert_int_equal(run_model(&sc, "gmp", &r, err, sizeof err), 1);
	assert_non_null(strstr(err, "stack overflow"));
	res_free(&r);
	sc_free(&sc);
}

/* A thread's stack is a fixed reservation: with two pages committed at
 * creation (kernel.stack_touch 8 KiB, set here), touching 64 KiB commits
 * 14 more (16 pages, each new one a minor fault); going past 256 KiB is a
 * StackOverflowError that fails the task and is counted. */
static void test_thread_stack_commit_and_overflow(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: t\nduration: 1s\nacceptor: { enabled: false }\nkernel: { stack_touch: 8KiB }\n"
		"models: { threads: { stack: 256KiB, runtime: native } }\n"
		"workload:\n  ok:\n    arrival: { batch: { count: 10 } }\n    program: [ { stack: 64KiB }, { sleep: 50ms } ]\n"
		"  bad:\n    arrival: { batch: { count: 3, at: 200ms } }\n    program: [ { stack: 300KiB } ]\n";
	struct run_result r = tr_run(yaml, "threads", NULL, 0);
	assert_true(M(&r, "stack_committed_peak") == 10.0 * 65536);
	assert_int_equal((int)M(&r, "stack_overflows"), 3);
	assert_int_equal((int)M(&r, "tasks_failed"), 3);
	assert_int_equal((int)M(&r, "tasks_completed"), 10);
	res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gmp_doubling),
		cmocka_unit_test(test_gmp_stack_overflow_is_fatal),
		cmocka_unit_test(test_thread_stack_commit_and_overflow),
	};
	return cmocka_run_group_tests_name("stack", tests, NULL, NULL);
}
