/* tests/test_scenarios.c — the shipped scenarios, run as shipped, each
 * checked for a property its mechanism implies (the derivation is in each
 * test's comment). */
#include "testrun.h"
#include <math.h>

#define M tr_metric

static struct run_result run_file(const char *path, const char *model, const char *set)
{
	const char *sets[] = { set };
	return tr_run_file(path, model, sets, set ? 1 : 0);
}

/* spawn_100k: sleeping goroutines hold no thread, and an M is only made
 * when an idle P has work and no idle M exists: Ms <= GOMAXPROCS (8) + 2.
 * One pthread per task means 100,000 clone()s on the main thread, at
 * least 100,000 x kernel.thread_create (the scenario's, read from it);
 * newproc (under 1 us) makes Go's main finish far sooner. (A Java platform thread costs its
 * starter jvm.start more and the start handshake: test_jthread.c.) */
static void test_spawn_100k(void **state)
{
	(void)state;
	struct run_result g = run_file("scenarios/spawn_100k.yaml", "gmp", NULL);
	struct run_result t = run_file("scenarios/spawn_100k.yaml", "threads", "models.threads.runtime=native");
	assert_int_equal((int)M(&g, "children_completed"), 100000);
	assert_true(M(&g, "ms_peak") <= 8 + 2);
	assert_true(M(&t, "threads_created") >= 100000);
	struct scenario sc;
	char err[512];
	assert_int_equal(sc_load("scenarios/spawn_100k.yaml", NULL, 0, &sc, err, sizeof err), 0);
	assert_true(M(&t, "latency_max") >= 100000.0 * (double)sc.kernel.thread_create);
	sc_free(&sc);
	assert_true(M(&g, "latency_max") < M(&t, "latency_max") / 10);
	res_free(&g);
	res_free(&t);
}

/* create_10k: all 10,000 tasks are alive at once (each sleeps 1 s; with
 * pthreads, whose creation is quick enough), so threads reserve 10,000 x 1 MiB of stack and commit 10,000 x stack_touch;
 * goroutines hold 2 KiB each. */
static void test_create_10k(void **state)
{
	(void)state;
	struct run_result g = run_file("scenarios/create_10k.yaml", "gmp", NULL);
	struct run_result t = run_file("scenarios/create_10k.yaml", "threads", "models.threads.runtime=native");
	assert_true(M(&t, "threads_peak") >= 10000);
	assert_true(M(&t, "stack_reserved_peak") >= 10000.0 * 1048576);
	assert_true(M(&t, "stack_committed_peak") >= 10000.0 * 8192);
	assert_true(M(&g, "goroutine_stack_peak") == 10001.0 * 2048);  /* main + 10,000 */
	assert_true(M(&g, "stack_committed_peak") < M(&t, "stack_committed_peak") / 2);
	res_free(&g);
	res_free(&t);
}

/* memory_5000: every thread reserves the same 1 MiB, so the reserved peak
 * is exactly the thread peak times 1 MiB; goroutines need no more Ms than
 * GOMAXPROCS + 2; the same CPU work is done by every model. pthread_create
 * returns at once, so bare threads pile up (thousands live); Java's
 * Thread.start() waits until each new thread has had a core among the
 * CPU-bound ones (os::create_thread's handshake), so far fewer are live. */
static void test_memory_5000(void **state)
{
	(void)state;
	struct run_result g = run_file("scenarios/memory_5000.yaml", "gmp", NULL);
	struct run_result t = run_file("scenarios/memory_5000.yaml", "threads", NULL);
	struct run_result n = run_file("scenarios/memory_5000.yaml", "threads", "models.threads.runtime=native");
	assert_true(M(&n, "threads_peak") > 1000);
	assert_true(M(&t, "threads_peak") < M(&n, "threads_peak") / 4);
	assert_true(M(&t, "stack_reserved_peak") == M(&t, "threads_peak") * 1048576);
	assert_int_equal((int)M(&n, "children_completed"), 5000);
	res_free(&n);
	assert_true(M(&g, "ms_peak") <= 8 + 2);
	assert_int_equal((int)M(&g, "children_completed"), 5000);
	assert_int_equal((int)M(&t, "children_completed"), 5000);
	res_free(&g);
	res_free(&t);
}

/* syscall_storm: each G in a blocking syscall holds an M, so gmp's thread
 * count grows with the syscalls in flight (rate x 20 ms). */
