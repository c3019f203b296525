/* sim/engine.h — the discrete-event engine: virtual clock and event queue.
 *
 * Events are owned by the objects they belong to (a core embeds its burst
 * event, a task its wake-up event), so scheduling allocates nothing. The
 * queue is a 4-ary min-heap of (time, sequence, event*) entries; each event
 * knows its heap slot, so cancellation is a true O(log n) removal. Equal
 * times pop in insertion (FIFO) order because the sequence number breaks
 * ties. Must not know anything about models, tasks or the kernel.
 */
#ifndef GMPSIM_ENGINE_H
#define GMPSIM_ENGINE_H
#include "types.h"

struct sim;
struct eq_event;
typedef void (*eq_fire_fn)(struct sim *sim, struct eq_event *ev);

struct eq_event {
	eq_fire_fn fire;  /* called when the event pops */
	int32_t pos;      /* heap slot, -1 when not pending */
};

/* key = time << 64 | seq: one unsigned 128-bit compare orders by time,
 * then insertion (time is never negative). */
struct eq_entry {
	unsigned __int128 key;
	struct eq_event *ev;
};

struct eq {
	struct eq_entry *heap;
	int32_t n, cap;
	uint64_t next_seq;
};

struct sim {
	sim_ns now;          /* virtual clock; only the engine advances it */
	struct eq q;
	uint64_t events;     /* events fired so far */
	bool stop;           /* set by a model to end the run early (e.g. failure) */
	void *ctx;           /* the run that owns this engine */
};

static inline void eq_event_init(struct eq_event *ev, eq_fire_fn fire)
{
	ev->fire = fire;
	ev->pos = -1;
}

static inline bool eq_pending(const struct eq_event *ev) { return ev->pos >= 0; }

void eq_init(struct eq *q);
void eq_free(struct eq *q);
/* Schedules ev (which must not be pending) at time t. O(log n). */
void eq_push(struct eq *q, struct eq_event *ev, sim_ns t);
/* Removes ev if pending; a no-op otherwise. O(log n). */
void eq_cancel(struct eq *q, struct eq_event *ev);
/* Removes and returns the earliest event (FIFO among equal times), storing
 * its time in *t; NULL when empty. */
struct eq_event *eq_pop(struct eq *q, sim_ns *t);
/* Time of the earliest event, or SIM_NS_MAX when empty. */
static inline sim_ns eq_peek_time(const struct eq *q) { return q->n ? (sim_ns)(q->heap[0].key >> 64) : SIM_NS_MAX; }
/* The time ev is scheduled for; ev must be pending. */
static inline sim_ns eq_time(const struct eq *q, const struct eq_event *ev) { return (sim_ns)(q->heap[ev->pos].key >> 64); }

void sim_init(struct sim *s, void *ctx);
void sim_free(struct sim *s);
/* Schedules ev at now + delay (delay >= 0). */
void sim_after(struct sim *s, struct eq_event *ev, sim_ns delay);
/* Schedules ev at absolute time t (t >= now). */
void sim_at(struct sim *s, struct eq_event *ev, sim_ns t);
/* Fires events in order until the next one is later than until, the queue
 * is empty, or s->stop is set; then sets now = until (unless stopped).
 * Returns the number of events fired. */
uint64_t sim_run_until(struct sim *s, sim_ns until);

#endif
