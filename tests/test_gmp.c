/* tests/test_gmp.c — the gmp model pinned to the Go 1.19 runtime source.
 * Every expectation comes from runtime/proc.go's rules (cited), not from
 * the model's own output. */
#include "testrun.h"
#include "testqueue.h"
#include "gmp_sched.h"
#include <math.h>
#include <signal.h>
#include <sys/wait.h>

/* ---- run-queue arithmetic, on the data structures themselves ---------- */

static struct gmp *one_p(int nprocs)
{
	struct gmp *s = calloc(1, sizeof *s);
	s->nprocs = nprocs;
	s->allp = calloc((size_t)nprocs, sizeof *s->allp);
	for (int i = 0; i < nprocs; i++)
		s->allp[i].status = P_RUNNING;
	return s;
}

static void free_p(struct gmp *s, struct task *gs)
{
	free(s->allp);
	free(s);
	free(gs);
}

/* proc.go:newproc puts each new G in runnext, kicking the old one to the
 * ring; the 257th kick finds the ring full and runqputslow moves 128 + 1 to
 * the global queue. 300 Gs: runnext 1, ring 299 - 129 = 170, global 129. */
static void test_newproc_300_without_yielding(void **state)
{
	(void)state;
	struct gmp *s = one_p(1);
	struct task *g = calloc(300, sizeof *g);
	for (int i = 0; i < 300; i++)
		gmp_runqput(s, &s->allp[0], &g[i], true);
	assert_ptr_equal(s->allp[0].runnext, &g[299]);
	assert_int_equal(gmp_runqlen(&s->allp[0]), 170);
	assert_int_equal(s->runq.len, 129);
	/* the global batch is the ring's first 128 (G1..G128) then the kicked G257 */
	assert_ptr_equal(s->runq.head, &g[0]);
	assert_ptr_equal(s->runq.tail, &g[256]);
	free_p(s, g);
}

/* proc.go:runqgrab: n - n/2 of a victim's n queued Gs. */
static void test_steal_takes_ceiling_half(void **state)
{
	(void)state;
	for (uint32_t n = 1; n <= 40; n++) {
		struct gmp *s = one_p(2);
		struct task *g = calloc(n, sizeof *g);
		for (uint32_t i = 0; i < n; i++)
			gmp_runqput(s, &s->allp[1], &g[i], false);
		struct task *got = gmp_runqsteal(s, &s->allp[0], &s->allp[1], false);
		uint32_t want = n - n / 2;
		assert_non_null(got);
		assert_int_equal(1 + gmp_runqlen(&s->allp[0]), want);
		assert_int_equal(gmp_runqlen(&s->allp[1]), n - want);
		free_p(s, g);
	}
}

/* runnext is stolen only when allowed (the last pass) and the ring is empty. */
static void test_runnext_steal_rules(void **state)
{
	(void)state;
	struct gmp *s = one_p(2);
	struct task *g = calloc(2, sizeof *g);
	gmp_runqput(s, &s->allp[1], &g[0], true);
	assert_null(gmp_runqsteal(s, &s->allp[0], &s->allp[1], false));
	assert_ptr_equal(gmp_runqsteal(s, &s->allp[0], &s->allp[1], true), &g[0]);
	assert_null(s->allp[1].runnext);
	free_p(s, g);
}

/* proc.go:globrunqget: min(size, size/GOMAXPROCS + 1, max, 128). */
static void test_globrunqget_batch(void **state)
{
	(void)state;
	struct gmp *s = one_p(4);
	struct task *g = calloc(1000, sizeof *g);
	for (int i = 0; i < 100; i++)
		gmp_globrunqput(s, &g[i]);
	assert_ptr_equal(gmp_globrunqget(s, &s->allp[0], 0), &g[0]);
	assert_int_equal(gmp_runqlen(&s->allp[0]), 25);   /* 100/4 + 1 = 26 taken */
	assert_int_equal(s->runq.len, 74);
	assert_ptr_equal(gmp_globrunqget(s, &s->allp[1], 1), &g[26]);
	assert_int_equal(gmp_runqlen(&s->allp[1]), 0);
	for (int i = 100; i < 1000; i++)
		gmp_globrunqput(s, &g[i]);
	gmp_globrunqget(s, &s->allp[2], 0);  /* 973/4 + 1 = 244, capped at 128 */
	assert_int_equal(gmp_runqlen(&s->allp[2]), 127);
	free_p(s, g);
}

