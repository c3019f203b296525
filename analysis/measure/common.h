/*
 * common.h - shared helpers for the gmpsim kernel-cost micro-benchmarks.
 *
 * Clock: CLOCK_MONOTONIC through the vDSO (clocksource tsc on the reference
 * machine), nanoseconds.  Statistics: every program collects one value per
 * trial (or per sample) and prints median, p10, p90, min and max, so a noisy
 * neighbour on the other core shows up as spread rather than being hidden.
 */
#ifndef MEASURE_COMMON_H
#define MEASURE_COMMON_H

#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static inline int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline int64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline long futex(volatile int *uaddr, int op, int val)
{
	return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}
static inline long futex_wait(volatile int *uaddr, int val)
{
	return futex(uaddr, FUTEX_WAIT_PRIVATE, val);
}
static inline long futex_wake(volatile int *uaddr, int n)
{
	return futex(uaddr, FUTEX_WAKE_PRIVATE, n);
}

#define LOAD(p)     __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define cpu_relax() __builtin_ia32_pause()

/* Pin the calling thread to one CPU; dies on failure (results would be meaningless). */
static inline void pin_cpu(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof set, &set) != 0) {
		perror("sched_setaffinity");
		exit(1);
	}
}

/* Busy-wait; no PAUSE in the loop, so that a hypervisor's pause-loop exiting
 * cannot deschedule the vCPU while we wait. */
static inline void spin_ns(int64_t ns)
{
	int64_t end = now_ns() + ns;
	while (now_ns() < end)
		;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

struct stats {
	int n;
	double min, p10, med, p90, p99, max;
};

/* Sorts v in place. Percentiles by nearest rank. */
static inline struct stats stats_of(double *v, int n)
{
	struct stats s = { .n = n };
	if (n <= 0)
		return s;
	qsort(v, n, sizeof *v, cmp_double);
	s.min = v[0];
	s.p10 = v[(n - 1) * 10 / 100];
	s.med = v[(n - 1) / 2];
	s.p90 = v[(n - 1) * 90 / 100];
	s.p99 = v[(n - 1) * 99 / 100];
	s.max = v[n - 1];
	return s;
}

/* One result line: "label  median  [p10 .. p90]  min  max  (n)" in ns. */
static inline void print_stats(const char *label, struct stats s)
{
	printf("  %-44s median %9.1f ns   p10 %9.1f  p90 %9.1f  min %9.1f  max %10.1f  (n=%d)\n",
	       label, s.med, s.p10, s.p90, s.min, s.max, s.n);
}

static inline void print_stats_p99(const char *label, struct stats s)
{
	printf("  %-44s median %9.1f ns   p10 %9.1f  p90 %9.1f  p99 %9.1f  min %9.1f  max %10.1f  (n=%d)\n",
	       label, s.med, s.p10, s.p90, s.p99, s.min, s.max, s.n);
}

/* Machine-readable summary line, collected by `make run`. */
static inline void summary(const char *key, double value, const char *unit, const char *note)
{
	printf("SUMMARY %-28s %12.1f %-6s %s\n", key, value, unit, note);
}

/* Cost of one now_ns() call (median over trials), to subtract from short timed intervals. */
static inline double clock_overhead_ns(void)
{
	enum { TRIALS = 11, N = 200000 };
	double v[TRIALS];
	for (int t = 0; t < TRIALS; t++) {
		int64_t t0 = now_ns();
		for (int i = 0; i < N; i++)
			(void)now_ns();
		v[t] = (double)(now_ns() - t0) / N;
	}
	return stats_of(v, TRIALS).med;
}

#endif
