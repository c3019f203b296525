/* models/breakdown.c — the `gmpsim explain` metrics of one run (breakdown.h). */
#include "breakdown.h"
#include <math.h>
#include <stdio.h>

const char *const bd_cause_name[BD_COUNT] = {
	[BD_USER] = "user", [BD_SWITCH] = "switch", [BD_WAKE] = "wake", [BD_THREAD] = "thread",
	[BD_SYSCALL] = "syscall", [BD_SCHED] = "sched", [BD_GC] = "gc", [BD_LOCKSPIN] = "lockspin",
	[BD_OTHER] = "other",
};

enum bd_cause bd_cause_of(enum cpu_cause cz)
{
	static const uint8_t of[CZ_COUNT] = {
		[CZ_USER] = BD_USER, [CZ_RT_SCHED] = BD_SCHED, [CZ_RT_THREAD] = BD_THREAD,
		[CZ_RT_OTHER] = BD_OTHER, [CZ_K_SWITCH] = BD_SWITCH, [CZ_K_WAKE] = BD_WAKE,
		[CZ_K_THREAD] = BD_THREAD, [CZ_K_SYSCALL] = BD_SYSCALL, [CZ_K_QUEUE] = BD_SCHED,
		[CZ_K_OTHER] = BD_OTHER,
		[CZ_SPIN_SCHED] = BD_SCHED, [CZ_SPIN_LOCK] = BD_LOCKSPIN, [CZ_GC] = BD_GC,
	};
	return (enum bd_cause)of[cz];
}

void bd_cause_now(struct kern *k, sim_ns out[CZ_COUNT])
{
	kern_account(k);
	for (int c = 0; c < CZ_COUNT; c++)
		out[c] = kern_cause_ns(k, (enum cpu_cause)c);
}

static void metric(struct run_result *res, const char *a, const char *b, const char *c,
		   double v, const char *unit)
{
	char name[64];
	snprintf(name, sizeof name, "%s%s%s", a, b, c);
	res_metric(res, name, v, unit);
}

/* Sums and means of the parts (summed as they came); the p99's parts
 * from the tail at or above it, the only records decoded. */
static void time_metrics(const struct wl_stats *st, struct run_result *res)
{
	int64_t n = st->nlat;
	sim_ns tail[TB_COUNT] = { 0 }, total = 0, tail_total = 0;
	int64_t ntail = 0;
	double p99 = res_get_metric(res, "latency_p99");
	const sim_ns *sum = st->tb_sum;
	for (int p = 0; p < TB_COUNT; p++)
		total += sum[p];
	const uint8_t *at = st->tb;
	for (int64_t i = 0; !isnan(p99) && i < n; i++) {
		sim_ns lat;
		size_t len = tb_record_read(at, &lat, NULL);
		if ((double)lat >= p99) {
			sim_ns part[TB_COUNT];
			tb_record_read(at, &lat, part);
			ntail++;
			tail_total += lat;
			for (int p = 0; p < TB_COUNT; p++)
				tail[p] += part[p];
		}
		at += len;
	}
	res_metric(res, "tb_latency_sum", (double)total, "ns");
	res_metric(res, "tb_tail_requests", (double)ntail, "count");
	res_metric(res, "tb_unbalanced", (double)st->tb_unbalanced, "count");
	if (n == 0)
		return;
	for (int p = 0; p < TB_COUNT; p++) {
		metric(res, "tb_", tb_part_name[p], "_sum", (double)sum[p], "ns");
		metric(res, "tb_", tb_part_name[p], "_mean", (double)sum[p] / (double)n, "ns");
		double share = tail_total > 0 ? (double)tail[p] / (double)tail_total : 0;
		metric(res, "tb_", tb_part_name[p], "_p99", p99 * share, "ns");
	}
}

static void cpu_cause_metrics(struct run *r, struct run_result *res)
{
	sim_ns now[CZ_COUNT], by[BD_COUNT] = { 0 };
	bd_cause_now(&r->kern, now);
	for (int c = 0; c < CZ_COUNT; c++)
		by[bd_cause_of((enum cpu_cause)c)] += now[c] - r->window.cause[c];
	double done = (double)r->wl.st.top_completed;
	for (int c = 0; c < BD_COUNT; c++) {
		metric(res, "cpu_cause_", bd_cause_name[c], "", (double)by[c], "ns");
		metric(res, "cpu_per_req_", bd_cause_name[c], "", done > 0 ? (double)by[c] / 1e3 / done : NAN, "us");
	}
}

void bd_metrics(struct run *r, struct run_result *res)
{
	time_metrics(&r->wl.st, res);
	cpu_cause_metrics(r, res);
}
