/* models/heap.c — GC pause and heap bookkeeping shared by the collectors,
 * and the run's GC metrics (see heap.h). Must not model a collector. */
#include "heap.h"
#include "grow.h"
#include "run.h"
#include "stats.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static bool in_window(const struct run *r, sim_ns t) { return t >= r->sc->warmup; }

void heap_pause(struct run *r, sim_ns start, sim_ns d)
{
	struct heap_stats *h = &r->heap;
	if (!in_window(r, start))
		return;
	GROW(h->pause, h->npause + 1, h->cappause, 64, "GC pauses");
	h->pause[h->npause++] = d;
}

void heap_cycle(struct run *r)
{
	if (in_window(r, r->sim.now))
		r->heap.cycles++;
}

void heap_in_use(struct run *r, int64_t bytes)
{
	r->heap.now = bytes;
	if (bytes > r->heap.peak)
		r->heap.peak = bytes;
}

void heap_metrics(struct run *r, struct run_result *res, double window_s)
{
	struct heap_stats *h = &r->heap;
	int64_t n = h->npause, total = 0;
	for (int64_t i = 0; i < n; i++)
		total += h->pause[i];
	res_metric(res, "gc_cycles", (double)h->cycles, "count");
	res_metric(res, "gc_pauses", (double)n, "count");
	if (n > 0)
		stats_sort_ns(h->pause, n);
	res_metric(res, "gc_pause_p50", n ? stats_quantile_sorted(h->pause, n, 0.50) : NAN, "ns");
	res_metric(res, "gc_pause_p99", n ? stats_quantile_sorted(h->pause, n, 0.99) : NAN, "ns");
	res_metric(res, "gc_pause_max", n ? (double)h->pause[n - 1] : NAN, "ns");
	res_metric(res, "gc_pause_total", (double)total, "ns");
	res_metric(res, "gc_pause_share", (double)total / 1e9 / window_s, "ratio");
	res_metric(res, "gc_cpu_share", res_get_metric(res, "cpu_gc") / (window_s * r->kern.ncores), "ratio");
	res_metric(res, "gc_assists", (double)h->assists, "count");
	res_metric(res, "gc_stack_shrinks", (double)h->shrinks, "count");
	res_metric(res, "heap_peak", (double)h->peak, "B");
	res_metric(res, "heap_allocated", (double)r->wl.heap_allocated, "B");
}

void heap_free(struct heap_stats *h)
{
	free(h->pause);
	h->pause = NULL;
	h->npause = h->cappause = 0;
}
