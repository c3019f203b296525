/* models/runlimits.c — lower-bound estimates of a run's memory and events,
 * and the budget messages that name the scenario place behind them
 * (limits.h). The bounds count only what a run must hold or fire: one
 * latency sample (8 bytes) and one event per op per arrival, a task per
 * batch member, a client and a task per closed-loop client, six series
 * per sample. A scenario past them cannot fit; one under them still may
 * not, and then the engine's budgets stop it (engine.h, budget.h). */
#include "runlimits.h"
#include "results.h"
#include "workload.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

#define LIM_SPAWN_DEPTH 16     /* spawn chains followed this deep (a program may spawn itself) */
#define LIM_SERIES 6           /* the run's own time series (run.c) */

/* Events one execution of ops[from, to) fires at least: one per timed op
 * (cpu, syscall, net, sleep, cgo, yield), repeat bodies times over,
 * spawned children's programs count times over. Saturates at HUGE_VAL. */
static double ops_events(const struct scenario *sc, const struct program *p, int from, int to, int depth)
{
	double n = 0;
	for (int i = from; i < to; i++) {
		const struct op *op = &p->ops[i];
		switch (op->kind) {
		case OP_REPEAT:
			n += (double)op->count * ops_events(sc, p, i + 1, i + 1 + op->body_len, depth);
			i += op->body_len;
			break;
		case OP_SPAWN:
			if (depth < LIM_SPAWN_DEPTH) {
				const struct program *c = &sc->programs[op->program];
				n += (double)op->count * (1 + ops_events(sc, c, 0, c->nops, depth + 1));
			}
			break;
		case OP_CPU: case OP_SYSCALL: case OP_NET: case OP_SLEEP: case OP_CGO: case OP_YIELD:
			n += 1;
			break;
		default:
			break;
		}
	}
	return n;
}

/* The top-level op of p that fires the most events, or -1 for none. */
static int heaviest_op(const struct scenario *sc, const struct program *p)
{
	int best = -1;
	double most = 0;
	for (int i = 0; i < p->nops; i++) {
		int end = i + 1 + (p->ops[i].kind == OP_REPEAT ? p->ops[i].body_len : 0);
		double n = ops_events(sc, p, i, end, 0);
		if (n > most)
			most = n, best = i;
		i = end - 1;
	}
	return best;
}

static void consider(struct lim_item *top, double amount, const char *where, const char *what)
{
	if (!(amount > top->amount) && top->what[0])
		return;
	top->amount = amount;
	snprintf(top->where, sizeof top->where, "%s", where);
	snprintf(top->what, sizeof top->what, "%s", what);
}

/* One task class's arrivals over the run: n tasks, m bytes held at least. */
static void class_needs(const struct scenario *sc, const struct task_class *c, struct lim_estimate *e)
{
	const struct arrival *a = &c->arrival;
	const struct program *p = &sc->programs[c->program];
	double secs = (double)sc->duration / 1e9, n, bytes;
	char what[160];
	switch (a->kind) {
	case ARR_POISSON: case ARR_CONSTANT:
		n = a->rate * secs;
		bytes = n * sizeof(int64_t);
		snprintf(what, sizeof what, "%s %.3g/s x %.3g s = %.3g arrivals of class '%s'",
			 a->kind == ARR_POISSON ? "poisson" : "constant", a->rate, secs, n, c->name);
		break;
	case ARR_BATCH:
		n = (double)a->count;
		bytes = n * (sizeof(struct task) + sizeof(int64_t));
		snprintf(what, sizeof what, "a batch of %.3g tasks of class '%s'", n, c->name);
		break;
	default:
		n = (double)a->clients;
		bytes = n * (sizeof(struct wl_client) + sizeof(struct task));
		snprintf(what, sizeof what, "%.3g closed-loop clients of class '%s'", n, c->name);
		break;
	}
	double per = ops_events(sc, p, 0, p->nops, 0), ev = n * (1 + per);
	e->mem += bytes;
	e->events += ev;
	consider(&e->mem_top, bytes, a->where, what);
	consider(&e->class_top, ev, a->where, what);
	int heavy = heaviest_op(sc, p);
	if (heavy < 0 || per < 1000) {
		consider(&e->events_top, ev, a->where, what);
		return;
	}
	char where[SC_WHERE_CHARS];
	size_t k = strlen(what);
	snprintf(where, sizeof where, "%s:%d:%d", sc->path ? sc->path : sc->name, p->ops[heavy].line, p->ops[heavy].col);
	snprintf(what + k, sizeof what - k, ", each firing at least %.3g events", per);
	consider(&e->events_top, ev, where, what);
}

