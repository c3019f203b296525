/* sim/scenario/scenario_include.c — other files merged into a scenario before it
 * is read: the `include:` key (a file name or a list of them, relative to
 * the including file; in a list, earlier files win over later ones) and
 * the --profile file. Precedence, lowest first: the parameter table's
 * defaults < the profile < included files < the scenario's own values <
 * --set. An included file may include others; a cycle, or includes nested
 * deeper than SC_MAX_INCLUDE_DEPTH, is refused at the include that closes
 * it. Included files and profiles configure models, they never enable one
 * (their models.NAME blocks apply to the models the scenario lists).
 *
 * Must not: validate keys or values (the loader does that afterwards, with
 * each error positioned in the file the value came from). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_internal.h"

#define SC_MAX_INCLUDE_DEPTH 8

static const char *const closed_paths[] = { "models" };

/* The files being included, outermost first, by real path. */
struct chain {
	int n;
	char *real[SC_MAX_INCLUDE_DEPTH + 1];
};

static int resolve_includes(struct yt *t, const char *path, struct chain *c);

/* name relative to the directory of the including file path; malloc'd. */
static char *relative_to(const char *path, const char *name)
{
	const char *slash = strrchr(path, '/');
	if (name[0] == '/' || !slash) {
		char *copy = strdup(name);
		return copy;
	}
	size_t dir = (size_t)(slash - path) + 1, len = dir + strlen(name) + 1;
	char *full = malloc(len);
	if (full)
		snprintf(full, len, "%.*s%s", (int)dir, path, name);
	return full;
}

/* "a.yaml -> b.yaml -> a.yaml" for the cycle message. */
static void describe_cycle(const struct chain *c, int from, const char *again, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = from; i < c->n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%.300s -> ", c->real[i]);
	if (used < len)
		snprintf(buf + used, len - used, "%.300s", again);
}

/* Refuses real when it is already being included (a cycle) or the chain is full. */
static int check_chain(struct yt *t, int item, const struct chain *c, const char *real)
{
	for (int i = 0; i < c->n; i++)
		if (strcmp(c->real[i], real) == 0) {
			char cycle[1024];
			describe_cycle(c, i, real, cycle, sizeof cycle);
			return yt_fail(t, item, "include cycle: %s", cycle);
		}
	if (c->n > SC_MAX_INCLUDE_DEPTH)
		return yt_fail(t, item, "includes nested deeper than %d files", SC_MAX_INCLUDE_DEPTH);
	return 0;
}

/* Reads and parses file (already resolved) as a mapping of kind, with its own
 * includes merged; sub must be yt_close'd either way. */
static int open_merged(struct yt *sub, enum yt_kind kind, const char *file, struct chain *c,
		       char *err, size_t errlen)
{
	size_t len = 0;
	char *text = sc__read_file(file, &len, err, errlen);
	memset(sub, 0, sizeof *sub);
	if (!text)
		return -1;
	int rc = yt_open_as(sub, kind, file, text, len, err, errlen);
	free(text);
	if (rc)
		return -1;
	if (!yt_is_mapping(sub, yt_root(sub)))
		return yt_fail_type(sub, yt_root(sub), "a mapping at the top of the file");
	return resolve_includes(sub, file, c);
}

/* Merges file (kind) under t's root, the file's own includes first. */
static int merge_file(struct yt *t, enum yt_kind kind, const char *file, struct chain *c)
{
	struct yt sub;
	int rc = open_merged(&sub, kind, file, c, t->err, t->errlen);
	if (rc == 0)
		rc = yt_merge(t, yt_root(t), &sub, yt_root(&sub), closed_paths, NELEMS(closed_paths));
	yt_close(&sub);
	return rc;
}

/* One entry of include: (the scalar node item) of the file path. */
static int include_one(struct yt *t, const char *path, int item, struct chain *c)
{
	if (!yt_is_scalar(t, item) || yt_is_null(t, item))
		return yt_fail_type(t, item, "a file name");
	char *full = relative_to(path, yt_text(t, item));
	if (!full)
		return yt_fail(t, item, "out of memory");
	char real[PATH_MAX];
	int rc = 0;
	if (!realpath(full, real))
		rc = yt_fail(t, item, "cannot include '%s': %s: %s", yt_text(t, item), full, strerror(errno));
	if (rc == 0)
		rc = check_chain(t, item, c, real);
	if (rc == 0 && !(c->real[c->n] = strdup(real)))
		rc = yt_fail(t, item, "out of memory");
	if (rc == 0) {
		c->n++;
		rc = merge_file(t, YT_INCLUDE, full, c);
		free(c->real[--c->n]);
	}
	free(full);
	return rc;
}

/* Takes include: out of t's root mapping and merges the files it names. */
static int resolve_includes(struct yt *t, const char *path, struct chain *c)
{
	int root = yt_root(t);
	if (!yt_is_mapping(t, root) || !yt_get(t, root, "include"))
		return 0;
	if (yt_check_unique(t, root))
		return -1;
	int inc = yt_remove_key(t, root, "include");
	if (yt_is_scalar(t, inc))
		return include_one(t, path, inc, c);
	if (!yt_is_sequence(t, inc))
		return yt_fail_type(t, inc, "a file name or a list of file names");
	for (int i = 0; i < yt_len(t, inc); i++)
		if (include_one(t, path, yt_item(t, inc, i), c))
			return -1;
	return 0;
}

/* The chain starts at the scenario file itself (when it exists on disk). */
static void chain_start(struct chain *c, const char *file)
{
	char real[PATH_MAX];
	c->n = 0;
	if (realpath(file, real) && (c->real[0] = strdup(real)))
		c->n = 1;
}

int sc__merge_files(struct yt *t, const char *file, const char *profile)
{
	struct chain c;
	chain_start(&c, file);
	int rc = resolve_includes(t, file, &c);
	if (rc == 0 && profile && yt_is_mapping(t, yt_root(t)))
		rc = merge_file(t, YT_PROFILE, profile, &c);
	while (c.n > 0)
		free(c.real[--c.n]);
	return rc;
}
