/* tests/bench.c — `make bench`: the engine's hold rate (pop + push with
 * 1,000 pending events) and the whole simulator's events per wall second
 * and bytes per task on scenarios/10k_rps.yaml at 60 s of virtual time,
 * memory per live goroutine (1,000,000 on 256 Ps), the cost per simulated
 * request from GOMAXPROCS 8 to 256 at equal per-core load, gmpsim against
 * SimGrid on the same model (when build/bench_simgrid exists), and what
 * --trace costs (recording, then the database write). The machine may be
 * shared: compare the ratios within one run, not absolute times between
 * runs. Prints figures; asserts nothing (benchmarks are not tests).
 * Usage: build/bench [memory] [hold] [scenario] [scale] [simgrid] [trace] (none: all) */
#include "db.h"
#include "engine.h"
#include "rng.h"
#include "run.h"
#include "scenario.h"
#include "trace.h"
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <spawn.h>
#include <fcntl.h>

static bool want(int argc, char **argv, const char *name)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return true;
	return false;
}

static double wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void nop(struct sim *s, struct eq_event *ev) { (void)s; (void)ev; }

static void bench_hold(void)
{
	enum { PENDING = 1000 };
	const long ops = 20000000;
	struct eq q;
	eq_init(&q);
	static struct eq_event ev[PENDING];
	uint64_t x = 1;
	for (int i = 0; i < PENDING; i++) {
		eq_event_init(&ev[i], nop);
		x = rng_splitmix(x);
		eq_push(&q, &ev[i], (sim_ns)(x % 1000000));
	}
	double t0 = wall();
	sim_ns t = 0;
	for (long i = 0; i < ops; i++) {
		struct eq_event *e = eq_pop(&q, &t);
		x = rng_splitmix(x);
		eq_push(&q, e, t + (sim_ns)(x % 1000000));
	}
	double dt = wall() - t0;
	printf("hold: %ld pop+push with %d pending in %.3f s = %.1f M holds/s\n",
	       ops, PENDING, dt, ops / dt / 1e6);
	eq_free(&q);
}

