/* tests/test_numa.c — numactl-style placement: the numactl: section's lists
 * and errors, CPU binding (no service thread ever on a disallowed core, in
 * every model; GOMAXPROCS follows the allowed cores), memory policy homes
 * (first touch, membind, interleave) and what a cpu op's mem: work pays for
 * them, and the kernel's scheduler domains (cross-node balancing happens,
 * but every nnodes-th interval only) and wake_affine. What a moved task's
 * stack and heap cost, piece by piece, is tests/test_memhome.c's. Expected figures come from the
 * policy's definition and the distance matrix, not from the model's output. */
#include "testutil.h"
#include "testrun.h"
#include "kernel.h"
#include "mempolicy.h"
#include "trace.h"
#include <math.h>

static const char *const MODELS[] = { "gmp", "threads", "pool" };
#define NMODELS 3

/* ---- the numactl: section ------------------------------------------------ */

static const char *BASE =
	"name: numa\n"
	"duration: 200ms\n"
	"machine: { cores: 8, numa: { nodes: 2 } }\n"
	"models: { gmp: {}, threads: {}, pool: { workers: 8 } }\n"
	"workload:\n"
	"  req:\n"
	"    arrival: { batch: { count: 4 } }\n"
	"    program: [ { cpu: { const: 1ms, mem: 1 } } ]\n";

static int load_with(const char *set, struct scenario *sc, char *err, size_t len)
{
	const char *sets[] = { set };
	return sc_load_string("numa.yaml", BASE, set ? sets : NULL, set ? 1 : 0, sc, err, len);
}

static void test_lists_parse_to_masks(void **state)
{
	(void)state;
	struct scenario sc;
	char err[512];
	assert_int_equal(load_with(NULL, &sc, err, sizeof err), 0);
	assert_null(sc.numactl.cpus);  /* unbound */
	assert_int_equal(sc.numactl.ncpus, 8);
	assert_int_equal(sc.numactl.policy, MEMPOL_DEFAULT);
	sc_free(&sc);
	assert_int_equal(load_with("numactl.cpunodebind=1", &sc, err, sizeof err), 0);
	assert_int_equal(sc.numactl.ncpus, 4);
	for (int c = 0; c < 8; c++)
		assert_int_equal(sc.numactl.cpus[c], c >= 4);
	sc_free(&sc);
	assert_int_equal(load_with("numactl.physcpubind=0-2,6", &sc, err, sizeof err), 0);
	assert_int_equal(sc.numactl.ncpus, 4);
	assert_int_equal(sc.numactl.cpus[2] + sc.numactl.cpus[6] + sc.numactl.cpus[3], 2);
	sc_free(&sc);
	assert_int_equal(load_with("numactl.interleave=all", &sc, err, sizeof err), 0);
	assert_int_equal(sc.numactl.policy, MEMPOL_INTERLEAVE);
	assert_int_equal(sc.numactl.mem_nodes, 3);
	sc_free(&sc);
	assert_int_equal(load_with("numactl.membind=1", &sc, err, sizeof err), 0);
	assert_int_equal(sc.numactl.policy, MEMPOL_BIND);
	assert_int_equal(sc.numactl.mem_nodes, 2);
	sc_free(&sc);
}

static void expect_error(const char *set, const char *needle)
{
	struct scenario sc;
	char err[512];
	assert_int_equal(load_with(set, &sc, err, sizeof err), -1);
	if (!strstr(err, needle))
		fail_msg("'%s': expected '%s' in: %s", set, needle, err);
}

