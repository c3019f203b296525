/* sim/scenario/yamltree.h — a libyaml document tree that remembers where each node
 * came from (the file, or a --set override grafted into it), with the small
 * vocabulary the scenario loader needs: typed access by node id, checks of
 * mapping keys with "did you mean" suggestions, and error messages that carry
 * the node's position.
 *
 * Must not know what a scenario is: no key names, no units, no defaults.
 *
 * Nodes are named by libyaml's 1-based ids (0 = none) rather than pointers,
 * because adding nodes reallocates the document's node array. */
#ifndef GMPSIM_YAMLTREE_H
#define GMPSIM_YAMLTREE_H
#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

/* Where nodes came from: the scenario file, a file it includes, the
 * --profile file, or a --set override. */
enum yt_kind { YT_SCENARIO, YT_INCLUDE, YT_PROFILE, YT_SET };

struct yt_src {
	enum yt_kind kind;
	char *label; /* a file's path as named in messages, or the --set text */
};

/* Recursive walks (grafts, flattening, nested repeats) stop at this depth:
 * an alias can make a document cyclic (`&a [*a]`). */
#define YT_MAX_DEPTH 64

struct yt {
	yaml_document_t doc;
	bool loaded;         /* doc holds a document to delete */
	const char *file;    /* the name used in messages */
	const struct yt_src *self; /* where the nodes parsed from the text came from */
	const struct yt_src **origin; /* per node id: where a grafted node came from, or NULL (self) */
	int norigin;         /* entries in origin */
	struct yt_src **srcs; /* every source named by origin or self (owned) */
	int nsrcs;
	long grafted;        /* nodes copied by overrides (bounds alias blow-ups) */
	char *err;
	size_t errlen;
};

/* Parses text (len bytes; NULs are rejected by libyaml) as exactly one
 * non-empty YAML document. file names it in messages. On error returns -1
 * with "file:line:column: message" in err (YAML syntax errors included);
 * yt_close must be called either way. */
int yt_open(struct yt *t, const char *file, const char *text, size_t len,
	    char *err, size_t errlen);
/* yt_open for a file of another kind (an included file, a profile): its
 * nodes' source is (kind, file). */
int yt_open_as(struct yt *t, enum yt_kind kind, const char *file, const char *text,
	       size_t len, char *err, size_t errlen);

/* Applies one override "a.b.0.c=VALUE": VALUE is parsed as YAML and grafted
 * at that path; missing mapping keys are created, a null on the way becomes
 * a mapping, a numeric segment indexes a sequence (index == length appends).
 * Grafted nodes remember set, so later errors about them read
 * "--set a.b=VALUE:line:column: ...", the position counted from the start of
 * VALUE for errors in the value and of the key for errors in the key path.
 * A node shared through a YAML alias changes wherever it is used.
 * set must outlive t. Returns 0, or -1 with a message in err. */
int yt_apply_set(struct yt *t, const char *set);

void yt_close(struct yt *t);

/* "file:line:column" of node id (1-based; "--set TEXT:line:column" for a
 * grafted node) into buf; returns buf. */
const char *yt_where(const struct yt *t, int id, char *buf, size_t len);

/* Merges the mapping src_map of from under the mapping map of t (from's
 * values lose): a key t lacks is copied with its source and position; two
 * mappings merge recursively; a null in t where from has a mapping counts
 * as an empty mapping and takes from's; any other value of t stays. A
 * dotted path in closed (e.g. "models") and its direct children are never
 * added when t lacks them: an included file configures the models t lists
 * (models.gmp.newproc is merged into t's models.gmp), it does not enable
 * one (no models.pool when t has none).
 * Keys of from's mappings must be unique. Returns 0, or -1 with a message
 * (positioned in from's file when about from's content). */
int yt_merge(struct yt *t, int map, struct yt *from, int src_map,
	     const char *const *closed, int nclosed);

/* Removes the first pair whose key is the scalar key from the mapping map;
 * returns the removed value's id (the node stays in the document), or 0. */
int yt_remove_key(struct yt *t, int map, const char *key);

/* Where node id came from (its line is yt_node(t, id)->start_mark.line). */
const struct yt_src *yt_source(const struct yt *t, int id);

/* ---- access ---- */
int yt_root(const struct yt *t);
yaml_node_t *yt_node(const struct yt *t, int id);
bool yt_is_null(const struct yt *t, int id);     /* plain "", ~, null, Null, NULL */
bool yt_is_scalar(const struct yt *t, int id);   /* any scalar, null included */
bool yt_is_mapping(const struct yt *t, int id);
bool yt_is_sequence(const struct yt *t, int id);
const char *yt_text(const struct yt *t, int id); /* a scalar's text, "" otherwise */
int yt_len(const struct yt *t, int id);          /* pairs of a mapping, items of a sequence, else 0 */
int yt_item(const struct yt *t, int seq, int i);
int yt_key(const struct yt *t, int map, int i);
int yt_value(const struct yt *t, int map, int i);
/* The value of the first pair whose key is the scalar key, or 0. */
int yt_get(const struct yt *t, int map, const char *key);

/* Describes a node for messages: "'abc'" (quoted, shortened, control
 * characters shown as '?'), "null", "a mapping" or "a sequence". */
const char *yt_describe(const struct yt *t, int id, char *buf, size_t len);

/* ---- errors: each writes "where:line:column: message" into err and returns -1 ---- */
int yt_fail(struct yt *t, int id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "expected WHAT, got DESCRIPTION" at id (what: "a mapping", "an integer"...). */
int yt_fail_type(struct yt *t, int id, const char *what);

/* ---- checks ---- */
/* Keys are scalars and no key appears twice ("duplicate key 'x' (first at
 * line N)" at the second one). O(n log n); allocates a little. */
int yt_check_unique(struct yt *t, int map);
/* yt_check_unique, then every key must be one of allowed; otherwise
 * "unknown NOUN 'k' in 'WHERE' (did you mean 'x'?)" (WHERE NULL or "": no
 * " in" part; no suggestion when nothing is close). */
int yt_check_keys(struct yt *t, int map, const char *const *allowed, int nallowed,
		  const char *noun, const char *where);
/* The unknown-name message above for node id; always returns -1. */
int yt_fail_unknown(struct yt *t, int id, const char *noun, const char *where,
		    const char *const *known, int nknown);

/* Optimal-string-alignment (Damerau-Levenshtein) distance; words longer than
 * 64 bytes count as far from everything. */
int yt_edit_distance(const char *a, const char *b);
/* The closest of cands to word when its distance is at most
 * max(2, strlen(word)/3), the first one on ties; else NULL. */
const char *yt_suggest(const char *word, const char *const *cands, int n);

#endif
