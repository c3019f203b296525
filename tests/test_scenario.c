/* tests/test_scenario.c — tests for the scenario loader (sim/scenario/scenario.c and
 * sim/scenario/yamltree.c): valid scenarios load into the expected structs with
 * defaults and flattened parameters; --set overrides edit the tree; every
 * kind of error is reported as one exact "file:line:column: message"; bad
 * input (truncated or mangled YAML) never crashes or leaks.
 * Must not depend on the engine, the models or the results writer. */
#include "testutil.h"

#include <math.h>

#include "scenario.h"

static char err[1024];

/* ---- helpers --------------------------------------------------------- */

static void load_ok(const char *yaml, const char *const *sets, int nsets, struct scenario *sc)
{
	err[0] = '\0';
	if (sc_load_string("t.yaml", yaml, sets, nsets, sc, err, sizeof err) != 0)
		fail_msg("load failed: %s", err);
}

/* Loads and expects failure with exactly the message want; the struct must
 * come back empty. */
static void expect_sets_error(const char *yaml, const char *const *sets, int nsets, const char *want)
{
	struct scenario sc;
	err[0] = '\0';
	if (sc_load_string("t.yaml", yaml, sets, nsets, &sc, err, sizeof err) == 0) {
		sc_free(&sc);
		fail_msg("loaded, but wanted: %s", want);
	}
	if (strcmp(err, want) != 0)
		fail_msg("\n got: %s\nwant: %s", err, want);
	assert_null(sc.name);
	assert_null(sc.programs);
	assert_null(sc.params);
	assert_int_equal(sc.nparams, 0);
	sc_free(&sc); /* harmless after a failure */
}

static void expect_error(const char *yaml, const char *want)
{
	expect_sets_error(yaml, NULL, 0, want);
}

static void expect_set_error(const char *yaml, const char *set, const char *want)
{
	const char *sets[] = { set };
	expect_sets_error(yaml, sets, 1, want);
}

static const char *param(const struct scenario *sc, const char *key)
{
	for (int i = 0; i < sc->nparams; i++)
		if (strcmp(sc->params[i].key, key) == 0)
			return sc->params[i].value;
	return NULL;
}

static void assert_param(const struct scenario *sc, const char *key, const char *want)
{
	const char *v = param(sc, key);
	if (!v)
		fail_msg("no param %s", key);
	if (strcmp(v, want) != 0)
		fail_msg("param %s = '%s', want '%s'", key, v, want);
}

static void assert_params_unique(const struct scenario *sc)
{
	for (int i = 0; i < sc->nparams; i++)
		for (int j = i + 1; j < sc->nparams; j++)
			if (strcmp(sc->params[i].key, sc->params[j].key) == 0)
				fail_msg("duplicate param %s", sc->params[i].key);
}

/* Lines 1-3 of most test documents; a valid workload takes lines 4-8. */
#define HEAD "name: t\nduration: 1s\nmodels: { threads: {} }\n"
#define WORKLOAD "workload:\n  w:\n    arrival: { poisson: 10/s }\n    program:\n      - cpu: 1ms\n"
#define VALID HEAD WORKLOAD

/* A document whose only op is op, written at line 8, column 9. */
static const char *with_op(const char *op)
{
	static char buf[2048];
	snprintf(buf, sizeof buf, HEAD "workload:\n  w:\n    arrival: { poisson: 10/s }\n    program:\n      - %s\n", op);
	return buf;
}

/* A document whose class arrival value is arr, written at line 6, column 14. */
static const char *with_arrival(const char *arr)
{
	static char buf[2048];
	snprintf(buf, sizeof buf, HEAD "workload:\n  w:\n    arrival: %s\n    program:\n      - cpu: 1ms\n", arr);
	return buf;
}

/* VALID plus extra lines from line 9 on. */
static const char *with_extra(const char *extra)
{
	static char buf[2048];
	snprintf(buf, sizeof buf, VALID "%s", extra);
	return buf;
}

/* ---- valid scenarios ------------------------------------------------- */

static const char *const rps_yaml =
	"name: 10k_rps\n"
	"description: Open-loop service at 10,000 requests/s\n"
	"duration: 10s\n"
	"warmup: 1s\n"
	"seed: 1\n"
	"machine:\n"
	"  cores: 8\n"
	"  numa: { nodes: 1 }\n"
	"models:\n"
	"  threads: { stack: 1MiB }\n"
	"  pool:    { workers: 200 }\n"
	"workload:\n"
	"  request:\n"
	"    arrival: { poisson: 10000/s }\n"
	"    program:\n"
	"      - cpu: { exp: 100us }\n"
	"      - net: 100ms\n"
	"      - cpu: { exp: 100us }\n";

static const char *const shapes_yaml =
	"name: shapes\n"
	"duration: 1s\n"
	"models: { threads: {} }\n"
	"workload:\n"
	"  main:\n"
	"    arrival: { batch: { count: 1, at: 0s } }\n"
	"    program:\n"
	"      - spawn: { program: sleeper, count: 100000, wait: true }\n"
	"  clients:\n"
	"    arrival: { closed: { clients: 50, think: { exp: 10ms } } }\n"
	"    program:\n"
	"      - repeat: { times: 3, do: [ { cpu: 20us }, { syscall: 1ms } ] }\n"
	"programs:\n"
	"  sleeper:\n"
	"    - sleep: 1ns\n";

