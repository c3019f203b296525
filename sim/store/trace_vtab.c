/* sim/store/trace_vtab.c — spans and events as read-only eponymous virtual
 * tables (see trace_vtab.h). With `run_id = X` the run's chunks are decoded
 * once into memory (the table keeps the latest run decoded, with its
 * records indexed by track, so a join that looks spans up by track — as
 * export's counters do — costs what an index would, not a decode per
 * lookup); without, a scan walks trace_chunks in (run_id, seq) order one
 * chunk at a time (at most 65,536 records in memory). A chunk that does
 * not decode, chunks out of sequence, or a run whose chunks do not hold
 * the records its traces row counts end the scan with an error naming the
 * run: a damaged trace is never read as a shorter one. Cost: a run's
 * records in memory, about 40 bytes each, while it is the one in hand.
 * Must not write anything. */
#include "trace_vtab.h"
#include "trace.h"
#include "trace_codec.h"
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum trv_kind { TRV_SPANS, TRV_EVENTS };

/* One run's records of one table, decoded, and their order by track.
 * Shared by the table (its latest) and the cursors reading it. */
struct trv_run {
	int refs;
	int64_t run;
	unsigned version;          /* the file's data version when decoded */
	int64_t n;
	struct trc_span *spans;    /* n records of the table's kind */
	struct trc_ev *evs;
	int64_t *by_track;         /* record numbers, by track then in order */
	int64_t *track_start;      /* track t: by_track[track_start[t] .. track_start[t + 1]) */
	int64_t ntracks;
};

