/* tests/test_calibrate.c — `gmpsim calibrate` and its profile (sim/study/calib.c,
 * sim/cli/cmd_calibrate.c): the programs' lines parsed, quantiles, and the
 * whole command end to end on a fake measurement backend (a measure.sh that
 * prints fixed figures per run, a gate.sh that always passes, fake go/java
 * that print a version) so the expected profile follows from the figures:
 * medians, p10-p90, subtractions across families, what is skipped and why,
 * the profile loading with --profile and include:, failures writing nothing;
 * a real go-family run kept as a fixture (tests/fixtures/calibrate_go_run.log)
 * parsed and written into a profile.
 * The speed reference: a fake gate whose REF line makes chosen runs slower,
 * which the header marks SLOW and the medians leave out.
 * One short real measurement (stack_commit, ~5 s) checks the real scripts. */
#include "testutil.h"

#include <math.h>
#include <sys/stat.h>

#include "calib.h"
#include "calib_speed.h"
#include "scenario.h"

static char dir[256];

static int setup(void **state)
{
	(void)state;
	char *d = tu_scratch("gmpsim-test-calibrate");
	snprintf(dir, sizeof dir, "%s", d);
	free(d);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rm_rf(dir);
	return 0;
}

static const char *put(const char *name, const char *text, mode_t mode)
{
	static char path[8][512];
	static int next;
	char *p = path[next++ % 8];
	snprintf(p, 512, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(p, mode);
	return p;
}

static char *slurp(const char *path)
{
	static char buf[1 << 16];
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* ---- parsing and statistics --------------------------------------------------------- */

static void test_parse_lines(void **state)
{
	(void)state;
	struct calib_run r = { .background = -1 };
	assert_int_equal(calib_parse_line(&r, "SUMMARY switch.futex.only   2161.9 ns     raw minus syscalls\n"), 1);
	assert_int_equal(calib_parse_line(&r, "SUMMARY stack_commit.1MiB.committed  8679.4 B  dVmRSS\n"), 1);
	assert_int_equal(calib_parse_line(&r, "RESULT java creator_cpu 114.95 us  [107.03-139.95]\n"), 1);
	assert_int_equal(calib_parse_line(&r, "RESULT java vm_threads 19 threads (Threads in /proc)\n"), 1);
	assert_int_equal(calib_parse_line(&r, "SUMMARY go.preempt.rate  49.5 1/s  switches per second\n"), 0);
	assert_int_equal(calib_parse_line(&r, "  time between switch-ins  median 20.3 ms\n"), 0);
	assert_int_equal(calib_parse_line(&r, "SUMMARY broken abc ns\n"), 0);
	assert_int_equal(r.n, 4);
	assert_string_equal(r.key[2], "java.creator_cpu");
	assert_true(fabs(r.value[2] - 114950) < 1e-6);
	assert_true(fabs(r.value[0] - 2161.9) < 1e-9);
	assert_true(r.background < 0);
	calib_parse_line(&r, "  background during this program (2.7 s): other processes 12% of a CPU, steal 3% of a CPU\n");
	calib_parse_line(&r, "background: others used 31.5% of one CPU over 5.6 s\n");
	calib_parse_line(&r, "  background during this program (2.7 s): other processes 4% of a CPU\n");
	assert_true(fabs(r.background - 31.5) < 1e-9);
}

/* GSL's quantile: linear between order statistics at f * (n - 1). */
static void test_quantiles(void **state)
{
	(void)state;
	double x[] = { 10, 3, 7, 1, 5, 9, 2, 8, 4, 6 }, med, lo, hi;
	calib_quantiles(x, 10, &med, &lo, &hi);
	assert_true(fabs(med - 5.5) < 1e-12 && fabs(lo - 1.9) < 1e-12 && fabs(hi - 9.1) < 1e-12);
	double one[] = { 42 };
	calib_quantiles(one, 1, &med, &lo, &hi);
	assert_true(med == 42 && lo == 42 && hi == 42);
}

/* ---- the command on a fake backend -------------------------------------------------- */

/* Run k (1, 2, 3) prints figures from k-indexed lists, so each median is the
 * middle of three known values. */
static const char fake_measure[] =
	"#!/bin/sh\n"
	"family=$1 action=$2 d=$3\n"
	"mkdir -p \"$d\"\n"
	"[ \"$action\" = build ] && exit 0\n"
	"[ -n \"${FAKE_FAIL:-}\" ] && { echo 'nothing useful'; exit 0; }\n"
	"k=$(cat \"$d/k\" 2>/dev/null || echo 0); k=$((k + 1)); echo $k > \"$d/k\"\n"
	"pick() { shift $k; echo $1; }\n"
	"case $family in\n"
	"kernel)\n"
	"  echo \"SUMMARY kernel.syscall $(pick x 250 300 350) ns x\"\n"
	"  echo \"SUMMARY switch.futex.only $(pick x 2000 3000 2500) ns x\"\n"
	"  echo \"SUMMARY wake.remote.warm $(pick x 5000 5200 4800) ns x\"\n"
	"  echo \"SUMMARY wake.syscall 300 ns x\"\n"
	"  echo \"SUMMARY wake_idle.50us $(pick x 12000 13000 12500) ns x\"\n"
	"  echo \"SUMMARY wake_idle.1ms 52500 ns x\"\n"
	"  echo \"SUMMARY create.cached.same $(pick x 10000 11000 9000) ns x\"\n"
	"  echo \"SUMMARY exit_cpu.cached.same 8000 ns x\"\n"
	"  echo \"SUMMARY start_cpu.cached.same 4000 ns x\"\n"
	"  echo \"SUMMARY stack_commit.1MiB.committed 12288 B x\"\n"
	"  echo \"  background during this program (1 s): other processes $(pick x 1 2 3)% of a CPU\" ;;\n"
	"go)\n"
	"  echo \"SUMMARY go.newproc.warm $(pick x 150 170 160) ns x\"\n"
	"  echo \"SUMMARY go.runq.putget 7 ns x\"\n"
	"  echo \"SUMMARY go.runq.steal_empty 33 ns x\"\n"
	"  echo \"SUMMARY signal.remote.stolen 7100 ns x\"\n"
	"  echo \"SUMMARY go.switch.gosched $(pick x 80 120 90) ns x\"\n"
	"  echo \"SUMMARY go.netpoll0.1fd 420 ns x\"\n"
	"  echo \"SUMMARY go.gc.cpu_per_mib.64MiB $(pick x 1920 2120 2020).0 us x\"\n"
	"  echo \"SUMMARY go.gc.mark_per_mib.64MiB 9999 us x\"\n"
	"  echo \"SUMMARY go.gc.stack_scan 1.5 us x\"\n"
	"  echo \"SUMMARY go.gc.sweep_term 11 us x\"\n"   /* forced cycles: printed, not taken */
	"  echo \"SUMMARY go.gc.mark_term 3.0 us x\"\n"
	"  echo \"SUMMARY go.gc.bg_sweep_term 25 us x\"\n"
	"  echo \"SUMMARY go.gc.bg_mark_term 6.0 us x\" ;;\n"
	"java)\n"
	"  echo \"RESULT java vm_threads 25 threads x\"\n"
	"  echo \"RESULT java creator_cpu $(pick x 100 100 100).00 us [1-2]\"\n"
	"  echo \"RESULT java child_init_cpu 105.0 us [1-2]\"\n"
	"  echo \"RESULT java exit_and_rest_cpu 150.0 us [1-2]\"\n"
	"  echo \"SUMMARY java.thread.rss 20480 B x\" ;;\n"
	"esac\n";

static const char fake_gate[] = "#!/bin/sh\necho 'GATE ok 2'\n";
static const char fake_go[] = "#!/bin/sh\necho 'go version go1.19.8 linux/amd64'\n";
static const char fake_java[] = "#!/bin/sh\necho 'openjdk version \"17.0.15\" 2025-04-15' >&2\n";

/* Runs gmpsim calibrate with the fake backend, extra environment first. */
static int calibrate(const char *env, const char *args, char *out, size_t outlen)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd,
		 "TMPDIR=%s GMPSIM_CALIBRATE_DIR=%s GO=%s/go JAVA=%s/java JAVAC=%s/java %s %s calibrate %s 2>&1",
		 dir, dir, dir, dir, dir, env, tu_gmpsim(), args);
	return tu_popen(cmd, out, outlen);
}

