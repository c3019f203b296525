/* tests/test_trace.c — per-run timelines (--trace) and their Chrome Trace
 * export: the tracks a traced run has, spans that never overlap within a
 * track and lie within the run, core spans that add up to the CPU metrics,
 * P spans that agree with them, scheduler events counted exactly as the
 * run's counters count them (steals, Gs stolen, hand-offs, retakes, Ms),
 * GC stops in Go's cycle order, goroutine spans nested in their M's and
 * P's spans (exactly two running spans for a G that parks once), a
 * traced run's results equal to an
 * untraced one's, the record limit's truncation marker and warning, and
 * the exported JSON parsed with jansson (one thread per track, split files,
 * clear errors). */
#include "testrun.h"
#include "trace.h"
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define SCENARIO "scenarios/10k_rps.yaml"

/* A short 10k_rps with GOMAXPROCS=4 on 6 cores (so Ps and cores differ),
 * allocating so that both collectors stop the world several times. */
static const char *const short_sets[] = {
	"duration=400ms", "warmup=100ms", "machine.cores=6", "models.gmp.gomaxprocs=4",
	"workload.request.program=[{cpu: {exp: 100us}}, {alloc: 32KiB}, {net: 100ms}, {cpu: {exp: 100us}}]",
	"gc.live_heap=1MiB", "gc.jvm.young=8MiB",
};
enum { NSETS = sizeof short_sets / sizeof short_sets[0], GOMAXPROCS = 4, CORES = 6 };

/* Runs the short scenario on model, traced with limit (0: untraced), with
 * one more override when extra is not NULL. */
