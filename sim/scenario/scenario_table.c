/* sim/scenario/scenario_table.c — the scenario's parameter table, sc_rows, and
 * everything that reads it: the defaults, the walk of the fixed sections
 * (top level, machine, kernel, acceptor, output, models), the checks that
 * span fields, and the rows' entries in the parameter list.
 *
 * A key is valid exactly when the table has a row at its path or below
 * it, so adding a parameter is adding a row (and a member in scenario.h).
 *
 * Must not: parse the workload grammar (workload: and programs: are only
 * located here; scenario_workload.c reads them), or know how the models
 * behave, only their parameters. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_internal.h"

/* ---- the parameter table ------------------------------------------------- */

enum row_type {
	ROW_INT,      /* int */
	ROW_INT64,    /* int64_t */
	ROW_UINT64,   /* uint64_t */
	ROW_DURATION, /* sim_ns */
	ROW_SIZE,     /* int64_t, bytes */
	ROW_DOUBLE,   /* double */
	ROW_BOOL,     /* bool */
	ROW_STRING,   /* char *, owned */
	ROW_MODEL,    /* bool "enabled": true when the key is present under models: */
	ROW_SECTION,  /* a mapping whose keys are the rows below it */
	ROW_NODE,     /* parsed by its own code after the walk (workload, programs, distance) */
};

#define ROW_REQUIRED 1u /* missing: error at the enclosing mapping */
#define ROW_POSITIVE 2u /* must be > 0, not just >= min */
#define ROW_NONEMPTY 4u /* strings: "" is an error */
#define ROW_NOPARAM 8u  /* not a model parameter: left out of sc->params (the run's budgets) */

struct sc_row {
	const char *path;   /* dotted key */
	enum row_type type;
	size_t offset;      /* into struct scenario (value types and ROW_MODEL) */
	const char *def;    /* default as YAML text; NULL: required, derived or none */
	unsigned flags;
	double min, max;    /* inclusive bounds on numbers; max 0 = none */
	const char *doc;    /* one line; gmpsim validate --print shows it */
};

#define OFF(member) offsetof(struct scenario, member)
#define NO_OFF 0

/* The costs `gmpsim calibrate` measures are this host's (a 2-vCPU KVM guest,
 * AMD EPYC family 26, Linux 6.18; a quiet full run of 2026-12-06 11:34 UTC,
 * analysis/profiles/this-host-2026-12-06c.yaml): analysis/profiles/default.yaml
 * is that run's output (--costs-only) and gives each value's median, spread
 * and program; tests/test_profiles.c checks that it holds exactly these
 * defaults. README.md ("Default costs and where they come from") gives the
 * provenance of every other figure. */