static void install_fakes(void)
{
	put("measure.sh", fake_measure, 0755);
	put("gate.sh", fake_gate, 0755);
	put("go", fake_go, 0755);
	put("java", fake_java, 0755);
}

#define BODY "duration: 1s\nworkload:\n  r:\n    arrival: { poisson: 10/s }\n    program: [ { cpu: 1ms } ]\n"

static void load_with_profile(const char *profile, struct scenario *sc)
{
	char path[600], err[1024];
	snprintf(path, sizeof path, "%s/s.yaml", dir);
	put("s.yaml", "name: s\nmodels: { gmp: , threads: }\n" BODY, 0644);
	struct sc_sources src = { profile, NULL, 0 };
	if (sc_load_from(path, &src, sc, err, sizeof err))
		fail_msg("load: %s", err);
}

/* A parameter's default in the parameter table (a scenario with no profile). */
static long long table_default(const char *key)
{
	struct scenario sc;
	load_with_profile(NULL, &sc);
	long long v = -1;
	for (int i = 0; i < sc.nparams; i++)
		if (strcmp(sc.params[i].key, key) == 0)
			v = atoll(sc.params[i].value);
	sc_free(&sc);
	if (v < 0)
		fail_msg("no parameter %s", key);
	return v;
}

/* Three runs: every value is the median of its three figures, the comment
 * gives p10-p90 (linear: 2000, 2500, 3000 -> 2100-2900), and the profile
 * loads as --profile and as an include. */
