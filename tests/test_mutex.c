/* tests/test_mutex.c — mutexes in every model, expectations derived from
 * sync/mutex.go (gmp) and a futex lock (1:1 models). */
#include "testrun.h"

#define M tr_metric

static const char *const models[] = { "gmp", "threads", "pool" };

/* Mutual exclusion: 8 tasks x 200 critical sections of 50 us can finish no
 * sooner than 8 x 200 x 50 us = 80 ms after they start, in any model. */
static void test_critical_sections_serialise(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: ex\nduration: 2s\nmachine: { cores: 4 }\nacceptor: { enabled: false }\n"
		"models: { gmp: {}, threads: { runtime: native }, pool: { workers: 8, runtime: native } }\nworkload:\n  w:\n"
		"    arrival: { batch: { count: 8 } }\n"
		"    program: [ { repeat: { times: 200, do: [ { lock: { mutex: m, hold: 50us } } ] } } ]\n";
	for (int i = 0; i < 3; i++) {
		struct run_result r = tr_run(yaml, models[i], NULL, 0);
		assert_int_equal((int)M(&r, "tasks_completed"), 8);
		assert_int_equal((int)M(&r, "mutex_acquisitions"), 1600);
		assert_true(M(&r, "latency_max") >= 80e6);
		res_free(&r);
	}
}

/* The lock's cache line moving to another core costs line_local (60 ns)
 * on the same node and line_remote (200 ns) across nodes, inside the
 * critical section. Two tasks on two cores take turns without ever
 * contending: A runs N x (lock 1 us, cpu 20 us); B does the same after
 * 10 us of cpu, so each acquisition finds the line on the other's core —
 * A pays N - 1 transfers (its first finds the line nowhere), B pays N. So
 * with 2 cores on one node (60 ns) and on two nodes (200 ns) A's latency
 * differs by exactly (N - 1) x 140 ns and B's by N x 140 ns. Exactly,
 * since nothing else on the machine differs between the two runs. On the
 * threads model A's latency is also known outright: its thread starts on
 * a core idle since time 0 (wake_idle 5 us + switch 3 us), then N x 21 us
 * of work and (N - 1) line transfers; the task is done before its thread
 * exits. gmp runs on 4 cores (2 per node with two nodes): its Ms and
 * sysmon are created at time 0 on cores 0 and 1, so the M started for the
 * second P lands on idle core 2 — the other node when there are two; on 2
 * cores it would queue behind M0 on a busy core while core 1 could not
 * pull it across nodes. With sysmon on a core of its own nothing else
 * differs between the runs, so the difference is exact in every model.
 * The alternation needs B's first lock inside A's first 21 us period, so
 * gmp sets models.gmp.mstart 0: a new M pays mstart (proc.go:mstart,
 * minit) before it schedules B, and 36 us of it puts B's first lock at
 * ~46 us, after A's 2nd and 3rd (which find the line at home), and B's
 * last two after A is done: 2 fewer transfers each, 280 ns less. */
