/* sim/scenario/scenario_workload.c — the scenario's workload grammar: task classes
 * (workload:), named programs (programs:), their ops (cpu, syscall, net,
 * sleep, spawn, repeat), the distributions of durations ops and think
 * times draw from, and the arrival processes (poisson, closed, batch).
 * Programs come out flat: a repeat is followed by its body (scenario.h).
 *
 * Must not: touch the fixed sections or the parameter table (it asks
 * sc__row_node where workload: and programs: are), or know how a model
 * runs a program. Limits: SC_MAX_OPS ops and empirical values in all,
 * repeats nested at most YT_MAX_DEPTH deep. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_internal.h"

/* A program being filled: ops grow by doubling. */
struct builder {
	struct program *p;
	int cap;
};

/* ---- distributions ------------------------------------------------------- */

typedef int (*dist_parser)(struct loader *ld, int node, struct dist *d);

static int dist_const(struct loader *ld, int node, struct dist *d)
{
	sim_ns v = 0;
	if (sc__node_duration(ld, node, &v))
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
	if (sc__node_duration(ld, lo_node, &lo) || sc__node_duration(ld, hi_node, &hi))
		return -1;
	char a[DESCRIBE_CHARS], b[DESCRIBE_CHARS];
	if (lo > hi)
		return yt_fail(t, hi_node, "uniform lo must be <= hi, got lo %s > hi %s",
			       sc__describe(ld, lo_node, a), sc__describe(ld, hi_node, b));
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
	return sc__require_key(ld, node, k1, n1) || sc__require_key(ld, node, k2, n2) ? -1 : 0;
}

static int dist_normal(struct loader *ld, int node, struct dist *d)
{
	int mn = 0, sn = 0;
	sim_ns mean = 0, sd = 0;
	if (dist_pair(ld, node, "normal", "mean", "stddev", &mn, &sn) ||
	    sc__node_duration(ld, mn, &mean) || sc__node_duration(ld, sn, &sd))
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
	if (sc__node_duration(ld, node, &v))
		return -1;
	if (v <= 0)
		return yt_fail(ld->t, node, "%s must be > 0, got %s", label, sc__describe(ld, node, d));
	*out = (double)v;
	return 0;
}

