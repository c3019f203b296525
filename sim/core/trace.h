/* sim/core/trace.h — the per-run timeline recorder behind `gmpsim --trace`.
 *
 * A run's trace is a set of tracks (one per core, P, M, kernel thread, and
 * one "sched" track for global scheduler events), each with a sequence of
 * non-overlapping spans (an interval in one state, e.g. "P2 running G x")
 * and instant events (steal, handoffp, startm ...). The models call the
 * trc_* hooks below; each hook is an inline test of the run's recorder
 * pointer (sim.trace), so a run without --trace pays one predictable branch
 * per hook and nothing else.
 *
 * Recording is into growable in-memory arrays (amortized doubling, no
 * allocation per record, no I/O); sim/store/trace_db.h writes them to the
 * results database, compactly coded (trace_codec.h), after the run. Each
 * track keeps its latest closed span aside until a span that does not
 * continue it closes, so spans are appended in sequence (no write back
 * into the array) and reach it in the order they were completed. Tracks are created on
 * first use, numbered in creation order, so the same run gives the same
 * track ids. A record limit caps memory: when it is reached the recorder
 * closes every open span at that instant, notes the time (trc_truncated_at)
 * and ignores everything after, so the stored trace is complete up to that
 * time and says where it stops. Must not know any model's types, print,
 * or change anything the simulation reads.
 */
#ifndef GMPSIM_TRACE_H
#define GMPSIM_TRACE_H
#include "types.h"
#include "trace_codec.h"

/* Track kinds (what a track follows). */
enum trc_tkind { TRC_CORE, TRC_P, TRC_M, TRC_THREAD, TRC_SCHED, TRC_G, TRC_NTKINDS };

/* Span states. TS_NONE is "nothing to show" (idle core, idle P, parked M,
 * blocked gmp thread) and is never stored. The CPU categories come first in
 * kernel.h's order (enum cpu_cat), so a core span's state is TS_TASK + cat. */
enum trc_state {
	TS_TASK, TS_RUNTIME, TS_KERNEL, TS_SPIN, TS_GCCPU,  /* a core's burst category (obj: thread id) */
	TS_NONE,
	TS_RUNNING,   /* P/M: running the G whose id is obj (its G track's number); thread: on core obj; G: on M obj */
	TS_RUNNABLE,  /* thread: queued on core obj, waiting for it; G: in a run queue */
	TS_SCHEDULE,  /* P/M: in schedule()/findRunnable, not spinning (obj: M id for a P) */
	TS_SPINNING,  /* P/M: a spinning M looking for work (obj: M id for a P) */
	TS_SYSCALL,   /* P: lent to a syscall (obj: M id); M: in a syscall with G id obj; G: in a syscall on M obj */
	TS_NETPOLL,   /* M: blocked in epoll_wait */
	TS_GCSTOP,    /* P: stopped for GC; thread: held by a stop-the-world (JVM safepoint) */
	TS_GC,        /* P/M: GC work (a mark worker, a stop-the-world) */
	TS_BLOCKED,   /* thread (1:1 models): in a blocking call of task obj (I/O, sleep, join) */
	TS_FUTEX,     /* thread (1:1 models): task obj waits in futex_wait (channel, mutex) */
	TS_IDLE,      /* thread: a pool worker waiting for work */
	TS_WAITING,   /* G: parked (_Gwaiting: channel, mutex, sleep, network, join, GC assist) */
	TS_NSTATES
};

/* Instant events. */
enum trc_event {
	TE_STEAL,          /* P stole a = G count from P b */
	TE_HANDOFFP,       /* P handed off (a: 1 when from a syscall retake, else 0) */
	TE_STARTM,         /* M started to run P a (b: 1 spinning) */
	TE_WAKEP,          /* a spinning M is woken (on the waker's M track; -1: none) */
	TE_RETAKE,         /* sysmon took P a from a syscall */
	TE_PREEMPT,        /* sysmon asked the G a on P b to stop (SIGURG) */
	TE_NETPOLL,        /* a netpoll returned a ready Gs */
	TE_THREAD_CREATE,  /* kernel thread created (a: its id) */
	TE_THREAD_EXIT,    /* kernel thread exited */
	TE_GC,             /* a GC phase change (a: phase code) */
	TE_NEVENTS
};

struct trc_span {
	sim_ns t0, t1;
	int64_t obj;       /* the state's object: G id, thread id, core id, M id, task key; -1: none */
	int32_t track;
	uint8_t state;     /* enum trc_state */
};

struct trc_ev {
	sim_ns t;
	int64_t a, b;
	int32_t track;
	uint8_t kind;      /* enum trc_event */
};

struct trc_track {
	sim_ns t0;         /* start of the open span */
	sim_ns tlast;      /* the latest time seen: later calls are clamped to it */
	int64_t obj;
	struct trc_span pend;  /* its latest closed span, not yet appended to spans
			    * (pend.state TS_NONE: none): a span that continues it
			    * extends it here, so appends are sequential */
	int32_t num;       /* the object's own id (core 3, P2 ...) */
	uint8_t tkind;     /* enum trc_tkind */
	uint8_t state;     /* enum trc_state of the open span (TS_NONE: none) */
	bool ext;          /* the open span continues pend */
};

