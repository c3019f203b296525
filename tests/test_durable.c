/* tests/test_durable.c — results are never lost, damaged or replaced
 * silently (issue 12 D10 and point 4, issue 11 point 3), end to end: a
 * second writer to the same -o is refused while the first writes; a
 * sweep killed with SIGKILL keeps every run it had committed and
 * --resume finishes it to the same rows as a sweep never killed; a
 * partial file a killed run left is discarded by the next run; a
 * database of another scenario, another sweep or with more runs is
 * replaced only with --force, and the replacement is said. Scratch files
 * live in build/tmp/dur-XXXXXX. (tests/kill_sweep.sh repeats the kill 20
 * times at random moments.) */
#include "testutil.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

static char out[1 << 15];

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Starts "gmpsim ARGS" in the background; returns its pid. */
static pid_t spawn(const char *args)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char cmd[4096];
		snprintf(cmd, sizeof cmd, "exec %s %s >/dev/null 2>&1", tu_gmpsim(), args);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static int wait_exit(pid_t pid)
{
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
}

/* Complete runs in a database (0 when it cannot be read yet). */
static int64_t complete_runs(const char *db)
{
	sqlite3 *h;
	sqlite3_stmt *s;
	int64_t n = 0;
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, "select count(*) from runs where status='complete'", -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			n = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	sqlite3_close(h);
	return n;
}

#define RUN "scenarios/10k_rps.yaml --model pool --set warmup=0s -q"

/* Point 4: while one run writes X.db, a second one to X.db is refused at
 * once (exit 2), and the first one's result is complete. */
static void test_second_writer_refused(void **state)
{
	(void)state;
	char *d = tu_scratch("dur"), args[1024], partial[512], db[512];
	snprintf(db, sizeof db, "%s/x.db", d);
	snprintf(partial, sizeof partial, "%s/x.db.tmp-partial", d);
	snprintf(args, sizeof args, RUN " --set duration=20s -o %s", db);
	pid_t first = spawn(args);
	for (int i = 0; i < 200 && access(partial, F_OK) != 0; i++)
		sleep_ms(25);
	assert_int_equal(access(partial, F_OK), 0);
	snprintf(args, sizeof args, RUN " --set duration=1s -o %s", db);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 2);
	assert_non_null(strstr(out, "is being written by another gmpsim"));
	assert_int_equal(wait_exit(first), 0);
	assert_int_equal(complete_runs(db), 1);
	assert_int_equal(tu_query_int(db, "select value from params where key='duration'"), 20000000000LL);
	assert_int_equal(tu_temp_files(d), 0);
	tu_rm_rf(d);
	free(d);
}

#define SWEEP "sweep scenarios/10k_rps.yaml --model pool --set duration=3s --set warmup=0s " \
	      "--set models.pool.workers=50,100,200 --reps 4 -j 2 -q"

/* Starts SWEEP into db and kill -9s it once its partial file holds at
 * least 3 committed runs (or after 10 s), and reaps it. */
static void sweep_killed_after_3_runs(const char *db, const char *partial)
{
	char args[1024];
	snprintf(args, sizeof args, SWEEP " -o %s", db);
	pid_t pid = spawn(args);
	for (int i = 0; i < 400 && complete_runs(partial) < 3; i++)
		sleep_ms(25);
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(wait_exit(pid), -SIGKILL);
}

/* D10: kill -9 once at least 3 runs are committed; the partial file
 * holds them, --resume keeps them and finishes with the same rows as a
 * sweep never killed. */
