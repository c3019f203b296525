/* tests/test_pidx.c — the gmp model's P indexes (models/gmp/gmp_pidx.c):
 * the randomOrder search against a plain walk of the enumeration
 * (proc.go:randomOrder visits (start + k*stride) mod n), the bitmaps
 * against the P fields they index, and a gmp run at many Ps checked by
 * the index verifier after every step. */
#include "testrun.h"
#include "gmp_sched.h"
#include "rng.h"

static int gcd(int a, int b)
{
	while (b) {
		int t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* stride * inverse = 1 (mod n) for every stride coprime with n. */
static void test_modinv(void **state)
{
	(void)state;
	for (int n = 1; n <= 300; n++)
		for (int c = 1; c <= n; c++)
			if (gcd(c, n) == 1)
				assert_int_equal(((int64_t)c * gmp_pidx_modinv(c, n)) % n, 1 % n);
}

/* gmp_pidx_count's inline popcount against a bit-by-bit count, on words
 * with the edge patterns (none, all, the top bit, alternating) and random
 * words of every density. */
static void test_count_words(void **state)
{
	(void)state;
	uint64_t words[4] = { 0, ~(uint64_t)0, (uint64_t)1 << 63, 0xaaaaaaaaaaaaaaaau };
	assert_int_equal(gmp_pidx_count(words, 1), 0);
	assert_int_equal(gmp_pidx_count(words, 2), 64);
	assert_int_equal(gmp_pidx_count(words, 3), 65);
	assert_int_equal(gmp_pidx_count(words, 4), 97);
	uint64_t x = 99;
	for (int t = 0; t < 10000; t++) {
		x = rng_splitmix(x);
		uint64_t w = x;
		for (int d = t % 4; d > 0; d--)  /* sparser words: and more draws in */
			w &= (x = rng_splitmix(x));
		int ref = 0;
		for (int b = 0; b < 64; b++)
			ref += (int)((w >> b) & 1);
		assert_int_equal(gmp_pidx_count(&w, 1), ref);
	}
}

/* The reference: walk the enumeration, as proc.go's loop does. */
static int walk_first(const uint64_t *set, int n, int start, int stride)
{
	for (int k = 0, pos = start; k < n; k++, pos = (pos + stride) % n)
		if (gmp_pidx_has(set, pos))
			return k;
	return n;
}

static int walk_count(const uint64_t *set, int n, int k, int start, int stride)
{
	int c = 0;
	for (int j = 0, pos = start; j < k; j++, pos = (pos + stride) % n)
		c += gmp_pidx_has(set, pos);
	return c;
}

/* Random sets of every density (empty, one P, a few, half, all, all but a few) over
 * GOMAXPROCS values with many and few coprimes: the first member found
 * through the inverse and the members counted before an index equal the
 * walk's, whichever path (inverse or walk) the search takes. */
static void test_first_in_order_equals_walk(void **state)
{
	(void)state;
	static const int ns[] = { 1, 2, 3, 7, 8, 12, 64, 65, 127, 128, 210, 256 };
	uint64_t x = 12345;
	for (size_t t = 0; t < sizeof ns / sizeof *ns; t++) {
		int n = ns[t], nwords = (n + 63) / 64;
		uint64_t set[4];
		for (int trial = 0; trial < 400; trial++) {
			memset(set, 0, sizeof set);
			x = rng_splitmix(x);
			/* 0: empty, 1: ~one, 2: 1/16, 3: half, 4: full, 5: all but 1/16 */
			int density = (int)(x % 6), nset = 0;
			for (int i = 0; i < n; i++) {
				x = rng_splitmix(x);
				bool on = density == 4 || (density == 1 ? x % (uint64_t)n == 0 :
					  density == 2 ? x % 16 == 0 : density == 3 ? x % 2 == 0 :
					  density == 5 ? x % 16 != 0 : false);
				if (on) {
					set[i >> 6] |= (uint64_t)1 << (i & 63);
					nset++;
				}
			}
			assert_int_equal(gmp_pidx_count(set, nwords), nset);
			int stride;
			do {
				x = rng_splitmix(x);
				stride = 1 + (int)(x % (uint64_t)n);
			} while (gcd(stride, n) != 1);
			int start = (int)((x >> 20) % (uint64_t)n), inv = gmp_pidx_modinv(stride, n);
			assert_int_equal(gmp_pidx_first_in_order(set, nset, nwords, n, start, stride, inv),
					 walk_first(set, n, start, stride));
			int k = (int)((x >> 40) % (uint64_t)(n + 1));
			assert_int_equal(gmp_pidx_count_before(set, nset, n, k, start, stride, inv),
					 walk_count(set, n, k, start, stride));
		}
	}
}

/* Each bitmap follows its P through the run-queue, timer and status
 * changes (runqput/runqget/runqsteal, doaddtimer/checkTimers, acquirep). */
static void test_bits_follow_the_p(void **state)
{
	(void)state;
	struct gmp s = { .nprocs = 130 };
	assert_int_equal(gmp_pidx_init(&s.pidx, s.nprocs), 0);
	s.allp = calloc((size_t)s.nprocs, sizeof *s.allp);
	for (int i = 0; i < s.nprocs; i++)
		s.allp[i] = (struct gmp_p){ .id = i, .status = P_IDLE, .idx = &s.pidx };
	struct gmp_p *a = &s.allp[129], *b = &s.allp[3];
	struct task g[3] = { { .timer_pos = -1 }, { .timer_pos = -1 }, { .timer_pos = -1 } };
	gmp_caspstatus(a, P_IDLE, P_RUNNING);
	gmp_caspstatus(b, P_IDLE, P_RUNNING);
	assert_int_equal(s.pidx.count[PB_BUSY], 2);
	gmp_runqput(&s, a, &g[0], true);
	assert_true(gmp_pidx_has(s.pidx.bits[PB_NEXT], 129));
	assert_false(gmp_pidx_has(s.pidx.bits[PB_RING], 129));
	gmp_runqput(&s, a, &g[1], true);  /* g[0] kicked to the ring */
	assert_true(gmp_pidx_has(s.pidx.bits[PB_RING], 129));
	assert_non_null(gmp_runqsteal(&s, b, a, false));  /* takes the ring's one G */
	assert_false(gmp_pidx_has(s.pidx.bits[PB_RING], 129));
	assert_true(gmp_pidx_has(s.pidx.bits[PB_NEXT], 129));
	bool inherit;
	assert_ptr_equal(gmp_runqget(&s, a, &inherit), &g[1]);
	assert_false(gmp_pidx_has(s.pidx.bits[PB_NEXT], 129));
	g[2].when = 100;
	gmp_addtimer(b, &g[2]);
	assert_int_equal(s.pidx.count[PB_TIMERS], 1);
	struct task *due[4];
	assert_int_equal(gmp_expired_timers(b, 99, due, 4), 0);
	assert_int_equal(s.pidx.count[PB_TIMERS], 1);
	assert_int_equal(gmp_expired_timers(b, 100, due, 4), 1);
	assert_int_equal(s.pidx.count[PB_TIMERS], 0);
	gmp_caspstatus(a, P_RUNNING, P_IDLE);
	assert_int_equal(s.pidx.count[PB_BUSY], 1);
	gmp_pidx_verify(&s);
	free(b->timers);
	free(s.allp);
	gmp_pidx_free(&s.pidx);
}

/* A gmp run at 96 Ps on 96 cores with sleeps (timers), spawns, net waits
 * and a mutex: stealing, timers and idle Ps all in play. The sanitizer
 * build verifies every index after every step; here the run must finish
 * with every request done (the work is conserved). */
static void test_many_ps_run(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: pidx\nduration: 300ms\nwarmup: 0s\nseed: 3\n"
		"machine: { cores: 96, numa: { nodes: 2 } }\nmodels: { gmp: {} }\n"
		"workload:\n  request:\n    arrival: { batch: { count: 400 } }\n"
		"    program: [ { cpu: { exp: 50us } }, { sleep: 1ms }, { spawn: { program: kid, count: 3, wait: true } },"
		" { net: 2ms }, { cpu: 20us } ]\n"
		"programs:\n  kid: [ { cpu: { exp: 30us } }, { sleep: 500us } ]\n";
	struct run_result res = tr_run(yaml, "gmp", NULL, 0);
	assert_int_equal((int)tr_metric(&res, "tasks_completed"), 400);
	res_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modinv),
		cmocka_unit_test(test_count_words),
		cmocka_unit_test(test_first_in_order_equals_walk),
		cmocka_unit_test(test_bits_follow_the_p),
		cmocka_unit_test(test_many_ps_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