static void test_bad_lists_are_positioned_errors(void **state)
{
	(void)state;
	expect_error("numactl.cpunodebind=2", "--set numactl.cpunodebind=2:1:1: numactl.cpunodebind: node 2 does not exist (the machine has nodes 0-1)");
	expect_error("numactl.physcpubind=8", "core 8 does not exist");
	expect_error("numactl.cpunodebind=1-0", "runs backwards");
	expect_error("numactl.cpunodebind=+1", "not supported");
	expect_error("numactl.preferred=0,1", "numactl.preferred takes one node");
	expect_error("numactl.cpunodebind=0x", "expected ',' or the end");
	expect_error("numactl.cpunodebind=0,", "expected a number at the end");
	expect_error("numactl.physcpubind=99999999999999999999999", "number too large");
	/* two policies, two bindings: numactl refuses them too */
	const char *yaml =
		"name: numa\nduration: 1s\nmachine: { cores: 8, numa: { nodes: 2 } }\n"
		"numactl:\n  membind: 0\n  interleave: all\n"
		"models: { gmp: {} }\nworkload: { r: { arrival: { batch: { count: 1 } }, program: [ cpu: 1ms ] } }\n";
	struct scenario sc;
	char err[512];
	assert_int_equal(sc_load_string("two.yaml", yaml, NULL, 0, &sc, err, sizeof err), -1);
	assert_non_null(strstr(err, "two.yaml:6:15: numactl.interleave conflicts with numactl.membind"));
	const char *both = "name: numa\nduration: 1s\nmachine: { cores: 8, numa: { nodes: 2 } }\n"
		"numactl: { cpunodebind: 0, physcpubind: 1 }\n"
		"models: { gmp: {} }\nworkload: { r: { arrival: { batch: { count: 1 } }, program: [ cpu: 1ms ] } }\n";
	assert_int_equal(sc_load_string("both.yaml", both, NULL, 0, &sc, err, sizeof err), -1);
	assert_non_null(strstr(err, "both.yaml:4:41: numactl.physcpubind and numactl.cpunodebind both set the CPU binding"));
}

/* ---- binding ---------------------------------------------------------------- */

/* A workload that creates, blocks, wakes and migrates threads: arrivals,
 * a mutex, network waits (no spawn-and-wait: a pool would starve), and
 * allocation enough for collections (Go's workers, the JVM's GC threads). */
static const char *BUSY =
	"name: bound\n"
	"duration: 300ms\n"
	"machine: { cores: 8, numa: { nodes: 2 } }\n"
	"models: { gmp: {}, threads: { runtime: native }, pool: { workers: 16 } }\n"
	"gc: { live_heap: 4MiB, jvm: { young: 8MiB } }\n"
	"workload:\n"
	"  req:\n"
	"    arrival: { poisson: 4000/s }\n"
	"    program:\n"
	"      - alloc: { size: 32KiB, temp: true }\n"
	"      - cpu: { exp: 400us, mem: 0.5 }\n"
	"      - net: { exp: 1ms }\n"
	"      - cpu: { exp: 300us, mem: 0.5 }\n"
	"      - lock: { mutex: m, hold: 20us }\n"
	"      - cpu: { exp: 200us }\n";

/* Busy time (any category) the trace shows on each core. */
static void busy_per_core(const struct trc *tr, sim_ns busy[8])
{
	memset(busy, 0, sizeof(sim_ns) * 8);
	for (int64_t i = 0; i < tr->nspans; i++) {
		const struct trc_span *s = &tr->spans[i];
		const struct trc_track *k = &tr->tracks[s->track];
		if (k->tkind == TRC_CORE && s->state < TS_NONE && k->num < 8)
			busy[k->num] += s->t1 - s->t0;
	}
}

static struct run_result run_traced(const char *yaml, const char *model, const char *set)
{
	struct scenario sc;
	char err[512];
	const char *sets[] = { set };
	if (sc_load_string("bound.yaml", yaml, sets, 1, &sc, err, sizeof err) != 0)
		fail_msg("%s", err);
	struct run_opts opts = { .trace = true };
	struct run_result res;
	int rc = run_model_opts(&sc, model, &opts, &res, err, sizeof err);
	if (rc)
		fail_msg("%s: %s", model, err);
	sc_free(&sc);
	assert_int_equal(trc_unpack(res.trace), 0);  /* the coded records, as arrays */
	return res;
}

/* No core outside the binding ever runs anything (the service is the only
 * process), every allowed core does, and the run's threads all lived. */
