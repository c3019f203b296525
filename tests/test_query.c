/* tests/test_query.c — `gmpsim query` end to end on a sweep database the
 * test writes itself (tests/testdb.h) and on a short real run: the sweep
 * view's means and standard deviations, CSV and JSON round trips, the
 * aligned table, read-only enforcement, TEMP views for old databases, and
 * one-line errors for missing, damaged and foreign files. */
#include "testdb.h"
#include "qdb.h"
#include <math.h>
#include <sqlite3.h>
#include <sys/stat.h>

static char out[1 << 20];
static char dir[] = "build/tmp/gmpsim-test-query-XXXXXX";
static char sweep_db[128];

/* A path in the suite's own directory (so parallel runs do not collide). */
static const char *in_dir(const char *name)
{
	static char paths[8][160];
	static int next;
	char *p = paths[next++ % 8];
	snprintf(p, sizeof paths[0], "%s/%s", dir, name);
	return p;
}

/* ---- a small RFC 4180 reader: the test's own, to check the writer ---- */

enum { CSV_MAX_ROWS = 64, CSV_MAX_COLS = 32 };
struct csv { int nrows, ncols[CSV_MAX_ROWS]; char *f[CSV_MAX_ROWS][CSV_MAX_COLS]; };

static void csv_parse(const char *s, struct csv *c)
{
	memset(c, 0, sizeof *c);
	while (*s && c->nrows < CSV_MAX_ROWS) {
		int r = c->nrows++;
		for (;;) {
			char *field = calloc(1, strlen(s) + 1), *o = field;
			if (*s == '"') {
				for (s++; *s && !(*s == '"' && s[1] != '"'); s++) {
					if (*s == '"')
						s++;
					*o++ = *s;
				}
				assert_int_equal(*s, '"');
				s++;
			} else {
				while (*s && *s != ',' && *s != '\r' && *s != '\n')
					*o++ = *s++;
			}
			assert_true(c->ncols[r] < CSV_MAX_COLS);
			c->f[r][c->ncols[r]++] = field;
			if (*s == ',') {
				s++;
				continue;
			}
			assert_int_equal(*s, '\r'); /* RFC 4180: CRLF */
			assert_int_equal(s[1], '\n');
			s += 2;
			break;
		}
	}
}

static void csv_free(struct csv *c)
{
	for (int r = 0; r < c->nrows; r++)
		for (int i = 0; i < c->ncols[r]; i++)
			free(c->f[r][i]);
}