static const struct sc_row sc_rows[] = {
	/* ---- top level ---- */
	{ "name", ROW_STRING, OFF(name), NULL, ROW_REQUIRED | ROW_NONEMPTY, 0, 0, "scenario name" },
	{ "description", ROW_STRING, OFF(description), "", 0, 0, 0, "one line for reports" },
	{ "duration", ROW_DURATION, OFF(duration), NULL, ROW_REQUIRED | ROW_POSITIVE, 0, 0, "simulated time per run" },
	{ "warmup", ROW_DURATION, OFF(warmup), "0", 0, 0, 0, "leading time left out of metrics (< duration)" },
	{ "seed", ROW_UINT64, OFF(seed), "1", 0, 0, 0, "run seed for every random stream" },
	/* ---- machine ---- */
	{ "machine.cores", ROW_INT, OFF(machine.cores), "8", 0, 1, 65536, "CPU cores" },
	{ "machine.numa.nodes", ROW_INT, OFF(machine.numa_nodes), "1", 0, 1, 64, "NUMA nodes; must divide cores" },
	{ "machine.numa.cores_per_node", ROW_INT, OFF(machine.cores_per_node), NULL, 0, 1, 65536, "default cores / nodes" },
	{ "machine.numa.line_local", ROW_DURATION, OFF(machine.line_local), "60ns", 0, 0, 0, "a lock's cache line to another core of the node" },
	{ "machine.numa.line_remote", ROW_DURATION, OFF(machine.line_remote), "200ns", 0, 0, 0, "a lock's cache line to another node" },
	{ "machine.numa.ratio", ROW_DOUBLE, OFF(machine.numa_ratio), "2.1", 0, 1, 0, "remote / local memory latency" },
	{ "machine.numa.distance", ROW_NODE, NO_OFF, NULL, 0, 0, 0, "nodes x nodes SLIT matrix; default 10 local, 10*ratio remote" },
	/* ---- numactl: the service's CPU binding and memory policy (scenario_numactl.c) ---- */
	{ "numactl.cpunodebind", ROW_STRING, OFF(numactl.cpunodebind), "", 0, 0, 0, "nodes whose cores the service may run on (numactl -N); '' = all" },
	{ "numactl.physcpubind", ROW_STRING, OFF(numactl.physcpubind), "", 0, 0, 0, "cores the service may run on (numactl -C); '' = all" },
	{ "numactl.membind", ROW_STRING, OFF(numactl.membind), "", 0, 0, 0, "memory only from these nodes (numactl -m)" },
	{ "numactl.interleave", ROW_STRING, OFF(numactl.interleave), "", 0, 0, 0, "memory pages round-robin over these nodes (numactl -i)" },
	{ "numactl.preferred", ROW_STRING, OFF(numactl.preferred), "", 0, 0, 0, "memory from this node (numactl --preferred)" },
	{ "numactl.localalloc", ROW_BOOL, OFF(numactl.localalloc), "false", 0, 0, 0, "memory on the node that first touches it (numactl -l; the default policy)" },
	/* ---- kernel ---- */
	{ "kernel.switch", ROW_DURATION, OFF(kernel.switch_cost), "1us", 0, 0, 0, "context switch on a core" },
	{ "kernel.wake", ROW_DURATION, OFF(kernel.wake_cost), "4.8us", 0, 0, 0, "waker's CPU for a wake-up" },
	{ "kernel.wake_idle", ROW_DURATION, OFF(kernel.wake_idle), "8.6us", 0, 0, 0, "IPI + idle exit before a briefly idle core runs the wakee" },
	{ "kernel.wake_idle_deep", ROW_DURATION, OFF(kernel.wake_idle_deep), "43us", 0, 0, 0, "the same for a core idle longer than idle_deep_after" },
	{ "kernel.idle_deep_after", ROW_DURATION, OFF(kernel.idle_deep_after), "200us", 0, 0, 0, "idle time after which a wake-up is deep (KVM halt_poll_ns)" },
	{ "kernel.thread_create", ROW_DURATION, OFF(kernel.thread_create), "7.3us", 0, 0, 0, "clone + stack mmap" },
	{ "kernel.thread_exit", ROW_DURATION, OFF(kernel.thread_exit), "17us", 0, 0, 0, "thread start-up + teardown CPU" },
	{ "kernel.syscall", ROW_DURATION, OFF(kernel.syscall), "1us", 0, 0, 0, "system call entry + exit" },
	{ "kernel.page_fault", ROW_DURATION, OFF(kernel.page_fault), "1us", 0, 0, 0, "first touch of a stack page (minor fault)" },
	{ "kernel.stack_remap_busy", ROW_DURATION, OFF(kernel.stack_remap_busy), "60us", 0, 0, 0, "a thread life's stack page-table work (faults, guard zone, release): extra CPU when every other core is busy" },
	{ "kernel.lock_spin", ROW_DURATION, OFF(kernel.lock_spin), "1us", 0, 0, 0, "a futex lock's spin before it sleeps" },
	{ "kernel.timer_slack", ROW_DURATION, OFF(kernel.timer_slack), "50us", 0, 0, 0, "a sleeping thread's timer fires this late (PR_SET_TIMERSLACK default)" },
	{ "kernel.sched_latency", ROW_DURATION, OFF(kernel.sched_latency), "6ms", 0, 100000, 1e9, "CFS target latency (Linux's sysctl range: 100us..1s)" },
	{ "kernel.min_granularity", ROW_DURATION, OFF(kernel.min_granularity), "750us", 0, 100000, 1e9, "CFS minimum slice (Linux's sysctl range: 100us..1s)" },
	{ "kernel.wakeup_granularity", ROW_DURATION, OFF(kernel.wakeup_granularity), "1ms", 0, 0, 0, "vruntime lead for wake-up preemption" },
	{ "kernel.balance_interval", ROW_DURATION, OFF(kernel.balance_interval), "4ms", ROW_POSITIVE, 0, 0, "periodic load balancing" },
	{ "kernel.max_threads", ROW_INT64, OFF(kernel.max_threads), "32768", 0, 1, 0, "live threads limit" },
	{ "kernel.memory", ROW_SIZE, OFF(kernel.memory), "24GiB", 0, 0, 0, "committed memory limit" },
	{ "kernel.stack_touch", ROW_SIZE, OFF(kernel.stack_touch), "8800", 0, 0, 0, "stack a new thread commits" },
	/* ---- acceptor and output ---- */
	{ "acceptor.enabled", ROW_BOOL, OFF(acceptor.enabled), "true", 0, 0, 0, "an acceptor thread hands out connections" },
	{ "acceptor.accept", ROW_DURATION, OFF(acceptor.accept), "5us", 0, 0, 0, "acceptor CPU per connection" },
	{ "acceptor.listeners", ROW_INT, OFF(acceptor.listeners), "1", 0, 1, 4096, "SO_REUSEPORT listening sockets, an accept loop each" },
	{ "output.sample", ROW_DURATION, OFF(output.sample), "100ms", 0, 0, 0, "time-series interval; 0 = off" },
	/* ---- a run's budgets (models/runlimits.c; README "Reliability") ---- */
	{ "limits.memory", ROW_SIZE, OFF(limits.memory), "2GiB", ROW_NOPARAM, 1048576, 0, "bytes a run's growing state may hold" },
	{ "limits.events", ROW_INT64, OFF(limits.events), "20000000000", ROW_NOPARAM, 1, 0, "events a run may fire" },
	{ "limits.stuck_events", ROW_INT64, OFF(limits.stuck_events), "100000000", ROW_NOPARAM, 1, 0, "events at one instant of virtual time before the run fails" },
	/* ---- allocation and GC (gc.go: the gmp model; gc.jvm: threads and pool) ---- */
	{ "gc.live_heap", ROW_SIZE, OFF(gc.live_heap), "0", 0, 0, 0, "long-lived heap, reachable all run" },
	{ "gc.go.gogc", ROW_INT64, OFF(gc.gogc), "100", 0, -1, 1000000, "GOGC percent; -1 = off" },
	{ "gc.go.heap_minimum", ROW_SIZE, OFF(gc.heap_minimum), "4MiB", 0, 0, 0, "defaultHeapMinimum (scaled by GOGC/100)" },
	{ "gc.go.mark_per_mib", ROW_DURATION, OFF(gc.mark_per_mib), "1.1ms", ROW_POSITIVE, 0, 0, "mark CPU per MiB of scan work" },
	{ "gc.go.stack_scan", ROW_DURATION, OFF(gc.stack_scan), "900ns", 0, 0, 0, "mark CPU per goroutine stack" },
	{ "gc.go.sweep_term", ROW_DURATION, OFF(gc.sweep_term), "18us", 0, 0, 0, "STW sweep-termination work" },
	{ "gc.go.mark_term", ROW_DURATION, OFF(gc.mark_term), "4us", 0, 0, 0, "STW mark-termination work" },
	{ "gc.go.sweep_per_mib", ROW_DURATION, OFF(gc.sweep_per_mib), "20us", 0, 0, 0, "sweep CPU per MiB of heap" },
	{ "gc.jvm.enabled", ROW_BOOL, OFF(gc.jvm_enabled), "true", 0, 0, 0, "threads/pool collect like a JVM" },
	{ "gc.jvm.young", ROW_SIZE, OFF(gc.jvm_young), "64MiB", 0, 65536, 0, "eden size (-Xmn)" },
	{ "gc.jvm.threads", ROW_INT64, OFF(gc.jvm_threads), "0", 0, 0, 1024, "parallel GC threads; 0 = ParallelGCThreads" },
	{ "gc.jvm.pause_base", ROW_DURATION, OFF(gc.jvm_pause_base), "1600us", 0, 0, 0, "fixed work of a young pause" },
	{ "gc.jvm.root_scan", ROW_DURATION, OFF(gc.jvm_root_scan), "7us", 0, 0, 0, "pause work per Java thread" },
	{ "gc.jvm.copy_per_mib", ROW_DURATION, OFF(gc.jvm_copy_per_mib), "1ms", 0, 0, 0, "pause work per MiB of survivors" },
	{ "gc.jvm.safepoint_sync", ROW_DURATION, OFF(gc.jvm_sync), "230ns", 0, 0, 0, "VM thread's safepoint bookkeeping per Java thread (serial)" },
	{ "gc.jvm.safepoint_poll", ROW_DURATION, OFF(gc.jvm_poll), "20us", 0, 0, 0, "longest a running thread takes to reach a poll" },
	/* ---- the JVM of the 1:1 models' runtime: java (analysis/measure/JavaThreadPhases.java) ---- */
	{ "jvm.start", ROW_DURATION, OFF(jvm.start), "57us", 0, 0, 0, "creator CPU in Thread.start() besides kernel.thread_create" },
	{ "jvm.thread_entry", ROW_DURATION, OFF(jvm.thread_entry), "5us", 0, 0, 0, "a new Java thread's CPU before the start handshake (thread_native_entry)" },
	{ "jvm.thread_init", ROW_DURATION, OFF(jvm.thread_init), "63us", 0, 0, 0, "its CPU after the handshake, before run() (JavaThread::run)" },
	{ "jvm.thread_exit", ROW_DURATION, OFF(jvm.thread_exit), "100us", 0, 0, 0, "a Java thread's exit path besides kernel.thread_exit" },
	{ "jvm.smr_add", ROW_DURATION, OFF(jvm.smr_add), "26ns", 0, 0, 0, "creator CPU in Thread.start() per live thread (ThreadsSMRSupport::add_thread)" },
	{ "jvm.smr_remove", ROW_DURATION, OFF(jvm.smr_remove), "20ns", 0, 0, 0, "a Java thread's exit CPU per live thread (ThreadsSMRSupport::remove_thread, smr_delete)" },
	{ "jvm.threads_lock", ROW_BOOL, OFF(jvm.threads_lock), "true", 0, 0, 0, "Thread.start() and thread exits take HotSpot's Threads_lock (held across the start handshake)" },
	{ "jvm.start_locked", ROW_DURATION, OFF(jvm.start_locked), "10us", 0, 0, 0, "the part of jvm.start under Threads_lock (new JavaThread, prepare, Threads::add)" },
	{ "jvm.exit_locked", ROW_DURATION, OFF(jvm.exit_locked), "20us", 0, 0, 0, "the part of jvm.thread_exit under Threads_lock (Threads::remove, smr_delete: half each)" },
	{ "jvm.threads", ROW_INT64, OFF(jvm.threads), "18", 0, 0, 100000, "the JVM's own threads besides main (VM thread, GC, JIT, ...)" },
	{ "jvm.stack_touch", ROW_SIZE, OFF(jvm.stack_touch), "16000", 0, 0, 0, "memory a new Java thread commits" },
	{ "jvm.use_numa", ROW_BOOL, OFF(jvm.use_numa), "false", 0, 0, 0, "-XX:+UseNUMA: eden split per node, each thread allocates on its own" },
	/* ---- models: one block per model; its ROW_MODEL row enables it ---- */
	{ "models", ROW_SECTION, NO_OFF, NULL, ROW_REQUIRED, 0, 0, "the models to run, at least one" },

	{ "models.threads", ROW_MODEL, OFF(threads.enabled), NULL, 0, 0, 0, "one kernel thread per task" },
	{ "models.threads.stack", ROW_SIZE, OFF(threads.stack), "1MiB", 0, 0, 0, "reserved stack per thread (-Xss)" },
	{ "models.threads.queue_op", ROW_DURATION, OFF(threads.queue_op), "200ns", 0, 0, 0, "lock + queue op + unlock (a channel op)" },
	{ "models.threads.runtime", ROW_STRING, OFF(threads.runtime_name), "java", 0, 0, 0, "java (HotSpot platform threads) or native (pthreads)" },

	{ "models.pool", ROW_MODEL, OFF(pool.enabled), NULL, 0, 0, 0, "fixed pool of kernel threads serving a queue" },
	{ "models.pool.workers", ROW_INT64, OFF(pool.workers), "200", 0, 1, 0, "worker threads (Tomcat maxThreads)" },
	{ "models.pool.stack", ROW_SIZE, OFF(pool.stack), "1MiB", 0, 0, 0, "reserved stack per worker" },
	{ "models.pool.enqueue", ROW_DURATION, OFF(pool.enqueue), "200ns", 0, 0, 0, "lock + queue op + unlock" },
	{ "models.pool.queue", ROW_INT64, OFF(pool.queue), "0", 0, 0, 0, "queue capacity; 0 = unbounded" },
	{ "models.pool.runtime", ROW_STRING, OFF(pool.runtime_name), "java", 0, 0, 0, "java (a ThreadPoolExecutor's platform threads) or native (pthreads)" },

	{ "models.gmp", ROW_MODEL, OFF(gmp.enabled), NULL, 0, 0, 0, "Go GMP scheduler (Go 1.19)" },
	{ "models.gmp.gomaxprocs", ROW_INT64, OFF(gmp.gomaxprocs), "0", 0, 0, 65536, "Ps; 0 = the cores numactl allows (all by default)" },
	{ "models.gmp.newproc", ROW_DURATION, OFF(gmp.newproc), "69ns", 0, 0, 0, "creator's CPU per go statement" },
	{ "models.gmp.gogo", ROW_DURATION, OFF(gmp.gogo), "59ns", 0, 0, 0, "user-level switch to a G" },
	{ "models.gmp.runqput", ROW_DURATION, OFF(gmp.runqput), "12ns", 0, 0, 0, "one run-queue or timer-heap operation" },
	{ "models.gmp.steal", ROW_DURATION, OFF(gmp.steal), "130ns", 0, 0, 0, "one steal attempt on one P" },
	{ "models.gmp.netpoll", ROW_DURATION, OFF(gmp.netpoll), "1.1us", 0, 0, 0, "a non-blocking netpoll" },
	{ "models.gmp.signal", ROW_DURATION, OFF(gmp.signal), "14us", 0, 0, 0, "SIGURG delivery + asyncPreempt" },
	{ "models.gmp.schedule", ROW_DURATION, OFF(gmp.schedule), "100ns", 0, 0, 0, "one pass of findRunnable's checks" },
	{ "models.gmp.sysmon_cycle", ROW_DURATION, OFF(gmp.sysmon_cycle), "500ns", 0, 0, 0, "one sysmon iteration" },
	{ "models.gmp.newm", ROW_DURATION, OFF(gmp.newm), "79us", 0, 0, 0, "creator's CPU per new M besides kernel.thread_create (allocm)" },
	{ "models.gmp.mstart", ROW_DURATION, OFF(gmp.mstart), "0", 0, 0, 0, "a new M's CPU before its first schedule (mstart, minit)" },
	{ "models.gmp.runnext_backoff", ROW_DURATION, OFF(gmp.runnext_backoff), "3us", 0, 0, 0, "usleep(3) before stealing runnext" },
	{ "models.gmp.chan", ROW_DURATION, OFF(gmp.chan), "30ns", 0, 0, 0, "one channel operation (lock, copy, unlock)" },
	{ "models.gmp.procyield", ROW_DURATION, OFF(gmp.procyield), "600ns", 0, 0, 0, "one sync.Mutex spin: procyield(30)" },
	{ "models.gmp.stack_copy", ROW_DURATION, OFF(gmp.stack_copy), "100ns", 0, 0, 0, "copystack per KiB of the old stack" },
	{ "models.gmp.maxstack", ROW_SIZE, OFF(gmp.maxstack), "1000000000", 0, 1024, 1099511627776.0, "maxstacksize (proc.go:main)" },
	{ "models.gmp.cgocall", ROW_DURATION, OFF(gmp.cgocall), "100ns", 0, 0, 0, "cgocall + asmcgocall per C call" },
	{ "models.gmp.stack", ROW_SIZE, OFF(gmp.stack), "2KiB", 0, 1024, 1073741824.0, "initial goroutine stack (_StackMin)" },
	{ "models.gmp.mstack", ROW_SIZE, OFF(gmp.mstack), "40KiB", 0, 0, 0, "an M's g0 (8 KiB) + gsignal (32 KiB) stacks" },
	{ "models.gmp.maxmcount", ROW_INT64, OFF(gmp.maxmcount), "10000", 0, 1, 0, "sched.maxmcount" },

	/* Java NIO selector threads (analysis/measure/SelectorCosts.java measured the costs) */
	{ "models.eventloop", ROW_MODEL, OFF(evloop.enabled), NULL, 0, 0, 0, "event loop: selector threads multiplexing connections (Java NIO, Netty)" },
	{ "models.eventloop.loops", ROW_INT64, OFF(evloop.loops), "0", 0, 0, 4096, "selector threads; 0 = 2 x the CPUs the process may use (Netty)" },
	{ "models.eventloop.workers", ROW_INT64, OFF(evloop.workers), "0", 0, 0, 100000, "worker pool for the handlers' work; 0 = run it on the loop" },
	{ "models.eventloop.stack", ROW_SIZE, OFF(evloop.stack), "1MiB", 0, 0, 0, "reserved stack per loop or worker thread" },
	{ "models.eventloop.select", ROW_DURATION, OFF(evloop.select), "280ns", 0, 0, 0, "a select()'s Java-side CPU besides epoll_wait (SelectorCosts select_now - kernel.syscall)" },
	{ "models.eventloop.dispatch", ROW_DURATION, OFF(evloop.dispatch), "60ns", 0, 0, 0, "CPU to dispatch one ready event to its handler (SelectorCosts dispatch)" },
	{ "models.eventloop.enqueue", ROW_DURATION, OFF(evloop.enqueue), "200ns", 0, 0, 0, "a task-queue put: execute(), a hand-off, a posted completion" },
	/* ---- workload ---- */
	{ "workload", ROW_NODE, NO_OFF, NULL, ROW_REQUIRED, 0, 0, "task classes: arrival + program" },
	{ "programs", ROW_NODE, NO_OFF, NULL, 0, 0, 0, "named programs for spawn" },
	{ "channels", ROW_NODE, NO_OFF, NULL, 0, 0, 0, "named channels: { NAME: { capacity: N } }" },
	{ "sweep", ROW_NODE, NO_OFF, NULL, 0, 0, 0, "sweep axes and reps: read by gmpsim sweep (sim/study/sweep_plan.c), ignored here" },
};

