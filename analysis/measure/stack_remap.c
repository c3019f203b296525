/*
 * stack_remap.c - does a Java thread's per-life page-table work (its stack's
 * guard zone and the stack's release) cost more CPU when another thread of
 * the same process runs on the other core, as a TLB shootdown would?
 *
 * What a Java thread does to its address space in its life (strace -f of
 * analysis/validate/java/Svc.java, thread per request, OpenJDK 17, glibc's
 * stack cache hit so no mmap/munmap of the stack itself):
 *   start  mmap(guard, 16 KiB, RW, MAP_FIXED)     os::pd_create_stack_guard_pages
 *          mprotect(guard, 16 KiB, PROT_NONE)      (os::commit_memory + os::guard_memory)
 *   exit   mmap(guard, 16 KiB, NONE, MAP_FIXED|MAP_NORESERVE)
 *                                                  os::remove_stack_guard_pages (uncommit)
 *          madvise(stack, ~1 MiB, MADV_DONTNEED)   glibc start_thread: advise_stack_range
 * Each one changes the page tables of a process whose other threads may be
 * running on the other CPU; Linux then flushes that CPU's TLB (flush_tlb_mm_range
 * -> flush_tlb_multi, an IPI on bare metal, a hypercall under a paravirtual
 * hypervisor such as this host's PVM, where /proc/interrupts' TLB line stays 0).
 *
 * Method: one thread pinned to CPU 0 runs LOOPS lives of that sequence on its
 * own 1 MiB region (touching TOUCH KiB of the stack between start and exit, as
 * a thread's frames do: the page faults are in the cost) and measures its own
 * CPU time (CLOCK_THREAD_CPUTIME_ID) per life, with CPU 1:
 *   alone        running nothing of this program (others' load may be there:
 *                the background line says how much)
 *   other_proc   running a forked process that spins reading memory (a busy
 *                core, another mm: no shootdown of ours needed)
 *   sibling      running a thread of this process that spins (our mm on both
 *                CPUs: what a TLB shootdown would add shows as sibling - other_proc)
 * each also without the 3 guard calls (no_guard: faults + madvise only), and
 * a call-free arithmetic loop as the control (a slower core would slow it too).
 * Modes interleaved trial by trial, TRIALS trials, medians printed.
 * busy_extra = other_proc - alone is kernel.stack_remap_busy (when CPU 1 was
 * really idle in "alone": run it on a quiet machine).
 *
 *   ./stack_remap [TOUCH_KIB]      (default 16: jvm.stack_touch)
 */
#include "common.h"
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

enum { TRIALS = 7, LOOPS = 2000, STACK = 1 << 20, GUARD = 16 << 10 };

/* The spinner on CPU 1 (a sibling thread or a forked process) reads memory
 * while *on is 1 and sleeps 1 ms at a time while it is 0; *on = 2 ends it. */
static volatile uint64_t spin_sink;
static char *spin_buf;
static int *sib_on, *proc_on; /* shared (MAP_SHARED) so the forked spinner sees them */

static void spin_reader(int *on)
{
	uint64_t s = 0;
	int v;
	while ((v = LOAD(on)) != 2) {
		if (v == 0) {
			usleep(1000);
			continue;
		}
		for (int i = 0; i < 64 * 4096; i += 4096)
			s += (uint64_t)spin_buf[i];
	}
	spin_sink = s;
}

static void *sibling_main(void *arg)
{
	(void)arg;
	pin_cpu(1);
	spin_reader(sib_on);
	return NULL;
}

/* One thread's life on region r: guard set-up, frames touched, guard removal,
 * stack released. calls = 0 leaves only the touches. */
