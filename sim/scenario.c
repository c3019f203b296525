/* sim/scenario.c — loads a scenario: YAML text plus --set overrides become a
 * validated struct scenario with every default applied and every resolved
 * parameter listed in sc->params.
 *
 * The fixed sections (top level, machine, kernel, acceptor, output, models)
 * are driven by one table, sc_rows: a key is valid exactly when the table
 * has a row at its path or below it, so adding a parameter is adding a row.
 * The workload grammar (classes, programs, ops, distributions, arrivals)
 * has its own small parsers further down.
 *
 * Must not: know how the models behave (only their parameters), print,
 * exit, or leave anything allocated after a failure. Every error is one
 * "file:line:column: message" in the caller's buffer; later layers trust
 * the result and never re-validate. */
#include "scenario.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "units.h"
#include "yamltree.h"

#define NELEMS(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define SC_MAX_OPS 1000000L      /* ops + empirical values over all programs: bounds alias blow-ups */
#define SC_MAX_PARAMS 1000000    /* same, for the flattened parameter list */
#define SC_MAX_FILE (64L << 20)  /* a scenario is text written by a person */
#define PATH_MAX_CHARS 4096      /* flattened parameter keys */
#define PARAM_MAX_DEPTH (4 * YT_MAX_DEPTH) /* a nested repeat is 3 levels of YAML */
#define DESCRIBE_CHARS 64

/* ---- the parameter table ------------------------------------------------- */

enum row_type {
	ROW_INT,      /* int */
	ROW_INT64,    /* int64_t */
	ROW_UINT64,   /* uint64_t */
	ROW_DURATION, /* sim_ns */
	ROW_SIZE,     /* int64_t, bytes */
	ROW_DOUBLE,   /* double */
	ROW_BOOL,     /* bool */
	ROW_STRING,   /* char *, owned */
	ROW_MODEL,    /* bool "enabled": true when the key is present under models: */
	ROW_SECTION,  /* a mapping whose keys are the rows below it */
	ROW_NODE,     /* parsed by its own code after the walk (workload, programs, distance) */
};

#define ROW_REQUIRED 1u /* missing: error at the enclosing mapping */
#define ROW_POSITIVE 2u /* must be > 0, not just >= min */
#define ROW_NONEMPTY 4u /* strings: "" is an error */
#define ROW_NOT_YET 8u  /* a model that is announced but not implemented */

struct sc_row {
	const char *path;   /* dotted key */
	enum row_type type;
	size_t offset;      /* into struct scenario (value types and ROW_MODEL) */
	const char *def;    /* default as YAML text; NULL: required, derived or none */
	unsigned flags;
	double min, max;    /* inclusive bounds on numbers; max 0 = none */
	const char *doc;
};

#define OFF(member) offsetof(struct scenario, member)
#define NO_OFF 0

/* Default kernel costs were measured on the project's machine (a 2-vCPU
 * KVM guest, AMD EPYC Zen 3, Linux 6.18) with analysis/measure; README.md
 * and analysis/measure/README.md give each figure and its program. */
static const struct sc_row sc_rows[] = {
	/* ---- top level ---- */
	{ "name", ROW_STRING, OFF(name), NULL, ROW_REQUIRED | ROW_NONEMPTY, 0, 0, "scenario name" },
	{ "description", ROW_STRING, OFF(description), "", 0, 0, 0, "one line for reports" },
	{ "duration", ROW_DURATION, OFF(duration), NULL, ROW_REQUIRED | ROW_POSITIVE, 0, 0, "simulated time per run" },
	{ "warmup", ROW_DURATION, OFF(warmup), "0", 0, 0, 0, "leading time left out of metrics (< duration)" },
	{ "seed", ROW_UINT64, OFF(seed), "1", 0, 0, 0, "run seed for every random stream" },
	/* ---- machine ---- */
	{ "machine.cores", ROW_INT, OFF(machine.cores), "8", 0, 1, 65536, "CPU cores" },
	{ "machine.numa.nodes", ROW_INT, OFF(machine.numa_nodes), "1", 0, 1, 64, "NUMA nodes; must divide cores" },
	{ "machine.numa.cores_per_node", ROW_INT, OFF(machine.cores_per_node), NULL, 0, 1, 65536, "default cores / nodes" },
	{ "machine.numa.ratio", ROW_DOUBLE, OFF(machine.numa_ratio), "2.1", 0, 1, 0, "remote / local memory latency" },
	{ "machine.numa.distance", ROW_NODE, NO_OFF, NULL, 0, 0, 0, "nodes x nodes SLIT matrix; default 10 local, 10*ratio remote" },
	/* ---- kernel ---- */
	{ "kernel.switch", ROW_DURATION, OFF(kernel.switch_cost), "3us", 0, 0, 0, "context switch on a core" },
	{ "kernel.wake", ROW_DURATION, OFF(kernel.wake_cost), "2500ns", 0, 0, 0, "waker's CPU for a wake-up" },
	{ "kernel.wake_idle", ROW_DURATION, OFF(kernel.wake_idle), "5us", 0, 0, 0, "IPI + idle exit before a briefly idle core runs the wakee" },
	{ "kernel.wake_idle_deep", ROW_DURATION, OFF(kernel.wake_idle_deep), "30us", 0, 0, 0, "the same for a core idle longer than idle_deep_after" },
	{ "kernel.idle_deep_after", ROW_DURATION, OFF(kernel.idle_deep_after), "200us", 0, 0, 0, "idle time after which a wake-up is deep (KVM halt_poll_ns)" },
	{ "kernel.thread_create", ROW_DURATION, OFF(kernel.thread_create), "13us", 0, 0, 0, "clone + stack mmap" },
	{ "kernel.thread_exit", ROW_DURATION, OFF(kernel.thread_exit), "14us", 0, 0, 0, "thread start-up + teardown CPU" },
	{ "kernel.syscall", ROW_DURATION, OFF(kernel.syscall), "300ns", 0, 0, 0, "system call entry + exit" },
	{ "kernel.timer_slack", ROW_DURATION, OFF(kernel.timer_slack), "50us", 0, 0, 0, "a sleeping thread's timer fires this late (PR_SET_TIMERSLACK default)" },
	{ "kernel.sched_latency", ROW_DURATION, OFF(kernel.sched_latency), "6ms", ROW_POSITIVE, 0, 0, "CFS target latency" },
	{ "kernel.min_granularity", ROW_DURATION, OFF(kernel.min_granularity), "750us", ROW_POSITIVE, 0, 0, "CFS minimum slice" },
	{ "kernel.wakeup_granularity", ROW_DURATION, OFF(kernel.wakeup_granularity), "1ms", 0, 0, 0, "vruntime lead for wake-up preemption" },
	{ "kernel.balance_interval", ROW_DURATION, OFF(kernel.balance_interval), "4ms", ROW_POSITIVE, 0, 0, "periodic load balancing" },
	{ "kernel.max_threads", ROW_INT64, OFF(kernel.max_threads), "32768", 0, 1, 0, "live threads limit" },
	{ "kernel.memory", ROW_SIZE, OFF(kernel.memory), "24GiB", 0, 0, 0, "committed memory limit" },
	{ "kernel.stack_touch", ROW_SIZE, OFF(kernel.stack_touch), "8KiB", 0, 0, 0, "stack a new thread commits" },
	/* ---- acceptor and output ---- */
	{ "acceptor.enabled", ROW_BOOL, OFF(acceptor.enabled), "true", 0, 0, 0, "an acceptor thread hands out connections" },
	{ "acceptor.accept", ROW_DURATION, OFF(acceptor.accept), "5us", 0, 0, 0, "acceptor CPU per connection" },
	{ "output.sample", ROW_DURATION, OFF(output.sample), "100ms", 0, 0, 0, "time-series interval; 0 = off" },
	/* ---- models: one block per model; its ROW_MODEL row enables it ---- */
	{ "models", ROW_SECTION, NO_OFF, NULL, ROW_REQUIRED, 0, 0, "the models to run, at least one" },

	{ "models.threads", ROW_MODEL, OFF(threads.enabled), NULL, 0, 0, 0, "one kernel thread per task" },
	{ "models.threads.stack", ROW_SIZE, OFF(threads.stack), "1MiB", 0, 0, 0, "reserved stack per thread (-Xss)" },

	{ "models.pool", ROW_MODEL, OFF(pool.enabled), NULL, 0, 0, 0, "fixed pool of kernel threads serving a queue" },
	{ "models.pool.workers", ROW_INT64, OFF(pool.workers), "200", 0, 1, 0, "worker threads (Tomcat maxThreads)" },
	{ "models.pool.stack", ROW_SIZE, OFF(pool.stack), "1MiB", 0, 0, 0, "reserved stack per worker" },
	{ "models.pool.enqueue", ROW_DURATION, OFF(pool.enqueue), "200ns", 0, 0, 0, "lock + queue op + unlock" },
	{ "models.pool.queue", ROW_INT64, OFF(pool.queue), "0", 0, 0, 0, "queue capacity; 0 = unbounded" },

	{ "models.gmp", ROW_MODEL, NO_OFF, NULL, ROW_NOT_YET, 0, 0, "Go GMP scheduler" },
	/* ---- workload ---- */
	{ "workload", ROW_NODE, NO_OFF, NULL, ROW_REQUIRED, 0, 0, "task classes: arrival + program" },
	{ "programs", ROW_NODE, NO_OFF, NULL, 0, 0, 0, "named programs for spawn" },
};

