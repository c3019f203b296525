/* tests/test_yamltree.c — sim/scenario/yamltree.c on its own: parsing into
 * a tree read by node id, positions in messages (file:line:column, counted
 * from 1), --set overrides grafted into the tree (created keys, indexed and
 * appended sequence items, positions counted inside the override's text),
 * duplicate and unknown keys with suggestions, and the edit distance. */
#include "testutil.h"
#include "yamltree.h"
#include <time.h>

static char err[512];

static int open_text(struct yt *t, const char *text)
{
	return yt_open(t, "s.yaml", text, strlen(text), err, sizeof err);
}

/* Opens text, which must parse. */
static void must_open(struct yt *t, const char *text)
{
	if (open_text(t, text) != 0)
		fail_msg("yt_open: %s", err);
}

/* The node at a dotted path of mapping keys and sequence indexes, or 0. */
static int at(const struct yt *t, const char *path)
{
	int id = yt_root(t);
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *seg = strtok(buf, "."); seg && id; seg = strtok(NULL, "."))
		id = yt_is_sequence(t, id) ? yt_item(t, id, atoi(seg)) : yt_get(t, id, seg);
	return id;
}

static void test_parse_and_read(void **state)
{
	(void)state;
	struct yt t;
	must_open(&t, "name: x\nmachine:\n  cores: 8\nlist: [a, b, c]\nnone: ~\nempty:\n");
	int root = yt_root(&t);
	assert_true(yt_is_mapping(&t, root));
	assert_int_equal(yt_len(&t, root), 5);
	assert_string_equal(yt_text(&t, yt_get(&t, root, "name")), "x");
	assert_string_equal(yt_text(&t, at(&t, "machine.cores")), "8");
	assert_true(yt_is_sequence(&t, at(&t, "list")));
	assert_int_equal(yt_len(&t, at(&t, "list")), 3);
	assert_string_equal(yt_text(&t, at(&t, "list.2")), "c");
	assert_int_equal(yt_item(&t, at(&t, "list"), 3), 0);   /* past the end */
	assert_int_equal(yt_get(&t, root, "nope"), 0);
	assert_true(yt_is_null(&t, at(&t, "none")) && yt_is_null(&t, at(&t, "empty")));
	assert_false(yt_is_null(&t, at(&t, "name")));
	assert_string_equal(yt_text(&t, at(&t, "machine")), "");  /* not a scalar */
	/* keys and values by position, in document order */
	assert_string_equal(yt_text(&t, yt_key(&t, root, 1)), "machine");
	assert_int_equal(yt_value(&t, root, 1), at(&t, "machine"));
	char d[64];
	assert_string_equal(yt_describe(&t, at(&t, "list"), d, sizeof d), "a sequence");
	assert_string_equal(yt_describe(&t, at(&t, "machine"), d, sizeof d), "a mapping");
	assert_string_equal(yt_describe(&t, at(&t, "none"), d, sizeof d), "null");
	assert_string_equal(yt_describe(&t, at(&t, "name"), d, sizeof d), "'x'");
	yt_close(&t);
}

/* A node's position is where its text starts: line and column from 1. */
static void test_errors_carry_file_line_column(void **state)
{
	(void)state;
	struct yt t;
	must_open(&t, "name: x\nmachine:\n  cores: eight\n");
	assert_int_equal(yt_fail_type(&t, at(&t, "machine.cores"), "an integer"), -1);
	assert_string_equal(err, "s.yaml:3:10: expected an integer, got 'eight'");
	assert_int_equal(yt_fail(&t, at(&t, "machine"), "bad %s", "machine"), -1);
	assert_string_equal(err, "s.yaml:3:3: bad machine");  /* a block mapping starts at its first key */
	yt_close(&t);
	/* syntax errors name the place too: the flow sequence opened at line 1,
	 * column 4 is still open where line 2 begins */
	assert_int_equal(open_text(&t, "a: [1, 2\nb: 3\n"), -1);
	yt_close(&t);
	assert_non_null(strstr(err, "s.yaml:2:"));
	assert_non_null(strstr(err, "YAML syntax error"));
	assert_non_null(strstr(err, "flow sequence at 1:4"));
	/* exactly one non-empty document */
	assert_int_equal(open_text(&t, ""), -1);
	yt_close(&t);
	assert_string_equal(err, "s.yaml:1:1: empty document");
	assert_int_equal(open_text(&t, "a: 1\n---\nb: 2\n"), -1);
	yt_close(&t);
	assert_string_equal(err, "s.yaml:3:1: only one YAML document is allowed");
}