#define NROWS NELEMS(sc_rows)

_Static_assert(NROWS <= SC_MAX_ROWS, "sc_rows outgrew SC_MAX_ROWS (struct loader's row_node)");

/* ---- table rows ---------------------------------------------------------- */

static int row_index(const char *path)
{
	for (int i = 0; i < NROWS; i++)
		if (strcmp(sc_rows[i].path, path) == 0)
			return i;
	return -1;
}

int sc__row_node(const struct loader *ld, const char *path)
{
	return ld->row_node[row_index(path)];
}

static enum vkind row_kind(enum row_type type)
{
	switch (type) {
	case ROW_INT: case ROW_INT64: return VK_INT;
	case ROW_UINT64: return VK_UINT;
	case ROW_DURATION: return VK_DURATION;
	case ROW_SIZE: return VK_SIZE;
	case ROW_DOUBLE: return VK_NUMBER;
	case ROW_BOOL: case ROW_MODEL: return VK_BOOL;
	default: return VK_STRING;
	}
}

static void *row_ptr(struct scenario *sc, const struct sc_row *r)
{
	return (char *)sc + r->offset;
}

/* Stores v into the struct field of row r; -1 only when out of memory. */
static int row_store(struct scenario *sc, const struct sc_row *r, const union value *v)
{
	void *p = row_ptr(sc, r);
	switch (r->type) {
	case ROW_INT: *(int *)p = (int)v->i; break;
	case ROW_INT64: case ROW_DURATION: case ROW_SIZE: *(int64_t *)p = v->i; break;
	case ROW_UINT64: *(uint64_t *)p = v->u; break;
	case ROW_DOUBLE: *(double *)p = v->d; break;
	case ROW_BOOL: case ROW_MODEL: *(bool *)p = v->b; break;
	case ROW_STRING: {
		char *copy = strdup(v->s);
		if (!copy)
			return -1;
		free(*(char **)p);
		*(char **)p = copy;
		break;
	}
	default: break;
	}
	return 0;
}

