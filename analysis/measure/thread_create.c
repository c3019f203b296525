/*
 * thread_create.c - kernel.thread_create and kernel.thread_exit: the cost of
 * pthread_create with a 1 MiB stack, the time until the new thread runs, and
 * the cost of a thread's exit.
 *
 * Method: the main thread creates one thread at a time (attr stack size
 * 1 MiB) and joins it; 11 trials x 200 threads.  Per thread:
 *   create   creator's wall time inside pthread_create (clone, and the stack
 *            mmap + guard mprotect when no cached stack is available);
 *   to_run   from just before pthread_create to the new thread's first
 *            instruction (the thread reads the clock first thing);
 *   exit_ub  from the thread's last instruction (a clock read just before it
 *            returns from its start routine) to pthread_join returning in the
 *            creator.  An UPPER BOUND on the exit: it includes glibc's
 *            thread teardown, the kernel's do_exit up to the CLONE_CHILD_
 *            CLEARTID futex wake, waking the joiner (on another CPU: IPI +
 *            idle exit) and, without a stack cache, the joiner's munmap.
 *            The child busy-waits 50 us before that last clock read, so the
 *            creator is surely blocked in pthread_join by then.
 *   exit_cpu CPU time of the exit path itself: process CPU time
 *            (CLOCK_PROCESS_CPUTIME_ID, which includes threads that have
 *            exited) minus the creator's own CPU time gives the children's
 *            total CPU time; minus each child's CLOCK_THREAD_CPUTIME_ID read
 *            at its last instruction, it leaves the CPU spent after that
 *            instruction until the kernel folds the thread's time into the
 *            process (__exit_signal).  The final schedule() of the dead task
 *            is not counted, so this is a slight underestimate.
 *   start_cpu the new thread's CPU time from clone to its first instruction
 *            (CLOCK_THREAD_CPUTIME_ID read first thing).
 *   creator_cpu the creator's CPU time per thread (CLOCK_THREAD_CPUTIME_ID),
 *            i.e. pthread_create + pthread_join; minus the median create time
 *            it leaves the join side, which without a stack cache includes
 *            the munmap of the dead thread's stack (glibc frees a joined
 *            thread's stack in pthread_join; a detached thread's stack is
 *            freed by a later exit/create, i.e. by some thread's exit path).
 *
 * Two stack-cache modes: glibc keeps up to 40 MiB of freed thread stacks and
 * reuses them, so create/join in a loop never mmaps.  The program re-executes
 * itself with GLIBC_TUNABLES=glibc.pthread.stack_cache_size=0 to measure
 * fresh stacks.  Whether each thread got a reused stack is checked: the
 * thread looks for a marker its predecessor wrote at the bottom of its stack.
 * Two placements: all threads pinned to CPU0 ("same CPU"), or unpinned
 * ("free"; the new thread may start on the other core).
 */
#include "common.h"

enum { TRIALS = 11, PER = 200 };
#define STACK (1 << 20)
#define MAGIC 0x5eed5eed5eed5eedULL

struct rec {
	int64_t t_run, t_last, cpu_first, cpu_last;
	int cpu, reused;
};

static void *child(void *arg)
{
	struct rec *r = arg;
	volatile uint64_t here;
	r->t_run = now_ns();
	r->cpu_first = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	/* 8 KiB below this frame: deeper than the exit path's frames, and inside
	 * the 16 KiB that glibc does not MADV_DONTNEED at exit. */
	volatile uint64_t *mark = (volatile uint64_t *)(((uintptr_t)&here - 8192) & ~(uintptr_t)7);
	r->reused = (*mark == MAGIC); /* left here by the previous owner of this stack? */
	*mark = MAGIC;
	r->cpu = sched_getcpu();
	spin_ns(50000);
	r->cpu_last = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	r->t_last = now_ns();
	return NULL;
}

