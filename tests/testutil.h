/* tests/testutil.h — small helpers shared by the cmocka test files:
 * temporary files and the cmocka includes in the order cmocka needs. */
#ifndef GMPSIM_TESTUTIL_H
#define GMPSIM_TESTUTIL_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Writes text to a fresh temporary file named like the template
 * ("/tmp/gmpsim-XXXXXX.yaml", suffix length given) and returns its path
 * (static buffer per call site is the caller's; this returns malloc'd). */
static inline char *tu_write_temp(const char *text, const char *suffix)
{
	char *path = malloc(64);
	snprintf(path, 64, "/tmp/gmpsim-test-XXXXXX%s", suffix);
	int fd = mkstemps(path, (int)strlen(suffix));
	if (fd < 0) { free(path); return NULL; }
	size_t n = strlen(text);
	if (write(fd, text, n) != (ssize_t)n) { close(fd); free(path); return NULL; }
	close(fd);
	return path;
}

#endif