static struct run_result run_short_with(const char *model, int64_t limit, const char *extra)
{
	struct scenario sc;
	char err[512];
	const char *sets[NSETS + 1];
	memcpy(sets, short_sets, sizeof short_sets);
	sets[NSETS] = extra;
	if (sc_load(SCENARIO, sets, NSETS + (extra != NULL), &sc, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		fail();
	}
	struct run_opts opts = { .trace = limit > 0, .trace_limit = limit };
	struct run_result res;
	int rc = run_model_opts(&sc, model, &opts, &res, err, sizeof err);
	if (rc)
		fprintf(stderr, "%s\n", err);
	assert_int_equal(rc, 0);
	sc_free(&sc);
	if (res.trace)
		assert_int_equal(trc_unpack(res.trace), 0);  /* the coded records, as arrays */
	return res;
}

static struct run_result run_short(const char *model, int64_t limit)
{
	return run_short_with(model, limit, NULL);
}

/* Runs yaml on model, traced. */
static struct run_result run_traced(const char *yaml, const char *model)
{
	struct scenario sc;
	char err[512];
	if (sc_load_string("trace.yaml", yaml, NULL, 0, &sc, err, sizeof err) != 0)
		fail_msg("%s", err);
	struct run_opts opts = { .trace = true };
	struct run_result res;
	if (run_model_opts(&sc, model, &opts, &res, err, sizeof err) != 0)
		fail_msg("%s", err);
	sc_free(&sc);
	assert_int_equal(trc_unpack(res.trace), 0);  /* the coded records, as arrays */
	return res;
}

static const struct trc_track *track_of(const struct trc *tr, const struct trc_span *s)
{
	return &tr->tracks[s->track];
}

/* Sum over spans on tracks of kind k in state st, clipped to [from, to). */
static double span_seconds(const struct trc *tr, enum trc_tkind k, enum trc_state st, sim_ns from, sim_ns to)
{
	sim_ns sum = 0;
	for (int64_t i = 0; i < tr->nspans; i++) {
		const struct trc_span *s = &tr->spans[i];
		if (track_of(tr, s)->tkind != k || s->state != st)
			continue;
		sim_ns a = s->t0 > from ? s->t0 : from, b = s->t1 < to ? s->t1 : to;
		if (b > a)
			sum += b - a;
	}
	return (double)sum / 1e9;
}

static int count_tracks(const struct trc *tr, enum trc_tkind k)
{
	int n = 0;
	for (int i = 0; i < tr->ntracks; i++)
		n += tr->tracks[i].tkind == k;
	return n;
}

/* Go's GC stops the world twice per cycle, in order: sweep termination
 * (phase codes 0 start, 1 end), then mark termination (2, 3). So the
 * TE_GC events, in time order, read 0 1 2 3 0 1 2 3 ..., each stop lasting
 * from its start to its end; the short scenario allocates enough for at
 * least one whole cycle. */
static void check_gc_cycle_order(const struct trc *tr)
{
	int n = 0;
	sim_ns last = -1;
	for (int64_t i = 0; i < tr->nevs; i++) {
		const struct trc_ev *e = &tr->evs[i];
		if (e->kind != TE_GC)
			continue;
		if (e->a != n % 4)
			fail_msg("GC event %d at %lld ns: phase %lld, expected %d", n, (long long)e->t,
				 (long long)e->a, n % 4);
		assert_true(e->t >= last);
		last = e->t;
		n++;
	}
	assert_true(n >= 4);
}

static void test_gmp_has_a_track_per_p_m_and_core(void **state)
{
	(void)state;
	struct run_result r = run_short("gmp", TRC_DEFAULT_LIMIT);
	const struct trc *tr = r.trace;
	assert_non_null(tr);
	assert_int_equal(count_tracks(tr, TRC_P), GOMAXPROCS);
	assert_int_equal(count_tracks(tr, TRC_CORE), CORES);
	/* at least one M per P ran Gs; sysmon has a thread but no M track */
	assert_true(count_tracks(tr, TRC_M) >= GOMAXPROCS);
	assert_int_equal(count_tracks(tr, TRC_THREAD), count_tracks(tr, TRC_M) + 1);
	/* every P ran Gs, and the scheduler events a loaded gmp run has are there */
	bool p_ran[GOMAXPROCS] = { false };
	for (int64_t i = 0; i < tr->nspans; i++)
		if (track_of(tr, &tr->spans[i])->tkind == TRC_P && tr->spans[i].state == TS_RUNNING)
			p_ran[track_of(tr, &tr->spans[i])->num] = true;
	for (int p = 0; p < GOMAXPROCS; p++)
		assert_true(p_ran[p]);
	int seen[TE_NEVENTS] = { 0 };
	for (int64_t i = 0; i < tr->nevs; i++)
		seen[tr->evs[i].kind]++;
	/* the scheduler's counters (whole run) and the events are counted
	 * apart: they agree; every thread is an M (sysmon included) */
	assert_int_equal(seen[TE_STEAL], tr_metric(&r, "steals"));
	assert_int_equal(seen[TE_HANDOFFP], tr_metric(&r, "handoffs"));
	assert_int_equal(seen[TE_RETAKE], tr_metric(&r, "syscall_retakes"));
	assert_int_equal(seen[TE_THREAD_CREATE], count_tracks(tr, TRC_THREAD));
	assert_int_equal(seen[TE_THREAD_CREATE], tr_metric(&r, "ms_created"));
	assert_int_equal(seen[TE_THREAD_EXIT], 0);  /* idle Ms are never freed */
	/* each net op's G comes back through a netpoll that reported it */
	assert_true(seen[TE_NETPOLL] > 0 && seen[TE_NETPOLL] <= tr_metric(&r, "netpoll_calls"));
	check_gc_cycle_order(tr);
	/* a track per goroutine that lived; Gs run exactly while their P runs them */
	assert_true(count_tracks(tr, TRC_G) >= tr_metric(&r, "tasks_completed"));
	double g_run = span_seconds(tr, TRC_G, TS_RUNNING, 0, r.sim_ns_run);
	double p_run = span_seconds(tr, TRC_P, TS_RUNNING, 0, r.sim_ns_run);
	assert_true(fabs(g_run - p_run) < 0.05 * p_run);
	assert_int_equal(trc_truncated_at(tr), -1);
	res_free(&r);
}

static void count_events(const struct trc *tr, int seen[TE_NEVENTS], int64_t *stolen)
{
	memset(seen, 0, sizeof(int) * TE_NEVENTS);
	*stolen = 0;
	for (int64_t i = 0; i < tr->nevs; i++) {
		seen[tr->evs[i].kind]++;
		if (tr->evs[i].kind == TE_STEAL)
			*stolen += tr->evs[i].a;
	}
}

/* With 1 ms syscalls (~10 in flight at 10,000/s on 4 Ps) sysmon retakes
 * syscall Ps and hands them off, and idle Ps steal: the events the trace
 * records and the counters the results report are kept apart in the model;
 * each count agrees exactly (steal events carry the number of Gs taken:
 * their sum is stolen_gs; every retake is a hand-off by sysmon, a = 1). */
static void test_gmp_events_match_its_counters(void **state)
{
	(void)state;
	struct run_result r = run_short_with("gmp", TRC_DEFAULT_LIMIT,
		"workload.request.program=[{cpu: {exp: 100us}}, {syscall: 1ms}, {cpu: {exp: 100us}}]");
	const struct trc *tr = r.trace;
	int seen[TE_NEVENTS];
	int64_t stolen;
	count_events(tr, seen, &stolen);
	fprintf(stderr, "gmp with syscalls: %d steals (%lld Gs), %d handoffs, %d retakes\n",
		seen[TE_STEAL], (long long)stolen, seen[TE_HANDOFFP], seen[TE_RETAKE]);
	assert_true(seen[TE_RETAKE] > 0 && seen[TE_STEAL] > 0);
	assert_int_equal(seen[TE_STEAL], tr_metric(&r, "steals"));
	assert_int_equal(stolen, tr_metric(&r, "stolen_gs"));
	assert_int_equal(seen[TE_HANDOFFP], tr_metric(&r, "handoffs"));
	assert_int_equal(seen[TE_RETAKE], tr_metric(&r, "syscall_retakes"));
	assert_int_equal(seen[TE_THREAD_CREATE], tr_metric(&r, "ms_created"));
	int by_sysmon = 0;
	for (int64_t i = 0; i < tr->nevs; i++)
		by_sysmon += tr->evs[i].kind == TE_HANDOFFP && tr->evs[i].a == 1;
	assert_int_equal(by_sysmon, seen[TE_RETAKE]);
	res_free(&r);
}

/* Is [t0, t1] inside a running span about obj on a track of kind k
 * (number num; -1: any)? */
static bool covered(const struct trc *tr, enum trc_tkind k, int num, int64_t obj, sim_ns t0, sim_ns t1)
{
	for (int64_t i = 0; i < tr->nspans; i++) {
		const struct trc_span *s = &tr->spans[i];
		const struct trc_track *tk = track_of(tr, s);
		if (tk->tkind == k && (num < 0 || tk->num == num) && s->state == TS_RUNNING &&
		    s->obj == obj && s->t0 <= t0 && t1 <= s->t1)
			return true;
	}
	return false;
}

/* 40 goroutines started at once on 2 Ps, each running cpu 50us, sleep
 * 1ms, cpu 50us: a G runs until it parks (no preemption: 50 us is far
 * below sysmon's 10 ms), so each G's track has exactly 2 running spans
 * with one waiting span (the sleep) between them; there are exactly 40 G
 * tracks (no other goroutine: no acceptor, no GC). Each G running span
 * lies inside a running span of its M (obj) that runs one G throughout
 * (obj: the G's key), the same G for both of the G's spans, and inside a
 * running span of a P for that G. */
static void test_goroutine_spans_nest_in_m_and_p_spans(void **state)
{
	(void)state;
	enum { NG = 40 };
	struct run_result r = run_traced(
		"name: nest\nduration: 100ms\nmachine: { cores: 2 }\nacceptor: { enabled: false }\n"
		"models: { gmp: { gomaxprocs: 2 } }\nworkload:\n  w:\n    arrival: { batch: { count: 40 } }\n"
		"    program: [ { cpu: 50us }, { sleep: 1ms }, { cpu: 50us } ]\n", "gmp");
	const struct trc *tr = r.trace;
	assert_int_equal((int)tr_metric(&r, "tasks_completed"), NG);
	assert_int_equal(count_tracks(tr, TRC_G), NG);
	for (int g = 0; g < tr->ntracks; g++) {
		if (tr->tracks[g].tkind != TRC_G)
			continue;
		int running = 0, waiting = 0;
		int64_t key = 0;
		sim_ns first_end = -1, second_start = -1;
		for (int64_t i = 0; i < tr->nspans; i++) {
			const struct trc_span *s = &tr->spans[i];
			if (s->track != g)
				continue;
			if (s->state == TS_WAITING) {
				waiting++;
				assert_true(s->t1 - s->t0 >= SIM_NS_PER_MS);  /* the sleep */
				continue;
			}
			if (s->state != TS_RUNNING)
				continue;
			running++;
			if (running == 1)
				first_end = s->t1;
			else
				second_start = s->t0;
			/* find the M span covering it and the G key it runs */
			int64_t k = 0;
			bool found = false;
			for (int64_t j = 0; j < tr->nspans && !found; j++) {
				const struct trc_span *m = &tr->spans[j];
				const struct trc_track *mt = track_of(tr, m);
				if (mt->tkind == TRC_M && mt->num == s->obj && m->state == TS_RUNNING &&
				    m->t0 <= s->t0 && s->t1 <= m->t1) {
					k = m->obj;  /* a key: any 64-bit value */
					found = true;
				}
			}
			if (!found)
				fail_msg("G track %d: running span [%lld, %lld] on M%lld is in no running span of that M",
					 g, (long long)s->t0, (long long)s->t1, (long long)s->obj);
			if (running == 2)
				assert_true(k == key);
			key = k;
			assert_true(covered(tr, TRC_P, -1, key, s->t0, s->t1));
		}
		assert_int_equal(running, 2);
		assert_int_equal(waiting, 1);
		assert_true(second_start - first_end >= SIM_NS_PER_MS);
	}
	res_free(&r);
}

/* Spans of one kind of track in one state, by (owner, t0), touching ones
 * of one owner merged: the owner is the track's number (by_obj false) or
 * the span's obj (true), so "M3 running G17" can be looked up by 17. */
struct owned { int64_t owner; sim_ns t0, t1; };

static int cmp_owned(const void *a, const void *b)
{
	const struct owned *x = a, *y = b;
	if (x->owner != y->owner)
		return x->owner < y->owner ? -1 : 1;
	return x->t0 < y->t0 ? -1 : x->t0 > y->t0;
}

static int64_t owned_spans(const struct trc *tr, enum trc_tkind k, enum trc_state st, bool by_obj,
			   struct owned **out)
{
	struct owned *o = malloc(sizeof *o * (size_t)(tr->nspans + 1));
	int64_t n = 0, m = 0;
	for (int64_t i = 0; i < tr->nspans; i++) {
		const struct trc_span *s = &tr->spans[i];
		if (track_of(tr, s)->tkind == k && s->state == st)
			o[n++] = (struct owned){ by_obj ? s->obj : track_of(tr, s)->num, s->t0, s->t1 };
	}
	qsort(o, (size_t)n, sizeof *o, cmp_owned);
	for (int64_t i = 0; i < n; i++) {
		if (m > 0 && o[m - 1].owner == o[i].owner && o[m - 1].t1 == o[i].t0)
			o[m - 1].t1 = o[i].t1;
		else
			o[m++] = o[i];
	}
	*out = o;
	return m;
}

/* Is [t0, t1) inside one of owner's (merged) spans? */
static bool owned_covers(const struct owned *o, int64_t n, int64_t owner, sim_ns t0, sim_ns t1)
{
	int64_t lo = 0, hi = n;  /* past the last span of owner starting at or before t0 */
	while (lo < hi) {
		int64_t mid = (lo + hi) / 2;
		if (o[mid].owner < owner || (o[mid].owner == owner && o[mid].t0 <= t0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && o[lo - 1].owner == owner && o[lo - 1].t1 >= t1;
}

/* Is [t0, t1) inside one stop-the-world: between a TE_GC start (phase
 * 0 or 2) and the end that follows it (1 or 3)? */
static bool in_stw(const struct trc *tr, sim_ns t0, sim_ns t1)
{
	sim_ns start = -1;
	for (int64_t i = 0; i < tr->nevs; i++) {
		const struct trc_ev *e = &tr->evs[i];
		if (e->kind != TE_GC)
			continue;
		if (e->a == 0 || e->a == 2)
			start = e->t;
		else if (start >= 0 && start <= t0 && t1 <= e->t)
			return true;
	}
	return false;
}

/* A P's track shows what its M is doing with it — running a G, or (lent
 * to a syscall, obj: the M) the M's syscall — and the model re-reads only
 * the Ps that may have changed after each decision (gmp_trace.h). So a P
 * shows "running G17" only while some M's track shows "running G17", and
 * "syscall" only while that M's track shows a syscall, on a run that hands
 * Ps off, retakes them from syscalls, stops the world, preempts, and locks
 * Gs to threads; and "gcstop" only within a stop-the-world. A P track
 * left stale by a missed change outlasts the M's span or the stop (it
 * does without the marks of gmp_caspstatus or of the stepping M's P). */
static void test_p_spans_follow_their_m(void **state)
{
	(void)state;
	struct run_result r = run_traced(
		"name: pnest\nduration: 300ms\nwarmup: 50ms\nseed: 3\nmachine: { cores: 6 }\n"
		"models: { gmp: { gomaxprocs: 4 } }\ngc: { live_heap: 1MiB }\nworkload:\n"
		"  request:\n    arrival: { poisson: 2000/s }\n    program: [ { cpu: { exp: 50us } }, "
		"{ lock_os_thread: }, { syscall: { exp: 200us } }, { alloc: 64KiB }, { sleep: 1ms }, "
		"{ unlock_os_thread: }, { cgo: 300us }, { cpu: { exp: 100us } }, { net: 5ms }, "
		"{ lock_os_thread: }, { cpu: 1ms } ]\n"
		"  long:\n    arrival: { poisson: 50/s }\n    program: [ { cpu: 30ms }, { syscall: 5ms }, { cpu: 15ms } ]\n",
		"gmp");
	const struct trc *tr = r.trace;
	const char *paths[] = { "syscall_retakes", "handoffs", "lockedm_handoffs", "gc_cycles", "preemptions" };
	for (int i = 0; i < 5; i++)
		if (tr_metric(&r, paths[i]) < 1)
			fail_msg("the run has no %s: it does not exercise that path", paths[i]);
	struct owned *run, *sys;
	int64_t nrun = owned_spans(tr, TRC_M, TS_RUNNING, true, &run);
	int64_t nsys = owned_spans(tr, TRC_M, TS_SYSCALL, false, &sys);
	int64_t seen[3] = { 0, 0, 0 };
	for (int64_t i = 0; i < tr->nspans; i++) {
		const struct trc_span *s = &tr->spans[i];
		if (track_of(tr, s)->tkind != TRC_P)
			continue;
		if (s->state == TS_GCSTOP && !in_stw(tr, s->t0, s->t1))
			fail_msg("P%d: gcstop over [%lld, %lld), outside every stop-the-world", track_of(tr, s)->num,
				 (long long)s->t0, (long long)s->t1);
		seen[2] += s->state == TS_GCSTOP;
		if (s->state != TS_RUNNING && s->state != TS_SYSCALL)
			continue;
		bool sc = s->state == TS_SYSCALL;
		if (!owned_covers(sc ? sys : run, sc ? nsys : nrun, s->obj, s->t0, s->t1))
			fail_msg("P%d: %s %lld over [%lld, %lld), but no M's track shows it all along",
				 track_of(tr, s)->num, sc ? "lent to M" : "running G", (long long)s->obj,
				 (long long)s->t0, (long long)s->t1);
		seen[sc]++;
	}
	assert_true(seen[0] > 1000 && seen[1] > 100 && seen[2] >= 4 * 2);  /* each P in each of >= 2 stops */
	free(run);
	free(sys);
	res_free(&r);
}

static int cmp_span(const void *a, const void *b)
{
	const struct trc_span *x = a, *y = b;
	if (x->track != y->track)
		return x->track < y->track ? -1 : 1;
	return x->t0 < y->t0 ? -1 : x->t0 > y->t0;
}

/* Spans are non-empty, inside [0, end], and disjoint within each track. */
static void check_spans_disjoint(const struct run_result *r)
{
	const struct trc *tr = r->trace;
	assert_true(tr->nspans > 1000);
	struct trc_span *s = malloc(sizeof *s * (size_t)tr->nspans);
	memcpy(s, tr->spans, sizeof *s * (size_t)tr->nspans);
	qsort(s, (size_t)tr->nspans, sizeof *s, cmp_span);
	for (int64_t i = 0; i < tr->nspans; i++) {
		assert_true(s[i].t0 >= 0 && s[i].t0 < s[i].t1 && s[i].t1 <= r->sim_ns_run);
		assert_true(s[i].state != TS_NONE && s[i].state < TS_NSTATES);
		if (i > 0 && s[i - 1].track == s[i].track)
			assert_true(s[i - 1].t1 <= s[i].t0);
	}
	free(s);
}

static void test_spans_never_overlap_within_a_track(void **state)
{
	(void)state;
	const char *models[] = { "gmp", "threads", "pool" };
	for (int m = 0; m < 3; m++) {
		struct run_result r = run_short(models[m], TRC_DEFAULT_LIMIT);
		check_spans_disjoint(&r);
		/* 1:1 models: a track per core and per kernel thread, no Ps or Ms */
		if (m > 0) {
			assert_int_equal(count_tracks(r.trace, TRC_P), 0);
			assert_int_equal(count_tracks(r.trace, TRC_G), 0);
			assert_int_equal(count_tracks(r.trace, TRC_CORE), CORES);
			assert_true(count_tracks(r.trace, TRC_THREAD) >= 2);
		}
		res_free(&r);
	}
}

/* On the 1:1 models a request's thread blocks in its 100 ms downstream
 * call: every such span that ended before the run did lasts exactly that
 * (the timer that wakes it), and it names the request's task. */
static void test_threads_show_their_blocking_calls(void **state)
{
	(void)state;
	const char *models[] = { "threads", "pool" };
	for (int m = 0; m < 2; m++) {
		struct run_result r = run_short(models[m], TRC_DEFAULT_LIMIT);
		const struct trc *tr = r.trace;
		int64_t n = 0;
		for (int64_t i = 0; i < tr->nspans; i++) {
			const struct trc_span *s = &tr->spans[i];
			if (s->state != TS_BLOCKED)
				continue;
			assert_int_equal(track_of(tr, s)->tkind, TRC_THREAD);
			assert_true(s->obj != -1);
			if (s->t1 < r.sim_ns_run) {
				assert_int_equal(s->t1 - s->t0, 100 * SIM_NS_PER_MS);
				n++;
			}
		}
		assert_true(n > 100);
		res_free(&r);
	}
}


/* Core spans are the kernel's CPU accounting: they add up to the CPU
 * metrics of the measured window exactly (to the nanosecond). A P's
 * "running" spans are when it runs a G: that time is the G's CPU work plus
 * what the Ms pay around it (gogo, syscall entry and exit, netpoll) and
 * never less than the work itself: within [cpu_task, 1.5 x cpu busy]. */
static void test_span_time_agrees_with_cpu_metrics(void **state)
{
	(void)state;
	const char *models[] = { "gmp", "threads", "pool" };
	static const char *const cats[] = { "cpu_task", "cpu_runtime", "cpu_kernel", "cpu_spin", "cpu_gc" };
	for (int m = 0; m < 3; m++) {
		struct run_result r = run_short(models[m], TRC_DEFAULT_LIMIT);
		sim_ns from = 100 * SIM_NS_PER_MS, to = r.sim_ns_run;
		double busy = 0;
		for (int c = 0; c < 5; c++) {
			double spans = span_seconds(r.trace, TRC_CORE, TS_TASK + c, from, to);
			double metric = tr_metric(&r, cats[c]);
			assert_true(fabs(spans - metric) <= 1e-9 * 1e3 + 1e-9 * fabs(metric));
			busy += metric;
		}
		assert_true(tr_metric(&r, "cpu_task") > 0.01);
		if (m == 0) {
			double p_running = span_seconds(r.trace, TRC_P, TS_RUNNING, from, to);
			double task = tr_metric(&r, "cpu_task");
			assert_true(p_running >= task * 0.999);
			assert_true(p_running <= 1.5 * busy);  /* running includes its mark assists */
		}
		res_free(&r);
	}
}

static bool same_double(double a, double b) { return (isnan(a) && isnan(b)) || a == b; }

/* Tracing only watches: every metric, bucket and sample is bit-identical. */
static void test_traced_run_equals_untraced_run(void **state)
{
	(void)state;
	const char *models[] = { "gmp", "threads", "pool" };
	for (int m = 0; m < 3; m++) {
		struct run_result a = run_short(models[m], 0), b = run_short(models[m], TRC_DEFAULT_LIMIT);
		assert_null(a.trace);
		assert_non_null(b.trace);
		assert_int_equal(a.events, b.events);
		assert_int_equal(a.sim_ns_run, b.sim_ns_run);
		assert_int_equal(a.nmetrics, b.nmetrics);
		for (int i = 0; i < a.nmetrics; i++) {
			assert_string_equal(a.metrics[i].name, b.metrics[i].name);
			if (!same_double(a.metrics[i].value, b.metrics[i].value))
				fail_msg("%s: metric %s: %.17g untraced, %.17g traced", models[m],
					 a.metrics[i].name, a.metrics[i].value, b.metrics[i].value);
		}
		assert_int_equal(a.nbuckets, b.nbuckets);
		for (int i = 0; i < a.nbuckets; i++)
			assert_int_equal(a.buckets[i].count, b.buckets[i].count);
		assert_int_equal(a.nsamples, b.nsamples);
		for (int i = 0; i < a.nsamples; i++)
			assert_true(same_double(a.samples[i].value, b.samples[i].value));
		res_free(&a);
		res_free(&b);
	}
}

/* Same scenario and seed, same timeline, record for record. */
static void test_trace_is_deterministic(void **state)
{
	(void)state;
	struct run_result a = run_short("gmp", TRC_DEFAULT_LIMIT), b = run_short("gmp", TRC_DEFAULT_LIMIT);
	assert_int_equal(a.trace->ntracks, b.trace->ntracks);
	assert_int_equal(a.trace->nspans, b.trace->nspans);
	assert_int_equal(a.trace->nevs, b.trace->nevs);
	for (int64_t i = 0; i < a.trace->nspans; i++) {
		const struct trc_span *x = &a.trace->spans[i], *y = &b.trace->spans[i];
		assert_true(x->t0 == y->t0 && x->t1 == y->t1 && x->obj == y->obj &&
			    x->track == y->track && x->state == y->state);
	}
	for (int64_t i = 0; i < a.trace->nevs; i++) {
		const struct trc_ev *x = &a.trace->evs[i], *y = &b.trace->evs[i];
		assert_true(x->t == y->t && x->a == y->a && x->b == y->b && x->track == y->track &&
			    x->kind == y->kind);
	}
	res_free(&a);
	res_free(&b);
}

/* The limit stops recording at a stated time; the trace up to it is whole. */
static void test_limit_truncates_with_a_marker(void **state)
{
	(void)state;
	struct run_result r = run_short("gmp", 5000);
	const struct trc *tr = r.trace;
	sim_ns at = trc_truncated_at(tr);
	assert_true(at > 0 && at < r.sim_ns_run);
	/* at most one closing span per track beyond the limit */
	assert_true(trc_records(tr) >= 5000 && trc_records(tr) <= 5000 + tr->ntracks);
	for (int64_t i = 0; i < tr->nspans; i++)
		assert_true(tr->spans[i].t1 <= at);
	for (int64_t i = 0; i < tr->nevs; i++)
		assert_true(tr->evs[i].t <= at);
	check_spans_disjoint(&r);
	res_free(&r);
}

/* ---- through the command line -------------------------------------------------- */

static bool exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

#define DB "build/tmp/gmpsim-test-trace.db"
#define PLAIN_DB "build/tmp/gmpsim-test-trace-plain.db"
#define JSON "build/tmp/gmpsim-test-trace.json"
#define CLI_SETS "--set duration=300ms --set warmup=100ms --set machine.cores=6 --set models.gmp.gomaxprocs=4"

static char out[1 << 16];

static int group_setup(void **state)
{
	(void)state;
	unlink(DB);
	unlink(PLAIN_DB);
	if (tu_run_gmpsim(SCENARIO " " CLI_SETS " -q --trace -o " DB, out, sizeof out) != 0 ||
	    tu_run_gmpsim(SCENARIO " " CLI_SETS " -q -m gmp -o " PLAIN_DB, out, sizeof out) != 0) {
		fprintf(stderr, "%s\n", out);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	unlink(DB);
	unlink(PLAIN_DB);
	return 0;
}

static void test_database_holds_the_trace(void **state)
{
	(void)state;
	assert_int_equal(tu_query_int(DB, "select count(*) from traces"), 4);  /* one per model of 10k_rps */
	assert_int_equal(tu_query_int(DB, "select count(*) from traces where truncated_at_ns is not null"), 0);
	assert_int_equal(tu_query_int(DB, "select count(*) from tracks t join runs r using(run_id) "
				       "where r.model='gmp' and t.kind='P'"), GOMAXPROCS);
	assert_int_equal(tu_query_int(DB, "select count(*) from tracks t join runs r using(run_id) "
				       "where r.model='threads' and t.kind='core'"), CORES);
	/* the event loop's 2 x cores loop threads are thread tracks, each of
	 * them asleep in epoll_wait (netpoll) at some point, as is the acceptor */
	assert_true(tu_query_int(DB, "select count(*) from tracks t join runs r using(run_id) "
				 "where r.model='eventloop' and t.kind='thread'") >= 2 * CORES);
	assert_int_equal(tu_query_int(DB, "select count(distinct s.track) from spans s join runs r using(run_id) "
				      "join tracks t using(run_id, track) where r.model='eventloop' and s.kind='netpoll'"),
			 2 * CORES + 1);
	assert_int_equal(tu_query_int(DB, "select sum(records) from traces"),
			 tu_query_int(DB, "select (select count(*) from spans) + (select count(*) from events)"));
	/* the readable view labels P spans by G */
	assert_true(tu_query_int(DB, "select count(*) from trace_spans where track_name='P0' and "
				  "label like 'running G%'") > 0);
	/* a run without --trace has none */
	assert_int_equal(tu_query_int(PLAIN_DB, "select count(*) from spans"), 0);
}

static void test_cli_limit_warns_and_marks_the_database(void **state)
{
	(void)state;
	const char *db = "build/tmp/gmpsim-test-trace-limit.db";
	unlink(db);
	int rc = tu_run_gmpsim(SCENARIO " " CLI_SETS " -q -m gmp --trace-limit 3000 -o build/tmp/gmpsim-test-trace-limit.db",
			 out, sizeof out);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "warning"));
	assert_non_null(strstr(out, "--trace-limit"));
	int64_t at = tu_query_int(db, "select truncated_at_ns from traces");
	assert_true(at > 0);
	char sql[128];
	snprintf(sql, sizeof sql, "select count(*) from spans where t1_ns > %lld", (long long)at);
	assert_int_equal(tu_query_int(db, sql), 0);
	assert_non_null(strstr(out, "ns)"));
	/* bad limits are usage errors */
	assert_int_equal(tu_run_gmpsim(SCENARIO " --trace-limit 0 -o /tmp/x.db", out, sizeof out), 2);
	assert_non_null(strstr(out, "--trace-limit"));
	assert_int_equal(tu_run_gmpsim(SCENARIO " --trace-limit lots -o /tmp/x.db", out, sizeof out), 2);
	unlink(db);
}

/* Loads a JSON file with jansson; fails the test on a parse error. */
static json_t *load_json(const char *path)
{
	json_error_t e;
	json_t *j = json_load_file(path, 0, &e);
	if (!j)
		fail_msg("%s:%d:%d: %s", path, e.line, e.column, e.text);
	return j;
}

/* The counters export derives from the spans (exact at every change), as
 * opposed to the sampled timeseries rows. */
static const char *const derived[] = {
	"busy cores", "Ps running a G", "spinning Ms", "running threads", "runnable threads",
	"running goroutines", "runnable goroutines", "waiting goroutines", "live goroutines", "live threads",
};

static bool is_derived(const char *name)
{
	for (size_t i = 0; i < sizeof derived / sizeof derived[0]; i++)
		if (strcmp(name, derived[i]) == 0)
			return true;
	return false;
}

/* Counts the non-metadata events but the derived counters and checks each
 * event's fields; fills names with the thread names (tracks). */
static int64_t check_events(json_t *root, json_t *thread_names)
{
	json_t *evs = json_object_get(root, "traceEvents");
	assert_true(json_is_array(evs));
	assert_string_equal(json_string_value(json_object_get(root, "displayTimeUnit")), "ns");
	int64_t n = 0;
	size_t i;
	json_t *e;
	json_array_foreach(evs, i, e) {
		const char *ph = json_string_value(json_object_get(e, "ph"));
		assert_non_null(ph);
		assert_true(json_is_integer(json_object_get(e, "pid")));
		if (strcmp(ph, "M") == 0) {
			if (strcmp(json_string_value(json_object_get(e, "name")), "thread_name") == 0)
				json_array_append(thread_names, json_object_get(json_object_get(e, "args"), "name"));
			continue;
		}
		n += !(strcmp(ph, "C") == 0 && is_derived(json_string_value(json_object_get(e, "name"))));
		assert_true(json_is_number(json_object_get(e, "ts")));
		assert_true(json_number_value(json_object_get(e, "ts")) >= 0);
		if (strcmp(ph, "X") == 0)
			assert_true(json_number_value(json_object_get(e, "dur")) > 0);
		else
			assert_true(strcmp(ph, "i") == 0 || strcmp(ph, "C") == 0);
	}
	return n;
}

/* Sum of the "X" events' durations, in ns. */
static double total_dur_ns(json_t *root)
{
	double sum = 0;
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(root, "traceEvents"), i, e)
		if (strcmp(json_string_value(json_object_get(e, "ph")), "X") == 0)
			sum += json_number_value(json_object_get(e, "dur")) * 1000.0;
	return sum;
}

static bool has_name(json_t *names, const char *name)
{
	size_t i;
	json_t *v;
	json_array_foreach(names, i, v)
		if (strcmp(json_string_value(v), name) == 0)
			return true;
	return false;
}

static void test_export_writes_chrome_trace_json(void **state)
{
	(void)state;
	unlink(JSON);
	int64_t gmp_run = tu_query_int(DB, "select run_id from runs where model='gmp'");
	char args[256];
	snprintf(args, sizeof args, "export " DB " --run %lld -o " JSON, (long long)gmp_run);
	int rc = tu_run_gmpsim(args, out, sizeof out);
	if (rc)
		fprintf(stderr, "%s\n", out);
	assert_int_equal(rc, 0);
	json_t *root = load_json(JSON), *names = json_array();
	int64_t n = check_events(root, names);
	char sql[256];
	snprintf(sql, sizeof sql, "select (select count(*) from spans where run_id=%lld) + "
		 "(select count(*) from events where run_id=%lld) + (select count(*) from timeseries "
		 "where run_id=%lld and value is not null)", (long long)gmp_run, (long long)gmp_run,
		 (long long)gmp_run);
	assert_int_equal(n, tu_query_int(DB, sql));
	/* ts and dur are exact microseconds: durations add up to the spans' */
	snprintf(sql, sizeof sql, "select sum(t1_ns - t0_ns) from spans where run_id=%lld", (long long)gmp_run);
	double want = (double)tu_query_int(DB, sql);
	assert_true(fabs(total_dur_ns(root) - want) < 1e-6 * want);
	for (int p = 0; p < GOMAXPROCS; p++) {
		char name[16];
		snprintf(name, sizeof name, "P%d", p);
		assert_true(has_name(names, name));
	}
	assert_false(has_name(names, "P4"));
	assert_true(has_name(names, "core 0") && has_name(names, "core 5") && has_name(names, "M0"));
	assert_int_equal((int64_t)json_array_size(names),
			 tu_query_int(DB, "select count(*) from tracks t join runs r using(run_id) where r.model='gmp'"));
	json_decref(names);
	json_decref(root);
	unlink(JSON);
}

static void test_export_splits_with_max_events(void **state)
{
	(void)state;
	int64_t run = tu_query_int(DB, "select run_id from runs where model='pool'");
	char args[256];
	snprintf(args, sizeof args, "export " DB " --run %lld -o build/tmp/gmpsim-test-split.json --max-events 5000",
		 (long long)run);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	int64_t total = 0;
	int parts = 0;
	for (;; parts++) {
		char path[64];
		snprintf(path, sizeof path, "build/tmp/gmpsim-test-split-%d.json", parts);
		if (!exists(path))
			break;
		json_t *root = load_json(path), *names = json_array();
		int64_t n = check_events(root, names);
		assert_true(n > 0 && n <= 5000);
		assert_true(has_name(names, "core 0"));  /* every part names its tracks */
		total += n;
		json_decref(names);
		json_decref(root);
		unlink(path);
	}
	assert_true(parts >= 2);
	char sql[256];
	snprintf(sql, sizeof sql, "select (select count(*) from spans where run_id=%lld) + "
		 "(select count(*) from events where run_id=%lld) + (select count(*) from timeseries "
		 "where run_id=%lld and value is not null)", (long long)run, (long long)run, (long long)run);
	assert_int_equal(total, tu_query_int(DB, sql));
}

/* Exports run `model` of DB into JSON and loads it. */
static json_t *export_model(const char *model)
{
	unlink(JSON);
	char sql[128], args[256];
	snprintf(sql, sizeof sql, "select run_id from runs where model='%s'", model);
	snprintf(args, sizeof args, "export " DB " --run %lld -o " JSON, (long long)tu_query_int(DB, sql));
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	json_t *root = load_json(JSON);
	unlink(JSON);
	return root;
}

static bool has_process(json_t *root, const char *name)
{
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(root, "traceEvents"), i, e)
		if (strcmp(json_string_value(json_object_get(e, "ph")), "M") == 0 &&
		    strcmp(json_string_value(json_object_get(e, "name")), "process_name") == 0 &&
		    strcmp(json_string_value(json_object_get(json_object_get(e, "args"), "name")), name) == 0)
			return true;
	return false;
}

/* One goroutine identity: every G a P or M span names ("G17") is the name
 * of a goroutine track, and each goroutine track is named by some P span. */
static void test_export_names_goroutines_alike(void **state)
{
	(void)state;
	json_t *root = export_model("gmp"), *names = json_array();
	check_events(root, names);
	size_t i;
	json_t *e;
	int named = 0;
	json_array_foreach(json_object_get(root, "traceEvents"), i, e) {
		const char *ph = json_string_value(json_object_get(e, "ph"));
		const char *name = json_string_value(json_object_get(e, "name"));
		if (strcmp(ph, "X") != 0 || name[0] != 'G')
			continue;
		if (!has_name(names, name))
			fail_msg("a P/M span names %s, which no goroutine track is called", name);
		named++;
	}
	assert_true(named > 100);
	json_decref(names);
	json_decref(root);
}

/* A 1:1 model has no Ps, Ms or goroutines: no such (empty) processes. */
static void test_export_declares_no_empty_process(void **state)
{
	(void)state;
	json_t *root = export_model("threads");
	assert_true(has_process(root, "cores") && has_process(root, "kernel threads"));
	assert_false(has_process(root, "Ps (GOMAXPROCS)"));
	assert_false(has_process(root, "Ms (Go threads)"));
	assert_false(has_process(root, "goroutines"));
	json_decref(root);
	root = export_model("gmp");
	assert_true(has_process(root, "Ps (GOMAXPROCS)") && has_process(root, "goroutines"));
	json_decref(root);
}

/* Counters from the spans change at every change, not every 100 ms: many
 * values within the first sample interval; and they obey the machine's
 * limits — never more busy cores than cores, never more running
 * goroutines than GOMAXPROCS (only a P runs a G), never negative. */
static void test_export_counters_are_fine(void **state)
{
	(void)state;
	json_t *root = export_model("gmp");
	size_t i;
	json_t *e;
	int early = 0, seen_running = 0;
	double max_threads = 0, max_live_gs = 0, last_threads = -1;
	json_array_foreach(json_object_get(root, "traceEvents"), i, e) {
		const char *ph = json_string_value(json_object_get(e, "ph"));
		const char *name = json_string_value(json_object_get(e, "name"));
		if (strcmp(ph, "C") != 0 || !is_derived(name))
			continue;
		double v = json_number_value(json_object_get(json_object_get(e, "args"), "value"));
		double ts = json_number_value(json_object_get(e, "ts"));
		assert_true(v >= 0);
		if (strcmp(name, "busy cores") == 0) {
			assert_true(v <= CORES);
			early += ts < 100000;  /* µs: the first 100 ms */
		}
		if (strcmp(name, "running goroutines") == 0 || strcmp(name, "Ps running a G") == 0) {
			assert_true(v <= GOMAXPROCS);
			seen_running++;
		}
		if (strcmp(name, "live threads") == 0) {
			max_threads = fmax(max_threads, v);
			last_threads = v;
		}
		if (strcmp(name, "live goroutines") == 0)
			max_live_gs = fmax(max_live_gs, v);
	}
	assert_true(early > 100);
	assert_true(seen_running > 100);
	/* live threads, counted off thread_create/thread_exit, end where the
	 * kernel's count ends (threads_end; no co-located load here) and peak
	 * no lower than the 100 ms samples saw; live goroutines reach at least
	 * the requests in flight at once (~ 10,000/s x 100 ms = 1,000) */
	assert_true(last_threads == (double)tu_query_int(DB, "select value from metrics m join runs r using(run_id) "
								 "where r.model='gmp' and m.name='threads_end'"));
	assert_true(max_threads >= (double)tu_query_int(DB, "select max(value) from timeseries t join runs r "
							  "using(run_id) where r.model='gmp' and t.name='threads'"));
	assert_true(max_live_gs > 500);
	json_decref(root);
}

static void expect_export_error(const char *args, const char *needle)
{
	unlink(JSON);
	int rc = tu_run_gmpsim(args, out, sizeof out);
	if (rc != 2 || !strstr(out, needle))
		fail_msg("gmpsim %s: exit %d, output: %s (expected '%s')", args, rc, out, needle);
	assert_false(exists(JSON));
}

static void test_export_errors_are_clear(void **state)
{
	(void)state;
	expect_export_error("export " PLAIN_DB " --run 1 -o " JSON, "re-run the scenario with --trace");
	expect_export_error("export " DB " --run 99 -o " JSON, "no such run");
	expect_export_error("export " DB " --run x -o " JSON, "--run: expected a positive integer, got 'x'");
	expect_export_error("export " DB " -o " JSON, "missing --run");
	expect_export_error("export " DB " --run 1", "missing -o");
	expect_export_error("export build/tmp/gmpsim-no-such.db --run 1 -o " JSON, "cannot open");
	char *junk = tu_write_temp("this is not a database, just text\n", ".db");
	char args[256];
	assert_non_null(junk);
	snprintf(args, sizeof args, "export %s --run 1 -o " JSON, junk ? junk : "");
	expect_export_error(args, "not a gmpsim results database");
	unlink(junk);
	free(junk);
	/* a results database cut short (a damaged copy) */
	const char *cut = "build/tmp/gmpsim-test-trace-cut.db";
	char cmd[256];
	snprintf(cmd, sizeof cmd, "head -c 65536 " DB " > %s", cut);
	assert_int_equal(system(cmd), 0);
	expect_export_error("export build/tmp/gmpsim-test-trace-cut.db --run 1 -o " JSON, "damaged");
	unlink(cut);
	/* an SQLite file that is not ours */
	const char *foreign = "build/tmp/gmpsim-test-foreign.db";
	unlink(foreign);
	sqlite3 *h;
	assert_int_equal(sqlite3_open(foreign, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "create table t(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	expect_export_error("export build/tmp/gmpsim-test-foreign.db --run 1 -o " JSON, "not a gmpsim results database");
	unlink(foreign);
}

/* trc_cover(st, obj, from, to) is, by definition, trc_set(st, obj) at
 * from then trc_set(TS_NONE) at to; the recorder does the usual case in
 * one step. Both ways, over random covers and sets on a few tracks
 * (adjacent equal intervals that merge, times that go back and are
 * clamped, covers over an open span, the record limit reached midway),
 * store the same spans in the same order and stop at the same time. */
static void test_cover_is_set_then_none(void **state)
{
	(void)state;
	const int64_t limits[] = { 40, 400, TRC_DEFAULT_LIMIT };
	for (int l = 0; l < 3; l++) {
		struct trc *a = trc_new(limits[l]), *b = trc_new(limits[l]);
		uint64_t x = 88172645463325252ull;  /* xorshift64 */
		sim_ns t[4] = { 0, 0, 0, 0 };
		for (int i = 0; i < 4000; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			int32_t id = (int32_t)(x % 4);
			enum trc_state st = (enum trc_state)(TS_TASK + (x >> 8) % 3);
			int64_t obj = (int64_t)((x >> 12) % 2);
			sim_ns from = t[id] - (sim_ns)((x >> 16) % 8 == 0 ? 5 : 0);  /* sometimes back in time */
			sim_ns to = from + (sim_ns)((x >> 20) % 4);  /* sometimes empty */
			if ((x >> 24) % 10 == 0) {  /* an open span that a cover then meets */
				trc_set(a, TRC_CORE, id, st, obj, from);
				trc_set(b, TRC_CORE, id, st, obj, from);
			} else {
				trc_cover(a, TRC_CORE, id, st, obj, from, to);
				if (to > from) {
					trc_set_rec(b, TRC_CORE, id, st, obj, from);
					trc_set_rec(b, TRC_CORE, id, TS_NONE, -1, to);
				}
			}
			t[id] = to > t[id] ? to : t[id];
		}
		trc_finish(a, 100000);
		trc_finish(b, 100000);
		assert_int_equal(trc_unpack(a), 0);
		assert_int_equal(trc_unpack(b), 0);
		assert_int_equal(a->nspans, b->nspans);
		assert_true(a->nspans > 20);
		assert_int_equal(trc_records(a), trc_records(b));
		assert_int_equal(trc_truncated_at(a), trc_truncated_at(b));
		assert_true((trc_truncated_at(a) >= 0) == (limits[l] < 1000));
		for (int64_t i = 0; i < a->nspans; i++) {
			const struct trc_span *p = &a->spans[i], *q = &b->spans[i];
			assert_true(p->t0 == q->t0 && p->t1 == q->t1 && p->obj == q->obj && p->track == q->track &&
				    p->state == q->state);
		}
		trc_free(a);
		trc_free(b);
	}
}

/* Track names ("core 3", "P2", "M5", "T17", "G42", "sched") are what
 * snprintf makes of the kind's prefix and the number, truncated alike to
 * any buffer length, for the extremes of the number too. */
static void test_track_names_are_printf_s(void **state)
{
	(void)state;
	static const char *const fmt[TRC_NTKINDS] = { "core %d", "P%d", "M%d", "T%d", "sched", "G%d" };
	const int32_t nums[] = { 0, 1, 9, 10, 17, 99, 100, 12345, INT32_MAX, -1, INT32_MIN };
	for (int k = 0; k < TRC_NTKINDS; k++)
		for (size_t n = 0; n < sizeof nums / sizeof nums[0]; n++)
			for (size_t len = 0; len <= 20; len++) {
				struct trc_track t = { .num = nums[n], .tkind = (uint8_t)k };
				char want[32] = "untouched", got[32] = "untouched";
				if (k == TRC_SCHED)
					snprintf(want, len, "%s", fmt[k]);
				else
					snprintf(want, len, fmt[k], nums[n]);
				trc_track_name(&t, got, len);
				assert_string_equal(got, want);
			}
}

int main(void)
{
	const struct CMUnitTest model[] = {
		cmocka_unit_test(test_gmp_has_a_track_per_p_m_and_core),
		cmocka_unit_test(test_gmp_events_match_its_counters),
		cmocka_unit_test(test_goroutine_spans_nest_in_m_and_p_spans),
		cmocka_unit_test(test_p_spans_follow_their_m),
		cmocka_unit_test(test_track_names_are_printf_s),
		cmocka_unit_test(test_cover_is_set_then_none),
		cmocka_unit_test(test_spans_never_overlap_within_a_track),
		cmocka_unit_test(test_span_time_agrees_with_cpu_metrics),
		cmocka_unit_test(test_threads_show_their_blocking_calls),
		cmocka_unit_test(test_traced_run_equals_untraced_run),
		cmocka_unit_test(test_trace_is_deterministic),
		cmocka_unit_test(test_limit_truncates_with_a_marker),
	};
	const struct CMUnitTest cli[] = {
		cmocka_unit_test(test_database_holds_the_trace),
		cmocka_unit_test(test_cli_limit_warns_and_marks_the_database),
		cmocka_unit_test(test_export_writes_chrome_trace_json),
		cmocka_unit_test(test_export_splits_with_max_events),
		cmocka_unit_test(test_export_names_goroutines_alike),
		cmocka_unit_test(test_export_declares_no_empty_process),
		cmocka_unit_test(test_export_counters_are_fine),
		cmocka_unit_test(test_export_errors_are_clear),
	};
	int failed = cmocka_run_group_tests_name("trace", model, NULL, NULL);
	return failed | cmocka_run_group_tests_name("trace_cli", cli, group_setup, group_teardown);
}
