/* sim/study/sweep_db.c — sweep facts in results databases: meta and sweep_axes,
 * reading and checking an existing database (resume, merge), copying runs
 * between databases with ATTACH, and per-run digests. The database being
 * built is only reached through results.h (db_exec_sql, db_set_meta), so
 * it keeps its temporary-file-and-rename contract. Must not run
 * simulations or print. */
#include "sweep_db.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sdb_fingerprint_text(uint64_t fp, char *buf, size_t len)
{
	snprintf(buf, len, "%016llx", (unsigned long long)fp);
}

/* ---- meta ----------------------------------------------------------------------- */

static int meta_int(struct db *db, const char *key, long long v, char *err, size_t errlen)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%lld", v);
	return db_set_meta(db, key, buf, err, errlen);
}

int sdb_write_meta(struct db *db, const struct sweep_plan *p, char *err, size_t errlen)
{
	char fp[40], models[SC_MAX_MODELS * 20] = "";
	sdb_fingerprint_text(p->fingerprint, fp, sizeof fp);
	for (int i = 0; i < p->nmodels; i++) {
		size_t n = strlen(models);
		snprintf(models + n, sizeof models - n, "%s%s", i ? " " : "", p->models[i]);
	}
	if (db_set_meta(db, "sweep_fingerprint", fp, err, errlen) ||
	    db_set_meta(db, "sweep_scenario", p->scenario, err, errlen) ||
	    db_set_meta(db, "sweep_models", models, err, errlen) ||
	    meta_int(db, "sweep_reps", p->reps, err, errlen) ||
	    meta_int(db, "sweep_points", p->npoints, err, errlen) ||
	    meta_int(db, "sweep_runs", p->nruns, err, errlen))
		return -1;
	char seed[32];
	snprintf(seed, sizeof seed, "%lld", (long long)p->base_seed);
	if (db_set_meta(db, "sweep_seed", seed, err, errlen) ||
	    db_set_meta(db, "sweep_reuse", p->no_reuse ? "off" : "on", err, errlen))
		return -1;
	for (int i = 0; i < p->naxes; i++) {
		char *sql = sqlite3_mprintf("INSERT INTO sweep_axes(position, key, nvalues) VALUES (%d, %Q, %d)",
					    i, p->axes[i].key, p->axes[i].values.n);
		int rc = sql ? db_exec_sql(db, sql, err, errlen) : -1;
		sqlite3_free(sql);
		if (rc)
			return -1;
	}
	return 0;
}

/* ---- reading an existing database -------------------------------------------------- */

static int fail_db(sqlite3 *h, const char *path, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s (%s)", path, what, h ? sqlite3_errmsg(h) : "out of memory");
	return -1;
}

