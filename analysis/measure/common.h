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

/* A CPU's core from sysfs, as package * 65536 + core_id; -1 when unknown. */
static inline long core_of(int cpu)
{
	char path[96];
	long pkg = -1, id = -1;
	snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/physical_package_id", cpu);
	FILE *f = fopen(path, "r");
	if (f && fscanf(f, "%ld", &pkg) != 1)
		pkg = -1;
	if (f)
		fclose(f);
	snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/core_id", cpu);
	f = fopen(path, "r");
	if (f && fscanf(f, "%ld", &id) != 1)
		id = -1;
	if (f)
		fclose(f);
	return pkg < 0 || id < 0 ? -1 : pkg * 65536 + id;
}

/* The real CPU behind the programs' "CPU i" (0 or 1): CPU 0 is the first CPU
 * this process may run on (its affinity mask at the first call), CPU 1 the
 * first other allowed CPU on another core (not CPU 0's SMT sibling, whose
 * caches it shares), else the next allowed CPU. So "remote" means another
 * core under taskset or a cgroup's cpuset too, not whatever CPU1 is. Dies
 * when fewer than i + 1 CPUs are allowed. */
static inline int real_cpu(int i)
{
	static int cpu[2] = { -1, -1 };
	if (cpu[0] < 0) {
		cpu_set_t set;
		if (sched_getaffinity(0, sizeof set, &set) != 0) {
			perror("sched_getaffinity");
			exit(1);
		}
		for (int c = 0; c < CPU_SETSIZE; c++) {
			if (!CPU_ISSET(c, &set))
				continue;
			if (cpu[0] < 0)
				cpu[0] = c;
			else if (cpu[1] < 0 || (core_of(cpu[1]) == core_of(cpu[0]) && core_of(c) != core_of(cpu[0])))
				cpu[1] = c;
		}
	}
	if (i < 0 || i > 1 || cpu[i] < 0) {
		fprintf(stderr, "pin_cpu(%d): this process may run on fewer than %d CPUs\n", i, i + 1);
		exit(1);
	}
	return cpu[i];
}

/* Pin the calling thread to the programs' CPU i (0 or 1, see real_cpu) and
 * read it back; dies on failure (results would be meaningless). */
static inline void pin_cpu(int i)
{
	int c = real_cpu(i);
	cpu_set_t set, got;
	CPU_ZERO(&set);
	CPU_SET(c, &set);
	if (sched_setaffinity(0, sizeof set, &set) != 0 || sched_getaffinity(0, sizeof got, &got) != 0 ||
	    !CPU_EQUAL(&set, &got)) {
		fprintf(stderr, "pinning to CPU%d: %s\n", c, strerror(errno));
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

/* ---- background load ---------------------------------------------------
 * The machine is shared: this records the whole machine's busy CPU time
 * (/proc/stat) at program start and, in report_background(), subtracts this
 * program's own CPU time (itself and waited-for children), leaving what other
 * processes used meanwhile, in % of one CPU.  Steal (host time taken from
 * our vCPUs) is shown separately.  Resolution 10 ms (USER_HZ).
 */
#include <sys/resource.h>

struct cpu_jiffies {
	long long busy, steal;
};

static inline struct cpu_jiffies read_cpu_jiffies(void)
{
	struct cpu_jiffies j = { 0, 0 };
	long long v[10] = { 0 };
	FILE *f = fopen("/proc/stat", "r");
	if (!f)
		return j;
	if (fscanf(f, "cpu %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld", &v[0], &v[1], &v[2],
		   &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]) >= 8) {
		/* user nice system idle iowait irq softirq steal guest guest_nice */
		j.busy = v[0] + v[1] + v[2] + v[5] + v[6];
		j.steal = v[7];
	}
	fclose(f);
	return j;
}

static struct cpu_jiffies bg_j0;
static int64_t bg_t0;

__attribute__((constructor)) static void background_start(void)
{
	bg_j0 = read_cpu_jiffies();
	bg_t0 = now_ns();
}

static inline void report_background(void)
{
	struct cpu_jiffies j1 = read_cpu_jiffies();
	double wall = (double)(now_ns() - bg_t0);
	long hz = sysconf(_SC_CLK_TCK);
	struct rusage self, kids;
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	double own = (self.ru_utime.tv_sec + self.ru_stime.tv_sec + kids.ru_utime.tv_sec +
		      kids.ru_stime.tv_sec) * 1e9 +
		     (self.ru_utime.tv_usec + self.ru_stime.tv_usec + kids.ru_utime.tv_usec +
		      kids.ru_stime.tv_usec) * 1e3;
	double busy = (double)(j1.busy - bg_j0.busy) * 1e9 / hz;
	double steal = (double)(j1.steal - bg_j0.steal) * 1e9 / hz;
	double other = busy - own;
	if (other < 0)
		other = 0;
	printf("  background during this program (%.1f s): other processes %.0f%% of a CPU, steal %.0f%% of a CPU\n",
	       wall / 1e9, 100 * other / wall, 100 * steal / wall);
}

#endif
