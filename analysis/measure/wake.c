/*
 * wake.c - kernel.wake: the waker's CPU cost of a FUTEX_WAKE that actually
 * wakes a blocked thread (futex hash lookup + try_to_wake_up + the system
 * call around it).  Every figure includes one syscall entry/exit; gmpsim
 * charges kernel.syscall + kernel.wake for a wake, so kernel.wake = figure -
 * syscall (re-measured here and printed).
 *
 * Method: thread B blocks in FUTEX_WAIT; thread A (pinned to CPU0) waits until
 * B has announced it is about to block, lets a gap pass so that B is surely
 * asleep, then times its own FUTEX_WAKE call with CLOCK_MONOTONIC (vDSO; the
 * clock-read overhead is subtracted).  Only samples where FUTEX_WAKE returned
 * 1 (a waiter was really woken) are kept.  A then waits for B to acknowledge
 * before the next sample.  50 warm-up samples are discarded.
 *
 * Cases:
 *   remote warm  B pinned to CPU1, CPU1 idle for 50 us before the wake.  The
 *                wake queues B on CPU1 and kicks it with an IPI.
 *   remote cold  the same with CPU1 idle for 1 ms.  In a VM, a vCPU idle for
 *                longer than the host's halt-polling window (KVM default
 *                200 us) is descheduled on the host, and the IPI then has to
 *                wake the host thread: the waker pays for that, bimodally.
 *   local        B pinned to CPU0 with A.  B might preempt A at the exit of
 *                the wake call, which would put B's run inside the interval;
 *                B records when it ran, and samples where it ran before A
 *                read the clock are dropped (their count is printed).
 *                "hot": A yields, B runs into FUTEX_WAIT, A is back at once;
 *                "after idle": A sleeps 50 us (CPU0 idles) before the wake.
 *   no waiter    FUTEX_WAKE on a word nobody waits on (returns 0): bare
 *                syscall + hash lookup, for reference.
 * For the remote cases the program also prints when the wakee ran, counted
 * from the same t0 (B records the clock on waking; see wake_idle.c).
 */
#include "common.h"

enum { SAMPLES = 1200, WARMUP = 50 };

static volatile int word;       /* B waits while word == 0 */
static volatile int seq;        /* B bumps it each time before it blocks */
static volatile int quit;
static volatile int64_t ran_at; /* when B last returned from its wait */
static int b_cpu;
static double lat[4096];        /* per kept sample: t0 -> B running (remote cases) */

static void *sleeper(void *arg)
{
	(void)arg;
	pin_cpu(b_cpu);
	for (;;) {
		__atomic_add_fetch(&seq, 1, __ATOMIC_ACQ_REL);
		while (LOAD(&word) == 0)
			futex_wait(&word, 0);
		STORE(&ran_at, now_ns());
		STORE(&word, 0);
		if (LOAD(&quit))
			return NULL;
	}
}

/* One case; fills out[] with valid samples, returns their number. */
static int run_case(int cpu_b, int64_t gap_ns, double ovh, double *out, int *preempted)
{
	pthread_t th;
	int n = 0;
	*preempted = 0;
	b_cpu = cpu_b;
	STORE(&word, 0);
	STORE(&seq, 0);
	STORE(&quit, 0);
	pthread_create(&th, NULL, sleeper, NULL);
	for (int i = 1; i <= SAMPLES + WARMUP; i++) {
		while (LOAD(&seq) < i) { /* B is about to block */
			if (cpu_b == 0)
				sched_yield();
			else
				cpu_relax();
		}
		if (cpu_b == 0 && gap_ns > 0)
			usleep(gap_ns / 1000); /* CPU0 idles; B is surely blocked */
		else if (cpu_b == 0)
			sched_yield(); /* B runs until it blocks, then A is back, caches hot */
		else
			spin_ns(gap_ns);
		STORE(&word, 1);
		int64_t t0 = now_ns();
		long r = futex_wake(&word, 1);
		int64_t t1 = now_ns();
		if (r != 1) { /* B was not asleep yet; it will see word == 1 */
			while (LOAD(&seq) <= i)
				sched_yield();
			continue;
		}
		while (LOAD(&seq) <= i) /* B has run and is going back to sleep */
			if (cpu_b == 0)
				sched_yield();
			else
				cpu_relax();
		if (i <= WARMUP)
			continue;
		if (cpu_b == 0 && LOAD(&ran_at) < t1) /* local: B ran inside the interval */
			(*preempted)++;
		else {
			lat[n] = (double)(LOAD(&ran_at) - t0) - ovh;
			out[n++] = (double)(t1 - t0) - ovh;
		}
	}
	STORE(&quit, 1);
	STORE(&word, 1);
	futex_wake(&word, 1);
	pthread_join(th, NULL);
	return n;
}

