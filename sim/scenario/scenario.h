/* sim/scenario/scenario.h — a scenario as validated configuration structs.
 *
 * The loader (sim/scenario/scenario.c) reads YAML with libyaml, applies --set
 * overrides to the document tree, checks every key, type and unit, applies
 * the documented defaults and fills these structs. Everything downstream
 * trusts them: no later layer re-validates. The loader must not know about
 * models' behaviour, only about their parameters.
 *
 * All durations are sim_ns; sizes are bytes; rates are per second.
 */
#ifndef GMPSIM_SCENARIO_H
#define GMPSIM_SCENARIO_H
#include "types.h"
#include "rng.h"

#define SC_WHERE_CHARS 160  /* "file:line:column" of a key, for messages after loading */

/* ---- distributions: struct dist is the RNG's (sim/core/rng.h) ---------- */

/* ---- ops ----------------------------------------------------------------
 * A program is a flat array of ops. A REPEAT op at index i with body_len B
 * repeats ops[i+1 .. i+B] `count` times, then execution continues at i+1+B.
 * YAML:
 *   - cpu: DIST                 or  - cpu: { <dist keys>, mem: 0.5 }
 *   - syscall: DIST             (blocks the thread in the kernel)
 *   - net: DIST                 (a blocking network wait)
 *   - sleep: DIST
 *   - spawn: { program: NAME, count: N, wait: true|false }
 *   - repeat: { times: N, do: [ ops... ] }
 *   - yield: N                  (N times Gosched / Thread.yield; null = 1)
 *   - cgo: DIST                 (a C call that blocks that long, e.g. C sleep();
 *                                gmp: entersyscall + cgocall; 1:1 models: a native
 *                                call blocking the thread)
 *   - send: CHAN / recv: CHAN / close: CHAN   (a channel declared under
 *                                channels:; op.program holds its index)
 *   - lock: { mutex: NAME, hold: DIST }   (a critical section of `hold` CPU
 *                                under the named mutex; names need no
 *                                declaration; op.program holds its index)
 *   - stack: SIZE               (the task's stack grows to that depth; op.count)
 *   - lock_os_thread: / unlock_os_thread:   (runtime.LockOSThread; no-ops on
 *                                the 1:1 models, where a task is its thread) */
enum op_kind {
	OP_CPU,
	OP_SYSCALL,
	OP_NET,
	OP_SLEEP,
	OP_SPAWN,
	OP_REPEAT,
	OP_YIELD,
	OP_CGO,
	OP_SEND,
	OP_RECV,
	OP_CLOSE,
	OP_LOCK,
	OP_STACK,
	OP_LOCK_OS_THREAD,
	OP_UNLOCK_OS_THREAD,
	OP_ALLOC,
};

struct op {
	enum op_kind kind;
	struct dist d;  /* CPU, SYSCALL, NET, SLEEP, CGO: the duration drawn per execution */
	double mem;     /* CPU: memory intensity in [0,1] (default 0) */
	int program;    /* SPAWN: index into scenario.programs; SEND/RECV/CLOSE: into scenario.channels */
	int64_t count;  /* SPAWN: number of children (>=1); REPEAT: iterations (>=0); YIELD: yields (>=1);
			 * STACK: depth in bytes; ALLOC: bytes allocated */
	bool wait;      /* SPAWN: block until all children have finished (default false) */
	bool temp;      /* ALLOC: garbage at once instead of reachable until the task ends */
	int body_len;   /* REPEAT: number of following ops forming the body */
	int line, col;  /* where the op was written (1-based) */
};

struct program {
	char *name;     /* named programs: their name; a class's program: "workload.<class>" */
	int nops;
	struct op *ops;
};

/* ---- workload -----------------------------------------------------------
 * arrival: { poisson: 10000/s }
 *          { constant: 10000/s }                      (open loop, exactly 1/rate apart)
 *          { closed: { clients: 50, think: DIST } }   (think defaults to 0)
 *          { batch: { count: 1, at: 0s } }            (at defaults to 0s) */
enum arrival_kind {
	ARR_POISSON,
	ARR_CLOSED,
	ARR_BATCH,
	ARR_CONSTANT,
};

struct arrival {
	enum arrival_kind kind;
	double rate;        /* POISSON, CONSTANT: arrivals per second (> 0) */
	int64_t clients;    /* CLOSED: number of clients (>= 1) */
	struct dist think;  /* CLOSED: think time between a response and the next request */
	int64_t count;      /* BATCH: tasks (>= 1) */
	sim_ns at;          /* BATCH: when */
	char where[SC_WHERE_CHARS]; /* "file:line:column" of the arrival, for budget messages */
};

