/* sim/core/trace.c — the timeline recorder (see trace.h): tracks created on
 * first use, spans and events appended to growable arrays. Allocation
 * failure is fatal (as in results.c): a trace that silently lost records
 * must not be written. Must not do I/O (trace_db.c writes the records). */
#include "trace.h"
#include "grow.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char trc_oom[] = "trace; lower --trace-limit";

struct trc *trc_new(int64_t limit)
{
	struct trc *tr = calloc(1, sizeof *tr);
	if (!tr)
		return NULL;
	tr->limit = limit > 0 ? limit : TRC_DEFAULT_LIMIT;
	tr->truncated_at = -1;
	return tr;
}

void trc_free(struct trc *tr)
{
	if (!tr)
		return;
	for (int k = 0; k < TRC_NTKINDS; k++)
		free(tr->map[k]);
	free(tr->tracks);
	trcc_free(&tr->span_code);
	trcc_free(&tr->ev_code);
	free(tr->spans);
	free(tr->evs);
	free(tr);
}

int64_t trc_records(const struct trc *tr) { return tr->spans_made + tr->nevs; }

/* ---- tracks --------------------------------------------------------------- */

static struct trc_track *trc_track_new(struct trc *tr, enum trc_tkind tk, int32_t id)
{
	GROW(tr->tracks, tr->ntracks + 1, tr->captracks, 1024, trc_oom);
	struct trc_track *t = &tr->tracks[tr->ntracks++];
	memset(t, 0, sizeof *t);
	t->num = id;
	t->tkind = (uint8_t)tk;
	t->state = TS_NONE;
	t->obj = -1;
	t->pend.state = TS_NONE;
	t->ext = false;
	return t;
}

/* The track of object (tk, id), created on first use; ids are >= 0. */
static struct trc_track *trc_track_of(struct trc *tr, enum trc_tkind tk, int32_t id)
{
	if (id < 0)
		id = 0;
	if (id >= tr->capmap[tk]) {
		int32_t old = tr->capmap[tk];
		GROW(tr->map[tk], (int64_t)id + 1, tr->capmap[tk], 1024, trc_oom);
		memset(tr->map[tk] + old, 0, sizeof *tr->map[tk] * (size_t)(tr->capmap[tk] - old));
	}
	int32_t *slot = &tr->map[tk][id];
	if (!*slot) {
		trc_track_new(tr, tk, id);
		*slot = tr->ntracks;
	}
	return &tr->tracks[*slot - 1];
}

/* ---- the limit ---------------------------------------------------------------- */

static void trc_close(struct trc *tr, struct trc_track *k, sim_ns t);
static void trc_flush(struct trc *tr, struct trc_track *k);

/* Stops recording at t, or at the latest time recorded when that is later
 * (an M deciding ahead of the clock): every open span ends there, so
 * nothing stored lies after the truncation time.
 * These closing spans may exceed the limit by at most one per track. */
static void trc_stop(struct trc *tr, sim_ns t)
{
	tr->stopped = true;
	if (tr->tmax > t)
		t = tr->tmax;
	tr->truncated_at = t;
	for (int32_t i = 0; i < tr->ntracks; i++)
		trc_close(tr, &tr->tracks[i], t);
	for (int32_t i = 0; i < tr->ntracks; i++)
		trc_flush(tr, &tr->tracks[i]);
}

/* Is there room for one more record at t? Stops recording when not. */
static bool trc_room(struct trc *tr, sim_ns t)
{
	if (tr->stopped)
		return false;
	if (trc_records(tr) < tr->limit)
		return true;
	trc_stop(tr, t);
	return false;
}

/* ---- spans ----------------------------------------------------------------------- */

/* Appends k's pending span to the stored spans. */
static void trc_flush(struct trc *tr, struct trc_track *k)
{
	if (k->pend.state == TS_NONE)
		return;
	trcc_put_span(&tr->span_code, &k->pend);
	tr->nspans++;
	k->pend.state = TS_NONE;
}

/* Stores the open span of k as ending at t (if it has a length) and leaves
 * the track in TS_NONE. A span that continues the pending one extends it;
 * another one sends the pending span to the array and takes its place. */
static void trc_close(struct trc *tr, struct trc_track *k, sim_ns t)
{
	if (k->state != TS_NONE && t > k->t0 && k->ext) {
		k->pend.t1 = t;
	} else if (k->state != TS_NONE && t > k->t0) {
		trc_flush(tr, k);
		k->pend = (struct trc_span){ .t0 = k->t0, .t1 = t, .obj = k->obj,
					     .track = (int32_t)(k - tr->tracks), .state = k->state };
		tr->spans_made++;
	}
	k->state = TS_NONE;
	k->obj = -1;
	k->t0 = t;
	k->ext = false;
}

