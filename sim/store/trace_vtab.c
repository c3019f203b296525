/* sim/store/trace_vtab.c — spans and events as read-only eponymous virtual
 * tables (see trace_vtab.h). A scan walks trace_chunks in (run_id, seq)
 * order, decodes one chunk at a time (at most 65,536 records in memory)
 * and hands out its records as rows; `run_id = X` is used to seek to that
 * run's chunks. A chunk that does not decode, or chunks out of sequence,
 * end the scan with an error naming the run: a damaged trace is never read
 * as a shorter one. Must not write anything. */
#include "trace_vtab.h"
#include "trace.h"
#include "trace_codec.h"
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum trv_kind { TRV_SPANS, TRV_EVENTS };

struct trv_tab {
	sqlite3_vtab base;
	sqlite3 *h;
	enum trv_kind kind;
};

struct trv_cursor {
	sqlite3_vtab_cursor base;
	sqlite3_stmt *chunks;      /* run_id, seq, first, nrows, data */
	int64_t run, seq, first;   /* the chunk in hand */
	int64_t next_first;        /* what the next chunk's first must be within the run */
	int64_t n, i;              /* records decoded, the current one */
	int64_t expect;
	int64_t want_run;            /* run_id = X: the records its traces row implies; -1: unknown */
	struct trc_span *spans;
	struct trc_ev *evs;
	bool eof;
};

static const char *const trv_schema[] = {
	[TRV_SPANS] = "CREATE TABLE x(run_id INTEGER, track INTEGER, kind TEXT, obj INTEGER, "
		      "t0_ns INTEGER, t1_ns INTEGER)",
	[TRV_EVENTS] = "CREATE TABLE x(run_id INTEGER, t_ns INTEGER, track INTEGER, name TEXT, "
		       "arg INTEGER, arg2 INTEGER)",
};

static int trv_connect(sqlite3 *h, void *aux, int argc, const char *const *argv, sqlite3_vtab **out,
		       char **err)
{
	(void)argc, (void)argv, (void)err;
	enum trv_kind kind = (enum trv_kind)(intptr_t)aux;
	int rc = sqlite3_declare_vtab(h, trv_schema[kind]);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_vtab_config(h, SQLITE_VTAB_INNOCUOUS);  /* views of an untrusted schema may read it */
	struct trv_tab *t = sqlite3_malloc(sizeof *t);
	if (!t)
		return SQLITE_NOMEM;
	memset(t, 0, sizeof *t);
	t->h = h;
	t->kind = kind;
	*out = &t->base;
	return SQLITE_OK;
}

static int trv_disconnect(sqlite3_vtab *v)
{
	sqlite3_free(v);
	return SQLITE_OK;
}

/* Plan 1: run_id = ? (seek to the run's chunks); plan 0: every run. */
static int trv_best_index(sqlite3_vtab *v, sqlite3_index_info *info)
{
	(void)v;
	info->idxNum = 0;
	info->estimatedCost = 1e9;
	info->estimatedRows = 10000000;
	for (int i = 0; i < info->nConstraint; i++) {
		const struct sqlite3_index_constraint *c = &info->aConstraint[i];
		if (c->usable && c->iColumn == 0 && c->op == SQLITE_INDEX_CONSTRAINT_EQ) {
			info->aConstraintUsage[i].argvIndex = 1;
			info->aConstraintUsage[i].omit = 1;
			info->idxNum = 1;
			info->estimatedCost = 1e6;
			info->estimatedRows = 1000000;
			break;
		}
	}
	return SQLITE_OK;
}

static int trv_open(sqlite3_vtab *v, sqlite3_vtab_cursor **out)
{
	(void)v;
	struct trv_cursor *c = sqlite3_malloc(sizeof *c);
	if (!c)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof *c);
	c->eof = true;
	*out = &c->base;
	return SQLITE_OK;
}

static void trv_release(struct trv_cursor *c)
{
	sqlite3_finalize(c->chunks);
	c->chunks = NULL;
	free(c->spans);
	free(c->evs);
	c->spans = NULL;
	c->evs = NULL;
	c->n = c->i = 0;
	c->eof = true;
}

static int trv_close(sqlite3_vtab_cursor *cur)
{
	trv_release((struct trv_cursor *)cur);
	sqlite3_free(cur);
	return SQLITE_OK;
}

static int trv_fail(struct trv_cursor *c, const char *fmt, int64_t run, int64_t seq)
{
	sqlite3_vtab *v = c->base.pVtab;
	sqlite3_free(v->zErrMsg);
	v->zErrMsg = sqlite3_mprintf(fmt, (long long)run, (long long)seq);
	trv_release(c);
	return SQLITE_CORRUPT_VTAB;
}