static void test_syscall_storm(void **state)
{
	(void)state;
	struct run_result lo = run_file("scenarios/syscall_storm.yaml", "gmp",
					"workload.request.arrival={poisson: 250/s}");
	struct run_result hi = run_file("scenarios/syscall_storm.yaml", "gmp", NULL);
	struct run_result t = run_file("scenarios/syscall_storm.yaml", "threads", NULL);
	fprintf(stderr, "syscall_storm: gmp Ms %g at 250/s, %g at 1000/s\n", M(&lo, "ms_peak"), M(&hi, "ms_peak"));
	assert_true(M(&hi, "ms_peak") > M(&lo, "ms_peak") + 5);
	assert_true(M(&hi, "ms_peak") > 8 + 1);  /* more than the Ps + sysmon */
	assert_true(M(&hi, "syscall_retakes") > 0);
	assert_true(M(&t, "latency_p99") < 25e6);
	res_free(&lo);
	res_free(&hi);
	res_free(&t);
}

/* preempt_fairness: with GOMAXPROCS=1 a request arriving while a hog runs
 * waits at least until sysmon preempts the hog (forcePreemptNS, 10 ms);
 * CFS starts a new thread after at most a slice share (6 ms / 5 threads +
 * the switch) and never lets a hog run 10 ms uninterrupted. */
static void test_preempt_fairness(void **state)
{
	(void)state;
	struct run_result g = run_file("scenarios/preempt_fairness.yaml", "gmp", NULL);
	struct run_result t = run_file("scenarios/preempt_fairness.yaml", "threads", NULL);
	fprintf(stderr, "preempt_fairness: ticker p50 gmp %.2f ms, threads %.2f ms\n",
		M(&g, "latency_p50") / 1e6, M(&t, "latency_p50") / 1e6);
	assert_true(M(&g, "latency_p50") >= 10e6);
	assert_true(M(&t, "latency_p50") < 10e6);
	assert_true(M(&g, "preemptions") > 100);
	res_free(&g);
	res_free(&t);
}

/* cgo_sleep: a blocking C call is entersyscall + the call + exitsyscall,
 * so the G keeps its M while C blocks and sysmon hands the P to another M:
 * Ms grow with the C calls in flight (2,000/s x 5 ms = 10). time.Sleep
 * parks the G on a timer and holds no M: at most GOMAXPROCS + 2. */
static void test_cgo_sleep(void **state)
{
	(void)state;
	struct run_result c = run_file("scenarios/cgo_sleep.yaml", "gmp", NULL);
	struct run_result s = run_file("scenarios/cgo_sleep.yaml", "gmp",
				       "workload.request.program.1={sleep: { exp: 5ms }}");
	fprintf(stderr, "cgo_sleep: gmp Ms %g with cgo, %g with time.Sleep\n", M(&c, "ms_peak"), M(&s, "ms_peak"));
	assert_true(M(&c, "ms_peak") > M(&s, "ms_peak") + 5);
	assert_true(M(&s, "ms_peak") <= 8 + 2);
	assert_true(M(&c, "syscall_retakes") > 0);
	assert_true(M(&c, "throughput") > 1900);
	res_free(&c);
	res_free(&s);
}

/* chan_leak: a sender with no receiver is parked on the channel (gopark),
 * in no run queue, so the leak costs the scheduler nothing: under gmp
 * throughput and latency match the same service without the leak; each
 * leaked goroutine holds its 2 KiB stack, each leaked thread a whole
 * thread. A leaked Java thread is not free for the JVM, though: it stays in
 * the ThreadsList, so every later Thread.start() and exit walks it too
 * (jvm.smr_add, jvm.smr_remove). With those off the threads model matches
 * its leak-free service as gmp does; with them (and Threads_lock off) the
 * leak can only lengthen the p99, and by little: each start costs the
 * serial accept loop at most smr_add x leaked more (26 ns x ~10,200 = 0.27
 * ms at the end, against 1 ms between arrivals), and at that utilisation
 * the backlog's p99 wait stays within a few such start times (bound: 5).
 * With Threads_lock (the default) that ThreadsSMR work is done holding the
 * lock, as HotSpot does (Threads::add, Threads::remove, smr_delete): every
 * request's two starts (the accept loop's and its spawn) and its exit hold
 * it (26 + 26 + 20) ns x leaked, ~0.73 ms a request at the end against 1
 * ms between requests, so the leak makes the lock a queue and the p99
 * grows more than without it — throughput still the same. */