#define NROWS NELEMS(sc_rows)

/* ---- value kinds: how a scalar is read and what its errors say ----------- */

enum vkind { VK_INT, VK_UINT, VK_DURATION, VK_SIZE, VK_RATE, VK_NUMBER, VK_BOOL, VK_STRING };

static const struct {
	const char *expected; /* "expected X, got ..." */
	const char *bad;      /* "bad X 'v': reason"; NULL: always "expected" */
	bool syntax_is_type;  /* a value that does not look like one is a type error */
} vkinds[] = {
	[VK_INT] = { "an integer", "integer", true },
	[VK_UINT] = { "an unsigned integer", "integer", true },
	[VK_DURATION] = { "a duration", "duration", false },
	[VK_SIZE] = { "a size", "size", false },
	[VK_RATE] = { "a rate", "rate", false },
	[VK_NUMBER] = { "a number", "number", true },
	[VK_BOOL] = { "a boolean (true or false)", NULL, true },
	[VK_STRING] = { "a string", NULL, true },
};

union value {
	int64_t i;  /* INT, DURATION, SIZE */
	uint64_t u; /* UINT */
	double d;   /* RATE, NUMBER */
	bool b;
	const char *s; /* STRING: borrowed from the document */
};

static int parse_text(enum vkind k, const char *text, union value *v, char *why, size_t len)
{
	switch (k) {
	case VK_INT: return unit_parse_int64(text, &v->i, why, len);
	case VK_UINT: return unit_parse_uint64(text, &v->u, why, len);
	case VK_DURATION: return unit_parse_duration(text, &v->i, why, len);
	case VK_SIZE: return unit_parse_size(text, &v->i, why, len);
	case VK_RATE: return unit_parse_rate(text, &v->d, why, len);
	case VK_NUMBER: return unit_parse_number(text, &v->d, why, len);
	case VK_STRING: v->s = text; return 0;
	case VK_BOOL: break;
	}
	if (strcasecmp(text, "true") == 0 || strcasecmp(text, "false") == 0) {
		v->b = strcasecmp(text, "true") == 0;
		return 0;
	}
	snprintf(why, len, "not a boolean");
	return -1;
}

/* ---- the loader ---------------------------------------------------------- */

struct loader {
	struct yt *t;
	struct scenario *sc;
	int row_node[NROWS];  /* the value node that set each row; 0 = default */
	int nnamed;           /* named programs: the first nnamed of sc->programs */
	const char **named;   /* their names, for suggestions */
	long total_ops;
	int params_cap;
};

/* A program being filled: ops grow by doubling. */
struct builder {
	struct program *p;
	int cap;
};

static const char *describe(struct loader *ld, int node, char *buf)
{
	return yt_describe(ld->t, node, buf, DESCRIBE_CHARS);
}

/* Reads the scalar at node as kind k, or fails with a positioned message. */
static int node_value(struct loader *ld, int node, enum vkind k, union value *v)
{
	struct yt *t = ld->t;
	if (!yt_is_scalar(t, node) || yt_is_null(t, node))
		return yt_fail_type(t, node, vkinds[k].expected);
	char why[128], d[DESCRIBE_CHARS];
	if (parse_text(k, yt_text(t, node), v, why, sizeof why) == 0)
		return 0;
	bool looks_wrong = strncmp(why, "not ", 4) == 0 || strncmp(why, "empty", 5) == 0;
	if (!vkinds[k].bad || (vkinds[k].syntax_is_type && looks_wrong))
		return yt_fail(t, node, "expected %s, got %s", vkinds[k].expected, describe(ld, node, d));
	return yt_fail(t, node, "bad %s %s: %s", vkinds[k].bad, describe(ld, node, d), why);
}

static int node_duration(struct loader *ld, int node, sim_ns *out)
{
	union value v;
	if (node_value(ld, node, VK_DURATION, &v))
		return -1;
	*out = v.i;
	return 0;
}

/* An integer >= min; label names it in the range message. */
static int node_int_min(struct loader *ld, int node, const char *label, int64_t min, int64_t *out)
{
	union value v;
	char d[DESCRIBE_CHARS];
	if (node_value(ld, node, VK_INT, &v))
		return -1;
	if (v.i < min)
		return yt_fail(ld->t, node, "%s must be >= %lld, got %s", label, (long long)min,
			       describe(ld, node, d));
	*out = v.i;
	return 0;
}

/* The value of key in map, or a "missing required key" error at map. */
static int require_key(struct loader *ld, int map, const char *key, int *out)
{
	*out = yt_get(ld->t, map, key);
	if (*out)
		return 0;
	return yt_fail(ld->t, map, "missing required key '%s'", key);
}

static int oom(struct loader *ld, int node)
{
	return yt_fail(ld->t, node, "out of memory");
}

/* ---- table rows ---------------------------------------------------------- */

static int row_index(const char *path)
{
	for (int i = 0; i < NROWS; i++)
		if (strcmp(sc_rows[i].path, path) == 0)
			return i;
	return -1;
}