/* Decodes the chunk the statement is on into the cursor. */
static int trv_decode(struct trv_cursor *c, enum trv_kind kind)
{
	sqlite3_stmt *s = c->chunks;
	int64_t run = sqlite3_column_int64(s, 0), seq = sqlite3_column_int64(s, 1);
	int64_t first = sqlite3_column_int64(s, 2), n = sqlite3_column_int64(s, 3);
	const uint8_t *data = sqlite3_column_blob(s, 4);
	int64_t len = sqlite3_column_bytes(s, 4);
	if (run != c->run) {
		c->run = run;
		c->seq = -1;
		c->next_first = 0;
	}
	if (seq != c->seq + 1 || first != c->next_first || n <= 0 || n > TRCC_CHUNK || (!data && len))
		return trv_fail(c, "damaged trace: run %lld's chunk %lld is out of sequence (a missing or "
				"extra chunk)", run, seq);
	size_t elem = kind == TRV_SPANS ? sizeof *c->spans : sizeof *c->evs;
	void **arr = kind == TRV_SPANS ? (void **)&c->spans : (void **)&c->evs;
	if (!*arr && !(*arr = malloc(elem * TRCC_CHUNK)))
		return SQLITE_NOMEM;
	int bad = kind == TRV_SPANS ? trcc_get_spans(data, len, n, c->spans)
				    : trcc_get_events(data, len, n, c->evs);
	if (bad)
		return trv_fail(c, "damaged trace: run %lld's chunk %lld does not decode", run, seq);
	c->seq = seq;
	c->first = first;
	c->next_first = first + n;
	c->n = n;
	c->i = 0;
	return SQLITE_OK;
}

/* Moves to the next chunk's first record, or to the end. */
static int trv_next_chunk(struct trv_cursor *c)
{
	struct trv_tab *t = (struct trv_tab *)c->base.pVtab;
	int rc = sqlite3_step(c->chunks);
	if (rc == SQLITE_ROW)
		return trv_decode(c, t->kind);
	c->eof = true;
	if (rc == SQLITE_DONE && c->expect >= 0 && (c->run == INT64_MIN ? 0 : c->next_first) != c->expect)
		return trv_fail(c, "damaged trace: run %lld's chunks hold fewer or more records than its traces "
				"row counts (an interrupted write?)", c->run == INT64_MIN ? c->want_run : c->run, 0);
	if (rc == SQLITE_DONE)
		return SQLITE_OK;
	sqlite3_free(t->base.zErrMsg);
	t->base.zErrMsg = sqlite3_mprintf("%s", sqlite3_errmsg(t->h));
	return rc;
}

/* The records of the table's stream a run's traces row implies (records
 * less the other stream's stored rows); -1 when it has no traces row. */
static int64_t trv_expected(struct trv_tab *t, sqlite3_value *run, int64_t *run_id)
{
	sqlite3_stmt *s = NULL;
	int64_t n = -1;
	*run_id = sqlite3_value_int64(run);
	if (sqlite3_prepare_v2(t->h, "SELECT records - (SELECT total(nrows) FROM main.trace_chunks"
			       " WHERE run_id = ?1 AND stream = ?2) FROM main.traces WHERE run_id = ?1",
			       -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_value(s, 1, run);
		sqlite3_bind_int(s, 2, t->kind == TRV_SPANS ? 1 : 0);
		if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
			n = (int64_t)sqlite3_column_double(s, 0);
	}
	sqlite3_finalize(s);
	return n;
}

static int trv_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxstr, int argc, sqlite3_value **argv)
{
	(void)idxstr, (void)argc;
	struct trv_cursor *c = (struct trv_cursor *)cur;
	struct trv_tab *t = (struct trv_tab *)cur->pVtab;
	trv_release(c);
	const char *sql = idx == 1 ? "SELECT run_id, seq, first, nrows, data FROM main.trace_chunks"
				     " WHERE stream = ?1 AND run_id = ?2 ORDER BY seq"
				   : "SELECT run_id, seq, first, nrows, data FROM main.trace_chunks"
				     " WHERE stream = ?1 ORDER BY run_id, seq";
	if (sqlite3_prepare_v2(t->h, sql, -1, &c->chunks, NULL) != SQLITE_OK) {
		sqlite3_free(t->base.zErrMsg);
		t->base.zErrMsg = sqlite3_mprintf("%s table: %s (not a gmpsim results database with "
						  "traces?)", t->kind == TRV_SPANS ? "spans" : "events",
						  sqlite3_errmsg(t->h));
		return SQLITE_ERROR;
	}
	sqlite3_bind_int(c->chunks, 1, t->kind == TRV_SPANS ? 0 : 1);
	if (idx == 1)
		sqlite3_bind_value(c->chunks, 2, argv[0]);
	c->eof = false;
	c->run = INT64_MIN;
	c->expect = idx == 1 ? trv_expected(t, argv[0], &c->want_run) : -1;
	return trv_next_chunk(c);
}

static int trv_next(sqlite3_vtab_cursor *cur)
{
	struct trv_cursor *c = (struct trv_cursor *)cur;
	if (++c->i < c->n)
		return SQLITE_OK;
	return trv_next_chunk(c);
}