static void check_bound(const char *set, const uint8_t allowed[8], int nallowed)
{
	for (int i = 0; i < NMODELS; i++) {
		struct run_result r = run_traced(BUSY, MODELS[i], set);
		assert_non_null(r.trace);
		assert_true(r.trace->truncated_at < 0);
		sim_ns busy[8];
		busy_per_core(r.trace, busy);
		for (int c = 0; c < 8; c++) {
			if (!allowed[c] && busy[c] != 0)
				fail_msg("%s, %s: core %d (not allowed) was busy %lld ns", MODELS[i], set, c, (long long)busy[c]);
			if (allowed[c] && busy[c] == 0)
				fail_msg("%s, %s: allowed core %d never ran", MODELS[i], set, c);
		}
		assert_true(tr_metric(&r, "tasks_completed") > 100);
		assert_true(tr_metric(&r, "gc_cycles") >= 1);
		if (strcmp(MODELS[i], "gmp") == 0)  /* os_linux.go:getproccount */
			assert_int_equal((int)tr_metric(&r, "gomaxprocs"), nallowed);
		res_free(&r);
	}
}

static void test_bound_process_never_runs_elsewhere(void **state)
{
	(void)state;
	static const uint8_t node1[8] = { 0, 0, 0, 0, 1, 1, 1, 1 };
	static const uint8_t odd[8] = { 0, 1, 0, 1, 0, 1, 0, 0 };
	check_bound("numactl.cpunodebind=1", node1, 4);
	check_bound("numactl.physcpubind=1,3,5", odd, 3);
}

/* ---- memory placement -------------------------------------------------------- */

static const char *ONE =
	"name: mem\n"
	"duration: 100ms\n"
	"acceptor: { enabled: false }\n"
	"machine: { cores: 4, numa: { nodes: 2, distance: [[10, 30], [30, 10]] } }\n"
	"models: { gmp: {}, threads: { runtime: native }, pool: { workers: 2 } }\n"
	"workload:\n"
	"  req:\n"
	"    arrival: { batch: { count: 1 } }\n"
	"    program: [ { cpu: { const: 3ms, mem: 1 } } ]\n";

static double one_task(const char *model, const char *s1, const char *s2, double *share)
{
	const char *sets[] = { s1, s2 };
	struct run_result r = tr_run(ONE, model, sets, 2);
	double lat = tr_metric(&r, "latency_max");
	*share = tr_metric(&r, "remote_access_share");
	res_free(&r);
	return lat;
}

/* membind to the other node: every access is remote, and the op takes
 * the distance ratio 30/10 times as long: 3 ms of work costs 9 ms, 6 ms
 * more than with its memory local (the overheads are the same in both;
 * under 10 ms, so sysmon's forcePreemptNS does not cut the goroutine). */
static void test_membind_remote_costs_the_distance_ratio(void **state)
{
	(void)state;
	for (int i = 0; i < NMODELS; i++) {
		double local_share, remote_share;
		double local = one_task(MODELS[i], "numactl.cpunodebind=0", "numactl.membind=0", &local_share);
		double remote = one_task(MODELS[i], "numactl.cpunodebind=0", "numactl.membind=1", &remote_share);
		assert_true(local_share == 0.0);
		assert_true(remote_share == 1.0);
		if (fabs(remote - local - 6e6) > 1000)
			fail_msg("%s: remote %.0f ns - local %.0f ns, expected 6 ms", MODELS[i], remote, local);
		/* preferred is the same placement when memory is plentiful */
		double pref_share, pref = one_task(MODELS[i], "numactl.cpunodebind=0", "numactl.preferred=1", &pref_share);
		assert_true(pref_share == 1.0 && pref == remote);
	}
}

/* Interleaved over both nodes from a core of node 0: half the pages are
 * remote, so the op costs 3 ms x (1 + 3) / 2 = 6 ms, 3 ms more than local. */
