/* models/gmp/gmp_trace.c — what the gmp model's Ps and Ms are doing, read off
 * their fields for the timeline (see gmp_trace.h): a P runs a G, is lent
 * to a syscall, or shows nothing (idle, or held by an M in the scheduler:
 * the M's track says whether it spins, so the P's does not repeat it); an
 * M runs a G, schedules, spins, sits in a syscall or in epoll_wait, does GC
 * work (a mark worker, a stop-the-world), or is parked (nothing). Must not change any model state
 * (it only hands out goroutine ids for the timeline, task.goid). */
#include "gmp_trace.h"
#include "budget.h"
#include <stdio.h>
#include <stdlib.h>

/* The G's id on the timeline — the number of its own goroutine track
 * (G17) — handed out on first sight, so P, M and goroutine tracks name a
 * goroutine the same way; -1: none. */
static int64_t g_obj(struct gmp *s, struct task *g)
{
	if (!g)
		return -1;
	if (!g->goid)
		g->goid = ++s->goid_next;
	return (int64_t)(g->goid & INT32_MAX);
}

static enum trc_state m_state(struct gmp *s, const struct gmp_m *m, int64_t *obj)
{
	*obj = -1;
	switch (m->phase) {
	case M_RUN_G:
		*obj = g_obj(s, m->curg);
		return TS_RUNNING;
	case M_SCHEDULE:
	case M_SPIN_DONE:
	case M_RUNQGRAB_SLEEP:
	case M_RUNQGRAB_WAKE:
		return m->spinning ? TS_SPINNING : TS_SCHEDULE;
	case M_SYSCALL:
	case M_EXITSYSCALL:
		*obj = g_obj(s, m->curg);
		return TS_SYSCALL;
	case M_NETPOLL:
		return TS_NETPOLL;
	case M_GC_WORK:
	case M_STW_BEGIN:
	case M_STW_WAIT:
	case M_STW_WORK:
		return TS_GC;
	default:  /* parked, sysmon asleep, waiting for a locked G, dead */
		return TS_NONE;
	}
}

/* The M that lent p to its syscall (p->m is NULL then). O(Ms). */
static int64_t syscall_m(const struct gmp *s, const struct gmp_p *p)
{
	for (int i = 0; i < s->nm; i++)
		if (s->allm[i]->oldp == p)
			return s->allm[i]->id;
	return -1;
}

static enum trc_state p_state(struct gmp *s, const struct gmp_p *p, int64_t *obj)
{
	const struct gmp_m *m = p->m;
	*obj = -1;
	switch (p->status) {
	case P_RUNNING:
		if (m && m->phase == M_RUN_G && m->curg) {
			*obj = g_obj(s, m->curg);
			return TS_RUNNING;
		}
		if (m && m->phase == M_GC_WORK)
			return TS_GC;  /* a mark worker */
		return TS_NONE;  /* its M is in the scheduler: the M's track shows it */
	case P_SYSCALL:
		*obj = syscall_m(s, p);
		return TS_SYSCALL;
	case P_GCSTOP:
		return TS_GCSTOP;
	default:
		return TS_NONE;
	}
}

/* The first sync of a traced run: every P's track is due (so the tracks
 * are created in P order, as a scan would), and gmp_caspstatus marks Ps
 * from now on. */
static void dirty_start(struct gmp *s)
{
	int words = (s->nprocs + 63) / 64;
	s->tr_dirty = calloc((size_t)words, sizeof *s->tr_dirty);
	if (!s->tr_dirty)
		bud_oom("trace", (int64_t)(sizeof *s->tr_dirty * (size_t)words));
	for (int i = 0; i < s->nprocs; i++) {
		s->allp[i].tr_dirty = s->tr_dirty;
		s->allp[i].traced = true;
		gmp_trace_p_changed(&s->allp[i]);
	}
}

static void dirty_mark(struct gmp *s, const struct gmp_p *p)
{
	if (p)
		s->tr_dirty[p->id >> 6] |= UINT64_C(1) << (p->id & 63);
}

/* The Ps whose state m's decisions since its last sync may have changed
 * without a status change: those it holds or lends (its phase and G are
 * theirs) now and at that sync. */
static void dirty_mark_m(struct gmp *s, struct gmp_m *m)
{
	dirty_mark(s, m->tr_p);
	dirty_mark(s, m->tr_oldp);
	dirty_mark(s, m->p);
	dirty_mark(s, m->oldp);
	m->tr_p = m->p;
	m->tr_oldp = m->oldp;
}

static void sync_p(struct gmp *s, struct trc *tr, int i, sim_ns t)
{
	int64_t obj;
	enum trc_state st = p_state(s, &s->allp[i], &obj);
	trc_set(tr, TRC_P, s->allp[i].id, st, obj, t);
}

#ifdef GMP_TRACE_CHECK
/* Aborts on a P whose track a scan would still change. */
static void check_all_p(struct gmp *s, struct trc *tr)
{
	for (int i = 0; i < s->nprocs && !tr->stopped; i++) {
		int64_t obj;
		enum trc_state st = p_state(s, &s->allp[i], &obj);
		if (!trc_unchanged(tr, TRC_P, s->allp[i].id, st, obj)) {
			fprintf(stderr, "gmpsim: gmp: P%d's trace track is stale (state %d, obj %lld)\n", i,
				st, (long long)obj);
			abort();
		}
	}
}
#endif

void gmp_trace_sync_rec(struct gmp *s, struct gmp_m *m, sim_ns t)
{
	struct trc *tr = gmp_trc(s);
	if (!s->tr_dirty)
		dirty_start(s);
	if (m) {
		dirty_mark_m(s, m);
		if (m != s->sysmon) {
			int64_t obj;
			enum trc_state st = m_state(s, m, &obj);
			trc_set(tr, TRC_M, m->id, st, obj, t);
		}
	}
	for (int w = 0; w < (s->nprocs + 63) / 64; w++) {
		for (uint64_t bits = s->tr_dirty[w]; bits; bits &= bits - 1)
			sync_p(s, tr, w * 64 + __builtin_ctzll(bits), t);
		s->tr_dirty[w] = 0;
	}
#ifdef GMP_TRACE_CHECK
	check_all_p(s, tr);
#endif
}
