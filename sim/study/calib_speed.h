/* sim/study/calib_speed.h — the speed reference of `gmpsim calibrate`: the
 * gate's REF line (analysis/calibrate/speedref.c: ns per multiply-add and per
 * cache-missing load, timed after each run's gate), and which runs were
 * measured in a slow host period — slower than the calibrate invocation's
 * fastest cpu figure by more than CALIB_REF_TOL_CPU, or than its median
 * mem figure by more than CALIB_REF_TOL_MEM — which
 * /proc/stat does not show on a guest without steal time. A slow run's
 * figures are left out of its family's medians when the family has a run at
 * speed. Must not: run programs (cmd_calibrate.c does). */
#ifndef GMPSIM_CALIB_SPEED_H
#define GMPSIM_CALIB_SPEED_H
#include <stdbool.h>
#include <stdio.h>

#include "calib.h"

#define CALIB_REF_TOL_CPU 0.15 /* 20 readings on a busy guest: 1.094-1.205 ns (10 %) */
#define CALIB_REF_TOL_MEM 0.25 /* 126-153 ns, +-10 % around the median, and one 48 */

/* Reads one line of `gate.sh --run`'s output into run: "GATE VERDICT PCT"
 * sets run->gate, "REF cpu_ns X mem_ns Y" run->ref_cpu and run->ref_mem.
 * Returns 1 when the line was one of them, else 0. */
int calib_gate_line(struct calib_run *run, const char *line);

/* Whether run k of family f was slow: its reference above the base of every
 * run in p (fastest cpu, median mem) by more than the tolerance (false when
 * it has no reference). */
bool calib_run_slow(const struct calib_profile *p, int f, int k);

/* Whether run k of family f counts in the medians: it is not slow, or every
 * run of its family is (then all count, and the header says so). */
bool calib_run_counts(const struct calib_profile *p, int f, int k);

/* The profile header's speed-reference block: each run's reference and the
 * SLOW runs, or that every run was at speed, or that there was none. */
void calib_speed_header(FILE *f, const struct calib_profile *p);

/* One "calibrate: warning: ..." line on f per slow run; returns their number. */
int calib_speed_warnings(FILE *f, const struct calib_profile *p);

#endif
