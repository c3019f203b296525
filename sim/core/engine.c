/* sim/core/engine.c — the two-tier event queue (a near heap fed by a timing
 * wheel, see engine.h) and the run loop. Must not allocate on the hot path
 * beyond growing arrays, and must not read wall-clock time: the engine is
 * deterministic by construction. */
#include "budget.h"
#include "check.h"
#include "engine.h"
#include "grow.h"
#include <assert.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

enum { EQ_ARITY = 4 };

static inline sim_ns entry_time(const struct eq_entry *e) { return (sim_ns)(e->key >> 64); }

static inline bool entry_live(const struct eq_entry *e)
{
	return e->ev->seq == (uint64_t)e->key;
}

/* ---- 4-ary heap ------------------------------------------------------------ */

static void sift_up(struct eq_heap *h, int32_t i, struct eq_entry e)
{
	while (i > 0) {
		int32_t parent = (int32_t)((uint32_t)(i - 1) / EQ_ARITY);
		if (!(e.key < h->a[parent].key))
			break;
		h->a[i] = h->a[parent];
		i = parent;
	}
	h->a[i] = e;
}

static void heap_push(struct eq_heap *h, struct eq_entry e)
{
	GROW(h->a, h->n + 1, h->cap, 64, "event queue");
	sift_up(h, h->n++, e);
}

/* The smallest of the children of slot i (at least one exists). The full
 * four-child case picks without data-dependent branches. */
static inline int32_t min_child(const struct eq_entry *a, int32_t n, int32_t i)
{
	int32_t c = i * EQ_ARITY + 1;
	if (c + 3 < n) {
		int32_t x = c + (a[c + 1].key < a[c].key);
		int32_t y = c + 2 + (a[c + 3].key < a[c + 2].key);
		return a[y].key < a[x].key ? y : x;
	}
	int32_t best = c;
	for (int32_t k = c + 1; k < n; k++)
		if (a[k].key < a[best].key)
			best = k;
	return best;
}

/* Removing the root: walk the hole down to a leaf along the smaller
 * children (no comparisons with the moved entry), then sift the last entry
 * up from there; it usually belongs near the bottom, so this does about
 * half the comparisons of a plain sift-down. */
static void heap_remove_root(struct eq_heap *h)
{
	struct eq_entry last = h->a[--h->n];
	if (h->n == 0)
		return;
	int32_t i = 0;
	while (i * EQ_ARITY + 1 < h->n) {
		int32_t c = min_child(h->a, h->n, i);
		h->a[i] = h->a[c];
		i = c;
	}
	sift_up(h, i, last);
}

/* ---- the wheel ---------------------------------------------------------------- */

/* A drained bucket's array goes to the spares (the bucket keeps none). */
static void bucket_release(struct eq *q, struct eq_bucket *b)
{
	GROW(q->spare, q->nspare + 1, q->capspare, 16, "event queue");
	q->spare[q->nspare++] = (struct eq_bucket){ b->a, 0, b->cap };
	*b = (struct eq_bucket){ NULL, 0, 0 };
}

static void bucket_add(struct eq *q, struct eq_bucket *b, struct eq_entry e)
{
	if (b->cap == 0 && q->nspare > 0) {
		struct eq_bucket *sp = &q->spare[--q->nspare];
		b->a = sp->a;
		b->cap = sp->cap;
	}
	GROW(b->a, b->n + 1, b->cap, 8, "event queue");
	b->a[b->n++] = e;
}

/* A dense slot's entry beyond the current sub-window: into its sub-bucket. */
static void sub_add(struct eq *q, struct eq_entry e)
{
	int i = (int)((entry_time(&e) >> EQ_SUB_SHIFT) & (EQ_SUB_SLOTS - 1));
	struct eq_bucket *b = &q->sub[i];
	GROW(b->a, b->n + 1, b->cap, 16, "event queue");
	b->a[b->n++] = e;
	q->sub_mask |= (uint64_t)1 << i;
}

/* Files an entry by its time: the current window, the rest of a dense
 * slot, the wheel, or far. */
