/* sim/store/db.c — the SQLite writer (db_*) that puts runs into the
 * invocation's results database.
 *
 * It builds the database in the target's partial file beside it
 * ("<target>.tmp-partial") and only db_close_commit renames it over the
 * target; must not ever write to the target path directly, so a crash or a
 * failed invocation leaves either no target or the old one, never a
 * half-written one. The partial file has one name per target and is
 * locked (flock) while a writer has it: a second writer to the same target
 * is refused before it simulates anything (issue 12 point 4), and a
 * partial file left by a killed writer is found by the next one, which
 * adopts it (a sweep's --resume) or discards it. A durable database (a
 * sweep's) is in WAL mode with a commit per run, so kill -9 loses only the
 * runs in flight. Must not be used from several threads at once.
 */
#include "db.h"
#include "trace_db.h"
#include "outpath.h"
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Generated from analysis/schema.sql and analysis/views.sql (build/sql_embed.c). */
extern const char sql_schema[];
extern const char sql_views[];

/* ---- writer ----------------------------------------------------------- */

enum db_stmt_id { DB_RUN, DB_PARAM, DB_METRIC, DB_BUCKET, DB_SAMPLE, DB_NSTMT };

static const char *const db_stmt_sql[DB_NSTMT] = {
	[DB_RUN] = "INSERT INTO runs(scenario, model, seed, rep, point_id, status, error,"
		   " sim_ns, events, wall_s, version, created_at, run_number, run_id)"
		   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	[DB_PARAM] = "INSERT INTO params(run_id, key, value) VALUES (?1, ?2, ?3)",
	[DB_METRIC] = "INSERT INTO metrics(run_id, name, value, unit) VALUES (?1, ?2, ?3, ?4)",
	[DB_BUCKET] = "INSERT INTO histograms(run_id, name, lo, hi, count) VALUES (?1, ?2, ?3, ?4, ?5)",
	[DB_SAMPLE] = "INSERT INTO timeseries(run_id, t_ns, name, value) VALUES (?1, ?2, ?3, ?4)",
};

/* Created after the bulk insert by db_close_commit (cheaper than keeping
 * them up to date row by row). Listed in analysis/schema.sql's header.
 * IF NOT EXISTS: a sweep killed between these and the rename leaves them
 * in its partial file, which --resume then finishes. */
static const char db_indexes_sql[] =
	"CREATE INDEX IF NOT EXISTS params_run_key ON params(run_id, key);\n"
	"CREATE INDEX IF NOT EXISTS metrics_run_name ON metrics(run_id, name);\n"
	"CREATE INDEX IF NOT EXISTS metrics_name ON metrics(name);\n"
	"CREATE INDEX IF NOT EXISTS histograms_run_name ON histograms(run_id, name);\n"
	"CREATE INDEX IF NOT EXISTS timeseries_run_name_t ON timeseries(run_id, name, t_ns);\n";

/* Private while building: no journal file, no syncs (the file only becomes
 * visible by rename). MEMORY, not OFF, so that ROLLBACK still works. */
static const char db_pragmas_sql[] =
	"PRAGMA journal_mode = MEMORY;\n"
	"PRAGMA synchronous = OFF;\n"
	"PRAGMA foreign_keys = ON;\n";

/* Durable while building (a sweep): each committed run survives kill -9
 * (WAL: a transaction cut short is never seen), and a power loss loses at
 * most the last runs, never the file (synchronous NORMAL). */
static const char db_durable_pragmas_sql[] =
	"PRAGMA journal_mode = WAL;\n"
	"PRAGMA synchronous = NORMAL;\n"
	"PRAGMA foreign_keys = ON;\n";

struct db {
	sqlite3 *h;
	char *target;
	char *tmp;
	int lock_fd;          /* the partial file, flock()ed while we write it; -1: none */
	bool durable;
	sqlite3_stmt *stmt[DB_NSTMT];
};

static void db_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void db_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Finalizes statements, closes the handle, frees db. Leaves files alone.
 * Returns the sqlite3_close result. */
static int db_release(struct db *db)
{
	int rc = SQLITE_OK;
	for (int i = 0; i < DB_NSTMT; i++)
		sqlite3_finalize(db->stmt[i]);
	if (db->h)
		rc = sqlite3_close(db->h);
	if (db->lock_fd >= 0)
		close(db->lock_fd);  /* after SQLite's close: ends the flock */
	free(db->target);
	free(db->tmp);
	free(db);
	return rc;
}

