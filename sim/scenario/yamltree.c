/* sim/scenario/yamltree.c — libyaml document loading, --set overrides and other files
 * (include:, --profile) grafted into the
 * tree with their origin, typed node access and positioned error messages
 * for the scenario loader.
 *
 * Must not know what a scenario is (no key names, units or defaults), must
 * not print, and must keep every error to one "where:line:column: message"
 * line in the caller's buffer. */
#include "yamltree.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Overrides may not copy more nodes than this in total: an alias in a --set
 * value can otherwise expand exponentially. */
#define YT_MAX_GRAFTED 100000L
#define DESCRIBE_MAX 40

/* ---- positioned errors --------------------------------------------------- */

/* Writes "<where>:line:col: <message>"; src NULL means t's own file; a
 * --set source reads "--set KEY=VALUE". line0/col0 are 0-based as in
 * libyaml marks. */
static int fail_vat(struct yt *t, const struct yt_src *src, size_t line0, size_t col0,
		    const char *fmt, va_list ap)
{
	if (!t->err || !t->errlen)
		return -1;
	const char *where = src ? src->label : t->file;
	int n = snprintf(t->err, t->errlen, "%s%s:%zu:%zu: ", src && src->kind == YT_SET ? "--set " : "",
			 where, line0 + 1, col0 + 1);
	if (n >= 0 && (size_t)n < t->errlen)
		vsnprintf(t->err + n, t->errlen - (size_t)n, fmt, ap);
	return -1;
}

