/* tests/test_results.c — tests of the result collector (res_*) and the
 * SQLite writer (db_*): contents, views, and the temporary-file discipline
 * (the target appears only at commit; nothing is left behind otherwise).
 * Works only inside its own mkdtemp directories; must not touch anything
 * else on disk. */
#include "testutil.h"
#include "db.h"
#include <dirent.h>
#include <math.h>
#include <sqlite3.h>
#include <sys/stat.h>

/* ---- helpers ----------------------------------------------------------- */

struct tdir { char dir[64]; char target[96]; };

static void tdir_make(struct tdir *t)
{
	snprintf(t->dir, sizeof t->dir, "build/tmp/gmpsim-test-results-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->target, sizeof t->target, "%s/out.db", t->dir);
}

/* Number of entries in the directory, "." and ".." excluded. */
static int tdir_count(const struct tdir *t)
{
	DIR *d = opendir(t->dir);
	assert_non_null(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void tdir_remove(struct tdir *t)
{
	DIR *d = opendir(t->dir);
	assert_non_null(d);
	char path[512];
	for (struct dirent *e; (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof path, "%s/%s", t->dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	assert_int_equal(rmdir(t->dir), 0);
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* Runs a one-value query; returns it as a double (NAN when NULL/no row). */
static double q_double(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &s, NULL), SQLITE_OK);
	double v = NAN;
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = sqlite3_column_double(s, 0);
	sqlite3_finalize(s);
	return v;
}

static int64_t q_int(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* Copies the one text value into buf ("" for NULL). */
static void q_text(sqlite3 *h, const char *sql, char *buf, size_t len)
{
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	const unsigned char *t = sqlite3_column_text(s, 0);
	snprintf(buf, len, "%s", t ? (const char *)t : "");
	sqlite3_finalize(s);
}

static sqlite3 *open_ro(const char *path)
{
	sqlite3 *h = NULL;
	assert_int_equal(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	return h;
}

/* A run with the metrics the views read, 2 params, 3 buckets and samples
 * of 2 series (4 samples). */
static void make_run(struct run_result *r, const char *model, double tput,
		     double p50_ns, double p99_ns, int point_id)
{
	res_init(r, "web", model, 42);
	r->rep = 1;
	r->point_id = point_id;
	r->sim_ns_run = 2 * SIM_NS_PER_S;
	r->events = 12345;
	r->wall_s = 0.25;
	res_param(r, "models.gmp.gomaxprocs", "8");
	res_param(r, "machine.cores", "8");
	res_metric(r, "throughput", tput, "1/s");
	res_metric(r, "latency_p50", p50_ns, "ns");
	res_metric(r, "latency_p99", p99_ns, "ns");
	res_metric(r, "cpu_utilization", 0.5, "ratio");
	res_metric(r, "threads_peak", 10, "threads");
	res_bucket(r, "latency", 0, 1e6, 6);
	res_bucket(r, "latency", 1e6, 2e6, 3);
	res_bucket(r, "latency", 2e6, 4e6, 1);
	int runnable = res_series(r, "runnable_g");
	int threads = res_series(r, "threads");
	res_sample(r, 0, runnable, 1);
	res_sample(r, 0, threads, 4);
	res_sample(r, SIM_NS_PER_MS, runnable, 7);
	res_sample(r, SIM_NS_PER_MS, threads, 5);
	res_set_status(r, "complete", NULL);
}

static void write_run(struct db *db, struct run_result *r, int64_t want_id)
{
	char err[256] = "";
	int64_t id = db_write_run(db, r, err, sizeof err);
	if (id != want_id)
		fail_msg("db_write_run returned %lld: %s", (long long)id, err);
}

static void commit(struct db *db)
{
	char err[256] = "";
	if (db_close_commit(db, err, sizeof err) != 0)
		fail_msg("db_close_commit: %s", err);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, len - 1, f);
	buf[n] = 0;
	fclose(f);
}

/* ---- collector ----------------------------------------------------------- */

static void test_collector_basics(void **state)
{
	(void)state;
	struct run_result r;
	res_init(&r, "web", "gmp", 7);
	assert_string_equal(r.scenario, "web");
	assert_string_equal(r.model, "gmp");
	assert_int_equal(r.seed, 7);
	assert_string_equal(r.status, "incomplete");
	assert_null(r.error);

	res_metric(&r, "throughput", 100, "1/s");
	res_metric(&r, "latency_p99", 5e6, "ns");
	assert_true(res_get_metric(&r, "throughput") == 100);
	assert_true(isnan(res_get_metric(&r, "absent")));
	res_metric(&r, "throughput", 200, "1/s"); /* replaces */
	assert_int_equal(r.nmetrics, 2);
	assert_true(res_get_metric(&r, "throughput") == 200);

	res_param(&r, "a.b", "1");
	res_param(&r, "a.b", "2");
	assert_int_equal(r.nparams, 1);
	assert_string_equal(r.params[0].value, "2");

	int s1 = res_series(&r, "threads"), s2 = res_series(&r, "idle_p");
	assert_int_equal(res_series(&r, "threads"), s1);
	assert_int_not_equal(s1, s2);
	for (int i = 0; i < 1000; i++)
		res_sample(&r, i, i % 2 ? s1 : s2, i);
	assert_int_equal(r.nsamples, 1000);
	assert_int_equal(r.samples[999].t, 999);
	assert_int_equal(r.samples[999].name, s1);
	for (int i = 0; i < 100; i++)
		res_bucket(&r, "latency", i, i + 1, i);
	assert_int_equal(r.nbuckets, 100);
	assert_true(r.buckets[99].hi == 100);

	res_set_status(&r, "failed", "out of threads");
	assert_string_equal(r.status, "failed");
	assert_string_equal(r.error, "out of threads");
	res_set_status(&r, "complete", NULL);
	assert_null(r.error);
	res_free(&r);
	res_free(&r); /* safe twice */
}

/* ---- writer ----------------------------------------------------------- */

static void test_two_runs_roundtrip(void **state)
{
	(void)state;
	struct tdir t;
	tdir_make(&t);
	char err[256] = "";
	struct db *db = db_create(t.target, err, sizeof err);
	if (!db)
		fail_msg("db_create: %s", err);
	assert_false(exists(t.target));
	assert_int_equal(tdir_count(&t), 1); /* the temporary file */

	struct run_result a, b;
	make_run(&a, "gmp", 1000, 1e6, 4e6, 3);
	make_run(&b, "threads", 800, 2e6, 10e6, 3);
	res_set_status(&b, "complete", NULL);
	write_run(db, &a, 1);
	write_run(db, &b, 2);
	assert_false(exists(t.target));
	commit(db);
	assert_true(exists(t.target));
	assert_int_equal(tdir_count(&t), 1); /* only the target */
	struct stat st;
	mode_t mask = umask(0);
	umask(mask);
	assert_int_equal(stat(t.target, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0666 & ~mask); /* not mkstemp's 0600 */

	sqlite3 *h = open_ro(t.target);
	char buf[128];
	assert_int_equal(q_int(h, "SELECT count(*) FROM runs"), 2);
	assert_int_equal(q_int(h, "SELECT count(*) FROM params"), 4);
	assert_int_equal(q_int(h, "SELECT count(*) FROM metrics"), 10);
	assert_int_equal(q_int(h, "SELECT count(*) FROM histograms"), 6);
	assert_int_equal(q_int(h, "SELECT count(*) FROM timeseries"), 8);
	assert_int_equal(q_int(h, "SELECT value FROM meta WHERE key='schema_version'"), 2);
	assert_int_equal(q_int(h, "SELECT count(*) FROM sqlite_master WHERE type='index'"
			       " AND name NOT LIKE 'sqlite_autoindex%'"), 5);

	q_text(h, "SELECT model FROM runs WHERE run_id=2", buf, sizeof buf);
	assert_string_equal(buf, "threads");
	q_text(h, "SELECT status FROM runs WHERE run_id=1", buf, sizeof buf);
	assert_string_equal(buf, "complete");
	q_text(h, "SELECT version FROM runs WHERE run_id=1", buf, sizeof buf);
	assert_string_equal(buf, GMPSIM_VERSION);
	q_text(h, "SELECT created_at FROM runs WHERE run_id=1", buf, sizeof buf);
	assert_int_equal(strlen(buf), 20);
	assert_int_equal(buf[10], 'T');
	assert_int_equal(buf[19], 'Z');
	assert_int_equal(q_int(h, "SELECT seed FROM runs WHERE run_id=1"), 42);
	assert_int_equal(q_int(h, "SELECT rep FROM runs WHERE run_id=1"), 1);
	assert_int_equal(q_int(h, "SELECT point_id FROM runs WHERE run_id=1"), 3);
	assert_int_equal(q_int(h, "SELECT sim_ns FROM runs WHERE run_id=1"), 2 * SIM_NS_PER_S);
	assert_int_equal(q_int(h, "SELECT events FROM runs WHERE run_id=1"), 12345);
	assert_true(q_double(h, "SELECT wall_s FROM runs WHERE run_id=1") == 0.25);
	q_text(h, "SELECT value FROM params WHERE run_id=2 AND key='machine.cores'", buf, sizeof buf);
	assert_string_equal(buf, "8");
	q_text(h, "SELECT unit FROM metrics WHERE run_id=1 AND name='latency_p99'", buf, sizeof buf);
	assert_string_equal(buf, "ns");
	assert_true(q_double(h, "SELECT value FROM metrics WHERE run_id=2 AND name='throughput'") == 800);
	assert_int_equal(q_int(h, "SELECT count FROM histograms WHERE run_id=2 AND lo=1e6"), 3);
	assert_true(q_double(h, "SELECT value FROM timeseries WHERE run_id=1 AND name='runnable_g'"
				" AND t_ns=1000000") == 7);

	/* summary: pivoted, latencies in ms */
	assert_int_equal(q_int(h, "SELECT count(*) FROM summary"), 2);
	assert_true(q_double(h, "SELECT throughput FROM summary WHERE run_id=1") == 1000);
	assert_true(q_double(h, "SELECT p50_ms FROM summary WHERE run_id=2") == 2);
	assert_true(q_double(h, "SELECT p99_ms FROM summary WHERE run_id=2") == 10);
	assert_true(q_double(h, "SELECT cpu_utilization FROM summary WHERE run_id=2") == 0.5);
	assert_true(isnan(q_double(h, "SELECT max_ms FROM summary WHERE run_id=1")));

	/* compare: gmp is the reference */
	assert_int_equal(q_int(h, "SELECT count(*) FROM compare"), 2);
	assert_int_equal(q_int(h, "SELECT ref_run_id FROM compare WHERE run_id=2"), 1);
	assert_true(q_double(h, "SELECT throughput_ratio FROM compare WHERE run_id=1") == 1);
	assert_true(q_double(h, "SELECT throughput_ratio FROM compare WHERE run_id=2") == 0.8);
	assert_true(q_double(h, "SELECT p99_ratio FROM compare WHERE run_id=2") == 2.5);
	assert_true(q_double(h, "SELECT p99_ms FROM compare WHERE run_id=1") == 4);

	/* latency_histogram: ms bounds, cumulative fraction */
	assert_true(q_double(h, "SELECT hi_ms FROM latency_histogram WHERE run_id=1 AND lo_ms=1") == 2);
	assert_true(q_double(h, "SELECT cum_fraction FROM latency_histogram WHERE run_id=1 AND lo_ms=0") == 0.6);
	assert_true(q_double(h, "SELECT cum_fraction FROM latency_histogram WHERE run_id=1 AND lo_ms=1") == 0.9);
	assert_true(q_double(h, "SELECT cum_fraction FROM latency_histogram WHERE run_id=2 AND lo_ms=2") == 1);
	sqlite3_close(h);

	res_free(&a);
	res_free(&b);
	tdir_remove(&t);
}

/* Without a gmp run the lowest run_id is the reference; failed runs are in
 * summary but not in compare; groups are separated by point_id. */
static void test_compare_reference_and_failed(void **state)
{
	(void)state;
	struct tdir t;
	tdir_make(&t);
	char err[256] = "";
	struct db *db = db_create(t.target, err, sizeof err);
	assert_non_null(db);
	struct run_result r[4];
	make_run(&r[0], "threads", 500, 1e6, 8e6, 0);
	make_run(&r[1], "pool", 1000, 1e6, 2e6, 0);
	make_run(&r[2], "gmp", 2000, 1e6, 1e6, 0);
	res_set_status(&r[2], "failed", "thread limit reached");
	make_run(&r[3], "gmp", 900, 1e6, 3e6, 1); /* another point, alone */
	for (int i = 0; i < 4; i++)
		write_run(db, &r[i], i + 1);
	commit(db);

	sqlite3 *h = open_ro(t.target);
	char buf[128];
	assert_int_equal(q_int(h, "SELECT count(*) FROM summary"), 4);
	q_text(h, "SELECT status || ':' || error FROM summary WHERE run_id=3", buf, sizeof buf);
	assert_string_equal(buf, "failed:thread limit reached");
	assert_int_equal(q_int(h, "SELECT count(*) FROM compare"), 3);
	assert_int_equal(q_int(h, "SELECT count(*) FROM compare WHERE run_id=3"), 0);
	assert_int_equal(q_int(h, "SELECT ref_run_id FROM compare WHERE run_id=2"), 1);
	assert_true(q_double(h, "SELECT throughput_ratio FROM compare WHERE run_id=2") == 2);
	assert_true(q_double(h, "SELECT p99_ratio FROM compare WHERE run_id=2") == 0.25);
	assert_int_equal(q_int(h, "SELECT ref_run_id FROM compare WHERE run_id=4"), 4);
	sqlite3_close(h);
	for (int i = 0; i < 4; i++)
		res_free(&r[i]);
	tdir_remove(&t);
}

static void test_abort_leaves_nothing(void **state)
{
	(void)state;
	struct tdir t;
	tdir_make(&t);
	char err[256] = "";
	struct db *db = db_create(t.target, err, sizeof err);
	assert_non_null(db);
	struct run_result r;
	make_run(&r, "gmp", 1, 1, 1, 0);
	write_run(db, &r, 1);
	db_close_abort(db);
	assert_false(exists(t.target));
	assert_int_equal(tdir_count(&t), 0);
	db_close_abort(NULL); /* no-op */
	res_free(&r);
	tdir_remove(&t);
}

static void test_abort_keeps_existing_target(void **state)
{
	(void)state;
	struct tdir t;
	tdir_make(&t);
	write_file(t.target, "old results");
	char err[256] = "", buf[64];
	struct db *db = db_create(t.target, err, sizeof err);
	assert_non_null(db);
	struct run_result r;
	make_run(&r, "gmp", 1, 1, 1, 0);
	write_run(db, &r, 1);
	read_file(t.target, buf, sizeof buf);
	assert_string_equal(buf, "old results");
	db_close_abort(db);
	read_file(t.target, buf, sizeof buf);
	assert_string_equal(buf, "old results");
	assert_int_equal(tdir_count(&t), 1);
	res_free(&r);
	tdir_remove(&t);
}

static void test_commit_replaces_existing_target(void **state)
{
	(void)state;
	struct tdir t;
	tdir_make(&t);
	write_file(t.target, "old results");
	char err[256] = "";
	struct db *db = db_create(t.target, err, sizeof err);
	assert_non_null(db);
	struct run_result r;
	make_run(&r, "gmp", 1, 1, 1, 0);
	write_run(db, &r, 1);
	commit(db);
	assert_int_equal(tdir_count(&t), 1);
	sqlite3 *h = open_ro(t.target);
	assert_int_equal(q_int(h, "SELECT count(*) FROM runs"), 1);
	sqlite3_close(h);
	res_free(&r);
	tdir_remove(&t);
}

/* A directory as the target is refused at db_create (issue 12: before
 * anything is simulated), nothing created. When the target becomes a
 * directory after db_create, commit refuses to rename over it, removes
 * the temporary file and leaves the target alone. */
static void test_commit_failure_cleans_up(void **state)
{
	(void)state;
	struct tdir t;
	tdir_make(&t);
	assert_int_equal(mkdir(t.target, 0755), 0);
	char err[256] = "";
	assert_null(db_create(t.target, err, sizeof err));
	assert_non_null(strstr(err, "it is a directory"));
	assert_int_equal(tdir_count(&t), 1);
	assert_int_equal(rmdir(t.target), 0);
	struct db *db = db_create(t.target, err, sizeof err);
	assert_non_null(db);
	assert_int_equal(mkdir(t.target, 0755), 0);
	struct run_result r;
	make_run(&r, "gmp", 1, 1, 1, 0);
	write_run(db, &r, 1);
	assert_int_equal(db_close_commit(db, err, sizeof err), -1);
	assert_non_null(strstr(err, "refusing to replace"));
	assert_int_equal(tdir_count(&t), 1);
	struct stat st;
	assert_int_equal(stat(t.target, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(rmdir(t.target), 0);
	res_free(&r);
	tdir_remove(&t);
}

static void test_create_missing_directory(void **state)
{
	(void)state;
	struct tdir t;
	tdir_make(&t);
	char target[160], err[256] = "";
	snprintf(target, sizeof target, "%s/no/such/dir/out.db", t.dir);
	struct db *db = db_create(target, err, sizeof err);
	assert_null(db);
	assert_non_null(strstr(err, target));
	assert_non_null(strstr(err, "does not exist"));
	assert_int_equal(tdir_count(&t), 0);
	tdir_remove(&t);
}

static void test_create_unwritable_directory(void **state)
{
	(void)state;
	if (geteuid() == 0)
		skip(); /* root writes anywhere */
	struct tdir t;
	tdir_make(&t);
	assert_int_equal(chmod(t.dir, 0555), 0);
	char err[256] = "";
	struct db *db = db_create(t.target, err, sizeof err);
	assert_null(db);
	assert_non_null(strstr(err, t.target));
	assert_int_equal(chmod(t.dir, 0755), 0);
	assert_int_equal(tdir_count(&t), 0);
	tdir_remove(&t);
}

/* A failure in the middle of a run rolls the whole run back; the database
 * stays usable for the next run. */
static void test_write_error_rolls_back(void **state)
{
	(void)state;
	struct tdir t;
	tdir_make(&t);
	char err[256] = "";
	struct db *db = db_create(t.target, err, sizeof err);
	assert_non_null(db);
	struct run_result bad, good;
	make_run(&bad, "gmp", 1, 1, 1, 0);
	res_sample(&bad, 5, 99, 1.0); /* unknown series */
	assert_int_equal(db_write_run(db, &bad, err, sizeof err), -1);
	assert_non_null(strstr(err, "unknown series"));

	free(bad.scenario); /* NOT NULL constraint */
	bad.scenario = NULL;
	bad.nsamples = 4;
	err[0] = 0;
	assert_int_equal(db_write_run(db, &bad, err, sizeof err), -1);
	assert_true(strlen(err) > 0);

	make_run(&good, "threads", 1, 1, 1, 0);
	write_run(db, &good, 1);
	commit(db);
	sqlite3 *h = open_ro(t.target);
	assert_int_equal(q_int(h, "SELECT count(*) FROM runs"), 1);
	assert_int_equal(q_int(h, "SELECT count(*) FROM params"), 2);
	assert_int_equal(q_int(h, "SELECT count(*) FROM metrics"), 5);
	assert_int_equal(q_int(h, "SELECT count(*) FROM timeseries"), 4);
	sqlite3_close(h);
	res_free(&bad);
	res_free(&good);
	tdir_remove(&t);
}

/* NaN metrics become NULL; an empty run (no metrics) still gets a summary
 * row; a seed above INT64_MAX round-trips as its bit pattern. */
static void test_edge_values(void **state)
{
	(void)state;
	struct tdir t;
	tdir_make(&t);
	char err[256] = "";
	struct db *db = db_create(t.target, err, sizeof err);
	assert_non_null(db);
	struct run_result r, e;
	res_init(&r, "web", "gmp", UINT64_MAX);
	res_metric(&r, "latency_p99", NAN, "ns");
	res_set_status(&r, "complete", NULL);
	res_init(&e, "web", "threads", 1);
	write_run(db, &r, 1);
	write_run(db, &e, 2);
	commit(db);
	sqlite3 *h = open_ro(t.target);
	assert_true(isnan(q_double(h, "SELECT p99_ms FROM summary WHERE run_id=1")));
	assert_int_equal((uint64_t)q_int(h, "SELECT seed FROM runs WHERE run_id=1"), UINT64_MAX);
	assert_int_equal(q_int(h, "SELECT count(*) FROM summary WHERE run_id=2"
			       " AND status='incomplete'"), 1);
	sqlite3_close(h);
	res_free(&r);
	res_free(&e);
	tdir_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_collector_basics),
		cmocka_unit_test(test_two_runs_roundtrip),
		cmocka_unit_test(test_compare_reference_and_failed),
		cmocka_unit_test(test_abort_leaves_nothing),
		cmocka_unit_test(test_abort_keeps_existing_target),
		cmocka_unit_test(test_commit_replaces_existing_target),
		cmocka_unit_test(test_commit_failure_cleans_up),
		cmocka_unit_test(test_create_missing_directory),
		cmocka_unit_test(test_create_unwritable_directory),
		cmocka_unit_test(test_write_error_rolls_back),
		cmocka_unit_test(test_edge_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
