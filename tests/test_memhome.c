/* tests/test_memhome.c — where a task's memory lives piece by piece
 * (models/memhome.c, mempolicy.h's footprints): the arithmetic of a
 * footprint spread over homes, a thread whose stack stayed on the other
 * node paying the distance ratio, first touch of stacks and heap chunks
 * (local for a task that never moves), memory left behind by a goroutine
 * that moves, reused heap pages (Go's swept spans, the JVM's eden after a
 * young GC) homed by their first writer, and -XX:+UseNUMA. Expected
 * figures come from the distance matrix, the program and the placement
 * rules, not from the model's output. */
#include "testutil.h"
#include "testrun.h"
#include "kernel.h"
#include "mempolicy.h"
#include <math.h>

/* ---- footprints ---------------------------------------------------------------- */

static double dist2[4] = { 10, 30, 30, 10 };
static const struct machine M2 = { .ncores = 2, .nnodes = 2, .cores_per_node = 1, .distance = dist2 };

/* A 2 KiB stack on node 0 and 32 KiB of heap on node 1, distance ratio 3:
 * on node 1 the stack's 2/34 of the accesses are remote and cost 3x, so a
 * fully memory-bound burst takes 1 + 2/34 x 2 times as long; on node 0
 * the heap's 32/34 do. Half memory-bound: half the extra. */
static void test_footprint_weighs_pieces_by_size(void **state)
{
	(void)state;
	struct memfoot f;
	memf_clear(&f);
	assert_true(memf_slowdown(&M2, 0, &f, 1, 1.0) == 1.0);
	assert_true(memf_remote_share(&M2, 0, &f, 1) == 0.0);
	memf_stack(&f, 0, 2);
	memf_heap(&f, 1, 16);
	memf_heap(&f, 1, 16);  /* same home: one piece */
	assert_int_equal(f.kib[1], 32);
	assert_int_equal(f.home[2], -1);
	assert_true(fabs(memf_slowdown(&M2, 0, &f, 1, 1.0) - (1 + 2.0 / 34 * 2)) < 1e-12);
	assert_true(fabs(memf_slowdown(&M2, 0, &f, 0, 1.0) - (1 + 32.0 / 34 * 2)) < 1e-12);
	assert_true(fabs(memf_slowdown(&M2, 0, &f, 0, 0.5) - (1 + 0.5 * 32.0 / 34 * 2)) < 1e-12);
	assert_true(fabs(memf_remote_share(&M2, 0, &f, 1) - 2.0 / 34) < 1e-12);
	assert_true(fabs(memf_remote_share(&M2, 0, &f, 0) - 32.0 / 34) < 1e-12);
	/* interleaved over both nodes: half of those pages are remote anywhere */
	memf_heap(&f, MACH_HOME_INTERLEAVE, 34);
	assert_true(fabs(memf_remote_share(&M2, 3, &f, 1) - (2.0 + 17) / 68) < 1e-12);
	/* more homes than heap slots (1 .. MEMF_SLOTS - 1): the first
	 * MEMF_SLOTS - 2 homes have a slot each, the last slot takes the rest */
	memf_clear(&f);
	for (int h = 0; h < MEMF_SLOTS + 2; h++)
		memf_heap(&f, h, 1);
	assert_int_equal(f.kib[MEMF_SLOTS - 1], (MEMF_SLOTS + 2) - (MEMF_SLOTS - 2));
}

/* A thread on core 1 (node 1) whose 2 KiB stack was first touched on
 * node 0 — a goroutine stolen by a P on the other node — and whose 32 KiB
 * of heap is local: a fully memory-bound 1 ms burst takes 1 + 2/34 x 2 ms;
 * with the heap left behind on node 0 too, 3 ms (the distance ratio). */
struct burst_fx {
	struct memfoot foot;
	sim_ns done;
};

