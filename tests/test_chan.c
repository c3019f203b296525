/* tests/test_chan.c — channels in every model, with expectations derived
 * from runtime/chan.go's rules (and a blocking queue's for the 1:1 models):
 * an unbuffered send completes only with a receiver; a buffer of capacity
 * N takes N sends without a receiver and the N+1st blocks; close releases
 * parked receivers (zero value) and makes parked and later senders panic;
 * tasks parked forever are reported, with their memory still held. The
 * event loop (futures: a parked task holds no thread) obeys the same rules. */
#include "testrun.h"

#define M tr_metric

static const char *const models[] = { "gmp", "threads", "pool", "eventloop" };
#define NMODELS (int)(sizeof models / sizeof *models)

static struct run_result run(const char *yaml, const char *model)
{
	return tr_run(yaml, model, NULL, 0);
}

/* 1,000 unbuffered exchanges between a producer and a consumer: every
 * send meets a receive, so both finish and nothing stays parked. */
static void test_unbuffered_pairs_complete(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: pp\nduration: 2s\nmachine: { cores: 4 }\nacceptor: { enabled: false }\n"
		"models: { gmp: {}, threads: {}, pool: { workers: 4 } }\nchannels: { c: { capacity: 0 } }\n"
		"workload:\n  producer:\n    arrival: { batch: { count: 1 } }\n"
		"    program: [ { repeat: { times: 1000, do: [ { cpu: 10us }, { send: c } ] } } ]\n"
		"  consumer:\n    arrival: { batch: { count: 1 } }\n"
		"    program: [ { repeat: { times: 1000, do: [ { recv: c }, { cpu: 10us } ] } } ]\n";
	for (int i = 0; i < NMODELS; i++) {
		struct run_result r = run(yaml, models[i]);
		assert_int_equal((int)M(&r, "tasks_completed"), 2);
		assert_int_equal((int)M(&r, "chan_blocked_end"), 0);
		/* at least the 1,000 x 10 us of each side, serialised by the hand-off */
		assert_true(M(&r, "latency_max") >= 10e6);
		res_free(&r);
	}
}

/* A buffer of 10 with no receiver: 10 sends complete, the 11th parks
 * forever. The 1:1 models report the leak at the end (a JVM or a C
 * program just hangs); under gmp nothing else can ever run — no M is
 * running, no timer, no arrival to come — so proc.go:checkdead kills the
 * program: "all goroutines are asleep - deadlock!". */
static void test_buffer_capacity(void **state)
{
	(void)state;
	static const char fmt[] =
		"name: buf\nduration: 1s\nacceptor: { enabled: false }\n"
		"models: { gmp: {}, threads: {}, pool: { workers: 2 } }\nchannels: { c: { capacity: 10 } }\n"
		"workload:\n  w:\n    arrival: { batch: { count: 1 } }\n"
		"    program: [ { repeat: { times: %d, do: [ { send: c } ] } } ]\n";
	char ten[1024], eleven[1024];
	snprintf(ten, sizeof ten, fmt, 10);
	snprintf(eleven, sizeof eleven, fmt, 11);
	for (int i = 0; i < NMODELS; i++) {
		struct run_result a = run(ten, models[i]);
		assert_int_equal((int)M(&a, "tasks_completed"), 1);
		res_free(&a);
		if (i == 0) {
			struct scenario sc;
			struct run_result b;
			char err[512];
			assert_int_equal(sc_load_string("buf.yaml", eleven, NULL, 0, &sc, err, sizeof err), 0);
			assert_int_equal(run_model(&sc, "gmp", &b, err, sizeof err), 1);
			assert_non_null(strstr(err, "all goroutines are asleep - deadlock!"));
			assert_true(b.sim_ns_run < SIM_NS_PER_MS);  /* at once, not at the end */
			res_free(&b);
			sc_free(&sc);
			continue;
		}
		struct run_result b = run(eleven, models[i]);
		assert_int_equal((int)M(&b, "tasks_completed"), 0);
		assert_int_equal((int)M(&b, "chan_blocked_end"), 1);
		assert_int_equal((int)M(&b, "tasks_live_end"), 1);
		res_free(&b);
	}
}

/* close releases 5 parked receivers (they complete with the zero value);
 * 3 senders that arrive after the close panic (they fail). */
static void test_close_releases_and_panics(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: cl\nduration: 1s\nmachine: { cores: 2 }\nacceptor: { enabled: false }\n"
		"models: { gmp: {}, threads: {}, pool: { workers: 10 } }\nchannels: { c: }\n"
		"workload:\n  readers:\n    arrival: { batch: { count: 5 } }\n    program: [ { recv: c } ]\n"
		"  closer:\n    arrival: { batch: { count: 1, at: 100ms } }\n    program: [ { close: c } ]\n"
		"  late:\n    arrival: { batch: { count: 3, at: 200ms } }\n    program: [ { send: c } ]\n";
	for (int i = 0; i < NMODELS; i++) {
		struct run_result r = run(yaml, models[i]);
		assert_int_equal((int)M(&r, "tasks_completed"), 5 + 1);
		assert_int_equal((int)M(&r, "tasks_failed"), 3);
		assert_int_equal((int)M(&r, "chan_blocked_end"), 0);
		/* the readers waited for the close at 100 ms */
		assert_true(M(&r, "latency_max") >= 100e6);
		res_free(&r);
	}
}

/* A sender parked on a channel that gets closed panics (chan.go: closechan
 * readies the sender, which then panics "send on closed channel"). */
static void test_parked_sender_panics_on_close(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: ps\nduration: 1s\nacceptor: { enabled: false }\n"
		"models: { gmp: {}, threads: {}, pool: { workers: 4 } }\nchannels: { c: }\n"
		"workload:\n  sender:\n    arrival: { batch: { count: 2 } }\n    program: [ { send: c } ]\n"
		"  closer:\n    arrival: { batch: { count: 1, at: 50ms } }\n    program: [ { close: c } ]\n";
	for (int i = 0; i < NMODELS; i++) {
		struct run_result r = run(yaml, models[i]);
		assert_int_equal((int)M(&r, "tasks_failed"), 2);
		assert_int_equal((int)M(&r, "tasks_completed"), 1);
		res_free(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unbuffered_pairs_complete),
		cmocka_unit_test(test_buffer_capacity),
		cmocka_unit_test(test_close_releases_and_panics),
		cmocka_unit_test(test_parked_sender_panics_on_close),
	};
	return cmocka_run_group_tests_name("chan", tests, NULL, NULL);
}
