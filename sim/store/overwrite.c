/* sim/store/overwrite.c — the replace rule for results databases
 * (overwrite.h): reads the existing target read-only and compares. */
#include "overwrite.h"
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* What an existing database holds. */
struct ovw_old {
	bool gmpsim;            /* has a runs table */
	int64_t nruns;
	int64_t nscenarios;     /* distinct scenario names */
	char scenario[128];     /* one of them */
	char fingerprint[40];   /* meta sweep_fingerprint, "" for none */
};

static void text_of(sqlite3 *h, const char *sql, char *buf, size_t len)
{
	sqlite3_stmt *s;
	buf[0] = 0;
	if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK)
		return;
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		snprintf(buf, len, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
}

static int64_t int_of(sqlite3 *h, const char *sql)
{
	char buf[32];
	text_of(h, sql, buf, sizeof buf);
	long long v = 0;
	sscanf(buf, "%lld", &v);
	return v;
}

static void inspect(const char *path, struct ovw_old *o)
{
	memset(o, 0, sizeof *o);
	sqlite3 *h = NULL;
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(h);
		return;
	}
	char has[8];
	text_of(h, "SELECT 1 FROM sqlite_master WHERE type='table' AND name='runs'", has, sizeof has);
	if (has[0]) {
		o->gmpsim = true;
		o->nruns = int_of(h, "SELECT count(*) FROM runs");
		o->nscenarios = int_of(h, "SELECT count(DISTINCT scenario) FROM runs");
		text_of(h, "SELECT scenario FROM runs ORDER BY run_id LIMIT 1", o->scenario, sizeof o->scenario);
		text_of(h, "SELECT value FROM meta WHERE key='sweep_fingerprint'", o->fingerprint, sizeof o->fingerprint);
	}
	sqlite3_close(h);
}

/* "4 runs of scenario 'a'", "80 runs of a sweep of 'a'", "3 runs of 2 scenarios" */
static void describe(const struct ovw_old *o, char *buf, size_t len)
{
	if (o->nscenarios > 1)
		snprintf(buf, len, "%lld runs of %lld scenarios", (long long)o->nruns, (long long)o->nscenarios);
	else
		snprintf(buf, len, "%lld run%s of %sscenario '%s'", (long long)o->nruns, o->nruns == 1 ? "" : "s",
			 o->fingerprint[0] ? "a sweep of " : "", o->scenario);
}

/* Why n may not replace o, or NULL when it may. */
static const char *why_not(const struct ovw_old *o, const struct ovw_new *n)
{
	if (n->fingerprint && strcmp(o->fingerprint, n->fingerprint) != 0)
		return o->fingerprint[0] ? "another sweep" : "not this sweep's";
	if (!n->fingerprint && o->fingerprint[0])
		return "a sweep's";
	if (!n->fingerprint && (o->nscenarios > 1 || (o->nscenarios == 1 && strcmp(o->scenario, n->scenario) != 0)))
		return "another scenario's";
	if (o->nruns > n->nruns)
		return "more runs than this writes";
	return NULL;
}

int ovw_check(const char *target, const struct ovw_new *n, char *said, size_t saidlen, char *err, size_t errlen)
{
	struct stat st;
	said[0] = 0;
	if (stat(target, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
		return 0;
	struct ovw_old o;
	inspect(target, &o);
	char what[256];
	if (!o.gmpsim) {
		if (!n->force) {
			snprintf(err, errlen, "refusing to replace '%s': it is not a gmpsim results database "
				 "(--force replaces it)", target);
			return -1;
		}
		snprintf(said, saidlen, "replacing '%s' (not a gmpsim results database; --force)", target);
		return 0;
	}
	if (o.nruns == 0)
		return 0;
	describe(&o, what, sizeof what);
	const char *why = why_not(&o, n);
	if (why && !n->force) {
		snprintf(err, errlen, "refusing to replace '%s': it holds %s (%s); --force replaces it, "
			 "another -o keeps it%s", target, what, why,
			 n->fingerprint ? ", --resume adds to it if it is this sweep's" : "");
		return -1;
	}
	snprintf(said, saidlen, "replacing '%s': it held %s%s", target, what, why ? " (--force)" : "");
	return 0;
}