static void test_chan_leak(void **state)
{
	(void)state;
	const char *noleak = "workload.request.program.1={cpu: 0ns}";
	const char *smr_off = "jvm={smr_add: 0ns, smr_remove: 0ns}";
	const char *lock_off = "jvm.threads_lock=false";
	double dp99_free = 0;
	for (int i = 0; i < 4; i++) {
		const char *model = i ? "threads" : "gmp";
		const char *set = i == 3 ? NULL : i == 2 ? lock_off : smr_off;
		struct run_result l = run_file("scenarios/chan_leak.yaml", model, set);
		const char *nsets[] = { noleak, lock_off };
		struct run_result n = tr_run_file("scenarios/chan_leak.yaml", model, nsets, i == 2 ? 2 : 1);
		fprintf(stderr, "chan_leak %s%s: throughput %.1f vs %.1f, p99 %.2f vs %.2f ms, leaked %g\n", model,
			i == 1 ? " (ThreadsSMR off)" : i == 2 ? " (Threads_lock off)" : "", M(&l, "throughput"),
			M(&n, "throughput"), M(&l, "latency_p99") / 1e6, M(&n, "latency_p99") / 1e6,
			M(&l, "chan_blocked_end"));
		assert_true(fabs(M(&l, "throughput") / M(&n, "throughput") - 1) < 0.01);
		double dp99 = M(&l, "latency_p99") - M(&n, "latency_p99");
		if (i < 2) {
			assert_true(fabs(M(&l, "latency_p99") / M(&n, "latency_p99") - 1) < 0.05);
		} else if (i == 2) {
			assert_true(dp99 > 0);
			assert_true(dp99 < 5 * 26.0 * M(&l, "chan_blocked_end"));
			dp99_free = dp99;
		} else {
			assert_true(dp99 > dp99_free);
		}
		assert_true(M(&l, "chan_blocked_end") > 9000);
		assert_int_equal((int)M(&n, "chan_blocked_end"), 0);
		if (i == 0)
			assert_true(M(&l, "goroutine_stack_peak") >= M(&l, "chan_blocked_end") * 2048);
		else
			assert_true(M(&l, "threads_peak") >= M(&l, "chan_blocked_end"));
		res_free(&l);
		res_free(&n);
	}
}

/* mutex_numa: every acquisition by another core moves the lock's cache
 * line inside the serial critical section; across nodes that costs
 * line_remote (200 ns) instead of line_local (60 ns), so the run finishes
 * later on two nodes than on one, in both models. For the 1:1 futex lock
 * that holds because its spinners poll the lock word (onthread.c:
 * lock_try): with 8 threads running and 50 ns sections the lock passes
 * from spinner to spinner and the run is near its serial bound. It did
 * not with a blind 1 us spin: the cores phase-locked into a futex convoy
 * whose length swung with any 1 ns change of a cost (one node: 576 ms,
 * 295 ms with kernel.lock_spin 1.001 us, 818 ms with 1.01 us) — README
 * "Sweeps", test_mutex.c: test_spinner_takes_the_released_lock. */
static void test_mutex_numa(void **state)
{
	(void)state;
	for (int i = 0; i < 2; i++) {
		const char *model = i ? "threads" : "gmp";
		struct run_result two = run_file("scenarios/mutex_numa.yaml", model, NULL);
		struct run_result one = run_file("scenarios/mutex_numa.yaml", model, "machine.numa.nodes=1");
		fprintf(stderr, "mutex_numa %s: 2 nodes %.1f ms, 1 node %.1f ms\n", model,
			M(&two, "latency_max") / 1e6, M(&one, "latency_max") / 1e6);
		assert_true(M(&two, "latency_max") > 1.2 * M(&one, "latency_max"));
		assert_true(M(&two, "latency_max") >= 1e6 * 50 && M(&one, "latency_max") >= 1e6 * 50);
		assert_int_equal((int)M(&two, "mutex_acquisitions"), 1000000);
		res_free(&two);
		res_free(&one);
	}
}