static int csv_col(const struct csv *c, const char *name)
{
	for (int i = 0; i < c->ncols[0]; i++)
		if (strcmp(c->f[0][i], name) == 0)
			return i;
	return -1;
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(sweep_db, sizeof sweep_db, "%s/sweep.db", dir);
	td_make_sweep(sweep_db);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

static double mean_sd(double *v, int n, double *sd)
{
	double m = 0, ss = 0;
	for (int i = 0; i < n; i++)
		m += v[i] / n;
	for (int i = 0; i < n; i++)
		ss += (v[i] - m) * (v[i] - m);
	*sd = sqrt(ss / (n - 1));
	return m;
}

/* ---- tests ----------------------------------------------------------------------- */

static void test_sweep_report(void **state)
{
	(void)state;
	char args[256];
	snprintf(args, sizeof args, "query %s sweep --csv", sweep_db);
	assert_int_equal(td_run("", args, 0, out, sizeof out), 0);
	struct csv c;
	csv_parse(out, &c);
	assert_int_equal(c.nrows, 1 + TD_NPOINTS * 2);
	int procs = csv_col(&c, "models.gmp.gomaxprocs"), nodes = csv_col(&c, "machine.numa.nodes");
	int point = csv_col(&c, "point_id"), model = csv_col(&c, "model"), n = csv_col(&c, "n");
	int thr = csv_col(&c, "throughput_mean"), thr_sd = csv_col(&c, "throughput_sd");
	int p99 = csv_col(&c, "p99_ms_mean");
	assert_true(procs >= 0 && nodes >= 0 && point >= 0 && model >= 0 && n >= 0 && thr >= 0 && thr_sd >= 0 && p99 >= 0);
	assert_int_equal(csv_col(&c, "seed"), -1);          /* varies with the repetition: not swept */
	assert_int_equal(csv_col(&c, "machine.cores"), -1); /* the same everywhere */
	assert_int_equal(csv_col(&c, "model:1"), -1);
	for (int r = 1; r < c.nrows; r++) {
		int p = atoi(c.f[r][point]), m = strcmp(c.f[r][model], "gmp") == 0 ? 0 : 1;
		double thrv[TD_REPS], p99v[TD_REPS], sd, unused;
		for (int rep = 0; rep < TD_REPS; rep++) {
			thrv[rep] = td_throughput(p, rep, m);
			p99v[rep] = td_p99_ns(p, rep, m) / 1e6;
		}
		assert_int_equal(atoi(c.f[r][procs]), td_procs(p));
		assert_int_equal(atoi(c.f[r][nodes]), td_nodes(p));
		assert_int_equal(atoi(c.f[r][n]), TD_REPS); /* the failed run is not counted */
		double m_thr = mean_sd(thrv, TD_REPS, &sd);
		assert_true(fabs(strtod(c.f[r][thr], NULL) - m_thr) < 1e-9 * m_thr);
		assert_true(fabs(strtod(c.f[r][thr_sd], NULL) - sd) < 1e-9 * m_thr);
		assert_true(fabs(strtod(c.f[r][p99], NULL) - mean_sd(p99v, TD_REPS, &unused)) < 1e-9);
	}
	csv_free(&c);
}

static void test_views_exist_for_sqlite3_users(void **state)
{
	(void)state;
	assert_int_equal(tu_query_double(sweep_db, "select count(*) from sweep"), TD_NPOINTS * 2);
	assert_int_equal(tu_query_double(sweep_db, "select count(distinct key) from swept_params"), 2);
	assert_int_equal(tu_query_double(sweep_db, "select count(*) from sqlite_master where type='view'"), qdb_view_count());
	assert_true(qdb_view_count() >= 5);
	/* a single point sweeps nothing: sd is NULL below two repetitions */
	assert_int_equal(tu_query_double(sweep_db, "select count(*) from sweep where params is null"), 0);
}

static const char *special_sql =
	"\"select 1.5 as a, 'x,\\\"y\\\"' as b, null as c, 0.1 as d, 'two' || char(10) || 'lines' as e,"
	" 123456789012345 as f, -2.5e-300 as g, char(9) || 'tab\\\\' as h\"";

static void test_csv_round_trip(void **state)
{
	(void)state;
	char args[512];
	snprintf(args, sizeof args, "query %s %s --csv", sweep_db, special_sql);
	assert_int_equal(td_run("", args, 0, out, sizeof out), 0);
	struct csv c;
	csv_parse(out, &c);
	assert_int_equal(c.nrows, 2);
	assert_int_equal(c.ncols[1], 8);
	assert_string_equal(c.f[0][0], "a");
	assert_true(strtod(c.f[1][0], NULL) == 1.5);
	assert_string_equal(c.f[1][1], "x,\"y\"");
	assert_string_equal(c.f[1][2], "");
	assert_true(strtod(c.f[1][3], NULL) == 0.1); /* full precision: reads back exactly */
	assert_string_equal(c.f[1][4], "two\nlines");
	assert_string_equal(c.f[1][5], "123456789012345");
	assert_true(strtod(c.f[1][6], NULL) == -2.5e-300);
	assert_string_equal(c.f[1][7], "\ttab\\");
	csv_free(&c);
}

static void test_json_output(void **state)
{
	(void)state;
	char args[512];
	snprintf(args, sizeof args, "query %s %s --json", sweep_db, special_sql);
	assert_int_equal(td_run("", args, 0, out, sizeof out), 0);
	assert_string_equal(out, "[\n {\"a\": 1.5, \"b\": \"x,\\\"y\\\"\", \"c\": null, \"d\": 0.1, "
			    "\"e\": \"two\\nlines\", \"f\": 123456789012345, \"g\": -2.5e-300, \"h\": \"\\ttab\\\\\"}\n]\n");
	/* numbers read back as the stored doubles */
	snprintf(args, sizeof args, "query %s summary --run 2 --json", sweep_db);
	assert_int_equal(td_run("", args, 0, out, sizeof out), 0);
	const char *t = strstr(out, "\"throughput\": ");
	assert_non_null(t);
	double stored = tu_query_double(sweep_db, "select value from metrics where run_id = 2 and name = 'throughput'");
	assert_true(strtod(t + strlen("\"throughput\": "), NULL) == stored);
	assert_non_null(strstr(out, "\"error\": null"));
	assert_int_equal(out[0], '[');
	assert_null(strstr(out + 1, "\"run_id\": 1,")); /* --run 2 only */
	/* UTF-8 passes through; bytes that are not UTF-8 become U+FFFD */
	snprintf(args, sizeof args, "query %s \"select 'caf\xc3\xa9' as ok, cast(x'ff41' as text) as bad\" --json", sweep_db);
	assert_int_equal(td_run("", args, 0, out, sizeof out), 0);
	assert_string_equal(out, "[\n {\"ok\": \"caf\xc3\xa9\", \"bad\": \"\\ufffdA\"}\n]\n");
	/* an empty result is an empty array */
	snprintf(args, sizeof args, "query %s \"select * from runs where run_id < 0\" --json", sweep_db);
	assert_int_equal(td_run("", args, 0, out, sizeof out), 0);
	assert_string_equal(out, "[]\n");
}

/* Numbers right-aligned, text left-aligned, NULL as -, a precision per column. */
static void test_aligned_table(void **state)
{
	(void)state;
	char args[512];
	snprintf(args, sizeof args, "query %s \"select model, run_id, null as nada, "
		 "throughput from summary where run_id in (1, 2, 3) order by run_id\"", sweep_db);
	assert_int_equal(td_run("", args, 0, out, sizeof out), 0);
	char *lines[8] = { 0 };
	int n = 0;
	for (char *s = strtok(out, "\n"); s && n < 8; s = strtok(NULL, "\n"))
		lines[n++] = s;
	assert_int_equal(n, 5); /* header, rule, 3 rows */
	assert_true(strncmp(lines[0], "model", 5) == 0);
	assert_true(strspn(lines[1], "- ") == strlen(lines[1]));
	/* numbers are right-aligned: every row ends at the header's width */
	size_t width = strlen(lines[0]);
	for (int i = 2; i < n; i++)
		assert_int_equal(strlen(lines[i]), width);
	/* text left-aligned, NULL as '-' */
	assert_true(strncmp(lines[2], "gmp ", 4) == 0);
	assert_true(strncmp(lines[3], "threads ", 8) == 0);
	assert_non_null(strstr(lines[2], " - "));
	/* one precision per column: 1503 shows as 1503.0 beside 1540.25 */
	char want[64];
	snprintf(want, sizeof want, " %.1f", td_throughput(0, 0, 0));
	assert_non_null(strstr(lines[2], want));
	snprintf(want, sizeof want, " %.1f", td_throughput(0, 1, 0));
	assert_non_null(strstr(lines[4], want));
}

static void test_read_only(void **state)
{
	(void)state;
	struct stat before, after;
	assert_int_equal(stat(sweep_db, &before), 0);
	static const char *const writes[] = {
		"\"delete from runs\"", "\"drop view summary\"", "\"create temp table t(a)\"",
		"\"insert into meta values ('x', 'y')\"", "\"update metrics set value = 0\"",
	};
	char args[512];
	for (size_t i = 0; i < sizeof writes / sizeof writes[0]; i++) {
		snprintf(args, sizeof args, "query %s %s", sweep_db, writes[i]);
		assert_int_equal(td_run("", args, 1, out, sizeof out), 2);
		assert_non_null(strstr(out, "read-only"));
		assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out)); /* one line */
	}
	assert_int_equal(stat(sweep_db, &after), 0);
	assert_int_equal(before.st_size, after.st_size);
	assert_true(before.st_mtim.tv_sec == after.st_mtim.tv_sec && before.st_mtim.tv_nsec == after.st_mtim.tv_nsec);
	assert_int_equal(tu_query_double(sweep_db, "select count(*) from runs"), TD_NPOINTS * TD_REPS * 2 + 1);
}

