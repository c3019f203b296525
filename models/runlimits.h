/* models/runlimits.h — a run's budgets (issue 12 D3): a lower-bound estimate
 * of the memory and events a scenario needs, checked before a run starts
 * and by `gmpsim validate` (a warning), and the messages that name the
 * scenario place behind a budget that ran out during a run.
 *
 * The budgets themselves are scenario keys (limits.memory, limits.events,
 * limits.stuck_events; `--set limits.memory=8GiB` on any command); the
 * engine and the memory account enforce them (sim/core/budget.h,
 * engine.h). Must not simulate or print. */
#ifndef GMPSIM_RUNLIMITS_H
#define GMPSIM_RUNLIMITS_H
#include "scenario.h"
#include "engine.h"
#include <stddef.h>

/* One contributor to a run's needs: the amount, what it is, where it was written. */
struct lim_item {
	double amount;                /* bytes or events */
	char what[160];               /* "poisson 1e+12/s x 10 s = 1e+13 arrivals" */
	char where[SC_WHERE_CHARS];   /* "file:line:column" */
};

/* Lower bounds of what a run of the scenario needs, and the largest
 * contributor to each (open-loop arrivals, a batch, closed clients, the
 * time series). */
struct lim_estimate {
	double mem, events;
	struct lim_item mem_top, events_top;
	struct lim_item class_top;  /* the task class that fires the most events */
};

void lim_estimate(const struct scenario *sc, struct lim_estimate *e);

/* When the estimate exceeds a budget: 1 and the reason, naming the place,
 * in msg ("memory budget: ..."); 0 otherwise. */
int lim_check(const struct scenario *sc, char *msg, size_t len);
/* The same against share (0..1] of each budget (validate warns at half). */
int lim_check_share(const struct scenario *sc, double share, char *msg, size_t len);

/* The message for a run the engine halted (why) at virtual time now. */
void lim_halt_message(const struct scenario *sc, enum sim_halt why, sim_ns now, uint64_t events,
		      char *msg, size_t len);

/* The message for a run whose memory account ran out (what: budget.h's). */
void lim_oom_message(const struct scenario *sc, const char *what, sim_ns now, char *msg, size_t len);

#endif
