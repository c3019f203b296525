/* models/gmp/gmp_sysmon.c — sysmon (proc.go:sysmon, retake, preemptone): its own
 * kernel thread without a P. It sleeps with usleep — 20 us while it keeps
 * finding work, doubling after 50 idle cycles up to 10 ms, each sleep late by
 * the kernel's timer slack — polls the network if nobody has for 10 ms,
 * retakes Ps stuck in syscalls and preempts Gs that have run 10 ms, and
 * sleeps deeply while every P is idle. Must not run timers (sysmon does not). */
#include "gmp_sched.h"
#include "gmp_trace.h"
#include "run.h"
#include <string.h>

enum sysmon_phase { SM_SLEEP, SM_CYCLE, SM_DEEP };


static void sysmon_fire(struct sim *sim, struct eq_event *ev)
{
	(void)ev;
	struct gmp *s = gmp_of(sim->ctx);
	if (kern_blocked(s->sysmon->kt))
		kern_wake(&s->run->kern, s->sysmon->kt, -1);
}

/* The sleep before the next cycle (proc.go:sysmon's delay rule). */
static sim_ns next_delay(struct gmp *s)
{
	if (s->sysmon_idle == 0)
		s->sysmon_delay = 20 * SIM_NS_PER_US;
	else if (s->sysmon_idle > 50)
		s->sysmon_delay *= 2;
	if (s->sysmon_delay > 10 * SIM_NS_PER_MS)
		s->sysmon_delay = 10 * SIM_NS_PER_MS;
	return s->sysmon_delay;
}

static void sleep_for(struct gmp *s, sim_ns d, enum sysmon_phase after)
{
	s->sysmon->phase = M_SYSMON;
	s->sysmon_phase = after;
	eq_cancel(&run_of(s)->sim.q, &s->sysmon_ev);
	sim_after(&run_of(s)->sim, &s->sysmon_ev, d);
	kern_block(&run_of(s)->kern, s->sysmon->kt);
}

/* proc.go:preemptone — ask the P's running G to stop; with async
 * preemption, signal its M (preemptM: tgkill SIGURG). */
static void preemptone(struct gmp *s, struct gmp_p *p)
{
	struct gmp_m *m = p->m;
	if (!m || !m->curg || m->curg->gstate != G_RUNNING)
		return;
	m->curg->gpreempt = 1;
	trc_event(gmp_trc(s), TRC_SCHED, 0, TE_PREEMPT, (int64_t)m->curg->key, p->id, now_of(s));
	gmp_owe_cz(s->sysmon, CZ_K_SYSCALL, s->run->sc->kernel.syscall);  /* tgkill */
	gmp_preempt_m(s, m);
}

/* Should sysmon take this syscall P away? (retake's syscall rule) */
static bool retake_syscall(struct gmp *s, struct gmp_p *p, sim_ns now, bool sysretake)
{
	if (!sysretake && p->sysmontick.syscalltick != p->syscalltick) {
		p->sysmontick.syscalltick = p->syscalltick;
		p->sysmontick.syscallwhen = now;
		return false;
	}
	if (gmp_runqempty(p) && s->nmspinning + s->npidle > 0 &&
	    p->sysmontick.syscallwhen + GMP_FORCE_PREEMPT_NS > now)
		return false;
	return true;
}

/* proc.go:retake — returns the number of Ps retaken from syscalls. */
static int retake(struct gmp *s, sim_ns now)
{
	int n = 0;
	for (int i = 0; i < s->nprocs; i++) {
		struct gmp_p *p = &s->allp[i];
		if (p->status != P_RUNNING && p->status != P_SYSCALL)
			continue;
		bool sysretake = false;
		if (p->sysmontick.schedtick != p->schedtick) {
			p->sysmontick.schedtick = p->schedtick;
			p->sysmontick.schedwhen = now;
		} else if (p->sysmontick.schedwhen + GMP_FORCE_PREEMPT_NS <= now) {
			preemptone(s, p);
			sysretake = true;
			s->st.sysmon_sysretakes += p->status == P_SYSCALL;
		}
		if (p->status != P_SYSCALL || !retake_syscall(s, p, now, sysretake))
			continue;
		p->syscalltick++;
		s->st.syscall_retakes++;
		trc_event(gmp_trc(s), TRC_SCHED, 0, TE_RETAKE, p->id, -1, now);
		n++;
		gmp_handoffp(s, p, s->sysmon);
	}
	return n;
}

