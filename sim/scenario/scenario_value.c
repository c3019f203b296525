/* sim/scenario/scenario_value.c — reads one YAML scalar as a typed value (integer,
 * duration, size, rate, number, boolean, string) for the scenario loader,
 * and words its errors the same way everywhere: "expected a duration, got
 * ..." for the wrong kind of thing, "bad duration '...': why" for a
 * malformed one.
 *
 * Must not: know which key a value belongs to or what range it needs (the
 * table and the workload parsers check that), or allocate. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "scenario_internal.h"
#include "units.h"

static const struct {
	const char *expected; /* "expected X, got ..." */
	const char *bad;      /* "bad X 'v': reason"; NULL: always "expected" */
	bool syntax_is_type;  /* a value that does not look like one is a type error */
} vkinds[] = {
	[VK_INT] = { "an integer", "integer", true },
	[VK_UINT] = { "a 64-bit integer", "integer", true },
	[VK_DURATION] = { "a duration", "duration", false },
	[VK_SIZE] = { "a size", "size", false },
	[VK_RATE] = { "a rate", "rate", false },
	[VK_NUMBER] = { "a number", "number", true },
	[VK_BOOL] = { "a boolean (true or false)", NULL, true },
	[VK_STRING] = { "a string", NULL, true },
};

/* A 64-bit pattern (the seed): 0 .. 2^64-1, or negative down to -2^63 for
 * the same bits read as signed, which is how the results database stores
 * a seed and every command prints it, so a printed seed can be pasted back. */
static int parse_bits64(const char *text, uint64_t *out, char *why, size_t len)
{
	const char *t = text;
	while (*t == ' ' || *t == '\t')
		t++;
	if (*t != '-')
		return unit_parse_uint64(text, out, why, len);
	int64_t i = 0;  /* set by the parse; -O3 cannot tell */
	if (unit_parse_int64(text, &i, why, len))
		return -1;
	*out = (uint64_t)i;
	return 0;
}

int sc__parse_text(enum vkind k, const char *text, union value *v, char *why, size_t len)
{
	switch (k) {
	case VK_INT: return unit_parse_int64(text, &v->i, why, len);
	case VK_UINT: return parse_bits64(text, &v->u, why, len);
	case VK_DURATION: return unit_parse_duration(text, &v->i, why, len);
	case VK_SIZE: return unit_parse_size(text, &v->i, why, len);
	case VK_RATE: return unit_parse_rate(text, &v->d, why, len);
	case VK_NUMBER: return unit_parse_number(text, &v->d, why, len);
	case VK_STRING: v->s = text; return 0;
	case VK_BOOL: break;
	}
	if (strcasecmp(text, "true") == 0 || strcasecmp(text, "false") == 0) {
		v->b = strcasecmp(text, "true") == 0;
		return 0;
	}
	snprintf(why, len, "not a boolean");
	return -1;
}

const char *sc__describe(struct loader *ld, int node, char *buf)
{
	return yt_describe(ld->t, node, buf, DESCRIBE_CHARS);
}

/* Reads the scalar at node as kind k, or fails with a positioned message. */
int sc__node_value(struct loader *ld, int node, enum vkind k, union value *v)
{
	struct yt *t = ld->t;
	if (!yt_is_scalar(t, node) || yt_is_null(t, node))
		return yt_fail_type(t, node, vkinds[k].expected);
	char why[128], d[DESCRIBE_CHARS];
	if (sc__parse_text(k, yt_text(t, node), v, why, sizeof why) == 0)
		return 0;
	bool looks_wrong = strncmp(why, "not ", 4) == 0 || strncmp(why, "empty", 5) == 0;
	if (!vkinds[k].bad || (vkinds[k].syntax_is_type && looks_wrong))
		return yt_fail(t, node, "expected %s, got %s", vkinds[k].expected, sc__describe(ld, node, d));
	return yt_fail(t, node, "bad %s %s: %s", vkinds[k].bad, sc__describe(ld, node, d), why);
}

int sc__node_duration(struct loader *ld, int node, sim_ns *out)
{
	union value v;
	if (sc__node_value(ld, node, VK_DURATION, &v))
		return -1;
	*out = v.i;
	return 0;
}

/* An integer >= min; label names it in the range message. */
int sc__node_int_min(struct loader *ld, int node, const char *label, int64_t min, int64_t *out)
{
	union value v = { 0 };  /* set by sc__node_value; -O3 cannot tell */
	char d[DESCRIBE_CHARS];
	if (sc__node_value(ld, node, VK_INT, &v))
		return -1;
	if (v.i < min)
		return yt_fail(ld->t, node, "%s must be >= %lld, got %s", label, (long long)min,
			       sc__describe(ld, node, d));
	*out = v.i;
	return 0;
}

/* The value of key in map, or a "missing required key" error at map. */
int sc__require_key(struct loader *ld, int map, const char *key, int *out)
{
	*out = yt_get(ld->t, map, key);
	if (*out)
		return 0;
	return yt_fail(ld->t, map, "missing required key '%s'", key);
}

int sc__oom(struct loader *ld, int node)
{
	return yt_fail(ld->t, node, "out of memory");
}
