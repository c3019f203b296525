/*
 * signal.c - gmp.signal: what a preemption signal (SIGURG, as Go's sysmon
 * sends with tgkill) costs, with a trivial handler installed the way the Go
 * runtime installs its own (SA_SIGINFO | SA_ONSTACK | SA_RESTART, on an
 * alternate signal stack).
 *
 * Method:
 *   self   One thread, pinned to CPU0, sends SIGURG to itself with
 *          tgkill(getpid(), gettid(), SIGURG) in a loop; the signal is
 *          delivered on the way back from tgkill, the handler increments a
 *          counter, rt_sigreturn returns.  21 trials x 20,000 signals; per
 *          signal = trial time / N.  Minus one getppid() syscall (measured
 *          the same way, interleaved) = delivery + handler + sigreturn.
 *   remote Thread B, pinned to CPU1, spins reading the clock (as an M
 *          running a CPU-bound goroutine would run); thread A on CPU0 reads
 *          t0 and sends SIGURG to B.  Measured per signal (2,000 samples,
 *          one every ~20 us so that CPU1 is never idle or halted):
 *            sender   A's time in tgkill (what sysmon pays);
 *            latency  t0 -> B's handler reading the clock (IPI + delivery);
 *            stolen   the gap B sees in its own clock-reading loop around
 *                     the interruption (what the preempted thread loses:
 *                     interrupt, signal frame, handler, sigreturn).
 * The clock is CLOCK_MONOTONIC (vDSO, tsc); its cost is not subtracted.
 */
#include "../common.h"
#include <signal.h>

static volatile long handled;
static volatile int64_t handler_t;
static int record_time;

static void on_sig(int sig, siginfo_t *si, void *ctx)
{
	(void)sig, (void)si, (void)ctx;
	if (record_time)
		handler_t = now_ns();
	__atomic_add_fetch(&handled, 1, __ATOMIC_RELEASE);
}

static void install(void)
{
	stack_t ss = { .ss_sp = malloc(65536), .ss_size = 65536, .ss_flags = 0 };
	if (sigaltstack(&ss, NULL) != 0) {
		perror("sigaltstack");
		exit(1);
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sig;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
	sigfillset(&sa.sa_mask); /* Go blocks all signals in its handler too */
	if (sigaction(SIGURG, &sa, NULL) != 0) {
		perror("sigaction");
		exit(1);
	}
}

/* ---- remote ---- */
enum { RSAMPLES = 2000, RWARM = 50 };
static volatile int b_tid, b_ready, stop;
static double stolen[RSAMPLES + RWARM];
static volatile int nstolen;

static void *spinner(void *arg)
{
	(void)arg;
	pin_cpu(1);
	install(); /* sigaltstack is per thread */
	b_tid = (int)syscall(SYS_gettid);
	STORE(&b_ready, 1);
	/* The interruption falls either in the gap ending at the iteration that
	 * sees the counter change, or in the next one: record the larger. */
	long seen = LOAD(&handled);
	int64_t prev = now_ns(), gap1 = 0;
	int pending = 0;
	while (!LOAD(&stop)) {
		int64_t t = now_ns();
		long h = LOAD(&handled);
		if (pending) {
			int64_t g = t - prev > gap1 ? t - prev : gap1;
			if (nstolen < RSAMPLES + RWARM)
				stolen[nstolen++] = (double)g;
			pending = 0;
		}
		if (h != seen) {
			seen = h;
			gap1 = t - prev;
			pending = 1;
		}
		prev = t;
	}
	return NULL;
}

int main(void)
{
	enum { TRIALS = 21, N = 20000 };
	pid_t pid = getpid();
	pin_cpu(0);
	install();
	pid_t tid = (pid_t)syscall(SYS_gettid);
	printf("signal: SIGURG cost with a trivial SA_ONSTACK handler, %d trials x %d (self), %d samples (remote)\n",
	       TRIALS, N, RSAMPLES);

	double self[TRIALS], diff[TRIALS], sys[TRIALS];
	for (int i = 0; i < N; i++)
		syscall(SYS_tgkill, pid, tid, SIGURG);
	for (int t = 0; t < TRIALS; t++) {
		long h0 = handled;
		int64_t t0 = now_ns();
		for (int i = 0; i < N; i++)
			syscall(SYS_tgkill, pid, tid, SIGURG);
		int64_t t1 = now_ns();
		for (int i = 0; i < N; i++)
			syscall(SYS_getppid);
		int64_t t2 = now_ns();
		if (handled - h0 != N) {
			fprintf(stderr, "lost signals: %ld of %d\n", handled - h0, N);
			return 1;
		}
		self[t] = (double)(t1 - t0) / N;
		sys[t] = (double)(t2 - t1) / N;
		diff[t] = self[t] - sys[t];
	}
	struct stats s = stats_of(self, TRIALS);
	print_stats("self: tgkill + delivery + handler + sigreturn", s);
	summary("signal.self", s.med, "ns", "tgkill(self, SIGURG) round trip, trivial handler");
	print_stats("self: getppid() (interleaved)", stats_of(sys, TRIALS));
	s = stats_of(diff, TRIALS);
	print_stats("self: minus one syscall", s);
	summary("signal.delivery", s.med, "ns", "delivery + handler + rt_sigreturn (self - getppid)");

	/* remote */
	pthread_t th;
	pthread_create(&th, NULL, spinner, NULL);
	while (!LOAD(&b_ready))
		cpu_relax();
	record_time = 1;
	static double send[RSAMPLES + RWARM], lat[RSAMPLES + RWARM];
	int k = 0;
	for (int i = 0; i < RSAMPLES + RWARM; i++) {
		long h = LOAD(&handled);
		int64_t t0 = now_ns();
		syscall(SYS_tgkill, pid, b_tid, SIGURG);
		int64_t t1 = now_ns();
		int64_t deadline = t1 + 100000000;
		while (LOAD(&handled) == h && now_ns() < deadline)
			;
		if (LOAD(&handled) == h) {
			fprintf(stderr, "remote signal not handled within 100 ms\n");
			break;
		}
		if (i >= RWARM) {
			send[k] = (double)(t1 - t0);
			lat[k] = (double)(handler_t - t0);
			k++;
		}
		spin_ns(20000);
	}
	STORE(&stop, 1);
	pthread_join(th, NULL);
	print_stats_p99("remote: sender's tgkill", stats_of(send, k));
	s = stats_of(lat, k);
	print_stats_p99("remote: t0 -> handler running on CPU1", s);
	summary("signal.remote.latency", s.med, "ns", "tgkill on CPU0 -> handler on spinning CPU1");
	int ns = nstolen - RWARM;
	s = stats_of(stolen + RWARM, ns > 0 ? ns : 0);
	print_stats_p99("remote: time stolen from the target", s);
	summary("signal.remote.stolen", s.med, "ns", "gap in target's clock loop around the signal");
	report_background();
	return 0;
}
