/* sim/study/qtable.c — buffered query results and their printers (aligned table,
 * CSV, JSON). Must not run queries of its own or know what the columns
 * mean: it formats whatever a statement returned.
 */
#include "qtable.h"
#include "grow.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { QT_MAX_TEXT = 80 }; /* aligned output: longer text is cut (CSV/JSON keep it) */

static void *qt_alloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fprintf(stderr, "gmpsim: out of memory (query result)\n");
		exit(2);  /* out of memory: a clear exit, not abort() */
	}
	return q;
}

static char *qt_strndup(const char *s, size_t n)
{
	char *d = qt_alloc(NULL, n + 1);
	memcpy(d, s, n);
	d[n] = 0;
	return d;
}

static char *qt_hex(const unsigned char *b, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *s = qt_alloc(NULL, 2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = digits[b[i] >> 4];
		s[2 * i + 1] = digits[b[i] & 15];
	}
	s[2 * n] = 0;
	return s;
}

static void qt_read_cell(struct qt_cell *c, sqlite3_stmt *st, int col)
{
	memset(c, 0, sizeof *c);
	c->type = sqlite3_column_type(st, col);
	switch (c->type) {
	case SQLITE_INTEGER: c->i = sqlite3_column_int64(st, col); break;
	case SQLITE_FLOAT: c->d = sqlite3_column_double(st, col); break;
	case SQLITE_TEXT:
		c->s = qt_strndup((const char *)sqlite3_column_text(st, col), (size_t)sqlite3_column_bytes(st, col));
		break;
	case SQLITE_BLOB:
		c->s = qt_hex(sqlite3_column_blob(st, col), (size_t)sqlite3_column_bytes(st, col));
		break;
	default: c->type = SQLITE_NULL; break;
	}
}

static void qt_set_columns(struct qt_table *t, sqlite3_stmt *st)
{
	memset(t, 0, sizeof *t);
	t->ncols = sqlite3_column_count(st);
	t->names = qt_alloc(NULL, sizeof *t->names * (size_t)t->ncols);
	for (int c = 0; c < t->ncols; c++) {
		const char *n = sqlite3_column_name(st, c);
		t->names[c] = qt_strndup(n ? n : "?", n ? strlen(n) : 1);
	}
}

int qt_fill(struct qt_table *t, sqlite3_stmt *st)
{
	qt_set_columns(t, st);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (t->nrows == t->caprows) {  /* rows of ncols cells */
			void *cells = t->cells;
			int64_t cap = t->caprows;
			grow_or_die(&cells, t->nrows + 1, &cap, sizeof *t->cells * (size_t)(t->ncols ? t->ncols : 1),
				    64, INT_MAX, "query result");
			t->cells = cells;
			t->caprows = (int)cap;
		}
		for (int c = 0; c < t->ncols; c++)
			qt_read_cell(&t->cells[t->nrows * t->ncols + c], st, c);
		t->nrows++;
	}
	return rc;
}

void qt_free(struct qt_table *t)
{
	for (int i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i].s);
	for (int c = 0; c < t->ncols; c++)
		free(t->names[c]);
	free(t->cells);
	free(t->names);
	memset(t, 0, sizeof *t);
}

static const struct qt_cell *qt_at(const struct qt_table *t, int row, int col)
{
	return &t->cells[row * t->ncols + col];
}

void qt_format_double(double d, char *buf, size_t len)
{
	if (isinf(d)) {
		snprintf(buf, len, d > 0 ? "1e999" : "-1e999"); /* valid JSON, reads back as inf */
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			return;
	}
}

/* ---- aligned ------------------------------------------------------------- */

/* Decimals for a column's non-integral REALs: four significant digits of
 * its largest magnitude, at least one, at most six; 0 when every REAL is a
 * whole number (a count stored as REAL). */
static int qt_decimals(const struct qt_table *t, int col)
{
	double max = 0;
	int fractional = 0;
	for (int r = 0; r < t->nrows; r++) {
		const struct qt_cell *c = qt_at(t, r, col);
		if (c->type != SQLITE_FLOAT || !isfinite(c->d))
			continue;
		if (fabs(c->d) > max)
			max = fabs(c->d);
		if (c->d != floor(c->d) || fabs(c->d) >= 1e15)
			fractional = 1;
	}
	if (!fractional)
		return 0;
	int d = max > 0 ? 3 - (int)floor(log10(max)) : 1;
	return d < 1 ? 1 : d > 6 ? 6 : d;
}