static void foot_step(struct kern *k, struct kthread *t)
{
	struct burst_fx *fx = t->owner;
	if (fx->done < 0) {
		fx->done = 0;
		kern_set_foot(t, &fx->foot);
		kern_run(k, t, SIM_NS_PER_MS, CAT_TASK, 1.0, MACH_HOME_FOOT);
		return;
	}
	fx->done = k->sim->now;
	kern_block(k, t);
}
static const struct kern_owner_ops foot_ops = { .step = foot_step };

static sim_ns burst_on_node1(int stack_home, int heap_home, double *share)
{
	struct sim sim;
	struct kern k;
	struct kernel_cfg cfg = {
		.sched_latency = 6 * SIM_NS_PER_MS, .min_granularity = 750 * SIM_NS_PER_US,
		.wakeup_granularity = SIM_NS_PER_MS, .balance_interval = SIM_NS_PER_S,
		.max_threads = 10, .memory = (int64_t)1 << 40, .idle_deep_after = SIM_NS_MAX,
	};
	static const uint8_t core1[2] = { 0, 1 };
	struct burst_fx fx = { .done = -1 };
	memf_clear(&fx.foot);
	memf_stack(&fx.foot, stack_home, 2);
	memf_heap(&fx.foot, heap_home, 32);
	sim_init(&sim, NULL);
	assert_int_equal(kern_init(&k, &sim, &cfg, &M2, NULL), 0);
	kern_bind(&k, core1, NULL);
	assert_int_equal(kern_create(&k, &foot_ops, &fx, 1 << 20, 1)->core, 1);
	sim_run_until(&sim, SIM_NS_PER_S);
	*share = k.mem_remote / k.mem_access;
	kern_free(&k);
	sim_free(&sim);
	return fx.done;
}

static void test_stolen_thread_pays_for_its_remote_stack(void **state)
{
	(void)state;
	double share;
	sim_ns local = burst_on_node1(1, 1, &share);
	assert_true(share == 0.0);
	sim_ns stack_behind = burst_on_node1(0, 1, &share);
	assert_true(fabs(share - 2.0 / 34) < 1e-12);
	sim_ns all_behind = burst_on_node1(0, 0, &share);
	assert_true(share == 1.0);
	/* the same start-up before the burst in all three */
	double extra = (double)(stack_behind - local), extra_all = (double)(all_behind - local);
	if (fabs(extra - 2.0 / 34 * 2 * SIM_NS_PER_MS) > 2 || fabs(extra_all - 2.0 * SIM_NS_PER_MS) > 2)
		fail_msg("extra %.0f ns (expected %.0f), all remote %.0f ns (expected 2 ms)", extra,
			 2.0 / 34 * 2 * SIM_NS_PER_MS, extra_all);
}

/* ---- the models --------------------------------------------------------------- */

static const char *const MODELS[] = { "gmp", "threads", "pool" };
#define NMODELS 3

/* Four requests on eight idle cores of two nodes: each allocates 64 KiB
 * (eight whole chunks: no chunk is shared) and streams it. Nobody waits,
 * nobody moves: the stack and the heap were first touched by the core
 * that uses them. */
static const char *QUIET =
	"name: quiet\n"
	"duration: 200ms\n"
	"machine: { cores: 8, numa: { nodes: 2 } }\n"
	"models: { gmp: {}, threads: {}, pool: { workers: 8 } }\n"
	"workload:\n"
	"  req:\n"
	"    arrival: { batch: { count: 4 } }\n"
	"    program: [ { alloc: 64KiB }, { cpu: { const: 1ms, mem: 1 } } ]\n";

static void test_task_that_never_moves_is_all_local(void **state)
{
	(void)state;
	for (int i = 0; i < NMODELS; i++) {
		struct run_result r = tr_run(QUIET, MODELS[i], NULL, 0);
		assert_true(tr_metric(&r, "tasks_completed") == 4);
		if (tr_metric(&r, "remote_access_share") != 0.0)
			fail_msg("%s: remote share %g", MODELS[i], tr_metric(&r, "remote_access_share"));
		res_free(&r);
	}
}