static void file_entry(struct eq *q, struct eq_entry e)
{
	sim_ns t = entry_time(&e);
	if (t < q->horizon) {
		heap_push(&q->near, e);
		return;
	}
	int64_t slot = t >> EQ_SLOT_SHIFT;
	if (slot - q->slot < EQ_WHEEL_SLOTS) {
		if (slot == q->slot) {  /* past the horizon in the current slot: it is split */
			assert(q->dense);
			sub_add(q, e);
			return;
		}
		bucket_add(q, &q->wheel[slot % EQ_WHEEL_SLOTS], e);
		q->nwheel++;
		return;
	}
	heap_push(&q->far, e);
}

/* Moves a slot's live entries to the near heap, or, when the slot is
 * dense, to its sub-buckets (the horizon then at the slot's start, for
 * sub_next to move on). Cancelled entries are dropped. */
static void take_bucket(struct eq *q, struct eq_bucket *b)
{
	q->dense = b->n > EQ_DENSE;
	q->horizon = (sim_ns)(q->slot + !q->dense) << EQ_SLOT_SHIFT;
	for (int32_t i = 0; i < b->n; i++) {
		q->nwheel--;
		if (!entry_live(&b->a[i]))
			q->n--;
		else if (q->dense)
			sub_add(q, b->a[i]);
		else
			heap_push(&q->near, b->a[i]);
	}
	b->n = 0;
	if (b->cap > 0)
		bucket_release(q, b);
}

/* Moves the clock's window one slot on: the slot's bucket goes to the near
 * heap (or its sub-buckets), and far entries that now fit the wheel's span
 * are filed. */
static void advance_slot(struct eq *q)
{
	if (q->nwheel == 0 && q->far.n > 0) {  /* nothing soon: jump to the far event */
		int64_t s = entry_time(&q->far.a[0]) >> EQ_SLOT_SHIFT;
		if (s - 1 > q->slot)
			q->slot = s - 1;
	}
	q->slot++;
	take_bucket(q, &q->wheel[q->slot % EQ_WHEEL_SLOTS]);
	while (q->far.n > 0 && (entry_time(&q->far.a[0]) >> EQ_SLOT_SHIFT) - q->slot < EQ_WHEEL_SLOTS) {
		struct eq_entry e = q->far.a[0];
		heap_remove_root(&q->far);
		if (entry_live(&e))
			file_entry(q, e);
		else
			q->n--;
	}
}

/* Moves a dense slot's window to its next sub-bucket that holds entries
 * (the earlier ones are empty): its live entries go to the near heap. */
static void sub_next(struct eq *q)
{
	int i = __builtin_ctzll(q->sub_mask);
	q->sub_mask &= q->sub_mask - 1;
	q->horizon = ((sim_ns)q->slot << EQ_SLOT_SHIFT) + ((sim_ns)(i + 1) << EQ_SUB_SHIFT);
	struct eq_bucket *b = &q->sub[i];
	for (int32_t k = 0; k < b->n; k++) {
		if (entry_live(&b->a[k]))
			heap_push(&q->near, b->a[k]);
		else
			q->n--;
	}
	b->n = 0;
}

/* Brings a live entry to the near heap's top, if any event is pending. */
static void settle(struct eq *q)
{
	for (;;) {
		while (q->near.n > 0 && !entry_live(&q->near.a[0])) {
			heap_remove_root(&q->near);
			q->n--;
		}
		if (q->near.n > 0)
			return;
		if (q->sub_mask) {
			sub_next(q);
			continue;
		}
		if (q->nwheel == 0 && q->far.n == 0)
			return;
		advance_slot(q);
	}
}

/* ---- public ---------------------------------------------------------------------- */

void eq_init(struct eq *q)
{
	memset(q, 0, sizeof *q);
	q->horizon = (sim_ns)1 << EQ_SLOT_SHIFT;
	q->wheel = calloc(EQ_WHEEL_SLOTS, sizeof *q->wheel);
	if (!q->wheel)
		bud_oom("event wheel", EQ_WHEEL_SLOTS * (int64_t)sizeof *q->wheel);
}