/* Opens (st, obj) at t on k (which is in TS_NONE); when the track's
 * pending span ends at t in the same state, the open span continues it
 * (trc_close extends it), so adjacent equal intervals make one span. That
 * span is the track's latest, so extending it overlaps nothing. */
static void trc_open(struct trc *tr, struct trc_track *k, enum trc_state st, int64_t obj, sim_ns t)
{
	(void)tr;
	k->state = (uint8_t)st;
	k->obj = obj;
	k->t0 = t;
	const struct trc_span *s = &k->pend;
	if (s->state == st && s->t1 == t && s->obj == obj) {
		k->t0 = s->t0;
		k->ext = true;
	}
}

/* trc_set_rec on track k (which exists; recording is on). */
static void trc_set_k(struct trc *tr, struct trc_track *k, enum trc_state st, int64_t obj, sim_ns t)
{
	if (t < k->tlast)
		t = k->tlast;
	k->tlast = t;
	if (t > tr->tmax)
		tr->tmax = t;
	if (trc_track_in(k, st, obj))
		return;
	if (k->state != TS_NONE && t > k->t0 && !trc_room(tr, t))
		return;
	trc_close(tr, k, t);
	if (st != TS_NONE)
		trc_open(tr, k, st, obj, t);
}

void trc_set_at(struct trc *tr, struct trc_track *k, enum trc_tkind tk, int32_t id, enum trc_state st,
		int64_t obj, sim_ns t)
{
	if (tr->stopped)
		return;
	trc_set_k(tr, k ? k : trc_track_of(tr, tk, id), st, obj, t);
}

void trc_set_rec(struct trc *tr, enum trc_tkind tk, int32_t id, enum trc_state st, int64_t obj, sim_ns t)
{
	trc_set_at(tr, NULL, tk, id, st, obj, t);
}

/* trc_cover_rec's usual case in one step: k shows nothing and from is not
 * before its latest time, so the interval either extends the pending span
 * (the same state and object, ending at from) or becomes the pending one,
 * exactly as trc_set_k(st, from) then trc_set_k(TS_NONE, to) would leave
 * it. Returns false (nothing done) otherwise, or when the record limit
 * would have to be checked. */
static bool trc_cover_quick(struct trc *tr, struct trc_track *k, enum trc_state st, int64_t obj,
			    sim_ns from, sim_ns to)
{
	if (k->state != TS_NONE || from < k->tlast || trc_records(tr) >= tr->limit)
		return false;
	struct trc_span *p = &k->pend;
	if (p->state == st && p->t1 == from && p->obj == obj) {
		p->t1 = to;
	} else {
		trc_flush(tr, k);
		*p = (struct trc_span){ .t0 = from, .t1 = to, .obj = obj, .track = (int32_t)(k - tr->tracks),
					.state = (uint8_t)st };
		tr->spans_made++;
	}
	k->t0 = to;
	k->tlast = to;
	if (to > tr->tmax)
		tr->tmax = to;
	return true;
}

void trc_cover_rec(struct trc *tr, enum trc_tkind tk, int32_t id, enum trc_state st, int64_t obj,
		   sim_ns from, sim_ns to)
{
	if (to <= from || tr->stopped)
		return;
	struct trc_track *k = trc_track_of(tr, tk, id);
	if (trc_cover_quick(tr, k, st, obj, from, to))
		return;
	trc_set_k(tr, k, st, obj, from);
	if (!tr->stopped)
		trc_set_k(tr, k, TS_NONE, -1, to);
}

void trc_finish(struct trc *tr, sim_ns t)
{
	for (int32_t i = 0; i < tr->ntracks; i++) {
		struct trc_track *k = &tr->tracks[i];
		trc_close(tr, k, t < k->tlast ? k->tlast : t);
	}
	for (int32_t i = 0; i < tr->ntracks; i++)
		trc_flush(tr, &tr->tracks[i]);
}

/* ---- events ---------------------------------------------------------------------- */

void trc_event_rec(struct trc *tr, enum trc_tkind tk, int32_t id, enum trc_event ev, int64_t a,
		   int64_t b, sim_ns t)
{
	if (!trc_room(tr, t))
		return;
	struct trc_track *k = trc_track_of(tr, tk, id);
	if (t > tr->tmax)
		tr->tmax = t;
	struct trc_ev e = { .t = t, .a = a, .b = b, .track = (int32_t)(k - tr->tracks), .kind = (uint8_t)ev };
	trcc_put_event(&tr->ev_code, &e);
	tr->nevs++;
}

