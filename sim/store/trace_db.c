/* sim/store/trace_db.c — writes a run's timeline (sim/core/trace.h) into the results
 * database: the traces and tracks rows of analysis/schema.sql, and the
 * spans and events as the recorder coded them (trace_codec.h), one
 * trace_chunks BLOB per 65,536 (trace_vtab.c reads them back as rows).
 * Called by the results writer inside the run's transaction, after the
 * simulation. Must not open, commit or roll back anything. */
#include "trace_db.h"
#include <sqlite3.h>
#include <stdio.h>

static int trcdb_step(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void trcdb_bind_obj(sqlite3_stmt *s, int i, int64_t obj)
{
	if (obj == -1)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_int64(s, i, obj);
}

static int trcdb_summary(sqlite3 *h, const struct trc *tr, int64_t run_id)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(h, "INSERT INTO traces(run_id, records, record_limit, truncated_at_ns)"
			       " VALUES (?1, ?2, ?3, ?4)", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, run_id);
	sqlite3_bind_int64(s, 2, trc_records(tr));
	sqlite3_bind_int64(s, 3, tr->limit);
	trcdb_bind_obj(s, 4, tr->truncated_at);
	int rc = trcdb_step(s);
	sqlite3_finalize(s);
	return rc;
}

enum { TRCDB_TEXT = 32 };  /* bytes of text a row may bind */

/* Binds row i of a table's records at parameters base+1 .. base+ncols;
 * text it binds lives in text (TRCDB_TEXT bytes, valid until the step). */
typedef void (*trcdb_bind_fn)(sqlite3_stmt *s, int base, const struct trc *tr, int64_t i,
			      int64_t run_id, char *text);

enum { TRCDB_BATCH = 64 };  /* rows per INSERT: amortizes SQLite's per-statement cost */

/* "INSERT INTO table(cols) VALUES (?,..),(?,..)..." with nrows rows of ncols. */
static sqlite3_stmt *trcdb_prepare(sqlite3 *h, const char *head, int ncols, int nrows)
{
	char sql[8192];
	int len = snprintf(sql, sizeof sql, "%s VALUES ", head);
	for (int r = 0; r < nrows; r++) {
		len += snprintf(sql + len, sizeof sql - (size_t)len, r ? ",(" : "(");
		for (int c = 0; c < ncols; c++)
			len += snprintf(sql + len, sizeof sql - (size_t)len, c ? ",?" : "?");
		len += snprintf(sql + len, sizeof sql - (size_t)len, ")");
	}
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK)
		return NULL;
	return s;
}

/* Inserts n rows, TRCDB_BATCH per statement, then the rest one by one. */
static int trcdb_rows(sqlite3 *h, const char *head, int ncols, int64_t n, trcdb_bind_fn bind,
		      const struct trc *tr, int64_t run_id)
{
	sqlite3_stmt *batch = trcdb_prepare(h, head, ncols, TRCDB_BATCH);
	sqlite3_stmt *one = trcdb_prepare(h, head, ncols, 1);
	char text[TRCDB_BATCH][TRCDB_TEXT];
	int rc = batch && one ? 0 : -1;
	int64_t i = 0;
	for (; rc == 0 && i + TRCDB_BATCH <= n; i += TRCDB_BATCH) {
		for (int r = 0; r < TRCDB_BATCH; r++)
			bind(batch, r * ncols, tr, i + r, run_id, text[r]);
		rc = trcdb_step(batch);
	}
	for (; rc == 0 && i < n; i++) {
		bind(one, 0, tr, i, run_id, text[0]);
		rc = trcdb_step(one);
	}
	sqlite3_finalize(batch);
	sqlite3_finalize(one);
	return rc;
}

static void trcdb_bind_track(sqlite3_stmt *s, int b, const struct trc *tr, int64_t i, int64_t run_id,
			     char *name)
{
	trc_track_name(&tr->tracks[i], name, TRCDB_TEXT);
	sqlite3_bind_int64(s, b + 1, run_id);
	sqlite3_bind_int64(s, b + 2, i);
	sqlite3_bind_text(s, b + 3, trc_tkind_name(tr->tracks[i].tkind), -1, SQLITE_STATIC);
	sqlite3_bind_int(s, b + 4, tr->tracks[i].num);
	sqlite3_bind_text(s, b + 5, name, -1, SQLITE_STATIC);  /* text[] outlives the step */
}

static int trcdb_tracks(sqlite3 *h, const struct trc *tr, int64_t run_id)
{
	return trcdb_rows(h, "INSERT INTO tracks(run_id, track, kind, num, name)", 5, tr->ntracks,
			  trcdb_bind_track, tr, run_id);
}

/* One row of trace_chunks per chunk of stream (0 spans, 1 events). */
static int trcdb_chunks(sqlite3 *h, const struct trcc_stream *c, int stream, int64_t run_id)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(h, "INSERT INTO trace_chunks(run_id, stream, seq, first, nrows, data)"
			       " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &s, NULL) != SQLITE_OK)
		return -1;
	int rc = 0;
	int64_t first = 0;
	for (int64_t i = 0; rc == 0 && i < c->nchunks; first += c->chunks[i++].n) {
		sqlite3_bind_int64(s, 1, run_id);
		sqlite3_bind_int(s, 2, stream);
		sqlite3_bind_int64(s, 3, i);
		sqlite3_bind_int64(s, 4, first);
		sqlite3_bind_int64(s, 5, c->chunks[i].n);
		sqlite3_bind_blob64(s, 6, c->buf + c->chunks[i].off, (sqlite3_uint64)c->chunks[i].len,
				    SQLITE_STATIC);
		rc = trcdb_step(s);
	}
	sqlite3_finalize(s);
	return rc;
}

int trc_db_insert(struct sqlite3 *h, const struct trc *tr, int64_t run_id)
{
	if (!tr)
		return 0;
	if (trcdb_summary(h, tr, run_id) < 0 || trcdb_tracks(h, tr, run_id) < 0 ||
	    trcdb_chunks(h, &tr->span_code, 0, run_id) < 0 || trcdb_chunks(h, &tr->ev_code, 1, run_id) < 0)
		return -1;
	return 0;
}