static enum vkind row_kind(enum row_type type)
{
	switch (type) {
	case ROW_INT: case ROW_INT64: return VK_INT;
	case ROW_UINT64: return VK_UINT;
	case ROW_DURATION: return VK_DURATION;
	case ROW_SIZE: return VK_SIZE;
	case ROW_DOUBLE: return VK_NUMBER;
	case ROW_BOOL: case ROW_MODEL: return VK_BOOL;
	default: return VK_STRING;
	}
}

static void *row_ptr(struct scenario *sc, const struct sc_row *r)
{
	return (char *)sc + r->offset;
}

/* Stores v into the struct field of row r; -1 only when out of memory. */
static int row_store(struct scenario *sc, const struct sc_row *r, const union value *v)
{
	void *p = row_ptr(sc, r);
	switch (r->type) {
	case ROW_INT: *(int *)p = (int)v->i; break;
	case ROW_INT64: case ROW_DURATION: case ROW_SIZE: *(int64_t *)p = v->i; break;
	case ROW_UINT64: *(uint64_t *)p = v->u; break;
	case ROW_DOUBLE: *(double *)p = v->d; break;
	case ROW_BOOL: case ROW_MODEL: *(bool *)p = v->b; break;
	case ROW_STRING: {
		char *copy = strdup(v->s);
		if (!copy)
			return -1;
		free(*(char **)p);
		*(char **)p = copy;
		break;
	}
	default: break;
	}
	return 0;
}

/* The number a row's range applies to; false for kinds without a range. */
static bool row_number(const struct sc_row *r, const union value *v, double *x)
{
	switch (r->type) {
	case ROW_INT: case ROW_INT64: case ROW_DURATION: case ROW_SIZE: *x = (double)v->i; return true;
	case ROW_DOUBLE: *x = v->d; return true;
	default: return false;
	}
}

static int check_row_range(struct loader *ld, const struct sc_row *r, int node, const union value *v)
{
	char d[DESCRIBE_CHARS];
	double x;
	if (r->type == ROW_STRING && (r->flags & ROW_NONEMPTY) && !*v->s)
		return yt_fail(ld->t, node, "%s must not be empty", r->path);
	if (!row_number(r, v, &x))
		return 0;
	if ((r->flags & ROW_POSITIVE) && !(x > 0))
		return yt_fail(ld->t, node, "%s must be > 0, got %s", r->path, describe(ld, node, d));
	if (x < r->min)
		return yt_fail(ld->t, node, "%s must be >= %g, got %s", r->path, r->min, describe(ld, node, d));
	if (r->max != 0 && x > r->max)
		return yt_fail(ld->t, node, "%s must be <= %g, got %s", r->path, r->max, describe(ld, node, d));
	return 0;
}

static int row_from_node(struct loader *ld, int ri, int node)
{
	const struct sc_row *r = &sc_rows[ri];
	union value v;
	if (node_value(ld, node, row_kind(r->type), &v) || check_row_range(ld, r, node, &v))
		return -1;
	return row_store(ld->sc, r, &v) ? oom(ld, node) : 0;
}

/* Stores every row's default. A default that does not parse, or an int row
 * without a bound that keeps it in an int, is a bug in the table. */
static int set_defaults(struct loader *ld)
{
	for (int i = 0; i < NROWS; i++) {
		const struct sc_row *r = &sc_rows[i];
		if (r->type == ROW_INT && (r->max == 0 || r->max > INT_MAX || r->min < INT_MIN))
			return yt_fail(ld->t, 0, "internal error: int row %s needs bounds", r->path);
		if (!r->def)
			continue;
		union value v;
		char why[128];
		if (parse_text(row_kind(r->type), r->def, &v, why, sizeof why))
			return yt_fail(ld->t, 0, "internal error: default of %s: %s", r->path, why);
		if (row_store(ld->sc, r, &v))
			return oom(ld, 0);
	}
	return 0;
}

/* ---- walking the fixed sections ------------------------------------------ */

#define MAX_CHILDREN 32
#define SEGMENT_CHARS 32

/* The distinct next path segments of the rows below prefix ("" = top). */
struct children {
	int n;
	const char *names[MAX_CHILDREN];
	char store[MAX_CHILDREN][SEGMENT_CHARS];
};

/* The part of path below prefix, or NULL when path is not below it. */
static const char *below(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	if (n == 0)
		return path;
	if (strncmp(path, prefix, n) != 0 || path[n] != '.')
		return NULL;
	return path + n + 1;
}

static void add_child(struct children *c, const char *seg, size_t len)
{
	for (int i = 0; i < c->n; i++)
		if (strlen(c->names[i]) == len && strncmp(c->names[i], seg, len) == 0)
			return;
	if (c->n == MAX_CHILDREN || len >= SEGMENT_CHARS)
		return; /* the table is ours: cannot happen */
	memcpy(c->store[c->n], seg, len);
	c->store[c->n][len] = '\0';
	c->names[c->n] = c->store[c->n];
	c->n++;
}

static void collect_children(const char *prefix, struct children *c)
{
	c->n = 0;
	for (int i = 0; i < NROWS; i++) {
		const char *rest = below(sc_rows[i].path, prefix);
		if (rest)
			add_child(c, rest, strcspn(rest, "."));
	}
}

static int walk_section(struct loader *ld, int map, const char *prefix);

/* The models present under models: are enabled, in the order written. */
static int enable_model(struct loader *ld, int ri, int key, int value)
{
	const struct sc_row *r = &sc_rows[ri];
	struct scenario *sc = ld->sc;
	const char *name = r->path + strlen("models.");
	if (r->flags & ROW_NOT_YET)
		return yt_fail(ld->t, key, "model '%s' is not implemented yet (next release)", name);
	if (sc->nmodels == SC_MAX_MODELS)
		return yt_fail(ld->t, key, "too many models (at most %d)", SC_MAX_MODELS);
	*(bool *)row_ptr(sc, r) = true;
	sc->models[sc->nmodels++] = name;
	return walk_section(ld, value, r->path);
}

static int use_key(struct loader *ld, const char *path, int key, int value)
{
	int ri = row_index(path);
	if (ri < 0)
		return walk_section(ld, value, path); /* machine, kernel, ... */
	ld->row_node[ri] = value;
	switch (sc_rows[ri].type) {
	case ROW_SECTION: return walk_section(ld, value, path);
	case ROW_NODE: return 0;
	case ROW_MODEL: return enable_model(ld, ri, key, value);
	default: return row_from_node(ld, ri, value);
	}
}

/* Required rows directly below prefix must have been given. */
static int check_required(struct loader *ld, int map, const char *prefix)
{
	for (int i = 0; i < NROWS; i++) {
		const char *rest = below(sc_rows[i].path, prefix);
		if (rest && !strchr(rest, '.') && (sc_rows[i].flags & ROW_REQUIRED) && !ld->row_node[i])
			return yt_fail(ld->t, map, "missing required key '%s'", rest);
	}
	return 0;
}

/* Checks and applies one mapping of the fixed sections; null counts as an
 * empty mapping. */
