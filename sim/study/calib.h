/* sim/study/calib.h — the machine profile that `gmpsim calibrate` writes: which
 * measured figure becomes which scenario parameter (the calibration table),
 * reading the measurement programs' output, the statistics over runs, the
 * machine's facts from sysfs and procfs, and the profile's YAML text.
 *
 * Must not: run programs or print progress (sim/cli/cmd_calibrate.c does),
 * or know the scenario loader's internals: a profile is plain scenario
 * YAML, loaded with include: or --profile like any other file. */
#ifndef GMPSIM_CALIB_H
#define GMPSIM_CALIB_H
#include <stdbool.h>
#include <stdio.h>

enum calib_family { CALIB_KERNEL, CALIB_GO, CALIB_JAVA, CALIB_NFAMILIES };

#define CALIB_MAX_RUNS 16
#define CALIB_MAX_FIGURES 256
#define CALIB_KEY_CHARS 64
#define CALIB_NOTE_CHARS 256

/* One run of a family: every figure its programs printed, in ns or bytes. */
struct calib_run {
	int n;
	char key[CALIB_MAX_FIGURES][CALIB_KEY_CHARS];
	double value[CALIB_MAX_FIGURES];
	double background;  /* the largest "other processes N%" line, -1 if none */
	char gate[32];      /* the gate's verdict before the run: "ok 3", "noisy 120" */
	double ref_cpu, ref_mem; /* the speed reference after the gate (ns), 0 if none (calib_speed.h) */
};

/* A family's state after calibrate has tried it. */
struct calib_family_result {
	bool wanted;           /* chosen by --only (or all) */
	bool measured;         /* built and run at least once */
	char why[CALIB_NOTE_CHARS]; /* when not measured: why (skipped, failed build...) */
	char tool[CALIB_NOTE_CHARS]; /* the toolchain's version line, for the header */
	int nruns;
	struct calib_run runs[CALIB_MAX_RUNS];
};

struct calib_profile {
	const char *mode;      /* "full" or "quick" */
	char date[32];         /* UTC, "2026-12-06 06:40 UTC" */
	char virt[64];         /* systemd-detect-virt's answer, or why there is none */
	struct calib_family_result fam[CALIB_NFAMILIES];
};

/* The family's name as --only takes it ("kernel", "go", "java"), and back
 * (-1 for an unknown name). */
const char *calib_family_name(enum calib_family f);
int calib_family_parse(const char *name);

/* The parameters calibrate measures (the calibration table's keys, e.g.
 * "kernel.switch"), i from 0 to calib_param_count() - 1. */
int calib_param_count(void);
const char *calib_param_key(int i);

/* Adds the figure a line of a measurement program's output carries to run:
 * "SUMMARY key value unit ..." or "RESULT java key value unit ...", in ns
 * (us and ms converted) or bytes; a background line ("other processes N%",
 * "others used N%") raises run->background. Other lines are ignored.
 * Returns 1 when the line carried a figure, else 0. */
int calib_parse_line(struct calib_run *run, const char *line);

/* The median, 10th and 90th percentiles of x[0..n) (n >= 1; x is sorted in
 * place), by linear interpolation between order statistics (GSL). */
void calib_quantiles(double *x, int n, double *median, double *p10, double *p90);

/* Writes the profile's YAML: a header with the machine's facts, the gate's
 * verdicts and what was skipped; machine: from sysfs; and every parameter
 * of the calibration table whose family was measured, each with a comment
 * giving its median, its p10–p90 over the runs and the program that
 * measured it. Parameters not measured keep the defaults and are listed as
 * comments saying why. sysroot prefixes /sys and /proc paths ("" for the
 * real ones; tests pass a fake tree). Returns 0, or -1 on a write error. */
int calib_write_profile(FILE *f, const struct calib_profile *p, const char *sysroot);

/* The header's first line, which calib_write_profile always writes first. */
#define CALIB_PROFILE_MAGIC "# gmpsim machine profile, written by `gmpsim calibrate"

/* --costs-only: copies the profile calib_write_profile wrote (read from in,
 * called name in messages) to out without its machine: block and its
 * kernel.memory line — the machine's shape and memory, which a profile meant
 * as the shipped defaults must not carry (the table's 8 cores are a
 * modelling default, not the measuring VM's 2) — adding one header line
 * that says so. Everything else, comments included, is copied unchanged;
 * filtering a filtered profile changes nothing. Returns 0, or -1 with
 * "name:line:column: message" in err (input not written by calibrate) or a
 * read/write error. */
int calib_costs_only(FILE *in, const char *name, FILE *out, char *err, size_t errlen);

#endif
