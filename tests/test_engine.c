/* tests/test_engine.c — the event queue: time order, FIFO among equal
 * times, cancellation anywhere in the heap, the run loop's clock. */
#include "testutil.h"
#include "engine.h"

struct rec {
	struct eq_event ev;
	int id;
};

static int fired[4096], nfired;

static void record(struct sim *s, struct eq_event *ev)
{
	(void)s;
	fired[nfired++] = ((struct rec *)ev)->id;
}

static void test_time_order(void **state)
{
	(void)state;
	struct eq q;
	eq_init(&q);
	struct rec r[5];
	sim_ns times[5] = { 50, 10, 40, 20, 30 };
	for (int i = 0; i < 5; i++) {
		eq_event_init(&r[i].ev, record);
		r[i].id = i;
		eq_push(&q, &r[i].ev, times[i]);
	}
	sim_ns t, last = -1;
	struct eq_event *ev;
	int n = 0;
	while ((ev = eq_pop(&q, &t))) {
		assert_true(t > last);
		last = t;
		n++;
	}
	assert_int_equal(n, 5);
	eq_free(&q);
}

static void test_fifo_ties(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, NULL);
	static struct rec r[1000];
	for (int i = 0; i < 1000; i++) {
		eq_event_init(&r[i].ev, record);
		r[i].id = i;
		sim_at(&s, &r[i].ev, (i % 3) * 100);  /* three times, interleaved pushes */
	}
	nfired = 0;
	sim_run_until(&s, 1000);
	assert_int_equal(nfired, 1000);
	int k = 0;
	for (int slot = 0; slot < 3; slot++)
		for (int i = slot; i < 1000; i += 3)
			assert_int_equal(fired[k++], i);
	assert_int_equal(s.now, 1000);
	sim_free(&s);
}

static void test_cancel(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, NULL);
	static struct rec r[2000];
	for (int i = 0; i < 2000; i++) {
		eq_event_init(&r[i].ev, record);
		r[i].id = i;
		sim_at(&s, &r[i].ev, (sim_ns)((i * 7919) % 2000));
	}
	for (int i = 0; i < 2000; i += 2)
		eq_cancel(&s.q, &r[i].ev);
	eq_cancel(&s.q, &r[0].ev);  /* cancelling twice is a no-op */
	assert_false(eq_pending(&r[0].ev));
	assert_true(eq_pending(&r[1].ev));
	nfired = 0;
	sim_run_until(&s, 5000);
	assert_int_equal(nfired, 1000);
	sim_ns last = -1;
	for (int i = 0; i < nfired; i++) {
		assert_int_equal(fired[i] % 2, 1);
		sim_ns t = (sim_ns)((fired[i] * 7919) % 2000);
		assert_true(t >= last);
		last = t;
	}
	sim_free(&s);
}

static void test_run_until_stops(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, NULL);
	struct rec a = { .id = 1 }, b = { .id = 2 };
	eq_event_init(&a.ev, record);
	eq_event_init(&b.ev, record);
	sim_at(&s, &a.ev, 100);
	sim_at(&s, &b.ev, 101);
	nfired = 0;
	assert_int_equal(sim_run_until(&s, 100), 1);
	assert_int_equal(s.now, 100);
	assert_true(eq_pending(&b.ev));
	assert_int_equal(eq_peek_time(&s.q), 101);
	sim_free(&s);
}

/* Events far apart (beyond the timing wheel's ~1 s span), near, and in
 * the same window, with cancellations: they still pop in (time, FIFO)
 * order, as a plain sort of the live ones says. */
static void test_two_tiers_keep_order(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, NULL);
	enum { N = 3000 };
	static struct rec r[N];
	static sim_ns when[N];
	uint64_t x = 7;
	for (int i = 0; i < N; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		int kind = (int)(x >> 60) % 3;
		when[i] = kind == 0 ? (sim_ns)(x >> 40) % 1000 : kind == 1 ? (sim_ns)(x >> 30) % (3 * SIM_NS_PER_S)
						: (sim_ns)(x >> 20) % (100 * SIM_NS_PER_S);
		eq_event_init(&r[i].ev, record);
		r[i].id = i;
		sim_at(&s, &r[i].ev, when[i]);
	}
	for (int i = 0; i < N; i += 7)
		eq_cancel(&s.q, &r[i].ev);
	nfired = 0;
	sim_run_until(&s, 200 * SIM_NS_PER_S);
	int live = 0;
	for (int i = 0; i < N; i++)
		live += i % 7 != 0;
	assert_int_equal(nfired, live);
	for (int k = 1; k < nfired; k++) {
		sim_ns a = when[fired[k - 1]], b = when[fired[k]];
		assert_true(a < b || (a == b && fired[k - 1] < fired[k]));
	}
	sim_free(&s);
}

