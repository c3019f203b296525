/* sim/study/calib.c — the machine profile of `gmpsim calibrate`: the
 * calibration table (which measured figure becomes which parameter, and
 * what is subtracted so that the model does not count a cost twice), the
 * parsing of the measurement programs' SUMMARY / RESULT / background lines,
 * quantiles over runs, the machine's facts, and the YAML writer.
 *
 * Values are written rounded to two significant figures (run-to-run spread
 * on a quiet VM is ±10–25 %, analysis/measure/README.md); the comment keeps
 * the median to three. Must not run programs or print (cmd_calibrate.c). */
#include "calib.h"

#include <dirent.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "calib_speed.h"
#include "scenario.h"

enum calib_unit { CU_NS, CU_BYTES, CU_COUNT };

/* One row of the calibration table: param = figure + plus - minus -
 * minus_param + offset, per run, then the median over runs. */
struct calib_param {
	const char *key;          /* the scenario parameter */
	enum calib_family family;
	const char *figure;       /* the figure measured (SUMMARY key, or java.KEY of a RESULT line) */
	const char *plus, *minus; /* a figure of the same run added / subtracted, or NULL */
	const char *minus_param;  /* a parameter subtracted: its measured median, else its default */
	double offset;
	enum calib_unit unit;
	const char *program;      /* the program that measured it */
};

/* README "Default costs and where they come from" says why each row is what it is. */
static const struct calib_param calib_table[] = {
	{ "kernel.syscall", CALIB_KERNEL, "kernel.syscall", NULL, NULL, NULL, 0, CU_NS, "analysis/measure/syscall.c" },
	{ "kernel.switch", CALIB_KERNEL, "switch.futex.only", NULL, NULL, NULL, 0, CU_NS, "analysis/measure/switch.c" },
	{ "kernel.wake", CALIB_KERNEL, "wake.remote.warm", NULL, "wake.syscall", NULL, 0, CU_NS, "analysis/measure/wake.c" },
	{ "kernel.wake_idle", CALIB_KERNEL, "wake_idle.50us", NULL, "switch.futex.only", NULL, 0, CU_NS, "analysis/measure/wake_idle.c" },
	{ "kernel.wake_idle_deep", CALIB_KERNEL, "wake_idle.1ms", NULL, "switch.futex.only", NULL, 0, CU_NS, "analysis/measure/wake_idle.c" },
	{ "kernel.thread_create", CALIB_KERNEL, "create.cached.same", NULL, NULL, NULL, 0, CU_NS, "analysis/measure/thread_create.c" },
	{ "kernel.thread_exit", CALIB_KERNEL, "exit_cpu.cached.same", "start_cpu.cached.same", NULL, NULL, 0, CU_NS, "analysis/measure/thread_create.c" },
	{ "kernel.stack_touch", CALIB_KERNEL, "stack_commit.1MiB.committed", NULL, NULL, NULL, 0, CU_BYTES, "analysis/measure/stack_commit.c" },
	{ "models.gmp.newproc", CALIB_GO, "go.newproc.warm", NULL, NULL, NULL, 0, CU_NS, "analysis/measure/go/newproc" },
	{ "models.gmp.runqput", CALIB_GO, "go.runq.putget", NULL, NULL, NULL, 0, CU_NS, "analysis/measure/go/steal" },
	{ "models.gmp.steal", CALIB_GO, "go.runq.steal_empty", NULL, NULL, NULL, 0, CU_NS, "analysis/measure/go/steal" },
	{ "models.gmp.signal", CALIB_GO, "signal.remote.stolen", NULL, NULL, NULL, 0, CU_NS, "analysis/measure/go/signal.c" },
	/* gogo: the whole Gosched switch, as the default's provenance (the model
	 * charges schedule and runqput besides: README "Calibration"); netpoll:
	 * epoll_pwait(0) on a set holding one idle fd, as the runtime's holds its
	 * break pipe, kernel entry included (the model adds no kernel.syscall);
	 * gc: forced cycles with 1 P on a 64 MiB pointer-dense heap, process CPU
	 * (gctrace's worker time counts time other processes took), which
	 * includes the sweep the model charges apart */
	{ "models.gmp.gogo", CALIB_GO, "go.switch.gosched", NULL, NULL, NULL, 0, CU_NS, "analysis/measure/go/switch" },
	{ "models.gmp.netpoll", CALIB_GO, "go.netpoll0.1fd", NULL, NULL, NULL, 0, CU_NS, "analysis/measure/go/syscall" },
	{ "gc.go.mark_per_mib", CALIB_GO, "go.gc.cpu_per_mib.64MiB", NULL, NULL, "gc.go.sweep_per_mib", 0, CU_NS, "analysis/measure/go/gcmark" },
	{ "gc.go.stack_scan", CALIB_GO, "go.gc.stack_scan", NULL, NULL, NULL, 0, CU_NS, "analysis/measure/go/gcmark" },
	{ "gc.go.sweep_term", CALIB_GO, "go.gc.bg_sweep_term", NULL, NULL, NULL, 0, CU_NS, "analysis/measure/go/gcmark" },
	{ "gc.go.mark_term", CALIB_GO, "go.gc.bg_mark_term", NULL, NULL, NULL, 0, CU_NS, "analysis/measure/go/gcmark" },
	{ "jvm.start", CALIB_JAVA, "java.creator_cpu", NULL, NULL, "kernel.thread_create", 0, CU_NS, "analysis/measure/JavaThreadPhases.java" },
	{ "jvm.thread_init", CALIB_JAVA, "java.child_init_cpu", NULL, NULL, "jvm.thread_entry", 0, CU_NS, "analysis/measure/JavaThreadPhases.java" },
	{ "jvm.thread_exit", CALIB_JAVA, "java.exit_and_rest_cpu", NULL, NULL, "kernel.thread_exit", 0, CU_NS, "analysis/measure/JavaThreadPhases.java" },
	{ "jvm.threads", CALIB_JAVA, "java.vm_threads", NULL, NULL, NULL, -1, CU_COUNT, "analysis/measure/JavaThreadPhases.java" },
	{ "jvm.stack_touch", CALIB_JAVA, "java.thread.rss", NULL, NULL, NULL, 0, CU_BYTES, "analysis/measure/ThreadCreate.java" },
};