static void expect_error(const char *args, const char *needle1, const char *needle2)
{
	assert_int_equal(td_run("", args, 1, out, sizeof out), 2);
	if (!strstr(out, needle1) || (needle2 && !strstr(out, needle2)))
		fail_msg("'%s' printed: %s", args, out);
	assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out));
}

static void test_bad_files(void **state)
{
	(void)state;
	char args[512];
	const char *missing = in_dir("missing.db");
	snprintf(args, sizeof args, "query %s", missing);
	expect_error(args, missing, "No such file");

	char *garbage = tu_write_temp("this is not a database, just some text that goes on and on\n", ".db");
	snprintf(args, sizeof args, "query %s", garbage);
	expect_error(args, garbage, "not an SQLite database");

	char *empty = tu_write_temp("", ".db");
	snprintf(args, sizeof args, "query %s", empty);
	expect_error(args, empty, "not a gmpsim results database");

	const char *foreign = in_dir("foreign.db");
	unlink(foreign);
	sqlite3 *h;
	assert_int_equal(sqlite3_open(foreign, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "create table meta(key, value); create table t(a)", 0, 0, 0), SQLITE_OK);
	sqlite3_close(h);
	snprintf(args, sizeof args, "query %s summary", foreign);
	expect_error(args, foreign, "not a gmpsim results database");

	/* a real database cut to a third: damaged */
	const char *cut = in_dir("cut.db");
	td_make_sweep(cut);
	struct stat st;
	assert_int_equal(stat(cut, &st), 0);
	assert_int_equal(truncate(cut, st.st_size / 3), 0);
	snprintf(args, sizeof args, "query %s \"select sum(value) from metrics\"", cut);
	expect_error(args, cut, "damaged");
	unlink(cut);
	unlink(foreign);
	unlink(garbage);
	unlink(empty);
	free(garbage);
	free(empty);
}