/* One text value of a query (buf = "" when no row). */
static int query_text(sqlite3 *h, const char *sql, char *buf, size_t len)
{
	sqlite3_stmt *s;
	buf[0] = 0;
	if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && sqlite3_column_text(s, 0))
		snprintf(buf, len, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int read_meta(sqlite3 *h, struct sdb_info *in, char *err, size_t errlen)
{
	char v[256];
	if (query_text(h, "PRAGMA quick_check", v, sizeof v))
		return fail_db(h, in->path, "not a gmpsim results database, or damaged", err, errlen);
	if (strcmp(v, "ok") != 0) { /* the check ran and found damage: SQLite's error is "not an error" */
		for (char *c = v; *c; c++)
			*c = *c == '\n' ? ' ' : *c;
		snprintf(err, errlen, "%s: damaged database (SQLite's quick_check: %s)", in->path, v);
		return -1;
	}
	if (query_text(h, "SELECT value FROM meta WHERE key = 'schema_version'", v, sizeof v))
		return fail_db(h, in->path, "not a gmpsim results database", err, errlen);
	if (strcmp(v, "2") != 0) {
		snprintf(err, errlen, "%s: results database schema version '%s'; this gmpsim reads version 2",
			 in->path, v);
		return -1;
	}
	if (query_text(h, "SELECT value FROM meta WHERE key = 'sweep_fingerprint'", in->fingerprint,
		       sizeof in->fingerprint) || !in->fingerprint[0]) {
		snprintf(err, errlen, "%s: not written by 'gmpsim sweep' (no sweep fingerprint in meta)", in->path);
		return -1;
	}
	query_text(h, "SELECT value FROM meta WHERE key = 'sweep_reps'", in->reps, sizeof in->reps);
	query_text(h, "SELECT value FROM meta WHERE key = 'sweep_models'", in->models, sizeof in->models);
	query_text(h, "SELECT value FROM meta WHERE key = 'sweep_seed'", in->seed, sizeof in->seed);
	query_text(h, "SELECT value FROM meta WHERE key = 'sweep_runs'", in->runs, sizeof in->runs);
	query_text(h, "SELECT value FROM meta WHERE key = 'sweep_reuse'", in->reuse, sizeof in->reuse);
	return 0;
}

static int read_runs(sqlite3 *h, struct sdb_info *in, char *err, size_t errlen)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(h, "SELECT run_number, status = 'complete' FROM runs ORDER BY run_number",
			       -1, &s, NULL) != SQLITE_OK)
		return fail_db(h, in->path, "cannot read its runs", err, errlen);
	int64_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_type(s, 0) == SQLITE_NULL) {
			snprintf(err, errlen, "%s: a run without a run_number (not a sweep database)", in->path);
			break;
		}
		int64_t num = sqlite3_column_int64(s, 0);
		if (in->n && in->numbers[in->n - 1] == num) {
			snprintf(err, errlen, "%s: run number %lld appears twice", in->path, (long long)num);
			break;
		}
		if (in->n == cap) {
			cap = cap ? 2 * cap : 256;
			int64_t *nums = realloc(in->numbers, (size_t)cap * sizeof *nums);
			unsigned char *c = nums ? realloc(in->complete, (size_t)cap) : NULL;
			if (nums)
				in->numbers = nums;
			if (c)
				in->complete = c;
			if (!c) {
				snprintf(err, errlen, "%s: out of memory", in->path);
				break;
			}
		}
		in->numbers[in->n] = num;
		in->complete[in->n++] = (unsigned char)sqlite3_column_int(s, 1);
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return -1;
	return rc == SQLITE_DONE ? 0 : fail_db(h, in->path, "cannot read its runs", err, errlen);
}

