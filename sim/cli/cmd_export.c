/* sim/cli/cmd_export.c — `gmpsim export DB --run N -o trace.json`: turns the
 * timeline of a run recorded with --trace (tables tracks, spans, events;
 * analysis/schema.sql) and its time series into Chrome Trace Event Format
 * JSON, which Perfetto UI (ui.perfetto.dev) and chrome://tracing open.
 *
 * Layout: one process per track kind that has tracks (cores, Ps, Ms,
 * kernel threads, scheduler events, goroutines; counters) and one thread
 * per track, named by "M" metadata events; spans become "X" complete
 * events, scheduler events "i" instant events, the run's timeseries rows
 * and the counters derived from the spans (exact at every change) "C"
 * counter events. ts and dur
 * are microseconds with the nanoseconds kept exactly (three decimals).
 * Records are streamed in time order (a three-way merge of SQL cursors), so
 * memory does not grow with the trace; each output file is written to a
 * temporary file and renamed only when every file is complete. With
 * --max-events N the trace is split into numbered files of at most N
 * events each (trace-0.json, trace-1.json ...), every one openable alone.
 * Exit status: 0 written; 2 bad usage or input (arguments, database, run,
 * an -o path that cannot be created); 1 a write that failed midway.
 * Must not write to the database (it is opened read-only).
 */
#include "cmd_export.h"
#include "cli.h"
#include "outpath.h"
#include "trace_vtab.h"
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Chrome trace processes, one per track kind. */
enum { PID_CORE = 1, PID_P, PID_M, PID_THREAD, PID_SCHED, PID_COUNTER, PID_G };

static const char *const exp_pid_names[] = {
	[PID_CORE] = "cores", [PID_P] = "Ps (GOMAXPROCS)", [PID_M] = "Ms (Go threads)",
	[PID_THREAD] = "kernel threads", [PID_SCHED] = "scheduler events", [PID_COUNTER] = "counters",
	[PID_G] = "goroutines",
};

struct exp_track {
	char kind[16];
	char name[48];
	int64_t num;
	int pid;
};

struct exp_file {
	char *tmp, *final;
};

struct exp {
	const char *db, *out;
	int64_t run, max_events;
	sqlite3 *h;
	char model[64], scenario[128];
	int64_t truncated_at;              /* -1: the trace is complete */
	struct exp_track *tracks;
	int64_t ntracks;
	FILE *f;                           /* the file being written */
	struct exp_file *files;
	int nfiles;
	int64_t in_file, total;            /* events in the current file, in all */
	bool first;                        /* no event written to f yet */
	bool pid_used[PID_G + 1];          /* processes that have a track (or counters) */
};

static void exp_usage(FILE *f)
{
	fprintf(f, "usage: gmpsim export DB --run N -o TRACE.json [--max-events N]\n"
		   "\n"
		   "Writes the timeline of run N of results database DB (recorded with\n"
		   "'gmpsim SCENARIO.yaml --trace') as Chrome Trace Event JSON for\n"
		   "ui.perfetto.dev or chrome://tracing: a process per track kind that has\n"
		   "tracks, a P's or M's goroutine named as its own track (G17), the run's\n"
		   "sampled timeseries and counters exact at every change counted off the\n"
		   "spans (busy cores, live/running/runnable goroutines and threads, spinning Ms).\n"
		   "\n"
		   "      --run N           the run, numbered from 1 as in query, plot and sweep --list\n"
		   "                        (runs.run_id; see: gmpsim query DB runs)\n"
		   "  -o, --output FILE     the JSON file (replaced atomically)\n"
		   "  -n, --max-events N    split into FILE-0.json, FILE-1.json ... of at most N events each\n"
		   "  -h, --help            this help\n");
}

/* ---- arguments --------------------------------------------------------------- */

static int exp_parse_count(const char *opt, const char *arg, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(arg, &end, 10);
	if (errno || *end || !*arg || v <= 0)
		return cli_usage_error("export", "%s: expected a positive integer, got '%s'", opt, arg);
	*out = v;
	return 0;
}

