/* tests/testutil.h — small helpers shared by the cmocka test files:
 * temporary files, running ./gmpsim as a process, and the cmocka includes
 * in the order cmocka needs. */
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
#include <sys/wait.h>

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

/* The gmpsim binary under test: $GMPSIM, else ./gmpsim. */
static inline const char *tu_gmpsim(void)
{
	const char *p = getenv("GMPSIM");
	return p ? p : "./gmpsim";
}

/* Runs a shell command, its stdout into out (NUL-terminated, truncated to
 * outlen - 1); returns its exit status, or -1 when a signal ended it. */
static inline int tu_popen(const char *cmd, char *out, size_t outlen)
{
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	size_t n = fread(out, 1, outlen - 1, f);
	out[n] = 0;
	int st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Runs "gmpsim ARGS", stdout and stderr into out; returns the exit status. */
static inline int tu_run_gmpsim(const char *args, char *out, size_t outlen)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "%s %s 2>&1", tu_gmpsim(), args);
	return tu_popen(cmd, out, outlen);
}

#endif