static int fail_at(struct yt *t, const struct yt_src *src, size_t line0, size_t col0,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int fail_at(struct yt *t, const struct yt_src *src, size_t line0, size_t col0,
		   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fail_vat(t, src, line0, col0, fmt, ap);
	va_end(ap);
	return -1;
}

static const struct yt_src *origin_of(const struct yt *t, int id)
{
	return id > 0 && id <= t->norigin ? t->origin[id - 1] : NULL;
}

const struct yt_src *yt_source(const struct yt *t, int id)
{
	const struct yt_src *s = origin_of(t, id);
	return s ? s : t->self;
}

/* The source (kind, label) owned by t, created on first use; NULL when
 * out of memory. */
static const struct yt_src *intern_src(struct yt *t, enum yt_kind kind, const char *label)
{
	for (int i = 0; i < t->nsrcs; i++)
		if (t->srcs[i]->kind == kind && strcmp(t->srcs[i]->label, label) == 0)
			return t->srcs[i];
	struct yt_src **more = realloc(t->srcs, (size_t)(t->nsrcs + 1) * sizeof *more);
	if (!more)
		return NULL;
	t->srcs = more;
	struct yt_src *s = malloc(sizeof *s);
	char *copy = strdup(label);
	if (!s || !copy) {
		free(s);
		free(copy);
		return NULL;
	}
	*s = (struct yt_src){ kind, copy };
	t->srcs[t->nsrcs++] = s;
	return s;
}

int yt_fail(struct yt *t, int id, const char *fmt, ...)
{
	yaml_node_t *n = yt_node(t, id);
	size_t line = n ? n->start_mark.line : 0, col = n ? n->start_mark.column : 0;
	va_list ap;
	va_start(ap, fmt);
	fail_vat(t, origin_of(t, id), line, col, fmt, ap);
	va_end(ap);
	return -1;
}

const char *yt_where(const struct yt *t, int id, char *buf, size_t len)
{
	yaml_node_t *n = yt_node(t, id);
	size_t line = n ? n->start_mark.line : 0, col = n ? n->start_mark.column : 0;
	const struct yt_src *src = origin_of(t, id);
	snprintf(buf, len, "%s%s:%zu:%zu", src && src->kind == YT_SET ? "--set " : "", src ? src->label : t->file,
		 line + 1, col + 1);
	return buf;
}

int yt_fail_type(struct yt *t, int id, const char *what)
{
	char buf[DESCRIBE_MAX + 8];
	return yt_fail(t, id, "expected %s, got %s", what, yt_describe(t, id, buf, sizeof buf));
}

/* ---- access -------------------------------------------------------------- */

yaml_node_t *yt_node(const struct yt *t, int id)
{
	if (!t->loaded || id <= 0)
		return NULL;
	return yaml_document_get_node((yaml_document_t *)&t->doc, id);
}

int yt_root(const struct yt *t)
{
	if (!t->loaded || t->doc.nodes.start == t->doc.nodes.top)
		return 0;
	return 1; /* libyaml: the root is the first node */
}

static int node_count(const struct yt *t)
{
	return (int)(t->doc.nodes.top - t->doc.nodes.start);
}

bool yt_is_scalar(const struct yt *t, int id)
{
	yaml_node_t *n = yt_node(t, id);
	return n && n->type == YAML_SCALAR_NODE;
}

bool yt_is_mapping(const struct yt *t, int id)
{
	yaml_node_t *n = yt_node(t, id);
	return n && n->type == YAML_MAPPING_NODE;
}

bool yt_is_sequence(const struct yt *t, int id)
{
	yaml_node_t *n = yt_node(t, id);
	return n && n->type == YAML_SEQUENCE_NODE;
}

bool yt_is_null(const struct yt *t, int id)
{
	yaml_node_t *n = yt_node(t, id);
	if (!n || n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
		if (strcmp((const char *)n->data.scalar.value, nulls[i]) == 0)
			return true;
	return false;
}

const char *yt_text(const struct yt *t, int id)
{
	yaml_node_t *n = yt_node(t, id);
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : "";
}

int yt_len(const struct yt *t, int id)
{
	yaml_node_t *n = yt_node(t, id);
	if (n && n->type == YAML_MAPPING_NODE)
		return (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	if (n && n->type == YAML_SEQUENCE_NODE)
		return (int)(n->data.sequence.items.top - n->data.sequence.items.start);
	return 0;
}

int yt_item(const struct yt *t, int seq, int i)
{
	yaml_node_t *n = yt_node(t, seq);
	return n && n->type == YAML_SEQUENCE_NODE && i >= 0 && i < yt_len(t, seq)
		       ? n->data.sequence.items.start[i] : 0;
}

static yaml_node_pair_t *pair_at(const struct yt *t, int map, int i)
{
	yaml_node_t *n = yt_node(t, map);
	if (!n || n->type != YAML_MAPPING_NODE || i < 0 || i >= yt_len(t, map))
		return NULL;
	return &n->data.mapping.pairs.start[i];
}

int yt_key(const struct yt *t, int map, int i)
{
	yaml_node_pair_t *p = pair_at(t, map, i);
	return p ? p->key : 0;
}

int yt_value(const struct yt *t, int map, int i)
{
	yaml_node_pair_t *p = pair_at(t, map, i);
	return p ? p->value : 0;
}

/* Index of the first pair whose key is the scalar key, or -1. */
static int pair_index(const struct yt *t, int map, const char *key, size_t keylen)
{
	int n = yt_len(t, map);
	for (int i = 0; i < n; i++) {
		int k = yt_key(t, map, i);
		const char *s = yt_text(t, k);
		if (yt_is_scalar(t, k) && strlen(s) == keylen && memcmp(s, key, keylen) == 0)
			return i;
	}
	return -1;
}

int yt_get(const struct yt *t, int map, const char *key)
{
	int i = pair_index(t, map, key, strlen(key));
	return i < 0 ? 0 : yt_value(t, map, i);
}

const char *yt_describe(const struct yt *t, int id, char *buf, size_t len)
{
	if (yt_is_mapping(t, id))
		return "a mapping";
	if (yt_is_sequence(t, id))
		return "a sequence";
	if (yt_is_null(t, id) || !yt_is_scalar(t, id))
		return "null";
	const char *s = yt_text(t, id);
	size_t n = strlen(s), keep = n > DESCRIBE_MAX ? DESCRIBE_MAX - 3 : n;
	while (keep < n && keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80)
		keep--; /* do not cut a UTF-8 sequence */
	char tmp[DESCRIBE_MAX + 1];
	for (size_t i = 0; i < keep; i++)
		tmp[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	tmp[keep] = '\0';
	snprintf(buf, len, "'%s%s'", tmp, keep < n ? "..." : "");
	return buf;
}

/* ---- loading ------------------------------------------------------------- */

/* Converts a byte offset into 0-based line and column, for reader errors
 * (which libyaml reports by offset only). */
static void offset_position(const char *text, size_t len, size_t off,
			    size_t *line, size_t *col)
{
	*line = *col = 0;
	for (size_t i = 0; i < off && i < len; i++) {
		if (text[i] == '\n')
			++*line, *col = 0;
		else
			++*col;
	}
}

static int syntax_error(struct yt *t, const struct yt_src *origin, const yaml_parser_t *p,
			const char *text, size_t len)
{
	if (p->error == YAML_MEMORY_ERROR)
		return fail_at(t, origin, 0, 0, "out of memory while parsing YAML");
	if (p->error == YAML_READER_ERROR) {
		size_t line, col;
		offset_position(text, len, p->problem_offset, &line, &col);
		return fail_at(t, origin, line, col, "invalid input: %s (0x%X)",
			       p->problem ? p->problem : "unreadable", (unsigned)p->problem_value);
	}
	const char *problem = p->problem ? p->problem : "malformed YAML";
	if (p->context)
		return fail_at(t, origin, p->problem_mark.line, p->problem_mark.column,
			       "YAML syntax error: %s (%s at %zu:%zu)", problem, p->context,
			       p->context_mark.line + 1, p->context_mark.column + 1);
	return fail_at(t, origin, p->problem_mark.line, p->problem_mark.column,
		       "YAML syntax error: %s", problem);
}

/* libyaml's scanner keeps one possible simple key per flow level and
 * rechecks the whole stack at every token, so n nested flow brackets cost
 * O(n^2) before any depth check of ours could run (issue 12 D2: 100k
 * brackets took 23 s). This linear pre-scan refuses a flow nesting deeper
 * than YT_MAX_DEPTH first. It skips comments and quoted scalars; a bracket
 * inside a plain scalar counts too, so it may refuse a (pathological)
 * document libyaml would take, never the reverse. */
static int prescan_flow_depth(struct yt *t, const struct yt_src *origin, const char *text, size_t len)
{
	size_t line = 0, col = 0;
	int depth = 0;
	char quote = 0;
	bool comment = false;
	for (size_t i = 0; i < len; i++, col++) {
		char c = text[i], prev = i ? text[i - 1] : ' ';
		if (c == '\n') {
			line++, col = (size_t)-1, comment = false;
			continue;
		}
		if (comment)
			continue;
		if (quote) {
			if (quote == '"' && c == '\\' && i + 1 < len && text[i + 1] != '\n')
				i++, col++;
			else if (c == quote)
				quote = 0;
			continue;
		}
		if (c == '#' && (prev == ' ' || prev == '\t' || prev == '\n' || i == 0))
			comment = true;
		else if ((c == '"' || c == '\'') && (i == 0 || strchr(" \t\n[{,:", prev)))
			quote = c;
		else if (c == '[' || c == '{') {
			if (++depth > YT_MAX_DEPTH)
				return fail_at(t, origin, line, col,
					       "flow collections ([ ] or { }) nested deeper than %d levels",
					       YT_MAX_DEPTH);
		} else if ((c == ']' || c == '}') && depth > 0)
			depth--;
	}
	return 0;
}

/* Loads the first document of text into doc and checks no second document
 * follows. On error doc is left empty (nothing to delete). */
static int load_document(struct yt *t, const struct yt_src *origin, const char *text,
			 size_t len, yaml_document_t *doc)
{
	if (prescan_flow_depth(t, origin, text, len))
		return -1;
	yaml_parser_t p;
	if (!yaml_parser_initialize(&p))
		return fail_at(t, origin, 0, 0, "out of memory while parsing YAML");
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	int rc = 0;
	if (!yaml_parser_load(&p, doc)) {
		rc = syntax_error(t, origin, &p, text, len);
		yaml_parser_delete(&p);
		return rc;
	}
	if (yaml_document_get_root_node(doc)) {
		yaml_document_t extra;
		if (!yaml_parser_load(&p, &extra)) {
			rc = syntax_error(t, origin, &p, text, len);
		} else {
			yaml_node_t *r = yaml_document_get_root_node(&extra);
			if (r)
				rc = fail_at(t, origin, r->start_mark.line, r->start_mark.column,
					     "only one YAML document is allowed");
			yaml_document_delete(&extra);
		}
	}
	if (rc)
		yaml_document_delete(doc);
	yaml_parser_delete(&p);
	return rc;
}

/* Rejects scalars with an embedded NUL ("\0" in a double-quoted string):
 * everything downstream treats values as C strings. */
static int check_scalar(struct yt *t, const struct yt_src *origin, const yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE || strlen((const char *)n->data.scalar.value) == n->data.scalar.length)
		return 0;
	return fail_at(t, origin, n->start_mark.line, n->start_mark.column,
		       "a NUL character is not allowed in a value");
}

int yt_open(struct yt *t, const char *file, const char *text, size_t len,
	    char *err, size_t errlen)
{
	return yt_open_as(t, YT_SCENARIO, file, text, len, err, errlen);
}

int yt_open_as(struct yt *t, enum yt_kind kind, const char *file, const char *text,
	       size_t len, char *err, size_t errlen)
{
	memset(t, 0, sizeof *t);
	t->file = file;
	t->err = err;
	t->errlen = errlen;
	if (!(t->self = intern_src(t, kind, file)))
		return fail_at(t, NULL, 0, 0, "out of memory");
	if (load_document(t, NULL, text, len, &t->doc))
		return -1;
	t->loaded = true;
	int root = yt_root(t);
	if (!root)
		return fail_at(t, NULL, 0, 0, "empty document");
	if (yt_is_null(t, root))
		return yt_fail(t, root, "empty document");
	for (yaml_node_t *n = t->doc.nodes.start; n < t->doc.nodes.top; n++)
		if (check_scalar(t, NULL, n))
			return -1;
	return 0;
}

void yt_close(struct yt *t)
{
	if (t->loaded)
		yaml_document_delete(&t->doc);
	free(t->origin);
	t->origin = NULL;
	t->norigin = 0;
	for (int i = 0; i < t->nsrcs; i++) {
		free(t->srcs[i]->label);
		free(t->srcs[i]);
	}
	free(t->srcs);
	t->srcs = NULL;
	t->nsrcs = 0;
	t->self = NULL;
	t->loaded = false;
}

/* ---- grafts: --set overrides and merged files ------------------------------ */

/* Records that node id came from src, placed at mark of src's text. Grows
 * the origin table to cover every node. */
static int note_origin(struct yt *t, int id, const struct yt_src *src, yaml_mark_t mark)
{
	int need = node_count(t);
	if (need > t->norigin) {
		const struct yt_src **o = realloc(t->origin, (size_t)need * sizeof *o);
		if (!o)
			return fail_at(t, src, 0, 0, "out of memory");
		for (int i = t->norigin; i < need; i++)
			o[i] = NULL;
		t->origin = o;
		t->norigin = need;
	}
	t->origin[id - 1] = src;
	yaml_node_t *n = yt_node(t, id);
	n->start_mark = n->end_mark = mark;
	return 0;
}

static yaml_mark_t key_mark(size_t col0)
{
	yaml_mark_t m = { col0, 0, col0 };
	return m;
}

/* What a graft copies from: a document, and either one source for all its
 * nodes (a --set value) or the tree whose per-node sources carry over. */
struct graft_from {
	yaml_document_t *doc;
	const struct yt_src *fixed; /* every node's source; NULL: ask tree */
	const struct yt *tree;
};

/* The source in t of node id of g; NULL (and a message) when out of memory. */
static const struct yt_src *graft_src(struct yt *t, const struct graft_from *g, int id)
{
	if (g->fixed)
		return g->fixed;
	const struct yt_src *s = yt_source(g->tree, id);
	const struct yt_src *mine = intern_src(t, s->kind, s->label);
	if (!mine)
		fail_at(t, NULL, 0, 0, "out of memory");
	return mine;
}

static int graft(struct yt *t, const struct graft_from *g, int src_id, int depth);

static int graft_children(struct yt *t, const struct graft_from *g, const yaml_node_t *s,
			  const struct yt_src *src, int id, int depth)
{
	if (s->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = s->data.sequence.items.start; it < s->data.sequence.items.top; it++) {
			int child = graft(t, g, *it, depth + 1);
			if (!child || !yaml_document_append_sequence_item(&t->doc, id, child))
				return child ? fail_at(t, src, 0, 0, "out of memory") : -1;
		}
		return 0;
	}
	for (yaml_node_pair_t *p = s->data.mapping.pairs.start; p < s->data.mapping.pairs.top; p++) {
		int k = graft(t, g, p->key, depth + 1);
		int v = k ? graft(t, g, p->value, depth + 1) : 0;
		if (!v || !yaml_document_append_mapping_pair(&t->doc, id, k, v))
			return v ? fail_at(t, src, 0, 0, "out of memory") : -1;
	}
	return 0;
}

/* Copies node src_id of g into t's document; returns the new id, or 0
 * after writing an error. */
static int graft(struct yt *t, const struct graft_from *g, int src_id, int depth)
{
	const yaml_node_t *s = yaml_document_get_node(g->doc, src_id);
	const struct yt_src *src = graft_src(t, g, src_id);
	if (!src)
		return 0;
	if (depth > YT_MAX_DEPTH || ++t->grafted > YT_MAX_GRAFTED) {
		fail_at(t, src, s->start_mark.line, s->start_mark.column,
			"value nested too deeply or too large (a recursive alias?)");
		return 0;
	}
	if (check_scalar(t, src, s))
		return 0;
	int id;
	if (s->type == YAML_SCALAR_NODE)
		id = yaml_document_add_scalar(&t->doc, s->tag, s->data.scalar.value,
					      (int)s->data.scalar.length, s->data.scalar.style);
	else if (s->type == YAML_SEQUENCE_NODE)
		id = yaml_document_add_sequence(&t->doc, s->tag, s->data.sequence.style);
	else
		id = yaml_document_add_mapping(&t->doc, s->tag, s->data.mapping.style);
	if (!id || note_origin(t, id, src, s->start_mark)) {
		fail_at(t, src, 0, 0, "out of memory");
		return 0;
	}
	if (s->type != YAML_SCALAR_NODE && graft_children(t, g, s, src, id, depth))
		return 0;
	return id;
}

/* Parses VALUE and grafts it; an empty VALUE is the empty string. */
static int graft_value(struct yt *t, const struct yt_src *src, const char *value)
{
	yaml_document_t vdoc;
	if (load_document(t, src, value, strlen(value), &vdoc))
		return 0;
	int id;
	if (yaml_document_get_root_node(&vdoc)) {
		struct graft_from g = { &vdoc, src, NULL };
		id = graft(t, &g, 1, 0);
	} else {
		id = yaml_document_add_scalar(&t->doc, NULL, (const yaml_char_t *)"", 0,
					      YAML_SINGLE_QUOTED_SCALAR_STYLE);
		if (!id || note_origin(t, id, src, key_mark(0)))
			id = 0, fail_at(t, src, 0, 0, "out of memory");
	}
	yaml_document_delete(&vdoc);
	return id;
}

/* One segment of the key path: set[pos .. pos+len). */
struct segment {
	const char *set;
	const struct yt_src *src;
	size_t pos, len;
};

static int seg_fail(struct yt *t, const struct segment *g, const char *fmt, const char *arg)
{
	return fail_at(t, g->src, 0, g->pos, fmt, (int)g->len, g->set + g->pos, arg);
}

/* A numeric segment as a sequence index, or -1. */
static long seg_index(const struct segment *g)
{
	if (g->len == 0 || g->len > 9)
		return -1;
	long v = 0;
	for (size_t i = 0; i < g->len; i++) {
		char c = g->set[g->pos + i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	return v;
}

static int new_node(struct yt *t, const struct segment *g, bool mapping)
{
	int id = mapping
		? yaml_document_add_mapping(&t->doc, NULL, YAML_BLOCK_MAPPING_STYLE)
		: yaml_document_add_scalar(&t->doc, NULL, (const yaml_char_t *)g->set + g->pos,
					   (int)g->len, YAML_PLAIN_SCALAR_STYLE);
	if (!id || note_origin(t, id, g->src, key_mark(g->pos))) {
		fail_at(t, g->src, 0, g->pos, "out of memory");
		return 0;
	}
	return id;
}

/* Puts value at segment g of container; value 0 means "a new mapping, unless
 * a mapping is already there". Returns the node now at g, or 0 on error. */
static int put_in_mapping(struct yt *t, int map, const struct segment *g, int value)
{
	int i = pair_index(t, map, g->set + g->pos, g->len);
	if (i >= 0) {
		int cur = yt_value(t, map, i);
		if (!value && !yt_is_null(t, cur))
			return cur;
	}
	if (!value && !(value = new_node(t, g, true)))
		return 0;
	if (i >= 0) {
		yt_node(t, map)->data.mapping.pairs.start[i].value = value;
		return value;
	}
	int key = new_node(t, g, false);
	if (!key)
		return 0;
	if (!yaml_document_append_mapping_pair(&t->doc, map, key, value))
		return fail_at(t, g->src, 0, g->pos, "out of memory"), 0;
	return value;
}

static int put_in_sequence(struct yt *t, int seq, const struct segment *g, int value)
{
	long i = seg_index(g);
	int n = yt_len(t, seq);
	if (i < 0)
		return seg_fail(t, g, "'%.*s' is not an index into a sequence%s", ""), 0;
	if (i > n) {
		char buf[48];
		snprintf(buf, sizeof buf, " (it has %d item%s)", n, n == 1 ? "" : "s");
		return seg_fail(t, g, "index %.*s is out of range%s", buf), 0;
	}
	if (i < n && !value && !yt_is_null(t, yt_item(t, seq, (int)i)))
		return yt_item(t, seq, (int)i);
	if (!value && !(value = new_node(t, g, true)))
		return 0;
	if (i < n) {
		yt_node(t, seq)->data.sequence.items.start[i] = value;
		return value;
	}
	if (!yaml_document_append_sequence_item(&t->doc, seq, value))
		return fail_at(t, g->src, 0, g->pos, "out of memory"), 0;
	return value;
}

static int put_child(struct yt *t, int node, const struct segment *g, int value)
{
	if (yt_is_mapping(t, node))
		return put_in_mapping(t, node, g, value);
	if (yt_is_sequence(t, node))
		return put_in_sequence(t, node, g, value);
	if (g->pos == 0)
		return fail_at(t, g->src, 0, 0, "cannot set '%.*s': the document is not a mapping",
			       (int)g->len, g->set), 0;
	return fail_at(t, g->src, 0, g->pos, "cannot set '%.*s': '%.*s' is a scalar",
		       (int)g->len, g->set + g->pos, (int)g->pos - 1, g->set), 0;
}

/* Checks the key path has no empty segment before anything is parsed. */
static int check_key(struct yt *t, const struct yt_src *src, const char *set, size_t keylen)
{
	if (keylen == 0)
		return fail_at(t, src, 0, 0, "empty key (expected KEY=VALUE)");
	for (size_t i = 0; i <= keylen; i++) {
		bool edge = i == 0 || set[i - 1] == '.';
		if (edge && (i == keylen || set[i] == '.'))
			return fail_at(t, src, 0, i, "empty segment in key '%.*s'", (int)keylen, set);
	}
	return 0;
}

int yt_apply_set(struct yt *t, const char *set)
{
	const struct yt_src *src = intern_src(t, YT_SET, set);
	if (!src)
		return fail_at(t, NULL, 0, 0, "out of memory");
	const char *eq = strchr(set, '=');
	if (!eq)
		return fail_at(t, src, 0, 0, "expected KEY=VALUE");
	size_t keylen = (size_t)(eq - set);
	if (check_key(t, src, set, keylen))
		return -1;
	int value = graft_value(t, src, eq + 1);
	if (!value)
		return -1;
	int node = yt_root(t);
	struct segment g = { set, src, 0, 0 };
	for (;;) {
		g.len = strcspn(set + g.pos, ".=");
		bool last = g.pos + g.len >= keylen;
		node = put_child(t, node, &g, last ? value : 0);
		if (!node)
			return -1;
		if (last)
			return 0;
		g.pos += g.len + 1;
	}
}

/* ---- merging another file's mapping under this one ------------------------- */

#define MERGE_PATH_CHARS 512

/* True when path is a closed path or one of its direct children ("models",
 * "models.pool"); deeper paths ("models.gmp.newproc") are open, so another
 * file configures a block t has without adding a block t lacks. */
static bool path_closed(const char *path, const char *const *closed, int nclosed)
{
	for (int i = 0; i < nclosed; i++) {
		size_t n = strlen(closed[i]);
		if (strncmp(path, closed[i], n) != 0)
			continue;
		if (path[n] == '\0' || (path[n] == '.' && !strchr(path + n + 1, '.')))
			return true;
	}
	return false;
}

struct merge {
	struct yt *from;
	const char *const *closed;
	int nclosed;
	char path[MERGE_PATH_CHARS];
};

static int merge_map(struct yt *t, int map, struct merge *m, int src_map, size_t plen, int depth);

/* Copies the pair (key k, value v) of m->from into map. */
static int merge_add(struct yt *t, int map, struct merge *m, int k, int v)
{
	struct graft_from g = { (yaml_document_t *)&m->from->doc, NULL, m->from };
	int key = graft(t, &g, k, 0);
	int value = key ? graft(t, &g, v, 0) : 0;
	if (value && !yaml_document_append_mapping_pair(&t->doc, map, key, value))
		return fail_at(t, NULL, 0, 0, "out of memory");
	return value ? 0 : -1;
}

/* Merges the pair i of m->from's mapping src_map into map, at path. */
static int merge_pair(struct yt *t, int map, struct merge *m, int src_map, int i, size_t plen, int depth)
{
	struct yt *f = m->from;
	int k = yt_key(f, src_map, i), v = yt_value(f, src_map, i);
	const char *name = yt_text(f, k);
	int n = snprintf(m->path + plen, MERGE_PATH_CHARS - plen, "%s%s", plen ? "." : "", name);
	if (n < 0 || (size_t)n >= MERGE_PATH_CHARS - plen)
		return yt_fail(f, k, "key path too long");
	size_t len = plen + (size_t)n;
	int at = pair_index(t, map, name, strlen(name));
	if (at < 0)
		return path_closed(m->path, m->closed, m->nclosed) ? 0 : merge_add(t, map, m, k, v);
	int cur = yt_value(t, map, at);
	if (yt_is_mapping(t, cur) && yt_is_mapping(f, v))
		return merge_map(t, cur, m, v, len, depth + 1);
	if (!yt_is_null(t, cur) || !yt_is_mapping(f, v))
		return 0; /* this file's value wins */
	struct graft_from g = { (yaml_document_t *)&f->doc, NULL, f };
	int value = graft(t, &g, v, 0);
	if (!value)
		return -1;
	yt_node(t, map)->data.mapping.pairs.start[at].value = value;
	return 0;
}

static int merge_map(struct yt *t, int map, struct merge *m, int src_map, size_t plen, int depth)
{
	if (depth > YT_MAX_DEPTH)
		return yt_fail(m->from, src_map, "nested too deeply (a recursive alias?)");
	if (yt_check_unique(m->from, src_map))
		return -1;
	for (int i = 0; i < yt_len(m->from, src_map); i++)
		if (merge_pair(t, map, m, src_map, i, plen, depth))
			return -1;
	return 0;
}

int yt_merge(struct yt *t, int map, struct yt *from, int src_map,
	     const char *const *closed, int nclosed)
{
	struct merge m = { from, closed, nclosed, "" };
	return merge_map(t, map, &m, src_map, 0, 0);
}

int yt_remove_key(struct yt *t, int map, const char *key)
{
	int i = pair_index(t, map, key, strlen(key));
	if (i < 0)
		return 0;
	yaml_node_t *n = yt_node(t, map);
	int value = n->data.mapping.pairs.start[i].value;
	memmove(&n->data.mapping.pairs.start[i], &n->data.mapping.pairs.start[i + 1],
		(size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start - i - 1) * sizeof(yaml_node_pair_t));
	n->data.mapping.pairs.top--;
	return value;
}

/* ---- key checks and suggestions ------------------------------------------ */

struct key_ref {
	const char *s;
	int index;
};

static int cmp_key_ref(const void *a, const void *b)
{
	const struct key_ref *x = a, *y = b;
	int c = strcmp(x->s, y->s);
	return c ? c : x->index - y->index;
}

/* Index of the earliest second occurrence of any key, or -1; *first gets the
 * index of that key's first occurrence. refs must be sorted. */
static int earliest_duplicate(const struct key_ref *refs, int n, int *first)
{
	int best = -1;
	for (int i = 1; i < n; i++) {
		bool second = strcmp(refs[i].s, refs[i - 1].s) == 0 &&
			      (i == 1 || strcmp(refs[i - 1].s, refs[i - 2].s) != 0);
		if (second && (best < 0 || refs[i].index < best)) {
			best = refs[i].index;
			*first = refs[i - 1].index;
		}
	}
	return best;
}

int yt_check_unique(struct yt *t, int map)
{
	int n = yt_len(t, map);
	for (int i = 0; i < n; i++)
		if (!yt_is_scalar(t, yt_key(t, map, i)))
			return yt_fail_type(t, yt_key(t, map, i), "a scalar key");
	if (n < 2)
		return 0;
	struct key_ref *refs = malloc((size_t)n * sizeof *refs);
	if (!refs)
		return yt_fail(t, map, "out of memory");
	for (int i = 0; i < n; i++)
		refs[i] = (struct key_ref){ yt_text(t, yt_key(t, map, i)), i };
	qsort(refs, (size_t)n, sizeof *refs, cmp_key_ref);
	int first = 0, dup = earliest_duplicate(refs, n, &first);
	free(refs);
	if (dup < 0)
		return 0;
	char buf[DESCRIBE_MAX + 8];
	int k = yt_key(t, map, dup), k0 = yt_key(t, map, first);
	return yt_fail(t, k, "duplicate key %s (first at line %zu)", yt_describe(t, k, buf, sizeof buf),
		       yt_node(t, k0)->start_mark.line + 1);
}

static bool is_known(const char *s, const char *const *known, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(s, known[i]) == 0)
			return true;
	return false;
}

int yt_check_keys(struct yt *t, int map, const char *const *allowed, int nallowed,
		  const char *noun, const char *where)
{
	if (yt_check_unique(t, map))
		return -1;
	int n = yt_len(t, map);
	for (int i = 0; i < n; i++) {
		int k = yt_key(t, map, i);
		if (!is_known(yt_text(t, k), allowed, nallowed))
			return yt_fail_unknown(t, k, noun, where, allowed, nallowed);
	}
	return 0;
}

int yt_fail_unknown(struct yt *t, int id, const char *noun, const char *where,
		    const char *const *known, int nknown)
{
	char buf[DESCRIBE_MAX + 8], in[96] = "", hint[96] = "";
	if (where && *where)
		snprintf(in, sizeof in, " in '%s'", where);
	const char *s = yt_suggest(yt_text(t, id), known, nknown);
	if (s)
		snprintf(hint, sizeof hint, " (did you mean '%s'?)", s);
	return yt_fail(t, id, "unknown %s %s%s%s", noun, yt_describe(t, id, buf, sizeof buf), in, hint);
}

#define EDIT_MAX 64

static int min3(int a, int b, int c)
{
	int m = a < b ? a : b;
	return m < c ? m : c;
}

int yt_edit_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	if (n > EDIT_MAX || m > EDIT_MAX)
		return 1 << 20;
	int d[EDIT_MAX + 1][EDIT_MAX + 1];
	for (size_t i = 0; i <= n; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= n; i++) {
		for (size_t j = 1; j <= m; j++) {
			int cost = a[i - 1] != b[j - 1];
			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
				d[i][j] = d[i][j] < d[i - 2][j - 2] + 1 ? d[i][j] : d[i - 2][j - 2] + 1;
		}
	}
	return d[n][m];
}

const char *yt_suggest(const char *word, const char *const *cands, int n)
{
	int len = (int)strlen(word);
	int limit = len / 3 > 2 ? len / 3 : 2;
	const char *best = NULL;
	int best_d = limit + 1;
	for (int i = 0; i < n; i++) {
		int d = yt_edit_distance(word, cands[i]);
		if (d < best_d)
			best = cands[i], best_d = d;
	}
	return best;
}
