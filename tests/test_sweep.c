/* tests/test_sweep.c — sweeps end to end through ./gmpsim (shortened
 * scenarios/10k_rps.yaml and a tiny YAML with a sweep: section): run
 * count and numbering, --list and --run, a sweep split in
 * three with --run and merged equal to the whole, -j 1 and -j 2 equal,
 * --resume, Ctrl-C leaving a valid database, bad axes and bad inputs. */
#include "testutil.h"
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* the three models the sweep mechanics below count on (10k_rps also runs eventloop) */
#define SHORT "scenarios/10k_rps.yaml --set duration=200ms --set warmup=50ms --model gmp --model threads --model pool"
/* 2 x 2 points x 3 models x 2 reps = 24 runs */
#define GRID SHORT " --set models.gmp.gomaxprocs=1,2 --set machine.numa.nodes=1..2 --reps 2 -q"

static int run_ok(const char *fmt, const char *a, const char *b)
{
	char args[2048];
	static char out[1 << 16];
	snprintf(args, sizeof args, fmt, a, b);
	int rc = tu_run_gmpsim(args, out, sizeof out);
	if (rc != 0)
		fprintf(stderr, "gmpsim %s -> %d\n%s\n", args, rc, out);
	return rc;
}

static bool exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

static void hash(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		*h = (*h ^ b[i]) * 0x100000001b3ULL;
}

/* A digest of a database's content: every table but the wall-clock
 * columns (runs.wall_s, runs.created_at), rows in a fixed order. */