/* channels: { NAME: { capacity: N } }  (capacity defaults to 0: unbuffered) */
struct channel_cfg {
	char *name;
	int64_t capacity;
};

/* colocated: true — the class is load that shares the machine with the
 * service (a load generator, a sidecar, a noisy neighbour): every model
 * runs its tasks the same way, as bare native threads of another process
 * (models/colocated.h), and they are left out of the service's metrics.
 * Its program may only use the ops such a thread can do without the
 * model: cpu, syscall, net, sleep, yield, repeat (checked by the loader). */
struct task_class {
	char *name;
	struct arrival arrival;
	int program;        /* index into scenario.programs */
	bool colocated;     /* workload.<class>.colocated (default false) */
};

/* ---- machine and kernel ------------------------------------------------ */
struct machine_cfg {
	int cores;              /* machine.cores (default 8) */
	int numa_nodes;         /* machine.numa.nodes (default 1); must divide cores unless cores_per_node is set */
	int cores_per_node;     /* machine.numa.cores_per_node (default cores / nodes); nodes*cores_per_node == cores */
	double numa_ratio;      /* machine.numa.ratio: remote/local memory latency (default 2.1, as SLIT 21/10) */
	sim_ns line_local;      /* machine.numa.line_local: a lock's cache line moving to another core of the node */
	sim_ns line_remote;     /* machine.numa.line_remote: ... to a core of another node */
	double *distance;       /* numa_nodes*numa_nodes, row-major, SLIT-like (local 10). From
	                         * machine.numa.distance (a list of lists) when given, else 10 on the
	                         * diagonal and 10*ratio elsewhere. Owned. */
};

/* numactl: how the service's process is started, with numactl(8)'s option
 * names. cpunodebind (nodes) / physcpubind (cores) restrict where its
 * threads may run (sched_setaffinity); membind, interleave, preferred and
 * localalloc choose its memory policy (set_mempolicy), at most one of them.
 * Lists are numactl's: "all", or comma-separated N or N-M ("0", "0,2-3").
 * Default: no binding, local allocation on first touch (MPOL_DEFAULT).
 * Other processes (co-located load) are not bound. */
enum mem_policy {
	MEMPOL_DEFAULT,     /* first touch: the node of the core that first uses it */
	MEMPOL_LOCAL,       /* --localalloc: the same rule, said explicitly (MPOL_LOCAL) */
	MEMPOL_BIND,        /* --membind: only mem_nodes; the toucher's node if in them, else the nearest */
	MEMPOL_PREFERRED,   /* --preferred: that node (memory is never short in the model) */
	MEMPOL_INTERLEAVE,  /* --interleave: pages round-robin over mem_nodes */
};

struct numactl_cfg {
	char *cpunodebind, *physcpubind, *membind, *interleave, *preferred; /* as given; "" = absent */
	bool localalloc;
	int ncpus;              /* cores the service may run on (machine.cores when unbound) */
	uint8_t *cpus;          /* per core, 1 = allowed; NULL when unbound. Owned. */
	enum mem_policy policy;
	uint64_t mem_nodes;     /* BIND, INTERLEAVE: the nodes; PREFERRED: the one node (bit n = node n) */
};

struct kernel_cfg {
	sim_ns switch_cost;        /* kernel.switch: a context switch on a core */
	sim_ns wake_cost;          /* kernel.wake: the waker's CPU for waking a thread (try_to_wake_up) */
	sim_ns wake_idle;          /* kernel.wake_idle: IPI + idle-state exit before a briefly idle core runs the wakee */
	sim_ns wake_idle_deep;     /* kernel.wake_idle_deep: the same for a core idle >= idle_deep_after */
	sim_ns idle_deep_after;    /* kernel.idle_deep_after: e.g. KVM's halt-polling window (halt_poll_ns) */
	sim_ns thread_create;      /* kernel.thread_create: clone + stack mmap, on the creator's CPU */
	sim_ns thread_exit;        /* kernel.thread_exit: on the exiting thread's CPU */
	sim_ns syscall;            /* kernel.syscall: entry + exit of one system call */
	sim_ns timer_slack;        /* kernel.timer_slack: how late a thread's sleep timer fires */
	sim_ns lock_spin;          /* kernel.lock_spin: a futex lock's spin before futex_wait */
	sim_ns page_fault;         /* kernel.page_fault: first touch of a stack page */
	sim_ns stack_remap_busy;   /* kernel.stack_remap_busy: a thread life's page-table work, extra CPU with every other core busy */
	sim_ns sched_latency;      /* kernel.sched_latency: CFS target latency */
	sim_ns min_granularity;    /* kernel.min_granularity: CFS minimum slice */
	sim_ns wakeup_granularity; /* kernel.wakeup_granularity: vruntime lead needed for wake-up preemption */
	sim_ns balance_interval;   /* kernel.balance_interval: periodic load balancing */
	int64_t max_threads;       /* kernel.max_threads: live threads limit (ulimit -u / threads-max) */
	int64_t memory;            /* kernel.memory: committed memory limit, bytes */
	int64_t stack_touch;       /* kernel.stack_touch: stack bytes a new thread commits (touches) */
};