static int exp_parse_args(struct exp *x, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "run", required_argument, 0, 'R' },        { "output", required_argument, 0, 'o' },
		{ "max-events", required_argument, 0, 'n' }, { "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	int opt, rc = 0;
	optind = 0;  /* glibc: rescan from argv[1] */
	while (rc == 0 && (opt = getopt_long(argc, argv, "o:n:h", longopts, NULL)) != -1) {
		/* no -r: in gmpsim -r is --reps (sweep, run, capacity) and never --run */
		if (opt == 'R')
			rc = exp_parse_count("--run", optarg, &x->run);
		else if (opt == 'o')
			x->out = optarg;
		else if (opt == 'n')
			rc = exp_parse_count("--max-events", optarg, &x->max_events);
		else if (opt == 'h') {
			exp_usage(stdout);
			exit(0);
		} else
			rc = cli_try_help("export");
	}
	if (rc)
		return rc;
	if (optind != argc - 1)
		return cli_usage_error("export", optind == argc ? "missing the results database (DB)"
								: "expected one results database, got extra '%s'",
				       optind < argc - 1 ? argv[optind + 1] : "");
	x->db = argv[optind];
	if (!x->run)
		return cli_usage_error("export", "missing --run N (the run to export)");
	if (!x->out || !*x->out)
		return cli_usage_error("export", "missing -o FILE (the JSON to write)");
	return 0;
}

/* ---- the database ------------------------------------------------------------------ */

static int exp_db_error(struct exp *x, const char *what)
{
	int code = sqlite3_errcode(x->h);
	if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
		return cli_error("export", EXIT_USAGE, "'%s' is not a gmpsim results database or is damaged (%s)",
				x->db, sqlite3_errmsg(x->h));
	return cli_error("export", EXIT_USAGE, "'%s': %s: %s", x->db, what, sqlite3_errmsg(x->h));
}

static int exp_open(struct exp *x)
{
	struct stat st;
	if (stat(x->db, &st) != 0)
		return cli_error("export", EXIT_USAGE, "cannot open '%s': %s", x->db, strerror(errno));
	if (sqlite3_open_v2(x->db, &x->h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return cli_error("export", EXIT_USAGE, "cannot open '%s': %s", x->db,
				x->h ? sqlite3_errmsg(x->h) : "out of memory");
	if (trv_register(x->h) != SQLITE_OK)
		return exp_db_error(x, "registering the spans and events tables");
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(x->h, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &s,
			       NULL) != SQLITE_OK) {
		if (sqlite3_errcode(x->h) == SQLITE_ERROR)
			return cli_error("export", EXIT_USAGE, "'%s' is not a gmpsim results database (%s)", x->db,
					sqlite3_errmsg(x->h));
		return exp_db_error(x, "reading meta");
	}
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? cli_error("export", EXIT_USAGE, "'%s' is not a gmpsim results database "
						     "(no schema_version)", x->db)
					 : exp_db_error(x, "reading meta");
	return 0;
}

/* The run's identity; a clear error when there is no such run. */
static int exp_load_run(struct exp *x)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(x->h, "SELECT model, scenario FROM runs WHERE run_id = ?1", -1, &s,
			       NULL) != SQLITE_OK)
		return exp_db_error(x, "reading runs");
	sqlite3_bind_int64(s, 1, x->run);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		snprintf(x->model, sizeof x->model, "%s", (const char *)sqlite3_column_text(s, 0));
		snprintf(x->scenario, sizeof x->scenario, "%s", (const char *)sqlite3_column_text(s, 1));
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return exp_db_error(x, "reading runs");
	int64_t lo = 0, hi = 0;
	if (sqlite3_prepare_v2(x->h, "SELECT min(run_id), max(run_id) FROM runs", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW) {
		lo = sqlite3_column_int64(s, 0);
		hi = sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	if (hi == 0)
		return cli_error("export", EXIT_USAGE, "--run %lld: '%s' holds no runs", (long long)x->run, x->db);
	return cli_error("export", EXIT_USAGE, "--run %lld: no such run in '%s' (runs %lld..%lld; see: sqlite3 %s "
			"'select run_id, model from runs')", (long long)x->run, x->db, (long long)lo,
			(long long)hi, x->db);
}

static int exp_no_trace(struct exp *x)
{
	return cli_error("export", EXIT_USAGE, "run %lld (%s) of '%s' has no trace data: re-run the scenario with "
			"--trace (e.g. gmpsim SCENARIO.yaml --trace -o %s)", (long long)x->run, x->model,
			x->db, x->db);
}

/* The traces row (absent: the run was not traced) and the tracks. */
static int exp_load_trace(struct exp *x)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(x->h, "SELECT truncated_at_ns FROM traces WHERE run_id = ?1", -1, &s,
			       NULL) != SQLITE_OK)
		return sqlite3_errcode(x->h) == SQLITE_ERROR ? exp_no_trace(x) : exp_db_error(x, "reading traces");
	sqlite3_bind_int64(s, 1, x->run);
	int rc = sqlite3_step(s);
	x->truncated_at = rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL
				  ? sqlite3_column_int64(s, 0) : -1;
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return exp_no_trace(x);
	if (rc != SQLITE_ROW)
		return exp_db_error(x, "reading traces");
	char why[512];
	if (trv_check_run(x->h, x->run, why, sizeof why) < 0)
		return cli_error("export", EXIT_USAGE, "'%s': %s; nothing written", x->db, why);
	return 0;
}

