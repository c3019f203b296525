/* tests/bench_simgrid.c — `make bench-simgrid`'s peer: the 10k_rps-shaped
 * workload written for SimGrid (S4U through its C binding, simgrid/actor.h),
 * so `make bench` can time gmpsim against an established simulator on the
 * same model. One 8-core host (tests/bench_simgrid.xml, 1 Gflop/s a core);
 * a generator actor sleeps Poisson gaps (10,000/s) and starts an actor per
 * request that executes Exp(100 us) of CPU, sleeps 100 ms (the downstream
 * call), and executes Exp(100 us) again; arrivals stop at 20 s of virtual
 * time and the run ends when the last request does. Raw contexts with
 * 16 KiB stacks (the fastest SimGrid offers; set on the command line by
 * the bench). Prints one line: requests, completed, the end's virtual time.
 * Usage: bench_simgrid PLATFORM.xml [RATE/s] [SECONDS] [--cfg=...]... */
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CORE_FLOPS 1e9     /* the platform's speed per core */
#define CPU_MEAN 100e-6    /* seconds, each of the two bursts */
#define NET_WAIT 0.1       /* seconds, the downstream call */

struct request {
	double cpu1, cpu2;     /* flops */
};

static double rate = 10000, horizon = 20;
static long started, completed;
static uint64_t rng_state = 0x9E3779B97F4A7C15u;

/* splitmix64, then an Exp(mean) draw from its top 53 bits */
static double draw_exp(double mean)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	z ^= z >> 31;
	double u = ((double)(z >> 11) + 0.5) / 9007199254740992.0;
	return -mean * log(u);
}

static void request_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct request *rq = sg_actor_self_get_data();
	sg_actor_execute(rq->cpu1);
	sg_actor_sleep_for(NET_WAIT);
	sg_actor_execute(rq->cpu2);
	completed++;
	free(rq);
}

static void generator_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	sg_host_t host = sg_host_self();
	for (;;) {
		double gap = draw_exp(1.0 / rate);
		if (simgrid_get_clock() + gap >= horizon)
			return;
		sg_actor_sleep_for(gap);
		struct request *rq = malloc(sizeof *rq);
		rq->cpu1 = draw_exp(CPU_MEAN) * CORE_FLOPS;
		rq->cpu2 = draw_exp(CPU_MEAN) * CORE_FLOPS;
		sg_actor_t a = sg_actor_init("request", host);
		sg_actor_set_data(a, rq);
		sg_actor_start(a, request_main, 0, NULL);
		started++;
	}
}

int main(int argc, char **argv)
{
	simgrid_init(&argc, argv);
	if (argc < 2) {
		fprintf(stderr, "usage: %s PLATFORM.xml [RATE] [SECONDS] [--cfg=...]\n", argv[0]);
		return 2;
	}
	if (argc > 2)
		rate = atof(argv[2]);
	if (argc > 3)
		horizon = atof(argv[3]);
	simgrid_load_platform(argv[1]);
	sg_actor_create("generator", sg_host_by_name("server"), generator_main, 0, NULL);
	simgrid_run();
	printf("simgrid: %ld requests, %ld completed, ended at %.3f s virtual\n",
	       started, completed, simgrid_get_clock());
	return completed == started ? 0 : 1;
}
