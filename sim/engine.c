/* sim/engine.c — event queue (4-ary heap with slot tracking) and the run loop.
 * Must not allocate on the hot path beyond growing the heap array, and must
 * not read wall-clock time: the engine is deterministic by construction. */
#include "engine.h"
#include <assert.h>
#include <stdlib.h>
#include <stdio.h>

enum { EQ_ARITY = 4 };

static inline bool entry_before(const struct eq_entry *a, const struct eq_entry *b)
{
	return a->key < b->key;
}

static inline void place(struct eq *q, int32_t i, struct eq_entry e)
{
	q->heap[i] = e;
}

static inline bool entry_live(const struct eq_entry *e)
{
	return e->ev->seq == (uint64_t)e->key;
}

static void sift_up(struct eq *q, int32_t i, struct eq_entry e)
{
	while (i > 0) {
		int32_t parent = (i - 1) / EQ_ARITY;
		if (!entry_before(&e, &q->heap[parent]))
			break;
		place(q, i, q->heap[parent]);
		i = parent;
	}
	place(q, i, e);
}

/* The smallest of the children of slot i (at least one exists). The full
 * four-child case picks without data-dependent branches. */
static inline int32_t min_child(const struct eq_entry *h, int32_t n, int32_t i)
{
	int32_t c = i * EQ_ARITY + 1;
	if (c + 3 < n) {
		int32_t a = c + (h[c + 1].key < h[c].key);
		int32_t b = c + 2 + (h[c + 3].key < h[c + 2].key);
		return h[b].key < h[a].key ? b : a;
	}
	int32_t best = c;
	for (int32_t k = c + 1; k < n; k++)
		if (h[k].key < h[best].key)
			best = k;
	return best;
}

/* Removing the root: walk the hole down to a leaf along the smaller
 * children (no comparisons with the moved entry), then sift the last entry
 * up from there; it usually belongs near the bottom, so this does about
 * half the comparisons of a plain sift-down. */
static void remove_root(struct eq *q)
{
	struct eq_entry last = q->heap[--q->n];
	if (q->n == 0)
		return;
	int32_t i = 0;
	while (i * EQ_ARITY + 1 < q->n) {
		int32_t c = min_child(q->heap, q->n, i);
		place(q, i, q->heap[c]);
		i = c;
	}
	sift_up(q, i, last);
}

void eq_init(struct eq *q)
{
	q->n = 0;
	q->cap = 1024;
	q->next_seq = 0;
	q->heap = malloc(sizeof *q->heap * (size_t)q->cap);
	if (!q->heap) {
		fprintf(stderr, "gmpsim: out of memory (event queue)\n");
		abort();
	}
}

/* Events are not touched: their owners may already be freed. */
void eq_free(struct eq *q)
{
	free(q->heap);
	q->heap = NULL;
	q->n = q->cap = 0;
}

static void grow(struct eq *q)
{
	int32_t cap = q->cap * 2;
	struct eq_entry *h = realloc(q->heap, sizeof *h * (size_t)cap);
	if (!h) {
		fprintf(stderr, "gmpsim: out of memory (event queue of %d)\n", q->n);
		abort();
	}
	q->heap = h;
	q->cap = cap;
}

void eq_push(struct eq *q, struct eq_event *ev, sim_ns t)
{
	assert(ev->seq == 0 && "event already pending");
	assert(t >= 0);
	if (q->n == q->cap)
		grow(q);
	ev->seq = ++q->next_seq;
	struct eq_entry e = { ((unsigned __int128)t << 64) | ev->seq, ev };
	sift_up(q, q->n++, e);
}

/* Drops cancelled entries from the top. */
static void drop_stale(struct eq *q)
{
	while (q->n > 0 && !entry_live(&q->heap[0]))
		remove_root(q);
}

sim_ns eq_peek_time(struct eq *q)
{
	drop_stale(q);
	return q->n ? (sim_ns)(q->heap[0].key >> 64) : SIM_NS_MAX;
}

struct eq_event *eq_pop(struct eq *q, sim_ns *t)
{
	drop_stale(q);
	if (q->n == 0)
		return NULL;
	struct eq_entry top = q->heap[0];
	top.ev->seq = 0;
	remove_root(q);
	*t = (sim_ns)(top.key >> 64);
	return top.ev;
}

void sim_init(struct sim *s, void *ctx)
{
	s->now = 0;
	s->events = 0;
	s->stop = false;
	s->ctx = ctx;
	eq_init(&s->q);
}

void sim_free(struct sim *s) { eq_free(&s->q); }

void sim_after(struct sim *s, struct eq_event *ev, sim_ns delay)
{
	assert(delay >= 0);
	eq_push(&s->q, ev, s->now + delay);
}

void sim_at(struct sim *s, struct eq_event *ev, sim_ns t)
{
	assert(t >= s->now);
	eq_push(&s->q, ev, t);
}

uint64_t sim_run_until(struct sim *s, sim_ns until)
{
	uint64_t fired = 0;
	while (!s->stop && eq_peek_time(&s->q) <= until) {
		sim_ns t;
		struct eq_event *ev = eq_pop(&s->q, &t);
		s->now = t;
		fired++;
		ev->fire(s, ev);
	}
	s->events += fired;
	if (!s->stop && s->now < until)
		s->now = until;
	return fired;
}