static void test_fake_full_run_round_trip(void **state)
{
	(void)state;
	install_fakes();
	static char out[1 << 16];
	char args[600];
	snprintf(args, sizeof args, "-o %s/m.yaml", dir);
	int rc = calibrate("", args, out, sizeof out);
	if (rc)
		fprintf(stderr, "%s\n", out);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "calibrate [####################] 12/12"));
	snprintf(args, sizeof args, "%s/m.yaml", dir);
	const char *text = slurp(args);
	assert_non_null(text);
	assert_non_null(strstr(text, "  switch: 2.5us    # median 2.5us, p10-p90 2.1us-2.9us over 3 runs; "
				     "analysis/measure/switch.c: switch.futex.only\n"));
	assert_non_null(strstr(text, "# QUIET: the gate passed before all 9 runs"));
	assert_non_null(strstr(text, "  thread_init: 100us ")); /* three figures, not 1e+02us */
	assert_non_null(strstr(text, "# go      measured with go version go1.19.8"));
	struct scenario sc;
	load_with_profile(args, &sc);
	assert_int_equal(sc.kernel.syscall, 300);
	assert_int_equal(sc.kernel.switch_cost, 2500);
	assert_int_equal(sc.kernel.wake_cost, 4700);          /* 5000 - 300 */
	assert_int_equal(sc.kernel.wake_idle, 10000);         /* 12000 - 2000, 13000 - 3000, 12500 - 2500: per run */
	assert_int_equal(sc.kernel.wake_idle_deep, 50000);    /* 52500 - 2500 */
	assert_int_equal(sc.kernel.thread_create, 10000);
	assert_int_equal(sc.kernel.thread_exit, 12000);       /* 8000 + 4000 */
	assert_int_equal(sc.kernel.stack_touch, 12000);       /* 12288 to two figures */
	assert_int_equal(sc.gmp.newproc, 160);
	assert_int_equal(sc.gmp.runqput, 7);
	assert_int_equal(sc.gmp.steal, 33);
	assert_int_equal(sc.gmp.signal, 7100);
	assert_int_equal(sc.gmp.gogo, 90);                    /* 80, 120, 90 (the defaults differ) */
	assert_int_equal(sc.gmp.netpoll, 420);
	assert_int_equal(sc.gc.mark_per_mib, 2000000);        /* 1.92, 2.12, 2.02 ms - sweep_per_mib's default 20 us */
	assert_int_equal(sc.gc.stack_scan, 1500);
	assert_int_equal(sc.gc.sweep_term, 25000);          /* background cycles, not the forced 11 us */
	assert_int_equal(sc.gc.mark_term, 6000);
	assert_int_equal(sc.jvm.start, 90000);                /* 100 us - kernel.thread_create measured */
	assert_int_equal(sc.jvm.thread_init, 100000);         /* 105 us - jvm.thread_entry's default 5 us */
	assert_int_equal(sc.jvm.thread_exit, 140000);         /* 150 us - kernel.thread_exit measured */
	assert_int_equal(sc.jvm.threads, 24);                 /* the JVM's threads less main */
	assert_int_equal(sc.jvm.stack_touch, 20000);
	/* the scenario does not set cores: the profile's, this machine's online CPUs */
	assert_int_equal(sc.machine.cores, (int)sysconf(_SC_NPROCESSORS_ONLN));
	sc_free(&sc);
	char path[700], err[1024];
	snprintf(path, sizeof path, "%s/i.yaml", dir);
	put("i.yaml", "name: i\ninclude: m.yaml\nmodels: { gmp: }\n" BODY, 0644);
	assert_int_equal(sc_load(path, NULL, 0, &sc, err, sizeof err), 0);
	assert_int_equal(sc.kernel.switch_cost, 2500);
	assert_int_equal(sc.machine.cores, (int)sysconf(_SC_NPROCESSORS_ONLN));
	sc_free(&sc);
}