/* An event that schedules itself again 3 ms on, for 10 s: one entry in
 * the wheel at a time, in a new slot each time, the wheel wrapping many
 * times. The buckets hand their arrays back when drained, so the arrays
 * allocated follow the one bucket in use: at most two (the bucket being
 * filled and a spare), where keeping each bucket's own array would leave
 * one in every slot it touched (hundreds). */
static void again_3ms(struct sim *s, struct eq_event *ev)
{
	sim_after(s, ev, 3 * SIM_NS_PER_MS);
}

static void test_wheel_arrays_follow_buckets_in_use(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, NULL);
	struct eq_event ev;
	eq_event_init(&ev, again_3ms);
	sim_at(&s, &ev, 0);
	assert_int_equal(sim_run_until(&s, 10 * SIM_NS_PER_S), 10 * 1000 / 3 + 1);
	int arrays = s.q.nspare;
	for (int i = 0; i < EQ_WHEEL_SLOTS; i++)
		arrays += s.q.wheel[i].cap > 0;
	assert_true(arrays <= 2);
	sim_free(&s);
}

/* A model's mix: each fired event re-arms itself a few ns, a window or
 * seconds on, or not at all, and cancels or re-arms another. Every pop is
 * checked against a reference that keeps each pending event's (time,
 * push order) and picks the least by a linear scan: the near heap, the
 * wheel and the overflow together must pop exactly that, and the run
 * loop's event limit must stop it at exactly the limit. */
enum { MIX_MAX = 1024 };
static struct mix {
	struct eq_event ev[MIX_MAX];
	sim_ns when[MIX_MAX];
	uint64_t order[MIX_MAX];  /* push order; 0: not pending */
	uint64_t pushes, x, fired, bad;
	uint64_t split;           /* events fired while the slot was split */
	int n;                    /* events in play */
	bool dense;               /* delays mostly within a few wheel slots */
} mix;

static uint64_t mix_rand(void)
{
	mix.x = mix.x * 6364136223846793005ULL + 1442695040888963407ULL;
	return mix.x >> 33;
}

static void mix_arm(struct sim *s, int i, sim_ns t)
{
	eq_cancel(&s->q, &mix.ev[i]);
	sim_at(s, &mix.ev[i], t);
	mix.when[i] = t;
	mix.order[i] = ++mix.pushes;
}

/* The dense mix: 1,024 events mostly re-armed within 200 us, so the
 * wheel's slots (65.5 us) hold hundreds of entries and are split into
 * sub-windows (EQ_DENSE); some land in the current sub-window, some at a
 * sub-window's edges, some seconds on. */
static sim_ns mix_delay_dense(void)
{
	uint64_t kind = mix_rand() % 16;
	if (kind < 2)
		return 0;
	if (kind < 5)
		return (sim_ns)(mix_rand() % 100);
	if (kind < 8)
		return (sim_ns)(mix_rand() % 4) * (1 << EQ_SUB_SHIFT) - 1 + (sim_ns)(mix_rand() % 3);
	if (kind < 14)
		return (sim_ns)(mix_rand() % 200000);
	if (kind < 15)
		return (sim_ns)(mix_rand() % (100 * SIM_NS_PER_MS));
	return (sim_ns)(mix_rand() % (3 * SIM_NS_PER_S));
}

static sim_ns mix_delay(void)
{
	if (mix.dense) {
		sim_ns d = mix_delay_dense();
		return d < 0 ? 0 : d;
	}
	uint64_t kind = mix_rand() % 16;
	if (kind < 4)
		return 0;
	if (kind < 8)
		return (sim_ns)(mix_rand() % 100);
	if (kind < 13)
		return (sim_ns)(mix_rand() % 70000);
	if (kind < 15)
		return (sim_ns)(mix_rand() % (100 * SIM_NS_PER_MS));
	return (sim_ns)(mix_rand() % (3 * SIM_NS_PER_S));
}

static void mix_fire(struct sim *s, struct eq_event *ev)
{
	int me = (int)(ev - mix.ev), best = -1;
	for (int i = 0; i < mix.n; i++)
		if (mix.order[i] && (best < 0 || mix.when[i] < mix.when[best] ||
				     (mix.when[i] == mix.when[best] && mix.order[i] < mix.order[best])))
			best = i;
	mix.bad += best != me || mix.when[me] != s->now;
	mix.order[me] = 0;
	mix.fired++;
	mix.split += s->q.dense;
	if (mix_rand() % 8 != 0)
		mix_arm(s, me, s->now + mix_delay());
	int other = (int)(mix_rand() % (uint64_t)mix.n);
	if (other == me)
		return;
	uint64_t act = mix_rand() % 3;
	if (!mix.order[other] || act == 1) {
		mix_arm(s, other, s->now + mix_delay());
	} else if (act == 0) {
		eq_cancel(&s->q, &mix.ev[other]);
		mix.order[other] = 0;
	}
}

