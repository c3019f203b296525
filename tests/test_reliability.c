/* tests/test_reliability.c — the defects of issue 12 that ./gmpsim must
 * never show again, end to end: an output path that is a device, FIFO,
 * directory or a link to one is refused before simulating (exit 2, the
 * node untouched); closed-loop clients that can never advance virtual
 * time fail the run with a message (exit 1, the run stored as failed)
 * instead of hanging; a FIFO as the scenario is refused instead of
 * blocking in open(); and the other rows (D4, D5, D7, D9, D12). Scratch
 * files live in a fresh build/tmp/rel-XXXXXX directory per test. */
#include "testutil.h"
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/types.h>

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static mode_t mode_of(const char *path)
{
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode;
}

#define SHORT "scenarios/10k_rps.yaml --model pool --set duration=50ms --set warmup=10ms -q"

/* A node gmpsim must not replace: a character device made here when root
 * (never a real one), else a FIFO. */
static void make_node(const char *path)
{
	if (geteuid() == 0) {
		char cmd[512];
		snprintf(cmd, sizeof cmd, "mknod '%s' c 1 3", path);
		assert_int_equal(system(cmd), 0);
		assert_true(S_ISCHR(mode_of(path)));
	} else {
		assert_int_equal(mkfifo(path, 0600), 0);
	}
}

static bool node_intact(const char *path)
{
	mode_t m = mode_of(path);
	return geteuid() == 0 ? S_ISCHR(m) : S_ISFIFO(m);
}

/* D1: -o onto a device node, a FIFO, a link to one, a directory: exit 2
 * before simulating, the node left as it was, no temporary file. */
static void test_output_never_replaces_a_non_regular_file(void **state)
{
	(void)state;
	char *d = tu_scratch("rel"), node[256], fifo[256], link[256], dangling[256], args[1024];
	static char out[1 << 14];
	snprintf(node, sizeof node, "%s/fk", d);
	snprintf(fifo, sizeof fifo, "%s/ff", d);
	snprintf(link, sizeof link, "%s/lk", d);
	snprintf(dangling, sizeof dangling, "%s/dl", d);
	make_node(node);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(symlink("fk", link), 0);
	assert_int_equal(symlink("nowhere/x.db", dangling), 0);
	const char *targets[] = { node, fifo, link, dangling, d };
	for (size_t i = 0; i < sizeof targets / sizeof *targets; i++) {
		snprintf(args, sizeof args, SHORT " -o '%s'", targets[i]);
		int rc = tu_run_gmpsim(args, out, sizeof out);
		if (rc != 2)
			fprintf(stderr, "-o %s: exit %d: %s\n", targets[i], rc, out);
		assert_int_equal(rc, 2);
		assert_non_null(strstr(out, "refusing to"));
		assert_null(strstr(out, "pool on")); /* refused before simulating */
	}
	assert_true(node_intact(node));
	assert_true(S_ISFIFO(mode_of(fifo)));
	assert_true(S_ISLNK(mode_of(link)) && S_ISLNK(mode_of(dangling)));
	assert_int_equal(tu_temp_files(d), 0);
	tu_rm_rf(d);
	free(d);
}

/* D1: merge OUT and export -o are refused the same way. */
static void test_merge_and_export_refuse_a_device(void **state)
{
	(void)state;
	char *d = tu_scratch("rel"), node[256], db[256], args[1024];
	static char out[1 << 14];
	snprintf(node, sizeof node, "%s/fk", d);
	snprintf(db, sizeof db, "%s/in.db", d);
	make_node(node);
	snprintf(args, sizeof args, SHORT " --trace -o '%s'", db);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	snprintf(args, sizeof args, SHORT " --reps 1 -o '%s/sw.db'", d); /* merge takes sweep databases */
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	snprintf(args, sizeof args, "merge -q '%s' '%s/sw.db'", node, d);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 2);
	assert_non_null(strstr(out, "refusing to replace"));
	assert_true(node_intact(node));
	snprintf(args, sizeof args, "export '%s' --run 1 -o '%s'", db, node);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 2);
	assert_non_null(strstr(out, "refusing to replace"));
	assert_true(node_intact(node));
	assert_int_equal(tu_temp_files(d), 0);
	tu_rm_rf(d);
	free(d);
}