static void test_numa_line_transfer_costs(void **state)
{
	(void)state;
	enum { N = 100 };
	static const char yaml[] =
		"name: nu\nduration: 1s\nacceptor: { enabled: false }\n"
		"machine: { cores: 2, numa: { nodes: 1, line_local: 60ns, line_remote: 200ns } }\n"
		"kernel: { switch: 3us, wake_idle: 5us }\n"
		"models: { gmp: { gomaxprocs: 2, mstart: 0 }, threads: { runtime: native }, pool: { workers: 2, runtime: native } }\n"
		"workload:\n"
		"  a:\n    arrival: { batch: { count: 1 } }\n"
		"    program: [ { repeat: { times: 100, do: [ { lock: { mutex: m, hold: 1us } }, { cpu: 20us } ] } } ]\n"
		"  b:\n    arrival: { batch: { count: 1 } }\n"
		"    program: [ { cpu: 10us }, { repeat: { times: 100, do: [ { lock: { mutex: m, hold: 1us } }, { cpu: 20us } ] } } ]\n";
	for (int i = 0; i < 3; i++) {
		const char *one_node[] = { "machine.cores=4" }, *two_nodes[] = { "machine.numa.nodes=2", "machine.cores=4" };
		int nsets = i == 0 ? 1 : 0;  /* gmp: 4 cores */
		struct run_result one = tr_run(yaml, models[i], one_node, nsets);
		struct run_result rem = tr_run(yaml, models[i], two_nodes, 1 + nsets);
		assert_int_equal((int)M(&one, "mutex_acquisitions"), 2 * N);
		assert_int_equal((int)M(&rem, "mutex_acquisitions"), 2 * N);
		assert_int_equal((int)M(&one, "mutex_waits"), 0);
		assert_int_equal((int)M(&rem, "mutex_waits"), 0);
		/* two latencies: p50 is their mean, max the later (B's) */
		double a1 = 2 * M(&one, "latency_p50") - M(&one, "latency_max"), b1 = M(&one, "latency_max");
		double a2 = 2 * M(&rem, "latency_p50") - M(&rem, "latency_max"), b2 = M(&rem, "latency_max");
		fprintf(stderr, "%s: A %+.0f ns, B %+.0f ns on two nodes (expected %d, %d)\n", models[i],
			a2 - a1, b2 - b1, (N - 1) * 140, N * 140);
		assert_true(a2 - a1 == (N - 1) * 140.0);
		assert_true(b2 - b1 == N * 140.0);
		if (i == 1) {
			assert_true(a1 == 8e3 + N * 21e3 + (N - 1) * 60.0);
			assert_true(a2 == 8e3 + N * 21e3 + (N - 1) * 200.0);
		}
		res_free(&one);
		res_free(&rem);
	}
}

/* Under contention the same line costs lengthen the serial part: 16
 * tasks x 500 sections of 500 ns on 8 cores take longer on two nodes. */
static void test_numa_slows_a_contended_lock(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: nu\nduration: 5s\nmachine: { cores: 8, numa: { nodes: 1 } }\nacceptor: { enabled: false }\n"
		"models: { gmp: {}, threads: { runtime: native } }\nworkload:\n  w:\n    arrival: { batch: { count: 16 } }\n"
		"    program: [ { repeat: { times: 500, do: [ { lock: { mutex: m, hold: 500ns } }, { cpu: 2us } ] } } ]\n";
	const char *two[] = { "machine.numa.nodes=2" };
	for (int i = 0; i < 2; i++) {
		struct run_result a = tr_run(yaml, models[i], NULL, 0), b = tr_run(yaml, models[i], two, 1);
		fprintf(stderr, "%s: 1 node %.2f ms, 2 nodes %.2f ms\n", models[i],
			M(&a, "latency_max") / 1e6, M(&b, "latency_max") / 1e6);
		assert_true(M(&b, "latency_max") > M(&a, "latency_max"));
		res_free(&a);
		res_free(&b);
	}
}

/* A spinning 1:1 waiter polls the lock word (glibc nptl/pthread_mutex_lock.c,
 * PTHREAD_MUTEX_ADAPTIVE_NP: a trylock each round; HotSpot
 * ObjectMonitor::TrySpin), so it takes the lock the moment it is released,
 * not when a fixed spin ends. 8 threads on 8 idle cores of one node, each
 * 1,000 x (lock 50 ns, cpu 200 ns): they start together 8 us after time 0
 * (wake_idle 5 us + switch 3 us, as above); the lock is wanted for 8 x 110
 * ns per 310 ns of a thread's cycle, so it is the bottleneck and never
 * idles while anyone spins: each release hands the word to the longest
 * spinner, always another core, so every section but the first moves the
 * line (60 ns). A spinner waits at most for the holder and the 6 spinners
 * ahead of it, 7 x 110 = 770 ns, under the 1 us budget: nobody ever
 * futex_waits, and the last task ends 8 us + 8,000 x 50 + 7,999 x 60 ns +
 * its last 200 ns of cpu = 888,140 ns after it arrived (the pool adds its
 * enqueue, 200 ns). A longer budget (1.5 us) cannot change that. A spin
 * that does not watch the word and retries once after 1 us made these
 * runs 2.57 ms (1 us) and 6.22 ms (1.001 us), 1,827 and 5,893 futex
 * waits: the cores phase-locked, each retry landing inside another core's
 * section — mutex_numa's one-node convoy (README "Sweeps"). */