static int exp_pid_of(const char *kind)
{
	static const char *const kinds[] = { [PID_CORE] = "core", [PID_P] = "P", [PID_M] = "M",
					     [PID_THREAD] = "thread", [PID_SCHED] = "sched", [PID_G] = "G" };
	for (int i = PID_CORE; i <= PID_G; i++)
		if (kinds[i] && strcmp(kind, kinds[i]) == 0)
			return i;
	return PID_SCHED;
}

/* Tracks are dense 0..n-1 per run (the writer numbers them so); a gap or
 * a track id out of range means a damaged database. */
static int exp_load_tracks(struct exp *x)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(x->h, "SELECT track, kind, num, name FROM tracks WHERE run_id = ?1 "
			       "ORDER BY track", -1, &s, NULL) != SQLITE_OK)
		return exp_db_error(x, "reading tracks");
	sqlite3_bind_int64(s, 1, x->run);
	int rc;
	int64_t cap = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		if (id != x->ntracks) {
			sqlite3_finalize(s);
			return cli_error("export", EXIT_USAGE, "'%s' is damaged: run %lld's tracks are not numbered "
					"0, 1, ... (found track %lld at position %lld)", x->db,
					(long long)x->run, (long long)id, (long long)x->ntracks);
		}
		if (x->ntracks == cap) {
			cap = cap ? 2 * cap : 64;
			struct exp_track *t = realloc(x->tracks, sizeof *t * (size_t)cap);
			if (!t) {
				sqlite3_finalize(s);
				return cli_error("export", EXIT_FAIL, "out of memory");
			}
			x->tracks = t;
		}
		struct exp_track *t = &x->tracks[x->ntracks++];
		const char *kind = (const char *)sqlite3_column_text(s, 1);
		const char *name = (const char *)sqlite3_column_text(s, 3);
		snprintf(t->kind, sizeof t->kind, "%s", kind ? kind : "?");
		snprintf(t->name, sizeof t->name, "%s", name ? name : "?");
		t->num = sqlite3_column_int64(s, 2);
		t->pid = exp_pid_of(t->kind);
		x->pid_used[t->pid] = true;
		x->pid_used[PID_COUNTER] = true;  /* spans give counters (busy cores ...) */
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : exp_db_error(x, "reading tracks");
}

/* ---- JSON output ------------------------------------------------------------------- */

static void exp_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* ns as microseconds, exactly: "12.345". */
static void exp_us(FILE *f, int64_t ns)
{
	if (ns < 0) {
		fputc('-', f);
		ns = -ns;
	}
	fprintf(f, "%lld.%03lld", (long long)(ns / 1000), (long long)(ns % 1000));
}

static void exp_sep(struct exp *x)
{
	fputs(x->first ? "\n" : ",\n", x->f);
	x->first = false;
}

static void exp_meta(struct exp *x, int pid, int64_t tid, const char *what, const char *name)
{
	exp_sep(x);
	fprintf(x->f, "{\"name\":\"%s\",\"ph\":\"M\",\"pid\":%d,\"tid\":%lld,\"args\":{\"name\":", what,
		pid, (long long)tid);
	exp_json_str(x->f, name);
	fputs("}}", x->f);
}