/* A symbolic link to a regular file: the file is replaced, the link kept. */
static void test_output_through_a_link_to_a_regular_file(void **state)
{
	(void)state;
	char *d = tu_scratch("rel"), file[256], link[256], args[1024];
	static char out[1 << 14];
	snprintf(file, sizeof file, "%s/real.db", d);
	snprintf(link, sizeof link, "%s/link.db", d);
	write_file(file, "old\n");
	assert_int_equal(symlink("real.db", link), 0);
	snprintf(args, sizeof args, SHORT " --force -o '%s'", link);  /* "old\n" is no results database */
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	assert_true(S_ISLNK(mode_of(link)));
	assert_int_equal(tu_query_int(file, "select count(*) from runs"), 1);
	tu_rm_rf(d);
	free(d);
}

/* D11: think 0 and requests that fail at once (a thread limit, a full
 * pool queue), or a co-located class with a zero-time program: the run
 * fails naming the class instead of hanging (timeout makes a hang fail). */
static void test_no_progress_fails_the_run(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "threads: { runtime: native }", "kernel: { max_threads: 1 }\n" },
		{ "pool: { workers: 1, queue: 1 }", "" },
	};
	char *d = tu_scratch("rel"), yaml[256], db[256], args[1024];
	static char out[1 << 14];
	for (int i = 0; i < 3; i++) {
		char text[2048];
		if (i < 2)
			snprintf(text, sizeof text,
				 "name: stuck\nduration: 1s\nwarmup: 0s\nmachine: { cores: 2 }\n%s"
				 "acceptor: { enabled: false }\nmodels:\n  %s\nworkload:\n  req:\n"
				 "    arrival: { closed: { clients: 4, think: 0 } }\n    program: [ { cpu: 100us } ]\n",
				 cases[i][1], cases[i][0]);
		else
			snprintf(text, sizeof text,
				 "name: stuck\nduration: 1s\nwarmup: 0s\nmachine: { cores: 2 }\n"
				 "models:\n  pool: { workers: 2 }\nworkload:\n  req:\n"
				 "    arrival: { poisson: 100/s }\n    program: [ { cpu: 100us } ]\n"
				 "  side:\n    colocated: true\n    arrival: { closed: { clients: 2, think: 0 } }\n"
				 "    program: [ { cpu: 0 } ]\n");
		snprintf(yaml, sizeof yaml, "%s/s%d.yaml", d, i);
		snprintf(db, sizeof db, "%s/s%d.db", d, i);
		write_file(yaml, text);
		snprintf(args, sizeof args, "timeout 60 %s '%s' -q -o '%s' 2>&1", tu_gmpsim(), yaml, db);
		int rc = tu_popen(args, out, sizeof out);
		if (rc != 1)
			fprintf(stderr, "case %d: exit %d: %s\n", i, rc, out);
		assert_int_equal(rc, 1);
		assert_non_null(strstr(out, "no progress"));
		assert_non_null(strstr(out, i < 2 ? "class 'req'" : "class 'side'"));
		assert_int_equal(tu_query_int(db, "select count(*) from runs where status='failed' "
					      "and error like 'no progress%'"), 1);
	}
	assert_int_equal(tu_temp_files(d), 0);
	tu_rm_rf(d);
	free(d);
}

/* D8: a FIFO (or a directory) as the scenario is refused at once instead
 * of blocking in open() (timeout turns a hang into a failure). */
static void test_scenario_must_be_a_regular_file(void **state)
{
	(void)state;
	char *d = tu_scratch("rel"), fifo[256], args[1024];
	static char out[1 << 14];
	snprintf(fifo, sizeof fifo, "%s/s.yaml", d);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	const char *fmt[] = { "timeout 20 %s '%s' -q -o '%s/r.db' 2>&1", "timeout 20 %s validate '%s' 2>&1 #%s" };
	for (int i = 0; i < 2; i++) {
		snprintf(args, sizeof args, fmt[i], tu_gmpsim(), fifo, d);
		assert_int_equal(tu_popen(args, out, sizeof out), 2);
		assert_non_null(strstr(out, "it is a FIFO, not a regular file"));
	}
	snprintf(args, sizeof args, "validate '%s'", d);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 2);
	assert_non_null(strstr(out, "it is a directory, not a regular file"));
	tu_rm_rf(d);
	free(d);
}

