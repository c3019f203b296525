/* sim/scenario/scenario_params.c — the scenario's resolved parameters as a flat
 * list of (dotted key, text) pairs in sc->params: every table row with its
 * default applied, the NUMA distance matrix cell by cell, and every scalar
 * under workload:, programs: and channels: as written, except that a
 * duration with a unit ("100ms", "100 ms") is stored in ns and a size with
 * a unit ("256 KiB") in bytes, as the table's rows are. The results
 * database stores this list with each run (models/run.c).
 *
 * Must not: validate (everything it reads was checked already), or change
 * anything in the scenario but sc->params. Limit: SC_MAX_PARAMS entries. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_internal.h"
#include "units.h"

#define SC_MAX_PARAMS 1000000    /* same bound as SC_MAX_OPS, for the flattened parameter list */
#define PATH_MAX_CHARS 4096      /* flattened parameter keys */
#define PARAM_MAX_DEPTH (4 * YT_MAX_DEPTH) /* a nested repeat is 3 levels of YAML */

/* Where node's value came from, as sc_param.from words it; fallback when
 * node is 0 (not written anywhere). */
static void describe_source(struct loader *ld, int node, const char *fallback, char *buf, size_t len)
{
	static const char *const kinds[] = { [YT_SCENARIO] = "scenario", [YT_INCLUDE] = "include",
					     [YT_PROFILE] = "profile", [YT_SET] = "--set" };
	const struct yt_src *src = node ? yt_source(ld->t, node) : NULL;
	if (!src)
		snprintf(buf, len, "%s", fallback);
	else if (src->kind == YT_SET)
		snprintf(buf, len, "--set %s", src->label);
	else
		snprintf(buf, len, "%s %s:%zu", kinds[src->kind], src->label,
			 yt_node(ld->t, node)->start_mark.line + 1);
}

int sc__add_param(struct loader *ld, const char *key, const char *value, int node, const char *fallback)
{
	struct scenario *sc = ld->sc;
	if (sc->nparams == SC_MAX_PARAMS)
		return yt_fail(ld->t, 0, "too many parameters (more than %d)", SC_MAX_PARAMS);
	if (sc->nparams == ld->params_cap) {
		int cap = ld->params_cap ? 2 * ld->params_cap : 64;
		struct sc_param *p = realloc(sc->params, (size_t)cap * sizeof *p);
		if (!p)
			return sc__oom(ld, 0);
		sc->params = p;
		ld->params_cap = cap;
	}
	struct sc_param *p = &sc->params[sc->nparams];
	char from[PATH_MAX_CHARS];
	describe_source(ld, node, fallback, from, sizeof from);
	p->key = strdup(key);
	p->value = strdup(value);
	p->from = strdup(from);
	if (!p->key || !p->value || !p->from) {
		free(p->key);
		free(p->value);
		free(p->from);
		return sc__oom(ld, 0);
	}
	sc->nparams++;
	return 0;
}

/* Shortest text that reads back as the same double. */
void sc__format_double(double x, char *buf, size_t len)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, x);
		if (strtod(buf, NULL) == x)
			return;
	}
}

static int distance_params(struct loader *ld)
{
	const struct machine_cfg *m = &ld->sc->machine;
	int node = sc__row_node(ld, "machine.numa.distance");
	if (node && yt_is_null(ld->t, node))
		node = 0;
	for (int i = 0; i < m->numa_nodes; i++)
		for (int j = 0; j < m->numa_nodes; j++) {
			char key[64], v[32];
			snprintf(key, sizeof key, "machine.numa.distance.%d.%d", i, j);
			sc__format_double(m->distance[i * m->numa_nodes + j], v, sizeof v);
			int row = yt_item(ld->t, node, i), cell = yt_item(ld->t, row, j);
			if (sc__add_param(ld, key, v, cell, "derived"))
				return -1;
		}
	return 0;
}

/* A workload scalar as stored: a duration with a unit in ns, a size with a
 * unit in bytes (the form of the table's rows and of --set), anything else
 * (counts, rates, names) as written. buf has room for any int64. */
static const char *normal_value(const char *text, char *buf, size_t len)
{
	bool unit = false;
	for (const char *c = text; *c; c++)
		unit |= isalpha((unsigned char)*c) != 0;
	sim_ns ns;
	int64_t bytes;
	char err[128];
	if (!unit || strchr(text, '/'))
		return text;
	if (unit_parse_duration(text, &ns, err, sizeof err) == 0)
		return snprintf(buf, len, "%lld", (long long)ns), buf;
	if (unit_parse_size(text, &bytes, err, sizeof err) == 0)
		return snprintf(buf, len, "%lld", (long long)bytes), buf;
	return text;
}

/* Every scalar leaf below node, as written (durations and sizes resolved), keyed by its dotted path
 * (sequence items by index). path has room for PATH_MAX_CHARS. */
static int tree_params(struct loader *ld, int node, char *path, size_t plen, int depth)
{
	struct yt *t = ld->t;
	if (depth > PARAM_MAX_DEPTH)
		return yt_fail(t, node, "nested too deeply (a recursive alias?)");
	char num[32];
	if (yt_is_scalar(t, node))
		return sc__add_param(ld, path, yt_is_null(t, node) ? "" : normal_value(yt_text(t, node), num, sizeof num), node, "default");
	bool map = yt_is_mapping(t, node);
	for (int i = 0; i < yt_len(t, node); i++) {
		int n = map ? snprintf(path + plen, PATH_MAX_CHARS - plen, ".%s", yt_text(t, yt_key(t, node, i)))
			    : snprintf(path + plen, PATH_MAX_CHARS - plen, ".%d", i);
		if (n < 0 || (size_t)n >= PATH_MAX_CHARS - plen)
			return yt_fail(t, node, "key path too long");
		if (tree_params(ld, map ? yt_value(t, node, i) : yt_item(t, node, i), path, plen + (size_t)n, depth + 1))
			return -1;
	}
	path[plen] = '\0';
	return 0;
}

int sc__make_params(struct loader *ld)
{
	static const char *const trees[] = { "workload", "programs", "channels" };
	if (sc__table_params(ld) || distance_params(ld))
		return -1;
	for (int i = 0; i < NELEMS(trees); i++) {
		int node = sc__row_node(ld, trees[i]);
		char *path = malloc(PATH_MAX_CHARS);
		if (!path)
			return sc__oom(ld, node);
		snprintf(path, PATH_MAX_CHARS, "%s", trees[i]);
		int rc = node ? tree_params(ld, node, path, strlen(path), 0) : 0;
		free(path);
		if (rc)
			return -1;
	}
	return 0;
}