int sdb_read(const char *path, struct sdb_info *info, char *err, size_t errlen)
{
	memset(info, 0, sizeof *info);
	if (!(info->path = strdup(path))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	sqlite3 *h = NULL;
	int rc = -1;
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		fail_db(h, path, "cannot open", err, errlen);
	else
		rc = read_meta(h, info, err, errlen) || read_runs(h, info, err, errlen) ? -1 : 0;
	sqlite3_close(h);
	if (rc)
		sdb_info_free(info);
	return rc;
}

void sdb_info_free(struct sdb_info *info)
{
	free(info->path);
	free(info->numbers);
	free(info->complete);
	memset(info, 0, sizeof *info);
}

void sdb_explain_mismatch(const struct sdb_info *in, const struct sweep_plan *p, char *buf, size_t len)
{
	char models[SC_MAX_MODELS * 20] = "", seed[32], reps[24], runs[32];
	for (int i = 0; i < p->nmodels; i++) {
		size_t n = strlen(models);
		snprintf(models + n, sizeof models - n, "%s%s", i ? " " : "", p->models[i]);
	}
	snprintf(seed, sizeof seed, "%lld", (long long)p->base_seed);
	snprintf(reps, sizeof reps, "%d", p->reps);
	snprintf(runs, sizeof runs, "%lld", (long long)p->nruns);
	if (strcmp(in->reps, reps))
		snprintf(buf, len, "reps %s there, %s here", in->reps, reps);
	else if (strcmp(in->models, models))
		snprintf(buf, len, "models '%s' there, '%s' here", in->models, models);
	else if (strcmp(in->seed, seed))
		snprintf(buf, len, "base seed %s there, %s here", in->seed, seed);
	else if (strcmp(in->runs, runs))
		snprintf(buf, len, "%s runs there, %s here: the axes differ", in->runs, runs);
	else if (in->reuse[0] && strcmp(in->reuse, p->no_reuse ? "off" : "on"))
		snprintf(buf, len, "shared runs %s there, %s here (--no-reuse)", in->reuse, p->no_reuse ? "off" : "on");
	else
		snprintf(buf, len, "the scenario, its overrides or the axis values differ");
}

/* ---- copying ---------------------------------------------------------------------------- */

/* Copies src's runs in [lo, hi) that main does not hold yet (a resumed
 * sweep's partial file may hold some already). */
static const char copy_sql[] =
	"ATTACH %Q AS src;\n"
	"BEGIN;\n"
	"CREATE TEMP TABLE copy_set AS SELECT run_id FROM src.runs"
	" WHERE run_number >= %lld AND run_number < %lld"
	" AND run_number NOT IN (SELECT run_number FROM main.runs WHERE run_number IS NOT NULL);\n"
	"INSERT INTO main.runs(run_id, scenario, model, seed, rep, point_id, status, error, sim_ns,"
	" events, wall_s, version, created_at, run_number)"
	" SELECT run_number + 1, scenario, model, seed, rep, point_id, status, error, sim_ns, events,"
	" wall_s, version, created_at, run_number FROM src.runs"
	" WHERE run_id IN (SELECT run_id FROM temp.copy_set) ORDER BY run_number;\n"
	"INSERT INTO main.params(run_id, key, value) SELECT r.run_number + 1, x.key, x.value"
	" FROM src.params x JOIN src.runs r ON r.run_id = x.run_id"
	" WHERE r.run_id IN (SELECT run_id FROM temp.copy_set) ORDER BY r.run_number, x.rowid;\n"
	"INSERT INTO main.metrics(run_id, name, value, unit) SELECT r.run_number + 1, x.name, x.value, x.unit"
	" FROM src.metrics x JOIN src.runs r ON r.run_id = x.run_id"
	" WHERE r.run_id IN (SELECT run_id FROM temp.copy_set) ORDER BY r.run_number, x.rowid;\n"
	"INSERT INTO main.histograms(run_id, name, lo, hi, count) SELECT r.run_number + 1, x.name, x.lo, x.hi, x.count"
	" FROM src.histograms x JOIN src.runs r ON r.run_id = x.run_id"
	" WHERE r.run_id IN (SELECT run_id FROM temp.copy_set) ORDER BY r.run_number, x.rowid;\n"
	"INSERT INTO main.timeseries(run_id, t_ns, name, value) SELECT r.run_number + 1, x.t_ns, x.name, x.value"
	" FROM src.timeseries x JOIN src.runs r ON r.run_id = x.run_id"
	" WHERE r.run_id IN (SELECT run_id FROM temp.copy_set) ORDER BY r.run_number, x.rowid;\n"
	"DROP TABLE temp.copy_set;\n"
	"COMMIT;\n";

/* Runs sql (with an ATTACH of src); on failure rolls back and detaches. */
static int exec_attached(struct db *db, const char *src, char *sql, char *err, size_t errlen)
{
	if (!sql) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	char why[512];
	int rc = db_exec_sql(db, sql, why, sizeof why);
	sqlite3_free(sql);
	if (rc) {
		snprintf(err, errlen, "copying runs from %s: %s", src, why);
		db_exec_sql(db, "ROLLBACK", why, sizeof why);
	}
	db_exec_sql(db, "DETACH src", why, sizeof why);
	return rc;
}

int sdb_copy_runs(struct db *db, const char *src, int64_t lo, int64_t hi, char *err, size_t errlen)
{
	if (lo >= hi)
		return 0;
	long long l = lo, h = hi;
	char *sql = sqlite3_mprintf(copy_sql, src, l, h);
	return exec_attached(db, src, sql, err, errlen);
}

int sdb_keep_complete(struct db *db, char *err, size_t errlen)
{
	static const char head[] =
		"BEGIN;\n"
		"CREATE TEMP TABLE drop_set AS SELECT run_id FROM runs WHERE status IS NOT 'complete';\n"
		"DELETE FROM params WHERE run_id IN (SELECT run_id FROM temp.drop_set);\n"
		"DELETE FROM metrics WHERE run_id IN (SELECT run_id FROM temp.drop_set);\n"
		"DELETE FROM histograms WHERE run_id IN (SELECT run_id FROM temp.drop_set);\n"
		"DELETE FROM timeseries WHERE run_id IN (SELECT run_id FROM temp.drop_set);\n"
		"DELETE FROM tracks WHERE run_id IN (SELECT run_id FROM temp.drop_set);\n"
		"DELETE FROM traces WHERE run_id IN (SELECT run_id FROM temp.drop_set);\n";
	/* the coded spans and events, or (a file of an older gmpsim) their row tables: whichever it has */
	static const char *const timeline[] = {
		"DELETE FROM trace_chunks WHERE run_id IN (SELECT run_id FROM temp.drop_set)",
		"DELETE FROM spans WHERE run_id IN (SELECT run_id FROM temp.drop_set)",
		"DELETE FROM events WHERE run_id IN (SELECT run_id FROM temp.drop_set)",
	};
	static const char tail[] =
		"DELETE FROM runs WHERE run_id IN (SELECT run_id FROM temp.drop_set);\n"
		"DELETE FROM sweep_axes;\n"
		"DROP TABLE temp.drop_set;\n"
		"COMMIT;\n";
	char why[512];
	int rc = db_exec_sql(db, head, why, sizeof why);
	for (size_t i = 0; rc == 0 && i < sizeof timeline / sizeof *timeline; i++) {
		char skip[512];
		if (db_exec_sql(db, timeline[i], skip, sizeof skip) != 0 && !strstr(skip, "no such table"))
			rc = -1, snprintf(why, sizeof why, "%s", skip);
	}
	if (rc == 0 && db_exec_sql(db, tail, why, sizeof why) == 0)
		return 0;
	snprintf(err, errlen, "%s: keeping the interrupted sweep's complete runs: %s", db_temp_path(db), why);
	db_exec_sql(db, "ROLLBACK", why, sizeof why);
	return -1;
}

int sdb_copy_meta(struct db *db, const char *src, char *err, size_t errlen)
{
	char *sql = sqlite3_mprintf("ATTACH %Q AS src;\n"
				    "INSERT OR REPLACE INTO main.meta(key, value) SELECT key, value FROM src.meta"
				    " WHERE key LIKE 'sweep\\_%%' ESCAPE '\\';\n"
				    "INSERT INTO main.sweep_axes SELECT position, key, nvalues FROM src.sweep_axes;\n",
				    src);
	return exec_attached(db, src, sql, err, errlen);
}

/* ---- digests ------------------------------------------------------------------------------- */

static void hash_bytes(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		*h ^= b[i];
		*h *= 0x100000001b3ULL;
	}
}

