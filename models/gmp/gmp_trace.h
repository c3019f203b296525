/* models/gmp/gmp_trace.h — the gmp model's timeline hooks (sim/core/trace.h): the
 * P and M tracks, derived from the model's own state after each decision.
 * Internal to models/gmp*.c. Must not change the model's state. */
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

#endif
