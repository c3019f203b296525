/* sim/cli/cmd_calibrate.c — `gmpsim calibrate [-o PROFILE.yaml] [--quick]
 * [--only kernel|go|java] [--costs-only [--from RUN.yaml]]`: measures this
 * machine and writes a machine profile (sim/study/calib.c) that scenarios
 * take with --profile or include:; --costs-only leaves the machine's shape
 * out, and with --from re-emits an earlier run's profile that way without
 * measuring (how analysis/profiles/default.yaml is made). For each family
 * it finds the toolchain (C always; Go 1.19 and Java 17 where installed,
 * else a line saying what was skipped and why),
 * builds the programs with analysis/calibrate/measure.sh into a temporary
 * directory, and runs them N times (3, or 1 with --quick), each run behind
 * the quiet-machine gate (analysis/calibrate/gate.sh), with a progress line.
 *
 * The scripts are found next to the binary (a source tree after `make`),
 * under ../share/gmpsim (after `make install`), or in
 * $GMPSIM_CALIBRATE_DIR (the tests' fake measurement backend). Must not:
 * interpret figures (calib.c does), or write a profile when a measurement
 * failed. */
#include "cmd_calibrate.h"
#include "cli.h"
#include "calib.h"
#include "calib_speed.h"

#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CMD "calibrate"
#define FULL_RUNS 3
#define RUN_TIMEOUT_S 300

struct calib_cli {
	const char *output;  /* NULL: stdout */
	bool quick;
	bool costs_only;     /* no machine: block, no kernel.memory */
	const char *from;    /* with costs_only: filter this profile instead of measuring */
	bool only[CALIB_NFAMILIES];
	bool any_only;
	char scripts[PATH_MAX];  /* the directory of measure.sh and gate.sh */
	char work[PATH_MAX];     /* temporary build directory */
	int steps, done;         /* progress */
	time_t start;
};

static void calibrate_usage(FILE *f)
{
	fprintf(f,
		"usage: gmpsim calibrate [-o PROFILE.yaml] [--quick] [--only kernel|go|java]... [--costs-only]\n"
		"       gmpsim calibrate --costs-only --from RUN.yaml [-o PROFILE.yaml]\n"
		"\n"
		"Measures this machine's costs with the programs in analysis/measure (C always;\n"
		"Go 1.19 and Java 17 where their toolchains are installed) and writes a machine\n"
		"profile: scenario YAML with machine: (cores, NUMA nodes and distances from sysfs),\n"
		"kernel: costs, models.gmp and gc.go costs (Go) and jvm: costs, each value\n"
		"commented with its median, p10-p90 over the runs and the program that\n"
		"measured it. Use it with `gmpsim SCENARIO.yaml --profile PROFILE.yaml` or\n"
		"`include: PROFILE.yaml`.\n"
		"\n"
		"  -o, --output FILE   write the profile to FILE (replaced atomically; default stdout)\n"
		"      --quick         one run per family instead of %d (no spread), ThreadCreate left out\n"
		"      --only FAMILY   measure only kernel, go or java (repeatable); the others keep\n"
		"                      the defaults\n"
		"      --costs-only    leave out machine: (cores, NUMA) and kernel.memory: a profile of\n"
		"                      costs only, as analysis/profiles/default.yaml (the shipped\n"
		"                      defaults keep the table's modelling machine, 8 cores)\n"
		"      --from RUN.yaml with --costs-only: measure nothing, filter the profile an earlier\n"
		"                      calibrate wrote (everything else, comments included, unchanged)\n"
		"  -h, --help          this help\n"
		"\n"
		"Each run waits for a quiet machine (others' CPU <= GATE_MAX%% of a CPU, default 15,\n"
		"over 1 s; GATE_TRIES samples, default 3 or 1 with --quick), then runs anyway; the\n"
		"profile's header records every verdict. After the gate each run times a speed\n"
		"reference (analysis/calibrate/speedref.c); a run over 15%% slower than the fastest\n"
		"(cpu) or 25%% than the median (mem) is marked SLOW and left out of the medians when its family has a\n"
		"run at speed (a slow host period /proc/stat cannot show). Toolchains: CC (default cc), GO (default\n"
		"go on PATH, else /usr/lib/go-1.19/bin/go), JAVA and JAVAC (default on PATH).\n"
		"GMPSIM_CALIBRATE_DIR replaces the directory of measure.sh and gate.sh.\n"
		"\n"
		"exit status: 0 written, 1 a measurement failed (nothing written), 2 bad usage\n",
		FULL_RUNS);
}