/* A service on 2 x 4 cores: 4,000 requests/s, each allocates 32 KiB
 * (four whole chunks) and computes 400 us, waits 1 ms on the network,
 * computes 300 us; both bursts half memory-bound. */
static const char *BUSY =
	"name: busy\n"
	"duration: 300ms\n"
	"machine: { cores: 8, numa: { nodes: 2 } }\n"
	"models: { gmp: {}, threads: { runtime: native }, pool: { workers: 16, runtime: native } }\n"
	"gc: { live_heap: 4MiB, jvm: { young: 8MiB } }\n"
	"workload:\n"
	"  req:\n"
	"    arrival: { poisson: 4000/s }\n"
	"    program:\n"
	"      - alloc: { size: 32KiB, temp: true }\n"
	"      - cpu: { exp: 400us, mem: 0.5 }\n"
	"      - net: { exp: 1ms }\n"
	"      - cpu: { exp: 300us, mem: 0.5 }\n";

static double share_of(const char *model, const char *s1, const char *s2)
{
	const char *sets[] = { s1, s2 };
	struct run_result r = tr_run(BUSY, model, sets, (s1 != NULL) + (s2 != NULL));
	double share = tr_metric(&r, "remote_access_share");
	res_free(&r);
	return share;
}

/* Go's Ps and Ms are not NUMA-aware: after its network wait a goroutine
 * runs on whichever P takes it, on the other node half the time (four of
 * the eight Ps), and its stack and heap stay where they were written. */

/* Without allocations a request's memory is its 2 KiB stack. A new G
 * takes a dead G's stack from its P's free list (proc.go:gfget), written
 * first wherever that G started. The acceptor's goroutine starts every
 * request on its own P (runnext), so a G starts on the acceptor's node
 * with some probability q (> 1/2 unless thieves take it), and the free
 * stacks' homes lean the same way: the first burst's stack is remote with
 * probability 2q(1 - q) — 1/2 at q = 1/2, 0.42 at q = 0.7 — and the
 * second burst's, on a random node, 1/2. Once the free lists are full
 * (past the 100 ms warm-up) the share is (400 x 2q(1 - q) + 300 x 1/2) /
 * 700, 0.454 to 0.5, where a new stack homed at the G's start would give
 * 1/2 x 300 / 700 = 0.214. */
static const char *STACK_ONLY =
	"name: stack\n"
	"duration: 300ms\n"
	"warmup: 100ms\n"
	"machine: { cores: 8, numa: { nodes: 2 } }\n"
	"models: { gmp: {} }\n"
	"workload:\n"
	"  req:\n"
	"    arrival: { poisson: 4000/s }\n"
	"    program:\n"
	"      - cpu: { exp: 400us, mem: 0.5 }\n"
	"      - net: { exp: 1ms }\n"
	"      - cpu: { exp: 300us, mem: 0.5 }\n";

static void test_reused_goroutine_stack_keeps_its_home(void **state)
{
	(void)state;
	struct run_result r = tr_run(STACK_ONLY, "gmp", NULL, 0);
	double share = tr_metric(&r, "remote_access_share");
	res_free(&r);
	fprintf(stderr, "gmp, stacks only: remote share %.3f (expected 0.454 .. 0.5)\n", share);
	assert_true(share > (400 * 0.42 + 150) / 700 - 0.02 && share < 0.52);
}

/* With GOGC=off every heap page is fresh, written first by the M of the
 * goroutine that allocates it, where the goroutine runs its first op:
 * the 32 KiB are local in the first burst and remote half the time in the
 * second; the reused 2 KiB stack is remote half the time in both (or
 * 2q(1 - q), below):  (400 x 2/34 x 1/2 + 300 x 1/2) / 700 = 0.231 of the
 * memory work (0.222 at q = 0.7). */
static void test_goroutine_leaves_its_heap_behind(void **state)
{
	(void)state;
	double share = share_of("gmp", "gc.go.gogc=-1", "warmup=100ms");
	double expect = (400 * 2.0 / 34 * 0.5 + 300 * 0.5) / 700;
	fprintf(stderr, "gmp, GOGC=off: remote share %.3f (expected %.3f)\n", share, expect);
	assert_true(fabs(share - expect) < 0.03);
}