/* ---- models -------------------------------------------------------------- */
/* What the 1:1 models' threads are: HotSpot's platform threads (the seed's
 * Java servers) or bare pthreads. */
enum thread_runtime { RT_JAVA, RT_NATIVE };

struct threads_cfg {
	bool enabled;      /* present under models: */
	int64_t stack;     /* models.threads.stack: reserved stack per thread (default 1MiB, JVM -Xss) */
	sim_ns queue_op;   /* models.threads.queue_op: lock + queue op + unlock of a blocking queue */
	char *runtime_name; /* models.threads.runtime: "java" (default) or "native" */
	enum thread_runtime runtime;
};

/* jvm: what HotSpot adds to a kernel thread, for the 1:1 models with
 * runtime: java (analysis/measure/JavaThreadPhases.java measured them). */
struct jvm_cfg {
	sim_ns start;        /* jvm.start: the creator's CPU in Thread.start() besides kernel.thread_create */
	sim_ns thread_entry; /* jvm.thread_entry: a new thread's CPU before the start handshake */
	sim_ns thread_init;  /* jvm.thread_init: its CPU after the handshake, before run() */
	sim_ns thread_exit;  /* jvm.thread_exit: a thread's exit path besides kernel.thread_exit */
	sim_ns smr_add;      /* jvm.smr_add: the creator's CPU in Thread.start() per live thread (Threads::add) */
	sim_ns smr_remove;   /* jvm.smr_remove: a thread's exit CPU per live thread (Threads::remove, smr_delete) */
	bool threads_lock;   /* jvm.threads_lock: starts and exits take Threads_lock */
	sim_ns start_locked; /* jvm.start_locked: the part of jvm.start under Threads_lock */
	sim_ns exit_locked;  /* jvm.exit_locked: the part of jvm.thread_exit under Threads_lock */
	int64_t threads;     /* jvm.threads: the JVM's own threads besides main (VM thread, GC, JIT ...) */
	int64_t stack_touch; /* jvm.stack_touch: memory a new Java thread commits */
	bool use_numa;       /* jvm.use_numa: -XX:+UseNUMA, eden split per node (memhome.h) */
};

struct pool_cfg {
	bool enabled;
	int64_t workers;   /* models.pool.workers (default 200, Tomcat maxThreads) */
	int64_t stack;     /* models.pool.stack (default 1MiB) */
	sim_ns enqueue;    /* models.pool.enqueue: lock + queue op + unlock, user CPU (default 200ns) */
	int64_t queue;     /* models.pool.queue: queue capacity, 0 = unbounded; a put to a full queue fails the task */
	char *runtime_name; /* models.pool.runtime: "java" (default) or "native" */
	enum thread_runtime runtime;
};

/* An event loop (Java NIO selectors, Netty's EventLoopGroup): see
 * models/evloop/evloop.h. */
struct evloop_cfg {
	bool enabled;
	int64_t loops;     /* models.eventloop.loops: selector threads; 0 = 2 x numactl.ncpus (Netty's default) */
	int64_t workers;   /* models.eventloop.workers: a worker pool for the handlers' work; 0 = none, it runs on the loop */
	int64_t stack;     /* models.eventloop.stack: reserved stack per loop and worker thread */
	sim_ns select;     /* models.eventloop.select: a select()'s Java-side CPU besides epoll_wait */
	sim_ns dispatch;   /* models.eventloop.dispatch: CPU to dispatch one ready event to its handler */
	sim_ns enqueue;    /* models.eventloop.enqueue: a task-queue put (execute(), a hand-off) */
};