/* Process and thread names (and a sort order) so each track shows up. */
static void exp_write_metadata(struct exp *x)
{
	for (int pid = PID_CORE; pid <= PID_G; pid++) {
		if (!x->pid_used[pid])
			continue;  /* no empty processes: a threads run has no Ps, Ms or goroutines */
		exp_meta(x, pid, 0, "process_name", exp_pid_names[pid]);
		exp_sep(x);
		fprintf(x->f, "{\"name\":\"process_sort_index\",\"ph\":\"M\",\"pid\":%d,\"tid\":0,"
			"\"args\":{\"sort_index\":%d}}", pid, pid);
	}
	for (int64_t i = 0; i < x->ntracks; i++) {
		exp_meta(x, x->tracks[i].pid, i + 1, "thread_name", x->tracks[i].name);
		exp_sep(x);
		fprintf(x->f, "{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":%d,\"tid\":%lld,"
			"\"args\":{\"sort_index\":%lld}}", x->tracks[i].pid, (long long)i + 1,
			(long long)x->tracks[i].num);
	}
}

/* The numbered name of part n ("trace.json" -> "trace-3.json"), or the
 * plain name when not splitting. */
static char *exp_part_name(const struct exp *x, int n)
{
	size_t len = strlen(x->out) + 32;
	char *p = malloc(len);
	if (!p)
		return NULL;
	if (!x->max_events) {
		snprintf(p, len, "%s", x->out);
		return p;
	}
	const char *dot = strrchr(x->out, '.'), *slash = strrchr(x->out, '/');
	if (!dot || (slash && dot < slash))
		dot = x->out + strlen(x->out);
	snprintf(p, len, "%.*s-%d%s", (int)(dot - x->out), x->out, n, dot);
	return p;
}

static int exp_open_part(struct exp *x)
{
	struct exp_file *fl = realloc(x->files, sizeof *fl * (size_t)(x->nfiles + 1));
	if (!fl)
		return cli_error("export", EXIT_FAIL, "out of memory");
	x->files = fl;
	struct exp_file *p = &x->files[x->nfiles];
	char *name = exp_part_name(x, x->nfiles), why[1024];
	if (!name)
		return cli_error("export", EXIT_FAIL, "out of memory");
	p->final = out_resolve(name, why, sizeof why); /* never a device, FIFO or directory */
	free(name);
	if (!p->final)
		return cli_error("export", EXIT_USAGE, "-o %s: %s", x->out, why);
	p->tmp = malloc(strlen(p->final) + 32);
	if (!p->tmp) {
		free(p->final);
		return cli_error("export", EXIT_FAIL, "out of memory");
	}
	sprintf(p->tmp, "%s.tmp-%ld-XXXXXX", p->final, (long)getpid());
	int fd = mkstemp(p->tmp);
	if (fd < 0) {  /* a missing or read-only directory: the -o value is bad */
		int rc = cli_error("export", EXIT_USAGE, "-o %s: cannot create '%s': %s", x->out, p->final, strerror(errno));
		free(p->tmp);
		free(p->final);
		return rc;
	}
	x->nfiles++;
	x->f = fdopen(fd, "w");
	if (!x->f) {
		close(fd);
		return cli_error("export", EXIT_FAIL, "cannot write '%s': %s", p->final, strerror(errno));
	}
	fchmod(fd, 0644);
	x->first = true;
	x->in_file = 0;
	fputs("{\"traceEvents\":[", x->f);
	exp_write_metadata(x);
	return 0;
}

static int exp_close_part(struct exp *x)
{
	FILE *f = x->f;
	x->f = NULL;
	fprintf(f, "\n],\"displayTimeUnit\":\"ns\",\"otherData\":{\"scenario\":");
	exp_json_str(f, x->scenario);
	fprintf(f, ",\"model\":");
	exp_json_str(f, x->model);
	fprintf(f, ",\"run\":%lld,\"part\":%d,\"truncated_at_ns\":", (long long)x->run, x->nfiles - 1);
	if (x->truncated_at >= 0)
		fprintf(f, "%lld", (long long)x->truncated_at);
	else
		fputs("null", f);
	fputs("}}\n", f);
	bool bad = ferror(f) != 0;
	if (fclose(f) != 0 || bad)
		return cli_error("export", EXIT_FAIL, "cannot write '%s': %s", x->files[x->nfiles - 1].final,
				strerror(errno));
	return 0;
}

