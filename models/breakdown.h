/* models/breakdown.h — the `gmpsim explain` figures of one run (issue 15):
 * each completed request's time breakdown (sim/core/tb.h) and the
 * service's CPU by cause (kernel.h, enum cpu_cause), as metrics:
 *
 *   tb_<part>_sum   ns   the part summed over the window's completed requests
 *                        (integers: the parts' sums add up to tb_latency_sum exactly)
 *   tb_<part>_mean  ns   its mean per request (the means add up to latency_mean)
 *   tb_<part>_p99   ns   its share of the p99: latency_p99 x (the part's sum over the
 *                        requests at or above the p99) / (their latencies' sum)
 *   tb_latency_sum, tb_tail_requests, tb_unbalanced (requests whose parts did not
 *                        add up: always 0 unless the accounting has a bug)
 *   cpu_cause_<cause>   ns   the service's CPU of that cause in the window
 *                            (they add up to the busy CPU, cpu_task + ... + cpu_gc, exactly)
 *   cpu_per_req_<cause> us   the same per completed request
 * Must not print or write files. */
#ifndef GMPSIM_BREAKDOWN_H
#define GMPSIM_BREAKDOWN_H
#include "run.h"

/* The causes as reported (several kernel.h causes may share one). */
enum bd_cause { BD_USER, BD_SWITCH, BD_WAKE, BD_THREAD, BD_SYSCALL, BD_SCHED, BD_GC, BD_LOCKSPIN,
		BD_OTHER, BD_COUNT };
extern const char *const bd_cause_name[BD_COUNT];

/* The reported cause of a kernel.h cause. */
enum bd_cause bd_cause_of(enum cpu_cause cz);
/* The service's CPU per kernel.h cause so far (every core, accounted to now). */
void bd_cause_now(struct kern *k, sim_ns out[CZ_COUNT]);
/* Writes the metrics above; run after the latency metrics (it reads latency_p99). */
void bd_metrics(struct run *r, struct run_result *res);

#endif
