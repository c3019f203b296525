/* tests/test_kernel.c — the kernel model on its own: fair sharing of a core,
 * switch costs, wake-up placement, NUMA slowdown, the thread limit, stack
 * accounting, a taken-away burst's slice and the CPU-time invariant. */
#include "testutil.h"
#include "kernel.h"
#include "scenario.h"

struct fixture {
	struct sim sim;
	struct machine mach;
	double dist[4];
	struct kernel_cfg cfg;
	struct kern k;
};

static void setup(struct fixture *f, int cores, int nodes, sim_ns switch_cost)
{
	memset(f, 0, sizeof *f);
	sim_init(&f->sim, NULL);
	f->dist[0] = f->dist[3] = 10;
	f->dist[1] = f->dist[2] = 20;
	f->mach = (struct machine){ .ncores = cores, .nnodes = nodes,
				    .cores_per_node = cores / nodes, .distance = f->dist };
	f->cfg = (struct kernel_cfg){
		.switch_cost = switch_cost, .wake_cost = 0, .wake_idle = 0,
		.sched_latency = 6 * SIM_NS_PER_MS, .min_granularity = 750 * SIM_NS_PER_US,
		.wakeup_granularity = SIM_NS_PER_MS, .balance_interval = 4 * SIM_NS_PER_MS,
		.max_threads = 1000, .memory = (int64_t)1 << 40, .stack_touch = 16384,
		.idle_deep_after = SIM_NS_MAX,
	};
	assert_int_equal(kern_init(&f->k, &f->sim, &f->cfg, &f->mach, f), 0);
}

static void teardown(struct fixture *f)
{
	kern_free(&f->k);
	sim_free(&f->sim);
}

/* Owner that computes forever in 1-second bursts. */
static void hog_step(struct kern *k, struct kthread *t)
{
	kern_run(k, t, SIM_NS_PER_S, CAT_TASK, 0, -1);
}
static const struct kern_owner_ops hog_ops = { .step = hog_step };

static void test_two_hogs_share_one_core(void **state)
{
	(void)state;
	struct fixture f;
	setup(&f, 1, 1, 0);
	struct kthread *a = kern_create(&f.k, &hog_ops, NULL, 1 << 20, 0);
	struct kthread *b = kern_create(&f.k, &hog_ops, NULL, 1 << 20, 0);
	sim_run_until(&f.sim, SIM_NS_PER_S);
	kern_account(&f.k);
	/* each gets half, to within one slice (6ms / 2 = 3ms) */
	assert_true(llabs(a->cpu_ns - SIM_NS_PER_S / 2) <= 3 * SIM_NS_PER_MS);
	assert_true(llabs(b->cpu_ns - SIM_NS_PER_S / 2) <= 3 * SIM_NS_PER_MS);
	assert_int_equal(a->cpu_ns + b->cpu_ns, SIM_NS_PER_S);
	/* they alternate at the slice: about 1s / 3ms switches */
	assert_true(f.k.st.involuntary >= 300 && f.k.st.involuntary <= 340);
	char err[256];
	assert_int_equal(kern_check(&f.k, err, sizeof err), 0);
	teardown(&f);
}

/* Owner that computes forever in 1-second bursts and notes when it first
 * got a core (its owner pointer is a sim_ns slot). */
static void noted_hog_step(struct kern *k, struct kthread *t)
{
	sim_ns *first = t->owner;
	if (*first < 0)
		*first = k->sim->now;
	kern_run(k, t, SIM_NS_PER_S, CAT_TASK, 0, -1);
}
static const struct kern_owner_ops noted_hog_ops = { .step = noted_hog_step };

/* Two hogs on one core with a 2 us switch. Once B has first been switched
 * in (at tB), CFS alternates them (equal weights), each running a slice of
 * max(sched_latency / 2, min_granularity) = 3 ms timed from the end of its
 * switch-in: switch-ins start at tB + k x P, P = 3 ms + 2 us. So the
 * number of switches in [0, T) is 1 (A from idle) + #{k >= 0 : tB + kP < T},
 * every one but the first a preemption, and each costs exactly
 * kernel.switch of kernel time (the rest of the time is the hogs' work, as
 * long as the last switch-in is over by T). tB itself depends on where a
 * new thread is placed (START_DEBIT, see test_start_debit_is_the_new_slice);
 * it is read from when B's owner is first asked to step (tB + 2 us). */
