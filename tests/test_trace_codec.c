/* tests/test_trace_codec.c — the compact timeline (issue 13.4): the codec
 * round-trips every record exactly (extreme values, many tracks, chunk
 * boundaries) and refuses damaged chunks; the spans and events virtual
 * tables give back, row for row, the records the run made; `gmpsim
 * export` writes a span per decoded row; and a trace whose write was
 * interrupted (a missing chunk, a killed run) is refused, never read as a
 * shorter one. */
#include "testutil.h"
#include "db.h"
#include "run.h"
#include "scenario.h"
#include "trace.h"
#include "trace_codec.h"
#include <jansson.h>
#include <math.h>
#include <signal.h>

static char out[1 << 16];

/* ---- the codec ------------------------------------------------------------------ */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t next64(void)  /* splitmix64 */
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A value from the edges (0, ±1, INT64_MIN/MAX ...) or anywhere. */
static int64_t extreme(void)
{
	static const int64_t edges[] = { 0, 1, -1, 2, 127, 128, -64, -65, INT32_MAX, INT32_MIN,
					 INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1 };
	uint64_t r = next64();
	if (r % 3 == 0)
		return edges[(r >> 8) % (sizeof edges / sizeof *edges)];
	if (r % 3 == 1)
		return (int64_t)(next64() >> (next64() % 64));  /* every magnitude */
	return (int64_t)next64();
}

static void test_codec_round_trips_extremes(void **state)
{
	(void)state;
	enum { N = 3 * TRCC_CHUNK + 17 };  /* crosses chunk boundaries */
	struct trc_span *in = calloc(N, sizeof *in), *back = calloc(N, sizeof *back);
	struct trc_ev *ein = calloc(N, sizeof *ein), *eback = calloc(N, sizeof *eback);
	assert_true(in && back && ein && eback);
	struct trcc_stream s = { 0 }, e = { 0 };
	for (int i = 0; i < N; i++) {
		int64_t t0 = extreme(), t1 = extreme();
		if (i % 5 == 0) { t0 = 0; t1 = INT64_MAX; }  /* the longest duration */
		int32_t track = i % 7 == 0 ? INT32_MAX : (int32_t)(next64() % 200000);  /* many tracks */
		in[i] = (struct trc_span){ .t0 = t0, .t1 = t1, .obj = extreme(), .track = track,
					   .state = (uint8_t)(next64() % TS_NSTATES) };
		ein[i] = (struct trc_ev){ .t = extreme(), .a = extreme(), .b = extreme(), .track = track,
					  .kind = (uint8_t)(next64() % TE_NEVENTS) };
		trcc_put_span(&s, &in[i]);
		trcc_put_event(&e, &ein[i]);
	}
	assert_int_equal(s.n, N);
	assert_int_equal(s.nchunks, 4);
	int64_t at = 0;
	for (int64_t c = 0; c < s.nchunks; at += s.chunks[c++].n) {
		assert_true(s.chunks[c].n <= TRCC_CHUNK);
		assert_int_equal(trcc_get_spans(s.buf + s.chunks[c].off, s.chunks[c].len, s.chunks[c].n, back + at), 0);
		assert_int_equal(trcc_get_events(e.buf + e.chunks[c].off, e.chunks[c].len, e.chunks[c].n, eback + at), 0);
	}
	assert_int_equal(at, N);
	for (int i = 0; i < N; i++) {
		assert_true(in[i].t0 == back[i].t0 && in[i].t1 == back[i].t1 && in[i].obj == back[i].obj &&
			    in[i].track == back[i].track && in[i].state == back[i].state);
		assert_true(ein[i].t == eback[i].t && ein[i].a == eback[i].a && ein[i].b == eback[i].b &&
			    ein[i].track == eback[i].track && ein[i].kind == eback[i].kind);
	}
	trcc_free(&s);
	trcc_free(&e);
	free(in), free(back), free(ein), free(eback);
}

/* A chunk cut short, with a byte too many, or with an impossible state is
 * refused, never decoded into fewer or made-up records. */
