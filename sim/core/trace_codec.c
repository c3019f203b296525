/* sim/core/trace_codec.c — varint/zigzag coding of timeline records in
 * independent chunks (see trace_codec.h). Differences are taken on
 * uint64_t, so they wrap instead of overflowing and any int64_t value,
 * INT64_MIN and INT64_MAX included, comes back as it went in. */
#include "trace_codec.h"
#include "trace.h"
#include "grow.h"
#include <stdlib.h>
#include <string.h>

static const char trcc_oom[] = "trace; lower --trace-limit";

enum { TRCC_MAX_RECORD = 1 + 1 + 4 * 10 };  /* largest coded record: 4 varints of <= 10 bytes */

static uint64_t trcc_zz(uint64_t diff)
{
	int64_t d = (int64_t)diff;
	return ((uint64_t)d << 1) ^ (uint64_t)(d >> 63);
}

static uint64_t trcc_unzz(uint64_t z) { return (z >> 1) ^ (0 - (z & 1)); }

static uint8_t *trcc_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

/* trcc_begin's rare case: opens a new chunk (delta bases at 0) when the
 * open one is full or there is none, and grows the buffer. */
static void trcc_make_room(struct trcc_stream *s)
{
	if (s->left == 0) {
		GROW(s->chunks, s->nchunks + 1, s->capchunks, 16, trcc_oom);
		s->chunks[s->nchunks++] = (struct trcc_chunk){ .off = s->len, .len = 0, .n = 0 };
		memset(s->prev, 0, sizeof s->prev);
		s->left = TRCC_CHUNK;
	}
	GROW(s->buf, s->len + TRCC_MAX_RECORD, s->cap, 1 << 16, trcc_oom);
}

/* Room for one more record in the open chunk. Returns where it goes. */
static inline uint8_t *trcc_begin(struct trcc_stream *s)
{
	if (__builtin_expect(s->left == 0 || s->len + TRCC_MAX_RECORD > s->cap, 0))
		trcc_make_room(s);
	return s->buf + s->len;
}

static inline void trcc_end(struct trcc_stream *s, uint8_t *p)
{
	int64_t len = p - s->buf;
	struct trcc_chunk *c = &s->chunks[s->nchunks - 1];
	c->len += len - s->len;
	c->n++;
	s->len = len;
	s->n++;
	s->left--;
}

void trcc_put_span(struct trcc_stream *s, const struct trc_span *sp)
{
	uint8_t *p = trcc_begin(s);
	p = trcc_varint(p, trcc_zz((uint64_t)(int64_t)sp->track - (uint64_t)s->prev[0]));
	*p++ = sp->state;
	p = trcc_varint(p, trcc_zz((uint64_t)sp->t0 - (uint64_t)s->prev[1]));
	p = trcc_varint(p, trcc_zz((uint64_t)sp->t1 - (uint64_t)sp->t0));
	p = trcc_varint(p, trcc_zz((uint64_t)sp->obj - (uint64_t)s->prev[2]));
	s->prev[0] = sp->track;
	s->prev[1] = sp->t0;
	s->prev[2] = sp->obj;
	trcc_end(s, p);
}

void trcc_put_event(struct trcc_stream *s, const struct trc_ev *ev)
{
	uint8_t *p = trcc_begin(s);
	p = trcc_varint(p, trcc_zz((uint64_t)(int64_t)ev->track - (uint64_t)s->prev[0]));
	*p++ = ev->kind;
	p = trcc_varint(p, trcc_zz((uint64_t)ev->t - (uint64_t)s->prev[1]));
	p = trcc_varint(p, trcc_zz((uint64_t)ev->a));
	p = trcc_varint(p, trcc_zz((uint64_t)ev->b));
	s->prev[0] = ev->track;
	s->prev[1] = ev->t;
	trcc_end(s, p);
}

void trcc_free(struct trcc_stream *s)
{
	free(s->buf);
	free(s->chunks);
	memset(s, 0, sizeof *s);
}

/* ---- decoding: every byte checked, nothing read past end ------------------ */

struct trcc_rd {
	const uint8_t *p, *end;
	bool bad;
};

static uint64_t trcc_get(struct trcc_rd *r)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (r->p >= r->end) {
			r->bad = true;
			return 0;
		}
		uint8_t b = *r->p++;
		if (shift == 63 && b > 1) {  /* the 10th byte holds only bit 63 */
			r->bad = true;
			return 0;
		}
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	r->bad = true;
	return 0;
}

static uint8_t trcc_byte(struct trcc_rd *r, unsigned limit)
{
	if (r->p >= r->end || *r->p >= limit) {
		r->bad = true;
		return 0;
	}
	return *r->p++;
}

static int32_t trcc_track(struct trcc_rd *r, uint64_t prev)
{
	uint64_t t = prev + trcc_unzz(trcc_get(r));
	if ((int64_t)t < 0 || (int64_t)t > INT32_MAX)
		r->bad = true;
	return (int32_t)t;
}

int trcc_get_spans(const uint8_t *buf, int64_t len, int64_t n, struct trc_span *out)
{
	struct trcc_rd r = { buf, buf + len, false };
	uint64_t track = 0, t0 = 0, obj = 0;
	for (int64_t i = 0; i < n && !r.bad; i++) {
		struct trc_span *s = &out[i];
		s->track = trcc_track(&r, track);
		s->state = trcc_byte(&r, TS_NSTATES);
		t0 += trcc_unzz(trcc_get(&r));
		s->t0 = (sim_ns)t0;
		s->t1 = (sim_ns)(t0 + trcc_unzz(trcc_get(&r)));
		obj += trcc_unzz(trcc_get(&r));
		s->obj = (int64_t)obj;
		track = (uint64_t)s->track;
	}
	return r.bad || r.p != r.end ? -1 : 0;
}

int trcc_get_events(const uint8_t *buf, int64_t len, int64_t n, struct trc_ev *out)
{
	struct trcc_rd r = { buf, buf + len, false };
	uint64_t track = 0, t = 0;
	for (int64_t i = 0; i < n && !r.bad; i++) {
		struct trc_ev *e = &out[i];
		e->track = trcc_track(&r, track);
		e->kind = trcc_byte(&r, TE_NEVENTS);
		t += trcc_unzz(trcc_get(&r));
		e->t = (sim_ns)t;
		e->a = (int64_t)trcc_unzz(trcc_get(&r));
		e->b = (int64_t)trcc_unzz(trcc_get(&r));
		track = (uint64_t)e->track;
	}
	return r.bad || r.p != r.end ? -1 : 0;
}
