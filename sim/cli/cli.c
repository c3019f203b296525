/* sim/cli/cli.c — what the gmpsim subcommands share (cli.h): error
 * printers, the default output path, a temporary database removed on a
 * signal. Must not know any one subcommand: it prints what it is given. */
#include "cli.h"
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* "gmpsim: " or "gmpsim CMD: ", the message and a newline. */
static void print_error(const char *cmd, const char *fmt, va_list ap)
{
	fprintf(stderr, "gmpsim%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int cli_error(const char *cmd, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	print_error(cmd, fmt, ap);
	va_end(ap);
	return status;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	print_error(cmd, fmt, ap);
	va_end(ap);
	return cli_try_help(cmd);
}

int cli_try_help(const char *cmd)
{
	fprintf(stderr, "Try 'gmpsim%s%s --help'.\n", cmd ? " " : "", cmd ? cmd : "");
	return EXIT_USAGE;
}

char *cli_output_path(const char *given, const char *name)
{
	if (given)
		return strdup(given);
	size_t n = strlen(name) + 16;
	char *p = malloc(n);
	if (!p)
		return NULL;
	snprintf(p, n, "results/%s.db", name);
	for (char *q = p + strlen("results/"); *q; q++)
		if (*q == '/' || *q == ' ')
			*q = '_';
	if (mkdir("results", 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "gmpsim: cannot create directory results: %s\n", strerror(errno));
		free(p);
		return NULL;
	}
	return p;
}

static const char *volatile temp_path;

static void on_signal(int sig)
{
	if (temp_path)
		unlink(temp_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

void cli_unlink_on_signal(const char *path)
{
	static bool installed;
	temp_path = path;
	if (installed)
		return;
	installed = true;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
}