static int walk_section(struct loader *ld, int map, const char *prefix)
{
	struct yt *t = ld->t;
	if (!yt_is_null(t, map) && !yt_is_mapping(t, map))
		return yt_fail_type(t, map, "a mapping");
	struct children c;
	collect_children(prefix, &c);
	bool models = strcmp(prefix, "models") == 0;
	if (yt_check_keys(t, map, c.names, c.n, models ? "model" : "key", models ? NULL : prefix))
		return -1;
	for (int i = 0; i < yt_len(t, map); i++) {
		char path[128];
		int key = yt_key(t, map, i);
		snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", yt_text(t, key));
		if (use_key(ld, path, key, yt_value(t, map, i)))
			return -1;
	}
	return check_required(ld, map, prefix);
}

/* ---- cross-field checks --------------------------------------------------- */

static int check_times(struct loader *ld)
{
	int wn = ld->row_node[row_index("warmup")], dn = ld->row_node[row_index("duration")];
	char a[DESCRIBE_CHARS], b[DESCRIBE_CHARS];
	if (ld->sc->warmup < ld->sc->duration)
		return 0;
	return yt_fail(ld->t, wn, "warmup %s must be less than duration %s",
		       describe(ld, wn, a), describe(ld, dn, b));
}

static int check_numa(struct loader *ld)
{
	struct machine_cfg *m = &ld->sc->machine;
	int cores_node = ld->row_node[row_index("machine.cores")];
	int nodes_node = ld->row_node[row_index("machine.numa.nodes")];
	int cpn_node = ld->row_node[row_index("machine.numa.cores_per_node")];
	if (cpn_node) {
		if ((int64_t)m->numa_nodes * m->cores_per_node == m->cores)
			return 0;
		return yt_fail(ld->t, cpn_node,
			       "machine.numa.nodes * machine.numa.cores_per_node must equal machine.cores (%d * %d != %d)",
			       m->numa_nodes, m->cores_per_node, m->cores);
	}
	if (m->cores % m->numa_nodes)
		return yt_fail(ld->t, nodes_node ? nodes_node : cores_node,
			       "machine.numa.nodes (%d) must divide machine.cores (%d)",
			       m->numa_nodes, m->cores);
	m->cores_per_node = m->cores / m->numa_nodes;
	return 0;
}

static int distance_row(struct loader *ld, int row, int i)
{
	struct yt *t = ld->t;
	int n = ld->sc->machine.numa_nodes;
	char d[DESCRIBE_CHARS];
	if (!yt_is_sequence(t, row))
		return yt_fail_type(t, row, "a sequence (a row of the distance matrix)");
	if (yt_len(t, row) != n)
		return yt_fail(t, row, "machine.numa.distance row must have %d entries (one per node), got %d",
			       n, yt_len(t, row));
	for (int j = 0; j < n; j++) {
		int cell = yt_item(t, row, j);
		union value v;
		if (node_value(ld, cell, VK_NUMBER, &v))
			return -1;
		if (!(v.d > 0))
			return yt_fail(t, cell, "machine.numa.distance entries must be > 0, got %s",
				       describe(ld, cell, d));
		ld->sc->machine.distance[i * n + j] = v.d;
	}
	return 0;
}

/* machine.distance is always filled: from the matrix when given, else 10
 * on the diagonal and 10*ratio elsewhere (SLIT convention). */
static int load_distance(struct loader *ld)
{
	struct machine_cfg *m = &ld->sc->machine;
	struct yt *t = ld->t;
	int n = m->numa_nodes, node = ld->row_node[row_index("machine.numa.distance")];
	m->distance = calloc((size_t)n * (size_t)n, sizeof *m->distance);
	if (!m->distance)
		return oom(ld, node);
	if (!node || yt_is_null(t, node)) {
		for (int i = 0; i < n * n; i++)
			m->distance[i] = i / n == i % n ? 10 : 10 * m->numa_ratio;
		return 0;
	}
	if (!yt_is_sequence(t, node))
		return yt_fail_type(t, node, "a sequence of rows");
	if (yt_len(t, node) != n)
		return yt_fail(t, node, "machine.numa.distance must have %d rows (one per node), got %d",
			       n, yt_len(t, node));
	for (int i = 0; i < n; i++)
		if (distance_row(ld, yt_item(t, node, i), i))
			return -1;
	return 0;
}

static int check_models(struct loader *ld)
{
	if (ld->sc->nmodels > 0)
		return 0;
	char names[128] = "";
	for (int i = 0; i < NROWS; i++) {
		const struct sc_row *r = &sc_rows[i];
		if (r->type != ROW_MODEL || (r->flags & ROW_NOT_YET))
			continue;
		size_t len = strlen(names);
		snprintf(names + len, sizeof names - len, "%s%s", len ? ", " : "", r->path + strlen("models."));
	}
	return yt_fail(ld->t, ld->row_node[row_index("models")],
		       "models must enable at least one model (%s)", names);
}

/* ---- distributions ------------------------------------------------------- */

typedef int (*dist_parser)(struct loader *ld, int node, struct dist *d);

static int dist_const(struct loader *ld, int node, struct dist *d)
{
	sim_ns v = 0;
	if (node_duration(ld, node, &v))
		return -1;
	d->p1 = (double)v;
	return 0;
}

static int dist_uniform(struct loader *ld, int node, struct dist *d)
{
	struct yt *t = ld->t;
	if (!yt_is_sequence(t, node))
		return yt_fail_type(t, node, "a sequence [lo, hi]");
	if (yt_len(t, node) != 2)
		return yt_fail(t, node, "uniform expects [lo, hi], got %d value%s", yt_len(t, node),
			       yt_len(t, node) == 1 ? "" : "s");
	sim_ns lo = 0, hi = 0;
	int lo_node = yt_item(t, node, 0), hi_node = yt_item(t, node, 1);
	if (node_duration(ld, lo_node, &lo) || node_duration(ld, hi_node, &hi))
		return -1;
	char a[DESCRIBE_CHARS], b[DESCRIBE_CHARS];
	if (lo > hi)
		return yt_fail(t, hi_node, "uniform lo must be <= hi, got lo %s > hi %s",
			       describe(ld, lo_node, a), describe(ld, hi_node, b));
	d->p1 = (double)lo;
	d->p2 = (double)hi;
	return 0;
}

/* The two required keys of a parameter mapping such as { mean:, stddev: }. */
static int dist_pair(struct loader *ld, int node, const char *name, const char *k1,
		     const char *k2, int *n1, int *n2)
{
	const char *keys[] = { k1, k2 };
	if (!yt_is_mapping(ld->t, node))
		return yt_fail_type(ld->t, node, "a mapping");
	if (yt_check_keys(ld->t, node, keys, 2, "key", name))
		return -1;
	return require_key(ld, node, k1, n1) || require_key(ld, node, k2, n2) ? -1 : 0;
}

static int dist_normal(struct loader *ld, int node, struct dist *d)
{
	int mn = 0, sn = 0;
	sim_ns mean = 0, sd = 0;
	if (dist_pair(ld, node, "normal", "mean", "stddev", &mn, &sn) ||
	    node_duration(ld, mn, &mean) || node_duration(ld, sn, &sd))
		return -1;
	d->p1 = (double)mean;
	d->p2 = (double)sd;
	return 0;
}

