/* models/gmp/gmp_m.c — the gmp model's Ms and Ps (proc.go): taking and giving
 * up a P (acquirep, releasep, the P's legal transitions), creating and
 * waking Ms (newm, startm, wakep), handing a P off (handoffp), readying Gs
 * into a P (ready, injectglist), parking an M (stopm), and the M's debt and
 * clock ("decide, then pay": see the essay in gmp.c). Must not choose what
 * an M runs next (gmp.c's schedule does) nor run a G's program (gmp_g.c). */
#include "budget.h"
#include "check.h"
#include "gmp_sched.h"
#include "grow.h"
#include "gmp_trace.h"
#include "run.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* runtime2.go: P status transitions (Pdead comes with procresize, which
 * is not modelled). Pgcstop: stopTheWorldWithSema (own, syscall and idle
 * Ps), gcstopm and handoffp (running Ps); startTheWorldWithSema. */
static const bool legal_p[P_NSTATES][P_NSTATES] = {
	[P_IDLE] = { [P_RUNNING] = true, [P_GCSTOP] = true },
	[P_RUNNING] = { [P_IDLE] = true, [P_SYSCALL] = true, [P_GCSTOP] = true },
	[P_SYSCALL] = { [P_IDLE] = true, [P_GCSTOP] = true },
	[P_GCSTOP] = { [P_IDLE] = true, [P_RUNNING] = true },
};

void gmp_caspstatus(struct gmp_p *p, enum pstatus from, enum pstatus to)
{
	if (p->status != from || !legal_p[from][to]) {
		fprintf(stderr, "gmpsim: gmp: illegal P transition %d -> %d (P%d is in %d)\n",
			from, to, p->id, p->status);
		abort();
	}
	p->status = (uint8_t)to;
	gmp_p_sync_status(p);
	gmp_trace_p_changed(p);
}

/* Aborts unless every P's bits in the indexes match its fields (the
 * sanitizer builds check this after every step: -DGMP_PIDX_CHECK). */
void gmp_pidx_verify(const struct gmp *s)
{
	const struct gmp_pidx *x = &s->pidx;
	int count[PB_NBITS] = { 0 };
	for (int i = 0; i < s->nprocs; i++) {
		const struct gmp_p *p = &s->allp[i];
		bool want[PB_NBITS] = { p->status != P_IDLE, p->runqtail != p->runqhead,
					p->runnext != NULL, p->ntimers > 0 };
		for (int b = 0; b < PB_NBITS; b++) {
			count[b] += want[b];
			if (gmp_pidx_has(x->bits[b], i) != want[b]) {
				fprintf(stderr, "gmpsim: gmp: P%d's index bit %d is stale\n", i, b);
				abort();
			}
		}
	}
	for (int b = 0; b < PB_NBITS; b++)
		if (count[b] != x->count[b]) {
			fprintf(stderr, "gmpsim: gmp: index %d counts %d, not %d\n", b, x->count[b], count[b]);
			abort();
		}
}

/* CPU the M owes for decisions already taken. */
sim_ns gmp_m_debt(const struct gmp_m *m)
{
	return m->debt_sum;
}

/* The instant of the M's current decision: when it would be taken had the
 * M paid its earlier debt first (now without an M, or outside its step). */
sim_ns gmp_m_clock(struct gmp *s, const struct gmp_m *m)
{
	return m && m->clock > now_of(s) ? m->clock : now_of(s);
}

/* A burst of `work` opened by the M's debt as its prefix; the debt is paid. */
void gmp_m_burst(struct gmp *s, struct gmp_m *m, sim_ns work, enum cpu_cat cat,
		    double mem, int home)
{
	gmp_m_burst_cz(s, m, work, gmp_cause(cat), mem, home);
}

void gmp_m_burst_cz(struct gmp *s, struct gmp_m *m, sim_ns work, enum cpu_cause cz,
		    double mem, int home)
{
	kern_run_pre_mask(&run_of(s)->kern, m->kt, m->debt, m->debt_mask, work, cz, mem, home);
	for (unsigned b = m->debt_mask; b; b &= b - 1)
		m->debt[__builtin_ctz(b)] = 0;
	m->debt_mask = 0;
	m->debt_sum = 0;
}