/* Makes room for one more event: a new part when the current one is full. */
static int exp_next_event(struct exp *x)
{
	if (x->max_events && x->in_file == x->max_events) {
		int rc = exp_close_part(x);
		if (rc || (rc = exp_open_part(x)))
			return rc;
	}
	x->in_file++;
	x->total++;
	exp_sep(x);
	return 0;
}

/* ---- the three streams ------------------------------------------------------------- */

enum { ST_SPANS, ST_EVENTS, ST_COUNTERS, ST_COUNT };

static const char *const exp_stream_sql[ST_COUNT] = {
	[ST_SPANS] = "SELECT t0_ns, track, kind, obj, t1_ns FROM spans WHERE run_id = ?1 ORDER BY t0_ns, track",
	[ST_EVENTS] = "SELECT t_ns, track, name, arg, arg2 FROM events WHERE run_id = ?1 ORDER BY t_ns, rowid",
	/* the run's sampled timeseries, and counters exact at every change,
	 * counted off the spans: +1 where a span in the state starts, -1
	 * where it ends (same-instant changes that cancel are left out); live
	 * threads from the thread_create / thread_exit events (every kernel
	 * thread, co-located ones included) */
	[ST_COUNTERS] =
		"WITH defs(kind, state, name) AS (VALUES ('core', NULL, 'busy cores'),"
		" ('P', 'running', 'Ps running a G'), ('M', 'spinning', 'spinning Ms'),"
		" ('thread', 'running', 'running threads'), ('thread', 'runnable', 'runnable threads'),"
		" ('G', 'running', 'running goroutines'), ('G', 'runnable', 'runnable goroutines'),"
		" ('G', 'waiting', 'waiting goroutines'), ('G', NULL, 'live goroutines')),"
		" d AS (SELECT f.name, s.t0_ns AS t, 1 AS delta FROM spans s"
		"   JOIN tracks k ON k.run_id = s.run_id AND k.track = s.track"
		"   JOIN defs f ON f.kind = k.kind AND (f.state IS NULL OR f.state = s.kind) WHERE s.run_id = ?1"
		" UNION ALL SELECT f.name, s.t1_ns, -1 FROM spans s"
		"   JOIN tracks k ON k.run_id = s.run_id AND k.track = s.track"
		"   JOIN defs f ON f.kind = k.kind AND (f.state IS NULL OR f.state = s.kind) WHERE s.run_id = ?1"
		" UNION ALL SELECT 'live threads', t_ns, CASE name WHEN 'thread_create' THEN 1 ELSE -1 END"
		"   FROM events WHERE run_id = ?1 AND name IN ('thread_create', 'thread_exit')),"
		" g AS (SELECT name, t, SUM(delta) AS delta FROM d GROUP BY name, t HAVING SUM(delta) <> 0)"
		" SELECT t_ns, 0, name, value FROM timeseries WHERE run_id = ?1"
		" UNION ALL SELECT t, 0, name, SUM(delta) OVER (PARTITION BY name ORDER BY t) FROM g"
		" ORDER BY 1, 3",
};

/* A span's label: what Perfetto prints on the slice. */
static void exp_span_label(const struct exp_track *t, const char *state, sqlite3_stmt *s,
			   char *buf, size_t len)
{
	if (sqlite3_column_type(s, 3) == SQLITE_NULL) {
		snprintf(buf, len, "%s", state);
		return;
	}
	int64_t obj = sqlite3_column_int64(s, 3);
	bool g = (t->pid == PID_P && strcmp(state, "running") == 0) ||
		 (t->pid == PID_M && (strcmp(state, "running") == 0 || strcmp(state, "syscall") == 0));
	bool task = t->pid == PID_THREAD && (strcmp(state, "blocked") == 0 || strcmp(state, "futex") == 0);
	if (g)  /* the goroutine's id, as its own track is named */
		snprintf(buf, len, "G%lld", (long long)obj);
	else if (task)
		snprintf(buf, len, "%s task %08llx", state, (unsigned long long)obj & 0xffffffffULL);
	else if (t->pid == PID_CORE)
		snprintf(buf, len, "%s T%lld", state, (long long)obj);
	else if (t->pid == PID_THREAD)
		snprintf(buf, len, "%s on core %lld", state, (long long)obj);
	else if (t->pid == PID_P)
		snprintf(buf, len, "%s M%lld", state, (long long)obj);
	else
		snprintf(buf, len, "%s %lld", state, (long long)obj);
}

