/* sim/study/plot.c — what the plot kinds share (plot.h): the growable
 * text buffer of the gnuplot script, the run selection (--run, --where)
 * as SQL, line labels and the units shown on the axes. Must not print or
 * change the database. */
#include "plot.h"
#include "qdb.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the text buffer ---------------------------------------------------------- */

void pb_printf(struct plot_buf *b, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n >= 0 && b->s && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = b->cap ? b->cap * 2 : 4096;
		while (cap < b->len + (size_t)(n > 0 ? n : 0) + 1)
			cap *= 2;
		char *s = realloc(b->s, cap);
		if (!s || n < 0) {
			fprintf(stderr, "gmpsim: out of memory (plot)\n");
			abort();
		}
		b->s = s;
		b->cap = cap;
		b->s[b->len] = 0;
	}
}

void pb_quoted(struct plot_buf *b, const char *s)
{
	pb_printf(b, "'");
	for (; *s; s++)
		pb_printf(b, *s == '\'' ? "''" : "%c", (*s == '\n' || *s == '\r') ? ' ' : *s);
	pb_printf(b, "'");
}

void pb_free(struct plot_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

/* ---- run selection --------------------------------------------------------------- */

char *plot_run_condition(const struct plot_opts *o)
{
	char *s = sqlite3_mprintf("r.status = 'complete'");
	for (int i = 0; s && i < o->nwhere; i++) {
		char *t = sqlite3_mprintf("%s AND EXISTS (SELECT 1 FROM params AS w WHERE w.run_id = r.run_id"
					  " AND w.key = %Q AND w.value = %Q)", s, o->where_key[i], o->where_value[i]);
		sqlite3_free(s);
		s = t;
	}
	for (int i = 0; s && i < o->nruns; i++) {
		char *t = sqlite3_mprintf(i ? "%s, %lld" : "%s AND r.run_id IN (%lld", s, o->runs[i]);
		sqlite3_free(s);
		s = t;
	}
	if (s && o->nruns) {
		char *t = sqlite3_mprintf("%s)", s);
		sqlite3_free(s);
		s = t;
	}
	return s;
}

char *plot_where_keys(const struct plot_opts *o)
{
	char *keys = sqlite3_mprintf("''");
	for (int i = 0; keys && i < o->nwhere; i++) {
		char *t = sqlite3_mprintf("%s, %Q", keys, o->where_key[i]);
		sqlite3_free(keys);
		keys = t;
	}
	return keys;
}

char *plot_rest_expr(const struct plot_opts *o, const char *except)
{
	char *keys = plot_where_keys(o);
	char *e = keys ? sqlite3_mprintf(
		"(SELECT GROUP_CONCAT(kv, ', ') FROM (SELECT sp.key || '=' || sp.value AS kv"
		" FROM swept_params AS sp WHERE sp.scenario = r.scenario AND sp.point_id = r.point_id"
		" AND sp.model = r.model AND sp.key NOT IN (%s, %Q)"
		" AND (NOT EXISTS (SELECT 1 FROM sweep_axes) OR EXISTS (SELECT 1 FROM sweep_axes AS a"
		" WHERE sp.key = a.key OR sp.key LIKE a.key || '.%%')) ORDER BY sp.key))",
		keys, except ? except : "") : NULL;
	sqlite3_free(keys);
	return e;
}

char *plot_strdup(const char *s)
{
	char *d = strdup(s);
	if (!d) {
		fprintf(stderr, "gmpsim: out of memory (plot)\n");
		abort();
	}
	return d;
}

char *plot_short_keys(const char *rest)
{
	char *out = plot_strdup(rest), *o = out;
	const char *p = rest;
	while (*p) {
		const char *eq = strchr(p, '='), *end = strstr(p, ", ");
		end = end ? end : p + strlen(p);
		if (!eq || eq > end) {  /* not key=value: keep as is */
			free(out);
			return plot_strdup(rest);
		}
		const char *key = p;
		for (const char *d = p; d < eq; d++)
			if (*d == '.')
				key = d + 1;
		size_t klen = (size_t)(eq - key);
		for (const char *q = rest; (q = strstr(q, ".")) != NULL; q++)  /* another key ending alike? */
			if (q + 1 != key && strncmp(q + 1, key, klen + 1) == 0) {
				free(out);
				return plot_strdup(rest);
			}
		memcpy(o, key, (size_t)(end - key));
		o += end - key;
		if (*end) {
			memcpy(o, ", ", 2);
			o += 2;
			end += 2;
		}
		p = end;
	}
	*o = 0;
	return out;
}

char *plot_list(sqlite3 *h, const char *sql)
{
	char *q = sqlite3_mprintf("SELECT GROUP_CONCAT(v, ', ') FROM (%s)", sql);
	char *s = q ? qdb_first_text(h, q) : NULL;
	sqlite3_free(q);
	return s ? s : strdup("");
}

char *plot_scenarios(sqlite3 *h, const struct plot_opts *o)
{
	char *cond = plot_run_condition(o);
	char *sql = cond ? sqlite3_mprintf("SELECT DISTINCT scenario AS v FROM runs AS r WHERE %s ORDER BY 1", cond) : NULL;
	char *s = sql ? plot_list(h, sql) : strdup("");
	sqlite3_free(cond);
	sqlite3_free(sql);
	return s;
}

/* ---- units -------------------------------------------------------------------------- */

struct plot_unit plot_metric_unit(const char *u)
{
	static const struct { const char *stored; struct plot_unit shown; } units[] = {
		{ "ns", { 1e-6, "ms" } },          { "1/s", { 1, "requests/s" } },
		{ "B", { 1.0 / 1048576, "MiB" } }, { "s", { 1, "s" } },
		{ "ratio", { 1, "ratio" } },       { "count", { 1, "count" } },
	};
	for (size_t i = 0; u && i < sizeof units / sizeof units[0]; i++)
		if (strcmp(u, units[i].stored) == 0)
			return units[i].shown;
	return (struct plot_unit){ 1, u && *u ? u : "value" };
}

struct plot_unit plot_series_unit(const char *series)
{
	static const struct { const char *name; struct plot_unit unit; } units[] = {
		{ "threads", { 1, "threads" } },          { "runnable_threads", { 1, "threads" } },
		{ "idlethreads", { 1, "threads" } },      { "spinningthreads", { 1, "threads" } },
		{ "busy_cores", { 1, "cores" } },         { "live_tasks", { 1, "tasks" } },
		{ "pool_queue", { 1, "tasks" } },         { "accept_backlog", { 1, "connections" } },
		{ "idleprocs", { 1, "Ps" } },             { "global_runq", { 1, "goroutines" } },
		{ "local_runq", { 1, "goroutines" } },    { "heap", { 1.0 / 1048576, "MiB" } },
	};
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(series, units[i].name) == 0)
			return units[i].unit;
	return (struct plot_unit){ 1, "value" };
}
