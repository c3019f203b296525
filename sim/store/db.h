/* sim/store/db.h — the SQLite writer: puts each run (a struct run_result)
 * into the invocation's database in one transaction. The database is built
 * in a temporary file next to the target and renamed over it only by
 * db_close_commit, so an interrupted or failed invocation never leaves a
 * half-written or complete-looking result. */
#ifndef GMPSIM_DB_H
#define GMPSIM_DB_H
#include "results.h"
#include <stddef.h>

struct db;

/* Creates the database for target path: a fresh temporary file beside it
 * with the schema. Returns NULL and fills err on failure (e.g. the
 * directory does not exist or is not writable). */
struct db *db_create(const char *target, char *err, size_t errlen);
/* Writes one run in one transaction; returns its run_id (>0) or -1 with err. */
int64_t db_write_run(struct db *db, const struct run_result *r, char *err, size_t errlen);
/* Creates indexes and views, closes, renames the temporary file over the
 * target. Returns 0, or -1 with err (the temporary file is then removed). */
int db_close_commit(struct db *db, char *err, size_t errlen);
/* Closes and removes the temporary file; the target is left untouched. */
void db_close_abort(struct db *db);
/* The temporary file's path (for a signal handler that must unlink it). */
const char *db_temp_path(const struct db *db);
/* Runs SQL text (several statements) on the database being built, e.g. to
 * ATTACH another database and copy rows; -1 with err naming the database. */
int db_exec_sql(struct db *db, const char *sql, char *err, size_t errlen);
/* Sets meta(key) = value (replacing it); -1 with err. */
int db_set_meta(struct db *db, const char *key, const char *value, char *err, size_t errlen);

#endif