#define NPARAMS ((int)(sizeof calib_table / sizeof calib_table[0]))

int calib_param_count(void)
{
	return NPARAMS;
}

const char *calib_param_key(int i)
{
	return calib_table[i].key;
}

static const char *const family_names[CALIB_NFAMILIES] = { "kernel", "go", "java" };

const char *calib_family_name(enum calib_family f)
{
	return family_names[f];
}

int calib_family_parse(const char *name)
{
	for (int f = 0; f < CALIB_NFAMILIES; f++)
		if (strcmp(name, family_names[f]) == 0)
			return f;
	return -1;
}

/* ---- reading the programs' output --------------------------------------------------- */

/* The multiplier from unit to ns or bytes; 0 for a unit that is neither a
 * time nor a size nor a count. */
static double unit_scale(const char *unit)
{
	static const struct { const char *name; double scale; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "B", 1 },
		{ "thr", 1 }, { "threads", 1 },
	};
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(unit, units[i].name) == 0)
			return units[i].scale;
	return 0;
}

static int add_figure(struct calib_run *run, const char *key, double value)
{
	if (run->n == CALIB_MAX_FIGURES)
		return 0;
	snprintf(run->key[run->n], CALIB_KEY_CHARS, "%s", key);
	run->value[run->n++] = value;
	return 1;
}

/* "other processes 12% of a CPU" (C and Go programs) or "others used 1.8%
 * of one CPU" (JavaThreadPhases). */
static void parse_background(struct calib_run *run, const char *line)
{
	static const char *const marks[] = { "other processes ", "others used " };
	for (int i = 0; i < 2; i++) {
		const char *at = strstr(line, marks[i]);
		if (!at)
			continue;
		char *end;
		double pct = strtod(at + strlen(marks[i]), &end);
		if (end != at + strlen(marks[i]) && *end == '%' && pct > run->background)
			run->background = pct;
	}
}

