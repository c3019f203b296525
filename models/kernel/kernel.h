/* models/kernel/kernel.h — the kernel model: kernel threads on cores.
 *
 * The kernel owns the cores and decides WHEN a thread gets one; the model
 * that owns a thread (threads, pool, the acceptor, the gmp model's Ms) decides
 * WHAT the thread does. The contract:
 *
 *   - A thread on a core with nothing to do gets its owner's step() call.
 *     step() must call exactly one of kern_run (a CPU burst of known
 *     length and category), kern_block (sleep until kern_wake), kern_yield
 *     or kern_exit on that thread.
 *   - A burst may open with a prefix of overhead in other categories
 *     (kern_run_pre): the prefix is accounted first, each amount to its
 *     own category and without NUMA slowdown, then the work. It lets an
 *     owner pay several instant decisions and the work that follows them
 *     as one burst (one engine event).
 *   - A burst's end calls step() again. Kernel preemption (time slice,
 *     wake-up preemption, load balancing) is invisible to the owner: the
 *     kernel keeps the burst's remainder and resumes it later, as user code
 *     never sees an involuntary context switch.
 *   - kern_wake places a blocked thread (previous core if idle, else an idle
 *     core on the node of the wake-affine target — the waker's core when
 *     it is on another node and less loaded, fair.c: wake_affine —, else
 *     any idle core, else the least loaded) and
 *     delays it by the idle core's wake-up (IPI + idle exit): wake_idle for
 *     a core idle less than idle_deep_after (a VM's halt-polling window, a
 *     shallow C-state), wake_idle_deep after that.
 *     The waker's own CPU (a futex wake) is for the owner to charge with a
 *     burst: the kernel cannot know whether a thread or an interrupt woke.
 *   - Every step() call comes from an engine event, never from inside
 *     another kernel call, so owners never see re-entrant calls.
 *
 * Scheduling is CFS-like, with every thread at nice 0: per-core run queues
 * ordered by virtual runtime, slices of max(sched_latency / nr,
 * min_granularity), sleeper credit of half the target latency, new threads
 * placed one slice behind (START_DEBIT), wake-up preemption when the wakee
 * leads by wakeup_granularity, newly-idle balancing (pull from the busiest
 * core, same node first) and periodic balancing in two scheduler-domain
 * levels (topology.c: sd_init, fair.c: rebalance_domains): within each
 * node every balance_interval, across nodes every balance_interval x
 * nodes (a domain's interval is its span in CPUs) and only for a node
 * with waiting threads — into another node's idle cores, or, when that
 * node is busy too, when its load exceeds the other's by imbalance_pct
 * (117 %).
 *
 * CPU affinity (kern_bind): the service's threads run only on the allowed
 * cores — placement, wake-ups and both balancers skip the others, as
 * can_migrate_task does; foreign threads are not bound. *
 * A core's time is always in exactly one category: task work, runtime
 * overhead, kernel overhead, spinning, or idle. Context switches are kernel
 * overhead on the core that pays them; the idle-state exit of a woken idle
 * core (on a VM: the host rescheduling the vCPU) delays the wakee but burns
 * no guest CPU, so it stays idle time.
 *
 * Foreign threads (kern_create_foreign) belong to another process on the
 * machine than the modelled service (co-located load). They are scheduled
 * like any other thread, but a stop-the-world does not stop them (they
 * are exempt), their thread and stack figures are kept in kern.other
 * instead of kern.st (whose event counters — switches, migrations,
 * wake-ups — stay machine-wide), and the CPU time their cores spend on
 * them (the switch to them included) is accounted in acct as usual and
 * again in foreign_acct, so that a run can tell it apart.
 * Must not know about tasks, programs or any particular model.
 */
#ifndef GMPSIM_KERNEL_H
#define GMPSIM_KERNEL_H
#include "types.h"
#include "engine.h"
#include "machine.h"
#include "tb.h"
#include "mempolicy.h"

struct kernel_cfg;