/* ---- finding things ---------------------------------------------------------------- */

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The directory holding measure.sh: $GMPSIM_CALIBRATE_DIR, else
 * analysis/calibrate next to the binary, else ../share/gmpsim beside it. */
static int find_scripts(struct calib_cli *c)
{
	const char *env = getenv("GMPSIM_CALIBRATE_DIR");
	char exe[PATH_MAX], probe[PATH_MAX + 64];
	if (env && *env) {
		snprintf(c->scripts, sizeof c->scripts, "%s", env);
		return 0;
	}
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return cli_error(CMD, EXIT_FAIL, "cannot find the binary's directory (/proc/self/exe)");
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	static const char *const places[] = { "analysis/calibrate", "../share/gmpsim/analysis/calibrate" };
	for (int i = 0; i < 2; i++) {
		snprintf(probe, sizeof probe, "%s/%s/measure.sh", exe, places[i]);
		if (is_file(probe)) {
			snprintf(c->scripts, sizeof c->scripts, "%.3000s/%s", exe, places[i]);
			return 0;
		}
	}
	return cli_error(CMD, EXIT_FAIL, "cannot find analysis/calibrate/measure.sh next to %s or in "
			 "%s/../share/gmpsim (run `make` in the source tree, or `make install`)", exe, exe);
}

/* s in single quotes for sh; false when it does not fit. */
static bool quote(const char *s, char *out, size_t len)
{
	size_t j = 0;
	out[j++] = '\'';
	for (; *s && j + 5 < len; s++) {
		if (*s == '\'') {
			memcpy(out + j, "'\\''", 4);
			j += 4;
		} else {
			out[j++] = *s;
		}
	}
	out[j++] = '\'';
	out[j] = '\0';
	return *s == '\0';
}

/* The first line a shell command prints (stderr too), or "" */
static void first_line(const char *cmd, char *buf, size_t len)
{
	FILE *p = popen(cmd, "r");
	buf[0] = '\0';
	if (!p)
		return;
	if (fgets(buf, (int)len, p))
		buf[strcspn(buf, "\n")] = '\0';
	while (fgetc(p) != EOF)
		;
	pclose(p);
}

/* The path of an executable: name as is when it has a '/', else found on PATH. */
static bool find_tool(const char *name, char *out, size_t len)
{
	if (strchr(name, '/')) {
		snprintf(out, len, "%s", name);
		return access(name, X_OK) == 0;
	}
	const char *path = getenv("PATH");
	while (path && *path) {
		size_t n = strcspn(path, ":");
		snprintf(out, len, "%.*s/%s", (int)n, path, name);
		if (n && access(out, X_OK) == 0 && is_file(out))
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);
	return v && *v ? v : fallback;
}

/* ---- toolchains -------------------------------------------------------------------- */

static bool find_cc(struct calib_family_result *fam)
{
	char cc[PATH_MAX], q[PATH_MAX + 8], cmd[PATH_MAX + 32];
	const char *name = env_or("CC", "cc");
	if (!find_tool(name, cc, sizeof cc)) {
		snprintf(fam->why, sizeof fam->why, "skipped: no C compiler (%s%s not found)",
			 getenv("CC") ? "CC=" : "", name);
		return false;
	}
	setenv("CC", cc, 1);
	quote(cc, q, sizeof q);
	snprintf(cmd, sizeof cmd, "%s --version 2>&1", q);
	first_line(cmd, fam->tool, sizeof fam->tool);
	return true;
}