struct trv_tab {
	sqlite3_vtab base;
	sqlite3 *h;
	enum trv_kind kind;
	struct trv_run *latest;    /* NULL: none yet */
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
	struct trv_run *r;         /* a run in memory (run_id = X); NULL: streaming chunks */
	int64_t lo, hi;            /* with r: positions [lo, hi) of all records or of by_track */
	bool by_track;
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

static void trv_run_unref(struct trv_run *r)
{
	if (!r || --r->refs > 0)
		return;
	free(r->spans);
	free(r->evs);
	free(r->by_track);
	free(r->track_start);
	free(r);
}

static int trv_disconnect(sqlite3_vtab *v)
{
	trv_run_unref(((struct trv_tab *)v)->latest);
	sqlite3_free(v);
	return SQLITE_OK;
}

enum { TRV_BY_RUN = 1, TRV_BY_TRACK = 2 };  /* idxNum bits: run_id = ?, track = ? used */

/* run_id = X: that run's records (decoded once); with track = Y too, that
 * track's (an index lookup); neither: a scan of every run. */
static int trv_best_index(sqlite3_vtab *v, sqlite3_index_info *info)
{
	int track_col = ((struct trv_tab *)v)->kind == TRV_SPANS ? 1 : 2;
	int run = -1, track = -1;
	for (int i = 0; i < info->nConstraint; i++) {
		const struct sqlite3_index_constraint *c = &info->aConstraint[i];
		if (!c->usable || c->op != SQLITE_INDEX_CONSTRAINT_EQ)
			continue;
		if (c->iColumn == 0 && run < 0)
			run = i;
		else if (c->iColumn == track_col && track < 0)
			track = i;
	}
	info->idxNum = 0;
	info->estimatedCost = 1e9;
	info->estimatedRows = 10000000;
	if (run < 0)
		return SQLITE_OK;
	info->aConstraintUsage[run].argvIndex = 1;
	info->aConstraintUsage[run].omit = 1;
	info->idxNum = TRV_BY_RUN;
	info->estimatedCost = 1e6;
	info->estimatedRows = 1000000;
	if (track >= 0) {
		info->aConstraintUsage[track].argvIndex = 2;
		info->aConstraintUsage[track].omit = 1;
		info->idxNum |= TRV_BY_TRACK;
		info->estimatedCost = 100;
		info->estimatedRows = 100;
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
	trv_run_unref(c->r);
	c->r = NULL;
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

/* ---- a run in memory ------------------------------------------------------------ */

static unsigned trv_version(sqlite3 *h)
{
	unsigned v = 0;
	sqlite3_file_control(h, "main", SQLITE_FCNTL_DATA_VERSION, &v);
	return v;
}

static int64_t trv_track_of(const struct trv_run *r, int64_t i)
{
	return r->spans ? r->spans[i].track : r->evs[i].track;
}

/* by_track: the record numbers ordered by track, in order within each
 * (a counting sort). */
static int trv_index_tracks(struct trv_run *r)
{
	r->ntracks = 0;
	for (int64_t i = 0; i < r->n; i++)
		if (trv_track_of(r, i) + 1 > r->ntracks)
			r->ntracks = trv_track_of(r, i) + 1;
	r->track_start = calloc((size_t)r->ntracks + 2, sizeof *r->track_start);
	r->by_track = malloc(sizeof *r->by_track * (size_t)(r->n + 1));
	if (!r->track_start || !r->by_track)
		return SQLITE_NOMEM;
	for (int64_t i = 0; i < r->n; i++)
		r->track_start[trv_track_of(r, i) + 1]++;
	for (int64_t t = 0; t < r->ntracks; t++)
		r->track_start[t + 1] += r->track_start[t];
	int64_t *fill = calloc((size_t)r->ntracks + 1, sizeof *fill);
	if (!fill)
		return SQLITE_NOMEM;
	for (int64_t i = 0; i < r->n; i++) {
		int64_t t = trv_track_of(r, i);
		r->by_track[r->track_start[t] + fill[t]++] = i;
	}
	free(fill);
	return SQLITE_OK;
}

/* Appends the decoded chunks of the cursor's statement to r. */
static int trv_load_chunks(struct trv_cursor *c, struct trv_run *r, enum trv_kind kind)
{
	int rc;
	while ((rc = trv_next_chunk(c)) == SQLITE_OK && !c->eof) {
		size_t elem = kind == TRV_SPANS ? sizeof *r->spans : sizeof *r->evs;
		void **arr = kind == TRV_SPANS ? (void **)&r->spans : (void **)&r->evs;
		void *grown = realloc(*arr, elem * (size_t)(r->n + c->n));
		if (!grown)
			return SQLITE_NOMEM;
		*arr = grown;
		memcpy((char *)grown + elem * (size_t)r->n, kind == TRV_SPANS ? (void *)c->spans : (void *)c->evs,
		       elem * (size_t)c->n);
		r->n += c->n;
	}
	return rc;
}

/* Decodes the run's records (the chunk statement is ready) and makes
 * them the table's latest. */
static int trv_run_get(struct trv_cursor *c, sqlite3_value *run, struct trv_run **out)
{
	struct trv_tab *t = (struct trv_tab *)c->base.pVtab;
	int64_t id = sqlite3_value_int64(run);
	unsigned version = trv_version(t->h);
	struct trv_run *r = calloc(1, sizeof *r);
	if (!r)
		return SQLITE_NOMEM;
	r->refs = 1;
	r->run = id;
	r->version = version;
	r->spans = t->kind == TRV_SPANS ? malloc(sizeof *r->spans) : NULL;  /* non-NULL: says the kind */
	r->evs = t->kind == TRV_EVENTS ? malloc(sizeof *r->evs) : NULL;
	int rc = trv_load_chunks(c, r, t->kind);
	if (rc == SQLITE_OK)
		rc = trv_index_tracks(r);
	trv_release(c);  /* the chunk statement and buffers */
	if (rc != SQLITE_OK) {
		trv_run_unref(r);
		return rc;
	}
	trv_run_unref(t->latest);
	t->latest = r;
	r->refs++;
	*out = r;
	return SQLITE_OK;
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

/* The chunk statement of a scan: one run's chunks (idx) or every run's. */
static int trv_start_chunks(struct trv_cursor *c, int idx, sqlite3_value **argv)
{
	struct trv_tab *t = (struct trv_tab *)c->base.pVtab;
	const char *sql = idx ? "SELECT run_id, seq, first, nrows, data FROM main.trace_chunks"
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
	if (idx)
		sqlite3_bind_value(c->chunks, 2, argv[0]);
	c->eof = false;
	c->run = INT64_MIN;
	c->expect = idx ? trv_expected(t, argv[0], &c->want_run) : -1;
	return SQLITE_OK;
}

/* With the run in hand: all its records, or one track's. */
static int trv_select(struct trv_cursor *c, int idx, sqlite3_value **argv)
{
	const struct trv_run *r = c->r;
	c->by_track = idx & TRV_BY_TRACK;
	c->lo = 0, c->hi = r->n;
	if (c->by_track) {
		int64_t track = sqlite3_value_int64(argv[1]);
		bool known = sqlite3_value_type(argv[1]) == SQLITE_INTEGER && track >= 0 && track < r->ntracks;
		c->lo = known ? r->track_start[track] : 0;
		c->hi = known ? r->track_start[track + 1] : 0;
	}
	c->eof = c->lo >= c->hi;
	return SQLITE_OK;
}

static int trv_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxstr, int argc, sqlite3_value **argv)
{
	(void)idxstr, (void)argc;
	struct trv_cursor *c = (struct trv_cursor *)cur;
	struct trv_tab *t = (struct trv_tab *)cur->pVtab;
	trv_release(c);
	if (idx && t->latest && t->latest->run == sqlite3_value_int64(argv[0]) &&
	    sqlite3_value_type(argv[0]) == SQLITE_INTEGER && t->latest->version == trv_version(t->h)) {
		c->r = t->latest;  /* decoded already: a lookup */
		c->r->refs++;
		return trv_select(c, idx, argv);
	}
	int rc = trv_start_chunks(c, idx, argv);
	if (rc != SQLITE_OK || !idx)
		return rc != SQLITE_OK ? rc : trv_next_chunk(c);
	if ((rc = trv_run_get(c, argv[0], &c->r)) != SQLITE_OK)
		return rc;
	return trv_select(c, idx, argv);
}

static int trv_next(sqlite3_vtab_cursor *cur)
{
	struct trv_cursor *c = (struct trv_cursor *)cur;
	if (c->r) {
		c->eof = ++c->lo >= c->hi;
		return SQLITE_OK;
	}
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

/* The record in hand's number in its run's array (the rowid less 1). */
static int64_t trv_at(const struct trv_cursor *c)
{
	if (c->r)
		return c->by_track ? c->r->by_track[c->lo] : c->lo;
	return c->i;
}

static void trv_span_column(const struct trv_cursor *c, sqlite3_context *ctx, int col)
{
	const struct trc_span *s = c->r ? &c->r->spans[trv_at(c)] : &c->spans[c->i];
	switch (col) {
	case 0: sqlite3_result_int64(ctx, c->r ? c->r->run : c->run); break;
	case 1: sqlite3_result_int(ctx, s->track); break;
	case 2: sqlite3_result_text(ctx, trc_state_name(s->state), -1, SQLITE_STATIC); break;
	case 3: trv_result_obj(ctx, s->obj); break;
	case 4: sqlite3_result_int64(ctx, s->t0); break;
	default: sqlite3_result_int64(ctx, s->t1); break;
	}
}

static void trv_event_column(const struct trv_cursor *c, sqlite3_context *ctx, int col)
{
	const struct trc_ev *e = c->r ? &c->r->evs[trv_at(c)] : &c->evs[c->i];
	switch (col) {
	case 0: sqlite3_result_int64(ctx, c->r ? c->r->run : c->run); break;
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
	*rowid = c->r ? trv_at(c) + 1 : c->first + c->i + 1;
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