static uint64_t content(const char *db)
{
	static const char *const sql[] = {
		"SELECT run_id, scenario, model, seed, rep, point_id, status, error, sim_ns, events, version, run_number FROM runs ORDER BY run_id",
		"SELECT run_id, key, value FROM params ORDER BY run_id, key",
		"SELECT run_id, name, value, unit FROM metrics ORDER BY run_id, name",
		"SELECT run_id, name, lo, hi, count FROM histograms ORDER BY run_id, name, lo",
		"SELECT run_id, name, t_ns, value FROM timeseries ORDER BY run_id, name, t_ns",
		"SELECT key, value FROM meta ORDER BY key",
		"SELECT position, key, nvalues FROM sweep_axes ORDER BY position",
	};
	uint64_t h = 0xcbf29ce484222325ULL;
	sqlite3 *d;
	assert_int_equal(sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	for (size_t q = 0; q < sizeof sql / sizeof sql[0]; q++) {
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(d, sql[q], -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(st); c++) {
				const unsigned char *t = sqlite3_column_text(st, c);
				hash(&h, t ? (const char *)t : "\1NULL", t ? (size_t)sqlite3_column_bytes(st, c) : 5);
				hash(&h, "\0", 1);
			}
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(d);
	return h;
}

/* ---- numbering and --list ---------------------------------------------------------- */

/* The fields of --list line n (after the header): run, point, model, rep,
 * seed, axis values. */
struct row { long run, point, rep; char model[16]; long long seed; int gmp, nodes; };

static int parse_list(const char *out, struct row *rows, int max)
{
	const char *l = strchr(out, '\n');
	int n = 0;
	while (l && l[1] && n < max) {
		struct row *r = &rows[n];
		if (sscanf(l + 1, "%ld\t%ld\t%15s\t%ld\t%lld\t%d\t%d", &r->run, &r->point, r->model, &r->rep,
			   &r->seed, &r->gmp, &r->nodes) != 7)
			break;
		n++;
		l = strchr(l + 1, '\n');
	}
	return n;
}

static void test_numbering_and_list(void **state)
{
	(void)state;
	static char out[1 << 16];
	struct row rows[64];
	assert_int_equal(tu_run_gmpsim("sweep " SHORT " --set models.gmp.gomaxprocs=1,2,4 --set machine.numa.nodes=1..2 "
				 "--reps 2 --list", out, sizeof out), 0);
	assert_non_null(strstr(out, "run\tpoint\tmodel\trep\tseed\tmodels.gmp.gomaxprocs\tmachine.numa.nodes"));
	int n = parse_list(out, rows, 64);
	assert_int_equal(n, 3 * 2 * 3 * 2); /* points x models x reps */
	const char *models[] = { "gmp", "threads", "pool" };
	for (int i = 0; i < n; i++) {
		assert_int_equal(rows[i].run, i + 1);            /* run ids, from 1 as query/plot/export */
		assert_int_equal(rows[i].rep, i % 2);           /* repetition innermost */
		assert_string_equal(rows[i].model, models[i / 2 % 3]);
		assert_int_equal(rows[i].point, i / 6);
		int gmp_values[] = { 1, 2, 4 };                  /* first axis slowest */
		assert_int_equal(rows[i].gmp, gmp_values[rows[i].point / 2]);
		assert_int_equal(rows[i].nodes, 1 + rows[i].point % 2);
		/* common random numbers: the seed depends on the repetition only */
		assert_true(rows[i].seed == rows[i % 2].seed);
	}
	assert_true(rows[0].seed == 1); /* rep 0: the scenario's seed */
	assert_true(rows[1].seed != rows[0].seed);
	/* the same scenario and sweep numbers the runs the same way every time */
	static char again[1 << 16];
	assert_int_equal(tu_run_gmpsim("sweep " SHORT " --set models.gmp.gomaxprocs=1,2,4 --set machine.numa.nodes=1..2 "
				 "--reps 2 --list", again, sizeof again), 0);
	assert_string_equal(out, again);
}

static void test_run_filters(void **state)
{
	(void)state;
	static char out[1 << 16];
	struct row rows[64];
	assert_int_equal(tu_run_gmpsim("sweep " GRID " --list --run 3", out, sizeof out), 0);
	assert_int_equal(parse_list(out, rows, 64), 1);
	assert_int_equal(rows[0].run, 3);
	assert_int_equal(tu_run_gmpsim("sweep " GRID " --list --run 1-10", out, sizeof out), 0);
	assert_int_equal(parse_list(out, rows, 64), 10);
	assert_int_equal(rows[0].run, 1);
	assert_int_equal(rows[9].run, 10);
	assert_int_equal(tu_run_gmpsim("sweep " GRID " --list --run 1,4,7", out, sizeof out), 0);
	assert_int_equal(parse_list(out, rows, 64), 3);
	assert_int_equal(rows[1].run, 4);
	assert_int_equal(rows[2].run, 7);
	assert_int_equal(tu_run_gmpsim("sweep " GRID " --list --run 24", out, sizeof out), 0);
	assert_int_equal(tu_run_gmpsim("sweep " GRID " --list --run 25", out, sizeof out), 2);
	assert_non_null(strstr(out, "--run 25: run 25 is out of range (runs are numbered from 1) (this sweep has 24 runs: 1-24)"));
	assert_int_equal(tu_run_gmpsim("sweep " GRID " --list --run 0", out, sizeof out), 2);
	assert_non_null(strstr(out, "run 0 is out of range"));
	assert_int_equal(tu_run_gmpsim("sweep " GRID " --list --run x", out, sizeof out), 2);
	assert_non_null(strstr(out, "--run x"));
	assert_int_equal(tu_run_gmpsim("sweep " GRID " --list --run 5-2", out, sizeof out), 2);
	assert_int_equal(tu_run_gmpsim("sweep " GRID " --list --run 1,", out, sizeof out), 2);
}

/* One way to print a seed: --list prints the seed as runs.seed stores it
 * (signed 64-bit), and that text pasted into --seed (sweep and plain run)
 * gives a run with exactly that seed. Rep 1's seed is SplitMix64-derived,
 * so about half of them have the top bit set: seed 1 rep 1 does (it is
 * asserted), which is the case that printed differently before. */
/* one gmp run of the shortened scenario */
#define ONE_GMP "scenarios/10k_rps.yaml --set duration=200ms --set warmup=50ms -q --model gmp"

static void test_seed_printed_as_stored(void **state)
{
	(void)state;
	static char out[1 << 16];
	struct row rows[64];
	const char *db = "build/tmp/gmpsim-sweep-seed.db";
	assert_int_equal(tu_run_gmpsim("sweep " GRID " --list --run 2", out, sizeof out), 0);
	assert_int_equal(parse_list(out, rows, 64), 1);
	assert_int_equal(rows[0].rep, 1);
	assert_true(rows[0].seed < 0); /* the top bit set: signed, as SQLite stores it */
	assert_int_equal(run_ok("sweep " GRID " -o %s --run 2%s", db, ""), 0);
	char sql[256];
	snprintf(sql, sizeof sql, "select count(*) from runs where run_id = 2 and seed = %lld", rows[0].seed);
	assert_int_equal(tu_query_double(db, sql), 1);
	snprintf(sql, sizeof sql, "select count(*) from params where run_id = 2 and key = 'seed' and value = '%lld'",
		 rows[0].seed);
	assert_int_equal(tu_query_double(db, sql), 1);
	/* pasted back into --seed, the printed text selects that very seed */
	char args[512];
	snprintf(args, sizeof args, ONE_GMP " --seed %lld --force -o %s", rows[0].seed, db);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	snprintf(sql, sizeof sql, "select count(*) from runs where seed = %lld", rows[0].seed);
	assert_int_equal(tu_query_double(db, sql), 1);
	/* its unsigned spelling is the same 64 bits */
	snprintf(args, sizeof args, ONE_GMP " --seed %llu -o %s", (unsigned long long)rows[0].seed, db);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	assert_int_equal(tu_query_double(db, sql), 1);
	assert_int_equal(tu_run_gmpsim(ONE_GMP " --seed 1x", out, sizeof out), 2);
	assert_non_null(strstr(out, "--seed: expected a 64-bit integer"));
	unlink(db);
}

/* ---- running: split + merge, -j, the database ---------------------------------------- */

static void test_split_merge_equals_whole(void **state)
{
	(void)state;
	const char *whole = "build/tmp/gmpsim-sweep-whole.db", *merged = "build/tmp/gmpsim-sweep-merged.db";
	const char *parts[] = { "build/tmp/gmpsim-sweep-p0.db", "build/tmp/gmpsim-sweep-p1.db", "build/tmp/gmpsim-sweep-p2.db" };
	const char *ranges[] = { "1-8", "9,10,11-16", "17-24" };
	assert_int_equal(run_ok("sweep " GRID " -o %s%s", whole, ""), 0);
	assert_int_equal(tu_query_double(whole, "select count(*) from runs where status='complete'"), 24);
	assert_int_equal(tu_query_double(whole, "select count(*) from runs where run_id = run_number + 1"), 24);
	assert_int_equal(tu_query_double(whole, "select count(distinct seed) from runs"), 2);
	assert_int_equal(tu_query_double(whole, "select count(*) from sweep_axes"), 2);
	assert_int_equal(tu_query_double(whole, "select value from meta where key='schema_version'"), 2);
	/* the swept values are the runs' parameters */
	assert_int_equal(tu_query_double(whole, "select value from params p join runs r using(run_id) "
			       "where r.run_number = 18 and key = 'models.gmp.gomaxprocs'"), 2);
	assert_int_equal(tu_query_double(whole, "select value from params p join runs r using(run_id) "
			       "where r.run_number = 18 and key = 'machine.numa.nodes'"), 2);
	assert_int_equal(tu_query_double(whole, "select count(*) from sweep_values"), 24 * 2);
	assert_int_equal(tu_query_double(whole, "select value from sweep_values where run_number = 13 and position = 1"), 1);
	for (int i = 0; i < 3; i++)
		assert_int_equal(run_ok("sweep " GRID " -o %s --run %s", parts[i], ranges[i]), 0);
	assert_int_equal(tu_query_double(parts[1], "select count(*) from runs"), 8);
	char args[1024], out[4096];
	snprintf(args, sizeof args, "merge %s %s %s %s", merged, parts[2], parts[0], parts[1]);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	assert_true(content(merged) == content(whole));
	/* a run present twice with the same content is fine */
	snprintf(args, sizeof args, "merge -q %s %s %s", merged, parts[0], whole);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	assert_true(content(merged) == content(whole));
	/* ... with different content it is not */
	sqlite3 *h;
	assert_int_equal(sqlite3_open(parts[0], &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "update metrics set value = value + 1 where name = 'throughput' "
				      "and run_id = 3", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	unlink(merged);
	snprintf(args, sizeof args, "merge %s %s %s", merged, parts[0], whole);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 2);
	assert_non_null(strstr(out, "run 2 is in"));
	assert_non_null(strstr(out, "different content"));
	assert_false(exists(merged));
	for (int i = 0; i < 3; i++)
		unlink(parts[i]);
	unlink(whole);
}

static void test_jobs_identical(void **state)
{
	(void)state;
	const char *a = "build/tmp/gmpsim-sweep-j1.db", *b = "build/tmp/gmpsim-sweep-j2.db";
	assert_int_equal(run_ok("sweep " GRID " -o %s -j 1%s", a, ""), 0);
	assert_int_equal(run_ok("sweep " GRID " -o %s -j 2%s", b, ""), 0);
	assert_int_equal(tu_query_double(b, "select count(*) from runs where status='complete'"), 24);
	assert_true(content(a) == content(b));
	/* another base seed gives other results */
	assert_int_equal(run_ok("sweep " GRID " -o %s --seed 7%s", b, " --force"), 0);  /* another sweep */
	assert_true(content(a) != content(b));
	assert_int_equal(tu_query_double(b, "select seed from runs where run_number = 0"), 7);
	unlink(a);
	unlink(b);
}

/* A digest of everything but the reuse markers (and the fingerprint,
 * which records --no-reuse). */
static uint64_t content_unmarked(const char *db)
{
	static const char *const sql[] = {
		"SELECT run_id, scenario, model, seed, rep, point_id, status, error, sim_ns, events, version, run_number FROM runs ORDER BY run_id",
		"SELECT run_id, key, value FROM params WHERE key NOT GLOB 'sweep.*' ORDER BY run_id, key",
		"SELECT run_id, name, value, unit FROM metrics ORDER BY run_id, name",
		"SELECT run_id, name, lo, hi, count FROM histograms ORDER BY run_id, name, lo",
		"SELECT run_id, name, t_ns, value FROM timeseries ORDER BY run_id, name, t_ns",
	};
	uint64_t h = 0xcbf29ce484222325ULL;
	sqlite3 *d;
	assert_int_equal(sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	for (size_t q = 0; q < sizeof sql / sizeof sql[0]; q++) {
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(d, sql[q], -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW)
			for (int c = 0; c < sqlite3_column_count(st); c++) {
				const unsigned char *t = sqlite3_column_text(st, c);
				hash(&h, t ? (const char *)t : "\1NULL", t ? (size_t)sqlite3_column_bytes(st, c) : 5);
				hash(&h, "\0", 1);
			}
		sqlite3_finalize(st);
	}
	sqlite3_close(d);
	return h;
}

/* Reuse: on GRID, threads and pool do not read models.gmp.gomaxprocs, so
 * their runs at gomaxprocs=2 (points 2, 3) share the gomaxprocs=1 runs'
 * results: 2 points x 2 models x 2 reps = 8 runs copied, each marked with
 * the run_id it copies (point p-2, same model and rep: 12 runs earlier).
 * The rows are the simulated ones exactly: with --no-reuse (every run
 * simulated) and with -j 2 the database differs only in those markers. */
static void test_reuse_across_other_models_axis(void **state)
{
	(void)state;
	const char *a = "build/tmp/gmpsim-sweep-reuse.db", *b = "build/tmp/gmpsim-sweep-noreuse.db",
		   *c = "build/tmp/gmpsim-sweep-reuse-j2.db";
	static char out[1 << 16];
	char args[1024];
	snprintf(args, sizeof args, "sweep " GRID " -o %s", a);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	assert_int_equal(run_ok("sweep " GRID " -o %s --no-reuse%s", b, ""), 0);
	assert_int_equal(run_ok("sweep " GRID " -o %s -j 2%s", c, ""), 0);
	assert_int_equal(tu_query_double(a, "select count(*) from params where key = 'sweep.shared_with_run'"), 8);
	assert_int_equal(tu_query_double(a, "select count(*) from params p join runs r using(run_id) "
			       "where key = 'sweep.shared_with_run' and 0+value = run_id - 12 and model != 'gmp' "
			       "and point_id >= 2"), 8);
	assert_int_equal(tu_query_double(b, "select count(*) from params where key GLOB 'sweep.*'"), 0);
	/* the marker is bookkeeping, not a swept parameter */
	assert_int_equal(tu_query_double(a, "select count(*) from swept_params where key GLOB 'sweep.*'"), 0);
	assert_int_equal(tu_query_double(a, "select count(distinct key) from swept_params where model = 'threads'"), 3);
	assert_int_equal(tu_query_double(a, "select count(*) from runs where status = 'complete'"), 24);
	assert_true(content_unmarked(a) == content_unmarked(b));
	assert_true(content(a) == content(c));
	/* --resume refuses to mix the two, naming the difference */
	snprintf(args, sizeof args, "sweep " GRID " -o %s --resume --no-reuse", a);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 2);
	assert_non_null(strstr(out, "shared runs on there, off here (--no-reuse)"));
	/* a part that has the shared run but not the one it copies simulates it, marked the same */
	assert_int_equal(run_ok("sweep " GRID " -o %s --run 15 --force%s", b, ""), 0);
	assert_int_equal(tu_query_double(b, "select 0+value from params where run_id = 15 and "
			       "key = 'sweep.shared_with_run'"), 3);
	unlink(a);
	unlink(b);
	unlink(c);
}

/* The end-of-sweep report is a pivot table: one row per point with the
 * swept keys' values, the models' means with intervals and the paired
 * ratios; a key set by a swept one (cores_per_node follows the node
 * count) is named as derived, not as a column. */
static void test_pivot_table(void **state)
{
	(void)state;
	static char out[1 << 16];
	const char *db = "build/tmp/gmpsim-sweep-pivot.db";
	char args[1024];
	snprintf(args, sizeof args, "sweep " SHORT " --set models.gmp.gomaxprocs=1,2 --set machine.numa.nodes=1..2 "
		 "--reps 2 -o %s", db);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	const char *t = strstr(out, "sweep summary (throughput and p99 latency)");
	assert_non_null(t);
	const char *head = strstr(t, "\nmodels.gmp.gomaxprocs  machine.numa.nodes  gmp throughput");
	assert_non_null(head);
	assert_non_null(strstr(head, "threads \u00f7 gmp"));
	assert_non_null(strstr(head, "pool \u00f7 gmp"));
	/* four rows, in point order: 1 1, 1 2, 2 1, 2 2 */
	const char *row = strchr(head + 1, '\n') + 1;
	const char *want[] = { "1 1", "1 2", "2 1", "2 2" };
	for (int i = 0; i < 4; i++) {
		int g, n;
		assert_int_equal(sscanf(row, "%d %d", &g, &n), 2);
		char got[8];
		snprintf(got, sizeof got, "%d %d", g, n);
		assert_string_equal(got, want[i]);
		assert_non_null(strstr(row, "\u00b1"));
		row = strchr(row, '\n') + 1;
	}
	assert_int_equal(strncmp(row, "derived from the swept keys, not swept: machine.numa.cores_per_node\n", 68), 0);
	assert_null(strstr(head, "cores_per_node  ")); /* not a column */
	assert_null(strstr(out, " vs gmp: 2 paired reps")); /* the per-point report is gmpsim compare's */
	assert_non_null(strstr(out, "gmpsim compare build/tmp/gmpsim-sweep-pivot.db"));
	/* compare's point headers say derived too */
	snprintf(args, sizeof args, "compare %s", db);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	assert_non_null(strstr(out, "point 3: derived machine.numa.cores_per_node=4, machine.numa.nodes=2, "
				    "models.gmp.gomaxprocs=2 =="));
	unlink(db);
}

static void test_merge_bad_inputs(void **state)
{
	(void)state;
	const char *a = "build/tmp/gmpsim-sweep-ma.db", *b = "build/tmp/gmpsim-sweep-mb.db", *o = "build/tmp/gmpsim-sweep-mo.db";
	char args[1024], out[4096];
	assert_int_equal(run_ok("sweep " GRID " -o %s --run 1-3%s", a, ""), 0);
	assert_int_equal(run_ok("sweep " GRID " -o %s --run 3 --reps 3", b, ""), 0);
	unlink(o);
	snprintf(args, sizeof args, "merge %s %s %s", o, a, b);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 2);
	assert_non_null(strstr(out, "different sweep"));
	assert_non_null(strstr(out, b));
	char *junk = tu_write_temp("this is not a database at all, just text\n", ".db");
	snprintf(args, sizeof args, "merge %s %s %s", o, a, junk);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 2);
	assert_non_null(strstr(out, junk));
	assert_non_null(strstr(out, "not a gmpsim results database"));
	/* a damaged (truncated) database */
	char trunc[] = "build/tmp/gmpsim-sweep-trunc.db";
	snprintf(args, sizeof args, "head -c 8192 %s > %s", a, trunc);
	assert_int_equal(system(args), 0);
	snprintf(args, sizeof args, "merge %s %s %s", o, a, trunc);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 2);
	assert_non_null(strstr(out, trunc));
	assert_non_null(strstr(out, "damaged"));
	unlink(trunc);
	/* a plain run's database has no sweep fingerprint */
	snprintf(args, sizeof args, SHORT " -q --force -o %s", b);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	snprintf(args, sizeof args, "merge %s %s %s", o, a, b);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 2);
	assert_non_null(strstr(out, "no sweep fingerprint"));
	snprintf(args, sizeof args, "merge %s /nonexistent/x.db", o);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 2);
	assert_int_equal(tu_run_gmpsim("merge", out, sizeof out), 2);
	assert_false(exists(o));
	unlink(junk);
	free(junk);
	unlink(a);
	unlink(b);
}