static void test_interleave_pays_the_mean_distance(void **state)
{
	(void)state;
	for (int i = 0; i < NMODELS; i++) {
		double ls, is;
		double local = one_task(MODELS[i], "numactl.cpunodebind=0", "numactl.membind=0", &ls);
		double inter = one_task(MODELS[i], "numactl.cpunodebind=0", "numactl.interleave=0,1", &is);
		assert_true(is == 0.5);
		if (fabs(inter - local - 3e6) > 1000)
			fail_msg("%s: interleaved %.0f ns - local %.0f ns, expected 3 ms", MODELS[i], inter, local);
	}
}

/* Interleaved over all of k nodes, wherever the work runs: (k - 1) / k of
 * its accesses are remote — 3/4 on four nodes, under a load that uses
 * every core. */
static void test_interleave_remote_share_is_k_minus_1_over_k(void **state)
{
	(void)state;
	const char *sets[] = { "machine.numa.nodes=4", "numactl.interleave=all" };
	for (int i = 0; i < NMODELS; i++) {
		struct run_result r = tr_run(BUSY, MODELS[i], sets, 2);
		double share = tr_metric(&r, "remote_access_share");
		if (fabs(share - 0.75) > 1e-12)
			fail_msg("%s: remote share %.15f, expected 0.75", MODELS[i], share);
		res_free(&r);
	}
}

/* mempolicy.c: interleave_nodes puts consecutive pages on consecutive
 * nodes of the mask: 1000 pages over three nodes are 334, 333, 333. */
static void test_interleave_spreads_pages_evenly(void **state)
{
	(void)state;
	double d[16];
	for (int i = 0; i < 16; i++)
		d[i] = i / 4 == i % 4 ? 10 : 20;
	struct machine m = { .ncores = 8, .nnodes = 4, .cores_per_node = 2, .distance = d };
	struct numactl_cfg cfg = { .policy = MEMPOL_INTERLEAVE, .mem_nodes = 0xb };  /* nodes 0, 1, 3 */
	struct mpol p;
	mpol_init(&p, &m, &cfg);
	mpol_place_pages(&p, 4, 1000);
	assert_int_equal(p.pages[0], 334);
	assert_int_equal(p.pages[1], 333);
	assert_int_equal(p.pages[2], 0);
	assert_int_equal(p.pages[3], 333);
	assert_int_equal(mpol_home(&p, 4), MACH_HOME_INTERLEAVE);
	/* first touch (default): the toucher's node; membind {3} from node 0:
	 * node 3; membind {1,3} from node 2: the nearer... both 20, the lower id */
	struct numactl_cfg def = { .policy = MEMPOL_DEFAULT };
	mpol_init(&p, &m, &def);
	assert_int_equal(mpol_home(&p, 5), 2);
	mpol_place_pages(&p, 5, 7);
	assert_int_equal(p.pages[2], 7);
	struct numactl_cfg bind = { .policy = MEMPOL_BIND, .mem_nodes = 0xa };
	mpol_init(&p, &m, &bind);
	assert_int_equal(mpol_home(&p, 2), 1);  /* local node 1 is in the mask */
	assert_int_equal(mpol_home(&p, 4), 1);
	d[2 * 4 + 3] = 15;                      /* node 3 nearer to node 2 */
	assert_int_equal(mpol_home(&p, 4), 3);
}

/* First touch: a task that never migrates has all its memory local, on
 * either node (four tasks, eight idle cores: nobody waits, nobody moves). */
static void test_first_touch_is_local(void **state)
{
	(void)state;
	for (int i = 0; i < NMODELS; i++) {
		struct run_result r = tr_run(BASE, MODELS[i], NULL, 0);
		assert_true(tr_metric(&r, "tasks_completed") == 4);
		assert_true(tr_metric(&r, "remote_access_share") == 0.0);
		res_free(&r);
	}
}

/* ---- scheduler domains --------------------------------------------------------- */

struct dom {
	struct sim sim;
	struct machine mach;
	double dist[4];
	struct kernel_cfg cfg;
	struct kern k;
	uint8_t allowed[4];
};