/* Explains a failed mkstemp beside db->target, naming the directory when
 * that is the problem. */
static void db_temp_error(struct db *db, int e, char *err, size_t errlen)
{
	const char *slash = strrchr(db->target, '/'), *dir = ".";
	int dirlen = 1; /* "." when target has no slash, "/" when it is "/x" */
	if (slash) {
		dir = db->target;
		dirlen = slash == dir ? 1 : (int)(slash - dir);
	}
	struct stat st;
	char dirpath[4096];
	snprintf(dirpath, sizeof dirpath, "%.*s", dirlen, dir);
	if (e == ENOENT && stat(dirpath, &st) == 0 && S_ISDIR(st.st_mode)) /* e.g. /proc */
		db_err(err, errlen, "cannot create results database '%s': directory '%.*s' does not accept "
		       "new files (%s)", db->target, dirlen, dir, strerror(e));
	else if (e == ENOENT)
		db_err(err, errlen, "cannot create results database '%s': directory '%.*s' does not exist",
		       db->target, dirlen, dir);
	else if (e == ENOTDIR)
		db_err(err, errlen, "cannot create results database '%s': '%.*s' is not a directory",
		       db->target, dirlen, dir);
	else if (e == EACCES || e == EROFS || e == EPERM)
		db_err(err, errlen, "cannot create results database '%s': directory '%.*s' is not writable (%s)",
		       db->target, dirlen, dir, strerror(e));
	else
		db_err(err, errlen, "cannot create results database '%s' (temporary file '%s'): %s",
		       db->target, db->tmp, strerror(e));
}

/* Removes the partial file's WAL and shared-memory companions (a killed
 * writer's; SQLite would replay a stale WAL into a fresh file). */
static void db_unlink_companions(const char *tmp)
{
	char path[4200];
	snprintf(path, sizeof path, "%s-wal", tmp);
	unlink(path);
	snprintf(path, sizeof path, "%s-shm", tmp);
	unlink(path);
}

/* Opens and flock()s target's partial file; 1 when another writer holds
 * it, 0 when locked by us (db->lock_fd) and still at its path, -1 on an
 * error (errno). A writer that finished renamed the file away between our
 * open and our lock: then the lock is on a stale file, so try again. */
