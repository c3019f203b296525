/* sim/store/trace_vtab.h — the spans and events tables of a results
 * database, as read-only SQLite virtual tables over the coded chunks the
 * writer stores (trace_chunks; sim/core/trace_codec.h). Registered on every
 * connection gmpsim opens, they give `gmpsim query`, `export`, the
 * trace_spans view and any SQL the rows of analysis/schema.sql's spans and
 * events. A database with real spans/events tables (written before the
 * chunks) shadows them and is read as before. */
#ifndef GMPSIM_TRACE_VTAB_H
#define GMPSIM_TRACE_VTAB_H
#include <stddef.h>
#include <stdint.h>

struct sqlite3;

/* Registers the eponymous modules spans and events on h. 0, or an SQLite
 * error code. */
int trv_register(struct sqlite3 *h);

/* Checks that run's stored trace is whole: its chunks numbered without a
 * gap, their rows adding up to traces.records. 0; -1 with err saying what
 * is wrong. A database without trace_chunks (an older one) passes. */
int trv_check_run(struct sqlite3 *h, int64_t run, char *err, size_t errlen);

#endif
