/* sim/store/qdb.c — opens results databases for the readers (query, plot):
 * validation with one-line errors naming the file, and TEMP copies of the
 * views a file lacks. Must not write to the file: the connection is opened
 * SQLITE_OPEN_READONLY and only the connection's temp schema is changed.
 */
#include "qdb.h"
#include "trace_vtab.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

/* Generated from analysis/views.sql (build/sql_embed.c). */
extern const char sql_views[];

static const char view_prefix[] = "CREATE VIEW IF NOT EXISTS ";

int qdb_is_damage(int rc)
{
	int primary = rc & 0xff;
	return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

void qdb_error(sqlite3 *h, const char *path, int rc, char *err, size_t errlen)
{
	const char *msg = h ? sqlite3_errmsg(h) : sqlite3_errstr(rc);
	if ((rc & 0xff) == SQLITE_NOTADB)
		snprintf(err, errlen, "%s: not an SQLite database (or a damaged one): %s", path, msg);
	else if ((rc & 0xff) == SQLITE_CORRUPT)
		snprintf(err, errlen, "%s: damaged database: %s", path, msg);
	else
		snprintf(err, errlen, "%s: %s", path, msg);
}

char *qdb_first_text(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st = NULL;
	char *out = NULL;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		if (t)
			out = strdup((const char *)t);
	}
	sqlite3_finalize(st);
	return out;
}

/* Fails unless path names an existing regular file. */
static int qdb_check_file(const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return -1;
	}
	return 0;
}

