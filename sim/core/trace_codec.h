/* sim/core/trace_codec.h — the compact form of a timeline's records
 * (trace.h): spans and events as varint-coded deltas, in chunks that decode
 * alone. The recorder appends each record here as it is completed, so a
 * record costs about 8 bytes of memory instead of 32-40, and the results
 * writer stores each chunk as one BLOB (trace_db.h) instead of a row per
 * record; the reader (trace_vtab.h, gmpsim export) decodes them back to
 * exactly the records that were put in.
 *
 * Format of a chunk (every record's fields in order; zz(x) is x
 * zigzag-coded as an unsigned LEB128 varint, differences taken modulo 2^64
 * so every int64_t round-trips; "prev" fields start at 0 in each chunk):
 *   span:  zz(track - prev track) state zz(t0 - prev t0) zz(t1 - t0) zz(obj - prev obj)
 *   event: zz(track - prev track) kind  zz(t - prev t)   zz(a) zz(b)
 * (state and kind: one byte). A chunk holds at most TRCC_CHUNK records.
 * Must not do I/O or know SQLite.
 */
#ifndef GMPSIM_TRACE_CODEC_H
#define GMPSIM_TRACE_CODEC_H
#include "types.h"

struct trc_span;
struct trc_ev;

enum { TRCC_CHUNK = 65536 };  /* records per chunk */

/* One chunk of a stream: bytes [off, off + len) of buf, n records. */
struct trcc_chunk {
	int64_t off, len, n;
};

/* A growing stream of coded records of one kind (spans or events). */
struct trcc_stream {
	uint8_t *buf;
	int64_t len, cap;
	int64_t n;                   /* records in all chunks */
	struct trcc_chunk *chunks;
	int64_t nchunks, capchunks;
	int64_t prev[3];             /* delta bases of the open chunk */
	int64_t left;                /* records the open chunk may still take (0: open one first) */
};

/* Appends a record (allocation failure is fatal, as for the recorder). */
void trcc_put_span(struct trcc_stream *s, const struct trc_span *sp);
void trcc_put_event(struct trcc_stream *s, const struct trc_ev *ev);
void trcc_free(struct trcc_stream *s);

/* Decodes one chunk of len bytes into out (room for n records), checking
 * that it holds exactly n well-formed records. 0, or -1 when it does not. */
int trcc_get_spans(const uint8_t *buf, int64_t len, int64_t n, struct trc_span *out);
int trcc_get_events(const uint8_t *buf, int64_t len, int64_t n, struct trc_ev *out);

#endif
