/*
 * stack_commit.c - kernel.stack_touch: memory committed (resident) and
 * reserved (virtual) per idle thread, for 1 MiB and 8 MiB stacks.
 *
 * Method: in a freshly forked child process (so that no thread stack is
 * cached by glibc and no earlier trial's memory is left), read VmRSS and
 * VmSize from /proc/self/status, create 1000 threads with the given stack
 * size that each bump a counter and block on a pthread barrier, wait until
 * all 1000 are blocked, read VmRSS/VmSize again, release and join them.
 *   committed per thread = delta VmRSS / 1000   (pages actually touched:
 *       glibc's struct pthread + static TLS at the top of the stack, the
 *       thread's own frames, the page-table pages are NOT in VmRSS)
 *   reserved  per thread = delta VmSize / 1000  (stack + guard page mapping)
 * The kernel-side memory per thread (16 KiB kernel stack, task_struct,
 * page tables) is not in VmRSS; KernelStack and PageTables from
 * /proc/meminfo are system-wide and are printed as an indication only (other
 * processes on the machine change them too).
 * 5 trials per stack size, each in its own process.
 */
#include "common.h"
#include <sys/wait.h>

enum { THREADS = 1000, TRIALS = 5 };

static pthread_barrier_t barrier;
static volatile int arrived;

static void *idle_thread(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&arrived, 1, __ATOMIC_ACQ_REL);
	pthread_barrier_wait(&barrier);
	return NULL;
}

static long status_kb(const char *file, const char *key)
{
	char line[256];
	long v = -1;
	size_t k = strlen(key);
	FILE *f = fopen(file, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, key, k) == 0 && line[k] == ':') {
			v = atol(line + k + 1);
			break;
		}
	fclose(f);
	return v;
}

struct result {
	double rss, vsz, kstack, ptab; /* bytes per thread */
};

static void trial(size_t stack, int fd)
{
	pthread_attr_t attr;
	static pthread_t th[THREADS];
	struct result r;

	pthread_barrier_init(&barrier, NULL, THREADS + 1);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, stack);
	long rss0 = status_kb("/proc/self/status", "VmRSS");
	long vsz0 = status_kb("/proc/self/status", "VmSize");
	long ks0 = status_kb("/proc/meminfo", "KernelStack");
	long pt0 = status_kb("/proc/meminfo", "PageTables");
	for (int i = 0; i < THREADS; i++)
		if (pthread_create(&th[i], &attr, idle_thread, NULL) != 0) {
			perror("pthread_create");
			_exit(1);
		}
	while (LOAD(&arrived) < THREADS)
		usleep(1000);
	usleep(20000); /* all are inside pthread_barrier_wait (futex wait) by now */
	long rss1 = status_kb("/proc/self/status", "VmRSS");
	long vsz1 = status_kb("/proc/self/status", "VmSize");
	long ks1 = status_kb("/proc/meminfo", "KernelStack");
	long pt1 = status_kb("/proc/meminfo", "PageTables");
	pthread_barrier_wait(&barrier);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	r.rss = (rss1 - rss0) * 1024.0 / THREADS;
	r.vsz = (vsz1 - vsz0) * 1024.0 / THREADS;
	r.kstack = (ks1 - ks0) * 1024.0 / THREADS;
	r.ptab = (pt1 - pt0) * 1024.0 / THREADS;
	if (write(fd, &r, sizeof r) != sizeof r)
		_exit(1);
	_exit(0);
}

int main(void)
{
	size_t sizes[] = { 1 << 20, 8 << 20 };
	const char *keys[] = { "stack_commit.1MiB", "stack_commit.8MiB" };
	printf("stack_commit: %d idle threads (blocked on a barrier), %d trials per stack size, "
	       "bytes per thread\n", THREADS, TRIALS);
	for (int s = 0; s < 2; s++) {
		double rss[TRIALS], vsz[TRIALS], ks[TRIALS], pt[TRIALS];
		for (int t = 0; t < TRIALS; t++) {
			int p[2];
			struct result r;
			if (pipe(p) != 0) {
				perror("pipe");
				return 1;
			}
			pid_t pid = fork();
			if (pid == 0) {
				close(p[0]);
				trial(sizes[s], p[1]);
			}
			close(p[1]);
			if (read(p[0], &r, sizeof r) != sizeof r) {
				fprintf(stderr, "trial failed\n");
				return 1;
			}
			close(p[0]);
			waitpid(pid, NULL, 0);
			rss[t] = r.rss;
			vsz[t] = r.vsz;
			ks[t] = r.kstack;
			pt[t] = r.ptab;
		}
		printf(" [stack %zu KiB]\n", sizes[s] >> 10);
		struct stats sr = stats_of(rss, TRIALS), sv = stats_of(vsz, TRIALS),
			     sk = stats_of(ks, TRIALS), sp = stats_of(pt, TRIALS);
		printf("  %-44s median %9.0f B    min %9.0f  max %9.0f\n", "committed (dVmRSS / thread)", sr.med, sr.min, sr.max);
		printf("  %-44s median %9.0f B    min %9.0f  max %9.0f\n", "reserved  (dVmSize / thread)", sv.med, sv.min, sv.max);
		printf("  %-44s median %9.0f B    min %9.0f  max %9.0f\n", "kernel stack (system-wide dKernelStack)", sk.med, sk.min, sk.max);
		printf("  %-44s median %9.0f B    min %9.0f  max %9.0f\n", "page tables (system-wide dPageTables)", sp.med, sp.min, sp.max);
		char key[64];
		snprintf(key, sizeof key, "%s.committed", keys[s]);
		summary(key, sr.med, "B", "dVmRSS per idle thread");
		snprintf(key, sizeof key, "%s.reserved", keys[s]);
		summary(key, sv.med, "B", "dVmSize per idle thread");
		snprintf(key, sizeof key, "%s.kernel", keys[s]);
		summary(key, sk.med + sp.med, "B", "dKernelStack + dPageTables per thread (system-wide)");
	}
	report_background();
	return 0;
}
