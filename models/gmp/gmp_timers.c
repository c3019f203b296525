/* models/gmp/gmp_timers.c — each P's timer heap (time.go: a 4-ary min-heap by
 * expiry), holding the goroutines asleep in time.Sleep. Timers run only when
 * the scheduler looks (checkTimers); this file only keeps the heap. */
#include "gmp_sched.h"
#include "grow.h"
#include <stdio.h>
#include <stdlib.h>

static void set(struct gmp_p *p, int32_t i, struct task *g)
{
	p->timers[i] = g;
	g->timer_pos = i;
}

static void sift_up(struct gmp_p *p, int32_t i, struct task *g)
{
	while (i > 0) {
		int32_t parent = (i - 1) / 4;
		if (p->timers[parent]->when <= g->when)
			break;
		set(p, i, p->timers[parent]);
		i = parent;
	}
	set(p, i, g);
}

static void sift_down(struct gmp_p *p, int32_t i, struct task *g)
{
	for (;;) {
		int32_t c = 4 * i + 1, best = -1;
		for (int32_t k = c; k < c + 4 && k < p->ntimers; k++)
			if (best < 0 || p->timers[k]->when < p->timers[best]->when)
				best = k;
		if (best < 0 || p->timers[best]->when >= g->when)
			break;
		set(p, i, p->timers[best]);
		i = best;
	}
	set(p, i, g);
}

/* time.go:doaddtimer */
void gmp_addtimer(struct gmp_p *p, struct task *g)
{
	GROW(p->timers, p->ntimers + 1, p->captimers, 64, "timers");
	sift_up(p, p->ntimers++, g);
	gmp_p_sync_timers(p);
}

/* The earliest expiry on p, or SIM_NS_MAX. */
sim_ns gmp_nexttimer(const struct gmp_p *p)
{
	return p->ntimers ? p->timers[0]->when : SIM_NS_MAX;
}

int gmp_expired_timers(struct gmp_p *p, sim_ns now, struct task **out, int max)
{
	int n = 0;
	while (n < max && p->ntimers > 0 && p->timers[0]->when <= now) {
		struct task *g = p->timers[0];
		g->timer_pos = -1;
		out[n++] = g;
		struct task *last = p->timers[--p->ntimers];
		if (p->ntimers > 0)
			sift_down(p, 0, last);
	}
	if (n > 0)
		gmp_p_sync_timers(p);
	return n;
}

/* The earliest timer on any P (proc.go:checkTimersNoP, timeSleepUntil):
 * the Ps with timers only, through their bitmap. */
sim_ns gmp_earliest_timer(const struct gmp *s)
{
	sim_ns t = SIM_NS_MAX;
	const uint64_t *has = s->pidx.bits[PB_TIMERS];
	for (int i = gmp_pidx_next(has, s->pidx.nwords, 0); i >= 0; i = gmp_pidx_next(has, s->pidx.nwords, i + 1)) {
		sim_ns w = gmp_nexttimer(&s->allp[i]);
		if (w < t)
			t = w;
	}
	return t;
}
