/* sim/scenario/scenario_internal.h — what the scenario loader's files share: the
 * loader state, the kinds of scalar value, and the few sc__ functions one
 * file calls in another (sc_ is public, sc__ is internal, as in libuv).
 *
 * Internal: only sim/scenario*.c may include it; everyone else uses
 * scenario.h. Must not: become a second API, or carry anything that a
 * single file could keep static.
 *
 * Unless its comment says otherwise, an sc__ function returning int
 * returns 0 on success, or -1 after writing one positioned
 * "file:line:column: message" through ld->t. */
#ifndef GMPSIM_SCENARIO_INTERNAL_H
#define GMPSIM_SCENARIO_INTERNAL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario.h"
#include "yamltree.h"

#define NELEMS(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define SC_MAX_OPS 1000000L  /* ops + empirical values over all programs: bounds alias blow-ups */
#define SC_MAX_ROWS 128      /* room for sc_rows; scenario_table.c asserts it fits */
#define DESCRIBE_CHARS 64    /* buffer for sc__describe */

/* ---- value kinds: how a scalar is read (scenario_value.c) ---------------- */

enum vkind { VK_INT, VK_UINT, VK_DURATION, VK_SIZE, VK_RATE, VK_NUMBER, VK_BOOL, VK_STRING };

union value {
	int64_t i;  /* INT, DURATION, SIZE */
	uint64_t u; /* UINT */
	double d;   /* RATE, NUMBER */
	bool b;
	const char *s; /* STRING: borrowed from the document */
};

/* ---- the loader ----------------------------------------------------------- */

/* One load in progress; lives on load_text's stack. */
struct loader {
	struct yt *t;
	struct scenario *sc;
	int row_node[SC_MAX_ROWS]; /* the value node that set each row of sc_rows; 0 = default */
	int nnamed;           /* named programs: the first nnamed of sc->programs */
	const char **named;   /* their names, for suggestions */
	const char **chan_names; /* the channels' names, for suggestions */
	long total_ops;
	int params_cap;
	const char *colocated_class; /* the co-located class whose program is being parsed, or NULL */
};

/* ---- scenario_value.c: scalars with positioned errors --------------------- */

/* Parses text as kind k; -1 with the reason in why (no position: the
 * text may not come from the document). */
int sc__parse_text(enum vkind k, const char *text, union value *v, char *why, size_t len);
/* The node as shown in messages; buf has room for DESCRIBE_CHARS. */
const char *sc__describe(struct loader *ld, int node, char *buf);
/* Reads the scalar at node as kind k. */
int sc__node_value(struct loader *ld, int node, enum vkind k, union value *v);
int sc__node_duration(struct loader *ld, int node, sim_ns *out);
/* An integer >= min; label names it in the range message. */
int sc__node_int_min(struct loader *ld, int node, const char *label, int64_t min, int64_t *out);
/* The value of key in map, or a "missing required key" error at map. */
int sc__require_key(struct loader *ld, int map, const char *key, int *out);
/* "out of memory" at node; returns -1. */
int sc__oom(struct loader *ld, int node);

/* ---- scenario_table.c: the parameter table and the fixed sections -------- */

/* Stores every row's default; fails only on a bug in the table. */
int sc__set_defaults(struct loader *ld);
/* Walks the fixed sections of the mapping at root into ld->sc, then runs
 * the checks that span fields (times, NUMA shape, distance, models). */
int sc__load_sections(struct loader *ld, int root);
/* The value node that set the row at path (a path in sc_rows); 0 when the
 * document did not give it. */
int sc__row_node(const struct loader *ld, const char *path);
/* Adds every value row's resolved value to sc->params. */
int sc__table_params(struct loader *ld);

/* ---- scenario_numactl.c: the numactl: section's lists and policy ---------- */

/* Reads the numactl rows' text (after the walk and the NUMA checks) into
 * sc->numactl's core mask and memory policy. */
int sc__load_numactl(struct loader *ld);

/* ---- scenario_workload.c: classes, programs, ops, distributions ---------- */

/* Fills sc->programs and sc->classes from workload: and programs:. */
int sc__load_workload(struct loader *ld);

/* ---- scenario.c and scenario_include.c: files ------------------------------ */

/* A whole regular file, malloc'd; *len gets its size. NULL with
 * "path: cannot ...: reason" in err. */
char *sc__read_file(const char *path, size_t *len, char *err, size_t errlen);
/* Merges the include:s of t (loaded from file), then the profile (NULL:
 * none), under t's own values; errors name the file they are in. */
int sc__merge_files(struct yt *t, const char *file, const char *profile);

/* ---- scenario_params.c: the flattened parameter list ---------------------- */

/* Adds key=value; its source is node's (0: fallback, e.g. "default"). */
int sc__add_param(struct loader *ld, const char *key, const char *value, int node, const char *fallback);
/* Shortest text that reads back as the same double. */
void sc__format_double(double x, char *buf, size_t len);
/* Fills sc->params: the table's rows, the distance matrix, and every scalar
 * of workload: and programs: as written. */
int sc__make_params(struct loader *ld);

#endif