static void test_spinner_takes_the_released_lock(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: sp\nduration: 1s\nacceptor: { enabled: false }\n"
		"machine: { cores: 8, numa: { nodes: 1, line_local: 60ns } }\n"
		"kernel: { switch: 3us, wake_idle: 5us, lock_spin: 1us }\n"
		"models: { threads: { runtime: native }, pool: { workers: 8, runtime: native, enqueue: 200ns } }\n"
		"workload:\n  w:\n    arrival: { batch: { count: 8 } }\n"
		"    program: [ { repeat: { times: 1000, do: [ { lock: { mutex: m, hold: 50ns } }, { cpu: 200ns } ] } } ]\n";
	const char *longer[] = { "kernel.lock_spin=1500ns" };
	for (int i = 1; i < 3; i++) {
		double expect = 8e3 + 8000 * 50.0 + 7999 * 60.0 + 200 + (i == 2 ? 200 : 0);
		for (int b = 0; b < 2; b++) {
			struct run_result r = tr_run(yaml, models[i], longer, b);
			fprintf(stderr, "%s, spin %s: last task %.0f ns (expected %.0f), %g futex waits\n", models[i],
				b ? "1.5 us" : "1 us", M(&r, "latency_max"), expect, M(&r, "mutex_waits"));
			assert_int_equal((int)M(&r, "mutex_acquisitions"), 8000);
			assert_int_equal((int)M(&r, "mutex_waits"), 0);
			assert_true(M(&r, "latency_max") == expect);
			res_free(&r);
		}
	}
	/* An event loop's handlers take the same lock (evloop_exec.c): its
	 * start (selects, a connection's registration) is not derived here,
	 * so only the serial time is bounded, with a 50 us allowance for it. */
	const char *loops[] = { "models={eventloop: {loops: 8}}" };
	struct run_result e = tr_run(yaml, "eventloop", loops, 1);
	double serial = 8000 * 50.0 + 7999 * 60.0;
	fprintf(stderr, "eventloop: last task %.0f ns (serial part %.0f), %g futex waits\n",
		M(&e, "latency_max"), serial, M(&e, "mutex_waits"));
	assert_int_equal((int)M(&e, "mutex_waits"), 0);
	assert_true(M(&e, "latency_max") >= serial && M(&e, "latency_max") <= serial + 50e3);
	res_free(&e);
}

/* sync.Mutex starvation mode: a waiter that waited more than 1 ms switches
 * the mutex to hand-off; with 2 ms critical sections and 4 contenders
 * every waiter waits longer than that. With 5 us ones all 4 x 20 critical
 * sections take 400 us and each goroutine's own work 120 us: the whole run
 * is shorter than 1 ms, so no waiter can have waited that long. (Normal
 * mode lets a running goroutine take the lock again and again while a
 * parked one is not even woken — mutexWoken — so a longer run could
 * starve one whatever the hold.) */
static void test_starvation_mode_hands_off(void **state)
{
	(void)state;
	static const char fmt[] =
		"name: st\nduration: 2s\nmachine: { cores: 4 }\nacceptor: { enabled: false }\n"
		"models: { gmp: { gomaxprocs: 4 } }\nworkload:\n  w:\n    arrival: { batch: { count: 4 } }\n"
		"    program: [ { repeat: { times: %d, do: [ { lock: { mutex: m, hold: %s } }, { cpu: 1us } ] } } ]\n";
	char slow[1024], fast[1024];
	snprintf(slow, sizeof slow, fmt, 50, "2ms");
	snprintf(fast, sizeof fast, fmt, 20, "5us");
	struct run_result s = tr_run(slow, "gmp", NULL, 0), f = tr_run(fast, "gmp", NULL, 0);
	fprintf(stderr, "starvation: %g hand-offs with 2 ms holds, %g with 5 us\n",
		M(&s, "mutex_handoffs"), M(&f, "mutex_handoffs"));
	assert_true(M(&s, "mutex_handoffs") > 50);
	assert_int_equal((int)M(&f, "mutex_handoffs"), 0);
	res_free(&s);
	res_free(&f);
}

