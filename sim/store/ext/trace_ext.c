/* sim/store/ext/trace_ext.c — the spans and events tables (trace_vtab.c) as
 * a loadable SQLite extension, build/gmpsim_trace.so, so the sqlite3 shell
 * and other SQLite programs read a traced database's spans and events as
 * gmpsim does:
 *
 *     sqlite3 -cmd '.load build/gmpsim_trace' DB 'select count(*) from spans'
 *
 * It compiles trace_vtab.c with SQLite's extension header (every sqlite3_*
 * call through the loading program's SQLite). Not part of libgmpsim.a
 * (it is outside the layer folders the Makefile compiles). */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1
#include "../trace_vtab.c"

/* The entry point SQLite derives from the file name gmpsim_trace. */
int sqlite3_gmpsimtrace_init(sqlite3 *db, char **err, const sqlite3_api_routines *api)
{
	(void)err;
	SQLITE_EXTENSION_INIT2(api);
	return trv_register(db);
}