static void one_life(char *r, long touch, int calls)
{
	if (calls && (mmap(r, GUARD, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ||
		      mprotect(r, GUARD, PROT_NONE) != 0)) {
		perror("guard");
		exit(1);
	}
	for (long off = STACK - 4096; off >= STACK - touch; off -= 4096)
		r[off] = 1;
	if (calls &&
	    (mmap(r, GUARD, PROT_NONE, MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0) == MAP_FAILED ||
	     madvise(r + GUARD, STACK - GUARD, MADV_DONTNEED) != 0)) {
		perror("release");
		exit(1);
	}
	if (!calls)
		madvise(r + GUARD, STACK - GUARD, MADV_DONTNEED) == 0 ? (void)0 : exit(1);
}

/* The control: CPU ns of a call-free arithmetic loop of fixed length (no
 * memory traffic, no kernel entry), to tell a slower core (a busy SMT
 * sibling, frequency) from a slower page-table path. */
static double compute_trial(void)
{
	uint64_t x = spin_sink + 1;
	int64_t c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	for (long i = 0; i < 20000000; i++)
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	spin_sink = x;
	return (double)(clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0) / 1000;
}

enum { ALONE, OTHER, SIBLING, MODES };
static const char *mode_name[MODES] = { "alone", "other_proc", "sibling" };

/* Switch the spinners to mode m and let the change take effect. */
static void set_mode(int m)
{
	STORE(proc_on, m == OTHER);
	STORE(sib_on, m == SIBLING);
	usleep(5000);
}

/* CPU ns per life of the calling thread (pinned to CPU 0), one trial. */
static double trial(char *r, long touch, int calls)
{
	int64_t c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	for (int i = 0; i < LOOPS; i++)
		one_life(r, touch, calls);
	return (double)(clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0) / LOOPS;
}

int main(int argc, char **argv)
{
	long touch = (argc > 1 ? atol(argv[1]) : 16) * 1024;
	if (touch < 4096 || touch > STACK - GUARD) {
		fprintf(stderr, "stack_remap: TOUCH_KIB must be 4..%d\n", (STACK - GUARD) / 1024);
		return 2;
	}
	char *r = mmap(NULL, STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	spin_buf = mmap(NULL, 64 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int *flags = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED || spin_buf == MAP_FAILED || flags == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memset(spin_buf, 1, 64 * 4096);
	proc_on = &flags[0];
	sib_on = &flags[16];
	pin_cpu(0);
	pid_t pid = fork();
	if (pid == 0) {
		pin_cpu(1);
		spin_reader(proc_on);
		_exit(0);
	}
	pthread_t sib;
	pthread_create(&sib, NULL, sibling_main, NULL);
	(void)trial(r, touch, 1); /* warm-up */

	/* modes interleaved trial by trial, so a neighbour's load drifting over
	 * the run weighs on every mode alike */
	double v[2][MODES][TRIALS], cv[MODES][TRIALS];
	for (int t = 0; t < TRIALS; t++)
		for (int m = 0; m < MODES; m++) {
			set_mode(m);
			v[1][m][t] = trial(r, touch, 1);
			v[0][m][t] = trial(r, touch, 0);
			cv[m][t] = compute_trial();
		}
	STORE(proc_on, 2);
	STORE(sib_on, 2);
	pthread_join(sib, NULL);
	waitpid(pid, NULL, 0);

	printf("stack_remap: CPU per Java-thread life (%ld KiB of stack touched, then released), %d x %d lives, medians\n",
	       touch / 1024, TRIALS, LOOPS);
	printf("  %-12s %12s %12s %12s %14s\n", "CPU 1", "life", "no_guard", "guard calls", "control loop");
	double med[2][MODES], cmed[MODES];
	for (int m = 0; m < MODES; m++) {
		for (int c = 0; c < 2; c++)
			med[c][m] = stats_of(v[c][m], TRIALS).med;
		cmed[m] = stats_of(cv[m], TRIALS).med;
		printf("  %-12s %9.1f ns %9.1f ns %9.1f ns %11.1f us\n", mode_name[m], med[1][m], med[0][m], med[1][m] - med[0][m],
		       cmed[m]);
	}
	printf("  (life: 3 guard calls + %ld KiB of first touches + madvise(DONTNEED) of the stack; no_guard: without the 3 guard calls)\n",
	       touch / 1024);
	summary("stack_remap.life.alone", med[1][ALONE], "ns", "per life, CPU 1 idle (or others' load)");
	summary("stack_remap.life.other_proc", med[1][OTHER], "ns", "per life, another process spins on CPU 1");
	summary("stack_remap.life.sibling", med[1][SIBLING], "ns", "per life, a thread of this process spins on CPU 1");
	summary("stack_remap.control_slowdown", cmed[OTHER] / cmed[ALONE], "x", "control loop, other_proc / alone");
	summary("stack_remap.busy_extra", med[1][OTHER] - med[1][ALONE], "ns", "other_proc - alone");
	summary("stack_remap.shootdown_extra", med[1][SIBLING] - med[1][OTHER], "ns", "sibling - other_proc");
	report_background();
	return 0;
}