static void test_10k_rps(void **state)
{
	(void)state;
	struct scenario sc;
	load_ok(rps_yaml, NULL, 0, &sc);
	assert_string_equal(sc.path, "t.yaml");
	assert_string_equal(sc.name, "10k_rps");
	assert_string_equal(sc.description, "Open-loop service at 10,000 requests/s");
	assert_int_equal(sc.duration, 10 * SIM_NS_PER_S);
	assert_int_equal(sc.warmup, SIM_NS_PER_S);
	assert_int_equal(sc.seed, 1);
	assert_int_equal(sc.machine.cores, 8);
	assert_int_equal(sc.machine.numa_nodes, 1);
	assert_int_equal(sc.machine.cores_per_node, 8);
	assert_true(sc.machine.distance[0] == 10);
	assert_int_equal(sc.nmodels, 2);
	assert_string_equal(sc.models[0], "threads");
	assert_string_equal(sc.models[1], "pool");
	assert_int_equal(sc_model_index(&sc, "pool"), 1);
	assert_int_equal(sc_model_index(&sc, "gmp"), -1);
	assert_true(sc.threads.enabled && sc.pool.enabled);
	assert_int_equal(sc.threads.stack, 1 << 20);
	assert_int_equal(sc.pool.workers, 200);

	assert_int_equal(sc.nclasses, 1);
	struct task_class *c = &sc.classes[0];
	assert_string_equal(c->name, "request");
	assert_int_equal(c->arrival.kind, ARR_POISSON);
	assert_true(c->arrival.rate == 10000);
	assert_int_equal(sc.nprograms, 1);
	assert_int_equal(c->program, 0);
	assert_int_equal(sc_program_index(&sc, "workload.request"), 0);
	assert_int_equal(sc_program_index(&sc, "request"), -1);
	struct program *p = &sc.programs[0];
	assert_string_equal(p->name, "workload.request");
	assert_int_equal(p->nops, 3);
	assert_int_equal(p->ops[0].kind, OP_CPU);
	assert_int_equal(p->ops[0].d.kind, DIST_EXP);
	assert_true(p->ops[0].d.p1 == 100000);
	assert_true(p->ops[0].mem == 0);
	assert_int_equal(p->ops[0].line, 16);
	assert_int_equal(p->ops[0].col, 9);
	assert_int_equal(p->ops[1].kind, OP_NET);
	assert_int_equal(p->ops[1].d.kind, DIST_CONST);
	assert_true(p->ops[1].d.p1 == 1e8);
	assert_int_equal(p->ops[1].line, 17);
	assert_int_equal(p->ops[2].kind, OP_CPU);

	assert_param(&sc, "models.pool.workers", "200");
	assert_param(&sc, "kernel.switch", "1000");  /* analysis/profiles/default.yaml */
	assert_param(&sc, "duration", "10000000000");
	assert_param(&sc, "name", "10k_rps");
	assert_param(&sc, "machine.numa.ratio", "2.1");
	assert_param(&sc, "machine.numa.cores_per_node", "8");
	assert_param(&sc, "machine.numa.distance.0.0", "10");
	assert_param(&sc, "kernel.memory", "25769803776");
	assert_param(&sc, "acceptor.enabled", "true");
	assert_param(&sc, "models.threads", "true");
	assert_param(&sc, "workload.request.arrival.poisson", "10000/s");
	assert_param(&sc, "workload.request.program.0.cpu.exp", "100000");
	assert_param(&sc, "workload.request.program.1.net", "100000000");
	assert_param(&sc, "models.gmp", "false");
	assert_param(&sc, "models.gmp.gomaxprocs", "0");
	assert_params_unique(&sc);
	sc_free(&sc);
	sc_free(&sc); /* idempotent */
}

static void test_shapes(void **state)
{
	(void)state;
	struct scenario sc;
	load_ok(shapes_yaml, NULL, 0, &sc);
	assert_int_equal(sc.nmodels, 1);
	assert_false(sc.pool.enabled);
	/* named programs first, then one per class in the order written */
	assert_int_equal(sc.nprograms, 3);
	assert_string_equal(sc.programs[0].name, "sleeper");
	assert_string_equal(sc.programs[1].name, "workload.main");
	assert_string_equal(sc.programs[2].name, "workload.clients");
	assert_int_equal(sc.programs[0].nops, 1);
	assert_int_equal(sc.programs[0].ops[0].kind, OP_SLEEP);
	assert_true(sc.programs[0].ops[0].d.p1 == 1);

	assert_int_equal(sc.nclasses, 2);
	struct task_class *m = &sc.classes[0], *cl = &sc.classes[1];
	assert_string_equal(m->name, "main");
	assert_int_equal(m->program, 1);
	assert_int_equal(m->arrival.kind, ARR_BATCH);
	assert_int_equal(m->arrival.count, 1);
	assert_int_equal(m->arrival.at, 0);
	struct op *spawn = &sc.programs[1].ops[0];
	assert_int_equal(spawn->kind, OP_SPAWN);
	assert_int_equal(spawn->program, 0);
	assert_int_equal(spawn->count, 100000);
	assert_true(spawn->wait);

	assert_string_equal(cl->name, "clients");
	assert_int_equal(cl->arrival.kind, ARR_CLOSED);
	assert_int_equal(cl->arrival.clients, 50);
	assert_int_equal(cl->arrival.think.kind, DIST_EXP);
	assert_true(cl->arrival.think.p1 == 1e7);
	struct program *p = &sc.programs[2];
	assert_int_equal(p->nops, 3);
	assert_int_equal(p->ops[0].kind, OP_REPEAT);
	assert_int_equal(p->ops[0].count, 3);
	assert_int_equal(p->ops[0].body_len, 2);
	assert_int_equal(p->ops[1].kind, OP_CPU);
	assert_true(p->ops[1].d.p1 == 20000);
	assert_int_equal(p->ops[1].line, 12);
	assert_int_equal(p->ops[1].col, 37);
	assert_int_equal(p->ops[2].kind, OP_SYSCALL);
	assert_true(p->ops[2].d.p1 == 1e6);

	assert_param(&sc, "programs.sleeper.0.sleep", "1");
	assert_param(&sc, "workload.clients.program.0.repeat.do.1.syscall", "1000000");
	assert_param(&sc, "workload.main.program.0.spawn.wait", "true");
	assert_param(&sc, "workload.clients.arrival.closed.think.exp", "10000000");
	assert_params_unique(&sc);
	sc_free(&sc);
}

static void test_defaults(void **state)
{
	(void)state;
	struct scenario sc;
	load_ok(VALID, NULL, 0, &sc);
	assert_string_equal(sc.description, "");
	assert_int_equal(sc.warmup, 0);
	assert_int_equal(sc.seed, 1);
	assert_int_equal(sc.machine.cores, 8);
	assert_int_equal(sc.machine.numa_nodes, 1);
	assert_int_equal(sc.machine.cores_per_node, 8);
	assert_true(sc.machine.numa_ratio == 2.1);
	/* the costs gmpsim calibrate measures: analysis/profiles/default.yaml */
	assert_int_equal(sc.kernel.switch_cost, 1000);
	assert_int_equal(sc.kernel.wake_cost, 4800);
	assert_int_equal(sc.kernel.wake_idle, 8600);
	assert_int_equal(sc.kernel.wake_idle_deep, 43000);
	assert_int_equal(sc.kernel.idle_deep_after, 200000);
	assert_int_equal(sc.kernel.thread_create, 7300);
	assert_int_equal(sc.kernel.thread_exit, 17000);
	assert_int_equal(sc.kernel.syscall, 1000);
	assert_int_equal(sc.kernel.timer_slack, 50000);
	assert_int_equal(sc.kernel.sched_latency, 6000000);
	assert_int_equal(sc.kernel.min_granularity, 750000);
	assert_int_equal(sc.kernel.wakeup_granularity, 1000000);
	assert_int_equal(sc.kernel.balance_interval, 4000000);
	assert_int_equal(sc.kernel.max_threads, 32768);
	assert_int_equal(sc.kernel.memory, 24LL << 30);
	assert_int_equal(sc.kernel.stack_touch, 8800);
	assert_true(sc.acceptor.enabled);
	assert_int_equal(sc.acceptor.accept, 5000);
	assert_int_equal(sc.output.sample, 100000000);
	assert_int_equal(sc.threads.stack, 1 << 20);
	/* disabled models still carry their defaults */
	assert_false(sc.pool.enabled);
	assert_int_equal(sc.pool.workers, 200);
	assert_int_equal(sc.pool.stack, 1 << 20);
	assert_int_equal(sc.pool.enqueue, 200);
	assert_int_equal(sc.pool.queue, 0);
	assert_param(&sc, "description", "");
	assert_param(&sc, "models.pool", "false");
	assert_param(&sc, "models.pool.enqueue", "200");
	assert_param(&sc, "output.sample", "100000000");
	assert_param(&sc, "seed", "1");
	assert_params_unique(&sc);
	sc_free(&sc);
}