/* Go and Java absent: said on stderr and in the header; their parameters keep
 * the defaults; jvm.start is not computed from a kernel figure not measured. */
static void test_skips_said_and_defaults_kept(void **state)
{
	(void)state;
	install_fakes();
	static char out[1 << 16];
	char args[600], path[600];
	snprintf(args, sizeof args, "--quick -o %s/q.yaml", dir);
	char env[1000];
	snprintf(env, sizeof env, "PATH=/usr/bin:/bin GO=%s/nogo JAVA=%s/nojava JAVAC=%s/nojavac", dir, dir, dir);
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "TMPDIR=%s GMPSIM_CALIBRATE_DIR=%s %s %s calibrate %s 2>&1", dir, dir, env, tu_gmpsim(), args);
	assert_int_equal(tu_popen(cmd, out, sizeof out), 0);
	char want[800];
	snprintf(want, sizeof want, "calibrate: go skipped: GO does not name an executable: GO=%s/nogo; "
		 "its parameters keep their defaults\n", dir);
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof want, "calibrate: java skipped: no Java 17 toolchain (%s/nojava not found", dir);
	assert_non_null(strstr(out, want));
	snprintf(path, sizeof path, "%s/q.yaml", dir);
	const char *text = slurp(path);
	assert_non_null(strstr(text, "# go      NOT MEASURED: skipped: GO does not name an executable"));
	assert_non_null(strstr(text, "    # newproc: not measured (skipped: GO does not name"));
	assert_non_null(strstr(text, "(1 run: no spread)"));
	struct scenario sc;
	load_with_profile(path, &sc);
	assert_int_equal(sc.kernel.switch_cost, 2000);  /* run 1 */
	assert_int_equal(sc.gmp.newproc, table_default("models.gmp.newproc"));
	assert_int_equal(sc.gmp.gogo, table_default("models.gmp.gogo"));  /* under a gc: go: of comments only */
	assert_int_equal(sc.gc.mark_per_mib, table_default("gc.go.mark_per_mib"));
	assert_non_null(strstr(text, "gc:\n  go:   # the gmp model's collector\n"
				     "    # mark_per_mib: not measured (skipped: GO does not name"));
	assert_int_equal(sc.jvm.start, table_default("jvm.start"));
	sc_free(&sc);
}

/* --only java: the kernel is not measured, so jvm.start subtracts the
 * default kernel.thread_create and says so. */
static void test_only_java_uses_default_kernel_cost(void **state)
{
	(void)state;
	install_fakes();
	static char out[1 << 16];
	char args[600], path[600];
	snprintf(args, sizeof args, "--quick --only java -o %s/j.yaml", dir);
	assert_int_equal(calibrate("", args, out, sizeof out), 0);
	assert_non_null(strstr(out, "calibrate: kernel skipped: not chosen by --only"));
	assert_non_null(strstr(out, "calibrate: go skipped: not chosen by --only"));
	snprintf(path, sizeof path, "%s/j.yaml", dir);
	const char *text = slurp(path);
	long long create = table_default("kernel.thread_create");
	char want[200];
	snprintf(want, sizeof want, "java.creator_cpu - kernel.thread_create (%.3gus, default)", create / 1e3);
	if (!strstr(text, want))
		fail_msg("no '%s' in\n%s", want, text);
	struct scenario sc;
	load_with_profile(path, &sc);
	/* 100 us - the default, to two significant figures */
	double start = 100000 - create, mag = pow(10, floor(log10(start)) - 1);
	assert_int_equal(sc.jvm.start, (long long)(round(start / mag) * mag));
	assert_int_equal(sc.kernel.switch_cost, table_default("kernel.switch"));
	sc_free(&sc);
}

/* gate.sh's lines: the verdict and the speed reference; anything else,
 * or a reference that is not two positive numbers, is not one. */
static void test_gate_lines(void **state)
{
	(void)state;
	struct calib_run r = { .background = -1 };
	assert_int_equal(calib_gate_line(&r, "GATE noisy 120\n"), 1);
	assert_string_equal(r.gate, "noisy 120");
	assert_int_equal(calib_gate_line(&r, "REF cpu_ns 1.125 mem_ns 131.5\n"), 1);
	assert_true(r.ref_cpu == 1.125 && r.ref_mem == 131.5);
	assert_int_equal(calib_gate_line(&r, "REF cpu_ns 0 mem_ns 99\n"), 0);
	assert_int_equal(calib_gate_line(&r, "REF cpu_ns nan mem_ns 99\n"), 0);
	assert_int_equal(calib_gate_line(&r, "speedref: out of memory (8 MiB)\n"), 0);
	assert_true(r.ref_cpu == 1.125 && r.ref_mem == 131.5);
}