/* A duration that must be > 0; label names it in the message. */
static int positive_duration(struct loader *ld, int node, const char *label, double *out)
{
	sim_ns v = 0;
	char d[DESCRIBE_CHARS];
	if (node_duration(ld, node, &v))
		return -1;
	if (v <= 0)
		return yt_fail(ld->t, node, "%s must be > 0, got %s", label, describe(ld, node, d));
	*out = (double)v;
	return 0;
}

static int positive_number(struct loader *ld, int node, const char *label, double *out)
{
	union value v;
	char d[DESCRIBE_CHARS];
	if (node_value(ld, node, VK_NUMBER, &v))
		return -1;
	if (!(v.d > 0))
		return yt_fail(ld->t, node, "%s must be > 0, got %s", label, describe(ld, node, d));
	*out = v.d;
	return 0;
}

/* The user gives the lognormal's mean; the struct wants mu of the log. */
static int dist_lognormal(struct loader *ld, int node, struct dist *d)
{
	int mn = 0, sn = 0;
	double mean = 0, sigma = 0;
	if (dist_pair(ld, node, "lognormal", "mean", "sigma", &mn, &sn) ||
	    positive_duration(ld, mn, "lognormal mean", &mean) ||
	    positive_number(ld, sn, "lognormal sigma", &sigma))
		return -1;
	d->p1 = log(mean) - sigma * sigma / 2;
	d->p2 = sigma;
	return 0;
}

static int dist_pareto(struct loader *ld, int node, struct dist *d)
{
	int sn = 0, an = 0;
	if (dist_pair(ld, node, "pareto", "scale", "alpha", &sn, &an) ||
	    positive_duration(ld, sn, "pareto scale", &d->p1) ||
	    positive_number(ld, an, "pareto alpha", &d->p2))
		return -1;
	return 0;
}

static int dist_empirical(struct loader *ld, int node, struct dist *d)
{
	struct yt *t = ld->t;
	if (!yt_is_sequence(t, node))
		return yt_fail_type(t, node, "a sequence of values");
	int n = yt_len(t, node);
	if (n == 0)
		return yt_fail(t, node, "empirical list must not be empty");
	ld->total_ops += n;
	if (ld->total_ops > SC_MAX_OPS)
		return yt_fail(t, node, "too many ops and empirical values (more than %ld)", SC_MAX_OPS);
	d->values = calloc((size_t)n, sizeof *d->values);
	if (!d->values)
		return oom(ld, node);
	d->n = n;
	for (int i = 0; i < n; i++) {
		sim_ns v = 0;
		if (node_duration(ld, yt_item(t, node, i), &v))
			return -1;
		d->values[i] = (double)v;
	}
	return 0;
}

static const struct {
	const char *name;
	enum dist_kind kind;
	dist_parser parse;
} sc_dists[] = {
	{ "const", DIST_CONST, dist_const },
	{ "exp", DIST_EXP, dist_const },
	{ "uniform", DIST_UNIFORM, dist_uniform },
	{ "normal", DIST_NORMAL, dist_normal },
	{ "lognormal", DIST_LOGNORMAL, dist_lognormal },
	{ "pareto", DIST_PARETO, dist_pareto },
	{ "empirical", DIST_EMPIRICAL, dist_empirical },
};

#define NDISTS NELEMS(sc_dists)

static int dist_index(const char *name)
{
	for (int i = 0; i < NDISTS; i++)
		if (strcmp(sc_dists[i].name, name) == 0)
			return i;
	return -1;
}

static int parse_mem(struct loader *ld, int node, double *mem)
{
	union value v;
	char d[DESCRIBE_CHARS];
	if (node_value(ld, node, VK_NUMBER, &v))
		return -1;
	if (!(v.d >= 0 && v.d <= 1))
		return yt_fail(ld->t, node, "mem must be in [0, 1], got %s", describe(ld, node, d));
	*mem = v.d;
	return 0;
}

/* Finds the one distribution key of a mapping (and reads mem when allowed);
 * returns its pair index or -1 after an error. */
static int find_dist_key(struct loader *ld, int map, double *mem)
{
	struct yt *t = ld->t;
	const char *names[NDISTS + 1];
	for (int i = 0; i < NDISTS; i++)
		names[i] = sc_dists[i].name;
	names[NDISTS] = "mem";
	for (int i = 0; !mem && i < yt_len(t, map); i++)
		if (strcmp(yt_text(t, yt_key(t, map, i)), "mem") == 0)
			return yt_fail(t, yt_key(t, map, i), "'mem' is only allowed on cpu ops");
	if (yt_check_keys(t, map, names, NDISTS + (mem ? 1 : 0), "distribution", NULL))
		return -1;
	int found = -1;
	for (int i = 0; i < yt_len(t, map); i++) {
		const char *k = yt_text(t, yt_key(t, map, i));
		if (strcmp(k, "mem") == 0) {
			if (parse_mem(ld, yt_value(t, map, i), mem))
				return -1;
		} else if (found >= 0) {
			return yt_fail(t, yt_key(t, map, i), "more than one distribution ('%s' and '%s')",
				       yt_text(t, yt_key(t, map, found)), k);
		} else {
			found = i;
		}
	}
	if (found < 0)
		return yt_fail(t, map, "missing distribution (one of const, exp, uniform, normal, "
				       "lognormal, pareto, empirical)");
	return found;
}

/* A distribution of durations: a bare scalar is a constant, else a mapping
 * with one distribution key (plus mem: on cpu ops, when mem is not NULL). */
static int parse_dist(struct loader *ld, int node, struct dist *d, double *mem)
{
	struct yt *t = ld->t;
	if (yt_is_scalar(t, node) && !yt_is_null(t, node)) {
		d->kind = DIST_CONST;
		return dist_const(ld, node, d);
	}
	if (!yt_is_mapping(t, node))
		return yt_fail_type(t, node, "a duration or a distribution mapping");
	int i = find_dist_key(ld, node, mem);
	if (i < 0)
		return -1;
	int di = dist_index(yt_text(t, yt_key(t, node, i)));
	d->kind = sc_dists[di].kind;
	return sc_dists[di].parse(ld, yt_value(t, node, i), d);
}

/* ---- arrivals ------------------------------------------------------------ */

static int arrival_poisson(struct loader *ld, int node, struct arrival *a)
{
	union value v;
	char d[DESCRIBE_CHARS];
	if (node_value(ld, node, VK_RATE, &v))
		return -1;
	if (!(v.d > 0))
		return yt_fail(ld->t, node, "poisson rate must be > 0, got %s", describe(ld, node, d));
	a->rate = v.d;
	return 0;
}

static int arrival_closed(struct loader *ld, int node, struct arrival *a)
{
	static const char *const keys[] = { "clients", "think" };
	struct yt *t = ld->t;
	int cn = 0;
	if (!yt_is_mapping(t, node))
		return yt_fail_type(t, node, "a mapping");
	if (yt_check_keys(t, node, keys, 2, "key", "closed") || require_key(ld, node, "clients", &cn) ||
	    node_int_min(ld, cn, "closed clients", 1, &a->clients))
		return -1;
	int think = yt_get(t, node, "think");
	a->think.kind = DIST_CONST;
	return think ? parse_dist(ld, think, &a->think, NULL) : 0;
}