void lim_estimate(const struct scenario *sc, struct lim_estimate *e)
{
	memset(e, 0, sizeof *e);
	for (int i = 0; i < sc->nclasses; i++)
		class_needs(sc, &sc->classes[i], e);
	if (sc->output.sample > 0) {
		double n = floor((double)sc->duration / (double)sc->output.sample) + 1;
		double bytes = n * LIM_SERIES * sizeof(struct res_sample);
		char what[160];
		snprintf(what, sizeof what, "a sample every %lld ns for %.3g s = %.3g samples of %d series",
			 (long long)sc->output.sample, (double)sc->duration / 1e9, n, LIM_SERIES);
		e->mem += bytes;
		e->events += n;
		consider(&e->mem_top, bytes, sc->where_sample, what);
		consider(&e->events_top, n, sc->where_sample, what);
	}
}

/* "1.5 GiB", "74.5 TiB" */
static const char *fmt_bytes(double b, char *buf, size_t len)
{
	static const char *const units[] = { "bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	int u = 0;
	while (b >= 1024 && u < 6)
		b /= 1024, u++;
	snprintf(buf, len, "%.3g %s", b, units[u]);
	return buf;
}

int lim_check_share(const struct scenario *sc, double share, char *msg, size_t len)
{
	struct lim_estimate e;
	lim_estimate(sc, &e);
	char a[32], b[32], part[32] = "";
	if (share < 1)
		snprintf(part, sizeof part, "%.0f%% of ", share * 100);
	if (e.mem > share * (double)sc->limits.memory) {
		snprintf(msg, len, "%s: memory budget: the run needs at least %s (%s), more than "
			 "%slimits.memory %s (raise it with --set limits.memory=SIZE)",
			 e.mem_top.where, fmt_bytes(e.mem, a, sizeof a), e.mem_top.what, part,
			 fmt_bytes((double)sc->limits.memory, b, sizeof b));
		return 1;
	}
	if (e.events > share * (double)sc->limits.events) {
		snprintf(msg, len, "%s: event budget: the run fires at least %.3g events (%s), more than "
			 "%slimits.events %lld (raise it with --set limits.events=N)",
			 e.events_top.where, e.events, e.events_top.what, part, (long long)sc->limits.events);
		return 1;
	}
	return 0;
}

int lim_check(const struct scenario *sc, char *msg, size_t len)
{
	return lim_check_share(sc, 1.0, msg, len);
}

void lim_halt_message(const struct scenario *sc, enum sim_halt why, sim_ns now, uint64_t events,
		      char *msg, size_t len)
{
	struct lim_estimate e;
	lim_estimate(sc, &e);
	if (why == SIM_HALT_STUCK)
		snprintf(msg, len, "no progress: %lld events at virtual time %.9g s without time advancing "
			 "(limits.stuck_events); the busiest task class is %s: %s",
			 (long long)sc->limits.stuck_events, (double)now / 1e9, e.class_top.where, e.class_top.what);
	else
		snprintf(msg, len, "event budget: %llu events fired by virtual time %.9g s of %.9g s "
			 "(limits.events); the largest load is %s: %s",
			 (unsigned long long)events, (double)now / 1e9, (double)sc->duration / 1e9,
			 e.events_top.where, e.events_top.what);
}

void lim_oom_message(const struct scenario *sc, const char *what, sim_ns now, char *msg, size_t len)
{
	struct lim_estimate e;
	lim_estimate(sc, &e);
	snprintf(msg, len, "%s at virtual time %.9g s (limits.memory); the largest load is %s: %s",
		 what, (double)now / 1e9, e.mem_top.where, e.mem_top.what);
}