static int db_lock_partial(struct db *db)
{
	for (int tries = 0; tries < 100; tries++) {
		int fd = open(db->tmp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
		if (fd < 0)
			return -1;
		if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
			int e = errno;
			close(fd);
			if (e == EWOULDBLOCK)
				return 1;
			errno = e;
			return -1;
		}
		struct stat a, b;
		if (fstat(fd, &a) == 0 && stat(db->tmp, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev &&
		    S_ISREG(a.st_mode)) {
			db->lock_fd = fd;
			return 0;
		}
		close(fd);
	}
	errno = EAGAIN;
	return -1;
}

/* Takes target's partial file: "<target>.tmp-partial", created with the
 * umask's mode and locked. A partial file left by a killed writer is kept
 * when adopt (*found set), else emptied. */
static int db_make_temp(struct db *db, bool adopt, bool *found, char *err, size_t errlen)
{
	size_t len = strlen(db->target) + 64;
	db->tmp = malloc(len);
	if (!db->tmp) {
		db_err(err, errlen, "out of memory");
		return -1;
	}
	snprintf(db->tmp, len, "%s" DB_PARTIAL_SUFFIX, db->target);
	int rc = db_lock_partial(db);
	if (rc == 1) {
		db_err(err, errlen, "results database '%s' is being written by another gmpsim (its partial "
		       "file '%s' is locked): wait for it to finish, or choose another -o", db->target, db->tmp);
	} else if (rc < 0) {
		db_temp_error(db, errno, err, errlen);
	} else {
		struct stat st;
		*found = fstat(db->lock_fd, &st) == 0 && st.st_size > 0;
		if (!adopt || !*found) {
			db_unlink_companions(db->tmp);
			if (ftruncate(db->lock_fd, 0) == 0)
				return 0;
			db_temp_error(db, errno, err, errlen);
		} else {
			return 0;
		}
	}
	free(db->tmp);
	db->tmp = NULL;
	return -1;
}

/* SQLite's message for the last error, with the system's reason when an
 * I/O error had one ("disk I/O error (File too large)" under ulimit -f,
 * "... (No space left on device)"). */
static const char *db_errmsg(struct db *db, const char *msg, char *buf, size_t len)
{
	int e = sqlite3_system_errno(db->h);
	struct rlimit rl;
	struct stat st;
	char wal[4200];
	snprintf(wal, sizeof wal, "%s-wal", db->tmp ? db->tmp : "");
	if (!e && db->tmp && getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    ((stat(db->tmp, &st) == 0 && (rlim_t)st.st_size + 65536 >= rl.rlim_cur) ||
	     (stat(wal, &st) == 0 && (rlim_t)st.st_size + 65536 >= rl.rlim_cur)))
		e = EFBIG; /* SQLite does not always keep the write's errno (nor say which file) */
	if (!e)
		return msg;
	snprintf(buf, len, "%s (%s%s)", msg, strerror(e),
		 e == EFBIG ? ": the file-size limit, ulimit -f, was reached" : "");
	return buf;
}

/* Runs a multi-statement SQL text; on error fills err with what. */
static int db_exec(struct db *db, const char *sql, const char *what, char *err, size_t errlen)
{
	char *msg = NULL;
	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	char why[512];
	db_err(err, errlen, "results database '%s': %s: %s", db->target, what,
	       db_errmsg(db, msg ? msg : sqlite3_errmsg(db->h), why, sizeof why));
	sqlite3_free(msg);
	return -1;
}

static int db_open_schema(struct db *db, bool adopted, char *err, size_t errlen)
{
	if (sqlite3_open_v2(db->tmp, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		db_err(err, errlen, "cannot open results database '%s': %s", db->tmp,
		       db->h ? sqlite3_errmsg(db->h) : "out of memory");
		return -1;
	}
	if (db_exec(db, db->durable ? db_durable_pragmas_sql : db_pragmas_sql, "pragmas", err, errlen) < 0)
		return -1;
	if (!adopted && (db_exec(db, sql_schema, "schema", err, errlen) < 0 ||
			 db_exec(db, "INSERT INTO meta(key, value) VALUES ('gmpsim_version', '"
				 GMPSIM_VERSION "')", "meta", err, errlen) < 0))
		return -1;
	for (int i = 0; i < DB_NSTMT; i++) {
		if (sqlite3_prepare_v2(db->h, db_stmt_sql[i], -1, &db->stmt[i], NULL) != SQLITE_OK) {
			db_err(err, errlen, "results database '%s': prepare: %s", db->tmp,
			       sqlite3_errmsg(db->h));
			return -1;
		}
	}
	return 0;
}

/* Fails (NULL, err naming the path) when target is not a regular file or a
 * new path (outpath.h: a device, FIFO or directory is never replaced), the
 * directory of target does not exist or is not writable, or SQLite cannot create the schema; no file is
 * left behind then. The target itself is not touched. */
struct db *db_create(const char *target, char *err, size_t errlen)
{
	struct db_open_opts o = { 0 };
	return db_open(target, &o, err, errlen);
}

struct db *db_open(const char *target, struct db_open_opts *o, char *err, size_t errlen)
{
	if (!target || !*target) {
		db_err(err, errlen, "results database: empty path");
		return NULL;
	}
	struct db *db = calloc(1, sizeof *db);
	if (!db) {
		db_err(err, errlen, "out of memory");
		return NULL;
	}
	db->lock_fd = -1;
	db->durable = o->durable;
	bool found = false;
	if (!(db->target = out_resolve(target, err, errlen))) {
		free(db);
		return NULL;
	}
	if (db_make_temp(db, o->adopt, &found, err, errlen) < 0) {
		db_release(db);
		return NULL;
	}
	o->adopted = o->adopt && found;
	o->discarded = !o->adopt && found;
	int verdict = o->check ? o->check(o->check_ctx, db->target, err, errlen) : 0;
	if (verdict == DB_CHECK_DISCARD) {  /* nothing in the partial file worth keeping */
		db_unlink_companions(db->tmp);
		verdict = ftruncate(db->lock_fd, 0) == 0 ? 0 : -1;
		if (verdict)
			db_temp_error(db, errno, err, errlen);
		o->adopted = false;
		o->discarded = true;
	}
	if (verdict != 0 || db_open_schema(db, o->adopted, err, errlen) < 0) {
		if (o->adopted) {  /* keep what a killed writer left: it may be resumed later */
			db_release(db);
			return NULL;
		}
		db_close_abort(db);
		return NULL;
	}
	return db;
}

/* Steps an insert and readies it for reuse; bindings are cleared so the
 * statement keeps no pointer into the caller's run_result. */
static int db_step(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void db_now_iso8601(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int db_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	return v ? sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(s, i);
}

/* Inserts the runs row; returns its run_id or -1. */
static int64_t db_insert_run(struct db *db, const struct run_result *r)
{
	sqlite3_stmt *s = db->stmt[DB_RUN];
	char now[32];
	db_now_iso8601(now, sizeof now);
	db_bind_text(s, 1, r->scenario);
	db_bind_text(s, 2, r->model);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)r->seed); /* bit pattern, see schema */
	sqlite3_bind_int(s, 4, r->rep);
	sqlite3_bind_int(s, 5, r->point_id);
	db_bind_text(s, 6, r->status);
	db_bind_text(s, 7, r->error);
	sqlite3_bind_int64(s, 8, r->sim_ns_run);
	sqlite3_bind_int64(s, 9, (sqlite3_int64)r->events);
	sqlite3_bind_double(s, 10, r->wall_s);
	db_bind_text(s, 11, GMPSIM_VERSION);
	db_bind_text(s, 12, now);
	if (r->run_number >= 0) { /* run_id = run_number + 1: the same rows whatever the order */
		sqlite3_bind_int64(s, 13, r->run_number);
		sqlite3_bind_int64(s, 14, r->run_number + 1);
	} /* else both NULL: no run number, run_id automatic */
	if (db_step(s) < 0)
		return -1;
	return sqlite3_last_insert_rowid(db->h);
}

static int db_insert_params(struct db *db, const struct run_result *r, int64_t id)
{
	sqlite3_stmt *s = db->stmt[DB_PARAM];
	for (int i = 0; i < r->nparams; i++) {
		sqlite3_bind_int64(s, 1, id);
		db_bind_text(s, 2, r->params[i].key);
		db_bind_text(s, 3, r->params[i].value);
		if (db_step(s) < 0)
			return -1;
	}
	return 0;
}

/* NaN values are stored as NULL (SQLite's own rule for NaN doubles). */
static int db_insert_metrics(struct db *db, const struct run_result *r, int64_t id)
{
	sqlite3_stmt *s = db->stmt[DB_METRIC];
	for (int i = 0; i < r->nmetrics; i++) {
		sqlite3_bind_int64(s, 1, id);
		db_bind_text(s, 2, r->metrics[i].name);
		sqlite3_bind_double(s, 3, r->metrics[i].value);
		db_bind_text(s, 4, r->metrics[i].unit);
		if (db_step(s) < 0)
			return -1;
	}
	return 0;
}

static int db_insert_buckets(struct db *db, const struct run_result *r, int64_t id)
{
	sqlite3_stmt *s = db->stmt[DB_BUCKET];
	for (int i = 0; i < r->nbuckets; i++) {
		sqlite3_bind_int64(s, 1, id);
		db_bind_text(s, 2, r->buckets[i].name);
		sqlite3_bind_double(s, 3, r->buckets[i].lo);
		sqlite3_bind_double(s, 4, r->buckets[i].hi);
		sqlite3_bind_int64(s, 5, r->buckets[i].count);
		if (db_step(s) < 0)
			return -1;
	}
	return 0;
}

/* Returns -1 with *bad set to the sample index when a series id is out of
 * range (not an SQLite error). */
static int db_insert_samples(struct db *db, const struct run_result *r, int64_t id, int *bad)
{
	sqlite3_stmt *s = db->stmt[DB_SAMPLE];
	for (int i = 0; i < r->nsamples; i++) {
		int name = r->samples[i].name;
		if (name < 0 || name >= r->nseries_names) {
			*bad = i;
			return -1;
		}
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int64(s, 2, r->samples[i].t);
		db_bind_text(s, 3, r->series_names[name]);
		sqlite3_bind_double(s, 4, r->samples[i].value);
		if (db_step(s) < 0)
			return -1;
	}
	return 0;
}

/* The inserts of one run, inside the caller's transaction. */
static int64_t db_insert_all(struct db *db, const struct run_result *r, char *err, size_t errlen)
{
	int bad = -1;
	int64_t id = db_insert_run(db, r);
	if (id < 0 || db_insert_params(db, r, id) < 0 || db_insert_metrics(db, r, id) < 0 ||
	    db_insert_buckets(db, r, id) < 0 || db_insert_samples(db, r, id, &bad) < 0 ||
	    trc_db_insert(db->h, r->trace, id) < 0) {
		if (bad >= 0)
			db_err(err, errlen, "results database '%s': run %s/%s: sample %d names unknown series %d",
			       db->target, r->scenario ? r->scenario : "?", r->model ? r->model : "?",
			       bad, r->samples[bad].name);
		else {
			char why[512];
			db_err(err, errlen, "results database '%s': run %s/%s: %s", db->target,
			       r->scenario ? r->scenario : "?", r->model ? r->model : "?",
			       db_errmsg(db, sqlite3_errmsg(db->h), why, sizeof why));
		}
		return -1;
	}
	return id;
}

/* One transaction: either the whole run is in the database or none of it.
 * Cost: one row per param, metric, bucket and sample; statements reused. */
int64_t db_write_run(struct db *db, const struct run_result *r, char *err, size_t errlen)
{
	if (!db || !r) {
		db_err(err, errlen, "results database: no database or no run");
		return -1;
	}
	if (db_exec(db, "BEGIN", "begin", err, errlen) < 0)
		return -1;
	int64_t id = db_insert_all(db, r, err, errlen);
	if (id < 0 || db_exec(db, "COMMIT", "commit", err, errlen) < 0) {
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return id;
}

/* Best effort: the rename is what makes the file visible; a failed fsync
 * only weakens durability after a power loss, so it is not an error. */
static void db_sync_file(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	(void)fsync(fd);
	close(fd);
}

/* Indexes and views, then close, then rename over the target (replacing
 * it). Frees db whatever happens; on failure the temporary file is removed
 * and the target is left as it was. */
int db_close_commit(struct db *db, char *err, size_t errlen)
{
	if (!db) {
		db_err(err, errlen, "results database: not open");
		return -1;
	}
	if (db_exec(db, db_indexes_sql, "indexes", err, errlen) < 0 ||
	    db_exec(db, sql_views, "views", err, errlen) < 0) {
		db_close_abort(db);
		return -1;
	}
	if (db->durable && db_exec(db, "PRAGMA journal_mode = DELETE", "journal", err, errlen) < 0) {
		db_close_abort(db);  /* readers must not need write access for a WAL */
		return -1;
	}
	char *tmp = db->tmp, *target = db->target;
	int lock_fd = db->lock_fd;
	db->tmp = db->target = NULL;
	db->lock_fd = -1;  /* held until the rename is done */
	int rc = db_release(db);
	if (rc != SQLITE_OK) {
		db_err(err, errlen, "results database '%s': close: %s", tmp, sqlite3_errstr(rc));
	} else {
		db_sync_file(tmp);
		if (out_check(target, err, errlen) == 0 && rename(tmp, target) == 0) {
			close(lock_fd);
			free(tmp);
			free(target);
			return 0;
		}
		else if (out_check(target, NULL, 0) == 0)
			db_err(err, errlen, "cannot rename '%s' to '%s': %s", tmp, target, strerror(errno));
	}
	unlink(tmp);
	db_unlink_companions(tmp);
	close(lock_fd);
	free(tmp);
	free(target);
	return -1;
}

void db_close_abort(struct db *db)
{
	if (!db)
		return;
	char *tmp = db->tmp;
	int lock_fd = db->lock_fd;
	db->tmp = NULL;
	db->lock_fd = -1;
	db_release(db);
	if (tmp) {  /* removed while still locked: no other writer can have taken it */
		unlink(tmp);
		db_unlink_companions(tmp);
	}
	if (lock_fd >= 0)
		close(lock_fd);
	free(tmp);
}

int db_lock_fd(const struct db *db)
{
	return db->lock_fd;
}

const char *db_temp_path(const struct db *db) { return db->tmp; }

int db_exec_sql(struct db *db, const char *sql, char *err, size_t errlen)
{
	return db_exec(db, sql, "sql", err, errlen);
}

int db_set_meta(struct db *db, const char *key, const char *value, char *err, size_t errlen)
{
	char *sql = sqlite3_mprintf("INSERT OR REPLACE INTO meta(key, value) VALUES (%Q, %Q)", key, value);
	if (!sql) {
		db_err(err, errlen, "out of memory");
		return -1;
	}
	int rc = db_exec(db, sql, "meta", err, errlen);
	sqlite3_free(sql);
	return rc;
}