static bool find_go(struct calib_family_result *fam)
{
	char go[PATH_MAX], q[PATH_MAX + 8], cmd[PATH_MAX + 32];
	const char *env = getenv("GO");
	bool found = env && *env ? find_tool(env, go, sizeof go)
				 : find_tool("go", go, sizeof go) || find_tool("/usr/lib/go-1.19/bin/go", go, sizeof go);
	if (!found) {
		snprintf(fam->why, sizeof fam->why, "skipped: %s%.100s", env && *env ? "GO does not name an executable: GO=" : "", env && *env ? env
			 : "no Go toolchain (no go on PATH, no /usr/lib/go-1.19/bin/go; apt-get install golang-1.19-go)");
		return false;
	}
	quote(go, q, sizeof q);
	snprintf(cmd, sizeof cmd, "%s version 2>&1", q);
	first_line(cmd, fam->tool, sizeof fam->tool);
	if (!strstr(fam->tool, "go1.19")) {
		snprintf(fam->why, sizeof fam->why, "skipped: %.80s is not Go 1.19 (it says '%.60s'); the gmp model is "
			 "Go 1.19's: set GO to a Go 1.19 toolchain", go, fam->tool);
		return false;
	}
	setenv("GO", go, 1);
	return true;
}

static bool find_java(struct calib_family_result *fam)
{
	char java[PATH_MAX], javac[PATH_MAX], q[PATH_MAX + 8], cmd[PATH_MAX + 32];
	const char *jn = env_or("JAVA", "java"), *cn = env_or("JAVAC", "javac");
	if (!find_tool(jn, java, sizeof java) || !find_tool(cn, javac, sizeof javac)) {
		snprintf(fam->why, sizeof fam->why, "skipped: no Java 17 toolchain (%s not found; "
			 "apt-get install openjdk-17-jdk-headless)", find_tool(jn, java, sizeof java) ? cn : jn);
		return false;
	}
	quote(java, q, sizeof q);
	snprintf(cmd, sizeof cmd, "%s -version 2>&1", q);
	first_line(cmd, fam->tool, sizeof fam->tool);
	if (!strstr(fam->tool, "\"17")) {
		snprintf(fam->why, sizeof fam->why, "skipped: %.100s is not Java 17 (it says '%.80s'): set JAVA and JAVAC",
			 java, fam->tool);
		return false;
	}
	setenv("JAVA", java, 1);
	setenv("JAVAC", javac, 1);
	return true;
}

/* ---- running ----------------------------------------------------------------------- */