static int arrival_batch(struct loader *ld, int node, struct arrival *a)
{
	static const char *const keys[] = { "count", "at" };
	struct yt *t = ld->t;
	int cn = 0;
	if (!yt_is_mapping(t, node))
		return yt_fail_type(t, node, "a mapping");
	if (yt_check_keys(t, node, keys, 2, "key", "batch") || require_key(ld, node, "count", &cn) ||
	    node_int_min(ld, cn, "batch count", 1, &a->count))
		return -1;
	int at = yt_get(t, node, "at");
	return at ? node_duration(ld, at, &a->at) : 0;
}

static const struct {
	const char *name;
	enum arrival_kind kind;
	int (*parse)(struct loader *ld, int node, struct arrival *a);
} sc_arrivals[] = {
	{ "poisson", ARR_POISSON, arrival_poisson },
	{ "closed", ARR_CLOSED, arrival_closed },
	{ "batch", ARR_BATCH, arrival_batch },
};

static int parse_arrival(struct loader *ld, int node, struct arrival *a)
{
	struct yt *t = ld->t;
	const char *names[NELEMS(sc_arrivals)];
	for (int i = 0; i < NELEMS(sc_arrivals); i++)
		names[i] = sc_arrivals[i].name;
	if (!yt_is_mapping(t, node))
		return yt_fail_type(t, node, "a mapping such as { poisson: 1000/s }");
	if (yt_check_keys(t, node, names, NELEMS(names), "arrival", NULL))
		return -1;
	if (yt_len(t, node) == 0)
		return yt_fail(t, node, "missing arrival kind (one of poisson, closed, batch)");
	if (yt_len(t, node) > 1)
		return yt_fail(t, yt_key(t, node, 1), "more than one arrival kind ('%s' and '%s')",
			       yt_text(t, yt_key(t, node, 0)), yt_text(t, yt_key(t, node, 1)));
	const char *kind = yt_text(t, yt_key(t, node, 0));
	for (int i = 0; i < NELEMS(sc_arrivals); i++)
		if (strcmp(kind, sc_arrivals[i].name) == 0) {
			a->kind = sc_arrivals[i].kind;
			return sc_arrivals[i].parse(ld, yt_value(t, node, 0), a);
		}
	return -1; /* unreachable: keys were checked */
}

/* ---- ops and programs ---------------------------------------------------- */

static const struct {
	const char *name;
	enum op_kind kind;
} sc_ops[] = {
	{ "cpu", OP_CPU }, { "syscall", OP_SYSCALL }, { "net", OP_NET },
	{ "sleep", OP_SLEEP }, { "spawn", OP_SPAWN }, { "repeat", OP_REPEAT },
};

#define NOPS NELEMS(sc_ops)

static int parse_ops(struct loader *ld, struct builder *b, int seq, int depth);

/* Appends a zeroed op placed at node; returns its index or -1. */
static int push_op(struct loader *ld, struct builder *b, int node)
{
	struct program *p = b->p;
	if (++ld->total_ops > SC_MAX_OPS)
		return yt_fail(ld->t, node, "too many ops and empirical values (more than %ld)", SC_MAX_OPS);
	if (p->nops == b->cap) {
		int cap = b->cap ? 2 * b->cap : 8;
		struct op *ops = realloc(p->ops, (size_t)cap * sizeof *ops);
		if (!ops)
			return oom(ld, node);
		p->ops = ops;
		b->cap = cap;
	}
	struct op *op = &p->ops[p->nops];
	memset(op, 0, sizeof *op);
	yaml_node_t *n = yt_node(ld->t, node);
	op->line = (int)n->start_mark.line + 1;
	op->col = (int)n->start_mark.column + 1;
	return p->nops++;
}

static int parse_spawn(struct loader *ld, int node, struct op *op)
{
	static const char *const keys[] = { "program", "count", "wait" };
	struct yt *t = ld->t;
	int pn = 0;
	union value v;
	if (!yt_is_mapping(t, node))
		return yt_fail_type(t, node, "a mapping such as { program: NAME, count: 1 }");
	if (yt_check_keys(t, node, keys, 3, "key", "spawn") || require_key(ld, node, "program", &pn) ||
	    node_value(ld, pn, VK_STRING, &v))
		return -1;
	op->program = -1;
	for (int i = 0; i < ld->nnamed; i++)
		if (strcmp(ld->named[i], v.s) == 0)
			op->program = i;
	if (op->program < 0)
		return yt_fail_unknown(t, pn, "program", NULL, ld->named, ld->nnamed);
	int cn = yt_get(t, node, "count"), wn = yt_get(t, node, "wait");
	op->count = 1;
	if (cn && node_int_min(ld, cn, "spawn count", 1, &op->count))
		return -1;
	if (wn && node_value(ld, wn, VK_BOOL, &v))
		return -1;
	op->wait = wn && v.b;
	return 0;
}

/* REPEAT is followed by its flattened body; body_len counts every op in it,
 * nested repeats included. */
static int parse_repeat(struct loader *ld, struct builder *b, int node, int at, int depth)
{
	static const char *const keys[] = { "times", "do" };
	struct yt *t = ld->t;
	int tn = 0, dn = 0;
	int64_t times = 0;
	if (!yt_is_mapping(t, node))
		return yt_fail_type(t, node, "a mapping such as { times: 3, do: [...] }");
	if (yt_check_keys(t, node, keys, 2, "key", "repeat") || require_key(ld, node, "times", &tn) ||
	    require_key(ld, node, "do", &dn) || node_int_min(ld, tn, "repeat times", 0, &times))
		return -1;
	if (depth >= YT_MAX_DEPTH)
		return yt_fail(t, node, "repeat nested too deeply (more than %d levels)", YT_MAX_DEPTH);
	b->p->ops[at].count = times;
	if (parse_ops(ld, b, dn, depth + 1))
		return -1;
	b->p->ops[at].body_len = b->p->nops - at - 1;
	return 0;
}

static int op_index(const char *name)
{
	for (int i = 0; i < NOPS; i++)
		if (strcmp(sc_ops[i].name, name) == 0)
			return i;
	return -1;
}

/* Checks a list item is a mapping with exactly one known op name; returns
 * the index into sc_ops or -1. */
static int op_of_item(struct loader *ld, int item)
{
	struct yt *t = ld->t;
	const char *names[NOPS];
	for (int i = 0; i < NOPS; i++)
		names[i] = sc_ops[i].name;
	if (!yt_is_mapping(t, item))
		return yt_fail_type(t, item, "a mapping (an op such as 'cpu: 100us')");
	if (yt_check_unique(t, item))
		return -1;
	if (yt_len(t, item) == 0)
		return yt_fail(t, item, "empty op (expected one of cpu, syscall, net, sleep, spawn, repeat)");
	int key = yt_key(t, item, 0), oi = op_index(yt_text(t, key));
	if (oi < 0)
		return yt_fail_unknown(t, key, "op", NULL, names, NOPS);
	if (yt_len(t, item) > 1)
		return yt_fail(t, yt_key(t, item, 1),
			       "one op per list item: '%s' follows '%s' (indent an op's parameters under it)",
			       yt_text(t, yt_key(t, item, 1)), yt_text(t, key));
	return oi;
}