/* The number a row's range applies to; false for kinds without a range. */
static bool row_number(const struct sc_row *r, const union value *v, double *x)
{
	switch (r->type) {
	case ROW_INT: case ROW_INT64: case ROW_DURATION: case ROW_SIZE: *x = (double)v->i; return true;
	case ROW_DOUBLE: *x = v->d; return true;
	default: return false;
	}
}

static int check_row_range(struct loader *ld, const struct sc_row *r, int node, const union value *v)
{
	char d[DESCRIBE_CHARS];
	double x;
	if (r->type == ROW_STRING && (r->flags & ROW_NONEMPTY) && !*v->s)
		return yt_fail(ld->t, node, "%s must not be empty", r->path);
	if (!row_number(r, v, &x))
		return 0;
	if ((r->flags & ROW_POSITIVE) && !(x > 0))
		return yt_fail(ld->t, node, "%s must be > 0, got %s", r->path, sc__describe(ld, node, d));
	const char *unit = r->type == ROW_DURATION ? " ns" : r->type == ROW_SIZE ? " bytes" : "";
	if (x < r->min)
		return yt_fail(ld->t, node, "%s must be >= %.15g%s, got %s", r->path, r->min, unit, sc__describe(ld, node, d));
	if (r->max != 0 && x > r->max)
		return yt_fail(ld->t, node, "%s must be <= %.15g%s, got %s", r->path, r->max, unit, sc__describe(ld, node, d));
	return 0;
}