int calib_parse_line(struct calib_run *run, const char *line)
{
	char w0[16], w1[CALIB_KEY_CHARS], w2[CALIB_KEY_CHARS], w3[32], w4[16], key[CALIB_KEY_CHARS];
	int n = sscanf(line, "%15s %63s %63s %31s %15s", w0, w1, w2, w3, w4);
	char *end;
	parse_background(run, line);
	if (n >= 4 && strcmp(w0, "SUMMARY") == 0) {
		double v = strtod(w2, &end), scale = unit_scale(w3);
		return *end == '\0' && scale > 0 ? add_figure(run, w1, v * scale) : 0;
	}
	if (n == 5 && strcmp(w0, "RESULT") == 0) {
		double v = strtod(w3, &end), scale = unit_scale(w4);
		if (*end || scale <= 0 || (size_t)snprintf(key, sizeof key, "%s.%s", w1, w2) >= sizeof key)
			return 0;
		return add_figure(run, key, v * scale);
	}
	return 0;
}

void calib_quantiles(double *x, int n, double *median, double *p10, double *p90)
{
	gsl_sort(x, 1, (size_t)n);
	*median = gsl_stats_quantile_from_sorted_data(x, 1, (size_t)n, 0.5);
	*p10 = gsl_stats_quantile_from_sorted_data(x, 1, (size_t)n, 0.1);
	*p90 = gsl_stats_quantile_from_sorted_data(x, 1, (size_t)n, 0.9);
}

/* ---- from figures to parameters ------------------------------------------------------- */

static bool run_figure(const struct calib_run *run, const char *key, double *v)
{
	for (int i = 0; i < run->n; i++)
		if (strcmp(run->key[i], key) == 0) {
			*v = run->value[i];
			return true;
		}
	return false;
}

/* A parameter's default, in ns or bytes, from the parameter table (a
 * minimal scenario loaded once); NAN when unknown. */
static double default_of(const char *key)
{
	static const char *const minimal =
		"name: defaults\nduration: 1s\nmodels: { gmp: }\n"
		"workload: { r: { arrival: { poisson: 1/s }, program: [ { cpu: 1ms } ] } }\n";
	struct scenario sc;
	char err[256];
	double v = NAN;
	if (sc_load_string("defaults", minimal, NULL, 0, &sc, err, sizeof err))
		return v;
	for (int i = 0; i < sc.nparams; i++)
		if (strcmp(sc.params[i].key, key) == 0)
			v = strtod(sc.params[i].value, NULL);
	sc_free(&sc);
	return v;
}

/* What calibrate concluded about one parameter. */
struct calib_value {
	bool measured;
	int nruns;
	double median, p10, p90;
	double minus_value;     /* minus_param's value used, or NAN */
	bool minus_measured;    /* minus_param came from this profile */
};

static int param_index(const char *key)
{
	for (int i = 0; i < NPARAMS; i++)
		if (strcmp(calib_table[i].key, key) == 0)
			return i;
	return -1;
}

/* The value minus_param contributes: the median measured here (rows are
 * computed in table order, so a kernel row is ready before a java row), or
 * the default. */
static double minus_param_value(const struct calib_param *r, const struct calib_value *vals, bool *measured)
{
	int i = r->minus_param ? param_index(r->minus_param) : -1;
	*measured = i >= 0 && vals[i].measured;
	if (!r->minus_param)
		return 0;
	return *measured ? vals[i].median : default_of(r->minus_param);
}

/* Over the runs that count: a run measured in a slow host period does not
 * when its family has one at speed (calib_speed.h). */
static void compute_param(const struct calib_param *r, const struct calib_profile *p,
			  struct calib_value *vals, struct calib_value *out)
{
	const struct calib_family_result *fam = &p->fam[r->family];
	double x[CALIB_MAX_RUNS];
	int n = 0;
	double sub = minus_param_value(r, vals, &out->minus_measured);
	out->minus_value = r->minus_param ? sub : NAN;
	for (int k = 0; fam->measured && k < fam->nruns; k++) {
		const struct calib_run *run = &fam->runs[k];
		double v, plus = 0, minus = 0;
		if (!calib_run_counts(p, (int)r->family, k) || !run_figure(run, r->figure, &v) || (r->plus && !run_figure(run, r->plus, &plus)) ||
		    (r->minus && !run_figure(run, r->minus, &minus)))
			continue;
		x[n++] = v + plus - minus - sub + r->offset;
	}
	out->nruns = n;
	out->measured = n > 0 && !isnan(sub);
	if (out->measured)
		calib_quantiles(x, n, &out->median, &out->p10, &out->p90);
}