static void run_mix(int n, bool dense, uint64_t events)
{
	struct sim s;
	sim_init(&s, NULL);
	memset(&mix, 0, sizeof mix);
	mix.x = 11;
	mix.n = n;
	mix.dense = dense;
	for (int i = 0; i < mix.n; i++) {
		eq_event_init(&mix.ev[i], mix_fire);
		mix_arm(&s, i, mix_delay());
	}
	s.event_limit = events;
	sim_run_until(&s, 3600 * SIM_NS_PER_S);
	assert_int_equal(mix.fired, events);
	assert_int_equal(mix.bad, 0);
	for (int i = 0; i < mix.n; i++)
		assert_int_equal(eq_pending(&mix.ev[i]), mix.order[i] != 0);
	sim_free(&s);
}

static void test_model_mix_matches_reference(void **state)
{
	(void)state;
	run_mix(64, false, 300000);
}

/* The same check where the slots are dense: the split slots' sub-buckets
 * must pop exactly the reference's order too. */
static void test_dense_mix_matches_reference(void **state)
{
	(void)state;
	run_mix(MIX_MAX, true, 100000);
	assert_true(mix.split > 50000);
}

/* The budgets (budget.h) across calls of the run loop: stuck_limit counts
 * the events at one instant even when the instant spans two calls (a
 * model stopped the first), and halts before the one that would pass it;
 * event_limit counts every call's events and halts before the limit+1st. */
static int nowfired;

static void again_now(struct sim *s, struct eq_event *ev)
{
	if (++nowfired == 4)
		s->stop = true;
	sim_after(s, ev, 0);
}

static void again_1ns_rec(struct sim *s, struct eq_event *ev) { sim_after(s, ev, 1); }

static void test_limits_span_calls(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, NULL);
	s.stuck_limit = 10;
	struct eq_event a;
	struct rec b = { .id = 7 };
	eq_event_init(&a, again_now);
	eq_event_init(&b.ev, record);
	sim_at(&s, &b.ev, 5);
	sim_at(&s, &a, 5);
	nowfired = 0;
	assert_int_equal(sim_run_until(&s, 4), 0);
	assert_int_equal(sim_run_until(&s, 5), 5);  /* b, then a four times: stopped */
	assert_int_equal(s.halt, SIM_RUNNING);
	s.stop = false;
	assert_int_equal(sim_run_until(&s, 5), 5);  /* five more at 5: ten, then stuck */
	assert_int_equal(s.halt, SIM_HALT_STUCK);
	assert_int_equal(s.events, 10);
	sim_free(&s);

	sim_init(&s, NULL);
	s.stuck_limit = 1;  /* one event per instant is never stuck */
	s.event_limit = 25;
	eq_event_init(&a, again_1ns_rec);
	sim_at(&s, &a, 0);
	assert_int_equal(sim_run_until(&s, 10), 11);  /* t = 0 .. 10 */
	assert_int_equal(s.halt, SIM_RUNNING);
	assert_int_equal(sim_run_until(&s, 100), 14);
	assert_int_equal(s.halt, SIM_HALT_EVENTS);
	assert_int_equal(s.events, 25);
	assert_int_equal(s.now, 24);
	sim_free(&s);
}

/* sim_init leaves no field to chance: a struct sim on a dirty stack (as in
 * a test that declares one without zeroing) must come out untraced. A
 * stale trace pointer crashed test_memhome now and then under ASan. */
static void test_init_clears_trace(void **state)
{
	(void)state;
	struct sim s;
	memset(&s, 0xab, sizeof s);
	sim_init(&s, NULL);
	assert_null(s.trace);
	assert_int_equal(s.now, 0);
	sim_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_order),
		cmocka_unit_test(test_fifo_ties),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_run_until_stops),
		cmocka_unit_test(test_two_tiers_keep_order),
		cmocka_unit_test(test_wheel_arrays_follow_buckets_in_use),
		cmocka_unit_test(test_init_clears_trace),
		cmocka_unit_test(test_model_mix_matches_reference),
		cmocka_unit_test(test_dense_mix_matches_reference),
		cmocka_unit_test(test_limits_span_calls),
	};
	return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
