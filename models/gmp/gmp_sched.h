/* models/gmp/gmp_sched.h — the Go GMP scheduler model's shared state: G, M and P
 * states with their legal transitions, the P's run queues and timers, the
 * global scheduler struct, and the functions the gmp_*.c files call across.
 * (Not "gmp.h": that name is GNU MP's in /usr/include, which a layer
 * without models/gmp on its include path would silently pick up.)
 *
 * A goroutine is a struct task (workload.h) with the gmp fields used; an M
 * is a kernel thread of the kernel model (models/kernel/kernel.h) whose step()
 * runs the scheduler; a P is plain data. Everything follows Go 1.19's
 * runtime/proc.go; the design essay is at the top of models/gmp/gmp.c.
 * Internal to the gmp model: nothing outside models/gmp*.c includes it
 * except the gmp tests.
 */
#ifndef GMPSIM_GMP_SCHED_H
#define GMPSIM_GMP_SCHED_H
#include "types.h"
#include "kernel.h"
#include "workload.h"
#include "run.h"
#include "gmp_pidx.h"
#include <gsl/gsl_rng.h>
#include <stddef.h>

struct run;

/* runtime2.go: G status (the ones the model uses). */
enum gstatus { G_IDLE, G_RUNNABLE, G_RUNNING, G_SYSCALL, G_WAITING, G_DEAD, G_NSTATES };
/* runtime2.go: P status. */
enum pstatus { P_IDLE, P_RUNNING, P_SYSCALL, P_GCSTOP, P_DEAD, P_NSTATES };

#define GMP_RUNQ_SIZE 256    /* runtime2.go: p.runq [256]guintptr */
#define GMP_FAIRNESS_TICK 61 /* proc.go:findRunnable: schedtick%61 */
#define GMP_STEAL_TRIES 4    /* proc.go:stealWork: stealTries */
#define GMP_FORCE_PREEMPT_NS (10 * SIM_NS_PER_MS) /* proc.go:forcePreemptNS */

struct gmp_m;

/* A goroutine's execution phase while it runs on an M (task.phase). */
enum gphase {
	GP_NEXT,        /* fetch the next op */
	GP_CPU,         /* a CPU burst is running; its end completes the op */
	GP_CPU_PARTIAL, /* preempted: task.arg ns of the burst are left */
	GP_SPAWN,       /* starting the next child (newproc) */
	GP_JOIN,        /* waiting for its children */
	GP_NET_RETRY,   /* woken by netpoll: redo the read, which now succeeds */
	GP_SYSCALL_RET, /* back from a blocking syscall */
	GP_YIELD,       /* runtime.Gosched: task.arg more to do */
	GP_LOCK,        /* sync.Mutex.Lock: (re)try */
	GP_UNLOCK,      /* the critical section is done: Unlock */
	GP_ASSIST,      /* a GC mark assist's scan is running (task.arg: its over-assist) */
};


/* The fields every steal pass reads come first, in one cache line. */
#define GMP_GFREE_MAX 64  /* proc.go:gfput moves Gs to the global list at 64 */

/* The fields a scan or a decision reads (status, the ring's ends,
 * runnext, timers, owner) in the first cache line; Ps are allocated
 * aligned (gmp_model.c), 2,240 bytes each. */