enum cpu_cause gmp_cause(enum cpu_cat cat)
{
	return cat == CAT_KERNEL ? CZ_K_SYSCALL : (enum cpu_cause)kern_cat_cause[cat];
}

/* ---- Ms ---------------------------------------------------------------------- */

void gmp_acquirep(struct gmp_m *m, struct gmp_p *p)
{
	HOT_ASSERT(!m->p);
	gmp_caspstatus(p, P_IDLE, P_RUNNING);
	m->p = p;
	p->m = m;
}

struct gmp_p *gmp_releasep(struct gmp_m *m)
{
	struct gmp_p *p = m->p;
	HOT_ASSERT(p && p->m == m);
	gmp_caspstatus(p, P_RUNNING, P_IDLE);
	m->p = NULL;
	p->m = NULL;
	return p;
}

void gmp_owe(struct gmp_m *by, enum cpu_cat cat, sim_ns ns)
{
	gmp_owe_cz(by, gmp_cause(cat), ns);
}

void gmp_owe_cz(struct gmp_m *by, enum cpu_cause cz, sim_ns ns)
{
	if (!by)
		return;
	by->debt[cz] += ns;
	by->debt_sum += ns;
	by->debt_mask |= 1u << cz;
}

void gmp_owe_kernel(struct gmp_m *by, sim_ns ns) { gmp_owe_cz(by, CZ_K_SYSCALL, ns); }
void gmp_owe_runtime(struct gmp_m *by, sim_ns ns) { gmp_owe_cz(by, CZ_RT_SCHED, ns); }

static const struct kern_owner_ops m_ops = { .step = gmp_m_step };

/* proc.go:newm — a new kernel thread. Its creator pays allocm (the m, its
 * g0 stack, mpreinit's 32 KiB gsignal: mallocs on a borrowed P) and
 * newosproc (os_linux.go: sigprocmask, clone, sigprocmask); the thread pays
 * mstart (gmp_mstart) when it first runs. sysmon (newm(sysmon, nil, -1))
 * is created before any M could pay and does not pay mstart either. */
struct gmp_m *gmp_newm(struct gmp *s, struct gmp_m *by, enum m_phase phase)
{
	if (s->nm >= s->cfg.maxmcount) {
		run_fail(run_of(s), "gmp: runtime: program exceeds %lld-thread limit (fatal error: thread exhaustion)",
			 (long long)s->cfg.maxmcount);
		return NULL;
	}
	GROW(s->allm, s->nm + 1, s->capm, 64, "Ms");
	struct gmp_m *m = bud_calloc_aligned(1, sizeof *m, _Alignof(struct gmp_m), "Ms");
	m->id = s->nm;
	m->phase = (uint8_t)phase;
	s->allm[s->nm++] = m;
	int near = by && by->kt ? by->kt->core : 0;
	m->kt = kern_create(&run_of(s)->kern, &m_ops, m, s->cfg.mstack, near);
	if (!m->kt) {
		run_fail(run_of(s), "gmp: runtime: failed to create new OS thread (have %d already; "
			 "kernel.max_threads or kernel.memory reached)", s->nm - 1);
		return NULL;
	}
	s->st.ms_created++;
	if (s->nm > s->st.peak_ms)
		s->st.peak_ms = s->nm;
	gmp_owe_cz(by, CZ_K_THREAD, kcfg(s)->thread_create);
	gmp_owe_cz(by, CZ_RT_SCHED, s->cfg.newm);
	m->unstarted = phase == M_PARKED;
	return m;
}

/* proc.go:mstart — a new thread's first run: mstart0/mstart1, minit
 * (os_linux.go:minit: minitSignals' sigaltstack and sigprocmask, gettid),
 * the first touches of its g0 stack; then it acquires nextp. */
void gmp_mstart(struct gmp *s, struct gmp_m *m)
{
	if (!m->unstarted)
		return;
	m->unstarted = false;
	gmp_owe_cz(m, CZ_RT_SCHED, s->cfg.mstart);
}

