/* tests/fuzz/fuzz_scenario.c — the fuzzing harness of issue 12 point 6:
 * the scenario loader plus a short simulation of every model the input
 * names, on bytes that are anything (AFL++) or on valid scenarios with
 * extreme values that it generates itself (what byte-level fuzzing cannot
 * reach: the D11 and D12 kind of defect).
 *
 *   fuzz_scenario FILE...            load and run each file (a replay)
 *   fuzz_scenario --generate SEED N [--dump DIR]
 *                                    generate N valid scenarios from SEED,
 *                                    load and run each (DIR: write them)
 *   afl-fuzz ... -- fuzz_scenario    persistent mode when built by afl-cc
 *
 * A run is cut short to FUZZ_DURATION of virtual time with small budgets
 * (limits.memory, limits.events), so one input costs milliseconds. What
 * counts as a finding: a crash or a sanitizer report (the ASan+UBSan
 * build aborts), a hang (afl-fuzz's timeout; `timeout` in make test), or
 * a generated scenario the loader refuses (exit 3: the generator and the
 * loader disagree about what is valid). A run that fails with a message
 * (a budget, no progress, a thread limit) is an answer, not a finding. */
#include "run.h"
#include "scenario.h"
#include "results.h"
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FUZZ_DURATION (20LL * 1000 * 1000)   /* 20 ms of virtual time per run */
#define FUZZ_MEMORY (64LL << 20)
#define FUZZ_EVENTS 300000LL
#define FUZZ_MAX_INPUT (1 << 20)

/* What the runs came to (the generator's summary): a generator whose
 * scenarios all fail at once would test nothing. */
static long n_complete, n_budget, n_stuck, n_failed, n_refused_model;

static void count_outcome(int rc, const char *why)
{
	if (rc == 0)
		n_complete++;
	else if (rc == 2)
		n_refused_model++;
	else if (strstr(why, "no progress"))
		n_stuck++;  /* virtual time stuck: issue 12 D11's kind, caught */
	else if (strstr(why, "budget"))
		n_budget++;
	else
		n_failed++;
}

/* Loads text and runs each model for a short while. Returns 0 when it
 * loaded, 1 when the loader refused it (with the message in err). */
static int fuzz_one(const char *name, const char *text, char *err, size_t errlen)
{
	struct scenario sc;
	if (sc_load_string(name, text, NULL, 0, &sc, err, errlen) != 0)
		return 1;
	if (sc.duration > FUZZ_DURATION)
		sc.duration = FUZZ_DURATION;
	if (sc.warmup >= sc.duration)
		sc.warmup = 0;
	if (sc.limits.memory > FUZZ_MEMORY)
		sc.limits.memory = FUZZ_MEMORY;
	if (sc.limits.events > FUZZ_EVENTS)
		sc.limits.events = FUZZ_EVENTS;
	for (int m = 0; m < sc.nmodels; m++) {
		struct run_result res;
		char why[1024];
		why[0] = 0;
		count_outcome(run_model(&sc, sc.models[m], &res, why, sizeof why), why);
		res_free(&res);
	}
	sc_free(&sc);
	return 0;
}

/* ---- the generator of valid scenarios with extreme values ------------------------------ */

static uint64_t gen_state;

static uint64_t gen_next(void)  /* splitmix64 */
{
	uint64_t z = (gen_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int gen_below(int n) { return (int)(gen_next() % (uint64_t)n); }

static const char *gen_pick(const char *const *v, int n) { return v[gen_below(n)]; }
#define PICK(...) gen_pick((const char *const[]){ __VA_ARGS__ }, \
			   (int)(sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)))

struct gen_buf {
	char *s;
	size_t n, cap;
};

static void gen_put(struct gen_buf *b, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int k = vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
		va_end(ap);
		if (k >= 0 && b->n + (size_t)k < b->cap) {
			b->n += (size_t)k;
			return;
		}
		b->cap = b->cap * 2 + (size_t)k + 64;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			abort();
	}
}

/* A duration, extreme more often than not: 0, 1ns, ... 10s. */
static const char *gen_dur(void)
{
	return PICK("0", "1ns", "1us", "10us", "100us", "1ms", "10ms", "1s", "10s", "{ exp: 100us }",
		    "{ uniform: [0, 1ms] }", "{ lognormal: { mean: 1ms, sigma: 3 } }");
}