static void test_switch_cost_is_kernel_time(void **state)
{
	(void)state;
	struct fixture f;
	const sim_ns sw = 2 * SIM_NS_PER_US, slice = 3 * SIM_NS_PER_MS, period = slice + sw;
	const sim_ns end = SIM_NS_PER_S;
	sim_ns a_first = -1, b_first = -1;
	setup(&f, 1, 1, sw);
	struct kthread *a = kern_create(&f.k, &noted_hog_ops, &a_first, 1 << 20, 0);
	struct kthread *b = kern_create(&f.k, &noted_hog_ops, &b_first, 1 << 20, 0);
	sim_run_until(&f.sim, end);
	kern_account(&f.k);
	assert_int_equal(a_first, sw);
	sim_ns tb = b_first - sw;
	assert_true(tb >= slice && tb < end / 2);
	uint64_t n = 1 + (uint64_t)((end - 1 - tb) / period) + 1;
	sim_ns last_start = tb + (sim_ns)(n - 2) * period;
	assert_true(last_start < end && last_start + period >= end && last_start + sw <= end);
	fprintf(stderr, "B first switched in at %.3f ms: %llu switches expected\n", tb / 1e6,
		(unsigned long long)n);
	assert_int_equal(f.k.st.switches, n);
	assert_int_equal(f.k.st.involuntary, n - 1);
	struct kern *k = &f.k;  /* one core: the kernel's sum is the core's */
	assert_int_equal(k->acct[CAT_KERNEL], (sim_ns)n * sw);
	assert_int_equal(k->acct[CAT_TASK], end - (sim_ns)n * sw);
	assert_int_equal(k->acct[CAT_IDLE], 0);
	assert_int_equal(a->cpu_ns + b->cpu_ns, end - (sim_ns)n * sw);
	teardown(&f);
}

/* CFS's START_DEBIT (kernel/sched/fair.c: place_entity): a new thread's
 * vruntime starts at min_vruntime + sched_vslice(cfs_rq, se), the slice it
 * will get counting itself: sched_slice uses __sched_period(nr_running +
 * !se->on_rq) and adds the new entity's weight to the load. With one hog
 * running, the newcomer's slice is 6 ms x 1024 / 2048 = 3 ms, so after
 * the hog's first 3 ms slice the two are level and the newcomer (queued
 * earlier) runs: it is first switched in at switch + 3 ms. */
static void test_start_debit_is_the_new_slice(void **state)
{
	(void)state;
	struct fixture f;
	const sim_ns sw = 2 * SIM_NS_PER_US;
	sim_ns a_first = -1, b_first = -1;
	setup(&f, 1, 1, sw);
	kern_create(&f.k, &noted_hog_ops, &a_first, 1 << 20, 0);
	kern_create(&f.k, &noted_hog_ops, &b_first, 1 << 20, 0);
	sim_run_until(&f.sim, 20 * SIM_NS_PER_MS);
	assert_int_equal(b_first - sw, sw + 3 * SIM_NS_PER_MS);
	teardown(&f);
}

/* A thread that blocks after each burst and is woken K times onto an idle
 * core is switched in exactly 1 + K times (its first run, then each
 * wake-up), none of them a preemption: 1 + K switch costs of kernel time
 * and K wake-ups. */
static int waker_left;
static void once_step(struct kern *k, struct kthread *t)
{
	if (t->owner == (void *)1) {
		t->owner = (void *)0;
		kern_block(k, t);
		return;
	}
	t->owner = (void *)1;
	kern_run(k, t, 100 * SIM_NS_PER_US, CAT_TASK, 0, -1);
}
static const struct kern_owner_ops once_ops = { .step = once_step };

static void test_each_wakeup_is_one_switch(void **state)
{
	(void)state;
	struct fixture f;
	const sim_ns sw = 3 * SIM_NS_PER_US;
	const int wakes = 25;
	setup(&f, 1, 1, sw);
	struct kthread *t = kern_create(&f.k, &once_ops, (void *)0, 1 << 20, 0);
	for (waker_left = wakes; waker_left > 0; waker_left--) {
		sim_run_until(&f.sim, f.sim.now + SIM_NS_PER_MS);
		assert_true(kern_blocked(t));
		kern_wake(&f.k, t, -1);
	}
	sim_run_until(&f.sim, f.sim.now + SIM_NS_PER_MS);
	kern_account(&f.k);
	assert_int_equal(f.k.st.switches, 1 + wakes);
	assert_int_equal(f.k.st.involuntary, 0);
	assert_int_equal(f.k.st.wakeups, wakes);
	assert_int_equal(f.k.acct[CAT_KERNEL], (sim_ns)(1 + wakes) * sw);
	assert_int_equal(f.k.acct[CAT_TASK], (sim_ns)(1 + wakes) * 100 * SIM_NS_PER_US);
	teardown(&f);
}