static const struct exp_track *exp_track_at(const struct exp *x, sqlite3_stmt *s)
{
	int64_t id = sqlite3_column_int64(s, 1);
	return id >= 0 && id < x->ntracks ? &x->tracks[id] : NULL;
}

static void exp_obj_arg(FILE *f, sqlite3_stmt *s, int col, const char *name)
{
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		fprintf(f, "\"%s\":null", name);
	else
		fprintf(f, "\"%s\":%lld", name, (long long)sqlite3_column_int64(s, col));
}

static int exp_damaged(struct exp *x, const char *table)
{
	return cli_error("export", EXIT_USAGE, "'%s' is damaged: run %lld has a %s row on a track that is not in "
			"its tracks table", x->db, (long long)x->run, table);
}

static int exp_write_span(struct exp *x, sqlite3_stmt *s)
{
	const struct exp_track *t = exp_track_at(x, s);
	if (!t)
		return exp_damaged(x, "spans");
	const char *state = (const char *)sqlite3_column_text(s, 2);
	char label[96];
	exp_span_label(t, state ? state : "?", s, label, sizeof label);
	int rc = exp_next_event(x);
	if (rc)
		return rc;
	int64_t t0 = sqlite3_column_int64(s, 0), t1 = sqlite3_column_int64(s, 4);
	fprintf(x->f, "{\"name\":");
	exp_json_str(x->f, label);
	fprintf(x->f, ",\"cat\":");
	exp_json_str(x->f, state ? state : "?");
	fprintf(x->f, ",\"ph\":\"X\",\"pid\":%d,\"tid\":%lld,\"ts\":", t->pid,
		(long long)sqlite3_column_int64(s, 1) + 1);
	exp_us(x->f, t0);
	fputs(",\"dur\":", x->f);
	exp_us(x->f, t1 - t0);
	fputs(",\"args\":{", x->f);
	exp_obj_arg(x->f, s, 3, "obj");
	fputs("}}", x->f);
	return 0;
}

static int exp_write_event(struct exp *x, sqlite3_stmt *s)
{
	const struct exp_track *t = exp_track_at(x, s);
	if (!t)
		return exp_damaged(x, "events");
	int rc = exp_next_event(x);
	if (rc)
		return rc;
	const char *name = (const char *)sqlite3_column_text(s, 2);
	fprintf(x->f, "{\"name\":");
	exp_json_str(x->f, name ? name : "?");
	fprintf(x->f, ",\"cat\":\"sched\",\"ph\":\"i\",\"s\":\"t\",\"pid\":%d,\"tid\":%lld,\"ts\":", t->pid,
		(long long)sqlite3_column_int64(s, 1) + 1);
	exp_us(x->f, sqlite3_column_int64(s, 0));
	fputs(",\"args\":{", x->f);
	exp_obj_arg(x->f, s, 3, "arg");
	fputc(',', x->f);
	exp_obj_arg(x->f, s, 4, "arg2");
	fputs("}}", x->f);
	return 0;
}

/* A timeseries sample as a counter; NULL or non-finite values are skipped
 * (JSON has no NaN). */
static int exp_write_counter(struct exp *x, sqlite3_stmt *s)
{
	double v = sqlite3_column_double(s, 3);
	if (sqlite3_column_type(s, 3) == SQLITE_NULL || !isfinite(v))
		return 0;
	int rc = exp_next_event(x);
	if (rc)
		return rc;
	const char *name = (const char *)sqlite3_column_text(s, 2);
	fprintf(x->f, "{\"name\":");
	exp_json_str(x->f, name ? name : "?");
	fprintf(x->f, ",\"ph\":\"C\",\"pid\":%d,\"tid\":0,\"ts\":", PID_COUNTER);
	exp_us(x->f, sqlite3_column_int64(s, 0));
	fprintf(x->f, ",\"args\":{\"value\":%.17g}}", v);
	return 0;
}

