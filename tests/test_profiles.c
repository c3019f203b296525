/* tests/test_profiles.c — the shipped profiles in analysis/profiles: each loads
 * as a --profile; analysis/profiles/default.yaml, the shipped defaults as a
 * profile, is `gmpsim calibrate --costs-only` output (its header says so, it
 * has no machine: block), holds exactly the parameter table's defaults (so
 * the numbers and their provenance cannot drift apart: a difference is
 * named) and covers every parameter `gmpsim calibrate` measures. */
#include "testutil.h"

#include <dirent.h>

#include "calib.h"
#include "scenario.h"

#define MINIMAL "name: m\nduration: 1s\nmodels: { gmp: , threads: , pool: }\n" \
	"workload:\n  r:\n    arrival: { poisson: 10/s }\n    program: [ { cpu: 1ms } ]\n"

static const struct sc_param *find(const struct scenario *sc, const char *key)
{
	for (int i = 0; i < sc->nparams; i++)
		if (strcmp(sc->params[i].key, key) == 0)
			return &sc->params[i];
	return NULL;
}

static void load(const char *profile, struct scenario *sc)
{
	char err[1024];
	char *path = tu_write_temp(MINIMAL, ".yaml");
	assert_non_null(path);
	struct sc_sources src = { profile, NULL, 0 };
	int rc = sc_load_from(path, &src, sc, err, sizeof err);
	unlink(path);
	free(path);
	if (rc)
		fail_msg("%s", err);
}

/* How many of profile's values come from it; fails naming every value that
 * differs from the table's default. */
static int equal_to_table(const char *profile)
{
	struct scenario plain, prof;
	load(NULL, &plain);
	load(profile, &prof);
	int from_profile = 0, differ = 0;
	for (int i = 0; i < prof.nparams; i++) {
		const struct sc_param *p = &prof.params[i], *d = find(&plain, p->key);
		if (strncmp(p->from, "profile ", 8) != 0)
			continue;
		from_profile++;
		if (!d || strcmp(d->value, p->value) != 0) {
			fprintf(stderr, "%s: the table's default is %s, %s says %s\n", p->key, d ? d->value : "(none)",
				p->from, p->value);
			differ++;
		}
	}
	assert_int_equal(differ, 0);
	sc_free(&plain);
	sc_free(&prof);
	return from_profile;
}

static void test_default_profile_equals_table(void **state)
{
	(void)state;
	assert_true(equal_to_table("analysis/profiles/default.yaml") >= calib_param_count());
	struct scenario prof;
	load("analysis/profiles/default.yaml", &prof);
	for (int i = 0; i < calib_param_count(); i++) {
		const char *key = calib_param_key(i);
		const struct sc_param *p = find(&prof, key);
		if (!p || strncmp(p->from, "profile ", 8) != 0)
			fail_msg("analysis/profiles/default.yaml does not set %s, which calibrate measures", key);
	}
	sc_free(&prof);
}

/* default.yaml is calibrate's own output, filtered by --costs-only: the
 * header's first line, the filter's note, no machine: block, no memory. */
static void test_default_profile_is_calibrate_output(void **state)
{
	(void)state;
	FILE *f = fopen("analysis/profiles/default.yaml", "r");
	assert_non_null(f);
	char line[1024];
	int n = 0, machine = 0, memory = 0, note = 0;
	while (fgets(line, sizeof line, f)) {
		if (++n == 1 && strncmp(line, CALIB_PROFILE_MAGIC, strlen(CALIB_PROFILE_MAGIC)) != 0)
			fail_msg("analysis/profiles/default.yaml:1: not written by gmpsim calibrate: %s", line);
		note += n == 2 && strncmp(line, "# --costs-only:", 15) == 0;
		machine += strncmp(line, "machine:", 8) == 0;
		memory += strncmp(line, "  memory:", 9) == 0;
	}
	fclose(f);
	assert_int_equal(note, 1);
	assert_int_equal(machine, 0);
	assert_int_equal(memory, 0);
}

/* Every shipped profile loads and sets at least the kernel costs. */
static void test_every_shipped_profile_loads(void **state)
{
	(void)state;
	DIR *d = opendir("analysis/profiles");
	assert_non_null(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 5, ".yaml") != 0)
			continue;
		char path[512];
		snprintf(path, sizeof path, "analysis/profiles/%s", e->d_name);
		struct scenario sc;
		load(path, &sc);
		const struct sc_param *p = find(&sc, "kernel.switch");
		assert_non_null(p);
		if (strncmp(p->from, "profile ", 8) != 0)
			fail_msg("%s does not set kernel.switch", path);
		sc_free(&sc);
		n++;
	}
	closedir(d);
	assert_true(n >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_profile_equals_table),
		cmocka_unit_test(test_default_profile_is_calibrate_output),
		cmocka_unit_test(test_every_shipped_profile_loads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