static void test_duplicate_and_unknown_keys(void **state)
{
	(void)state;
	struct yt t;
	must_open(&t, "cores: 1\nnuma: 2\ncores: 3\n");
	assert_int_equal(yt_check_unique(&t, yt_root(&t)), -1);
	assert_string_equal(err, "s.yaml:3:1: duplicate key 'cores' (first at line 1)");
	yt_close(&t);
	static const char *const allowed[] = { "cores", "numa", "workers" };
	must_open(&t, "cores: 1\nwokers: 2\n");
	assert_int_equal(yt_check_keys(&t, yt_root(&t), allowed, 3, "key", "machine"), -1);
	assert_string_equal(err, "s.yaml:2:1: unknown key 'wokers' in 'machine' (did you mean 'workers'?)");
	yt_close(&t);
	must_open(&t, "cores: 1\nzzzzzz: 2\n");
	assert_int_equal(yt_check_keys(&t, yt_root(&t), allowed, 3, "key", ""), -1);
	assert_string_equal(err, "s.yaml:2:1: unknown key 'zzzzzz'");
	yt_close(&t);
	must_open(&t, "cores: 1\nnuma: 2\n");
	assert_int_equal(yt_check_keys(&t, yt_root(&t), allowed, 3, "key", "machine"), 0);
	yt_close(&t);
}

/* Overrides: a scalar replaced, a missing key path created, a sequence
 * item replaced and one appended; the tree reads as if the file said so. */
static void test_set_overrides_the_tree(void **state)
{
	(void)state;
	struct yt t;
	must_open(&t, "machine:\n  cores: 8\nprogram: [ { cpu: 1ms }, { net: 2ms } ]\nnothing:\n");
	assert_int_equal(yt_apply_set(&t, "machine.cores=16"), 0);
	assert_string_equal(yt_text(&t, at(&t, "machine.cores")), "16");
	assert_int_equal(yt_apply_set(&t, "machine.numa.nodes=2"), 0);      /* created */
	assert_string_equal(yt_text(&t, at(&t, "machine.numa.nodes")), "2");
	assert_int_equal(yt_len(&t, at(&t, "machine")), 2);
	assert_int_equal(yt_apply_set(&t, "program.1={ sleep: 5ms }"), 0);  /* replaced */
	assert_string_equal(yt_text(&t, at(&t, "program.1.sleep")), "5ms");
	assert_int_equal(yt_get(&t, at(&t, "program.1"), "net"), 0);
	assert_int_equal(yt_apply_set(&t, "program.2=[1, 2]"), 0);          /* appended */
	assert_int_equal(yt_len(&t, at(&t, "program")), 3);
	assert_string_equal(yt_text(&t, at(&t, "program.2.1")), "2");
	assert_int_equal(yt_apply_set(&t, "nothing.x=1"), 0);               /* a null becomes a mapping */
	assert_string_equal(yt_text(&t, at(&t, "nothing.x")), "1");
	assert_string_equal(yt_text(&t, at(&t, "program.0.cpu")), "1ms");  /* untouched */
	/* a grafted node's errors point into the override's text */
	assert_int_equal(yt_apply_set(&t, "machine.cores={ a: 1, b: x }"), 0);
	yt_fail_type(&t, yt_get(&t, at(&t, "machine.cores"), "b"), "an integer");
	assert_string_equal(err, "--set machine.cores={ a: 1, b: x }:1:12: expected an integer, got 'x'");
	/* while the file's nodes keep their file positions */
	yt_fail_type(&t, at(&t, "program.0.cpu"), "a size");
	assert_string_equal(err, "s.yaml:3:19: expected a size, got '1ms'");
	yt_close(&t);
}

static void expect_set_error(const char *doc, const char *set, const char *msg)
{
	struct yt t;
	must_open(&t, doc);
	int rc = yt_apply_set(&t, set);
	yt_close(&t);
	assert_int_equal(rc, -1);
	if (strcmp(err, msg) != 0)
		fail_msg("--set %s: got \"%s\", expected \"%s\"", set, err, msg);
}

