/* sim/store/outpath.h — which output paths gmpsim may replace (out_*).
 * Every writer (results databases, merge, export, plot) builds its file
 * beside the target and renames it over the target; rename() replaces
 * whatever is there, so a device node, a FIFO or a directory given as -o
 * must be refused before anything is written. Must not create or remove
 * anything: it only looks. */
#ifndef GMPSIM_OUTPATH_H
#define GMPSIM_OUTPATH_H
#include <stddef.h>

/* Checks that path names a new file or a regular file that may be
 * replaced, and returns (malloc'ed) the path to build beside and rename
 * over: path itself, or, when path is a symbolic link to a regular file,
 * the file the link names (the link is kept and the file it points to is
 * replaced, which is what writing "to the link" means; the temporary file
 * then lives on the target's own file system, so the rename stays atomic).
 * Refused, NULL with err: a device, FIFO, socket or directory, a symbolic
 * link to one, a dangling link (where the file would land is not known),
 * a path whose directory is missing or not a directory. */
char *out_resolve(const char *path, char *err, size_t errlen);

/* The same check without the resolution: 0 when path may be replaced,
 * else -1 with err. For a last look just before the rename. */
int out_check(const char *path, char *err, size_t errlen);

#endif
