/* sim/study/gnuplot.c — runs gnuplot on a generated script and publishes its
 * output by rename. Must not know what is plotted (cmd_plot builds the
 * script) and must not write the target before the chart is complete.
 */
#include "gnuplot.h"
#include "outpath.h"
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *const gp_terminal[] = {
	[GP_SVG] = "set terminal svg noenhanced size 900,540 font 'Arial,12' background rgb 'white'\n",
	[GP_PNG] = "set terminal pngcairo noenhanced size 900,540 font 'Sans,10'\n",
};

/* Appends s to buf as a gnuplot single-quoted string ('' doubles a quote;
 * newlines become spaces). Returns buf's new length or -1 if it would not fit. */
static int gp_quote(char *buf, size_t len, const char *s)
{
	size_t n = strlen(buf);
	if (n + 1 >= len)
		return -1;
	buf[n++] = '\'';
	for (; *s; s++) {
		if (n + 3 >= len)
			return -1;
		if (*s == '\'')
			buf[n++] = '\'';
		buf[n++] = (*s == '\n' || *s == '\r') ? ' ' : *s;
	}
	buf[n++] = '\'';
	buf[n] = 0;
	return (int)n;
}

/* A fresh empty file from template (mkstemps with suffix length); its
 * path replaces the template. Returns 0 or errno. */
static int gp_temp(char *tmpl, int suffix)
{
	int fd = mkstemps(tmpl, suffix);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int gp_write_script(const char *path, enum gp_format format, const char *output, const char *body,
			   char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");
	char out[4200] = "set output ";
	if (!f || gp_quote(out, sizeof out, output) < 0) {
		snprintf(err, errlen, "cannot write gnuplot script '%s': %s", path, f ? "path too long" : strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	fprintf(f, "%s%s\n%s\nunset output\n", gp_terminal[format], out, body);
	if (fclose(f) != 0) {
		snprintf(err, errlen, "cannot write gnuplot script '%s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The last non-empty line of gnuplot's stderr: where it names the error. */
static void gp_last_line(const char *path, char *line, size_t len)
{
	FILE *f = fopen(path, "r");
	char buf[512];
	line[0] = 0;
	while (f && fgets(buf, sizeof buf, f)) {
		buf[strcspn(buf, "\r\n")] = 0;
		if (buf[strspn(buf, " \t^")])
			snprintf(line, len, "%.511s", buf);
	}
	if (f)
		fclose(f);
}

/* Runs gnuplot on script with stderr to errpath. Returns its exit status,
 * or -1 with err when it could not be started. */
static int gp_spawn(const char *script, const char *errpath, char *err, size_t errlen)
{
	const char *prog = getenv("GMPSIM_GNUPLOT");
	if (!prog || !*prog)
		prog = "gnuplot";
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, errpath, O_WRONLY | O_TRUNC, 0);
	char *argv[] = { (char *)prog, (char *)script, NULL };
	pid_t pid;
	int rc = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		snprintf(err, errlen, "cannot run %s: %s%s", prog, strerror(rc),
			 rc == ENOENT ? " (install gnuplot: apt-get install gnuplot-nox)" : "");
		return -1;
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			snprintf(err, errlen, "waiting for %s: %s", prog, strerror(errno));
			return -1;
		}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static long gp_file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* gnuplot on the script; on success the output in tmpout is complete. */
static int gp_run(const char *script, const char *errpath, const char *tmpout, char *err, size_t errlen)
{
	int status = gp_spawn(script, errpath, err, errlen);
	if (status < 0)
		return -1;
	if (status == 0 && gp_file_size(tmpout) > 0)
		return 0;
	char line[512];
	gp_last_line(errpath, line, sizeof line);
	snprintf(err, errlen, "gnuplot failed (exit status %d): %s", status,
		 line[0] ? line : "no output and no message");
	return -1;
}

/* Creates the empty file beside out that gnuplot writes into (tmpout, at
 * least 4096 bytes); mode follows the umask as a plain fopen's would. */
static int gp_output_temp(const char *out, char *tmpout, size_t len, char *err, size_t errlen)
{
	if (strchr(out, '\n') || strchr(out, '\r') ||
	    snprintf(tmpout, len, "%s.tmp-%ld-XXXXXX", out, (long)getpid()) >= (int)len) {
		snprintf(err, errlen, "-o: unusable output path '%s'", out);
		return -1;
	}
	int e = gp_temp(tmpout, 0);
	if (e) {
		snprintf(err, errlen, "-o %s: cannot create a file in its directory: %s", out, strerror(e));
		return -1;
	}
	mode_t mask = umask(0); /* read back the umask: not thread-safe */
	umask(mask);
	(void)chmod(tmpout, 0666 & ~mask);
	return 0;
}

/* Writes the script to a temporary file, runs gnuplot on it, removes it. */
static int gp_script_and_run(const char *body, const char *tmpout, enum gp_format format, char *err, size_t errlen)
{
	char script[] = "/tmp/gmpsim-plot-XXXXXX.gp", errpath[] = "/tmp/gmpsim-plot-XXXXXX.err";
	int rc = -1, e = gp_temp(script, 3);
	if (e) {
		snprintf(err, errlen, "cannot create a temporary file in /tmp: %s", strerror(e));
		return -1;
	}
	if ((e = gp_temp(errpath, 4)) != 0) {
		snprintf(err, errlen, "cannot create a temporary file in /tmp: %s", strerror(e));
	} else {
		if (gp_write_script(script, format, tmpout, body, err, errlen) == 0 &&
		    gp_run(script, errpath, tmpout, err, errlen) == 0)
			rc = 0;
		unlink(errpath);
	}
	unlink(script);
	return rc;
}

/* The chart replaces only a regular file or a new path (outpath.h). */
static int gp_render_to(const char *body, const char *out, enum gp_format format, char *err, size_t errlen)
{
	char tmpout[4096];
	if (gp_output_temp(out, tmpout, sizeof tmpout, err, errlen) < 0)
		return GP_ERR_OUTPUT;
	if (gp_script_and_run(body, tmpout, format, err, errlen) < 0) {
		unlink(tmpout);
		return GP_ERR_GNUPLOT;
	}
	if (out_check(out, err, errlen) != 0) {
		unlink(tmpout);
		return GP_ERR_OUTPUT;
	}
	if (rename(tmpout, out) != 0) {
		snprintf(err, errlen, "cannot rename '%s' to '%s': %s", tmpout, out, strerror(errno));
		unlink(tmpout);
		return GP_ERR_GNUPLOT;
	}
	return 0;
}

int gp_render(const char *body, const char *out, enum gp_format format, char *err, size_t errlen)
{
	char why[1024];
	char *target = out_resolve(out, why, sizeof why);
	if (!target) {
		snprintf(err, errlen, "-o %s: %s", out, why);
		return GP_ERR_OUTPUT;
	}
	int rc = gp_render_to(body, target, format, err, errlen);
	free(target);
	return rc;
}