/* ---- decoding ---------------------------------------------------------------------- */

int trc_unpack(struct trc *tr)
{
	free(tr->spans);
	free(tr->evs);
	tr->spans = malloc(sizeof *tr->spans * (size_t)(tr->nspans + 1));
	tr->evs = malloc(sizeof *tr->evs * (size_t)(tr->nevs + 1));
	if (!tr->spans || !tr->evs)
		return -1;
	const struct trcc_stream *s = &tr->span_code, *e = &tr->ev_code;
	int64_t at = 0;
	for (int64_t i = 0; i < s->nchunks; at += s->chunks[i++].n)
		if (trcc_get_spans(s->buf + s->chunks[i].off, s->chunks[i].len, s->chunks[i].n, tr->spans + at) < 0)
			return -1;
	at = 0;
	for (int64_t i = 0; i < e->nchunks; at += e->chunks[i++].n)
		if (trcc_get_events(e->buf + e->chunks[i].off, e->chunks[i].len, e->chunks[i].n, tr->evs + at) < 0)
			return -1;
	return 0;
}

/* ---- names ------------------------------------------------------------------------- */

const char *trc_tkind_name(enum trc_tkind tk)
{
	static const char *const n[TRC_NTKINDS] = { "core", "P", "M", "thread", "sched", "G" };
	return (unsigned)tk < TRC_NTKINDS ? n[tk] : "?";
}

const char *trc_state_name(enum trc_state st)
{
	static const char *const n[TS_NSTATES] = {
		[TS_TASK] = "task", [TS_RUNTIME] = "runtime", [TS_KERNEL] = "kernel",
		[TS_SPIN] = "spin", [TS_GCCPU] = "gc", [TS_NONE] = "none", [TS_RUNNING] = "running",
		[TS_RUNNABLE] = "runnable", [TS_SCHEDULE] = "schedule",
		[TS_SPINNING] = "spinning", [TS_SYSCALL] = "syscall", [TS_NETPOLL] = "netpoll",
		[TS_GCSTOP] = "gcstop", [TS_GC] = "gc", [TS_BLOCKED] = "blocked", [TS_FUTEX] = "futex",
		[TS_IDLE] = "idle", [TS_WAITING] = "waiting",
	};
	return (unsigned)st < TS_NSTATES ? n[st] : "?";
}

const char *trc_event_name(enum trc_event ev)
{
	static const char *const n[TE_NEVENTS] = {
		[TE_STEAL] = "steal", [TE_HANDOFFP] = "handoffp", [TE_STARTM] = "startm",
		[TE_WAKEP] = "wakep", [TE_RETAKE] = "retake", [TE_PREEMPT] = "preempt",
		[TE_NETPOLL] = "netpoll", [TE_THREAD_CREATE] = "thread_create",
		[TE_THREAD_EXIT] = "thread_exit", [TE_GC] = "gc",
	};
	return (unsigned)ev < TE_NEVENTS ? n[ev] : "?";
}

/* "PREFIXnum" into buf (room for len bytes, truncated like snprintf):
 * without snprintf's format parsing, as the writer names every track. */
static void trc_name_num(char *buf, size_t len, const char *prefix, int32_t num)
{
	char tmp[32];
	size_t n = 0;
	for (const char *c = prefix; *c; c++)
		tmp[n++] = *c;
	char digits[12];
	int nd = 0;
	uint32_t u = num < 0 ? 0u - (uint32_t)num : (uint32_t)num;
	do {
		digits[nd++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (num < 0)
		tmp[n++] = '-';
	while (nd)
		tmp[n++] = digits[--nd];
	if (len == 0)
		return;
	if (n >= len)
		n = len - 1;
	memcpy(buf, tmp, n);
	buf[n] = '\0';
}

void trc_track_name(const struct trc_track *t, char *buf, size_t len)
{
	switch (t->tkind) {
	case TRC_CORE: trc_name_num(buf, len, "core ", t->num); break;
	case TRC_P: trc_name_num(buf, len, "P", t->num); break;
	case TRC_M: trc_name_num(buf, len, "M", t->num); break;
	case TRC_THREAD: trc_name_num(buf, len, "T", t->num); break;
	case TRC_G: trc_name_num(buf, len, "G", t->num); break;
	default: snprintf(buf, len, "sched"); break;
	}
}
