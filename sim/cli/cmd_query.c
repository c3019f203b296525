/* sim/cli/cmd_query.c — `gmpsim query`: the named reports (summary, compare,
 * sweep, runs, params) and arbitrary SQL over a results database, printed
 * as an aligned table, CSV or JSON.
 *
 * Named reports map to the views of analysis/views.sql (sweep and params
 * pivot their keys into columns, which a static view cannot); a table's or
 * view's name prints it whole. Anything else is run as one SQL statement on a read-only connection; a statement that
 * would write is refused before it runs. Must not change the database.
 */
#include "cmd_query.h"
#include "cli.h"
#include "qdb.h"
#include "qtable.h"
#include "units.h"
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

enum { Q_MAX_RUNS = 256 };

struct query_cli {
	const char *db, *query;
	enum qt_format format;
	long long runs[Q_MAX_RUNS];
	int nruns;
	struct qdb_limits lim;
};

static const char *const query_names[] = { "summary", "compare", "sweep", "runs", "params", NULL };

static void query_usage(FILE *f)
{
	fprintf(f,
		"usage: gmpsim query DB [summary|compare|sweep|runs|params|\"SQL\"] [--csv|--json] [--run N]...\n"
		"\n"
		"Prints a report from a results database (default: summary):\n"
		"  summary  one row per run, metrics as columns (latencies in ms)\n"
		"  compare  models side by side per scenario/seed/rep/point, ratios against gmp\n"
		"  sweep    one row per sweep point and model: the swept parameters, n complete\n"
		"           repetitions, mean and standard deviation of the main metrics\n"
		"  runs     the runs table: identity, status, error\n"
		"  params   every parameter (rows) of every run (columns 'RUN:MODEL')\n"
		"The name of a table or view prints it whole (e.g. latency_histogram).\n"
		"Anything else is run as one SQL statement, read-only (the views of\n"
		"analysis/views.sql are available even in databases that predate them).\n"
		"\n"
		"  --csv      CSV (RFC 4180) with a header row\n"
		"  --json     a JSON array of objects\n"
		"  --run N    only run N, its run_id (from 1, as in sweep --list, plot and export;\n"
		"             repeatable; summary, compare, runs, params)\n"
		"  --timeout S       stop a query running longer than S seconds (default 60; 0 = none)\n"
		"  --max-memory SIZE SQLite's memory for the query (default 1GiB; 0 = none)\n"
		"The file is read as untrusted: no triggers, no ATTACH or PRAGMA, no\n"
		"fts3_tokenizer, load_extension or other function that returns a pointer.\n"
		"\nexit status: 0 ok, 2 bad usage, bad SQL or an unreadable database\n");
}

static int query_add_run(struct query_cli *c, const char *arg)
{
	char *end;
	errno = 0;
	long long v = strtoll(arg, &end, 10);
	if (errno || *end || end == arg || v <= 0)
		return cli_error("query", EXIT_USAGE, "--run: expected a run id (a positive integer), got '%s'", arg);
	if (c->nruns == Q_MAX_RUNS)
		return cli_error("query", EXIT_USAGE, "too many --run options");
	c->runs[c->nruns++] = v;
	return 0;
}

static int query_limit(struct query_cli *c, int opt, const char *arg)
{
	char *end, why[128];
	if (opt == 't') {
		errno = 0;
		double v = strtod(arg, &end);
		if (errno || *end || end == arg || !(v >= 0) || v > 1e9)
			return cli_error("query", EXIT_USAGE, "--timeout: expected seconds (>= 0), got '%s'", arg);
		c->lim.seconds = v;
		return 0;
	}
	int64_t bytes;
	if (unit_parse_size(arg, &bytes, why, sizeof why) != 0 || bytes < 0)
		return cli_error("query", EXIT_USAGE, "--max-memory: expected a size such as 2GiB, got '%s'", arg);
	c->lim.heap = bytes;
	return 0;
}

