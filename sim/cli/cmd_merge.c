/* sim/cli/cmd_merge.c — `gmpsim merge OUT.db IN.db...`. Every input must be a
 * sweep database of the same sweep (the same meta sweep_fingerprint). Runs
 * are taken by run number; a run number in two inputs must have the same
 * content (compared with sdb_run_digest) or the merge fails. The output
 * gets run_id = run_number + 1 in run-number order, so merging the parts
 * of a sweep gives the rows the whole sweep writes; it is built in a
 * temporary file and renamed into place. Must not run simulations. */
#include "cmd_merge.h"
#include "cli.h"
#include "db.h"
#include "sweep_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct source {
	int64_t number;
	int input;
};

static int by_number(const void *a, const void *b)
{
	const struct source *x = a, *y = b;
	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	return x->input - y->input;
}

static int read_inputs(int n, char **paths, struct sdb_info *in)
{
	char err[1024];
	for (int i = 0; i < n; i++) {
		if (sdb_read(paths[i], &in[i], err, sizeof err)) {
			return cli_error("merge", EXIT_USAGE, "%s", err);
		}
		if (strcmp(in[i].fingerprint, in[0].fingerprint) != 0) {
			return cli_error("merge", EXIT_USAGE, "%s is from a different sweep than %s (fingerprint %s vs %s)",
					 paths[i], paths[0], in[i].fingerprint, in[0].fingerprint);
		}
	}
	return 0;
}

/* All (run number, input) pairs, sorted, duplicates checked and dropped. */
static struct source *collect(int n, struct sdb_info *in, int64_t *count)
{
	int64_t total = 0, k = 0;
	for (int i = 0; i < n; i++)
		total += in[i].n;
	struct source *s = malloc((size_t)(total ? total : 1) * sizeof *s);
	if (!s) {
		cli_error("merge", EXIT_USAGE, "out of memory");
		return NULL;
	}
	for (int i = 0; i < n; i++)
		for (int64_t j = 0; j < in[i].n; j++)
			s[k++] = (struct source){ in[i].numbers[j], i };
	qsort(s, (size_t)total, sizeof *s, by_number);
	int64_t out = 0;
	for (int64_t j = 0; j < total; j++) {
		if (out && s[out - 1].number == s[j].number) {
			char err[1024];
			uint64_t a, b;
			const char *pa = in[s[out - 1].input].path, *pb = in[s[j].input].path;
			if (sdb_run_digest(pa, s[j].number, &a, err, sizeof err) ||
			    sdb_run_digest(pb, s[j].number, &b, err, sizeof err)) {
				cli_error("merge", EXIT_USAGE, "%s", err);
				free(s);
				return NULL;
			}
			if (a != b) {
				cli_error("merge", EXIT_USAGE, "run %lld is in %s and in %s with different content",
					  (long long)s[j].number, pa, pb);
				free(s);
				return NULL;
			}
			continue; /* the same run twice: keep the first */
		}
		s[out++] = s[j];
	}
	*count = out;
	return s;
}

/* Copies each stretch of consecutive runs that come from one input. */
static int copy_all(struct db *db, struct sdb_info *in, const struct source *s, int64_t n)
{
	char err[1024];
	for (int64_t j = 0; j < n;) {
		int64_t e = j + 1;
		while (e < n && s[e].input == s[j].input)
			e++;
		if (sdb_copy_runs(db, in[s[j].input].path, s[j].number, s[e - 1].number + 1, err, sizeof err)) {
			return cli_error("merge", -1, "%s", err);
		}
		j = e;
	}
	return 0;
}

static int merge(const char *out, int n, char **paths, struct sdb_info *in, bool quiet)
{
	int64_t count = 0;
	struct source *s = collect(n, in, &count);
	if (!s)
		return EXIT_USAGE;
	char err[1024];
	struct db *db = db_create(out, err, sizeof err);
	int rc = db ? 0 : -1;
	if (rc == 0 && sdb_copy_meta(db, paths[0], err, sizeof err))
		rc = -1;
	if (rc)
		cli_error("merge", rc, "%s", err);
	if (rc == 0)
		rc = copy_all(db, in, s, count);
	free(s);
	if (rc) {
		db_close_abort(db);
		return EXIT_USAGE;
	}
	if (db_close_commit(db, err, sizeof err))
		return cli_error("merge", EXIT_USAGE, "%s", err);
	if (!quiet)
		printf("merged %lld run(s) from %d database(s) into %s (the sweep has %s)\n", (long long)count, n,
		       out, in[0].runs);
	return 0;
}

#define MERGE_USAGE "usage: gmpsim merge [-q] OUT.db IN.db..."

int cmd_merge_main(int argc, char **argv)
{
	bool quiet = false;
	int first = 1;
	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		printf(MERGE_USAGE "\n"
		       "\n"
		       "Combines the databases of one sweep, written part by part (a Slurm job\n"
		       "array, GNU parallel: gmpsim sweep ... --run N -o part-N.db), into OUT.db.\n"
		       "Every input must carry the same sweep fingerprint (scenario content,\n"
		       "overrides, axes, models, reps, seed); a run found in two inputs must have\n"
		       "identical rows; run_ids become run_number + 1, so the result has the same\n"
		       "rows as the whole sweep run at once. OUT.db is written to a temporary file\n"
		       "and renamed; a damaged, foreign or non-sweep input is an error naming the\n"
		       "file, and nothing is written.\n"
		       "\n"
		       "  -q, --quiet   no summary line\n"
		       "  -h, --help    this help\n"
		       "\n"
		       "exit status: 0 ok, 2 bad usage or an input that cannot be merged\n");
		return 0;
	}
	if (argc > 1 && (strcmp(argv[1], "-q") == 0 || strcmp(argv[1], "--quiet") == 0))
		quiet = true, first = 2;
	if (argc - first < 2)
		return cli_usage_error("merge", "expected OUT.db and at least one IN.db (" MERGE_USAGE ")");
	int n = argc - first - 1;
	struct sdb_info *in = calloc((size_t)n, sizeof *in);
	if (!in)
		return EXIT_USAGE;
	int rc = read_inputs(n, argv + first + 1, in);
	if (rc == 0)
		rc = merge(argv[first], n, argv + first + 1, in, quiet);
	for (int i = 0; i < n; i++)
		sdb_info_free(&in[i]);
	free(in);
	return rc;
}
