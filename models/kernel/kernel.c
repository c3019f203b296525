/* models/kernel/kernel.c — CFS-like scheduling of kernel threads on cores (see
 * kernel.h for the contract). Each busy core has exactly one pending event:
 * the end of its current segment (a switch-in overhead, or a burst cut at
 * the slice end). Must not call a thread's owner except through step(),
 * and only from an engine event. */
#include "budget.h"
#include "check.h"
#include "kernel.h"
#include "grow.h"
#include "scenario.h"
#include "trace.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

/* SEG_KICK: kern_preempt_burst took the running burst away; step() comes
 * from an event at the same instant, the thread keeps its core and slice. */
enum seg { SEG_IDLE, SEG_OVH, SEG_BURST, SEG_STEP, SEG_KICK };
enum { CHUNK = 1024 };
_Static_assert(sizeof(struct kcore) == 128, "a core is two cache lines");
_Static_assert(sizeof(struct kthread) == 256, "a thread is four cache lines");

#define CORE_OF_EV(e) ((struct kcore *)((char *)(e) - offsetof(struct kcore, ev)))

_Static_assert(TS_TASK + CAT_IDLE == TS_NONE, "trace.h's core states follow enum cpu_cat");
_Static_assert(CZ_COUNT <= 16, "pre_mask holds a bit per cause");

const uint8_t kern_cause_cat[CZ_COUNT] = {
	[CZ_USER] = CAT_TASK,
	[CZ_RT_SCHED] = CAT_RUNTIME, [CZ_RT_THREAD] = CAT_RUNTIME, [CZ_RT_OTHER] = CAT_RUNTIME,
	[CZ_K_SWITCH] = CAT_KERNEL, [CZ_K_WAKE] = CAT_KERNEL, [CZ_K_THREAD] = CAT_KERNEL,
	[CZ_K_SYSCALL] = CAT_KERNEL, [CZ_K_QUEUE] = CAT_KERNEL, [CZ_K_OTHER] = CAT_KERNEL,
	[CZ_SPIN_SCHED] = CAT_SPIN, [CZ_SPIN_LOCK] = CAT_SPIN,
	[CZ_GC] = CAT_GC,
};
const uint8_t kern_cat_cause[CAT_IDLE] = {
	[CAT_TASK] = CZ_USER, [CAT_RUNTIME] = CZ_RT_SCHED, [CAT_KERNEL] = CZ_K_OTHER,
	[CAT_SPIN] = CZ_SPIN_SCHED, [CAT_GC] = CZ_GC,
};
/* The time-breakdown part a cause's CPU is, for the task its thread carries. */
static const uint8_t cause_tb[CZ_COUNT] = {
	[CZ_USER] = TB_RUN, [CZ_RT_SCHED] = TB_OVERHEAD, [CZ_RT_THREAD] = TB_OVERHEAD,
	[CZ_RT_OTHER] = TB_OVERHEAD, [CZ_K_SWITCH] = TB_OVERHEAD, [CZ_K_WAKE] = TB_OVERHEAD,
	[CZ_K_THREAD] = TB_OVERHEAD, [CZ_K_SYSCALL] = TB_OVERHEAD, [CZ_K_QUEUE] = TB_OVERHEAD,
	[CZ_K_OTHER] = TB_OVERHEAD,
	[CZ_SPIN_SCHED] = TB_OVERHEAD, [CZ_SPIN_LOCK] = TB_MUTEX, [CZ_GC] = TB_GC,
};

/* The carried task's breakdown: off a CPU into part p / onto one. */
static inline void kt_tb_off(struct kern *k, struct kthread *t, enum tb_part p)
{
	if (t->tb)
		tb_off(t->tb, p, k->sim->now);
}

static inline void kt_tb_on(struct kern *k, struct kthread *t)
{
	if (t->tb)
		tb_on(t->tb, k->sim->now);
}

static void core_fire(struct sim *sim, struct eq_event *ev);
static void core_schedule(struct kern *k, struct kcore *c);
static inline struct trc *core_trc(const struct kcore *c) { return c->kern->sim->trace; }

/* ---- run queue: binary min-heap by (vruntime, rq_seq) ------------------ */

static inline bool rq_before(const struct kthread *a, const struct kthread *b)
{
	return a->vruntime < b->vruntime || (a->vruntime == b->vruntime && a->rq_seq < b->rq_seq);
}