static int query_parse(struct query_cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "csv", no_argument, 0, 'c' }, { "json", no_argument, 0, 'j' },
		{ "run", required_argument, 0, 'r' }, { "help", no_argument, 0, 'h' },
		{ "timeout", required_argument, 0, 't' }, { "max-memory", required_argument, 0, 'M' },
		{ 0, 0, 0, 0 },
	};
	int opt, rc;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (opt == 'c' || opt == 'j') {
			enum qt_format f = opt == 'c' ? QT_CSV : QT_JSON;
			if (c->format != QT_ALIGNED && c->format != f)
				return cli_error("query", EXIT_USAGE, "--csv and --json exclude each other");
			c->format = f;
		} else if (opt == 'r') {
			if ((rc = query_add_run(c, optarg)) != 0)
				return rc;
		} else if (opt == 't' || opt == 'M') {
			if ((rc = query_limit(c, opt, optarg)) != 0)
				return rc;
		} else if (opt == 'h') {
			query_usage(stdout);
			exit(0);
		} else {
			return cli_try_help("query");
		}
	}
	if (optind < argc)
		c->db = argv[optind++];
	if (optind < argc)
		c->query = argv[optind++];
	if (optind < argc)
		return cli_error("query", EXIT_USAGE, "unexpected argument '%s' (quote the SQL as one argument)",
				 argv[optind]);
	if (!c->db)
		return cli_error("query", EXIT_USAGE, "missing database file (see gmpsim query --help)");
	if (!c->query)
		c->query = "summary";
	return 0;
}

/* ---- named reports ----------------------------------------------------------- */

/* " WHERE run_id IN (1,2)" for the --run options, or "" (sqlite3_mprintf'd). */
static char *query_run_filter(const struct query_cli *c, const char *column)
{
	if (c->nruns == 0)
		return sqlite3_mprintf("");
	char *s = sqlite3_mprintf(" WHERE %s IN (", column);
	for (int i = 0; s && i < c->nruns; i++) {
		char *t = sqlite3_mprintf("%s%s%lld", s, i ? "," : "", c->runs[i]);
		sqlite3_free(s);
		s = t;
	}
	char *t = s ? sqlite3_mprintf("%s)", s) : NULL;
	sqlite3_free(s);
	return t;
}

/* Appends ", column" to sql; both are sqlite3_mprintf'd and freed here.
 * NULL when either is (out of memory). */
static char *query_append_column(char *sql, char *column)
{
	char *t = sql && column ? sqlite3_mprintf("%s, %s", sql, column) : NULL;
	sqlite3_free(sql);
	sqlite3_free(column);
	return t;
}

/* sweep with each swept key as a column, in key order (a view cannot have
 * columns that depend on the data). */
static char *query_sweep_sql(sqlite3 *h)
{
	sqlite3_stmt *st = NULL;
	char *sql = sqlite3_mprintf("SELECT s.scenario, s.point_id, s.model");
	int rc = sqlite3_prepare_v2(h, "SELECT DISTINCT key FROM swept_params ORDER BY key", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 0);
		sql = query_append_column(sql, sqlite3_mprintf(
			"(SELECT sp.value FROM swept_params AS sp WHERE sp.scenario = s.scenario"
			" AND sp.point_id = s.point_id AND sp.model = s.model AND sp.key = %Q) AS \"%w\"", key, key));
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	char *t = sql && rc == SQLITE_DONE ? sqlite3_mprintf(
		"%s, s.n, s.throughput_mean, s.throughput_sd, s.p50_ms_mean, s.p50_ms_sd,"
		" s.p99_ms_mean, s.p99_ms_sd, s.cpu_utilization_mean, s.cpu_utilization_sd,"
		" s.threads_peak_mean, s.threads_peak_sd FROM sweep AS s"
		" ORDER BY s.scenario, s.point_id, s.model", sql) : NULL;
	sqlite3_free(sql);
	return t;
}

/* params as rows, one column per (selected) run labelled 'RUN:MODEL'. */
static char *query_params_sql(sqlite3 *h, const struct query_cli *c)
{
	char *filter = query_run_filter(c, "run_id");
	char *runs = filter ? sqlite3_mprintf("SELECT run_id, run_id || ':' || model FROM runs%s ORDER BY run_id",
					      filter) : NULL;
	sqlite3_stmt *st = NULL;
	char *sql = sqlite3_mprintf("SELECT key");
	int rc = runs ? sqlite3_prepare_v2(h, runs, -1, &st, NULL) : SQLITE_NOMEM;
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		sql = query_append_column(sql, sqlite3_mprintf("MAX(CASE WHEN run_id = %lld THEN value END) AS \"%w\"",
							       (long long)sqlite3_column_int64(st, 0),
							       (const char *)sqlite3_column_text(st, 1)));
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	char *t = sql && rc == SQLITE_DONE ? sqlite3_mprintf("%s FROM params%s GROUP BY key ORDER BY key", sql, filter)
					   : NULL;
	sqlite3_free(filter);
	sqlite3_free(runs);
	sqlite3_free(sql);
	return t;
}