/* A gate that counts its calls (kernel runs 1-3, go 4-6, java 7-9) and
 * prints the speed reference the case chooses for each. */
static void install_speed_gate(const char *cases)
{
	char text[2048];
	snprintf(text, sizeof text,
		 "#!/bin/sh\n"
		 "k=$(cat \"$GMPSIM_CALIBRATE_DIR/gk\" 2>/dev/null || echo 0); k=$((k + 1)); echo $k >\"$GMPSIM_CALIBRATE_DIR/gk\"\n"
		 "echo 'GATE ok 2'\n"
		 "case $k in\n%s\n*) echo 'REF cpu_ns 1.000 mem_ns 100.0' ;;\nesac\n", cases);
	install_fakes();
	put("gate.sh", text, 0755);
	char gk[600];
	snprintf(gk, sizeof gk, "%s/gk", dir);
	unlink(gk);
}

/* go run 1 ran 50 % slower (cpu), java run 2 30 % slower (mem, against the
 * median 100 ns: kernel run 2's 48 ns, faster, does not make the others
 * slow), java run 1 14 % / 24 %, inside the 15 % / 25 % tolerance: the two slow runs are
 * marked in the header and on stderr, and go's medians are over runs 2 and
 * 3 only (newproc 170, 160: median 165, linear p10-p90 161-169). */
static void test_slow_run_left_out(void **state)
{
	(void)state;
	install_speed_gate("2) echo 'REF cpu_ns 1.000 mem_ns 48.0' ;;\n"
			   "4) echo 'REF cpu_ns 1.500 mem_ns 100.0' ;;\n"
			   "7) echo 'REF cpu_ns 1.140 mem_ns 124.0' ;;\n"
			   "8) echo 'REF cpu_ns 1.000 mem_ns 130.0' ;;");
	static char out[1 << 16];
	char args[600];
	snprintf(args, sizeof args, "-o %s/slow.yaml", dir);
	assert_int_equal(calibrate("", args, out, sizeof out), 0);
	assert_non_null(strstr(out, "calibrate: warning: go run 1 ran on a slower host (speed reference cpu 1.50 ns "
				    "(+50%) mem 100 ns (+0%)); its figures are left out of the medians\n"));
	assert_non_null(strstr(out, "calibrate: warning: java run 2 ran on a slower host"));
	assert_null(strstr(out, "java run 1 ran on"));
	snprintf(args, sizeof args, "%s/slow.yaml", dir);
	const char *text = slurp(args);
	assert_non_null(strstr(text, "#   go     run 1 cpu 1.50 ns (+50%) mem 100 ns (+0%); run 2 cpu 1.00 ns (+0%)"));
	assert_non_null(strstr(text, "# SLOW: go run 1: speed reference cpu 1.50 ns (+50%) mem 100 ns (+0%): the host was slower"));
	assert_non_null(strstr(text, "its figures are left out of the medians (2 of 3 go runs kept)\n"));
	assert_non_null(strstr(text, "# SLOW: java run 2: speed reference cpu 1.00 ns (+0%) mem 130 ns (+30%)"));
	assert_null(strstr(text, "# SLOW: java run 1"));
	assert_null(strstr(text, "# SLOW: kernel"));
	assert_null(strstr(text, "# AT SPEED"));
	assert_non_null(strstr(text, "newproc: 170ns    # median 165ns, p10-p90 161ns-169ns over 2 runs"));
	struct scenario sc;
	load_with_profile(args, &sc);
	assert_int_equal(sc.gmp.newproc, 170);       /* 165 to two figures */
	assert_int_equal(sc.gmp.gogo, 110);          /* 120, 90: 105; with run 1 (80) it would be 90 */
	assert_int_equal(sc.kernel.switch_cost, 2500); /* the kernel's three runs all count */
	sc_free(&sc);
}

/* Every go run slower than the kernel's: nothing at speed to prefer, so all
 * three count (gogo 80, 120, 90: 90) and the header says to re-run; a
 * calibrate whose runs all read alike is AT SPEED. */
