/* tests/testutil.h — small helpers shared by the cmocka test files:
 * temporary files, running ./gmpsim as a process, one-value queries of a
 * results database, and the cmocka includes
 * in the order cmocka needs. */
#ifndef GMPSIM_TESTUTIL_H
#define GMPSIM_TESTUTIL_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <sqlite3.h>
#include <dirent.h>
#include <sys/stat.h>
#include "trace_vtab.h"

/* Writes text to a fresh temporary file named like the template
 * ("/tmp/gmpsim-XXXXXX.yaml", suffix length given) and returns its path
 * (static buffer per call site is the caller's; this returns malloc'd). */
static inline char *tu_write_temp(const char *text, const char *suffix)
{
	char *path = malloc(64);
	snprintf(path, 64, "/tmp/gmpsim-test-XXXXXX%s", suffix);
	int fd = mkstemps(path, (int)strlen(suffix));
	if (fd < 0) { free(path); return NULL; }
	size_t n = strlen(text);
	if (write(fd, text, n) != (ssize_t)n) { close(fd); free(path); return NULL; }
	close(fd);
	return path;
}

/* A fresh scratch directory build/tmp/PREFIX-XXXXXX (malloc'ed). */
static inline char *tu_scratch(const char *prefix)
{
	mkdir("build", 0777);
	mkdir("build/tmp", 0777);
	char *d = malloc(strlen(prefix) + 32);
	assert_non_null(d);
	sprintf(d, "build/tmp/%s-XXXXXX", prefix);
	assert_non_null(mkdtemp(d));
	return d;
}

static inline void tu_rm_rf(const char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* Files in dir whose name contains ".tmp-" (a writer's temporary file). */
static inline int tu_temp_files(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += strstr(e->d_name, ".tmp-") != NULL;
	closedir(d);
	return n;
}

/* The gmpsim binary under test: $GMPSIM, else ./gmpsim. */
static inline const char *tu_gmpsim(void)
{
	const char *p = getenv("GMPSIM");
	return p ? p : "./gmpsim";
}

/* Runs a shell command, its stdout into out (NUL-terminated, truncated to
 * outlen - 1); returns its exit status, or -1 when a signal ended it. */
static inline int tu_popen(const char *cmd, char *out, size_t outlen)
{
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	size_t n = fread(out, 1, outlen - 1, f);
	out[n] = 0;
	int st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Runs "gmpsim ARGS", stdout and stderr into out; returns the exit status. */
static inline int tu_run_gmpsim(const char *args, char *out, size_t outlen)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "%s %s 2>&1", tu_gmpsim(), args);
	return tu_popen(cmd, out, outlen);
}

/* Opens path read-only and steps sql to its first row (the test fails
 * without one); the caller reads column 0 and calls tu_query_done. */
static inline sqlite3_stmt *tu_query_row(const char *path, const char *sql, sqlite3 **h)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open_v2(path, h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(trv_register(*h), SQLITE_OK);  /* spans and events, as gmpsim reads them */
	assert_int_equal(sqlite3_prepare_v2(*h, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	return st;
}

static inline void tu_query_done(sqlite3 *h, sqlite3_stmt *st)
{
	sqlite3_finalize(st);
	sqlite3_close(h);
}

/* The first column of sql's first row in database path, as a double. */
static inline double tu_query_double(const char *path, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st = tu_query_row(path, sql, &h);
	double v = sqlite3_column_double(st, 0);
	tu_query_done(h, st);
	return v;
}

/* The same as an integer; -1 when it is NULL. */
static inline int64_t tu_query_int(const char *path, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st = tu_query_row(path, sql, &h);
	int64_t v = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 0);
	tu_query_done(h, st);
	return v;
}

#endif