/* Owner that computes 1ms, then sleeps until woken, repeatedly. */
static int sleeper_bursts;
static void sleeper_step(struct kern *k, struct kthread *t)
{
	if (t->owner == (void *)1) {
		t->owner = (void *)0;
		kern_block(k, t);
		return;
	}
	sleeper_bursts++;
	t->owner = (void *)1;
	kern_run(k, t, SIM_NS_PER_MS, CAT_TASK, 0, -1);
}
static const struct kern_owner_ops sleeper_ops = { .step = sleeper_step };

static void test_wake_placement_prefers_idle_same_node(void **state)
{
	(void)state;
	struct fixture f;
	setup(&f, 4, 2, 0);
	/* a hog occupies core 0; a sleeper last ran on core 0: waking it must
	 * pick core 1 (idle, same node) rather than cores 2-3 (other node) */
	struct kthread *h = kern_create(&f.k, &hog_ops, NULL, 1 << 20, 0);
	sim_run_until(&f.sim, 10);
	assert_int_equal(h->core, 0);
	struct kthread *s = kern_create(&f.k, &sleeper_ops, (void *)0, 1 << 20, 0);
	sim_run_until(&f.sim, 5 * SIM_NS_PER_MS);
	assert_int_equal(s->state, KT_BLOCKED);
	s->core = 0;
	kern_wake(&f.k, s, -1);
	assert_int_equal(s->core, 1);
	teardown(&f);
}

static void test_numa_remote_burst_is_slower(void **state)
{
	(void)state;
	struct fixture f;
	setup(&f, 2, 2, 0);
	/* burst on core 1 (node 1) with memory on node 0, intensity 1, distance 20/10 */
	assert_true(mach_slowdown(&f.mach, 0, 1, 1.0) == 2.0);
	assert_true(mach_slowdown(&f.mach, 0, 1, 0.5) == 1.5);
	assert_true(mach_slowdown(&f.mach, 1, 1, 1.0) == 1.0);
	teardown(&f);
}

static sim_ns remote_done_at;
static void remote_step(struct kern *k, struct kthread *t)
{
	if (t->owner) {
		remote_done_at = k->sim->now;
		kern_block(k, t);
		return;
	}
	t->owner = (void *)1;
	kern_run(k, t, SIM_NS_PER_MS, CAT_TASK, 1.0, 0);
}
static const struct kern_owner_ops remote_ops = { .step = remote_step };

static void test_numa_remote_burst_takes_longer(void **state)
{
	(void)state;
	struct fixture f;
	setup(&f, 2, 2, 0);
	/* keep core 0 busy so the thread lands on core 1 (node 1) */
	kern_create(&f.k, &hog_ops, NULL, 1 << 20, 0);
	sim_run_until(&f.sim, 1);
	remote_done_at = -1;
	struct kthread *t = kern_create(&f.k, &remote_ops, NULL, 1 << 20, 1);
	sim_ns start = f.sim.now;
	sim_run_until(&f.sim, 10 * SIM_NS_PER_MS);
	assert_int_equal(t->core, 1);
	assert_int_equal(remote_done_at - start, 2 * SIM_NS_PER_MS);
	teardown(&f);
}

/* An idle core's wake-up latency delays the wakee but is idle time, while
 * the switch is kernel time. */
