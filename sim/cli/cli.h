/* sim/cli/cli.h — what every gmpsim subcommand shares: the exit statuses,
 * the error printers ("gmpsim CMD: message", with a pointer to --help for
 * bad usage), the default results database path and the removal of a
 * temporary database on a signal. Must not know any one subcommand. */
#ifndef GMPSIM_CLI_H
#define GMPSIM_CLI_H

/* Exit statuses of every subcommand (README, "Exit status"). */
enum cli_exit {
	EXIT_OK = 0,
	EXIT_FAIL = 1,          /* a simulation failed (run, sweep), gnuplot failed (plot),
				   a write failed midway (export) */
	EXIT_USAGE = 2,         /* bad usage or input, or the results database could not be
				   written (a full disk, ulimit -f); nothing written */
	EXIT_INTERRUPTED = 130, /* sweep: interrupted, finished runs kept */
};

/* Prints "gmpsim CMD: MESSAGE" (cmd NULL: "gmpsim: MESSAGE") and a newline
 * to stderr; returns status. For errors the command line did not cause,
 * and for the commands whose every error is one line (plot, query). */
int cli_error(const char *cmd, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Prints "gmpsim CMD: MESSAGE" and "Try 'gmpsim CMD --help'." (cmd NULL:
 * "gmpsim: ..." and "Try 'gmpsim --help'.") to stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Only the "Try 'gmpsim CMD --help'." line, after getopt has printed its
 * own message; returns EXIT_USAGE. */
int cli_try_help(const char *cmd);

/* The results database to write, malloc'ed: a copy of given (the -o
 * option) when not NULL, else the default "results/NAME.db" with '/' and
 * ' ' in name replaced by '_', the results directory created when missing.
 * NULL (and a message on stderr) when the directory cannot be created or
 * memory runs out. */
char *cli_output_path(const char *given, const char *name);

/* From now until called with NULL, SIGINT, SIGTERM and SIGHUP unlink path
 * (a temporary database) before taking their default course: an
 * interrupted command never leaves a temporary file behind. */
void cli_unlink_on_signal(const char *path);

#endif