static int parse_op(struct loader *ld, struct builder *b, int item, int depth)
{
	struct yt *t = ld->t;
	int oi = op_of_item(ld, item);
	if (oi < 0)
		return -1;
	int key = yt_key(t, item, 0), value = yt_value(t, item, 0);
	int at = push_op(ld, b, key);
	if (at < 0)
		return -1;
	struct op *op = &b->p->ops[at];
	op->kind = sc_ops[oi].kind;
	switch (op->kind) {
	case OP_CPU: return parse_dist(ld, value, &op->d, &op->mem);
	case OP_SPAWN: return parse_spawn(ld, value, op);
	case OP_REPEAT: return parse_repeat(ld, b, value, at, depth);
	default: return parse_dist(ld, value, &op->d, NULL);
	}
}

static int parse_ops(struct loader *ld, struct builder *b, int seq, int depth)
{
	struct yt *t = ld->t;
	if (!yt_is_sequence(t, seq))
		return yt_fail_type(t, seq, "a sequence of ops");
	for (int i = 0; i < yt_len(t, seq); i++)
		if (parse_op(ld, b, yt_item(t, seq, i), depth))
			return -1;
	return 0;
}

/* Class and program names become parameter paths and --set targets. */
static int check_name(struct loader *ld, int key, const char *what)
{
	char d[DESCRIBE_CHARS];
	const char *s = yt_text(ld->t, key);
	if (!*s)
		return yt_fail(ld->t, key, "%s name must not be empty", what);
	if (strchr(s, '.'))
		return yt_fail(ld->t, key, "%s name %s must not contain '.'", what, describe(ld, key, d));
	return 0;
}

/* A mapping of names (null = none); checks keys are unique, valid names. */
static int check_names(struct loader *ld, int map, const char *what)
{
	if (!map || yt_is_null(ld->t, map))
		return 0;
	if (!yt_is_mapping(ld->t, map))
		return yt_fail_type(ld->t, map, "a mapping of names");
	if (yt_check_unique(ld->t, map))
		return -1;
	for (int i = 0; i < yt_len(ld->t, map); i++)
		if (check_name(ld, yt_key(ld->t, map, i), what))
			return -1;
	return 0;
}

/* Adds a program named name (ops parsed later); returns its index or -1. */
static int add_program(struct loader *ld, int node, const char *prefix, const char *name)
{
	struct scenario *sc = ld->sc;
	struct program *p = &sc->programs[sc->nprograms];
	size_t len = strlen(prefix) + strlen(name) + 1;
	p->name = malloc(len);
	if (!p->name)
		return oom(ld, node);
	snprintf(p->name, len, "%s%s", prefix, name);
	return sc->nprograms++;
}

static int load_named_programs(struct loader *ld, int map)
{
	struct yt *t = ld->t;
	ld->nnamed = yt_len(t, map);
	ld->named = calloc((size_t)ld->nnamed + 1, sizeof *ld->named);
	if (!ld->named)
		return oom(ld, map);
	for (int i = 0; i < ld->nnamed; i++) {
		int key = yt_key(t, map, i);
		if (add_program(ld, key, "", yt_text(t, key)) < 0)
			return -1;
		ld->named[i] = ld->sc->programs[i].name;
	}
	for (int i = 0; i < ld->nnamed; i++) {
		struct builder b = { &ld->sc->programs[i], 0 };
		if (parse_ops(ld, &b, yt_value(t, map, i), 0))
			return -1;
	}
	return 0;
}

static int load_class(struct loader *ld, int key, int value)
{
	static const char *const keys[] = { "arrival", "program" };
	struct yt *t = ld->t;
	struct scenario *sc = ld->sc;
	char where[128];
	int an = 0, pn = 0;
	snprintf(where, sizeof where, "workload.%s", yt_text(t, key));
	if (!yt_is_mapping(t, value))
		return yt_fail_type(t, value, "a mapping with arrival: and program:");
	if (yt_check_keys(t, value, keys, 2, "key", where) || require_key(ld, value, "arrival", &an) ||
	    require_key(ld, value, "program", &pn))
		return -1;
	struct task_class *c = &sc->classes[sc->nclasses];
	if (!(c->name = strdup(yt_text(t, key))))
		return oom(ld, key);
	sc->nclasses++;
	if (parse_arrival(ld, an, &c->arrival))
		return -1;
	int pi = add_program(ld, key, "workload.", c->name);
	if (pi < 0)
		return -1;
	c->program = pi;
	struct builder b = { &sc->programs[pi], 0 };
	return parse_ops(ld, &b, pn, 0);
}

/* Named programs come first in sc->programs (in the order written), then
 * one program per class, "workload.<class>". */
static int load_workload(struct loader *ld)
{
	struct yt *t = ld->t;
	struct scenario *sc = ld->sc;
	int wl = ld->row_node[row_index("workload")], progs = ld->row_node[row_index("programs")];
	if (check_names(ld, progs, "program") || check_names(ld, wl, "class"))
		return -1;
	if (yt_len(t, wl) == 0)
		return yt_fail(t, wl, "workload must define at least one class");
	int total = yt_len(t, progs) + yt_len(t, wl);
	sc->programs = calloc((size_t)total, sizeof *sc->programs);
	sc->classes = calloc((size_t)yt_len(t, wl), sizeof *sc->classes);
	if (!sc->programs || !sc->classes)
		return oom(ld, wl);
	if (load_named_programs(ld, progs))
		return -1;
	for (int i = 0; i < yt_len(t, wl); i++)
		if (load_class(ld, yt_key(t, wl, i), yt_value(t, wl, i)))
			return -1;
	return 0;
}

/* ---- resolved parameters ------------------------------------------------- */

static int add_param(struct loader *ld, const char *key, const char *value)
{
	struct scenario *sc = ld->sc;
	if (sc->nparams == SC_MAX_PARAMS)
		return yt_fail(ld->t, 0, "too many parameters (more than %d)", SC_MAX_PARAMS);
	if (sc->nparams == ld->params_cap) {
		int cap = ld->params_cap ? 2 * ld->params_cap : 64;
		struct sc_param *p = realloc(sc->params, (size_t)cap * sizeof *p);
		if (!p)
			return oom(ld, 0);
		sc->params = p;
		ld->params_cap = cap;
	}
	struct sc_param *p = &sc->params[sc->nparams];
	p->key = strdup(key);
	p->value = strdup(value);
	if (!p->key || !p->value) {
		free(p->key);
		free(p->value);
		return oom(ld, 0);
	}
	sc->nparams++;
	return 0;
}

/* Shortest text that reads back as the same double. */
static void format_double(double x, char *buf, size_t len)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, x);
		if (strtod(buf, NULL) == x)
			return;
	}
}

/* Canonical text of a row's value: integers (durations in ns, sizes in
 * bytes), shortest round-trip doubles, true/false, strings as is. */