/* KT_STOPPED: runnable, but held by a stop-the-world (kern_stop_world). */
enum kt_state { KT_RUNNABLE, KT_RUNNING, KT_BLOCKED, KT_DEAD, KT_STOPPED, KT_NSTATES };

/* CPU time categories (CAT_IDLE last). */
/* CAT_GC: a garbage collector's work (Go's mark/sweep/STW work, a JVM's pauses). */
enum cpu_cat { CAT_TASK, CAT_RUNTIME, CAT_KERNEL, CAT_SPIN, CAT_GC, CAT_IDLE, CAT_COUNT };

/* CPU causes (issue 15, `gmpsim explain`): each refines one category
 * (kern_cause_cat), and they are listed in category order, so a prefix
 * paid in cause order is paid in category order. Busy CPU = the sum over
 * the causes, exactly. */
enum cpu_cause {
	CZ_USER,        /* task: the program's own work */
	CZ_RT_SCHED,    /* runtime: scheduler decisions (runqput, schedule, findRunnable, a pool's queue) */
	CZ_RT_THREAD,   /* runtime: a thread's start and exit in the runtime (the JVM's) */
	CZ_RT_OTHER,    /* runtime: anything else */
	CZ_K_SWITCH,    /* kernel: context switches */
	CZ_K_WAKE,      /* kernel: waking a thread (futex wake) */
	CZ_K_THREAD,    /* kernel: thread creation and exit (clone, exit, their futexes) */
	CZ_K_SYSCALL,   /* kernel: system calls (I/O, accept, sched_yield, sysmon's signals) */
	CZ_K_QUEUE,     /* kernel: a start's queue op (see model_start_cost_cause) */
	CZ_K_OTHER,     /* kernel: anything else (page faults) */
	CZ_SPIN_SCHED,  /* spinning Ms looking for work (findRunnable, steals) */
	CZ_SPIN_LOCK,   /* spinning for a lock */
	CZ_GC,          /* a collector's work: mark, assists, pauses */
	CZ_COUNT
};
/* The category each cause refines; the default cause of each category. */
extern const uint8_t kern_cause_cat[CZ_COUNT];
extern const uint8_t kern_cat_cause[CAT_IDLE];

struct kern;
struct kthread;

struct kern_owner_ops {
	/* The thread is running and has no burst: choose its next action. */
	void (*step)(struct kern *k, struct kthread *t);
};

/* Fields in the order the kernel's hot paths read them (accounting, a
 * burst's start and end): the first two cache lines serve an event; the
 * prefix per cause is read only when pre_mask says so. */
/* 256 bytes, each starting a cache line (the pool's chunks are aligned):
 * the fields an event on its core reads first, in the first line. */
struct kthread {
	_Alignas(64) int32_t id;
	uint8_t state;          /* enum kt_state */
	uint8_t burst_cat;      /* enum cpu_cat of the current burst */
	int16_t core;           /* core it runs or last ran on; -1 before its first run */
	int16_t burst_home;     /* NUMA node the burst's memory lives on (-1: none; MACH_HOME_FOOT: burst_foot) */
	int16_t stack_home;     /* node of its stack's pages (first touch, set by the owner); -1: not yet */
	uint16_t pre_mask;      /* the causes whose pre[] is not 0 (only those are read) */
	uint8_t burst_cz;       /* enum cpu_cause of the current burst */
	bool foreign;           /* another process's thread (kern_create_foreign) */
	float burst_mem;        /* memory intensity of the current burst */
	sim_ns cpu_ns;          /* CPU time this thread has run bursts */
	sim_ns burst_left;      /* work left in the current burst, in local-node ns; -1: none */
	sim_ns pre_left;        /* prefix left before the work (sum of pre[]) */
	struct tb_acct *tb;     /* the time breakdown of the task it carries now, or NULL (tb.h) */
	int64_t vruntime;
	uint64_t rq_seq;        /* enqueue order, the run queue's tie-break */
	const struct memfoot *burst_foot; /* the burst's memory when burst_home is MACH_HOME_FOOT */
	const struct kern_owner_ops *ops;
	void *owner;
	struct kern *kern;
	sim_ns pre[CZ_COUNT];   /* prefix left per cause, paid in cause (so category) order */
	int64_t stack_reserved, stack_committed;
	struct eq_event wake_ev; /* a wake-up decided ahead of time (kern_wake_after) */
	int16_t wake_from;      /* its waker's core */
	bool waking;            /* such a wake-up is pending */
	bool exempt;            /* runs on while the world is stopped (a GC thread, a foreign thread) */
	struct kthread *next_free; /* free list (dead), or the stopped list (KT_STOPPED) */
};