int main(void)
{
	static double v[SAMPLES + WARMUP];
	int pre;
	pin_cpu(0);
	double ck = clock_overhead_ns();
	double scv[9];
	for (int t = 0; t < 9; t++) {
		int64_t t0 = now_ns();
		for (int i = 0; i < 50000; i++)
			syscall(SYS_getppid);
		scv[t] = (double)(now_ns() - t0) / 50000;
	}
	double sc = stats_of(scv, 9).med;

	printf("wake: waker's time in a FUTEX_WAKE that wakes one blocked thread, waker on CPU0, %d samples\n",
	       SAMPLES);
	printf("  clock overhead subtracted: %.1f ns; syscall (getppid) %.1f ns, included in every figure\n", ck, sc);

	int n = run_case(1, 50000, ck, v, &pre);
	struct stats warm = stats_of(v, n);
	print_stats_p99("remote (CPU1), idle 50 us before", warm);
	struct stats wl = stats_of(lat, n);
	printf("  %-44s median %9.1f ns (the wakee may run before the waker's call returns)\n",
	       "  wakee running, counted from the same t0:", wl.med);

	n = run_case(1, 1000000, ck, v, &pre);
	struct stats cold = stats_of(v, n);
	print_stats_p99("remote (CPU1), idle 1 ms before", cold);
	int fast = 0;
	for (int i = 0; i < n; i++)
		fast += v[i] < 20000;
	printf("  %-44s %.0f%% of samples < 20 us\n", "  (bimodal:)", 100.0 * fast / n);
	struct stats cl = stats_of(lat, n);
	printf("  %-44s median %9.1f ns\n", "  wakee running, counted from the same t0:", cl.med);

	n = run_case(0, 0, ck, v, &pre);
	struct stats loc = stats_of(v, n);
	print_stats_p99("local (same CPU), hot", loc);
	printf("  %-44s %d of %d samples dropped (wakee preempted the waker)\n", "", pre, SAMPLES);

	n = run_case(0, 50000, ck, v, &pre);
	struct stats locc = stats_of(v, n);
	print_stats_p99("local (same CPU), after 50 us idle", locc);
	printf("  %-44s %d of %d samples dropped (wakee preempted the waker)\n", "", pre, SAMPLES);

	double nv[21];
	static volatile int nobody;
	for (int t = 0; t < 21; t++) {
		int64_t t0 = now_ns();
		for (int i = 0; i < 20000; i++)
			futex_wake(&nobody, 1);
		nv[t] = (double)(now_ns() - t0) / 20000;
	}
	struct stats nw = stats_of(nv, 21);
	print_stats("no waiter (returns 0), 20000-call loops", nw);

	summary("wake.remote.warm", warm.med, "ns", "wakee asleep on CPU1, idle 50us");
	summary("wake.remote.cold", cold.med, "ns", "wakee asleep on CPU1, idle 1ms (VM: host wake)");
	summary("wake.local.hot", loc.med, "ns", "wakee on the same CPU, waker just ran");
	summary("wake.local.afteridle", locc.med, "ns", "wakee on the same CPU, waker was idle 50us");
	summary("wake.syscall", sc, "ns", "getppid, re-measured (the calls above include one)");
	summary("wake.nowaiter", nw.med, "ns", "FUTEX_WAKE with no waiter");
	report_background();
	return 0;
}