/* One sysmon cycle after its sleep: netpoll, retake; then the next sleep. */
static void cycle(struct gmp *s)
{
	sim_ns now = s->run->sim.now;
	if (s->lastpoll != 0 && s->lastpoll + 10 * SIM_NS_PER_MS < now) {
		struct task_fifo list = { 0 };
		s->lastpoll = now;
		gmp_owe_cz(s->sysmon, CZ_K_SYSCALL, s->cfg.netpoll);
		gmp_netpoll(s, &list);
		gmp_injectglist(s, &list, s->sysmon);  /* no P: global queue + startm */
	}
	if (retake(s, now) != 0)
		s->sysmon_idle = 0;
	else
		s->sysmon_idle++;
	s->st.sysmon_cycles++;
	s->st.sysmon_cycles_10ms += s->sysmon_delay >= 10 * SIM_NS_PER_MS;  /* the sleep before this cycle */
	s->sysmon_phase = SM_SLEEP;
	/* the loop's own work is runtime CPU; what it owes (tgkill, epoll_wait,
	 * futex wakes, clones) keeps its category */
	sim_ns pre[CZ_COUNT];
	memcpy(pre, s->sysmon->debt, sizeof pre);
	memset(s->sysmon->debt, 0, sizeof s->sysmon->debt);
	s->sysmon->debt_sum = 0;
	s->sysmon->debt_mask = 0;
	kern_run_pre(&run_of(s)->kern, s->sysmon->kt, pre, s->cfg.sysmon_cycle, CZ_RT_SCHED, 0, -1);
}

/* Woken from usleep: deep sleep if every P is idle, else a cycle. */
static void after_sleep(struct gmp *s)
{
	sim_ns now = s->run->sim.now;
	if (s->schedtrace == 0 && s->npidle == s->nprocs) {
		sim_ns next = gmp_earliest_timer(s), sleep = 60 * SIM_NS_PER_S;  /* forcegcperiod/2 */
		if (next > now) {
			if (next != SIM_NS_MAX && next - now < sleep)
				sleep = next - now;
			s->sysmon_deep = true;
			s->sysmon_syscall_wake = false;
			sleep_for(s, sleep, SM_DEEP);
			return;
		}
	}
	cycle(s);
}

void gmp_sysmon_step(struct gmp *s)
{
	switch (s->sysmon_phase) {
	case SM_SLEEP:  /* usleep(delay) is a nanosleep: late by the timer slack */
		sleep_for(s, next_delay(s) + s->run->sc->kernel.timer_slack, SM_CYCLE);
		return;
	case SM_CYCLE:
		after_sleep(s);
		return;
	case SM_DEEP:
		s->sysmon_deep = false;
		if (s->sysmon_syscall_wake) {
			s->sysmon_idle = 0;
			s->sysmon_delay = 20 * SIM_NS_PER_US;
		}
		cycle(s);
		return;
	}
}

/* The four wake-up sites of sched.sysmonnote (entersyscall_sysmon,
 * exitsyscallfast_pidle, exitsyscall0, startTheWorld). */
void gmp_sysmon_wake(struct gmp *s)
{
	if (!s->sysmon_deep || !kern_blocked(s->sysmon->kt))
		return;
	s->sysmon_syscall_wake = true;
	eq_cancel(&s->run->sim.q, &s->sysmon_ev);
	kern_wake(&s->run->kern, s->sysmon->kt, -1);
}

int gmp_sysmon_start(struct gmp *s)
{
	s->sysmon = gmp_newm(s, NULL, M_SYSMON);
	if (!s->sysmon)
		return -1;
	eq_event_init(&s->sysmon_ev, sysmon_fire);
	s->sysmon_phase = SM_SLEEP;
	s->sysmon_delay = 20 * SIM_NS_PER_US;
	return 0;
}
