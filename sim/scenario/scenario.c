/* sim/scenario/scenario.c — loads a scenario: YAML text plus --set overrides become a
 * validated struct scenario with every default applied and every resolved
 * parameter listed in sc->params. This file is the public entry points and
 * the order of the steps; the steps live in
 *   scenario_value.c     one scalar as a typed value, with its errors
 *   scenario_table.c     the parameter table sc_rows: defaults, the fixed
 *                        sections (top level, machine, kernel, acceptor,
 *                        output, models) and the checks across fields
 *   scenario_workload.c  classes, programs, ops, distributions, arrivals
 *   scenario_params.c    the flattened parameter list and where each value came from
 *   scenario_include.c   include: and --profile, merged under the scenario
 * sharing the loader state declared in scenario_internal.h.
 *
 * Must not: know how the models behave (only their parameters), print,
 * exit, or leave anything allocated after a failure. Every error is one
 * "file:line:column: message" in the caller's buffer; later layers trust
 * the result and never re-validate. */
#include "scenario.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_internal.h"

#define SC_MAX_FILE (64L << 20)  /* a scenario is text written by a person */

/* ---- entry points -------------------------------------------------------- */

static int build(struct loader *ld, const char *file)
{
	struct yt *t = ld->t;
	int root = yt_root(t);
	if (sc__set_defaults(ld))
		return -1;
	if (!yt_is_mapping(t, root))
		return yt_fail_type(t, root, "a mapping at the top of the document");
	if (sc__load_sections(ld, root) || sc__load_workload(ld) || sc__make_params(ld))
		return -1;
	if (!(ld->sc->path = strdup(file)))
		return sc__oom(ld, 0);
	return 0;
}

static int load_text(const char *file, const char *text, size_t len, const struct sc_sources *src,
		     struct scenario *out, char *err, size_t errlen)
{
	struct yt t;
	struct loader ld;
	memset(out, 0, sizeof *out);
	memset(&ld, 0, sizeof ld);
	ld.t = &t;
	ld.sc = out;
	if (err && errlen)
		err[0] = '\0';
	int rc = yt_open(&t, file, text, len, err, errlen);
	if (rc == 0)
		rc = sc__merge_files(&t, file, src->profile);
	for (int i = 0; rc == 0 && i < src->nsets; i++)
		rc = yt_apply_set(&t, src->sets[i]);
	if (rc == 0)
		rc = build(&ld, file);
	free(ld.named);
	free(ld.chan_names);
	yt_close(&t);
	if (rc)
		sc_free(out);
	return rc ? -1 : 0;
}

int sc_load_string(const char *name, const char *yaml, const char *const *sets,
		   int nsets, struct scenario *out, char *err, size_t errlen)
{
	struct sc_sources src = { NULL, sets, nsets };
	return load_text(name, yaml, strlen(yaml), &src, out, err, errlen);
}

/* What a file that is not regular is, for the message. */
static const char *file_kind(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device"
	       : S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

/* Opens path for reading only when it is a regular file: a FIFO would
 * block open() (and read()) until a writer came, a device could be read
 * forever. Opened non-blocking, then checked with fstat, so a FIFO swapped
 * in after a stat cannot block either. */
static FILE *open_regular(const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) { /* not even opened: a device's open may act */
		snprintf(err, errlen, "%s: cannot read: it is %s, not a regular file", path, file_kind(st.st_mode));
		return NULL;
	}
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: cannot read: it is not a regular file", path);
		close(fd);
		return NULL;
	}
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	FILE *f = fdopen(fd, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		close(fd);
	}
	return f;
}

/* Reads a whole file into a malloc'd buffer; *len gets its size. */
char *sc__read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = open_regular(path, err, errlen);
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap || cap >= (size_t)SC_MAX_FILE)
			break;
		char *bigger = realloc(buf, cap * 2);
		if (!bigger)
			free(buf);
		buf = bigger;
		cap *= 2;
	}
	bool bad = !buf || ferror(f) || n == cap;
	if (bad)
		snprintf(err, errlen, "%s: cannot read: %s", path,
			 !buf ? "out of memory" : n == cap ? "file too large" : strerror(errno));
	fclose(f);
	if (bad) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

int sc_load_from(const char *path, const struct sc_sources *src, struct scenario *out,
		 char *err, size_t errlen)
{
	size_t len = 0;
	memset(out, 0, sizeof *out);
	char *text = sc__read_file(path, &len, err, errlen);
	if (!text)
		return -1;
	int rc = load_text(path, text, len, src, out, err, errlen);
	free(text);
	return rc;
}

int sc_load(const char *path, const char *const *sets, int nsets,
	    struct scenario *out, char *err, size_t errlen)
{
	struct sc_sources src = { NULL, sets, nsets };
	return sc_load_from(path, &src, out, err, errlen);
}

static void dist_free(struct dist *d)
{
	free(d->values);
	d->values = NULL;
	d->n = 0;
}

void sc_free(struct scenario *sc)
{
	if (!sc)
		return;
	free(sc->path);
	free(sc->name);
	free(sc->description);
	free(sc->threads.runtime_name);
	free(sc->pool.runtime_name);
	free(sc->machine.distance);
	free(sc->numactl.cpunodebind);
	free(sc->numactl.physcpubind);
	free(sc->numactl.membind);
	free(sc->numactl.interleave);
	free(sc->numactl.preferred);
	free(sc->numactl.cpus);
	for (int i = 0; i < sc->nclasses; i++) {
		free(sc->classes[i].name);
		dist_free(&sc->classes[i].arrival.think);
	}
	free(sc->classes);
	for (int i = 0; i < sc->nprograms; i++) {
		for (int j = 0; j < sc->programs[i].nops; j++)
			dist_free(&sc->programs[i].ops[j].d);
		free(sc->programs[i].ops);
		free(sc->programs[i].name);
	}
	free(sc->programs);
	for (int i = 0; i < sc->nchannels; i++)
		free(sc->channels[i].name);
	free(sc->channels);
	for (int i = 0; i < sc->nmutexes; i++)
		free(sc->mutexes[i]);
	free(sc->mutexes);
	for (int i = 0; i < sc->nparams; i++) {
		free(sc->params[i].key);
		free(sc->params[i].value);
		free(sc->params[i].from);
	}
	free(sc->params);
	memset(sc, 0, sizeof *sc);
}

int sc_model_index(const struct scenario *sc, const char *name)
{
	for (int i = 0; i < sc->nmodels; i++)
		if (strcmp(sc->models[i], name) == 0)
			return i;
	return -1;
}

int sc_program_index(const struct scenario *sc, const char *name)
{
	for (int i = 0; i < sc->nprograms; i++)
		if (strcmp(sc->programs[i].name, name) == 0)
			return i;
	return -1;
}
