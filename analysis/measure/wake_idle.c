/*
 * wake_idle.c - kernel.wake_idle: wake-up latency onto another, idle core
 * (IPI + idle exit + the wakee's switch-in), and, for comparison, onto the
 * waker's own core.
 *
 * Method: thread A (pinned to CPU0) stores t0 = CLOCK_MONOTONIC in shared
 * memory and FUTEX_WAKEs thread B, which is blocked in FUTEX_WAIT; B reads
 * the clock as soon as FUTEX_WAIT returns (t1).  latency = t1 - t0, with the
 * clock-read cost subtracted.  CLOCK_MONOTONIC is TSC-based and synchronised
 * across CPUs (clocksource tsc, constant/nonstop TSC), so t1 - t0 is valid
 * across cores.
 *
 * Cases:
 *   remote  B pinned to CPU1, which has nothing else to run (unless a
 *           neighbour's compile lands there), idle for 50 us, 1 ms or 10 ms
 *           before the wake.  The latency includes the waker's futex call up
 *           to the IPI, the IPI, the idle exit on CPU1 (in a VM: the
 *           hypervisor waking the halted vCPU) and the switch to B.
 *   local   B pinned to CPU0 with A: after the wake A blocks in FUTEX_WAIT,
 *           so B runs after the rest of A's wake call, A's wait syscall entry
 *           and one context switch (or earlier, if it preempts A).
 * 30 warm-up samples per case are discarded.
 */
#include "common.h"

enum { WARMUP = 30 };

static volatile int word;      /* B waits while word == 0 */
static volatile int seq;       /* B bumps it before each block */
static volatile int ack;       /* local case: A waits on it */
static volatile int quit;
static volatile int64_t t0_shared;
static volatile int64_t lat;   /* t1 - t0 of the last wake */
static int b_cpu;

static void *sleeper(void *arg)
{
	(void)arg;
	pin_cpu(b_cpu);
	for (;;) {
		__atomic_add_fetch(&seq, 1, __ATOMIC_ACQ_REL);
		while (LOAD(&word) == 0)
			futex_wait(&word, 0);
		int64_t t1 = now_ns();
		STORE(&lat, t1 - LOAD(&t0_shared));
		STORE(&word, 0);
		if (b_cpu == 0) {
			STORE(&ack, 1);
			futex_wake(&ack, 1);
		}
		if (LOAD(&quit))
			return NULL;
	}
}

static int run_case(int cpu_b, int64_t gap_ns, int samples, double ovh, double *out)
{
	pthread_t th;
	int n = 0;
	b_cpu = cpu_b;
	STORE(&word, 0);
	STORE(&seq, 0);
	STORE(&quit, 0);
	pthread_create(&th, NULL, sleeper, NULL);
	for (int i = 1; i <= samples + WARMUP; i++) {
		while (LOAD(&seq) < i)
			if (cpu_b == 0)
				sched_yield();
			else
				cpu_relax();
		if (cpu_b == 0)
			usleep(gap_ns / 1000);
		else
			spin_ns(gap_ns);
		STORE(&lat, -1);
		STORE(&ack, 0);
		STORE(&t0_shared, now_ns());
		STORE(&word, 1);
		long r = futex_wake(&word, 1);
		if (cpu_b == 0) {
			while (LOAD(&ack) == 0)
				futex_wait(&ack, 0);
		}
		while (LOAD(&seq) <= i) /* B has recorded and goes back to sleep */
			if (cpu_b == 0)
				sched_yield();
			else
				cpu_relax();
		if (r == 1 && i > WARMUP)
			out[n++] = (double)LOAD(&lat) - ovh;
	}
	STORE(&quit, 1);
	STORE(&word, 1);
	futex_wake(&word, 1);
	pthread_join(th, NULL);
	return n;
}

int main(void)
{
	static double v[2000];
	pin_cpu(0);
	double ck = clock_overhead_ns();
	printf("wake_idle: latency from the waker's clock read before FUTEX_WAKE to the wakee running\n");
	printf("  clock overhead subtracted: %.1f ns\n", ck);

	struct { int cpu; int64_t gap; int samples; const char *name; const char *key; } cases[] = {
		{ 1, 50000, 1500, "remote: B on CPU1 idle 50 us", "wake_idle.50us" },
		{ 1, 1000000, 1000, "remote: B on CPU1 idle 1 ms", "wake_idle.1ms" },
		{ 1, 10000000, 150, "remote: B on CPU1 idle 10 ms", "wake_idle.10ms" },
		{ 0, 50000, 1500, "local:  B on CPU0 (waker's CPU), A blocks", "wake_local" },
	};
	struct stats res[4];
	for (int c = 0; c < 4; c++) {
		int n = run_case(cases[c].cpu, cases[c].gap, cases[c].samples, ck, v);
		res[c] = stats_of(v, n);
		print_stats_p99(cases[c].name, res[c]);
	}
	for (int c = 0; c < 4; c++)
		summary(cases[c].key, res[c].med, "ns", cases[c].name);
	report_background();
	return 0;
}
