/* tests/bench.c — `make bench`: the engine's hold rate (pop + push with
 * 1,000 pending events) and the whole simulator's events per wall second
 * and bytes per task on scenarios/10k_rps.yaml at 60 s of virtual time.
 * Prints figures; asserts nothing (benchmarks are not tests). */
#include "engine.h"
#include "rng.h"
#include "run.h"
#include "scenario.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

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

int main(void)
{
	bench_hold();
	bench_scenario("scenarios/10k_rps.yaml", "60s");
	return 0;
}
