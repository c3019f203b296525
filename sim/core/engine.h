/* sim/core/engine.h — the discrete-event engine: virtual clock and event queue.
 *
 * Events are owned by the objects they belong to (a core embeds its burst
 * event, a task its wake-up event), so scheduling allocates nothing. The
 * queue is a 4-ary min-heap of (time, sequence, event*) entries. Equal times
 * pop in insertion (FIFO) order because the globally unique sequence number
 * breaks ties. Cancellation is lazy and O(1): the event forgets its sequence
 * number, and the heap entry that no longer matches is dropped when it
 * reaches the top. So the heap's sifts never write into the (scattered)
 * event objects — the cost of the whole engine is in the contiguous heap.
 * An event's memory must stay valid while a stale entry for it may remain
 * (until its old time passes): owners keep events in pools for the run.
 * Must not know anything about models, tasks or the kernel.
 */
#ifndef GMPSIM_ENGINE_H
#define GMPSIM_ENGINE_H
#include "types.h"

struct sim;
struct eq_event;
struct trc;
typedef void (*eq_fire_fn)(struct sim *sim, struct eq_event *ev);

struct eq_event {
	eq_fire_fn fire;  /* called when the event pops */
	uint64_t seq;     /* sequence number of its live heap entry; 0: not pending */
};

/* key = time << 64 | seq: one unsigned 128-bit compare orders by time,
 * then insertion (time is never negative). */
struct eq_entry {
	unsigned __int128 key;  /* time << 64 | seq: one compare orders by time, then insertion */
	struct eq_event *ev;
};

/* A 4-ary min-heap of entries. */
struct eq_heap {
	struct eq_entry *a;
	int32_t n, cap;
};

/* A bucket of the timing wheel: unsorted entries of one time window. A
 * drained bucket gives its array back to the queue's spares and an empty
 * one takes the last given back (still in cache), so the arrays in use
 * follow the buckets that hold entries, not every slot the wheel passed. */
struct eq_bucket {
	struct eq_entry *a;
	int32_t n, cap;
};

#define EQ_SLOT_SHIFT 16                 /* a wheel slot spans 2^16 ns (~65.5 us) */
#define EQ_WHEEL_SLOTS 16384             /* the wheel spans ~1.07 s ahead */
#define EQ_SUB_SLOTS 64                  /* a dense slot is split in 64 windows of 1.024 us */
#define EQ_SUB_SHIFT (EQ_SLOT_SHIFT - 6)
#define EQ_DENSE 32                      /* a slot with more entries than this is split */

/* The queue is two-tier: the events of the current slot's window are in a
 * small heap; later ones wait unsorted in the wheel's bucket for their
 * slot (or, beyond the wheel's span, in an overflow heap) and move into
 * the heap when the clock reaches their window. Order is still exactly
 * (time, sequence): windows are disjoint and taken in order. A dense slot
 * (more than EQ_DENSE entries when the clock reaches it: many cores, many
 * events per microsecond) is split once more into EQ_SUB_SLOTS sub-buckets
 * taken in order, so the heap holds a microsecond's events, not the whole
 * slot's (its sifts grew with the event rate, so with the cores). */
struct eq {
	struct eq_heap near;       /* entries with time < horizon */
	struct eq_heap far;        /* entries beyond the wheel's span */
	struct eq_bucket *wheel;   /* slot s lives in wheel[s % EQ_WHEEL_SLOTS] */
	int64_t slot;              /* the current window: [slot << SHIFT, horizon) */
	sim_ns horizon;
	int64_t nwheel;            /* entries in the wheel */
	struct eq_bucket *spare;   /* drained buckets' arrays (a, cap; n unused), the last drained on top */
	int32_t nspare, capspare;
	int32_t n;                 /* all entries, cancelled ones included */
	uint64_t next_seq;
	bool dense;                /* the current slot is split: horizon is a sub-window's end */
	uint64_t sub_mask;         /* dense: which sub-buckets hold entries */
	struct eq_bucket sub[EQ_SUB_SLOTS];  /* dense: the rest of the slot, by sub-window */
};

/* Why the engine itself ended a run early (the event budgets, budget.h). */
enum sim_halt {
	SIM_RUNNING,
	SIM_HALT_EVENTS,  /* event_limit events fired */
	SIM_HALT_STUCK,   /* stuck_limit events fired at one instant: time does not advance */
};

struct sim {
	sim_ns now;          /* virtual clock; only the engine advances it */
	struct eq q;
	uint64_t events;     /* events fired so far */
	bool stop;           /* set by a model to end the run early (e.g. failure) */
	uint64_t event_limit;  /* halt after this many events; 0 = none */
	uint64_t stuck_limit;  /* halt after this many events at one instant; 0 = none */
	uint64_t at_instant;   /* events fired at now so far */
	enum sim_halt halt;    /* set (with stop) when a limit ended the run */
	void *ctx;           /* the run that owns this engine */
	struct trc *trace;   /* the run's timeline recorder (sim/core/trace.h); NULL: not traced */
};

static inline void eq_event_init(struct eq_event *ev, eq_fire_fn fire)
{
	ev->fire = fire;
	ev->seq = 0;
}

static inline bool eq_pending(const struct eq_event *ev) { return ev->seq != 0; }

void eq_init(struct eq *q);
void eq_free(struct eq *q);
/* Schedules ev (which must not be pending) at time t. O(log n). */
void eq_push(struct eq *q, struct eq_event *ev, sim_ns t);
/* Unschedules ev if pending; a no-op otherwise. O(1). */
static inline void eq_cancel(struct eq *q, struct eq_event *ev)
{
	(void)q;
	ev->seq = 0;
}
/* Removes and returns the earliest event (FIFO among equal times), storing
 * its time in *t; NULL when empty. */
struct eq_event *eq_pop(struct eq *q, sim_ns *t);
/* Time of the earliest pending event, or SIM_NS_MAX when none. */
sim_ns eq_peek_time(struct eq *q);

void sim_init(struct sim *s, void *ctx);
void sim_free(struct sim *s);
/* Schedules ev at now + delay (delay >= 0). */
void sim_after(struct sim *s, struct eq_event *ev, sim_ns delay);
/* Schedules ev at absolute time t (t >= now). */
void sim_at(struct sim *s, struct eq_event *ev, sim_ns t);
/* Fires events in order until the next one is later than until, the queue
 * is empty, or s->stop is set, or a limit halts it (s->halt, s->stop set;
 * the event that would pass the limit is not fired); then sets now = until
 * (unless stopped).
 * Returns the number of events fired. */
uint64_t sim_run_until(struct sim *s, sim_ns until);

#endif