/* Events are not touched: their owners may already be freed. */
void eq_free(struct eq *q)
{
	for (int i = 0; q->wheel && i < EQ_WHEEL_SLOTS; i++)
		free(q->wheel[i].a);
	for (int32_t i = 0; i < q->nspare; i++)
		free(q->spare[i].a);
	for (int i = 0; i < EQ_SUB_SLOTS; i++)
		free(q->sub[i].a);
	free(q->spare);
	free(q->wheel);
	free(q->near.a);
	free(q->far.a);
	memset(q, 0, sizeof *q);
}

void eq_push(struct eq *q, struct eq_event *ev, sim_ns t)
{
	HOT_ASSERT(ev->seq == 0 && "event already pending");
	HOT_ASSERT(t >= 0);
	ev->seq = ++q->next_seq;
	struct eq_entry e = { ((unsigned __int128)t << 64) | ev->seq, ev };
	q->n++;
	file_entry(q, e);
}

/* The earliest live entry (the near heap's top, settled), or NULL when no
 * event is pending. The run loop settles once per event: its time, then
 * the pop (eq_peek_time then eq_pop settled twice). */
static struct eq_entry *eq_first(struct eq *q)
{
	settle(q);
	return q->near.n ? &q->near.a[0] : NULL;
}

/* Removes eq_first's entry and returns its event, now not pending. */
static struct eq_event *eq_take(struct eq *q)
{
	struct eq_event *ev = q->near.a[0].ev;
	heap_remove_root(&q->near);
	q->n--;
	ev->seq = 0;
	return ev;
}

sim_ns eq_peek_time(struct eq *q)
{
	struct eq_entry *f = eq_first(q);
	return f ? entry_time(f) : SIM_NS_MAX;
}

struct eq_event *eq_pop(struct eq *q, sim_ns *t)
{
	struct eq_entry *f = eq_first(q);
	if (!f)
		return NULL;
	*t = entry_time(f);
	return eq_take(q);
}

void sim_init(struct sim *s, void *ctx)
{
	s->now = 0;
	s->events = 0;
	s->stop = false;
	s->event_limit = s->stuck_limit = s->at_instant = 0;
	s->halt = SIM_RUNNING;
	s->ctx = ctx;
	s->trace = NULL;  /* a run that traces sets it after sim_init */
	eq_init(&s->q);
}

void sim_free(struct sim *s) { eq_free(&s->q); }

void sim_after(struct sim *s, struct eq_event *ev, sim_ns delay)
{
	HOT_ASSERT(delay >= 0);
	eq_push(&s->q, ev, s->now + delay);
}

void sim_at(struct sim *s, struct eq_event *ev, sim_ns t)
{
	HOT_ASSERT(t >= s->now);
	eq_push(&s->q, ev, t);
}

/* Ends the run early for a limit (budget.h): sets halt and stop. */
static void halt(struct sim *s, enum sim_halt why)
{
	s->halt = why;
	s->stop = true;
}

/* The limits are checked before each event, in locals: at counts the
 * events at the current instant (s->at_instant between calls; it stays 0
 * without a stuck_limit), cap is how many events this call may fire
 * before event_limit. */
uint64_t sim_run_until(struct sim *s, sim_ns until)
{
	uint64_t fired = 0, at = s->at_instant;
	uint64_t stuck = s->stuck_limit ? s->stuck_limit : UINT64_MAX;
	uint64_t cap = !s->event_limit ? UINT64_MAX
		     : s->events >= s->event_limit ? 0 : s->event_limit - s->events;
	struct eq_entry *f;
	while (!s->stop && (f = eq_first(&s->q)) && entry_time(f) <= until) {
		sim_ns t = entry_time(f);
		at = t != s->now ? 1 : at + 1;
		if (at > stuck) {
			halt(s, SIM_HALT_STUCK);
			break;
		}
		if (fired >= cap) {
			halt(s, SIM_HALT_EVENTS);
			break;
		}
		struct eq_event *ev = eq_take(&s->q);
		s->now = t;
		fired++;
		ev->fire(s, ev);
	}
	s->at_instant = s->stuck_limit ? at : 0;
	s->events += fired;
	if (!s->stop && s->now < until)
		s->now = until;
	return fired;
}