static void test_idle_wake_latency_is_not_cpu(void **state)
{
	(void)state;
	struct fixture f;
	setup(&f, 1, 1, 3 * SIM_NS_PER_US);
	f.cfg.wake_idle = 20 * SIM_NS_PER_US;
	remote_done_at = -1;
	kern_create(&f.k, &remote_ops, NULL, 1 << 20, 0);
	sim_run_until(&f.sim, 10 * SIM_NS_PER_MS);
	/* 20us idle exit + 3us switch, then the 1ms burst (local: no slowdown) */
	assert_int_equal(remote_done_at, 23 * SIM_NS_PER_US + SIM_NS_PER_MS);
	kern_account(&f.k);
	assert_int_equal(f.k.acct[CAT_KERNEL], 3 * SIM_NS_PER_US);
	assert_int_equal(f.k.acct[CAT_TASK], SIM_NS_PER_MS);
	assert_int_equal(f.k.acct[CAT_IDLE], 10 * SIM_NS_PER_MS - SIM_NS_PER_MS - 3 * SIM_NS_PER_US);
	teardown(&f);
}

/* A core idle past idle_deep_after wakes with the deep latency. */
static void test_deep_idle_wakes_slower(void **state)
{
	(void)state;
	struct fixture f;
	setup(&f, 1, 1, 0);
	f.cfg.wake_idle = 5 * SIM_NS_PER_US;
	f.cfg.wake_idle_deep = 30 * SIM_NS_PER_US;
	f.cfg.idle_deep_after = 200 * SIM_NS_PER_US;
	remote_done_at = -1;
	sim_run_until(&f.sim, 100 * SIM_NS_PER_US);  /* idle 100us: shallow */
	kern_create(&f.k, &remote_ops, NULL, 1 << 20, 0);
	sim_ns start = f.sim.now;
	sim_run_until(&f.sim, 5 * SIM_NS_PER_MS);
	assert_int_equal(remote_done_at - start, 5 * SIM_NS_PER_US + SIM_NS_PER_MS);
	remote_done_at = -1;
	kern_create(&f.k, &remote_ops, NULL, 1 << 20, 0);  /* idle ~4ms: deep */
	start = f.sim.now;
	sim_run_until(&f.sim, 10 * SIM_NS_PER_MS);
	assert_int_equal(remote_done_at - start, 30 * SIM_NS_PER_US + SIM_NS_PER_MS);
	teardown(&f);
}

static void test_thread_limit_and_stacks(void **state)
{
	(void)state;
	struct fixture f;
	setup(&f, 1, 1, 0);
	f.cfg.max_threads = 2;
	assert_non_null(kern_create(&f.k, &hog_ops, NULL, 1 << 20, 0));
	assert_non_null(kern_create(&f.k, &hog_ops, NULL, 1 << 20, 0));
	assert_null(kern_create(&f.k, &hog_ops, NULL, 1 << 20, 0));
	assert_int_equal(f.k.st.create_failures, 1);
	assert_int_equal(f.k.st.reserved, 2 << 20);
	assert_int_equal(f.k.st.committed, 2 * 16384);
	teardown(&f);
}

static void test_sleepers_spread_over_idle_cores(void **state)
{
	(void)state;
	struct fixture f;
	setup(&f, 2, 1, 0);
	sleeper_bursts = 0;
	struct kthread *a = kern_create(&f.k, &sleeper_ops, (void *)0, 1 << 20, 0);
	struct kthread *b = kern_create(&f.k, &sleeper_ops, (void *)0, 1 << 20, 0);
	sim_run_until(&f.sim, 1);
	/* created near core 0, the second goes to the idle core 1 */
	assert_int_not_equal(a->core, b->core);
	sim_run_until(&f.sim, 10 * SIM_NS_PER_MS);
	assert_int_equal(sleeper_bursts, 2);
	assert_int_equal(a->state, KT_BLOCKED);
	kern_wake(&f.k, a, -1);
	sim_run_until(&f.sim, 20 * SIM_NS_PER_MS);
	assert_int_equal(sleeper_bursts, 3);
	char err[256];
	assert_int_equal(kern_check(&f.k, err, sizeof err), 0);
	teardown(&f);
}

/* kern_preempt_burst (a spinner seeing the lock free, a signal) ends a
 * running thread's burst; its owner steps at once on the same core — no
 * switch, so no new slice (a slice is given at a switch-in, fair.c:
 * set_next_entity). A hog whose burst is taken away every 100 us therefore
 * still shares one core with another hog half and half, to within one
 * slice (3 ms), switching at each slice end as in
 * test_two_hogs_share_one_core. Were each kick a switch-in that restarted
 * its 3 ms slice, it would keep the core from its first run on. */
struct kicker {
	struct eq_event ev;
	struct kern *k;
	struct kthread *t;
};