static void progress(struct calib_cli *c, const char *what)
{
	enum { WIDTH = 20 };
	int fill = c->steps ? c->done * WIDTH / c->steps : 0;
	char bar[WIDTH + 1];
	for (int i = 0; i < WIDTH; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[WIDTH] = '\0';
	fprintf(stderr, "calibrate [%s] %d/%d %3lds  %s\n", bar, c->done, c->steps, (long)(time(NULL) - c->start), what);
}

/* "sh 'DIR/script' ARGS" into cmd. */
static void script_cmd(const struct calib_cli *c, const char *script, const char *args, char *cmd, size_t len)
{
	char path[PATH_MAX + 32], q[2 * PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", c->scripts, script);
	quote(path, q, sizeof q);
	snprintf(cmd, len, "sh %.4100s %.8250s", q, args);
}

/* Builds family f into work/f; false with fam->why set when it failed. */
static bool build_family(struct calib_cli *c, enum calib_family f, struct calib_family_result *fam)
{
	char args[3 * PATH_MAX], dir[PATH_MAX + 16], q[2 * PATH_MAX + 32], cmd[4 * PATH_MAX];
	snprintf(dir, sizeof dir, "%.4000s/%s", c->work, calib_family_name(f));
	quote(dir, q, sizeof q);
	snprintf(args, sizeof args, "%s build %.4100s >%.4100s.build.log 2>&1", calib_family_name(f), q, q);
	script_cmd(c, "measure.sh", args, cmd, sizeof cmd);
	if (system(cmd) == 0)
		return true;
	snprintf(fam->why, sizeof fam->why, "the build failed: see %.180s.build.log", dir);
	return false;
}

/* The gate's verdict and speed reference (calib_speed.h) into run. */
static void run_gate(struct calib_cli *c, struct calib_run *run)
{
	char cmd[2 * PATH_MAX], line[256];
	script_cmd(c, "gate.sh", "--run 2>&1", cmd, sizeof cmd);
	snprintf(run->gate, sizeof run->gate, "noisy ?");
	FILE *p = popen(cmd, "r");
	while (p && fgets(line, sizeof line, p))
		calib_gate_line(run, line);
	if (p)
		pclose(p);
}

/* Builds gate.sh's speed reference into work/speedref and names it in
 * SPEEDREF; without a C compiler or when the build fails, the gate prints
 * no REF line and the header says there was none. */
static void build_speedref(struct calib_cli *c)
{
	char args[3 * PATH_MAX], q[2 * PATH_MAX + 32], cmd[4 * PATH_MAX], ref[PATH_MAX + 32];
	struct calib_family_result cc;
	memset(&cc, 0, sizeof cc);
	unsetenv("SPEEDREF");
	if (!find_cc(&cc))
		return;
	quote(c->work, q, sizeof q);
	snprintf(args, sizeof args, "speedref build %.4100s >%.4100s/speedref.build.log 2>&1", q, q);
	script_cmd(c, "measure.sh", args, cmd, sizeof cmd);
	snprintf(ref, sizeof ref, "%s/speedref", c->work);
	if (system(cmd) == 0)
		setenv("SPEEDREF", ref, 1);
}

/* One run of family f into run; the programs' output is kept in work/f.runK.log.
 * False when it printed no figure at all. */
static bool run_family(struct calib_cli *c, enum calib_family f, int k, struct calib_run *run)
{
	char args[3 * PATH_MAX], dir[PATH_MAX + 16], q[2 * PATH_MAX + 32], cmd[4 * PATH_MAX], log[PATH_MAX + 32];
	snprintf(dir, sizeof dir, "%s/%s", c->work, calib_family_name(f));
	snprintf(log, sizeof log, "%s.run%d.log", dir, k + 1);
	quote(dir, q, sizeof q);
	snprintf(args, sizeof args, "%s run %.4100s 2>&1", calib_family_name(f), q);
	script_cmd(c, "measure.sh", args, cmd, sizeof cmd);
	char timed[4 * PATH_MAX + 32];
	snprintf(timed, sizeof timed, "timeout -k 5 %d %s", RUN_TIMEOUT_S, cmd);
	run->background = -1;
	FILE *p = popen(timed, "r"), *out = fopen(log, "w");
	char line[1024];
	int figures = 0;
	while (p && fgets(line, sizeof line, p)) {
		figures += calib_parse_line(run, line);
		if (out)
			fputs(line, out);
	}
	if (p)
		pclose(p);
	if (out)
		fclose(out);
	return figures > 0;
}

static int runs_of(const struct calib_cli *c)
{
	return c->quick ? 1 : FULL_RUNS;
}

static bool toolchain(enum calib_family f, struct calib_family_result *fam)
{
	return f == CALIB_KERNEL ? find_cc(fam) : f == CALIB_GO ? find_go(fam) : find_java(fam);
}

/* Builds and runs family f; false when it was tried and failed. */
static bool measure_family(struct calib_cli *c, enum calib_family f, struct calib_family_result *fam)
{
	char what[CALIB_NOTE_CHARS + 64];
	snprintf(what, sizeof what, "%s: building", calib_family_name(f));
	progress(c, what);
	bool ok = build_family(c, f, fam);
	c->done++;
	for (int k = 0; ok && k < runs_of(c); k++) {
		snprintf(what, sizeof what, "%s: run %d of %d (gate, then the programs)", calib_family_name(f), k + 1,
			 runs_of(c));
		progress(c, what);
		struct calib_run *run = &fam->runs[fam->nruns];
		memset(run, 0, sizeof *run);
		run_gate(c, run);
		if (!run_family(c, f, k, run)) {
			snprintf(fam->why, sizeof fam->why, "run %d printed no figures: see %.160s/%s.run%d.log", k + 1,
				 c->work, calib_family_name(f), k + 1);
			ok = false;
		}
		fam->nruns += ok;
		c->done++;
	}
	fam->measured = ok;
	return ok;
}

/* Decides which families run, says which are skipped and why. */
static void plan(struct calib_cli *c, struct calib_profile *p)
{
	for (int f = 0; f < CALIB_NFAMILIES; f++) {
		struct calib_family_result *fam = &p->fam[f];
		fam->wanted = !c->any_only || c->only[f];
		if (!fam->wanted) {
			snprintf(fam->why, sizeof fam->why, "skipped: not chosen by --only");
		} else if (!toolchain(f, fam)) {
			fam->wanted = false;
		} else {
			c->steps += 1 + runs_of(c);
			continue;
		}
		fprintf(stderr, "calibrate: %s %s; its parameters keep their defaults\n", calib_family_name(f), fam->why);
	}
}

/* ---- output ------------------------------------------------------------------------ */

/* The measured profile through the --costs-only filter, into f. */
static int emit_costs_only(const struct calib_profile *p, FILE *f, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	int rc = mem ? calib_write_profile(mem, p, "") : -1;
	if (mem && fclose(mem))
		rc = -1;
	FILE *in = rc == 0 ? fmemopen(buf, len, "r") : NULL;
	rc = in ? calib_costs_only(in, "the profile", f, err, errlen) : (snprintf(err, errlen, "out of memory"), -1);
	if (in)
		fclose(in);
	free(buf);
	return rc;
}

/* The profile to f: --from's file filtered, or the measured one (filtered
 * with --costs-only). -1 with err set on failure. */
static int emit(const struct calib_cli *c, const struct calib_profile *p, FILE *f, char *err, size_t errlen)
{
	if (c->from) {
		FILE *in = fopen(c->from, "r");
		if (!in) {
			snprintf(err, errlen, "%s: %s", c->from, strerror(errno));
			return -1;
		}
		int rc = calib_costs_only(in, c->from, f, err, errlen);
		fclose(in);
		return rc;
	}
	if (c->costs_only)
		return emit_costs_only(p, f, err, errlen);
	if (calib_write_profile(f, p, "") == 0)
		return 0;
	snprintf(err, errlen, "write error");
	return -1;
}

static int write_out(const struct calib_cli *c, const struct calib_profile *p)
{
	char err[1024];
	if (!c->output)
		return emit(c, p, stdout, err, sizeof err) ? cli_error(CMD, EXIT_USAGE, "%s", err) : 0;
	char tmp[PATH_MAX + 16];
	snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", c->output);
	int fd = mkstemp(tmp);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd), unlink(tmp);
		return cli_error(CMD, EXIT_USAGE, "%s: cannot write: %s", c->output, strerror(errno));
	}
	int rc = emit(c, p, f, err, sizeof err);
	int closed = fclose(f);
	if (rc) {
		unlink(tmp);
		return cli_error(CMD, EXIT_USAGE, "%s; %s not written", err, c->output);
	}
	if (closed == 0 && chmod(tmp, 0644) == 0 && rename(tmp, c->output) == 0)
		return 0;
	int e = errno;
	unlink(tmp);
	return cli_error(CMD, EXIT_USAGE, "%s: cannot write: %s", c->output, strerror(e));
}