static void test_codec_refuses_damaged_chunks(void **state)
{
	(void)state;
	struct trcc_stream s = { 0 };
	struct trc_span sp[3] = {
		{ .t0 = 0, .t1 = INT64_MAX, .obj = -1, .track = 0, .state = TS_RUNNING },
		{ .t0 = 5, .t1 = 9, .obj = 42, .track = 3, .state = TS_TASK },
		{ .t0 = 9, .t1 = 10, .obj = INT64_MIN, .track = 3, .state = TS_WAITING },
	}, out[4];
	for (int i = 0; i < 3; i++)
		trcc_put_span(&s, &sp[i]);
	const struct trcc_chunk *c = &s.chunks[0];
	assert_int_equal(trcc_get_spans(s.buf, c->len, 3, out), 0);
	for (int64_t cut = 0; cut < c->len; cut++)
		assert_int_equal(trcc_get_spans(s.buf, cut, 3, out), -1);
	assert_int_equal(trcc_get_spans(s.buf, c->len, 4, out), -1);   /* fewer records than said */
	assert_int_equal(trcc_get_spans(s.buf, c->len, 2, out), -1);   /* bytes left over */
	uint8_t bad[64];
	memcpy(bad, s.buf, (size_t)c->len);
	bad[1] = TS_NSTATES;  /* the first record's state byte */
	assert_int_equal(trcc_get_spans(bad, c->len, 3, out), -1);
	trcc_free(&s);
}

/* ---- the database and the command line ------------------------------------------ */

#define SCENARIO "scenarios/10k_rps.yaml"
/* In a scratch directory of this process's own: the test and its ASan
 * build may run at once. */
static char *scratch, DB[256], JSON[256];