static void test_resume(void **state)
{
	(void)state;
	const char *whole = "build/tmp/gmpsim-sweep-rw.db", *db = "build/tmp/gmpsim-sweep-rs.db";
	char out[4096];
	assert_int_equal(run_ok("sweep " GRID " -o %s%s", whole, ""), 0);
	assert_int_equal(run_ok("sweep " GRID " -o %s --run 1-5,11%s", db, ""), 0);
	assert_int_equal(tu_query_double(db, "select count(*) from runs"), 6);
	/* a resume with another sweep is refused and leaves the database alone */
	uint64_t before = content(db);
	char args[1024];
	snprintf(args, sizeof args, "sweep " GRID " -o %s --resume --reps 3", db);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 2);
	assert_non_null(strstr(out, "different sweep (reps 2 there, 3 here)"));
	snprintf(args, sizeof args, "sweep " GRID " -o %s --resume --set kernel.switch=4us", db);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 2);
	assert_non_null(strstr(out, "different sweep"));
	assert_true(content(db) == before);
	snprintf(args, sizeof args, "sweep " GRID " -o %s --resume", db);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	assert_int_equal(tu_query_double(db, "select count(*) from runs where status='complete'"), 24);
	assert_true(content(db) == content(whole));
	unlink(whole);
	unlink(db);
}