static void test_killed_sweep_resumes(void **state)
{
	(void)state;
	char *d = tu_scratch("dur"), args[1024], partial[512], db[512], ref[512];
	snprintf(db, sizeof db, "%s/k.db", d);
	snprintf(ref, sizeof ref, "%s/ref.db", d);
	snprintf(partial, sizeof partial, "%s/k.db.tmp-partial", d);
	sweep_killed_after_3_runs(db, partial);
	/* the killed writer's lock is gone at once, though its workers may live
	 * a moment longer (they must not hold a copy of it) */
	int fd = open(partial, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
	close(fd);
	int64_t before = complete_runs(partial);
	assert_true(before >= 3 && before < 12);
	/* -q hides --resume's notice: the result itself shows every run */
	snprintf(args, sizeof args, "%s " SWEEP " --resume -o %s 2>&1", tu_gmpsim(), db);
	assert_int_equal(tu_popen(args, out, sizeof out), 0);
	assert_int_equal(complete_runs(db), 12);
	snprintf(args, sizeof args, SWEEP " -o %s", ref);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	const char *q = "select group_concat(run_number || ':' || status || ':' || sim_ns || ':' || events, ',') "
			"from (select * from runs order by run_number)";
	char *sql = sqlite3_mprintf("%s", q);
	sqlite3 *h1, *h2;
	sqlite3_stmt *s1 = tu_query_row(db, sql, &h1), *s2 = tu_query_row(ref, sql, &h2);
	assert_string_equal((const char *)sqlite3_column_text(s1, 0), (const char *)sqlite3_column_text(s2, 0));
	tu_query_done(h1, s1);
	tu_query_done(h2, s2);
	sqlite3_free(sql);
	assert_int_equal(tu_query_int(db, "select count(*) from metrics m join runs r using(run_id) "
				      "where r.run_number = 0 and m.name = 'throughput'"), 1);
	assert_int_equal(tu_temp_files(d), 0);
	tu_rm_rf(d);
	free(d);
}

/* A sweep killed after db_close_commit built its indexes, before the
 * rename: --resume finishes the partial file, keeping every committed run
 * (it used to stop on "index ... already exists" and discard them). */
static void test_killed_after_indexes_resumes(void **state)
{
	(void)state;
	char *d = tu_scratch("dur"), args[1024], partial[512], db[512];
	snprintf(db, sizeof db, "%s/k.db", d);
	snprintf(partial, sizeof partial, "%s/k.db.tmp-partial", d);
	sweep_killed_after_3_runs(db, partial);
	int64_t before = complete_runs(partial);
	assert_true(before >= 3 && before < 12);
	sqlite3 *h;
	assert_int_equal(sqlite3_open(partial, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "CREATE INDEX params_run_key ON params(run_id, key);"
				      "CREATE INDEX metrics_name ON metrics(name);", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	snprintf(args, sizeof args, "%s " SWEEP " --resume -o %s 2>&1", tu_gmpsim(), db);
	assert_int_equal(tu_popen(args, out, sizeof out), 0);
	assert_int_equal(complete_runs(db), 12);
	assert_int_equal(tu_temp_files(d), 0);
	tu_rm_rf(d);
	free(d);
}

/* A partial file left by a killed run: the next run without --resume
 * discards it and says so; nothing is left. */
static void test_leftover_partial_discarded(void **state)
{
	(void)state;
	char *d = tu_scratch("dur"), args[1024], partial[512];
	snprintf(partial, sizeof partial, "%s/x.db.tmp-partial", d);
	FILE *f = fopen(partial, "w");
	assert_non_null(f);
	fputs("junk a killed writer left", f);
	assert_int_equal(fclose(f), 0);
	snprintf(args, sizeof args, "scenarios/10k_rps.yaml --model pool --set duration=1s --set warmup=0s -o %s/x.db", d);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	assert_non_null(strstr(out, "discarded the unfinished results an interrupted earlier run left"));
	assert_int_equal(tu_temp_files(d), 0);
	tu_rm_rf(d);
	free(d);
}

/* Issue 11 point 3: the replace rule. */
static void test_replace_rule(void **state)
{
	(void)state;
	char *d = tu_scratch("dur"), args[1024], db[512];
	snprintf(db, sizeof db, "%s/x.db", d);
	/* one run per model of 10k_rps */
	snprintf(args, sizeof args, "scenarios/10k_rps.yaml --set duration=1s --set warmup=0s -q -o %s", db);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	int64_t nmodels = tu_query_int(db, "select count(*) from runs");
	assert_true(nmodels >= 2);
	/* the same again: replaced, and said */
	snprintf(args, sizeof args, "scenarios/10k_rps.yaml --set duration=1s --set warmup=0s -o %s", db);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	char held[128];  /* as many runs as the scenario has models */
	snprintf(held, sizeof held, "it held %lld runs of scenario '10k_rps'", (long long)nmodels);
	assert_non_null(strstr(out, held));
	/* fewer runs, another scenario, a sweep: refused, the file untouched */
	const char *refused[][2] = {
		{ "scenarios/10k_rps.yaml --model gmp --set duration=1s --set warmup=0s -q", "(more runs than this writes)" },
		{ "scenarios/gc_stw.yaml --set duration=1s --set warmup=0s -q", "(another scenario's)" },
		{ "sweep scenarios/10k_rps.yaml --model pool --set duration=1s --set warmup=0s --set models.pool.workers=5,10,20 -q",
		  "(not this sweep's)" },
	};
	for (int i = 0; i < 3; i++) {
		snprintf(args, sizeof args, "%s -o %s", refused[i][0], db);
		assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 2);
		assert_non_null(strstr(out, "refusing to replace"));
		assert_non_null(strstr(out, refused[i][1]));
		assert_int_equal(tu_query_int(db, "select count(*) from runs"), nmodels);
	}
	/* --force replaces it, and says what it held even with -q */
	snprintf(args, sizeof args, "%s --force -o %s", refused[1][0], db);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	assert_non_null(strstr(out, "replacing"));
	strcat(held, " (--force)");
	assert_non_null(strstr(out, held));
	/* a file that is not a results database */
	snprintf(args, sizeof args, "%s/notes.db", d);
	FILE *f = fopen(args, "w");
	assert_non_null(f);
	fputs("my notes\n", f);
	assert_int_equal(fclose(f), 0);
	snprintf(args, sizeof args, "%s -o %s/notes.db", refused[1][0], d);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 2);
	assert_non_null(strstr(out, "is not a gmpsim results database"));
	assert_int_equal(tu_temp_files(d), 0);
	tu_rm_rf(d);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_second_writer_refused),
		cmocka_unit_test(test_killed_sweep_resumes),
		cmocka_unit_test(test_killed_after_indexes_resumes),
		cmocka_unit_test(test_leftover_partial_discarded),
		cmocka_unit_test(test_replace_rule),
	};
	return cmocka_run_group_tests_name("durable", tests, NULL, NULL);
}