static void test_every_distribution(void **state)
{
	(void)state;
	struct scenario sc;
	load_ok(HEAD
		"workload:\n"
		"  w:\n"
		"    arrival: { poisson: 2.5k/s }\n"
		"    program:\n"
		"      - cpu: { const: 5us }\n"
		"      - cpu: { uniform: [10us, 50us], mem: 0.25 }\n"
		"      - syscall: { normal: { mean: 1ms, stddev: 200us } }\n"
		"      - net: { lognormal: { mean: 1ms, sigma: 0.5 } }\n"
		"      - sleep: { pareto: { scale: 1ms, alpha: 2.5 } }\n"
		"      - cpu: { empirical: [1ms, 2ms, 2ms, 9ms] }\n"
		"      - cpu: 0\n",
		NULL, 0, &sc);
	struct op *o = sc.programs[0].ops;
	assert_int_equal(sc.programs[0].nops, 7);
	assert_true(sc.classes[0].arrival.rate == 2500);
	assert_int_equal(o[0].d.kind, DIST_CONST);
	assert_true(o[0].d.p1 == 5000);
	assert_int_equal(o[1].d.kind, DIST_UNIFORM);
	assert_true(o[1].d.p1 == 10000 && o[1].d.p2 == 50000);
	assert_true(o[1].mem == 0.25);
	assert_int_equal(o[2].kind, OP_SYSCALL);
	assert_int_equal(o[2].d.kind, DIST_NORMAL);
	assert_true(o[2].d.p1 == 1e6 && o[2].d.p2 == 2e5);
	assert_int_equal(o[3].d.kind, DIST_LOGNORMAL);
	assert_true(fabs(o[3].d.p1 - (log(1e6) - 0.125)) < 1e-12);
	assert_true(o[3].d.p2 == 0.5);
	/* the mean of the lognormal is what the user wrote */
	assert_true(fabs(exp(o[3].d.p1 + o[3].d.p2 * o[3].d.p2 / 2) - 1e6) < 1e-3);
	assert_int_equal(o[4].d.kind, DIST_PARETO);
	assert_true(o[4].d.p1 == 1e6 && o[4].d.p2 == 2.5);
	assert_int_equal(o[5].d.kind, DIST_EMPIRICAL);
	assert_int_equal(o[5].d.n, 4);
	assert_true(o[5].d.values[0] == 1e6 && o[5].d.values[3] == 9e6);
	assert_int_equal(o[6].d.kind, DIST_CONST);
	assert_true(o[6].d.p1 == 0);
	assert_param(&sc, "workload.w.program.1.cpu.uniform.1", "50000");
	assert_param(&sc, "workload.w.program.1.cpu.mem", "0.25");
	assert_param(&sc, "workload.w.program.5.cpu.empirical.3", "9000000");
	sc_free(&sc);
}

static void test_channels(void **state)
{
	(void)state;
	struct scenario sc;
	char err[512];
	const char *yaml = HEAD "channels:\n  a: { capacity: 4 }\n  b:\n"
			   "workload:\n  w:\n    arrival: { poisson: 10/s }\n    program:\n"
			   "      - send: b\n      - recv: a\n      - close: b\n";
	assert_int_equal(sc_load_string("t.yaml", yaml, NULL, 0, &sc, err, sizeof err), 0);
	assert_int_equal(sc.nchannels, 2);
	assert_int_equal(sc.channels[0].capacity, 4);
	assert_int_equal(sc.channels[1].capacity, 0);
	const struct program *p = &sc.programs[sc.classes[0].program];
	assert_int_equal(p->ops[0].kind, OP_SEND);
	assert_int_equal(p->ops[0].program, 1);
	assert_int_equal(p->ops[1].kind, OP_RECV);
	assert_int_equal(p->ops[1].program, 0);
	assert_int_equal(p->ops[2].kind, OP_CLOSE);
	assert_param(&sc, "channels.a.capacity", "4");
	sc_free(&sc);
	expect_error(HEAD "channels:\n  jobs: { capacity: 1 }\nworkload:\n  w:\n    arrival: { poisson: 10/s }\n"
		     "    program:\n      - send: jbos\n",
		     "t.yaml:10:15: unknown channel 'jbos' (did you mean 'jobs'?)");
	expect_error(HEAD "channels:\n  jobs: { capacity: -1 }\n" WORKLOAD,
		     "t.yaml:5:21: channel capacity must be >= 0, got '-1'");
	expect_error(HEAD "channels:\n  jobs: { capacty: 1 }\n" WORKLOAD,
		     "t.yaml:5:11: unknown key 'capacty' in 'channel' (did you mean 'capacity'?)");
}

static void test_yield_counts(void **state)
{
	(void)state;
	struct scenario sc;
	char err[512];
	const char *yaml = HEAD "workload:\n  w:\n    arrival: { poisson: 10/s }\n    program:\n"
			   "      - yield:\n      - yield: 3\n";
	assert_int_equal(sc_load_string("t.yaml", yaml, NULL, 0, &sc, err, sizeof err), 0);
	const struct program *p = &sc.programs[sc.classes[0].program];
	assert_int_equal(p->nops, 2);
	assert_int_equal(p->ops[0].kind, OP_YIELD);
	assert_int_equal(p->ops[0].count, 1);
	assert_int_equal(p->ops[1].count, 3);
	sc_free(&sc);
}