/* Starts gmpsim with argv in the background, output discarded. */
static pid_t spawn(char *const argv[])
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		freopen("/dev/null", "w", stdout);
		freopen("/dev/null", "w", stderr);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static void test_interrupt_keeps_valid_database(void **state)
{
	(void)state;
	const char *db = "build/tmp/gmpsim-sweep-int.db";
	unlink(db);
	/* run 0 simulates 100 ms (done at once), run 1 60 s (seconds of wall
	 * time): Ctrl-C lands in run 1 */
	char *argv[] = { (char *)tu_gmpsim(), "sweep", "scenarios/10k_rps.yaml", "--set", "duration=100ms,60s",
			 "--set", "warmup=50ms", "--model", "gmp", "-q", "-o", (char *)db, NULL };
	pid_t pid = spawn(argv);
	usleep(500 * 1000);
	kill(pid, SIGINT);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 130);
	assert_true(exists(db));
	assert_int_equal(tu_query_double(db, "select count(*) from runs"), 2);
	assert_int_equal(tu_query_double(db, "select count(*) from runs where run_number = 0 and status = 'complete'"), 1);
	assert_int_equal(tu_query_double(db, "select count(*) from runs where run_number = 1 and status = 'interrupted'"), 1);
	assert_true(tu_query_double(db, "select count(*) from metrics m join runs r using(run_id) where r.run_number = 0") > 10);
	assert_int_equal(tu_query_double(db, "select value from params p join runs r using(run_id) "
			       "where r.run_number = 1 and key = 'duration'"), 60e9);
	/* no temporary file is left beside it */
	char out[4096];
	FILE *f = popen("ls build/tmp/gmpsim-sweep-int.db.tmp-* 2>/dev/null | wc -l", "r");
	assert_non_null(f);
	assert_non_null(fgets(out, sizeof out, f));
	pclose(f);
	assert_int_equal(atoi(out), 0);
	/* resuming runs only the interrupted one */
	char args[1024];
	snprintf(args, sizeof args, "sweep scenarios/10k_rps.yaml --set duration=100ms,60s --set warmup=50ms "
		 "--model gmp -o %s --resume", db);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	assert_non_null(strstr(out, "1 run(s) to do: 1 complete"));
	assert_non_null(strstr(out, "1 kept from the database"));
	assert_int_equal(tu_query_double(db, "select count(*) from runs where status = 'complete'"), 2);
	unlink(db);
}

