/* models/gmp/gmp_netpoll.c — the network poller (netpoll.go, proc.go's
 * netpollBreak and wakeNetPoller): fds becoming ready, the listening
 * socket's arrivals, the non-blocking poll that collects ready Gs, and
 * waking the one M blocked in epoll_wait. Must not make Gs runnable nor
 * acquire Ps: its callers (findRunnable, the M's return from netpoll) do. */
#include "gmp_sched.h"
#include "gmp_trace.h"
#include "run.h"


/* ---- netpoll ----------------------------------------------------------------- */

/* Wakes the M blocked in netpoll, at the instant `by` decided to (NULL: an
 * interrupt, now). */
static void wake_poller(struct gmp *s, int core, struct gmp_m *by)
{
	struct gmp_m *m = s->poller;
	if (m && kern_blocked(m->kt))
		kern_wake_after(&run_of(s)->kern, m->kt, core, gmp_m_clock(s, by) - now_of(s));
}

/* proc.go:netpollBreak — write to the wake-up pipe of the polling M. */
static void netpoll_break(struct gmp *s, struct gmp_m *by)
{
	gmp_owe_kernel(by, kcfg(s)->syscall);
	wake_poller(s, by && by->kt ? by->kt->core : -1, by);
}
/* proc.go:wakeNetPoller — a timer at `when` was added. */
void gmp_wake_netpoller(struct gmp *s, sim_ns when, struct gmp_m *by)
{
	if (s->lastpoll == 0) {
		if (s->poll_until == 0 || s->poll_until > when)
			netpoll_break(s, by);
		return;
	}
	gmp_wakep(s, by);
}

/* g's fd became ready: epoll has an event for it. Its breakdown record,
 * untouched since the G parked (100 ms ago on 10k_rps: out of the cache),
 * is what gmp_make_runnable reads first when netpoll takes the G: fetch
 * it now, while other events run (about 5 % of 10k_rps gmp's cycles were that
 * miss). A hint only: nothing is read or changed. */
static void fd_ready(struct gmp *s, struct task *g)
{
	if (g->tb) {
		__builtin_prefetch(g->tb, 1);
		__builtin_prefetch((char *)g->tb + sizeof *g->tb - 1, 1);
	}
	tq_push(&s->netready, g);
	if (s->lastpoll == 0)
		wake_poller(s, -1, NULL);
}

/* A `net` op's wait is over. */
void gmp_net_ready_fire(struct sim *sim, struct eq_event *ev)
{
	fd_ready(gmp_of(sim->ctx), (struct task *)((char *)ev - offsetof(struct task, ev)));
}

/* A connection arrives (model_ops.accept): on the next listening socket in
 * turn (SO_REUSEPORT spreads distinct clients evenly; see models/acceptor.c). */
void gmp_accept_arrival(struct gmp *s, struct task *conn)
{
	int i = (int)(s->accepted++ % (uint64_t)s->nlisteners);
	struct gmp_listener *l = &s->listeners[i];
	tq_push(&l->backlog, conn);
	if (l->parked) {
		l->parked = false;
		fd_ready(s, &s->accept_gs[i]);
	}
}

/* netpoll.go:netpoll — take up to 128 ready Gs. */
void gmp_netpoll(struct gmp *s, struct task_fifo *out)
{
	s->st.netpoll_calls++;
	for (int i = 0; i < 128 && s->netready.len > 0; i++) {
		struct task *g = tq_pop(&s->netready);
		s->netpoll_waiters--;
		tq_push(out, g);
	}
	if (out->len > 0)
		trc_event(gmp_trc(s), TRC_SCHED, 0, TE_NETPOLL, out->len, -1, now_of(s));
}

/* The blocking netpoll's timeout. */
void gmp_netpoll_timeout_fire(struct sim *sim, struct eq_event *ev)
{
	(void)ev;
	wake_poller(gmp_of(sim->ctx), -1, NULL);
}
