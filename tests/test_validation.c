/* tests/test_validation.c — the model side of the validation suite
 * (analysis/validate, README "Validation"): every case in cases.tsv is run
 * in gmpsim and its prediction compared with what the real program
 * measured on the reference machine (measured.csv, committed by `make
 * validate`). A prediction must stay within the case's tolerance unless
 * discrepancies.tsv lists it (case and metric as shell patterns) with the
 * mechanism believed missing; a listed row that comes within tolerance is
 * reported, not failed.
 *
 * The table it prints (stderr) is the README's; with VALIDATE_TABLE=PATH
 * it is also written there as Markdown (`make validate` does that). With
 * VALIDATE_PROFILE=PATH every case runs with `--profile PATH` instead of
 * the shipped defaults (to compare a machine profile's predictions). The
 * expected figures are measurements only — nothing here comes from the
 * model's own output. */
#include "testutil.h"
#include <fnmatch.h>
#include <math.h>
#include <string.h>

#define DIR "analysis/validate/"
enum { MAX_ROWS = 1024, MAX_RUNS = 256, FIELD = 512 };

struct vrow {
	char cs[64], metric[64], unit[16], scenario[64], model[16], sets[FIELD], gm[64], tf[64], tol[32];
	double med, lo, hi, pred;
	bool measured, predicted, open;
	int run;  /* index into runs[] */
};

static struct vrow rows[MAX_ROWS];
static int nrows;
static char runs[MAX_RUNS][3 * FIELD];  /* "scenario\tmodel\tsets" */
static char rundb[MAX_RUNS][128];
static int nruns;

/* Splits line at sep into at most n fields (in place); returns the count. */
static int split(char *line, char sep, char **f, int n)
{
	int k = 0;
	line[strcspn(line, "\r\n")] = 0;
	for (char *p = line; k < n; p++) {
		f[k++] = p;
		p = strchr(p, sep);
		if (!p)
			break;
		*p = 0;
	}
	return k;
}

/* A field copied whole, or the test fails naming it: a truncated case or
 * reason would be checked or printed short without a word. */
#define COPY(dst, src)                                                          \
	do {                                                                    \
		if ((size_t)snprintf((dst), sizeof(dst), "%s", (src)) >= sizeof(dst)) \
			fail_msg("validation field longer than %zu bytes: %.60s...", \
				 sizeof(dst) - 1, (src));                       \
	} while (0)

/* fgets that fails on a line longer than the buffer instead of splitting it. */
static char *whole_line(char *buf, int size, FILE *f, const char *file)
{
	if (!fgets(buf, size, f))
		return NULL;
	size_t n = strlen(buf);
	if (n == (size_t)size - 1 && buf[n - 1] != '\n' && !feof(f))
		fail_msg("%s: a line longer than %d bytes: %.60s...", file, size - 1, buf);
	return buf;
}

static void load_cases(void)
{
	FILE *f = fopen(DIR "cases.tsv", "r");
	assert_non_null(f);
	char line[4096], *c[12];
	assert_non_null(whole_line(line, sizeof line, f, "cases.tsv")); /* header */
	while (whole_line(line, sizeof line, f, "cases.tsv")) {
		if (split(line, '\t', c, 12) < 10 || strcmp(c[4], "-") == 0)
			continue;
		if (nrows == MAX_ROWS)
			fail_msg("cases.tsv: more than %d rows", MAX_ROWS);
		struct vrow *r = &rows[nrows++];
		COPY(r->cs, c[0]); COPY(r->metric, c[1]); COPY(r->unit, c[2]); COPY(r->scenario, c[4]);
		COPY(r->model, c[5]); COPY(r->sets, c[6]); COPY(r->gm, c[7]); COPY(r->tf, c[8]); COPY(r->tol, c[9]);
	}
	fclose(f);
}

static struct vrow *find_row(const char *cs, const char *metric)
{
	for (int i = 0; i < nrows; i++)
		if (strcmp(rows[i].cs, cs) == 0 && strcmp(rows[i].metric, metric) == 0)
			return &rows[i];
	return NULL;
}

static void load_measured(void)
{
	FILE *f = fopen(DIR "measured.csv", "r");
	assert_non_null(f);
	char line[1024], *c[8];
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '#' || strncmp(line, "case,", 5) == 0 || split(line, ',', c, 8) < 6)
			continue;
		struct vrow *r = find_row(c[0], c[1]);
		if (!r)
			continue;
		r->med = atof(c[3]), r->lo = atof(c[4]), r->hi = atof(c[5]);
		r->measured = true;
	}
	fclose(f);
}

static char *open_lines[128];  /* discrepancies.tsv as Markdown list items */
static int nopen;

static void load_discrepancies(void)
{
	FILE *f = fopen(DIR "discrepancies.tsv", "r");
	if (!f)
		return;
	char line[16384], *c[3];
	while (whole_line(line, sizeof line, f, "discrepancies.tsv")) {
		if (line[0] == '#' || split(line, '\t', c, 3) < 3 || strcmp(c[0], "case") == 0)
			continue;
		if (!*c[2])
			fail_msg("discrepancies.tsv: %s / %s gives no reason", c[0], c[1]);
		int hits = 0;
		for (int i = 0; i < nrows; i++)
			if (fnmatch(c[0], rows[i].cs, 0) == 0 && fnmatch(c[1], rows[i].metric, 0) == 0) {
				rows[i].open = true;
				hits++;
			}
		if (!hits)
			fail_msg("discrepancies.tsv: %s / %s matches no case in cases.tsv", c[0], c[1]);
		if (nopen == (int)(sizeof open_lines / sizeof open_lines[0]))
			fail_msg("discrepancies.tsv: more than %d lines", nopen);
		if (asprintf(&open_lines[nopen++], "- `%s` / `%s`: %s", c[0], c[1], c[2]) < 0)
			fail_msg("out of memory");
	}
	fclose(f);
}