/* ---- writing ------------------------------------------------------------------------- */

/* x rounded to two significant figures. */
static double round2(double x)
{
	if (x <= 0)
		return 0;
	double mag = pow(10, floor(log10(x)) - 1);
	return round(x / mag) * mag;
}

/* x to digits significant figures, never in exponent form ("100", not "1e+02"). */
static void fmt_sig(double x, int digits, const char *unit, char *buf, size_t len)
{
	if (x >= pow(10, digits))
		snprintf(buf, len, "%.0f%s", x, unit);
	else
		snprintf(buf, len, "%.*g%s", digits, x, unit);
}

/* A duration (ns) in the largest unit it is at least 1 of, to digits figures. */
static void fmt_ns(double ns, int digits, char *buf, size_t len)
{
	if (ns >= 1e9)
		fmt_sig(ns / 1e9, digits, "s", buf, len);
	else if (ns >= 1e6)
		fmt_sig(ns / 1e6, digits, "ms", buf, len);
	else if (ns >= 1e3)
		fmt_sig(ns / 1e3, digits, "us", buf, len);
	else
		fmt_sig(ns, digits, "ns", buf, len);
}

static void fmt_value(enum calib_unit u, double v, char *buf, size_t len)
{
	double r = round2(v);
	if (u == CU_NS && r < 1e3)
		snprintf(buf, len, "%.0fns", r); /* whole ns: the loader's durations are integers */
	else if (u == CU_NS)
		fmt_ns(r, 2, buf, len);
	else
		snprintf(buf, len, "%.0f", u == CU_COUNT ? round(v) : r);
}

static void fmt_stat(enum calib_unit u, double v, char *buf, size_t len)
{
	if (u == CU_NS)
		fmt_ns(v, 3, buf, len);
	else
		snprintf(buf, len, "%.*f%s", u == CU_COUNT ? 0 : 0, v, u == CU_BYTES ? " B" : "");
}

/* The comment after a measured value: median, spread, program and figure. */
static void value_comment(const struct calib_param *r, const struct calib_value *v, char *buf, size_t len)
{
	char med[32], lo[32], hi[32], how[160] = "";
	fmt_stat(r->unit, v->median, med, sizeof med);
	fmt_stat(r->unit, v->p10, lo, sizeof lo);
	fmt_stat(r->unit, v->p90, hi, sizeof hi);
	size_t used = (size_t)snprintf(how, sizeof how, "%s", r->figure);
	if (r->plus)
		used += (size_t)snprintf(how + used, sizeof how - used, " + %s", r->plus);
	if (r->minus)
		used += (size_t)snprintf(how + used, sizeof how - used, " - %s", r->minus);
	if (r->minus_param) {
		char mv[32];
		fmt_stat(CU_NS, v->minus_value, mv, sizeof mv);
		used += (size_t)snprintf(how + used, sizeof how - used, " - %s (%s, %s)", r->minus_param, mv,
					 v->minus_measured ? "measured here" : "default");
	}
	if (r->offset != 0)
		snprintf(how + used, sizeof how - used, " %+g", r->offset);
	if (v->nruns == 1)
		snprintf(buf, len, "median %s (1 run: no spread); %s: %s", med, r->program, how);
	else
		snprintf(buf, len, "median %s, p10-p90 %s-%s over %d runs; %s: %s", med, lo, hi, v->nruns,
			 r->program, how);
}

/* The section a key lives in ("kernel", "models.gmp", "gc.go", "jvm") and its leaf. */
static const char *leaf_of(const char *key, const char *section)
{
	size_t n = strlen(section);
	return strncmp(key, section, n) == 0 && key[n] == '.' && !strchr(key + n + 1, '.') ? key + n + 1 : NULL;
}

