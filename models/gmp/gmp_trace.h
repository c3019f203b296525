/* models/gmp/gmp_trace.h — the gmp model's timeline hooks (sim/core/trace.h): the
 * P and M tracks, derived from the model's own state after each decision.
 * Internal to models/gmp*.c. Must not change the model's state.
 *
 * The sync is incremental: it re-reads only the Ps whose track may have
 * changed since the last sync — those whose status changed (marked by
 * gmp_caspstatus through gmp_trace_p_changed) and those the stepping M
 * holds, lends or held at its previous sync (a P's track follows its M's
 * phase and G) — in P order, at the same instant, so the records are the
 * ones a scan of every P would make. -DGMP_TRACE_CHECK (the sanitizer
 * builds) scans every P after each sync as well and aborts on a P whose
 * track the incremental sync left stale. */
#ifndef GMPSIM_GMP_TRACE_H
#define GMPSIM_GMP_TRACE_H
#include "gmp_sched.h"
#include "trace.h"

/* Brings M m's track (m may be NULL) and every P's track up to date at
 * time t: each shows what the model's fields now say it is doing. */
void gmp_trace_sync_rec(struct gmp *s, struct gmp_m *m, sim_ns t);

/* The run's recorder, NULL when not traced. */
static inline struct trc *gmp_trc(struct gmp *s) { return s->run->sim.trace; }

/* After a decision of m (taken at its clock): one branch when not traced. */
static inline void gmp_trace_sync(struct gmp *s, struct gmp_m *m)
{
	if (__builtin_expect(gmp_trc(s) != NULL, 0))
		gmp_trace_sync_rec(s, m, gmp_m_clock(s, m));
}

/* P p's status changed: the next sync re-reads it. One branch on the P's
 * first line when not traced (p->traced and p->tr_dirty are set by the
 * first sync of a traced run). */
static inline void gmp_trace_p_changed(struct gmp_p *p)
{
	if (__builtin_expect(p->traced, 0))
		p->tr_dirty[p->id >> 6] |= UINT64_C(1) << (p->id & 63);
}

#endif