/* Reads meta's schema_version: the mark of a gmpsim database. */
static int qdb_check_meta(sqlite3 *h, const char *path, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(h, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	int ok = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
	if (!ok && (rc == SQLITE_DONE || rc == SQLITE_ROW ||
		    strstr(sqlite3_errmsg(h), "no such table") != NULL))
		snprintf(err, errlen, "%s: not a gmpsim results database (no schema_version in table meta)", path);
	else if (!ok)
		qdb_error(h, path, rc, err, errlen);
	sqlite3_finalize(st);
	return ok ? 0 : -1;
}

/* Returns 1 when the main schema has a table or view called name. */
static int qdb_has_object(sqlite3 *h, const char *name, size_t len)
{
	sqlite3_stmt *st = NULL;
	int found = 0;
	if (sqlite3_prepare_v2(h, "SELECT 1 FROM main.sqlite_master WHERE name = ?1 COLLATE NOCASE"
			       " AND type IN ('table', 'view')", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, name, (int)len, SQLITE_STATIC);
		found = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return found;
}

/* Length of the view name that starts at s (letters, digits, '_'). */
static size_t qdb_name_len(const char *s)
{
	size_t n = 0;
	while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
	       (s[n] >= '0' && s[n] <= '9') || s[n] == '_')
		n++;
	return n;
}

/* Creates one view as TEMP: body runs from the name to the next view's
 * "CREATE VIEW" (or the end), comments included. */
static int qdb_temp_view(sqlite3 *h, const char *body, size_t len, const char *path,
			 char *err, size_t errlen)
{
	char *sql = sqlite3_mprintf("CREATE TEMP VIEW %.*s", (int)len, body);
	char *msg = NULL;
	int rc = sql ? sqlite3_exec(h, sql, NULL, NULL, &msg) : SQLITE_NOMEM;
	if (rc != SQLITE_OK) {
		if (qdb_is_damage(rc))
			qdb_error(h, path, rc, err, errlen);
		else
			snprintf(err, errlen, "%s: cannot create view %.*s: %s", path,
				 (int)qdb_name_len(body), body, msg ? msg : sqlite3_errstr(rc));
	}
	sqlite3_free(msg);
	sqlite3_free(sql);
	return rc == SQLITE_OK ? 0 : -1;
}

/* Every view of views.sql the file lacks becomes a TEMP view, in file order
 * (a view may use the ones above it). */
static int qdb_ensure_views(sqlite3 *h, const char *path, char *err, size_t errlen)
{
	const char *p = strstr(sql_views, view_prefix);
	while (p) {
		const char *name = p + sizeof view_prefix - 1;
		const char *next = strstr(name, view_prefix);
		size_t body = next ? (size_t)(next - name) : strlen(name);
		size_t nlen = qdb_name_len(name);
		if (!qdb_has_object(h, name, nlen) && qdb_temp_view(h, name, body, path, err, errlen) < 0)
			return -1;
		p = next;
	}
	return 0;
}

int qdb_view_count(void)
{
	int n = 0;
	for (const char *p = strstr(sql_views, view_prefix); p; p = strstr(p + 1, view_prefix))
		n++;
	return n;
}

/* ---- defences: a results file is data from anywhere, SQL from the user --- */

/* Functions a query may not call: pointer-returning (fts3_tokenizer hands
 * out a code address) or reaching outside the file. */
static const char *const qdb_denied_functions[] = {
	"fts3_tokenizer", "load_extension", "readfile", "writefile", "edit", "sqlite_offset", NULL,
};

static int qdb_authorize(void *ctx, int action, const char *a, const char *b, const char *db, const char *trigger)
{
	(void)ctx, (void)a, (void)db, (void)trigger;
	if (action == SQLITE_ATTACH || action == SQLITE_DETACH || action == SQLITE_PRAGMA)
		return SQLITE_DENY;
	if (action == SQLITE_FUNCTION && b)  /* b: the function's name */
		for (int i = 0; qdb_denied_functions[i]; i++)
			if (sqlite3_stricmp(b, qdb_denied_functions[i]) == 0)
				return SQLITE_DENY;
	return SQLITE_OK;
}

static double qdb_deadline;  /* CLOCK_MONOTONIC seconds; 0: none */

static double qdb_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int qdb_progress(void *ctx)
{
	(void)ctx;
	return qdb_deadline > 0 && qdb_now() > qdb_deadline;  /* non-zero interrupts the statement */
}

/* Untrusted-schema defences, no ATTACH/PRAGMA and no dangerous function
 * (authorizer, set after the views are made), a time limit (progress
 * handler), a heap limit and a smaller largest string or blob. */
static void qdb_harden(sqlite3 *h, const struct qdb_limits *lim)
{
	int off = 0, on = 1;
	sqlite3_db_config(h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, off, NULL);
	sqlite3_db_config(h, SQLITE_DBCONFIG_DEFENSIVE, on, NULL);
	sqlite3_db_config(h, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, off, NULL);
	sqlite3_db_config(h, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, off, NULL);
	sqlite3_db_config(h, SQLITE_DBCONFIG_ENABLE_TRIGGER, off, NULL);
	sqlite3_limit(h, SQLITE_LIMIT_LENGTH, QDB_MAX_LENGTH);
	if (lim->heap > 0)
		sqlite3_hard_heap_limit64(lim->heap);
	qdb_deadline = lim->seconds > 0 ? qdb_now() + lim->seconds : 0;
	sqlite3_progress_handler(h, 10000, qdb_progress, NULL);
}

sqlite3 *qdb_open(const char *path, char *err, size_t errlen)
{
	struct qdb_limits lim = { QDB_DEFAULT_SECONDS, QDB_DEFAULT_HEAP };
	return qdb_open_limited(path, &lim, err, errlen);
}

sqlite3 *qdb_open_limited(const char *path, const struct qdb_limits *lim, char *err, size_t errlen)
{
	if (qdb_check_file(path, err, errlen) < 0)
		return NULL;
	sqlite3 *h = NULL;
	int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK) {
		qdb_error(h, path, rc, err, errlen);
		sqlite3_close(h);
		return NULL;
	}
	qdb_harden(h, lim);
	if (trv_register(h) != SQLITE_OK) {
		qdb_error(h, path, sqlite3_errcode(h), err, errlen);
		sqlite3_close(h);
		return NULL;
	}
	if (qdb_check_meta(h, path, err, errlen) < 0 || qdb_ensure_views(h, path, err, errlen) < 0) {
		sqlite3_close(h);
		return NULL;
	}
	sqlite3_set_authorizer(h, qdb_authorize, NULL);
	return h;
}