static void test_nested_repeat_and_spawn_defaults(void **state)
{
	(void)state;
	struct scenario sc;
	load_ok(HEAD
		"programs:\n"
		"  child: [ { cpu: 1us } ]\n"
		"  idle: []\n"
		"workload:\n"
		"  w:\n"
		"    arrival: { closed: { clients: 2 } }\n"
		"    program:\n"
		"      - repeat:\n"
		"          times: 2\n"
		"          do:\n"
		"            - cpu: 1us\n"
		"            - repeat: { times: 0, do: [ { net: 1ms }, { sleep: 2ms } ] }\n"
		"            - spawn: { program: child }\n"
		"      - cpu: 3us\n",
		NULL, 0, &sc);
	assert_int_equal(sc.nprograms, 3);
	assert_int_equal(sc.programs[1].nops, 0);
	struct program *p = &sc.programs[2];
	assert_int_equal(p->nops, 7);
	int kinds[] = { OP_REPEAT, OP_CPU, OP_REPEAT, OP_NET, OP_SLEEP, OP_SPAWN, OP_CPU };
	for (int i = 0; i < 7; i++)
		assert_int_equal(p->ops[i].kind, kinds[i]);
	assert_int_equal(p->ops[0].count, 2);
	assert_int_equal(p->ops[0].body_len, 5);
	assert_int_equal(p->ops[2].count, 0);
	assert_int_equal(p->ops[2].body_len, 2);
	assert_int_equal(p->ops[5].program, 0);
	assert_int_equal(p->ops[5].count, 1);
	assert_false(p->ops[5].wait);
	assert_int_equal(sc.classes[0].arrival.think.kind, DIST_CONST);
	assert_true(sc.classes[0].arrival.think.p1 == 0);
	sc_free(&sc);
}

static void test_machine_and_sections(void **state)
{
	(void)state;
	struct scenario sc;
	load_ok(VALID
		"machine:\n"
		"  cores: 12\n"
		"  numa:\n"
		"    nodes: 3\n"
		"    cores_per_node: 4\n"
		"    distance: [[10, 16, 22], [16, 10, 16], [22, 16, 10.5]]\n"
		"kernel:\n"
		"  switch: 3.5us\n"
		"  memory: 512MiB\n"
		"acceptor: { enabled: false }\n"
		"output:\n"
		"seed: 18446744073709551615\n",
		NULL, 0, &sc);
	assert_int_equal(sc.machine.cores, 12);
	assert_int_equal(sc.machine.numa_nodes, 3);
	assert_int_equal(sc.machine.cores_per_node, 4);
	assert_true(sc.machine.distance[1] == 16 && sc.machine.distance[2] == 22 && sc.machine.distance[8] == 10.5);
	assert_int_equal(sc.kernel.switch_cost, 3500);
	assert_int_equal(sc.kernel.memory, 512LL << 20);
	assert_false(sc.acceptor.enabled);
	assert_int_equal(sc.output.sample, 100000000);
	assert_true(sc.seed == UINT64_MAX);
	assert_param(&sc, "machine.numa.distance.2.2", "10.5");
	assert_param(&sc, "machine.numa.distance.0.2", "22");
	assert_param(&sc, "acceptor.enabled", "false");
	assert_param(&sc, "seed", "-1"); /* signed, as runs.seed */
	sc_free(&sc);

	load_ok(VALID "machine: { cores: 4, numa: { nodes: 2, ratio: 3 } }\n", NULL, 0, &sc);
	assert_int_equal(sc.machine.cores_per_node, 2);
	double want[] = { 10, 30, 30, 10 };
	for (int i = 0; i < 4; i++)
		assert_true(sc.machine.distance[i] == want[i]);
	assert_param(&sc, "machine.numa.distance.0.1", "30");
	sc_free(&sc);
}

static void test_null_model_and_quoted_values(void **state)
{
	(void)state;
	struct scenario sc;
	load_ok("name: '42'\nduration: \"1s\"\nmodels:\n  pool:\n  threads: ~\n" WORKLOAD, NULL, 0, &sc);
	assert_string_equal(sc.name, "42");
	assert_int_equal(sc.nmodels, 2);
	assert_string_equal(sc.models[0], "pool");
	assert_string_equal(sc.models[1], "threads");
	sc_free(&sc);
}

