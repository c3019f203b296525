/* sim/study/sweep_axis.c — parsing of sweep axis values: lists, arithmetic and
 * geometric ranges, and YAML nodes written back as flow text. See
 * sweep_axis.h for the grammar. Must not check a value against its key
 * (the scenario loader does that) and must not print. */
#include "sweep_axis.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void axis_values_free(struct axis_values *a)
{
	for (int i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	memset(a, 0, sizeof *a);
}

/* Appends a copy of len bytes of s; -1 when out of memory or full. */
static int push(struct axis_values *a, const char *s, size_t len, char *why, size_t whylen)
{
	if (a->n >= AXIS_MAX_VALUES) {
		snprintf(why, whylen, "more than %d values", AXIS_MAX_VALUES);
		return -1;
	}
	if (a->n == a->cap) {
		int cap = a->cap ? 2 * a->cap : 8;
		char **v = realloc(a->v, (size_t)cap * sizeof *v);
		if (!v)
			goto oom;
		a->v = v;
		a->cap = cap;
	}
	if (!(a->v[a->n] = strndup(s, len)))
		goto oom;
	a->n++;
	return 0;
oom:
	snprintf(why, whylen, "out of memory");
	return -1;
}

int axis_values_add(struct axis_values *a, const char *s, char *why, size_t whylen)
{
	return push(a, s, strlen(s), why, whylen);
}

/* ---- lists ---------------------------------------------------------------- */

/* Length of the next list item of s: up to a comma at depth 0 outside
 * quotes, or the end. */
static size_t item_len(const char *s)
{
	int depth = 0;
	char quote = 0;
	size_t i = 0;
	for (; s[i]; i++) {
		char c = s[i];
		if (quote) {
			if (c == quote)
				quote = 0;
		} else if (c == '\'' || c == '"') {
			quote = c;
		} else if (c == '[' || c == '{') {
			depth++;
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		} else if (c == ',' && depth == 0) {
			break;
		}
	}
	return i;
}

/* A range starts with a number and has ".." after it. */
static bool looks_like_range(const char *s, size_t len)
{
	while (len && isspace((unsigned char)*s))
		s++, len--;
	if (!len || !(isdigit((unsigned char)*s) || ((*s == '-' || *s == '+' || *s == '.') && len > 1)))
		return false;
	for (size_t i = 0; i + 1 < len; i++)
		if (s[i] == '.' && s[i + 1] == '.')
			return true;
	return false;
}

bool axis_is_sweep(const char *text)
{
	size_t n = item_len(text);
	return text[n] == ',' || looks_like_range(text, n);
}

static void trim(const char **s, size_t *len)
{
	while (*len && isspace((unsigned char)**s))
		(*s)++, (*len)--;
	while (*len && isspace((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

int axis_parse(const char *text, struct axis_values *out, char *why, size_t whylen)
{
	const char *p = text;
	for (int item = 1;; item++) {
		size_t n = item_len(p);
		const char *s = p;
		size_t len = n;
		trim(&s, &len);
		if (!len) {
			snprintf(why, whylen, "item %d of the list is empty", item);
			return -1;
		}
		char *one = strndup(s, len);
		if (!one) {
			snprintf(why, whylen, "out of memory");
			return -1;
		}
		int rc = looks_like_range(one, len) ? axis_parse_range(one, out, why, whylen) : 1;
		if (rc == 1)
			rc = push(out, one, len, why, whylen);
		free(one);
		if (rc < 0)
			return -1;
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

/* ---- ranges --------------------------------------------------------------- */

/* A number with an optional unit suffix: "64", "1.5", "100us", "5000/s". */
struct quantity {
	double x;
	long long i;
	bool integer;
	char unit[16];
};

static int parse_quantity(const char *s, size_t len, const char *what, struct quantity *q,
			  char *why, size_t whylen)
{
	char buf[64];
	trim(&s, &len);
	if (len == 0 || len >= sizeof buf) {
		snprintf(why, whylen, "range: %s is %s", what, len ? "too long" : "missing");
		return -1;
	}
	memcpy(buf, s, len);
	buf[len] = 0;
	char *end;
	errno = 0;
	q->x = strtod(buf, &end);
	if (end == buf || errno || !isfinite(q->x)) {
		snprintf(why, whylen, "range: %s '%s' is not a number", what, buf);
		return -1;
	}
	size_t numlen = (size_t)(end - buf);
	q->integer = strcspn(buf, ".eExX") >= numlen && fabs(q->x) < 9e15;
	q->i = q->integer ? strtoll(buf, NULL, 10) : 0;
	const char *u = end;
	while (isspace((unsigned char)*u))
		u++;
	if (strlen(u) >= sizeof q->unit || strpbrk(u, " \t")) {
		snprintf(why, whylen, "range: %s '%s' has a bad unit", what, buf);
		return -1;
	}
	strcpy(q->unit, u);
	return 0;
}

static int push_number(struct axis_values *out, const struct quantity *like, bool integer, long long i,
		       double x, char *why, size_t whylen)
{
	char buf[64];
	int n = integer ? snprintf(buf, sizeof buf, "%lld%s", i, like->unit)
			: snprintf(buf, sizeof buf, "%.15g%s", x, like->unit);
	return push(out, buf, (size_t)n, why, whylen);
}

static int expand_arith(const struct quantity *lo, const struct quantity *hi, const struct quantity *st,
			struct axis_values *out, char *why, size_t whylen)
{
	if (!(st->x > 0)) {
		snprintf(why, whylen, "range: step must be > 0, got %g", st->x);
		return -1;
	}
	if (lo->integer && hi->integer && st->integer) {
		for (long long v = lo->i; v <= hi->i; v += st->i)
			if (push_number(out, lo, true, v, 0, why, whylen))
				return -1;
		return 0;
	}
	double count = floor((hi->x - lo->x) / st->x + 1e-9);
	if (count >= AXIS_MAX_VALUES) {
		snprintf(why, whylen, "more than %d values", AXIS_MAX_VALUES);
		return -1;
	}
	for (long k = 0; k <= (long)count; k++)
		if (push_number(out, lo, false, 0, lo->x + (double)k * st->x, why, whylen))
			return -1;
	return 0;
}

static int expand_geom(const struct quantity *lo, const struct quantity *hi, const struct quantity *f,
		       struct axis_values *out, char *why, size_t whylen)
{
	if (f->unit[0]) {
		snprintf(why, whylen, "range: the factor takes no unit, got '%g%s'", f->x, f->unit);
		return -1;
	}
	if (!(f->x > 1)) {
		snprintf(why, whylen, "range: factor must be > 1, got %g", f->x);
		return -1;
	}
	if (!(lo->x > 0)) {
		snprintf(why, whylen, "range: a geometric range must start above 0, got %g", lo->x);
		return -1;
	}
	if (lo->integer && hi->integer && f->integer) {
		for (long long v = lo->i; v <= hi->i; v *= f->i) {
			if (push_number(out, lo, true, v, 0, why, whylen))
				return -1;
			if (v > hi->i / f->i)
				break; /* the next value would pass the end (or overflow) */
		}
		return 0;
	}
	for (int k = 0;; k++) {
		double v = lo->x * pow(f->x, k);
		if (v > hi->x * (1 + 1e-12))
			return 0;
		if (push_number(out, lo, false, 0, v, why, whylen))
			return -1;
	}
}

int axis_parse_range(const char *text, struct axis_values *out, char *why, size_t whylen)
{
	const char *dots = strstr(text, "..");
	if (!dots || !looks_like_range(text, strlen(text)))
		return 1;
	const char *rest = dots + 2;
	const char *star = strchr(rest, '*');
	const char *step = strstr(rest, "step");
	size_t hilen = star ? (size_t)(star - rest) : step ? (size_t)(step - rest) : strlen(rest);
	struct quantity lo, hi, by = { .x = 1, .i = 1, .integer = true };
	if (parse_quantity(text, (size_t)(dots - text), "the start", &lo, why, whylen) ||
	    parse_quantity(rest, hilen, "the end", &hi, why, whylen))
		return -1;
	if (step && parse_quantity(step + 4, strlen(step + 4), "the step", &by, why, whylen))
		return -1;
	if (star && parse_quantity(star + 1, strlen(star + 1), "the factor", &by, why, whylen))
		return -1;
	if (!step && !star)
		strcpy(by.unit, lo.unit);
	if (strcmp(lo.unit, hi.unit) || (!star && strcmp(lo.unit, by.unit))) {
		snprintf(why, whylen, "range '%s': start, end and step must use the same unit", text);
		return -1;
	}
	if (lo.x > hi.x) {
		snprintf(why, whylen, "empty range '%s' (start > end)", text);
		return -1;
	}
	return star ? expand_geom(&lo, &hi, &by, out, why, whylen)
		    : expand_arith(&lo, &hi, &by, out, why, whylen);
}

/* ---- YAML nodes as flow text ------------------------------------------------ */

struct sbuf {
	char *s;
	size_t n, cap;
	bool bad;
};

static void put(struct sbuf *b, const char *s, size_t len)
{
	if (b->bad)
		return;
	if (b->n + len + 1 > b->cap) {
		size_t cap = (b->n + len + 1) * 2;
		char *p = realloc(b->s, cap);
		if (!p) {
			b->bad = true;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, len);
	b->n += len;
	b->s[b->n] = 0;
}

static void put_scalar(struct sbuf *b, const yaml_node_t *n)
{
	const char *s = (const char *)n->data.scalar.value;
	size_t len = n->data.scalar.length;
	bool plain = n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && len > 0 &&
		     strcspn(s, ",[]{}#'\"\n") == len && !strstr(s, ": ") && !isspace((unsigned char)s[0]) &&
		     !isspace((unsigned char)s[len - 1]);
	if (plain) {
		put(b, s, len);
		return;
	}
	put(b, "'", 1);
	for (size_t i = 0; i < len; i++)
		put(b, s[i] == '\'' ? "''" : s + i, s[i] == '\'' ? 2 : 1);
	put(b, "'", 1);
}

static void put_node(struct sbuf *b, const struct yt *t, int id, int depth)
{
	const yaml_node_t *n = yt_node(t, id);
	if (!n || depth > YT_MAX_DEPTH) {
		b->bad = true;
		return;
	}
	if (n->type == YAML_SCALAR_NODE) {
		put_scalar(b, n);
		return;
	}
	bool seq = n->type == YAML_SEQUENCE_NODE;
	put(b, seq ? "[" : "{", 1);
	for (int i = 0; i < yt_len(t, id); i++) {
		if (i)
			put(b, ", ", 2);
		if (seq) {
			put_node(b, t, yt_item(t, id, i), depth + 1);
		} else {
			put_node(b, t, yt_key(t, id, i), depth + 1);
			put(b, ": ", 2);
			put_node(b, t, yt_value(t, id, i), depth + 1);
		}
	}
	put(b, seq ? "]" : "}", 1);
}

char *axis_node_text(const struct yt *t, int id)
{
	struct sbuf b = { 0 };
	put_node(&b, t, id, 0);
	put(&b, "", 0);
	if (b.bad) {
		free(b.s);
		return NULL;
	}
	return b.s;
}