/* sema.go:semrelease1 with handoff: the unlocker readies the waiter into
 * its P's runnext and, holding no runtime locks, always goyields — so
 * there are exactly as many yields as hand-offs (sync.Mutex hand-offs
 * happen only in starvation mode; 4 goroutines barging on 2 Ps with 2 ms
 * critical sections and 1 us between them starve the waiters). */
static void test_handoff_yields_to_the_waiter(void **state)
{
	(void)state;
	struct run_result r = tr_run(
		"name: y\nduration: 2s\nmachine: { cores: 2 }\nacceptor: { enabled: false }\n"
		"models: { gmp: { gomaxprocs: 2 } }\nworkload:\n  w:\n    arrival: { batch: { count: 4 } }\n"
		"    program: [ { repeat: { times: 40, do: [ { lock: { mutex: m, hold: 2ms } }, { cpu: 1us } ] } } ]\n",
		"gmp", NULL, 0);
	assert_true(M(&r, "mutex_handoffs") > 10);
	assert_true(M(&r, "goyields") == M(&r, "mutex_handoffs"));
	res_free(&r);
}

/* proc.go:sync_runtime_canSpin: no spinning with GOMAXPROCS=1 (no other P
 * can be running the holder), spinning with 4 Ps and contention. */
static void test_can_spin(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: sp\nduration: 2s\nmachine: { cores: 4 }\nacceptor: { enabled: false }\n"
		"models: { gmp: {} }\nworkload:\n  w:\n    arrival: { batch: { count: 4 } }\n"
		"    program: [ { repeat: { times: 500, do: [ { lock: { mutex: m, hold: 2us } }, { cpu: 1us } ] } } ]\n";
	const char *one[] = { "models.gmp.gomaxprocs=1" }, *four[] = { "models.gmp.gomaxprocs=4" };
	struct run_result a = tr_run(yaml, "gmp", one, 1), b = tr_run(yaml, "gmp", four, 1);
	assert_true(M(&a, "cpu_spin") == 0);
	assert_true(M(&b, "cpu_spin") > 0);
	res_free(&a);
	res_free(&b);
}

/* sync/mutex.go:unlockSlow wakes a parked waiter only when no goroutine
 * holds mutexWoken: a spinner sets it (lockSlow: "inform Unlock to not
 * wake other blocked goroutines"), a woken waiter keeps it until it
 * retries. 8 goroutines on 4 Ps x 1,000 (20 ns held, 20 ns between): the
 * running owner re-takes the free lock 20 ns after releasing it and a
 * spinner, holding mutexWoken, takes it between two of those, so unlocks
 * wake almost no one and few acquisitions follow a park (under 1 in 20).
 * Waking at every unlock instead readied a waiter into the unlocker's
 * runnext, which made canSpin false at the unlocker's next Lock: it
 * parked, and half the acquisitions followed a park (3,955 of 8,000). */
static void test_spinner_holds_mutex_woken(void **state)
{
	(void)state;
	struct run_result r = tr_run(
		"name: wk\nduration: 2s\nmachine: { cores: 4 }\nacceptor: { enabled: false }\n"
		"models: { gmp: { gomaxprocs: 4 } }\nworkload:\n  w:\n    arrival: { batch: { count: 8 } }\n"
		"    program: [ { repeat: { times: 1000, do: [ { lock: { mutex: m, hold: 20ns } }, { cpu: 20ns } ] } } ]\n",
		"gmp", NULL, 0);
	fprintf(stderr, "mutexWoken: %g parks for %g acquisitions\n", M(&r, "mutex_waits"),
		M(&r, "mutex_acquisitions"));
	assert_int_equal((int)M(&r, "mutex_acquisitions"), 8000);
	assert_true(M(&r, "mutex_waits") < 8000 / 20);
	res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_critical_sections_serialise),
		cmocka_unit_test(test_numa_line_transfer_costs),
		cmocka_unit_test(test_numa_slows_a_contended_lock),
		cmocka_unit_test(test_spinner_takes_the_released_lock),
		cmocka_unit_test(test_starvation_mode_hands_off),
		cmocka_unit_test(test_handoff_yields_to_the_waiter),
		cmocka_unit_test(test_can_spin),
		cmocka_unit_test(test_spinner_holds_mutex_woken),
	};
	return cmocka_run_group_tests_name("mutex", tests, NULL, NULL);
}