static void qt_cell_text(const struct qt_cell *c, int decimals, char *buf, size_t len)
{
	switch (c->type) {
	case SQLITE_INTEGER: snprintf(buf, len, "%lld", (long long)c->i); break;
	case SQLITE_FLOAT:
		if (!isfinite(c->d) || fabs(c->d) >= 1e15)
			snprintf(buf, len, "%.6g", c->d);
		else if (c->d != 0 && fabs(c->d) < 0.5 * pow(10, -decimals))
			snprintf(buf, len, "%.3g", c->d); /* would print as zero */
		else
			snprintf(buf, len, "%.*f", decimals, c->d);
		break;
	case SQLITE_NULL: snprintf(buf, len, "-"); break;
	default: snprintf(buf, len, "%s", c->s); break;
	}
}

static int qt_is_number(const struct qt_cell *c)
{
	return c->type == SQLITE_INTEGER || c->type == SQLITE_FLOAT;
}

/* Right-aligns the header over a column whose values are all numbers. */
static int qt_numeric_column(const struct qt_table *t, int col)
{
	int numbers = 0;
	for (int r = 0; r < t->nrows; r++) {
		const struct qt_cell *c = qt_at(t, r, col);
		if (c->type == SQLITE_TEXT || c->type == SQLITE_BLOB)
			return 0;
		numbers += qt_is_number(c);
	}
	return numbers > 0;
}