static void gen_ops(struct gen_buf *b, int depth, int nmutex, bool chan)
{
	int n = 1 + gen_below(4);
	gen_put(b, "[ ");
	for (int i = 0; i < n; i++) {
		int k = gen_below(depth < 2 ? 12 : 10);
		gen_put(b, "%s", i ? ", " : "");
		switch (k) {
		case 0: gen_put(b, "{ cpu: %s }", gen_dur()); break;
		case 1: gen_put(b, "{ cpu: { exp: %s, mem: %s } }", PICK("1ns", "100us", "10ms"), PICK("0", "0.5", "1")); break;
		case 2: gen_put(b, "{ syscall: %s }", gen_dur()); break;
		case 3: gen_put(b, "{ net: %s }", gen_dur()); break;
		case 4: gen_put(b, "{ sleep: %s }", gen_dur()); break;
		case 5: gen_put(b, "{ yield: %s }", PICK("1", "2", "1000")); break;
		case 6: gen_put(b, "{ alloc: %s }", PICK("1", "4KiB", "1MiB", "1GiB", "1TiB", "{ size: 64MiB, temp: true }")); break;
		case 7: gen_put(b, "{ lock: { mutex: m%d, hold: %s } }", gen_below(nmutex), PICK("0", "50ns", "1ms")); break;
		case 8: gen_put(b, "{ cgo: %s }", gen_dur()); break;
		case 9:
			if (chan)
				gen_put(b, "{ %s: c }", PICK("send", "recv"));
			else
				gen_put(b, "{ stack: %s }", PICK("1KiB", "64KiB", "8MiB"));
			break;
		case 10: gen_put(b, "{ repeat: { times: %s, do: ", PICK("0", "1", "3", "1000", "100000"));
			gen_ops(b, depth + 1, nmutex, chan);
			gen_put(b, " } }");
			break;
		default: gen_put(b, "{ spawn: { program: child, count: %s, wait: %s } }", PICK("1", "2", "100"),
				 PICK("true", "false"));
			break;
		}
	}
	gen_put(b, " ]");
}

static const char *gen_arrival(void)
{
	static char buf[128];
	switch (gen_below(4)) {
	case 0: snprintf(buf, sizeof buf, "{ poisson: %s }", PICK("0.001/s", "1/s", "1000/s", "100000/s", "10000000/s")); break;
	case 1: snprintf(buf, sizeof buf, "{ constant: %s }", PICK("1/s", "1000/s", "1000000/s")); break;
	case 2: snprintf(buf, sizeof buf, "{ closed: { clients: %s, think: %s } }", PICK("1", "4", "1000", "100000"),
			 PICK("0", "1ns", "1ms", "{ exp: 1ms }")); break;
	default: snprintf(buf, sizeof buf, "{ batch: { count: %s, at: %s } }", PICK("1", "10", "10000", "200000"),
			  PICK("0s", "1ms", "1s")); break;
	}
	return buf;
}

/* One valid scenario with extreme values into b. */
static void gen_scenario(struct gen_buf *b, int index)
{
	b->n = 0;
	bool chan = gen_below(3) == 0;
	int nmutex = 1 + gen_below(3), nodes = PICK("1", "2", "4")[0] - '0';
	gen_put(b, "name: gen%d\nduration: %s\nwarmup: 0s\nseed: %llu\n", index, PICK("1ms", "10ms", "1s", "100s"),
		(unsigned long long)(gen_next() % 1000000));
	gen_put(b, "machine: { cores: %d, numa: { nodes: %d } }\n", nodes * (1 + gen_below(8)), nodes);
	gen_put(b, "kernel: { max_threads: %s, switch: %s, wake: %s, sched_latency: %s }\n",
		PICK("1", "2", "64", "32768"), PICK("0", "3us", "1ms"), PICK("0", "2500ns"), PICK("100us", "6ms", "1s"));
	gen_put(b, "acceptor: { enabled: %s }\n", PICK("true", "false"));
	gen_put(b, "output: { sample: %s }\n", PICK("0", "1ms", "100ms"));
	gen_put(b, "gc: { live_heap: %s, go: { gogc: %s }, jvm: { enabled: %s, young: %s } }\n",
		PICK("0", "1MiB", "16GiB"), PICK("-1", "1", "100", "1000000"), PICK("true", "false"), PICK("64KiB", "64MiB"));
	if (chan)
		gen_put(b, "channels: { c: { capacity: %s } }\n", PICK("0", "1", "1000000"));
	gen_put(b, "models:\n");
	int which = 1 + gen_below(7);
	if (which & 1)
		gen_put(b, "  gmp: { gomaxprocs: %s }\n", PICK("0", "1", "2", "64"));
	if (which & 2)
		gen_put(b, "  threads: { runtime: %s, stack: %s }\n", PICK("java", "native"), PICK("64KiB", "1MiB", "1GiB"));
	if (which & 4)
		gen_put(b, "  pool: { workers: %s, queue: %s }\n", PICK("1", "2", "200", "10000"), PICK("0", "1", "100"));
	gen_put(b, "programs:\n  child: ");
	gen_ops(b, 2, nmutex, chan);
	gen_put(b, "\nworkload:\n");
	int nclasses = 1 + gen_below(2);
	for (int c = 0; c < nclasses; c++) {
		gen_put(b, "  c%d:\n    arrival: %s\n    program: ", c, gen_arrival());
		gen_ops(b, 0, nmutex, chan);
		gen_put(b, "\n");
	}
}