static void kick_fire(struct sim *sim, struct eq_event *ev)
{
	struct kicker *x = (struct kicker *)ev;
	kern_preempt_burst(x->k, x->t);
	sim_after(sim, ev, 100 * SIM_NS_PER_US);
}

static void test_preempted_burst_keeps_the_slice(void **state)
{
	(void)state;
	struct fixture f;
	setup(&f, 1, 1, 0);
	struct kthread *a = kern_create(&f.k, &hog_ops, NULL, 1 << 20, 0);
	struct kthread *b = kern_create(&f.k, &hog_ops, NULL, 1 << 20, 0);
	struct kicker x = { .k = &f.k, .t = a };
	eq_event_init(&x.ev, kick_fire);
	sim_after(&f.sim, &x.ev, 50 * SIM_NS_PER_US);
	sim_run_until(&f.sim, SIM_NS_PER_S);
	kern_account(&f.k);
	fprintf(stderr, "kicked hog %.1f ms, plain hog %.1f ms, %llu preemptions\n", a->cpu_ns / 1e6,
		b->cpu_ns / 1e6, (unsigned long long)f.k.st.involuntary);
	assert_true(llabs(a->cpu_ns - SIM_NS_PER_S / 2) <= 3 * SIM_NS_PER_MS);
	assert_true(llabs(b->cpu_ns - SIM_NS_PER_S / 2) <= 3 * SIM_NS_PER_MS);
	assert_true(f.k.st.involuntary >= 300 && f.k.st.involuntary <= 340);
	char err[256];
	assert_int_equal(kern_check(&f.k, err, sizeof err), 0);
	eq_cancel(&f.sim.q, &x.ev);
	teardown(&f);
}

/* The CPU per category is summed over the cores as it is charged: on
 * four cores with three 1-second hogs (no switch cost), after 1 s the
 * task time is 3 s and the idle time 1 s (4 cores x 1 s in all); a core
 * and a thread each start a cache line; and the check catches a
 * nanosecond charged twice. */
static void test_cpu_per_category_summed_over_cores(void **state)
{
	(void)state;
	struct fixture f;
	setup(&f, 4, 1, 0);
	struct kthread *t[3];
	for (int i = 0; i < 3; i++) {
		t[i] = kern_create(&f.k, &hog_ops, NULL, 1 << 20, 0);
		assert_int_equal((uintptr_t)t[i] % 64, 0);
	}
	for (int i = 0; i < 4; i++)
		assert_int_equal((uintptr_t)&f.k.cores[i] % 64, 0);
	sim_run_until(&f.sim, SIM_NS_PER_S);
	kern_account(&f.k);
	assert_int_equal(f.k.acct[CAT_TASK], 3 * SIM_NS_PER_S);
	assert_int_equal(f.k.acct[CAT_IDLE], SIM_NS_PER_S);
	assert_int_equal(t[0]->cpu_ns + t[1]->cpu_ns + t[2]->cpu_ns, 3 * SIM_NS_PER_S);
	char err[256];
	assert_int_equal(kern_check(&f.k, err, sizeof err), 0);
	f.k.acct[CAT_IDLE]++;
	assert_int_equal(kern_check(&f.k, err, sizeof err), -1);
	assert_non_null(strstr(err, "4 cores accounted"));
	f.k.acct[CAT_IDLE]--;
	teardown(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_hogs_share_one_core),
		cmocka_unit_test(test_switch_cost_is_kernel_time),
		cmocka_unit_test(test_each_wakeup_is_one_switch),
		cmocka_unit_test(test_start_debit_is_the_new_slice),
		cmocka_unit_test(test_wake_placement_prefers_idle_same_node),
		cmocka_unit_test(test_numa_remote_burst_is_slower),
		cmocka_unit_test(test_numa_remote_burst_takes_longer),
		cmocka_unit_test(test_thread_limit_and_stacks),
		cmocka_unit_test(test_idle_wake_latency_is_not_cpu),
		cmocka_unit_test(test_deep_idle_wakes_slower),
		cmocka_unit_test(test_sleepers_spread_over_idle_cores),
		cmocka_unit_test(test_preempted_burst_keeps_the_slice),
		cmocka_unit_test(test_cpu_per_category_summed_over_cores),
	};
	return cmocka_run_group_tests_name("kernel", tests, NULL, NULL);
}