static void rq_push(struct kern *k, struct kcore *c, struct kthread *t)
{
	GROW(c->rq, c->nrq + 1, c->caprq, 16, "run queue");
	t->rq_seq = k->next_rq_seq++;
	t->state = KT_RUNNABLE;
	t->core = (int16_t)c->id;
	kt_tb_off(k, t, TB_SCHED);
	trc_set(k->sim->trace, TRC_THREAD, t->id, TS_RUNNABLE, c->id, k->sim->now);
	if (c->nrq == 0)
		k->queued_cores++;
	int32_t i = c->nrq++;
	while (i > 0 && rq_before(t, c->rq[(i - 1) / 2])) {
		c->rq[i] = c->rq[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	c->rq[i] = t;
}

static struct kthread *rq_pop(struct kcore *c)
{
	struct kthread *top = c->rq[0], *last = c->rq[--c->nrq];
	int32_t i = 0;
	for (;;) {
		int32_t l = 2 * i + 1;
		if (l >= c->nrq)
			break;
		int32_t m = (l + 1 < c->nrq && rq_before(c->rq[l + 1], c->rq[l])) ? l + 1 : l;
		if (!rq_before(c->rq[m], last))
			break;
		c->rq[i] = c->rq[m];
		i = m;
	}
	if (c->nrq > 0)
		c->rq[i] = last;
	else
		c->kern->queued_cores--;
	return top;
}

/* Takes the thread at heap index i out of c's run queue (rq_pop for the top;
 * below the top at least one thread stays queued, so queued_cores holds). */
static struct kthread *rq_remove_at(struct kcore *c, int32_t i)
{
	if (i == 0)
		return rq_pop(c);
	struct kthread *t = c->rq[i], *last = c->rq[--c->nrq];
	if (i == c->nrq)
		return t;
	while (i > 0 && rq_before(last, c->rq[(i - 1) / 2])) {  /* sift up */
		c->rq[i] = c->rq[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	for (;;) {  /* sift down */
		int32_t l = 2 * i + 1;
		if (l >= c->nrq)
			break;
		int32_t m = (l + 1 < c->nrq && rq_before(c->rq[l + 1], c->rq[l])) ? l + 1 : l;
		if (!rq_before(c->rq[m], last))
			break;
		c->rq[i] = c->rq[m];
		i = m;
	}
	c->rq[i] = last;
	return t;
}

/* The heap index of the first thread in run-queue order (vruntime, then
 * enqueue order) on `from` that may run on core `to`, or -1. The top when
 * it may (always when nothing is bound). */
static int32_t rq_find_allowed(const struct kern *k, const struct kcore *from, int to)
{
	int32_t best = -1;
	for (int32_t i = 0; i < from->nrq; i++) {
		if (!kern_allowed(k, from->rq[i], to))
			continue;
		if (i == 0)
			return 0;
		if (best < 0 || rq_before(from->rq[i], from->rq[best]))
			best = i;
	}
	return best;
}

/* ---- accounting --------------------------------------------------------- */

static void update_min_vruntime(struct kcore *c)
{
	int64_t v = INT64_MAX;
	if (c->curr)
		v = c->curr->vruntime;
	if (c->nrq && c->rq[0]->vruntime < v)
		v = c->rq[0]->vruntime;
	if (v != INT64_MAX && v > c->min_vruntime)
		c->min_vruntime = v;
}

/* Charges dt ns of cause cz (so of its category) to core c: to its foreign
 * share when its thread is foreign, else to the service's causes and to
 * the breakdown of the task the thread carries. */
static inline void charge(struct kcore *c, int cz, sim_ns dt)
{
	int cat = kern_cause_cat[cz];
	struct kthread *t = c->curr;
	c->kern->acct[cat] += dt;
	if (t->foreign) {
		c->kern->foreign_acct[cat] += dt;
		return;
	}
	c->kern->cause_acct[cz] += dt;
	if (t->tb)
		t->tb->part[cause_tb[cz]] += dt;
}

/* Charges segment time [from, to) (ns since seg_start) of a burst with a
 * prefix: the prefix's categories in order, then the burst's. */
static void account_prefix(struct kcore *c, sim_ns from, sim_ns to)
{
	const struct kthread *t = c->curr;
	sim_ns lo = 0;
	for (unsigned m = t->pre_mask; m && from < to; m &= m - 1) {
		int cz = __builtin_ctz(m);
		sim_ns hi = lo + t->pre[cz];
		if (from < hi) {
			sim_ns end = to < hi ? to : hi;
			charge(c, cz, end - from);
			trc_cover(core_trc(c), TRC_CORE, c->id, TS_TASK + kern_cause_cat[cz], t->id,
				  c->seg_start + from, c->seg_start + end);
			from = end;
		}
		lo = hi;
	}
	if (from < to)
		charge(c, t->burst_cz, to - from);
	trc_cover(core_trc(c), TRC_CORE, c->id, TS_TASK + t->burst_cat, t->id, c->seg_start + from, c->seg_start + to);
}

/* Charges the time since acct_from to the segment's category. */
static void core_account(struct kcore *c, sim_ns now)
{
	sim_ns dt = now - c->acct_from;
	if (dt <= 0)
		return;
	c->acct_from = now;
	switch (c->seg) {
	case SEG_IDLE:
		c->kern->acct[CAT_IDLE] += dt;
		break;
	case SEG_OVH: {
		sim_ns waking = c->wake_until - (now - dt);
		waking = waking < 0 ? 0 : waking > dt ? dt : waking;
		c->kern->acct[CAT_IDLE] += waking;
		if (c->curr->tb)  /* the idle core's exit delays the wakee */
			c->curr->tb->part[TB_SCHED] += waking;
		charge(c, CZ_K_SWITCH, dt - waking);
		trc_cover(core_trc(c), TRC_CORE, c->id, TS_KERNEL, c->curr->id, now - dt + waking, now);
		break;
	}
	case SEG_BURST:
		if (c->seg_pre > 0 && now - dt - c->seg_start < c->seg_pre)
			account_prefix(c, now - dt - c->seg_start, now - c->seg_start);
		else {
			charge(c, c->curr->burst_cz, dt);
			trc_cover(core_trc(c), TRC_CORE, c->id, TS_TASK + c->curr->burst_cat, c->curr->id, now - dt, now);
		}
		c->curr->cpu_ns += dt;
		c->curr->vruntime += dt;
		update_min_vruntime(c);
		break;
	default:
		assert(!"time passed while a thread was stepping");
	}
}

static void update_live_area(struct kern *k)
{
	sim_ns now = k->sim->now;
	k->st.live_area += (double)k->st.live * (double)(now - k->area_since);
	k->area_since = now;
}

/* ---- slices and bursts ---------------------------------------------------- */

static sim_ns slice_len(const struct kern *k, const struct kcore *c)
{
	int64_t nr = c->nrq + (c->curr ? 1 : 0);
	if (nr <= 1)
		return SIM_NS_MAX;
	sim_ns s = k->cfg->sched_latency / nr;
	return s > k->cfg->min_granularity ? s : k->cfg->min_granularity;
}

/* Local-node work a burst segment has done after `elapsed` ns on the core. */
static sim_ns work_done(const struct kcore *c, sim_ns elapsed, sim_ns work0)
{
	if (c->factor == 1.0)
		return elapsed < work0 ? elapsed : work0;
	double end = ceil((double)work0 * c->factor);
	if ((double)elapsed >= end)
		return work0;
	sim_ns w = (sim_ns)floor((double)elapsed / c->factor);
	return w < work0 ? w : work0;
}

static sim_ns burst_wall(const struct kcore *c, sim_ns work)
{
	return c->factor == 1.0 ? work : (sim_ns)ceil((double)work * c->factor);
}

/* (Re)arms the core's event for the running burst: its end or the slice end. */
static void core_arm_burst(struct kern *k, struct kcore *c)
{
	struct kthread *t = c->curr;
	sim_ns end = c->seg_start + c->seg_pre + burst_wall(c, t->burst_left);
	sim_ns when = end < c->slice_end ? end : c->slice_end;
	if (when < k->sim->now)
		when = k->sim->now;
	eq_cancel(&k->sim->q, &c->ev);
	eq_push(&k->sim->q, &c->ev, when);
}

/* NUMA slowdown of t's burst on a core of `node`. On one node every piece
 * of memory is local (mach_slowdown's home == node): exactly 1.0, so the
 * footprint is not walked. */
static double burst_factor(const struct kern *k, const struct kthread *t, int node)
{
	if (!k->mach || k->mach->nnodes == 1)
		return 1.0;
	if (t->burst_home == MACH_HOME_INTERLEAVE)
		return mach_slowdown_spread(k->mach, k->mpol ? k->mpol->nodes : 0, node, t->burst_mem);
	if (t->burst_home == MACH_HOME_FOOT)
		return memf_slowdown(k->mach, k->mpol ? k->mpol->nodes : 0, t->burst_foot, node, t->burst_mem);
	return mach_slowdown(k->mach, t->burst_home, node, t->burst_mem);
}

static void core_start_burst(struct kern *k, struct kcore *c)
{
	struct kthread *t = c->curr;
	c->seg = SEG_BURST;
	c->seg_start = k->sim->now;
	c->seg_pre = t->pre_left;
	if (c->slice_end == SIM_NS_MAX && c->nrq > 0)  /* a competitor came during the switch-in */
		c->slice_end = c->seg_start + slice_len(k, c);
	c->factor = burst_factor(k, t, c->node);
	core_arm_burst(k, c);
}

/* Removes `paid` ns from the front of t's prefix; returns the rest of
 * `elapsed`, the time the work ran. A prefix paid whole (a burst that
 * ran to its end: the usual case) just empties the mask: pre[] is read
 * only through pre_mask, and kern_run_pre_mask writes every entry it sets. */
static sim_ns consume_prefix(struct kthread *t, sim_ns paid, sim_ns elapsed)
{
	elapsed -= paid;
	if (paid == t->pre_left) {
		t->pre_left = 0;
		t->pre_mask = 0;
		return elapsed;
	}
	t->pre_left -= paid;
	for (unsigned m = t->pre_mask; m && paid > 0; m &= m - 1) {
		int cz = __builtin_ctz(m);
		sim_ns d = t->pre[cz] < paid ? t->pre[cz] : paid;
		t->pre[cz] -= d;
		if (t->pre[cz] == 0)
			t->pre_mask &= (uint16_t)~(1u << cz);
		paid -= d;
	}
	return elapsed;
}

/* Books `done` ns of t's burst work on core c as memory accesses: the
 * service's only, weighted by the burst's memory intensity. */
static void count_memory(struct kern *k, const struct kcore *c, const struct kthread *t, sim_ns done)
{
	if (t->foreign || t->burst_mem <= 0 || t->burst_home == -1 || done <= 0)
		return;
	double w = (double)t->burst_mem * (double)done;
	uint64_t mask = k->mpol ? k->mpol->nodes : 0;
	k->mem_access += w;
	if (k->mach->nnodes == 1)  /* nothing is remote: the share below is 0.0 */
		return;
	k->mem_remote += w * (t->burst_home == MACH_HOME_FOOT ? memf_remote_share(k->mach, mask, t->burst_foot, c->node)
				: mach_remote_share(k->mach, t->burst_home, mask, c->node));
}

/* Stops the running burst now, keeping its remainder in the thread. */
static void core_stop_burst(struct kern *k, struct kcore *c)
{
	struct kthread *t = c->curr;
	core_account(c, k->sim->now);
	sim_ns elapsed = k->sim->now - c->seg_start;
	if (c->seg_pre > 0)
		elapsed = consume_prefix(t, elapsed < c->seg_pre ? elapsed : c->seg_pre, elapsed);
	sim_ns done = work_done(c, elapsed, t->burst_left);
	t->burst_left -= done;
	count_memory(k, c, t, done);
	eq_cancel(&k->sim->q, &c->ev);
}

/* ---- dispatch --------------------------------------------------------------- */

/* Puts t on core c after `waking` ns of idle-state exit and the switch. */
static void core_switch_to(struct kern *k, struct kcore *c, struct kthread *t, sim_ns waking)
{
	core_account(c, k->sim->now);
	c->wake_until = k->sim->now + waking;
	/* Every switch-in pays: even the thread that ran last comes back from
	 * the idle task through schedule(), as Linux counts it (nr_switches). */
	sim_ns cost = waking + k->cfg->switch_cost;
	k->st.switches++;
	c->curr = t;
	t->state = KT_RUNNING;
	kt_tb_on(k, t);
	t->core = (int16_t)c->id;
	if (t->stack_home < 0)  /* its first instructions touch its stack first (memhome.h) */
		t->stack_home = (int16_t)(k->mpol ? mpol_home(k->mpol, c->id) : c->node);
	trc_set(k->sim->trace, TRC_THREAD, t->id, TS_RUNNING, c->id, k->sim->now);
	c->seg = SEG_OVH;
	eq_cancel(&k->sim->q, &c->ev);
	eq_push(&k->sim->q, &c->ev, k->sim->now + cost);
}

/* The switch-in is over: resume the thread's burst, or ask its owner. */
static void core_enter(struct kern *k, struct kcore *c)
{
	struct kthread *t = c->curr;
	c->slice_end = c->nrq ? k->sim->now + slice_len(k, c) : SIM_NS_MAX;
	if (t->burst_left >= 0) {
		core_start_burst(k, c);
		return;
	}
	c->seg = SEG_STEP;
	t->ops->step(k, t);
	HOT_ASSERT(c->curr != t || c->seg != SEG_STEP);
}

/* The stopped burst's thread goes back to the queue; the leftmost runs. */
static void core_requeue_and_pick(struct kern *k, struct kcore *c)
{
	struct kthread *t = c->curr;
	c->curr = NULL;
	rq_push(k, c, t);
	struct kthread *next = rq_pop(c);
	if (next == t) {
		c->curr = t;
		t->state = KT_RUNNING;
		kt_tb_on(k, t);
		trc_set(k->sim->trace, TRC_THREAD, t->id, TS_RUNNING, c->id, k->sim->now);
		c->slice_end = c->nrq ? k->sim->now + slice_len(k, c) : SIM_NS_MAX;
		core_start_burst(k, c);
		return;
	}
	k->st.involuntary++;
	core_switch_to(k, c, next, 0);
}

static void core_fire(struct sim *sim, struct eq_event *ev)
{
	struct kcore *c = CORE_OF_EV(ev);
	struct kern *k = c->kern;
	if (c->seg == SEG_OVH) {
		core_account(c, sim->now);
		core_enter(k, c);
		return;
	}
	struct kthread *t = c->curr;
	if (c->seg == SEG_KICK) {  /* no switch-in: the slice runs on */
		c->seg = SEG_STEP;
		t->ops->step(k, t);
		HOT_ASSERT(c->curr != t || c->seg != SEG_STEP);
		return;
	}
	HOT_ASSERT(c->seg == SEG_BURST);
	core_stop_burst(k, c);
	if (t->burst_left <= 0 && t->pre_left == 0) {
		t->burst_left = -1;
		c->seg = SEG_STEP;
		t->ops->step(k, t);
		HOT_ASSERT(c->curr != t || c->seg != SEG_STEP);
		return;
	}
	if (c->nrq == 0) {
		c->slice_end = SIM_NS_MAX;
		core_start_burst(k, c);
		return;
	}
	core_requeue_and_pick(k, c);
}

/* ---- placement ---------------------------------------------------------------- */

static inline bool core_idle(const struct kcore *c) { return c->curr == NULL; }
static inline int64_t core_load(const struct kcore *c) { return c->nrq + (c->curr ? 1 : 0); }

/* The first core at or after `from` (cyclically) that t may run on. */
static int first_allowed(const struct kern *k, const struct kthread *t, int from)
{
	for (int i = 0; i < k->ncores; i++) {
		int c = (from + i) % k->ncores;
		if (kern_allowed(k, t, c))
			return c;
	}
	assert(!"a thread allowed on no core");
	return from;
}

/* fair.c: wake_affine, for a waker on another node than t's previous core
 * (on the same node both lead to the same idle search): the waker's core
 * becomes the target when wake_affine_weight finds it less loaded — its
 * load with t added, x 100, below the previous core's x (100 + (117 -
 * 100) / 2) (WA_BIAS, the domain's imbalance_pct 117) — and the node
 * distance keeps SD_WAKE_AFFINE (<= node_reclaim_distance, 30).
 * wake_affine_idle's cases are covered by the caller's idle checks. */
static int wake_affine(const struct kern *k, const struct kthread *t, int prev, int waker)
{
	if (waker < 0 || waker >= k->ncores || !kern_allowed(k, t, waker))
		return prev;
	const struct kcore *w = &k->cores[waker], *p = &k->cores[prev];
	if (w->node == p->node || k->mach->distance[p->node * k->mach->nnodes + w->node] > 30)
		return prev;
	int64_t this_eff = (core_load(w) + 1) * 100, prev_eff = core_load(p) * (100 + (117 - 100) / 2);
	return this_eff < prev_eff ? waker : prev;
}

/* Wake-up placement: previous core if idle (t may run there), else an
 * idle core on the wake-affine target's node (select_idle_sibling: its
 * LLC), else any idle core, else the least loaded (the target on ties).
 * Only cores t may run on. */
static struct kcore *select_core(struct kern *k, const struct kthread *t, int prev, int waker)
{
	if (prev < 0 || prev >= k->ncores)
		prev = 0;
	if (!kern_allowed(k, t, prev))
		prev = first_allowed(k, t, prev);
	if (core_idle(&k->cores[prev]))
		return &k->cores[prev];
	int target = wake_affine(k, t, prev, waker);
	int per = k->mach ? k->mach->cores_per_node : k->ncores;
	int base = (target / per) * per;
	for (int i = 1; i < per; i++) {
		int c = base + (target - base + i) % per;
		if (c < k->ncores && core_idle(&k->cores[c]) && kern_allowed(k, t, c))
			return &k->cores[c];
	}
	for (int i = 1; i < k->ncores; i++) {
		int c = (target + i) % k->ncores;
		if (core_idle(&k->cores[c]) && kern_allowed(k, t, c))
			return &k->cores[c];
	}
	struct kcore *best = &k->cores[target];
	for (int i = 1; i < k->ncores; i++) {
		struct kcore *c = &k->cores[(target + i) % k->ncores];
		if (kern_allowed(k, t, c->id) && core_load(c) < core_load(best))
			best = c;
	}
	return best;
}

/* The thread's new slice competitor count changed: re-arm curr's slice. */
static void core_competitor_added(struct kern *k, struct kcore *c)
{
	if (c->seg != SEG_BURST || c->slice_end != SIM_NS_MAX)
		return;
	core_account(c, k->sim->now);
	c->slice_end = c->seg_start + slice_len(k, c);
	core_arm_burst(k, c);
}

/* How long an idle core takes to come out of idle: longer once it has
 * been idle past the halt-polling window / into a deeper C-state. */
static sim_ns idle_exit(const struct kern *k, const struct kcore *c)
{
	sim_ns idle = k->sim->now - c->idle_since;
	return idle >= k->cfg->idle_deep_after ? k->cfg->wake_idle_deep : k->cfg->wake_idle;
}

/* Enqueues a runnable thread on c; dispatches it if c is idle. */
static void core_enqueue(struct kern *k, struct kcore *c, struct kthread *t)
{
	if (core_idle(c)) {
		t->core = (int16_t)c->id;
		core_switch_to(k, c, t, idle_exit(k, c));
		return;
	}
	rq_push(k, c, t);
	core_competitor_added(k, c);
}

/* ---- balancing ------------------------------------------------------------------- */

/* Moves the first queued thread of `from` that may run on `to` there. */
static void migrate(struct kern *k, struct kcore *from, struct kcore *to)
{
	int32_t i = rq_find_allowed(k, from, to->id);
	assert(i >= 0);
	struct kthread *t = rq_remove_at(from, i);
	t->vruntime = t->vruntime - from->min_vruntime + to->min_vruntime;
	k->st.migrations++;
	k->st.migrations_remote += from->node != to->node;
	core_enqueue(k, to, t);
}

/* A core going idle pulls one waiting thread that may run on it: same
 * node first; another node only from a core with at least two waiting. */
static bool newidle_balance(struct kern *k, struct kcore *c)
{
	if (k->queued_cores == 0)
		return false;  /* no core has a thread waiting: the scan would find none */
	struct kcore *best = NULL;
	for (int i = 0; i < k->ncores; i++) {
		struct kcore *o = &k->cores[i];
		bool same = o->node == c->node;
		if (o == c || o->nrq < (same ? 1 : 2) || rq_find_allowed(k, o, c->id) < 0)
			continue;
		if (!best || (same && best->node != c->node) ||
		    ((same == (best->node == c->node)) && o->nrq > best->nrq))
			best = o;
	}
	if (!best)
		return false;
	struct kthread *t = rq_remove_at(best, rq_find_allowed(k, best, c->id));
	t->vruntime = t->vruntime - best->min_vruntime + c->min_vruntime;
	k->st.migrations++;
	k->st.migrations_remote += best->node != c->node;
	t->core = (int16_t)c->id;
	core_switch_to(k, c, t, 0);
	return true;
}

/* The node-level domain (fair.c: load_balance within an MC domain): over
 * cores [base, base + n), move a waiting thread from the most to the
 * least loaded core (that one of its threads may run on) while they
 * differ by two or more. */
static void balance_span(struct kern *k, int base, int n)
{
	for (int round = 0; round < n; round++) {
		struct kcore *hi = NULL, *lo = NULL;
		for (int i = base; i < base + n; i++) {
			struct kcore *c = &k->cores[i];
			if (c->nrq > 0 && (!hi || core_load(c) > core_load(hi)))
				hi = c;
		}
		for (int i = base; hi && i < base + n; i++) {
			struct kcore *c = &k->cores[i];
			if ((!lo || core_load(c) < core_load(lo)) && (c == hi || rq_find_allowed(k, hi, i) >= 0))
				lo = c;
		}
		if (!hi || core_load(hi) - core_load(lo) < 2)
			break;
		migrate(k, hi, lo);
	}
}

struct node_load {
	int64_t load;  /* running + waiting threads on its cores */
	int idle;      /* idle cores */
};

static struct node_load node_load(const struct kern *k, int node)
{
	struct node_load l = { 0, 0 };
	int per = k->mach->cores_per_node;
	for (int i = node * per; i < (node + 1) * per; i++) {
		l.load += core_load(&k->cores[i]);
		l.idle += core_idle(&k->cores[i]);
	}
	return l;
}

/* The core of node `from` with the most waiting threads of which one may
 * run on core `to`, or NULL. */
static struct kcore *numa_source(struct kern *k, int from, int to)
{
	int per = k->mach->cores_per_node;
	struct kcore *src = NULL;
	for (int i = from * per; i < (from + 1) * per; i++) {
		struct kcore *c = &k->cores[i];
		if (c->nrq > 0 && (!src || c->nrq > src->nrq) && rq_find_allowed(k, c, to) >= 0)
			src = c;
	}
	return src;
}

/* A move from node `from` to node `to`: the least loaded core of `to`
 * that a waiting thread of `from` may run on, and that thread's core;
 * false when no such pair exists. */
static bool numa_pair(struct kern *k, int from, int to, struct kcore **src, struct kcore **dst)
{
	int per = k->mach->cores_per_node;
	*src = *dst = NULL;
	for (int i = to * per; i < (to + 1) * per; i++) {
		struct kcore *c = &k->cores[i];
		if (*dst && core_load(c) >= core_load(*dst))
			continue;
		struct kcore *from_core = numa_source(k, from, i);
		if (from_core) {
			*dst = c;
			*src = from_core;
		}
	}
	return *src != NULL;
}

/* How many threads the NUMA-level domain moves from busiest node b to
 * local node l (fair.c: calculate_imbalance). Only a node with waiting
 * threads gives any (an overloaded group; the model migrates queued
 * threads only, not running ones). Into a node with idle cores: as many
 * as it has idle cores (group_has_spare: use the spare capacity); into a
 * busy node: half the difference, and only when b's load exceeds l's by
 * imbalance_pct 117 % (topology.c: sd_init) — the larger threshold that
 * makes cross-node moves rarer than the node level's difference of two. */
static int64_t numa_imbalance(const struct kern *k, struct node_load b, struct node_load l)
{
	int64_t waiting = b.load - k->mach->cores_per_node;
	if (waiting <= 0)
		return 0;
	if (l.idle > 0)
		return waiting < l.idle ? waiting : l.idle;
	if (b.load * 100 <= l.load * 117)
		return 0;
	return (b.load - l.load) / 2;
}

/* The NUMA-level domain: from the busiest node to the least loaded one
 * (the lower id on ties). */
static void balance_numa(struct kern *k)
{
	int nn = k->mach->nnodes, busiest = 0, local = 0;
	for (int n = 1; n < nn; n++) {
		if (node_load(k, n).load > node_load(k, busiest).load)
			busiest = n;
		if (node_load(k, n).load < node_load(k, local).load)
			local = n;
	}
	if (busiest == local)
		return;
	int64_t moves = numa_imbalance(k, node_load(k, busiest), node_load(k, local));
	for (int64_t i = 0; i < moves; i++) {
		struct kcore *src, *dst;
		if (!numa_pair(k, busiest, local, &src, &dst))
			break;
		migrate(k, src, dst);
	}
}

/* rebalance_domains: every node's domain each interval; the NUMA domain,
 * whose span is nnodes times larger, every nnodes-th (a domain's
 * balance_interval is its span weight in ms, topology.c: sd_init). */
static void balance_fire(struct sim *sim, struct eq_event *ev)
{
	struct kern *k = (struct kern *)((char *)ev - offsetof(struct kern, balance_ev));
	int nn = k->mach->nnodes, per = k->mach->cores_per_node;
	for (int n = 0; n < nn; n++)
		balance_span(k, n * per, per);
	if (nn > 1 && ++k->balance_ticks % (uint64_t)nn == 0)
		balance_numa(k);
	sim_after(sim, ev, k->cfg->balance_interval);
}

/* ---- the core lost its thread ---------------------------------------------- */

static void core_schedule(struct kern *k, struct kcore *c)
{
	c->curr = NULL;
	eq_cancel(&k->sim->q, &c->ev);
	if (c->nrq > 0) {
		core_switch_to(k, c, rq_pop(c), 0);
		return;
	}
	c->seg = SEG_IDLE;
	c->idle_since = k->sim->now;
	newidle_balance(k, c);
}

static struct kcore *stepping_core(struct kern *k, struct kthread *t)
{
	struct kcore *c = &k->cores[t->core];
	HOT_ASSERT(t->state == KT_RUNNING && c->curr == t && c->seg == SEG_STEP);
	(void)k;
	return c;
}

/* ---- public API -------------------------------------------------------------- */

void kern_run(struct kern *k, struct kthread *t, sim_ns work, enum cpu_cat cat,
	      double mem, int home)
{
	HOT_ASSERT(cat < CAT_IDLE);
	kern_run_pre_mask(k, t, NULL, 0, work, (enum cpu_cause)kern_cat_cause[cat], mem, home);
}

void kern_run_cz(struct kern *k, struct kthread *t, sim_ns work, enum cpu_cause cz,
		 double mem, int home)
{
	kern_run_pre_mask(k, t, NULL, 0, work, cz, mem, home);
}

void kern_run_pre(struct kern *k, struct kthread *t, const sim_ns *pre, sim_ns work,
		  enum cpu_cause cz, double mem, int home)
{
	unsigned mask = 0;
	for (int i = 0; pre && i < CZ_COUNT; i++)
		mask |= (unsigned)(pre[i] != 0) << i;
	kern_run_pre_mask(k, t, pre, mask, work, cz, mem, home);
}

void kern_run_pre_mask(struct kern *k, struct kthread *t, const sim_ns *pre, unsigned mask, sim_ns work,
		       enum cpu_cause cz, double mem, int home)
{
	struct kcore *c = stepping_core(k, t);
	HOT_ASSERT(work >= 0 && cz < CZ_COUNT);
	t->pre_left = 0;
	t->pre_mask = 0;
	for (; mask; mask &= mask - 1) {  /* pre[] is read only through pre_mask */
		int i = __builtin_ctz(mask);
		HOT_ASSERT(pre[i] >= 0);
		if (pre[i] == 0)
			continue;
		t->pre[i] = pre[i];
		t->pre_left += pre[i];
		t->pre_mask |= (uint16_t)(1u << i);
	}
	t->burst_left = work;
	t->burst_cz = (uint8_t)cz;
	t->burst_cat = kern_cause_cat[cz];
	t->burst_mem = (float)mem;
	t->burst_home = (int16_t)home;
	core_start_burst(k, c);
}

bool kern_stepping(const struct kern *k, const struct kthread *t)
{
	return t->state == KT_RUNNING && k->cores[t->core].curr == t &&
	       k->cores[t->core].seg == SEG_STEP;
}

sim_ns kern_horizon(struct kern *k, struct kthread *t)
{
	struct kcore *c = stepping_core(k, t);
	sim_ns next = eq_peek_time(&k->sim->q);
	return c->slice_end < next ? c->slice_end : next;
}

void kern_block(struct kern *k, struct kthread *t)
{
	kern_block_for(k, t, t->tb ? (enum tb_part)t->tb->block : TB_SYSCALL);
}

void kern_block_for(struct kern *k, struct kthread *t, enum tb_part why)
{
	struct kcore *c = stepping_core(k, t);
	t->state = KT_BLOCKED;
	kt_tb_off(k, t, why);
	trc_set(k->sim->trace, TRC_THREAD, t->id, TS_NONE, -1, k->sim->now);
	t->vruntime -= c->min_vruntime; /* kept as lag while asleep */
	core_schedule(k, c);
}

void kern_yield(struct kern *k, struct kthread *t)
{
	struct kcore *c = stepping_core(k, t);
	/* CFS's yield marks the thread as the skip buddy: the others run first */
	if (c->nrq > 0 && t->vruntime <= c->rq[0]->vruntime)
		t->vruntime = c->rq[0]->vruntime + 1;
	c->curr = NULL;
	rq_push(k, c, t);
	struct kthread *next = rq_pop(c);
	if (next == t) {  /* sched_yield with nobody else: no switch */
		c->curr = t;
		t->state = KT_RUNNING;
		kt_tb_on(k, t);
		trc_set(k->sim->trace, TRC_THREAD, t->id, TS_RUNNING, c->id, k->sim->now);
		t->burst_left = 0;
		t->pre_left = 0;
		t->pre_mask = 0;
		t->burst_cat = CAT_KERNEL;
		t->burst_cz = CZ_K_SYSCALL;
		core_start_burst(k, c);
		return;
	}
	core_switch_to(k, c, next, 0);
}

/* The figures t counts in: the service's, or other processes'. */
static struct kern_stats *stats_of(struct kern *k, const struct kthread *t)
{
	return t->foreign ? &k->other : &k->st;
}

static void release_thread(struct kern *k, struct kthread *t)
{
	struct kern_stats *st = stats_of(k, t);
	update_live_area(k);
	st->live--;
	st->exited++;
	st->reserved -= t->stack_reserved;
	st->committed -= t->stack_committed;
	t->state = KT_DEAD;
	trc_set(k->sim->trace, TRC_THREAD, t->id, TS_NONE, -1, k->sim->now);
	trc_event(k->sim->trace, TRC_THREAD, t->id, TE_THREAD_EXIT, t->id, -1, k->sim->now);
	t->owner = NULL;
	t->tb = NULL;
	t->next_free = k->free_list;
	k->free_list = t;
}

void kern_carry(struct kern *k, struct kthread *t, struct tb_acct *tb)
{
	t->tb = tb;
	if (!tb)
		return;
	switch (t->state) {
	case KT_RUNNING: tb_on(tb, k->sim->now); break;
	case KT_RUNNABLE: tb_off(tb, TB_SCHED, k->sim->now); break;
	case KT_STOPPED: tb_off(tb, TB_GC, k->sim->now); break;
	default: tb_off(tb, (enum tb_part)tb->block, k->sim->now); break;
	}
}

sim_ns kern_cause_ns(const struct kern *k, enum cpu_cause cz)
{
	return k->cause_acct[cz];
}

void kern_exit(struct kern *k, struct kthread *t)
{
	struct kcore *c = stepping_core(k, t);
	release_thread(k, t);
	core_schedule(k, c);
}

static void stop_thread(struct kern *k, struct kthread *t);

void kern_wake(struct kern *k, struct kthread *t, int waker_core)
{
	HOT_ASSERT(t->state == KT_BLOCKED);
	k->st.wakeups++;
	if (k->world_stopped && !t->exempt) {
		stop_thread(k, t);  /* runnable, but held until the world restarts */
		return;
	}
	struct kcore *c = select_core(k, t, t->core >= 0 ? t->core : waker_core, waker_core);
	core_account(c, k->sim->now);  /* min_vruntime as of now (CFS: update_curr first) */
	int64_t floor_v = c->min_vruntime - k->cfg->sched_latency / 2;
	t->vruntime += c->min_vruntime;
	if (t->vruntime < floor_v)
		t->vruntime = floor_v;
	if (core_idle(c)) {
		core_enqueue(k, c, t);
		return;
	}
	rq_push(k, c, t);
	core_competitor_added(k, c);
	if (c->seg == SEG_BURST) {
		core_account(c, k->sim->now);
		if (c->curr->vruntime - t->vruntime > k->cfg->wakeup_granularity) {
			core_stop_burst(k, c);
			core_requeue_and_pick(k, c);
		}
	}
}

static void wake_fire(struct sim *sim, struct eq_event *ev)
{
	struct kthread *t = (struct kthread *)((char *)ev - offsetof(struct kthread, wake_ev));
	(void)sim;
	t->waking = false;
	kern_wake(t->kern, t, t->wake_from);
}

void kern_wake_after(struct kern *k, struct kthread *t, int waker_core, sim_ns delay)
{
	HOT_ASSERT(kern_blocked(t));
	if (delay <= 0) {
		kern_wake(k, t, waker_core);
		return;
	}
	t->waking = true;
	t->wake_from = (int16_t)waker_core;
	sim_after(k->sim, &t->wake_ev, delay);
}

bool kern_blocked(const struct kthread *t)
{
	return t->state == KT_BLOCKED && !t->waking;
}

static struct kthread *alloc_thread(struct kern *k)
{
	struct kthread *t = k->free_list;
	if (t) {
		k->free_list = t->next_free;
		return t;
	}
	if (k->nchunks == 0 || k->chunk_used == CHUNK) {
		GROW(k->chunks, k->nchunks + 1, k->capchunks, 16, "threads");
		struct kthread *chunk = bud_calloc_aligned(CHUNK, sizeof *chunk, _Alignof(struct kthread), "threads");
		k->chunks[k->nchunks++] = chunk;
		k->chunk_used = 0;
	}
	return &k->chunks[k->nchunks - 1][k->chunk_used++];
}

static void note_memory_peaks(struct kern_stats *st)
{
	if (st->live > st->peak_live)
		st->peak_live = st->live;
	if (st->reserved > st->peak_reserved)
		st->peak_reserved = st->reserved;
	if (st->committed > st->peak_committed)
		st->peak_committed = st->committed;
}

/* START_DEBIT (fair.c: place_entity): a new thread starts one slice behind,
 * the slice it gets once it is counted (sched_vslice with nr_running + 1);
 * nothing on an idle core. */
static sim_ns start_debit(const struct kern *k, const struct kcore *c)
{
	if (core_idle(c))
		return 0;
	int64_t nr = c->nrq + (c->curr ? 1 : 0);
	sim_ns s = k->cfg->sched_latency / (nr + 1);
	return s > k->cfg->min_granularity ? s : k->cfg->min_granularity;
}

sim_ns kern_stack_remap_busy(const struct kern *k, const struct kthread *t)
{
	if (k->ncores < 2 || k->cfg->stack_remap_busy == 0)
		return 0;
	int busy = 0;
	for (int c = 0; c < k->ncores; c++)
		if (c != t->core && k->cores[c].curr)
			busy++;
	return k->cfg->stack_remap_busy * busy / (k->ncores - 1);
}

struct kthread *kern_create(struct kern *k, const struct kern_owner_ops *ops,
			    void *owner, int64_t stack, int near_core)
{
	return kern_create_touch(k, ops, owner, stack, k->cfg->stack_touch, near_core);
}

static struct kthread *create(struct kern *k, const struct kern_owner_ops *ops, void *owner,
			      int64_t stack, int64_t stack_touch, int near_core, bool foreign)
{
	int64_t touch = stack_touch < stack ? stack_touch : stack;
	struct kern_stats *st = foreign ? &k->other : &k->st;
	if (k->st.live + k->other.live >= k->cfg->max_threads ||
	    k->st.committed + k->other.committed + touch > k->cfg->memory) {
		st->create_failures++;
		return NULL;
	}
	struct kthread *t = alloc_thread(k);
	memset(t, 0, sizeof *t);
	t->id = k->next_id++;
	t->core = -1;
	t->burst_left = -1;
	t->burst_home = -1;
	t->stack_home = -1;
	t->ops = ops;
	t->owner = owner;
	t->kern = k;
	eq_event_init(&t->wake_ev, wake_fire);
	t->stack_reserved = stack;
	t->stack_committed = touch;
	t->foreign = foreign;
	t->exempt = foreign;
	update_live_area(k);
	st->live++;
	st->created++;
	st->reserved += stack;
	st->committed += touch;
	note_memory_peaks(st);
	trc_event(k->sim->trace, TRC_THREAD, t->id, TE_THREAD_CREATE, t->id, -1, k->sim->now);
	if (k->world_stopped && !t->exempt) {  /* created by an event while the world is stopped */
		t->core = (int16_t)(near_core >= 0 && near_core < k->ncores ? near_core : 0);
		stop_thread(k, t);
		return t;
	}
	struct kcore *c = select_core(k, t, near_core, -1);
	core_account(c, k->sim->now);  /* min_vruntime as of now (CFS: update_curr first) */
	t->vruntime = c->min_vruntime + start_debit(k, c);
	core_enqueue(k, c, t);
	return t;
}

struct kthread *kern_create_touch(struct kern *k, const struct kern_owner_ops *ops, void *owner,
				  int64_t stack, int64_t stack_touch, int near_core)
{
	return create(k, ops, owner, stack, stack_touch, near_core, false);
}

struct kthread *kern_create_foreign(struct kern *k, const struct kern_owner_ops *ops, void *owner,
				    int64_t stack, int near_core)
{
	return create(k, ops, owner, stack, k->cfg->stack_touch, near_core, true);
}

sim_ns kern_preempt_burst(struct kern *k, struct kthread *t)
{
	if (t->state == KT_RUNNING) {
		struct kcore *c = &k->cores[t->core];
		if (c->seg == SEG_STEP)
			return -1;
		if (c->seg == SEG_BURST) {
			core_stop_burst(k, c);
			sim_ns left = t->burst_left;
			if (t->pre_left > 0) {  /* the prefix runs on; step() at its end */
				t->burst_left = 0;
				core_start_burst(k, c);
				return left;
			}
			t->burst_left = -1;
			c->seg = SEG_KICK;  /* step() from an event, now */
			eq_push(&k->sim->q, &c->ev, k->sim->now);
			return left;
		}
	}
	if (t->state == KT_BLOCKED || t->state == KT_DEAD || t->burst_left < 0)
		return -1;
	sim_ns left = t->burst_left;  /* queued, or being switched in */
	t->burst_left = t->pre_left > 0 ? 0 : -1;
	return left;
}

/* ---- stop-the-world ------------------------------------------------------------ */

/* t (its vruntime already a lag, as a blocked thread's) joins the stopped list. */
static void stop_thread(struct kern *k, struct kthread *t)
{
	trc_set(k->sim->trace, TRC_THREAD, t->id, TS_GCSTOP, -1, k->sim->now);
	t->state = KT_STOPPED;
	kt_tb_off(k, t, TB_GC);
	t->next_free = NULL;
	if (k->stopped_tail)
		k->stopped_tail->next_free = t;
	else
		k->stopped_head = t;
	k->stopped_tail = t;
	k->nstopped++;
}

/* Takes c's queued threads that are not exempt off its run queue. */
static void stop_queued(struct kern *k, struct kcore *c)
{
	int n = c->nrq, keep = 0;
	struct kthread **all = malloc(sizeof *all * (size_t)(n ? n : 1));
	if (!all)
		bud_oom("stop-the-world", (int64_t)(sizeof *all * (size_t)(n ? n : 1)));
	for (int i = 0; i < n; i++)
		all[i] = rq_pop(c);
	for (int i = 0; i < n; i++) {
		struct kthread *t = all[i];
		if (t->exempt) {
			all[keep++] = t;
			continue;
		}
		t->vruntime -= c->min_vruntime;
		stop_thread(k, t);
	}
	for (int i = 0; i < keep; i++)
		rq_push(k, c, all[i]);
	free(all);
}

/* Stops c's running thread unless exempt; the core picks another. */
static void stop_running(struct kern *k, struct kcore *c)
{
	struct kthread *t = c->curr;
	if (!t || t->exempt)
		return;
	assert(c->seg != SEG_STEP);
	if (c->seg == SEG_BURST)
		core_stop_burst(k, c);  /* the remainder stays in t */
	else
		core_account(c, k->sim->now);  /* being switched in: the switch is lost */
	t->vruntime -= c->min_vruntime;
	stop_thread(k, t);
	core_schedule(k, c);
}

void kern_stop_world(struct kern *k)
{
	assert(!k->world_stopped);
	k->world_stopped = true;
	for (int i = 0; i < k->ncores; i++) {
		stop_queued(k, &k->cores[i]);
		stop_running(k, &k->cores[i]);
	}
}

void kern_start_world(struct kern *k)
{
	assert(k->world_stopped);
	k->world_stopped = false;
	struct kthread *t = k->stopped_head;
	k->stopped_head = k->stopped_tail = NULL;
	k->nstopped = 0;
	while (t) {
		struct kthread *next = t->next_free;
		t->next_free = NULL;
		t->state = KT_BLOCKED;
		k->st.wakeups--;  /* a restart, not a wake-up */
		kern_wake(k, t, t->core);
		t = next;
	}
}

void kern_commit_stack(struct kern *k, struct kthread *t, int64_t bytes)
{
	int64_t room = t->stack_reserved - t->stack_committed;
	if (bytes > room)
		bytes = room;
	if (bytes <= 0)
		return;
	struct kern_stats *st = stats_of(k, t);
	t->stack_committed += bytes;
	st->committed += bytes;
	note_memory_peaks(st);
}

void kern_account(struct kern *k)
{
	for (int i = 0; i < k->ncores; i++)
		core_account(&k->cores[i], k->sim->now);
	update_live_area(k);
}

void kern_reset_peaks(struct kern *k)
{
	update_live_area(k);
	k->st.live_area = 0;
	k->st.peak_live = k->st.live;
	k->st.peak_reserved = k->st.reserved;
	k->st.peak_committed = k->st.committed;
	k->other.peak_live = k->other.live;
	k->other.peak_reserved = k->other.reserved;
	k->other.peak_committed = k->other.committed;
}

int64_t kern_runnable(const struct kern *k)
{
	int64_t n = 0;
	for (int i = 0; i < k->ncores; i++)
		n += k->cores[i].nrq;
	return n;
}

int kern_busy_cores(const struct kern *k)
{
	int n = 0;
	for (int i = 0; i < k->ncores; i++)
		n += !core_idle(&k->cores[i]);
	return n;
}

int kern_init(struct kern *k, struct sim *sim, const struct kernel_cfg *cfg,
	      const struct machine *mach, void *ctx)
{
	memset(k, 0, sizeof *k);
	k->sim = sim;
	k->cfg = cfg;
	k->mach = mach;
	k->ctx = ctx;
	k->ncores = mach->ncores;
	size_t bytes = (size_t)k->ncores * sizeof *k->cores;  /* a multiple of the 64-byte alignment */
	k->cores = aligned_alloc(_Alignof(struct kcore), bytes);
	if (!k->cores)
		return -1;
	memset(k->cores, 0, bytes);
	for (int i = 0; i < k->ncores; i++) {
		struct kcore *c = &k->cores[i];
		c->kern = k;
		c->id = i;
		c->node = mach_node_of(mach, i);
		c->seg = SEG_IDLE;
		c->slice_end = SIM_NS_MAX;
		eq_event_init(&c->ev, core_fire);
		trc_set(sim->trace, TRC_CORE, i, TS_NONE, -1, 0);  /* every core has a track */
	}
	eq_event_init(&k->balance_ev, balance_fire);
	if (cfg->balance_interval > 0)
		sim_after(sim, &k->balance_ev, cfg->balance_interval);
	return 0;
}

void kern_bind(struct kern *k, const uint8_t *allowed, const struct mpol *mpol)
{
	assert(k->next_id == 0);
	k->allowed = allowed;
	k->mpol = mpol;
}

void kern_free(struct kern *k)
{
	for (int i = 0; k->cores && i < k->ncores; i++)
		free(k->cores[i].rq);
	free(k->cores);
	for (int i = 0; i < k->nchunks; i++)
		free(k->chunks[i]);
	free(k->chunks);
	memset(k, 0, sizeof *k);
}

static void count_states(struct kern *k, int64_t count[KT_NSTATES])
{
	memset(count, 0, sizeof(int64_t) * KT_NSTATES);
	for (int ch = 0; ch < k->nchunks; ch++) {
		int used = ch == k->nchunks - 1 ? k->chunk_used : CHUNK;
		for (int i = 0; i < used; i++)
			count[k->chunks[ch][i].state]++;
	}
}

int kern_check(struct kern *k, char *err, size_t errlen)
{
	int64_t count[KT_NSTATES];
	count_states(k, count);
	int64_t busy = kern_busy_cores(k), queued = kern_runnable(k);
	if (count[KT_RUNNING] != busy || count[KT_RUNNABLE] != queued) {
		snprintf(err, errlen, "kernel invariant: %lld running threads on %lld busy cores, "
			 "%lld runnable threads in run queues of %lld",
			 (long long)count[KT_RUNNING], (long long)busy,
			 (long long)count[KT_RUNNABLE], (long long)queued);
		return -1;
	}
	if (count[KT_STOPPED] != k->nstopped) {
		snprintf(err, errlen, "kernel invariant: %lld stopped threads, %lld on the stopped list",
			 (long long)count[KT_STOPPED], (long long)k->nstopped);
		return -1;
	}
	if (count[KT_RUNNING] + count[KT_RUNNABLE] + count[KT_BLOCKED] + count[KT_STOPPED] !=
	    k->st.live + k->other.live) {
		snprintf(err, errlen, "kernel invariant: %lld live threads but %lld in a live state",
			 (long long)(k->st.live + k->other.live),
			 (long long)(count[KT_RUNNING] + count[KT_RUNNABLE] + count[KT_BLOCKED]));
		return -1;
	}
	kern_account(k);
	sim_ns sum = 0;
	for (int c = 0; c < CAT_COUNT; c++)
		sum += k->acct[c];
	for (int i = 0; i < k->ncores; i++)
		if (k->cores[i].acct_from != k->sim->now) {
			snprintf(err, errlen, "kernel invariant: core %d accounted up to %lld ns of %lld",
				 i, (long long)k->cores[i].acct_from, (long long)k->sim->now);
			return -1;
		}
	if (sum != (sim_ns)k->ncores * k->sim->now) {
		snprintf(err, errlen, "kernel invariant: %d cores accounted %lld ns of %lld each",
			 k->ncores, (long long)sum, (long long)k->sim->now);
		return -1;
	}
	return 0;
}