static int row_from_node(struct loader *ld, int ri, int node)
{
	const struct sc_row *r = &sc_rows[ri];
	union value v;
	if (sc__node_value(ld, node, row_kind(r->type), &v) || check_row_range(ld, r, node, &v))
		return -1;
	return row_store(ld->sc, r, &v) ? sc__oom(ld, node) : 0;
}

/* Stores every row's default. A default that does not parse, or an int row
 * without a bound that keeps it in an int, is a bug in the table. */
int sc__set_defaults(struct loader *ld)
{
	for (int i = 0; i < NROWS; i++) {
		const struct sc_row *r = &sc_rows[i];
		if (r->type == ROW_INT && (r->max == 0 || r->max > INT_MAX || r->min < INT_MIN))
			return yt_fail(ld->t, 0, "internal error: int row %s needs bounds", r->path);
		if (!r->def)
			continue;
		union value v;
		char why[128];
		if (sc__parse_text(row_kind(r->type), r->def, &v, why, sizeof why))
			return yt_fail(ld->t, 0, "internal error: default of %s: %s", r->path, why);
		if (row_store(ld->sc, r, &v))
			return sc__oom(ld, 0);
	}
	return 0;
}

/* ---- walking the fixed sections ------------------------------------------ */

#define MAX_CHILDREN 32
#define SEGMENT_CHARS 32