struct gmp_p {
	_Alignas(64) int32_t id;
	uint8_t status;              /* enum pstatus */
	uint8_t gcmode;              /* enum gc_worker_mode of the mark worker it runs (gmp_gc.c) */
	bool gc_drained;             /* its dedicated worker has moved the runq to the global queue */
	bool traced;                 /* tr_dirty is set: a status change marks it (gmp_trace.h) */
	uint32_t runqhead, runqtail; /* the ring's length is tail - head */
	struct task *runnext;
	struct gmp_m *m;             /* owner while running */
	struct gmp_p *link;          /* sched.pidle list */
	struct gmp_pidx *idx;        /* the indexes it is in (NULL: none, a test's lone P) */
	sim_ns slice_start;          /* when the current schedtick began (execute writes it with schedtick) */
	int32_t ntimers;
	uint32_t schedtick;          /* incremented by execute without inheritTime */
	/* second line */
	struct task **timers;        /* 4-ary min-heap by task.when (time.go); read only when ntimers > 0 */
	int32_t captimers;
	uint32_t syscalltick;
	uint64_t *tr_dirty;          /* traced runs: the Ps the next trace sync re-reads (gmp_trace.h); NULL: untraced */
	struct {                     /* sysmon's last observation (proc.go:sysmontick) */
		uint32_t schedtick, syscalltick;
		sim_ns schedwhen, syscallwhen;
	} sysmontick;
	int32_t ngfree;
	sim_ns gc_frac_time;         /* p.gcFractionalMarkTime this cycle (gmp_gc.c) */
	sim_ns gc_worker_start;      /* when its current worker began */
	struct task *runq[GMP_RUNQ_SIZE];
	/* p.gFree: the stacks of its dead Gs, kept only as their NUMA homes
	 * (multi-node machines; gfput / gfget in gmp_g.c) */
	int8_t gfree_home[GMP_GFREE_MAX];
};
_Static_assert(offsetof(struct gmp_p, schedtick) + sizeof(uint32_t) == 64,
	       "what a decision reads of its P (status, the ring, runnext, slice_start, schedtick) is its first line");

/* A listening socket and the state of the goroutine accepting on it. */
struct gmp_listener {
	struct task *cur;            /* the connection it has accepted */
	struct task_fifo backlog;    /* the socket's listen backlog */
	bool parked;                 /* its goroutine waits in netpoll for a connection */
};

/* What an M is doing between kernel bursts. */
enum m_phase {
	M_SCHEDULE,     /* about to run schedule() */
	M_RUN_G,        /* running curg's program */
	M_SPIN_DONE,    /* finished a spinning round of steal attempts */
	M_RUNQGRAB_SLEEP, /* runqgrab: will usleep(3) before taking a running P's runnext */
	M_RUNQGRAB_WAKE,  /* runqgrab: back from that usleep, re-checks the victim's runnext */
	M_PARKED,       /* stopm: blocked on its note */
	M_NETPOLL,      /* blocked in epoll_wait (at most one M) */
	M_SYSCALL,      /* in a blocking syscall with curg */
	M_EXITSYSCALL,  /* the syscall returned: exitsyscall */
	M_SYSMON,       /* the sysmon thread */
	M_LOCKED_WAIT,  /* stoplockedm: waiting for its locked G to be handed a P */
	M_GC_WORK,      /* running a GC mark worker (its P's gcmode) */
	M_STW_BEGIN,    /* will stop the world (gc.stw_kind) once its debt is paid */
	M_STW_WAIT,     /* stopTheWorldWithSema: waiting for the Ps to stop */
	M_STW_WORK,     /* the world is stopped: its STW work is done */
	M_DEAD,         /* exited with its locked G */
};

/* Every decision reads the first cache line (the M, its P, its G, its
 * debt's sum and mask); Ms are allocated aligned (gmp_newm), 256 bytes. */
struct gmp_m {
	_Alignas(64) struct kthread *kt;
	struct gmp_p *p, *nextp;
	struct task *curg;
	struct task *lockedg;        /* the G locked to this M */
	sim_ns clock;                /* the instant of its current decision: now + the debt before it */
	sim_ns debt_sum;             /* the sum of debt[] (gmp_m_debt, asked at every decision) */
	unsigned debt_mask;          /* the causes whose debt[] is not 0 */
	uint8_t phase;               /* enum m_phase */
	bool spinning;
	bool inherit;                /* execute(curg, inheritTime) */
	bool unstarted;              /* a new thread that has not yet run mstart (gmp_newm) */
	sim_ns debt[CZ_COUNT];       /* CPU owed per cause (kernel.h) for decisions taken instantly;
				      * paid as the prefix of the M's next burst */
	int32_t id;
	uint32_t syscalltick;
	struct gmp_p *oldp;
	struct gmp_m *schedlink;     /* sched.midle list */
	int64_t gc_claim;            /* mark work (scan bytes) its worker or assist is doing */
	struct gmp_p *tr_p, *tr_oldp; /* traced runs: its p and oldp at its last trace sync */
	struct gmp_p *grab_p;        /* runqgrab's victim while the M sleeps in usleep(3) */
	struct task *grab_next;      /* the victim's runnext it saw before sleeping (the CAS's old value) */
};

