/* tests/bench.c — `make bench`: the engine's hold rate (pop + push with
 * 1,000 pending events) and the whole simulator's events per wall second
 * and bytes per task on scenarios/10k_rps.yaml at 60 s of virtual time,
 * and what --trace costs (recording, then the database write).
 * Prints figures; asserts nothing (benchmarks are not tests). */
#include "db.h"
#include "engine.h"
#include "rng.h"
#include "run.h"
#include "scenario.h"
#include "trace.h"
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/resource.h>

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
	sim_ns t;
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
 * time.Sleep at once (spawned by one G, all asleep before any wakes). */
static void bench_goroutine_memory(void)
{
	static const char yaml[] =
		"name: million\nduration: 3s\nacceptor: { enabled: false }\noutput: { sample: 0 }\n"
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
	printf("1M goroutines (gmp, all asleep at once): peak live tasks %.0f, %.2f s wall, "
	       "max RSS grew %ld KiB = %.0f bytes per goroutine%s%s\n",
	       res_get_metric(&res, "tasks_live_peak"), dt, after - before,
	       (double)(after - before) * 1024.0 / 1e6, rc ? ", FAILED: " : "", rc ? err : "");
	res_free(&res);
	sc_free(&sc);
}

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU seconds of one run of sc on model (traced when limit > 0), and of
 * writing it to a results database; the best of three. */
static void time_traced(const struct scenario *sc, const char *model, int64_t limit,
			double *run_s, double *write_s, int64_t *records)
{
	*run_s = *write_s = 1e9;
	for (int rep = 0; rep < 3; rep++) {
		struct run_opts opts = { .trace = limit > 0, .trace_limit = limit };
		struct run_result res;
		char err[1024];
		double t0 = cpu_now();
		run_model_opts(sc, model, &opts, &res, err, sizeof err);
		double t1 = cpu_now();
		struct db *db = db_create("build/tmp/gmpsim-bench-trace.db", err, sizeof err);
		if (db && db_write_run(db, &res, err, sizeof err) > 0)
			db_close_commit(db, err, sizeof err);
		else if (db)
			db_close_abort(db);
		double t2 = cpu_now();
		*run_s = t1 - t0 < *run_s ? t1 - t0 : *run_s;
		*write_s = t2 - t1 < *write_s ? t2 - t1 : *write_s;
		*records = res.trace ? trc_records(res.trace) : 0;
		res_free(&res);
	}
	unlink("build/tmp/gmpsim-bench-trace.db");
}

/* --trace's cost on 10k_rps (2 s virtual): the run with recording against
 * the run without, and the database write, in CPU seconds. */
static void bench_trace(void)
{
	const char *sets[] = { "duration=2s", "warmup=200ms" };
	struct scenario sc;
	char err[1024];
	if (sc_load("scenarios/10k_rps.yaml", sets, 2, &sc, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(2);
	}
	for (int m = 0; m < sc.nmodels; m++) {
		double r0, w0, r1, w1;
		int64_t n0, n1;
		time_traced(&sc, sc.models[m], 0, &r0, &w0, &n0);
		time_traced(&sc, sc.models[m], TRC_DEFAULT_LIMIT, &r1, &w1, &n1);
		printf("--trace 10k_rps %s (2s virtual): %lld records; run %.3f -> %.3f s CPU (%.1fx), "
		       "with the database write %.3f -> %.3f s (%.1fx, %.2f us per record)\n",
		       sc.models[m], (long long)n1, r0, r1, r1 / r0, r0 + w0, r1 + w1,
		       (r1 + w1) / (r0 + w0), n1 ? (w1 - w0) / (double)n1 * 1e6 : 0.0);
	}
	sc_free(&sc);
}

int main(void)
{
	bench_goroutine_memory();  /* first: max RSS must start from a fresh process */
	bench_hold();
	bench_scenario("scenarios/10k_rps.yaml", "60s");
	bench_trace();
	return 0;
}