/* Refuses, before minutes of measuring, an output whose directory cannot be written. */
static int check_output(const struct calib_cli *c)
{
	if (!c->output)
		return 0;
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", c->output);
	char *slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		snprintf(dir, sizeof dir, ".");
	struct stat st;
	if (stat(c->output, &st) == 0 && !S_ISREG(st.st_mode))
		return cli_error(CMD, EXIT_USAGE, "%s: not a regular file", c->output);
	if (access(dir, W_OK) != 0)
		return cli_error(CMD, EXIT_USAGE, "%s: cannot write in %s: %s", c->output, dir, strerror(errno));
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* ---- the command ------------------------------------------------------------------- */

static int parse_args(struct calib_cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, 0, 'o' }, { "quick", no_argument, 0, 'Q' },
		{ "only", required_argument, 0, 'O' },   { "help", no_argument, 0, 'h' },
		{ "costs-only", no_argument, 0, 'C' },   { "from", required_argument, 0, 'F' }, { 0, 0, 0, 0 },
	};
	optind = 1;
	for (int opt; (opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1;) {
		int f;
		switch (opt) {
		case 'o': c->output = optarg; break;
		case 'Q': c->quick = true; break;
		case 'C': c->costs_only = true; break;
		case 'F': c->from = optarg; break;
		case 'O':
			if ((f = calib_family_parse(optarg)) < 0)
				return cli_usage_error(CMD, "--only: expected kernel, go or java, got '%s'", optarg);
			c->only[f] = c->any_only = true;
			break;
		case 'h': calibrate_usage(stdout); exit(0);
		default: return cli_try_help(CMD);
		}
	}
	if (optind != argc)
		return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
	if (c->from && !c->costs_only)
		return cli_usage_error(CMD, "--from filters an earlier profile: it needs --costs-only");
	if (c->from && (c->quick || c->any_only))
		return cli_usage_error(CMD, "--from measures nothing: --quick and --only do not apply");
	return 0;
}