static int positive_number(struct loader *ld, int node, const char *label, double *out)
{
	union value v;
	char d[DESCRIBE_CHARS];
	if (sc__node_value(ld, node, VK_NUMBER, &v))
		return -1;
	if (!(v.d > 0))
		return yt_fail(ld->t, node, "%s must be > 0, got %s", label, sc__describe(ld, node, d));
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
		return sc__oom(ld, node);
	d->n = n;
	for (int i = 0; i < n; i++) {
		sim_ns v = 0;
		if (sc__node_duration(ld, yt_item(t, node, i), &v))
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
	if (sc__node_value(ld, node, VK_NUMBER, &v))
		return -1;
	if (!(v.d >= 0 && v.d <= 1))
		return yt_fail(ld->t, node, "mem must be in [0, 1], got %s", sc__describe(ld, node, d));
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

/* poisson: RATE, constant: RATE */
static int arrival_rate(struct loader *ld, int node, struct arrival *a)
{
	union value v;
	char d[DESCRIBE_CHARS];
	if (sc__node_value(ld, node, VK_RATE, &v))
		return -1;
	if (!(v.d > 0))
		return yt_fail(ld->t, node, "%s rate must be > 0, got %s",
			       a->kind == ARR_POISSON ? "poisson" : "constant", sc__describe(ld, node, d));
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
	if (yt_check_keys(t, node, keys, 2, "key", "closed") || sc__require_key(ld, node, "clients", &cn) ||
	    sc__node_int_min(ld, cn, "closed clients", 1, &a->clients))
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
	if (yt_check_keys(t, node, keys, 2, "key", "batch") || sc__require_key(ld, node, "count", &cn) ||
	    sc__node_int_min(ld, cn, "batch count", 1, &a->count))
		return -1;
	int at = yt_get(t, node, "at");
	return at ? sc__node_duration(ld, at, &a->at) : 0;
}

static const struct {
	const char *name;
	enum arrival_kind kind;
	int (*parse)(struct loader *ld, int node, struct arrival *a);
} sc_arrivals[] = {
	{ "poisson", ARR_POISSON, arrival_rate },
	{ "constant", ARR_CONSTANT, arrival_rate },
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
		return yt_fail(t, node, "missing arrival kind (one of poisson, constant, closed, batch)");
	if (yt_len(t, node) > 1)
		return yt_fail(t, yt_key(t, node, 1), "more than one arrival kind ('%s' and '%s')",
			       yt_text(t, yt_key(t, node, 0)), yt_text(t, yt_key(t, node, 1)));
	const char *kind = yt_text(t, yt_key(t, node, 0));
	for (int i = 0; i < NELEMS(sc_arrivals); i++)
		if (strcmp(kind, sc_arrivals[i].name) == 0) {
			a->kind = sc_arrivals[i].kind;
			yt_where(t, yt_value(t, node, 0), a->where, sizeof a->where);
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
	{ "yield", OP_YIELD }, { "cgo", OP_CGO },
	{ "send", OP_SEND }, { "recv", OP_RECV }, { "close", OP_CLOSE },
	{ "lock", OP_LOCK }, { "stack", OP_STACK },
	{ "lock_os_thread", OP_LOCK_OS_THREAD }, { "unlock_os_thread", OP_UNLOCK_OS_THREAD },
	{ "alloc", OP_ALLOC },
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
			return sc__oom(ld, node);
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
	if (yt_check_keys(t, node, keys, 3, "key", "spawn") || sc__require_key(ld, node, "program", &pn) ||
	    sc__node_value(ld, pn, VK_STRING, &v))
		return -1;
	op->program = -1;
	for (int i = 0; i < ld->nnamed; i++)
		if (strcmp(ld->named[i], v.s) == 0)
			op->program = i;
	if (op->program < 0)
		return yt_fail_unknown(t, pn, "program", NULL, ld->named, ld->nnamed);
	int cn = yt_get(t, node, "count"), wn = yt_get(t, node, "wait");
	op->count = 1;
	if (cn && sc__node_int_min(ld, cn, "spawn count", 1, &op->count))
		return -1;
	if (wn && sc__node_value(ld, wn, VK_BOOL, &v))
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
	if (yt_check_keys(t, node, keys, 2, "key", "repeat") || sc__require_key(ld, node, "times", &tn) ||
	    sc__require_key(ld, node, "do", &dn) || sc__node_int_min(ld, tn, "repeat times", 0, &times))
		return -1;
	if (depth >= YT_MAX_DEPTH)
		return yt_fail(t, node, "repeat nested too deeply (more than %d levels)", YT_MAX_DEPTH);
	b->p->ops[at].count = times;
	if (parse_ops(ld, b, dn, depth + 1))
		return -1;
	b->p->ops[at].body_len = b->p->nops - at - 1;
	return 0;
}

/* The index of the mutex called name, added on first use; -1 when out of
 * memory. */
static int mutex_index(struct loader *ld, const char *name)
{
	struct scenario *sc = ld->sc;
	for (int i = 0; i < sc->nmutexes; i++)
		if (strcmp(sc->mutexes[i], name) == 0)
			return i;
	char **m = realloc(sc->mutexes, sizeof *m * (size_t)(sc->nmutexes + 1));
	if (!m)
		return -1;
	sc->mutexes = m;
	if (!(m[sc->nmutexes] = strdup(name)))
		return -1;
	return sc->nmutexes++;
}

/* lock: { mutex: NAME, hold: DIST } */
static int parse_lock(struct loader *ld, int node, struct op *op)
{
	static const char *const keys[] = { "mutex", "hold" };
	struct yt *t = ld->t;
	int mn = 0, hn = 0;
	union value v;
	if (!yt_is_mapping(t, node))
		return yt_fail_type(t, node, "a mapping such as { mutex: m, hold: 1us }");
	if (yt_check_keys(t, node, keys, 2, "key", "lock") || sc__require_key(ld, node, "mutex", &mn) ||
	    sc__require_key(ld, node, "hold", &hn) || sc__node_value(ld, mn, VK_STRING, &v))
		return -1;
	if (!*v.s)
		return yt_fail(t, mn, "mutex name must not be empty");
	if ((op->program = mutex_index(ld, v.s)) < 0)
		return sc__oom(ld, mn);
	return parse_dist(ld, hn, &op->d, NULL);
}

/* send/recv/close: NAME of a channel declared under channels:. */
static int parse_chan_ref(struct loader *ld, int node, struct op *op)
{
	union value v;
	if (sc__node_value(ld, node, VK_STRING, &v))
		return -1;
	for (int i = 0; i < ld->sc->nchannels; i++)
		if (strcmp(ld->sc->channels[i].name, v.s) == 0) {
			op->program = i;
			return 0;
		}
	return yt_fail_unknown(ld->t, node, "channel", NULL, ld->chan_names, ld->sc->nchannels);
}

/* yield: N (or nothing, once). */
static int parse_yield(struct loader *ld, int node, struct op *op)
{
	op->count = 1;
	if (yt_is_null(ld->t, node))
		return 0;
	return sc__node_int_min(ld, node, "yield count", 1, &op->count);
}

/* alloc: SIZE, or { size: SIZE, temp: BOOL } */
static int parse_alloc(struct loader *ld, int node, struct op *op)
{
	static const char *const keys[] = { "size", "temp" };
	struct yt *t = ld->t;
	union value v;
	int sn = node, tn = 0;
	if (yt_is_mapping(t, node)) {
		if (yt_check_keys(t, node, keys, 2, "key", "alloc") || sc__require_key(ld, node, "size", &sn))
			return -1;
		tn = yt_get(t, node, "temp");
	}
	if (sc__node_value(ld, sn, VK_SIZE, &v))
		return -1;
	op->count = v.i;
	if (tn && sc__node_value(ld, tn, VK_BOOL, &v))
		return -1;
	op->temp = tn && v.b;
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
		return yt_fail(t, item, "empty op (expected one of cpu, syscall, net, sleep, spawn, repeat, yield, cgo, send, recv, close, lock, stack, lock_os_thread, unlock_os_thread, alloc)");
	int key = yt_key(t, item, 0), oi = op_index(yt_text(t, key));
	if (oi < 0)
		return yt_fail_unknown(t, key, "op", NULL, names, NOPS);
	if (yt_len(t, item) > 1)
		return yt_fail(t, yt_key(t, item, 1),
			       "one op per list item: '%s' follows '%s' (indent an op's parameters under it)",
			       yt_text(t, yt_key(t, item, 1)), yt_text(t, key));
	return oi;
}

/* What a co-located class's thread can do without the model's runtime. */
static bool colocated_op(enum op_kind k)
{
	return k == OP_CPU || k == OP_SYSCALL || k == OP_NET || k == OP_SLEEP || k == OP_YIELD ||
	       k == OP_REPEAT;
}

static int parse_op(struct loader *ld, struct builder *b, int item, int depth)
{
	struct yt *t = ld->t;
	int oi = op_of_item(ld, item);
	if (oi < 0)
		return -1;
	int key = yt_key(t, item, 0), value = yt_value(t, item, 0);
	if (ld->colocated_class && !colocated_op(sc_ops[oi].kind))
		return yt_fail(t, key, "op '%s' is not allowed in co-located class '%s': its tasks are "
			       "native threads outside the model (allowed: cpu, syscall, net, sleep, yield, repeat)",
			       sc_ops[oi].name, ld->colocated_class);
	int at = push_op(ld, b, key);
	if (at < 0)
		return -1;
	struct op *op = &b->p->ops[at];
	op->kind = sc_ops[oi].kind;
	switch (op->kind) {
	case OP_CPU: return parse_dist(ld, value, &op->d, &op->mem);
	case OP_SPAWN: return parse_spawn(ld, value, op);
	case OP_REPEAT: return parse_repeat(ld, b, value, at, depth);
	case OP_YIELD: return parse_yield(ld, value, op);
	case OP_SEND:
	case OP_RECV:
	case OP_CLOSE: return parse_chan_ref(ld, value, op);
	case OP_LOCK: return parse_lock(ld, value, op);
	case OP_LOCK_OS_THREAD:
	case OP_UNLOCK_OS_THREAD:
		if (yt_is_null(ld->t, value))
			return 0;
		return yt_fail_type(ld->t, value, "nothing (write the op name followed by a colon)");
	case OP_ALLOC:
		return parse_alloc(ld, value, op);
	case OP_STACK: {  /* a depth in bytes */
		union value v;
		if (sc__node_value(ld, value, VK_SIZE, &v))
			return -1;
		op->count = v.i;
		return 0;
	}
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
		return yt_fail(ld->t, key, "%s name %s must not contain '.'", what, sc__describe(ld, key, d));
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
		return sc__oom(ld, node);
	snprintf(p->name, len, "%s%s", prefix, name);
	return sc->nprograms++;
}

static int load_named_programs(struct loader *ld, int map)
{
	struct yt *t = ld->t;
	ld->nnamed = yt_len(t, map);
	ld->named = calloc((size_t)ld->nnamed + 1, sizeof *ld->named);
	if (!ld->named)
		return sc__oom(ld, map);
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
	static const char *const keys[] = { "arrival", "program", "colocated" };
	struct yt *t = ld->t;
	struct scenario *sc = ld->sc;
	char where[128];
	int an = 0, pn = 0;
	union value v;
	snprintf(where, sizeof where, "workload.%s", yt_text(t, key));
	if (!yt_is_mapping(t, value))
		return yt_fail_type(t, value, "a mapping with arrival: and program:");
	if (yt_check_keys(t, value, keys, 3, "key", where) || sc__require_key(ld, value, "arrival", &an) ||
	    sc__require_key(ld, value, "program", &pn))
		return -1;
	struct task_class *c = &sc->classes[sc->nclasses];
	if (!(c->name = strdup(yt_text(t, key))))
		return sc__oom(ld, key);
	sc->nclasses++;
	int cn = yt_get(t, value, "colocated");
	if (cn && sc__node_value(ld, cn, VK_BOOL, &v))
		return -1;
	c->colocated = cn && v.b;
	if (parse_arrival(ld, an, &c->arrival))
		return -1;
	int pi = add_program(ld, key, "workload.", c->name);
	if (pi < 0)
		return -1;
	c->program = pi;
	struct builder b = { &sc->programs[pi], 0 };
	ld->colocated_class = c->colocated ? c->name : NULL;
	int rc = parse_ops(ld, &b, pn, 0);
	ld->colocated_class = NULL;
	return rc;
}

/* channels: NAME: { capacity: N } (or NAME: with no value, unbuffered). */
static int load_channel(struct loader *ld, int key, int value, struct channel_cfg *c)
{
	static const char *const keys[] = { "capacity" };
	struct yt *t = ld->t;
	if (!(c->name = strdup(yt_text(t, key))))
		return sc__oom(ld, key);
	ld->chan_names[ld->sc->nchannels++] = c->name;
	if (yt_is_null(t, value))
		return 0;
	if (!yt_is_mapping(t, value))
		return yt_fail_type(t, value, "a mapping such as { capacity: 10 }");
	if (yt_check_keys(t, value, keys, 1, "key", "channel"))
		return -1;
	int cn = yt_get(t, value, "capacity");
	return cn ? sc__node_int_min(ld, cn, "channel capacity", 0, &c->capacity) : 0;
}

static int load_channels(struct loader *ld)
{
	struct yt *t = ld->t;
	int map = sc__row_node(ld, "channels");
	if (check_names(ld, map, "channel"))
		return -1;
	int n = yt_len(t, map);
	ld->sc->channels = calloc((size_t)n + 1, sizeof *ld->sc->channels);
	ld->chan_names = calloc((size_t)n + 1, sizeof *ld->chan_names);
	if (!ld->sc->channels || !ld->chan_names)
		return sc__oom(ld, map);
	for (int i = 0; i < n; i++)
		if (load_channel(ld, yt_key(t, map, i), yt_value(t, map, i), &ld->sc->channels[i]))
			return -1;
	return 0;
}

/* Named programs come first in sc->programs (in the order written), then
 * one program per class, "workload.<class>". */
int sc__load_workload(struct loader *ld)
{
	struct yt *t = ld->t;
	struct scenario *sc = ld->sc;
	int wl = sc__row_node(ld, "workload"), progs = sc__row_node(ld, "programs");
	if (check_names(ld, progs, "program") || check_names(ld, wl, "class"))
		return -1;
	if (yt_len(t, wl) == 0)
		return yt_fail(t, wl, "workload must define at least one class");
	int total = yt_len(t, progs) + yt_len(t, wl);
	sc->programs = calloc((size_t)total, sizeof *sc->programs);
	sc->classes = calloc((size_t)yt_len(t, wl), sizeof *sc->classes);
	if (!sc->programs || !sc->classes)
		return sc__oom(ld, wl);
	if (load_channels(ld) || load_named_programs(ld, progs))
		return -1;
	for (int i = 0; i < yt_len(t, wl); i++)
		if (load_class(ld, yt_key(t, wl, i), yt_value(t, wl, i)))
			return -1;
	return 0;
}