struct gmp_model_cfg {
	bool enabled;
	int64_t gomaxprocs;     /* models.gmp.gomaxprocs: 0 = the cores numactl allows (the runtime's ncpu) */
	sim_ns newproc;         /* models.gmp.newproc: creator's CPU for a go statement */
	sim_ns gogo;            /* models.gmp.gogo: user-level switch to a G (execute + gogo) */
	sim_ns runqput;         /* models.gmp.runqput: one run-queue or timer-heap operation */
	sim_ns steal;           /* models.gmp.steal: one steal attempt on one victim P */
	sim_ns netpoll;         /* models.gmp.netpoll: a non-blocking netpoll (epoll_wait) */
	sim_ns signal;          /* models.gmp.signal: SIGURG delivery + asyncPreempt on the target */
	sim_ns schedule;        /* models.gmp.schedule: one pass of schedule/findRunnable's checks */
	sim_ns sysmon_cycle;    /* models.gmp.sysmon_cycle: one sysmon loop iteration */
	sim_ns newm;            /* models.gmp.newm: creator's CPU in newm besides the clone (allocm, newosproc's sigprocmask pair) */
	sim_ns mstart;          /* models.gmp.mstart: a new M's CPU from clone to its first schedule (mstart, minit) */
	sim_ns runnext_backoff; /* models.gmp.runnext_backoff: usleep(3) before stealing a running P's runnext */
	sim_ns cgocall;         /* models.gmp.cgocall: cgocall + asmcgocall overhead per C call */
	sim_ns chan;            /* models.gmp.chan: one channel operation (lock, copy, unlock) */
	sim_ns procyield;       /* models.gmp.procyield: one sync.Mutex spin, procyield(30) */
	sim_ns stack_copy;      /* models.gmp.stack_copy: copystack per KiB of the old stack */
	int64_t maxstack;       /* models.gmp.maxstack: maxstacksize, "stack overflow" beyond */
	int64_t stack;          /* models.gmp.stack: initial goroutine stack (stack.go:_StackMin) */
	int64_t mstack;         /* models.gmp.mstack: an M's own stacks (g0 8 KiB + gsignal 32 KiB) */
	int64_t maxmcount;      /* models.gmp.maxmcount: sched.maxmcount, "thread exhaustion" beyond */
};

/* Allocation and garbage collection (the `alloc` op). Go's collector runs
 * in the gmp model; the 1:1 models (a JVM's platform threads) use a
 * young-generation stop-the-world collector when gc.jvm.enabled. */
struct gc_cfg {
	int64_t live_heap;      /* gc.live_heap: long-lived heap, reachable for the whole run */
	int64_t gogc;           /* gc.go.gogc: GOGC percent; -1 = off */
	int64_t heap_minimum;   /* gc.go.heap_minimum: mgcpacer.go defaultHeapMinimum (4 MiB) */
	sim_ns mark_per_mib;    /* gc.go.mark_per_mib: mark CPU per MiB of scan work */
	sim_ns stack_scan;      /* gc.go.stack_scan: mark CPU per goroutine stack scanned */
	sim_ns sweep_term;      /* gc.go.sweep_term: CPU of the STW sweep-termination work */
	sim_ns mark_term;       /* gc.go.mark_term: CPU of the STW mark-termination work */
	sim_ns sweep_per_mib;   /* gc.go.sweep_per_mib: sweep CPU per MiB of heap */
	bool jvm_enabled;       /* gc.jvm.enabled: the 1:1 models collect (a JVM) or not (C) */
	int64_t jvm_young;      /* gc.jvm.young: eden size; a young GC when it fills */
	int64_t jvm_threads;    /* gc.jvm.threads: parallel GC threads; 0 = ParallelGCThreads' rule */
	sim_ns jvm_pause_base;  /* gc.jvm.pause_base: fixed work of a young pause */
	sim_ns jvm_root_scan;   /* gc.jvm.root_scan: pause work per Java thread (stack roots, safepoint state) */
	sim_ns jvm_copy_per_mib;/* gc.jvm.copy_per_mib: pause work per MiB of survivors copied */
	sim_ns jvm_poll;        /* gc.jvm.safepoint_poll: longest a running thread takes to reach a safepoint poll */
	sim_ns jvm_sync;        /* gc.jvm.safepoint_sync: the VM thread's safepoint work per Java thread */
};

struct acceptor_cfg {
	bool enabled;      /* acceptor.enabled (default true) */
	sim_ns accept;     /* acceptor.accept: CPU per connection before the model's start cost (default 5us) */
	int listeners;     /* acceptor.listeners: SO_REUSEPORT listening sockets, each with its accept loop (default 1) */
};