static void test_set_errors(void **state)
{
	(void)state;
	const char *doc = "machine:\n  cores: 8\nlist: [a, b]\n";
	expect_set_error(doc, "machine.cores", "--set machine.cores:1:1: expected KEY=VALUE");
	expect_set_error(doc, "=3", "--set =3:1:1: empty key (expected KEY=VALUE)");
	expect_set_error(doc, "machine..cores=3", "--set machine..cores=3:1:9: empty segment in key 'machine..cores'");
	expect_set_error(doc, "list.5=x", "--set list.5=x:1:6: index 5 is out of range (it has 2 items)");
	expect_set_error(doc, "list.x=1", "--set list.x=1:1:6: 'x' is not an index into a sequence");
	expect_set_error(doc, "machine.cores.x=1", "--set machine.cores.x=1:1:15: cannot set 'x': 'machine.cores' is a scalar");
	/* a value that is not YAML: positions count inside the value (the
	 * sequence opened at its 1:1 is unclosed at its end, line 2) */
	struct yt t;
	must_open(&t, doc);
	int rc = yt_apply_set(&t, "machine.cores=[1, 2");
	yt_close(&t);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "--set machine.cores=[1, 2:2:1: YAML syntax error"));
	assert_non_null(strstr(err, "flow sequence at 1:1"));
}

static void test_edit_distance_and_suggestions(void **state)
{
	(void)state;
	assert_int_equal(yt_edit_distance("workers", "workers"), 0);
	assert_int_equal(yt_edit_distance("wokers", "workers"), 1);   /* one deletion */
	assert_int_equal(yt_edit_distance("wrokers", "workers"), 1);  /* one transposition */
	assert_int_equal(yt_edit_distance("", "abc"), 3);
	assert_int_equal(yt_edit_distance("kitten", "sitting"), 3);
	static const char *const c[] = { "cores", "numa", "workers", "cored" };
	assert_string_equal(yt_suggest("wrkers", c, 4), "workers");
	assert_string_equal(yt_suggest("core", c, 4), "cores");        /* first of two at distance 1 */
	assert_null(yt_suggest("gomaxprocs", c, 4));
}

/* Issue 12 D2: 100k nested flow brackets (200 KB) took libyaml's scanner
 * 23 s, quadratic in the depth, before the loader's own depth check. The
 * pre-scan refuses them at the 65th bracket, in milliseconds; quoted
 * brackets and comments do not count, and 64 levels still load. */
static void test_deep_flow_nesting_refused_fast(void **state)
{
	(void)state;
	enum { N = 100000 };
	char *doc = malloc(2 * N + 16);
	assert_non_null(doc);
	strcpy(doc, "a: 1\nb: ");
	size_t n = strlen(doc);
	memset(doc + n, '[', N);
	memset(doc + n + N, ']', N);
	doc[n + 2 * N] = '\0';
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct yt t;
	assert_int_equal(open_text(&t, doc), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	yt_close(&t);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(s < 1.0);
	assert_string_equal(err, "s.yaml:2:68: flow collections ([ ] or { }) nested deeper than 64 levels");
	/* 64 levels load; quoted or commented brackets are not nesting */
	memset(doc + n, '[', 64);
	memset(doc + n + 64, ']', 64);
	doc[n + 128] = '\0';
	must_open(&t, doc);
	yt_close(&t);
	char q[600];
	snprintf(q, sizeof q, "a: '%.*s'\nb: \"%.*s\" # %.*s\n", 100, doc + n, 100, doc + n, 100, doc + n);
	must_open(&t, q);
	yt_close(&t);
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_read),
		cmocka_unit_test(test_errors_carry_file_line_column),
		cmocka_unit_test(test_duplicate_and_unknown_keys),
		cmocka_unit_test(test_set_overrides_the_tree),
		cmocka_unit_test(test_set_errors),
		cmocka_unit_test(test_edit_distance_and_suggestions),
		cmocka_unit_test(test_deep_flow_nesting_refused_fast),
	};
	return cmocka_run_group_tests_name("yamltree", tests, NULL, NULL);
}
