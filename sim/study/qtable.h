/* sim/study/qtable.h — a query result held in memory and printed three ways:
 * an aligned table for people, CSV (RFC 4180) and JSON for scripts.
 *
 * The whole result is read before anything is printed, so an error in the
 * middle of a query (a damaged page) never leaves half a table on stdout.
 */
#ifndef GMPSIM_QTABLE_H
#define GMPSIM_QTABLE_H
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>

struct qt_cell {
	int type;     /* SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL */
	int64_t i;
	double d;
	char *s;      /* TEXT as UTF-8; BLOB as lowercase hex */
};

struct qt_table {
	int ncols;
	char **names;
	int nrows, caprows;
	struct qt_cell *cells;  /* row-major: cells[row * ncols + col] */
};

enum qt_format { QT_ALIGNED, QT_CSV, QT_JSON };

/* Steps st to the end and keeps every row. Returns SQLITE_DONE, or the
 * failing sqlite3_step code (the table then holds the rows read so far).
 * Allocation failure aborts. */
int qt_fill(struct qt_table *t, sqlite3_stmt *st);
void qt_free(struct qt_table *t);

/* Prints t in the format. ALIGNED: a header, a rule, numbers right-aligned
 * with a precision chosen per column, text left-aligned (cut at 80
 * columns with "..."), NULL as '-'.
 * CSV: a header row, fields quoted when they hold ',', '"', CR or LF, CRLF
 * line ends, NULL as an empty field, numbers at full precision. JSON: an
 * array of objects, one per row; numbers as numbers (shortest text that
 * reads back to the same double), NULL as null, strings escaped. */
void qt_print(FILE *f, const struct qt_table *t, enum qt_format fmt);

/* Shortest "%.Ng" text that reads back as exactly d (N up to 17). */
void qt_format_double(double d, char *buf, size_t len);

#endif