static int generate(uint64_t seed, int count, const char *dump)
{
	struct gen_buf b = { malloc(4096), 0, 4096 };
	if (!b.s)
		return 2;
	gen_state = seed;
	int refused = 0;
	for (int i = 0; i < count; i++) {
		gen_scenario(&b, i);
		char name[64], err[1024];
		snprintf(name, sizeof name, "gen-%llu-%d.yaml", (unsigned long long)seed, i);
		if (dump) {
			char path[4096];
			snprintf(path, sizeof path, "%s/%s", dump, name);
			FILE *f = fopen(path, "w");
			if (f) {
				fputs(b.s, f);
				fclose(f);
			}
		}
		fprintf(stderr, "fuzz_scenario: %s\n", name);
		if (fuzz_one(name, b.s, err, sizeof err)) {
			fprintf(stderr, "fuzz_scenario: the loader refused a generated scenario: %s\n%s\n", err, b.s);
			refused++;
		}
	}
	free(b.s);
	printf("fuzz_scenario: %d generated scenario(s) from seed %llu: %d refused by the loader\n", count,
	       (unsigned long long)seed, refused);
	printf("fuzz_scenario: runs: %ld complete, %ld stopped by a budget, %ld stopped for no progress (time "
	       "stuck), %ld failed otherwise, %ld refused by a model (e.g. out of threads at start)\n",
	       n_complete, n_budget, n_stuck, n_failed, n_refused_model);
	return refused ? 3 : 0;
}

/* ---- inputs -------------------------------------------------------------------------- */

static int replay(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 2;
	}
	char *text = malloc(FUZZ_MAX_INPUT + 1);
	if (!text) {
		fclose(f);
		return 2;
	}
	size_t n = fread(text, 1, FUZZ_MAX_INPUT, f);
	fclose(f);
	text[n] = '\0';
	char err[1024];
	fuzz_one(path, text, err, sizeof err);
	free(text);
	return 0;
}

#ifdef __AFL_FUZZ_TESTCASE_LEN
__AFL_FUZZ_INIT();
#endif

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "--generate") == 0) {
		const char *dump = argc >= 6 && strcmp(argv[4], "--dump") == 0 ? argv[5] : NULL;
		return generate(strtoull(argv[2], NULL, 10), atoi(argv[3]), dump);
	}
#ifdef __AFL_FUZZ_TESTCASE_LEN
	if (argc < 2) {  /* afl-fuzz: persistent mode, the input in shared memory */
		__AFL_INIT();
		unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
		static char text[FUZZ_MAX_INPUT + 1];
		while (__AFL_LOOP(10000)) {
			size_t len = (size_t)__AFL_FUZZ_TESTCASE_LEN;
			if (len > FUZZ_MAX_INPUT)
				len = FUZZ_MAX_INPUT;
			memcpy(text, buf, len);
			text[len] = '\0';
			char err[1024];
			fuzz_one("afl.yaml", text, err, sizeof err);
		}
		return 0;
	}
#endif
	int rc = 0;
	for (int i = 1; i < argc; i++)
		rc |= replay(argv[i]);
	if (argc < 2)
		fprintf(stderr, "usage: fuzz_scenario FILE... | --generate SEED N [--dump DIR]\n");
	return argc < 2 ? 2 : rc;
}