/* The SQL for a named report, or NULL (with err) when it cannot be built. */
static char *query_named_sql(sqlite3 *h, const struct query_cli *c, const char *name, char *err, size_t errlen)
{
	if (strcmp(name, "sweep") == 0) {
		if (c->nruns) {
			snprintf(err, errlen, "--run does not apply to 'sweep' (its rows pool the runs of a point)");
			return NULL;
		}
		char *sql = query_sweep_sql(h);
		if (!sql)
			snprintf(err, errlen, "%s: %s", c->db, sqlite3_errmsg(h));
		return sql;
	}
	if (strcmp(name, "params") == 0) {
		char *sql = query_params_sql(h, c);
		if (!sql)
			snprintf(err, errlen, "%s: %s", c->db, sqlite3_errmsg(h));
		return sql;
	}
	char *filter = query_run_filter(c, "run_id");
	char *sql = sqlite3_mprintf("SELECT * FROM %s%s ORDER BY %s", name, filter,
				    strcmp(name, "compare") == 0 ? "scenario, seed, point_id, rep, run_id" : "run_id");
	sqlite3_free(filter);
	return sql;
}

static int query_is_named(const char *q)
{
	for (int i = 0; query_names[i]; i++)
		if (strcmp(q, query_names[i]) == 0)
			return 1;
	return 0;
}

/* A single word that is no report name is a typo, not SQL. */
static int query_looks_like_word(const char *q)
{
	if (!*q)
		return 0;
	for (; *q; q++)
		if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || *q == '_' || (*q >= '0' && *q <= '9')))
			return 0;
	return 1;
}

/* Fails with err naming a --run that has no run in the database. */
static int query_check_runs(sqlite3 *h, const struct query_cli *c, char *err, size_t errlen)
{
	for (int i = 0; i < c->nruns; i++) {
		char *sql = sqlite3_mprintf("SELECT run_id FROM runs WHERE run_id = %lld", c->runs[i]);
		char *found = sql ? qdb_first_text(h, sql) : NULL;
		sqlite3_free(sql);
		if (!found) {
			char *max = qdb_first_text(h, "SELECT MAX(run_id) FROM runs");
			snprintf(err, errlen, "--run %lld: no such run in %s (run ids go from 1 to %s)",
				 c->runs[i], c->db, max ? max : "0");
			free(max);
			return -1;
		}
		free(found);
	}
	return 0;
}

/* ---- running one statement ------------------------------------------------------ */

/* Returns 1 when text holds nothing but blanks, ';' and SQL comments. */
static int query_only_blanks(sqlite3 *h, const char *text)
{
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	int rc = sqlite3_prepare_v2(h, text, -1, &st, &tail);
	int empty = rc == SQLITE_OK && st == NULL;
	sqlite3_finalize(st);
	return empty;
}

/* Prepares exactly one read-only statement from sql. */
static sqlite3_stmt *query_prepare(sqlite3 *h, const char *db, const char *sql, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	int rc = sqlite3_prepare_v2(h, sql, -1, &st, &tail);
	if (rc != SQLITE_OK) {
		if (qdb_is_damage(rc))
			qdb_error(h, db, rc, err, errlen);
		else
			snprintf(err, errlen, "SQL error: %s", sqlite3_errmsg(h));
	} else if (!st) {
		snprintf(err, errlen, "SQL error: no statement in '%s'", sql);
	} else if (tail && !query_only_blanks(h, tail)) {
		snprintf(err, errlen, "SQL error: one statement at a time (more follows: '%.40s')", tail);
	} else if (!sqlite3_stmt_readonly(st)) {
		snprintf(err, errlen, "refused: the statement would change the database, and query is read-only "
			 "(use sqlite3 on a copy to change results)");
	} else {
		return st;
	}
	sqlite3_finalize(st);
	return NULL;
}