/* The distinct next path segments of the rows below prefix ("" = top). */
struct children {
	int n;
	const char *names[MAX_CHILDREN];
	char store[MAX_CHILDREN][SEGMENT_CHARS];
};

/* The part of path below prefix, or NULL when path is not below it. */
static const char *below(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	if (n == 0)
		return path;
	if (strncmp(path, prefix, n) != 0 || path[n] != '.')
		return NULL;
	return path + n + 1;
}

static void add_child(struct children *c, const char *seg, size_t len)
{
	for (int i = 0; i < c->n; i++)
		if (strlen(c->names[i]) == len && strncmp(c->names[i], seg, len) == 0)
			return;
	if (c->n == MAX_CHILDREN || len >= SEGMENT_CHARS)
		return; /* the table is ours: cannot happen */
	memcpy(c->store[c->n], seg, len);
	c->store[c->n][len] = '\0';
	c->names[c->n] = c->store[c->n];
	c->n++;
}

static void collect_children(const char *prefix, struct children *c)
{
	c->n = 0;
	for (int i = 0; i < NROWS; i++) {
		const char *rest = below(sc_rows[i].path, prefix);
		if (rest)
			add_child(c, rest, strcspn(rest, "."));
	}
}

static int walk_section(struct loader *ld, int map, const char *prefix);

/* The models present under models: are enabled, in the order written. */
static int enable_model(struct loader *ld, int ri, int key, int value)
{
	const struct sc_row *r = &sc_rows[ri];
	struct scenario *sc = ld->sc;
	const char *name = r->path + strlen("models.");
	if (sc->nmodels == SC_MAX_MODELS)
		return yt_fail(ld->t, key, "too many models (at most %d)", SC_MAX_MODELS);
	*(bool *)row_ptr(sc, r) = true;
	sc->models[sc->nmodels++] = name;
	return walk_section(ld, value, r->path);
}