/* Two cache lines, each core starting one: an event on the core reads
 * both (accounting in the first); the CPU per category, per cause and the
 * foreign share are the kernel's, summed over the cores as they are
 * charged (struct kern). */
struct kcore {
	_Alignas(64) struct kthread *curr; /* running (or being switched in); NULL when idle */
	uint8_t seg;             /* what the core is doing now (kernel.c: enum seg) */
	int id;
	sim_ns acct_from;        /* time accounted up to */
	sim_ns seg_start;        /* when the current burst segment started */
	sim_ns seg_pre;          /* the running burst's prefix when the segment started */
	int64_t min_vruntime;
	struct kern *kern;
	int32_t nrq, caprq;
	/* second line */
	struct eq_event ev;      /* end of the current segment */
	double factor;           /* NUMA slowdown of the running burst */
	sim_ns slice_end;        /* when curr's slice expires (SIM_NS_MAX: no competitor) */
	sim_ns wake_until;       /* a switch-in segment counts as idle (idle-state exit) until then */
	struct kthread **rq;     /* min-heap by (vruntime, rq_seq): runnable, not running */
	int node;
	sim_ns idle_since;       /* when the core last went idle */
};

struct kern_stats {
	uint64_t switches;           /* a core switches a thread in (from another or from idle) */
	uint64_t involuntary;        /* of which preemptions */
	uint64_t created, create_failures, exited, migrations, wakeups;
	uint64_t migrations_remote;  /* of the migrations, those to another node */
	int64_t live;                /* threads created and not exited */
	int64_t peak_live;
	double live_area;            /* integral of live over time, thread*ns */
	int64_t reserved, committed; /* stack bytes now */
	int64_t peak_reserved, peak_committed;
};

struct kern {
	struct sim *sim;
	const struct kernel_cfg *cfg;
	const struct machine *mach;
	struct kcore *cores;
	int ncores;
	uint64_t next_rq_seq;
	int queued_cores;            /* cores with a thread waiting in their run queue (nrq > 0) */
	struct eq_event balance_ev;
	struct kern_stats st;        /* thread and stack figures: the service's threads only */
	struct kern_stats other;     /* foreign threads: live, created, exited, stacks and their peaks */
	sim_ns area_since;           /* last time live_area was brought up to date */
	/* thread storage: stable chunks with a free list */
	struct kthread **chunks;
	int nchunks, capchunks, chunk_used;
	struct kthread *free_list;
	int32_t next_id;
	bool world_stopped;          /* kern_stop_world is in force */
	struct kthread *stopped_head, *stopped_tail;
	int64_t nstopped;
	void *ctx;                   /* the run that owns this kernel */
	const uint8_t *allowed;      /* per core, the service's threads may run there; NULL: anywhere */
	const struct mpol *mpol;     /* the service's memory policy (interleave set); NULL: default */
	uint64_t balance_ticks;      /* periodic balances so far (the NUMA level runs every nnodes-th) */
	double mem_access;           /* the service's memory-intensive work, sum of mem x ns (local-node ns) */
	double mem_remote;           /* the part of it whose memory was on another node */
	sim_ns acct[CAT_COUNT];      /* ns per category since the start, all cores (idle included) */
	sim_ns cause_acct[CZ_COUNT]; /* ns per cause since the start, all cores (the service's threads only) */
	sim_ns foreign_acct[CAT_COUNT]; /* the part of the cores' acct spent on foreign threads (idle: 0) */
};

