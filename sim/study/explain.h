/* sim/study/explain.h — `gmpsim explain`: where each model's time and CPU go,
 * and the difference between two models attributed to its causes (issue 15).
 *
 * Reads the breakdown metrics of models/breakdown.h from a results
 * database: per request, the mean and the p99 of each time part (accept
 * wait, scheduler wait, running, overhead, network, syscall, channel,
 * mutex, sleep, join, GC), and the CPU per completed request of each cause
 * (user work, switches, wake-ups, thread create/exit, syscalls,
 * scheduling, GC, lock spinning, other). Models of one (scenario,
 * point_id) are compared with the reference run by run (same seed and
 * rep: common random numbers), as gmpsim compare does: the difference of
 * each part with a 95% t-interval over the repetitions.
 * Must not write to the database or run simulations.
 */
#ifndef GMPSIM_EXPLAIN_H
#define GMPSIM_EXPLAIN_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "qtable.h"

struct ex_opts {
	const int64_t *runs;  /* only these run_ids (nruns 0: every complete run) */
	int nruns;
	const char *ref;      /* reference model; NULL: gmp if present, else the first alphabetically */
	enum qt_format format;
};

/* Writes the report (QT_ALIGNED) or its rows (CSV, JSON) for db_path.
 * Returns 0; or -1 with a one-line message naming the file in err (not
 * a gmpsim database, no complete runs, no breakdown metrics, an unknown
 * run or reference model). */
int ex_report(const char *db_path, const struct ex_opts *o, FILE *out, char *err, size_t errlen);

/* One attributed part of a difference. */
struct ex_part { int index; double diff; };

/* The parts of diff[0..n) sorted by decreasing |diff| (ties: lower index
 * first) into out[0..n); parts whose diff is 0 or not finite are left out.
 * Returns how many were kept. */
int ex_rank(const double *diff, int n, struct ex_part *out);

/* "+41.0 us CPU per request (thread create/exit +28.0, switches +9.0); p99
 * +3.10ms (scheduler wait +2.60ms, accept wait +0.40ms)" for one model
 * against the reference, its `top` largest causes each: cpu[] and p99[]
 * are the model's per-cause CPU (us per request, bd_cause order) and
 * p99 parts (ns, tb order), ref_* the reference's; total CPU and p99 are
 * their sums. NAN values are skipped. */
void ex_sentence(char *buf, size_t len, const double *cpu, const double *ref_cpu,
		 const double *p99, const double *ref_p99, int top);

/* Readable names of the causes (bd_cause order) and of the time parts (tb order). */
extern const char *const ex_cause_label[];
extern const char *const ex_part_label[];

#endif