static int trv_eof(sqlite3_vtab_cursor *cur) { return ((struct trv_cursor *)cur)->eof; }

static void trv_result_obj(sqlite3_context *ctx, int64_t v)
{
	if (v == -1)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_int64(ctx, v);
}

static void trv_span_column(const struct trv_cursor *c, sqlite3_context *ctx, int col)
{
	const struct trc_span *s = &c->spans[c->i];
	switch (col) {
	case 0: sqlite3_result_int64(ctx, c->run); break;
	case 1: sqlite3_result_int(ctx, s->track); break;
	case 2: sqlite3_result_text(ctx, trc_state_name(s->state), -1, SQLITE_STATIC); break;
	case 3: trv_result_obj(ctx, s->obj); break;
	case 4: sqlite3_result_int64(ctx, s->t0); break;
	default: sqlite3_result_int64(ctx, s->t1); break;
	}
}

static void trv_event_column(const struct trv_cursor *c, sqlite3_context *ctx, int col)
{
	const struct trc_ev *e = &c->evs[c->i];
	switch (col) {
	case 0: sqlite3_result_int64(ctx, c->run); break;
	case 1: sqlite3_result_int64(ctx, e->t); break;
	case 2: sqlite3_result_int(ctx, e->track); break;
	case 3: sqlite3_result_text(ctx, trc_event_name(e->kind), -1, SQLITE_STATIC); break;
	case 4: trv_result_obj(ctx, e->a); break;
	default: trv_result_obj(ctx, e->b); break;
	}
}

static int trv_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	const struct trv_cursor *c = (const struct trv_cursor *)cur;
	if (((struct trv_tab *)cur->pVtab)->kind == TRV_SPANS)
		trv_span_column(c, ctx, col);
	else
		trv_event_column(c, ctx, col);
	return SQLITE_OK;
}

/* The record's number in its run, from 1 (events: the order they happened). */
static int trv_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
	const struct trv_cursor *c = (const struct trv_cursor *)cur;
	*rowid = c->first + c->i + 1;
	return SQLITE_OK;
}

static const sqlite3_module trv_module = {
	.iVersion = 0,
	.xCreate = NULL,  /* eponymous only: no CREATE VIRTUAL TABLE */
	.xConnect = trv_connect,
	.xBestIndex = trv_best_index,
	.xDisconnect = trv_disconnect,
	.xDestroy = trv_disconnect,
	.xOpen = trv_open,
	.xClose = trv_close,
	.xFilter = trv_filter,
	.xNext = trv_next,
	.xEof = trv_eof,
	.xColumn = trv_column,
	.xRowid = trv_rowid,
};

int trv_register(sqlite3 *h)
{
	int rc = sqlite3_create_module(h, "spans", &trv_module, (void *)(intptr_t)TRV_SPANS);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_module(h, "events", &trv_module, (void *)(intptr_t)TRV_EVENTS);
	return rc;
}

/* ---- whole-trace check ------------------------------------------------------------ */

int trv_check_run(sqlite3 *h, int64_t run, char *err, size_t errlen)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(h, "SELECT (SELECT records FROM traces WHERE run_id = ?1),"
			       " (SELECT total(nrows) FROM trace_chunks WHERE run_id = ?1),"
			       " (SELECT count(*) FROM trace_chunks WHERE run_id = ?1),"
			       " (SELECT count(DISTINCT stream || '.' || seq) FROM trace_chunks WHERE run_id = ?1"
			       "   AND seq >= 0 AND seq < (SELECT count(*) FROM trace_chunks c"
			       "   WHERE c.run_id = ?1 AND c.stream = trace_chunks.stream))",
			       -1, &s, NULL) != SQLITE_OK) {
		int old = strstr(sqlite3_errmsg(h), "no such table: trace_chunks") != NULL;
		sqlite3_finalize(s);
		if (old)
			return 0;
		snprintf(err, errlen, "reading the trace of run %lld: %s", (long long)run, sqlite3_errmsg(h));
		return -1;
	}
	sqlite3_bind_int64(s, 1, run);
	int rc = sqlite3_step(s) == SQLITE_ROW ? 0 : -1;
	int64_t records = rc ? 0 : sqlite3_column_int64(s, 0);
	int64_t stored = rc ? 0 : (int64_t)sqlite3_column_double(s, 1);
	int64_t nchunks = rc ? 0 : sqlite3_column_int64(s, 2), inseq = rc ? 0 : sqlite3_column_int64(s, 3);
	if (rc)
		snprintf(err, errlen, "reading the trace of run %lld: %s", (long long)run, sqlite3_errmsg(h));
	else if (records != stored || nchunks != inseq) {
		snprintf(err, errlen, "damaged trace: run %lld's traces row counts %lld records but its %lld "
			 "chunks hold %lld%s (an interrupted write?)", (long long)run, (long long)records,
			 (long long)nchunks, (long long)stored, nchunks != inseq ? ", numbered with gaps" : "");
		rc = -1;
	}
	sqlite3_finalize(s);
	return rc;
}