/* With the collector on, the swept pages are reused from the lowest
 * address (mpagealloc.go), homed by whoever wrote them first. After the
 * first cycles (4 MiB of allocation each, about 31 ms) every piece of a
 * request's memory was written first by an earlier request, where it
 * started: as for the stacks above, (400 x 2q(1 - q) + 300 x 1/2) / 700,
 * 0.454 to 0.5. */
static void test_reused_go_heap_is_homed_by_its_first_writer(void **state)
{
	(void)state;
	/* one 200 ms window (~800 requests sharing reused pages) scatters by
	 * a few hundredths around its expectation (0.48 .. 0.53 as the GC's
	 * timing moves), so the expectation is checked on the mean of seeds,
	 * within 3 standard errors of it */
	enum { SEEDS = 6 };
	double sum = 0, sum2 = 0;
	for (int i = 0; i < SEEDS; i++) {
		char seed[32];
		snprintf(seed, sizeof seed, "seed=%d", i + 1);
		double x = share_of("gmp", "warmup=100ms", seed);
		sum += x, sum2 += x * x;
	}
	double mean = sum / SEEDS, se = sqrt((sum2 - sum * mean) / (SEEDS - 1) / SEEDS);
	fprintf(stderr, "gmp, GOGC=100: remote share %.3f ± %.3f over %d seeds (expected 0.454 .. 0.5)\n", mean, se,
		SEEDS);
	assert_true(se < 0.015);  /* the check below stays a narrow one */
	assert_true(mean > (400 * 0.42 + 150) / 700 - 3 * se && mean < 0.5 + 3 * se);
}

/* The JVM's eden: a TLAB's pages are written first by the thread that
 * carves it, so while eden fills for the first time (64 MiB, more than
 * the run allocates) a request's heap is where its thread allocated it,
 * as under -XX:+UseNUMA (eden split per node, each thread allocating in
 * its own node's part): the two shares are the same, what the threads'
 * moves across nodes make remote. After young GCs (an 8 MiB eden, one
 * every ~60 ms) the same pages are carved again by any thread, homed by
 * whoever wrote them first: a chunk is remote with probability 2p(1 - p)
 * for threads spread p : 1 - p over the nodes, 1/2 when even, less when
 * they crowd one node (0.42 at 70 : 30). The heap is 32 of the 40 KiB
 * footprint (an 8 KiB pthread stack), so reuse adds 0.8 x that. */
static void test_eden_is_local_until_reused(void **state)
{
	(void)state;
	for (int i = 1; i < NMODELS; i++) {
		double fresh = share_of(MODELS[i], "warmup=100ms", "gc.jvm.young=64MiB");
		double numa = share_of(MODELS[i], "warmup=100ms", "jvm.use_numa=true");
		double reused = share_of(MODELS[i], "warmup=100ms", NULL);
		fprintf(stderr, "%s: eden first filling %.3f, UseNUMA %.3f, reused %.3f\n", MODELS[i], fresh, numa, reused);
		assert_true(fabs(fresh - numa) < 0.05);
		double added = reused - numa;
		if (added < 0.8 * 0.40 || added > 0.8 * 0.5 + 0.03)
			fail_msg("%s: reuse adds %.3f to the remote share, expected 0.32 .. 0.43", MODELS[i], added);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_footprint_weighs_pieces_by_size),
		cmocka_unit_test(test_stolen_thread_pays_for_its_remote_stack),
		cmocka_unit_test(test_task_that_never_moves_is_all_local),
		cmocka_unit_test(test_reused_goroutine_stack_keeps_its_home),
		cmocka_unit_test(test_goroutine_leaves_its_heap_behind),
		cmocka_unit_test(test_reused_go_heap_is_homed_by_its_first_writer),
		cmocka_unit_test(test_eden_is_local_until_reused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