struct output_cfg {
	sim_ns sample;     /* output.sample: time-series sampling interval (default 100ms; 0 = off) */
};

/* A run's budgets (models/runlimits.c, sim/core/budget.h); not model
 * parameters, so not stored in the params table. */
struct limits_cfg {
	int64_t memory;        /* limits.memory: bytes the run's growing state may hold (default 2GiB) */
	int64_t events;        /* limits.events: events per run (default 2e10) */
	int64_t stuck_events;  /* limits.stuck_events: events at one instant of virtual time (default 1e8) */
};

#define SC_MAX_MODELS 8

struct sc_param {
	char *key;   /* flattened path, e.g. "models.pool.workers" */
	char *value; /* resolved value as text, e.g. "200" or "1MiB"/"1048576" */
	char *from;  /* where the value came from: "default", "derived", "scenario FILE:LINE",
			"include FILE:LINE", "profile FILE:LINE" or "--set KEY=VALUE" */
};

struct scenario {
	char *path;         /* file it was loaded from */
	char *name;         /* name (required) */
	char *description;  /* description (default "") */
	sim_ns duration;    /* duration (required, > 0) */
	sim_ns warmup;      /* warmup (default 0, < duration) */
	uint64_t seed;      /* seed (default 1) */

	struct machine_cfg machine;
	struct numactl_cfg numactl;
	struct kernel_cfg kernel;
	struct acceptor_cfg acceptor;
	struct jvm_cfg jvm;
	struct threads_cfg threads;
	struct pool_cfg pool;
	struct gmp_model_cfg gmp;
	struct evloop_cfg evloop;
	struct output_cfg output;
	struct gc_cfg gc;
	struct limits_cfg limits;
	char where_duration[SC_WHERE_CHARS]; /* where duration: was set */
	char where_sample[SC_WHERE_CHARS];   /* where output.sample was set, or "output.sample (default)" */

	int nmodels;                     /* models in the order written under models: */
	const char *models[SC_MAX_MODELS];

	int nclasses;
	struct task_class *classes;
	int nprograms;
	struct program *programs;
	int nchannels;
	struct channel_cfg *channels;
	int nmutexes;                    /* mutexes named by lock ops, in order of first use */
	char **mutexes;

	int nparams;                     /* every resolved parameter, defaults included */
	struct sc_param *params;
};

/* Loads and validates path, applying each "key.path=value" in sets to the
 * document before validation (the value is parsed as YAML, so
 * "workload.req.arrival={poisson: 5000/s}" works; a missing key is added).
 * Returns 0 on success. On failure returns -1 and writes one message
 * "file:line:column: message" into err (for an override, the file part is
 * "--set KEY=VALUE"). Unknown keys get "(did you mean 'x'?)" when a known
 * key is close. The struct is only valid after success; sc_free it. */
int sc_load(const char *path, const char *const *sets, int nsets,
	    struct scenario *out, char *err, size_t errlen);

/* What is merged with a scenario file: a machine profile (below the file's
 * own values and its include:s, above the defaults; NULL for none) and the
 * --set overrides (above everything). */
struct sc_sources {
	const char *profile;
	const char *const *sets;
	int nsets;
};

/* sc_load with a profile: the file's include:s are merged first, then the
 * profile, then the overrides are applied (scenario_include.c). */
int sc_load_from(const char *path, const struct sc_sources *src, struct scenario *out,
		 char *err, size_t errlen);

/* Same, from a YAML string; name is used in error messages as the file. */
int sc_load_string(const char *name, const char *yaml, const char *const *sets,
		   int nsets, struct scenario *out, char *err, size_t errlen);

void sc_free(struct scenario *sc);

/* Index of the model named name in sc->models, or -1. */
int sc_model_index(const struct scenario *sc, const char *name);

/* Index of the program named name, or -1. */
int sc_program_index(const struct scenario *sc, const char *name);

/* The unit a parameter's value has in the results database's params
 * table: "ns" for durations, "B" for sizes, NULL otherwise (counts, flags,
 * text) or for a key that is not in the parameter table. */
const char *sc_param_unit(const char *key);

/* The one-line description of a key of the parameter table, e.g.
 * "CPU cores" for "machine.cores"; also for sections and subtrees read by
 * their own code ("models", "workload", "machine.numa.distance"). NULL for
 * a key without a row (a workload leaf, an unknown key). */
const char *sc_param_doc(const char *key);

#endif