static void test_all_runs_slow_kept(void **state)
{
	(void)state;
	install_speed_gate("4|5|6) echo 'REF cpu_ns 1.300 mem_ns 100.0' ;;");
	static char out[1 << 16];
	char args[600];
	snprintf(args, sizeof args, "--only kernel --only go -o %s/a.yaml", dir);
	assert_int_equal(calibrate("", args, out, sizeof out), 0);
	snprintf(args, sizeof args, "%s/a.yaml", dir);
	const char *text = slurp(args);
	assert_non_null(strstr(text, "# SLOW: go run 3: speed reference cpu 1.30 ns (+30%)"));
	assert_non_null(strstr(text, "every go run was slow: all are kept; re-run calibrate\n"));
	struct scenario sc;
	load_with_profile(args, &sc);
	assert_int_equal(sc.gmp.gogo, 90);
	sc_free(&sc);
	install_speed_gate("");
	snprintf(args, sizeof args, "--only kernel -o %s/a.yaml", dir);
	assert_int_equal(calibrate("", args, out, sizeof out), 0);
	snprintf(args, sizeof args, "%s/a.yaml", dir);
	text = slurp(args);
	assert_non_null(strstr(text, "# AT SPEED: every run's speed reference within 15% / 25% (fastest cpu 1.00 ns, median mem 100 ns)\n"));
	assert_null(strstr(text, "# SLOW:"));
}

#define GO_FIXTURE "tests/fixtures/calibrate_go_run.log"

/* A real run of the go family (analysis/calibrate/measure.sh go run, kept
 * verbatim): every SUMMARY line the programs print carries a figure (ns or
 * us, none lost to a unit or a key's length), with the value and unit it
 * says, and the worst background line wins. */
static void test_parse_go_fixture(void **state)
{
	(void)state;
	FILE *f = fopen(GO_FIXTURE, "r");
	assert_non_null(f);
	static struct calib_run r;
	memset(&r, 0, sizeof r);
	r.background = -1;
	char line[1024];
	int summaries = 0, figures = 0;
	while (fgets(line, sizeof line, f)) {
		summaries += strncmp(line, "SUMMARY ", 8) == 0;
		figures += calib_parse_line(&r, line);
	}
	fclose(f);
	assert_true(summaries >= 30);
	assert_int_equal(figures, summaries);
	static const struct { const char *key; double ns; } want[] = {
		{ "go.switch.gosched", 212.3 },           /* "212.3 ns" */
		{ "go.netpoll0.1fd", 3771.4 },            /* "3771.4 ns" */
		{ "go.gc.cpu_per_mib.64MiB", 1100800 },   /* "1100.8 us" */
		{ "go.gc.stack_scan", 900 },              /* "0.9 us" */
		{ "go.gc.sweep_term", 9000 },             /* "9.0 us" */
		{ "go.gc.mark_term", 4000 },              /* "4.0 us" */
		{ "go.gc.bg_sweep_term", 18000 },         /* "18.0 us" */
		{ "go.gc.bg_mark_term", 4000 },           /* "4.0 us" */
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		int k = 0;
		while (k < r.n && strcmp(r.key[k], want[i].key) != 0)
			k++;
		if (k == r.n)
			fail_msg("%s: no figure parsed", want[i].key);
		assert_true(fabs(r.value[k] - want[i].ns) < 1e-6 * want[i].ns);
	}
	assert_true(fabs(r.background - 181) < 1e-9);  /* newproc's "other processes 181%" */
}

/* --only go on a backend that prints the fixture: the profile holds the new
 * keys, each rounded to two figures, with a comment naming its program and
 * figure, and loads with them. */
static void test_only_go_profile_names_programs(void **state)
{
	(void)state;
	install_fakes();
	char cwd[512], measure[1200];
	assert_non_null(getcwd(cwd, sizeof cwd));
	snprintf(measure, sizeof measure,
		 "#!/bin/sh\nmkdir -p \"$3\"\n[ \"$2\" = build ] && exit 0\ncat '%s/" GO_FIXTURE "'\n", cwd);
	put("measure.sh", measure, 0755);
	static char out[1 << 16];
	char args[700], path[600];
	snprintf(path, sizeof path, "%s/g.yaml", dir);
	snprintf(args, sizeof args, "--quick --only go -o %s", path);
	int rc = calibrate("", args, out, sizeof out);
	if (rc)
		fprintf(stderr, "%s\n", out);
	assert_int_equal(rc, 0);
	const char *text = slurp(path);
	assert_non_null(text);
	static const char *const lines[] = {
		"    gogo: 210ns    # median 212ns (1 run: no spread); analysis/measure/go/switch: go.switch.gosched\n",
		"    netpoll: 3.8us    # median 3.77us (1 run: no spread); analysis/measure/go/syscall: go.netpoll0.1fd\n",
		"gc:\n  go:   # the gmp model's collector\n"
		"    mark_per_mib: 1.1ms    # median 1.08ms (1 run: no spread); analysis/measure/go/gcmark: "
		"go.gc.cpu_per_mib.64MiB - gc.go.sweep_per_mib (20us, default)\n"
		"    stack_scan: 900ns    # median 900ns (1 run: no spread); analysis/measure/go/gcmark: go.gc.stack_scan\n"
		"    sweep_term: 18us     # median 18us (1 run: no spread); analysis/measure/go/gcmark: go.gc.bg_sweep_term\n"
		"    mark_term: 4us      # median 4us (1 run: no spread); analysis/measure/go/gcmark: go.gc.bg_mark_term\n",
	};
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
		if (!strstr(text, lines[i]))
			fail_msg("the profile lacks:\n%s\nit says:\n%s", lines[i], text);
	struct scenario sc;
	load_with_profile(path, &sc);
	assert_int_equal(sc.gmp.gogo, 210);
	assert_int_equal(sc.gmp.netpoll, 3800);
	assert_int_equal(sc.gc.mark_per_mib, 1100000);  /* 1100.8 us - 20 us, to two figures */
	assert_int_equal(sc.gc.stack_scan, 900);
	assert_int_equal(sc.gc.sweep_term, 18000);  /* background cycles' clock A, not the forced 9 us */
	assert_int_equal(sc.gc.mark_term, 4000);
	assert_int_equal(sc.kernel.switch_cost, table_default("kernel.switch")); /* kernel not chosen */
	sc_free(&sc);
}