static void bench_scenario(const char *path, const char *duration)
{
	char set[64], err[1024];
	snprintf(set, sizeof set, "duration=%s", duration);
	const char *sets[] = { set };
	struct scenario sc;
	if (sc_load(path, sets, 1, &sc, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(2);
	}
	for (int m = 0; m < sc.nmodels; m++) {
		struct run_result res;
		double t0 = wall();
		int rc = run_model(&sc, sc.models[m], &res, err, sizeof err);
		double dt = wall() - t0;
		printf("%s %s (%s virtual): %llu events in %.2f s wall = %.2f M events/s%s%s\n",
		       sc.name, sc.models[m], duration, (unsigned long long)res.events, dt,
		       res.events / dt / 1e6, rc ? ", FAILED: " : "", rc ? err : "");
		res_free(&res);
	}
	printf("bytes per simulated task record: %zu (task) + %zu (kernel thread, threads model)\n",
	       sizeof(struct task), sizeof(struct kthread));
	sc_free(&sc);
}

static long maxrss_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* Simulator memory per live goroutine: 1,000,000 goroutines parked in
 * time.Sleep at once on 256 Ps (spawned by one G, spread by stealing, all
 * asleep before any wakes); and the process's peak RSS (goal: 512 MiB). */
static void bench_goroutine_memory(void)
{
	static const char yaml[] =
		"name: million\nduration: 3s\nacceptor: { enabled: false }\noutput: { sample: 0 }\n"
		"machine: { cores: 256 }\n"
		"models: { gmp: {} }\nworkload:\n  main:\n    arrival: { batch: { count: 1 } }\n"
		"    program: [ { spawn: { program: sleeper, count: 1000000, wait: true } } ]\n"
		"programs:\n  sleeper: [ { sleep: 2s } ]\n";
	struct scenario sc;
	char err[512];
	if (sc_load_string("million.yaml", yaml, NULL, 0, &sc, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(2);
	}
	long before = maxrss_kib();
	struct run_result res;
	double t0 = wall();
	int rc = run_model(&sc, "gmp", &res, err, sizeof err);
	double dt = wall() - t0;
	long after = maxrss_kib();
	printf("1M goroutines (gmp, 256 Ps, all asleep at once): peak live tasks %.0f, %.2f s wall, "
	       "max RSS grew %ld KiB = %.0f bytes per goroutine; peak RSS %.1f MiB (goal 512)%s%s\n",
	       res_get_metric(&res, "tasks_live_peak"), dt, after - before,
	       (double)(after - before) * 1024.0 / 1e6, after / 1024.0, rc ? ", FAILED: " : "", rc ? err : "");
	res_free(&res);
	sc_free(&sc);
}

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Cost per simulated request as GOMAXPROCS grows at equal per-core load:
 * P = cores = 8, 32, 128, 256, each core offered 1,500 requests/s of
 * 200 us CPU + 50 ms `net` + 200 us CPU (60% busy), P/8 SO_REUSEPORT
 * listeners (12,000 connections/s each, as at P = 8), and the same
 * 300,000 requests at every P (virtual time 300,000 / (1,500 P) s). The
 * CPU per event separates the engine's and the model's cost per step from
 * the model's steps per request (its Ms spin, steal and park more at
 * larger P: the events per request grow). */
static void bench_scale(void)
{
	static const int ps[] = { 8, 32, 128, 256 };
	enum { REQUESTS = 300000 };
	double us_wall[4], us_cpu[4], ns_event[4];
	for (int i = 0; i < 4; i++) {
		int p = ps[i];
		char yaml[1024], err[1024];
		snprintf(yaml, sizeof yaml,
			 "name: scale\nduration: %.0fms\nwarmup: 0s\nseed: 1\noutput: { sample: 0 }\n"
			 "machine: { cores: %d }\nacceptor: { listeners: %d }\nmodels: { gmp: {} }\n"
			 "workload:\n  request:\n    arrival: { poisson: %d/s }\n"
			 "    program: [ { cpu: 200us }, { net: 50ms }, { cpu: 200us } ]\n",
			 REQUESTS / (1500.0 * p) * 1e3, p, p / 8, 1500 * p);
		struct scenario sc;
		if (sc_load_string("scale.yaml", yaml, NULL, 0, &sc, err, sizeof err) != 0) {
			fprintf(stderr, "%s\n", err);
			exit(2);
		}
		struct run_result res;
		double w0 = wall(), c0 = cpu_now();
		int rc = run_model(&sc, "gmp", &res, err, sizeof err);
		double dw = wall() - w0, dc = cpu_now() - c0;
		double arrived = res_get_metric(&res, "tasks_arrived");
		us_wall[i] = dw / arrived * 1e6;
		us_cpu[i] = dc / arrived * 1e6;
		ns_event[i] = dc / (double)res.events * 1e9;
		printf("scale P=%3d (%6d req/s, %3d listeners, %.2f s virtual): %.0f requests, %.1f events each, "
		       "throughput %.0f/s, p99 %.2f ms; %.2f us wall (%.2f us CPU) per request, %.0f ns CPU per event%s%s\n",
		       p, 1500 * p, p / 8, REQUESTS / (1500.0 * p), arrived, (double)res.events / arrived,
		       res_get_metric(&res, "throughput"), res_get_metric(&res, "latency_p99") / 1e6,
		       us_wall[i], us_cpu[i], ns_event[i], rc ? ", FAILED: " : "", rc ? err : "");
		res_free(&res);
		sc_free(&sc);
	}
	printf("scale: per-request cost relative to P=8 (goal <= 1.5x): wall");
	for (int i = 1; i < 4; i++)
		printf(" P=%d %.2fx", ps[i], us_wall[i] / us_wall[0]);
	printf("; CPU");
	for (int i = 1; i < 4; i++)
		printf(" P=%d %.2fx", ps[i], us_cpu[i] / us_cpu[0]);
	printf("; CPU per event");
	for (int i = 1; i < 4; i++)
		printf(" P=%d %.2fx", ps[i], ns_event[i] / ns_event[0]);
	printf("\n");
}

/* Runs argv as a child, its output discarded; its CPU (user + system) and
 * wall seconds. -1: it failed. */
static int run_child(char *const argv[], double *cpu_s, double *wall_s)
{
	extern char **environ;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	double w0 = wall();
	int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return -1;
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) != pid)
		return -1;
	*wall_s = wall() - w0;
	*cpu_s = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		 (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* gmpsim against SimGrid 3.32 (tests/bench_simgrid.c) on the 10k_rps
 * workload (8 cores, Poisson 10,000/s, Exp(100 us) CPU, 100 ms net,
 * Exp(100 us) CPU), 20 s of virtual time, gmp only: whole processes,
 * taking turns, twice each; the best of each. SimGrid runs with raw
 * contexts and 16 KiB stacks, once with its default guard page per actor
 * stack (an mmap + mprotect per actor) and once without (its fastest).
 * The ratios are SimGrid's time over gmpsim's (goal: >= 10). */
static void bench_simgrid(void)
{
	static const char sg_bin[] = "build/bench_simgrid";
	if (access(sg_bin, X_OK) != 0) {
		printf("simgrid: %s not built (`make bench-simgrid` installs libsimgrid-dev and builds it)\n", sg_bin);
		return;
	}
	char *gmpsim[] = { "./gmpsim", "scenarios/10k_rps.yaml", "--model", "gmp", "--set", "duration=20s",
			   "-q", "-o", "build/tmp/gmpsim-bench-simgrid.db", NULL };
	char *sg_guard[] = { (char *)sg_bin, "tests/bench_simgrid.xml", "10000", "20",
			     "--cfg=contexts/factory:raw", "--cfg=contexts/stack-size:16",
			     "--log=root.thres:critical", NULL };
	char *sg_noguard[] = { (char *)sg_bin, "tests/bench_simgrid.xml", "10000", "20",
			       "--cfg=contexts/factory:raw", "--cfg=contexts/stack-size:16",
			       "--cfg=contexts/guard-size:0", "--log=root.thres:critical", NULL };
	char *const *who[3] = { gmpsim, sg_guard, sg_noguard };
	static const char *const name[3] = { "gmpsim", "SimGrid (guard page)", "SimGrid (no guard page)" };
	double best[3][2] = { { 1e9, 1e9 }, { 1e9, 1e9 }, { 1e9, 1e9 } };  /* [who][cpu, wall] */
	for (int rep = 0; rep < 2; rep++)
		for (int w = 0; w < 3; w++) {
			double c, t;
			if (run_child(who[w], &c, &t) != 0) {
				printf("simgrid: %s failed\n", name[w]);
				return;
			}
			best[w][0] = c < best[w][0] ? c : best[w][0];
			best[w][1] = t < best[w][1] ? t : best[w][1];
		}
	unlink("build/tmp/gmpsim-bench-simgrid.db");
	printf("simgrid: 10k_rps gmp, 20 s virtual (200,000 requests), best of 2, CPU (wall): gmpsim %.2f s (%.2f s)\n",
	       best[0][0], best[0][1]);
	for (int w = 1; w < 3; w++)
		printf("simgrid:   %-24s %.2f s (%.2f s): gmpsim %.1fx faster in CPU, %.1fx in wall (goal >= 10x)\n",
		       name[w], best[w][0], best[w][1], best[w][0] / best[0][0], best[w][1] / best[0][1]);
}

/* What a traced run stored, so a reader sees the work did not shrink. */
struct bench_trace_counts {
	int64_t spans, events, bytes;
};

/* CPU seconds of one run of sc on model (traced when limit > 0), and of
 * writing it to a results database; the best of three. A failed write is
 * fatal: a ratio without it would say nothing. */
static void time_traced(const struct scenario *sc, const char *model, int64_t limit,
			double *run_s, double *write_s, struct bench_trace_counts *n)
{
	*run_s = *write_s = 1e9;
	for (int rep = 0; rep < 3; rep++) {
		struct run_opts opts = { .trace = limit > 0, .trace_limit = limit };
		struct run_result res;
		char err[1024];
		double t0 = cpu_now();
		if (run_model_opts(sc, model, &opts, &res, err, sizeof err) != 0) {
			fprintf(stderr, "bench trace: %s: %s\n", model, err);
			exit(1);
		}
		double t1 = cpu_now();
		struct db *db = db_create("build/tmp/gmpsim-bench-trace.db", err, sizeof err);
		if (!db || db_write_run(db, &res, err, sizeof err) <= 0 || db_close_commit(db, err, sizeof err) != 0) {
			fprintf(stderr, "bench trace: writing build/tmp/gmpsim-bench-trace.db: %s\n", err);
			exit(1);
		}
		double t2 = cpu_now();
		*run_s = t1 - t0 < *run_s ? t1 - t0 : *run_s;
		*write_s = t2 - t1 < *write_s ? t2 - t1 : *write_s;
		const struct trc *tr = res.trace;
		*n = tr ? (struct bench_trace_counts){ tr->nspans, tr->nevs, tr->span_code.len + tr->ev_code.len }
			: (struct bench_trace_counts){ 0, 0, 0 };
		res_free(&res);
	}
	unlink("build/tmp/gmpsim-bench-trace.db");
}

/* --trace's cost on one scenario: the run with recording against the run
 * without, then with the database write (every row the run stores, the
 * schema, views and the commit), in CPU seconds. */
static void bench_trace_scenario(const char *path, const char *const *sets, int nsets, const char *label)
{
	struct scenario sc;
	char err[1024];
	if (sc_load(path, sets, nsets, &sc, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(2);
	}
	mkdir("build", 0777);
	mkdir("build/tmp", 0777);
	for (int m = 0; m < sc.nmodels; m++) {
		double r0, w0, r1, w1;
		struct bench_trace_counts n0, n1;
		time_traced(&sc, sc.models[m], 0, &r0, &w0, &n0);
		time_traced(&sc, sc.models[m], TRC_DEFAULT_LIMIT, &r1, &w1, &n1);
		printf("--trace %s %s: %lld spans + %lld events (%.1f bytes each coded); run %.3f -> %.3f s CPU "
		       "(%.1fx), with the database write %.3f -> %.3f s (%.1fx, goal <= 3x; %.3f us per record)\n",
		       label, sc.models[m], (long long)n1.spans, (long long)n1.events,
		       n1.spans + n1.events ? (double)n1.bytes / (double)(n1.spans + n1.events) : 0.0, r0, r1,
		       r1 / r0, r0 + w0, r1 + w1, (r1 + w1) / (r0 + w0),
		       n1.spans + n1.events ? (w1 - w0) / (double)(n1.spans + n1.events) * 1e6 : 0.0);
	}
	sc_free(&sc);
}

static void bench_trace(void)
{
	const char *sets[] = { "duration=2s", "warmup=200ms" };
	bench_trace_scenario("scenarios/10k_rps.yaml", sets, 2, "10k_rps (2s virtual)");
	bench_trace_scenario("scenarios/gc_stw.yaml", NULL, 0, "gc_stw");
}

/* Runs the sections named on the command line (all when none). */
int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);  /* each figure as soon as it is measured, even into a file */
	bool all = argc < 2;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "all") == 0)
			all = true;
#define WANT(name) (all || want(argc, argv, name))
	if (WANT("memory"))
		bench_goroutine_memory();  /* first: max RSS must start from a fresh process */
	if (WANT("hold"))
		bench_hold();
	if (WANT("scenario"))
		bench_scenario("scenarios/10k_rps.yaml", "60s");
	if (WANT("scale"))
		bench_scale();
	if (WANT("simgrid"))
		bench_simgrid();
	if (WANT("trace"))
		bench_trace();
	return 0;
}