/* A randomOrder stride (coprime with nprocs) and its inverse modulo nprocs
 * (gmp_pidx_first_in_order), side by side: a pass reads both. */
struct gmp_stride {
	int stride, inv;
};

struct gmp_cfg {
	int gomaxprocs;
	sim_ns newproc, gogo, runqput, steal, netpoll, signal, schedule, sysmon_cycle;
	sim_ns newm;                 /* creator's CPU per M besides the clone (proc.go:allocm) */
	sim_ns mstart;               /* a new M's CPU before its first schedule (proc.go:mstart) */
	sim_ns runnext_backoff;      /* usleep(3) before stealing a running P's runnext */
	sim_ns cgocall;              /* cgocall + asmcgocall per C call */
	sim_ns chan;                 /* one channel operation */
	sim_ns procyield;            /* one sync.Mutex spin */
	sim_ns stack_copy;           /* copystack per KiB */
	int64_t maxstack;            /* maxstacksize */
	int64_t stack, mstack, maxmcount;
};

struct gmp_stats {
	uint64_t steal_attempts, steals, stolen_gs, handoffs, syscall_retakes, preemptions;
	uint64_t netpoll_calls, netpoll_blocking, timers_run, spinning_rounds, ms_created;
	uint64_t globrunq_puts, runqputslow;
	uint64_t lockedm_handoffs, ms_exited;
	uint64_t goyields;            /* semrelease1's goyield after a mutex hand-off */
	uint64_t sysmon_cycles;       /* sysmon loop iterations that ran retake (gmp_sysmon.c) */
	uint64_t sysmon_cycles_10ms;  /* of them, after a usleep(10 ms): its back-off's cap */
	uint64_t sysmon_sysretakes;   /* retake saw a _Psyscall P's schedtick unchanged for forcePreemptNS */
	sim_ns slice_min, slice_max;  /* how long preempted Gs had run on their slice */
	int64_t peak_ms;
};

/* The mark worker a P runs (runtime2.go: gcMarkWorkerMode). */
enum gc_worker_mode { GCW_NONE, GCW_DEDICATED, GCW_FRACTIONAL, GCW_IDLE };
enum gc_phase { GC_OFF, GC_MARK };
enum stw_kind { STW_SWEEP_TERM, STW_MARK_TERM };

/* The collector's state (mgc.go work, mgcpacer.go gcControllerState).
 * Heap sizes in bytes; mark work in scan bytes (gc.go.mark_per_mib). */
struct gmp_gc {
	bool enabled;                /* GOGC >= 0 */
	uint8_t phase;               /* enum gc_phase */
	bool waiting;                /* sched.gcwaiting */
	bool stw_pending;            /* an M will stop the world once it has paid (M_STW_BEGIN) */
	int stopwait;                /* sched.stopwait */
	uint8_t stw_kind;            /* enum stw_kind */
	struct gmp_m *stw_m;         /* the M stopping the world */
	sim_ns stw_start;
	double ns_per_byte;          /* mark CPU per scan byte */
	int64_t heap_live, heap_marked, trigger, goal, triggered;
	int64_t heap_min;            /* heapMinimum, scaled by GOGC */
	int64_t last_heap_scan, last_stack_scan;
	double cons_mark, pi_integral;
	int64_t work_total, work_claimed, work_done, stack_work;
	int64_t bg_credit;           /* bgScanCredit */
	int64_t alloc_in_mark;       /* allocated black during mark */
	int dedicated, dedicated_needed, idle_workers;
	double fractional_goal;
	sim_ns mark_start, assist_time, idle_time;
	struct task_fifo assistq;    /* Gs parked in gcParkAssist */
	double sweep_ns_per_byte;    /* proportional sweep charged per allocated byte */
	sim_ns sweep_left;           /* sweep CPU not yet charged */
};