static void machine_facts(struct calib_cli *c, struct calib_profile *p)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(p->date, sizeof p->date, "%Y-%m-%d %H:%M UTC", &tm);
	p->mode = c->quick ? "quick" : "full";
	char tool[PATH_MAX];
	if (find_tool("systemd-detect-virt", tool, sizeof tool)) {
		first_line("systemd-detect-virt 2>/dev/null", p->virt, sizeof p->virt);
		char *end = p->virt + strlen(p->virt);
		snprintf(end, sizeof p->virt - (size_t)(end - p->virt), " (systemd-detect-virt)");
	} else {
		snprintf(p->virt, sizeof p->virt, "unknown (no systemd-detect-virt)");
	}
}

static int calibrate(struct calib_cli *c, struct calib_profile *p)
{
	if (c->quick)
		setenv("GATE_TRIES", env_or("GATE_TRIES", "1"), 1);
	if (c->quick && !getenv("CALIBRATE_PROGS") && (!c->any_only || c->only[CALIB_JAVA]))
		fprintf(stderr, "calibrate: --quick runs JavaThreadPhases only: jvm.stack_touch (ThreadCreate) keeps its default\n");
	machine_facts(c, p);
	plan(c, p);
	snprintf(c->work, sizeof c->work, "%s/gmpsim-calibrate-XXXXXX", env_or("TMPDIR", "/tmp"));
	if (!mkdtemp(c->work))
		return cli_error(CMD, EXIT_FAIL, "cannot create a build directory: %s", strerror(errno));
	c->start = time(NULL);
	build_speedref(c);
	bool ok = true;
	for (int f = 0; ok && f < CALIB_NFAMILIES; f++) {
		if (p->fam[f].wanted && f == CALIB_JAVA && c->quick && !getenv("CALIBRATE_PROGS"))
			setenv("CALIBRATE_PROGS", "JavaThreadPhases", 1);
		ok = !p->fam[f].wanted || measure_family(c, f, &p->fam[f]);
		if (!ok)
			cli_error(CMD, EXIT_FAIL, "%s: %s; nothing written", calib_family_name(f), p->fam[f].why);
	}
	progress(c, ok ? "done" : "failed");
	if (!ok)
		return EXIT_FAIL; /* the logs stay in c->work */
	calib_speed_warnings(stderr, p);
	nftw(c->work, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return write_out(c, p);
}

int cmd_calibrate_main(int argc, char **argv)
{
	struct calib_cli c;
	memset(&c, 0, sizeof c);
	int rc = parse_args(&c, argc, argv);
	if (rc)
		return rc;
	if ((!c.from && (rc = find_scripts(&c))) || (rc = check_output(&c)))
		return rc;
	struct calib_profile *p = calloc(1, sizeof *p);
	if (!p)
		return cli_error(CMD, EXIT_FAIL, "out of memory");
	rc = c.from ? write_out(&c, p) : calibrate(&c, p);
	free(p);
	return rc;
}