static int use_key(struct loader *ld, const char *path, int key, int value)
{
	int ri = row_index(path);
	if (ri < 0)
		return walk_section(ld, value, path); /* machine, kernel, ... */
	ld->row_node[ri] = value;
	switch (sc_rows[ri].type) {
	case ROW_SECTION: return walk_section(ld, value, path);
	case ROW_NODE: return 0;
	case ROW_MODEL: return enable_model(ld, ri, key, value);
	default: return row_from_node(ld, ri, value);
	}
}

/* Required rows directly below prefix must have been given. */
static int check_required(struct loader *ld, int map, const char *prefix)
{
	for (int i = 0; i < NROWS; i++) {
		const char *rest = below(sc_rows[i].path, prefix);
		if (rest && !strchr(rest, '.') && (sc_rows[i].flags & ROW_REQUIRED) && !ld->row_node[i])
			return yt_fail(ld->t, map, "missing required key '%s'", rest);
	}
	return 0;
}

/* Checks and applies one mapping of the fixed sections; null counts as an
 * empty mapping. */
static int walk_section(struct loader *ld, int map, const char *prefix)
{
	struct yt *t = ld->t;
	if (!yt_is_null(t, map) && !yt_is_mapping(t, map))
		return yt_fail_type(t, map, "a mapping");
	struct children c;
	collect_children(prefix, &c);
	bool models = strcmp(prefix, "models") == 0;
	if (yt_check_keys(t, map, c.names, c.n, models ? "model" : "key", models ? NULL : prefix))
		return -1;
	for (int i = 0; i < yt_len(t, map); i++) {
		char path[128];
		int key = yt_key(t, map, i);
		snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", yt_text(t, key));
		if (use_key(ld, path, key, yt_value(t, map, i)))
			return -1;
	}
	return check_required(ld, map, prefix);
}

/* ---- cross-field checks --------------------------------------------------- */

static int check_times(struct loader *ld)
{
	int wn = ld->row_node[row_index("warmup")], dn = ld->row_node[row_index("duration")];
	char a[DESCRIBE_CHARS], b[DESCRIBE_CHARS];
	if (ld->sc->warmup < ld->sc->duration)
		return 0;
	return yt_fail(ld->t, wn, "warmup %s must be less than duration %s",
		       sc__describe(ld, wn, a), sc__describe(ld, dn, b));
}

static int check_numa(struct loader *ld)
{
	struct machine_cfg *m = &ld->sc->machine;
	int cores_node = ld->row_node[row_index("machine.cores")];
	int nodes_node = ld->row_node[row_index("machine.numa.nodes")];
	int cpn_node = ld->row_node[row_index("machine.numa.cores_per_node")];
	if (cpn_node) {
		if ((int64_t)m->numa_nodes * m->cores_per_node == m->cores)
			return 0;
		return yt_fail(ld->t, cpn_node,
			       "machine.numa.nodes * machine.numa.cores_per_node must equal machine.cores (%d * %d != %d)",
			       m->numa_nodes, m->cores_per_node, m->cores);
	}
	if (m->cores % m->numa_nodes)
		return yt_fail(ld->t, nodes_node ? nodes_node : cores_node,
			       "machine.numa.nodes (%d) must divide machine.cores (%d)",
			       m->numa_nodes, m->cores);
	m->cores_per_node = m->cores / m->numa_nodes;
	return 0;
}

static int distance_row(struct loader *ld, int row, int i)
{
	struct yt *t = ld->t;
	int n = ld->sc->machine.numa_nodes;
	char d[DESCRIBE_CHARS];
	if (!yt_is_sequence(t, row))
		return yt_fail_type(t, row, "a sequence (a row of the distance matrix)");
	if (yt_len(t, row) != n)
		return yt_fail(t, row, "machine.numa.distance row must have %d entries (one per node), got %d",
			       n, yt_len(t, row));
	for (int j = 0; j < n; j++) {
		int cell = yt_item(t, row, j);
		union value v;
		if (sc__node_value(ld, cell, VK_NUMBER, &v))
			return -1;
		if (!(v.d > 0))
			return yt_fail(t, cell, "machine.numa.distance entries must be > 0, got %s",
				       sc__describe(ld, cell, d));
		ld->sc->machine.distance[i * n + j] = v.d;
	}
	return 0;
}

/* machine.distance is always filled: from the matrix when given, else 10
 * on the diagonal and 10*ratio elsewhere (SLIT convention). */
static int load_distance(struct loader *ld)
{
	struct machine_cfg *m = &ld->sc->machine;
	struct yt *t = ld->t;
	int n = m->numa_nodes, node = ld->row_node[row_index("machine.numa.distance")];
	m->distance = calloc((size_t)n * (size_t)n, sizeof *m->distance);
	if (!m->distance)
		return sc__oom(ld, node);
	if (!node || yt_is_null(t, node)) {
		for (int i = 0; i < n * n; i++)
			m->distance[i] = i / n == i % n ? 10 : 10 * m->numa_ratio;
		return 0;
	}
	if (!yt_is_sequence(t, node))
		return yt_fail_type(t, node, "a sequence of rows");
	if (yt_len(t, node) != n)
		return yt_fail(t, node, "machine.numa.distance must have %d rows (one per node), got %d",
			       n, yt_len(t, node));
	for (int i = 0; i < n; i++)
		if (distance_row(ld, yt_item(t, node, i), i))
			return -1;
	return 0;
}