struct gmp {
	struct run *run;
	struct gmp_cfg cfg;
	struct gmp_p *allp;
	int nprocs;
	struct gmp_m **allm;
	int nm, capm;
	/* sched */
	struct task_fifo runq;       /* global run queue */
	struct gmp_p *pidle;
	int npidle, nmspinning, nmidle;
	int nmidlelocked;            /* Ms in stoplockedm waiting for their G */
	int64_t nqueued;             /* runnable Gs in all run queues (local, runnext, global) */
	sim_ns starved_since;        /* a P idle while Gs are queued, since; -1: not now */
	sim_ns starved_max;          /* the longest such stretch */
	struct gmp_m *midle;
	sim_ns lastpoll;             /* 0: an M is blocked in netpoll */
	sim_ns poll_until;           /* sched.pollUntil: the blocked netpoll's timeout; 0: none */
	struct task_fifo netready;   /* Gs whose fd became ready, not yet polled */
	int64_t netpoll_waiters;     /* netpoll.go: netpollWaiters, Gs parked on an fd */
	/* sysmon */
	struct gmp_m *sysmon;
	struct eq_event sysmon_ev, netpoll_ev;
	sim_ns sysmon_delay;
	int sysmon_idle;
	bool sysmon_deep, sysmon_syscall_wake;
	int sysmon_phase;
	gsl_rng *rng;
	struct gmp_stride *coprimes; /* proc.go:randomOrder's strides, each with its inverse */
	int ncoprimes;
	struct gmp_pidx pidx;        /* bitmaps of the Ps that are busy, have a ring, a runnext, timers */
	struct gmp_m *poller;        /* the M blocked in netpoll, or NULL */
	struct gmp_m *current;       /* the M whose G is exiting (wl callbacks) */
	/* The accepting goroutines, one per listening socket (acceptor.listeners;
	 * SO_REUSEPORT when more than one): accept_gs[i] serves listeners[i]. */
	struct task *accept_gs;      /* NULL: no acceptor */
	struct gmp_listener *listeners;
	int nlisteners;
	uint64_t accepted;           /* connections handed to the listeners (the round robin) */
	/* The in-process load generator of an open-loop class without the
	 * acceptor: `for { time.Sleep(until next); go handle() }` */
	struct task *gen_g;          /* the generating goroutine (NULL until the first arrival) */
	struct gmp_p *gen_p;         /* the P whose timer heap holds its sleep */
	struct task_fifo genq;       /* arrivals due, not yet started by it */
	bool gen_parked;
	struct gmp_stats st;
	int64_t gstack_bytes, gstack_peak;  /* live goroutines' stacks */
	int8_t *gfree_home;          /* sched.gFree: dead Gs' stack homes (a stack: the last is the head) */
	int64_t ngfree, capgfree;
	int64_t *schedlat;           /* scheduling latencies (runnable -> running), ns */
	int64_t nschedlat, capschedlat;
	struct gmp_gc gc;
	uint32_t goid_next;          /* traced runs: the last goroutine id handed out */
	uint64_t *tr_dirty;          /* traced runs: the Ps whose track may be stale, a bit each (gmp_trace.c) */
	sim_ns schedtrace;           /* --schedtrace interval; 0: off */
	struct eq_event schedtrace_ev;
};

/* The run, its clock and its kernel costs, for every gmp file. */
static inline struct run *run_of(struct gmp *s) { return s->run; }
static inline sim_ns now_of(struct gmp *s) { return s->run->sim.now; }
static inline const struct kernel_cfg *kcfg(struct gmp *s) { return &s->run->sc->kernel; }

/* Bring p's bits in its indexes up to date after a change of its status
 * (gmp_caspstatus), its run queue (gmp_runq.c) or its timers (gmp_timers.c). */