/* Hashes every row of the query (column types and values, exactly). */
static int hash_query(sqlite3 *h, const char *sql, int64_t arg, uint64_t *d)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, arg);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		for (int c = 0; c < sqlite3_column_count(s); c++) {
			int t = sqlite3_column_type(s, c);
			hash_bytes(d, &t, sizeof t);
			if (t == SQLITE_INTEGER) {
				sqlite3_int64 v = sqlite3_column_int64(s, c);
				hash_bytes(d, &v, sizeof v);
			} else if (t == SQLITE_FLOAT) {
				double v = sqlite3_column_double(s, c);
				hash_bytes(d, &v, sizeof v);
			} else if (t != SQLITE_NULL) {
				hash_bytes(d, sqlite3_column_blob(s, c), (size_t)sqlite3_column_bytes(s, c));
			}
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int sdb_run_digest(const char *path, int64_t number, uint64_t *digest, char *err, size_t errlen)
{
	static const char *const sql[] = {
		"SELECT scenario, model, seed, rep, point_id, status, error, sim_ns, events, version, run_number FROM runs WHERE run_number = ?1",
		"SELECT key, value FROM params WHERE run_id = (SELECT run_id FROM runs WHERE run_number = ?1) ORDER BY rowid",
		"SELECT name, value, unit FROM metrics WHERE run_id = (SELECT run_id FROM runs WHERE run_number = ?1) ORDER BY rowid",
		"SELECT name, lo, hi, count FROM histograms WHERE run_id = (SELECT run_id FROM runs WHERE run_number = ?1) ORDER BY rowid",
		"SELECT t_ns, name, value FROM timeseries WHERE run_id = (SELECT run_id FROM runs WHERE run_number = ?1) ORDER BY rowid",
	};
	sqlite3 *h = NULL;
	*digest = 0xcbf29ce484222325ULL;
	int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < sizeof sql / sizeof sql[0]; i++)
		rc = hash_query(h, sql[i], number, digest);
	if (rc)
		fail_db(h, path, "cannot read a run", err, errlen);
	sqlite3_close(h);
	return rc;
}