static const char *format_row(const struct scenario *sc, const struct sc_row *r, char *buf, size_t len)
{
	const void *p = (const char *)sc + r->offset;
	switch (r->type) {
	case ROW_INT: snprintf(buf, len, "%d", *(const int *)p); break;
	case ROW_INT64: case ROW_DURATION: case ROW_SIZE:
		snprintf(buf, len, "%lld", (long long)*(const int64_t *)p); break;
	case ROW_UINT64: snprintf(buf, len, "%llu", (unsigned long long)*(const uint64_t *)p); break;
	case ROW_DOUBLE: format_double(*(const double *)p, buf, len); break;
	case ROW_BOOL: case ROW_MODEL: snprintf(buf, len, "%s", *(const bool *)p ? "true" : "false"); break;
	case ROW_STRING: return *(char *const *)p;
	default: return NULL;
	}
	return buf;
}

static int table_params(struct loader *ld)
{
	for (int i = 0; i < NROWS; i++) {
		char buf[64];
		const struct sc_row *r = &sc_rows[i];
		if (r->flags & ROW_NOT_YET)
			continue;
		const char *v = format_row(ld->sc, r, buf, sizeof buf);
		if (v && add_param(ld, r->path, v))
			return -1;
	}
	return 0;
}

static int distance_params(struct loader *ld)
{
	const struct machine_cfg *m = &ld->sc->machine;
	for (int i = 0; i < m->numa_nodes; i++)
		for (int j = 0; j < m->numa_nodes; j++) {
			char key[64], v[32];
			snprintf(key, sizeof key, "machine.numa.distance.%d.%d", i, j);
			format_double(m->distance[i * m->numa_nodes + j], v, sizeof v);
			if (add_param(ld, key, v))
				return -1;
		}
	return 0;
}

/* Every scalar leaf below node, as written, keyed by its dotted path
 * (sequence items by index). path has room for PATH_MAX_CHARS. */
static int tree_params(struct loader *ld, int node, char *path, size_t plen, int depth)
{
	struct yt *t = ld->t;
	if (depth > PARAM_MAX_DEPTH)
		return yt_fail(t, node, "nested too deeply (a recursive alias?)");
	if (yt_is_scalar(t, node))
		return add_param(ld, path, yt_is_null(t, node) ? "" : yt_text(t, node));
	bool map = yt_is_mapping(t, node);
	for (int i = 0; i < yt_len(t, node); i++) {
		int n = map ? snprintf(path + plen, PATH_MAX_CHARS - plen, ".%s", yt_text(t, yt_key(t, node, i)))
			    : snprintf(path + plen, PATH_MAX_CHARS - plen, ".%d", i);
		if (n < 0 || (size_t)n >= PATH_MAX_CHARS - plen)
			return yt_fail(t, node, "key path too long");
		if (tree_params(ld, map ? yt_value(t, node, i) : yt_item(t, node, i), path, plen + (size_t)n, depth + 1))
			return -1;
	}
	path[plen] = '\0';
	return 0;
}

static int make_params(struct loader *ld)
{
	static const char *const trees[] = { "workload", "programs" };
	if (table_params(ld) || distance_params(ld))
		return -1;
	for (int i = 0; i < NELEMS(trees); i++) {
		int node = ld->row_node[row_index(trees[i])];
		char *path = malloc(PATH_MAX_CHARS);
		if (!path)
			return oom(ld, node);
		snprintf(path, PATH_MAX_CHARS, "%s", trees[i]);
		int rc = node ? tree_params(ld, node, path, strlen(path), 0) : 0;
		free(path);
		if (rc)
			return -1;
	}
	return 0;
}

/* ---- entry points -------------------------------------------------------- */

static int build(struct loader *ld, const char *file)
{
	struct yt *t = ld->t;
	int root = yt_root(t);
	if (set_defaults(ld))
		return -1;
	if (!yt_is_mapping(t, root))
		return yt_fail_type(t, root, "a mapping at the top of the document");
	if (walk_section(ld, root, "") || check_times(ld) || check_numa(ld) ||
	    load_distance(ld) || check_models(ld) || load_workload(ld) || make_params(ld))
		return -1;
	if (!(ld->sc->path = strdup(file)))
		return oom(ld, 0);
	return 0;
}

static int load_text(const char *file, const char *text, size_t len, const char *const *sets,
		     int nsets, struct scenario *out, char *err, size_t errlen)
{
	struct yt t;
	struct loader ld;
	memset(out, 0, sizeof *out);
	memset(&ld, 0, sizeof ld);
	ld.t = &t;
	ld.sc = out;
	if (err && errlen)
		err[0] = '\0';
	int rc = yt_open(&t, file, text, len, err, errlen);
	for (int i = 0; rc == 0 && i < nsets; i++)
		rc = yt_apply_set(&t, sets[i]);
	if (rc == 0)
		rc = build(&ld, file);
	free(ld.named);
	yt_close(&t);
	if (rc)
		sc_free(out);
	return rc ? -1 : 0;
}

int sc_load_string(const char *name, const char *yaml, const char *const *sets,
		   int nsets, struct scenario *out, char *err, size_t errlen)
{
	return load_text(name, yaml, strlen(yaml), sets, nsets, out, err, errlen);
}

/* Reads a whole file into a malloc'd buffer; *len gets its size. */
static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap || cap >= (size_t)SC_MAX_FILE)
			break;
		char *bigger = realloc(buf, cap * 2);
		if (!bigger)
			free(buf);
		buf = bigger;
		cap *= 2;
	}
	bool bad = !buf || ferror(f) || n == cap;
	if (bad)
		snprintf(err, errlen, "%s: cannot read: %s", path,
			 !buf ? "out of memory" : n == cap ? "file too large" : strerror(errno));
	fclose(f);
	if (bad) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

int sc_load(const char *path, const char *const *sets, int nsets,
	    struct scenario *out, char *err, size_t errlen)
{
	size_t len = 0;
	memset(out, 0, sizeof *out);
	char *text = read_file(path, &len, err, errlen);
	if (!text)
		return -1;
	int rc = load_text(path, text, len, sets, nsets, out, err, errlen);
	free(text);
	return rc;
}

static void dist_free(struct dist *d)
{
	free(d->values);
	d->values = NULL;
	d->n = 0;
}

void sc_free(struct scenario *sc)
{
	if (!sc)
		return;
	free(sc->path);
	free(sc->name);
	free(sc->description);
	free(sc->machine.distance);
	for (int i = 0; i < sc->nclasses; i++) {
		free(sc->classes[i].name);
		dist_free(&sc->classes[i].arrival.think);
	}
	free(sc->classes);
	for (int i = 0; i < sc->nprograms; i++) {
		for (int j = 0; j < sc->programs[i].nops; j++)
			dist_free(&sc->programs[i].ops[j].d);
		free(sc->programs[i].ops);
		free(sc->programs[i].name);
	}
	free(sc->programs);
	for (int i = 0; i < sc->nparams; i++) {
		free(sc->params[i].key);
		free(sc->params[i].value);
	}
	free(sc->params);
	memset(sc, 0, sizeof *sc);
}

int sc_model_index(const struct scenario *sc, const char *name)
{
	for (int i = 0; i < sc->nmodels; i++)
		if (strcmp(sc->models[i], name) == 0)
			return i;
	return -1;
}

int sc_program_index(const struct scenario *sc, const char *name)
{
	for (int i = 0; i < sc->nprograms; i++)
		if (strcmp(sc->programs[i].name, name) == 0)
			return i;
	return -1;
}