static inline void gmp_p_sync_status(struct gmp_p *p)
{
	if (p->idx)
		gmp_pidx_put(p->idx, PB_BUSY, p->id, p->status != P_IDLE);
}

static inline void gmp_p_sync_runq(struct gmp_p *p)
{
	if (!p->idx)
		return;
	gmp_pidx_put(p->idx, PB_RING, p->id, p->runqtail != p->runqhead);
	gmp_pidx_put(p->idx, PB_NEXT, p->id, p->runnext != NULL);
}

static inline void gmp_p_sync_timers(struct gmp_p *p)
{
	if (p->idx)
		gmp_pidx_put(p->idx, PB_TIMERS, p->id, p->ntimers > 0);
}

/* Aborts unless the indexes match every P (gmp_m.c; the sanitizer builds call it after each step). */
void gmp_pidx_verify(const struct gmp *s);

/* The listener whose accepting goroutine g is, or NULL. */
static inline struct gmp_listener *gmp_listener_of(const struct gmp *s, const struct task *g)
{
	if (!s->accept_gs || g < s->accept_gs || g >= s->accept_gs + s->nlisteners)
		return NULL;
	return &s->listeners[g - s->accept_gs];
}

/* ---- run queues (gmp_runq.c) ---- */
void gmp_runqput(struct gmp *s, struct gmp_p *p, struct task *g, bool next);
struct task *gmp_runqget(struct gmp *s, struct gmp_p *p, bool *inherit);
uint32_t gmp_runqlen(const struct gmp_p *p);
bool gmp_runqempty(const struct gmp_p *p);
struct task *gmp_runqsteal(struct gmp *s, struct gmp_p *p, struct gmp_p *victim, bool steal_runnext);
void gmp_globrunqput(struct gmp *s, struct task *g);
struct task *gmp_globrunqget(struct gmp *s, struct gmp_p *p, int max);
void gmp_pidleput(struct gmp *s, struct gmp_p *p);
struct gmp_p *gmp_pidleget(struct gmp *s);

/* ---- timers (gmp_timers.c) ---- */
void gmp_addtimer(struct gmp_p *p, struct task *g);
sim_ns gmp_nexttimer(const struct gmp_p *p);
sim_ns gmp_earliest_timer(const struct gmp *s);
/* Pops p's expired timers (when <= now) into out (up to max); returns the count. */
int gmp_expired_timers(struct gmp_p *p, sim_ns now, struct task **out, int max);

/* ---- scheduler: the M's step loop and findRunnable (gmp.c) ---- */
/* The model's state of run r. */
struct gmp *gmp_of(struct run *r);
/* The M's kernel step(): decides until the kernel has its thread (kern_owner_ops.step). */
void gmp_m_step(struct kern *k, struct kthread *kt);
/* Work conservation: tracks how long a P stays idle while Gs are queued; call after each change. */
void gmp_watch_starvation(struct gmp *s);
/* proc.go:randomOrder — fills s->coprimes with the strides coprime with nprocs and their inverses. */
void gmp_init_coprimes(struct gmp *s);