static void write_param(FILE *f, const struct calib_param *r, const struct calib_value *v,
			const struct calib_profile *p, const char *leaf, const char *indent)
{
	const struct calib_family_result *fam = &p->fam[r->family];
	char val[32], comment[600];
	if (v->measured) {
		fmt_value(r->unit, v->median < 0 ? 0 : v->median, val, sizeof val);
		value_comment(r, v, comment, sizeof comment);
		fprintf(f, "%s%s: %-8s # %s%s\n", indent, leaf, val, comment,
			v->median < 0 ? " (negative: written as 0)" : "");
	} else if (!fam->measured) {
		fprintf(f, "%s# %s: not measured (%s): the default stays\n", indent, leaf, fam->why);
	} else {
		fprintf(f, "%s# %s: not measured (%s printed no %s): the default stays\n", indent, leaf,
			r->program, r->figure);
	}
}

static void write_section(FILE *f, const char *section, const struct calib_value *vals,
			  const struct calib_profile *p, const char *indent)
{
	for (int i = 0; i < NPARAMS; i++) {
		const char *leaf = leaf_of(calib_table[i].key, section);
		if (leaf)
			write_param(f, &calib_table[i], &vals[i], p, leaf, indent);
	}
}

/* ---- the machine's facts ----------------------------------------------------------- */

static FILE *open_at(const char *sysroot, const char *path)
{
	char full[512];
	snprintf(full, sizeof full, "%s%s", sysroot, path);
	return fopen(full, "r");
}