int kern_init(struct kern *k, struct sim *sim, const struct kernel_cfg *cfg,
	      const struct machine *mach, void *ctx);
void kern_free(struct kern *k);

/* Binds the service's threads (not foreign ones) to the cores with
 * allowed[c] != 0 (NULL: every core; sched_setaffinity, numactl -N/-C)
 * and gives the kernel the memory policy whose interleave set a burst
 * homed MACH_HOME_INTERLEAVE spreads over (NULL: none). Before any thread
 * is created; both arrays must outlive the kernel. */
void kern_bind(struct kern *k, const uint8_t *allowed, const struct mpol *mpol);
/* May t run on core c? */
static inline bool kern_allowed(const struct kern *k, const struct kthread *t, int c)
{
	return !k->allowed || t->foreign || k->allowed[c];
}

/* Creates a runnable thread owned by (ops, owner), reserving `stack` bytes
 * and committing cfg->stack_touch of them, placed as a fork would be (near
 * near_core; -1 for none). Returns NULL and counts a failure when the
 * thread or memory limit is reached (as pthread_create's EAGAIN). The
 * creation's CPU cost is the caller's to charge. */
struct kthread *kern_create(struct kern *k, const struct kern_owner_ops *ops,
			    void *owner, int64_t stack, int near_core);
/* kern_create with the bytes the new thread commits given (a JVM thread
 * commits more than kernel.stack_touch). */
struct kthread *kern_create_touch(struct kern *k, const struct kern_owner_ops *ops, void *owner,
				  int64_t stack, int64_t stack_touch, int near_core);
/* kern_create for a foreign thread (see the top): counted in k->other,
 * exempt from stop-the-world, its CPU also in the cores' foreign_acct.
 * The thread and memory limits count every thread on the machine. */
struct kthread *kern_create_foreign(struct kern *k, const struct kern_owner_ops *ops, void *owner,
				    int64_t stack, int near_core);

/* From step(): run a burst of `work` ns (>= 0) in category cat; memory
 * intensity mem with its memory on node home (-1 for none,
 * MACH_HOME_INTERLEAVE for the policy's interleave set, MACH_HOME_FOOT for
 * the footprint set by kern_set_foot). */
void kern_run(struct kern *k, struct kthread *t, sim_ns work, enum cpu_cat cat,
	      double mem, int home);
/* kern_run with the burst's cause named (its category is the cause's). */
void kern_run_cz(struct kern *k, struct kthread *t, sim_ns work, enum cpu_cause cz,
		 double mem, int home);
/* From step(): the same burst opened by a prefix: pre[c] ns of cause c
 * (c < CZ_COUNT; NULL for none), accounted before the work, unscaled. */
void kern_run_pre(struct kern *k, struct kthread *t, const sim_ns *pre, sim_ns work,
		  enum cpu_cause cz, double mem, int home);
/* kern_run_pre reading only the causes whose bit is set in mask (the
 * others are taken as 0). */
void kern_run_pre_mask(struct kern *k, struct kthread *t, const sim_ns *pre, unsigned mask, sim_ns work,
		       enum cpu_cause cz, double mem, int home);
/* The footprint a burst of t homed MACH_HOME_FOOT touches: the owner's,
 * read whenever the burst (re)starts on a core, so it must stay alive and
 * unchanged until the burst ends. */
static inline void kern_set_foot(struct kthread *t, const struct memfoot *f)
{
	t->burst_foot = f;
}
/* The time up to which nothing else can happen to t's core or the rest of
 * the simulation while t steps: the earliest pending event or t's slice
 * end. An owner may take a later decision at once when its CPU debt ends
 * before this. */
