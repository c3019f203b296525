/* sim/store/qdb.h — opening a gmpsim results database for reading (query, plot).
 *
 * qdb_open checks that the file exists, is SQLite, is not damaged at the
 * first read and is a gmpsim database (meta holds schema_version), and
 * creates any view of analysis/views.sql the file lacks as a TEMP view (a
 * database written by an older gmpsim), so readers can rely on every view.
 * The connection is read-only: nothing here can change the file.
 */
#ifndef GMPSIM_QDB_H
#define GMPSIM_QDB_H
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* What a reader may spend (issue 12 Q): wall time from the open on (a
 * statement past it is interrupted: SQLITE_INTERRUPT) and SQLite's heap
 * (process-wide: SQLITE_NOMEM past it); 0 = no limit. */
struct qdb_limits {
	double seconds;
	int64_t heap;
};
#define QDB_DEFAULT_SECONDS 60.0
#define QDB_DEFAULT_HEAP (1LL << 30)
#define QDB_MAX_LENGTH 100000000  /* the largest string or blob a query may make */

/* Opens path read-only and readies the views. Returns the handle, or NULL
 * with err = one line naming the file ("x.db: not an SQLite database").
 * The connection is hardened for a file of unknown origin and SQL typed
 * by anyone: untrusted schema (SQLITE_DBCONFIG_TRUSTED_SCHEMA off),
 * defensive mode, no triggers, no ATTACH or PRAGMA, no fts3_tokenizer,
 * load_extension and other functions that return pointers or reach
 * outside the file; the default limits apply. */
sqlite3 *qdb_open(const char *path, char *err, size_t errlen);
/* The same with limits of the caller's. */
sqlite3 *qdb_open_limited(const char *path, const struct qdb_limits *lim, char *err, size_t errlen);

/* Describes a failed SQLite call on h for the file path: "path: damaged
 * database (...)" for corruption, else "path: <sqlite message>". */
void qdb_error(sqlite3 *h, const char *path, int rc, char *err, size_t errlen);

/* Returns 1 when rc says the file is damaged or not a database. */
int qdb_is_damage(int rc);

/* Runs sql (no parameters) and returns the first column of its first row as
 * a malloc'd string (NULL when no row, a NULL value or an error). */
char *qdb_first_text(sqlite3 *h, const char *sql);

/* Number of views of analysis/views.sql (each written
 * "CREATE VIEW IF NOT EXISTS name AS ..."); for tests. */
int qdb_view_count(void);

#endif