/* proc.go:startm — run p (or an idle P) on an idle M, or a new one. */
void gmp_startm(struct gmp *s, struct gmp_p *p, bool spinning, struct gmp_m *by)
{
	if (!p) {
		p = gmp_pidleget(s);
		if (!p) {
			if (spinning)
				s->nmspinning--;
			return;
		}
	}
	struct gmp_m *m = s->midle;
	if (!m) {
		m = gmp_newm(s, by, M_PARKED);
		if (!m)
			return;
		m->spinning = spinning;
		m->nextp = p;
		trc_event(gmp_trc(s), TRC_M, m->id, TE_STARTM, p->id, spinning, gmp_m_clock(s, by));
		return;  /* a new thread starts in M_PARKED and acquires nextp */
	}
	s->midle = m->schedlink;
	s->nmidle--;
	m->schedlink = NULL;
	m->spinning = spinning;
	m->nextp = p;
	trc_event(gmp_trc(s), TRC_M, m->id, TE_STARTM, p->id, spinning, gmp_m_clock(s, by));
	gmp_owe_cz(by, CZ_K_WAKE, kcfg(s)->syscall + kcfg(s)->wake_cost);  /* notewakeup: futex wake */
	kern_wake_after(&run_of(s)->kern, m->kt, by && by->kt ? by->kt->core : -1,
			gmp_m_clock(s, by) - now_of(s));
}

/* proc.go:wakep — one more spinning M, if a P is idle and none spins. */
void gmp_wakep(struct gmp *s, struct gmp_m *by)
{
	if (s->npidle == 0 || s->nmspinning != 0)
		return;
	s->nmspinning++;
	trc_event(gmp_trc(s), TRC_SCHED, 0, TE_WAKEP, by ? by->id : -1, -1, gmp_m_clock(s, by));
	gmp_startm(s, NULL, true, by);
}

/* proc.go:handoffp — the decision list for a P without an M (§4). */
void gmp_handoffp(struct gmp *s, struct gmp_p *p, struct gmp_m *by)
{
	s->st.handoffs++;
	trc_event(gmp_trc(s), TRC_P, p->id, TE_HANDOFFP, by && by == s->sysmon, -1, gmp_m_clock(s, by));
	if (p->status == P_SYSCALL)  /* retake; stoplockedm hands off a released P */
		gmp_caspstatus(p, P_SYSCALL, P_IDLE);
	p->m = NULL;
	if (!gmp_runqempty(p) || s->runq.len > 0) {
		gmp_startm(s, p, false, by);
		return;
	}
	if (s->gc.phase == GC_MARK && s->gc.work_claimed < s->gc.work_total) {  /* GC work */
		gmp_startm(s, p, false, by);
		return;
	}
	if (s->nmspinning + s->npidle == 0) {
		s->nmspinning++;
		gmp_startm(s, p, true, by);
		return;
	}
	if (gmp_gc_handoff_stop(s, p))
		return;
	if (s->npidle == s->nprocs - 1 && s->lastpoll != 0) {
		gmp_startm(s, p, false, by);
		return;
	}
	gmp_pidleput(s, p);
	sim_ns when = gmp_nexttimer(p);
	if (when != SIM_NS_MAX)
		gmp_wake_netpoller(s, when, by);
}

/* proc.go:ready — into the readying M's P's runnext, then wakep. */
void gmp_ready(struct gmp *s, struct task *g, struct gmp_m *by)
{
	gmp_make_runnable(s, g, G_WAITING, by);
	gmp_owe_runtime(by, s->cfg.runqput);
	gmp_runqput(s, by->p, g, true);
	gmp_wakep(s, by);
}

/* proc.go:injectglist — Gs from netpoll: one per idle P to the global queue
 * with an M started for each, the rest to the local queue (never runnext). */