/* ---- predictions ---------------------------------------------------------- */

static int run_index(const struct vrow *r)
{
	char key[3 * FIELD];
	snprintf(key, sizeof key, "%s\t%s\t%s", r->scenario, r->model, r->sets);
	for (int i = 0; i < nruns; i++)
		if (strcmp(runs[i], key) == 0)
			return i;
	assert_true(nruns < MAX_RUNS);
	COPY(runs[nruns], key);
	snprintf(rundb[nruns], sizeof rundb[nruns], "build/tmp/validate-%d.db", nruns);
	char args[4 * FIELD], out[4096];
	const char *prof = getenv("VALIDATE_PROFILE");
	snprintf(args, sizeof args, DIR "scenarios/%s --model %s -q -o %s %s%s%s", r->scenario, r->model,
		 rundb[nruns], r->sets, prof ? " --profile " : "", prof ? prof : "");
	if (tu_run_gmpsim(args, out, sizeof out) != 0)
		fail_msg("gmpsim %s: %s", args, out);
	return nruns++;
}

/* "x", "x/1e6", "x*2", "x/3000/1e3": x then a chain of * and / by numbers. */
static double transform(const char *tf, double x)
{
	const char *p = tf;
	assert_true(*p == 'x');
	for (p++; *p;) {
		char op = *p++;
		char *end;
		double v = strtod(p, &end);
		assert_true(end != p && (op == '*' || op == '/'));
		x = op == '*' ? x * v : x / v;
		p = end;
	}
	return x;
}

static bool metric_of(const char *db, const char *name, double *v)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	bool ok = false;
	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "select value from metrics where name = ?1", -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*v = sqlite3_column_double(st, 0);
		ok = true;
	}
	tu_query_done(h, st);
	return ok;
}

/* "abs 2", "rel 0.15", "abs 2|rel 0.15" (either holds). */
static bool within(const char *tol, double want, double got)
{
	char buf[32];
	COPY(buf, tol);
	for (char *alt = strtok(buf, "|"); alt; alt = strtok(NULL, "|")) {
		double t = atof(alt + 4);
		if (strncmp(alt, "abs ", 4) == 0 && fabs(got - want) <= t)
			return true;
		if (strncmp(alt, "rel ", 4) == 0 && fabs(got - want) <= t * fabs(want))
			return true;
	}
	return false;
}

/* ---- the table -------------------------------------------------------------- */

static const char *verdict(const struct vrow *r)
{
	if (!r->predicted)
		return "no prediction";
	bool ok = within(r->tol, r->med, r->pred);
	return ok ? (r->open ? "ok (listed open)" : "ok") : (r->open ? "OPEN" : "FAIL");
}

static void print_row(FILE *f, const struct vrow *r)
{
	double err = r->med != 0 ? 100 * (r->pred / r->med - 1) : NAN;
	fprintf(f, "| %s | %s | %.4g [%.4g–%.4g] %s | %.4g | %+.0f%% | %s | %s |\n", r->cs, r->metric, r->med, r->lo,
		r->hi, r->unit, r->pred, err, r->tol, verdict(r));
}

/* One line naming the costs used and counting the verdicts. */
static void write_summary(FILE *f)
{
	const char *names[] = { "ok", "ok (listed open)", "OPEN", "FAIL", "no prediction" };
	int n[5] = { 0 }, total = 0;
	for (int i = 0; i < nrows; i++)
		for (int k = 0; k < 5 && rows[i].measured; k++)
			if (strcmp(verdict(&rows[i]), names[k]) == 0)
				n[k]++, total++;
	const char *prof = getenv("VALIDATE_PROFILE");
	fprintf(f, "Model side: %s%s. %d rows: %d within tolerance (%d ok, %d ok but listed open), %d OPEN, %d FAIL,"
		   " %d without a prediction.\n\n",
		prof ? "--profile " : "the shipped defaults (analysis/profiles/default.yaml)", prof ? prof : "", total,
		n[0] + n[1], n[0], n[1], n[2], n[3], n[4]);
}

static void write_table(FILE *f)
{
	write_summary(f);
	fprintf(f, "| case | metric | measured median [min–max] | predicted | error | tolerance | |\n"
		   "|---|---|---|---|---|---|---|\n");
	for (int i = 0; i < nrows; i++)
		if (rows[i].measured)
			print_row(f, &rows[i]);
	fprintf(f, "\nOPEN rows, and the mechanism believed missing (discrepancies.tsv):\n\n");
	for (int i = 0; i < nopen; i++)
		fprintf(f, "%s\n", open_lines[i]);
}

static void test_predictions_hold(void **state)
{
	(void)state;
	load_cases();
	load_measured();
	load_discrepancies();
	int failed = 0;
	for (int i = 0; i < nrows; i++) {
		struct vrow *r = &rows[i];
		if (!r->measured)
			continue;
		r->run = run_index(r);
		double x;
		if ((r->predicted = metric_of(rundb[r->run], r->gm, &x)))
			r->pred = transform(r->tf, x);
		if (!r->open && (!r->predicted || !within(r->tol, r->med, r->pred)))
			failed++;
	}
	write_table(stderr);
	const char *path = getenv("VALIDATE_TABLE");
	FILE *f = path ? fopen(path, "w") : NULL;
	if (f) {
		write_table(f);
		fclose(f);
	}
	for (int i = 0; i < nruns; i++)
		unlink(rundb[i]);
	if (failed)
		fail_msg("%d validated prediction(s) outside their tolerance (FAIL rows above)", failed);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_predictions_hold) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