static void hog_step(struct kern *k, struct kthread *t)
{
	kern_run(k, t, SIM_NS_PER_S, CAT_TASK, 0, -1);
}
static const struct kern_owner_ops hog_ops = { .step = hog_step };

/* Two nodes of two cores; three service hogs piled on core 0 (the
 * binding allows only it while they are created, then every core), one
 * foreign hog on each other core. Loads 3 1 | 1 1. */
static void dom_setup(struct dom *f)
{
	memset(f, 0, sizeof *f);
	sim_init(&f->sim, NULL);
	f->dist[0] = f->dist[3] = 10;
	f->dist[1] = f->dist[2] = 21;
	f->mach = (struct machine){ .ncores = 4, .nnodes = 2, .cores_per_node = 2, .distance = f->dist };
	f->cfg = (struct kernel_cfg){
		.sched_latency = 6 * SIM_NS_PER_MS, .min_granularity = 750 * SIM_NS_PER_US,
		.wakeup_granularity = SIM_NS_PER_MS, .balance_interval = 4 * SIM_NS_PER_MS,
		.max_threads = 1000, .memory = (int64_t)1 << 40, .idle_deep_after = SIM_NS_MAX,
	};
	assert_int_equal(kern_init(&f->k, &f->sim, &f->cfg, &f->mach, f), 0);
	f->allowed[0] = 1;
	kern_bind(&f->k, f->allowed, NULL);
	for (int i = 0; i < 3; i++)
		assert_int_equal(kern_create(&f->k, &hog_ops, NULL, 1 << 20, 0)->core, 0);
	for (int c = 1; c < 4; c++)
		assert_int_equal(kern_create_foreign(&f->k, &hog_ops, NULL, 1 << 20, c)->core, c);
	memset(f->allowed, 1, sizeof f->allowed);
}

/* The node level runs at every balance_interval and evens core 0 with
 * core 1 (3 - 1 >= 2) at the first one, 4 ms; the NUMA level runs every
 * 2nd interval (a domain's interval is its span: 4 cores vs 2), so the
 * node imbalance 4 : 2 (> 117 %) moves a thread across only at 8 ms. */
static void test_cross_node_balancing_is_rarer(void **state)
{
	(void)state;
	struct dom f;
	dom_setup(&f);
	sim_run_until(&f.sim, 4 * SIM_NS_PER_MS + 1);
	assert_int_equal(f.k.st.migrations, 1);
	assert_int_equal(f.k.st.migrations_remote, 0);
	sim_run_until(&f.sim, 8 * SIM_NS_PER_MS - 1);
	assert_int_equal(f.k.st.migrations_remote, 0);
	sim_run_until(&f.sim, 8 * SIM_NS_PER_MS + 1);
	assert_int_equal(f.k.st.migrations, 2);
	assert_int_equal(f.k.st.migrations_remote, 1);
	/* loads are now 1 2 | 2 1: no core pair differs by two, the nodes are even */
	sim_run_until(&f.sim, 100 * SIM_NS_PER_MS);
	assert_int_equal(f.k.st.migrations_remote, 1);
	char err[256];
	assert_int_equal(kern_check(&f.k, err, sizeof err), 0);
	kern_free(&f.k);
	sim_free(&f.sim);
}

/* Under a real load on two nodes, in-node migrations outnumber
 * cross-node ones by far: a newly idle core looks on its node first and
 * takes from another only a core with two waiting, and the NUMA level runs
 * half as often with the larger threshold. (That cross-node balancing
 * happens at all is test_cross_node_balancing_is_rarer's.) */
static void test_cross_node_migrations_rarer_under_load(void **state)
{
	(void)state;
	for (int i = 1; i < NMODELS; i++) {  /* gmp's Ms barely migrate: its Ps keep them busy */
		struct run_result r = tr_run(BUSY, MODELS[i], NULL, 0);
		double all = tr_metric(&r, "migrations"), remote = tr_metric(&r, "migrations_remote");
		fprintf(stderr, "%s: %.0f of %.0f migrations cross nodes\n", MODELS[i], remote, all);
		if (!(all - remote > 0 && remote <= (all - remote) / 4))
			fail_msg("%s: %.0f cross-node of %.0f migrations", MODELS[i], remote, all);
		res_free(&r);
	}
}