void gmp_injectglist(struct gmp *s, struct task_fifo *list, struct gmp_m *by)
{
	for (struct task *g = list->head; g; g = g->next)
		gmp_make_runnable(s, g, G_WAITING, by);
	if (!by || !by->p) {
		int64_t n = list->len;
		struct task *g;
		while ((g = tq_pop(list)))
			gmp_globrunqput(s, g);
		for (int64_t i = 0; i < n && s->npidle > 0; i++)
			gmp_startm(s, NULL, false, by);
		return;
	}
	int64_t npidle = s->npidle;
	for (int64_t i = 0; i < npidle && list->len > 0; i++) {
		gmp_globrunqput(s, tq_pop(list));
		gmp_startm(s, NULL, false, by);
	}
	struct task *g;
	while ((g = tq_pop(list))) {
		gmp_owe_runtime(by, s->cfg.runqput);
		gmp_runqput(s, by->p, g, false);
	}
}

/* proc.go:checkdead — no M is running (all idle, idle-locked, sysmon or
 * exited), no arrival is still to come from outside, no P has a timer,
 * yet goroutines are alive: they all wait for each other. Go dies with
 * "all goroutines are asleep - deadlock!". (An M in a syscall or blocked
 * in netpoll counts as running, as in the runtime.) */
static void checkdead(struct gmp *s)
{
	int run = s->nm - s->nmidle - s->nmidlelocked - 1 - (int)s->st.ms_exited;
	struct wl *w = &run_of(s)->wl;
	if (run > 0 || w->arrivals_armed > 0 || w->st.live == 0 || s->nqueued > 0)
		return;
	if (s->pidx.count[PB_TIMERS] > 0)
		return;
	run_fail(run_of(s), "gmp: fatal error: all goroutines are asleep - deadlock! "
		 "(%lld goroutines waiting, no timer, no arrival to come)", (long long)w->st.live);
}

/* proc.go:stopm — park on the idle M list until startm hands a P (mput
 * runs checkdead). */
void gmp_stopm(struct gmp *s, struct gmp_m *m)
{
	HOT_ASSERT(!m->p && !m->spinning);
	m->phase = M_PARKED;
	m->schedlink = s->midle;
	s->midle = m;
	s->nmidle++;
	checkdead(s);
	kern_block(&run_of(s)->kern, m->kt);
}

/* proc.go:stoplockedm — the M locked to a G that cannot run now hands its
 * P off and sleeps until startlockedm gives it one with the G runnable. */
void gmp_stoplockedm(struct gmp *s, struct gmp_m *m)
{
	if (m->p)
		gmp_handoffp(s, gmp_releasep(m), m);
	if (m->nextp) {  /* already handed a P: the G is runnable again */
		struct gmp_p *p = m->nextp;
		m->nextp = NULL;
		gmp_acquirep(m, p);
		gmp_execute(s, m, m->lockedg, false);
		return;
	}
	m->phase = M_LOCKED_WAIT;
	s->nmidlelocked++;
	checkdead(s);
	kern_block(&s->run->kern, m->kt);
}

/* proc.go:startlockedm — g must run on its own M: this M hands it its P
 * (nextp + notewakeup) and stops. The locked M stops counting as idle
 * here, before this M's stopm runs checkdead (incidlelocked(-1) comes
 * first in startlockedm), not when it gets to run: a woken M still
 * waiting for a core (or a new M still in mstart) is not asleep. One that
 * has not reached stoplockedm yet never counted (it finds nextp there). */
void gmp_startlockedm(struct gmp *s, struct gmp_m *m, struct task *g)
{
	struct gmp_m *lm = g->lockedm;
	if (lm->phase == M_LOCKED_WAIT)
		s->nmidlelocked--;  /* proc.go:startlockedm: incidlelocked(-1) */
	lm->nextp = gmp_releasep(m);
	s->st.lockedm_handoffs++;
	if (lm->phase == M_LOCKED_WAIT && lm->kt->state == KT_BLOCKED) {
		gmp_owe_cz(m, CZ_K_WAKE, s->run->sc->kernel.syscall + s->run->sc->kernel.wake_cost);
		kern_wake(&s->run->kern, lm->kt, m->kt->core);
	}
	gmp_stopm(s, m);
}