/* ---- Ms and Ps (gmp_m.c) ---- */
/* Makes the transition; aborts (always, not only in debug builds) if it is illegal. */
void gmp_caspstatus(struct gmp_p *p, enum pstatus from, enum pstatus to);
/* CPU the M owes for decisions already taken (all categories). */
sim_ns gmp_m_debt(const struct gmp_m *m);
/* The instant of m's current decision: its clock, or now without an M or outside its step. */
sim_ns gmp_m_clock(struct gmp *s, const struct gmp_m *m);
/* Hands the M's thread to the kernel for a burst of `work` prefixed by its debt; the debt is paid. */
void gmp_m_burst(struct gmp *s, struct gmp_m *m, sim_ns work, enum cpu_cat cat, double mem, int home);
/* gmp_m_burst with the burst's cause named. */
void gmp_m_burst_cz(struct gmp *s, struct gmp_m *m, sim_ns work, enum cpu_cause cz, double mem, int home);
/* The cause the model books a category's CPU to when it names none (kernel: a system call). */
enum cpu_cause gmp_cause(enum cpu_cat cat);
/* gmp_owe with the cause named. */
void gmp_owe_cz(struct gmp_m *by, enum cpu_cause cz, sim_ns ns);
/* M `by` (NULL: nobody, a no-op) owes ns of CPU in category cat, paid before its next burst. */
void gmp_owe(struct gmp_m *by, enum cpu_cat cat, sim_ns ns);
/* gmp_owe in CAT_KERNEL, as a system call. */
void gmp_owe_kernel(struct gmp_m *by, sim_ns ns);
/* gmp_owe in CAT_RUNTIME, as a scheduler decision. */
void gmp_owe_runtime(struct gmp_m *by, sim_ns ns);
/* proc.go:acquirep — m (without a P) takes the idle p: Pidle → Prunning. */
void gmp_acquirep(struct gmp_m *m, struct gmp_p *p);
/* proc.go:releasep — m gives up its running P (→ Pidle) and returns it; the caller places it. */
struct gmp_p *gmp_releasep(struct gmp_m *m);
/* proc.go:newm — a new M in the given phase; NULL (run failed) at the limits. */
struct gmp_m *gmp_newm(struct gmp *s, struct gmp_m *by, enum m_phase phase);
/* proc.go:mstart — a new M's own start-up CPU, owed once, at its first run. */
void gmp_mstart(struct gmp *s, struct gmp_m *m);
/* proc.go:startm — runs p (NULL: an idle P, if any) on an idle or new M; `by` pays the wake-up. */
void gmp_startm(struct gmp *s, struct gmp_p *p, bool spinning, struct gmp_m *by);
/* proc.go:wakep — starts one more spinning M if a P is idle and no M spins. */
void gmp_wakep(struct gmp *s, struct gmp_m *by);
/* proc.go:handoffp — decides what becomes of p (in Psyscall) now that it has no M. */
void gmp_handoffp(struct gmp *s, struct gmp_p *p, struct gmp_m *by);
/* proc.go:ready — the waiting g into by's P's runnext, then wakep; by must hold a P. */
void gmp_ready(struct gmp *s, struct task *g, struct gmp_m *by);
/* proc.go:injectglist — makes the waiting Gs of list runnable and queues them (list ends empty). */
void gmp_injectglist(struct gmp *s, struct task_fifo *list, struct gmp_m *by);
/* proc.go:stopm — m (no P, not spinning) parks on the idle M list until startm. */
void gmp_stopm(struct gmp *s, struct gmp_m *m);

/* ---- goroutines (gmp_g.c) ---- */
/* Makes the transition; aborts (always, not only in debug builds) if it is illegal. */
void gmp_casgstatus(struct task *g, enum gstatus from, enum gstatus to);
/* gmp_casgstatus at instant t, on the G's timeline track when tracing. */
void gmp_gstatus(struct gmp *s, struct task *g, enum gstatus from, enum gstatus to, sim_ns t);
/* g becomes runnable (from `from`) at by's clock, the start of its scheduling latency. */
void gmp_make_runnable(struct gmp *s, struct task *g, enum gstatus from, struct gmp_m *by);
/* proc.go:execute — the runnable g becomes m's curg (m holds a P); m owes gogo. */
void gmp_execute(struct gmp *s, struct gmp_m *m, struct task *g, bool inherit);
/* Runs m's curg until it needs the kernel, leaves the M, or the M owes a decision. */
void gmp_run_g(struct gmp *s, struct gmp_m *m);
/* proc.go:exitsyscall — m is back from curg's syscall: reacquire a P, or queue curg and stopm. */
void gmp_exitsyscall(struct gmp *s, struct gmp_m *m);
/* The event that ends a blocking syscall (task.ev): wakes the G's M. */
void gmp_syscall_done_fire(struct sim *sim, struct eq_event *ev);