static void test_bad_usage(void **state)
{
	(void)state;
	char args[512];
	snprintf(args, sizeof args, "query %s sumary", sweep_db);
	expect_error(args, "unknown report 'sumary'", "tables and views: breakdown, compare, cpu_causes, events, histograms");
	/* a table's or view's name dumps it */
	snprintf(args, sizeof args, "query %s meta --csv", sweep_db);
	assert_int_equal(td_run("", args, 0, out, sizeof out), 0);
	assert_non_null(strstr(out, "key,value\r\nschema_version,2\r\n"));
	snprintf(args, sizeof args, "query %s \"selec 1\"", sweep_db);
	expect_error(args, "SQL error", "syntax error");
	snprintf(args, sizeof args, "query %s \"select 1; select 2\"", sweep_db);
	expect_error(args, "one statement", NULL);
	snprintf(args, sizeof args, "query %s summary --run 999", sweep_db);
	expect_error(args, "--run 999", "no such run");
	snprintf(args, sizeof args, "query %s summary --run abc", sweep_db);
	expect_error(args, "--run", "abc");
	snprintf(args, sizeof args, "query %s --csv --json", sweep_db);
	expect_error(args, "--csv and --json", NULL);
	expect_error("query", "missing database", NULL);
}

/* A database without the newer views (an older gmpsim) gets them as TEMP
 * views; the file itself is not changed. */
static void test_old_database(void **state)
{
	(void)state;
	const char *old = in_dir("old.db");
	td_make_sweep(old);
	sqlite3 *h;
	assert_int_equal(sqlite3_open(old, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "drop view sweep; drop view swept_params; drop view compare", 0, 0, 0),
			 SQLITE_OK);
	sqlite3_close(h);
	char args[512];
	snprintf(args, sizeof args, "query %s sweep --csv", old);
	assert_int_equal(td_run("", args, 0, out, sizeof out), 0);
	struct csv c;
	csv_parse(out, &c);
	assert_int_equal(c.nrows, 1 + TD_NPOINTS * 2);
	assert_true(csv_col(&c, "models.gmp.gomaxprocs") >= 0);
	csv_free(&c);
	snprintf(args, sizeof args, "query %s compare --csv", old);
	assert_int_equal(td_run("", args, 0, out, sizeof out), 0);
	assert_int_equal(tu_query_double(old, "select count(*) from sqlite_master where name in ('sweep', 'compare')"), 0);
	unlink(old);
}

/* The simulator's own database: the reports agree with its tables. */
static void test_real_run(void **state)
{
	(void)state;
	const char *db = in_dir("real.db");
	unlink(db);
	char args[512];
	snprintf(args, sizeof args, "scenarios/10k_rps.yaml --set duration=300ms --set warmup=100ms -q -o %s", db);
	assert_int_equal(td_run("", args, 1, out, sizeof out), 0);
	snprintf(args, sizeof args, "query %s compare --csv", db);
	assert_int_equal(td_run("", args, 0, out, sizeof out), 0);
	struct csv c;
	csv_parse(out, &c);
	assert_int_equal(c.nrows, 5);  /* the header and 10k_rps's four models */
	int model = csv_col(&c, "model"), thr = csv_col(&c, "throughput");
	for (int r = 1; r < c.nrows; r++) {
		char sql[256];
		snprintf(sql, sizeof sql, "select throughput from summary where model = '%s'", c.f[r][model]);
		assert_true(strtod(c.f[r][thr], NULL) == tu_query_double(db, sql));
	}
	csv_free(&c);
	snprintf(args, sizeof args, "query %s", db);
	assert_int_equal(td_run("", args, 0, out, sizeof out), 0);
	assert_non_null(strstr(out, "gmp"));
	assert_non_null(strstr(out, "threads"));
	assert_non_null(strstr(out, "pool"));
	snprintf(args, sizeof args, "query %s params --run 1 --run 3 --csv", db);
	assert_int_equal(td_run("", args, 0, out, sizeof out), 0);
	assert_true(strncmp(out, "key,1:gmp,3:pool\r\n", 18) == 0);
	assert_non_null(strstr(out, "\r\nmodels.pool.workers,200,200\r\n"));
	unlink(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sweep_report),
		cmocka_unit_test(test_views_exist_for_sqlite3_users),
		cmocka_unit_test(test_csv_round_trip),
		cmocka_unit_test(test_json_output),
		cmocka_unit_test(test_aligned_table),
		cmocka_unit_test(test_read_only),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_bad_usage),
		cmocka_unit_test(test_old_database),
		cmocka_unit_test(test_real_run),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
