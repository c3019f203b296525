/* speedref.c - the speed reference that analysis/calibrate/gate.sh times at
 * each gate: how fast this host runs a fixed piece of work right now, so that
 * `gmpsim calibrate` can see a run measured in a slow host period (a noisy
 * neighbour on the hypervisor, a lower clock) that /proc/stat cannot show (a
 * KVM guest without steal accounting reads 0 steal and an idle machine).
 *
 *   speedref      prints "REF cpu_ns X mem_ns Y" (ns per iteration)
 *
 * cpu: a dependent chain of 64-bit multiply-adds (an LCG), nothing in memory:
 *      core clock and the share of the physical core this vCPU gets.
 * mem: a dependent pointer chase through an 8 MiB random cycle, one load per
 *      64-byte line: cache-miss latency (the Go collector's mark is
 *      memory-bound); on the 2-vCPU KVM guest it reads 120-170 ns, DRAM.
 * Each is the fastest of REPS repetitions (a repetition preempted by another
 * process of this machine is slower; the fastest one is not), so the figure
 * moves with the host's speed, not with this machine's other processes.
 * About 50 ms of CPU in all, half of it building the cycle. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define REPS 7
#define CPU_ITERS 1000000L           /* ~1-2 ms per repetition */
#define MEM_LINES ((8L << 20) / 64)  /* 8 MiB, one pointer per line */
#define MEM_STEPS 10000L             /* ~1.5 ms per repetition at ~150 ns */

struct line {
	uint32_t next;
	char pad[60];
};

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return rng;
}

/* ns per multiply-add of the fastest repetition. */
static double cpu_ref(void)
{
	double best = 1e30;
	volatile uint64_t sink;
	for (int r = 0; r < REPS; r++) {
		uint64_t x = (uint64_t)r + 1;
		double t0 = now_ns();
		for (long i = 0; i < CPU_ITERS; i++)
			x = x * 6364136223846793005ull + 1442695040888963407ull;
		double t = (now_ns() - t0) / CPU_ITERS;
		sink = x;
		best = t < best ? t : best;
	}
	(void)sink;
	return best;
}

/* All lines in a random order (Fisher-Yates), linked in one cycle: every
 * load misses the caches and most miss the TLB. */
static struct line *make_cycle(void)
{
	struct line *l = malloc(MEM_LINES * sizeof *l);
	uint32_t *perm = malloc(MEM_LINES * sizeof *perm);
	if (!l || !perm)
		return free(l), free(perm), NULL;
	for (uint32_t i = 0; i < MEM_LINES; i++)
		perm[i] = i;
	for (uint32_t i = MEM_LINES - 1; i > 0; i--) {
		uint32_t j = (uint32_t)(next_rand() % i), t = perm[i];
		perm[i] = perm[j], perm[j] = t;
	}
	for (uint32_t i = 0; i < MEM_LINES; i++)
		l[perm[i]].next = perm[(i + 1) % MEM_LINES];
	free(perm);
	return l;
}

/* ns per dependent load of the fastest repetition. */
static double mem_ref(const struct line *l)
{
	double best = 1e30;
	uint32_t at = 0;
	for (int r = 0; r < REPS; r++) {
		double t0 = now_ns();
		for (long i = 0; i < MEM_STEPS; i++)
			at = l[at].next;
		double t = (now_ns() - t0) / MEM_STEPS;
		best = t < best ? t : best;
	}
	volatile uint32_t sink = at;
	(void)sink;
	return best;
}

int main(void)
{
	double cpu = cpu_ref();
	struct line *l = make_cycle();
	if (!l) {
		fprintf(stderr, "speedref: out of memory (8 MiB)\n");
		return 1;
	}
	printf("REF cpu_ns %.3f mem_ns %.1f\n", cpu, mem_ref(l));
	free(l);
	return 0;
}