/* The first line of sysroot+path without its newline, or "" */
static void read_line(const char *sysroot, const char *path, char *buf, size_t len)
{
	FILE *f = open_at(sysroot, path);
	buf[0] = '\0';
	if (f && fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	if (f)
		fclose(f);
}

/* The CPUs in a sysfs list such as "0-3,8-11". */
static int count_cpu_list(const char *s)
{
	int n = 0;
	while (*s) {
		char *end;
		long a = strtol(s, &end, 10), b = a;
		if (end == s)
			break;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		n += (int)(b - a + 1);
		s = *end == ',' ? end + 1 : end;
		if (*end != ',')
			break;
	}
	return n;
}

/* The field's value in a "key : value" file such as /proc/cpuinfo. */
static void read_field(const char *sysroot, const char *path, const char *field, char *buf, size_t len)
{
	FILE *f = open_at(sysroot, path);
	char line[512];
	buf[0] = '\0';
	while (f && fgets(line, sizeof line, f)) {
		if (strncmp(line, field, strlen(field)) != 0)
			continue;
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		colon += strspn(colon + 1, " \t") + 1;
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(buf, len, "%s", colon);
		break;
	}
	if (f)
		fclose(f);
}

#define CALIB_MAX_NODES 64

/* NUMA node ids under sysroot/sys/devices/system/node, sorted. */
static int numa_nodes(const char *sysroot, int *ids)
{
	char dir[512];
	snprintf(dir, sizeof dir, "%s/sys/devices/system/node", sysroot);
	DIR *d = opendir(dir);
	int n = 0;
	for (struct dirent *e; d && (e = readdir(d)) && n < CALIB_MAX_NODES;) {
		char *end;
		long id = strncmp(e->d_name, "node", 4) == 0 ? strtol(e->d_name + 4, &end, 10) : -1;
		if (id >= 0 && end != e->d_name + 4 && *end == '\0')
			ids[n++] = (int)id;
	}
	if (d)
		closedir(d);
	for (int i = 1; i < n; i++) /* insertion sort: a handful of nodes */
		for (int j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
			int t = ids[j];
			ids[j] = ids[j - 1];
			ids[j - 1] = t;
		}
	return n;
}

static void write_numa(FILE *f, const char *sysroot, int cores)
{
	int ids[CALIB_MAX_NODES], n = numa_nodes(sysroot, ids);
	if (n <= 1) {
		fprintf(f, "  numa:\n    nodes: 1   # %s\n", n ? "one node in /sys/devices/system/node" :
			"no /sys/devices/system/node: taken as one node");
		return;
	}
	if (cores % n) {
		fprintf(f, "  # numa: %d nodes do not divide %d cores evenly, which the model needs: left out\n", n, cores);
		return;
	}
	fprintf(f, "  numa:\n    nodes: %d   # /sys/devices/system/node/node*\n", n);
	fprintf(f, "    distance:   # /sys/devices/system/node/node*/distance (SLIT)\n");
	for (int i = 0; i < n; i++) {
		char path[128], row[1024];
		snprintf(path, sizeof path, "/sys/devices/system/node/node%d/distance", ids[i]);
		read_line(sysroot, path, row, sizeof row);
		fprintf(f, "      - [");
		char *save, *tok = strtok_r(row, " \t", &save);
		for (int j = 0; tok; j++, tok = strtok_r(NULL, " \t", &save))
			fprintf(f, "%s%s", j ? ", " : "", tok);
		fprintf(f, "]\n");
	}
}

static void write_machine(FILE *f, const char *sysroot)
{
	char online[256], mem[64];
	read_line(sysroot, "/sys/devices/system/cpu/online", online, sizeof online);
	int cores = count_cpu_list(online);
	fprintf(f, "machine:\n");
	if (cores > 0)
		fprintf(f, "  cores: %d   # /sys/devices/system/cpu/online: %s\n", cores, online);
	else
		fprintf(f, "  # cores: /sys/devices/system/cpu/online unreadable: the default stays\n");
	if (cores > 0)
		write_numa(f, sysroot, cores);
	read_field(sysroot, "/proc/meminfo", "MemTotal", mem, sizeof mem);
	long long kib = atoll(mem);
	fprintf(f, "kernel:\n");
	if (kib > 0)
		fprintf(f, "  memory: %lldKiB   # MemTotal in /proc/meminfo\n", kib);
}

/* ---- the header ------------------------------------------------------------------- */

/* Gate verdicts over every run: how many passed, and the worst background. */
static void gate_summary(const struct calib_profile *p, int *runs, int *passed, double *worst)
{
	*runs = *passed = 0;
	*worst = -1;
	for (int fi = 0; fi < CALIB_NFAMILIES; fi++)
		for (int k = 0; k < p->fam[fi].nruns; k++) {
			const struct calib_run *r = &p->fam[fi].runs[k];
			++*runs;
			*passed += strncmp(r->gate, "ok", 2) == 0;
			if (r->background > *worst)
				*worst = r->background;
		}
}

static void write_gates(FILE *f, const struct calib_profile *p)
{
	int runs, passed;
	double worst;
	gate_summary(p, &runs, &passed, &worst);
	fprintf(f, "# quiet-machine gate (analysis/calibrate/gate.sh: others' CPU <= 15%% of a CPU over 1 s):\n");
	for (int fi = 0; fi < CALIB_NFAMILIES; fi++) {
		const struct calib_family_result *fam = &p->fam[fi];
		if (!fam->nruns)
			continue;
		fprintf(f, "#   %-6s", family_names[fi]);
		for (int k = 0; k < fam->nruns; k++)
			fprintf(f, "%s run %d gate %s, background %.0f%%", k ? ";" : "", k + 1, fam->runs[k].gate,
				fam->runs[k].background < 0 ? 0 : fam->runs[k].background);
		fprintf(f, "\n");
	}
	if (runs && passed == runs && worst <= 25)
		fprintf(f, "# QUIET: the gate passed before all %d runs; other processes used at most %.0f%% of a CPU during them\n",
			runs, worst < 0 ? 0 : worst);
	else if (runs)
		fprintf(f, "# NOISY: the gate passed before %d of %d runs; other processes used up to %.0f%% of a CPU\n"
			"# during the runs: these figures are inflated and spread; re-run on a quiet machine\n",
			passed, runs, worst < 0 ? 0 : worst);
}

static void write_header(FILE *f, const struct calib_profile *p, const char *sysroot)
{
	char cpu[256];
	struct utsname u;
	read_field(sysroot, "/proc/cpuinfo", "model name", cpu, sizeof cpu);
	fprintf(f, CALIB_PROFILE_MAGIC "%s` on %s\n",
		strcmp(p->mode, "quick") == 0 ? " --quick" : "", p->date);
	fprintf(f, "# use: gmpsim SCENARIO.yaml --profile THIS.yaml, or `include: THIS.yaml` in a scenario\n");
	fprintf(f, "# (precedence: defaults < --profile < include: < the scenario's own values < --set)\n");
	fprintf(f, "# cpu:    %s\n", cpu[0] ? cpu : "unknown (no model name in /proc/cpuinfo)");
	if (uname(&u) == 0)
		fprintf(f, "# kernel: %s %s %s\n", u.sysname, u.release, u.machine);
	fprintf(f, "# virt:   %s\n", p->virt[0] ? p->virt : "unknown");
	for (int fi = 0; fi < CALIB_NFAMILIES; fi++) {
		const struct calib_family_result *fam = &p->fam[fi];
		fprintf(f, "# %-6s  %s%s%s\n", family_names[fi], fam->measured ? "measured" : "NOT MEASURED: ",
			fam->measured ? (fam->tool[0] ? " with " : "") : fam->why, fam->measured ? fam->tool : "");
	}
	write_gates(f, p);
	calib_speed_header(f, p);
	fprintf(f, "# every value: the median over the runs (rounded to 2 significant figures), with its\n"
		   "# median, p10-p90 across runs and the program that measured it in the comment\n\n");
}

int calib_write_profile(FILE *f, const struct calib_profile *p, const char *sysroot)
{
	struct calib_value vals[NPARAMS];
	memset(vals, 0, sizeof vals);
	for (int i = 0; i < NPARAMS; i++)
		compute_param(&calib_table[i], p, vals, &vals[i]);
	write_header(f, p, sysroot);
	write_machine(f, sysroot);
	write_section(f, "kernel", vals, p, "  ");
	fprintf(f, "models:\n  gmp:   # applies when a scenario runs gmp: a profile never enables a model\n");
	write_section(f, "models.gmp", vals, p, "    ");
	fprintf(f, "gc:\n  go:   # the gmp model's collector\n");
	write_section(f, "gc.go", vals, p, "    ");
	fprintf(f, "jvm:   # the 1:1 models' runtime: java\n");
	write_section(f, "jvm", vals, p, "  ");
	fflush(f);
	return ferror(f) ? -1 : 0;
}

/* ---- --costs-only ------------------------------------------------------------------ */

#define COSTS_ONLY_NOTE "# --costs-only: machine: (cores, NUMA) and kernel.memory left out: the machine's shape\n" \
	"# and memory stay the scenario's or the parameter table's\n"

/* Whether a line of the profile is dropped: the machine: block (its key and
 * every indented line after it) and kernel:'s memory line. section is the
 * top-level key the line is under, updated here. */
static bool costs_only_drops(const char *line, char *section, size_t len)
{
	if (line[0] != ' ' && line[0] != '#' && line[0] != '\n') {
		snprintf(section, len, "%.*s", (int)strcspn(line, ":\n"), line);
		return strcmp(section, "machine") == 0;
	}
	if (line[0] != ' ')
		return false;
	return strcmp(section, "machine") == 0 ||
	       (strcmp(section, "kernel") == 0 && strncmp(line, "  memory:", 9) == 0);
}

int calib_costs_only(FILE *in, const char *name, FILE *out, char *err, size_t errlen)
{
	char *line = NULL, section[64] = "";
	size_t cap = 0;
	int lineno = 0, rc = 0;
	while (rc == 0 && getline(&line, &cap, in) > 0) {
		lineno++;
		if (lineno == 1 && strncmp(line, CALIB_PROFILE_MAGIC, strlen(CALIB_PROFILE_MAGIC)) != 0) {
			snprintf(err, errlen, "%s:1:1: not a profile written by gmpsim calibrate (its first line "
				 "is not \"%s...\")", name, CALIB_PROFILE_MAGIC);
			rc = -1;
			break;
		}
		if (lineno == 2 && strncmp(line, COSTS_ONLY_NOTE, strcspn(COSTS_ONLY_NOTE, "\n")) != 0)
			fputs(COSTS_ONLY_NOTE, out);
		if (!costs_only_drops(line, section, sizeof section))
			fputs(line, out);
	}
	free(line);
	if (rc == 0 && ferror(in))
		rc = -1, snprintf(err, errlen, "%s: read error", name);
	else if (rc == 0 && lineno == 0)
		rc = -1, snprintf(err, errlen, "%s:1:1: empty: not a profile written by gmpsim calibrate", name);
	if (rc == 0 && lineno == 1)
		fputs(COSTS_ONLY_NOTE, out);
	if (rc == 0 && (fflush(out) || ferror(out)))
		rc = -1, snprintf(err, errlen, "write error");
	return rc;
}