/* Width in terminal columns: UTF-8 continuation bytes take no column. */
static int qt_width(const char *s)
{
	int w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static void qt_pad(FILE *f, const char *s, int width, int right, int last)
{
	int pad = width - qt_width(s);
	if (right)
		fprintf(f, "%*s%s", pad > 0 ? pad : 0, "", s);
	else if (last)
		fputs(s, f);
	else
		fprintf(f, "%s%*s", s, pad > 0 ? pad : 0, "");
}

/* A copy of s cut to QT_MAX_TEXT columns ("..." marks the cut), control
 * characters as spaces: a long error message or description must not push
 * the table off the screen or break its rows. */
static char *qt_clip(const char *s)
{
	size_t n = 0;
	int w = 0;
	while (s[n] && w < QT_MAX_TEXT - 3) {
		w += ((unsigned char)s[n] & 0xc0) != 0x80;
		n++;
	}
	while (s[n] && ((unsigned char)s[n] & 0xc0) == 0x80)
		n++;
	int cut = qt_width(s) > QT_MAX_TEXT;
	if (!cut)
		n = strlen(s);
	char *d = qt_alloc(NULL, n + 4);
	memcpy(d, s, n);
	memcpy(d + n, cut ? "..." : "", cut ? 4 : 1);
	for (char *p = d; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' '; /* a newline or tab would break the rows */
	return d;
}

struct qt_layout { int *width, *decimals, *right; char **text; };

static void qt_layout(const struct qt_table *t, struct qt_layout *L)
{
	size_t nc = (size_t)t->ncols;
	L->width = qt_alloc(NULL, sizeof(int) * nc);
	L->decimals = qt_alloc(NULL, sizeof(int) * nc);
	L->right = qt_alloc(NULL, sizeof(int) * nc);
	L->text = qt_alloc(NULL, sizeof(char *) * nc * (size_t)t->nrows);
	for (int c = 0; c < t->ncols; c++) {
		L->decimals[c] = qt_decimals(t, c);
		L->right[c] = qt_numeric_column(t, c);
		L->width[c] = qt_width(t->names[c]);
		for (int r = 0; r < t->nrows; r++) {
			const struct qt_cell *cell = qt_at(t, r, c);
			char buf[64];
			const char *s = buf;
			if (cell->type == SQLITE_TEXT || cell->type == SQLITE_BLOB)
				s = cell->s;
			else
				qt_cell_text(cell, L->decimals[c], buf, sizeof buf);
			char *copy = qt_clip(s);
			L->text[r * t->ncols + c] = copy;
			if (qt_width(copy) > L->width[c])
				L->width[c] = qt_width(copy);
		}
	}
}

static void qt_layout_free(const struct qt_table *t, struct qt_layout *L)
{
	for (int i = 0; i < t->nrows * t->ncols; i++)
		free(L->text[i]);
	free(L->text);
	free(L->width);
	free(L->decimals);
	free(L->right);
}

static void qt_print_aligned(FILE *f, const struct qt_table *t)
{
	struct qt_layout L;
	qt_layout(t, &L);
	int last = t->ncols - 1;
	for (int c = 0; c <= last; c++) {
		qt_pad(f, t->names[c], L.width[c], L.right[c], c == last);
		fputs(c == last ? "\n" : "  ", f);
	}
	for (int c = 0; c <= last; c++) {
		for (int i = 0; i < L.width[c]; i++)
			fputc('-', f);
		fputs(c == last ? "\n" : "  ", f);
	}
	for (int r = 0; r < t->nrows; r++) {
		for (int c = 0; c <= last; c++) {
			const struct qt_cell *cell = qt_at(t, r, c);
			int right = qt_is_number(cell) || (cell->type == SQLITE_NULL && L.right[c]);
			qt_pad(f, L.text[r * t->ncols + c], L.width[c], right, c == last);
			fputs(c == last ? "\n" : "  ", f);
		}
	}
	if (t->nrows == 0)
		fputs("(no rows)\n", f);
	qt_layout_free(t, &L);
}

/* ---- CSV ------------------------------------------------------------------- */

static void qt_csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void qt_value_text(const struct qt_cell *c, char *buf, size_t len)
{
	if (c->type == SQLITE_INTEGER)
		snprintf(buf, len, "%lld", (long long)c->i);
	else if (c->type == SQLITE_FLOAT)
		qt_format_double(c->d, buf, len);
	else
		buf[0] = 0;
}

static void qt_print_csv(FILE *f, const struct qt_table *t)
{
	int last = t->ncols - 1;
	for (int c = 0; c <= last; c++) {
		qt_csv_field(f, t->names[c]);
		fputs(c == last ? "\r\n" : ",", f);
	}
	for (int r = 0; r < t->nrows; r++) {
		for (int c = 0; c <= last; c++) {
			const struct qt_cell *cell = qt_at(t, r, c);
			char buf[64];
			qt_value_text(cell, buf, sizeof buf);
			qt_csv_field(f, cell->s ? cell->s : buf);
			fputs(c == last ? "\r\n" : ",", f);
		}
	}
}

/* ---- JSON ------------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when it is not one
 * (a stray continuation byte, a truncated or overlong sequence, a surrogate). */
static int qt_utf8_len(const unsigned char *s)
{
	int n = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	if (n == 0 || s[0] == 0xc0 || s[0] == 0xc1 || s[0] > 0xf4)
		return 0;
	for (int i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((n == 3 && s[0] == 0xe0 && s[1] < 0xa0) || (n == 3 && s[0] == 0xed && s[1] >= 0xa0) ||
	    (n == 4 && s[0] == 0xf0 && s[1] < 0x90) || (n == 4 && s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return n;
}

/* A JSON string: quotes, backslashes and control characters escaped;
 * bytes that are not UTF-8 become U+FFFD, so the output is valid JSON
 * whatever the database holds. */
static void qt_json_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	fputc('"', f);
	while (*s) {
		int n = qt_utf8_len(s);
		if (n == 0) {
			fputs("\\ufffd", f);
			s++;
		} else if (n > 1) {
			fwrite(s, 1, (size_t)n, f);
			s += n;
		} else {
			switch (*s) {
			case '"': fputs("\\\"", f); break;
			case '\\': fputs("\\\\", f); break;
			case '\n': fputs("\\n", f); break;
			case '\r': fputs("\\r", f); break;
			case '\t': fputs("\\t", f); break;
			default:
				if (*s < 0x20 || *s == 0x7f)
					fprintf(f, "\\u%04x", *s);
				else
					fputc(*s, f);
			}
			s++;
		}
	}
	fputc('"', f);
}

static void qt_json_value(FILE *f, const struct qt_cell *c)
{
	char buf[64];
	if (c->type == SQLITE_NULL) {
		fputs("null", f);
	} else if (c->s) {
		qt_json_string(f, c->s);
	} else {
		qt_value_text(c, buf, sizeof buf);
		fputs(buf, f);
	}
}

static void qt_print_json(FILE *f, const struct qt_table *t)
{
	fputc('[', f);
	for (int r = 0; r < t->nrows; r++) {
		fputs(r ? ",\n {" : "\n {", f);
		int first = 1;
		for (int c = 0; c < t->ncols; c++) {
			fputs(first ? "" : ", ", f);
			first = 0;
			qt_json_string(f, t->names[c]);
			fputs(": ", f);
			qt_json_value(f, qt_at(t, r, c));
		}
		fputc('}', f);
	}
	fputs(t->nrows ? "\n]\n" : "]\n", f);
}

void qt_print(FILE *f, const struct qt_table *t, enum qt_format fmt)
{
	if (fmt == QT_CSV)
		qt_print_csv(f, t);
	else if (fmt == QT_JSON)
		qt_print_json(f, t);
	else
		qt_print_aligned(f, t);
}