static int query_run(sqlite3 *h, const struct query_cli *c, const char *sql)
{
	char err[1024];
	sqlite3_stmt *st = query_prepare(h, c->db, sql, err, sizeof err);
	if (!st)
		return cli_error("query", EXIT_USAGE, "%s", err);
	struct qt_table t;
	int rc = qt_fill(&t, st);
	if (rc != SQLITE_DONE) {
		if (qdb_is_damage(rc))
			qdb_error(h, c->db, rc, err, sizeof err);
		else if ((rc & 0xff) == SQLITE_INTERRUPT)
			snprintf(err, sizeof err, "stopped after %g s (the time limit; raise it with --timeout SECONDS)",
				 c->lim.seconds);
		else if ((rc & 0xff) == SQLITE_NOMEM || (rc & 0xff) == SQLITE_TOOBIG)
			snprintf(err, sizeof err, "%s (the memory limit is %lld bytes, --max-memory; a string or "
				 "blob may hold at most %d bytes)", sqlite3_errmsg(h), (long long)c->lim.heap, QDB_MAX_LENGTH);
		else if ((rc & 0xff) == SQLITE_READONLY)
			snprintf(err, sizeof err, "refused: %s (query is read-only)", sqlite3_errmsg(h));
		else
			snprintf(err, sizeof err, "SQL error: %s", sqlite3_errmsg(h));
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		qt_print(stdout, &t, c->format);
	qt_free(&t);
	return rc == SQLITE_DONE ? 0 : cli_error("query", EXIT_USAGE, "%s", err);
}

/* A single word: a table or view of the database is dumped whole; any
 * other word is a typo, not SQL. Returns the SQL or NULL with err. */
static char *query_word_sql(sqlite3 *h, const char *word, char *err, size_t errlen)
{
	char *probe = sqlite3_mprintf("SELECT name FROM sqlite_master WHERE name = %Q COLLATE NOCASE"
				      " AND type IN ('table', 'view') UNION ALL SELECT name FROM sqlite_temp_master"
				      " WHERE name = %Q COLLATE NOCASE AND type = 'view'", word, word);
	char *found = probe ? qdb_first_text(h, probe) : NULL;
	if (!found && (sqlite3_stricmp(word, "spans") == 0 || sqlite3_stricmp(word, "events") == 0))
		found = strdup(word);  /* the timeline's virtual tables (trace_vtab.h) */
	char *sql = found ? sqlite3_mprintf("SELECT * FROM \"%w\"", found) : NULL;
	if (!found) {
		char *names = qdb_first_text(h, "SELECT GROUP_CONCAT(name, ', ') FROM (SELECT name FROM sqlite_master"
					     " WHERE type IN ('table', 'view') UNION SELECT name FROM sqlite_temp_master"
					     " WHERE type = 'view' UNION SELECT 'spans' UNION SELECT 'events' ORDER BY name)");
		snprintf(err, errlen, "unknown report '%s' (reports: summary, compare, sweep, runs, params; tables and "
			 "views: %s; anything else is run as SQL)", word, names ? names : "none");
		free(names);
	}
	sqlite3_free(probe);
	free(found);
	return sql;
}

/* The SQL to run for c->query, or NULL with err. *owned says whether the
 * caller must sqlite3_free it. */
static const char *query_sql(sqlite3 *h, const struct query_cli *c, int *owned, char *err, size_t errlen)
{
	*owned = 1;
	if (query_is_named(c->query))
		return query_check_runs(h, c, err, errlen) == 0 ? query_named_sql(h, c, c->query, err, errlen) : NULL;
	if (c->nruns) {
		snprintf(err, errlen, "--run applies to the named reports; with SQL, write the WHERE clause");
		return NULL;
	}
	if (query_looks_like_word(c->query))
		return query_word_sql(h, c->query, err, errlen);
	*owned = 0;
	return c->query;
}

int cmd_query_main(int argc, char **argv)
{
	struct query_cli c = { .lim = { QDB_DEFAULT_SECONDS, QDB_DEFAULT_HEAP } };
	int rc = query_parse(&c, argc, argv);
	if (rc)
		return rc;
	char err[1024];
	sqlite3 *h = qdb_open_limited(c.db, &c.lim, err, sizeof err);
	if (!h)
		return cli_error("query", EXIT_USAGE, "%s", err);
	int owned;
	const char *sql = query_sql(h, &c, &owned, err, sizeof err);
	rc = sql ? query_run(h, &c, sql) : cli_error("query", EXIT_USAGE, "%s", err);
	if (owned)
		sqlite3_free((char *)sql);
	sqlite3_close(h);
	return rc;
}
