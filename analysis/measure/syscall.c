/*
 * syscall.c - kernel.syscall: the cost of entering and leaving the kernel for
 * a trivial system call.
 *
 * Method: a tight loop of syscall(SYS_getppid) (getppid does almost no work
 * in the kernel and is never cached by libc), N calls per trial, 21 trials;
 * per-call time = trial time / N.  The loop overhead (a call to the libc
 * syscall() wrapper without the instruction) is below 1 ns and is ignored.
 * The clock_gettime (vDSO) cost is printed as well, since other programs
 * subtract it from short intervals.
 */
#include "common.h"

int main(void)
{
	enum { TRIALS = 21, N = 200000 };
	double v[TRIALS];

	pin_cpu(0);
	printf("syscall: entry+exit of syscall(SYS_getppid), %d trials x %d calls, pinned to CPU0\n",
	       TRIALS, N);
	for (int i = 0; i < N; i++) /* warm-up */
		syscall(SYS_getppid);
	for (int t = 0; t < TRIALS; t++) {
		int64_t t0 = now_ns();
		for (int i = 0; i < N; i++)
			syscall(SYS_getppid);
		v[t] = (double)(now_ns() - t0) / N;
	}
	struct stats s = stats_of(v, TRIALS);
	print_stats("getppid() per call (trial means)", s);

	double ck = clock_overhead_ns();
	printf("  clock_gettime(CLOCK_MONOTONIC) via vDSO: %.1f ns per call\n", ck);
	summary("kernel.syscall", s.med, "ns", "syscall(SYS_getppid) loop, median of trial means");
	report_background();
	return 0;
}