/* numa_mutex_seed: with one P the goroutines take turns on one M, the
 * lock is never contended and its line never moves: at least 10^6 x (20
 * ns held + 20 ns between) = 40 ms, and little more. With 56 Ps the
 * increments stay serial (40 ms at least) and sync.Mutex's normal mode
 * decides how often the line moves (sync/mutex.go lockSlow, unlockSlow):
 * the running owner takes the free lock again 20 ns after releasing it,
 * and another goroutine takes it only by finding it free at the end of a
 * spin (procyield, 600 ns: the owner has done 600 / 40 - 1 = 14 more in
 * the meantime) — parked ones are not woken while a spinner holds
 * mutexWoken. So at most one acquisition in 15 moves the line, and even
 * if every move were remote (200 ns) the run takes under 40 + 10^6 / 15 x
 * 0.2 = 53.3 ms (55 with the 100 goroutines' first parks and wake-ups),
 * bound or not, whatever the cost of a user-level switch (gogo, paid only
 * at those parks): before mutexWoken, every unlock woke a waiter, nearly
 * every acquisition followed a park and gogo decided how many moved the
 * line (84-129 ms, flipping between gogo 70 and 80 ns). GOMAXPROCS
 * defaults to the bound cores (28). */
static void test_numa_mutex_seed(void **state)
{
	(void)state;
	const char *path = "scenarios/numa_mutex_seed.yaml";
	struct run_result one = run_file(path, "gmp", "models.gmp.gomaxprocs=1");
	struct run_result bound = run_file(path, "gmp", NULL);
	struct run_result spread = run_file(path, "gmp", "numactl.cpunodebind=all");
	struct run_result dflt = run_file(path, "gmp", "models.gmp.gomaxprocs=0");
	struct run_result slow = run_file(path, "gmp", "models.gmp.gogo=100ns");
	fprintf(stderr, "numa_mutex_seed: 1 P %.1f ms, 56 Ps on node 0 %.1f ms, 56 Ps across %.1f ms, gogo 100 ns %.1f ms\n",
		M(&one, "latency_max") / 1e6, M(&bound, "latency_max") / 1e6, M(&spread, "latency_max") / 1e6,
		M(&slow, "latency_max") / 1e6);
	assert_true(M(&one, "latency_max") >= 40e6 && M(&one, "latency_max") < 1.05 * 40e6);
	const struct run_result *many[] = { &bound, &spread, &slow };
	for (int i = 0; i < 3; i++)
		assert_true(M(many[i], "latency_max") > M(&one, "latency_max") && M(many[i], "latency_max") < 55e6);
	assert_int_equal((int)M(&bound, "mutex_acquisitions"), 1000000);
	assert_int_equal((int)M(&dflt, "gomaxprocs"), 28);
	res_free(&one);
	res_free(&bound);
	res_free(&spread);
	res_free(&dflt);
	res_free(&slow);
}

/* gc_stw: Go stops the world twice per cycle for a fixed, small amount of
 * work (sweep and mark termination) and marks — stacks included —
 * concurrently; a JVM young pause scans every thread's stack and copies
 * the survivors with the world stopped. So Go's longest pause is below the
 * JVM's typical one, and four times the requests in flight (a 400 ms
 * backend instead of 100 ms: four times the threads and the survivors)
 * lengthen the JVM pause but not Go's. */
static void test_gc_stw(void **state)
{
	(void)state;
	const char *slow = "workload.request.program.2={net: 400ms}";
	struct run_result g = run_file("scenarios/gc_stw.yaml", "gmp", NULL);
	struct run_result j = run_file("scenarios/gc_stw.yaml", "threads", NULL);
	struct run_result g4 = run_file("scenarios/gc_stw.yaml", "gmp", slow);
	struct run_result j4 = run_file("scenarios/gc_stw.yaml", "threads", slow);
	fprintf(stderr, "gc_stw: pause p50 gmp %.3f ms (x4 in flight: %.3f), threads %.3f ms (%.3f); "
		"p99 latency gmp %.1f ms, threads %.1f ms\n",
		M(&g, "gc_pause_p50") / 1e6, M(&g4, "gc_pause_p50") / 1e6, M(&j, "gc_pause_p50") / 1e6,
		M(&j4, "gc_pause_p50") / 1e6, M(&g, "latency_p99") / 1e6, M(&j, "latency_p99") / 1e6);
	assert_true(M(&g, "gc_cycles") >= 3 && M(&j, "gc_cycles") >= 3);
	assert_true(fabs(M(&g, "gc_pauses") - 2 * M(&g, "gc_cycles")) <= 2);
	assert_true(M(&g, "gc_pause_max") < M(&j, "gc_pause_p50"));
	assert_true(M(&j4, "gc_pause_p50") > 1.5 * M(&j, "gc_pause_p50"));
	/* Go's pauses are two groups (sweep termination, mark termination):
	 * their median jumps between the groups, their mean does not */
	double gmean = M(&g, "gc_pause_total") / M(&g, "gc_pauses"), g4mean = M(&g4, "gc_pause_total") / M(&g4, "gc_pauses");
	assert_true(g4mean < 1.5 * gmean);
	res_free(&g);
	res_free(&j);
	res_free(&g4);
	res_free(&j4);
}