/* ---- bad input ------------------------------------------------------------------------ */

static void expect_error(const char *args, const char *words, const char *db)
{
	char out[4096];
	unlink(db);
	int rc = tu_run_gmpsim(args, out, sizeof out);
	if (rc != 2 || !strstr(out, words))
		fprintf(stderr, "gmpsim %s\n -> %d: %s\n(expected: %s)\n", args, rc, out, words);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(out, words));
	assert_false(exists(db));
}

static const char tiny[] =
	"name: tiny\n"
	"duration: 100ms\n"
	"machine: { cores: 4 }\n"
	"models: { gmp: {}, threads: {} }\n"
	"workload:\n"
	"  r:\n"
	"    arrival: { poisson: 1000/s }\n"
	"    program: [ { cpu: 100us }, { net: 1ms } ]\n"
	"sweep:\n"
	"  models.gmp.gomaxprocs: [1, 2, 4]\n"
	"  machine.numa.nodes: 1..2\n"
	"  workload.r.arrival: [ {poisson: 500/s}, {poisson: 2000/s} ]\n"
	"  reps: 2\n";

static void test_bad_axes(void **state)
{
	(void)state;
	const char *db = "build/tmp/gmpsim-sweep-bad.db";
	expect_error("sweep " SHORT " -o build/tmp/gmpsim-sweep-bad.db --set machine.corez=1,2",
		     "--set machine.corez=1:1:9: unknown key 'corez' in 'machine' (did you mean 'cores'?)", db);
	expect_error("sweep " SHORT " -o build/tmp/gmpsim-sweep-bad.db --set machine.cores=4,x",
		     "--set machine.cores=x:1:1: expected an integer, got 'x'", db);
	expect_error("sweep " SHORT " -o build/tmp/gmpsim-sweep-bad.db --set 'machine.cores=8..1'",
		     "--set machine.cores=8..1: empty range", db);
	expect_error("sweep " SHORT " -o build/tmp/gmpsim-sweep-bad.db --set 'machine.cores=1..8 step 0'",
		     "--set machine.cores=1..8 step 0: range: step must be > 0", db);
	expect_error("sweep " SHORT " -o build/tmp/gmpsim-sweep-bad.db --set machine.numa.nodes=1,3",
		     "--set machine.numa.nodes=3:1:1: machine.numa.nodes (3) must divide machine.cores (8)", db);
	expect_error("sweep " SHORT " -o build/tmp/gmpsim-sweep-bad.db --set seed=1,2", "'seed' cannot be swept", db);
	expect_error("sweep " SHORT " -o build/tmp/gmpsim-sweep-bad.db --reps 0", "--reps", db);
	expect_error("sweep " SHORT " -o build/tmp/gmpsim-sweep-bad.db -j x", "-j", db);
	expect_error(SHORT " -o build/tmp/gmpsim-sweep-bad.db --reps 2 --set machine.cores=1,2",
		     "use 'gmpsim sweep'", db);
	/* --trace is a single run's option: said so, not "unrecognized option" */
	expect_error(SHORT " -o build/tmp/gmpsim-sweep-bad.db --reps 2 --trace",
		     "--trace records one run's timeline: a sweep or --reps run records none", db);
	expect_error("sweep " SHORT " -o build/tmp/gmpsim-sweep-bad.db --trace-limit 9",
		     "--trace-limit records one run's timeline", db);
	/* the sweep: section: errors at the file's line and column */
	struct { const char *from, *to, *msg; } cases[] = {
		{ "[1, 2, 4]", "[1, x, 4]", ":10:30: sweep value for models.gmp.gomaxprocs: expected an integer, got 'x'" },
		{ "gomaxprocs:", "gomaxprocz:", ":10:14: unknown key 'gomaxprocz' in 'models.gmp'" },
		{ "nodes: 1..2", "nodes: 1..3", ":11:23: sweep value for machine.numa.nodes: machine.numa.nodes (3) must divide" },
		{ "nodes: 1..2", "nodes: 2..1", ":11:23: sweep.machine.numa.nodes: empty range" },
		{ "reps: 2", "reps: 0", ":13:9: sweep.reps: expected an integer" },
		{ "poisson: 500/s", "poisson: fast", ":12:25: sweep value for workload.r.arrival:" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char text[2048], args[1024], expect[512];
		const char *at = strstr(tiny, cases[i].from);
		assert_non_null(at);
		snprintf(text, sizeof text, "%.*s%s%s", (int)(at - tiny), tiny, cases[i].to, at + strlen(cases[i].from));
		char *yaml = tu_write_temp(text, ".yaml");
		snprintf(args, sizeof args, "sweep %s -o %s", yaml, db);
		snprintf(expect, sizeof expect, "%s%s", yaml, cases[i].msg);
		expect_error(args, expect, db);
		unlink(yaml);
		free(yaml);
	}
}

static void test_file_sweep_section(void **state)
{
	(void)state;
	char *yaml = tu_write_temp(tiny, ".yaml");
	const char *db = "build/tmp/gmpsim-sweep-file.db";
	static char out[1 << 16];
	char args[1024];
	/* 3 x 2 x 2 points x 2 models x 2 reps */
	assert_int_equal(run_ok("sweep %s -q -o %s", yaml, db), 0);
	assert_int_equal(tu_query_double(db, "select count(*) from runs where status = 'complete'"), 48);
	assert_int_equal(tu_query_double(db, "select count(*) from sweep_axes"), 3);
	assert_int_equal(tu_query_double(db, "select value from params p join runs r using(run_id) where r.run_number = 47 "
			       "and key = 'workload.r.arrival.poisson'"), 2000);
	/* a --set list replaces the file's axis of that key, a plain --set removes it */
	snprintf(args, sizeof args, "sweep %s --list --set models.gmp.gomaxprocs=3,4 --set machine.numa.nodes=2 "
		 "--reps 1", yaml);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	assert_non_null(strstr(out, "run\tpoint\tmodel\trep\tseed\tmodels.gmp.gomaxprocs\tworkload.r.arrival\n"));
	int n = 0;
	for (const char *l = strchr(out, '\n'); l && l[1]; l = strchr(l + 1, '\n'))
		n++;
	assert_int_equal(n, 2 * 2 * 2);
	/* the plain command ignores the sweep: section: one point, run number = model index */
	assert_int_equal(run_ok("%s -q --force -o %s", yaml, db), 0);  /* over the sweep's database */
	assert_int_equal(tu_query_double(db, "select count(*) from runs"), 2);
	assert_int_equal(tu_query_double(db, "select run_number from runs where model = 'threads'"), 1);
	unlink(yaml);
	free(yaml);
	unlink(db);
}

static void test_plain_reps(void **state)
{
	(void)state;
	const char *db = "build/tmp/gmpsim-sweep-plain.db";
	assert_int_equal(run_ok(SHORT " --reps 3 -q -o %s%s", db, ""), 0);
	assert_int_equal(tu_query_double(db, "select count(*) from runs where status = 'complete'"), 9);
	assert_int_equal(tu_query_double(db, "select count(distinct seed) from runs"), 3);
	assert_int_equal(tu_query_double(db, "select count(*) from runs where seed = 1 and rep = 0"), 3);
	assert_int_equal(tu_query_double(db, "select max(point_id) from runs"), 0);
	assert_int_equal(tu_query_double(db, "select run_number from runs where model = 'threads' and rep = 2"), 5);
	/* the repetitions of one model differ */
	assert_true(tu_query_double(db, "select count(distinct value) from metrics m join runs r using(run_id) "
			  "where r.model = 'threads' and m.name = 'latency_mean'") == 3);
	unlink(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbering_and_list),
		cmocka_unit_test(test_run_filters),
		cmocka_unit_test(test_seed_printed_as_stored),
		cmocka_unit_test(test_split_merge_equals_whole),
		cmocka_unit_test(test_jobs_identical),
		cmocka_unit_test(test_reuse_across_other_models_axis),
		cmocka_unit_test(test_pivot_table),
		cmocka_unit_test(test_merge_bad_inputs),
		cmocka_unit_test(test_resume),
		cmocka_unit_test(test_interrupt_keeps_valid_database),
		cmocka_unit_test(test_bad_axes),
		cmocka_unit_test(test_file_sweep_section),
		cmocka_unit_test(test_plain_reps),
	};
	return cmocka_run_group_tests_name("sweep", tests, NULL, NULL);
}