/* --costs-only: the same profile without machine: and kernel.memory (a
 * scenario that sets no cores gets the table's, not this machine's), and
 * --from gives the same text from an earlier run's file without measuring;
 * filtering twice changes nothing; anything but calibrate's output is
 * refused, positioned, and nothing is written. */
static void test_costs_only_and_from(void **state)
{
	(void)state;
	install_fakes();
	static char out[1 << 16];
	char args[2000], full[600], costs[600], again[600], twice[600];
	snprintf(full, sizeof full, "%s/full.yaml", dir);
	snprintf(costs, sizeof costs, "%s/costs.yaml", dir);
	snprintf(again, sizeof again, "%s/again.yaml", dir);
	snprintf(twice, sizeof twice, "%s/twice.yaml", dir);
	snprintf(args, sizeof args, "-o %s", full);
	assert_int_equal(calibrate("", args, out, sizeof out), 0);
	snprintf(args, sizeof args, "--costs-only -o %s", costs);
	assert_int_equal(calibrate("", args, out, sizeof out), 0);
	char *c = strdup(slurp(costs)), *f = strdup(slurp(full));
	assert_non_null(strstr(f, "\nmachine:\n"));
	assert_non_null(strstr(f, "\n  memory: "));
	assert_null(strstr(c, "machine:\n"));
	assert_null(strstr(c, "memory:"));
	assert_null(strstr(c, "cores:"));
	assert_non_null(strstr(c, "\n# --costs-only: machine: (cores, NUMA) and kernel.memory left out"));
	assert_non_null(strstr(c, "\nkernel:\n  syscall: 300ns "));
	struct scenario sc;
	load_with_profile(costs, &sc);
	assert_int_equal(sc.machine.cores, table_default("machine.cores"));
	assert_int_equal(sc.kernel.memory, table_default("kernel.memory"));
	assert_int_equal(sc.kernel.switch_cost, 2500);
	assert_int_equal(sc.jvm.start, 90000);
	sc_free(&sc);
	/* --from: no measuring (a failing backend would fail), the same text but the date line */
	snprintf(args, sizeof args, "--costs-only --from %s -o %s", full, again);
	assert_int_equal(calibrate("FAKE_FAIL=1", args, out, sizeof out), 0);
	assert_null(strstr(out, "building"));
	char *a = strdup(slurp(again));
	assert_string_equal(strchr(a, '\n'), strchr(c, '\n'));
	snprintf(args, sizeof args, "--costs-only --from %s -o %s", again, twice);
	assert_int_equal(calibrate("", args, out, sizeof out), 0);
	assert_string_equal(slurp(twice), a);
	/* refusals */
	snprintf(args, sizeof args, "--from %s", full);
	assert_int_equal(calibrate("", args, out, sizeof out), 2);
	assert_non_null(strstr(out, "--from filters an earlier profile: it needs --costs-only"));
	snprintf(args, sizeof args, "--costs-only --quick --from %s", full);
	assert_int_equal(calibrate("", args, out, sizeof out), 2);
	const char *bad = put("bad.yaml", "kernel:\n  switch: 1us\n", 0644);
	unlink(twice);
	snprintf(args, sizeof args, "--costs-only --from %s -o %s", bad, twice);
	assert_int_equal(calibrate("", args, out, sizeof out), 2);
	char want[700];
	snprintf(want, sizeof want, "%s:1:1: not a profile written by gmpsim calibrate", bad);
	assert_non_null(strstr(out, want));
	assert_int_equal(access(twice, F_OK), -1);
	snprintf(args, sizeof args, "--costs-only --from %s/none.yaml -o %s", dir, twice);
	assert_int_equal(calibrate("", args, out, sizeof out), 2);
	assert_non_null(strstr(out, "none.yaml: No such file or directory"));
	assert_int_equal(access(twice, F_OK), -1);
	free(a), free(c), free(f);
}