/* Runs gmpsim with printf-formatted arguments; its exit status. */
static int gm(const char *fmt, ...)
{
	char args[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	return tu_run_gmpsim(args, out, sizeof out);
}


/* A traced run of model, written to DB by the results writer (as gmpsim
 * does); the result, with its records decoded, for comparison. */
static struct run_result write_traced(const char *model)
{
	const char *sets[] = { "duration=200ms", "warmup=50ms", "machine.cores=4", "models.gmp.gomaxprocs=3" };
	struct scenario sc;
	char err[1024];
	if (sc_load(SCENARIO, sets, 4, &sc, err, sizeof err) != 0)
		fail_msg("%s", err);
	struct run_opts opts = { .trace = true };
	struct run_result r;
	if (run_model_opts(&sc, model, &opts, &r, err, sizeof err) != 0)
		fail_msg("%s", err);
	sc_free(&sc);
	unlink(DB);
	struct db *db = db_create(DB, err, sizeof err);
	if (!db || db_write_run(db, &r, err, sizeof err) != 1 || db_close_commit(db, err, sizeof err) != 0)
		fail_msg("%s", err);
	assert_int_equal(trc_unpack(r.trace), 0);
	return r;
}

/* Every row of spans and events is the record the run made, in order. */
static void test_tables_give_back_the_records(void **state)
{
	(void)state;
	struct run_result r = write_traced("gmp");
	const struct trc *tr = r.trace;
	assert_true(tr->nspans > 10000 && tr->nevs > 100);
	assert_true(tu_query_int(DB, "select count(*) from trace_chunks") >= 2);
	sqlite3 *h;
	sqlite3_stmt *st = tu_query_row(DB, "select rowid, run_id, track, kind, obj, t0_ns, t1_ns from spans", &h);
	int64_t i = 0;
	do {
		const struct trc_span *s = &tr->spans[i];
		assert_int_equal(sqlite3_column_int64(st, 0), i + 1);
		assert_int_equal(sqlite3_column_int64(st, 1), 1);
		assert_int_equal(sqlite3_column_int64(st, 2), s->track);
		assert_string_equal((const char *)sqlite3_column_text(st, 3), trc_state_name(s->state));
		if (s->obj == -1)
			assert_int_equal(sqlite3_column_type(st, 4), SQLITE_NULL);
		else
			assert_int_equal(sqlite3_column_int64(st, 4), s->obj);
		assert_int_equal(sqlite3_column_int64(st, 5), s->t0);
		assert_int_equal(sqlite3_column_int64(st, 6), s->t1);
		i++;
	} while (sqlite3_step(st) == SQLITE_ROW);
	assert_int_equal(i, tr->nspans);
	tu_query_done(h, st);
	st = tu_query_row(DB, "select rowid, t_ns, track, name, arg, arg2 from events where run_id = 1", &h);
	i = 0;
	do {
		const struct trc_ev *e = &tr->evs[i];
		assert_int_equal(sqlite3_column_int64(st, 0), i + 1);
		assert_int_equal(sqlite3_column_int64(st, 1), e->t);
		assert_int_equal(sqlite3_column_int64(st, 2), e->track);
		assert_string_equal((const char *)sqlite3_column_text(st, 3), trc_event_name(e->kind));
		assert_true(e->a == -1 ? sqlite3_column_type(st, 4) == SQLITE_NULL : sqlite3_column_int64(st, 4) == e->a);
		assert_true(e->b == -1 ? sqlite3_column_type(st, 5) == SQLITE_NULL : sqlite3_column_int64(st, 5) == e->b);
		i++;
	} while (sqlite3_step(st) == SQLITE_ROW);
	assert_int_equal(i, tr->nevs);
	tu_query_done(h, st);
	assert_int_equal(tu_query_int(DB, "select count(*) from spans where run_id = 2"), 0);
	/* the sqlite3 shell sees the same rows through the extension */
	char cmd[512];
	snprintf(cmd, sizeof cmd, "sqlite3 -readonly -cmd '.load build/gmpsim_trace' %s"
		 " 'select count(*), sum(t1_ns - t0_ns) from spans; select count(*) from events'", DB);
	assert_int_equal(tu_popen(cmd, out, sizeof out), 0);
	sim_ns busy = 0;
	for (int64_t k = 0; k < tr->nspans; k++)
		busy += tr->spans[k].t1 - tr->spans[k].t0;
	char want[128];
	snprintf(want, sizeof want, "%lld|%lld\n%lld\n", (long long)tr->nspans, (long long)busy, (long long)tr->nevs);
	assert_string_equal(out, want);
	res_free(&r);
}

static int cmp_span_time(const void *a, const void *b)
{
	const struct trc_span *x = a, *y = b;
	if (x->t0 != y->t0)
		return x->t0 < y->t0 ? -1 : 1;
	return (x->track > y->track) - (x->track < y->track);
}

/* gmpsim export (run through the CLI on the threads model: a 1:1 model)
 * writes one complete event per decoded span, in time order, at its track,
 * start and duration to the nanosecond. */
static void test_export_has_every_decoded_span(void **state)
{
	(void)state;
	struct run_result r = write_traced("threads");
	struct trc *tr = r.trace;
	qsort(tr->spans, (size_t)tr->nspans, sizeof *tr->spans, cmp_span_time);
	unlink(JSON);
	assert_int_equal(gm("export %s --run 1 -o %s", DB, JSON), 0);
	json_error_t je;
	json_t *root = json_load_file(JSON, 0, &je);
	if (!root)
		fail_msg("%s:%d: %s", JSON, je.line, je.text);
	size_t k;
	json_t *ev;
	int64_t i = 0, instants = 0;
	json_array_foreach(json_object_get(root, "traceEvents"), k, ev) {
		const char *ph = json_string_value(json_object_get(ev, "ph"));
		if (strcmp(ph, "i") == 0)
			instants++;
		if (strcmp(ph, "X") != 0)
			continue;
		assert_true(i < tr->nspans);
		const struct trc_span *s = &tr->spans[i++];
		assert_int_equal(json_integer_value(json_object_get(ev, "tid")), s->track + 1);
		assert_true(llround(json_number_value(json_object_get(ev, "ts")) * 1000.0) == s->t0);
		assert_true(llround(json_number_value(json_object_get(ev, "dur")) * 1000.0) == s->t1 - s->t0);
		assert_string_equal(json_string_value(json_object_get(ev, "cat")), trc_state_name(s->state));
	}
	assert_int_equal(i, tr->nspans);
	assert_int_equal(instants, tr->nevs);
	json_decref(root);
	unlink(JSON);
	res_free(&r);
}

static bool exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

/* A trace with a chunk missing (what an interrupted write leaves) or a
 * chunk that does not decode: export refuses it and writes nothing;
 * a query on spans fails instead of returning fewer rows. */
static void test_partial_trace_is_refused(void **state)
{
	(void)state;
	struct run_result r = write_traced("gmp");
	res_free(&r);
	sqlite3 *h;
	assert_int_equal(sqlite3_open(DB, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "delete from trace_chunks where stream = 0 and seq = 0", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(h);
	unlink(JSON);
	assert_int_equal(gm("export %s --run 1 -o %s", DB, JSON), 2);
	assert_non_null(strstr(out, "damaged trace"));
	assert_false(exists(JSON));
	assert_int_not_equal(gm("query %s 'select count(*) from spans where run_id = 1'", DB), 0);
	assert_non_null(strstr(out, "damaged trace"));
	/* a chunk cut short */
	r = write_traced("gmp");
	res_free(&r);
	assert_int_equal(sqlite3_open(DB, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "update trace_chunks set data = substr(data, 1, length(data) - 3) "
				      "where stream = 1 and seq = 0", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	assert_int_equal(gm("export %s --run 1 -o %s", DB, JSON), 2);
	assert_non_null(strstr(out, "does not decode"));
	assert_false(exists(JSON));
	unlink(DB);
}

/* The "N events" export prints. */
static long long exported_events(void)
{
	const char *p = strstr(out, ".json: ");
	return p ? atoll(p + 7) : -1;
}

/* gmpsim killed at moments spread over a traced run and its write: what a
 * kill leaves (a database at -o when it came after the rename, else the
 * partial file) exports the whole run (the same events as a run never
 * killed) or nothing, never a shorter trace. */
static void test_killed_traced_run_leaves_nothing_exportable(void **state)
{
	(void)state;
	char db[300], partial[320];
	snprintf(db, sizeof db, "%s/killed.db", scratch);
	snprintf(partial, sizeof partial, "%s.tmp-partial", db);
	const char *run = SCENARIO " --model gmp --set duration=2s --trace -q";
	assert_int_equal(gm("%s -o %s", run, db), 0);
	assert_int_equal(gm("export %s --run 1 -o %s", db, JSON), 0);
	long long whole = exported_events();
	assert_true(whole > 100000);
	int killed = 0, partial_whole = 0;
	for (int delay_ms = 60; delay_ms <= 480; delay_ms += 60) {
		unlink(db);
		char cmd[1024];
		snprintf(cmd, sizeof cmd, "%s %s -o %s >/dev/null 2>&1 & pid=$!; sleep %d.%03d; "
			 "kill -9 $pid 2>/dev/null; wait $pid; echo $?",
			 tu_gmpsim(), run, db, delay_ms / 1000, delay_ms % 1000);
		assert_int_equal(tu_popen(cmd, out, sizeof out), 0);
		bool was_killed = atoi(out) == 128 + SIGKILL;
		if (!was_killed)
			assert_int_equal(atoi(out), 0);
		killed += was_killed;
		/* a database at -o is whole (a kill after the rename, while the
		 * process frees its memory, still leaves one); else what the
		 * partial file holds exports whole or not at all */
		bool at_target = exists(db);
		if (!was_killed)
			assert_true(at_target);
		unlink(JSON);
		int rc = gm("export %s --run 1 -o %s", at_target ? db : partial, JSON);
		if (rc == 0 && exported_events() != whole)
			fail_msg("after %d ms: export accepted %lld events of %lld", delay_ms, exported_events(), whole);
		if (rc != 0 && (at_target || exists(JSON)))
			fail_msg("after %d ms: export: exit %d: %s", delay_ms, rc, out);
		partial_whole += was_killed && !at_target && rc == 0;
		unlink(partial);
		unlink(JSON);
	}
	unlink(db);
	print_message("killed %d of 8 traced runs (the rest finished first); %d left a committed, whole run\n",
		      killed, partial_whole);
	assert_true(killed > 0);
}

static int setup(void **state)
{
	(void)state;
	scratch = tu_scratch("trace-codec");
	snprintf(DB, sizeof DB, "%s/t.db", scratch);
	snprintf(JSON, sizeof JSON, "%s/t.json", scratch);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rm_rf(scratch);
	free(scratch);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codec_round_trips_extremes),
		cmocka_unit_test(test_codec_refuses_damaged_chunks),
		cmocka_unit_test(test_tables_give_back_the_records),
		cmocka_unit_test(test_export_has_every_decoded_span),
		cmocka_unit_test(test_partial_trace_is_refused),
		cmocka_unit_test(test_killed_traced_run_leaves_nothing_exportable),
	};
	return cmocka_run_group_tests_name("trace_codec", tests, setup, teardown);
}