struct trc {
	int64_t limit;                 /* records (spans + events) allowed */
	bool stopped;                  /* the limit was hit: recording is over */
	sim_ns truncated_at;           /* virtual time of the stop; -1: not truncated */
	sim_ns tmax;                   /* the latest time of any record so far */
	struct trc_track *tracks;
	int32_t ntracks, captracks;
	int32_t *map[TRC_NTKINDS];     /* object id -> track id + 1 (0: none yet) */
	int32_t capmap[TRC_NTKINDS];
	struct trcc_stream span_code;  /* closed spans, coded, in the order they were
					* completed (complete once trc_finish has run) */
	int64_t nspans;                /* spans in span_code */
	int64_t spans_made;            /* spans stored or pending in a track (the limit counts these) */
	struct trcc_stream ev_code;    /* events, coded, in the order they happened */
	int64_t nevs;
	struct trc_span *spans;        /* NULL until trc_unpack: the decoded span_code */
	struct trc_ev *evs;            /* NULL until trc_unpack: the decoded ev_code */
};

#define TRC_DEFAULT_LIMIT 2000000

/* A recorder that keeps at most limit records (limit > 0); NULL on OOM. */
struct trc *trc_new(int64_t limit);
void trc_free(struct trc *tr);
/* Closes every open span at t (the end of the run). */
void trc_finish(struct trc *tr, sim_ns t);
/* Decodes the stored records into tr->spans[0 .. nspans) and tr->evs[0 ..
 * nevs) (for readers in memory: tests, checks); 0, or -1 on OOM. */
int trc_unpack(struct trc *tr);
/* Spans + events stored. */
int64_t trc_records(const struct trc *tr);
/* The virtual time at which recording stopped, or -1 when complete. */
static inline sim_ns trc_truncated_at(const struct trc *tr) { return tr->truncated_at; }

/* Recording (called through the inline hooks below). trc_set_at is
 * trc_set_rec for the caller that has looked the track up already (k:
 * the track of (tk, id), or NULL when it has none yet). */
void trc_set_rec(struct trc *tr, enum trc_tkind tk, int32_t id, enum trc_state st, int64_t obj, sim_ns t);
void trc_set_at(struct trc *tr, struct trc_track *k, enum trc_tkind tk, int32_t id, enum trc_state st,
		int64_t obj, sim_ns t);
void trc_cover_rec(struct trc *tr, enum trc_tkind tk, int32_t id, enum trc_state st, int64_t obj,
		   sim_ns from, sim_ns to);
void trc_event_rec(struct trc *tr, enum trc_tkind tk, int32_t id, enum trc_event ev, int64_t a,
		   int64_t b, sim_ns t);

/* The track of object (tk, id), or NULL before its first use. */
static inline struct trc_track *trc_track_find(const struct trc *tr, enum trc_tkind tk, int32_t id)
{
	if (id < 0 || id >= tr->capmap[tk] || !tr->map[tk][id])
		return NULL;
	return &tr->tracks[tr->map[tk][id] - 1];
}

/* Is track k in (st, obj) now? */
static inline bool trc_track_in(const struct trc_track *k, enum trc_state st, int64_t obj)
{
	return k->state == st && (st == TS_NONE || k->obj == obj);
}

/* Is track (tk, id) known and already in (st, obj)? Lets callers that
 * re-assert a state often (the gmp model after each decision) skip the
 * call. */
static inline bool trc_unchanged(const struct trc *tr, enum trc_tkind tk, int32_t id,
				 enum trc_state st, int64_t obj)
{
	const struct trc_track *k = trc_track_find(tr, tk, id);
	return k && trc_track_in(k, st, obj);
}

/* Track (tk, id) is in state st about obj from time t on (until the next
 * call for this track). Idempotent for an unchanged (st, obj); times before
 * the track's latest are taken as its latest, so spans never overlap. */
static inline void trc_set(struct trc *tr, enum trc_tkind tk, int32_t id, enum trc_state st,
			   int64_t obj, sim_ns t)
{
	if (__builtin_expect(tr != NULL, 0)) {
		struct trc_track *k = trc_track_find(tr, tk, id);
		if (!k || !trc_track_in(k, st, obj))
			trc_set_at(tr, k, tk, id, st, obj, t);
	}
}

/* Track (tk, id) was in state st about obj during [from, to), and in no
 * state after: for owners that learn what happened after the fact (the
 * kernel's CPU accounting). Adjacent equal intervals merge into one span. */
static inline void trc_cover(struct trc *tr, enum trc_tkind tk, int32_t id, enum trc_state st,
			     int64_t obj, sim_ns from, sim_ns to)
{
	if (__builtin_expect(tr != NULL, 0))
		trc_cover_rec(tr, tk, id, st, obj, from, to);
}

/* An instant event on track (tk, id) at time t with two arguments. */
static inline void trc_event(struct trc *tr, enum trc_tkind tk, int32_t id, enum trc_event ev,
			     int64_t a, int64_t b, sim_ns t)
{
	if (__builtin_expect(tr != NULL, 0))
		trc_event_rec(tr, tk, id, ev, a, b, t);
}

/* Names for the database and the export. */
const char *trc_tkind_name(enum trc_tkind tk);
const char *trc_state_name(enum trc_state st);
const char *trc_event_name(enum trc_event ev);
/* "core 3", "P2", "M5", "T17", "sched" into buf. */
void trc_track_name(const struct trc_track *t, char *buf, size_t len);

#endif