static void test_load_file(void **state)
{
	(void)state;
	char *path = tu_write_temp(rps_yaml, ".yaml");
	if (!path) {
		fail_msg("cannot write a temporary file");
		return;
	}
	struct scenario sc;
	assert_int_equal(sc_load(path, NULL, 0, &sc, err, sizeof err), 0);
	assert_string_equal(sc.path, path);
	assert_string_equal(sc.name, "10k_rps");
	sc_free(&sc);
	unlink(path);

	char want[256];
	snprintf(want, sizeof want, "%s: cannot open: No such file or directory", path);
	assert_int_equal(sc_load(path, NULL, 0, &sc, err, sizeof err), -1);
	assert_string_equal(err, want);
	free(path);

	path = tu_write_temp("name: x\nduration: 1 fortnight\n", ".yaml");
	if (!path) {
		fail_msg("cannot write a temporary file");
		return;
	}
	assert_int_equal(sc_load(path, NULL, 0, &sc, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s:2:11: bad duration '1 fortnight': unknown unit 'fortnight'", path);
	assert_string_equal(err, want);
	unlink(path);
	free(path);
}

/* ---- overrides -------------------------------------------------------- */

static void test_set_scalar_and_new_keys(void **state)
{
	(void)state;
	struct scenario sc;
	const char *sets[] = {
		"machine.cores=16",            /* new section and key */
		"kernel.switch=5us",
		"models.pool.workers=50",      /* enables pool, after threads */
		"duration=2s",                 /* replaces */
		"machine.cores=32",            /* later wins */
		"description=",                /* empty string */
	};
	load_ok(VALID, sets, 6, &sc);
	assert_int_equal(sc.machine.cores, 32);
	assert_int_equal(sc.machine.cores_per_node, 32);
	assert_int_equal(sc.kernel.switch_cost, 5000);
	assert_int_equal(sc.duration, 2 * SIM_NS_PER_S);
	assert_int_equal(sc.nmodels, 2);
	assert_string_equal(sc.models[1], "pool");
	assert_int_equal(sc.pool.workers, 50);
	assert_string_equal(sc.description, "");
	assert_param(&sc, "machine.cores", "32");
	assert_param(&sc, "models.pool.workers", "50");
	sc_free(&sc);
}

static void test_set_flow_mapping_and_sequence(void **state)
{
	(void)state;
	struct scenario sc;
	const char *sets[] = {
		"workload.request.arrival={closed: {clients: 7}}",
		"workload.request.program.0.cpu=20us",
		"workload.request.program.3={sleep: 1ms}", /* index == length appends */
		"workload.extra={arrival: {poisson: 5000/s}, program: [{net: 2ms}]}",
		"models.threads.stack=2MiB",                 /* descends into { stack: 1MiB } */
		"models.pool=~",
		"models.pool.queue=10",                       /* null becomes a mapping */
	};
	load_ok(rps_yaml, sets, 7, &sc);
	assert_int_equal(sc.classes[0].arrival.kind, ARR_CLOSED);
	assert_int_equal(sc.classes[0].arrival.clients, 7);
	struct program *p = &sc.programs[0];
	assert_int_equal(p->nops, 4);
	assert_int_equal(p->ops[0].d.kind, DIST_CONST);
	assert_true(p->ops[0].d.p1 == 20000);
	assert_int_equal(p->ops[3].kind, OP_SLEEP);
	/* grafted ops are placed within the --set value */
	assert_int_equal(p->ops[3].line, 1);
	assert_int_equal(p->ops[3].col, 2);
	assert_int_equal(sc.nclasses, 2);
	assert_string_equal(sc.classes[1].name, "extra");
	assert_true(sc.classes[1].arrival.rate == 5000);
	assert_int_equal(sc.threads.stack, 2 << 20);
	assert_int_equal(sc.pool.queue, 10);
	assert_int_equal(sc.pool.workers, 200);
	assert_param(&sc, "workload.request.program.0.cpu", "20000");
	assert_param(&sc, "workload.extra.arrival.poisson", "5000/s");
	assert_param(&sc, "workload.request.arrival.closed.clients", "7");
	assert_null(param(&sc, "workload.request.arrival.poisson"));
	assert_params_unique(&sc);
	sc_free(&sc);
}

static void test_set_errors(void **state)
{
	(void)state;
	expect_set_error(VALID, "machine.cores", "--set machine.cores:1:1: expected KEY=VALUE");
	expect_set_error(VALID, "=3", "--set =3:1:1: empty key (expected KEY=VALUE)");
	expect_set_error(VALID, "machine..cores=3", "--set machine..cores=3:1:9: empty segment in key 'machine..cores'");
	expect_set_error(VALID, "machine.=3", "--set machine.=3:1:9: empty segment in key 'machine.'");
	/* errors in the value: position within VALUE */
	expect_set_error(VALID, "models.pool.workers=abc",
			 "--set models.pool.workers=abc:1:1: expected an integer, got 'abc'");
	expect_set_error(VALID, "models.pool.workers=0",
			 "--set models.pool.workers=0:1:1: models.pool.workers must be >= 1, got '0'");
	expect_set_error(VALID, "workload.w.arrival={ posson: 5/s }",
			 "--set workload.w.arrival={ posson: 5/s }:1:3: unknown arrival 'posson' (did you mean 'poisson'?)");
	expect_set_error(VALID, "workload.w.arrival={poisson: [1/s",
			 "--set workload.w.arrival={poisson: [1/s:2:1: YAML syntax error: did not find expected ',' or ']' "
			 "(while parsing a flow sequence at 1:11)");
	expect_set_error(VALID, "machine.numa.nodes=3",
			 "--set machine.numa.nodes=3:1:1: machine.numa.nodes (3) must divide machine.cores (8)");
	expect_set_error(VALID, "x=&a [*a]",
			 "--set x=&a [*a]:1:1: value nested too deeply or too large (a recursive alias?)");
	/* errors in the key path: position within KEY */
	expect_set_error(VALID, "machine.coers=4",
			 "--set machine.coers=4:1:9: unknown key 'coers' in 'machine' (did you mean 'cores'?)");
	expect_set_error(VALID, "name.first=x", "--set name.first=x:1:6: cannot set 'first': 'name' is a scalar");
	expect_set_error(VALID, "workload.w.program.5={cpu: 1ms}",
			 "--set workload.w.program.5={cpu: 1ms}:1:20: index 5 is out of range (it has 1 item)");
	expect_set_error(VALID, "workload.w.program.first=1",
			 "--set workload.w.program.first=1:1:20: 'first' is not an index into a sequence");
	expect_set_error("- 1\n", "a=1", "--set a=1:1:1: 'a' is not an index into a sequence");
	expect_set_error("hello\n", "a=1", "--set a=1:1:1: cannot set 'a': the document is not a mapping");
	/* the second override's error is reported, not the first */
	const char *two[] = { "machine.cores=4", "machine.cores=x" };
	expect_sets_error(VALID, two, 2, "--set machine.cores=x:1:1: expected an integer, got 'x'");
}

/* ---- errors: document-level ------------------------------------------ */

static void test_yaml_errors(void **state)
{
	(void)state;
	expect_error("", "t.yaml:1:1: empty document");
	expect_error("# nothing here\n\n", "t.yaml:1:1: empty document");
	expect_error("~\n", "t.yaml:1:1: empty document");
	expect_error("name: t\nduration: 1s: 2\n", "t.yaml:2:13: YAML syntax error: mapping values are not allowed in this context");
	expect_error("name: [t\n", "t.yaml:2:1: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence at 1:7)");
	expect_error("name: t\n  bad: 1\n", "t.yaml:2:6: YAML syntax error: mapping values are not allowed in this context");
	expect_error("name: *nope\n", "t.yaml:1:7: YAML syntax error: found undefined alias");
	expect_error(VALID "---\nname: u\n", "t.yaml:10:1: only one YAML document is allowed");
	expect_error("name: \"a\\0b\"\n", "t.yaml:1:7: a NUL character is not allowed in a value");
	expect_error("name: \"\xff\"\n", "t.yaml:1:8: invalid input: invalid leading UTF-8 octet (0xFF)");
	expect_error("- a\n- b\n", "t.yaml:1:1: expected a mapping at the top of the document, got a sequence");
	expect_error("just text\n", "t.yaml:1:1: expected a mapping at the top of the document, got 'just text'");
}

static void test_unknown_and_duplicate_keys(void **state)
{
	(void)state;
	expect_error("name: t\nduraton: 1s\n", "t.yaml:2:1: unknown key 'duraton' (did you mean 'duration'?)");
	expect_error("name: t\nzzzzzz: 1\n", "t.yaml:2:1: unknown key 'zzzzzz'");
	expect_error(with_extra("machine: { coers: 4 }\n"),
		     "t.yaml:9:12: unknown key 'coers' in 'machine' (did you mean 'cores'?)");
	expect_error(with_extra("kernel:\n  swich: 1us\n"),
		     "t.yaml:10:3: unknown key 'swich' in 'kernel' (did you mean 'switch'?)");
	expect_error(with_extra("machine: { numa: { node: 2 } }\n"),
		     "t.yaml:9:20: unknown key 'node' in 'machine.numa' (did you mean 'nodes'?)");
	expect_error("name: t\nduration: 1s\nmodels: { pool: { worker: 2 } }\n",
		     "t.yaml:3:19: unknown key 'worker' in 'models.pool' (did you mean 'workers'?)");
	expect_error(with_arrival("{ closed: { client: 3 } }"),
		     "t.yaml:6:26: unknown key 'client' in 'closed' (did you mean 'clients'?)");
	expect_error(HEAD "workload:\n  w:\n    arival: { poisson: 1/s }\n",
		     "t.yaml:6:5: unknown key 'arival' in 'workload.w' (did you mean 'arrival'?)");
	expect_error("name: t\nname: u\n", "t.yaml:2:1: duplicate key 'name' (first at line 1)");
	expect_error(with_extra("machine:\n  cores: 4\n  numa: {}\n  cores: 2\n"),
		     "t.yaml:12:3: duplicate key 'cores' (first at line 10)");
	expect_error(with_op("cpu: { exp: 1ms, exp: 2ms }"), "t.yaml:8:26: duplicate key 'exp' (first at line 8)");
	expect_error(VALID "  w:\n    arrival: { poisson: 1/s }\n",
		     "t.yaml:9:3: duplicate key 'w' (first at line 5)");
	expect_error("? [a]\n: 1\n", "t.yaml:1:3: expected a scalar key, got a sequence");
	/* long names are shortened in messages */
	expect_error("name: t\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: 1\n",
		     "t.yaml:2:1: unknown key 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'");
}

static void test_missing_required(void **state)
{
	(void)state;
	expect_error("duration: 1s\n", "t.yaml:1:1: missing required key 'name'");
	expect_error("name: t\n", "t.yaml:1:1: missing required key 'duration'");
	expect_error("name: t\nduration: 1s\n", "t.yaml:1:1: missing required key 'models'");
	expect_error(HEAD, "t.yaml:1:1: missing required key 'workload'");
	expect_error("\n\n  name: t\n  duration: 1s\n", "t.yaml:3:3: missing required key 'models'");
	expect_error(HEAD "workload:\n  w:\n    arrival: { poisson: 1/s }\n",
		     "t.yaml:6:5: missing required key 'program'");
	expect_error(HEAD "workload:\n  w: { program: [] }\n", "t.yaml:5:6: missing required key 'arrival'");
	expect_error(with_arrival("{ closed: { think: 1ms } }"), "t.yaml:6:24: missing required key 'clients'");
	expect_error(with_arrival("{ batch: { at: 1s } }"), "t.yaml:6:23: missing required key 'count'");
	expect_error(with_op("spawn: { count: 2 }"), "t.yaml:8:16: missing required key 'program'");
	expect_error(with_op("repeat: { do: [] }"), "t.yaml:8:17: missing required key 'times'");
	expect_error(with_op("repeat: { times: 2 }"), "t.yaml:8:17: missing required key 'do'");
	expect_error(with_op("cpu: { normal: { mean: 1ms } }"), "t.yaml:8:24: missing required key 'stddev'");
	expect_error(with_op("cpu: { lognormal: { sigma: 1 } }"), "t.yaml:8:27: missing required key 'mean'");
	expect_error(with_op("cpu: { pareto: { scale: 1ms } }"), "t.yaml:8:24: missing required key 'alpha'");
}

static void test_wrong_types(void **state)
{
	(void)state;
	expect_error(with_extra("machine: 5\n"), "t.yaml:9:10: expected a mapping, got '5'");
	expect_error(with_extra("kernel: [1]\n"), "t.yaml:9:9: expected a mapping, got a sequence");
	expect_error(with_extra("machine: { cores: abc }\n"), "t.yaml:9:19: expected an integer, got 'abc'");
	expect_error(with_extra("machine: { cores: 1.5 }\n"), "t.yaml:9:19: expected an integer, got '1.5'");
	expect_error(with_extra("machine: { cores: [4] }\n"), "t.yaml:9:19: expected an integer, got a sequence");
	expect_error(with_extra("machine: { cores: 99999999999999999999 }\n"),
		     "t.yaml:9:19: bad integer '99999999999999999999': out of range");
	expect_error(with_extra("machine: { numa: { ratio: fast } }\n"), "t.yaml:9:27: expected a number, got 'fast'");
	expect_error(with_extra("acceptor: { enabled: maybe }\n"),
		     "t.yaml:9:22: expected a boolean (true or false), got 'maybe'");
	expect_error(with_extra("seed: 1.5\n"), "t.yaml:9:7: expected a 64-bit integer, got '1.5'");
	expect_error(with_extra("seed: -9223372036854775809\n"), "t.yaml:9:7: bad integer '-9223372036854775809': out of range");
	expect_error("name: [t]\n", "t.yaml:1:7: expected a string, got a sequence");
	expect_error("name:\nduration: 1s\n", "t.yaml:1:6: expected a string, got null");
	expect_error("name: ''\n", "t.yaml:1:7: name must not be empty");
	expect_error("name: t\nduration: { s: 1 }\n", "t.yaml:2:11: expected a duration, got a mapping");
	expect_error(HEAD "workload:\n  w:\n    arrival: { poisson: 1/s }\n    program: { cpu: 1ms }\n",
		     "t.yaml:7:14: expected a sequence of ops, got a mapping");
	expect_error(with_op("cpu"), "t.yaml:8:9: expected a mapping (an op such as 'cpu: 100us'), got 'cpu'");
	expect_error(with_op("cpu: [1ms]"), "t.yaml:8:14: expected a duration or a distribution mapping, got a sequence");
	expect_error(with_op("cpu:"), "t.yaml:8:13: expected a duration or a distribution mapping, got null");
	expect_error(with_op("cpu: { uniform: 1ms }"), "t.yaml:8:25: expected a sequence [lo, hi], got '1ms'");
	expect_error(with_op("cpu: { uniform: [1ms] }"), "t.yaml:8:25: uniform expects [lo, hi], got 1 value");
	expect_error(with_op("cpu: { empirical: 1ms }"), "t.yaml:8:27: expected a sequence of values, got '1ms'");
	expect_error(with_op("spawn: child"),
		     "t.yaml:8:16: expected a mapping such as { program: NAME, count: 1 }, got 'child'");
	expect_error(with_op("spawn: { program: [a] }"), "t.yaml:8:27: expected a string, got a sequence");
	expect_error(HEAD "programs: { a: [] }\nworkload:\n  w:\n    arrival: { poisson: 10/s }\n    program:\n"
		     "      - spawn: { program: a, wait: 1 }\n",
		     "t.yaml:9:36: expected a boolean (true or false), got '1'");
	expect_error(with_arrival("poisson"), "t.yaml:6:14: expected a mapping such as { poisson: 1000/s }, got 'poisson'");
	expect_error(HEAD "workload:\n  w: 1\n", "t.yaml:5:6: expected a mapping with arrival: and program:, got '1'");
	expect_error(HEAD "workload: [w]\n", "t.yaml:4:11: expected a mapping of names, got a sequence");
	expect_error(with_extra("machine: { numa: { distance: 10 } }\n"),
		     "t.yaml:9:30: expected a sequence of rows, got '10'");
	expect_error(with_extra("machine: { numa: { distance: [10] } }\n"),
		     "t.yaml:9:31: expected a sequence (a row of the distance matrix), got '10'");
}

static void test_bad_units(void **state)
{
	(void)state;
	expect_error("name: t\nduration: 10 parsecs\n", "t.yaml:2:11: bad duration '10 parsecs': unknown unit 'parsecs'");
	expect_error("name: t\nduration: 10\n", "t.yaml:2:11: bad duration '10': missing unit (ns, us, ms or s)");
	expect_error("name: t\nduration: 1s\nwarmup: -1s\n", "t.yaml:3:9: bad duration '-1s': negative duration");
	expect_error(with_extra("kernel: { memory: 4 GiBs }\n"), "t.yaml:9:19: bad size '4 GiBs': unknown unit 'GiBs'");
	expect_error(with_arrival("{ poisson: 10/fortnight }"),
		     "t.yaml:6:25: bad rate '10/fortnight': unknown unit '/fortnight'");
	expect_error(with_arrival("{ poisson: 10 }"), "t.yaml:6:25: bad rate '10': missing unit (e.g. 1000/s)");
	expect_error(with_op("sleep: -5ms"), "t.yaml:8:16: bad duration '-5ms': negative duration");
	expect_error(with_op("cpu: { normal: { mean: 1ms, stddev: -1us } }"),
		     "t.yaml:8:45: bad duration '-1us': negative duration");
	expect_error(with_arrival("{ batch: { count: 1, at: soon } }"),
		     "t.yaml:6:39: bad duration 'soon': not a number");
}

static void test_out_of_range(void **state)
{
	(void)state;
	expect_error("name: t\nduration: 0s\n", "t.yaml:2:11: duration must be > 0, got '0s'");
	expect_error(with_extra("warmup: 1s\n"), "t.yaml:9:9: warmup '1s' must be less than duration '1s'");
	expect_error(with_extra("machine: { cores: 0 }\n"), "t.yaml:9:19: machine.cores must be >= 1, got '0'");
	expect_error(with_extra("machine: { cores: 100000 }\n"), "t.yaml:9:19: machine.cores must be <= 65536, got '100000'");
	expect_error(with_extra("machine: { numa: { nodes: 0 } }\n"), "t.yaml:9:27: machine.numa.nodes must be >= 1, got '0'");
	expect_error(with_extra("machine: { cores: 8, numa: { nodes: 3 } }\n"),
		     "t.yaml:9:37: machine.numa.nodes (3) must divide machine.cores (8)");
	expect_error(with_extra("machine: { cores: 6 }\nkernel: {}\nmachine_extra: 1\n"),
		     "t.yaml:11:1: unknown key 'machine_extra'");
	expect_error(with_extra("machine: { cores: 8, numa: { nodes: 2, cores_per_node: 3 } }\n"),
		     "t.yaml:9:56: machine.numa.nodes * machine.numa.cores_per_node must equal machine.cores (2 * 3 != 8)");
	expect_error(with_extra("machine: { numa: { ratio: 0.5 } }\n"), "t.yaml:9:27: machine.numa.ratio must be >= 1, got '0.5'");
	expect_error(with_extra("machine: { numa: { nodes: 2, distance: [[10, 20]] } }\n"),
		     "t.yaml:9:40: machine.numa.distance must have 2 rows (one per node), got 1");
	expect_error(with_extra("machine: { numa: { nodes: 2, distance: [[10, 20], [20]] } }\n"),
		     "t.yaml:9:51: machine.numa.distance row must have 2 entries (one per node), got 1");
	expect_error(with_extra("machine: { numa: { nodes: 2, distance: [[10, 20], [0, 10]] } }\n"),
		     "t.yaml:9:52: machine.numa.distance entries must be > 0, got '0'");
	expect_error(with_extra("machine: { numa: { nodes: 2, distance: [[10, x], [1, 10]] } }\n"),
		     "t.yaml:9:46: expected a number, got 'x'");
	expect_error(with_extra("kernel: { sched_latency: 0 }\n"), "t.yaml:9:26: kernel.sched_latency must be >= 100000 ns, got '0'");
	expect_error(with_extra("kernel: { max_threads: 0 }\n"), "t.yaml:9:24: kernel.max_threads must be >= 1, got '0'");
	expect_error("name: t\nduration: 1s\nmodels: { pool: { workers: 0 } }\n",
		     "t.yaml:3:28: models.pool.workers must be >= 1, got '0'");
	expect_error("name: t\nduration: 1s\nmodels: { pool: { queue: -1 } }\n",
		     "t.yaml:3:26: models.pool.queue must be >= 0, got '-1'");
	expect_error(with_op("cpu: { exp: 1ms, mem: 1.5 }"), "t.yaml:8:31: mem must be in [0, 1], got '1.5'");
	expect_error(with_op("cpu: { exp: 1ms, mem: -0.1 }"), "t.yaml:8:31: mem must be in [0, 1], got '-0.1'");
	expect_error(with_arrival("{ poisson: 0/s }"), "t.yaml:6:25: poisson rate must be > 0, got '0/s'");
	expect_error(with_arrival("{ closed: { clients: 0 } }"), "t.yaml:6:35: closed clients must be >= 1, got '0'");
	expect_error(with_arrival("{ batch: { count: 0 } }"), "t.yaml:6:32: batch count must be >= 1, got '0'");
	expect_error(with_op("repeat: { times: -1, do: [] }"), "t.yaml:8:26: repeat times must be >= 0, got '-1'");
}

static void test_distribution_ranges(void **state)
{
	(void)state;
	expect_error(with_op("cpu: { lognormal: { mean: 1ms, sigma: 0 } }"),
		     "t.yaml:8:47: lognormal sigma must be > 0, got '0'");
	expect_error(with_op("cpu: { lognormal: { mean: 0s, sigma: 1 } }"),
		     "t.yaml:8:35: lognormal mean must be > 0, got '0s'");
	expect_error(with_op("cpu: { pareto: { scale: 1ms, alpha: 0 } }"),
		     "t.yaml:8:45: pareto alpha must be > 0, got '0'");
	expect_error(with_op("cpu: { pareto: { scale: 0ns, alpha: 2 } }"),
		     "t.yaml:8:33: pareto scale must be > 0, got '0ns'");
	expect_error(with_op("cpu: { uniform: [50us, 10us] }"),
		     "t.yaml:8:32: uniform lo must be <= hi, got lo '50us' > hi '10us'");
	expect_error(with_op("cpu: { empirical: [] }"), "t.yaml:8:27: empirical list must not be empty");
}

static void test_unknown_names(void **state)
{
	(void)state;
	expect_error("name: t\nduration: 1s\nmodels: { threds: {} }\n",
		     "t.yaml:3:11: unknown model 'threds' (did you mean 'threads'?)");
	expect_error("name: t\nduration: 1s\nmodels: { erlang: {} }\n", "t.yaml:3:11: unknown model 'erlang'");
	expect_error("name: t\nduration: 1s\nmodels:\n  threads:\n  gmp: { gomaxproc: 4 }\n" WORKLOAD,
		     "t.yaml:5:10: unknown key 'gomaxproc' in 'models.gmp' (did you mean 'gomaxprocs'?)");
	expect_error("name: t\nduration: 1s\nmodels: {}\n" WORKLOAD,
		     "t.yaml:3:9: models must enable at least one model (threads, pool, gmp, eventloop)");
	expect_error(HEAD "workload: {}\n", "t.yaml:4:11: workload must define at least one class");
	expect_error(HEAD "workload:\n", "t.yaml:4:10: workload must define at least one class");
	expect_error(with_op("cpuu: 1ms"), "t.yaml:8:9: unknown op 'cpuu' (did you mean 'cpu'?)");
	expect_error(with_op("slep: 1ms"), "t.yaml:8:9: unknown op 'slep' (did you mean 'sleep'?)");
	expect_error(with_op("compute: 1ms"), "t.yaml:8:9: unknown op 'compute'");
	expect_error(with_op("{}"), "t.yaml:8:9: empty op (expected one of cpu, syscall, net, sleep, spawn, repeat, yield, cgo, send, recv, close, lock, stack, lock_os_thread, unlock_os_thread, alloc)");
	expect_error(with_op("{ yield: 0 }"), "t.yaml:8:18: yield count must be >= 1, got '0'");
	expect_error(with_op("spawn:\n        program: x"),
		     "t.yaml:9:9: one op per list item: 'program' follows 'spawn' (indent an op's parameters under it)");
	expect_error(with_op("cpu: { expo: 1ms }"), "t.yaml:8:16: unknown distribution 'expo' (did you mean 'exp'?)");
	expect_error(with_op("cpu: { gamma: 1ms }"), "t.yaml:8:16: unknown distribution 'gamma'");
	expect_error(with_op("cpu: { mem: 0.5 }"),
		     "t.yaml:8:14: missing distribution (one of const, exp, uniform, normal, lognormal, pareto, empirical)");
	expect_error(with_op("cpu: { exp: 1ms, const: 2ms }"),
		     "t.yaml:8:26: more than one distribution ('exp' and 'const')");
	expect_error(with_op("net: { exp: 1ms, mem: 0.5 }"), "t.yaml:8:26: 'mem' is only allowed on cpu ops");
	expect_error(with_arrival("{ posson: 1/s }"), "t.yaml:6:16: unknown arrival 'posson' (did you mean 'poisson'?)");
	expect_error(with_arrival("{}"), "t.yaml:6:14: missing arrival kind (one of poisson, constant, closed, batch)");
	expect_error(with_arrival("{ poisson: 1/s, batch: { count: 1 } }"),
		     "t.yaml:6:30: more than one arrival kind ('poisson' and 'batch')");
	expect_error(with_op("spawn: { program: sleepr }"), "t.yaml:8:27: unknown program 'sleepr'");
	expect_error(HEAD "programs:\n  sleeper: [ { sleep: 1ms } ]\n"
		     "workload:\n  w:\n    arrival: { poisson: 10/s }\n    program:\n      - spawn: { program: sleepr }\n",
		     "t.yaml:10:27: unknown program 'sleepr' (did you mean 'sleeper'?)");
	expect_error(HEAD "programs:\n  a.b: []\n" WORKLOAD, "t.yaml:5:3: program name 'a.b' must not contain '.'");
	expect_error(HEAD "workload:\n  'x.y': { arrival: { poisson: 1/s }, program: [] }\n",
		     "t.yaml:5:3: class name 'x.y' must not contain '.'");
	expect_error(HEAD "workload:\n  '': { arrival: { poisson: 1/s }, program: [] }\n",
		     "t.yaml:5:3: class name must not be empty");
}

static void test_alias_cycles_are_rejected(void **state)
{
	(void)state;
	expect_error(HEAD "workload:\n  w:\n    arrival: { poisson: 1/s }\n"
		     "    program: &p [ { repeat: { times: 1, do: *p } } ]\n",
		     "t.yaml:7:29: repeat nested too deeply (more than 64 levels)");
	/* a shared (acyclic) alias is fine */
	struct scenario sc;
	load_ok(HEAD "workload:\n  a:\n    arrival: &arr { poisson: 1/s }\n    program: &ops [ { cpu: 1ms } ]\n"
		"  b: { arrival: *arr, program: *ops }\n", NULL, 0, &sc);
	assert_int_equal(sc.nclasses, 2);
	assert_int_equal(sc.programs[1].nops, 1);
	assert_param(&sc, "workload.b.arrival.poisson", "1/s");
	sc_free(&sc);
}

/* ---- robustness --------------------------------------------------------- */

/* Every prefix of a valid document and a few thousand single-byte edits
 * must load or fail cleanly (ASan and LeakSanitizer watch), and failures
 * must carry a position. */
static void check_survives(const char *text)
{
	struct scenario sc;
	err[0] = '\0';
	if (sc_load_string("t.yaml", text, NULL, 0, &sc, err, sizeof err) == 0) {
		sc_free(&sc);
		return;
	}
	if (strncmp(err, "t.yaml:", 7) != 0)
		fail_msg("error without position: '%s'", err);
}

static void test_fuzz_prefixes_and_edits(void **state)
{
	(void)state;
	const char *docs[] = { rps_yaml, shapes_yaml };
	static const char bytes[] = "{}[],:-&*!|>'\"#%@` \n\t0aZ.\x80\xff";
	unsigned seed = 12345;
	for (int d = 0; d < 2; d++) {
		size_t n = strlen(docs[d]);
		char *buf = malloc(n + 1);
		for (size_t cut = 0; cut <= n; cut++) {
			memcpy(buf, docs[d], cut);
			buf[cut] = '\0';
			check_survives(buf);
		}
		for (int k = 0; k < 3000; k++) {
			memcpy(buf, docs[d], n + 1);
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % n;
			seed = seed * 1103515245u + 12345u;
			buf[at] = bytes[(seed >> 8) % (sizeof bytes - 1)];
			check_survives(buf);
		}
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_10k_rps),
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_distribution),
		cmocka_unit_test(test_nested_repeat_and_spawn_defaults),
		cmocka_unit_test(test_yield_counts),
		cmocka_unit_test(test_channels),
		cmocka_unit_test(test_machine_and_sections),
		cmocka_unit_test(test_null_model_and_quoted_values),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_set_scalar_and_new_keys),
		cmocka_unit_test(test_set_flow_mapping_and_sequence),
		cmocka_unit_test(test_set_errors),
		cmocka_unit_test(test_yaml_errors),
		cmocka_unit_test(test_unknown_and_duplicate_keys),
		cmocka_unit_test(test_missing_required),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_bad_units),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_distribution_ranges),
		cmocka_unit_test(test_unknown_names),
		cmocka_unit_test(test_alias_cycles_are_rejected),
		cmocka_unit_test(test_fuzz_prefixes_and_edits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
