/* sim/store/db.h — the SQLite writer: puts each run (a struct run_result)
 * into the invocation's database in one transaction. The database is built
 * in a temporary file next to the target and renamed over it only by
 * db_close_commit, so an interrupted or failed invocation never leaves a
 * half-written or complete-looking result. */
#ifndef GMPSIM_DB_H
#define GMPSIM_DB_H
#include "results.h"
#include <stddef.h>

#include <stdbool.h>

struct db;

/* The partial file beside a target: "<target>.tmp-partial". */
#define DB_PARTIAL_SUFFIX ".tmp-partial"
#define DB_CHECK_DISCARD 2

/* How db_open builds a target's database. */
struct db_open_opts {
	bool durable;   /* WAL, a commit per run: a kill loses only the runs in flight (sweeps) */
	bool adopt;     /* keep a partial file a killed writer left (sweep --resume) */
	/* Called with the resolved target once the partial file is locked and
	 * before anything is written: -1 (err filled) refuses (the replace
	 * rule, sim/store/overwrite.h); DB_CHECK_DISCARD empties an adopted
	 * partial file that holds nothing to keep. NULL: none. */
	int (*check)(void *ctx, const char *target, char *err, size_t errlen);
	void *check_ctx;
	bool adopted;   /* out: a partial file was found and kept */
	bool discarded; /* out: a partial file was found and emptied */
};

/* Creates the database for target path in its partial file beside it
 * (locked; see db.c) with the schema. Returns NULL and fills err on
 * failure (e.g. the directory does not exist or is not writable, another
 * gmpsim is writing the same target). */
struct db *db_create(const char *target, char *err, size_t errlen);
/* The same with options; an adopted partial file keeps its rows (no
 * schema is created) and is not removed when opening fails. */
struct db *db_open(const char *target, struct db_open_opts *o, char *err, size_t errlen);
/* Writes one run in one transaction; returns its run_id (>0) or -1 with err. */
int64_t db_write_run(struct db *db, const struct run_result *r, char *err, size_t errlen);
/* Creates indexes and views, closes, renames the temporary file over the
 * target. Returns 0, or -1 with err (the temporary file is then removed). */
int db_close_commit(struct db *db, char *err, size_t errlen);
/* Closes and removes the partial file; the target is left untouched. */
void db_close_abort(struct db *db);
/* The temporary file's path (for a signal handler that must unlink it). */
const char *db_temp_path(const struct db *db);
/* The descriptor holding the partial file's flock, or -1: a fork()ed
 * worker must close its copy, or the lock outlives a killed writer until
 * the worker dies too (flock belongs to the open file, shared by fork). */
int db_lock_fd(const struct db *db);
/* Runs SQL text (several statements) on the database being built, e.g. to
 * ATTACH another database and copy rows; -1 with err naming the database. */
int db_exec_sql(struct db *db, const char *sql, char *err, size_t errlen);
/* Sets meta(key) = value (replacing it); -1 with err. */
int db_set_meta(struct db *db, const char *key, const char *value, char *err, size_t errlen);

#endif
