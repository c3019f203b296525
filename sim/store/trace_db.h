/* sim/store/trace_db.h — writes a run's timeline (sim/core/trace.h) into
 * the results database, inside the writer's transaction. */
#ifndef GMPSIM_TRACE_DB_H
#define GMPSIM_TRACE_DB_H
#include "trace.h"

struct sqlite3;
/* Inserts the trace of run run_id (traces, tracks and trace_chunks rows)
 * inside the caller's transaction. Returns 0, or -1 (sqlite3_errmsg says
 * why). */
int trc_db_insert(struct sqlite3 *h, const struct trc *tr, int64_t run_id);

#endif