/* D5, D7: a file-size limit (ulimit -f, in KiB for bash) met while the
 * database is written — at the schema, a run or the indexes — ends a run
 * and a sweep alike: exit 2 (not SIGXFSZ, not 1), EFBIG named, no
 * temporary file and no database left. */
static void test_file_size_limit_is_an_error_not_a_signal(void **state)
{
	(void)state;
	char *d = tu_scratch("rel"), cmd[2048];
	static char out[1 << 14];
	const int limits[] = { 20, 60, 80 };
	for (size_t i = 0; i < sizeof limits / sizeof *limits; i++)
		for (int sweep = 0; sweep < 2; sweep++) {
			snprintf(cmd, sizeof cmd, "bash -c 'ulimit -f %d; exec %s " SHORT " %s -o %s/x.db' 2>&1",
				 limits[i], tu_gmpsim(), sweep ? "--reps 2" : "", d);
			int rc = tu_popen(cmd, out, sizeof out);
			if (rc != 2)
				fprintf(stderr, "ulimit -f %d%s: exit %d: %s\n", limits[i], sweep ? " sweep" : "", rc, out);
			assert_int_equal(rc, 2);
			assert_non_null(strstr(out, "File too large"));
			assert_int_equal(tu_temp_files(d), 0);
			snprintf(cmd, sizeof cmd, "%s/x.db", d);
			assert_int_equal(access(cmd, F_OK), -1);
		}
	tu_rm_rf(d);
	free(d);
}

/* D4, D9: messages that say what happened. */
static void test_clear_messages(void **state)
{
	(void)state;
	char *d = tu_scratch("rel"), args[1024], path[256];
	static char out[1 << 14];
	/* calloc failing for a billion pool workers: the message is written */
	snprintf(args, sizeof args, SHORT " --set models.pool.workers=1000000000 -o %s/w.db", d);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 2);
	assert_non_null(strstr(out, "pool: out of memory for 1000000000 workers (models.pool.workers)"));
	/* /proc exists: it refuses new files */
	if (access("/proc/self", F_OK) == 0) {
		assert_int_equal(tu_run_gmpsim(SHORT " -o /proc/gmpsim-r.db", out, sizeof out), 2);
		assert_null(strstr(out, "does not exist"));
		assert_non_null(strstr(out, "does not accept new files"));
	}
	/* a damaged sweep database: the damage, not "not an error" */
	snprintf(path, sizeof path, "%s/sw.db", d);
	snprintf(args, sizeof args, SHORT " --reps 1 -o %s", path);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 0);
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	char junk[3000];
	memset(junk, 0xff, sizeof junk);
	assert_int_equal(fseek(f, 4096 * 3, SEEK_SET), 0);
	assert_int_equal(fwrite(junk, 1, sizeof junk, f), sizeof junk);
	assert_int_equal(fclose(f), 0);
	snprintf(args, sizeof args, "merge -q %s/m.db %s", d, path);
	assert_int_equal(tu_run_gmpsim(args, out, sizeof out), 2);
	assert_null(strstr(out, "not an error"));
	assert_non_null(strstr(out, "damaged"));
	tu_rm_rf(d);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_output_never_replaces_a_non_regular_file),
		cmocka_unit_test(test_merge_and_export_refuse_a_device),
		cmocka_unit_test(test_output_through_a_link_to_a_regular_file),
		cmocka_unit_test(test_no_progress_fails_the_run),
		cmocka_unit_test(test_scenario_must_be_a_regular_file),
		cmocka_unit_test(test_file_size_limit_is_an_error_not_a_signal),
		cmocka_unit_test(test_clear_messages),
	};
	return cmocka_run_group_tests_name("reliability", tests, NULL, NULL);
}