sim_ns kern_horizon(struct kern *k, struct kthread *t);
/* True while t's owner is in step() and has not yet acted. */
bool kern_stepping(const struct kern *k, const struct kthread *t);
/* From step(): block until kern_wake. */
void kern_block(struct kern *k, struct kthread *t);
/* From step(): back to the run queue (sched_yield). */
void kern_yield(struct kern *k, struct kthread *t);
/* From step(): exit; the thread's memory is released and t is invalid after. */
void kern_exit(struct kern *k, struct kthread *t);
/* The CPU that thread t's life's stack page-table work (the first-touch
 * faults of its stack, do_anonymous_page; a JVM's guard zone,
 * mmap_region/mprotect_fixup; glibc's release of the stack at exit,
 * madvise_dontneed_single_vma, start_thread's advise_stack_range) costs
 * beyond its figure on a quiet machine: kernel.stack_remap_busy times the
 * share of the other cores running a thread now. Measured on this host
 * (analysis/measure/stack_remap.c) as the cost of that work with the other
 * CPU spinning minus with it idle; the phases it adds to (kernel.thread_exit,
 * jvm.thread_init, jvm.thread_exit) are measured with the other core mostly
 * idle. 0 on one core. */
sim_ns kern_stack_remap_busy(const struct kern *k, const struct kthread *t);
/* From step(): block until kern_wake, the task it carries (t->tb) in
 * time-breakdown part `why` meanwhile. */
void kern_block_for(struct kern *k, struct kthread *t, enum tb_part why);
/* t now carries the task whose breakdown is tb (NULL: none): tb goes on
 * the CPU if t runs, else into t's part (runnable: sched; stopped: gc;
 * blocked: tb->block). Detaching leaves the task's breakdown as it was:
 * its owner names its next part (tb_off) at once. */
void kern_carry(struct kern *k, struct kthread *t, struct tb_acct *tb);
/* The service's CPU of cause cz since the start, summed over the cores. */
sim_ns kern_cause_ns(const struct kern *k, enum cpu_cause cz);
/* Wakes a blocked thread; waker_core is the core of the waking thread, or
 * -1 for an interrupt (timer, network). A no-op for a non-blocked thread is
 * a bug: it asserts. */
void kern_wake(struct kern *k, struct kthread *t, int waker_core);

/* kern_wake, `delay` ns from now: a waker that decided ahead of its own
 * clock (an owner taking decisions before paying for earlier ones) wakes
 * at the instant it decided. */
void kern_wake_after(struct kern *k, struct kthread *t, int waker_core, sim_ns delay);
/* Blocked, and no wake-up pending: kern_wake may be called. */
bool kern_blocked(const struct kthread *t);

/* Takes away t's current burst's work (a signal interrupting user code):
 * returns the work it had left (>= 0), or -1 when t has no burst (its owner
 * is between bursts). The unpaid prefix is still paid: a running thread's
 * owner gets step() (from an event) when it is, at once without one — on
 * the same core, no switch, its slice running on; a queued one gets
 * step() when it next runs and has paid it. */
sim_ns kern_preempt_burst(struct kern *k, struct kthread *t);

/* Stop-the-world (a JVM safepoint): every thread not marked exempt
 * stops where it is — a running burst keeps its remainder, as under a
 * kernel preemption, so owners never notice — and threads that become
 * runnable meanwhile (wake-ups, new threads) stay stopped, until
 * kern_start_world puts them all back as woken threads. Called from an
 * event, never from a step(). */
void kern_stop_world(struct kern *k);
void kern_start_world(struct kern *k);

/* Commits `bytes` more of t's stack (capped at its reservation). */
void kern_commit_stack(struct kern *k, struct kthread *t, int64_t bytes);

/* Brings every core's time accounting up to now. */
void kern_account(struct kern *k);
/* Starts the measurement window: peaks restart from the current values. */
void kern_reset_peaks(struct kern *k);
/* Number of runnable (queued, not running) threads; busy cores. */
int64_t kern_runnable(const struct kern *k);
int kern_busy_cores(const struct kern *k);
/* Checks the kernel's invariants (each thread in exactly one state, run
 * queues consistent, accounting adds up to cores x now). Returns 0, or -1
 * with a message. */
int kern_check(struct kern *k, char *err, size_t errlen);

#endif