static int (*const exp_writers[ST_COUNT])(struct exp *, sqlite3_stmt *) = {
	exp_write_span, exp_write_event, exp_write_counter,
};

/* Merges the three time-ordered cursors into the output. */
static int exp_stream(struct exp *x)
{
	sqlite3_stmt *s[ST_COUNT] = { 0 };
	int state[ST_COUNT], rc = 0;
	for (int i = 0; i < ST_COUNT && rc == 0; i++) {
		if (sqlite3_prepare_v2(x->h, exp_stream_sql[i], -1, &s[i], NULL) != SQLITE_OK) {
			rc = exp_db_error(x, "reading the trace");
			break;
		}
		sqlite3_bind_int64(s[i], 1, x->run);
		state[i] = sqlite3_step(s[i]);
	}
	while (rc == 0) {
		int best = -1;
		for (int i = 0; i < ST_COUNT; i++) {
			if (state[i] != SQLITE_ROW && state[i] != SQLITE_DONE) {
				rc = exp_db_error(x, "reading the trace");
				break;
			}
			if (state[i] == SQLITE_ROW &&
			    (best < 0 || sqlite3_column_int64(s[i], 0) < sqlite3_column_int64(s[best], 0)))
				best = i;
		}
		if (rc || best < 0)
			break;
		rc = exp_writers[best](x, s[best]);
		state[best] = sqlite3_step(s[best]);
	}
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s[i]);
	return rc;
}

/* ---- files ---------------------------------------------------------------------------- */

/* Renames every part over its final name (all parts are complete). */
static int exp_commit(struct exp *x)
{
	char why[1024];
	for (int i = 0; i < x->nfiles; i++)
		if (out_check(x->files[i].final, why, sizeof why) != 0)
			return cli_error("export", EXIT_USAGE, "-o %s: %s", x->out, why);
	for (int i = 0; i < x->nfiles; i++) {
		if (rename(x->files[i].tmp, x->files[i].final) != 0)
			return cli_error("export", EXIT_FAIL, "cannot rename '%s' to '%s': %s", x->files[i].tmp,
					x->files[i].final, strerror(errno));
		free(x->files[i].tmp);
		x->files[i].tmp = NULL;
	}
	return 0;
}

static void exp_cleanup(struct exp *x)
{
	if (x->f)
		fclose(x->f);
	for (int i = 0; i < x->nfiles; i++) {
		if (x->files[i].tmp)
			unlink(x->files[i].tmp);
		free(x->files[i].tmp);
		free(x->files[i].final);
	}
	free(x->files);
	free(x->tracks);
	if (x->h)
		sqlite3_close(x->h);
}

static void exp_report(const struct exp *x)
{
	if (x->nfiles == 1)
		fprintf(stderr, "gmpsim export: %s: %lld events (run %lld, %s)\n", x->files[0].final,
			(long long)x->total, (long long)x->run, x->model);
	else
		fprintf(stderr, "gmpsim export: %lld events (run %lld, %s) in %d files of at most %lld: "
			"%s ... %s\n", (long long)x->total, (long long)x->run, x->model, x->nfiles,
			(long long)x->max_events, x->files[0].final, x->files[x->nfiles - 1].final);
	if (x->truncated_at >= 0)
		fprintf(stderr, "gmpsim export: warning: the recorded trace stops at %lld ns of virtual "
			"time (it reached --trace-limit)\n", (long long)x->truncated_at);
}

int cmd_export_main(int argc, char **argv)
{
	struct exp x = { .truncated_at = -1 };
	int rc = exp_parse_args(&x, argc, argv);
	if (rc == 0)
		rc = exp_open(&x);
	if (rc == 0)
		rc = exp_load_run(&x);
	if (rc == 0)
		rc = exp_load_trace(&x);
	if (rc == 0)
		rc = exp_load_tracks(&x);
	if (rc == 0)
		rc = exp_open_part(&x);
	if (rc == 0)
		rc = exp_stream(&x);
	if (rc == 0)
		rc = exp_close_part(&x);
	if (rc == 0)
		rc = exp_commit(&x);
	if (rc == 0)
		exp_report(&x);
	exp_cleanup(&x);
	return rc;
}