/* ---- netpoller (gmp_netpoll.c) ---- */
/* proc.go:wakeNetPoller — a timer at `when` was added: break the blocked poll or wakep. */
void gmp_wake_netpoller(struct gmp *s, sim_ns when, struct gmp_m *by);
/* The event that ends a `net` op's wait (task.ev): the G's fd is ready. */
void gmp_net_ready_fire(struct sim *sim, struct eq_event *ev);
/* A connection arrives on the listening socket (model_ops.accept): backlog it, ready the acceptor. */
void gmp_accept_arrival(struct gmp *s, struct task *conn);
/* An open-loop arrival without the acceptor: the generating goroutine's
 * timer is due (time.Sleep returns); it will `go` the request. */
void gmp_gen_arrival(struct gmp *s, struct task *t);
/* proc.go:stoplockedm — the M gives up its P and waits for its locked G. */
void gmp_stoplockedm(struct gmp *s, struct gmp_m *m);
/* proc.go:startlockedm — hand this M's P to g's locked M; this M stops. */
void gmp_startlockedm(struct gmp *s, struct gmp_m *m, struct task *g);
/* A new goroutine's stack (_StackMin) enters the live total. */
void gmp_stack_new(struct gmp *s, struct task *g);
/* newproc's stack on P p: proc.go:gfget reuses a dead G's (its NUMA home
 * kept in g->home_node), or a new one is homed where the G first runs. */
void gmp_stack_newproc(struct gmp *s, struct gmp_p *p, struct task *g);
/* netpoll.go:netpoll(0) — moves up to 128 ready Gs into list. */
void gmp_netpoll(struct gmp *s, struct task_fifo *list);
/* The blocking netpoll's timeout event: wakes the polling M. */
void gmp_netpoll_timeout_fire(struct sim *sim, struct eq_event *ev);

/* ---- garbage collector (gmp_gc.c) ---- */
/* Is a stop-the-world pending or the mark running (the scheduler's GC steps
 * have work)? The cheap test before calling them. */
static inline bool gmp_gc_active(const struct gmp *s) { return s->gc.waiting || s->gc.phase == GC_MARK; }
/* Sets the pacer up for the run (gc.*). */
void gmp_gc_init(struct gmp *s);
/* malloc.go:mallocgc for curg's alloc op: heap accounting, sweep credit,
 * a mark assist, or gcStart. Returns true when the G goes straight on. */
bool gmp_gc_alloc(struct gmp *s, struct gmp_m *m, struct task *g, int64_t bytes, bool temp);
/* proc.go:schedule's `if sched.gcwaiting != 0 { gcstopm() }`: true when
 * the M stopped (or must first pay to stop). */
bool gmp_gc_stop_if_waiting(struct gmp *s, struct gmp_m *m);
/* proc.go:findRunnable step 4 (findRunnableGCWorker): true when m now runs a worker. */
bool gmp_gc_find_worker(struct gmp *s, struct gmp_m *m);
/* proc.go:findRunnable step 11: an idle mark worker instead of dropping the P. */
bool gmp_gc_idle_worker(struct gmp *s, struct gmp_m *m);
/* m_decide for M_GC_WORK, M_STW_BEGIN, M_STW_WAIT and M_STW_WORK. */
void gmp_gc_step(struct gmp *s, struct gmp_m *m);
/* A mark assist's scan burst ended (left: CPU it had left when a
 * preemption cut it, else 0). Returns true when the G goes on. */
bool gmp_gc_assist_end(struct gmp *s, struct gmp_m *m, struct task *g, sim_ns left);
/* proc.go:handoffp's `if sched.gcwaiting != 0` case: true when p was stopped. */
bool gmp_gc_handoff_stop(struct gmp *s, struct gmp_p *p);
/* Metrics of the collector (model_ops.metrics). */
void gmp_gc_metrics(struct gmp *s, struct run_result *res);

/* ---- sysmon (gmp_sysmon.c) ---- */
int gmp_sysmon_start(struct gmp *s);
void gmp_sysmon_wake(struct gmp *s);
void gmp_sysmon_step(struct gmp *s);
/* Delivers SIGURG to m if its G is running user code (preempt.go:preemptM). */
void gmp_preempt_m(struct gmp *s, struct gmp_m *m);

#endif
