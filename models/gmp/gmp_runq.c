/* models/gmp/gmp_runq.c — the P's local run queue (256-slot ring + runnext), the
 * global run queue, work stealing and the idle-P list, with the exact
 * arithmetic of Go 1.19's runtime/proc.go. Pure data-structure code: it
 * charges no CPU and wakes nobody (callers do, as the runtime's callers do). */
#include "gmp_sched.h"
#include "run.h"
#include <assert.h>

static inline struct task *ring_at(struct gmp_p *p, uint32_t i) { return p->runq[i % GMP_RUNQ_SIZE]; }

uint32_t gmp_runqlen(const struct gmp_p *p) { return p->runqtail - p->runqhead; }

/* proc.go:runqempty — no runnable G in the ring nor in runnext. */
bool gmp_runqempty(const struct gmp_p *p)
{
	return p->runqhead == p->runqtail && p->runnext == NULL;
}

/* proc.go:globrunqputbatch — appends a linked batch to the global queue. */
static void globrunqputbatch(struct gmp *s, struct task **batch, int n)
{
	for (int i = 0; i < n; i++)
		tq_push(&s->runq, batch[i]);
}

/* proc.go:runqputslow — the ring is full: move its first half plus g
 * (128 + 1) to the global queue. */
static void runqputslow(struct gmp *s, struct gmp_p *p, struct task *g)
{
	struct task *batch[GMP_RUNQ_SIZE / 2 + 1];
	uint32_t n = gmp_runqlen(p) / 2;
	assert(n == GMP_RUNQ_SIZE / 2);
	for (uint32_t i = 0; i < n; i++)
		batch[i] = ring_at(p, p->runqhead + i);
	p->runqhead += n;
	batch[n] = g;
	globrunqputbatch(s, batch, (int)n + 1);
	s->st.runqputslow++;
}

/* proc.go:runqput — next=true puts g in runnext and kicks the old runnext
 * to the tail of the ring. */
static void runqput(struct gmp *s, struct gmp_p *p, struct task *g, bool next);

void gmp_runqput(struct gmp *s, struct gmp_p *p, struct task *g, bool next)
{
	runqput(s, p, g, next);
	gmp_p_sync_runq(p);
}

static void runqput(struct gmp *s, struct gmp_p *p, struct task *g, bool next)
{
	s->nqueued++;
	if (next) {
		struct task *old = p->runnext;
		p->runnext = g;
		if (!old)
			return;
		g = old;
	}
	if (gmp_runqlen(p) < GMP_RUNQ_SIZE) {
		p->runq[p->runqtail % GMP_RUNQ_SIZE] = g;
		p->runqtail++;
		return;
	}
	runqputslow(s, p, g);
}

static struct task *runqget(struct gmp_p *p, bool *inherit);

/* proc.go:runqget — runnext first (it inherits the time slice), then the
 * ring's head. */
struct task *gmp_runqget(struct gmp *s, struct gmp_p *p, bool *inherit)
{
	struct task *g = runqget(p, inherit);
	if (g) {
		s->nqueued--;
		gmp_p_sync_runq(p);
	}
	return g;
}

static struct task *runqget(struct gmp_p *p, bool *inherit)
{
	if (p->runnext) {
		struct task *g = p->runnext;
		p->runnext = NULL;
		*inherit = true;
		return g;
	}
	*inherit = false;
	if (p->runqhead == p->runqtail)
		return NULL;
	return ring_at(p, p->runqhead++);
}

/* proc.go:runqgrab + runqsteal — take ceil(n/2) of the victim's ring into
 * p's; with an empty ring, its runnext when allowed. Returns one G to run
 * (the last grabbed) or NULL. The caller pays the 3 us back-off the runtime
 * sleeps before taking a running P's runnext. */
static struct task *runqsteal(struct gmp *s, struct gmp_p *p, struct gmp_p *victim, bool steal_runnext);

struct task *gmp_runqsteal(struct gmp *s, struct gmp_p *p, struct gmp_p *victim, bool steal_runnext)
{
	struct task *g = runqsteal(s, p, victim, steal_runnext);
	gmp_p_sync_runq(p);
	gmp_p_sync_runq(victim);
	return g;
}

static struct task *runqsteal(struct gmp *s, struct gmp_p *p, struct gmp_p *victim, bool steal_runnext)
{
	uint32_t n = gmp_runqlen(victim);
	n = n - n / 2;
	if (n == 0) {
		if (!steal_runnext || !victim->runnext)
			return NULL;
		struct task *g = victim->runnext;
		victim->runnext = NULL;
		s->nqueued--;
		return g;
	}
	uint32_t t = p->runqtail;
	for (uint32_t i = 0; i < n; i++)
		p->runq[(t + i) % GMP_RUNQ_SIZE] = ring_at(victim, victim->runqhead + i);
	victim->runqhead += n;
	n--;
	struct task *g = p->runq[(t + n) % GMP_RUNQ_SIZE];
	p->runqtail = t + n;
	s->nqueued--;
	return g;
}

/* proc.go:globrunqput — the tail of the global queue. */
void gmp_globrunqput(struct gmp *s, struct task *g)
{
	tq_push(&s->runq, g);
	s->nqueued++;
	s->st.globrunq_puts++;
}

/* proc.go:globrunqget — min(size, size/GOMAXPROCS + 1, max, 128) Gs: the
 * first is returned, the rest go to p's ring. */
struct task *gmp_globrunqget(struct gmp *s, struct gmp_p *p, int max)
{
	int64_t size = s->runq.len;
	if (size == 0)
		return NULL;
	int64_t n = size / s->nprocs + 1;
	if (n > size)
		n = size;
	if (max > 0 && n > max)
		n = max;
	if (n > GMP_RUNQ_SIZE / 2)
		n = GMP_RUNQ_SIZE / 2;
	struct task *g = tq_pop(&s->runq);
	s->nqueued -= n;  /* the batch moves to p's ring, where runqput counts it again */
	for (int64_t i = 1; i < n; i++)
		gmp_runqput(s, p, tq_pop(&s->runq), false);
	return g;
}

/* proc.go:pidleput — p must have no runnable G. */
void gmp_pidleput(struct gmp *s, struct gmp_p *p)
{
	assert(gmp_runqempty(p) && "pidleput: P has non-empty run queue");
	assert(p->status == P_IDLE && "pidleput: P not released");
	p->m = NULL;
	p->link = s->pidle;
	s->pidle = p;
	s->npidle++;
}

/* proc.go:pidleget — LIFO. */
struct gmp_p *gmp_pidleget(struct gmp *s)
{
	struct gmp_p *p = s->pidle;
	if (!p)
		return NULL;
	s->pidle = p->link;
	p->link = NULL;
	s->npidle--;
	return p;
}