static void run(const char *mode, int pinned)
{
	static double cr[TRIALS * PER], tr[TRIALS * PER], ex[TRIALS * PER];
	double excpu[TRIALS], crcpu[TRIALS], stcpu[TRIALS];
	static struct rec recs[PER];
	int n = 0, reused = 0, oncpu1 = 0;
	pthread_attr_t attr;
	cpu_set_t all;

	if (pinned)
		pin_cpu(0);
	else {
		CPU_ZERO(&all);
		for (int c = 0; c < 2; c++)
			CPU_SET(real_cpu(c), &all);
		sched_setaffinity(0, sizeof all, &all);
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, STACK);

	for (int t = -1; t < TRIALS; t++) { /* t = -1: warm-up */
		int64_t p0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
		int64_t m0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		for (int i = 0; i < PER; i++) {
			pthread_t th;
			int64_t a = now_ns();
			if (pthread_create(&th, &attr, child, &recs[i]) != 0) {
				perror("pthread_create");
				exit(1);
			}
			int64_t b = now_ns();
			pthread_join(th, NULL);
			int64_t c = now_ns();
			if (t >= 0) {
				cr[n] = (double)(b - a);
				tr[n] = (double)(recs[i].t_run - a);
				ex[n] = (double)(c - recs[i].t_last);
				reused += recs[i].reused;
				oncpu1 += recs[i].cpu == real_cpu(1);
				n++;
			}
		}
		usleep(2000); /* let the last exit finish its accounting */
		int64_t m1 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		int64_t p1 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
		double children = (double)((p1 - p0) - (m1 - m0));
		double before_last = 0, first = 0;
		for (int i = 0; i < PER; i++) {
			before_last += (double)recs[i].cpu_last;
			first += (double)recs[i].cpu_first;
		}
		if (t >= 0) {
			excpu[t] = (children - before_last) / PER;
			crcpu[t] = (double)(m1 - m0) / PER;
			stcpu[t] = first / PER;
		}
	}
	pthread_attr_destroy(&attr);

	printf(" [%s stack cache, %s] %d threads, %.0f%% got a reused stack, %.0f%% started on CPU1\n",
	       mode, pinned ? "same CPU (all on CPU0)" : "free (unpinned)", n, 100.0 * reused / n,
	       100.0 * oncpu1 / n);
	struct stats sc = stats_of(cr, n), st = stats_of(tr, n), se = stats_of(ex, n),
		     sx = stats_of(excpu, TRIALS), scc = stats_of(crcpu, TRIALS),
		     sst = stats_of(stcpu, TRIALS);
	print_stats("create: time in pthread_create", sc);
	print_stats("to_run: create start -> thread runs", st);
	print_stats("exit_ub: last instr -> join returns", se);
	print_stats("exit_cpu: exit path CPU (trial means)", sx);
	print_stats("start_cpu: new thread's CPU to 1st instr", sst);
	print_stats("creator_cpu: create+join CPU (trial means)", scc);
	printf("  %-44s median %9.1f ns\n", "join side: creator_cpu - create (median)", scc.med - sc.med);

	char key[64];
	const char *m = strcmp(mode, "default") == 0 ? "cached" : "fresh";
	const char *p = pinned ? "same" : "free";
	snprintf(key, sizeof key, "create.%s.%s", m, p);
	summary(key, sc.med, "ns", "creator's time in pthread_create, 1 MiB stack");
	snprintf(key, sizeof key, "to_run.%s.%s", m, p);
	summary(key, st.med, "ns", "pthread_create start -> new thread runs");
	snprintf(key, sizeof key, "exit_ub.%s.%s", m, p);
	summary(key, se.med, "ns", "thread's last instruction -> join returns");
	snprintf(key, sizeof key, "exit_cpu.%s.%s", m, p);
	summary(key, sx.med, "ns", "exit path CPU time (process-time accounting)");
	snprintf(key, sizeof key, "start_cpu.%s.%s", m, p);
	summary(key, sst.med, "ns", "new thread's CPU from clone to its first instruction");
	snprintf(key, sizeof key, "join_side.%s.%s", m, p);
	summary(key, scc.med - sc.med, "ns", "creator's CPU per thread outside pthread_create (join, munmap)");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "nocache") == 0) {
		const char *tun = getenv("GLIBC_TUNABLES");
		run(tun ? tun : "?", 1);
		run(tun ? tun : "?", 0);
		report_background();
		return 0;
	}
	printf("thread_create: pthread_create (1 MiB stack) + start, and thread exit; %d trials x %d threads\n",
	       TRIALS, PER);
	run("default", 1);
	run("default", 0);
	report_background();
	fflush(stdout); /* execv would drop buffered output */
	setenv("GLIBC_TUNABLES", "glibc.pthread.stack_cache_size=0", 1);
	char *args[] = { argv[0], "nocache", NULL };
	execv("/proc/self/exe", args);
	perror("execv");
	return 1;
}