/* A sleeper ran on core 0 (node 0), now busy with two hogs; cores 1 and 3
 * are idle, the waker runs on core 2 (node 1). fair.c: wake_affine —
 * the waker's core, with the wakee added, (1 + 1) x 100 = 200 is below
 * the previous core's 2 x 108 = 216: the target is the waker's core and
 * the idle search (select_idle_sibling) stays on its node: core 3. Woken
 * by an interrupt (no waker), the search starts from the previous core:
 * core 1, its own node. */
static void sleep_once_step(struct kern *k, struct kthread *t)
{
	if (t->owner) {
		kern_run(k, t, SIM_NS_PER_S, CAT_TASK, 0, -1);
		return;
	}
	t->owner = (void *)1;
	kern_block(k, t);
}
static const struct kern_owner_ops sleep_once_ops = { .step = sleep_once_step };

static int wake_from(int waker)
{
	struct dom f;
	memset(&f, 0, sizeof f);
	sim_init(&f.sim, NULL);
	f.dist[0] = f.dist[3] = 10;
	f.dist[1] = f.dist[2] = 21;
	f.mach = (struct machine){ .ncores = 4, .nnodes = 2, .cores_per_node = 2, .distance = f.dist };
	f.cfg = (struct kernel_cfg){
		.sched_latency = 6 * SIM_NS_PER_MS, .min_granularity = 750 * SIM_NS_PER_US,
		.wakeup_granularity = SIM_NS_PER_MS, .balance_interval = SIM_NS_PER_S,
		.max_threads = 1000, .memory = (int64_t)1 << 40, .idle_deep_after = SIM_NS_MAX,
	};
	assert_int_equal(kern_init(&f.k, &f.sim, &f.cfg, &f.mach, &f), 0);
	f.allowed[0] = 1;
	kern_bind(&f.k, f.allowed, NULL);
	struct kthread *s = kern_create(&f.k, &sleep_once_ops, NULL, 1 << 20, 0);
	sim_run_until(&f.sim, 1000);
	assert_true(kern_blocked(s) && s->core == 0);
	kern_create(&f.k, &hog_ops, NULL, 1 << 20, 0);
	kern_create(&f.k, &hog_ops, NULL, 1 << 20, 0);
	memset(f.allowed, 1, sizeof f.allowed);
	kern_create_foreign(&f.k, &hog_ops, NULL, 1 << 20, 2);
	assert_true(f.k.cores[0].nrq == 1 && f.k.cores[1].curr == NULL && f.k.cores[3].curr == NULL);
	kern_wake(&f.k, s, waker);
	int core = s->core;
	kern_free(&f.k);
	sim_free(&f.sim);
	return core;
}

static void test_wake_affine_pulls_to_the_wakers_node(void **state)
{
	(void)state;
	assert_int_equal(wake_from(2), 3);
	assert_int_equal(wake_from(-1), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists_parse_to_masks),
		cmocka_unit_test(test_bad_lists_are_positioned_errors),
		cmocka_unit_test(test_bound_process_never_runs_elsewhere),
		cmocka_unit_test(test_membind_remote_costs_the_distance_ratio),
		cmocka_unit_test(test_interleave_pays_the_mean_distance),
		cmocka_unit_test(test_interleave_remote_share_is_k_minus_1_over_k),
		cmocka_unit_test(test_interleave_spreads_pages_evenly),
		cmocka_unit_test(test_first_touch_is_local),
		cmocka_unit_test(test_cross_node_balancing_is_rarer),
		cmocka_unit_test(test_cross_node_migrations_rarer_under_load),
		cmocka_unit_test(test_wake_affine_pulls_to_the_wakers_node),
	};
	return cmocka_run_group_tests_name("numa", tests, NULL, NULL);
}