/* models.threads.runtime / models.pool.runtime: java or native. */
static int check_runtime(struct loader *ld, const char *key, const char *name, enum thread_runtime *out)
{
	if (!name || strcmp(name, "java") == 0 || strcmp(name, "native") == 0) {
		*out = name && name[0] == 'n' ? RT_NATIVE : RT_JAVA;
		return 0;
	}
	int node = ld->row_node[row_index(key)];
	return yt_fail(ld->t, node ? node : ld->row_node[row_index("models")],
		       "%s must be java or native, got '%s'", key, name);
}

static int check_runtimes(struct loader *ld)
{
	struct scenario *sc = ld->sc;
	return check_runtime(ld, "models.threads.runtime", sc->threads.runtime_name, &sc->threads.runtime) ||
	       check_runtime(ld, "models.pool.runtime", sc->pool.runtime_name, &sc->pool.runtime);
}

static int check_models(struct loader *ld)
{
	if (ld->sc->nmodels > 0)
		return 0;
	char names[128] = "";
	for (int i = 0; i < NROWS; i++) {
		const struct sc_row *r = &sc_rows[i];
		if (r->type != ROW_MODEL)
			continue;
		size_t len = strlen(names);
		snprintf(names + len, sizeof names - len, "%s%s", len ? ", " : "", r->path + strlen("models."));
	}
	return yt_fail(ld->t, ld->row_node[row_index("models")],
		       "models must enable at least one model (%s)", names);
}

/* Where duration: and output.sample were set, for the budgets' messages
 * (models/runlimits.c) after the document is gone. */
static int note_places(struct loader *ld)
{
	struct scenario *sc = ld->sc;
	int dn = ld->row_node[row_index("duration")], sn = ld->row_node[row_index("output.sample")];
	yt_where(ld->t, dn, sc->where_duration, sizeof sc->where_duration);
	if (sn)
		yt_where(ld->t, sn, sc->where_sample, sizeof sc->where_sample);
	else
		snprintf(sc->where_sample, sizeof sc->where_sample, "output.sample (default)");
	return 0;
}

int sc__load_sections(struct loader *ld, int root)
{
	return walk_section(ld, root, "") || note_places(ld) || check_times(ld) || check_numa(ld) ||
	       load_distance(ld) || sc__load_numactl(ld) || check_models(ld) || check_runtimes(ld) ? -1 : 0;
}

/* ---- the rows' parameters ------------------------------------------------ */

/* Canonical text of a row's value: integers (durations in ns, sizes in
 * bytes), shortest round-trip doubles, true/false, strings as is. */
static const char *format_row(const struct scenario *sc, const struct sc_row *r, char *buf, size_t len)
{
	const void *p = (const char *)sc + r->offset;
	switch (r->type) {
	case ROW_INT: snprintf(buf, len, "%d", *(const int *)p); break;
	case ROW_INT64: case ROW_DURATION: case ROW_SIZE:
		snprintf(buf, len, "%lld", (long long)*(const int64_t *)p); break;
	case ROW_UINT64: /* the seed, signed as runs.seed stores it (parse_bits64 reads it back) */
		snprintf(buf, len, "%lld", (long long)*(const uint64_t *)p);
		break;
	case ROW_DOUBLE: sc__format_double(*(const double *)p, buf, len); break;
	case ROW_BOOL: case ROW_MODEL: snprintf(buf, len, "%s", *(const bool *)p ? "true" : "false"); break;
	case ROW_STRING: return *(char *const *)p;
	default: return NULL;
	}
	return buf;
}

int sc__table_params(struct loader *ld)
{
	for (int i = 0; i < NROWS; i++) {
		char buf[64];
		const struct sc_row *r = &sc_rows[i];
		const char *v = r->flags & ROW_NOPARAM ? NULL : format_row(ld->sc, r, buf, sizeof buf);
		const char *fallback = r->def || r->type == ROW_MODEL ? "default" : "derived";
		if (v && sc__add_param(ld, r->path, v, ld->row_node[i], fallback))
			return -1;
	}
	return 0;
}

/* ---- units and descriptions for readers of the results -------------------- */

/* The unit a parameter's value is written in (params table): "ns" for
 * durations, "B" for sizes; NULL for other types and unknown keys. */
const char *sc_param_unit(const char *key)
{
	int i = row_index(key);
	if (i < 0)
		return NULL;
	return sc_rows[i].type == ROW_DURATION ? "ns" : sc_rows[i].type == ROW_SIZE ? "B" : NULL;
}

const char *sc_param_doc(const char *key)
{
	int i = row_index(key);
	return i < 0 ? NULL : sc_rows[i].doc;
}