/* The README's example scenario is the shipped file, byte for byte: the
 * first ```yaml block of its Scenarios section. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	return strdup(buf);
}

static void test_readme_example_is_the_shipped_file(void **state)
{
	(void)state;
	char *readme = slurp("README.md"), *file = slurp("scenarios/10k_rps.yaml");
	const char *sec = strstr(readme, "\n## Scenarios\n");
	assert_non_null(sec);
	const char *block = strstr(sec, "```yaml\n");
	assert_non_null(block);
	block += strlen("```yaml\n");
	const char *end = strstr(block, "```\n");
	assert_non_null(end);
	assert_int_equal((size_t)(end - block), strlen(file));
	assert_memory_equal(block, file, strlen(file));
	free(readme);
	free(file);
}

/* eventloop_10k: a loop never waits for the network, so with the
 * handlers on 16 loops the event loop serves the 10,000/s as gmp does. A
 * 100 ms blocking call in every handler holds its loop: each loop serves
 * at most one request per 100 ms, 16 loops at most 160/s (> 100 ms each:
 * fewer), while gmp hands a blocked thread's P on (sysmon's retake) and
 * serves tens of times that: not always all of it, as sysmon's 10 ms
 * trap and the measured M start (models.gmp.newm) can leave it behind for
 * a while (README, eventloop_10k), so at least 50 x the loops' bound. Handing
 * the CPU ops to a worker pool adds, per CPU op, a futex wake of a worker
 * and a Selector.wakeup() back: more context switches than on the loops. */
static void test_eventloop_10k(void **state)
{
	(void)state;
	const char *blocking = "workload.request.program.1={syscall: 100ms}";
	struct run_result g = run_file("scenarios/eventloop_10k.yaml", "gmp", NULL);
	struct run_result e = run_file("scenarios/eventloop_10k.yaml", "eventloop", NULL);
	struct run_result w = run_file("scenarios/eventloop_10k.yaml", "eventloop", "models.eventloop.workers=16");
	struct run_result gb = run_file("scenarios/eventloop_10k.yaml", "gmp", blocking);
	struct run_result eb = run_file("scenarios/eventloop_10k.yaml", "eventloop", blocking);
	fprintf(stderr, "eventloop_10k: thru gmp %.0f, eventloop %.0f (workers %.0f); blocking: gmp %.0f, eventloop %.0f; "
		"ctxsw loops %.0f, workers %.0f\n", M(&g, "throughput"), M(&e, "throughput"), M(&w, "throughput"),
		M(&gb, "throughput"), M(&eb, "throughput"), M(&e, "context_switches"), M(&w, "context_switches"));
	assert_true(fabs(M(&e, "throughput") / M(&g, "throughput") - 1) < 0.01);
	assert_true(M(&e, "throughput") > 9800 && M(&w, "throughput") > 9800);
	assert_true(M(&e, "latency_p99") < 102e6);
	assert_true(M(&eb, "throughput") <= 160);
	assert_true(M(&gb, "throughput") > 50 * 160);
	assert_true(M(&w, "context_switches") > 1.5 * M(&e, "context_switches"));
	assert_true(M(&e, "evl_handoffs") == 0 && M(&w, "evl_handoffs") > 2 * 9800 * 10);
	res_free(&g);
	res_free(&e);
	res_free(&w);
	res_free(&gb);
	res_free(&eb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readme_example_is_the_shipped_file),
		cmocka_unit_test(test_spawn_100k),
		cmocka_unit_test(test_create_10k),
		cmocka_unit_test(test_memory_5000),
		cmocka_unit_test(test_syscall_storm),
		cmocka_unit_test(test_preempt_fairness),
		cmocka_unit_test(test_cgo_sleep),
		cmocka_unit_test(test_chan_leak),
		cmocka_unit_test(test_mutex_numa),
		cmocka_unit_test(test_numa_mutex_seed),
		cmocka_unit_test(test_gc_stw),
		cmocka_unit_test(test_eventloop_10k),
	};
	return cmocka_run_group_tests_name("scenarios", tests, NULL, NULL);
}
