/* tests/test_random.c — property test: many small random scenarios (ops,
 * arrivals, machines, GOMAXPROCS, costs) on every model must run to the end
 * with the end-of-run invariants holding (threads in exactly one state,
 * CPU categories adding up to cores x time, tasks accounted for) and be
 * reproducible. A failure prints the scenario. */
#include "testrun.h"
#include "rng.h"

static uint64_t pick(uint64_t *st, uint64_t n)
{
	*st = rng_splitmix(*st);
	return *st % n;
}

static const char *const ops[] = {
	"{ cpu: { exp: 200us } }", "{ cpu: { exp: 1ms, mem: 0.8 } }", "{ syscall: 300us }",
	"{ net: { exp: 2ms } }", "{ sleep: { uniform: [1ns, 3ms] } }",
	"{ spawn: { program: kid, count: 7, wait: true } }", "{ spawn: { program: kid, count: 3 } }",
	"{ repeat: { times: 3, do: [ { cpu: 50us }, { sleep: 100us } ] } }",
	"{ yield: 2 }", "{ cgo: { exp: 500us } }", "{ send: c0 }", "{ recv: c0 }", "{ send: c1 }",
	"{ recv: c1 }", "{ lock: { mutex: m, hold: { exp: 20us } } }", "{ stack: 24KiB }",
	"{ lock_os_thread: }", "{ unlock_os_thread: }", "{ alloc: 256KiB }",
	"{ alloc: { size: 96KiB, temp: true } }", "{ repeat: { times: 4, do: [ { alloc: 64KiB }, { cpu: 30us } ] } }",
};

static void make_program(uint64_t *st, char *buf, size_t len)
{
	size_t n = 0;
	int nops = 1 + (int)pick(st, 4);
	n += (size_t)snprintf(buf + n, len - n, "[ ");
	for (int i = 0; i < nops; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
				      ops[pick(st, sizeof ops / sizeof *ops)]);
	snprintf(buf + n, len - n, " ]");
}

static void make_scenario(uint64_t seed, char *yaml, size_t len)
{
	uint64_t st = seed;
	int nodes = 1 + (int)pick(&st, 2), cores = nodes * (1 + (int)pick(&st, 3));
	char p1[512], p2[512], kid[512];
	make_program(&st, p1, sizeof p1);
	make_program(&st, p2, sizeof p2);
	snprintf(kid, sizeof kid, "[ { cpu: { exp: 100us } }, { alloc: 32KiB }, { sleep: 200us }, { syscall: 50us }, { recv: c1 },"
		 " { lock: { mutex: m, hold: 5us } }, { send: c1 } ]");
	static const int gogc[] = { -1, 25, 100, 400 };
	snprintf(yaml, len,
		 "name: rnd\nduration: 400ms\nwarmup: 50ms\nseed: %llu\n"
		 "machine: { cores: %d, numa: { nodes: %d } }\n"
		 "kernel: { switch: %dus, wake_idle: %dus, max_threads: %d }\n"
		 "acceptor: { enabled: %s }\noutput: { sample: 10ms }\n"
		 "channels: { c0: { capacity: 0 }, c1: { capacity: 3 }, unused: }\n"
		 "gc: { live_heap: %dKiB, go: { gogc: %d }, jvm: { enabled: %s, young: %dKiB } }\n"
		 "models: { gmp: { gomaxprocs: %d }, threads: {}, pool: { workers: %d } }\n"
		 "workload:\n"
		 "  open:\n    arrival: { poisson: %d/s }\n    program: %s\n"
		 "  users:\n    arrival: { closed: { clients: %d, think: { exp: 1ms } } }\n    program: %s\n"
		 "  once:\n    arrival: { batch: { count: %d, at: 10ms } }\n    program: %s\n"
		 "programs:\n  kid: %s\n",
		 (unsigned long long)seed, cores, nodes, (int)pick(&st, 5), (int)pick(&st, 40),
		 200 + (int)pick(&st, 2000), pick(&st, 2) ? "true" : "false",
		 (int)pick(&st, 4096), gogc[pick(&st, 4)], pick(&st, 4) ? "true" : "false", 256 + (int)pick(&st, 4096),
		 1 + (int)pick(&st, 6),
		 1 + (int)pick(&st, 40), 100 + (int)pick(&st, 4000), p1, 1 + (int)pick(&st, 20), p2,
		 1 + (int)pick(&st, 30), p1, kid);
}

static void test_random_scenarios_keep_invariants(void **state)
{
	(void)state;
	static char yaml[8192];
	const char *models[] = { "gmp", "threads", "pool", "eventloop" };
	for (uint64_t seed = 1; seed <= 40; seed++) {
		make_scenario(seed, yaml, sizeof yaml);
		struct scenario sc;
		char err[512];
		if (sc_load_string("random.yaml", yaml, NULL, 0, &sc, err, sizeof err) != 0) {
			fprintf(stderr, "%s\n%s\n", err, yaml);
			fail();
		}
		for (int m = 0; m < 4; m++) {
			struct run_result a, b;
			int ra = run_model(&sc, models[m], &a, err, sizeof err);
			/* a thread limit may legitimately end gmp with "thread exhaustion"
			 * or fail tasks; an invariant failure may not */
			if (ra != 0 && !strstr(err, "failed to create new OS thread")) {
				fprintf(stderr, "%s: %s\n%s\n", models[m], err, yaml);
				fail();
			}
			int rb = run_model(&sc, models[m], &b, err, sizeof err);
			assert_int_equal(ra, rb);
			assert_int_equal(a.events, b.events);
			assert_true(res_get_metric(&a, "tasks_completed") == res_get_metric(&b, "tasks_completed"));
			res_free(&a);
			res_free(&b);
		}
		sc_free(&sc);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_scenarios_keep_invariants),
	};
	return cmocka_run_group_tests_name("random", tests, NULL, NULL);
}
