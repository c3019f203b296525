/* sim/store/outpath.c — which output paths may be replaced (outpath.h).
 * Only a regular file or a new path; a symbolic link is followed to a
 * regular file and refused otherwise. Must not create or remove files. */
#include "outpath.h"
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void out_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void out_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* What a non-regular file is, for the message. */
static const char *out_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

int out_check(const char *path, char *err, size_t errlen)
{
	struct stat ls, st;
	if (!path || !*path) {
		out_err(err, errlen, "output path is empty");
		return -1;
	}
	if (lstat(path, &ls) != 0)
		return errno == ENOENT ? 0 : (out_err(err, errlen, "cannot use output '%s': %s", path,
						      strerror(errno)), -1);
	if (S_ISREG(ls.st_mode))
		return 0;
	if (!S_ISLNK(ls.st_mode)) {
		out_err(err, errlen, "refusing to replace '%s': it is %s (only a regular file or a new path "
			"may be an output)", path, out_kind(ls.st_mode));
		return -1;
	}
	if (stat(path, &st) != 0) {
		out_err(err, errlen, "refusing to write '%s': it is a symbolic link to a missing file (%s)",
			path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		out_err(err, errlen, "refusing to replace '%s': it is a symbolic link to %s (only a regular "
			"file or a new path may be an output)", path, out_kind(st.st_mode));
		return -1;
	}
	return 0;
}

char *out_resolve(const char *path, char *err, size_t errlen)
{
	if (out_check(path, err, errlen) != 0)
		return NULL;
	struct stat ls;
	char *p = NULL;
	if (lstat(path, &ls) == 0 && S_ISLNK(ls.st_mode))
		p = realpath(path, NULL);
	else
		p = strdup(path);
	if (!p)
		out_err(err, errlen, "cannot use output '%s': %s", path, strerror(errno));
	return p;
}