/* Illegal G and P transitions stop the program (runtime: throw). */
static int dies(void (*fn)(void))
{
	pid_t pid = fork();
	if (pid == 0) {
		fclose(stderr);
		fn();
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT;
}

static void waiting_to_running(void)
{
	struct task g = { .gstate = G_WAITING };
	gmp_casgstatus(&g, G_WAITING, G_RUNNING);  /* must go through Grunnable */
}

static void runnable_claimed_waiting(void)
{
	struct task g = { .gstate = G_RUNNABLE };
	gmp_casgstatus(&g, G_WAITING, G_RUNNABLE);  /* the G is not where the caller thinks */
}

static void idle_to_syscall(void)
{
	struct gmp_p p = { .status = P_IDLE };
	gmp_caspstatus(&p, P_IDLE, P_SYSCALL);
}

static void legal_chain(void)
{
	struct task g = { .gstate = G_IDLE };
	gmp_casgstatus(&g, G_IDLE, G_RUNNABLE);
	gmp_casgstatus(&g, G_RUNNABLE, G_RUNNING);
	gmp_casgstatus(&g, G_RUNNING, G_SYSCALL);
	gmp_casgstatus(&g, G_SYSCALL, G_RUNNABLE);
	struct gmp_p p = { .status = P_IDLE };
	gmp_caspstatus(&p, P_IDLE, P_RUNNING);
	gmp_caspstatus(&p, P_RUNNING, P_SYSCALL);
	gmp_caspstatus(&p, P_SYSCALL, P_IDLE);
}

static void test_illegal_transitions_abort(void **state)
{
	(void)state;
	assert_true(dies(waiting_to_running));
	assert_true(dies(runnable_claimed_waiting));
	assert_true(dies(idle_to_syscall));
	assert_false(dies(legal_chain));
}

/* ---- whole-model behaviour ------------------------------------------------ */

#define M tr_metric

/* GOMAXPROCS=1, 4 CPU-bound Gs: sysmon's retake preempts after the same
 * schedtick has been seen for forcePreemptNS (10 ms); sysmon notices a new
 * tick up to one period (10 ms when idle) late, so slices are 10-30 ms. */
static void test_cpu_hogs_share_one_p(void **state)
{
	(void)state;
	struct run_result r = tr_run(
		"name: hogs\nduration: 10s\nmachine: { cores: 2 }\nacceptor: { enabled: false }\n"
		"models: { gmp: { gomaxprocs: 1 } }\nworkload:\n  hog:\n    arrival: { batch: { count: 4 } }\n"
		"    program: [ { cpu: 1s } ]\n", "gmp", NULL, 0);
	assert_int_equal((int)M(&r, "tasks_completed"), 4);
	/* round robin: even the first to finish needed nearly all 4 s */
	assert_true(M(&r, "latency_p50") > 3.9e9 && M(&r, "latency_max") < 4.1e9);
	assert_true(M(&r, "preempt_slice_min") >= 10e6);
	assert_true(M(&r, "preempt_slice_max") <= 30e6 + 1e6);  /* + the signal and switch */
	assert_true(M(&r, "preemptions") >= 4e9 / 30e6 && M(&r, "preemptions") <= 4e9 / 10e6);
	res_free(&r);
}

/* K Gs in 200 ms blocking syscalls with GOMAXPROCS=2 and CPU work waiting:
 * sysmon retakes each syscall P (it has local work, or nobody spins/idles),
 * handoffp starts an M for it: K Ms in syscalls + 2 running + sysmon, and
 * idle Ms are never freed. */
static void test_syscalls_grow_threads_that_never_shrink(void **state)
{
	(void)state;
	struct run_result r = tr_run(
		"name: sys\nduration: 3s\nmachine: { cores: 4 }\nacceptor: { enabled: false }\n"
		"models: { gmp: { gomaxprocs: 2 } }\nworkload:\n"
		"  io:\n    arrival: { batch: { count: 20 } }\n    program: [ { syscall: 200ms } ]\n"
		"  hog:\n    arrival: { batch: { count: 4 } }\n    program: [ { cpu: 500ms } ]\n",
		"gmp", NULL, 0);
	double peak = M(&r, "ms_peak");
	fprintf(stderr, "syscalls: %g Ms at peak, %g at the end, %g retakes\n",
		peak, M(&r, "threads_end"), M(&r, "syscall_retakes"));
	assert_true(peak >= 20 + 2 + 1 && peak <= 20 + 2 + 2);
	assert_true(M(&r, "threads_end") == M(&r, "threads_peak"));
	assert_true(M(&r, "syscall_retakes") >= 20);
	assert_int_equal((int)M(&r, "tasks_completed"), 24);
	res_free(&r);
}

/* The seed article's program: 100,000 Gs each sleeping 1 ns. An M is only
 * created (startm → newm) when no idle M exists, so every non-sysmon M holds
 * a P or is the single M blocked in netpoll: at most GOMAXPROCS + 2 threads. */
static void sleepers(const char *procs)
{
	char set[64];
	snprintf(set, sizeof set, "models.gmp.gomaxprocs=%s", procs);
	const char *sets[] = { set };
	struct run_result r = tr_run(
		"name: spawn\nduration: 5s\nmachine: { cores: 8 }\nacceptor: { enabled: false }\n"
		"models: { gmp: {} }\nworkload:\n  main:\n    arrival: { batch: { count: 1 } }\n"
		"    program: [ { spawn: { program: sleeper, count: 100000, wait: true } } ]\n"
		"programs:\n  sleeper: [ { sleep: 1ns } ]\n", "gmp", sets, 1);
	int p = atoi(procs);
	fprintf(stderr, "100k sleepers, GOMAXPROCS=%d: %g Ms, done in %.1f ms\n", p,
		M(&r, "ms_peak"), M(&r, "latency_max") / 1e6);
	assert_int_equal((int)M(&r, "children_completed"), 100000);
	assert_int_equal((int)M(&r, "tasks_completed"), 1);
	assert_true(M(&r, "ms_peak") <= p + 2);
	res_free(&r);
}

static void test_100k_sleepers(void **state)
{
	(void)state;
	sleepers("1");
	sleepers("2");
	sleepers("8");
}

/* A G woken by a timer on an idle system: the blocking netpoll sleeps until
 * the timer (netpoll_epoll.go rounds waits below 1 ms up to 1 ms). */
static void test_timer_wakeup_on_idle_system(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: t\nduration: 1s\nmachine: { cores: 2 }\nacceptor: { enabled: false }\n"
		"models: { gmp: {} }\nworkload:\n  one:\n    arrival: { batch: { count: 1, at: 100ms } }\n"
		"    program: [ { sleep: 5ms }, { cpu: 1us } ]\n";
	struct run_result r = tr_run(yaml, "gmp", NULL, 0);
	/* 5 ms, then at most: idle exit, switches, syscalls, netpoll, runtime ops */
	double over = M(&r, "latency_max") - 5e6 - 1e3;
	fprintf(stderr, "5 ms sleep took %.1f us more\n", over / 1e3);
	assert_true(over >= 0 && over < 100e3);
	const char *sets[] = { "workload.one.program.0.sleep=100us" };
	struct run_result q = tr_run(yaml, "gmp", sets, 1);
	fprintf(stderr, "100 us sleep took %.1f us\n", M(&q, "latency_max") / 1e3);
	assert_true(M(&q, "latency_max") >= 1e6);
	res_free(&r);
	res_free(&q);
}

/* An open-loop service making a blocking syscall, 2 cores, GOMAXPROCS 8,
 * arrivals from an in-process generator goroutine (`go handle()` after its
 * time.Sleep): each request starts from the generator P's runnext with the
 * time slice inherited (proc.go:runqget, execute), so that P's schedtick
 * stays put and retake's forcePreemptNS rule (sysretake) takes it from its
 * syscall even once sysmon has backed off to 10 ms and every P's
 * syscalltick changes between its ticks; the retake resets sysmon's delay
 * to 20 us. At 1,500/s (23% CPU) the service keeps up and its median is
 * the request's own 5.3 ms plus scheduling, as Go 1.19 on 2 vCPUs shows.
 * Before the generator was modelled, arrivals entered the global queue
 * from no P and each bumped a schedtick: sysmon stayed at 10 ms, 8 Ms
 * cycled on 8 lent Ps (8 / 5.3 ms = 1,509/s) and the median grew to 72 ms. */
/* The same service behind the accept goroutine (the default acceptor) falls
 * into sysmon's 10 ms trap and stays there, as a real go1.19 server does
 * (analysis/measure/go/acceptcliff: runtime counters show sysmon at 10 ms with
 * no retake for seconds, the accept goroutine in the global queue, Gs queued
 * on local runqs). Every path that runs a G on a P bumps its schedtick: the
 * accept goroutine comes from netpoll (proc.go:findRunnable returns it with
 * inheritTime=false; sysmon's netpoll injects it into the global queue) and
 * the handlers it kicked out of runnext come from the local ring
 * (proc.go:runqget: inheritTime only for runnext), so no P keeps its
 * schedtick for forcePreemptNS and retake never sysretakes; 5 ms syscalls
 * are never seen on two 10 ms ticks. Requests queue behind the 8 Ps' syscalls
 * although the CPU is mostly idle. */
static void test_acceptor_syscall_service_falls_into_sysmon_trap(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: t\nduration: 4s\nwarmup: 1s\nmachine: { cores: 2 }\n"
		"models: { gmp: { gomaxprocs: 8 } }\nworkload:\n  req:\n    arrival: { poisson: 1500/s }\n"
		"    program: [ { cpu: 150us }, { syscall: 5ms }, { cpu: 150us } ]\n";
	struct run_result r = tr_run(yaml, "gmp", NULL, 0);
	fprintf(stderr, "acceptor syscall service: p50 %.2f ms, p99 %.2f ms, cpu %.0f%%, %g retakes\n",
		M(&r, "latency_p50") / 1e6, M(&r, "latency_p99") / 1e6, 100 * M(&r, "cpu_utilization"),
		M(&r, "syscall_retakes"));
	assert_true(M(&r, "cpu_utilization") < 0.5);
	assert_true(M(&r, "latency_p50") > 2 * 5.3e6);              /* queued behind syscalls */
	assert_true(M(&r, "syscall_retakes") < 0.05 * M(&r, "tasks_completed"));  /* sysmon trapped */
	res_free(&r);
}

/* A goroutine readied by a timer that stealWork ran on another P's heap
 * runs with its time slice inherited: stealWork returns `runqget(pp)`'s
 * inheritTime (proc.go:2952-2953 → findRunnable:2670-2674 → schedule:3252
 * execute(gp, inheritTime), which bumps schedtick only without it, 2535).
 * The shape: the in-process generator (time.Sleep, then `go handle()`) at
 * 200/s, each request an 8 ms syscall, GOMAXPROCS 4 on 2 cores. The
 * generator's timer sits on the P it last ran on, which is then lent to
 * the request it started (runnext, inherited), so another P runs that timer
 * through stealWork; the generator and every request come from runnext and
 * no schedtick moves after start-up. So from 10 ms on, retake's
 * forcePreemptNS rule (sysretake, proc.go:5315-5319) holds on every P in a
 * syscall and skips the "seen on two ticks" rule, and since syscallwhen is
 * then stale the idle-P guard (proc.go:5333) does not hold either: sysmon
 * retakes each syscall it sees, and each retake resets its delay to 20 us
 * (proc.go:sysmon `if retake(now) != 0 { idle = 0 }`), so with a syscall
 * starting every 5 ms it never backs off to 10 ms. Were the time slice not
 * inherited, every arrival would bump a schedtick, no 8 ms syscall could be
 * retaken (two or more idle Ps, syscallwhen + 10 ms > now) and sysmon would
 * sit at 10 ms. */
static void test_timer_stolen_by_stealwork_inherits_time(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: t\nduration: 2s\nwarmup: 0s\nmachine: { cores: 2 }\nacceptor: { enabled: false }\n"
		"models: { gmp: { gomaxprocs: 4 } }\nworkload:\n  req:\n    arrival: { constant: 200/s }\n"
		"    program: [ { syscall: 8ms } ]\n";
	struct run_result r = tr_run(yaml, "gmp", NULL, 0);
	double done = M(&r, "tasks_completed");
	fprintf(stderr, "stolen timer: %g requests, %g retakes, %g sysretakes, sysmon %g cycles (%g at 10 ms)\n",
		done, M(&r, "syscall_retakes"), M(&r, "sysmon_sysretakes"), M(&r, "sysmon_cycles"),
		M(&r, "sysmon_cycles_10ms"));
	assert_true(done >= 395);                                   /* 2 s at 200/s */
	assert_true(M(&r, "syscall_retakes") >= done - 5);          /* all but the first 10 ms' */
	assert_true(M(&r, "sysmon_sysretakes") >= M(&r, "syscall_retakes") - 5);
	assert_true(M(&r, "sysmon_cycles_10ms") == 0);
	res_free(&r);
}

static void test_syscall_service_keeps_up_at_low_cpu(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: t\nduration: 4s\nwarmup: 1s\nmachine: { cores: 2 }\nacceptor: { enabled: false }\n"
		"models: { gmp: { gomaxprocs: 8 } }\nworkload:\n  req:\n    arrival: { poisson: 1500/s }\n"
		"    program: [ { cpu: 150us }, { syscall: 5ms }, { cpu: 150us } ]\n";
	struct run_result r = tr_run(yaml, "gmp", NULL, 0);
	fprintf(stderr, "syscall service: p50 %.2f ms, p99 %.2f ms, cpu %.0f%%, %g retakes\n",
		M(&r, "latency_p50") / 1e6, M(&r, "latency_p99") / 1e6, 100 * M(&r, "cpu_utilization"),
		M(&r, "syscall_retakes"));
	assert_true(M(&r, "cpu_utilization") < 0.6);
	assert_true(M(&r, "latency_p50") < 2 * 5.3e6);   /* no queue: the request itself */
	assert_true(M(&r, "latency_p99") < 50e6);
	res_free(&r);
}

/* A G parked in the netpoller on an idle system: the M blocked in netpoll
 * wakes when the fd is ready (epoll_wait returns) and runs it at once. */
static void test_netpoll_wakeup_on_idle_system(void **state)
{
	(void)state;
	struct run_result r = tr_run(
		"name: n\nduration: 1s\nmachine: { cores: 2 }\nacceptor: { enabled: false }\n"
		"models: { gmp: {} }\nworkload:\n  one:\n    arrival: { batch: { count: 1, at: 100ms } }\n"
		"    program: [ { net: 5ms }, { cpu: 1us } ]\n", "gmp", NULL, 0);
	double over = M(&r, "latency_max") - 5e6 - 1e3;
	fprintf(stderr, "5 ms network wait took %.1f us more\n", over / 1e3);
	assert_true(over >= 0 && over < 100e3);
	assert_true(M(&r, "netpoll_blocking") >= 1);
	res_free(&r);
}

/* proc.go:checkmcount — more Ms than sched.maxmcount is fatal ("thread
 * exhaustion"): the run fails, it does not go on with fewer threads. */
static void test_thread_exhaustion_fails_the_run(void **state)
{
	(void)state;
	struct scenario sc;
	char err[512];
	const char *yaml =
		"name: ex\nduration: 2s\nmachine: { cores: 2 }\nacceptor: { enabled: false }\n"
		"models: { gmp: { gomaxprocs: 2, maxmcount: 8 } }\nworkload:\n"
		"  io:\n    arrival: { batch: { count: 20 } }\n    program: [ { syscall: 500ms } ]\n"
		"  hog:\n    arrival: { batch: { count: 2 } }\n    program: [ { cpu: 1s } ]\n";
	assert_int_equal(sc_load_string("ex.yaml", yaml, NULL, 0, &sc, err, sizeof err), 0);
	struct run_result r;
	assert_int_equal(run_model(&sc, "gmp", &r, err, sizeof err), 1);
	assert_non_null(strstr(err, "thread exhaustion"));
	assert_string_equal(r.status, "failed");
	res_free(&r);
	sc_free(&sc);
}

/* runtime.Gosched puts the G on the global queue's tail: two Gs on one P
 * alternating 10 us of work with Gosched finish together; without it the
 * first runs its whole 1 ms (no preemption before 10 ms). */
static void test_gosched_interleaves(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: y\nduration: 1s\nmachine: { cores: 2 }\nacceptor: { enabled: false }\n"
		"models: { gmp: { gomaxprocs: 1 } }\nworkload:\n  two:\n    arrival: { batch: { count: 2 } }\n"
		"    program: [ { repeat: { times: 100, do: [ { cpu: 10us }, { yield: 1 } ] } } ]\n";
	struct run_result y = tr_run(yaml, "gmp", NULL, 0);
	const char *sets[] = { "workload.two.program.0.repeat.do.1={ cpu: 0ns }" };
	struct run_result n = tr_run(yaml, "gmp", sets, 1);
	assert_true(M(&y, "latency_max") - M(&y, "latency_p50") < 0.1e6);
	assert_true(M(&n, "latency_max") - M(&n, "latency_p50") > 0.4e6);
	assert_int_equal((int)M(&y, "tasks_completed"), 2);
	res_free(&y);
	res_free(&n);
}

/* cgocall.go:cgocall = entersyscall + asmcgocall + exitsyscall: K Gs
 * blocked in C calls with CPU work waiting grow the Ms like syscalls do
 * (K + GOMAXPROCS + sysmon), and each call costs the cgocall overhead. */
static void test_cgo_is_a_syscall_for_the_scheduler(void **state)
{
	(void)state;
	struct run_result r = tr_run(
		"name: cgo\nduration: 3s\nmachine: { cores: 4 }\nacceptor: { enabled: false }\n"
		"models: { gmp: { gomaxprocs: 2 } }\nworkload:\n"
		"  c:\n    arrival: { batch: { count: 10 } }\n    program: [ { cgo: 200ms } ]\n"
		"  hog:\n    arrival: { batch: { count: 4 } }\n    program: [ { cpu: 500ms } ]\n",
		"gmp", NULL, 0);
	assert_true(M(&r, "ms_peak") >= 10 + 2 + 1 && M(&r, "ms_peak") <= 10 + 2 + 2);
	assert_true(M(&r, "syscall_retakes") >= 10);
	assert_int_equal((int)M(&r, "tasks_completed"), 14);
	res_free(&r);
}

/* runtime.LockOSThread: a locked G that blocks makes its M stoplockedm
 * (hand off the P, sleep); when the G is readied another M finds it and
 * startlockedm hands that M's P over: one hand-off per wake-up, 100 for
 * 100 sleeps. Unlocked first, none. A G that exits locked takes its
 * thread with it (goexit0 → mexit). */
static void test_lock_os_thread(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: l\nduration: 2s\nmachine: { cores: 4 }\nacceptor: { enabled: false }\nmodels: { gmp: {} }\n"
		"workload:\n  w:\n    arrival: { batch: { count: 1 } }\n"
		"    program: [ { lock_os_thread: }, { repeat: { times: 100, do: [ { sleep: 1ms }, { cpu: 10us } ] } } ]\n";
	struct run_result locked = tr_run(yaml, "gmp", NULL, 0);
	assert_int_equal((int)M(&locked, "lockedm_handoffs"), 100);
	assert_int_equal((int)M(&locked, "ms_exited"), 1);
	assert_true(M(&locked, "threads_end") == M(&locked, "threads_peak") - 1);
	const char *unlock[] = { "workload.w.program.0={unlock_os_thread: }" };
	struct run_result free_ = tr_run(yaml, "gmp", unlock, 1);
	assert_int_equal((int)M(&free_, "lockedm_handoffs"), 0);
	assert_int_equal((int)M(&free_, "ms_exited"), 0);
	const char *both[] = { "workload.w.program.2={unlock_os_thread: }" };
	struct run_result released = tr_run(yaml, "gmp", both, 1);
	assert_int_equal((int)M(&released, "lockedm_handoffs"), 100);
	assert_int_equal((int)M(&released, "ms_exited"), 0);  /* unlocked before it exited */
	res_free(&locked);
	res_free(&free_);
	res_free(&released);
}

/* The same locked G under other timings: a new M paying mstart before
 * its first schedule (proc.go:mstart/minit), or GOMAXPROCS 1 on 2 cores.
 * Timing must not change the hand-offs: each of the 100 wake-ups is found
 * by some M that startlockedm's its P to the locked M (100 hand-offs), the
 * G completes, and exiting locked takes the thread. proc.go:startlockedm
 * does incidlelocked(-1) before its stopm's checkdead, so a locked M
 * handed a P is never counted asleep, whether it has a core yet or not:
 * no "all goroutines are asleep" when the handing M was the last running. */
static void test_lock_os_thread_other_timings(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: l\nduration: 2s\nmachine: { cores: 4 }\nacceptor: { enabled: false }\nmodels: { gmp: {} }\n"
		"workload:\n  w:\n    arrival: { batch: { count: 1 } }\n"
		"    program: [ { lock_os_thread: }, { repeat: { times: 100, do: [ { sleep: 1ms }, { cpu: 10us } ] } } ]\n";
	const char *sets[][2] = {
		{ "models.gmp.mstart=1us", "models.gmp.mstart=1us" },
		{ "models.gmp.mstart=36us", "models.gmp.mstart=36us" },
		{ "models.gmp.mstart=100us", "models.gmp.mstart=100us" },
		{ "models.gmp.gomaxprocs=1", "machine.cores=2" },
	};
	for (int i = 0; i < 4; i++) {
		struct run_result r = tr_run(yaml, "gmp", sets[i], 2);
		assert_string_equal(r.status, "complete");
		assert_int_equal((int)M(&r, "tasks_completed"), 1);
		assert_int_equal((int)M(&r, "lockedm_handoffs"), 100);
		assert_int_equal((int)M(&r, "ms_exited"), 1);
		res_free(&r);
	}
}

/* Zero runtime and kernel costs, GOMAXPROCS = cores: M/M/c (Erlang C). */
static void test_gmp_matches_erlang_c(void **state)
{
	(void)state;
	const int c = 4;
	const double s = 1e-3, lambda = 0.7 * c / s;
	char yaml[2048];
	snprintf(yaml, sizeof yaml,
		 "name: mmc\nduration: 200s\nwarmup: 5s\nseed: 4\nmachine: { cores: %d }\n"
		 "kernel: { switch: 0, wake: 0, wake_idle: 0, wake_idle_deep: 0, thread_create: 0,\n"
		 "          thread_exit: 0, syscall: 0, timer_slack: 0 }\n"
		 "acceptor: { enabled: false }\noutput: { sample: 0 }\n"
		 "models: { gmp: { newproc: 0, gogo: 0, runqput: 0, steal: 0, netpoll: 0, signal: 0,\n"
		 "                 schedule: 0, sysmon_cycle: 0, runnext_backoff: 0 } }\n"
		 "workload:\n  req:\n    arrival: { poisson: %.6f/s }\n    program: [ { cpu: { exp: 1ms } } ]\n",
		 c, lambda);
	double expect = mmc_response(c, s, lambda);
	struct run_result r = tr_run(yaml, "gmp", NULL, 0);
	double got = M(&r, "latency_mean") / 1e9;
	fprintf(stderr, "gmp M/M/%d: simulated %.6f s, Erlang C %.6f s (%+.2f%%)\n", c, got, expect,
		100 * (got / expect - 1));
	assert_true(fabs(got / expect - 1) < 0.05);
	res_free(&r);
}

/* Work conservation: a G queued while a P is idle waits only for a spinning
 * M to arrive (wakep → startm: an idle core's deep wake-up, a switch, the
 * futex return); if that M takes other work first, resetspinning wakes
 * another. Bound: 8 such wake-ups. */
static void test_work_conserving(void **state)
{
	(void)state;
	const char *sets[] = { "duration=3s", "warmup=500ms" };
	struct scenario sc;
	char err[256];
	assert_int_equal(sc_load("scenarios/10k_rps.yaml", sets, 2, &sc, err, sizeof err), 0);
	double wake = (double)(sc.kernel.wake_idle_deep + sc.kernel.switch_cost + sc.kernel.syscall);
	struct run_result r = tr_run_loaded(&sc, "gmp");
	fprintf(stderr, "longest idle P with queued Gs: %.1f us (bound %.1f us)\n",
		M(&r, "idle_p_with_work_max") / 1e3, 8 * wake / 1e3);
	assert_true(M(&r, "idle_p_with_work_max") <= 8 * wake);
	res_free(&r);
}

/* --schedtrace's lines follow proc.go:schedtrace's format (CLI test) and
 * the same values go to the timeseries: one sample per interval. */
static void test_schedtrace_series(void **state)
{
	(void)state;
	struct scenario sc;
	char err[256];
	const char *sets[] = { "duration=2s" };
	assert_int_equal(sc_load("scenarios/10k_rps.yaml", sets, 1, &sc, err, sizeof err), 0);
	struct run_opts opts = { .schedtrace = 500 * SIM_NS_PER_MS };
	struct run_result r;
	assert_int_equal(run_model_opts(&sc, "gmp", &opts, &r, err, sizeof err), 0);
	int id = res_series(&r, "sched.threads"), n = 0;
	for (int i = 0; i < r.nsamples; i++)
		n += r.samples[i].name == id;
	assert_int_equal(n, 4);
	res_free(&r);
	sc_free(&sc);
}

/* proc.go:checkdead kills the program only when nothing can ever wake a
 * goroutine: a sleeping G's timer can (the blocked receiver stays a leak),
 * and so can clients connected from outside (a closed loop). */
static void test_checkdead_needs_no_timer_and_no_outside(void **state)
{
	(void)state;
	static const char base[] =
		"name: d\nduration: 1s\nacceptor: { enabled: false }\nchannels: { c: }\nmodels: { gmp: {} }\n"
		"workload:\n  stuck:\n    arrival: { batch: { count: 1 } }\n    program: [ { recv: c } ]\n";
	char sleeper[1024], clients[1024];
	snprintf(sleeper, sizeof sleeper, "%s  sleeper:\n    arrival: { batch: { count: 1 } }\n"
		 "    program: [ { sleep: 10s } ]\n", base);
	snprintf(clients, sizeof clients, "%s  client:\n    arrival: { closed: { clients: 1 } }\n"
		 "    program: [ { recv: c } ]\n", base);
	struct run_result a = tr_run(sleeper, "gmp", NULL, 0), b = tr_run(clients, "gmp", NULL, 0);
	assert_true(M(&a, "chan_blocked_end") == 1 && M(&b, "chan_blocked_end") == 2);
	res_free(&a);
	res_free(&b);
}

/* An unbuffered ping-pong (10,000 round trips) at GOMAXPROCS 2 on 2 cores.
 * Each hand-off readies the peer into runnext and wakep()s; a woken M that
 * finds only that runnext on the running P backs off in usleep(3)
 * (proc.go:runqgrab, "to give _p_ a chance to schedule runnext. This will
 * avoid thrashing gs between different Ps"), holding its P and counted in
 * nmspinning, so the wakeps meanwhile return at once (proc.go:wakep) and the
 * owner runs its runnext first, failing the CAS. So the pair stays on one
 * P: a steal or an M wake-up is rare (real Go 1.19 here: ~0.0004 futex
 * wakes per hand-off, analysis/measure/go/results/handoff_*), and a
 * hand-off costs about what it costs at GOMAXPROCS 1 (the second P adds
 * only the rare wake). Fails when the spinning M steals runnext at once. */
static void test_pingpong_stays_on_one_p(void **state)
{
	(void)state;
	static const char fmt[] =
		"name: pp2\nduration: 2s\nmachine: { cores: 2 }\nacceptor: { enabled: false }\n"
		"models: { gmp: { gomaxprocs: %d } }\nchannels: { a: { capacity: 0 }, b: { capacity: 0 } }\n"
		"workload:\n  ping:\n    arrival: { batch: { count: 1 } }\n"
		"    program: [ { repeat: { times: 10000, do: [ { send: a }, { recv: b } ] } } ]\n"
		"  echo:\n    arrival: { batch: { count: 1 } }\n"
		"    program: [ { repeat: { times: 10000, do: [ { recv: a }, { send: b } ] } } ]\n";
	char y1[1024], y2[1024];
	snprintf(y1, sizeof y1, fmt, 1);
	snprintf(y2, sizeof y2, fmt, 2);
	struct run_result r1 = tr_run(y1, "gmp", NULL, 0), r2 = tr_run(y2, "gmp", NULL, 0);
	const double handoffs = 20000;
	assert_int_equal((int)tr_metric(&r2, "tasks_completed"), 2);
	assert_true(tr_metric(&r2, "steals") / handoffs < 0.01);
	assert_true(tr_metric(&r2, "wakeups") / handoffs < 0.01);
	assert_true(tr_metric(&r2, "latency_max") <= 1.25 * tr_metric(&r1, "latency_max"));
	res_free(&r1);
	res_free(&r2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_newproc_300_without_yielding),
		cmocka_unit_test(test_steal_takes_ceiling_half),
		cmocka_unit_test(test_runnext_steal_rules),
		cmocka_unit_test(test_globrunqget_batch),
		cmocka_unit_test(test_illegal_transitions_abort),
		cmocka_unit_test(test_cpu_hogs_share_one_p),
		cmocka_unit_test(test_syscalls_grow_threads_that_never_shrink),
		cmocka_unit_test(test_100k_sleepers),
		cmocka_unit_test(test_timer_wakeup_on_idle_system),
		cmocka_unit_test(test_syscall_service_keeps_up_at_low_cpu),
		cmocka_unit_test(test_timer_stolen_by_stealwork_inherits_time),
		cmocka_unit_test(test_acceptor_syscall_service_falls_into_sysmon_trap),
		cmocka_unit_test(test_gmp_matches_erlang_c),
		cmocka_unit_test(test_lock_os_thread),
		cmocka_unit_test(test_lock_os_thread_other_timings),
		cmocka_unit_test(test_cgo_is_a_syscall_for_the_scheduler),
		cmocka_unit_test(test_gosched_interleaves),
		cmocka_unit_test(test_netpoll_wakeup_on_idle_system),
		cmocka_unit_test(test_thread_exhaustion_fails_the_run),
		cmocka_unit_test(test_work_conserving),
		cmocka_unit_test(test_schedtrace_series),
		cmocka_unit_test(test_checkdead_needs_no_timer_and_no_outside),
		cmocka_unit_test(test_pingpong_stays_on_one_p),
	};
	return cmocka_run_group_tests_name("gmp", tests, NULL, NULL);
}
