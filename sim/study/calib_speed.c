/* sim/study/calib_speed.c — the speed reference of `gmpsim calibrate` (see
 * calib_speed.h): parsing the gate's REF line, judging each run against the
 * whole invocation's runs (cpu: the fastest; mem: the median, see
 * base_refs), and the header block and warnings that say which runs were
 * slow. A host that is slower for every run is not caught (there is
 * nothing faster to compare with); one slow period among the runs is. */
#include "calib_speed.h"

#include <math.h>
#include <string.h>

int calib_gate_line(struct calib_run *run, const char *line)
{
	char verdict[16], pct[16];
	double cpu, mem;
	if (sscanf(line, "GATE %15s %15s", verdict, pct) == 2) {
		snprintf(run->gate, sizeof run->gate, "%s %s", verdict, pct);
		return 1;
	}
	if (sscanf(line, "REF cpu_ns %lf mem_ns %lf", &cpu, &mem) == 2 && cpu > 0 && mem > 0 && isfinite(cpu) &&
	    isfinite(mem)) {
		run->ref_cpu = cpu, run->ref_mem = mem;
		return 1;
	}
	return 0;
}

/* The references runs are judged against: the fastest cpu figure of every
 * run of p (a core runs no faster than its clock, so the fastest is the
 * host at speed) and the median mem figure (the host's cache contention
 * moves the pointer chase both ways: one of 20 readings on this VM was 48
 * ns among 126-153, and the fastest would mark every other run slow). 0
 * when no run has one. */
static void base_refs(const struct calib_profile *p, double *cpu, double *mem)
{
	double m[CALIB_NFAMILIES * CALIB_MAX_RUNS], lo, hi;
	int n = 0;
	*cpu = *mem = 0;
	for (int f = 0; f < CALIB_NFAMILIES; f++)
		for (int k = 0; k < p->fam[f].nruns; k++) {
			const struct calib_run *r = &p->fam[f].runs[k];
			if (r->ref_cpu > 0 && (*cpu == 0 || r->ref_cpu < *cpu))
				*cpu = r->ref_cpu;
			if (r->ref_mem > 0)
				m[n++] = r->ref_mem;
		}
	if (n)
		calib_quantiles(m, n, mem, &lo, &hi);
}

/* How much slower than the base, as a fraction (0.2: 20 % slower). */
static double excess(double v, double base)
{
	return v > 0 && base > 0 ? v / base - 1 : 0;
}

bool calib_run_slow(const struct calib_profile *p, int f, int k)
{
	double cpu, mem;
	const struct calib_run *r = &p->fam[f].runs[k];
	base_refs(p, &cpu, &mem);
	return excess(r->ref_cpu, cpu) > CALIB_REF_TOL_CPU || excess(r->ref_mem, mem) > CALIB_REF_TOL_MEM;
}

static int slow_count(const struct calib_profile *p, int f)
{
	int n = 0;
	for (int k = 0; k < p->fam[f].nruns; k++)
		n += calib_run_slow(p, f, k);
	return n;
}

bool calib_run_counts(const struct calib_profile *p, int f, int k)
{
	return !calib_run_slow(p, f, k) || slow_count(p, f) == p->fam[f].nruns;
}

/* "cpu 1.11 ns (+2%) mem 125 ns (+0%)" for run r: its excess over the base. */
static void ref_text(const struct calib_run *r, double cpu, double mem, char *buf, size_t len)
{
	snprintf(buf, len, "cpu %.2f ns (+%.0f%%) mem %.0f ns (+%.0f%%)", r->ref_cpu, 100 * excess(r->ref_cpu, cpu),
		 r->ref_mem, 100 * excess(r->ref_mem, mem));
}

static void write_slow(FILE *f, const struct calib_profile *p, int fi, int k, double cpu, double mem)
{
	char ref[96];
	const struct calib_family_result *fam = &p->fam[fi];
	int slow = slow_count(p, fi);
	ref_text(&fam->runs[k], cpu, mem, ref, sizeof ref);
	fprintf(f, "# SLOW: %s run %d: speed reference %s: the host was slower\n"
		   "#   (a noisy neighbour, a lower clock: /proc/stat shows neither); ",
		calib_family_name(fi), k + 1, ref);
	if (slow < fam->nruns)
		fprintf(f, "its figures are left out of the medians (%d of %d %s runs kept)\n", fam->nruns - slow,
			fam->nruns, calib_family_name(fi));
	else
		fprintf(f, "every %s run was slow: all are kept; re-run calibrate\n", calib_family_name(fi));
}

void calib_speed_header(FILE *f, const struct calib_profile *p)
{
	double cpu, mem;
	base_refs(p, &cpu, &mem);
	if (cpu == 0) {
		fprintf(f, "# speed reference: none (gate.sh printed no REF line: speedref not built)\n");
		return;
	}
	fprintf(f, "# speed reference (analysis/calibrate/speedref.c after each gate; ns per multiply-add and per\n"
		   "# cache-missing load; SLOW: over %.0f%% above the fastest cpu or %.0f%% above the median mem\n"
		   "# of this calibrate's runs):\n",
		100 * CALIB_REF_TOL_CPU, 100 * CALIB_REF_TOL_MEM);
	int slow = 0;
	for (int fi = 0; fi < CALIB_NFAMILIES; fi++) {
		const struct calib_family_result *fam = &p->fam[fi];
		if (!fam->nruns)
			continue;
		fprintf(f, "#   %-6s", calib_family_name(fi));
		for (int k = 0; k < fam->nruns; k++) {
			char ref[96];
			ref_text(&fam->runs[k], cpu, mem, ref, sizeof ref);
			fprintf(f, "%s run %d %s", k ? ";" : "", k + 1, fam->runs[k].ref_cpu > 0 ? ref : "none");
		}
		fprintf(f, "\n");
		for (int k = 0; k < fam->nruns; k++)
			if (calib_run_slow(p, fi, k))
				write_slow(f, p, fi, k, cpu, mem), slow++;
	}
	if (!slow)
		fprintf(f, "# AT SPEED: every run's speed reference within %.0f%% / %.0f%% (fastest cpu %.2f ns, median mem %.0f ns)\n",
			100 * CALIB_REF_TOL_CPU, 100 * CALIB_REF_TOL_MEM, cpu, mem);
}

int calib_speed_warnings(FILE *f, const struct calib_profile *p)
{
	double cpu, mem;
	int n = 0;
	base_refs(p, &cpu, &mem);
	for (int fi = 0; fi < CALIB_NFAMILIES; fi++)
		for (int k = 0; k < p->fam[fi].nruns; k++) {
			if (!calib_run_slow(p, fi, k))
				continue;
			char ref[96];
			ref_text(&p->fam[fi].runs[k], cpu, mem, ref, sizeof ref);
			fprintf(f, "calibrate: warning: %s run %d ran on a slower host (speed reference %s); %s\n",
				calib_family_name(fi), k + 1, ref,
				calib_run_counts(p, fi, k) ? "every run of the family was slow: kept; re-run calibrate"
							   : "its figures are left out of the medians");
			n++;
		}
	return n;
}
