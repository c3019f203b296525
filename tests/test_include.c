/* tests/test_include.c — include: and --profile (sim/scenario/scenario_include.c,
 * yamltree.c's merge) and where each resolved value came from: the
 * precedence default < profile < include < scenario < --set, paths relative
 * to the including file, earlier list entries winning, models configured but
 * never enabled by another file, and every error (missing file, cycle, depth,
 * bad YAML or a bad key in the included file) as "file:line:column: message"
 * naming the file it is in. Files live in a fresh directory under build/tmp. */
#include "testutil.h"

#include <sys/stat.h>

#include "scenario.h"

static char dir[256];
static char err[2048];

static int setup(void **state)
{
	(void)state;
	char *d = tu_scratch("gmpsim-test-include");
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

/* Writes text to dir/name (subdirectories created) and returns the path (static). */
static const char *put(const char *name, const char *text)
{
	static char path[8][512];
	static int next;
	char *p = path[next++ % 8];
	snprintf(p, 512, "%s/%s", dir, name);
	char *slash = strrchr(p, '/');
	*slash = '\0';
	mkdir(p, 0755);
	*slash = '/';
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return p;
}

#define BODY "duration: 1s\nworkload:\n  r:\n    arrival: { poisson: 10/s }\n    program: [ { cpu: 1ms } ]\n"

static const struct sc_param *param(const struct scenario *sc, const char *key)
{
	for (int i = 0; i < sc->nparams; i++)
		if (strcmp(sc->params[i].key, key) == 0)
			return &sc->params[i];
	fail_msg("no parameter %s", key);
	return NULL;
}

static void load(const char *path, const char *profile, const char *const *sets, int nsets, struct scenario *sc)
{
	struct sc_sources src = { profile, sets, nsets };
	if (sc_load_from(path, &src, sc, err, sizeof err) != 0)
		fail_msg("load failed: %s", err);
}

/* Loads and expects an error starting with want_prefix and containing want_part. */
static void load_fails(const char *path, const char *profile, const char *want_prefix, const char *want_part)
{
	struct scenario sc;
	struct sc_sources src = { profile, NULL, 0 };
	assert_int_not_equal(sc_load_from(path, &src, &sc, err, sizeof err), 0);
	if (strncmp(err, want_prefix, strlen(want_prefix)) != 0 || !strstr(err, want_part))
		fail_msg("\n got: %s\nwant: %s...%s...", err, want_prefix, want_part);
	assert_null(sc.params);
}

/* Each layer sets the keys of the layers below it and one more: the value
 * of each key comes from the highest layer that sets it. */
static void test_precedence_and_provenance(void **state)
{
	(void)state;
	const char *prof = put("prof.yaml", "kernel:\n  switch: 1us\n  wake: 1us\n  syscall: 1us\n  thread_create: 1us\n");
	put("inc.yaml", "kernel:\n  switch: 2us\n  wake: 2us\n  syscall: 2us\n");
	const char *s = put("s.yaml", "name: s\ninclude: inc.yaml\nkernel:\n  switch: 3us\n  wake: 3us\n"
				     "models: { gmp: }\n" BODY);
	const char *sets[] = { "kernel.switch=4us" };
	struct scenario sc;
	load(s, prof, sets, 1, &sc);
	assert_int_equal(sc.kernel.switch_cost, 4000);
	assert_int_equal(sc.kernel.wake_cost, 3000);
	assert_int_equal(sc.kernel.syscall, 2000);
	assert_int_equal(sc.kernel.thread_create, 1000);
	struct scenario plain;
	load(put("p.yaml", "name: p\nmodels: { gmp: }\n" BODY), NULL, NULL, 0, &plain);
	assert_int_equal(sc.kernel.thread_exit, plain.kernel.thread_exit); /* the table's default */
	sc_free(&plain);
	char want[600];
	assert_string_equal(param(&sc, "kernel.switch")->from, "--set kernel.switch=4us");
	snprintf(want, sizeof want, "scenario %s:5", s);
	assert_string_equal(param(&sc, "kernel.wake")->from, want);
	snprintf(want, sizeof want, "include %s/inc.yaml:4", dir);
	assert_string_equal(param(&sc, "kernel.syscall")->from, want);
	snprintf(want, sizeof want, "profile %s:5", prof);
	assert_string_equal(param(&sc, "kernel.thread_create")->from, want);
	assert_string_equal(param(&sc, "kernel.thread_exit")->from, "default");
	assert_string_equal(param(&sc, "machine.numa.cores_per_node")->from, "derived");
	sc_free(&sc);
}

/* Paths are relative to the including file; in a list the first file wins. */
static void test_relative_paths_and_list_order(void **state)
{
	(void)state;
	put("sub/a.yaml", "include: ../b.yaml\nkernel: { switch: 5us }\n");
	put("b.yaml", "kernel: { switch: 6us, wake: 6us, syscall: 6us }\n");
	put("c.yaml", "kernel: { wake: 7us, syscall: 7us }\n");
	const char *s = put("s.yaml", "name: s\ninclude: [ sub/a.yaml, c.yaml ]\nmodels: { gmp: }\n" BODY);
	struct scenario sc;
	load(s, NULL, NULL, 0, &sc);
	assert_int_equal(sc.kernel.switch_cost, 5000); /* a.yaml over the b.yaml it includes */
	assert_int_equal(sc.kernel.wake_cost, 6000);   /* a.yaml (through b.yaml) before c.yaml */
	assert_int_equal(sc.kernel.syscall, 6000);
	sc_free(&sc);
}

/* Another file's models.NAME blocks configure the models the scenario runs,
 * and never add one; a null model block takes the included mapping. */
static void test_models_configured_never_enabled(void **state)
{
	(void)state;
	const char *prof = put("prof.yaml", "models:\n  gmp: { newproc: 1us }\n  pool: { workers: 7 }\n");
	const char *s = put("s.yaml", "name: s\nmodels:\n  gmp:\n" BODY);
	struct scenario sc;
	load(s, prof, NULL, 0, &sc);
	assert_int_equal(sc.nmodels, 1);
	assert_string_equal(sc.models[0], "gmp");
	assert_false(sc.pool.enabled);
	assert_int_equal(sc.gmp.newproc, 1000);
	assert_int_equal(sc.pool.workers, 200); /* the default: the block was not merged */
	sc_free(&sc);
}

/* A model block the scenario configures itself (`gmp: { gomaxprocs: 2 }`,
 * `gmp: {}`) still takes the keys it does not set from a profile or an
 * included file: only a new models.NAME is refused, not a new key inside
 * one (a profile's models.gmp costs were dropped for every such scenario). */
static void test_models_block_merged_under_scenario_keys(void **state)
{
	(void)state;
	const char *prof = put("prof.yaml", "models:\n  gmp: { newproc: 1us, gomaxprocs: 7 }\n  pool: { workers: 7 }\n");
	put("inc.yaml", "models:\n  gmp: { signal: 9us }\n");
	const char *s = put("s.yaml", "name: s\ninclude: inc.yaml\nmodels:\n  gmp: { gomaxprocs: 2 }\n" BODY);
	const char *e = put("e.yaml", "name: s\nmodels:\n  gmp: {}\n" BODY);
	struct scenario sc;
	load(s, prof, NULL, 0, &sc);
	assert_int_equal(sc.nmodels, 1);
	assert_false(sc.pool.enabled);
	assert_int_equal(sc.gmp.newproc, 1000);     /* from the profile */
	assert_int_equal(sc.gmp.signal, 9000);      /* from the included file */
	assert_int_equal(sc.gmp.gomaxprocs, 2);     /* the scenario's own value wins */
	assert_true(strncmp(param(&sc, "models.gmp.newproc")->from, "profile ", 8) == 0);
	sc_free(&sc);
	load(e, prof, NULL, 0, &sc);
	assert_int_equal(sc.gmp.newproc, 1000);
	assert_int_equal(sc.gmp.gomaxprocs, 7);
	sc_free(&sc);
}

static void test_missing_include(void **state)
{
	(void)state;
	const char *s = put("s.yaml", "name: s\ninclude: nope.yaml\nmodels: { gmp: }\n" BODY);
	char want[600];
	snprintf(want, sizeof want, "%s:2:10: cannot include 'nope.yaml': %s/nope.yaml: No such file", s, dir);
	load_fails(s, NULL, want, "");
}

static void test_include_cycle_refused(void **state)
{
	(void)state;
	put("a.yaml", "include: b.yaml\n");
	const char *b = put("b.yaml", "kernel: { switch: 1us }\ninclude: s.yaml\n");
	const char *s = put("s.yaml", "name: s\ninclude: a.yaml\nmodels: { gmp: }\n" BODY);
	char want[600];
	snprintf(want, sizeof want, "%s:2:10: include cycle: ", b);
	load_fails(s, NULL, want, "s.yaml -> ");
}

static void test_include_depth_refused(void **state)
{
	(void)state;
	char name[32], text[64];
	for (int i = 0; i < 12; i++) {
		snprintf(name, sizeof name, "d%d.yaml", i);
		snprintf(text, sizeof text, "include: d%d.yaml\n", i + 1);
		put(name, text);
	}
	put("d12.yaml", "kernel: { switch: 1us }\n");
	const char *s = put("s.yaml", "name: s\ninclude: d0.yaml\nmodels: { gmp: }\n" BODY);
	load_fails(s, NULL, dir, "includes nested deeper than 8 files");
}

/* A syntax error, an unknown key and a bad value in an included file are
 * positioned in that file. */
static void test_errors_name_the_included_file(void **state)
{
	(void)state;
	const char *s = put("s.yaml", "name: s\ninclude: inc.yaml\nmodels: { gmp: }\n" BODY);
	char want[600];
	put("inc.yaml", "kernel:\n  switch: [1us\n");
	snprintf(want, sizeof want, "%s/inc.yaml:3:1: YAML syntax error", dir);
	load_fails(s, NULL, want, "");
	put("inc.yaml", "kernel:\n  swich: 1us\n");
	snprintf(want, sizeof want, "%s/inc.yaml:2:3: unknown key 'swich' in 'kernel' (did you mean 'switch'?)", dir);
	load_fails(s, NULL, want, "");
	put("inc.yaml", "kernel:\n  switch: fast\n");
	snprintf(want, sizeof want, "%s/inc.yaml:2:11: bad duration 'fast': not a number", dir);
	load_fails(s, NULL, want, "");
	put("inc.yaml", "- a list\n");
	snprintf(want, sizeof want, "%s/inc.yaml:1:1: expected a mapping at the top of the file, got a sequence", dir);
	load_fails(s, NULL, want, "");
	const char *s2 = put("s2.yaml", "name: s\ninclude: { a: 1 }\nmodels: { gmp: }\n" BODY);
	snprintf(want, sizeof want, "%s:2:10: expected a file name or a list of file names, got a mapping", s2);
	load_fails(s2, NULL, want, "");
}

static void test_profile_errors(void **state)
{
	(void)state;
	const char *s = put("s.yaml", "name: s\nmodels: { gmp: }\n" BODY);
	char path[600], want[700];
	snprintf(path, sizeof path, "%s/missing.yaml", dir);
	snprintf(want, sizeof want, "%s: cannot open: No such file or directory", path);
	load_fails(s, path, want, "");
	const char *bad = put("bad.yaml", "kernel:\n  wake: 2us\n  wake: 3us\n");
	snprintf(want, sizeof want, "%s:3:3: duplicate key 'wake' (first at line 2)", bad);
	load_fails(s, bad, want, "");
}

/* validate --print shows each value's source, the profile's included. */
static void test_validate_print_provenance(void **state)
{
	(void)state;
	const char *prof = put("prof.yaml", "kernel:\n  wake: 9us\n");
	const char *s = put("s.yaml", "name: s\nmodels: { gmp: }\n" BODY);
	char args[1200], want[700];
	static char out[65536];
	snprintf(args, sizeof args, "validate %s --profile %s --print --set kernel.syscall=1us", s, prof);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	snprintf(want, sizeof want, "# waker's CPU for a wake-up [ns]; from profile %s:2\n", prof);
	const char *line = strstr(out, "\nkernel.wake=9000 ");
	assert_non_null(line);
	assert_non_null(strstr(line, want));
	assert_non_null(strstr(out, "\nkernel.syscall=1000 "));
	assert_non_null(strstr(out, "[ns]; from --set kernel.syscall=1us\n"));
	assert_non_null(strstr(out, "[ns]; from default\n"));
	snprintf(want, sizeof want, "\nname=s%*s# scenario name; from scenario %s:1\n", 40, "", s);
	assert_non_null(strstr(out, want));
}

/* --profile reaches the runs of every command that simulates: a run, the
 * repetitions (the sweep path) and capacity's probes store its value. */
static void test_profile_in_run_sweep_capacity(void **state)
{
	(void)state;
	const char *prof = put("prof.yaml", "kernel:\n  wake: 9us\n");
	const char *s = put("s.yaml", "name: s\nmodels: { gmp: }\n" BODY);
	static const char *const cmds[] = { "%s --profile %s -q -o %s",
					    "%s --reps 2 --profile %s -q -o %s",
					    "sweep %s --set models.gmp.gomaxprocs=1,2 --profile %s -q -o %s",
					    "capacity %s --slo p99<50ms --rate-lo 10/s --rate-hi 40/s --profile %s -q -o %s" };
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		char db[600], args[2000], out[8192];
		snprintf(db, sizeof db, "%s/r%zu.db", dir, i);
		snprintf(args, sizeof args, cmds[i], s, prof, db);
		char quoted[2100];
		snprintf(quoted, sizeof quoted, "%s", args);
		char *lt = strchr(quoted, '<');
		if (lt) { /* the SLO's '<' must reach gmpsim, not the shell */
			memmove(lt + 1, lt, strlen(lt) + 1);
			*lt = '\\';
		}
		int rc = tu_run_gmpsim(quoted, out, sizeof out);
		if (rc)
			fail_msg("%s: exit %d: %s", quoted, rc, out);
		assert_int_equal(tu_query_int(db, "select count(distinct value) from params where key='kernel.wake'"), 1);
		assert_int_equal(tu_query_int(db, "select min(value) from params where key='kernel.wake'"), 9000);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_precedence_and_provenance),
		cmocka_unit_test(test_relative_paths_and_list_order),
		cmocka_unit_test(test_models_configured_never_enabled),
		cmocka_unit_test(test_models_block_merged_under_scenario_keys),
		cmocka_unit_test(test_missing_include),
		cmocka_unit_test(test_include_cycle_refused),
		cmocka_unit_test(test_include_depth_refused),
		cmocka_unit_test(test_errors_name_the_included_file),
		cmocka_unit_test(test_profile_errors),
		cmocka_unit_test(test_validate_print_provenance),
		cmocka_unit_test(test_profile_in_run_sweep_capacity),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