static void test_usage_and_failures_write_nothing(void **state)
{
	(void)state;
	install_fakes();
	static char out[1 << 16];
	char args[700], path[600];
	assert_int_equal(calibrate("", "--only rust", out, sizeof out), 2);
	assert_non_null(strstr(out, "--only: expected kernel, go or java, got 'rust'"));
	assert_int_equal(calibrate("", "extra", out, sizeof out), 2);
	snprintf(path, sizeof path, "%s/f.yaml", dir);
	unlink(path);
	snprintf(args, sizeof args, "--quick --only kernel -o %s", path);
	assert_int_equal(calibrate("FAKE_FAIL=1", args, out, sizeof out), 1);
	assert_non_null(strstr(out, "kernel: run 1 printed no figures: see build/tmp/gmpsim-test-calibrate-"));
	assert_non_null(strstr(out, "/gmpsim-calibrate-")); /* the logs kept, in TMPDIR (removed with dir) */
	assert_non_null(strstr(out, "nothing written"));
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(calibrate("", "-o /nonexistent-dir/p.yaml", out, sizeof out), 2);
	assert_non_null(strstr(out, "/nonexistent-dir/p.yaml: cannot write in /nonexistent-dir: No such file or directory"));
	assert_null(strstr(out, "building")); /* refused before measuring */
	assert_int_equal(calibrate("", "--help", out, sizeof out), 0);
	assert_non_null(strstr(out, "usage: gmpsim calibrate"));
}

/* The real scripts, one short program: the stack a new thread commits is at
 * least the page it starts on and far below its 1 MiB reservation; the
 * cores are the online CPUs. */
static void test_real_quick_kernel_subset(void **state)
{
	(void)state;
	static char out[1 << 16];
	char cmd[1400], path[600];
	snprintf(path, sizeof path, "%s/real.yaml", dir);
	snprintf(cmd, sizeof cmd, "TMPDIR=%s CALIBRATE_PROGS=stack_commit GATE_TRIES=1 %s calibrate --quick --only kernel -o %s 2>&1",
		 dir, tu_gmpsim(), path);
	int rc = tu_popen(cmd, out, sizeof out);
	if (rc)
		fprintf(stderr, "%s\n", out);
	assert_int_equal(rc, 0);
	struct scenario sc;
	char err[1024];
	snprintf(cmd, sizeof cmd, "%s/s.yaml", dir);
	put("s.yaml", "name: s\ninclude: real.yaml\nmodels: { gmp: }\n" BODY, 0644);
	assert_int_equal(sc_load(cmd, NULL, 0, &sc, err, sizeof err), 0);
	long page = sysconf(_SC_PAGESIZE);
	assert_true(sc.kernel.stack_touch >= page && sc.kernel.stack_touch < (1 << 20));
	assert_int_equal(sc.machine.cores, (int)sysconf(_SC_NPROCESSORS_ONLN));
	long long want_switch = table_default("kernel.switch"); /* switch.c not run: the default */
	assert_int_equal(sc.kernel.switch_cost, want_switch);
	sc_free(&sc);
	const char *text = slurp(path);
	assert_non_null(strstr(text, "# switch: not measured (analysis/measure/switch.c printed no switch.futex.only)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_lines),
		cmocka_unit_test(test_quantiles),
		cmocka_unit_test(test_fake_full_run_round_trip),
		cmocka_unit_test(test_skips_said_and_defaults_kept),
		cmocka_unit_test(test_only_java_uses_default_kernel_cost),
		cmocka_unit_test(test_gate_lines),
		cmocka_unit_test(test_slow_run_left_out),
		cmocka_unit_test(test_all_runs_slow_kept),
		cmocka_unit_test(test_parse_go_fixture),
		cmocka_unit_test(test_only_go_profile_names_programs),
		cmocka_unit_test(test_costs_only_and_from),
		cmocka_unit_test(test_usage_and_failures_write_nothing),
		cmocka_unit_test(test_real_quick_kernel_subset),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
