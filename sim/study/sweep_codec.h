/* sim/study/sweep_codec.h — a run_result as bytes, so a sweep worker process can
 * hand its result to the parent through a pipe. Doubles travel as their
 * bit patterns, so the parent writes exactly what the worker computed.
 * Must not do I/O: the caller moves the bytes. */
#ifndef GMPSIM_SWEEP_CODEC_H
#define GMPSIM_SWEEP_CODEC_H
#include "results.h"

/* Encodes r into a malloc'd buffer; NULL when out of memory. */
unsigned char *codec_encode(const struct run_result *r, size_t *len);
/* Decodes buf into r (res_init'ed here; res_free it). Returns 0, or -1
 * for a truncated or malformed buffer (r is then freed). */
int codec_decode(const unsigned char *buf, size_t len, struct run_result *r);

#endif
